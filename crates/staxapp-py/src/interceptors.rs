//! Interceptors written in Python: up to three callables, each given a `dict` describing the
//! request or its outcome (`staxapp_rs.openapi.StaxClient.add_interceptor`).
//!
//! - `before_signing(request)`: `request` is `{"operation", "attempt", "method", "url",
//!   "headers": {name: value}, "body": bytes}`; what the callable leaves in `headers` and
//!   `body` is sent (then signed).
//! - `after_attempt(attempt)`: `{"operation", "attempt", "status", "headers", "body",
//!   "request_id", "error", "retry"}` (`status`, `headers`, `body`, `request_id` are `None`
//!   without an answer, `error` is `None` with one; `retry` tells whether another attempt
//!   follows).
//! - `after_call(outcome)`: `{"operation", "attempts", "status", "request_id", "error"}`.
//!
//! An exception raised by a callable ends the call and is raised from it.

use http::{HeaderName, HeaderValue};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};
use staxapp::interceptor::{
    Attempt, AttemptOutcome, CallInfo, CallOutcome, HookResult, Interceptor,
};

/// The callables of one interceptor.
pub struct PyInterceptor {
    pub before_signing: Option<Py<PyAny>>,
    pub after_attempt: Option<Py<PyAny>>,
    pub after_call: Option<Py<PyAny>>,
}

/// A Python exception, carried through the SDK's error to be raised again.
fn raised(e: PyErr) -> Box<dyn std::error::Error + Send + Sync> {
    Box::new(e)
}

fn headers_dict<'py>(py: Python<'py>, headers: &http::HeaderMap) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    for (name, value) in headers {
        dict.set_item(name.as_str(), String::from_utf8_lossy(value.as_bytes()))?;
    }
    Ok(dict)
}

impl Interceptor for PyInterceptor {
    fn before_signing(
        &self,
        call: &CallInfo<'_>,
        attempt: u32,
        request: &mut http::Request<Vec<u8>>,
    ) -> HookResult {
        let Some(callable) = &self.before_signing else {
            return Ok(());
        };
        Python::attach(|py| -> PyResult<()> {
            let view = PyDict::new(py);
            view.set_item("operation", call.operation)?;
            view.set_item("attempt", attempt)?;
            view.set_item("method", call.method.as_str())?;
            view.set_item("url", request.uri().to_string())?;
            view.set_item("headers", headers_dict(py, request.headers())?)?;
            view.set_item("body", PyBytes::new(py, request.body()))?;
            callable.call1(py, (&view,))?;
            let item = |key: &str| {
                view.get_item(key)?.ok_or_else(|| {
                    pyo3::exceptions::PyValueError::new_err(format!(
                        "before_signing removed the request's {key:?}"
                    ))
                })
            };
            let headers = item("headers")?;
            let headers = headers.cast::<PyDict>()?;
            let mut map = http::HeaderMap::new();
            for (name, value) in headers.iter() {
                let name: String = name.extract()?;
                let value: String = value.extract()?;
                let name = HeaderName::from_bytes(name.as_bytes()).map_err(|e| {
                    pyo3::exceptions::PyValueError::new_err(format!("header {name:?}: {e}"))
                })?;
                let value = HeaderValue::from_str(&value).map_err(|e| {
                    pyo3::exceptions::PyValueError::new_err(format!("header {name}: {e}"))
                })?;
                map.append(name, value);
            }
            *request.headers_mut() = map;
            let body = item("body")?;
            *request.body_mut() = match body.cast::<PyBytes>() {
                Ok(bytes) => bytes.as_bytes().to_vec(),
                Err(_) => body.extract::<String>()?.into_bytes(),
            };
            Ok(())
        })
        .map_err(raised)
    }

    fn after_attempt(&self, attempt: &Attempt<'_>) -> HookResult {
        let Some(callable) = &self.after_attempt else {
            return Ok(());
        };
        Python::attach(|py| -> PyResult<()> {
            let view = PyDict::new(py);
            view.set_item("operation", attempt.call.operation)?;
            view.set_item("attempt", attempt.attempt)?;
            match &attempt.outcome {
                AttemptOutcome::Answered(response) => {
                    view.set_item("status", response.status)?;
                    view.set_item("headers", headers_dict(py, &response.headers)?)?;
                    view.set_item("body", PyBytes::new(py, &response.body))?;
                    view.set_item("request_id", response.request_id())?;
                    view.set_item("error", py.None())?;
                }
                AttemptOutcome::NoAnswer(error) => {
                    for key in ["status", "headers", "body", "request_id"] {
                        view.set_item(key, py.None())?;
                    }
                    view.set_item("error", *error)?;
                }
            }
            view.set_item("retry", attempt.will_retry())?;
            callable.call1(py, (view,))?;
            Ok(())
        })
        .map_err(raised)
    }

    fn after_call(&self, call: &CallInfo<'_>, outcome: &CallOutcome<'_>) -> HookResult {
        let Some(callable) = &self.after_call else {
            return Ok(());
        };
        Python::attach(|py| -> PyResult<()> {
            let view = PyDict::new(py);
            view.set_item("operation", call.operation)?;
            view.set_item("attempts", outcome.attempts)?;
            match outcome.result {
                Ok(response) => {
                    view.set_item("status", response.status)?;
                    view.set_item("request_id", response.request_id())?;
                    view.set_item("error", py.None())?;
                }
                Err(error) => {
                    view.set_item("status", py.None())?;
                    view.set_item("request_id", py.None())?;
                    view.set_item("error", error.to_string())?;
                }
            }
            callable.call1(py, (view,))?;
            Ok(())
        })
        .map_err(raised)
    }
}
