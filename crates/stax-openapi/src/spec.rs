//! [`Spec`]: one OpenAPI document and the validators compiled from it, once each.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use jsonschema::Draft;
use jsonschema::Registry;
use serde_json::Value;

use crate::dialect::{Dialect, Direction, Rewriter, document_to_json_schema};
use crate::pointer;

/// The URI the rewritten document is registered under; schemas compiled on their own refer
/// to it.
const DOC_URI: &str = "urn:stax-openapi:document";

/// The JSON Schema draft every validator is compiled for.
pub const DRAFT: Draft = Draft::Draft202012;

/// What to compile a validator for.
#[derive(Clone, Copy, Debug)]
pub enum Target<'a> {
    /// `components.schemas[name]`.
    Component(&'a str),
    /// The schema at this JSON pointer of the document (e.g.
    /// `/paths/~1accounts/post/requestBody/content/application~1json/schema`).
    Pointer(&'a str),
    /// A schema given as a value, whose local `$ref`s point into the document (a schema taken
    /// from the document, or one built from parts of it).
    Schema(&'a Value),
}

/// Why no validator could be made.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SchemaError {
    /// The document has no `components.schemas[name]`.
    #[error("the document has no component schema `{0}`")]
    MissingComponent(String),
    /// Nothing is at the pointer.
    #[error("the document has nothing at `{0}`")]
    MissingPointer(String),
    /// The document as a whole cannot be registered as a JSON Schema resource.
    #[error("the document cannot be used as a JSON Schema: {0}")]
    Document(String),
    /// The schema does not compile (a pattern that is no regular expression, a `$ref` to
    /// another document, ...).
    #[error("{0}")]
    Unusable(String),
}

/// One way a value breaks its schema.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// JSON pointer to the offending part of the value (`""` for the value itself).
    pub instance_path: String,
    /// What is wrong, in the validator's words (`"x" does not match "^[0-9]+$"`).
    pub message: String,
    /// The keyword that refused the value (`pattern`, `required`, `anyOf`, ...).
    pub keyword: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.instance_path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{} at {}", self.message, self.instance_path)
        }
    }
}

/// A compiled JSON Schema 2020-12 validator.
pub struct Validator {
    inner: jsonschema::Validator,
}

impl fmt::Debug for Validator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Validator")
    }
}

impl Validator {
    /// Whether `value` is valid.
    pub fn is_valid(&self, value: &Value) -> bool {
        self.inner.is_valid(value)
    }

    /// Every violation, in the validator's order.
    pub fn violations<'a>(&'a self, value: &'a Value) -> impl Iterator<Item = Violation> + 'a {
        self.inner.iter_errors(value).map(|error| Violation {
            instance_path: error.instance_path().as_str().to_owned(),
            message: error.to_string(),
            keyword: error.kind().keyword().to_owned(),
        })
    }

    /// The violation to show a person, as Python's `jsonschema.best_match` picks it: the
    /// shallowest, preferring a specific one over an `anyOf`/`oneOf` summary; the first of
    /// equals. `None` when the value is valid.
    pub fn best_violation(&self, value: &Value) -> Option<Violation> {
        self.violations(value).min_by_key(|v| {
            let weak = matches!(v.keyword.as_str(), "anyOf" | "oneOf");
            let depth = v.instance_path.split('/').count();
            (depth, weak)
        })
    }
}

type Compiled = Result<Arc<Validator>, SchemaError>;
/// Compiled validators by direction and target (a pointer, or `=` and a schema's text); each
/// slot is filled once.
type Cache = HashMap<(Direction, String), Arc<OnceLock<Compiled>>>;

