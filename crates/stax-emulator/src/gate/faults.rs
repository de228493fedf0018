//! Reproducible fault injection (`--faults SPEC --fault-seed N`).
//!
//! SPEC is a comma-separated list of `KIND:PROBABILITY`; KIND is `status=<code>`, `throttle`,
//! `latency=<ms>`, `drop` or `malformed`, optionally prefixed with `cognito/` to aim it at the
//! Cognito routes instead of the Stax API; `cognito/unverified-token` makes the identity pool
//! answer as AWS does while a fresh ID token has not reached it yet (`NotAuthorizedException`,
//! "Couldn't verify signed token"), which clients are expected to retry. Each faultable request draws once per rule of its
//! class, in the order written, from a random sequence seeded with the fault seed (one sequence
//! per class); the first hit wins. So the same spec, seed and request order give the same faults.
//!
//! The faults can change while the emulator runs ([`FaultGate::set`]): a new spec and seed,
//! and rules aimed at one operation ([`OperationFault`]: `teams.CreateApiToken` gets
//! `status=500` for its next 2 calls), each counting its hits. An operation of the Stax APIs
//! is known once its route is found, so its rules are applied on the request path after the
//! signature check ([`FaultGate::take`] there); Cognito's calls are named by their
//! `X-Amz-Target` and ruled here.

use std::fmt;
use std::str::FromStr;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use axum::Json;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};

use crate::protocol::{ApiError, amz_target, aws_json};
use crate::stats::Stats;

/// The longest `latency=<ms>` a rule may ask for.
pub const MAX_LATENCY_MS: u64 = 60_000;

/// One kind of fault.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FaultKind {
    /// Answer this status with an error body.
    Status(u16),
    /// Answer 429 with `Retry-After: 1`.
    Throttle,
    /// Wait this many milliseconds, then answer normally.
    Latency(u64),
    /// Close the connection without an answer.
    Drop,
    /// Answer 200 with a truncated JSON body.
    Malformed,
    /// Identity pool calls only: `NotAuthorizedException` "Couldn't verify signed token".
    UnverifiedToken,
}

/// Why a fault's name could not be read.
#[derive(Debug)]
enum KindError {
    /// No fault has that name.
    Unknown,
    /// The name is known, its value is not (the text says why).
    Value(String),
}

impl FaultKind {
    fn parse(text: &str) -> Result<FaultKind, KindError> {
        let (name, arg) = match text.trim().split_once('=') {
            Some((n, a)) => (n, Some(a)),
            None => (text.trim(), None),
        };
        Ok(match (name, arg) {
            ("status", Some(code)) => FaultKind::Status(
                code.parse()
                    .ok()
                    .filter(|c| (400..=599).contains(c))
                    .ok_or_else(|| {
                        KindError::Value("status must be a code from 400 to 599".to_owned())
                    })?,
            ),
            ("latency", Some(ms)) => FaultKind::Latency(
                ms.parse()
                    .ok()
                    .filter(|ms| *ms <= MAX_LATENCY_MS)
                    .ok_or_else(|| {
                        KindError::Value(format!(
                            "latency must be milliseconds from 0 to {MAX_LATENCY_MS}"
                        ))
                    })?,
            ),
            ("throttle", None) => FaultKind::Throttle,
            ("drop", None) => FaultKind::Drop,
            ("malformed", None) => FaultKind::Malformed,
            ("unverified-token", None) => FaultKind::UnverifiedToken,
            _ => return Err(KindError::Unknown),
        })
    }
}

/// One fault by name, as a rule aimed at an operation gives it: `status=<code>`,
/// `throttle`, `latency=<ms>`, `drop`, `malformed` or `unverified-token`.
impl FromStr for FaultKind {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        FaultKind::parse(text).map_err(|e| match e {
            KindError::Unknown => format!(
                "unknown fault '{text}': use status=<code>, throttle, latency=<ms>, drop, malformed or unverified-token"
            ),
            KindError::Value(why) => format!("fault '{text}': {why}"),
        })
    }
}

impl fmt::Display for FaultKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FaultKind::Status(c) => write!(f, "status={c}"),
            FaultKind::Throttle => f.write_str("throttle"),
            FaultKind::Latency(ms) => write!(f, "latency={ms}"),
            FaultKind::Drop => f.write_str("drop"),
            FaultKind::Malformed => f.write_str("malformed"),
            FaultKind::UnverifiedToken => f.write_str("unverified-token"),
        }
    }
}

