//! A local Stax: the Stax API, Cognito user and identity pools and API Gateway's SigV4 checks,
//! all on one port, with state in SQLite.
//!
//! The guide for people testing Stax code (its flags, the control routes, organisations, the
//! rules each resource enforces where Stax's documents are silent, error shapes, other SDKs):
//! [docs/emulator.md](https://github.com/staxapp-rs/staxapp-rs/blob/main/docs/emulator.md).
//!
//! ```no_run
//! # async fn demo() -> Result<(), stax_emulator::EmulatorError> {
//! let emulator = stax_emulator::start(stax_emulator::EmulatorOptions::default()).await?;
//! println!("Stax at {}, sign in as {}", emulator.endpoint(), emulator.access_key());
//! emulator.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! The emulator answers:
//! - the Stax REST API under `/20190206/...` (SigV4-checked, except `/20190206/public/*`);
//! - Cognito user pools and identity pools at `POST /`, dispatching on `X-Amz-Target`;
//! - the Permission Sets API under `/20210321/...`, with its own errors
//!   (`{"Error": {"Code", "Message"}}`) and document (`/20210321/public/api-document`);
//! - control routes under `/_emulator/`, unsigned, for loopback clients: the stats, a reset
//!   to the start, the whole state out and in, manual task transitions and forced outcomes,
//!   faults at run time, more organisations. [`RunningEmulator`] offers the same control to
//!   Rust tests without HTTP ([`RunningEmulator::reset`], ...).
//!
//! With [`EmulatorOptions::openapi`] every operation of those documents (one per API) is
//! answered: the implemented ones statefully, the rest generically (see [`generic`]).
//!
//! Every operation states which roles may call it (the served document lists them under
//! `x-stax-emulator-roles`): read-only roles change nothing, managing API tokens, users and
//! groups needs an admin role, and nobody grants a role above their own.
//!
//! The modules stand in layers, each importing only those below it: `server` (the listener,
//! the whole router, and the Stax APIs' one request path: route, gate, count, admit, answer,
//! as layers in front of one router built from the areas' table and the `--openapi`
//! operations); [`generic`] (reading an `--openapi` document into operations, and answering
//! them); `areas` (the Stax APIs, one folder per area, on the resource framework
//! `areas::resource`); `gate` (fault injection, SigV4, which names the caller: token, role,
//! organisation) and `cognito`; `control` (the `/_emulator/` routes, which the server
//! serves and [`RunningEmulator`] calls; it seeds the organisations it adds); `store`
//! (SQLite: the kinds of resources declared once,
//! queries answered inside SQLite, tasks; every resource, task and Cognito user belongs to an
//! organisation) with `install`; and the pure helpers `document`, `roles`, `protocol`,
//! `stats`, `body`, `util` and `error`. The seed is called from here on a new database, and
//! by the control for the organisations it adds.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use store::state::READY_KEYS;

mod areas;
mod body;
pub mod cli;
mod cognito;
mod control;
mod document;
mod error;
mod gate;
pub mod generic;
mod install;
mod protocol;
mod roles;
mod seed;
mod server;
mod stats;
mod store;
mod util;

pub use control::{Organisation, ReadyToken};
pub use error::EmulatorError;
pub use gate::faults::{FaultConfig, FaultKind, FaultSpec, OperationFault};
pub use seed::Seed;
pub use store::tasks::{Advance, TaskOutcome, Transitions};

/// The longest lifetime of issued temporary credentials (12 hours, AWS's longest session).
pub const MAX_CREDENTIAL_TTL: Duration = Duration::from_secs(12 * 3600);
/// The longest a task may take to end (one hour).
pub const MAX_TASK_DELAY: Duration = Duration::from_secs(3600);
/// The shortest and longest [`EmulatorOptions::read_timeout`].
pub const READ_TIMEOUT_RANGE: (Duration, Duration) =
    (Duration::from_millis(100), Duration::from_secs(600));
/// The longest `latency=<ms>` a fault may ask for, in milliseconds.
pub const MAX_FAULT_LATENCY_MS: u64 = gate::faults::MAX_LATENCY_MS;

