//! What every networking kind shares: how its records live (statuses, walk, listing), how
//! its operations read and change them on the wire, and the served document's vocabulary.
//!
//! - Records are changed by tasks: `CREATE_IN_PROGRESS` to `ACTIVE` (or `CREATE_FAILED`),
//!   `UPDATE_IN_PROGRESS` back to `ACTIVE` (with the new values, or the old ones when the task
//!   fails), `DELETE_IN_PROGRESS` to `DELETED` (or `DELETE_FAILED`). `DELETED` and
//!   `CREATE_FAILED` records hold nothing.
//! - Lists have no pages; without `status` they show `ACTIVE`, `CREATE_IN_PROGRESS`,
//!   `CREATE_FAILED` and `UPDATE_IN_PROGRESS`. A read by id keeps to the same filter.
//! - Reads document only 404, so a path id that is not a UUID names nothing (404); changes
//!   document 400 and 404 but no 409, so a change of a record whose task still runs is a 400.
//! - A change answers a `networking.*Event`: its task's id is in `Detail.Message.TaskId` (the
//!   one place the closed event schemas leave for it), and a creation names the new record.

use axum::http::StatusCode;
use serde_json::{Map, Value, json};

use crate::areas::api::{Call, Operation};
use crate::areas::doc::{LIFECYCLE, r};
use crate::areas::resource::{self, Change, Done, Resource};
use crate::areas::rules::{find, missing, text};
use crate::protocol::{ApiError, ApiResult};
use crate::roles::Allowed;
use crate::store::Db;
use crate::store::kinds::{ACCOUNT, Failed, Kind, Listing, Shows, Stamps, Step, Walk, status};
use crate::store::query::{Filter, Query};
use crate::util::is_uuid;

/// Statuses of records that hold nothing: no dependency, no address, no name.
pub(crate) const ENDED: &[&str] = &["DELETED", "CREATE_FAILED"];

/// What a list shows when no `status` is asked for.
pub(crate) const SHOWN: &[&str] = &[
    "ACTIVE",
    "CREATE_IN_PROGRESS",
    "CREATE_FAILED",
    "UPDATE_IN_PROGRESS",
];

/// A networking kind unless it says otherwise: tasks walking Stax's statuses (a failed update
/// goes back to `ACTIVE` with its old values), stamped with `CreatedBy` and `UserTaskId` but
/// no `OrganisationId` (most networking records have none), listed whole with a `status`
/// filter. The names are to be given.
pub(crate) const KIND: Kind = Kind {
    stamps: Stamps {
        organisation: false,
        ..Stamps::STANDARD
    },
    walk: Walk {
        update: Step::task("UPDATE_IN_PROGRESS", "ACTIVE", Failed::Back),
        ..Walk::LIFECYCLE
    },
    ended: ENDED,
    listing: Listing {
        shows: Shows::Only(SHOWN),
        ..Listing::DEFAULT
    },
    ..Kind::DEFAULT
};

/// `GET` of a networking kind: as [`resource::read`], except that a path id that is not a
/// UUID is a 404, and a read by id answers only a record its status filter shows (a deleted
/// record is read with `status=DELETED`).
pub(crate) fn read<R: Resource>(call: &Call<'_>) -> ApiResult<Value> {
    ids_or_404(call)?;
    let kind = R::KIND;
    if !call.params.iter().any(|(name, _)| name == kind.param) {
        return resource::read::<R>(call);
    }
    call.read(|db| {
        let record = resource::load(call, db, kind, true)?;
        if !shown(call, kind, &record) {
            return Err(missing(kind, call.param(kind.param)));
        }
        let mut records = [record];
        R::present(call, db, &mut records)?;
        let [record] = records;
        Ok(R::one(call, record))
    })
}

/// Refuses (404) a call whose path names an id that is not a UUID: reads document no 400.
pub(crate) fn ids_or_404(call: &Call<'_>) -> ApiResult<()> {
    match call.params.iter().find(|(_, value)| !is_uuid(value)) {
        Some((name, value)) => Err(ApiError::not_found(format!(
            "{name} '{value}' names nothing: ids are UUIDs"
        ))),
        None => Ok(()),
    }
}

