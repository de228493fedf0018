//! The client: every operation of the installation's OpenAPI documents, by name.
//!
//! The service `permission-sets` is the Permission Sets API (its operations are its
//! document's `operationId`s); every other service is the core API's.
//!
//! ```no_run
//! use serde_json::json;
//! use staxapp::{StaxClient, args};
//!
//! # async fn demo() -> staxapp::Result<()> {
//! let client = StaxClient::from_env()?;
//! let accounts = client.call("accounts", "ReadAccounts", args! {"filter" => "ACTIVE"}).await?;
//! let svc = client.service("accounts");
//! let one = svc.call("ReadAccounts", args! {"account_id" => "7c4b0b5f-6b5e-4d3c-9b34-1d9a0e1f2a3b"}).await?;
//! let sets = client.call("permission-sets", "ListPermissionSets", args! {"limit" => 10}).await?;
//! // A JSON array body: the arguments name the path parameters, `body` the rest.
//! let assigned = client
//!     .call(
//!         "permission-sets",
//!         "CreatePermissionSetAssignments",
//!         args! {"permission_set_id" => "5f8a4c3e-1b2d-4e6f-8a9b-0c1d2e3f4a5b"}
//!             .body(json!([{"GroupId": "...", "AccountTypeId": "..."}])),
//!     )
//!     .await?;
//! println!("{accounts} {one} {sets} {assigned}");
//! # Ok(()) }
//! ```

use std::fmt;
use std::sync::Arc;

use serde_json::{Map, Value};

use crate::apis::Api;
use crate::config::Config;
use crate::error::{Result, ValidationError};
use crate::schema::{Document, PreparedRequest};
use crate::session::Session;

/// The arguments of an operation: path parameters, query parameters and body fields, by
/// name, as the Python SDK's keyword arguments.
///
/// Made from a JSON object (`serde_json::Map` or `Value::Object`), `()`, or pairs; the
/// [`args!`](crate::args) macro is the short form.
///
/// ```
/// use serde_json::json;
/// use staxapp::{Args, args};
///
/// let a: Args = args! {"filter" => "ACTIVE", "limit" => 2};
/// let b: Args = json!({"filter": "ACTIVE", "limit": 2}).into();
/// let c: Args = [("filter", json!("ACTIVE")), ("limit", json!(2))].into();
/// assert_eq!(a, b);
/// assert_eq!(b, c);
/// assert!(Args::from(()).is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Args {
    map: Map<String, Value>,
    /// The whole request body, when it is given apart from the named arguments.
    body: Option<Value>,
    /// Set when the arguments were given as JSON that is not an object.
    invalid: Option<String>,
}

impl Args {
    /// No arguments.
    pub fn new() -> Self {
        Args::default()
    }

    /// Adds or replaces one argument.
    pub fn set(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.map.insert(name.into(), value.into());
        self
    }

    /// Gives the whole request body, for operations whose body is not an object of fields:
    /// the Permission Sets API's `CreatePermissionSetAssignments` takes a JSON array. The
    /// named arguments may then only be path parameters.
    ///
    /// ```
    /// use serde_json::json;
    /// use staxapp::args;
    ///
    /// let a = args! {"permission_set_id" => "p-1"}.body(json!([{"GroupId": "g", "AccountTypeId": "t"}]));
    /// assert!(a.whole_body().unwrap().is_array());
    /// ```
    pub fn body(mut self, body: impl Into<Value>) -> Self {
        self.body = Some(body.into());
        self
    }

    /// The whole request body given with [`body`](Self::body), if any.
    pub fn whole_body(&self) -> Option<&Value> {
        self.body.as_ref()
    }

    /// True when there are no arguments (and no whole body).
    pub fn is_empty(&self) -> bool {
        self.map.is_empty() && self.body.is_none()
    }

    /// The arguments as a JSON object.
    pub fn as_map(&self) -> &Map<String, Value> {
        &self.map
    }

    /// The arguments as a JSON object, or the error for arguments that were not one. A whole
    /// body given with [`body`](Self::body) is dropped: see [`into_parts`](Self::into_parts).
    pub fn into_map(self) -> Result<Map<String, Value>> {
        self.into_parts().map(|(map, _)| map)
    }

    /// The named arguments and the whole body, or the error for arguments that were not a
    /// JSON object.
    pub fn into_parts(self) -> Result<(Map<String, Value>, Option<Value>)> {
        match self.invalid {
            Some(kind) => Err(ValidationError::InvalidArgument {
                name: "<arguments>".into(),
                reason: format!(
                    "arguments must be a JSON object, not {kind} (an array body goes in Args::body, beside the path parameters)"
                ),
            }
            .into()),
            None => Ok((self.map, self.body)),
        }
    }
}

