//! Configuration: which installation, which API token, how to retry.
//!
//! A [`Config`] is an immutable value. Build one with [`Config::builder`] or read the
//! environment with [`Config::from_env`]; a client keeps the snapshot it was created with, so
//! one process can talk to several installations with several tokens at once (PARITY.md C3).
//!
//! ```
//! use std::time::Duration;
//! use staxapp::Config;
//!
//! let config = Config::builder()
//!     .region("us1")
//!     .access_key("my-access-key")
//!     .secret_key("my-secret-key")
//!     .api_max_attempts(3)
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

use crate::error::{Error, Result};

/// The API version every Stax path starts with.
pub const API_VERSION: &str = "20190206";

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

/// Where the OpenAPI document comes from (PARITY.md O1).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum SchemaSource {
    /// `<base>/public/oas3-document`, cached on disk and revalidated.
    #[default]
    Live,
    /// A local OAS3 JSON file.
    File(PathBuf),
}

/// Retry settings for Stax API calls (PARITY.md C4).
#[derive(Debug, Clone, PartialEq)]
pub struct ApiRetryConfig {
    /// Attempts in all, the first included. Default 5.
    pub max_attempts: u32,
    /// Exponential backoff factor in seconds: the delay before retry `n` (from 1) is
    /// `backoff_factor * 2^(n-1)`, capped by `max_backoff`. Default 1.0.
    pub backoff_factor: f64,
    /// The longest single delay. Default 20 s.
    pub max_backoff: Duration,
    /// Add random jitter (full jitter over the upper half of each delay). Default true.
    pub jitter: bool,
    /// Statuses that are retried. Default 429, 500, 502, 504.
    pub status_codes: BTreeSet<u16>,
    /// Methods that are retried (upper case). Default GET, PUT, DELETE, OPTIONS: not POST.
    pub retry_methods: BTreeSet<String>,
    /// Honour a `Retry-After` header (seconds or HTTP date), capped by `max_backoff`. Default true.
    pub respect_retry_after: bool,
}

impl Default for ApiRetryConfig {
    fn default() -> Self {
        ApiRetryConfig {
            max_attempts: 5,
            backoff_factor: 1.0,
            max_backoff: Duration::from_secs(20),
            jitter: true,
            status_codes: [429, 500, 502, 504].into_iter().collect(),
            retry_methods: ["GET", "PUT", "DELETE", "OPTIONS"]
                .into_iter()
                .map(str::to_owned)
                .collect(),
            respect_retry_after: true,
        }
    }
}

impl ApiRetryConfig {
    /// No retries at all.
    pub fn disabled() -> Self {
        ApiRetryConfig {
            max_attempts: 1,
            ..ApiRetryConfig::default()
        }
    }

    /// The delay before retry number `retry` (1 for the first retry), without jitter.
    pub fn backoff(&self, retry: u32) -> Duration {
        let exponent = retry.saturating_sub(1).min(30) as i32;
        let seconds = self.backoff_factor * 2f64.powi(exponent);
        if !seconds.is_finite() || seconds <= 0.0 {
            return Duration::ZERO;
        }
        Duration::from_secs_f64(seconds.min(self.max_backoff.as_secs_f64()))
    }
}

/// Retry and refresh settings for signing in (PARITY.md C5).
#[derive(Debug, Clone, PartialEq)]
pub struct AuthRetryConfig {
    /// Attempts for each Cognito call. Default 5.
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

#[derive(Clone, PartialEq)]
struct Inner {
    installation: String,
    base_url: String,
    api_host: String,
    access_key: Option<String>,
    secret_key: Option<Secret>,
    schema: SchemaSource,
    cognito_idp_endpoint: Option<String>,
    cognito_identity_endpoint: Option<String>,
    ca_bundle: Option<PathBuf>,
    api_retry: ApiRetryConfig,
    auth_retry: AuthRetryConfig,
    timeout: Duration,
    connect_timeout: Duration,
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
            .field("base_url", &i.base_url)
            .field("access_key", &i.access_key)
            .field("secret_key", &i.secret_key.as_ref().map(|_| "<redacted>"))
            .field("schema", &i.schema)
            .field("cognito_idp_endpoint", &i.cognito_idp_endpoint)
            .field("cognito_identity_endpoint", &i.cognito_identity_endpoint)
            .field("ca_bundle", &i.ca_bundle)
            .field("api_retry", &i.api_retry)
            .field("auth_retry", &i.auth_retry)
            .field("timeout", &i.timeout)
            .finish()
    }
}

