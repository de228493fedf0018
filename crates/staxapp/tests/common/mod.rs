//! Helpers shared by the end-to-end tests: an in-process emulator and configs pointing at it.
#![allow(dead_code)]

use std::path::PathBuf;
use std::time::Duration;

use stax_emulator::{EmulatorOptions, RunningEmulator};
use staxapp::{ApiRetryConfig, AuthRetryConfig, Config, ConfigBuilder};

/// Starts an emulator with `options` (defaults otherwise).
pub async fn emulator(options: EmulatorOptions) -> RunningEmulator {
    stax_emulator::start(options)
        .await
        .expect("the emulator starts")
}

/// A fresh temporary folder for a document cache.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "staxapp-e2e-{name}-{}-{}",
        std::process::id(),
        rand::random::<u32>()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A builder pointing every service at the emulator, with its API token, a private document
/// cache and fast retries (no sleeping in tests).
pub fn builder(emu: &RunningEmulator, cache: &str) -> ConfigBuilder {
    let mut b = Config::builder_without_env()
        .emulator_endpoint(emu.endpoint())
        .access_key(emu.access_key())
        .secret_key(emu.secret_key())
        .cache_dir(temp_dir(cache))
        .api_retry(ApiRetryConfig {
            backoff_factor: 0.0,
            ..ApiRetryConfig::default()
        });
    if let Some(ca) = emu.ca_cert() {
        b = b.ca_bundle(ca);
    }
    b
}

/// The config of [`builder`].
pub fn config(emu: &RunningEmulator, cache: &str) -> Config {
    builder(emu, cache).build().unwrap()
}

/// Auth settings with no refresh threshold.
pub fn no_threshold() -> AuthRetryConfig {
    AuthRetryConfig {
        token_expiry_threshold: Duration::ZERO,
        ..AuthRetryConfig::default()
    }
}

/// A counter of the emulator's stats, 0 when absent.
pub fn stat(emu: &RunningEmulator, pointer: &str) -> u64 {
    emu.stats()
        .pointer(pointer)
        .and_then(|v| v.as_u64())
        .unwrap_or(0)
}

#[path = "../../../../testsupport/shared_dir.rs"]
mod shared_dir;
#[allow(unused_imports)]
pub use shared_dir::{interop_venv_file, shared_file};

/// Stax's published reference document (see `testsupport/shared_dir.rs` for where from).
pub fn reference_document() -> Option<PathBuf> {
    shared_dir::shared_file("reference/stax-core-20190206.oas3.json")
}

/// Stax's Permission Sets API document (see `testsupport/shared_dir.rs` for where from).
pub fn permission_sets_document() -> Option<PathBuf> {
    shared_dir::shared_file("reference/stax-permission-sets-20210321.oas3.json")
}

/// A loopback TCP server that counts connections, keeps the head of each request and
/// answers with `answer` (raw HTTP), or closes the connection when `answer` is `None`.
pub struct RawServer {
    /// `http://127.0.0.1:PORT`.
    pub endpoint: String,
    /// Connections accepted so far.
    pub connections: std::sync::Arc<std::sync::atomic::AtomicU32>,
    /// The request heads read, in order.
    pub heads: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

/// Starts a [`RawServer`] on the current runtime.
pub async fn raw_server(answer: Option<&'static str>) -> RawServer {
    use std::sync::atomic::Ordering;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let connections = std::sync::Arc::new(std::sync::atomic::AtomicU32::new(0));
    let heads = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let (count, seen) = (connections.clone(), heads.clone());
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            let mut head = Vec::new();
            let mut buf = [0u8; 1024];
            while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                match socket.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => head.extend_from_slice(&buf[..n]),
                }
            }
            seen.lock()
                .unwrap()
                .push(String::from_utf8_lossy(&head).into_owned());
            if let Some(answer) = answer {
                let _ = socket.write_all(answer.as_bytes()).await;
            }
        }
    });
    RawServer {
        endpoint,
        connections,
        heads,
    }
}

/// A TCP proxy in front of `target` (`http(s)://host:port`) that counts connections; returns
/// its own endpoint with the target's scheme.
pub async fn counting_proxy(
    target: &str,
) -> (String, std::sync::Arc<std::sync::atomic::AtomicU32>) {
    use std::sync::atomic::Ordering;
    let url = url::Url::parse(target).unwrap();
    let upstream = format!(
        "{}:{}",
        url.host_str().unwrap(),
        url.port_or_known_default().unwrap()
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let endpoint = format!("{}://{}", url.scheme(), listener.local_addr().unwrap());
    let connections = std::sync::Arc::new(std::sync::atomic::AtomicU32::new(0));
    let count = connections.clone();
    tokio::spawn(async move {
        while let Ok((mut inbound, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            let upstream = upstream.clone();
            tokio::spawn(async move {
                if let Ok(mut outbound) = tokio::net::TcpStream::connect(upstream).await {
                    let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                }
            });
        }
    });
    (endpoint, connections)
}
