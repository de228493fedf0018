//! The OpenAPI 3.0 schema dialect rewritten as JSON Schema 2020-12.
//!
//! OpenAPI 3.0's Schema Object is an extended subset of JSON Schema draft 4 (wright-00). What
//! a 2020-12 validator would read differently is rewritten here; everything else is copied:
//!
//! | OpenAPI 3.0 | JSON Schema 2020-12 |
//! |---|---|
//! | `nullable: true` next to `type: T` | `type: [T, "null"]` (and `null` added to an `enum`) |
//! | `nullable: true` without a `type` (e.g. next to `$ref` or `allOf`) | `anyOf: [<the schema>, {type: null}]` |
//! | `exclusiveMinimum: true` with `minimum: m` | `exclusiveMinimum: m` (likewise for maxima); `false` is dropped |
//! | siblings of `$ref` are ignored | only `$ref` is kept |
//! | `readOnly` properties are required in responses only | dropped from `required` when validating a request |
//! | `writeOnly` properties are required in requests only | dropped from `required` when validating a response |
//! | `items: [..]` (draft 4 tuples, tolerated) | `prefixItems: [..]`, `additionalItems` becoming `items` |
//!
//! Documents in the wild also carry mistakes that would make a whole component unusable; they
//! are dropped so the rest of the schema still validates: a `required` that is not a list of
//! names, a `type` that names no JSON type, a keyword that should hold a schema (or a list or
//! map of schemas) and holds something else. Unknown keywords (`example`, `discriminator`,
//! `xml`, `x-*`, ...) are kept: a JSON Schema validator ignores them.
//!
//! [`Dialect::staxapp`] is the other reading in use: the one the official Python SDK applies
//! (it hands the document to `jsonschema.validate`, a 2020-12 validator), where `nullable`,
//! `readOnly` and `writeOnly` are mere annotations and siblings of `$ref` apply. Only what
//! stops a 2020-12 compiler (boolean exclusive bounds, the mistakes above) is rewritten.
//!
//! ```
//! use serde_json::json;
//! use stax_openapi::{Dialect, to_json_schema};
//!
//! let schema = json!({"type": "string", "nullable": true, "enum": ["a"]});
//! let doc = json!({});
//! assert_eq!(
//!     to_json_schema(&schema, &doc, &Dialect::openapi30()),
//!     json!({"type": ["string", "null"], "enum": ["a", null]})
//! );
//! // The reading of the Python SDK: `nullable` is an annotation.
//! assert_eq!(to_json_schema(&schema, &doc, &Dialect::staxapp()), schema);
//! ```

use serde_json::{Map, Value, json};

use crate::pointer;

/// How deep schemas are rewritten; deeper parts are copied as they are.
const MAX_DEPTH: usize = 128;

/// The JSON types a `type` may name.
const TYPES: [&str; 7] = [
    "null", "boolean", "object", "array", "number", "string", "integer",
];

/// Keywords whose value is one schema.
const SCHEMA_WORDS: [&str; 10] = [
    "additionalProperties",
    "not",
    "contains",
    "propertyNames",
    "if",
    "then",
    "else",
    "unevaluatedItems",
    "unevaluatedProperties",
    "additionalItems",
];
/// Keywords whose value is a list of schemas.
const LIST_WORDS: [&str; 4] = ["allOf", "anyOf", "oneOf", "prefixItems"];
/// Keywords whose value maps names to schemas.
const MAP_WORDS: [&str; 5] = [
    "properties",
    "patternProperties",
    "$defs",
    "definitions",
    "dependentSchemas",
];

/// What `nullable: true` means.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Nullable {
    /// OpenAPI 3.0: the value may also be `null`.
    AdmitsNull,
    /// An annotation without effect, as for a plain JSON Schema validator.
    Annotation,
}

/// Which side of the wire a value travels: decides what `readOnly` and `writeOnly` mean.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Neither: `required` is taken as written.
    #[default]
    Neutral,
    /// A request body: `readOnly` properties are not required.
    Request,
    /// A response body: `writeOnly` properties are not required.
    Response,
}

impl Direction {
    pub(crate) fn index(self) -> usize {
        match self {
            Direction::Neutral => 0,
            Direction::Request => 1,
            Direction::Response => 2,
        }
    }
}