impl From<Map<String, Value>> for Args {
    fn from(map: Map<String, Value>) -> Self {
        Args {
            map,
            ..Args::default()
        }
    }
}

impl From<Value> for Args {
    fn from(value: Value) -> Self {
        match value {
            Value::Object(map) => map.into(),
            Value::Null => Args::default(),
            other => Args {
                invalid: Some(
                    match other {
                        Value::Bool(_) => "a boolean",
                        Value::Number(_) => "a number",
                        Value::String(_) => "a string",
                        _ => "an array",
                    }
                    .to_owned(),
                ),
                ..Args::default()
            },
        }
    }
}

impl From<()> for Args {
    fn from(_: ()) -> Self {
        Args::default()
    }
}

impl<K: Into<String>, V: Into<Value>, const N: usize> From<[(K, V); N]> for Args {
    fn from(pairs: [(K, V); N]) -> Self {
        pairs.into_iter().collect()
    }
}

impl<K: Into<String>, V: Into<Value>> From<Vec<(K, V)>> for Args {
    fn from(pairs: Vec<(K, V)>) -> Self {
        pairs.into_iter().collect()
    }
}

impl<K: Into<String>, V: Into<Value>> FromIterator<(K, V)> for Args {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        iter.into_iter()
            .fold(Args::default(), |args, (k, v)| args.set(k, v))
    }
}

/// Builds [`Args`]: `args! {"name" => value, ...}`, each value anything `serde_json::json!`
/// accepts (literals, `{..}` objects, `[..]` arrays, or any Rust expression).
///
/// ```
/// use staxapp::args;
///
/// let ids = vec!["a", "b"];
/// let args = args! {
///     "account_id" => "abc",
///     "include_tags" => true,
///     "limit" => 10,
///     "Tags" => {"team": "data"},
///     "ids" => ids.clone(),
///     "first" => ids[0],
/// };
/// assert_eq!(args.as_map()["limit"], 10);
/// assert_eq!(args.as_map()["Tags"]["team"], "data");
/// assert_eq!(args.as_map()["first"], "a");
/// assert!(args! {}.is_empty());
/// ```
#[macro_export]
macro_rules! args {
    () => { $crate::Args::new() };
    (@acc $args:expr; ) => { $args };
    (@acc $args:expr; $name:expr => $($rest:tt)*) => {
        $crate::args!(@val $args; $name; []; $($rest)*)
    };
    (@val $args:expr; $name:expr; [$($value:tt)*]; , $($rest:tt)*) => {
        $crate::args!(@acc $args.set($name, ::serde_json::json!($($value)*)); $($rest)*)
    };
    (@val $args:expr; $name:expr; [$($value:tt)*]; ) => {
        $args.set($name, ::serde_json::json!($($value)*))
    };
    (@val $args:expr; $name:expr; [$($value:tt)*]; $next:tt $($rest:tt)*) => {
        $crate::args!(@val $args; $name; [$($value)* $next]; $($rest)*)
    };
    ($($tokens:tt)+) => { $crate::args!(@acc $crate::Args::new(); $($tokens)+) };
}

/// A Stax API client: cheap to clone; clones (and every client made from an equal
/// [`Config`]) share one [`Session`].
#[derive(Clone)]
pub struct StaxClient {
    session: Session,
}

impl fmt::Debug for StaxClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StaxClient")
            .field("session", &self.session)
            .finish()
    }
}

impl StaxClient {
    /// A client for `config`, sharing the session of any other client of an equal config.
    ///
    /// ```
    /// use staxapp::{Config, StaxClient};
    ///
    /// let config = Config::builder().region("us1").access_key("AK").secret_key("SK").build()?;
    /// let client = StaxClient::new(config)?;
    /// assert_eq!(client.config().base_url(), "https://api.us1.staxapp.cloud/20190206");
    /// # Ok::<(), staxapp::Error>(())
    /// ```
    pub fn new(config: Config) -> Result<StaxClient> {
        Ok(StaxClient {
            session: Session::shared(&config)?,
        })
    }

    /// A client configured from the environment ([`Config::from_env`]).
    pub fn from_env() -> Result<StaxClient> {
        StaxClient::new(Config::from_env()?)
    }

    /// A client over an existing session.
    pub fn with_session(session: Session) -> StaxClient {
        StaxClient { session }
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        self.session.config()
    }

