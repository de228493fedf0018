//! The Permission Sets API end to end: list the permission sets, make one with an AWS managed
//! policy, read and change it, assign it to a group in an account type and wait until it is
//! deployed, redeploy it, delete the assignment and the set; reading the set then is a 404.
//! Once with the async client, once with the blocking one.
//!
//! ```text
//! cargo run -p stax-emulator -- --task-delay-ms 1000
//! export STAX_ENDPOINT=http://127.0.0.1:PORT AWS_ENDPOINT_URL=http://127.0.0.1:PORT
//! export STAX_ACCESS_KEY=... STAX_SECRET_KEY=...
//! cargo run -p staxapp --features blocking --example permission_sets -- Developers production
//! ```
//!
//! The arguments name a group (`teams ReadGroups`) and an account type
//! (`accounts ReadAccountTypes`); the emulator's demo data has both.

use std::time::Duration;

use serde_json::{Value, json};
use staxapp::assignments::{AssignmentGoal, AssignmentWaitOptions};
use staxapp::{StaxClient, args};

/// The service of the Permission Sets API.
const SETS: &str = "permission-sets";

/// The policy the example's permission set attaches.
const POLICY: &str = "arn:aws:iam::aws:policy/ReadOnlyAccess";

/// One answer of the flow: the operation, the HTTP status it stands for, the JSON.
#[derive(Debug)]
pub struct Step {
    pub operation: &'static str,
    pub status: u16,
    pub answer: Value,
}

fn step(operation: &'static str, status: u16, answer: &Value) -> Step {
    Step {
        operation,
        status,
        answer: answer.clone(),
    }
}

/// How to wait for an assignment: progress on stderr.
fn waiting(interval: Duration) -> AssignmentWaitOptions {
    AssignmentWaitOptions::default()
        .timeout(Duration::from_secs(600))
        .initial_interval(interval)
        .max_interval(interval * 4)
        .on_progress(|p| eprintln!("  assignment {}: {}", p.assignment_id, p.status))
}

/// The id of the group and of the account type named so (names or ids), from the core API
/// through the same client.
pub async fn ids(
    client: &StaxClient,
    group: &str,
    account_type: &str,
) -> staxapp::Result<(String, String)> {
    let groups = client.call("teams", "ReadGroups", ()).await?;
    let types = client.call("accounts", "ReadAccountTypes", ()).await?;
    let find = |list: &Value, key: &str, wanted: &str| {
        list[key]
            .as_array()
            .into_iter()
            .flatten()
            .find(|x| x["Name"] == wanted || x["Id"] == wanted)
            .and_then(|x| x["Id"].as_str())
            .map(str::to_owned)
    };
    let missing = |what: &str, name: &str| staxapp::ValidationError::InvalidArgument {
        name: what.to_owned(),
        reason: format!("no {what} named {name}"),
    };
    Ok((
        find(&groups, "Groups", group).ok_or_else(|| missing("group", group))?,
        find(&types, "AccountTypes", account_type)
            .ok_or_else(|| missing("account type", account_type))?,
    ))
}

/// The flow with the async client; `name` names the permission set it makes.
pub async fn flow(
    client: &StaxClient,
    name: &str,
    (group_id, account_type_id): (&str, &str),
    interval: Duration,
) -> staxapp::Result<Vec<Step>> {
    let mut steps = Vec::new();
    let listed = client.call(SETS, "ListPermissionSets", ()).await?;
    steps.push(step("ListPermissionSets", 200, &listed));
    let policies = client.call(SETS, "ListAWSManagedPolicies", ()).await?;
    steps.push(step("ListAWSManagedPolicies", 200, &policies));

    let created = client
        .call(
            SETS,
            "CreatePermissionSet",
            args! {
                "Name" => name,
                "Description" => "Read-only access, made by the example",
                "AWSManagedPolicies" => [{"PolicyArn": POLICY}],
            },
        )
        .await?;
    steps.push(step("CreatePermissionSet", 201, &created));
    let id = created["Id"].as_str().unwrap_or_default().to_owned();
    let set = args! {"permission_set_id" => id.clone()};
    let read = client.call(SETS, "GetPermissionSet", set.clone()).await?;
    steps.push(step("GetPermissionSet", 200, &read));
    let updated = client
        .call(
            SETS,
            "UpdatePermissionSet",
            set.clone().set("MaxSessionDuration", 7200),
        )
        .await?;
    steps.push(step("UpdatePermissionSet", 200, &updated));
    let listed = client.call(SETS, "ListPermissionSets", ()).await?;
    steps.push(step("ListPermissionSets", 200, &listed));

    // The body of this operation is a JSON array: the path parameter is named, the array
    // is the whole body.
    let assigned = client
        .call(
            SETS,
            "CreatePermissionSetAssignments",
            set.clone().body(json!([
                {"GroupId": group_id, "AccountTypeId": account_type_id}
            ])),
        )
        .await?;
    steps.push(step("CreatePermissionSetAssignments", 200, &assigned));
    let deployed = client
        .wait_for_assignments(&assigned, waiting(interval))
        .await?;
    let assignment_id = deployed[0]["Id"].as_str().unwrap_or_default().to_owned();
    let listed = client
        .call(SETS, "ListPermissionSetAssignments", set.clone())
        .await?;
    steps.push(step("ListPermissionSetAssignments", 200, &listed));
    let roles = client.call(SETS, "ListRoles", ()).await?;
    steps.push(step("ListRoles", 200, &roles));

    let one = set.clone().set("assignment_id", assignment_id.clone());
    let redeployed = client
        .call(SETS, "RedeployPermissionSetAssignment", one.clone())
        .await?;
    steps.push(step("RedeployPermissionSetAssignment", 200, &redeployed));
    client
        .wait_for_assignment(
            &id,
            &assignment_id,
            AssignmentGoal::Deployed,
            waiting(interval),
        )
        .await?;
    let deleted = client
        .call(SETS, "DeletePermissionSetAssignment", one)
        .await?;
    steps.push(step("DeletePermissionSetAssignment", 200, &deleted));
    client
        .wait_for_assignments(&deleted, waiting(interval))
        .await?;
    let history = client
        .call(
            SETS,
            "ListPermissionSetAssignments",
            set.clone().set("status", ["DELETE_COMPLETE"]),
        )
        .await?;
    steps.push(step("ListPermissionSetAssignments", 200, &history));

    let deleted = client
        .call(SETS, "DeletePermissionSet", set.clone())
        .await?;
    steps.push(step("DeletePermissionSet", 200, &deleted));
    match client.call(SETS, "GetPermissionSet", set).await {
        Err(staxapp::Error::Api(e)) if e.status == 404 => {
            steps.push(step("GetPermissionSet", 404, &e.body));
        }
        other => panic!("the deleted set is still there: {other:?}"),
    }
    Ok(steps)
}

