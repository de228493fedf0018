//! `organisations.*`: the organisation itself and its organisational units (OUs).
//!
//! OU changes are asynchronous: an OU shows `CREATE_IN_PROGRESS`, `UPDATE_IN_PROGRESS` or
//! `DELETE_IN_PROGRESS` while its task runs, then `ACTIVE` or `DELETED` (or `CREATE_FAILED`,
//! `DELETE_FAILED` when the task fails). Accounts move between OUs with `accounts.UpdateAccount`.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use serde_json::{Value, json};

use super::{AppRef, caller, check_uuid, ensure_idle, event, load_live, ok, parse_body, text};
use crate::app::AppState;
use crate::error::{ApiError, ApiResult};
use crate::resources::accounts::{ACCOUNT, present, type_names};
use crate::seed::{ORGANISATION, OU};
use crate::store::Db;
use crate::tasks::{self, Effect, Outcome};
use crate::util::{now_iso, parse_query, random_from, uuid};

/// How deep OUs may nest below the root (as in AWS Organizations).
const MAX_DEPTH: usize = 5;

fn organisation(db: &Db<'_>, state: &AppState) -> Result<Value, ApiError> {
    let mut org = db
        .get(ORGANISATION, &state.install.organisation_id)?
        .ok_or_else(|| ApiError::not_found("The organisation does not exist"))?;
    org["AttachedPolicies"] = json!(super::policies::organisation_policy_ids(db)?);
    Ok(org)
}

/// `GET /20190206/organisations`: the caller's organisation, as a list of one.
pub(crate) async fn read_organisations(State(state): AppRef) -> ApiResult {
    state.stats.operation("organisations.ReadOrganisations");
    let org = state.store.read(|db| Ok(organisation(db, &state)))??;
    ok(json!({"Organisations": [org]}))
}

/// `GET /20190206/organisations/current`.
pub(crate) async fn read_organisation(State(state): AppRef) -> ApiResult {
    state.stats.operation("organisations.ReadOrganisation");
    let org = state.store.read(|db| Ok(organisation(db, &state)))??;
    ok(json!({"Organisations": [org]}))
}

/// `GET /20190206/organisations/current/features`: workloads on, networks off.
pub(crate) async fn read_features(State(state): AppRef) -> ApiResult {
    state
        .stats
        .operation("organisations.ReadOrganizationFeatures");
    ok(json!({"NetworksEnabled": false, "WorkloadsEnabled": true}))
}

/// `GET /20190206/organisations/organisational-units`: `status` (comma-separated) narrows.
pub(crate) async fn read_ous(State(state): AppRef, RawQuery(raw): RawQuery) -> ApiResult {
    state
        .stats
        .operation("organisations.ReadOrganisationalUnits");
    let q = parse_query(raw.as_deref());
    let statuses = q.get("status").map(|v| {
        crate::util::comma_list(v)
            .into_iter()
            .map(|s| s.to_ascii_uppercase())
            .collect::<Vec<_>>()
    });
    let ous: Vec<Value> = state
        .store
        .read(|db| db.list(OU))?
        .into_iter()
        .filter(|o| {
            statuses
                .as_ref()
                .is_none_or(|s| s.iter().any(|x| x == text(o, "Status")))
        })
        .collect();
    ok(json!({"OrganisationalUnits": ous}))
}

fn find_ou(db: &Db<'_>, id: &str) -> Result<Value, ApiError> {
    check_uuid("organisational_unit_id", id)?;
    db.get(OU, &id.to_ascii_lowercase())?
        .ok_or_else(|| ApiError::not_found(format!("Organisational unit {id} does not exist")))
}

/// `GET /20190206/organisations/organisational-units/{organisational_unit_id}`.
pub(crate) async fn read_ou(State(state): AppRef, Path(id): Path<String>) -> ApiResult {
    state
        .stats
        .operation("organisations.ReadOrganisationalUnit");
    let ou = state.store.read(|db| Ok(find_ou(db, &id)))??;
    ok(json!({"OrganisationalUnits": [ou]}))
}

/// `GET /20190206/organisations/organisational-units/{organisational_unit_id}/accounts`.
pub(crate) async fn read_ou_accounts(State(state): AppRef, Path(id): Path<String>) -> ApiResult {
    state
        .stats
        .operation("organisations.ReadOrganisationalUnitAccounts");
    let (ou, accounts, names) = state
        .store
        .read(|db| Ok((find_ou(db, &id), db.list(ACCOUNT)?, type_names(db)?)))?;
    let ou_id = text(&ou?, "Id").to_owned();
    let accounts: Vec<Value> = accounts
        .into_iter()
        .filter(|a| text(a, "OrganisationalUnitId") == ou_id)
        .map(|mut a| {
            present(&mut a, &names, true);
            a
        })
        .collect();
    ok(json!({"Accounts": accounts}))
}

