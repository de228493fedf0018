//! `teams.*` for people on the wire: users and groups. Reads, invitations, changes and a
//! user's deletion are the kinds' generic operations ([`Users`], [`Groups`]) with the rules
//! below; the caller as a user, invitations and passwords, a group's deletion and its members
//! are the area's own.

use std::collections::HashMap;

use serde_json::{Value, json};

use super::model::{
    another_admin, email_free, group_fields, group_named, is_active_admin, load_local_group,
    refuse_scim, user_fields,
};
use crate::areas::permission_sets::model::refuse_while_assigned;
use crate::areas::resource::{Change, Done, Resource, Verb};
use crate::areas::rules::{change, load_live, text};
use crate::areas::wire::event;
use crate::areas::{Call, Plan};
use crate::protocol::{ApiError, ApiResult};
use crate::store::kinds::{ACCOUNT_TYPE, API_TOKEN, GROUP, Kind, USER};
use crate::store::tasks::Effect;

/// The rules of users: nobody invites or changes a user to a role above their own; emails are
/// unique without case; the organisation keeps an active `customer_admin` (a change that would
/// leave none fails in its task, a deletion is refused); a deleted user leaves every group.
pub(crate) struct Users;

impl Resource for Users {
    const KIND: &'static Kind = USER;

    fn create(change: &mut Change<'_>) -> ApiResult<()> {
        let body = change.body;
        let role = body.get("Role").cloned().unwrap_or(json!("customer_user"));
        change.call.may_grant(role.as_str().unwrap_or(""))?;
        let email = text(body, "Email");
        email_free(change.db, email, None)?;
        let names = (text(body, "FirstName"), text(body, "LastName"));
        change.fields = user_fields(names, email, role);
        Ok(())
    }

    fn update(change: &mut Change<'_>) -> ApiResult<()> {
        let body = change.body;
        if let Some(role) = body.get("Role").and_then(Value::as_str) {
            change.call.may_grant(role)?;
        }
        if let Some(email) = body.get("Email").and_then(Value::as_str) {
            email_free(change.db, email, Some(&change.id))?;
        }
        change.take(&["Email", "FirstName", "LastName", "Role", "Status"]);
        let name = format!(
            "{} {}",
            change.value("FirstName").as_str().unwrap_or(""),
            change.value("LastName").as_str().unwrap_or("")
        );
        change.fields.insert("Name".into(), json!(name));
        let mut after = change.record.clone();
        for (key, value) in &change.fields {
            after[key.as_str()] = value.clone();
        }
        if is_active_admin(&change.record)
            && !is_active_admin(&after)
            && !another_admin(change.db, &change.id)?
        {
            change.fail(format!(
                "user {} is the last active customer_admin of the organisation",
                change.id
            ));
        }
        Ok(())
    }

    fn delete(change: &mut Change<'_>) -> ApiResult<()> {
        let (db, id) = (change.db, change.id.as_str());
        if is_active_admin(&change.record) && !another_admin(db, id)? {
            return Err(ApiError::bad_request(format!(
                "User {id} is the last active customer_admin and cannot be deleted"
            )));
        }
        for mut group in db.list(GROUP)? {
            if let Some(members) = group["Users"].as_array_mut()
                && members.iter().any(|m| m == id)
            {
                members.retain(|m| m != id);
                group["ModifiedTS"] = json!(crate::util::now_iso());
                db.put(GROUP, text(&group, "Id"), &group)?;
            }
        }
        Ok(())
    }

    fn answer(done: &Done<'_>) -> ApiResult<Value> {
        let Some(task) = &done.task else {
            return Ok(json!({"Users": [done.record]}));
        };
        let (operation, message) = match done.verb {
            Verb::Create => (
                "teams:CreateUser",
                format!("Inviting {}", text(&done.record, "Email")),
            ),
            _ => ("teams:UpdateUser", "Updating user".to_owned()),
        };
        Ok(user_event(operation, &message, task, done.db.org()))
    }
}

/// `GET /20190206/users/me`: the API token that signed the request, shown as a user.
pub(super) fn fetch_current_user(call: &Call<'_>) -> ApiResult<Value> {
    let key = call
        .caller_key()
        .ok_or_else(|| ApiError::not_found("The caller is not a known API token"))?;
    let token = call
        .read(|db| Ok(db.get(API_TOKEN, &key)?))?
        .ok_or_else(|| ApiError::not_found(format!("API token {key} does not exist")))?;
    Ok(json!({"Users": [{
        "Id": key,
        "Name": token["Name"],
        "Email": format!("{key}@api-tokens.example.com"),
        "OrganisationId": call.org(),
        "Role": token["Role"],
        "Status": "ACTIVE",
        "AuthOrigin": "api-token",
        "CreatedTS": token["CreatedTS"],
        "ModifiedTS": token["ModifiedTS"],
    }]}))
}

/// A user answer: `TaskId` at the top level, `Detail` without one (as Stax answers).
fn user_event(operation: &str, message: &str, task_id: &str, org: &str) -> Value {
    let mut answer = event(operation, "STARTED", message, None, json!({}));
    answer["TaskId"] = json!(task_id);
    answer["CustomerId"] = json!(org);
    answer
}

