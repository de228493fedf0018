//! Hardening of the `stax` binary (issue 21): what `secret_key_command` may print, whose
//! credential cache is trusted, inputs that never end or never open (each run measured: peak
//! memory under 64 MiB, and a guard against hangs), endpoints with a query or a fragment, and
//! configuration errors as one class with exit code 2.

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::measure::{self, Measured};
use common::{Emu, write_over};

/// The most memory a `stax` process may use on any input of this file.
const PEAK_MIB: f64 = 64.0;

/// A guard against hangs (not a measure of speed): a process still running after this is
/// killed and the test fails.
const GUARD: Duration = Duration::from_secs(120);

/// A directory of the test's own, removed at its end.
use common::TempDir as Scratch;

/// Runs `command` measured, and checks what every run of this file must hold: it ended by
/// itself, within the memory bound, with one line on stderr at most (unless verbose).
fn measured(what: &str, command: std::process::Command) -> Measured {
    let run = measure::run(&command, GUARD);
    println!(
        "{what}: exit {:?}, peak {:.1} MiB, stderr {:?}",
        run.code,
        run.peak_mib(),
        run.stderr.trim()
    );
    assert!(!run.hung, "{what}: hung (killed after {GUARD:?})");
    assert!(
        run.peak_mib() < PEAK_MIB,
        "{what}: peak memory {:.1} MiB",
        run.peak_mib()
    );
    run
}

/// Checks a refusal: the exit code, one line on stderr holding each of `words`.
fn assert_refused(what: &str, run: &Measured, code: i32, words: &[&str]) {
    assert_eq!(run.code, Some(code), "{what}: {}", run.stderr);
    assert_eq!(
        run.stderr.trim().lines().count(),
        1,
        "{what}: {}",
        run.stderr
    );
    for word in words {
        assert!(
            run.stderr.contains(word),
            "{what}: {word:?} in {}",
            run.stderr
        );
    }
}

/// A profile file for the emulator: its endpoint, the given access key and `extra` lines.
fn profile(scratch: &Scratch, emu: &Emu, access_key: &str, extra: &str) -> PathBuf {
    let path = scratch.path("config.toml");
    std::fs::write(
        &path,
        format!(
            "[profiles.p]\nendpoint = \"{0}\"\ncognito_endpoint = \"{0}\"\naccess_key = \"{access_key}\"\n{extra}\n",
            emu.endpoint
        ),
    )
    .unwrap();
    path
}

fn sign_ins(emu: &Emu) -> u64 {
    emu.stat("/cognito/InitiateAuth")
}

// Row 1 -------------------------------------------------------------------------------------

/// `pass show` prints the password, then metadata: the secret key is the first line, and a
/// second non-empty line is an error that shows neither line; the access key never comes
/// from the command.
#[test]
fn secret_key_command_gives_its_first_line_only_and_never_the_access_key() {
    if !measure::available() {
        return;
    }
    let emu = Emu::start(200);
    let scratch = Scratch::new("secret");
    let secret = &emu.secret_key;
    let stax = |config: &Path| {
        let mut cmd = emu.stax_std();
        cmd.env_remove("STAX_ACCESS_KEY")
            .env_remove("STAX_SECRET_KEY")
            .env("STAX_CONFIG_FILE", config)
            .env("XDG_CACHE_HOME", &scratch.0)
            .args(["--profile", "p", "accounts", "ReadAccounts"]);
        cmd
    };
    for (command, says) in [
        (
            format!("printf '%s\\nalice\\n' {secret}"),
            "more than one line",
        ),
        (format!("echo {} {secret}", emu.access_key), "a space"),
        (
            format!("printf '\\n%s\\n' {secret}"),
            "nothing on its first line",
        ),
    ] {
        let config = profile(
            &scratch,
            &emu,
            &emu.access_key,
            &format!("secret_key_command = \"{command}\""),
        );
        let run = measured(&command, stax(&config));
        assert_refused(&command, &run, 2, &["secret_key_command", says]);
        assert!(!run.stderr.contains(secret.as_str()), "{}", run.stderr);
        assert!(!run.stderr.contains("alice"), "{}", run.stderr);
    }
    assert_eq!(sign_ins(&emu), 0, "nothing was sent");
    // The first line, trimmed, with empty lines after it: signed in with the profile's key.
    let config = profile(
        &scratch,
        &emu,
        &emu.access_key,
        &format!("secret_key_command = \"printf '  %s \\\\n\\\\n' {secret}\""),
    );
    let run = measured("first line", stax(&config));
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(sign_ins(&emu), 1);
}

