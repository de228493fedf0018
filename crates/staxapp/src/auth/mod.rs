//! Signing in: public configuration, Cognito SRP, identity pool exchange, credential cache.
//!
//! The API token (access key + secret key) signs in to the installation's Cognito user pool
//! with SRP (PARITY.md A2), the ID token is traded at the identity pool for temporary AWS
//! credentials (A5, A6), and those sign every API call (A7). [`StaxClient`](crate::StaxClient)
//! does all of this by itself; this module exposes the steps for tools and tests that need
//! them one at a time:
//!
//! ```no_run
//! use staxapp::Config;
//! use staxapp::auth::{SignIn, fetch_public_config};
//!
//! # async fn demo() -> staxapp::Result<()> {
//! let config = Config::from_env()?;
//! let http = staxapp::transport::http_client(&config)?;
//! let api_auth = fetch_public_config(&http, &config).await?;
//! let sign_in = SignIn::new(&config, &http, &api_auth);
//! let credentials = sign_in.sign_in_with_config(&config).await?;
//! println!("credentials valid until {:?}", credentials.expiration());
//! # Ok(()) }
//! ```

pub(crate) mod chain;
pub(crate) mod cognito;
mod credentials;
pub mod store;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, SystemTime};

use serde_json::{Value, json};

pub use cognito::PasswordVerifierChallenge;
use cognito::{CognitoError, IDENTITY_PREFIX, IDP_PREFIX, JsonClient, SrpClient, UNVERIFIED_TOKEN};
pub use credentials::{CredentialCache, Credentials};

use crate::config::Config;
use crate::error::{AuthError, AuthErrorKind, Error, Result};
use crate::interceptor::{Interceptors, RequestKind};
use crate::send::{self, Link, Outgoing, Unsigned};
use crate::transport;

/// Guidance for a refused secret key (PARITY.md A4).
pub const CHECK_SECRET_KEY: &str = "Please check your Secret Key is correct";
/// Guidance for an unknown access key (PARITY.md A4).
pub const CHECK_ACCESS_KEY: &str = "Please check your Access Key, that you have created your Api Token and that you are using the right STAX REGION";

/// The `ApiAuth` block of `<base>/public/config`: where and how API tokens sign in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiAuth {
    /// The AWS region of the Cognito pools, e.g. `ap-southeast-2`.
    pub region: String,
    /// The user pool id, e.g. `ap-southeast-2_AbC123xyz`.
    pub user_pool_id: String,
    /// The user pool app client id.
    pub client_id: String,
    /// The identity pool id, e.g. `ap-southeast-2:<uuid>`.
    pub identity_pool_id: String,
}

impl ApiAuth {
    /// Reads the `ApiAuth` block of a `public/config` document.
    ///
    /// ```
    /// use serde_json::json;
    /// use staxapp::auth::ApiAuth;
    ///
    /// let auth = ApiAuth::from_public_config(&json!({"ApiAuth": {
    ///     "region": "ap-southeast-2", "userPoolId": "ap-southeast-2_Abc",
    ///     "userPoolWebClientId": "client", "identityPoolId": "ap-southeast-2:1234"}}))?;
    /// assert_eq!(auth.user_pool_id, "ap-southeast-2_Abc");
    /// assert_eq!(auth.logins_key(), "cognito-idp.ap-southeast-2.amazonaws.com/ap-southeast-2_Abc");
    /// # Ok::<(), staxapp::Error>(())
    /// ```
    pub fn from_public_config(document: &Value) -> Result<ApiAuth> {
        let block = document.get("ApiAuth").ok_or_else(|| {
            public_config_error("the public config has no ApiAuth block".to_owned())
        })?;
        let get = |key: &str| -> Result<String> {
            block
                .get(key)
                .and_then(Value::as_str)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
                .ok_or_else(|| public_config_error(format!("ApiAuth has no {key}")))
        };
        Ok(ApiAuth {
            region: get("region")?,
            user_pool_id: get("userPoolId")?,
            client_id: get("userPoolWebClientId")?,
            identity_pool_id: get("identityPoolId")?,
        })
    }

    /// The `Logins` key of the identity pool calls:
    /// `cognito-idp.<region>.amazonaws.com/<userPoolId>`.
    pub fn logins_key(&self) -> String {
        format!(
            "cognito-idp.{}.amazonaws.com/{}",
            self.region, self.user_pool_id
        )
    }
}

