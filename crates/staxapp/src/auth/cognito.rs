//! A small AWS JSON 1.1 client for the four unsigned Cognito calls (PROTOCOLS.md section 3),
//! and the pure client side of the SRP exchange (section 2).

use std::collections::BTreeMap;
use std::fmt;

use base64::Engine as _;
use serde_json::{Value, json};
use time::OffsetDateTime;

use crate::config::{ApiRetryConfig, Config};
use crate::interceptor::{Interceptors, RequestKind};
use crate::send::{self, Link, Outgoing, Unsigned};
use crate::transport::{AwsError, OutcomeClass, Response, preview};

/// Target prefix of the user pool service.
pub(crate) const IDP_PREFIX: &str = "AWSCognitoIdentityProviderService";
/// Target prefix of the identity pool service.
pub(crate) const IDENTITY_PREFIX: &str = "AWSCognitoIdentityService";

/// What went wrong with one Cognito call that got an answer.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum CognitoError {
    /// Cognito answered with an error body.
    Service {
        /// The operation called, e.g. `InitiateAuth`.
        operation: String,
        /// The error name without any `namespace#` prefix, e.g. `NotAuthorizedException`.
        code: String,
        /// Cognito's message.
        message: String,
        /// The HTTP status.
        status: u16,
    },
    /// The answer could not be understood.
    Protocol {
        /// The operation called.
        operation: String,
        /// What is wrong with the answer.
        message: String,
    },
}

impl CognitoError {
    /// The error name, when Cognito gave one.
    pub(crate) fn code(&self) -> Option<&str> {
        match self {
            CognitoError::Service { code, .. } => Some(code),
            CognitoError::Protocol { .. } => None,
        }
    }
}

impl fmt::Display for CognitoError {
    /// Worded like the AWS SDKs, so users can search for it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CognitoError::Service {
                operation,
                code,
                message,
                ..
            } => write!(
                f,
                "An error occurred ({code}) when calling the {operation} operation: {message}"
            ),
            CognitoError::Protocol { operation, message } => {
                write!(
                    f,
                    "The Cognito {operation} operation answered badly: {message}"
                )
            }
        }
    }
}

/// One Cognito service endpoint spoken to with AWS JSON 1.1, through the SDK's one send loop
/// (same classification and retry policy as API calls, [`AuthRetryConfig::max_attempts`]
/// retries).
///
/// [`AuthRetryConfig::max_attempts`]: crate::AuthRetryConfig::max_attempts
#[derive(Clone)]
pub(crate) struct JsonClient {
    http: reqwest::Client,
    endpoint: String,
    prefix: &'static str,
    policy: ApiRetryConfig,
    attempt_timeout: Option<std::time::Duration>,
    operation_timeout: Option<std::time::Duration>,
    interceptors: Interceptors,
}

impl fmt::Debug for JsonClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JsonClient")
            .field("endpoint", &self.endpoint)
            .field("prefix", &self.prefix)
            .finish()
    }
}

/// Whether a Cognito call may be sent again after it may have been processed: the sign-in
/// calls change nothing, except `RespondToAuthChallenge`, which uses up its challenge (a
/// repeat would be refused as an expired session).
fn repeatable(operation: &str) -> bool {
    operation != "RespondToAuthChallenge"
}

/// The identity pool's answer to a fresh ID token it cannot verify yet (PARITY.md A6).
pub(crate) const UNVERIFIED_TOKEN: &str = "Couldn't verify signed token";

/// Classifies the identity pool's "not yet" ([`UNVERIFIED_TOKEN`]) as
/// [`OutcomeClass::NotYet`]: the send loop asks again.
fn identity_not_yet(response: &Response) -> Option<OutcomeClass> {
    if response.is_success() {
        return None;
    }
    AwsError::read(&response.headers, &response.body)
        .message
        .filter(|m| m.contains(UNVERIFIED_TOKEN))
        .map(|_| OutcomeClass::NotYet)
}

