//! The Permission Sets API read from Stax's reference document (`$STAX_SHARED_DIR`): its
//! operations in the service `permission-sets`, routed under `/20210321` on the `api.idam.`
//! host, its array body, its paging style; all without a network.

mod common;

use serde_json::{Value, json};
use staxapp::paging::PagingStyle;
use staxapp::{Api, Call, Config, SchemaSource, StaxClient, ValidationError, args};

/// A client of au1 that reads the Permission Sets API's document from the reference file.
fn client() -> Option<StaxClient> {
    let path = common::permission_sets_document()?;
    let config = Config::builder_without_env()
        .region("au1")
        .schema_for(Api::PERMISSION_SETS, SchemaSource::File(path))
        .build()
        .unwrap();
    Some(StaxClient::new(config).unwrap())
}

const OPERATIONS: [&str; 13] = [
    "CreatePermissionSet",
    "CreatePermissionSetAssignments",
    "DeletePermissionSet",
    "DeletePermissionSetAssignment",
    "GetAPIDocument",
    "GetPermissionSet",
    "ListAWSManagedPolicies",
    "ListMyRoles",
    "ListPermissionSetAssignments",
    "ListPermissionSets",
    "ListRoles",
    "RedeployPermissionSetAssignment",
    "UpdatePermissionSet",
];

const SET: &str = "12345678-1234-1234-1234-123456789012";
const ASSIGNMENT: &str = "87654321-4321-4321-4321-210987654321";