fn public_config_error(detail: String) -> Error {
    AuthError::new(
        AuthErrorKind::PublicConfig,
        "Could not load API config",
        format!("{detail}; check STAX_REGION / STAX_ENDPOINT"),
    )
    .into()
}

/// The one cache of `ApiAuth` blocks: a cell per base URL for the process. The first caller
/// fetches, concurrent callers wait for its outcome; a session keeps its base URL's cell, and
/// credentials loaded from a store fill it with the block stored beside them.
pub(crate) type PublicConfigCell = Arc<tokio::sync::OnceCell<Arc<ApiAuth>>>;

/// The cell of `config`'s base URL.
pub(crate) fn public_config_cell(config: &Config) -> PublicConfigCell {
    type Cells = Mutex<HashMap<String, PublicConfigCell>>;
    static CELLS: OnceLock<Cells> = OnceLock::new();
    CELLS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .entry(config.base_url().trim_end_matches('/').to_owned())
        .or_default()
        .clone()
}

/// `GET <base_url>/public/config` (unauthenticated) of `config`'s installation, read once per
/// base URL for the process, however many sessions ask at once (PARITY.md A1). Sent through
/// the SDK's send loop with the API retry settings; a failure is not remembered.
pub async fn fetch_public_config(http: &reqwest::Client, config: &Config) -> Result<Arc<ApiAuth>> {
    let policy = config.api_retry();
    public_config(
        &public_config_cell(config),
        Link::new(http, config, policy),
        config,
    )
    .await
}

/// The `ApiAuth` of `cell`, read through `link` when not known yet.
pub(crate) async fn public_config(
    cell: &PublicConfigCell,
    link: Link<'_>,
    config: &Config,
) -> Result<Arc<ApiAuth>> {
    cell.get_or_try_init(|| read_public_config(link, config))
        .await
        .cloned()
}

async fn read_public_config(link: Link<'_>, config: &Config) -> Result<Arc<ApiAuth>> {
    let url = format!("{}/public/config", config.base_url().trim_end_matches('/'));
    let request = Outgoing {
        method: http::Method::GET,
        url: &url,
        headers: Vec::new(),
        body: None,
        content_type: "application/json",
        operation: "public.ReadConfig",
        kind: RequestKind::PublicConfig,
        idempotent: true,
        classify_first: None,
    };
    let sent = send::send(link, &request, &Unsigned).await;
    let response = match sent {
        Ok(response) => response,
        Err(e @ Error::Certificate { .. }) => return Err(e),
        Err(e) => return Err(public_config_error(e.to_string())),
    };
    let status = response.status;
    if !(200..300).contains(&status) {
        return Err(public_config_error(format!(
            "GET {url} answered {status}: {}",
            transport::preview(&response.body)
        )));
    }
    let document: Value = serde_json::from_slice(&response.body).map_err(|_| {
        public_config_error(format!(
            "GET {url} answered {status} with a body that is not JSON: {:?}",
            transport::preview(&response.body)
        ))
    })?;
    Ok(Arc::new(ApiAuth::from_public_config(&document)?))
}

/// Maps a Cognito error of the user pool sign-in onto PARITY.md A4's guidance.
pub(crate) fn sign_in_error(e: &CognitoError) -> AuthError {
    match e.code() {
        Some("NotAuthorizedException") => AuthError::new(
            AuthErrorKind::InvalidSecretKey,
            e.to_string(),
            CHECK_SECRET_KEY,
        ),
        Some("UserNotFoundException") => AuthError::new(
            AuthErrorKind::UnknownAccessKey,
            e.to_string(),
            CHECK_ACCESS_KEY,
        ),
        _ => unexpected(e.to_string()),
    }
}

fn unexpected(details: String) -> AuthError {
    AuthError::new(
        AuthErrorKind::Unexpected,
        "Unexpected Client Error",
        format!("Error details: {details}"),
    )
}

/// Identity pool errors that mean "the token is too fresh, ask again" (PARITY.md A6): the
/// send loop asked again already, so this one is the last.
fn is_unverified_token(e: &CognitoError) -> bool {
    e.to_string().contains(UNVERIFIED_TOKEN)
}

