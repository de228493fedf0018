//! `accounts.*` on the wire: AWS accounts and account types.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::model::{
    NewAccount, NewAccountType, find_type, insert_account, insert_account_type, load_account,
    load_type, name_taken, present, present_type, require_ou, type_names,
};
use crate::areas::rules::{change, create, pending_operation, text};
use crate::areas::permission_sets::model::refuse_while_assigned;
use crate::areas::wire::{check_uuid, event, lower_list, page, query_bool, sort_items, upper_list};
use crate::areas::{Call, Plan};
use crate::protocol::{ApiError, ApiResult};
use crate::store::kinds::{ACCOUNT, ACCOUNT_TYPE, GROUP};
use crate::store::tasks::{Effect, Outcome};
use crate::util::{comma_list, now_iso, random_from, uuid};

/// Keeps the accounts that pass every filter given.
fn filter_accounts(accounts: Vec<Value>, q: &BTreeMap<String, String>) -> Vec<Value> {
    let statuses = upper_list(q, "filter");
    let names = q.get("account_names").map(|v| comma_list(v));
    let ids = lower_list(q, "id_filter");
    let aws_ids = q.get("aws_account_id_filter").map(|v| comma_list(v));
    let type_ids = lower_list(q, "account_type_filter");
    let fuzzy = q
        .get("name_filter")
        .map(|n| n.trim().to_lowercase())
        .filter(|n| !n.is_empty());
    accounts
        .into_iter()
        .filter(|a| {
            statuses
                .as_ref()
                .is_none_or(|s| s.iter().any(|x| x == text(a, "Status")))
                && names
                    .as_ref()
                    .is_none_or(|n| n.iter().any(|x| x == text(a, "Name")))
                && ids
                    .as_ref()
                    .is_none_or(|i| i.contains(&text(a, "Id").to_ascii_lowercase()))
                && aws_ids
                    .as_ref()
                    .is_none_or(|i| i.iter().any(|x| x == text(a, "AwsAccountId")))
                && type_ids
                    .as_ref()
                    .is_none_or(|t| t.contains(&text(a, "AccountTypeId").to_ascii_lowercase()))
                && fuzzy
                    .as_ref()
                    .is_none_or(|f| text(a, "Name").to_lowercase().contains(f.as_str()))
        })
        .collect()
}

/// `GET /20190206/accounts`.
pub(super) fn read_accounts(call: &Call<'_>) -> ApiResult<Value> {
    let q = &call.query;
    let include_tags = query_bool(q, "include_tags", true)?;
    let (accounts, names) = call
        .ctx
        .store
        .read(|db| Ok((db.list(ACCOUNT)?, type_names(db)?)))?;
    let mut accounts = filter_accounts(accounts, q);
    for account in &mut accounts {
        present(account, &names, include_tags);
    }
    sort_items(&mut accounts, q)?;
    let (accounts, paging) = page(accounts, q)?;
    let mut body = json!({"Accounts": accounts});
    if let Some(paging) = paging {
        body["Paging"] = paging;
    }
    Ok(body)
}

/// `GET /20190206/accounts/{account_id}`.
pub(super) fn read_account(call: &Call<'_>) -> ApiResult<Value> {
    let account_id = call.param("account_id");
    check_uuid("account_id", account_id)?;
    let include_tags = query_bool(&call.query, "include_tags", true)?;
    let (account, names) = call.ctx.store.read(|db| {
        Ok((
            db.get(ACCOUNT, &account_id.to_ascii_lowercase())?,
            type_names(db)?,
        ))
    })?;
    let mut account = account
        .ok_or_else(|| ApiError::not_found(format!("Account {account_id} does not exist")))?;
    present(&mut account, &names, include_tags);
    Ok(json!({"Accounts": [account]}))
}

