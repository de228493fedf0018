//! `stax --dry-run --no-validate --schema <reference document>` reproduces every routing case
//! of the conformance file: method, path, query and body, or exit 1 on missing parameters.

mod common;

use assert_cmd::Command;
use serde_json::Value;

#[test]
fn dry_run_reproduces_every_routing_case() {
    let (Some(cases_path), Some(document)) = (
        common::shared_file("conformance/routing-core-20190206.json"),
        common::shared_file("reference/stax-core-20190206.oas3.json"),
    ) else {
        return;
    };
    let spec: Value = serde_json::from_slice(&std::fs::read(&cases_path).unwrap()).unwrap();
    let cases = spec["cases"].as_array().expect("cases");
    // Every operation the file lists has a case to replay.
    for (service, operations) in spec["services"].as_object().expect("services") {
        for operation in operations.as_array().expect("operations") {
            assert!(
                cases
                    .iter()
                    .any(|c| c["service"] == service.as_str() && c["operation"] == *operation),
                "no case for {service}.{operation}"
            );
        }
    }
    let mut failures = Vec::new();
    for case in cases {
        let service = case["service"].as_str().unwrap();
        let operation = case["operation"].as_str().unwrap();
        let mut cmd = Command::cargo_bin("stax").unwrap();
        cmd.env_remove("STAX_ACCESS_KEY")
            .env_remove("STAX_SECRET_KEY")
            .env("STAX_REGION", "au1")
            .args(["--dry-run", "--no-validate", "--schema"])
            .arg(&document)
            .args([service, operation]);
        for (name, value) in case["args"].as_object().unwrap() {
            cmd.arg(format!("{name}={}", value.as_str().unwrap()));
        }
        let out = cmd.output().unwrap();
        let expect = &case["expect"];
        let label = format!("{service}.{operation} {}", case["args"]);
        if expect.get("error").is_some() {
            let stderr = String::from_utf8_lossy(&out.stderr);
            if out.status.code() != Some(1) || !stderr.contains("Missing one or more parameters") {
                failures.push(format!(
                    "{label}: expected exit 1 with missing parameters, got {:?} {stderr}",
                    out.status.code()
                ));
            }
            continue;
        }
        if !out.status.success() {
            failures.push(format!(
                "{label}: exit {:?}: {}",
                out.status.code(),
                String::from_utf8_lossy(&out.stderr)
            ));
            continue;
        }
        let got: Value = match serde_json::from_slice(&out.stdout) {
            Ok(v) => v,
            Err(e) => {
                failures.push(format!("{label}: stdout is not JSON: {e}"));
                continue;
            }
        };
        for key in ["method", "path", "query", "body"] {
            if got[key] != expect[key] {
                failures.push(format!(
                    "{label}: {key} {} != expected {}",
                    got[key], expect[key]
                ));
            }
        }
        let url = got["url"].as_str().unwrap_or_default();
        if !url.starts_with("https://api.au1.staxapp.cloud/20190206/") {
            failures.push(format!("{label}: url {url}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
