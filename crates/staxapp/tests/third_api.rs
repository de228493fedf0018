//! Adding an API is one entry of the table of APIs: a test-only third API ("widgets",
//! version 20991231) whose document the emulator serves and answers with `--openapi`, called
//! through the same pipeline as the two Stax APIs (live document, routing, validation,
//! signing, paging style, error shape).

mod common;

use common::{builder, emulator, stat, temp_dir};
use serde_json::json;
use stax_emulator::EmulatorOptions;
use staxapp::apis::{ApiSpec, ErrorShape, PagingKind, Services};
use staxapp::paging::PagingStyle;
use staxapp::{Api, Call, Error, StaxClient, args};

/// The whole of what the SDK needs to know about the third API.
static WIDGETS: ApiSpec = ApiSpec {
    name: "widgets",
    services: Services::One("widgets"),
    version: "20991231",
    host_prefix: "api.widgets.",
    document_path: "/public/oas3-document",
    schema_env: "STAX_WIDGETS_SCHEMA",
    paging: PagingKind::Token,
    errors: ErrorShape::Coded,
};

fn document() -> serde_json::Value {
    json!({
        "openapi": "3.0.3",
        "info": {"title": "Widgets (a test API)", "version": "20991231"},
        "servers": [{"url": "/20991231"}],
        "paths": {
            "/widgets": {
                "get": {
                    "operationId": "ListWidgets",
                    "parameters": [
                        {"name": "limit", "in": "query", "schema": {"type": "integer"}},
                        {"name": "page_token", "in": "query", "schema": {"type": "string"}}
                    ],
                    "responses": {"200": {"description": "the widgets", "content": {"application/json": {"schema": {
                        "type": "object", "required": ["Widgets"],
                        "properties": {"Widgets": {"type": "array", "maxItems": 3, "items": {"$ref": "#/components/schemas/Widget"}}}
                    }}}}}
                },
                "post": {
                    "operationId": "CreateWidget",
                    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewWidget"}}}},
                    "responses": {"200": {"description": "created", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Widget"}}}}}
                }
            },
            "/widgets/{widget_id}": {
                "get": {
                    "operationId": "GetWidget",
                    "parameters": [{"name": "widget_id", "in": "path", "required": true, "schema": {"type": "string"}}],
                    "responses": {"200": {"description": "one widget", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Widget"}}}}}
                }
            }
        },
        "components": {"schemas": {
            "Widget": {"type": "object", "required": ["Id", "Name"], "properties": {
                "Id": {"type": "string"}, "Name": {"type": "string", "minLength": 1}}},
            "NewWidget": {"type": "object", "required": ["Name"], "properties": {
                "Name": {"type": "string", "minLength": 1, "maxLength": 20}}}
        }}
    })
}

#[tokio::test]
async fn a_third_api_is_one_table_entry() {
    let dir = temp_dir("widgets-doc");
    let path = dir.join("widgets.json");
    std::fs::write(&path, serde_json::to_vec(&document()).unwrap()).unwrap();
    let emu = emulator(EmulatorOptions {
        openapi: vec![path],
        ..EmulatorOptions::default()
    })
    .await;
    let widgets = Api::new(&WIDGETS);
    let config = builder(&emu, "widgets").api(widgets).build().unwrap();
    assert_eq!(
        config.base_url_of(widgets),
        format!("{}/20991231", emu.endpoint())
    );
    let client = StaxClient::new(config).unwrap();

    // Its service is listed beside the others, and its document is read live.
    let services = client.services().await.unwrap();
    assert!(services.iter().any(|s| s == "widgets"), "{services:?}");
    assert!(services.iter().any(|s| s == "permission-sets"));
    let doc = client.document_of(widgets).await.unwrap();
    assert_eq!(doc.services(), ["widgets"]);
    assert!(stat(&emu, "/document/sent") >= 1, "{}", emu.stats());

    // Routed, signed and answered like the others.
    let request = client
        .request(Call::new("widgets", "GetWidget").args(args! {"widget_id" => "w 1"}))
        .await
        .unwrap();
    assert_eq!(request.api(), widgets);
    assert_eq!(
        request.url(),
        format!("{}/20991231/widgets/w%201", emu.endpoint())
    );
    let widget: serde_json::Value = client.send(&request).await.unwrap().json().unwrap();
    assert!(
        widget["Id"].is_string() && widget["Name"].is_string(),
        "{widget}"
    );
    let listed = client
        .call("widgets", "list-widgets", args! {"limit" => 2})
        .await
        .unwrap();
    assert!(listed["Widgets"].is_array(), "{listed}");
    assert_eq!(stat(&emu, "/rejected_signatures"), 0);

    // Validated against its own document before sending.
    let err = client
        .call("widgets", "CreateWidget", args! {"Name" => ""})
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Validation(_)), "{err}");
    let created = client
        .call("widgets", "CreateWidget", args! {"Name" => "sprocket"})
        .await
        .unwrap();
    assert!(created["Id"].is_string(), "{created}");

    // Its lists page by token, as its entry says.
    let list = doc.operation("widgets", "ListWidgets").unwrap();
    assert_eq!(
        PagingStyle::of(widgets, list),
        PagingStyle::Token { limit: true }
    );
    let one = doc.operation("widgets", "GetWidget").unwrap();
    assert_eq!(PagingStyle::of(widgets, one), PagingStyle::Single);

    // Unknown operations name the API's own.
    let err = client
        .call("widgets", "DeleteWidget", args! {})
        .await
        .unwrap_err();
    assert!(err.to_string().contains("ListWidgets"), "{err}");
    emu.shutdown().await;
}

/// Errors are read in the API's shape first.
#[test]
fn errors_are_read_in_the_apis_shape() {
    let e = staxapp::ApiError::from_answer(
        404,
        r#"{"Error": {"Code": 404, "Message": "No such widget"}}"#,
        Some("widgets.GetWidget".into()),
        Api::new(&WIDGETS).errors(),
        None,
    );
    assert_eq!(e.message, "Api Exception: 404 - No such widget");
}
