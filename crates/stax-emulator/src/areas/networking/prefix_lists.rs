//! Prefix lists of a hub: named sets of IPv4 blocks (room for 1 to 1000, never more entries
//! than room) routed in the hub's transit gateway to a target (`HUB` lists: a VPC, VPN
//! connection, Direct Connect gateway or peering of the hub, or a blackhole) or in the route
//! tables of the hub's VPCs (`VPC` lists). Their associations say which route tables, zones,
//! VPCs and subnets they reach. What a list routes to cannot be deleted while it does.

use serde_json::{Map, Value, json};

use super::blueprint::Blueprint;
use super::doc as d;
use super::dx::{ASSOCIATION as DX_ASSOCIATION, GATEWAY as DX_GATEWAY};
use super::hubs::HUB;
use super::peerings::HUB_PEERING;
use super::prefix_list::{
    ListType, Target, check_entries, check_max_entries, check_target, check_update,
};
use super::vpcs::VPC;
use super::vpn::CONNECTION as VPN_CONNECTION;
use super::wire::{self, ENDED, STAMPS, WALK, bad, ensure_active, listing, of_hub, or};
use crate::areas::doc::{path_param, r};
use crate::areas::resource::{self, Change, Done, Resource};
use crate::areas::rules::text;
use crate::areas::{Area, Operation};
use crate::protocol::{ApiError, ApiResult};
use crate::roles::Allowed;
use crate::store::Db;
use crate::store::kinds::{Kind, OnDelete, Ref, Shows, status};

/// What a prefix list's lists show without a `status` filter: deleted lists too.
const SHOWN: &[&str] = &[
    "ACTIVE",
    "CREATE_IN_PROGRESS",
    "CREATE_FAILED",
    "DELETE_IN_PROGRESS",
    "DELETED",
    "DELETE_FAILED",
    "UPDATE_IN_PROGRESS",
];

/// Prefix lists of hubs.
pub(crate) const PREFIX_LIST: &Kind = &Kind {
    name: "networking_prefix_list",
    what: "Prefix list",
    plural: "PrefixLists",
    param: "prefix_list_id",
    parent: Some(Ref {
        field: "NetworkingHubId",
        kind: HUB,
        on_delete: OnDelete::Refuse,
    }),
    // What a HUB list routes to stays while it does (ids are UUIDs: one names one kind).
    refs: &[
        Ref {
            field: "TargetId",
            kind: VPC,
            on_delete: OnDelete::Refuse,
        },
        Ref {
            field: "TargetId",
            kind: HUB_PEERING,
            on_delete: OnDelete::Refuse,
        },
        Ref {
            field: "TargetId",
            kind: VPN_CONNECTION,
            on_delete: OnDelete::Refuse,
        },
        Ref {
            field: "TargetId",
            kind: DX_GATEWAY,
            on_delete: OnDelete::Refuse,
        },
    ],
    stamps: STAMPS,
    walk: WALK,
    ended: ENDED,
    listing: listing(Shows::Only(SHOWN)),
    ..Kind::DEFAULT
};

pub(super) const GROUP: Area = Area {
    operations,
    schemas,
    kinds: &[PREFIX_LIST],
};

const ROUTE_TABLES: [&str; 4] = ["INFRASTRUCTURE", "ISOLATED", "ONPREMISES", "FLAT"];
const SUBNETS: [&str; 5] = [
    "PRIVATE",
    "PUBLIC",
    "RESTRICTED",
    "CONNECTIVITY",
    "ENDPOINT",
];
const VPC_TYPES: [&str; 4] = ["TRANSIT", "ISOLATED", "FLAT", "SHAREDSERVICES"];
const TARGETS: [&str; 5] = [
    "BLACKHOLE",
    "VPC",
    "VPN",
    "DIRECT_CONNECT_GATEWAY",
    "HUB_PEERING",
];

