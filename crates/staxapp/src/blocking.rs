//! A blocking API with the same names as the async one (PARITY.md B1), for scripts and
//! programs without an async runtime. Enable the `blocking` feature.
//!
//! Each client runs the async client on a private single-threaded tokio runtime; nothing is
//! implemented twice. Do not call it from inside an async runtime (use the async client there).
//!
//! ```no_run
//! use staxapp::args;
//! use staxapp::blocking::StaxClient;
//!
//! let client = StaxClient::from_env()?;
//! let accounts = client.call("accounts", "ReadAccounts", args! {"filter" => "ACTIVE"})?;
//! for account in client.items("accounts", "ReadAccounts", args! {}, 100, None) {
//!     println!("{}", account?["Name"]);
//! }
//! # Ok::<(), staxapp::Error>(())
//! ```

use std::fmt;
use std::sync::Arc;

use futures::StreamExt;
use serde_json::Value;

use crate::apis::Api;
use crate::args::Args;
use crate::assignments::{AssignmentGoal, AssignmentWaitOptions};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::interceptor::Interceptor;
use crate::paging::{PageOptions, Paged};
use crate::pipeline::{Call, Request, Response};
use crate::schema::Document;
use crate::session::Session;
use crate::tasks::WaitOptions;

/// The blocking twin of [`crate::StaxClient`]. Cheap to clone; clones share the runtime and
/// the session.
#[derive(Clone)]
pub struct StaxClient {
    inner: crate::client::StaxClient,
    runtime: Arc<tokio::runtime::Runtime>,
}

impl fmt::Debug for StaxClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("blocking::StaxClient")
            .field("inner", &self.inner)
            .finish()
    }
}

impl StaxClient {
    /// A client for `config`, with its own runtime and session.
    ///
    /// ```
    /// use staxapp::Config;
    /// use staxapp::blocking::StaxClient;
    ///
    /// let client = StaxClient::new(Config::builder().region("eu1").build()?)?;
    /// assert_eq!(client.config().installation(), "eu1.staxapp.cloud");
    /// # Ok::<(), staxapp::Error>(())
    /// ```
    pub fn new(config: Config) -> Result<StaxClient> {
        StaxClient::over(Session::new(config)?)
    }

    /// A client for `config` that keeps temporary credentials in `store` between processes
    /// (see [`Session::with_credential_store`]).
    pub fn with_credential_store(
        config: Config,
        store: Arc<dyn crate::auth::store::CredentialStore>,
    ) -> Result<StaxClient> {
        StaxClient::over(Session::with_credential_store(config, store)?)
    }

