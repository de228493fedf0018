//! `workloads.*` on the wire. Manifests are served back at
//! `/_emulator/workload-manifests/{version_id}` ([`manifest_text`]).

use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value, json};

use super::model::{
    NewItem, NewVersion, NewWorkload, account_is_active, find_version, insert_item,
    insert_version, insert_workload, labels, live_workloads, manifest_outcome, manifest_url,
    pick_version, present_version, present_workload, version_by_id, version_parameters,
};
use crate::areas::accounts::model::type_names;
use crate::areas::rules::{change, create, ensure_idle, load_live, text};
use crate::areas::wire::{check_uuid, event, page, query_bool, sort_items};
use crate::areas::{Call, Context, Plan};
use crate::protocol::{ApiError, ApiResult};
use crate::store::Db;
use crate::store::kinds::{ACCOUNT, CATALOGUE, VERSION, WORKLOAD};
use crate::store::tasks::{Effect, Outcome};
use crate::util::{comma_list, now_iso, random_from, uuid};

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
fn creator(call: &Call<'_>) -> String {
    call.caller_key()
        .unwrap_or_else(|| call.org().to_owned())
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

/// Writes a new version (VALIDATING) whose task makes it, and the item, ACTIVE; returns
/// `(task_id, version_id)`.
fn new_version(
    call: &Call<'_>,
    db: &Db<'_>,
    (catalogue_id, body, created_by): (&str, &Value, &str),
    outcome: Outcome,
    (item_fields, item_on_fail): (Value, Value),
) -> ApiResult<(String, String)> {
    let id = uuid();
    let mut on_success = item_fields;
    on_success["CatalogueVersionId"] = json!(id);
    on_success["Status"] = json!("ACTIVE");
    let plan = Plan::new(
        Effect::default()
            .merge(VERSION, &id, json!({"Status": "ACTIVE"}))
            .merge(CATALOGUE, catalogue_id, on_success)
            .merge_on_fail(VERSION, &id, json!({"Status": "FAILED"}))
            .merge_on_fail(CATALOGUE, catalogue_id, item_on_fail),
    )
    .outcome(outcome);
    let now = now_iso();
    let (task_id, _) = create(call, db, plan, |task| {
        insert_version(
            db,
            &NewVersion {
                id: &id,
                catalogue_id,
                description: body["Description"].clone(),
                version: body["Version"].clone(),
                manifest_url: body.get("ManifestURL").cloned().unwrap_or(Value::Null),
                manifest_body: body.get("ManifestBody").cloned().unwrap_or(Value::Null),
                parameters: version_parameters(body.get("Parameters")),
                status: "VALIDATING",
                created_by,
                created: &now,
                task,
            },
        )
    })?;
    Ok((task_id, id))
}

/// `GET /20190206/workload-catalogue` and `.../{catalogue_id}`.
fn read_catalogue(call: &Call<'_>, only: Option<&str>) -> ApiResult<Value> {
    let q = &call.query;
    let endpoint = &call.ctx.endpoint;
    let include_versions = query_bool(q, "include_versions", true)?;
    let include_parameters = query_bool(q, "include_parameters", true)?;
    let include_tags = query_bool(q, "include_tags", false)?;
    let statuses = list_of(q, "filter", true);
    let ids = list_of(q, "id_filter", false);
    let (items, versions) = call.read(|db| Ok((db.list(CATALOGUE)?, db.list(VERSION)?)))?;
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
                        .map(|v| present_version(endpoint, v.clone(), include_parameters))
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
        "OrganisationId": call.org(),
        "WorkloadCatalogueItems": items,
    });
    if let Some(paging) = paging {
        catalogue["Paging"] = paging;
    }
    Ok(json!({"WorkloadCatalogues": [catalogue]}))
}

/// `GET /20190206/workload-catalogue`: deleted items show only when `filter` asks for them.
pub(super) fn read_catalogue_items(call: &Call<'_>) -> ApiResult<Value> {
    read_catalogue(call, None)
}

/// `GET /20190206/workload-catalogue/{catalogue_id}`.
pub(super) fn read_catalogue_item(call: &Call<'_>) -> ApiResult<Value> {
    let id = call.param("catalogue_id");
    check_uuid("catalogue_id", id)?;
    read_catalogue(call, Some(&id.to_ascii_lowercase()))
}