/// A live record of the kind stored as `kind` with the id `id`.
fn live(db: &Db<'_>, kind: &str, id: &str) -> ApiResult<Option<Value>> {
    if !crate::util::is_uuid(id) {
        return Ok(None);
    }
    Ok(db
        .get(kind, &id.to_ascii_lowercase())?
        .filter(|r| !ENDED.contains(&status(r))))
}

/// The AWS id of what a `HUB` list of the hub `hub` routes to (null for a blackhole); 400
/// unless `id` names a live resource of the hub of the target's kind.
fn target_aws_id(db: &Db<'_>, hub: &str, target: Target, id: Option<&str>) -> ApiResult<Value> {
    let Some(id) = id else {
        return Ok(Value::Null);
    };
    let refused = || {
        ApiError::bad_request(format!(
            "TargetId: {id} is no live {} of networking hub {hub}",
            target.resource().unwrap_or("resource")
        ))
    };
    let aws = |record: &Value, field: &str, prefix: &str| {
        record
            .get(field)
            .filter(|v| v.is_string())
            .cloned()
            .unwrap_or_else(|| json!(wire::aws_id(prefix, text(record, "Id"))))
    };
    Ok(match target {
        Target::Blackhole => Value::Null,
        Target::Vpc => aws(
            &of_hub(db, VPC, ("TargetId", id), hub).map_err(|_| refused())?,
            "AwsVpcId",
            "vpc-",
        ),
        Target::HubPeering => {
            let peering = live(db, HUB_PEERING.name, id)?
                .filter(|p| {
                    text(p, "SourceNetworkingHubId") == hub
                        || text(p, "DestinationNetworkingHubId") == hub
                })
                .ok_or_else(refused)?;
            aws(&peering, "SourceTgwPeeringAttachmentId", "tgw-attach-")
        }
        Target::Vpn => {
            let vpn = live(db, VPN_CONNECTION.name, id)?
                .filter(|v| text(v, "NetworkingHubId") == hub)
                .ok_or_else(refused)?;
            aws(&vpn, "AwsVpnConnectionId", "vpn-")
        }
        Target::DirectConnectGateway => {
            let gateway = live(db, DX_GATEWAY.name, id)?.ok_or_else(refused)?;
            let associated = db.list(DX_ASSOCIATION.name)?.iter().any(|a| {
                text(a, "DxGatewayId") == text(&gateway, "Id")
                    && text(a, "NetworkingHubId") == hub
                    && !ENDED.contains(&status(a))
            });
            if !associated {
                return Err(refused());
            }
            gateway.get("AwsGatewayId").cloned().unwrap_or(Value::Null)
        }
    })
}

/// The VPCs a `VPC` list names (`VpcIds`): live VPCs of the hub `hub`, none twice; their ids.
fn check_vpc_ids(db: &Db<'_>, hub: &str, ids: &Value) -> ApiResult<Value> {
    let mut seen: Vec<String> = Vec::new();
    for (i, id) in ids.as_array().into_iter().flatten().enumerate() {
        let field = format!("VpcIds[{i}]");
        let vpc = of_hub(db, VPC, (&field, id.as_str().unwrap_or_default()), hub)?;
        let vpc_id = text(&vpc, "Id").to_owned();
        if seen.contains(&vpc_id) {
            return Err(ApiError::bad_request(format!(
                "{field}: VPC {vpc_id} is named twice"
            )));
        }
        seen.push(vpc_id);
    }
    Ok(json!(seen))
}

/// The entries of a body as text (a non-text entry is refused as malformed by the rules).
fn entries(body: &Value) -> Option<Vec<&str>> {
    body.get("Entries")?
        .as_array()
        .map(|list| list.iter().map(|e| e.as_str().unwrap_or("?")).collect())
}

