//! Stand-ins for the hub and VPC kinds until their group lands: the declarations the DNS,
//! Direct Connect and VPN groups name, their reads, and a demo hub (with its transit VPC and
//! a VPC with a virtual private gateway) for `--seed demo`. Only the fields those groups read
//! are kept.

use serde_json::{Map, Value, json};

use super::common::{self, read_op};
use crate::areas::resource::Resource;
use crate::areas::{Area, Operation};
use crate::store::kinds::{Kind, OnDelete, Ref, Stamp, Stamps};
use crate::store::{Db, StoreResult};

/// The group: the hubs' and VPCs' reads.
pub(crate) const GROUP: Area = Area {
    operations,
    schemas,
    kinds: &[HUB, VPC],
};

struct Hubs;

impl Resource for Hubs {
    const KIND: &'static Kind = HUB;
}

struct Vpcs;

impl Resource for Vpcs {
    const KIND: &'static Kind = VPC;
}

fn operations() -> Vec<Operation> {
    vec![
        read_op(
            "networking.ReadHubs",
            "/20190206/networking/hubs",
            common::read::<Hubs>,
            "networking.ReadHubs",
            "List hubs",
        ),
        read_op(
            "networking.ReadHubs",
            "/20190206/networking/hubs/{hub_id}",
            common::read::<Hubs>,
            "networking.ReadHubs",
            "One hub, as a list of one",
        ),
        read_op(
            "networking.ReadVpcs",
            "/20190206/networking/vpcs",
            common::read::<Vpcs>,
            "networking.ReadVpcs",
            "List VPCs",
        ),
        read_op(
            "networking.ReadVpcs",
            "/20190206/networking/hubs/{hub_id}/vpcs",
            common::read::<Vpcs>,
            "networking.ReadVpcs",
            "The VPCs of a hub",
        ),
    ]
}

fn schemas(s: &mut Map<String, Value>) {
    let list = |key: &str| {
        json!({"type": "object", "required": [key],
               "properties": {key: {"type": "array", "items": {"type": "object"}}}})
    };
    s.insert("networking.ReadHubs".into(), list("Hubs"));
    s.insert("networking.ReadVpcs".into(), list("Vpcs"));
}

/// Networking hubs.
pub(crate) const HUB: &Kind = &Kind {
    name: "networking_hub",
    what: "Hub",
    plural: "Hubs",
    param: "hub_id",
    stamps: Stamps::STANDARD,
    ..common::KIND
};

/// VPCs of a hub.
pub(crate) const VPC: &Kind = &Kind {
    name: "vpc",
    what: "VPC",
    plural: "Vpcs",
    param: "vpc_id",
    parent: Some(Ref {
        field: "NetworkingHubId",
        kind: HUB,
        on_delete: OnDelete::Refuse,
    }),
    ..common::KIND
};

/// The demo's hub in `region`, deployed into `account`: a transit VPC (10.0.0.0/22) and a
/// flat VPC with a virtual private gateway (10.0.8.0/22). Returns the hub and the flat VPC's
/// id.
pub(crate) fn demo_hub(
    db: &Db<'_>,
    (account, region): (&str, &str),
    stamp: &Stamp<'_>,
) -> StoreResult<(Value, String)> {
    let hub_id = crate::util::uuid();
    let hub = object(json!({
        "Name": "demo-hub", "AccountId": account, "Region": region, "Asn": 64512,
    }));
    let hub = HUB.insert(db, &hub_id, hub, stamp)?;
    let with_hub = Stamp {
        parent: Some(&hub_id),
        ..*stamp
    };
    let vpc = |name: &str, kind: &str, cidr: &str, vgw: bool| {
        object(json!({
            "Name": name, "AccountId": account, "Region": region, "Type": kind,
            "Cidr": cidr, "Size": "SMALL", "CreateVgw": vgw,
        }))
    };
    VPC.insert(
        db,
        &crate::util::uuid(),
        vpc("demo-hub transit", "TRANSIT", "10.0.0.0/22", false),
        &with_hub,
    )?;
    let flat = crate::util::uuid();
    VPC.insert(
        db,
        &flat,
        vpc("apps", "FLAT", "10.0.8.0/22", true),
        &with_hub,
    )?;
    Ok((hub, flat))
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}
