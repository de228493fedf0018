//! Configuration: which installation, which API token, how to retry.
//!
//! A [`Config`] is an immutable value. [`Config::builder`] starts from the environment (as the
//! Python SDK does) and lets code set any value on top; [`Config::builder_without_env`]
//! starts from the defaults alone. A client keeps the snapshot it was created with, so one
//! process can talk to several installations with several tokens at once (PARITY.md C3).
//!
//! ```
//! use std::time::Duration;
//! use staxapp::Config;
//!
//! let config = Config::builder()
//!     .region("us1")
//!     .access_key("my-access-key")
//!     .secret_key("my-secret-key")
//!     .api_max_attempts(3) // retries after the first request, as in staxapp
//!     .token_expiry_threshold(Duration::from_secs(120))
//!     .build()?;
//! assert_eq!(config.base_url(), "https://api.us1.staxapp.cloud/20190206");
//! assert!(!format!("{config:?}").contains("my-secret-key"));
//! # Ok::<(), staxapp::Error>(())
//! ```

use std::collections::BTreeSet;
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::apis::Api;
use crate::error::{ConfigError, Result};

/// The API version every path of the core Stax API starts with.
pub const API_VERSION: &str = Api::CORE.version();

/// The API version every path of the Permission Sets API starts with.
pub const PERMISSION_SETS_API_VERSION: &str = Api::PERMISSION_SETS.version();

/// The environment variable of the attempt timeout ([`ConfigBuilder::attempt_timeout`]), in
/// seconds.
pub const ATTEMPT_TIMEOUT_ENV: &str = "STAX_ATTEMPT_TIMEOUT";

/// The environment variable of the operation timeout ([`ConfigBuilder::operation_timeout`]),
/// in seconds.
pub const OPERATION_TIMEOUT_ENV: &str = "STAX_OPERATION_TIMEOUT";

/// The installation used when none is configured.
pub const DEFAULT_INSTALLATION: &str = "au1.staxapp.cloud";

/// A string that never shows itself in `Debug` or `Display` output.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Arc<str>);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(Arc::from(value.into()))
    }

    /// The secret itself. Call only where it is really needed (signing, sign-in).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret::new(value)
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret::new(value)
    }
}

/// Where an API's OpenAPI document comes from (PARITY.md O1).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum SchemaSource {
    /// The API's own public document operation (`<base>/public/oas3-document` for the core
    /// API, `<base>/public/api-document` for the Permission Sets API), cached on disk and
    /// revalidated. One that cannot be fetched or read is an [`Error::Schema`](crate::Error::Schema).
    #[default]
    Live,
    /// A local OAS3 JSON file. One that cannot be read (missing, a device or a pipe, over
    /// 32 MiB) or is not a document is a configuration error,
    /// [`ConfigError::Document`].
    File(PathBuf),
}

/// Retry settings for Stax API calls (PARITY.md C4), with staxapp's names and meanings.
///
/// `max_attempts` means what it means in staxapp, which hands it to urllib3 as
/// `Retry(total=N)`: the number of **retries after the first request**, so the default 5
/// makes up to 6 requests and 0 makes one. The first retry goes at once, later ones after
/// `backoff_factor * 2^(n-1)` seconds (urllib3's formula), capped by `max_backoff`.
///
/// What is retried (docs/library.md's retry table compares it with staxapp):
/// - a status of `status_codes` (429, 500, 502, 503, 504) for a method of `retry_methods`
///   (GET, PUT, DELETE, OPTIONS), and a connection that broke after the request was sent
///   (read timeout, reset): these requests may have been processed, so POST is not retried;
/// - a request refused before it was processed (429, connection refused, connect timeout,
///   DNS failure) whatever its method, POST included (`retry_refused_any_method`);
/// - never: TLS certificate failures and 4xx answers other than 429 (a 403 "security token
///   ... expired" refreshes the credentials once instead).
///
/// ```
/// use std::time::Duration;
/// use staxapp::ApiRetryConfig;
///
/// let retry = ApiRetryConfig { jitter: false, ..ApiRetryConfig::default() };
/// assert_eq!(retry.max_attempts, 5); // up to 6 requests, as staxapp
/// let delays: Vec<Duration> = (1..=5).map(|n| retry.backoff(n)).collect();
/// assert_eq!(delays, [0, 2, 4, 8, 16].map(Duration::from_secs));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ApiRetryConfig {
    /// Retries after the first request (staxapp's `max_attempts`, urllib3's `total`).
    /// Default 5: up to 6 requests. 0: no retries.
    pub max_attempts: u32,
    /// Exponential backoff factor in seconds: retry 1 goes at once, retry `n` (from 2) waits
    /// `backoff_factor * 2^(n-1)`, capped by `max_backoff`. Default 1.0 (0, 2, 4, 8, 16 s).
    pub backoff_factor: f64,
    /// The longest single delay, `Retry-After` included. Default 20 s.
    pub max_backoff: Duration,
    /// Random jitter: each delay is drawn from its upper half. Default true.
    pub jitter: bool,
    /// Statuses that are retried. Default 429, 500, 502, 503, 504 (staxapp: the same without
    /// 503).
    pub status_codes: BTreeSet<u16>,
    /// Methods retried after an answer or a failure that may follow processing (upper case).
    /// Default GET, PUT, DELETE, OPTIONS: not POST.
    pub retry_methods: BTreeSet<String>,
    /// Honour a `Retry-After` header (seconds or HTTP date), capped by `max_backoff`. Default true.
    pub respect_retry_after: bool,
    /// Retry a request the server refused before processing it (429, or a throttling error
    /// code) whatever its method, POST included. Default true; false keeps staxapp's rule
    /// (only `retry_methods`). Connection failures before sending are always retried, for
    /// every method, as staxapp does.
    pub retry_refused_any_method: bool,
}

impl Default for ApiRetryConfig {
    fn default() -> Self {
        ApiRetryConfig {
            max_attempts: 5,
            backoff_factor: 1.0,
            max_backoff: Duration::from_secs(20),
            jitter: true,
            status_codes: [429, 500, 502, 503, 504].into_iter().collect(),
            retry_methods: ["GET", "PUT", "DELETE", "OPTIONS"]
                .into_iter()
                .map(str::to_owned)
                .collect(),
            respect_retry_after: true,
            retry_refused_any_method: true,
        }
    }
}

impl ApiRetryConfig {
    /// No retries at all (`max_attempts` 0: one request).
    pub fn disabled() -> Self {
        ApiRetryConfig {
            max_attempts: 0,
            ..ApiRetryConfig::default()
        }
    }

    /// The delay before retry number `retry` (1 for the first retry), without jitter:
    /// 0 for the first, `backoff_factor * 2^(retry-1)` after, capped by `max_backoff`
    /// (urllib3's `Retry.get_backoff_time`).
    pub fn backoff(&self, retry: u32) -> Duration {
        if retry <= 1 {
            return Duration::ZERO;
        }
        let exponent = (retry - 1).min(30) as i32;
        let seconds = self.backoff_factor * 2f64.powi(exponent);
        if !seconds.is_finite() || seconds <= 0.0 {
            return Duration::ZERO;
        }
        Duration::from_secs_f64(seconds.min(self.max_backoff.as_secs_f64()))
    }

    /// True when `method` is one of [`retry_methods`](Self::retry_methods).
    pub fn retries_method(&self, method: &str) -> bool {
        self.retry_methods
            .iter()
            .any(|m| m.eq_ignore_ascii_case(method))
    }
}

