//! The request path networking answers on, shared by its groups: what every networking kind
//! declares alike (walk, listing), reads filtered by status even by id, refusals with the
//! statuses the document gives, events naming their task in `Detail.Message`, the account a
//! resource is deployed into, and the AWS ids of what Stax makes.
//!
//! The document's networking operations answer no 409 and their reads no 400: a change of a
//! record whose task runs is a 400 here, and a read of a malformed or unknown id a 404.

use std::fmt::Display;

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::areas::Call;
use crate::areas::resource::{self, Change, Done, Resource, Verb};
use crate::areas::rules::{missing, text};
use crate::protocol::{ApiError, ApiResult};
use crate::store::Db;
use crate::store::kinds::{
    ACCOUNT, Failed, Kind, Listing, OnDelete, Ref, Shows, Stamps, Step, Walk, status,
};
use crate::store::query::{Filter, Query};

/// What a networking list shows without a `status` filter (and so what a read by id finds).
pub(super) const SHOWN: &[&str] = &[
    "ACTIVE",
    "CREATE_IN_PROGRESS",
    "CREATE_FAILED",
    "UPDATE_IN_PROGRESS",
];

/// How networking kinds list: a `status` filter (comma-separated, any value; an unknown one
/// matches nothing), [`SHOWN`] without it, no paging.
pub(super) const LISTING: Listing = listing(Shows::Only(SHOWN));

/// How a networking kind lists: by a `status` filter, `shows` without it, no paging.
pub(super) const fn listing(shows: Shows) -> Listing {
    Listing {
        status: Some("status"),
        shows,
        ..Listing::DEFAULT
    }
}

/// How networking kinds changed by tasks walk: Stax's life cycle, except that an update
/// that fails goes back to where it was (with its old values; the failure is in the task's
/// logs) rather than to `UPDATE_FAILED`, which no default list shows.
pub(super) const WALK: Walk = Walk {
    update: Step::task("UPDATE_IN_PROGRESS", "ACTIVE", Failed::Back),
    ..Walk::LIFECYCLE
};

/// Statuses of networking records that hold nothing: no space, no dependency.
pub(super) const ENDED: &[&str] = &["DELETED", "CREATE_FAILED"];

/// The stamps of networking records whose schema has no `OrganisationId` (they belong to the
/// organisation all the same, through the store).
pub(super) const STAMPS: Stamps = Stamps {
    organisation: false,
    ..Stamps::STANDARD
};

