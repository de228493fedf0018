//! Fidelity against Stax's published document: every answer of every stateful operation
//! validates against the 200 schema of the same operation in the reference document.
//!
//! The reference is read at run time from `$STAX_SHARED_DIR/reference/` (relative paths
//! resolve against the workspace root). Unset: the test is skipped with a note. Set but the
//! file is missing: the test fails.

mod common;

use std::time::Duration;

use std::sync::Arc;

use common::{Client, Creds, emulator, send, setup};
use serde_json::{Value, json};
use stax_openapi::{Dialect, Direction, Spec, Target, pointer};

fn reference() -> Option<Value> {
    let path = common::shared_file("reference/stax-core-20190206.oas3.json")?;
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{} is unreadable: {e}", path.display()));
    Some(serde_json::from_str(&text).expect("reference document is JSON"))
}

/// Answers are checked as OpenAPI 3.0 responses, by the same core the emulator uses.
struct Checker {
    reference: Arc<Spec>,
    checked: Vec<String>,
    /// `(method, path template)` of every answer checked.
    routes: std::collections::BTreeSet<(String, String)>,
}

impl Checker {
    fn new(reference: Value) -> Checker {
        Checker {
            reference: Arc::new(Spec::new(reference, Dialect::openapi30())),
            checked: Vec::new(),
            routes: Default::default(),
        }
    }

    fn check(&mut self, method: &str, path: &str, body: &Value) {
        self.check_status(method, path, 200, body);
    }

    /// Checks an answer of `status` against the schema the reference gives that status.
    fn check_status(&mut self, method: &str, path: &str, status: u16, body: &Value) {
        let op = &self.reference.raw()["paths"][path][method];
        let id = op["x-stax-sdk-operation-id"]
            .as_str()
            .unwrap_or_else(|| panic!("{method} {path} is not in the reference"));
        let status_key = status.to_string();
        assert!(
            op["responses"][&status_key].is_object(),
            "{id} ({method} {path}): the reference documents no {status}"
        );
        let at = pointer::from_tokens([
            "paths",
            path,
            method,
            "responses",
            &status_key,
            "content",
            "application/json",
            "schema",
        ]);
        let validator = self
            .reference
            .validator(Target::Pointer(&at), Direction::Response)
            .unwrap_or_else(|e| panic!("{id}: schema does not compile: {e}"));
        let errors: Vec<String> = validator.violations(body).map(|v| v.to_string()).collect();
        assert!(
            errors.is_empty(),
            "{id} ({method} {path}) answer breaks the reference: {errors:?}\n{body}"
        );
        if status == 200 {
            self.checked.push(id.to_owned());
            self.routes.insert((method.to_owned(), path.to_owned()));
        }
    }

    /// Every operation of the emulator's served document tagged with one of `areas` (and
    /// `GET` only, when `reads_only`) that the reference also has was checked.
    async fn assert_covers(&self, client: &Client, areas: &[&str], reads_only: bool) {
        let served: Value = client
            .http
            .get(format!("{}/20190206/public/oas3-document", client.endpoint))
            .send()
            .await
            .expect("document reachable")
            .json()
            .await
            .expect("document is JSON");
        let mut expected = 0;
        let mut missing = Vec::new();
        for (path, item) in served["paths"].as_object().expect("paths") {
            for (method, op) in item.as_object().expect("path item") {
                let area = op["tags"][0].as_str().unwrap_or_default();
                if !areas.contains(&area)
                    || (reads_only && method != "get")
                    || self.reference.raw()["paths"][path][method].is_null()
                {
                    continue;
                }
                expected += 1;
                if !self.routes.contains(&(method.clone(), path.clone())) {
                    missing.push(format!("{method} {path}"));
                }
            }
        }
        assert!(expected > 0, "the document has operations in {areas:?}");
        assert!(
            missing.is_empty(),
            "operations of {areas:?} never checked against the reference: {missing:?}"
        );
    }
}

