//! The whole API, walked from Stax's reference documents: the emulator started without
//! `--openapi` (so nothing it answers comes from a document it was given) must answer every
//! operation of the core API's reference (170) and of the Permission Sets API's (12, besides
//! the document itself) from its own state, each answer valid against the reference's schema
//! for its status.
//!
//! The walk makes what it needs as a user would (a hub before its VPCs, a gateway before its
//! VIF, a permission set before its assignments, ...) with the demo seed's accounts, groups
//! and account types, calls each operation once or more, and changes things back in reverse
//! order. An operation counts as answered from state when the router sends it to an area's
//! handler: not API Gateway's `Missing Authentication Token` (no route), not an answer marked
//! `x-stax-emulator-handler: generic`, and counted in the stats under the reference's
//! operation id. Everything that goes wrong is gathered and reported in one failure, naming
//! each operation that is missing or invalid.
//!
//! The served documents are checked too: the emulator's own documents list every operation
//! it serves (by the reference's method, path and id, each with the roles that may call it)
//! and none it does not. There is no exception: all 182 operations must pass.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use common::{Client, Creds, emulator, shared_file};
use serde_json::{Value, json};
use stax_openapi::{Dialect, Direction, Spec, Target, pointer};

fn read_json(relative: &str) -> Option<Value> {
    let path = shared_file(relative)?;
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{} is unreadable: {e}", path.display()));
    Some(serde_json::from_str(&text).expect("reference documents are JSON"))
}

/// The path part of a document's server URL (`https://host/20210321` and `/20210321` alike
/// give `/20210321`; a server at the host's root gives nothing).
fn server_path(doc: &Value) -> String {
    let url = doc["servers"][0]["url"].as_str().unwrap_or("");
    let after_host = url.split_once("://").map_or(url, |(_, rest)| {
        rest.find('/').map_or("", |slash| &rest[slash..])
    });
    after_host.trim_end_matches('/').to_owned()
}

/// `(method, path template)` of every operation of a document, with its id (the core API's
/// `x-stax-sdk-operation-id`, else its `operationId`); paths after the host, the server's
/// path first.
fn operations_of(doc: &Value) -> BTreeMap<(String, String), String> {
    let server = server_path(doc);
    let mut ops = BTreeMap::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            if !["get", "put", "post", "delete", "patch"].contains(&method.as_str()) {
                continue;
            }
            ops.insert(
                (method.clone(), format!("{server}{path}")),
                operation_id(op),
            );
        }
    }
    ops
}

/// An operation's id: the core API's `x-stax-sdk-operation-id`, else its `operationId`.
fn operation_id(op: &Value) -> String {
    op.get("x-stax-sdk-operation-id")
        .or_else(|| op.get("operationId"))
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned()
}

/// One of Stax's reference documents, and where the emulator serves its own.
struct Reference {
    /// The path of its server, before each of its paths (empty for the core API, whose
    /// paths start with the version).
    server: String,
    /// Before its operations' ids in the emulator's stats (`permission-sets.`).
    stats_prefix: &'static str,
    /// Where the emulator serves its own document of the API.
    served_at: &'static str,
    spec: Spec,
}

impl Reference {
    fn load(
        relative: &str,
        stats_prefix: &'static str,
        served_at: &'static str,
    ) -> Option<Reference> {
        let doc = read_json(relative)?;
        Some(Reference {
            server: server_path(&doc),
            stats_prefix,
            served_at,
            spec: Spec::new(doc, Dialect::openapi30()),
        })
    }

    /// Its operations but the document itself (the Permission Sets API's `GetAPIDocument`,
    /// served as a document is rather than as an operation).
    fn operations(&self) -> BTreeMap<(String, String), String> {
        let mut ops = operations_of(self.spec.raw());
        ops.retain(|(_, path), _| path != self.served_at);
        ops
    }
}

/// The walk's state: what it made, what it called, what went wrong.
struct Walk<'a> {
    client: &'a Client,
    creds: &'a Creds,
    references: Vec<Arc<Reference>>,
    /// Values of path parameters (and other ids the walk keeps), by name.
    ids: BTreeMap<&'static str, String>,
    called: BTreeSet<(String, String)>,
    failures: Vec<String>,
}

/// Where an answer may name the task that carries a change out.
const TASK_POINTERS: [&str; 3] = ["/TaskId", "/Detail/TaskId", "/Detail/Message/TaskId"];

