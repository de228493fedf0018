//! The state shared by every client of one [`Config`], wired together: the HTTP connection
//! pool, the documents ([`documents`](crate::documents)), the credentials (a chain of
//! providers behind the single-flight cache: memory, the store, sign-in), the retry quota
//! ([`quota`](crate::quota)) and the session's interceptors (PARITY.md B2, A8).
//!
//! [`Session::shared`] returns the one session of a configuration (equal configurations share
//! one), so two clients made from one `Config` sign in once and reuse each other's
//! connections. [`Session::new`] makes a private one.
//!
//! ```
//! use staxapp::{Config, Session};
//!
//! let config = Config::builder().endpoint("http://127.0.0.1:9").build()?;
//! let a = Session::shared(&config)?;
//! let b = Session::shared(&config)?;
//! assert!(a.same_as(&b));
//! assert!(!a.same_as(&Session::new(config)?));
//! # Ok::<(), staxapp::Error>(())
//! ```

use std::fmt;
use std::sync::{Arc, Mutex, OnceLock, Weak};

use crate::apis::Api;
use crate::auth::chain::CredentialChain;
use crate::auth::store::{CredentialStore, Persisted};
use crate::auth::{self, ApiAuth, CredentialCache, Credentials};
use crate::config::Config;
use crate::documents::Documents;
use crate::error::{Error, Result};
use crate::interceptor::{Interceptor, Interceptors, RequestKind};
use crate::pipeline::Request;
use crate::quota::RetryQuota;
use crate::schema::Document;
use crate::send::{self, Link, Outgoing, Signer};
use crate::transport::{self, Response};

struct Inner {
    config: Config,
    http: reqwest::Client,
    documents: Documents,
    credentials: CredentialChain,
    store: Option<Arc<dyn CredentialStore>>,
    quota: Option<RetryQuota>,
    /// Called for every request the session sends.
    interceptors: Interceptors,
}

/// Shared state of all clients of one configuration. Cheap to clone.
#[derive(Clone)]
pub struct Session {
    inner: Arc<Inner>,
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let loaded: Vec<&str> = self
            .inner
            .config
            .apis()
            .filter(|api| self.inner.documents.loaded(*api))
            .map(Api::name)
            .collect();
        f.debug_struct("Session")
            .field("base_url", &self.inner.config.base_url())
            .field("credentials", self.inner.credentials.cache())
            .field("documents_loaded", &loaded)
            .field(
                "retry_quota",
                &self.inner.quota.as_ref().map(RetryQuota::available),
            )
            .finish()
    }
}

/// Live sessions by configuration.
type Registry = Mutex<Vec<(Config, Weak<Inner>)>>;

fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(Default::default)
}

/// Builds a session of its own: a credential store, documents given instead of loaded,
/// interceptors that see every request it sends.
///
/// ```
/// use std::sync::Arc;
/// use staxapp::{Api, Config, Document, Session};
///
/// let document = Arc::new(Document::from_value(serde_json::json!({"paths": {}}))?);
/// let config = Config::builder().endpoint("http://127.0.0.1:9").build()?;
/// let session = Session::builder(config).document(Api::CORE, document).build()?;
/// # let _ = session;
/// # Ok::<(), staxapp::Error>(())
/// ```
pub struct SessionBuilder {
    config: Config,
    store: Option<Arc<dyn CredentialStore>>,
    documents: Vec<(Api, Arc<Document>)>,
    interceptors: Interceptors,
}

impl SessionBuilder {
    /// Keeps temporary credentials in `store` between processes: the session reads it before
    /// signing in and writes each sign-in's credentials to it
    /// ([`auth::store`]).
    pub fn credential_store(mut self, store: Arc<dyn CredentialStore>) -> Self {
        self.store = Some(store);
        self
    }

    /// Uses `document` for `api` instead of loading one: to share one parsed document between
    /// sessions of one installation that must not share credentials.
    pub fn document(mut self, api: Api, document: Arc<Document>) -> Self {
        self.documents.push((api, document));
        self
    }

    /// Calls `interceptor`, after those added before, for every request the session sends:
    /// every client's API calls, the documents, the public configuration and the Cognito
    /// calls ([`interceptor`](crate::interceptor)).
    pub fn interceptor(mut self, interceptor: impl Interceptor + 'static) -> Self {
        self.interceptors = self.interceptors.with(Arc::new(interceptor));
        self
    }

