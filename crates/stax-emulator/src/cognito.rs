//! Cognito user pool (`USER_SRP_AUTH`) and identity pool, spoken in AWS JSON 1.1 at `POST /`.
//!
//! The SRP arithmetic is the `stax-srp` crate's server side; this module keeps the exchange:
//! it stores salts and verifiers, answers `InitiateAuth` with `B`, and on
//! `RespondToAuthChallenge` has the claim signature checked (in constant time) before issuing
//! tokens.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use rand::RngCore;
use serde_json::{Value, json};
use stax_srp::{ServerSession, SrpError, Verifier};

use crate::app::{AppState, PendingChallenge};
use crate::jwt::Claims;
use crate::store::{PoolUser, StoreError, TempCredentials};
use crate::util;

const USER_POOL_PREFIX: &str = "AWSCognitoIdentityProviderService.";
const IDENTITY_PREFIX: &str = "AWSCognitoIdentityService.";
/// How long an SRP challenge stays answerable.
const CHALLENGE_TTL_MS: i64 = 5 * 60 * 1000;
/// The largest distance between the client's `TIMESTAMP` and the server's clock.
const TIMESTAMP_SKEW_SECS: i64 = 5 * 60;
/// Lifetime of ID and access tokens.
const TOKEN_TTL_SECS: i64 = 3600;

/// A Cognito error: `{"__type", "message"}`, status 400 (500 for internal errors).
#[derive(Debug)]
pub(crate) struct AwsError {
    kind: &'static str,
    message: String,
}

impl AwsError {
    fn new(kind: &'static str, message: impl Into<String>) -> Self {
        AwsError {
            kind,
            message: message.into(),
        }
    }

    fn not_authorized(message: impl Into<String>) -> Self {
        Self::new("NotAuthorizedException", message)
    }

    fn invalid_parameter(message: impl Into<String>) -> Self {
        Self::new("InvalidParameterException", message)
    }

    fn wrong_password() -> Self {
        Self::not_authorized("Incorrect username or password.")
    }

    fn bad_login_token() -> Self {
        Self::not_authorized("Invalid login token. Not a valid OpenId Connect identity token.")
    }

    /// The answer for this error.
    pub fn response(&self) -> Response {
        let status = if self.kind == "InternalErrorException" {
            StatusCode::INTERNAL_SERVER_ERROR
        } else {
            StatusCode::BAD_REQUEST
        };
        aws_json(
            status,
            &json!({"__type": self.kind, "message": self.message}),
            Some(self.kind),
        )
    }
}

impl From<StoreError> for AwsError {
    fn from(err: StoreError) -> Self {
        tracing::error!(error = %err, "store failure in cognito");
        AwsError::new("InternalErrorException", "Internal error")
    }
}

/// A JSON 1.1 answer.
pub(crate) fn aws_json(status: StatusCode, body: &Value, error_type: Option<&str>) -> Response {
    let mut response = (status, body.to_string()).into_response();
    let headers = response.headers_mut();
    headers.insert(
        "content-type",
        HeaderValue::from_static("application/x-amz-json-1.1"),
    );
    if let Ok(id) = HeaderValue::from_str(&util::uuid()) {
        headers.insert("x-amzn-requestid", id);
    }
    if let Some(kind) = error_type.and_then(|k| HeaderValue::from_str(k).ok()) {
        headers.insert("x-amzn-errortype", kind);
    }
    response
}

/// The Cognito operation named by `X-Amz-Target`, if the request has one of ours.
pub(crate) fn target_operation(headers: &HeaderMap) -> Option<String> {
    let target = headers.get("x-amz-target")?.to_str().ok()?;
    let op = target
        .strip_prefix(USER_POOL_PREFIX)
        .or_else(|| target.strip_prefix(IDENTITY_PREFIX))?;
    Some(op.to_owned())
}

/// `POST /`: dispatches on `X-Amz-Target`.
pub(crate) async fn handle(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(target) = headers
        .get("x-amz-target")
        .and_then(|t| t.to_str().ok())
        .map(str::to_owned)
    else {
        return AwsError::new(
            "MissingAction",
            "Missing X-Amz-Target header: name the operation, e.g. AWSCognitoIdentityProviderService.InitiateAuth",
        )
        .response();
    };
    let worker_state = state.clone();
    // The SRP arithmetic and SQLite are blocking work: keep them off the async workers.
    let outcome =
        tokio::task::spawn_blocking(move || dispatch(&worker_state, &target, &body)).await;
    match outcome {
        Ok(Ok(body)) => aws_json(StatusCode::OK, &body, None),
        Ok(Err(err)) => err.response(),
        Err(join_error) => {
            tracing::error!(error = %join_error, "cognito worker failed");
            AwsError::new("InternalErrorException", "Internal error").response()
        }
    }
}

