//! `staxapp::Error` -> the exceptions of `staxapp_rs.exceptions` (staxapp's classes, and a
//! few of our own for what staxapp leaves to `requests`).

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyModule;
use staxapp::{AuthErrorKind, Error, TaskError};

fn exceptions(py: Python<'_>) -> PyResult<&Bound<'_, PyModule>> {
    static MODULE: PyOnceLock<Py<PyModule>> = PyOnceLock::new();
    MODULE
        .get_or_try_init(py, || Ok(py.import("staxapp_rs.exceptions")?.unbind()))
        .map(|m| m.bind(py))
}

/// Calls `staxapp_rs.exceptions.<name>(*args)` and makes the result the error to raise.
fn raise<'py, A>(py: Python<'py>, name: &str, args: A) -> PyErr
where
    A: pyo3::call::PyCallArgs<'py>,
{
    match exceptions(py).and_then(|m| m.getattr(name)?.call1(args)) {
        Ok(instance) => PyErr::from_value(instance),
        Err(e) => e,
    }
}

/// The message of a `ValidationException`.
pub fn validation(py: Python<'_>, message: String) -> PyErr {
    raise(py, "ValidationException", (message,))
}

/// A `ConfigException` (bad settings).
pub fn config(py: Python<'_>, message: String) -> PyErr {
    raise(py, "ConfigException", (message,))
}

/// The Python exception for an SDK error.
pub fn to_py(py: Python<'_>, error: Error) -> PyErr {
    match error {
        Error::Validation(e) => validation(py, e.to_string()),
        Error::Api(e) => {
            let body = match pythonize::pythonize(py, &e.body) {
                Ok(body) => body,
                Err(err) => return err.into(),
            };
            raise(
                py,
                "_api_exception",
                (e.status, body, e.message.clone(), e.request_id.clone()),
            )
        }
        Error::Auth(e) => match e.kind {
            AuthErrorKind::PublicConfig => raise(
                py,
                "_api_exception",
                (
                    py.None(),
                    py.None(),
                    format!("Api Exception: {}. {}", e.message, e.detail),
                    py.None(),
                ),
            ),
            AuthErrorKind::InvalidSecretKey | AuthErrorKind::UnknownAccessKey => raise(
                py,
                "InvalidCredentialsException",
                (e.message.clone(), e.detail.clone()),
            ),
            AuthErrorKind::MissingAccessKey | AuthErrorKind::MissingSecretKey => {
                // staxapp's words, then how to give the key.
                let hint = if e.kind == AuthErrorKind::MissingAccessKey {
                    "set Config.access_key or STAX_ACCESS_KEY"
                } else {
                    "set Config.secret_key or STAX_SECRET_KEY"
                };
                raise(
                    py,
                    "InvalidCredentialsException",
                    (format!("{} ({hint})", e.message),),
                )
            }
            _ => raise(
                py,
                "InvalidCredentialsException",
                (format!("{}. {}", e.message, e.detail),),
            ),
        },
        Error::Config(e) => config(py, e.to_string()),
        Error::Schema(message) => raise(py, "SchemaException", (message,)),
        Error::Transport { message, .. } => raise(py, "TransportException", (message,)),
        Error::Task(task) => match *task {
            TaskError::Failed {
                task_id,
                logs,
                task,
            } => {
                let task = match pythonize::pythonize(py, &task) {
                    Ok(task) => task,
                    Err(err) => return err.into(),
                };
                raise(py, "TaskFailedException", (task_id, logs, task))
            }
            TaskError::Timeout {
                task_id,
                status,
                waited,
            } => raise(
                py,
                "TaskTimeoutException",
                (task_id, status, waited.as_secs_f64()),
            ),
            other => validation(py, other.to_string()),
        },
        // An interceptor's callable raised: raise its exception.
        Error::Interceptor { source, .. } => match source.downcast::<PyErr>() {
            Ok(raised) => *raised,
            Err(other) => PyRuntimeError::new_err(other.to_string()),
        },
        e @ Error::Timeout { .. } => raise(py, "TransportException", (e.to_string(),)),
        other => PyRuntimeError::new_err(other.to_string()),
    }
}
