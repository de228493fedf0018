//! `tasks.ReadTask`.

use axum::extract::{Path, State};
use serde_json::json;

use super::{AppRef, check_uuid, ok};
use crate::error::{ApiError, ApiResult};
use crate::tasks::{advance, status_at};
use crate::util::now_ms;

/// `GET /20190206/task/{task_id}`.
pub(crate) async fn read_task(State(state): AppRef, Path(task_id): Path<String>) -> ApiResult {
    state.stats.operation("tasks.ReadTask");
    check_uuid("task_id", &task_id)?;
    advance(&state)?;
    let task = state
        .store
        .read(|db| db.task(&task_id.to_ascii_lowercase()))?
        .ok_or_else(|| ApiError::not_found(format!("Task {task_id} does not exist")))?;
    let (status, logs) = status_at(&task, now_ms());
    let mut body = json!({"Status": status, "Logs": logs});
    if let Some(subject) = &task.subject {
        body[subject.as_str()] = json!(task.subjects);
    }
    ok(body)
}
