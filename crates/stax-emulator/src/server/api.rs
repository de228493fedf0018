//! The one request path of the Stax APIs: layers in front of one router.
//!
//! Every request under an API version (`/20190206/...`, `/20210321/...`) goes through, in
//! order:
//! 1. [`route`]: the router ([`Routes`], built once from the areas' operation table and the
//!    operations of the `--openapi` documents) picks the endpoint; a path no route has is API
//!    Gateway's 403 `Missing Authentication Token`;
//! 2. [`gate`]: the body is read (limited in size and time), and, unless the route is public,
//!    the SigV4 check names the caller (API token, role, organisation) or refuses the request
//!    in API Gateway's words;
//! 3. [`count`]: a method the route lacks is `Missing Authentication Token` too (after the
//!    signature, as the check comes first); the operation is counted in the stats under its
//!    id, meets the fault rules aimed at it (`PUT /_emulator/faults`), and a generic answer
//!    is marked (`x-stax-emulator-handler: generic`);
//! 4. [`admit`]: the roles the operation allows, refusals in the operation's error shape;
//! 5. [`answer`]: on a blocking thread, after ending the tasks that are due, the area's
//!    handler or the generic answer.
//!
//! Fault injection, the request counter and the request id are layers of the whole router
//! (`routes`), in front of Cognito's route too.

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use time::OffsetDateTime;

use super::routing::{Found, Routes};
use crate::areas::{Call, Context, Entry, Handler, Operation};
use crate::body::{self, BodyError};
use crate::gate::faults::{self, FaultGate, FaultTarget};
use crate::gate::sigv4::{MAX_BODY, Rejection, SignedRequest, Verifier};
use crate::generic::{self, HANDLER_HEADER};
use crate::protocol::{ApiError, gateway_error};
use crate::roles::{Allowed, Caller};
use crate::stats::Stats;
use crate::store::tasks::{self, Effect, NewTask, Origin, Outcome};
use crate::util;

/// What answers an operation.
#[derive(Clone)]
pub(crate) enum Endpoint {
    /// An area's handler.
    Table(&'static Operation),
    /// A generic answer for an operation of an `--openapi` document.
    Generic(Arc<generic::Operation>),
}

impl Endpoint {
    /// The operation id, as the stats count it.
    fn id(&self) -> &str {
        match self {
            Endpoint::Table(op) => op.id,
            Endpoint::Generic(op) => &op.id,
        }
    }

    fn roles(&self) -> Allowed {
        match self {
            Endpoint::Table(op) => op.roles,
            Endpoint::Generic(op) => op.roles,
        }
    }

