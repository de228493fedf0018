//! Running a call: configuration, the sandbox, dry runs, waiting, paging and output.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use serde_json::{Map, Value, json};
use staxapp::schema::PreparedRequest;
use staxapp::{Config, Error, SchemaSource, StaxClient};

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
    let client = StaxClient::new(config).map_err(Failure::from)?;
    Ok(Target { client, sandbox })
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
    let document = client.document().await?;
    let arguments = args.named.clone();
    let mut prepared = document
        .route(service, operation, args.named)
        .map_err(Error::from)?;
    if let Some(items) = args.body {
        use_array_body(&mut prepared, items)?;
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

/// Makes a JSON array (`@file.json`, `@-`) the whole body of `prepared`. The other
/// arguments may only be path parameters: an array has no room for body fields.
fn use_array_body(prepared: &mut PreparedRequest, items: Vec<Value>) -> Result<(), Failure> {
    let operation = format!("{}.{}", prepared.service, prepared.operation);
    match &prepared.body {
        None => Err(Failure::Usage(format!(
            "{operation} is a {} without a body: a JSON array argument has nowhere to go",
            prepared.method
        ))),
        Some(Value::Object(fields)) if !fields.is_empty() => {
            let names: Vec<&str> = fields.keys().map(String::as_str).collect();
            Err(Failure::Usage(format!(
                "the JSON array is the whole body of {operation}; the arguments {names:?} have no place in it (give path parameters only)"
            )))
        }
        _ => {
            prepared.body = Some(Value::Array(items));
            Ok(())
        }
    }
}

/// The request that would be sent, as CONTRACT.md's dry-run object. A query key given more
/// than once (an array argument) has an array of its values.
pub fn dry_run(config: &Config, prepared: &PreparedRequest) -> Value {
    let origin = origin(config.base_url());
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

/// `--wait`: polls the task of a response until it ends, with progress on stderr.
async fn wait(client: &StaxClient, response: &Value, timeout: Duration) -> Result<Value, Failure> {
    let Some(task_id) = staxapp::tasks::task_id_of(response) else {
        tracing::warn!("--wait: the response has no TaskId; nothing to wait for");
        return Ok(response.clone());
    };
    let terminal = std::io::stderr().is_terminal();
    let spinner = terminal.then(|| {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    });
    let started = Instant::now();
    let bar = spinner.clone();
    let task_label = task_id.to_owned();
    let last_status = std::sync::Mutex::new(String::new());
    let options = staxapp::tasks::WaitOptions::default()
        .timeout(timeout)
        .on_progress(move |progress: &staxapp::tasks::TaskProgress| {
            let status = progress.status.as_str();
            let elapsed = started.elapsed().as_secs();
            match &bar {
                Some(bar) => bar.set_message(format!("task {task_label}: {status} ({elapsed}s)")),
                None => {
                    let mut last = last_status.lock().unwrap_or_else(|e| e.into_inner());
                    if *last != status {
                        eprintln!("task {task_label}: {status} ({elapsed}s)");
                        *last = status.to_owned();
                    }
                }
            }
        });
    let outcome = tokio::select! {
        outcome = client.wait_for_task(task_id, options) => outcome,
        _ = tokio::signal::ctrl_c() => {
            if let Some(bar) = &spinner { bar.finish_and_clear(); }
            return Err(Failure::Interrupted(format!(
                "stopped waiting; task {task_id} goes on in Stax (follow it with `stax tasks ReadTask task_id={task_id}`)"
            )));
        }
    };
    if let Some(bar) = &spinner {
        bar.finish_and_clear();
    }
    match outcome {
        Ok(task) => Ok(task),
        Err(Error::Task(task_error)) => {
            if let staxapp::TaskError::Failed { task, .. } = task_error.as_ref() {
                let _ = std::io::stdout().write_all(output::render(Format::Json, task).as_bytes());
            }
            Err(Failure::Call(task_error.to_string()))
        }
        Err(e) => Err(e.into()),
    }
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
    fn origin_drops_the_version() {
        assert_eq!(origin("http://127.0.0.1:9/20190206"), "http://127.0.0.1:9");
        assert_eq!(
            origin("https://api.au1.staxapp.cloud/20190206"),
            "https://api.au1.staxapp.cloud"
        );
    }
}
