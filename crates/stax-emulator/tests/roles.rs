//! Roles: every operation states who may call it, read-only roles change nothing, managing
//! tokens and people needs an admin, nobody grants a role above their own; and Cognito's
//! lockout after repeated wrong passwords.

mod common;

use common::{Client, get, send, setup, token_of};
use serde_json::{Value, json};

/// The served document.
async fn served(client: &Client) -> Value {
    client
        .http
        .get(format!("{}/20190206/public/oas3-document", client.endpoint))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// `path` with each `{parameter}` replaced by a fresh UUID.
fn concrete(path: &str) -> String {
    path.split('/')
        .map(|segment| {
            if segment.starts_with('{') {
                uuid::Uuid::new_v4().to_string()
            } else {
                segment.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn count(body: &Value, key: &str) -> usize {
    body[key].as_array().map_or(0, Vec::len)
}

#[tokio::test]
async fn read_only_tokens_read_everything_and_change_nothing() {
    let (emu, client, admin) = setup(50).await;
    let (_, readonly) = token_of(&client, &admin, "api_readonly").await;
    let doc = served(&client).await;
    let before = get(&client, &admin, "/20190206/accounts/types").await;
    let tokens_before = get(&client, &admin, "/20190206/api-tokens").await;
    let mut changes = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let roles: Vec<&str> = op["x-stax-emulator-roles"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(Value::as_str)
                .collect();
            let id = op["x-stax-sdk-operation-id"].as_str().unwrap();
            if method == "get" {
                if !roles.is_empty() {
                    assert!(roles.contains(&"api_readonly"), "{id}: reads are open");
                }
                continue;
            }
            changes += 1;
            assert!(
                !roles.contains(&"api_readonly") && !roles.contains(&"customer_readonly"),
                "{id}: a read-only role may not change anything: {roles:?}"
            );
            assert!(
                op["description"]
                    .as_str()
                    .unwrap()
                    .contains(&roles.join(", ")),
                "{id}: the description names the roles"
            );
            let (status, body) = client
                .call(
                    &readonly,
                    &method.to_ascii_uppercase(),
                    &concrete(path),
                    Some(json!({})),
                )
                .await;
            assert_eq!(status, 403, "{method} {path}: {body}");
            let error = body["Error"].as_str().unwrap_or_default();
            assert!(
                error.contains("api_readonly") && error.contains(id),
                "{id}: {body}"
            );
        }
    }
    assert!(changes > 0);
    // Nothing changed, and nothing was started.
    assert_eq!(
        get(&client, &admin, "/20190206/accounts/types").await,
        before
    );
    assert_eq!(
        get(&client, &admin, "/20190206/api-tokens").await,
        tokens_before
    );
    // Reads work.
    let accounts = get(&client, &readonly, "/20190206/accounts").await;
    assert!(count(&accounts, "Accounts") > 0);
    // The refusals are counted like any call of the operation.
    assert!(emu.stats()["operations"]["teams.CreateApiToken"].as_u64() >= Some(2));
    emu.shutdown().await;
}

#[tokio::test]
async fn tokens_and_people_need_an_admin_and_nobody_grants_above_their_own_role() {
    let (emu, client, admin) = setup(50).await;
    let (_, readonly) = token_of(&client, &admin, "api_readonly").await;
    let (_, operations) = token_of(&client, &admin, "api_operations").await;
    let (_, user) = token_of(&client, &admin, "api_user").await;
    let tokens = count(
        &get(&client, &admin, "/20190206/api-tokens").await,
        "ApiTokens",
    );

    // A read-only token cannot mint an admin one.
    let (status, body) = client
        .call(
            &readonly,
            "POST",
            "/20190206/api-tokens",
            Some(json!({"Name": "escalate", "Role": "api_admin"})),
        )
        .await;
    assert_eq!(status, 403, "{body}");
    assert!(body["Error"].as_str().unwrap().contains("api_readonly"));
    // Nor can an operations token make tokens or people, though it changes the organisation.
    for (path, body) in [
        (
            "/20190206/api-tokens",
            json!({"Name": "more", "Role": "api_user"}),
        ),
        (
            "/20190206/idam/user",
            json!({"Email": "x.y@example.com", "FirstName": "X", "LastName": "Y"}),
        ),
        ("/20190206/groups", json!({"Name": "sneaky"})),
    ] {
        let (status, answer) = client.call(&operations, "POST", path, Some(body)).await;
        assert_eq!(status, 403, "{path}: {answer}");
        assert!(
            answer["Error"].as_str().unwrap().contains("admin"),
            "{answer}"
        );
    }
    let (status, answer) = client
        .call(
            &operations,
            "POST",
            "/20190206/accounts/types",
            Some(json!({"Name": "ops-made"})),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    // A user token deploys to the catalogue but does not shape the organisation.
    let (status, answer) = client
        .call(
            &user,
            "POST",
            "/20190206/accounts/types",
            Some(json!({"Name": "user-made"})),
        )
        .await;
    assert_eq!(status, 403, "{answer}");
    let (status, answer) = client
        .call(
            &user,
            "POST",
            "/20190206/workload-catalogue",
            Some(
                json!({"Name": "user-item", "Version": "1.0.0", "Description": "mine",
                        "ManifestBody": "resources: []\n"}),
            ),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        count(
            &get(&client, &admin, "/20190206/api-tokens").await,
            "ApiTokens"
        ),
        tokens,
        "no token was made by the refused calls"
    );
    // An admin grants roles up to its own.
    let (status, answer) = client
        .call(
            &admin,
            "POST",
            "/20190206/idam/user",
            Some(
                json!({"Email": "new.admin@example.com", "FirstName": "New", "LastName": "Admin",
                        "Role": "customer_admin"}),
            ),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    let (status, _) = client
        .call(
            &admin,
            "POST",
            "/20190206/api-tokens",
            Some(json!({"Name": "second-admin", "Role": "api_admin"})),
        )
        .await;
    assert_eq!(status, 200);
    emu.shutdown().await;
}

#[tokio::test]
async fn a_deleted_tokens_credentials_have_no_role() {
    let (emu, client, admin) = setup(50).await;
    let (access, creds) = token_of(&client, &admin, "api_admin").await;
    get(&client, &creds, "/20190206/accounts").await;
    send(
        &client,
        &admin,
        "DELETE",
        &format!("/20190206/api-tokens/{access}"),
        None,
    )
    .await;
    let (status, body) = client.call(&creds, "GET", "/20190206/accounts", None).await;
    assert_eq!(status, 403, "{body}");
    assert!(
        body["Error"].as_str().unwrap().contains("no longer exists"),
        "{body}"
    );
    emu.shutdown().await;
}

#[tokio::test]
async fn five_wrong_passwords_in_a_row_lock_the_user_out() {
    let (emu, client, admin) = setup(50).await;
    let made = send(
        &client,
        &admin,
        "POST",
        "/20190206/api-tokens",
        Some(json!({"Name": "locked", "Role": "api_user"})),
    )
    .await;
    let access = made["ApiTokens"][0]["AccessKey"].as_str().unwrap();
    let secret = made["ApiTokens"][0]["SecretKey"].as_str().unwrap();
    // A wrong password, then the right one: the count starts again.
    let err = client.sign_in(access, "wrong").await.unwrap_err();
    assert_eq!(err.1, "Incorrect username or password.");
    client.sign_in(access, secret).await.expect("signs in");
    for attempt in 1..=5 {
        let (kind, message) = client.sign_in(access, "wrong").await.unwrap_err();
        assert_eq!(kind, "NotAuthorizedException");
        let expected = if attempt < 5 {
            "Incorrect username or password."
        } else {
            "Password attempts exceeded"
        };
        assert_eq!(message, expected, "attempt {attempt}");
    }
    // Locked out: even the right password is refused, as Cognito does.
    let (kind, message) = client.sign_in(access, secret).await.unwrap_err();
    assert_eq!(
        (kind.as_str(), message.as_str()),
        ("NotAuthorizedException", "Password attempts exceeded")
    );
    // Other users are not.
    client
        .sign_in(emu.access_key(), emu.secret_key())
        .await
        .expect("another user signs in");
    emu.shutdown().await;
}
