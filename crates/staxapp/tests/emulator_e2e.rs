//! End-to-end tests: the SDK against the real emulator, in process, over HTTP on loopback.
//! Every request is real: SRP sign-in, identity exchange, SigV4, routing from the served
//! document. The emulator's stats count what reached it.

mod common;

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use common::{builder, config, emulator, no_threshold, stat};
use futures::TryStreamExt;
use serde_json::Value;
use stax_emulator::EmulatorOptions;
use staxapp::auth::{CHECK_ACCESS_KEY, CHECK_SECRET_KEY, Credentials};
use staxapp::{AuthErrorKind, Error, SchemaSource, Session, StaxClient, ValidationError, args};

fn auth_kind(result: Result<Value, Error>) -> staxapp::AuthError {
    match result {
        Err(Error::Auth(e)) => e,
        other => panic!("expected an auth error, got {other:?}"),
    }
}

/// ReadAccounts works end to end, and signs in once for several calls.
#[tokio::test]
async fn read_accounts_end_to_end() {
    let emu = emulator(EmulatorOptions::default()).await;
    let client = StaxClient::new(config(&emu, "read")).unwrap();
    let all = client
        .call("accounts", "ReadAccounts", args! {})
        .await
        .unwrap();
    let accounts = all["Accounts"].as_array().expect("an Accounts list");
    assert!(!accounts.is_empty(), "{all}");

    // One account by id: the path variant with {account_id} is chosen.
    let id = accounts[0]["Id"].as_str().unwrap();
    let one = client
        .service("accounts")
        .call("ReadAccounts", args! {"account_id" => id})
        .await
        .unwrap();
    assert_eq!(one["Accounts"][0]["Id"], id, "{one}");

    assert_eq!(stat(&emu, "/cognito/InitiateAuth"), 1);
    assert_eq!(stat(&emu, "/cognito/GetCredentialsForIdentity"), 1);
    assert_eq!(stat(&emu, "/operations/accounts.ReadAccounts"), 2);
    assert_eq!(stat(&emu, "/rejected_signatures"), 0);
    emu.shutdown().await;
}

/// The same over HTTPS, trusting the emulator's certificate through `ca_bundle`.
#[tokio::test]
async fn read_accounts_over_tls_with_an_extra_ca() {
    let emu = emulator(EmulatorOptions {
        tls: true,
        ..EmulatorOptions::default()
    })
    .await;
    assert!(emu.endpoint().starts_with("https://"));
    let client = StaxClient::new(config(&emu, "tls")).unwrap();
    let all = client
        .call("accounts", "ReadAccounts", args! {})
        .await
        .unwrap();
    assert!(all["Accounts"].is_array(), "{all}");
    emu.shutdown().await;
}

/// `pages` follows `Paging.NextOffset`; `items` streams the same accounts as one big call.
#[tokio::test]
async fn paging_streams_every_account() {
    let emu = emulator(EmulatorOptions::default()).await;
    let client = StaxClient::new(config(&emu, "paging")).unwrap();
    let all = client
        .call("accounts", "ReadAccounts", args! {})
        .await
        .unwrap();
    let expected: Vec<Value> = all["Accounts"].as_array().unwrap().clone();
    assert!(expected.len() > 2, "the demo seed has several accounts");

    let pages: Vec<Value> = client
        .pages("accounts", "ReadAccounts", args! {}, 2)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), expected.len().div_ceil(2));
    assert!(pages.last().unwrap()["Paging"]["NextOffset"].is_null());

    let items: Vec<Value> = client
        .items("accounts", "ReadAccounts", args! {}, 2, None)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(items, expected);
    emu.shutdown().await;
}

/// `pages` and `items` read a page when it is needed and hold one at a time: nothing is sent
/// before the first page is asked for, the items of the first page come from one request,
/// the next item past it makes the second; the blocking iterators do the same.
#[tokio::test]
async fn walks_read_one_page_at_a_time() {
    use futures::StreamExt as _;
    let emu = emulator(EmulatorOptions {
        seed_accounts: 40,
        ..Default::default()
    })
    .await;
    let client = StaxClient::new(config(&emu, "lazy")).unwrap();
    client
        .call("accounts", "ReadAccounts", args! {"limit" => 1})
        .await
        .unwrap();
    let reads = || stat(&emu, "/operations/accounts.ReadAccounts");
    let before = reads();
    let mut items = client.items("accounts", "ReadAccounts", args! {}, 10, None);
    assert_eq!(
        reads(),
        before,
        "nothing is sent before an item is asked for"
    );
    for _ in 0..10 {
        items.next().await.unwrap().unwrap();
    }
    assert_eq!(
        reads(),
        before + 1,
        "the first page's ten items, one request"
    );
    items.next().await.unwrap().unwrap();
    assert_eq!(
        reads(),
        before + 2,
        "the eleventh item is the second page's"
    );
    drop(items);
    let mut pages = client.pages("accounts", "ReadAccounts", args! {}, 10);
    let first = pages.next().await.unwrap().unwrap();
    assert_eq!(first["Accounts"].as_array().unwrap().len(), 10);
    assert_eq!(reads(), before + 3, "one page, not the five of the list");
    drop(pages);

    let blocking_config = config(&emu, "lazy-blocking");
    let read = tokio::task::spawn_blocking(move || {
        let blocking = staxapp::blocking::StaxClient::new(blocking_config).unwrap();
        let mut items = blocking.items("accounts", "ReadAccounts", args! {}, 10, None);
        items.next().unwrap().unwrap();
        let mut pages = blocking.pages("accounts", "ReadAccounts", args! {}, 10);
        pages.next().unwrap().unwrap();
    });
    read.await.unwrap();
    assert_eq!(reads(), before + 5, "one page each");
    emu.shutdown().await;
}

