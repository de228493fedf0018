//! Service control policies and their attachments: tasks, limits, 400s and 404s.

mod common;

use common::{Client, Creds, change, get, setup};
use serde_json::{Value, json};

const DENY_LEAVE: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"organizations:LeaveOrganization","Resource":"*"}]}"#;

async fn new_policy(client: &Client, creds: &Creds, name: &str) -> String {
    let (answer, task) = change(
        client,
        creds,
        "POST",
        "/20190206/policies",
        Some(json!({"Name": name, "Description": "for tests", "Policy": DENY_LEAVE})),
    )
    .await;
    assert_eq!(task["Status"], "SUCCEEDED");
    answer["Detail"]["Policy"]["PolicyId"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn policies_are_created_updated_and_deleted_through_tasks() {
    let (emu, client, creds) = setup(800).await;
    let (status, answer) = client
        .call(
            &creds,
            "POST",
            "/20190206/policies",
            Some(json!({"Name": "deny-leave", "Description": "Stay in the organisation", "Policy": DENY_LEAVE, "Tags": {"Owner": "sec"}})),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["Detail"]["Operation"], "policies:CreatePolicy");
    let id = answer["Detail"]["Policy"]["PolicyId"]
        .as_str()
        .unwrap()
        .to_owned();
    let one = get(&client, &creds, &format!("/20190206/policies/{id}")).await;
    assert_eq!(one["Policies"][0]["Status"], "CREATE_IN_PROGRESS");
    let (task, _) = client
        .wait_task(&creds, answer["Detail"]["TaskId"].as_str().unwrap())
        .await;
    assert_eq!(task["Status"], "SUCCEEDED");
    let one = get(&client, &creds, &format!("/20190206/policies/{id}")).await;
    let policy = &one["Policies"][0];
    assert_eq!(policy["Status"], "ACTIVE");
    assert_eq!(policy["PolicyType"], "SCP");
    assert_eq!(policy["Content"]["Statement"][0]["Effect"], "Deny");
    assert_eq!(policy["OrganisationAttachment"], Value::Null);
    assert_eq!(policy["Tags"], json!({"Owner": "sec"}));

    // Names are unique.
    let (status, body) = client
        .call(
            &creds,
            "POST",
            "/20190206/policies",
            Some(json!({"Name": "DENY-LEAVE", "Description": "again", "Policy": "{}"})),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(body["Error"].as_str().unwrap().contains("Name"));

    let (_, task) = change(
        &client,
        &creds,
        "PUT",
        &format!("/20190206/policies/{id}"),
        Some(json!({"Description": "Never leave", "Policy": r#"{"Version":"2012-10-17","Statement":[]}"#})),
    )
    .await;
    assert_eq!(task["Status"], "SUCCEEDED");
    let policy =
        get(&client, &creds, &format!("/20190206/policies/{id}")).await["Policies"][0].clone();
    assert_eq!(policy["Description"], "Never leave");
    assert_eq!(policy["Content"]["Statement"], json!([]));
    assert_eq!(policy["Name"], "deny-leave");

    // A document over 5120 characters fails in its task and leaves the policy as it was.
    let big =
        json!({"Version": "2012-10-17", "Statement": [], "Sid": "x".repeat(6000)}).to_string();
    let (_, task) = change(
        &client,
        &creds,
        "PUT",
        &format!("/20190206/policies/{id}"),
        Some(json!({"Policy": big})),
    )
    .await;
    assert_eq!(task["Status"], "FAILED");
    assert!(task["Logs"].to_string().contains("5120"), "{task}");
    let policy =
        get(&client, &creds, &format!("/20190206/policies/{id}")).await["Policies"][0].clone();
    assert_eq!(policy["Status"], "UPDATE_FAILED");
    assert_eq!(policy["Content"]["Statement"], json!([]));

    let (_, task) = change(
        &client,
        &creds,
        "DELETE",
        &format!("/20190206/policies/{id}"),
        None,
    )
    .await;
    assert_eq!(task["Status"], "SUCCEEDED");
    let deleted = get(&client, &creds, "/20190206/policies?status=DELETED").await;
    assert_eq!(deleted["Policies"][0]["Id"], id.as_str());
    let active = get(&client, &creds, "/20190206/policies?status=ACTIVE").await;
    let active = active["Policies"].as_array().unwrap();
    assert!(active.iter().all(|p| p["Id"] != id.as_str()), "{active:?}");
    assert!(
        active.iter().all(|p| p["Status"] == "ACTIVE"),
        "the demo's policies stay: {active:?}"
    );
    let (status, _) = client
        .call(&creds, "DELETE", &format!("/20190206/policies/{id}"), None)
        .await;
    assert_eq!(status, 404);
    assert_eq!(emu.stats()["operations"]["organisations.UpdatePolicy"], 2);
    emu.shutdown().await;
}

#[tokio::test]
async fn policies_attach_to_units_accounts_and_the_organisation() {
    let (emu, client, creds) = setup(60).await;
    let policy = new_policy(&client, &creds, "guard-rails").await;
    let ous = get(
        &client,
        &creds,
        "/20190206/organisations/organisational-units",
    )
    .await;
    let ou = ous["OrganisationalUnits"][1]["Id"]
        .as_str()
        .unwrap()
        .to_owned();
    let accounts = get(&client, &creds, "/20190206/accounts?filter=ACTIVE").await;
    let account = accounts["Accounts"][0]["Id"].as_str().unwrap().to_owned();

    let (answer, task) = change(
        &client,
        &creds,
        "POST",
        &format!("/20190206/policies/{policy}/attachments"),
        Some(json!({"OrganisationalUnitId": ou})),
    )
    .await;
    assert_eq!(task["Status"], "SUCCEEDED");
    let on_ou = answer["Detail"]["PolicyAttachment"]["PolicyAttachmentId"]
        .as_str()
        .unwrap()
        .to_owned();
    let list = get(
        &client,
        &creds,
        &format!("/20190206/organisations/organisational-units/{ou}/policies"),
    )
    .await;
    // The demo seed already attaches one policy to this unit.
    let attachment = list["PolicyAttachments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["Id"] == on_ou.as_str())
        .expect("the new attachment is listed");
    assert_eq!(attachment["PolicyAttachmentType"], "ORGANISATIONAL_UNIT");
    assert_eq!(attachment["Status"], "ACTIVE");
    assert_eq!(attachment["AccountId"], Value::Null);

    // The same policy twice on one unit is refused.
    let (status, body) = client
        .call(
            &creds,
            "POST",
            &format!("/20190206/policies/{policy}/attachments"),
            Some(json!({"OrganisationalUnitId": ou})),
        )
        .await;
    assert_eq!(status, 400, "{body}");

    let (_, task) = change(
        &client,
        &creds,
        "POST",
        &format!("/20190206/policies/{policy}/attachments"),
        Some(json!({"AccountId": account})),
    )
    .await;
    assert_eq!(task["Status"], "SUCCEEDED");
    let on_account = get(
        &client,
        &creds,
        &format!("/20190206/accounts/{account}/policies"),
    )
    .await;
    assert_eq!(
        on_account["PolicyAttachments"][0]["PolicyAttachmentType"],
        "ACCOUNT"
    );

    let (_, task) = change(
        &client,
        &creds,
        "PUT",
        &format!("/20190206/policies/organisation/{policy}"),
        Some(json!({})),
    )
    .await;
    assert_eq!(task["Status"], "SUCCEEDED");
    let org = get(&client, &creds, "/20190206/organisations/current").await;
    assert_eq!(org["Organisations"][0]["AttachedPolicies"], json!([policy]));
    let read = get(&client, &creds, &format!("/20190206/policies/{policy}")).await;
    assert_eq!(
        read["Policies"][0]["OrganisationAttachment"]["Status"],
        "ACTIVE"
    );
    let all = get(
        &client,
        &creds,
        &format!("/20190206/policies/{policy}/attachments"),
    )
    .await;
    assert_eq!(all["PolicyAttachments"].as_array().unwrap().len(), 3);

    // Attached, it cannot be deleted: the task fails.
    let (_, task) = change(
        &client,
        &creds,
        "DELETE",
        &format!("/20190206/policies/{policy}"),
        None,
    )
    .await;
    assert_eq!(task["Status"], "FAILED");
    assert!(task["Logs"].to_string().contains("attached 3"), "{task}");
    let read = get(&client, &creds, &format!("/20190206/policies/{policy}")).await;
    assert_eq!(read["Policies"][0]["Status"], "DELETE_FAILED");

    // Detach everything, then it goes.
    let (_, task) = change(
        &client,
        &creds,
        "DELETE",
        &format!("/20190206/policies/organisation/{policy}"),
        None,
    )
    .await;
    assert_eq!(task["Status"], "SUCCEEDED");
    let (status, _) = client
        .call(
            &creds,
            "DELETE",
            &format!("/20190206/policies/organisation/{policy}"),
            None,
        )
        .await;
    assert_eq!(status, 404);
    for item in all["PolicyAttachments"].as_array().unwrap() {
        if item["PolicyAttachmentType"] == "STAX_ORGANISATION" {
            continue;
        }
        let (answer, task) = change(
            &client,
            &creds,
            "DELETE",
            &format!(
                "/20190206/policies/attachments/{}",
                item["Id"].as_str().unwrap()
            ),
            None,
        )
        .await;
        assert_eq!(task["Status"], "SUCCEEDED");
        assert_eq!(
            answer["Detail"]["PolicyAttachment"]["PolicyAttachmentId"],
            item["Id"]
        );
    }
    let org = get(&client, &creds, "/20190206/organisations/current").await;
    assert_eq!(org["Organisations"][0]["AttachedPolicies"], json!([]));
    let none = get(
        &client,
        &creds,
        &format!("/20190206/accounts/{account}/policies"),
    )
    .await;
    assert_eq!(none["PolicyAttachments"], json!([]));
    let (_, task) = change(
        &client,
        &creds,
        "DELETE",
        &format!("/20190206/policies/{policy}"),
        None,
    )
    .await;
    assert_eq!(task["Status"], "SUCCEEDED");
    emu.shutdown().await;
}

#[tokio::test]
async fn an_account_carries_five_policies_at_most() {
    let (emu, client, creds) = setup(60).await;
    let accounts = get(&client, &creds, "/20190206/accounts?filter=ACTIVE").await;
    let account = accounts["Accounts"][0]["Id"].as_str().unwrap().to_owned();
    for n in 1..=6 {
        let policy = new_policy(&client, &creds, &format!("limit-{n}")).await;
        let (_, task) = change(
            &client,
            &creds,
            "POST",
            &format!("/20190206/policies/{policy}/attachments"),
            Some(json!({"AccountId": account})),
        )
        .await;
        let expected = if n <= 5 { "SUCCEEDED" } else { "FAILED" };
        assert_eq!(task["Status"], expected, "attachment {n}");
    }
    let list = get(
        &client,
        &creds,
        &format!("/20190206/accounts/{account}/policies"),
    )
    .await;
    let statuses: Vec<&str> = list["PolicyAttachments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["Status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses.iter().filter(|s| **s == "ACTIVE").count(), 5);
    assert_eq!(
        statuses.iter().filter(|s| **s == "CREATE_FAILED").count(),
        1
    );
    emu.shutdown().await;
}

#[tokio::test]
async fn policy_bodies_are_validated_and_unknown_ids_are_404() {
    let (emu, client, creds) = setup(60).await;
    let bad = [
        (json!({"Description": "abc", "Policy": "{}"}), "Name"),
        (json!({"Name": "ok-name", "Policy": "{}"}), "Description"),
        (json!({"Name": "ok-name", "Description": "abc"}), "Policy"),
        (
            json!({"Name": "ok-name", "Description": "abc", "Policy": "not json"}),
            "Policy",
        ),
        (
            json!({"Name": "ok-name", "Description": "abc", "Policy": {"Version": "x"}}),
            "Policy",
        ),
        (
            json!({"Name": "no", "Description": "abc", "Policy": "{}"}),
            "Name",
        ),
    ];
    for (body, field) in bad {
        let (status, answer) = client
            .call(&creds, "POST", "/20190206/policies", Some(body.clone()))
            .await;
        assert_eq!(status, 400, "{body} -> {answer}");
        let error = answer["Error"].as_str().unwrap();
        assert!(error.contains(field), "{error} names {field}");
    }
    let policy = new_policy(&client, &creds, "validated").await;
    let attach = format!("/20190206/policies/{policy}/attachments");
    let missing = uuid::Uuid::new_v4().to_string();
    for (body, status, field) in [
        (json!({}), 400, "OrganisationalUnitId"),
        (json!({"AccountId": "nope"}), 400, "AccountId"),
        (
            json!({"AccountId": missing, "OrganisationalUnitId": missing}),
            400,
            "exactly one",
        ),
        (json!({"Extra": 1, "AccountId": missing}), 400, "Extra"),
        (json!({"AccountId": missing}), 404, &missing[..]),
        (json!({"OrganisationalUnitId": missing}), 404, &missing[..]),
    ] {
        let (got, answer) = client
            .call(&creds, "POST", &attach, Some(body.clone()))
            .await;
        assert_eq!(got, status, "{body} -> {answer}");
        let error = answer["Error"].as_str().unwrap();
        assert!(error.contains(field), "{error} names {field}");
    }
    let (status, answer) = client
        .call(
            &creds,
            "PUT",
            &format!("/20190206/policies/organisation/{policy}"),
            Some(json!({"OrganisationId": missing})),
        )
        .await;
    assert_eq!(status, 400, "{answer}");
    assert!(answer["Error"].as_str().unwrap().contains("OrganisationId"));

    for (method, path, body) in [
        ("GET", format!("/20190206/policies/{missing}"), None),
        (
            "PUT",
            format!("/20190206/policies/{missing}"),
            Some(json!({"Name": "whatever"})),
        ),
        ("DELETE", format!("/20190206/policies/{missing}"), None),
        (
            "GET",
            format!("/20190206/policies/{missing}/attachments"),
            None,
        ),
        (
            "POST",
            format!("/20190206/policies/{missing}/attachments"),
            Some(json!({"AccountId": missing})),
        ),
        (
            "DELETE",
            format!("/20190206/policies/attachments/{missing}"),
            None,
        ),
        (
            "PUT",
            format!("/20190206/policies/organisation/{missing}"),
            Some(json!({})),
        ),
        (
            "DELETE",
            format!("/20190206/policies/organisation/{missing}"),
            None,
        ),
        (
            "GET",
            format!("/20190206/accounts/{missing}/policies"),
            None,
        ),
        (
            "GET",
            format!("/20190206/organisations/organisational-units/{missing}/policies"),
            None,
        ),
    ] {
        let (status, answer) = client.call(&creds, method, &path, body).await;
        assert_eq!(status, 404, "{method} {path}: {answer}");
        assert!(answer["Error"].as_str().unwrap().contains(&missing));
    }
    emu.shutdown().await;
}

#[tokio::test]
async fn closing_an_account_ends_its_policy_attachments() {
    let (emu, client, creds) = setup(1500).await;
    let policy = new_policy(&client, &creds, "closing-guard").await;
    let accounts = get(
        &client,
        &creds,
        "/20190206/accounts?account_names=sandbox-alice",
    )
    .await;
    let account = accounts["Accounts"][0]["Id"].as_str().unwrap().to_owned();
    let (_, task) = change(
        &client,
        &creds,
        "POST",
        &format!("/20190206/policies/{policy}/attachments"),
        Some(json!({"AccountId": account})),
    )
    .await;
    assert_eq!(task["Status"], "SUCCEEDED");
    let on_account = format!("/20190206/accounts/{account}/policies");
    let before = get(&client, &creds, &on_account).await;
    assert_eq!(before["PolicyAttachments"][0]["Status"], "ACTIVE");

    let (status, closing) = client
        .call(
            &creds,
            "POST",
            "/20190206/accounts/close",
            Some(json!({"Id": account})),
        )
        .await;
    assert_eq!(status, 200, "{closing}");
    // While it closes, no new attachment is taken: it would outlive the account.
    let other = new_policy_pending(&client, &creds, "closing-late").await;
    let (status, body) = client
        .call(
            &creds,
            "POST",
            &format!("/20190206/policies/{other}/attachments"),
            Some(json!({"AccountId": account})),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(body["Error"].as_str().unwrap().contains("closed"), "{body}");
    let (task, _) = client
        .wait_task(&creds, closing["TaskId"].as_str().unwrap())
        .await;
    assert_eq!(task["Status"], "SUCCEEDED");

    let after = get(&client, &creds, &on_account).await;
    assert_eq!(after["PolicyAttachments"], json!([]));
    let on_policy = get(
        &client,
        &creds,
        &format!("/20190206/policies/{policy}/attachments"),
    )
    .await;
    assert_eq!(on_policy["PolicyAttachments"], json!([]));
    // Nothing holds the policy any more, so it can go.
    let (_, task) = change(
        &client,
        &creds,
        "DELETE",
        &format!("/20190206/policies/{policy}"),
        None,
    )
    .await;
    assert_eq!(task["Status"], "SUCCEEDED", "{task}");
    // A closed account takes no attachment at all.
    let (status, body) = client
        .call(
            &creds,
            "POST",
            &format!("/20190206/policies/{other}/attachments"),
            Some(json!({"AccountId": account})),
        )
        .await;
    assert_eq!(status, 404, "{body}");
    assert!(body["Error"].is_string(), "{body}");
    emu.shutdown().await;
}

/// Creates a policy without waiting for its task (it can be attached meanwhile).
async fn new_policy_pending(client: &Client, creds: &Creds, name: &str) -> String {
    let (status, answer) = client
        .call(
            creds,
            "POST",
            "/20190206/policies",
            Some(json!({"Name": name, "Description": "for tests", "Policy": DENY_LEAVE})),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    answer["Detail"]["Policy"]["PolicyId"]
        .as_str()
        .unwrap()
        .to_owned()
}
