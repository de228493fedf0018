//! `workloads.*` on the wire. Workloads are their kind's generic operations ([`Workloads`]);
//! so are reading the catalogue and removing an item ([`CatalogueItems`]) and removing a
//! version ([`Versions`], after checking it is the item's); adding items and versions (one
//! task for both) and reading versions and manifests are the area's own. Manifests are served
//! back at `/_emulator/workload-manifests/{version_id}` ([`manifest_text`]).

use serde_json::{Map, Value, json};

use super::model::{
    NewVersion, NewWorkload, account_is_active, find_version, item_fields, labels, live_workloads,
    manifest_outcome, manifest_url, pick_version, present_version, present_workload, version_by_id,
    version_fields, version_parameters, workload_fields,
};
use crate::areas::resource::{self, Change, Done, Resource, Verb};
use crate::areas::rules::{create, ensure_idle, load_live, taken, text};
use crate::areas::services::model::require_enabled_region;
use crate::areas::wire::{check_uuid, event, query_bool, trace_id};
use crate::areas::{Call, Context, Plan};
use crate::protocol::{ApiError, ApiResult};
use crate::store::Db;
use crate::store::kinds::{ACCOUNT, ACCOUNT_TYPE, CATALOGUE, Kind, Stamp, VERSION, WORKLOAD};
use crate::store::query::{Filter, Query};
use crate::store::tasks::{Effect, Outcome};
use crate::util::{comma_list, now_iso, uuid};

/// `CreatedBy` must be a UUID here: the calling token, else the organisation.
fn creator(call: &Call<'_>) -> String {
    call.caller_key().unwrap_or_else(|| call.org().to_owned())
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
    let at = now_iso();
    let fields = version_fields(NewVersion {
        description: body["Description"].clone(),
        version: body["Version"].clone(),
        manifest_url: body.get("ManifestURL").cloned().unwrap_or(Value::Null),
        manifest_body: body.get("ManifestBody").cloned().unwrap_or(Value::Null),
        parameters: version_parameters(body.get("Parameters")),
    });
    let (task_id, _) = create(call, db, plan, |task| {
        let stamp = Stamp {
            at: &at,
            by: Some(created_by),
            status: Some("VALIDATING"),
            task: Some(task),
            parent: Some(catalogue_id),
        };
        VERSION.insert(db, &id, fields, &stamp)
    })?;
    Ok((task_id, id))
}

/// The rules of catalogue items: a list shows the items with their versions (and their
/// parameters) and without their tags unless asked; an item still used by a workload fails
/// to go, and its versions go with it.
pub(crate) struct CatalogueItems;

impl Resource for CatalogueItems {
    const KIND: &'static Kind = CATALOGUE;

    fn filters(call: &Call<'_>, _db: &Db<'_>, query: &mut Query<'_>) -> ApiResult<()> {
        if let Some(name) = call.query.get("name") {
            query.filters.push(Filter::eq("Name", name));
        }
        Ok(())
    }

    fn present(call: &Call<'_>, db: &Db<'_>, records: &mut [Value]) -> ApiResult<()> {
        let q = &call.query;
        let include_versions = query_bool(q, "include_versions", true)?;
        let include_parameters = query_bool(q, "include_parameters", true)?;
        let include_tags = query_bool(q, "include_tags", false)?;
        for item in records {
            if include_versions {
                let query = Query::of(VERSION.name)
                    .filter(Filter::eq("CatalogueId", text(item, "Id")))
                    .filter(Filter::not_in("Status", VERSION.ended));
                item["Versions"] = Value::Array(
                    db.select(&query)?
                        .items
                        .into_iter()
                        .map(|v| present_version(&call.ctx.endpoint, v, include_parameters))
                        .collect(),
                );
            }
            if !include_tags && let Some(map) = item.as_object_mut() {
                map.remove("Tags");
            }
        }
        Ok(())
    }

    fn delete(change: &mut Change<'_>) -> ApiResult<()> {
        let versions = change
            .db
            .select(&Query::of(VERSION.name).filter(Filter::eq("CatalogueId", &change.id)))?;
        change.effect = versions.items.iter().fold(Effect::default(), |e, v| {
            e.merge(VERSION, text(v, "Id"), json!({"Status": "DELETED"}))
        });
        Ok(())
    }