/// Which routes a rule aims at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultTarget {
    /// The Stax API (`/20190206/...` except `/public/*`).
    Api,
    /// Cognito (`POST /`).
    Cognito,
}

/// One `KIND:PROBABILITY` rule.
#[derive(Clone, Debug, PartialEq)]
pub struct FaultRule {
    /// The routes it applies to.
    pub target: FaultTarget,
    /// What happens on a hit.
    pub kind: FaultKind,
    /// Chance of a hit per request, in `[0, 1]`.
    pub probability: f64,
}

/// A parsed `--faults` spec.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FaultSpec {
    /// The rules, in the order they are drawn.
    pub rules: Vec<FaultRule>,
}

impl FromStr for FaultSpec {
    type Err = String;

    fn from_str(spec: &str) -> Result<Self, Self::Err> {
        let mut rules = Vec::new();
        for item in spec.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let (kind_text, probability) = item
                .rsplit_once(':')
                .ok_or_else(|| format!("fault '{item}' needs a probability: KIND:PROBABILITY"))?;
            let probability: f64 = probability
                .trim()
                .parse()
                .ok()
                .filter(|p: &f64| (0.0..=1.0).contains(p))
                .ok_or_else(|| {
                    format!("fault '{item}': probability must be a number from 0 to 1")
                })?;
            let (target, kind_text) = match kind_text.trim().strip_prefix("cognito/") {
                Some(rest) => (FaultTarget::Cognito, rest),
                None => (FaultTarget::Api, kind_text.trim()),
            };
            let kind = FaultKind::parse(kind_text).map_err(|e| match e {
                KindError::Unknown => format!(
                    "unknown fault '{item}': use status=<code>, throttle, latency=<ms>, drop or malformed, optionally prefixed with cognito/ (or cognito/unverified-token)"
                ),
                KindError::Value(why) => format!("fault '{item}': {why}"),
            })?;
            if kind == FaultKind::UnverifiedToken && target != FaultTarget::Cognito {
                return Err(format!(
                    "fault '{item}' concerns the identity pool: write cognito/unverified-token"
                ));
            }
            rules.push(FaultRule {
                target,
                kind,
                probability,
            });
        }
        Ok(FaultSpec { rules })
    }
}

impl fmt::Display for FaultSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let items: Vec<String> = self
            .rules
            .iter()
            .map(|r| {
                let prefix = if r.target == FaultTarget::Cognito {
                    "cognito/"
                } else {
                    ""
                };
                format!("{prefix}{}:{}", r.kind, r.probability)
            })
            .collect();
        f.write_str(&items.join(","))
    }
}

/// The injector: the spec and one seeded random sequence per target.
pub(crate) struct Faults {
    spec: FaultSpec,
    seed: u64,
    api: Mutex<StdRng>,
    cognito: Mutex<StdRng>,
}

impl Faults {
    pub fn new(spec: FaultSpec, seed: u64) -> Faults {
        Faults {
            spec,
            seed,
            api: Mutex::new(StdRng::seed_from_u64(seed)),
            cognito: Mutex::new(StdRng::seed_from_u64(seed ^ 0x636f_676e_6974_6f21)),
        }
    }

    /// Draws for one request to `target`: once per rule of that target, first hit wins.
    pub fn draw(&self, target: FaultTarget) -> Option<FaultKind> {
        let rng = match target {
            FaultTarget::Api => &self.api,
            FaultTarget::Cognito => &self.cognito,
        };
        let mut rng = rng.lock().unwrap_or_else(|p| p.into_inner());
        let mut hit = None;
        for rule in self.spec.rules.iter().filter(|r| r.target == target) {
            // Every rule draws, hit or not, so one request always advances the sequence by
            // the same number of steps.
            let roll: f64 = rng.r#gen();
            if hit.is_none() && roll < rule.probability {
                hit = Some(rule.kind);
            }
        }
        hit
    }
}

/// Marks a response whose connection must be closed without sending it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct DropConnection;

/// Which fault target a request belongs to, if any.
fn classify(req: &Request) -> Option<FaultTarget> {
    let path = req.uri().path();
    let mut segments = path.trim_start_matches('/').split('/');
    let version = segments.next().unwrap_or("");
    let versioned = version.len() == 8 && version.bytes().all(|b| b.is_ascii_digit());
    if path.starts_with("/_emulator/") || (versioned && segments.next() == Some("public")) {
        None
    } else if versioned {
        Some(FaultTarget::Api)
    } else if path == "/" && amz_target(req.headers()).is_some() {
        Some(FaultTarget::Cognito)
    } else {
        None
    }
}