/// An OpenAPI document read in one [`Dialect`], with validators compiled on first use and
/// cached: per target and [`Direction`], shared by every thread.
///
/// ```
/// use serde_json::json;
/// use stax_openapi::{Dialect, Direction, Spec, Target};
///
/// let spec = Spec::new(json!({"components": {"schemas": {
///     "Id": {"type": "string", "pattern": "^[0-9]+$"},
///     "Thing": {
///         "type": "object",
///         "required": ["Id"],
///         "properties": {"Id": {"$ref": "#/components/schemas/Id"}, "Note": {"type": "string", "nullable": true}}
///     }
/// }}}), Dialect::openapi30());
/// let thing = spec.validator(Target::Component("Thing"), Direction::Request)?;
/// assert!(thing.is_valid(&json!({"Id": "12", "Note": null})));
/// let wrong = thing.best_violation(&json!({"Id": "x"})).unwrap();
/// assert_eq!(wrong.to_string(), r#""x" does not match "^[0-9]+$" at /Id"#);
/// # Ok::<(), stax_openapi::SchemaError>(())
/// ```
pub struct Spec {
    raw: Value,
    dialect: Dialect,
    registries: [OnceLock<Result<Registry<'static>, SchemaError>>; 3],
    compiled: Mutex<Cache>,
}

impl fmt::Debug for Spec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Spec")
            .field("dialect", &self.dialect)
            .field("compiled", &self.compiled_count())
            .finish_non_exhaustive()
    }
}

impl Spec {
    /// Reads `doc` in `dialect`. Nothing is compiled yet.
    pub fn new(doc: Value, dialect: Dialect) -> Spec {
        Spec {
            raw: doc,
            dialect,
            registries: Default::default(),
            compiled: Mutex::default(),
        }
    }

    /// The document as given.
    pub fn raw(&self) -> &Value {
        &self.raw
    }

    /// The dialect it is read in.
    pub fn dialect(&self) -> &Dialect {
        &self.dialect
    }

