//! A warm SDK call against the wire: how close `client.call("accounts", "ReadAccounts")` comes
//! to a bare HTTP GET of the same URL.
//!
//! The emulator runs in this process (its own runtime thread, plain HTTP on loopback, demo
//! data: nine accounts, a 6.6 kB answer). Each side uses one pooled keep-alive connection
//! made with the same HTTP client settings ([`staxapp::transport::http_client`]), and the
//! same server answers both, doing the same work:
//!
//! - **warm call**: `StaxClient::call` with the document loaded and the credentials cached:
//!   look the operation up, route the arguments, build the URL, SigV4-sign with the session's
//!   credentials, send through the retry loop, classify the answer and decode its JSON into
//!   the `serde_json::Value` it returns.
//! - **raw GET**: `reqwest` sending a request built once, carrying the headers the SDK sends
//!   (`Accept`, `Host`, `X-Amz-Date`, `X-Amz-Security-Token`, `Authorization`) with a valid
//!   signature computed outside the timed loop (again for each batch, so it never goes
//!   stale), and decoding the body into a `serde_json::Value` with `serde_json::from_slice`.
//!
//! What makes it fair: an unsigned GET would be refused at the server's SigV4 gate after a
//! fraction of the work (no credential look-up, no signature check, no query, a short 403
//! body), flattering the wire; with a valid signature the server does exactly what it does
//! for the SDK. And both sides end with the same thing in hand, the decoded answer, which
//! any caller of the API needs (the SDK's contract is to return it): so the difference is
//! what the SDK adds per call (routing, URL, signing, the send loop, classification). The
//! raw GET read as bytes only is measured too, and its ratio printed, for reference.
//!
//! After criterion's benchmarks (reports in `target/criterion/warm_call`), a last
//! measurement takes the three in turns (a warm call, a raw GET decoded, a raw GET as bytes)
//! for `WARM_CALL_ROUNDS` rounds (default 3000), so that the load of a shared machine falls
//! on all alike, and prints the medians and the final line `warm call / raw GET: <ratio>x`
//! (median over median, raw GET decoded).
//!
//! Run: `cargo bench -p staxapp --bench warm_call`.

use std::hint::black_box;
use std::time::{Duration, Instant, SystemTime};

use criterion::Criterion;
use staxapp::{StaxClient, args};

#[path = "support/emulator.rs"]
mod emulator;

/// The emulator, its runtime, and the two ways of making the call.
struct Setup {
    /// Keeps the emulator's runtime (and so the emulator) alive.
    _server: tokio::runtime::Runtime,
    _emulator: stax_emulator::RunningEmulator,
    client: StaxClient,
    http: reqwest::Client,
    url: String,
}

impl Setup {
    fn start(runtime: &tokio::runtime::Runtime) -> Setup {
        let (server, emulator) = emulator::start(Default::default());
        let cache = std::env::temp_dir().join(format!("staxapp-warm-call-{}", std::process::id()));
        let config = emulator::config(&emulator, &cache);
        let client = StaxClient::new(config.clone()).expect("a client");
        // Warm: the document loaded, the credentials in the cache, a connection in the pool.
        runtime
            .block_on(client.call("accounts", "ReadAccounts", args! {}))
            .expect("the first call");
        let _ = std::fs::remove_dir_all(&cache);
        let http = staxapp::transport::http_client(&config).expect("an HTTP client");
        let url = format!("{}/20190206/accounts", emulator.endpoint());
        Setup {
            _server: server,
            _emulator: emulator,
            client,
            http,
            url,
        }
    }

    /// The raw GET, signed now with the client's credentials, as the SDK would send it.
    async fn signed_raw_request(&self) -> reqwest::Request {
        let session = self.client.session();
        let creds = session.credentials().await.expect("credentials");
        let region = session
            .api_auth()
            .await
            .expect("the public config")
            .region
            .clone();
        let mut request = http::Request::get(&self.url)
            .header(http::header::ACCEPT, "application/json")
            .body(Vec::new())
            .expect("a request");
        staxapp::sign::sign(
            &mut request,
            &creds,
            &region,
            session.config().api_host(),
            SystemTime::now(),
        )
        .expect("signed");
        reqwest::Request::try_from(request).expect("a reqwest request")
    }

    async fn warm_call(&self) -> serde_json::Value {
        self.client
            .call("accounts", "ReadAccounts", args! {})
            .await
            .expect("the warm call")
    }

    /// Sends the raw GET and reads its body in full.
    async fn raw_get(&self, request: &reqwest::Request) -> impl AsRef<[u8]> + use<> {
        let response = self
            .http
            .execute(request.try_clone().expect("a body-less request"))
            .await
            .expect("the raw GET");
        assert_eq!(response.status(), 200, "the signature is accepted");
        response.bytes().await.expect("the body")
    }

