//! Python values <-> JSON.
//!
//! Keyword arguments become JSON here (answers go back to Python with `pythonize`, whose
//! conversion of Python values recurses without limit and overflows the stack on a list that
//! contains itself; ours stops at [`MAX_DEPTH`]), except path parameters, which are put in
//! the path as their `str()` whatever their type, as staxapp's f-string does (`None` becomes
//! `None`, and the server answers). A value that has no JSON form (a `uuid.UUID`, a
//! `datetime`, a `Decimal`) is sent as its `str()` when it lands in the query string, as
//! `requests` does for staxapp; in a body it is refused with `ValidationException`, as
//! staxapp's schema check refuses it.

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde_json::{Map, Number, Value};

/// The deepest nesting of lists and dicts converted (Stax's bodies nest a few levels).
pub const MAX_DEPTH: usize = 64;

/// The keyword arguments of one call, as JSON.
#[derive(Debug, Default)]
pub struct Arguments {
    /// Every argument; the ones without a JSON form as their `str()`.
    pub args: Map<String, Value>,
    /// The arguments sent as their `str()`, with their Python type's name.
    pub stringified: Vec<(String, String)>,
}

/// The first of the `stringified` arguments that ended up in `body`, if any.
pub fn stringified_in<'a>(
    stringified: &'a [(String, String)],
    body: &Value,
) -> Option<&'a (String, String)> {
    let body = body.as_object()?;
    stringified.iter().find(|(name, _)| body.contains_key(name))
}

/// Converts a call's keyword arguments; `path_params` are the names that stand for path
/// segments of the operation.
pub fn arguments(kwargs: Option<&Bound<'_, PyDict>>, path_params: &[&str]) -> PyResult<Arguments> {
    let mut out = Arguments::default();
    let Some(kwargs) = kwargs else {
        return Ok(out);
    };
    for (key, value) in kwargs.iter() {
        let name = key.str().map(|k| self::name(&k))?;
        if path_params.contains(&name.as_str()) && !value.is_instance_of::<PyString>() {
            let text = python_str(&value, &name)?;
            out.args.insert(name, Value::String(text));
            continue;
        }
        match to_json(&value, 0) {
            Some(json) => {
                out.args.insert(name, json);
            }
            None => {
                let kind = value.get_type().name()?.to_string();
                let text = python_str(&value, &name)?;
                out.args.insert(name.clone(), Value::String(text));
                out.stringified.push((name, kind));
            }
        }
    }
    Ok(out)
}

/// `str(value)`, as staxapp's f-strings and `requests` put it in a URL. `str()` itself can
/// fail (a list nested thousands deep): then the argument is refused.
fn python_str(value: &Bound<'_, PyAny>, name: &str) -> PyResult<String> {
    match value.str() {
        Ok(text) => Ok(text.to_string_lossy().into_owned()),
        Err(e) => Err(crate::errors::validation(
            value.py(),
            format!("{name}: this value cannot be sent ({e})"),
        )),
    }
}

/// The text of a name given from Python, lone surrogates replaced (such a name matches no
/// class or operation, and says so).
pub fn name(text: &Bound<'_, PyString>) -> String {
    text.to_string_lossy().into_owned()
}

/// The JSON form of a Python value: `None`, `bool`, `int` (64 bits), finite `float`, `str`,
/// `list`/`tuple` and `dict` with `str` keys, nested at most [`MAX_DEPTH`] deep; `None` for
/// anything else.
pub fn to_json(value: &Bound<'_, PyAny>, depth: usize) -> Option<Value> {
    if depth > MAX_DEPTH {
        return None;
    }
    if value.is_none() {
        Some(Value::Null)
    } else if let Ok(b) = value.cast::<PyBool>() {
        Some(Value::Bool(b.is_true()))
    } else if value.is_instance_of::<PyInt>() {
        if let Ok(n) = value.extract::<i64>() {
            Some(Value::from(n))
        } else {
            value.extract::<u64>().ok().map(Value::from)
        }
    } else if let Ok(f) = value.cast::<PyFloat>() {
        Number::from_f64(f.value()).map(Value::Number)
    } else if let Ok(s) = value.cast::<PyString>() {
        s.to_cow().ok().map(|s| Value::String(s.into_owned()))
    } else if let Ok(list) = value.cast::<PyList>() {
        list.iter().map(|item| to_json(&item, depth + 1)).collect()
    } else if let Ok(tuple) = value.cast::<PyTuple>() {
        tuple.iter().map(|item| to_json(&item, depth + 1)).collect()
    } else if let Ok(dict) = value.cast::<PyDict>() {
        let mut map = Map::new();
        for (key, item) in dict.iter() {
            let key = key.cast::<PyString>().ok()?.to_cow().ok()?.into_owned();
            map.insert(key, to_json(&item, depth + 1)?);
        }
        Some(Value::Object(map))
    } else {
        None
    }
}

/// A JSON value as Python `dict`/`list`/`str`/`int`/`float`/`bool`/`None`.
pub fn to_python(py: Python<'_>, value: &Value) -> PyResult<Py<PyAny>> {
    Ok(pythonize::pythonize(py, value)?.unbind())
}
