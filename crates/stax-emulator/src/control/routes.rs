//! The control routes under `/_emulator/`: unsigned, JSON, and answered to loopback clients
//! only (a client from another address gets 403), whatever address the emulator listens on.
//!
//! | route | what |
//! |---|---|
//! | `GET /_emulator/stats`, `POST /_emulator/reset-stats` | the counters (and the hits of the fault rules) |
//! | `POST /_emulator/expire-credentials` | every temporary credential issued so far expires |
//! | `POST /_emulator/reset` | back to the start |
//! | `GET`, `PUT /_emulator/state` | the whole state out, and in |
//! | `GET`, `PUT /_emulator/transitions` `{"mode": "auto"\|"manual"}` | how tasks move |
//! | `POST /_emulator/tasks/{id}/advance`, `complete`, `fail` `{"reason"}` | move a task (or the record waiting on it) |
//! | `GET`, `POST`, `DELETE /_emulator/outcomes` `{"operation", "outcome", "times", "reason"}` | how the next tasks of an operation end |
//! | `GET`, `PUT`, `DELETE /_emulator/faults` `{"spec", "seed", "rules": [{"operation", "fault", "times"}]}` | faults from now on |
//! | `POST /_emulator/organisations` `{"seed": "demo"\|"empty", "name"}` | another organisation and its API token |
//!
//! Errors are `{"message": "..."}`: 400 for a request that cannot be done as asked, 404 for
//! an id nothing has, 409 for a task that has ended, 403 for a client not on loopback.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::middleware::{Next, from_fn};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::Control;
use crate::error::EmulatorError;
use crate::gate::faults::{FaultConfig, FaultKind, FaultSpec, OperationFault};
use crate::seed::Seed;
use crate::store::tasks::{Advance, TaskOutcome, Transitions};

/// The address a connection came from (every request carries it).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Peer(pub SocketAddr);

/// The largest body of a control request but `PUT /_emulator/state` (whose limit is the
/// state's, [`stax_input::Kind::STATE`]).
const MAX_BODY: usize = 1024 * 1024;

/// The control routes.
pub(crate) fn router(control: Arc<Control>) -> Router {
    Router::new()
        .route("/_emulator/stats", get(stats))
        .route("/_emulator/reset-stats", post(reset_stats))
        .route("/_emulator/expire-credentials", post(expire_credentials))
        .route("/_emulator/reset", post(reset))
        .route("/_emulator/state", get(read_state).put(load_state))
        .route(
            "/_emulator/transitions",
            get(read_transitions).put(set_transitions),
        )
        .route("/_emulator/tasks/{id}/{step}", post(move_task))
        .route(
            "/_emulator/outcomes",
            get(read_outcomes).post(add_outcome).delete(clear_outcomes),
        )
        .route(
            "/_emulator/faults",
            get(read_faults).put(set_faults).delete(clear_faults),
        )
        .route("/_emulator/organisations", post(add_organisation))
        .layer(from_fn(loopback_only))
        .with_state(control)
}

/// Refuses clients that are not on loopback.
async fn loopback_only(req: Request, next: Next) -> Response {
    match req.extensions().get::<Peer>() {
        Some(Peer(peer)) if peer.ip().is_loopback() => next.run(req).await,
        _ => failure(
            StatusCode::FORBIDDEN,
            "the emulator's control routes answer clients on loopback only",
        ),
    }
}

fn failure(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "message": message }))).into_response()
}

/// The answer to a control request that could not be done.
fn refused(err: EmulatorError) -> Response {
    let status = match err {
        EmulatorError::Invalid(_) | EmulatorError::Config(_) => StatusCode::BAD_REQUEST,
        EmulatorError::NotFound(_) => StatusCode::NOT_FOUND,
        EmulatorError::Conflict(_) => StatusCode::CONFLICT,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    failure(status, &err.to_string())
}

/// Runs `f` (SQLite work) on a blocking thread; its answer as JSON.
async fn blocking<F>(control: Arc<Control>, f: F) -> Response
where
    F: FnOnce(&Control) -> Result<Value, EmulatorError> + Send + 'static,
{
    match tokio::task::spawn_blocking(move || f(&control)).await {
        Ok(Ok(answer)) => Json(answer).into_response(),
        Ok(Err(err)) => refused(err),
        Err(_) => failure(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the control request failed",
        ),
    }
}

/// The body of a control request as `T` (an empty body as `{}`), or the answer saying why not.
async fn body<T: DeserializeOwned>(
    control: &Control,
    body: Body,
    limit: usize,
) -> Result<T, Response> {
    let bytes: Bytes = crate::body::read(body, limit, control.body_timeout)
        .await
        .map_err(|err| failure(StatusCode::BAD_REQUEST, &err.message()))?;
    let bytes: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        &bytes
    };
    serde_json::from_slice(bytes).map_err(|e| {
        failure(
            StatusCode::BAD_REQUEST,
            &format!("the request body is not what this route takes: {e}"),
        )
    })
}

