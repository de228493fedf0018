//! Generic answers for every operation of an `--openapi` document.
//!
//! With `--openapi PATH` the emulator answers every operation the document has, so a client of
//! the full API never meets a hole:
//! - operations a stateful handler implements are answered by it, as without the option;
//! - every other operation is answered here, after the same SigV4 check (none under
//!   `/public/`): path parameters and the JSON body are checked against the operation's
//!   schemas (a 400 `{"Error": ...}` naming the field, as the stateful handlers do), then the
//!   answer is the operation's lowest documented 2xx status (`default` as 200 when it documents
//!   none) with a body generated to be valid against that response's schema
//!   ([`schema::generate_with`]). Fields named like a path parameter (`account_id` fills
//!   `AccountId`, the last `*_id` also fills `Id`) or a top-level body field take the request's
//!   value when it validates. POST, PUT, PATCH and DELETE also start a task that succeeds after
//!   the task delay, and its id fills `TaskId`, so `tasks.ReadTask` follows it. Generic answers
//!   carry `x-stax-emulator-handler: generic` and count in the stats under their operation id.
//! - A method the document does not list for a path, and a path it does not have, get API
//!   Gateway's 403 `Missing Authentication Token`, as without the option (the method check
//!   comes after the signature check).
//!
//! - Roles: reads are open to every role, changes need the user level or above (a read-only
//!   role is refused every change, 403 `{"Error"}`), as on the stateful routes.
//!
//! Routing follows API Gateway: of the templates that match a path, the one with literal
//! segments earliest wins, so `/accounts/discover` is not taken by `/accounts/{account_id}`.
//! A request the stateful router caught with a less specific template than the document's is
//! handed here (`Generic::diverts`).

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::Json;
use axum::body::Bytes;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, request::Parts};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use stax_openapi::{Dialect, Direction as Wire, Spec, Target, Validator};
use time::OffsetDateTime;

use crate::body::{self, BodyError};
use crate::gate::sigv4::{MAX_BODY, Rejection, SignedRequest, Verifier};
use crate::protocol::{ApiError, gateway_error};
use crate::roles::{Allowed, Caller};
use crate::stats::Stats;
use crate::store::Store;
use crate::store::tasks::{self, Effect, NewTask, Outcome};

mod pattern;
pub mod schema;

pub use schema::{Direction, Options, accepts, generate, generate_with};

/// The header that marks a generic answer.
pub const HANDLER_HEADER: &str = "x-stax-emulator-handler";

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "patch", "head", "options", "trace",
];

/// The operations of a document, ready to route and answer.
pub(crate) struct Api {
    /// The document, read as OpenAPI 3.0, with its compiled validators.
    doc: Spec,
    routes: Vec<Route>,
}

/// A route and the decoded values of its path parameters.
type RouteMatch<'a> = (&'a Route, Vec<(String, String)>);

struct Route {
    template: String,
    segments: Vec<Segment>,
    operations: Vec<Operation>,
}

#[derive(Debug, PartialEq)]
enum Segment {
    Literal(String),
    /// `{name}`, possibly with text around it in the same segment (`{name}.json`).
    Param {
        prefix: String,
        name: String,
        suffix: String,
    },
}

struct Operation {
    /// Upper case.
    method: String,
    id: String,
    public: bool,
    /// Parameter objects (`$ref`s resolved), path-level ones included.
    parameters: Vec<Value>,
    /// Documented statuses (`default` as 0).
    statuses: Vec<u16>,
    success: u16,
    response_schema: Option<Value>,
    request_schema: Option<Value>,
    request_validator: OnceLock<Option<Arc<Validator>>>,
}

impl Operation {
    fn documents(&self, status: u16) -> bool {
        self.statuses.contains(&status)
    }
}

impl Api {
    /// Reads the routes of an OpenAPI 3 document. Odd entries are skipped with a warning.
    #[cfg(test)]
    pub fn new(doc: &Value) -> Api {
        Api::under(doc, "")
    }