/// A new prefix list of `hub` of the type `list`, as `CreateHubPrefixList` or
/// `CreateVpcPrefixList` asks for it, with the id `id`. Refuses (400) a hub that is not
/// active, room for fewer than 1 or more than 1000 entries, entries that are not distinct
/// canonical IPv4 blocks or more than the room, a `HUB` list's target that is not a live
/// resource of the hub (or a blackhole with an id), and `VpcIds` that are not live VPCs of
/// the hub.
pub(super) fn list_blueprint(
    db: &Db<'_>,
    hub: &Value,
    (id, list): (&str, ListType),
    body: &Value,
) -> ApiResult<Blueprint> {
    ensure_active(HUB, hub)?;
    let hub_id = text(hub, "Id");
    let max = check_max_entries(body["MaxEntries"].as_i64().unwrap_or(0)).map_err(bad)?;
    let blocks = check_entries(&entries(body).unwrap_or_default(), max).map_err(bad)?;
    let target_type = body.get("TargetType").and_then(Value::as_str);
    let target_id = body.get("TargetId").and_then(Value::as_str);
    let target = check_target(list, target_type, target_id).map_err(bad)?;
    let aws_target = match target {
        Some(target) => target_aws_id(db, hub_id, target, target_id)?,
        None => Value::Null,
    };
    let vpc_ids = match body.get("VpcIds") {
        Some(ids) => check_vpc_ids(db, hub_id, ids)?,
        None => Value::Null,
    };
    let mut fields = Map::new();
    for (key, value) in [
        ("Name", json!(text(body, "Name"))),
        ("NetworkingHubId", json!(hub_id)),
        ("PrefixListType", json!(list.name())),
        (
            "Entries",
            json!(blocks.iter().map(ToString::to_string).collect::<Vec<_>>()),
        ),
        ("MaxEntries", json!(max)),
        ("TargetType", json!(target.map(Target::name))),
        ("TargetId", json!(target_id.map(str::to_ascii_lowercase))),
        ("AwsTargetId", Value::Null),
        ("AwsPrefixListId", Value::Null),
        ("RouteTableTypes", or(body, "RouteTableTypes", Value::Null)),
        ("Zones", or(body, "Zones", Value::Null)),
        ("VpcIds", vpc_ids),
        ("VpcTypes", or(body, "VpcTypes", Value::Null)),
        ("SubnetTypes", or(body, "SubnetTypes", Value::Null)),
        ("Tags", or(body, "Tags", Value::Null)),
    ] {
        fields.insert(key.into(), value);
    }
    let mut done = Map::new();
    done.insert("AwsPrefixListId".into(), json!(wire::aws_id("pl-", id)));
    done.insert("AwsTargetId".into(), aws_target);
    Ok(Blueprint {
        fields,
        done,
        with: Vec::new(),
    })
}

/// The type of a stored list.
fn type_of(record: &Value) -> ListType {
    if text(record, "PrefixListType") == "VPC" {
        ListType::Vpc
    } else {
        ListType::Hub
    }
}

/// Refuses an association change of a list of the other type, naming the operation to use.
fn ensure_type(record: &Value, wanted: ListType) -> ApiResult<()> {
    let list = type_of(record);
    if list == wanted {
        return Ok(());
    }
    let instead = match list {
        ListType::Hub => "UpdateHubPrefixListAssociation",
        ListType::Vpc => "UpdateVpcPrefixListAssociation",
    };
    Err(ApiError::bad_request(format!(
        "prefix list {} is a {} list: change its associations with {instead}",
        text(record, "Id"),
        list.name()
    )))
}

