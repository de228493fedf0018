//! Drives the Python interop suite (`tests/interop/`): the official `staxapp` SDK against the
//! emulator binary, with the interop virtualenv's Python (see `testsupport/shared_dir.rs`: a
//! missing one fails under CI and skips with a note otherwise).

mod common;

use std::path::PathBuf;
use std::process::Command;

#[test]
fn official_python_sdk_against_the_emulator() {
    let Some(python) = common::interop_python() else {
        return;
    };
    let has_sdk = Command::new(&python)
        .args(["-c", "import staxapp, openapi_spec_validator"])
        .status()
        .is_ok_and(|s| s.success());
    if !has_sdk {
        common::missing(
            &format!("staxapp in {}", python.display()),
            "install interop/requirements.txt into that virtualenv",
        );
        return;
    }
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/interop");
    let output = Command::new(&python)
        .args(["-m", "unittest", "-v", "test_staxapp_interop"])
        .current_dir(&dir)
        .env("STAX_EMULATOR_BIN", env!("CARGO_BIN_EXE_stax-emulator"))
        .output()
        .expect("python runs");
    let log = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "interop suite failed:\n{log}");
    // Test names (their "ok" may land on a later line, after the SDK's log lines), then the count.
    println!(
        "{}",
        log.lines()
            .filter(|l| l.starts_with("test_") || l.starts_with("Ran "))
            .map(|l| l.split(" (").next().unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\n")
    );
}