// Row 2 -------------------------------------------------------------------------------------

/// Whether this process runs as root.
fn is_root(scratch: &Scratch) -> bool {
    use std::os::unix::fs::MetadataExt as _;
    std::fs::metadata(&scratch.0).unwrap().uid() == 0
}

fn owner_and_mode(path: &Path) -> (u32, u32) {
    use std::os::unix::fs::MetadataExt as _;
    let meta = std::fs::metadata(path).unwrap();
    (meta.uid(), meta.mode() & 0o7777)
}

/// The credential cache and its entries must be the user's own and closed to others'
/// writes; otherwise they are not used (one warning with `-v`, a sign-in instead) and not
/// changed, root included.
#[test]
fn a_credential_cache_others_may_have_written_is_not_used() {
    if !measure::available() {
        return;
    }
    use std::os::unix::fs::PermissionsExt as _;
    let emu = Emu::start(200);
    let home = Scratch::new("owner");
    let stax = |verbose: bool| {
        let mut cmd = emu.stax_std();
        cmd.env("XDG_CACHE_HOME", &home.0);
        if verbose {
            cmd.arg("-v");
        }
        cmd.args(["accounts", "ReadAccounts"]);
        cmd
    };
    assert_eq!(measured("first", stax(false)).code, Some(0));
    assert_eq!(sign_ins(&emu), 1);
    let entry = home.entry();
    let bytes = std::fs::read(&entry).unwrap();
    let dir = home.credentials_dir();

    // A directory others may write (owned by this user): not used, not changed.
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).unwrap();
    let run = measured("writable dir", stax(true));
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(sign_ins(&emu), 2, "a sign-in instead of the cache");
    let warnings: Vec<&str> = run.stderr.lines().filter(|l| l.contains("WARN")).collect();
    assert_eq!(warnings.len(), 1, "{}", run.stderr);
    assert!(
        warnings[0].contains(&dir.display().to_string()),
        "{}",
        warnings[0]
    );
    assert_eq!(owner_and_mode(&dir).1, 0o777, "the directory was changed");
    assert_eq!(
        std::fs::read(&entry).unwrap(),
        bytes,
        "the entry was changed"
    );
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();

    // An entry its group may write: not used.
    std::fs::set_permissions(&entry, std::fs::Permissions::from_mode(0o620)).unwrap();
    assert_eq!(measured("writable entry", stax(false)).code, Some(0));
    assert_eq!(sign_ins(&emu), 3);

    if !is_root(&home) {
        println!("note: only root can give the cache to another user; that part is skipped");
        return;
    }
    // Another user's directory and entry (the case: root trusting them).
    const NOBODY: u32 = 65534;
    std::fs::write(&entry, &bytes).unwrap();
    std::fs::set_permissions(&entry, std::fs::Permissions::from_mode(0o600)).unwrap();
    std::os::unix::fs::chown(&entry, Some(NOBODY), Some(NOBODY)).unwrap();
    std::os::unix::fs::chown(&dir, Some(NOBODY), Some(NOBODY)).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let run = measured("another user's cache", stax(true));
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(sign_ins(&emu), 4, "a sign-in instead of the cache");
    let warnings: Vec<&str> = run.stderr.lines().filter(|l| l.contains("WARN")).collect();
    assert_eq!(warnings.len(), 1, "{}", run.stderr);
    assert!(warnings[0].contains("65534"), "{}", warnings[0]);
    assert_eq!(
        owner_and_mode(&dir),
        (NOBODY, 0o755),
        "the directory was changed"
    );
    assert_eq!(owner_and_mode(&entry), (NOBODY, 0o600));
    assert_eq!(
        std::fs::read(&entry).unwrap(),
        bytes,
        "the entry was changed"
    );
    // Only the entry another user owns, in the user's own directory: not used either.
    std::os::unix::fs::chown(&dir, Some(0), Some(0)).unwrap();
    assert_eq!(measured("another user's entry", stax(false)).code, Some(0));
    assert_eq!(sign_ins(&emu), 5);
}