/// The rules of an `UpdatePrefixList`: name, tags, entries and room (what is not given is
/// kept; the room never drops below the entries), and a `HUB` list's target (a new
/// `TargetType` takes its `TargetId` from the same request only).
fn update_list(change: &mut Change<'_>) -> ApiResult<()> {
    let body = change.body;
    let record = change.record.clone();
    let hub = text(&record, "NetworkingHubId");
    let current: Vec<ipnet::Ipv4Net> = record["Entries"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e.as_str()?.parse().ok())
        .collect();
    let current_max = record["MaxEntries"]
        .as_u64()
        .and_then(|m| u32::try_from(m).ok())
        .unwrap_or(0);
    let given = entries(body);
    let (blocks, max) = check_update(
        &current,
        current_max,
        given.as_deref(),
        body.get("MaxEntries").and_then(Value::as_i64),
    )
    .map_err(bad)?;
    if given.is_some() {
        let blocks: Vec<String> = blocks.iter().map(ToString::to_string).collect();
        change.fields.insert("Entries".into(), json!(blocks));
    }
    if body.get("MaxEntries").is_some() {
        change.fields.insert("MaxEntries".into(), json!(max));
    }
    change.take(&["Name", "Tags"]);
    let target_type = body.get("TargetType").and_then(Value::as_str);
    let target_id = body.get("TargetId").and_then(Value::as_str);
    let list = type_of(&record);
    if list == ListType::Vpc {
        check_target(list, target_type, target_id).map_err(bad)?;
        return Ok(());
    }
    if target_type.is_none() && target_id.is_none() {
        // A HUB list keeps its target unless the update gives one.
        return Ok(());
    }
    let target_type = target_type.or_else(|| record["TargetType"].as_str());
    let target = check_target(list, target_type, target_id)
        .map_err(bad)?
        .unwrap_or(Target::Blackhole);
    let aws = target_aws_id(change.db, hub, target, target_id)?;
    change
        .fields
        .insert("TargetType".into(), json!(target.name()));
    change.fields.insert(
        "TargetId".into(),
        json!(target_id.map(str::to_ascii_lowercase)),
    );
    change.fields.insert("AwsTargetId".into(), aws);
    Ok(())
}

/// The rules of prefix lists.
pub(super) struct PrefixLists;

impl Resource for PrefixLists {
    const KIND: &'static Kind = PREFIX_LIST;

    fn create(change: &mut Change<'_>) -> ApiResult<()> {
        let list = if change.call.op.id == "networking.CreateVpcPrefixList" {
            ListType::Vpc
        } else {
            ListType::Hub
        };
        let hub = change.parent.clone().unwrap_or_default();
        let blueprint = list_blueprint(change.db, &hub, (&change.id, list), change.body)?;
        blueprint.build(PREFIX_LIST, change)?;
        Ok(())
    }

    fn update(change: &mut Change<'_>) -> ApiResult<()> {
        ensure_active(PREFIX_LIST, &change.record)?;
        match change.call.op.id {
            "networking.UpdateHubPrefixListAssociation" => {
                ensure_type(&change.record, ListType::Hub)?;
                change.take(&["RouteTableTypes", "Zones"]);
            }
            "networking.UpdateVpcPrefixListAssociation" => {
                ensure_type(&change.record, ListType::Vpc)?;
                if let Some(ids) = change.body.get("VpcIds") {
                    let hub = text(&change.record, "NetworkingHubId").to_owned();
                    let ids = check_vpc_ids(change.db, &hub, ids)?;
                    change.fields.insert("VpcIds".into(), ids);
                }
                change.take(&["SubnetTypes", "VpcTypes", "Zones"]);
            }
            _ => update_list(change)?,
        }
        Ok(())
    }

    fn answer(done: &Done<'_>) -> ApiResult<Value> {
        Ok(wire::event(done, "PrefixList"))
    }
}

