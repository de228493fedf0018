//! The emulator the benches call: in the bench's process, on a runtime of its own (one worker
//! thread, plain HTTP on loopback), and a configuration of the SDK pointing at it.

use std::path::Path;

use stax_emulator::{EmulatorOptions, RunningEmulator};
use staxapp::Config;

/// Starts an emulator with `options` on a runtime of its own; keep the runtime as long as
/// the emulator.
pub fn start(options: EmulatorOptions) -> (tokio::runtime::Runtime, RunningEmulator) {
    let server = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("a runtime for the emulator");
    let emulator = server
        .block_on(stax_emulator::start(options))
        .expect("the emulator starts");
    (server, emulator)
}

/// A configuration of the SDK for `emulator`'s ready token, its credential cache in `cache`.
pub fn config(emulator: &RunningEmulator, cache: &Path) -> Config {
    Config::builder_without_env()
        .emulator_endpoint(emulator.endpoint())
        .access_key(emulator.access_key())
        .secret_key(emulator.secret_key())
        .cache_dir(cache)
        .build()
        .expect("a config")
}