    /// Reads the routes of a document whose paths are relative to the server path `prefix`
    /// (`/20210321` for the Permission Sets API): each path that does not start with the
    /// prefix is routed under it.
    pub fn under(doc: &Value, prefix: &str) -> Api {
        let default_public = doc.get("security").is_some_and(|s| s == &json!([]));
        let mut routes = Vec::new();
        let empty = Map::new();
        let paths = doc
            .get("paths")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        for (template, item) in paths {
            let Some(item) = schema::resolve(doc, item).and_then(Value::as_object) else {
                tracing::warn!(template, "path item is not an object; skipped");
                continue;
            };
            let shared: Vec<Value> = params_of(doc, item.get("parameters"));
            let mut operations = Vec::new();
            for method in METHODS {
                let Some(op) = item.get(method).filter(|o| o.is_object()) else {
                    continue;
                };
                operations.push(Operation::new(
                    doc,
                    template,
                    method,
                    op,
                    &shared,
                    default_public,
                ));
            }
            let routed = if prefix.is_empty()
                || template == prefix
                || template.starts_with(&format!("{prefix}/"))
            {
                template.clone()
            } else {
                format!("{prefix}{template}")
            };
            routes.push(Route {
                segments: split_template(&routed),
                template: routed,
                operations,
            });
        }
        Api {
            doc: Spec::new(doc.clone(), Dialect::openapi30()),
            routes,
        }
    }

    /// Number of operations.
    pub fn operation_count(&self) -> usize {
        self.routes.iter().map(|r| r.operations.len()).sum()
    }

    /// The route whose template matches `path` best, with the decoded path parameters.
    fn find(&self, path: &str) -> Option<RouteMatch<'_>> {
        let parts: Vec<&str> = path.split('/').collect();
        let mut best: Option<(Vec<u8>, RouteMatch<'_>)> = None;
        for route in &self.routes {
            if route.segments.len() != parts.len() {
                continue;
            }
            let mut score = Vec::with_capacity(parts.len());
            let mut params = Vec::new();
            let mut matched = true;
            for (segment, raw) in route.segments.iter().zip(&parts) {
                let text = percent_encoding::percent_decode_str(raw)
                    .decode_utf8_lossy()
                    .into_owned();
                match segment {
                    Segment::Literal(lit) if *lit == text => score.push(2),
                    Segment::Param {
                        prefix,
                        name,
                        suffix,
                    } if text.len() > prefix.len() + suffix.len()
                        && text.starts_with(prefix.as_str())
                        && text.ends_with(suffix.as_str()) =>
                    {
                        let value = text[prefix.len()..text.len() - suffix.len()].to_owned();
                        score.push(if prefix.is_empty() && suffix.is_empty() {
                            0
                        } else {
                            1
                        });
                        params.push((name.clone(), value));
                    }
                    _ => {
                        matched = false;
                        break;
                    }
                }
            }
            if matched && best.as_ref().is_none_or(|(s, _)| score > *s) {
                best = Some((score, (route, params)));
            }
        }
        best.map(|(_, found)| found)
    }
}

impl Operation {
    fn new(
        doc: &Value,
        template: &str,
        method: &str,
        op: &Value,
        shared: &[Value],
        default_public: bool,
    ) -> Operation {
        let id = op
            .get("x-stax-sdk-operation-id")
            .or_else(|| op.get("operationId"))
            .and_then(Value::as_str)
            .map(str::to_owned)
            .unwrap_or_else(|| format!("{} {template}", method.to_ascii_uppercase()));
        let public = match op.get("security") {
            Some(s) => s == &json!([]),
            None => default_public || template.contains("/public/"),
        };
        let mut parameters = params_of(doc, op.get("parameters"));
        for p in shared {
            let same = |q: &Value| q.get("name") == p.get("name") && q.get("in") == p.get("in");
            if !parameters.iter().any(same) {
                parameters.push(p.clone());
            }
        }
        let responses = op
            .get("responses")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let statuses: Vec<u16> = responses
            .keys()
            .filter_map(|k| {
                if k == "default" {
                    Some(0)
                } else {
                    k.parse().ok()
                }
            })
            .collect();
        let success_key = responses
            .keys()
            .filter_map(|k| k.parse::<u16>().ok().map(|s| (s, k)))
            .filter(|(s, _)| (200..300).contains(s))
            .min()
            .map(|(_, k)| k.clone())
            .or_else(|| responses.contains_key("default").then(|| "default".into()));
        let success = success_key
            .as_deref()
            .and_then(|k| k.parse().ok())
            .unwrap_or(200);
        let response_schema = success_key.and_then(|k| {
            let response = schema::resolve(doc, responses.get(&k)?)?;
            media_schema(response)
        });
        let request_schema = op
            .get("requestBody")
            .and_then(|b| schema::resolve(doc, b))
            .and_then(media_schema);
        Operation {
            method: method.to_ascii_uppercase(),
            id,
            public,
            parameters,
            statuses,
            success,
            response_schema,
            request_schema,
            request_validator: OnceLock::new(),
        }
    }

