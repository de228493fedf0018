//! Organisations never see each other: with two organisations (both seeded with the demo
//! estate), every list and get operation of both APIs, walked from Stax's reference
//! documents, answered to organisation B's token names none of A's resources, and each of
//! A's ids is a 404 for B exactly as an unknown id is. The changes (PUT, POST, DELETE with a
//! path parameter) are walked the same way, and A's state is the same afterwards. Cognito's
//! identity ids too.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::{Client, Creds, shared_file};
use serde_json::{Value, json};

/// What a path segment keeps as it is: letters, digits and `-_.~`.
const UNRESERVED_KEPT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// An operation of a reference document: method, full path template, id.
#[derive(Clone, Debug)]
struct Op {
    method: String,
    path: String,
    id: String,
}

impl Op {
    /// Its path parameters, in order.
    fn params(&self) -> Vec<String> {
        self.path
            .split('/')
            .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(str::to_owned)
            .collect()
    }

    /// The path with `values` for its parameters.
    fn with(&self, values: &[String]) -> String {
        let mut values = values.iter();
        self.path
            .split('/')
            .map(|s| {
                if s.starts_with('{') {
                    let value = values.next().cloned().unwrap_or_default();
                    percent_encoding::utf8_percent_encode(&value, UNRESERVED_KEPT).to_string()
                } else {
                    s.to_owned()
                }
            })
            .collect::<Vec<_>>()
            .join("/")
    }

    /// Its path with every parameter written `{}`, to compare templates.
    fn shape(&self) -> String {
        shape(&self.method, &self.path)
    }
}

fn shape(method: &str, path: &str) -> String {
    let path: Vec<&str> = path
        .split('/')
        .map(|s| if s.starts_with('{') { "{}" } else { s })
        .collect();
    format!("{} {}", method.to_ascii_uppercase(), path.join("/"))
}

/// Every operation of a document, with the paths as a client sends them.
fn operations(document: &Value) -> Vec<Op> {
    let server = document["servers"][0]["url"].as_str().unwrap_or("");
    let prefix = server
        .rsplit('/')
        .next()
        .filter(|v| v.len() == 8 && v.bytes().all(|b| b.is_ascii_digit()))
        .map(|v| format!("/{v}"))
        .filter(|_| {
            // The core document writes the version in its paths already.
            !document["paths"]
                .as_object()
                .is_some_and(|p| p.keys().all(|k| k.starts_with("/2019")))
        })
        .unwrap_or_default();
    let mut ops = Vec::new();
    for (path, item) in document["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("an item") {
            let id = op["x-stax-sdk-operation-id"]
                .as_str()
                .or(op["operationId"].as_str())
                .unwrap_or(method)
                .to_owned();
            ops.push(Op {
                method: method.to_ascii_uppercase(),
                path: format!("{prefix}{path}"),
                id,
            });
        }
    }
    ops
}

/// One of A's records: its kind, its id and its fields.
struct Record {
    kind: String,
    id: String,
    fields: Value,
}

