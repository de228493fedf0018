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
//! ## What happens in one call: the pipeline
//!
//! 1. The [`Config`] (an immutable value) picks the installation, the token, the retry
//!    settings and the timeouts. Every client of an equal config shares one [`Session`]: the
//!    HTTP connection pool, the documents, the credentials and the retry quota.
//! 2. **Build** ([`StaxClient::request`], [`pipeline`]): the service picks the API from the
//!    table of APIs ([`apis`]); its [`schema::Document`] (live, cached on disk and
//!    revalidated, or a file: [`documents`]) routes the operation and the arguments to a
//!    method, path, query or JSON body; the body is validated against the document; the
//!    result is a [`pipeline::Request`] with its URL and whether it may be retried.
//! 3. **Send** ([`StaxClient::send`]): the [`interceptor`]s see it before signing; [`auth`]
//!    signs in when needed (one sign-in however many calls are waiting) and [`sign`] signs it
//!    with SigV4; it is sent within the attempt timeout, classified and retried by the
//!    [`ApiRetryConfig`] (backoff, jitter, a cap, `Retry-After`) while the session's
//!    [`quota`] pays for retries, all within the operation timeout. The answer is a
//!    [`pipeline::Response`], or a typed [`Error`] ([`ApiError`] with the request id).
//!
//! ## Beyond the Python SDK
//!
//! - [`tasks`]: wait for a mutation's task with a timeout and progress callback.
//! - [`paging`]: every page, or every item, of a list operation as a stream, resumable to
//!   the item ([`paging::ResumeToken`]).
//! - [`debug`]: a wire log of every request and answer, secrets masked.
//! - `blocking` (feature `blocking`): the same client for synchronous code.
//! - Errors name the cause and the fix; unknown names come with "did you mean".
//!
//! ## Features
//!
//! - `blocking`: [`blocking::StaxClient`](crate::blocking), a synchronous mirror of
//!   [`StaxClient`].
#![warn(missing_docs)]

pub mod apis;
mod args;
pub mod assignments;
pub mod auth;
#[cfg(feature = "blocking")]
pub mod blocking;
pub mod cache;
mod client;
pub mod config;
pub mod debug;
pub mod documents;
pub mod error;
pub mod interceptor;
pub mod paging;
pub mod pipeline;
pub mod quota;
pub mod schema;
mod send;
pub mod session;
pub mod sign;
pub mod tasks;
mod tls;
pub mod transport;

/// README.md's Rust examples, compiled with the crate's doc tests so they follow the API.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct ReadmeDoctests;

pub use apis::Api;
pub use args::Args;
pub use client::{Resolved, Service, StaxClient};
pub use config::{ApiRetryConfig, AuthRetryConfig, Config, ConfigBuilder, SchemaSource, Secret};
pub use error::{
    ApiError, AuthError, AuthErrorKind, ConfigError, Error, Result, TaskError, ValidationError,
};
pub use interceptor::Interceptor;
pub use pipeline::{Call, Request, Response};
pub use quota::RetryQuota;
pub use schema::{Document, PreparedRequest};
pub use session::{Session, SessionBuilder};
