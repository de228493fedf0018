//! Cognito's Secure Remote Password sign-in (`USER_SRP_AUTH`): the arithmetic of both sides.
//!
//! Pure: no I/O and no clock (times are passed in); only fresh secrets are drawn from the
//! operating system's generator ([`Client::new`], [`ServerSession::start`],
//! [`Verifier::new`]). The SDK signs in with [`Client`]; the emulator answers with
//! [`Verifier`] and [`ServerSession`]. Both sides are checked against fixed vectors computed
//! with the official Python SDK (`staxapp` 1.4.1), an implementation nobody here wrote.
//!
//! Why `crypto-bigint` and how fast a sign-in is: [docs/design.md](https://github.com/staxapp-rs/staxapp-rs/blob/main/docs/design.md#crate-choices).
//!
//! The group is RFC 3526's 3072-bit MODP group 15 with `g = 2` and `H` = SHA-256; `PAD(x)` is
//! Cognito's sign-safe hex (PROTOCOLS.md section 2). Exponentiation by the secrets (`a`, `b`,
//! `x`) is constant-time: `crypto-bigint`'s Montgomery arithmetic with masked table look-ups.
//!
//! ```
//! use stax_srp::{Challenge, Client};
//!
//! let client = Client::new();
//! // InitiateAuth sends client.public_hex() as SRP_A; Cognito answers with a challenge.
//! # let verifier = stax_srp::Verifier::new("eu-central-1_Pool", "user-id", "secret");
//! # let server = stax_srp::ServerSession::start(&verifier, &client.public_hex())?;
//! # let (salt, srp_b) = (verifier.salt_hex().to_owned(), server.public_hex());
//! let challenge = Challenge { salt: &salt, srp_b: &srp_b, secret_block: b"block", user_id: "user-id" };
//! let now = time::macros::datetime!(2026-11-03 01:02:03 UTC);
//! let answer = client.answer(&challenge, "eu-central-1_Pool", "secret", now)?;
//! assert_eq!(answer.timestamp, "Tue Nov 3 01:02:03 UTC 2026");
//! // RespondToAuthChallenge sends answer.timestamp and answer.signature.
//! # assert!(server.verify("eu-central-1_Pool", "user-id", b"block", &answer.timestamp, &answer.signature));
//! # Ok::<(), stax_srp::SrpError>(())
//! ```

mod client;
mod comb;
mod error;
mod exp;
mod group;
mod lookup;
mod prime;
mod proof;
mod secret;
mod server;

#[cfg(test)]
mod vectors;

pub use client::{Answer, Challenge, Client};
pub use error::SrpError;
pub use prime::N_HEX;
pub use proof::{parse_timestamp, pool_name, timestamp};
pub use server::{ServerSession, Verifier};
