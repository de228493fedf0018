//! Every operation of both reference documents, called through the typed API against the
//! emulator serving those documents (`--openapi`, once per API).
//!
//! For each operation the test builds the typed request through its setters from JSON
//! arguments (ids of what the emulator holds, learnt from the answers of the list operations,
//! which run first; otherwise values generated from the parameter's schema; a body generated
//! valid against the request schema, with a few facts given by hand where the emulator wants
//! more than the schema says). The networking operations instead follow a plan
//! (`every_operation/networking.rs`): each kind made in the order the others need it, with
//! valid CIDRs and the ids of the right kind, waited for until its task ends (a hub is ACTIVE
//! then), read, changed, and deleted children first. Then:
//!
//! - it is sent with the generated `send()`, on a client whose interceptor keeps the body of
//!   each answer as it came off the wire: the typed output, serialized, must equal that JSON
//!   (which is what the dynamic API returns for it);
//! - a read (GET) is also sent through the dynamic API (`StaxClient::call`) with the
//!   arguments the typed request sends: the typed output, serialized, must equal that
//!   answer too, and that answer decoded into the output type and serialized back must equal
//!   itself. (A change is not sent twice: it would change the emulator twice.)
//!
//! Every operation must be answered with success (so its answer decodes into the success
//! type), and every one of both documents must be called.

#![cfg(not(reference_missing))]

mod common;
#[path = "every_operation/networking.rs"]
mod networking;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Map, Value, json};
use stax_emulator::generic::{self, Direction, Options};
use stax_openapi::{Dialect, Spec};
use staxapp::interceptor::{CallInfo, CallOutcome, HookResult, RequestKind};
use staxapp::schema::{Document, Operation, ParameterLocation};
use staxapp::{Api, Interceptor, StaxClient};
use staxapp_typed_tests::{operations, stax};

/// The operation and the body of an answer.
type Answer = (String, Vec<u8>);

/// Keeps the body of the last answer of an API operation, as it came off the wire.
#[derive(Clone, Default)]
struct Wire(Arc<Mutex<Option<Answer>>>);

impl Interceptor for Wire {
    fn after_call(&self, call: &CallInfo<'_>, outcome: &CallOutcome<'_>) -> HookResult {
        if matches!(call.kind, RequestKind::Api(_))
            && let Ok(response) = outcome.result
        {
            *self.0.lock().unwrap() = Some((call.operation.to_owned(), response.body.clone()));
        }
        Ok(())
    }
}

impl Wire {
    /// The JSON of the last answer of `operation`, taken.
    fn take(&self, operation: &str) -> Option<Value> {
        let (seen, body) = self.0.lock().unwrap().take()?;
        (seen == operation).then(|| serde_json::from_slice(&body).unwrap_or(Value::Null))
    }
}