/// Everything of organisation `org` in a state document: its records (tasks as records of the
/// kind `task`, Cognito users as `cognito_user`) and every id it holds.
fn records_of(state: &Value, org: &str) -> (Vec<Record>, BTreeSet<String>) {
    let organisation = state["organisations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == org)
        .expect("the organisation is in the state");
    let mut records = Vec::new();
    for (kind, list) in organisation["resources"].as_object().unwrap() {
        for (id, fields) in list.as_object().unwrap() {
            records.push(Record {
                kind: kind.clone(),
                id: id.clone(),
                fields: fields.clone(),
            });
        }
    }
    for task in organisation["tasks"].as_array().unwrap() {
        records.push(Record {
            kind: "task".into(),
            id: task["id"].as_str().unwrap().to_owned(),
            fields: json!({}),
        });
    }
    let mut ids: BTreeSet<String> = records.iter().map(|r| r.id.clone()).collect();
    ids.insert(org.to_owned());
    for user in organisation["cognito_users"].as_array().unwrap() {
        ids.insert(user["username"].as_str().unwrap().to_owned());
        if let Some(identity) = user["identity_id"].as_str() {
            ids.insert(identity.to_owned());
        }
    }
    (records, ids)
}

/// The values a record gives an operation's parameters: a field of the same name
/// (`catalogue_id` <- `CatalogueId`), else its own id for the first id parameter left, else a
/// word (a template's `name`).
fn values_from(record: &Record, params: &[String]) -> Vec<String> {
    let norm = |s: &str| s.replace('_', "").to_ascii_lowercase();
    let mut own_id_used = false;
    let mut values: Vec<Option<String>> = params
        .iter()
        .map(|p| {
            record.fields.as_object().and_then(|f| {
                f.iter()
                    .find(|(name, v)| norm(name) == norm(p) && v.is_string())
                    .map(|(_, v)| v.as_str().unwrap().to_owned())
            })
        })
        .collect();
    // The record's own id goes to the last parameter no field filled (a path names the
    // record it reads last: /workload-catalogue/{catalogue_id}/{version_id}).
    for (i, p) in params.iter().enumerate().rev() {
        if values[i].is_none() && !own_id_used && (p.ends_with("id") || p == "access_key") {
            values[i] = Some(record.id.clone());
            own_id_used = true;
        }
    }
    values
        .into_iter()
        .map(|v| v.unwrap_or_else(|| "example".to_owned()))
        .collect()
}

/// The text of an answer with `id` written as `<id>` (an unknown id's 404 repeats it).
fn without(body: &Value, ids: &[String]) -> String {
    ids.iter().fold(body.to_string(), |text, id| {
        text.replace(id.as_str(), "<id>")
    })
}

/// A fresh id no organisation has, shaped as `like` is (a UUID, or 12 digits).
fn unknown_like(like: &str) -> String {
    if like.len() == 36 && like.matches('-').count() == 4 {
        uuid_like()
    } else if !like.is_empty() && like.bytes().all(|b| b.is_ascii_digit()) {
        "9".repeat(like.len())
    } else {
        format!("{like}-nowhere")
    }
}

fn uuid_like() -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let hex = format!("{:032x}", nanos ^ 0x5a5a_1234_9876_abcd_ef01_2345_6789_0abc);
    format!(
        "{}-{}-4{}-8{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[13..16],
        &hex[17..20],
        &hex[20..32]
    )
}

struct Walk<'a> {
    client: &'a Client,
    b: &'a Creds,
    a_ids: &'a BTreeSet<String>,
}

impl Walk<'_> {
    /// Fails when `body` names one of A's ids.
    fn names_none_of_a(&self, what: &str, body: &Value) {
        let text = body.to_string();
        let leaked: Vec<&String> = self
            .a_ids
            .iter()
            .filter(|id| text.contains(id.as_str()))
            .collect();
        assert!(
            leaked.is_empty(),
            "{what} answered organisation B with A's ids {leaked:?}: {text}"
        );
    }

    /// B's call of `op` with A's `values` answers as B's call with unknown ids does (404 for
    /// a read), and never names A's ids beyond those it was given.
    async fn as_unknown(&self, op: &Op, values: &[String]) -> u16 {
        let unknown: Vec<String> = values.iter().map(|v| unknown_like(v)).collect();
        let body = (op.method != "GET" && op.method != "DELETE").then(|| json!({}));
        let (status, answer) = self
            .client
            .call(self.b, &op.method, &op.with(values), body.clone())
            .await;
        let (status_unknown, answer_unknown) = self
            .client
            .call(self.b, &op.method, &op.with(&unknown), body)
            .await;
        assert_eq!(
            (status, without(&answer, values)),
            (status_unknown, without(&answer_unknown, &unknown)),
            "{} {} with A's ids answers B otherwise than with unknown ids",
            op.id,
            op.with(values)
        );
        if op.method == "GET" {
            self.names_none_of_a(&op.id, &json!(without(&answer, values)));
        } else {
            assert!(
                !(200..300).contains(&status),
                "{} {} changed A's record for B: {status} {answer}",
                op.id,
                op.with(values)
            );
        }
        status
    }
}