impl JsonClient {
    /// A client of the Cognito service at `endpoint` (`X-Amz-Target` prefix `prefix`), sending
    /// with `config`'s limits and the sign-in retry policy.
    pub(crate) fn new(
        config: &Config,
        http: reqwest::Client,
        endpoint: String,
        prefix: &'static str,
        interceptors: Interceptors,
    ) -> Self {
        JsonClient {
            http,
            endpoint,
            prefix,
            policy: config.sign_in_retry(),
            attempt_timeout: config.attempt_timeout(),
            operation_timeout: config.operation_timeout(),
            interceptors,
        }
    }

    /// Calls `operation` with `body`. The outer error: no answer could be had (after the
    /// retries the policy allows); the inner one: Cognito answered with an error.
    pub(crate) async fn call(
        &self,
        operation: &str,
        body: &Value,
    ) -> crate::error::Result<Result<Value, CognitoError>> {
        let payload = serde_json::to_vec(body).map_err(|e| crate::error::Error::Transport {
            message: format!("could not encode the Cognito {operation} request: {e}"),
            source: None,
        })?;
        let name = format!("cognito.{operation}");
        let request = Outgoing {
            method: http::Method::POST,
            url: &self.endpoint,
            headers: vec![("x-amz-target", format!("{}.{operation}", self.prefix))],
            body: Some(payload),
            content_type: "application/x-amz-json-1.1",
            operation: &name,
            kind: RequestKind::Cognito,
            idempotent: repeatable(operation),
            classify_first: (self.prefix == IDENTITY_PREFIX).then_some(identity_not_yet as _),
        };
        let link = Link {
            http: &self.http,
            policy: &self.policy,
            attempt_timeout: self.attempt_timeout,
            operation_timeout: self.operation_timeout,
            quota: None,
            interceptors: &self.interceptors,
        };
        let response = send::send(link, &request, &Unsigned).await?;
        Ok(answer(operation, &response))
    }
}

/// Reads an AWS JSON 1.1 answer: the decoded body, or the error it names.
fn answer(operation: &str, response: &Response) -> Result<Value, CognitoError> {
    let bytes = &response.body;
    let status = response.status;
    let decoded: Option<Value> = if bytes.iter().all(u8::is_ascii_whitespace) {
        Some(Value::Object(Default::default()))
    } else {
        serde_json::from_slice(bytes).ok()
    };
    if (200..300).contains(&status) {
        return decoded.ok_or_else(|| CognitoError::Protocol {
            operation: operation.to_owned(),
            message: format!(
                "status {status} with a body that is not JSON: {:?}",
                preview(bytes)
            ),
        });
    }
    let error = AwsError::read(&response.headers, bytes);
    let code = error.code.unwrap_or_else(|| format!("HTTP{status}"));
    let message = error.message.unwrap_or_else(|| preview(bytes));
    Err(CognitoError::Service {
        operation: operation.to_owned(),
        code,
        message,
        status,
    })
}

/// The `PASSWORD_VERIFIER` challenge of `InitiateAuth`.
#[derive(Clone, PartialEq, Eq)]
pub struct PasswordVerifierChallenge {
    /// `SALT`, hex.
    pub salt: String,
    /// `SRP_B`, hex.
    pub srp_b: String,
    /// `SECRET_BLOCK`, base64.
    pub secret_block: String,
    /// `USER_ID_FOR_SRP`.
    pub user_id_for_srp: String,
    /// `USERNAME`, as Cognito echoes it.
    pub username: Option<String>,
    /// `Session`, when Cognito sent one.
    pub session: Option<String>,
}

impl fmt::Debug for PasswordVerifierChallenge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PasswordVerifierChallenge")
            .field("user_id_for_srp", &self.user_id_for_srp)
            .field("username", &self.username)
            .field("has_session", &self.session.is_some())
            .finish_non_exhaustive()
    }
}

