//! Skeletons: an operation's input (its parameters and body fields) or output (its answer)
//! as JSON with a placeholder for every value, to fill in (the CLI's `--generate-skeleton`).
//!
//! A placeholder names the value's type (`"<string>"`, `"<integer>"`, `"<boolean>"`, with a
//! format when the schema gives one: `"<string (date-time)>"`), the allowed values of an
//! enum (`"<one of ASC | DESC>"`), and `required` for a field the operation cannot do without
//! (`"<string, required>"`). Lists show one item; maps show one `"<key>"`. Input skeletons
//! leave out read-only fields, output skeletons write-only ones. [`placeholder_in`] finds a
//! placeholder left in a filled-in skeleton, so that it is never sent.

use serde_json::{Map, Value};
use stax_openapi::describe::{resolve, type_name};

use super::{Document, Operation};

/// How deep a skeleton goes (a schema that refers to itself ends there as `"<object>"`).
const MAX_DEPTH: usize = 12;

/// The first words of every placeholder: what [`is_placeholder`] recognises.
const HEADS: [&str; 8] = [
    "string", "integer", "number", "boolean", "object", "array", "any", "one of",
];

/// The key of a map's one example entry.
pub const KEY_PLACEHOLDER: &str = "<key>";

/// Which side of an operation a skeleton shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// What the operation takes: path and query parameters and body fields.
    Input,
    /// What it answers.
    Output,
}

/// Whether `text` is a placeholder a skeleton holds (`"<string, required>"`).
///
/// ```
/// use staxapp::schema::skeleton::is_placeholder;
///
/// assert!(is_placeholder("<string, required>"));
/// assert!(is_placeholder("<one of ACTIVE | SUSPENDED>"));
/// assert!(!is_placeholder("<b>bold</b>"));
/// assert!(!is_placeholder("production"));
/// ```
pub fn is_placeholder(text: &str) -> bool {
    text.strip_prefix('<')
        .and_then(|t| t.strip_suffix('>'))
        .is_some_and(|inner| {
            !inner.contains(['<', '>']) && HEADS.iter().any(|h| inner.starts_with(h))
        })
}

/// Where `value` still holds a placeholder (a value, or a map's `"<key>"`): its path, such as
/// `Tags.<key>` or `AWSManagedPolicies[0].PolicyArn`; `None` when it holds none.
///
/// ```
/// use serde_json::json;
/// use staxapp::schema::skeleton::placeholder_in;
///
/// let filled = json!({"Name": "dev", "Policies": [{"Arn": "<string, required>"}]});
/// assert_eq!(placeholder_in(&filled).as_deref(), Some("Policies[0].Arn"));
/// assert_eq!(placeholder_in(&json!({"Name": "dev"})), None);
/// ```
pub fn placeholder_in(value: &Value) -> Option<String> {
    fn walk(value: &Value, path: &str) -> Option<String> {
        let at = |key: &str| {
            if path.is_empty() {
                key.to_owned()
            } else {
                format!("{path}.{key}")
            }
        };
        match value {
            Value::String(s) if is_placeholder(s) => Some(path.to_owned()),
            Value::Object(map) => map.iter().find_map(|(k, v)| {
                if k == KEY_PLACEHOLDER {
                    Some(at(k))
                } else {
                    walk(v, &at(k))
                }
            }),
            Value::Array(items) => items
                .iter()
                .enumerate()
                .find_map(|(i, v)| walk(v, &format!("{path}[{i}]"))),
            _ => None,
        }
    }
    walk(value, "")
}