/// Retry and refresh settings for signing in (PARITY.md C5).
#[derive(Debug, Clone, PartialEq)]
pub struct AuthRetryConfig {
    /// Retries after the first request of each Cognito call (boto3's `max_attempts`, which
    /// staxapp sets), classified and spaced as API calls are; also the number of times the
    /// identity pool is asked while it cannot verify a fresh token (PARITY.md A6). Default 5.
    pub max_attempts: u32,
    /// Credentials are refreshed this long before they expire. Default 1 minute, or
    /// `TOKEN_EXPIRY_THRESHOLD_IN_MINS` (deprecated) when set.
    pub token_expiry_threshold: Duration,
}

impl Default for AuthRetryConfig {
    fn default() -> Self {
        AuthRetryConfig {
            max_attempts: 5,
            token_expiry_threshold: Duration::from_secs(60),
        }
    }
}

/// What a configuration holds for one API: where it lives and where its document comes from.
#[derive(Clone, PartialEq)]
struct ApiSettings {
    api: Api,
    /// e.g. `https://api.au1.staxapp.cloud/20190206` (no trailing slash).
    base_url: String,
    /// `host[:port]` of the base URL, as sent in the `Host` header and signed.
    host: String,
    schema: SchemaSource,
}

impl fmt::Debug for ApiSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiSettings")
            .field("api", &self.api.name())
            .field("base_url", &self.base_url)
            .field("schema", &self.schema)
            .finish()
    }
}

#[derive(Clone, PartialEq)]
struct Inner {
    installation: String,
    /// One entry per API, the built-in ones first (core first of all).
    apis: Vec<ApiSettings>,
    access_key: Option<String>,
    secret_key: Option<Secret>,
    cognito_idp_endpoint: Option<String>,
    cognito_identity_endpoint: Option<String>,
    ca_bundle: Option<PathBuf>,
    api_retry: ApiRetryConfig,
    auth_retry: AuthRetryConfig,
    timeout: Duration,
    connect_timeout: Duration,
    attempt_timeout: Option<Duration>,
    operation_timeout: Option<Duration>,
    retry_quota: bool,
    cache_dir: Option<PathBuf>,
}

/// An immutable configuration: cheap to clone, safe to share between threads.
#[derive(Clone, PartialEq)]
pub struct Config {
    inner: Arc<Inner>,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        f.debug_struct("Config")
            .field("installation", &i.installation)
            .field("apis", &i.apis)
            .field("access_key", &i.access_key)
            .field("secret_key", &i.secret_key.as_ref().map(|_| "<redacted>"))
            .field("cognito_idp_endpoint", &i.cognito_idp_endpoint)
            .field("cognito_identity_endpoint", &i.cognito_identity_endpoint)
            .field("ca_bundle", &i.ca_bundle)
            .field("api_retry", &i.api_retry)
            .field("auth_retry", &i.auth_retry)
            .field("timeout", &i.timeout)
            .field("attempt_timeout", &i.attempt_timeout)
            .field("operation_timeout", &i.operation_timeout)
            .field("retry_quota", &i.retry_quota)
            .finish()
    }
}

impl Default for Config {
    /// The defaults alone, no environment read: au1, no keys (see
    /// [`Config::builder_without_env`]).
    fn default() -> Self {
        ConfigBuilder::default()
            .build()
            .expect("the default configuration is valid")
    }
}

