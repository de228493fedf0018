//! Users and groups over the store.
//!
//! A new user starts `NEW` and is `INVITED` once the task that sends the invitation ends.
//! The organisation always keeps one `ACTIVE` `customer_admin`: a change that would leave none
//! fails in its task, and such a deletion is refused.

use serde_json::{Value, json};

use crate::areas::rules::{ensure_idle, load_live, text};
use crate::protocol::{ApiError, ApiResult};
use crate::store::kinds::{GROUP, USER};
use crate::store::{Db, StoreResult};

/// A new user.
pub(crate) struct NewUser<'a> {
    pub id: &'a str,
    pub first: &'a str,
    pub last: &'a str,
    pub email: &'a str,
    pub organisation_id: &'a str,
    pub role: Value,
    pub status: &'a str,
    pub mfa: bool,
    /// `Some` writes `CreatedBy` (null when the inner value is `None`).
    pub created_by: Option<Option<&'a str>>,
    pub created: &'a str,
    pub task: Option<&'a str>,
}

/// Stores a new user; returns it.
pub(crate) fn insert_user(db: &Db<'_>, u: &NewUser<'_>) -> StoreResult<Value> {
    let mut user = json!({
        "Id": u.id,
        "Name": format!("{} {}", u.first, u.last),
        "FirstName": u.first,
        "LastName": u.last,
        "Email": u.email,
        "OrganisationId": u.organisation_id,
        "Role": u.role,
        "Status": u.status,
        "AuthOrigin": "stax",
        "MFAEnabled": u.mfa,
    });
    if let Some(by) = u.created_by {
        user["CreatedBy"] = json!(by);
    }
    user["CreatedTS"] = json!(u.created);
    user["ModifiedTS"] = json!(u.created);
    if let Some(task) = u.task {
        user["UserTaskId"] = json!(task);
    }
    db.put(USER, u.id, &user)?;
    Ok(user)
}

/// A new group.
pub(crate) struct NewGroup<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub organisation_id: &'a str,
    pub status: &'a str,
    pub members: Vec<String>,
    pub created_by: Option<&'a str>,
    pub created: &'a str,
    pub task: Option<&'a str>,
}

/// Stores a new group; returns it.
pub(crate) fn insert_group(db: &Db<'_>, g: &NewGroup<'_>) -> StoreResult<Value> {
    let mut group = json!({
        "Id": g.id,
        "Name": g.name,
        "OrganisationId": g.organisation_id,
        "Status": g.status,
        "GroupType": "LOCAL",
        "Users": g.members,
        "CreatedBy": g.created_by,
        "CreatedTS": g.created,
        "ModifiedTS": g.created,
    });
    if let Some(task) = g.task {
        group["UserTaskId"] = json!(task);
    }
    db.put(GROUP, g.id, &group)?;
    Ok(group)
}

/// Whether a live user other than `except` has this email (any case).
pub(super) fn email_taken(db: &Db<'_>, email: &str, except: Option<&str>) -> StoreResult<bool> {
    Ok(db.list(USER)?.iter().any(|u| {
        text(u, "Status") != "DELETED"
            && text(u, "Email").eq_ignore_ascii_case(email)
            && Some(text(u, "Id")) != except
    }))
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
    let clash = db.list(GROUP)?.into_iter().any(|g| {
        text(&g, "Status") != "DELETED"
            && text(&g, "Name").eq_ignore_ascii_case(name)
            && Some(text(&g, "Id")) != except
    });
    if clash {
        return Err(ApiError::conflict(format!(
            "Name: a group named {name} already exists"
        )));
    }
    Ok(())
}

/// A group that may change here: live, idle and not managed by SCIM.
pub(super) fn load_local_group(db: &Db<'_>, id: &str) -> ApiResult<Value> {
    let group = load_live(db, GROUP, ("group_id", id), "Group")?;
    ensure_idle(db, &group, "Group")?;
    if text(&group, "GroupType") == "SCIM" {
        return Err(ApiError::bad_request(format!(
            "Group {id} is managed by SCIM and cannot be changed here"
        )));
    }
    Ok(group)
}
