//! Wire shapes every area shares: query values, path ids, event answers (lists and their
//! paging are `resource`'s).

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::protocol::ApiError;
use crate::util::random_from;

/// A trace id in AWS X-Ray's form, as Stax's answers carry in `TraceId`.
pub(crate) fn trace_id() -> String {
    format!(
        "Root=1-{}-{}",
        random_from(b"0123456789abcdef", 8),
        random_from(b"0123456789abcdef", 24)
    )
}

/// Parses a boolean query value, in any letter case.
pub(crate) fn query_bool(
    query: &BTreeMap<String, String>,
    name: &str,
    default: bool,
) -> Result<bool, ApiError> {
    match query.get(name) {
        None => Ok(default),
        Some(v) if v.eq_ignore_ascii_case("true") => Ok(true),
        Some(v) if v.eq_ignore_ascii_case("false") => Ok(false),
        Some(v) => Err(ApiError::bad_request(format!(
            "Query parameter {name} must be true or false, not '{v}'"
        ))),
    }
}

/// Refuses a path id that is not a UUID.
pub(crate) fn check_uuid(name: &str, value: &str) -> Result<(), ApiError> {
    if crate::util::is_uuid(value) {
        Ok(())
    } else {
        Err(ApiError::bad_request(format!(
            "{name} must be a UUID, not '{value}'"
        )))
    }
}

/// The `Detail` of an asynchronous (or event-style) answer.
pub(crate) fn event(
    operation: &str,
    status: &str,
    message: &str,
    task_id: Option<&str>,
    extra: Value,
) -> Value {
    let mut detail = json!({
        "Message": message,
        "Operation": operation,
        "OperationStatus": status,
        "Severity": "INFO",
    });
    if let Some(task_id) = task_id {
        detail["TaskId"] = json!(task_id);
    }
    if let (Some(d), Some(e)) = (detail.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            d.insert(k.clone(), v.clone());
        }
    }
    json!({"Detail": detail, "DetailType": operation})
}
