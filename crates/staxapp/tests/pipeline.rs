//! The request pipeline's extension points against the emulator: interceptors (a header the
//! emulator counts, every retry attempt seen), the attempt and operation timeouts, the retry
//! quota (counted with the emulator's stats) and request ids on errors.

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{builder, emulator, stat};
use stax_emulator::EmulatorOptions;
use staxapp::interceptor::{Attempt, CallInfo, CallOutcome, HookResult, Interceptor};
use staxapp::transport::OutcomeClass;
use staxapp::{Call, Error, StaxClient, args};

async fn faulty(spec: &str, seed: u64) -> stax_emulator::RunningEmulator {
    emulator(EmulatorOptions {
        faults: Some(spec.into()),
        fault_seed: seed,
        ..EmulatorOptions::default()
    })
    .await
}

/// What an interceptor saw of one attempt.
#[derive(Debug, Clone, PartialEq)]
struct Seen {
    operation: String,
    attempt: u32,
    status: Option<u16>,
    class: OutcomeClass,
    request_id: Option<String>,
    retry: bool,
}

/// Tags each API request's `User-Agent` and records every attempt and every call's end.
#[derive(Default)]
struct Recorder {
    attempts: Mutex<Vec<Seen>>,
    calls: Mutex<Vec<(String, u32)>>,
}

const TAG: &str = "pipeline-test-interceptor/1.0";

impl Interceptor for Recorder {
    fn before_signing(
        &self,
        call: &CallInfo<'_>,
        _: u32,
        request: &mut http::Request<Vec<u8>>,
    ) -> HookResult {
        if call.operation.starts_with("accounts.") {
            request
                .headers_mut()
                .insert(http::header::USER_AGENT, TAG.parse()?);
        }
        Ok(())
    }

    fn after_attempt(&self, attempt: &Attempt<'_>) -> HookResult {
        let response = attempt.response();
        self.attempts.lock().unwrap().push(Seen {
            operation: attempt.call.operation.to_owned(),
            attempt: attempt.attempt,
            status: response.map(|r| r.status),
            class: attempt.class.clone(),
            request_id: response.and_then(|r| r.request_id()).map(str::to_owned),
            retry: attempt.will_retry(),
        });
        Ok(())
    }

    fn after_call(&self, call: &CallInfo<'_>, outcome: &CallOutcome<'_>) -> HookResult {
        self.calls
            .lock()
            .unwrap()
            .push((call.operation.to_owned(), outcome.attempts));
        Ok(())
    }
}

impl Recorder {
    fn attempts_of(&self, operation: &str) -> Vec<Seen> {
        let all = self.attempts.lock().unwrap();
        all.iter()
            .filter(|s| s.operation == operation)
            .cloned()
            .collect()
    }
}

/// An interceptor changes every attempt before it is signed (the emulator counts its
/// `User-Agent`, and the changed request still passes the SigV4 check) and sees each retry.
#[tokio::test]
async fn interceptors_change_requests_and_see_every_attempt() {
    let emu = faulty("status=500:0.5", 11).await;
    let recorder = Arc::new(Recorder::default());
    let client = StaxClient::new(common::config(&emu, "intercept"))
        .unwrap()
        .with_interceptor(recorder.clone());
    for _ in 0..4 {
        client
            .call("accounts", "ReadAccounts", args! {})
            .await
            .unwrap();
    }
    let seen = recorder.attempts_of("accounts.ReadAccounts");
    let failed = seen.iter().filter(|s| s.status == Some(500)).count();
    assert!(failed > 0, "the seed must hit: {seen:?}");
    assert_eq!(seen.len(), 4 + failed, "{seen:?}");
    assert!(
        seen.iter()
            .all(|s| s.retry == (s.status == Some(500)) && s.request_id.is_some()),
        "{seen:?}"
    );
    // Every attempt reached the emulator with the interceptor's User-Agent, signed.
    let agents = emu.stats()["user_agents"].clone();
    assert_eq!(agents[TAG], seen.len() as u64, "{agents}");
    assert_eq!(stat(&emu, "/rejected_signatures"), 0);
    assert_eq!(stat(&emu, "/faults_injected"), failed as u64);
    // One end per call, with its number of attempts.
    let calls = recorder.calls.lock().unwrap().clone();
    let reads: Vec<u32> = calls
        .iter()
        .filter(|(op, _)| op == "accounts.ReadAccounts")
        .map(|(_, n)| *n)
        .collect();
    assert_eq!(reads.iter().sum::<u32>() as usize, seen.len(), "{calls:?}");
    // Other clients of the session are not intercepted.
    let other = StaxClient::with_session(client.session().clone());
    let before = seen.len();
    let _ = other.call("accounts", "ReadAccounts", args! {}).await;
    assert_eq!(recorder.attempts_of("accounts.ReadAccounts").len(), before);
    emu.shutdown().await;
}