/// Whether the call's status filter (or, without one, the kind's default) shows `record`.
fn shown(call: &Call<'_>, kind: &Kind, record: &Value) -> bool {
    let at = status(record);
    let asked = call.query_values(kind.listing.status.unwrap_or("status"));
    if !asked.is_empty() {
        return asked.iter().any(|s| s.eq_ignore_ascii_case(at));
    }
    match kind.listing.shows {
        Shows::All => true,
        Shows::AllBut(hidden) => !hidden.contains(&at),
        Shows::Only(only) => only.contains(&at),
    }
}

/// `PUT` of a networking kind: [`resource::update`], with a change under way a 400.
pub(crate) fn update<R: Resource>(call: &Call<'_>) -> ApiResult<Value> {
    resource::update::<R>(call).map_err(busy)
}

/// `DELETE` of a networking kind: [`resource::delete`], with a change under way a 400.
pub(crate) fn delete<R: Resource>(call: &Call<'_>) -> ApiResult<Value> {
    resource::delete::<R>(call).map_err(busy)
}

/// Networking documents no 409: a record whose last task still runs refuses a change with 400.
fn busy(err: ApiError) -> ApiError {
    if err.status == StatusCode::CONFLICT {
        ApiError::bad_request(err.error)
    } else {
        err
    }
}

/// The answer to a networking change: a `networking.*Event` naming the task in
/// `Detail.Message`, and for a creation the new record under `key`.
pub(crate) fn answer(done: &Done<'_>, key: &str) -> Value {
    let detail = match done.verb {
        resource::Verb::Create => json!({ key: {"Id": done.id()} }),
        _ => json!({}),
    };
    event(done.call, done.task.as_deref(), detail)
}

/// A `networking.*Event` of the call's operation: `STARTED` with the task's id in
/// `Detail.Message.TaskId`, and `detail`'s fields in `Detail`.
pub(crate) fn event(call: &Call<'_>, task: Option<&str>, detail: Value) -> Value {
    let operation = call.op.id.replacen('.', ":", 1);
    let mut out = Map::new();
    out.insert("Operation".into(), json!(operation));
    out.insert(
        "OperationStatus".into(),
        json!(if task.is_some() {
            "STARTED"
        } else {
            "SUCCEEDED"
        }),
    );
    out.insert("Severity".into(), json!("INFO"));
    if let Some(task) = task {
        out.insert("Message".into(), json!({ "TaskId": task }));
    }
    if let Value::Object(extra) = detail {
        out.extend(extra);
    }
    json!({"DetailType": operation, "Detail": out})
}

/// Refuses (400) a change that needs `record` (of `kind`) to be `ACTIVE`.
pub(crate) fn ensure_active(kind: &Kind, record: &Value) -> ApiResult<()> {
    let at = status(record);
    if at == "ACTIVE" {
        return Ok(());
    }
    Err(ApiError::bad_request(format!(
        "{} {} is {at}: it must be ACTIVE (wait for its task to end, or use another)",
        kind.what,
        kind.id_of(record)
    )))
}

/// The record of `kind` a body names in `field`: 404 when there is none (or it is deleted),
/// 400 unless it is `ACTIVE`.
pub(crate) fn named_active(
    db: &Db<'_>,
    kind: &Kind,
    (field, id): (&str, &str),
) -> ApiResult<Value> {
    let record = find(db, kind, (field, id)).map_err(|err| prefix(field, err))?;
    if kind.is_gone(&record) {
        return Err(prefix(field, missing(kind, id)));
    }
    ensure_active(kind, &record).map_err(|err| prefix(field, err))?;
    Ok(record)
}

fn prefix(field: &str, err: ApiError) -> ApiError {
    ApiError::new(err.status, format!("{field}: {}", err.error))
}

/// The account a body names in `field` (`AccountId`): 404 when the organisation has none of
/// that id, 400 unless it is `ACTIVE` (nothing is deployed into a closed or suspended account).
pub(crate) fn active_account(db: &Db<'_>, id: &str) -> ApiResult<Value> {
    named_active(db, ACCOUNT, ("AccountId", id))
}

