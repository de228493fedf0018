//! `workloads.*`: the workload catalogue (items and their versions) and deployed workloads.
//!
//! New catalogue items and versions are `VALIDATING` until their task ends, then `ACTIVE`; a
//! manifest URL that is neither `https://` nor `s3://`, or an empty manifest body, fails
//! validation (`FAILED`). Workloads are `INITIALIZING` then `ACTIVE`; deploying to an account
//! that is not `ACTIVE` fails (`CREATE_FAILED`), and a protected workload cannot be deleted
//! (`DELETE_FAILED`). Manifests are served back at `/_emulator/workload-manifests/{version_id}`.

use std::collections::{BTreeMap, HashMap};

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::{
    AppRef, caller, check_uuid, ensure_idle, event, load_live, ok, page, parse_body, query_bool,
    sort_items, text,
};
use crate::app::AppState;
use crate::error::{ApiError, ApiResult};
use crate::resources::accounts::{ACCOUNT, type_names};
use crate::store::{Db, StoreResult};
use crate::tasks::{self, Effect, Outcome};
use crate::util::{comma_list, now_iso, parse_query, random_from, uuid};

/// Store kind of catalogue items.
pub(crate) const CATALOGUE: &str = "workload_catalogue";
/// Store kind of catalogue versions.
pub(crate) const VERSION: &str = "workload_catalogue_version";
/// Store kind of workloads.
pub(crate) const WORKLOAD: &str = "workload";

fn list_of(q: &BTreeMap<String, String>, name: &str, upper: bool) -> Option<Vec<String>> {
    q.get(name).map(|v| {
        comma_list(v)
            .into_iter()
            .map(|s| {
                if upper {
                    s.to_ascii_uppercase()
                } else {
                    s.to_ascii_lowercase()
                }
            })
            .collect()
    })
}

fn keeps(list: &Option<Vec<String>>, value: &str) -> bool {
    list.as_ref()
        .is_none_or(|l| l.iter().any(|x| x.eq_ignore_ascii_case(value)))
}

fn trace_id() -> String {
    format!(
        "Root=1-{}-{}",
        random_from(b"0123456789abcdef", 8),
        random_from(b"0123456789abcdef", 24)
    )
}

/// `CreatedBy` must be a UUID here: the calling token, else the organisation.
fn creator(state: &AppState, headers: &HeaderMap) -> String {
    caller(state, headers).unwrap_or_else(|| state.install.organisation_id.clone())
}

/// Body `Parameters` (an object) as a version lists them.
fn version_parameters(body: &Value) -> Value {
    let list: Vec<Value> = body
        .get("Parameters")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(k, v)| json!({"Key": k, "Default": v}))
        .collect();
    Value::Array(list)
}

/// Body `Parameters` (a list of `Key`/`Value`) as a workload carries them.
fn workload_parameters(body: &Value) -> Option<Value> {
    let list = body.get("Parameters")?.as_array()?;
    let map: Map<String, Value> = list
        .iter()
        .filter_map(|p| Some((p.get("Key")?.as_str()?.to_owned(), p.get("Value")?.clone())))
        .collect();
    Some(Value::Object(map))
}

