//! `accounts.*`: AWS accounts and account types.

use std::collections::{BTreeMap, HashMap};

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use serde_json::{Value, json};

use super::{AppRef, check_uuid, ensure_idle, event, ok, page, parse_body, query_bool, sort_items};
use crate::error::{ApiError, ApiResult};
use crate::store::{Db, StoreResult};
use crate::tasks::{self, Effect, Outcome};
use crate::util::{comma_list, now_iso, parse_query, random_from, uuid};

/// Store kind of accounts.
pub(crate) const ACCOUNT: &str = "account";
/// Store kind of account types.
pub(crate) const ACCOUNT_TYPE: &str = "account_type";

/// Accounts as answered: with the current name of their type, and Tags unless left out.
pub(crate) fn present(
    account: &mut Value,
    type_names: &HashMap<String, String>,
    include_tags: bool,
) {
    if let Some(name) = account
        .get("AccountTypeId")
        .and_then(Value::as_str)
        .and_then(|id| type_names.get(id))
    {
        account["AccountType"] = json!(name);
    }
    if !include_tags && let Some(map) = account.as_object_mut() {
        map.remove("Tags");
    }
}

pub(crate) fn type_names(db: &Db<'_>) -> StoreResult<HashMap<String, String>> {
    Ok(db
        .list(ACCOUNT_TYPE)?
        .into_iter()
        .filter_map(|t| {
            Some((
                t.get("Id")?.as_str()?.to_owned(),
                t.get("Name")?.as_str()?.to_owned(),
            ))
        })
        .collect())
}

fn field<'a>(v: &'a Value, name: &str) -> &'a str {
    v.get(name).and_then(Value::as_str).unwrap_or("")
}

/// Keeps the accounts that pass every filter given.
fn filter_accounts(accounts: Vec<Value>, q: &BTreeMap<String, String>) -> Vec<Value> {
    let list = |name: &str| q.get(name).map(|v| comma_list(v));
    let statuses = list("filter").map(|l| {
        l.into_iter()
            .map(|s| s.to_ascii_uppercase())
            .collect::<Vec<_>>()
    });
    let names = list("account_names");
    let ids = list("id_filter").map(|l| {
        l.into_iter()
            .map(|s| s.to_ascii_lowercase())
            .collect::<Vec<_>>()
    });
    let aws_ids = list("aws_account_id_filter");
    let type_ids = list("account_type_filter").map(|l| {
        l.into_iter()
            .map(|s| s.to_ascii_lowercase())
            .collect::<Vec<_>>()
    });
    let fuzzy = q
        .get("name_filter")
        .map(|n| n.trim().to_lowercase())
        .filter(|n| !n.is_empty());
    accounts
        .into_iter()
        .filter(|a| {
            statuses
                .as_ref()
                .is_none_or(|s| s.iter().any(|x| x == field(a, "Status")))
                && names
                    .as_ref()
                    .is_none_or(|n| n.iter().any(|x| x == field(a, "Name")))
                && ids
                    .as_ref()
                    .is_none_or(|i| i.contains(&field(a, "Id").to_ascii_lowercase()))
                && aws_ids
                    .as_ref()
                    .is_none_or(|i| i.iter().any(|x| x == field(a, "AwsAccountId")))
                && type_ids
                    .as_ref()
                    .is_none_or(|t| t.contains(&field(a, "AccountTypeId").to_ascii_lowercase()))
                && fuzzy
                    .as_ref()
                    .is_none_or(|f| field(a, "Name").to_lowercase().contains(f.as_str()))
        })
        .collect()
}

/// `GET /20190206/accounts`.
pub(crate) async fn read_accounts(State(state): AppRef, RawQuery(raw): RawQuery) -> ApiResult {
    state.stats.operation("accounts.ReadAccounts");
    let q = parse_query(raw.as_deref());
    let include_tags = query_bool(&q, "include_tags", true)?;
    let (accounts, names) = state
        .store
        .read(|db| Ok((db.list(ACCOUNT)?, type_names(db)?)))?;
    let mut accounts = filter_accounts(accounts, &q);
    for account in &mut accounts {
        present(account, &names, include_tags);
    }
    sort_items(&mut accounts, &q)?;
    let (accounts, paging) = page(accounts, &q)?;
    let mut body = json!({"Accounts": accounts});
    if let Some(paging) = paging {
        body["Paging"] = paging;
    }
    ok(body)
}

