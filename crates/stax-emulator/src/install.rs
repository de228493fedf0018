//! The installation's identity: its region and the ids of its Cognito pools, made on first
//! run and kept in the database (so every process on one database agrees on them).
//!
//! The region is the process's (`--region`); the pool ids travel with the state: loading a
//! state made by another emulator adopts its pools ([`Installation::adopt`]), since the SRP
//! verifiers of its API tokens were made for its user pool's name. Every clone of an
//! [`Installation`] shares the pool ids, so the public configuration, Cognito and new API
//! tokens all see the adopted ones at once.

use std::sync::{Arc, RwLock};

use crate::store::state::{FIRST_ORGANISATION_KEY, POOL_KEYS};
use crate::store::{StoreError, Tx};
use crate::util;

/// The ids of the installation's Cognito pools.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Pools {
    pub user_pool_id: String,
    pub client_id: String,
    pub identity_pool_id: String,
}

/// The installation's identity: its region and its pools.
#[derive(Clone, Debug)]
pub(crate) struct Installation {
    /// Stax installation name (`au1`).
    pub installation: String,
    /// AWS region (`ap-southeast-2`).
    pub aws_region: String,
    pools: Arc<RwLock<Arc<Pools>>>,
}

impl Installation {
    /// An installation of `installation` (`au1`) in `aws_region` with these pools.
    pub fn new(installation: &str, aws_region: &str, pools: Pools) -> Installation {
        Installation {
            installation: installation.to_owned(),
            aws_region: aws_region.to_owned(),
            pools: Arc::new(RwLock::new(Arc::new(pools))),
        }
    }

    /// Loads the ids from the database, or makes and stores them; also returns the id of the
    /// first organisation (made, but not seeded, when new).
    pub fn load_or_create(
        db: &Tx<'_>,
        installation: &str,
        aws_region: &str,
    ) -> Result<(Installation, String), StoreError> {
        let get = |key: &str, make: &dyn Fn() -> String| -> Result<String, StoreError> {
            if let Some(v) = db.meta(key)? {
                return Ok(v);
            }
            let v = make();
            db.set_meta(key, &v)?;
            Ok(v)
        };
        let user_pool_id = get(POOL_KEYS[0], &|| {
            format!(
                "{aws_region}_{}",
                util::random_from(
                    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
                    9,
                )
            )
        })?;
        let client_id = get(POOL_KEYS[1], &|| {
            util::random_from(b"abcdefghijklmnopqrstuvwxyz0123456789", 26)
        })?;
        let identity_pool_id = get(POOL_KEYS[2], &|| format!("{aws_region}:{}", util::uuid()))?;
        let organisation_id = get(FIRST_ORGANISATION_KEY, &util::uuid)?;
        let pools = Pools {
            user_pool_id,
            client_id,
            identity_pool_id,
        };
        Ok((
            Installation::new(installation, aws_region, pools),
            organisation_id,
        ))
    }

    /// The pool ids now.
    pub fn pools(&self) -> Arc<Pools> {
        self.pools
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// Takes the pool ids the database holds now (after a state was loaded, or a reset).
    pub fn adopt(&self, db: &Tx<'_>) -> Result<(), StoreError> {
        let current = self.pools();
        let read = |key: &str, now: &str| -> Result<String, StoreError> {
            Ok(db.meta(key)?.unwrap_or_else(|| now.to_owned()))
        };
        let pools = Pools {
            user_pool_id: read(POOL_KEYS[0], &current.user_pool_id)?,
            client_id: read(POOL_KEYS[1], &current.client_id)?,
            identity_pool_id: read(POOL_KEYS[2], &current.identity_pool_id)?,
        };
        *self
            .pools
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Arc::new(pools);
        Ok(())
    }

    /// `iss` of the pool's tokens.
    pub fn issuer(&self) -> String {
        format!(
            "https://cognito-idp.{}.amazonaws.com/{}",
            self.aws_region,
            self.pools().user_pool_id
        )
    }

    /// The key of the `Logins` map for this user pool.
    pub fn login_provider(&self) -> String {
        format!(
            "cognito-idp.{}.amazonaws.com/{}",
            self.aws_region,
            self.pools().user_pool_id
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
