//! 64 concurrent signed clients calling `accounts.ReadAccounts` against one emulator for 10 s.
//!
//! ```text
//! cargo bench -p stax-emulator --bench concurrent_clients
//! cargo bench -p stax-emulator --bench concurrent_clients -- --faults status=503:0.05,throttle:0.05
//! ```
//!
//! Each client has its own HTTP connection and its own sign-in (SRP, then the identity pool),
//! and signs every request with aws-sigv4; the emulator checks every signature. Everything
//! stays on loopback. Reports requests/s, p50/p99 latency and the errors: with `--faults`, the
//! injected ones (recognised by their answers, and cross-checked against the emulator's
//! `faults_injected` counter) are counted apart from any other. Exits 1 when there is any
//! error that was not injected, or when the two counts of injected errors disagree. (The
//! `drop` and `malformed` faults look like any broken answer to a client, so with them the
//! run reports other errors; the bench is meant for `status=` and `throttle` faults.)
//!
//! Options (after `--`): `--faults SPEC`, `--fault-seed N`, `--secs N` (default 10),
//! `--clients N` (default 64). `STAX_BENCH_SECS` and `STAX_BENCH_CLIENTS` work too.

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant, SystemTime};

use serde_json::Value;

const PATH: &str = "/20190206/accounts?filter=ACTIVE&offset=0&limit=5";

struct Options {
    secs: u64,
    clients: usize,
    faults: Option<String>,
    fault_seed: u64,
}