/// A synchronous answer with a message (invitations and password resets).
fn message_event(operation: &str, message: String) -> ApiResult<Value> {
    Ok(event(operation, "SUCCEEDED", &message, None, json!({})))
}

fn live_user(call: &Call<'_>) -> ApiResult<Value> {
    call.read(|db| load_live(db, USER, ("user_id", call.param("user_id"))))
}

/// `PUT /20190206/idam/user/resend-invite/{user_id}`: only for users not signed up yet.
pub(super) fn resend_invite(call: &Call<'_>) -> ApiResult<Value> {
    let user = live_user(call)?;
    if !matches!(text(&user, "Status"), "INVITED" | "NEW") {
        return Err(ApiError::bad_request(format!(
            "User {} is {} and has no invitation to resend",
            call.param("user_id"),
            text(&user, "Status")
        )));
    }
    message_event(
        "teams:UpdateUser",
        format!("Invitation sent again to {}", text(&user, "Email")),
    )
}

/// `PUT /20190206/idam/user/reset-password/{user_id}`: only for active users.
pub(super) fn reset_password(call: &Call<'_>) -> ApiResult<Value> {
    let user = live_user(call)?;
    if text(&user, "Status") != "ACTIVE" {
        return Err(ApiError::bad_request(format!(
            "User {} is {} and cannot reset a password",
            call.param("user_id"),
            text(&user, "Status")
        )));
    }
    message_event(
        "teams:UpdateUserPassword",
        format!("Password reset sent to {}", text(&user, "Email")),
    )
}

/// The rules of groups: names unique without case (409); a group is `NEW` until the task
/// of its creation ends; SCIM's groups change only through SCIM.
pub(crate) struct Groups;

impl Resource for Groups {
    const KIND: &'static Kind = GROUP;

    fn create(change: &mut Change<'_>) -> ApiResult<()> {
        let name = text(change.body, "Name");
        group_named(change.db, name, None)?;
        change.fields = group_fields(name, Vec::new());
        Ok(())
    }

    fn update(change: &mut Change<'_>) -> ApiResult<()> {
        refuse_scim(&change.record)?;
        group_named(change.db, text(change.body, "Name"), Some(&change.id))?;
        change.take(&["Name"]);
        Ok(())
    }

    fn answer(done: &Done<'_>) -> ApiResult<Value> {
        let task = done.task.as_deref();
        Ok(match done.verb {
            Verb::Create => {
                let message = format!("Creating group {}", text(&done.record, "Name"));
                let mut answer = event("teams:CreateGroup", "STARTED", &message, task, json!({}));
                answer["GroupId"] = json!(done.id());
                answer
            }
            _ => event(
                "teams:UpdateGroup",
                "STARTED",
                "Renaming group",
                task,
                json!({}),
            ),
        })
    }
}

/// `DELETE /20190206/groups/{group_id}`: its roles on account types are revoked too; refused
/// (400) while a permission set assignment names the group.
pub(super) fn delete_group(call: &Call<'_>) -> ApiResult<Value> {
    let (task_id, _) = call.write(|db| {
        let group = load_local_group(db, call.param("group_id"))?;
        change(call, db, GROUP, (group, "Group"), |group| {
            let id = text(group, "Id");
            refuse_while_assigned(db, ("GroupId", id), "Group")?;
            // The group's roles on account types go with it.
            Ok(Plan::new(
                Effect::default()
                    .merge(GROUP, id, json!({"Status": "DELETED"}))
                    .pull(ACCOUNT_TYPE, None, "Roles", json!({"GroupId": id})),
            ))
        })
    })?;
    Ok(event(
        "teams:DeleteGroup",
        "STARTED",
        "Deleting group",
        Some(&task_id),
        json!({}),
    ))
}

/// `PUT /20190206/groups/members`: adds and removes users, applied when the task ends.
pub(super) fn update_group_members(call: &Call<'_>) -> ApiResult<Value> {
    let body = call.json_body()?;
    let task_id = call.write(|db| {
        let mut members: HashMap<String, Vec<Value>> = HashMap::new();
        let mut users = Vec::new();
        for (add, list) in [(true, "AddMembers"), (false, "RemoveMembers")] {
            for pair in body
                .get(list)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let user = load_live(db, USER, ("UserId", text(pair, "UserId")))?;
                let group = load_live(db, GROUP, ("GroupId", text(pair, "GroupId")))?;
                let user_id = user["Id"].clone();
                let current = members
                    .entry(text(&group, "Id").to_owned())
                    .or_insert_with(|| group["Users"].as_array().cloned().unwrap_or_default());
                current.retain(|m| m != &user_id);
                if add {
                    current.push(user_id.clone());
                }
                users.push(text(&user, "Id").to_owned());
            }
        }
        let effect = members
            .into_iter()
            .fold(Effect::default(), |e, (group, list)| {
                e.merge(GROUP, &group, json!({"Users": list}))
            });
        users.dedup();
        Ok::<_, ApiError>(call.start_task(db, Plan::new(effect).subjects("Users", users))?)
    })?;
    Ok(event(
        "teams:UpdateGroupMembers",
        "STARTED",
        "Updating group members",
        Some(&task_id),
        json!({}),
    ))
}