/// How a document's schemas are read. Build one with [`Dialect::openapi30`] or
/// [`Dialect::staxapp`] and adjust it with the `with_*` methods.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Dialect {
    nullable: Nullable,
    ref_siblings_apply: bool,
    read_write_only: bool,
    formats: bool,
}

impl Dialect {
    /// OpenAPI 3.0 as its specification reads: `nullable` admits `null`, siblings of `$ref`
    /// are ignored, `readOnly`/`writeOnly` relax `required` by [`Direction`], and `format`s the
    /// validator knows (`date-time`, `email`, `uuid`, ...) are asserted.
    pub const fn openapi30() -> Dialect {
        Dialect {
            nullable: Nullable::AdmitsNull,
            ref_siblings_apply: false,
            read_write_only: true,
            formats: true,
        }
    }

    /// What the official Python SDK (`staxapp` 1.4.1) checks before sending a body: the schema
    /// as plain JSON Schema 2020-12, `nullable`/`readOnly`/`writeOnly` as annotations, siblings
    /// of `$ref` applying, formats not asserted.
    pub const fn staxapp() -> Dialect {
        Dialect {
            nullable: Nullable::Annotation,
            ref_siblings_apply: true,
            read_write_only: false,
            formats: false,
        }
    }

    /// The same dialect with `format` asserted (`true`) or an annotation (`false`).
    pub const fn with_formats(mut self, assert: bool) -> Dialect {
        self.formats = assert;
        self
    }

    /// The same dialect with `nullable` read as `nullable`.
    pub const fn with_nullable(mut self, nullable: Nullable) -> Dialect {
        self.nullable = nullable;
        self
    }

    /// What `nullable: true` means in this dialect.
    pub const fn nullable(&self) -> Nullable {
        self.nullable
    }

    /// Whether `format` is asserted.
    pub const fn asserts_formats(&self) -> bool {
        self.formats
    }
}

/// One bound of a number, as [`bounds`] reads it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bound {
    /// The limit.
    pub value: f64,
    /// Whether the limit itself is excluded.
    pub exclusive: bool,
}

/// The lower and upper bounds a schema sets on numbers, in either spelling of exclusive
/// bounds (draft 4's booleans next to `minimum`/`maximum`, or later drafts' numbers). When
/// both spellings are present the tighter bound wins.
///
/// ```
/// use serde_json::json;
/// use stax_openapi::dialect::{Bound, bounds};
///
/// let (low, high) = bounds(&json!({"minimum": 0, "exclusiveMinimum": true, "maximum": 9}));
/// assert_eq!(low, Some(Bound { value: 0.0, exclusive: true }));
/// assert_eq!(high, Some(Bound { value: 9.0, exclusive: false }));
/// ```
pub fn bounds(schema: &Value) -> (Option<Bound>, Option<Bound>) {
    let read = |inclusive: &str, exclusive: &str, lower: bool| {
        let limit = schema.get(inclusive).and_then(Value::as_f64);
        let flag = schema.get(exclusive);
        let from_limit = limit.map(|value| Bound {
            value,
            exclusive: flag == Some(&Value::Bool(true)),
        });
        let from_number = flag.and_then(Value::as_f64).map(|value| Bound {
            value,
            exclusive: true,
        });
        match (from_limit, from_number) {
            (Some(a), Some(b)) => {
                let tighter = if lower {
                    b.value >= a.value
                } else {
                    b.value <= a.value
                };
                Some(if tighter { b } else { a })
            }
            (a, b) => a.or(b),
        }
    };
    (
        read("minimum", "exclusiveMinimum", true),
        read("maximum", "exclusiveMaximum", false),
    )
}

/// `schema` (whose `$ref`s point into `doc`) rewritten as JSON Schema 2020-12 in `dialect`,
/// neutral about direction (see [`to_json_schema_for`]).
pub fn to_json_schema(schema: &Value, doc: &Value, dialect: &Dialect) -> Value {
    to_json_schema_for(schema, doc, dialect, Direction::Neutral)
}

/// `schema` rewritten as JSON Schema 2020-12 in `dialect` for values travelling in
/// `direction`. `$ref`s are kept as written.
pub fn to_json_schema_for(
    schema: &Value,
    doc: &Value,
    dialect: &Dialect,
    direction: Direction,
) -> Value {
    Rewriter {
        doc,
        dialect,
        direction,
        base: None,
    }
    .schema(schema, 0)
}