impl PasswordVerifierChallenge {
    /// Reads the challenge out of an `InitiateAuth` answer; `Err` names what is wrong.
    pub(crate) fn from_response(response: &Value) -> Result<Self, String> {
        let name = response
            .get("ChallengeName")
            .and_then(Value::as_str)
            .unwrap_or("<none>");
        if name != "PASSWORD_VERIFIER" {
            return Err(format!(
                "InitiateAuth answered with the {name} challenge; only PASSWORD_VERIFIER is supported"
            ));
        }
        let params = response.get("ChallengeParameters");
        let get = |key: &str| -> Result<String, String> {
            params
                .and_then(|p| p.get(key))
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| format!("the PASSWORD_VERIFIER challenge has no {key}"))
        };
        Ok(PasswordVerifierChallenge {
            salt: get("SALT")?,
            srp_b: get("SRP_B")?,
            secret_block: get("SECRET_BLOCK")?,
            user_id_for_srp: get("USER_ID_FOR_SRP")?,
            username: get("USERNAME").ok(),
            session: response
                .get("Session")
                .and_then(Value::as_str)
                .map(str::to_owned),
        })
    }
}

/// Decodes `SECRET_BLOCK` leniently, as Python's `base64.standard_b64decode` does: characters
/// outside the base64 alphabet are skipped and padding is optional. (Real Cognito sends clean
/// base64; some stand-ins, e.g. moto, send a UUID.)
fn decode_secret_block(text: &str) -> Option<Vec<u8>> {
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    const LENIENT: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new()
            .with_decode_padding_mode(DecodePaddingMode::Indifferent)
            .with_decode_allow_trailing_bits(true),
    );
    let cleaned: String = text
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '+' || *c == '/')
        .collect();
    if cleaned.is_empty() {
        return None;
    }
    LENIENT.decode(cleaned).ok()
}

/// The client's side of one SRP exchange (the arithmetic is `stax-srp`'s): the secret `a`
/// and public `A`.
pub(crate) struct SrpClient {
    inner: stax_srp::Client,
}

impl fmt::Debug for SrpClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SrpClient(<redacted>)")
    }
}

impl SrpClient {
    /// A client with a fresh random secret.
    pub(crate) fn random() -> Self {
        SrpClient {
            inner: stax_srp::Client::new(),
        }
    }

    /// A client with the given secret `a` (big-endian bytes); `None` when `A mod N` would be 0.
    #[cfg(test)]
    pub(crate) fn with_secret(a: &[u8]) -> Option<Self> {
        stax_srp::Client::with_secret(a).map(|inner| SrpClient { inner })
    }

    /// `SRP_A` as sent: lowercase hex, unpadded.
    pub(crate) fn srp_a(&self) -> String {
        self.inner.public_hex()
    }

    /// The `InitiateAuth` request.
    pub(crate) fn initiate_request(&self, client_id: &str, username: &str) -> Value {
        json!({
            "AuthFlow": "USER_SRP_AUTH",
            "ClientId": client_id,
            "AuthParameters": {"USERNAME": username, "SRP_A": self.srp_a()},
        })
    }

