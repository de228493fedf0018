//! Connecting: the async runtime, logging, the configuration (flags over profile over
//! environment), the sandbox emulator, the credential cache and the client.

use std::io::IsTerminal;
use std::sync::Arc;
use std::time::Duration;

use staxapp::auth::store::{CredentialStore, FileCredentialStore};
use staxapp::{Config, SchemaSource, Session, StaxClient};

use crate::cli::GlobalOpts;
use crate::failure::{Failure, describe_error};
use crate::profile;

/// A tokio runtime for one command.
pub fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Failure::Call(format!("cannot start the async runtime: {e}")))
}

/// A client, and the sandbox emulator it talks to when `--sandbox` was given.
pub struct Target {
    /// The client.
    pub client: StaxClient,
    /// Kept alive for as long as the client is used.
    pub sandbox: Option<stax_emulator::RunningEmulator>,
}

impl Target {
    /// Stops the sandbox, if any; with `-v`, first prints what it counted (sign-ins, calls).
    pub async fn close(self, verbose: bool) {
        if let Some(emulator) = self.sandbox {
            if verbose {
                eprintln!("sandbox emulator stats: {}", emulator.stats());
            }
            emulator.shutdown().await;
        }
    }
}

/// The tracing level of a Python level name (`LOG_LEVEL`, PARITY.md C6), any letter case:
/// DEBUG, INFO, WARNING (WARN), ERROR, CRITICAL (FATAL), and NOTSET (everything).
pub fn python_level(name: &str) -> Option<&'static str> {
    match name.trim().to_ascii_uppercase().as_str() {
        "NOTSET" => Some("trace"),
        "DEBUG" => Some("debug"),
        "INFO" => Some("info"),
        "WARNING" | "WARN" => Some("warn"),
        "ERROR" | "CRITICAL" | "FATAL" => Some("error"),
        _ => None,
    }
}

/// Installs the log subscriber: `-v` shows request lines and timings, `-vv` more; otherwise
/// `LOG_LEVEL` (DEBUG, INFO, WARNING, ERROR, CRITICAL) decides, default warnings only. An
/// unknown `LOG_LEVEL` is a usage error, as it is for the Python SDK.
pub fn init_logging(verbose: u8) -> Result<(), Failure> {
    let level = match verbose {
        0 => match std::env::var("LOG_LEVEL") {
            Ok(name) if !name.trim().is_empty() => python_level(&name).ok_or_else(|| {
                Failure::Usage(format!(
                    "LOG_LEVEL {name:?} is not a level: use DEBUG, INFO, WARNING, ERROR or CRITICAL"
                ))
            })?,
            _ => "warn",
        },
        1 => "debug",
        _ => "trace",
    };
    // The TLS verifier logs each certificate failure itself; the error line says it once.
    let filter = tracing_subscriber::EnvFilter::new(format!(
        "warn,staxapp={level},stax={level},stax_emulator=warn,rustls_platform_verifier=off"
    ));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_ansi(std::io::stderr().is_terminal())
        .compact()
        .try_init();
    Ok(())
}

