//! Body validation (PARITY.md O6): JSON Schema validators for the document's components,
//! compiled lazily, once per component, and cached.
//!
//! The whole document is registered as one JSON Schema resource, so `$ref`s such as
//! `#/components/schemas/Foo` inside a component resolve against it. Schemas are read as
//! JSON Schema 2020-12 (what staxapp's `jsonschema.validate` uses for schemas without
//! `$schema`); OpenAPI 3.0 extras (`nullable`, `example`, `readOnly`, `x-*`, `discriminator`)
//! are unknown keywords and so annotations, and `format` is not asserted (staxapp passes no
//! format checker).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use jsonschema::{Draft, Registry, Validator};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::{Map, Value};

use super::operations::escape_pointer;
use crate::error::ValidationError;

/// The URI the document is registered under.
const DOC_URI: &str = "urn:staxapp:oas3-document";

/// Characters escaped in a URI fragment built from a component name.
const FRAGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/');

type Compiled = Result<Arc<Validator>, String>;

/// Validators of one document, built on first use.
#[derive(Default)]
pub(crate) struct Validators {
    registry: OnceLock<Result<Registry<'static>, String>>,
    compiled: Mutex<HashMap<String, Arc<OnceLock<Compiled>>>>,
}

impl std::fmt::Debug for Validators {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let compiled = self
            .compiled
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len();
        f.debug_struct("Validators")
            .field("registry_ready", &self.registry.get().is_some())
            .field("compiled", &compiled)
            .finish()
    }
}

impl Validators {
    /// Validates `body` against `components.schemas[component]` of `doc`.
    pub(crate) fn validate(
        &self,
        doc: &Value,
        component: &str,
        body: &Value,
    ) -> Result<(), ValidationError> {
        let exists = doc
            .get("components")
            .and_then(|c| c.get("schemas"))
            .and_then(Value::as_object)
            .is_some_and(|schemas| schemas.contains_key(component));
        if !exists {
            return Err(ValidationError::MissingComponent {
                component: component.to_owned(),
            });
        }
        let validator =
            self.validator(doc, component)
                .map_err(|reason| ValidationError::UnusableSchema {
                    component: component.to_owned(),
                    reason,
                })?;
        // As `jsonschema.best_match` does: the shallowest error, preferring a specific one
        // over an `anyOf`/`oneOf` summary; the first of equals.
        let best = validator.iter_errors(body).min_by_key(|error| {
            let weak = matches!(error.kind().keyword(), "anyOf" | "oneOf");
            (error.instance_path().segments().count(), weak)
        });
        match best {
            None => Ok(()),
            Some(error) => {
                let instance_path = error.instance_path().as_str().to_owned();
                let mut message = error.to_string();
                if !instance_path.is_empty() {
                    message.push_str(" at ");
                    message.push_str(&instance_path);
                }
                Err(ValidationError::Body {
                    message,
                    schema: component.to_owned(),
                    instance_path,
                })
            }
        }
    }

    /// The cached validator for `component`, compiling it on first use. Only one thread
    /// compiles a given component; others wait for its result.
    fn validator(&self, doc: &Value, component: &str) -> Compiled {
        let cell = {
            let mut compiled = self.compiled.lock().unwrap_or_else(PoisonError::into_inner);
            Arc::clone(compiled.entry(component.to_owned()).or_default())
        };
        cell.get_or_init(|| self.compile(doc, component)).clone()
    }

    fn compile(&self, doc: &Value, component: &str) -> Compiled {
        let registry = self
            .registry
            .get_or_init(|| {
                Registry::new()
                    .draft(Draft::Draft202012)
                    .add(DOC_URI, Arc::new(lenient_copy(doc)))
                    .and_then(|builder| builder.prepare())
                    .map_err(|e| format!("the document cannot be used as a JSON Schema: {e}"))
            })
            .as_ref()
            .map_err(Clone::clone)?;
        let fragment = format!("/components/schemas/{}", escape_pointer(component));
        let root = serde_json::json!({
            "$ref": format!("{DOC_URI}#{}", utf8_percent_encode(&fragment, FRAGMENT))
        });
        jsonschema::options()
            .with_draft(Draft::Draft202012)
            .should_validate_formats(false)
            .with_registry(registry)
            .build(&root)
            .map(Arc::new)
            .map_err(|e| e.to_string())
    }
}

