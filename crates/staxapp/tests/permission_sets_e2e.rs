//! The Permission Sets API through the SDK against the emulator (real HTTP, SRP, SigV4): the
//! example's whole flow with the async and the blocking client, every answer checked against
//! Stax's reference document (`$STAX_SHARED_DIR`); paging by token, the assignment waiter's
//! progress, failure and timeout, and the live document of the API.

mod common;

#[path = "../examples/permission_sets.rs"]
#[allow(dead_code)]
mod example;

#[path = "../../../testsupport/permission_sets_reference.rs"]
mod reference;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::TryStreamExt as _;
use serde_json::{Value, json};
use stax_emulator::EmulatorOptions;
use staxapp::assignments::{AssignmentGoal, AssignmentWaitOptions};
use staxapp::{Api, StaxClient, TaskError, args};

const SETS: &str = "permission-sets";
const FAST: Duration = Duration::from_millis(100);

async fn emulator() -> stax_emulator::RunningEmulator {
    common::emulator(EmulatorOptions {
        task_delay: Duration::from_millis(400),
        ..Default::default()
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_example_flow_answers_as_the_reference_documents() {
    let reference = reference::Reference::load(common::shared_file);
    let emu = emulator().await;
    let client = StaxClient::new(common::config(&emu, "ps-flow")).unwrap();
    let (group, account_type) = example::ids(&client, "Developers", "development")
        .await
        .unwrap();
    let ids = (group.as_str(), account_type.as_str());
    let steps = example::flow(&client, "E2eReaders", ids, FAST)
        .await
        .unwrap();
    let done: Vec<&str> = steps.iter().map(|s| s.operation).collect();
    assert_eq!(
        done,
        [
            "ListPermissionSets",
            "ListAWSManagedPolicies",
            "CreatePermissionSet",
            "GetPermissionSet",
            "UpdatePermissionSet",
            "ListPermissionSets",
            "CreatePermissionSetAssignments",
            "ListPermissionSetAssignments",
            "ListRoles",
            "RedeployPermissionSetAssignment",
            "DeletePermissionSetAssignment",
            "ListPermissionSetAssignments",
            "DeletePermissionSet",
            "GetPermissionSet",
        ]
    );
    // What each answer says.
    let created = &steps[2].answer;
    assert_eq!(created["Name"], "E2eReaders");
    assert_eq!(created["Status"], "ACTIVE");
    assert_eq!(steps[4].answer["MaxSessionDuration"], 7200);
    let names: Vec<&Value> = steps[5].answer["PermissionSets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| &s["Name"])
        .collect();
    assert!(names.contains(&&json!("E2eReaders")), "{names:?}");
    assert_eq!(steps[6].answer[0]["Status"], "CREATE_REQUESTED");
    assert_eq!(
        steps[7].answer["Assignments"][0]["Status"],
        "DEPLOYMENT_COMPLETE"
    );
    let set_id = created["Id"].as_str().unwrap();
    // Roles: one per active account of the type, named after the set.
    let roles: Vec<&Value> = steps[8].answer["Roles"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["PermissionSetId"] == set_id)
        .collect();
    assert!(!roles.is_empty(), "{}", steps[8].answer);
    for role in &roles {
        assert_eq!(role["RoleName"], "E2eReaders");
        assert!(
            role["RoleArn"]
                .as_str()
                .unwrap()
                .ends_with(":role/staxid/E2eReaders")
        );
    }
    assert_eq!(steps[9].answer["Status"], "UPDATE_REQUESTED");
    assert_eq!(steps[10].answer["Status"], "DELETE_REQUESTED");
    assert_eq!(
        steps[11].answer["Assignments"][0]["Status"],
        "DELETE_COMPLETE"
    );
    assert_eq!(steps[12].answer["Status"], "DELETED");
    assert_eq!(steps[13].answer["Error"]["Code"], 404);
    if let Some(reference) = &reference {
        for s in &steps {
            reference.check(s.operation, s.status, &s.answer);
        }
    }
    // Each operation counted under its name; the API's calls were signed for its host.
    assert_eq!(
        common::stat(&emu, "/operations/permission-sets.CreatePermissionSet"),
        1
    );
    assert_eq!(common::stat(&emu, "/rejected_signatures"), 0);
    assert_eq!(
        common::stat(&emu, "/cognito/InitiateAuth"),
        1,
        "one sign-in for both APIs"
    );
    emu.shutdown().await;
}

#[test]
fn the_example_flow_with_the_blocking_client() {
    let reference = reference::Reference::load(common::shared_file);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let emu = runtime.block_on(emulator());
    let config = common::config(&emu, "ps-blocking");
    let ids = runtime
        .block_on(example::ids(
            &StaxClient::new(config.clone()).unwrap(),
            "Administrators",
            "production",
        ))
        .unwrap();
    let client = staxapp::blocking::StaxClient::new(config).unwrap();
    let steps = example::flow_blocking(&client, "BlockingReaders", (&ids.0, &ids.1), FAST).unwrap();
    assert_eq!(steps.len(), 9);
    let all = &steps[3].answer["PermissionSets"];
    assert!(
        all.as_array().unwrap().len() >= 3,
        "pages of one, all followed: {all}"
    );
    if let Some(reference) = &reference {
        for s in &steps {
            if s.operation != "ListPermissionSets" {
                reference.check(s.operation, s.status, &s.answer);
            }
        }
    }
    runtime.block_on(emu.shutdown());
}

#[tokio::test]
async fn lists_page_by_token_and_every_page_matches_the_reference() {
    let reference = reference::Reference::load(common::shared_file);
    let emu = emulator().await;
    let client = StaxClient::new(common::config(&emu, "ps-paging")).unwrap();
    for i in 0..3 {
        client
            .call(
                SETS,
                "CreatePermissionSet",
                args! {"Name" => format!("Paged{i}")},
            )
            .await
            .unwrap();
    }
    let pages: Vec<Value> = client
        .pages(SETS, "ListPermissionSets", (), 2)
        .try_collect()
        .await
        .unwrap();
    // Two seeded sets and three new ones, two a page.
    assert_eq!(pages.len(), 3);
    assert!(pages[0]["Paging"]["NextToken"].is_string());
    assert!(pages[2]["Paging"].get("NextToken").is_none());
    let items: Vec<Value> = client
        .items(SETS, "ListPermissionSets", (), 2, None)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(items.len(), 5);
    // An operation that does not page answers in one page.
    let policies: Vec<Value> = client
        .items(SETS, "ListAWSManagedPolicies", (), 5, None)
        .try_collect()
        .await
        .unwrap();
    assert!(policies.len() > 40, "the whole catalogue in one page");
    let roles = client.call(SETS, "ListRoles", ()).await.unwrap();
    assert!(
        !roles["Roles"].as_array().unwrap().is_empty(),
        "the seeded set's roles"
    );
    if let Some(reference) = &reference {
        for page in &pages {
            reference.check("ListPermissionSets", 200, page);
        }
        reference.check("ListRoles", 200, &roles);
        // API tokens have no roles of their own: 403, as documented.
        let refused = client.call(SETS, "ListMyRoles", ()).await.unwrap_err();
        assert_eq!(refused.status(), Some(403));
        if let staxapp::Error::Api(e) = &refused {
            reference.check("ListMyRoles", 403, &e.body);
        }
    }
    // A bad token is the caller's error, named.
    let err = client
        .call(
            SETS,
            "ListPermissionSets",
            args! {"page_token" => "nonsense"},
        )
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400));
    assert!(err.to_string().contains("page_token"), "{err}");
    emu.shutdown().await;
}

#[tokio::test]
async fn the_waiter_reports_progress_and_fails_on_a_failed_deployment() {
    let emu = emulator().await;
    let client = StaxClient::new(common::config(&emu, "ps-wait")).unwrap();
    let (group, account_type) = example::ids(&client, "Developers", "sandbox")
        .await
        .unwrap();
    // Inline policies above IAM's quota for one role: the deployment fails.
    let big = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
        "Resource": (0..400).map(|i| format!("arn:aws:s3:::bucket-{i}/*")).collect::<Vec<_>>()}]});
    let set = client
        .call(
            SETS,
            "CreatePermissionSet",
            args! {"Name" => "TooBig", "InlinePolicies" => [{"Name": "big", "Policy": big.to_string()}]},
        )
        .await
        .unwrap();
    let assigned = client
        .call(
            SETS,
            "CreatePermissionSetAssignments",
            args! {"permission_set_id" => set["Id"].clone()}
                .body(json!([{"GroupId": group, "AccountTypeId": account_type}])),
        )
        .await
        .unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let options = AssignmentWaitOptions::default()
        .initial_interval(FAST)
        .max_interval(FAST)
        .on_progress(move |p| log.lock().unwrap().push((p.status.clone(), p.polls)));
    let err = client
        .wait_for_assignments(&assigned, options)
        .await
        .unwrap_err();
    let staxapp::Error::Task(task) = &err else {
        panic!("{err}")
    };
    let TaskError::AssignmentFailed {
        status, assignment, ..
    } = task.as_ref()
    else {
        panic!("{task}")
    };
    assert_eq!(status, "DEPLOYMENT_FAILED");
    assert_eq!(assignment["Status"], "DEPLOYMENT_FAILED");
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.last().unwrap().0, "DEPLOYMENT_FAILED");
    assert_eq!(
        seen.len() as u32,
        seen.last().unwrap().1,
        "one call per read"
    );
    assert!(
        err.to_string().contains("RedeployPermissionSetAssignment"),
        "{err}"
    );

    // A timeout names the status it stopped at.
    let assignment_id = assignment["Id"].as_str().unwrap();
    let redeployed = client
        .call(
            SETS,
            "RedeployPermissionSetAssignment",
            args! {"permission_set_id" => set["Id"].clone(), "assignment_id" => assignment_id},
        )
        .await
        .unwrap();
    let err = client
        .wait_for_assignment(
            set["Id"].as_str().unwrap(),
            assignment_id,
            AssignmentGoal::Deployed,
            AssignmentWaitOptions::default().timeout(Duration::ZERO),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, staxapp::Error::Task(t) if matches!(**t, TaskError::AssignmentTimeout { .. })),
        "{err}"
    );
    assert!(err.to_string().contains("still"), "{err}");
    assert_eq!(redeployed["Status"], "UPDATE_REQUESTED");
    // An answer without assignments has nothing to wait for.
    let err = client
        .wait_for_assignments(&set, AssignmentWaitOptions::default())
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("no permission set assignment"),
        "{err}"
    );
    emu.shutdown().await;
}

#[tokio::test]
async fn the_document_is_the_apis_own_fetched_live_and_cached() {
    let emu = emulator().await;
    let config = common::config(&emu, "ps-doc");
    let client = StaxClient::new(config.clone()).unwrap();
    let doc = client.document_of(Api::PERMISSION_SETS).await.unwrap();
    assert_eq!(doc.operations(SETS).unwrap().len(), 12);
    assert_eq!(doc.raw()["servers"][0]["url"], "/20210321");
    assert!(doc.raw()["paths"]["/permission-sets"]["get"]["operationId"].is_string());
    assert_eq!(
        common::stat(&emu, "/operations/permission-sets.ListPermissionSets"),
        0
    );
    // The on-disk cache serves a second client without a request.
    let documents_sent = emu.stats()["document"].clone();
    let again = StaxClient::with_session(staxapp::Session::new(config).unwrap());
    again.document_of(Api::PERMISSION_SETS).await.unwrap();
    assert_eq!(emu.stats()["document"], documents_sent, "{}", emu.stats());
    // Both APIs from one client; the services list has both.
    let services = client.services().await.unwrap();
    assert!(services.contains(&"accounts".to_owned()));
    assert!(services.contains(&"permission-sets".to_owned()));
    emu.shutdown().await;
}
