//! The organisation and its organisational units over the store: what they look like and
//! the rules of the tree (one root, unique names among siblings, at most five levels).

use serde_json::{Value, json};

use crate::areas::rules::{find, load_live, text};
use crate::install::Installation;
use crate::protocol::{ApiError, ApiResult};
use crate::store::kinds::{ORGANISATION, OU};
use crate::store::{Db, StoreResult};
use crate::util::random_from;

/// How deep OUs may nest below the root (as in AWS Organizations).
pub(super) const MAX_DEPTH: usize = 5;

/// Stores the organisation of the installation; returns it.
pub(crate) fn insert_organisation(
    db: &Db<'_>,
    install: &Installation,
    name: &str,
    alias: &str,
    created: &str,
) -> StoreResult<Value> {
    let org = json!({
        "Id": install.organisation_id,
        "Name": name,
        "Alias": alias,
        "Status": "ACTIVE",
        "Region": install.aws_region,
        "Regions": [install.aws_region],
        "AwsSupportType": "BUSINESS",
        "AwsPartnerSupport": false,
        "AuthProvider": "V2",
        "LandingZoneType": "STAX",
        "AllowedDomains": ["example.com"],
        "AttachedPolicies": [],
        "CreatedTS": created,
        "ModifiedTS": created,
    });
    db.put(ORGANISATION, &install.organisation_id, &org)?;
    Ok(org)
}

/// A new organisational unit.
pub(crate) struct NewOu<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub organisation_id: &'a str,
    pub status: &'a str,
    /// `None` makes the root.
    pub parent: Option<&'a str>,
    pub created_by: Option<&'a str>,
    pub created: &'a str,
    pub tags: Option<Value>,
    pub task: Option<&'a str>,
}

/// Stores a new organisational unit; returns it.
pub(crate) fn insert_ou(db: &Db<'_>, ou: &NewOu<'_>) -> StoreResult<Value> {
    let aws_id = match ou.parent {
        None => format!("r-{}", random_from(b"abcdefghijklmnopqrstuvwxyz0123456789", 4)),
        Some(_) => format!(
            "ou-{}",
            random_from(b"abcdefghijklmnopqrstuvwxyz0123456789", 8)
        ),
    };
    let mut unit = json!({
        "Id": ou.id,
        "Name": ou.name,
        "OrganisationId": ou.organisation_id,
        "Status": ou.status,
        "OrganisationalUnitType": if ou.parent.is_none() { "ROOT" } else { "CHILD" },
        "ParentOrganisationalUnitId": ou.parent,
        "AwsId": aws_id,
        "CreatedTS": ou.created,
        "CreatedBy": ou.created_by,
        "ModifiedTS": ou.created,
    });
    if let Some(task) = ou.task {
        unit["UserTaskId"] = json!(task);
    }
    if let Some(tags) = &ou.tags {
        unit["Tags"] = tags.clone();
    }
    db.put(OU, ou.id, &unit)?;
    Ok(unit)
}

/// The organisation, with the ids of the policies attached to it.
pub(super) fn organisation(db: &Db<'_>, install: &Installation) -> ApiResult<Value> {
    let mut org = db
        .get(ORGANISATION, &install.organisation_id)?
        .ok_or_else(|| ApiError::not_found("The organisation does not exist"))?;
    org["AttachedPolicies"] = json!(crate::areas::policies::model::organisation_policy_ids(db)?);
    Ok(org)
}

/// A unit by its path id (deleted ones too).
pub(super) fn find_ou(db: &Db<'_>, id: &str) -> ApiResult<Value> {
    find(
        db,
        OU,
        ("organisational_unit_id", id),
        "Organisational unit",
    )
}

/// A unit that is not deleted, by its path id.
pub(super) fn load_ou(db: &Db<'_>, id: &str) -> ApiResult<Value> {
    load_live(
        db,
        OU,
        ("organisational_unit_id", id),
        "Organisational unit",
    )
}

/// How many levels below the root an OU sits (the root is 0).
pub(super) fn depth(db: &Db<'_>, ou: &Value) -> StoreResult<usize> {
    let mut level = 0;
    let mut current = ou.clone();
    while let Some(parent) = current["ParentOrganisationalUnitId"].as_str() {
        level += 1;
        match db.get(OU, parent)? {
            Some(p) if level <= 64 => current = p,
            _ => break,
        }
    }
    Ok(level)
}

/// Whether a live sibling under `parent` other than `except` has this name (any case).
pub(super) fn sibling_named(
    db: &Db<'_>,
    parent: &str,
    name: &str,
    except: Option<&str>,
) -> StoreResult<bool> {
    Ok(db.list(OU)?.iter().any(|o| {
        text(o, "ParentOrganisationalUnitId") == parent
            && text(o, "Status") != "DELETED"
            && text(o, "Name").eq_ignore_ascii_case(name)
            && Some(text(o, "Id")) != except
    }))
}
