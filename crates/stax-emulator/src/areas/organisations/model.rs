//! The organisation and its organisational units over the store: what they look like and
//! the rules of the tree (one root, unique names among siblings, at most five levels).

use serde_json::{Map, Value, json};

use crate::areas::rules::text;
use crate::install::Installation;
use crate::protocol::{ApiError, ApiResult};
use crate::store::kinds::{ORGANISATION, OU, Stamp};
use crate::store::query::{Filter, Query};
use crate::store::{Db, StoreResult};
use crate::util::random_from;

/// How deep OUs may nest below the root (as in AWS Organizations).
pub(super) const MAX_DEPTH: usize = 5;

/// Stores the organisation of the installation (the view's organisation); returns it.
pub(crate) fn insert_organisation(
    db: &Db<'_>,
    install: &Installation,
    (name, alias): (&str, &str),
    created: &str,
) -> StoreResult<Value> {
    let fields = json!({
        "Name": name,
        "Alias": alias,
        "Region": install.aws_region,
        "Regions": [install.aws_region],
        "AwsSupportType": "BUSINESS",
        "AwsPartnerSupport": false,
        "AuthProvider": "V2",
        "LandingZoneType": "STAX",
        "AllowedDomains": ["example.com"],
        "AttachedPolicies": [],
    });
    let stamp = Stamp {
        at: created,
        status: Some("ACTIVE"),
        ..Stamp::default()
    };
    ORGANISATION.insert(db, db.org(), object(fields), &stamp)
}

/// The fields of a new organisational unit (beside the stamps its kind declares): under
/// `parent`, or the root when `None`.
pub(crate) fn ou_fields(
    name: &str,
    parent: Option<&str>,
    tags: Option<Value>,
) -> Map<String, Value> {
    let aws_id = match parent {
        None => format!(
            "r-{}",
            random_from(b"abcdefghijklmnopqrstuvwxyz0123456789", 4)
        ),
        Some(_) => format!(
            "ou-{}",
            random_from(b"abcdefghijklmnopqrstuvwxyz0123456789", 8)
        ),
    };
    let mut fields = object(json!({
        "Name": name,
        "OrganisationalUnitType": if parent.is_none() { "ROOT" } else { "CHILD" },
        "ParentOrganisationalUnitId": parent,
        "AwsId": aws_id,
    }));
    if let Some(tags) = tags {
        fields.insert("Tags".into(), tags);
    }
    fields
}

/// The map of a JSON object (empty for anything else).
fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// The organisation, with the ids of the policies attached to it.
pub(super) fn organisation(db: &Db<'_>) -> ApiResult<Value> {
    let mut org = db
        .get(ORGANISATION, db.org())?
        .ok_or_else(|| ApiError::not_found("The organisation does not exist"))?;
    org["AttachedPolicies"] = json!(crate::areas::policies::model::organisation_policy_ids(db)?);
    Ok(org)
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

/// The live units under `parent`.
pub(super) fn children(db: &Db<'_>, parent: &str) -> StoreResult<Vec<Value>> {
    let query = Query::of(OU.name)
        .filter(Filter::eq("ParentOrganisationalUnitId", parent))
        .filter(Filter::not_in("Status", OU.ended));
    Ok(db.select(&query)?.items)
}

/// Whether a live sibling under `parent` other than `except` has this name (any case).
pub(super) fn sibling_named(
    db: &Db<'_>,
    parent: &str,
    name: &str,
    except: Option<&str>,
) -> StoreResult<bool> {
    Ok(children(db, parent)?
        .iter()
        .any(|o| text(o, "Name").eq_ignore_ascii_case(name) && Some(text(o, "Id")) != except))
}
