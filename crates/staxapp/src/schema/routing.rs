//! Routing (PARITY.md O4, O5): which path variant a call uses, and how its arguments become
//! the path, the query string and the body.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::{Map, Value};

use crate::error::ValidationError;
use stax_openapi::describe::json_kind;
use stax_openapi::operations::{Operation, method_has_body};

/// Everything but RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`) is encoded.
const ENCODE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A routed call: the method, concrete path, query and body to send.
///
/// Built by [`Document::route`](super::Document::route) (no validation) or
/// [`Document::prepare`](super::Document::prepare) (routed and validated).
#[derive(Debug, Clone, PartialEq)]
pub struct PreparedRequest {
    /// The service, e.g. `accounts`.
    pub service: String,
    /// The operation, e.g. `ReadAccounts`.
    pub operation: String,
    /// The HTTP method of the chosen variant.
    pub method: http::Method,
    /// The concrete path: the chosen template (as the document writes it, version prefix
    /// included) with each path parameter replaced by its value, percent-encoded as one path
    /// segment (`/` in a value becomes `%2F`).
    pub path: String,
    /// For methods without a body: the remaining arguments, in argument order. Strings are sent
    /// as they are, numbers and booleans as JSON text (`true`), arrays repeat the key for each
    /// element, objects are compact JSON; `null` values are left out (as `requests` does).
    pub query: Vec<(String, String)>,
    /// For `PUT`/`POST` (and `PATCH`): the remaining arguments as a JSON object (`{}` when none).
    /// `None` for other methods.
    pub body: Option<Value>,
    /// For `PUT`/`POST` (and `PATCH`): the component the body is validated against, the request
    /// body's `$ref` component or `service.Operation`.
    pub validates_against: Option<String>,
}

impl PreparedRequest {
    /// The query as `a=b&c=d`, keys and values percent-encoded (RFC 3986 unreserved characters
    /// kept, space as `%20`). Empty when there is no query.
    pub fn query_string(&self) -> String {
        let mut out = String::new();
        for (key, value) in &self.query {
            if !out.is_empty() {
                out.push('&');
            }
            out.extend(utf8_percent_encode(key, ENCODE));
            out.push('=');
            out.extend(utf8_percent_encode(value, ENCODE));
        }
        out
    }

    /// Makes `body` the whole request body, for operations whose body is not an object of
    /// fields (the Permission Sets API's `CreatePermissionSetAssignments` takes a JSON array).
    /// Only a request with a body whose arguments were all path parameters can take one: any
    /// other argument would have no place in it.
    ///
    /// ```
    /// use serde_json::json;
    /// use staxapp::Api;
    /// use staxapp::schema::Document;
    ///
    /// let doc = Document::from_value_with(json!({"paths": {
    ///     "/sets/{set_id}/assignments": {"post": {"operationId": "CreateAssignments"}}
    /// }}), &Api::PERMISSION_SETS.layout())?;
    /// let args = json!({"set_id": "s-1"}).as_object().unwrap().clone();
    /// let mut request = doc.route("permission-sets", "CreateAssignments", args)?;
    /// request.set_body(json!([{"GroupId": "g-1", "AccountTypeId": "t-1"}]))?;
    /// assert!(request.body.as_ref().unwrap().is_array());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn set_body(&mut self, body: Value) -> Result<(), ValidationError> {
        let operation = format!("{}.{}", self.service, self.operation);
        match &self.body {
            None => Err(ValidationError::InvalidArgument {
                name: "<body>".into(),
                reason: format!(
                    "{operation} is a {} without a body: a whole body has nowhere to go",
                    self.method
                ),
            }),
            Some(Value::Object(fields)) if !fields.is_empty() => {
                let names: Vec<&str> = fields.keys().map(String::as_str).collect();
                Err(ValidationError::InvalidArgument {
                    name: "<body>".into(),
                    reason: format!(
                        "the whole body of {operation} is given, so the arguments {names:?} have no place in it (give path parameters only)"
                    ),
                })
            }
            _ => {
                self.body = Some(body);
                Ok(())
            }
        }
    }

    /// The path followed by `?` and [`PreparedRequest::query_string`] when there is a query.
    pub fn path_and_query(&self) -> String {
        let query = self.query_string();
        if query.is_empty() {
            self.path.clone()
        } else {
            format!("{}?{query}", self.path)
        }
    }
}

