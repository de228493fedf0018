//! Where Stax's reference documents are, for the tests of every crate of the workspace.
//!
//! Included by path (`#[path = ".../testsupport/shared_dir.rs"] mod shared_dir;`) so that the
//! one rule lives in one place: `$STAX_SHARED_DIR` (CI sets `../shared`, relative to the
//! workspace root) names the folder; when it is set and a file is missing, the test fails;
//! when it is unset, `../shared` beside the workspace is used if it exists, else the caller
//! skips (after a printed note).

use std::path::PathBuf;

/// `<shared dir>/<relative>`, or `None` when no shared folder is to be had.
pub fn shared_file(relative: &str) -> Option<PathBuf> {
    let root = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."));
    match std::env::var_os("STAX_SHARED_DIR") {
        Some(dir) => {
            // `join` keeps an absolute `dir` as it is and puts a relative one under the root.
            let path = root.join(dir).join(relative);
            assert!(
                path.is_file(),
                "STAX_SHARED_DIR is set but {} is missing",
                path.display()
            );
            Some(path)
        }
        None => {
            let path = root.join("../shared").join(relative);
            if path.is_file() {
                Some(path)
            } else {
                eprintln!(
                    "skipped: {relative} not found (set STAX_SHARED_DIR to the shared folder)"
                );
                None
            }
        }
    }
}