/// A walk cut at `max_items` says where the rest starts, to the item; items read from every
/// point of a page resume without a gap or a repeat; a token of another operation is refused.
#[tokio::test]
async fn walks_resume_at_their_tokens() {
    use futures::StreamExt as _;
    use staxapp::paging::PageOptions;
    let emu = emulator(EmulatorOptions::default()).await;
    let client = StaxClient::new(config(&emu, "resume")).unwrap();
    let ids = |items: &[Value]| -> Vec<String> {
        items
            .iter()
            .map(|a| a["Id"].as_str().unwrap().to_owned())
            .collect()
    };
    let all: Vec<Value> = client
        .items("accounts", "ReadAccounts", args! {}, 100, None)
        .try_collect()
        .await
        .unwrap();
    let all = ids(&all);
    assert!(all.len() > 4);

    // Cut at 3 of pages of 2: two pages, the second cut to one item.
    let mut pages = client.pages(
        "accounts",
        "ReadAccounts",
        args! {},
        PageOptions::new(2).max_items(3),
    );
    let mut first: Vec<Value> = Vec::new();
    while let Some(page) = pages.next().await {
        first.extend(page.unwrap()["Accounts"].as_array().unwrap().clone());
    }
    assert_eq!(ids(&first), all[..3]);
    let token = pages.next_token().expect("more remain").to_owned();

    // Stopping anywhere in a page: next_token is exact to the item.
    for stop in 0..all.len() {
        let mut items = client.items(
            "accounts",
            "ReadAccounts",
            args! {},
            PageOptions::new(4).starting_token(token.clone()),
            None,
        );
        let mut seen = Vec::new();
        for _ in 0..stop {
            match items.next().await {
                Some(item) => seen.push(item.unwrap()),
                None => break,
            }
        }
        let rest: Vec<Value> = match items.next_token() {
            Some(next) => client
                .items(
                    "accounts",
                    "ReadAccounts",
                    args! {},
                    PageOptions::new(3).starting_token(next),
                    None,
                )
                .try_collect()
                .await
                .unwrap(),
            None if seen.is_empty() => client
                .items(
                    "accounts",
                    "ReadAccounts",
                    args! {},
                    PageOptions::new(3).starting_token(token.clone()),
                    None,
                )
                .try_collect()
                .await
                .unwrap(),
            None => Vec::new(),
        };
        seen.extend(rest);
        assert_eq!(ids(&seen), all[3..], "stopped after {stop}");
    }

    // The token belongs to ReadAccounts without arguments.
    for (operation, arguments) in [
        ("ReadAccountTypes", args! {}),
        ("ReadAccounts", args! {"filter" => "ACTIVE"}),
    ] {
        let err = client
            .items(
                "accounts",
                operation,
                arguments,
                PageOptions::new(2).starting_token(token.clone()),
                None,
            )
            .try_collect::<Vec<Value>>()
            .await
            .unwrap_err();
        assert!(err.to_string().contains("starting_token"), "{err}");
    }

    // The blocking client says the same.
    let blocking_config = config(&emu, "resume-blocking");
    let (count, token) = tokio::task::spawn_blocking(move || {
        let blocking = staxapp::blocking::StaxClient::new(blocking_config).unwrap();
        let mut items = blocking.items(
            "accounts",
            "ReadAccounts",
            args! {},
            PageOptions::new(2).max_items(3),
            None,
        );
        let count = items
            .by_ref()
            .inspect(|i| assert!(i.is_ok(), "{i:?}"))
            .count();
        (count, items.next_token().map(str::to_owned))
    })
    .await
    .unwrap();
    assert_eq!((count, token.is_some()), (3, true));
    emu.shutdown().await;
}