/// Routes a call of `operation` with `args`, as staxapp does: the last variant (in the
/// operation's order) whose path parameters are all among the argument names wins.
pub(crate) fn route(
    operation: &Operation,
    args: Map<String, Value>,
) -> Result<PreparedRequest, ValidationError> {
    let chosen = operation
        .variants
        .iter()
        .rev()
        .find(|v| v.path_params.iter().all(|p| args.contains_key(p)));
    let Some(variant) = chosen else {
        return Err(ValidationError::MissingParameters {
            parameters: operation
                .variants
                .last()
                .map(|v| v.path_params.clone())
                .unwrap_or_default(),
        });
    };

    let mut path = String::with_capacity(variant.path.len() + 16);
    for (i, segment) in variant.path.split('/').enumerate() {
        if i > 0 {
            path.push('/');
        }
        if segment.contains('{') {
            let name = segment.replace(['{', '}'], "");
            // Present: the variant was chosen because all its parameters are.
            let value = args.get(&name).unwrap_or(&Value::Null);
            let text = path_value(&name, value)?;
            path.extend(utf8_percent_encode(&text, ENCODE));
        } else {
            path.push_str(segment);
        }
    }

    let rest = args
        .into_iter()
        .filter(|(name, _)| !variant.path_params.contains(name));
    let (query, body, validates_against) = if method_has_body(&variant.method) {
        (
            Vec::new(),
            Some(Value::Object(rest.collect())),
            variant.validates_against(&operation.service, &operation.name),
        )
    } else {
        let mut query = Vec::new();
        for (name, value) in rest {
            push_query(&mut query, name, value);
        }
        (query, None, None)
    };

    Ok(PreparedRequest {
        service: operation.service.clone(),
        operation: operation.name.clone(),
        method: variant.method.clone(),
        path,
        query,
        body,
        validates_against,
    })
}

/// The text of a path parameter's value. Only strings, numbers and booleans fit in a path
/// segment; an empty value, `.` or `..` would change which resource the path names.
fn path_value(name: &str, value: &Value) -> Result<String, ValidationError> {
    let text = match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        other => {
            return Err(ValidationError::InvalidArgument {
                name: name.to_owned(),
                reason: format!(
                    "a path parameter must be a string, number or boolean, not {}",
                    json_kind(other)
                ),
            });
        }
    };
    if text.is_empty() || text == "." || text == ".." {
        return Err(ValidationError::InvalidArgument {
            name: name.to_owned(),
            reason: format!("{text:?} cannot be used as a path segment"),
        });
    }
    Ok(text)
}

fn push_query(query: &mut Vec<(String, String)>, name: String, value: Value) {
    match value {
        Value::Null => {}
        Value::Array(items) => {
            for item in items {
                if let Some(text) = query_text(item) {
                    query.push((name.clone(), text));
                }
            }
        }
        other => {
            if let Some(text) = query_text(other) {
                query.push((name, text));
            }
        }
    }
}

fn query_text(value: Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) => Some(s),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        nested @ (Value::Array(_) | Value::Object(_)) => Some(nested.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn request(query: &[(&str, &str)]) -> PreparedRequest {
        PreparedRequest {
            service: "s".into(),
            operation: "Op".into(),
            method: http::Method::GET,
            path: "/x".into(),
            query: query
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            body: None,
            validates_against: None,
        }
    }

    #[test]
    fn query_strings_keep_unreserved_characters() {
        let r = request(&[("a b", "x&y=z"), ("k", "~-._AZ09"), ("u", "é/?#+")]);
        assert_eq!(
            r.query_string(),
            "a%20b=x%26y%3Dz&k=~-._AZ09&u=%C3%A9%2F%3F%23%2B"
        );
        assert_eq!(
            r.path_and_query(),
            "/x?a%20b=x%26y%3Dz&k=~-._AZ09&u=%C3%A9%2F%3F%23%2B"
        );
        assert_eq!(request(&[]).path_and_query(), "/x");
    }

    #[test]
    fn query_values_are_stringified() {
        let mut query = Vec::new();
        let args = json!({
            "s": "text", "n": 5, "f": 1.5, "b": true, "none": null,
            "list": ["a", 2, null, false, {"k": 1}], "obj": {"k": [1, 2]}
        });
        for (k, v) in args.as_object().unwrap().clone() {
            push_query(&mut query, k, v);
        }
        let expected: Vec<(String, String)> = [
            ("s", "text"),
            ("n", "5"),
            ("f", "1.5"),
            ("b", "true"),
            ("list", "a"),
            ("list", "2"),
            ("list", "false"),
            ("list", r#"{"k":1}"#),
            ("obj", r#"{"k":[1,2]}"#),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        assert_eq!(query, expected);
    }

    #[test]
    fn path_values_must_be_scalars_and_real_segments() {
        assert_eq!(path_value("id", &json!(12)).unwrap(), "12");
        assert_eq!(path_value("id", &json!(false)).unwrap(), "false");
        for bad in [
            json!(null),
            json!([1]),
            json!({}),
            json!(""),
            json!("."),
            json!(".."),
        ] {
            let err = path_value("id", &bad).unwrap_err();
            assert!(
                matches!(&err, ValidationError::InvalidArgument { name, .. } if name == "id"),
                "{bad}: {err}"
            );
        }
    }
}