/// The steps of signing in, against one installation's Cognito pools.
#[derive(Debug, Clone)]
pub struct SignIn {
    api_auth: ApiAuth,
    idp: JsonClient,
    identity: JsonClient,
    max_attempts: u32,
}

impl SignIn {
    /// Sign-in against the pools of `api_auth`, at the Cognito endpoints of `config` (or AWS's
    /// regional ones), over the HTTP client `http`.
    pub fn new(config: &Config, http: &reqwest::Client, api_auth: &ApiAuth) -> SignIn {
        SignIn::with_interceptors(config, http, api_auth, Interceptors::default())
    }

    /// [`new`](Self::new), its Cognito calls seen by `interceptors`.
    pub(crate) fn with_interceptors(
        config: &Config,
        http: &reqwest::Client,
        api_auth: &ApiAuth,
        interceptors: Interceptors,
    ) -> SignIn {
        let max_attempts = config.auth_retry().max_attempts;
        let idp_endpoint = config.cognito_idp_endpoint().map_or_else(
            || format!("https://cognito-idp.{}.amazonaws.com/", api_auth.region),
            str::to_owned,
        );
        let identity_endpoint = config.cognito_identity_endpoint().map_or_else(
            || {
                format!(
                    "https://cognito-identity.{}.amazonaws.com/",
                    api_auth.region
                )
            },
            str::to_owned,
        );
        SignIn {
            api_auth: api_auth.clone(),
            idp: JsonClient::new(
                config,
                http.clone(),
                idp_endpoint,
                IDP_PREFIX,
                interceptors.clone(),
            ),
            identity: JsonClient::new(
                config,
                http.clone(),
                identity_endpoint,
                IDENTITY_PREFIX,
                interceptors,
            ),
            max_attempts: max_attempts.max(1),
        }
    }

    /// The pools signed in to.
    pub fn api_auth(&self) -> &ApiAuth {
        &self.api_auth
    }

    /// Step 1: `InitiateAuth` with `USER_SRP_AUTH` for `access_key`; returns Cognito's
    /// `PASSWORD_VERIFIER` challenge. Errors are mapped as in PARITY.md A4.
    #[doc(hidden)]
    pub async fn initiate(&self, access_key: &str) -> Result<PasswordVerifierChallenge> {
        self.initiate_with(&SrpClient::random(), access_key).await
    }

    async fn initiate_with(
        &self,
        srp: &SrpClient,
        access_key: &str,
    ) -> Result<PasswordVerifierChallenge> {
        let request = srp.initiate_request(&self.api_auth.client_id, access_key);
        let response = self
            .idp
            .call("InitiateAuth", &request)
            .await?
            .map_err(|e| sign_in_error(&e))?;
        PasswordVerifierChallenge::from_response(&response).map_err(|e| unexpected(e).into())
    }

    /// Steps 1 and 2: the SRP sign-in of the API token; returns the ID token.
    pub async fn id_token(&self, access_key: &str, secret_key: &str) -> Result<IdToken> {
        let srp = SrpClient::random();
        let challenge = self.initiate_with(&srp, access_key).await?;
        let now = time::OffsetDateTime::now_utc();
        let request = srp
            .respond_request(
                &self.api_auth.client_id,
                &self.api_auth.user_pool_id,
                secret_key,
                &challenge,
                now,
            )
            .map_err(unexpected)?;
        let response = self
            .idp
            .call("RespondToAuthChallenge", &request)
            .await?
            .map_err(|e| sign_in_error(&e))?;
        if let Some(name) = response.get("ChallengeName").and_then(Value::as_str) {
            if name == "NEW_PASSWORD_REQUIRED" {
                return Err(AuthError::new(
                    AuthErrorKind::NewPasswordRequired,
                    "Change password before authenticating",
                    "the API token's password must be changed in Stax before it can sign in",
                )
                .into());
            }
            if response.get("AuthenticationResult").is_none() {
                return Err(unexpected(format!(
                    "RespondToAuthChallenge answered with the unsupported {name} challenge"
                ))
                .into());
            }
        }
        response
            .pointer("/AuthenticationResult/IdToken")
            .and_then(Value::as_str)
            .map(|t| IdToken(t.to_owned()))
            .ok_or_else(|| {
                unexpected("RespondToAuthChallenge answered without an IdToken".to_owned()).into()
            })
    }

