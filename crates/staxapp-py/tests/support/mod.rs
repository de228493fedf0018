//! The Python that runs staxapp_rs's Python tests: the one named by `STAX_INTEROP_PYTHON`,
//! else the workspace's `.venv`, when it imports `staxapp_rs`.

use std::path::{Path, PathBuf};
use std::process::Command;

/// That Python, or `None` (with a note) when there is none and none is required. When `CI` or
/// `STAX_INTEROP_PYTHON` is set, a Python without `staxapp_rs` fails the test (`.ci/run`
/// installs it: `pip install ./crates/staxapp-py`).
pub fn python_with_staxapp_rs() -> Option<PathBuf> {
    let required =
        std::env::var_os("CI").is_some() || std::env::var_os("STAX_INTEROP_PYTHON").is_some();
    let python = match std::env::var_os("STAX_INTEROP_PYTHON") {
        Some(named) => Some(PathBuf::from(named)),
        None => {
            let venv = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../.venv/bin/python");
            venv.exists().then_some(venv)
        }
    };
    let found = python.filter(|python| has_staxapp_rs(python));
    if found.is_none() {
        assert!(
            !required,
            "no Python with staxapp_rs: run `.venv/bin/pip install ./crates/staxapp-py` (or set STAX_INTEROP_PYTHON)"
        );
        println!("note: no Python with staxapp_rs found; its Python tests are skipped");
    }
    found
}

/// Whether `python` imports `staxapp_rs`.
pub fn has_staxapp_rs(python: &Path) -> bool {
    Command::new(python)
        .args(["-c", "import staxapp_rs.openapi"])
        .status()
        .is_ok_and(|s| s.success())
}

/// Gives `command` a document cache of its own (`XDG_CACHE_HOME` = `cache`), pytest's plugin
/// autoloading, and none of the caller's Stax settings (the tests set their own).
#[allow(dead_code)] // python.rs keeps the caller's settings
pub fn isolate(command: &mut Command, cache: &Path) {
    command
        .env("XDG_CACHE_HOME", cache)
        .env_remove("PYTEST_DISABLE_PLUGIN_AUTOLOAD")
        .env_remove("PYTEST_ADDOPTS");
    for name in [
        "STAX_ENDPOINT",
        "STAX_ACCESS_KEY",
        "STAX_SECRET_KEY",
        "STAX_REGION",
        "STAX_SCHEMA",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER",
        "AWS_ENDPOINT_URL_COGNITO_IDENTITY",
        "REQUESTS_CA_BUNDLE",
        "AWS_CA_BUNDLE",
        "SSL_CERT_FILE",
    ] {
        command.env_remove(name);
    }
}