/// The whole document with every schema in it rewritten: the component schemas and the
/// `schema` of every parameter, header and media type, wherever they sit. Examples and
/// extensions (`x-*`) are copied untouched.
pub fn document_to_json_schema(doc: &Value, dialect: &Dialect, direction: Direction) -> Value {
    Rewriter {
        doc,
        dialect,
        direction,
        base: None,
    }
    .document(doc)
}

/// Rewrites schemas; `base`, when set, is put before every local `$ref` so a schema compiled
/// on its own finds the document registered under that URI.
pub(crate) struct Rewriter<'a> {
    pub doc: &'a Value,
    pub dialect: &'a Dialect,
    pub direction: Direction,
    pub base: Option<&'a str>,
}

impl Rewriter<'_> {
    fn document(&self, doc: &Value) -> Value {
        let Value::Object(map) = doc else {
            return doc.clone();
        };
        let mut out = Map::with_capacity(map.len());
        for (key, value) in map {
            let value = if key == "components" {
                self.components(value)
            } else {
                self.around_schemas(value, 0)
            };
            out.insert(key.clone(), value);
        }
        Value::Object(out)
    }

    fn components(&self, components: &Value) -> Value {
        let Value::Object(map) = components else {
            return components.clone();
        };
        let mut out = Map::with_capacity(map.len());
        for (key, value) in map {
            let value = match (key.as_str(), value) {
                ("schemas", Value::Object(schemas)) => Value::Object(
                    schemas
                        .iter()
                        .map(|(name, schema)| (name.clone(), self.schema(schema, 0)))
                        .collect(),
                ),
                _ => self.around_schemas(value, 0),
            };
            out.insert(key.clone(), value);
        }
        Value::Object(out)
    }

    /// The parts of a document that are not schemas but hold some (`schema` of parameters,
    /// headers and media types).
    fn around_schemas(&self, value: &Value, depth: usize) -> Value {
        if depth > MAX_DEPTH {
            return value.clone();
        }
        match value {
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(key, v)| {
                        let v = if key == "schema" && (v.is_object() || v.is_boolean()) {
                            self.schema(v, 0)
                        } else if key == "example" || key == "examples" || key.starts_with("x-") {
                            v.clone()
                        } else {
                            self.around_schemas(v, depth + 1)
                        };
                        (key.clone(), v)
                    })
                    .collect(),
            ),
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|v| self.around_schemas(v, depth + 1))
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    fn reference(&self, reference: &str) -> Value {
        match self.base {
            Some(base) if reference.starts_with('#') => Value::String(format!("{base}{reference}")),
            _ => Value::String(reference.to_owned()),
        }
    }

    pub(crate) fn schema(&self, schema: &Value, depth: usize) -> Value {
        let Value::Object(map) = schema else {
            return schema.clone();
        };
        if depth > MAX_DEPTH {
            return schema.clone();
        }
        let admits_null = self.dialect.nullable == Nullable::AdmitsNull
            && map.get("nullable") == Some(&Value::Bool(true));
        if !self.dialect.ref_siblings_apply
            && let Some(Value::String(reference)) = map.get("$ref")
        {
            let only = json!({"$ref": self.reference(reference)});
            return if admits_null {
                json!({"anyOf": [only, {"type": "null"}]})
            } else {
                only
            };
        }
        let mut out = Map::with_capacity(map.len());
        for (key, value) in map {
            let word = key.as_str();
            let kept = if SCHEMA_WORDS.contains(&word) {
                is_schema(value).then(|| self.schema(value, depth + 1))
            } else if LIST_WORDS.contains(&word) {
                value.as_array().map(|list| {
                    Value::Array(
                        list.iter()
                            .filter(|s| is_schema(s))
                            .map(|s| self.schema(s, depth + 1))
                            .collect(),
                    )
                })
            } else if MAP_WORDS.contains(&word) {
                value.as_object().map(|m| {
                    Value::Object(
                        m.iter()
                            .filter(|(_, s)| is_schema(s))
                            .map(|(k, s)| (k.clone(), self.schema(s, depth + 1)))
                            .collect(),
                    )
                })
            } else {
                match word {
                    "items" => match value {
                        Value::Array(list) => Some(Value::Array(
                            list.iter()
                                .filter(|s| is_schema(s))
                                .map(|s| self.schema(s, depth + 1))
                                .collect(),
                        )),
                        v if is_schema(v) => Some(self.schema(v, depth + 1)),
                        _ => None,
                    },
                    "$ref" => Some(match value {
                        Value::String(reference) => self.reference(reference),
                        other => other.clone(),
                    }),
                    "required" => self.required(map, value),
                    "type" => valid_type(value).then(|| value.clone()),
                    "nullable" if self.dialect.nullable == Nullable::AdmitsNull => None,
                    _ => Some(value.clone()),
                }
            };
            if let Some(kept) = kept {
                out.insert(key.clone(), kept);
            }
        }
        exclusive_bounds(&mut out);
        tuple_items(&mut out);
        if admits_null {
            return admit_null(out);
        }
        Value::Object(out)
    }

    /// `required` as written, minus the properties the direction excuses; `None` when it is
    /// not a list of names.
    fn required(&self, schema: &Map<String, Value>, value: &Value) -> Option<Value> {
        let names = value.as_array()?;
        if !names.iter().all(Value::is_string) {
            return None;
        }
        let excused = match self.direction {
            _ if !self.dialect.read_write_only => None,
            Direction::Neutral => None,
            Direction::Request => Some("readOnly"),
            Direction::Response => Some("writeOnly"),
        };
        let Some(flag) = excused else {
            return Some(value.clone());
        };
        let properties = schema.get("properties").and_then(Value::as_object);
        let is_excused = |name: &str| {
            properties
                .and_then(|p| p.get(name))
                .and_then(|p| pointer::resolve(self.doc, p))
                .is_some_and(|p| p.get(flag) == Some(&Value::Bool(true)))
        };
        Some(Value::Array(
            names
                .iter()
                .filter(|n| n.as_str().is_none_or(|n| !is_excused(n)))
                .cloned()
                .collect(),
        ))
    }
}