fn options() -> Result<Options, String> {
    let env_number = |name: &str, default: u64| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let mut opts = Options {
        secs: env_number("STAX_BENCH_SECS", 10),
        clients: env_number("STAX_BENCH_CLIENTS", 64) as usize,
        faults: None,
        fault_seed: 0,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n.to_owned(), Some(v.to_owned())),
            _ => (arg.clone(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        let number = |text: String| {
            text.parse::<u64>()
                .map_err(|_| format!("{name}: '{text}' is not a number"))
        };
        match name.as_str() {
            // `cargo bench` passes `--bench` to benches without the libtest harness.
            "--bench" => {}
            "--faults" => opts.faults = Some(value()?),
            "--fault-seed" => opts.fault_seed = number(value()?)?,
            "--secs" => opts.secs = number(value()?)?,
            "--clients" => opts.clients = number(value()?)? as usize,
            other => return Err(format!("unknown option {other}")),
        }
    }
    if opts.clients == 0 || opts.secs == 0 {
        return Err("--clients and --secs must be at least 1".into());
    }
    Ok(opts)
}

/// How one request ended.
enum Outcome {
    Ok,
    /// An answer the fault injector makes: `Error: "Injected fault: ..."` or a 429 with
    /// `Retry-After`.
    Injected,
    /// Anything else: a transport failure, another status, or a 200 that is not an account page.
    Unexpected(String),
}

async fn one_request(client: &common::Client, creds: &common::Creds) -> Outcome {
    let request = client.signed(creds, "GET", PATH, None, SystemTime::now());
    let response = match client.http.execute(request).await {
        Ok(r) => r,
        Err(e) => return Outcome::Unexpected(format!("transport: {e}")),
    };
    let status = response.status().as_u16();
    let retry_after = response.headers().contains_key("retry-after");
    let body: Value = match response.bytes().await {
        Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        Err(e) => return Outcome::Unexpected(format!("body: {e}")),
    };
    let injected_status = body["Error"]
        .as_str()
        .is_some_and(|e| e.starts_with("Injected fault"));
    match status {
        200 if body["Accounts"].as_array().is_some_and(|a| a.len() <= 5) => Outcome::Ok,
        429 if retry_after && body["message"] == "Too Many Requests" => Outcome::Injected,
        400..=599 if injected_status => Outcome::Injected,
        _ => Outcome::Unexpected(format!("{status} {body}")),
    }
}

#[derive(Default)]
struct Tally {
    ok: u64,
    injected: u64,
    unexpected: u64,
    first_unexpected: Option<String>,
    /// Latency of each 200 answer, in microseconds.
    ok_latency: Vec<u32>,
    /// Latency of every answer, injected faults included.
    all_latency: Vec<u32>,
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    f64::from(sorted[rank.clamp(1, sorted.len()) - 1]) / 1000.0
}

fn main() {
    let opts = match options() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("concurrent_clients: {e}");
            std::process::exit(2);
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let code = runtime.block_on(run(opts));
    std::process::exit(code);
}

async fn run(opts: Options) -> i32 {
    let (faults, fault_seed) = (opts.faults.clone(), opts.fault_seed);
    let emu = match stax_emulator::start(stax_emulator::EmulatorOptions {
        faults,
        fault_seed,
        ..Default::default()
    })
    .await
    {
        Ok(emu) => emu,
        Err(e) => {
            eprintln!("concurrent_clients: the emulator did not start: {e}");
            return 2;
        }
    };
    // Every client signs in on its own before the clock starts.
    let mut clients = Vec::with_capacity(opts.clients);
    for _ in 0..opts.clients {
        let client = common::Client::new(emu.endpoint()).await;
        let creds = client.login(emu.access_key(), emu.secret_key()).await;
        clients.push((client, creds));
    }
    let before = emu.stats();
    let window = Duration::from_secs(opts.secs);
    let started = Instant::now();
    let deadline = started + window;
    let mut workers = Vec::new();
    for (client, creds) in clients {
        workers.push(tokio::spawn(async move {
            let mut tally = Tally::default();
            while Instant::now() < deadline {
                let sent = Instant::now();
                let outcome = one_request(&client, &creds).await;
                let micros = u32::try_from(sent.elapsed().as_micros()).unwrap_or(u32::MAX);
                tally.all_latency.push(micros);
                match outcome {
                    Outcome::Ok => {
                        tally.ok += 1;
                        tally.ok_latency.push(micros);
                    }
                    Outcome::Injected => tally.injected += 1,
                    Outcome::Unexpected(what) => {
                        tally.unexpected += 1;
                        tally.first_unexpected.get_or_insert(what);
                    }
                }
            }
            tally
        }));
    }
    let mut total = Tally::default();
    for worker in workers {
        match worker.await {
            Ok(t) => {
                total.ok += t.ok;
                total.injected += t.injected;
                total.unexpected += t.unexpected;
                if total.first_unexpected.is_none() {
                    total.first_unexpected = t.first_unexpected;
                }
                total.ok_latency.extend(t.ok_latency);
                total.all_latency.extend(t.all_latency);
            }
            Err(e) => {
                total.unexpected += 1;
                total.first_unexpected.get_or_insert(format!("worker: {e}"));
            }
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    let after = emu.stats();
    emu.shutdown().await;

    let counter = |v: &Value| v["faults_injected"].as_u64().unwrap_or(0);
    let injected_by_server = counter(&after).saturating_sub(counter(&before));
    total.ok_latency.sort_unstable();
    total.all_latency.sort_unstable();
    let answered = total.ok + total.injected + total.unexpected;
    println!(
        "concurrent_clients: {} clients, {elapsed:.1} s, faults: {}",
        opts.clients,
        opts.faults.as_deref().unwrap_or("none")
    );
    println!(
        "  requests: {answered} ({:.0}/s); 200 OK: {} ({:.0}/s)",
        answered as f64 / elapsed,
        total.ok,
        total.ok as f64 / elapsed
    );
    println!(
        "  latency of 200 answers: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        percentile(&total.ok_latency, 50.0),
        percentile(&total.ok_latency, 99.0),
        percentile(&total.ok_latency, 100.0)
    );
    println!(
        "  latency of all answers: p50 {:.2} ms, p99 {:.2} ms",
        percentile(&total.all_latency, 50.0),
        percentile(&total.all_latency, 99.0)
    );
    println!(
        "  injected errors: {} seen by the clients, {injected_by_server} counted by the emulator",
        total.injected
    );
    println!("  other errors: {}", total.unexpected);
    let mut code = 0;
    if let Some(what) = &total.first_unexpected {
        println!("  first other error: {what}");
        code = 1;
    }
    if total.injected != injected_by_server {
        println!("  the two counts of injected errors disagree");
        code = 1;
    }
    code
}
