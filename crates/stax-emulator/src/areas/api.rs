//! What every area is made of: its operation table ([`Operation`]), the call its handlers
//! answer ([`Call`]) and what they may use ([`Context`]).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::response::Response;
use serde_json::{Map, Value};

use crate::document::Document;
use crate::install::Installation;
use crate::protocol::{ApiError, ApiResult};
use crate::roles::{Allowed, Caller, Role};
use crate::store::kinds::{ACCOUNT, Kind};
use crate::store::tasks::{self, Effect, NewTask, Origin, Outcome};
use crate::store::{Db, Store, StoreResult};

/// A handler answering a value (most do).
pub(crate) type ValueHandler = fn(&Call<'_>) -> ApiResult<Value>;

/// A handler: the answer (a 200 with this JSON) or an error. Handlers are synchronous: they
/// run on a blocking thread, where SQLite may wait for another process's transaction.
#[derive(Clone, Copy)]
pub(crate) enum Handler {
    /// The answer as a value, serialised when sent.
    Value(ValueHandler),
    /// The answer as JSON text ready to send: lists of records shown as stored, whose text
    /// goes out as SQLite holds it, never parsed ([`Operation::text`]).
    Text(fn(&Call<'_>) -> ApiResult<String>),
}

/// One operation: where it is routed, who may call it, what answers it and how the served
/// document describes it. One entry builds the route, the document's path and the stats name.
pub(crate) struct Operation {
    /// `service.Operation`, as `x-stax-sdk-operation-id` and the stats name.
    pub id: &'static str,
    /// Lower case (`get`), as OpenAPI writes it.
    pub method: &'static str,
    /// Full path template, `/20190206/...`, parameters in braces.
    pub path: &'static str,
    /// Who may call it.
    pub roles: Allowed,
    /// What answers it.
    pub handler: Handler,
    /// One line for the document.
    pub summary: &'static str,
    /// Parameter objects for the document.
    pub params: Vec<Value>,
    /// Request body component, for PUT and POST.
    pub body: Option<&'static str>,
    /// Component of the 200 answer.
    pub response: &'static str,
    /// Error statuses it may answer (403 is added to every signed operation).
    pub errors: &'static [u16],
    /// Of those, the ones Stax answers with a failed `StaxEvent` rather than `{"Error"}`.
    pub event_errors: &'static [u16],
    /// Of those, the ones Stax answers in the shape of a success (`public.CheckAlias`'s 409).
    pub answered_errors: &'static [u16],
    /// The status of a successful answer (200; 201 where the API documents a creation so).
    pub success: u16,
}

impl Operation {
    /// An operation answering `200` with its component (to be named with
    /// [`Operation::response`]), taking no body, with no parameters beyond its path's (as
    /// given with [`Operation::params`]) and no errors but the 403 of a refused role.
    pub fn new(
        id: &'static str,
        method: &'static str,
        path: &'static str,
        roles: Allowed,
        handler: ValueHandler,
    ) -> Operation {
        Operation {
            id,
            method,
            path,
            roles,
            handler: Handler::Value(handler),
            summary: "",
            params: Vec::new(),
            body: None,
            response: "",
            errors: &[],
            event_errors: &[],
            answered_errors: &[],
            success: 200,
        }
    }

    /// An operation like [`Operation::new`]'s whose handler answers JSON text.
    pub fn text(
        id: &'static str,
        method: &'static str,
        path: &'static str,
        roles: Allowed,
        handler: fn(&Call<'_>) -> ApiResult<String>,
    ) -> Operation {
        Operation {
            handler: Handler::Text(handler),
            ..Operation::new(id, method, path, roles, |_| Ok(Value::Null))
        }
    }

    /// One line for the document.
    pub fn summary(mut self, summary: &'static str) -> Operation {
        self.summary = summary;
        self
    }

    /// Its parameter objects (path parameters included).
    pub fn params(mut self, params: Vec<Value>) -> Operation {
        self.params = params;
        self
    }

    /// The component of its request body.
    pub fn body(mut self, component: &'static str) -> Operation {
        self.body = Some(component);
        self
    }

    /// The component of its success answer.
    pub fn response(mut self, component: &'static str) -> Operation {
        self.response = component;
        self
    }

    /// The error statuses it may answer (403 is added to every signed operation).
    pub fn errors(mut self, statuses: &'static [u16]) -> Operation {
        self.errors = statuses;
        self
    }

    /// Of its errors, those Stax answers with a failed `StaxEvent`.
    pub fn event_errors(mut self, statuses: &'static [u16]) -> Operation {
        self.event_errors = statuses;
        self
    }

    /// Of its errors, those Stax answers in the shape of its success answer.
    pub fn answered_errors(mut self, statuses: &'static [u16]) -> Operation {
        self.answered_errors = statuses;
        self
    }

    /// The status of a success (201 where the API documents a creation so).
    pub fn success(mut self, status: u16) -> Operation {
        self.success = status;
        self
    }

    /// The error as this operation answers it: a failed `StaxEvent` for the statuses Stax
    /// documents so, else `{"Error"}` in its API's shape.
    pub fn error_response(&self, err: ApiError) -> Response {
        if self.event_errors.contains(&err.status.as_u16()) {
            err.into_event_response(self.id)
        } else {
            err.into_response_for(self.path)
        }
    }
}

/// What handlers may use: the store and the installation's facts.
pub(crate) struct Context {
    pub store: Arc<Store>,
    pub install: Installation,
    /// Base URL clients reach the emulator at.
    pub endpoint: String,
    /// How long tasks take to end.
    pub task_delay: Duration,
    /// The served documents' request-body validators, by API version.
    pub documents: HashMap<String, Arc<Document>>,
}

/// One call of an operation, as its handler sees it.
pub(crate) struct Call<'a> {
    pub ctx: &'a Context,
    pub op: &'a Operation,
    /// Path parameters, decoded.
    pub params: Vec<(String, String)>,
    /// Query parameters, decoded (later values of a repeated name win).
    pub query: BTreeMap<String, String>,
    /// Every query pair, decoded, in order (a repeated name keeps all its values).
    pub pairs: Vec<(String, String)>,
    pub body: Bytes,
    /// The API token that signed the call (none for public operations).
    pub caller: Option<Caller>,
}

impl Call<'_> {
    /// The organisation the call is made in: the caller's. A public operation names no
    /// caller and sees no organisation's records (`""`).
    pub fn org(&self) -> &str {
        self.caller.as_ref().map_or("", |c| c.organisation.as_str())
    }

    /// Runs `f` over one snapshot of the caller's organisation.
    pub fn read<T>(&self, f: impl FnOnce(&Db<'_>) -> ApiResult<T>) -> ApiResult<T> {
        self.ctx.store.read(|tx| f(&tx.org(self.org())))
    }

    /// Runs `f` in one write transaction over the caller's organisation.
    pub fn write<T>(&self, f: impl FnOnce(&Db<'_>) -> ApiResult<T>) -> ApiResult<T> {
        self.ctx.store.write(|tx| f(&tx.org(self.org())))
    }

    /// A path parameter (`""` when the template has none of that name).
    pub fn param(&self, name: &str) -> &str {
        self.params
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// Every value of the query parameter `name`: repeated (`status=A&status=B`, as an array is
    /// sent) or comma-separated (`status=A,B`); empty when absent.
    pub fn query_values(&self, name: &str) -> Vec<String> {
        self.pairs
            .iter()
            .filter(|(n, _)| n == name)
            .flat_map(|(_, v)| crate::util::comma_list(v))
            .collect()
    }

    /// The body as a JSON array of objects, checked against the operation's body component
    /// (for operations whose body is a list). Errors are 400s that name the offending item.
    pub fn json_list_body(&self) -> ApiResult<Vec<Value>> {
        let body: Value = serde_json::from_slice(&self.body)
            .map_err(|e| ApiError::bad_request(format!("Request body is not valid JSON: {e}")))?;
        self.check_body(&body)?;
        match body {
            Value::Array(items) => Ok(items),
            _ => Err(ApiError::bad_request("Request body must be a JSON array")),
        }
    }

    /// Checks `body` against the operation's body component in its API's served document.
    fn check_body(&self, body: &Value) -> ApiResult<()> {
        let document = self.ctx.documents.get(super::version_of(self.op.path));
        if let (Some(component), Some(document)) = (self.op.body, document) {
            document
                .validate(component, body)
                .map_err(|e| ApiError::bad_request(format!("Invalid request body: {e}")))?;
        }
        Ok(())
    }

    /// The body as JSON, checked against the operation's body component. Errors are 400s
    /// that name the offending field.
    pub fn json_body(&self) -> ApiResult<Value> {
        let body = crate::document::parse_body(&self.body).map_err(ApiError::bad_request)?;
        if !body.is_object() {
            return Err(ApiError::bad_request("Request body must be a JSON object"));
        }
        self.check_body(&body)?;
        Ok(body)
    }

    /// The access key of the API token that signed the call (`CreatedBy` of what it makes).
    pub fn caller_key(&self) -> Option<String> {
        self.caller
            .as_ref()
            .map(|c| c.access_key.clone())
            .filter(|k| !k.is_empty())
    }

    /// The caller's role, when it still has one.
    pub fn caller_role(&self) -> Option<Role> {
        self.caller.as_ref().and_then(|c| c.role)
    }

    /// Refuses granting `role` unless the caller's own role stands at least as high (403).
    pub fn may_grant(&self, role: &str) -> ApiResult<()> {
        crate::roles::grantable(self.caller_role(), role).map_err(ApiError::forbidden)
    }

    /// Writes the task that carries this call's operation out, ending after the task delay;
    /// it records the caller and what it changes (the plan's target, else its one account).
    pub fn start_task(&self, db: &Db<'_>, plan: Plan) -> StoreResult<String> {
        let target = plan.target.or_else(|| match &plan.subjects {
            Some(("Accounts", ids)) => Some((ACCOUNT.target_kind, ids.first().cloned())),
            _ => None,
        });
        let origin = Origin {
            caller: self.caller_key(),
            target_kind: target.as_ref().map(|(kind, _)| (*kind).to_owned()),
            target_id: target.and_then(|(_, id)| id),
        };
        tasks::create_for(
            db,
            NewTask {
                operation: self.op.id,
                delay: self.ctx.task_delay,
                subjects: plan.subjects,
                outcome: plan.outcome,
                effect: plan.effect,
            },
            origin,
        )
    }
}

/// How an asynchronous change will go: its effect, how it ends, which ids its task lists.
pub(crate) struct Plan {
    pub effect: Effect,
    pub outcome: Outcome,
    pub subjects: Option<(&'static str, Vec<String>)>,
    /// Fields the changed resource takes at once, while the task runs (`Status:
    /// UPDATE_IN_PROGRESS`, ...); used by [`super::rules::change`].
    pub interim: Map<String, Value>,
    /// What the task changes: the kind's name for insights ([`Kind::target_kind`]) and the
    /// record's id.
    pub target: Option<(&'static str, Option<String>)>,
}

impl Plan {
    /// A change that succeeds and applies `effect`.
    pub fn new(effect: Effect) -> Plan {
        Plan {
            effect,
            outcome: Outcome::Succeed,
            subjects: None,
            interim: Map::new(),
            target: None,
        }
    }

    /// How the task ends.
    pub fn outcome(mut self, outcome: Outcome) -> Plan {
        self.outcome = outcome;
        self
    }

    /// Lists `ids` under `key` (`Accounts`, `Users`, `Workloads`) in the task.
    pub fn subjects(mut self, key: &'static str, ids: Vec<String>) -> Plan {
        self.subjects = Some((key, ids));
        self
    }

    /// Names the record of `kind` the task changes (unless a target is named already).
    pub fn target(mut self, kind: &Kind, id: &str) -> Plan {
        self.target
            .get_or_insert_with(|| (kind.target_kind, Some(id.to_owned())));
        self
    }

    /// Sets `field` on the resource at once (e.g. `Status` = `DELETE_IN_PROGRESS`).
    pub fn interim(mut self, field: &str, value: Value) -> Plan {
        self.interim.insert(field.to_owned(), value);
        self
    }
}