fn is_schema(value: &Value) -> bool {
    value.is_object() || value.is_boolean()
}

fn valid_type(value: &Value) -> bool {
    match value {
        Value::String(t) => TYPES.contains(&t.as_str()),
        Value::Array(ts) => ts
            .iter()
            .all(|t| t.as_str().is_some_and(|t| TYPES.contains(&t))),
        _ => false,
    }
}

/// Draft 4's boolean exclusive bounds as 2020-12 numbers.
fn exclusive_bounds(schema: &mut Map<String, Value>) {
    for (flag, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        match schema.get(flag) {
            Some(Value::Bool(true)) => match schema.shift_remove(bound) {
                Some(limit @ Value::Number(_)) => {
                    schema.insert(flag.to_owned(), limit);
                }
                _ => {
                    schema.shift_remove(flag);
                }
            },
            Some(Value::Bool(false)) => {
                schema.shift_remove(flag);
            }
            _ => {}
        }
    }
}

/// Draft 4 tuples (`items` as a list) as 2020-12 `prefixItems`.
fn tuple_items(schema: &mut Map<String, Value>) {
    if !schema.get("items").is_some_and(Value::is_array) {
        schema.shift_remove("additionalItems");
        return;
    }
    if let Some(list) = schema.shift_remove("items") {
        schema.insert("prefixItems".to_owned(), list);
    }
    if let Some(rest) = schema.shift_remove("additionalItems") {
        schema.insert("items".to_owned(), rest);
    }
}

/// `null` admitted next to what the schema admits.
fn admit_null(mut schema: Map<String, Value>) -> Value {
    let typed = match schema.get_mut("type") {
        Some(Value::String(t)) => {
            let t = std::mem::take(t);
            schema.insert("type".to_owned(), json!([t, "null"]));
            true
        }
        Some(Value::Array(types)) => {
            if !types.iter().any(|t| t == "null") {
                types.push(json!("null"));
            }
            true
        }
        _ => false,
    };
    if typed {
        if let Some(Value::Array(values)) = schema.get_mut("enum")
            && !values.contains(&Value::Null)
        {
            values.push(Value::Null);
        }
        return Value::Object(schema);
    }
    if schema.is_empty() {
        return Value::Object(schema);
    }
    json!({"anyOf": [Value::Object(schema), {"type": "null"}]})
}

#[cfg(test)]
mod tests {
    use super::*;