/// A hook that fails ends the call before anything is sent.
#[tokio::test]
async fn a_failing_hook_ends_the_call() {
    struct Refuse;
    impl Interceptor for Refuse {
        fn before_signing(
            &self,
            _: &CallInfo<'_>,
            _: u32,
            _: &mut http::Request<Vec<u8>>,
        ) -> HookResult {
            Err("no calls on Sundays".into())
        }
    }
    let emu = emulator(EmulatorOptions::default()).await;
    let client = StaxClient::new(common::config(&emu, "refuse"))
        .unwrap()
        .with_interceptor(Refuse);
    let err = client
        .call("accounts", "ReadAccounts", args! {})
        .await
        .unwrap_err();
    assert!(
        matches!(
            &err,
            Error::Interceptor {
                hook: "before_signing",
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("no calls on Sundays"), "{err}");
    assert_eq!(stat(&emu, "/operations/accounts.ReadAccounts"), 0);
    emu.shutdown().await;
}

/// An attempt slower than `attempt_timeout` is cut short and the GET is retried (a timed-out
/// attempt counts as a read timeout); the calls succeed.
#[tokio::test]
async fn a_slow_attempt_fails_over_to_a_retry() {
    let emu = faulty("latency=5000:0.5", 5).await;
    let recorder = Arc::new(Recorder::default());
    let config = builder(&emu, "attempt-timeout")
        .attempt_timeout(Duration::from_millis(400))
        .build()
        .unwrap();
    let client = StaxClient::new(config)
        .unwrap()
        .with_interceptor(recorder.clone());
    for _ in 0..3 {
        client
            .call("accounts", "ReadAccounts", args! {})
            .await
            .unwrap();
    }
    let seen = recorder.attempts_of("accounts.ReadAccounts");
    let timed_out: Vec<&Seen> = seen
        .iter()
        .filter(|s| s.class == OutcomeClass::TimedOut)
        .collect();
    assert!(!timed_out.is_empty(), "the seed must hit: {seen:?}");
    assert!(
        timed_out.iter().all(|s| s.status.is_none() && s.retry),
        "{seen:?}"
    );
    assert_eq!(seen.len(), 3 + timed_out.len(), "{seen:?}");
    // A POST that timed out may have been processed: not retried.
    let err = loop {
        match client
            .call(
                "accounts",
                "CreateAccountType",
                args! {"Name" => format!("slow-{}", rand_suffix())},
            )
            .await
        {
            Ok(_) => continue,
            Err(e) => break e,
        }
    };
    assert!(
        err.to_string().contains("timed out")
            && err.to_string().contains("may have been processed"),
        "{err}"
    );
    emu.shutdown().await;
}

fn rand_suffix() -> u32 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos()
}

/// `operation_timeout` ends a call whose server never answers in time, retries included.
#[tokio::test]
async fn the_operation_timeout_ends_the_call() {
    let emu = faulty("latency=20000:1.0", 1).await;
    let limit = Duration::from_millis(600);
    let config = builder(&emu, "operation-timeout")
        .operation_timeout(limit)
        .build()
        .unwrap();
    let client = StaxClient::new(config).unwrap();
    // Signed in and the document loaded first (the public routes are never slowed).
    client.session().credentials().await.unwrap();
    let request = client
        .request(Call::new("accounts", "ReadAccounts"))
        .await
        .unwrap();
    let started = Instant::now();
    let err = client.send(&request).await.unwrap_err();
    let took = started.elapsed();
    match &err {
        Error::Timeout {
            operation,
            limit: l,
            attempts,
        } => {
            assert_eq!(operation, "accounts.ReadAccounts");
            assert_eq!(*l, limit);
            assert_eq!(*attempts, 1);
        }
        other => panic!("expected a timeout, got {other}"),
    }
    assert!(err.to_string().contains("STAX_OPERATION_TIMEOUT"), "{err}");
    // Ended by the limit, long before the server's 20 s (a loose bound: a busy machine).
    assert!(took < Duration::from_secs(10), "{took:?}");
    emu.shutdown().await;
}

/// With the quota on, 100 calls against a server that always fails send far fewer than
/// 100 x (max_attempts + 1) requests: the bucket (500 tokens, 5 a retry) pays for 100
/// retries, then every call fails at once with its first answer.
#[tokio::test]
async fn the_retry_quota_bounds_the_traffic_of_an_outage() {
    let emu = faulty("status=500:1.0", 1).await;
    let recorder = Arc::new(Recorder::default());
    let client = StaxClient::new(common::config(&emu, "quota"))
        .unwrap()
        .with_interceptor(recorder.clone());
    let quota = client.session().retry_quota().expect("on by default");
    assert_eq!(quota.available(), staxapp::quota::CAPACITY);
    let mut errors = Vec::new();
    for _ in 0..100 {
        errors.push(
            client
                .call("accounts", "ReadAccounts", args! {})
                .await
                .unwrap_err(),
        );
    }
    let sent = stat(&emu, "/faults_injected");
    let retries = u64::from(staxapp::quota::CAPACITY / staxapp::quota::RETRY_COST);
    assert_eq!(sent, 100 + retries, "{}", emu.stats());
    assert!(sent < 100 * 6 / 2, "{sent}");
    assert_eq!(quota.available(), 0);
    // The calls after the bucket emptied made one request each.
    let calls = recorder.calls.lock().unwrap().clone();
    let attempts: Vec<u32> = calls.iter().map(|(_, n)| *n).collect();
    assert_eq!(attempts.len(), 100);
    assert!(attempts[..20].iter().all(|n| *n == 6), "{attempts:?}");
    assert!(attempts[20..].iter().all(|n| *n == 1), "{attempts:?}");
    assert!(errors.iter().all(|e| e.status() == Some(500)));
    // Without the quota, every call retries to its limit.
    let emu = faulty("status=500:1.0", 1).await;
    let config = builder(&emu, "no-quota")
        .retry_quota(false)
        .build()
        .unwrap();
    let client = StaxClient::new(config).unwrap();
    assert!(client.session().retry_quota().is_none());
    for _ in 0..25 {
        client
            .call("accounts", "ReadAccounts", args! {})
            .await
            .unwrap_err();
    }
    assert_eq!(stat(&emu, "/faults_injected"), 25 * 6);
    emu.shutdown().await;
}

/// A 500's error carries the request id the emulator sent with it.
#[tokio::test]
async fn a_server_errors_carries_its_request_id() {
    let emu = faulty("status=500:1.0", 1).await;
    let recorder = Arc::new(Recorder::default());
    let config = builder(&emu, "request-id")
        .api_max_attempts(0)
        .build()
        .unwrap();
    let client = StaxClient::new(config)
        .unwrap()
        .with_interceptor(recorder.clone());
    let err = client
        .call("accounts", "ReadAccounts", args! {})
        .await
        .unwrap_err();
    let seen = recorder.attempts_of("accounts.ReadAccounts");
    let sent = seen[0].request_id.clone().expect("the emulator names it");
    assert_eq!(err.status(), Some(500));
    assert_eq!(err.request_id(), Some(sent.as_str()));
    let Error::Api(api) = &err else {
        panic!("{err}")
    };
    assert_eq!(api.request_id.as_deref(), Some(sent.as_str()));
    assert!(uuid_like(&sent), "{sent}");
    emu.shutdown().await;
}

fn uuid_like(text: &str) -> bool {
    text.len() == 36 && text.chars().filter(|c| *c == '-').count() == 4
}
