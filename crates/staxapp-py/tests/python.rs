//! Runs staxapp_rs's own Python tests (`tests/test_staxapp_rs.py`: what goes beyond staxapp,
//! bad input, logging, threads) against three in-process emulators: one over TLS, and two over
//! plain HTTP whose API calls all fail, with a 502 (for the retry settings) or a connection
//! closed without an answer.
//!
//! Uses the Python named by `STAX_INTEROP_PYTHON`, else the workspace's `.venv`. When `CI` or
//! `STAX_INTEROP_PYTHON` is set, a Python without `staxapp_rs` fails the test (`.ci/run`
//! installs it: `pip install ./crates/staxapp-py`); otherwise the test is skipped with a note.

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use stax_emulator::EmulatorOptions;

mod support;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staxapp_rs_python_tests() {
    let Some(python) = support::python_with_staxapp_rs() else {
        return;
    };

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
    let cache = std::env::temp_dir().join(format!("staxapp-rs-py-{}", std::process::id()));
    let output = tokio::task::block_in_place(|| {
        Command::new(&python)
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
        "staxapp_rs tests failed ({}):\n{log}",
        output.status
    );
    println!(
        "{}",
        log.lines()
            .filter(|l| l.starts_with("test_") || l.starts_with("Ran "))
            .collect::<Vec<_>>()
            .join("\n")
    );
}