async fn stats(State(control): State<Arc<Control>>) -> Json<Value> {
    Json(control.stats())
}

async fn reset_stats(State(control): State<Arc<Control>>) -> Json<Value> {
    control.stats.reset();
    Json(control.stats())
}

/// `POST /_emulator/expire-credentials`: every temporary credential issued so far expires
/// now (API calls signed with them get API Gateway's "security token ... expired").
async fn expire_credentials(State(control): State<Arc<Control>>) -> Response {
    blocking(control, |control| {
        let expired = crate::cognito::expire_credentials(&control.store)?;
        Ok(json!({ "expired": expired }))
    })
    .await
}

async fn reset(State(control): State<Arc<Control>>) -> Response {
    blocking(control, |control| {
        control.reset()?;
        Ok(json!({ "reset": true }))
    })
    .await
}

async fn read_state(State(control): State<Arc<Control>>) -> Response {
    blocking(control, Control::state).await
}

async fn load_state(State(control): State<Arc<Control>>, req: Request) -> Response {
    let limit = usize::try_from(stax_input::Kind::STATE.cap()).unwrap_or(usize::MAX);
    let state: Value = match body(&control, req.into_body(), limit).await {
        Ok(state) => state,
        Err(answer) => return answer,
    };
    blocking(control, move |control| {
        let ready = control.load_state(&state)?;
        Ok(json!({
            "loaded": true,
            "ready": ready.map(|r| json!({"access_key": r.access_key, "secret_key": r.secret_key})),
        }))
    })
    .await
}