impl Config {
    /// A builder that starts from the environment (what [`Config::from_env`] reads), so code
    /// that sets some values (say, the keys) keeps the others (`STAX_REGION`,
    /// `AWS_ENDPOINT_URL`, ...) as the Python SDK does. Values set on the builder win over the
    /// environment; a malformed environment value is reported by
    /// [`build`](ConfigBuilder::build) unless a setter replaced it.
    ///
    /// ```
    /// use staxapp::Config;
    ///
    /// let config = Config::builder()
    ///     .access_key("my-access-key")
    ///     .secret_key("my-secret-key")
    ///     .build()?;
    /// assert_eq!(config.access_key(), Some("my-access-key"));
    /// # Ok::<(), staxapp::Error>(())
    /// ```
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder::from_lookup(|name| std::env::var(name).ok())
    }

    /// A builder with the defaults only: nothing is read from the environment (au1, no keys,
    /// live document, staxapp's retry settings). For programs that configure everything
    /// themselves.
    ///
    /// ```
    /// use staxapp::Config;
    ///
    /// let config = Config::builder_without_env().region("eu1").build()?;
    /// assert_eq!(config.base_url(), "https://api.eu1.staxapp.cloud/20190206");
    /// assert_eq!(config.access_key(), None);
    /// # Ok::<(), staxapp::Error>(())
    /// ```
    pub fn builder_without_env() -> ConfigBuilder {
        ConfigBuilder::default()
    }

    /// Reads the environment variables of CONTRACT.md: `STAX_REGION`, `STAX_ENDPOINT`,
    /// `STAX_ACCESS_KEY`, `STAX_SECRET_KEY`, `STAX_SCHEMA`, `STAX_PERMISSION_SETS_SCHEMA`,
    /// `AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER`, `AWS_ENDPOINT_URL_COGNITO_IDENTITY`,
    /// `SSL_CERT_FILE` / `AWS_CA_BUNDLE`, `TOKEN_EXPIRY_THRESHOLD_IN_MINS`,
    /// `STAX_ATTEMPT_TIMEOUT` and `STAX_OPERATION_TIMEOUT`. The same as
    /// `Config::builder().build()`.
    pub fn from_env() -> Result<Config> {
        Config::builder().build()
    }

    /// A builder starting from this configuration, to derive a variant of it.
    pub fn to_builder(&self) -> ConfigBuilder {
        let i = &*self.inner;
        ConfigBuilder {
            region: Some(i.installation.clone()),
            endpoint: None,
            apis: i.apis.iter().map(|a| a.api).collect(),
            base_urls: i.apis.iter().map(|a| (a.api, a.base_url.clone())).collect(),
            access_key: i.access_key.clone(),
            secret_key: i.secret_key.clone(),
            schemas: i.apis.iter().map(|a| (a.api, a.schema.clone())).collect(),
            cognito_idp_endpoint: i.cognito_idp_endpoint.clone(),
            cognito_identity_endpoint: i.cognito_identity_endpoint.clone(),
            ca_bundle: i.ca_bundle.clone(),
            api_retry: i.api_retry.clone(),
            auth_retry: i.auth_retry.clone(),
            timeout: i.timeout,
            connect_timeout: i.connect_timeout,
            attempt_timeout: i.attempt_timeout,
            operation_timeout: i.operation_timeout,
            retry_quota: i.retry_quota,
            cache_dir: i.cache_dir.clone(),
            env_errors: Vec::new(),
            lookup: None,
        }
    }

    /// The installation domain, e.g. `au1.staxapp.cloud`.
    pub fn installation(&self) -> &str {
        &self.inner.installation
    }

    /// The core API's base URL, e.g. `https://api.au1.staxapp.cloud/20190206` (no trailing
    /// slash).
    pub fn base_url(&self) -> &str {
        self.base_url_of(Api::CORE)
    }

    /// The `host[:port]` of the core API, as sent in the `Host` header and signed.
    pub fn api_host(&self) -> &str {
        self.host_of(Api::CORE)
    }

    /// The APIs of this configuration: the built-in ones ([`Api::BUILT_IN`]), then those
    /// added with [`ConfigBuilder::api`].
    pub fn apis(&self) -> impl Iterator<Item = Api> + '_ {
        self.inner.apis.iter().map(|a| a.api)
    }

    /// The API `service` belongs to ([`Api::find`] among [`apis`](Self::apis)):
    /// `permission-sets` is the Permission Sets API, an added API's service is that API,
    /// every other name the core API's.
    ///
    /// ```
    /// use staxapp::{Api, Config};
    ///
    /// let config = Config::default();
    /// assert_eq!(config.api_for("accounts"), Api::CORE);
    /// assert_eq!(config.api_for("PermissionSets"), Api::PERMISSION_SETS);
    /// ```
    pub fn api_for(&self, service: &str) -> Api {
        let apis = &self.inner.apis;
        apis.iter()
            .find(|a| a.api.owns_service(service))
            .or_else(|| apis.iter().find(|a| a.api.service().is_none()))
            .map_or(Api::CORE, |a| a.api)
    }

    fn settings(&self, api: Api) -> &ApiSettings {
        let apis = &self.inner.apis;
        // The core API is always there; an API the config does not know reads as the core
        // API (a caller's mistake, never a panic).
        apis.iter().find(|a| a.api == api).unwrap_or(&apis[0])
    }

    /// The base URL of `api`, e.g. `https://api.idam.eu1.staxapp.cloud/20210321`; with an
    /// endpoint override, that endpoint followed by `/<version>`.
    ///
    /// ```
    /// use staxapp::{Api, Config};
    ///
    /// let config = Config::builder_without_env().region("eu1").build()?;
    /// assert_eq!(config.base_url_of(Api::PERMISSION_SETS), "https://api.idam.eu1.staxapp.cloud/20210321");
    /// let local = Config::builder_without_env().endpoint("http://127.0.0.1:8080").build()?;
    /// assert_eq!(local.base_url_of(Api::PERMISSION_SETS), "http://127.0.0.1:8080/20210321");
    /// assert_eq!(local.base_url(), "http://127.0.0.1:8080/20190206");
    /// # Ok::<(), staxapp::Error>(())
    /// ```
    pub fn base_url_of(&self, api: Api) -> &str {
        &self.settings(api).base_url
    }

    /// The `host[:port]` of `api`, as sent in the `Host` header and signed.
    pub fn host_of(&self, api: Api) -> &str {
        &self.settings(api).host
    }

    /// Where the document of `api` comes from (its [`ApiSpec::schema_env`](crate::apis::ApiSpec::schema_env)).
    pub fn schema_of(&self, api: Api) -> &SchemaSource {
        &self.settings(api).schema
    }

    /// The URL of a path and query of `api` (a full path, starting with the API's version
    /// segment): the API's base URL without its version segment, then `path_and_query`.
    ///
    /// ```
    /// use staxapp::{Api, Config};
    ///
    /// let config = Config::builder_without_env().region("au1").build()?;
    /// assert_eq!(
    ///     config.url_of(Api::PERMISSION_SETS, "/20210321/permission-sets"),
    ///     "https://api.idam.au1.staxapp.cloud/20210321/permission-sets"
    /// );
    /// # Ok::<(), staxapp::Error>(())
    /// ```
    pub fn url_of(&self, api: Api, path_and_query: &str) -> String {
        let base = self.base_url_of(api);
        let root = base
            .strip_suffix(api.version())
            .and_then(|b| b.strip_suffix('/'))
            .unwrap_or(base);
        let mut url = String::with_capacity(root.len() + path_and_query.len());
        url.push_str(root);
        url.push_str(path_and_query);
        url
    }

    /// The access key of the API token, if configured.
    pub fn access_key(&self) -> Option<&str> {
        self.inner.access_key.as_deref()
    }

    /// The secret key of the API token, if configured.
    pub fn secret_key(&self) -> Option<&Secret> {
        self.inner.secret_key.as_ref()
    }

    /// Where the core API's OpenAPI document comes from.
    pub fn schema(&self) -> &SchemaSource {
        self.schema_of(Api::CORE)
    }

    /// The Cognito user pool endpoint, when overridden (else `https://cognito-idp.<region>.amazonaws.com`).
    pub fn cognito_idp_endpoint(&self) -> Option<&str> {
        self.inner.cognito_idp_endpoint.as_deref()
    }

    /// The Cognito identity pool endpoint, when overridden (else `https://cognito-identity.<region>.amazonaws.com`).
    pub fn cognito_identity_endpoint(&self) -> Option<&str> {
        self.inner.cognito_identity_endpoint.as_deref()
    }

    /// A PEM file of extra certificates to trust.
    pub fn ca_bundle(&self) -> Option<&std::path::Path> {
        self.inner.ca_bundle.as_deref()
    }

    /// Retry settings for API calls.
    pub fn api_retry(&self) -> &ApiRetryConfig {
        &self.inner.api_retry
    }

    /// Retry and refresh settings for signing in.
    pub fn auth_retry(&self) -> &AuthRetryConfig {
        &self.inner.auth_retry
    }

    /// The retry policy of the sign-in calls: the API's classification, delays and cap,
    /// with [`AuthRetryConfig::max_attempts`] retries.
    pub fn sign_in_retry(&self) -> ApiRetryConfig {
        ApiRetryConfig {
            max_attempts: self.inner.auth_retry.max_attempts,
            ..self.inner.api_retry.clone()
        }
    }

    /// Timeout of one HTTP request.
    pub fn timeout(&self) -> Duration {
        self.inner.timeout
    }

    /// Timeout for establishing a connection.
    pub fn connect_timeout(&self) -> Duration {
        self.inner.connect_timeout
    }

    /// The longest one attempt of a request may take, answer read included
    /// (`STAX_ATTEMPT_TIMEOUT`); an attempt that takes longer is dropped and counts as a read
    /// timeout: retried only where the request may be repeated. `None`: only the HTTP
    /// client's [`timeout`](Self::timeout).
    pub fn attempt_timeout(&self) -> Option<Duration> {
        self.inner.attempt_timeout
    }

    /// The longest a whole call may take, sign-in, retries and their delays included
    /// (`STAX_OPERATION_TIMEOUT`); past it the call ends with
    /// [`Error::Timeout`](crate::Error::Timeout). `None`: no limit.
    pub fn operation_timeout(&self) -> Option<Duration> {
        self.inner.operation_timeout
    }

    /// Whether the retry quota is on (AWS standard mode's token bucket, shared by the
    /// clients of a session: see [`RetryQuota`](crate::RetryQuota)). Default on.
    pub fn retry_quota(&self) -> bool {
        self.inner.retry_quota
    }

    /// Where the document cache lives (default: the user's cache dir, `staxapp/`).
    pub fn cache_dir(&self) -> Option<PathBuf> {
        self.inner
            .cache_dir
            .clone()
            .or_else(|| dirs::cache_dir().map(|d| d.join("staxapp")))
    }

    /// The User-Agent sent with every request (PARITY.md C7): the SDK's version, the version
    /// of the rustc that compiled it (not the minimum supported one) and the OS.
    ///
    /// ```
    /// let agent = staxapp::Config::user_agent();
    /// assert!(agent.starts_with("staxapp-rs/"), "{agent}");
    /// assert!(agent.contains(" rust/1."), "{agent}");
    /// ```
    pub fn user_agent() -> String {
        format!(
            "staxapp-rs/{} rust/{} os/{}",
            env!("CARGO_PKG_VERSION"),
            env!("STAXAPP_RUSTC_VERSION"),
            std::env::consts::OS
        )
    }
}

