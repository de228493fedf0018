//! Plain descriptions of what an operation takes, for help output such as the CLI's
//! `describe`: parameters from the document's `parameters`, body fields from the resolved
//! request body schema.

use serde_json::{Map, Value};

/// How deep `allOf` nesting is followed when collecting body fields.
const MAX_ALL_OF_DEPTH: usize = 16;

/// Where a parameter is sent.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ParameterLocation {
    /// A `{...}` segment of the path.
    Path,
    /// The query string.
    Query,
    /// A request header.
    Header,
    /// A cookie.
    Cookie,
    /// Any other `in` value the document uses.
    Other(String),
}

impl ParameterLocation {
    fn parse(value: &str) -> Self {
        match value {
            "path" => ParameterLocation::Path,
            "query" => ParameterLocation::Query,
            "header" => ParameterLocation::Header,
            "cookie" => ParameterLocation::Cookie,
            other => ParameterLocation::Other(other.to_owned()),
        }
    }

    /// The OAS3 spelling: `path`, `query`, `header`, `cookie`, or the document's own word.
    pub fn as_str(&self) -> &str {
        match self {
            ParameterLocation::Path => "path",
            ParameterLocation::Query => "query",
            ParameterLocation::Header => "header",
            ParameterLocation::Cookie => "cookie",
            ParameterLocation::Other(other) => other,
        }
    }
}

impl std::fmt::Display for ParameterLocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One parameter of an operation, as the document declares it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ParameterInfo {
    /// The parameter's name, which is also the argument name to pass.
    pub name: String,
    /// Where it is sent.
    pub location: ParameterLocation,
    /// The schema's type, e.g. `string`, `array<string>`, `string | integer`; `None` when the
    /// document gives none (or for an undeclared path parameter).
    pub type_name: Option<String>,
    /// The schema's `format`, e.g. `date-time`.
    pub format: Option<String>,
    /// Whether the parameter is required. Path parameters are always required.
    pub required: bool,
    /// The allowed values, when the schema has an `enum` (also an array's item `enum`).
    pub enum_values: Vec<Value>,
    /// The parameter's `description`, else its schema's.
    pub description: Option<String>,
    /// The schema's `default`.
    pub default: Option<Value>,
    /// The schema's `minimum`, for a number.
    pub minimum: Option<f64>,
    /// The schema's `maximum`, for a number.
    pub maximum: Option<f64>,
}

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

/// "an object", "a string", ... for error messages.
pub(crate) fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Follows `$ref` chains from `value` to the first object without one. Unresolvable
/// references leave the object that holds them.
pub(crate) fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    stax_openapi::pointer::resolve_lenient(doc, value)
}

/// The parameters a path variant declares: path-level, then operation-level (replacing a
/// path-level one of the same name and location), then undeclared template parameters.
pub(crate) fn declared_parameters(
    doc: &Value,
    path_level: Option<&Value>,
    op_level: Option<&Value>,
    template_params: &[String],
) -> Vec<ParameterInfo> {
    let mut params: Vec<ParameterInfo> = Vec::new();
    for list in [path_level, op_level].into_iter().flatten() {
        let Some(list) = list.as_array() else {
            continue;
        };
        for param in list {
            let Some(info) = parameter_info(doc, resolve(doc, param)) else {
                continue;
            };
            match params
                .iter_mut()
                .find(|p| p.name == info.name && p.location == info.location)
            {
                Some(existing) => *existing = info,
                None => params.push(info),
            }
        }
    }
    for name in template_params {
        if !params
            .iter()
            .any(|p| &p.name == name && p.location == ParameterLocation::Path)
        {
            params.push(ParameterInfo {
                name: name.clone(),
                location: ParameterLocation::Path,
                type_name: None,
                format: None,
                required: true,
                enum_values: Vec::new(),
                description: None,
                default: None,
                minimum: None,
                maximum: None,
            });
        }
    }
    params
}