fn dispatch(state: &AppState, target: &str, body: &[u8]) -> Result<Value, AwsError> {
    let operation = target
        .strip_prefix(USER_POOL_PREFIX)
        .map(|op| (true, op))
        .or_else(|| target.strip_prefix(IDENTITY_PREFIX).map(|op| (false, op)));
    let Some((user_pool, operation)) = operation else {
        return Err(AwsError::new(
            "UnknownOperationException",
            format!("Unknown target {target}"),
        ));
    };
    state.stats.cognito(operation);
    let input: Value = serde_json::from_slice(body).map_err(|e| {
        AwsError::new(
            "SerializationException",
            format!("The request body is not valid JSON: {e}"),
        )
    })?;
    if !input.is_object() {
        return Err(AwsError::new(
            "SerializationException",
            "The request body must be a JSON object",
        ));
    }
    match (user_pool, operation) {
        (true, "InitiateAuth") => initiate_auth(state, &input),
        (true, "RespondToAuthChallenge") => respond_to_auth_challenge(state, &input),
        (false, "GetId") => get_id(state, &input),
        (false, "GetCredentialsForIdentity") => get_credentials_for_identity(state, &input),
        _ => Err(AwsError::new(
            "UnknownOperationException",
            format!("The emulator does not implement {target}"),
        )),
    }
}

fn str_field<'a>(input: &'a Value, name: &str) -> Result<&'a str, AwsError> {
    input
        .get(name)
        .and_then(Value::as_str)
        .ok_or_else(|| AwsError::invalid_parameter(format!("Missing required parameter {name}")))
}

fn check_client(state: &AppState, input: &Value) -> Result<(), AwsError> {
    let client_id = str_field(input, "ClientId")?;
    if client_id != state.install.client_id {
        return Err(AwsError::new(
            "ResourceNotFoundException",
            format!("User pool client {client_id} does not exist."),
        ));
    }
    Ok(())
}

/// Registers (or re-registers) a Cognito user with the SRP verifier of `password`.
pub(crate) fn make_pool_user(user_pool_id: &str, username: &str, password: &str) -> PoolUser {
    let verifier = Verifier::new(user_pool_id, username, password);
    PoolUser {
        username: username.to_owned(),
        sub: util::uuid(),
        salt: verifier.salt_hex().to_owned(),
        verifier: verifier.verifier_hex(),
        enabled: true,
    }
}

/// The `meta` key that marks a user whose password must be changed.
fn new_password_key(username: &str) -> String {
    format!("new_password_required/{username}")
}

/// Puts the user `username` in Cognito's FORCE_CHANGE_PASSWORD state: its password still
/// passes the SRP check, but `RespondToAuthChallenge` then answers `NEW_PASSWORD_REQUIRED`.
/// False when there is no such user.
pub(crate) fn require_new_password(state: &AppState, username: &str) -> Result<bool, StoreError> {
    state.store.write(|db| {
        if db.pool_user(username)?.is_none() {
            return Ok(false);
        }
        db.set_meta(&new_password_key(username), "1")?;
        Ok(true)
    })
}

