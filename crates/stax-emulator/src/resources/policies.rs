//! Service control policies (`organisations.*Policy*`, `policies.*`) and their attachments to
//! the organisation, organisational units and accounts.
//!
//! Every change runs as a task. Like AWS Organizations, a policy document may be at most
//! 5120 characters and a unit or account may carry at most 5 policies; breaking either rule
//! fails the task. A policy that is still attached cannot be deleted (its task fails).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use serde_json::{Value, json};

use super::{
    AppRef, caller, check_uuid, ensure_idle, event, load_live, ok, parse_body, pending_operation,
    text,
};
use crate::app::AppState;
use crate::error::{ApiError, ApiResult};
use crate::resources::accounts::ACCOUNT;
use crate::seed::OU;
use crate::store::{Db, StoreResult};
use crate::tasks::{self, Effect, Outcome};
use crate::util::{now_iso, random_from, uuid};

/// Store kind of policies.
pub(crate) const POLICY: &str = "policy";
/// Store kind of policy attachments.
pub(crate) const ATTACHMENT: &str = "policy_attachment";
/// Longest policy document AWS accepts.
const MAX_SIZE: usize = 5120;
/// Most policies one unit or account may carry.
const MAX_PER_TARGET: usize = 5;
/// Attachment to the whole organisation.
const ORG_TYPE: &str = "STAX_ORGANISATION";

/// Attachments that are in force or on their way (not DELETED, not CREATE_FAILED).
fn live_attachments(db: &Db<'_>) -> StoreResult<Vec<Value>> {
    Ok(db
        .list(ATTACHMENT)?
        .into_iter()
        .filter(|a| !matches!(text(a, "Status"), "DELETED" | "CREATE_FAILED"))
        .collect())
}

/// Steps that end every live attachment whose `key` (`OrganisationalUnitId`, `AccountId`) is
/// `id`, for when the unit goes or the account closes.
pub(crate) fn detach_all(db: &Db<'_>, key: &str, id: &str) -> StoreResult<Effect> {
    Ok(live_attachments(db)?
        .iter()
        .filter(|a| text(a, key) == id)
        .fold(Effect::default(), |effect, a| {
            effect.merge(ATTACHMENT, text(a, "Id"), json!({"Status": "DELETED"}))
        }))
}

/// Ids of the policies attached to the whole organisation.
pub(crate) fn organisation_policy_ids(db: &Db<'_>) -> StoreResult<Vec<Value>> {
    Ok(live_attachments(db)?
        .into_iter()
        .filter(|a| text(a, "PolicyAttachmentType") == ORG_TYPE)
        .map(|a| a["PolicyId"].clone())
        .collect())
}

/// A policy as answered, with its organisation attachment (or null).
fn present(mut policy: Value, attachments: &[Value]) -> Value {
    let org = attachments
        .iter()
        .find(|a| text(a, "PolicyAttachmentType") == ORG_TYPE && a["PolicyId"] == policy["Id"]);
    policy["OrganisationAttachment"] = org.map_or(Value::Null, |a| {
        let keys = [
            "Id",
            "OrganisationId",
            "PolicyId",
            "Status",
            "CreatedTS",
            "CreatedBy",
            "ModifiedTS",
            "UserTaskId",
        ];
        Value::Object(keys.iter().map(|k| ((*k).into(), a[*k].clone())).collect())
    });
    policy
}

/// `GET /20190206/policies`: `status` (comma-separated) narrows; all when left out.
pub(crate) async fn read_policies(
    State(state): AppRef,
    axum::extract::RawQuery(raw): axum::extract::RawQuery,
) -> ApiResult {
    state.stats.operation("organisations.ReadPolicies");
    let q = crate::util::parse_query(raw.as_deref());
    let statuses = q.get("status").map(|v| {
        crate::util::comma_list(v)
            .into_iter()
            .map(|s| s.to_ascii_uppercase())
            .collect::<Vec<_>>()
    });
    let (policies, attachments) = state
        .store
        .read(|db| Ok((db.list(POLICY)?, live_attachments(db)?)))?;
    let policies: Vec<Value> = policies
        .into_iter()
        .filter(|p| {
            statuses
                .as_ref()
                .is_none_or(|s| s.iter().any(|x| x == text(p, "Status")))
        })
        .map(|p| present(p, &attachments))
        .collect();
    ok(json!({"Policies": policies}))
}

fn find_policy(db: &Db<'_>, id: &str) -> Result<Value, ApiError> {
    check_uuid("policy_id", id)?;
    db.get(POLICY, &id.to_ascii_lowercase())?
        .ok_or_else(|| ApiError::not_found(format!("Policy {id} does not exist")))
}

