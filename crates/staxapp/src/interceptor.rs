//! Interceptors: code that sees, and may change, every request before it is signed, and sees
//! every attempt's outcome and the call's end: audit logs, extra headers, metrics, tests.
//!
//! Register them on a client with [`StaxClient::with_interceptor`](crate::StaxClient::with_interceptor)
//! (several, called in the order they were added; they then see that client's API calls),
//! or on a session with [`SessionBuilder::interceptor`](crate::SessionBuilder::interceptor)
//! (they then see everything the session sends: every client's API calls, the documents,
//! the public configuration and the Cognito calls of a sign-in). For each attempt of a
//! request the send loop calls, in this order:
//!
//! 1. [`before_signing`](Interceptor::before_signing): the request as built, which the hook
//!    may change (headers, body, URI); it is signed afterwards, so a changed request still
//!    passes API Gateway's checks;
//! 2. [`before_transmit`](Interceptor::before_transmit): the signed request, exactly as it
//!    goes on the wire (it holds the `Authorization` and `X-Amz-Security-Token` headers:
//!    never log them);
//! 3. [`after_attempt`](Interceptor::after_attempt): the answer (status, headers, body) or
//!    why there was none, and what the retry policy decided;
//!
//! and once per request [`after_call`](Interceptor::after_call) with the final outcome. Hooks
//! are synchronous and run on the request's task: keep them short. A hook that returns an
//! error ends the call with [`Error::Interceptor`] (nothing more
//! is sent).
//!
//! ```
//! use std::sync::Arc;
//! use std::sync::atomic::{AtomicU32, Ordering};
//! use staxapp::interceptor::{Attempt, CallInfo, HookResult, Interceptor};
//! use staxapp::{Config, StaxClient};
//!
//! /// Tags every request and counts the attempts answered 5xx.
//! #[derive(Debug, Default)]
//! struct Audit {
//!     server_errors: AtomicU32,
//! }
//!
//! impl Interceptor for Audit {
//!     fn before_signing(&self, _: &CallInfo<'_>, _: u32, request: &mut http::Request<Vec<u8>>) -> HookResult {
//!         request.headers_mut().insert("x-audit-tag", "nightly-job".parse()?);
//!         Ok(())
//!     }
//!     fn after_attempt(&self, attempt: &Attempt<'_>) -> HookResult {
//!         if attempt.response().is_some_and(|r| r.status >= 500) {
//!             self.server_errors.fetch_add(1, Ordering::Relaxed);
//!         }
//!         Ok(())
//!     }
//! }
//!
//! let audit = Arc::new(Audit::default());
//! let client = StaxClient::new(Config::default())?.with_interceptor(audit.clone());
//! # let _ = client;
//! # Ok::<(), staxapp::Error>(())
//! ```

use std::sync::Arc;
use std::time::Duration;

use http::Method;

use crate::apis::Api;
use crate::error::Error;
use crate::transport::{Decision, OutcomeClass, Response};

/// What a hook returns: `Err` ends the call with [`Error::Interceptor`].
pub type HookResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

/// What kind of request a hook is looking at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RequestKind {
    /// An operation of one of the APIs, signed.
    Api(Api),
    /// An API's own OpenAPI document (unsigned).
    Document(Api),
    /// The installation's public configuration (unsigned).
    PublicConfig,
    /// A Cognito call of a sign-in (unsigned AWS JSON 1.1).
    Cognito,
}

/// The request a hook is called for: the same for every attempt of it.
#[derive(Debug, Clone, Copy)]
pub struct CallInfo<'a> {
    /// `service.Operation` (`accounts.ReadAccounts`); `cognito.InitiateAuth`,
    /// `public.ReadConfig`, ... for the others.
    pub operation: &'a str,
    /// What kind of request it is.
    pub kind: RequestKind,
    /// The HTTP method.
    pub method: &'a Method,
    /// The URL, query included.
    pub url: &'a str,
}

/// One attempt's outcome, as [`Interceptor::after_attempt`] sees it.
#[derive(Debug)]
pub struct Attempt<'a> {
    /// The request.
    pub call: &'a CallInfo<'a>,
    /// The attempt's number, from 1.
    pub attempt: u32,
    /// The answer, or why there was none.
    pub outcome: AttemptOutcome<'a>,
    /// What the outcome is (success, throttled, a retryable status, a timeout, ...).
    pub class: &'a OutcomeClass,
    /// What the send loop does next: retry after a delay, refresh the credentials, or stop.
    pub decision: &'a Decision,
}

