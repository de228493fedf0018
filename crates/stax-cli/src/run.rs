//! Running a call: configuration, the sandbox, dry runs, waiting, paging and output.

use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{Map, Value, json};
use staxapp::auth::store::{CredentialStore, FileCredentialStore};
use staxapp::schema::PreparedRequest;
use staxapp::{Api, Config, Error, SchemaSource, Session, StaxClient};

use crate::Failure;
use crate::args::Arguments;
use crate::cli::GlobalOpts;
use crate::output::{self, Format};
use crate::profile;

/// A tokio runtime for one command.
pub fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Failure::Call(format!("cannot start the async runtime: {e}")))
}

/// A client, and the sandbox emulator it talks to when `--sandbox` was given.
pub struct Target {
    /// The client.
    pub client: StaxClient,
    /// Kept alive for as long as the client is used.
    pub sandbox: Option<stax_emulator::RunningEmulator>,
}

impl Target {
    /// Stops the sandbox, if any; with `-v`, first prints what it counted (sign-ins, calls).
    pub async fn close(self, verbose: bool) {
        if let Some(emulator) = self.sandbox {
            if verbose {
                eprintln!("sandbox emulator stats: {}", emulator.stats());
            }
            emulator.shutdown().await;
        }
    }
}

/// The tracing level of a Python level name (`LOG_LEVEL`, PARITY.md C6), any letter case:
/// DEBUG, INFO, WARNING (WARN), ERROR, CRITICAL (FATAL), and NOTSET (everything).
pub fn python_level(name: &str) -> Option<&'static str> {
    match name.trim().to_ascii_uppercase().as_str() {
        "NOTSET" => Some("trace"),
        "DEBUG" => Some("debug"),
        "INFO" => Some("info"),
        "WARNING" | "WARN" => Some("warn"),
        "ERROR" | "CRITICAL" | "FATAL" => Some("error"),
        _ => None,
    }
}

/// Installs the log subscriber: `-v` shows request lines and timings, `-vv` more; otherwise
/// `LOG_LEVEL` (DEBUG, INFO, WARNING, ERROR, CRITICAL) decides, default warnings only. An
/// unknown `LOG_LEVEL` is a usage error, as it is for the Python SDK.
pub fn init_logging(verbose: u8) -> Result<(), Failure> {
    let level = match verbose {
        0 => match std::env::var("LOG_LEVEL") {
            Ok(name) if !name.trim().is_empty() => python_level(&name).ok_or_else(|| {
                Failure::Usage(format!(
                    "LOG_LEVEL {name:?} is not a level: use DEBUG, INFO, WARNING, ERROR or CRITICAL"
                ))
            })?,
            _ => "warn",
        },
        1 => "debug",
        _ => "trace",
    };
    // The TLS verifier logs each certificate failure itself; the error line says it once.
    let filter = tracing_subscriber::EnvFilter::new(format!(
        "warn,staxapp={level},stax={level},stax_emulator=warn,rustls_platform_verifier=off"
    ));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_ansi(std::io::stderr().is_terminal())
        .compact()
        .try_init();
    Ok(())
}

/// Builds the configuration: flags over profile over environment.
pub fn config(global: &GlobalOpts) -> Result<Config, Failure> {
    // From the environment; a malformed value there is reported by `build` (exit 2).
    let mut builder = Config::builder();
    if let Some(name) = &global.profile {
        let p = profile::load(name).map_err(Failure::Usage)?;
        if let Some(region) = p.region {
            builder = builder.region(region);
        }
        if let Some(endpoint) = p.endpoint {
            builder = builder.endpoint(endpoint);
        }
        if let Some(cognito) = p.cognito_endpoint {
            builder = builder
                .cognito_idp_endpoint(cognito.clone())
                .cognito_identity_endpoint(cognito);
        }
        if let Some(key) = p.access_key {
            builder = builder.access_key(key);
        }
        if let Some(secret) = p.secret_key {
            builder = builder.secret_key(secret);
        }
        if let Some(schema) = p.schema {
            builder = builder.schema(staxapp::config::parse_schema_source(&schema));
        }
    }
    if let Some(region) = &global.region {
        builder = builder.region(region.clone());
    }
    if let Some(endpoint) = &global.endpoint {
        builder = builder.endpoint(endpoint.clone());
    }
    if let Some(schema) = &global.schema {
        builder = builder.schema(staxapp::config::parse_schema_source(schema));
    }
    builder
        .build()
        .map_err(|e| Failure::Usage(describe_error(&e)))
}

