//! Policies and their attachments on the wire. Every change runs as a task.

use serde_json::{Value, json};

use super::model::{
    MAX_PER_TARGET, NewAttachment, NewPolicy, ORG_TYPE, Target, attachments_where,
    insert_attachment, insert_policy, live_attachments, name_taken, org_attachment, size_outcome,
};
use crate::areas::rules::{change, create, find, load_live, pending_operation, text};
use crate::areas::wire::{check_uuid, event, upper_list};
use crate::areas::{Call, Plan};
use crate::protocol::{ApiError, ApiResult};
use crate::store::Db;
use crate::store::kinds::{ACCOUNT, ATTACHMENT, OU, POLICY};
use crate::store::tasks::{Effect, Outcome};
use crate::util::{now_iso, uuid};

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
pub(super) fn read_policies(call: &Call<'_>) -> ApiResult<Value> {
    let statuses = upper_list(&call.query, "status");
    let (policies, attachments) = call.read(|db| Ok((db.list(POLICY)?, live_attachments(db)?)))?;
    let policies: Vec<Value> = policies
        .into_iter()
        .filter(|p| {
            statuses
                .as_ref()
                .is_none_or(|s| s.iter().any(|x| x == text(p, "Status")))
        })
        .map(|p| present(p, &attachments))
        .collect();
    Ok(json!({"Policies": policies}))
}

fn find_policy(db: &Db<'_>, id: &str) -> ApiResult<Value> {
    find(db, POLICY, ("policy_id", id), "Policy")
}

fn load_policy(db: &Db<'_>, id: &str) -> ApiResult<Value> {
    load_live(db, POLICY, ("policy_id", id), "Policy")
}

/// `GET /20190206/policies/{policy_id}`.
pub(super) fn read_policy(call: &Call<'_>) -> ApiResult<Value> {
    let (policy, attachments) = call.read(|db| {
        Ok((
            find_policy(db, call.param("policy_id")),
            live_attachments(db)?,
        ))
    })?;
    Ok(json!({"Policies": [present(policy?, &attachments)]}))
}

