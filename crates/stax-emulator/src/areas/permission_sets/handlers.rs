//! The Permission Sets API on the wire: its lists page with `limit` and `page_token`
//! (`Paging.NextToken`), its errors are `{"Error": {"Code", "Message"}}` (written by the
//! router from the API's version), and an assignment's answer shows its status at once.
//! Permission sets are their kind's generic operations ([`Sets`]); assignments, whose
//! statuses follow their deployments, are the area's own.

use serde_json::{Value, json};

use super::model::{
    self, ASSIGNMENT, NewSet, SET, assignment_fields, check_name, check_policies, check_tags,
    present_assignment, present_set, set_fields,
};
use crate::areas::resource::{Change, Done, Resource, Window};
use crate::areas::rules::{find, load_live, text};
use crate::areas::{Call, Plan};
use crate::protocol::{ApiError, ApiResult};
use crate::store::Db;
use crate::store::kinds::{Kind, Paging, Stamp};
use crate::store::query::{Filter, Query};
use crate::util::{is_uuid, now_iso, now_ms, uuid};

/// The values of a filter (repeated or comma-separated), each checked against `allowed`
/// (upper case) or, when `allowed` is empty, as an id.
fn filter(call: &Call<'_>, name: &str, allowed: &[&str]) -> ApiResult<Vec<String>> {
    let values = call.query_values(name);
    for value in &values {
        let fits = if allowed.is_empty() {
            is_uuid(value)
        } else {
            allowed.contains(&value.as_str())
        };
        if !fits {
            let expected = if allowed.is_empty() {
                "an id".to_owned()
            } else {
                format!("one of {}", allowed.join(", "))
            };
            return Err(ApiError::bad_request(format!(
                "{name}: '{value}' is not {expected}"
            )));
        }
    }
    Ok(values)
}

/// Whether `resource[field]` is one of `wanted` (any case), or `wanted` is empty.
fn keeps(wanted: &[String], resource: &Value, field: &str) -> bool {
    wanted.is_empty()
        || wanted
            .iter()
            .any(|w| w.eq_ignore_ascii_case(text(resource, field)))
}

/// Who made or changed something: the API token that signed the call.
fn who(call: &Call<'_>) -> String {
    call.caller_key().unwrap_or_default()
}

/// The rules of permission sets: names as IAM and Stax allow them (unique without case, not
/// Stax's own prefixes), policies as IAM would take them, tags as Stax would; a change
/// redeploys the deployed assignments with the new policies; a set with a live assignment
/// cannot go.
pub(crate) struct Sets;

impl Resource for Sets {
    const KIND: &'static Kind = SET;

    fn filters(call: &Call<'_>, _db: &Db<'_>, query: &mut Query<'_>) -> ApiResult<()> {
        let creators = filter(call, "created_by", &[])?;
        if !creators.is_empty() {
            query
                .filters
                .push(Filter::is_in_nocase("CreatedBy", creators));
        }
        Ok(())
    }

    fn present(_call: &Call<'_>, _db: &Db<'_>, records: &mut [Value]) -> ApiResult<()> {
        for record in records {
            *record = present_set(std::mem::take(record));
        }
        Ok(())
    }

    fn create(change: &mut Change<'_>) -> ApiResult<()> {
        let body = change.body;
        check_policies(body)?;
        check_tags(body)?;
        let name = text(body, "Name");
        check_name(change.db, name)?;
        let list = |key: &str| body.get(key).cloned().unwrap_or_else(|| json!([]));
        change.fields = set_fields(NewSet {
            name,
            description: body.get("Description").and_then(Value::as_str),
            managed: list("AWSManagedPolicies"),
            inline: list("InlinePolicies"),
            max_session: body
                .get("MaxSessionDuration")
                .and_then(Value::as_u64)
                .unwrap_or(model::SESSION_SECONDS.0),
            tags: body.get("Tags").cloned(),
        });
        Ok(())
    }

    fn update(change: &mut Change<'_>) -> ApiResult<()> {
        check_policies(change.body)?;
        check_tags(change.body)?;
        change.take(&[
            "Description",
            "AWSManagedPolicies",
            "InlinePolicies",
            "MaxSessionDuration",
            "Tags",
        ]);
        let mut set = change.record.clone();
        for (key, value) in &change.fields {
            set[key.as_str()] = value.clone();
        }
        let by = who(change.call);
        for assignment in model::assignments_of(change.db, &change.id)? {
            if text(&assignment, "Status") == "DEPLOYMENT_COMPLETE" {
                redeploy(change.call, change.db, &set, assignment, &by)?;
            }
        }
        Ok(())
    }

    fn delete(change: &mut Change<'_>) -> ApiResult<()> {
        let live = model::assignments_of(change.db, &change.id)?
            .into_iter()
            .filter(model::is_live)
            .count();
        if live > 0 {
            return Err(ApiError::bad_request(format!(
                "Permission set {} has {live} live assignment(s): delete them (DeletePermissionSetAssignment) and wait for DELETE_COMPLETE first",
                change.id
            )));
        }
        Ok(())
    }

