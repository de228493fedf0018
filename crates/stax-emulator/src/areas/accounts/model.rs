//! Accounts and account types over the store: what they look like, how they are found, and
//! the rules a change must keep (unique names, an existing type and unit).

use std::collections::HashMap;

use serde_json::{Value, json};

use crate::areas::rules::{find, text};
use crate::protocol::{ApiError, ApiResult};
use crate::store::kinds::{ACCOUNT, ACCOUNT_TYPE, OU};
use crate::store::{Db, StoreResult};

/// A new account.
pub(crate) struct NewAccount<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub organisation_id: &'a str,
    pub ou_id: Value,
    pub type_id: Value,
    /// Shown as `AccountType` (answers show the type's current name anyway).
    pub type_name: Value,
    /// `MEMBER`, `MANAGEMENT`, `SECURITY`, `LOGGING`.
    pub role: &'a str,
    pub aws_account_id: &'a str,
    pub alias: Value,
    pub assurance: &'a str,
    pub email: String,
    pub status: &'a str,
    pub tags: Value,
    pub created_by: Option<&'a str>,
    pub created: &'a str,
    pub task: Option<&'a str>,
}

/// Stores a new account; returns it.
pub(crate) fn insert_account(db: &Db<'_>, a: &NewAccount<'_>) -> StoreResult<Value> {
    let mut account = json!({
        "Id": a.id,
        "Name": a.name,
        "OrganisationId": a.organisation_id,
        "OrganisationalUnitId": a.ou_id,
        "AccountTypeId": a.type_id,
        "AccountType": a.type_name,
        "AccountRole": a.role,
        "AwsAccountId": a.aws_account_id,
        "AwsAccountAlias": a.alias,
        "AwsAccountName": a.name,
        "AwsLoginURL": format!("https://{}.signin.aws.amazon.com/console", a.aws_account_id),
        "AssuranceState": a.assurance,
        "Email": a.email,
        "Origin": "STAX",
        "Status": a.status,
        "StaxCreated": true,
        "Tags": a.tags,
        "CreatedTS": a.created,
        "ModifiedTS": a.created,
    });
    if let Some(by) = a.created_by {
        account["CreatedBy"] = json!(by);
    }
    if let Some(task) = a.task {
        account["UserTaskId"] = json!(task);
    }
    db.put(ACCOUNT, a.id, &account)?;
    Ok(account)
}

/// A new account type.
pub(crate) struct NewAccountType<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub organisation_id: &'a str,
    /// Whether Stax made it (the security type).
    pub stax_created: bool,
    pub created_by: Option<&'a str>,
    pub created: &'a str,
}

/// Stores a new account type; returns it.
pub(crate) fn insert_account_type(db: &Db<'_>, t: &NewAccountType<'_>) -> StoreResult<Value> {
    let mut account_type = json!({
        "Id": t.id,
        "Name": t.name,
        "OrganisationId": t.organisation_id,
        "Status": "ACTIVE",
        "Accounts": [],
        "Policies": [],
        "Roles": [],
        "StaxCreated": t.stax_created,
        "CreatedTS": t.created,
        "ModifiedTS": t.created,
    });
    if let Some(by) = t.created_by {
        account_type["CreatedBy"] = json!(by);
    }
    db.put(ACCOUNT_TYPE, t.id, &account_type)?;
    Ok(account_type)
}

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

/// The names of account types by id.
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

/// Finds an account type by id or (case-insensitive) name; deleted ones do not count.
pub(super) fn find_type(db: &Db<'_>, id_or_name: &str) -> StoreResult<Option<Value>> {
    let key = id_or_name.to_ascii_lowercase();
    Ok(db.list(ACCOUNT_TYPE)?.into_iter().find(|t| {
        text(t, "Status") != "DELETED"
            && (text(t, "Id").eq_ignore_ascii_case(&key) || text(t, "Name").to_lowercase() == key)
    }))
}

/// Refuses an `OrganisationalUnitId` (in `body`) that does not exist (400).
pub(super) fn require_ou(db: &Db<'_>, body: &Value) -> ApiResult<()> {
    if let Some(ou) = body.get("OrganisationalUnitId").and_then(Value::as_str)
        && db
            .get(OU, &ou.to_ascii_lowercase())?
            .is_none_or(|o| o["Status"] == "DELETED")
    {
        return Err(ApiError::bad_request(format!(
            "OrganisationalUnitId {ou} does not exist"
        )));
    }
    Ok(())
}

/// Whether an open account other than `except` has this name.
pub(super) fn name_taken(db: &Db<'_>, name: &str, except: Option<&str>) -> StoreResult<bool> {
    Ok(db.list(ACCOUNT)?.iter().any(|a| {
        text(a, "Name") == name && text(a, "Status") != "CLOSED" && Some(text(a, "Id")) != except
    }))
}

/// An account by its path id (closed ones too): 400 unless a UUID, 404 when unknown.
pub(super) fn load_account(db: &Db<'_>, account_id: &str) -> ApiResult<Value> {
    find(db, ACCOUNT, ("account_id", account_id), "Account")
}

/// Account types as answered: `Accounts` lists the accounts of the type now.
pub(super) fn present_type(mut account_type: Value, accounts: &[Value]) -> Value {
    let id = text(&account_type, "Id").to_owned();
    account_type["Accounts"] = Value::Array(
        accounts
            .iter()
            .filter(|a| text(a, "AccountTypeId") == id)
            .map(|a| a["Id"].clone())
            .collect(),
    );
    account_type
}

/// An account type that is not deleted, by its path id.
pub(super) fn load_type(db: &Db<'_>, type_id: &str) -> ApiResult<Value> {
    crate::areas::rules::load_live(
        db,
        ACCOUNT_TYPE,
        ("account_type_id", type_id),
        "Account type",
    )
}