/// The live records (not ended) of `kind` whose fields equal the given values.
pub(crate) fn live(db: &Db<'_>, kind: &Kind, equal: &[(&str, &str)]) -> ApiResult<Vec<Value>> {
    let mut query = Query::of(kind.name).filter(Filter::not_in("Status", kind.ended));
    for (field, value) in equal {
        query = query.filter(Filter::eq(field, value));
    }
    Ok(db.select(&query)?.items)
}

/// Refuses (400) a `Name` longer than a record of `kind` may hold (requests of some kinds
/// allow longer names than their records show).
pub(crate) fn short_name(body: &Value, kind: &Kind, most: usize) -> ApiResult<()> {
    let length = text(body, "Name").chars().count();
    if length > most {
        return Err(ApiError::bad_request(format!(
            "Name is {length} characters long: a {}'s name holds at most {most}",
            kind.what
        )));
    }
    Ok(())
}

/// Makes the task of `change` also write `fields` to its record when it succeeds (AWS ids
/// that exist once AWS has made the thing).
pub(crate) fn on_success(change: &mut Change<'_>, kind: &Kind, fields: Value) {
    let id = change.id.clone();
    change.effect = std::mem::take(&mut change.effect).merge(kind, &id, fields);
}

/// An AWS resource id derived from a Stax id: `prefix` and the first `digits` hex digits of
/// the UUID (stable, so the same record always shows the same AWS id).
pub(crate) fn aws_id(prefix: &str, id: &str, digits: usize) -> String {
    let hex: String = id
        .chars()
        .filter(char::is_ascii_hexdigit)
        .take(digits)
        .collect();
    format!("{prefix}{hex}")
}

/// Copies `Tags` from the body when it gives them (null included: tags cleared).
pub(crate) fn take_tags(change: &mut Change<'_>) {
    change.take(&["Tags"]);
}

// The served document.

/// A networking read: open to every role, answering `response`, 404 for an unknown id.
pub(crate) fn read_op(
    id: &'static str,
    path: &'static str,
    handler: crate::areas::api::Handler,
    response: &'static str,
    summary: &'static str,
) -> Operation {
    let mut params = path_params(path);
    params.push(status_param());
    Operation::new(id, "get", path, Allowed::READ, handler)
        .summary(summary)
        .params(params)
        .response(response)
        .errors(&[404])
}

/// A networking change: for administrators, answering an event (`response`), 400 when a rule
/// refuses it and 404 when what it names is unknown.
pub(crate) fn change_op(
    id: &'static str,
    (method, path): (&'static str, &'static str),
    handler: crate::areas::api::Handler,
    (body, response): (Option<&'static str>, &'static str),
    summary: &'static str,
) -> Operation {
    let mut op = Operation::new(id, method, path, Allowed::ADMIN, handler)
        .summary(summary)
        .params(path_params(path))
        .response(response)
        .errors(&[400, 404]);
    if let Some(body) = body {
        op = op.body(body);
    }
    op
}

/// The path parameters of `path` (`{dns_resolver_id}`), each a UUID.
pub(crate) fn path_params(path: &str) -> Vec<Value> {
    path.split('/')
        .filter_map(|segment| segment.strip_prefix('{')?.strip_suffix('}'))
        .map(|name| {
            let what = name.trim_end_matches("_id").replace('_', " ");
            json!({"name": name, "in": "path", "required": true,
                   "description": format!("Id of the {what}."),
                   "schema": r("uuidv4")})
        })
        .collect()
}

/// The `status` filter of networking lists.
pub(crate) fn status_param() -> Value {
    json!({"name": "status", "in": "query", "required": false,
           "description": "Comma-separated statuses to list; without it, those not being or having been deleted and not failed in an update.",
           "schema": {"type": "string", "default": SHOWN.join(",")}})
}

/// A networking record's `Status`.
pub(crate) fn status_schema() -> Value {
    json!({"type": "string", "readOnly": true, "enum": LIFECYCLE,
           "description": "Where the record is in its life; changes walk it through tasks."})
}