async fn read_transitions(State(control): State<Arc<Control>>) -> Response {
    blocking(control, |control| {
        Ok(json!({ "mode": control.transitions()?.to_string() }))
    })
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TransitionsBody {
    mode: String,
}

async fn set_transitions(State(control): State<Arc<Control>>, req: Request) -> Response {
    let asked: TransitionsBody = match body(&control, req.into_body(), MAX_BODY).await {
        Ok(asked) => asked,
        Err(answer) => return answer,
    };
    blocking(control, move |control| {
        let mode: Transitions = asked.mode.parse().map_err(EmulatorError::Invalid)?;
        control.set_transitions(mode)?;
        Ok(json!({ "mode": mode.to_string() }))
    })
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StepBody {
    reason: Option<String>,
}

/// Why a task failed when `fail` gives no reason.
const FAILED_BY_HAND: &str = "failed by the emulator's control";

async fn move_task(
    State(control): State<Arc<Control>>,
    Path((id, step)): Path<(String, String)>,
    req: Request,
) -> Response {
    let asked: StepBody = match body(&control, req.into_body(), MAX_BODY).await {
        Ok(asked) => asked,
        Err(answer) => return answer,
    };
    let how = match step.as_str() {
        "advance" => Advance::Next,
        "complete" => Advance::Complete,
        "fail" => Advance::Fail(asked.reason.unwrap_or_else(|| FAILED_BY_HAND.to_owned())),
        other => {
            return failure(
                StatusCode::NOT_FOUND,
                &format!("a task moves by advance, complete or fail, not {other}"),
            );
        }
    };
    blocking(control, move |control| control.move_task(&id, &how)).await
}

fn one() -> u32 {
    1
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OutcomeBody {
    operation: String,
    outcome: String,
    #[serde(default = "one")]
    times: u32,
    reason: Option<String>,
}

async fn add_outcome(State(control): State<Arc<Control>>, req: Request) -> Response {
    let asked: OutcomeBody = match body(&control, req.into_body(), MAX_BODY).await {
        Ok(asked) => asked,
        Err(answer) => return answer,
    };
    blocking(control, move |control| {
        let outcome: TaskOutcome = asked.outcome.parse().map_err(EmulatorError::Invalid)?;
        control.add_outcome(
            &asked.operation,
            outcome,
            asked.times,
            asked.reason.as_deref(),
        )?;
        control.outcomes()
    })
    .await
}

async fn read_outcomes(State(control): State<Arc<Control>>) -> Response {
    blocking(control, Control::outcomes).await
}

async fn clear_outcomes(State(control): State<Arc<Control>>) -> Response {
    blocking(control, |control| {
        control.clear_outcomes()?;
        control.outcomes()
    })
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FaultsBody {
    spec: Option<String>,
    seed: Option<u64>,
    #[serde(default)]
    rules: Vec<RuleBody>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleBody {
    operation: String,
    fault: String,
    #[serde(default = "one")]
    times: u32,
}

impl FaultsBody {
    fn config(self) -> Result<FaultConfig, EmulatorError> {
        let spec = match self.spec.as_deref().map(str::trim) {
            Some(text) if !text.is_empty() => {
                Some(text.parse::<FaultSpec>().map_err(EmulatorError::Invalid)?)
            }
            _ => None,
        };
        let rules = self
            .rules
            .into_iter()
            .map(|rule| {
                Ok(OperationFault {
                    fault: rule
                        .fault
                        .parse::<FaultKind>()
                        .map_err(EmulatorError::Invalid)?,
                    operation: rule.operation,
                    times: rule.times,
                })
            })
            .collect::<Result<_, EmulatorError>>()?;
        Ok(FaultConfig {
            spec,
            seed: self.seed.unwrap_or(0),
            rules,
        })
    }
}

async fn set_faults(State(control): State<Arc<Control>>, req: Request) -> Response {
    let asked: FaultsBody = match body(&control, req.into_body(), MAX_BODY).await {
        Ok(asked) => asked,
        Err(answer) => return answer,
    };
    match asked.config().and_then(|config| control.set_faults(config)) {
        Ok(()) => Json(control.faults.snapshot()).into_response(),
        Err(err) => refused(err),
    }
}

async fn read_faults(State(control): State<Arc<Control>>) -> Json<Value> {
    Json(control.faults.snapshot())
}

async fn clear_faults(State(control): State<Arc<Control>>) -> Json<Value> {
    control.clear_faults();
    Json(control.faults.snapshot())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OrganisationBody {
    seed: Option<String>,
    name: Option<String>,
}

async fn add_organisation(State(control): State<Arc<Control>>, req: Request) -> Response {
    let asked: OrganisationBody = match body(&control, req.into_body(), MAX_BODY).await {
        Ok(asked) => asked,
        Err(answer) => return answer,
    };
    blocking(control, move |control| {
        let seed: Seed = asked.seed.as_deref().unwrap_or("demo").parse()?;
        let added = control.add_organisation(seed, asked.name.as_deref())?;
        Ok(serde_json::to_value(added).unwrap_or(Value::Null))
    })
    .await
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::http::Request;

    use super::*;

    #[tokio::test]
    async fn only_loopback_clients_are_answered() {
        let router = Router::new()
            .route("/_emulator/x", get(|| async { "ok" }))
            .layer(from_fn(loopback_only));
        for (peer, wanted) in [
            (Some("127.0.0.1:9"), StatusCode::OK),
            (Some("[::1]:9"), StatusCode::OK),
            (Some("10.1.2.3:9"), StatusCode::FORBIDDEN),
            (Some("[2001:db8::1]:9"), StatusCode::FORBIDDEN),
            (None, StatusCode::FORBIDDEN),
        ] {
            let mut request = Request::get("/_emulator/x").body(Body::empty()).unwrap();
            if let Some(peer) = peer {
                request.extensions_mut().insert(Peer(peer.parse().unwrap()));
            }
            let mut router = router.clone();
            let answer = tower_service::Service::call(&mut router, request)
                .await
                .unwrap();
            assert_eq!(answer.status(), wanted, "{peer:?}");
        }
    }
}
