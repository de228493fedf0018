//! The one send loop: every request of the SDK goes through it (signed API calls, the
//! documents, the public configuration, the four Cognito calls of a sign-in).
//!
//! For each attempt: build the request, let the interceptors change it, sign it, send it
//! within the attempt timeout, classify the outcome ([`transport::classify`]), decide what to
//! do ([`transport::decide`]), pay a retry from the retry quota ([`RetryQuota`]), tell the
//! interceptors, then retry, refresh the credentials or stop. The whole loop runs within the
//! operation timeout.

use std::future::Future;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant, SystemTime};

use http::Method;
use tracing::Instrument as _;

use crate::config::{ApiRetryConfig, Config};
use crate::error::{Error, Result};
use crate::interceptor::{
    Attempt, AttemptOutcome, CallInfo, CallOutcome, Interceptors, RequestKind,
};
use crate::quota::RetryQuota;
use crate::transport::{self, Decision, OutcomeClass, Response};

/// One request as the send loop needs it.
pub(crate) struct Outgoing<'a> {
    pub(crate) method: Method,
    pub(crate) url: &'a str,
    pub(crate) headers: Vec<(&'static str, String)>,
    pub(crate) body: Option<Vec<u8>>,
    /// The `Content-Type` of `body`.
    pub(crate) content_type: &'static str,
    /// `service.Operation`, or a description for unsigned calls, for logs and interceptors.
    pub(crate) operation: &'a str,
    /// What kind of request it is, for interceptors.
    pub(crate) kind: RequestKind,
    /// May be repeated after it may have been processed.
    pub(crate) idempotent: bool,
    /// Classifies answers the generic [`transport::classify`] cannot know about (the identity
    /// pool's "not yet"); consulted first.
    pub(crate) classify_first: Option<fn(&Response) -> Option<OutcomeClass>>,
}

/// How a request is sent: the HTTP client, the retry policy, the limits, the quota and the
/// interceptors.
#[derive(Clone, Copy)]
pub(crate) struct Link<'a> {
    pub(crate) http: &'a reqwest::Client,
    pub(crate) policy: &'a ApiRetryConfig,
    pub(crate) attempt_timeout: Option<Duration>,
    pub(crate) operation_timeout: Option<Duration>,
    pub(crate) quota: Option<&'a RetryQuota>,
    pub(crate) interceptors: &'a Interceptors,
}

