//! The request pipeline: every call of every surface (the dynamic client, the typed API, the
//! `stax` CLI, `staxapp_rs`, paging and the waiters) goes through it, in two steps.
//!
//! 1. **Build** ([`StaxClient::request`](crate::StaxClient::request), pure once the document
//!    is loaded: [`build`]): a [`Call`] (service, operation, arguments, validate or not)
//!    becomes a [`Request`]: its API (from the table, [`apis`](crate::apis)), the operation
//!    routed to a method, path, query and body, the body validated against the document,
//!    its URL, and whether it may be retried after it may have been processed.
//! 2. **Send** ([`StaxClient::send`](crate::StaxClient::send)): interceptors, SigV4 signing,
//!    the attempt and operation timeouts, retries under the retry policy and the session's
//!    retry quota; the answer is a [`Response`], a non-2xx one an
//!    [`ApiError`](crate::ApiError) carrying the server's words and request id.
//!
//! [`StaxClient::invoke`](crate::StaxClient::invoke) does both;
//! [`StaxClient::call`](crate::StaxClient::call) also decodes the JSON. Nothing else routes,
//! validates or decides retries: a `--dry-run` prints the built [`Request`]
//! ([`Request::dry_run`]), paging builds one request and changes only its paging parameter
//! per page ([`Request::with_query`]).
//!
//! ```no_run
//! use staxapp::pipeline::Call;
//! use staxapp::{StaxClient, args};
//!
//! # async fn demo() -> staxapp::Result<()> {
//! let client = StaxClient::from_env()?;
//! let request = client
//!     .request(Call::new("accounts", "ReadAccounts").args(args! {"filter" => "ACTIVE"}))
//!     .await?;
//! assert_eq!(request.method(), http::Method::GET);
//! println!("{}", request.url()); // https://api.au1.staxapp.cloud/20190206/accounts?filter=ACTIVE
//! let response = client.send(&request).await?;
//! println!("{} {:?}", response.status, response.request_id());
//! let accounts: serde_json::Value = response.json()?;
//! # let _ = accounts; Ok(()) }
//! ```

use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use crate::apis::Api;
use crate::args::Args;
use crate::config::Config;
use crate::error::Result;
use crate::schema::{Document, Operation, PreparedRequest};
use crate::transport;

pub use crate::transport::Response;

/// What to call: a service, one of its operations, the arguments, and whether to validate
/// the body against the document before sending (default: yes).
///
/// ```
/// use staxapp::pipeline::Call;
/// use staxapp::args;
///
/// let call = Call::new("accounts", "UpdateAccount")
///     .args(args! {"account_id" => "a-1", "Name" => "renamed"})
///     .validate(false);
/// assert_eq!(call.service(), "accounts");
/// assert!(!call.validates());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    service: String,
    operation: String,
    args: Args,
    validate: bool,
}

impl Call {
    /// A call of `service`'s `operation` without arguments, validated.
    pub fn new(service: impl Into<String>, operation: impl Into<String>) -> Call {
        Call {
            service: service.into(),
            operation: operation.into(),
            args: Args::new(),
            validate: true,
        }
    }

    /// Its arguments (replacing any given before).
    pub fn args(mut self, args: impl Into<Args>) -> Call {
        self.args = args.into();
        self
    }

    /// Whether the body is validated against the document before sending (the CLI's
    /// `--no-validate` turns it off).
    pub fn validate(mut self, validate: bool) -> Call {
        self.validate = validate;
        self
    }

    /// The service.
    pub fn service(&self) -> &str {
        &self.service
    }

    /// The operation.
    pub fn operation(&self) -> &str {
        &self.operation
    }

    /// The arguments.
    pub fn arguments(&self) -> &Args {
        &self.args
    }

    /// Whether the body is validated.
    pub fn validates(&self) -> bool {
        self.validate
    }
}

/// A request built by the pipeline: its API, the routed method, path, query and body
/// (validated unless the call said not to), its URL, and whether it may be repeated after it
/// may have been processed. Sent by [`StaxClient::send`](crate::StaxClient::send).
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    api: Api,
    prepared: PreparedRequest,
    /// `service.Operation`.
    operation_id: String,
    url: String,
    /// Length of the URL before the path.
    root_len: usize,
    retryable: bool,
}

impl Request {
    /// The API the request goes to.
    pub fn api(&self) -> Api {
        self.api
    }

    /// The routed request: service, operation, method, path, query, body and the component
    /// the body was validated against.
    pub fn prepared(&self) -> &PreparedRequest {
        &self.prepared
    }

    /// The service, as the document names it (`accounts`).
    pub fn service(&self) -> &str {
        &self.prepared.service
    }

    /// The operation, as the document names it (`ReadAccounts`).
    pub fn operation(&self) -> &str {
        &self.prepared.operation
    }

    /// `service.Operation`.
    pub fn operation_id(&self) -> &str {
        &self.operation_id
    }

    /// The HTTP method.
    pub fn method(&self) -> http::Method {
        self.prepared.method.clone()
    }

    /// The path, percent-encoded, before the query.
    pub fn path(&self) -> &str {
        &self.prepared.path
    }

    /// The query, in order (a key repeated for each element of an array argument).
    pub fn query(&self) -> &[(String, String)] {
        &self.prepared.query
    }

