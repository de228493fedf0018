//! Cognito user pool (`USER_SRP_AUTH`) and identity pool, spoken in AWS JSON 1.1 at `POST /`.
//!
//! The SRP arithmetic is the `stax-srp` crate's server side; this module keeps the exchange:
//! it stores salts and verifiers, answers `InitiateAuth` with `B`, and on
//! `RespondToAuthChallenge` has the claim signature checked (in constant time) before issuing
//! tokens. After [`LOCKOUT_AFTER`] wrong passwords in a row a user is locked out for a while
//! ("Password attempts exceeded"), as Cognito does.
//!
//! Every answer, errors included (a body too large, too slow or badly framed, an unknown
//! `X-Amz-Target`, another method than POST), is AWS JSON 1.1.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::response::Response;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use rand::RngCore;
use serde_json::{Value, json};
use stax_srp::{ServerSession, SrpError, Verifier};

use crate::body::{self, BodyError};
use crate::install::Installation;
use crate::protocol::{AwsError, CognitoService, amz_target, aws_json};
use crate::stats::Stats;
use crate::store::state::new_password_key;
use crate::store::{PoolUser, Store, StoreError, TempCredentials};
use crate::util;

pub(crate) mod jwt;

use jwt::{Claims, JwtKeys};

/// How long an SRP challenge stays answerable.
const CHALLENGE_TTL_MS: i64 = 5 * 60 * 1000;
/// The largest distance between the client's `TIMESTAMP` and the server's clock.
const TIMESTAMP_SKEW_SECS: i64 = 5 * 60;
/// Lifetime of ID and access tokens.
const TOKEN_TTL_SECS: i64 = 3600;
/// The largest request body Cognito's routes read.
pub(crate) const MAX_BODY: usize = 2 * 1024 * 1024;
/// Wrong passwords in a row after which a user is locked out.
pub(crate) const LOCKOUT_AFTER: u32 = 5;
/// The first lockout; each further wrong password doubles it, up to [`LOCKOUT_MAX_MS`].
/// (Cognito starts at one second; a longer first lockout is observable on a slow machine.)
pub(crate) const LOCKOUT_FIRST_MS: i64 = 30_000;
/// The longest lockout.
pub(crate) const LOCKOUT_MAX_MS: i64 = 15 * 60 * 1000;
/// The calls implemented (and counted in the stats under their names).
pub(crate) const OPERATIONS: [&str; 4] = [
    "InitiateAuth",
    "RespondToAuthChallenge",
    "GetId",
    "GetCredentialsForIdentity",
];

/// An SRP exchange between InitiateAuth and RespondToAuthChallenge.
struct PendingChallenge {
    username: String,
    /// The server's side of the exchange: `A`, `b`, `B` and the verifier.
    srp: ServerSession,
    secret_block: Vec<u8>,
    expires_ms: i64,
}

/// The user pool and identity pool of the installation.
pub(crate) struct Cognito {
    pub install: Installation,
    pub store: Arc<Store>,
    pub jwt: JwtKeys,
    pub stats: Arc<Stats>,
    /// Lifetime of the temporary credentials the identity pool issues.
    pub credential_ttl: Duration,
    /// How long a client may take to send a request body.
    pub body_timeout: Duration,
    /// Pending SRP challenges keyed by their base64 `SECRET_BLOCK` (in this process only: a
    /// sign-in answers the process that challenged it).
    challenges: Mutex<HashMap<String, PendingChallenge>>,
}

impl Cognito {
    pub fn new(
        install: Installation,
        store: Arc<Store>,
        jwt: JwtKeys,
        stats: Arc<Stats>,
        credential_ttl: Duration,
        body_timeout: Duration,
    ) -> Cognito {
        Cognito {
            install,
            store,
            jwt,
            stats,
            credential_ttl,
            body_timeout,
            challenges: Mutex::new(HashMap::new()),
        }
    }
}

