//! `stax permission-sets <Operation>`: the Permission Sets API from the command line.
//!
//! The whole flow against the emulator, each answer checked against Stax's reference document
//! (`$STAX_SHARED_DIR`); dry runs read that document and send nothing; `describe` and
//! completions know the service.

mod common;

#[path = "../../../testsupport/permission_sets_reference.rs"]
mod reference;

use common::Emu;
use serde_json::{Value, json};

const REFERENCE: &str = "reference/stax-permission-sets-20210321.oas3.json";
const SET: &str = "12345678-1234-1234-1234-123456789012";

/// `stax --dry-run` of au1, the Permission Sets document read from the reference file.
fn dry_run(words: &[&str]) -> Option<(bool, Value, String)> {
    let document = common::shared_file(REFERENCE)?;
    let cache = std::env::temp_dir().join(format!("stax-ps-dry-{}", std::process::id()));
    let out = assert_cmd::Command::cargo_bin("stax")
        .unwrap()
        .env_remove("STAX_ENDPOINT")
        .env_remove("STAX_SCHEMA")
        .env("STAX_REGION", "au1")
        .env("STAX_PERMISSION_SETS_SCHEMA", document)
        .env("XDG_CACHE_HOME", cache)
        .arg("--dry-run")
        .args(words)
        .output()
        .unwrap();
    let stdout = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    Some((
        out.status.success(),
        stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    ))
}

#[test]
fn dry_runs_go_to_the_idam_host() {
    let Some((ok, plan, stderr)) = dry_run(&[
        "permission-sets",
        "list-permission-sets",
        "status:=[\"ACTIVE\"]",
        "limit:=10",
    ]) else {
        return;
    };
    assert!(ok, "{stderr}");
    assert_eq!(
        plan,
        json!({
            "method": "GET",
            "url": "https://api.idam.au1.staxapp.cloud/20210321/permission-sets?status=ACTIVE&limit=10",
            "path": "/20210321/permission-sets",
            "query": {"status": "ACTIVE", "limit": "10"},
            "body": null,
        })
    );
}

#[test]
fn an_array_body_from_a_file_is_the_whole_body() {
    let file = std::env::temp_dir().join(format!("stax-ps-assign-{}.json", std::process::id()));
    let assignment = json!([{"GroupId": SET, "AccountTypeId": SET}]);
    std::fs::write(&file, assignment.to_string()).unwrap();
    let at_file = format!("@{}", file.display());
    let Some((ok, plan, stderr)) = dry_run(&[
        "permission-sets",
        "CreatePermissionSetAssignments",
        &format!("permission_set_id={SET}"),
        &at_file,
    ]) else {
        return;
    };
    assert!(ok, "{stderr}");
    assert_eq!(plan["method"], "POST");
    assert_eq!(
        plan["path"],
        format!("/20210321/permission-sets/{SET}/assignments")
    );
    assert_eq!(plan["body"], assignment);
    // The document allows one assignment per call: refused before sending.
    std::fs::write(&file, json!([assignment[0], assignment[0]]).to_string()).unwrap();
    let (ok, _, stderr) = dry_run(&[
        "permission-sets",
        "CreatePermissionSetAssignments",
        &format!("permission_set_id={SET}"),
        &at_file,
    ])
    .unwrap();
    assert!(!ok);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("CreateAssignmentsRequest"), "{stderr}");
    let _ = std::fs::remove_file(&file);
}

#[test]
fn unknown_operations_are_named_with_the_valid_ones() {
    let Some((ok, _, stderr)) = dry_run(&["permission-sets", "ListPermissionSet"]) else {
        return;
    };
    assert!(!ok);
    assert!(
        stderr.contains("Did you mean 'ListPermissionSets'?"),
        "{stderr}"
    );
    assert!(stderr.contains("stax describe permission-sets"), "{stderr}");
}

