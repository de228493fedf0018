//! The `stax` binary against an emulator on loopback: options, output forms and exit codes.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command as StdCommand, Stdio};
use std::sync::OnceLock;

use predicates::prelude::*;
use serde_json::Value;

use common::{Emu, json_of};

/// One emulator for the tests of this file that only read.
fn emu() -> &'static Emu {
    static EMU: OnceLock<Emu> = OnceLock::new();
    EMU.get_or_init(|| Emu::start(200))
}

#[test]
fn sandbox_signs_in_and_prints_the_demo_accounts() {
    let out = assert_cmd::Command::cargo_bin("stax")
        .unwrap()
        .env_remove("STAX_ACCESS_KEY")
        .env_remove("STAX_SECRET_KEY")
        .env_remove("STAX_ENDPOINT")
        .args(["--sandbox", "-v", "accounts", "ReadAccounts"])
        .assert()
        .success()
        .get_output()
        .clone();
    let v = json_of(&out.stdout);
    assert!(v["Accounts"].as_array().unwrap().len() >= 5, "{v}");
    // One real sign-in: each Cognito call once, as the emulator counted them.
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stats = stderr
        .lines()
        .find_map(|l| l.strip_prefix("sandbox emulator stats: "))
        .unwrap_or_else(|| panic!("no stats in {stderr}"));
    let stats: Value = serde_json::from_str(stats).unwrap();
    common::assert_signed_in_once(&stats);
    assert_eq!(stats["operations"]["accounts.ReadAccounts"], 1, "{stats}");
    assert_eq!(stats["rejected_signatures"], 0, "{stats}");
}

#[test]
fn endpoint_from_environment_and_flag() {
    let e = emu();
    let v = json_of(
        &e.stax()
            .args(["accounts", "ReadAccounts"])
            .assert()
            .success()
            .get_output()
            .stdout,
    );
    assert!(!v["Accounts"].as_array().unwrap().is_empty());
    // --endpoint overrides STAX_ENDPOINT.
    let v = json_of(
        &e.stax()
            .env("STAX_ENDPOINT", "http://127.0.0.1:9")
            .args([
                "--endpoint",
                &e.endpoint,
                "accounts",
                "ReadAccounts",
                "filter=ACTIVE",
            ])
            .assert()
            .success()
            .get_output()
            .stdout,
    );
    for account in v["Accounts"].as_array().unwrap() {
        assert_eq!(account["Status"], "ACTIVE");
    }
}

