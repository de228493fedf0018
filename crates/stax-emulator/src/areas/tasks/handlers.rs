//! `GET /20190206/task/{task_id}`.

use serde_json::{Value, json};

use crate::areas::Call;
use crate::areas::wire::check_uuid;
use crate::protocol::{ApiError, ApiResult};
use crate::store::tasks::status_at;
use crate::util::now_ms;

/// `GET /20190206/task/{task_id}` (due tasks have ended before any handler runs).
pub(super) fn read_task(call: &Call<'_>) -> ApiResult<Value> {
    let task_id = call.param("task_id");
    check_uuid("task_id", task_id)?;
    let task = call
        .read(|db| Ok(db.task(&task_id.to_ascii_lowercase())?))?
        .ok_or_else(|| ApiError::not_found(format!("Task {task_id} does not exist")))?;
    let (status, logs) = status_at(&task, now_ms());
    let mut body = json!({"Status": status, "Logs": logs});
    if let Some(subject) = &task.subject {
        body[subject.as_str()] = json!(task.subjects);
    }
    Ok(body)
}