/// Builds the configuration: flags over profile over environment.
pub fn config(global: &GlobalOpts) -> Result<Config, Failure> {
    // From the environment; a malformed value there is reported by `build` (exit 2).
    let mut builder = Config::builder();
    if let Some(name) = &global.profile {
        let p = profile::load(name).map_err(Failure::Usage)?;
        if let Some(region) = p.region {
            builder = builder.region(region);
        }
        if let Some(endpoint) = p.endpoint {
            builder = builder.endpoint(endpoint);
        }
        if let Some(cognito) = p.cognito_endpoint {
            builder = builder
                .cognito_idp_endpoint(cognito.clone())
                .cognito_identity_endpoint(cognito);
        }
        if let Some(key) = p.access_key {
            builder = builder.access_key(key);
        }
        if let Some(secret) = p.secret_key {
            builder = builder.secret_key(secret);
        }
        if let Some(schema) = p.schema {
            builder = builder.schema(staxapp::config::parse_schema_source(&schema));
        }
    }
    if let Some(region) = &global.region {
        builder = builder.region(region.clone());
    }
    if let Some(endpoint) = &global.endpoint {
        builder = builder.endpoint(endpoint.clone());
    }
    if let Some(schema) = &global.schema {
        builder = builder.schema(staxapp::config::parse_schema_source(schema));
    }
    if let Some(seconds) = global.attempt_timeout {
        builder = builder.attempt_timeout(Duration::from_secs_f64(seconds));
    }
    if let Some(seconds) = global.operation_timeout {
        builder = builder.operation_timeout(Duration::from_secs_f64(seconds));
    }
    builder
        .build()
        .map_err(|e| Failure::Usage(describe_error(&e, false)))
}

/// The client for this command, starting the sandbox emulator first when asked.
pub async fn connect(global: &GlobalOpts) -> Result<Target, Failure> {
    let mut config = config(global)?;
    let mut sandbox = None;
    if global.sandbox {
        let emulator = stax_emulator::start(stax_emulator::EmulatorOptions::default())
            .await
            .map_err(|e| Failure::Call(format!("cannot start the sandbox emulator: {e}")))?;
        let mut builder = config
            .to_builder()
            .emulator_endpoint(emulator.endpoint())
            .access_key(emulator.access_key())
            .secret_key(emulator.secret_key());
        if config.schema() == &SchemaSource::Live {
            // The sandbox's document lives and dies with it: keep it out of the shared cache.
            builder = builder.cache_dir(std::env::temp_dir().join("stax-sandbox-cache"));
        }
        config = builder.build().map_err(Failure::from)?;
        sandbox = Some(emulator);
    }
    let store = match &sandbox {
        // The sandbox's credentials die with it: nothing to keep.
        Some(_) => None,
        None => credential_store(global),
    };
    let client = match store {
        Some(store) => StaxClient::with_session(
            Session::with_credential_store(config, store).map_err(Failure::from)?,
        ),
        None => StaxClient::new(config).map_err(Failure::from)?,
    };
    Ok(Target { client, sandbox })
}

/// The on-disk credential cache (`<user cache dir>/stax/credentials`), unless
/// `--no-credential-cache` or `STAX_CREDENTIAL_CACHE=0` turns it off.
fn credential_store(global: &GlobalOpts) -> Option<Arc<dyn CredentialStore>> {
    let env = std::env::var("STAX_CREDENTIAL_CACHE").ok();
    if global.no_credential_cache || env.as_deref().is_some_and(cache_turned_off) {
        return None;
    }
    let store = FileCredentialStore::in_default_dir();
    if store.is_none() {
        tracing::debug!("no cache directory: the credential cache is off");
    }
    Some(Arc::new(store?))
}

/// `STAX_CREDENTIAL_CACHE` values that turn the cache off: `0` (CONTRACT.md), and `false`,
/// `off`, `no` in any case.
fn cache_turned_off(value: &str) -> bool {
    matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "0" | "false" | "off" | "no"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_level_names_map_onto_filters() {
        for (name, level) in [
            ("DEBUG", "debug"),
            ("info", "info"),
            ("WARNING", "warn"),
            ("WARN", "warn"),
            ("ERROR", "error"),
            ("CRITICAL", "error"),
            ("FATAL", "error"),
            ("NOTSET", "trace"),
        ] {
            assert_eq!(python_level(name), Some(level), "{name}");
        }
        assert_eq!(python_level("LOUD"), None);
    }

    #[test]
    fn credential_cache_switch() {
        for off in ["0", "false", "OFF", " no "] {
            assert!(cache_turned_off(off), "{off}");
        }
        for on in ["1", "true", "", "yes"] {
            assert!(!cache_turned_off(on), "{on}");
        }
    }
}