    fn oas(schema: Value) -> Value {
        to_json_schema(&schema, &json!({}), &Dialect::openapi30())
    }

    #[test]
    fn nullable_next_to_a_type_adds_null() {
        assert_eq!(
            oas(json!({"type": "string", "nullable": true})),
            json!({"type": ["string", "null"]})
        );
        assert_eq!(
            oas(json!({"type": ["string", "integer"], "nullable": true, "enum": ["a", 1]})),
            json!({"type": ["string", "integer", "null"], "enum": ["a", 1, null]})
        );
        assert_eq!(
            oas(json!({"type": "string", "nullable": false})),
            json!({"type": "string"})
        );
    }

    #[test]
    fn nullable_without_a_type_wraps_in_any_of() {
        assert_eq!(
            oas(json!({"$ref": "#/components/schemas/X", "nullable": true})),
            json!({"anyOf": [{"$ref": "#/components/schemas/X"}, {"type": "null"}]})
        );
        assert_eq!(
            oas(json!({"allOf": [{"minLength": 1}], "nullable": true})),
            json!({"anyOf": [{"allOf": [{"minLength": 1}]}, {"type": "null"}]})
        );
        // Nothing to add to a schema that admits everything.
        assert_eq!(oas(json!({"nullable": true})), json!({}));
    }

    #[test]
    fn nullable_is_an_annotation_for_staxapp() {
        let schema = json!({"type": "string", "nullable": true});
        assert_eq!(
            to_json_schema(&schema, &json!({}), &Dialect::staxapp()),
            schema
        );
    }

    #[test]
    fn boolean_exclusive_bounds_become_numbers() {
        for dialect in [Dialect::openapi30(), Dialect::staxapp()] {
            let rewrite = |s: Value| to_json_schema(&s, &json!({}), &dialect);
            assert_eq!(
                rewrite(
                    json!({"minimum": 1, "exclusiveMinimum": true, "maximum": 5, "exclusiveMaximum": false})
                ),
                json!({"exclusiveMinimum": 1, "maximum": 5})
            );
            assert_eq!(
                rewrite(json!({"exclusiveMaximum": true})),
                json!({}),
                "a flag without a bound means nothing"
            );
            // Later drafts' numbers stay.
            assert_eq!(
                rewrite(json!({"exclusiveMinimum": 3})),
                json!({"exclusiveMinimum": 3})
            );
        }
    }

    #[test]
    fn bounds_read_both_spellings() {
        let (low, high) = bounds(&json!({"exclusiveMinimum": 2, "maximum": 1.5}));
        assert_eq!(
            low,
            Some(Bound {
                value: 2.0,
                exclusive: true
            })
        );
        assert_eq!(
            high,
            Some(Bound {
                value: 1.5,
                exclusive: false
            })
        );
        let (low, _) = bounds(&json!({"minimum": 5, "exclusiveMinimum": 2}));
        assert_eq!(
            low,
            Some(Bound {
                value: 5.0,
                exclusive: false
            })
        );
        assert_eq!(bounds(&json!({})), (None, None));
    }

    #[test]
    fn siblings_of_ref_are_ignored_in_openapi_30_only() {
        let schema = json!({"$ref": "#/X", "type": "integer", "description": "d"});
        assert_eq!(oas(schema.clone()), json!({"$ref": "#/X"}));
        assert_eq!(
            to_json_schema(&schema, &json!({}), &Dialect::staxapp()),
            schema
        );
    }

    #[test]
    fn read_only_and_write_only_follow_the_direction() {
        let doc = json!({"components": {"schemas": {"Ro": {"type": "string", "readOnly": true}}}});
        let schema = json!({"type": "object", "required": ["A", "B", "C", "D"], "properties": {
            "A": {"$ref": "#/components/schemas/Ro"},
            "B": {"type": "string", "readOnly": true},
            "C": {"type": "string"},
            "D": {"type": "string", "writeOnly": true},
        }});
        let dialect = Dialect::openapi30();
        let required =
            |direction| to_json_schema_for(&schema, &doc, &dialect, direction)["required"].clone();
        assert_eq!(required(Direction::Request), json!(["C", "D"]));
        assert_eq!(required(Direction::Response), json!(["A", "B", "C"]));
        assert_eq!(required(Direction::Neutral), json!(["A", "B", "C", "D"]));
        // Annotations only in the Python SDK's reading.
        assert_eq!(
            to_json_schema_for(&schema, &doc, &Dialect::staxapp(), Direction::Request)["required"],
            json!(["A", "B", "C", "D"])
        );
    }