/// The short installation names and their domains.
pub const INSTALLATIONS: [&str; 3] = ["au1", "us1", "eu1"];

/// Checks and expands an installation: `au1`, `us1`, `eu1` (any case) become
/// `<name>.staxapp.cloud`; a DNS name such as `au1.staxapp.cloud` passes through (lower
/// case, no trailing dot); anything else is [`ConfigError::InvalidInstallation`].
///
/// ```
/// use staxapp::config::expand_installation;
///
/// assert_eq!(expand_installation("US1").unwrap(), "us1.staxapp.cloud");
/// assert_eq!(expand_installation("stax.example.com.").unwrap(), "stax.example.com");
/// for bad in ["mars1", "../../x", "api/x", "", "127.0.0.1", "a..b"] {
///     assert!(expand_installation(bad).is_err(), "{bad}");
/// }
/// ```
pub fn expand_installation(region: &str) -> std::result::Result<String, ConfigError> {
    let name = region.trim().trim_end_matches('.').to_ascii_lowercase();
    if INSTALLATIONS.contains(&name.as_str()) {
        return Ok(format!("{name}.staxapp.cloud"));
    }
    if is_dns_name(&name) {
        return Ok(name);
    }
    Err(ConfigError::InvalidInstallation {
        given: region.to_owned(),
    })
}