    /// Step 3: trades an ID token for temporary credentials (`GetId` then
    /// `GetCredentialsForIdentity`); the send loop asks each again while the identity pool
    /// cannot yet verify the fresh token, `max_attempts` times in all (PARITY.md A5, A6).
    pub async fn credentials(&self, id_token: &IdToken) -> Result<Credentials> {
        let logins = json!({ self.api_auth.logins_key(): id_token.0 });
        match self.exchange(&logins).await? {
            Ok(creds) => Ok(creds),
            Err(e) if is_unverified_token(&e) => Err(self.retries_exceeded()),
            Err(e) => Err(unexpected(e.to_string()).into()),
        }
    }

    fn retries_exceeded(&self) -> Error {
        AuthError::new(
            AuthErrorKind::RetriesExceeded,
            "Retries Exceeded: Unexpected Client Error",
            format!(
                "the identity pool could not verify the ID token after {} attempts; try again later",
                self.max_attempts
            ),
        )
        .into()
    }

    /// `GetId` then `GetCredentialsForIdentity`. The outer error: no answer could be had; the
    /// inner one: an identity pool error (or an answer that cannot be read).
    async fn exchange(
        &self,
        logins: &Value,
    ) -> Result<std::result::Result<Credentials, CognitoError>> {
        let id = match self
            .identity
            .call(
                "GetId",
                &json!({"IdentityPoolId": self.api_auth.identity_pool_id, "Logins": logins}),
            )
            .await?
        {
            Ok(id) => id,
            Err(e) => return Ok(Err(e)),
        };
        let Some(identity_id) = id.get("IdentityId").and_then(Value::as_str) else {
            return Ok(Err(CognitoError::Protocol {
                operation: "GetId".into(),
                message: "the answer has no IdentityId".into(),
            }));
        };
        let answer = match self
            .identity
            .call(
                "GetCredentialsForIdentity",
                &json!({"IdentityId": identity_id, "Logins": logins}),
            )
            .await?
        {
            Ok(answer) => answer,
            Err(e) => return Ok(Err(e)),
        };
        Ok(
            parse_credentials(&answer).map_err(|message| CognitoError::Protocol {
                operation: "GetCredentialsForIdentity".into(),
                message,
            }),
        )
    }

    /// The whole sign-in: SRP, then the identity exchange.
    pub async fn sign_in(&self, access_key: &str, secret_key: &str) -> Result<Credentials> {
        let token = self.id_token(access_key, secret_key).await?;
        self.credentials(&token).await
    }

    /// [`sign_in`](Self::sign_in) with the API token of `config`; a missing key is an
    /// [`AuthErrorKind::MissingAccessKey`] / [`AuthErrorKind::MissingSecretKey`] error.
    pub async fn sign_in_with_config(&self, config: &Config) -> Result<Credentials> {
        let (access_key, secret_key) = api_token(config)?;
        self.sign_in(access_key, secret_key).await
    }
}

/// Checks that `config` holds a whole API token (an access key and a secret key), without
/// any network: the error a sign-in would fail with, found before the first request.
///
/// ```
/// use staxapp::Config;
///
/// let config = Config::builder_without_env().access_key("AK").build()?;
/// let err = staxapp::auth::check_api_token(&config).unwrap_err();
/// assert!(err.to_string().contains("STAX_SECRET_KEY"));
/// # Ok::<(), staxapp::Error>(())
/// ```
pub fn check_api_token(config: &Config) -> Result<()> {
    api_token(config).map(|_| ())
}

/// The API token of `config`, or the error naming the missing variable.
pub(crate) fn api_token(config: &Config) -> Result<(&str, &str)> {
    let access_key = config.access_key().ok_or_else(|| {
        AuthError::new(
            AuthErrorKind::MissingAccessKey,
            "Please provide an Access Key to your config",
            "set STAX_ACCESS_KEY or use Config::builder().access_key(..)",
        )
    })?;
    let secret_key = config.secret_key().ok_or_else(|| {
        AuthError::new(
            AuthErrorKind::MissingSecretKey,
            "Please provide a Secret Key to your config",
            "set STAX_SECRET_KEY or use Config::builder().secret_key(..)",
        )
    })?;
    Ok((access_key, secret_key.expose()))
}

/// A Cognito ID token. `Debug` does not show it.
#[derive(Clone, PartialEq, Eq)]
pub struct IdToken(String);

