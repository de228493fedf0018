//! Off the happy path: options anywhere, one-line errors, bounded input, the environment, TLS,
//! and calls under injected faults (deterministic with a fault seed).

mod common;

use std::sync::OnceLock;
use std::time::Duration;

use predicates::prelude::*;
use serde_json::json;
use stax_emulator::EmulatorOptions;

use common::{Emu, json_of};

/// One emulator for the tests of this file that only read.
fn emu() -> &'static Emu {
    static EMU: OnceLock<Emu> = OnceLock::new();
    EMU.get_or_init(|| Emu::start(100))
}

/// Runs `stax ARGS` and returns (exit code, stdout, stderr).
fn outcome(mut cmd: assert_cmd::Command) -> (Option<i32>, String, String) {
    let out = cmd.timeout(Duration::from_secs(300)).output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Asserts the stderr of a failure is exactly one line starting with `stax:`.
fn one_line(stderr: &str, what: &str) {
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{what}: {stderr:?}");
    assert!(lines[0].starts_with("stax: "), "{what}: {stderr:?}");
}

/// A small OAS3 document of our own, with one operation `demo.Hello`.
fn tiny_document() -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("stax-edges-doc-{}.json", std::process::id()));
    let doc = json!({
        "openapi": "3.0.0",
        "info": {"title": "demo", "version": "1"},
        "paths": {"/20190206/hello/{name}": {"get": {
            "operationId": "Hello",
            "x-stax-sdk-operation-id": "demo.Hello",
            "parameters": [{"name": "name", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "ok"}}
        }}}
    });
    std::fs::write(&path, doc.to_string()).unwrap();
    path
}

// ---- 1. options anywhere --------------------------------------------------------------