/// `/` (Cognito's route): `POST` with `X-Amz-Target`; anything else is refused in AWS JSON.
pub(crate) async fn handle(State(cognito): State<Arc<Cognito>>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    if parts.method != Method::POST {
        return AwsError::new(
            "UnknownOperationException",
            format!(
                "{} / is not an operation: Cognito takes POST with an X-Amz-Target header",
                parts.method
            ),
        )
        .with_status(StatusCode::NOT_FOUND)
        .response();
    }
    let Some(target) = parts
        .headers
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
    let bytes = match body::read(body, MAX_BODY, cognito.body_timeout).await {
        Ok(bytes) => bytes,
        Err(err) => {
            let status = match err {
                BodyError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
                BodyError::TooSlow(_) => StatusCode::REQUEST_TIMEOUT,
                BodyError::Broken(_) => StatusCode::BAD_REQUEST,
            };
            let kind = match err {
                BodyError::TooLarge(_) => "RequestEntityTooLargeException",
                BodyError::TooSlow(_) => "RequestTimeoutException",
                BodyError::Broken(_) => "SerializationException",
            };
            return AwsError::new(kind, err.message())
                .with_status(status)
                .response();
        }
    };
    let operation = amz_target(&parts.headers).map_or(crate::stats::OTHER, |(_, op)| op);
    cognito.stats.cognito(operation, &OPERATIONS);
    let worker = cognito.clone();
    let headers = parts.headers;
    // The SRP arithmetic and SQLite are blocking work: keep them off the async workers.
    let outcome = tokio::task::spawn_blocking(move || {
        let call = amz_target(&headers);
        worker.dispatch(&target, call, &bytes)
    })
    .await;
    match outcome {
        Ok(Ok(body)) => aws_json(StatusCode::OK, &body, None),
        Ok(Err(err)) => err.response(),
        Err(join_error) => {
            tracing::error!(error = %join_error, "cognito worker failed");
            AwsError::new("InternalErrorException", "Internal error").response()
        }
    }
}

impl Cognito {
    fn dispatch(
        &self,
        target: &str,
        call: Option<(CognitoService, &str)>,
        body: &[u8],
    ) -> Result<Value, AwsError> {
        let Some((service, operation)) = call else {
            return Err(AwsError::new(
                "UnknownOperationException",
                format!("Unknown target {target}"),
            ));
        };
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
        match (service, operation) {
            (CognitoService::UserPool, "InitiateAuth") => initiate_auth(self, &input),
            (CognitoService::UserPool, "RespondToAuthChallenge") => {
                respond_to_auth_challenge(self, &input)
            }
            (CognitoService::IdentityPool, "GetId") => get_id(self, &input),
            (CognitoService::IdentityPool, "GetCredentialsForIdentity") => {
                get_credentials_for_identity(self, &input)
            }
            _ => Err(AwsError::new(
                "UnknownOperationException",
                format!("The emulator does not implement {target}"),
            )),
        }
    }
}

fn not_authorized(message: impl Into<String>) -> AwsError {
    AwsError::new("NotAuthorizedException", message)
}

fn invalid_parameter(message: impl Into<String>) -> AwsError {
    AwsError::new("InvalidParameterException", message)
}

fn wrong_password() -> AwsError {
    not_authorized("Incorrect username or password.")
}

fn bad_login_token() -> AwsError {
    not_authorized("Invalid login token. Not a valid OpenId Connect identity token.")
}

fn str_field<'a>(input: &'a Value, name: &str) -> Result<&'a str, AwsError> {
    input
        .get(name)
        .and_then(Value::as_str)
        .ok_or_else(|| invalid_parameter(format!("Missing required parameter {name}")))
}