impl IdToken {
    /// Wraps a token obtained elsewhere (e.g. an admin sign-in in a test).
    pub fn new(token: impl Into<String>) -> Self {
        IdToken(token.into())
    }

    /// The token itself.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for IdToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IdToken(<redacted>)")
    }
}

/// Reads `Credentials` of a `GetCredentialsForIdentity` answer. `Expiration` is epoch
/// seconds, a JSON number that may be fractional.
pub(crate) fn parse_credentials(answer: &Value) -> std::result::Result<Credentials, String> {
    let block = answer
        .get("Credentials")
        .ok_or("the answer has no Credentials")?;
    let get = |key: &str| -> std::result::Result<&str, String> {
        block
            .get(key)
            .and_then(Value::as_str)
            .ok_or_else(|| format!("Credentials has no {key}"))
    };
    let expiration = match block.get("Expiration") {
        Some(Value::Number(n)) => n.as_f64(),
        Some(Value::String(s)) => s.trim().parse::<f64>().ok(),
        _ => None,
    }
    .filter(|s| s.is_finite() && *s >= 0.0 && *s < 1e12)
    .ok_or("Credentials has no Expiration in epoch seconds")?;
    Ok(Credentials::new(
        get("AccessKeyId")?,
        get("SecretKey")?,
        get("SessionToken")?,
        SystemTime::UNIX_EPOCH + Duration::from_secs_f64(expiration),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_parse_fractional_expiry() {
        let creds = parse_credentials(&json!({"IdentityId": "x", "Credentials": {
            "AccessKeyId": "ASIA", "SecretKey": "sk", "SessionToken": "tok", "Expiration": 1700000000.5
        }}))
        .unwrap();
        assert_eq!(
            creds.expiration(),
            SystemTime::UNIX_EPOCH + Duration::from_millis(1_700_000_000_500)
        );
        let err = parse_credentials(&json!({"Credentials": {"AccessKeyId": "A"}})).unwrap_err();
        assert!(
            err.contains("SecretKey") || err.contains("Expiration"),
            "{err}"
        );
        let err = parse_credentials(&json!({"Credentials": {
            "AccessKeyId": "A", "SecretKey": "s", "SessionToken": "t", "Expiration": -1}}))
        .unwrap_err();
        assert!(err.contains("Expiration"), "{err}");
    }

    #[test]
    fn cognito_errors_map_to_guidance() {
        let service = |code: &str| CognitoError::Service {
            operation: "InitiateAuth".into(),
            code: code.into(),
            message: "words".into(),
            status: 400,
        };
        let e = sign_in_error(&service("NotAuthorizedException"));
        assert_eq!(e.kind, AuthErrorKind::InvalidSecretKey);
        assert_eq!(e.detail, CHECK_SECRET_KEY);
        let e = sign_in_error(&service("UserNotFoundException"));
        assert_eq!(e.kind, AuthErrorKind::UnknownAccessKey);
        assert!(e.to_string().contains("right STAX REGION"), "{e}");
        let e = sign_in_error(&service("InvalidParameterException"));
        assert_eq!(e.kind, AuthErrorKind::Unexpected);
        assert!(e.to_string().starts_with("Unexpected Client Error"), "{e}");
        assert!(e.to_string().contains("InvalidParameterException"), "{e}");
    }

    #[test]
    fn missing_keys_name_the_variable() {
        let config = Config::builder_without_env().build().unwrap();
        let Err(Error::Auth(e)) = api_token(&config) else {
            panic!("expected an auth error")
        };
        assert_eq!(e.kind, AuthErrorKind::MissingAccessKey);
        assert!(e.to_string().contains("STAX_ACCESS_KEY"), "{e}");
        let config = Config::builder_without_env()
            .access_key("AK")
            .build()
            .unwrap();
        let Err(Error::Auth(e)) = api_token(&config) else {
            panic!("expected an auth error")
        };
        assert_eq!(e.kind, AuthErrorKind::MissingSecretKey);
        assert!(e.to_string().contains("STAX_SECRET_KEY"), "{e}");
    }

    #[test]
    fn public_config_errors_name_the_fix() {
        let err = ApiAuth::from_public_config(&json!({"ApiAuth": {"region": "r"}})).unwrap_err();
        assert!(err.to_string().contains("userPoolId"), "{err}");
        assert!(err.to_string().contains("STAX_REGION"), "{err}");
    }
}
