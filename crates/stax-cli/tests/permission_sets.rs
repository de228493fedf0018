//! `stax permission-sets <Operation>`: the Permission Sets API from the command line.
//!
//! Dry runs read Stax's reference document (`$STAX_SHARED_DIR`) and send nothing.

mod common;

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
fn an_array_body_from_a_file_or_stdin_is_the_whole_body() {
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