fn load_policy(db: &Db<'_>, id: &str) -> Result<Value, ApiError> {
    load_live(db, POLICY, ("policy_id", id), "Policy")
}

/// `GET /20190206/policies/{policy_id}`.
pub(crate) async fn read_policy(State(state): AppRef, Path(id): Path<String>) -> ApiResult {
    state.stats.operation("organisations.ReadPolicies");
    let (policy, attachments) = state
        .store
        .read(|db| Ok((find_policy(db, &id), live_attachments(db)?)))?;
    ok(json!({"Policies": [present(policy?, &attachments)]}))
}

/// Parses the `Policy` text of a body into the policy's `Content`.
fn content_of(body: &Value) -> Result<Option<(Value, usize)>, ApiError> {
    let Some(text) = body.get("Policy").and_then(Value::as_str) else {
        return Ok(None);
    };
    match serde_json::from_str::<Value>(text) {
        Ok(content @ Value::Object(_)) => {
            let size = content.to_string().len();
            Ok(Some((content, size)))
        }
        _ => Err(ApiError::bad_request(
            "Invalid request body: Policy must be a JSON object (an IAM policy document)",
        )),
    }
}

fn name_taken(db: &Db<'_>, name: &str, except: Option<&str>) -> StoreResult<bool> {
    Ok(db.list(POLICY)?.iter().any(|p| {
        text(p, "Status") != "DELETED"
            && text(p, "Name").eq_ignore_ascii_case(name)
            && Some(text(p, "Id")) != except
    }))
}

fn size_outcome(size: usize) -> Outcome {
    if size > MAX_SIZE {
        Outcome::Fail(format!(
            "the policy document has {size} characters; at most {MAX_SIZE} are allowed"
        ))
    } else {
        Outcome::Succeed
    }
}

fn policy_event(operation: &str, message: &str, task_id: &str, id: &str) -> Value {
    event(
        operation,
        "STARTED",
        message,
        Some(task_id),
        json!({"Policy": {"PolicyId": id}}),
    )
}

