//! The installation's identity: its region and the ids of its pools and organisation, made on
//! first run and kept in the database (so every process on one database agrees on them).

use crate::store::{StoreError, Tx};
use crate::util;

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
    /// Loads the ids from the database, or makes and stores them.
    pub fn load_or_create(
        db: &Tx<'_>,
        installation: &str,
        aws_region: &str,
    ) -> Result<Installation, StoreError> {
        let get = |key: &str, make: &dyn Fn() -> String| -> Result<String, StoreError> {
            if let Some(v) = db.meta(key)? {
                return Ok(v);
            }
            let v = make();
            db.set_meta(key, &v)?;
            Ok(v)
        };
        let user_pool_id = get("user_pool_id", &|| {
            format!(
                "{aws_region}_{}",
                util::random_from(
                    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
                    9,
                )
            )
        })?;
        let client_id = get("client_id", &|| {
            util::random_from(b"abcdefghijklmnopqrstuvwxyz0123456789", 26)
        })?;
        let identity_pool_id = get("identity_pool_id", &|| {
            format!("{aws_region}:{}", util::uuid())
        })?;
        let organisation_id = get("organisation_id", &util::uuid)?;
        Ok(Installation {
            installation: installation.to_owned(),
            aws_region: aws_region.to_owned(),
            user_pool_id,
            client_id,
            identity_pool_id,
            organisation_id,
        })
    }

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
