//! Fidelity against Stax's published document: every answer of every stateful operation
//! validates against the 200 schema of the same operation in the reference document.
//!
//! The reference is read at run time from `$STAX_SHARED_DIR/reference/` (relative paths
//! resolve against the workspace root). Unset: the test is skipped with a note. Set but the
//! file is missing: the test fails.

mod common;

use std::path::PathBuf;
use std::time::Duration;

use common::{Client, Creds, emulator};
use serde_json::{Map, Value, json};

fn reference() -> Option<Value> {
    let Some(dir) = std::env::var_os("STAX_SHARED_DIR") else {
        println!("note: STAX_SHARED_DIR is not set; fidelity check skipped");
        return None;
    };
    let mut dir = PathBuf::from(dir);
    if dir.is_relative() {
        dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../..")
            .join(dir);
    }
    let path = dir.join("reference/stax-core-20190206.oas3.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "STAX_SHARED_DIR is set but {} is unreadable: {e}",
            path.display()
        )
    });
    Some(serde_json::from_str(&text).expect("reference document is JSON"))
}

/// OpenAPI 3.0 schema dialect to JSON Schema: `nullable: true` admits null.
fn json_schema(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let nullable = map.get("nullable") == Some(&Value::Bool(true));
            let mut out: Map<String, Value> = map
                .iter()
                .filter(|(k, _)| k.as_str() != "nullable")
                .map(|(k, v)| {
                    let v = if matches!(k.as_str(), "example" | "enum" | "default") {
                        v.clone()
                    } else {
                        json_schema(v)
                    };
                    (k.clone(), v)
                })
                .collect();
            if nullable {
                if let Some(Value::String(t)) = out.get("type").cloned() {
                    out.insert("type".into(), json!([t, "null"]));
                    if let Some(Value::Array(e)) = out.get_mut("enum") {
                        e.push(Value::Null);
                    }
                } else {
                    return json!({"anyOf": [Value::Object(out), {"type": "null"}]});
                }
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(json_schema).collect()),
        other => other.clone(),
    }
}

struct Checker {
    reference: Value,
    components: Value,
    checked: Vec<String>,
}

impl Checker {
    fn check(&mut self, method: &str, path: &str, body: &Value) {
        let op = &self.reference["paths"][path][method];
        let id = op["x-stax-sdk-operation-id"]
            .as_str()
            .unwrap_or_else(|| panic!("{method} {path} is not in the reference"));
        let schema = &op["responses"]["200"]["content"]["application/json"]["schema"];
        let root = json!({"allOf": [json_schema(schema)], "components": self.components});
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft4)
            .build(&root)
            .unwrap_or_else(|e| panic!("{id}: schema does not compile: {e}"));
        let errors: Vec<String> = validator
            .iter_errors(body)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{id} ({method} {path}) answer breaks the reference: {errors:?}\n{body}"
        );
        self.checked.push(id.to_owned());
    }
}

