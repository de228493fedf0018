//! The served documents: their shared vocabulary (parameters, component helpers, the
//! components every area uses) and their assembly from the areas' operation tables and
//! schemas, one document per API version.
//!
//! Paths, field names and enums follow Stax's APIs; the wording is the emulator's. Each
//! operation carries `x-stax-emulator-roles` (the roles that may call it, also said in its
//! description) and its name as its API names operations ([`Naming`]): in the core API
//! `x-stax-sdk-operation-id` (`service.Operation`) on paths from the host; in the Permission
//! Sets API `operationId` (`Operation`) on paths relative to the server `/20210321`. PUT and
//! POST bodies are `$ref`s to components named like Stax's, which is what SDKs validate
//! against; errors are the API's own shape ([`ErrorShape`]).

use serde_json::{Map, Value, json};

use super::api::Operation;
use super::regions;
use super::{Area, Entry};
use crate::protocol::{ErrorShape, Naming, api_version};

/// A query parameter of a simple type.
pub(crate) fn query(name: &str, kind: &str, text: &str) -> Value {
    json!({"name": name, "in": "query", "required": false, "description": text, "schema": {"type": kind}})
}

/// A path parameter (a string).
pub(crate) fn path_param(name: &str, text: &str) -> Value {
    json!({"name": name, "in": "path", "required": true, "description": text, "schema": {"type": "string"}})
}

/// A boolean query parameter with its default.
pub(crate) fn flag(name: &str, default: bool, text: &str) -> Value {
    json!({"name": name, "in": "query", "required": false, "description": text,
           "schema": {"type": "boolean", "default": default}})
}

/// `offset` and `limit`.
pub(crate) fn paging() -> Vec<Value> {
    vec![
        query(
            "offset",
            "integer",
            "Index of the first item to return (with limit).",
        ),
        query("limit", "integer", "Most items to return in one page."),
    ]
}

/// `sort_order`.
pub(crate) fn sort_order() -> Value {
    json!({
        "name": "sort_order", "in": "query", "required": false,
        "description": "Ordering direction when sort is given.",
        "schema": {"type": "string", "enum": ["ASC", "DESC"], "default": "DESC"}
    })
}

/// `#/components/schemas/{name}`.
pub(crate) fn r(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

/// An array of `items`.
pub(crate) fn list_of(items: Value) -> Value {
    json!({"type": "array", "items": items})
}

/// An object with one required array property.
pub(crate) fn wrapper(key: &str, component: &str) -> Value {
    json!({"type": "object", "required": [key], "properties": {key: list_of(r(component))}})
}

/// A `TaskEvent` whose `Detail` also carries `extra` properties.
pub(crate) fn event_with(extra: Value) -> Value {
    json!({"allOf": [r("TaskEvent"), {"type": "object", "properties": {"Detail": {"type": "object", "properties": extra}}}]})
}

/// A resource status with the given values.
pub(crate) fn status(values: &[&str], text: &str) -> Value {
    json!({"type": "string", "enum": values, "description": text})
}

/// Statuses of things changed through tasks (OUs, policies, attachments).
pub(crate) const LIFECYCLE: [&str; 8] = [
    "ACTIVE",
    "CREATE_FAILED",
    "CREATE_IN_PROGRESS",
    "DELETED",
    "DELETE_FAILED",
    "DELETE_IN_PROGRESS",
    "UPDATE_IN_PROGRESS",
    "UPDATE_FAILED",
];

/// A UUID.
pub(crate) fn uuid_schema() -> Value {
    json!({"type": "string", "pattern": "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"})
}

/// A timestamp.
pub(crate) fn timestamp(text: &str) -> Value {
    json!({"type": "string", "format": "date-time", "description": text})
}

/// A timestamp or null.
pub(crate) fn nullable_timestamp(text: &str) -> Value {
    json!({"type": "string", "format": "date-time", "nullable": true, "description": text})
}

/// The answer of a change: its outcome and the task that carries it out, with `extra`
/// properties in `Detail`.
pub(crate) fn event_schema(extra: Value) -> Value {
    let mut props = json!({
        "Message": {"type": "string"},
        "Operation": {"type": "string"},
        "OperationStatus": r("OperationStatus"),
        "Severity": {"type": "string"},
        "TaskId": r("nullable-uuidv4")
    });
    if let (Some(p), Some(e)) = (props.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            p.insert(k.clone(), v.clone());
        }
    }
    json!({
        "type": "object",
        "description": "The outcome of a change, and the task that carries it out when it is asynchronous.",
        "required": ["Detail", "DetailType"],
        "properties": {
            "Detail": {"type": "object", "required": ["Operation", "OperationStatus"], "properties": props},
            "DetailType": {"type": "string"},
            "TaskId": r("ro-uuidv4")
        }
    })
}

