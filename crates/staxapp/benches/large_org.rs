//! A large organisation through the SDK: the emulator in this process (plain HTTP on
//! loopback) seeded with the demo and 10,000 more accounts (`seed_accounts`), so 10,009.
//!
//! Side by side in one run, each a warm call (document loaded, credentials cached):
//!
//! - `teams ReadGroups`: two groups, the baseline of a small answer;
//! - `accounts ReadAccountTypes`: four types, each listing its accounts' ids;
//! - one page, `ReadAccounts offset=5000 limit=100`;
//! - every page: 101 single-page calls (`offset` 0, 100, ... as separate calls), against the
//!   SDK's paging of the same list (`StaxClient::pages`, pages of 100);
//! - one big answer, `ReadAccounts` (all 10,009 in one page).
//!
//! Run: `cargo bench -p staxapp --bench large_org` (reports in `target/criterion/large_org`).
//! `crates/stax-cli/benches/large_org.sh` measures the CLI and staxapp on the same seed.

use std::hint::black_box;
use std::time::Duration;

use criterion::Criterion;
use futures::TryStreamExt as _;
use serde_json::Value;
use staxapp::{StaxClient, args};

#[path = "support/emulator.rs"]
mod emulator;

/// Generated accounts beside the demo's nine.
const ACCOUNTS: usize = 10_000;
/// The page size of the walks.
const PAGE: u64 = 100;

fn main() {
    let (_server, emulator) = emulator::start(stax_emulator::EmulatorOptions {
        seed_accounts: ACCOUNTS,
        ..Default::default()
    });
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let cache = std::env::temp_dir().join(format!("staxapp-large-org-{}", std::process::id()));
    let config = emulator::config(&emulator, &cache);
    let client = StaxClient::new(config).expect("a client");
    let call = |service: &'static str, operation: &'static str, args: staxapp::Args| {
        let client = client.clone();
        async move {
            client
                .call(service, operation, args)
                .await
                .expect("the call")
        }
    };
    let total = runtime.block_on(call("accounts", "ReadAccounts", args! {}))["Accounts"]
        .as_array()
        .map_or(0, Vec::len);
    assert_eq!(total, ACCOUNTS + 9);
    let _ = std::fs::remove_dir_all(&cache);

    let mut criterion = Criterion::default()
        .configure_from_args()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    let mut group = criterion.benchmark_group("large_org");
    group.bench_function("teams ReadGroups", |b| {
        b.iter(|| black_box(runtime.block_on(call("teams", "ReadGroups", args! {}))))
    });
    group.bench_function("accounts ReadAccountTypes", |b| {
        b.iter(|| black_box(runtime.block_on(call("accounts", "ReadAccountTypes", args! {}))))
    });
    group.bench_function("ReadAccounts offset=5000 limit=100", |b| {
        b.iter(|| {
            black_box(runtime.block_on(call(
                "accounts",
                "ReadAccounts",
                args! {"offset" => 5000, "limit" => PAGE},
            )))
        })
    });
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    group.bench_function("101 single-page calls", |b| {
        b.iter(|| {
            runtime.block_on(async {
                let mut seen = 0;
                let mut offset = Some(0u64);
                while let Some(at) = offset {
                    let page = call(
                        "accounts",
                        "ReadAccounts",
                        args! {"offset" => at, "limit" => PAGE},
                    )
                    .await;
                    seen += page["Accounts"].as_array().map_or(0, Vec::len);
                    offset = page["Paging"]["NextOffset"].as_u64();
                }
                assert_eq!(seen, total);
            })
        })
    });
    group.bench_function("pages() over 101 pages", |b| {
        b.iter(|| {
            runtime.block_on(async {
                let pages = client.pages("accounts", "ReadAccounts", args! {}, PAGE);
                let seen = pages
                    .try_fold(0, |seen, page: Value| async move {
                        Ok(seen + page["Accounts"].as_array().map_or(0, Vec::len))
                    })
                    .await
                    .expect("every page");
                assert_eq!(seen, total);
            })
        })
    });
    group.bench_function("ReadAccounts, one big answer", |b| {
        b.iter(|| black_box(runtime.block_on(call("accounts", "ReadAccounts", args! {}))))
    });
    group.finish();
    criterion.final_summary();
}
