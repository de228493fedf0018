//! Records the version of the rustc compiling this crate, for the User-Agent (PARITY.md C7):
//! `rustc 1.95.0 (abcdef 2026-01-01)` -> `STAXAPP_RUSTC_VERSION=1.95.0`.

use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=RUSTC");
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
    let version = Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .filter(|out| out.status.success())
        .and_then(|out| {
            String::from_utf8_lossy(&out.stdout)
                .split_whitespace()
                .nth(1)
                .map(str::to_owned)
        })
        .unwrap_or_else(|| "unknown".to_owned());
    println!("cargo:rustc-env=STAXAPP_RUSTC_VERSION={version}");
}