/// `GET /20190206/accounts/{account_id}`.
pub(crate) async fn read_account(
    State(state): AppRef,
    Path(account_id): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult {
    state.stats.operation("accounts.ReadAccounts");
    check_uuid("account_id", &account_id)?;
    let q = parse_query(raw.as_deref());
    let include_tags = query_bool(&q, "include_tags", true)?;
    let (account, names) = state.store.read(|db| {
        Ok((
            db.get(ACCOUNT, &account_id.to_ascii_lowercase())?,
            type_names(db)?,
        ))
    })?;
    let mut account = account
        .ok_or_else(|| ApiError::not_found(format!("Account {account_id} does not exist")))?;
    present(&mut account, &names, include_tags);
    ok(json!({"Accounts": [account]}))
}

/// Finds an account type by id or (case-insensitive) name; deleted ones do not count.
fn find_type(db: &Db<'_>, id_or_name: &str) -> StoreResult<Option<Value>> {
    let key = id_or_name.to_ascii_lowercase();
    Ok(db.list(ACCOUNT_TYPE)?.into_iter().find(|t| {
        field(t, "Status") != "DELETED"
            && (field(t, "Id").eq_ignore_ascii_case(&key) || field(t, "Name").to_lowercase() == key)
    }))
}

fn require_ou(db: &Db<'_>, body: &Value) -> Result<(), ApiError> {
    if let Some(ou) = body.get("OrganisationalUnitId").and_then(Value::as_str)
        && db
            .get(crate::seed::OU, &ou.to_ascii_lowercase())?
            .is_none_or(|o| o["Status"] == "DELETED")
    {
        return Err(ApiError::bad_request(format!(
            "OrganisationalUnitId {ou} does not exist"
        )));
    }
    Ok(())
}

fn name_taken(db: &Db<'_>, name: &str, except: Option<&str>) -> StoreResult<bool> {
    Ok(db.list(ACCOUNT)?.iter().any(|a| {
        field(a, "Name") == name && field(a, "Status") != "CLOSED" && Some(field(a, "Id")) != except
    }))
}

/// `POST /20190206/accounts`: the account appears as INITIALIZING and turns ACTIVE when its
/// task succeeds.
pub(crate) async fn create_account(State(state): AppRef, body: Bytes) -> ApiResult {
    state.stats.operation("accounts.CreateAccount");
    let body = parse_body(&state, "accounts.CreateAccount", &body)?;
    let name = field(&body, "Name").to_owned();
    let org = state.install.organisation_id.clone();
    let (task_id, account) = state.store.write(|db| {
        let wanted = field(&body, "AccountType");
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
        let task_id = tasks::create(
            db,
            state.task_delay,
            "accounts.CreateAccount",
            Some("Accounts"),
            vec![id.clone()],
            Outcome::Succeed,
            Effect::default().merge(
                ACCOUNT,
                &id,
                json!({"Status": "ACTIVE", "AssuranceState": "ACTIVE"}),
            ),
        )?;
        let now = now_iso();
        let account = json!({
            "Id": id,
            "Name": name,
            "OrganisationId": org,
            "OrganisationalUnitId": body.get("OrganisationalUnitId").cloned().unwrap_or(Value::Null),
            "AccountTypeId": account_type["Id"],
            "AccountType": account_type["Name"],
            "AccountRole": "MEMBER",
            "AwsAccountId": aws_id,
            "AwsAccountAlias": body.get("AwsAccountAlias").cloned().unwrap_or(Value::Null),
            "AwsAccountName": name,
            "AwsLoginURL": format!("https://{aws_id}.signin.aws.amazon.com/console"),
            "AssuranceState": "NONE",
            "Email": format!("aws+{}@example.com", id),
            "Origin": "STAX",
            "Status": "INITIALIZING",
            "StaxCreated": true,
            "Tags": body.get("Tags").cloned().unwrap_or(json!({})),
            "CreatedTS": now,
            "ModifiedTS": now,
            "UserTaskId": task_id,
        });
        db.put(ACCOUNT, &id, &account)?;
        Ok::<_, ApiError>((task_id, account))
    })?;
    let mut answer = event(
        "accounts:CreateAccount",
        "STARTED",
        &format!("Creating account {}", field(&account, "Name")),
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
    ok(answer)
}

fn load_account(db: &Db<'_>, account_id: &str) -> Result<Value, ApiError> {
    check_uuid("account_id", account_id)?;
    db.get(ACCOUNT, &account_id.to_ascii_lowercase())?
        .ok_or_else(|| ApiError::not_found(format!("Account {account_id} does not exist")))
}

/// `PUT /20190206/accounts/{account_id}`: the change lands when the task succeeds; a closed
/// account cannot change, so its task fails.
pub(crate) async fn update_account(
    State(state): AppRef,
    Path(account_id): Path<String>,
    body: Bytes,
) -> ApiResult {
    state.stats.operation("accounts.UpdateAccount");
    let body = parse_body(&state, "accounts.UpdateAccount", &body)?;
    let (task_id, account) = state.store.write(|db| {
        let account = load_account(db, &account_id)?;
        ensure_idle(db, &account, "Account")?;
        let id = field(&account, "Id").to_owned();
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
            && name_taken(db, name, Some(&id))?
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
        let outcome = if field(&account, "Status") == "CLOSED" {
            Outcome::Fail(format!("account {id} is CLOSED and cannot be updated"))
        } else {
            Outcome::Succeed
        };
        let task_id = tasks::create(
            db,
            state.task_delay,
            "accounts.UpdateAccount",
            Some("Accounts"),
            vec![id.clone()],
            outcome,
            Effect::default().merge(ACCOUNT, &id, Value::Object(changes)),
        )?;
        let mut marked = account.clone();
        marked["UserTaskId"] = json!(task_id);
        db.put(ACCOUNT, &id, &marked)?;
        Ok::<_, ApiError>((task_id, account))
    })?;
    let mut answer = event(
        "accounts:UpdateAccount",
        "STARTED",
        &format!("Updating account {}", field(&account, "Name")),
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
    ok(answer)
}

/// `POST /20190206/accounts/close`: closing an account that is already closed fails in its task.
pub(crate) async fn close_account(State(state): AppRef, body: Bytes) -> ApiResult {
    state.stats.operation("accounts.CloseAccount");
    let body = parse_body(&state, "accounts.CloseAccount", &body)?;
    let task_id = state.store.write(|db| {
        let account = load_account(db, field(&body, "Id"))?;
        ensure_idle(db, &account, "Account")?;
        let id = field(&account, "Id").to_owned();
        let outcome = match field(&account, "Status") {
            "CLOSED" => Outcome::Fail(format!("account {id} is already CLOSED")),
            "ACTIVE" | "SUSPENDED" | "ERROR" | "AWSERROR" | "DISCOVERED" => Outcome::Succeed,
            other => Outcome::Fail(format!("account {id} is {other} and cannot be closed")),
        };
        let task_id = tasks::create(
            db,
            state.task_delay,
            "accounts.CloseAccount",
            Some("Accounts"),
            vec![id.clone()],
            outcome,
            // A closed account keeps no policy attachments.
            super::policies::detach_all(db, "AccountId", &id)?.merge(
                ACCOUNT,
                &id,
                json!({"Status": "CLOSED"}),
            ),
        )?;
        let mut marked = account;
        marked["UserTaskId"] = json!(task_id);
        db.put(ACCOUNT, &id, &marked)?;
        Ok::<_, ApiError>(task_id)
    })?;
    let mut answer = event(
        "accounts:CloseAccount",
        "STARTED",
        "Closing account",
        None,
        json!({}),
    );
    answer["TaskId"] = json!(task_id);
    ok(answer)
}

/// Account types as answered: `Accounts` lists the accounts of the type now.
fn present_type(mut account_type: Value, accounts: &[Value]) -> Value {
    let id = field(&account_type, "Id").to_owned();
    account_type["Accounts"] = Value::Array(
        accounts
            .iter()
            .filter(|a| field(a, "AccountTypeId") == id)
            .map(|a| a["Id"].clone())
            .collect(),
    );
    account_type
}

fn load_type(db: &Db<'_>, type_id: &str) -> Result<Value, ApiError> {
    check_uuid("account_type_id", type_id)?;
    db.get(ACCOUNT_TYPE, &type_id.to_ascii_lowercase())?
        .filter(|t| field(t, "Status") != "DELETED")
        .ok_or_else(|| ApiError::not_found(format!("Account type {type_id} does not exist")))
}

/// `GET /20190206/accounts/types`.
pub(crate) async fn read_account_types(State(state): AppRef, RawQuery(raw): RawQuery) -> ApiResult {
    state.stats.operation("accounts.ReadAccountTypes");
    let q = parse_query(raw.as_deref());
    let ids = q.get("id_filter").map(|v| {
        comma_list(v)
            .into_iter()
            .map(|s| s.to_ascii_lowercase())
            .collect::<Vec<_>>()
    });
    let (types, accounts) = state
        .store
        .read(|db| Ok((db.list(ACCOUNT_TYPE)?, db.list(ACCOUNT)?)))?;
    let types: Vec<Value> = types
        .into_iter()
        .filter(|t| field(t, "Status") != "DELETED")
        .filter(|t| {
            ids.as_ref()
                .is_none_or(|i| i.contains(&field(t, "Id").to_owned()))
        })
        .map(|t| present_type(t, &accounts))
        .collect();
    ok(json!({"AccountTypes": types}))
}

/// `GET /20190206/accounts/types/{account_type_id}`.
pub(crate) async fn read_account_type(
    State(state): AppRef,
    Path(type_id): Path<String>,
) -> ApiResult {
    state.stats.operation("accounts.ReadAccountTypes");
    let (t, accounts) = state
        .store
        .read(|db| Ok((load_type(db, &type_id), db.list(ACCOUNT)?)))?;
    ok(json!({"AccountTypes": [present_type(t?, &accounts)]}))
}

/// `POST /20190206/accounts/types`: takes effect at once.
pub(crate) async fn create_account_type(State(state): AppRef, body: Bytes) -> ApiResult {
    state.stats.operation("accounts.CreateAccountType");
    let body = parse_body(&state, "accounts.CreateAccountType", &body)?;
    let name = field(&body, "Name").to_owned();
    let org = state.install.organisation_id.clone();
    let account_type = state.store.write(|db| {
        if find_type(db, &name)?.is_some() {
            return Err(ApiError::bad_request(format!(
                "An account type named {name} already exists"
            )));
        }
        let id = uuid();
        let now = now_iso();
        let t = json!({
            "Id": id, "Name": name, "OrganisationId": org, "Status": "ACTIVE",
            "Accounts": [], "Policies": [], "Roles": [], "StaxCreated": false,
            "CreatedTS": now, "ModifiedTS": now,
        });
        db.put(ACCOUNT_TYPE, &id, &t)?;
        Ok::<_, ApiError>(t)
    })?;
    ok(event(
        "accounts:CreateAccountType",
        "SUCCEEDED",
        &format!("Account type {name} created"),
        None,
        json!({"AccountType": account_type}),
    ))
}

/// `PUT /20190206/accounts/types/{account_type_id}`: renames at once.
pub(crate) async fn update_account_type(
    State(state): AppRef,
    Path(type_id): Path<String>,
    body: Bytes,
) -> ApiResult {
    state.stats.operation("accounts.UpdateAccountType");
    let body = parse_body(&state, "accounts.UpdateAccountType", &body)?;
    let name = field(&body, "Name").to_owned();
    let (t, accounts) = state.store.write(|db| {
        let mut t = load_type(db, &type_id)?;
        if let Some(other) = find_type(db, &name)?
            && other["Id"] != t["Id"]
        {
            return Err(ApiError::bad_request(format!(
                "An account type named {name} already exists"
            )));
        }
        t["Name"] = json!(name);
        t["ModifiedTS"] = json!(now_iso());
        db.put(ACCOUNT_TYPE, field(&t, "Id"), &t)?;
        Ok::<_, ApiError>((t, db.list(ACCOUNT)?))
    })?;
    ok(json!({"AccountTypes": present_type(t, &accounts)}))
}

/// `DELETE /20190206/accounts/types/{account_type_id}`: only an unused type can go.
pub(crate) async fn delete_account_type(
    State(state): AppRef,
    Path(type_id): Path<String>,
) -> ApiResult {
    state.stats.operation("accounts.DeleteAccountType");
    let t = state.store.write(|db| {
        let mut t = load_type(db, &type_id)?;
        let id = field(&t, "Id").to_owned();
        let in_use = db
            .list(ACCOUNT)?
            .iter()
            .filter(|a| field(a, "AccountTypeId") == id && field(a, "Status") != "CLOSED")
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
    ok(json!({"AccountTypes": present_type(t, &[])}))
}

/// `PUT /20190206/account-types/members`: moves accounts between types when the task succeeds.
pub(crate) async fn update_account_type_members(State(state): AppRef, body: Bytes) -> ApiResult {
    state.stats.operation("accounts.UpdateAccountTypeMembers");
    let body = parse_body(&state, "accounts.UpdateAccountTypeMembers", &body)?;
    let task_id = state.store.write(|db| {
        let mut effect = Effect::default();
        let mut ids = Vec::new();
        for member in body["Members"].as_array().into_iter().flatten() {
            let account = load_account(db, field(member, "AccountId"))?;
            let wanted = member
                .get("AccountTypeId")
                .or_else(|| member.get("AccountTypeName"))
                .and_then(Value::as_str)
                .unwrap_or("");
            let t = find_type(db, wanted)?.ok_or_else(|| {
                ApiError::not_found(format!("Account type {wanted} does not exist"))
            })?;
            let id = field(&account, "Id").to_owned();
            effect = effect.merge(ACCOUNT, &id, json!({"AccountTypeId": t["Id"]}));
            ids.push(id);
        }
        Ok::<_, ApiError>(tasks::create(
            db,
            state.task_delay,
            "accounts.UpdateAccountTypeMembers",
            Some("Accounts"),
            ids,
            Outcome::Succeed,
            effect,
        )?)
    })?;
    ok(event(
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
pub(crate) async fn update_account_type_access(State(state): AppRef, body: Bytes) -> ApiResult {
    state.stats.operation("accounts.UpdateAccountTypeAccess");
    let body = parse_body(&state, "accounts.UpdateAccountTypeAccess", &body)?;
    let task_id = state.store.write(|db| {
        let groups: Vec<Value> = db
            .list(crate::seed::GROUP)?
            .into_iter()
            .filter(|g| field(g, "Status") != "DELETED")
            .collect();
        let resolve = |entry: &Value, add: bool| -> Result<(String, Value), ApiError> {
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
                    field(g, "Id").eq_ignore_ascii_case(group_key) || field(g, "Name") == group_key
                })
                .ok_or_else(|| {
                    ApiError::bad_request(format!("Group {group_key} does not exist"))
                })?;
            if add && super::pending_operation(db, group)?.as_deref() == Some("teams.DeleteGroup") {
                return Err(ApiError::bad_request(format!(
                    "Group {group_key} is being deleted and cannot be granted a role"
                )));
            }
            Ok((
                field(&t, "Id").to_owned(),
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
        Ok::<_, ApiError>(tasks::create(
            db,
            state.task_delay,
            "accounts.UpdateAccountTypeAccess",
            None,
            vec![],
            Outcome::Succeed,
            effect,
        )?)
    })?;
    ok(event(
        "accounts:UpdateAccountTypeAccess",
        "STARTED",
        "Updating account type access",
        Some(&task_id),
        json!({}),
    ))
}
