//! What an operation's parameters are, read from the document: the `parameters` of a path
//! item and of an operation, merged, with readable type names for help output such as the
//! CLI's `describe`.

use serde_json::Value;

use crate::pointer;

/// How deep `$ref` and `allOf` nesting is followed when naming a type.
const MAX_DEPTH: usize = 16;

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
    /// The parameter's `schema` as the document writes it (`$ref`s unresolved), when it has one.
    pub schema: Option<Value>,
}

/// "an object", "a string", ... for error messages.
pub fn json_kind(value: &Value) -> &'static str {
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
pub fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    pointer::resolve_lenient(doc, value)
}

/// The parameters a path variant declares: path-level, then operation-level (replacing a
/// path-level one of the same name and location), then undeclared template parameters.
pub fn declared_parameters(
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
                schema: None,
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
        schema: param.get("schema").cloned(),
        location,
    })
}

/// A readable type for `schema`: `string`, `array<string>`, `string | null`, ...
pub fn type_name(doc: &Value, schema: &Value) -> Option<String> {
    type_name_at(doc, schema, 0)
}

fn type_name_at(doc: &Value, schema: &Value, depth: usize) -> Option<String> {
    if depth > MAX_DEPTH {
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

/// The allowed values of `schema` (resolving `$ref`): its `enum`, else its array items' `enum`.
pub fn enum_values(doc: &Value, schema: &Value) -> Vec<Value> {
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

/// The non-blank string at `key` of `value`.
pub fn string_field(value: &Value, key: &str) -> Option<String> {
    value
        .get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
        .map(str::to_owned)
}

/// The schema of the success answer of the operation object `op`: the JSON media type's
/// schema of its first 2xx response (`200`, `201`, ..., `2XX`) that states one.
pub fn answer_schema<'a>(doc: &'a Value, op: &'a Value) -> Option<&'a Value> {
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
pub fn may_hold(doc: &Value, schema: &Value, path: &[&str]) -> Option<bool> {
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
    for _ in 0..MAX_DEPTH {
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
    if depth > MAX_DEPTH {
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Value {
        json!({"components": {
            "parameters": {
                "Limit": {"name": "limit", "in": "query", "schema": {"type": "integer", "default": 10}}
            },
            "schemas": {
                "Id": {"type": "string", "format": "uuid"},
                "Thing": {"properties": {"Id": {"$ref": "#/components/schemas/Id"}}},
                "Loop": {"$ref": "#/components/schemas/Loop"}
            }
        }})
    }

    #[test]
    fn type_names_follow_refs_and_end_on_cycles() {
        let doc = doc();
        let thing = json!({"$ref": "#/components/schemas/Thing"});
        assert_eq!(type_name(&doc, &thing).as_deref(), Some("object"));
        assert_eq!(
            type_name(&doc, &json!({"anyOf": [{"type": "string"}, {"$ref": "#/components/schemas/Id"}, {"type": "integer"}]})).as_deref(),
            Some("string | integer")
        );
        assert_eq!(
            type_name(&doc, &json!({"$ref": "#/components/schemas/Loop"})),
            None
        );
        assert_eq!(
            enum_values(
                &doc,
                &json!({"type": "array", "items": {"type": "string", "enum": ["x"]}})
            ),
            vec![json!("x")]
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

    #[test]
    fn answers_say_what_they_may_hold() {
        let doc = json!({"components": {"schemas": {
            "Event": {"type": "object", "properties": {"Detail": {"type": "object", "properties": {
                "Message": {"oneOf": [{"type": "object", "properties": {"TaskId": {"type": "string"}}}, {"type": "string"}]}
            }}}},
            "Open": {"type": "object"}
        }}});
        let op = json!({"responses": {
            "400": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Open"}}}},
            "200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Event"}}}}
        }});
        let answer = answer_schema(&doc, &op).unwrap();
        assert_eq!(
            may_hold(&doc, answer, &["Detail", "Message", "TaskId"]),
            Some(true)
        );
        assert_eq!(may_hold(&doc, answer, &["TaskId"]), Some(false));
        let open = json!({"$ref": "#/components/schemas/Open"});
        assert_eq!(may_hold(&doc, &open, &["TaskId"]), None);
        assert!(answer_schema(&doc, &json!({"responses": {}})).is_none());
    }
}