// Rows 7 and 8 ------------------------------------------------------------------------------

/// Devices, FIFOs, links to `/dev/zero` and commands that never stop, wherever a path or a
/// command is read: each refused at once, one line naming it, within the memory bound.
#[test]
fn inputs_that_never_end_or_never_open_are_refused_at_once() {
    if !measure::available() {
        return;
    }
    let emu = Emu::start(200);
    let scratch = Scratch::new("inputs");
    let call = |args: &[&str]| {
        let mut cmd = emu.stax_std();
        cmd.env("XDG_CACHE_HOME", scratch.path("cache")).args(args);
        cmd
    };
    let fifo = scratch.fifo("fifo");
    let huge = scratch.huge("huge.json");
    let zero_link = scratch.path("zero-link.toml");
    std::os::unix::fs::symlink("/dev/zero", &zero_link).unwrap();
    for path in [Path::new("/dev/zero"), fifo.as_path(), huge.as_path()] {
        let shown = path.display().to_string();
        let run = measured(
            &format!("--schema {shown}"),
            call(&["--schema", &shown, "accounts", "ReadAccounts"]),
        );
        // A document the user named is a configuration error: exit 2.
        assert_refused("--schema", &run, 2, &[&shown, "OpenAPI document", "32 MiB"]);
        let mut cmd = call(&["permission-sets", "ListPermissionSets"]);
        cmd.env("STAX_PERMISSION_SETS_SCHEMA", path);
        let run = measured(&format!("STAX_PERMISSION_SETS_SCHEMA={shown}"), cmd);
        assert_refused(
            "sets schema",
            &run,
            2,
            &[&shown, "OpenAPI document", "32 MiB"],
        );
        let run = measured(
            &format!("stax emulator --openapi {shown}"),
            call(&["emulator", "--openapi", &shown]),
        );
        // The emulator's start-up failures exit 1, as its other ones do.
        assert_eq!(run.code, Some(1), "{}", run.stderr);
        for word in [shown.as_str(), "32 MiB"] {
            assert!(run.stderr.contains(word), "{word:?} in {}", run.stderr);
        }
        let run = measured(
            &format!("@{shown}"),
            call(&["accounts", "CreateAccountType", &format!("@{shown}")]),
        );
        assert_refused("@file", &run, 2, &[&shown, "10 MiB"]);
    }
    for config in [&zero_link, &fifo, &huge] {
        let shown = config.display().to_string();
        let mut cmd = call(&["--profile", "p", "accounts", "ReadAccounts"]);
        cmd.env("STAX_CONFIG_FILE", config);
        let run = measured(&format!("STAX_CONFIG_FILE={shown}"), cmd);
        assert_refused("config.toml", &run, 2, &[&shown, "profile file", "1 MiB"]);
    }
    // A command that never stops printing is stopped at 64 KiB; one that never ends, at its
    // timeout.
    for (lines, limit) in [
        ("secret_key_command = \"yes\"", "64 KiB"),
        (
            "secret_key_command = \"exec sleep 600\"\nsecret_key_command_timeout = 1",
            "1 s",
        ),
    ] {
        let config = profile(&scratch, &emu, &emu.access_key, lines);
        let mut cmd = call(&["--profile", "p", "accounts", "ReadAccounts"]);
        cmd.env("STAX_CONFIG_FILE", &config);
        let run = measured(lines, cmd);
        assert_refused(lines, &run, 2, &["secret_key_command", limit]);
    }
    assert_eq!(sign_ins(&emu), 0, "nothing was sent");
}