/// `POST /20190206/accounts`: the account appears as INITIALIZING and turns ACTIVE when its
/// task succeeds.
pub(super) fn create_account(call: &Call<'_>) -> ApiResult<Value> {
    let body = call.json_body()?;
    let name = text(&body, "Name").to_owned();
    let org = call.ctx.install.organisation_id.clone();
    let (task_id, account) = call.ctx.store.write(|db| {
        let wanted = text(&body, "AccountType");
        let account_type = find_type(db, wanted)?.ok_or_else(|| {
            ApiError::bad_request(format!("AccountType {wanted} does not exist"))
        })?;
        require_ou(db, &body)?;
        if name_taken(db, &name, None)? {
            return Err(ApiError::bad_request(format!(
                "An account named {name} already exists"
            )));
        }
        let id = uuid();
        let aws_id = format!("2{}", random_from(b"0123456789", 11));
        let plan = Plan::new(Effect::default().merge(
            ACCOUNT,
            &id,
            json!({"Status": "ACTIVE", "AssuranceState": "ACTIVE"}),
        ))
        .subjects("Accounts", vec![id.clone()]);
        let now = now_iso();
        create(call, db, plan, |task| {
            insert_account(
                db,
                &NewAccount {
                    id: &id,
                    name: &name,
                    organisation_id: &org,
                    ou_id: body
                        .get("OrganisationalUnitId")
                        .cloned()
                        .unwrap_or(Value::Null),
                    type_id: account_type["Id"].clone(),
                    type_name: account_type["Name"].clone(),
                    role: "MEMBER",
                    aws_account_id: &aws_id,
                    alias: body.get("AwsAccountAlias").cloned().unwrap_or(Value::Null),
                    assurance: "NONE",
                    email: format!("aws+{id}@example.com"),
                    status: "INITIALIZING",
                    tags: body.get("Tags").cloned().unwrap_or(json!({})),
                    created_by: None,
                    created: &now,
                    task: Some(task),
                },
            )
        })
    })?;
    let mut answer = event(
        "accounts:CreateAccount",
        "STARTED",
        &format!("Creating account {}", text(&account, "Name")),
        None,
        json!({"Account": {
            "Name": account["Name"],
            "AccountType": account["AccountType"],
            "OrganisationId": account["OrganisationId"],
            "Tags": account["Tags"],
            "Operation": "CREATE",
        }}),
    );
    answer["TaskId"] = json!(task_id);
    Ok(answer)
}

/// `PUT /20190206/accounts/{account_id}`: the change lands when the task succeeds; a closed
/// account cannot change, so its task fails.
pub(super) fn update_account(call: &Call<'_>) -> ApiResult<Value> {
    let body = call.json_body()?;
    let (task_id, account) = call.ctx.store.write(|db| {
        let account = load_account(db, call.param("account_id"))?;
        change(call, db, ACCOUNT, (account, "Account"), |account| {
            let id = text(account, "Id");
            let mut changes = serde_json::Map::new();
            for key in [
                "Name",
                "AwsAccountAlias",
                "AwsAccountName",
                "OrganisationalUnitId",
                "Tags",
            ] {
                if let Some(v) = body.get(key) {
                    changes.insert(key.into(), v.clone());
                }
            }
            if let Some(name) = body.get("Name").and_then(Value::as_str)
                && name_taken(db, name, Some(id))?
            {
                return Err(ApiError::bad_request(format!(
                    "An account named {name} already exists"
                )));
            }
            if let Some(wanted) = body.get("AccountType").and_then(Value::as_str) {
                let t = find_type(db, wanted)?.ok_or_else(|| {
                    ApiError::bad_request(format!("AccountType {wanted} does not exist"))
                })?;
                changes.insert("AccountTypeId".into(), t["Id"].clone());
            }
            require_ou(db, &body)?;
            let outcome = if text(account, "Status") == "CLOSED" {
                Outcome::Fail(format!("account {id} is CLOSED and cannot be updated"))
            } else {
                Outcome::Succeed
            };
            Ok(
                Plan::new(Effect::default().merge(ACCOUNT, id, Value::Object(changes)))
                    .outcome(outcome)
                    .subjects("Accounts", vec![id.to_owned()]),
            )
        })
    })?;
    let mut answer = event(
        "accounts:UpdateAccount",
        "STARTED",
        &format!("Updating account {}", text(&account, "Name")),
        None,
        json!({"Account": {
            "AccountId": account["Id"],
            "AccountName": body.get("Name").cloned().unwrap_or(account["Name"].clone()),
            "Name": body.get("Name").cloned().unwrap_or(account["Name"].clone()),
            "OrganisationId": account["OrganisationId"],
            "Operation": "UPDATE",
        }}),
    );
    answer["TaskId"] = json!(task_id);
    Ok(answer)
}

