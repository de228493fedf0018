//! The operation table, the router, the served document and the stats agree: every operation
//! the document lists is routed to a handler (not to API Gateway's "Missing Authentication
//! Token"), and the stats count exactly the document's operation ids.

mod common;

use std::collections::BTreeSet;

use common::{public, setup};
use serde_json::json;

#[tokio::test]
async fn router_document_and_stats_agree() {
    let (emu, client, creds) = setup(50).await;
    let mut ids = BTreeSet::new();
    let mut routes = 0;
    // Each API's document, where that API serves it; the Permission Sets API names its
    // operations by operationId, on paths under its server's `/20210321`.
    for (version, document) in [("20190206", "oas3-document"), ("20210321", "api-document")] {
        let doc = public(&client, &format!("/{version}/public/{document}")).await;
        let server = doc["servers"][0]["url"]
            .as_str()
            .unwrap()
            .trim_end_matches('/');
        for (path, item) in doc["paths"].as_object().unwrap() {
            let path = &format!("{server}{path}");
            for (method, op) in item.as_object().unwrap() {
                routes += 1;
                let id = match op.get("x-stax-sdk-operation-id") {
                    Some(id) => id.as_str().unwrap().to_owned(),
                    None => format!("permission-sets.{}", op["operationId"].as_str().unwrap()),
                };
                let id = id.as_str();
                ids.insert(id.to_owned());
                let concrete: Vec<String> = path
                    .split('/')
                    .map(|s| {
                        if s.starts_with('{') {
                            uuid::Uuid::new_v4().to_string()
                        } else {
                            s.to_owned()
                        }
                    })
                    .collect();
                let body = (method != "get" && method != "delete").then(|| json!({}));
                let (status, answer) = client
                    .call(
                        &creds,
                        &method.to_ascii_uppercase(),
                        &concrete.join("/"),
                        body,
                    )
                    .await;
                assert_ne!(
                    answer["message"], "Missing Authentication Token",
                    "{method} {path} ({id}) is not routed: {status} {answer}"
                );
                assert!(status < 500, "{method} {path}: {status} {answer}");
            }
        }
    }
    assert!(routes > 0);
    let stats = emu.stats();
    let counted: BTreeSet<String> = stats["operations"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    assert_eq!(counted, ids, "the stats count the document's operations");
    emu.shutdown().await;
}