fn parameter_info(doc: &Value, param: &Value) -> Option<ParameterInfo> {
    let name = param.get("name")?.as_str()?.to_owned();
    let location = ParameterLocation::parse(param.get("in").and_then(Value::as_str)?);
    let schema = param.get("schema").map(|s| resolve(doc, s));
    let required = location == ParameterLocation::Path
        || param.get("required").and_then(Value::as_bool) == Some(true);
    Some(ParameterInfo {
        name,
        type_name: schema.and_then(|s| type_name(doc, s)),
        format: schema.and_then(|s| string_field(s, "format")),
        required,
        enum_values: schema.map(|s| enum_values(doc, s)).unwrap_or_default(),
        description: string_field(param, "description")
            .or_else(|| schema.and_then(|s| string_field(s, "description"))),
        default: schema.and_then(|s| s.get("default")).cloned(),
        minimum: schema
            .and_then(|s| s.get("minimum"))
            .and_then(Value::as_f64),
        maximum: schema
            .and_then(|s| s.get("maximum"))
            .and_then(Value::as_f64),
        location,
    })
}

/// The schema of the success answer of the operation object `op`: the JSON media type's
/// schema of its first 2xx response (`200`, `201`, ..., `2XX`) that states one.
pub(crate) fn answer_schema<'a>(doc: &'a Value, op: &'a Value) -> Option<&'a Value> {
    let responses = resolve(doc, op.get("responses")?).as_object()?;
    let mut codes: Vec<&String> = responses.keys().filter(|c| c.starts_with('2')).collect();
    codes.sort();
    codes.into_iter().find_map(|code| {
        let content = resolve(doc, &responses[code]).get("content")?.as_object()?;
        content
            .iter()
            .find(|(media, _)| media.starts_with("application/json") || media.ends_with("+json"))
            .and_then(|(_, media)| media.get("schema"))
            .map(|schema| resolve(doc, schema))
    })
}

/// Whether a value of `schema` may hold something at `path` (property names from the top; an
/// array is looked through to its items): `Some(true)` when the schema declares it,
/// `Some(false)` when it states its properties at every step and not that one, `None` when
/// it does not say (a step with no `properties`, or open to any other property).
pub(crate) fn may_hold(doc: &Value, schema: &Value, path: &[&str]) -> Option<bool> {
    let mut schema = schema;
    for name in path {
        schema = items_of(doc, schema);
        let mut properties = Vec::new();
        if !collect_properties(doc, schema, &mut properties, 0) {
            return None;
        }
        match properties.into_iter().find(|(key, _)| key == name) {
            Some((_, property)) => schema = property,
            None => return Some(false),
        }
    }
    Some(true)
}

/// The items of an array schema (of an array of arrays, their items), else `schema`.
fn items_of<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    let mut schema = resolve(doc, schema);
    for _ in 0..MAX_ALL_OF_DEPTH {
        match schema.get("items") {
            Some(items) => schema = resolve(doc, items),
            None => break,
        }
    }
    schema
}

/// Gathers the properties `schema` declares (through `$ref`, `allOf`, `anyOf`, `oneOf`);
/// false when it does not state them: no `properties` anywhere, or an `additionalProperties`
/// that admits others.
fn collect_properties<'a>(
    doc: &'a Value,
    schema: &'a Value,
    found: &mut Vec<(&'a str, &'a Value)>,
    depth: usize,
) -> bool {
    if depth > MAX_ALL_OF_DEPTH {
        return false;
    }
    let schema = resolve(doc, schema);
    if schema
        .get("additionalProperties")
        .is_some_and(|extra| extra != &Value::Bool(false))
    {
        return false;
    }
    let mut stated = false;
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        stated = true;
        found.extend(properties.iter().map(|(k, v)| (k.as_str(), v)));
    }
    for keyword in ["allOf", "anyOf", "oneOf"] {
        if let Some(members) = schema.get(keyword).and_then(Value::as_array) {
            for member in members {
                // An alternative that is a string, a number, ... holds no property.
                if scalar(resolve(doc, member)) {
                    continue;
                }
                if !collect_properties(doc, member, found, depth + 1) {
                    return false;
                }
                stated = true;
            }
        }
    }
    stated
}