#[test]
fn kebab_case_operations_and_options_after_the_operation() {
    let out = emu()
        .stax()
        .args([
            "accounts",
            "read-accounts",
            "--query",
            "Accounts[0].Name",
            "-o",
            "json",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(json_of(&out).is_string());
}

#[test]
fn table_yaml_and_query_outputs() {
    let e = emu();
    e.stax()
        .args(["--output", "table", "accounts", "ReadAccounts"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("Id ").and(predicate::str::contains("Status")));
    e.stax()
        .args(["--output", "yaml", "accounts", "ReadAccounts"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("Accounts:\n- "));
    let out = e.stdout(&["--query", "length(Accounts)", "accounts", "ReadAccounts"]);
    assert!(json_of(&out).as_u64().unwrap() >= 5);
    e.stax()
        .args(["--query", "[[[", "accounts", "ReadAccounts"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not valid JMESPath"));
}

#[test]
fn all_pages_follows_next_offset_over_three_pages() {
    let e = emu();
    let all = json_of(
        &e.stax()
            .args(["accounts", "ReadAccounts"])
            .assert()
            .success()
            .get_output()
            .stdout,
    );
    let total = all["Accounts"].as_array().unwrap().len();
    assert!(total >= 7, "the demo data should span three pages of 3");
    let assert = e
        .stax()
        .args([
            "--all-pages",
            "--page-size",
            "3",
            "accounts",
            "ReadAccounts",
        ])
        .assert()
        .success();
    let out = assert.get_output();
    let merged = json_of(&out.stdout);
    let ids: Vec<&Value> = merged["Accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| &a["Id"])
        .collect();
    let expected: Vec<&Value> = all["Accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| &a["Id"])
        .collect();
    assert_eq!(ids, expected);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("page 3"),
        "page counter on stderr: {stderr}"
    );
}

#[test]
fn dry_run_needs_no_credentials_and_sends_nothing() {
    let e = emu();
    let before = e.stats()["operations"]["accounts.ReadAccounts"]
        .as_u64()
        .unwrap_or(0);
    let out = e
        .stax()
        .env_remove("STAX_ACCESS_KEY")
        .env_remove("STAX_SECRET_KEY")
        .args([
            "--dry-run",
            "accounts",
            "ReadAccounts",
            "account_id=a/b c",
            "filter=ACTIVE",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v = json_of(&out);
    assert_eq!(v["method"], "GET");
    assert_eq!(v["path"], "/20190206/accounts/a%2Fb%20c");
    assert_eq!(v["query"], serde_json::json!({"filter": "ACTIVE"}));
    assert_eq!(v["body"], Value::Null);
    assert_eq!(
        v["url"],
        format!("{}/20190206/accounts/a%2Fb%20c?filter=ACTIVE", e.endpoint)
    );
    let after = e.stats()["operations"]["accounts.ReadAccounts"]
        .as_u64()
        .unwrap_or(0);
    assert_eq!(before, after, "a dry run sends nothing");
}

#[test]
fn region_names_the_installation_in_dry_runs() {
    let Some(document) = common::shared_file("reference/stax-core-20190206.oas3.json") else {
        return;
    };
    let out = assert_cmd::Command::cargo_bin("stax")
        .unwrap()
        .env_remove("STAX_ENDPOINT")
        .args(["--region", "us1", "--schema"])
        .arg(&document)
        .args(["--dry-run", "accounts", "ReadAccounts"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(
        json_of(&out)["url"],
        "https://api.us1.staxapp.cloud/20190206/accounts"
    );
}

#[test]
fn validation_runs_before_sending_unless_no_validate() {
    let Some(document) = common::shared_file("reference/stax-core-20190206.oas3.json") else {
        return;
    };
    let schema = document.to_str().unwrap();
    // CreateAccount without its required fields is refused on the client: exit 1.
    assert_cmd::Command::cargo_bin("stax")
        .unwrap()
        .args([
            "--schema",
            schema,
            "--dry-run",
            "accounts",
            "CreateAccount",
            "Name=x",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("required"));
    assert_cmd::Command::cargo_bin("stax")
        .unwrap()
        .args([
            "--schema",
            schema,
            "--dry-run",
            "--no-validate",
            "accounts",
            "CreateAccount",
            "Name=x",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"Name\": \"x\""));
}

#[test]
fn exit_codes_usage_validation_and_api() {
    let e = emu();
    // Usage: a malformed argument, an unknown flag, no operation.
    e.stax()
        .args(["accounts", "ReadAccounts", "nonsense"])
        .assert()
        .code(2);
    e.stax()
        .args(["--no-such-flag", "accounts", "ReadAccounts"])
        .assert()
        .code(2);
    e.stax().args(["accounts"]).assert().code(2);
    // Validation: unknown service and operation, with suggestions.
    e.stax()
        .args(["acounts", "ReadAccounts"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("Did you mean 'accounts'"));
    e.stax()
        .args(["accounts", "ReadAcounts"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("Did you mean 'ReadAccounts'"));
    // API: an unknown id is a 404 from the emulator, one line on stderr.
    let out = e
        .stax()
        .args([
            "tasks",
            "ReadTask",
            "task_id=00000000-0000-4000-8000-000000000000",
        ])
        .assert()
        .code(1)
        .get_output()
        .stderr
        .clone();
    let stderr = String::from_utf8_lossy(&out);
    assert!(stderr.contains("404"), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
}

#[test]
fn wrong_secret_is_reported_with_guidance() {
    emu()
        .stax()
        .env("STAX_SECRET_KEY", "not-the-secret")
        .args(["accounts", "ReadAccounts"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("Secret Key"));
}

#[test]
fn verbose_shows_requests_but_never_secrets() {
    let e = emu();
    let out = e
        .stax()
        .args(["-vv", "accounts", "ReadAccounts"])
        .assert()
        .success()
        .get_output()
        .stderr
        .clone();
    let stderr = String::from_utf8_lossy(&out);
    assert!(stderr.contains("ReadAccounts"), "{stderr}");
    assert!(
        !stderr.contains(&e.secret_key),
        "the secret key leaked: {stderr}"
    );
}

#[test]
fn describe_lists_services_operations_and_parameters() {
    let e = emu();
    e.stax()
        .args(["describe"])
        .assert()
        .success()
        .stdout(predicate::str::contains("accounts"));
    e.stax()
        .args(["describe", "accounts"])
        .assert()
        .success()
        .stdout(predicate::str::contains("ReadAccounts"));
    e.stax()
        .args(["describe", "accounts", "ReadAccounts"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("/20190206/accounts/{account_id}")
                .and(predicate::str::contains("filter")),
        );
}

#[test]
fn profiles_supply_endpoint_and_keys() {
    let e = emu();
    let dir = std::env::temp_dir().join(format!("stax-profile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("config.toml");
    std::fs::write(
        &file,
        format!(
            "[profiles.local]\nendpoint = \"{}\"\ncognito_endpoint = \"{}\"\naccess_key = \"{}\"\nsecret_key_command = \"echo {}\"\n",
            e.endpoint, e.endpoint, e.access_key, e.secret_key
        ),
    )
    .unwrap();
    e.stax()
        .env_remove("STAX_ACCESS_KEY")
        .env_remove("STAX_SECRET_KEY")
        .env("STAX_ENDPOINT", "http://127.0.0.1:9")
        .env("STAX_CONFIG_FILE", &file)
        .args(["--profile", "local", "accounts", "ReadAccounts"])
        .assert()
        .success();
    e.stax()
        .env("STAX_CONFIG_FILE", &file)
        .args(["--profile", "nope", "accounts", "ReadAccounts"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("local"));
}

#[test]
fn completions_source_in_bash_and_complete_from_the_cached_document() {
    let e = emu();
    // Warm the document cache with one call.
    e.stax()
        .args(["accounts", "ReadAccounts"])
        .assert()
        .success();
    let script = e.stdout(&["completions", "bash"]);
    let dir = std::env::temp_dir().join(format!("stax-completions-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let script_path = dir.join("stax.bash");
    std::fs::write(&script_path, &script).unwrap();
    let bin_dir = assert_cmd::cargo::cargo_bin("stax")
        .parent()
        .unwrap()
        .to_owned();
    let probe = format!(
        "set -e; source {}; COMP_WORDS=(stax acc); COMP_CWORD=1; _stax; printf '%s\\n' \"${{COMPREPLY[@]}}\"; \
         COMP_WORDS=(stax accounts Read); COMP_CWORD=2; _stax; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script_path.display()
    );
    let mut cmd = e.stax();
    let out = StdCommand::new("bash")
        .arg("-c")
        .arg(&probe)
        .envs(
            cmd.get_envs()
                .filter_map(|(k, v)| v.map(|v| (k.to_owned(), v.to_owned()))),
        )
        .env(
            "PATH",
            format!(
                "{}:{}",
                bin_dir.display(),
                std::env::var("PATH").unwrap_or_default()
            ),
        )
        .output()
        .unwrap();
    let _ = &mut cmd;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = String::from_utf8_lossy(&out.stdout);
    assert!(lines.lines().any(|l| l == "accounts"), "{lines}");
    assert!(lines.lines().any(|l| l == "ReadAccounts"), "{lines}");
    for shell in ["zsh", "fish", "powershell"] {
        e.stax().args(["completions", shell]).assert().success();
    }
}

#[test]
fn emulator_subcommand_prints_the_ready_line() {
    let ready = common::emulator_ready_line(&["--listen", "127.0.0.1:0", "--seed", "empty"]);
    assert!(
        ready["endpoint"]
            .as_str()
            .unwrap()
            .starts_with("http://127.0.0.1:")
    );
    assert!(ready["access_key"].is_string() && ready["secret_key"].is_string());
}

/// The id of the demo account called `name`.
fn account_id(e: &Emu, name: &str) -> String {
    let out = e
        .stax()
        .args(["accounts", "ReadAccounts", "--query"])
        .arg(format!("Accounts[?Name=='{name}'].Id | [0]"))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    json_of(&out).as_str().expect("demo account").to_owned()
}

#[test]
fn wait_follows_the_task_to_succeeded_and_to_failed() {
    let e = Emu::start(300);
    // An active account changes: the task succeeds, its JSON is printed, exit 0.
    let active = account_id(&e, "bakery-dev");
    let out = e
        .stax()
        .args(["--wait", "accounts", "UpdateAccount"])
        .arg(format!("account_id={active}"))
        .arg("Name=bakery-dev-renamed")
        .assert()
        .success()
        .get_output()
        .clone();
    let task = json_of(&out.stdout);
    assert_eq!(task["Status"], "SUCCEEDED", "{task}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("task "),
        "plain status lines when stderr is no terminal: {stderr}"
    );
    assert_eq!(account_id(&e, "bakery-dev-renamed"), active);

    // A closed account cannot change: the task fails, exit 1 with its logs on stderr.
    let closed = account_id(&e, "sandbox-old");
    let out = e
        .stax()
        .args(["accounts", "UpdateAccount", "--wait"])
        .arg(format!("account_id={closed}"))
        .arg("Name=revived")
        .assert()
        .code(1)
        .get_output()
        .clone();
    let task = json_of(&out.stdout);
    assert_eq!(task["Status"], "FAILED", "{task}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("FAILED") && stderr.contains("CLOSED"),
        "{stderr}"
    );
}

#[test]
fn ctrl_c_stops_waiting_cleanly() {
    let e = Emu::start(600_000);
    let active = account_id(&e, "bakery-prod");
    let cmd = e.stax();
    let mut child = StdCommand::new(cmd.get_program())
        .envs(
            cmd.get_envs()
                .filter_map(|(k, v)| v.map(|v| (k.to_owned(), v.to_owned()))),
        )
        .args(["--wait", "accounts", "UpdateAccount"])
        .arg(format!("account_id={active}"))
        .arg("Name=never-finishes")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut first = String::new();
    stderr.read_line(&mut first).unwrap();
    assert!(first.contains("task "), "waiting started: {first}");
    let status = StdCommand::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
    let code = child.wait().unwrap().code();
    assert_eq!(code, Some(130), "{rest}");
    assert!(rest.contains("stopped waiting"), "{rest}");
    assert!(!rest.contains("panicked"), "{rest}");
}

#[test]
fn wait_finds_the_task_under_detail_too() {
    // Organisational unit answers carry their TaskId only in Detail.
    let e = Emu::start(200);
    let out = e
        .stax()
        .args([
            "organisations",
            "ReadOrganisationalUnits",
            "--query",
            "OrganisationalUnits[0].Id",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let parent = json_of(&out);
    let parent = parent.as_str().expect("a demo unit");
    let out = e
        .stax()
        .args([
            "--wait",
            "organisations",
            "CreateOrganisationalUnit",
            "Name=waited-for",
        ])
        .arg(format!("ParentOrganisationalUnitId={parent}"))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(json_of(&out)["Status"], "SUCCEEDED");
}

#[test]
fn wait_finds_the_task_of_a_networking_change_in_its_message() {
    // Networking answers name their task only in Detail.Message.
    let e = Emu::start(200);
    let account = account_id(&e, "bakery-prod");
    let out = e
        .stax()
        .args([
            "networking",
            "CreateHub",
            "--wait",
            "Name=waited-for",
            "Region=ap-southeast-2",
            "Cidr=10.220.0.0/16",
            "CreateNatGateway:=false",
            "CreateInternetGateway:=true",
        ])
        .arg(format!("AccountId={account}"))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(json_of(&out)["Status"], "SUCCEEDED");
    let out = e
        .stax()
        .args([
            "networking",
            "ReadHubs",
            "--query",
            "Hubs[?Name=='waited-for'].Status | [0]",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(json_of(&out), "ACTIVE");
}
