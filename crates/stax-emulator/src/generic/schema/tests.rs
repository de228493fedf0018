use std::path::PathBuf;

use serde_json::{Value, json};

use std::sync::Arc;

use stax_openapi::{Dialect, Direction as Wire, Target, Validator, pointer};

use super::*;

/// A document read as the emulator reads it.
fn spec(doc: Value) -> Spec {
    Spec::new(doc, Dialect::openapi30())
}

/// The strict validator for `schema` in `doc` (formats asserted), as the wire tests use.
fn validator(schema: &Value, doc: &Spec) -> Option<Arc<Validator>> {
    doc.validator(Target::Schema(schema), Wire::Neutral).ok()
}

fn errors(schema: &Value, doc: &Spec, value: &Value) -> Vec<String> {
    let v = validator(schema, doc).expect("schema compiles");
    v.violations(value).map(|v| v.to_string()).collect()
}

fn assert_valid(schema: Value, doc: &Spec) -> Value {
    let value = generate(&schema, doc);
    let errs = errors(&schema, doc, &value);
    assert!(errs.is_empty(), "{schema} -> {value}: {errs:?}");
    assert!(accepts(&schema, doc, &value), "refused: {value}");
    value
}

#[test]
fn scalars_honour_their_keywords() {
    let doc = spec(json!({}));
    assert_eq!(assert_valid(json!({"enum": ["B", "A"]}), &doc), json!("B"));
    assert_eq!(
        assert_valid(json!({"type": "string", "example": "hello"}), &doc),
        json!("hello")
    );
    // An example that breaks the schema is not used.
    assert_ne!(
        assert_valid(
            json!({"type": "string", "example": "x", "minLength": 3}),
            &doc
        ),
        json!("x")
    );
    assert_valid(json!({"type": "string", "format": "date-time"}), &doc);
    assert_valid(json!({"type": "string", "format": "email"}), &doc);
    assert_valid(json!({"type": "string", "format": "uri"}), &doc);
    assert_valid(json!({"type": "string", "format": "ipv4"}), &doc);
    assert_valid(json!({"type": "string", "format": "uuid"}), &doc);
    assert_valid(json!({"type": "string", "format": "date"}), &doc);
    assert_valid(json!({"type": "string", "pattern": "^\\d{12,12}$"}), &doc);
    assert_valid(
        json!({"type": "string", "pattern": "^[a-zA-Z0-9-_ ]*$", "minLength": 5, "maxLength": 6}),
        &doc,
    );
    assert_valid(
        json!({"type": "string", "pattern": "^[a-z0-9](([a-z0-9]|-(?!-))*[a-z0-9])?$", "minLength": 3}),
        &doc,
    );
    assert_valid(
        json!({"type": "string", "minLength": 40, "maxLength": 40}),
        &doc,
    );
    assert_valid(
        json!({"type": "integer", "minimum": 64512, "maximum": 65534}),
        &doc,
    );
    assert_valid(
        json!({"type": "integer", "maximum": 0, "exclusiveMaximum": true}),
        &doc,
    );
    assert_valid(
        json!({"type": "number", "minimum": 0.5, "multipleOf": 0.25}),
        &doc,
    );
    assert_valid(json!({"type": "boolean"}), &doc);
    assert_eq!(
        assert_valid(json!({"type": "string", "nullable": true}), &doc),
        json!("string")
    );
    assert_eq!(generate(&json!({"nullable": true}), &doc), Value::Null);
}