    /// An error as the operation answers errors (a request to `path`).
    fn error_response(&self, err: ApiError, path: &str) -> Response {
        match self {
            Endpoint::Table(op) => op.error_response(err),
            Endpoint::Generic(_) => err.into_response_for(path),
        }
    }
}

/// The routes of the areas' `table` (first, so that they keep their methods and paths) and
/// of the `--openapi` documents' operations.
pub(crate) fn routes(
    table: &'static [Entry],
    generic: &[Arc<generic::Operation>],
) -> Routes<Endpoint> {
    let mut routes = Routes::default();
    for Entry { op, .. } in table {
        routes.add(op.method, op.path, Endpoint::Table(op));
    }
    for op in generic {
        routes.add(&op.method, &op.template, Endpoint::Generic(op.clone()));
    }
    routes
}

/// What the request path needs.
pub(crate) struct Api {
    pub ctx: Arc<Context>,
    pub routes: Routes<Endpoint>,
    pub verifier: Arc<Verifier>,
    pub stats: Arc<Stats>,
    /// The faults aimed at operations.
    pub faults: Arc<FaultGate>,
    /// How long a client may take to send a request body.
    pub body_timeout: Duration,
}

/// The route a request took, as the layers after [`route`] see it.
#[derive(Clone)]
struct Matched {
    /// `None` when the route has no endpoint for the method.
    endpoint: Option<Endpoint>,
    /// The path's parameters, decoded, by the names the endpoint's template gives them.
    params: Vec<(String, String)>,
    /// Whether no signature is needed.
    public: bool,
}

/// The request's body, read by the gate.
#[derive(Clone)]
struct ReadBody(Bytes);

/// The Stax APIs: every request under an API version, through the layers.
pub(crate) fn router(api: Arc<Api>) -> Router {
    Router::new()
        .fallback(answer)
        .layer(from_fn_with_state(api.clone(), admit))
        .layer(from_fn_with_state(api.clone(), count))
        .layer(from_fn_with_state(api.clone(), gate))
        .layer(from_fn_with_state(api.clone(), route))
        .with_state(api)
}

/// Whether a path is one of an API version's (`/20190206/...`), as API Gateway sees them.
pub(crate) fn is_api_path(path: &str) -> bool {
    let version = crate::areas::version_of(path);
    version.len() == 8 && version.bytes().all(|b| b.is_ascii_digit())
}

fn missing(stats: &Stats) -> Response {
    stats.rejected_signature();
    Rejection::Missing.response()
}

/// Layer 1: the route.
async fn route(State(api): State<Arc<Api>>, mut req: Request, next: Next) -> Response {
    let path = req.uri().path();
    if !is_api_path(path) {
        return gateway_error(StatusCode::NOT_FOUND, None, "Not Found");
    }
    let matched = match api.routes.find(req.method().as_str(), path) {
        Found::Nothing => return missing(&api.stats),
        Found::NoMethod(template) => Matched {
            endpoint: None,
            params: Vec::new(),
            public: template.contains("/public/"),
        },
        Found::Endpoint { endpoint, params } => Matched {
            public: endpoint.roles().is_public(),
            endpoint: Some(endpoint.clone()),
            params,
        },
    };
    req.extensions_mut().insert(matched);
    next.run(req).await
}

/// The answer to a body that could not be read, as API Gateway gives it.
fn body_error(err: &BodyError) -> Response {
    let status = match err {
        BodyError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
        BodyError::TooSlow(_) => StatusCode::REQUEST_TIMEOUT,
        BodyError::Broken(_) => StatusCode::BAD_REQUEST,
    };
    let message = match err {
        BodyError::TooLarge(_) => "Request Too Long".to_owned(),
        other => other.message(),
    };
    gateway_error(status, None, &message)
}

/// Layer 2: the body and the signature, which names the caller.
async fn gate(State(api): State<Arc<Api>>, req: Request, next: Next) -> Response {
    let public = req.extensions().get::<Matched>().is_none_or(|m| m.public);
    let (mut parts, body) = req.into_parts();
    let bytes = match body::read(body, MAX_BODY, api.body_timeout).await {
        Ok(bytes) => bytes,
        Err(err) => return body_error(&err),
    };
    if !public {
        let signed = SignedRequest {
            method: parts.method.as_str(),
            path: parts.uri.path(),
            query: parts.uri.query(),
            headers: &parts.headers,
            authority: parts.uri.authority().map(|a| a.as_str()),
            body: &bytes,
        };
        match api.verifier.verify(&signed, OffsetDateTime::now_utc()) {
            Ok(caller) => {
                parts.extensions.insert(caller);
            }
            Err(rejection) => {
                api.stats.rejected_signature();
                return rejection.response();
            }
        }
    }
    parts.extensions.insert(ReadBody(bytes));
    next.run(Request::from_parts(parts, Body::empty())).await
}

/// Layer 3: the method, and the stats.
async fn count(State(api): State<Arc<Api>>, req: Request, next: Next) -> Response {
    let Some(endpoint) = req
        .extensions()
        .get::<Matched>()
        .and_then(|m| m.endpoint.clone())
    else {
        // API Gateway answers a method a resource does not have as it answers an unknown path.
        return Rejection::Missing.response();
    };
    api.stats.operation(endpoint.id());
    if let Some(fault) = api.faults.take(endpoint.id()) {
        return faults::answer(&api.faults, fault, FaultTarget::Api, req, next).await;
    }
    let mut response = next.run(req).await;
    if let Endpoint::Generic(_) = endpoint {
        response
            .headers_mut()
            .insert(HANDLER_HEADER, HeaderValue::from_static("generic"));
    }
    response
}

/// Layer 4: the roles the operation allows.
async fn admit(req: Request, next: Next) -> Response {
    let Some(endpoint) = req
        .extensions()
        .get::<Matched>()
        .and_then(|m| m.endpoint.as_ref())
    else {
        return next.run(req).await;
    };
    if let Err(why) = endpoint
        .roles()
        .admits(endpoint.id(), req.extensions().get::<Caller>())
    {
        return endpoint.error_response(ApiError::forbidden(why), req.uri().path());
    }
    next.run(req).await
}

/// The endpoint: the area's handler or the generic answer, on a blocking thread (SQLite may
/// wait there for another process's transaction), after the tasks that are due have ended.
async fn answer(State(api): State<Arc<Api>>, req: Request) -> Response {
    let (parts, _) = req.into_parts();
    let (Some(matched), Some(ReadBody(body))) = (
        parts.extensions.get::<Matched>().cloned(),
        parts.extensions.get::<ReadBody>().cloned(),
    ) else {
        return internal_error();
    };
    let Some(endpoint) = matched.endpoint else {
        return Rejection::Missing.response();
    };
    let caller = parts.extensions.get::<Caller>().cloned();
    let path = parts.uri.path().to_owned();
    let pairs = util::query_pairs(parts.uri.query());
    let ctx = api.ctx.clone();
    let on_blocking = endpoint.clone();
    let answered = tokio::task::spawn_blocking(move || {
        if let Err(err) = tasks::advance(&ctx.store) {
            tracing::error!(error = %err, "advancing tasks failed");
        }
        let query = pairs.iter().cloned().collect();
        match on_blocking {
            Endpoint::Table(op) => {
                let call = Call {
                    ctx: &ctx,
                    op,
                    params: matched.params,
                    query,
                    pairs,
                    body,
                    caller,
                };
                let status = StatusCode::from_u16(op.success).unwrap_or(StatusCode::OK);
                match op.handler {
                    Handler::Value(handler) => {
                        handler(&call).map(|body| (status, Json(body)).into_response())
                    }
                    Handler::Text(handler) => handler(&call).map(|text| {
                        let json = HeaderValue::from_static("application/json");
                        (status, [(header::CONTENT_TYPE, json)], text).into_response()
                    }),
                }
            }
            Endpoint::Generic(op) => {
                let req = generic::Request {
                    params: &matched.params,
                    query: &query,
                    body: &body,
                };
                // A public operation names no caller and belongs to no organisation.
                let org = caller.as_ref().map_or("", |c| c.organisation.as_str());
                let origin = Origin {
                    caller: caller.as_ref().map(|c| c.access_key.clone()),
                    ..Origin::default()
                };
                op.answer(&req, |operation| {
                    Ok(ctx.store.write(|tx| {
                        tasks::create_for(
                            &tx.org(org),
                            NewTask {
                                operation,
                                delay: ctx.task_delay,
                                subjects: None,
                                outcome: Outcome::Succeed,
                                effect: Effect::default(),
                            },
                            origin,
                        )
                    })?)
                })
            }
        }
    })
    .await;
    match answered {
        Ok(Ok(response)) => response,
        Ok(Err(err)) => endpoint.error_response(err, &path),
        Err(join_error) => {
            tracing::error!(error = %join_error, operation = endpoint.id(), "handler failed");
            endpoint.error_response(
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error"),
                &path,
            )
        }
    }
}

fn internal_error() -> Response {
    ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error").into_response()
}
