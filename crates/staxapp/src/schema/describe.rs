//! Plain descriptions of what an operation takes, for help output such as the CLI's
//! `describe`: parameters from the document's `parameters` (read by
//! [`stax_openapi::describe`]), body fields from the resolved request body schema.

use serde_json::{Map, Value};
pub use stax_openapi::describe::{ParameterInfo, ParameterLocation};
use stax_openapi::describe::{enum_values, resolve, string_field, type_name};

/// How deep `allOf` nesting is followed when collecting body fields.
const MAX_ALL_OF_DEPTH: usize = 16;

/// One field of a request body, from the resolved body schema.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct FieldInfo {
    /// The property name.
    pub name: String,
    /// The type, e.g. `string`, `object`, `array<string>`, `string | null`; `None` when the
    /// schema gives none.
    pub type_name: Option<String>,
    /// The `format`, e.g. `email`.
    pub format: Option<String>,
    /// Whether the body schema lists the field in `required`.
    pub required: bool,
    /// Whether the schema says `nullable: true` (an OpenAPI 3.0 annotation: staxapp, and this
    /// crate, do not let it admit `null`).
    pub nullable: bool,
    /// Whether the schema says `readOnly: true`.
    pub read_only: bool,
    /// The `pattern` the value must match.
    pub pattern: Option<String>,
    /// The `minLength`.
    pub min_length: Option<u64>,
    /// The `maxLength`.
    pub max_length: Option<u64>,
    /// The allowed values, when the schema has an `enum` (also an array's item `enum`).
    pub enum_values: Vec<Value>,
    /// The `description` of the property, else of its resolved schema.
    pub description: Option<String>,
}

/// The fields of the object schema `schema` (resolving `$ref` and merging `allOf`; the
/// alternatives of a top-level `anyOf`/`oneOf` contribute their fields as optional).
pub(crate) fn body_fields(doc: &Value, schema: &Value) -> Vec<FieldInfo> {
    let mut fields = Vec::new();
    let mut required = Vec::new();
    collect_fields(doc, schema, &mut fields, &mut required, 0, true);
    for field in &mut fields {
        field.required = required.iter().any(|r| r == &field.name);
    }
    fields
}

fn collect_fields(
    doc: &Value,
    schema: &Value,
    fields: &mut Vec<FieldInfo>,
    required: &mut Vec<String>,
    depth: usize,
    binding: bool,
) {
    if depth > MAX_ALL_OF_DEPTH {
        return;
    }
    let schema = resolve(doc, schema);
    if binding && let Some(list) = schema.get("required").and_then(Value::as_array) {
        required.extend(list.iter().filter_map(Value::as_str).map(str::to_owned));
    }
    if let Some(members) = schema.get("allOf").and_then(Value::as_array) {
        for member in members {
            collect_fields(doc, member, fields, required, depth + 1, binding);
        }
    }
    for keyword in ["anyOf", "oneOf"] {
        if let Some(members) = schema.get(keyword).and_then(Value::as_array) {
            for member in members {
                collect_fields(doc, member, fields, required, depth + 1, false);
            }
        }
    }
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        for (name, property) in properties {
            if fields.iter().any(|f| &f.name == name) {
                continue;
            }
            fields.push(field_info(doc, name, property));
        }
    }
}

fn field_info(doc: &Value, name: &str, property: &Value) -> FieldInfo {
    let resolved = resolve(doc, property);
    // Constraints may sit on the property itself or on an `allOf` member.
    let merged = merged_constraints(doc, resolved);
    let get = |key: &str| merged.get(key);
    FieldInfo {
        name: name.to_owned(),
        type_name: type_name(doc, resolved),
        format: get("format").and_then(Value::as_str).map(str::to_owned),
        required: false,
        nullable: get("nullable").and_then(Value::as_bool) == Some(true),
        read_only: get("readOnly").and_then(Value::as_bool) == Some(true),
        pattern: get("pattern").and_then(Value::as_str).map(str::to_owned),
        min_length: get("minLength").and_then(Value::as_u64),
        max_length: get("maxLength").and_then(Value::as_u64),
        enum_values: enum_values(doc, resolved),
        description: string_field(property, "description")
            .or_else(|| string_field(resolved, "description"))
            .or_else(|| {
                get("description")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            }),
    }
}

/// The keywords of `schema` and of its `allOf` members (the schema's own win).
fn merged_constraints(doc: &Value, schema: &Value) -> Map<String, Value> {
    let mut merged = Map::new();
    merge_into(doc, schema, &mut merged, 0);
    merged
}

fn merge_into(doc: &Value, schema: &Value, merged: &mut Map<String, Value>, depth: usize) {
    if depth > MAX_ALL_OF_DEPTH {
        return;
    }
    let schema = resolve(doc, schema);
    let Some(object) = schema.as_object() else {
        return;
    };
    for (key, value) in object {
        if !merged.contains_key(key) {
            merged.insert(key.clone(), value.clone());
        }
    }
    if let Some(members) = object.get("allOf").and_then(Value::as_array) {
        for member in members {
            merge_into(doc, member, merged, depth + 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Value {
        json!({
            "components": {
                "schemas": {
                    "Id": {"type": "string", "pattern": "^[0-9a-f-]{36}$", "description": "An id"},
                    "Base": {"type": "object", "properties": {"Name": {"type": "string", "minLength": 1, "maxLength": 50}}, "required": ["Name"]},
                    "Thing": {
                        "allOf": [{"$ref": "#/components/schemas/Base"}],
                        "properties": {
                            "Id": {"$ref": "#/components/schemas/Id"},
                            "Kind": {"type": "string", "enum": ["a", "b"], "nullable": true},
                            "Tags": {"type": "array", "items": {"type": "string", "enum": ["x"]}},
                            "Either": {"anyOf": [{"type": "string"}, {"$ref": "#/components/schemas/Id"}, {"type": "integer"}]}
                        },
                        "required": ["Kind"]
                    },
                    "Loop": {"$ref": "#/components/schemas/Loop"}
                }
            }
        })
    }

    #[test]
    fn fields_follow_refs_and_all_of() {
        let doc = doc();
        let fields = body_fields(&doc, &json!({"$ref": "#/components/schemas/Thing"}));
        let names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["Name", "Id", "Kind", "Tags", "Either"]);
        let name = &fields[0];
        assert!(name.required);
        assert_eq!((name.min_length, name.max_length), (Some(1), Some(50)));
        let id = &fields[1];
        assert!(!id.required);
        assert_eq!(id.pattern.as_deref(), Some("^[0-9a-f-]{36}$"));
        assert_eq!(id.description.as_deref(), Some("An id"));
        let kind = &fields[2];
        assert!(kind.required && kind.nullable);
        assert_eq!(kind.enum_values, vec![json!("a"), json!("b")]);
        assert_eq!(fields[3].type_name.as_deref(), Some("array<string>"));
        assert_eq!(fields[3].enum_values, vec![json!("x")]);
        assert_eq!(fields[4].type_name.as_deref(), Some("string | integer"));
    }

    #[test]
    fn reference_cycles_end() {
        let doc = doc();
        assert!(body_fields(&doc, &json!({"$ref": "#/components/schemas/Loop"})).is_empty());
    }
}