/// The most accounts `--seed-accounts` makes.
pub const MAX_SEED_ACCOUNTS: usize = 1_000_000;

/// How to run an emulator. `EmulatorOptions::default()` listens on a free loopback port, in
/// memory, over plain HTTP, seeded with demo data.
#[derive(Clone, Debug)]
pub struct EmulatorOptions {
    /// Address to listen on (default `127.0.0.1:0`, a free port).
    pub listen: SocketAddr,
    /// Serve HTTPS with a self-signed certificate for `127.0.0.1` and `localhost`.
    pub tls: bool,
    /// SQLite file to keep state in; `None` keeps it in memory.
    pub db: Option<PathBuf>,
    /// Data to seed a new database with.
    pub seed: Seed,
    /// How many generated accounts a new database gets beside the demo's (with
    /// [`Seed::Demo`] only; default 0): the same number gives the same accounts (names, AWS
    /// ids, types, units, statuses, tags), for organisation-scale tests and benchmarks.
    pub seed_accounts: usize,
    /// OpenAPI 3 documents to serve (and answer generically) instead of the emulator's own,
    /// at most one per API: a document belongs to the API whose version its `info.version`,
    /// its server URL or its paths name (the core API's when none does).
    pub openapi: Vec<PathBuf>,
    /// How long tasks take to reach their final state (default 1 s).
    pub task_delay: Duration,
    /// Lifetime of the temporary credentials the identity pool issues (default 3600 s).
    pub credential_ttl: Duration,
    /// Fault injection spec (`status=503:0.2,throttle:0.1,...`); `None` injects nothing.
    pub faults: Option<String>,
    /// Seed of the fault injection's random sequence.
    pub fault_seed: u64,
    /// Stax installation: `au1`, `us1` or `eu1` (default `au1`).
    pub region: String,
    /// How long a client may take to send a request's headers, and then its body (default
    /// 30 s); also how long a kept-alive connection waits for its next request. A slower
    /// client is disconnected (headers) or answered 408 (body).
    pub read_timeout: Duration,
    /// How tasks move: by time ([`Transitions::Auto`], the default) or by hand.
    pub transitions: Transitions,
    /// A state document to start with (written by `GET /_emulator/state` or
    /// [`RunningEmulator::state`]), instead of the seed; it replaces what `db` holds.
    pub state: Option<PathBuf>,
}

impl Default for EmulatorOptions {
    fn default() -> Self {
        EmulatorOptions {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            tls: false,
            db: None,
            seed: Seed::Demo,
            seed_accounts: 0,
            openapi: Vec::new(),
            task_delay: Duration::from_secs(1),
            credential_ttl: Duration::from_secs(3600),
            faults: None,
            fault_seed: 0,
            region: "au1".to_owned(),
            read_timeout: Duration::from_secs(30),
            transitions: Transitions::Auto,
            state: None,
        }
    }
}

impl EmulatorOptions {
    /// Refuses values out of their documented bounds, naming the option and its range.
    pub fn check(&self) -> Result<(), EmulatorError> {
        if self.seed_accounts > 0 && self.seed != Seed::Demo {
            return Err(EmulatorError::Config(
                "--seed-accounts adds accounts to the demo estate: use it with --seed demo".into(),
            ));
        }
        if self.seed_accounts > MAX_SEED_ACCOUNTS {
            return Err(EmulatorError::Config(format!(
                "--seed-accounts {} is too many: use 0 to {MAX_SEED_ACCOUNTS}",
                self.seed_accounts
            )));
        }
        let ttl = self.credential_ttl;
        if ttl < Duration::from_secs(1) || ttl > MAX_CREDENTIAL_TTL {
            return Err(EmulatorError::Config(format!(
                "credential TTL {} s is out of range: use 1 to {} seconds (--credential-ttl)",
                ttl.as_secs(),
                MAX_CREDENTIAL_TTL.as_secs()
            )));
        }
        if self.task_delay > MAX_TASK_DELAY {
            return Err(EmulatorError::Config(format!(
                "task delay {} ms is out of range: use 0 to {} milliseconds (--task-delay-ms)",
                self.task_delay.as_millis(),
                MAX_TASK_DELAY.as_millis()
            )));
        }
        let (low, high) = READ_TIMEOUT_RANGE;
        if self.read_timeout < low || self.read_timeout > high {
            return Err(EmulatorError::Config(format!(
                "read timeout {} ms is out of range: use {} to {} milliseconds (--read-timeout-ms)",
                self.read_timeout.as_millis(),
                low.as_millis(),
                high.as_millis()
            )));
        }
        Ok(())
    }
}

