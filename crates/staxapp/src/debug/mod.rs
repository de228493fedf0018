//! A wire log: every request and every answer in full (method, URL, headers, body), secrets
//! masked as `***` ([`redact`]). The CLI's `--debug`.
//!
//! [`DebugLog`] is an [`Interceptor`]: added to a session
//! ([`SessionBuilder::interceptor`](crate::SessionBuilder::interceptor)) it sees everything
//! the session sends, the Cognito and identity-pool calls of a sign-in and the documents
//! included; added to a client, that client's API calls. Requests are shown as they go on
//! the wire, signed; answers as they came (an OpenAPI document's body is named, not shown).
//!
//! ```
//! use staxapp::debug::DebugLog;
//! use staxapp::{Config, Session, StaxClient};
//!
//! let config = Config::builder().endpoint("http://127.0.0.1:9").secret_key("never-shown").build()?;
//! let log = DebugLog::stderr().hide(config.secret_key().map(|s| s.expose()));
//! let client = StaxClient::with_session(Session::builder(config).interceptor(log).build()?);
//! # let _ = client;
//! # Ok::<(), staxapp::Error>(())
//! ```

pub mod redact;

use std::io::Write;
use std::sync::Mutex;

use crate::interceptor::{
    Attempt, AttemptOutcome, CallInfo, CallOutcome, HookResult, Interceptor, RequestKind,
};
use crate::transport::Decision;
use redact::Secrets;

/// The wire log (see the [module](self)).
pub struct DebugLog {
    out: Mutex<(Box<dyn Write + Send>, Secrets)>,
}

impl std::fmt::Debug for DebugLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DebugLog")
    }
}

impl DebugLog {
    /// A log written to `out`.
    pub fn new(out: impl Write + Send + 'static) -> DebugLog {
        DebugLog {
            out: Mutex::new((Box::new(out), Secrets::default())),
        }
    }

    /// A log written to standard error.
    pub fn stderr() -> DebugLog {
        DebugLog::new(std::io::stderr())
    }

    /// Also masks `secret` (the API token's secret key) wherever it would show.
    pub fn hide(self, secret: Option<&str>) -> DebugLog {
        if let Some(secret) = secret {
            self.lock().1.add(secret);
        }
        self
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, (Box<dyn Write + Send>, Secrets)> {
        self.out.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Writes one block: a heading line, then indented lines. A log that cannot be written
    /// never fails the call.
    fn block(&self, heading: String, lines: impl FnOnce(&mut Secrets) -> Vec<String>) {
        let mut guard = self.lock();
        let (out, secrets) = &mut *guard;
        let lines = lines(secrets);
        let mut text = format!("stax debug: {}\n", secrets.mask(&heading));
        for line in lines {
            text.push_str("  ");
            text.push_str(&line);
            text.push('\n');
        }
        let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
    }
}

/// The body lines of a request or answer of `kind`.
fn body_lines(kind: RequestKind, body: &[u8], secrets: &mut Secrets) -> Vec<String> {
    match kind {
        RequestKind::Document(api) if !body.is_empty() => {
            vec![format!(
                "(the {api} OpenAPI document, {} bytes, not shown)",
                body.len()
            )]
        }
        _ if body.is_empty() => vec!["(no body)".to_owned()],
        _ => vec![redact::redact_body(body, secrets)],
    }
}

impl Interceptor for DebugLog {
    fn before_transmit(
        &self,
        call: &CallInfo<'_>,
        attempt: u32,
        request: &http::Request<Vec<u8>>,
    ) -> HookResult {
        self.block(
            format!("> {} (attempt {attempt})", call.operation),
            |secrets| {
                let mut lines = vec![format!(
                    "{} {}",
                    request.method(),
                    redact::redact_url(&request.uri().to_string(), secrets)
                )];
                lines.extend(redact::redact_headers(request.headers(), secrets));
                lines.extend(body_lines(call.kind, request.body(), secrets));
                lines
            },
        );
        Ok(())
    }

    fn after_attempt(&self, attempt: &Attempt<'_>) -> HookResult {
        let next = match attempt.decision {
            Decision::Retry(delay) => format!("; retried in {delay:.1?}"),
            Decision::Refresh => "; credentials refreshed, sent again".to_owned(),
            Decision::Done => String::new(),
        };
        let call = attempt.call;
        match &attempt.outcome {
            AttemptOutcome::Answered(response) => self.block(
                format!(
                    "< {} (attempt {}): {}{next}",
                    call.operation, attempt.attempt, response.status
                ),
                |secrets| {
                    let mut lines = redact::redact_headers(&response.headers, secrets);
                    lines.extend(body_lines(call.kind, &response.body, secrets));
                    lines
                },
            ),
            AttemptOutcome::NoAnswer(why) => self.block(
                format!(
                    "< {} (attempt {}): no answer: {why}{next}",
                    call.operation, attempt.attempt
                ),
                |_| Vec::new(),
            ),
        }
        Ok(())
    }

    fn after_call(&self, call: &CallInfo<'_>, outcome: &CallOutcome<'_>) -> HookResult {
        if let Err(e) = outcome.result {
            self.block(
                format!(
                    "= {} failed after {} attempt(s) in {:.0?}: {e}",
                    call.operation, outcome.attempts, outcome.elapsed
                ),
                |_| Vec::new(),
            );
        }
        Ok(())
    }
}
