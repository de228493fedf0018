//! State in SQLite: one connection per process behind a mutex, WAL for file databases.
//!
//! Every Stax resource (accounts, account types, users, ...) is a JSON document filed under its
//! kind ([`kinds`]), its id and the organisation it belongs to, kept in insertion order
//! ([`Db`], one organisation's view, the only way to reach resources: another organisation's
//! ids are not found). The sign-in state (Cognito users, identities, temporary credentials,
//! failed sign-ins) has tables of its own ([`signin`]), and so do tasks ([`tasks`], each of
//! one organisation). All access goes through [`Store::read`] or [`Store::write`] (a
//! transaction, [`Tx`]); [`Tx::org`] gives one organisation's view within it.
//!
//! Several processes may share one database file: it is in WAL mode (readers never wait for
//! the writer), every write transaction starts `IMMEDIATE` (it takes the write lock before its
//! first read, so two writers never both read and then fail to upgrade), and a busy database
//! is waited for ([`BUSY_TIMEOUT`]) instead of answered with an error. A database of an
//! earlier version is brought up to date when opened ([`migrate`]).

use std::path::Path;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

pub(crate) mod kinds;
pub(crate) mod query;
mod resources;
mod signin;
pub(crate) mod tasks;

pub(crate) use resources::Db;
pub(crate) use signin::{PoolUser, TempCredentials};

/// How long a write waits for another process's transaction to end.
pub(crate) const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// A failure of the database.
#[derive(Debug, thiserror::Error)]
pub(crate) enum StoreError {
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("stored JSON is invalid: {0}")]
    Json(#[from] serde_json::Error),
}

pub(crate) type StoreResult<T> = Result<T, StoreError>;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS resources (
    kind TEXT NOT NULL,
    id   TEXT NOT NULL,
    org  TEXT NOT NULL,
    seq  INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (kind, id)
);
CREATE TABLE IF NOT EXISTS pool_users (
    username TEXT PRIMARY KEY,
    sub      TEXT NOT NULL UNIQUE,
    salt     TEXT NOT NULL,
    verifier TEXT NOT NULL,
    enabled  INTEGER NOT NULL DEFAULT 1,
    org      TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS identities (
    identity_id TEXT PRIMARY KEY,
    sub         TEXT NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS credentials (
    access_key_id TEXT PRIMARY KEY,
    secret_key    TEXT NOT NULL,
    session_token TEXT NOT NULL,
    identity_id   TEXT NOT NULL,
    expires       INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS tasks (
    id         TEXT PRIMARY KEY,
    operation  TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    due_ms     INTEGER NOT NULL,
    outcome    TEXT NOT NULL,
    logs       TEXT NOT NULL,
    subject    TEXT,
    subjects   TEXT NOT NULL,
    effect     TEXT,
    applied    INTEGER NOT NULL DEFAULT 0,
    org        TEXT NOT NULL,
    caller     TEXT,
    target_kind TEXT,
    target_id  TEXT
);
CREATE TABLE IF NOT EXISTS sign_in_failures (
    username     TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    locked_until INTEGER NOT NULL
);
";

/// Indexes, made once the tables have their current columns.
const INDEXES: &str = "
DROP INDEX IF EXISTS resources_by_kind;
CREATE INDEX IF NOT EXISTS resources_by_org ON resources (org, kind, seq);
CREATE INDEX IF NOT EXISTS tasks_pending ON tasks (applied, due_ms);
";

/// The tables that gained an `org` column in schema version 2 (a database of an earlier
/// version had one organisation: the installation's, in `meta`).
const ORG_TABLES: [&str; 3] = ["resources", "pool_users", "tasks"];

/// Columns added to tables after their first version, with their declarations: a row written
/// before has none of them (NULL).
const ADDED_COLUMNS: [(&str, &str, &str); 3] = [
    ("tasks", "caller", "TEXT"),
    ("tasks", "target_kind", "TEXT"),
    ("tasks", "target_id", "TEXT"),
];

/// Whether `table` has the column `column`.
fn has_column(conn: &Connection, table: &str, column: &str) -> StoreResult<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2)",
        [table, column],
        |r| r.get(0),
    )?)
}