/// A running emulator. Dropping it without [`RunningEmulator::shutdown`] stops the server too,
/// but without waiting for in-flight requests.
pub struct RunningEmulator {
    endpoint: String,
    access_key: String,
    secret_key: String,
    ca_cert: Option<PathBuf>,
    control: Arc<control::Control>,
    server: server::ServerHandle,
}

impl fmt::Debug for RunningEmulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RunningEmulator")
            .field("endpoint", &self.endpoint)
            .field("access_key", &self.access_key)
            .field("secret_key", &"<redacted>")
            .field("ca_cert", &self.ca_cert)
            .finish()
    }
}

impl RunningEmulator {
    /// Base URL, e.g. `http://127.0.0.1:41234` (`https://` with TLS). Both the Stax API
    /// (`<endpoint>/20190206`) and Cognito (`<endpoint>/`) live there.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// Access key of the seeded API token (the Cognito user name).
    pub fn access_key(&self) -> &str {
        &self.access_key
    }

    /// Secret key of the seeded API token (the Cognito password).
    pub fn secret_key(&self) -> &str {
        &self.secret_key
    }

    /// PEM file of the self-signed certificate to trust, when started with TLS.
    pub fn ca_cert(&self) -> Option<&Path> {
        self.ca_cert.as_deref()
    }

    /// Makes the API token `access_key` one whose password must be changed (Cognito's
    /// `FORCE_CHANGE_PASSWORD` state): its SRP sign-in then ends with the
    /// `NEW_PASSWORD_REQUIRED` challenge instead of tokens, as a real pool does for a user
    /// created by an administrator. For testing clients' handling of that challenge.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), stax_emulator::EmulatorError> {
    /// let emulator = stax_emulator::start(Default::default()).await?;
    /// emulator.require_new_password(emulator.access_key())?;
    /// // Signing in with emulator.access_key() / secret_key() now meets NEW_PASSWORD_REQUIRED.
    /// # Ok(()) }
    /// ```
    pub fn require_new_password(&self, access_key: &str) -> Result<(), EmulatorError> {
        match cognito::require_new_password(&self.control.store, access_key) {
            Ok(true) => Ok(()),
            Ok(false) => Err(EmulatorError::Config(format!(
                "no API token {access_key} to require a new password of"
            ))),
            Err(e) => Err(EmulatorError::Database(e.to_string())),
        }
    }

    /// Makes every temporary credential issued so far expire now, as
    /// `POST /_emulator/expire-credentials` does: calls signed with them are refused with
    /// "The security token included in the request is expired". Returns how many were valid.
    /// For testing clients that keep credentials (in memory or on disk).
    pub fn expire_credentials(&self) -> Result<usize, EmulatorError> {
        cognito::expire_credentials(&self.control.store)
            .map_err(|e| EmulatorError::Database(e.to_string()))
    }

    /// The counters served at `GET /_emulator/stats`, with the hits of the fault rules aimed
    /// at operations (`fault_rules`).
    pub fn stats(&self) -> serde_json::Value {
        self.control.stats()
    }

    /// Back to the start, as `POST /_emulator/reset`: the state the emulator started with
    /// (its seed, or its `state`), its stats, faults, transitions, outcome rules and lockouts.
    /// Organisations added since are gone; the ready line's token keeps working, and so do
    /// the temporary credentials it was issued.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), stax_emulator::EmulatorError> {
    /// let emulator = stax_emulator::start(Default::default()).await?;
    /// // ... a test creates and deletes things ...
    /// emulator.reset()?; // the next test starts from the seed again
    /// # Ok(()) }
    /// ```
    pub fn reset(&self) -> Result<(), EmulatorError> {
        self.control.reset()
    }