/// `GET /20190206/workload-catalogue/{catalogue_id}/{version_id}`.
pub(super) fn read_catalogue_version(call: &Call<'_>) -> ApiResult<Value> {
    let include_parameters = query_bool(&call.query, "include_parameters", true)?;
    let version = call.read(|db| {
        Ok(find_version(
            db,
            call.param("catalogue_id"),
            call.param("version_id"),
        ))
    })??;
    Ok(json!({"Versions": [present_version(&call.ctx.endpoint, version, include_parameters)]}))
}

/// `GET /20190206/workload-catalogue/manifest/{version_id}`: where the manifest can be read.
pub(super) fn read_manifest(call: &Call<'_>) -> ApiResult<Value> {
    let version = call.read(|db| Ok(version_by_id(db, call.param("version_id"))))??;
    Ok(json!({"url": manifest_url(&call.ctx.endpoint, &version)}))
}

/// `GET /20190206/workload-catalogue/template/{version_id}/{name}`: where a template is.
pub(super) fn read_template(call: &Call<'_>) -> ApiResult<Value> {
    let version = call.read(|db| Ok(version_by_id(db, call.param("version_id"))))??;
    let encoded = percent_encoding::utf8_percent_encode(
        call.param("name"),
        percent_encoding::NON_ALPHANUMERIC,
    );
    Ok(json!({"url": format!(
        "{}/_emulator/workload-manifests/{}?template={encoded}",
        call.ctx.endpoint,
        text(&version, "Id")
    )}))
}