    /// The session.
    pub fn build(self) -> Result<Session> {
        let config = self.config;
        let http = transport::http_client(&config)?;
        let persisted = self
            .store
            .clone()
            .and_then(|store| Persisted::for_config(&config, store));
        let documents = Documents::new(&config);
        for (api, document) in self.documents {
            documents.preset(api, document);
        }
        Ok(Session {
            inner: Arc::new(Inner {
                credentials: CredentialChain::new(&config, &http, persisted, &self.interceptors),
                quota: config.retry_quota().then(RetryQuota::new),
                documents,
                store: self.store,
                interceptors: self.interceptors,
                config,
                http,
            }),
        })
    }
}

impl Session {
    /// A builder of a session of its own for `config`.
    pub fn builder(config: Config) -> SessionBuilder {
        SessionBuilder {
            config,
            store: None,
            documents: Vec::new(),
            interceptors: Interceptors::default(),
        }
    }

    /// A new session of its own for `config` (nothing shared with other sessions).
    pub fn new(config: Config) -> Result<Session> {
        Session::builder(config).build()
    }

    /// A new session of its own for `config` that keeps temporary credentials in `store`
    /// between processes ([`SessionBuilder::credential_store`]). `stax` does this with a
    /// [`FileCredentialStore`](crate::auth::store::FileCredentialStore).
    ///
    /// ```
    /// use std::sync::Arc;
    /// use staxapp::{Config, Session, StaxClient};
    /// use staxapp::auth::store::FileCredentialStore;
    ///
    /// let config = Config::builder_without_env().access_key("AK").secret_key("SK").build()?;
    /// let store = FileCredentialStore::in_default_dir().expect("a home directory");
    /// let client = StaxClient::with_session(Session::with_credential_store(config, Arc::new(store))?);
    /// assert!(client.session().credential_store().is_some());
    /// # Ok::<(), staxapp::Error>(())
    /// ```
    pub fn with_credential_store(
        config: Config,
        store: Arc<dyn CredentialStore>,
    ) -> Result<Session> {
        Session::builder(config).credential_store(store).build()
    }

    /// A new session of its own for `config` that uses `document` as the core API's instead
    /// of loading one ([`SessionBuilder::document`]).
    ///
    /// ```
    /// use std::sync::Arc;
    /// use staxapp::{Config, Document, Session};
    ///
    /// let document = Arc::new(Document::from_value(serde_json::json!({"paths": {}}))?);
    /// let config = Config::builder().endpoint("http://127.0.0.1:9").build()?;
    /// let session = Session::with_document(config, document.clone())?;
    /// # let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
    /// assert!(Arc::ptr_eq(&rt.block_on(session.document())?, &document));
    /// # Ok::<(), staxapp::Error>(())
    /// ```
    pub fn with_document(config: Config, document: Arc<Document>) -> Result<Session> {
        Session::builder(config)
            .document(Api::CORE, document)
            .build()
    }

    /// The session of `config`: the same one for every equal configuration while any client
    /// of it is alive.
    pub fn shared(config: &Config) -> Result<Session> {
        let mut sessions = registry().lock().unwrap_or_else(|e| e.into_inner());
        sessions.retain(|(_, weak)| weak.strong_count() > 0);
        if let Some(inner) = sessions
            .iter()
            .find(|(c, _)| c == config)
            .and_then(|(_, weak)| weak.upgrade())
        {
            return Ok(Session { inner });
        }
        let session = Session::new(config.clone())?;
        sessions.push((config.clone(), Arc::downgrade(&session.inner)));
        Ok(session)
    }

