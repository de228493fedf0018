//! Sending requests: the pooled HTTP client, outcome classification, retry policy, decoding.
//!
//! Three separate pieces, after the smithy runtime's design:
//! - [`classify`] and [`class_of_error`] say what an attempt's outcome *is*: success, refused
//!   before processing (throttled, not connected), a retryable status, an expired security
//!   token, an untrusted certificate, a failure after sending, ...
//! - [`decide`] (pure) says what to *do* about it under an [`ApiRetryConfig`]: retry after a
//!   delay, refresh the credentials and retry, or stop.
//! - one send loop does the I/O and sleeps. Every request of the SDK goes through it: signed
//!   API calls, the unsigned document and public configuration fetches, and the four Cognito
//!   calls of a sign-in.
//!
//! ```
//! use std::time::Duration;
//! use staxapp::ApiRetryConfig;
//! use staxapp::transport::{decide, Decision, OutcomeClass};
//!
//! let policy = ApiRetryConfig { jitter: false, ..ApiRetryConfig::default() };
//! let bad_gateway = OutcomeClass::RetryableStatus { status: 502, retry_after: None };
//! let throttled = OutcomeClass::Throttled { status: 429, retry_after: None };
//! // An idempotent GET is retried, the first retry at once; a POST that may have been
//! // processed is not, but one refused before processing is.
//! assert_eq!(decide(&policy, true, 1, &bad_gateway, false, 0.5), Decision::Retry(Duration::ZERO));
//! assert_eq!(decide(&policy, false, 1, &bad_gateway, false, 0.5), Decision::Done);
//! assert_eq!(decide(&policy, false, 2, &throttled, false, 0.5), Decision::Retry(Duration::from_secs(2)));
//! ```

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use http::HeaderMap;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject as _;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::apis::ErrorShape;
use crate::config::{ApiRetryConfig, Config};
use crate::error::{ApiError, ConfigError, Error, Result};

/// The phrase of API Gateway's answer to expired session credentials (PROTOCOLS.md section 4).
pub const EXPIRED_TOKEN: &str = "The security token included in the request is expired";

/// The phrase of API Gateway's answer to session credentials it does not know (revoked, or
/// issued by another identity pool).
pub const INVALID_TOKEN: &str = "The security token included in the request is invalid";

/// AWS error codes that mean "refused before processing: slow down" (AWS JSON 1.1 services
/// answer them with status 400).
pub const THROTTLING_CODES: [&str; 5] = [
    "TooManyRequestsException",
    "ThrottlingException",
    "Throttling",
    "RequestLimitExceeded",
    "SlowDown",
];

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
    let builder = reqwest::Client::builder()
        .user_agent(Config::user_agent())
        .timeout(config.timeout())
        .connect_timeout(config.connect_timeout())
        .pool_idle_timeout(Duration::from_secs(60));
    let mut extra_roots = Vec::new();
    if let Some(path) = config.ca_bundle() {
        let bundle_error = |problem: String| ConfigError::CaBundle {
            path: path.to_owned(),
            problem,
        };
        let pem = stax_input::read(path, stax_input::Kind::CA_BUNDLE)
            .map_err(|e| bundle_error(e.reason()))?;
        extra_roots = CertificateDer::pem_slice_iter(&pem)
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|e| bundle_error(format!("is not a PEM file of certificates: {e}")))?;
        if extra_roots.is_empty() {
            return Err(bundle_error("holds no certificate".into()).into());
        }
    }
    let provider = rustls::crypto::CryptoProvider::get_default()
        .cloned()
        .unwrap_or_else(|| Arc::new(rustls::crypto::ring::default_provider()));
    let tls =
        crate::tls::client_config(provider, extra_roots).map_err(|e| match config.ca_bundle() {
            Some(path) => Error::from(ConfigError::CaBundle {
                path: path.to_owned(),
                problem: format!("cannot be used: {e}"),
            }),
            None => Error::transport("could not set up TLS", e),
        })?;
    builder
        .tls_backend_preconfigured(tls)
        .build()
        .map_err(|e| Error::transport("could not build the HTTP client", e))
}