    /// The whole state as one JSON document, as `GET /_emulator/state`: every organisation,
    /// resource, task, API token and Cognito user, with a format version. It holds the ready
    /// token's secret key (as the ready line does), never temporary credentials.
    pub fn state(&self) -> Result<Value, EmulatorError> {
        self.control.state()
    }

    /// Replaces the whole state with a document [`RunningEmulator::state`] wrote, here or in
    /// another emulator of the same region, as `PUT /_emulator/state`; returns the API token
    /// its ready line had (sign in with it after loading another emulator's state: this
    /// emulator's own token is not in it). An error names what is wrong with the document;
    /// nothing changes then.
    pub fn load_state(&self, state: &Value) -> Result<Option<ReadyToken>, EmulatorError> {
        self.control.load_state(state)
    }

    /// How tasks move now.
    pub fn transitions(&self) -> Result<Transitions, EmulatorError> {
        self.control.transitions()
    }

    /// Sets how tasks move, as `PUT /_emulator/transitions`. In [`Transitions::Manual`],
    /// new tasks (and permission set assignments) wait in their first state until
    /// [`RunningEmulator::advance`] moves them; back in auto, the waiting ones end one task
    /// delay later.
    pub fn set_transitions(&self, mode: Transitions) -> Result<(), EmulatorError> {
        self.control.set_transitions(mode)
    }

    /// Moves a task by hand, as `POST /_emulator/tasks/{id}/advance` (`complete`, `fail`):
    /// `id` is a task's, or a record's that waits on one (an account being created, a
    /// permission set assignment being deployed). Answers the task: `{"task_id",
    /// "operation", "status", "logs"}`; a task that has ended is a
    /// [`EmulatorError::Conflict`], an unknown id a [`EmulatorError::NotFound`].
    ///
    /// ```no_run
    /// # async fn demo(task_id: &str) -> Result<(), stax_emulator::EmulatorError> {
    /// use stax_emulator::{Advance, EmulatorOptions, Transitions};
    /// let emulator = stax_emulator::start(EmulatorOptions {
    ///     transitions: Transitions::Manual,
    ///     ..EmulatorOptions::default()
    /// })
    /// .await?;
    /// // ... a test starts a change; its task waits, STARTED ...
    /// emulator.advance(task_id, Advance::Next)?; // RUNNING, until moved again
    /// emulator.advance(task_id, Advance::Fail("quota exceeded".into()))?; // FAILED, reason in its logs
    /// # Ok(()) }
    /// ```
    pub fn advance(&self, id: &str, how: Advance) -> Result<Value, EmulatorError> {
        self.control.move_task(id, &how)
    }

    /// Makes the next `times` tasks of `operation` (`accounts.CreateAccount`) end with
    /// `outcome`, in auto and manual transitions alike, as `POST /_emulator/outcomes`; a
    /// failure carries `reason` (or a sentence of the emulator's) in its logs.
    pub fn force_outcome(
        &self,
        operation: &str,
        outcome: TaskOutcome,
        times: u32,
        reason: Option<&str>,
    ) -> Result<(), EmulatorError> {
        self.control.add_outcome(operation, outcome, times, reason)
    }

    /// Injects `faults` from now on, as `PUT /_emulator/faults`: a random spec (the
    /// `--faults` grammar) and rules aimed at operations, each hitting exactly `times` calls
    /// of its operation (their hits are in [`RunningEmulator::stats`]).
    pub fn set_faults(&self, faults: FaultConfig) -> Result<(), EmulatorError> {
        self.control.set_faults(faults)
    }

    /// Injects no fault from now on, as `DELETE /_emulator/faults`.
    pub fn clear_faults(&self) {
        self.control.clear_faults();
    }

    /// Adds an organisation seeded with `seed`, as `POST /_emulator/organisations`; its id
    /// and API token. Each organisation's tokens see only its own resources: another
    /// organisation's ids are 404, as unknown ones are.
    pub fn add_organisation(&self, seed: Seed) -> Result<Organisation, EmulatorError> {
        self.control.add_organisation(seed, None)
    }

