//! Answering one operation of an `--openapi` document: its parameters and body checked
//! against its schemas, a task for a change, and a body generated valid against its success
//! schema, echoing what the request said.

use std::collections::BTreeMap;

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::matching::Operation;
use super::schema::{self, Direction, Options, accepts, generate_with};
use crate::document::{check, parse_body};
use crate::protocol::{ApiError, ApiResult};

/// What one call brings: the path parameters (decoded, by name), the query (decoded) and the
/// body as sent.
pub(crate) struct Request<'a> {
    pub params: &'a [(String, String)],
    pub query: &'a BTreeMap<String, String>,
    pub body: &'a [u8],
}

impl Operation {
    /// The answer to one call that passed the gate. A change starts its task through
    /// `start_task` (given the operation id; it returns the task's id).
    pub(crate) fn answer(
        &self,
        req: &Request<'_>,
        start_task: impl FnOnce(&str) -> ApiResult<String>,
    ) -> ApiResult<Response> {
        self.check_parameters(req)?;
        let body = self.check_body(req.body)?;
        // Values the answer should echo.
        let mut hints = Map::new();
        for (name, value) in req.params {
            hints.insert(pascal(name), Value::String(value.clone()));
        }
        if let Some((name, value)) = req.params.last()
            && name.ends_with("_id")
        {
            hints.insert("Id".into(), Value::String(value.clone()));
        }
        if let Value::Object(fields) = &body {
            for (k, v) in fields {
                hints.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
        let mut seed = 0u64;
        if matches!(self.method.as_str(), "POST" | "PUT" | "PATCH" | "DELETE") {
            let task_id = start_task(&self.id)?;
            seed = task_id.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
            });
            hints.insert("TaskId".into(), Value::String(task_id));
        }
        let status = StatusCode::from_u16(self.success).unwrap_or(StatusCode::OK);
        let Some(schema) = &self.response_schema else {
            return Ok((status, Json(json!({}))).into_response());
        };
        let opts = Options {
            direction: Direction::Response,
            hints,
            seed,
        };
        let answer = generate_with(schema, &self.spec, &opts);
        if !accepts(schema, &self.spec, &answer) {
            tracing::warn!(operation = %self.id, "generated answer may not match its schema");
        }
        if status == StatusCode::NO_CONTENT {
            return Ok(status.into_response());
        }
        Ok((status, Json(answer)).into_response())
    }

    /// Path and query parameters against their schemas.
    fn check_parameters(&self, req: &Request<'_>) -> ApiResult<()> {
        let doc = self.spec.raw();
        for p in &self.parameters {
            let name = p.get("name").and_then(Value::as_str).unwrap_or("");
            match p.get("in").and_then(Value::as_str) {
                Some("path") => {
                    let Some((_, value)) = req.params.iter().find(|(n, _)| n == name) else {
                        continue;
                    };
                    if let Some(s) = p.get("schema")
                        && !accepts(s, &self.spec, &typed(s, doc, value))
                    {
                        return Err(ApiError::new(
                            self.error_status(400, &[404]),
                            format!("Path parameter {name} is not valid: '{value}'"),
                        ));
                    }
                }
                Some("query") => {
                    let required = p.get("required") == Some(&Value::Bool(true));
                    match req.query.get(name) {
                        None if required => {
                            return Err(ApiError::new(
                                self.error_status(400, &[]),
                                format!("Query parameter {name} is required"),
                            ));
                        }
                        Some(value) => {
                            if let Some(s) = p.get("schema")
                                && !accepts(s, &self.spec, &typed(s, doc, value))
                            {
                                return Err(ApiError::new(
                                    self.error_status(400, &[]),
                                    format!("Query parameter {name} is not valid: '{value}'"),
                                ));
                            }
                        }
                        None => {}
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// The body, read as JSON (nothing is `{}`) and checked when the operation takes one;
    /// `null` when it takes none.
    fn check_body(&self, bytes: &[u8]) -> ApiResult<Value> {
        if self.request_schema.is_none() {
            return Ok(Value::Null);
        }
        let body = parse_body(bytes).map_err(ApiError::bad_request)?;
        if let Some(validator) = self.request_validator() {
            check(validator, &body)
                .map_err(|e| ApiError::bad_request(format!("Invalid request body: {e}")))?;
        }
        Ok(body)
    }

    /// An error status the operation documents: `preferred` when it does, else the first of
    /// `others` it does, else `preferred`.
    fn error_status(&self, preferred: u16, others: &[u16]) -> StatusCode {
        let status = std::iter::once(preferred)
            .chain(others.iter().copied())
            .find(|s| self.documents(*s))
            .unwrap_or(preferred);
        StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST)
    }
}

/// `account_id` -> `AccountId`.
fn pascal(name: &str) -> String {
    name.split(['_', '-'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

/// A path or query value as the JSON type its schema wants (`"5"` -> `5` for integers).
fn typed(schema: &Value, doc: &Value, text: &str) -> Value {
    let resolved = schema::resolve(doc, schema).unwrap_or(schema);
    match resolved.get("type").and_then(Value::as_str) {
        Some("integer") => text
            .parse::<i64>()
            .map(Value::from)
            .unwrap_or_else(|_| Value::String(text.to_owned())),
        Some("number") => text
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map_or_else(|| Value::String(text.to_owned()), Value::Number),
        Some("boolean") => match text.to_ascii_lowercase().as_str() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => Value::String(text.to_owned()),
        },
        Some("array") => {
            let items = resolved.get("items").cloned().unwrap_or_default();
            Value::Array(
                text.split(',')
                    .map(|t| typed(&items, doc, t))
                    .collect::<Vec<_>>(),
            )
        }
        _ => Value::String(text.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_pascal_cased() {
        assert_eq!(pascal("account_id"), "AccountId");
        assert_eq!(pascal("access_key"), "AccessKey");
        assert_eq!(pascal("alias"), "Alias");
    }

    #[test]
    fn typed_parameters() {
        let doc = json!({});
        assert_eq!(typed(&json!({"type": "integer"}), &doc, "5"), json!(5));
        assert_eq!(typed(&json!({"type": "integer"}), &doc, "x"), json!("x"));
        assert_eq!(
            typed(&json!({"type": "boolean"}), &doc, "TRUE"),
            json!(true)
        );
        assert_eq!(
            typed(
                &json!({"type": "array", "items": {"type": "integer"}}),
                &doc,
                "1,2"
            ),
            json!([1, 2])
        );
    }
}