impl Document {
    /// The skeleton of `operation`'s input or output (see the [module](self)). An input
    /// skeleton is an object of the path and query parameters and the body fields, which
    /// the CLI's `@file` takes filled in; for an operation whose body is a list, it is that
    /// list (its path parameters are given apart).
    ///
    /// ```
    /// use serde_json::json;
    /// use staxapp::schema::Document;
    /// use staxapp::schema::skeleton::Direction;
    ///
    /// let doc = Document::from_value(json!({"paths": {"/20190206/things/{id}": {"put": {
    ///     "x-stax-sdk-operation-id": "things.UpdateThing",
    ///     "requestBody": {"content": {"application/json": {"schema": {
    ///         "type": "object", "required": ["Name"],
    ///         "properties": {"Name": {"type": "string"},
    ///                        "Kind": {"type": "string", "enum": ["A", "B"]},
    ///                        "Tags": {"type": "object", "additionalProperties": {"type": "string"}}}}}}}
    /// }}}}))?;
    /// let op = doc.operation("things", "UpdateThing")?;
    /// assert_eq!(doc.skeleton(op, Direction::Input), json!({
    ///     "id": "<string, required>",
    ///     "Name": "<string, required>",
    ///     "Kind": "<one of A | B>",
    ///     "Tags": {"<key>": "<string>"},
    /// }));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn skeleton(&self, operation: &Operation, direction: Direction) -> Value {
        let doc = self.raw();
        let builder = Builder { doc, direction };
        let variant_schema = |suffix: &str| {
            operation.variants.iter().find_map(|v| {
                doc.pointer(&format!("{}{suffix}", v.pointer))
                    .filter(|s| s.is_object())
            })
        };
        match direction {
            Direction::Input => {
                let mut object = Map::new();
                for parameter in operation.parameters() {
                    if !matches!(
                        parameter.location,
                        super::ParameterLocation::Path | super::ParameterLocation::Query
                    ) {
                        continue;
                    }
                    let value = match parameter.enum_values.as_slice() {
                        [] => placeholder(
                            parameter.type_name.as_deref().unwrap_or("string"),
                            parameter.format.as_deref(),
                            parameter.required,
                        ),
                        values => enum_placeholder(values, parameter.required),
                    };
                    object.insert(parameter.name, value);
                }
                let component = operation.validates_against().and_then(|c| {
                    self.component(&c)
                        .map(|_| serde_json::json!({"$ref": format!("#/components/schemas/{c}")}))
                });
                let inline = variant_schema("/requestBody/content/application~1json/schema");
                let body = match (component, inline) {
                    (Some(component), _) => Some(builder.value(&component, false, 0)),
                    (None, Some(inline)) => Some(builder.value(inline, false, 0)),
                    (None, None) => None,
                };
                match body {
                    Some(Value::Object(fields)) => {
                        object.extend(fields);
                        Value::Object(object)
                    }
                    Some(list @ Value::Array(_)) => list,
                    _ => Value::Object(object),
                }
            }
            Direction::Output => {
                let response = operation.variants.iter().find_map(|v| {
                    let responses = doc.pointer(&format!("{}/responses", v.pointer))?;
                    let responses = responses.as_object()?;
                    responses
                        .iter()
                        .filter(|(status, _)| status.starts_with('2'))
                        .find_map(|(_, r)| {
                            resolve(doc, r)
                                .pointer("/content/application~1json/schema")
                                .filter(|s| s.is_object())
                        })
                });
                response.map_or(Value::Null, |schema| builder.value(schema, false, 0))
            }
        }
    }
}

/// `"<type[ (format)][, required]>"`.
fn placeholder(type_name: &str, format: Option<&str>, required: bool) -> Value {
    let mut text = format!("<{type_name}");
    if let Some(format) = format {
        text.push_str(&format!(" ({format})"));
    }
    if required {
        text.push_str(", required");
    }
    text.push('>');
    Value::String(text)
}

/// `"<one of A | B[, required]>"`.
fn enum_placeholder(values: &[Value], required: bool) -> Value {
    let names: Vec<String> = values
        .iter()
        .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
        .collect();
    let mut text = format!("<one of {}", names.join(" | "));
    if required {
        text.push_str(", required");
    }
    text.push('>');
    Value::String(text)
}

struct Builder<'a> {
    doc: &'a Value,
    direction: Direction,
}

