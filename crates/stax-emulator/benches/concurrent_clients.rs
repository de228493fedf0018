//! 64 concurrent signed clients calling `accounts.ReadAccounts` for 10 s; prints requests/s.
//!
//! `cargo bench -p stax-emulator --bench concurrent_clients`. `STAX_BENCH_SECS` and
//! `STAX_BENCH_CLIENTS` change the duration and the number of clients. Every request is
//! signed with aws-sigv4 and checked by the emulator's gate, over loopback.

#[path = "../tests/common/mod.rs"]
mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let secs = env_number("STAX_BENCH_SECS", 10);
    let clients = env_number("STAX_BENCH_CLIENTS", 64);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async move {
        let emu = common::emulator(|_| {}).await;
        let client = Arc::new(common::Client::new(emu.endpoint()).await);
        let creds = Arc::new(client.login(emu.access_key(), emu.secret_key()).await);
        let stop = Arc::new(AtomicBool::new(false));
        let ok = Arc::new(AtomicU64::new(0));
        let failed = Arc::new(AtomicU64::new(0));
        let started = Instant::now();
        let mut workers = Vec::new();
        for _ in 0..clients {
            let (client, creds, stop, ok, failed) =
                (client.clone(), creds.clone(), stop.clone(), ok.clone(), failed.clone());
            workers.push(tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    let request = client.signed(
                        &creds,
                        "GET",
                        "/20190206/accounts?filter=ACTIVE&offset=0&limit=5",
                        None,
                        SystemTime::now(),
                    );
                    match client.http.execute(request).await {
                        Ok(r) if r.status() == 200 => {
                            let _ = r.bytes().await;
                            ok.fetch_add(1, Ordering::Relaxed);
                        }
                        _ => {
                            failed.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
            }));
        }
        tokio::time::sleep(Duration::from_secs(secs)).await;
        stop.store(true, Ordering::Relaxed);
        for w in workers {
            let _ = w.await;
        }
        let elapsed = started.elapsed().as_secs_f64();
        let done = ok.load(Ordering::Relaxed);
        println!(
            "concurrent_clients: {clients} clients, {elapsed:.1} s, {done} signed ReadAccounts ok, {} failed, {:.0} requests/s",
            failed.load(Ordering::Relaxed),
            done as f64 / elapsed
        );
        emu.shutdown().await;
    });
}
