//! Accounts and account types over the store: what they look like, how they are found, and
//! the rules a change must keep (unique names, an existing type and unit).

use std::collections::HashMap;

use serde_json::{Map, Value, json};

use crate::areas::rules::{find, text};
use crate::protocol::{ApiError, ApiResult};
use crate::store::kinds::{ACCOUNT, ACCOUNT_TYPE, OU};
use crate::store::query::{Filter, Query};
use crate::store::{Db, StoreResult};

/// A new account's own fields.
pub(crate) struct NewAccount<'a> {
    pub name: &'a str,
    pub ou_id: Value,
    /// Its type: id and name.
    pub account_type: (&'a Value, &'a Value),
    /// `MEMBER`, `MANAGEMENT`, `SECURITY`, `LOGGING`.
    pub role: &'a str,
    pub aws_account_id: &'a str,
    pub alias: Value,
    pub assurance: &'a str,
    pub email: String,
    pub tags: Value,
}

/// The fields of a new account (beside the stamps its kind declares).
pub(crate) fn account_fields(a: NewAccount<'_>) -> Map<String, Value> {
    let (type_id, type_name) = a.account_type;
    let fields = json!({
        "Name": a.name,
        "OrganisationalUnitId": a.ou_id,
        "AccountTypeId": type_id,
        "AccountType": type_name,
        "AccountRole": a.role,
        "AwsAccountId": a.aws_account_id,
        "AwsAccountAlias": a.alias,
        "AwsAccountName": a.name,
        "AwsLoginURL": format!("https://{}.signin.aws.amazon.com/console", a.aws_account_id),
        "AssuranceState": a.assurance,
        "Email": a.email,
        "Origin": "STAX",
        "StaxCreated": true,
        "Tags": a.tags,
    });
    match fields {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// The fields of a new account type (beside the stamps its kind declares).
pub(crate) fn account_type_fields(name: &str, stax_created: bool) -> Map<String, Value> {
    let mut fields = Map::new();
    fields.insert("Name".into(), json!(name));
    fields.insert("Policies".into(), json!([]));
    fields.insert("Roles".into(), json!([]));
    fields.insert("StaxCreated".into(), json!(stax_created));
    fields
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

/// Refuses a name an open account other than `except` has (400).
pub(super) fn name_free(db: &Db<'_>, name: &str, except: Option<&str>) -> ApiResult<()> {
    let query = Query::of(ACCOUNT.name)
        .filter(Filter::eq("Name", name))
        .filter(Filter::not_in("Status", ACCOUNT.ended));
    let taken = db
        .select(&query)?
        .items
        .iter()
        .any(|a| Some(text(a, "Id")) != except);
    if taken {
        return Err(ApiError::bad_request(format!(
            "An account named {name} already exists"
        )));
    }
    Ok(())
}

/// An account by its path id (closed ones too): 400 unless a UUID, 404 when unknown.
pub(super) fn load_account(db: &Db<'_>, account_id: &str) -> ApiResult<Value> {
    find(db, ACCOUNT, ("account_id", account_id))
}

/// An account type that is not deleted, by its path id.
pub(super) fn load_type(db: &Db<'_>, type_id: &str) -> ApiResult<Value> {
    crate::areas::rules::load_live(db, ACCOUNT_TYPE, ("account_type_id", type_id))
}
