//! `accounts.*` on the wire: AWS accounts and account types. Reads, creations and updates
//! of both are their kinds' generic operations ([`Accounts`], [`AccountTypes`]) with the
//! rules below; closing an account is its kind's deletion, reached by the id in the body.

use serde_json::{Value, json};

use super::model::{
    NewAccount, account_fields, account_type_fields, find_type, load_account, load_type, name_free,
    present, require_ou, type_names,
};
use crate::areas::permission_sets::model::refuse_while_assigned;
use crate::areas::resource::{self, Change, Done, Resource, Verb};
use crate::areas::rules::{pending_operation, text};
use crate::areas::wire::{event, query_bool};
use crate::areas::{Call, Plan};
use crate::protocol::{ApiError, ApiResult};
use crate::store::Db;
use crate::store::kinds::{ACCOUNT, ACCOUNT_TYPE, GROUP, Kind};
use crate::store::query::{Filter, Query};
use crate::store::tasks::Effect;
use crate::util::{comma_list, now_iso, random_from};

/// The rules of AWS accounts.
///
/// A new account needs an existing type (by name or id) and unit, and a name no open account
/// has; it is `INITIALIZING` until its task makes it `ACTIVE`. A change of a closed account
/// fails in its task; closing one that is not open fails too, and ends its policy
/// attachments.
pub(crate) struct Accounts;

impl Resource for Accounts {
    const KIND: &'static Kind = ACCOUNT;

    fn filters(call: &Call<'_>, _db: &Db<'_>, query: &mut Query<'_>) -> ApiResult<()> {
        let q = &call.query;
        if let Some(names) = q.get("account_names") {
            query.filters.push(Filter::is_in("Name", comma_list(names)));
        }
        if let Some(ids) = q.get("aws_account_id_filter") {
            query
                .filters
                .push(Filter::is_in("AwsAccountId", comma_list(ids)));
        }
        if let Some(types) = q.get("account_type_filter") {
            query
                .filters
                .push(Filter::is_in_nocase("AccountTypeId", comma_list(types)));
        }
        if let Some(text) = q
            .get("name_filter")
            .map(|n| n.trim().to_owned())
            .filter(|n| !n.is_empty())
        {
            query.filters.push(Filter::Contains {
                field: "Name".into(),
                text,
            });
        }
        Ok(())
    }

    /// Accounts are stored with their type's current name (a rename renames them), so a
    /// list with their tags shows them as stored.
    fn as_stored(call: &Call<'_>) -> ApiResult<bool> {
        query_bool(&call.query, "include_tags", true)
    }

    fn present(call: &Call<'_>, db: &Db<'_>, records: &mut [Value]) -> ApiResult<()> {
        let include_tags = query_bool(&call.query, "include_tags", true)?;
        let names = type_names(db)?;
        for account in records {
            present(account, &names, include_tags);
        }
        Ok(())
    }

    fn create(change: &mut Change<'_>) -> ApiResult<()> {
        let (db, body) = (change.db, change.body);
        let wanted = text(body, "AccountType");
        let account_type = find_type(db, wanted)?
            .ok_or_else(|| ApiError::bad_request(format!("AccountType {wanted} does not exist")))?;
        require_ou(db, body)?;
        let name = text(body, "Name");
        name_free(db, name, None)?;
        let aws_id = format!("2{}", random_from(b"0123456789", 11));
        change.fields = account_fields(NewAccount {
            name,
            ou_id: body
                .get("OrganisationalUnitId")
                .cloned()
                .unwrap_or(Value::Null),
            account_type: (&account_type["Id"], &account_type["Name"]),
            role: "MEMBER",
            aws_account_id: &aws_id,
            alias: body.get("AwsAccountAlias").cloned().unwrap_or(Value::Null),
            assurance: "NONE",
            email: format!("aws+{}@example.com", change.id),
            tags: body.get("Tags").cloned().unwrap_or(json!({})),
        });
        change.effect = std::mem::take(&mut change.effect).merge(
            ACCOUNT,
            &change.id,
            json!({"AssuranceState": "ACTIVE"}),
        );
        Ok(())
    }