impl Default for Config {
    fn default() -> Self {
        ConfigBuilder::default()
            .build()
            .expect("the default configuration is valid")
    }
}

impl Config {
    /// Starts a builder with the defaults (no environment read).
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder::default()
    }

    /// Reads the environment variables of CONTRACT.md: `STAX_REGION`, `STAX_ENDPOINT`,
    /// `STAX_ACCESS_KEY`, `STAX_SECRET_KEY`, `STAX_SCHEMA`, `AWS_ENDPOINT_URL`,
    /// `AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER`, `AWS_ENDPOINT_URL_COGNITO_IDENTITY`,
    /// `SSL_CERT_FILE` / `AWS_CA_BUNDLE` and `TOKEN_EXPIRY_THRESHOLD_IN_MINS`.
    pub fn from_env() -> Result<Config> {
        ConfigBuilder::from_env()?.build()
    }

    /// A builder starting from this configuration, to derive a variant of it.
    pub fn to_builder(&self) -> ConfigBuilder {
        let i = &*self.inner;
        ConfigBuilder {
            region: Some(i.installation.clone()),
            endpoint: None,
            base_url: Some(i.base_url.clone()),
            access_key: i.access_key.clone(),
            secret_key: i.secret_key.clone(),
            schema: i.schema.clone(),
            cognito_idp_endpoint: i.cognito_idp_endpoint.clone(),
            cognito_identity_endpoint: i.cognito_identity_endpoint.clone(),
            ca_bundle: i.ca_bundle.clone(),
            api_retry: i.api_retry.clone(),
            auth_retry: i.auth_retry.clone(),
            timeout: i.timeout,
            connect_timeout: i.connect_timeout,
            cache_dir: i.cache_dir.clone(),
        }
    }

    /// The installation domain, e.g. `au1.staxapp.cloud`.
    pub fn installation(&self) -> &str {
        &self.inner.installation
    }

    /// The API base URL, e.g. `https://api.au1.staxapp.cloud/20190206` (no trailing slash).
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The `host[:port]` of the API, as sent in the `Host` header and signed.
    pub fn api_host(&self) -> &str {
        &self.inner.api_host
    }

    /// The access key of the API token, if configured.
    pub fn access_key(&self) -> Option<&str> {
        self.inner.access_key.as_deref()
    }

    /// The secret key of the API token, if configured.
    pub fn secret_key(&self) -> Option<&Secret> {
        self.inner.secret_key.as_ref()
    }

    /// Where the OpenAPI document comes from.
    pub fn schema(&self) -> &SchemaSource {
        &self.inner.schema
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

    /// Timeout of one HTTP request.
    pub fn timeout(&self) -> Duration {
        self.inner.timeout
    }

    /// Timeout for establishing a connection.
    pub fn connect_timeout(&self) -> Duration {
        self.inner.connect_timeout
    }

    /// Where the document cache lives (default: the user's cache dir, `staxapp/`).
    pub fn cache_dir(&self) -> Option<PathBuf> {
        self.inner
            .cache_dir
            .clone()
            .or_else(|| dirs::cache_dir().map(|d| d.join("staxapp")))
    }

    /// The User-Agent sent with every request (PARITY.md C7).
    pub fn user_agent() -> String {
        format!(
            "staxapp-rs/{} rust/{} os/{}",
            env!("CARGO_PKG_VERSION"),
            option_env!("CARGO_PKG_RUST_VERSION").unwrap_or("unknown"),
            std::env::consts::OS
        )
    }
}

/// Expands a short installation name: `au1` -> `au1.staxapp.cloud`; full domains pass through.
pub fn expand_installation(region: &str) -> String {
    let region = region.trim().trim_end_matches('.');
    if region.contains('.') {
        region.to_owned()
    } else {
        format!("{}.staxapp.cloud", region.to_ascii_lowercase())
    }
}