/// A fault aimed at one operation, for its next `times` calls.
#[derive(Clone, Debug, PartialEq)]
pub struct OperationFault {
    /// The operation: an id of the Stax APIs (`teams.CreateApiToken`,
    /// `permission-sets.ListPermissionSets`), as the stats count them, or a Cognito call
    /// (`InitiateAuth`, `RespondToAuthChallenge`, `GetId`, `GetCredentialsForIdentity`).
    pub operation: String,
    /// What its calls meet.
    pub fault: FaultKind,
    /// How many of its calls meet it.
    pub times: u32,
}

/// The faults to inject from now on: a random spec (the `--faults` grammar) with the seed of
/// its sequence, and rules aimed at operations.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FaultConfig {
    /// Drawn for every faultable request (`None`: nothing drawn).
    pub spec: Option<FaultSpec>,
    /// Seed of the spec's random sequence.
    pub seed: u64,
    /// Rules aimed at operations, applied before the spec's draw of the operation's call.
    pub rules: Vec<OperationFault>,
}

/// A rule and its hits so far.
struct Aimed {
    rule: OperationFault,
    hits: u32,
}

/// The fault injection of a running emulator: what it started with, and what is set now.
pub(crate) struct FaultGate {
    stats: Arc<Stats>,
    /// What `--faults` and `--fault-seed` gave (a reset goes back to it).
    start: FaultConfig,
    random: RwLock<Option<Faults>>,
    aimed: Mutex<Vec<Aimed>>,
}

impl FaultGate {
    /// A gate injecting `start`'s faults.
    pub fn new(start: FaultConfig, stats: Arc<Stats>) -> FaultGate {
        let gate = FaultGate {
            stats,
            start,
            random: RwLock::new(None),
            aimed: Mutex::new(Vec::new()),
        };
        gate.reset();
        gate
    }

    /// Injects `config`'s faults from now on (its random sequence starts again from its seed).
    pub fn set(&self, config: FaultConfig) {
        let random = config
            .spec
            .filter(|spec| !spec.rules.is_empty())
            .map(|spec| Faults::new(spec, config.seed));
        *self.random.write().unwrap_or_else(|p| p.into_inner()) = random;
        *self.aimed.lock().unwrap_or_else(|p| p.into_inner()) = config
            .rules
            .into_iter()
            .map(|rule| Aimed { rule, hits: 0 })
            .collect();
    }

    /// Back to the faults the emulator started with.
    pub fn reset(&self) {
        self.set(self.start.clone());
    }

    /// The fault of the first rule aimed at `operation` with calls left, counting the hit.
    pub fn take(&self, operation: &str) -> Option<FaultKind> {
        let mut aimed = self.aimed.lock().unwrap_or_else(|p| p.into_inner());
        let rule = aimed
            .iter_mut()
            .find(|a| a.rule.operation == operation && a.hits < a.rule.times)?;
        rule.hits += 1;
        Some(rule.rule.fault)
    }

    /// Draws the random spec for one request to `target`.
    fn draw(&self, target: FaultTarget) -> Option<FaultKind> {
        self.random
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
            .and_then(|faults| faults.draw(target))
    }

    /// What is set now: `{"spec": "<grammar>"|null, "seed": N, "rules": [{"operation",
    /// "fault", "times", "hits"}]}`.
    pub fn snapshot(&self) -> Value {
        let random = self.random.read().unwrap_or_else(|p| p.into_inner());
        json!({
            "spec": random.as_ref().map(|f| f.spec.to_string()),
            "seed": random.as_ref().map_or(self.start.seed, |f| f.seed),
            "rules": self.rules(),
        })
    }

    /// The rules aimed at operations, with their hits.
    pub fn rules(&self) -> Value {
        let aimed = self.aimed.lock().unwrap_or_else(|p| p.into_inner());
        aimed
            .iter()
            .map(|a| {
                json!({
                    "operation": a.rule.operation,
                    "fault": a.rule.fault.to_string(),
                    "times": a.rule.times,
                    "hits": a.hits,
                })
            })
            .collect()
    }
}

