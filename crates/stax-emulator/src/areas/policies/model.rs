//! Service control policies and their attachments over the store.
//!
//! Like AWS Organizations, a policy document may be at most 5120 characters and a unit or
//! account may carry at most 5 policies; breaking either rule fails the task. A policy that is
//! still attached cannot be deleted (its task fails).

use serde_json::{Value, json};

use crate::areas::rules::text;
use crate::store::kinds::{ATTACHMENT, POLICY};
use crate::store::tasks::{Effect, Outcome};
use crate::store::{Db, StoreResult};
use crate::util::random_from;

/// Longest policy document AWS accepts.
const MAX_SIZE: usize = 5120;
/// Most policies one unit or account may carry.
pub(super) const MAX_PER_TARGET: usize = 5;
/// Attachment to the whole organisation.
pub(super) const ORG_TYPE: &str = "STAX_ORGANISATION";

/// A new policy.
pub(crate) struct NewPolicy<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub description: Value,
    pub organisation_id: &'a str,
    pub status: &'a str,
    pub content: Value,
    pub tags: Value,
    pub created_by: Option<&'a str>,
    pub created: &'a str,
    pub task: &'a str,
}

/// Stores a new policy; returns it.
pub(crate) fn insert_policy(db: &Db<'_>, p: &NewPolicy<'_>) -> StoreResult<Value> {
    let policy = json!({
        "Id": p.id,
        "OrganisationId": p.organisation_id,
        "Status": p.status,
        "Name": p.name,
        "Description": p.description,
        "PolicyType": "SCP",
        "Content": p.content,
        "PolicyOwner": "ORGANISATION",
        "AwsId": format!("p-{}", random_from(b"abcdefghijklmnopqrstuvwxyz0123456789", 8)),
        "ExternalResource": false,
        "Tags": p.tags,
        "CreatedTS": p.created,
        "CreatedBy": p.created_by,
        "ModifiedTS": p.created,
        "UserTaskId": p.task,
    });
    db.put(POLICY, p.id, &policy)?;
    Ok(policy)
}

/// Where a new attachment goes: its type and the unit or account.
pub(crate) struct Target<'a> {
    /// `ORGANISATIONAL_UNIT`, `ACCOUNT` or `STAX_ORGANISATION`.
    pub kind: &'a str,
    pub ou: Option<&'a str>,
    pub account: Option<&'a str>,
}

/// A new attachment.
pub(crate) struct NewAttachment<'a> {
    pub id: &'a str,
    pub policy_id: &'a str,
    pub organisation_id: &'a str,
    pub target: Target<'a>,
    pub status: &'a str,
    pub created_by: Option<&'a str>,
    pub created: &'a str,
    pub task: &'a str,
}

/// Stores a new attachment; returns it.
pub(crate) fn insert_attachment(db: &Db<'_>, a: &NewAttachment<'_>) -> StoreResult<Value> {
    let attachment = json!({
        "Id": a.id,
        "OrganisationId": a.organisation_id,
        "Status": a.status,
        "PolicyId": a.policy_id,
        "OrganisationalUnitId": a.target.ou,
        "AccountId": a.target.account,
        "PolicyAttachmentType": a.target.kind,
        "CreatedTS": a.created,
        "CreatedBy": a.created_by,
        "ModifiedTS": a.created,
        "UserTaskId": a.task,
    });
    db.put(ATTACHMENT, a.id, &attachment)?;
    Ok(attachment)
}

/// Attachments that are in force or on their way (not DELETED, not CREATE_FAILED).
pub(super) fn live_attachments(db: &Db<'_>) -> StoreResult<Vec<Value>> {
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

/// Whether a live policy other than `except` has this name (any case).
pub(super) fn name_taken(db: &Db<'_>, name: &str, except: Option<&str>) -> StoreResult<bool> {
    Ok(db.list(POLICY)?.iter().any(|p| {
        text(p, "Status") != "DELETED"
            && text(p, "Name").eq_ignore_ascii_case(name)
            && Some(text(p, "Id")) != except
    }))
}

/// How a policy document of `size` characters fares.
pub(super) fn size_outcome(size: usize) -> Outcome {
    if size > MAX_SIZE {
        Outcome::Fail(format!(
            "the policy document has {size} characters; at most {MAX_SIZE} are allowed"
        ))
    } else {
        Outcome::Succeed
    }
}

/// The organisation attachment of a policy, if live.
pub(super) fn org_attachment(db: &Db<'_>, policy_id: &str) -> StoreResult<Option<Value>> {
    Ok(live_attachments(db)?
        .into_iter()
        .find(|a| text(a, "PolicyAttachmentType") == ORG_TYPE && text(a, "PolicyId") == policy_id))
}

/// Attachments (not DELETED) whose `key` is `id`.
pub(super) fn attachments_where(db: &Db<'_>, key: &str, id: &str) -> StoreResult<Value> {
    let list: Vec<Value> = db
        .list(ATTACHMENT)?
        .into_iter()
        .filter(|a| text(a, "Status") != "DELETED" && text(a, key) == id)
        .collect();
    Ok(json!({"PolicyAttachments": list}))
}