fn operations() -> Vec<Operation> {
    let hub = || path_param("hub_id", "The hub's id.");
    let list = || path_param("prefix_list_id", "The prefix list's id.");
    let read = |id, path, params| {
        Operation::new(id, "get", path, Allowed::READ, wire::read::<PrefixLists>)
            .params(params)
            .response("networking.ReadPrefixLists")
            .errors(&[404])
    };
    let change = |id, method, path, handler| {
        Operation::new(id, method, path, Allowed::ADMIN, handler).errors(&[400, 404])
    };
    Vec::from([
        read(
            "networking.ReadPrefixLists",
            "/20190206/networking/prefixlists",
            vec![d::status_param(SHOWN)],
        )
        .summary("List the prefix lists of every hub"),
        read(
            "networking.ReadPrefixList",
            "/20190206/networking/prefixlists/{prefix_list_id}",
            vec![list(), d::status_param(SHOWN)],
        )
        .summary("One prefix list, as a list of one"),
        read(
            "networking.ReadHubPrefixLists",
            "/20190206/networking/hubs/{hub_id}/prefixlists",
            vec![hub(), d::status_param(SHOWN)],
        )
        .summary("List a hub's prefix lists"),
        change(
            "networking.CreateHubPrefixList",
            "post",
            "/20190206/networking/hubs/{hub_id}/prefixlists/hubs",
            resource::create::<PrefixLists>,
        )
        .summary("Make a prefix list routed in the hub's transit gateway to a target")
        .params(vec![hub()])
        .body("networking.CreateHubPrefixList")
        .response("networking.CreatePrefixListEvent"),
        change(
            "networking.CreateVpcPrefixList",
            "post",
            "/20190206/networking/hubs/{hub_id}/prefixlists/vpcs",
            resource::create::<PrefixLists>,
        )
        .summary("Make a prefix list routed in the route tables of the hub's VPCs")
        .params(vec![hub()])
        .body("networking.CreateVpcPrefixList")
        .response("networking.CreatePrefixListEvent"),
        change(
            "networking.UpdatePrefixList",
            "put",
            "/20190206/networking/prefixlists/{prefix_list_id}",
            wire::update::<PrefixLists>,
        )
        .summary("Change a prefix list's name, entries, room, tags or target")
        .params(vec![list()])
        .body("networking.UpdatePrefixList")
        .response("networking.UpdatePrefixListEvent"),
        change(
            "networking.UpdateHubPrefixListAssociation",
            "put",
            "/20190206/networking/prefixlists/hubs/{prefix_list_id}/associations",
            wire::update::<PrefixLists>,
        )
        .summary("Change which route tables and zones a HUB prefix list reaches")
        .params(vec![list()])
        .body("networking.UpdateHubPrefixListAssociation")
        .response("networking.UpdatePrefixListAssociationEvent"),
        change(
            "networking.UpdateVpcPrefixListAssociation",
            "put",
            "/20190206/networking/prefixlists/vpcs/{prefix_list_id}/associations",
            wire::update::<PrefixLists>,
        )
        .summary("Change which VPCs, subnets and zones a VPC prefix list reaches")
        .params(vec![list()])
        .body("networking.UpdateVpcPrefixListAssociation")
        .response("networking.UpdatePrefixListAssociationEvent"),
        change(
            "networking.DeletePrefixList",
            "delete",
            "/20190206/networking/prefixlists/{prefix_list_id}",
            wire::delete::<PrefixLists>,
        )
        .summary("Delete a prefix list")
        .params(vec![list()])
        .response("networking.DeletePrefixListEvent"),
    ])
}

