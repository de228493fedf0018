//! VPCs of a hub, each allocated a block of one of its hub's CIDR ranges by size: `SMALL` a
//! `/22`, `MEDIUM` a `/21`, `LARGE` a `/20`; the lowest aligned block of the range that
//! overlaps no other VPC of the hub (being made, live or being deleted) and no exclusion. A
//! creation that finds none is refused. The hub's transit VPC is made, changed and deleted
//! with its hub.

use axum::http::StatusCode;
use ipnet::Ipv4Net;
use serde_json::{Map, Value, json};

use super::blueprint::Blueprint;
use super::doc as d;
use super::hubs::{HUB, space, transit_vpc};
use super::prefix_lists::PREFIX_LIST;
use super::ranges::CIDR_RANGE;
use super::space::{VpcSize, allocate};
use super::wire::{self, SHOWN, account, bad, ensure_active, held, of_hub, rename, task_kind};
use crate::areas::api::Call;
use crate::areas::doc::{path_param, r};
use crate::areas::resource::{self, Change, Done, Resource};
use crate::areas::rules::text;
use crate::areas::{Area, Operation};
use crate::protocol::{ApiError, ApiResult};
use crate::roles::Allowed;
use crate::store::Db;
use crate::store::kinds::{Kind, OnDelete, Ref};
use crate::store::query::{Filter, Query};

/// VPCs of hubs.
pub(crate) const VPC: &Kind = &Kind {
    refs: &[held("CidrRangeId", CIDR_RANGE)],
    ..task_kind(
        ["networking_vpc", "VPC", "Vpcs", "vpc_id"],
        // The hub's own rules count its VPCs (its transit VPC goes with it).
        Some(Ref {
            field: "NetworkingHubId",
            kind: HUB,
            on_delete: OnDelete::Ignore,
        }),
    )
};

pub(super) const GROUP: Area = Area {
    operations,
    schemas,
    kinds: &[VPC],
};

const TYPES: [&str; 4] = ["FLAT", "ISOLATED", "TRANSIT", "SHAREDSERVICES"];

/// The ASN of a virtual private gateway when none is given (AWS's default).
const DEFAULT_VGW_ASN: i64 = 64512;

/// The settings of a VPC as requests name them, and as its record does.
const SETTINGS: [(&str, &str); 9] = [
    ("CreateInternetGateway", "CreateIgw"),
    ("CreateVirtualPrivateGateway", "CreateVgw"),
    ("CreateCloudwatchVpcFlowlogs", "CreateFlowlogCwl"),
    ("VirtualPrivateGatewayAsn", "VgwAsn"),
    ("GatewayEndpoints", "GatewayEndpoints"),
    ("Description", "Description"),
    ("Tags", "Tags"),
    ("Zone", "Zone"),
    ("Name", "Name"),
];

/// A new VPC of the hub `hub`.
pub(super) struct NewVpc<'a> {
    pub hub: &'a str,
    pub name: &'a str,
    pub account: &'a str,
    pub region: &'a str,
    /// The CIDR range its block is allocated from.
    pub range: &'a str,
    pub cidr: &'a Ipv4Net,
    pub size: &'a str,
    pub kind: &'a str,
    /// Its settings, named as the record names them (`CreateIgw`, ...); what they leave out
    /// is off or empty.
    pub settings: Map<String, Value>,
}

/// The fields of a new VPC (its AWS ids come when its creation succeeds).
pub(super) fn vpc_fields(new: NewVpc<'_>) -> Map<String, Value> {
    let mut fields = Map::new();
    for (key, value) in [
        ("Name", json!(new.name)),
        ("NetworkingHubId", json!(new.hub)),
        ("AccountId", json!(new.account)),
        ("Region", json!(new.region)),
        ("CidrRangeId", json!(new.range)),
        ("Cidr", json!(new.cidr.to_string())),
        ("Size", json!(new.size)),
        ("Type", json!(new.kind)),
        ("Description", Value::Null),
        ("Tags", Value::Null),
        ("Zone", Value::Null),
        ("CreateIgw", json!(false)),
        ("CreateNat", json!(false)),
        ("CreateVgw", json!(false)),
        ("CreateFlowlogCwl", json!(false)),
        ("RedundantNat", json!(false)),
        ("GatewayEndpoints", json!([])),
        ("VgwAsn", Value::Null),
        ("PhzPrefix", Value::Null),
        ("PhzId", Value::Null),
        ("AwsVpcId", Value::Null),
    ] {
        fields.insert(key.into(), value);
    }
    fields.extend(new.settings);
    default_vgw_asn(&mut fields, &Value::Null);
    fields
}