impl Walk<'_> {
    fn fail(&mut self, what: String) {
        self.failures.push(what);
    }

    /// Keeps the text at `pointer` of `answer` as `key` (a failure when it is not there).
    fn keep(&mut self, key: &'static str, answer: &Option<Value>, pointer: &str) {
        match answer
            .as_ref()
            .and_then(|a| a.pointer(pointer))
            .and_then(Value::as_str)
        {
            Some(id) => {
                self.ids.insert(key, id.to_owned());
            }
            None if answer.is_some() => {
                self.fail(format!(
                    "{key}: no id at {pointer} in {}",
                    answer.as_ref().unwrap()
                ));
            }
            None => {}
        }
    }

    /// `template` with its parameters filled from `extra`, then the kept ids; a parameter
    /// without a value (the step that makes it failed or is not served) is filled with a
    /// placeholder and named as the second item.
    fn path(&self, template: &str, extra: &[(&str, &str)]) -> (String, Option<String>) {
        let mut path = String::new();
        let mut missing = None;
        for segment in template.split('/').skip(1) {
            path.push('/');
            let Some(name) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) else {
                path.push_str(segment);
                continue;
            };
            let value = extra
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v).to_owned())
                .or_else(|| self.ids.get(name).cloned())
                .filter(|v| !v.is_empty());
            match value {
                Some(value) => path.push_str(&value),
                None => {
                    path.push_str(&format!("walk-no-{name}"));
                    missing.get_or_insert_with(|| name.to_owned());
                }
            }
        }
        (path, missing)
    }

    /// The reference that has the operation `method template`, the operation and its path
    /// in that reference.
    fn find(&self, method: &str, template: &str) -> Option<(Arc<Reference>, String, Value)> {
        self.references.iter().find_map(|r| {
            let relative = template.strip_prefix(r.server.as_str())?;
            let op = r.spec.raw()["paths"].get(relative)?.get(method)?.clone();
            Some((Arc::clone(r), relative.to_owned(), op))
        })
    }

    /// Calls the operation `method template` (parameters from `extra` and the kept ids) with
    /// `query` and `body`; checks who answered and validates the answer; for a change, waits
    /// for its task. The answer, when it is a success.
    async fn call(
        &mut self,
        operation: (&str, &str),
        extra: &[(&str, &str)],
        query: &str,
        body: Option<Value>,
    ) -> Option<Value> {
        self.exchange(operation, (extra, query, body), None).await
    }

    /// Calls the operation `method template` as [`Walk::call`] does, expecting the documented
    /// refusal `status` (validated against the reference's schema for it) instead of a
    /// success.
    async fn refused(&mut self, operation: (&str, &str), status: u16) -> Option<Value> {
        self.exchange(operation, (&[], "", None), Some(status))
            .await
    }

    /// [`Walk::call`] and [`Walk::refused`]: a success, or the `refusal` status when given.
    async fn exchange(
        &mut self,
        (method, template): (&str, &str),
        (extra, query, body): (&[(&str, &str)], &str, Option<Value>),
        refusal: Option<u16>,
    ) -> Option<Value> {
        let method = method.to_ascii_lowercase();
        let Some((reference, relative, op)) = self.find(&method, template) else {
            self.fail(format!(
                "{method} {template} is not in a reference (a walk mistake)"
            ));
            return None;
        };
        let named = format!(
            "{} ({} {template})",
            operation_id(&op),
            method.to_ascii_uppercase()
        );
        let operation = (method.clone(), template.to_owned());
        self.called.insert(operation.clone());
        let (path, missing) = self.path(template, extra);
        if let Some(name) = missing {
            self.fail(format!(
                "{named}: skipped, no {name} (an earlier step failed)"
            ));
            return None;
        }
        let url = if query.is_empty() {
            path.clone()
        } else {
            format!("{path}?{query}")
        };
        let request = self.client.signed(
            self.creds,
            &method.to_ascii_uppercase(),
            &url,
            body,
            SystemTime::now(),
        );
        let response = self
            .client
            .http
            .execute(request)
            .await
            .expect("the emulator answers");
        let status = response.status().as_u16();
        let generic = response.headers().contains_key("x-stax-emulator-handler");
        let text = response.text().await.unwrap_or_default();
        let answer: Value = serde_json::from_str(&text).unwrap_or(Value::String(text));
        if generic {
            self.fail(format!("{named}: answered by the generic path"));
        }
        if status == 403 && answer["message"] == "Missing Authentication Token" {
            self.fail(format!(
                "{named}: not served (API Gateway's Missing Authentication Token)"
            ));
            return None;
        }
        let documented = op["responses"][status.to_string()].is_object();
        let expected = refusal.map_or((200..300).contains(&status), |r| r == status);
        if !expected || !documented {
            self.fail(format!("{named}: answered {status}: {answer}"));
            return None;
        }
        let at = pointer::from_tokens([
            "paths",
            &relative,
            &method,
            "responses",
            &status.to_string(),
            "content",
            "application/json",
            "schema",
        ]);
        // An answer the reference gives no schema accepts any body.
        if reference.spec.raw().pointer(&at).is_some() {
            match reference
                .spec
                .validator(Target::Pointer(&at), Direction::Response)
            {
                Ok(validator) => {
                    let errors: Vec<String> = validator
                        .violations(&answer)
                        .map(|v| v.to_string())
                        .collect();
                    if !errors.is_empty() {
                        self.fail(format!(
                            "{named}: answer breaks the reference: {errors:?} in {answer}"
                        ));
                    }
                }
                Err(e) => self.fail(format!(
                    "{named}: the reference's schema does not compile: {e}"
                )),
            }
        }
        if method != "get" && refusal.is_none() {
            self.settle(&named, &answer).await;
        }
        Some(answer)
    }

    /// Waits for the task a change's answer names to end (a failure when it fails); a change
    /// whose answer names none is given a moment to land.
    async fn settle(&mut self, named: &str, answer: &Value) {
        let task = TASK_POINTERS
            .iter()
            .find_map(|p| answer.pointer(p).and_then(Value::as_str))
            .map(str::to_owned);
        let Some(task) = task else {
            tokio::time::sleep(Duration::from_millis(150)).await;
            return;
        };
        let (ended, _) = self.client.wait_task(self.creds, &task).await;
        if ended["Status"] != "SUCCEEDED" {
            self.fail(format!("{named}: its task {task} ended {ended}"));
        }
    }

    /// Waits for the task a creation's `answer` names and keeps the first id the task lists
    /// under `list` (`Accounts`, `Users`, ...) as `key`; the task's id.
    async fn keep_made(
        &mut self,
        key: &'static str,
        answer: &Option<Value>,
        list: &str,
    ) -> Option<String> {
        let task = answer
            .as_ref()
            .and_then(|a| TASK_POINTERS.iter().find_map(|t| a.pointer(t)?.as_str()))?
            .to_owned();
        let (ended, _) = self.client.wait_task(self.creds, &task).await;
        match ended[list][0].as_str() {
            Some(id) => {
                self.ids.insert(key, id.to_owned());
            }
            None => self.fail(format!("{key}: the task lists no {list}: {ended}")),
        }
        Some(task)
    }

    async fn get(&mut self, template: &str) -> Option<Value> {
        self.call(("get", template), &[], "", None).await
    }

    async fn send(&mut self, method: &str, template: &str, body: Value) -> Option<Value> {
        self.call((method, template), &[], "", Some(body)).await
    }

    async fn delete(&mut self, template: &str) -> Option<Value> {
        self.call(("delete", template), &[], "", None).await
    }
}