/// `GET /_emulator/workload-manifests/{version_id}`: the manifest text given at upload (the
/// route is unsigned, so the version is looked for in every organisation).
pub(crate) fn manifest_text(ctx: &Context, version_id: &str) -> ApiResult<String> {
    check_uuid("version_id", version_id)?;
    let found = ctx
        .store
        .read(|tx| tx.find_anywhere(VERSION, &version_id.to_ascii_lowercase()))?;
    let (_, version) = found
        .ok_or_else(|| ApiError::not_found(format!("Version {version_id} does not exist")))?;
    Ok(text(&version, "ManifestBody").to_owned())
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
pub(super) fn create_catalogue_item(call: &Call<'_>) -> ApiResult<Value> {
    let body = call.json_body()?;
    let outcome = manifest_outcome(&body)?;
    let name = text(&body, "Name").to_owned();
    let created_by = creator(call);
    let org = call.org().to_owned();
    let (task_id, id, version_id) = call.write(|db| {
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
            call,
            db,
            (&id, &body, &created_by),
            outcome,
            (json!({}), json!({"Status": "FAILED"})),
        )?;
        insert_item(
            db,
            &NewItem {
                id: &id,
                name: &name,
                description: body["Description"].clone(),
                organisation_id: &org,
                status: "VALIDATING",
                version_id: Value::Null,
                tags: body.get("Tags").cloned().unwrap_or(json!({})),
                created_by: &created_by,
                created: &now_iso(),
                task: &task_id,
            },
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
    Ok(answer)
}

fn load_item(db: &Db<'_>, id: &str) -> ApiResult<Value> {
    load_live(db, CATALOGUE, ("catalogue_id", id), "Catalogue item")
}

/// `PUT /20190206/workload-catalogue/{catalogue_id}`: a new version, current once valid.
pub(super) fn create_catalogue_version(call: &Call<'_>) -> ApiResult<Value> {
    let body = call.json_body()?;
    let outcome = manifest_outcome(&body)?;
    let created_by = creator(call);
    let (task_id, id, version_id) = call.write(|db| {
        let mut item = load_item(db, call.param("catalogue_id"))?;
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
            call,
            db,
            (&id, &body, &created_by),
            outcome,
            (fields, json!({})),
        )?;
        item["UserTaskId"] = json!(task_id);
        db.put(CATALOGUE, &id, &item)?;
        Ok::<_, ApiError>((task_id, id, version_id))
    })?;
    let org = &call.org();
    let mut answer = catalogue_event(
        "workloads:CreateCatalogueVersion",
        "Adding a catalogue version",
        &task_id,
        json!({
            "CatalogueId": id, "Description": body["Description"],
            "OrganisationId": org,
        }),
    );
    answer["CatalogueId"] = json!(id);
    answer["CatalogueVersionId"] = json!(version_id);
    answer["CustomerId"] = json!(org);
    Ok(answer)
}

/// `DELETE /20190206/workload-catalogue/{catalogue_id}`: fails while workloads use it.
pub(super) fn delete_catalogue_item(call: &Call<'_>) -> ApiResult<Value> {
    let (task_id, item) = call.write(|db| {
        let item = load_item(db, call.param("catalogue_id"))?;
        change(call, db, CATALOGUE, (item, "Catalogue item"), |item| {
            let id = text(item, "Id");
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
                .merge(CATALOGUE, id, json!({"Status": "DELETED"}));
            Ok(Plan::new(effect).outcome(outcome))
        })
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
    Ok(answer)
}

/// `DELETE /20190206/workload-catalogue/{catalogue_id}/{version_id}`: fails while workloads
/// use the version, or when it is the item's last one.
pub(super) fn delete_catalogue_version(call: &Call<'_>) -> ApiResult<Value> {
    let (catalogue_id, version_id) = (call.param("catalogue_id"), call.param("version_id"));
    let (task_id, version) = call.write(|db| {
        let item = load_item(db, catalogue_id)?;
        let version = find_version(db, catalogue_id, version_id)?;
        if text(&version, "Status") == "DELETED" {
            return Err(ApiError::not_found(format!(
                "Version {version_id} of catalogue item {catalogue_id} does not exist"
            )));
        }
        change(call, db, VERSION, (version, "Catalogue version"), |version| {
            let (cid, vid) = (text(&item, "Id"), text(version, "Id"));
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
            let mut effect = Effect::default().merge(VERSION, vid, json!({"Status": "DELETED"}));
            if text(&item, "CatalogueVersionId") == vid
                && let Some(latest) = others.last()
            {
                effect = effect.merge(CATALOGUE, cid, json!({"CatalogueVersionId": latest["Id"]}));
            }
            Ok(Plan::new(effect).outcome(outcome))
        })
    })?;
    let mut version = version;
    version["UserTaskId"] = json!(task_id);
    let version = present_version(&call.ctx.endpoint, version, false);
    let mut answer = event(
        "workloads:DeleteCatalogueVersion",
        "STARTED",
        "Removing a catalogue version",
        None,
        json!({"WorkloadCatalogueVersion": version}),
    );
    answer["TaskId"] = json!(task_id);
    Ok(answer)
}

/// `GET /20190206/workloads`: many filters; deleted workloads show only when `filter` asks.
pub(super) fn read_workloads(call: &Call<'_>) -> ApiResult<Value> {
    let q = &call.query;
    let include_tags = query_bool(q, "include_tags", false)?;
    let (workloads, accounts, type_names, items, labels) = call.read(|db| {
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
    let statuses = list_of(q, "filter", true);
    let (ids, account_ids) = (
        list_of(q, "id_filter", false),
        list_of(q, "account_ids", false),
    );
    let (account_names, account_types) = (
        list_of(q, "account_names", false),
        list_of(q, "account_types", false),
    );
    let (catalogue_ids, catalogue_names) = (
        list_of(q, "catalogue_ids", false),
        list_of(q, "catalogue_names", false),
    );
    let version_ids = list_of(q, "catalogue_version_id", false);
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
    sort_items(&mut workloads, q)?;
    let (workloads, paging) = page(workloads, q)?;
    let mut body = json!({"Workloads": workloads});
    if let Some(paging) = paging {
        body["Paging"] = paging;
    }
    Ok(body)
}

/// `GET /20190206/workloads/{workload_id}`.
pub(super) fn read_workload(call: &Call<'_>) -> ApiResult<Value> {
    let id = call.param("workload_id");
    check_uuid("workload_id", id)?;
    let include_tags = query_bool(&call.query, "include_tags", false)?;
    let (workload, labels) = call.read(|db| Ok((db.get(WORKLOAD, &id.to_ascii_lowercase())?, labels(db)?)))?;
    let workload =
        workload.ok_or_else(|| ApiError::not_found(format!("Workload {id} does not exist")))?;
    Ok(json!({"Workloads": [present_workload(workload, &labels, include_tags)]}))
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

/// `POST /20190206/workloads`: deploys a catalogue version to an account and region.
pub(super) fn create_workload(call: &Call<'_>) -> ApiResult<Value> {
    let body = call.json_body()?;
    let created_by = creator(call);
    let (task_id, workload) = call.write(|db| {
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
        let plan = Plan::new(
            Effect::default()
                .merge(WORKLOAD, &id, json!({"Status": "ACTIVE"}))
                .merge_on_fail(WORKLOAD, &id, json!({"Status": "CREATE_FAILED"})),
        )
        .outcome(outcome)
        .subjects("Workloads", vec![id.clone()]);
        let now = now_iso();
        create(call, db, plan, |task| {
            insert_workload(
                db,
                &NewWorkload {
                    id: &id,
                    name,
                    account_id: &account_id,
                    catalogue_id: &cid,
                    version_id: version["Id"].clone(),
                    organisation_id: &call.org(),
                    parameters: workload_parameters(&body).unwrap_or(json!({})),
                    protection: false,
                    region,
                    status: "INITIALIZING",
                    tags: body.get("Tags").cloned().unwrap_or(json!({})),
                    created_by: &created_by,
                    created: &now,
                    task,
                },
            )
        })
    })?;
    Ok(workload_event(
        "workloads:CreateWorkload",
        &format!("Deploying workload {}", text(&workload, "Name")),
        &task_id,
        &workload,
    ))
}

fn load_workload(db: &Db<'_>, id: &str) -> ApiResult<Value> {
    load_live(db, WORKLOAD, ("workload_id", id), "Workload")
}

/// `PUT /20190206/workloads/{workload_id}`: another version, parameters, protection or tags.
pub(super) fn update_workload(call: &Call<'_>) -> ApiResult<Value> {
    let body = call.json_body()?;
    let (task_id, workload) = call.write(|db| {
        let workload = load_workload(db, call.param("workload_id"))?;
        change(call, db, WORKLOAD, (workload, "Workload"), |workload| {
            let id = text(workload, "Id");
            let mut changes = json!({"Status": "ACTIVE"});
            let cid = body
                .get("CatalogueId")
                .and_then(Value::as_str)
                .unwrap_or(text(workload, "CatalogueId"))
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
            let account_id = text(workload, "AccountId");
            let outcome = if account_is_active(db, account_id)? {
                Outcome::Succeed
            } else {
                Outcome::Fail(format!("account {account_id} is not ACTIVE"))
            };
            Ok(Plan::new(
                Effect::default()
                    .merge(WORKLOAD, id, changes)
                    .merge_on_fail(WORKLOAD, id, json!({"Status": "UPDATE_FAILED"})),
            )
            .outcome(outcome)
            .subjects("Workloads", vec![id.to_owned()])
            .interim("Status", json!("UPDATE_IN_PROGRESS")))
        })
    })?;
    let workload = marked(workload, "UPDATE_IN_PROGRESS", &task_id);
    Ok(workload_event(
        "workloads:UpdateWorkload",
        "Updating workload",
        &task_id,
        &workload,
    ))
}

/// A resource as it was marked by a change: its interim status and task.
fn marked(mut resource: Value, status: &str, task_id: &str) -> Value {
    resource["Status"] = json!(status);
    resource["UserTaskId"] = json!(task_id);
    resource
}

/// `DELETE /20190206/workloads/{workload_id}`: a protected workload fails to go.
pub(super) fn delete_workload(call: &Call<'_>) -> ApiResult<Value> {
    let (task_id, workload) = call.write(|db| {
        let workload = load_workload(db, call.param("workload_id"))?;
        change(call, db, WORKLOAD, (workload, "Workload"), |workload| {
            let id = text(workload, "Id");
            let outcome = if workload["Protection"] == true {
                Outcome::Fail(format!(
                    "workload {id} is protected: turn Protection off first"
                ))
            } else {
                Outcome::Succeed
            };
            Ok(Plan::new(
                Effect::default()
                    .merge(WORKLOAD, id, json!({"Status": "DELETED"}))
                    .merge_on_fail(WORKLOAD, id, json!({"Status": "DELETE_FAILED"})),
            )
            .outcome(outcome)
            .subjects("Workloads", vec![id.to_owned()])
            .interim("Status", json!("DELETE_IN_PROGRESS")))
        })
    })?;
    let workload = marked(workload, "DELETE_IN_PROGRESS", &task_id);
    let mut answer = workload_event(
        "workloads:DeleteWorkload",
        "Deleting workload",
        &task_id,
        &workload,
    );
    if let Some(map) = answer.as_object_mut() {
        map.remove("WorkloadId");
    }
    Ok(answer)
}