    /// The compiled request body validator (a `readOnly` property is never required of a
    /// request), made on first use; `None` when it does not compile (then bodies are not
    /// checked).
    fn request_validator(&self, api: &Api) -> Option<&Validator> {
        self.request_validator
            .get_or_init(|| {
                let schema = self.request_schema.as_ref()?;
                match api.doc.validator(Target::Schema(schema), Wire::Request) {
                    Ok(v) => Some(v),
                    Err(err) => {
                        tracing::warn!(operation = %self.id, error = %err, "request schema not compiled; bodies not checked");
                        None
                    }
                }
            })
            .as_deref()
    }
}

/// The JSON schema of a response or request body object.
fn media_schema(object: &Value) -> Option<Value> {
    let content = object.get("content")?.as_object()?;
    let media = content
        .get("application/json")
        .or_else(|| {
            content
                .iter()
                .find(|(k, _)| k.contains("json"))
                .map(|(_, v)| v)
        })
        .or_else(|| content.values().next())?;
    media.get("schema").cloned()
}

fn params_of(doc: &Value, list: Option<&Value>) -> Vec<Value> {
    list.and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|p| schema::resolve(doc, p))
                .filter(|p| p.is_object())
                .cloned()
                .collect()
        })
        .unwrap_or_default()
}

fn split_template(template: &str) -> Vec<Segment> {
    template
        .split('/')
        .map(|segment| {
            if let (Some(open), Some(close)) = (segment.find('{'), segment.rfind('}'))
                && open < close
            {
                Segment::Param {
                    prefix: segment[..open].to_owned(),
                    name: segment[open + 1..close].to_owned(),
                    suffix: segment[close + 1..].to_owned(),
                }
            } else {
                Segment::Literal(segment.to_owned())
            }
        })
        .collect()
}

/// A template with its parameter names blanked: `/a/{x}` and `/a/{y}` are the same route.
fn shape(template: &str) -> String {
    let mut out = String::with_capacity(template.len());
    let mut in_param = false;
    for c in template.chars() {
        match c {
            '{' => {
                in_param = true;
                out.push('{');
            }
            '}' => {
                in_param = false;
                out.push('}');
            }
            _ if in_param => {}
            _ => out.push(c),
        }
    }
    out
}