    /// The one-line JSON object the binary prints first on stdout:
    /// `{"endpoint", "access_key", "secret_key", "ca_cert"}`.
    pub fn ready_line(&self) -> String {
        serde_json::json!({
            "endpoint": self.endpoint,
            "access_key": self.access_key,
            "secret_key": self.secret_key,
            "ca_cert": self.ca_cert.as_ref().map(|p| p.display().to_string()),
        })
        .to_string()
    }

    /// Stops accepting connections, lets in-flight requests finish, and flushes the database.
    pub async fn shutdown(self) {
        self.server.shutdown().await;
        self.control.store.checkpoint();
    }
}

fn db_error(err: impl std::fmt::Display) -> EmulatorError {
    EmulatorError::Database(err.to_string())
}

/// The documents to serve by API version (an `--openapi` one instead of the emulator's own
/// for its API) and the generic answers of the `--openapi` ones.
type Documents = (Vec<(String, Value)>, Vec<Arc<generic::Operation>>);

/// The API version an `--openapi` document is of: its `info.version`, else the last segment
/// of its first server URL, else the first segment of its paths, when that is a version of
/// [`protocol::API_VERSIONS`] or another eight-digit version (an API the emulator has no area
/// of, answered generically under its own prefix); else the core API's.
fn version_of_document(json: &Value) -> String {
    let known = |text: &str| {
        let text = text.trim_matches('/');
        (text.len() == 8 && text.bytes().all(|b| b.is_ascii_digit())).then(|| text.to_owned())
    };
    let server = json.pointer("/servers/0/url").and_then(Value::as_str);
    let first_path = json
        .get("paths")
        .and_then(Value::as_object)
        .and_then(|paths| paths.keys().next());
    json.pointer("/info/version")
        .and_then(Value::as_str)
        .and_then(known)
        .or_else(|| server.and_then(|url| url.rsplit('/').find_map(known)))
        .or_else(|| {
            first_path
                .and_then(|p| p.split('/').find(|s| !s.is_empty()))
                .and_then(known)
        })
        .unwrap_or_else(|| protocol::API_VERSIONS[0].version.to_owned())
}

fn documents(openapi: &[PathBuf]) -> Result<Documents, EmulatorError> {
    let mut external: Vec<(String, Value)> = Vec::new();
    for path in openapi {
        // A regular file of at most 32 MiB: a device or a FIFO is refused, never read.
        let bytes = stax_input::read(path, stax_input::Kind::DOCUMENT)
            .map_err(|e| EmulatorError::Document(format!("{}: {}", path.display(), e.reason())))?;
        let json: Value = serde_json::from_slice(&bytes)
            .map_err(|e| EmulatorError::Document(format!("{}: {e}", path.display())))?;
        if !json.get("paths").is_some_and(Value::is_object) {
            return Err(EmulatorError::Document(format!(
                "{}: not an OpenAPI document (no paths)",
                path.display()
            )));
        }
        let version = version_of_document(&json);
        if external.iter().any(|(v, _)| *v == version) {
            return Err(EmulatorError::Document(format!(
                "{}: a second document of the API version {version}; give --openapi once per API",
                path.display()
            )));
        }
        external.push((version, json));
    }
    let generic = external
        .iter()
        .flat_map(|(version, json)| {
            let operations = generic::operations(json, &format!("/{version}"));
            tracing::info!(
                version = version.as_str(),
                operations = operations.len(),
                "answering the document's operations"
            );
            operations
        })
        .collect();
    let ours = areas::versions();
    let served = ours
        .iter()
        .map(|version| {
            let json = match external.iter().find(|(v, _)| v.as_str() == *version) {
                Some((_, json)) => json.clone(),
                None => areas::document(version),
            };
            (version.to_string(), json)
        })
        // The document of an API the emulator has no area of is served too.
        .chain(
            external
                .iter()
                .filter(|(v, _)| !ours.contains(&v.as_str()))
                .map(|(v, json)| (v.clone(), json.clone())),
        )
        .collect();
    Ok((served, generic))
}

