//! State in SQLite: one connection per process behind a mutex, WAL for file databases.
//!
//! Stax resources (accounts, account types, users, ...) are JSON documents keyed by kind
//! ([`kinds`]) and id, kept in insertion order; the sign-in state (Cognito users, identities,
//! temporary credentials, failed sign-ins) and tasks ([`tasks`]) have tables of their own. All
//! access goes through [`Db`], inside [`Store::read`] or [`Store::write`] (a transaction).
//!
//! Several processes may share one database file: it is in WAL mode (readers never wait for
//! the writer), every write transaction starts `IMMEDIATE` (it takes the write lock before its
//! first read, so two writers never both read and then fail to upgrade), and a busy database
//! is waited for ([`BUSY_TIMEOUT`]) instead of answered with an error.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use serde_json::Value;

pub(crate) mod kinds;
pub(crate) mod tasks;

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
    seq  INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (kind, id)
);
CREATE INDEX IF NOT EXISTS resources_by_kind ON resources (kind, seq);
CREATE TABLE IF NOT EXISTS pool_users (
    username TEXT PRIMARY KEY,
    sub      TEXT NOT NULL UNIQUE,
    salt     TEXT NOT NULL,
    verifier TEXT NOT NULL,
    enabled  INTEGER NOT NULL DEFAULT 1
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
    applied    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS tasks_pending ON tasks (applied, due_ms);
CREATE TABLE IF NOT EXISTS sign_in_failures (
    username     TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    locked_until INTEGER NOT NULL
);
";

/// The database.
pub(crate) struct Store {
    conn: Mutex<Connection>,
    file_backed: bool,
}

impl Store {
    /// Opens (and creates) the database: a file with WAL, or memory.
    pub fn open(path: Option<&Path>) -> StoreResult<Store> {
        let conn = match path {
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
        conn.execute_batch(&format!("BEGIN IMMEDIATE; {SCHEMA} COMMIT;"))?;
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
    pub fn read<T>(&self, f: impl FnOnce(&Db<'_>) -> StoreResult<T>) -> StoreResult<T> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let out = f(&Db(&tx))?;
        tx.commit()?;
        Ok(out)
    }

    /// Runs `f` in one transaction, committed when `f` succeeds; returns after the commit.
    /// The transaction holds the write lock from its start (`BEGIN IMMEDIATE`), so what `f`
    /// reads stays true until it commits, even with other processes on the same file.
    pub fn write<T, E>(&self, f: impl FnOnce(&Db<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        let mut conn = self.lock();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(StoreError::from)?;
        let out = f(&Db(&tx))?;
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

/// A task row.
#[derive(Clone, Debug)]
pub(crate) struct TaskRow {
    pub id: String,
    pub operation: String,
    pub created_ms: i64,
    pub due_ms: i64,
    /// `SUCCEEDED` or `FAILED`: the final status.
    pub outcome: String,
    pub logs: Vec<String>,
    /// `Accounts`, `Users` or `Workloads`: the key the task's subjects are listed under.
    pub subject: Option<String>,
    pub subjects: Vec<String>,
    /// A change to apply when the task ends (see `tasks`).
    pub effect: Option<Value>,
    pub applied: bool,
}

/// Queries over one connection or transaction.
pub(crate) struct Db<'c>(&'c Connection);

impl Db<'_> {
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

    /// Inserts or replaces a resource; a new one goes last in its kind's order.
    pub fn put(&self, kind: &str, id: &str, body: &Value) -> StoreResult<()> {
        let text = serde_json::to_string(body)?;
        let updated = self.0.execute(
            "UPDATE resources SET body = ?3 WHERE kind = ?1 AND id = ?2",
            params![kind, id, text],
        )?;
        if updated == 0 {
            self.0.execute(
                "INSERT INTO resources (kind, id, seq, body)
                 VALUES (?1, ?2, (SELECT COALESCE(MAX(seq), 0) + 1 FROM resources), ?3)",
                params![kind, id, text],
            )?;
        }
        Ok(())
    }

    pub fn get(&self, kind: &str, id: &str) -> StoreResult<Option<Value>> {
        let text: Option<String> = self
            .0
            .query_row(
                "SELECT body FROM resources WHERE kind = ?1 AND id = ?2",
                params![kind, id],
                |r| r.get(0),
            )
            .optional()?;
        Ok(text.map(|t| serde_json::from_str(&t)).transpose()?)
    }

    /// Every resource of a kind, oldest first.
    pub fn list(&self, kind: &str) -> StoreResult<Vec<Value>> {
        let mut stmt = self
            .0
            .prepare_cached("SELECT body FROM resources WHERE kind = ?1 ORDER BY seq")?;
        let rows = stmt.query_map([kind], |r| r.get::<_, String>(0))?;
        let mut out = Vec::new();
        for row in rows {
            out.push(serde_json::from_str(&row?)?);
        }
        Ok(out)
    }

    pub fn delete(&self, kind: &str, id: &str) -> StoreResult<bool> {
        Ok(self.0.execute(
            "DELETE FROM resources WHERE kind = ?1 AND id = ?2",
            params![kind, id],
        )? > 0)
    }

    pub fn add_pool_user(&self, user: &PoolUser) -> StoreResult<()> {
        self.0.execute(
            "INSERT OR REPLACE INTO pool_users (username, sub, salt, verifier, enabled)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                user.username,
                user.sub,
                user.salt,
                user.verifier,
                user.enabled
            ],
        )?;
        Ok(())
    }

    pub fn pool_user(&self, username: &str) -> StoreResult<Option<PoolUser>> {
        Ok(self
            .0
            .query_row(
                "SELECT username, sub, salt, verifier, enabled FROM pool_users WHERE username = ?1",
                [username],
                |r| {
                    Ok(PoolUser {
                        username: r.get(0)?,
                        sub: r.get(1)?,
                        salt: r.get(2)?,
                        verifier: r.get(3)?,
                        enabled: r.get(4)?,
                    })
                },
            )
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

    pub fn remove_pool_user(&self, username: &str) -> StoreResult<bool> {
        Ok(self
            .0
            .execute("DELETE FROM pool_users WHERE username = ?1", [username])?
            > 0)
    }

    /// The identity of a user (`sub`), made with `new_id` the first time.
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

    /// The Cognito user (an API token's access key) that temporary credentials were issued to.
    pub fn credentials_owner(&self, access_key_id: &str) -> StoreResult<Option<String>> {
        Ok(self
            .0
            .query_row(
                "SELECT p.username FROM credentials c
                 JOIN identities i ON i.identity_id = c.identity_id
                 JOIN pool_users p ON p.sub = i.sub
                 WHERE c.access_key_id = ?1",
                [access_key_id],
                |r| r.get(0),
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

    pub fn add_task(&self, task: &TaskRow) -> StoreResult<()> {
        self.0.execute(
            "INSERT INTO tasks (id, operation, created_ms, due_ms, outcome, logs, subject, subjects, effect, applied)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                task.id,
                task.operation,
                task.created_ms,
                task.due_ms,
                task.outcome,
                serde_json::to_string(&task.logs)?,
                task.subject,
                serde_json::to_string(&task.subjects)?,
                task.effect.as_ref().map(serde_json::to_string).transpose()?,
                task.applied,
            ],
        )?;
        Ok(())
    }

    fn task_from_row(
        row: &rusqlite::Row<'_>,
    ) -> rusqlite::Result<(TaskRow, String, String, Option<String>)> {
        Ok((
            TaskRow {
                id: row.get(0)?,
                operation: row.get(1)?,
                created_ms: row.get(2)?,
                due_ms: row.get(3)?,
                outcome: row.get(4)?,
                logs: Vec::new(),
                subject: row.get(6)?,
                subjects: Vec::new(),
                effect: None,
                applied: row.get(9)?,
            },
            row.get(5)?,
            row.get(7)?,
            row.get(8)?,
        ))
    }

    fn finish_task(parts: (TaskRow, String, String, Option<String>)) -> StoreResult<TaskRow> {
        let (mut task, logs, subjects, effect) = parts;
        task.logs = serde_json::from_str(&logs)?;
        task.subjects = serde_json::from_str(&subjects)?;
        task.effect = effect.map(|e| serde_json::from_str(&e)).transpose()?;
        Ok(task)
    }

    pub fn task(&self, id: &str) -> StoreResult<Option<TaskRow>> {
        let parts = self
            .0
            .query_row(
                "SELECT id, operation, created_ms, due_ms, outcome, logs, subject, subjects, effect, applied
                 FROM tasks WHERE id = ?1",
                [id],
                Self::task_from_row,
            )
            .optional()?;
        parts.map(Self::finish_task).transpose()
    }

    /// Tasks whose end is due by `now_ms` and whose effect is not applied yet, oldest first.
    pub fn due_tasks(&self, now_ms: i64) -> StoreResult<Vec<TaskRow>> {
        let mut stmt = self.0.prepare_cached(
            "SELECT id, operation, created_ms, due_ms, outcome, logs, subject, subjects, effect, applied
             FROM tasks WHERE applied = 0 AND due_ms <= ?1 ORDER BY due_ms, created_ms",
        )?;
        let rows = stmt.query_map([now_ms], Self::task_from_row)?;
        let mut out = Vec::new();
        for row in rows {
            out.push(Self::finish_task(row?)?);
        }
        Ok(out)
    }

    /// Records a task as ended, with its final outcome and logs.
    pub fn end_task(&self, id: &str, outcome: &str, logs: &[String]) -> StoreResult<()> {
        self.0.execute(
            "UPDATE tasks SET applied = 1, outcome = ?2, logs = ?3 WHERE id = ?1",
            params![id, outcome, serde_json::to_string(logs)?],
        )?;
        Ok(())
    }

    /// Whether any task is waiting to end (so readers know whether to advance).
    pub fn has_pending_tasks(&self) -> StoreResult<bool> {
        Ok(self.0.query_row(
            "SELECT EXISTS (SELECT 1 FROM tasks WHERE applied = 0)",
            [],
            |r| r.get(0),
        )?)
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
            .write(|db| {
                db.put("thing", "b", &json!({"n": 1}))?;
                db.put("thing", "a", &json!({"n": 2}))?;
                db.put("thing", "b", &json!({"n": 3}))?;
                Ok::<_, StoreError>(())
            })
            .unwrap();
        let all = store.read(|db| db.list("thing")).unwrap();
        assert_eq!(all, vec![json!({"n": 3}), json!({"n": 2})]);
        assert!(store.read(|db| db.get("thing", "zz")).unwrap().is_none());
    }

    #[test]
    fn failed_write_rolls_back() {
        let store = Store::open(None).unwrap();
        let result: Result<(), StoreError> = store.write(|db| {
            db.put("thing", "x", &json!(1))?;
            Err(StoreError::Sqlite(rusqlite::Error::InvalidQuery))
        });
        assert!(result.is_err());
        assert!(store.read(|db| db.list("thing")).unwrap().is_empty());
    }
}