#[test]
fn global_options_stand_anywhere_and_double_dash_ends_them() {
    let e = emu();
    // After the arguments (docs/cli.md's own example).
    e.stax()
        .args([
            "accounts",
            "ReadAccounts",
            "filter=ACTIVE",
            "--output",
            "table",
        ])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("Id ").and(predicate::str::contains("ACTIVE")));
    // Between the service and the operation, and mixed with arguments.
    e.stax()
        .args(["accounts", "--output", "yaml", "ReadAccounts"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("Accounts:\n"));
    let out = e
        .stax()
        .args([
            "-o",
            "json",
            "accounts",
            "ReadAccounts",
            "filter=ACTIVE",
            "--query",
            "Accounts[0].Status",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(json_of(&out), "ACTIVE");
    // `--` ends the options: what follows is an argument, even when it looks like an option.
    let out = e
        .stax()
        .args([
            "--dry-run",
            "accounts",
            "ReadAccounts",
            "--",
            "filter=ACTIVE",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(json_of(&out)["query"], json!({"filter": "ACTIVE"}));
    let (code, _, stderr) = outcome({
        let mut c = e.stax();
        c.args([
            "--dry-run",
            "accounts",
            "ReadAccounts",
            "--",
            "--output",
            "table",
        ]);
        c
    });
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("\"--output\" is not name=value"),
        "{stderr}"
    );
}

// ---- 2. one-line errors ---------------------------------------------------------------

#[test]
fn every_usage_error_is_one_line_and_exit_2() {
    let e = emu();
    let dir = std::env::temp_dir();
    let cases: Vec<Vec<String>> = [
        vec!["--output", "bogus", "accounts", "ReadAccounts"],
        vec!["accounts", "ReadAccounts", "--output", "bogus"],
        vec!["accounts", "ReadAccounts", "--bogus"],
        vec!["--bogus"],
        vec!["accounts"],
        vec!["accounts", "ReadAccounts", "nonsense"],
        vec!["accounts", "ReadAccounts", "limit:={bad"],
        vec!["accounts", "ReadAccounts", "--page-size", "many"],
        vec!["completions", "nosh"],
        vec!["describe", "a", "b", "c"],
        vec!["emulator", "--bogus"],
        vec!["--region", "../../x", "accounts", "ReadAccounts"],
        vec!["--region", "mars1", "accounts", "ReadAccounts"],
        vec!["--endpoint", "ftp://127.0.0.1", "accounts", "ReadAccounts"],
        vec!["--endpoint", "127.0.0.1:8080", "accounts", "ReadAccounts"],
        vec!["accounts", "ReadAccounts", "--query", "[[["],
        vec!["accounts", "CreateAccountType", "@/dev/zero"],
    ]
    .into_iter()
    .map(|v| v.into_iter().map(str::to_owned).collect())
    .chain([vec![
        "accounts".to_owned(),
        "CreateAccountType".to_owned(),
        format!("@{}", dir.display()),
    ]])
    .collect();
    for args in &cases {
        let (code, _, stderr) = outcome({
            let mut c = e.stax();
            c.args(args);
            c
        });
        assert_eq!(code, Some(2), "{args:?}: {stderr}");
        one_line(&stderr, &format!("{args:?}"));
    }
    // No arguments at all: the help on stdout, one line on stderr.
    let (code, stdout, stderr) = outcome(e.stax());
    assert_eq!(code, Some(2));
    assert!(stdout.contains("Usage:"), "{stdout}");
    one_line(&stderr, "no arguments");
}

#[test]
fn call_errors_are_one_line_and_exit_1() {
    let e = emu();
    for args in [
        vec!["acounts", "ReadAccounts"],
        vec!["accounts", "ReadAcounts"],
        vec![
            "tasks",
            "ReadTask",
            "task_id=00000000-0000-4000-8000-000000000000",
        ],
    ] {
        let (code, _, stderr) = outcome({
            let mut c = e.stax();
            c.args(&args);
            c
        });
        assert_eq!(code, Some(1), "{args:?}: {stderr}");
        one_line(&stderr, &format!("{args:?}"));
    }
    let (code, _, stderr) = outcome({
        let mut c = e.stax();
        c.env("STAX_SECRET_KEY", "wrong")
            .args(["accounts", "ReadAccounts"]);
        c
    });
    assert_eq!(code, Some(1), "{stderr}");
    one_line(&stderr, "wrong secret");
}

// ---- 3. bounded input, installations, endpoints ---------------------------------------

#[test]
fn file_and_stdin_arguments_are_bounded() {
    let e = emu();
    // A device is refused before it is read: this returns at once instead of reading forever.
    e.stax()
        .args(["accounts", "CreateAccountType", "@/dev/zero"])
        .timeout(Duration::from_secs(120))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a regular file"));
    let big = std::env::temp_dir().join(format!("stax-edges-big-{}.json", std::process::id()));
    std::fs::write(&big, vec![b' '; 10 * 1024 * 1024 + 1]).unwrap();
    e.stax()
        .args(["accounts", "CreateAccountType"])
        .arg(format!("@{}", big.display()))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("10 MiB"));
    // Standard input too.
    e.stax()
        .args(["accounts", "CreateAccountType", "@-"])
        .write_stdin(vec![b' '; 10 * 1024 * 1024 + 1])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("10 MiB"));
    let _ = std::fs::remove_file(&big);
}

#[test]
fn stdin_and_array_bodies() {
    let e = emu();
    let out = e
        .stax()
        .args(["--dry-run", "accounts", "CreateAccountType", "@-"])
        .write_stdin(r#"{"Name": "from-stdin"}"#)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(json_of(&out)["body"], json!({"Name": "from-stdin"}));
    // A JSON array is the whole body.
    let file = std::env::temp_dir().join(format!("stax-edges-array-{}.json", std::process::id()));
    std::fs::write(&file, r#"[{"Name": "a"}, {"Name": "b"}]"#).unwrap();
    let out = e
        .stax()
        .args([
            "--dry-run",
            "--no-validate",
            "accounts",
            "CreateAccountType",
        ])
        .arg(format!("@{}", file.display()))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(json_of(&out)["body"], json!([{"Name": "a"}, {"Name": "b"}]));
    // ...and has no room for body fields, nor a place in a GET.
    for args in [
        vec!["--dry-run", "accounts", "CreateAccountType", "Name=x"],
        vec!["--dry-run", "accounts", "ReadAccounts"],
    ] {
        let (code, _, stderr) = outcome({
            let mut c = e.stax();
            c.args(&args).arg(format!("@{}", file.display()));
            c
        });
        assert_eq!(code, Some(2), "{args:?}: {stderr}");
        one_line(&stderr, "array body");
    }
    let _ = std::fs::remove_file(&file);
}

// ---- 7. the environment ---------------------------------------------------------------

#[test]
fn stax_region_and_stax_schema_from_the_environment() {
    let doc = tiny_document();
    let dry = |region: &str| {
        let mut c = assert_cmd::Command::cargo_bin("stax").unwrap();
        c.env_remove("STAX_ENDPOINT")
            .env("STAX_REGION", region)
            .env("STAX_SCHEMA", &doc)
            .args(["--dry-run", "demo", "Hello", "name=x"]);
        outcome(c)
    };
    for (region, url) in [
        ("us1", "https://api.us1.staxapp.cloud/20190206/hello/x"),
        ("EU1", "https://api.eu1.staxapp.cloud/20190206/hello/x"),
        (
            "stax.example.com",
            "https://api.stax.example.com/20190206/hello/x",
        ),
    ] {
        let (code, stdout, stderr) = dry(region);
        assert_eq!(code, Some(0), "{region}: {stderr}");
        assert_eq!(json_of(stdout.as_bytes())["url"], url);
    }
    for bad in ["mars1", "../../x"] {
        let (code, _, stderr) = dry(bad);
        assert_eq!(code, Some(2), "{bad}: {stderr}");
        one_line(&stderr, bad);
        assert!(stderr.contains("au1, us1, eu1 or a DNS name"), "{stderr}");
    }
}

#[test]
fn log_level_takes_each_python_level_name() {
    let e = emu();
    // `--wait` on an answer without a TaskId logs a warning (the document says the answer
    // of CreateAccountType may carry one, under Detail.Message; this one does not).
    let created = std::sync::atomic::AtomicUsize::new(0);
    let run = |level: &str| {
        let n = created.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let mut c = e.stax();
        c.env("LOG_LEVEL", level).args([
            "accounts",
            "CreateAccountType",
            &format!("Name=log-level-{n}"),
            "--wait",
        ]);
        outcome(c)
    };
    let (code, _, stderr) = run("DEBUG");
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains("DEBUG") && stderr.contains("INFO"),
        "{stderr}"
    );
    let (_, _, stderr) = run("INFO");
    assert!(
        stderr.contains("INFO") && !stderr.contains("DEBUG"),
        "{stderr}"
    );
    assert!(stderr.contains("WARN"), "{stderr}");
    for warning in ["WARNING", "WARN", "warning"] {
        let (code, _, stderr) = run(warning);
        assert_eq!(code, Some(0), "{stderr}");
        assert!(
            stderr.contains("WARN") && stderr.contains("no TaskId"),
            "{stderr}"
        );
        assert!(!stderr.contains("INFO"), "{stderr}");
    }
    for quiet in ["ERROR", "CRITICAL"] {
        let (code, _, stderr) = run(quiet);
        assert_eq!(code, Some(0), "{stderr}");
        assert_eq!(stderr, "", "{quiet}");
    }
    let (code, _, stderr) = run("LOUD");
    assert_eq!(code, Some(2), "{stderr}");
    one_line(&stderr, "LOG_LEVEL");
    assert!(stderr.contains("WARNING"), "{stderr}");
}

#[test]
fn token_expiry_threshold_in_mins_is_honoured() {
    // A threshold longer than the credentials' life (60 min): every page signs in again.
    // Each process signs in afresh (no credential cache), to count its own sign-ins.
    let e = Emu::start(100);
    let pages = |threshold: Option<&str>| {
        let before = e.stat("/cognito/InitiateAuth");
        let mut c = e.stax();
        if let Some(t) = threshold {
            c.env("TOKEN_EXPIRY_THRESHOLD_IN_MINS", t);
        }
        c.args([
            "--no-credential-cache",
            "--all-pages",
            "--page-size",
            "3",
            "accounts",
            "ReadAccounts",
        ]);
        let (code, _, stderr) = outcome(c);
        assert_eq!(code, Some(0), "{stderr}");
        e.stat("/cognito/InitiateAuth") - before
    };
    assert_eq!(pages(None), 1);
    assert!(pages(Some("120")) >= 3);
    assert_eq!(pages(Some("0")), 1);
    // The public configuration was read once for all those sign-ins.
    assert_eq!(e.stat("/operations/public.ReadConfig"), 3, "{}", e.stats());
    let (code, _, stderr) = outcome({
        let mut c = e.stax();
        c.env("TOKEN_EXPIRY_THRESHOLD_IN_MINS", "soon")
            .args(["accounts", "ReadAccounts"]);
        c
    });
    assert_eq!(code, Some(2), "{stderr}");
    one_line(&stderr, "threshold");
    assert!(
        stderr.contains("TOKEN_EXPIRY_THRESHOLD_IN_MINS"),
        "{stderr}"
    );
}

#[test]
fn cognito_endpoints_per_service() {
    let e = emu();
    // The generic variable points nowhere: the per-service ones must be the ones used.
    e.stax()
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .env("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", &e.endpoint)
        .env("AWS_ENDPOINT_URL_COGNITO_IDENTITY", &e.endpoint)
        .args(["accounts", "ReadAccounts"])
        .assert()
        .success();
    let (code, _, stderr) = outcome({
        let mut c = e.stax();
        c.env("AWS_ENDPOINT_URL_COGNITO_IDENTITY", "localhost:9")
            .args(["accounts", "ReadAccounts"]);
        c
    });
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("AWS_ENDPOINT_URL_COGNITO_IDENTITY"),
        "{stderr}"
    );
}

#[test]
fn ca_bundles_from_the_environment_and_untrusted_certificates() {
    let e = Emu::start_with(EmulatorOptions {
        tls: true,
        ..EmulatorOptions::default()
    });
    let ca = e.ca_cert().unwrap().to_owned();
    for variable in ["SSL_CERT_FILE", "AWS_CA_BUNDLE"] {
        e.stax()
            .env(variable, &ca)
            .args(["accounts", "ReadAccounts"])
            .assert()
            .success();
    }
    let before = e.stat("/requests");
    let (code, _, stderr) = outcome({
        let mut c = e.stax();
        c.args(["accounts", "ReadAccounts"]);
        c
    });
    assert_eq!(code, Some(1), "{stderr}");
    one_line(&stderr, "untrusted certificate");
    assert!(stderr.contains("certificate"), "{stderr}");
    assert!(
        stderr.contains("SSL_CERT_FILE") && stderr.contains("AWS_CA_BUNDLE"),
        "{stderr}"
    );
    assert!(!stderr.contains("ERROR"), "{stderr}");
    assert_eq!(e.stat("/requests"), before, "nothing got through TLS");
}

/// A CA the operating system's store holds (here through `SSL_CERT_DIR`, which the system
/// store honours and the SDK's own bundle setting does not read) is trusted: the bundled
/// roots do not know the emulator's issuer, so the platform's store is asked.
#[test]
fn a_ca_in_the_system_store_is_trusted() {
    let e = Emu::start_with(EmulatorOptions {
        tls: true,
        ..EmulatorOptions::default()
    });
    let store = std::env::temp_dir().join(format!("stax-cli-system-store-{}", std::process::id()));
    std::fs::create_dir_all(&store).unwrap();
    std::fs::copy(e.ca_cert().unwrap(), store.join("emulator.pem")).unwrap();
    e.stax()
        .env("SSL_CERT_DIR", &store)
        .args(["accounts", "ReadAccounts"])
        .assert()
        .success();
    std::fs::remove_dir_all(&store).ok();
}

#[test]
fn new_password_required_is_one_line() {
    let e = Emu::start(100);
    e.emulator().require_new_password(&e.access_key).unwrap();
    let (code, _, stderr) = outcome({
        let mut c = e.stax();
        c.args(["accounts", "ReadAccounts"]);
        c
    });
    assert_eq!(code, Some(1), "{stderr}");
    one_line(&stderr, "new password");
    assert!(
        stderr.contains("Change password before authenticating"),
        "{stderr}"
    );
}

// ---- 8. dry runs keep repeated query keys ----------------------------------------------

#[test]
fn dry_run_keeps_repeated_query_keys() {
    let out = emu()
        .stax()
        .args([
            "--dry-run",
            "accounts",
            "ReadAccounts",
            r#"filter:=["ACTIVE","SUSPENDED"]"#,
            "limit:=5",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v = json_of(&out);
    assert_eq!(
        v["query"],
        json!({"filter": ["ACTIVE", "SUSPENDED"], "limit": "5"})
    );
    assert!(
        v["url"]
            .as_str()
            .unwrap()
            .ends_with("?filter=ACTIVE&filter=SUSPENDED&limit=5"),
        "{v}"
    );
}

// ---- done when: calls under injected faults -------------------------------------------

fn faulty(spec: &str, seed: u64) -> Emu {
    Emu::start_with(EmulatorOptions {
        faults: Some(spec.into()),
        fault_seed: seed,
        task_delay: Duration::from_millis(100),
        ..EmulatorOptions::default()
    })
}

#[test]
fn reads_succeed_under_mixed_faults() {
    let e = faulty("status=503:0.2,throttle:0.1,drop:0.05", 7);
    for i in 0..25 {
        let (code, stdout, stderr) = outcome({
            let mut c = e.stax();
            c.args(["accounts", "ReadAccounts"]);
            c
        });
        assert_eq!(code, Some(0), "call {i}: {stderr}");
        assert!(json_of(stdout.as_bytes())["Accounts"].is_array());
    }
    assert!(e.stat("/faults_injected") > 0, "{}", e.stats());
}

/// Names of the account types that exist, read through the CLI (GETs are retried).
fn account_type_names(e: &Emu) -> Vec<String> {
    let out = e
        .stax()
        .args([
            "accounts",
            "ReadAccountTypes",
            "--query",
            "AccountTypes[].Name",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).unwrap()
}

#[test]
fn throttled_creates_all_succeed_once() {
    let e = faulty("throttle:0.3", 7);
    for i in 0..10 {
        let (code, _, stderr) = outcome({
            let mut c = e.stax();
            c.args(["accounts", "CreateAccountType"])
                .arg(format!("Name=throttled-{i}"));
            c
        });
        assert_eq!(code, Some(0), "create {i}: {stderr}");
    }
    assert!(e.stat("/faults_injected") > 0, "{}", e.stats());
    let created: Vec<String> = account_type_names(&e)
        .into_iter()
        .filter(|n| n.starts_with("throttled-"))
        .collect();
    assert_eq!(created.len(), 10, "{created:?}");
    assert_eq!(e.stat("/operations/accounts.CreateAccountType"), 10);
}

/// A POST either succeeds once or fails clearly; it never creates two: what may have been
/// processed (5xx, a dropped connection) is not sent again.
#[test]
fn posts_are_never_duplicated_under_mixed_faults() {
    let e = faulty("status=503:0.2,throttle:0.1,drop:0.05", 11);
    let mut succeeded = Vec::new();
    let mut failed = Vec::new();
    for i in 0..20 {
        let name = format!("mixed-{i}");
        let (code, _, stderr) = outcome({
            let mut c = e.stax();
            c.args(["accounts", "CreateAccountType"])
                .arg(format!("Name={name}"));
            c
        });
        match code {
            Some(0) => succeeded.push(name),
            Some(1) => {
                one_line(&stderr, &name);
                failed.push(name);
            }
            other => panic!("{name}: exit {other:?}: {stderr}"),
        }
    }
    assert!(
        !failed.is_empty() && !succeeded.is_empty(),
        "the seed should give both outcomes: {} ok, {} failed",
        succeeded.len(),
        failed.len()
    );
    // Every request that reached the handler created its type: as many as succeeded.
    let processed = e.stat("/operations/accounts.CreateAccountType");
    assert_eq!(processed as usize, succeeded.len(), "{}", e.stats());
    let mut created: Vec<String> = account_type_names(&e)
        .into_iter()
        .filter(|n| n.starts_with("mixed-"))
        .collect();
    created.sort();
    succeeded.sort();
    assert_eq!(created, succeeded);
}
