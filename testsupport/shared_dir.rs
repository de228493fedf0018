//! Inputs the tests of every crate of the workspace need from outside the repository: Stax's
//! reference documents (the shared folder) and the Python virtualenv of the interop suites.
//!
//! Included by path from each crate's `tests/common` (`#[path = ".../testsupport/shared_dir.rs"]
//! mod shared_dir;`) so that one rule lives in one place ([`missing`]): an input that is not
//! there fails the test when `CI` is set (CI sets it), and otherwise skips it after a printed
//! note saying how to provide it.
//!
//! - The shared folder is `$STAX_SHARED_DIR` (relative to the workspace root; CI sets
//!   `../shared`), else `../shared` beside the workspace.
//! - The virtualenv is `$STAX_INTEROP_VENV`, else `.venv` at the workspace root (which
//!   `.ci/run` makes); its Python may be named directly with `$STAX_INTEROP_PYTHON`.

#![allow(dead_code)]

use std::path::PathBuf;

fn workspace_root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

/// The one rule for an input that is not there: fails under CI, else prints a note (the
/// caller then skips).
pub fn missing(what: &str, how: &str) {
    if std::env::var_os("CI").is_some_and(|v| !v.is_empty()) {
        panic!("{what} is missing, and CI is set so this fails: {how}");
    }
    eprintln!("skipped: {what} is missing; {how}");
}

/// `<shared dir>/<relative>`, or `None` (after [`missing`]) when it is not there.
pub fn shared_file(relative: &str) -> Option<PathBuf> {
    // `join` keeps an absolute dir as it is and puts a relative one under the root.
    let dir = std::env::var_os("STAX_SHARED_DIR").map_or_else(
        || workspace_root().join("../shared"),
        |d| workspace_root().join(d),
    );
    let path = dir.join(relative);
    if path.is_file() {
        Some(path)
    } else {
        missing(
            &path.display().to_string(),
            "set STAX_SHARED_DIR to the shared folder",
        );
        None
    }
}

/// The interop virtualenv, when it has `file` (e.g. `bin/moto_server`): the path of that file.
pub fn interop_venv_file(file: &str) -> Option<PathBuf> {
    let venv = std::env::var_os("STAX_INTEROP_VENV")
        .map_or_else(|| workspace_root().join(".venv"), PathBuf::from);
    let path = venv.join(file);
    if path.is_file() {
        Some(path)
    } else {
        missing(
            &path.display().to_string(),
            "run .ci/run once (it makes .venv), or set STAX_INTEROP_VENV to a virtualenv with interop/requirements.txt installed",
        );
        None
    }
}

/// The interop suites' Python: `$STAX_INTEROP_PYTHON`, else the virtualenv's.
pub fn interop_python() -> Option<PathBuf> {
    match std::env::var_os("STAX_INTEROP_PYTHON") {
        Some(named) => {
            let path = PathBuf::from(named);
            if path.is_file() {
                Some(path)
            } else {
                missing(
                    &path.display().to_string(),
                    "STAX_INTEROP_PYTHON names no file",
                );
                None
            }
        }
        None => interop_venv_file("bin/python"),
    }
}