/// A wrong secret key: Cognito's NotAuthorizedException with the A4 guidance.
#[tokio::test]
async fn wrong_secret_key_is_reported_with_guidance() {
    let emu = emulator(EmulatorOptions::default()).await;
    let config = builder(&emu, "wrong-secret")
        .secret_key("not-the-secret")
        .build()
        .unwrap();
    let client = StaxClient::new(config).unwrap();
    let e = auth_kind(client.call("accounts", "ReadAccounts", args! {}).await);
    assert_eq!(e.kind, AuthErrorKind::InvalidSecretKey, "{e}");
    assert_eq!(e.detail, CHECK_SECRET_KEY);
    assert!(e.message.contains("NotAuthorizedException"), "{e}");
    assert!(!e.to_string().contains("not-the-secret"), "{e}");
    emu.shutdown().await;
}

/// An access key Cognito does not know: UserNotFoundException with the A4 guidance.
#[tokio::test]
async fn unknown_access_key_is_reported_with_guidance() {
    let emu = emulator(EmulatorOptions::default()).await;
    let config = builder(&emu, "unknown-key")
        .access_key("AKIA-NOBODY")
        .build()
        .unwrap();
    let client = StaxClient::new(config).unwrap();
    let e = auth_kind(client.call("accounts", "ReadAccounts", args! {}).await);
    assert_eq!(e.kind, AuthErrorKind::UnknownAccessKey, "{e}");
    assert_eq!(e.detail, CHECK_ACCESS_KEY);
    emu.shutdown().await;
}

/// No keys at all: refused before any network call, naming the variables.
#[tokio::test]
async fn missing_keys_fail_before_any_request() {
    let emu = emulator(EmulatorOptions::default()).await;
    let config = staxapp::Config::builder_without_env()
        .emulator_endpoint(emu.endpoint())
        .cache_dir(common::temp_dir("no-keys"))
        .build()
        .unwrap();
    let client = StaxClient::new(config).unwrap();
    let e = auth_kind(client.call("accounts", "ReadAccounts", args! {}).await);
    assert_eq!(e.kind, AuthErrorKind::MissingAccessKey);
    assert!(e.to_string().contains("STAX_ACCESS_KEY"), "{e}");
    assert_eq!(stat(&emu, "/cognito/InitiateAuth"), 0);
    emu.shutdown().await;
}

/// 200 concurrent calls with cold credentials: exactly one sign-in reaches Cognito.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_cold_calls_sign_in_once() {
    let emu = emulator(EmulatorOptions::default()).await;
    let client = StaxClient::new(config(&emu, "concurrent")).unwrap();
    let calls: Vec<_> = (0..200)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                client
                    .call("accounts", "ReadAccounts", args! {"filter" => "ACTIVE"})
                    .await
            })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    assert_eq!(stat(&emu, "/cognito/InitiateAuth"), 1);
    assert_eq!(stat(&emu, "/cognito/RespondToAuthChallenge"), 1);
    assert_eq!(stat(&emu, "/cognito/GetId"), 1);
    assert_eq!(stat(&emu, "/cognito/GetCredentialsForIdentity"), 1);
    assert_eq!(stat(&emu, "/operations/accounts.ReadAccounts"), 200);
    assert_eq!(client.session().credential_cache().sign_ins(), 1);
    emu.shutdown().await;
}

/// Two clients of one config share a session: one sign-in, one document.
#[tokio::test]
async fn clients_of_one_config_share_a_session() {
    let emu = emulator(EmulatorOptions::default()).await;
    let config = config(&emu, "shared");
    let a = StaxClient::new(config.clone()).unwrap();
    let b = StaxClient::new(config).unwrap();
    assert!(a.session().same_as(b.session()));
    a.call("accounts", "ReadAccounts", args! {}).await.unwrap();
    b.call("accounts", "ReadAccounts", args! {}).await.unwrap();
    assert_eq!(stat(&emu, "/cognito/InitiateAuth"), 1);
    emu.shutdown().await;
}

/// Short-lived credentials (2 s, no threshold): calls across several expiries all succeed and
/// sign in again once per expiry.
#[tokio::test]
async fn expiring_credentials_are_refreshed_once_per_expiry() {
    let emu = emulator(EmulatorOptions {
        credential_ttl: Duration::from_secs(2),
        ..EmulatorOptions::default()
    })
    .await;
    let config = builder(&emu, "expiry")
        .auth_retry(no_threshold())
        .build()
        .unwrap();
    let client = StaxClient::new(config).unwrap();
    let rounds = 3;
    for round in 1..=rounds {
        for _ in 0..3 {
            client
                .call("accounts", "ReadAccounts", args! {})
                .await
                .unwrap();
        }
        assert_eq!(stat(&emu, "/cognito/InitiateAuth"), round);
        if round < rounds {
            // Wait (not a timed assertion) until the credentials have expired.
            let creds = client.session().credentials().await.unwrap();
            let left = creds
                .expiration()
                .duration_since(SystemTime::now())
                .unwrap_or_default();
            tokio::time::sleep(left + Duration::from_millis(50)).await;
        }
    }
    emu.shutdown().await;
}

