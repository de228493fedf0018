//! The state shared by every client of one [`Config`]: the HTTP connection pool, the
//! installation's public configuration, the OpenAPI document and the credential cache
//! (PARITY.md B2, A8).
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
use std::time::SystemTime;

use http::Method;
use serde_json::Value;
use tracing::Instrument as _;

use crate::apis::Api;
use crate::auth::store::{CredentialStore, Persisted, StoredCredentials};
use crate::auth::{self, ApiAuth, CredentialCache, Credentials, SignIn};
use crate::cache::{CacheEntry, DEFAULT_TTL, DocumentCache};
use crate::config::{Config, SchemaSource};
use crate::error::{Error, Result};
use crate::schema::Document;
use crate::transport::{self, Outgoing, RawResponse};

struct Inner {
    config: Config,
    http: reqwest::Client,
    credentials: CredentialCache,
    api_auth: tokio::sync::OnceCell<Arc<ApiAuth>>,
    sign_in: tokio::sync::OnceCell<SignIn>,
    /// The core API's document.
    document: tokio::sync::OnceCell<Arc<Document>>,
    /// The Permission Sets API's document.
    permission_sets_document: tokio::sync::OnceCell<Arc<Document>>,
    /// Where credentials are kept between processes, if anywhere.
    persisted: Option<Persisted>,
}

