//! The typed API generated from the reference documents, used as a program uses it, against
//! the emulator serving those documents: typed answers, paging, waiting for tasks and
//! permission set assignments, the blocking mirror, arguments missing before anything is
//! sent, and answers newer than the code (unknown enum values, unknown fields).

#![cfg(not(reference_missing))]

mod common;

use std::time::Duration;

use futures::TryStreamExt;
use serde_json::{Value, json};
use stax::types::{OperationStatus, permission_sets as sets};
use stax_emulator::RunningEmulator;
use staxapp::assignments::AssignmentWaitOptions;
use staxapp::tasks::WaitOptions;
use staxapp::{Error, StaxClient};
use staxapp_typed_tests::stax;

async fn emulator() -> RunningEmulator {
    common::emulator(Duration::from_millis(50)).await
}

use common::config;

fn fast<P>(options: staxapp::tasks::WaitOptions<P>) -> staxapp::tasks::WaitOptions<P> {
    options
        .initial_interval(Duration::from_millis(20))
        .timeout(Duration::from_secs(30))
}

#[tokio::test]
async fn typed_answers_pages_and_tasks() {
    let emu = emulator().await;
    let client = StaxClient::new(config(&emu, "async")).unwrap();
    let typed = stax::Client::new(client.clone());

    // Typed answers: the fields of the document, enums as enums.
    let active = typed
        .accounts()
        .read_accounts()
        .filter("ACTIVE")
        .send()
        .await
        .unwrap();
    assert!(!active.accounts.is_empty());
    for account in &active.accounts {
        assert!(!account.name.is_empty());
        assert_eq!(account.status.as_ref().map(|s| s.as_str()), Some("ACTIVE"));
    }

    // Paging: every item, two to a page, as the dynamic API pages.
    let typed_items: Vec<stax::types::Account> = typed
        .accounts()
        .read_accounts()
        .limit(2)
        .into_items()
        .try_collect()
        .await
        .unwrap();
    let dynamic_items: Vec<Value> = client
        .items("accounts", "ReadAccounts", (), 2, None)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(typed_items.len(), dynamic_items.len());
    assert_eq!(
        serde_json::to_value(&typed_items).unwrap(),
        json!(dynamic_items)
    );
    // A page is read when it is needed: the first item, one request.
    let reads = || {
        emu.stats()["operations"]["accounts.ReadAccounts"]
            .as_u64()
            .unwrap_or(0)
    };
    let before = reads();
    let mut lazy = typed.accounts().read_accounts().limit(2).into_items();
    lazy.try_next().await.unwrap().expect("an account");
    assert_eq!(reads(), before + 1, "one page, not every page");
    drop(lazy);
    let pages: Vec<stax::types::accounts::ReadAccounts> = typed
        .accounts()
        .read_accounts()
        .limit(2)
        .into_pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), typed_items.len().div_ceil(2));
    assert!(pages.iter().all(|p| p.paging.is_some()));

    // An account type is made at once (its answer declares no task, as the document says);
    // an account of that type is made by a task, and waiting for it gives the typed ReadTask.
    let kind = typed
        .accounts()
        .create_account_type()
        .name("typed-api")
        .send()
        .await
        .unwrap();
    assert_eq!(kind.detail.operation_status, OperationStatus::Succeeded);
    let created = typed
        .accounts()
        .create_account()
        .name("typed-account")
        .account_type(kind.detail.account_type.id.clone())
        .send()
        .await
        .unwrap();
    let task = created
        .wait(&typed, fast(WaitOptions::new()))
        .await
        .unwrap();
    assert_eq!(task.status, OperationStatus::Succeeded);
    let accounts = typed.accounts().read_accounts().send().await.unwrap();
    assert!(accounts.accounts.iter().any(|a| a.name == "typed-account"));
    emu.shutdown().await;
}

#[tokio::test]
async fn permission_set_assignments_are_waited_for() {
    let emu = emulator().await;
    let client = StaxClient::new(config(&emu, "sets")).unwrap();
    let typed = stax::Client::new(client.clone());
    let groups = client.call("teams", "ReadGroups", ()).await.unwrap();
    let group = groups["Groups"][0]["Id"].as_str().unwrap().to_owned();
    let kinds = client
        .call("accounts", "ReadAccountTypes", ())
        .await
        .unwrap();
    let kind = kinds["AccountTypes"][0]["Id"].as_str().unwrap().to_owned();

    let set = typed
        .permission_sets()
        .create_permission_set()
        .name("TypedReaders")
        .aws_managed_policies(vec![sets::PermissionSetAwsManagedPolicy {
            policy_arn: "arn:aws:iam::aws:policy/ReadOnlyAccess".into(),
            extra: Default::default(),
        }])
        .send()
        .await
        .unwrap();
    // An array body: `.body(..)`.
    let assigned = typed
        .permission_sets()
        .create_permission_set_assignments()
        .permission_set_id(set.id.clone())
        .body(vec![sets::CreateAssignmentsRequestItem {
            group_id: group,
            account_type_id: kind,
            extra: Default::default(),
        }])
        .send()
        .await
        .unwrap();
    let deployed = assigned
        .wait(&typed, fast(AssignmentWaitOptions::default()))
        .await
        .unwrap();
    assert_eq!(deployed.len(), 1);
    let record = deployed[0].as_ref().unwrap();
    assert_eq!(
        record.status,
        sets::AssignmentRecordStatus::DeploymentComplete
    );
    let listed: Vec<sets::AssignmentRecord> = typed
        .permission_sets()
        .list_permission_set_assignments()
        .permission_set_id(set.id.clone())
        .status(vec![sets::AssignmentRecordStatus::DeploymentComplete])
        .into_items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, record.id);
    emu.shutdown().await;
}