impl Attempt<'_> {
    /// The answer, when the attempt got one.
    pub fn response(&self) -> Option<&Response> {
        match &self.outcome {
            AttemptOutcome::Answered(response) => Some(response),
            AttemptOutcome::NoAnswer(_) => None,
        }
    }

    /// True when another attempt follows.
    pub fn will_retry(&self) -> bool {
        !matches!(self.decision, Decision::Done)
    }
}

/// An attempt's answer, or why there was none.
#[derive(Debug)]
pub enum AttemptOutcome<'a> {
    /// The server answered (any status).
    Answered(&'a Response),
    /// No answer: what went wrong (connection refused, reset, timed out, ...).
    NoAnswer(&'a str),
}

/// A request's final outcome, as [`Interceptor::after_call`] sees it.
#[derive(Debug)]
pub struct CallOutcome<'a> {
    /// Attempts made.
    pub attempts: u32,
    /// From the first attempt to the end.
    pub elapsed: Duration,
    /// The final answer (any status), or the error when there was none.
    pub result: Result<&'a Response, &'a Error>,
}

/// Hooks on the requests of a client or a session (see the module). Every method has a
/// default that does nothing.
pub trait Interceptor: Send + Sync {
    /// Before attempt `attempt` (from 1) is signed: may change the request's headers, body
    /// and URI.
    fn before_signing(
        &self,
        call: &CallInfo<'_>,
        attempt: u32,
        request: &mut http::Request<Vec<u8>>,
    ) -> HookResult {
        let _ = (call, attempt, request);
        Ok(())
    }

    /// After signing, just before it is sent: the request as it goes on the wire.
    fn before_transmit(
        &self,
        call: &CallInfo<'_>,
        attempt: u32,
        request: &http::Request<Vec<u8>>,
    ) -> HookResult {
        let _ = (call, attempt, request);
        Ok(())
    }

    /// After each attempt: its answer or why there was none, and the decision that follows.
    fn after_attempt(&self, attempt: &Attempt<'_>) -> HookResult {
        let _ = attempt;
        Ok(())
    }

    /// After the request, once: its final outcome.
    fn after_call(&self, call: &CallInfo<'_>, outcome: &CallOutcome<'_>) -> HookResult {
        let _ = (call, outcome);
        Ok(())
    }
}

impl<T: Interceptor + ?Sized> Interceptor for Arc<T> {
    fn before_signing(
        &self,
        call: &CallInfo<'_>,
        attempt: u32,
        request: &mut http::Request<Vec<u8>>,
    ) -> HookResult {
        (**self).before_signing(call, attempt, request)
    }

    fn before_transmit(
        &self,
        call: &CallInfo<'_>,
        attempt: u32,
        request: &http::Request<Vec<u8>>,
    ) -> HookResult {
        (**self).before_transmit(call, attempt, request)
    }

    fn after_attempt(&self, attempt: &Attempt<'_>) -> HookResult {
        (**self).after_attempt(attempt)
    }

    fn after_call(&self, call: &CallInfo<'_>, outcome: &CallOutcome<'_>) -> HookResult {
        (**self).after_call(call, outcome)
    }
}

/// An ordered list of interceptors; cheap to clone.
#[derive(Clone, Default)]
pub struct Interceptors(Arc<Vec<Arc<dyn Interceptor>>>);

impl std::fmt::Debug for Interceptors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Interceptors({})", self.0.len())
    }
}

impl Interceptors {
    /// These, then `interceptor`.
    pub fn with(&self, interceptor: Arc<dyn Interceptor>) -> Interceptors {
        let mut list = (*self.0).clone();
        list.push(interceptor);
        Interceptors(Arc::new(list))
    }

    /// These, then `others`.
    pub fn then(&self, others: &Interceptors) -> Interceptors {
        if others.0.is_empty() {
            return self.clone();
        }
        if self.0.is_empty() {
            return others.clone();
        }
        let mut list = (*self.0).clone();
        list.extend(others.0.iter().cloned());
        Interceptors(Arc::new(list))
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Each, in order.
    pub fn iter(&self) -> impl Iterator<Item = &Arc<dyn Interceptor>> {
        self.0.iter()
    }
}