/// A request that meets 403 "security token ... expired" refreshes the credentials once and
/// is retried once. The cache is handed credentials that the client believes fresh but the
/// emulator has already expired.
#[tokio::test]
async fn expired_token_answer_refreshes_and_retries_once() {
    let emu = emulator(EmulatorOptions {
        credential_ttl: Duration::from_secs(1),
        ..EmulatorOptions::default()
    })
    .await;
    let client = StaxClient::new(config(&emu, "expired-403")).unwrap();
    // Sign in: with the default 60 s threshold these 1 s credentials are never "fresh", so
    // take them from the cache's sign-in directly.
    client
        .call("accounts", "ReadAccounts", args! {})
        .await
        .unwrap();
    let stale = client.session().credentials().await.unwrap();
    let signed_in = stat(&emu, "/cognito/InitiateAuth");
    // Wait until the emulator considers them expired.
    let left = stale
        .expiration()
        .duration_since(SystemTime::now())
        .unwrap_or_default();
    tokio::time::sleep(left + Duration::from_millis(50)).await;
    // The client is told they are good for another hour.
    client.session().credential_cache().insert(Credentials::new(
        stale.access_key_id(),
        stale.secret_access_key().clone(),
        stale.session_token().clone(),
        SystemTime::now() + Duration::from_secs(3600),
    ));
    let rejected = stat(&emu, "/rejected_signatures");
    let answer = client
        .call("accounts", "ReadAccounts", args! {})
        .await
        .unwrap();
    assert!(answer["Accounts"].is_array());
    assert_eq!(stat(&emu, "/rejected_signatures"), rejected + 1);
    assert_eq!(stat(&emu, "/cognito/InitiateAuth"), signed_in + 1);
    emu.shutdown().await;
}

/// A 502 is retried for GET (max_attempts 5: the first request and five retries, as
/// staxapp's `Retry(total=5)`) and not for POST (PARITY.md C4).
#[tokio::test]
async fn get_is_retried_on_502_and_post_is_not() {
    let Some(reference) = common::reference_document() else {
        return;
    };
    let emu = emulator(EmulatorOptions {
        faults: Some("status=502:1.0".into()),
        fault_seed: 7,
        ..EmulatorOptions::default()
    })
    .await;
    // The reference document has a POST to route (the emulator answers with the fault before
    // routing).
    let config = builder(&emu, "faults")
        .schema(SchemaSource::File(reference))
        .build()
        .unwrap();
    let client = StaxClient::new(config).unwrap();
    let err = client
        .call("accounts", "ReadAccounts", args! {})
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(502), "{err}");
    assert_eq!(stat(&emu, "/faults_injected"), 6);

    let err = client
        .call(
            "accounts",
            "CreateAccount",
            args! {"Name" => "bakery", "AccountType" => "development"},
        )
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(502), "{err}");
    assert_eq!(stat(&emu, "/faults_injected"), 7);
    emu.shutdown().await;
}

/// Throttling (429 with Retry-After) is waited out and retried.
#[tokio::test]
async fn throttled_gets_are_retried_after_the_servers_delay() {
    let emu = emulator(EmulatorOptions {
        faults: Some("throttle:0.5".into()),
        fault_seed: 3,
        ..EmulatorOptions::default()
    })
    .await;
    let config = builder(&emu, "throttle")
        .api_retry(staxapp::ApiRetryConfig {
            max_attempts: 10,
            max_backoff: Duration::from_millis(10),
            ..staxapp::ApiRetryConfig::default()
        })
        .build()
        .unwrap();
    let client = StaxClient::new(config).unwrap();
    for _ in 0..5 {
        client
            .call("accounts", "ReadAccounts", args! {})
            .await
            .unwrap();
    }
    assert!(stat(&emu, "/faults_injected") > 0);
    emu.shutdown().await;
}

/// Routing and validation errors come from the served document, before any signed request.
#[tokio::test]
async fn bad_names_and_missing_parameters_are_validation_errors() {
    let emu = emulator(EmulatorOptions::default()).await;
    let client = StaxClient::new(config(&emu, "validation")).unwrap();
    let err = client
        .call("acounts", "ReadAccounts", args! {})
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Validation(v) if matches!(**v, ValidationError::NoSuchService { .. })),
        "{err}"
    );
    assert!(err.to_string().contains("Did you mean 'accounts'"), "{err}");
    let err = client
        .call("tasks", "ReadTask", args! {})
        .await
        .unwrap_err();
    assert!(err.to_string().contains("task_id"), "{err}");
    let err = client
        .call("accounts", "ReadAccounts", Value::from(3))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("JSON object"), "{err}");
    assert_eq!(stat(&emu, "/cognito/InitiateAuth"), 0);
    emu.shutdown().await;
}

