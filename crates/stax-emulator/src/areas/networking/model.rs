//! Networking made as its tasks would have made it, for the demo seed: the API's own rules and
//! blueprints (a block allocated, ranges checked, a peering's overlap refused), written as
//! they are once the creation has succeeded.

use serde_json::Value;

use super::blueprint::Blueprint;
use super::hubs::{HUB, hub_blueprint};
use super::peerings::{HUB_PEERING, peering_blueprint};
use super::prefix_list::ListType;
use super::prefix_lists::{PREFIX_LIST, list_blueprint};
use super::ranges::{CIDR_RANGE, range_blueprint};
use super::vpcs::{VPC, allocate_vpc};
use crate::areas::rules::find;
use crate::protocol::ApiResult;
use crate::store::Db;
use crate::store::kinds::{Kind, Stamp};
use crate::util::uuid;

/// What to make: each kind as its creation's body describes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Made {
    /// `CreateHub`'s body.
    Hub,
    /// `CreateCidrRange`'s body, in a hub.
    Range,
    /// `CreateVpc`'s body, in a hub.
    Vpc,
    /// `CreateHubPeering`'s body, from a hub.
    Peering,
    /// `CreateHubPrefixList`'s body, in a hub.
    HubPrefixList,
    /// `CreateVpcPrefixList`'s body, in a hub.
    VpcPrefixList,
}

/// Makes what `body` describes (in the hub `hub`, for all but hubs), finished: `stamp` says
/// when, by whom and through which ended task. Returns its id. Refuses what the API would.
pub(crate) fn make(
    db: &Db<'_>,
    what: Made,
    hub: Option<&str>,
    body: &Value,
    stamp: &Stamp<'_>,
) -> ApiResult<String> {
    let id = uuid();
    let hub = match hub {
        Some(hub) => find(db, HUB, ("hub_id", hub))?,
        None => Value::Null,
    };
    let (kind, blueprint): (&Kind, Blueprint) = match what {
        Made::Hub => (HUB, hub_blueprint(db, &id, body, stamp.at)?),
        Made::Range => (CIDR_RANGE, range_blueprint(db, &hub, body)?),
        Made::Vpc => (VPC, allocate_vpc(db, &hub, (&id, body), stamp.at)?),
        Made::Peering => (HUB_PEERING, peering_blueprint(db, &hub, &id, body)?),
        Made::HubPrefixList => (
            PREFIX_LIST,
            list_blueprint(db, &hub, (&id, ListType::Hub), body)?,
        ),
        Made::VpcPrefixList => (
            PREFIX_LIST,
            list_blueprint(db, &hub, (&id, ListType::Vpc), body)?,
        ),
    };
    let task = if kind.stamps.task { stamp.task } else { None };
    blueprint.seed(db, kind, &id, &Stamp { task, ..*stamp })?;
    Ok(id)
}