impl<'a> Link<'a> {
    /// The link of `config`'s settings over `http`, with `policy`, no quota and no
    /// interceptors.
    pub(crate) fn new(
        http: &'a reqwest::Client,
        config: &Config,
        policy: &'a ApiRetryConfig,
    ) -> Link<'a> {
        static NONE: std::sync::OnceLock<Interceptors> = std::sync::OnceLock::new();
        Link {
            http,
            policy,
            attempt_timeout: config.attempt_timeout(),
            operation_timeout: config.operation_timeout(),
            quota: None,
            interceptors: NONE.get_or_init(Interceptors::default),
        }
    }
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
fn request_span(operation: &str, method: &Method) -> tracing::Span {
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

/// Sends `request` through the loop (see the module): the final answer whatever its status,
/// or an error when no answer could be had, an interceptor refused, or the operation
/// timeout ran out.
pub(crate) async fn send(
    link: Link<'_>,
    request: &Outgoing<'_>,
    signer: &impl Signer,
) -> Result<Response> {
    let span = request_span(request.operation, &request.method);
    let attempts = AtomicU32::new(0);
    let call = CallInfo {
        operation: request.operation,
        kind: request.kind,
        method: &request.method,
        url: request.url,
    };
    let started = (!link.interceptors.is_empty()).then(Instant::now);
    let looped = attempt_loop(link, request, signer, &call, &attempts);
    let outcome = match link.operation_timeout {
        None => looped.instrument(span).await,
        Some(limit) => match tokio::time::timeout(limit, looped.instrument(span)).await {
            Ok(outcome) => outcome,
            Err(_) => Err(Error::Timeout {
                operation: request.operation.to_owned(),
                limit,
                attempts: attempts.load(Ordering::Relaxed),
            }),
        },
    };
    let Some(started) = started else {
        return outcome;
    };
    let done = CallOutcome {
        attempts: attempts.load(Ordering::Relaxed),
        elapsed: started.elapsed(),
        result: outcome.as_ref(),
    };
    for interceptor in link.interceptors.iter() {
        interceptor
            .after_call(&call, &done)
            .map_err(|e| hook_failed("after_call", request, e))?;
    }
    outcome
}

fn hook_failed(
    hook: &'static str,
    request: &Outgoing<'_>,
    source: Box<dyn std::error::Error + Send + Sync>,
) -> Error {
    Error::Interceptor {
        hook,
        operation: request.operation.to_owned(),
        source,
    }
}

/// The most a declared `Content-Length` reserves before the body arrives (a larger body still
/// reads, its buffer growing as it comes).
const RESERVE_LIMIT: u64 = 64 << 20;

/// Reads the body chunk by chunk into one buffer reserved at the declared length, each chunk
/// let go once copied. Collecting the chunks first keeps the connection's read buffers (over
/// HTTP/2, frames of one shared buffer) alive until the end, and then joins them into a
/// second copy: a large answer was held about twice.
async fn read_body(response: &mut reqwest::Response) -> reqwest::Result<Vec<u8>> {
    let declared = response.content_length().unwrap_or(0).min(RESERVE_LIMIT);
    let mut body = Vec::with_capacity(declared as usize);
    while let Some(chunk) = response.chunk().await? {
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Sends one attempt within the attempt timeout: the answer, or what went wrong.
async fn attempt(
    link: Link<'_>,
    request: reqwest::Request,
) -> std::result::Result<Response, (OutcomeClass, String, Option<reqwest::Error>)> {
    let exchange = async {
        let mut response = link.http.execute(request).await?;
        let status = response.status().as_u16();
        let headers = std::mem::take(response.headers_mut());
        let body = read_body(&mut response).await?;
        Ok::<_, reqwest::Error>(Response {
            status,
            headers,
            body,
            attempts: 0,
        })
    };
    let answered = match link.attempt_timeout {
        None => exchange.await,
        Some(limit) => match tokio::time::timeout(limit, exchange).await {
            Ok(answered) => answered,
            Err(_) => {
                return Err((
                    OutcomeClass::TimedOut,
                    format!("the attempt timed out after {limit:?} (attempt_timeout)"),
                    None,
                ));
            }
        },
    };
    answered.map_err(|e| {
        let class = transport::class_of_error(&e);
        (class, transport::describe_reqwest(&e), Some(e))
    })
}

async fn attempt_loop(
    link: Link<'_>,
    request: &Outgoing<'_>,
    signer: &impl Signer,
    call: &CallInfo<'_>,
    attempts: &AtomicU32,
) -> Result<Response> {
    let span = tracing::Span::current();
    let policy = link.policy;
    let mut attempt_no: u32 = 1;
    let mut refreshed = !signer.refreshable();
    // What the last retry took from the quota (0: no retry yet).
    let mut taken = 0;
    loop {
        let mut builder = http::Request::builder()
            .method(request.method.clone())
            .uri(request.url)
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
        for interceptor in link.interceptors.iter() {
            interceptor
                .before_signing(call, attempt_no, &mut http_request)
                .map_err(|e| hook_failed("before_signing", request, e))?;
        }
        signer.sign(&mut http_request).await?;
        for interceptor in link.interceptors.iter() {
            interceptor
                .before_transmit(call, attempt_no, &http_request)
                .map_err(|e| hook_failed("before_transmit", request, e))?;
        }
        let reqwest_request = reqwest::Request::try_from(http_request)
            .map_err(|e| Error::transport(format!("invalid request URL {}", request.url), e))?;
        span.record("attempt", attempt_no);
        attempts.store(attempt_no, Ordering::Relaxed);
        let started = Instant::now();
        let mut outcome = attempt(link, reqwest_request).await;
        span.record("latency_ms", started.elapsed().as_millis() as u64);
        let class = match &mut outcome {
            Ok(r) => {
                r.attempts = attempt_no;
                span.record("status", r.status);
                request
                    .classify_first
                    .and_then(|classify| classify(r))
                    .unwrap_or_else(|| {
                        transport::classify(
                            policy,
                            r.status,
                            &r.headers,
                            &r.body,
                            SystemTime::now(),
                        )
                    })
            }
            Err((class, _, _)) => class.clone(),
        };
        let mut decision = transport::decide(
            policy,
            request.idempotent,
            attempt_no,
            &class,
            refreshed,
            rand::random::<f64>(),
        );
        let mut quota_empty = false;
        if let (Decision::Retry(_), Some(quota)) = (&decision, link.quota) {
            match quota.acquire(&class) {
                Some(cost) => taken = cost,
                None => {
                    decision = Decision::Done;
                    quota_empty = true;
                }
            }
        }
        if let (Ok(r), Some(quota), Decision::Done) = (&outcome, link.quota, &decision)
            && r.is_success()
        {
            quota.succeeded(taken);
        }
        tracing::debug!(
            operation = request.operation,
            ?class,
            ?decision,
            "attempt finished"
        );
        if !link.interceptors.is_empty() {
            let seen = Attempt {
                call,
                attempt: attempt_no,
                outcome: match &outcome {
                    Ok(r) => AttemptOutcome::Answered(r),
                    Err((_, message, _)) => AttemptOutcome::NoAnswer(message),
                },
                class: &class,
                decision: &decision,
            };
            for interceptor in link.interceptors.iter() {
                interceptor
                    .after_attempt(&seen)
                    .map_err(|e| hook_failed("after_attempt", request, e))?;
            }
        }
        match decision {
            Decision::Retry(delay) => {
                tracing::info!(
                    "retrying {} {} ({}) in {:.1} s: {} (retry {attempt_no} of {})",
                    request.method,
                    request.url,
                    request.operation,
                    delay.as_secs_f64(),
                    what_happened(&class),
                    policy.max_attempts
                );
                tokio::time::sleep(delay).await;
                attempt_no += 1;
            }
            Decision::Refresh => {
                signer.expired();
                // A refresh does not use up a retry.
                refreshed = true;
            }
            Decision::Done => {
                if quota_empty {
                    tracing::warn!(
                        "not retrying {} {} ({}): the retry quota is used up (many failures lately): {}",
                        request.method,
                        request.url,
                        request.operation,
                        what_happened(&class)
                    );
                }
                return outcome.map_err(|(class, message, e)| {
                    failure(request, attempt_no, &class, message, e, quota_empty)
                });
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
        OutcomeClass::TimedOut => "timed out".into(),
        other => format!("{other:?}"),
    }
}

/// The error of a request that got no answer.
fn failure(
    request: &Outgoing<'_>,
    attempts: u32,
    class: &OutcomeClass,
    message: String,
    e: Option<reqwest::Error>,
    quota_empty: bool,
) -> Error {
    if *class == OutcomeClass::Certificate
        && let Some(e) = &e
    {
        let origin = url::Url::parse(request.url)
            .map(|u| u.origin().ascii_serialization())
            .unwrap_or_else(|_| request.url.to_owned());
        return Error::Certificate {
            origin,
            problem: transport::certificate_problem(e).unwrap_or_else(|| message.clone()),
        };
    }
    let hint = match class {
        _ if quota_empty => "; not retried: the retry quota is used up (many failures lately)",
        OutcomeClass::IoError | OutcomeClass::TimedOut if !request.idempotent => {
            "; not retried: the request may have been processed"
        }
        _ => "",
    };
    let message = format!(
        "{} {} failed after {attempts} attempt(s): {message}{hint}",
        request.method, request.url,
    );
    match e {
        Some(e) => Error::transport(message, e),
        None => Error::Transport {
            message,
            source: None,
        },
    }
}