/// A FIFO, a device or a 4 GiB file in place of the credential cache's entry: a cache that
/// cannot be read costs a sign-in, never a call, and is never read whole.
#[test]
fn a_credential_entry_that_never_ends_or_never_opens_costs_a_sign_in() {
    if !measure::available() {
        return;
    }
    let emu = Emu::start(200);
    let home = Scratch::new("entry");
    let stax = || {
        let mut cmd = emu.stax_std();
        cmd.env("XDG_CACHE_HOME", &home.0)
            .args(["accounts", "ReadAccounts"]);
        cmd
    };
    assert_eq!(measured("first", stax()).code, Some(0));
    let entry = home.entry();
    let mut expected = 1;
    for what in ["fifo", "huge", "zero"] {
        std::fs::remove_file(&entry).unwrap();
        match what {
            "fifo" => common::mkfifo(&entry),
            "huge" => {
                let file = std::fs::File::create(&entry).unwrap();
                file.set_len(4 << 30).unwrap();
                std::fs::set_permissions(
                    &entry,
                    std::os::unix::fs::PermissionsExt::from_mode(0o600),
                )
                .unwrap();
            }
            _ => std::os::unix::fs::symlink("/dev/zero", &entry).unwrap(),
        }
        let run = measured(what, stax());
        assert_eq!(run.code, Some(0), "{what}: {}", run.stderr);
        expected += 1;
        assert_eq!(sign_ins(&emu), expected, "{what}: a sign-in instead");
        // The entry is written anew after the sign-in and serves the next call.
        assert!(std::fs::metadata(&entry).unwrap().is_file());
        assert_eq!(measured("again", stax()).code, Some(0));
        assert_eq!(sign_ins(&emu), expected, "{what}: the new entry is used");
    }
}

// Rows 9 and 10 -----------------------------------------------------------------------------

/// A base URL with a query string or a fragment is a usage error; nothing is sent.
#[test]
fn endpoints_with_a_query_or_a_fragment_are_usage_errors() {
    if !measure::available() {
        return;
    }
    let emu = Emu::start(200);
    let scratch = Scratch::new("query");
    for endpoint in [
        format!("{}/?x=1", emu.endpoint),
        format!("{}?x=1", emu.endpoint),
        format!("{}/#frag", emu.endpoint),
    ] {
        let mut cmd = emu.stax_std();
        cmd.env("XDG_CACHE_HOME", &scratch.0)
            .env("STAX_ENDPOINT", &endpoint)
            .args(["accounts", "ReadAccounts"]);
        let run = measured(&endpoint, cmd);
        assert_refused(
            &endpoint,
            &run,
            2,
            &["STAX_ENDPOINT", "query string or a fragment"],
        );
        let mut cmd = emu.stax_std();
        cmd.env("XDG_CACHE_HOME", &scratch.0).args([
            "--endpoint",
            &endpoint,
            "accounts",
            "ReadAccounts",
        ]);
        let run = measured(&endpoint, cmd);
        assert_refused(
            &endpoint,
            &run,
            2,
            &["--endpoint", "query string or a fragment"],
        );
    }
    assert_eq!(
        emu.stat("/requests"),
        0,
        "nothing was sent: {}",
        emu.stats()
    );
}

/// Every configuration error exits 2, wherever it is found: a CA bundle that is missing, one
/// that holds no certificate, one that is a device or too large.
#[test]
fn configuration_errors_exit_2_wherever_they_are_found() {
    if !measure::available() {
        return;
    }
    let emu = Emu::start(200);
    let scratch = Scratch::new("bundle");
    let text = scratch.path("notes.txt");
    std::fs::write(&text, "not a certificate\n").unwrap();
    let huge = scratch.huge("huge.pem");
    let missing = scratch.path("missing.pem");
    for (bundle, says) in [
        (text.as_path(), "no certificate"),
        (missing.as_path(), "not a file"),
        (Path::new("/dev/zero"), "not a file"),
        (huge.as_path(), "4 MiB"),
    ] {
        for variable in ["SSL_CERT_FILE", "AWS_CA_BUNDLE"] {
            let mut cmd = emu.stax_std();
            cmd.env("XDG_CACHE_HOME", &scratch.0)
                .env(variable, bundle)
                .args(["accounts", "ReadAccounts"]);
            let run = measured(&format!("{variable}={}", bundle.display()), cmd);
            assert_refused(
                variable,
                &run,
                2,
                &["configuration error", &bundle.display().to_string(), says],
            );
        }
    }
    assert_eq!(
        emu.stat("/requests"),
        0,
        "nothing was sent: {}",
        emu.stats()
    );
}

