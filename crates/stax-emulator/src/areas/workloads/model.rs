//! The workload catalogue (items and their versions) and deployed workloads over the store.
//!
//! New catalogue items and versions are `VALIDATING` until their task ends, then `ACTIVE`; a
//! manifest URL that is neither `https://` nor `s3://`, or an empty manifest body, fails
//! validation (`FAILED`). Workloads are `INITIALIZING` then `ACTIVE`; deploying to an account
//! that is not `ACTIVE` fails (`CREATE_FAILED`), and a protected workload cannot be deleted
//! (`DELETE_FAILED`).

use std::collections::HashMap;

use serde_json::{Value, json};

use crate::areas::rules::{find, text};
use crate::areas::wire::check_uuid;
use crate::protocol::{ApiError, ApiResult};
use crate::store::kinds::{ACCOUNT, CATALOGUE, VERSION, WORKLOAD};
use crate::store::tasks::Outcome;
use crate::store::{Db, StoreResult};

/// A new catalogue item.
pub(crate) struct NewItem<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub description: Value,
    pub organisation_id: &'a str,
    pub status: &'a str,
    /// The current version (null until one is valid).
    pub version_id: Value,
    pub tags: Value,
    pub created_by: &'a str,
    pub created: &'a str,
    pub task: &'a str,
}

/// Stores a new catalogue item; returns it.
pub(crate) fn insert_item(db: &Db<'_>, i: &NewItem<'_>) -> StoreResult<Value> {
    let item = json!({
        "Id": i.id,
        "Name": i.name,
        "Description": i.description,
        "OrganisationId": i.organisation_id,
        "Status": i.status,
        "Public": false,
        "Protection": false,
        "CatalogueVersionId": i.version_id,
        "Tags": i.tags,
        "CreatedBy": i.created_by,
        "CreatedTS": i.created,
        "ModifiedTS": i.created,
        "UserTaskId": i.task,
    });
    db.put(CATALOGUE, i.id, &item)?;
    Ok(item)
}

/// A new version of a catalogue item.
pub(crate) struct NewVersion<'a> {
    pub id: &'a str,
    pub catalogue_id: &'a str,
    pub description: Value,
    /// Its label (`1.2.0`).
    pub version: Value,
    /// Null for an uploaded manifest: answers point at this emulator's own copy.
    pub manifest_url: Value,
    pub manifest_body: Value,
    /// `[{"Key", "Default"}]`.
    pub parameters: Value,
    pub status: &'a str,
    pub created_by: &'a str,
    pub created: &'a str,
    pub task: &'a str,
}

/// Stores a new version; returns it.
pub(crate) fn insert_version(db: &Db<'_>, v: &NewVersion<'_>) -> StoreResult<Value> {
    let version = json!({
        "Id": v.id,
        "CatalogueId": v.catalogue_id,
        "Description": v.description,
        "WorkloadVersion": v.version,
        "ManifestURL": v.manifest_url,
        "ManifestBody": v.manifest_body,
        "Parameters": v.parameters,
        "Outputs": [],
        "Public": false,
        "Status": v.status,
        "CreatedBy": v.created_by,
        "CreatedTS": v.created,
        "ModifiedTS": v.created,
        "UserTaskId": v.task,
    });
    db.put(VERSION, v.id, &version)?;
    Ok(version)
}

/// A new workload.
pub(crate) struct NewWorkload<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub account_id: &'a str,
    pub catalogue_id: &'a str,
    pub version_id: Value,
    pub organisation_id: &'a str,
    pub parameters: Value,
    pub protection: bool,
    pub region: &'a str,
    pub status: &'a str,
    pub tags: Value,
    pub created_by: &'a str,
    pub created: &'a str,
    pub task: &'a str,
}

/// Stores a new workload; returns it.
pub(crate) fn insert_workload(db: &Db<'_>, w: &NewWorkload<'_>) -> StoreResult<Value> {
    let workload = json!({
        "Id": w.id,
        "Name": w.name,
        "AccountId": w.account_id,
        "CatalogueId": w.catalogue_id,
        "CatalogueVersionId": w.version_id,
        "OrganisationId": w.organisation_id,
        "Parameters": w.parameters,
        "Protection": w.protection,
        "Region": w.region,
        "Status": w.status,
        "Tags": w.tags,
        "CreatedBy": w.created_by,
        "CreatedTS": w.created,
        "ModifiedTS": w.created,
        "UserTaskId": w.task,
    });
    db.put(WORKLOAD, w.id, &workload)?;
    Ok(workload)
}

/// Body `Parameters` (an object) as a version lists them.
pub(crate) fn version_parameters(parameters: Option<&Value>) -> Value {
    let list: Vec<Value> = parameters
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(k, v)| json!({"Key": k, "Default": v}))
        .collect();
    Value::Array(list)
}