/// The error components of an API whose errors have `shape`.
fn error_schemas(shape: ErrorShape, s: &mut Map<String, Value>) {
    match shape {
        ErrorShape::Text => {
            s.insert(
                "Error".into(),
                json!({
                    "type": "object",
                    "description": "What went wrong.",
                    "properties": {"Error": {"type": "string"}, "Cause": {"type": "string"}}
                }),
            );
        }
        ErrorShape::Coded => {
            s.insert(
                "Error".into(),
                json!({
                    "type": "object",
                    "description": "What went wrong: the HTTP status again, and a sentence.",
                    "required": ["Code", "Message"],
                    "properties": {
                        "Code": {"type": "integer", "format": "int32"},
                        "Message": {"type": "string"}
                    }
                }),
            );
            s.insert(
                "ErrorResponse".into(),
                json!({
                    "type": "object",
                    "required": ["Error"],
                    "properties": {"Error": r("Error")}
                }),
            );
        }
    }
}

/// The components every area of the core API uses.
fn shared_schemas(s: &mut Map<String, Value>) {
    s.insert(
        "ErrorEvent".into(),
        json!({
            "type": "object",
            "description": "What went wrong, as a failed event (Stax answers so for some operations); Error says it too.",
            "required": ["Detail", "DetailType", "Error"],
            "properties": {
                "Detail": {
                    "type": "object",
                    "required": ["Operation", "OperationStatus", "Severity"],
                    "properties": {
                        "Message": {"type": "string"},
                        "Operation": {"type": "string"},
                        "OperationStatus": r("OperationStatus"),
                        "Severity": {"type": "string"}
                    }
                },
                "DetailType": {"type": "string"},
                "Error": {"type": "string"},
                "Cause": {"type": "string"}
            }
        }),
    );
    s.insert("uuidv4".into(), uuid_schema());
    s.insert("ro-uuidv4".into(), {
        let mut u = uuid_schema();
        u["readOnly"] = json!(true);
        u
    });
    s.insert("nullable-uuidv4".into(), {
        let mut u = uuid_schema();
        u["nullable"] = json!(true);
        u
    });
    s.insert(
        "DefaultAwsRegion".into(),
        json!({"type": "string", "description": "An AWS region Stax runs in.", "enum": regions::DEFAULT}),
    );
    s.insert(
        "OptInAwsRegion".into(),
        json!({"type": "string", "description": "An AWS region accounts opt in to.", "enum": regions::OPT_IN}),
    );
    s.insert(
        "DisabledAwsRegion".into(),
        json!({"type": "string", "description": "An AWS region Stax keeps disabled.", "enum": regions::DISABLED}),
    );
    s.insert(
        "AwsRegion".into(),
        json!({"type": "string", "description": "Any AWS region Stax knows.", "enum": regions::all().collect::<Vec<_>>()}),
    );
    s.insert(
        "OperationStatus".into(),
        json!({
            "type": "string",
            "description": "Where an asynchronous change is: STARTED and PENDING wait, RUNNING works, SUCCEEDED and FAILED are final.",
            "enum": ["STARTED", "PENDING", "RUNNING", "SUCCEEDED", "FAILED"]
        }),
    );
    s.insert(
        "StaxTags".into(),
        json!({
            "type": "object",
            "nullable": true,
            "description": "Free-form key and value labels.",
            "maxProperties": 100,
            "additionalProperties": {"type": "string", "minLength": 1, "maxLength": 256, "pattern": "^[a-zA-Z0-9+\\-=._:/@ ]*$"}
        }),
    );
    s.insert(
        "Pagination".into(),
        json!({
            "type": "object",
            "description": "Where this page sits, given when offset and limit are.",
            "required": ["Total", "NextOffset", "PrevOffset"],
            "properties": {
                "Total": {"type": "number", "description": "Items matching the filters."},
                "NextOffset": {"type": "number", "nullable": true, "description": "Offset of the following page; null on the last one."},
                "PrevOffset": {"type": "number", "nullable": true, "description": "Offset of the preceding page; null on the first one."}
            }
        }),
    );
    s.insert("TaskEvent".into(), event_schema(json!({})));
}

