//! The arguments of a call: path parameters, query parameters and body fields by name, and
//! a whole body for operations whose body is not an object of fields.

use serde_json::{Map, Value};

use crate::error::{Result, ValidationError};

/// The arguments of an operation: path parameters, query parameters and body fields, by
/// name, as the Python SDK's keyword arguments.
///
/// Made from a JSON object (`serde_json::Map` or `Value::Object`), `()`, or pairs; the
/// [`args!`](crate::args) macro is the short form.
///
/// ```
/// use serde_json::json;
/// use staxapp::{Args, args};
///
/// let a: Args = args! {"filter" => "ACTIVE", "limit" => 2};
/// let b: Args = json!({"filter": "ACTIVE", "limit": 2}).into();
/// let c: Args = [("filter", json!("ACTIVE")), ("limit", json!(2))].into();
/// assert_eq!(a, b);
/// assert_eq!(b, c);
/// assert!(Args::from(()).is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Args {
    map: Map<String, Value>,
    /// The whole request body, when it is given apart from the named arguments.
    body: Option<Value>,
    /// Set when the arguments were given as JSON that is not an object.
    invalid: Option<String>,
}

impl Args {
    /// No arguments.
    pub fn new() -> Self {
        Args::default()
    }

    /// Adds or replaces one argument.
    pub fn set(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.map.insert(name.into(), value.into());
        self
    }

    /// Gives the whole request body, for operations whose body is not an object of fields:
    /// the Permission Sets API's `CreatePermissionSetAssignments` takes a JSON array. The
    /// named arguments may then only be path parameters.
    ///
    /// ```
    /// use serde_json::json;
    /// use staxapp::args;
    ///
    /// let a = args! {"permission_set_id" => "p-1"}.body(json!([{"GroupId": "g", "AccountTypeId": "t"}]));
    /// assert!(a.whole_body().unwrap().is_array());
    /// ```
    pub fn body(mut self, body: impl Into<Value>) -> Self {
        self.body = Some(body.into());
        self
    }

    /// The whole request body given with [`body`](Self::body), if any.
    pub fn whole_body(&self) -> Option<&Value> {
        self.body.as_ref()
    }

    /// True when there are no arguments (and no whole body).
    pub fn is_empty(&self) -> bool {
        self.map.is_empty() && self.body.is_none()
    }

    /// The arguments as a JSON object.
    pub fn as_map(&self) -> &Map<String, Value> {
        &self.map
    }

    /// The arguments as a JSON object, or the error for arguments that were not one. A whole
    /// body given with [`body`](Self::body) is dropped: see [`into_parts`](Self::into_parts).
    pub fn into_map(self) -> Result<Map<String, Value>> {
        self.into_parts().map(|(map, _)| map)
    }

    /// The named arguments and the whole body, or the error for arguments that were not a
    /// JSON object.
    pub fn into_parts(self) -> Result<(Map<String, Value>, Option<Value>)> {
        match self.invalid {
            Some(kind) => Err(ValidationError::InvalidArgument {
                name: "<arguments>".into(),
                reason: format!(
                    "arguments must be a JSON object, not {kind} (an array body goes in Args::body, beside the path parameters)"
                ),
            }
            .into()),
            None => Ok((self.map, self.body)),
        }
    }
}

impl From<Map<String, Value>> for Args {
    fn from(map: Map<String, Value>) -> Self {
        Args {
            map,
            ..Args::default()
        }
    }
}

impl From<Value> for Args {
    fn from(value: Value) -> Self {
        match value {
            Value::Object(map) => map.into(),
            Value::Null => Args::default(),
            other => Args {
                invalid: Some(
                    match other {
                        Value::Bool(_) => "a boolean",
                        Value::Number(_) => "a number",
                        Value::String(_) => "a string",
                        _ => "an array",
                    }
                    .to_owned(),
                ),
                ..Args::default()
            },
        }
    }
}

impl From<()> for Args {
    fn from(_: ()) -> Self {
        Args::default()
    }
}

impl<K: Into<String>, V: Into<Value>, const N: usize> From<[(K, V); N]> for Args {
    fn from(pairs: [(K, V); N]) -> Self {
        pairs.into_iter().collect()
    }
}

impl<K: Into<String>, V: Into<Value>> From<Vec<(K, V)>> for Args {
    fn from(pairs: Vec<(K, V)>) -> Self {
        pairs.into_iter().collect()
    }
}

impl<K: Into<String>, V: Into<Value>> FromIterator<(K, V)> for Args {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        iter.into_iter()
            .fold(Args::default(), |args, (k, v)| args.set(k, v))
    }
}

/// Builds [`Args`]: `args! {"name" => value, ...}`, each value anything `serde_json::json!`
/// accepts (literals, `{..}` objects, `[..]` arrays, or any Rust expression).
///
/// ```
/// use staxapp::args;
///
/// let ids = vec!["a", "b"];
/// let args = args! {
///     "account_id" => "abc",
///     "include_tags" => true,
///     "limit" => 10,
///     "Tags" => {"team": "data"},
///     "ids" => ids.clone(),
///     "first" => ids[0],
/// };
/// assert_eq!(args.as_map()["limit"], 10);
/// assert_eq!(args.as_map()["Tags"]["team"], "data");
/// assert_eq!(args.as_map()["first"], "a");
/// assert!(args! {}.is_empty());
/// ```
#[macro_export]
macro_rules! args {
    () => { $crate::Args::new() };
    (@acc $args:expr; ) => { $args };
    (@acc $args:expr; $name:expr => $($rest:tt)*) => {
        $crate::args!(@val $args; $name; []; $($rest)*)
    };
    (@val $args:expr; $name:expr; [$($value:tt)*]; , $($rest:tt)*) => {
        $crate::args!(@acc $args.set($name, ::serde_json::json!($($value)*)); $($rest)*)
    };
    (@val $args:expr; $name:expr; [$($value:tt)*]; ) => {
        $args.set($name, ::serde_json::json!($($value)*))
    };
    (@val $args:expr; $name:expr; [$($value:tt)*]; $next:tt $($rest:tt)*) => {
        $crate::args!(@val $args; $name; [$($value)* $next]; $($rest)*)
    };
    ($($tokens:tt)+) => { $crate::args!(@acc $crate::Args::new(); $($tokens)+) };
}
