//! Shared helpers of the typed API tests: the reference documents and the emulator serving
//! them.
#![allow(dead_code)]

use std::path::PathBuf;
use std::time::Duration;

use stax_emulator::{EmulatorOptions, RunningEmulator};
use staxapp::Config;

#[path = "../../../../testsupport/shared_dir.rs"]
mod shared_dir;

/// A reference document. The build script found them (these tests are not built otherwise),
/// so a missing one fails.
pub fn reference(name: &str) -> PathBuf {
    shared_dir::shared_file(&format!("reference/{name}"))
        .expect("the build script found the reference documents")
        .canonicalize()
        .unwrap()
}

/// The core and Permission Sets reference documents.
pub fn documents() -> Vec<PathBuf> {
    vec![
        reference("stax-core-20190206.oas3.json"),
        reference("stax-permission-sets-20210321.oas3.json"),
    ]
}

/// An emulator serving both reference documents (`--openapi`), tasks taking `task_delay`.
pub async fn emulator(task_delay: Duration) -> RunningEmulator {
    stax_emulator::start(EmulatorOptions {
        openapi: documents(),
        task_delay,
        ..EmulatorOptions::default()
    })
    .await
    .expect("the emulator starts")
}

/// A config pointing at `emu`, with its token and a private document cache.
pub fn config(emu: &RunningEmulator, name: &str) -> Config {
    let cache = std::env::temp_dir().join(format!("typed-{name}-{}", std::process::id()));
    Config::builder_without_env()
        .emulator_endpoint(emu.endpoint())
        .access_key(emu.access_key())
        .secret_key(emu.secret_key())
        .cache_dir(cache)
        .build()
        .unwrap()
}
