//! The emulator's control, for tests: back to the start, the whole state out and in, how
//! tasks move and end, faults at run time, and more organisations. The admin routes under
//! `/_emulator/` ([`routes`]) and `RunningEmulator` both call [`Control`], so Rust tests get
//! the same control without HTTP.
//!
//! What belongs to the process (the stats, the faults) lives in memory; what belongs to the
//! data (transitions, outcome rules, the state) lives in the database, so processes sharing
//! one database agree on it.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use serde_json::{Value, json};

use crate::areas::permission_sets::model::TASK_FIELD as ASSIGNMENT_TASK_FIELD;
use crate::error::EmulatorError;
use crate::gate::faults::{FaultConfig, FaultGate};
use crate::install::Installation;
use crate::seed::{self, Seed};
use crate::stats::Stats;
use crate::store::state::{Checks, Ready, StateError};
use crate::store::tasks::{Advance, MoveRefused, TaskOutcome, Transitions, status_at};
use crate::store::{Store, Tx};
use crate::util::{now_ms, uuid};

pub(crate) mod routes;

/// An organisation added at run time, with its first API token, answered as the ready line
/// is (`{"organisation_id", "access_key", "secret_key", "endpoint", "ca_cert"}`).
#[derive(Clone, Serialize, PartialEq, Eq)]
pub struct Organisation {
    /// Its id (`OrganisationId` of its records).
    pub organisation_id: String,
    /// Access key of its API token (an `api_admin`).
    pub access_key: String,
    /// Secret key of its API token.
    pub secret_key: String,
    /// The emulator's base URL.
    pub endpoint: String,
    /// The PEM file to trust, with TLS.
    pub ca_cert: Option<String>,
}

impl std::fmt::Debug for Organisation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Organisation")
            .field("organisation_id", &self.organisation_id)
            .field("access_key", &self.access_key)
            .field("secret_key", &"<redacted>")
            .field("endpoint", &self.endpoint)
            .field("ca_cert", &self.ca_cert)
            .finish()
    }
}

/// The API token of the ready line, as a loaded state names it.
#[derive(Clone, PartialEq, Eq)]
pub struct ReadyToken {
    /// Its access key.
    pub access_key: String,
    /// Its secret key.
    pub secret_key: String,
}

impl std::fmt::Debug for ReadyToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadyToken")
            .field("access_key", &self.access_key)
            .field("secret_key", &"<redacted>")
            .finish()
    }
}

/// What the control acts on.
pub(crate) struct Control {
    pub store: Arc<Store>,
    pub stats: Arc<Stats>,
    pub faults: Arc<FaultGate>,
    pub install: Installation,
    /// How long tasks take in auto transitions.
    pub task_delay: Duration,
    /// How long a client may take to send a request body.
    pub body_timeout: Duration,
    /// The emulator's base URL.
    pub endpoint: String,
    /// The PEM file to trust, with TLS.
    pub ca_cert: Option<PathBuf>,
    /// The operation ids faults and outcomes may name (both APIs' and Cognito's).
    pub operations: Vec<String>,
}

fn database(err: impl std::fmt::Display) -> EmulatorError {
    EmulatorError::Database(err.to_string())
}

/// Loads `state` into the store in one transaction and adopts its pools; the ready token
/// it names. (At start, `--state`, and at run time.)
pub(crate) fn load_state(
    store: &Store,
    install: &Installation,
    state: &Value,
) -> Result<Option<ReadyToken>, EmulatorError> {
    let known = |kind: &str| crate::areas::kinds().any(|k| k.name == kind);
    let verifier =
        |salt: &str, verifier: &str| stax_srp::Verifier::from_stored(salt, verifier).is_ok();
    let checks = Checks {
        kind: &known,
        verifier: &verifier,
    };
    let ready = store
        .write(|tx| {
            let ready = tx.import_state(state, &install.installation, &checks)?;
            install.adopt(tx)?;
            Ok::<_, StateError>(ready)
        })
        .map_err(|err| match err {
            StateError::Invalid(why) => EmulatorError::Invalid(format!("state: {why}")),
            StateError::Store(err) => database(err),
        })?;
    Ok(ready.map(
        |Ready {
             access_key,
             secret_key,
         }| ReadyToken {
            access_key,
            secret_key,
        },
    ))
}

impl Control {
    /// Back to the start: the state the process started with (its seed, or its `--state`),
    /// its stats, faults, transitions and lockouts; the ready line's token keeps working.
    pub fn reset(&self) -> Result<(), EmulatorError> {
        self.store.back_to_start()?;
        self.store.read(|tx| self.install.adopt(tx))?;
        self.stats.reset();
        self.faults.reset();
        Ok(())
    }

    /// The whole state as one JSON document.
    pub fn state(&self) -> Result<Value, EmulatorError> {
        Ok(self
            .store
            .read(|tx| tx.export_state(&self.install.installation))?)
    }

    /// Replaces the whole state with a document [`Control::state`] wrote (here or in another
    /// emulator of the same installation); the ready token it names.
    pub fn load_state(&self, state: &Value) -> Result<Option<ReadyToken>, EmulatorError> {
        load_state(&self.store, &self.install, state)
    }

    /// How tasks move now.
    pub fn transitions(&self) -> Result<Transitions, EmulatorError> {
        Ok(self.store.read(|tx| tx.transitions())?)
    }

    /// Sets how tasks move; back to auto, the held ones end one task delay later.
    pub fn set_transitions(&self, mode: Transitions) -> Result<(), EmulatorError> {
        Ok(self
            .store
            .write(|tx| tx.set_transitions(mode, self.task_delay, now_ms()))?)
    }