/// Shared state of all clients of one configuration. Cheap to clone.
#[derive(Clone)]
pub struct Session {
    inner: Arc<Inner>,
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("base_url", &self.inner.config.base_url())
            .field("credentials", &self.inner.credentials)
            .field("document_loaded", &self.inner.document.initialized())
            .field(
                "permission_sets_document_loaded",
                &self.inner.permission_sets_document.initialized(),
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

impl Session {
    /// A new session of its own for `config` (nothing shared with other sessions).
    pub fn new(config: Config) -> Result<Session> {
        Session::build(config, None)
    }

    /// A new session of its own for `config` that keeps temporary credentials in `store`
    /// between processes: it reads the store before signing in and writes each sign-in's
    /// credentials to it ([`auth::store`](crate::auth::store)). `stax` does this with a
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
        Session::build(config, Some(store))
    }

    fn build(config: Config, store: Option<Arc<dyn CredentialStore>>) -> Result<Session> {
        let http = transport::http_client(&config)?;
        Ok(Session {
            inner: Arc::new(Inner {
                credentials: CredentialCache::new(config.auth_retry().token_expiry_threshold),
                persisted: store.and_then(|store| Persisted::for_config(&config, store)),
                config,
                http,
                api_auth: Default::default(),
                sign_in: Default::default(),
                document: Default::default(),
                permission_sets_document: Default::default(),
            }),
        })
    }

    /// A new session of its own for `config` that uses `document` instead of loading one: to
    /// share one parsed document between sessions of one installation that must not share
    /// credentials (different tokens, or a sign-in of their own).
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
        let session = Session::new(config)?;
        // A new cell: set cannot fail.
        let _ = session.inner.document.set(document);
        Ok(session)
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

    /// The credential cache.
    pub fn credential_cache(&self) -> &CredentialCache {
        &self.inner.credentials
    }

    /// The store that keeps credentials between processes, if any.
    pub fn credential_store(&self) -> Option<&Arc<dyn CredentialStore>> {
        self.inner.persisted.as_ref().map(Persisted::store)
    }

    /// The installation's `ApiAuth` (fetched once).
    pub async fn api_auth(&self) -> Result<Arc<ApiAuth>> {
        self.inner
            .api_auth
            .get_or_try_init(|| auth::fetch_public_config(&self.inner.http, self.config()))
            .await
            .cloned()
    }

    async fn sign_in(&self) -> Result<&SignIn> {
        self.inner
            .sign_in
            .get_or_try_init(|| async {
                let api_auth = self.api_auth().await?;
                Ok(SignIn::new(self.config(), &self.inner.http, &api_auth))
            })
            .await
    }

    /// Fresh credentials: cached in memory, else from the credential store, else from one
    /// sign-in shared by all concurrent callers (and written to the store).
    pub async fn credentials(&self) -> Result<Arc<Credentials>> {
        let now = SystemTime::now();
        if let Some(creds) = self.inner.credentials.cached(now) {
            return Ok(creds);
        }
        self.inner
            .credentials
            .get(now, || async {
                let (access_key, secret_key) = auth::api_token(self.config())?;
                let persisted = self.inner.persisted.as_ref();
                if let Some(persisted) = persisted
                    && let Some(entry) = persisted.load_fresh(now).await
                {
                    if let Some(api_auth) = entry.api_auth {
                        // The installation's public config, kept with the credentials: no
                        // request for it either. Ignored when already known.
                        let _ = self.inner.api_auth.set(Arc::new(api_auth));
                    }
                    return Ok(entry.credentials);
                }
                let sign_in = self.sign_in().await?;
                tracing::debug!(base_url = self.config().base_url(), "signing in");
                let credentials = sign_in.sign_in(access_key, secret_key).await?;
                if let Some(persisted) = persisted {
                    let entry = StoredCredentials::new(
                        credentials.clone(),
                        Some(sign_in.api_auth().clone()),
                    );
                    persisted.save(&entry, SystemTime::now()).await;
                }
                Ok(credentials)
            })
            .await
    }

    /// The core API's OpenAPI document (loaded once; see [`SchemaSource`]).
    pub async fn document(&self) -> Result<Arc<Document>> {
        self.document_of(Api::Core).await
    }

    /// The OpenAPI document of `api` (loaded once per session, when first needed; see
    /// [`Config::schema_of`]), read by [`Api::layout`].
    pub async fn document_of(&self, api: Api) -> Result<Arc<Document>> {
        let cell = match api {
            Api::Core => &self.inner.document,
            Api::PermissionSets => &self.inner.permission_sets_document,
        };
        cell.get_or_try_init(|| async { self.load_document(api).await.map(Arc::new) })
            .await
            .cloned()
    }

    async fn load_document(&self, api: Api) -> Result<Document> {
        match self.config().schema_of(api) {
            SchemaSource::File(path) => Document::from_file_with(path, &api.layout()),
            SchemaSource::Live => self.load_live_document(api).await,
        }
    }

    /// The live document of `api` through the on-disk cache (fresh for [`DEFAULT_TTL`], then
    /// revalidated; a stale copy is used when the server cannot be reached).
    async fn load_live_document(&self, api: Api) -> Result<Document> {
        let layout = api.layout();
        let parse = |bytes: &[u8]| Document::from_slice_with(bytes, &layout);
        let offline = match api {
            Api::Core => "set STAX_SCHEMA to a local OAS3 file to work offline",
            Api::PermissionSets => {
                "set STAX_PERMISSION_SETS_SCHEMA to a local OAS3 file to work offline"
            }
        };
        let base_url = self.config().base_url_of(api);
        let url = format!("{base_url}{}", api.document_path());
        let cache = self
            .config()
            .cache_dir()
            .map(|dir| DocumentCache::new(&dir, base_url));
        let mut entry = cache.as_ref().and_then(DocumentCache::load);
        if let Some(e) = &entry
            && e.is_fresh(SystemTime::now(), DEFAULT_TTL)
        {
            match parse(e.body()) {
                Ok(doc) => return Ok(doc),
                Err(err) => {
                    tracing::debug!(error = %err, "cached document unusable; fetching it again");
                    entry = None;
                }
            }
        }
        let headers = entry
            .as_ref()
            .map(CacheEntry::revalidation_headers)
            .unwrap_or_default();
        let fetched = self
            .execute(
                Outgoing {
                    method: Method::GET,
                    url: url.clone(),
                    headers,
                    body: None,
                    content_type: "application/json",
                    operation: match api {
                        Api::Core => "public/oas3-document",
                        Api::PermissionSets => "permission-sets.GetAPIDocument",
                    },
                    idempotent: true,
                },
                None,
            )
            .await;
        let (response, entry) = match (fetched, entry) {
            (Ok(r), entry) => (r, entry),
            (Err(e), Some(stale)) => {
                tracing::warn!(error = %e, "could not revalidate the cached document; using it as is");
                return parse(stale.body());
            }
            // The fix for an untrusted certificate is not STAX_SCHEMA.
            (Err(e @ Error::Certificate { .. }), None) => return Err(e),
            (Err(e), None) => {
                return Err(Error::Schema(format!(
                    "could not fetch {url}: {e}; {offline}"
                )));
            }
        };
        let now = SystemTime::now();
        let (entry, document) = match (response.status, entry) {
            (304, Some(cached)) => {
                let doc = parse(cached.body());
                (cached.revalidated(now), doc)
            }
            (200..=299, _) => {
                let header = |name: http::header::HeaderName| {
                    response
                        .headers
                        .get(name)
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_owned)
                };
                let entry = CacheEntry::new(
                    response.body.to_vec(),
                    header(http::header::ETAG),
                    header(http::header::LAST_MODIFIED),
                    now,
                );
                let doc = parse(&response.body);
                (entry, doc)
            }
            (status, _) => {
                return Err(Error::Schema(format!(
                    "GET {url} answered {status}: {}; {offline}",
                    transport::preview(&response.body)
                )));
            }
        };
        let document = document?;
        if let Some(cache) = &cache
            && let Err(e) = cache.store(&entry)
        {
            tracing::debug!(error = %e, "could not write the document cache");
        }
        Ok(document)
    }

