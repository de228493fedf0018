//! # staxapp
//!
//! The Rust SDK for the [Stax](https://stax.io) API: signs in with an API token through
//! Cognito SRP, trades the ID token for temporary AWS credentials, SigV4-signs each call, and
//! exposes every operation of the installation's OpenAPI document by service and name, as the
//! official Python SDK does (`StaxClient("accounts").ReadAccounts(filter="ACTIVE")`).
//!
//! ```no_run
//! use staxapp::{StaxClient, args};
//!
//! # async fn demo() -> staxapp::Result<()> {
//! // STAX_REGION (au1, us1, eu1), STAX_ACCESS_KEY and STAX_SECRET_KEY from the environment.
//! let client = StaxClient::from_env()?;
//! let active = client
//!     .call("accounts", "ReadAccounts", args! {"filter" => "ACTIVE"})
//!     .await?;
//! for account in active["Accounts"].as_array().into_iter().flatten() {
//!     println!("{} {}", account["Id"], account["Name"]);
//! }
//! # Ok(()) }
//! ```
//!
//! ## What happens in one call
//!
//! 1. The [`Config`] (an immutable value) picks the installation, the token and the retry
//!    settings. Every client of an equal config shares one [`Session`]: the HTTP connection
//!    pool, the document, the public configuration and the credentials.
//! 2. The [`schema::Document`] (live from the installation, cached on disk and revalidated,
//!    or a file named by `STAX_SCHEMA`) routes `service.Operation` and the arguments to a
//!    [`PreparedRequest`]: the path variant, path values, query or JSON body. PUT and POST
//!    bodies are validated against the document before anything is sent.
//! 3. [`auth`] signs in when needed (one sign-in however many calls are waiting) and
//!    [`sign`] signs the request with SigV4.
//! 4. [`transport`] sends it, retrying by the [`ApiRetryConfig`] (backoff, jitter, a cap,
//!    `Retry-After`), and decodes the answer or returns a typed [`Error`].
//!
//! ## Beyond the Python SDK
//!
//! - [`tasks`]: wait for a mutation's task with a timeout and progress callback.
//! - [`paging`]: every page, or every item, of a list operation as a stream.
//! - `blocking` (feature `blocking`): the same client for synchronous code.
//! - Errors name the cause and the fix; unknown names come with "did you mean".
//!
//! ## Features
//!
//! - `blocking`: [`blocking::StaxClient`](crate::blocking), a synchronous mirror of
//!   [`StaxClient`].
#![warn(missing_docs)]

pub mod apis;
pub mod assignments;
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
pub mod tasks;
mod tls;
pub mod transport;

/// README.md's Rust examples, compiled with the crate's doc tests so they follow the API.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct ReadmeDoctests;

pub use apis::Api;
pub use client::{Args, Service, StaxClient};
pub use config::{ApiRetryConfig, AuthRetryConfig, Config, ConfigBuilder, SchemaSource, Secret};
pub use error::{
    ApiError, AuthError, AuthErrorKind, ConfigError, Error, Result, TaskError, ValidationError,
};
pub use schema::{Document, PreparedRequest};
pub use session::Session;