/// `account_id` -> `AccountId`.
fn pascal(name: &str) -> String {
    name.split(['_', '-'])
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// `Policies` -> `Policy`, `Accounts` -> `Account`.
fn singular(plural: &str) -> String {
    if let Some(stem) = plural.strip_suffix("ies") {
        format!("{stem}y")
    } else {
        plural.strip_suffix('s').unwrap_or(plural).to_owned()
    }
}

/// What the walk has learnt: ids and names by field (`AccountId`, `TaskId`, `AccessKey`).
#[derive(Default)]
struct Known {
    seen: BTreeMap<String, String>,
    /// From answers of creations (the latest wins): what changes and deletions go to.
    created: BTreeMap<String, String>,
    /// Every id seen, by field, in order.
    all: BTreeMap<String, Vec<String>>,
    /// The API token the walk signs with, which it must not change.
    own_key: String,
}

impl Known {
    fn harvest(&mut self, value: &Value, under: Option<&str>, created: bool) {
        match value {
            Value::Object(map) => {
                let mut found = Vec::new();
                let protected = map.get("Role") == Some(&json!("customer_admin"))
                    || map.get("OrganisationalUnitType") == Some(&json!("ROOT"))
                    || map.get("ParentOrganisationalUnitId") == Some(&Value::Null);
                for (key, v) in map {
                    let Some(s) = v.as_str().filter(|s| !s.is_empty() && *s != self.own_key) else {
                        continue;
                    };
                    if key == "TaskId" || key == "AccessKey" {
                        found.push((key.clone(), s.to_owned()));
                    }
                    // A permission set assignment (also at the top of an answer).
                    if key == "Id" && map.contains_key("PermissionSetId") {
                        found.push(("AssignmentId".into(), s.to_owned()));
                    }
                    if let Some(kind) = under.filter(|_| !protected) {
                        let kind = singular(kind);
                        if key == "Id" {
                            found.push((format!("{kind}Id"), s.to_owned()));
                            if kind.ends_with("CatalogueItem") {
                                found.push(("CatalogueId".into(), s.to_owned()));
                            }
                        }
                        if key == "Name" {
                            found.push((format!("{kind}Name"), s.to_owned()));
                        }
                    }
                }
                for (k, v) in found {
                    self.all.entry(k.clone()).or_default().push(v.clone());
                    if created {
                        self.created.insert(k.clone(), v.clone());
                    }
                    self.seen.entry(k).or_insert(v);
                }
                for (k, v) in map {
                    self.harvest(v, Some(k), created);
                }
            }
            Value::Array(items) => items.iter().for_each(|v| self.harvest(v, under, created)),
            _ => {}
        }
    }
}

struct Call {
    service: String,
    operation: String,
    read: bool,
    /// The path parameters of the variant called.
    path_params: Vec<String>,
    op: Operation,
    document: Document,
}

/// An AWS account of the emulator's seed that Stax does not govern until it is discovered.
const DISCOVERABLE: &str = "310000000001";

/// Operations the emulator refuses to API tokens, as Stax documents (a 403): `ListMyRoles`
/// answers for people. Their answer type is checked against the answer of the operation that
/// shares their schema.
const REFUSED_TO_TOKENS: [(&str, &str); 1] =
    [("permission-sets.ListMyRoles", "permission-sets.ListRoles")];

/// Reads first (lists before reads of one item), then changes, then task reads, then
/// deletions; last, the operations refused to API tokens.
fn phase(call: &Call) -> u8 {
    let label = format!("{}.{}", call.service, call.operation);
    if REFUSED_TO_TOKENS
        .iter()
        .any(|(refused, _)| *refused == label)
    {
        return 6;
    }
    match (call.read, call.path_params.is_empty()) {
        _ if call.path_params.iter().any(|p| p == "task_id") => 4,
        (true, true) => 0,
        (true, false) => 1,
        (false, _)
            if call
                .op
                .variants
                .iter()
                .any(|v| v.method == http::Method::DELETE) =>
        {
            5
        }
        (false, _) => 3,
    }
}

/// Facts the emulator's rules want beyond what the schemas say, by operation.
async fn adjust(
    service: &str,
    operation: &str,
    args: &mut Map<String, Value>,
    known: &Known,
    client: &StaxClient,
) {
    let seen = |key: &str| known.seen.get(key).cloned().map(Value::String);
    match (service, operation) {
        ("organisations", "CreatePolicy") | ("organisations", "UpdatePolicy") => {
            let policy = json!({"Version": "2012-10-17", "Statement": [
                {"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"}
            ]});
            args.insert("Policy".into(), policy.to_string().into());
        }
        // Exactly one target.
        ("policies", "AttachPolicy") => {
            args.remove("OrganisationalUnitId");
            if let Some(account) = seen("AccountId") {
                args.insert("AccountId".into(), account);
            }
        }
        ("workloads", "CreateCatalogueItem") | ("workloads", "CreateCatalogueVersion") => {
            args.remove("ManifestURL");
            let manifest = "Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n";
            args.insert("ManifestBody".into(), manifest.into());
        }
        // Under an organisational unit that exists (not the root, which the walk keeps out).
        ("organisations", "CreateOrganisationalUnit") => {
            if let Some(parent) = seen("OrganisationalUnitId") {
                args.insert("ParentOrganisationalUnitId".into(), parent);
            }
        }
        // An account nothing else uses: the last one listed.
        ("accounts", "CloseAccount") => {
            if let Some(last) = known.all.get("AccountId").and_then(|ids| ids.last()) {
                args.insert("Id".into(), last.clone().into());
            }
        }
        // A type of the seed, so that the type the walk created stays empty (to be deleted).
        ("accounts", "UpdateAccountTypeMembers") => {
            if let (Some(account), Some(kind)) = (seen("AccountId"), seen("AccountTypeId")) {
                args.insert(
                    "Members".into(),
                    json!([{"AccountId": account, "AccountTypeId": kind}]),
                );
            }
        }
        // A change of the set redeploys its assignments: let them settle first.
        ("permission-sets", "DeletePermissionSetAssignment") => {
            if let (Some(Value::String(set)), Some(Value::String(id))) =
                (args.get("permission_set_id"), args.get("assignment_id"))
            {
                let options = staxapp::assignments::AssignmentWaitOptions::default()
                    .initial_interval(Duration::from_millis(10));
                let goal = staxapp::assignments::AssignmentGoal::Deployed;
                let _ = client.wait_for_assignment(set, id, goal, options).await;
            }
        }
        // An account of the AWS organisation that Stax did not make (the seed has it).
        ("accounts", "DiscoverAccounts") => {
            args.insert("aws_account_id".into(), DISCOVERABLE.into());
        }
        // That account, once discovered (the discovery's task has ended), given a type.
        ("accounts", "OnboardAccount") => {
            args.insert("AwsAccountId".into(), DISCOVERABLE.into());
            if let Some(kind) = seen("AccountTypeName") {
                args.insert("AccountType".into(), kind);
            }
        }
        // A service's configuration changed to what it is (GuardDuty and Security Hub cannot
        // be disabled once enabled, regions are listed once).
        ("services", configure) if configure.starts_with("Configure") => {
            let read = format!("Read{}Configuration", &configure["Configure".len()..]);
            if let Ok(now) = client.call("services", &read, ()).await {
                args.insert("Configuration".into(), now["Configuration"].clone());
                if args.contains_key("Enabled")
                    && let Some(enabled) = now.get("Enabled")
                {
                    args.insert("Enabled".into(), enabled.clone());
                }
            }
        }
        // A user with an invitation: one the walk created (its answer names no id).
        ("teams", "UpdateUserInvite") => {
            let users = client
                .call("teams", "ReadUsers", ())
                .await
                .unwrap_or_default();
            let invited = users["Users"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|u| matches!(u["Status"].as_str(), Some("INVITED" | "NEW")));
            if let Some(id) = invited.and_then(|u| u["Id"].as_str()) {
                args.insert("user_id".into(), id.into());
            }
        }
        _ => {}
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_of_both_documents_through_the_typed_api() {
    let [core, sets] = <[_; 2]>::try_from(common::documents()).unwrap();
    let emu = common::emulator(Duration::from_millis(20)).await;
    let client = StaxClient::new(common::config(&emu, "every-operation")).unwrap();
    let wire = Wire::default();
    let typed = stax::Client::new(client.with_interceptor(wire.clone()));
    let specs: BTreeMap<Api, Spec> = [(Api::CORE, &core), (Api::PERMISSION_SETS, &sets)]
        .into_iter()
        .map(|(api, path)| {
            let doc: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
            (api, Spec::new(doc, Dialect::openapi30()))
        })
        .collect();

    let mut calls = Vec::new();
    for (service, operation) in operations::OPERATIONS {
        let document = (*client.document_for(service).await.unwrap()).clone();
        let op = document.operation(service, operation).unwrap().clone();
        let read = op.variants.iter().all(|v| v.method == http::Method::GET);
        // Lists are read at their variant without path parameters; the rest at the variant
        // with the most (routing picks it when all are given).
        let variant = if read && op.variants[0].path_params.is_empty() {
            &op.variants[0]
        } else {
            op.variants.last().unwrap()
        };
        calls.push(Call {
            service: service.to_string(),
            operation: operation.to_string(),
            read,
            path_params: variant.path_params.clone(),
            op,
            document,
        });
    }
    // Deletions of what lives under another thing (an assignment under its set) come first.
    calls.sort_by_key(|c| {
        (
            phase(c),
            if phase(c) == 5 {
                usize::MAX - c.path_params.len()
            } else {
                0
            },
        )
    });

    let mut known = Known {
        own_key: emu.access_key().to_owned(),
        ..Known::default()
    };
    // The networking operations go in the order and with the arguments of their plan, after
    // the other reads and before the other changes (while every account is open).
    let plan = networking::plan();
    let mut steps: Vec<(&Call, Option<&networking::Step>)> = Vec::new();
    for call in calls.iter().filter(|c| c.service != "networking") {
        if phase(call) >= 3 && !steps.iter().any(|(_, step)| step.is_some()) {
            for step in &plan {
                match calls
                    .iter()
                    .find(|c| c.service == "networking" && c.operation == step.operation)
                {
                    Some(call) => steps.push((call, Some(step))),
                    None => panic!("networking.{} is not an operation", step.operation),
                }
            }
        }
        steps.push((call, None));
    }
    let mut kept = networking::Kept::default();
    let mut failures = Vec::new();
    let mut called = BTreeSet::new();
    let mut answers: BTreeMap<String, Value> = BTreeMap::new();
    for (n, (call, step)) in steps.into_iter().enumerate() {
        let label = format!("{}.{}", call.service, call.operation);
        if step.is_some() && !kept.0.contains_key("account_id") {
            // An ACTIVE account (only those have a Direct Connect connection).
            let accounts = client
                .call("accounts", "ReadAccounts", json!({"filter": "ACTIVE"}))
                .await
                .unwrap_or_default();
            if let Some(id) = accounts.pointer("/Accounts/0/Id").and_then(Value::as_str) {
                kept.0.insert("account_id".into(), id.to_owned());
            }
        }
        let api = client.config().api_for(&call.service);
        let spec = &specs[&api];
        let mut args = Map::new();
        let mut body = None;
        if let Some(step) = step {
            match kept.fill(&step.args) {
                Ok(filled) => args = filled,
                Err(e) => {
                    failures.push(format!("{label}: {e}"));
                    continue;
                }
            }
        } else {
            for name in &call.path_params {
                let key = pascal(name);
                let value = if name == "task_id" {
                    known
                        .created
                        .get("TaskId")
                        .or(known.seen.get("TaskId"))
                        .cloned()
                } else if !call.read {
                    known.created.get(&key).or(known.seen.get(&key)).cloned()
                } else {
                    known.seen.get(&key).cloned()
                };
                let value = value.unwrap_or_else(|| {
                    let schema = call
                        .op
                        .parameters()
                        .into_iter()
                        .find(|p| &p.name == name)
                        .and_then(|p| p.schema)
                        .unwrap_or_else(|| json!({"type": "string"}));
                    match generic::generate(&schema, spec) {
                        Value::String(s) if !s.is_empty() => s,
                        _ => "x".to_owned(),
                    }
                });
                args.insert(name.clone(), Value::String(value));
            }
            for param in call.op.parameters() {
                if param.location == ParameterLocation::Query && param.required {
                    let schema = param.schema.unwrap_or_else(|| json!({"type": "string"}));
                    args.insert(param.name.clone(), generic::generate(&schema, spec));
                }
            }
            if let Some(schema) = request_schema(&call.document, &call.op) {
                let mut hints = Map::new();
                for (k, v) in known.created.iter().chain(&known.seen) {
                    if k != "TaskId" {
                        hints.entry(k.clone()).or_insert_with(|| v.clone().into());
                    }
                }
                hints.insert("Name".into(), json!(format!("typed{n}")));
                let value = generic::generate_with(
                    &schema,
                    spec,
                    &Options {
                        direction: Direction::Request,
                        hints,
                        seed: n as u64,
                    },
                );
                match value {
                    Value::Object(fields) => args.extend(fields),
                    other => body = Some(other),
                }
            }
            adjust(&call.service, &call.operation, &mut args, &known, &client).await;
        }
        let prepared =
            match operations::prepare(&typed, &call.service, &call.operation, &args, body.as_ref())
            {
                Ok(prepared) => prepared,
                Err(e) => {
                    failures.push(format!("{label}: the typed request cannot be built: {e}"));
                    continue;
                }
            };
        called.insert(label.clone());
        let refused = REFUSED_TO_TOKENS
            .iter()
            .find(|(refused, _)| *refused == label);
        let outcome = if let Some((_, twin)) = refused {
            // The same documented refusal through both APIs, and the answer type reads the
            // answer of its twin.
            let typed_answer = prepared.send.await;
            let dynamic = client
                .call(&call.service, &call.operation, prepared.args.clone())
                .await;
            match (typed_answer, dynamic, answers.get(*twin)) {
                (Err(t), Err(d), Some(twin_answer))
                    if t.status() == Some(403) && t.to_string() == d.to_string() =>
                {
                    match (prepared.round_trip)(twin_answer.clone()) {
                        Ok(back) if back == *twin_answer => Ok(back),
                        other => Err(format!("{twin}'s answer does not round-trip: {other:?}")),
                    }
                }
                (t, d, _) => Err(format!(
                    "expected the documented 403 from both: typed {t:?}, dynamic {d:?}"
                )),
            }
        } else {
            let typed_answer = prepared.send.await;
            let received = wire.take(&label);
            match (typed_answer, received) {
                (Ok(typed_answer), Some(received)) => {
                    let mut problems = Vec::new();
                    if typed_answer != received {
                        problems.push(format!(
                            "the typed output, serialized, differs from the answer received:\n  typed    {typed_answer}\n  received {received}"
                        ));
                    }
                    if call.read {
                        match client
                            .call(&call.service, &call.operation, prepared.args.clone())
                            .await
                        {
                            Ok(dynamic) => {
                                if typed_answer != dynamic {
                                    problems.push(format!(
                                        "the typed output, serialized, differs from the dynamic answer:\n  typed   {typed_answer}\n  dynamic {dynamic}"
                                    ));
                                }
                                match (prepared.round_trip)(dynamic.clone()) {
                                    Ok(back) if back == dynamic => {}
                                    Ok(back) => problems.push(format!(
                                        "decoding the dynamic answer and serializing it back changes it:\n  {dynamic}\n  {back}"
                                    )),
                                    Err(e) => problems
                                        .push(format!("the dynamic answer does not decode: {e}")),
                                }
                            }
                            Err(e) => problems.push(format!("the dynamic call failed: {e}")),
                        }
                    }
                    if problems.is_empty() {
                        Ok(typed_answer)
                    } else {
                        Err(problems.join("; "))
                    }
                }
                (Ok(_), None) => Err("the interceptor saw no answer".to_owned()),
                (Err(e), _) => Err(e.to_string()),
            }
        };
        match outcome {
            Ok(answer) => {
                answers.insert(label.clone(), answer.clone());
                let created = call
                    .op
                    .variants
                    .iter()
                    .any(|v| v.method == http::Method::POST);
                known.harvest(&answer, None, created);
                if let (true, Some(noun), Some(id)) = (
                    call.operation.starts_with("Create"),
                    call.operation.strip_prefix("Create"),
                    answer.get("Id").and_then(Value::as_str),
                ) {
                    known.created.insert(format!("{noun}Id"), id.to_owned());
                }
                if let Some(step) = step {
                    if let Err(e) = kept.keep(step, &answer) {
                        failures.push(format!("{label}: {e}"));
                    }
                    // What a change makes or changes is usable (a hub ACTIVE) once the task
                    // it names has ended; the ranges and exclusions are made at once.
                    if !call.read && staxapp::tasks::task_id_of(&answer).is_some() {
                        let options = staxapp::tasks::WaitOptions::new()
                            .initial_interval(Duration::from_millis(10))
                            .timeout(Duration::from_secs(30));
                        if let Err(e) = client.wait_for_response(&answer, options).await {
                            failures.push(format!("{label}: waiting for its task: {e}"));
                        }
                    }
                }
                // The accounts a discovery finds exist once its task has ended.
                if label == "accounts.DiscoverAccounts" {
                    let options = staxapp::tasks::WaitOptions::new()
                        .initial_interval(Duration::from_millis(10))
                        .timeout(Duration::from_secs(30));
                    if let Err(e) = client.wait_for_response(&answer, options).await {
                        failures.push(format!("{label}: waiting for its task: {e}"));
                    }
                }
                // An assignment must settle before it is redeployed, and be gone before its
                // set is deleted.
                if !call.read
                    && (call.operation.ends_with("PermissionSetAssignment")
                        || call.operation.ends_with("PermissionSetAssignments"))
                {
                    let options = staxapp::assignments::AssignmentWaitOptions::default()
                        .initial_interval(Duration::from_millis(10));
                    if let Err(e) = client.wait_for_assignments(&answer, options).await {
                        failures.push(format!("{label}: waiting for the deletion: {e}"));
                    }
                }
                println!("ok   {label}");
            }
            Err(e) => {
                println!("FAIL {label} {}", Value::Object(args.clone()));
                failures.push(format!("{label} with {}: {e}", Value::Object(args)));
            }
        }
    }
    let all: BTreeSet<String> = operations::OPERATIONS
        .iter()
        .map(|(s, o)| format!("{s}.{o}"))
        .collect();
    let missed: Vec<&String> = all.difference(&called).collect();
    println!(
        "{} operations, {} called, {} failed",
        all.len(),
        called.len(),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {} operations failed:\n{}",
        failures.len(),
        all.len(),
        failures.join("\n")
    );
    assert!(missed.is_empty(), "not called: {missed:?}");
    // Both documents, whole: the core document's 138 operations and the 13 of permission sets.
    let per_api = |api: Api| {
        all.iter()
            .filter(|id| client.config().api_for(id.split('.').next().unwrap()) == api)
            .count()
    };
    for api in [Api::CORE, Api::PERMISSION_SETS] {
        let expected = specs[&api].raw()["paths"]
            .as_object()
            .unwrap()
            .values()
            .flat_map(|item| item.as_object().unwrap().values())
            .filter_map(|op| {
                op.get("x-stax-sdk-operation-id")
                    .or_else(|| op.get("operationId"))
                    .and_then(Value::as_str)
            })
            .collect::<BTreeSet<_>>()
            .len();
        assert_eq!(per_api(api), expected, "every operation of the {api}");
    }
    emu.shutdown().await;
}

/// The request body schema of the first variant that sends one.
fn request_schema(document: &Document, op: &Operation) -> Option<Value> {
    op.variants.iter().filter(|v| v.has_body()).find_map(|v| {
        document
            .raw()
            .pointer(&format!(
                "{}/requestBody/content/application~1json/schema",
                v.pointer
            ))
            .cloned()
    })
}
