//! The Permission Sets API (`/20210321/...`) on the wire: stateful sets and assignments and
//! their rules, roles made by deployments, its own served document and error shape, roles
//! enforced, faults applied; and fidelity: every answer of every operation validates against
//! Stax's reference document, also when that document is served with `--openapi`.

mod common;

#[path = "../../../testsupport/permission_sets_reference.rs"]
mod reference;

use std::time::Duration;

use common::{Client, Creds, emulator, get, public, send, setup};
use serde_json::{Value, json};

const SETS: &str = "/20210321/permission-sets";
const READ_ONLY: &str = "arn:aws:iam::aws:policy/ReadOnlyAccess";

/// The id of the first `key` item named `name` of a core list.
async fn id_named(client: &Client, creds: &Creds, path: &str, key: &str, name: &str) -> String {
    let list = get(client, creds, path).await;
    list[key]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["Name"] == name)
        .and_then(|x| x["Id"].as_str())
        .unwrap_or_else(|| panic!("no {name} in {list}"))
        .to_owned()
}

/// The demo group `Developers` and account type `production`.
async fn demo_pair(client: &Client, creds: &Creds) -> (String, String) {
    (
        id_named(client, creds, "/20190206/groups", "Groups", "Developers").await,
        id_named(
            client,
            creds,
            "/20190206/accounts/types",
            "AccountTypes",
            "production",
        )
        .await,
    )
}

