//! `examples/typed-api`, a crate outside the workspace as a user's would be (staxapp and
//! staxapp-codegen by path, a three-line build script generating from the documents named by
//! `STAX_DOCUMENTS`), built and run against the emulator: it reads the accounts, creates an
//! account type and an account of that type, and waits for the account's task.
//!
//! The crate is copied under the target directory (nothing is written into the repository),
//! with the workspace's `Cargo.lock`, and built `--offline` into the workspace's target
//! directory with the workspace's profile, so the dependencies the workspace compiled are
//! reused (only the path crates compile again). The same build with `--features misspelt`
//! must fail on the misspelt setter: the compile-fail test. And the documentation (README.md
//! and `docs/typed.md`) shows this crate's code: each of its typed blocks is found in the
//! crate's files.

#![cfg(not(reference_missing))]

mod common;
#[path = "../../../testsupport/documentation.rs"]
mod documentation;

use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// The target directory this test was built in.
fn target_dir() -> PathBuf {
    // target/debug/deps/example-<hash>
    let exe = std::env::current_exe().unwrap();
    exe.ancestors().nth(3).unwrap().to_owned()
}

/// A copy of the example crate under the target directory, its path dependencies pointing
/// at the workspace, with the workspace's lock file.
fn copy_example() -> PathBuf {
    let from = workspace().join("examples/typed-api");
    let to = target_dir().join("typed-api-example");
    std::fs::create_dir_all(to.join("src")).unwrap();
    let manifest = std::fs::read_to_string(from.join("Cargo.toml"))
        .unwrap()
        .replace(
            "../../crates/",
            &format!("{}/crates/", workspace().display()),
        );
    write_if_changed(&to.join("Cargo.toml"), &manifest);
    for file in ["build.rs", "src/main.rs", "src/misspelt.rs"] {
        write_if_changed(
            &to.join(file),
            &std::fs::read_to_string(from.join(file)).unwrap(),
        );
    }
    write_if_changed(
        &to.join("Cargo.lock"),
        &std::fs::read_to_string(workspace().join("Cargo.lock")).unwrap(),
    );
    to
}

fn write_if_changed(path: &Path, text: &str) {
    if std::fs::read_to_string(path).ok().as_deref() != Some(text) {
        std::fs::write(path, text).unwrap();
    }
}

/// One build of the example at a time (the tests of this file run in parallel).
static BUILDS: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Copies the example and builds it with `features`.
fn build_example(features: &[&str]) -> (PathBuf, std::process::Output) {
    let _one = BUILDS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let crate_dir = copy_example();
    let output = cargo_build(&crate_dir, features);
    (crate_dir, output)
}

fn cargo_build(crate_dir: &Path, features: &[&str]) -> std::process::Output {
    let documents = std::env::join_paths(common::documents()).unwrap();
    let mut cargo = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cargo
        .current_dir(crate_dir)
        .args(["build", "--offline", "--quiet"])
        .env("CARGO_TARGET_DIR", target_dir())
        .env("STAX_DOCUMENTS", documents);
    for feature in features {
        cargo.args(["--features", feature]);
    }
    cargo.output().unwrap()
}

#[test]
fn a_crate_outside_the_workspace_uses_the_typed_api() {
    let (crate_dir, built) = build_example(&[]);
    assert!(
        built.status.success(),
        "the example does not build:\n{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let build_script = std::fs::read_to_string(crate_dir.join("build.rs")).unwrap();
    assert_eq!(build_script.lines().count(), 3, "{build_script}");

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let emu = runtime.block_on(common::emulator(std::time::Duration::from_millis(50)));
    let home = target_dir().join("typed-api-example-home");
    let run = Command::new(target_dir().join("debug/typed-api-example"))
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", &home)
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("STAX_ENDPOINT", emu.endpoint())
        .env("AWS_ENDPOINT_URL", emu.endpoint())
        .env("STAX_ACCESS_KEY", emu.access_key())
        .env("STAX_SECRET_KEY", emu.secret_key())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "the example failed: {stdout}\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(stdout.contains("account "), "{stdout}");
    assert!(
        stdout.contains("account type typed-example SUCCEEDED"),
        "{stdout}"
    );
    assert!(stdout.trim_end().ends_with("task SUCCEEDED"), "{stdout}");
    let stats = emu.stats();
    for op in [
        "accounts.ReadAccounts",
        "accounts.CreateAccountType",
        "accounts.CreateAccount",
        "tasks.ReadTask",
    ] {
        assert!(stats["operations"][op].as_u64() >= Some(1), "{op}: {stats}");
    }
    runtime.block_on(emu.shutdown());
}

#[test]
fn a_misspelt_setter_does_not_compile() {
    let (_, built) = build_example(&["misspelt"]);
    let stderr = String::from_utf8_lossy(&built.stderr);
    assert!(!built.status.success(), "a misspelt setter compiled");
    assert!(
        stderr.contains("no method named `filtr` found for struct `ReadAccountsRequest`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("a method `filter` with a similar name"),
        "{stderr}"
    );
}

/// The documentation's `rust,ignore` blocks (README.md, `docs/*.md`, CONTRIBUTING.md) and the
/// `toml` blocks of `docs/typed.md` show this crate's code: each part of each (split at
/// `// ...`) is found in the crate's files, so what they show builds and runs above.
#[test]
fn the_documentation_shows_the_example() {
    let example = workspace().join("examples/typed-api");
    let files: String = ["build.rs", "src/main.rs", "Cargo.toml"]
        .iter()
        .map(|f| std::fs::read_to_string(example.join(f)).unwrap())
        .collect();
    // Compared without whitespace: a guide may lay a call out on fewer lines than rustfmt.
    let squeeze = |s: &str| s.split_whitespace().collect::<String>();
    let files = squeeze(&files);
    let mut checked = Vec::new();
    for document in &documentation::files() {
        let mut blocks = 0;
        for block in documentation::fenced_blocks(document, &documentation::read(document)) {
            let shown = block.info == "rust,ignore"
                || (block.info == "toml" && document == "docs/typed.md");
            if !shown {
                continue;
            }
            blocks += 1;
            for part in block.code().split("\n// ...\n") {
                assert!(
                    files.contains(&squeeze(part)),
                    "{document}:{}: a block is not examples/typed-api's code:\n{part}",
                    block.line
                );
            }
        }
        checked.push((document.clone(), blocks));
    }
    println!("blocks found in examples/typed-api: {checked:?}");
    let count = |name: &str| checked.iter().find(|(d, _)| d == name).map_or(0, |c| c.1);
    assert!(
        count("docs/typed.md") >= 3,
        "docs/typed.md shows the manifest, the build script and a call"
    );
    assert!(count("README.md") >= 1, "README.md shows a typed call");
}
