//! The workload catalogue (items and their versions) and deployed workloads over the store.
//!
//! New catalogue items and versions are `VALIDATING` until their task ends, then `ACTIVE`; a
//! manifest URL that is neither `https://` nor `s3://`, or an empty manifest body, fails
//! validation (`FAILED`). Workloads are `INITIALIZING` then `ACTIVE`; deploying to an account
//! that is not `ACTIVE` fails (`CREATE_FAILED`), and a protected workload cannot be deleted
//! (`DELETE_FAILED`).

use std::collections::HashMap;

use serde_json::{Map, Value, json};

use crate::areas::rules::{find, text};
use crate::areas::wire::check_uuid;
use crate::protocol::{ApiError, ApiResult};
use crate::store::kinds::{ACCOUNT, VERSION, WORKLOAD};
use crate::store::query::{Filter, Query};
use crate::store::tasks::Outcome;
use crate::store::{Db, StoreResult};

/// The fields of a new catalogue item (beside the stamps its kind declares); `version_id` is
/// its current version (null until one is valid).
pub(crate) fn item_fields(
    name: &str,
    description: Value,
    version_id: Value,
    tags: Value,
) -> Map<String, Value> {
    let mut fields = Map::new();
    fields.insert("Name".into(), json!(name));
    fields.insert("Description".into(), description);
    fields.insert("Public".into(), json!(false));
    fields.insert("Protection".into(), json!(false));
    fields.insert("CatalogueVersionId".into(), version_id);
    fields.insert("Tags".into(), tags);
    fields
}

/// A new version's own fields.
pub(crate) struct NewVersion {
    pub description: Value,
    /// Its label (`1.2.0`).
    pub version: Value,
    /// Null for an uploaded manifest: answers point at this emulator's own copy.
    pub manifest_url: Value,
    pub manifest_body: Value,
    /// `[{"Key", "Default"}]`.
    pub parameters: Value,
}

/// The fields of a new version (beside its item, its parent, and its stamps).
pub(crate) fn version_fields(v: NewVersion) -> Map<String, Value> {
    let mut fields = Map::new();
    fields.insert("Description".into(), v.description);
    fields.insert("WorkloadVersion".into(), v.version);
    fields.insert("ManifestURL".into(), v.manifest_url);
    fields.insert("ManifestBody".into(), v.manifest_body);
    fields.insert("Parameters".into(), v.parameters);
    fields.insert("Outputs".into(), json!([]));
    fields.insert("Public".into(), json!(false));
    fields
}

/// A new workload's own fields.
pub(crate) struct NewWorkload<'a> {
    pub name: &'a str,
    pub account_id: &'a str,
    pub catalogue_id: &'a str,
    pub version_id: Value,
    pub parameters: Value,
    pub protection: bool,
    pub region: &'a str,
    pub tags: Value,
}

/// The fields of a new workload (beside the stamps its kind declares).
pub(crate) fn workload_fields(w: NewWorkload<'_>) -> Map<String, Value> {
    let mut fields = Map::new();
    fields.insert("Name".into(), json!(w.name));
    fields.insert("AccountId".into(), json!(w.account_id));
    fields.insert("CatalogueId".into(), json!(w.catalogue_id));
    fields.insert("CatalogueVersionId".into(), w.version_id);
    fields.insert("Parameters".into(), w.parameters);
    fields.insert("Protection".into(), json!(w.protection));
    fields.insert("Region".into(), json!(w.region));
    fields.insert("Tags".into(), w.tags);
    fields
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
pub(super) fn present_version(
    endpoint: &str,
    mut version: Value,
    include_parameters: bool,
) -> Value {
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
    find(db, VERSION, ("version_id", version_id))
}

/// Workloads not DELETED, those whose `key` is `id` when given.
pub(super) fn live_workloads(db: &Db<'_>, whose: Option<(&str, &str)>) -> StoreResult<Vec<Value>> {
    let mut query = Query::of(WORKLOAD.name).filter(Filter::not_in("Status", WORKLOAD.ended));
    if let Some((key, id)) = whose {
        query.filters.push(Filter::eq(key, id));
    }
    Ok(db.select(&query)?.items)
}

/// Workloads as answered: with their version's label, and Tags only when asked for.
pub(super) fn present_workload(w: &mut Value, labels: &HashMap<String, Value>, include_tags: bool) {
    let vid = text(w, "CatalogueVersionId").to_owned();
    w["CatalogueVersion"] = labels.get(&vid).map_or(
        Value::Null,
        |label| json!({"Id": vid, "WorkloadVersion": label}),
    );
    if !include_tags && let Some(map) = w.as_object_mut() {
        map.remove("Tags");
    }
}

/// The labels of the versions `workloads` run, by version id.
pub(super) fn labels(db: &Db<'_>, workloads: &[Value]) -> StoreResult<HashMap<String, Value>> {
    let ids = workloads
        .iter()
        .map(|w| text(w, "CatalogueVersionId").to_owned())
        .collect();
    let query = Query::of(VERSION.name).filter(Filter::Ids(ids));
    Ok(db
        .select(&query)?
        .items
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