#[tokio::test]
async fn every_operation_id_is_an_operation_of_permission_sets() {
    let Some(client) = client() else { return };
    let doc = client.document_of(Api::PERMISSION_SETS).await.unwrap();
    assert_eq!(doc.services(), ["permission-sets"]);
    let names: Vec<&str> = doc
        .operations("permission-sets")
        .unwrap()
        .iter()
        .map(|o| o.name.as_str())
        .collect();
    assert_eq!(names, OPERATIONS);
    for op in doc.all_operations() {
        for variant in &op.variants {
            assert!(variant.path.starts_with("/20210321/"), "{}", variant.path);
        }
    }
    // Other spellings of the service find it; the core API is not loaded for it.
    for service in ["permission_sets", "PermissionSets", "PERMISSION-SETS"] {
        let request = client
            .prepare(service, "list-permission-sets", ())
            .await
            .unwrap();
        assert_eq!(request.operation(), "ListPermissionSets");
    }
    assert!(
        format!("{:?}", client.session()).contains(r#"documents_loaded: ["permission-sets"]"#),
        "{:?}",
        client.session()
    );
}

#[tokio::test]
async fn routes_go_to_the_idam_host_under_the_version() {
    let Some(client) = client() else { return };
    let cases: Vec<(&str, staxapp::Args, &str, &str)> = vec![
        (
            "ListPermissionSets",
            args! {"status" => ["ACTIVE"], "limit" => 5},
            "GET",
            "/20210321/permission-sets?status=ACTIVE&limit=5",
        ),
        (
            "GetPermissionSet",
            args! {"permission_set_id" => SET},
            "GET",
            "/20210321/permission-sets/12345678-1234-1234-1234-123456789012",
        ),
        (
            "ListAWSManagedPolicies",
            args! {},
            "GET",
            "/20210321/permission-sets/aws-managed-policies",
        ),
        (
            "ListMyRoles",
            args! {},
            "GET",
            "/20210321/permission-sets/roles/me",
        ),
        (
            "DeletePermissionSetAssignment",
            args! {"permission_set_id" => SET, "assignment_id" => ASSIGNMENT},
            "DELETE",
            "/20210321/permission-sets/12345678-1234-1234-1234-123456789012/assignments/87654321-4321-4321-4321-210987654321",
        ),
        (
            "RedeployPermissionSetAssignment",
            args! {"permission_set_id" => SET, "assignment_id" => ASSIGNMENT},
            "PUT",
            "/20210321/permission-sets/12345678-1234-1234-1234-123456789012/assignments/87654321-4321-4321-4321-210987654321",
        ),
        (
            "GetAPIDocument",
            args! {},
            "GET",
            "/20210321/public/api-document",
        ),
    ];
    for (operation, arguments, method, path_and_query) in cases {
        let request = client
            .request(
                Call::new("permission-sets", operation)
                    .args(arguments)
                    .validate(false),
            )
            .await
            .unwrap_or_else(|e| panic!("{operation}: {e}"));
        assert_eq!(request.method().as_str(), method, "{operation}");
        assert_eq!(
            request.prepared().path_and_query(),
            path_and_query,
            "{operation}"
        );
        assert_eq!(
            request.url(),
            format!("https://api.idam.au1.staxapp.cloud{path_and_query}")
        );
        assert_eq!(request.api(), Api::PERMISSION_SETS);
    }
    assert_eq!(
        client.config().host_of(Api::PERMISSION_SETS),
        "api.idam.au1.staxapp.cloud"
    );
}

#[tokio::test]
async fn bodies_validate_against_the_document_array_bodies_too() {
    let Some(client) = client() else { return };
    let created = client
        .prepare(
            "permission-sets",
            "CreatePermissionSet",
            args! {
                "Name" => "ReadOnlyAuditors",
                "AWSManagedPolicies" => [{"PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}],
                "MaxSessionDuration" => 7200,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        created.prepared().validates_against.as_deref(),
        Some("CreatePermissionSetRecord")
    );
    let err = client
        .prepare(
            "permission-sets",
            "CreatePermissionSet",
            args! {"Name" => "has space"},
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("/Name"), "{err}");
    let err = client
        .prepare(
            "permission-sets",
            "CreatePermissionSet",
            args! {"Name" => "ok", "MaxSessionDuration" => 60},
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("/MaxSessionDuration"), "{err}");

    let assignment = json!([{"GroupId": SET, "AccountTypeId": ASSIGNMENT}]);
    let request = client
        .prepare(
            "permission-sets",
            "CreatePermissionSetAssignments",
            args! {"permission_set_id" => SET}.body(assignment.clone()),
        )
        .await
        .unwrap();
    assert_eq!(request.body(), Some(&assignment));
    assert_eq!(
        request.prepared().validates_against.as_deref(),
        Some("CreateAssignmentsRequest")
    );
    // The document allows one assignment per call, and wants both ids.
    for bad in [
        json!([]),
        json!([{"GroupId": SET}]),
        json!([assignment[0], assignment[0]]),
    ] {
        let err = client
            .prepare(
                "permission-sets",
                "CreatePermissionSetAssignments",
                args! {"permission_set_id" => SET}.body(bad.clone()),
            )
            .await
            .unwrap_err();
        assert!(
            matches!(&err, staxapp::Error::Validation(v) if matches!(**v, ValidationError::Body { .. })),
            "{bad}: {err}"
        );
    }
    // Fields beside a whole body have no place; an array given as the arguments is refused
    // with the way to give it.
    let err = client
        .prepare(
            "permission-sets",
            "CreatePermissionSetAssignments",
            args! {"permission_set_id" => SET, "GroupId" => SET}.body(assignment.clone()),
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("GroupId"), "{err}");
    let err = client
        .prepare(
            "permission-sets",
            "CreatePermissionSetAssignments",
            assignment,
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("Args::body"), "{err}");
    let err = client
        .prepare(
            "permission-sets",
            "GetPermissionSet",
            args! {"permission_set_id" => SET}.body(json!([])),
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("without a body"), "{err}");
}

#[tokio::test]
async fn list_operations_page_with_tokens() {
    let Some(client) = client() else { return };
    let doc = client.document_of(Api::PERMISSION_SETS).await.unwrap();
    let style = |name: &str| {
        PagingStyle::of(
            Api::PERMISSION_SETS,
            doc.operation("permission-sets", name).unwrap(),
        )
    };
    assert_eq!(
        style("ListPermissionSets"),
        PagingStyle::Token { limit: true }
    );
    assert_eq!(
        style("ListPermissionSetAssignments"),
        PagingStyle::Token { limit: true }
    );
    assert_eq!(style("ListMyRoles"), PagingStyle::Token { limit: true });
    assert_eq!(style("ListRoles"), PagingStyle::Token { limit: false });
    assert_eq!(style("ListAWSManagedPolicies"), PagingStyle::Single);
}

#[tokio::test]
async fn describe_data_resolves_the_parameter_references() {
    let Some(client) = client() else { return };
    let doc = client.document_of(Api::PERMISSION_SETS).await.unwrap();
    let list = doc
        .operation("permission-sets", "ListPermissionSetAssignments")
        .unwrap();
    let names: Vec<String> = list.parameters().into_iter().map(|p| p.name).collect();
    assert_eq!(
        names,
        [
            "permission_set_id",
            "limit",
            "page_token",
            "status",
            "created_by",
            "group",
            "account_type"
        ]
    );
    let status = list
        .parameters()
        .into_iter()
        .find(|p| p.name == "status")
        .unwrap();
    assert!(
        status
            .enum_values
            .contains(&Value::from("DEPLOYMENT_COMPLETE"))
    );
    let create = doc
        .operation("permission-sets", "CreatePermissionSet")
        .unwrap();
    let fields: Vec<String> = doc
        .body_fields(create)
        .into_iter()
        .map(|f| f.name)
        .collect();
    assert!(
        fields.contains(&"AWSManagedPolicies".to_owned()),
        "{fields:?}"
    );
}
