//! The emulator's own OpenAPI 3.0 document, and request-body validation against it.
//!
//! Paths, field names and enums follow Stax's API; the wording is the emulator's. Each
//! operation carries `x-stax-sdk-operation-id` (`service.Operation`); PUT and POST bodies are
//! `$ref`s to components named like Stax's, which is what SDKs validate against.
//! With `--openapi PATH` the given document is served instead, and bodies are checked against it.

use serde_json::Value;
use stax_openapi::{Dialect, Direction, SchemaError, Spec, Target};

mod catalogue;

/// A document being served, with the validators of its request bodies (compiled on first
/// use by the shared OpenAPI core, read as OpenAPI 3.0).
pub(crate) struct Document {
    /// The document as served.
    pub text: String,
    spec: Spec,
}

impl Document {
    /// The emulator's own document.
    pub fn own() -> Document {
        Self::from_json(catalogue::document())
    }

    /// A document read from `--openapi`.
    pub fn external(json: Value) -> Document {
        Self::from_json(json)
    }

    fn from_json(json: Value) -> Document {
        Document {
            text: json.to_string(),
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
        let errors: Vec<String> = validator
            .violations(body)
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn bodies_are_read_as_openapi_30_requests() {
        let doc = Document::external(json!({"paths": {}, "components": {"schemas": {
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

    #[test]
    fn own_document_has_ids_and_validates() {
        let doc = Document::own();
        let json: Value = serde_json::from_str(&doc.text).unwrap();
        let mut ids = Vec::new();
        for item in json["paths"].as_object().unwrap().values() {
            for op in item.as_object().unwrap().values() {
                ids.push(op["x-stax-sdk-operation-id"].as_str().unwrap().to_owned());
            }
        }
        assert!(ids.contains(&"accounts.ReadAccounts".to_owned()));
        assert!(ids.contains(&"public.ReadConfig".to_owned()));
        assert!(ids.contains(&"tasks.ReadTask".to_owned()));
        assert!(doc.validate("no.Such", &json!(1)).is_ok());
    }
}