/// A document the user named by path that cannot be read or is no document is a
/// configuration error (exit 2), however it was named; a live document the installation
/// serves that cannot be loaded stays a failure of the call (exit 1).
#[test]
fn a_named_document_that_cannot_be_used_is_a_configuration_error() {
    if !measure::available() {
        return;
    }
    let emu = Emu::start(200);
    let scratch = Scratch::new("named");
    let missing = scratch.path("missing.json");
    let text = scratch.path("notes.json");
    std::fs::write(&text, "not JSON\n").unwrap();
    let shapeless = scratch.path("shapeless.json");
    std::fs::write(&shapeless, "[1, 2]").unwrap();
    for path in [
        Path::new("/dev/zero"),
        missing.as_path(),
        text.as_path(),
        shapeless.as_path(),
    ] {
        let shown = path.display().to_string();
        let stax = |args: &[&str]| {
            let mut cmd = emu.stax_std();
            cmd.env("XDG_CACHE_HOME", scratch.path("cache")).args(args);
            cmd
        };
        let run = measured(
            &format!("--schema {shown}"),
            stax(&["--schema", &shown, "accounts", "ReadAccounts"]),
        );
        assert_refused(
            &shown,
            &run,
            2,
            &["configuration error", &shown, "--schema"],
        );
        for (variable, service, operation) in [
            ("STAX_SCHEMA", "accounts", "ReadAccounts"),
            (
                "STAX_PERMISSION_SETS_SCHEMA",
                "permission-sets",
                "ListPermissionSets",
            ),
        ] {
            let mut cmd = stax(&[service, operation]);
            cmd.env(variable, path);
            let run = measured(&format!("{variable}={shown}"), cmd);
            assert_refused(
                variable,
                &run,
                2,
                &["configuration error", &shown, variable],
            );
        }
    }
    assert_eq!(
        emu.stat("/requests"),
        0,
        "nothing was sent: {}",
        emu.stats()
    );
    // The installation's own document, when it cannot be had: exit 1, a schema error.
    let mut cmd = emu.stax_std();
    cmd.env("XDG_CACHE_HOME", scratch.path("cache"))
        .env("STAX_ENDPOINT", "http://127.0.0.1:9")
        .env("STAX_OPERATION_TIMEOUT", "5")
        .args(["accounts", "ReadAccounts"]);
    let run = measured("unreachable live document", cmd);
    assert_refused("live", &run, 1, &["schema error", "127.0.0.1:9"]);
}

// Rows 5 and 6 ------------------------------------------------------------------------------

/// `--query` is compiled, its depth bounded and its functions checked before anything is
/// sent: a broken one on a write never reaches the server (a script that retries on exit 2
/// would otherwise repeat the write), and one nested 20,000 deep is a usage error, not a
/// stack overflow, whatever the construct.
#[test]
fn a_query_is_checked_before_anything_is_sent() {
    let emu = Emu::start(200);
    let scratch = Scratch::new("query-first");
    let create = |query: &str| {
        let mut cmd = emu.stax();
        cmd.env("XDG_CACHE_HOME", &scratch.0).args([
            "accounts",
            "CreateAccountType",
            "Name=from-a-bad-query",
            "--query",
            query,
        ]);
        cmd
    };
    let deep = 20_000;
    for (query, says) in [
        ("AccountType[?".to_owned(), "not valid JMESPath"),
        ("AccountType.sizeof(Name)".to_owned(), "no function named"),
        ("length(AccountType, Name)".to_owned(), "takes 1 argument"),
        (format!("{}a", "!".repeat(deep)), "at most 200"),
        (
            format!("{}a{}", "(".repeat(deep), ")".repeat(deep)),
            "at most 200",
        ),
        (format!("a{}", "[0]".repeat(deep)), "at most 200"),
        (format!("a{}", ".a".repeat(deep)), "at most 200"),
    ] {
        let out = create(&query).assert().code(2).get_output().clone();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.starts_with("stax: --query"), "{stderr}");
        assert!(stderr.contains(says), "{says:?} in {stderr}");
        assert!(stderr.len() < 400, "one short line: {stderr}");
    }
    assert_eq!(
        emu.stat("/requests"),
        0,
        "nothing was sent: {}",
        emu.stats()
    );
    // A query that is fine until it meets the answer fails after the call: exit 1, saying so.
    let out = create("abs(AccountType)")
        .assert()
        .code(1)
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("failed on the answer"), "{stderr}");
    assert_eq!(emu.stat("/operations/accounts.CreateAccountType"), 1);
}