/// Builds a [`Config`]. Every setter takes plain values; [`ConfigBuilder::build`] checks them.
#[derive(Clone, Default)]
pub struct ConfigBuilder {
    region: Option<String>,
    endpoint: Option<String>,
    base_url: Option<String>,
    access_key: Option<String>,
    secret_key: Option<Secret>,
    schema: SchemaSource,
    cognito_idp_endpoint: Option<String>,
    cognito_identity_endpoint: Option<String>,
    ca_bundle: Option<PathBuf>,
    api_retry: ApiRetryConfig,
    auth_retry: AuthRetryConfig,
    timeout: Duration,
    connect_timeout: Duration,
    cache_dir: Option<PathBuf>,
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

fn env_var(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

impl ConfigBuilder {
    /// A builder preloaded from the environment (see [`Config::from_env`]).
    pub fn from_env() -> Result<ConfigBuilder> {
        let mut b = ConfigBuilder::default();
        if let Some(region) = env_var("STAX_REGION") {
            b = b.region(region);
        }
        if let Some(endpoint) = env_var("STAX_ENDPOINT") {
            b = b.endpoint(endpoint);
        }
        b.access_key = env_var("STAX_ACCESS_KEY");
        b.secret_key = env_var("STAX_SECRET_KEY").map(Secret::new);
        if let Some(schema) = env_var("STAX_SCHEMA") {
            b = b.schema(parse_schema_source(&schema));
        }
        let any = env_var("AWS_ENDPOINT_URL");
        b.cognito_idp_endpoint =
            env_var("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER").or_else(|| any.clone());
        b.cognito_identity_endpoint = env_var("AWS_ENDPOINT_URL_COGNITO_IDENTITY").or(any);
        b.ca_bundle = env_var("SSL_CERT_FILE")
            .or_else(|| env_var("AWS_CA_BUNDLE"))
            .map(PathBuf::from);
        if let Some(minutes) = env_var("TOKEN_EXPIRY_THRESHOLD_IN_MINS") {
            let minutes: u64 = minutes.parse().map_err(|_| {
                Error::Config(format!(
                    "TOKEN_EXPIRY_THRESHOLD_IN_MINS must be a whole number of minutes, got {minutes:?}"
                ))
            })?;
            b.auth_retry.token_expiry_threshold = Duration::from_secs(minutes * 60);
        }
        Ok(b)
    }

    /// The installation: `au1`, `us1`, `eu1` or a full domain such as `au1.staxapp.cloud`.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self.base_url = None;
        self
    }

    /// A full base override such as `http://127.0.0.1:8080`; `/20190206` is appended.
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self.base_url = None;
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

    /// Where the OpenAPI document comes from.
    pub fn schema(mut self, schema: SchemaSource) -> Self {
        self.schema = schema;
        self
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

    /// Replaces the API retry settings.
    pub fn api_retry(mut self, retry: ApiRetryConfig) -> Self {
        self.api_retry = retry;
        self
    }

    /// Sets the number of attempts for API calls (1 disables retries).
    pub fn api_max_attempts(mut self, attempts: u32) -> Self {
        self.api_retry.max_attempts = attempts;
        self
    }

    /// Replaces the sign-in retry settings.
    pub fn auth_retry(mut self, retry: AuthRetryConfig) -> Self {
        self.auth_retry = retry;
        self
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

    /// Where the document cache is kept.
    pub fn cache_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.cache_dir = Some(dir.into());
        self
    }

    /// Checks the settings and freezes them into a [`Config`].
    pub fn build(self) -> Result<Config> {
        let installation =
            expand_installation(self.region.as_deref().unwrap_or(DEFAULT_INSTALLATION));
        let base_url = match (&self.base_url, &self.endpoint) {
            (Some(base), _) => base.trim_end_matches('/').to_owned(),
            (None, Some(endpoint)) => endpoint_base_url(endpoint)?,
            (None, None) => format!("https://api.{installation}/{API_VERSION}"),
        };
        let parsed = url::Url::parse(&base_url)
            .map_err(|e| Error::Config(format!("invalid API base URL {base_url:?}: {e}")))?;
        let host = parsed
            .host_str()
            .ok_or_else(|| Error::Config(format!("the API base URL {base_url:?} has no host")))?;
        let api_host = match parsed.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        };
        for (name, value) in [
            ("Cognito user pool endpoint", &self.cognito_idp_endpoint),
            ("Cognito identity endpoint", &self.cognito_identity_endpoint),
        ] {
            if let Some(value) = value {
                check_http_url(name, value)?;
            }
        }
        if self.api_retry.max_attempts == 0 || self.auth_retry.max_attempts == 0 {
            return Err(Error::Config(
                "max_attempts must be at least 1 (1 means no retries)".into(),
            ));
        }
        if !(self.api_retry.backoff_factor >= 0.0 && self.api_retry.backoff_factor.is_finite()) {
            return Err(Error::Config(
                "backoff_factor must be a finite number of seconds, 0 or more".into(),
            ));
        }
        if let Some(path) = &self.ca_bundle
            && !path.is_file()
        {
            return Err(Error::Config(format!(
                "the CA bundle {} does not exist (SSL_CERT_FILE / AWS_CA_BUNDLE)",
                path.display()
            )));
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
                base_url,
                api_host,
                access_key: self.access_key,
                secret_key: self.secret_key,
                schema: self.schema,
                cognito_idp_endpoint: self.cognito_idp_endpoint,
                cognito_identity_endpoint: self.cognito_identity_endpoint,
                ca_bundle: self.ca_bundle,
                api_retry: self.api_retry,
                auth_retry: self.auth_retry,
                timeout: or_default(self.timeout, 60),
                connect_timeout: or_default(self.connect_timeout, 10),
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

fn check_http_url(name: &str, value: &str) -> Result<()> {
    match url::Url::parse(value) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => Ok(()),
        _ => Err(Error::Config(format!(
            "the {name} {value:?} is not an http(s) URL such as http://127.0.0.1:8080"
        ))),
    }
}

fn endpoint_base_url(endpoint: &str) -> Result<String> {
    check_http_url("STAX_ENDPOINT", endpoint)?;
    let trimmed = endpoint.trim_end_matches('/');
    let suffix = format!("/{API_VERSION}");
    if trimmed.ends_with(&suffix) {
        Ok(trimmed.to_owned())
    } else {
        Ok(format!("{trimmed}{suffix}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_region_names_expand() {
        for (given, base) in [
            ("au1", "https://api.au1.staxapp.cloud/20190206"),
            ("us1", "https://api.us1.staxapp.cloud/20190206"),
            (
                "eu1.staxapp.cloud",
                "https://api.eu1.staxapp.cloud/20190206",
            ),
        ] {
            let c = Config::builder().region(given).build().unwrap();
            assert_eq!(c.base_url(), base);
        }
        assert_eq!(
            Config::default().base_url(),
            "https://api.au1.staxapp.cloud/20190206"
        );
    }

    #[test]
    fn endpoint_override_keeps_port_for_signing() {
        let c = Config::builder()
            .endpoint("http://127.0.0.1:8080/")
            .build()
            .unwrap();
        assert_eq!(c.base_url(), "http://127.0.0.1:8080/20190206");
        assert_eq!(c.api_host(), "127.0.0.1:8080");
        let c = Config::builder()
            .endpoint("http://localhost:9/20190206")
            .build()
            .unwrap();
        assert_eq!(c.base_url(), "http://localhost:9/20190206");
    }

    #[test]
    fn bad_values_are_refused_with_the_fix() {
        let err = Config::builder()
            .endpoint("127.0.0.1:80")
            .build()
            .unwrap_err();
        assert!(err.to_string().contains("http://127.0.0.1:8080"), "{err}");
        let err = Config::builder().api_max_attempts(0).build().unwrap_err();
        assert!(err.to_string().contains("at least 1"), "{err}");
    }

    #[test]
    fn secrets_stay_out_of_debug() {
        let c = Config::builder()
            .access_key("AK")
            .secret_key("very-secret")
            .build()
            .unwrap();
        let shown = format!("{c:?} {:?}", c.to_builder());
        assert!(!shown.contains("very-secret"), "{shown}");
        assert_eq!(c.secret_key().unwrap().expose(), "very-secret");
    }

    #[test]
    fn backoff_is_exponential_and_capped() {
        let r = ApiRetryConfig::default();
        assert_eq!(r.backoff(1), Duration::from_secs(1));
        assert_eq!(r.backoff(3), Duration::from_secs(4));
        assert_eq!(r.backoff(30), Duration::from_secs(20));
    }
}
