//! `staxapp_rs._core.Client`: one [`staxapp::StaxClient`] with the settings Python froze for
//! it, its calls, task waiting and paging.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::Duration;

use futures::StreamExt;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};
use staxapp::paging::{PageOptions, Paged};
use staxapp::tasks::WaitOptions;
use staxapp::{Call, Config, ConfigError, Document, Resolved, Session, StaxClient};

use crate::convert;
use crate::errors::{self, to_py};
use crate::interceptors::PyInterceptor;
use crate::logging;
use crate::runtime::block_on;

/// The parsed documents of this process, by base URL and source: every client of an
/// installation shares one (staxapp keeps its operation map for the process too), while each
/// client signs in for itself, as staxapp's do.
fn documents() -> &'static Mutex<HashMap<String, Arc<Document>>> {
    static DOCUMENTS: OnceLock<Mutex<HashMap<String, Arc<Document>>>> = OnceLock::new();
    DOCUMENTS.get_or_init(Default::default)
}

fn document_key(config: &Config) -> String {
    format!("{} {:?}", config.base_url(), config.schema())
}

/// The settings of one client, as `staxapp_rs.config` resolves them (no `Debug`: it holds the
/// secret key).
#[derive(FromPyObject)]
#[pyo3(from_item_all)]
struct Settings {
    /// `https://<Config.hostname>`, or `STAX_ENDPOINT` when the hostname is its host.
    endpoint: String,
    access_key: Option<String>,
    secret_key: Option<String>,
    /// staxapp's `max_attempts`: retries after the first request.
    api_retries: u32,
    backoff_factor: f64,
    status_codes: Vec<u16>,
    retry_methods: Vec<String>,
    auth_max_attempts: u32,
    /// Minutes.
    token_expiry_threshold: f64,
    ca_bundle: Option<String>,
}

impl Settings {
    fn into_config(self) -> staxapp::Result<Config> {
        // STAX_ENDPOINT set and malformed (no scheme, another scheme, a query) is the CLI's
        // error, never ignored for the default host.
        if let Ok(endpoint) = std::env::var("STAX_ENDPOINT")
            && !endpoint.trim().is_empty()
        {
            Config::builder_without_env()
                .endpoint(endpoint.trim())
                .build()?;
        }
        check_hostname(&self.endpoint)?;
        // Config::builder() starts from the environment, so everything Python does not set
        // comes from there: STAX_SCHEMA, AWS_ENDPOINT_URL(_COGNITO_*), the document cache.
        // The retry settings mean what they mean in staxapp (max_attempts = retries).
        let mut builder = Config::builder()
            .endpoint(self.endpoint)
            .api_max_attempts(self.api_retries)
            .api_backoff_factor(self.backoff_factor)
            .api_status_codes(self.status_codes)
            .api_retry_methods(self.retry_methods)
            .auth_max_attempts(self.auth_max_attempts);
        if let Some(key) = self.access_key {
            builder = builder.access_key(key);
        }
        if let Some(key) = self.secret_key {
            builder = builder.secret_key(key);
        }
        if let Some(path) = self.ca_bundle {
            builder = builder.ca_bundle(path);
        }
        let threshold =
            Duration::try_from_secs_f64(self.token_expiry_threshold * 60.0).map_err(|_| {
                ConfigError::InvalidValue {
                    setting: "api_auth_retry_config.token_expiry_threshold".into(),
                    problem: format!(
                        "must be a number of minutes, 0 or more, not {}",
                        self.token_expiry_threshold
                    ),
                }
            })?;
        builder.token_expiry_threshold(threshold).build()
    }
}