fn response_of(schema: &str, text: &str) -> Value {
    json!({
        "description": text,
        "content": {"application/json": {"schema": r(schema)}}
    })
}

fn error_text(status: u16) -> &'static str {
    match status {
        400 => "The request is malformed or breaks a rule.",
        403 => {
            "The caller's role may not call this operation (API Gateway's own refusals of a signature carry {\"message\"} instead)."
        }
        404 => "Nothing has that id.",
        409 => "Another change to the same thing is under way.",
        _ => "The request failed.",
    }
}

/// The words of an operation's description that say who may call it.
fn roles_text(op: &Operation) -> String {
    if op.roles.is_public() {
        "Anyone may call it: no signature is needed.".to_owned()
    } else {
        format!(
            "Roles allowed to call it: {}.",
            op.roles.role_names().join(", ")
        )
    }
}

/// One operation as the document describes it, tagged with its area.
fn operation_item(area: &str, op: &Operation) -> Value {
    let api = api_version(super::version_of(op.path));
    let mut responses = Map::new();
    responses.insert(
        op.success.to_string(),
        response_of(op.response, "The request succeeded."),
    );
    let mut errors: Vec<u16> = op.errors.to_vec();
    if !op.roles.is_public() && !errors.contains(&403) {
        errors.push(403);
    }
    errors.sort_unstable();
    for status in errors {
        let schema = if op.event_errors.contains(&status) {
            "ErrorEvent"
        } else if op.answered_errors.contains(&status) {
            op.response
        } else if api.errors == ErrorShape::Coded {
            "ErrorResponse"
        } else {
            "Error"
        };
        responses.insert(status.to_string(), response_of(schema, error_text(status)));
    }
    let mut item = json!({
        "summary": op.summary,
        "description": format!("{} {}", op.summary, roles_text(op)),
        "tags": [area],
        "x-stax-emulator-roles": op.roles.role_names(),
        "responses": responses,
    });
    match api.naming {
        Naming::SdkIds => item["x-stax-sdk-operation-id"] = json!(op.id),
        Naming::OperationIds => {
            item["operationId"] = json!(op.id.split_once('.').map_or(op.id, |(_, name)| name));
        }
    }
    if !op.params.is_empty() {
        item["parameters"] = Value::Array(op.params.clone());
    }
    if op.roles.is_public() {
        item["security"] = json!([]);
    } else {
        item["security"] = json!([{"sigv4": []}]);
    }
    if let Some(body) = op.body {
        item["requestBody"] = json!({
            "required": true,
            "content": {"application/json": {"schema": r(body)}}
        });
    }
    item
}

/// The whole document of one API version: every operation of the table under that version,
/// and every component the areas that have them define.
pub(crate) fn document(areas: &[(&str, &Area)], table: &[Entry], version: &str) -> Value {
    let api = api_version(version);
    let prefix = format!("/{version}");
    let mut paths = Map::new();
    let mut present: Vec<&str> = Vec::new();
    for Entry { area, op } in table {
        if super::version_of(op.path) != version {
            continue;
        }
        if !present.contains(area) {
            present.push(area);
        }
        let path = match api.naming {
            Naming::SdkIds => op.path,
            Naming::OperationIds => op.path.strip_prefix(&prefix).unwrap_or(op.path),
        };
        let item = paths
            .entry(path.to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
        item[op.method] = operation_item(area, op);
    }
    let mut schemas = Map::new();
    error_schemas(api.errors, &mut schemas);
    if api.naming == Naming::SdkIds {
        shared_schemas(&mut schemas);
    }
    for (name, area) in areas {
        if present.contains(name) {
            (area.schemas)(&mut schemas);
        }
    }
    let tags: Vec<Value> = present.iter().map(|name| json!({"name": name})).collect();
    let server = match api.naming {
        Naming::SdkIds => "/".to_owned(),
        Naming::OperationIds => prefix,
    };
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": api.title,
            "version": version,
            "description": "The part of the Stax API that stax-emulator answers locally, over state kept in SQLite. Every operation says which roles may call it (x-stax-emulator-roles); read-only roles may call no change."
        },
        "servers": [{"url": server}],
        "tags": tags,
        "paths": paths,
        "components": {
            "securitySchemes": {
                "sigv4": {
                    "type": "apiKey",
                    "name": "Authorization",
                    "in": "header",
                    "x-amazon-apigateway-authtype": "awsSigv4"
                }
            },
            "schemas": schemas
        }
    })
}
