//! Running the emulator: TLS, a database that survives restarts, fault injection.

mod common;

use common::{Client, create_token, emulator, temp_db};
use serde_json::{Value, json};

#[tokio::test]
async fn tls_serves_https_trusted_through_its_ca_file() {
    let emu = emulator(|o| o.tls = true).await;
    assert!(emu.endpoint().starts_with("https://127.0.0.1:"));
    let ca = emu.ca_cert().expect("a CA file with TLS").to_owned();
    let pem = std::fs::read(&ca).unwrap();
    let ready: Value = serde_json::from_str(&emu.ready_line()).unwrap();
    assert_eq!(ready["ca_cert"], ca.display().to_string());

    let trusting = || {
        reqwest::Client::builder()
            .tls_certs_only([reqwest::Certificate::from_pem(&pem).unwrap()])
            .build()
            .unwrap()
    };
    let client = Client::with_http(emu.endpoint(), trusting()).await;
    let creds = client.login(emu.access_key(), emu.secret_key()).await;
    let (status, body) = client.call(&creds, "GET", "/20190206/accounts", None).await;
    assert_eq!(status, 200, "{body}");

    // The certificate also names localhost.
    let port = emu.endpoint().rsplit(':').next().unwrap().to_owned();
    let by_name = trusting()
        .get(format!("https://localhost:{port}/20190206/public/config"))
        .send()
        .await
        .unwrap();
    assert_eq!(by_name.status(), 200);
    // A client that does not trust it refuses.
    assert!(
        reqwest::get(format!("{}/20190206/public/config", emu.endpoint()))
            .await
            .is_err()
    );
    emu.shutdown().await;
    assert!(!ca.exists(), "the CA file is removed on shutdown");
}

#[tokio::test]
async fn database_survives_restart() {
    let db = temp_db("restart");
    let emu = emulator(|o| o.db = Some(db.clone())).await;
    let client = Client::new(emu.endpoint()).await;
    let pool = client.config["ApiAuth"].clone();
    let creds = client.login(emu.access_key(), emu.secret_key()).await;
    let (_, before) = client.call(&creds, "GET", "/20190206/accounts", None).await;
    let (status, _) = client
        .call(
            &creds,
            "POST",
            "/20190206/accounts/types",
            Some(json!({"Name": "kept"})),
        )
        .await;
    assert_eq!(status, 200);
    let (access, secret) = create_token(&client, &creds, "kept-token", "api_user").await;
    let (ready_key, ready_secret) = (emu.access_key().to_owned(), emu.secret_key().to_owned());
    emu.shutdown().await;

    let emu = emulator(|o| o.db = Some(db.clone())).await;
    assert_eq!(emu.access_key(), ready_key);
    assert_eq!(emu.secret_key(), ready_secret);
    let client = Client::new(emu.endpoint()).await;
    assert_eq!(client.config["ApiAuth"], pool, "same pools after a restart");
    // Credentials issued before the restart are still good.
    let (status, after) = client.call(&creds, "GET", "/20190206/accounts", None).await;
    assert_eq!(status, 200);
    assert_eq!(after, before, "the seed is not applied twice");
    let (_, types) = client
        .call(&creds, "GET", "/20190206/accounts/types", None)
        .await;
    assert!(types.to_string().contains("\"kept\""));
    let other = client.login(&access, &secret).await;
    let (status, _) = client.call(&other, "GET", "/20190206/accounts", None).await;
    assert_eq!(status, 200);
    emu.shutdown().await;
    let _ = std::fs::remove_dir_all(db.parent().unwrap());
}

async fn fault_run(spec: &str, seed: u64) -> (Vec<u16>, Value) {
    let emu = emulator(|o| {
        o.faults = Some(spec.to_owned());
        o.fault_seed = seed;
    })
    .await;
    let client = Client::new(emu.endpoint()).await;
    let creds = client.login(emu.access_key(), emu.secret_key()).await;
    let mut statuses = Vec::new();
    for _ in 0..40 {
        let request = client.signed(
            &creds,
            "GET",
            "/20190206/accounts",
            None,
            std::time::SystemTime::now(),
        );
        let response = client.http.execute(request).await.unwrap();
        if response.status() == 429 {
            assert_eq!(response.headers()["retry-after"], "1");
        }
        statuses.push(response.status().as_u16());
    }
    let stats = emu.stats();
    emu.shutdown().await;
    (statuses, stats)
}

#[tokio::test]
async fn same_fault_spec_and_seed_give_the_same_sequence() {
    let spec = "status=503:0.25,throttle:0.2,latency=5:0.2";
    let (first, stats) = fault_run(spec, 7).await;
    let (second, _) = fault_run(spec, 7).await;
    assert_eq!(first, second);
    assert!(
        first.contains(&503) && first.contains(&429) && first.contains(&200),
        "{first:?}"
    );
    let failed = first.iter().filter(|s| **s != 200).count() as u64;
    // Latency hits count as injected faults but still answer 200.
    assert!(stats["faults_injected"].as_u64().unwrap() >= failed);
    let (other, _) = fault_run(spec, 8).await;
    assert_ne!(first, other, "another seed, another sequence");
}

#[tokio::test]
async fn drop_malformed_and_cognito_faults() {
    let emu = emulator(|o| o.faults = Some("drop:1".into())).await;
    let client = Client::new(emu.endpoint()).await; // public routes are never faulted
    let creds = client.login(emu.access_key(), emu.secret_key()).await; // nor is Cognito here
    let request = client.signed(
        &creds,
        "GET",
        "/20190206/accounts",
        None,
        std::time::SystemTime::now(),
    );
    assert!(
        client.http.execute(request).await.is_err(),
        "the connection is closed"
    );
    assert_eq!(emu.stats()["faults_injected"], 1);
    emu.shutdown().await;

    let emu = emulator(|o| o.faults = Some("malformed:1".into())).await;
    let client = Client::new(emu.endpoint()).await;
    let creds = client.login(emu.access_key(), emu.secret_key()).await;
    let request = client.signed(
        &creds,
        "GET",
        "/20190206/accounts",
        None,
        std::time::SystemTime::now(),
    );
    let response = client.http.execute(request).await.unwrap();
    assert_eq!(response.status(), 200);
    let text = response.text().await.unwrap();
    assert!(serde_json::from_str::<Value>(&text).is_err(), "{text}");
    emu.shutdown().await;

    let emu = emulator(|o| o.faults = Some("cognito/throttle:1".into())).await;
    let client = Client::new(emu.endpoint()).await;
    let raw = client
        .http
        .post(format!("{}/", emu.endpoint()))
        .header(
            "x-amz-target",
            "AWSCognitoIdentityProviderService.InitiateAuth",
        )
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), 429);
    assert_eq!(
        raw.headers()["x-amzn-errortype"],
        "TooManyRequestsException"
    );
    emu.shutdown().await;

    let bad = stax_emulator::start(stax_emulator::EmulatorOptions {
        faults: Some("explode:0.5".into()),
        ..Default::default()
    })
    .await;
    assert!(matches!(bad, Err(stax_emulator::EmulatorError::Config(_))));
}