/// The client for this command, starting the sandbox emulator first when asked.
pub async fn connect(global: &GlobalOpts) -> Result<Target, Failure> {
    let mut config = config(global)?;
    let mut sandbox = None;
    if global.sandbox {
        let emulator = stax_emulator::start(stax_emulator::EmulatorOptions::default())
            .await
            .map_err(|e| Failure::Call(format!("cannot start the sandbox emulator: {e}")))?;
        let mut builder = config
            .to_builder()
            .emulator_endpoint(emulator.endpoint())
            .access_key(emulator.access_key())
            .secret_key(emulator.secret_key());
        if config.schema() == &SchemaSource::Live {
            // The sandbox's document lives and dies with it: keep it out of the shared cache.
            builder = builder.cache_dir(std::env::temp_dir().join("stax-sandbox-cache"));
        }
        config = builder.build().map_err(Failure::from)?;
        sandbox = Some(emulator);
    }
    let store = match &sandbox {
        // The sandbox's credentials die with it: nothing to keep.
        Some(_) => None,
        None => credential_store(global),
    };
    let client = match store {
        Some(store) => StaxClient::with_session(
            Session::with_credential_store(config, store).map_err(Failure::from)?,
        ),
        None => StaxClient::new(config).map_err(Failure::from)?,
    };
    Ok(Target { client, sandbox })
}

/// The on-disk credential cache (`<user cache dir>/stax/credentials`), unless
/// `--no-credential-cache` or `STAX_CREDENTIAL_CACHE=0` turns it off.
fn credential_store(global: &GlobalOpts) -> Option<Arc<dyn CredentialStore>> {
    let env = std::env::var("STAX_CREDENTIAL_CACHE").ok();
    if global.no_credential_cache || env.as_deref().is_some_and(cache_turned_off) {
        return None;
    }
    let store = FileCredentialStore::in_default_dir();
    if store.is_none() {
        tracing::debug!("no cache directory: the credential cache is off");
    }
    Some(Arc::new(store?))
}

/// `STAX_CREDENTIAL_CACHE` values that turn the cache off: `0` (CONTRACT.md), and `false`,
/// `off`, `no` in any case.
fn cache_turned_off(value: &str) -> bool {
    matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "0" | "false" | "off" | "no"
    )
}

/// `stax <service> <Operation> [ARG...]`.
pub async fn call(
    global: GlobalOpts,
    service: String,
    operation: String,
    args: Arguments,
) -> Result<(), Failure> {
    init_logging(global.verbose)?;
    let target = connect(&global).await?;
    let result = call_with(&global, &target.client, &service, &operation, args).await;
    target.close(global.verbose > 0).await;
    let value = result?;
    print_value(&global, &value)
}

async fn call_with(
    global: &GlobalOpts,
    client: &StaxClient,
    service: &str,
    operation: &str,
    args: Arguments,
) -> Result<Value, Failure> {
    let document = client.document_for(service).await?;
    let arguments = args.named.clone();
    let mut prepared = document
        .route(service, operation, args.named)
        .map_err(Error::from)?;
    if let Some(items) = args.body {
        // A JSON array (`@file.json`, `@-`) is the whole body; the other arguments may only
        // be path parameters.
        prepared
            .set_body(Value::Array(items))
            .map_err(|e| Failure::Usage(e.to_string()))?;
    }
    if !global.no_validate {
        document.validate(&prepared).map_err(Error::from)?;
    }
    if global.dry_run {
        return Ok(dry_run(client.config(), &prepared));
    }
    let started = Instant::now();
    let response = if global.all_pages {
        all_pages(client, service, operation, arguments, global.page_size).await?
    } else {
        client
            .send_prepared(&prepared)
            .await
            .map_err(|e| not_retried(client.config(), &prepared, e))?
    };
    tracing::info!(
        "{} {} -> done in {:.0?}",
        prepared.method,
        prepared.path,
        started.elapsed()
    );
    if global.wait {
        return wait(client, &response, Duration::from_secs(global.wait_timeout)).await;
    }
    Ok(response)
}