/// Middleware of the whole router: Cognito calls meet the rules aimed at them, then every
/// faultable request draws from the random spec.
pub(crate) async fn inject(
    State(gate): State<Arc<FaultGate>>,
    req: Request,
    next: Next,
) -> Response {
    let Some(target) = classify(&req) else {
        return next.run(req).await;
    };
    let aimed = match (target, amz_target(req.headers())) {
        (FaultTarget::Cognito, Some((_, operation))) => gate.take(operation),
        _ => None,
    };
    let Some(kind) = aimed.or_else(|| gate.draw(target)) else {
        return next.run(req).await;
    };
    answer(&gate, kind, target, req, next).await
}

/// The answer to a request to `target` that meets the fault `kind`.
pub(crate) async fn answer(
    gate: &FaultGate,
    kind: FaultKind,
    target: FaultTarget,
    req: Request,
    next: Next,
) -> Response {
    let identity_call = matches!(
        amz_target(req.headers()),
        Some((_, "GetId" | "GetCredentialsForIdentity"))
    );
    if kind == FaultKind::UnverifiedToken && !identity_call {
        return next.run(req).await;
    }
    gate.stats.fault_injected();
    tracing::debug!(?kind, ?target, path = req.uri().path(), "injecting fault");
    match kind {
        FaultKind::Latency(ms) => {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            next.run(req).await
        }
        FaultKind::Drop => {
            let mut response = StatusCode::INTERNAL_SERVER_ERROR.into_response();
            response.extensions_mut().insert(DropConnection);
            response
        }
        FaultKind::Malformed => {
            let mut response = (StatusCode::OK, "{\"Injected\": \"malformed respo").into_response();
            response
                .headers_mut()
                .insert("content-type", HeaderValue::from_static("application/json"));
            response
        }
        FaultKind::UnverifiedToken => aws_json(
            StatusCode::BAD_REQUEST,
            &json!({
                "__type": "NotAuthorizedException",
                "message": "Invalid login token. Couldn't verify signed token."
            }),
            Some("NotAuthorizedException"),
        ),
        FaultKind::Throttle => {
            let mut response = match target {
                FaultTarget::Api => (
                    StatusCode::TOO_MANY_REQUESTS,
                    Json(json!({"message": "Too Many Requests"})),
                )
                    .into_response(),
                FaultTarget::Cognito => aws_json(
                    StatusCode::TOO_MANY_REQUESTS,
                    &json!({"__type": "TooManyRequestsException", "message": "Rate exceeded"}),
                    Some("TooManyRequestsException"),
                ),
            };
            response
                .headers_mut()
                .insert("retry-after", HeaderValue::from_static("1"));
            response
        }
        FaultKind::Status(code) => {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            match target {
                FaultTarget::Api => ApiError::new(status, format!("Injected fault: status {code}"))
                    .into_response_for(req.uri().path()),
                FaultTarget::Cognito => {
                    let kind = match code {
                        429 => "TooManyRequestsException",
                        500..=599 => "InternalErrorException",
                        _ => "InvalidParameterException",
                    };
                    aws_json(
                        status,
                        &json!({"__type": kind, "message": format!("Injected fault: status {code}")}),
                        Some(kind),
                    )
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_specs() {
        let spec: FaultSpec =
            "status=503:0.2, throttle:0.1,drop:0.05,cognito/latency=20:1,malformed:0"
                .parse()
                .unwrap();
        assert_eq!(spec.rules.len(), 5);
        assert_eq!(spec.rules[0].kind, FaultKind::Status(503));
        assert_eq!(spec.rules[3].target, FaultTarget::Cognito);
        assert_eq!(spec.rules[3].kind, FaultKind::Latency(20));
        let again: FaultSpec = spec.to_string().parse().unwrap();
        assert_eq!(again, spec);
        for bad in [
            "status=99:0.1",
            "throttle",
            "throttle:2",
            "explode:0.1",
            "latency=x:0.1",
            "latency=60001:0.1",
        ] {
            assert!(bad.parse::<FaultSpec>().is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn same_seed_same_sequence() {
        let spec: FaultSpec = "status=503:0.3,throttle:0.3,drop:0.1".parse().unwrap();
        let run = |seed| {
            let faults = Faults::new(spec.clone(), seed);
            (0..200)
                .map(|_| faults.draw(FaultTarget::Api))
                .collect::<Vec<_>>()
        };
        assert_eq!(run(7), run(7));
        assert_ne!(run(7), run(8));
        let hits = run(7).iter().filter(|f| f.is_some()).count();
        assert!(hits > 50 && hits < 150, "{hits} hits");
    }
}
