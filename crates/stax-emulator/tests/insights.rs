//! Insights over HTTP: one per task of the organisation, naming the operation, the caller,
//! the record changed and how it went; filtered, ordered and paged.

mod common;

use common::{get, send, setup, token_of};
use serde_json::{Value, json};

const INSIGHTS: &str = "/20190206/insights";

fn insights(answer: &Value) -> &Vec<Value> {
    answer["Insights"].as_array().expect("Insights")
}

/// The one insight of the task `task`.
async fn of_task(client: &common::Client, creds: &common::Creds, task: &str) -> Value {
    let answer = get(client, creds, &format!("{INSIGHTS}?source_id={task}")).await;
    assert_eq!(answer["Paging"]["Total"], 1, "{answer}");
    insights(&answer)[0].clone()
}

#[tokio::test]
async fn each_task_is_an_insight_of_who_did_what_to_what() {
    let (emu, client, admin) = setup(400).await;
    let all = get(&client, &admin, INSIGHTS).await;
    let seeded = insights(&all).clone();
    assert!(seeded.len() >= 10, "the demo's history: {}", seeded.len());
    assert_eq!(all["Paging"]["Total"], json!(seeded.len()));
    assert!(all["Paging"]["NextOffset"].is_null() && all["Paging"]["PrevOffset"].is_null());
    let times: Vec<&str> = seeded
        .iter()
        .map(|i| i["CreatedTS"].as_str().unwrap())
        .collect();
    assert!(
        times.windows(2).all(|w| w[0] >= w[1]),
        "newest first: {times:?}"
    );
    let users = get(&client, &admin, "/20190206/users").await;
    let ada = users["Users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["FirstName"] == "Ada")
        .expect("the seeded administrator")["Id"]
        .clone();
    for insight in &seeded {
        assert_eq!(insight["EventSourceKind"], "TASKS");
        assert_eq!(insight["Status"], "SUCCESS");
        assert_eq!(
            insight["UserId"], ada,
            "the seed's changes are the administrator's"
        );
    }
    let kinds: Vec<&str> = seeded
        .iter()
        .map(|i| i["TargetKind"].as_str().unwrap())
        .collect();
    for kind in ["POLICY", "SERVICE_CONFIGURATION", "OTHER"] {
        assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
    }

    // A change by another token, seen while it runs and once it has ended.
    let (key, other) = token_of(&client, &admin, "api_admin").await;
    let started = send(
        &client,
        &other,
        "PUT",
        "/20190206/services/organization/configuration",
        Some(json!({"Configuration": {"BEDROCK_ALLOW_CROSS_REGIONAL_ACCESS": true}})),
    )
    .await;
    let task = started["TaskId"].as_str().unwrap();
    let configuration = get(
        &client,
        &admin,
        "/20190206/services/organization/configuration",
    )
    .await;
    let running = of_task(&client, &admin, task).await;
    assert_eq!(running["Action"], "services:ConfigureOrganization");
    assert_eq!(running["Status"], "PENDING");
    assert_eq!(running["UserId"], key.as_str());
    assert_eq!(running["TargetKind"], "SERVICE_CONFIGURATION");
    assert_eq!(running["TargetId"], configuration["Id"]);
    assert_eq!(running["EventSourceId"], task);
    let pending = get(&client, &admin, &format!("{INSIGHTS}?status=PENDING")).await;
    assert_eq!(insights(&pending).len(), 1, "{pending}");
    client.wait_task(&admin, task).await;
    let done = of_task(&client, &admin, task).await;
    assert_eq!(done["Status"], "SUCCESS");
    assert_eq!(done["Id"], running["Id"], "an insight keeps its id");

    // Changes of accounts and units name them.
    let unit = send(
        &client,
        &admin,
        "POST",
        "/20190206/organisations/organisational-units",
        Some(json!({"Name": "insightful", "ParentOrganisationalUnitId": null})),
    )
    .await;
    let unit_id = unit["Detail"]["OrganisationalUnit"]["OrganisationalUnitId"].clone();
    let unit_task = unit["Detail"]["TaskId"].as_str().unwrap();
    let insight = of_task(&client, &admin, unit_task).await;
    assert_eq!(
        (insight["TargetKind"].clone(), insight["TargetId"].clone()),
        (json!("ORGANISATIONAL_UNIT"), unit_id)
    );
    let account = send(
        &client,
        &admin,
        "POST",
        "/20190206/accounts",
        Some(json!({"Name": "insight-acct", "AccountType": "production"})),
    )
    .await;
    let account_task = account["TaskId"].as_str().unwrap();
    let (ended, _) = client.wait_task(&admin, account_task).await;
    let insight = of_task(&client, &admin, account_task).await;
    assert_eq!(insight["Action"], "accounts:CreateAccount");
    assert_eq!(insight["TargetKind"], "ACCOUNT");
    assert_eq!(insight["TargetId"], ended["Accounts"][0]);

    // Filters.
    let mine = get(&client, &admin, &format!("{INSIGHTS}?user_id={key}")).await;
    assert_eq!(insights(&mine).len(), 1);
    let actions = get(
        &client,
        &admin,
        &format!("{INSIGHTS}?action=accounts:CreateAccount,organisations:CreateOrganisationalUnit"),
    )
    .await;
    assert_eq!(insights(&actions).len(), 2, "{actions}");
    let kinds = get(
        &client,
        &admin,
        &format!("{INSIGHTS}?target_kind=ACCOUNT,ORGANISATIONAL_UNIT"),
    )
    .await;
    assert_eq!(insights(&kinds).len(), 2);
    let tasks = get(
        &client,
        &admin,
        &format!("{INSIGHTS}?source_kind=TASKS&status=SUCCESS&status=FAILED"),
    )
    .await;
    assert!(insights(&tasks).len() > seeded.len());
    let elsewhere = get(&client, &admin, &format!("{INSIGHTS}?source_kind=AUDIT")).await;
    assert_eq!(elsewhere["Paging"]["Total"], 0);

    // Order and pages.
    let by_action = get(
        &client,
        &admin,
        &format!("{INSIGHTS}?sort=Action&sort_order=ASC"),
    )
    .await;
    let actions: Vec<&str> = insights(&by_action)
        .iter()
        .map(|i| i["Action"].as_str().unwrap())
        .collect();
    let mut sorted = actions.clone();
    sorted.sort_unstable();
    assert_eq!(actions, sorted);
    let total = by_action["Paging"]["Total"].as_u64().unwrap();
    let first = get(&client, &admin, &format!("{INSIGHTS}?limit=2")).await;
    assert_eq!(insights(&first).len(), 2);
    assert_eq!(
        first["Paging"],
        json!({"Total": total, "NextOffset": 2, "PrevOffset": null})
    );
    let second = get(&client, &admin, &format!("{INSIGHTS}?offset=2&limit=2")).await;
    assert_eq!(second["Paging"]["PrevOffset"], 0);
    assert_ne!(insights(&second)[0]["Id"], insights(&first)[0]["Id"]);
    for bad in [
        "sort=Name",
        "sort_order=UP",
        "limit=0",
        "limit=1001",
        "offset=-1",
    ] {
        let (status, answer) = client
            .call(&admin, "GET", &format!("{INSIGHTS}?{bad}"), None)
            .await;
        assert_eq!(status, 400, "{bad}: {answer}");
    }
    emu.shutdown().await;
}
