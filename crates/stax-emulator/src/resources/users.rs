//! `teams.*` for people: users (invited, changed, disabled, deleted) and groups of users.
//!
//! A new user starts `NEW` and is `INVITED` once the task that sends the invitation ends.
//! The organisation always keeps one `ACTIVE` `customer_admin`: a change that would leave none
//! fails in its task, and such a deletion is refused.

use std::collections::{BTreeMap, HashMap};

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use serde_json::{Value, json};

use super::{AppRef, caller, check_uuid, ensure_idle, event, load_live, ok, parse_body, text};
use crate::error::{ApiError, ApiResult};
use crate::resources::accounts::ACCOUNT_TYPE;
use crate::seed::{API_TOKEN, GROUP, USER};
use crate::store::{Db, StoreResult};
use crate::tasks::{self, Effect, Outcome};
use crate::util::{comma_list, now_iso, parse_query, uuid};

fn lower_list(q: &BTreeMap<String, String>, name: &str) -> Option<Vec<String>> {
    q.get(name).map(|v| {
        comma_list(v)
            .into_iter()
            .map(|s| s.to_ascii_lowercase())
            .collect()
    })
}

fn find(db: &Db<'_>, kind: &str, (param, id): (&str, &str), what: &str) -> ApiResult<Value> {
    check_uuid(param, id)?;
    db.get(kind, &id.to_ascii_lowercase())?
        .ok_or_else(|| ApiError::not_found(format!("{what} {id} does not exist")))
}

/// `GET /20190206/users`: `id_filter` and `status_filter` (comma-separated) narrow; deleted
/// users only show when `status_filter` asks for them.
pub(crate) async fn read_users(State(state): AppRef, RawQuery(raw): RawQuery) -> ApiResult {
    state.stats.operation("teams.ReadUsers");
    let q = parse_query(raw.as_deref());
    let ids = lower_list(&q, "id_filter");
    let statuses = q.get("status_filter").map(|v| {
        comma_list(v)
            .into_iter()
            .map(|s| s.to_ascii_uppercase())
            .collect::<Vec<_>>()
    });
    let users: Vec<Value> = state
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
    ok(json!({"Users": users}))
}

/// `GET /20190206/users/{user_id}`.
pub(crate) async fn read_user(State(state): AppRef, Path(id): Path<String>) -> ApiResult {
    state.stats.operation("teams.ReadUsers");
    let user = state
        .store
        .read(|db| Ok(find(db, USER, ("user_id", &id), "User")))??;
    ok(json!({"Users": [user]}))
}

/// `GET /20190206/users/me`: the API token that signed the request, shown as a user.
pub(crate) async fn fetch_current_user(State(state): AppRef, headers: HeaderMap) -> ApiResult {
    state.stats.operation("teams.FetchCurrentUser");
    let key = caller(&state, &headers)
        .ok_or_else(|| ApiError::not_found("The caller is not a known API token"))?;
    let token = state
        .store
        .read(|db| db.get(API_TOKEN, &key))?
        .ok_or_else(|| ApiError::not_found(format!("API token {key} does not exist")))?;
    ok(json!({"Users": [{
        "Id": key,
        "Name": token["Name"],
        "Email": format!("{key}@api-tokens.example.com"),
        "OrganisationId": state.install.organisation_id,
        "Role": token["Role"],
        "Status": "ACTIVE",
        "AuthOrigin": "api-token",
        "CreatedTS": token["CreatedTS"],
        "ModifiedTS": token["ModifiedTS"],
    }]}))
}

fn email_taken(db: &Db<'_>, email: &str, except: Option<&str>) -> StoreResult<bool> {
    Ok(db.list(USER)?.iter().any(|u| {
        text(u, "Status") != "DELETED"
            && text(u, "Email").eq_ignore_ascii_case(email)
            && Some(text(u, "Id")) != except
    }))
}

fn is_active_admin(user: &Value) -> bool {
    text(user, "Role") == "customer_admin" && text(user, "Status") == "ACTIVE"
}