    #[test]
    fn mistakes_are_dropped_and_unknown_keywords_kept() {
        let schema = json!({
            "type": "file",
            "required": true,
            "properties": {"a": {"type": "string", "required": ["x", 1]}, "b": 7},
            "items": 3,
            "allOf": "x",
            "additionalProperties": {"type": ["string", "nope"]},
            "example": {"nullable": true, "type": "file"},
            "x-vendor": {"anything": [1]},
            "discriminator": {"propertyName": "Kind"},
        });
        assert_eq!(
            oas(schema),
            json!({
                "properties": {"a": {"type": "string"}},
                "additionalProperties": {},
                "example": {"nullable": true, "type": "file"},
                "x-vendor": {"anything": [1]},
                "discriminator": {"propertyName": "Kind"},
            })
        );
    }

    #[test]
    fn tuples_become_prefix_items() {
        assert_eq!(
            oas(json!({"items": [{"type": "string"}], "additionalItems": false})),
            json!({"prefixItems": [{"type": "string"}], "items": false})
        );
        assert_eq!(
            oas(json!({"items": {"type": "string"}, "additionalItems": false})),
            json!({"items": {"type": "string"}})
        );
    }

    #[test]
    fn nested_schemas_are_rewritten_everywhere() {
        let schema = json!({
            "properties": {"p": {"type": "integer", "nullable": true}},
            "additionalProperties": {"type": "integer", "nullable": true},
            "items": {"type": "integer", "nullable": true},
            "anyOf": [{"type": "integer", "nullable": true}],
            "not": {"type": "integer", "nullable": true},
            "$defs": {"d": {"type": "integer", "nullable": true}},
        });
        let out = oas(schema);
        let both = json!({"type": ["integer", "null"]});
        assert_eq!(out["properties"]["p"], both);
        assert_eq!(out["additionalProperties"], both);
        assert_eq!(out["items"], both);
        assert_eq!(out["anyOf"][0], both);
        assert_eq!(out["not"], both);
        assert_eq!(out["$defs"]["d"], both);
    }

    #[test]
    fn documents_are_rewritten_where_schemas_sit() {
        let doc = json!({
            "paths": {"/a": {"post": {
                "parameters": [{"name": "n", "in": "query", "schema": {"type": "integer", "nullable": true}}],
                "requestBody": {"content": {"application/json": {
                    "schema": {"type": "string", "nullable": true},
                    "example": {"nullable": true},
                }}},
                "x-extra": {"schema": {"nullable": true, "type": "string"}},
            }}},
            "components": {
                "schemas": {"S": {"type": "boolean", "nullable": true}},
                "parameters": {"P": {"schema": {"type": "number", "nullable": true}}},
            }
        });
        let out = document_to_json_schema(&doc, &Dialect::openapi30(), Direction::Neutral);
        let op = &out["paths"]["/a"]["post"];
        assert_eq!(
            op["parameters"][0]["schema"],
            json!({"type": ["integer", "null"]})
        );
        let media = &op["requestBody"]["content"]["application/json"];
        assert_eq!(media["schema"], json!({"type": ["string", "null"]}));
        assert_eq!(media["example"], json!({"nullable": true}));
        assert_eq!(op["x-extra"], doc["paths"]["/a"]["post"]["x-extra"]);
        assert_eq!(
            out["components"]["schemas"]["S"],
            json!({"type": ["boolean", "null"]})
        );
        assert_eq!(
            out["components"]["parameters"]["P"]["schema"],
            json!({"type": ["number", "null"]})
        );
    }

    #[test]
    fn references_are_rebased_when_asked() {
        let rewriter = Rewriter {
            doc: &json!({}),
            dialect: &Dialect::openapi30(),
            direction: Direction::Neutral,
            base: Some("urn:doc"),
        };
        assert_eq!(
            rewriter.schema(
                &json!({"items": {"$ref": "#/components/schemas/A"}, "not": {"$ref": "other.json#/B"}}),
                0
            ),
            json!({"items": {"$ref": "urn:doc#/components/schemas/A"}, "not": {"$ref": "other.json#/B"}})
        );
    }
}
