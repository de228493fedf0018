//! Runs staxapp_rs's own Python tests (`tests/test_staxapp_rs.py`: what goes beyond staxapp,
//! bad input, logging, threads) against three in-process emulators: one over TLS, and two over
//! plain HTTP whose API calls all fail, with a 502 (for the retry settings) or a connection
//! closed without an answer.
//!
//! Uses the Python named by `STAX_INTEROP_PYTHON`, else the workspace's `.venv`, then each
//! Python of `STAX_WHEEL_PYTHONS` (`.ci/run` builds the abi3 wheel once and installs it into
//! fresh virtual environments of CPython 3.9 and 3.13). When `CI` or `STAX_INTEROP_PYTHON` is
//! set, a Python without `staxapp_rs` fails the test (and under `CI`, no `STAX_WHEEL_PYTHONS`
//! does too); otherwise the test is skipped with a note.

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use stax_emulator::EmulatorOptions;

fn python() -> Option<PathBuf> {
    if let Some(named) = std::env::var_os("STAX_INTEROP_PYTHON") {
        return Some(PathBuf::from(named));
    }
    let venv = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../.venv/bin/python");
    venv.exists().then_some(venv)
}

/// The Pythons of `STAX_WHEEL_PYTHONS` (paths separated by `:`): fresh virtual environments
/// into which `.ci/run` installed the one abi3 wheel it built (CPython 3.9 and 3.13).
fn wheel_pythons() -> Vec<PathBuf> {
    std::env::var_os("STAX_WHEEL_PYTHONS")
        .map(|list| std::env::split_paths(&list).collect())
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staxapp_rs_python_tests() {
    let required =
        std::env::var_os("CI").is_some() || std::env::var_os("STAX_INTEROP_PYTHON").is_some();
    let has_package = |python: &PathBuf| {
        Command::new(python)
            .args(["-c", "import staxapp_rs.openapi"])
            .status()
            .is_ok_and(|s| s.success())
    };
    let Some(python) = python().filter(has_package) else {
        assert!(
            !required,
            "no Python with staxapp_rs: run `.venv/bin/pip install ./crates/staxapp-py` (or set STAX_INTEROP_PYTHON)"
        );
        println!("note: no Python with staxapp_rs found; its Python tests are skipped");
        return;
    };
    let wheels = wheel_pythons();
    assert!(
        !wheels.is_empty() || std::env::var_os("CI").is_none(),
        "CI runs staxapp_rs's tests in the wheel's virtual environments too: set STAX_WHEEL_PYTHONS (.ci/run does)"
    );
    for python in std::iter::once(python).chain(wheels) {
        assert!(
            has_package(&python),
            "{}: staxapp_rs is not installed there",
            python.display()
        );
        run_tests(&python).await;
    }
}

/// Runs the Python tests with `python` against three emulators of their own.
async fn run_tests(python: &PathBuf) {
    let version = Command::new(python)
        .args(["-c", "import sys; print(sys.version.split()[0])"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    let emulator = stax_emulator::start(EmulatorOptions {
        tls: true,
        task_delay: Duration::from_millis(300),
        ..EmulatorOptions::default()
    })
    .await
    .expect("the TLS emulator starts");
    let failing = stax_emulator::start(EmulatorOptions {
        faults: Some("status=502:1.0".into()),
        ..EmulatorOptions::default()
    })
    .await
    .expect("the faulty emulator starts");
    let dropping = stax_emulator::start(EmulatorOptions {
        faults: Some("drop:1.0".into()),
        ..EmulatorOptions::default()
    })
    .await
    .expect("the dropping emulator starts");

    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests");
    let cache =
        std::env::temp_dir().join(format!("staxapp-rs-py-{}-{version}", std::process::id()));
    let output = tokio::task::block_in_place(|| {
        Command::new(python)
            .args(["-m", "unittest", "-v", "test_staxapp_rs"])
            .current_dir(&dir)
            .env("STAX_TEST_READY", emulator.ready_line())
            .env("STAX_TEST_FAILING_READY", failing.ready_line())
            .env("STAX_TEST_DROPPING_READY", dropping.ready_line())
            // A document cache of its own, so that no earlier run's copy is used.
            .env("XDG_CACHE_HOME", &cache)
            .output()
            .expect("python runs")
    });
    let log = String::from_utf8_lossy(&output.stderr);
    let _ = std::fs::remove_dir_all(&cache);
    dropping.shutdown().await;
    failing.shutdown().await;
    emulator.shutdown().await;
    assert!(
        output.status.success(),
        "staxapp_rs tests failed under Python {version} ({}, {}):\n{log}",
        python.display(),
        output.status
    );
    println!(
        "Python {version} ({}):\n{}",
        python.display(),
        log.lines()
            .filter(|l| l.starts_with("test_") || l.starts_with("Ran "))
            .collect::<Vec<_>>()
            .join("\n")
    );
}
