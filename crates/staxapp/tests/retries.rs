//! What is retried and what is not (PARITY.md C4, A1, A3, C7), counted by the emulator or by
//! a loopback listener: every request of the SDK (API calls, the public configuration, the
//! Cognito calls) goes through one classification and one policy.

mod common;

use std::sync::atomic::Ordering;
use std::time::Duration;

use common::{builder, config, counting_proxy, emulator, raw_server, stat};
use serde_json::Value;
use stax_emulator::EmulatorOptions;
use staxapp::{AuthErrorKind, Config, Error, Session, StaxClient, args};

async fn faulty(spec: &str) -> stax_emulator::RunningEmulator {
    emulator(EmulatorOptions {
        faults: Some(spec.into()),
        fault_seed: 7,
        ..EmulatorOptions::default()
    })
    .await
}

/// 503 is retried for idempotent methods (beyond staxapp), never for a POST that may have been
/// processed; `max_attempts` 5 makes six requests, as staxapp's `Retry(total=5)`.
#[tokio::test]
async fn get_is_retried_on_503_and_post_is_not() {
    let emu = faulty("status=503:1.0").await;
    let client = StaxClient::new(config(&emu, "503")).unwrap();
    let err = client
        .call("accounts", "ReadAccounts", args! {})
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(503), "{err}");
    assert_eq!(stat(&emu, "/faults_injected"), 6);
    let err = client
        .call("accounts", "CreateAccountType", args! {"Name" => "once"})
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(503), "{err}");
    assert_eq!(stat(&emu, "/faults_injected"), 7);
    emu.shutdown().await;
}

/// A throttled request was refused before it was processed: retried for POST too, up to the
/// same number of requests.
#[tokio::test]
async fn throttled_posts_are_retried() {
    let emu = faulty("throttle:1.0").await;
    let config = builder(&emu, "throttled-post")
        .api_max_attempts(2)
        .api_max_backoff(Duration::from_millis(1))
        .build()
        .unwrap();
    let client = StaxClient::new(config).unwrap();
    let err = client
        .call("accounts", "CreateAccountType", args! {"Name" => "patient"})
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(429), "{err}");
    assert_eq!(stat(&emu, "/faults_injected"), 3);
    // staxapp's rule on request: POST is not retried at all.
    let strict = builder(&emu, "throttled-post-strict")
        .api_max_attempts(2)
        .api_retry_refused_any_method(false)
        .build()
        .unwrap();
    let err = StaxClient::new(strict)
        .unwrap()
        .call("accounts", "CreateAccountType", args! {"Name" => "patient"})
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(429), "{err}");
    assert_eq!(stat(&emu, "/faults_injected"), 4);
    emu.shutdown().await;
}

/// 4xx answers other than 429 are final: one request each.
#[tokio::test]
async fn client_errors_are_not_retried() {
    for status in [400, 404, 409] {
        let emu = faulty(&format!("status={status}:1.0")).await;
        let client = StaxClient::new(config(&emu, "4xx")).unwrap();
        let err = client
            .call("accounts", "ReadAccounts", args! {})
            .await
            .unwrap_err();
        assert_eq!(err.status(), Some(status), "{err}");
        assert_eq!(stat(&emu, "/faults_injected"), 1, "{status}");
        emu.shutdown().await;
    }
}

/// An untrusted certificate fails at once (one connection), naming the problem and the fix.
#[tokio::test]
async fn certificate_failures_are_not_retried() {
    let emu = emulator(EmulatorOptions {
        tls: true,
        ..EmulatorOptions::default()
    })
    .await;
    let (endpoint, connections) = counting_proxy(emu.endpoint()).await;
    let untrusting = Config::builder_without_env()
        .emulator_endpoint(&endpoint)
        .access_key(emu.access_key())
        .secret_key(emu.secret_key())
        .cache_dir(common::temp_dir("tls-untrusted"))
        .build()
        .unwrap();
    let err = StaxClient::new(untrusting)
        .unwrap()
        .call("accounts", "ReadAccounts", args! {})
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Certificate { .. }), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("certificate"), "{text}");
    assert!(
        text.contains("SSL_CERT_FILE") && text.contains("AWS_CA_BUNDLE"),
        "{text}"
    );
    assert!(!text.contains('\n'), "{text}");
    assert_eq!(connections.load(Ordering::SeqCst), 1, "not retried");

    // The same proxy with the emulator's CA trusted works.
    let trusting = Config::builder_without_env()
        .emulator_endpoint(&endpoint)
        .access_key(emu.access_key())
        .secret_key(emu.secret_key())
        .cache_dir(common::temp_dir("tls-trusted"))
        .ca_bundle(emu.ca_cert().unwrap())
        .build()
        .unwrap();
    let answer = StaxClient::new(trusting)
        .unwrap()
        .call("accounts", "ReadAccounts", args! {})
        .await
        .unwrap();
    assert!(answer["Accounts"].is_array());
    emu.shutdown().await;
}

/// The public configuration goes through the same send loop: a dropped connection is retried
/// (an idempotent GET), `max_attempts` times.
#[tokio::test]
async fn the_public_config_fetch_is_retried() {
    let server = raw_server(None).await;
    let config = Config::builder_without_env()
        .endpoint(&server.endpoint)
        .api_max_attempts(2)
        .api_backoff_factor(0.0)
        .build()
        .unwrap();
    let http = staxapp::transport::http_client(&config).unwrap();
    let err = staxapp::auth::fetch_public_config(&http, &config)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("public/config"), "{err}");
    assert_eq!(server.connections.load(Ordering::SeqCst), 3, "{err}");
}

