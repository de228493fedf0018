//! The in-process emulator behind `--sandbox` and `stax emulator`: present with the cargo
//! feature `sandbox` (on by default), which links the whole emulator (axum, SQLite,
//! certificate generation). Built without it (`cargo install --path crates/stax-cli
//! --no-default-features`), `stax` has no server code and both say how to get them.

use staxapp::Config;

use crate::failure::Failure;

/// What `--sandbox` and `stax emulator` say when the feature is off.
#[cfg_attr(feature = "sandbox", allow(dead_code))]
pub const MISSING: &str = "this stax was built without its emulator (the cargo feature `sandbox`): \
install one with it (`cargo install --path crates/stax-cli`, the default features), or run \
stax-emulator (`cargo install --path crates/stax-emulator`) and point --endpoint and \
AWS_ENDPOINT_URL at the endpoint it prints";

/// A running sandbox emulator.
#[cfg(feature = "sandbox")]
pub struct Sandbox(stax_emulator::RunningEmulator);

/// A running sandbox emulator: none can exist without the feature.
#[cfg(not(feature = "sandbox"))]
pub enum Sandbox {}

/// Starts the sandbox and points `config` at it (its endpoint, its ready API token).
#[cfg(feature = "sandbox")]
pub async fn start(config: &Config) -> Result<(Config, Sandbox), Failure> {
    let emulator = stax_emulator::start(stax_emulator::EmulatorOptions::default())
        .await
        .map_err(|e| Failure::Call(format!("cannot start the sandbox emulator: {e}")))?;
    let mut builder = config
        .to_builder()
        .emulator_endpoint(emulator.endpoint())
        .access_key(emulator.access_key())
        .secret_key(emulator.secret_key());
    if config.schema() == &staxapp::SchemaSource::Live {
        // The sandbox's document lives and dies with it: keep it out of the shared cache.
        builder = builder.cache_dir(std::env::temp_dir().join("stax-sandbox-cache"));
    }
    let config = builder.build().map_err(Failure::from)?;
    Ok((config, Sandbox(emulator)))
}

/// Without the feature: the usage error that says how to get it.
#[cfg(not(feature = "sandbox"))]
pub async fn start(_: &Config) -> Result<(Config, Sandbox), Failure> {
    Err(Failure::Usage(format!("--sandbox: {MISSING}")))
}

impl Sandbox {
    /// Stops it; with `verbose`, first prints what it counted (sign-ins, calls).
    #[cfg(feature = "sandbox")]
    pub async fn close(self, verbose: bool) {
        if verbose {
            eprintln!("sandbox emulator stats: {}", self.0.stats());
        }
        self.0.shutdown().await;
    }

    /// Stops it (none exists without the feature).
    #[cfg(not(feature = "sandbox"))]
    pub async fn close(self, _: bool) {
        match self {}
    }
}

/// `stax emulator ...`: the emulator binary's command line, in this process. Usage errors
/// are stax's one-line kind.
#[cfg(feature = "sandbox")]
pub fn emulator(args: Vec<String>) -> Result<(), Failure> {
    use clap::Parser as _;
    use std::process::ExitCode;
    let words = || std::iter::once("stax emulator".to_owned()).chain(args.iter().cloned());
    stax_emulator::cli::Args::try_parse_from(words()).map_err(crate::failure::parse_error)?;
    let code = stax_emulator::cli::main_with_args(words());
    if code == ExitCode::SUCCESS {
        Ok(())
    } else {
        Err(Failure::Exit(code))
    }
}

/// Without the feature: the usage error that says how to get it.
#[cfg(not(feature = "sandbox"))]
pub fn emulator(_: Vec<String>) -> Result<(), Failure> {
    Err(Failure::Usage(format!("stax emulator: {MISSING}")))
}
