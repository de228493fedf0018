//! Sign-in, identity pool, SigV4 gate and ReadAccounts over loopback, with real SRP, JWTs and
//! SigV4.

mod common;

use std::time::{Duration, SystemTime};

use common::{Client, emulator};
use serde_json::{Value, json};

fn names(body: &Value) -> Vec<String> {
    body["Accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["Name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn ready_line_and_public_routes() {
    let emu = emulator(|_| {}).await;
    let ready: Value = serde_json::from_str(&emu.ready_line()).unwrap();
    assert_eq!(ready["endpoint"], emu.endpoint());
    assert_eq!(ready["access_key"], emu.access_key());
    assert_eq!(ready["secret_key"], emu.secret_key());
    assert_eq!(ready["ca_cert"], Value::Null);
    assert!(
        !format!("{emu:?}").contains(emu.secret_key()),
        "Debug hides the secret"
    );

    let client = Client::new(emu.endpoint()).await;
    let auth = &client.config["ApiAuth"];
    assert_eq!(auth["region"], "ap-southeast-2");
    assert_eq!(auth["mandatorySignIn"], true);
    let pool = auth["userPoolId"].as_str().unwrap();
    let (prefix, name) = pool.split_once('_').unwrap();
    assert_eq!(prefix, "ap-southeast-2");
    assert_eq!(name.len(), 9);
    let identity_pool = auth["identityPoolId"].as_str().unwrap();
    assert!(identity_pool.starts_with("ap-southeast-2:"));
    assert!(uuid::Uuid::parse_str(&identity_pool["ap-southeast-2:".len()..]).is_ok());

    let doc: Value = reqwest::get(format!("{}/20190206/public/oas3-document", emu.endpoint()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.0"));
    assert_eq!(
        doc["paths"]["/20190206/accounts"]["get"]["x-stax-sdk-operation-id"],
        "accounts.ReadAccounts"
    );
    let jwks: Value = reqwest::get(format!("{}/{pool}/.well-known/jwks.json", emu.endpoint()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(jwks["keys"][0]["alg"], "ES256");
    emu.shutdown().await;
}

#[tokio::test]
async fn other_installations_use_their_region() {
    let emu = emulator(|o| o.region = "eu1".into()).await;
    let client = Client::new(emu.endpoint()).await;
    assert_eq!(client.config["ApiAuth"]["region"], "eu-central-1");
    let creds = client.login(emu.access_key(), emu.secret_key()).await;
    let (status, _) = client.call(&creds, "GET", "/20190206/accounts", None).await;
    assert_eq!(status, 200);
    emu.shutdown().await;
    let bad = stax_emulator::start(stax_emulator::EmulatorOptions {
        region: "mars1".into(),
        ..Default::default()
    })
    .await;
    assert!(matches!(bad, Err(stax_emulator::EmulatorError::Config(_))));
}

#[tokio::test]
async fn srp_sign_in_and_signed_read_accounts() {
    let emu = emulator(|_| {}).await;
    let client = Client::new(emu.endpoint()).await;
    let creds = client.login(emu.access_key(), emu.secret_key()).await;
    assert!(creds.access_key_id.starts_with("ASIA"));
    let (status, body) = client.call(&creds, "GET", "/20190206/accounts", None).await;
    assert_eq!(status, 200, "{body}");
    let accounts = body["Accounts"].as_array().unwrap();
    assert!(accounts.len() >= 8);
    assert!(
        body.get("Paging").is_none(),
        "no Paging without offset and limit"
    );
    let statuses: std::collections::BTreeSet<&str> = accounts
        .iter()
        .map(|a| a["Status"].as_str().unwrap())
        .collect();
    for s in ["ACTIVE", "SUSPENDED", "CLOSED"] {
        assert!(statuses.contains(s), "seed has a {s} account");
    }
    for a in accounts {
        for field in [
            "Id",
            "Name",
            "AccountType",
            "AccountTypeId",
            "AwsAccountId",
            "Status",
            "CreatedTS",
            "ModifiedTS",
            "OrganisationId",
        ] {
            assert!(a.get(field).is_some(), "account has {field}: {a}");
        }
        assert_eq!(a["AwsAccountId"].as_str().unwrap().len(), 12);
    }
    assert!(
        accounts
            .iter()
            .any(|a| a["Tags"].as_object().is_some_and(|t| !t.is_empty()))
    );

    // One account by id.
    let id = accounts[3]["Id"].as_str().unwrap();
    let (status, one) = client
        .call(&creds, "GET", &format!("/20190206/accounts/{id}"), None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(one["Accounts"][0]["Id"], id);
    let (status, missing) = client
        .call(
            &creds,
            "GET",
            &format!("/20190206/accounts/{}", uuid::Uuid::new_v4()),
            None,
        )
        .await;
    assert_eq!(status, 404);
    assert!(
        missing["Error"]
            .as_str()
            .unwrap()
            .contains("does not exist")
    );
    let (status, bad) = client
        .call(&creds, "GET", "/20190206/accounts/not-a-uuid", None)
        .await;
    assert_eq!(status, 400);
    assert!(bad["Error"].as_str().unwrap().contains("account_id"));
    emu.shutdown().await;
}

#[tokio::test]
async fn read_accounts_filters_sorting_and_paging() {
    let emu = emulator(|_| {}).await;
    let client = Client::new(emu.endpoint()).await;
    let creds = client.login(emu.access_key(), emu.secret_key()).await;
    let get = |q: String| {
        let client = &client;
        let creds = &creds;
        async move {
            let (status, body) = client
                .call(creds, "GET", &format!("/20190206/accounts?{q}"), None)
                .await;
            assert_eq!(status, 200, "{q}: {body}");
            body
        }
    };
    let all = get(String::new()).await;
    let total = all["Accounts"].as_array().unwrap().len();

    let body = get("filter=SUSPENDED,closed".into()).await;
    assert!(
        body["Accounts"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["Status"] == "SUSPENDED" || a["Status"] == "CLOSED")
    );
    assert_eq!(body["Accounts"].as_array().unwrap().len(), 2);

    let body = get("account_names=bakery-prod,logging".into()).await;
    let mut got = names(&body);
    got.sort();
    assert_eq!(got, ["bakery-prod", "logging"]);

    let body = get("name_filter=BAKERY".into()).await;
    assert_eq!(names(&body).len(), 2);

    let first = &all["Accounts"][0];
    let body = get(format!("id_filter={}", first["Id"].as_str().unwrap())).await;
    assert_eq!(names(&body), [first["Name"].as_str().unwrap()]);
    let body = get(format!(
        "aws_account_id_filter={}",
        first["AwsAccountId"].as_str().unwrap()
    ))
    .await;
    assert_eq!(names(&body), [first["Name"].as_str().unwrap()]);
    let type_id = first["AccountTypeId"].as_str().unwrap();
    let body = get(format!("account_type_filter={type_id}")).await;
    assert!(
        body["Accounts"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["AccountTypeId"] == type_id)
    );

    let body = get("include_tags=FALSE".into()).await;
    assert!(
        body["Accounts"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a.get("Tags").is_none())
    );

    let body = get("sort=Name&sort_order=ASC".into()).await;
    let sorted = names(&body);
    let mut expected = sorted.clone();
    expected.sort();
    assert_eq!(sorted, expected);

    // Walk every page of 3.
    let mut seen = Vec::new();
    let mut offset = Some(0u64);
    while let Some(o) = offset {
        let page = get(format!("offset={o}&limit=3")).await;
        assert_eq!(page["Paging"]["Total"], total);
        if o == 0 {
            assert_eq!(page["Paging"]["PrevOffset"], Value::Null);
        } else {
            assert_eq!(page["Paging"]["PrevOffset"], o - 3);
        }
        seen.extend(names(&page));
        offset = page["Paging"]["NextOffset"].as_u64();
    }
    assert_eq!(seen, names(&all));

    let (status, body) = client
        .call(&creds, "GET", "/20190206/accounts?limit=abc&offset=0", None)
        .await;
    assert_eq!(status, 400);
    assert!(body["Error"].as_str().unwrap().contains("limit"));
    emu.shutdown().await;
}

#[tokio::test]
async fn query_values_with_space_plus_and_percent_verify_in_both_signing_forms() {
    let emu = emulator(|_| {}).await;
    let client = Client::new(emu.endpoint()).await;
    let creds = client.login(emu.access_key(), emu.secret_key()).await;
    // aws-sigv4 form: the SDK sends percent-encoding (%20, %2B, %25).
    let (status, body) = client
        .call(
            &creds,
            "GET",
            "/20190206/accounts?name_filter=a%20b%2Bc%25&offset=0&limit=5",
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["Paging"]["Total"], 0);
    let (status, body) = client
        .call(
            &creds,
            "GET",
            "/20190206/accounts?name_filter=bakery%2Dprod",
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(names(&body), ["bakery-prod"]);
    // Python form: `requests` encodes a space as +, and the raw pairs are what is signed.
    let (status, body) = client
        .python_style_get(
            &creds,
            "/20190206/accounts",
            "name_filter=a+b%2Bc%25&limit=5&offset=0",
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = client
        .python_style_get(
            &creds,
            "/20190206/accounts",
            "name_filter=bakery&filter=ACTIVE%2CSUSPENDED",
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(names(&body).len(), 2);
    let (status, _) = client
        .python_style_get(&creds, "/20190206/accounts", "")
        .await;
    assert_eq!(status, 200);
    emu.shutdown().await;
}

#[tokio::test]
async fn cognito_refuses_wrong_secret_unknown_user_and_bad_tokens() {
    let emu = emulator(|_| {}).await;
    let client = Client::new(emu.endpoint()).await;
    let err = client
        .sign_in(emu.access_key(), "not-the-secret")
        .await
        .unwrap_err();
    assert_eq!(
        err,
        (
            "NotAuthorizedException".into(),
            "Incorrect username or password.".into()
        )
    );
    let err = client
        .sign_in(&uuid::Uuid::new_v4().to_string(), "whatever")
        .await
        .unwrap_err();
    assert_eq!(
        err,
        (
            "UserNotFoundException".into(),
            "User does not exist.".into()
        )
    );
    // A claim signed for a time far from now is refused even with the right secret.
    let long_ago = time::OffsetDateTime::now_utc() - time::Duration::hours(1);
    let err = client
        .sign_in_at(emu.access_key(), emu.secret_key(), long_ago)
        .await
        .unwrap_err();
    assert_eq!(err.0, "NotAuthorizedException");

    // The identity pool only takes tokens this user pool issued and signed.
    let token = client
        .sign_in(emu.access_key(), emu.secret_key())
        .await
        .unwrap();
    let mut forged = token.clone();
    let last = forged.pop().unwrap();
    forged.push(if last == 'A' { 'B' } else { 'A' });
    for bad in [forged.as_str(), "not.a.jwt", ""] {
        let err = client.credentials_for(bad).await.err().unwrap();
        assert_eq!(err.0, "NotAuthorizedException");
        assert!(err.1.starts_with("Invalid login token."), "{}", err.1);
    }
    let err = client
        .cognito(
            "AWSCognitoIdentityService.GetId",
            json!({"IdentityPoolId": "ap-southeast-2:00000000-0000-0000-0000-000000000000", "Logins": client.logins(&token)}),
        )
        .await
        .unwrap_err();
    assert_eq!(err.0, "ResourceNotFoundException");
    let err = client
        .cognito(
            "AWSCognitoIdentityProviderService.InitiateAuth",
            json!({"AuthFlow": "USER_SRP_AUTH", "ClientId": "nope", "AuthParameters": {}}),
        )
        .await
        .unwrap_err();
    assert_eq!(err.0, "ResourceNotFoundException");
    let raw = client
        .http
        .post(format!("{}/", emu.endpoint()))
        .header(
            "x-amz-target",
            "AWSCognitoIdentityProviderService.InitiateAuth",
        )
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), 400);
    assert!(raw.headers().get("x-amzn-errortype").is_some());
    assert!(client.credentials_for(&token).await.is_ok());

    let stats = emu.stats();
    assert_eq!(stats["cognito"]["InitiateAuth"], 6);
    assert_eq!(stats["cognito"]["RespondToAuthChallenge"], 3);
    assert_eq!(stats["cognito"]["GetId"], 5);
    assert_eq!(stats["cognito"]["GetCredentialsForIdentity"], 1);
    emu.shutdown().await;
}

#[tokio::test]
async fn gate_refuses_missing_tampered_unknown_and_skewed_signatures() {
    let emu = emulator(|_| {}).await;
    let client = Client::new(emu.endpoint()).await;
    let creds = client.login(emu.access_key(), emu.secret_key()).await;
    let message = |v: &Value| v["message"].as_str().unwrap().to_owned();

    let unsigned = client
        .http
        .get(format!("{}/20190206/accounts", emu.endpoint()))
        .send()
        .await
        .unwrap();
    assert_eq!(unsigned.status(), 403);
    let body: Value = unsigned.json().await.unwrap();
    assert_eq!(message(&body), "Missing Authentication Token");

    // Tamper with the signature.
    let mut request = client.signed(&creds, "GET", "/20190206/accounts", None, SystemTime::now());
    let auth = request.headers()["authorization"]
        .to_str()
        .unwrap()
        .to_owned();
    let (head, sig) = auth.rsplit_once("Signature=").unwrap();
    let flipped: String = sig.chars().rev().collect();
    request.headers_mut().insert(
        "authorization",
        format!("{head}Signature={flipped}").parse().unwrap(),
    );
    let response = client.http.execute(request).await.unwrap();
    assert_eq!(response.status(), 403);
    let body: Value = response.json().await.unwrap();
    assert!(message(&body).starts_with(
        "The request signature we calculated does not match the signature you provided."
    ));

    // Change what was signed: a query added after signing.
    let mut request = client.signed(&creds, "GET", "/20190206/accounts", None, SystemTime::now());
    *request.url_mut() = format!("{}/20190206/accounts?filter=ACTIVE", emu.endpoint())
        .parse()
        .unwrap();
    let response = client.http.execute(request).await.unwrap();
    assert_eq!(response.status(), 403);

    // Unknown access key, and a wrong session token.
    let stranger = common::Creds {
        access_key_id: "ASIAUNKNOWNUNKNOWN00".into(),
        secret_key: creds.secret_key.clone(),
        session_token: creds.session_token.clone(),
        expiration: 0,
    };
    let (status, body) = client
        .call(&stranger, "GET", "/20190206/accounts", None)
        .await;
    assert_eq!(status, 403);
    assert_eq!(
        message(&body),
        "The security token included in the request is invalid."
    );
    let wrong_token = common::Creds {
        session_token: "bm90IHRoZSB0b2tlbg==".into(),
        ..stranger
    };
    let wrong_token = common::Creds {
        access_key_id: creds.access_key_id.clone(),
        ..wrong_token
    };
    let (status, body) = client
        .call(&wrong_token, "GET", "/20190206/accounts", None)
        .await;
    assert_eq!(status, 403);
    assert_eq!(
        message(&body),
        "The security token included in the request is invalid."
    );

    // Signed ten minutes ago.
    let (status, body) = client
        .call_at(
            &creds,
            "GET",
            "/20190206/accounts",
            None,
            SystemTime::now() - Duration::from_secs(600),
        )
        .await;
    assert_eq!(status, 403);
    assert!(message(&body).starts_with("Signature expired: "), "{body}");

    // Unknown routes look like API Gateway's.
    let (status, body) = client
        .call(&creds, "GET", "/20190206/no-such-thing", None)
        .await;
    assert_eq!(status, 403);
    assert_eq!(message(&body), "Missing Authentication Token");

    let (status, _) = client.call(&creds, "GET", "/20190206/accounts", None).await;
    assert_eq!(status, 200);
    let stats = emu.stats();
    assert_eq!(stats["rejected_signatures"], 7);
    assert_eq!(stats["operations"]["accounts.ReadAccounts"], 1);
    assert_eq!(stats["operations"]["public.ReadConfig"], 1);
    let over_http: Value = reqwest::get(format!("{}/_emulator/stats", emu.endpoint()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(over_http["rejected_signatures"], 7);
    assert!(over_http["requests"].as_u64().unwrap() >= 12);
    let reset = client.admin_post("reset-stats").await;
    assert_eq!(reset["rejected_signatures"], 0);
    emu.shutdown().await;
}

#[tokio::test]
async fn expired_credentials_are_refused() {
    let emu = emulator(|o| o.credential_ttl = Duration::from_secs(1)).await;
    let client = Client::new(emu.endpoint()).await;
    let creds = client.login(emu.access_key(), emu.secret_key()).await;
    // Wait past the lifetime: the check is "now >= expiry", in whole seconds.
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let (status, body) = client.call(&creds, "GET", "/20190206/accounts", None).await;
    assert_eq!(status, 403);
    assert_eq!(
        body["message"],
        "The security token included in the request is expired"
    );
    // Fresh credentials work again.
    let creds = client.login(emu.access_key(), emu.secret_key()).await;
    let (status, _) = client.call(&creds, "GET", "/20190206/accounts", None).await;
    assert_eq!(status, 200);
    emu.shutdown().await;
}

#[tokio::test]
async fn credentials_expire_on_request() {
    let emu = emulator(|_| {}).await;
    let client = Client::new(emu.endpoint()).await;
    let creds = client.login(emu.access_key(), emu.secret_key()).await;
    let (status, _) = client.call(&creds, "GET", "/20190206/accounts", None).await;
    assert_eq!(status, 200);
    let expired = client.admin_post("expire-credentials").await;
    assert_eq!(expired["expired"], 1);
    let (status, body) = client.call(&creds, "GET", "/20190206/accounts", None).await;
    assert_eq!(status, 403);
    assert_eq!(
        body["message"],
        "The security token included in the request is expired"
    );
    // New credentials are not touched by an earlier expiry; the library call does the same.
    let creds = client.login(emu.access_key(), emu.secret_key()).await;
    let (status, _) = client.call(&creds, "GET", "/20190206/accounts", None).await;
    assert_eq!(status, 200);
    assert_eq!(emu.expire_credentials().unwrap(), 1);
    let (status, _) = client.call(&creds, "GET", "/20190206/accounts", None).await;
    assert_eq!(status, 403);
    emu.shutdown().await;
}
