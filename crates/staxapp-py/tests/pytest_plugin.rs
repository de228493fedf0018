//! `staxapp_rs.testing` through pytest: runs `tests/test_stax_emulator.py` with the
//! `stax_emulator` fixture of the package's plugin (loaded by pytest through the `pytest11`
//! entry point: the file does not import it), each emulator in the Python process (the
//! documentation's pytest examples are run by `doc_snippets.rs`); then the fixture's
//! benchmark script (`benches/fixture_cost.py`) for a few runs, so that it keeps working (its figures are
//! printed, not asserted).
//!
//! Uses the interop venv's Python (staxapp 1.4.1 and pytest are in it); see `support`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod support;

/// `python args...` in `dir`, with a document cache of its own and none of the caller's Stax
/// settings (the tests set their own).
fn run(python: &Path, dir: &Path, args: &[&str], cache: &Path) -> Output {
    let mut command = Command::new(python);
    command.args(args).current_dir(dir);
    support::isolate(&mut command, cache);
    command.output().expect("python runs")
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn the_stax_emulator_fixture_with_both_sdks() {
    let Some(python) = support::python_with_staxapp_rs() else {
        return;
    };
    let crate_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let work = std::env::temp_dir().join(format!("staxapp-rs-pytest-{}", std::process::id()));
    std::fs::create_dir_all(&work).unwrap();

    let tests = crate_dir.join("tests/test_stax_emulator.py");
    let output = run(
        &python,
        &crate_dir,
        &[
            "-m",
            "pytest",
            "-v",
            "-p",
            "no:cacheprovider",
            "--rootdir",
            crate_dir.to_str().unwrap(),
            tests.to_str().unwrap(),
        ],
        &work.join("cache"),
    );
    let log = text(&output);
    assert!(
        output.status.success(),
        "pytest failed ({}):\n{log}",
        output.status
    );
    let wanted = "::test_a_forced_failure_reaches_both_sdks PASSED";
    assert!(log.contains(wanted), "{wanted:?} not run:\n{log}");
    println!("{log}");

    let bench = crate_dir.join("benches/fixture_cost.py");
    let output = run(
        &python,
        &crate_dir,
        &[bench.to_str().unwrap(), "--resets", "5", "--starts", "2"],
        &work.join("cache"),
    );
    let log = text(&output);
    assert!(
        output.status.success(),
        "fixture_cost.py failed ({}):\n{log}",
        output.status
    );
    assert!(log.contains("reset() after one CreateAccount"), "{log}");
    println!("{log}");
    let _ = std::fs::remove_dir_all(&work);
}
