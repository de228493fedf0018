//! Sending requests: the pooled HTTP client, outcome classification, retry policy, decoding.
//!
//! Three separate pieces, after the smithy runtime's design:
//! - [`classify`] (pure) says what an attempt's outcome *is*: success, a retryable status,
//!   an expired security token, a connection failure, ...
//! - [`decide`] (pure) says what to *do* about it under an [`ApiRetryConfig`]: retry after a
//!   delay, refresh the credentials and retry, or stop.
//! - the client's send loop does the I/O and sleeps.
//!
//! ```
//! use std::time::Duration;
//! use http::Method;
//! use staxapp::ApiRetryConfig;
//! use staxapp::transport::{decide, Decision, OutcomeClass};
//!
//! let policy = ApiRetryConfig { jitter: false, ..ApiRetryConfig::default() };
//! let bad_gateway = OutcomeClass::RetryableStatus { status: 502, retry_after: None };
//! // GET is retried after backoff(1) = 1 s; POST is not retried by default.
//! assert_eq!(decide(&policy, &Method::GET, 1, &bad_gateway, false, 0.5), Decision::Retry(Duration::from_secs(1)));
//! assert_eq!(decide(&policy, &Method::POST, 1, &bad_gateway, false, 0.5), Decision::Done);
//! ```

use std::time::{Duration, SystemTime};

use http::Method;
use serde_json::Value;

use crate::config::{ApiRetryConfig, Config};
use crate::error::{ApiError, Error, Result};

/// The phrase of API Gateway's answer to expired session credentials (PROTOCOLS.md section 4).
pub const EXPIRED_TOKEN: &str = "The security token included in the request is expired";

/// Makes rustls' `ring` provider the process's default TLS crypto provider, unless the
/// application installed one already (then that one is used). [`http_client`] calls it; call
/// it yourself before building other `reqwest` clients in a process that uses the SDK.
///
/// The SDK builds reqwest without a provider of its own: the default one (aws-lc-rs) seeds its
/// random generator with CPU jitter entropy on every process start, which cost about half of a
/// CLI call's CPU time. `ring` reads the operating system's generator instead.
///
/// ```
/// staxapp::transport::install_crypto_provider();
/// assert!(rustls::crypto::CryptoProvider::get_default().is_some());
/// ```
pub fn install_crypto_provider() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Another thread may install one in between; either provider is fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}

/// Builds the HTTP client of a session: rustls (see [`install_crypto_provider`]), the extra
/// CA bundle of `config`, its timeouts and the SDK's User-Agent. Cheap to clone; clones share
/// the connection pool.
pub fn http_client(config: &Config) -> Result<reqwest::Client> {
    install_crypto_provider();
    let mut builder = reqwest::Client::builder()
        .user_agent(Config::user_agent())
        .timeout(config.timeout())
        .connect_timeout(config.connect_timeout())
        .pool_idle_timeout(Duration::from_secs(60));
    if let Some(path) = config.ca_bundle() {
        let pem = std::fs::read(path).map_err(|e| {
            Error::Config(format!(
                "cannot read the CA bundle {} (SSL_CERT_FILE / AWS_CA_BUNDLE): {e}",
                path.display()
            ))
        })?;
        let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
            Error::Config(format!(
                "the CA bundle {} is not a PEM file of certificates: {e}",
                path.display()
            ))
        })?;
        if certs.is_empty() {
            return Err(Error::Config(format!(
                "the CA bundle {} holds no certificate",
                path.display()
            )));
        }
        builder = builder.tls_certs_merge(certs);
    }
    builder
        .build()
        .map_err(|e| Error::transport("could not build the HTTP client", e))
}

/// What one attempt's outcome is, independent of any retry policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutcomeClass {
    /// A 2xx answer.
    Success,
    /// A status the policy may retry (429, 5xx), with the server's `Retry-After` if any.
    RetryableStatus {
        /// The HTTP status.
        status: u16,
        /// The delay the server asked for.
        retry_after: Option<Duration>,
    },
    /// 403 "The security token included in the request is expired".
    ExpiredToken,
    /// Any other non-2xx answer: final.
    Failure {
        /// The HTTP status.
        status: u16,
    },
    /// No connection could be made: nothing was sent, so any method may be retried.
    ConnectError,
    /// The request may have reached the server (timeout, reset, truncated answer).
    IoError,
}

/// What the send loop should do next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Sleep this long, then send again.
    Retry(Duration),
    /// Drop the credentials, sign in again and send again (at once).
    Refresh,
    /// Stop: hand the outcome to the caller.
    Done,
}

