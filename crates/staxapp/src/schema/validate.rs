//! Body validation (PARITY.md O6) through the shared OpenAPI core (`stax-openapi`), read as
//! the Python SDK reads the document.
//!
//! staxapp hands the document to `jsonschema.validate`, a JSON Schema 2020-12 validator:
//! OpenAPI 3.0 extras (`nullable`, `example`, `readOnly`, `x-*`, `discriminator`) are unknown
//! keywords and so annotations, and `format` is not asserted. That reading is
//! [`Dialect::staxapp`]; the core compiles each component once, on first use, and caches it.

use serde_json::Value;
use stax_openapi::{Dialect, Direction, SchemaError, Spec, Target};

use crate::error::ValidationError;

/// The dialect the SDK reads documents in.
pub(crate) const DIALECT: Dialect = Dialect::staxapp();

/// Validates `body` against `components.schemas[component]` of `spec`; the error names the
/// most relevant violation (as `jsonschema.best_match` picks it).
pub(crate) fn validate(spec: &Spec, component: &str, body: &Value) -> Result<(), ValidationError> {
    let validator = spec
        .validator(Target::Component(component), Direction::Request)
        .map_err(|error| match error {
            SchemaError::MissingComponent(_) => ValidationError::MissingComponent {
                component: component.to_owned(),
            },
            other => ValidationError::UnusableSchema {
                component: component.to_owned(),
                reason: other.to_string(),
            },
        })?;
    match validator.best_violation(body) {
        None => Ok(()),
        Some(violation) => Err(ValidationError::Body {
            message: violation.to_string(),
            schema: component.to_owned(),
            instance_path: violation.instance_path,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    struct Checker(Spec);

    impl Checker {
        fn new(doc: &Value) -> Checker {
            Checker(Spec::new(doc.clone(), DIALECT))
        }

        fn validate(&self, component: &str, body: &Value) -> Result<(), ValidationError> {
            validate(&self.0, component, body)
        }
    }

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
        let v = Checker::new(&doc);
        v.validate(
            "Thing",
            &json!({"Name": "abc", "When": "not a date", "Mail": "?", "Id": "12"}),
        )
        .unwrap();
        let err = v
            .validate("Thing", &json!({"Name": "abc", "Id": "x"}))
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
        assert!(v.validate("Thing", &json!({"Name": null})).is_err());
    }

    #[test]
    fn draft4_exclusive_bounds_are_converted() {
        let doc = doc();
        let v = Checker::new(&doc);
        v.validate("Thing", &json!({"Name": "a", "Count": 1}))
            .unwrap();
        let err = v
            .validate("Thing", &json!({"Name": "a", "Count": 0}))
            .unwrap_err();
        assert!(err.to_string().contains("/Count"), "{err}");
    }

    #[test]
    fn the_shallowest_error_is_reported() {
        let doc = doc();
        let v = Checker::new(&doc);
        let err = v
            .validate("Thing", &json!({"Id": "x", "Extra": 1}))
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
        let v = Checker::new(&doc);
        v.validate("a/b~c", &json!(3)).unwrap();
        assert!(v.validate("a/b~c", &json!("3")).is_err());
        assert_eq!(
            v.validate("Nope", &json!({})).unwrap_err(),
            ValidationError::MissingComponent {
                component: "Nope".into()
            }
        );
        let err = v.validate("Bad regex", &json!("x")).unwrap_err();
        assert!(
            matches!(&err, ValidationError::UnusableSchema { component, .. } if component == "Bad regex"),
            "{err:?}"
        );
        // The failure is cached, as successes are.
        assert!(v.validate("Bad regex", &json!("x")).is_err());
        assert_eq!(v.0.compiled_count(), 2, "one entry per component asked for");
    }

    #[test]
    fn no_components_at_all() {
        let v = Checker::new(&json!({"paths": {}}));
        assert!(matches!(
            v.validate("X", &json!({})),
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
        let v = Checker::new(&doc);
        assert!(matches!(
            v.validate("Ext", &json!(1)),
            Err(ValidationError::UnusableSchema { .. })
        ));
        v.validate("Fine", &json!("s")).unwrap();
        assert!(v.validate("WithId", &json!("x")).is_err());
        v.validate("WithId", &json!(3)).unwrap();
    }
}
