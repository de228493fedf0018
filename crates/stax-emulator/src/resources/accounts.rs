//! `accounts.*`: AWS accounts and account types.

use std::collections::{BTreeMap, HashMap};

use axum::extract::{Path, RawQuery, State};
use serde_json::{Value, json};

use super::{AppRef, check_uuid, ok, page, query_bool, sort_items};
use crate::error::{ApiError, ApiResult};
use crate::store::Db;
use crate::store::StoreResult;
use crate::util::{comma_list, parse_query};

/// Store kind of accounts.
pub(crate) const ACCOUNT: &str = "account";
/// Store kind of account types.
pub(crate) const ACCOUNT_TYPE: &str = "account_type";

/// Accounts as answered: with the current name of their type, and Tags unless left out.
fn present(account: &mut Value, type_names: &HashMap<String, String>, include_tags: bool) {
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

fn type_names(db: &Db<'_>) -> StoreResult<HashMap<String, String>> {
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