/// `prepare` routes without credentials or sending (the CLI's `--dry-run`).
#[tokio::test]
async fn prepare_sends_nothing() {
    let emu = emulator(EmulatorOptions::default()).await;
    let client = StaxClient::new(config(&emu, "prepare")).unwrap();
    let prepared = client
        .prepare(
            "accounts",
            "ReadAccounts",
            args! {"account_id" => "a b/c", "include_tags" => true},
        )
        .await
        .unwrap();
    assert_eq!(prepared.method(), http::Method::GET);
    assert_eq!(prepared.path(), "/20190206/accounts/a%20b%2Fc");
    assert_eq!(
        prepared.url(),
        format!(
            "{}/20190206/accounts/a%20b%2Fc?include_tags=true",
            emu.endpoint()
        )
    );
    assert_eq!(stat(&emu, "/cognito/InitiateAuth"), 0);
    assert_eq!(stat(&emu, "/operations/accounts.ReadAccounts"), 0);
    emu.shutdown().await;
}

/// The live document is cached on disk: a new session within the TTL reads no document from
/// the network; a corrupt cache file is ignored and replaced.
#[tokio::test]
async fn the_live_document_is_cached_on_disk() {
    let emu = emulator(EmulatorOptions::default()).await;
    let config = config(&emu, "doc-cache");
    let first = Session::new(config.clone()).unwrap();
    let doc = first.document().await.unwrap();
    assert!(doc.services().contains(&"accounts"));
    let requests = stat(&emu, "/requests");

    let second = Session::new(config.clone()).unwrap();
    second.document().await.unwrap();
    assert_eq!(stat(&emu, "/requests"), requests, "served from the cache");

    let cache = staxapp::cache::DocumentCache::new(&config.cache_dir().unwrap(), config.base_url());
    std::fs::write(cache.path(), b"{ truncated").unwrap();
    let third = Session::new(config).unwrap();
    third.document().await.unwrap();
    assert_eq!(stat(&emu, "/requests"), requests + 1, "refetched once");
    assert!(cache.load().is_some(), "the corrupt entry was replaced");
    emu.shutdown().await;
}

/// The task waiter reads `tasks.ReadTask` until a final state; an unknown task is an API
/// error with the server's words.
#[tokio::test]
async fn waiting_for_an_unknown_task_is_an_api_error() {
    let emu = emulator(EmulatorOptions::default()).await;
    let client = StaxClient::new(config(&emu, "tasks")).unwrap();
    let polls = Arc::new(std::sync::atomic::AtomicU32::new(0));
    let seen = polls.clone();
    let options = staxapp::tasks::WaitOptions::new()
        .timeout(Duration::from_secs(5))
        .initial_interval(Duration::from_millis(10))
        .on_progress(move |_| {
            seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        });
    let err = client
        .wait_for_task("7c4b0b5f-6b5e-4d3c-9b34-1d9a0e1f2a3b", options.clone())
        .await
        .unwrap_err();
    assert!(matches!(err.status(), Some(400 | 404)), "{err}");
    let err = client
        .wait_for_response(&serde_json::json!({"Accounts": []}), options)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("no TaskId"), "{err}");
    emu.shutdown().await;
}

/// A dropped connection is retried for GET, like a read error in the Python SDK, and not for
/// POST (the request may have been acted on).
#[tokio::test]
async fn dropped_connections_are_retried_for_get_only() {
    let Some(reference) = common::reference_document() else {
        return;
    };
    let emu = emulator(EmulatorOptions {
        faults: Some("drop:1.0".into()),
        ..EmulatorOptions::default()
    })
    .await;
    let config = builder(&emu, "drop")
        .schema(SchemaSource::File(reference))
        .build()
        .unwrap();
    let client = StaxClient::new(config).unwrap();
    let err = client
        .call("accounts", "ReadAccounts", args! {})
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err}");
    assert!(err.to_string().contains("after 6 attempt(s)"), "{err}");
    assert_eq!(stat(&emu, "/faults_injected"), 6);
    let err = client
        .call(
            "accounts",
            "CreateAccount",
            args! {"Name" => "bakery", "AccountType" => "development"},
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("after 1 attempt(s)"), "{err}");
    assert!(err.to_string().contains("may have been processed"), "{err}");
    assert_eq!(stat(&emu, "/faults_injected"), 7);
    emu.shutdown().await;
}