    /// The JSON body, for methods that have one.
    pub fn body(&self) -> Option<&Value> {
        self.prepared.body.as_ref()
    }

    /// The full URL, query included.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// True when the request may be sent again after it may have been processed (its method
    /// is one of the retry policy's `retry_methods`: not POST by default).
    pub fn retryable(&self) -> bool {
        self.retryable
    }

    /// The same request with the query parameter `name` set to `value` (every earlier value
    /// of it replaced): paging moves through a list this way, routed once.
    ///
    /// ```
    /// use serde_json::json;
    /// use staxapp::pipeline::{build, Call};
    /// use staxapp::{Api, Config, Document, args};
    ///
    /// let doc = Document::from_value(json!({"paths": {
    ///     "/20190206/accounts": {"get": {"x-stax-sdk-operation-id": "accounts.ReadAccounts"}}}}))?;
    /// let config = Config::builder_without_env().endpoint("http://127.0.0.1:9").build()?;
    /// let call = Call::new("accounts", "ReadAccounts").args(args! {"offset" => 0, "filter" => "ACTIVE"});
    /// let first = build(&config, Api::CORE, &doc, call)?;
    /// let next = first.with_query("offset", "100");
    /// assert_eq!(next.url(), "http://127.0.0.1:9/20190206/accounts?offset=100&filter=ACTIVE");
    /// # Ok::<(), staxapp::Error>(())
    /// ```
    pub fn with_query(&self, name: &str, value: impl Into<String>) -> Request {
        let mut next = self.clone();
        let value = value.into();
        let query = &mut next.prepared.query;
        match query.iter().position(|(k, _)| k == name) {
            Some(first) => {
                query[first].1 = value;
                let mut i = first + 1;
                while i < query.len() {
                    if query[i].0 == name {
                        query.remove(i);
                    } else {
                        i += 1;
                    }
                }
            }
            None => query.push((name.to_owned(), value)),
        }
        next.url.truncate(next.root_len);
        next.url.push_str(&next.prepared.path_and_query());
        next
    }

    /// The request as CONTRACT.md's dry-run object: `{"method", "url", "path", "query",
    /// "body"}`, `query` with a key given more than once holding an array of its values.
    ///
    /// ```
    /// use serde_json::json;
    /// use staxapp::pipeline::{build, Call};
    /// use staxapp::{Api, Config, Document, args};
    ///
    /// let doc = Document::from_value(json!({"paths": {
    ///     "/20190206/accounts": {"get": {"x-stax-sdk-operation-id": "accounts.ReadAccounts"}}}}))?;
    /// let config = Config::builder_without_env().endpoint("http://127.0.0.1:9").build()?;
    /// let call = Call::new("accounts", "ReadAccounts").args(args! {"filter" => ["ACTIVE", "SUSPENDED"]});
    /// let shown = build(&config, Api::CORE, &doc, call)?.dry_run();
    /// assert_eq!(shown["query"], json!({"filter": ["ACTIVE", "SUSPENDED"]}));
    /// assert_eq!(shown["url"], "http://127.0.0.1:9/20190206/accounts?filter=ACTIVE&filter=SUSPENDED");
    /// # Ok::<(), staxapp::Error>(())
    /// ```
    pub fn dry_run(&self) -> Value {
        let mut query = Map::new();
        for (key, value) in &self.prepared.query {
            let value = Value::String(value.clone());
            match query.get_mut(key) {
                None => {
                    query.insert(key.clone(), value);
                }
                Some(Value::Array(values)) => values.push(value),
                Some(first) => {
                    let first = first.take();
                    query.insert(key.clone(), Value::Array(vec![first, value]));
                }
            }
        }
        json!({
            "method": self.prepared.method.as_str(),
            "url": self.url,
            "path": self.prepared.path,
            "query": query,
            "body": self.prepared.body.clone().unwrap_or(Value::Null),
        })
    }
}

impl Response {
    /// The body decoded into `T` (an empty body reads as JSON `null`); a non-2xx answer is an
    /// [`ApiError`](crate::ApiError) (the send step returns those as errors already).
    pub fn json<T: DeserializeOwned>(&self) -> Result<T> {
        transport::decode(self, None, crate::apis::ErrorShape::Text)
    }
}

/// The pure build step: `call` of `api` routed in `document`, validated unless the call says
/// not to, its URL from `config`. [`StaxClient::request`](crate::StaxClient::request) loads
/// the document and calls this.
pub fn build(config: &Config, api: Api, document: &Document, call: Call) -> Result<Request> {
    let operation = document.operation(&call.service, &call.operation)?;
    build_for(config, api, document, operation, call.args, call.validate)
}

/// [`build`] of an operation already looked up.
pub(crate) fn build_for(
    config: &Config,
    api: Api,
    document: &Document,
    operation: &Operation,
    args: Args,
    validate: bool,
) -> Result<Request> {
    let (named, whole_body) = args.into_parts()?;
    let prepared = document.prepare_operation(operation, named, whole_body, validate)?;
    let path_and_query = prepared.path_and_query();
    let url = config.url_of(api, &path_and_query);
    let root_len = url.len() - path_and_query.len();
    let retryable = config.api_retry().retries_method(prepared.method.as_str());
    Ok(Request {
        api,
        operation_id: format!("{}.{}", prepared.service, prepared.operation),
        prepared,
        url,
        root_len,
        retryable,
    })
}
