//! `GET /20190206/insights`: what was asked of the organisation, one insight per task (its
//! operation, who asked, what it changed, how it went), filtered, ordered and paged by the
//! store.

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::areas::Call;
use crate::protocol::{ApiError, ApiResult};
use crate::store::tasks::{TaskOrder, TaskQuery, TaskRow, TaskState};
use crate::util::{is_uuid, iso_ms};

/// The most insights one page holds (and a page's length when `limit` is not given).
pub(super) const MAX_LIMIT: usize = 1000;

/// Where insights come from: the organisation's tasks are their only source.
const SOURCE_KIND: &str = "TASKS";

/// `GET /20190206/insights`: the insights the query asks for, with `Paging` (always).
pub(super) fn read_insights(call: &Call<'_>) -> ApiResult<Value> {
    let query = query_of(call)?;
    call.read(|db| {
        let (tasks, total) = db.select_tasks(&query)?;
        let insights: Vec<Value> = tasks.iter().map(insight).collect();
        let end = query.offset.saturating_add(insights.len());
        let limit = query.limit.unwrap_or(MAX_LIMIT);
        Ok(json!({
            "Insights": insights,
            "Paging": {
                "Total": total,
                "NextOffset": (end < total).then_some(end),
                "PrevOffset": (query.offset > 0).then(|| query.offset.saturating_sub(limit)),
            }
        }))
    })
}

/// The insight of a task.
fn insight(task: &TaskRow) -> Value {
    let origin = &task.origin;
    let status = match (task.applied, task.outcome.as_str()) {
        (false, _) => "PENDING",
        (true, "FAILED") => "FAILED",
        (true, _) => "SUCCESS",
    };
    json!({
        "Id": insight_id(&task.id),
        "OrganisationId": task.org,
        "CreatedTS": iso_ms(task.created_ms),
        "Action": task.operation.replacen('.', ":", 1),
        "Status": status,
        "EventSourceKind": SOURCE_KIND,
        "EventSourceId": task.id,
        "UserId": origin.caller.as_deref().unwrap_or(&task.org),
        "TargetKind": origin.target_kind.as_deref().unwrap_or("OTHER"),
        "TargetId": origin.target_id.as_deref().filter(|id| is_uuid(id)),
    })
}

/// An insight's id: a UUID of its own, the same every time for the same task.
fn insight_id(task_id: &str) -> String {
    let digest = Sha256::digest(format!("insight:{task_id}").as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .to_string()
}

/// The store's query for a call's filters, order and page. Values Stax does not have (a
/// source other than `TASKS`, an unknown status) match nothing; an order or page that is not
/// one is a 400.
fn query_of(call: &Call<'_>) -> ApiResult<TaskQuery> {
    let given = |name: &str| {
        call.query
            .contains_key(name)
            .then(|| call.query_values(name))
    };
    let mut query = TaskQuery {
        operations: given("action")
            .map(|actions| actions.iter().map(|a| a.replacen(':', ".", 1)).collect()),
        ids: given("source_id"),
        callers: given("user_id"),
        target_kinds: given("target_kind")
            .map(|kinds| kinds.iter().map(|k| k.to_ascii_uppercase()).collect()),
        states: given("status").map(|statuses| {
            statuses
                .iter()
                .filter_map(|s| match s.to_ascii_uppercase().as_str() {
                    "PENDING" => Some(TaskState::Pending),
                    "SUCCESS" => Some(TaskState::Succeeded),
                    "FAILED" => Some(TaskState::Failed),
                    _ => None,
                })
                .collect()
        }),
        ..TaskQuery::default()
    };
    if let Some(kinds) = given("source_kind")
        && !kinds.iter().any(|k| k.eq_ignore_ascii_case(SOURCE_KIND))
    {
        query.ids = Some(Vec::new());
    }
    query.order = match call.query.get("sort").map(String::as_str) {
        None | Some("CreatedTS") => TaskOrder::Created,
        Some("Action") => TaskOrder::Operation,
        Some("Status") => TaskOrder::State,
        Some("TargetKind") => TaskOrder::TargetKind,
        Some("UserId") => TaskOrder::Caller,
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "sort must be one of Action, CreatedTS, Status, TargetKind, UserId, not '{other}'"
            )));
        }
    };
    query.descending = match call.query.get("sort_order").map(|o| o.to_ascii_uppercase()) {
        None => true,
        Some(o) if o == "DESC" => true,
        Some(o) if o == "ASC" => false,
        Some(o) => {
            return Err(ApiError::bad_request(format!(
                "sort_order must be ASC or DESC, not '{o}'"
            )));
        }
    };
    query.offset = number(call, "offset", 0..=usize::MAX)?.unwrap_or(0);
    query.limit = Some(number(call, "limit", 1..=MAX_LIMIT)?.unwrap_or(MAX_LIMIT));
    Ok(query)
}

/// A whole-number query parameter within `range` (400 otherwise).
fn number(
    call: &Call<'_>,
    name: &str,
    range: std::ops::RangeInclusive<usize>,
) -> ApiResult<Option<usize>> {
    let Some(text) = call.query.get(name) else {
        return Ok(None);
    };
    match text.trim().parse::<usize>() {
        Ok(n) if range.contains(&n) => Ok(Some(n)),
        _ if *range.end() == usize::MAX => Err(ApiError::bad_request(format!(
            "{name} must be a whole number from {}, not '{text}'",
            range.start()
        ))),
        _ => Err(ApiError::bad_request(format!(
            "{name} must be a whole number from {} to {}, not '{text}'",
            range.start(),
            range.end()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insight_ids_are_stable_uuids_of_their_own() {
        let task = "6f1c8a36-2d5e-4c53-9a55-1c0f3b1f7f00";
        let id = insight_id(task);
        assert!(is_uuid(&id), "{id}");
        assert_eq!(id, insight_id(task));
        assert_ne!(id, task);
        assert_ne!(id, insight_id("another"));
    }
}
