//! `organisations.*` on the wire: the organisation and its organisational units.
//!
//! OU changes are asynchronous: an OU shows `CREATE_IN_PROGRESS`, `UPDATE_IN_PROGRESS` or
//! `DELETE_IN_PROGRESS` while its task runs, then `ACTIVE` or `DELETED` (or `CREATE_FAILED`,
//! `DELETE_FAILED` when the task fails). Accounts move between OUs with `accounts.UpdateAccount`.

use serde_json::{Value, json};

use super::model::{
    MAX_DEPTH, NewOu, depth, find_ou, insert_ou, load_ou, organisation, sibling_named,
};
use crate::areas::accounts::model::{present, type_names};
use crate::areas::rules::{change, create, text};
use crate::areas::wire::{event, upper_list};
use crate::areas::{Call, Plan};
use crate::protocol::{ApiError, ApiResult};
use crate::store::kinds::{ACCOUNT, OU};
use crate::store::tasks::{Effect, Outcome};
use crate::util::{now_iso, uuid};

/// `GET /20190206/organisations`: the caller's organisation, as a list of one.
pub(super) fn read_organisations(call: &Call<'_>) -> ApiResult<Value> {
    let org = call.read(|db| Ok(organisation(db, &call.ctx.install)))??;
    Ok(json!({"Organisations": [org]}))
}

/// `GET /20190206/organisations/current`.
pub(super) fn read_organisation(call: &Call<'_>) -> ApiResult<Value> {
    read_organisations(call)
}

/// `GET /20190206/organisations/current/features`: workloads on, networks off.
pub(super) fn read_features(_call: &Call<'_>) -> ApiResult<Value> {
    Ok(json!({"NetworksEnabled": false, "WorkloadsEnabled": true}))
}

/// `GET /20190206/organisations/organisational-units`: `status` (comma-separated) narrows.
pub(super) fn read_ous(call: &Call<'_>) -> ApiResult<Value> {
    let statuses = upper_list(&call.query, "status");
    let ous: Vec<Value> = call.read(|db| Ok(db.list(OU)?))?
        .into_iter()
        .filter(|o| {
            statuses
                .as_ref()
                .is_none_or(|s| s.iter().any(|x| x == text(o, "Status")))
        })
        .collect();
    Ok(json!({"OrganisationalUnits": ous}))
}

/// `GET /20190206/organisations/organisational-units/{organisational_unit_id}`.
pub(super) fn read_ou(call: &Call<'_>) -> ApiResult<Value> {
    let id = call.param("organisational_unit_id");
    let ou = call.read(|db| Ok(find_ou(db, id)))??;
    Ok(json!({"OrganisationalUnits": [ou]}))
}

/// `GET /20190206/organisations/organisational-units/{organisational_unit_id}/accounts`.
pub(super) fn read_ou_accounts(call: &Call<'_>) -> ApiResult<Value> {
    let id = call.param("organisational_unit_id");
    let (ou, accounts, names) = call.read(|db| Ok((find_ou(db, id), db.list(ACCOUNT)?, type_names(db)?)))?;
    let ou_id = text(&ou?, "Id").to_owned();
    let accounts: Vec<Value> = accounts
        .into_iter()
        .filter(|a| text(a, "OrganisationalUnitId") == ou_id)
        .map(|mut a| {
            present(&mut a, &names, true);
            a
        })
        .collect();
    Ok(json!({"Accounts": accounts}))
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
pub(super) fn create_ou(call: &Call<'_>) -> ApiResult<Value> {
    let body = call.json_body()?;
    let name = text(&body, "Name").to_owned();
    let created_by = call.caller_key();
    let org = &call.org();
    let (task_id, id) = call.write(|db| {
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
        let plan = Plan::new(
            Effect::default()
                .merge(OU, &id, json!({"Status": "ACTIVE"}))
                .merge_on_fail(OU, &id, json!({"Status": "CREATE_FAILED"})),
        )
        .outcome(outcome);
        let now = now_iso();
        let (task_id, _) = create(call, db, plan, |task| {
            insert_ou(
                db,
                &NewOu {
                    id: &id,
                    name: &name,
                    organisation_id: org,
                    status: "CREATE_IN_PROGRESS",
                    parent: Some(&parent_id),
                    created_by: created_by.as_deref(),
                    created: &now,
                    tags: body.get("Tags").filter(|t| !t.is_null()).cloned(),
                    task: Some(task),
                },
            )
        })?;
        Ok::<_, ApiError>((task_id, id))
    })?;
    Ok(ou_event(
        "organisations:CreateOrganisationalUnit",
        &format!("Creating organisational unit {name}"),
        &task_id,
        &id,
    ))
}

/// `PUT /20190206/organisations/organisational-units/{organisational_unit_id}`: renames or
/// retags; the root cannot change.
pub(super) fn update_ou(call: &Call<'_>) -> ApiResult<Value> {
    let body = call.json_body()?;
    let (task_id, ou) = call.write(|db| {
        let ou = load_ou(db, call.param("organisational_unit_id"))?;
        change(call, db, OU, (ou, "Organisational unit"), |ou| {
            let id = text(ou, "Id");
            if text(ou, "OrganisationalUnitType") == "ROOT" {
                return Err(ApiError::bad_request(format!(
                    "Organisational unit {id} is the root and cannot be changed"
                )));
            }
            let mut changes = json!({"Status": "ACTIVE"});
            if let Some(name) = body.get("Name").and_then(Value::as_str) {
                if sibling_named(db, text(ou, "ParentOrganisationalUnitId"), name, Some(id))? {
                    return Err(ApiError::bad_request(format!(
                        "Name: a sibling organisational unit is already named {name}"
                    )));
                }
                changes["Name"] = json!(name);
            }
            if let Some(tags) = body.get("Tags") {
                changes["Tags"] = tags.clone();
            }
            Ok(Plan::new(
                Effect::default().merge(OU, id, changes).merge_on_fail(
                    OU,
                    id,
                    json!({"Status": ou["Status"]}),
                ),
            )
            .interim("Status", json!("UPDATE_IN_PROGRESS")))
        })
    })?;
    Ok(ou_event(
        "organisations:UpdateOrganisationalUnit",
        "Updating organisational unit",
        &task_id,
        text(&ou, "Id"),
    ))
}

/// `DELETE /20190206/organisations/organisational-units/{organisational_unit_id}`: an OU that
/// still holds open accounts or live child units fails in its task (`DELETE_FAILED`).
pub(super) fn delete_ou(call: &Call<'_>) -> ApiResult<Value> {
    let (task_id, ou) = call.write(|db| {
        let ou = load_ou(db, call.param("organisational_unit_id"))?;
        change(call, db, OU, (ou, "Organisational unit"), |ou| {
            let id = text(ou, "Id");
            if text(ou, "OrganisationalUnitType") == "ROOT" {
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
            let effect =
                crate::areas::policies::model::detach_all(db, "OrganisationalUnitId", id)?
                    .merge(OU, id, json!({"Status": "DELETED"}))
                    .merge_on_fail(OU, id, json!({"Status": "DELETE_FAILED"}));
            Ok(Plan::new(effect)
                .outcome(outcome)
                .interim("Status", json!("DELETE_IN_PROGRESS")))
        })
    })?;
    Ok(ou_event(
        "organisations:DeleteOrganisationalUnit",
        "Deleting organisational unit",
        &task_id,
        text(&ou, "Id"),
    ))
}
