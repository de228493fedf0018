//! The whole state as one JSON document: written out ([`Tx::export_state`]) and read back
//! ([`Tx::import_state`]), exactly (an export of an import is the document again).
//!
//! ```json
//! {"format": "stax-emulator-state", "version": 1,
//!  "installation": {"installation": "au1", "user_pool_id": "...", "client_id": "...",
//!                   "identity_pool_id": "..."},
//!  "ready": {"access_key": "...", "secret_key": "..."},
//!  "organisations": [
//!    {"id": "...",
//!     "resources": {"account": {"<id>": {...}, ...}, ...},
//!     "tasks": [{"id", "operation", "created_ms", "due_ms", "outcome", "logs", "subject",
//!                "subjects", "effect", "applied", "caller", "target_kind", "target_id",
//!                "held"}],
//!     "cognito_users": [{"username", "sub", "salt", "verifier", "enabled", "identity_id",
//!                        "new_password_required"}]}]}
//! ```
//!
//! The first organisation is the installation's first, whose API token `ready` names (the
//! ready line's). Resources of a kind keep their order (the order lists show them in); tasks
//! are in the order they were made, Cognito users by name. Not in it: temporary credentials
//! (clients sign in again), failed sign-ins, the ID tokens' signing key, and the controls
//! (transitions, outcome rules).

use std::collections::HashSet;

use rusqlite::params;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::tasks::{Held, Origin, TASK_COLUMNS, TaskRow, finish_task, task_from_row};
use super::{PoolUser, StoreError, StoreResult, Tx};

/// What the document says it is.
pub(crate) const FORMAT: &str = "stax-emulator-state";
/// The version of the document this emulator writes and reads.
pub(crate) const VERSION: u64 = 1;

/// The `meta` keys of the installation's pool ids: user pool, its client, identity pool.
pub(crate) const POOL_KEYS: [&str; 3] = ["user_pool_id", "client_id", "identity_pool_id"];
/// The `meta` key naming the first organisation (the ready line's).
pub(crate) const FIRST_ORGANISATION_KEY: &str = "organisation_id";
/// The `meta` keys of the ready line's token.
pub(crate) const READY_KEYS: [&str; 2] = ["ready_access_key", "ready_secret_key"];
/// The `meta` keys marking Cognito users whose password must be changed start so.
const NEW_PASSWORD_PREFIX: &str = "new_password_required/";

