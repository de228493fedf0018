//! Users and groups: invitations, changes through tasks, membership, 400s, 404s and 409s.

mod common;

use common::{Client, Creds, get, send, settle, setup};
use serde_json::{Value, json};

async fn user_by_email(client: &Client, creds: &Creds, email: &str) -> Option<Value> {
    get(
        client,
        creds,
        "/20190206/users?status_filter=ACTIVE,DISABLED,INVITED,NEW,DELETED",
    )
    .await["Users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["Email"] == email)
        .cloned()
}

#[tokio::test]
async fn users_are_invited_changed_and_deleted() {
    let (emu, client, creds) = setup(800).await;
    let answer = send(
        &client,
        &creds,
        "POST",
        "/20190206/idam/user",
        Some(json!({"Email": "carol.new@example.com", "FirstName": "Carol", "LastName": "New"})),
    )
    .await;
    assert_eq!(answer["Detail"]["Operation"], "teams:CreateUser");
    assert!(answer["Detail"].get("TaskId").is_none());
    let fresh = user_by_email(&client, &creds, "carol.new@example.com")
        .await
        .unwrap();
    assert_eq!(fresh["Status"], "NEW");
    assert_eq!(fresh["Role"], "customer_user");
    assert_eq!(fresh["Name"], "Carol New");
    let task = settle(&client, &creds, &answer).await;
    assert_eq!(task["Status"], "SUCCEEDED");
    assert_eq!(task["Users"], json!([fresh["Id"]]));
    let id = fresh["Id"].as_str().unwrap().to_owned();
    let one = get(&client, &creds, &format!("/20190206/users/{id}")).await;
    assert_eq!(one["Users"][0]["Status"], "INVITED");

    // The same email again is refused, in any case.
    let (status, body) = client
        .call(
            &creds,
            "POST",
            "/20190206/idam/user",
            Some(json!({"Email": "CAROL.NEW@example.com", "FirstName": "C", "LastName": "N"})),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(body["Error"].as_str().unwrap().contains("Email"));

    // Invitations can be resent while pending; passwords reset only once active.
    let resent = send(
        &client,
        &creds,
        "PUT",
        &format!("/20190206/idam/user/resend-invite/{id}"),
        None,
    )
    .await;
    assert!(
        resent["Detail"]["Message"]
            .as_str()
            .unwrap()
            .contains("carol.new")
    );
    let (status, _) = client
        .call(
            &creds,
            "PUT",
            &format!("/20190206/idam/user/reset-password/{id}"),
            None,
        )
        .await;
    assert_eq!(status, 400);

    let changed = send(
        &client,
        &creds,
        "PUT",
        &format!("/20190206/idam/user/{id}"),
        Some(json!({"LastName": "Admin", "Role": "customer_admin", "Status": "ACTIVE"})),
    )
    .await;
    let task = settle(&client, &creds, &changed).await;
    assert_eq!(task["Status"], "SUCCEEDED");
    let user = get(&client, &creds, &format!("/20190206/users/{id}")).await["Users"][0].clone();
    assert_eq!(user["Name"], "Carol Admin");
    assert_eq!(user["Role"], "customer_admin");
    assert_eq!(user["Status"], "ACTIVE");
    send(
        &client,
        &creds,
        "PUT",
        &format!("/20190206/idam/user/reset-password/{id}"),
        None,
    )
    .await;
    let (status, _) = client
        .call(
            &creds,
            "PUT",
            &format!("/20190206/idam/user/resend-invite/{id}"),
            None,
        )
        .await;
    assert_eq!(status, 400);

    // Filters.
    let only = get(&client, &creds, &format!("/20190206/users?id_filter={id}")).await;
    assert_eq!(only["Users"].as_array().unwrap().len(), 1);
    let admins = get(&client, &creds, "/20190206/users?status_filter=ACTIVE").await;
    assert!(admins["Users"].as_array().unwrap().len() >= 4);

    // Put the user in a group, then delete it: gone from the group and the default list.
    let group = get(&client, &creds, "/20190206/groups").await["Groups"][0]["Id"].clone();
    let members = send(
        &client,
        &creds,
        "PUT",
        "/20190206/groups/members",
        Some(json!({"AddMembers": [{"UserId": id, "GroupId": group}]})),
    )
    .await;
    settle(&client, &creds, &members).await;
    let deleted = send(
        &client,
        &creds,
        "DELETE",
        &format!("/20190206/users/{id}"),
        None,
    )
    .await;
    assert_eq!(deleted["Users"][0]["Status"], "DELETED");
    let group = get(
        &client,
        &creds,
        &format!("/20190206/groups/{}", group.as_str().unwrap()),
    )
    .await;
    assert!(!group["Groups"][0]["Users"].to_string().contains(&id));
    let all = get(&client, &creds, "/20190206/users").await;
    assert!(!all.to_string().contains(&id));
    let (status, _) = client
        .call(&creds, "DELETE", &format!("/20190206/users/{id}"), None)
        .await;
    assert_eq!(status, 404);
    let stats = emu.stats();
    assert_eq!(stats["operations"]["teams.CreateUser"], 2);
    assert_eq!(stats["operations"]["teams.DeleteUser"], 2);
    emu.shutdown().await;
}

#[tokio::test]
async fn the_organisation_keeps_one_active_admin_and_users_me_is_the_token() {
    let (emu, client, creds) = setup(60).await;
    let ada = user_by_email(&client, &creds, "ada.admin@example.com")
        .await
        .unwrap();
    let id = ada["Id"].as_str().unwrap();
    let answer = send(
        &client,
        &creds,
        "PUT",
        &format!("/20190206/idam/user/{id}"),
        Some(json!({"Status": "DISABLED"})),
    )
    .await;
    let task = settle(&client, &creds, &answer).await;
    assert_eq!(task["Status"], "FAILED");
    assert!(
        task["Logs"]
            .to_string()
            .contains("last active customer_admin")
    );
    let ada = get(&client, &creds, &format!("/20190206/users/{id}")).await;
    assert_eq!(ada["Users"][0]["Status"], "ACTIVE");
    let (status, body) = client
        .call(&creds, "DELETE", &format!("/20190206/users/{id}"), None)
        .await;
    assert_eq!(status, 400, "{body}");

    let me = get(&client, &creds, "/20190206/users/me").await;
    assert_eq!(me["Users"][0]["Id"], emu.access_key());
    assert_eq!(me["Users"][0]["Role"], "api_admin");
    emu.shutdown().await;
}

#[tokio::test]
async fn groups_are_created_renamed_filled_and_deleted() {
    let (emu, client, creds) = setup(800).await;
    let answer = send(
        &client,
        &creds,
        "POST",
        "/20190206/groups",
        Some(json!({"Name": "Auditors"})),
    )
    .await;
    let id = answer["GroupId"].as_str().unwrap().to_owned();
    let fresh = get(&client, &creds, &format!("/20190206/groups/{id}")).await;
    assert_eq!(fresh["Groups"][0]["Status"], "NEW");
    assert_eq!(fresh["Groups"][0]["GroupType"], "LOCAL");
    let (status, body) = client
        .call(
            &creds,
            "PUT",
            &format!("/20190206/groups/{id}"),
            Some(json!({"Name": "Other"})),
        )
        .await;
    assert_eq!(status, 409, "a change while the task runs: {body}");
    assert_eq!(
        settle(&client, &creds, &answer).await["Status"],
        "SUCCEEDED"
    );
    let (status, body) = client
        .call(
            &creds,
            "POST",
            "/20190206/groups",
            Some(json!({"Name": "auditors"})),
        )
        .await;
    assert_eq!(status, 409, "{body}");
    assert!(body["Error"].as_str().unwrap().contains("Name"));

    let renamed = send(
        &client,
        &creds,
        "PUT",
        &format!("/20190206/groups/{id}"),
        Some(json!({"Name": "Cost Auditors"})),
    )
    .await;
    assert_eq!(
        settle(&client, &creds, &renamed).await["Status"],
        "SUCCEEDED"
    );

    let users = get(&client, &creds, "/20190206/users").await;
    let ids: Vec<Value> = users["Users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["Id"].clone())
        .collect();
    let add: Vec<Value> = ids
        .iter()
        .map(|u| json!({"UserId": u, "GroupId": id}))
        .collect();
    let answer = send(
        &client,
        &creds,
        "PUT",
        "/20190206/groups/members",
        Some(json!({"AddMembers": add})),
    )
    .await;
    let task = settle(&client, &creds, &answer).await;
    assert_eq!(task["Status"], "SUCCEEDED");
    assert_eq!(task["Users"].as_array().unwrap().len(), ids.len());
    let answer = send(
        &client,
        &creds,
        "PUT",
        "/20190206/groups/members",
        Some(json!({"RemoveMembers": [{"UserId": ids[0], "GroupId": id}]})),
    )
    .await;
    settle(&client, &creds, &answer).await;
    let group = get(&client, &creds, &format!("/20190206/groups/{id}")).await["Groups"][0].clone();
    assert_eq!(group["Name"], "Cost Auditors");
    assert_eq!(group["Status"], "ACTIVE");
    assert_eq!(group["Users"], json!(ids[1..]));

    let deleted = send(
        &client,
        &creds,
        "DELETE",
        &format!("/20190206/groups/{id}"),
        None,
    )
    .await;
    assert_eq!(
        settle(&client, &creds, &deleted).await["Status"],
        "SUCCEEDED"
    );
    let all = get(&client, &creds, "/20190206/groups").await;
    assert!(!all.to_string().contains(&id));
    let gone = get(&client, &creds, &format!("/20190206/groups/{id}")).await;
    assert_eq!(gone["Groups"][0]["Status"], "DELETED");
    let (status, _) = client
        .call(&creds, "DELETE", &format!("/20190206/groups/{id}"), None)
        .await;
    assert_eq!(status, 404);
    emu.shutdown().await;
}

#[tokio::test]
async fn user_and_group_bodies_are_validated_and_unknown_ids_are_404() {
    let (emu, client, creds) = setup(60).await;
    for (path, body, field) in [
        (
            "/20190206/idam/user",
            json!({"FirstName": "A", "LastName": "B"}),
            "Email",
        ),
        (
            "/20190206/idam/user",
            json!({"Email": "not-an-email", "FirstName": "A", "LastName": "B"}),
            "Email",
        ),
        (
            "/20190206/idam/user",
            json!({"Email": "a.b@example.com", "FirstName": "<script>", "LastName": "B"}),
            "FirstName",
        ),
        (
            "/20190206/idam/user",
            json!({"Email": "a.b@example.com", "FirstName": "A", "LastName": "B", "Role": "customer_root"}),
            "Role",
        ),
        ("/20190206/groups", json!({}), "Name"),
        ("/20190206/groups", json!({"Name": "x"}), "Name"),
    ] {
        let (status, answer) = client.call(&creds, "POST", path, Some(body.clone())).await;
        assert_eq!(status, 400, "{body} -> {answer}");
        let error = answer["Error"].as_str().unwrap();
        assert!(error.contains(field), "{error} names {field}");
    }
    let (status, answer) = client
        .call(
            &creds,
            "PUT",
            "/20190206/groups/members",
            Some(json!({"AddMembers": [{"UserId": "x"}]})),
        )
        .await;
    assert_eq!(status, 400, "{answer}");
    assert!(answer["Error"].as_str().unwrap().contains("GroupId"));

    let missing = uuid::Uuid::new_v4().to_string();
    let group = get(&client, &creds, "/20190206/groups").await["Groups"][0]["Id"].clone();
    for (method, path, body) in [
        ("GET", format!("/20190206/users/{missing}"), None),
        ("DELETE", format!("/20190206/users/{missing}"), None),
        (
            "PUT",
            format!("/20190206/idam/user/{missing}"),
            Some(json!({"FirstName": "A"})),
        ),
        (
            "PUT",
            format!("/20190206/idam/user/resend-invite/{missing}"),
            None,
        ),
        (
            "PUT",
            format!("/20190206/idam/user/reset-password/{missing}"),
            None,
        ),
        ("GET", format!("/20190206/groups/{missing}"), None),
        (
            "PUT",
            format!("/20190206/groups/{missing}"),
            Some(json!({"Name": "whatever"})),
        ),
        ("DELETE", format!("/20190206/groups/{missing}"), None),
        (
            "PUT",
            "/20190206/groups/members".to_owned(),
            Some(json!({"AddMembers": [{"UserId": missing, "GroupId": group}]})),
        ),
    ] {
        let (status, answer) = client.call(&creds, method, &path, body).await;
        assert_eq!(status, 404, "{method} {path}: {answer}");
        assert!(answer["Error"].as_str().unwrap().contains(&missing));
    }
    emu.shutdown().await;
}

/// The roles on the account type `name`.
async fn roles_on(client: &Client, creds: &Creds, name: &str) -> Vec<Value> {
    get(client, creds, "/20190206/accounts/types").await["AccountTypes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["Name"] == name)
        .unwrap_or_else(|| panic!("account type {name}"))["Roles"]
        .as_array()
        .unwrap()
        .clone()
}

#[tokio::test]
async fn group_access_refuses_deleted_groups_and_deleting_a_group_revokes_it() {
    let (emu, client, creds) = setup(1000).await;
    const ACCESS: &str = "/20190206/accounts/types/access";
    let created = send(
        &client,
        &creds,
        "POST",
        "/20190206/groups",
        Some(json!({"Name": "Operators"})),
    )
    .await;
    settle(&client, &creds, &created).await;
    let operators = created["GroupId"].as_str().unwrap().to_owned();

    // Two grants in flight at once both land: each is applied on its own when its task ends.
    let first = send(
        &client,
        &creds,
        "PUT",
        ACCESS,
        Some(json!({"AddRoles": [
            {"AccountTypeName": "production", "GroupName": "Operators", "RoleName": "developer"},
        ]})),
    )
    .await;
    let second = send(
        &client,
        &creds,
        "PUT",
        ACCESS,
        Some(json!({"AddRoles": [
            {"AccountTypeName": "production", "GroupName": "Developers", "RoleName": "readonly"},
            {"AccountTypeName": "development", "GroupId": operators, "RoleName": "admin"},
        ]})),
    )
    .await;
    settle(&client, &creds, &first).await;
    settle(&client, &creds, &second).await;
    let production = roles_on(&client, &creds, "production").await;
    assert_eq!(production.len(), 2, "{production:?}");
    assert!(production.contains(&json!({"GroupId": operators, "RoleName": "developer"})));
    assert_eq!(
        roles_on(&client, &creds, "development").await,
        vec![json!({"GroupId": operators, "RoleName": "admin"})]
    );

    let deleting = send(
        &client,
        &creds,
        "DELETE",
        &format!("/20190206/groups/{operators}"),
        None,
    )
    .await;
    // While it is being deleted it takes no new role.
    let (status, body) = client
        .call(
            &creds,
            "PUT",
            ACCESS,
            Some(json!({"AddRoles": [
                {"AccountTypeName": "sandbox", "GroupId": operators, "RoleName": "admin"},
            ]})),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body["Error"].as_str().unwrap().contains("being deleted"),
        "{body}"
    );
    assert_eq!(
        settle(&client, &creds, &deleting).await["Status"],
        "SUCCEEDED"
    );

    // Its grants went with it; the other group's stayed.
    let production = roles_on(&client, &creds, "production").await;
    assert_eq!(production.len(), 1, "{production:?}");
    assert_eq!(production[0]["RoleName"], "readonly");
    assert_eq!(
        roles_on(&client, &creds, "development").await,
        Vec::<Value>::new()
    );

    // A deleted group, by id or name, and an unknown one are refused, adding or removing.
    let unknown = "8d5f0f4e-0000-4000-8000-000000000000";
    for (list, group) in [
        ("AddRoles", json!({"GroupId": operators})),
        ("AddRoles", json!({"GroupName": "Operators"})),
        ("AddRoles", json!({"GroupId": unknown})),
        ("AddRoles", json!({"GroupName": "Nobody"})),
        ("RemoveRoles", json!({"GroupId": operators})),
    ] {
        let mut entry = json!({"AccountTypeName": "production", "RoleName": "developer"});
        entry
            .as_object_mut()
            .unwrap()
            .extend(group.as_object().unwrap().clone());
        let (status, body) = client
            .call(&creds, "PUT", ACCESS, Some(json!({list: [entry]})))
            .await;
        assert_eq!(status, 400, "{list} {group}: {body}");
        assert!(
            body["Error"].as_str().unwrap().contains("does not exist"),
            "{body}"
        );
    }
    assert_eq!(roles_on(&client, &creds, "production").await.len(), 1);
    emu.shutdown().await;
}