/// `POST /20190206/accounts/close`: closing an account that is already closed fails in its task.
pub(super) fn close_account(call: &Call<'_>) -> ApiResult<Value> {
    let body = call.json_body()?;
    let (task_id, _) = call.ctx.store.write(|db| {
        let account = load_account(db, text(&body, "Id"))?;
        change(call, db, ACCOUNT, (account, "Account"), |account| {
            let id = text(account, "Id");
            let outcome = match text(account, "Status") {
                "CLOSED" => Outcome::Fail(format!("account {id} is already CLOSED")),
                "ACTIVE" | "SUSPENDED" | "ERROR" | "AWSERROR" | "DISCOVERED" => Outcome::Succeed,
                other => Outcome::Fail(format!("account {id} is {other} and cannot be closed")),
            };
            // A closed account keeps no policy attachments.
            let effect = crate::areas::policies::model::detach_all(db, "AccountId", id)?.merge(
                ACCOUNT,
                id,
                json!({"Status": "CLOSED"}),
            );
            Ok(Plan::new(effect)
                .outcome(outcome)
                .subjects("Accounts", vec![id.to_owned()]))
        })
    })?;
    let mut answer = event(
        "accounts:CloseAccount",
        "STARTED",
        "Closing account",
        None,
        json!({}),
    );
    answer["TaskId"] = json!(task_id);
    Ok(answer)
}

/// `GET /20190206/accounts/types`.
pub(super) fn read_account_types(call: &Call<'_>) -> ApiResult<Value> {
    let ids = lower_list(&call.query, "id_filter");
    let (types, accounts) = call
        .ctx
        .store
        .read(|db| Ok((db.list(ACCOUNT_TYPE)?, db.list(ACCOUNT)?)))?;
    let types: Vec<Value> = types
        .into_iter()
        .filter(|t| text(t, "Status") != "DELETED")
        .filter(|t| {
            ids.as_ref()
                .is_none_or(|i| i.contains(&text(t, "Id").to_owned()))
        })
        .map(|t| present_type(t, &accounts))
        .collect();
    Ok(json!({"AccountTypes": types}))
}

/// `GET /20190206/accounts/types/{account_type_id}`.
pub(super) fn read_account_type(call: &Call<'_>) -> ApiResult<Value> {
    let (t, accounts) = call.ctx.store.read(|db| {
        Ok((
            load_type(db, call.param("account_type_id")),
            db.list(ACCOUNT)?,
        ))
    })?;
    Ok(json!({"AccountTypes": [present_type(t?, &accounts)]}))
}

/// `POST /20190206/accounts/types`: takes effect at once.
pub(super) fn create_account_type(call: &Call<'_>) -> ApiResult<Value> {
    let body = call.json_body()?;
    let name = text(&body, "Name").to_owned();
    let org = call.ctx.install.organisation_id.clone();
    let account_type = call.ctx.store.write(|db| {
        if find_type(db, &name)?.is_some() {
            return Err(ApiError::bad_request(format!(
                "An account type named {name} already exists"
            )));
        }
        let id = uuid();
        let now = now_iso();
        Ok::<_, ApiError>(insert_account_type(
            db,
            &NewAccountType {
                id: &id,
                name: &name,
                organisation_id: &org,
                stax_created: false,
                created_by: None,
                created: &now,
            },
        )?)
    })?;
    Ok(event(
        "accounts:CreateAccountType",
        "SUCCEEDED",
        &format!("Account type {name} created"),
        None,
        json!({"AccountType": account_type}),
    ))
}

/// `PUT /20190206/accounts/types/{account_type_id}`: renames at once.
pub(super) fn update_account_type(call: &Call<'_>) -> ApiResult<Value> {
    let body = call.json_body()?;
    let name = text(&body, "Name").to_owned();
    let (t, accounts) = call.ctx.store.write(|db| {
        let mut t = load_type(db, call.param("account_type_id"))?;
        if let Some(other) = find_type(db, &name)?
            && other["Id"] != t["Id"]
        {
            return Err(ApiError::bad_request(format!(
                "An account type named {name} already exists"
            )));
        }
        t["Name"] = json!(name);
        t["ModifiedTS"] = json!(now_iso());
        db.put(ACCOUNT_TYPE, text(&t, "Id"), &t)?;
        Ok::<_, ApiError>((t, db.list(ACCOUNT)?))
    })?;
    Ok(json!({"AccountTypes": present_type(t, &accounts)}))
}