impl Builder<'_> {
    /// The skeleton of the value `schema` describes.
    fn value(&self, schema: &Value, required: bool, depth: usize) -> Value {
        let schema = resolve(self.doc, schema);
        if depth > MAX_DEPTH {
            return placeholder("object", None, required);
        }
        let merged = self.merged(schema, depth);
        let get = |key: &str| merged.get(key);
        if let Some(Value::Array(values)) = get("enum")
            && !values.is_empty()
        {
            return enum_placeholder(values, required);
        }
        let kind = type_name(self.doc, schema);
        let kind = kind.as_deref().unwrap_or_else(|| {
            if get("properties").is_some() || get("additionalProperties").is_some() {
                "object"
            } else {
                "any"
            }
        });
        if kind.starts_with("array") {
            return match get("items") {
                Some(items) => Value::Array(vec![self.value(items, false, depth + 1)]),
                None => Value::Array(vec![placeholder("any", None, false)]),
            };
        }
        if kind == "object" {
            let required_fields: Vec<&str> = get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let mut object = Map::new();
            if let Some(Value::Object(properties)) = get("properties") {
                for (name, property) in properties {
                    if self.left_out(property) {
                        continue;
                    }
                    let required = required_fields.contains(&name.as_str());
                    object.insert(name.clone(), self.value(property, required, depth + 1));
                }
            }
            if object.is_empty() {
                match get("additionalProperties") {
                    Some(values @ Value::Object(_)) => {
                        object.insert(
                            KEY_PLACEHOLDER.to_owned(),
                            self.value(values, false, depth + 1),
                        );
                    }
                    _ if get("properties").is_none() => {
                        return placeholder("object", None, required);
                    }
                    _ => {}
                }
            }
            return Value::Object(object);
        }
        let format = get("format").and_then(Value::as_str);
        placeholder(kind, format, required)
    }

    /// A field the skeleton's direction leaves out: read-only in an input, write-only in an
    /// output.
    fn left_out(&self, property: &Value) -> bool {
        let property = resolve(self.doc, property);
        let flag = match self.direction {
            Direction::Input => "readOnly",
            Direction::Output => "writeOnly",
        };
        property.get(flag).and_then(Value::as_bool) == Some(true)
    }

    /// The keywords of `schema` and its `allOf` members; `properties` and `required` are
    /// gathered from all of them.
    fn merged(&self, schema: &Value, depth: usize) -> Map<String, Value> {
        let mut merged = schema.as_object().cloned().unwrap_or_default();
        let members = schema.get("allOf").and_then(Value::as_array);
        for member in members.into_iter().flatten() {
            if depth > MAX_DEPTH {
                break;
            }
            let member = self.merged(resolve(self.doc, member), depth + 1);
            for (key, value) in member {
                match (key.as_str(), merged.get_mut(&key), value) {
                    ("properties", Some(Value::Object(mine)), Value::Object(theirs)) => {
                        for (name, property) in theirs {
                            mine.entry(name).or_insert(property);
                        }
                    }
                    ("required", Some(Value::Array(mine)), Value::Array(theirs)) => {
                        mine.extend(theirs);
                    }
                    (_, None, value) => {
                        merged.insert(key, value);
                    }
                    _ => {}
                }
            }
        }
        merged
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Document {
        Document::from_value(json!({
            "paths": {
                "/20190206/things": {"post": {
                    "x-stax-sdk-operation-id": "things.CreateThing",
                    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/New"}}}},
                    "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}}
                }},
                "/20190206/things/{thing_id}/items": {"put": {
                    "x-stax-sdk-operation-id": "things.SetItems",
                    "requestBody": {"content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Item"}}}}}
                }}
            },
            "components": {"schemas": {
                "Base": {"type": "object", "required": ["Name"], "properties": {"Name": {"type": "string"}}},
                "New": {"allOf": [{"$ref": "#/components/schemas/Base"}, {"type": "object", "properties": {
                    "When": {"type": "string", "format": "date-time"},
                    "Id": {"type": "string", "readOnly": true},
                    "Secret": {"type": "string", "writeOnly": true},
                    "Items": {"type": "array", "items": {"$ref": "#/components/schemas/Item"}},
                    "Loop": {"$ref": "#/components/schemas/Loop"}
                }}]},
                "Thing": {"allOf": [{"$ref": "#/components/schemas/New"}]},
                "Item": {"type": "object", "required": ["Kind"], "properties": {"Kind": {"enum": ["a", "b"]}, "Count": {"type": "integer"}}},
                "Loop": {"type": "object", "properties": {"Next": {"$ref": "#/components/schemas/Loop"}}}
            }}
        }))
        .unwrap()
    }

    #[test]
    fn input_and_output_skeletons() {
        let doc = doc();
        let op = doc.operation("things", "CreateThing").unwrap();
        let input = doc.skeleton(op, Direction::Input);
        assert_eq!(input["Name"], "<string, required>");
        assert_eq!(input["When"], "<string (date-time)>");
        assert_eq!(
            input["Items"],
            json!([{"Kind": "<one of a | b, required>", "Count": "<integer>"}])
        );
        assert!(input.get("Id").is_none() && input.get("Secret").is_some());
        let output = doc.skeleton(op, Direction::Output);
        assert!(output.get("Id").is_some() && output.get("Secret").is_none());
        // A schema that refers to itself ends.
        let mut depth = 0;
        let mut at = &input["Loop"];
        while let Some(next) = at.get("Next") {
            at = next;
            depth += 1;
        }
        assert!(depth <= MAX_DEPTH, "{depth}");
        assert_eq!(placeholder_in(&input).as_deref(), Some("Name"));
    }

    #[test]
    fn a_list_body_is_the_skeleton() {
        let doc = doc();
        let op = doc.operation("things", "SetItems").unwrap();
        assert_eq!(
            doc.skeleton(op, Direction::Input),
            json!([{"Kind": "<one of a | b, required>", "Count": "<integer>"}])
        );
    }
}