    fn update(change: &mut Change<'_>) -> ApiResult<()> {
        let (db, body) = (change.db, change.body);
        change.take(&[
            "Name",
            "AwsAccountAlias",
            "AwsAccountName",
            "OrganisationalUnitId",
            "Tags",
        ]);
        if let Some(name) = body.get("Name").and_then(Value::as_str) {
            name_free(db, name, Some(&change.id))?;
        }
        if let Some(wanted) = body.get("AccountType").and_then(Value::as_str) {
            let t = find_type(db, wanted)?.ok_or_else(|| {
                ApiError::bad_request(format!("AccountType {wanted} does not exist"))
            })?;
            change
                .fields
                .insert("AccountTypeId".into(), t["Id"].clone());
            change
                .fields
                .insert("AccountType".into(), t["Name"].clone());
        }
        require_ou(db, body)?;
        if text(&change.record, "Status") == "CLOSED" {
            change.fail(format!(
                "account {} is CLOSED and cannot be updated",
                change.id
            ));
        }
        Ok(())
    }

    fn delete(change: &mut Change<'_>) -> ApiResult<()> {
        let id = change.id.clone();
        match text(&change.record, "Status") {
            "CLOSED" => change.fail(format!("account {id} is already CLOSED")),
            "ACTIVE" | "SUSPENDED" | "ERROR" | "AWSERROR" | "DISCOVERED" => {}
            other => change.fail(format!("account {id} is {other} and cannot be closed")),
        }
        // A closed account keeps no policy attachments.
        change.effect = crate::areas::policies::model::detach_all(change.db, "AccountId", &id)?;
        Ok(())
    }

    fn answer(done: &Done<'_>) -> ApiResult<Value> {
        let (record, body) = (&done.record, done.body);
        let name = body.get("Name").cloned().unwrap_or(record["Name"].clone());
        let (operation, message, detail) = match done.verb {
            Verb::Create => (
                "accounts:CreateAccount",
                format!("Creating account {}", text(record, "Name")),
                json!({"Account": {
                    "Name": record["Name"],
                    "AccountType": record["AccountType"],
                    "OrganisationId": record["OrganisationId"],
                    "Tags": record["Tags"],
                    "Operation": "CREATE",
                }}),
            ),
            Verb::Update => (
                "accounts:UpdateAccount",
                format!("Updating account {}", text(&done.before, "Name")),
                json!({"Account": {
                    "AccountId": record["Id"],
                    "AccountName": name,
                    "Name": name,
                    "OrganisationId": record["OrganisationId"],
                    "Operation": "UPDATE",
                }}),
            ),
            Verb::Delete => (
                "accounts:CloseAccount",
                "Closing account".to_owned(),
                json!({}),
            ),
        };
        let mut answer = event(operation, "STARTED", &message, None, detail);
        answer["TaskId"] = json!(done.task);
        Ok(answer)
    }
}

/// `POST /20190206/accounts/close`: the account named by the body's `Id` goes the way of its
/// kind's deletion (`CLOSED` when its task ends).
pub(super) fn close_account(call: &Call<'_>) -> ApiResult<Value> {
    let body = call.json_body()?;
    call.write(|db| {
        let account = load_account(db, text(&body, "Id"))?;
        let done = resource::change_record::<Accounts>(call, db, Verb::Delete, account, &body)?;
        Accounts::answer(&done)
    })
}

/// The rules of account types: names unique without case, changed at once; an answer shows
/// the accounts of the type (`Accounts`, never stored: worked out from the accounts' own
/// `AccountTypeId` each time, so it follows every account made, moved or closed).
pub(crate) struct AccountTypes;

/// The accounts of the type `type_id`, oldest first.
fn of_type(type_id: &str) -> Query<'static> {
    Query::of(ACCOUNT.name).filter(Filter::eq("AccountTypeId", type_id))
}

impl Resource for AccountTypes {
    const KIND: &'static Kind = ACCOUNT_TYPE;

    fn present(_call: &Call<'_>, db: &Db<'_>, records: &mut [Value]) -> ApiResult<()> {
        for record in records {
            record["Accounts"] = json!(db.select_ids(&of_type(text(record, "Id")))?);
        }
        Ok(())
    }

    fn create(change: &mut Change<'_>) -> ApiResult<()> {
        let name = text(change.body, "Name");
        name_unused(change.db, name, None)?;
        change.fields = account_type_fields(name, false);
        Ok(())
    }

