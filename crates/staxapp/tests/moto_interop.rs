//! Interoperability of the SDK's Cognito client with moto, an independent implementation of
//! the Cognito user pool and identity pool wire protocols (AWS JSON 1.1).
//!
//! Starts `moto_server` from the interop virtualenv (`$STAX_INTEROP_VENV`, else `.venv` at the
//! workspace root, which `.ci/run` makes) on a free loopback port, creates a user pool, an app
//! client, users and an identity pool through moto's own API, then drives the SDK's sign-in
//! steps against it. Without moto the tests fail when `CI` is set and are skipped with a note
//! otherwise (`testsupport/shared_dir.rs`).
//!
//! Run: `cargo test -p staxapp --test moto_interop -- --nocapture`.

mod common;

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, SystemTime};

use serde_json::{Value, json};
use staxapp::auth::{ApiAuth, CHECK_ACCESS_KEY, CHECK_SECRET_KEY, IdToken, SignIn};
use staxapp::{AuthErrorKind, Config, Error};

const REGION: &str = "us-east-1";
const PASSWORD: &str = "Secret-Key-123!";

/// A running moto server, stopped (by its own process handle) when dropped.
struct Moto {
    child: Child,
    endpoint: String,
    http: reqwest::Client,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Moto {
    /// Starts moto, or returns `None` (skip) when it is not installed and `CI` is unset.
    async fn start() -> Option<Moto> {
        let server = common::interop_venv_file("bin/moto_server")?;
        let port = {
            let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
            listener.local_addr().unwrap().port()
        };
        let child = Command::new(&server)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("could not start {}: {e}", server.display()));
        let moto = Moto {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
            http: {
                staxapp::transport::install_crypto_provider();
                reqwest::Client::new()
            },
        };
        // Wait until it answers: at most 300 tries, 100 ms apart.
        for _ in 0..300 {
            if moto.http.get(&moto.endpoint).send().await.is_ok() {
                return Some(moto);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("moto_server did not start listening on {}", moto.endpoint);
    }

    /// One plain JSON 1.1 call; panics on an error answer (setup must work).
    async fn call(&self, target: &str, body: Value) -> Value {
        let response = self
            .http
            .post(&self.endpoint)
            .header("Content-Type", "application/x-amz-json-1.1")
            .header("X-Amz-Target", target)
            .body(body.to_string())
            .send()
            .await
            .expect("moto answers");
        let status = response.status();
        let text = response.text().await.unwrap();
        assert!(status.is_success(), "{target}: {status} {text}");
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    async fn idp(&self, operation: &str, body: Value) -> Value {
        self.call(
            &format!("AWSCognitoIdentityProviderService.{operation}"),
            body,
        )
        .await
    }
}

/// A user pool with an app client and an identity pool.
struct Pools {
    api_auth: ApiAuth,
}

async fn create_pools(moto: &Moto) -> Pools {
    let pool = moto
        .idp("CreateUserPool", json!({"PoolName": "stax-api-tokens"}))
        .await;
    let user_pool_id = pool["UserPool"]["Id"].as_str().unwrap().to_owned();
    let client = moto
        .idp(
            "CreateUserPoolClient",
            json!({
                "UserPoolId": user_pool_id,
                "ClientName": "stax-sdk",
                "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
            }),
        )
        .await;
    let client_id = client["UserPoolClient"]["ClientId"]
        .as_str()
        .unwrap()
        .to_owned();
    let identity = moto
        .call(
            "AWSCognitoIdentityService.CreateIdentityPool",
            json!({
                "IdentityPoolName": "stax_api",
                "AllowUnauthenticatedIdentities": false,
                "CognitoIdentityProviders": [{
                    "ProviderName": format!("cognito-idp.{REGION}.amazonaws.com/{user_pool_id}"),
                    "ClientId": client_id,
                }],
            }),
        )
        .await;
    Pools {
        api_auth: ApiAuth {
            region: REGION.into(),
            user_pool_id,
            client_id,
            identity_pool_id: identity["IdentityPoolId"].as_str().unwrap().to_owned(),
        },
    }
}

/// Creates an API-token user; with `permanent` its password is set for good (else it keeps a
/// temporary one and must change it).
async fn create_user(moto: &Moto, pools: &Pools, access_key: &str, permanent: bool) {
    moto.idp(
        "AdminCreateUser",
        json!({
            "UserPoolId": pools.api_auth.user_pool_id,
            "Username": access_key,
            "TemporaryPassword": "Temporary-Pass-1!",
            "MessageAction": "SUPPRESS",
        }),
    )
    .await;
    if permanent {
        moto.idp(
            "AdminSetUserPassword",
            json!({
                "UserPoolId": pools.api_auth.user_pool_id,
                "Username": access_key,
                "Password": PASSWORD,
                "Permanent": true,
            }),
        )
        .await;
    }
}

fn sign_in_for(moto: &Moto, pools: &Pools) -> SignIn {
    let config = Config::builder()
        .cognito_idp_endpoint(&moto.endpoint)
        .cognito_identity_endpoint(&moto.endpoint)
        .build()
        .unwrap();
    let http = staxapp::transport::http_client(&config).unwrap();
    SignIn::new(&config, &http, &pools.api_auth)
}

fn auth_error(result: Result<impl std::fmt::Debug, Error>) -> staxapp::AuthError {
    match result {
        Err(Error::Auth(e)) => e,
        other => panic!("expected an auth error, got {other:?}"),
    }
}

#[tokio::test]
async fn moto_cognito_interop() {
    let Some(moto) = Moto::start().await else {
        return;
    };
    let pools = create_pools(&moto).await;
    let sign_in = sign_in_for(&moto, &pools);

    // 1. InitiateAuth: moto's PASSWORD_VERIFIER challenge is received and parsed.
    create_user(&moto, &pools, "AKIA-TOKEN-1", true).await;
    let challenge = sign_in.initiate("AKIA-TOKEN-1").await.unwrap();
    assert!(!challenge.user_id_for_srp.is_empty());
    assert!(!challenge.salt.is_empty() && !challenge.srp_b.is_empty());
    assert_eq!(challenge.username.as_deref(), Some("AKIA-TOKEN-1"));
    assert!(challenge.session.is_some(), "moto sends a Session");

    // (The SRP answer itself cannot be checked against moto: its USER_ID_FOR_SRP is the
    // user's `sub`, which its RespondToAuthChallenge then fails to look up. The Python SDK
    // meets the same wall. The emulator tests cover the whole exchange.)
    let before = SystemTime::now();

    // 3. An unknown access key maps to the A4 guidance.
    let e = auth_error(sign_in.initiate("AKIA-NOBODY").await);
    assert_eq!(e.kind, AuthErrorKind::UnknownAccessKey, "{e}");
    assert_eq!(e.detail, CHECK_ACCESS_KEY);
    assert!(e.message.contains("UserNotFoundException"), "{e}");

    // 4. A disabled user is refused by Cognito (NotAuthorizedException): "check your Secret Key".
    create_user(&moto, &pools, "AKIA-DISABLED", true).await;
    moto.idp(
        "AdminDisableUser",
        json!({"UserPoolId": pools.api_auth.user_pool_id, "Username": "AKIA-DISABLED"}),
    )
    .await;
    let e = auth_error(sign_in.sign_in("AKIA-DISABLED", PASSWORD).await);
    assert_eq!(e.kind, AuthErrorKind::InvalidSecretKey, "{e}");
    assert_eq!(e.detail, CHECK_SECRET_KEY);
    assert!(e.message.contains("NotAuthorizedException"), "{e}");

    // 5. The identity exchange alone, with an ID token from moto's admin password flow.
    let admin = moto
        .idp(
            "AdminInitiateAuth",
            json!({
                "UserPoolId": pools.api_auth.user_pool_id,
                "ClientId": pools.api_auth.client_id,
                "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
                "AuthParameters": {"USERNAME": "AKIA-TOKEN-1", "PASSWORD": PASSWORD},
            }),
        )
        .await;
    let id_token = admin["AuthenticationResult"]["IdToken"]
        .as_str()
        .expect("an IdToken");
    let creds = sign_in.credentials(&IdToken::new(id_token)).await.unwrap();
    assert!(!creds.access_key_id().is_empty(), "{creds:?}");
    assert!(creds.expiration() > before);
    assert!(creds.expiration() < before + Duration::from_secs(3600));
    assert!(!format!("{creds:?}").contains(creds.session_token().expose()));
}
