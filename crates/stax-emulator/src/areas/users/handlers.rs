//! `teams.*` for people on the wire: users and groups.

use std::collections::HashMap;

use serde_json::{Value, json};

use super::model::{
    NewGroup, NewUser, another_admin, email_taken, group_named, insert_group, insert_user,
    is_active_admin, load_local_group,
};
use crate::areas::rules::{change, create, ensure_idle, find, load_live, text};
use crate::areas::permission_sets::model::refuse_while_assigned;
use crate::areas::wire::{event, lower_list, upper_list};
use crate::areas::{Call, Plan};
use crate::protocol::{ApiError, ApiResult};
use crate::store::kinds::{ACCOUNT_TYPE, API_TOKEN, GROUP, USER};
use crate::store::tasks::{Effect, Outcome};
use crate::util::{now_iso, uuid};

/// `GET /20190206/users`: `id_filter` and `status_filter` (comma-separated) narrow; deleted
/// users only show when `status_filter` asks for them.
pub(super) fn read_users(call: &Call<'_>) -> ApiResult<Value> {
    let ids = lower_list(&call.query, "id_filter");
    let statuses = upper_list(&call.query, "status_filter");
    let users: Vec<Value> = call
        .ctx
        .store
        .read(|db| db.list(USER))?
        .into_iter()
        .filter(|u| match &statuses {
            Some(s) => s.iter().any(|x| x == text(u, "Status")),
            None => text(u, "Status") != "DELETED",
        })
        .filter(|u| {
            ids.as_ref()
                .is_none_or(|i| i.iter().any(|x| x == text(u, "Id")))
        })
        .collect();
    Ok(json!({"Users": users}))
}

/// `GET /20190206/users/{user_id}`.
pub(super) fn read_user(call: &Call<'_>) -> ApiResult<Value> {
    let id = call.param("user_id");
    let user = call
        .ctx
        .store
        .read(|db| Ok(find(db, USER, ("user_id", id), "User")))??;
    Ok(json!({"Users": [user]}))
}