    /// A client over a new session of its own: the session's connection pool lives on this
    /// client's runtime, so it is private to it.
    fn over(session: Session) -> Result<StaxClient> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Error::transport("could not start the blocking client's runtime", e))?;
        Ok(StaxClient {
            inner: crate::client::StaxClient::with_session(session),
            runtime: Arc::new(runtime),
        })
    }

    /// A client configured from the environment.
    pub fn from_env() -> Result<StaxClient> {
        StaxClient::new(Config::from_env()?)
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        self.inner.config()
    }

    /// The async client this one drives.
    pub fn as_async(&self) -> &crate::client::StaxClient {
        &self.inner
    }

    /// The runtime this client's calls run on (the typed API's blocking calls run there too).
    pub(crate) fn runtime(&self) -> Arc<tokio::runtime::Runtime> {
        self.runtime.clone()
    }

    /// See [`crate::StaxClient::document`].
    pub fn document(&self) -> Result<Arc<Document>> {
        self.runtime.block_on(self.inner.document())
    }

    /// See [`crate::StaxClient::document_of`].
    pub fn document_of(&self, api: Api) -> Result<Arc<Document>> {
        self.runtime.block_on(self.inner.document_of(api))
    }

    /// See [`crate::StaxClient::services`].
    pub fn services(&self) -> Result<Vec<String>> {
        self.runtime.block_on(self.inner.services())
    }

    /// See [`crate::StaxClient::service`].
    pub fn service(&self, name: impl Into<String>) -> Service {
        Service {
            client: self.clone(),
            name: name.into(),
        }
    }

    /// See [`crate::StaxClient::with_interceptor`].
    pub fn with_interceptor(&self, interceptor: impl Interceptor + 'static) -> StaxClient {
        StaxClient {
            inner: self.inner.with_interceptor(interceptor),
            runtime: self.runtime.clone(),
        }
    }

    /// See [`crate::StaxClient::request`].
    pub fn request(&self, call: Call) -> Result<Request> {
        self.runtime.block_on(self.inner.request(call))
    }

    /// See [`crate::StaxClient::prepare`].
    pub fn prepare(
        &self,
        service: &str,
        operation: &str,
        args: impl Into<Args>,
    ) -> Result<Request> {
        self.runtime
            .block_on(self.inner.prepare(service, operation, args))
    }

    /// See [`crate::StaxClient::send`].
    pub fn send(&self, request: &Request) -> Result<Response> {
        self.runtime.block_on(self.inner.send(request))
    }

    /// See [`crate::StaxClient::invoke`].
    pub fn invoke(&self, call: Call) -> Result<Response> {
        self.runtime.block_on(self.inner.invoke(call))
    }

    /// See [`crate::StaxClient::call`].
    pub fn call(&self, service: &str, operation: &str, args: impl Into<Args>) -> Result<Value> {
        self.runtime
            .block_on(self.inner.call(service, operation, args))
    }

    /// See [`crate::StaxClient::wait_for_task`].
    pub fn wait_for_task(&self, task_id: &str, options: WaitOptions) -> Result<Value> {
        self.runtime
            .block_on(self.inner.wait_for_task(task_id, options))
    }

    /// See [`crate::StaxClient::wait_for_response`].
    pub fn wait_for_response(&self, response: &Value, options: WaitOptions) -> Result<Value> {
        self.runtime
            .block_on(self.inner.wait_for_response(response, options))
    }

    /// See [`crate::StaxClient::wait_for_assignment`].
    pub fn wait_for_assignment(
        &self,
        permission_set_id: &str,
        assignment_id: &str,
        goal: AssignmentGoal,
        options: AssignmentWaitOptions,
    ) -> Result<Value> {
        self.runtime.block_on(self.inner.wait_for_assignment(
            permission_set_id,
            assignment_id,
            goal,
            options,
        ))
    }

    /// See [`crate::StaxClient::wait_for_assignments`].
    pub fn wait_for_assignments(
        &self,
        response: &Value,
        options: AssignmentWaitOptions,
    ) -> Result<Vec<Value>> {
        self.runtime
            .block_on(self.inner.wait_for_assignments(response, options))
    }

    /// See [`crate::StaxClient::pages`]: an iterator of pages.
    pub fn pages(
        &self,
        service: &str,
        operation: &str,
        args: impl Into<Args>,
        options: impl Into<PageOptions>,
    ) -> BlockingIter {
        BlockingIter {
            runtime: self.runtime.clone(),
            stream: self.inner.pages(service, operation, args, options),
        }
    }

    /// See [`crate::StaxClient::items`]: an iterator of items across pages.
    pub fn items(
        &self,
        service: &str,
        operation: &str,
        args: impl Into<Args>,
        options: impl Into<PageOptions>,
        list_key: Option<&str>,
    ) -> BlockingIter {
        BlockingIter {
            runtime: self.runtime.clone(),
            stream: self
                .inner
                .items(service, operation, args, options, list_key),
        }
    }
}

/// One service of a blocking client.
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
    pub fn call(&self, operation: &str, args: impl Into<Args>) -> Result<Value> {
        self.client.call(&self.name, operation, args)
    }

    /// Routes and validates one of the service's operations without sending it.
    pub fn prepare(&self, operation: &str, args: impl Into<Args>) -> Result<Request> {
        self.client.prepare(&self.name, operation, args)
    }
}

/// An iterator over a paging stream, driven on the client's runtime.
pub struct BlockingIter {
    runtime: Arc<tokio::runtime::Runtime>,
    stream: Paged,
}

impl BlockingIter {
    /// Where to resume after the last page or item given ([`Paged::next_token`]).
    pub fn next_token(&self) -> Option<&str> {
        self.stream.next_token()
    }
}

impl fmt::Debug for BlockingIter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BlockingIter")
    }
}

impl Iterator for BlockingIter {
    type Item = Result<Value>;

    fn next(&mut self) -> Option<Self::Item> {
        self.runtime.block_on(self.stream.next())
    }
}