fn schemas(s: &mut Map<String, Value>) {
    let uuid = r("uuidv4");
    let zones = || json!({"type": "array", "items": {"type": "string"}, "description": "Zones (as VPCs name them) it reaches."});
    let target_id = json!({"type": "string", "pattern": "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"});
    let mut nullable_target_id = target_id.clone();
    nullable_target_id["nullable"] = json!(true);
    let mut nullable_zones = zones();
    nullable_zones["nullable"] = json!(true);
    s.insert(
        "PrefixList".into(),
        d::record(
            "IPv4 blocks a hub routes together.",
            &[
                "Id",
                "NetworkingHubId",
                "Status",
                "Name",
                "MaxEntries",
                "Entries",
                "PrefixListType",
            ],
            json!({
                "Name": {"type": "string", "minLength": 2, "maxLength": 245},
                "NetworkingHubId": uuid,
                "PrefixListType": d::one_of(&["VPC", "HUB"]),
                "Entries": d::strings(),
                "MaxEntries": {"type": "integer"},
                "TargetType": {"type": "string", "nullable": true, "enum": TARGETS},
                "TargetId": nullable_target_id,
                "AwsTargetId": {"type": "string", "nullable": true, "readOnly": true},
                "AwsPrefixListId": {"type": "string", "nullable": true, "readOnly": true},
                "RouteTableTypes": d::enum_list(&ROUTE_TABLES, true),
                "SubnetTypes": d::enum_list(&SUBNETS, true),
                "VpcTypes": d::enum_list(&VPC_TYPES, true),
                "VpcIds": {"type": "array", "nullable": true, "items": r("uuidv4")},
                "Zones": nullable_zones,
            }),
            (true, false),
        ),
    );
    s.insert(
        "networking.ReadPrefixLists".into(),
        d::read("PrefixLists", "PrefixList"),
    );
    let common = || {
        json!({
            "Name": d::name(2, 245),
            "Entries": {"type": "array", "items": {"type": "string"}, "description": "IPv4 blocks, as a.b.c.d/n."},
            "MaxEntries": {"type": "integer", "description": "How many entries it has room for (1 to 1000)."},
            "Tags": r("NetworkingTags"),
        })
    };
    let mut hub_list = common();
    hub_list["TargetType"] = d::one_of(&TARGETS);
    hub_list["TargetId"] = target_id.clone();
    hub_list["RouteTableTypes"] = d::enum_list(&ROUTE_TABLES, false);
    hub_list["Zones"] = zones();
    s.insert(
        "networking.CreateHubPrefixList".into(),
        d::object(
            "A new prefix list routed in the hub's transit gateway.",
            &["Name", "MaxEntries", "Entries", "TargetType"],
            hub_list,
        ),
    );
    let vpc_association = json!({
        "SubnetTypes": d::enum_list(&SUBNETS, false),
        "VpcIds": {"type": "array", "items": r("uuidv4")},
        "VpcTypes": d::enum_list(&VPC_TYPES, false),
        "Zones": zones(),
    });
    let mut vpc_list = common();
    if let (Some(list), Some(association)) = (vpc_list.as_object_mut(), vpc_association.as_object())
    {
        list.extend(association.clone());
    }
    s.insert(
        "networking.CreateVpcPrefixList".into(),
        d::object(
            "A new prefix list routed in the hub's VPCs.",
            &["Name", "MaxEntries", "Entries"],
            vpc_list,
        ),
    );
    let mut update = common();
    update["TargetType"] = d::one_of(&TARGETS);
    update["TargetId"] = target_id;
    s.insert(
        "networking.UpdatePrefixList".into(),
        d::object(
            "What to change of a prefix list; only what is given changes.",
            &[],
            update,
        ),
    );
    s.insert(
        "networking.UpdateHubPrefixListAssociation".into(),
        d::object(
            "Which route tables and zones a HUB prefix list reaches.",
            &[],
            json!({"RouteTableTypes": d::enum_list(&ROUTE_TABLES, false), "Zones": zones()}),
        ),
    );
    s.insert(
        "networking.UpdateVpcPrefixListAssociation".into(),
        d::object(
            "Which VPCs, subnets and zones a VPC prefix list reaches.",
            &[],
            vpc_association,
        ),
    );
    s.insert(
        "networking.CreatePrefixListEvent".into(),
        d::event(Some("PrefixList")),
    );
    for name in [
        "UpdatePrefixListEvent",
        "UpdatePrefixListAssociationEvent",
        "DeletePrefixListEvent",
    ] {
        s.insert(format!("networking.{name}"), d::event(None));
    }
}
