//! The sign-in tables: Cognito users (one per API token, in its organisation), identities,
//! temporary credentials and failed sign-ins.

use rusqlite::{OptionalExtension, Row, params};

use super::{Db, StoreResult, Tx};

/// A Cognito user: the API token's access key with its SRP salt and verifier.
#[derive(Clone)]
pub(crate) struct PoolUser {
    pub username: String,
    pub sub: String,
    pub salt: String,
    pub verifier: String,
    pub enabled: bool,
}

/// Temporary credentials issued by the identity pool.
#[derive(Clone)]
pub(crate) struct TempCredentials {
    pub access_key_id: String,
    pub secret_key: String,
    pub session_token: String,
    pub identity_id: String,
    pub expires: i64,
}

impl PoolUser {
    /// The columns [`PoolUser::from_row`] reads, first in a row (of `pool_users`, named `p`).
    pub(super) const COLUMNS: &str = "p.username, p.sub, p.salt, p.verifier, p.enabled";

    /// The pool user of a row starting with [`PoolUser::COLUMNS`].
    pub(super) fn from_row(r: &Row<'_>) -> rusqlite::Result<PoolUser> {
        Ok(PoolUser {
            username: r.get(0)?,
            sub: r.get(1)?,
            salt: r.get(2)?,
            verifier: r.get(3)?,
            enabled: r.get(4)?,
        })
    }
}

impl Tx<'_> {
    pub fn pool_user(&self, username: &str) -> StoreResult<Option<PoolUser>> {
        let sql = format!(
            "SELECT {} FROM pool_users p WHERE username = ?1",
            PoolUser::COLUMNS
        );
        Ok(self
            .0
            .query_row(&sql, [username], PoolUser::from_row)
            .optional()?)
    }

    pub fn pool_user_by_sub(&self, sub: &str) -> StoreResult<Option<String>> {
        Ok(self
            .0
            .query_row(
                "SELECT username FROM pool_users WHERE sub = ?1",
                [sub],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// The identity of a user (`sub`), made with `new_id` the first time.
    /// The organisation of the Cognito user `sub`.
    pub fn organisation_of_sub(&self, sub: &str) -> StoreResult<Option<String>> {
        Ok(self
            .0
            .query_row("SELECT org FROM pool_users WHERE sub = ?1", [sub], |r| {
                r.get(0)
            })
            .optional()?)
    }

    pub fn identity_for(&self, sub: &str, new_id: impl FnOnce() -> String) -> StoreResult<String> {
        let found: Option<String> = self
            .0
            .query_row(
                "SELECT identity_id FROM identities WHERE sub = ?1",
                [sub],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(id) = found {
            return Ok(id);
        }
        let id = new_id();
        self.0.execute(
            "INSERT INTO identities (identity_id, sub) VALUES (?1, ?2)",
            params![id, sub],
        )?;
        Ok(id)
    }

    pub fn identity_sub(&self, identity_id: &str) -> StoreResult<Option<String>> {
        Ok(self
            .0
            .query_row(
                "SELECT sub FROM identities WHERE identity_id = ?1",
                [identity_id],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// The Cognito user (an API token's access key) that temporary credentials were issued
    /// to, and its organisation.
    pub fn credentials_owner(&self, access_key_id: &str) -> StoreResult<Option<(String, String)>> {
        Ok(self
            .0
            .query_row(
                "SELECT p.username, p.org FROM credentials c
                 JOIN identities i ON i.identity_id = c.identity_id
                 JOIN pool_users p ON p.sub = i.sub
                 WHERE c.access_key_id = ?1",
                [access_key_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    /// Failed sign-ins of a user in a row, and until when (epoch ms) it is locked out.
    pub fn sign_in_failures(&self, username: &str) -> StoreResult<(u32, i64)> {
        Ok(self
            .0
            .query_row(
                "SELECT failures, locked_until FROM sign_in_failures WHERE username = ?1",
                [username],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .unwrap_or((0, 0)))
    }

    /// Records the failed sign-ins of a user in a row (0 forgets them).
    pub fn set_sign_in_failures(
        &self,
        username: &str,
        failures: u32,
        locked_until: i64,
    ) -> StoreResult<()> {
        if failures == 0 {
            self.0.execute(
                "DELETE FROM sign_in_failures WHERE username = ?1",
                [username],
            )?;
        } else {
            self.0.execute(
                "INSERT INTO sign_in_failures (username, failures, locked_until) VALUES (?1, ?2, ?3)
                 ON CONFLICT (username) DO UPDATE SET failures = excluded.failures,
                 locked_until = excluded.locked_until",
                params![username, failures, locked_until],
            )?;
        }
        Ok(())
    }

    pub fn add_credentials(&self, creds: &TempCredentials) -> StoreResult<()> {
        self.0.execute(
            "INSERT INTO credentials (access_key_id, secret_key, session_token, identity_id, expires)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                creds.access_key_id,
                creds.secret_key,
                creds.session_token,
                creds.identity_id,
                creds.expires
            ],
        )?;
        Ok(())
    }

    pub fn credentials(&self, access_key_id: &str) -> StoreResult<Option<TempCredentials>> {
        Ok(self
            .0
            .query_row(
                "SELECT access_key_id, secret_key, session_token, identity_id, expires
                 FROM credentials WHERE access_key_id = ?1",
                [access_key_id],
                |r| {
                    Ok(TempCredentials {
                        access_key_id: r.get(0)?,
                        secret_key: r.get(1)?,
                        session_token: r.get(2)?,
                        identity_id: r.get(3)?,
                        expires: r.get(4)?,
                    })
                },
            )
            .optional()?)
    }

    /// Makes every issued credential still valid at `now` (epoch seconds) expire at `now`;
    /// returns how many.
    pub fn expire_credentials(&self, now: i64) -> StoreResult<usize> {
        Ok(self.0.execute(
            "UPDATE credentials SET expires = ?1 WHERE expires > ?1",
            [now],
        )?)
    }

    /// Forgets credentials that expired before `before` (epoch seconds).
    pub fn purge_credentials(&self, before: i64) -> StoreResult<usize> {
        Ok(self
            .0
            .execute("DELETE FROM credentials WHERE expires < ?1", [before])?)
    }
}

impl Db<'_> {
    /// Adds (or replaces) the Cognito user of an API token, in this organisation.
    pub fn add_pool_user(&self, user: &PoolUser) -> StoreResult<()> {
        self.conn.execute(
            "INSERT OR REPLACE INTO pool_users (username, sub, salt, verifier, enabled, org)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                user.username,
                user.sub,
                user.salt,
                user.verifier,
                user.enabled,
                self.org()
            ],
        )?;
        Ok(())
    }

    /// Removes the Cognito user of an API token of this organisation.
    pub fn remove_pool_user(&self, username: &str) -> StoreResult<bool> {
        Ok(self.conn.execute(
            "DELETE FROM pool_users WHERE username = ?1 AND org = ?2",
            params![username, self.org()],
        )? > 0)
    }
}
