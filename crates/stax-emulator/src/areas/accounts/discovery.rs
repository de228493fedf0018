//! AWS accounts Stax does not govern yet: discovering them (`DiscoverAccounts`, all or one)
//! and onboarding one (`OnboardAccount`).
//!
//! The organisation's AWS organisation may hold accounts made outside Stax: they are records
//! of [`AWS_MEMBER`] (what AWS knows, not answered by any read). A discovery is a task; when
//! it ends, each of them that Stax has no open account of becomes an account `DISCOVERED`
//! (origin `EXTERNAL`, no type, no unit), listed in the task. Onboarding a discovered account
//! gives it a type (and a name, unit and tags): `ONBOARDING` while its task runs, then
//! `ACTIVE`, or `DISCOVERED` again when the task fails.

use serde_json::{Map, Value, json};

use super::model::{find_type, name_free, require_ou};
use crate::areas::rules::{self, text};
use crate::areas::wire::trace_id;
use crate::areas::{Call, Plan};
use crate::protocol::{ApiError, ApiResult};
use crate::store::Db;
use crate::store::kinds::{ACCOUNT, Kind, Stamps, Walk};
use crate::store::query::{Filter, Query};
use crate::store::tasks::{Effect, TaskQuery, TaskState};
use crate::util::{now_iso, uuid};

/// An account of the organisation's AWS organisation that Stax did not make: `AwsAccountId`,
/// `Name`, `Email`.
pub(crate) const AWS_MEMBER: &Kind = &Kind {
    name: "aws_member_account",
    what: "AWS account",
    plural: "AwsAccounts",
    param: "aws_account_id",
    stamps: Stamps::NONE,
    walk: Walk::AT_ONCE,
    ..Kind::DEFAULT
};

/// Statuses of accounts that no longer stand for their AWS account in Stax.
const LEFT: [&str; 2] = ["CLOSED", "OFFBOARDED"];

/// The fields of an AWS account made outside Stax (for the seed).
pub(crate) fn member_fields(aws_account_id: &str, name: &str) -> Map<String, Value> {
    let mut fields = Map::new();
    fields.insert("AwsAccountId".into(), json!(aws_account_id));
    fields.insert("Name".into(), json!(name));
    fields.insert("Email".into(), json!(format!("aws+{name}@example.com")));
    fields
}

/// The open account Stax has of the AWS account `aws_account_id`, if any.
fn governed(db: &Db<'_>, aws_account_id: &str) -> ApiResult<Option<Value>> {
    let query = Query::of(ACCOUNT.name)
        .filter(Filter::eq("AwsAccountId", aws_account_id))
        .filter(Filter::not_in("Status", &LEFT));
    Ok(db.select(&query)?.items.into_iter().next())
}

/// Refuses a discovery while another runs (409).
fn one_discovery_at_a_time(db: &Db<'_>) -> ApiResult<()> {
    let running = TaskQuery {
        operations: Some(vec!["accounts.DiscoverAccounts".into()]),
        states: Some(vec![TaskState::Pending]),
        limit: Some(1),
        ..TaskQuery::default()
    };
    if let Some(task) = db.select_tasks(&running)?.0.first() {
        return Err(ApiError::conflict(format!(
            "An account discovery is in progress (task {}); wait for it to end",
            task.id
        )));
    }
    Ok(())
}

/// The account a discovery makes of `member`.
fn discovered(db: &Db<'_>, id: &str, member: &Value) -> Value {
    let name = text(member, "Name");
    let aws_id = text(member, "AwsAccountId");
    json!({
        "Id": id,
        "OrganisationId": db.org(),
        "Name": name,
        "Status": "DISCOVERED",
        "OrganisationalUnitId": null,
        "AccountTypeId": null,
        "AccountType": null,
        "AccountRole": "MEMBER",
        "AwsAccountId": aws_id,
        "AwsAccountAlias": null,
        "AwsAccountName": name,
        "AwsLoginURL": format!("https://{aws_id}.signin.aws.amazon.com/console"),
        "AssuranceState": "NONE",
        "Email": member["Email"],
        "Origin": "EXTERNAL",
        "StaxCreated": false,
        "Tags": {},
        "CreatedBy": null,
    })
}