/// Parses the `Policy` text of a body into the policy's `Content`.
fn content_of(body: &Value) -> ApiResult<Option<(Value, usize)>> {
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
pub(super) fn create_policy(call: &Call<'_>) -> ApiResult<Value> {
    let body = call.json_body()?;
    let (content, size) = content_of(&body)?.unwrap_or_default();
    let name = text(&body, "Name").to_owned();
    let created_by = call.caller_key();
    let (task_id, id) = call.write(|db| {
        if name_taken(db, &name, None)? {
            return Err(ApiError::bad_request(format!(
                "Name: a policy named {name} already exists"
            )));
        }
        let id = uuid();
        let plan = Plan::new(
            Effect::default()
                .merge(POLICY, &id, json!({"Status": "ACTIVE"}))
                .merge_on_fail(POLICY, &id, json!({"Status": "CREATE_FAILED"})),
        )
        .outcome(size_outcome(size));
        let now = now_iso();
        let (task_id, _) = create(call, db, plan, |task| {
            insert_policy(
                db,
                &NewPolicy {
                    id: &id,
                    name: &name,
                    description: body["Description"].clone(),
                    organisation_id: &call.org(),
                    status: "CREATE_IN_PROGRESS",
                    content,
                    tags: body.get("Tags").cloned().unwrap_or(json!({})),
                    created_by: created_by.as_deref(),
                    created: &now,
                    task,
                },
            )
        })?;
        Ok::<_, ApiError>((task_id, id))
    })?;
    Ok(policy_event(
        "policies:CreatePolicy",
        &format!("Creating policy {name}"),
        &task_id,
        &id,
    ))
}

/// `PUT /20190206/policies/{policy_id}`: a new name, description, document or tags.
pub(super) fn update_policy(call: &Call<'_>) -> ApiResult<Value> {
    let body = call.json_body()?;
    let content = content_of(&body)?;
    let (task_id, policy) = call.write(|db| {
        let policy = load_policy(db, call.param("policy_id"))?;
        change(call, db, POLICY, (policy, "Policy"), |policy| {
            let id = text(policy, "Id");
            let mut changes = json!({"Status": "ACTIVE"});
            for key in ["Name", "Description", "Tags"] {
                if let Some(v) = body.get(key) {
                    changes[key] = v.clone();
                }
            }
            if let Some(name) = body.get("Name").and_then(Value::as_str)
                && name_taken(db, name, Some(id))?
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
            Ok(Plan::new(
                Effect::default().merge(POLICY, id, changes).merge_on_fail(
                    POLICY,
                    id,
                    json!({"Status": "UPDATE_FAILED"}),
                ),
            )
            .outcome(size_outcome(size))
            .interim("Status", json!("UPDATE_IN_PROGRESS")))
        })
    })?;
    Ok(policy_event(
        "policies:UpdatePolicy",
        "Updating policy",
        &task_id,
        text(&policy, "Id"),
    ))
}

/// `DELETE /20190206/policies/{policy_id}`: fails in its task while the policy is attached.
pub(super) fn delete_policy(call: &Call<'_>) -> ApiResult<Value> {
    let (task_id, policy) = call.write(|db| {
        let policy = load_policy(db, call.param("policy_id"))?;
        change(call, db, POLICY, (policy, "Policy"), |policy| {
            let id = text(policy, "Id");
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
            Ok(Plan::new(
                Effect::default()
                    .merge(POLICY, id, json!({"Status": "DELETED"}))
                    .merge_on_fail(POLICY, id, json!({"Status": "DELETE_FAILED"})),
            )
            .outcome(outcome)
            .interim("Status", json!("DELETE_IN_PROGRESS")))
        })
    })?;
    Ok(policy_event(
        "policies:DeletePolicy",
        "Deleting policy",
        &task_id,
        text(&policy, "Id"),
    ))
}

/// Writes a new attachment and the task that makes it ACTIVE; returns `(task_id, id)`.
fn new_attachment(
    call: &Call<'_>,
    db: &Db<'_>,
    policy_id: &str,
    target: Target<'_>,
    outcome: Outcome,
) -> ApiResult<(String, String)> {
    let id = uuid();
    let plan = Plan::new(
        Effect::default()
            .merge(ATTACHMENT, &id, json!({"Status": "ACTIVE"}))
            .merge_on_fail(ATTACHMENT, &id, json!({"Status": "CREATE_FAILED"})),
    )
    .outcome(outcome);
    let now = now_iso();
    let created_by = call.caller_key();
    let (task_id, _) = create(call, db, plan, |task| {
        insert_attachment(
            db,
            &NewAttachment {
                id: &id,
                policy_id,
                organisation_id: &call.org(),
                target,
                status: "CREATE_IN_PROGRESS",
                created_by: created_by.as_deref(),
                created: &now,
                task,
            },
        )
    })?;
    Ok((task_id, id))
}

/// Starts ending an attachment; returns the task id.
fn end_attachment(call: &Call<'_>, db: &Db<'_>, attachment: Value) -> ApiResult<String> {
    let (task_id, _) = change(
        call,
        db,
        ATTACHMENT,
        (attachment, "Policy attachment"),
        |attachment| {
            let id = text(attachment, "Id");
            Ok(Plan::new(
                Effect::default()
                    .merge(ATTACHMENT, id, json!({"Status": "DELETED"}))
                    .merge_on_fail(ATTACHMENT, id, json!({"Status": attachment["Status"]})),
            )
            .interim("Status", json!("DELETE_IN_PROGRESS")))
        },
    )?;
    Ok(task_id)
}

/// `POST /20190206/policies/{policy_id}/attachments`: to one unit or one account.
pub(super) fn attach_policy(call: &Call<'_>) -> ApiResult<Value> {
    let body = call.json_body()?;
    let ou = body["OrganisationalUnitId"].as_str();
    let account = body["AccountId"].as_str();
    let (task_id, id) = call.write(|db| {
        let policy = load_policy(db, call.param("policy_id"))?;
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
        new_attachment(call, db, &pid, Target { kind, ou, account }, outcome)
    })?;
    Ok(event(
        "policies:AttachPolicy",
        "STARTED",
        "Attaching policy",
        Some(&task_id),
        json!({"PolicyAttachment": {"PolicyAttachmentId": id}}),
    ))
}

/// `DELETE /20190206/policies/attachments/{policy_attachment_id}`.
pub(super) fn detach_policy(call: &Call<'_>) -> ApiResult<Value> {
    let id = call.param("policy_attachment_id");
    let task_id = call.write(|db| {
        let attachment = load_live(
            db,
            ATTACHMENT,
            ("policy_attachment_id", id),
            "Policy attachment",
        )?;
        end_attachment(call, db, attachment)
    })?;
    Ok(event(
        "policies:DetachPolicy",
        "STARTED",
        "Detaching policy",
        Some(&task_id),
        json!({"PolicyAttachment": {"PolicyAttachmentId": id.to_ascii_lowercase()}}),
    ))
}

/// `PUT /20190206/policies/organisation/{policy_id}`: attaches to the whole organisation.
pub(super) fn attach_to_organisation(call: &Call<'_>) -> ApiResult<Value> {
    let body = call.json_body()?;
    if let Some(org) = body.get("OrganisationId").and_then(Value::as_str)
        && !org.eq_ignore_ascii_case(&call.org())
    {
        return Err(ApiError::bad_request(format!(
            "OrganisationId {org} is not the caller's organisation"
        )));
    }
    let task_id = call.write(|db| {
        let pid = text(&load_policy(db, call.param("policy_id"))?, "Id").to_owned();
        if org_attachment(db, &pid)?.is_some() {
            return Err(ApiError::bad_request(format!(
                "Policy {pid} is already attached to the organisation"
            )));
        }
        let target = Target {
            kind: ORG_TYPE,
            ou: None,
            account: None,
        };
        let (task_id, _) = new_attachment(call, db, &pid, target, Outcome::Succeed)?;
        Ok::<_, ApiError>(task_id)
    })?;
    Ok(event(
        "organisations:AttachPolicy",
        "STARTED",
        "Attaching policy to the organisation",
        Some(&task_id),
        json!({}),
    ))
}

/// `DELETE /20190206/policies/organisation/{policy_id}`.
pub(super) fn detach_from_organisation(call: &Call<'_>) -> ApiResult<Value> {
    let task_id = call.write(|db| {
        let pid = text(&load_policy(db, call.param("policy_id"))?, "Id").to_owned();
        let attachment = org_attachment(db, &pid)?.ok_or_else(|| {
            ApiError::not_found(format!("Policy {pid} is not attached to the organisation"))
        })?;
        end_attachment(call, db, attachment)
    })?;
    Ok(event(
        "organisations:DetachPolicy",
        "STARTED",
        "Detaching policy from the organisation",
        Some(&task_id),
        json!({}),
    ))
}

/// `GET /20190206/policies/{policy_id}/attachments`.
pub(super) fn read_policy_attachments(call: &Call<'_>) -> ApiResult<Value> {
    let answer = call.read(|db| {
        Ok(find_policy(db, call.param("policy_id"))
            .and_then(|p| Ok(attachments_where(db, "PolicyId", text(&p, "Id"))?)))
    })??;
    Ok(answer)
}

/// Attachments of the resource of `kind` (a unit or an account) named by the path id.
fn attachments_of(
    call: &Call<'_>,
    (kind, param, key, what): (&str, &str, &str, &str),
) -> ApiResult<Value> {
    let id = call.param(param);
    check_uuid(param, id)?;
    let key_id = id.to_ascii_lowercase();
    call.read(|db| {
        Ok(match db.get(kind, &key_id)? {
            Some(_) => Ok(attachments_where(db, key, &key_id)?),
            None => Err(ApiError::not_found(format!("{what} {id} does not exist"))),
        })
    })?
}

/// `GET /20190206/organisations/organisational-units/{organisational_unit_id}/policies`.
pub(super) fn read_ou_attachments(call: &Call<'_>) -> ApiResult<Value> {
    attachments_of(
        call,
        (
            OU,
            "organisational_unit_id",
            "OrganisationalUnitId",
            "Organisational unit",
        ),
    )
}

/// `GET /20190206/accounts/{account_id}/policies`.
pub(super) fn read_account_attachments(call: &Call<'_>) -> ApiResult<Value> {
    attachments_of(call, (ACCOUNT, "account_id", "AccountId", "Account"))
}
