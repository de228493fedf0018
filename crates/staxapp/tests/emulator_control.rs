//! The SDK against an emulator under a test's control, through `RunningEmulator`'s methods
//! (no HTTP to the control routes): a task held `RUNNING` by manual transitions and then made
//! to fail, which the waiter reports with the reason; a forced outcome; a fault rule the retry
//! loop gets through; a reset; another organisation's client.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use stax_emulator::{
    Advance, EmulatorOptions, FaultConfig, FaultKind, OperationFault, Seed, TaskOutcome,
    Transitions,
};
use staxapp::tasks::WaitOptions;
use staxapp::{Error, StaxClient, TaskError, args};

fn fast() -> WaitOptions {
    WaitOptions::new()
        .initial_interval(Duration::from_millis(10))
        .max_interval(Duration::from_millis(20))
        .timeout(Duration::from_secs(60))
}

/// The reason and logs of a waiter's `FAILED`.
fn failed_logs(result: staxapp::Result<Value>) -> Vec<String> {
    match result {
        Err(Error::Task(failure)) => match *failure {
            TaskError::Failed { logs, .. } => logs,
            other => panic!("not a failed task: {other}"),
        },
        other => panic!("not a failed task: {other:?}"),
    }
}

#[tokio::test]
async fn a_task_held_running_then_failed_is_reported_by_the_waiter() {
    let emu = common::emulator(EmulatorOptions {
        transitions: Transitions::Manual,
        task_delay: Duration::from_millis(20),
        ..EmulatorOptions::default()
    })
    .await;
    let client = StaxClient::new(common::config(&emu, "held")).unwrap();
    let created = client
        .call(
            "accounts",
            "CreateAccount",
            args! {"Name" => "held", "AccountType" => "development"},
        )
        .await
        .unwrap();
    let task_id = created["TaskId"].as_str().unwrap().to_owned();
    let read = || client.call("tasks", "ReadTask", args! {"task_id" => task_id.clone()});
    assert_eq!(read().await.unwrap()["Status"], "STARTED");
    let moved = emu.advance(&task_id, Advance::Next).unwrap();
    assert_eq!(moved["status"], "RUNNING");

    // The waiter sees RUNNING, again and again, until the task is moved.
    let seen = Arc::new(Mutex::new(Vec::new()));
    let progress = seen.clone();
    let options = fast().on_progress(move |p| progress.lock().unwrap().push(p.status.clone()));
    let waiting = client.wait_for_response(&created, options);
    let failing = async {
        while seen.lock().unwrap().len() < 5 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        emu.advance(
            &task_id,
            Advance::Fail("the account limit of the organisation was reached".into()),
        )
        .unwrap();
    };
    let (result, ()) = tokio::join!(waiting, failing);
    let logs = failed_logs(result);
    assert!(
        logs.iter()
            .any(|l| l.contains("the account limit of the organisation was reached")),
        "{logs:?}"
    );
    let seen = seen.lock().unwrap().clone();
    assert!(
        seen.len() >= 5 && seen[..5].iter().all(|s| s == "RUNNING"),
        "{seen:?}"
    );
    assert_eq!(seen.last().map(String::as_str), Some("FAILED"));
    // An ended task moves no more.
    assert!(matches!(
        emu.advance(&task_id, Advance::Complete),
        Err(stax_emulator::EmulatorError::Conflict(_))
    ));
    emu.shutdown().await;
}

#[tokio::test]
async fn forced_outcomes_fault_rules_reset_and_organisations() {
    let emu = common::emulator(EmulatorOptions {
        task_delay: Duration::ZERO,
        ..EmulatorOptions::default()
    })
    .await;
    let client = StaxClient::new(common::config(&emu, "control")).unwrap();
    let before = client
        .call("accounts", "ReadAccounts", args! {})
        .await
        .unwrap();

    // The next CreateAccount fails, in auto transitions; the one after succeeds.
    emu.force_outcome(
        "accounts.CreateAccount",
        TaskOutcome::Failed,
        1,
        Some("no capacity"),
    )
    .unwrap();
    let create = |name: &str| {
        client.call(
            "accounts",
            "CreateAccount",
            args! {"Name" => name, "AccountType" => "development"},
        )
    };
    let first = create("forced").await.unwrap();
    let logs = failed_logs(client.wait_for_response(&first, fast()).await);
    assert!(logs.iter().any(|l| l.contains("no capacity")), "{logs:?}");
    let second = create("fine").await.unwrap();
    assert_eq!(
        client.wait_for_response(&second, fast()).await.unwrap()["Status"],
        "SUCCEEDED"
    );
    assert!(
        emu.force_outcome("accounts.MakeAccount", TaskOutcome::Failed, 1, None)
            .is_err()
    );

    // Two 502s on ReadAccounts: the SDK's retries get through them, and the stats say so.
    emu.set_faults(FaultConfig {
        rules: vec![OperationFault {
            operation: "accounts.ReadAccounts".into(),
            fault: FaultKind::Status(502),
            times: 2,
        }],
        ..FaultConfig::default()
    })
    .unwrap();
    client
        .call("accounts", "ReadAccounts", args! {})
        .await
        .unwrap();
    assert_eq!(emu.stats()["fault_rules"][0]["hits"], 2);
    emu.clear_faults();

    // Back to the start: the accounts as they were, the same client keeps working.
    emu.reset().unwrap();
    assert_eq!(
        client
            .call("accounts", "ReadAccounts", args! {})
            .await
            .unwrap(),
        before
    );

    // Another organisation: its client sees its own accounts, none of the first's.
    let other = emu.add_organisation(Seed::Demo).unwrap();
    let config = common::builder(&emu, "other-org")
        .access_key(other.access_key.as_str())
        .secret_key(other.secret_key.as_str())
        .build()
        .unwrap();
    let theirs = StaxClient::new(config)
        .unwrap()
        .call("accounts", "ReadAccounts", args! {})
        .await
        .unwrap();
    let ids = |v: &Value| -> Vec<String> {
        v["Accounts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["Id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(ids(&theirs).len(), ids(&before).len());
    assert!(ids(&theirs).iter().all(|id| !ids(&before).contains(id)));

    // The whole state, out and back in (into the same emulator): the same accounts.
    let state = emu.state().unwrap();
    emu.reset().unwrap();
    let ready = emu
        .load_state(&state)
        .unwrap()
        .expect("the state names its ready token");
    assert_eq!(ready.access_key, emu.access_key());
    assert_eq!(emu.state().unwrap(), state);
    emu.shutdown().await;
}