    fn answer(done: &Done<'_>) -> ApiResult<Value> {
        let item = &done.record;
        let mut answer = event(
            "workloads:DeleteCatalogueItem",
            "STARTED",
            "Removing a catalogue item",
            None,
            json!({"WorkloadCatalogueItem": {
                "CatalogueId": item["Id"], "Name": item["Name"], "Description": item["Description"],
            }}),
        );
        answer["TaskId"] = json!(done.task);
        Ok(answer)
    }

    fn listed(call: &Call<'_>, records: Vec<Value>, paging: Option<Value>) -> Value {
        let mut catalogue = json!({
            "OrganisationId": call.org(),
            "WorkloadCatalogueItems": records,
        });
        if let Some(paging) = paging {
            catalogue["Paging"] = paging;
        }
        json!({"WorkloadCatalogues": [catalogue]})
    }

    fn one(call: &Call<'_>, record: Value) -> Value {
        Self::listed(call, vec![record], None)
    }
}

/// `GET /20190206/workload-catalogue/{catalogue_id}/{version_id}`.
pub(super) fn read_catalogue_version(call: &Call<'_>) -> ApiResult<Value> {
    let include_parameters = query_bool(&call.query, "include_parameters", true)?;
    let version =
        call.read(|db| find_version(db, call.param("catalogue_id"), call.param("version_id")))?;
    Ok(json!({"Versions": [present_version(&call.ctx.endpoint, version, include_parameters)]}))
}

/// `GET /20190206/workload-catalogue/manifest/{version_id}`: where the manifest can be read.
pub(super) fn read_manifest(call: &Call<'_>) -> ApiResult<Value> {
    let version = call.read(|db| version_by_id(db, call.param("version_id")))?;
    Ok(json!({"url": manifest_url(&call.ctx.endpoint, &version)}))
}

/// `GET /20190206/workload-catalogue/template/{version_id}/{name}`: where a template is.
pub(super) fn read_template(call: &Call<'_>) -> ApiResult<Value> {
    let version = call.read(|db| version_by_id(db, call.param("version_id")))?;
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
    let (_, version) =
        found.ok_or_else(|| ApiError::not_found(format!("Version {version_id} does not exist")))?;
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
        if taken(db, CATALOGUE, ("Name", &name), None)? {
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
        let fields = item_fields(
            &name,
            body["Description"].clone(),
            Value::Null,
            body.get("Tags").cloned().unwrap_or(json!({})),
        );
        let stamp = Stamp {
            at: &now_iso(),
            by: Some(&created_by),
            status: Some("VALIDATING"),
            task: Some(&task_id),
            parent: None,
        };
        CATALOGUE.insert(db, &id, fields, &stamp)?;
        Ok((task_id, id, version_id))
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
    load_live(db, CATALOGUE, ("catalogue_id", id))
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
        let clash = live_versions(db, &id)?
            .iter()
            .any(|v| text(v, "WorkloadVersion") == label);
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
        Ok((task_id, id, version_id))
    })?;
    let org = call.org();
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

/// The versions of an item that are not deleted.
fn live_versions(db: &Db<'_>, catalogue_id: &str) -> ApiResult<Vec<Value>> {
    let query = Query::of(VERSION.name)
        .filter(Filter::eq("CatalogueId", catalogue_id))
        .filter(Filter::not_in("Status", VERSION.ended));
    Ok(db.select(&query)?.items)
}

/// The rules of catalogue versions: a version still used by a workload fails to go, and so
/// does an item's last usable one; when the current version goes, the latest other one
/// becomes current.
pub(crate) struct Versions;

impl Resource for Versions {
    const KIND: &'static Kind = VERSION;

    fn delete(change: &mut Change<'_>) -> ApiResult<()> {
        let item = change.parent.clone().unwrap_or_default();
        let (cid, vid) = (text(&item, "Id").to_owned(), change.id.clone());
        let others: Vec<Value> = live_versions(change.db, &cid)?
            .into_iter()
            .filter(|v| text(v, "Id") != vid && text(v, "Status") != "FAILED")
            .collect();
        if others.is_empty() {
            change.fail(format!(
                "version {vid} is the last of catalogue item {cid}; delete the item instead"
            ));
        }
        if text(&item, "CatalogueVersionId") == vid
            && let Some(latest) = others.last()
        {
            change.effect = std::mem::take(&mut change.effect).merge(
                CATALOGUE,
                &cid,
                json!({"CatalogueVersionId": latest["Id"]}),
            );
        }
        Ok(())
    }

