//! `stax` builds its requests with the SDK's pipeline and nothing else: what `--dry-run`
//! prints is what the SDK sends (captured by an interceptor), for a GET with a repeated query
//! key, a POST with a body and an operation whose body is an array. The timeouts' flags, and
//! the request id in errors.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use stax_emulator::EmulatorOptions;
use staxapp::interceptor::{CallInfo, HookResult, Interceptor};
use staxapp::{Args, Config, StaxClient, args};

use common::{Emu, json_of};

/// Keeps the first attempt of each API request as it went on the wire: method, URL, body.
#[derive(Default)]
struct Capture(Mutex<Vec<(String, String, Vec<u8>)>>);

impl Interceptor for Capture {
    fn before_transmit(
        &self,
        call: &CallInfo<'_>,
        attempt: u32,
        request: &http::Request<Vec<u8>>,
    ) -> HookResult {
        if attempt == 1 && matches!(call.kind, staxapp::interceptor::RequestKind::Api(_)) {
            self.0.lock().unwrap().push((
                request.method().to_string(),
                request.uri().to_string(),
                request.body().clone(),
            ));
        }
        Ok(())
    }
}

fn sdk(emu: &Emu) -> (tokio::runtime::Runtime, StaxClient, Arc<Capture>) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let config = Config::builder_without_env()
        .emulator_endpoint(&emu.endpoint)
        .access_key(&emu.access_key)
        .secret_key(emu.secret_key.clone())
        .cache_dir(std::env::temp_dir().join(format!("stax-pipeline-{}", std::process::id())))
        .api_max_attempts(0)
        .build()
        .unwrap();
    let capture = Arc::new(Capture::default());
    let client = StaxClient::new(config)
        .unwrap()
        .with_interceptor(capture.clone());
    (runtime, client, capture)
}

#[test]
fn dry_run_prints_what_the_sdk_sends() {
    let emu = Emu::start(0);
    let (runtime, client, capture) = sdk(&emu);
    let first_id = |service: &str, operation: &str, list: &str| -> String {
        let answer = runtime
            .block_on(client.call(service, operation, args! {}))
            .unwrap();
        answer[list][0]["Id"].as_str().unwrap().to_owned()
    };
    let set = first_id("permission-sets", "ListPermissionSets", "PermissionSets");
    let group = first_id("teams", "ReadGroups", "Groups");
    let account_type = first_id("accounts", "ReadAccountTypes", "AccountTypes");
    capture.0.lock().unwrap().clear();

    let dir = std::env::temp_dir().join(format!("stax-pipeline-body-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let assignment = dir.join("assignment.json");
    let body = json!([{"GroupId": group, "AccountTypeId": account_type}]);
    std::fs::write(&assignment, body.to_string()).unwrap();
    let set_arg = format!("permission_set_id={set}");
    let file_arg = format!("@{}", assignment.display());
    let cases: Vec<(Vec<&str>, &str, &str, Args)> = vec![
        (
            vec![
                "accounts",
                "ReadAccounts",
                r#"filter:=["ACTIVE","SUSPENDED"]"#,
                "include_tags:=true",
            ],
            "accounts",
            "ReadAccounts",
            args! {"filter" => ["ACTIVE", "SUSPENDED"], "include_tags" => true},
        ),
        (
            vec!["accounts", "CreateAccountType", "Name=pipeline-type"],
            "accounts",
            "CreateAccountType",
            args! {"Name" => "pipeline-type"},
        ),
        (
            vec![
                "permission-sets",
                "CreatePermissionSetAssignments",
                &set_arg,
                &file_arg,
            ],
            "permission-sets",
            "CreatePermissionSetAssignments",
            args! {"permission_set_id" => set.clone()}.body(body.clone()),
        ),
    ];
    for (words, service, operation, arguments) in cases {
        let out = emu.stax().arg("--dry-run").args(&words).output().unwrap();
        assert!(
            out.status.success(),
            "{words:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let shown = json_of(&out.stdout);
        runtime
            .block_on(client.call(service, operation, arguments))
            .unwrap_or_else(|e| panic!("{words:?}: {e}"));
        let (method, url, sent) = capture.0.lock().unwrap().pop().expect("one request sent");
        assert_eq!(shown["method"], method, "{words:?}");
        assert_eq!(shown["url"], url, "{words:?}");
        let sent: Value = if sent.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&sent).unwrap()
        };
        assert_eq!(shown["body"], sent, "{words:?}");
    }
    // The repeated key, as sent.
    let out = emu
        .stax()
        .args([
            "--dry-run",
            "accounts",
            "ReadAccounts",
            r#"filter:=["ACTIVE","SUSPENDED"]"#,
        ])
        .output()
        .unwrap();
    assert_eq!(
        json_of(&out.stdout)["query"]["filter"],
        json!(["ACTIVE", "SUSPENDED"])
    );
}

/// A 5xx's one-line error names the request id the emulator sent; with `-v`, any status's.
#[test]
fn errors_name_the_request_id() {
    let emu = Emu::start_with(EmulatorOptions {
        faults: Some("status=500:1.0".into()),
        ..Default::default()
    });
    let out = emu
        .stax()
        .args(["accounts", "ReadAccounts"])
        .env("STAX_CREDENTIAL_CACHE", "0")
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    let id = lines[0]
        .split("request id ")
        .nth(1)
        .and_then(|rest| rest.get(..36))
        .unwrap_or_else(|| panic!("no request id: {stderr}"));
    assert_eq!(id.matches('-').count(), 4, "{stderr}");

    let emu = Emu::start(0);
    let missing = [
        "accounts",
        "ReadAccounts",
        "account_id=00000000-0000-0000-0000-000000000000",
    ];
    let quiet = emu.stax().args(missing).output().unwrap();
    assert_eq!(quiet.status.code(), Some(1));
    assert!(!String::from_utf8_lossy(&quiet.stderr).contains("request id"));
    let verbose = emu.stax().arg("-v").args(missing).output().unwrap();
    let stderr = String::from_utf8_lossy(&verbose.stderr);
    let last = stderr.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("stax: ") && last.contains("request id "),
        "{stderr}"
    );
}

/// `--operation-timeout` (and `STAX_OPERATION_TIMEOUT`) end a call the server is slow to
/// answer; `--attempt-timeout` cuts an attempt short; bad values are usage errors.
#[test]
fn timeouts_from_flags_and_the_environment() {
    let emu = Emu::start_with(EmulatorOptions {
        faults: Some("latency=20000:1.0".into()),
        ..Default::default()
    });
    for (flags, env) in [
        (vec!["--operation-timeout", "0.5"], None),
        (vec![], Some(("STAX_OPERATION_TIMEOUT", "0.5"))),
        (vec!["--attempt-timeout", "0.3"], None),
    ] {
        let mut cmd = emu.stax();
        cmd.args(&flags)
            .args(["accounts", "ReadAccounts"])
            .env("STAX_CREDENTIAL_CACHE", "0")
            .timeout(Duration::from_secs(60));
        if let Some((name, value)) = env {
            cmd.env(name, value);
        }
        let out = cmd.output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{flags:?} {env:?}: {stderr}");
        assert!(
            stderr.contains("timed out") || stderr.contains("timeout"),
            "{stderr}"
        );
    }
    for bad in ["0", "-1", "soon"] {
        let out = emu
            .stax()
            .args(["--attempt-timeout", bad, "accounts", "ReadAccounts"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad}");
    }
    let out = emu
        .stax()
        .args(["accounts", "ReadAccounts"])
        .env("STAX_ATTEMPT_TIMEOUT", "soon")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("STAX_ATTEMPT_TIMEOUT"));
}