/// The audit of late checks: what the options ask of an operation is checked against its
/// document before the call is sent (`--wait` with an operation whose answer names no task,
/// `--all-pages` with one that does not page, a `--page-size` its limit refuses), and
/// numbers that can never work are refused by the command line itself. Nothing is signed or
/// sent; the dry run refuses the same.
#[test]
fn what_the_options_ask_of_the_operation_is_checked_before_sending() {
    let emu = Emu::start(200);
    let scratch = Scratch::new("options-first");
    let stax = |args: &[&str]| {
        let mut cmd = emu.stax();
        cmd.env("XDG_CACHE_HOME", &scratch.0).args(args);
        cmd
    };
    for (args, says) in [
        (
            &[
                "teams",
                "CreateApiToken",
                "Name=t1",
                "Role=api_readonly",
                "--wait",
            ][..],
            "--wait: teams.CreateApiToken answers with neither a TaskId nor permission set assignments",
        ),
        (
            &["accounts", "ReadAccounts", "--wait"],
            "nothing to wait for",
        ),
        (
            &["accounts", "CreateAccountType", "Name=t2", "--all-pages"],
            "--all-pages: accounts.CreateAccountType does not page",
        ),
        (
            &["accounts", "ReadAccountTypes", "--all-pages"],
            "--all-pages: accounts.ReadAccountTypes does not page",
        ),
        (
            &[
                "permission-sets",
                "ListPermissionSets",
                "--all-pages",
                "--page-size",
                "500",
            ],
            "--page-size 500: permission-sets.ListPermissionSets takes a page size (limit) from 1 to 100",
        ),
        (
            &[
                "accounts",
                "ReadAccounts",
                "--all-pages",
                "--page-size",
                "0",
            ],
            "--page-size",
        ),
        (
            &[
                "accounts",
                "CreateAccount",
                "Name=a1",
                "AccountType=x",
                "--wait",
                "--wait-timeout",
                "0",
            ],
            "--wait-timeout",
        ),
        (&["accounts", "ReadAccounts", "--output", "xml"], "--output"),
    ] {
        for dry_run in [false, true] {
            let mut cmd = stax(args);
            if dry_run {
                cmd.arg("--dry-run");
            }
            let out = cmd.assert().code(2).get_output().clone();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
            assert!(stderr.contains(says), "{args:?}: {says:?} in {stderr}");
        }
    }
    // Only the documents were read: no operation, no sign-in.
    let stats = emu.stats();
    assert_eq!(stats["operations"], serde_json::json!({}), "{stats}");
    let cognito = stats["cognito"].as_object().unwrap();
    assert!(cognito.values().all(|n| n == 0), "{stats}");
    // A missing key fails as the sign-in would (exit 1), found before the document is read.
    let before = emu.stat("/requests");
    let out = stax(&["accounts", "CreateAccountType", "Name=t3"])
        .env_remove("STAX_SECRET_KEY")
        .assert()
        .code(1)
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("STAX_SECRET_KEY"), "{stderr}");
    assert_eq!(emu.stat("/requests"), before, "nothing was sent");
    // What the document allows still runs.
    stax(&[
        "permission-sets",
        "ListPermissionSets",
        "--all-pages",
        "--page-size",
        "100",
    ])
    .assert()
    .success();
    stax(&[
        "accounts",
        "ReadAccounts",
        "--all-pages",
        "--page-size",
        "2",
    ])
    .assert()
    .success();
}

// Row 4 -------------------------------------------------------------------------------------

