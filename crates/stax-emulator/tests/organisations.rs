//! The organisation and its organisational units: reads, changes through tasks, 400s and 404s.

mod common;

use common::{Client, Creds, change, get, setup};
use serde_json::{Value, json};

const OUS: &str = "/20190206/organisations/organisational-units";

async fn ou_named(client: &Client, creds: &Creds, name: &str) -> Option<Value> {
    get(client, creds, OUS).await["OrganisationalUnits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["Name"] == name)
        .cloned()
}

#[tokio::test]
async fn organisation_and_its_features_are_readable() {
    let (emu, client, creds) = setup(60).await;
    let all = get(&client, &creds, "/20190206/organisations").await;
    let current = get(&client, &creds, "/20190206/organisations/current").await;
    assert_eq!(all, current);
    let org = &current["Organisations"][0];
    assert_eq!(org["Status"], "ACTIVE");
    assert_eq!(org["Region"], "ap-southeast-2");
    let features = get(&client, &creds, "/20190206/organisations/current/features").await;
    assert_eq!(
        features,
        json!({"NetworksEnabled": false, "WorkloadsEnabled": true})
    );
    let stats = emu.stats();
    assert_eq!(stats["operations"]["organisations.ReadOrganisations"], 1);
    assert_eq!(stats["operations"]["organisations.ReadOrganisation"], 1);
    emu.shutdown().await;
}

#[tokio::test]
async fn organisational_units_are_created_renamed_filled_and_deleted_through_tasks() {
    let (emu, client, creds) = setup(800).await;
    let root = ou_named(&client, &creds, "Root").await.unwrap();
    assert_eq!(root["OrganisationalUnitType"], "ROOT");

    let (status, answer) = client
        .call(
            &creds,
            "POST",
            OUS,
            Some(json!({"Name": "Payments", "ParentOrganisationalUnitId": null, "Tags": {"Team": "pay"}})),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["Detail"]["OperationStatus"], "STARTED");
    assert_eq!(
        answer["Detail"]["Operation"],
        "organisations:CreateOrganisationalUnit"
    );
    let id = answer["Detail"]["OrganisationalUnit"]["OrganisationalUnitId"]
        .as_str()
        .unwrap()
        .to_owned();
    let fresh = ou_named(&client, &creds, "Payments").await.unwrap();
    assert_eq!(fresh["Status"], "CREATE_IN_PROGRESS");
    assert_eq!(fresh["ParentOrganisationalUnitId"], root["Id"]);
    assert_eq!(fresh["Tags"], json!({"Team": "pay"}));
    let (task, _) = client
        .wait_task(&creds, answer["Detail"]["TaskId"].as_str().unwrap())
        .await;
    assert_eq!(task["Status"], "SUCCEEDED");
    let one = get(&client, &creds, &format!("{OUS}/{id}")).await;
    assert_eq!(one["OrganisationalUnits"][0]["Status"], "ACTIVE");
    assert!(one["OrganisationalUnits"][0]["CreatedBy"].is_string());

    // A sibling with the same name is refused; a second change while one runs conflicts.
    let (status, body) = client
        .call(
            &creds,
            "POST",
            OUS,
            Some(json!({"Name": "payments", "ParentOrganisationalUnitId": root["Id"]})),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    let (status, first) = client
        .call(
            &creds,
            "PUT",
            &format!("{OUS}/{id}"),
            Some(json!({"Name": "Payments Team"})),
        )
        .await;
    assert_eq!(status, 200, "{first}");
    let (status, body) = client
        .call(&creds, "DELETE", &format!("{OUS}/{id}"), None)
        .await;
    assert_eq!(status, 409, "{body}");
    let (task, _) = client
        .wait_task(&creds, first["Detail"]["TaskId"].as_str().unwrap())
        .await;
    assert_eq!(task["Status"], "SUCCEEDED");
    assert!(ou_named(&client, &creds, "Payments Team").await.is_some());

    // Move an account in: the unit lists it and cannot be deleted.
    let accounts = get(
        &client,
        &creds,
        "/20190206/accounts?account_names=bakery-dev",
    )
    .await;
    let account_id = accounts["Accounts"][0]["Id"].as_str().unwrap().to_owned();
    let (status, moved) = client
        .call(
            &creds,
            "PUT",
            &format!("/20190206/accounts/{account_id}"),
            Some(json!({"OrganisationalUnitId": id})),
        )
        .await;
    assert_eq!(status, 200, "{moved}");
    client
        .wait_task(&creds, moved["TaskId"].as_str().unwrap())
        .await;
    let inside = get(&client, &creds, &format!("{OUS}/{id}/accounts")).await;
    assert_eq!(inside["Accounts"].as_array().unwrap().len(), 1);
    assert_eq!(inside["Accounts"][0]["Id"], account_id.as_str());
    assert_eq!(inside["Accounts"][0]["AccountType"], "development");
    let (_, task) = change(&client, &creds, "DELETE", &format!("{OUS}/{id}"), None).await;
    assert_eq!(task["Status"], "FAILED");
    assert!(task["Logs"].to_string().contains("1 account(s)"), "{task}");
    let failed = get(&client, &creds, &format!("{OUS}/{id}")).await;
    assert_eq!(failed["OrganisationalUnits"][0]["Status"], "DELETE_FAILED");

    // Move it back out; now the unit goes.
    let (_, moved) = client
        .call(
            &creds,
            "PUT",
            &format!("/20190206/accounts/{account_id}"),
            Some(json!({"OrganisationalUnitId": root["Id"]})),
        )
        .await;
    client
        .wait_task(&creds, moved["TaskId"].as_str().unwrap())
        .await;
    let (_, task) = change(&client, &creds, "DELETE", &format!("{OUS}/{id}"), None).await;
    assert_eq!(task["Status"], "SUCCEEDED");
    let gone = get(&client, &creds, &format!("{OUS}/{id}")).await;
    assert_eq!(gone["OrganisationalUnits"][0]["Status"], "DELETED");
    let active = get(&client, &creds, &format!("{OUS}?status=ACTIVE")).await;
    assert!(
        active["OrganisationalUnits"]
            .as_array()
            .unwrap()
            .iter()
            .all(|o| o["Status"] == "ACTIVE" && o["Id"] != id.as_str())
    );
    // A deleted unit takes no accounts and no further changes.
    let (status, body) = client
        .call(
            &creds,
            "PUT",
            &format!("/20190206/accounts/{account_id}"),
            Some(json!({"OrganisationalUnitId": id})),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    let (status, _) = client
        .call(&creds, "DELETE", &format!("{OUS}/{id}"), None)
        .await;
    assert_eq!(status, 404);
    let stats = emu.stats();
    assert_eq!(
        stats["operations"]["organisations.CreateOrganisationalUnit"],
        2
    );
    assert_eq!(
        stats["operations"]["organisations.DeleteOrganisationalUnit"],
        4
    );
    emu.shutdown().await;
}

#[tokio::test]
async fn organisational_units_nest_five_deep_at_most() {
    let (emu, client, creds) = setup(60).await;
    let mut parent = Value::Null;
    for level in 1..=6 {
        let (answer, task) = change(
            &client,
            &creds,
            "POST",
            OUS,
            Some(json!({"Name": format!("level-{level}"), "ParentOrganisationalUnitId": parent})),
        )
        .await;
        let id = answer["Detail"]["OrganisationalUnit"]["OrganisationalUnitId"].clone();
        if level <= 5 {
            assert_eq!(task["Status"], "SUCCEEDED", "level {level}");
        } else {
            assert_eq!(task["Status"], "FAILED");
            assert!(task["Logs"].to_string().contains("at most 5"), "{task}");
            let ou = get(&client, &creds, &format!("{OUS}/{}", id.as_str().unwrap())).await;
            assert_eq!(ou["OrganisationalUnits"][0]["Status"], "CREATE_FAILED");
        }
        parent = id;
    }
    emu.shutdown().await;
}

#[tokio::test]
async fn organisational_unit_bodies_are_validated_and_unknown_ids_are_404() {
    let (emu, client, creds) = setup(60).await;
    let bad = [
        (json!({"ParentOrganisationalUnitId": null}), "Name"),
        (
            json!({"Name": 5, "ParentOrganisationalUnitId": null}),
            "Name",
        ),
        (json!({"Name": ""}), "Name"),
        (json!({"Name": "x"}), "ParentOrganisationalUnitId"),
        (
            json!({"Name": "x", "ParentOrganisationalUnitId": "not-a-uuid"}),
            "ParentOrganisationalUnitId",
        ),
        (
            json!({"Name": "x", "ParentOrganisationalUnitId": uuid::Uuid::new_v4().to_string()}),
            "ParentOrganisationalUnitId",
        ),
        (
            json!({"Name": "x", "ParentOrganisationalUnitId": null, "Tags": {"k": "bad!"}}),
            "Tags",
        ),
    ];
    for (body, field) in bad {
        let (status, answer) = client.call(&creds, "POST", OUS, Some(body.clone())).await;
        assert_eq!(status, 400, "{body} -> {answer}");
        let error = answer["Error"].as_str().unwrap();
        assert!(error.contains(field), "{error} names {field}");
    }
    let root = ou_named(&client, &creds, "Root").await.unwrap();
    let root_id = root["Id"].as_str().unwrap();
    let (status, body) = client
        .call(&creds, "DELETE", &format!("{OUS}/{root_id}"), None)
        .await;
    assert_eq!(status, 400, "{body}");
    let (status, body) = client
        .call(
            &creds,
            "PUT",
            &format!("{OUS}/{root_id}"),
            Some(json!({"Name": 12})),
        )
        .await;
    assert_eq!(status, 400);
    assert!(body["Error"].as_str().unwrap().contains("Name"));

    let missing = uuid::Uuid::new_v4().to_string();
    for (method, path, body) in [
        ("GET", format!("{OUS}/{missing}"), None),
        ("GET", format!("{OUS}/{missing}/accounts"), None),
        (
            "PUT",
            format!("{OUS}/{missing}"),
            Some(json!({"Name": "x"})),
        ),
        ("DELETE", format!("{OUS}/{missing}"), None),
    ] {
        let (status, answer) = client.call(&creds, method, &path, body).await;
        assert_eq!(status, 404, "{method} {path}: {answer}");
        assert!(answer["Error"].as_str().unwrap().contains(&missing));
    }
    let (status, answer) = client
        .call(&creds, "GET", &format!("{OUS}/nope"), None)
        .await;
    assert_eq!(status, 400, "{answer}");
    emu.shutdown().await;
}