/// A 200 whose body is not JSON is a transport error naming the status and the first bytes.
#[tokio::test]
async fn a_malformed_answer_is_a_transport_error() {
    let emu = emulator(EmulatorOptions {
        faults: Some("malformed:1.0".into()),
        ..EmulatorOptions::default()
    })
    .await;
    let client = StaxClient::new(config(&emu, "malformed")).unwrap();
    let err = client
        .call("accounts", "ReadAccounts", args! {})
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, Error::Transport { .. }), "{text}");
    assert!(
        text.contains("accounts.ReadAccounts answered 200"),
        "{text}"
    );
    assert!(text.contains("malformed"), "{text}");
    emu.shutdown().await;
}

/// The task waiter follows a real task to SUCCEEDED (create an account, then close it) and
/// reports FAILED with the task's logs (closing it again).
#[tokio::test]
async fn tasks_are_waited_for_until_they_end() {
    let emu = emulator(EmulatorOptions {
        task_delay: Duration::from_millis(300),
        ..EmulatorOptions::default()
    })
    .await;
    let client = StaxClient::new(config(&emu, "task-wait")).unwrap();
    let types = client
        .call("accounts", "ReadAccountTypes", args! {})
        .await
        .unwrap();
    let account_type = types["AccountTypes"][0]["Name"].clone();
    assert!(account_type.is_string(), "{types}");

    let statuses = Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = statuses.clone();
    let options = staxapp::tasks::WaitOptions::new()
        .timeout(Duration::from_secs(30))
        .initial_interval(Duration::from_millis(50))
        .max_interval(Duration::from_millis(200))
        .on_progress(move |p| seen.lock().unwrap().push(p.status.clone()));

    let created = client
        .call(
            "accounts",
            "CreateAccount",
            args! {"Name" => "e2e-waiter", "AccountType" => account_type},
        )
        .await
        .unwrap();
    let task = client
        .wait_for_response(&created, options.clone())
        .await
        .unwrap();
    assert_eq!(task["Status"], "SUCCEEDED", "{task}");
    let account_id = task["Accounts"][0]
        .as_str()
        .expect("the new account's id")
        .to_owned();
    {
        let statuses = statuses.lock().unwrap();
        assert_eq!(statuses.last().map(String::as_str), Some("SUCCEEDED"));
        assert!(
            statuses.len() >= 2,
            "polled while the task ran: {statuses:?}"
        );
    }

    let closing = client
        .call(
            "accounts",
            "CloseAccount",
            args! {"Id" => account_id.clone()},
        )
        .await
        .unwrap();
    client
        .wait_for_response(&closing, options.clone())
        .await
        .unwrap();
    let again = client
        .call("accounts", "CloseAccount", args! {"Id" => account_id})
        .await
        .unwrap();
    let err = client.wait_for_response(&again, options).await.unwrap_err();
    match &err {
        Error::Task(t) => match &**t {
            staxapp::TaskError::Failed { logs, task, .. } => {
                assert!(
                    logs.iter().any(|l| l.contains("already CLOSED")),
                    "{logs:?}"
                );
                assert_eq!(task["Status"], "FAILED");
            }
            other => panic!("expected Failed, got {other:?}"),
        },
        other => panic!("expected a task error, got {other:?}"),
    }
    assert!(err.to_string().contains("FAILED"), "{err}");

    // A task that outlives the timeout.
    let slow = emulator(EmulatorOptions {
        task_delay: Duration::from_secs(600),
        ..EmulatorOptions::default()
    })
    .await;
    let slow_client = StaxClient::new(config(&slow, "task-timeout")).unwrap();
    let created = slow_client
        .call(
            "accounts",
            "CreateAccount",
            args! {"Name" => "e2e-slow", "AccountType" => types["AccountTypes"][0]["Name"].clone()},
        )
        .await
        .unwrap();
    let err = slow_client
        .wait_for_response(
            &created,
            staxapp::tasks::WaitOptions::new()
                .timeout(Duration::from_millis(200))
                .initial_interval(Duration::from_millis(50)),
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("raise the timeout"), "{err}");
    slow.shutdown().await;
    emu.shutdown().await;
}

/// Throttled Cognito calls are retried (up to the auth `max_attempts`): sign-in still works.
#[tokio::test]
async fn throttled_cognito_calls_are_retried() {
    let emu = emulator(EmulatorOptions {
        faults: Some("cognito/throttle:0.4".into()),
        fault_seed: 11,
        ..EmulatorOptions::default()
    })
    .await;
    let config = builder(&emu, "cognito-throttle")
        .auth_retry(staxapp::AuthRetryConfig {
            max_attempts: 10,
            ..staxapp::AuthRetryConfig::default()
        })
        .build()
        .unwrap();
    let client = StaxClient::new(config).unwrap();
    client
        .call("accounts", "ReadAccounts", args! {})
        .await
        .unwrap();
    assert!(stat(&emu, "/faults_injected") > 0, "{}", emu.stats());
    assert_eq!(client.session().credential_cache().sign_ins(), 1);
    emu.shutdown().await;
}