/// Runs `stax ARGS` against `e`: (success, stdout as JSON or null, stderr).
fn run(e: &Emu, args: &[&str]) -> (bool, Value, String) {
    let out = e
        .stax()
        .args(args)
        .timeout(std::time::Duration::from_secs(300))
        .output()
        .unwrap();
    (
        out.status.success(),
        serde_json::from_slice(&out.stdout).unwrap_or(Value::Null),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs `stax ARGS`, which must succeed; its JSON answer.
fn ok(e: &Emu, args: &[&str]) -> Value {
    let (success, answer, stderr) = run(e, args);
    assert!(success, "stax {}: {stderr}", args.join(" "));
    answer
}

#[test]
fn the_whole_flow_through_the_cli_answers_as_documented() {
    let check = reference::Reference::load(common::shared_file);
    let checked = |operation: &str, status: u16, answer: &Value| {
        if let Some(check) = &check {
            check.check(operation, status, answer);
        }
    };
    let e = Emu::start(300);
    let sets = "permission-sets";

    let listed = ok(&e, &[sets, "ListPermissionSets"]);
    checked("ListPermissionSets", 200, &listed);
    let policies = ok(&e, &[sets, "list-aws-managed-policies"]);
    checked("ListAWSManagedPolicies", 200, &policies);
    let arn = "arn:aws:iam::aws:policy/ReadOnlyAccess";
    assert!(
        policies["AWSManagedPolicies"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["Arn"] == arn)
    );

    let created = ok(
        &e,
        &[
            sets,
            "CreatePermissionSet",
            "Name=CliReaders",
            &format!("AWSManagedPolicies:=[{{\"PolicyArn\": \"{arn}\"}}]"),
        ],
    );
    checked("CreatePermissionSet", 201, &created);
    let id = created["Id"].as_str().unwrap().to_owned();
    let set = format!("permission_set_id={id}");
    checked(
        "GetPermissionSet",
        200,
        &ok(&e, &[sets, "GetPermissionSet", &set]),
    );
    let updated = ok(
        &e,
        &[
            sets,
            "UpdatePermissionSet",
            &set,
            "Description=Read only",
            "MaxSessionDuration:=7200",
        ],
    );
    checked("UpdatePermissionSet", 200, &updated);
    assert_eq!(updated["MaxSessionDuration"], 7200);
    // Listed, across pages of one.
    let all = ok(
        &e,
        &[
            sets,
            "ListPermissionSets",
            "--all-pages",
            "--page-size",
            "1",
        ],
    );
    checked("ListPermissionSets", 200, &all);
    let names: Vec<&str> = all["PermissionSets"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["Name"].as_str())
        .collect();
    assert!(names.contains(&"CliReaders"), "{names:?}");
    assert!(names.len() >= 3, "the seeded sets too: {names:?}");

    // Assigned to a demo group and account type; --wait follows the assignment.
    let group = ok(
        &e,
        &[
            "teams",
            "ReadGroups",
            "--query",
            "Groups[?Name=='Developers'].Id | [0]",
        ],
    );
    let account_type = ok(
        &e,
        &[
            "accounts",
            "ReadAccountTypes",
            "--query",
            "AccountTypes[?Name=='development'].Id | [0]",
        ],
    );
    let file = std::env::temp_dir().join(format!("stax-ps-flow-{}.json", std::process::id()));
    std::fs::write(
        &file,
        json!([{"GroupId": group, "AccountTypeId": account_type}]).to_string(),
    )
    .unwrap();
    let out = e
        .stax()
        .args([sets, "CreatePermissionSetAssignments", &set])
        .arg(format!("@{}", file.display()))
        .arg("--wait")
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&file);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let deployed: Value = serde_json::from_slice(&out.stdout).unwrap();
    checked("CreatePermissionSetAssignments", 200, &deployed);
    assert_eq!(deployed[0]["Status"], "DEPLOYMENT_COMPLETE");
    let progress = String::from_utf8_lossy(&out.stderr);
    assert!(
        progress.contains("DEPLOYMENT_COMPLETE"),
        "progress on stderr: {progress}"
    );
    let assignment = format!("assignment_id={}", deployed[0]["Id"].as_str().unwrap());
    let listed = ok(&e, &[sets, "ListPermissionSetAssignments", &set]);
    checked("ListPermissionSetAssignments", 200, &listed);
    let roles = ok(&e, &[sets, "ListRoles", "--all-pages"]);
    checked("ListRoles", 200, &roles);
    assert!(
        roles["Roles"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["PermissionSetId"] == id.as_str())
    );

    // Redeployed, then deleted, waiting each time.
    let redeployed = ok(
        &e,
        &[
            sets,
            "RedeployPermissionSetAssignment",
            &set,
            &assignment,
            "--wait",
        ],
    );
    checked("RedeployPermissionSetAssignment", 200, &redeployed);
    assert_eq!(redeployed["Status"], "DEPLOYMENT_COMPLETE");
    let (success, _, stderr) = run(&e, &[sets, "DeletePermissionSet", &set]);
    assert!(!success && stderr.contains("live assignment"), "{stderr}");
    let deleted = ok(
        &e,
        &[
            sets,
            "DeletePermissionSetAssignment",
            &set,
            &assignment,
            "--wait",
        ],
    );
    checked("DeletePermissionSetAssignment", 200, &deleted);
    assert_eq!(deleted["Status"], "DELETE_COMPLETE");
    let gone = ok(&e, &[sets, "DeletePermissionSet", &set]);
    checked("DeletePermissionSet", 200, &gone);
    assert_eq!(gone["Status"], "DELETED");

    // An unknown set is a 404: one line naming it, exit 1; the body as documented.
    let out = e
        .stax()
        .args([sets, "GetPermissionSet", &set])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("Api Exception: 404") && stderr.contains(&id),
        "{stderr}"
    );
    let client = staxapp::StaxClient::new(
        staxapp::Config::builder_without_env()
            .emulator_endpoint(&e.endpoint)
            .access_key(&e.access_key)
            .secret_key(e.secret_key.as_str())
            .build()
            .unwrap(),
    )
    .unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let err = runtime
        .block_on(client.call(sets, "GetPermissionSet", json!({"permission_set_id": id})))
        .unwrap_err();
    let staxapp::Error::Api(api) = err else {
        panic!("not an API error")
    };
    assert_eq!(api.status, 404);
    checked("GetPermissionSet", 404, &api.body);
}

#[test]
fn describe_and_completions_know_the_service() {
    let e = Emu::start(100);
    let out = e.stax().arg("describe").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("permission-sets") && l.contains("12 operations")),
        "{text}"
    );
    assert!(text.lines().any(|l| l.starts_with("accounts")), "{text}");
    let out = e
        .stax()
        .args([
            "describe",
            "permission-sets",
            "CreatePermissionSetAssignments",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(
        text.contains("/20210321/permission-sets/{permission_set_id}/assignments"),
        "{text}"
    );
    assert!(text.contains("permission_set_id"), "{text}");
    // Completions read the cached documents (the calls above cached both).
    let complete = |words: &[&str]| {
        let out = e
            .stax()
            .arg("__complete")
            .arg("--")
            .args(words)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert!(complete(&["perm"]).lines().any(|l| l == "permission-sets"));
    let ops = complete(&["permission-sets", "ListP"]);
    assert!(ops.lines().any(|l| l == "ListPermissionSets"), "{ops}");
    assert!(
        ops.lines().any(|l| l == "ListPermissionSetAssignments"),
        "{ops}"
    );
    let args = complete(&["permission-sets", "GetPermissionSet", "perm"]);
    assert!(args.lines().any(|l| l == "permission_set_id="), "{args}");
}