/// Classifies an HTTP answer. `body` is only looked at for 403s. Pure.
pub fn classify(
    policy: &ApiRetryConfig,
    status: u16,
    retry_after: Option<&str>,
    body: &[u8],
    now: SystemTime,
) -> OutcomeClass {
    if (200..300).contains(&status) {
        return OutcomeClass::Success;
    }
    if status == 403 && contains(body, EXPIRED_TOKEN.as_bytes()) {
        return OutcomeClass::ExpiredToken;
    }
    if policy.status_codes.contains(&status) {
        return OutcomeClass::RetryableStatus {
            status,
            retry_after: retry_after.and_then(|v| parse_retry_after(v, now)),
        };
    }
    OutcomeClass::Failure { status }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Decides what to do after attempt number `attempt` (from 1) of a `method` request ended as
/// `class`. `refreshed` tells whether the credentials were already refreshed once for this
/// call; `jitter` is a random number in `[0, 1]` (passed in so the function stays pure).
pub fn decide(
    policy: &ApiRetryConfig,
    method: &Method,
    attempt: u32,
    class: &OutcomeClass,
    refreshed: bool,
    jitter: f64,
) -> Decision {
    let method_retryable = policy
        .retry_methods
        .iter()
        .any(|m| m.eq_ignore_ascii_case(method.as_str()));
    let attempts_left = attempt < policy.max_attempts;
    let delay = || {
        let base = policy.backoff(attempt);
        if policy.jitter {
            // Full jitter over the upper half: [base/2, base].
            base.mul_f64(0.5 + 0.5 * jitter.clamp(0.0, 1.0))
        } else {
            base
        }
    };
    match class {
        OutcomeClass::Success | OutcomeClass::Failure { .. } => Decision::Done,
        OutcomeClass::ExpiredToken if !refreshed => Decision::Refresh,
        OutcomeClass::ExpiredToken => Decision::Done,
        OutcomeClass::RetryableStatus { retry_after, .. } if method_retryable && attempts_left => {
            match retry_after {
                Some(wait) if policy.respect_retry_after => {
                    Decision::Retry((*wait).min(policy.max_backoff))
                }
                _ => Decision::Retry(delay()),
            }
        }
        OutcomeClass::ConnectError if attempts_left => Decision::Retry(delay()),
        OutcomeClass::IoError if method_retryable && attempts_left => Decision::Retry(delay()),
        _ => Decision::Done,
    }
}

/// Parses `Retry-After`: whole seconds, or an HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`)
/// relative to `now`. A date in the past means "now".
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use staxapp::transport::parse_retry_after;
///
/// let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_770);
/// assert_eq!(parse_retry_after("3", now), Some(Duration::from_secs(3)));
/// assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now), Some(Duration::from_secs(7)));
/// assert_eq!(parse_retry_after("soon", now), None);
/// ```
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    let at = time::PrimitiveDateTime::parse(value, &format)
        .ok()?
        .assume_utc();
    let at = SystemTime::UNIX_EPOCH + Duration::from_secs(u64::try_from(at.unix_timestamp()).ok()?);
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Turns a final answer into the call's result: 2xx -> the decoded JSON (`Null` for an empty
/// body); anything else -> [`ApiError`] with the server's words (PARITY.md O7, O8).
pub fn decode(status: u16, body: &[u8], operation: Option<&str>) -> Result<Value> {
    if !(200..300).contains(&status) {
        let text = String::from_utf8_lossy(body);
        return Err(ApiError::from_response(status, &text, operation.map(str::to_owned)).into());
    }
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Null);
    }
    serde_json::from_slice(body).map_err(|e| Error::Transport {
        message: format!(
            "{} answered {status} with a body that is not JSON ({e}); it starts with {:?}",
            operation.unwrap_or("the server"),
            crate::auth::cognito::preview(body)
        ),
        source: None,
    })
}