/// At least two labels of letters, digits and inner hyphens (1-63 characters each, 253 in
/// all), the last not all digits (no IP addresses).
fn is_dns_name(name: &str) -> bool {
    let labels: Vec<&str> = name.split('.').collect();
    name.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(|l| {
            (1..=63).contains(&l.len())
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
        && labels
            .last()
            .is_some_and(|l| !l.bytes().all(|b| b.is_ascii_digit()))
}

/// Builds a [`Config`]. Start from the environment with [`Config::builder`] or from the
/// defaults alone with [`Config::builder_without_env`] (also `ConfigBuilder::default()`).
/// Every setter takes plain values and sets one thing; [`ConfigBuilder::build`] checks them.
///
/// ```
/// use std::time::Duration;
/// use staxapp::Config;
///
/// let config = Config::builder_without_env()
///     .region("au1")
///     .api_max_attempts(3) // up to 4 requests, as staxapp's max_attempts = 3
///     .api_backoff_factor(0.5)
///     .token_expiry_threshold(Duration::from_secs(300))
///     .build()?;
/// assert_eq!(config.api_retry().max_attempts, 3);
/// assert_eq!(config.auth_retry().max_attempts, 5); // untouched
/// # Ok::<(), staxapp::Error>(())
/// ```
#[derive(Clone)]
pub struct ConfigBuilder {
    region: Option<String>,
    endpoint: Option<String>,
    /// The APIs, built-in ones first.
    apis: Vec<Api>,
    /// Base URLs carried over by [`Config::to_builder`], until a region or endpoint replaces
    /// them.
    base_urls: Vec<(Api, String)>,
    access_key: Option<String>,
    secret_key: Option<Secret>,
    /// Document sources that are not `live`.
    schemas: Vec<(Api, SchemaSource)>,
    cognito_idp_endpoint: Option<String>,
    cognito_identity_endpoint: Option<String>,
    ca_bundle: Option<PathBuf>,
    api_retry: ApiRetryConfig,
    auth_retry: AuthRetryConfig,
    timeout: Duration,
    connect_timeout: Duration,
    attempt_timeout: Option<Duration>,
    operation_timeout: Option<Duration>,
    retry_quota: bool,
    cache_dir: Option<PathBuf>,
    /// Malformed environment values by setting, reported by `build` unless a setter replaced
    /// them.
    env_errors: Vec<(&'static str, ConfigError)>,
    /// The environment the builder started from, to read the document variable of an API
    /// added later.
    lookup: Option<Lookup>,
}

/// Reads one environment variable.
type Lookup = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

impl Default for ConfigBuilder {
    fn default() -> Self {
        ConfigBuilder {
            region: None,
            endpoint: None,
            apis: Api::BUILT_IN.to_vec(),
            base_urls: Vec::new(),
            access_key: None,
            secret_key: None,
            schemas: Vec::new(),
            cognito_idp_endpoint: None,
            cognito_identity_endpoint: None,
            ca_bundle: None,
            api_retry: ApiRetryConfig::default(),
            auth_retry: AuthRetryConfig::default(),
            timeout: Duration::ZERO,
            connect_timeout: Duration::ZERO,
            attempt_timeout: None,
            operation_timeout: None,
            retry_quota: true,
            cache_dir: None,
            env_errors: Vec::new(),
            lookup: None,
        }
    }
}

impl fmt::Debug for ConfigBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConfigBuilder")
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .field("access_key", &self.access_key)
            .field(
                "secret_key",
                &self.secret_key.as_ref().map(|_| "<redacted>"),
            )
            .finish_non_exhaustive()
    }
}

impl ConfigBuilder {
    /// A builder preloaded from the environment, with any malformed value reported at once.
    /// [`Config::builder`] is the same, reporting at [`build`](Self::build).
    pub fn from_env() -> Result<ConfigBuilder> {
        let builder = Config::builder();
        match builder.env_errors.first() {
            Some((_, e)) => Err(e.clone().into()),
            None => Ok(builder),
        }
    }

    /// A builder from the variables `get` returns (`None` or blank: unset). Pure.
    fn from_lookup(get: impl Fn(&str) -> Option<String> + Send + Sync + 'static) -> ConfigBuilder {
        let get: Lookup = Arc::new(get);
        let var = |name: &str| {
            get(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let mut b = ConfigBuilder {
            lookup: Some(get.clone()),
            ..ConfigBuilder::default()
        };
        if let Some(region) = var("STAX_REGION") {
            b = b.region(region);
        }
        if let Some(endpoint) = var("STAX_ENDPOINT") {
            b = b.endpoint(endpoint);
        }
        b.access_key = var("STAX_ACCESS_KEY");
        b.secret_key = var("STAX_SECRET_KEY").map(Secret::new);
        for api in Api::BUILT_IN {
            if let Some(schema) = var(api.schema_env()) {
                b = b.schema_for(api, parse_schema_source(&schema));
            }
        }
        let any = var("AWS_ENDPOINT_URL");
        b.cognito_idp_endpoint =
            var("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER").or_else(|| any.clone());
        b.cognito_identity_endpoint = var("AWS_ENDPOINT_URL_COGNITO_IDENTITY").or(any);
        b.ca_bundle = var("SSL_CERT_FILE")
            .or_else(|| var("AWS_CA_BUNDLE"))
            .map(PathBuf::from);
        if let Some(minutes) = var("TOKEN_EXPIRY_THRESHOLD_IN_MINS") {
            match minutes.parse::<u64>() {
                Ok(minutes) => {
                    b.auth_retry.token_expiry_threshold =
                        Duration::from_secs(minutes.saturating_mul(60));
                }
                Err(_) => b.env_errors.push((
                    "token_expiry_threshold",
                    ConfigError::InvalidValue {
                        setting: "TOKEN_EXPIRY_THRESHOLD_IN_MINS".into(),
                        problem: format!("must be a whole number of minutes, got {minutes:?}"),
                    },
                )),
            }
        }
        for (env, setting) in [
            (ATTEMPT_TIMEOUT_ENV, "attempt_timeout"),
            (OPERATION_TIMEOUT_ENV, "operation_timeout"),
        ] {
            if let Some(text) = var(env) {
                match parse_seconds(env, &text) {
                    Ok(limit) if setting == "attempt_timeout" => b.attempt_timeout = Some(limit),
                    Ok(limit) => b.operation_timeout = Some(limit),
                    Err(e) => b.env_errors.push((setting, e)),
                }
            }
        }
        b
    }

    /// Adds an API of your own to the table ([`apis`](crate::apis)); its document comes from
    /// its [`schema_env`](crate::apis::ApiSpec::schema_env) variable when the builder started
    /// from the environment, else live. Adding an API already there changes nothing; a
    /// second API of the same service or version is refused by [`build`](Self::build).
    pub fn api(mut self, api: Api) -> Self {
        if self.apis.contains(&api) {
            return self;
        }
        self.apis.push(api);
        let from_env = self
            .lookup
            .as_ref()
            .and_then(|get| get(api.schema_env()))
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty());
        if let Some(schema) = from_env {
            self = self.schema_for(api, parse_schema_source(&schema));
        }
        self
    }

    /// Where `api`'s OpenAPI document comes from (its variable: `STAX_SCHEMA`,
    /// `STAX_PERMISSION_SETS_SCHEMA`, ...): live from `<base>` + its document path by
    /// default, or a file.
    pub fn schema_for(mut self, api: Api, schema: SchemaSource) -> Self {
        self.schemas.retain(|(a, _)| *a != api);
        if schema != SchemaSource::Live {
            self.schemas.push((api, schema));
        }
        self
    }

    /// Drops a malformed environment value of `setting`: a setter replaced it.
    fn replaced(mut self, setting: &str) -> Self {
        self.env_errors.retain(|(s, _)| *s != setting);
        self
    }

    /// The installation: `au1`, `us1`, `eu1` or a DNS name such as `au1.staxapp.cloud`.
    /// Replaces any endpoint set before (the last of `region` and `endpoint` wins).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self.endpoint = None;
        self.base_urls.clear();
        self
    }

    /// A full base override such as `http://127.0.0.1:8080`; `/20190206` is appended for the
    /// core API and `/20210321` for the Permission Sets API (both live under it, as in the
    /// emulator). Replaces the installation's base URLs (the last of `region` and `endpoint`
    /// wins).
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self.base_urls.clear();
        self
    }

    /// Points Stax and both Cognito services at one endpoint (the emulator serves all three).
    pub fn emulator_endpoint(self, endpoint: impl Into<String>) -> Self {
        let endpoint = endpoint.into();
        self.endpoint(endpoint.clone())
            .cognito_idp_endpoint(endpoint.clone())
            .cognito_identity_endpoint(endpoint)
    }

    /// The API token's access key.
    pub fn access_key(mut self, access_key: impl Into<String>) -> Self {
        self.access_key = Some(access_key.into());
        self
    }

    /// The API token's secret key.
    pub fn secret_key(mut self, secret_key: impl Into<Secret>) -> Self {
        self.secret_key = Some(secret_key.into());
        self
    }

    /// Where the core API's OpenAPI document comes from (`STAX_SCHEMA`).
    pub fn schema(self, schema: SchemaSource) -> Self {
        self.schema_for(Api::CORE, schema)
    }

    /// Overrides the Cognito user pool endpoint.
    pub fn cognito_idp_endpoint(mut self, url: impl Into<String>) -> Self {
        self.cognito_idp_endpoint = Some(url.into());
        self
    }

    /// Overrides the Cognito identity pool endpoint.
    pub fn cognito_identity_endpoint(mut self, url: impl Into<String>) -> Self {
        self.cognito_identity_endpoint = Some(url.into());
        self
    }

    /// Trusts the certificates of this PEM file too.
    pub fn ca_bundle(mut self, path: impl Into<PathBuf>) -> Self {
        self.ca_bundle = Some(path.into());
        self
    }

    /// Replaces all the API retry settings. To change one, use the `api_*` setters.
    pub fn api_retry(mut self, retry: ApiRetryConfig) -> Self {
        self.api_retry = retry;
        self
    }

    /// Retries after the first request of an API call (staxapp's `max_attempts`: 5 makes up
    /// to 6 requests; 0 turns retries off).
    pub fn api_max_attempts(mut self, retries: u32) -> Self {
        self.api_retry.max_attempts = retries;
        self
    }

    /// The exponential backoff factor in seconds (see [`ApiRetryConfig::backoff`]).
    pub fn api_backoff_factor(mut self, seconds: f64) -> Self {
        self.api_retry.backoff_factor = seconds;
        self
    }

    /// The longest delay between two attempts.
    pub fn api_max_backoff(mut self, delay: Duration) -> Self {
        self.api_retry.max_backoff = delay;
        self
    }

    /// Random jitter on the delays.
    pub fn api_jitter(mut self, jitter: bool) -> Self {
        self.api_retry.jitter = jitter;
        self
    }

    /// The statuses that are retried (staxapp's `status_codes`).
    pub fn api_status_codes(mut self, codes: impl IntoIterator<Item = u16>) -> Self {
        self.api_retry.status_codes = codes.into_iter().collect();
        self
    }

    /// The methods that are retried (staxapp's `retry_methods`).
    pub fn api_retry_methods<S: AsRef<str>>(
        mut self,
        methods: impl IntoIterator<Item = S>,
    ) -> Self {
        self.api_retry.retry_methods = methods
            .into_iter()
            .map(|m| m.as_ref().to_ascii_uppercase())
            .collect();
        self
    }

    /// Honour `Retry-After`.
    pub fn api_respect_retry_after(mut self, respect: bool) -> Self {
        self.api_retry.respect_retry_after = respect;
        self
    }

    /// Retry a request refused before it was processed (429) whatever its method.
    pub fn api_retry_refused_any_method(mut self, retry: bool) -> Self {
        self.api_retry.retry_refused_any_method = retry;
        self
    }

    /// Replaces all the sign-in settings, including a threshold read from
    /// `TOKEN_EXPIRY_THRESHOLD_IN_MINS`. To change one, use [`auth_max_attempts`](Self::auth_max_attempts)
    /// or [`token_expiry_threshold`](Self::token_expiry_threshold).
    pub fn auth_retry(mut self, retry: AuthRetryConfig) -> Self {
        self.auth_retry = retry;
        self.replaced("token_expiry_threshold")
    }

    /// Retries after the first request of each Cognito call (boto3's `max_attempts`).
    pub fn auth_max_attempts(mut self, retries: u32) -> Self {
        self.auth_retry.max_attempts = retries;
        self
    }

    /// Credentials are refreshed this long before they expire (default 1 minute).
    pub fn token_expiry_threshold(mut self, threshold: Duration) -> Self {
        self.auth_retry.token_expiry_threshold = threshold;
        self.replaced("token_expiry_threshold")
    }

    /// Timeout of one HTTP request (default 60 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Timeout for establishing a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The longest one attempt may take, answer read included (default: none beyond the
    /// HTTP [`timeout`](Self::timeout); `STAX_ATTEMPT_TIMEOUT` in seconds). An attempt cut
    /// short is classified as a read timeout: retried only where the request may be repeated.
    /// Zero turns it off.
    pub fn attempt_timeout(mut self, limit: Duration) -> Self {
        self.attempt_timeout = Some(limit).filter(|l| !l.is_zero());
        self.replaced("attempt_timeout")
    }

    /// The longest a whole call may take, sign-in, retries and their delays included
    /// (default: no limit; `STAX_OPERATION_TIMEOUT` in seconds). Zero turns it off.
    pub fn operation_timeout(mut self, limit: Duration) -> Self {
        self.operation_timeout = Some(limit).filter(|l| !l.is_zero());
        self.replaced("operation_timeout")
    }

    /// Turns the retry quota (AWS standard mode's token bucket, shared by the clients of a
    /// session) on or off. Default on.
    pub fn retry_quota(mut self, enabled: bool) -> Self {
        self.retry_quota = enabled;
        self
    }

    /// Where the document cache is kept.
    pub fn cache_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.cache_dir = Some(dir.into());
        self
    }

    /// Checks the settings and freezes them into a [`Config`]. Errors are
    /// [`Error::Config`](crate::Error::Config) with a typed [`ConfigError`] naming the setting
    /// and the valid forms.
    pub fn build(self) -> Result<Config> {
        if let Some((_, e)) = self.env_errors.into_iter().next() {
            return Err(e.into());
        }
        let installation =
            expand_installation(self.region.as_deref().unwrap_or(DEFAULT_INSTALLATION))?;
        for (i, api) in self.apis.iter().enumerate() {
            let clash = self.apis[..i].iter().find(|other| {
                other.version() == api.version()
                    || other.name() == api.name()
                    || api.service().is_some_and(|s| other.owns_service(s))
            });
            if let Some(other) = clash {
                return Err(ConfigError::InvalidValue {
                    setting: format!("api {}", api.name()),
                    problem: format!(
                        "shares its name, service or version with the {other}: each API needs its own"
                    ),
                }
                .into());
            }
        }
        let mut apis = Vec::with_capacity(self.apis.len());
        for &api in &self.apis {
            let given = self.base_urls.iter().find(|(a, _)| *a == api);
            let base_url = match (given, &self.endpoint) {
                (Some((_, base)), _) => base.trim_end_matches('/').to_owned(),
                (None, Some(endpoint)) => endpoint_base_url(endpoint, api, &self.apis)?,
                (None, None) => format!(
                    "https://{}{installation}/{}",
                    api.host_prefix(),
                    api.version()
                ),
            };
            let host = host_of_url(&format!("{api} base URL"), &base_url)?;
            let schema = self
                .schemas
                .iter()
                .find(|(a, _)| *a == api)
                .map_or(SchemaSource::Live, |(_, s)| s.clone());
            apis.push(ApiSettings {
                api,
                base_url,
                host,
                schema,
            });
        }
        for (name, value) in [
            (
                "Cognito user pool endpoint (AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER / AWS_ENDPOINT_URL)",
                &self.cognito_idp_endpoint,
            ),
            (
                "Cognito identity endpoint (AWS_ENDPOINT_URL_COGNITO_IDENTITY / AWS_ENDPOINT_URL)",
                &self.cognito_identity_endpoint,
            ),
        ] {
            if let Some(value) = value {
                check_http_url(name, value)?;
            }
        }
        if !(self.api_retry.backoff_factor >= 0.0 && self.api_retry.backoff_factor.is_finite()) {
            return Err(ConfigError::InvalidValue {
                setting: "backoff_factor".into(),
                problem: "must be a finite number of seconds, 0 or more".into(),
            }
            .into());
        }
        if let Some(path) = &self.ca_bundle
            && !path.is_file()
        {
            return Err(ConfigError::CaBundle {
                path: path.clone(),
                problem: "is not a file".into(),
            }
            .into());
        }
        let or_default = |d: Duration, default: u64| {
            if d.is_zero() {
                Duration::from_secs(default)
            } else {
                d
            }
        };
        Ok(Config {
            inner: Arc::new(Inner {
                installation,
                apis,
                access_key: self.access_key,
                secret_key: self.secret_key,
                cognito_idp_endpoint: self.cognito_idp_endpoint,
                cognito_identity_endpoint: self.cognito_identity_endpoint,
                ca_bundle: self.ca_bundle,
                api_retry: self.api_retry,
                auth_retry: self.auth_retry,
                timeout: or_default(self.timeout, 60),
                connect_timeout: or_default(self.connect_timeout, 10),
                attempt_timeout: self.attempt_timeout,
                operation_timeout: self.operation_timeout,
                retry_quota: self.retry_quota,
                cache_dir: self.cache_dir,
            }),
        })
    }
}