fn load_ou(db: &Db<'_>, id: &str) -> Result<Value, ApiError> {
    load_live(
        db,
        OU,
        ("organisational_unit_id", id),
        "Organisational unit",
    )
}

/// How many levels below the root an OU sits (the root is 0).
fn depth(db: &Db<'_>, ou: &Value) -> Result<usize, ApiError> {
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

fn sibling_named(
    db: &Db<'_>,
    parent: &str,
    name: &str,
    except: Option<&str>,
) -> Result<bool, ApiError> {
    Ok(db.list(OU)?.iter().any(|o| {
        text(o, "ParentOrganisationalUnitId") == parent
            && text(o, "Status") != "DELETED"
            && text(o, "Name").eq_ignore_ascii_case(name)
            && Some(text(o, "Id")) != except
    }))
}

fn ou_event(operation: &str, message: &str, task_id: &str, ou_id: &str) -> Value {
    event(
        operation,
        "STARTED",
        message,
        Some(task_id),
        json!({"OrganisationalUnit": {"OrganisationalUnitId": ou_id}}),
    )
}

/// `POST /20190206/organisations/organisational-units`: a null parent means the root. Nesting
/// deeper than five levels fails in the task (`CREATE_FAILED`).
pub(crate) async fn create_ou(State(state): AppRef, headers: HeaderMap, body: Bytes) -> ApiResult {
    state
        .stats
        .operation("organisations.CreateOrganisationalUnit");
    let body = parse_body(&state, "organisations.CreateOrganisationalUnit", &body)?;
    let name = text(&body, "Name").to_owned();
    let created_by = caller(&state, &headers);
    let (task_id, id) = state.store.write(|db| {
        let parent = match body["ParentOrganisationalUnitId"].as_str() {
            Some(pid) => db
                .get(OU, &pid.to_ascii_lowercase())?
                .filter(|p| text(p, "Status") != "DELETED")
                .ok_or_else(|| {
                    ApiError::bad_request(format!(
                        "ParentOrganisationalUnitId {pid} does not exist"
                    ))
                })?,
            None => db
                .list(OU)?
                .into_iter()
                .find(|o| text(o, "OrganisationalUnitType") == "ROOT")
                .ok_or_else(|| ApiError::bad_request("The organisation has no root unit"))?,
        };
        let parent_id = text(&parent, "Id").to_owned();
        if sibling_named(db, &parent_id, &name, None)? {
            return Err(ApiError::bad_request(format!(
                "Name: an organisational unit named {name} already exists under {parent_id}"
            )));
        }
        let level = depth(db, &parent)? + 1;
        let outcome = if level > MAX_DEPTH {
            Outcome::Fail(format!(
                "organisational units nest at most {MAX_DEPTH} levels below the root"
            ))
        } else {
            Outcome::Succeed
        };
        let id = uuid();
        let task_id = tasks::create(
            db,
            state.task_delay,
            "organisations.CreateOrganisationalUnit",
            None,
            vec![],
            outcome,
            Effect::default()
                .merge(OU, &id, json!({"Status": "ACTIVE"}))
                .merge_on_fail(OU, &id, json!({"Status": "CREATE_FAILED"})),
        )?;
        let now = now_iso();
        let mut ou = json!({
            "Id": id,
            "Name": name,
            "OrganisationId": state.install.organisation_id,
            "Status": "CREATE_IN_PROGRESS",
            "OrganisationalUnitType": "CHILD",
            "ParentOrganisationalUnitId": parent_id,
            "AwsId": format!("ou-{}", random_from(b"abcdefghijklmnopqrstuvwxyz0123456789", 8)),
            "CreatedTS": now,
            "CreatedBy": created_by,
            "ModifiedTS": now,
            "UserTaskId": task_id,
        });
        if let Some(tags) = body.get("Tags").filter(|t| !t.is_null()) {
            ou["Tags"] = tags.clone();
        }
        db.put(OU, &id, &ou)?;
        Ok::<_, ApiError>((task_id, id))
    })?;
    ok(ou_event(
        "organisations:CreateOrganisationalUnit",
        &format!("Creating organisational unit {name}"),
        &task_id,
        &id,
    ))
}

/// `PUT /20190206/organisations/organisational-units/{organisational_unit_id}`: renames or
/// retags; the root cannot change.
pub(crate) async fn update_ou(
    State(state): AppRef,
    Path(ou_id): Path<String>,
    body: Bytes,
) -> ApiResult {
    state
        .stats
        .operation("organisations.UpdateOrganisationalUnit");
    let body = parse_body(&state, "organisations.UpdateOrganisationalUnit", &body)?;
    let (task_id, id) = state.store.write(|db| {
        let mut ou = load_ou(db, &ou_id)?;
        ensure_idle(db, &ou, "Organisational unit")?;
        let id = text(&ou, "Id").to_owned();
        if text(&ou, "OrganisationalUnitType") == "ROOT" {
            return Err(ApiError::bad_request(format!(
                "Organisational unit {id} is the root and cannot be changed"
            )));
        }
        let mut changes = json!({"Status": "ACTIVE"});
        if let Some(name) = body.get("Name").and_then(Value::as_str) {
            if sibling_named(db, text(&ou, "ParentOrganisationalUnitId"), name, Some(&id))? {
                return Err(ApiError::bad_request(format!(
                    "Name: a sibling organisational unit is already named {name}"
                )));
            }
            changes["Name"] = json!(name);
        }
        if let Some(tags) = body.get("Tags") {
            changes["Tags"] = tags.clone();
        }
        let previous = ou["Status"].clone();
        let task_id = tasks::create(
            db,
            state.task_delay,
            "organisations.UpdateOrganisationalUnit",
            None,
            vec![],
            Outcome::Succeed,
            Effect::default().merge(OU, &id, changes).merge_on_fail(
                OU,
                &id,
                json!({"Status": previous}),
            ),
        )?;
        ou["Status"] = json!("UPDATE_IN_PROGRESS");
        ou["UserTaskId"] = json!(task_id);
        db.put(OU, &id, &ou)?;
        Ok::<_, ApiError>((task_id, id))
    })?;
    ok(ou_event(
        "organisations:UpdateOrganisationalUnit",
        "Updating organisational unit",
        &task_id,
        &id,
    ))
}

/// `DELETE /20190206/organisations/organisational-units/{organisational_unit_id}`: an OU that
/// still holds open accounts or live child units fails in its task (`DELETE_FAILED`).
pub(crate) async fn delete_ou(State(state): AppRef, Path(ou_id): Path<String>) -> ApiResult {
    state
        .stats
        .operation("organisations.DeleteOrganisationalUnit");
    let (task_id, id) = state.store.write(|db| {
        let mut ou = load_ou(db, &ou_id)?;
        ensure_idle(db, &ou, "Organisational unit")?;
        let id = text(&ou, "Id").to_owned();
        if text(&ou, "OrganisationalUnitType") == "ROOT" {
            return Err(ApiError::bad_request(format!(
                "Organisational unit {id} is the root and cannot be deleted"
            )));
        }
        let accounts = db
            .list(ACCOUNT)?
            .iter()
            .filter(|a| text(a, "OrganisationalUnitId") == id && text(a, "Status") != "CLOSED")
            .count();
        let children = db
            .list(OU)?
            .iter()
            .filter(|o| {
                text(o, "ParentOrganisationalUnitId") == id && text(o, "Status") != "DELETED"
            })
            .count();
        let outcome = if accounts + children > 0 {
            Outcome::Fail(format!(
                "organisational unit {id} still holds {accounts} account(s) and {children} unit(s)"
            ))
        } else {
            Outcome::Succeed
        };
        let effect = super::policies::detach_all(db, "OrganisationalUnitId", &id)?
            .merge(OU, &id, json!({"Status": "DELETED"}))
            .merge_on_fail(OU, &id, json!({"Status": "DELETE_FAILED"}));
        let task_id = tasks::create(
            db,
            state.task_delay,
            "organisations.DeleteOrganisationalUnit",
            None,
            vec![],
            outcome,
            effect,
        )?;
        ou["Status"] = json!("DELETE_IN_PROGRESS");
        ou["UserTaskId"] = json!(task_id);
        db.put(OU, &id, &ou)?;
        Ok::<_, ApiError>((task_id, id))
    })?;
    ok(ou_event(
        "organisations:DeleteOrganisationalUnit",
        "Deleting organisational unit",
        &task_id,
        &id,
    ))
}