fn check_client(install: &Installation, input: &Value) -> Result<(), AwsError> {
    let client_id = str_field(input, "ClientId")?;
    if client_id != install.pools().client_id {
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

/// Puts the user `username` in Cognito's FORCE_CHANGE_PASSWORD state: its password still
/// passes the SRP check, but `RespondToAuthChallenge` then answers `NEW_PASSWORD_REQUIRED`.
/// False when there is no such user.
pub(crate) fn require_new_password(store: &Store, username: &str) -> Result<bool, StoreError> {
    store.write(|db| {
        if db.pool_user(username)?.is_none() {
            return Ok(false);
        }
        db.set_meta(&new_password_key(username), "1")?;
        Ok(true)
    })
}

/// Makes every temporary credential issued so far expire now; returns how many were valid.
pub(crate) fn expire_credentials(store: &Store) -> Result<usize, StoreError> {
    let now = util::now_secs();
    store.write(|db| db.expire_credentials(now))
}

fn initiate_auth(state: &Cognito, input: &Value) -> Result<Value, AwsError> {
    check_client(&state.install, input)?;
    let flow = str_field(input, "AuthFlow")?;
    if flow != "USER_SRP_AUTH" {
        return Err(invalid_parameter(format!(
            "AuthFlow {flow} is not supported here: use USER_SRP_AUTH"
        )));
    }
    let params = input
        .get("AuthParameters")
        .filter(|p| p.is_object())
        .ok_or_else(|| invalid_parameter("Missing required parameter AuthParameters"))?;
    let username = str_field(params, "USERNAME")?;
    let srp_a = str_field(params, "SRP_A")?;
    let user = state
        .store
        .read(|db| db.pool_user(username))?
        .ok_or_else(|| AwsError::new("UserNotFoundException", "User does not exist."))?;
    if !user.enabled {
        return Err(not_authorized("User is disabled."));
    }
    let verifier = Verifier::from_stored(&user.salt, &user.verifier)
        .map_err(|_| AwsError::new("InternalErrorException", "Internal error"))?;
    let srp = ServerSession::start(&verifier, srp_a).map_err(|e| match e {
        SrpError::PublicA | SrpError::DegenerateA => {
            invalid_parameter("SRP_A is not a valid SRP public value")
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

fn respond_to_auth_challenge(state: &Cognito, input: &Value) -> Result<Value, AwsError> {
    check_client(&state.install, input)?;
    let challenge = str_field(input, "ChallengeName")?;
    if challenge != "PASSWORD_VERIFIER" {
        return Err(invalid_parameter(format!(
            "ChallengeName {challenge} is not supported here: use PASSWORD_VERIFIER"
        )));
    }
    let answers = input
        .get("ChallengeResponses")
        .filter(|p| p.is_object())
        .ok_or_else(|| invalid_parameter("Missing required parameter ChallengeResponses"))?;
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
            return Err(not_authorized(
                "Invalid session for the user, session is expired.",
            ));
        }
    };
    if pending.username != username {
        return Err(wrong_password());
    }
    let (failures, locked_until) = state
        .store
        .read(|db| db.sign_in_failures(&pending.username))?;
    if locked_until > util::now_ms() {
        return Err(not_authorized("Password attempts exceeded"));
    }
    let at = stax_srp::parse_timestamp(timestamp).ok_or_else(|| {
        invalid_parameter(
            "TIMESTAMP must read like 'Mon Nov 3 01:02:03 UTC 2026' (UTC, English names)",
        )
    })?;
    if (at.unix_timestamp() - util::now_secs()).abs() > TIMESTAMP_SKEW_SECS {
        return Err(not_authorized(
            "TIMESTAMP is more than 5 minutes away from the server's clock.",
        ));
    }
    if !pending.srp.verify(
        &state.install.pools().user_pool_id,
        &pending.username,
        &pending.secret_block,
        timestamp,
        signature,
    ) {
        let failures = failures.saturating_add(1);
        let locked_until = lockout_end(failures, util::now_ms());
        state
            .store
            .write(|db| db.set_sign_in_failures(&pending.username, failures, locked_until))?;
        return Err(if locked_until > 0 {
            not_authorized("Password attempts exceeded")
        } else {
            wrong_password()
        });
    }
    if failures > 0 {
        state
            .store
            .write(|db| db.set_sign_in_failures(&pending.username, 0, 0))?;
    }
    // The token may have been deleted while the challenge was pending.
    let user = state
        .store
        .read(|db| db.pool_user(&pending.username))?
        .ok_or_else(|| AwsError::new("UserNotFoundException", "User does not exist."))?;
    if !user.enabled {
        return Err(not_authorized("User is disabled."));
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
        aud: Some(state.install.pools().client_id.clone()),
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
        client_id: Some(state.install.pools().client_id.clone()),
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

/// When a user with `failures` wrong passwords in a row is locked out until (epoch ms), or 0.
fn lockout_end(failures: u32, now_ms: i64) -> i64 {
    if failures < LOCKOUT_AFTER {
        return 0;
    }
    let doublings = (failures - LOCKOUT_AFTER).min(16);
    let lockout = LOCKOUT_FIRST_MS
        .saturating_mul(1i64 << doublings)
        .min(LOCKOUT_MAX_MS);
    now_ms.saturating_add(lockout)
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

fn check_identity_pool(state: &Cognito, input: &Value) -> Result<(), AwsError> {
    let pool = str_field(input, "IdentityPoolId")?;
    if pool != state.install.pools().identity_pool_id {
        return Err(AwsError::new(
            "ResourceNotFoundException",
            format!("IdentityPool '{pool}' not found."),
        ));
    }
    Ok(())
}

/// Verifies the user pool's ID token in `Logins`; returns the user's `sub`.
fn login_subject(state: &Cognito, input: &Value) -> Result<String, AwsError> {
    let provider = state.install.login_provider();
    let token = input
        .get("Logins")
        .and_then(|l| l.get(&provider))
        .and_then(Value::as_str)
        .ok_or_else(|| {
            not_authorized(format!(
                "Invalid login token. Logins has no token for {provider}."
            ))
        })?;
    let claims = state
        .jwt
        .verify_id_token(
            token,
            &state.install.issuer(),
            &state.install.pools().client_id,
        )
        .ok_or_else(bad_login_token)?;
    // A deleted user's tokens are no longer honoured.
    if state
        .store
        .read(|db| db.pool_user_by_sub(&claims.sub))?
        .is_none()
    {
        return Err(bad_login_token());
    }
    Ok(claims.sub)
}

fn get_id(state: &Cognito, input: &Value) -> Result<Value, AwsError> {
    check_identity_pool(state, input)?;
    let sub = login_subject(state, input)?;
    let region = state.install.aws_region.clone();
    let identity = state
        .store
        .write(|db| db.identity_for(&sub, || format!("{region}:{}", util::uuid())))?;
    Ok(json!({"IdentityId": identity}))
}

fn get_credentials_for_identity(state: &Cognito, input: &Value) -> Result<Value, AwsError> {
    let identity = str_field(input, "IdentityId")?;
    let not_found = || {
        AwsError::new(
            "ResourceNotFoundException",
            format!("Identity '{identity}' not found."),
        )
    };
    let owner = state
        .store
        .read(|db| db.identity_sub(identity))?
        .ok_or_else(not_found)?;
    let sub = login_subject(state, input)?;
    if sub != owner {
        // An identity of another organisation's user is not found, as an unknown one is: a
        // token never learns what another organisation has.
        let (theirs, ours) = state.store.read(|db| {
            Ok::<_, StoreError>((
                db.organisation_of_sub(&owner)?,
                db.organisation_of_sub(&sub)?,
            ))
        })?;
        return Err(if theirs == ours {
            not_authorized("Invalid login token. The token does not belong to this identity.")
        } else {
            not_found()
        });
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lockouts_start_after_five_failures_and_double() {
        assert_eq!(lockout_end(4, 1000), 0);
        assert_eq!(lockout_end(5, 1000), 1000 + LOCKOUT_FIRST_MS);
        assert_eq!(lockout_end(6, 1000), 1000 + 2 * LOCKOUT_FIRST_MS);
        assert_eq!(lockout_end(60, 1000), 1000 + LOCKOUT_MAX_MS);
    }
}
