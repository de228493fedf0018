//! Policies and their attachments on the wire. Every change runs as a task; reads,
//! creations, changes and deletions are the kinds' generic operations ([`Policies`],
//! [`Attachments`]); detaching from the organisation finds its attachment first.

use serde_json::{Value, json};

use super::model::{
    MAX_PER_TARGET, ORG_TYPE, Target, attachment_fields, live_attachments, name_free,
    org_attachment, policy_fields, size_outcome,
};
use crate::areas::Call;
use crate::areas::resource::{self, Change, Done, Resource, Verb};
use crate::areas::rules::{load_live, pending_operation, text};
use crate::areas::wire::{check_uuid, event};
use crate::protocol::{ApiError, ApiResult};
use crate::store::Db;
use crate::store::kinds::{ACCOUNT, ATTACHMENT, Kind, OU, POLICY};
use crate::store::tasks::Outcome;

/// Parses the `Policy` text of a body into the policy's `Content` and its size.
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

/// Plans the task's failure when the outcome says so.
fn fail_on(change: &mut Change<'_>, outcome: Outcome) {
    if let Outcome::Fail(reason) = outcome {
        change.fail(reason);
    }
}

/// The rules of service control policies: names unique without case, documents of at most
/// 5120 characters (else the task fails), and a policy still attached fails to go. Answers
/// show its organisation attachment.
pub(crate) struct Policies;

impl Resource for Policies {
    const KIND: &'static Kind = POLICY;

    fn present(_call: &Call<'_>, db: &Db<'_>, records: &mut [Value]) -> ApiResult<()> {
        let on_org = live_attachments(db, Some(("PolicyAttachmentType", ORG_TYPE)))?;
        for policy in records {
            let org = on_org.iter().find(|a| a["PolicyId"] == policy["Id"]);
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
        }
        Ok(())
    }

    fn create(change: &mut Change<'_>) -> ApiResult<()> {
        let body = change.body;
        let (content, size) = content_of(body)?.unwrap_or_default();
        let name = text(body, "Name");
        name_free(change.db, name, None)?;
        fail_on(change, size_outcome(size));
        let tags = body.get("Tags").cloned().unwrap_or(json!({}));
        change.fields = policy_fields(name, body["Description"].clone(), content, tags);
        Ok(())
    }

    fn update(change: &mut Change<'_>) -> ApiResult<()> {
        change.take(&["Name", "Description", "Tags"]);
        if let Some(name) = change.body.get("Name").and_then(Value::as_str) {
            name_free(change.db, name, Some(&change.id))?;
        }
        if let Some((content, size)) = content_of(change.body)? {
            change.fields.insert("Content".into(), content);
            fail_on(change, size_outcome(size));
        }
        Ok(())
    }

    fn delete(change: &mut Change<'_>) -> ApiResult<()> {
        let attached = live_attachments(change.db, Some(("PolicyId", &change.id)))?.len();
        if attached > 0 {
            change.fail(format!(
                "policy {} is still attached {attached} time(s): detach it first",
                change.id
            ));
        }
        Ok(())
    }

    fn answer(done: &Done<'_>) -> ApiResult<Value> {
        let (operation, message) = match done.verb {
            Verb::Create => (
                "policies:CreatePolicy",
                format!("Creating policy {}", text(&done.record, "Name")),
            ),
            Verb::Update => ("policies:UpdatePolicy", "Updating policy".to_owned()),
            Verb::Delete => ("policies:DeletePolicy", "Deleting policy".to_owned()),
        };
        Ok(event(
            operation,
            "STARTED",
            &message,
            done.task.as_deref(),
            json!({"Policy": {"PolicyId": done.id()}}),
        ))
    }
}

/// The rules of policy attachments: to one unit or one account (live, and not on its way
/// out), or to the whole organisation; once per policy and target; a sixth policy on a target
/// fails in its task.
pub(crate) struct Attachments;

/// Whether the call is one of the organisation's (`organisations.AttachPolicy`, ...).
fn on_organisation(call: &Call<'_>) -> bool {
    call.op.id.starts_with("organisations.")
}

impl Resource for Attachments {
    const KIND: &'static Kind = ATTACHMENT;

    fn create(change: &mut Change<'_>) -> ApiResult<()> {
        let (db, body) = (change.db, change.body);
        let policy_id = change
            .parent
            .as_ref()
            .map(|policy| text(policy, "Id").to_owned())
            .unwrap_or_default();
        if on_organisation(change.call) {
            if let Some(org) = body.get("OrganisationId").and_then(Value::as_str)
                && !org.eq_ignore_ascii_case(db.org())
            {
                return Err(ApiError::bad_request(format!(
                    "OrganisationId {org} is not the caller's organisation"
                )));
            }
            if org_attachment(db, &policy_id)?.is_some() {
                return Err(ApiError::bad_request(format!(
                    "Policy {policy_id} is already attached to the organisation"
                )));
            }
            change.fields = attachment_fields(&Target {
                kind: ORG_TYPE,
                ou: None,
                account: None,
            });
            return Ok(());
        }
        let (key, target, kind) = match (
            body["OrganisationalUnitId"].as_str(),
            body["AccountId"].as_str(),
        ) {
            (Some(ou), None) => {
                let unit = load_live(db, OU, ("OrganisationalUnitId", ou))?;
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
        let on_target = live_attachments(db, Some((key, &target)))?;
        if on_target.iter().any(|a| text(a, "PolicyId") == policy_id) {
            return Err(ApiError::bad_request(format!(
                "{key}: policy {policy_id} is already attached to {target}"
            )));
        }
        if on_target.len() >= MAX_PER_TARGET {
            change.fail(format!(
                "{target} already carries {MAX_PER_TARGET} policies, the most allowed"
            ));
        }
        let (ou, account) = if key == "AccountId" {
            (None, Some(target.as_str()))
        } else {
            (Some(target.as_str()), None)
        };
        change.fields = attachment_fields(&Target { kind, ou, account });
        Ok(())
    }

    fn answer(done: &Done<'_>) -> ApiResult<Value> {
        let org = on_organisation(done.call);
        let (operation, message) = match (done.verb, org) {
            (Verb::Create, false) => ("policies:AttachPolicy", "Attaching policy"),
            (Verb::Create, true) => (
                "organisations:AttachPolicy",
                "Attaching policy to the organisation",
            ),
            (_, false) => ("policies:DetachPolicy", "Detaching policy"),
            (_, true) => (
                "organisations:DetachPolicy",
                "Detaching policy from the organisation",
            ),
        };
        let detail = if org {
            json!({})
        } else {
            json!({"PolicyAttachment": {"PolicyAttachmentId": done.id()}})
        };
        Ok(event(
            operation,
            "STARTED",
            message,
            done.task.as_deref(),
            detail,
        ))
    }
}

/// `DELETE /20190206/policies/organisation/{policy_id}`: ends the policy's organisation
/// attachment.
pub(super) fn detach_from_organisation(call: &Call<'_>) -> ApiResult<Value> {
    call.write(|db| {
        let policy = resource::load(call, db, POLICY, false)?;
        let pid = text(&policy, "Id");
        let attachment = org_attachment(db, pid)?.ok_or_else(|| {
            ApiError::not_found(format!("Policy {pid} is not attached to the organisation"))
        })?;
        let body = json!({});
        let done =
            resource::change_record::<Attachments>(call, db, Verb::Delete, attachment, &body)?;
        Attachments::answer(&done)
    })
}