/// The blocking mirror: a typed client made from `staxapp::blocking::StaxClient`.
#[test]
fn the_blocking_mirror() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let emu = runtime.block_on(emulator());
    let client = staxapp::blocking::StaxClient::new(config(&emu, "blocking")).unwrap();
    let typed = stax::Client::new(client);
    let accounts = typed.accounts().read_accounts().send_blocking().unwrap();
    let items: Vec<stax::types::Account> = typed
        .accounts()
        .read_accounts()
        .limit(3)
        .into_items_blocking()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(items.len(), accounts.accounts.len());
    let created = typed
        .teams()
        .create_group()
        .name("typed-blocking")
        .send_blocking()
        .unwrap();
    let task = created
        .wait_blocking(&typed, fast(WaitOptions::new()))
        .unwrap();
    assert_eq!(task.status, OperationStatus::Succeeded);

    // Made from an async client, a blocking call says what to do instead of panicking.
    let async_typed = stax::Client::new(
        runtime
            .block_on(async { StaxClient::new(config(&emu, "misuse")) })
            .unwrap(),
    );
    let err = async_typed
        .accounts()
        .read_accounts()
        .send_blocking()
        .unwrap_err();
    assert!(
        err.to_string().contains("staxapp::blocking::StaxClient"),
        "{err}"
    );
    runtime.block_on(emu.shutdown());
}

#[tokio::test]
async fn what_is_missing_fails_before_anything_is_sent() {
    let emu = emulator().await;
    let typed = stax::Client::new(StaxClient::new(config(&emu, "missing")).unwrap());
    let calls =
        |emu: &RunningEmulator, op: &str| emu.stats()["operations"][op].as_u64().unwrap_or(0);
    // No account_id: no path of UpdateAccount can be chosen.
    let err = typed
        .accounts()
        .update_account()
        .name("renamed")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Validation(_)), "{err:?}");
    assert!(err.to_string().contains("account_id"), "{err}");
    // No Name: the body the document requires is refused before sending.
    let err = typed
        .accounts()
        .create_account_type()
        .send()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("Name"), "{err}");
    assert_eq!(calls(&emu, "accounts.UpdateAccount"), 0);
    assert_eq!(calls(&emu, "accounts.CreateAccountType"), 0);
    emu.shutdown().await;
}

/// An installation newer than the code: unknown enum values and fields are kept.
#[test]
fn answers_newer_than_the_code_decode() {
    let answer = json!({
        "Status": "PAUSED",
        "Logs": ["waiting"],
        "Accounts": [],
        "Retries": 2,
    });
    let task: stax::types::tasks::ReadTask = serde_json::from_value(answer.clone()).unwrap();
    assert_eq!(task.status, OperationStatus::Unknown("PAUSED".into()));
    assert_eq!(task.extra["Retries"], 2);
    assert_eq!(serde_json::to_value(&task).unwrap(), answer);
    assert_eq!(
        OperationStatus::from("SUCCEEDED"),
        OperationStatus::Succeeded
    );
    assert_eq!(
        "RUNNING".parse::<OperationStatus>(),
        Ok(OperationStatus::Running)
    );
    assert_eq!(OperationStatus::Failed.to_string(), "FAILED");
    assert!(OperationStatus::VALUES.contains(&"STARTED"));

    // `null` stays `null`, absent stays absent.
    let paging = json!({"Total": 3, "NextOffset": null, "PrevOffset": 20});
    let page: stax::types::Pagination = serde_json::from_value(paging.clone()).unwrap();
    assert_eq!(page.next_offset, None);
    assert_eq!(serde_json::to_value(&page).unwrap(), paging);
    let record = json!({"PolicyName": "ReadOnlyAccess", "Arn": null});
    let policy: sets::AwsManagedPolicyRecord = serde_json::from_value(record.clone()).unwrap();
    assert_eq!(policy.arn, None);
    assert_eq!(serde_json::to_value(&policy).unwrap(), record);

    // A required field missing, or of the wrong type, is an error naming it.
    let err = serde_json::from_value::<stax::types::tasks::ReadTask>(json!({"Status": "RUNNING"}))
        .unwrap_err();
    assert!(err.to_string().contains("Logs"), "{err}");
    let err = staxapp::typed::decode::<stax::types::tasks::ReadTask>(
        "tasks",
        "ReadTask",
        json!({"Status": "RUNNING", "Logs": "one line"}),
    )
    .unwrap_err();
    assert!(err.to_string().contains("`Logs`"), "{err}");
    assert!(err.to_string().contains("tasks.ReadTask"), "{err}");
}