/// A VPC that gets a virtual private gateway gets AWS's default ASN unless one is given
/// (`fields`: what changes; `record`: the VPC as it is).
pub(super) fn default_vgw_asn(fields: &mut Map<String, Value>, record: &Value) {
    let vgw = fields.get("CreateVgw").or_else(|| record.get("CreateVgw"));
    let asn = fields.get("VgwAsn").or_else(|| record.get("VgwAsn"));
    if vgw == Some(&json!(true)) && asn.is_none_or(Value::is_null) {
        fields.insert("VgwAsn".into(), json!(DEFAULT_VGW_ASN));
    }
}

/// Refuses an ASN of a virtual private gateway outside AWS's private ranges.
pub(super) fn check_vgw_asn(asn: Option<&Value>) -> ApiResult<()> {
    let Some(asn) = asn.filter(|a| !a.is_null()) else {
        return Ok(());
    };
    let private = asn.as_i64().is_some_and(|a| {
        (64512..=65534).contains(&a) || (4_200_000_000..=4_294_967_294).contains(&a)
    });
    if private {
        return Ok(());
    }
    Err(ApiError::bad_request(format!(
        "VirtualPrivateGatewayAsn {asn} is not a private ASN: use 64512 to 65534 or 4200000000 to 4294967294"
    )))
}

/// The Route 53 id of the private hosted zone of the VPC `id`.
fn phz_id(id: &str) -> String {
    wire::aws_id("Z", id).to_ascii_uppercase()
}

/// Refuses a private hosted zone prefix that the hub cannot host: the hub needs a suffix,
/// and no other live VPC of the hub may have the same prefix.
fn check_phz_prefix(db: &Db<'_>, hub: &Value, prefix: &str, vpc: &str) -> ApiResult<()> {
    let hub_id = text(hub, "Id");
    if hub.get("PhzSuffix").is_none_or(Value::is_null) {
        return Err(ApiError::bad_request(format!(
            "PhzPrefix: networking hub {hub_id} has no PhzSuffix; set one with UpdateHub first"
        )));
    }
    let query = Query::of(VPC.name)
        .filter(Filter::eq("NetworkingHubId", hub_id))
        .filter(Filter::is_in_nocase("PhzPrefix", vec![prefix.to_owned()]))
        .filter(Filter::not_in("Status", VPC.ended));
    if db.select_ids(&query)?.iter().any(|id| id != vpc) {
        return Err(ApiError::bad_request(format!(
            "PhzPrefix {prefix} is taken by another VPC of networking hub {hub_id}"
        )));
    }
    Ok(())
}

