//! The blocking client against the in-process emulator (feature `blocking`).
//!
//! The emulator runs on a runtime of its own in the background; the test thread itself has no
//! runtime, as in a plain synchronous program.

mod common;

use std::time::Duration;

use serde_json::Value;
use stax_emulator::EmulatorOptions;
use staxapp::blocking::StaxClient;
use staxapp::tasks::WaitOptions;
use staxapp::{AuthErrorKind, Error, args};

#[test]
fn blocking_client_has_the_same_names() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let emu = runtime.block_on(common::emulator(EmulatorOptions::default()));

    let client = StaxClient::new(common::config(&emu, "blocking")).unwrap();
    let all = client.call("accounts", "ReadAccounts", args! {}).unwrap();
    let expected = all["Accounts"].as_array().unwrap().clone();
    let one = client
        .service("accounts")
        .call(
            "ReadAccounts",
            args! {"account_id" => expected[0]["Id"].clone()},
        )
        .unwrap();
    assert_eq!(one["Accounts"][0]["Id"], expected[0]["Id"]);

    let items: Vec<Value> = client
        .items("accounts", "ReadAccounts", args! {}, 2, Some("Accounts"))
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(items, expected);
    let pages = client
        .pages("accounts", "ReadAccounts", args! {}, 2)
        .count();
    assert_eq!(pages, expected.len().div_ceil(2));

    let prepared = client
        .prepare("accounts", "ReadAccounts", args! {"filter" => "ACTIVE"})
        .unwrap();
    assert!(prepared.url().ends_with("/20190206/accounts?filter=ACTIVE"));
    let answer: serde_json::Value = client.send(&prepared).unwrap().json().unwrap();
    assert!(answer["Accounts"].is_array());
    assert!(client.document().unwrap().services().contains(&"tasks"));

    let err = client
        .wait_for_response(
            &serde_json::json!({}),
            WaitOptions::new().timeout(Duration::from_secs(1)),
        )
        .unwrap_err();
    assert!(err.to_string().contains("no TaskId"), "{err}");

    // Errors are the same typed errors.
    let bad = StaxClient::new(
        common::builder(&emu, "blocking-bad")
            .secret_key("wrong")
            .build()
            .unwrap(),
    )
    .unwrap();
    match bad.call("accounts", "ReadAccounts", args! {}) {
        Err(Error::Auth(e)) => assert_eq!(e.kind, AuthErrorKind::InvalidSecretKey),
        other => panic!("expected an auth error, got {other:?}"),
    }

    assert_eq!(common::stat(&emu, "/cognito/InitiateAuth"), 2);
    runtime.block_on(emu.shutdown());
}
