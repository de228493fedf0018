//! What the DNS, Direct Connect and VPN groups look up beyond `wire`'s: records a body names
//! that must be `ACTIVE`, live records matching several fields, path ids that name nothing,
//! and names longer than a record holds.

use serde_json::Value;

use super::hubs::HUB;
use super::vpcs::VPC;
use super::wire::{ensure_active, held, live_with};
use crate::areas::Call;
use crate::areas::rules::{find, missing, text};
use crate::protocol::{ApiError, ApiResult};
use crate::store::Db;
use crate::store::kinds::{Kind, Ref};
use crate::store::query::{Filter, Query};
use crate::util::is_uuid;

/// What a record joining a hub or one of its VPCs holds: the hub (a VPC's own, when it joins
/// a VPC) and the VPC.
pub(super) const HUB_OR_VPC: &[Ref] = &[held("NetworkingHubId", HUB), held("VpcId", VPC)];

/// The record of `kind` a body names in `field`: 404 when there is none (or it is deleted),
/// 400 unless it is `ACTIVE`; the field named in both.
pub(super) fn named_active(
    db: &Db<'_>,
    kind: &Kind,
    (field, id): (&str, &str),
) -> ApiResult<Value> {
    let named = |err: ApiError| ApiError::new(err.status, format!("{field}: {}", err.error));
    let record = find(db, kind, (field, id)).map_err(named)?;
    if kind.is_gone(&record) {
        return Err(named(missing(kind, id)));
    }
    ensure_active(kind, &record).map_err(named)?;
    Ok(record)
}

/// The live records (not ended) of `kind` whose fields equal the values given (a field with
/// `""` matches a missing or null one).
pub(super) fn live_where(
    db: &Db<'_>,
    kind: &Kind,
    equal: &[(&str, &str)],
) -> ApiResult<Vec<Value>> {
    let mut query = Query::of(kind.name).filter(Filter::not_in("Status", kind.ended));
    for (field, value) in equal {
        query = query.filter(Filter::eq(field, value));
    }
    Ok(db.select(&query)?.items)
}

/// Under a hub's path (`hub_id`), keeps a read to the records a live `child` of `kind` joining
/// that hub names in `field` (a customer gateway's connections, a gateway's associations);
/// elsewhere it changes nothing. An unknown hub is a 404.
pub(super) fn joined_to_hub(
    call: &Call<'_>,
    db: &Db<'_>,
    query: &mut Query<'_>,
    (child, field): (&Kind, &str),
) -> ApiResult<()> {
    let hub = call.param(HUB.param);
    if hub.is_empty() {
        return Ok(());
    }
    let hub = find(db, HUB, (HUB.param, hub))?;
    let mut ids: Vec<String> = live_with(db, child, ("NetworkingHubId", text(&hub, "Id")))?
        .iter()
        .map(|record| text(record, field).to_owned())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    query.filters.push(Filter::Ids(ids));
    Ok(())
}

/// Refuses (404) a call whose path names an id that is not a UUID: reads document no 400.
pub(super) fn ids_or_404(call: &Call<'_>) -> ApiResult<()> {
    match call.params.iter().find(|(_, value)| !is_uuid(value)) {
        Some((name, value)) => Err(ApiError::not_found(format!(
            "{name} '{value}' names nothing: ids are UUIDs"
        ))),
        None => Ok(()),
    }
}

/// Refuses (400) a `Name` longer than a record of `kind` holds (some requests take longer
/// names than their records show).
pub(super) fn short_name(body: &Value, kind: &Kind, most: usize) -> ApiResult<()> {
    let length = text(body, "Name").chars().count();
    if length > most {
        return Err(ApiError::bad_request(format!(
            "Name is {length} characters long: a {}'s name holds at most {most}",
            kind.what
        )));
    }
    Ok(())
}