/// A new VPC of `hub`, as `CreateVpc`'s body asks for it, with the id `id`; its block is
/// allocated at `at` (the range's `LastAllocationTS` says when), so that the next creation
/// gets another. Refuses (400) a hub that is not active, another region than the hub's, an
/// account that is not one of the organisation's active ones, a range that is not a live
/// range of the hub, a range with no free block of the size, and a private hosted zone the
/// hub cannot host.
pub(super) fn allocate_vpc(
    db: &Db<'_>,
    hub: &Value,
    (id, body): (&str, &Value),
    at: &str,
) -> ApiResult<Blueprint> {
    ensure_active(HUB, hub)?;
    let hub_id = text(hub, "Id");
    let region = text(body, "Region");
    if region != text(hub, "Region") {
        return Err(ApiError::bad_request(format!(
            "Region {region}: networking hub {hub_id} is in {}, and its VPCs are too",
            text(hub, "Region")
        )));
    }
    let account = account(
        db,
        ("AccountId", text(body, "AccountId")),
        StatusCode::BAD_REQUEST,
    )?;
    let mut range = of_hub(
        db,
        CIDR_RANGE,
        ("CidrRangeId", text(body, "CidrRangeId")),
        hub_id,
    )?;
    let range_block: Ipv4Net = text(&range, "Cidr").parse().map_err(bad)?;
    let size = VpcSize::parse(text(body, "Size"))
        .ok_or_else(|| ApiError::bad_request("Size must be SMALL, MEDIUM or LARGE"))?;
    let space = space(db, hub_id)?;
    let block = allocate(&[range_block], &space.taken(), size.prefix_len())
        .map_err(|err| bad(format!("Size {}: {err}", size.name())))?;
    check_vgw_asn(body.get("VirtualPrivateGatewayAsn"))?;
    let prefix = body
        .get("PhzPrefix")
        .and_then(Value::as_str)
        .filter(|p| !p.is_empty());
    if let Some(prefix) = prefix {
        check_phz_prefix(db, hub, prefix, id)?;
    }

    let mut settings = Map::new();
    for (from, to) in SETTINGS {
        if let Some(value) = body.get(from) {
            settings.insert(to.into(), value.clone());
        }
    }
    // NAT is the hub's: its VPCs reach the internet through the transit VPC's gateways.
    if let Some(transit) = transit_vpc(db, hub_id)? {
        for key in ["CreateNat", "RedundantNat"] {
            settings.insert(key.into(), transit[key].clone());
        }
    }
    settings.insert("PhzPrefix".into(), json!(prefix));
    let fields = vpc_fields(NewVpc {
        hub: hub_id,
        name: text(body, "Name"),
        account: text(&account, "Id"),
        region,
        range: text(&range, "Id"),
        cidr: &block,
        size: size.name(),
        kind: text(body, "Type"),
        settings,
    });
    range["LastAllocationTS"] = json!(at);
    db.put(CIDR_RANGE, text(&range, "Id"), &range.clone())?;
    let mut done = Map::new();
    done.insert("AwsVpcId".into(), json!(wire::aws_id("vpc-", id)));
    if prefix.is_some() {
        done.insert("PhzId".into(), json!(phz_id(id)));
    }
    Ok(Blueprint {
        fields,
        done,
        with: Vec::new(),
    })
}

/// Refuses a change to a hub's transit VPC, which changes with its hub.
fn refuse_transit(record: &Value, instead: &str) -> ApiResult<()> {
    if text(record, "Type") == "TRANSIT" {
        return Err(ApiError::bad_request(format!(
            "VPC {} is the transit VPC of networking hub {}: it changes with its hub ({instead})",
            text(record, "Id"),
            text(record, "NetworkingHubId")
        )));
    }
    Ok(())
}

/// The rules of VPCs.
pub(super) struct Vpcs;

impl Resource for Vpcs {
    const KIND: &'static Kind = VPC;

    fn filters(
        call: &Call<'_>,
        _db: &Db<'_>,
        query: &mut crate::store::query::Query<'_>,
    ) -> ApiResult<()> {
        let types: Vec<String> = call
            .query_values("type")
            .into_iter()
            .map(|t| t.to_ascii_uppercase())
            .collect();
        if !types.is_empty() {
            query.filters.push(Filter::is_in("Type", types));
        }
        Ok(())
    }

    fn create(change: &mut Change<'_>) -> ApiResult<()> {
        let hub = change.parent.clone().unwrap_or_default();
        let at = crate::util::now_iso();
        let blueprint = allocate_vpc(change.db, &hub, (&change.id, change.body), &at)?;
        blueprint.build(VPC, change)?;
        Ok(())
    }