fn initiate_auth(state: &AppState, input: &Value) -> Result<Value, AwsError> {
    check_client(state, input)?;
    let flow = str_field(input, "AuthFlow")?;
    if flow != "USER_SRP_AUTH" {
        return Err(AwsError::invalid_parameter(format!(
            "AuthFlow {flow} is not supported here: use USER_SRP_AUTH"
        )));
    }
    let params = input
        .get("AuthParameters")
        .filter(|p| p.is_object())
        .ok_or_else(|| AwsError::invalid_parameter("Missing required parameter AuthParameters"))?;
    let username = str_field(params, "USERNAME")?;
    let srp_a = str_field(params, "SRP_A")?;
    let user = state
        .store
        .read(|db| db.pool_user(username))?
        .ok_or_else(|| AwsError::new("UserNotFoundException", "User does not exist."))?;
    if !user.enabled {
        return Err(AwsError::not_authorized("User is disabled."));
    }
    let verifier = Verifier::from_stored(&user.salt, &user.verifier)
        .map_err(|_| AwsError::new("InternalErrorException", "Internal error"))?;
    let srp = ServerSession::start(&verifier, srp_a).map_err(|e| match e {
        SrpError::PublicA | SrpError::DegenerateA => {
            AwsError::invalid_parameter("SRP_A is not a valid SRP public value")
        }
        _ => AwsError::new("InternalErrorException", "Internal error"),
    })?;
    let b_pub = srp.public_hex();
    let mut secret_block = vec![0u8; 64];
    rand::thread_rng().fill_bytes(&mut secret_block);
    let secret_block_b64 = B64.encode(&secret_block);
    let now = util::now_ms();
    {
        let mut pending = state.challenges.lock().unwrap_or_else(|p| p.into_inner());
        pending.retain(|_, c| c.expires_ms > now);
        pending.insert(
            secret_block_b64.clone(),
            PendingChallenge {
                username: user.username.clone(),
                srp,
                secret_block,
                expires_ms: now + CHALLENGE_TTL_MS,
            },
        );
    }
    Ok(json!({
        "ChallengeName": "PASSWORD_VERIFIER",
        "ChallengeParameters": {
            "SALT": user.salt,
            "SRP_B": b_pub,
            "SECRET_BLOCK": secret_block_b64,
            "USERNAME": user.username,
            "USER_ID_FOR_SRP": user.username,
        }
    }))
}

fn respond_to_auth_challenge(state: &AppState, input: &Value) -> Result<Value, AwsError> {
    check_client(state, input)?;
    let challenge = str_field(input, "ChallengeName")?;
    if challenge != "PASSWORD_VERIFIER" {
        return Err(AwsError::invalid_parameter(format!(
            "ChallengeName {challenge} is not supported here: use PASSWORD_VERIFIER"
        )));
    }
    let answers = input
        .get("ChallengeResponses")
        .filter(|p| p.is_object())
        .ok_or_else(|| {
            AwsError::invalid_parameter("Missing required parameter ChallengeResponses")
        })?;
    let username = str_field(answers, "USERNAME")?;
    let timestamp = str_field(answers, "TIMESTAMP")?;
    let block_b64 = str_field(answers, "PASSWORD_CLAIM_SECRET_BLOCK")?;
    let signature = str_field(answers, "PASSWORD_CLAIM_SIGNATURE")?;

    let pending = state
        .challenges
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .remove(block_b64);
    let pending = match pending {
        Some(p) if p.expires_ms > util::now_ms() => p,
        _ => {
            return Err(AwsError::not_authorized(
                "Invalid session for the user, session is expired.",
            ));
        }
    };
    if pending.username != username {
        return Err(AwsError::wrong_password());
    }
    let at = stax_srp::parse_timestamp(timestamp).ok_or_else(|| {
        AwsError::invalid_parameter(
            "TIMESTAMP must read like 'Mon Nov 3 01:02:03 UTC 2026' (UTC, English names)",
        )
    })?;
    if (at.unix_timestamp() - util::now_secs()).abs() > TIMESTAMP_SKEW_SECS {
        return Err(AwsError::not_authorized(
            "TIMESTAMP is more than 5 minutes away from the server's clock.",
        ));
    }
    if !pending.srp.verify(
        &state.install.user_pool_id,
        &pending.username,
        &pending.secret_block,
        timestamp,
        signature,
    ) {
        return Err(AwsError::wrong_password());
    }
    // The token may have been deleted while the challenge was pending.
    let user = state
        .store
        .read(|db| db.pool_user(&pending.username))?
        .ok_or_else(|| AwsError::new("UserNotFoundException", "User does not exist."))?;
    if !user.enabled {
        return Err(AwsError::not_authorized("User is disabled."));
    }
    // A user in FORCE_CHANGE_PASSWORD gets the next challenge instead of tokens.
    if state
        .store
        .read(|db| db.meta(&new_password_key(&user.username)))?
        .is_some()
    {
        return Ok(json!({
            "ChallengeName": "NEW_PASSWORD_REQUIRED",
            "Session": util::random_alnum(96),
            "ChallengeParameters": {
                "USER_ID_FOR_SRP": user.username,
                "requiredAttributes": "[]",
                "userAttributes": "{}",
            },
        }));
    }
    let now = util::now_secs();
    let issuer = state.install.issuer();
    let id_claims = Claims {
        sub: user.sub.clone(),
        iss: issuer.clone(),
        aud: Some(state.install.client_id.clone()),
        client_id: None,
        token_use: "id".to_owned(),
        iat: now,
        exp: now + TOKEN_TTL_SECS,
        auth_time: now,
        username: Some(user.username.clone()),
        jti: util::uuid(),
    };
    let access_claims = Claims {
        aud: None,
        client_id: Some(state.install.client_id.clone()),
        token_use: "access".to_owned(),
        jti: util::uuid(),
        ..id_claims_clone(&id_claims)
    };
    let sign = |c: &Claims| {
        state.jwt.sign(c).map_err(|e| {
            tracing::error!(error = %e, "token signing failed");
            AwsError::new("InternalErrorException", "Internal error")
        })
    };
    Ok(json!({
        "ChallengeParameters": {},
        "AuthenticationResult": {
            "AccessToken": sign(&access_claims)?,
            "ExpiresIn": TOKEN_TTL_SECS,
            "TokenType": "Bearer",
            "RefreshToken": util::random_alnum(120),
            "IdToken": sign(&id_claims)?,
        }
    }))
}