/// `Config.hostname` (in `endpoint`, `<scheme>://<hostname>`) must be a host name or address
/// with an optional port and nothing else: a scheme, a path, a query or user information in
/// it would send the calls somewhere else (`http://[::1` would be the host `http`).
fn check_hostname(endpoint: &str) -> Result<(), ConfigError> {
    let hostname = endpoint
        .split_once("://")
        .map_or(endpoint, |(_, rest)| rest);
    let plain = !hostname.contains(['/', '?', '#', '@', '\\'])
        && url::Url::parse(endpoint).is_ok_and(|u| {
            u.host().is_some() && u.path() == "/" && u.query().is_none() && u.fragment().is_none()
        });
    if plain {
        return Ok(());
    }
    Err(ConfigError::InvalidValue {
        setting: "Config.hostname".into(),
        problem: format!(
            "{hostname:?} is not a host name or address with an optional port, such as api.au1.staxapp.cloud or 127.0.0.1:8080"
        ),
    })
}

/// A Stax client with frozen settings. Made by `staxapp_rs.openapi.StaxClient`.
#[pyclass(frozen, module = "staxapp_rs._core")]
pub struct Client {
    /// Replaced (not changed) when an interceptor is added; each call works on a clone.
    inner: RwLock<StaxClient>,
}

#[pymethods]
impl Client {
    /// A client for the settings dict made by `staxapp_rs.config` (see `Settings`), with a
    /// session of its own; `reload` reads the document again (through the on-disk cache,
    /// revalidated when stale) instead of reusing the one this process has parsed.
    #[new]
    #[pyo3(signature = (settings, reload=false))]
    fn new(py: Python<'_>, settings: &Bound<'_, PyDict>, reload: bool) -> PyResult<Client> {
        logging::refresh_level(py)?;
        let settings: Settings = settings
            .extract()
            .map_err(|e: PyErr| errors::config(py, format!("invalid client settings: {e}")))?;
        let config = settings.into_config().map_err(|e| to_py(py, e))?;
        let known = if reload {
            None
        } else {
            documents()
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .get(&document_key(&config))
                .cloned()
        };
        let session = match known {
            Some(document) => Session::with_document(config, document),
            None => Session::new(config),
        }
        .map_err(|e| to_py(py, e))?;
        Ok(Client {
            inner: RwLock::new(StaxClient::with_session(session)),
        })
    }

    /// The API base URL, e.g. `https://api.au1.staxapp.cloud/20190206`.
    #[getter]
    fn base_url(&self) -> String {
        self.client().config().base_url().to_owned()
    }

    /// Adds an interceptor: Python callables called for every request of this client, after
    /// those added before (`staxapp_rs.openapi.StaxClient.add_interceptor`).
    #[pyo3(signature = (before_signing=None, after_attempt=None, after_call=None))]
    fn add_interceptor(
        &self,
        before_signing: Option<Py<PyAny>>,
        after_attempt: Option<Py<PyAny>>,
        after_call: Option<Py<PyAny>>,
    ) {
        let mut inner = self.inner.write().unwrap_or_else(|e| e.into_inner());
        *inner = inner.with_interceptor(PyInterceptor {
            before_signing,
            after_attempt,
            after_call,
        });
    }

    /// Loads the document (once per session) and checks that `service` is one of its classes.
    fn load(&self, py: Python<'_>, service: &Bound<'_, PyString>) -> PyResult<()> {
        let service = convert::name(service);
        let document = self.document(py)?;
        document
            .operations(&service)
            .map(|_| ())
            .map_err(|e| errors::validation(py, e.to_string()))
    }

    /// The document's classes (services), sorted.
    fn services(&self, py: Python<'_>) -> PyResult<Vec<String>> {
        let document = self.document(py)?;
        Ok(document.services().into_iter().map(str::to_owned).collect())
    }

    /// The operations of `service`, sorted.
    fn operations(&self, py: Python<'_>, service: &Bound<'_, PyString>) -> PyResult<Vec<String>> {
        let service = convert::name(service);
        let document = self.document(py)?;
        let operations = document
            .operations(&service)
            .map_err(|e| errors::validation(py, e.to_string()))?;
        Ok(operations.into_iter().map(|o| o.name.clone()).collect())
    }

