//! Python values <-> JSON.
//!
//! Keyword arguments become JSON with `pythonize`. A value that has no JSON form (a
//! `uuid.UUID`, a `datetime`, a `Decimal`) is sent as its `str()` when it lands in the path or
//! the query string, as `requests` does for staxapp; in a body it is refused with
//! `ValidationException`, as staxapp's schema check refuses it.

use pyo3::prelude::*;
use pyo3::types::PyDict;
use serde_json::{Map, Value};

/// The keyword arguments of one call, as JSON.
#[derive(Debug, Default)]
pub struct Arguments {
    /// Every argument; the ones without a JSON form as their `str()`.
    pub args: Map<String, Value>,
    /// The arguments sent as their `str()`, with their Python type's name.
    pub stringified: Vec<(String, String)>,
}

impl Arguments {
    /// The first stringified argument that ended up in `body`, if any.
    pub fn stringified_in(&self, body: &Value) -> Option<&(String, String)> {
        let body = body.as_object()?;
        self.stringified
            .iter()
            .find(|(name, _)| body.contains_key(name))
    }
}

/// Converts a call's keyword arguments.
pub fn arguments(kwargs: Option<&Bound<'_, PyDict>>) -> PyResult<Arguments> {
    let mut out = Arguments::default();
    let Some(kwargs) = kwargs else {
        return Ok(out);
    };
    for (key, value) in kwargs.iter() {
        let name: String = key.str()?.to_string();
        match pythonize::depythonize::<Value>(&value) {
            Ok(json) => {
                out.args.insert(name, json);
            }
            Err(_) => {
                let text = value.str()?.to_string();
                let kind = value.get_type().name()?.to_string();
                out.args.insert(name.clone(), Value::String(text));
                out.stringified.push((name, kind));
            }
        }
    }
    Ok(out)
}

/// A JSON value as Python `dict`/`list`/`str`/`int`/`float`/`bool`/`None`.
pub fn to_python(py: Python<'_>, value: &Value) -> PyResult<Py<PyAny>> {
    Ok(pythonize::pythonize(py, value)?.unbind())
}
