//! The emulator's own cost of answering a large organisation, apart from any SDK: the
//! emulator in this process (plain HTTP on loopback) seeded with the demo and 10,000 more
//! accounts (`--seed-accounts 10000`, so 10,009), called by a bare signed HTTP client that
//! reads the answer's bytes and parses nothing.
//!
//! Side by side in one run, each one signed request and its whole answer:
//!
//! - `teams ReadGroups`: two groups, the baseline of a small answer;
//! - `accounts ReadAccountTypes`: four types, each listing its accounts' ids;
//! - one page, `ReadAccounts offset=5000 limit=100`;
//! - one page sorted by name, `ReadAccounts sort=Name sort_order=ASC offset=5000 limit=100`;
//! - one page of a case-insensitive substring filter, `ReadAccounts name_filter=... limit=100`;
//! - one big answer, `ReadAccounts` (all 10,009 in one page).
//!
//! Run: `cargo bench -p stax-emulator --bench large_org` (reports in
//! `target/criterion/emulator_large_org`). `cargo bench -p staxapp --bench large_org` measures
//! the same calls through the SDK.

#[path = "../tests/common/mod.rs"]
mod common;

use std::hint::black_box;
use std::time::{Duration, SystemTime};

use criterion::Criterion;

/// Generated accounts beside the demo's nine.
const ACCOUNTS: usize = 10_000;

/// The calls measured: name and path.
const CALLS: [(&str, &str); 6] = [
    ("teams ReadGroups", "/20190206/groups"),
    ("accounts ReadAccountTypes", "/20190206/accounts/types"),
    (
        "ReadAccounts offset=5000 limit=100",
        "/20190206/accounts?offset=5000&limit=100",
    ),
    (
        "ReadAccounts sort=Name offset=5000 limit=100",
        "/20190206/accounts?sort=Name&sort_order=ASC&offset=5000&limit=100",
    ),
    (
        "ReadAccounts name_filter limit=100",
        "/20190206/accounts?name_filter=PayMents&offset=0&limit=100",
    ),
    ("ReadAccounts, one big answer", "/20190206/accounts"),
];

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let (emulator, client, creds) = runtime.block_on(async {
        let emulator = common::emulator(|o| o.seed_accounts = ACCOUNTS).await;
        let client = common::Client::new(emulator.endpoint()).await;
        let creds = client
            .login(emulator.access_key(), emulator.secret_key())
            .await;
        (emulator, client, creds)
    });
    // One signed request and its answer's bytes; the status must be 200.
    let fetch = |path: &'static str| {
        let request = client.signed(&creds, "GET", path, None, SystemTime::now());
        let http = client.http.clone();
        async move {
            let response = http.execute(request).await.expect("the emulator answers");
            assert_eq!(response.status().as_u16(), 200, "{path}");
            response.bytes().await.expect("the answer's body")
        }
    };
    for (name, path) in CALLS {
        let bytes = runtime.block_on(fetch(path));
        println!("{name}: {} bytes", bytes.len());
    }

    let mut criterion = Criterion::default()
        .configure_from_args()
        .sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    let mut group = criterion.benchmark_group("emulator_large_org");
    for (name, path) in CALLS {
        group.bench_function(name, |b| {
            b.iter(|| black_box(runtime.block_on(fetch(path))))
        });
    }
    group.finish();
    criterion.final_summary();
    runtime.block_on(emulator.shutdown());
}