#[tokio::test]
async fn every_operation_of_the_references_is_answered_from_state() {
    let (Some(core), Some(sets)) = (
        Reference::load(
            "reference/stax-core-20190206.oas3.json",
            "",
            "/20190206/public/oas3-document",
        ),
        Reference::load(
            "reference/stax-permission-sets-20210321.oas3.json",
            "permission-sets.",
            "/20210321/public/api-document",
        ),
    ) else {
        return;
    };
    assert_eq!(
        core.operations().len(),
        170,
        "the core API has 170 operations"
    );
    assert_eq!(
        sets.operations().len(),
        12,
        "the Permission Sets API has 12 operations besides its document"
    );
    let emu = emulator(|o| {
        o.task_delay = Duration::from_millis(20);
        o.openapi = Vec::new();
    })
    .await;
    let client = Client::new(emu.endpoint()).await;
    let creds = client.login(emu.access_key(), emu.secret_key()).await;
    let mut walk = Walk {
        client: &client,
        creds: &creds,
        references: vec![Arc::new(core), Arc::new(sets)],
        ids: BTreeMap::new(),
        called: BTreeSet::new(),
        failures: Vec::new(),
    };
    core_areas(&mut walk).await;
    services_and_insights(&mut walk).await;
    networking(&mut walk).await;
    permission_sets(&mut walk).await;
    served_documents(&mut walk).await;

    // Every operation called, and counted under its id (by one of its paths at least).
    let mut all = BTreeMap::new();
    for reference in &walk.references {
        for (operation, id) in reference.operations() {
            all.insert(operation, format!("{}{id}", reference.stats_prefix));
        }
    }
    let stats = emu.stats();
    let mut answered = BTreeSet::new();
    for (operation @ (method, template), id) in &all {
        answered.insert(id.clone());
        if !walk.called.contains(operation) {
            walk.fail(format!(
                "{id} ({} {template}): never called by the walk",
                method.to_ascii_uppercase()
            ));
        }
    }
    for id in &answered {
        if stats["operations"][id.as_str()].as_u64().unwrap_or(0) == 0 {
            walk.fail(format!(
                "{id}: never counted in the stats (no handler of that id answered)"
            ));
        }
    }
    let failures = std::mem::take(&mut walk.failures);
    emu.shutdown().await;
    assert!(
        failures.is_empty(),
        "{} problem(s) walking {} operations of the references:\n{}",
        failures.len(),
        all.len(),
        failures.join("\n")
    );
}

/// The emulator's own documents list every operation of the references it serves, by the
/// same method, path and id, and none it does not; each names the roles that may call it.
async fn served_documents(walk: &mut Walk<'_>) {
    for reference in walk.references.clone() {
        let document = reference.served_at;
        let served: Value = walk
            .client
            .http
            .get(format!("{}{document}", walk.client.endpoint))
            .send()
            .await
            .expect("the document is served")
            .json()
            .await
            .expect("the document is JSON");
        let listed = operations_of(&served);
        for (operation @ (method, path), id) in &reference.operations() {
            let method = method.to_ascii_uppercase();
            match listed.get(operation) {
                None => walk.fail(format!("{document} does not list {id} ({method} {path})")),
                Some(served_id) if served_id != id => walk.fail(format!(
                    "{document} names {method} {path} {served_id}, the reference {id}"
                )),
                Some(_) => {}
            }
        }
        let server = server_path(&served);
        for (path, item) in served["paths"].as_object().into_iter().flatten() {
            for (method, op) in item.as_object().into_iter().flatten() {
                if !op["x-stax-emulator-roles"].is_array() {
                    walk.fail(format!(
                        "{document}: {method} {server}{path} names no roles"
                    ));
                }
            }
        }
    }
}