/// A fresh ID token the identity pool cannot verify yet ("Couldn't verify signed token") is
/// retried (PARITY.md A6); the sign-in succeeds once it verifies.
#[tokio::test]
async fn unverified_fresh_tokens_are_retried_at_the_identity_pool() {
    let emu = emulator(EmulatorOptions {
        faults: Some("cognito/unverified-token:0.5".into()),
        fault_seed: 3,
        ..EmulatorOptions::default()
    })
    .await;
    let client = StaxClient::new(config(&emu, "unverified-token")).unwrap();
    client
        .call("accounts", "ReadAccounts", args! {})
        .await
        .unwrap();
    // Refused calls never reach the handlers, so the stats count them as faults only.
    assert!(
        stat(&emu, "/faults_injected") > 0,
        "the seed must hit: {}",
        emu.stats()
    );
    assert_eq!(stat(&emu, "/cognito/GetCredentialsForIdentity"), 1);
    // The same ID token is retried: no second SRP sign-in.
    assert_eq!(stat(&emu, "/cognito/InitiateAuth"), 1);
    emu.shutdown().await;
}

/// When the identity pool never verifies the token, sign-in stops after `max_attempts` with
/// the Python SDK's "Retries Exceeded".
#[tokio::test]
async fn a_token_that_never_verifies_exceeds_the_retries() {
    let emu = emulator(EmulatorOptions {
        faults: Some("cognito/unverified-token:1".into()),
        ..EmulatorOptions::default()
    })
    .await;
    let config = builder(&emu, "never-verified")
        .auth_retry(staxapp::AuthRetryConfig {
            max_attempts: 3,
            ..staxapp::AuthRetryConfig::default()
        })
        .build()
        .unwrap();
    let client = StaxClient::new(config).unwrap();
    let err = auth_kind(client.call("accounts", "ReadAccounts", args! {}).await);
    assert_eq!(err.kind, AuthErrorKind::RetriesExceeded, "{err}");
    assert!(err.to_string().contains("Retries Exceeded"), "{err}");
    // Three GetId attempts, each refused before its handler.
    assert_eq!(stat(&emu, "/faults_injected"), 3, "{}", emu.stats());
    assert_eq!(stat(&emu, "/cognito/GetId"), 0, "{}", emu.stats());
    emu.shutdown().await;
}

/// Sessions with one credential store: the second signs in through the first's entry, with
/// no Cognito call and no public config request; a refused entry is replaced once.
#[tokio::test]
async fn sessions_share_credentials_through_a_store() {
    use staxapp::auth::store::FileCredentialStore;
    let emu = emulator(EmulatorOptions::default()).await;
    let store = Arc::new(FileCredentialStore::new(
        common::temp_dir("store").join("credentials"),
    ));
    let session = || Session::with_credential_store(config(&emu, "store-doc"), store.clone());
    let first = StaxClient::with_session(session().unwrap());
    assert!(first.session().credential_store().is_some());
    first
        .call("accounts", "ReadAccounts", args! {})
        .await
        .unwrap();
    assert_eq!(stat(&emu, "/cognito/InitiateAuth"), 1);
    let second = StaxClient::with_session(session().unwrap());
    second
        .call("accounts", "ReadAccounts", args! {})
        .await
        .unwrap();
    assert_eq!(stat(&emu, "/cognito/InitiateAuth"), 1);
    assert_eq!(stat(&emu, "/operations/public.ReadConfig"), 1);
    // The API refuses what is stored: a third session signs in once and replaces the entry.
    emu.expire_credentials().unwrap();
    let third = StaxClient::with_session(session().unwrap());
    third
        .call("accounts", "ReadAccounts", args! {})
        .await
        .unwrap();
    assert_eq!(stat(&emu, "/cognito/InitiateAuth"), 2);
    assert_eq!(stat(&emu, "/rejected_signatures"), 1);
    let fourth = StaxClient::with_session(session().unwrap());
    fourth
        .call("accounts", "ReadAccounts", args! {})
        .await
        .unwrap();
    assert_eq!(stat(&emu, "/cognito/InitiateAuth"), 2);
    // Another secret key finds nothing in the store: its own sign-in, refused.
    let wrong = Session::with_credential_store(
        common::builder(&emu, "store-doc")
            .secret_key("not-the-secret")
            .build()
            .unwrap(),
        store.clone(),
    )
    .unwrap();
    let e = auth_kind(
        StaxClient::with_session(wrong)
            .call("accounts", "ReadAccounts", args! {})
            .await,
    );
    assert_eq!(e.kind, AuthErrorKind::InvalidSecretKey);
    std::fs::remove_dir_all(store.dir().parent().unwrap()).ok();
    emu.shutdown().await;
}

