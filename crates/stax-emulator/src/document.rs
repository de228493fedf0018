//! The served OpenAPI 3.0 document, and request-body validation against it.
//!
//! The emulator's own document is assembled by the areas (`areas::document`); with
//! `--openapi PATH` the given document is served instead, and bodies are checked against it.

use std::collections::HashMap;

use serde_json::{Map, Value, json};

/// A document being served, with compiled validators for its request bodies.
pub(crate) struct Document {
    validators: HashMap<String, jsonschema::Validator>,
}

impl Document {
    /// The document `json`, with a validator for each of its components.
    pub fn new(json: Value) -> Document {
        let mut validators = HashMap::new();
        if let Some(schemas) = json
            .pointer("/components/schemas")
            .and_then(Value::as_object)
        {
            let components = to_json_schema(json.get("components").cloned().unwrap_or_default());
            for name in schemas.keys() {
                let root = json!({
                    "$ref": format!("#/components/schemas/{}", escape_pointer(name)),
                    "components": components,
                });
                match jsonschema::options()
                    .with_draft(jsonschema::Draft::Draft4)
                    .build(&root)
                {
                    Ok(v) => {
                        validators.insert(name.clone(), v);
                    }
                    Err(err) => {
                        tracing::warn!(component = %name, error = %err, "schema not compiled")
                    }
                }
            }
        }
        Document { validators }
    }

    /// Checks `body` against the component `component`; `Err` names the failing field.
    /// A component the document does not have accepts anything.
    pub fn validate(&self, component: &str, body: &Value) -> Result<(), String> {
        let Some(validator) = self.validators.get(component) else {
            return Ok(());
        };
        let errors: Vec<String> = validator
            .iter_errors(body)
            .take(3)
            .map(|e| {
                let at = e.instance_path().to_string();
                if at.is_empty() {
                    format!("{e}")
                } else {
                    format!("{at}: {e}")
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

fn escape_pointer(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

/// Turns OpenAPI 3.0 schema dialect into JSON Schema: `nullable: true` admits `null`.
pub(crate) fn to_json_schema(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let nullable = map.get("nullable") == Some(&Value::Bool(true));
            let mut out: Map<String, Value> = map
                .into_iter()
                .filter(|(k, _)| k != "nullable")
                .map(|(k, v)| {
                    // Property names and examples are data, not schemas.
                    if k == "example" || k == "enum" || k == "default" {
                        (k, v)
                    } else {
                        (k, to_json_schema(v))
                    }
                })
                .collect();
            if nullable {
                if let Some(Value::String(t)) = out.get("type").cloned() {
                    out.insert("type".into(), json!([t, "null"]));
                    if let Some(Value::Array(values)) = out.get_mut("enum") {
                        values.push(Value::Null);
                    }
                } else if out.contains_key("$ref") || out.contains_key("anyOf") {
                    let inner = Value::Object(out);
                    return json!({"anyOf": [inner, {"type": "null"}]});
                }
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.into_iter().map(to_json_schema).collect()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nullable_admits_null() {
        let schema = to_json_schema(json!({"type": "string", "nullable": true}));
        assert_eq!(schema, json!({"type": ["string", "null"]}));
    }
}