/// A networking kind changed by tasks, as most are: [`STAMPS`], [`WALK`], [`ENDED`] and
/// [`LISTING`]. `names` are its store name, what a sentence calls it, the plural its lists
/// answer under and its path parameter; `parent` is what holds it.
pub(super) const fn task_kind(names: [&'static str; 4], parent: Option<Ref>) -> Kind {
    let [name, what, plural, param] = names;
    Kind {
        name,
        what,
        plural,
        param,
        parent,
        stamps: STAMPS,
        walk: WALK,
        ended: ENDED,
        listing: LISTING,
        ..Kind::DEFAULT
    }
}

/// A record of `kind` named in `field`, which is not deleted while the record naming it
/// lives.
pub(super) const fn held(field: &'static str, kind: &'static Kind) -> Ref {
    Ref {
        field,
        kind,
        on_delete: OnDelete::Refuse,
    }
}

/// `GET` of a networking kind: the list the path and query ask for (under a record the path
/// names, or the one record it names, filtered by status as lists are), always
/// `{"<Plural>": [...]}` without paging; 404 for an id that names nothing the filters keep.
pub(super) fn read<R: Resource>(call: &Call<'_>) -> ApiResult<Value> {
    let kind = R::KIND;
    let id = call.param(kind.param);
    call.read(|db| {
        let (records, _) = resource::list::<R>(call, db)?;
        if !id.is_empty() && records.is_empty() {
            return Err(missing(kind, id));
        }
        Ok(R::listed(call, records, None))
    })
    .map_err(|err| {
        if err.status == StatusCode::BAD_REQUEST {
            ApiError::not_found(err.error)
        } else {
            err
        }
    })
}

/// `PUT` of a networking kind: [`resource::update`], a busy record refused with a 400.
pub(super) fn update<R: Resource>(call: &Call<'_>) -> ApiResult<Value> {
    resource::update::<R>(call).map_err(busy)
}

/// `DELETE` of a networking kind: [`resource::delete`], a busy record refused with a 400.
pub(super) fn delete<R: Resource>(call: &Call<'_>) -> ApiResult<Value> {
    resource::delete::<R>(call).map_err(busy)
}

/// A change refused because another runs (409 in the framework) is a 400 in networking.
fn busy(err: ApiError) -> ApiError {
    if err.status == StatusCode::CONFLICT {
        ApiError::bad_request(err.error)
    } else {
        err
    }
}

/// A refusal of one of the pure rules, whose message names the field and the fix.
pub(super) fn bad(err: impl Display) -> ApiError {
    ApiError::bad_request(err.to_string())
}

/// The answer to a networking change made by a task: `STARTED`, the task's id in
/// `Detail.Message` (the only room the document's closed events leave for it), and for a
/// creation the new record's id under `key` (`NetworkingHub`, `VPC`, ...).
pub(super) fn event(done: &Done<'_>, key: &str) -> Value {
    let operation = done.call.op.id.replacen('.', ":", 1);
    let mut detail = json!({
        "Operation": operation,
        "OperationStatus": "STARTED",
        "Severity": "INFO",
    });
    if let Some(task) = &done.task {
        detail["Message"] = json!({ "TaskId": task });
    }
    if done.verb == Verb::Create {
        detail[key] = json!({ "Id": done.id() });
    }
    json!({ "DetailType": operation, "Detail": detail })
}

/// Refuses a change of a record that is not `ACTIVE` (one that failed, or whose deletion
/// failed), naming what may be done instead.
pub(super) fn ensure_active(kind: &Kind, record: &Value) -> ApiResult<()> {
    match status(record) {
        "ACTIVE" => Ok(()),
        other => Err(ApiError::bad_request(format!(
            "{} {} is {other}: only an ACTIVE {} can be changed or used (delete it and make another)",
            kind.what,
            kind.id_of(record),
            kind.what.to_lowercase()
        ))),
    }
}

/// Copies the body's fields into the record's, renamed (`CreateInternetGateway` becomes
/// `CreateIgw`): `(from, to)` pairs, those the body has.
pub(super) fn rename(change: &mut Change<'_>, pairs: &[(&str, &str)]) {
    for (from, to) in pairs {
        if let Some(value) = change.body.get(*from) {
            change.fields.insert((*to).to_owned(), value.clone());
        }
    }
}

/// The body's `field`, or `default` when it has none.
pub(super) fn or(body: &Value, field: &str, default: Value) -> Value {
    body.get(field).cloned().unwrap_or(default)
}

/// The account a body names as `field` to deploy into: it must be one of the organisation's
/// and `ACTIVE`. `unknown` is the status of the answer when no such account exists (404
/// where the document's 404 names the account, 400 elsewhere); an account that is not active
/// is always a 400.
pub(super) fn account(
    db: &Db<'_>,
    (field, id): (&str, &str),
    unknown: StatusCode,
) -> ApiResult<Value> {
    let found = if crate::util::is_uuid(id) {
        db.get(ACCOUNT, &id.to_ascii_lowercase())?
    } else {
        None
    };
    let Some(account) = found.filter(|a| status(a) != "CLOSED") else {
        return Err(ApiError::new(
            unknown,
            format!("{field}: account {id} does not exist in the organisation"),
        ));
    };
    if status(&account) != "ACTIVE" {
        return Err(ApiError::bad_request(format!(
            "{field}: account {id} is {}; networking resources are deployed into ACTIVE accounts",
            status(&account)
        )));
    }
    Ok(account)
}

/// The live records of `kind` (not ended) whose `field` is `value`.
pub(super) fn live_with(
    db: &Db<'_>,
    kind: &Kind,
    (field, value): (&str, &str),
) -> ApiResult<Vec<Value>> {
    let query = Query::of(kind.name)
        .filter(Filter::eq(field, value))
        .filter(Filter::not_in("Status", kind.ended));
    Ok(db.select(&query)?.items)
}

/// A record of `kind` a body names by id as `field` that must be live and belong to the hub
/// `hub` (by its `NetworkingHubId`): 400 otherwise, naming the field.
pub(super) fn of_hub(
    db: &Db<'_>,
    kind: &Kind,
    (field, id): (&str, &str),
    hub: &str,
) -> ApiResult<Value> {
    let found = if crate::util::is_uuid(id) {
        db.get(kind, &id.to_ascii_lowercase())?
    } else {
        None
    };
    found
        .filter(|r| !kind.ended.contains(&status(r)) && text(r, "NetworkingHubId") == hub)
        .ok_or_else(|| {
            ApiError::bad_request(format!(
                "{field}: {} {id} is not a live {} of networking hub {hub}",
                kind.what,
                kind.what.to_lowercase()
            ))
        })
}

/// The AWS id of what Stax makes for a record: `prefix` and the first 17 hex digits of the
/// record's id (AWS's long ids are 17 hex digits), stable without being stored.
pub(super) fn aws_id(prefix: &str, id: &str) -> String {
    let digits: String = id
        .chars()
        .filter(char::is_ascii_hexdigit)
        .take(17)
        .collect::<String>()
        .to_ascii_lowercase();
    format!("{prefix}{digits}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aws_ids_are_derived_from_stax_ids() {
        let id = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";
        assert_eq!(aws_id("vpc-", id), "vpc-0f1e2d3c4b5a49688");
        // A transit gateway id is 21 characters, as the document's pattern wants.
        assert_eq!(aws_id("tgw-", id).len(), 21);
        assert_eq!(aws_id("pl-", &id.to_uppercase()), aws_id("pl-", id));
    }
}
