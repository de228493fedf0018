//! Users and groups over the store.
//!
//! A new user starts `NEW` and is `INVITED` once the task that sends the invitation ends.
//! The organisation always keeps one `ACTIVE` `customer_admin`: a change that would leave none
//! fails in its task, and such a deletion is refused.

use serde_json::{Map, Value, json};

use crate::areas::rules::{ensure_idle, load_live, taken, text};
use crate::protocol::{ApiError, ApiResult};
use crate::store::kinds::{GROUP, USER};
use crate::store::{Db, StoreResult};

/// The fields of a new user (beside the stamps its kind declares).
pub(crate) fn user_fields(
    (first, last): (&str, &str),
    email: &str,
    role: Value,
) -> Map<String, Value> {
    let mut fields = Map::new();
    fields.insert("Name".into(), json!(format!("{first} {last}")));
    fields.insert("FirstName".into(), json!(first));
    fields.insert("LastName".into(), json!(last));
    fields.insert("Email".into(), json!(email));
    fields.insert("Role".into(), role);
    fields.insert("AuthOrigin".into(), json!("stax"));
    fields.insert("MFAEnabled".into(), json!(false));
    fields
}

/// The fields of a new group (beside the stamps its kind declares).
pub(crate) fn group_fields(name: &str, members: Vec<String>) -> Map<String, Value> {
    let mut fields = Map::new();
    fields.insert("Name".into(), json!(name));
    fields.insert("GroupType".into(), json!("LOCAL"));
    fields.insert("Users".into(), json!(members));
    fields
}

/// Refuses an email a live user other than `except` has, in any case (400).
pub(super) fn email_free(db: &Db<'_>, email: &str, except: Option<&str>) -> ApiResult<()> {
    if taken(db, USER, ("Email", email), except)? {
        return Err(ApiError::bad_request(format!(
            "Email: a user with {email} already exists"
        )));
    }
    Ok(())
}

pub(super) fn is_active_admin(user: &Value) -> bool {
    text(user, "Role") == "customer_admin" && text(user, "Status") == "ACTIVE"
}

/// Whether some other active admin than `except` remains.
pub(super) fn another_admin(db: &Db<'_>, except: &str) -> StoreResult<bool> {
    Ok(db
        .list(USER)?
        .iter()
        .any(|u| is_active_admin(u) && text(u, "Id") != except))
}

/// Refuses a group name a live group other than `except` has (409).
pub(super) fn group_named(db: &Db<'_>, name: &str, except: Option<&str>) -> ApiResult<()> {
    if taken(db, GROUP, ("Name", name), except)? {
        return Err(ApiError::conflict(format!(
            "Name: a group named {name} already exists"
        )));
    }
    Ok(())
}

/// Refuses a change of a group SCIM manages (400).
pub(super) fn refuse_scim(group: &Value) -> ApiResult<()> {
    if text(group, "GroupType") == "SCIM" {
        return Err(ApiError::bad_request(format!(
            "Group {} is managed by SCIM and cannot be changed here",
            text(group, "Id")
        )));
    }
    Ok(())
}

/// A group that may change here: live, idle and not managed by SCIM.
pub(super) fn load_local_group(db: &Db<'_>, id: &str) -> ApiResult<Value> {
    let group = load_live(db, GROUP, ("group_id", id))?;
    ensure_idle(db, &group, "Group")?;
    refuse_scim(&group)?;
    Ok(group)
}