    fn answer(done: &Done<'_>) -> ApiResult<Value> {
        let version = present_version(&done.call.ctx.endpoint, done.record.clone(), false);
        let mut answer = event(
            "workloads:DeleteCatalogueVersion",
            "STARTED",
            "Removing a catalogue version",
            None,
            json!({"WorkloadCatalogueVersion": version}),
        );
        answer["TaskId"] = json!(done.task);
        Ok(answer)
    }
}

/// `DELETE /20190206/workload-catalogue/{catalogue_id}/{version_id}`: the version of a live
/// item goes the way of its kind's deletion.
pub(super) fn delete_catalogue_version(call: &Call<'_>) -> ApiResult<Value> {
    let (catalogue_id, version_id) = (call.param("catalogue_id"), call.param("version_id"));
    call.write(|db| {
        load_item(db, catalogue_id)?;
        let version = find_version(db, catalogue_id, version_id)?;
        if VERSION.is_gone(&version) {
            return Err(ApiError::not_found(format!(
                "Version {version_id} of catalogue item {catalogue_id} does not exist"
            )));
        }
        let body = json!({});
        let done = resource::change_record::<Versions>(call, db, Verb::Delete, version, &body)?;
        Versions::answer(&done)
    })
}

/// The rules of workloads: a catalogue version deployed to an account and region, under a
/// name unique there; deploying to, or changing a workload on, an account that is not
/// `ACTIVE` fails in its task; a protected workload fails to go. Lists filter by the names
/// of their accounts, account types and catalogue items as well as by ids.
pub(crate) struct Workloads;

/// The ids of the records of `kind` whose `field` is one of `names` (any ASCII case).
fn ids_named(db: &Db<'_>, kind: &Kind, field: &str, names: Vec<String>) -> ApiResult<Vec<String>> {
    let query = Query::of(kind.name).filter(Filter::is_in_nocase(field, names));
    Ok(db
        .select(&query)?
        .items
        .iter()
        .map(|r| kind.id_of(r).to_owned())
        .collect())
}

impl Resource for Workloads {
    const KIND: &'static Kind = WORKLOAD;

    fn filters(call: &Call<'_>, db: &Db<'_>, query: &mut Query<'_>) -> ApiResult<()> {
        let q = &call.query;
        let list = |name: &str| q.get(name).map(|v| comma_list(v));
        let mut kept: Vec<(&str, Vec<String>)> = Vec::new();
        if let Some(ids) = list("account_ids") {
            kept.push(("AccountId", ids));
        }
        if let Some(names) = list("account_names") {
            kept.push(("AccountId", ids_named(db, ACCOUNT, "Name", names)?));
        }
        if let Some(names) = list("account_types") {
            let types = ids_named(db, ACCOUNT_TYPE, "Name", names)?;
            kept.push(("AccountId", ids_named(db, ACCOUNT, "AccountTypeId", types)?));
        }
        if let Some(ids) = list("catalogue_ids") {
            kept.push(("CatalogueId", ids));
        }
        if let Some(names) = list("catalogue_names") {
            kept.push(("CatalogueId", ids_named(db, CATALOGUE, "Name", names)?));
        }
        if let Some(ids) = list("catalogue_version_id") {
            kept.push(("CatalogueVersionId", ids));
        }
        if let Some(label) = q.get("catalogue_version") {
            let labelled = Query::of(VERSION.name).filter(Filter::eq("WorkloadVersion", label));
            let ids = db.select(&labelled)?.items;
            let ids = ids.iter().map(|v| text(v, "Id").to_owned()).collect();
            kept.push(("CatalogueVersionId", ids));
        }
        query.filters.extend(
            kept.into_iter()
                .map(|(field, values)| Filter::is_in_nocase(field, values)),
        );
        if let Some(name) = q.get("name") {
            query.filters.push(Filter::eq("Name", name));
        }
        if let Some(text) = q.get("name_filter") {
            query.filters.push(Filter::Contains {
                field: "Name".into(),
                text: text.clone(),
            });
        }
        Ok(())
    }