    fn update(change: &mut Change<'_>) -> ApiResult<()> {
        refuse_transit(&change.record, "UpdateHub")?;
        ensure_active(VPC, &change.record)?;
        let body = change.body;
        check_vgw_asn(body.get("VirtualPrivateGatewayAsn"))?;
        rename(change, &SETTINGS);
        let record = change.record.clone();
        default_vgw_asn(&mut change.fields, &record);
        let asked = body
            .get("PhzPrefix")
            .and_then(Value::as_str)
            .filter(|p| !p.is_empty());
        match (asked, record.get("PhzPrefix").and_then(Value::as_str)) {
            (Some(asked), Some(set)) if asked != set => {
                return Err(ApiError::bad_request(format!(
                    "PhzPrefix: VPC {} has the prefix {set}, which cannot be changed once set",
                    change.id
                )));
            }
            (Some(asked), None) => {
                let hub = change.parent.clone().unwrap_or_default();
                check_phz_prefix(change.db, &hub, asked, &change.id)?;
                change.fields.insert("PhzPrefix".into(), json!(asked));
                change
                    .fields
                    .insert("PhzId".into(), json!(phz_id(&change.id)));
            }
            _ => {}
        }
        Ok(())
    }

    fn delete(change: &mut Change<'_>) -> ApiResult<()> {
        refuse_transit(&change.record, "DeleteHub")?;
        let query = Query::of(PREFIX_LIST.name)
            .filter(Filter::Contains {
                field: "VpcIds".into(),
                text: change.id.clone(),
            })
            .filter(Filter::not_in("Status", PREFIX_LIST.ended));
        let lists = change.db.select_ids(&query)?.len();
        if lists > 0 {
            return Err(ApiError::bad_request(format!(
                "VPC {} still has {lists} prefix list(s) naming it in their VpcIds: remove it from them (UpdateVpcPrefixListAssociation) or delete them first",
                change.id
            )));
        }
        Ok(())
    }

    fn answer(done: &Done<'_>) -> ApiResult<Value> {
        Ok(wire::event(done, "VPC"))
    }
}

fn operations() -> Vec<Operation> {
    let hub = || path_param("hub_id", "The hub's id.");
    let vpc = || path_param("vpc_id", "The VPC's id.");
    let kinds = || {
        json!({
            "name": "type", "in": "query", "required": false,
            "description": "Types of VPC to list, comma-separated.",
            "schema": {"type": "string", "default": TYPES.join(",")}
        })
    };
    let read = |path, params| {
        Operation::new(
            "networking.ReadVpcs",
            "get",
            path,
            Allowed::READ,
            wire::read::<Vpcs>,
        )
        .params(params)
        .response("networking.ReadVpcs")
        .errors(&[404])
    };
    Vec::from([
        read(
            "/20190206/networking/hubs/{hub_id}/vpcs",
            vec![hub(), d::status_param(SHOWN), kinds()],
        )
        .summary("List a hub's VPCs, its transit VPC among them"),
        read(
            "/20190206/networking/vpcs",
            vec![d::status_param(SHOWN), kinds()],
        )
        .summary("List the VPCs of every hub"),
        read(
            "/20190206/networking/vpcs/{vpc_id}",
            vec![vpc(), d::status_param(SHOWN), kinds()],
        )
        .summary("One VPC, as a list of one"),
        Operation::new(
            "networking.CreateVpc",
            "post",
            "/20190206/networking/hubs/{hub_id}/vpcs",
            Allowed::ADMIN,
            resource::create::<Vpcs>,
        )
        .summary("Make a VPC from a free block of one of its hub's ranges")
        .params(vec![hub()])
        .body("networking.CreateVpc")
        .response("networking.CreateVpcEvent")
        .errors(&[400, 403, 404]),
        Operation::new(
            "networking.UpdateVpc",
            "put",
            "/20190206/networking/vpcs/{vpc_id}",
            Allowed::ADMIN,
            wire::update::<Vpcs>,
        )
        .summary("Change a VPC's settings (its block never changes)")
        .params(vec![vpc()])
        .body("networking.UpdateVpc")
        .response("networking.UpdateVpcEvent")
        .errors(&[400, 404]),
        Operation::new(
            "networking.DeleteVpc",
            "delete",
            "/20190206/networking/vpcs/{vpc_id}",
            Allowed::ADMIN,
            wire::delete::<Vpcs>,
        )
        .summary("Delete a VPC nothing uses; its block is free once it is deleted")
        .params(vec![vpc()])
        .response("networking.DeleteVpcEvent")
        .errors(&[400, 404]),
    ])
}