#[test]
fn refs_allof_and_alternatives() {
    let doc = spec(json!({"components": {"schemas": {
        "Id": {"type": "string", "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"},
        "Base": {"type": "object", "required": ["Id"], "properties": {"Id": {"$ref": "#/components/schemas/Id"}}},
        "Closed": {"type": "object", "additionalProperties": false,
                   "properties": {"Id": {}, "Name": {"type": "string"}}, "required": ["Name"]},
        "A": {"type": "string", "enum": ["x", "y"]},
        "B": {"type": "string", "enum": ["x", "z"]},
    }}}));
    let merged = assert_valid(
        json!({"allOf": [
            {"$ref": "#/components/schemas/Base"},
            {"type": "object", "required": ["Name"], "properties": {"Name": {"type": "string", "maxLength": 3}}}
        ]}),
        &doc,
    );
    assert!(merged["Id"].is_string() && merged["Name"].is_string());
    assert_valid(
        json!({"allOf": [{"$ref": "#/components/schemas/Closed"}, {"$ref": "#/components/schemas/Base"}]}),
        &doc,
    );
    // oneOf: "x" is in both, so the first alternative must give something else.
    let one = assert_valid(
        json!({"oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}]}),
        &doc,
    );
    assert_eq!(one, json!("y"));
    assert_valid(
        json!({"anyOf": [{"type": "integer", "minimum": 5}, {"type": "string"}], "description": "d"}),
        &doc,
    );
    assert_valid(
        json!({"type": "array", "minItems": 3, "items": {"$ref": "#/components/schemas/Base"}}),
        &doc,
    );
    assert_valid(
        json!({"type": "object", "additionalProperties": {"type": "string", "minLength": 1}, "minProperties": 2}),
        &doc,
    );
    assert_valid(
        json!({"type": "object", "maxProperties": 1, "required": ["a"],
               "properties": {"a": {"type": "string"}, "b": {"type": "string"}, "c": {"type": "string"}}}),
        &doc,
    );
}

#[test]
fn hints_fill_fields_when_valid() {
    let doc = spec(json!({}));
    let schema = json!({"type": "object", "required": ["Id", "Count"], "properties": {
        "Id": {"type": "string", "pattern": "^[0-9a-f-]{36}$"},
        "Count": {"type": "integer"},
        "Inner": {"type": "object", "properties": {"Id": {"type": "string"}}},
    }});
    let mut opts = Options::default();
    opts.hints
        .insert("Id".into(), json!("0b1d2c3e-0000-4000-8000-000000000001"));
    opts.hints.insert("Count".into(), json!("not a number"));
    let v = generate_with(&schema, &doc, &opts);
    assert_eq!(v["Id"], "0b1d2c3e-0000-4000-8000-000000000001");
    assert_eq!(v["Inner"]["Id"], "0b1d2c3e-0000-4000-8000-000000000001");
    assert!(v["Count"].is_i64());
    // Requests carry the required properties, plus hinted ones.
    opts.direction = Direction::Request;
    opts.hints.remove("Id");
    let v = generate_with(&schema, &doc, &opts);
    assert!(v.get("Inner").is_none());
    assert!(accepts(&schema, &doc, &v));
}

#[test]
fn seeds_vary_identifiers() {
    let doc = spec(json!({}));
    let schema = json!({"type": "object", "required": ["AccountId"], "properties": {"AccountId": {"type": "string"}}});
    let a = generate(&schema, &doc);
    assert_eq!(a, generate(&schema, &doc));
    let b = generate_with(
        &schema,
        &doc,
        &Options {
            seed: 7,
            ..Options::default()
        },
    );
    assert_ne!(a, b);
    assert!(crate::util::is_uuid(a["AccountId"].as_str().unwrap()));
}

#[test]
fn odd_schemas_do_not_panic() {
    let doc = spec(json!({"components": {"schemas": {
        "Loop": {"type": "object", "properties": {"Next": {"$ref": "#/components/schemas/Loop"}}},
        "Tight": {"$ref": "#/components/schemas/Tight"},
        "Required": {"type": "object", "required": ["Self"], "properties": {"Self": {"$ref": "#/components/schemas/Required"}}},
    }}}));
    for schema in [
        json!({"$ref": "#/components/schemas/Loop"}),
        json!({"$ref": "#/components/schemas/Tight"}),
        json!({"$ref": "#/components/schemas/Required"}),
        json!({"$ref": "#/nowhere"}),
        json!({"$ref": "https://example.com/x.json"}),
        json!({"$ref": 5}),
        json!(true),
        json!(false),
        json!(null),
        json!([1, 2]),
        json!({"type": 7, "properties": "x", "required": "y", "items": 3}),
        json!({"type": "string", "minLength": 10, "maxLength": 2}),
        json!({"type": "string", "pattern": "(("}),
        json!({"type": "integer", "minimum": 10, "maximum": 1}),
        json!({"type": "array", "minItems": 100000, "items": {"type": "string"}}),
        json!({"allOf": [{"type": "string"}, {"type": "integer"}]}),
        json!({"allOf": "x"}),
        json!({"oneOf": []}),
        json!({"oneOf": [{"type": "string"}, {}]}),
        json!({"enum": []}),
        json!({"type": "object", "minProperties": 3, "additionalProperties": false}),
    ] {
        let v = generate(&schema, &doc);
        let _ = accepts(&schema, &doc, &v);
    }
    let loop_value = assert_valid(json!({"$ref": "#/components/schemas/Loop"}), &doc);
    assert!(loop_value.get("Next").is_none() || loop_value["Next"].is_object());
}

/// The shared material directory, as the wire tests find it: `$STAX_SHARED_DIR` (relative to
/// the workspace root), else `../shared` beside the workspace. `Err` when the variable is set
/// but the document is missing.
fn reference(name: &str) -> Option<Value> {
    let root = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."));
    let dir = match std::env::var_os("STAX_SHARED_DIR") {
        Some(dir) => {
            let dir = PathBuf::from(dir);
            let dir = if dir.is_relative() {
                root.join(dir)
            } else {
                dir
            };
            let path = dir.join("reference").join(name);
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
                panic!(
                    "STAX_SHARED_DIR is set but {} is unreadable: {e}",
                    path.display()
                )
            });
            return Some(serde_json::from_str(&text).expect("reference is JSON"));
        }
        None => root.join("../shared"),
    };
    let path = dir.join("reference").join(name);
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(serde_json::from_str(&text).expect("reference is JSON")),
        Err(_) => {
            println!("note: {} not found; skipped", path.display());
            None
        }
    }
}

