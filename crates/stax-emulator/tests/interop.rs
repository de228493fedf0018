//! Drives the Python interop suite (`tests/interop/`): the same tests against the official
//! `staxapp` SDK and against `staxapp_rs` (our Rust core behind staxapp's API,
//! `crates/staxapp-py`), both talking to the emulator binary over TLS, with the interop
//! virtualenv's Python (see `testsupport/shared_dir.rs`: a missing one fails under CI and skips
//! with a note otherwise). Without `staxapp_rs` in that Python the suite runs for staxapp alone
//! with a note, except when `CI` or `STAX_INTEROP_PYTHON` is set: then the test fails.

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
    let has_rs = Command::new(&python)
        .args(["-c", "import staxapp_rs.openapi"])
        .status()
        .is_ok_and(|s| s.success());
    let sdks = if has_rs {
        "staxapp,staxapp_rs"
    } else {
        assert!(
            std::env::var_os("STAX_INTEROP_PYTHON").is_none()
                && std::env::var_os("CI").is_none_or(|v| v.is_empty()),
            "{} cannot import staxapp_rs: run `{} -m pip install ./crates/staxapp-py`",
            python.display(),
            python.display()
        );
        println!(
            "note: {} has no staxapp_rs (pip install ./crates/staxapp-py); the suite runs for staxapp alone",
            python.display()
        );
        "staxapp"
    };
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/interop");
    // staxapp_rs's document cache: one of this run's own, removed afterwards.
    let cache = std::env::temp_dir().join(format!("stax-interop-cache-{}", std::process::id()));
    let output = Command::new(&python)
        .args(["-m", "unittest", "-v", "test_staxapp_interop"])
        .current_dir(&dir)
        .env("STAX_EMULATOR_BIN", env!("CARGO_BIN_EXE_stax-emulator"))
        .env("STAX_INTEROP_SDKS", sdks)
        .env("XDG_CACHE_HOME", &cache)
        .output()
        .expect("python runs");
    let _ = std::fs::remove_dir_all(&cache);
    let log = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "interop suite failed:\n{log}");
    if has_rs {
        assert!(
            log.contains("StaxappRsAgainstEmulator") && !log.contains("skipped"),
            "the suite did not run for staxapp_rs:\n{log}"
        );
    }
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