/// Reads the set's assignments until `id` shows `status` (or panics after a minute); the
/// statuses seen on the way.
async fn until(client: &Client, creds: &Creds, set: &str, id: &str, status: &str) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    for _ in 0..600 {
        let list = get(client, creds, &format!("{SETS}/{set}/assignments")).await;
        let now = list["Assignments"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["Id"] == id)
            .map(|a| a["Status"].as_str().unwrap().to_owned())
            .unwrap_or_default();
        if seen.last() != Some(&now) {
            seen.push(now.clone());
        }
        if now == status {
            return seen;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("assignment {id} never reached {status}: {seen:?}");
}

/// A coded error: `{"Error": {"Code": status, "Message"}}` whose message has `words`.
fn coded(status: u16, body: &Value, words: &str) {
    assert_eq!(body["Error"]["Code"], status, "{body}");
    let message = body["Error"]["Message"].as_str().unwrap_or_default();
    assert!(message.contains(words), "{words:?} not in {body}");
}

#[tokio::test]
async fn sets_and_assignments_keep_the_apis_rules() {
    let (emu, client, creds) = setup(200).await;
    let (group, account_type) = demo_pair(&client, &creds).await;
    let make = |name: &str| json!({"Name": name, "AWSManagedPolicies": [{"PolicyArn": READ_ONLY}]});

    // Names: Stax keeps the prefixes stax and idam; names are unique without case.
    for reserved in ["staxAdmins", "IDAM-team"] {
        let (status, body) = client
            .call(&creds, "POST", SETS, Some(make(reserved)))
            .await;
        assert_eq!(status, 400, "{reserved}: {body}");
        coded(400, &body, "which Stax keeps for its own roles");
    }
    let (status, created) = client
        .call(&creds, "POST", SETS, Some(make("Readers")))
        .await;
    assert_eq!(status, 201, "{created}");
    let (status, body) = client
        .call(&creds, "POST", SETS, Some(make("READERS")))
        .await;
    assert_eq!(status, 409, "{body}");
    // The document's patterns and the catalogue are enforced.
    for (bad, words) in [
        (json!({"Name": "has space"}), "/Name"),
        (
            json!({"Name": "ok", "MaxSessionDuration": 60}),
            "MaxSessionDuration",
        ),
        (
            json!({"Name": "ok", "AWSManagedPolicies": [{"PolicyArn": "arn:aws:iam::123456789012:policy/Mine"}]}),
            "ListAWSManagedPolicies",
        ),
    ] {
        let (status, body) = client.call(&creds, "POST", SETS, Some(bad)).await;
        assert_eq!(status, 400, "{body}");
        coded(400, &body, words);
    }
    let set = created["Id"].as_str().unwrap().to_owned();
    assert_eq!(created["CreatedBy"], emu.access_key());

    // An assignment needs an existing group and account type, once per pair.
    let assignments = format!("{SETS}/{set}/assignments");
    let nobody = uuid::Uuid::new_v4().to_string();
    for body in [
        json!([{"GroupId": nobody, "AccountTypeId": account_type}]),
        json!([{"GroupId": group, "AccountTypeId": nobody}]),
        json!([{"GroupId": group}]),
        json!({"GroupId": group, "AccountTypeId": account_type}),
    ] {
        let (status, answer) = client
            .call(&creds, "POST", &assignments, Some(body.clone()))
            .await;
        assert_eq!(status, 400, "{body}: {answer}");
    }
    let pair = json!([{"GroupId": group, "AccountTypeId": account_type}]);
    let made = send(&client, &creds, "POST", &assignments, Some(pair.clone())).await;
    assert_eq!(made[0]["Status"], "CREATE_REQUESTED");
    let id = made[0]["Id"].as_str().unwrap().to_owned();
    let (status, body) = client.call(&creds, "POST", &assignments, Some(pair)).await;
    assert_eq!(status, 400, "{body}");
    coded(400, &body, "already assigned");
    // Deleting the set is refused while it is assigned.
    let one = format!("{assignments}/{id}");
    let seen = until(&client, &creds, &set, &id, "DEPLOYMENT_COMPLETE").await;
    let order = [
        "CREATE_REQUESTED",
        "DEPLOYMENT_IN_PROGRESS",
        "DEPLOYMENT_COMPLETE",
    ];
    let mut positions = seen
        .iter()
        .map(|s| order.iter().position(|o| o == s).unwrap());
    let mut last = 0;
    assert!(
        positions.all(|p| std::mem::replace(&mut last, p) <= p),
        "{seen:?}"
    );
    let (status, body) = client
        .call(&creds, "DELETE", &format!("{SETS}/{set}"), None)
        .await;
    assert_eq!(status, 400, "{body}");
    coded(400, &body, "live assignment");

    // Deployed: a role in every active production account, named after the set.
    let roles = get(&client, &creds, &format!("{SETS}/roles")).await;
    let ours: Vec<&Value> = roles["Roles"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["AssignmentId"] == id)
        .collect();
    assert_eq!(
        ours.len(),
        1,
        "bakery-prod is the one active production account: {roles}"
    );
    assert_eq!(ours[0]["RoleName"], "Readers");
    assert_eq!(ours[0]["Status"], "ACTIVE");
    // The catalogue counts the set's policy.
    let policies = get(&client, &creds, &format!("{SETS}/aws-managed-policies")).await;
    let read_only = policies["AWSManagedPolicies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["Arn"] == READ_ONLY)
        .unwrap();
    assert_eq!(read_only["AttachmentCount"], 1);

    // Updating the set redeploys what it is deployed to: a new deployment of the role.
    let updated = send(
        &client,
        &creds,
        "PUT",
        &format!("{SETS}/{set}"),
        Some(json!({"MaxSessionDuration": 7200})),
    )
    .await;
    assert_eq!(updated["MaxSessionDuration"], 7200);
    assert_eq!(updated["Name"], "Readers");
    until(&client, &creds, &set, &id, "DEPLOYMENT_COMPLETE").await;
    let roles = get(&client, &creds, &format!("{SETS}/roles")).await;
    let redeployed = roles["Roles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["AssignmentId"] == id)
        .unwrap();
    assert_ne!(redeployed["DeploymentId"], ours[0]["DeploymentId"]);

    // Deleted: the roles go, then the set may go.
    let deleting = send(&client, &creds, "DELETE", &one, None).await;
    assert_eq!(deleting["Status"], "DELETE_REQUESTED");
    until(&client, &creds, &set, &id, "DELETE_COMPLETE").await;
    let roles = get(&client, &creds, &format!("{SETS}/roles")).await;
    assert!(
        !roles["Roles"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["AssignmentId"] == id)
    );
    let deleted = send(&client, &creds, "DELETE", &format!("{SETS}/{set}"), None).await;
    assert_eq!(deleted["Status"], "DELETED");
    let (status, body) = client
        .call(&creds, "GET", &format!("{SETS}/{set}"), None)
        .await;
    assert_eq!(status, 404, "{body}");
    coded(404, &body, "does not exist");
    // Listed only when asked for.
    let active = get(&client, &creds, SETS).await;
    assert!(
        !active["PermissionSets"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["Id"] == set.as_str())
    );
    let gone = get(&client, &creds, &format!("{SETS}?status=DELETED")).await;
    assert_eq!(gone["PermissionSets"][0]["Id"], set.as_str());
    // The stats count each operation by name.
    assert!(emu.stats()["operations"]["permission-sets.CreatePermissionSet"].as_u64() >= Some(5));
    emu.shutdown().await;
}

#[tokio::test]
async fn changes_need_an_admin_and_api_tokens_have_no_roles_of_their_own() {
    let (emu, client, admin) = setup(50).await;
    let mut refused = 0;
    for role in ["api_readonly", "api_user", "api_operations"] {
        let made = send(
            &client,
            &admin,
            "POST",
            "/20190206/api-tokens",
            Some(json!({"Name": format!("ps-{}", role.replace('_', "-")), "Role": role})),
        )
        .await;
        let token = &made["ApiTokens"][0];
        let creds = client
            .login(
                token["AccessKey"].as_str().unwrap(),
                token["SecretKey"].as_str().unwrap(),
            )
            .await;
        // Reads are open to every role.
        let sets = get(&client, &creds, SETS).await;
        let set = sets["PermissionSets"][0]["Id"].as_str().unwrap().to_owned();
        get(&client, &creds, &format!("{SETS}/{set}/assignments")).await;
        let zero = uuid::Uuid::new_v4();
        for (method, path, body) in [
            ("POST", SETS.to_owned(), Some(json!({"Name": "NotMine"}))),
            ("PUT", format!("{SETS}/{set}"), Some(json!({}))),
            ("DELETE", format!("{SETS}/{set}"), None),
            ("POST", format!("{SETS}/{set}/assignments"), Some(json!([]))),
            ("DELETE", format!("{SETS}/{set}/assignments/{zero}"), None),
            ("PUT", format!("{SETS}/{set}/assignments/{zero}"), None),
        ] {
            let (status, answer) = client.call(&creds, method, &path, body).await;
            assert_eq!(status, 403, "{role} {method} {path}: {answer}");
            coded(403, &answer, role);
            refused += 1;
        }
    }
    assert_eq!(refused, 18);
    // Nothing changed.
    let sets = get(&client, &admin, SETS).await;
    assert_eq!(
        sets["PermissionSets"].as_array().unwrap().len(),
        2,
        "{sets}"
    );
    // ListMyRoles is for people: an API token, even an admin one, is refused.
    let (status, body) = client
        .call(&admin, "GET", &format!("{SETS}/roles/me"), None)
        .await;
    assert_eq!(status, 403, "{body}");
    coded(403, &body, "API tokens");
    emu.shutdown().await;
}

#[tokio::test]
async fn faults_reach_the_permission_sets_api_in_its_error_shape() {
    let emu = emulator(|o| {
        o.faults = Some("status=503:1".into());
        o.fault_seed = 3;
    })
    .await;
    let client = Client::new(emu.endpoint()).await;
    let creds = client.login(emu.access_key(), emu.secret_key()).await;
    let (status, body) = client.call(&creds, "GET", SETS, None).await;
    assert_eq!(status, 503, "{body}");
    coded(503, &body, "Injected fault");
    // Its public document is never faulted.
    let document = client
        .http
        .get(format!("{}/20210321/public/api-document", emu.endpoint()))
        .send()
        .await
        .unwrap();
    assert_eq!(document.status(), 200);
    assert_eq!(emu.stats()["faults_injected"], 1);
    emu.shutdown().await;
}

#[tokio::test]
async fn the_served_document_is_the_apis_own() {
    let (emu, client, _) = setup(50).await;
    let url = format!("{}/20210321/public/api-document", emu.endpoint());
    let response = client.http.get(&url).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    let doc: Value = response.json().await.unwrap();
    assert_eq!(doc["info"]["version"], "20210321");
    assert_eq!(doc["servers"][0]["url"], "/20210321");
    let mut ids = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        assert!(path.starts_with("/permission-sets"), "{path}");
        for op in item.as_object().unwrap().values() {
            assert!(op.get("x-stax-sdk-operation-id").is_none());
            ids.push(op["operationId"].as_str().unwrap().to_owned());
            for (status, answer) in op["responses"].as_object().unwrap() {
                if status.starts_with('4') {
                    assert_eq!(
                        answer["content"]["application/json"]["schema"]["$ref"],
                        "#/components/schemas/ErrorResponse"
                    );
                }
            }
        }
    }
    ids.sort();
    assert_eq!(ids.len(), 12, "{ids:?}");
    assert_eq!(
        doc["paths"]["/permission-sets"]["post"]["responses"]["201"]["content"]["application/json"]
            ["schema"]["$ref"],
        "#/components/schemas/PermissionSetRecord"
    );
    // Revalidated as the core document is.
    let again = client
        .http
        .get(&url)
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    // The core document does not list the other API's operations.
    let core: Value = public(&client, "/20190206/public/oas3-document").await;
    assert!(
        core["paths"]
            .as_object()
            .unwrap()
            .keys()
            .all(|p| p.starts_with("/20190206/"))
    );
    emu.shutdown().await;
}

/// Every operation of the reference, answered as it documents: each status and body the
/// calls below meet is one the reference gives that operation.
async fn every_operation_as_documented(
    client: &Client,
    creds: &Creds,
    check: &reference::Reference,
) {
    let (group, account_type) = demo_pair(client, creds).await;
    let mut met = std::collections::BTreeSet::new();
    let mut call = async |id: &'static str, method: &str, path: String, body: Option<Value>| {
        let (status, answer) = client.call(creds, method, &path, body).await;
        check.check(id, status, &answer);
        met.insert(id);
        (status, answer)
    };
    call("ListPermissionSets", "GET", format!("{SETS}?limit=1"), None).await;
    call(
        "ListAWSManagedPolicies",
        "GET",
        format!("{SETS}/aws-managed-policies"),
        None,
    )
    .await;
    call("ListRoles", "GET", format!("{SETS}/roles"), None).await;
    call("ListMyRoles", "GET", format!("{SETS}/roles/me"), None).await;
    let body = json!({"Name": "Fidelity", "Description": "checked", "MaxSessionDuration": 3600,
                      "AWSManagedPolicies": [{"PolicyArn": READ_ONLY}], "Tags": {"CostCode": "1"},
                      "InlinePolicies": [{"Name": "logs", "Policy": "{\"Version\":\"2012-10-17\",\"Statement\":[]}"}]});
    let (status, created) = call(
        "CreatePermissionSet",
        "POST",
        SETS.to_owned(),
        Some(body.clone()),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    call("CreatePermissionSet", "POST", SETS.to_owned(), Some(body)).await; // 409
    call(
        "CreatePermissionSet",
        "POST",
        SETS.to_owned(),
        Some(json!({"Name": "stax1"})),
    )
    .await; // 400
    let set = format!("{SETS}/{}", created["Id"].as_str().unwrap());
    call("GetPermissionSet", "GET", set.clone(), None).await;
    call(
        "GetPermissionSet",
        "GET",
        format!("{SETS}/{}", uuid::Uuid::new_v4()),
        None,
    )
    .await; // 404
    call(
        "UpdatePermissionSet",
        "PUT",
        set.clone(),
        Some(json!({"Description": "changed"})),
    )
    .await;
    let (_, made) = call(
        "CreatePermissionSetAssignments",
        "POST",
        format!("{set}/assignments"),
        Some(json!([{"GroupId": group, "AccountTypeId": account_type}])),
    )
    .await;
    let one = format!("{set}/assignments/{}", made[0]["Id"].as_str().unwrap());
    call(
        "ListPermissionSetAssignments",
        "GET",
        format!("{set}/assignments?limit=1"),
        None,
    )
    .await;
    call("DeletePermissionSet", "DELETE", set.clone(), None).await; // 400: assigned
    call(
        "RedeployPermissionSetAssignment",
        "PUT",
        format!("{set}/assignments/{}", uuid::Uuid::new_v4()),
        None,
    )
    .await; // 404
    // Redeploy and delete once deployed.
    let id = made[0]["Id"].as_str().unwrap();
    let set_id = created["Id"].as_str().unwrap();
    until(client, creds, set_id, id, "DEPLOYMENT_COMPLETE").await;
    call("RedeployPermissionSetAssignment", "PUT", one.clone(), None).await;
    until(client, creds, set_id, id, "DEPLOYMENT_COMPLETE").await;
    call("DeletePermissionSetAssignment", "DELETE", one.clone(), None).await;
    until(client, creds, set_id, id, "DELETE_COMPLETE").await;
    call("DeletePermissionSetAssignment", "DELETE", one, None).await; // 400: deleted already
    call("DeletePermissionSet", "DELETE", set, None).await;
    let every: std::collections::BTreeSet<String> = check
        .operations()
        .into_iter()
        .map(|(_, _, id)| id)
        .filter(|id| id != "GetAPIDocument")
        .collect();
    let met: std::collections::BTreeSet<String> = met.into_iter().map(str::to_owned).collect();
    assert_eq!(met, every, "every operation of the reference was called");
}

#[tokio::test]
async fn every_answer_of_every_operation_matches_the_reference() {
    let Some(check) = reference::Reference::load(common::shared_file) else {
        return;
    };
    let (emu, client, creds) = setup(100).await;
    every_operation_as_documented(&client, &creds, &check).await;
    emu.shutdown().await;
}

#[tokio::test]
async fn with_the_reference_served_every_operation_is_answered_as_documented() {
    let Some(check) = reference::Reference::load(common::shared_file) else {
        return;
    };
    let path = common::shared_file(reference::DOCUMENT).unwrap();
    let emu = emulator(|o| {
        o.task_delay = Duration::from_millis(100);
        o.openapi = vec![path.clone()];
    })
    .await;
    let client = Client::new(emu.endpoint()).await;
    let creds = client.login(emu.access_key(), emu.secret_key()).await;
    // The reference is what is served, under its version; the core API keeps its own.
    let served: Value = public(&client, "/20210321/public/api-document").await;
    let original: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(served, original);
    let core: Value = public(&client, "/20190206/public/oas3-document").await;
    assert_eq!(core["info"]["title"], "Stax API (emulated)");
    every_operation_as_documented(&client, &creds, &check).await;
    // A second document of one API is refused, naming the option.
    let err = stax_emulator::start(stax_emulator::EmulatorOptions {
        openapi: vec![path.clone(), path],
        ..Default::default()
    })
    .await
    .unwrap_err();
    assert!(err.to_string().contains("once per API"), "{err}");
    emu.shutdown().await;
}

/// A new permission set of ReadOnlyAccess named `name`; its id.
async fn new_set(client: &Client, creds: &Creds, name: &str) -> String {
    let body = json!({"Name": name, "AWSManagedPolicies": [{"PolicyArn": READ_ONLY}]});
    let (status, set) = client.call(creds, "POST", SETS, Some(body)).await;
    assert_eq!(status, 201, "{set}");
    set["Id"].as_str().unwrap().to_owned()
}

/// A `{"Error": "..."}` answer of the core API holding `words`.
fn refused(status: u16, body: &Value, expected: u16, words: &[&str]) {
    assert_eq!(status, expected, "{body}");
    let message = body["Error"].as_str().unwrap_or_default();
    for word in words {
        assert!(message.contains(word), "{word:?} not in {body}");
    }
}

/// Referential integrity: a group or an account type that a live permission set assignment
/// names cannot be deleted (400 naming the assignments), so no assignment and no role
/// outlives what it was made for; once the assignments are deleted, they can.
#[tokio::test]
async fn groups_and_account_types_with_live_assignments_cannot_be_deleted() {
    let (emu, client, creds) = setup(200).await;
    // The demo's Developers hold a deployed assignment in production.
    let (developers, _) = demo_pair(&client, &creds).await;
    let (status, body) = client
        .call(
            &creds,
            "DELETE",
            &format!("/20190206/groups/{developers}"),
            None,
        )
        .await;
    refused(
        status,
        &body,
        400,
        &[
            "live permission set assignment",
            "DeletePermissionSetAssignment",
        ],
    );
    let roles = get(&client, &creds, &format!("{SETS}/roles")).await;
    assert!(!roles["Roles"].as_array().unwrap().is_empty(), "{roles}");

    // A group and an account type of their own, without accounts, assigned a set.
    let (group, _) = common::change(
        &client,
        &creds,
        "POST",
        "/20190206/groups",
        Some(json!({"Name": "short-lived"})),
    )
    .await;
    let group = group["GroupId"].as_str().unwrap().to_owned();
    let account_type = send(
        &client,
        &creds,
        "POST",
        "/20190206/accounts/types",
        Some(json!({"Name": "short-lived-type"})),
    )
    .await;
    let account_type = account_type["Detail"]["AccountType"]["Id"]
        .as_str()
        .unwrap_or_else(|| panic!("{account_type}"))
        .to_owned();
    let set = new_set(&client, &creds, "Holders").await;
    let assignments = format!("{SETS}/{set}/assignments");
    let made = send(
        &client,
        &creds,
        "POST",
        &assignments,
        Some(json!([{"GroupId": group, "AccountTypeId": account_type}])),
    )
    .await;
    let id = made[0]["Id"].as_str().unwrap().to_owned();
    let group_path = format!("/20190206/groups/{group}");
    let type_path = format!("/20190206/accounts/types/{account_type}");
    // Refused while the assignment is requested, deployed, and being deleted.
    for stage in ["requested", "deployed", "deleting"] {
        match stage {
            "deployed" => {
                until(&client, &creds, &set, &id, "DEPLOYMENT_COMPLETE").await;
            }
            "deleting" => {
                let deleting = send(
                    &client,
                    &creds,
                    "DELETE",
                    &format!("{assignments}/{id}"),
                    None,
                )
                .await;
                assert_eq!(deleting["Status"], "DELETE_REQUESTED");
            }
            _ => {}
        }
        let (status, body) = client.call(&creds, "DELETE", &group_path, None).await;
        refused(status, &body, 400, &["Group", &id, &set]);
        let (status, body) = client.call(&creds, "DELETE", &type_path, None).await;
        refused(status, &body, 400, &["Account type", &id, &set]);
    }
    // Once the assignment is deleted, both may go.
    until(&client, &creds, &set, &id, "DELETE_COMPLETE").await;
    let (_, task) = common::change(&client, &creds, "DELETE", &group_path, None).await;
    assert_eq!(task["Status"], "SUCCEEDED", "{task}");
    let deleted = send(&client, &creds, "DELETE", &type_path, None).await;
    assert_eq!(deleted["AccountTypes"]["Status"], "DELETED", "{deleted}");
    emu.shutdown().await;
}

/// A group whose deletion has started cannot be given an assignment that would outlive it.
#[tokio::test]
async fn a_group_being_deleted_cannot_be_assigned() {
    // Tasks that never end during the test: the deletion stays under way.
    let (emu, client, creds) = setup(3_600_000).await;
    let (_, production) = demo_pair(&client, &creds).await;
    // The demo's Administrators hold no assignment; their deletion starts and stays under way.
    let group = id_named(
        &client,
        &creds,
        "/20190206/groups",
        "Groups",
        "Administrators",
    )
    .await;
    let deleting = send(
        &client,
        &creds,
        "DELETE",
        &format!("/20190206/groups/{group}"),
        None,
    )
    .await;
    assert!(deleting["Detail"]["TaskId"].is_string(), "{deleting}");
    let set = new_set(&client, &creds, "Late").await;
    let (status, body) = client
        .call(
            &creds,
            "POST",
            &format!("{SETS}/{set}/assignments"),
            Some(json!([{"GroupId": group, "AccountTypeId": production}])),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    coded(400, &body, "being deleted");
    emu.shutdown().await;
}