    fn present(call: &Call<'_>, db: &Db<'_>, records: &mut [Value]) -> ApiResult<()> {
        let include_tags = query_bool(&call.query, "include_tags", false)?;
        let labels = labels(db, records)?;
        for workload in records {
            present_workload(workload, &labels, include_tags);
        }
        Ok(())
    }

    fn create(change: &mut Change<'_>) -> ApiResult<()> {
        let (db, body) = (change.db, change.body);
        let cid = text(body, "CatalogueId").to_ascii_lowercase();
        let item = db
            .get(CATALOGUE, &cid)?
            .filter(|i| !matches!(text(i, "Status"), "DELETED" | "FAILED"))
            .ok_or_else(|| {
                ApiError::bad_request(format!("CatalogueId: catalogue item {cid} does not exist"))
            })?;
        let version = pick_version(db, &item, body["CatalogueVersionId"].as_str())?;
        let account_id = text(body, "AccountId").to_ascii_lowercase();
        if db.get(ACCOUNT, &account_id)?.is_none() {
            return Err(ApiError::bad_request(format!(
                "AccountId: account {account_id} does not exist"
            )));
        }
        let (name, region) = (text(body, "Name"), text(body, "Region"));
        let clash = live_workloads(db, Some(("AccountId", &account_id)))?
            .iter()
            .any(|w| text(w, "Region") == region && text(w, "Name").eq_ignore_ascii_case(name));
        if clash {
            return Err(ApiError::bad_request(format!(
                "Name: account {account_id} already has a workload {name} in {region}"
            )));
        }
        require_enabled_region(db, "Region", region)?;
        if !account_is_active(db, &account_id)? {
            change.fail(format!("account {account_id} is not ACTIVE"));
        }
        change.fields = workload_fields(NewWorkload {
            name,
            account_id: &account_id,
            catalogue_id: &cid,
            version_id: version["Id"].clone(),
            parameters: workload_parameters(body).unwrap_or(json!({})),
            protection: false,
            region,
            tags: body.get("Tags").cloned().unwrap_or(json!({})),
        });
        Ok(())
    }

    fn update(change: &mut Change<'_>) -> ApiResult<()> {
        let (db, body) = (change.db, change.body);
        let cid = body
            .get("CatalogueId")
            .and_then(Value::as_str)
            .unwrap_or(text(&change.record, "CatalogueId"))
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
            change.fields.insert("CatalogueId".into(), json!(cid));
            change
                .fields
                .insert("CatalogueVersionId".into(), version["Id"].clone());
        }
        if let Some(parameters) = workload_parameters(body) {
            change.fields.insert("Parameters".into(), parameters);
        }
        change.take(&["Protection", "Tags"]);
        let account_id = text(&change.record, "AccountId").to_owned();
        if !account_is_active(db, &account_id)? {
            change.fail(format!("account {account_id} is not ACTIVE"));
        }
        Ok(())
    }

    fn delete(change: &mut Change<'_>) -> ApiResult<()> {
        if change.record["Protection"] == true {
            change.fail(format!(
                "workload {} is protected: turn Protection off first",
                change.id
            ));
        }
        Ok(())
    }

    fn answer(done: &Done<'_>) -> ApiResult<Value> {
        let workload = &done.record;
        let task_id = done.task.as_deref().unwrap_or_default();
        let (operation, message) = match done.verb {
            Verb::Create => (
                "workloads:CreateWorkload",
                format!("Deploying workload {}", text(workload, "Name")),
            ),
            Verb::Update => ("workloads:UpdateWorkload", "Updating workload".to_owned()),
            Verb::Delete => ("workloads:DeleteWorkload", "Deleting workload".to_owned()),
        };
        let mut answer = event(
            operation,
            "STARTED",
            &message,
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
        if done.verb != Verb::Delete {
            answer["WorkloadId"] = workload["Id"].clone();
        }
        answer["TaskId"] = json!(task_id);
        Ok(answer)
    }
}