/// Classifies a reqwest error: could a connection not even be made?
pub fn class_of_error(e: &reqwest::Error) -> OutcomeClass {
    if e.is_connect() {
        OutcomeClass::ConnectError
    } else {
        OutcomeClass::IoError
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> ApiRetryConfig {
        ApiRetryConfig {
            jitter: false,
            ..ApiRetryConfig::default()
        }
    }

    #[test]
    fn classification_reads_status_and_body() {
        let p = policy();
        let now = SystemTime::UNIX_EPOCH;
        assert_eq!(classify(&p, 200, None, b"", now), OutcomeClass::Success);
        assert_eq!(
            classify(&p, 429, Some("2"), b"", now),
            OutcomeClass::RetryableStatus {
                status: 429,
                retry_after: Some(Duration::from_secs(2))
            }
        );
        assert_eq!(
            classify(
                &p,
                403,
                None,
                br#"{"message":"The security token included in the request is expired"}"#,
                now
            ),
            OutcomeClass::ExpiredToken
        );
        assert_eq!(
            classify(
                &p,
                403,
                None,
                br#"{"message":"Missing Authentication Token"}"#,
                now
            ),
            OutcomeClass::Failure { status: 403 }
        );
        assert_eq!(
            classify(&p, 503, None, b"", now),
            OutcomeClass::Failure { status: 503 }
        );
    }

    #[test]
    fn policy_follows_parity_c4() {
        let p = policy();
        let status = OutcomeClass::RetryableStatus {
            status: 500,
            retry_after: None,
        };
        for (method, retried) in [
            (Method::GET, true),
            (Method::PUT, true),
            (Method::DELETE, true),
            (Method::OPTIONS, true),
            (Method::POST, false),
            (Method::PATCH, false),
        ] {
            let d = decide(&p, &method, 1, &status, false, 0.0);
            assert_eq!(matches!(d, Decision::Retry(_)), retried, "{method}");
        }
        // The fifth attempt is the last.
        assert_eq!(
            decide(&p, &Method::GET, 4, &status, false, 0.0),
            Decision::Retry(Duration::from_secs(8))
        );
        assert_eq!(
            decide(&p, &Method::GET, 5, &status, false, 0.0),
            Decision::Done
        );
        // Connection failures are retried for any method; I/O errors only for retryable ones.
        assert!(matches!(
            decide(
                &p,
                &Method::POST,
                1,
                &OutcomeClass::ConnectError,
                false,
                0.0
            ),
            Decision::Retry(_)
        ));
        assert_eq!(
            decide(&p, &Method::POST, 1, &OutcomeClass::IoError, false, 0.0),
            Decision::Done
        );
        // An expired token refreshes once, for any method.
        assert_eq!(
            decide(
                &p,
                &Method::POST,
                1,
                &OutcomeClass::ExpiredToken,
                false,
                0.0
            ),
            Decision::Refresh
        );
        assert_eq!(
            decide(&p, &Method::POST, 2, &OutcomeClass::ExpiredToken, true, 0.0),
            Decision::Done
        );
    }

    #[test]
    fn retry_after_is_honoured_and_capped() {
        let p = policy();
        let class = |secs| OutcomeClass::RetryableStatus {
            status: 429,
            retry_after: Some(Duration::from_secs(secs)),
        };
        assert_eq!(
            decide(&p, &Method::GET, 1, &class(3), false, 0.0),
            Decision::Retry(Duration::from_secs(3))
        );
        assert_eq!(
            decide(&p, &Method::GET, 1, &class(3600), false, 0.0),
            Decision::Retry(Duration::from_secs(20))
        );
        let ignore = ApiRetryConfig {
            respect_retry_after: false,
            ..policy()
        };
        assert_eq!(
            decide(&ignore, &Method::GET, 1, &class(3), false, 0.0),
            Decision::Retry(Duration::from_secs(1))
        );
    }

    #[test]
    fn jitter_stays_in_the_upper_half() {
        let p = ApiRetryConfig::default();
        let class = OutcomeClass::IoError;
        for jitter in [0.0, 0.3, 1.0, 7.0, -1.0] {
            let Decision::Retry(d) = decide(&p, &Method::GET, 2, &class, false, jitter) else {
                panic!("expected a retry")
            };
            assert!(
                d >= Duration::from_secs(1) && d <= Duration::from_secs(2),
                "{d:?}"
            );
        }
    }

    #[test]
    fn decoding() {
        assert_eq!(decode(200, b"", None).unwrap(), Value::Null);
        assert_eq!(
            decode(200, br#"{"a":1}"#, None).unwrap(),
            serde_json::json!({"a": 1})
        );
        let err = decode(200, b"{\"Accounts\": [", Some("accounts.ReadAccounts")).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("accounts.ReadAccounts answered 200"),
            "{text}"
        );
        assert!(text.contains("{\\\"Accounts\\\": ["), "{text}");
        let err = decode(
            404,
            br#"{"Error":"Account not found"}"#,
            Some("accounts.ReadAccount"),
        )
        .unwrap_err();
        assert_eq!(err.status(), Some(404));
        assert_eq!(err.to_string(), "Api Exception: 404 - Account not found");
    }
}