/// Whether `schema` says its values are of scalar types only (no object, no array).
fn scalar(schema: &Value) -> bool {
    let is_scalar = |t: &Value| {
        matches!(
            t.as_str(),
            Some("string" | "number" | "integer" | "boolean" | "null")
        )
    };
    match schema.get("type") {
        Some(Value::Array(types)) => !types.is_empty() && types.iter().all(is_scalar),
        Some(t) => is_scalar(t),
        None => false,
    }
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

/// A readable type for `schema`: `string`, `array<string>`, `string | null`, ...
pub(crate) fn type_name(doc: &Value, schema: &Value) -> Option<String> {
    type_name_at(doc, schema, 0)
}

fn type_name_at(doc: &Value, schema: &Value, depth: usize) -> Option<String> {
    if depth > MAX_ALL_OF_DEPTH {
        return None;
    }
    let schema = resolve(doc, schema);
    match schema.get("type") {
        Some(Value::String(t)) if t == "array" => {
            let items = schema
                .get("items")
                .and_then(|items| type_name_at(doc, items, depth + 1));
            Some(match items {
                Some(items) => format!("array<{items}>"),
                None => "array".to_owned(),
            })
        }
        Some(Value::String(t)) => Some(t.clone()),
        Some(Value::Array(types)) => {
            let names: Vec<&str> = types.iter().filter_map(Value::as_str).collect();
            (!names.is_empty()).then(|| names.join(" | "))
        }
        _ => {
            for keyword in ["anyOf", "oneOf"] {
                if let Some(members) = schema.get(keyword).and_then(Value::as_array) {
                    let mut names: Vec<String> = Vec::new();
                    for member in members {
                        if let Some(name) = type_name_at(doc, member, depth + 1)
                            && !names.contains(&name)
                        {
                            names.push(name);
                        }
                    }
                    return (!names.is_empty()).then(|| names.join(" | "));
                }
            }
            schema
                .get("allOf")
                .and_then(Value::as_array)
                .and_then(|members| members.iter().find_map(|m| type_name_at(doc, m, depth + 1)))
                .or_else(|| schema.get("properties").map(|_| "object".to_owned()))
        }
    }
}

fn enum_values(doc: &Value, schema: &Value) -> Vec<Value> {
    let schema = resolve(doc, schema);
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        return values.clone();
    }
    schema
        .get("items")
        .map(|items| resolve(doc, items))
        .and_then(|items| items.get("enum"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

fn string_field(value: &Value, key: &str) -> Option<String> {
    value
        .get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Value {
        json!({
            "components": {
                "parameters": {
                    "Limit": {"name": "limit", "in": "query", "schema": {"type": "integer", "default": 10}}
                },
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
        assert_eq!(
            type_name(&doc, &json!({"$ref": "#/components/schemas/Loop"})),
            None
        );
    }

    #[test]
    fn parameters_merge_levels_and_template() {
        let doc = doc();
        let path_level = json!([
            {"name": "filter", "in": "query", "description": "path level"},
            {"$ref": "#/components/parameters/Limit"}
        ]);
        let op_level = json!([
            {"name": "filter", "in": "query", "required": true, "schema": {"type": "string", "enum": ["ACTIVE"]}},
            {"name": "broken"}
        ]);
        let params = declared_parameters(
            &doc,
            Some(&path_level),
            Some(&op_level),
            &["account_id".to_owned()],
        );
        assert_eq!(params.len(), 3);
        assert_eq!(params[0].name, "filter");
        assert!(params[0].required);
        assert_eq!(params[0].enum_values, vec![json!("ACTIVE")]);
        assert_eq!(params[1].name, "limit");
        assert_eq!(params[1].type_name.as_deref(), Some("integer"));
        assert_eq!(params[1].default, Some(json!(10)));
        assert_eq!(params[2].name, "account_id");
        assert_eq!(params[2].location, ParameterLocation::Path);
        assert!(params[2].required);
    }
}
