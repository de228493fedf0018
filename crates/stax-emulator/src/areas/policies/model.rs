//! Service control policies and their attachments over the store.
//!
//! Like AWS Organizations, a policy document may be at most 5120 characters and a unit or
//! account may carry at most 5 policies; breaking either rule fails the task. A policy that is
//! still attached cannot be deleted (its task fails).

use serde_json::{Map, Value, json};

use crate::areas::rules::{taken, text};
use crate::protocol::{ApiError, ApiResult};
use crate::store::kinds::{ATTACHMENT, POLICY};
use crate::store::query::{Filter, Query};
use crate::store::tasks::{Effect, Outcome};
use crate::store::{Db, StoreResult};
use crate::util::random_from;

/// Longest policy document AWS accepts.
const MAX_SIZE: usize = 5120;
/// Most policies one unit or account may carry.
pub(super) const MAX_PER_TARGET: usize = 5;
/// Attachment to the whole organisation.
pub(super) const ORG_TYPE: &str = "STAX_ORGANISATION";

/// The fields of a new policy (beside the stamps its kind declares).
pub(crate) fn policy_fields(
    name: &str,
    description: Value,
    content: Value,
    tags: Value,
) -> Map<String, Value> {
    let mut fields = Map::new();
    fields.insert("Name".into(), json!(name));
    fields.insert("Description".into(), description);
    fields.insert("PolicyType".into(), json!("SCP"));
    fields.insert("Content".into(), content);
    fields.insert("PolicyOwner".into(), json!("ORGANISATION"));
    fields.insert(
        "AwsId".into(),
        json!(format!(
            "p-{}",
            random_from(b"abcdefghijklmnopqrstuvwxyz0123456789", 8)
        )),
    );
    fields.insert("ExternalResource".into(), json!(false));
    fields.insert("Tags".into(), tags);
    fields
}

/// Where an attachment goes: its type and the unit or account.
pub(crate) struct Target<'a> {
    /// `ORGANISATIONAL_UNIT`, `ACCOUNT` or `STAX_ORGANISATION`.
    pub kind: &'a str,
    pub ou: Option<&'a str>,
    pub account: Option<&'a str>,
}

/// The fields of a new attachment (beside its policy, its parent, and its stamps).
pub(crate) fn attachment_fields(target: &Target<'_>) -> Map<String, Value> {
    let mut fields = Map::new();
    fields.insert("OrganisationalUnitId".into(), json!(target.ou));
    fields.insert("AccountId".into(), json!(target.account));
    fields.insert("PolicyAttachmentType".into(), json!(target.kind));
    fields
}

/// Attachments that are in force or on their way (not DELETED, not CREATE_FAILED), those
/// whose `key` is `id` when given.
pub(super) fn live_attachments(
    db: &Db<'_>,
    whose: Option<(&str, &str)>,
) -> StoreResult<Vec<Value>> {
    let mut query = Query::of(ATTACHMENT.name).filter(Filter::not_in("Status", ATTACHMENT.ended));
    if let Some((key, id)) = whose {
        query.filters.push(Filter::eq(key, id));
    }
    Ok(db.select(&query)?.items)
}

/// Steps that end every live attachment whose `key` (`OrganisationalUnitId`, `AccountId`) is
/// `id`, for when the unit goes or the account closes.
pub(crate) fn detach_all(db: &Db<'_>, key: &str, id: &str) -> StoreResult<Effect> {
    Ok(live_attachments(db, Some((key, id)))?
        .iter()
        .fold(Effect::default(), |effect, a| {
            effect.merge(ATTACHMENT, text(a, "Id"), json!({"Status": "DELETED"}))
        }))
}

/// Ids of the policies attached to the whole organisation.
pub(crate) fn organisation_policy_ids(db: &Db<'_>) -> StoreResult<Vec<Value>> {
    Ok(
        live_attachments(db, Some(("PolicyAttachmentType", ORG_TYPE)))?
            .into_iter()
            .map(|a| a["PolicyId"].clone())
            .collect(),
    )
}

/// Refuses a name a live policy other than `except` has, in any case (400).
pub(super) fn name_free(db: &Db<'_>, name: &str, except: Option<&str>) -> ApiResult<()> {
    if taken(db, POLICY, ("Name", name), except)? {
        return Err(ApiError::bad_request(format!(
            "Name: a policy named {name} already exists"
        )));
    }
    Ok(())
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
    Ok(live_attachments(db, Some(("PolicyId", policy_id)))?
        .into_iter()
        .find(|a| text(a, "PolicyAttachmentType") == ORG_TYPE))
}