/// An entry under the right key (base URL and API token) whose pools and credentials are
/// another installation's, as an installation rebuilt behind the same URL leaves: its
/// credentials are refused, the entry goes, and the sign-in that follows uses the pools the
/// installation serves, never the entry's: the call succeeds in the same run.
#[test]
fn an_entry_made_for_other_pools_gives_way_to_a_sign_in_at_the_installations() {
    let emu = Emu::start(200);
    let other = Emu::start(200);
    let home = Scratch::new("pools");
    let other_home = Scratch::new("pools-other");
    let read = |emu: &Emu, home: &Scratch| {
        let mut cmd = emu.stax();
        cmd.env("XDG_CACHE_HOME", &home.0)
            .args(["accounts", "ReadAccounts"]);
        cmd
    };
    read(&other, &other_home).assert().success();
    read(&emu, &home).assert().success();
    assert_eq!(sign_ins(&emu), 1);
    let foreign = other_home.entry_json();
    let mut entry = home.entry_json();
    let own_pools = entry["api_auth"].clone();
    assert_ne!(
        foreign["api_auth"], own_pools,
        "two installations, two sets of pools"
    );
    for field in [
        "access_key_id",
        "secret_access_key",
        "session_token",
        "api_auth",
    ] {
        entry[field] = foreign[field].clone();
    }
    write_over(&home.entry(), &serde_json::to_vec(&entry).unwrap());

    let out = read(&emu, &home).assert().success().get_output().clone();
    let answer: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(answer["Accounts"].is_array(), "{answer}");
    assert_eq!(emu.stat("/rejected_signatures"), 1, "{}", emu.stats());
    assert_eq!(
        sign_ins(&emu),
        2,
        "one sign-in, at the installation's pools"
    );
    assert_eq!(home.entry_json()["api_auth"], own_pools);
    assert_eq!(sign_ins(&other), 1, "the other installation was not asked");
    // The replacement serves the next run.
    read(&emu, &home).assert().success();
    assert_eq!(sign_ins(&emu), 2);
}

// Row 14 ------------------------------------------------------------------------------------
// Twenty processes on an empty cache: `credential_cache.rs`,
// `processes_started_together_on_an_empty_cache_sign_in_once`.

/// Holds an entry's lock from another process (`python3`, `fcntl.flock`, as `stax` locks);
/// returns it once the lock is held.
fn lock_holder(lock: &Path) -> std::process::Child {
    use std::io::BufRead as _;
    use std::os::unix::process::CommandExt as _;
    let mut child = std::process::Command::new("python3")
        .args([
            "-c",
            "import fcntl, sys, time\nf = open(sys.argv[1], 'a')\nfcntl.flock(f, fcntl.LOCK_EX)\nprint('held', flush=True)\ntime.sleep(600)",
        ])
        .arg(lock)
        .process_group(0)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3 runs");
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_eq!(line.trim(), "held");
    child
}

/// The lock of a process that died is released with it: nobody waits. A live process that
/// keeps it (stopped, hung) holds the others up for a bounded time only (10 s), after which
/// they sign in themselves.
#[test]
fn a_lock_whose_holder_died_or_hangs_holds_nobody_up_for_long() {
    let emu = Emu::start(200);
    let home = Scratch::new("stale-lock");
    let read = || {
        let mut cmd = emu.stax();
        cmd.env("XDG_CACHE_HOME", &home.0)
            .args(["-v", "accounts", "ReadAccounts"]);
        cmd
    };
    read().assert().success();
    let names = |ext: &str| -> Vec<PathBuf> {
        std::fs::read_dir(home.credentials_dir())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == ext))
            .collect()
    };
    let (entry, lock) = (names("json").remove(0), names("lock").remove(0));
    let waited = "another process is still signing in";

    // Killed while it held the lock: the next run takes the lock at once.
    let mut dead = lock_holder(&lock);
    dead.kill().unwrap();
    dead.wait().unwrap();
    std::fs::remove_file(&entry).unwrap();
    let out = read().assert().success().get_output().clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains(waited), "{stderr}");
    assert_eq!(sign_ins(&emu), 2);

    // Alive and holding it: the run waits its bound, then signs in by itself.
    let mut alive = lock_holder(&lock);
    std::fs::remove_file(&entry).unwrap();
    let out = read().assert().success().get_output().clone();
    let _ = alive.kill();
    let _ = alive.wait();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(waited), "{stderr}");
    assert_eq!(sign_ins(&emu), 3);
    assert!(entry.exists(), "the entry is written all the same");
}
