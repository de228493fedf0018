//! `organisations.*` on the wire: the organisation and its organisational units.
//!
//! OU changes are asynchronous: an OU shows `CREATE_IN_PROGRESS`, `UPDATE_IN_PROGRESS` or
//! `DELETE_IN_PROGRESS` while its task runs, then `ACTIVE` or `DELETED` (or `CREATE_FAILED`,
//! `DELETE_FAILED` when the task fails). Accounts move between OUs with `accounts.UpdateAccount`.

use serde_json::{Value, json};

use super::model::{MAX_DEPTH, children, depth, organisation, ou_fields, sibling_named};
use crate::areas::Call;
use crate::areas::resource::{Change, Done, Resource, Verb};
use crate::areas::rules::text;
use crate::areas::wire::event;
use crate::protocol::{ApiError, ApiResult};
use crate::store::kinds::{Kind, OU};

/// `GET /20190206/organisations`: the caller's organisation, as a list of one.
pub(super) fn read_organisations(call: &Call<'_>) -> ApiResult<Value> {
    let org = call.read(organisation)?;
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

/// The rules of organisational units: a new unit goes under the unit its body names (the
/// root by default), with a name its live siblings do not have; nesting deeper than five
/// levels fails in its task (`CREATE_FAILED`); the root neither changes nor goes; a unit that
/// still holds open accounts or live units fails to go (`DELETE_FAILED`), and its policy
/// attachments end with it.
pub(crate) struct Units;

impl Resource for Units {
    const KIND: &'static Kind = OU;

    fn create(change: &mut Change<'_>) -> ApiResult<()> {
        let (db, body) = (change.db, change.body);
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
        let parent_id = text(&parent, "Id");
        let name = text(body, "Name");
        if sibling_named(db, parent_id, name, None)? {
            return Err(ApiError::bad_request(format!(
                "Name: an organisational unit named {name} already exists under {parent_id}"
            )));
        }
        if depth(db, &parent)? + 1 > MAX_DEPTH {
            change.fail(format!(
                "organisational units nest at most {MAX_DEPTH} levels below the root"
            ));
        }
        let tags = body.get("Tags").filter(|t| !t.is_null()).cloned();
        change.fields = ou_fields(name, Some(parent_id), tags);
        Ok(())
    }

    fn update(change: &mut Change<'_>) -> ApiResult<()> {
        refuse_root(change)?;
        if let Some(name) = change.body.get("Name").and_then(Value::as_str) {
            let parent = text(&change.record, "ParentOrganisationalUnitId");
            if sibling_named(change.db, parent, name, Some(&change.id))? {
                return Err(ApiError::bad_request(format!(
                    "Name: a sibling organisational unit is already named {name}"
                )));
            }
        }
        change.take(&["Name", "Tags"]);
        Ok(())
    }

    fn delete(change: &mut Change<'_>) -> ApiResult<()> {
        refuse_root(change)?;
        let units = children(change.db, &change.id)?.len();
        if units > 0 {
            change.fail(format!(
                "organisational unit {} still holds {units} unit(s)",
                change.id
            ));
        }
        change.effect = crate::areas::policies::model::detach_all(
            change.db,
            "OrganisationalUnitId",
            &change.id,
        )?;
        Ok(())
    }

    fn answer(done: &Done<'_>) -> ApiResult<Value> {
        let (operation, message) = match done.verb {
            Verb::Create => (
                "organisations:CreateOrganisationalUnit",
                format!(
                    "Creating organisational unit {}",
                    text(&done.record, "Name")
                ),
            ),
            Verb::Update => (
                "organisations:UpdateOrganisationalUnit",
                "Updating organisational unit".to_owned(),
            ),
            Verb::Delete => (
                "organisations:DeleteOrganisationalUnit",
                "Deleting organisational unit".to_owned(),
            ),
        };
        Ok(event(
            operation,
            "STARTED",
            &message,
            done.task.as_deref(),
            json!({"OrganisationalUnit": {"OrganisationalUnitId": done.id()}}),
        ))
    }
}

/// Refuses a change of the root (400).
fn refuse_root(change: &Change<'_>) -> ApiResult<()> {
    if text(&change.record, "OrganisationalUnitType") == "ROOT" {
        let doing = if change.verb == Verb::Delete {
            "deleted"
        } else {
            "changed"
        };
        return Err(ApiError::bad_request(format!(
            "Organisational unit {} is the root and cannot be {doing}",
            change.id
        )));
    }
    Ok(())
}