/// Whether some other active admin than `except` remains.
fn another_admin(db: &Db<'_>, except: &str) -> StoreResult<bool> {
    Ok(db
        .list(USER)?
        .iter()
        .any(|u| is_active_admin(u) && text(u, "Id") != except))
}

/// A user answer: `TaskId` at the top level, `Detail` without one (as Stax answers).
fn user_event(operation: &str, message: &str, task_id: &str, org: &str) -> Value {
    let mut answer = event(operation, "STARTED", message, None, json!({}));
    answer["TaskId"] = json!(task_id);
    answer["CustomerId"] = json!(org);
    answer
}

/// `POST /20190206/idam/user`: invites a user (role `customer_user` unless given).
pub(crate) async fn create_user(
    State(state): AppRef,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult {
    state.stats.operation("teams.CreateUser");
    let body = parse_body(&state, "teams.CreateUser", &body)?;
    let email = text(&body, "Email").to_owned();
    let created_by = caller(&state, &headers);
    let org = state.install.organisation_id.clone();
    let task_id = state.store.write(|db| {
        if email_taken(db, &email, None)? {
            return Err(ApiError::bad_request(format!(
                "Email: a user with {email} already exists"
            )));
        }
        let id = uuid();
        let task_id = tasks::create(
            db,
            state.task_delay,
            "teams.CreateUser",
            Some("Users"),
            vec![id.clone()],
            Outcome::Succeed,
            Effect::default().merge(USER, &id, json!({"Status": "INVITED"})),
        )?;
        let (first, last) = (text(&body, "FirstName"), text(&body, "LastName"));
        let now = now_iso();
        let user = json!({
            "Id": id,
            "Name": format!("{first} {last}"),
            "FirstName": first,
            "LastName": last,
            "Email": email,
            "OrganisationId": org,
            "Role": body.get("Role").cloned().unwrap_or(json!("customer_user")),
            "Status": "NEW",
            "AuthOrigin": "stax",
            "MFAEnabled": false,
            "CreatedBy": created_by,
            "CreatedTS": now,
            "ModifiedTS": now,
            "UserTaskId": task_id,
        });
        db.put(USER, &id, &user)?;
        Ok::<_, ApiError>(task_id)
    })?;
    ok(user_event(
        "teams:CreateUser",
        &format!("Inviting {email}"),
        &task_id,
        &state.install.organisation_id,
    ))
}

/// `PUT /20190206/idam/user/{user_id}`: names, email, role or status (`ACTIVE`/`DISABLED`).
pub(crate) async fn update_user(
    State(state): AppRef,
    Path(user_id): Path<String>,
    body: Bytes,
) -> ApiResult {
    state.stats.operation("teams.UpdateUser");
    let body = parse_body(&state, "teams.UpdateUser", &body)?;
    let task_id = state.store.write(|db| {
        let mut user = load_live(db, USER, ("user_id", &user_id), "User")?;
        ensure_idle(db, &user, "User")?;
        let id = text(&user, "Id").to_owned();
        if let Some(email) = body.get("Email").and_then(Value::as_str)
            && email_taken(db, email, Some(&id))?
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
            if is_active_admin(&user) && !is_active_admin(&after) && !another_admin(db, &id)? {
                Outcome::Fail(format!(
                    "user {id} is the last active customer_admin of the organisation"
                ))
            } else {
                Outcome::Succeed
            };
        let task_id = tasks::create(
            db,
            state.task_delay,
            "teams.UpdateUser",
            Some("Users"),
            vec![id.clone()],
            outcome,
            Effect::default().merge(USER, &id, Value::Object(changes)),
        )?;
        user["UserTaskId"] = json!(task_id);
        db.put(USER, &id, &user)?;
        Ok::<_, ApiError>(task_id)
    })?;
    ok(user_event(
        "teams:UpdateUser",
        "Updating user",
        &task_id,
        &state.install.organisation_id,
    ))
}

/// `DELETE /20190206/users/{user_id}`: at once; the user also leaves every group.
pub(crate) async fn delete_user(State(state): AppRef, Path(user_id): Path<String>) -> ApiResult {
    state.stats.operation("teams.DeleteUser");
    let user = state.store.write(|db| {
        let mut user = load_live(db, USER, ("user_id", &user_id), "User")?;
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
    ok(json!({"Users": [user]}))
}

/// A synchronous answer with a message (invitations and password resets).
fn message_event(operation: &str, message: String) -> ApiResult {
    ok(event(operation, "SUCCEEDED", &message, None, json!({})))
}

/// `PUT /20190206/idam/user/resend-invite/{user_id}`: only for users not signed up yet.
pub(crate) async fn resend_invite(State(state): AppRef, Path(user_id): Path<String>) -> ApiResult {
    state.stats.operation("teams.UpdateUserInvite");
    let user = state
        .store
        .read(|db| Ok(load_live(db, USER, ("user_id", &user_id), "User")))??;
    if !matches!(text(&user, "Status"), "INVITED" | "NEW") {
        return Err(ApiError::bad_request(format!(
            "User {user_id} is {} and has no invitation to resend",
            text(&user, "Status")
        )));
    }
    message_event(
        "teams:UpdateUser",
        format!("Invitation sent again to {}", text(&user, "Email")),
    )
}

/// `PUT /20190206/idam/user/reset-password/{user_id}`: only for active users.
pub(crate) async fn reset_password(State(state): AppRef, Path(user_id): Path<String>) -> ApiResult {
    state.stats.operation("teams.UpdateUserPassword");
    let user = state
        .store
        .read(|db| Ok(load_live(db, USER, ("user_id", &user_id), "User")))??;
    if text(&user, "Status") != "ACTIVE" {
        return Err(ApiError::bad_request(format!(
            "User {user_id} is {} and cannot reset a password",
            text(&user, "Status")
        )));
    }
    message_event(
        "teams:UpdateUserPassword",
        format!("Password reset sent to {}", text(&user, "Email")),
    )
}

/// `GET /20190206/groups`: `id_filter` narrows; deleted groups are left out.
pub(crate) async fn read_groups(State(state): AppRef, RawQuery(raw): RawQuery) -> ApiResult {
    state.stats.operation("teams.ReadGroups");
    let q = parse_query(raw.as_deref());
    let ids = lower_list(&q, "id_filter");
    let groups: Vec<Value> = state
        .store
        .read(|db| db.list(GROUP))?
        .into_iter()
        .filter(|g| text(g, "Status") != "DELETED")
        .filter(|g| {
            ids.as_ref()
                .is_none_or(|i| i.iter().any(|x| x == text(g, "Id")))
        })
        .collect();
    ok(json!({"Groups": groups}))
}

/// `GET /20190206/groups/{group_id}`.
pub(crate) async fn read_group(State(state): AppRef, Path(id): Path<String>) -> ApiResult {
    state.stats.operation("teams.ReadGroups");
    let group = state
        .store
        .read(|db| Ok(find(db, GROUP, ("group_id", &id), "Group")))??;
    ok(json!({"Groups": [group]}))
}

fn group_named(db: &Db<'_>, name: &str, except: Option<&str>) -> Result<(), ApiError> {
    let clash = db.list(GROUP)?.into_iter().any(|g| {
        text(&g, "Status") != "DELETED"
            && text(&g, "Name").eq_ignore_ascii_case(name)
            && Some(text(&g, "Id")) != except
    });
    if clash {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            format!("Name: a group named {name} already exists"),
        ));
    }
    Ok(())
}

fn load_local_group(db: &Db<'_>, id: &str) -> Result<Value, ApiError> {
    let group = load_live(db, GROUP, ("group_id", id), "Group")?;
    ensure_idle(db, &group, "Group")?;
    if text(&group, "GroupType") == "SCIM" {
        return Err(ApiError::bad_request(format!(
            "Group {id} is managed by SCIM and cannot be changed here"
        )));
    }
    Ok(group)
}

fn group_task(
    db: &Db<'_>,
    state: &crate::app::AppState,
    operation: &str,
    mut group: Value,
    effect: Effect,
) -> StoreResult<String> {
    let id = text(&group, "Id").to_owned();
    let task_id = tasks::create(
        db,
        state.task_delay,
        operation,
        None,
        vec![],
        Outcome::Succeed,
        effect,
    )?;
    group["UserTaskId"] = json!(task_id);
    db.put(GROUP, &id, &group)?;
    Ok(task_id)
}

/// `POST /20190206/groups`: the group is `NEW` until its task ends, then `ACTIVE`.
pub(crate) async fn create_group(
    State(state): AppRef,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult {
    state.stats.operation("teams.CreateGroup");
    let body = parse_body(&state, "teams.CreateGroup", &body)?;
    let name = text(&body, "Name").to_owned();
    let created_by = caller(&state, &headers);
    let (task_id, id) = state.store.write(|db| {
        group_named(db, &name, None)?;
        let id = uuid();
        let now = now_iso();
        let group = json!({
            "Id": id,
            "Name": name,
            "OrganisationId": state.install.organisation_id,
            "Status": "NEW",
            "GroupType": "LOCAL",
            "Users": [],
            "CreatedBy": created_by,
            "CreatedTS": now,
            "ModifiedTS": now,
        });
        let effect = Effect::default().merge(GROUP, &id, json!({"Status": "ACTIVE"}));
        let task_id = group_task(db, &state, "teams.CreateGroup", group, effect)?;
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
    ok(answer)
}

/// `PUT /20190206/groups/{group_id}`: renames.
pub(crate) async fn update_group(
    State(state): AppRef,
    Path(group_id): Path<String>,
    body: Bytes,
) -> ApiResult {
    state.stats.operation("teams.UpdateGroup");
    let body = parse_body(&state, "teams.UpdateGroup", &body)?;
    let name = text(&body, "Name").to_owned();
    let task_id = state.store.write(|db| {
        let group = load_local_group(db, &group_id)?;
        let id = text(&group, "Id").to_owned();
        group_named(db, &name, Some(&id))?;
        let effect = Effect::default().merge(GROUP, &id, json!({"Name": name}));
        Ok::<_, ApiError>(group_task(db, &state, "teams.UpdateGroup", group, effect)?)
    })?;
    ok(event(
        "teams:UpdateGroup",
        "STARTED",
        "Renaming group",
        Some(&task_id),
        json!({}),
    ))
}

/// `DELETE /20190206/groups/{group_id}`: its roles on account types are revoked too.
pub(crate) async fn delete_group(State(state): AppRef, Path(group_id): Path<String>) -> ApiResult {
    state.stats.operation("teams.DeleteGroup");
    let task_id = state.store.write(|db| {
        let group = load_local_group(db, &group_id)?;
        let id = text(&group, "Id").to_owned();
        // The group's roles on account types go with it.
        let effect = Effect::default()
            .merge(GROUP, &id, json!({"Status": "DELETED"}))
            .pull(ACCOUNT_TYPE, None, "Roles", json!({"GroupId": id}));
        Ok::<_, ApiError>(group_task(db, &state, "teams.DeleteGroup", group, effect)?)
    })?;
    ok(event(
        "teams:DeleteGroup",
        "STARTED",
        "Deleting group",
        Some(&task_id),
        json!({}),
    ))
}

/// `PUT /20190206/groups/members`: adds and removes users, applied when the task ends.
pub(crate) async fn update_group_members(State(state): AppRef, body: Bytes) -> ApiResult {
    state.stats.operation("teams.UpdateGroupMembers");
    let body = parse_body(&state, "teams.UpdateGroupMembers", &body)?;
    let task_id = state.store.write(|db| {
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
        Ok::<_, ApiError>(tasks::create(
            db,
            state.task_delay,
            "teams.UpdateGroupMembers",
            Some("Users"),
            users,
            Outcome::Succeed,
            effect,
        )?)
    })?;
    ok(event(
        "teams:UpdateGroupMembers",
        "STARTED",
        "Updating group members",
        Some(&task_id),
        json!({}),
    ))
}