/// `POST /20190206/accounts/discover` and `/accounts/discover/{aws_account_id}`: a task that
/// makes `DISCOVERED` accounts of the AWS organisation's accounts Stax has none of (all of
/// them, or the one named: 400 unless 12 digits, 404 when the AWS organisation has no such
/// account, 403 when Stax already has it); 409 while another discovery runs.
pub(super) fn discover_accounts(call: &Call<'_>) -> ApiResult<Value> {
    let named = call.param("aws_account_id");
    if call.params.iter().any(|(p, _)| p == "aws_account_id")
        && !(named.len() == 12 && named.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(ApiError::bad_request(format!(
            "aws_account_id must be 12 digits, not '{named}'"
        )));
    }
    let task = call.write(|db| {
        one_discovery_at_a_time(db)?;
        let mut query = Query::of(AWS_MEMBER.name);
        if !named.is_empty() {
            query = query.filter(Filter::eq("AwsAccountId", named));
        }
        let members = db.select(&query)?.items;
        if !named.is_empty() {
            if members.is_empty() {
                return Err(ApiError::not_found(format!(
                    "The organisation's AWS organisation has no account {named}"
                )));
            }
            if let Some(account) = governed(db, named)? {
                return Err(ApiError::forbidden(format!(
                    "AWS account {named} is already discovered: account {} ({})",
                    text(&account, "Id"),
                    text(&account, "Status")
                )));
            }
        }
        let (mut effect, mut ids) = (Effect::default(), Vec::new());
        for member in &members {
            if governed(db, text(member, "AwsAccountId"))?.is_none() {
                let id = uuid();
                effect = effect.insert(ACCOUNT, &id, discovered(db, &id, member));
                ids.push(id);
            }
        }
        Ok::<_, ApiError>(call.start_task(db, Plan::new(effect).subjects("Accounts", ids))?)
    })?;
    let operation = "accounts:DiscoverAccounts";
    let trace = trace_id();
    Ok(json!({
        "DetailType": operation,
        "Detail": {
            "Message": "Discovering AWS accounts",
            "Operation": operation,
            "OperationStatus": "STARTED",
            "Severity": "INFO",
            "TraceId": trace
        },
        "TaskId": task,
        "CustomerId": call.org(),
        "TraceId": trace
    }))
}

/// `POST /20190206/accounts/onboard`: a discovered account (by its AWS account id: 404 when
/// Stax has none, 400 unless `DISCOVERED`) takes a type (400 unless it exists), and
/// optionally a name, unit and tags, through a task (409 while another change of it runs).
pub(super) fn onboard_account(call: &Call<'_>) -> ApiResult<Value> {
    let body = call.json_body()?;
    call.write(|db| {
        let aws_id = text(&body, "AwsAccountId");
        let account = governed(db, aws_id)?.ok_or_else(|| {
            ApiError::not_found(format!(
                "Stax has no account of AWS account {aws_id}: discover it first (DiscoverAccounts)"
            ))
        })?;
        let id = text(&account, "Id").to_owned();
        rules::ensure_idle(db, &account, "Account")?;
        if text(&account, "Status") != "DISCOVERED" {
            return Err(ApiError::bad_request(format!(
                "Account {id} is {}: only DISCOVERED accounts are onboarded",
                text(&account, "Status")
            )));
        }
        let wanted = text(&body, "AccountType");
        let account_type = find_type(db, wanted)?
            .ok_or_else(|| ApiError::bad_request(format!("AccountType {wanted} does not exist")))?;
        require_ou(db, &body)?;
        let name = body
            .get("Name")
            .and_then(Value::as_str)
            .unwrap_or(text(&account, "Name"))
            .to_owned();
        name_free(db, &name, Some(&id))?;
        let mut fields = json!({
            "Status": "ACTIVE",
            "Name": name,
            "AccountTypeId": account_type["Id"],
            "AccountType": account_type["Name"],
            "AssuranceState": "ACTIVE",
        });
        for key in ["AwsAccountName", "OrganisationalUnitId", "Tags"] {
            if let Some(value) = body.get(key) {
                fields[key] = value.clone();
            }
        }
        let effect = Effect::default().merge(ACCOUNT, &id, fields).merge_on_fail(
            ACCOUNT,
            &id,
            json!({"Status": "DISCOVERED"}),
        );
        let (task, _) = rules::change(call, db, ACCOUNT, (account.clone(), "Account"), |_| {
            Ok(Plan::new(effect)
                .subjects("Accounts", vec![id.clone()])
                .interim("Status", json!("ONBOARDING"))
                .interim("ModifiedTS", json!(now_iso())))
        })?;
        let operation = "accounts:OnboardAccount";
        let trace = trace_id();
        Ok(json!({
            "DetailType": operation,
            "Detail": {
                "Account": {
                    "AccountId": id,
                    "AccountName": name,
                    "Name": name,
                    "AccountType": account_type["Id"],
                    "OrganisationId": db.org(),
                    "Tags": body.get("Tags").cloned().unwrap_or(json!({})),
                    "Operation": "UPDATE"
                },
                "Message": format!("Onboarding account {name}"),
                "Operation": operation,
                "OperationStatus": "STARTED",
                "Severity": "INFO",
                "TraceId": trace
            },
            "TaskId": task,
            "CustomerId": db.org(),
            "TraceId": trace
        }))
    })
}
