//! Why an emulator could not start: the one error type of the crate's public surface,
//! below every module that returns it.

use std::net::SocketAddr;

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

impl From<crate::store::StoreError> for EmulatorError {
    fn from(err: crate::store::StoreError) -> Self {
        EmulatorError::Database(err.to_string())
    }
}