/// The `meta` key that marks a Cognito user whose password must be changed.
pub(crate) fn new_password_key(username: &str) -> String {
    format!("{NEW_PASSWORD_PREFIX}{username}")
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Document {
    format: String,
    version: u64,
    installation: InstallationDoc,
    ready: Option<Ready>,
    organisations: Vec<Organisation>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct InstallationDoc {
    installation: String,
    user_pool_id: String,
    client_id: String,
    identity_pool_id: String,
}

/// The API token of the ready line.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub(crate) struct Ready {
    pub access_key: String,
    pub secret_key: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Organisation {
    id: String,
    /// Kind -> id -> record.
    resources: Map<String, Value>,
    tasks: Vec<Task>,
    cognito_users: Vec<CognitoUser>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Task {
    id: String,
    operation: String,
    created_ms: i64,
    due_ms: i64,
    outcome: String,
    logs: Vec<String>,
    subject: Option<String>,
    subjects: Vec<String>,
    effect: Option<Value>,
    applied: bool,
    /// Who asked for it (an API token's access key), what kind of record it changes and
    /// which (what insights report); absent: unknown.
    #[serde(default)]
    caller: Option<String>,
    #[serde(default)]
    target_kind: Option<String>,
    #[serde(default)]
    target_id: Option<String>,
    /// `STARTED` or `RUNNING` while it waits to be moved by hand.
    held: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CognitoUser {
    username: String,
    sub: String,
    salt: String,
    verifier: String,
    enabled: bool,
    identity_id: Option<String>,
    new_password_required: bool,
}

/// Why a state document cannot be loaded.
#[derive(Debug, thiserror::Error)]
pub(crate) enum StateError {
    /// The document is not a state this emulator can load; the text says why.
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn invalid(text: impl Into<String>) -> StateError {
    StateError::Invalid(text.into())
}

impl From<rusqlite::Error> for StateError {
    fn from(err: rusqlite::Error) -> Self {
        StateError::Store(err.into())
    }
}

impl From<serde_json::Error> for StateError {
    fn from(err: serde_json::Error) -> Self {
        StateError::Store(err.into())
    }
}

/// What a loaded state holds beside its rows, for the caller to check before they are
/// written: its kinds of resources and its Cognito users' SRP values.
pub(crate) struct Checks<'a> {
    /// Whether a kind of resources is one the emulator keeps.
    pub kind: &'a dyn Fn(&str) -> bool,
    /// Whether a salt and verifier (hex) are usable.
    pub verifier: &'a dyn Fn(&str, &str) -> bool,
}

impl Tx<'_> {
    /// The whole state as one document; `installation` is the process's (`au1`).
    pub fn export_state(&self, installation: &str) -> StoreResult<Value> {
        let meta = |key: &str| -> StoreResult<String> { Ok(self.meta(key)?.unwrap_or_default()) };
        let first = meta(FIRST_ORGANISATION_KEY)?;
        let ready = match (self.meta(READY_KEYS[0])?, self.meta(READY_KEYS[1])?) {
            (Some(access_key), Some(secret_key)) => Some(Ready {
                access_key,
                secret_key,
            }),
            _ => None,
        };
        let mut organisations = Vec::new();
        for org in self.organisation_ids(&first)? {
            organisations.push(self.export_organisation(&org)?);
        }
        let document = Document {
            format: FORMAT.to_owned(),
            version: VERSION,
            installation: InstallationDoc {
                installation: installation.to_owned(),
                user_pool_id: meta(POOL_KEYS[0])?,
                client_id: meta(POOL_KEYS[1])?,
                identity_pool_id: meta(POOL_KEYS[2])?,
            },
            ready,
            organisations,
        };
        Ok(serde_json::to_value(document)?)
    }

    /// Every organisation with rows: `first` first, then the others by id. (Rows of no
    /// organisation, tasks of public operations, belong to nobody and are left out.)
    fn organisation_ids(&self, first: &str) -> StoreResult<Vec<String>> {
        let mut stmt = self.0.prepare(
            "SELECT org FROM resources UNION SELECT org FROM tasks
             UNION SELECT org FROM pool_users ORDER BY 1",
        )?;
        let others = stmt
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        let mut ids = vec![first.to_owned()];
        ids.extend(
            others
                .into_iter()
                .filter(|org| !org.is_empty() && org != first),
        );
        Ok(ids)
    }

    fn export_organisation(&self, org: &str) -> StoreResult<Organisation> {
        let mut resources = Map::new();
        let mut stmt = self
            .0
            .prepare("SELECT kind, id, body FROM resources WHERE org = ?1 ORDER BY kind, seq")?;
        let rows = stmt.query_map([org], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        for row in rows {
            let (kind, id, body) = row?;
            let records = resources
                .entry(kind)
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(records) = records {
                records.insert(id, serde_json::from_str(&body)?);
            }
        }
        let mut stmt = self.0.prepare(&format!(
            "SELECT {TASK_COLUMNS} FROM tasks WHERE org = ?1 ORDER BY created_ms, rowid"
        ))?;
        let mut tasks = Vec::new();
        for row in stmt.query_map([org], task_from_row)? {
            let task = finish_task(row?)?;
            tasks.push(Task {
                held: task.held.map(|held| {
                    match held {
                        Held::First => "STARTED",
                        Held::Running => "RUNNING",
                    }
                    .to_owned()
                }),
                caller: task.origin.caller,
                target_kind: task.origin.target_kind,
                target_id: task.origin.target_id,
                id: task.id,
                operation: task.operation,
                created_ms: task.created_ms,
                due_ms: task.due_ms,
                outcome: task.outcome,
                logs: task.logs,
                subject: task.subject,
                subjects: task.subjects,
                effect: task.effect,
                applied: task.applied,
            });
        }
        let mut stmt = self.0.prepare(&format!(
            "SELECT {}, i.identity_id, EXISTS (SELECT 1 FROM meta WHERE key = ?2 || p.username)
             FROM pool_users p LEFT JOIN identities i ON i.sub = p.sub
             WHERE p.org = ?1 ORDER BY p.username",
            PoolUser::COLUMNS
        ))?;
        let cognito_users = stmt
            .query_map(params![org, NEW_PASSWORD_PREFIX], |r| {
                let PoolUser {
                    username,
                    sub,
                    salt,
                    verifier,
                    enabled,
                } = PoolUser::from_row(r)?;
                Ok(CognitoUser {
                    username,
                    sub,
                    salt,
                    verifier,
                    enabled,
                    identity_id: r.get(5)?,
                    new_password_required: r.get(6)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Organisation {
            id: org.to_owned(),
            resources,
            tasks,
            cognito_users,
        })
    }

    /// Replaces the state with `document`, made by [`Tx::export_state`] here or in another
    /// emulator of the installation `installation` (`au1`). Everything is checked before
    /// anything is written; the caller's transaction makes it all or nothing. The pool ids
    /// become the document's (adopt them with `Installation::adopt`); temporary credentials
    /// of users the document does not have stop working. Returns the ready line's token.
    pub fn import_state(
        &self,
        document: &Value,
        installation: &str,
        checks: &Checks<'_>,
    ) -> Result<Option<Ready>, StateError> {
        let document = read_document(document, installation)?;
        check_rows(&document, checks)?;
        self.0.execute_batch(
            "DELETE FROM resources; DELETE FROM tasks; DELETE FROM pool_users;
             DELETE FROM identities; DELETE FROM sign_in_failures;",
        )?;
        self.0.execute(
            "DELETE FROM meta WHERE substr(key, 1, length(?1)) = ?1",
            [NEW_PASSWORD_PREFIX],
        )?;
        for org in &document.organisations {
            self.import_organisation(org)?;
        }
        self.0.execute(
            "DELETE FROM credentials WHERE identity_id NOT IN (SELECT identity_id FROM identities)",
            [],
        )?;
        let pools = &document.installation;
        for (key, value) in POOL_KEYS.iter().zip([
            &pools.user_pool_id,
            &pools.client_id,
            &pools.identity_pool_id,
        ]) {
            self.set_meta(key, value)?;
        }
        self.set_meta(FIRST_ORGANISATION_KEY, &document.organisations[0].id)?;
        match &document.ready {
            Some(ready) => {
                self.set_meta(READY_KEYS[0], &ready.access_key)?;
                self.set_meta(READY_KEYS[1], &ready.secret_key)?;
            }
            None => {
                for key in READY_KEYS {
                    self.0.execute("DELETE FROM meta WHERE key = ?1", [key])?;
                }
            }
        }
        Ok(document.ready)
    }

    fn import_organisation(&self, org: &Organisation) -> Result<(), StateError> {
        let db = self.org(&org.id);
        let mut insert = self.0.prepare_cached(
            "INSERT INTO resources (kind, id, org, seq, body) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        for (kind, records) in &org.resources {
            for (seq, (id, body)) in records.as_object().into_iter().flatten().enumerate() {
                insert.execute(params![
                    kind,
                    id,
                    org.id,
                    seq as i64 + 1,
                    serde_json::to_string(body)?
                ])?;
            }
        }
        for task in &org.tasks {
            db.add_task(&TaskRow {
                id: task.id.clone(),
                operation: task.operation.clone(),
                created_ms: task.created_ms,
                due_ms: task.due_ms,
                outcome: task.outcome.clone(),
                logs: task.logs.clone(),
                subject: task.subject.clone(),
                subjects: task.subjects.clone(),
                effect: task.effect.clone(),
                applied: task.applied,
                org: org.id.clone(),
                origin: Origin {
                    caller: task.caller.clone(),
                    target_kind: task.target_kind.clone(),
                    target_id: task.target_id.clone(),
                },
                held: match task.held.as_deref() {
                    Some("STARTED") => Some(Held::First),
                    Some(_) => Some(Held::Running),
                    None => None,
                },
            })?;
        }
        for user in &org.cognito_users {
            db.add_pool_user(&PoolUser {
                username: user.username.clone(),
                sub: user.sub.clone(),
                salt: user.salt.clone(),
                verifier: user.verifier.clone(),
                enabled: user.enabled,
            })?;
            if let Some(identity) = &user.identity_id {
                self.identity_for(&user.sub, || identity.clone())?;
            }
            if user.new_password_required {
                self.set_meta(&new_password_key(&user.username), "1")?;
            }
        }
        Ok(())
    }
}

/// The document as this emulator reads it, or why not.
fn read_document(document: &Value, installation: &str) -> Result<Document, StateError> {
    let format = document.get("format").and_then(Value::as_str);
    if format != Some(FORMAT) {
        return Err(invalid(format!(
            "not an emulator state: its \"format\" must be \"{FORMAT}\" (GET /_emulator/state writes one)"
        )));
    }
    let version = document.get("version").and_then(Value::as_u64);
    if version != Some(VERSION) {
        return Err(invalid(format!(
            "state version {} cannot be read: this emulator reads version {VERSION}",
            document.get("version").unwrap_or(&Value::Null)
        )));
    }
    let document = Document::deserialize(document)
        .map_err(|e| invalid(format!("the state document is malformed: {e}")))?;
    let theirs = &document.installation.installation;
    if !theirs.eq_ignore_ascii_case(installation) {
        return Err(invalid(format!(
            "the state is of the installation {theirs}, this emulator is of {installation}: start it with --region {theirs}"
        )));
    }
    if document.organisations.is_empty() {
        return Err(invalid("the state has no organisation"));
    }
    Ok(document)
}

/// Refuses rows that could not live together in the database or that the emulator would
/// not understand, naming the first one.
fn check_rows(document: &Document, checks: &Checks<'_>) -> Result<(), StateError> {
    let mut orgs = HashSet::new();
    let mut records = HashSet::new();
    let mut tasks = HashSet::new();
    let mut users = HashSet::new();
    let mut subs = HashSet::new();
    let mut identities = HashSet::new();
    for org in &document.organisations {
        let at = format!("organisation {:?}", org.id);
        if org.id.is_empty() || !orgs.insert(org.id.as_str()) {
            return Err(invalid(format!(
                "{at}: an organisation id is empty or given twice"
            )));
        }
        for (kind, list) in &org.resources {
            if !(checks.kind)(kind) {
                return Err(invalid(format!(
                    "{at}: the emulator keeps no resources of the kind {kind:?}"
                )));
            }
            let Some(list) = list.as_object() else {
                return Err(invalid(format!(
                    "{at}: resources of {kind} must be an object of records by id"
                )));
            };
            for (id, body) in list {
                if !body.is_object() {
                    return Err(invalid(format!("{at}: {kind} {id} is not a JSON object")));
                }
                if !records.insert((kind.as_str(), id.as_str())) {
                    return Err(invalid(format!("{at}: {kind} {id} is given twice")));
                }
            }
        }
        for task in &org.tasks {
            if !tasks.insert(task.id.as_str()) {
                return Err(invalid(format!("{at}: task {} is given twice", task.id)));
            }
            if !matches!(task.outcome.as_str(), "SUCCEEDED" | "FAILED") {
                return Err(invalid(format!(
                    "{at}: task {} has the outcome {:?}: use SUCCEEDED or FAILED",
                    task.id, task.outcome
                )));
            }
            if let Some(held) = &task.held
                && !matches!(held.as_str(), "STARTED" | "RUNNING")
            {
                return Err(invalid(format!(
                    "{at}: task {} is held as {held:?}: use STARTED, RUNNING or null",
                    task.id
                )));
            }
        }
        for user in &org.cognito_users {
            let name = &user.username;
            if !users.insert(name.as_str()) || !subs.insert(user.sub.as_str()) {
                return Err(invalid(format!(
                    "{at}: Cognito user {name} (or its sub) is given twice"
                )));
            }
            if let Some(identity) = &user.identity_id
                && !identities.insert(identity.as_str())
            {
                return Err(invalid(format!("{at}: identity {identity} is given twice")));
            }
            if !(checks.verifier)(&user.salt, &user.verifier) {
                return Err(invalid(format!(
                    "{at}: Cognito user {name}: its salt and verifier are not SRP values (hex)"
                )));
            }
        }
    }
    Ok(())
}