async fn call(
    client: &Client,
    creds: &Creds,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> Value {
    let (status, answer) = client.call(creds, method, path, body).await;
    assert_eq!(status, 200, "{method} {path}: {answer}");
    answer
}

#[tokio::test]
async fn every_stateful_answer_matches_the_reference_200_schema() {
    let Some(reference) = reference() else { return };
    let components = json_schema(&reference["components"]);
    let mut c = Checker {
        reference,
        components,
        checked: Vec::new(),
    };
    let emu = emulator(|o| o.task_delay = Duration::from_millis(50)).await;
    let client = Client::new(emu.endpoint()).await;
    c.check("get", "/20190206/public/config", &client.config);
    let creds = client.login(emu.access_key(), emu.secret_key()).await;

    let all = call(&client, &creds, "GET", "/20190206/accounts", None).await;
    c.check("get", "/20190206/accounts", &all);
    let paged = call(
        &client,
        &creds,
        "GET",
        "/20190206/accounts?offset=2&limit=3&filter=ACTIVE",
        None,
    )
    .await;
    c.check("get", "/20190206/accounts", &paged);
    let id = all["Accounts"][3]["Id"].as_str().unwrap().to_owned();
    let one = call(
        &client,
        &creds,
        "GET",
        &format!("/20190206/accounts/{id}"),
        None,
    )
    .await;
    c.check("get", "/20190206/accounts/{account_id}", &one);

    let created_type = call(
        &client,
        &creds,
        "POST",
        "/20190206/accounts/types",
        Some(json!({"Name": "fidelity"})),
    )
    .await;
    c.check("post", "/20190206/accounts/types", &created_type);
    let type_id = created_type["Detail"]["AccountType"]["Id"]
        .as_str()
        .unwrap()
        .to_owned();
    let types = call(&client, &creds, "GET", "/20190206/accounts/types", None).await;
    c.check("get", "/20190206/accounts/types", &types);
    let one_type = call(
        &client,
        &creds,
        "GET",
        &format!("/20190206/accounts/types/{type_id}"),
        None,
    )
    .await;
    c.check(
        "get",
        "/20190206/accounts/types/{account_type_id}",
        &one_type,
    );
    let renamed = call(
        &client,
        &creds,
        "PUT",
        &format!("/20190206/accounts/types/{type_id}"),
        Some(json!({"Name": "fidelity2"})),
    )
    .await;
    c.check(
        "put",
        "/20190206/accounts/types/{account_type_id}",
        &renamed,
    );

    let created = call(
        &client,
        &creds,
        "POST",
        "/20190206/accounts",
        Some(json!({"Name": "fidelity-acct", "AccountType": "fidelity2", "Tags": {"a": "b"}})),
    )
    .await;
    c.check("post", "/20190206/accounts", &created);
    let (task, _) = client
        .wait_task(&creds, created["TaskId"].as_str().unwrap())
        .await;
    c.check("get", "/20190206/task/{task_id}", &task);
    let started = call(
        &client,
        &creds,
        "GET",
        &format!("/20190206/task/{}", created["TaskId"].as_str().unwrap()),
        None,
    )
    .await;
    c.check("get", "/20190206/task/{task_id}", &started);
    let new_id = task["Accounts"][0].as_str().unwrap().to_owned();
    let updated = call(
        &client,
        &creds,
        "PUT",
        &format!("/20190206/accounts/{new_id}"),
        Some(json!({"Name": "fidelity-acct2", "AwsAccountAlias": "fid-alias"})),
    )
    .await;
    c.check("put", "/20190206/accounts/{account_id}", &updated);
    client
        .wait_task(&creds, updated["TaskId"].as_str().unwrap())
        .await;
    let members = call(
        &client,
        &creds,
        "PUT",
        "/20190206/account-types/members",
        Some(json!({"Members": [{"AccountId": new_id, "AccountTypeName": "sandbox"}]})),
    )
    .await;
    c.check("put", "/20190206/account-types/members", &members);
    client
        .wait_task(&creds, members["Detail"]["TaskId"].as_str().unwrap())
        .await;
    let access = call(&client, &creds, "PUT", "/20190206/accounts/types/access", Some(json!({"AddRoles": [{"AccountTypeId": type_id, "GroupName": "Administrators", "RoleName": "admin"}]}))).await;
    c.check("put", "/20190206/accounts/types/access", &access);
    let (failed, _) = {
        let closed = call(
            &client,
            &creds,
            "POST",
            "/20190206/accounts/close",
            Some(json!({"Id": new_id})),
        )
        .await;
        c.check("post", "/20190206/accounts/close", &closed);
        client
            .wait_task(&creds, closed["TaskId"].as_str().unwrap())
            .await;
        let again = call(
            &client,
            &creds,
            "POST",
            "/20190206/accounts/close",
            Some(json!({"Id": new_id})),
        )
        .await;
        client
            .wait_task(&creds, again["TaskId"].as_str().unwrap())
            .await
    };
    assert_eq!(failed["Status"], "FAILED");
    c.check("get", "/20190206/task/{task_id}", &failed);
    let deleted_type = call(
        &client,
        &creds,
        "DELETE",
        &format!("/20190206/accounts/types/{type_id}"),
        None,
    )
    .await;
    c.check(
        "delete",
        "/20190206/accounts/types/{account_type_id}",
        &deleted_type,
    );

    let token = call(
        &client,
        &creds,
        "POST",
        "/20190206/api-tokens",
        Some(json!({"Name": "fidelity", "Role": "api_user", "Tags": {"k": "v"}})),
    )
    .await;
    c.check("post", "/20190206/api-tokens", &token);
    let key = token["ApiTokens"][0]["AccessKey"]
        .as_str()
        .unwrap()
        .to_owned();
    let tokens = call(&client, &creds, "GET", "/20190206/api-tokens", None).await;
    c.check("get", "/20190206/api-tokens", &tokens);
    let one_token = call(
        &client,
        &creds,
        "GET",
        &format!("/20190206/api-tokens/{key}"),
        None,
    )
    .await;
    c.check("get", "/20190206/api-tokens/{access_key}", &one_token);
    let changed = call(
        &client,
        &creds,
        "PUT",
        &format!("/20190206/api-tokens/{key}"),
        Some(json!({"Description": "changed"})),
    )
    .await;
    c.check("put", "/20190206/api-tokens/{access_key}", &changed);
    let gone = call(
        &client,
        &creds,
        "DELETE",
        &format!("/20190206/api-tokens/{key}"),
        None,
    )
    .await;
    c.check("delete", "/20190206/api-tokens/{access_key}", &gone);

    // The check has teeth: a broken answer is refused.
    let broken = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut probe = Checker {
            reference: c.reference.clone(),
            components: c.components.clone(),
            checked: Vec::new(),
        };
        probe.check(
            "get",
            "/20190206/accounts",
            &json!({"Accounts": [{"Id": "x", "Name": 1}]}),
        );
    }));
    assert!(broken.is_err(), "a broken answer must fail the check");

    let distinct: std::collections::BTreeSet<_> = c.checked.iter().collect();
    println!(
        "checked {} answers of {} operations",
        c.checked.len(),
        distinct.len()
    );
    emu.shutdown().await;
}