#[tokio::test]
async fn organisations_never_see_each_others_resources() {
    let (Some(core), Some(sets)) = (
        shared_file("reference/stax-core-20190206.oas3.json"),
        shared_file("reference/stax-permission-sets-20210321.oas3.json"),
    ) else {
        return;
    };
    let mut ops = Vec::new();
    for path in [core, sets] {
        let document: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
        ops.extend(operations(&document));
    }
    assert!(ops.len() > 170, "{} operations", ops.len());

    let (emu, client, a) = common::setup(0).await;
    let (status, org_b) = client
        .admin("POST", "organisations", Some(json!({"seed": "demo"})))
        .await;
    assert_eq!(status, 200, "{org_b}");
    let b = client
        .login(
            org_b["access_key"].as_str().unwrap(),
            org_b["secret_key"].as_str().unwrap(),
        )
        .await;
    let (_, state) = client.admin("GET", "state", None).await;
    let org_a = state["organisations"][0]["id"].as_str().unwrap().to_owned();
    let (records, a_ids) = records_of(&state, &org_a);
    let walk = Walk {
        client: &client,
        b: &b,
        a_ids: &a_ids,
    };

    // What the emulator answers (its own documents), by template shape.
    let mut served = BTreeSet::new();
    for (version, document) in [("20190206", "oas3-document"), ("20210321", "api-document")] {
        let doc = common::public(&client, &format!("/{version}/public/{document}")).await;
        for op in operations(&doc) {
            served.insert(op.shape());
        }
    }

    let mut report: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut not_404 = BTreeSet::new();
    // Which kinds of A's records answered A for a parameter name, for the changes below.
    let mut kinds_of_param: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let reads: Vec<&Op> = ops.iter().filter(|op| op.method == "GET").collect();
    for op in &reads {
        if op.path.contains("/public/") {
            report
                .entry("public (no caller, no organisation)")
                .or_default()
                .push(op.id.clone());
            continue;
        }
        if !served.contains(&op.shape()) {
            report
                .entry("not answered by the emulator")
                .or_default()
                .push(format!("{} {}", op.id, op.path));
            continue;
        }
        let params = op.params();
        if params.is_empty() {
            let (status, answer) = client.call(&b, "GET", &op.path, None).await;
            // ListMyRoles is for people: an API token gets its documented 403.
            assert!(
                status == 200 || status == 403,
                "{} for B: {status} {answer}",
                op.id
            );
            walk.names_none_of_a(&op.id, &answer);
            report
                .entry("lists walked")
                .or_default()
                .push(op.id.clone());
            continue;
        }
        // Which kinds of A's records the operation reads (the first record of each kind
        // tells), then every record of those kinds: 200 for A, as unknown (404) for B.
        let mut covered = 0;
        let kinds: BTreeSet<&str> = records.iter().map(|r| r.kind.as_str()).collect();
        for kind in kinds {
            // A few records of the kind (the first may be one A deleted).
            // A record fits when A reads it, and reads something else than for an unknown id
            // (a list under a record answers an unknown one with an empty list).
            let mut fits = false;
            for record in records.iter().filter(|r| r.kind == kind).take(3) {
                let values = values_from(record, &params);
                let unknown: Vec<String> = values.iter().map(|v| unknown_like(v)).collect();
                let (status, answer) = client.call(&a, "GET", &op.with(&values), None).await;
                let (_, for_unknown) = client.call(&a, "GET", &op.with(&unknown), None).await;
                fits |=
                    status == 200 && without(&answer, &values) != without(&for_unknown, &unknown);
            }
            if !fits {
                continue;
            }
            let record = records.iter().find(|r| r.kind == kind).unwrap();
            for param in &params {
                kinds_of_param
                    .entry(param.clone())
                    .or_default()
                    .insert(record.kind.clone());
            }
            for same in records.iter().filter(|r| r.kind == record.kind) {
                let values = values_from(same, &params);
                let (status, _) = client.call(&a, "GET", &op.with(&values), None).await;
                if status != 200 {
                    continue; // A's own gone records, or a field that names nothing
                }
                if walk.as_unknown(op, &values).await != 404 {
                    // As for an unknown id: a list under a record the document gives no 404
                    // for (ListPermissionSetAssignments answers an empty list).
                    not_404.insert(op.id.clone());
                }
                covered += 1;
            }
        }
        if covered == 0 {
            report
                .entry("answered, but A has no record it reads")
                .or_default()
                .push(format!("{} {}", op.id, op.path));
        } else {
            report
                .entry("gets walked")
                .or_default()
                .push(format!("{} ({covered} of A's ids)", op.id));
        }
    }

    // The changes named by a path parameter: A's ids answer B as unknown ones, and A's state
    // is as it was.
    let before = state["organisations"][0].clone();
    for op in ops
        .iter()
        .filter(|op| op.method != "GET" && !op.params().is_empty())
    {
        if !served.contains(&op.shape()) {
            continue;
        }
        let params = op.params();
        let kinds: BTreeSet<String> = params
            .iter()
            .filter_map(|p| kinds_of_param.get(p))
            .flatten()
            .cloned()
            .collect();
        let mut tried = 0;
        for record in records.iter().filter(|r| kinds.contains(&r.kind)) {
            walk.as_unknown(op, &values_from(record, &params)).await;
            tried += 1;
        }
        report
            .entry(if tried > 0 {
                "changes walked"
            } else {
                "changes without a record of A to name"
            })
            .or_default()
            .push(op.id.clone());
    }
    let (_, after) = client.admin("GET", "state", None).await;
    let after = after["organisations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == org_a.as_str())
        .unwrap()
        .clone();
    // B's sign-in gave B's user an identity; nothing of A's changed.
    assert_eq!(
        after["resources"], before["resources"],
        "A's records changed"
    );
    assert_eq!(after["tasks"], before["tasks"], "A's tasks changed");

    // Cognito: A's identity id is unknown to B, as a made-up one is.
    let a_identity = state["organisations"][0]["cognito_users"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|u| u["identity_id"].as_str())
        .expect("A signed in, so its user has an identity")
        .to_owned();
    let b_token = client
        .sign_in(
            org_b["access_key"].as_str().unwrap(),
            org_b["secret_key"].as_str().unwrap(),
        )
        .await
        .unwrap();
    let pool = client.auth("identityPoolId");
    let region = client.auth("region");
    let ask = |identity: String| {
        client.cognito(
            "AWSCognitoIdentityService.GetCredentialsForIdentity",
            json!({"IdentityId": identity, "Logins": client.logins(&b_token)}),
        )
    };
    let theirs = ask(a_identity.clone()).await.unwrap_err();
    let made_up = ask(format!("{region}:{}", uuid_like())).await.unwrap_err();
    assert_eq!(theirs.0, "ResourceNotFoundException");
    assert_eq!(theirs.0, made_up.0);
    let own = client
        .cognito(
            "AWSCognitoIdentityService.GetId",
            json!({"IdentityPoolId": pool, "Logins": client.logins(&b_token)}),
        )
        .await
        .unwrap();
    assert_ne!(own["IdentityId"], a_identity.as_str());

    report
        .entry("gets answering B as for an unknown id, without a 404")
        .or_default()
        .extend(not_404.iter().cloned());
    assert!(
        not_404
            .iter()
            .all(|id| id == "ListPermissionSetAssignments"),
        "reads whose unknown ids are not 404: {not_404:?}"
    );
    for (what, ops) in &report {
        println!("{what} ({}):", ops.len());
        for op in ops {
            println!("  {op}");
        }
    }
    // Every list and get the emulator answers was walked (the others are listed above).
    assert!(report["lists walked"].len() >= 17, "{report:?}");
    assert!(report["gets walked"].len() >= 19, "{report:?}");
    assert!(
        !report.contains_key("answered, but A has no record it reads"),
        "give organisation A records for these, so that the walk covers them: {report:?}"
    );
    emu.shutdown().await;
}
