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

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use http::{HeaderMap, Method};
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject as _;
use serde_json::Value;

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
    /// The request may have reached the server (read timeout, reset after sending, truncated
    /// answer).
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
    let named = |raw: &str| {
        let name = raw.rsplit_once('#').map_or(raw, |(_, name)| name);
        let name = name.split_once(':').map_or(name, |(name, _)| name).trim();
        THROTTLING_CODES.contains(&name)
    };
    if let Some(v) = headers
        .get("x-amzn-errortype")
        .and_then(|v| v.to_str().ok())
        && named(v)
    {
        return true;
    }
    serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|v| v.get("__type").and_then(Value::as_str).map(named))
        .unwrap_or(false)
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
        OutcomeClass::IoError if retries_left && idempotent => Decision::Retry(backoff(&None)),
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
            preview(body)
        ),
        source: None,
    })
}

/// Classifies a failure to get an answer: an untrusted certificate, no connection made, or a
/// failure after the request may have been sent.
pub fn class_of_error(e: &reqwest::Error) -> OutcomeClass {
    if certificate_problem(e).is_some() {
        OutcomeClass::Certificate
    } else if e.is_connect() {
        OutcomeClass::ConnectError
    } else {
        OutcomeClass::IoError
    }
}

/// The TLS library's words when `e` comes from a certificate the client does not trust.
fn certificate_problem(e: &(dyn std::error::Error + 'static)) -> Option<String> {
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
pub(crate) fn preview(bytes: &[u8]) -> String {
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

/// An HTTP answer after retries: status, headers and body.
#[derive(Debug, Clone)]
pub(crate) struct RawResponse {
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Vec<u8>,
}

/// One request as the send loop needs it.
pub(crate) struct Outgoing<'a> {
    pub(crate) method: Method,
    pub(crate) url: String,
    pub(crate) headers: Vec<(&'static str, String)>,
    pub(crate) body: Option<Vec<u8>>,
    /// The `Content-Type` of `body`.
    pub(crate) content_type: &'static str,
    /// `service.Operation`, or a description for unsigned calls, for logs.
    pub(crate) operation: &'a str,
    /// May be repeated after it may have been processed.
    pub(crate) idempotent: bool,
}

/// Signs each attempt of a request (credentials may be refreshed between attempts).
pub(crate) trait Signer {
    /// Signs one attempt.
    fn sign(&self, request: &mut http::Request<Vec<u8>>)
    -> impl Future<Output = Result<()>> + Send;
    /// True when [`expired`](Self::expired) can get fresh credentials.
    fn refreshable(&self) -> bool;
    /// The server called the credentials of the last attempt expired: drop them.
    fn expired(&self);
}

/// For requests that are not signed (public routes, Cognito).
pub(crate) struct Unsigned;

impl Signer for Unsigned {
    fn sign(&self, _: &mut http::Request<Vec<u8>>) -> impl Future<Output = Result<()>> + Send {
        std::future::ready(Ok(()))
    }

    fn refreshable(&self) -> bool {
        false
    }

    fn expired(&self) {}
}

/// A span for one request of the send loop, with the fields it records (`attempt`, `status`,
/// `latency_ms`). Never holds secrets.
pub(crate) fn request_span(operation: &str, method: &Method) -> tracing::Span {
    let (service, op) = operation.split_once('.').unwrap_or(("", operation));
    tracing::debug_span!(
        "stax_call",
        service,
        operation = op,
        method = %method,
        attempt = tracing::field::Empty,
        status = tracing::field::Empty,
        latency_ms = tracing::field::Empty,
    )
}

/// The send loop: sign, send, classify, and retry or refresh as the policy decides. Returns
/// the final answer whatever its status; an error when no answer could be had. Run it inside
/// the request's [`request_span`].
pub(crate) async fn send(
    http: &reqwest::Client,
    policy: &ApiRetryConfig,
    request: &Outgoing<'_>,
    signer: &impl Signer,
) -> Result<RawResponse> {
    let span = tracing::Span::current();
    let mut attempt: u32 = 1;
    let mut refreshed = !signer.refreshable();
    loop {
        let mut builder = http::Request::builder()
            .method(request.method.clone())
            .uri(&request.url)
            .header(http::header::ACCEPT, "application/json");
        for (name, value) in &request.headers {
            builder = builder.header(*name, value);
        }
        if request.body.is_some() {
            builder = builder.header(http::header::CONTENT_TYPE, request.content_type);
        }
        let mut http_request = builder
            .body(request.body.clone().unwrap_or_default())
            .map_err(|e| Error::Transport {
                message: format!("could not build the request to {}: {e}", request.url),
                source: None,
            })?;
        signer.sign(&mut http_request).await?;
        let reqwest_request = reqwest::Request::try_from(http_request)
            .map_err(|e| Error::transport(format!("invalid request URL {}", request.url), e))?;
        span.record("attempt", attempt);
        let started = Instant::now();
        let outcome = match http.execute(reqwest_request).await {
            Ok(mut response) => {
                let status = response.status().as_u16();
                let headers = std::mem::take(response.headers_mut());
                response.bytes().await.map(|body| RawResponse {
                    status,
                    headers,
                    body: Vec::from(body),
                })
            }
            Err(e) => Err(e),
        };
        span.record("latency_ms", started.elapsed().as_millis() as u64);
        let class = match &outcome {
            Ok(r) => {
                span.record("status", r.status);
                classify(policy, r.status, &r.headers, &r.body, SystemTime::now())
            }
            Err(e) => class_of_error(e),
        };
        let decision = decide(
            policy,
            request.idempotent,
            attempt,
            &class,
            refreshed,
            rand::random::<f64>(),
        );
        tracing::debug!(
            operation = request.operation,
            ?class,
            ?decision,
            "attempt finished"
        );
        match decision {
            Decision::Retry(delay) => {
                tracing::info!(
                    "retrying {} {} ({}) in {:.1} s: {} (retry {attempt} of {})",
                    request.method,
                    request.url,
                    request.operation,
                    delay.as_secs_f64(),
                    what_happened(&class),
                    policy.max_attempts
                );
                tokio::time::sleep(delay).await;
                attempt += 1;
            }
            Decision::Refresh => {
                signer.expired();
                // A refresh does not use up a retry.
                refreshed = true;
            }
            Decision::Done => {
                return outcome.map_err(|e| failure(request, attempt, &class, e));
            }
        }
    }
}

/// Words for a retried outcome, in logs.
fn what_happened(class: &OutcomeClass) -> String {
    match class {
        OutcomeClass::Throttled { status, .. } => format!("throttled ({status})"),
        OutcomeClass::RetryableStatus { status, .. } => format!("status {status}"),
        OutcomeClass::ConnectError => "no connection".into(),
        OutcomeClass::IoError => "connection lost".into(),
        other => format!("{other:?}"),
    }
}

/// The error of a request that got no answer.
fn failure(
    request: &Outgoing<'_>,
    attempts: u32,
    class: &OutcomeClass,
    e: reqwest::Error,
) -> Error {
    if *class == OutcomeClass::Certificate {
        let origin = url::Url::parse(&request.url)
            .map(|u| u.origin().ascii_serialization())
            .unwrap_or_else(|_| request.url.clone());
        return Error::Certificate {
            origin,
            problem: certificate_problem(&e).unwrap_or_else(|| describe_reqwest(&e)),
        };
    }
    let hint = match class {
        OutcomeClass::IoError if !request.idempotent => {
            "; not retried: the request may have been processed"
        }
        _ => "",
    };
    Error::transport(
        format!(
            "{} {} failed after {attempts} attempt(s): {}{hint}",
            request.method,
            request.url,
            describe_reqwest(&e)
        ),
        e,
    )
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