    /// The URL of a path and query that starts with `/20190206`: the base URL without its
    /// version segment, then `path_and_query`.
    pub fn url_for(&self, path_and_query: &str) -> String {
        self.url_for_api(Api::Core, path_and_query)
    }

    /// The URL of a path and query of `api` (a full path, starting with the API's version
    /// segment): the API's base URL without its version segment, then `path_and_query`.
    ///
    /// ```
    /// use staxapp::{Api, Config, Session};
    ///
    /// let session = Session::new(Config::builder_without_env().region("au1").build()?)?;
    /// assert_eq!(
    ///     session.url_for_api(Api::PermissionSets, "/20210321/permission-sets"),
    ///     "https://api.idam.au1.staxapp.cloud/20210321/permission-sets"
    /// );
    /// # Ok::<(), staxapp::Error>(())
    /// ```
    pub fn url_for_api(&self, api: Api, path_and_query: &str) -> String {
        let base = self.config().base_url_of(api);
        let root = base
            .strip_suffix(api.version())
            .and_then(|b| b.strip_suffix('/'))
            .unwrap_or(base);
        let mut url = String::with_capacity(root.len() + path_and_query.len());
        url.push_str(root);
        url.push_str(path_and_query);
        url
    }

    /// Sends a signed request to `api` and decodes its answer (PARITY.md O7, O8).
    pub(crate) async fn call_api(
        &self,
        api: Api,
        method: Method,
        path_and_query: &str,
        body: Option<&Value>,
        operation: &str,
    ) -> Result<Value> {
        let body = body
            .map(serde_json::to_vec)
            .transpose()
            .map_err(|e| Error::Transport {
                message: format!("could not encode the body of {operation}: {e}"),
                source: None,
            })?;
        let response = self
            .execute(
                Outgoing {
                    idempotent: self.config().api_retry().retries_method(method.as_str()),
                    method,
                    url: self.url_for_api(api, path_and_query),
                    headers: Vec::new(),
                    body,
                    content_type: "application/json",
                    operation,
                },
                Some(api),
            )
            .await?;
        transport::decode(response.status, &response.body, Some(operation))
    }

    /// Sends a request through the one send loop ([`transport`]): signed with the session's
    /// credentials for the host of `signed_for` when given, retried by the API retry settings.
    /// Returns the final answer whatever its status.
    pub(crate) async fn execute(
        &self,
        request: Outgoing<'_>,
        signed_for: Option<Api>,
    ) -> Result<RawResponse> {
        let span = transport::request_span(request.operation, &request.method);
        async {
            let policy = self.config().api_retry();
            let Some(api) = signed_for else {
                return transport::send(&self.inner.http, policy, &request, &transport::Unsigned)
                    .await;
            };
            // Refuse early, before any network, when the token is incomplete.
            auth::api_token(self.config())?;
            let signer = SessionSigner {
                session: self,
                host: self.config().host_of(api),
                last: Mutex::new(None),
            };
            transport::send(&self.inner.http, policy, &request, &signer).await
        }
        .instrument(span)
        .await
    }
}

/// Signs each attempt with the session's current credentials.
struct SessionSigner<'a> {
    session: &'a Session,
    /// The `host[:port]` the request goes to (each API has its own), signed as `Host`.
    host: &'a str,
    /// The credentials of the last attempt, to drop them when the server calls them expired.
    last: Mutex<Option<Arc<Credentials>>>,
}

impl transport::Signer for SessionSigner<'_> {
    async fn sign(&self, request: &mut http::Request<Vec<u8>>) -> Result<()> {
        // Credentials first: when they come from the store, so does the public config.
        let creds = self.session.credentials().await?;
        let api_auth = self.session.api_auth().await?;
        crate::sign::sign(
            request,
            &creds,
            &api_auth.region,
            self.host,
            SystemTime::now(),
        )?;
        *self.last.lock().unwrap_or_else(|e| e.into_inner()) = Some(creds);
        Ok(())
    }

    fn refreshable(&self) -> bool {
        true
    }

    fn expired(&self) {
        if let Some(creds) = self.last.lock().unwrap_or_else(|e| e.into_inner()).take()
            && self.session.inner.credentials.invalidate(&creds)
            && let Some(persisted) = &self.session.inner.persisted
        {
            // The stored entry holds these credentials too (or older ones): drop it.
            persisted.refused();
        }
    }
}