    /// How many validators were asked for so far (successes and failures).
    pub fn compiled_count(&self) -> usize {
        self.compiled
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// Follows `$ref`s from `value` in this document (see [`pointer::resolve`]).
    pub fn resolve<'a>(&'a self, value: &'a Value) -> Option<&'a Value> {
        pointer::resolve(&self.raw, value)
    }

    /// The validator for `target` as seen by values travelling in `direction`, compiled on
    /// first use. Only one thread compiles a given validator; others wait for it. Failures are
    /// cached too.
    pub fn validator(&self, target: Target<'_>, direction: Direction) -> Compiled {
        let key = match target {
            Target::Component(name) => {
                let exists = self
                    .raw
                    .get("components")
                    .and_then(|c| c.get("schemas"))
                    .and_then(Value::as_object)
                    .is_some_and(|schemas| schemas.contains_key(name));
                if !exists {
                    return Err(SchemaError::MissingComponent(name.to_owned()));
                }
                pointer::component_pointer(name)
            }
            Target::Pointer(at) => {
                if self.raw.pointer(at).is_none() {
                    return Err(SchemaError::MissingPointer(at.to_owned()));
                }
                at.to_owned()
            }
            Target::Schema(schema) => format!("={schema}"),
        };
        let cell = {
            let mut compiled = self.compiled.lock().unwrap_or_else(PoisonError::into_inner);
            Arc::clone(compiled.entry((direction, key)).or_default())
        };
        cell.get_or_init(|| self.compile(target, direction)).clone()
    }

    /// Whether `value` is valid against `schema` (a schema whose `$ref`s point into this
    /// document), neutral about direction. A schema that does not compile accepts anything.
    pub fn accepts(&self, schema: &Value, value: &Value) -> bool {
        match self.validator(Target::Schema(schema), Direction::Neutral) {
            Ok(validator) => validator.is_valid(value),
            Err(_) => true,
        }
    }

    fn registry(&self, direction: Direction) -> Result<&Registry<'static>, SchemaError> {
        self.registries[direction.index()]
            .get_or_init(|| {
                let rewritten = document_to_json_schema(&self.raw, &self.dialect, direction);
                Registry::new()
                    .draft(DRAFT)
                    .add(DOC_URI, Arc::new(rewritten))
                    .and_then(|builder| builder.prepare())
                    .map_err(|e| SchemaError::Document(e.to_string()))
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    fn compile(&self, target: Target<'_>, direction: Direction) -> Compiled {
        let registry = self.registry(direction)?;
        let root = match target {
            Target::Component(name) => reference_to(&pointer::component_pointer(name)),
            Target::Pointer(at) => reference_to(at),
            Target::Schema(schema) => Rewriter {
                doc: &self.raw,
                dialect: &self.dialect,
                direction,
                base: Some(DOC_URI),
            }
            .schema(schema, 0),
        };
        jsonschema::options()
            .with_draft(DRAFT)
            .should_validate_formats(self.dialect.asserts_formats())
            .with_registry(registry)
            .build(&root)
            .map(|inner| Arc::new(Validator { inner }))
            .map_err(|e| SchemaError::Unusable(e.to_string()))
    }
}

/// A schema that is only a reference to `at` in the registered document.
fn reference_to(at: &str) -> Value {
    serde_json::json!({ "$ref": format!("{DOC_URI}{}", pointer::to_ref(at)) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Value {
        json!({
            "paths": {"/things": {"post": {"requestBody": {"content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Thing"}
            }}}}}},
            "components": {"schemas": {
                "Thing": {
                    "type": "object",
                    "properties": {
                        "Name": {"type": "string", "pattern": "^[a-z]+$", "nullable": true},
                        "When": {"type": "string", "format": "date-time"},
                        "Id": {"$ref": "#/components/schemas/Id"},
                        "Count": {"type": "integer", "minimum": 0, "exclusiveMinimum": true},
                        "Made": {"type": "string", "readOnly": true},
                        "Next": {"$ref": "#/components/schemas/Thing"}
                    },
                    "required": ["Name", "Made"],
                    "additionalProperties": false
                },
                "Id": {"type": "string", "pattern": "^[0-9]+$"},
                "a/b~c d": {"type": "integer"},
                "Bad regex": {"type": "string", "pattern": "(unclosed"},
                "Ext": {"$ref": "https://example.com/other.json#/X"},
                "NotASchema": [1, 2]
            }}
        })
    }

    fn valid(spec: &Spec, target: Target<'_>, direction: Direction, value: Value) -> bool {
        spec.validator(target, direction).unwrap().is_valid(&value)
    }

    #[test]
    fn components_pointers_and_schemas_share_one_reading() {
        let spec = Spec::new(doc(), Dialect::openapi30());
        let body =
            json!({"Name": "abc", "Made": "x", "Id": "12", "Next": {"Name": null, "Made": "y"}});
        assert!(valid(
            &spec,
            Target::Component("Thing"),
            Direction::Neutral,
            body.clone()
        ));
        let at = "/paths/~1things/post/requestBody/content/application~1json/schema";
        assert!(valid(
            &spec,
            Target::Pointer(at),
            Direction::Neutral,
            body.clone()
        ));
        let schema = json!({"$ref": "#/components/schemas/Thing"});
        assert!(valid(
            &spec,
            Target::Schema(&schema),
            Direction::Neutral,
            body.clone()
        ));
        assert!(spec.accepts(&schema, &body));
        assert!(!spec.accepts(&schema, &json!({"Name": "ABC", "Made": "x"})));
    }

    #[test]
    fn recursive_references_compile_and_check_every_level() {
        let spec = Spec::new(doc(), Dialect::openapi30());
        let v = spec
            .validator(Target::Component("Thing"), Direction::Neutral)
            .unwrap();
        let deep = json!({"Name": "a", "Made": "x", "Next": {"Name": "b", "Made": "x", "Next": {"Name": "C", "Made": "x"}}});
        let wrong = v.best_violation(&deep).unwrap();
        assert_eq!(wrong.instance_path, "/Next/Next/Name");
        assert_eq!(wrong.keyword, "pattern");
    }

    #[test]
    fn the_direction_relaxes_read_only_properties() {
        let spec = Spec::new(doc(), Dialect::openapi30());
        let body = json!({"Name": "abc"});
        assert!(valid(
            &spec,
            Target::Component("Thing"),
            Direction::Request,
            body.clone()
        ));
        assert!(!valid(
            &spec,
            Target::Component("Thing"),
            Direction::Response,
            body.clone()
        ));
        assert!(!valid(
            &spec,
            Target::Component("Thing"),
            Direction::Neutral,
            body
        ));
    }

    #[test]
    fn exclusive_bounds_formats_and_nullable_by_dialect() {
        let oas = Spec::new(doc(), Dialect::openapi30());
        let staxapp = Spec::new(doc(), Dialect::staxapp());
        let thing = Target::Component("Thing");
        for spec in [&oas, &staxapp] {
            assert!(!valid(
                spec,
                thing,
                Direction::Neutral,
                json!({"Name": "a", "Made": "x", "Count": 0})
            ));
            assert!(valid(
                spec,
                thing,
                Direction::Neutral,
                json!({"Name": "a", "Made": "x", "Count": 1})
            ));
        }
        let late = json!({"Name": "a", "Made": "x", "When": "not a date"});
        assert!(!valid(&oas, thing, Direction::Neutral, late.clone()));
        assert!(valid(&staxapp, thing, Direction::Neutral, late));
        let null = json!({"Name": null, "Made": "x"});
        assert!(valid(&oas, thing, Direction::Neutral, null.clone()));
        assert!(!valid(&staxapp, thing, Direction::Neutral, null));
    }

    #[test]
    fn odd_names_missing_targets_and_unusable_schemas() {
        let spec = Spec::new(doc(), Dialect::openapi30());
        assert!(valid(
            &spec,
            Target::Component("a/b~c d"),
            Direction::Neutral,
            json!(3)
        ));
        assert_eq!(
            spec.validator(Target::Component("Nope"), Direction::Neutral)
                .unwrap_err(),
            SchemaError::MissingComponent("Nope".into())
        );
        assert_eq!(
            spec.validator(Target::Pointer("/nowhere"), Direction::Neutral)
                .unwrap_err(),
            SchemaError::MissingPointer("/nowhere".into())
        );
        for name in ["Bad regex", "Ext", "NotASchema"] {
            assert!(
                matches!(
                    spec.validator(Target::Component(name), Direction::Neutral),
                    Err(SchemaError::Unusable(_))
                ),
                "{name}"
            );
        }
        // A schema that does not compile accepts, for callers that only probe.
        assert!(spec.accepts(&json!({"pattern": "(("}), &json!("x")));
        // Only the broken components are spoiled.
        assert!(valid(
            &spec,
            Target::Component("Id"),
            Direction::Neutral,
            json!("1")
        ));
    }

    #[test]
    fn validators_are_cached_per_target_and_direction() {
        let spec = Spec::new(doc(), Dialect::openapi30());
        let a = spec
            .validator(Target::Component("Id"), Direction::Neutral)
            .unwrap();
        let b = spec
            .validator(
                Target::Pointer("/components/schemas/Id"),
                Direction::Neutral,
            )
            .unwrap();
        assert!(Arc::ptr_eq(&a, &b));
        spec.validator(Target::Component("Id"), Direction::Request)
            .unwrap();
        let _ = spec.validator(Target::Component("Bad regex"), Direction::Neutral);
        let _ = spec.validator(Target::Component("Bad regex"), Direction::Neutral);
        assert_eq!(spec.compiled_count(), 3);
        assert!(format!("{spec:?}").contains("compiled: 3"));
    }

    #[test]
    fn validators_are_shared_across_threads() {
        let spec = Arc::new(Spec::new(doc(), Dialect::openapi30()));
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let spec = Arc::clone(&spec);
                std::thread::spawn(move || {
                    spec.validator(Target::Component("Thing"), Direction::Request)
                        .unwrap()
                })
            })
            .collect();
        let validators: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        assert!(validators.windows(2).all(|w| Arc::ptr_eq(&w[0], &w[1])));
    }

    #[test]
    fn best_violation_prefers_shallow_and_specific() {
        let spec = Spec::new(
            json!({"components": {"schemas": {"S": {
                "type": "object",
                "required": ["A"],
                "properties": {"B": {"anyOf": [{"type": "string"}, {"type": "integer"}]}, "C": {"type": "string"}}
            }}}}),
            Dialect::openapi30(),
        );
        let v = spec
            .validator(Target::Component("S"), Direction::Neutral)
            .unwrap();
        let best = v.best_violation(&json!({"A": 1, "B": [], "C": 1})).unwrap();
        assert_eq!(best.instance_path, "/C");
        assert_eq!(best.keyword, "type");
        let best = v.best_violation(&json!({"C": 1})).unwrap();
        assert_eq!(best.to_string(), "\"A\" is a required property");
        assert_eq!(v.best_violation(&json!({"A": 1})), None);
    }
}