    fn answer(done: &Done<'_>) -> ApiResult<Value> {
        Ok(present_set(done.record.clone()))
    }

    fn one(_call: &Call<'_>, record: Value) -> Value {
        record
    }
}

/// `GET /20210321/permission-sets/aws-managed-policies`: the catalogue, with how many live
/// permission sets attach each policy.
pub(super) fn list_aws_managed_policies(call: &Call<'_>) -> ApiResult<Value> {
    let sets = call.read(|db| Ok(db.list(SET)?))?;
    let count = |arn: &str| {
        sets.iter()
            .filter(|s| text(s, "Status") == "ACTIVE")
            .filter(|s| {
                s["AWSManagedPolicies"]
                    .as_array()
                    .is_some_and(|list| list.iter().any(|p| text(p, "PolicyArn") == arn))
            })
            .count()
    };
    Ok(json!({"AWSManagedPolicies": super::catalogue::records(count)}))
}

/// `GET /20210321/permission-sets/roles`: the roles deployed assignments give, all accounts
/// or the one of `account_id`.
pub(super) fn list_roles(call: &Call<'_>) -> ApiResult<Value> {
    let account_id = filter(call, "account_id", &[])?;
    let roles = call.read(|db| {
        Ok(model::roles(
            db,
            account_id.first().map(String::as_str),
            now_ms(),
        )?)
    })?;
    let (roles, paging) = Window::of(call, Paging::Token, &[])?.page(roles);
    Ok(json!({"Roles": roles, "Paging": paging}))
}

/// `GET /20210321/permission-sets/roles/me`: the roles of the user calling; an API token has
/// none of its own, and Stax refuses it (403), as the document says.
pub(super) fn list_my_roles(_call: &Call<'_>) -> ApiResult<Value> {
    Err(ApiError::forbidden(
        "ListMyRoles answers for users, not API tokens: an API token has no roles of its own (ListRoles lists the organisation's)",
    ))
}

/// `GET /20210321/permission-sets/{permission_set_id}/assignments`, filtered by `status`,
/// `created_by`, `group` and `account_type`; assignments of an unknown set: none.
pub(super) fn list_assignments(call: &Call<'_>) -> ApiResult<Value> {
    let statuses = filter(call, "status", &super::ASSIGNMENT_STATUSES)?;
    let creators = filter(call, "created_by", &[])?;
    let groups = filter(call, "group", &[])?;
    let types = filter(call, "account_type", &[])?;
    let set_id = call.param("permission_set_id");
    crate::areas::wire::check_uuid("permission_set_id", set_id)?;
    let now = now_ms();
    let shown = call.read(|db| {
        Ok(model::assignments_of(db, set_id)?
            .into_iter()
            .map(|a| present_assignment(db, a, now))
            .collect::<Result<Vec<_>, _>>()?)
    })?;
    let kept: Vec<Value> = shown
        .into_iter()
        .filter(|a| {
            keeps(&statuses, a, "Status")
                && keeps(&creators, a, "CreatedBy")
                && keeps(&groups, a, "GroupId")
                && keeps(&types, a, "AccountTypeId")
        })
        .collect();
    let (assignments, paging) = Window::of(call, Paging::Token, &[])?.page(kept);
    Ok(json!({"Assignments": assignments, "Paging": paging}))
}

/// Starts the (re)deployment of `assignment` of `set`, as requested by `by`: the assignment
/// takes `status` now, and its outcome when the task ends.
fn deploy(
    call: &Call<'_>,
    db: &Db<'_>,
    set: &Value,
    mut assignment: Value,
    (status, by): (&str, &str),
) -> ApiResult<Value> {
    let id = text(&assignment, "Id").to_owned();
    let (effect, outcome) = model::deployment(set, &id);
    let task_id = call.start_task(db, Plan::new(effect).outcome(outcome))?;
    assignment["Status"] = json!(status);
    assignment["TimerTaskId"] = json!(task_id);
    assignment["ModifiedBy"] = json!(by);
    assignment["ModifiedTS"] = json!(now_iso());
    db.put(ASSIGNMENT, &id, &assignment)?;
    Ok(assignment)
}

fn redeploy(
    call: &Call<'_>,
    db: &Db<'_>,
    set: &Value,
    assignment: Value,
    by: &str,
) -> ApiResult<Value> {
    deploy(call, db, set, assignment, ("UPDATE_REQUESTED", by))
}

