//! The CLI's credential cache across processes (PARITY.md B10): the `stax` binary against an
//! emulator, with `XDG_CACHE_HOME` in a temporary directory of each test, and the emulator's
//! counters as the witness of what was signed in and sent.

mod common;

use std::path::Path;

use serde_json::Value;

use common::{Emu, write_over};

/// A private `XDG_CACHE_HOME`, removed at the end of the test.
use common::TempDir as CacheHome;

/// `stax accounts ReadAccounts` against `emu` with the cache in `home`.
fn read_accounts(emu: &Emu, home: &CacheHome) -> assert_cmd::Command {
    let mut cmd = emu.stax();
    cmd.env("XDG_CACHE_HOME", &home.0)
        .args(["accounts", "ReadAccounts"]);
    cmd
}

fn sign_ins(emu: &Emu) -> u64 {
    emu.stat("/cognito/InitiateAuth")
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[cfg(unix)]
#[test]
fn the_cache_is_private_and_never_holds_the_api_secret() {
    use std::os::unix::fs::PermissionsExt as _;
    let emu = Emu::start(200);
    let home = CacheHome::new("modes");
    read_accounts(&emu, &home).assert().success();
    assert_eq!(mode(&home.credentials_dir()), 0o700);
    assert_eq!(mode(&home.entry()), 0o600);
    let text = std::fs::read_to_string(home.entry()).unwrap();
    assert!(!text.contains(&emu.secret_key), "the API secret is stored");
    let entry = home.entry_json();
    assert!(
        entry["access_key_id"].as_str().unwrap().starts_with("ASIA"),
        "{entry}"
    );
    assert_eq!(entry["api_auth"]["region"], "ap-southeast-2");
    // A directory others may read is set back to 0700.
    std::fs::set_permissions(
        home.credentials_dir(),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    read_accounts(&emu, &home).assert().success();
    assert_eq!(mode(&home.credentials_dir()), 0o700);
    assert_eq!(sign_ins(&emu), 1);
}

#[test]
fn a_second_call_makes_no_cognito_call_and_one_request() {
    let emu = Emu::start(200);
    let home = CacheHome::new("second");
    read_accounts(&emu, &home).assert().success();
    let before = emu.stats();
    let out = read_accounts(&emu, &home).assert().success();
    let accounts: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert!(!accounts["Accounts"].as_array().unwrap().is_empty());
    let after = emu.stats();
    assert_eq!(after["cognito"], before["cognito"], "{after}");
    common::assert_signed_in_once(&after);
    assert_eq!(after["operations"]["accounts.ReadAccounts"], 2, "{after}");
    // The public config came from the cache too; the document from its own disk cache: the
    // cached call is one request, the API call itself.
    assert_eq!(after["operations"]["public.ReadConfig"], 1, "{after}");
    assert_eq!(
        after["requests"].as_u64().unwrap() - before["requests"].as_u64().unwrap(),
        1,
        "{before} -> {after}"
    );
}

#[test]
fn a_wrong_secret_is_not_served_from_the_cache() {
    let emu = Emu::start(200);
    let home = CacheHome::new("wrong");
    read_accounts(&emu, &home).assert().success();
    let out = read_accounts(&emu, &home)
        .env("STAX_SECRET_KEY", "not-the-secret")
        .assert()
        .code(1)
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("Secret Key"), "{stderr}");
    assert_eq!(sign_ins(&emu), 2);
    assert_eq!(emu.stat("/operations/accounts.ReadAccounts"), 1);
    // The right secret's entry is still there and still used.
    read_accounts(&emu, &home).assert().success();
    assert_eq!(sign_ins(&emu), 2);
}

#[test]
fn cached_credentials_the_api_calls_expired_are_replaced_once() {
    let emu = Emu::start(200);
    let home = CacheHome::new("expired");
    read_accounts(&emu, &home).assert().success();
    let first = home.entry_json()["access_key_id"].clone();
    assert_eq!(emu.emulator().expire_credentials().unwrap(), 1);
    read_accounts(&emu, &home).assert().success();
    // One refusal, one more sign-in, the call retried once and answered.
    assert_eq!(emu.stat("/rejected_signatures"), 1);
    assert_eq!(sign_ins(&emu), 2);
    assert_eq!(emu.stat("/operations/accounts.ReadAccounts"), 2);
    let second = home.entry_json()["access_key_id"].clone();
    assert_ne!(first, second, "the entry was replaced");
    // The replacement serves the next call.
    read_accounts(&emu, &home).assert().success();
    assert_eq!(sign_ins(&emu), 2);
    assert_eq!(emu.stat("/rejected_signatures"), 1);
}

#[test]
fn cached_credentials_the_api_calls_invalid_are_replaced_once() {
    let emu = Emu::start(200);
    let home = CacheHome::new("invalid");
    read_accounts(&emu, &home).assert().success();
    let mut entry = home.entry_json();
    entry["session_token"] = Value::from("bm90IHRoZSB0b2tlbg==");
    write_over(&home.entry(), &serde_json::to_vec(&entry).unwrap());
    read_accounts(&emu, &home).assert().success();
    assert_eq!(emu.stat("/rejected_signatures"), 1);
    assert_eq!(sign_ins(&emu), 2);
    assert_ne!(home.entry_json()["session_token"], entry["session_token"]);
}

#[test]
fn a_corrupt_entry_is_ignored_and_replaced() {
    let emu = Emu::start(200);
    let home = CacheHome::new("corrupt");
    read_accounts(&emu, &home).assert().success();
    let good = std::fs::read(home.entry()).unwrap();
    write_over(&home.entry(), &good[..good.len() / 2]);
    read_accounts(&emu, &home).assert().success();
    assert_eq!(sign_ins(&emu), 2);
    assert!(home.entry_json()["access_key_id"].is_string());
    read_accounts(&emu, &home).assert().success();
    assert_eq!(sign_ins(&emu), 2);
}

/// Twenty processes started together on an empty cache (issue 21, row 14): every one
/// succeeds and one signs in, the others waiting for its entry's lock and reading what it
/// stored; the entry left is whole (the next call uses it) and no temporary file remains.
#[test]
fn processes_started_together_on_an_empty_cache_sign_in_once() {
    let emu = Emu::start(200);
    let home = CacheHome::new("together");
    let children: Vec<std::process::Child> = (0..20)
        .map(|_| {
            emu.stax_std()
                .env("XDG_CACHE_HOME", &home.0)
                .args(["accounts", "ReadAccounts"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(v["Accounts"].is_array());
    }
    let stats = emu.stats();
    common::assert_signed_in_once(&stats);
    assert_eq!(stats["operations"]["accounts.ReadAccounts"], 20, "{stats}");
    assert!(home.entry_json()["access_key_id"].is_string());
    // The entry and its lock file, no temporary file.
    let mut names: Vec<String> = std::fs::read_dir(home.credentials_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(
        names[0].ends_with(".json") && names[1].ends_with(".lock"),
        "{names:?}"
    );
    read_accounts(&emu, &home).assert().success();
    assert_eq!(sign_ins(&emu), 1);
}

#[test]
fn the_flag_and_the_variable_turn_the_cache_off() {
    let emu = Emu::start(200);
    let home = CacheHome::new("off");
    for _ in 0..2 {
        read_accounts(&emu, &home)
            .arg("--no-credential-cache")
            .assert()
            .success();
    }
    for _ in 0..2 {
        read_accounts(&emu, &home)
            .env("STAX_CREDENTIAL_CACHE", "0")
            .assert()
            .success();
    }
    assert_eq!(sign_ins(&emu), 4);
    assert!(!home.credentials_dir().exists(), "nothing written");
    // With an entry there, nothing is read either.
    read_accounts(&emu, &home).assert().success();
    assert_eq!(sign_ins(&emu), 5);
    read_accounts(&emu, &home)
        .args(["--no-credential-cache"])
        .assert()
        .success();
    read_accounts(&emu, &home)
        .env("STAX_CREDENTIAL_CACHE", "0")
        .assert()
        .success();
    assert_eq!(sign_ins(&emu), 7);
    read_accounts(&emu, &home).assert().success();
    assert_eq!(sign_ins(&emu), 7);
}