/// `POST /20190206/policies`.
pub(crate) async fn create_policy(
    State(state): AppRef,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult {
    state.stats.operation("organisations.CreatePolicy");
    let body = parse_body(&state, "policies.CreatePolicy", &body)?;
    let (content, size) = content_of(&body)?.unwrap_or_default();
    let name = text(&body, "Name").to_owned();
    let created_by = caller(&state, &headers);
    let (task_id, id) = state.store.write(|db| {
        if name_taken(db, &name, None)? {
            return Err(ApiError::bad_request(format!(
                "Name: a policy named {name} already exists"
            )));
        }
        let id = uuid();
        let task_id = tasks::create(
            db,
            state.task_delay,
            "organisations.CreatePolicy",
            None,
            vec![],
            size_outcome(size),
            Effect::default()
                .merge(POLICY, &id, json!({"Status": "ACTIVE"}))
                .merge_on_fail(POLICY, &id, json!({"Status": "CREATE_FAILED"})),
        )?;
        let now = now_iso();
        let policy = json!({
            "Id": id,
            "OrganisationId": state.install.organisation_id,
            "Status": "CREATE_IN_PROGRESS",
            "Name": name,
            "Description": body["Description"],
            "PolicyType": "SCP",
            "Content": content,
            "PolicyOwner": "ORGANISATION",
            "AwsId": format!("p-{}", random_from(b"abcdefghijklmnopqrstuvwxyz0123456789", 8)),
            "ExternalResource": false,
            "Tags": body.get("Tags").cloned().unwrap_or(json!({})),
            "CreatedTS": now,
            "CreatedBy": created_by,
            "ModifiedTS": now,
            "UserTaskId": task_id,
        });
        db.put(POLICY, &id, &policy)?;
        Ok::<_, ApiError>((task_id, id))
    })?;
    ok(policy_event(
        "policies:CreatePolicy",
        &format!("Creating policy {name}"),
        &task_id,
        &id,
    ))
}

/// `PUT /20190206/policies/{policy_id}`: a new name, description, document or tags.
pub(crate) async fn update_policy(
    State(state): AppRef,
    Path(policy_id): Path<String>,
    body: Bytes,
) -> ApiResult {
    state.stats.operation("organisations.UpdatePolicy");
    let body = parse_body(&state, "policies.UpdatePolicy", &body)?;
    let content = content_of(&body)?;
    let (task_id, id) = state.store.write(|db| {
        let mut policy = load_policy(db, &policy_id)?;
        ensure_idle(db, &policy, "Policy")?;
        let id = text(&policy, "Id").to_owned();
        let mut changes = json!({"Status": "ACTIVE"});
        for key in ["Name", "Description", "Tags"] {
            if let Some(v) = body.get(key) {
                changes[key] = v.clone();
            }
        }
        if let Some(name) = body.get("Name").and_then(Value::as_str)
            && name_taken(db, name, Some(&id))?
        {
            return Err(ApiError::bad_request(format!(
                "Name: a policy named {name} already exists"
            )));
        }
        let size = match content {
            Some((content, size)) => {
                changes["Content"] = content;
                size
            }
            None => 0,
        };
        let task_id = tasks::create(
            db,
            state.task_delay,
            "organisations.UpdatePolicy",
            None,
            vec![],
            size_outcome(size),
            Effect::default().merge(POLICY, &id, changes).merge_on_fail(
                POLICY,
                &id,
                json!({"Status": "UPDATE_FAILED"}),
            ),
        )?;
        policy["Status"] = json!("UPDATE_IN_PROGRESS");
        policy["UserTaskId"] = json!(task_id);
        db.put(POLICY, &id, &policy)?;
        Ok::<_, ApiError>((task_id, id))
    })?;
    ok(policy_event(
        "policies:UpdatePolicy",
        "Updating policy",
        &task_id,
        &id,
    ))
}

/// `DELETE /20190206/policies/{policy_id}`: fails in its task while the policy is attached.
pub(crate) async fn delete_policy(
    State(state): AppRef,
    Path(policy_id): Path<String>,
) -> ApiResult {
    state.stats.operation("organisations.DeletePolicy");
    let (task_id, id) = state.store.write(|db| {
        let mut policy = load_policy(db, &policy_id)?;
        ensure_idle(db, &policy, "Policy")?;
        let id = text(&policy, "Id").to_owned();
        let attached = live_attachments(db)?
            .iter()
            .filter(|a| text(a, "PolicyId") == id)
            .count();
        let outcome = if attached > 0 {
            Outcome::Fail(format!(
                "policy {id} is still attached {attached} time(s): detach it first"
            ))
        } else {
            Outcome::Succeed
        };
        let task_id = tasks::create(
            db,
            state.task_delay,
            "organisations.DeletePolicy",
            None,
            vec![],
            outcome,
            Effect::default()
                .merge(POLICY, &id, json!({"Status": "DELETED"}))
                .merge_on_fail(POLICY, &id, json!({"Status": "DELETE_FAILED"})),
        )?;
        policy["Status"] = json!("DELETE_IN_PROGRESS");
        policy["UserTaskId"] = json!(task_id);
        db.put(POLICY, &id, &policy)?;
        Ok::<_, ApiError>((task_id, id))
    })?;
    ok(policy_event(
        "policies:DeletePolicy",
        "Deleting policy",
        &task_id,
        &id,
    ))
}

/// Writes a new attachment and the task that makes it ACTIVE; returns `(task_id, id)`.
fn new_attachment(
    db: &Db<'_>,
    state: &AppState,
    operation: &str,
    policy_id: &str,
    target: (&str, Option<&str>, Option<&str>),
    outcome: Outcome,
    created_by: Option<String>,
) -> StoreResult<(String, String)> {
    let (kind, ou, account) = target;
    let id = uuid();
    let task_id = tasks::create(
        db,
        state.task_delay,
        operation,
        None,
        vec![],
        outcome,
        Effect::default()
            .merge(ATTACHMENT, &id, json!({"Status": "ACTIVE"}))
            .merge_on_fail(ATTACHMENT, &id, json!({"Status": "CREATE_FAILED"})),
    )?;
    let now = now_iso();
    db.put(
        ATTACHMENT,
        &id,
        &json!({
            "Id": id,
            "OrganisationId": state.install.organisation_id,
            "Status": "CREATE_IN_PROGRESS",
            "PolicyId": policy_id,
            "OrganisationalUnitId": ou,
            "AccountId": account,
            "PolicyAttachmentType": kind,
            "CreatedTS": now,
            "CreatedBy": created_by,
            "ModifiedTS": now,
            "UserTaskId": task_id,
        }),
    )?;
    Ok((task_id, id))
}

/// Starts ending an attachment; returns the task id.
fn end_attachment(
    db: &Db<'_>,
    state: &AppState,
    operation: &str,
    mut attachment: Value,
) -> Result<String, ApiError> {
    ensure_idle(db, &attachment, "Policy attachment")?;
    let id = text(&attachment, "Id").to_owned();
    let previous = attachment["Status"].clone();
    let task_id = tasks::create(
        db,
        state.task_delay,
        operation,
        None,
        vec![],
        Outcome::Succeed,
        Effect::default()
            .merge(ATTACHMENT, &id, json!({"Status": "DELETED"}))
            .merge_on_fail(ATTACHMENT, &id, json!({"Status": previous})),
    )?;
    attachment["Status"] = json!("DELETE_IN_PROGRESS");
    attachment["UserTaskId"] = json!(task_id);
    db.put(ATTACHMENT, &id, &attachment)?;
    Ok(task_id)
}

/// `POST /20190206/policies/{policy_id}/attachments`: to one unit or one account.
pub(crate) async fn attach_policy(
    State(state): AppRef,
    Path(policy_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult {
    state.stats.operation("policies.AttachPolicy");
    let body = parse_body(&state, "policies.AttachPolicy", &body)?;
    let ou = body["OrganisationalUnitId"].as_str();
    let account = body["AccountId"].as_str();
    let created_by = caller(&state, &headers);
    let (task_id, id) = state.store.write(|db| {
        let policy = load_policy(db, &policy_id)?;
        let pid = text(&policy, "Id").to_owned();
        let (key, target, kind) = match (ou, account) {
            (Some(ou), None) => {
                let unit = load_live(db, OU, ("OrganisationalUnitId", ou), "Organisational unit")?;
                if text(&unit, "Status") == "DELETE_IN_PROGRESS" {
                    return Err(ApiError::bad_request(format!(
                        "OrganisationalUnitId: organisational unit {ou} is being deleted"
                    )));
                }
                ("OrganisationalUnitId", ou, "ORGANISATIONAL_UNIT")
            }
            (None, Some(account)) => {
                check_uuid("AccountId", account)?;
                let found = db
                    .get(ACCOUNT, &account.to_ascii_lowercase())?
                    .filter(|a| text(a, "Status") != "CLOSED")
                    .ok_or_else(|| {
                        ApiError::not_found(format!("Account {account} does not exist"))
                    })?;
                // Closing ends every attachment; one made meanwhile would outlive it.
                if pending_operation(db, &found)?.as_deref() == Some("accounts.CloseAccount") {
                    return Err(ApiError::bad_request(format!(
                        "AccountId: account {account} is being closed"
                    )));
                }
                ("AccountId", account, "ACCOUNT")
            }
            _ => {
                return Err(ApiError::bad_request(
                    "Invalid request body: give exactly one of OrganisationalUnitId and AccountId",
                ));
            }
        };
        let target = target.to_ascii_lowercase();
        let on_target: Vec<Value> = live_attachments(db)?
            .into_iter()
            .filter(|a| text(a, key) == target)
            .collect();
        if on_target.iter().any(|a| text(a, "PolicyId") == pid) {
            return Err(ApiError::bad_request(format!(
                "{key}: policy {pid} is already attached to {target}"
            )));
        }
        let outcome = if on_target.len() >= MAX_PER_TARGET {
            Outcome::Fail(format!(
                "{target} already carries {MAX_PER_TARGET} policies, the most allowed"
            ))
        } else {
            Outcome::Succeed
        };
        let (ou, account) = if key == "AccountId" {
            (None, Some(target.as_str()))
        } else {
            (Some(target.as_str()), None)
        };
        Ok::<_, ApiError>(new_attachment(
            db,
            &state,
            "policies.AttachPolicy",
            &pid,
            (kind, ou, account),
            outcome,
            created_by,
        )?)
    })?;
    ok(event(
        "policies:AttachPolicy",
        "STARTED",
        "Attaching policy",
        Some(&task_id),
        json!({"PolicyAttachment": {"PolicyAttachmentId": id}}),
    ))
}

/// `DELETE /20190206/policies/attachments/{policy_attachment_id}`.
pub(crate) async fn detach_policy(State(state): AppRef, Path(id): Path<String>) -> ApiResult {
    state.stats.operation("policies.DetachPolicy");
    let task_id = state.store.write(|db| {
        let attachment = load_live(
            db,
            ATTACHMENT,
            ("policy_attachment_id", &id),
            "Policy attachment",
        )?;
        end_attachment(db, &state, "policies.DetachPolicy", attachment)
    })?;
    ok(event(
        "policies:DetachPolicy",
        "STARTED",
        "Detaching policy",
        Some(&task_id),
        json!({"PolicyAttachment": {"PolicyAttachmentId": id.to_ascii_lowercase()}}),
    ))
}

fn org_attachment(db: &Db<'_>, policy_id: &str) -> StoreResult<Option<Value>> {
    Ok(live_attachments(db)?
        .into_iter()
        .find(|a| text(a, "PolicyAttachmentType") == ORG_TYPE && text(a, "PolicyId") == policy_id))
}

/// `PUT /20190206/policies/organisation/{policy_id}`: attaches to the whole organisation.
pub(crate) async fn attach_to_organisation(
    State(state): AppRef,
    Path(policy_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult {
    state.stats.operation("organisations.AttachPolicy");
    let body = parse_body(&state, "organisations.AttachPolicy", &body)?;
    if let Some(org) = body.get("OrganisationId").and_then(Value::as_str)
        && !org.eq_ignore_ascii_case(&state.install.organisation_id)
    {
        return Err(ApiError::bad_request(format!(
            "OrganisationId {org} is not the caller's organisation"
        )));
    }
    let created_by = caller(&state, &headers);
    let task_id = state.store.write(|db| {
        let pid = text(&load_policy(db, &policy_id)?, "Id").to_owned();
        if org_attachment(db, &pid)?.is_some() {
            return Err(ApiError::bad_request(format!(
                "Policy {pid} is already attached to the organisation"
            )));
        }
        let (task_id, _) = new_attachment(
            db,
            &state,
            "organisations.AttachPolicy",
            &pid,
            (ORG_TYPE, None, None),
            Outcome::Succeed,
            created_by,
        )?;
        Ok::<_, ApiError>(task_id)
    })?;
    ok(event(
        "organisations:AttachPolicy",
        "STARTED",
        "Attaching policy to the organisation",
        Some(&task_id),
        json!({}),
    ))
}

/// `DELETE /20190206/policies/organisation/{policy_id}`.
pub(crate) async fn detach_from_organisation(
    State(state): AppRef,
    Path(policy_id): Path<String>,
) -> ApiResult {
    state.stats.operation("organisations.DetachPolicy");
    let task_id = state.store.write(|db| {
        let pid = text(&load_policy(db, &policy_id)?, "Id").to_owned();
        let attachment = org_attachment(db, &pid)?.ok_or_else(|| {
            ApiError::not_found(format!("Policy {pid} is not attached to the organisation"))
        })?;
        end_attachment(db, &state, "organisations.DetachPolicy", attachment)
    })?;
    ok(event(
        "organisations:DetachPolicy",
        "STARTED",
        "Detaching policy from the organisation",
        Some(&task_id),
        json!({}),
    ))
}

/// Attachments (not DELETED) whose `key` is `id`.
fn attachments_where(db: &Db<'_>, key: &str, id: &str) -> StoreResult<Value> {
    let list: Vec<Value> = db
        .list(ATTACHMENT)?
        .into_iter()
        .filter(|a| text(a, "Status") != "DELETED" && text(a, key) == id)
        .collect();
    Ok(json!({"PolicyAttachments": list}))
}

/// `GET /20190206/policies/{policy_id}/attachments`.
pub(crate) async fn read_policy_attachments(
    State(state): AppRef,
    Path(id): Path<String>,
) -> ApiResult {
    state.stats.operation("policies.ReadPolicyAttachments");
    let answer = state.store.read(|db| {
        Ok(find_policy(db, &id)
            .and_then(|p| Ok(attachments_where(db, "PolicyId", text(&p, "Id"))?)))
    })??;
    ok(answer)
}

/// `GET /20190206/organisations/organisational-units/{organisational_unit_id}/policies`.
pub(crate) async fn read_ou_attachments(State(state): AppRef, Path(id): Path<String>) -> ApiResult {
    state
        .stats
        .operation("organisations.ReadOrganisationalUnitPolicyAttachments");
    check_uuid("organisational_unit_id", &id)?;
    let answer = state.store.read(|db| {
        let key = id.to_ascii_lowercase();
        Ok(match db.get(OU, &key)? {
            Some(_) => Ok(attachments_where(db, "OrganisationalUnitId", &key)?),
            None => Err(ApiError::not_found(format!(
                "Organisational unit {id} does not exist"
            ))),
        })
    })??;
    ok(answer)
}

/// `GET /20190206/accounts/{account_id}/policies`.
pub(crate) async fn read_account_attachments(
    State(state): AppRef,
    Path(id): Path<String>,
) -> ApiResult {
    state
        .stats
        .operation("accounts.ReadAccountPolicyAttachments");
    check_uuid("account_id", &id)?;
    let answer = state.store.read(|db| {
        let key = id.to_ascii_lowercase();
        Ok(match db.get(ACCOUNT, &key)? {
            Some(_) => Ok(attachments_where(db, "AccountId", &key)?),
            None => Err(ApiError::not_found(format!("Account {id} does not exist"))),
        })
    })??;
    ok(answer)
}