/// The Permission Sets API: the policy catalogue and roles; a set made, read and changed,
/// assigned to the demo's Developers on its production accounts, the assignment listed,
/// redeployed and removed (each once its deployment has ended), and the set deleted.
async fn permission_sets(w: &mut Walk<'_>) {
    const SETS: &str = "/20210321/permission-sets";
    const SET: &str = "/20210321/permission-sets/{permission_set_id}";
    const ASSIGNMENTS: &str = "/20210321/permission-sets/{permission_set_id}/assignments";
    const ONE: &str = "/20210321/permission-sets/{permission_set_id}/assignments/{assignment_id}";
    w.call(("get", SETS), &[], "limit=5", None).await;
    for what in ["aws-managed-policies", "roles"] {
        w.get(&format!("{SETS}/{what}")).await;
    }
    // The roles of the user calling: the walk calls with an API token, which has none of its
    // own, and Stax's document gives that caller a 403 (the emulator signs in no people).
    w.refused(("get", "/20210321/permission-sets/roles/me"), 403)
        .await;
    let made = w
        .send(
            "post",
            SETS,
            json!({"Name": "WalkSet", "Description": "walked", "MaxSessionDuration": 3600,
                   "AWSManagedPolicies": [{"PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}]}),
        )
        .await;
    w.keep("permission_set_id", &made, "/Id");
    w.get(SET).await;
    w.send("put", SET, json!({"Description": "walked again"}))
        .await;
    let group = w.named("/20190206/groups", "Groups", "Developers").await;
    let account_type = w
        .named("/20190206/accounts/types", "AccountTypes", "production")
        .await;
    let assigned = w
        .send(
            "post",
            ASSIGNMENTS,
            json!([{"GroupId": group, "AccountTypeId": account_type}]),
        )
        .await;
    w.keep("assignment_id", &assigned, "/0/Id");
    w.call(("get", ASSIGNMENTS), &[], "limit=5", None).await;
    w.assignment_reaches("DEPLOYMENT_COMPLETE").await;
    w.call(("put", ONE), &[], "", None).await;
    w.assignment_reaches("DEPLOYMENT_COMPLETE").await;
    w.delete(ONE).await;
    w.assignment_reaches("DELETE_COMPLETE").await;
    w.delete(SET).await;
}

impl Walk<'_> {
    /// The `Id` of the item of the core list at `path` (under `key`) named `name`, read
    /// outside the walk (empty, after a failure, when there is none).
    async fn named(&mut self, path: &str, key: &str, name: &str) -> String {
        let (_, list) = self.client.call(self.creds, "GET", path, None).await;
        let found = list[key]
            .as_array()
            .into_iter()
            .flatten()
            .find(|item| item["Name"] == name)
            .and_then(|item| item["Id"].as_str());
        match found {
            Some(id) => id.to_owned(),
            None => {
                self.fail(format!("{path}: no {name} in {list}"));
                String::new()
            }
        }
    }

    /// Reads the kept set's assignments until the kept assignment shows `status` (a failure
    /// after half a minute).
    async fn assignment_reaches(&mut self, status: &str) {
        let (set, Some(id)) = (
            self.ids
                .get("permission_set_id")
                .cloned()
                .unwrap_or_default(),
            self.ids.get("assignment_id").cloned(),
        ) else {
            return;
        };
        let path = format!("/20210321/permission-sets/{set}/assignments");
        let mut now = Value::Null;
        for _ in 0..300 {
            let (_, list) = self.client.call(self.creds, "GET", &path, None).await;
            now = list["Assignments"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|a| a["Id"] == id.as_str())
                .map(|a| a["Status"].clone())
                .unwrap_or_default();
            if now == status {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        self.fail(format!(
            "assignment {id} never reached {status} (it shows {now})"
        ));
    }
}

/// Accounts, account types, organisations, units, policies, tokens, people, groups,
/// workloads, tasks and the public operations.
async fn core_areas(w: &mut Walk<'_>) {
    w.get("/20190206/public/config").await;
    w.call(
        ("get", "/20190206/public/check-alias/{alias}"),
        &[("alias", "walk-new-alias")],
        "",
        None,
    )
    .await;

    // Accounts and their types.
    let accounts = w
        .call(
            ("get", "/20190206/accounts"),
            &[],
            "filter=ACTIVE&offset=0&limit=5",
            None,
        )
        .await;
    w.keep("account_id", &accounts, "/Accounts/0/Id");
    w.keep("active_aws_account", &accounts, "/Accounts/0/AwsAccountId");
    w.get("/20190206/accounts/{account_id}").await;
    w.get("/20190206/accounts/{account_id}/policies").await;
    w.turn_under(
        CORE,
        Turn {
            create: ("/accounts/types", json!({"Name": "walk-type"})),
            keep: &[("account_type_id", "/Detail/AccountType/Id")],
            reads: &["/accounts/types", "/accounts/types/{account_type_id}"],
            update: (
                "/accounts/types/{account_type_id}",
                json!({"Name": "walk-type-2"}),
            ),
        },
    )
    .await;
    let created = w
        .send(
            "post",
            "/20190206/accounts",
            json!({"Name": "walk-account", "AccountType": "walk-type-2"}),
        )
        .await;
    if let Some(task) = w.keep_made("new_account", &created, "Accounts").await {
        w.ids.insert("task_id", task);
    }
    w.get("/20190206/task/{task_id}").await;
    let new_account = w.ids.get("new_account").cloned().unwrap_or_default();
    w.call(
        ("put", "/20190206/accounts/{account_id}"),
        &[("account_id", &new_account)],
        "",
        Some(json!({"Name": "walk-account-2"})),
    )
    .await;
    w.send(
        "put",
        "/20190206/account-types/members",
        json!({"Members": [{"AccountId": new_account, "AccountTypeName": "sandbox"}]}),
    )
    .await;
    let type_id = w.ids.get("account_type_id").cloned().unwrap_or_default();
    w.send(
        "put",
        "/20190206/accounts/types/access",
        json!({"AddRoles": [{"AccountTypeId": type_id, "GroupName": "Administrators", "RoleName": "admin"}]}),
    )
    .await;
    w.call(
        ("post", "/20190206/accounts/discover/{aws_account_id}"),
        &[("aws_account_id", "310000000001")],
        "",
        None,
    )
    .await;
    w.call(("post", "/20190206/accounts/discover"), &[], "", None)
        .await;
    w.send(
        "post",
        "/20190206/accounts/onboard",
        json!({"AwsAccountId": "310000000001", "AccountType": "production", "Name": "walk-onboarded"}),
    )
    .await;
    w.send(
        "post",
        "/20190206/accounts/close",
        json!({"Id": new_account}),
    )
    .await;
    w.delete("/20190206/accounts/types/{account_type_id}").await;

    // The organisation and its units.
    for path in [
        "/20190206/organisations",
        "/20190206/organisations/current",
        "/20190206/organisations/current/features",
        "/20190206/organisations/organisational-units",
    ] {
        w.get(path).await;
    }
    const UNIT: &str = "/20190206/organisations/organisational-units/{organisational_unit_id}";
    w.turn_under(
        CORE,
        Turn {
            create: (
                "/organisations/organisational-units",
                json!({"Name": "walk-unit", "ParentOrganisationalUnitId": null}),
            ),
            keep: &[(
                "organisational_unit_id",
                "/Detail/OrganisationalUnit/OrganisationalUnitId",
            )],
            reads: &["/organisations/organisational-units/{organisational_unit_id}"],
            update: (
                "/organisations/organisational-units/{organisational_unit_id}",
                json!({"Name": "walk-unit-2"}),
            ),
        },
    )
    .await;
    w.get(&format!("{UNIT}/accounts")).await;

    // Policies and their attachments.
    w.turn_under(
        CORE,
        Turn {
            create: (
                "/policies",
                json!({"Name": "walk-policy", "Description": "walked",
                       "Policy": r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*"}]}"#}),
            ),
            keep: &[("policy_id", "/Detail/Policy/PolicyId")],
            reads: &["/policies", "/policies/{policy_id}"],
            update: (
                "/policies/{policy_id}",
                json!({"Description": "walked again"}),
            ),
        },
    )
    .await;
    let unit_id = w
        .ids
        .get("organisational_unit_id")
        .cloned()
        .unwrap_or_default();
    w.send(
        "post",
        "/20190206/policies/{policy_id}/attachments",
        json!({"OrganisationalUnitId": unit_id}),
    )
    .await;
    let attachments = w.get("/20190206/policies/{policy_id}/attachments").await;
    w.keep(
        "policy_attachment_id",
        &attachments,
        "/PolicyAttachments/0/Id",
    );
    w.get(&format!("{UNIT}/policies")).await;
    w.send(
        "put",
        "/20190206/policies/organisation/{policy_id}",
        json!({}),
    )
    .await;
    w.delete("/20190206/policies/organisation/{policy_id}")
        .await;
    w.delete("/20190206/policies/attachments/{policy_attachment_id}")
        .await;
    w.delete("/20190206/policies/{policy_id}").await;
    w.delete(UNIT).await;

    // API tokens, people and groups.
    w.turn_under(
        CORE,
        Turn {
            create: (
                "/api-tokens",
                json!({"Name": "walk-token", "Role": "api_readonly"}),
            ),
            keep: &[("access_key", "/ApiTokens/0/AccessKey")],
            reads: &["/api-tokens", "/api-tokens/{access_key}"],
            update: ("/api-tokens/{access_key}", json!({"Description": "walked"})),
        },
    )
    .await;
    w.delete("/20190206/api-tokens/{access_key}").await;
    let person = w
        .send(
            "post",
            "/20190206/idam/user",
            json!({"Email": "walk@example.com", "FirstName": "Walk", "LastName": "Er", "Role": "customer_readonly"}),
        )
        .await;
    w.keep_made("user_id", &person, "Users").await;
    w.get("/20190206/users").await;
    w.get("/20190206/users/me").await;
    w.get("/20190206/users/{user_id}").await;
    w.call(
        ("put", "/20190206/idam/user/resend-invite/{user_id}"),
        &[],
        "",
        None,
    )
    .await;
    w.send(
        "put",
        "/20190206/idam/user/{user_id}",
        json!({"Status": "ACTIVE", "FirstName": "Walker"}),
    )
    .await;
    w.call(
        ("put", "/20190206/idam/user/reset-password/{user_id}"),
        &[],
        "",
        None,
    )
    .await;
    w.turn_under(
        CORE,
        Turn {
            create: ("/groups", json!({"Name": "walk-group"})),
            keep: &[("group_id", "/GroupId")],
            reads: &["/groups", "/groups/{group_id}"],
            update: ("/groups/{group_id}", json!({"Name": "walk-group-2"})),
        },
    )
    .await;
    let (user, group_id) = (
        w.ids.get("user_id").cloned().unwrap_or_default(),
        w.ids.get("group_id").cloned().unwrap_or_default(),
    );
    w.send(
        "put",
        "/20190206/groups/members",
        json!({"AddMembers": [{"UserId": user, "GroupId": group_id}]}),
    )
    .await;
    w.delete("/20190206/groups/{group_id}").await;
    w.delete("/20190206/users/{user_id}").await;

    // The workload catalogue and workloads.
    const CAT: &str = "/20190206/workload-catalogue";
    let item = w
        .send(
            "post",
            CAT,
            json!({"Name": "walk-item", "Version": "1", "Description": "walked", "ManifestBody": "resources: []", "Parameters": {"A": "b"}}),
        )
        .await;
    w.keep("catalogue_id", &item, "/CatalogueId");
    w.keep("version_id", &item, "/CatalogueVersionId");
    let v2 = w
        .send(
            "put",
            "/20190206/workload-catalogue/{catalogue_id}",
            json!({"Version": "2", "Description": "walked again", "ManifestBody": "resources: []"}),
        )
        .await;
    w.keep("version_2", &v2, "/CatalogueVersionId");
    w.get(CAT).await;
    w.get("/20190206/workload-catalogue/{catalogue_id}").await;
    w.get("/20190206/workload-catalogue/{catalogue_id}/{version_id}")
        .await;
    w.get("/20190206/workload-catalogue/manifest/{version_id}")
        .await;
    w.call(
        (
            "get",
            "/20190206/workload-catalogue/template/{version_id}/{name}",
        ),
        &[("name", "main.yaml")],
        "",
        None,
    )
    .await;
    let (catalogue, account) = (
        w.ids.get("catalogue_id").cloned().unwrap_or_default(),
        w.ids.get("account_id").cloned().unwrap_or_default(),
    );
    let deployed = w
        .send(
            "post",
            "/20190206/workloads",
            json!({"Name": "walk-workload", "CatalogueId": catalogue, "AccountId": account, "Region": "ap-southeast-2"}),
        )
        .await;
    w.keep_made("workload_id", &deployed, "Workloads").await;
    w.get("/20190206/workloads").await;
    w.get("/20190206/workloads/{workload_id}").await;
    let v2 = w.ids.get("version_2").cloned().unwrap_or_default();
    w.send(
        "put",
        "/20190206/workloads/{workload_id}",
        json!({"CatalogueVersionId": v2}),
    )
    .await;
    w.delete("/20190206/workloads/{workload_id}").await;
    w.delete("/20190206/workload-catalogue/{catalogue_id}/{version_id}")
        .await;
    w.delete("/20190206/workload-catalogue/{catalogue_id}")
        .await;
}

/// Every service configuration, read and changed to what it is; then the insights of it all.
async fn services_and_insights(w: &mut Walk<'_>) {
    w.get("/20190206/services/configuration").await;
    for service in common::SERVICES {
        let path = format!("/20190206/services/{service}/configuration");
        let Some(now) = w.get(&path).await else {
            continue;
        };
        if let Some(body) = common::unchanged(service, &now) {
            w.send("put", &path, body).await;
        }
    }
    w.call(
        ("get", "/20190206/insights"),
        &[],
        "sort=Action&sort_order=ASC&limit=50&offset=0",
        None,
    )
    .await;
}

/// The core API's paths start with this.
const CORE: &str = "/20190206";

/// One kind's turn: made (its ids kept), read every way, changed. Paths are under a base
/// (`/20190206/networking` for [`Walk::turn`]).
struct Turn {
    /// Where it is made, and the body.
    create: (&'static str, Value),
    /// `(name, pointer)`: the ids the answer gives, kept under these names.
    keep: &'static [(&'static str, &'static str)],
    reads: &'static [&'static str],
    /// Where it is changed, and the body.
    update: (&'static str, Value),
}

fn networking_path(path: &str) -> String {
    format!("/20190206/networking{path}")
}

impl Walk<'_> {
    /// A networking kind's turn.
    async fn turn(&mut self, turn: Turn) {
        self.turn_under("/20190206/networking", turn).await;
    }

    /// A kind's turn, its paths under `base`.
    async fn turn_under(&mut self, base: &str, turn: Turn) {
        let (path, body) = turn.create;
        let made = self.send("post", &format!("{base}{path}"), body).await;
        for (key, pointer) in turn.keep {
            self.keep(key, &made, pointer);
        }
        for read in turn.reads {
            self.get(&format!("{base}{read}")).await;
        }
        let (path, body) = turn.update;
        self.send("put", &format!("{base}{path}"), body).await;
    }

    /// A kept id (empty when the step that makes it failed, which that step reported).
    fn id(&self, key: &str) -> String {
        self.ids.get(key).cloned().unwrap_or_default()
    }
}

/// Every networking kind: made in the order each needs the other, read every way, changed,
/// and deleted in reverse.
async fn networking(w: &mut Walk<'_>) {
    let region = "ap-southeast-2";
    let account = w.id("account_id");
    let hub = |name: &str, cidr: &str| {
        json!({"Name": name, "AccountId": account, "Region": region, "Cidr": cidr,
               "CreateNatGateway": false, "CreateInternetGateway": false, "PhzSuffix": "walk.internal"})
    };
    let second = w
        .send(
            "post",
            &networking_path("/hubs"),
            hub("walk-hub-2", "172.20.0.0/16"),
        )
        .await;
    w.keep("hub_2", &second, "/Detail/NetworkingHub/Id");
    w.turn(Turn {
        create: ("/hubs", hub("walk-hub", "10.100.0.0/16")),
        keep: &[
            ("hub_id", "/Detail/NetworkingHub/Id"),
            ("networking_hub_id", "/Detail/NetworkingHub/Id"),
        ],
        reads: &["/hubs", "/hubs/{hub_id}"],
        update: ("/hubs/{hub_id}", json!({"Description": "walked"})),
    })
    .await;
    // CIDR ranges and exclusions are answered at once.
    w.turn(Turn {
        create: (
            "/hubs/{hub_id}/ranges",
            json!({"Name": "walk-range", "Cidr": "10.101.0.0/16"}),
        ),
        keep: &[("range_id", "/Ranges/0/Id")],
        reads: &["/ranges", "/hubs/{hub_id}/ranges", "/ranges/{range_id}"],
        update: ("/ranges/{range_id}", json!({"Name": "walk-range-2"})),
    })
    .await;
    w.turn(Turn {
        create: (
            "/hubs/{hub_id}/exclusions",
            json!({"Name": "walk-exclusion", "Cidr": "10.101.255.0/24"}),
        ),
        keep: &[("exclusion_id", "/Exclusions/0/Id")],
        reads: &[
            "/exclusions",
            "/hubs/{hub_id}/exclusions",
            "/exclusions/{exclusion_id}",
        ],
        update: (
            "/exclusions/{exclusion_id}",
            json!({"Description": "kept free"}),
        ),
    })
    .await;
    w.turn(Turn {
        create: (
            "/hubs/{hub_id}/vpcs",
            json!({"Name": "walk-vpc", "CidrRangeId": w.id("range_id"), "AccountId": account, "Region": region,
                   "Size": "SMALL", "Type": "FLAT", "CreateInternetGateway": false,
                   "CreateVirtualPrivateGateway": true}),
        ),
        keep: &[("vpc_id", "/Detail/VPC/Id")],
        reads: &["/vpcs", "/hubs/{hub_id}/vpcs", "/vpcs/{vpc_id}"],
        update: ("/vpcs/{vpc_id}", json!({"Description": "walked"})),
    })
    .await;
    w.turn(Turn {
        create: (
            "/hubs/{hub_id}/dnsresolvers",
            json!({"Name": "walk-resolver", "NumberOfInterfaces": 2}),
        ),
        keep: &[("dns_resolver_id", "/Detail/DnsResolver/Id")],
        reads: &[
            "/dnsresolvers",
            "/hubs/{hub_id}/dnsresolvers",
            "/dnsresolvers/{dns_resolver_id}",
        ],
        update: (
            "/dnsresolvers/{dns_resolver_id}",
            json!({"Name": "walk-resolver-2"}),
        ),
    })
    .await;
    w.turn(Turn {
        create: (
            "/dnsresolvers/{dns_resolver_id}/dnsrules",
            json!({"Name": "walk-rule", "DomainName": "corp.example.com", "ForwarderIpAddresses": ["10.0.0.2"]}),
        ),
        keep: &[("dns_rule_id", "/Detail/DnsRule/Id")],
        reads: &["/dnsrules", "/dnsresolvers/{dns_resolver_id}/dnsrules", "/dnsrules/{dns_rule_id}"],
        update: ("/dnsrules/{dns_rule_id}", json!({"ForwarderIpAddresses": ["10.0.0.2", "10.0.0.3"]})),
    })
    .await;

    // Direct Connect: the account's connection, a gateway with a VIF, an association.
    let connections = w.get(&networking_path("/{account_id}/dxconnections")).await;
    w.keep(
        "dx_connection",
        &connections,
        "/DxConnections/0/ConnectionId",
    );
    w.turn(Turn {
        create: (
            "/dxresources",
            json!({
                "Gateway": {"Name": "walk-dxgw", "Asn": 64600, "AccountId": account, "GatewayType": "TRANSIT"},
                "Vif": {"Name": "walk-vif", "AwsConnectionId": w.id("dx_connection"), "Vlan": 101, "Asn": 65010,
                        "RouterIp": "169.254.10.1/30", "AwsRouterIp": "169.254.10.2/30",
                        "BgpAuthKey": "walk-bgp-key", "JumboMtu": false}
            }),
        ),
        keep: &[("dx_gateway_id", "/Detail/DxResource/Gateway/Id"), ("dx_vif_id", "/Detail/DxResource/Vif/Id")],
        reads: &["/dxvifs", "/dxgateways/{dx_gateway_id}/dxvifs", "/dxvifs/{dx_vif_id}", "/dxvifs/{dx_vif_id}/status"],
        update: ("/dxvifs/{dx_vif_id}", json!({"JumboMtu": true})),
    })
    .await;
    let hub_id = w.id("hub_id");
    w.turn(Turn {
        create: (
            "/dxgateways/{dx_gateway_id}/dxassociations",
            json!({"NetworkingHubId": hub_id, "Prefixes": ["10.100.0.0/16"]}),
        ),
        keep: &[("dx_association_id", "/Detail/DxAssociation/Id")],
        reads: &[
            "/dxgateways",
            "/hubs/{hub_id}/dxgateways",
            "/dxgateways/{dx_gateway_id}",
            "/dxassociations",
            "/hubs/{hub_id}/dxassociations",
            "/dxgateways/{dx_gateway_id}/dxassociations",
        ],
        update: (
            "/dxassociations/{dx_association_id}",
            json!({"Prefixes": ["10.100.0.0/16", "10.101.0.0/16"]}),
        ),
    })
    .await;
    let association = networking_path("/dxassociations/{dx_association_id}");
    w.call(("get", &association), &[], "status=ACTIVE", None)
        .await;

    // VPN: a customer gateway and a connection of it to the hub.
    w.turn(Turn {
        create: (
            "/vpncustomergateways",
            json!({"Name": "walk-cgw", "Asn": 65000, "IpAddress": "203.0.113.10", "AccountId": account, "Region": region}),
        ),
        keep: &[("vpn_customer_gateway_id", "/Detail/VpnCustomerGateway/Id")],
        reads: &["/vpncustomergateways", "/vpncustomergateways/{vpn_customer_gateway_id}"],
        update: ("/vpncustomergateways/{vpn_customer_gateway_id}", json!({"Name": "walk-cgw-2"})),
    })
    .await;
    w.turn(Turn {
        create: (
            "/vpncustomergateways/{vpn_customer_gateway_id}/vpnconnection",
            json!({"Name": "walk-vpn", "NetworkingHubId": hub_id, "ImprovedAcceleration": false}),
        ),
        keep: &[("vpn_connection_id", "/Detail/VpnConnection/Id")],
        reads: &[
            "/hubs/{hub_id}/vpncustomergateways",
            "/vpnconnections",
            "/hubs/{hub_id}/vpnconnections",
            "/vpncustomergateways/{vpn_customer_gateway_id}/vpnconnections",
            "/vpnconnections/{vpn_connection_id}",
            "/vpnconnections/{vpn_connection_id}/status",
        ],
        update: (
            "/vpnconnections/{vpn_connection_id}",
            json!({"Name": "walk-vpn-2"}),
        ),
    })
    .await;
    w.turn(Turn {
        create: (
            "/hubs/{networking_hub_id}/hubpeerings",
            json!({"Name": "walk-peering", "HubPeeringTarget": "STAX_RESOURCE", "DestinationNetworkingHubId": w.id("hub_2")}),
        ),
        keep: &[("hub_peering_id", "/Detail/HubPeering/Id")],
        reads: &["/hubpeerings", "/hubs/{networking_hub_id}/hubpeerings", "/hubpeerings/{hub_peering_id}"],
        update: ("/hubpeerings/{hub_peering_id}", json!({"Name": "walk-peering-2"})),
    })
    .await;

    // Prefix lists: one routing the hub to the VPN, one for the VPC.
    let vpc_list = w
        .send(
            "post",
            &networking_path("/hubs/{hub_id}/prefixlists/vpcs"),
            json!({"Name": "walk-vpc-list", "MaxEntries": 5, "Entries": ["192.168.1.0/24"], "VpcIds": [w.id("vpc_id")]}),
        )
        .await;
    w.keep("vpc_list", &vpc_list, "/Detail/PrefixList/Id");
    let vpc_list = w.id("vpc_list");
    w.turn(Turn {
        create: (
            "/hubs/{hub_id}/prefixlists/hubs",
            json!({"Name": "walk-hub-list", "MaxEntries": 5, "Entries": ["192.168.0.0/24"],
                   "TargetType": "VPN", "TargetId": w.id("vpn_connection_id"), "RouteTableTypes": ["FLAT"]}),
        ),
        keep: &[("prefix_list_id", "/Detail/PrefixList/Id")],
        reads: &["/prefixlists", "/hubs/{hub_id}/prefixlists", "/prefixlists/{prefix_list_id}"],
        update: ("/prefixlists/{prefix_list_id}", json!({"Entries": ["192.168.0.0/24", "192.168.2.0/24"]})),
    })
    .await;
    w.send(
        "put",
        &networking_path("/prefixlists/hubs/{prefix_list_id}/associations"),
        json!({"RouteTableTypes": ["FLAT", "ISOLATED"]}),
    )
    .await;
    let vpc_list_param = [("prefix_list_id", vpc_list.as_str())];
    let associations = networking_path("/prefixlists/vpcs/{prefix_list_id}/associations");
    let body = json!({"SubnetTypes": ["PRIVATE"]});
    w.call(("put", &associations), &vpc_list_param, "", Some(body))
        .await;

    // Everything goes again, dependents first (the VPC list, then the hub's).
    let list = networking_path("/prefixlists/{prefix_list_id}");
    w.call(("delete", &list), &vpc_list_param, "", None).await;
    for path in [
        "/prefixlists/{prefix_list_id}",
        "/hubpeerings/{hub_peering_id}",
        "/vpnconnections/{vpn_connection_id}",
        "/vpncustomergateways/{vpn_customer_gateway_id}",
        "/dxassociations/{dx_association_id}",
        "/dxvifs/{dx_vif_id}",
        "/dxgateways/{dx_gateway_id}",
        "/dnsrules/{dns_rule_id}",
        "/dnsresolvers/{dns_resolver_id}",
        "/vpcs/{vpc_id}",
        "/exclusions/{exclusion_id}",
        "/ranges/{range_id}",
    ] {
        w.delete(&networking_path(path)).await;
    }
    let hub_path = networking_path("/hubs/{hub_id}");
    let hub_2 = w.id("hub_2");
    w.call(("delete", &hub_path), &[("hub_id", &hub_2)], "", None)
        .await;
    w.delete(&hub_path).await;
}