/// A copy of the document whose component schemas are made acceptable to a JSON Schema
/// 2020-12 compiler where OpenAPI 3.0 (JSON Schema draft 4 heritage) differs or documents
/// err: boolean `exclusiveMinimum`/`exclusiveMaximum` become numeric, and a `required` that
/// is not a list of names, or a `type` that is not a JSON Schema type, is dropped.
fn lenient_copy(doc: &Value) -> Value {
    let mut copy = doc.clone();
    if let Some(schemas) = copy
        .get_mut("components")
        .and_then(|c| c.get_mut("schemas"))
        .and_then(Value::as_object_mut)
    {
        for schema in schemas.values_mut() {
            fix_schema(schema, 0);
        }
    }
    copy
}

const MAX_DEPTH: usize = 128;
const TYPES: [&str; 7] = [
    "null", "boolean", "object", "array", "number", "string", "integer",
];

fn fix_schema(schema: &mut Value, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    for (flag, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        match object.get(flag) {
            Some(Value::Bool(true)) => match object.shift_remove(bound) {
                Some(limit @ Value::Number(_)) => {
                    object.insert(flag.to_owned(), limit);
                }
                _ => {
                    object.shift_remove(flag);
                }
            },
            Some(Value::Bool(false)) => {
                object.shift_remove(flag);
            }
            _ => {}
        }
    }
    let required_ok = match object.get("required") {
        None => true,
        Some(Value::Array(names)) => names.iter().all(Value::is_string),
        Some(_) => false,
    };
    if !required_ok {
        object.shift_remove("required");
    }
    let type_ok = match object.get("type") {
        None => true,
        Some(Value::String(t)) => TYPES.contains(&t.as_str()),
        Some(Value::Array(ts)) => ts
            .iter()
            .all(|t| t.as_str().is_some_and(|t| TYPES.contains(&t))),
        Some(_) => false,
    };
    if !type_ok {
        object.shift_remove("type");
    }
    fix_children(object, depth);
}