/// Brings a database made by an earlier version up to date: rows of the tables that had no
/// `org` column belong to the installation's organisation; columns added since are added.
fn migrate(conn: &Connection) -> StoreResult<()> {
    let org: Option<String> = conn
        .query_row(
            "SELECT value FROM meta WHERE key = 'organisation_id'",
            [],
            |r| r.get(0),
        )
        .optional()?;
    for table in ORG_TABLES {
        if !has_column(conn, table, "org")? {
            conn.execute_batch(&format!(
                "ALTER TABLE {table} ADD COLUMN org TEXT NOT NULL DEFAULT ''"
            ))?;
            conn.execute(
                &format!("UPDATE {table} SET org = ?1"),
                [org.as_deref().unwrap_or_default()],
            )?;
        }
    }
    for (table, column, declaration) in ADDED_COLUMNS {
        if !has_column(conn, table, column)? {
            conn.execute_batch(&format!(
                "ALTER TABLE {table} ADD COLUMN {column} {declaration}"
            ))?;
        }
    }
    Ok(())
}

/// The database.
pub(crate) struct Store {
    conn: Mutex<Connection>,
    file_backed: bool,
}

impl Store {
    /// Opens (and creates, or brings up to date) the database: a file with WAL, or memory.
    pub fn open(path: Option<&Path>) -> StoreResult<Store> {
        let mut conn = match path {
            Some(path) => {
                let conn = Connection::open(path)?;
                // Before anything else: another process may hold the database right now.
                conn.busy_timeout(BUSY_TIMEOUT)?;
                let mode: String =
                    conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
                if !mode.eq_ignore_ascii_case("wal") {
                    // Still safe (immediate transactions and the busy timeout), only slower:
                    // readers wait for writers.
                    tracing::warn!(
                        journal_mode = %mode,
                        "the database cannot use WAL (is it on a network file system?)"
                    );
                }
                conn.pragma_update(None, "synchronous", "NORMAL")?;
                conn
            }
            None => Connection::open_in_memory()?,
        };
        conn.busy_timeout(BUSY_TIMEOUT)?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        query::register_functions(&conn)?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute_batch(SCHEMA)?;
        migrate(&tx)?;
        tx.execute_batch(INDEXES)?;
        tx.commit()?;
        Ok(Store {
            conn: Mutex::new(conn),
            file_backed: path.is_some(),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite inconsistent (transactions roll
        // back on drop), so a poisoned lock is still usable.
        self.conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs `f` over one snapshot of the database (a read transaction, which never waits for
    /// a writer in WAL mode).
    pub fn read<T, E>(&self, f: impl FnOnce(&Tx<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        let mut conn = self.lock();
        let tx = conn.transaction().map_err(StoreError::from)?;
        let out = f(&Tx(&tx))?;
        tx.commit().map_err(StoreError::from)?;
        Ok(out)
    }

    /// Runs `f` in one transaction, committed when `f` succeeds; returns after the commit.
    /// The transaction holds the write lock from its start (`BEGIN IMMEDIATE`), so what `f`
    /// reads stays true until it commits, even with other processes on the same file.
    pub fn write<T, E>(&self, f: impl FnOnce(&Tx<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        let mut conn = self.lock();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(StoreError::from)?;
        let out = f(&Tx(&tx))?;
        tx.commit().map_err(StoreError::from)?;
        Ok(out)
    }

    /// Folds the WAL into the main file (on shutdown).
    pub fn checkpoint(&self) {
        if self.file_backed {
            let conn = self.lock();
            if let Err(err) = conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);") {
                tracing::warn!(error = %err, "checkpoint failed");
            }
        }
    }
}

/// One transaction over the whole database: the installation's facts, the sign-in tables and
/// the tasks of every organisation. Resources are reached through one organisation's view
/// ([`Tx::org`]).
pub(crate) struct Tx<'c>(&'c Connection);

impl<'c> Tx<'c> {
    /// The view of the organisation `org`: its resources and tasks only.
    pub fn org<'a>(&'a self, org: &'a str) -> Db<'a> {
        Db::new(self.0, org)
    }

    pub fn meta(&self, key: &str) -> StoreResult<Option<String>> {
        Ok(self
            .0
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    pub fn set_meta(&self, key: &str, value: &str) -> StoreResult<()> {
        self.0.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn resources_keep_insertion_order_and_update_in_place() {
        let store = Store::open(None).unwrap();
        store
            .write(|tx| {
                let db = tx.org("o1");
                db.put("thing", "b", &json!({"n": 1}))?;
                db.put("thing", "a", &json!({"n": 2}))?;
                db.put("thing", "b", &json!({"n": 3}))?;
                Ok::<_, StoreError>(())
            })
            .unwrap();
        let all = store.read(|tx| tx.org("o1").list("thing")).unwrap();
        assert_eq!(all, vec![json!({"n": 3}), json!({"n": 2})]);
        assert!(
            store
                .read(|tx| tx.org("o1").get("thing", "zz"))
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn organisations_never_see_each_others_resources() {
        let store = Store::open(None).unwrap();
        store
            .write(|tx| {
                tx.org("o1").put("thing", "a", &json!({"Id": "a"}))?;
                tx.org("o2").put("thing", "b", &json!({"Id": "b"}))?;
                Ok::<_, StoreError>(())
            })
            .unwrap();
        store
            .read(|tx| {
                let (one, two) = (tx.org("o1"), tx.org("o2"));
                assert_eq!(one.list("thing")?, vec![json!({"Id": "a"})]);
                assert!(one.get("thing", "b")?.is_none());
                assert!(two.get("thing", "a")?.is_none());
                assert!(!two.delete("thing", "a")?);
                assert!(one.get("thing", "a")?.is_some());
                Ok::<_, StoreError>(())
            })
            .unwrap();
    }

    #[test]
    fn failed_write_rolls_back() {
        let store = Store::open(None).unwrap();
        let result: Result<(), StoreError> = store.write(|tx| {
            tx.org("o1").put("thing", "x", &json!(1))?;
            Err(StoreError::Sqlite(rusqlite::Error::InvalidQuery))
        });
        assert!(result.is_err());
        assert!(
            store
                .read(|tx| tx.org("o1").list("thing"))
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn databases_of_the_first_version_are_brought_up_to_date() {
        let dir = std::env::temp_dir().join(format!("stax-store-{}", crate::util::uuid()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("old.db");
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(
                "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                 INSERT INTO meta VALUES ('organisation_id', 'org-1');
                 CREATE TABLE resources (kind TEXT NOT NULL, id TEXT NOT NULL, seq INTEGER NOT NULL,
                     body TEXT NOT NULL, PRIMARY KEY (kind, id));
                 CREATE INDEX resources_by_kind ON resources (kind, seq);
                 INSERT INTO resources VALUES ('thing', 'a', 1, '{\"Id\": \"a\"}');
                 CREATE TABLE pool_users (username TEXT PRIMARY KEY, sub TEXT NOT NULL UNIQUE,
                     salt TEXT NOT NULL, verifier TEXT NOT NULL, enabled INTEGER NOT NULL DEFAULT 1);
                 INSERT INTO pool_users VALUES ('key', 'sub', 's', 'v', 1);
                 CREATE TABLE tasks (id TEXT PRIMARY KEY, operation TEXT NOT NULL,
                     created_ms INTEGER NOT NULL, due_ms INTEGER NOT NULL, outcome TEXT NOT NULL,
                     logs TEXT NOT NULL, subject TEXT, subjects TEXT NOT NULL, effect TEXT,
                     applied INTEGER NOT NULL DEFAULT 0);
                 INSERT INTO tasks VALUES ('t1', 'accounts.CreateAccount', 1, 2, 'SUCCEEDED',
                     '[]', NULL, '[]', NULL, 1);",
            )
            .unwrap();
        }
        let store = Store::open(Some(&path)).unwrap();
        store
            .read(|tx| {
                assert_eq!(tx.org("org-1").list("thing")?, vec![json!({"Id": "a"})]);
                let org: String = tx.0.query_row(
                    "SELECT org FROM pool_users WHERE username = 'key'",
                    [],
                    |r| r.get(0),
                )?;
                assert_eq!(org, "org-1");
                let task = tx
                    .org("org-1")
                    .task("t1")?
                    .expect("the old task is the organisation's");
                assert_eq!(
                    task.origin,
                    tasks::Origin::default(),
                    "no caller or target known"
                );
                Ok::<_, StoreError>(())
            })
            .unwrap();
        drop(store);
        let _ = std::fs::remove_dir_all(dir);
    }
}