/// The same flow with the blocking client.
pub fn flow_blocking(
    client: &staxapp::blocking::StaxClient,
    name: &str,
    (group_id, account_type_id): (&str, &str),
    interval: Duration,
) -> staxapp::Result<Vec<Step>> {
    let mut steps = Vec::new();
    let created = client.call(
        SETS,
        "CreatePermissionSet",
        args! {"Name" => name, "AWSManagedPolicies" => [{"PolicyArn": POLICY}]},
    )?;
    steps.push(step("CreatePermissionSet", 201, &created));
    let set = args! {"permission_set_id" => created["Id"].clone()};
    steps.push(step(
        "GetPermissionSet",
        200,
        &client.call(SETS, "GetPermissionSet", set.clone())?,
    ));
    steps.push(step(
        "UpdatePermissionSet",
        200,
        &client.call(
            SETS,
            "UpdatePermissionSet",
            set.clone()
                .set("Description", "Changed by the blocking client"),
        )?,
    ));
    // Every permission set, across pages of one.
    let all: Vec<Value> = client
        .items(SETS, "ListPermissionSets", (), 1, None)
        .collect::<staxapp::Result<_>>()?;
    steps.push(step(
        "ListPermissionSets",
        200,
        &json!({"PermissionSets": all}),
    ));
    let assigned = client.call(
        SETS,
        "CreatePermissionSetAssignments",
        set.clone()
            .body(json!([{"GroupId": group_id, "AccountTypeId": account_type_id}])),
    )?;
    steps.push(step("CreatePermissionSetAssignments", 200, &assigned));
    let deployed = client.wait_for_assignments(&assigned, waiting(interval))?;
    let one = set.clone().set("assignment_id", deployed[0]["Id"].clone());
    let redeployed = client.call(SETS, "RedeployPermissionSetAssignment", one.clone())?;
    steps.push(step("RedeployPermissionSetAssignment", 200, &redeployed));
    client.wait_for_assignments(&redeployed, waiting(interval))?;
    let deleted = client.call(SETS, "DeletePermissionSetAssignment", one)?;
    steps.push(step("DeletePermissionSetAssignment", 200, &deleted));
    client.wait_for_assignments(&deleted, waiting(interval))?;
    steps.push(step(
        "DeletePermissionSet",
        200,
        &client.call(SETS, "DeletePermissionSet", set.clone())?,
    ));
    match client.call(SETS, "GetPermissionSet", set) {
        Err(staxapp::Error::Api(e)) if e.status == 404 => {
            steps.push(step("GetPermissionSet", 404, &e.body));
        }
        other => panic!("the deleted set is still there: {other:?}"),
    }
    Ok(steps)
}

fn print(steps: &[Step]) {
    for s in steps {
        println!("{} {}: {}", s.operation, s.status, s.answer);
    }
}

#[allow(dead_code)]
fn main() {
    let mut argv = std::env::args().skip(1);
    let (Some(group), Some(account_type)) = (argv.next(), argv.next()) else {
        eprintln!("usage: permission_sets <group> <account type>");
        std::process::exit(2);
    };
    let outcome = (|| -> staxapp::Result<()> {
        let runtime = tokio::runtime::Runtime::new().expect("a runtime");
        let client = StaxClient::from_env()?;
        let (group_id, type_id) = runtime.block_on(ids(&client, &group, &account_type))?;
        let ids = (group_id.as_str(), type_id.as_str());
        let interval = Duration::from_secs(1);
        print(&runtime.block_on(flow(&client, "ExampleReaders", ids, interval))?);
        drop(runtime);
        let blocking = staxapp::blocking::StaxClient::from_env()?;
        print(&flow_blocking(
            &blocking,
            "ExampleReadersBlocking",
            ids,
            interval,
        )?);
        Ok(())
    })();
    if let Err(e) = outcome {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