/// `GET /20190206/users/me`: the API token that signed the request, shown as a user.
pub(super) fn fetch_current_user(call: &Call<'_>) -> ApiResult<Value> {
    let key = call
        .caller_key()
        .ok_or_else(|| ApiError::not_found("The caller is not a known API token"))?;
    let token = call
        .ctx
        .store
        .read(|db| db.get(API_TOKEN, &key))?
        .ok_or_else(|| ApiError::not_found(format!("API token {key} does not exist")))?;
    Ok(json!({"Users": [{
        "Id": key,
        "Name": token["Name"],
        "Email": format!("{key}@api-tokens.example.com"),
        "OrganisationId": call.ctx.install.organisation_id,
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

/// `POST /20190206/idam/user`: invites a user (role `customer_user` unless given); nobody
/// invites a user with a role above their own.
pub(super) fn create_user(call: &Call<'_>) -> ApiResult<Value> {
    let body = call.json_body()?;
    let role = body.get("Role").cloned().unwrap_or(json!("customer_user"));
    call.may_grant(role.as_str().unwrap_or(""))?;
    let email = text(&body, "Email").to_owned();
    let created_by = call.caller_key();
    let org = &call.ctx.install.organisation_id;
    let (task_id, _) = call.ctx.store.write(|db| {
        if email_taken(db, &email, None)? {
            return Err(ApiError::bad_request(format!(
                "Email: a user with {email} already exists"
            )));
        }
        let id = uuid();
        let plan = Plan::new(Effect::default().merge(USER, &id, json!({"Status": "INVITED"})))
            .subjects("Users", vec![id.clone()]);
        let now = now_iso();
        create(call, db, plan, |task| {
            insert_user(
                db,
                &NewUser {
                    id: &id,
                    first: text(&body, "FirstName"),
                    last: text(&body, "LastName"),
                    email: &email,
                    organisation_id: org,
                    role,
                    status: "NEW",
                    mfa: false,
                    created_by: Some(created_by.as_deref()),
                    created: &now,
                    task: Some(task),
                },
            )
        })
    })?;
    Ok(user_event(
        "teams:CreateUser",
        &format!("Inviting {email}"),
        &task_id,
        org,
    ))
}

/// `PUT /20190206/idam/user/{user_id}`: names, email, role or status (`ACTIVE`/`DISABLED`);
/// nobody gives a user a role above their own.
pub(super) fn update_user(call: &Call<'_>) -> ApiResult<Value> {
    let body = call.json_body()?;
    if let Some(role) = body.get("Role").and_then(Value::as_str) {
        call.may_grant(role)?;
    }
    let (task_id, _) = call.ctx.store.write(|db| {
        let user = load_live(db, USER, ("user_id", call.param("user_id")), "User")?;
        change(call, db, USER, (user, "User"), |user| {
            let id = text(user, "Id");
            if let Some(email) = body.get("Email").and_then(Value::as_str)
                && email_taken(db, email, Some(id))?
            {
                return Err(ApiError::bad_request(format!(
                    "Email: a user with {email} already exists"
                )));
            }
            let mut after = user.clone();
            for key in ["Email", "FirstName", "LastName", "Role", "Status"] {
                if let Some(v) = body.get(key) {
                    after[key] = v.clone();
                }
            }
            let mut changes = serde_json::Map::new();
            for key in ["Email", "FirstName", "LastName", "Role", "Status"] {
                if body.get(key).is_some() {
                    changes.insert(key.into(), after[key].clone());
                }
            }
            changes.insert(
                "Name".into(),
                json!(format!(
                    "{} {}",
                    text(&after, "FirstName"),
                    text(&after, "LastName")
                )),
            );
            let outcome =
                if is_active_admin(user) && !is_active_admin(&after) && !another_admin(db, id)? {
                    Outcome::Fail(format!(
                        "user {id} is the last active customer_admin of the organisation"
                    ))
                } else {
                    Outcome::Succeed
                };
            Ok(
                Plan::new(Effect::default().merge(USER, id, Value::Object(changes)))
                    .outcome(outcome)
                    .subjects("Users", vec![id.to_owned()]),
            )
        })
    })?;
    Ok(user_event(
        "teams:UpdateUser",
        "Updating user",
        &task_id,
        &call.ctx.install.organisation_id,
    ))
}

/// `DELETE /20190206/users/{user_id}`: at once; the user also leaves every group.
pub(super) fn delete_user(call: &Call<'_>) -> ApiResult<Value> {
    let user = call.ctx.store.write(|db| {
        let mut user = load_live(db, USER, ("user_id", call.param("user_id")), "User")?;
        ensure_idle(db, &user, "User")?;
        let id = text(&user, "Id").to_owned();
        if is_active_admin(&user) && !another_admin(db, &id)? {
            return Err(ApiError::bad_request(format!(
                "User {id} is the last active customer_admin and cannot be deleted"
            )));
        }
        for mut group in db.list(GROUP)? {
            if let Some(members) = group["Users"].as_array_mut()
                && members.iter().any(|m| m == id.as_str())
            {
                members.retain(|m| m != id.as_str());
                group["ModifiedTS"] = json!(now_iso());
                db.put(GROUP, text(&group, "Id"), &group)?;
            }
        }
        user["Status"] = json!("DELETED");
        user["ModifiedTS"] = json!(now_iso());
        db.put(USER, &id, &user)?;
        Ok::<_, ApiError>(user)
    })?;
    Ok(json!({"Users": [user]}))
}

/// A synchronous answer with a message (invitations and password resets).
fn message_event(operation: &str, message: String) -> ApiResult<Value> {
    Ok(event(operation, "SUCCEEDED", &message, None, json!({})))
}

fn live_user(call: &Call<'_>) -> ApiResult<Value> {
    let id = call.param("user_id");
    call.ctx
        .store
        .read(|db| Ok(load_live(db, USER, ("user_id", id), "User")))?
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

/// `GET /20190206/groups`: `id_filter` narrows; deleted groups are left out.
pub(super) fn read_groups(call: &Call<'_>) -> ApiResult<Value> {
    let ids = lower_list(&call.query, "id_filter");
    let groups: Vec<Value> = call
        .ctx
        .store
        .read(|db| db.list(GROUP))?
        .into_iter()
        .filter(|g| text(g, "Status") != "DELETED")
        .filter(|g| {
            ids.as_ref()
                .is_none_or(|i| i.iter().any(|x| x == text(g, "Id")))
        })
        .collect();
    Ok(json!({"Groups": groups}))
}

/// `GET /20190206/groups/{group_id}`.
pub(super) fn read_group(call: &Call<'_>) -> ApiResult<Value> {
    let id = call.param("group_id");
    let group = call
        .ctx
        .store
        .read(|db| Ok(find(db, GROUP, ("group_id", id), "Group")))??;
    Ok(json!({"Groups": [group]}))
}

/// `POST /20190206/groups`: the group is `NEW` until its task ends, then `ACTIVE`.
pub(super) fn create_group(call: &Call<'_>) -> ApiResult<Value> {
    let body = call.json_body()?;
    let name = text(&body, "Name").to_owned();
    let created_by = call.caller_key();
    let (task_id, id) = call.ctx.store.write(|db| {
        group_named(db, &name, None)?;
        let id = uuid();
        let now = now_iso();
        let plan = Plan::new(Effect::default().merge(GROUP, &id, json!({"Status": "ACTIVE"})));
        let (task_id, _) = create(call, db, plan, |task| {
            insert_group(
                db,
                &NewGroup {
                    id: &id,
                    name: &name,
                    organisation_id: &call.ctx.install.organisation_id,
                    status: "NEW",
                    members: Vec::new(),
                    created_by: created_by.as_deref(),
                    created: &now,
                    task: Some(task),
                },
            )
        })?;
        Ok::<_, ApiError>((task_id, id))
    })?;
    let mut answer = event(
        "teams:CreateGroup",
        "STARTED",
        &format!("Creating group {name}"),
        Some(&task_id),
        json!({}),
    );
    answer["GroupId"] = json!(id);
    Ok(answer)
}

/// `PUT /20190206/groups/{group_id}`: renames.
pub(super) fn update_group(call: &Call<'_>) -> ApiResult<Value> {
    let body = call.json_body()?;
    let name = text(&body, "Name").to_owned();
    let (task_id, _) = call.ctx.store.write(|db| {
        let group = load_local_group(db, call.param("group_id"))?;
        change(call, db, GROUP, (group, "Group"), |group| {
            let id = text(group, "Id");
            group_named(db, &name, Some(id))?;
            Ok(Plan::new(
                Effect::default().merge(GROUP, id, json!({"Name": name})),
            ))
        })
    })?;
    Ok(event(
        "teams:UpdateGroup",
        "STARTED",
        "Renaming group",
        Some(&task_id),
        json!({}),
    ))
}

/// `DELETE /20190206/groups/{group_id}`: its roles on account types are revoked too; refused
/// (400) while a permission set assignment names the group.
pub(super) fn delete_group(call: &Call<'_>) -> ApiResult<Value> {
    let (task_id, _) = call.ctx.store.write(|db| {
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
    let task_id = call.ctx.store.write(|db| {
        let mut members: HashMap<String, Vec<Value>> = HashMap::new();
        let mut users = Vec::new();
        for (add, list) in [(true, "AddMembers"), (false, "RemoveMembers")] {
            for pair in body
                .get(list)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let user = load_live(db, USER, ("UserId", text(pair, "UserId")), "User")?;
                let group = load_live(db, GROUP, ("GroupId", text(pair, "GroupId")), "Group")?;
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