/// Read once per base URL, however many sessions ask at the same time (PARITY.md A1).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_public_config_is_fetched_once_per_base_url() {
    let emu = emulator(EmulatorOptions::default()).await;
    let sessions: Vec<Session> = (0..8)
        .map(|i| {
            let config = builder(&emu, "public-config")
                .access_key(format!("key-{i}"))
                .build()
                .unwrap();
            Session::new(config).unwrap()
        })
        .collect();
    let fetched = futures::future::join_all(sessions.iter().map(|s| s.api_auth())).await;
    for auth in &fetched {
        assert_eq!(auth.as_ref().unwrap(), fetched[0].as_ref().unwrap());
    }
    let again = Session::new(config(&emu, "public-config-later")).unwrap();
    again.api_auth().await.unwrap();
    assert_eq!(
        stat(&emu, "/operations/public.ReadConfig"),
        1,
        "{}",
        emu.stats()
    );
    emu.shutdown().await;
}

/// The Cognito calls follow the API's policy with the auth `max_attempts`: a 503 of the
/// repeatable InitiateAuth is retried (as boto3's `max_attempts` = retries after the first).
#[tokio::test]
async fn cognito_calls_follow_the_same_policy() {
    for spec in [
        "cognito/status=503:1.0",
        "cognito/throttle:1.0",
        "cognito/drop:1.0",
    ] {
        let emu = faulty(spec).await;
        let config = builder(&emu, "cognito-policy")
            .auth_max_attempts(2)
            .api_max_backoff(Duration::from_millis(1))
            .build()
            .unwrap();
        let err = StaxClient::new(config)
            .unwrap()
            .call("accounts", "ReadAccounts", args! {})
            .await
            .unwrap_err();
        assert!(
            matches!(err, Error::Auth(_) | Error::Transport { .. }),
            "{spec}: {err:?}"
        );
        assert_eq!(stat(&emu, "/faults_injected"), 3, "{spec}: {}", emu.stats());
        assert_eq!(stat(&emu, "/cognito/RespondToAuthChallenge"), 0);
        emu.shutdown().await;
    }
}

/// A token whose password must be changed meets `NEW_PASSWORD_REQUIRED`: PARITY.md A3's error.
#[tokio::test]
async fn new_password_required_is_the_a3_error() {
    let emu = emulator(EmulatorOptions::default()).await;
    emu.require_new_password(emu.access_key()).unwrap();
    let client = StaxClient::new(config(&emu, "new-password")).unwrap();
    let err = client
        .call("accounts", "ReadAccounts", args! {})
        .await
        .unwrap_err();
    let Error::Auth(auth) = &err else {
        panic!("expected an auth error, got {err:?}")
    };
    assert_eq!(auth.kind, AuthErrorKind::NewPasswordRequired, "{err}");
    assert!(
        err.to_string()
            .contains("Change password before authenticating"),
        "{err}"
    );
    // The SRP exchange itself succeeded: the challenge came after the verifier.
    assert_eq!(stat(&emu, "/cognito/RespondToAuthChallenge"), 1);
    assert_eq!(stat(&emu, "/cognito/GetId"), 0);
    emu.shutdown().await;
}

/// Every request names the SDK, the rustc that compiled it and the OS (PARITY.md C7).
#[tokio::test]
async fn the_user_agent_names_the_compiler_on_the_wire() {
    let server = raw_server(Some(
        "HTTP/1.1 500 Internal Server Error\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
    ))
    .await;
    let config = Config::builder_without_env()
        .endpoint(&server.endpoint)
        .api_max_attempts(0)
        .build()
        .unwrap();
    let http = staxapp::transport::http_client(&config).unwrap();
    let _ = staxapp::auth::fetch_public_config(&http, &config).await;
    let head = server.heads.lock().unwrap()[0].to_ascii_lowercase();
    let out = std::process::Command::new("rustc")
        .arg("--version")
        .output()
        .expect("rustc runs");
    let version = String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .nth(1)
        .expect("a version")
        .to_owned();
    let expected = format!(
        "user-agent: staxapp-rs/{} rust/{version} os/",
        env!("CARGO_PKG_VERSION")
    );
    assert!(head.contains(&expected), "{expected:?} not in {head}");
}

/// The obvious builder keeps what the environment does not say and what the code does not
/// set: the single-field setters leave the rest alone.
#[tokio::test]
async fn single_field_setters_keep_the_rest() {
    let emu = emulator(EmulatorOptions::default()).await;
    let config = builder(&emu, "setters")
        .token_expiry_threshold(Duration::from_secs(4000))
        .build()
        .unwrap();
    // A threshold above the credentials' life: every call signs in again.
    assert_eq!(config.auth_retry().max_attempts, 5);
    assert_eq!(config.api_retry().backoff_factor, 0.0);
    let client = StaxClient::new(config).unwrap();
    for _ in 0..2 {
        let v: Value = client
            .call("accounts", "ReadAccounts", args! {})
            .await
            .unwrap();
        assert!(v["Accounts"].is_array());
    }
    assert_eq!(stat(&emu, "/cognito/InitiateAuth"), 2);
    emu.shutdown().await;
}