/// What one attempt's outcome is, independent of any retry policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutcomeClass {
    /// A 2xx answer.
    Success,
    /// Refused before it was processed: 429, or a 400 with an AWS throttling code
    /// ([`THROTTLING_CODES`]). Safe to retry whatever the method.
    Throttled {
        /// The HTTP status.
        status: u16,
        /// The delay the server asked for.
        retry_after: Option<Duration>,
    },
    /// A status of the policy's `status_codes` (5xx): the request may have been processed.
    RetryableStatus {
        /// The HTTP status.
        status: u16,
        /// The delay the server asked for.
        retry_after: Option<Duration>,
    },
    /// 403 "The security token included in the request is expired" ([`EXPIRED_TOKEN`]) or
    /// "... is invalid" ([`INVALID_TOKEN`]): fresh credentials may succeed.
    ExpiredToken,
    /// Any other non-2xx answer (4xx but 429, statuses outside the retry list): final.
    Failure {
        /// The HTTP status.
        status: u16,
    },
    /// No connection could be made (refused, connect timeout, DNS failure): nothing was sent,
    /// so any method may be retried.
    ConnectError,
    /// The server's TLS certificate is not trusted: retrying cannot help.
    Certificate,
    /// The request may have reached the server (reset after sending, truncated answer).
    IoError,
    /// The attempt ran out of time (the attempt timeout, or the HTTP client's read timeout):
    /// the request may have reached the server. Retried as [`IoError`](Self::IoError) is; a
    /// retry after it costs the retry quota more.
    TimedOut,
    /// The service refused for now what will succeed shortly, e.g. the identity pool's
    /// "Couldn't verify signed token" for a fresh ID token (PARITY.md A6): asked again, any
    /// method, `max_attempts` times in all.
    NotYet,
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

/// Classifies an HTTP answer. The body is looked at only for 403s (expired token) and 400s
/// (AWS throttling codes, also read from `x-amzn-ErrorType`). Pure.
pub fn classify(
    policy: &ApiRetryConfig,
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
    now: SystemTime,
) -> OutcomeClass {
    let retry_after = || {
        headers
            .get(http::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, now))
    };
    if (200..300).contains(&status) {
        return OutcomeClass::Success;
    }
    if status == 403
        && (contains(body, EXPIRED_TOKEN.as_bytes()) || contains(body, INVALID_TOKEN.as_bytes()))
    {
        return OutcomeClass::ExpiredToken;
    }
    if status == 429 || (status == 400 && is_throttling(headers, body)) {
        return OutcomeClass::Throttled {
            status,
            retry_after: retry_after(),
        };
    }
    if policy.status_codes.contains(&status) {
        return OutcomeClass::RetryableStatus {
            status,
            retry_after: retry_after(),
        };
    }
    OutcomeClass::Failure { status }
}

/// True when an AWS JSON error names a throttling code (`x-amzn-ErrorType` or `__type`,
/// with or without a `namespace#` prefix).
fn is_throttling(headers: &HeaderMap, body: &[u8]) -> bool {
    let named = |code: &str| THROTTLING_CODES.contains(&code);
    // The header alone, first: no body to parse.
    if headers
        .get("x-amzn-errortype")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| named(aws_code(v)))
    {
        return true;
    }
    AwsError::read(headers, body)
        .code
        .as_deref()
        .is_some_and(named)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Decides what to do after attempt number `attempt` (from 1) of a request ended as `class`.