    fn update(change: &mut Change<'_>) -> ApiResult<()> {
        let name = text(change.body, "Name");
        name_unused(change.db, name, Some(&change.id))?;
        change.take(&["Name"]);
        // Accounts keep their type's name as it is now.
        let query = Query::of(ACCOUNT.name).filter(Filter::eq("AccountTypeId", &change.id));
        for mut account in change.db.select(&query)?.items {
            account["AccountType"] = json!(name);
            change.db.put(ACCOUNT, text(&account, "Id"), &account)?;
        }
        Ok(())
    }

    fn answer(done: &Done<'_>) -> ApiResult<Value> {
        let mut records = [done.record.clone()];
        Self::present(done.call, done.db, &mut records)?;
        let [account_type] = records;
        Ok(match done.verb {
            Verb::Create => event(
                "accounts:CreateAccountType",
                "SUCCEEDED",
                &format!("Account type {} created", text(&account_type, "Name")),
                None,
                json!({"AccountType": account_type}),
            ),
            _ => json!({"AccountTypes": account_type}),
        })
    }
}

/// `GET /20190206/accounts/types` and `/accounts/types/{account_type_id}`: the types (as
/// their generic read finds them), each with the ids of its accounts, which SQLite lists as
/// JSON text from the accounts' `AccountTypeId` index: no account is read or parsed.
pub(super) fn read_account_types(call: &Call<'_>) -> ApiResult<String> {
    let kind = AccountTypes::KIND;
    call.read(|db| {
        let types = if call.params.iter().any(|(name, _)| name == kind.param) {
            vec![resource::load(call, db, kind, kind.reads_gone)?]
        } else {
            resource::list_stored::<AccountTypes>(call, db)?.0
        };
        let mut answer = format!("{{{}:[", json!(kind.plural));
        for (i, mut account_type) in types.into_iter().enumerate() {
            // Records of earlier versions kept a copy, stale since.
            if let Some(fields) = account_type.as_object_mut() {
                fields.remove("Accounts");
            }
            let ids = db.select_ids_json(&of_type(text(&account_type, "Id")))?;
            let record = account_type.to_string();
            if i > 0 {
                answer.push(',');
            }
            // The record's text without its closing brace, then `Accounts` last.
            let open = record.strip_suffix('}').unwrap_or("{");
            answer.push_str(open);
            if open != "{" {
                answer.push(',');
            }
            answer.push_str(&format!("\"Accounts\":{ids}}}"));
        }
        answer.push_str("]}");
        Ok(answer)
    })
}

/// Refuses an account type name another live type than `except` has (400).
fn name_unused(db: &Db<'_>, name: &str, except: Option<&str>) -> ApiResult<()> {
    if let Some(other) = find_type(db, name)?
        && Some(text(&other, "Id")) != except
    {
        return Err(ApiError::bad_request(format!(
            "An account type named {name} already exists"
        )));
    }
    Ok(())
}

/// `DELETE /20190206/accounts/types/{account_type_id}`: only an unused type can go (no
/// account, no permission set assignment).
pub(super) fn delete_account_type(call: &Call<'_>) -> ApiResult<Value> {
    call.write(|db| {
        let mut t = load_type(db, call.param("account_type_id"))?;
        let id = text(&t, "Id").to_owned();
        refuse_while_assigned(db, ("AccountTypeId", &id), "Account type")?;
        let open = of_type(&id).filter(Filter::not_in("Status", ACCOUNT.ended));
        let in_use = db.select_ids(&open)?.len();
        if in_use > 0 {
            return Err(ApiError::bad_request(format!(
                "Account type {id} still has {in_use} account(s): move them first"
            )));
        }
        t["Status"] = json!("DELETED");
        t["ModifiedTS"] = json!(now_iso());
        db.put(ACCOUNT_TYPE, &id, &t)?;
        let mut records = [t];
        AccountTypes::present(call, db, &mut records)?;
        let [t] = records;
        Ok(json!({"AccountTypes": t}))
    })
}

/// `PUT /20190206/account-types/members`: moves accounts between types when the task succeeds.
pub(super) fn update_account_type_members(call: &Call<'_>) -> ApiResult<Value> {
    let body = call.json_body()?;
    let task_id = call.write(|db| {
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
            effect = effect.merge(
                ACCOUNT,
                &id,
                json!({"AccountTypeId": t["Id"], "AccountType": t["Name"]}),
            );
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
    let task_id = call.write(|db| {
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
