//! The database as the process started, kept beside it, and going back to it (the control
//! routes' reset).
//!
//! [`Store::keep_start`] copies every table into an in-memory database attached to the
//! connection (`start`); [`Store::back_to_start`] puts the copies back in one transaction,
//! inside SQLite, so a reset costs about what copying the seed's rows costs. What was signed
//! in stays signed in where it can: identities and temporary credentials of the Cognito users
//! that exist again are kept (a client holding the ready token's credentials goes on without
//! a new sign-in), the others go with their users.

use super::{Store, StoreResult};

/// Every table of the database (a test checks that none is missing).
pub(super) const TABLES: [&str; 8] = [
    "meta",
    "resources",
    "pool_users",
    "identities",
    "credentials",
    "tasks",
    "sign_in_failures",
    "outcome_rules",
];

/// The tables a reset copies back whole; identities and credentials are kept or dropped
/// with their users.
const COPIED_BACK: [&str; 6] = [
    "meta",
    "resources",
    "pool_users",
    "tasks",
    "sign_in_failures",
    "outcome_rules",
];

impl Store {
    /// Keeps a copy of every table as it is now: what [`Store::back_to_start`] returns to.
    pub fn keep_start(&self) -> StoreResult<()> {
        let conn = self.lock();
        let attached: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM pragma_database_list WHERE name = 'start')",
            [],
            |r| r.get(0),
        )?;
        if !attached {
            conn.execute_batch("ATTACH DATABASE ':memory:' AS start")?;
        }
        let script: String = TABLES
            .iter()
            .map(|table| {
                format!(
                    "DROP TABLE IF EXISTS start.{table};
                     CREATE TABLE start.{table} AS SELECT * FROM main.{table};"
                )
            })
            .collect();
        conn.execute_batch(&format!("BEGIN IMMEDIATE; {script} COMMIT;"))?;
        Ok(())
    }

    /// Puts the tables back as [`Store::keep_start`] kept them, in one transaction (an error
    /// when no copy was kept).
    pub fn back_to_start(&self) -> StoreResult<()> {
        let copied: String = COPIED_BACK
            .iter()
            .map(|table| {
                format!(
                    "DELETE FROM main.{table};
                     INSERT INTO main.{table} SELECT * FROM start.{table};"
                )
            })
            .collect();
        self.write(|tx| {
            tx.0.execute_batch(&format!(
                "{copied}
                 DELETE FROM main.identities WHERE sub NOT IN (SELECT sub FROM main.pool_users);
                 INSERT OR IGNORE INTO main.identities SELECT * FROM start.identities;
                 DELETE FROM main.credentials
                     WHERE identity_id NOT IN (SELECT identity_id FROM main.identities);"
            ))?;
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::store::StoreError;

    #[test]
    fn every_table_is_kept() {
        let store = Store::open(None).unwrap();
        let tables: Vec<String> = store
            .read(|tx| {
                let mut stmt = tx.0.prepare(
                    "SELECT name FROM main.sqlite_master WHERE type = 'table' ORDER BY name",
                )?;
                let names = stmt.query_map([], |r| r.get(0))?;
                Ok::<_, StoreError>(names.collect::<Result<Vec<String>, _>>()?)
            })
            .unwrap();
        let mut ours: Vec<String> = TABLES.iter().map(|t| (*t).to_owned()).collect();
        ours.sort();
        assert_eq!(tables, ours, "a table was added: keep it in TABLES");
    }

    #[test]
    fn back_to_start_undoes_changes_and_keeps_the_sign_ins_of_users_that_remain() {
        let store = Store::open(None).unwrap();
        let user = |name: &str, sub: &str| crate::store::PoolUser {
            username: name.into(),
            sub: sub.into(),
            salt: "00".into(),
            verifier: "00".into(),
            enabled: true,
        };
        store
            .write(|tx| {
                tx.org("o1").put("thing", "a", &json!({"Id": "a"}))?;
                tx.org("o1").add_pool_user(&user("first", "sub-1"))?;
                tx.set_meta("flag", "start")
            })
            .unwrap();
        store.keep_start().unwrap();
        store
            .write(|tx| {
                let db = tx.org("o1");
                db.put("thing", "b", &json!({"Id": "b"}))?;
                db.delete("thing", "a")?;
                db.add_pool_user(&user("later", "sub-2"))?;
                tx.set_meta("flag", "changed")?;
                for (identity, sub, key) in [("id-1", "sub-1", "K1"), ("id-2", "sub-2", "K2")] {
                    tx.identity_for(sub, || identity.to_owned())?;
                    tx.add_credentials(&crate::store::TempCredentials {
                        access_key_id: key.into(),
                        secret_key: "s".into(),
                        session_token: "t".into(),
                        identity_id: identity.into(),
                        expires: i64::MAX,
                    })?;
                }
                tx.set_sign_in_failures("first", 5, i64::MAX)
            })
            .unwrap();
        store.back_to_start().unwrap();
        store
            .read(|tx| {
                assert_eq!(tx.org("o1").list("thing")?, vec![json!({"Id": "a"})]);
                assert_eq!(tx.meta("flag")?.as_deref(), Some("start"));
                assert!(tx.pool_user("later")?.is_none());
                assert_eq!(tx.sign_in_failures("first")?, (0, 0));
                assert!(
                    tx.credentials("K1")?.is_some(),
                    "the first user stays signed in"
                );
                assert!(tx.credentials("K2")?.is_none());
                assert!(tx.identity_sub("id-2")?.is_none());
                Ok::<_, StoreError>(())
            })
            .unwrap();
        // Twice in a row: the copy is still there.
        store.back_to_start().unwrap();
    }
}