/// `DELETE /20190206/accounts/types/{account_type_id}`: only an unused type can go (no
/// account, no permission set assignment).
pub(super) fn delete_account_type(call: &Call<'_>) -> ApiResult<Value> {
    let t = call.ctx.store.write(|db| {
        let mut t = load_type(db, call.param("account_type_id"))?;
        let id = text(&t, "Id").to_owned();
        refuse_while_assigned(db, ("AccountTypeId", &id), "Account type")?;
        let in_use = db
            .list(ACCOUNT)?
            .iter()
            .filter(|a| text(a, "AccountTypeId") == id && text(a, "Status") != "CLOSED")
            .count();
        if in_use > 0 {
            return Err(ApiError::bad_request(format!(
                "Account type {id} still has {in_use} account(s): move them first"
            )));
        }
        t["Status"] = json!("DELETED");
        t["ModifiedTS"] = json!(now_iso());
        db.put(ACCOUNT_TYPE, &id, &t)?;
        Ok::<_, ApiError>(t)
    })?;
    Ok(json!({"AccountTypes": present_type(t, &[])}))
}

/// `PUT /20190206/account-types/members`: moves accounts between types when the task succeeds.
pub(super) fn update_account_type_members(call: &Call<'_>) -> ApiResult<Value> {
    let body = call.json_body()?;
    let task_id = call.ctx.store.write(|db| {
        let mut effect = Effect::default();
        let mut ids = Vec::new();
        for member in body["Members"].as_array().into_iter().flatten() {
            let account = load_account(db, text(member, "AccountId"))?;
            let wanted = member
                .get("AccountTypeId")
                .or_else(|| member.get("AccountTypeName"))
                .and_then(Value::as_str)
                .unwrap_or("");
            let t = find_type(db, wanted)?.ok_or_else(|| {
                ApiError::not_found(format!("Account type {wanted} does not exist"))
            })?;
            let id = text(&account, "Id").to_owned();
            effect = effect.merge(ACCOUNT, &id, json!({"AccountTypeId": t["Id"]}));
            ids.push(id);
        }
        Ok::<_, ApiError>(call.start_task(db, Plan::new(effect).subjects("Accounts", ids))?)
    })?;
    Ok(event(
        "accounts:UpdateAccountTypeMembers",
        "STARTED",
        "Updating account type members",
        Some(&task_id),
        json!({}),
    ))
}

/// `PUT /20190206/accounts/types/access`: grants and revokes group roles on account types.
/// A group must exist and not be deleted (nor on its way out, to be granted a role); the
/// changes are applied entry by entry when the task ends.
pub(super) fn update_account_type_access(call: &Call<'_>) -> ApiResult<Value> {
    let body = call.json_body()?;
    let task_id = call.ctx.store.write(|db| {
        let groups: Vec<Value> = db
            .list(GROUP)?
            .into_iter()
            .filter(|g| text(g, "Status") != "DELETED")
            .collect();
        let resolve = |entry: &Value, add: bool| -> ApiResult<(String, Value)> {
            let wanted = entry
                .get("AccountTypeId")
                .or_else(|| entry.get("AccountTypeName"))
                .and_then(Value::as_str)
                .unwrap_or("");
            let t = find_type(db, wanted)?.ok_or_else(|| {
                ApiError::bad_request(format!("Account type {wanted} does not exist"))
            })?;
            let group_key = entry
                .get("GroupId")
                .or_else(|| entry.get("GroupName"))
                .and_then(Value::as_str)
                .unwrap_or("");
            let group = groups
                .iter()
                .find(|g| {
                    text(g, "Id").eq_ignore_ascii_case(group_key) || text(g, "Name") == group_key
                })
                .ok_or_else(|| {
                    ApiError::bad_request(format!("Group {group_key} does not exist"))
                })?;
            if add && pending_operation(db, group)?.as_deref() == Some("teams.DeleteGroup") {
                return Err(ApiError::bad_request(format!(
                    "Group {group_key} is being deleted and cannot be granted a role"
                )));
            }
            Ok((
                text(&t, "Id").to_owned(),
                json!({"GroupId": group["Id"], "RoleName": entry["RoleName"]}),
            ))
        };
        let mut effect = Effect::default();
        for (add, list) in [(true, "AddRoles"), (false, "RemoveRoles")] {
            for entry in body
                .get(list)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let (type_id, role) = resolve(entry, add)?;
                effect = effect.pull(ACCOUNT_TYPE, Some(&type_id), "Roles", role.clone());
                if add {
                    effect = effect.push(ACCOUNT_TYPE, &type_id, "Roles", role);
                }
            }
        }
        Ok::<_, ApiError>(call.start_task(db, Plan::new(effect))?)
    })?;
    Ok(event(
        "accounts:UpdateAccountTypeAccess",
        "STARTED",
        "Updating account type access",
        Some(&task_id),
        json!({}),
    ))
}
