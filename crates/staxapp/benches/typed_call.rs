//! The typed API against the dynamic one: the same warm call, `accounts.ReadAccounts`, through
//! `client.accounts().read_accounts().send()` (the SDK's call, then a serde decode into the
//! generated types) and through `StaxClient::call` (the SDK's call, the answer as a
//! `serde_json::Value`); and how long generating the typed module from both reference
//! documents takes.
//!
//! The emulator runs in this process (its own runtime thread, plain HTTP on loopback, demo
//! data, the reference documents served with `--openapi`, as the typed module was generated
//! from them). After criterion's benchmarks (reports in `target/criterion/typed_call`), a last
//! measurement takes the two in turns for `TYPED_CALL_ROUNDS` rounds (default 3000), so the
//! load of a shared machine falls on both alike, and prints the medians and the final line
//! `typed / dynamic: <ratio>x` (goal: at most 1.05). Then generation: `GENERATION_RUNS` runs
//! (default 5) of `staxapp_codegen::Generator` over both documents, from reading the files to
//! the printed source, and their median (goal: under 2 s in a release build).
//!
//! Run: `cargo bench -p staxapp --bench typed_call` (needs the reference documents under
//! `$STAX_SHARED_DIR`, as the tests do; without them it says so and measures nothing).

use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use criterion::Criterion;
use staxapp::{Config, StaxClient};
use staxapp_typed_tests::TypedCall;

fn reference(name: &str) -> PathBuf {
    let root = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."));
    let shared = std::env::var_os("STAX_SHARED_DIR")
        .filter(|v| !v.is_empty())
        .map_or_else(|| root.join("../shared"), |dir| root.join(dir));
    shared.join("reference").join(name)
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort_unstable();
    samples[samples.len() / 2]
}

fn rounds(variable: &str, default: usize) -> usize {
    std::env::var(variable)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
        .max(1)
}

fn main() {
    let documents = [
        reference("stax-core-20190206.oas3.json"),
        reference("stax-permission-sets-20210321.oas3.json"),
    ];
    if !staxapp_typed_tests::REFERENCE_PRESENT || documents.iter().any(|d| !d.is_file()) {
        eprintln!(
            "typed_call: skipped, the reference documents are missing; set STAX_SHARED_DIR to the shared folder"
        );
        return;
    }
    let server = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("a runtime for the emulator");
    let emulator = server
        .block_on(stax_emulator::start(stax_emulator::EmulatorOptions {
            openapi: documents.to_vec(),
            ..Default::default()
        }))
        .expect("the emulator starts");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let cache = std::env::temp_dir().join(format!("staxapp-typed-call-{}", std::process::id()));
    let client = StaxClient::new(
        Config::builder_without_env()
            .emulator_endpoint(emulator.endpoint())
            .access_key(emulator.access_key())
            .secret_key(emulator.secret_key())
            .cache_dir(&cache)
            .build()
            .expect("a config"),
    )
    .expect("a client");
    let typed: TypedCall = staxapp_typed_tests::typed_read_accounts(&client).expect("typed API");
    let dynamic = || async {
        client
            .call("accounts", "ReadAccounts", ())
            .await
            .expect("the dynamic call")["Accounts"]
            .as_array()
            .map_or(0, Vec::len)
    };
    // Warm: the document loaded, the credentials in the cache, a connection in the pool; both
    // see the same accounts.
    let (a, b) =
        runtime.block_on(async { (typed().await.expect("the typed call"), dynamic().await) });
    assert_eq!(a, b);
    let _ = std::fs::remove_dir_all(&cache);

    let mut c = Criterion::default().configure_from_args();
    let mut group = c.benchmark_group("typed_call");
    group.bench_function("typed_read_accounts", |bench| {
        bench
            .to_async(&runtime)
            .iter(|| async { black_box(typed().await.expect("the typed call")) })
    });
    group.bench_function("dynamic_read_accounts", |bench| {
        bench
            .to_async(&runtime)
            .iter(|| async { black_box(dynamic().await) })
    });
    // The decode alone: the same answer (cloned) into the typed output, and the clone.
    let answer = runtime.block_on(async {
        client
            .call("accounts", "ReadAccounts", ())
            .await
            .expect("the dynamic call")
    });
    group.bench_function("clone_answer", |bench| {
        bench.iter(|| black_box(answer.clone()))
    });
    group.bench_function("clone_and_decode_typed", |bench| {
        bench.iter(|| black_box(staxapp_typed_tests::decode_read_accounts(answer.clone())))
    });
    group.finish();

    let n = rounds("TYPED_CALL_ROUNDS", 3000);
    let (typed_times, dynamic_times) = runtime.block_on(async {
        let mut t = Vec::with_capacity(n);
        let mut d = Vec::with_capacity(n);
        for _ in 0..n {
            let started = Instant::now();
            black_box(typed().await.expect("the typed call"));
            t.push(started.elapsed());
            let started = Instant::now();
            black_box(dynamic().await);
            d.push(started.elapsed());
        }
        (t, d)
    });
    let (t, d) = (median(typed_times), median(dynamic_times));
    println!("in turns, {n} rounds: typed {t:?}, dynamic {d:?}");
    println!("typed / dynamic: {:.3}x", t.as_secs_f64() / d.as_secs_f64());

    let runs = rounds("GENERATION_RUNS", 5);
    let mut times = Vec::with_capacity(runs);
    let mut size = 0;
    for _ in 0..runs {
        let started = Instant::now();
        let source = staxapp_codegen::Generator::new()
            .document(&documents[0])
            .and_then(|g| g.document(&documents[1]))
            .and_then(|g| g.generate())
            .expect("the typed module");
        times.push(started.elapsed());
        size = source.len();
    }
    println!(
        "generation of both documents ({} kB of Rust): median {:?} over {runs} runs",
        size / 1000,
        median(times)
    );
    drop(runtime);
    server.block_on(emulator.shutdown());
}