    /// Calls `service.operation` with the keyword arguments `arguments`; the decoded answer.
    /// The SDK's pipeline builds the request (routing, validation), then sends it with the
    /// GIL released.
    #[pyo3(signature = (service, operation, arguments=None))]
    fn call(
        &self,
        py: Python<'_>,
        service: &Bound<'_, PyString>,
        operation: &Bound<'_, PyString>,
        arguments: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Py<PyAny>> {
        let (service, operation) = (convert::name(service), convert::name(operation));
        let client = self.client();
        let resolved = self.resolve(py, &client, &service, &operation)?;
        let path_params: Vec<&str> = resolved
            .operation()
            .variants
            .iter()
            .flat_map(|v| v.path_params.iter().map(String::as_str))
            .collect();
        let convert::Arguments { args, stringified } = convert::arguments(arguments, &path_params)?;
        let call = Call::new(service, operation).args(args);
        let request = block_on(py, client.request(call))?.map_err(|e| to_py(py, e))?;
        if let Some(body) = request.body()
            && let Some((name, kind)) = convert::stringified_in(&stringified, body)
        {
            return Err(errors::validation(
                py,
                format!(
                    "{name}: a {kind} cannot be sent in a JSON body; pass a str, int, float, bool, None, list or dict"
                ),
            ));
        }
        let answer = block_on(py, client.send_for_value(&request))?;
        match answer {
            Ok(value) => convert::to_python(py, &value),
            Err(e) => Err(to_py(py, e)),
        }
    }

    /// Polls `tasks.ReadTask` until the task ends; the last answer. `on_progress(task)` is
    /// called with each answer.
    #[pyo3(signature = (task_id, timeout, interval, max_interval, on_progress=None))]
    fn wait_for_task(
        &self,
        py: Python<'_>,
        task_id: &str,
        timeout: f64,
        interval: f64,
        max_interval: f64,
        on_progress: Option<Py<PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let seconds = |name: &str, value: f64| {
            Duration::try_from_secs_f64(value).map_err(|_| {
                errors::validation(
                    py,
                    format!("{name} must be a number of seconds, 0 or more, not {value}"),
                )
            })
        };
        let mut options = WaitOptions::new()
            .timeout(seconds("timeout", timeout)?)
            .initial_interval(seconds("interval", interval)?)
            .max_interval(seconds("max_interval", max_interval)?);
        // The callback's first exception ends the wait and is raised.
        let failed: Arc<Mutex<Option<PyErr>>> = Arc::default();
        let stop = Arc::new(tokio::sync::Notify::new());
        if let Some(callback) = on_progress {
            let failed = failed.clone();
            let stop = stop.clone();
            options = options.on_progress(move |progress| {
                Python::attach(|py| {
                    let result = convert::to_python(py, &progress.task)
                        .and_then(|task| callback.call1(py, (task,)));
                    if let Err(e) = result {
                        failed
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .get_or_insert(e);
                        stop.notify_one();
                    }
                })
            });
        }
        let client = self.client();
        let answer = block_on(py, async {
            tokio::select! {
                answer = client.wait_for_task(task_id, options) => Some(answer),
                _ = stop.notified() => None,
            }
        })?;
        if let Some(e) = failed.lock().unwrap_or_else(|e| e.into_inner()).take() {
            return Err(e);
        }
        match answer {
            Some(Ok(task)) => convert::to_python(py, &task),
            Some(Err(e)) => Err(to_py(py, e)),
            None => Err(errors::validation(
                py,
                "the progress callback failed".into(),
            )),
        }
    }

    /// An iterator of the pages of a list operation (`page_size` items each; at most
    /// `max_items` items; from `starting_token`, a former iterator's `next_token`).
    #[pyo3(signature = (service, operation, page_size, arguments=None, max_items=None, starting_token=None))]
    fn pages(
        &self,
        service: &Bound<'_, PyString>,
        operation: &Bound<'_, PyString>,
        page_size: u64,
        arguments: Option<&Bound<'_, PyDict>>,
        max_items: Option<u64>,
        starting_token: Option<&Bound<'_, PyString>>,
    ) -> PyResult<Pages> {
        let arguments = convert::arguments(arguments, &[])?;
        Ok(Pages::new(self.client().pages(
            &convert::name(service),
            &convert::name(operation),
            arguments.args,
            page_options(page_size, max_items, starting_token),
        )))
    }

    /// An iterator of the items of a list operation across its pages: the elements of
    /// `list_key`, or of the page's one list field (at most `max_items`; from
    /// `starting_token`).
    #[pyo3(signature = (service, operation, page_size, list_key=None, arguments=None, max_items=None, starting_token=None))]
    #[allow(clippy::too_many_arguments)]
    fn items(
        &self,
        service: &Bound<'_, PyString>,
        operation: &Bound<'_, PyString>,
        page_size: u64,
        list_key: Option<&Bound<'_, PyString>>,
        arguments: Option<&Bound<'_, PyDict>>,
        max_items: Option<u64>,
        starting_token: Option<&Bound<'_, PyString>>,
    ) -> PyResult<Pages> {
        let arguments = convert::arguments(arguments, &[])?;
        let list_key = list_key.map(convert::name);
        Ok(Pages::new(self.client().items(
            &convert::name(service),
            &convert::name(operation),
            arguments.args,
            page_options(page_size, max_items, starting_token),
            list_key.as_deref(),
        )))
    }
}

/// The SDK's paging options of the Python arguments.
fn page_options(
    page_size: u64,
    max_items: Option<u64>,
    starting_token: Option<&Bound<'_, PyString>>,
) -> PageOptions {
    let mut options = PageOptions::new(page_size);
    if let Some(n) = max_items {
        options = options.max_items(n);
    }
    if let Some(token) = starting_token {
        options = options.starting_token(convert::name(token));
    }
    options
}

impl Client {
    /// The client as it is now (a clone: cheap, and free of the lock while a call runs).
    fn client(&self) -> StaxClient {
        self.inner.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Remembers `document` for the other clients of its installation.
    fn share(config: &Config, document: &Arc<Document>) {
        documents()
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(document_key(config), document.clone());
    }

    fn document(&self, py: Python<'_>) -> PyResult<Arc<Document>> {
        let client = self.client();
        let document = block_on(py, client.document())?.map_err(|e| to_py(py, e))?;
        Client::share(client.config(), &document);
        Ok(document)
    }

    /// The operation, found by the SDK in its document (an unknown name is a
    /// `ValidationException`).
    fn resolve(
        &self,
        py: Python<'_>,
        client: &StaxClient,
        service: &str,
        operation: &str,
    ) -> PyResult<Resolved> {
        let resolved =
            block_on(py, client.resolve(service, operation))?.map_err(|e| to_py(py, e))?;
        if resolved.api() == staxapp::Api::CORE {
            Client::share(client.config(), resolved.document());
        }
        Ok(resolved)
    }
}

/// A Python iterator over pages or items, fetched as it is iterated; `next_token` says where
/// to resume after what it gave.
#[pyclass(module = "staxapp_rs._core")]
pub struct Pages {
    stream: Arc<tokio::sync::Mutex<Paged>>,
}

impl Pages {
    fn new(stream: Paged) -> Pages {
        Pages {
            stream: Arc::new(tokio::sync::Mutex::new(stream)),
        }
    }
}

#[pymethods]
impl Pages {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&self, py: Python<'_>) -> PyResult<Option<Py<PyAny>>> {
        let stream = self.stream.clone();
        let next = block_on(py, async move { stream.lock().await.next().await })?;
        match next {
            None => Ok(None),
            Some(Ok(value)) => convert::to_python(py, &value).map(Some),
            Some(Err(e)) => Err(to_py(py, e)),
        }
    }

    /// Where to resume after the last page or item given (`starting_token=`), or `None`.
    #[getter]
    fn next_token(&self, py: Python<'_>) -> PyResult<Option<String>> {
        let stream = self.stream.clone();
        block_on(py, async move {
            stream.lock().await.next_token().map(str::to_owned)
        })
    }
}