    /// True when both handles are the same session.
    pub fn same_as(&self, other: &Session) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The HTTP client (its pool is shared by every clone of this session).
    pub fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }

    /// The in-memory credential cache (the first provider of the chain).
    pub fn credential_cache(&self) -> &CredentialCache {
        self.inner.credentials.cache()
    }

    /// The store that keeps credentials between processes, if any.
    pub fn credential_store(&self) -> Option<&Arc<dyn CredentialStore>> {
        self.inner.store.as_ref()
    }

    /// The retry quota shared by the clients of this session (`None` when turned off).
    pub fn retry_quota(&self) -> Option<&RetryQuota> {
        self.inner.quota.as_ref()
    }

    /// The installation's `ApiAuth` (fetched once per base URL for the process).
    pub async fn api_auth(&self) -> Result<Arc<ApiAuth>> {
        self.inner.credentials.api_auth().await
    }

    /// Fresh credentials: cached in memory, else from the credential store, else from one
    /// sign-in shared by all concurrent callers (and written to the store).
    pub async fn credentials(&self) -> Result<Arc<Credentials>> {
        self.inner.credentials.credentials().await
    }

    /// The core API's OpenAPI document (loaded once; see
    /// [`SchemaSource`](crate::SchemaSource)).
    pub async fn document(&self) -> Result<Arc<Document>> {
        self.document_of(Api::CORE).await
    }

    /// The OpenAPI document of `api` (loaded once per session, when first needed; see
    /// [`Config::schema_of`] and [`documents`](crate::documents)).
    pub async fn document_of(&self, api: Api) -> Result<Arc<Document>> {
        let link = self.link(&self.inner.interceptors, false);
        self.inner.documents.get(api, link, self.config()).await
    }

    /// How the session sends: its HTTP client, the API retry policy and limits, the quota
    /// when `quota`, and `interceptors`.
    fn link<'a>(&'a self, interceptors: &'a Interceptors, quota: bool) -> Link<'a> {
        let config = self.config();
        Link {
            quota: if quota {
                self.inner.quota.as_ref()
            } else {
                None
            },
            interceptors,
            ..Link::new(&self.inner.http, config, config.api_retry())
        }
    }

    /// Signs and sends a request built by the pipeline, seen by the session's interceptors
    /// then `interceptors`; the final answer whatever its status (PARITY.md O7, O8).
    pub(crate) async fn send(
        &self,
        request: &Request,
        interceptors: &Interceptors,
    ) -> Result<Response> {
        let operation = request.operation_id();
        let body = request
            .body()
            .map(serde_json::to_vec)
            .transpose()
            .map_err(|e| Error::Transport {
                message: format!("could not encode the body of {operation}: {e}"),
                source: None,
            })?;
        // Refuse early, before any network, when the token is incomplete.
        auth::api_token(self.config())?;
        let merged;
        let interceptors = if interceptors.is_empty() {
            &self.inner.interceptors
        } else if self.inner.interceptors.is_empty() {
            interceptors
        } else {
            merged = self.inner.interceptors.then(interceptors);
            &merged
        };
        let api = request.api();
        let outgoing = Outgoing {
            method: request.method(),
            url: request.url(),
            headers: Vec::new(),
            body,
            content_type: "application/json",
            operation,
            kind: RequestKind::Api(api),
            idempotent: request.retryable(),
            classify_first: None,
        };
        let signer = ChainSigner {
            chain: &self.inner.credentials,
            host: self.config().host_of(api),
            last: Mutex::new(None),
        };
        send::send(self.link(interceptors, true), &outgoing, &signer).await
    }
}

/// Signs each attempt with the chain's current credentials.
struct ChainSigner<'a> {
    chain: &'a CredentialChain,
    /// The `host[:port]` the request goes to (each API has its own), signed as `Host`.
    host: &'a str,
    /// The credentials of the last attempt, to drop them when the server calls them expired.
    last: Mutex<Option<Arc<Credentials>>>,
}

impl Signer for ChainSigner<'_> {
    async fn sign(&self, request: &mut http::Request<Vec<u8>>) -> Result<()> {
        // Credentials first: when they come from the store, so does the public config.
        let creds = self.chain.credentials().await?;
        let api_auth = self.chain.api_auth().await?;
        crate::sign::sign(
            request,
            &creds,
            &api_auth.region,
            self.host,
            std::time::SystemTime::now(),
        )?;
        *self.last.lock().unwrap_or_else(|e| e.into_inner()) = Some(creds);
        Ok(())
    }

    fn refreshable(&self) -> bool {
        true
    }

    fn expired(&self) {
        if let Some(creds) = self.last.lock().unwrap_or_else(|e| e.into_inner()).take() {
            self.chain.refused(&creds);
        }
    }
}