/// A server error of a request that is not retried (a POST) says so: it may have been
/// processed, so check before sending it again.
fn not_retried(config: &Config, prepared: &PreparedRequest, e: Error) -> Failure {
    let repeatable = config.api_retry().retries_method(prepared.method.as_str());
    match &e {
        Error::Api(api) if api.status >= 500 && !repeatable => Failure::Call(format!(
            "{}; {} is not retried after a server error: it may have been processed, check before sending it again",
            api.message, prepared.method
        )),
        _ => e.into(),
    }
}

/// The request that would be sent, as CONTRACT.md's dry-run object. A query key given more
/// than once (an array argument) has an array of its values.
pub fn dry_run(config: &Config, prepared: &PreparedRequest) -> Value {
    let origin = origin(config.base_url_of(Api::for_service(&prepared.service)));
    let mut query = Map::new();
    for (key, value) in &prepared.query {
        let value = Value::String(value.clone());
        match query.get_mut(key) {
            None => {
                query.insert(key.clone(), value);
            }
            Some(Value::Array(values)) => values.push(value),
            Some(first) => {
                let first = first.take();
                query.insert(key.clone(), Value::Array(vec![first, value]));
            }
        }
    }
    json!({
        "method": prepared.method.as_str(),
        "url": format!("{origin}{}", prepared.path_and_query()),
        "path": prepared.path,
        "query": query,
        "body": prepared.body.clone().unwrap_or(Value::Null),
    })
}

/// `scheme://host[:port]` of a base URL.
fn origin(base_url: &str) -> String {
    match url::Url::parse(base_url) {
        Ok(u) => u.origin().ascii_serialization(),
        Err(_) => base_url.to_owned(),
    }
}

/// Follows `Paging.NextOffset` with the SDK's page stream, merging every page into the first.
async fn all_pages(
    client: &StaxClient,
    service: &str,
    operation: &str,
    args: Map<String, Value>,
    page_size: u32,
) -> Result<Value, Failure> {
    use futures::StreamExt as _;
    let show = std::io::stderr().is_terminal();
    let mut pages = client.pages(service, operation, args, u64::from(page_size));
    let mut merged: Option<Value> = None;
    let mut count = 0u32;
    while let Some(page) = pages.next().await {
        let page = page?;
        count += 1;
        if show {
            eprint!("\rpage {count}");
        } else {
            eprintln!("page {count}");
        }
        match &mut merged {
            None => merged = Some(page),
            Some(acc) => merge_page(acc, page),
        }
    }
    if show {
        eprintln!();
    }
    Ok(merged.unwrap_or(Value::Null))
}

/// Appends the arrays of `page` to those of `acc`; other fields take the latest page's value.
fn merge_page(acc: &mut Value, page: Value) {
    let (Value::Object(acc), Value::Object(page)) = (acc, page) else {
        return;
    };
    for (key, value) in page {
        match (acc.get_mut(&key), value) {
            (Some(Value::Array(existing)), Value::Array(more)) => existing.extend(more),
            (_, value) => {
                acc.insert(key, value);
            }
        }
    }
}

/// `--wait`: polls what a response started until it ends, with progress on stderr: the task
/// of a `TaskId` (the core API), or the assignments of a Permission Sets API answer until
/// `DEPLOYMENT_COMPLETE` / `DELETE_COMPLETE`.
async fn wait(client: &StaxClient, response: &Value, timeout: Duration) -> Result<Value, Failure> {
    if let Some(task_id) = staxapp::tasks::task_id_of(response) {
        return wait_for_task(client, task_id, timeout).await;
    }
    if !staxapp::assignments::assignments_in(response).is_empty() {
        return wait_for_assignments(client, response, timeout).await;
    }
    tracing::warn!(
        "--wait: the response has no TaskId and no permission set assignment; nothing to wait for"
    );
    Ok(response.clone())
}

