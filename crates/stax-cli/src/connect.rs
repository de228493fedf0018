//! Connecting: the async runtime, logging, the configuration (flags over profile over
//! environment), the sandbox emulator, the credential cache and the client.

use std::io::IsTerminal;
use std::sync::Arc;
use std::time::Duration;

use staxapp::auth::store::{CredentialStore, FileCredentialStore};
use staxapp::debug::DebugLog;
use staxapp::{Config, Session, StaxClient};

use crate::cli::GlobalOpts;
use crate::failure::{Failure, describe_error};
use crate::profile;
use crate::sandbox::Sandbox;

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
    pub sandbox: Option<Sandbox>,
}

impl Target {
    /// Stops the sandbox, if any; with `-v`, first prints what it counted (sign-ins, calls).
    pub async fn close(self, verbose: bool) {
        if let Some(sandbox) = self.sandbox {
            sandbox.close(verbose).await;
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
    let chosen = match &global.profile {
        Some(name) => Some(profile::load(name).map_err(Failure::Usage)?),
        // The sandbox brings its own keys.
        None if !global.sandbox => default_profile().map_err(Failure::Usage)?,
        None => None,
    };
    if let Some(p) = chosen {
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

/// `[profiles.default]` when no profile is named, under the environment: its keys only when
/// neither `STAX_ACCESS_KEY` nor `STAX_SECRET_KEY` is set (its `secret_key_command` is not run
/// otherwise), its installation only when neither `STAX_REGION` nor `STAX_ENDPOINT` is, its
/// Cognito endpoint and document likewise. No file, or no such profile: nothing.
fn default_profile() -> Result<Option<profile::Profile>, String> {
    if profile::config_path().is_none() {
        return Ok(None);
    }
    let Some(mut p) = profile::find(profile::DEFAULT)? else {
        return Ok(None);
    };
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
    if set("STAX_ACCESS_KEY") || set("STAX_SECRET_KEY") {
        p.access_key = None;
        p.secret_key = None;
        p.secret_key_command = None;
    }
    if set("STAX_REGION") || set("STAX_ENDPOINT") {
        p.region = None;
        p.endpoint = None;
    }
    if [
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER",
        "AWS_ENDPOINT_URL_COGNITO_IDENTITY",
    ]
    .iter()
    .any(|v| set(v))
    {
        p.cognito_endpoint = None;
    }
    if set("STAX_SCHEMA") {
        p.schema = None;
    }
    profile::resolve_secret(profile::DEFAULT, p).map(Some)
}

/// The client for this command, starting the sandbox emulator first when asked.
pub async fn connect(global: &GlobalOpts) -> Result<Target, Failure> {
    let mut config = config(global)?;
    let mut sandbox = None;
    if global.sandbox {
        let (pointed, started) = crate::sandbox::start(&config).await?;
        config = pointed;
        sandbox = Some(started);
    }
    let store = match &sandbox {
        // The sandbox's credentials die with it: nothing to keep.
        Some(_) => None,
        None => credential_store(global),
    };
    let mut session = Session::builder(config.clone());
    if let Some(store) = store {
        session = session.credential_store(store);
    }
    if global.debug {
        // On the session: it sees the sign-in's Cognito calls and the documents too.
        session =
            session.interceptor(DebugLog::stderr().hide(config.secret_key().map(|s| s.expose())));
    }
    let client = StaxClient::with_session(session.build().map_err(Failure::from)?);
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
