//! Accounts, account types and API tokens: changes, their tasks, validation and 404s.

mod common;

use common::{Client, Creds, setup};
use serde_json::{Value, json};

async fn account_named(client: &Client, creds: &Creds, name: &str) -> Option<Value> {
    let (status, body) = client
        .call(
            creds,
            "GET",
            &format!("/20190206/accounts?account_names={name}"),
            None,
        )
        .await;
    assert_eq!(status, 200);
    body["Accounts"].as_array().unwrap().first().cloned()
}

#[tokio::test]
async fn create_account_walks_its_task_and_the_account_becomes_active() {
    let (emu, client, creds) = setup(300).await;
    let (status, body) = client
        .call(
            &creds,
            "POST",
            "/20190206/accounts",
            Some(
                json!({"Name": "new-shop", "AccountType": "development", "Tags": {"Team": "shop"}}),
            ),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["Detail"]["OperationStatus"], "STARTED");
    assert_eq!(body["Detail"]["Account"]["Name"], "new-shop");
    let task_id = body["TaskId"].as_str().unwrap().to_owned();
    let account = account_named(&client, &creds, "new-shop").await.unwrap();
    assert_eq!(account["Status"], "INITIALIZING");
    assert_eq!(account["AccountType"], "development");
    assert_eq!(account["Tags"]["Team"], "shop");

    let (task, seen) = client.wait_task(&creds, &task_id).await;
    assert_eq!(task["Status"], "SUCCEEDED");
    assert_eq!(task["Accounts"], json!([account["Id"]]));
    assert!(!task["Logs"].as_array().unwrap().is_empty());
    assert_eq!(seen.first().map(String::as_str), Some("STARTED"));
    assert_eq!(seen.last().map(String::as_str), Some("SUCCEEDED"));
    let account = account_named(&client, &creds, "new-shop").await.unwrap();
    assert_eq!(account["Status"], "ACTIVE");

    // The same name again is refused.
    let (status, body) = client
        .call(
            &creds,
            "POST",
            "/20190206/accounts",
            Some(json!({"Name": "new-shop", "AccountType": "development"})),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    let stats = emu.stats();
    assert_eq!(stats["operations"]["accounts.CreateAccount"], 2);
    assert!(stats["operations"]["tasks.ReadTask"].as_u64().unwrap() >= 1);
    emu.shutdown().await;
}

#[tokio::test]
async fn update_and_close_account_and_their_failures() {
    let (emu, client, creds) = setup(100).await;
    let account = account_named(&client, &creds, "bakery-dev").await.unwrap();
    let id = account["Id"].as_str().unwrap().to_owned();
    let (status, body) = client
        .call(
            &creds,
            "PUT",
            &format!("/20190206/accounts/{id}"),
            Some(json!({"Name": "bakery-dev2", "Tags": {"Env": "dev"}})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let task_id = body["TaskId"].as_str().unwrap().to_owned();
    // A second change while the first runs conflicts.
    let (status, body) = client
        .call(
            &creds,
            "PUT",
            &format!("/20190206/accounts/{id}"),
            Some(json!({"Name": "other"})),
        )
        .await;
    assert_eq!(status, 409, "{body}");
    let (task, _) = client.wait_task(&creds, &task_id).await;
    assert_eq!(task["Status"], "SUCCEEDED");
    let updated = account_named(&client, &creds, "bakery-dev2").await.unwrap();
    assert_eq!(updated["Id"], id.as_str());
    assert_eq!(updated["Tags"], json!({"Env": "dev"}));

    // Close it, then closing again fails in its task, with logs saying why.
    let (status, body) = client
        .call(
            &creds,
            "POST",
            "/20190206/accounts/close",
            Some(json!({"Id": id})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (task, _) = client
        .wait_task(&creds, body["TaskId"].as_str().unwrap())
        .await;
    assert_eq!(task["Status"], "SUCCEEDED");
    assert_eq!(
        account_named(&client, &creds, "bakery-dev2").await.unwrap()["Status"],
        "CLOSED"
    );
    let (_, body) = client
        .call(
            &creds,
            "POST",
            "/20190206/accounts/close",
            Some(json!({"Id": id})),
        )
        .await;
    let (task, _) = client
        .wait_task(&creds, body["TaskId"].as_str().unwrap())
        .await;
    assert_eq!(task["Status"], "FAILED");
    let logs = task["Logs"].to_string();
    assert!(logs.contains("already CLOSED"), "{logs}");
    // Updating a closed account fails the same way.
    let (_, body) = client
        .call(
            &creds,
            "PUT",
            &format!("/20190206/accounts/{id}"),
            Some(json!({"Name": "zombie"})),
        )
        .await;
    let (task, _) = client
        .wait_task(&creds, body["TaskId"].as_str().unwrap())
        .await;
    assert_eq!(task["Status"], "FAILED");
    assert!(account_named(&client, &creds, "zombie").await.is_none());
    emu.shutdown().await;
}

#[tokio::test]
async fn bodies_are_validated_and_unknown_ids_are_404() {
    let (emu, client, creds) = setup(100).await;
    let bad_bodies = [
        (json!({"AccountType": "development"}), "Name"),
        (json!({"Name": 7, "AccountType": "development"}), "Name"),
        (
            json!({"Name": "x", "AccountType": "development", "AwsAccountAlias": "Bad--Alias"}),
            "AwsAccountAlias",
        ),
        (
            json!({"Name": "x", "AccountType": "development", "Tags": {"k": "bad!value"}}),
            "Tags",
        ),
    ];
    for (body, field) in bad_bodies {
        let (status, answer) = client
            .call(&creds, "POST", "/20190206/accounts", Some(body.clone()))
            .await;
        assert_eq!(status, 400, "{body} -> {answer}");
        let error = answer["Error"].as_str().unwrap();
        assert!(error.contains(field), "{error} names {field}");
    }
    let (status, answer) = client
        .call(
            &creds,
            "POST",
            "/20190206/accounts",
            Some(json!({"Name": "x", "AccountType": "no-such-type"})),
        )
        .await;
    assert_eq!(status, 400);
    assert!(answer["Error"].as_str().unwrap().contains("no-such-type"));
    let request = client.signed(
        &creds,
        "POST",
        "/20190206/accounts/types",
        None,
        std::time::SystemTime::now(),
    );
    let mut request = request;
    *request.body_mut() = Some("{not json".into());
    // The body changed after signing, so the gate refuses it first.
    let response = client.http.execute(request).await.unwrap();
    assert_eq!(response.status(), 403);

    let missing = uuid::Uuid::new_v4();
    for (method, path, body) in [
        (
            "PUT",
            format!("/20190206/accounts/{missing}"),
            Some(json!({"Name": "x"})),
        ),
        (
            "POST",
            "/20190206/accounts/close".to_owned(),
            Some(json!({"Id": missing.to_string()})),
        ),
        ("GET", format!("/20190206/task/{missing}"), None),
        ("GET", format!("/20190206/accounts/types/{missing}"), None),
        (
            "PUT",
            format!("/20190206/accounts/types/{missing}"),
            Some(json!({"Name": "whatever"})),
        ),
        (
            "DELETE",
            format!("/20190206/accounts/types/{missing}"),
            None,
        ),
        ("GET", format!("/20190206/api-tokens/{missing}"), None),
        ("DELETE", format!("/20190206/api-tokens/{missing}"), None),
    ] {
        let (status, answer) = client.call(&creds, method, &path, body).await;
        assert_eq!(status, 404, "{method} {path}: {answer}");
        assert!(
            answer["Error"]
                .as_str()
                .unwrap()
                .contains(&missing.to_string())
        );
    }
    emu.shutdown().await;
}

#[tokio::test]
async fn account_types_crud_members_and_access() {
    let (emu, client, creds) = setup(50).await;
    let (status, body) = client
        .call(
            &creds,
            "POST",
            "/20190206/accounts/types",
            Some(json!({"Name": "staging"})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["Detail"]["OperationStatus"], "SUCCEEDED");
    let type_id = body["Detail"]["AccountType"]["Id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, _) = client
        .call(
            &creds,
            "POST",
            "/20190206/accounts/types",
            Some(json!({"Name": "STAGING"})),
        )
        .await;
    assert_eq!(status, 400, "names are unique in any case");
    let (status, body) = client
        .call(
            &creds,
            "PUT",
            &format!("/20190206/accounts/types/{type_id}"),
            Some(json!({"Name": "pre-prod"})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["AccountTypes"]["Name"], "pre-prod");

    // Move an account into it.
    let account = account_named(&client, &creds, "sandbox-alice")
        .await
        .unwrap();
    let (status, body) = client
        .call(
            &creds,
            "PUT",
            "/20190206/account-types/members",
            Some(json!({"Members": [{"AccountId": account["Id"], "AccountTypeName": "pre-prod"}]})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (task, _) = client
        .wait_task(&creds, body["Detail"]["TaskId"].as_str().unwrap())
        .await;
    assert_eq!(task["Status"], "SUCCEEDED");
    let (_, body) = client
        .call(
            &creds,
            "GET",
            &format!("/20190206/accounts/types/{type_id}"),
            None,
        )
        .await;
    assert_eq!(body["AccountTypes"][0]["Accounts"], json!([account["Id"]]));
    assert_eq!(
        account_named(&client, &creds, "sandbox-alice")
            .await
            .unwrap()["AccountType"],
        "pre-prod"
    );

    // An account type in use cannot be deleted.
    let (status, _) = client
        .call(
            &creds,
            "DELETE",
            &format!("/20190206/accounts/types/{type_id}"),
            None,
        )
        .await;
    assert_eq!(status, 400);

    // Grant a group a role on it, then revoke it.
    let (status, body) = client
        .call(&creds, "PUT", "/20190206/accounts/types/access", Some(json!({"AddRoles": [{"AccountTypeId": type_id, "GroupName": "Developers", "RoleName": "developer"}]})))
        .await;
    assert_eq!(status, 200, "{body}");
    client
        .wait_task(&creds, body["Detail"]["TaskId"].as_str().unwrap())
        .await;
    let (_, body) = client
        .call(
            &creds,
            "GET",
            &format!("/20190206/accounts/types?id_filter={type_id}"),
            None,
        )
        .await;
    let roles = body["AccountTypes"][0]["Roles"].as_array().unwrap().clone();
    assert_eq!(roles.len(), 1);
    assert_eq!(roles[0]["RoleName"], "developer");
    let (status, body) = client
        .call(&creds, "PUT", "/20190206/accounts/types/access", Some(json!({"RemoveRoles": [{"AccountTypeName": "pre-prod", "GroupId": roles[0]["GroupId"], "RoleName": "developer"}]})))
        .await;
    assert_eq!(status, 200, "{body}");
    client
        .wait_task(&creds, body["Detail"]["TaskId"].as_str().unwrap())
        .await;
    let (_, body) = client
        .call(
            &creds,
            "GET",
            &format!("/20190206/accounts/types/{type_id}"),
            None,
        )
        .await;
    assert_eq!(body["AccountTypes"][0]["Roles"], json!([]));

    // Once empty, it can go.
    let (_, body) = client
        .call(
            &creds,
            "PUT",
            "/20190206/account-types/members",
            Some(json!({"Members": [{"AccountId": account["Id"], "AccountTypeName": "sandbox"}]})),
        )
        .await;
    client
        .wait_task(&creds, body["Detail"]["TaskId"].as_str().unwrap())
        .await;
    let (status, body) = client
        .call(
            &creds,
            "DELETE",
            &format!("/20190206/accounts/types/{type_id}"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["AccountTypes"]["Status"], "DELETED");
    let (_, body) = client
        .call(&creds, "GET", "/20190206/accounts/types", None)
        .await;
    assert!(
        body["AccountTypes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["Id"] != type_id.as_str())
    );
    emu.shutdown().await;
}

#[tokio::test]
async fn api_tokens_sign_in_at_once_and_stop_when_deleted() {
    let (emu, client, creds) = setup(50).await;
    let (status, body) = client
        .call(
            &creds,
            "POST",
            "/20190206/api-tokens",
            Some(json!({"Name": "ci-pipeline", "Role": "api_readonly", "Description": "for CI"})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let token = &body["ApiTokens"][0];
    let access = token["AccessKey"].as_str().unwrap().to_owned();
    let secret = token["SecretKey"].as_str().unwrap().to_owned();
    assert_eq!(secret.len(), 32);

    // The new keys work straight away.
    let other = client.login(&access, &secret).await;
    let (status, _) = client.call(&other, "GET", "/20190206/accounts", None).await;
    assert_eq!(status, 200);

    // Reading never shows the secret.
    let (_, list) = client
        .call(&creds, "GET", "/20190206/api-tokens", None)
        .await;
    assert!(
        list["ApiTokens"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["AccessKey"] == access.as_str())
    );
    assert!(!list.to_string().contains(&secret));
    let (_, one) = client
        .call(
            &creds,
            "GET",
            &format!("/20190206/api-tokens/{access}"),
            None,
        )
        .await;
    assert_eq!(one["ApiTokens"][0]["Name"], "ci-pipeline");

    let (status, body) = client
        .call(
            &creds,
            "PUT",
            &format!("/20190206/api-tokens/{access}"),
            Some(json!({"Description": "for CI jobs", "Role": "api_user"})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["ApiTokens"][0]["Role"], "api_user");

    let (status, body) = client
        .call(
            &creds,
            "POST",
            "/20190206/api-tokens",
            Some(json!({"Name": "bad name!", "Role": "api_user"})),
        )
        .await;
    assert_eq!(status, 400);
    assert!(body["Error"].as_str().unwrap().contains("Name"));
    let (status, _) = client
        .call(
            &creds,
            "POST",
            "/20190206/api-tokens",
            Some(json!({"Name": "ok", "Role": "root"})),
        )
        .await;
    assert_eq!(status, 400);

    let (status, body) = client
        .call(
            &creds,
            "DELETE",
            &format!("/20190206/api-tokens/{access}"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["ApiTokens"][0]["Status"], "DELETED");
    let err = client.sign_in(&access, &secret).await.unwrap_err();
    assert_eq!(err.0, "UserNotFoundException");
    let (_, list) = client
        .call(&creds, "GET", "/20190206/api-tokens?status=deleted", None)
        .await;
    assert!(
        list["ApiTokens"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["AccessKey"] == access.as_str())
    );
    emu.shutdown().await;
}
