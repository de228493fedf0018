//! # staxapp
//!
//! The Rust SDK for the [Stax](https://stax.io) API: signs in with an API token through
//! Cognito SRP, trades the ID token for temporary AWS credentials, SigV4-signs each call, and
//! exposes every operation of the installation's OpenAPI document.
#![warn(missing_docs)]

pub mod auth;
#[cfg(feature = "blocking")]
pub mod blocking;
pub mod cache;
mod client;
pub mod config;
pub mod error;
pub mod paging;
pub mod schema;
mod session;
pub mod sign;
pub mod srp;
pub mod tasks;
pub mod transport;

pub use client::{Args, Service, StaxClient};
pub use config::{ApiRetryConfig, AuthRetryConfig, Config, ConfigBuilder, SchemaSource, Secret};
pub use error::{ApiError, AuthError, AuthErrorKind, Error, Result, TaskError, ValidationError};
pub use schema::{Document, PreparedRequest};
pub use session::Session;