/// Shows the progress of a wait on stderr: a spinner on a terminal, else one line per status.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    started: Instant,
    last: std::sync::Mutex<String>,
}

impl Progress {
    fn start() -> std::sync::Arc<Progress> {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new_spinner();
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        std::sync::Arc::new(Progress {
            bar,
            started: Instant::now(),
            last: Default::default(),
        })
    }

    fn report(&self, what: &str, status: &str) {
        let line = format!("{what}: {status} ({}s)", self.started.elapsed().as_secs());
        match &self.bar {
            Some(bar) => bar.set_message(line),
            None => {
                let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
                if *last != status {
                    eprintln!("{line}");
                    *last = status.to_owned();
                }
            }
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// Runs `waiting` until it ends or Ctrl-C, which stops waiting with `interrupted`'s message.
async fn until_interrupted<T>(
    progress: &Progress,
    waiting: impl std::future::Future<Output = staxapp::Result<T>>,
    interrupted: impl FnOnce() -> String,
) -> Result<staxapp::Result<T>, Failure> {
    let outcome = tokio::select! {
        outcome = waiting => outcome,
        _ = tokio::signal::ctrl_c() => {
            progress.finish();
            return Err(Failure::Interrupted(interrupted()));
        }
    };
    progress.finish();
    Ok(outcome)
}

/// The failure of a wait: the last state of what failed on stdout, the reason on stderr.
fn wait_failed(e: Error) -> Failure {
    match e {
        Error::Task(task_error) => {
            let last = match task_error.as_ref() {
                staxapp::TaskError::Failed { task, .. } => Some(task),
                staxapp::TaskError::AssignmentFailed { assignment, .. } => Some(assignment),
                _ => None,
            };
            if let Some(last) = last {
                let _ = std::io::stdout().write_all(output::render(Format::Json, last).as_bytes());
            }
            Failure::Call(task_error.to_string())
        }
        e => e.into(),
    }
}

async fn wait_for_task(
    client: &StaxClient,
    task_id: &str,
    timeout: Duration,
) -> Result<Value, Failure> {
    let progress = Progress::start();
    let shown = progress.clone();
    let label = format!("task {task_id}");
    let options = staxapp::tasks::WaitOptions::new()
        .timeout(timeout)
        .on_progress(move |p| shown.report(&label, &p.status));
    until_interrupted(&progress, client.wait_for_task(task_id, options), || {
        format!(
            "stopped waiting; task {task_id} goes on in Stax (follow it with `stax tasks ReadTask task_id={task_id}`)"
        )
    })
    .await?
    .map_err(wait_failed)
}

async fn wait_for_assignments(
    client: &StaxClient,
    response: &Value,
    timeout: Duration,
) -> Result<Value, Failure> {
    let progress = Progress::start();
    let shown = progress.clone();
    let options = staxapp::assignments::AssignmentWaitOptions::default()
        .timeout(timeout)
        .on_progress(move |p| shown.report(&format!("assignment {}", p.assignment_id), &p.status));
    let done = until_interrupted(
        &progress,
        client.wait_for_assignments(response, options),
        || {
            "stopped waiting; the assignment goes on in Stax (follow it with `stax permission-sets ListPermissionSetAssignments permission_set_id=...`)".to_owned()
        },
    )
    .await?
    .map_err(wait_failed)?;
    // The answer's shape: an array stays an array, one assignment stays one.
    Ok(match response {
        Value::Array(_) => Value::Array(done),
        _ => done.into_iter().next().unwrap_or(Value::Null),
    })
}

/// Applies `--query`, renders in `--output`, writes to stdout.
pub fn print_value(global: &GlobalOpts, value: &Value) -> Result<(), Failure> {
    let value = match &global.query {
        Some(expression) => output::query(expression, value).map_err(Failure::Usage)?,
        None => value.clone(),
    };
    let text = output::render(global.output.unwrap_or_default(), &value);
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => Ok(()),
        // A closed pipe (`stax ... | head`) is not an error worth a message.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure::Call(format!("cannot write the output: {e}"))),
    }
}

/// One line naming the cause and what to check.
pub fn describe_error(e: &Error) -> String {
    match e {
        Error::Api(api) => {
            let hint = match api.status {
                401 | 403 => {
                    "; check STAX_ACCESS_KEY/STAX_SECRET_KEY, STAX_REGION and the token's role"
                }
                404 => "; check the ids in the arguments",
                429 => "; Stax is throttling: retry later",
                s if s >= 500 => {
                    "; Stax had a problem: retry, or contact Stax support if it persists"
                }
                _ => "",
            };
            format!("{}{hint}", api.message)
        }
        Error::Validation(v) => match v.as_ref() {
            staxapp::ValidationError::NoSuchService { .. } => {
                format!("{v}; `stax describe` lists the services")
            }
            staxapp::ValidationError::NoSuchOperation { service, .. } => {
                format!("{v}; `stax describe {service}` lists its operations")
            }
            _ => format!(
                "{v}; `stax describe <service> <Operation>` shows what it takes, --no-validate skips body checks"
            ),
        },
        other => other.to_string(),
    }
}

/// `stax emulator ...`: the emulator binary's command line, in this process. Usage errors
/// are stax's one-line kind.
pub fn emulator(args: Vec<String>) -> Result<(), Failure> {
    use clap::Parser as _;
    let words = || std::iter::once("stax emulator".to_owned()).chain(args.iter().cloned());
    stax_emulator::cli::Args::try_parse_from(words()).map_err(crate::parse_error)?;
    let code = stax_emulator::cli::main_with_args(words());
    if code == std::process::ExitCode::SUCCESS {
        Ok(())
    } else {
        Err(Failure::Exit(code))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_merge_lists_and_keep_the_last_paging() {
        let mut acc = json!({"Accounts": [{"Id": "1"}], "Paging": {"NextOffset": 1}});
        merge_page(
            &mut acc,
            json!({"Accounts": [{"Id": "2"}], "Paging": {"NextOffset": null}}),
        );
        assert_eq!(
            acc,
            json!({"Accounts": [{"Id": "1"}, {"Id": "2"}], "Paging": {"NextOffset": null}})
        );
    }

    #[test]
    fn python_level_names_map_onto_filters() {
        for (name, level) in [
            ("DEBUG", "debug"),
            ("info", "info"),
            ("WARNING", "warn"),
            ("WARN", "warn"),
            ("ERROR", "error"),
            ("CRITICAL", "error"),
            ("FATAL", "error"),
            ("NOTSET", "trace"),
        ] {
            assert_eq!(python_level(name), Some(level), "{name}");
        }
        assert_eq!(python_level("LOUD"), None);
    }

    #[test]
    fn repeated_query_keys_become_arrays() {
        let prepared = PreparedRequest {
            service: "accounts".into(),
            operation: "ReadAccounts".into(),
            method: "GET".parse().unwrap(),
            path: "/20190206/accounts".into(),
            query: vec![
                ("id".into(), "a".into()),
                ("filter".into(), "ACTIVE".into()),
                ("id".into(), "b".into()),
                ("id".into(), "c".into()),
            ],
            body: None,
            validates_against: None,
        };
        let config = Config::builder_without_env().build().unwrap();
        assert_eq!(
            dry_run(&config, &prepared)["query"],
            json!({"id": ["a", "b", "c"], "filter": "ACTIVE"})
        );
    }

    #[test]
    fn credential_cache_switch() {
        for off in ["0", "false", "OFF", " no "] {
            assert!(cache_turned_off(off), "{off}");
        }
        for on in ["1", "true", "", "yes"] {
            assert!(!cache_turned_off(on), "{on}");
        }
    }

    #[test]
    fn origin_drops_the_version() {
        assert_eq!(origin("http://127.0.0.1:9/20190206"), "http://127.0.0.1:9");
        assert_eq!(
            origin("https://api.au1.staxapp.cloud/20190206"),
            "https://api.au1.staxapp.cloud"
        );
    }
}