/// `STAX_SCHEMA`: `live` or a path.
pub fn parse_schema_source(value: &str) -> SchemaSource {
    if value.eq_ignore_ascii_case("live") {
        SchemaSource::Live
    } else {
        SchemaSource::File(PathBuf::from(value))
    }
}

fn check_http_url(name: &str, value: &str) -> std::result::Result<(), ConfigError> {
    match url::Url::parse(value) {
        // A base URL has no query and no fragment: paths would be appended after them.
        Ok(u) if u.query().is_some() || u.fragment().is_some() => Err(ConfigError::InvalidValue {
            setting: name.to_owned(),
            problem: format!(
                "{value:?} has a query string or a fragment; give the base URL alone, such as http://127.0.0.1:8080"
            ),
        }),
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => Ok(()),
        _ => Err(ConfigError::InvalidUrl {
            setting: name.to_owned(),
            given: value.to_owned(),
        }),
    }
}

/// Seconds (fractions allowed) of an environment variable: a positive, finite number.
fn parse_seconds(setting: &str, text: &str) -> std::result::Result<Duration, ConfigError> {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s > 0.0)
        .and_then(|s| Duration::try_from_secs_f64(s).ok())
        .ok_or_else(|| ConfigError::InvalidValue {
            setting: setting.to_owned(),
            problem: format!("must be a number of seconds above 0, such as 2.5, got {text:?}"),
        })
}

/// The base URL of `api` under an endpoint override: the endpoint without a trailing version
/// segment of any of `apis`, then `/<version of api>`.
fn endpoint_base_url(
    endpoint: &str,
    api: Api,
    apis: &[Api],
) -> std::result::Result<String, ConfigError> {
    check_http_url("endpoint (STAX_ENDPOINT / --endpoint)", endpoint)?;
    let mut root = endpoint.trim_end_matches('/');
    for other in apis {
        if let Some(stripped) = root.strip_suffix(&format!("/{}", other.version())) {
            root = stripped;
            break;
        }
    }
    Ok(format!("{root}/{}", api.version()))
}