/// `account_id` -> `AccountId`.
fn pascal(name: &str) -> String {
    name.split(['_', '-'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

/// What generic answers need: the document's operations, the SigV4 check, the counters and
/// the store (for the tasks changes start).
pub(crate) struct Generic {
    /// The documents' operations, one [`Api`] per `--openapi` document.
    pub apis: Vec<Api>,
    pub verifier: Arc<Verifier>,
    pub stats: Arc<Stats>,
    pub store: Arc<Store>,
    pub task_delay: Duration,
    /// How long a client may take to send a request body.
    pub body_timeout: Duration,
}

/// The answer to a body that could not be read, as API Gateway gives it.
pub(crate) fn body_error(err: &BodyError) -> Response {
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

impl Generic {
    /// Whether the document routes `path` to another template than `matched`, the one the
    /// stateful router took (a literal segment it took for a parameter): then the request
    /// is answered here.
    pub fn diverts(&self, path: &str, matched: &str) -> bool {
        self.find(path)
            .is_some_and(|(_, (route, _))| shape(&route.template) != shape(matched))
    }

    /// The document and route that match `path` best (the documents serve distinct API
    /// versions, so at most one has routes under a path's version).
    fn find(&self, path: &str) -> Option<(&Api, RouteMatch<'_>)> {
        self.apis
            .iter()
            .find_map(|api| api.find(path).map(|found| (api, found)))
    }

    fn missing(&self) -> Response {
        self.stats.rejected_signature();
        Rejection::Missing.response()
    }

    /// Answers a request under an API version (`/20190206/`, `/20210321/`) that no stateful
    /// handler took.
    pub async fn serve(&self, req: Request) -> Response {
        let Some((api, (route, params))) = self.find(req.uri().path()) else {
            return self.missing();
        };
        let (parts, body) = req.into_parts();
        let bytes = match body::read(body, MAX_BODY, self.body_timeout).await {
            Ok(bytes) => bytes,
            Err(err) => return body_error(&err),
        };
        let method = parts.method.as_str().to_ascii_uppercase();
        let op = route.operations.iter().find(|o| o.method == method);
        let public = match op {
            Some(op) => op.public,
            None => route.template.contains("/public/"),
        };
        let mut caller: Option<Caller> = None;
        if !public {
            match self.check_signature(&parts, &bytes) {
                Ok(found) => caller = Some(found),
                Err(rejection) => {
                    self.stats.rejected_signature();
                    return rejection.response();
                }
            }
        }
        let Some(op) = op else {
            // API Gateway answers a method a resource does not have as it answers an unknown path.
            return Rejection::Missing.response();
        };
        self.stats.operation(&op.id);
        // Reads are open to every role; changes need at least the user level, as the
        // workloads do (read-only roles change nothing).
        let allowed = if matches!(op.method.as_str(), "GET" | "HEAD") {
            Allowed::READ
        } else {
            Allowed::USER
        };
        let path = parts.uri.path();
        let mut response = match allowed.admits(&op.id, caller.as_ref()) {
            Err(why) if !public => ApiError::forbidden(why).into_response_for(path),
            _ => match self.answer(api, op, &params, &parts, &bytes) {
                Ok(response) => response,
                Err(err) => err.into_response_for(path),
            },
        };
        response
            .headers_mut()
            .insert(HANDLER_HEADER, HeaderValue::from_static("generic"));
        response
    }

    fn check_signature(&self, parts: &Parts, bytes: &Bytes) -> Result<Caller, Rejection> {
        let signed = SignedRequest {
            method: parts.method.as_str(),
            path: parts.uri.path(),
            query: parts.uri.query(),
            headers: &parts.headers,
            authority: parts.uri.authority().map(|a| a.as_str()),
            body: bytes,
        };
        self.verifier.verify(&signed, OffsetDateTime::now_utc())
    }
}

/// An error status the operation documents: `preferred` when it does, else the first of
/// `others` it does, else `preferred`.
fn error_status(op: &Operation, preferred: u16, others: &[u16]) -> StatusCode {
    let status = std::iter::once(preferred)
        .chain(others.iter().copied())
        .find(|s| op.documents(*s))
        .unwrap_or(preferred);
    StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST)
}

impl Generic {
    fn answer(
        &self,
        api: &Api,
        op: &Operation,
        params: &[(String, String)],
        parts: &Parts,
        bytes: &Bytes,
    ) -> Result<Response, ApiError> {
        // Path and query parameters.
        let query = crate::util::parse_query(parts.uri.query());
        for p in &op.parameters {
            let name = p.get("name").and_then(Value::as_str).unwrap_or("");
            match p.get("in").and_then(Value::as_str) {
                Some("path") => {
                    let Some((_, value)) = params.iter().find(|(n, _)| n == name) else {
                        continue;
                    };
                    if let Some(s) = p.get("schema")
                        && !accepts(s, &api.doc, &typed(s, api.doc.raw(), value))
                    {
                        return Err(ApiError::new(
                            error_status(op, 400, &[404]),
                            format!("Path parameter {name} is not valid: '{value}'"),
                        ));
                    }
                }
                Some("query") => {
                    let required = p.get("required") == Some(&Value::Bool(true));
                    match query.get(name) {
                        None if required => {
                            return Err(ApiError::new(
                                error_status(op, 400, &[]),
                                format!("Query parameter {name} is required"),
                            ));
                        }
                        Some(value) => {
                            if let Some(s) = p.get("schema")
                                && !accepts(s, &api.doc, &typed(s, api.doc.raw(), value))
                            {
                                return Err(ApiError::new(
                                    error_status(op, 400, &[]),
                                    format!("Query parameter {name} is not valid: '{value}'"),
                                ));
                            }
                        }
                        None => {}
                    }
                }
                _ => {}
            }
        }
        // The body.
        let mut body = Value::Null;
        if op.request_schema.is_some() {
            body = if bytes.iter().all(u8::is_ascii_whitespace) {
                Value::Object(Map::new())
            } else {
                serde_json::from_slice(bytes).map_err(|e| {
                    ApiError::bad_request(format!("Request body is not valid JSON: {e}"))
                })?
            };
            if let Some(validator) = op.request_validator(api) {
                let errors: Vec<String> = validator
                    .violations(&body)
                    .take(3)
                    .map(|v| {
                        if v.instance_path.is_empty() {
                            v.message
                        } else {
                            format!("{}: {}", v.instance_path, v.message)
                        }
                    })
                    .collect();
                if !errors.is_empty() {
                    return Err(ApiError::bad_request(format!(
                        "Invalid request body: {}",
                        errors.join("; ")
                    )));
                }
            }
        }
        // Values the answer should echo.
        let mut hints = Map::new();
        for (name, value) in params {
            hints.insert(pascal(name), Value::String(value.clone()));
        }
        if let Some((name, value)) = params.last()
            && name.ends_with("_id")
        {
            hints.insert("Id".into(), Value::String(value.clone()));
        }
        if let Value::Object(fields) = &body {
            for (k, v) in fields {
                hints.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
        let mut seed = 0u64;
        if matches!(op.method.as_str(), "POST" | "PUT" | "PATCH" | "DELETE") {
            let task_id = self.store.write(|db| {
                tasks::create(
                    db,
                    NewTask {
                        operation: &op.id,
                        delay: self.task_delay,
                        subjects: None,
                        outcome: Outcome::Succeed,
                        effect: Effect::default(),
                    },
                )
            })?;
            seed = task_id.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
            });
            hints.insert("TaskId".into(), Value::String(task_id));
        }
        let status = StatusCode::from_u16(op.success).unwrap_or(StatusCode::OK);
        let Some(schema) = &op.response_schema else {
            return Ok((status, Json(json!({}))).into_response());
        };
        let opts = Options {
            direction: Direction::Response,
            hints,
            seed,
        };
        let answer = generate_with(schema, &api.doc, &opts);
        if !accepts(schema, &api.doc, &answer) {
            tracing::warn!(operation = %op.id, "generated answer may not match its schema");
        }
        if status == StatusCode::NO_CONTENT {
            return Ok(status.into_response());
        }
        Ok((status, Json(answer)).into_response())
    }
}

/// A path or query value as the JSON type its schema wants (`"5"` -> `5` for integers).
fn typed(schema: &Value, doc: &Value, text: &str) -> Value {
    let resolved = schema::resolve(doc, schema).unwrap_or(schema);
    match resolved.get("type").and_then(Value::as_str) {
        Some("integer") => text
            .parse::<i64>()
            .map(Value::from)
            .unwrap_or_else(|_| Value::String(text.to_owned())),
        Some("number") => text
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map_or_else(|| Value::String(text.to_owned()), Value::Number),
        Some("boolean") => match text.to_ascii_lowercase().as_str() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => Value::String(text.to_owned()),
        },
        Some("array") => {
            let items = resolved.get("items").cloned().unwrap_or_default();
            Value::Array(
                text.split(',')
                    .map(|t| typed(&items, doc, t))
                    .collect::<Vec<_>>(),
            )
        }
        _ => Value::String(text.to_owned()),
    }
}

/// A map of statuses to counts, for the tests' reports.
#[cfg(test)]
fn route_shapes(api: &Api) -> std::collections::BTreeMap<String, usize> {
    api.routes
        .iter()
        .map(|r| (shape(&r.template), r.operations.len()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api() -> Api {
        Api::new(&json!({
            "openapi": "3.0.0",
            "paths": {
                "/20190206/accounts/{account_id}": {"get": {"responses": {"200": {}}}},
                "/20190206/accounts/discover": {"get": {"x-stax-sdk-operation-id": "accounts.DiscoverAccounts", "responses": {"200": {}}}},
                "/20190206/files/{name}.json": {"get": {"responses": {"201": {}, "default": {}}}},
                "/20190206/odd": "not an object",
            }
        }))
    }

    #[test]
    fn literal_segments_win() {
        let api = api();
        let (route, params) = api.find("/20190206/accounts/discover").unwrap();
        assert_eq!(route.template, "/20190206/accounts/discover");
        assert!(params.is_empty());
        let (route, params) = api.find("/20190206/accounts/abc%20d").unwrap();
        assert_eq!(route.template, "/20190206/accounts/{account_id}");
        assert_eq!(params, vec![("account_id".to_owned(), "abc d".to_owned())]);
        let (route, params) = api.find("/20190206/files/x.json").unwrap();
        assert_eq!(route.operations[0].success, 201);
        assert_eq!(params[0].1, "x");
        assert!(api.find("/20190206/files/.json").is_none());
        assert!(api.find("/20190206/nothing").is_none());
        assert!(api.find("/20190206/accounts").is_none());
        assert_eq!(route_shapes(&api).len(), 3);
        assert_eq!(api.operation_count(), 3);
    }

    #[test]
    fn relative_documents_are_routed_under_their_server_path() {
        let api = Api::under(
            &json!({"paths": {
                "/things/{thing_id}": {"get": {"operationId": "GetThing", "responses": {"200": {}}}},
                "/20210321/already": {"get": {"responses": {"200": {}}}}
            }}),
            "/20210321",
        );
        let (route, params) = api.find("/20210321/things/t-1").unwrap();
        assert_eq!(route.template, "/20210321/things/{thing_id}");
        assert_eq!(route.operations[0].id, "GetThing");
        assert_eq!(params, vec![("thing_id".to_owned(), "t-1".to_owned())]);
        assert!(api.find("/20210321/already").is_some());
        assert!(api.find("/things/t-1").is_none());
    }

    #[test]
    fn odd_documents_do_not_panic() {
        let api = Api::new(&json!({
            "paths": {
                "/a": {"get": {"responses": "nope", "parameters": 5, "requestBody": {"$ref": "#/nowhere"}}},
                "/b": {"parameters": [{"$ref": "#/nowhere"}, 7], "post": {"responses": {"2XX": {}, "abc": 1}}},
                "/c/{": {"put": {"responses": {"200": {"$ref": "#/loop"}}}},
                "/d": {"get": 5, "x-ext": {}},
                "": {"get": {}},
            },
            "loop": {"$ref": "#/loop"},
            "components": 5,
        }));
        assert_eq!(api.operation_count(), 4);
        assert!(api.find("/a").is_some());
        let (route, _) = api.find("/c/{").unwrap();
        assert_eq!(route.operations[0].success, 200);
        assert!(route.operations[0].response_schema.is_none());
        assert!(Api::new(&json!(null)).routes.is_empty());
    }

    #[test]
    fn names_and_shapes() {
        assert_eq!(pascal("account_id"), "AccountId");
        assert_eq!(pascal("access_key"), "AccessKey");
        assert_eq!(pascal("alias"), "Alias");
        assert_eq!(shape("/a/{x}/b/{y}.json"), "/a/{}/b/{}.json");
        assert_eq!(
            split_template("/a/{x}"),
            vec![
                Segment::Literal(String::new()),
                Segment::Literal("a".into()),
                Segment::Param {
                    prefix: String::new(),
                    name: "x".into(),
                    suffix: String::new()
                }
            ]
        );
    }

    #[test]
    fn read_only_properties_are_not_required_in_requests() {
        let api = Api::new(&json!({
            "paths": {"/things": {"post": {
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}},
                "responses": {"200": {}}
            }}},
            "components": {"schemas": {
                "Ro": {"type": "string", "readOnly": true},
                "Thing": {"type": "object", "required": ["A", "B", "C"], "properties": {
                    "A": {"$ref": "#/components/schemas/Ro"},
                    "B": {"type": "string", "readOnly": true},
                    "C": {"type": "string"},
                }}
            }}
        }));
        let (route, _) = api.find("/things").unwrap();
        let validator = route.operations[0].request_validator(&api).unwrap();
        assert!(validator.is_valid(&json!({"C": "c"})));
        assert!(!validator.is_valid(&json!({"A": "a", "B": "b"})));
    }

    #[test]
    fn typed_parameters() {
        let doc = json!({});
        assert_eq!(typed(&json!({"type": "integer"}), &doc, "5"), json!(5));
        assert_eq!(typed(&json!({"type": "integer"}), &doc, "x"), json!("x"));
        assert_eq!(
            typed(&json!({"type": "boolean"}), &doc, "TRUE"),
            json!(true)
        );
        assert_eq!(
            typed(
                &json!({"type": "array", "items": {"type": "integer"}}),
                &doc,
                "1,2"
            ),
            json!([1, 2])
        );
    }
}