#[tokio::test]
async fn every_stateful_answer_matches_the_reference_200_schema() {
    let Some(reference) = reference() else { return };
    let mut c = Checker::new(reference);
    let emu = emulator(|o| o.task_delay = Duration::from_millis(50)).await;
    let client = Client::new(emu.endpoint()).await;
    c.check("get", "/20190206/public/config", &client.config);
    let creds = client.login(emu.access_key(), emu.secret_key()).await;

    let all = send(&client, &creds, "GET", "/20190206/accounts", None).await;
    c.check("get", "/20190206/accounts", &all);
    let paged = send(
        &client,
        &creds,
        "GET",
        "/20190206/accounts?offset=2&limit=3&filter=ACTIVE",
        None,
    )
    .await;
    c.check("get", "/20190206/accounts", &paged);
    let id = all["Accounts"][3]["Id"].as_str().unwrap().to_owned();
    let one = send(
        &client,
        &creds,
        "GET",
        &format!("/20190206/accounts/{id}"),
        None,
    )
    .await;
    c.check("get", "/20190206/accounts/{account_id}", &one);

    let created_type = send(
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
    let types = send(&client, &creds, "GET", "/20190206/accounts/types", None).await;
    c.check("get", "/20190206/accounts/types", &types);
    let one_type = send(
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
    let renamed = send(
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

    let created = send(
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
    let started = send(
        &client,
        &creds,
        "GET",
        &format!("/20190206/task/{}", created["TaskId"].as_str().unwrap()),
        None,
    )
    .await;
    c.check("get", "/20190206/task/{task_id}", &started);
    let new_id = task["Accounts"][0].as_str().unwrap().to_owned();
    let updated = send(
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
    let members = send(
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
    let access = send(&client, &creds, "PUT", "/20190206/accounts/types/access", Some(json!({"AddRoles": [{"AccountTypeId": type_id, "GroupName": "Administrators", "RoleName": "admin"}]}))).await;
    c.check("put", "/20190206/accounts/types/access", &access);
    let (failed, _) = {
        let closed = send(
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
        let again = send(
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
    let deleted_type = send(
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

    let token = send(
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
    let tokens = send(&client, &creds, "GET", "/20190206/api-tokens", None).await;
    c.check("get", "/20190206/api-tokens", &tokens);
    let one_token = send(
        &client,
        &creds,
        "GET",
        &format!("/20190206/api-tokens/{key}"),
        None,
    )
    .await;
    c.check("get", "/20190206/api-tokens/{access_key}", &one_token);
    let changed = send(
        &client,
        &creds,
        "PUT",
        &format!("/20190206/api-tokens/{key}"),
        Some(json!({"Description": "changed"})),
    )
    .await;
    c.check("put", "/20190206/api-tokens/{access_key}", &changed);
    let gone = send(
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
            reference: Arc::clone(&c.reference),
            checked: Vec::new(),
            routes: Default::default(),
        };
        probe.check(
            "get",
            "/20190206/accounts",
            &json!({"Accounts": [{"Id": "x", "Name": 1}]}),
        );
    }));
    assert!(broken.is_err(), "a broken answer must fail the check");

    discovery_and_alias(&mut c, &client, &creds).await;
    c.assert_covers(&client, &["public", "accounts", "teams", "tasks"], false)
        .await;
    emu.shutdown().await;
}

/// A checker over the reference, when it is available.
fn checker() -> Option<Checker> {
    reference().map(Checker::new)
}

/// Calls, checks the 200 answer against the reference path template, and returns it.
async fn checked(
    c: &mut Checker,
    client: &Client,
    creds: &Creds,
    (method, path): (&str, &str),
    template: &str,
    body: Option<Value>,
) -> Value {
    let answer = send(client, creds, method, path, body).await;
    c.check(&method.to_ascii_lowercase(), template, &answer);
    answer
}

/// Waits for the task named at the top level or in `Detail`, and checks the task answer.
async fn settle(c: &mut Checker, client: &Client, creds: &Creds, answer: &Value) -> Value {
    let id = answer["TaskId"]
        .as_str()
        .or_else(|| answer["Detail"]["TaskId"].as_str())
        .expect("a task id");
    let (task, _) = client.wait_task(creds, id).await;
    c.check("get", "/20190206/task/{task_id}", &task);
    task
}

#[tokio::test]
async fn organisation_answers_match_the_reference() {
    let Some(mut c) = checker() else { return };
    let (emu, client, creds) = setup(50).await;
    let c = &mut c;
    for path in [
        "/20190206/organisations",
        "/20190206/organisations/current",
        "/20190206/organisations/current/features",
        "/20190206/organisations/organisational-units",
    ] {
        checked(c, &client, &creds, ("GET", path), path, None).await;
    }
    const OUS: &str = "/20190206/organisations/organisational-units";
    const ONE: &str = "/20190206/organisations/organisational-units/{organisational_unit_id}";
    let created = checked(
        c,
        &client,
        &creds,
        ("POST", OUS),
        OUS,
        Some(json!({"Name": "fidelity", "ParentOrganisationalUnitId": null, "Tags": {"a": "b"}})),
    )
    .await;
    let id = created["Detail"]["OrganisationalUnit"]["OrganisationalUnitId"]
        .as_str()
        .unwrap()
        .to_owned();
    let one = format!("{OUS}/{id}");
    checked(c, &client, &creds, ("GET", &one), ONE, None).await;
    settle(c, &client, &creds, &created).await;
    checked(c, &client, &creds, ("GET", &one), ONE, None).await;
    let updated = checked(
        c,
        &client,
        &creds,
        ("PUT", &one),
        ONE,
        Some(json!({"Name": "fidelity2"})),
    )
    .await;
    settle(c, &client, &creds, &updated).await;
    let account = send(
        &client,
        &creds,
        "GET",
        "/20190206/accounts?limit=1&offset=0",
        None,
    )
    .await;
    let account_id = account["Accounts"][0]["Id"].as_str().unwrap();
    let moved = send(
        &client,
        &creds,
        "PUT",
        &format!("/20190206/accounts/{account_id}"),
        Some(json!({"OrganisationalUnitId": id})),
    )
    .await;
    settle(c, &client, &creds, &moved).await;
    checked(
        c,
        &client,
        &creds,
        ("GET", &format!("{one}/accounts")),
        &format!("{ONE}/accounts"),
        None,
    )
    .await;
    let failed = checked(c, &client, &creds, ("DELETE", &one), ONE, None).await;
    assert_eq!(
        settle(c, &client, &creds, &failed).await["Status"],
        "FAILED"
    );
    checked(c, &client, &creds, ("GET", OUS), OUS, None).await;
    let root =
        send(&client, &creds, "GET", OUS, None).await["OrganisationalUnits"][0]["Id"].clone();
    let moved = send(
        &client,
        &creds,
        "PUT",
        &format!("/20190206/accounts/{account_id}"),
        Some(json!({"OrganisationalUnitId": root})),
    )
    .await;
    settle(c, &client, &creds, &moved).await;
    let deleted = checked(c, &client, &creds, ("DELETE", &one), ONE, None).await;
    assert_eq!(
        settle(c, &client, &creds, &deleted).await["Status"],
        "SUCCEEDED"
    );
    checked(c, &client, &creds, ("GET", &one), ONE, None).await;
    c.assert_covers(&client, &["organisations"], false).await;
    emu.shutdown().await;
}

#[tokio::test]
async fn policy_answers_match_the_reference() {
    let Some(mut c) = checker() else { return };
    let (emu, client, creds) = setup(50).await;
    let c = &mut c;
    const ALL: &str = "/20190206/policies";
    const ONE: &str = "/20190206/policies/{policy_id}";
    let document = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"}]}"#;
    let created = checked(
        c,
        &client,
        &creds,
        ("POST", ALL),
        ALL,
        Some(json!({"Name": "fidelity", "Description": "checked", "Policy": document, "Tags": {"a": "b"}})),
    )
    .await;
    let id = created["Detail"]["Policy"]["PolicyId"]
        .as_str()
        .unwrap()
        .to_owned();
    let one = format!("{ALL}/{id}");
    checked(c, &client, &creds, ("GET", &one), ONE, None).await;
    settle(c, &client, &creds, &created).await;
    let updated = checked(
        c,
        &client,
        &creds,
        ("PUT", &one),
        ONE,
        Some(json!({"Description": "checked again"})),
    )
    .await;
    settle(c, &client, &creds, &updated).await;

    let ou = send(
        &client,
        &creds,
        "GET",
        "/20190206/organisations/organisational-units",
        None,
    )
    .await["OrganisationalUnits"][1]["Id"]
        .as_str()
        .unwrap()
        .to_owned();
    let account = send(
        &client,
        &creds,
        "GET",
        "/20190206/accounts?filter=ACTIVE",
        None,
    )
    .await["Accounts"][0]["Id"]
        .as_str()
        .unwrap()
        .to_owned();
    const ATTACH: &str = "/20190206/policies/{policy_id}/attachments";
    let attach = format!("{one}/attachments");
    for target in [
        json!({"OrganisationalUnitId": ou}),
        json!({"AccountId": account}),
    ] {
        let answer = checked(c, &client, &creds, ("POST", &attach), ATTACH, Some(target)).await;
        settle(c, &client, &creds, &answer).await;
    }
    const ORG: &str = "/20190206/policies/organisation/{policy_id}";
    let org_path = format!("{ALL}/organisation/{id}");
    let to_org = checked(c, &client, &creds, ("PUT", &org_path), ORG, Some(json!({}))).await;
    settle(c, &client, &creds, &to_org).await;
    checked(c, &client, &creds, ("GET", &one), ONE, None).await;
    checked(c, &client, &creds, ("GET", ALL), ALL, None).await;
    checked(
        c,
        &client,
        &creds,
        ("GET", "/20190206/organisations/current"),
        "/20190206/organisations/current",
        None,
    )
    .await;
    let attachments = checked(c, &client, &creds, ("GET", &attach), ATTACH, None).await;
    checked(
        c,
        &client,
        &creds,
        (
            "GET",
            &format!("/20190206/organisations/organisational-units/{ou}/policies"),
        ),
        "/20190206/organisations/organisational-units/{organisational_unit_id}/policies",
        None,
    )
    .await;
    checked(
        c,
        &client,
        &creds,
        ("GET", &format!("/20190206/accounts/{account}/policies")),
        "/20190206/accounts/{account_id}/policies",
        None,
    )
    .await;
    let refused = checked(c, &client, &creds, ("DELETE", &one), ONE, None).await;
    assert_eq!(
        settle(c, &client, &creds, &refused).await["Status"],
        "FAILED"
    );
    let from_org = checked(c, &client, &creds, ("DELETE", &org_path), ORG, None).await;
    settle(c, &client, &creds, &from_org).await;
    for item in attachments["PolicyAttachments"].as_array().unwrap() {
        if item["PolicyAttachmentType"] == "STAX_ORGANISATION" {
            continue;
        }
        let path = format!("{ALL}/attachments/{}", item["Id"].as_str().unwrap());
        let answer = checked(
            c,
            &client,
            &creds,
            ("DELETE", &path),
            "/20190206/policies/attachments/{policy_attachment_id}",
            None,
        )
        .await;
        settle(c, &client, &creds, &answer).await;
    }
    let deleted = checked(c, &client, &creds, ("DELETE", &one), ONE, None).await;
    assert_eq!(
        settle(c, &client, &creds, &deleted).await["Status"],
        "SUCCEEDED"
    );
    checked(c, &client, &creds, ("GET", &one), ONE, None).await;
    c.assert_covers(&client, &["policies"], false).await;
    emu.shutdown().await;
}

#[tokio::test]
async fn user_and_group_answers_match_the_reference() {
    let Some(mut c) = checker() else { return };
    let (emu, client, creds) = setup(50).await;
    let c = &mut c;
    const USERS: &str = "/20190206/users";
    const USER: &str = "/20190206/users/{user_id}";
    const IDAM: &str = "/20190206/idam/user/{user_id}";
    checked(c, &client, &creds, ("GET", USERS), USERS, None).await;
    let me = "/20190206/users/me";
    checked(c, &client, &creds, ("GET", me), me, None).await;
    let created = checked(
        c,
        &client,
        &creds,
        ("POST", "/20190206/idam/user"),
        "/20190206/idam/user",
        Some(json!({"Email": "fidelity@example.com", "FirstName": "Fi", "LastName": "Delity", "Role": "customer_readonly"})),
    )
    .await;
    let task = settle(c, &client, &creds, &created).await;
    let id = task["Users"][0].as_str().unwrap().to_owned();
    let one = format!("{USERS}/{id}");
    checked(c, &client, &creds, ("GET", &one), USER, None).await;
    let resend = format!("/20190206/idam/user/resend-invite/{id}");
    checked(
        c,
        &client,
        &creds,
        ("PUT", &resend),
        "/20190206/idam/user/resend-invite/{user_id}",
        None,
    )
    .await;
    let updated = checked(
        c,
        &client,
        &creds,
        ("PUT", &format!("/20190206/idam/user/{id}")),
        IDAM,
        Some(json!({"Status": "ACTIVE", "FirstName": "Fido"})),
    )
    .await;
    settle(c, &client, &creds, &updated).await;
    let reset = format!("/20190206/idam/user/reset-password/{id}");
    checked(
        c,
        &client,
        &creds,
        ("PUT", &reset),
        "/20190206/idam/user/reset-password/{user_id}",
        None,
    )
    .await;
    checked(
        c,
        &client,
        &creds,
        (
            "GET",
            &format!("{USERS}?status_filter=ACTIVE&id_filter={id}"),
        ),
        USERS,
        None,
    )
    .await;

    const GROUPS: &str = "/20190206/groups";
    const GROUP: &str = "/20190206/groups/{group_id}";
    let group = checked(
        c,
        &client,
        &creds,
        ("POST", GROUPS),
        GROUPS,
        Some(json!({"Name": "fidelity"})),
    )
    .await;
    settle(c, &client, &creds, &group).await;
    let gid = group["GroupId"].as_str().unwrap().to_owned();
    let one_group = format!("{GROUPS}/{gid}");
    let members = checked(
        c,
        &client,
        &creds,
        ("PUT", "/20190206/groups/members"),
        "/20190206/groups/members",
        Some(json!({"AddMembers": [{"UserId": id, "GroupId": gid}]})),
    )
    .await;
    settle(c, &client, &creds, &members).await;
    let renamed = checked(
        c,
        &client,
        &creds,
        ("PUT", &one_group),
        GROUP,
        Some(json!({"Name": "fidelity2"})),
    )
    .await;
    settle(c, &client, &creds, &renamed).await;
    checked(c, &client, &creds, ("GET", &one_group), GROUP, None).await;
    checked(c, &client, &creds, ("GET", GROUPS), GROUPS, None).await;
    let deleted = checked(c, &client, &creds, ("DELETE", &one_group), GROUP, None).await;
    settle(c, &client, &creds, &deleted).await;
    checked(c, &client, &creds, ("DELETE", &one), USER, None).await;
    checked(c, &client, &creds, ("GET", &one), USER, None).await;
    c.assert_covers(&client, &["users"], false).await;
    emu.shutdown().await;
}

#[tokio::test]
async fn workload_answers_match_the_reference() {
    let Some(mut c) = checker() else { return };
    let (emu, client, creds) = setup(50).await;
    let c = &mut c;
    const CAT: &str = "/20190206/workload-catalogue";
    const ITEM: &str = "/20190206/workload-catalogue/{catalogue_id}";
    const VERSION: &str = "/20190206/workload-catalogue/{catalogue_id}/{version_id}";
    const ALL: &str = "/20190206/workloads";
    const ONE: &str = "/20190206/workloads/{workload_id}";
    let created = checked(
        c,
        &client,
        &creds,
        ("POST", CAT),
        CAT,
        Some(json!({"Name": "fidelity", "Version": "1", "Description": "checked", "ManifestBody": "resources: []", "Parameters": {"A": "b"}, "Tags": {"k": "v"}})),
    )
    .await;
    settle(c, &client, &creds, &created).await;
    let item = created["CatalogueId"].as_str().unwrap().to_owned();
    let v1 = created["CatalogueVersionId"].as_str().unwrap().to_owned();
    let item_path = format!("{CAT}/{item}");
    let added = checked(
        c,
        &client,
        &creds,
        ("PUT", &item_path),
        ITEM,
        Some(json!({"Version": "2", "Description": "checked again", "ManifestURL": "s3://bucket/m.yaml"})),
    )
    .await;
    settle(c, &client, &creds, &added).await;
    let v2 = added["CatalogueVersionId"].as_str().unwrap().to_owned();
    checked(c, &client, &creds, ("GET", CAT), CAT, None).await;
    let paged = format!("{CAT}?offset=0&limit=1&include_tags=true&sort=Name&sort_order=ASC");
    checked(c, &client, &creds, ("GET", &paged), CAT, None).await;
    checked(c, &client, &creds, ("GET", &item_path), ITEM, None).await;
    checked(
        c,
        &client,
        &creds,
        ("GET", &format!("{item_path}/{v1}")),
        VERSION,
        None,
    )
    .await;
    checked(
        c,
        &client,
        &creds,
        ("GET", &format!("{CAT}/manifest/{v1}")),
        "/20190206/workload-catalogue/manifest/{version_id}",
        None,
    )
    .await;
    checked(
        c,
        &client,
        &creds,
        ("GET", &format!("{CAT}/template/{v1}/main.yaml")),
        "/20190206/workload-catalogue/template/{version_id}/{name}",
        None,
    )
    .await;

    let account = send(
        &client,
        &creds,
        "GET",
        "/20190206/accounts?filter=ACTIVE",
        None,
    )
    .await["Accounts"][0]["Id"]
        .as_str()
        .unwrap()
        .to_owned();
    let deployed = checked(
        c,
        &client,
        &creds,
        ("POST", ALL),
        ALL,
        Some(json!({"Name": "fidelity", "CatalogueId": item, "CatalogueVersionId": v1, "AccountId": account, "Region": "eu-west-1", "Parameters": [{"Key": "A", "Value": "c"}], "Tags": {"k": "v"}})),
    )
    .await;
    let task = settle(c, &client, &creds, &deployed).await;
    let id = task["Workloads"][0].as_str().unwrap().to_owned();
    let one = format!("{ALL}/{id}");
    checked(c, &client, &creds, ("GET", ALL), ALL, None).await;
    let filtered = format!("{ALL}?catalogue_ids={item}&offset=0&limit=5&sort=Name");
    checked(c, &client, &creds, ("GET", &filtered), ALL, None).await;
    let tagged = format!("{one}?include_tags=true");
    checked(c, &client, &creds, ("GET", &tagged), ONE, None).await;
    let updated = checked(
        c,
        &client,
        &creds,
        ("PUT", &one),
        ONE,
        Some(json!({"CatalogueVersionId": v2, "Protection": true})),
    )
    .await;
    settle(c, &client, &creds, &updated).await;
    let refused = checked(c, &client, &creds, ("DELETE", &one), ONE, None).await;
    assert_eq!(
        settle(c, &client, &creds, &refused).await["Status"],
        "FAILED"
    );
    let unprotected = send(
        &client,
        &creds,
        "PUT",
        &one,
        Some(json!({"Protection": false})),
    )
    .await;
    settle(c, &client, &creds, &unprotected).await;
    let deleted = checked(c, &client, &creds, ("DELETE", &one), ONE, None).await;
    settle(c, &client, &creds, &deleted).await;
    checked(c, &client, &creds, ("GET", &one), ONE, None).await;
    let version_gone = checked(
        c,
        &client,
        &creds,
        ("DELETE", &format!("{item_path}/{v1}")),
        VERSION,
        None,
    )
    .await;
    settle(c, &client, &creds, &version_gone).await;
    let item_gone = checked(c, &client, &creds, ("DELETE", &item_path), ITEM, None).await;
    settle(c, &client, &creds, &item_gone).await;
    checked(c, &client, &creds, ("GET", &item_path), ITEM, None).await;
    c.assert_covers(&client, &["workloads"], false).await;
    emu.shutdown().await;
}

/// Every read of the document answers something on a fresh `--seed demo`: lists are not
/// empty, and each answer matches the reference when it is available.
#[tokio::test]
async fn demo_seed_fills_every_read() {
    let mut c = checker();
    let (emu, client, creds) = setup(50).await;
    let mut read = async |path: &str, template: &str| -> Value {
        let answer = send(&client, &creds, "GET", path, None).await;
        if let Some(c) = c.as_mut() {
            c.check("get", template, &answer);
        }
        answer
    };
    /// The non-empty list under `key`.
    fn list<'a>(answer: &'a Value, key: &str) -> &'a Vec<Value> {
        let items = answer[key]
            .as_array()
            .unwrap_or_else(|| panic!("no {key} in {answer}"));
        assert!(!items.is_empty(), "{key} is empty in {answer}");
        items
    }
    fn id(item: &Value) -> String {
        item["Id"].as_str().expect("an Id").to_owned()
    }
    fn named<'a>(items: &'a [Value], name: &str) -> &'a Value {
        items
            .iter()
            .find(|i| i["Name"] == name)
            .unwrap_or_else(|| panic!("{name} is seeded"))
    }

    let accounts = read("/20190206/accounts", "/20190206/accounts").await;
    let accounts = list(&accounts, "Accounts").clone();
    let prod = id(named(&accounts, "bakery-prod"));
    let one = read(
        &format!("/20190206/accounts/{prod}"),
        "/20190206/accounts/{account_id}",
    )
    .await;
    list(&one, "Accounts");
    let types = read("/20190206/accounts/types", "/20190206/accounts/types").await;
    let type_id = id(&list(&types, "AccountTypes")[0]);
    let one = read(
        &format!("/20190206/accounts/types/{type_id}"),
        "/20190206/accounts/types/{account_type_id}",
    )
    .await;
    list(&one, "AccountTypes");
    let tokens = read("/20190206/api-tokens", "/20190206/api-tokens").await;
    let key = list(&tokens, "ApiTokens")[0]["AccessKey"]
        .as_str()
        .unwrap()
        .to_owned();
    let one = read(
        &format!("/20190206/api-tokens/{key}"),
        "/20190206/api-tokens/{access_key}",
    )
    .await;
    list(&one, "ApiTokens");

    for path in ["/20190206/organisations", "/20190206/organisations/current"] {
        list(&read(path, path).await, "Organisations");
    }
    let features = "/20190206/organisations/current/features";
    assert_eq!(read(features, features).await["WorkloadsEnabled"], true);
    const OUS: &str = "/20190206/organisations/organisational-units";
    let ous = read(OUS, OUS).await;
    let workloads_ou = id(named(list(&ous, "OrganisationalUnits"), "Workloads"));
    let ou = format!("{OUS}/{workloads_ou}");
    let ou_template = format!("{OUS}/{{organisational_unit_id}}");
    list(&read(&ou, &ou_template).await, "OrganisationalUnits");
    let inside = read(
        &format!("{ou}/accounts"),
        &format!("{ou_template}/accounts"),
    )
    .await;
    assert!(list(&inside, "Accounts").iter().any(|a| a["Id"] == prod));

    let policies = read("/20190206/policies", "/20190206/policies").await;
    let policies = list(&policies, "Policies").clone();
    assert!(policies.len() >= 3, "{policies:?}");
    assert!(policies.iter().all(|p| p["Status"] == "ACTIVE"));
    let guard = id(named(&policies, "region-guard"));
    list(
        &read(
            &format!("/20190206/policies/{guard}"),
            "/20190206/policies/{policy_id}",
        )
        .await,
        "Policies",
    );
    let on_policy = read(
        &format!("/20190206/policies/{guard}/attachments"),
        "/20190206/policies/{policy_id}/attachments",
    )
    .await;
    assert_eq!(
        list(&on_policy, "PolicyAttachments")[0]["OrganisationalUnitId"],
        workloads_ou.as_str()
    );
    let on_ou = read(
        &format!("{ou}/policies"),
        &format!("{ou_template}/policies"),
    )
    .await;
    assert_eq!(list(&on_ou, "PolicyAttachments")[0]["PolicyId"], guard);
    let on_account = read(
        &format!("/20190206/accounts/{prod}/policies"),
        "/20190206/accounts/{account_id}/policies",
    )
    .await;
    assert_eq!(
        list(&on_account, "PolicyAttachments")[0]["PolicyAttachmentType"],
        "ACCOUNT"
    );

    let users = read("/20190206/users", "/20190206/users").await;
    let user = id(&list(&users, "Users")[0]);
    list(
        &read(
            &format!("/20190206/users/{user}"),
            "/20190206/users/{user_id}",
        )
        .await,
        "Users",
    );
    let me = "/20190206/users/me";
    list(&read(me, me).await, "Users");
    let groups = read("/20190206/groups", "/20190206/groups").await;
    let group = id(&list(&groups, "Groups")[0]);
    list(
        &read(
            &format!("/20190206/groups/{group}"),
            "/20190206/groups/{group_id}",
        )
        .await,
        "Groups",
    );

    const CAT: &str = "/20190206/workload-catalogue";
    let catalogue = read(CAT, CAT).await;
    let items = list(
        &catalogue["WorkloadCatalogues"][0],
        "WorkloadCatalogueItems",
    )
    .clone();
    let site = named(&items, "static-website");
    assert_eq!(site["Status"], "ACTIVE");
    let versions = list(site, "Versions");
    assert_eq!(versions.len(), 2, "{site}");
    let (item, version) = (id(site), site["CatalogueVersionId"].as_str().unwrap());
    assert!(versions.iter().any(|v| v["Id"] == version));
    let one = read(
        &format!("{CAT}/{item}"),
        "/20190206/workload-catalogue/{catalogue_id}",
    )
    .await;
    list(&one["WorkloadCatalogues"][0], "WorkloadCatalogueItems");
    let one = read(
        &format!("{CAT}/{item}/{version}"),
        "/20190206/workload-catalogue/{catalogue_id}/{version_id}",
    )
    .await;
    assert_eq!(list(&one, "Versions")[0]["WorkloadVersion"], "1.3.0");
    let manifest = read(
        &format!("{CAT}/manifest/{version}"),
        "/20190206/workload-catalogue/manifest/{version_id}",
    )
    .await;
    let url = manifest["url"].as_str().unwrap();
    assert!(url.starts_with(emu.endpoint()), "{url}");
    let text = client.http.get(url).send().await.unwrap().text().await;
    assert!(text.unwrap().contains("bucket.yaml"));
    let template = read(
        &format!("{CAT}/template/{version}/bucket.yaml"),
        "/20190206/workload-catalogue/template/{version_id}/{name}",
    )
    .await;
    assert!(template["url"].as_str().unwrap().contains(version));

    let workloads = read("/20190206/workloads", "/20190206/workloads").await;
    let workloads = list(&workloads, "Workloads").clone();
    assert!(workloads.len() >= 3, "{workloads:?}");
    let by_id: std::collections::HashMap<&str, &Value> = accounts
        .iter()
        .map(|a| (a["Id"].as_str().unwrap(), a))
        .collect();
    for w in &workloads {
        assert_eq!(w["Status"], "ACTIVE", "{w}");
        assert_eq!(by_id[w["AccountId"].as_str().unwrap()]["Status"], "ACTIVE");
        assert!(w["CatalogueVersion"]["WorkloadVersion"].is_string(), "{w}");
    }
    let first = id(&workloads[0]);
    let one = read(
        &format!("/20190206/workloads/{first}?include_tags=true"),
        "/20190206/workloads/{workload_id}",
    )
    .await;
    let task = list(&one, "Workloads")[0]["UserTaskId"]
        .as_str()
        .unwrap()
        .to_owned();
    let task = read(
        &format!("/20190206/task/{task}"),
        "/20190206/task/{task_id}",
    )
    .await;
    assert_eq!(task["Status"], "SUCCEEDED");
    assert_eq!(task["Workloads"], json!([first]));
    if let Some(c) = &c {
        let every_area = [
            "accounts",
            "organisations",
            "policies",
            "teams",
            "users",
            "workloads",
            "tasks",
        ];
        c.assert_covers(&client, &every_area, true).await;
    }
    emu.shutdown().await;
}

/// Error answers follow the error schema the reference documents for the operation and
/// status: `{"Error"}` for most, a failed `StaxEvent` for some (workloads, groups).
#[tokio::test]
async fn error_answers_match_the_reference_error_schemas() {
    let Some(mut c) = checker() else { return };
    let (emu, client, creds) = setup(50).await;
    let unknown = "00000000-0000-4000-8000-000000000000";
    let group = send(
        &client,
        &creds,
        "POST",
        "/20190206/groups",
        Some(json!({"Name": "fidelity-errors"})),
    )
    .await;
    let group_id = group["GroupId"].as_str().unwrap().to_owned();
    common::settle(&client, &creds, &group).await;
    let cases: Vec<(&str, String, &str, Option<Value>, u16)> = vec![
        (
            "GET",
            format!("/20190206/accounts/{unknown}"),
            "/20190206/accounts/{account_id}",
            None,
            404,
        ),
        (
            "POST",
            "/20190206/accounts/types".into(),
            "/20190206/accounts/types",
            Some(json!({})),
            400,
        ),
        (
            "POST",
            "/20190206/workloads".into(),
            "/20190206/workloads",
            Some(json!({})),
            400,
        ),
        (
            "PUT",
            format!("/20190206/workloads/{unknown}"),
            "/20190206/workloads/{workload_id}",
            Some(json!({"Protection": 5})),
            400,
        ),
        (
            "DELETE",
            format!("/20190206/workloads/{unknown}"),
            "/20190206/workloads/{workload_id}",
            None,
            404,
        ),
        (
            "PUT",
            format!("/20190206/groups/{unknown}"),
            "/20190206/groups/{group_id}",
            Some(json!({"Name": "renamed"})),
            404,
        ),
        (
            "DELETE",
            format!("/20190206/groups/{unknown}"),
            "/20190206/groups/{group_id}",
            None,
            404,
        ),
        (
            "POST",
            "/20190206/groups".into(),
            "/20190206/groups",
            Some(json!({"Name": "fidelity-errors"})),
            409,
        ),
        (
            "PUT",
            "/20190206/groups/members".into(),
            "/20190206/groups/members",
            Some(json!({"AddMembers": [{"UserId": unknown, "GroupId": group_id}]})),
            404,
        ),
    ];
    for (method, path, template, body, status) in cases {
        let (got, answer) = client.call(&creds, method, &path, body).await;
        assert_eq!(got, status, "{method} {path}: {answer}");
        let documented = &c.reference.raw()["paths"][template][method.to_ascii_lowercase()]["responses"]
            [status.to_string()];
        if documented.is_null() {
            continue;
        }
        c.check_status(&method.to_ascii_lowercase(), template, status, &answer);
        assert!(answer["Error"].is_string(), "{method} {path}: {answer}");
    }
    // A role refusal where the reference documents a 403.
    let made = send(
        &client,
        &creds,
        "POST",
        "/20190206/api-tokens",
        Some(json!({"Name": "fidelity-reader", "Role": "api_readonly"})),
    )
    .await;
    let token = &made["ApiTokens"][0];
    let reader = client
        .login(
            token["AccessKey"].as_str().unwrap(),
            token["SecretKey"].as_str().unwrap(),
        )
        .await;
    let (status, answer) = client
        .call(
            &reader,
            "DELETE",
            &format!("/20190206/workloads/{unknown}"),
            None,
        )
        .await;
    assert_eq!(status, 403, "{answer}");
    c.check_status("delete", "/20190206/workloads/{workload_id}", 403, &answer);
    emu.shutdown().await;
}

/// Services, insights, account discovery and the alias check: every answer, errors included,
/// matches the reference's schema for its status.
#[tokio::test]
async fn services_insights_and_discovery_match_the_reference() {
    let Some(mut c) = checker() else { return };
    let (emu, client, creds) = setup(50).await;
    let c = &mut c;
    const ALL: &str = "/20190206/services/configuration";
    checked(c, &client, &creds, ("GET", ALL), ALL, None).await;
    for service in common::SERVICES {
        let path = format!("/20190206/services/{service}/configuration");
        let now = checked(c, &client, &creds, ("GET", &path), &path, None).await;
        let Some(body) = common::unchanged(service, &now) else {
            continue;
        };
        let started = checked(
            c,
            &client,
            &creds,
            ("PUT", &path),
            &path,
            Some(body.clone()),
        )
        .await;
        refused(
            c,
            &client,
            &creds,
            (("PUT", path.clone()), &path),
            Some(body),
            409,
        )
        .await;
        settle(c, &client, &creds, &started).await;
        checked(c, &client, &creds, ("GET", &path), &path, None).await;
    }
    // Security Hub is off in an empty organisation, on in the demo: it stays on.
    let hub = "/20190206/services/securityhub/configuration";
    let mut off = checked(c, &client, &creds, ("GET", hub), hub, None).await;
    off["Enabled"] = json!(false);
    let body = common::unchanged("securityhub", &off);
    refused(
        c,
        &client,
        &creds,
        (("PUT", hub.to_owned()), hub),
        body,
        400,
    )
    .await;

    const INSIGHTS: &str = "/20190206/insights";
    for query in [
        "",
        "?limit=3&offset=1",
        "?status=PENDING",
        "?sort=TargetKind&sort_order=ASC",
    ] {
        let read = checked(
            c,
            &client,
            &creds,
            ("GET", &format!("{INSIGHTS}{query}")),
            INSIGHTS,
            None,
        )
        .await;
        assert!(read["Paging"].is_object(), "{read}");
    }

    c.assert_covers(&client, &["services", "insights"], false)
        .await;
    emu.shutdown().await;
}

/// Account discovery, onboarding and the alias check, errors included, against the
/// reference (on the demo seed: two AWS accounts outside Stax; the alias `emulated`).
async fn discovery_and_alias(c: &mut Checker, client: &Client, creds: &Creds) {
    const DISCOVER: &str = "/20190206/accounts/discover";
    const ONE: &str = "/20190206/accounts/discover/{aws_account_id}";
    let named = |aws_id: &str| format!("{DISCOVER}/{aws_id}");
    let at = |path: &str, template: &'static str| (("POST", path.to_owned()), template);
    refused(c, client, creds, at(&named("999999999999"), ONE), None, 404).await;
    let one = checked(
        c,
        client,
        creds,
        ("POST", &named("310000000001")),
        ONE,
        None,
    )
    .await;
    refused(c, client, creds, at(DISCOVER, DISCOVER), None, 409).await;
    let task = settle(c, client, creds, &one).await;
    assert_eq!(task["Accounts"].as_array().map(Vec::len), Some(1), "{task}");
    refused(c, client, creds, at(&named("310000000001"), ONE), None, 403).await;
    let rest = checked(c, client, creds, ("POST", DISCOVER), DISCOVER, None).await;
    let task = settle(c, client, creds, &rest).await;
    assert_eq!(
        task["Accounts"].as_array().map(Vec::len),
        Some(1),
        "the other: {task}"
    );
    let found = ("GET", "/20190206/accounts?filter=DISCOVERED");
    let found = checked(c, client, creds, found, "/20190206/accounts", None).await;
    assert_eq!(
        found["Accounts"].as_array().map(Vec::len),
        Some(2),
        "{found}"
    );

    const ONBOARD: &str = "/20190206/accounts/onboard";
    let onboard = |aws_id: &str| Some(json!({"AwsAccountId": aws_id, "AccountType": "production"}));
    refused(
        c,
        client,
        creds,
        at(ONBOARD, ONBOARD),
        onboard("999999999999"),
        404,
    )
    .await;
    let onboarded = checked(
        c,
        client,
        creds,
        ("POST", ONBOARD),
        ONBOARD,
        onboard("310000000001"),
    )
    .await;
    refused(
        c,
        client,
        creds,
        at(ONBOARD, ONBOARD),
        onboard("310000000001"),
        409,
    )
    .await;
    settle(c, client, creds, &onboarded).await;
    // No longer DISCOVERED.
    refused(
        c,
        client,
        creds,
        at(ONBOARD, ONBOARD),
        onboard("310000000001"),
        400,
    )
    .await;

    const ALIAS: &str = "/20190206/public/check-alias/{alias}";
    let free = public_call(client, "/20190206/public/check-alias/a-new-bakery").await;
    assert_eq!(free.0, 200, "{}", free.1);
    c.check("get", ALIAS, &free.1);
    let taken = public_call(client, "/20190206/public/check-alias/emulated").await;
    assert_eq!(taken.0, 409, "the seeded organisation's alias: {}", taken.1);
    c.check_status("get", ALIAS, 409, &taken.1);
}

/// Calls, expecting the error `status`, and checks the answer against the schema the
/// reference gives that status; returns it.
async fn refused(
    c: &mut Checker,
    client: &Client,
    creds: &Creds,
    ((method, path), template): ((&str, String), &str),
    body: Option<Value>,
    status: u16,
) -> Value {
    let (got, answer) = client.call(creds, method, &path, body).await;
    assert_eq!(got, status, "{method} {path}: {answer}");
    c.check_status(&method.to_ascii_lowercase(), template, status, &answer);
    answer
}

/// An unsigned GET: its status and JSON body.
async fn public_call(client: &Client, path: &str) -> (u16, Value) {
    let response = client
        .http
        .get(format!("{}{path}", client.endpoint))
        .send()
        .await
        .expect("the emulator answers");
    let status = response.status().as_u16();
    (status, response.json().await.expect("a JSON answer"))
}
