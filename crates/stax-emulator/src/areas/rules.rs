//! Rules every area keeps over the store: loading a record by its path id, refusing a change
//! while another runs, and the skeleton of an asynchronous change, for handlers of their own
//! (the declared kinds' operations use them through [`super::resource`]).

use serde_json::{Value, json};

use super::api::{Call, Plan};
use super::wire::check_uuid;
use crate::protocol::{ApiError, ApiResult};
use crate::store::kinds::Kind;
use crate::store::query::{Filter, Query};
use crate::store::{Db, StoreResult};

/// A string field of a resource, or `""`.
pub(crate) fn text<'a>(v: &'a Value, name: &str) -> &'a str {
    v.get(name).and_then(Value::as_str).unwrap_or("")
}

/// The answer to an id no record of `kind` has (in the caller's organisation).
pub(crate) fn missing(kind: &Kind, id: &str) -> ApiError {
    ApiError::not_found(format!("{} {id} does not exist", kind.what))
}

/// A record of `kind` by the id a request gives as `param`, gone or not: 400 unless a UUID,
/// 404 when unknown.
pub(crate) fn find(db: &Db<'_>, kind: &Kind, (param, id): (&str, &str)) -> ApiResult<Value> {
    check_uuid(param, id)?;
    db.get(kind, &id.to_ascii_lowercase())?
        .ok_or_else(|| missing(kind, id))
}

/// A record of `kind` that is not gone (`DELETED`, for most kinds) by the id a request gives
/// as `param`: 400 unless a UUID, 404 when unknown or gone.
pub(crate) fn load_live(db: &Db<'_>, kind: &Kind, (param, id): (&str, &str)) -> ApiResult<Value> {
    let found = find(db, kind, (param, id))?;
    if kind.is_gone(&found) {
        return Err(missing(kind, id));
    }
    Ok(found)
}

/// Whether a record of `kind` that has not ended, other than `except`, has `value` as its
/// `field` in any letter case (ASCII): names and emails that must stay unique.
pub(crate) fn taken(
    db: &Db<'_>,
    kind: &Kind,
    (field, value): (&str, &str),
    except: Option<&str>,
) -> StoreResult<bool> {
    let query = Query::of(kind.name)
        .filter(Filter::is_in_nocase(field, vec![value.to_owned()]))
        .filter(Filter::not_in("Status", kind.ended));
    Ok(db
        .select_ids(&query)?
        .iter()
        .any(|id| Some(id.as_str()) != except))
}

/// Refuses a change while another task on the same resource is running (409).
pub(crate) fn ensure_idle(db: &Db<'_>, resource: &Value, what: &str) -> ApiResult<()> {
    if let Some(task_id) = resource.get("UserTaskId").and_then(Value::as_str)
        && let Some(task) = db.task(task_id)?
        && !task.applied
    {
        return Err(ApiError::conflict(format!(
            "{what} has another operation in progress (task {task_id})"
        )));
    }
    Ok(())
}

/// The operation of the unfinished task a resource waits on (its `UserTaskId`), if any.
pub(crate) fn pending_operation(db: &Db<'_>, resource: &Value) -> StoreResult<Option<String>> {
    let Some(task_id) = resource.get("UserTaskId").and_then(Value::as_str) else {
        return Ok(None);
    };
    Ok(db
        .task(task_id)?
        .filter(|t| !t.applied)
        .map(|t| t.operation))
}

/// The skeleton of an asynchronous change to a stored resource of `kind` (found by the
/// caller): the resource must be idle (409 otherwise), `plan` decides the task from it, the
/// task is written, and the resource takes the task's id as `UserTaskId` and the plan's
/// interim fields at once. Returns the task id and the resource as it was.
pub(crate) fn change(
    call: &Call<'_>,
    db: &Db<'_>,
    kind: &Kind,
    (resource, what): (Value, &str),
    plan: impl FnOnce(&Value) -> ApiResult<Plan>,
) -> ApiResult<(String, Value)> {
    ensure_idle(db, &resource, what)?;
    let mut plan = plan(&resource)?.target(kind, kind.id_of(&resource));
    let interim = std::mem::take(&mut plan.interim);
    let task_id = call.start_task(db, plan)?;
    let mut marked = resource.clone();
    if let Some(fields) = marked.as_object_mut() {
        fields.extend(interim);
        fields.insert("UserTaskId".into(), json!(task_id));
    }
    db.put(kind, kind.id_of(&resource), &marked)?;
    Ok((task_id, resource))
}

/// The skeleton of an asynchronous creation: the task is written first, then `make` stores
/// the new resource (given the task id, for its `UserTaskId`, usually through a model
/// constructor). Returns the task id and what `make` returned.
pub(crate) fn create<T>(
    call: &Call<'_>,
    db: &Db<'_>,
    plan: Plan,
    make: impl FnOnce(&str) -> StoreResult<T>,
) -> ApiResult<(String, T)> {
    let task_id = call.start_task(db, plan)?;
    let made = make(&task_id)?;
    Ok((task_id, made))
}