/// A name of at most `most` characters; with `pattern`, of letters, digits, spaces, `-` and
/// `_` only (what requests take).
pub(crate) fn name_schema(most: usize, pattern: bool) -> Value {
    let mut schema = json!({"type": "string", "minLength": 2, "maxLength": most});
    if pattern {
        schema["pattern"] = json!("^[a-zA-Z0-9-_ ]*$");
    }
    schema
}

/// A read-only timestamp.
pub(crate) fn timestamp() -> Value {
    json!({"type": "string", "format": "date-time", "readOnly": true})
}

/// `{"<key>": [<component>]}`, closed.
pub(crate) fn list_schema(key: &str, component: &str) -> Value {
    json!({"type": "object", "additionalProperties": false, "required": [key],
           "properties": {key: {"type": "array", "items": r(component)}}})
}

/// A `networking.*Event`; a creation's names the new record under `key` (`required`: always).
pub(crate) fn event_schema(created: Option<(&str, Value)>) -> Value {
    let mut detail = json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["Operation", "OperationStatus"],
        "properties": {
            "Operation": {"type": "string", "description": "service:Operation of the change."},
            "OperationStatus": r("OperationStatus"),
            "Severity": {"type": "string"},
            "TraceId": {"type": "string"},
            "Message": r("NetworkingEventMessage")
        }
    });
    if let Some((key, schema)) = created {
        detail["properties"][key] = schema;
        if let Some(required) = detail["required"].as_array_mut() {
            required.push(json!(key));
        }
    }
    json!({
        "type": "object",
        "additionalProperties": false,
        "description": "A change under way: its task's id is Detail.Message.TaskId.",
        "required": ["DetailType", "Detail"],
        "properties": {"DetailType": {"type": "string"}, "Detail": detail}
    })
}

/// `{"Id"}` of a record a change made.
pub(crate) fn made_id() -> Value {
    json!({"type": "object", "additionalProperties": false, "required": ["Id"],
           "properties": {"Id": r("ro-uuidv4")}})
}

/// The components every networking group uses.
pub(crate) fn schemas(s: &mut Map<String, Value>) {
    s.insert(
        "NetworkingTags".into(),
        json!({
            "type": "object",
            "nullable": true,
            "description": "Labels of a networking record: up to 50 keys.",
            "maxProperties": 50,
            "additionalProperties": {"type": "string", "minLength": 1, "maxLength": 256,
                                     "pattern": "^[a-zA-Z0-9+\\-=._:/@ ]*$"}
        }),
    );
    s.insert(
        "NetworkingEventMessage".into(),
        json!({
            "description": "What the change's event says: the task carrying it out, or a sentence.",
            "oneOf": [
                {"type": "object", "properties": {
                    "CustomerId": r("uuidv4"),
                    "TaskId": r("uuidv4"),
                    "TraceId": {"type": "string"}
                }},
                {"type": "string"}
            ]
        }),
    );
    s.insert(
        "AwsRegion".into(),
        json!({"type": "string", "description": "An AWS region.", "enum": AWS_REGIONS}),
    );
}

/// Every AWS region the API names, in order.
pub(crate) const AWS_REGIONS: [&str; 28] = [
    "af-south-1",
    "ap-east-1",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ca-central-1",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aws_ids_are_stable_and_shaped() {
        let id = "0b1d2c3e-0000-4000-8000-00000000000a";
        assert_eq!(aws_id("cgw-", id, 17), "cgw-0b1d2c3e000040008");
        assert_eq!(aws_id("dxvif-", id, 8), "dxvif-0b1d2c3e");
    }

    #[test]
    fn path_params_are_uuids() {
        let params = path_params("/20190206/networking/dnsresolvers/{dns_resolver_id}/dnsrules");
        assert_eq!(params.len(), 1);
        assert_eq!(params[0]["name"], "dns_resolver_id");
        assert_eq!(params[0]["description"], "Id of the dns resolver.");
    }

    #[test]
    fn events_name_their_task_in_the_message() {
        let schema = event_schema(Some(("DnsRule", made_id())));
        assert_eq!(schema["properties"]["Detail"]["required"][2], "DnsRule");
    }
}