/// How a manifest will fare in validation.
fn manifest_outcome(body: &Value) -> Result<Outcome, ApiError> {
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

/// Writes a new version (VALIDATING) whose task makes it, and the item, ACTIVE.
#[allow(clippy::too_many_arguments)]
fn new_version(
    db: &Db<'_>,
    state: &AppState,
    operation: &str,
    catalogue_id: &str,
    body: &Value,
    created_by: &str,
    outcome: Outcome,
    (item_fields, item_on_fail): (Value, Value),
) -> StoreResult<(String, String)> {
    let id = uuid();
    let mut on_success = item_fields;
    on_success["CatalogueVersionId"] = json!(id);
    on_success["Status"] = json!("ACTIVE");
    let task_id = tasks::create(
        db,
        state.task_delay,
        operation,
        None,
        vec![],
        outcome,
        Effect::default()
            .merge(VERSION, &id, json!({"Status": "ACTIVE"}))
            .merge(CATALOGUE, catalogue_id, on_success)
            .merge_on_fail(VERSION, &id, json!({"Status": "FAILED"}))
            .merge_on_fail(CATALOGUE, catalogue_id, item_on_fail),
    )?;
    let now = now_iso();
    db.put(
        VERSION,
        &id,
        &json!({
            "Id": id,
            "CatalogueId": catalogue_id,
            "Description": body["Description"],
            "WorkloadVersion": body["Version"],
            // Null for an uploaded manifest: answers point at this emulator's own copy.
            "ManifestURL": body.get("ManifestURL").cloned().unwrap_or(Value::Null),
            "ManifestBody": body.get("ManifestBody").cloned().unwrap_or(Value::Null),
            "Parameters": version_parameters(body),
            "Outputs": [],
            "Public": false,
            "Status": "VALIDATING",
            "CreatedBy": created_by,
            "CreatedTS": now,
            "ModifiedTS": now,
            "UserTaskId": task_id,
        }),
    )?;
    Ok((task_id, id))
}

/// Where a version's manifest is read: the URL given at upload, else the emulator's copy at
/// `/_emulator/workload-manifests/{version_id}` (worked out per answer, so it follows the port).
fn manifest_url(endpoint: &str, version: &Value) -> Value {
    match version.get("ManifestURL") {
        Some(url @ Value::String(_)) => url.clone(),
        _ => json!(format!(
            "{endpoint}/_emulator/workload-manifests/{}",
            text(version, "Id")
        )),
    }
}

/// A version as answered (without its manifest text; parameters on request).
fn present_version(endpoint: &str, mut version: Value, include_parameters: bool) -> Value {
    version["ManifestURL"] = manifest_url(endpoint, &version);
    if let Some(map) = version.as_object_mut() {
        map.remove("ManifestBody");
        if !include_parameters {
            map.remove("Parameters");
        }
    }
    version
}

/// `GET /20190206/workload-catalogue` and `.../{catalogue_id}`.
fn read_catalogue(
    state: &AppState,
    only: Option<&str>,
    q: &BTreeMap<String, String>,
) -> ApiResult<Value> {
    let include_versions = query_bool(q, "include_versions", true)?;
    let include_parameters = query_bool(q, "include_parameters", true)?;
    let include_tags = query_bool(q, "include_tags", false)?;
    let statuses = list_of(q, "filter", true);
    let ids = list_of(q, "id_filter", false);
    let (items, versions) = state
        .store
        .read(|db| Ok((db.list(CATALOGUE)?, db.list(VERSION)?)))?;
    if let Some(id) = only
        && !items.iter().any(|i| text(i, "Id") == id)
    {
        return Err(ApiError::not_found(format!(
            "Catalogue item {id} does not exist"
        )));
    }
    let mut items: Vec<Value> = items
        .into_iter()
        .filter(|i| only.is_none_or(|id| text(i, "Id") == id))
        .filter(|i| match &statuses {
            Some(s) => s.iter().any(|x| x == text(i, "Status")),
            None => only.is_some() || text(i, "Status") != "DELETED",
        })
        .filter(|i| keeps(&ids, text(i, "Id")))
        .filter(|i| q.get("name").is_none_or(|n| text(i, "Name") == n))
        .map(|mut item| {
            if include_versions {
                let id = text(&item, "Id").to_owned();
                item["Versions"] = Value::Array(
                    versions
                        .iter()
                        .filter(|v| text(v, "CatalogueId") == id && text(v, "Status") != "DELETED")
                        .map(|v| present_version(&state.endpoint, v.clone(), include_parameters))
                        .collect(),
                );
            }
            if !include_tags && let Some(map) = item.as_object_mut() {
                map.remove("Tags");
            }
            item
        })
        .collect();
    sort_items(&mut items, q)?;
    let (items, paging) = page(items, q)?;
    let mut catalogue = json!({
        "OrganisationId": state.install.organisation_id,
        "WorkloadCatalogueItems": items,
    });
    if let Some(paging) = paging {
        catalogue["Paging"] = paging;
    }
    Ok(json!({"WorkloadCatalogues": [catalogue]}))
}

/// `GET /20190206/workload-catalogue`: deleted items show only when `filter` asks for them.
pub(crate) async fn read_catalogue_items(
    State(state): AppRef,
    RawQuery(raw): RawQuery,
) -> ApiResult {
    state.stats.operation("workloads.ReadCatalogueItems");
    let q = parse_query(raw.as_deref());
    ok(read_catalogue(&state, None, &q)?)
}

/// `GET /20190206/workload-catalogue/{catalogue_id}`.
pub(crate) async fn read_catalogue_item(
    State(state): AppRef,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult {
    state.stats.operation("workloads.ReadCatalogueItems");
    check_uuid("catalogue_id", &id)?;
    let q = parse_query(raw.as_deref());
    ok(read_catalogue(&state, Some(&id.to_ascii_lowercase()), &q)?)
}

fn find_version(db: &Db<'_>, catalogue_id: &str, version_id: &str) -> ApiResult<Value> {
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

/// `GET /20190206/workload-catalogue/{catalogue_id}/{version_id}`.
pub(crate) async fn read_catalogue_version(
    State(state): AppRef,
    Path((catalogue_id, version_id)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> ApiResult {
    state.stats.operation("workloads.ReadCatalogueVersion");
    let q = parse_query(raw.as_deref());
    let include_parameters = query_bool(&q, "include_parameters", true)?;
    let version = state
        .store
        .read(|db| Ok(find_version(db, &catalogue_id, &version_id)))??;
    ok(json!({"Versions": [present_version(&state.endpoint, version, include_parameters)]}))
}

fn version_by_id(db: &Db<'_>, version_id: &str) -> ApiResult<Value> {
    check_uuid("version_id", version_id)?;
    db.get(VERSION, &version_id.to_ascii_lowercase())?
        .ok_or_else(|| ApiError::not_found(format!("Version {version_id} does not exist")))
}

/// `GET /20190206/workload-catalogue/manifest/{version_id}`: where the manifest can be read.
pub(crate) async fn read_manifest(
    State(state): AppRef,
    Path(version_id): Path<String>,
) -> ApiResult {
    state.stats.operation("workloads.ReadCatalogueManifest");
    let version = state
        .store
        .read(|db| Ok(version_by_id(db, &version_id)))??;
    ok(json!({"url": manifest_url(&state.endpoint, &version)}))
}

/// `GET /20190206/workload-catalogue/template/{version_id}/{name}`: where a template is.
pub(crate) async fn read_template(
    State(state): AppRef,
    Path((version_id, name)): Path<(String, String)>,
) -> ApiResult {
    state.stats.operation("workloads.ReadCatalogueTemplate");
    let version = state
        .store
        .read(|db| Ok(version_by_id(db, &version_id)))??;
    let encoded = percent_encoding::utf8_percent_encode(&name, percent_encoding::NON_ALPHANUMERIC);
    ok(json!({"url": format!(
        "{}/_emulator/workload-manifests/{}?template={encoded}",
        state.endpoint,
        text(&version, "Id")
    )}))
}

/// `GET /_emulator/workload-manifests/{version_id}`: the manifest text given at upload.
pub(crate) async fn manifest_text(
    State(state): AppRef,
    Path(version_id): Path<String>,
) -> Response {
    let found = state
        .store
        .read(|db| Ok(version_by_id(db, &version_id)))
        .map_err(ApiError::from)
        .and_then(|v| v);
    match found {
        Ok(version) => (
            [("content-type", "text/yaml")],
            text(&version, "ManifestBody").to_owned(),
        )
            .into_response(),
        Err(err) => err.into_response(),
    }
}

fn catalogue_event(operation: &str, message: &str, task_id: &str, item: Value) -> Value {
    let mut answer = event(
        operation,
        "STARTED",
        message,
        None,
        json!({"WorkloadCatalogueItem": item}),
    );
    answer["Detail"]["TraceId"] = json!(trace_id());
    answer["TaskId"] = json!(task_id);
    answer["TraceId"] = json!(trace_id());
    answer
}

/// `POST /20190206/workload-catalogue`: an item with its first version.
pub(crate) async fn create_catalogue_item(
    State(state): AppRef,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult {
    state.stats.operation("workloads.CreateCatalogueItem");
    let body = parse_body(&state, "workloads.CreateCatalogueItem", &body)?;
    let outcome = manifest_outcome(&body)?;
    let name = text(&body, "Name").to_owned();
    let created_by = creator(&state, &headers);
    let org = state.install.organisation_id.clone();
    let (task_id, id, version_id) = state.store.write(|db| {
        let taken = db
            .list(CATALOGUE)?
            .iter()
            .any(|i| text(i, "Status") != "DELETED" && text(i, "Name").eq_ignore_ascii_case(&name));
        if taken {
            return Err(ApiError::bad_request(format!(
                "Name: a catalogue item named {name} already exists"
            )));
        }
        let id = uuid();
        let (task_id, version_id) = new_version(
            db,
            &state,
            "workloads.CreateCatalogueItem",
            &id,
            &body,
            &created_by,
            outcome,
            (json!({}), json!({"Status": "FAILED"})),
        )?;
        let now = now_iso();
        db.put(
            CATALOGUE,
            &id,
            &json!({
                "Id": id,
                "Name": name,
                "Description": body["Description"],
                "OrganisationId": org,
                "Status": "VALIDATING",
                "Public": false,
                "Protection": false,
                "CatalogueVersionId": null,
                "Tags": body.get("Tags").cloned().unwrap_or(json!({})),
                "CreatedBy": created_by,
                "CreatedTS": now,
                "ModifiedTS": now,
                "UserTaskId": task_id,
            }),
        )?;
        Ok::<_, ApiError>((task_id, id, version_id))
    })?;
    let mut answer = catalogue_event(
        "workloads:CreateCatalogueItem",
        &format!("Adding {name} to the workload catalogue"),
        &task_id,
        json!({
            "CatalogueId": id, "CatalogueVersionId": version_id, "Name": name,
            "Description": body["Description"], "Version": body["Version"],
            "OrganisationId": org, "Status": "VALIDATING", "UserTaskId": task_id,
        }),
    );
    answer["CatalogueId"] = json!(id);
    answer["CatalogueVersionId"] = json!(version_id);
    answer["CustomerId"] = json!(org);
    ok(answer)
}

fn load_item(db: &Db<'_>, id: &str) -> ApiResult<Value> {
    load_live(db, CATALOGUE, ("catalogue_id", id), "Catalogue item")
}

/// `PUT /20190206/workload-catalogue/{catalogue_id}`: a new version, current once valid.
pub(crate) async fn create_catalogue_version(
    State(state): AppRef,
    Path(catalogue_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult {
    state.stats.operation("workloads.CreateCatalogueVersion");
    let body = parse_body(&state, "workloads.CreateCatalogueVersion", &body)?;
    let outcome = manifest_outcome(&body)?;
    let created_by = creator(&state, &headers);
    let (task_id, id, version_id) = state.store.write(|db| {
        let mut item = load_item(db, &catalogue_id)?;
        ensure_idle(db, &item, "Catalogue item")?;
        let id = text(&item, "Id").to_owned();
        let label = text(&body, "Version");
        let clash = db.list(VERSION)?.iter().any(|v| {
            text(v, "CatalogueId") == id
                && text(v, "Status") != "DELETED"
                && text(v, "WorkloadVersion") == label
        });
        if clash {
            return Err(ApiError::bad_request(format!(
                "Version: catalogue item {id} already has a version {label}"
            )));
        }
        let mut fields = json!({"Description": body["Description"]});
        if let Some(tags) = body.get("Tags") {
            fields["Tags"] = tags.clone();
        }
        let (task_id, version_id) = new_version(
            db,
            &state,
            "workloads.CreateCatalogueVersion",
            &id,
            &body,
            &created_by,
            outcome,
            (fields, json!({})),
        )?;
        item["UserTaskId"] = json!(task_id);
        db.put(CATALOGUE, &id, &item)?;
        Ok::<_, ApiError>((task_id, id, version_id))
    })?;
    let mut answer = catalogue_event(
        "workloads:CreateCatalogueVersion",
        "Adding a catalogue version",
        &task_id,
        json!({
            "CatalogueId": id, "Description": body["Description"],
            "OrganisationId": state.install.organisation_id,
        }),
    );
    answer["CatalogueId"] = json!(id);
    answer["CatalogueVersionId"] = json!(version_id);
    answer["CustomerId"] = json!(state.install.organisation_id);
    ok(answer)
}

/// Workloads not DELETED.
fn live_workloads(db: &Db<'_>) -> StoreResult<Vec<Value>> {
    Ok(db
        .list(WORKLOAD)?
        .into_iter()
        .filter(|w| text(w, "Status") != "DELETED")
        .collect())
}

/// `DELETE /20190206/workload-catalogue/{catalogue_id}`: fails while workloads use it.
pub(crate) async fn delete_catalogue_item(
    State(state): AppRef,
    Path(catalogue_id): Path<String>,
) -> ApiResult {
    state.stats.operation("workloads.DeleteCatalogueItem");
    let (task_id, item) = state.store.write(|db| {
        let mut item = load_item(db, &catalogue_id)?;
        ensure_idle(db, &item, "Catalogue item")?;
        let id = text(&item, "Id").to_owned();
        let used = live_workloads(db)?
            .iter()
            .filter(|w| text(w, "CatalogueId") == id)
            .count();
        let outcome = if used > 0 {
            Outcome::Fail(format!("catalogue item {id} is used by {used} workload(s)"))
        } else {
            Outcome::Succeed
        };
        let effect = db
            .list(VERSION)?
            .iter()
            .filter(|v| text(v, "CatalogueId") == id)
            .fold(Effect::default(), |e, v| {
                e.merge(VERSION, text(v, "Id"), json!({"Status": "DELETED"}))
            })
            .merge(CATALOGUE, &id, json!({"Status": "DELETED"}));
        let task_id = tasks::create(
            db,
            state.task_delay,
            "workloads.DeleteCatalogueItem",
            None,
            vec![],
            outcome,
            effect,
        )?;
        item["UserTaskId"] = json!(task_id);
        db.put(CATALOGUE, &id, &item)?;
        Ok::<_, ApiError>((task_id, item))
    })?;
    let mut answer = event(
        "workloads:DeleteCatalogueItem",
        "STARTED",
        "Removing a catalogue item",
        None,
        json!({"WorkloadCatalogueItem": {
            "CatalogueId": item["Id"], "Name": item["Name"], "Description": item["Description"],
        }}),
    );
    answer["TaskId"] = json!(task_id);
    ok(answer)
}

/// `DELETE /20190206/workload-catalogue/{catalogue_id}/{version_id}`: fails while workloads
/// use the version, or when it is the item's last one.
pub(crate) async fn delete_catalogue_version(
    State(state): AppRef,
    Path((catalogue_id, version_id)): Path<(String, String)>,
) -> ApiResult {
    state.stats.operation("workloads.DeleteCatalogueVersion");
    let (task_id, mut version) = state.store.write(|db| {
        let item = load_item(db, &catalogue_id)?;
        let mut version = find_version(db, &catalogue_id, &version_id)?;
        if text(&version, "Status") == "DELETED" {
            return Err(ApiError::not_found(format!(
                "Version {version_id} of catalogue item {catalogue_id} does not exist"
            )));
        }
        ensure_idle(db, &version, "Catalogue version")?;
        let (cid, vid) = (
            text(&item, "Id").to_owned(),
            text(&version, "Id").to_owned(),
        );
        let used = live_workloads(db)?
            .iter()
            .filter(|w| text(w, "CatalogueVersionId") == vid)
            .count();
        let others: Vec<Value> = db
            .list(VERSION)?
            .into_iter()
            .filter(|v| {
                text(v, "CatalogueId") == cid
                    && text(v, "Id") != vid
                    && !matches!(text(v, "Status"), "DELETED" | "FAILED")
            })
            .collect();
        let outcome = if used > 0 {
            Outcome::Fail(format!("version {vid} is used by {used} workload(s)"))
        } else if others.is_empty() {
            Outcome::Fail(format!(
                "version {vid} is the last of catalogue item {cid}; delete the item instead"
            ))
        } else {
            Outcome::Succeed
        };
        let mut effect = Effect::default().merge(VERSION, &vid, json!({"Status": "DELETED"}));
        if text(&item, "CatalogueVersionId") == vid
            && let Some(latest) = others.last()
        {
            effect = effect.merge(CATALOGUE, &cid, json!({"CatalogueVersionId": latest["Id"]}));
        }
        let task_id = tasks::create(
            db,
            state.task_delay,
            "workloads.DeleteCatalogueVersion",
            None,
            vec![],
            outcome,
            effect,
        )?;
        version["UserTaskId"] = json!(task_id);
        db.put(VERSION, &vid, &version)?;
        Ok::<_, ApiError>((task_id, version))
    })?;
    version = present_version(&state.endpoint, version, false);
    let mut answer = event(
        "workloads:DeleteCatalogueVersion",
        "STARTED",
        "Removing a catalogue version",
        None,
        json!({"WorkloadCatalogueVersion": version}),
    );
    answer["TaskId"] = json!(task_id);
    ok(answer)
}

/// Workloads as answered: with their version's label, and Tags only when asked for.
fn present_workload(mut w: Value, labels: &HashMap<String, Value>, include_tags: bool) -> Value {
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

fn labels(db: &Db<'_>) -> StoreResult<HashMap<String, Value>> {
    Ok(db
        .list(VERSION)?
        .into_iter()
        .map(|v| (text(&v, "Id").to_owned(), v["WorkloadVersion"].clone()))
        .collect())
}

/// `GET /20190206/workloads`: many filters; deleted workloads show only when `filter` asks.
pub(crate) async fn read_workloads(State(state): AppRef, RawQuery(raw): RawQuery) -> ApiResult {
    state.stats.operation("workloads.ReadWorkloads");
    let q = parse_query(raw.as_deref());
    let include_tags = query_bool(&q, "include_tags", false)?;
    let (workloads, accounts, type_names, items, labels) = state.store.read(|db| {
        Ok((
            db.list(WORKLOAD)?,
            db.list(ACCOUNT)?,
            type_names(db)?,
            db.list(CATALOGUE)?,
            labels(db)?,
        ))
    })?;
    let account_of: HashMap<&str, &Value> = accounts.iter().map(|a| (text(a, "Id"), a)).collect();
    let item_name: HashMap<&str, &str> = items
        .iter()
        .map(|i| (text(i, "Id"), text(i, "Name")))
        .collect();
    let statuses = list_of(&q, "filter", true);
    let (ids, account_ids) = (
        list_of(&q, "id_filter", false),
        list_of(&q, "account_ids", false),
    );
    let (account_names, account_types) = (
        list_of(&q, "account_names", false),
        list_of(&q, "account_types", false),
    );
    let (catalogue_ids, catalogue_names) = (
        list_of(&q, "catalogue_ids", false),
        list_of(&q, "catalogue_names", false),
    );
    let version_ids = list_of(&q, "catalogue_version_id", false);
    let fuzzy = q.get("name_filter").map(|n| n.to_lowercase());
    let mut workloads: Vec<Value> = workloads
        .into_iter()
        .filter(|w| {
            let account = account_of.get(text(w, "AccountId"));
            let account_name = account.map_or("", |a| text(a, "Name"));
            let type_name = account
                .and_then(|a| type_names.get(text(a, "AccountTypeId")))
                .map_or("", String::as_str);
            let label = labels
                .get(text(w, "CatalogueVersionId"))
                .and_then(Value::as_str)
                .unwrap_or("");
            (match &statuses {
                Some(s) => s.iter().any(|x| x == text(w, "Status")),
                None => text(w, "Status") != "DELETED",
            }) && keeps(&ids, text(w, "Id"))
                && keeps(&account_ids, text(w, "AccountId"))
                && keeps(&account_names, account_name)
                && keeps(&account_types, type_name)
                && keeps(&catalogue_ids, text(w, "CatalogueId"))
                && keeps(
                    &catalogue_names,
                    item_name.get(text(w, "CatalogueId")).copied().unwrap_or(""),
                )
                && keeps(&version_ids, text(w, "CatalogueVersionId"))
                && q.get("catalogue_version").is_none_or(|v| v == label)
                && q.get("name").is_none_or(|n| n == text(w, "Name"))
                && fuzzy
                    .as_ref()
                    .is_none_or(|f| text(w, "Name").to_lowercase().contains(f.as_str()))
        })
        .map(|w| present_workload(w, &labels, include_tags))
        .collect();
    sort_items(&mut workloads, &q)?;
    let (workloads, paging) = page(workloads, &q)?;
    let mut body = json!({"Workloads": workloads});
    if let Some(paging) = paging {
        body["Paging"] = paging;
    }
    ok(body)
}

/// `GET /20190206/workloads/{workload_id}`.
pub(crate) async fn read_workload(
    State(state): AppRef,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult {
    state.stats.operation("workloads.ReadWorkloads");
    check_uuid("workload_id", &id)?;
    let q = parse_query(raw.as_deref());
    let include_tags = query_bool(&q, "include_tags", false)?;
    let (workload, labels) = state
        .store
        .read(|db| Ok((db.get(WORKLOAD, &id.to_ascii_lowercase())?, labels(db)?)))?;
    let workload =
        workload.ok_or_else(|| ApiError::not_found(format!("Workload {id} does not exist")))?;
    ok(json!({"Workloads": [present_workload(workload, &labels, include_tags)]}))
}

/// The version a workload should run: `wanted`, else the item's current one.
fn pick_version(db: &Db<'_>, item: &Value, wanted: Option<&str>) -> ApiResult<Value> {
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

fn workload_event(operation: &str, message: &str, task_id: &str, workload: &Value) -> Value {
    let mut answer = event(
        operation,
        "STARTED",
        message,
        None,
        json!({"Workload": {
            "TraceId": trace_id(),
            "Name": workload["Name"],
            "WorkloadId": workload["Id"],
            "TaskId": task_id,
            "AccountId": workload["AccountId"],
            "CatalogueId": workload["CatalogueId"],
            "CatalogueVersionId": workload["CatalogueVersionId"],
            "Region": workload["Region"],
            "OrganisationId": workload["OrganisationId"],
        }}),
    );
    answer["WorkloadId"] = workload["Id"].clone();
    answer["TaskId"] = json!(task_id);
    answer
}

fn account_is_active(db: &Db<'_>, account_id: &str) -> StoreResult<bool> {
    Ok(db
        .get(ACCOUNT, account_id)?
        .is_some_and(|a| text(&a, "Status") == "ACTIVE"))
}

/// `POST /20190206/workloads`: deploys a catalogue version to an account and region.
pub(crate) async fn create_workload(
    State(state): AppRef,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult {
    state.stats.operation("workloads.CreateWorkload");
    let body = parse_body(&state, "workloads.CreateWorkload", &body)?;
    let created_by = creator(&state, &headers);
    let (task_id, workload) = state.store.write(|db| {
        let cid = text(&body, "CatalogueId").to_ascii_lowercase();
        let item = db
            .get(CATALOGUE, &cid)?
            .filter(|i| !matches!(text(i, "Status"), "DELETED" | "FAILED"))
            .ok_or_else(|| {
                ApiError::bad_request(format!("CatalogueId: catalogue item {cid} does not exist"))
            })?;
        let version = pick_version(db, &item, body["CatalogueVersionId"].as_str())?;
        let account_id = text(&body, "AccountId").to_ascii_lowercase();
        if db.get(ACCOUNT, &account_id)?.is_none() {
            return Err(ApiError::bad_request(format!(
                "AccountId: account {account_id} does not exist"
            )));
        }
        let (name, region) = (text(&body, "Name"), text(&body, "Region"));
        let clash = live_workloads(db)?.iter().any(|w| {
            text(w, "AccountId") == account_id
                && text(w, "Region") == region
                && text(w, "Name").eq_ignore_ascii_case(name)
        });
        if clash {
            return Err(ApiError::bad_request(format!(
                "Name: account {account_id} already has a workload {name} in {region}"
            )));
        }
        let outcome = if account_is_active(db, &account_id)? {
            Outcome::Succeed
        } else {
            Outcome::Fail(format!("account {account_id} is not ACTIVE"))
        };
        let id = uuid();
        let task_id = tasks::create(
            db,
            state.task_delay,
            "workloads.CreateWorkload",
            Some("Workloads"),
            vec![id.clone()],
            outcome,
            Effect::default()
                .merge(WORKLOAD, &id, json!({"Status": "ACTIVE"}))
                .merge_on_fail(WORKLOAD, &id, json!({"Status": "CREATE_FAILED"})),
        )?;
        let now = now_iso();
        let workload = json!({
            "Id": id,
            "Name": name,
            "AccountId": account_id,
            "CatalogueId": cid,
            "CatalogueVersionId": version["Id"],
            "OrganisationId": state.install.organisation_id,
            "Parameters": workload_parameters(&body).unwrap_or(json!({})),
            "Protection": false,
            "Region": region,
            "Status": "INITIALIZING",
            "Tags": body.get("Tags").cloned().unwrap_or(json!({})),
            "CreatedBy": created_by,
            "CreatedTS": now,
            "ModifiedTS": now,
            "UserTaskId": task_id,
        });
        db.put(WORKLOAD, &id, &workload)?;
        Ok::<_, ApiError>((task_id, workload))
    })?;
    ok(workload_event(
        "workloads:CreateWorkload",
        &format!("Deploying workload {}", text(&workload, "Name")),
        &task_id,
        &workload,
    ))
}

fn load_workload(db: &Db<'_>, id: &str) -> ApiResult<Value> {
    let workload = load_live(db, WORKLOAD, ("workload_id", id), "Workload")?;
    ensure_idle(db, &workload, "Workload")?;
    Ok(workload)
}

/// `PUT /20190206/workloads/{workload_id}`: another version, parameters, protection or tags.
pub(crate) async fn update_workload(
    State(state): AppRef,
    Path(workload_id): Path<String>,
    body: Bytes,
) -> ApiResult {
    state.stats.operation("workloads.UpdateWorkload");
    let body = parse_body(&state, "workloads.UpdateWorkload", &body)?;
    let (task_id, workload) = state.store.write(|db| {
        let mut workload = load_workload(db, &workload_id)?;
        let id = text(&workload, "Id").to_owned();
        let mut changes = json!({"Status": "ACTIVE"});
        let cid = body
            .get("CatalogueId")
            .and_then(Value::as_str)
            .unwrap_or(text(&workload, "CatalogueId"))
            .to_ascii_lowercase();
        if body.get("CatalogueId").is_some() || body.get("CatalogueVersionId").is_some() {
            let item = db
                .get(CATALOGUE, &cid)?
                .filter(|i| text(i, "Status") != "DELETED")
                .ok_or_else(|| {
                    ApiError::bad_request(format!(
                        "CatalogueId: catalogue item {cid} does not exist"
                    ))
                })?;
            let version = pick_version(db, &item, body["CatalogueVersionId"].as_str())?;
            changes["CatalogueId"] = json!(cid);
            changes["CatalogueVersionId"] = version["Id"].clone();
        }
        if let Some(parameters) = workload_parameters(&body) {
            changes["Parameters"] = parameters;
        }
        for key in ["Protection", "Tags"] {
            if let Some(v) = body.get(key) {
                changes[key] = v.clone();
            }
        }
        let account_id = text(&workload, "AccountId").to_owned();
        let outcome = if account_is_active(db, &account_id)? {
            Outcome::Succeed
        } else {
            Outcome::Fail(format!("account {account_id} is not ACTIVE"))
        };
        let task_id = tasks::create(
            db,
            state.task_delay,
            "workloads.UpdateWorkload",
            Some("Workloads"),
            vec![id.clone()],
            outcome,
            Effect::default()
                .merge(WORKLOAD, &id, changes)
                .merge_on_fail(WORKLOAD, &id, json!({"Status": "UPDATE_FAILED"})),
        )?;
        workload["Status"] = json!("UPDATE_IN_PROGRESS");
        workload["UserTaskId"] = json!(task_id);
        db.put(WORKLOAD, &id, &workload)?;
        Ok::<_, ApiError>((task_id, workload))
    })?;
    ok(workload_event(
        "workloads:UpdateWorkload",
        "Updating workload",
        &task_id,
        &workload,
    ))
}

/// `DELETE /20190206/workloads/{workload_id}`: a protected workload fails to go.
pub(crate) async fn delete_workload(
    State(state): AppRef,
    Path(workload_id): Path<String>,
) -> ApiResult {
    state.stats.operation("workloads.DeleteWorkload");
    let (task_id, workload) = state.store.write(|db| {
        let mut workload = load_workload(db, &workload_id)?;
        let id = text(&workload, "Id").to_owned();
        let outcome = if workload["Protection"] == true {
            Outcome::Fail(format!(
                "workload {id} is protected: turn Protection off first"
            ))
        } else {
            Outcome::Succeed
        };
        let task_id = tasks::create(
            db,
            state.task_delay,
            "workloads.DeleteWorkload",
            Some("Workloads"),
            vec![id.clone()],
            outcome,
            Effect::default()
                .merge(WORKLOAD, &id, json!({"Status": "DELETED"}))
                .merge_on_fail(WORKLOAD, &id, json!({"Status": "DELETE_FAILED"})),
        )?;
        workload["Status"] = json!("DELETE_IN_PROGRESS");
        workload["UserTaskId"] = json!(task_id);
        db.put(WORKLOAD, &id, &workload)?;
        Ok::<_, ApiError>((task_id, workload))
    })?;
    let mut answer = workload_event(
        "workloads:DeleteWorkload",
        "Deleting workload",
        &task_id,
        &workload,
    );
    if let Some(map) = answer.as_object_mut() {
        map.remove("WorkloadId");
    }
    ok(answer)
}