/// Reads a state document (`EmulatorOptions::state`): a regular file of at most 256 MiB.
fn read_state(path: &Path) -> Result<Value, EmulatorError> {
    let bytes = stax_input::read(path, stax_input::Kind::STATE).map_err(|e| {
        EmulatorError::Config(format!("--state {}: {}", path.display(), e.reason()))
    })?;
    serde_json::from_slice(&bytes).map_err(|e| {
        EmulatorError::Config(format!(
            "--state {}: not a JSON state document: {e}",
            path.display()
        ))
    })
}

/// Starts an emulator and returns once it is listening.
pub async fn start(opts: EmulatorOptions) -> Result<RunningEmulator, EmulatorError> {
    opts.check()?;
    let aws_region = install::aws_region_of(&opts.region).ok_or_else(|| {
        EmulatorError::Config(format!(
            "unknown region '{}': use au1, us1 or eu1",
            opts.region
        ))
    })?;
    let spec = match opts
        .faults
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(spec) => Some(spec.parse::<FaultSpec>().map_err(EmulatorError::Config)?),
        None => None,
    };
    let faults = FaultConfig {
        spec,
        seed: opts.fault_seed,
        rules: Vec::new(),
    };
    let (documents, generic) = documents(&opts.openapi)?;
    let state = opts.state.as_deref().map(read_state).transpose()?;

    let store = Arc::new(store::Store::open(opts.db.as_deref()).map_err(db_error)?);
    // One transaction, so that processes starting together on one new database agree on the
    // installation, the signing key and the seed.
    let (install, key_pem) = store.write(|db| {
        let (install, first) = install::Installation::load_or_create(db, &opts.region, aws_region)?;
        let key_pem = match db.meta("jwt_key")? {
            Some(pem) => pem,
            None => {
                let (_, pem) = cognito::jwt::JwtKeys::load_or_generate(None)
                    .map_err(EmulatorError::Database)?;
                db.set_meta("jwt_key", &pem)?;
                pem
            }
        };
        let [access, secret] = READY_KEYS;
        if db.meta(access)?.is_some() && db.meta(secret)?.is_some() {
            // A database seeded by an earlier version gains what a new one has.
            seed::upgrade(&db.org(&first), &install)?;
        } else if state.is_none() {
            let (a, s) = seed::seed(
                &db.org(&first),
                &install,
                opts.seed,
                seed::FIRST_ORGANISATION,
            )?;
            seed::seed_accounts(&db.org(&first), opts.seed_accounts)?;
            db.set_meta(access, &a)?;
            db.set_meta(secret, &s)?;
        }
        Ok::<_, EmulatorError>((install, key_pem))
    })?;
    if let Some(state) = &state {
        control::load_state(&store, &install, state)?.ok_or_else(|| {
            EmulatorError::Config(
                "--state: the state names no ready token (its \"ready\"), which the ready line needs"
                    .to_owned(),
            )
        })?;
    }
    let (access_key, secret_key) = store.write(|tx| {
        tx.set_transitions(opts.transitions, opts.task_delay, util::now_ms())?;
        Ok::<_, store::StoreError>((
            tx.meta(READY_KEYS[0])?.unwrap_or_default(),
            tx.meta(READY_KEYS[1])?.unwrap_or_default(),
        ))
    })?;
    // What a reset goes back to.
    store.keep_start()?;
    let (jwt, _) =
        cognito::jwt::JwtKeys::load_or_generate(Some(&key_pem)).map_err(EmulatorError::Database)?;

    let stats = Arc::new(stats::Stats::default());
    let started = server::start(server::Parts {
        listen: opts.listen,
        tls: opts.tls,
        install,
        store,
        jwt,
        stats,
        documents,
        generic,
        faults,
        task_delay: opts.task_delay,
        credential_ttl: opts.credential_ttl,
        read_timeout: opts.read_timeout,
    })
    .await?;
    let control = started.control;
    Ok(RunningEmulator {
        endpoint: control.endpoint.clone(),
        access_key,
        secret_key,
        ca_cert: control.ca_cert.clone(),
        control,
        server: started.handle,
    })
}