/// How a manifest will fare in validation.
pub(super) fn manifest_outcome(body: &Value) -> ApiResult<Outcome> {
    match (body.get("ManifestBody"), body.get("ManifestURL")) {
        (Some(Value::String(text)), None) if text.trim().is_empty() => {
            Ok(Outcome::Fail("the manifest is empty".into()))
        }
        (Some(_), None) => Ok(Outcome::Succeed),
        (None, Some(Value::String(url))) => {
            if url.starts_with("https://") || url.starts_with("s3://") {
                Ok(Outcome::Succeed)
            } else {
                Ok(Outcome::Fail(format!(
                    "manifest URL {url} is neither https:// nor s3://"
                )))
            }
        }
        _ => Err(ApiError::bad_request(
            "Invalid request body: give exactly one of ManifestBody and ManifestURL",
        )),
    }
}

/// Where a version's manifest is read: the URL given at upload, else the emulator's copy at
/// `/_emulator/workload-manifests/{version_id}` (worked out per answer, so it follows the port).
pub(super) fn manifest_url(endpoint: &str, version: &Value) -> Value {
    match version.get("ManifestURL") {
        Some(url @ Value::String(_)) => url.clone(),
        _ => json!(format!(
            "{endpoint}/_emulator/workload-manifests/{}",
            text(version, "Id")
        )),
    }
}

/// A version as answered (without its manifest text; parameters on request).
pub(super) fn present_version(endpoint: &str, mut version: Value, include_parameters: bool) -> Value {
    version["ManifestURL"] = manifest_url(endpoint, &version);
    if let Some(map) = version.as_object_mut() {
        map.remove("ManifestBody");
        if !include_parameters {
            map.remove("Parameters");
        }
    }
    version
}

/// A version of the item `catalogue_id` by their path ids.
pub(super) fn find_version(db: &Db<'_>, catalogue_id: &str, version_id: &str) -> ApiResult<Value> {
    check_uuid("catalogue_id", catalogue_id)?;
    check_uuid("version_id", version_id)?;
    db.get(VERSION, &version_id.to_ascii_lowercase())?
        .filter(|v| text(v, "CatalogueId").eq_ignore_ascii_case(catalogue_id))
        .ok_or_else(|| {
            ApiError::not_found(format!(
                "Version {version_id} of catalogue item {catalogue_id} does not exist"
            ))
        })
}

/// A version by its id alone.
pub(crate) fn version_by_id(db: &Db<'_>, version_id: &str) -> ApiResult<Value> {
    find(db, VERSION, ("version_id", version_id), "Version")
}

/// Workloads not DELETED.
pub(super) fn live_workloads(db: &Db<'_>) -> StoreResult<Vec<Value>> {
    Ok(db
        .list(WORKLOAD)?
        .into_iter()
        .filter(|w| text(w, "Status") != "DELETED")
        .collect())
}

/// Workloads as answered: with their version's label, and Tags only when asked for.
pub(super) fn present_workload(
    mut w: Value,
    labels: &HashMap<String, Value>,
    include_tags: bool,
) -> Value {
    let vid = text(&w, "CatalogueVersionId").to_owned();
    w["CatalogueVersion"] = labels.get(&vid).map_or(
        Value::Null,
        |label| json!({"Id": vid, "WorkloadVersion": label}),
    );
    if !include_tags && let Some(map) = w.as_object_mut() {
        map.remove("Tags");
    }
    w
}

/// Version labels by version id.
pub(super) fn labels(db: &Db<'_>) -> StoreResult<HashMap<String, Value>> {
    Ok(db
        .list(VERSION)?
        .into_iter()
        .map(|v| (text(&v, "Id").to_owned(), v["WorkloadVersion"].clone()))
        .collect())
}

/// The version a workload should run: `wanted`, else the item's current one.
pub(super) fn pick_version(db: &Db<'_>, item: &Value, wanted: Option<&str>) -> ApiResult<Value> {
    let cid = text(item, "Id");
    let vid = match wanted {
        Some(v) => v.to_ascii_lowercase(),
        None => text(item, "CatalogueVersionId").to_owned(),
    };
    db.get(VERSION, &vid)?
        .filter(|v| text(v, "CatalogueId") == cid)
        .filter(|v| !matches!(text(v, "Status"), "DELETED" | "FAILED"))
        .ok_or_else(|| {
            ApiError::bad_request(format!(
                "CatalogueVersionId: catalogue item {cid} has no usable version {vid}"
            ))
        })
}

/// Whether the account exists and is ACTIVE.
pub(super) fn account_is_active(db: &Db<'_>, account_id: &str) -> StoreResult<bool> {
    Ok(db
        .get(ACCOUNT, account_id)?
        .is_some_and(|a| text(&a, "Status") == "ACTIVE"))
}
