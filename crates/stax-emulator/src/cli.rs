//! The emulator's command line, shared by the `stax-emulator` binary and `stax emulator`.
//!
//! The first line on stdout is the ready line: one JSON object with `endpoint`, `access_key`,
//! `secret_key` and `ca_cert`. Logs go to stderr (`RUST_LOG` filters them).

use std::io::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;

use crate::{EmulatorOptions, Seed, Transitions};

/// A local Stax: the Stax API, Cognito user and identity pools and API Gateway's SigV4 checks.
// The field docs are `--help` text, where `<ms>` is a placeholder, not HTML.
#[allow(rustdoc::invalid_html_tags)]
#[derive(Debug, Parser)]
#[command(name = "stax-emulator", version)]
pub struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:0")]
    pub listen: SocketAddr,
    /// Serve HTTPS with a self-signed certificate (its PEM path is in the ready line).
    #[arg(long)]
    pub tls: bool,
    /// SQLite file keeping state across restarts (default: in memory).
    #[arg(long)]
    pub db: Option<PathBuf>,
    /// Data to seed a new database with: demo or empty.
    #[arg(long, default_value = "demo")]
    pub seed: Seed,
    /// Generated accounts a new database gets beside the demo's (with --seed demo; 0 to
    /// 1000000): the same N gives the same accounts, for organisation-scale tests.
    #[arg(long, default_value_t = 0)]
    pub seed_accounts: usize,
    /// Serve this OpenAPI document and answer every operation in it; once per API (the core
    /// API 20190206, the Permission Sets API 20210321), each served under its version.
    #[arg(long)]
    pub openapi: Vec<PathBuf>,
    /// How long tasks take to reach their final state, in milliseconds (0 to 3600000).
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(0..=3_600_000))]
    pub task_delay_ms: u64,
    /// Lifetime of issued temporary credentials, in seconds (1 to 43200).
    #[arg(long, default_value_t = 3600, value_parser = clap::value_parser!(u64).range(1..=43_200))]
    pub credential_ttl: u64,
    /// Fault injection: comma-separated KIND:PROBABILITY (status=CODE, throttle,
    /// latency=MS, drop, malformed; prefix cognito/ to aim at Cognito; also
    /// cognito/unverified-token, the identity pool's "Couldn't verify signed token").
    #[arg(long)]
    pub faults: Option<String>,
    /// Seed of the fault injection's random sequence.
    #[arg(long, default_value_t = 0)]
    pub fault_seed: u64,
    /// Stax installation: au1, us1 or eu1.
    #[arg(long, default_value = "au1")]
    pub region: String,
    /// How long a client may take to send a request's headers, then its body, in
    /// milliseconds (100 to 600000); also how long an idle kept-alive connection stays open.
    #[arg(long, default_value_t = 30_000, value_parser = clap::value_parser!(u64).range(100..=600_000))]
    pub read_timeout_ms: u64,
    /// How tasks and permission set assignments move: auto (by time, --task-delay-ms) or
    /// manual (each waits in its first state until POST /_emulator/tasks/{id}/advance,
    /// complete or fail moves it).
    #[arg(long, default_value = "auto")]
    pub transitions: Transitions,
    /// Start with this state (a JSON document written by GET /_emulator/state) instead of
    /// the seed; it replaces what --db holds.
    #[arg(long)]
    pub state: Option<PathBuf>,
}

impl From<Args> for EmulatorOptions {
    fn from(a: Args) -> Self {
        EmulatorOptions {
            listen: a.listen,
            tls: a.tls,
            db: a.db,
            seed: a.seed,
            seed_accounts: a.seed_accounts,
            openapi: a.openapi,
            task_delay: Duration::from_millis(a.task_delay_ms),
            credential_ttl: Duration::from_secs(a.credential_ttl),
            faults: a.faults,
            fault_seed: a.fault_seed,
            region: a.region,
            read_timeout: Duration::from_millis(a.read_timeout_ms),
            transitions: a.transitions,
            state: a.state,
        }
    }
}

async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        ) {
            (Ok(mut int), Ok(mut term)) => {
                tokio::select! {
                    _ = int.recv() => {}
                    _ = term.recv() => {}
                }
            }
            _ => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Runs the emulator's command line (`args` includes the program name) until SIGINT or
/// SIGTERM; returns the process exit code. Both `stax-emulator` and `stax emulator` call this.
pub fn main_with_args<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let args = match Args::try_parse_from(args) {
        Ok(args) => args,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .try_init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("stax-emulator: cannot start the runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let emulator = match crate::start(args.into()).await {
            Ok(e) => e,
            Err(err) => {
                eprintln!("stax-emulator: {err}");
                return ExitCode::FAILURE;
            }
        };
        let mut stdout = std::io::stdout().lock();
        if writeln!(stdout, "{}", emulator.ready_line())
            .and_then(|_| stdout.flush())
            .is_err()
        {
            eprintln!("stax-emulator: cannot write the ready line");
        }
        drop(stdout);
        eprintln!("stax-emulator: listening at {}", emulator.endpoint());
        stop_signal().await;
        eprintln!("stax-emulator: stopping");
        emulator.shutdown().await;
        ExitCode::SUCCESS
    })
}