/// Every component schema and every operation's request and success schemas of a document:
/// generated values validate (strict validator), in both directions.
fn generated_values_validate(doc: &Spec, lenient: bool) -> (usize, Vec<String>) {
    let spec = doc;
    let doc = spec.raw();
    let mut schemas: Vec<(String, Value)> = Vec::new();
    if let Some(map) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        for name in map.keys() {
            schemas.push((name.clone(), json!({"$ref": pointer::component_ref(name)})));
        }
    }
    for (template, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if let Some(s) = op.pointer("/requestBody/content/application~1json/schema") {
                schemas.push((format!("{method} {template} request"), s.clone()));
            }
            if let Some(responses) = op.get("responses").and_then(Value::as_object) {
                for (status, response) in responses {
                    if let Some(s) = response.pointer("/content/application~1json/schema") {
                        schemas.push((format!("{method} {template} {status}"), s.clone()));
                    }
                }
            }
        }
    }
    // Operations mostly `$ref` components already listed: check each schema once.
    let mut unique = std::collections::HashSet::new();
    schemas.retain(|(_, s)| unique.insert(s.to_string()));
    let mut failures = Vec::new();
    let mut checked = 0;
    for (name, schema) in &schemas {
        if validator(schema, spec).is_none() {
            assert!(lenient, "{name}: schema does not compile");
            continue;
        }
        for (direction, wire) in [
            (Direction::Response, Wire::Response),
            (Direction::Request, Wire::Request),
        ] {
            let v = spec
                .validator(Target::Schema(schema), wire)
                .expect("compiles as it did without a direction");
            let value = generate_with(
                schema,
                spec,
                &Options {
                    direction,
                    ..Options::default()
                },
            );
            let errs: Vec<String> = v
                .violations(&value)
                .take(3)
                .map(|e| e.to_string())
                .collect();
            checked += 1;
            if !errs.is_empty() {
                failures.push(format!("{name} ({direction:?}): {errs:?}\n  {value}"));
            }
        }
    }
    (checked, failures)
}

#[test]
fn every_schema_of_the_reference_document_generates_valid_values() {
    let Some(doc) = reference("stax-core-20190206.oas3.json").map(spec) else {
        return;
    };
    // The check has teeth.
    let task = json!({"$ref": "#/components/schemas/tasks.ReadTask"});
    assert!(!errors(&task, &doc, &json!({"Status": 5, "Logs": []})).is_empty());
    assert!(!accepts(
        &task,
        &doc,
        &json!({"Status": "NOPE", "Logs": []})
    ));
    assert_generated_values_validate(&doc, false);
}

/// Fails, naming each, when a value generated for one of `doc`'s schemas breaks it.
fn assert_generated_values_validate(doc: &Spec, lenient: bool) {
    let (checked, failures) = generated_values_validate(doc, lenient);
    assert!(
        failures.is_empty(),
        "{} of {checked} generated values break their schema:\n{}",
        failures.len(),
        failures.join("\n")
    );
    println!("{checked} generated values validate");
}

#[test]
fn every_schema_of_the_legacy_document_generates_valid_values() {
    let Some(doc) = reference("stax-core-20190206-legacy.oas3.json").map(spec) else {
        return;
    };
    assert_generated_values_validate(&doc, true);
}
