//! The emulator's shared state: configuration, store, keys, pending sign-ins, counters.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use crate::document::Document;
use crate::faults::Faults;
use crate::jwt::JwtKeys;
use crate::stats::Stats;
use crate::store::Store;

/// The installation's identity: region and pool ids.
#[derive(Clone, Debug)]
pub(crate) struct Installation {
    /// Stax installation name (`au1`).
    pub installation: String,
    /// AWS region (`ap-southeast-2`).
    pub aws_region: String,
    pub user_pool_id: String,
    pub client_id: String,
    pub identity_pool_id: String,
    pub organisation_id: String,
}

impl Installation {
    /// `iss` of the pool's tokens.
    pub fn issuer(&self) -> String {
        format!(
            "https://cognito-idp.{}.amazonaws.com/{}",
            self.aws_region, self.user_pool_id
        )
    }

    /// The key of the `Logins` map for this user pool.
    pub fn login_provider(&self) -> String {
        format!(
            "cognito-idp.{}.amazonaws.com/{}",
            self.aws_region, self.user_pool_id
        )
    }
}

/// Maps a Stax installation to its AWS region.
pub(crate) fn aws_region_of(installation: &str) -> Option<&'static str> {
    match installation.to_ascii_lowercase().as_str() {
        "au1" => Some("ap-southeast-2"),
        "us1" => Some("us-east-1"),
        "eu1" => Some("eu-central-1"),
        _ => None,
    }
}

/// An SRP exchange between InitiateAuth and RespondToAuthChallenge.
pub(crate) struct PendingChallenge {
    pub username: String,
    /// The server's side of the exchange: `A`, `b`, `B` and the verifier.
    pub srp: stax_srp::ServerSession,
    pub secret_block: Vec<u8>,
    pub expires_ms: i64,
}

pub(crate) struct AppState {
    pub install: Installation,
    /// Base URL clients reach the emulator at.
    pub endpoint: String,
    pub store: Store,
    pub jwt: JwtKeys,
    pub stats: Stats,
    pub faults: Option<Faults>,
    pub document: Document,
    /// Generic answers for the operations of an `--openapi` document; `None` without it.
    pub generic: Option<crate::generic::Api>,
    pub task_delay: Duration,
    pub credential_ttl: Duration,
    /// Pending SRP challenges keyed by their base64 `SECRET_BLOCK`.
    pub challenges: Mutex<HashMap<String, PendingChallenge>>,
}
