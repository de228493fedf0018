//! What shell users coming from the aws CLI reach for, against the emulator: `--output text`
//! read by a `while read` loop, `--max-items` / `--starting-token` over offset and token
//! paging, skeletons filled in and sent, `--debug` with every secret masked, `stax configure`
//! (flags, and a terminal that never shows the secret), `stax man`.

mod common;

use std::os::unix::fs::PermissionsExt as _;

use common::{Emu, TempDir};
use serde_json::{Value, json};

/// `stax ARGS` against `emu`: its exit code, stdout and stderr.
fn run(emu: &Emu, args: &[&str]) -> (i32, String, String) {
    let out = emu.stax().args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn json_of(emu: &Emu, args: &[&str]) -> Value {
    let (code, out, err) = run(emu, args);
    assert_eq!(code, 0, "stax {args:?}: {err}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("stax {args:?}: {e}: {out}"))
}

/// A shell line run by bash with this build's `stax` first on the PATH and `emu`'s
/// environment.
fn bash(emu: &Emu, line: &str) -> (i32, String, String) {
    let mut cmd = emu.command("bash");
    cmd.args(["-c", line]);
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn text_output_feeds_a_while_read_loop() {
    let emu = Emu::start(0);
    let accounts = json_of(&emu, &["accounts", "ReadAccounts"]);
    let expected: Vec<String> = accounts["Accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| format!("{}|{}|{}", a["Id"], a["Name"], a["Status"]).replace('"', ""))
        .collect();
    let (code, out, err) = bash(
        &emu,
        r#"stax accounts ReadAccounts --output text --query 'Accounts[].[Id, Name, Status]' |
           while IFS=$'\t' read -r id name status; do echo "$id|$name|$status"; done"#,
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.lines().collect::<Vec<_>>(), expected);
    // Without a query: a line per account, the key in capitals, the sorted scalar columns.
    let (code, out, err) = run(&emu, &["accounts", "ReadAccounts", "-o", "text"]);
    assert_eq!(code, 0, "{err}");
    let rows: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with("ACCOUNTS\t"))
        .collect();
    assert_eq!(rows.len(), expected.len(), "{out}");
    let width = rows[0].split('\t').count();
    assert!(rows.iter().all(|r| r.split('\t').count() == width), "{out}");

    // Cut at --max-items: the token is the last line, `NEXTTOKEN<TAB><token>`, as the aws CLI
    // prints it; `grep | cut` gives it to --starting-token, which goes on from the third.
    let (code, out, err) = run(
        &emu,
        &["accounts", "ReadAccounts", "--max-items", "2", "-o", "text"],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out.lines().filter(|l| l.starts_with("ACCOUNTS\t")).count(),
        2
    );
    let last = out.lines().last().unwrap();
    assert!(
        last.starts_with("NEXTTOKEN\t") && last.split('\t').count() == 2,
        "{out}"
    );
    let (code, out, err) = bash(
        &emu,
        r#"token=$(stax accounts ReadAccounts --max-items 2 -o text | grep '^NEXTTOKEN' | cut -f2)
           stax accounts ReadAccounts --starting-token "$token" -o text --query 'Accounts[].[Id]'"#,
    );
    assert_eq!(code, 0, "{err}");
    let ids: Vec<String> = accounts["Accounts"].as_array().unwrap()[2..]
        .iter()
        .map(|a| a["Id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(out.lines().collect::<Vec<_>>(), ids);
}

/// Walks `list` (`stax ... --max-items 3`, then `--starting-token` with each NextToken) and
/// gives the ids seen, in order, and the number of runs.
fn walk_in_threes(emu: &Emu, list: &[&str], key: &str) -> (Vec<String>, usize) {
    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    for runs in 1..=20 {
        let mut args: Vec<&str> = list.to_vec();
        args.extend(["--max-items", "3", "--page-size", "4"]);
        if let Some(token) = &token {
            args.extend(["--starting-token", token]);
        }
        let page = json_of(emu, &args);
        let items = page[key].as_array().unwrap();
        assert!(items.len() <= 3, "{page}");
        seen.extend(items.iter().map(|i| i["Id"].as_str().unwrap().to_owned()));
        match page.get("NextToken") {
            Some(next) => {
                assert!(page.get("Paging").is_none(), "{page}");
                token = Some(next.as_str().unwrap().to_owned());
            }
            None => return (seen, runs),
        }
    }
    panic!("the walk did not end: {seen:?}");
}

#[test]
fn max_items_then_starting_token_gives_every_item_once() {
    let emu = Emu::start(0);
    for i in 0..10 {
        json_of(
            &emu,
            &[
                "accounts",
                "CreateAccount",
                &format!("Name=walk-{i}"),
                "AccountType=Production",
            ],
        );
    }
    let existing = json_of(&emu, &["permission-sets", "ListPermissionSets"])["PermissionSets"]
        .as_array()
        .unwrap()
        .len();
    for i in existing..10 {
        json_of(
            &emu,
            &[
                "permission-sets",
                "CreatePermissionSet",
                &format!("Name=walk-{i}"),
            ],
        );
    }
    let core = ["accounts", "ReadAccounts", "name_filter=walk-"];
    let sets = ["permission-sets", "ListPermissionSets"];
    for (list, key) in [(&core[..], "Accounts"), (&sets[..], "PermissionSets")] {
        let all: Vec<String> = json_of(&emu, list)[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["Id"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(all.len(), 10, "{list:?}");
        let (seen, runs) = walk_in_threes(&emu, list, key);
        assert_eq!(seen, all, "{list:?}: a gap or a repeat");
        assert_eq!(runs, 4, "{list:?}");
    }
    // A token belongs to its operation and its arguments: anything else is a usage error,
    // refused before the list is read.
    let first = json_of(&emu, &["accounts", "ReadAccounts", "--max-items", "2"]);
    let token = first["NextToken"].as_str().unwrap();
    let reads = emu.stat("/operations/accounts.ReadAccountTypes");
    for (args, says) in [
        (
            vec!["accounts", "ReadAccountTypes", "--starting-token", token],
            "belongs to accounts.ReadAccounts, not to accounts.ReadAccountTypes",
        ),
        (
            vec![
                "accounts",
                "ReadAccounts",
                "filter=ACTIVE",
                "--starting-token",
                token,
            ],
            "other arguments",
        ),
        (
            vec!["accounts", "ReadAccountTypes", "--starting-token", "bogus"],
            "NextToken",
        ),
    ] {
        let (code, _, err) = run(&emu, &args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
    }
    assert_eq!(emu.stat("/operations/accounts.ReadAccountTypes"), reads);
}

/// Fills a skeleton: every placeholder of `fill` replaced, the others removed.
fn fill(skeleton: &mut Value, fill: &Value) {
    let (Value::Object(fields), Value::Object(values)) = (skeleton, fill) else {
        panic!("not objects");
    };
    fields.retain(|k, _| values.contains_key(k));
    for (k, v) in values {
        assert!(fields.contains_key(k), "the skeleton has no {k}");
        fields.insert(k.clone(), v.clone());
    }
}

#[test]
fn filled_in_skeletons_are_accepted_by_the_call() {
    let emu = Emu::start(0);
    let dir = TempDir::new("skeleton");
    let skeleton = json_of(
        &emu,
        &["accounts", "CreateAccount", "--generate-skeleton", "input"],
    );
    assert_eq!(skeleton["Name"], "<string, required>");
    assert_eq!(skeleton["AccountType"], "<string, required>");
    assert!(skeleton["Tags"].is_object(), "{skeleton}");
    // A placeholder left in is refused before anything is sent.
    let left = dir.path("left.json");
    std::fs::write(&left, skeleton.to_string()).unwrap();
    let creates = emu.stat("/operations/accounts.CreateAccount");
    let (code, _, err) = run(
        &emu,
        &["accounts", "CreateAccount", &format!("@{}", left.display())],
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("still holds the skeleton's placeholder"),
        "{err}"
    );
    assert_eq!(emu.stat("/operations/accounts.CreateAccount"), creates);
    let mut account = skeleton.clone();
    fill(
        &mut account,
        &json!({"Name": "from-skeleton", "AccountType": "Production", "Tags": {"team": "data"}}),
    );
    let filled = dir.path("account.json");
    std::fs::write(&filled, serde_json::to_string_pretty(&account).unwrap()).unwrap();
    let created = json_of(
        &emu,
        &[
            "accounts",
            "CreateAccount",
            &format!("@{}", filled.display()),
        ],
    );
    assert!(created["TaskId"].is_string(), "{created}");

    let skeleton = json_of(
        &emu,
        &[
            "permission-sets",
            "CreatePermissionSet",
            "--generate-skeleton",
        ],
    );
    assert_eq!(skeleton["Name"], "<string, required>");
    assert_eq!(
        skeleton["AWSManagedPolicies"],
        json!([{"PolicyArn": "<string, required>"}])
    );
    let mut set = skeleton.clone();
    fill(
        &mut set,
        &json!({
            "Name": "FromSkeleton",
            "Description": "made from a skeleton",
            "AWSManagedPolicies": [{"PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}],
            "InlinePolicies": [{"Name": "extra", "Policy": "{\"Version\": \"2012-10-17\", \"Statement\": []}"}],
            "MaxSessionDuration": 7200,
            "Tags": {"team": "data"}
        }),
    );
    let filled = dir.path("set.json");
    std::fs::write(&filled, set.to_string()).unwrap();
    let created = json_of(
        &emu,
        &[
            "permission-sets",
            "CreatePermissionSet",
            &format!("@{}", filled.display()),
        ],
    );
    assert_eq!(created["Name"], "FromSkeleton");
    assert_eq!(created["MaxSessionDuration"], 7200);

    // YAML: printed with --output yaml, filled in, read back by @file.yaml.
    let (code, yaml, err) = run(
        &emu,
        &[
            "permission-sets",
            "CreatePermissionSet",
            "--generate-skeleton",
            "--output",
            "yaml",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(yaml.contains("Name: <string, required>"), "{yaml}");
    let filled_yaml: String = yaml
        .lines()
        .filter(|l| l.starts_with("Name:"))
        .map(|_| "Name: FromYaml\n")
        .collect();
    let path = dir.path("set.yaml");
    std::fs::write(&path, filled_yaml).unwrap();
    let created = json_of(
        &emu,
        &[
            "permission-sets",
            "CreatePermissionSet",
            &format!("@{}", path.display()),
        ],
    );
    assert_eq!(created["Name"], "FromYaml");

    // The output skeleton is the answer's shape.
    let output = json_of(
        &emu,
        &["accounts", "ReadAccounts", "--generate-skeleton", "output"],
    );
    assert!(output["Accounts"][0]["Id"].is_string(), "{output}");
}

/// Every JSON body line of a `--debug` log.
fn bodies(log: &str) -> Vec<Value> {
    log.lines()
        .filter_map(|l| l.strip_prefix("  "))
        .filter(|l| l.starts_with('{') || l.starts_with('['))
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

/// Every value of a field named `name` in `value`.
fn fields<'a>(value: &'a Value, name: &str, out: &mut Vec<&'a Value>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                if k == name {
                    out.push(v);
                }
                fields(v, name, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| fields(v, name, out)),
        _ => {}
    }
}

#[test]
fn debug_shows_every_body_and_no_secret() {
    let emu = Emu::start(0);
    let home = TempDir::new("debug");
    let out = emu
        .stax()
        .env("XDG_CACHE_HOME", &home.0)
        .args([
            "--debug",
            "teams",
            "CreateApiToken",
            "Name=debugged",
            "Role=api_readonly",
        ])
        .output()
        .unwrap();
    let log = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{log}");
    let made: Value = serde_json::from_slice(&out.stdout).unwrap();
    let new_secret = made["ApiTokens"][0]["SecretKey"]
        .as_str()
        .unwrap()
        .to_owned();
    // The sign-in's credentials, as the credential cache kept them.
    let entry = home.entry_json();
    let session_token = entry["session_token"].as_str().unwrap().to_owned();
    let temporary_secret = entry["secret_access_key"].as_str().unwrap().to_owned();

    // A permission set call with the credentials of the cache, and one that signs in again.
    let out = emu
        .stax()
        .env("XDG_CACHE_HOME", &home.0)
        .args([
            "--debug",
            "permission-sets",
            "CreatePermissionSet",
            "Name=Debugged",
        ])
        .output()
        .unwrap();
    let set_log = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{set_log}");
    let log = format!("{log}{set_log}");

    for operation in [
        "cognito.InitiateAuth",
        "cognito.RespondToAuthChallenge",
        "cognito.GetId",
        "cognito.GetCredentialsForIdentity",
        "teams.CreateApiToken",
        "permission-sets.CreatePermissionSet",
    ] {
        assert!(
            log.contains(&format!("> {operation} (attempt 1)")),
            "{operation}: {log}"
        );
        assert!(
            log.contains(&format!("< {operation} (attempt 1): 20")),
            "{operation}: {log}"
        );
    }
    let bodies = bodies(&log);
    assert!(
        bodies.contains(&json!({"Name": "debugged", "Role": "api_readonly"})),
        "{log}"
    );
    assert!(bodies.contains(&json!({"Name": "Debugged"})), "{log}");
    assert!(
        log.contains("\"AccessKey\""),
        "the answer's body is shown: {log}"
    );
    assert!(log.contains("x-amz-security-token: ***"), "{log}");
    assert!(log.contains("Signature=***"), "{log}");
    for (what, secret) in [
        ("the API token's secret key", emu.secret_key.as_str()),
        ("the session token", session_token.as_str()),
        ("the temporary secret key", temporary_secret.as_str()),
        ("the new token's secret", new_secret.as_str()),
    ] {
        assert!(!log.contains(secret), "{what} shows in --debug: {log}");
    }
    // The SRP values and password claims: every one of them is masked.
    for name in [
        "SRP_A",
        "SRP_B",
        "SALT",
        "SECRET_BLOCK",
        "PASSWORD_CLAIM_SIGNATURE",
        "PASSWORD_CLAIM_SECRET_BLOCK",
        "IdToken",
        "AccessToken",
        "RefreshToken",
        "SessionToken",
        "SecretKey",
    ] {
        let mut found = Vec::new();
        for body in &bodies {
            fields(body, name, &mut found);
        }
        assert!(!found.is_empty(), "no {name} in the log: {log}");
        assert!(found.iter().all(|v| *v == "***"), "{name} shows: {found:?}");
    }
}

/// `stax configure` writing into `file`, without the environment's keys.
fn configure(emu: &Emu, file: &std::path::Path) -> assert_cmd::Command {
    let mut cmd = emu.stax();
    cmd.env("STAX_CONFIG_FILE", file)
        .env_remove("STAX_ACCESS_KEY")
        .env_remove("STAX_SECRET_KEY")
        .arg("configure");
    cmd
}

#[test]
fn configure_without_a_terminal_then_call_with_the_profile() {
    let emu = Emu::start(0);
    let dir = TempDir::new("configure");
    let file = dir.path("stax/config.toml");
    let out = configure(&emu, &file)
        .args([
            "--profile",
            "ci",
            "--endpoint",
            &emu.endpoint,
            "--access-key",
            &emu.access_key,
            "--secret-key-stdin",
        ])
        .write_stdin(format!("{}\n", emu.secret_key))
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        said.contains("works: signed in to the organisation"),
        "{said}"
    );
    assert!(!said.contains(&emu.secret_key));
    let mode = std::fs::metadata(&file).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    let written: toml::Value = toml::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(
        written["profiles"]["ci"]["access_key"].as_str(),
        Some(emu.access_key.as_str())
    );

    let call = |args: &[&str]| {
        emu.stax()
            .env("STAX_CONFIG_FILE", &file)
            .env_remove("STAX_ACCESS_KEY")
            .env_remove("STAX_SECRET_KEY")
            .env_remove("STAX_ENDPOINT")
            .args(args)
            .output()
            .unwrap()
    };
    let out = call(&[
        "--profile",
        "ci",
        "accounts",
        "ReadAccounts",
        "--query",
        "length(Accounts)",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Without --profile: `default`, used when no profile is named.
    configure(&emu, &file)
        .args(["--endpoint", &emu.endpoint, "--access-key", &emu.access_key])
        .args(["--secret-key-command", &format!("echo {}", emu.secret_key)])
        .assert()
        .success();
    let out = call(&["accounts", "ReadAccounts", "--query", "length(Accounts)"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // A wrong secret is written and said not to work (exit 1); missing keys are usage errors.
    let out = configure(&emu, &file)
        .args([
            "--profile",
            "wrong",
            "--endpoint",
            &emu.endpoint,
            "--access-key",
            &emu.access_key,
        ])
        .arg("--secret-key-stdin")
        .write_stdin("not-the-secret\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("its check failed"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = configure(&emu, &file)
        .args(["--profile", "nokey", "--endpoint", &emu.endpoint])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("secret key"));
    // The other profiles are still there.
    let written: toml::Value = toml::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let names: Vec<&String> = written["profiles"].as_table().unwrap().keys().collect();
    assert_eq!(names, ["ci", "default", "wrong"]);
}

/// Drives `stax configure --profile tty` on a pseudo-terminal (Python's `pty`), answering each
/// prompt once it is shown, and gives everything the terminal showed.
const TTY_DRIVER: &str = r#"
import os, pty, sys, termios, time
stax, endpoint, access, secret = sys.argv[1:5]
pid, fd = pty.fork()
if pid == 0:
    os.execv(stax, [stax, "configure", "--profile", "tty"])
seen = b""
def until(word, start):
    global seen
    while seen.find(word, start) < 0:
        chunk = os.read(fd, 4096)
        if not chunk:
            raise SystemExit("ended before " + word.decode() + ": " + seen.decode())
        seen += chunk
    return seen.find(word, start)
at = 0
for prompt, answer, hidden in [(b"Installation", endpoint, False), (b"Access key", access, False), (b"Secret key", secret, True)]:
    at = until(prompt, at)
    at = until(b": ", at) + 2
    # A hidden answer is typed once the terminal stopped echoing, as a person would see it.
    for _ in range(500):
        if not hidden or not termios.tcgetattr(fd)[3] & termios.ECHO:
            break
        time.sleep(0.01)
    os.write(fd, answer.encode() + b"\n")
while True:
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        break
    if not chunk:
        break
    seen += chunk
_, status = os.waitpid(pid, 0)
sys.stdout.write(seen.decode(errors="replace"))
sys.exit(os.waitstatus_to_exitcode(status))
"#;

#[test]
fn configure_on_a_terminal_never_shows_the_secret() {
    let emu = Emu::start(0);
    let dir = TempDir::new("configure-tty");
    let file = dir.path("config.toml");
    let mut cmd = emu.command("python3");
    cmd.arg("-c")
        .arg(TTY_DRIVER)
        .arg(assert_cmd::cargo::cargo_bin("stax"))
        .args([&emu.endpoint, &emu.access_key, &emu.secret_key]);
    let out = cmd
        .env("STAX_CONFIG_FILE", &file)
        .env_remove("STAX_ACCESS_KEY")
        .env_remove("STAX_SECRET_KEY")
        .output()
        .expect("python3 runs");
    let screen = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{screen}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        screen.contains(&emu.access_key),
        "the access key is echoed: {screen}"
    );
    assert!(
        !screen.contains(&emu.secret_key),
        "the secret shows: {screen}"
    );
    assert!(screen.contains("works: signed in"), "{screen}");
    let written: toml::Value = toml::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(
        written["profiles"]["tty"]["secret_key"].as_str(),
        Some(emu.secret_key.as_str())
    );
}

#[test]
fn man_writes_a_manual_page_of_every_option() {
    let out = assert_cmd::Command::cargo_bin("stax")
        .unwrap()
        .arg("man")
        .output()
        .unwrap();
    assert!(out.status.success());
    let page = String::from_utf8_lossy(&out.stdout);
    assert!(page.contains(".TH stax 1"), "{page}");
    for option in [
        "max\\-items",
        "starting\\-token",
        "generate\\-skeleton",
        "debug",
        "configure",
    ] {
        assert!(page.contains(option), "{option} is not in the manual page");
    }
}
