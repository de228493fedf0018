//! Hardening of the `stax` binary (issue 21): what `secret_key_command` may print, whose
//! credential cache is trusted, inputs that never end or never open (each run measured: peak
//! memory under 64 MiB, and a guard against hangs), endpoints with a query or a fragment, and
//! configuration errors as one class with exit code 2.

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::Emu;
use common::measure::{self, Measured};

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
        assert_refused("--schema", &run, 1, &[&shown, "OpenAPI document", "32 MiB"]);
        let mut cmd = call(&["permission-sets", "ListPermissionSets"]);
        cmd.env("STAX_PERMISSION_SETS_SCHEMA", path);
        let run = measured(&format!("STAX_PERMISSION_SETS_SCHEMA={shown}"), cmd);
        assert_refused(
            "sets schema",
            &run,
            1,
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
            "secret_key_command = \"sleep 600\"\nsecret_key_command_timeout = 1",
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