/// The `host[:port]` of a base URL, as sent in the `Host` header and signed.
fn host_of_url(setting: &str, base_url: &str) -> std::result::Result<String, ConfigError> {
    let invalid = || ConfigError::InvalidUrl {
        setting: setting.to_owned(),
        given: base_url.to_owned(),
    };
    let parsed = url::Url::parse(base_url).map_err(|_| invalid())?;
    let host = parsed.host_str().ok_or_else(invalid)?;
    Ok(match parsed.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;
    use std::collections::HashMap;

    fn from_vars(vars: &[(&str, &str)]) -> ConfigBuilder {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        ConfigBuilder::from_lookup(move |name| vars.get(name).cloned())
    }

    #[test]
    fn short_region_names_expand() {
        for (given, base) in [
            ("au1", "https://api.au1.staxapp.cloud/20190206"),
            ("us1", "https://api.us1.staxapp.cloud/20190206"),
            ("EU1", "https://api.eu1.staxapp.cloud/20190206"),
            (
                "eu1.staxapp.cloud",
                "https://api.eu1.staxapp.cloud/20190206",
            ),
        ] {
            let c = Config::builder_without_env().region(given).build().unwrap();
            assert_eq!(c.base_url(), base);
        }
        assert_eq!(
            Config::default().base_url(),
            "https://api.au1.staxapp.cloud/20190206"
        );
    }

    #[test]
    fn installations_other_than_the_valid_forms_are_refused() {
        for bad in [
            "mars1",
            "../../x",
            "au1/../x",
            "a b.com",
            "-x.com",
            "x-.com",
            "1.2.3.4",
            "host:8080",
        ] {
            let err = Config::builder_without_env()
                .region(bad)
                .build()
                .unwrap_err();
            assert!(
                matches!(&err, Error::Config(ConfigError::InvalidInstallation { given }) if given == bad),
                "{bad}: {err}"
            );
            assert!(
                err.to_string().contains("au1, us1, eu1 or a DNS name"),
                "{err}"
            );
        }
        // Through the environment, as STAX_REGION.
        let err = from_vars(&[("STAX_REGION", "mars1")]).build().unwrap_err();
        assert!(err.to_string().contains("\"mars1\""), "{err}");
    }

    #[test]
    fn endpoint_override_keeps_port_for_signing() {
        let c = Config::builder_without_env()
            .endpoint("http://127.0.0.1:8080/")
            .build()
            .unwrap();
        assert_eq!(c.base_url(), "http://127.0.0.1:8080/20190206");
        assert_eq!(c.api_host(), "127.0.0.1:8080");
        let c = Config::builder_without_env()
            .endpoint("http://localhost:9/20190206")
            .build()
            .unwrap();
        assert_eq!(c.base_url(), "http://localhost:9/20190206");
    }

    #[test]
    fn endpoints_with_a_query_or_a_fragment_are_refused() {
        for bad in [
            "http://127.0.0.1:8080/?x=1",
            "http://127.0.0.1:8080?x=1",
            "http://127.0.0.1:8080/#frag",
            "http://127.0.0.1:8080/?",
        ] {
            let err = Config::builder_without_env()
                .endpoint(bad)
                .build()
                .unwrap_err();
            assert!(
                matches!(&err, Error::Config(ConfigError::InvalidValue { setting, .. }) if setting.contains("STAX_ENDPOINT")),
                "{bad}: {err}"
            );
            assert!(
                err.to_string().contains("query string or a fragment"),
                "{err}"
            );
            let err = Config::builder_without_env()
                .cognito_idp_endpoint(bad)
                .build()
                .unwrap_err();
            assert!(matches!(err, Error::Config(_)), "{bad}: {err}");
        }
    }

    #[test]
    fn the_permission_sets_api_lives_beside_the_core_api() {
        let c = Config::builder_without_env().region("us1").build().unwrap();
        assert_eq!(
            c.base_url_of(Api::PERMISSION_SETS),
            "https://api.idam.us1.staxapp.cloud/20210321"
        );
        assert_eq!(
            c.host_of(Api::PERMISSION_SETS),
            "api.idam.us1.staxapp.cloud"
        );
        assert_eq!(c.host_of(Api::CORE), "api.us1.staxapp.cloud");
        // Under an endpoint (the emulator) both live at their version prefix, whichever
        // version the endpoint was given with.
        for endpoint in [
            "http://127.0.0.1:8080",
            "http://127.0.0.1:8080/20190206/",
            "http://127.0.0.1:8080/20210321",
        ] {
            let c = Config::builder_without_env()
                .endpoint(endpoint)
                .build()
                .unwrap();
            assert_eq!(c.base_url(), "http://127.0.0.1:8080/20190206", "{endpoint}");
            assert_eq!(
                c.base_url_of(Api::PERMISSION_SETS),
                "http://127.0.0.1:8080/20210321",
                "{endpoint}"
            );
            assert_eq!(c.host_of(Api::PERMISSION_SETS), "127.0.0.1:8080");
        }
        // A derived config keeps both; a new region replaces both.
        let c = Config::builder_without_env()
            .endpoint("http://127.0.0.1:9")
            .build()
            .unwrap();
        let same = c.to_builder().build().unwrap();
        assert_eq!(same, c);
        let moved = c.to_builder().region("eu1").build().unwrap();
        assert_eq!(
            moved.base_url_of(Api::PERMISSION_SETS),
            "https://api.idam.eu1.staxapp.cloud/20210321"
        );
        // Each API has its own document source.
        let c = from_vars(&[
            ("STAX_SCHEMA", "/tmp/core.json"),
            ("STAX_PERMISSION_SETS_SCHEMA", "/tmp/sets.json"),
        ])
        .build()
        .unwrap();
        assert_eq!(
            c.schema_of(Api::CORE),
            &SchemaSource::File("/tmp/core.json".into())
        );
        assert_eq!(
            c.schema_of(Api::PERMISSION_SETS),
            &SchemaSource::File("/tmp/sets.json".into())
        );
        let c = from_vars(&[("STAX_PERMISSION_SETS_SCHEMA", "LIVE")])
            .build()
            .unwrap();
        assert_eq!(c.schema_of(Api::PERMISSION_SETS), &SchemaSource::Live);
    }

    #[test]
    fn the_last_of_region_and_endpoint_wins() {
        let b = from_vars(&[("STAX_ENDPOINT", "http://127.0.0.1:9")]);
        assert_eq!(
            b.clone().build().unwrap().base_url(),
            "http://127.0.0.1:9/20190206"
        );
        assert_eq!(
            b.region("us1").build().unwrap().base_url(),
            "https://api.us1.staxapp.cloud/20190206"
        );
    }

    #[test]
    fn bad_values_are_refused_with_the_fix() {
        for endpoint in ["127.0.0.1:80", "ftp://x.com", "file:///etc/passwd"] {
            let err = Config::builder_without_env()
                .endpoint(endpoint)
                .build()
                .unwrap_err();
            assert!(
                matches!(err, Error::Config(ConfigError::InvalidUrl { .. })),
                "{err}"
            );
            assert!(err.to_string().contains("http://127.0.0.1:8080"), "{err}");
        }
        let err = from_vars(&[("AWS_ENDPOINT_URL", "localhost")])
            .build()
            .unwrap_err();
        assert!(err.to_string().contains("AWS_ENDPOINT_URL"), "{err}");
        let err = Config::builder_without_env()
            .api_backoff_factor(-1.0)
            .build()
            .unwrap_err();
        assert!(err.to_string().contains("backoff_factor"), "{err}");
        // 0 retries is valid: one request.
        assert_eq!(
            Config::builder_without_env()
                .api_max_attempts(0)
                .build()
                .unwrap()
                .api_retry()
                .max_attempts,
            0
        );
    }

    #[test]
    fn the_builder_starts_from_the_environment() {
        let b = from_vars(&[
            ("STAX_REGION", "us1"),
            ("STAX_ACCESS_KEY", "AK"),
            ("STAX_SECRET_KEY", "SK"),
            ("STAX_SCHEMA", "/tmp/doc.json"),
            ("AWS_ENDPOINT_URL", "http://127.0.0.1:1"),
            ("AWS_ENDPOINT_URL_COGNITO_IDENTITY", "http://127.0.0.1:2"),
            ("TOKEN_EXPIRY_THRESHOLD_IN_MINS", "7"),
        ]);
        // Setting the keys in code keeps the region and endpoints of the environment.
        let c = b.access_key("AK2").build().unwrap();
        assert_eq!(c.installation(), "us1.staxapp.cloud");
        assert_eq!(c.access_key(), Some("AK2"));
        assert_eq!(c.secret_key().unwrap().expose(), "SK");
        assert_eq!(c.schema(), &SchemaSource::File("/tmp/doc.json".into()));
        assert_eq!(c.cognito_idp_endpoint(), Some("http://127.0.0.1:1"));
        assert_eq!(c.cognito_identity_endpoint(), Some("http://127.0.0.1:2"));
        assert_eq!(
            c.auth_retry().token_expiry_threshold,
            Duration::from_secs(420)
        );
        // Blank values count as unset.
        let c = from_vars(&[("STAX_REGION", "  ")]).build().unwrap();
        assert_eq!(c.installation(), DEFAULT_INSTALLATION);
    }

    #[test]
    fn single_field_setters_keep_the_other_fields() {
        let b = from_vars(&[("TOKEN_EXPIRY_THRESHOLD_IN_MINS", "3")])
            .auth_max_attempts(9)
            .api_max_attempts(2);
        let c = b.clone().build().unwrap();
        assert_eq!(
            c.auth_retry().token_expiry_threshold,
            Duration::from_secs(180)
        );
        assert_eq!(c.auth_retry().max_attempts, 9);
        let c = b
            .token_expiry_threshold(Duration::from_secs(30))
            .api_backoff_factor(0.5)
            .api_status_codes([503])
            .api_retry_methods(["get", "post"])
            .build()
            .unwrap();
        assert_eq!(c.auth_retry().max_attempts, 9);
        assert_eq!(c.api_retry().max_attempts, 2);
        assert_eq!(c.api_retry().backoff_factor, 0.5);
        assert_eq!(
            c.api_retry().status_codes,
            [503].into_iter().collect::<BTreeSet<u16>>()
        );
        assert!(c.api_retry().retries_method("POST"));
        assert_eq!(c.sign_in_retry().max_attempts, 9);
        assert_eq!(c.sign_in_retry().backoff_factor, 0.5);
    }

    #[test]
    fn timeouts_come_from_the_environment_in_seconds() {
        let c = from_vars(&[
            ("STAX_ATTEMPT_TIMEOUT", "0.25"),
            ("STAX_OPERATION_TIMEOUT", " 3 "),
        ])
        .build()
        .unwrap();
        assert_eq!(c.attempt_timeout(), Some(Duration::from_millis(250)));
        assert_eq!(c.operation_timeout(), Some(Duration::from_secs(3)));
        let d = Config::builder_without_env().build().unwrap();
        assert_eq!((d.attempt_timeout(), d.operation_timeout()), (None, None));
        assert!(d.retry_quota());
        for bad in ["0", "-1", "soon", "inf", "NaN"] {
            let b = from_vars(&[("STAX_OPERATION_TIMEOUT", bad)]);
            let err = b.clone().build().unwrap_err();
            assert!(err.to_string().contains("STAX_OPERATION_TIMEOUT"), "{err}");
            assert!(err.to_string().contains("seconds"), "{err}");
            // A setter replaces the malformed value.
            let c = b.operation_timeout(Duration::from_secs(9)).build().unwrap();
            assert_eq!(c.operation_timeout(), Some(Duration::from_secs(9)));
        }
        let off = Config::builder_without_env()
            .attempt_timeout(Duration::ZERO)
            .retry_quota(false)
            .build()
            .unwrap();
        assert_eq!(off.attempt_timeout(), None);
        assert!(!off.retry_quota());
    }

    const WIDGETS: crate::apis::ApiSpec = crate::apis::ApiSpec {
        name: "widgets",
        services: crate::apis::Services::One("widgets"),
        version: "20991231",
        host_prefix: "api.widgets.",
        document_path: "/public/api-document",
        schema_env: "STAX_WIDGETS_SCHEMA",
        paging: crate::apis::PagingKind::Token,
        errors: crate::apis::ErrorShape::Coded,
    };

    #[test]
    fn an_added_api_is_one_entry() {
        let widgets = Api::new(&WIDGETS);
        let c = from_vars(&[("STAX_WIDGETS_SCHEMA", "/tmp/widgets.json")])
            .region("us1")
            .api(widgets)
            .build()
            .unwrap();
        assert_eq!(
            c.apis().collect::<Vec<_>>(),
            [Api::CORE, Api::PERMISSION_SETS, widgets]
        );
        assert_eq!(
            c.base_url_of(widgets),
            "https://api.widgets.us1.staxapp.cloud/20991231"
        );
        assert_eq!(
            c.schema_of(widgets),
            &SchemaSource::File("/tmp/widgets.json".into())
        );
        assert_eq!(c.api_for("widgets"), widgets);
        assert_eq!(c.api_for("accounts"), Api::CORE);
        let local = c
            .to_builder()
            .endpoint("http://127.0.0.1:9/20991231")
            .build()
            .unwrap();
        assert_eq!(local.base_url_of(widgets), "http://127.0.0.1:9/20991231");
        assert_eq!(local.base_url(), "http://127.0.0.1:9/20190206");
        // Without it, the service is looked up in the core document.
        assert_eq!(Config::default().api_for("widgets"), Api::CORE);
        // Two APIs of one version are refused.
        const CLASH: crate::apis::ApiSpec = crate::apis::ApiSpec {
            name: "clash",
            version: "20190206",
            ..WIDGETS
        };
        let err = Config::builder_without_env()
            .api(Api::new(&CLASH))
            .build()
            .unwrap_err();
        assert!(err.to_string().contains("clash"), "{err}");
    }

    #[test]
    fn a_malformed_threshold_is_reported_unless_replaced() {
        let b = from_vars(&[("TOKEN_EXPIRY_THRESHOLD_IN_MINS", "soon")]);
        let err = b.clone().build().unwrap_err();
        assert!(
            err.to_string().contains("TOKEN_EXPIRY_THRESHOLD_IN_MINS"),
            "{err}"
        );
        assert!(
            b.token_expiry_threshold(Duration::from_secs(60))
                .build()
                .is_ok()
        );
    }

    #[test]
    fn secrets_stay_out_of_debug() {
        let c = Config::builder_without_env()
            .access_key("AK")
            .secret_key("very-secret")
            .build()
            .unwrap();
        let shown = format!("{c:?} {:?}", c.to_builder());
        assert!(!shown.contains("very-secret"), "{shown}");
        assert_eq!(c.secret_key().unwrap().expose(), "very-secret");
    }

    #[test]
    fn backoff_follows_urllib3_first_retry_at_once() {
        let r = ApiRetryConfig::default();
        assert_eq!(r.backoff(1), Duration::ZERO);
        assert_eq!(r.backoff(2), Duration::from_secs(2));
        assert_eq!(r.backoff(3), Duration::from_secs(4));
        assert_eq!(r.backoff(5), Duration::from_secs(16));
        assert_eq!(r.backoff(30), Duration::from_secs(20));
        let tenth = ApiRetryConfig {
            backoff_factor: 0.1,
            ..ApiRetryConfig::default()
        };
        // urllib3's documented example: [0.0s, 0.2s, 0.4s, 0.8s, ...].
        assert_eq!(
            (1..=4).map(|n| tenth.backoff(n)).collect::<Vec<_>>(),
            [0, 200, 400, 800].map(Duration::from_millis)
        );
    }

    #[test]
    fn the_user_agent_names_the_compiler() {
        let agent = Config::user_agent();
        // The toolchain running the tests is the one that compiled them.
        let out = std::process::Command::new("rustc")
            .arg("--version")
            .output()
            .expect("rustc runs");
        let text = String::from_utf8_lossy(&out.stdout);
        let rustc = text.split_whitespace().nth(1).expect("a version");
        assert!(
            agent.contains(&format!(" rust/{rustc} ")),
            "{agent} vs {text}"
        );
    }
}