fn id_claims_clone(c: &Claims) -> Claims {
    Claims {
        sub: c.sub.clone(),
        iss: c.iss.clone(),
        aud: c.aud.clone(),
        client_id: c.client_id.clone(),
        token_use: c.token_use.clone(),
        iat: c.iat,
        exp: c.exp,
        auth_time: c.auth_time,
        username: c.username.clone(),
        jti: c.jti.clone(),
    }
}

fn check_identity_pool(state: &AppState, input: &Value) -> Result<(), AwsError> {
    let pool = str_field(input, "IdentityPoolId")?;
    if pool != state.install.identity_pool_id {
        return Err(AwsError::new(
            "ResourceNotFoundException",
            format!("IdentityPool '{pool}' not found."),
        ));
    }
    Ok(())
}

/// Verifies the user pool's ID token in `Logins`; returns the user's `sub`.
fn login_subject(state: &AppState, input: &Value) -> Result<String, AwsError> {
    let provider = state.install.login_provider();
    let token = input
        .get("Logins")
        .and_then(|l| l.get(&provider))
        .and_then(Value::as_str)
        .ok_or_else(|| {
            AwsError::not_authorized(format!(
                "Invalid login token. Logins has no token for {provider}."
            ))
        })?;
    let claims = state
        .jwt
        .verify_id_token(token, &state.install.issuer(), &state.install.client_id)
        .ok_or_else(AwsError::bad_login_token)?;
    // A deleted user's tokens are no longer honoured.
    if state
        .store
        .read(|db| db.pool_user_by_sub(&claims.sub))?
        .is_none()
    {
        return Err(AwsError::bad_login_token());
    }
    Ok(claims.sub)
}

fn get_id(state: &AppState, input: &Value) -> Result<Value, AwsError> {
    check_identity_pool(state, input)?;
    let sub = login_subject(state, input)?;
    let region = state.install.aws_region.clone();
    let identity = state
        .store
        .write(|db| db.identity_for(&sub, || format!("{region}:{}", util::uuid())))?;
    Ok(json!({"IdentityId": identity}))
}

fn get_credentials_for_identity(state: &AppState, input: &Value) -> Result<Value, AwsError> {
    let identity = str_field(input, "IdentityId")?;
    let owner = state
        .store
        .read(|db| db.identity_sub(identity))?
        .ok_or_else(|| {
            AwsError::new(
                "ResourceNotFoundException",
                format!("Identity '{identity}' not found."),
            )
        })?;
    let sub = login_subject(state, input)?;
    if sub != owner {
        return Err(AwsError::not_authorized(
            "Invalid login token. The token does not belong to this identity.",
        ));
    }
    const KEY_CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    const SECRET_CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut token_bytes = vec![0u8; 240];
    rand::thread_rng().fill_bytes(&mut token_bytes);
    let now = util::now_secs();
    let creds = TempCredentials {
        access_key_id: format!("ASIA{}", util::random_from(KEY_CHARS, 16)),
        secret_key: util::random_from(SECRET_CHARS, 40),
        session_token: B64.encode(&token_bytes),
        identity_id: identity.to_owned(),
        expires: now + state.credential_ttl.as_secs().max(1) as i64,
    };
    state.store.write(|db| {
        db.purge_credentials(now - 86_400)?;
        db.add_credentials(&creds)
    })?;
    Ok(json!({
        "IdentityId": identity,
        "Credentials": {
            "AccessKeyId": creds.access_key_id,
            "SecretKey": creds.secret_key,
            "SessionToken": creds.session_token,
            "Expiration": creds.expires,
        }
    }))
}
