//! # staxapp
//!
//! The Rust SDK for the [Stax](https://stax.io) API.
#![warn(missing_docs)]

pub mod srp;