    /// The `RespondToAuthChallenge` request answering `challenge` at time `now`. Pure.
    pub(crate) fn respond_request(
        &self,
        client_id: &str,
        user_pool_id: &str,
        password: &str,
        challenge: &PasswordVerifierChallenge,
        now: OffsetDateTime,
    ) -> Result<Value, String> {
        let secret_block = decode_secret_block(&challenge.secret_block)
            .ok_or("the challenge's SECRET_BLOCK is not base64")?;
        let user_id = &challenge.user_id_for_srp;
        let answer = self
            .inner
            .answer(
                &stax_srp::Challenge {
                    salt: &challenge.salt,
                    srp_b: &challenge.srp_b,
                    secret_block: &secret_block,
                    user_id,
                },
                user_pool_id,
                password,
                now,
            )
            .map_err(|e| e.to_string())?;
        let (timestamp, signature) = (answer.timestamp, answer.signature);
        let mut responses = BTreeMap::new();
        responses.insert("USERNAME", user_id.clone());
        responses.insert("TIMESTAMP", timestamp);
        responses.insert(
            "PASSWORD_CLAIM_SECRET_BLOCK",
            challenge.secret_block.clone(),
        );
        responses.insert("PASSWORD_CLAIM_SIGNATURE", signature);
        let mut request = json!({
            "ChallengeName": "PASSWORD_VERIFIER",
            "ClientId": client_id,
            "ChallengeResponses": responses,
        });
        if let Some(session) = &challenge.session {
            request["Session"] = Value::String(session.clone());
        }
        Ok(request)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_codes_lose_their_namespace() {
        for (raw, code) in [
            (
                "com.amazonaws.cognito#NotAuthorizedException",
                "NotAuthorizedException",
            ),
            ("UserNotFoundException", "UserNotFoundException"),
            (
                "InvalidParameterException:http://internal.amazon.com/",
                "InvalidParameterException",
            ),
        ] {
            let body = serde_json::to_vec(&json!({"__type": raw})).unwrap();
            let read = AwsError::read(&http::HeaderMap::new(), &body);
            assert_eq!(read.code.as_deref(), Some(code));
        }
    }

    #[test]
    fn the_identity_pool_not_yet_is_asked_again() {
        let answer = |status, message: &str| Response {
            status,
            headers: Default::default(),
            body: serde_json::to_vec(
                &json!({"__type": "NotAuthorizedException", "message": message}),
            )
            .unwrap(),
            attempts: 1,
        };
        assert_eq!(
            identity_not_yet(&answer(
                400,
                "Invalid login token. Couldn't verify signed token."
            )),
            Some(OutcomeClass::NotYet)
        );
        assert_eq!(identity_not_yet(&answer(400, "Token is expired")), None);
        assert_eq!(identity_not_yet(&answer(200, UNVERIFIED_TOKEN)), None);
    }

    #[test]
    fn errors_read_like_the_aws_sdks() {
        let e = CognitoError::Service {
            operation: "InitiateAuth".into(),
            code: "NotAuthorizedException".into(),
            message: String::new(),
            status: 400,
        };
        assert_eq!(
            e.to_string(),
            "An error occurred (NotAuthorizedException) when calling the InitiateAuth operation: "
        );
        assert!(repeatable("InitiateAuth") && repeatable("GetId"));
        assert!(!repeatable("RespondToAuthChallenge"));
    }

    #[test]
    fn answers_name_the_error_from_body_or_header() {
        let response = |status, headers: &[(&'static str, &str)], body: &str| Response {
            status,
            headers: headers
                .iter()
                .map(|(k, v)| {
                    (
                        http::HeaderName::from_static(k),
                        http::HeaderValue::from_str(v).unwrap(),
                    )
                })
                .collect(),
            body: body.as_bytes().to_vec(),
            attempts: 1,
        };
        let err = answer(
            "GetId",
            &response(
                400,
                &[],
                r#"{"__type":"x#ResourceNotFoundException","message":"m"}"#,
            ),
        )
        .unwrap_err();
        assert_eq!(err.code(), Some("ResourceNotFoundException"));
        let err = answer(
            "GetId",
            &response(500, &[("x-amzn-errortype", "InternalErrorException")], ""),
        )
        .unwrap_err();
        assert_eq!(err.code(), Some("InternalErrorException"));
        assert_eq!(answer("GetId", &response(200, &[], "")).unwrap(), json!({}));
        assert!(matches!(
            answer("GetId", &response(200, &[], "{oops")),
            Err(CognitoError::Protocol { .. })
        ));
    }

    #[test]
    fn challenge_parsing_names_the_missing_field() {
        let err = PasswordVerifierChallenge::from_response(&json!({
            "ChallengeName": "PASSWORD_VERIFIER",
            "ChallengeParameters": {"SALT": "01", "SRP_B": "02", "USER_ID_FOR_SRP": "u"}
        }))
        .unwrap_err();
        assert!(err.contains("SECRET_BLOCK"), "{err}");
        let err = PasswordVerifierChallenge::from_response(&json!({"ChallengeName": "SMS_MFA"}))
            .unwrap_err();
        assert!(err.contains("SMS_MFA"), "{err}");
    }

    #[test]
    fn bad_challenges_are_refused_not_panicked_on() {
        let client = SrpClient::with_secret(&12345u32.to_be_bytes()).unwrap();
        let challenge = |salt: &str, b: &str, block: &str| PasswordVerifierChallenge {
            salt: salt.into(),
            srp_b: b.into(),
            secret_block: block.into(),
            user_id_for_srp: "u".into(),
            username: None,
            session: None,
        };
        let now = OffsetDateTime::UNIX_EPOCH;
        for (c, words) in [
            (challenge("zz", "02", "AAAA"), "SALT"),
            (challenge("01", "", "AAAA"), "SRP_B"),
            (challenge("01", "02", "***"), "SECRET_BLOCK"),
            (challenge("01", "0", "AAAA"), "0 mod N"),
        ] {
            let err = client
                .respond_request("cid", "pool_X", "pw", &c, now)
                .unwrap_err();
            assert!(err.contains(words), "{err}");
        }
    }

    #[test]
    fn the_answer_is_the_srp_crates() {
        let secret = [0x1fu8; 128];
        let client = SrpClient::with_secret(&secret).unwrap();
        let reference = stax_srp::Client::with_secret(&secret).unwrap();
        assert_eq!(client.srp_a(), reference.public_hex());
        let request = client.initiate_request("cid", "AK");
        assert_eq!(request["AuthParameters"]["SRP_A"], reference.public_hex());
        let challenge = PasswordVerifierChallenge {
            salt: "7b5e0c7d3a9f41c2b6e8d1f0a4c3b2e1".into(),
            srp_b: "2a904785fc77e7671d899453ae9fb047".into(),
            secret_block: "AAECAwQF".into(),
            user_id_for_srp: "uid".into(),
            username: Some("AK".into()),
            session: None,
        };
        let now = time::macros::datetime!(2026-11-03 01:02:03 UTC);
        let request = client
            .respond_request("cid", "pool_X", "pw", &challenge, now)
            .unwrap();
        let expected = reference
            .answer(
                &stax_srp::Challenge {
                    salt: &challenge.salt,
                    srp_b: &challenge.srp_b,
                    secret_block: &[0, 1, 2, 3, 4, 5],
                    user_id: "uid",
                },
                "pool_X",
                "pw",
                now,
            )
            .unwrap();
        let responses = &request["ChallengeResponses"];
        assert_eq!(responses["TIMESTAMP"], expected.timestamp);
        assert_eq!(responses["PASSWORD_CLAIM_SIGNATURE"], expected.signature);
        assert_eq!(responses["USERNAME"], "uid");
        assert_eq!(request["ChallengeName"], "PASSWORD_VERIFIER");
        assert!(request.get("Session").is_none());
    }

    #[test]
    fn secret_blocks_decode_like_python() {
        assert_eq!(decode_secret_block("AAEC"), Some(vec![0, 1, 2]));
        assert_eq!(decode_secret_block("AAE="), Some(vec![0, 1]));
        assert_eq!(decode_secret_block("AAE"), Some(vec![0, 1]));
        // A UUID (moto's stand-in): dashes are skipped.
        let uuid = "0f8fad5b-d9cb-469f-a165-70867728950e";
        assert_eq!(decode_secret_block(uuid).map(|b| b.len()), Some(24));
        assert_eq!(decode_secret_block("***"), None);
        assert_eq!(decode_secret_block("A"), None);
    }

    #[test]
    fn the_session_is_passed_back() {
        let client = SrpClient::with_secret(&12345u32.to_be_bytes()).unwrap();
        let challenge = PasswordVerifierChallenge {
            salt: "01".into(),
            srp_b: "02".into(),
            secret_block: "AAAA".into(),
            user_id_for_srp: "uid".into(),
            username: None,
            session: Some("sess".into()),
        };
        let req = client
            .respond_request(
                "cid",
                "pool_X",
                "pw",
                &challenge,
                OffsetDateTime::UNIX_EPOCH,
            )
            .unwrap();
        assert_eq!(req["Session"], "sess");
        assert_eq!(req["ChallengeResponses"]["USERNAME"], "uid");
        assert_eq!(
            req["ChallengeResponses"]["TIMESTAMP"],
            "Thu Jan 1 00:00:00 UTC 1970"
        );
        assert_eq!(
            req["ChallengeResponses"]["PASSWORD_CLAIM_SECRET_BLOCK"],
            "AAAA"
        );
    }
}
