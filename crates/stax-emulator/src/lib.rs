//! A local Stax: the Stax API, Cognito user and identity pools and API Gateway's SigV4 checks,
//! all on one port, with state in SQLite.
//!
//! ```no_run
//! # async fn demo() -> Result<(), stax_emulator::EmulatorError> {
//! let emulator = stax_emulator::start(stax_emulator::EmulatorOptions::default()).await?;
//! println!("Stax at {}, sign in as {}", emulator.endpoint(), emulator.access_key());
//! emulator.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! The emulator answers:
//! - the Stax REST API under `/20190206/...` (SigV4-checked, except `/20190206/public/*`);
//! - Cognito user pools and identity pools at `POST /`, dispatching on `X-Amz-Target`;
//! - admin routes under `/_emulator/` (`GET /_emulator/stats`, `POST /_emulator/reset-stats`).
//!
//! With [`EmulatorOptions::openapi`] every operation of that document is answered: the
//! implemented ones statefully, the rest generically (see [`generic`]).

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

mod app;
pub mod cli;
mod cognito;
mod document;
mod error;
mod faults;
pub mod generic;
mod jwt;
mod resources;
mod seed;
mod server;
mod sigv4;
mod stats;
mod store;
mod tasks;
mod util;

pub use faults::FaultSpec;

/// What the emulator starts with when its database is new.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Seed {
    /// An organisation with account types, accounts, organisational units, users, groups,
    /// service control policies (attached to a unit and an account), a workload catalogue,
    /// workloads and an API token.
    #[default]
    Demo,
    /// An organisation and the API token only.
    Empty,
}

impl std::str::FromStr for Seed {
    type Err = EmulatorError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.to_ascii_lowercase().as_str() {
            "demo" => Ok(Seed::Demo),
            "empty" => Ok(Seed::Empty),
            other => Err(EmulatorError::Config(format!(
                "unknown seed '{other}': use demo or empty"
            ))),
        }
    }
}

/// How to run an emulator. `EmulatorOptions::default()` listens on a free loopback port, in
/// memory, over plain HTTP, seeded with demo data.
#[derive(Clone, Debug)]
pub struct EmulatorOptions {
    /// Address to listen on (default `127.0.0.1:0`, a free port).
    pub listen: SocketAddr,
    /// Serve HTTPS with a self-signed certificate for `127.0.0.1` and `localhost`.
    pub tls: bool,
    /// SQLite file to keep state in; `None` keeps it in memory.
    pub db: Option<PathBuf>,
    /// Data to seed a new database with.
    pub seed: Seed,
    /// An OpenAPI 3 document to serve (and answer generically) instead of the emulator's own.
    pub openapi: Option<PathBuf>,
    /// How long tasks take to reach their final state (default 1 s).
    pub task_delay: Duration,
    /// Lifetime of the temporary credentials the identity pool issues (default 3600 s).
    pub credential_ttl: Duration,
    /// Fault injection spec (`status=503:0.2,throttle:0.1,...`); `None` injects nothing.
    pub faults: Option<String>,
    /// Seed of the fault injection's random sequence.
    pub fault_seed: u64,
    /// Stax installation: `au1`, `us1` or `eu1` (default `au1`).
    pub region: String,
}

impl Default for EmulatorOptions {
    fn default() -> Self {
        EmulatorOptions {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            tls: false,
            db: None,
            seed: Seed::Demo,
            openapi: None,
            task_delay: Duration::from_secs(1),
            credential_ttl: Duration::from_secs(3600),
            faults: None,
            fault_seed: 0,
            region: "au1".to_owned(),
        }
    }
}

/// Why an emulator could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EmulatorError {
    /// An option is invalid (region, faults spec, ...).
    #[error("invalid option: {0}")]
    Config(String),
    /// The listener could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// What the OS said.
        source: std::io::Error,
    },
    /// The database could not be opened or prepared.
    #[error("database: {0}")]
    Database(String),
    /// The TLS certificate could not be made or loaded.
    #[error("tls: {0}")]
    Tls(String),
    /// The OpenAPI document given with `openapi` could not be read.
    #[error("openapi document: {0}")]
    Document(String),
}

/// A running emulator. Dropping it without [`RunningEmulator::shutdown`] stops the server too,
/// but without waiting for in-flight requests.
pub struct RunningEmulator {
    endpoint: String,
    access_key: String,
    secret_key: String,
    ca_cert: Option<PathBuf>,
    state: Arc<app::AppState>,
    server: server::ServerHandle,
}

impl fmt::Debug for RunningEmulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RunningEmulator")
            .field("endpoint", &self.endpoint)
            .field("access_key", &self.access_key)
            .field("secret_key", &"<redacted>")
            .field("ca_cert", &self.ca_cert)
            .finish()
    }
}

impl RunningEmulator {
    /// Base URL, e.g. `http://127.0.0.1:41234` (`https://` with TLS). Both the Stax API
    /// (`<endpoint>/20190206`) and Cognito (`<endpoint>/`) live there.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// Access key of the seeded API token (the Cognito user name).
    pub fn access_key(&self) -> &str {
        &self.access_key
    }

    /// Secret key of the seeded API token (the Cognito password).
    pub fn secret_key(&self) -> &str {
        &self.secret_key
    }

    /// PEM file of the self-signed certificate to trust, when started with TLS.
    pub fn ca_cert(&self) -> Option<&Path> {
        self.ca_cert.as_deref()
    }

    /// Makes the API token `access_key` one whose password must be changed (Cognito's
    /// `FORCE_CHANGE_PASSWORD` state): its SRP sign-in then ends with the
    /// `NEW_PASSWORD_REQUIRED` challenge instead of tokens, as a real pool does for a user
    /// created by an administrator. For testing clients' handling of that challenge.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), stax_emulator::EmulatorError> {
    /// let emulator = stax_emulator::start(Default::default()).await?;
    /// emulator.require_new_password(emulator.access_key())?;
    /// // Signing in with emulator.access_key() / secret_key() now meets NEW_PASSWORD_REQUIRED.
    /// # Ok(()) }
    /// ```
    pub fn require_new_password(&self, access_key: &str) -> Result<(), EmulatorError> {
        match cognito::require_new_password(&self.state, access_key) {
            Ok(true) => Ok(()),
            Ok(false) => Err(EmulatorError::Config(format!(
                "no API token {access_key} to require a new password of"
            ))),
            Err(e) => Err(EmulatorError::Database(e.to_string())),
        }
    }

    /// The counters served at `GET /_emulator/stats`.
    pub fn stats(&self) -> serde_json::Value {
        self.state.stats.snapshot()
    }

    /// The one-line JSON object the binary prints first on stdout:
    /// `{"endpoint", "access_key", "secret_key", "ca_cert"}`.
    pub fn ready_line(&self) -> String {
        serde_json::json!({
            "endpoint": self.endpoint,
            "access_key": self.access_key,
            "secret_key": self.secret_key,
            "ca_cert": self.ca_cert.as_ref().map(|p| p.display().to_string()),
        })
        .to_string()
    }

    /// Stops accepting connections, lets in-flight requests finish, and flushes the database.
    pub async fn shutdown(self) {
        self.server.shutdown().await;
        self.state.store.checkpoint();
    }
}

/// Starts an emulator and returns once it is listening.
pub async fn start(opts: EmulatorOptions) -> Result<RunningEmulator, EmulatorError> {
    server::start(opts).await
}
