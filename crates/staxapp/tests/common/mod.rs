//! Helpers shared by the end-to-end tests: an in-process emulator and configs pointing at it.
#![allow(dead_code)]

use std::path::PathBuf;
use std::time::Duration;

use stax_emulator::{EmulatorOptions, RunningEmulator};
use staxapp::{ApiRetryConfig, AuthRetryConfig, Config, ConfigBuilder};

/// Starts an emulator with `options` (defaults otherwise).
pub async fn emulator(options: EmulatorOptions) -> RunningEmulator {
    stax_emulator::start(options)
        .await
        .expect("the emulator starts")
}

/// A fresh temporary folder for a document cache.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "staxapp-e2e-{name}-{}-{}",
        std::process::id(),
        rand::random::<u32>()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A builder pointing every service at the emulator, with its API token, a private document
/// cache and fast retries (no sleeping in tests).
pub fn builder(emu: &RunningEmulator, cache: &str) -> ConfigBuilder {
    let mut b = Config::builder()
        .emulator_endpoint(emu.endpoint())
        .access_key(emu.access_key())
        .secret_key(emu.secret_key())
        .cache_dir(temp_dir(cache))
        .api_retry(ApiRetryConfig {
            backoff_factor: 0.0,
            ..ApiRetryConfig::default()
        });
    if let Some(ca) = emu.ca_cert() {
        b = b.ca_bundle(ca);
    }
    b
}

/// The config of [`builder`].
pub fn config(emu: &RunningEmulator, cache: &str) -> Config {
    builder(emu, cache).build().unwrap()
}

/// Auth settings with no refresh threshold.
pub fn no_threshold() -> AuthRetryConfig {
    AuthRetryConfig {
        token_expiry_threshold: Duration::ZERO,
        ..AuthRetryConfig::default()
    }
}

/// A counter of the emulator's stats, 0 when absent.
pub fn stat(emu: &RunningEmulator, pointer: &str) -> u64 {
    emu.stats()
        .pointer(pointer)
        .and_then(|v| v.as_u64())
        .unwrap_or(0)
}

#[path = "../../../../testsupport/shared_dir.rs"]
mod shared_dir;
#[allow(unused_imports)]
pub use shared_dir::{interop_venv_file, shared_file};

/// Stax's published reference document (see `testsupport/shared_dir.rs` for where from).
pub fn reference_document() -> Option<PathBuf> {
    shared_dir::shared_file("reference/stax-core-20190206.oas3.json")
}