fn fix_children(object: &mut Map<String, Value>, depth: usize) {
    for keyword in [
        "additionalProperties",
        "items",
        "not",
        "contains",
        "propertyNames",
        "if",
        "then",
        "else",
        "unevaluatedItems",
        "unevaluatedProperties",
        "additionalItems",
    ] {
        if let Some(child) = object.get_mut(keyword) {
            match child {
                Value::Array(list) => list.iter_mut().for_each(|s| fix_schema(s, depth + 1)),
                other => fix_schema(other, depth + 1),
            }
        }
    }
    for keyword in ["allOf", "anyOf", "oneOf", "prefixItems"] {
        if let Some(Value::Array(list)) = object.get_mut(keyword) {
            list.iter_mut().for_each(|s| fix_schema(s, depth + 1));
        }
    }
    for keyword in [
        "properties",
        "patternProperties",
        "$defs",
        "definitions",
        "dependentSchemas",
    ] {
        if let Some(Value::Object(map)) = object.get_mut(keyword) {
            map.values_mut().for_each(|s| fix_schema(s, depth + 1));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Value {
        json!({
            "components": {"schemas": {
                "Thing": {
                    "type": "object",
                    "properties": {
                        "Name": {"type": "string", "pattern": "^[a-z]+$", "nullable": true, "example": "x", "x-extra": 1},
                        "When": {"type": "string", "format": "date-time"},
                        "Mail": {"type": "string", "format": "no-such-format"},
                        "Id": {"$ref": "#/components/schemas/Id"},
                        "Count": {"type": "integer", "minimum": 0, "exclusiveMinimum": true},
                        "Odd": {"type": "file", "required": true}
                    },
                    "required": ["Name"],
                    "additionalProperties": false
                },
                "Id": {"type": "string", "pattern": "^[0-9]+$"},
                "a/b~c": {"type": "integer"},
                "Bad regex": {"type": "string", "pattern": "(unclosed"}
            }}
        })
    }

    #[test]
    fn refs_annotations_and_formats() {
        let doc = doc();
        let v = Validators::default();
        v.validate(
            &doc,
            "Thing",
            &json!({"Name": "abc", "When": "not a date", "Mail": "?", "Id": "12"}),
        )
        .unwrap();
        let err = v
            .validate(&doc, "Thing", &json!({"Name": "abc", "Id": "x"}))
            .unwrap_err();
        match err {
            ValidationError::Body {
                message,
                schema,
                instance_path,
            } => {
                assert_eq!(schema, "Thing");
                assert_eq!(instance_path, "/Id");
                assert_eq!(message, r#""x" does not match "^[0-9]+$" at /Id"#);
            }
            other => panic!("unexpected {other:?}"),
        }
        // `nullable` is an annotation, as for staxapp.
        assert!(v.validate(&doc, "Thing", &json!({"Name": null})).is_err());
    }

    #[test]
    fn draft4_exclusive_bounds_are_converted() {
        let doc = doc();
        let v = Validators::default();
        v.validate(&doc, "Thing", &json!({"Name": "a", "Count": 1}))
            .unwrap();
        let err = v
            .validate(&doc, "Thing", &json!({"Name": "a", "Count": 0}))
            .unwrap_err();
        assert!(err.to_string().contains("/Count"), "{err}");
    }

    #[test]
    fn the_shallowest_error_is_reported() {
        let doc = doc();
        let v = Validators::default();
        let err = v
            .validate(&doc, "Thing", &json!({"Id": "x", "Extra": 1}))
            .unwrap_err();
        let ValidationError::Body {
            message,
            instance_path,
            ..
        } = err
        else {
            panic!("not a body error");
        };
        assert_eq!(instance_path, "");
        assert!(
            message.contains("\"Name\" is a required property")
                || message.contains("Additional properties"),
            "{message}"
        );
    }

    #[test]
    fn odd_component_names_and_missing_ones() {
        let doc = doc();
        let v = Validators::default();
        v.validate(&doc, "a/b~c", &json!(3)).unwrap();
        assert!(v.validate(&doc, "a/b~c", &json!("3")).is_err());
        assert_eq!(
            v.validate(&doc, "Nope", &json!({})).unwrap_err(),
            ValidationError::MissingComponent {
                component: "Nope".into()
            }
        );
        let err = v.validate(&doc, "Bad regex", &json!("x")).unwrap_err();
        assert!(
            matches!(&err, ValidationError::UnusableSchema { component, .. } if component == "Bad regex"),
            "{err:?}"
        );
        // The failure is cached, as successes are.
        assert!(v.validate(&doc, "Bad regex", &json!("x")).is_err());
        assert_eq!(
            v.compiled.lock().unwrap().len(),
            2,
            "one entry per component asked for"
        );
    }

    #[test]
    fn no_components_at_all() {
        let v = Validators::default();
        assert!(matches!(
            v.validate(&json!({"paths": {}}), "X", &json!({})),
            Err(ValidationError::MissingComponent { .. })
        ));
    }

    #[test]
    fn an_external_ref_spoils_only_its_component() {
        let doc = json!({"components": {"schemas": {
            "Ext": {"$ref": "https://example.com/other.json#/X"},
            "Fine": {"type": "string"},
            "WithId": {"$id": "https://example.com/anchored", "type": "integer"}
        }}});
        let v = Validators::default();
        assert!(matches!(
            v.validate(&doc, "Ext", &json!(1)),
            Err(ValidationError::UnusableSchema { .. })
        ));
        v.validate(&doc, "Fine", &json!("s")).unwrap();
        assert!(v.validate(&doc, "WithId", &json!("x")).is_err());
        v.validate(&doc, "WithId", &json!(3)).unwrap();
    }
}