///
/// `idempotent` tells whether the request may be repeated after it may have been processed
/// (for API calls: its method is one of `retry_methods`). `refreshed` tells whether the
/// credentials were already refreshed once for this call (pass `true` for unsigned requests);
/// `jitter` is a random number in `[0, 1]`, passed in so the function stays pure.
///
/// `policy.max_attempts` retries are allowed after the first attempt (urllib3's `total`).
pub fn decide(
    policy: &ApiRetryConfig,
    idempotent: bool,
    attempt: u32,
    class: &OutcomeClass,
    refreshed: bool,
    jitter: f64,
) -> Decision {
    let retries_left = attempt <= policy.max_attempts;
    let backoff = |server: &Option<Duration>| {
        if let Some(wait) = server
            && policy.respect_retry_after
        {
            return (*wait).min(policy.max_backoff);
        }
        let base = policy.backoff(attempt);
        if policy.jitter {
            // Jitter over the upper half: [base/2, base].
            base.mul_f64(0.5 + 0.5 * jitter.clamp(0.0, 1.0))
        } else {
            base
        }
    };
    match class {
        OutcomeClass::Success | OutcomeClass::Failure { .. } | OutcomeClass::Certificate => {
            Decision::Done
        }
        OutcomeClass::ExpiredToken if !refreshed => Decision::Refresh,
        OutcomeClass::ExpiredToken => Decision::Done,
        OutcomeClass::Throttled { retry_after, .. }
            if retries_left
                && policy.status_codes.contains(&429)
                && (idempotent || policy.retry_refused_any_method) =>
        {
            Decision::Retry(backoff(retry_after))
        }
        OutcomeClass::RetryableStatus { retry_after, .. } if retries_left && idempotent => {
            Decision::Retry(backoff(retry_after))
        }
        OutcomeClass::ConnectError if retries_left => Decision::Retry(backoff(&None)),
        OutcomeClass::IoError | OutcomeClass::TimedOut if retries_left && idempotent => {
            Decision::Retry(backoff(&None))
        }
        // staxapp's loop: `max_attempts` asks in all.
        OutcomeClass::NotYet if attempt < policy.max_attempts => Decision::Retry(backoff(&None)),
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

/// Turns a final answer into the call's result: 2xx -> the body decoded into `T` (an empty
/// body reads as JSON `null`); anything else -> [`ApiError`] with the server's words (read
/// in `shape` first) and its request id (PARITY.md O7, O8).
///
/// ```
/// use staxapp::apis::ErrorShape;
/// use staxapp::transport::{decode, Response};
///
/// let answer = |status, body: &str| Response { status, headers: Default::default(), body: body.into(), attempts: 1 };
/// let value: serde_json::Value = decode(&answer(200, r#"{"a": 1}"#), None, ErrorShape::Text)?;
/// assert_eq!(value["a"], 1);
/// let err = decode::<serde_json::Value>(&answer(404, r#"{"Error": "Account not found"}"#), None, ErrorShape::Text).unwrap_err();
/// assert_eq!(err.to_string(), "Api Exception: 404 - Account not found");
/// # Ok::<(), staxapp::Error>(())
/// ```
pub fn decode<T: DeserializeOwned>(
    response: &Response,
    operation: Option<&str>,
    shape: ErrorShape,
) -> Result<T> {
    let (status, body) = (response.status, response.body.as_slice());
    if !response.is_success() {
        return Err(api_error(response, operation, shape));
    }
    let decoded = if body.iter().all(u8::is_ascii_whitespace) {
        T::deserialize(Value::Null).map_err(|e| e.to_string())
    } else {
        serde_json::from_slice(body).map_err(|e| e.to_string())
    };
    decoded.map_err(|e| Error::Transport {
        message: format!(
            "{} answered {status} with a body that is not the JSON expected ({e}); it starts with {:?}",
            operation.unwrap_or("the server"),
            preview(body)
        ),
        source: None,
    })
}

/// The [`ApiError`] of a non-2xx answer: the server's words (read in `shape` first), the
/// decoded body, the request id.
pub fn api_error(response: &Response, operation: Option<&str>, shape: ErrorShape) -> Error {
    let text = String::from_utf8_lossy(&response.body);
    ApiError::from_answer(
        response.status,
        &text,
        operation.map(str::to_owned),
        shape,
        response.request_id().map(str::to_owned),
    )
    .into()
}

/// Classifies a failure to get an answer: an untrusted certificate, no connection made, or a
/// failure after the request may have been sent.
pub fn class_of_error(e: &reqwest::Error) -> OutcomeClass {
    if certificate_problem(e).is_some() {
        OutcomeClass::Certificate
    } else if e.is_connect() {
        OutcomeClass::ConnectError
    } else if e.is_timeout() {
        OutcomeClass::TimedOut
    } else {
        OutcomeClass::IoError
    }
}

/// The TLS library's words when `e` comes from a certificate the client does not trust.
pub(crate) fn certificate_problem(e: &(dyn std::error::Error + 'static)) -> Option<String> {
    let is_certificate = |tls: &rustls::Error| {
        matches!(
            tls,
            rustls::Error::InvalidCertificate(_)
                | rustls::Error::NoCertificatesPresented
                | rustls::Error::UnsupportedNameType
        )
    };
    let mut current = Some(e);
    while let Some(err) = current {
        if let Some(tls) = err.downcast_ref::<rustls::Error>()
            && is_certificate(tls)
        {
            return Some(tls.to_string());
        }
        // `io::Error::source` skips the error it wraps (which may be another io::Error).
        current = match err
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            Some(inner) => Some(inner as &(dyn std::error::Error + 'static)),
            None => err.source(),
        };
    }
    None
}

/// The first bytes of a body, for error messages.
pub fn preview(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(200)]);
    text.into_owned()
}

/// A reqwest error with its chain of causes (reqwest's own message is often just "error
/// sending request").
pub(crate) fn describe_reqwest(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let s_text = s.to_string();
        if !text.contains(&s_text) {
            text.push_str(": ");
            text.push_str(&s_text);
        }
        source = s.source();
    }
    text
}

/// An HTTP answer: status, headers and body (after the retries, whatever its status).
#[derive(Debug, Clone)]
pub struct Response {
    /// The HTTP status.
    pub status: u16,
    /// The headers.
    pub headers: HeaderMap,
    /// The body as received.
    pub body: Vec<u8>,
    /// How many attempts it took (1 when the first was answered).
    pub attempts: u32,
}

impl Response {
    /// The server's id of the request (`x-amzn-RequestId`, as API Gateway and Cognito send
    /// it; `x-amz-request-id` too), if it sent one.
    pub fn request_id(&self) -> Option<&str> {
        ["x-amzn-requestid", "x-amz-request-id"]
            .iter()
            .find_map(|name| self.headers.get(*name)?.to_str().ok())
    }

    /// True for a 2xx status.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// An AWS error named by an answer: its code (`x-amzn-ErrorType` or `__type`, without any
/// `namespace#` prefix or `:` suffix) and message. The one reading of AWS error codes (API
/// Gateway's, Cognito's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsError {
    /// e.g. `NotAuthorizedException`.
    pub code: Option<String>,
    /// `message` or `Message` of the body.
    pub message: Option<String>,
}

impl AwsError {
    /// Reads the code and message of an AWS JSON error answer. The body's `__type` wins over
    /// the header.
    ///
    /// ```
    /// use http::HeaderMap;
    /// use staxapp::transport::AwsError;
    ///
    /// let e = AwsError::read(&HeaderMap::new(), br#"{"__type": "com.amazonaws#NotAuthorizedException", "message": "no"}"#);
    /// assert_eq!(e.code.as_deref(), Some("NotAuthorizedException"));
    /// assert_eq!(e.message.as_deref(), Some("no"));
    /// ```
    pub fn read(headers: &HeaderMap, body: &[u8]) -> AwsError {
        let decoded: Option<Value> = serde_json::from_slice(body).ok();
        let from_body = decoded
            .as_ref()
            .and_then(|b| b.get("__type"))
            .and_then(Value::as_str)
            .map(aws_code);
        let from_header = headers
            .get("x-amzn-errortype")
            .and_then(|v| v.to_str().ok())
            .map(aws_code);
        let message = decoded.as_ref().and_then(|b| {
            ["message", "Message"]
                .iter()
                .find_map(|k| b.get(*k).and_then(Value::as_str))
                .map(str::to_owned)
        });
        AwsError {
            code: from_body.or(from_header).map(str::to_owned),
            message,
        }
    }
}

/// The part of an error name after `#` (`com.amazonaws...#NotAuthorizedException`), and
/// without any `:` suffix (`...Exception:http://...`).
fn aws_code(raw: &str) -> &str {
    let name = raw.rsplit_once('#').map_or(raw, |(_, name)| name);
    name.split_once(':').map_or(name, |(name, _)| name).trim()
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

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(*k, v.parse().unwrap());
        }
        map
    }

    #[test]
    fn classification_reads_status_headers_and_body() {
        let p = policy();
        let now = SystemTime::UNIX_EPOCH;
        let none = HeaderMap::new();
        assert_eq!(classify(&p, 200, &none, b"", now), OutcomeClass::Success);
        assert_eq!(
            classify(&p, 429, &headers(&[("retry-after", "2")]), b"", now),
            OutcomeClass::Throttled {
                status: 429,
                retry_after: Some(Duration::from_secs(2))
            }
        );
        // AWS JSON throttling: status 400 with a throttling code, in the body or the header.
        assert_eq!(
            classify(
                &p,
                400,
                &none,
                br#"{"__type":"com.amazonaws#TooManyRequestsException","message":"Rate exceeded"}"#,
                now
            ),
            OutcomeClass::Throttled {
                status: 400,
                retry_after: None
            }
        );
        assert!(matches!(
            classify(
                &p,
                400,
                &headers(&[("x-amzn-ErrorType", "ThrottlingException:http://x")]),
                b"",
                now
            ),
            OutcomeClass::Throttled { .. }
        ));
        assert_eq!(
            classify(
                &p,
                400,
                &none,
                br#"{"__type":"NotAuthorizedException"}"#,
                now
            ),
            OutcomeClass::Failure { status: 400 }
        );
        assert_eq!(
            classify(
                &p,
                403,
                &none,
                br#"{"message":"The security token included in the request is expired"}"#,
                now
            ),
            OutcomeClass::ExpiredToken
        );
        assert_eq!(
            classify(
                &p,
                403,
                &none,
                br#"{"message":"The security token included in the request is invalid."}"#,
                now
            ),
            OutcomeClass::ExpiredToken
        );
        assert_eq!(
            classify(
                &p,
                403,
                &none,
                br#"{"message":"Missing Authentication Token"}"#,
                now
            ),
            OutcomeClass::Failure { status: 403 }
        );
        for status in [500, 502, 503, 504] {
            assert!(matches!(
                classify(&p, status, &none, b"", now),
                OutcomeClass::RetryableStatus { .. }
            ));
        }
        for status in [400, 401, 404, 409, 501] {
            assert_eq!(
                classify(&p, status, &none, b"", now),
                OutcomeClass::Failure { status }
            );
        }
        // staxapp's own list leaves 503 out.
        let staxapp = ApiRetryConfig {
            status_codes: [429, 500, 502, 504].into_iter().collect(),
            ..p
        };
        assert_eq!(
            classify(&staxapp, 503, &none, b"", now),
            OutcomeClass::Failure { status: 503 }
        );
    }

    #[test]
    fn policy_follows_parity_c4_and_beyond() {
        let p = policy();
        let status = OutcomeClass::RetryableStatus {
            status: 500,
            retry_after: None,
        };
        // Idempotent requests are retried after a 5xx; others are not (may be processed).
        assert!(matches!(
            decide(&p, true, 1, &status, false, 0.0),
            Decision::Retry(_)
        ));
        assert_eq!(decide(&p, false, 1, &status, false, 0.0), Decision::Done);
        // max_attempts 5 = five retries: attempts 1..=5 may be retried, the sixth is the last.
        assert_eq!(
            decide(&p, true, 1, &status, false, 0.0),
            Decision::Retry(Duration::ZERO)
        );
        assert_eq!(
            decide(&p, true, 5, &status, false, 0.0),
            Decision::Retry(Duration::from_secs(16))
        );
        assert_eq!(decide(&p, true, 6, &status, false, 0.0), Decision::Done);
        // Refused before processing: retried for every method...
        let throttled = OutcomeClass::Throttled {
            status: 429,
            retry_after: None,
        };
        for class in [&throttled, &OutcomeClass::ConnectError] {
            assert!(matches!(
                decide(&p, false, 1, class, false, 0.0),
                Decision::Retry(_)
            ));
        }
        // ...unless asked to keep staxapp's rule for 429, or 429 is not in the list.
        let strict = ApiRetryConfig {
            retry_refused_any_method: false,
            ..policy()
        };
        assert_eq!(
            decide(&strict, false, 1, &throttled, false, 0.0),
            Decision::Done
        );
        assert!(matches!(
            decide(&strict, false, 1, &OutcomeClass::ConnectError, false, 0.0),
            Decision::Retry(_)
        ));
        let no429 = ApiRetryConfig {
            status_codes: [500].into_iter().collect(),
            ..policy()
        };
        assert_eq!(
            decide(&no429, true, 1, &throttled, false, 0.0),
            Decision::Done
        );
        // May have been processed: only idempotent requests.
        assert_eq!(
            decide(&p, false, 1, &OutcomeClass::IoError, false, 0.0),
            Decision::Done
        );
        assert!(matches!(
            decide(&p, true, 1, &OutcomeClass::IoError, false, 0.0),
            Decision::Retry(_)
        ));
        // Never: certificates and final statuses.
        for class in [
            OutcomeClass::Certificate,
            OutcomeClass::Failure { status: 400 },
            OutcomeClass::Failure { status: 404 },
            OutcomeClass::Success,
        ] {
            assert_eq!(decide(&p, true, 1, &class, false, 0.0), Decision::Done);
        }
        // An expired token refreshes once, for any method.
        assert_eq!(
            decide(&p, false, 1, &OutcomeClass::ExpiredToken, false, 0.0),
            Decision::Refresh
        );
        assert_eq!(
            decide(&p, false, 2, &OutcomeClass::ExpiredToken, true, 0.0),
            Decision::Done
        );
        // No retries at all.
        assert_eq!(
            decide(&ApiRetryConfig::disabled(), true, 1, &status, false, 0.0),
            Decision::Done
        );
    }

    /// The number of requests for the same settings is staxapp's: `Retry(total=N)` makes
    /// N + 1 requests when every answer is retryable.
    #[test]
    fn requests_made_match_urllib3_total() {
        for retries in 0..8 {
            let p = ApiRetryConfig {
                max_attempts: retries,
                ..policy()
            };
            let class = OutcomeClass::RetryableStatus {
                status: 502,
                retry_after: None,
            };
            let mut attempt = 1;
            while decide(&p, true, attempt, &class, false, 0.0) != Decision::Done {
                attempt += 1;
            }
            assert_eq!(attempt, retries + 1);
        }
    }

    #[test]
    fn retry_after_is_honoured_and_capped() {
        let p = policy();
        let class = |secs| OutcomeClass::Throttled {
            status: 429,
            retry_after: Some(Duration::from_secs(secs)),
        };
        assert_eq!(
            decide(&p, true, 1, &class(3), false, 0.0),
            Decision::Retry(Duration::from_secs(3))
        );
        assert_eq!(
            decide(&p, true, 1, &class(3600), false, 0.0),
            Decision::Retry(Duration::from_secs(20))
        );
        let ignore = ApiRetryConfig {
            respect_retry_after: false,
            ..policy()
        };
        assert_eq!(
            decide(&ignore, true, 2, &class(3), false, 0.0),
            Decision::Retry(Duration::from_secs(2))
        );
    }

    #[test]
    fn jitter_stays_in_the_upper_half() {
        let p = ApiRetryConfig::default();
        let class = OutcomeClass::IoError;
        for jitter in [0.0, 0.3, 1.0, 7.0, -1.0] {
            let Decision::Retry(d) = decide(&p, true, 2, &class, false, jitter) else {
                panic!("expected a retry")
            };
            assert!(
                d >= Duration::from_secs(1) && d <= Duration::from_secs(2),
                "{d:?}"
            );
        }
    }

    #[test]
    fn certificate_errors_are_found_inside_io_errors() {
        let tls = rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer);
        // As tokio-rustls and hyper wrap it: an io::Error in an io::Error.
        let io = std::io::Error::new(std::io::ErrorKind::InvalidData, tls);
        let io = std::io::Error::other(io);
        let problem = certificate_problem(&io).expect("found");
        assert!(problem.contains("UnknownIssuer"), "{problem}");
        let other = std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            rustls::Error::HandshakeNotComplete,
        );
        assert_eq!(certificate_problem(&other), None);
    }

    #[test]
    fn decoding() {
        let answer = |status: u16, body: &[u8], id: Option<&str>| {
            let mut headers = HeaderMap::new();
            if let Some(id) = id {
                headers.insert("x-amzn-RequestId", id.parse().unwrap());
            }
            Response {
                status,
                headers,
                body: body.to_vec(),
                attempts: 1,
            }
        };
        let value =
            |r: &Response| decode::<Value>(r, Some("accounts.ReadAccounts"), ErrorShape::Text);
        assert_eq!(value(&answer(200, b"", None)).unwrap(), Value::Null);
        assert_eq!(
            value(&answer(200, br#"{"a":1}"#, None)).unwrap(),
            serde_json::json!({"a": 1})
        );
        let err = value(&answer(200, b"{\"Accounts\": [", None)).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("accounts.ReadAccounts answered 200"),
            "{text}"
        );
        assert!(text.contains("{\\\"Accounts\\\": ["), "{text}");
        let err = value(&answer(
            404,
            br#"{"Error":"Account not found"}"#,
            Some("id-1"),
        ))
        .unwrap_err();
        assert_eq!(err.status(), Some(404));
        assert_eq!(err.request_id(), Some("id-1"));
        assert_eq!(err.to_string(), "Api Exception: 404 - Account not found");
    }
}