    /// The raw GET, its body decoded as the SDK returns it (a `serde_json::Value`).
    async fn raw_get_decoded(&self, request: &reqwest::Request) -> serde_json::Value {
        let body = self.raw_get(request).await;
        serde_json::from_slice(body.as_ref()).expect("a JSON body")
    }
}

fn criterion_benches(c: &mut Criterion, runtime: &tokio::runtime::Runtime, setup: &Setup) {
    let mut group = c.benchmark_group("warm_call");
    group.bench_function("sdk_read_accounts", |b| {
        b.to_async(runtime)
            .iter(|| async { black_box(setup.warm_call().await) })
    });
    group.bench_function("raw_signed_get_decoded", |b| {
        b.to_async(runtime).iter_custom(|iters| async move {
            let request = setup.signed_raw_request().await;
            let started = Instant::now();
            for _ in 0..iters {
                black_box(setup.raw_get_decoded(&request).await);
            }
            started.elapsed()
        })
    });
    group.bench_function("raw_signed_get_bytes", |b| {
        b.to_async(runtime).iter_custom(|iters| async move {
            let request = setup.signed_raw_request().await;
            let started = Instant::now();
            for _ in 0..iters {
                black_box(setup.raw_get(&request).await.as_ref().len());
            }
            started.elapsed()
        })
    });
    // The JSON decoding alone, of the same answer, for the record.
    let body = runtime.block_on(async {
        let request = setup.signed_raw_request().await;
        setup.raw_get(&request).await.as_ref().to_vec()
    });
    group.bench_function("decode_only", |b| {
        b.iter(|| {
            black_box(serde_json::from_slice::<serde_json::Value>(black_box(
                &body,
            )))
        })
    });
    group.finish();
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort_unstable();
    samples[samples.len() / 2]
}

/// Medians of the three ways, measured in turns: a warm call, a raw GET decoded, a raw GET
/// read as bytes, `rounds` times.
struct Medians {
    sdk: Duration,
    raw_decoded: Duration,
    raw_bytes: Duration,
}

fn interleaved(runtime: &tokio::runtime::Runtime, setup: &Setup, rounds: usize) -> Medians {
    runtime.block_on(async {
        let mut sdk = Vec::with_capacity(rounds);
        let mut decoded = Vec::with_capacity(rounds);
        let mut bytes = Vec::with_capacity(rounds);
        let mut request = setup.signed_raw_request().await;
        let mut signed_at = Instant::now();
        for _ in 0..rounds {
            if signed_at.elapsed() > Duration::from_secs(60) {
                request = setup.signed_raw_request().await;
                signed_at = Instant::now();
            }
            let started = Instant::now();
            black_box(setup.warm_call().await);
            sdk.push(started.elapsed());
            let started = Instant::now();
            black_box(setup.raw_get_decoded(&request).await);
            decoded.push(started.elapsed());
            let started = Instant::now();
            black_box(setup.raw_get(&request).await.as_ref().len());
            bytes.push(started.elapsed());
        }
        Medians {
            sdk: median(sdk),
            raw_decoded: median(decoded),
            raw_bytes: median(bytes),
        }
    })
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime for the client");
    let setup = Setup::start(&runtime);
    let mut criterion = Criterion::default().configure_from_args();
    criterion_benches(&mut criterion, &runtime, &setup);
    criterion.final_summary();
    // `cargo bench -- --test` (or clippy/CI smoke runs) only check that it works.
    let quick = std::env::args().any(|a| a == "--test" || a == "--list");
    let rounds = if quick {
        10
    } else {
        std::env::var("WARM_CALL_ROUNDS")
            .ok()
            .and_then(|v| v.parse().ok())
            .filter(|n| *n > 0)
            .unwrap_or(3000)
    };
    let m = interleaved(&runtime, &setup, rounds);
    let micros = |d: Duration| d.as_secs_f64() * 1e6;
    println!(
        "in turns, {rounds} rounds, medians: warm call {:.1} µs, raw GET decoded {:.1} µs, raw GET bytes {:.1} µs",
        micros(m.sdk),
        micros(m.raw_decoded),
        micros(m.raw_bytes)
    );
    println!(
        "warm call / raw GET read as bytes (no JSON decoding): {:.3}x",
        m.sdk.as_secs_f64() / m.raw_bytes.as_secs_f64()
    );
    println!(
        "warm call / raw GET: {:.3}x",
        m.sdk.as_secs_f64() / m.raw_decoded.as_secs_f64()
    );
}