/// A VPC's settings, as `CreateVpc` and `UpdateVpc` take them.
fn settings() -> Value {
    json!({
        "Name": d::name(2, 255),
        "Description": d::description(false),
        "Tags": r("NetworkingTags"),
        "CreateInternetGateway": d::flag("Whether it has an internet gateway."),
        "CreateVirtualPrivateGateway": d::flag("Whether it has a virtual private gateway."),
        "CreateCloudwatchVpcFlowlogs": d::flag("Whether its flow logs go to CloudWatch."),
        "VirtualPrivateGatewayAsn": {"type": "integer", "description": "The ASN of its virtual private gateway."},
        "GatewayEndpoints": {"type": "array", "items": r("gateway-endpoint")},
        "PhzPrefix": {"type": "string", "minLength": 0, "maxLength": 255,
                      "description": "The first labels of its private hosted zone's name (before the hub's suffix); set once.",
                      "pattern": "^(([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9\\-]*[a-zA-Z0-9])\\.)*([A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9\\-]*[A-Za-z0-9])$"},
    })
}

fn schemas(s: &mut Map<String, Value>) {
    s.insert(
        "VPC".into(),
        d::record(
            "A VPC of a hub, holding a block of one of the hub's ranges.",
            &["Id", "Name", "AccountId", "Region"],
            json!({
                "Name": {"type": "string", "minLength": 2, "maxLength": 255},
                "Description": d::description(true),
                "AccountId": r("uuidv4"),
                "Region": r("AwsRegion"),
                "NetworkingHubId": r("uuidv4"),
                "CidrRangeId": r("uuidv4"),
                "Cidr": {"type": "string", "description": "Its block, as a.b.c.d/n."},
                "Size": d::one_of(&["SMALL", "MEDIUM", "LARGE"]),
                "Type": d::one_of(&TYPES),
                "Zone": {"type": "string", "minLength": 2, "maxLength": 213, "nullable": true},
                "AwsVpcId": {"type": "string", "nullable": true, "readOnly": true},
                "CreateIgw": d::flag("Whether it has an internet gateway."),
                "CreateNat": d::flag("Whether it has NAT gateways."),
                "CreateVgw": d::flag("Whether it has a virtual private gateway."),
                "CreateFlowlogCwl": d::flag("Whether its flow logs go to CloudWatch."),
                "RedundantNat": d::flag("Whether there is a NAT gateway in every zone."),
                "GatewayEndpoints": {"type": "array", "items": r("gateway-endpoint")},
                "VgwAsn": {"type": "integer", "nullable": true},
                "PhzPrefix": {"type": "string", "minLength": 2, "maxLength": 255, "nullable": true},
                "PhzId": {"type": "string", "nullable": true},
            }),
            (true, false),
        ),
    );
    s.insert("networking.ReadVpcs".into(), d::read("Vpcs", "VPC"));
    let mut create = settings();
    for (key, value) in [
        ("AccountId", r("uuidv4")),
        ("Region", r("AwsRegion")),
        ("CidrRangeId", r("uuidv4")),
        ("Size", d::one_of(&["SMALL", "MEDIUM", "LARGE"])),
        ("Type", d::one_of(&["ISOLATED", "FLAT", "SHAREDSERVICES"])),
        (
            "Zone",
            json!({"type": "string", "minLength": 2, "maxLength": 213, "nullable": true, "pattern": "^[a-zA-Z0-9-_ ]*$"}),
        ),
    ] {
        create[key] = value;
    }
    s.insert(
        "networking.CreateVpc".into(),
        d::object(
            "A new VPC of a hub.",
            &[
                "Name",
                "CidrRangeId",
                "AccountId",
                "Region",
                "Size",
                "Type",
                "CreateInternetGateway",
            ],
            create,
        ),
    );
    s.insert(
        "networking.UpdateVpc".into(),
        d::object(
            "What to change of a VPC; only what is given changes.",
            &[],
            settings(),
        ),
    );
    s.insert("networking.CreateVpcEvent".into(), d::event(Some("VPC")));
    s.insert("networking.UpdateVpcEvent".into(), d::event(None));
    s.insert("networking.DeleteVpcEvent".into(), d::event(None));
}