/// Sessions of their own (as processes would be) started together on one empty store sign
/// in once: the first takes the key's lock, the others wait for it and read its entry.
#[tokio::test]
async fn sessions_started_together_on_an_empty_store_sign_in_once() {
    use staxapp::auth::store::FileCredentialStore;
    let emu = emulator(EmulatorOptions::default()).await;
    let store = Arc::new(FileCredentialStore::new(
        common::temp_dir("store-together").join("credentials"),
    ));
    let calls = (0..8).map(|_| {
        let session =
            Session::with_credential_store(config(&emu, "store-together"), store.clone()).unwrap();
        async move {
            StaxClient::with_session(session)
                .call("accounts", "ReadAccounts", args! {})
                .await
        }
    });
    for answer in futures::future::join_all(calls).await {
        assert!(answer.unwrap()["Accounts"].is_array());
    }
    assert_eq!(stat(&emu, "/cognito/InitiateAuth"), 1, "{}", emu.stats());
    assert_eq!(stat(&emu, "/operations/accounts.ReadAccounts"), 8);
    std::fs::remove_dir_all(store.dir().parent().unwrap()).ok();
    emu.shutdown().await;
}

/// An entry under the right key whose pools are not those the installation serves (which
/// this process knows) is not used: the session signs in at the installation's pools, the
/// entry's credentials are never sent, and the entry is replaced.
#[tokio::test]
async fn a_stored_entry_of_other_pools_is_not_used() {
    use staxapp::auth::store::{CredentialKey, FileCredentialStore, StoredCredentials};
    let emu = emulator(EmulatorOptions::default()).await;
    let store = Arc::new(FileCredentialStore::new(
        common::temp_dir("store-pools").join("credentials"),
    ));
    // The process learns the installation's pools: a client without the store signs in.
    let plain = StaxClient::new(config(&emu, "store-pools")).unwrap();
    plain
        .call("accounts", "ReadAccounts", args! {})
        .await
        .unwrap();
    let pools = plain.session().api_auth().await.unwrap();
    let config = config(&emu, "store-pools");
    let key = CredentialKey::new(
        config.base_url(),
        config.access_key().unwrap(),
        config.secret_key().unwrap().expose(),
    );
    let mut other = (*pools).clone();
    other.user_pool_id = "ap-southeast-2_Other".into();
    other.client_id = "other-client".into();
    let foreign = StoredCredentials::new(
        Credentials::new(
            "ASIAFOREIGN",
            "secret",
            "token",
            SystemTime::now() + Duration::from_secs(3600),
        ),
        Some(other),
    );
    store.store_now(&key, &foreign).unwrap();
    let session = Session::with_credential_store(config, store.clone()).unwrap();
    StaxClient::with_session(session)
        .call("accounts", "ReadAccounts", args! {})
        .await
        .unwrap();
    assert_eq!(stat(&emu, "/cognito/InitiateAuth"), 2);
    assert_eq!(
        stat(&emu, "/rejected_signatures"),
        0,
        "the entry's credentials were never sent"
    );
    let replaced = store.load_now(&key).unwrap().unwrap();
    assert_eq!(replaced.api_auth.as_ref(), Some(&*pools));
    std::fs::remove_dir_all(store.dir().parent().unwrap()).ok();
    emu.shutdown().await;
}

/// A store that fails at everything costs a sign-in, never the call.
#[tokio::test]
async fn a_failing_store_never_fails_a_call() {
    use futures::future::BoxFuture;
    use staxapp::auth::store::{CredentialKey, CredentialStore, StoreResult, StoredCredentials};

    #[derive(Debug)]
    struct Broken;
    impl CredentialStore for Broken {
        fn load<'a>(
            &'a self,
            _: &'a CredentialKey,
        ) -> BoxFuture<'a, StoreResult<Option<StoredCredentials>>> {
            Box::pin(async { Err("the store is down".into()) })
        }
        fn store<'a>(
            &'a self,
            _: &'a CredentialKey,
            _: &'a StoredCredentials,
        ) -> BoxFuture<'a, StoreResult<()>> {
            Box::pin(async { Err("the store is down".into()) })
        }
        fn remove<'a>(&'a self, _: &'a CredentialKey) -> BoxFuture<'a, StoreResult<()>> {
            Box::pin(async { Err("the store is down".into()) })
        }
    }

    let emu = emulator(EmulatorOptions::default()).await;
    let session = Session::with_credential_store(config(&emu, "broken"), Arc::new(Broken));
    let client = StaxClient::with_session(session.unwrap());
    for _ in 0..2 {
        client
            .call("accounts", "ReadAccounts", args! {})
            .await
            .unwrap();
    }
    assert_eq!(stat(&emu, "/cognito/InitiateAuth"), 1);
    emu.expire_credentials().unwrap();
    client
        .call("accounts", "ReadAccounts", args! {})
        .await
        .unwrap();
    assert_eq!(stat(&emu, "/cognito/InitiateAuth"), 2);
    emu.shutdown().await;
}