/// `POST /20210321/permission-sets/{permission_set_id}/assignments`: a list of one
/// `{GroupId, AccountTypeId}`; the group and the account type must exist, and the pair must
/// not be assigned the set already.
pub(super) fn create_assignments(call: &Call<'_>) -> ApiResult<Value> {
    let requested = call.json_list_body()?;
    let set_id = call.param("permission_set_id");
    let by = who(call);
    let now = now_ms();
    let made = call.write(|db| {
        let set = load_live(db, SET, ("permission_set_id", set_id))
            .map_err(|e| ApiError::bad_request(e.error))?;
        let set_id = text(&set, "Id").to_owned();
        let existing = model::assignments_of(db, &set_id)?;
        let mut made = Vec::new();
        for item in &requested {
            let group = model::require_group(db, text(item, "GroupId"))?;
            let account_type = model::require_account_type(db, text(item, "AccountTypeId"))?;
            let (group_id, type_id) = (text(&group, "Id"), text(&account_type, "Id"));
            let taken = existing.iter().chain(made.iter()).any(|a| {
                model::is_live(a)
                    && text(a, "GroupId") == group_id
                    && text(a, "AccountTypeId") == type_id
            });
            if taken {
                return Err(ApiError::bad_request(format!(
                    "Group {group_id} is already assigned permission set {set_id} in account type {type_id}"
                )));
            }
            let stamp = Stamp {
                at: &now_iso(),
                by: Some(&by),
                status: Some("CREATE_REQUESTED"),
                task: None,
                parent: Some(&set_id),
            };
            let fields = assignment_fields(group_id, type_id, false);
            let assignment = ASSIGNMENT.insert(db, &uuid(), fields, &stamp)?;
            made.push(deploy(call, db, &set, assignment, ("CREATE_REQUESTED", &by))?);
        }
        made.into_iter()
            .map(|a| present_assignment(db, a, now).map_err(ApiError::from))
            .collect::<Result<Vec<_>, _>>()
    })?;
    Ok(Value::Array(made))
}

/// The assignment of the path, of a set that exists; `missing` is how an unknown one is
/// answered (the delete documents 400, the redeploy 404).
fn load_assignment(
    db: &Db<'_>,
    call: &Call<'_>,
    missing: fn(String) -> ApiError,
) -> ApiResult<(Value, Value)> {
    let set_id = call.param("permission_set_id");
    let id = call.param("assignment_id");
    crate::areas::wire::check_uuid("assignment_id", id)?;
    let set = find(db, SET, ("permission_set_id", set_id)).map_err(|e| missing(e.error))?;
    let assignment = db
        .get(ASSIGNMENT, &id.to_ascii_lowercase())?
        .filter(|a| text(a, "PermissionSetId") == text(&set, "Id"))
        .ok_or_else(|| {
            missing(format!(
                "Assignment {id} of permission set {set_id} does not exist"
            ))
        })?;
    Ok((set, assignment))
}

/// Refuses a change to an assignment whose last request is still being carried out.
fn ensure_settled(db: &Db<'_>, assignment: &Value) -> ApiResult<()> {
    if model::in_flight(db, assignment)? {
        return Err(ApiError::bad_request(format!(
            "Assignment {} is {}: wait for it to end",
            text(assignment, "Id"),
            model::shown_status(db, assignment, now_ms())?
        )));
    }
    Ok(())
}

/// `DELETE /20210321/permission-sets/{permission_set_id}/assignments/{assignment_id}`: the
/// roles go when `DELETE_COMPLETE` is reached.
pub(super) fn delete_assignment(call: &Call<'_>) -> ApiResult<Value> {
    let by = who(call);
    let now = now_ms();
    let shown = call.write(|db| {
        let (_, mut assignment) = load_assignment(db, call, ApiError::bad_request)?;
        ensure_settled(db, &assignment)?;
        if !model::is_live(&assignment) {
            return Err(ApiError::bad_request(format!(
                "Assignment {} is deleted already",
                text(&assignment, "Id")
            )));
        }
        let id = text(&assignment, "Id").to_owned();
        let task_id = call.start_task(db, Plan::new(model::removal(&id)))?;
        assignment["Status"] = json!("DELETE_REQUESTED");
        assignment["TimerTaskId"] = json!(task_id);
        assignment["ModifiedBy"] = json!(by);
        assignment["ModifiedTS"] = json!(now_iso());
        db.put(ASSIGNMENT, &id, &assignment)?;
        Ok(present_assignment(db, assignment, now)?)
    })?;
    Ok(shown)
}

/// `PUT /20210321/permission-sets/{permission_set_id}/assignments/{assignment_id}`: deploys a
/// deployed (or failed) assignment again, with the set's current policies.
pub(super) fn redeploy_assignment(call: &Call<'_>) -> ApiResult<Value> {
    let by = who(call);
    let now = now_ms();
    let shown = call.write(|db| {
        let (set, assignment) = load_assignment(db, call, ApiError::not_found)?;
        ensure_settled(db, &assignment)?;
        if !model::is_live(&assignment) {
            return Err(ApiError::bad_request(format!(
                "Assignment {} is deleted: make a new one",
                text(&assignment, "Id")
            )));
        }
        if text(&set, "Status") != "ACTIVE" {
            return Err(ApiError::bad_request(format!(
                "Permission set {} is deleted",
                text(&set, "Id")
            )));
        }
        let assignment = redeploy(call, db, &set, assignment, &by)?;
        Ok(present_assignment(db, assignment, now)?)
    })?;
    Ok(shown)
}
