//! Benchmarks of the SDK's pure hot paths: SigV4 signing and the credential cache's hit path
//! (side by side with a plain async mutex, the obvious alternative). The SRP arithmetic has
//! its own bench in its crate: `cargo bench -p stax-srp`.
//!
//! Run: `cargo bench -p staxapp --bench client` (HTML reports in `target/criterion/`).

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use criterion::{Criterion, criterion_group, criterion_main};
use staxapp::auth::{CredentialCache, Credentials};

fn credentials(now: SystemTime) -> Credentials {
    Credentials::new(
        "ASIAEXAMPLEEXAMPLE12",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "IQoJb3JpZ2luX2VjEXAMPLE-session-token-of-a-realistic-length-".repeat(12),
        now + Duration::from_secs(3600),
    )
}

fn signing(c: &mut Criterion) {
    let now = SystemTime::now();
    let creds = credentials(now);
    let mut group = c.benchmark_group("sign");
    group.bench_function("get_with_query", |b| {
        b.iter(|| {
            let mut request = http::Request::get(
                "http://127.0.0.1:8080/20190206/accounts?filter=ACTIVE&include_tags=true&limit=100&offset=0",
            )
            .body(Vec::new())
            .unwrap();
            staxapp::sign::sign(
                &mut request,
                &creds,
                "ap-southeast-2",
                "127.0.0.1:8080",
                black_box(now),
            )
            .unwrap();
            request
        })
    });
    let body = serde_json::to_vec(&serde_json::json!({
        "Name": "bakery-dev", "AccountType": "development",
        "Tags": {"team": "bakery", "cost-centre": "1234"}
    }))
    .unwrap();
    group.bench_function("post_with_body", |b| {
        b.iter(|| {
            let mut request = http::Request::post("http://127.0.0.1:8080/20190206/accounts")
                .header("content-type", "application/json")
                .body(body.clone())
                .unwrap();
            staxapp::sign::sign(
                &mut request,
                &creds,
                "ap-southeast-2",
                "127.0.0.1:8080",
                black_box(now),
            )
            .unwrap();
            request
        })
    });
    group.finish();
}

fn credential_cache(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let now = SystemTime::now();
    let mut group = c.benchmark_group("credential_cache_hit");

    let cache = CredentialCache::new(Duration::from_secs(60));
    cache.insert(credentials(now));
    group.bench_function("cached", |b| b.iter(|| cache.cached(black_box(now))));
    group.bench_function("get", |b| {
        b.to_async(&runtime).iter(|| async {
            cache
                .get(black_box(now), || async {
                    unreachable!("fresh credentials")
                })
                .await
                .unwrap()
        })
    });
    // The obvious alternative: one async mutex around the slot, taken on every call.
    let naive: tokio::sync::Mutex<Option<Arc<Credentials>>> =
        tokio::sync::Mutex::new(Some(Arc::new(credentials(now))));
    group.bench_function("naive_async_mutex", |b| {
        b.to_async(&runtime).iter(|| async {
            let slot = naive.lock().await;
            slot.as_ref()
                .filter(|c| c.is_fresh(black_box(now), Duration::from_secs(60)))
                .cloned()
                .unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, signing, credential_cache);
criterion_main!(benches);