    /// The shared session.
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// The core API's OpenAPI document (loaded once per session).
    pub async fn document(&self) -> Result<Arc<Document>> {
        self.session.document().await
    }

    /// The OpenAPI document of `api` (loaded once per session).
    pub async fn document_of(&self, api: Api) -> Result<Arc<Document>> {
        self.session.document_of(api).await
    }

    /// The document that holds `service`: the Permission Sets API's for `permission-sets`,
    /// the core API's for any other name ([`Api::for_service`]).
    pub async fn document_for(&self, service: &str) -> Result<Arc<Document>> {
        self.document_of(Api::for_service(service)).await
    }

    /// Every service of every API, sorted: the core document's services (loading it) and
    /// `permission-sets` (without loading its document).
    pub async fn services(&self) -> Result<Vec<String>> {
        let core = self.document().await?;
        let mut names: Vec<String> = core.services().into_iter().map(str::to_owned).collect();
        names.extend(
            Api::ALL
                .iter()
                .filter_map(|api| api.service().map(str::to_owned)),
        );
        names.sort();
        names.dedup();
        Ok(names)
    }

    /// A handle on one service (class), e.g. `accounts`. The name is checked at the first call.
    pub fn service(&self, name: impl Into<String>) -> Service {
        Service {
            client: self.clone(),
            name: name.into(),
        }
    }

    /// Routes and validates a call without sending it: the request that [`call`](Self::call)
    /// would send (used by the CLI's `--dry-run`; needs no credentials).
    pub async fn prepare(
        &self,
        service: &str,
        operation: &str,
        args: impl Into<Args>,
    ) -> Result<PreparedRequest> {
        let (document, prepared) = self.route_in(service, operation, args.into()).await?;
        document.validate(&prepared)?;
        Ok(prepared)
    }

    /// Routes a call without validating its body (the CLI's `--no-validate`); otherwise as
    /// [`prepare`](Self::prepare).
    pub async fn route(
        &self,
        service: &str,
        operation: &str,
        args: impl Into<Args>,
    ) -> Result<PreparedRequest> {
        Ok(self.route_in(service, operation, args.into()).await?.1)
    }

    async fn route_in(
        &self,
        service: &str,
        operation: &str,
        args: Args,
    ) -> Result<(Arc<Document>, PreparedRequest)> {
        let (args, body) = args.into_parts()?;
        let document = self.document_for(service).await?;
        let mut prepared = document.route(service, operation, args)?;
        if let Some(body) = body {
            prepared.set_body(body)?;
        }
        Ok((document, prepared))
    }

    /// The full URL a prepared request goes to (on its API's host).
    pub fn url_of(&self, prepared: &PreparedRequest) -> String {
        self.session.url_for_api(
            Api::for_service(&prepared.service),
            &prepared.path_and_query(),
        )
    }

    /// Signs and sends a prepared request to its API; returns the decoded JSON answer.
    pub async fn send_prepared(&self, prepared: &PreparedRequest) -> Result<Value> {
        let operation = format!("{}.{}", prepared.service, prepared.operation);
        self.session
            .call_api(
                Api::for_service(&prepared.service),
                prepared.method.clone(),
                &prepared.path_and_query(),
                prepared.body.as_ref(),
                &operation,
            )
            .await
    }

    /// Calls `service.operation` with `args` and returns the decoded JSON answer. The service
    /// `permission-sets` calls the Permission Sets API; any other, the core API.
    ///
    /// Unknown names and missing path parameters are [`ValidationError`]s, non-2xx answers
    /// [`ApiError`](crate::ApiError)s with the server's words.
    pub async fn call(
        &self,
        service: &str,
        operation: &str,
        args: impl Into<Args>,
    ) -> Result<Value> {
        let prepared = self.prepare(service, operation, args).await?;
        self.send_prepared(&prepared).await
    }
}

/// One service (class) of a client, e.g. `client.service("accounts")`.
#[derive(Clone, Debug)]
pub struct Service {
    client: StaxClient,
    name: String,
}

impl Service {
    /// The service's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Calls one of the service's operations.
    pub async fn call(&self, operation: &str, args: impl Into<Args>) -> Result<Value> {
        self.client.call(&self.name, operation, args).await
    }

    /// Routes and validates one of the service's operations without sending it.
    pub async fn prepare(&self, operation: &str, args: impl Into<Args>) -> Result<PreparedRequest> {
        self.client.prepare(&self.name, operation, args).await
    }
}