    /// Moves a task by hand: `id` names a task, or a record waiting on one (an account being
    /// created, a permission set assignment being deployed). The task afterwards:
    /// `{"task_id", "operation", "status", "logs"}`.
    pub fn move_task(&self, id: &str, how: &Advance) -> Result<Value, EmulatorError> {
        let id = id.trim().to_ascii_lowercase();
        let now = now_ms();
        let moved = self.store.write(|tx| {
            let task_id = match tx.task_anywhere(&id)? {
                Some(_) => id.clone(),
                None => match task_of_record(tx, &id)? {
                    Some(task_id) => task_id,
                    None => {
                        return Ok(Err(EmulatorError::NotFound(format!(
                            "no task and no record waiting on one has the id {id}"
                        ))));
                    }
                },
            };
            Ok::<_, crate::store::StoreError>(tx.move_task(&task_id, how, now)?.map_err(
                |refused| match refused {
                    MoveRefused::Unknown => EmulatorError::NotFound(format!("no task {task_id}")),
                    MoveRefused::Ended(status) => EmulatorError::Conflict(format!(
                        "task {task_id} has ended ({status}): only a task under way can be moved"
                    )),
                },
            ))
        })??;
        let (status, logs) = status_at(&moved, now_ms());
        Ok(json!({
            "task_id": moved.id,
            "operation": moved.operation,
            "status": status,
            "logs": logs,
        }))
    }

    /// The operation id `operation`, or why it names none (with the names it is close to).
    fn check_operation(&self, operation: &str) -> Result<(), EmulatorError> {
        if self.operations.iter().any(|op| op == operation) {
            return Ok(());
        }
        let wanted = operation.to_ascii_lowercase();
        let mut close: Vec<(f64, &str)> = self
            .operations
            .iter()
            .map(|op| {
                (
                    strsim::jaro_winkler(&op.to_ascii_lowercase(), &wanted),
                    op.as_str(),
                )
            })
            .filter(|(score, _)| *score > 0.9)
            .collect();
        close.sort_by(|a, b| b.0.total_cmp(&a.0));
        let hint = match close.first() {
            Some((_, op)) => format!("did you mean {op}?"),
            None => "name it as the stats count it: service.Operation (accounts.CreateAccount, permission-sets.CreatePermissionSet) or a Cognito call (InitiateAuth, GetId, ...)".to_owned(),
        };
        Err(EmulatorError::Invalid(format!(
            "unknown operation '{operation}': {hint}"
        )))
    }

    /// Makes the next `times` tasks of `operation` end with `outcome` (a failure with
    /// `reason`), in auto and manual transitions alike.
    pub fn add_outcome(
        &self,
        operation: &str,
        outcome: TaskOutcome,
        times: u32,
        reason: Option<&str>,
    ) -> Result<(), EmulatorError> {
        self.check_operation(operation)?;
        Ok(self
            .store
            .write(|tx| tx.add_outcome_rule(operation, outcome, reason, times))?)
    }

    /// The outcome rules with uses left.
    pub fn outcomes(&self) -> Result<Value, EmulatorError> {
        Ok(Value::Array(self.store.read(|tx| tx.outcome_rules())?))
    }

    /// Forgets the outcome rules.
    pub fn clear_outcomes(&self) -> Result<(), EmulatorError> {
        Ok(self.store.write(|tx| tx.clear_outcome_rules())?)
    }

    /// Injects `config`'s faults from now on (rules naming unknown operations are refused).
    pub fn set_faults(&self, config: FaultConfig) -> Result<(), EmulatorError> {
        for rule in &config.rules {
            self.check_operation(&rule.operation)?;
        }
        self.faults.set(config);
        Ok(())
    }

    /// Injects no fault from now on.
    pub fn clear_faults(&self) {
        self.faults.set(FaultConfig::default());
    }

    /// Adds an organisation seeded with `seed`, named `name` (or after its id); its API token.
    pub fn add_organisation(
        &self,
        seed: Seed,
        name: Option<&str>,
    ) -> Result<Organisation, EmulatorError> {
        let id = uuid();
        let short = &id[..8];
        let name = name
            .map(str::to_owned)
            .unwrap_or_else(|| format!("{} {short}", seed::FIRST_ORGANISATION.0));
        let alias = format!("{}-{short}", seed::FIRST_ORGANISATION.1);
        let (access_key, secret_key) = self
            .store
            .write(|tx| seed::seed(&tx.org(&id), &self.install, seed, (&name, &alias)))?;
        Ok(Organisation {
            organisation_id: id,
            access_key,
            secret_key,
            endpoint: self.endpoint.clone(),
            ca_cert: self.ca_cert.as_ref().map(|p| p.display().to_string()),
        })
    }

    /// The counters, with the hits of the fault rules aimed at operations.
    pub fn stats(&self) -> Value {
        let mut stats = self.stats.snapshot();
        stats["fault_rules"] = self.faults.rules();
        stats
    }
}

/// The unfinished task a record with id `id` (of any kind and organisation) waits on.
fn task_of_record(tx: &Tx<'_>, id: &str) -> crate::store::StoreResult<Option<String>> {
    for record in tx.records_anywhere(id)? {
        for field in ["UserTaskId", ASSIGNMENT_TASK_FIELD] {
            if let Some(task) = record.get(field).and_then(Value::as_str) {
                return Ok(Some(task.to_owned()));
            }
        }
    }
    Ok(None)
}
