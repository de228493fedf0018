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

use serde_json::Value;

use crate::apis::Api;
use crate::args::Args;
use crate::config::Config;
use crate::error::Result;
use crate::interceptor::{Interceptor, Interceptors};
use crate::pipeline::{self, Call, Request, Response};
use crate::schema::{Document, Operation};
use crate::session::Session;
use crate::transport;

/// A Stax API client: cheap to clone; clones (and every client made from an equal
/// [`Config`]) share one [`Session`]. Interceptors added with
/// [`with_interceptor`](Self::with_interceptor) belong to the client (and its clones).
#[derive(Clone)]
pub struct StaxClient {
    session: Session,
    interceptors: Interceptors,
}

impl fmt::Debug for StaxClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StaxClient")
            .field("session", &self.session)
            .field("interceptors", &self.interceptors)
            .finish()
    }
}

/// An operation found in its API's document ([`StaxClient::resolve`]): what `describe`
/// shows and what argument conversion needs to know.
#[derive(Debug, Clone)]
pub struct Resolved {
    api: Api,
    document: Arc<Document>,
    operation: Operation,
}

impl Resolved {
    /// The API the operation belongs to.
    pub fn api(&self) -> Api {
        self.api
    }

    /// Its API's document.
    pub fn document(&self) -> &Arc<Document> {
        &self.document
    }

    /// The operation, with its path variants and parameters.
    pub fn operation(&self) -> &Operation {
        &self.operation
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
        Ok(StaxClient::with_session(Session::shared(&config)?))
    }

    /// A client configured from the environment ([`Config::from_env`]).
    pub fn from_env() -> Result<StaxClient> {
        StaxClient::new(Config::from_env()?)
    }

    /// A client over an existing session.
    pub fn with_session(session: Session) -> StaxClient {
        StaxClient {
            session,
            interceptors: Interceptors::default(),
        }
    }

    /// This client with `interceptor` called after those it has, for every request it sends
    /// ([`interceptor`](crate::interceptor)). Other clients of the session do not see it.
    pub fn with_interceptor(&self, interceptor: impl Interceptor + 'static) -> StaxClient {
        StaxClient {
            session: self.session.clone(),
            interceptors: self.interceptors.with(Arc::new(interceptor)),
        }
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

    /// The document that holds `service`: its API's ([`Config::api_for`]).
    pub async fn document_for(&self, service: &str) -> Result<Arc<Document>> {
        self.document_of(self.config().api_for(service)).await
    }

    /// Every service of every API, sorted: the core document's services (loading it) and
    /// the one service of each other API (without loading its document).
    pub async fn services(&self) -> Result<Vec<String>> {
        let core = self.document().await?;
        let mut names: Vec<String> = core.services().into_iter().map(str::to_owned).collect();
        names.extend(
            self.config()
                .apis()
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

    /// Finds `service`'s `operation` in its API's document (loading it): unknown names are
    /// [`ValidationError`](crate::ValidationError)s listing the valid ones.
    pub async fn resolve(&self, service: &str, operation: &str) -> Result<Resolved> {
        let api = self.config().api_for(service);
        let document = self.document_of(api).await?;
        let operation = document.operation(service, operation)?.clone();
        Ok(Resolved {
            api,
            document,
            operation,
        })
    }

    /// The pipeline's first step: `call` routed, validated (unless it says not to), with its
    /// URL, API and retry-ability ([`pipeline`]). Needs no credentials; sends nothing.
    pub async fn request(&self, call: Call) -> Result<Request> {
        let api = self.config().api_for(call.service());
        let document = self.document_of(api).await?;
        pipeline::build(self.config(), api, &document, call)
    }

    /// [`request`](Self::request) of `service.operation` with `args`, validated: what
    /// [`call`](Self::call) would send (the CLI's `--dry-run` prints it).
    pub async fn prepare(
        &self,
        service: &str,
        operation: &str,
        args: impl Into<Args>,
    ) -> Result<Request> {
        self.request(Call::new(service, operation).args(args)).await
    }

    /// The pipeline's second step: signs and sends `request` (interceptors, timeouts,
    /// retries, the retry quota); a non-2xx answer is an [`ApiError`](crate::ApiError) with
    /// the server's words and request id.
    pub async fn send(&self, request: &Request) -> Result<Response> {
        let response = self.session.send(request, &self.interceptors).await?;
        if response.is_success() {
            return Ok(response);
        }
        Err(transport::api_error(
            &response,
            Some(request.operation_id()),
            request.api().errors(),
        ))
    }

    /// Both steps: [`request`](Self::request) then [`send`](Self::send).
    pub async fn invoke(&self, call: Call) -> Result<Response> {
        let request = self.request(call).await?;
        self.send(&request).await
    }

    /// Calls `service.operation` with `args` and returns the decoded JSON answer. The service
    /// `permission-sets` calls the Permission Sets API; any other, the core API.
    ///
    /// Unknown names and missing path parameters are [`ValidationError`](crate::ValidationError)s,
    /// non-2xx answers [`ApiError`](crate::ApiError)s with the server's words.
    pub async fn call(
        &self,
        service: &str,
        operation: &str,
        args: impl Into<Args>,
    ) -> Result<Value> {
        let request = self.prepare(service, operation, args).await?;
        self.send_for_value(&request).await
    }

    /// [`send`](Self::send), then the answer's JSON.
    pub async fn send_for_value(&self, request: &Request) -> Result<Value> {
        let response = self.send(request).await?;
        transport::decode(
            &response,
            Some(request.operation_id()),
            request.api().errors(),
        )
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
    pub async fn prepare(&self, operation: &str, args: impl Into<Args>) -> Result<Request> {
        self.client.prepare(&self.name, operation, args).await
    }
}
