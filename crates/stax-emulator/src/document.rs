//! The served OpenAPI 3.0 document, and request-body validation against it.
//!
//! The emulator's own document is assembled by the areas (`areas::document`); with
//! `--openapi PATH` the given document is served instead, and bodies are checked against it.

use serde_json::{Map, Value};
use stax_openapi::{Dialect, Direction, SchemaError, Spec, Target, Validator};

/// A document being served, with the validators of its request bodies (compiled on first
/// use by the shared OpenAPI core, read as OpenAPI 3.0).
pub(crate) struct Document {
    spec: Spec,
}

impl Document {
    /// The document `json`, with a validator for each of its components.
    pub fn new(json: Value) -> Document {
        Document {
            spec: Spec::new(json, Dialect::openapi30()),
        }
    }

    /// Checks the request body `body` against the component `component`; `Err` names the
    /// failing fields (up to three). A component the document does not have, or whose schema
    /// does not compile, accepts anything.
    pub fn validate(&self, component: &str, body: &Value) -> Result<(), String> {
        let validator = match self
            .spec
            .validator(Target::Component(component), Direction::Request)
        {
            Ok(validator) => validator,
            Err(SchemaError::MissingComponent(_)) => return Ok(()),
            Err(err) => {
                tracing::warn!(component, error = %err, "schema not compiled; body not checked");
                return Ok(());
            }
        };
        check(&validator, body)
    }
}

/// Checks `value` against `validator`; `Err` names the failing fields (up to three).
pub(crate) fn check(validator: &Validator, value: &Value) -> Result<(), String> {
    let errors: Vec<String> = validator
        .violations(value)
        .take(3)
        .map(|v| {
            if v.instance_path.is_empty() {
                v.message
            } else {
                format!("{}: {}", v.instance_path, v.message)
            }
        })
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.join("; "))
    }
}

/// A request body as JSON; nothing (or only white space) is `{}`. `Err` says why it is not
/// JSON.
pub(crate) fn parse_body(bytes: &[u8]) -> Result<Value, String> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(Map::new()));
    }
    serde_json::from_slice(bytes).map_err(|e| format!("Request body is not valid JSON: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn bodies_are_read_as_openapi_30_requests() {
        let doc = Document::new(json!({"paths": {}, "components": {"schemas": {
            "Thing": {"type": "object", "required": ["Id", "Name"], "additionalProperties": false,
                      "properties": {"Id": {"type": "string", "readOnly": true},
                                     "Name": {"type": "string", "nullable": true, "minLength": 2}}},
            "Broken": {"type": "string", "pattern": "(("}
        }}}));
        doc.validate("Thing", &json!({"Name": null})).unwrap();
        doc.validate("Thing", &json!({"Name": "ab"})).unwrap();
        let err = doc
            .validate("Thing", &json!({"Name": "a", "X": 1}))
            .unwrap_err();
        assert!(
            err.contains("/Name: \"a\" is shorter than 2 characters"),
            "{err}"
        );
        assert!(err.contains("Additional properties"), "{err}");
        assert!(doc.validate("Broken", &json!(5)).is_ok());
    }
}
