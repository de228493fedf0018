//! Hubs: a transit gateway in one region of the organisation, deployed into one of its
//! accounts. A hub is made with its default CIDR range (the block given to `CreateHub`), the
//! CIDR exclusions given with it and its transit VPC (the lowest `/22` of that block free of
//! the exclusions); they go with it when it is deleted. Its address space ([`space`]) is what
//! the rules of ranges, exclusions, VPCs and peerings read.

use axum::http::StatusCode;
use ipnet::Ipv4Net;
use serde_json::{Map, Value, json};

use super::blueprint::{Blueprint, Part, status as status_only};
use super::cidr::{PrefixBounds, parse_block, parse_private_block};
use super::doc as d;
use super::ranges::{CIDR_EXCLUSION, CIDR_RANGE, NewRange, exclusion_fields, range_fields};
use super::space::{TRANSIT_VPC_PREFIX, allocate, check_new_exclusion};
use super::vpcs::{NewVpc, VPC, check_vgw_asn, vpc_fields};
use super::wire::{self, ENDED, LISTING, SHOWN, WALK, account, bad, live_with, or};
use crate::areas::api::Call;
use crate::areas::doc::{path_param, r};
use crate::areas::resource::{self, Change, Done, Resource};
use crate::areas::rules::text;
use crate::areas::services::model::require_enabled_region;
use crate::areas::{Area, Operation};
use crate::protocol::{ApiError, ApiResult};
use crate::roles::Allowed;
use crate::store::Db;
use crate::store::kinds::{Kind, status};
use crate::store::query::{Filter, Query};
use crate::util::uuid;

/// Networking hubs.
pub(crate) const HUB: &Kind = &Kind {
    name: "networking_hub",
    what: "Networking hub",
    plural: "Hubs",
    param: "hub_id",
    walk: WALK,
    ended: ENDED,
    listing: LISTING,
    ..Kind::DEFAULT
};

pub(super) const GROUP: Area = Area {
    operations,
    schemas,
    kinds: &[HUB],
};

/// The ASN of a transit gateway when `CreateHub` gives none (AWS's default).
const DEFAULT_ASN: i64 = 64512;

/// The transit VPC's settings as `CreateHub` and `UpdateHub` name them, and as the VPC
/// record does.
const TRANSIT_SETTINGS: [(&str, &str); 7] = [
    ("CreateInternetGateway", "CreateIgw"),
    ("CreateNatGateway", "CreateNat"),
    ("CreateVirtualPrivateGateway", "CreateVgw"),
    ("CreateCloudwatchVpcFlowlogs", "CreateFlowlogCwl"),
    ("RedundantNat", "RedundantNat"),
    ("GatewayEndpoints", "GatewayEndpoints"),
    ("VirtualPrivateGatewayAsn", "VgwAsn"),
];

/// A hub's address space as the rules see it.
#[derive(Debug, Default)]
pub(super) struct Space {
    /// Its live CIDR ranges: id and block.
    pub ranges: Vec<(String, Ipv4Net)>,
    /// Its live CIDR exclusions.
    pub exclusions: Vec<Ipv4Net>,
    /// The blocks its VPCs hold (all but those deleted or never made).
    pub vpcs: Vec<Ipv4Net>,
}

impl Space {
    /// The blocks of its ranges.
    pub fn range_blocks(&self) -> Vec<Ipv4Net> {
        self.ranges.iter().map(|(_, block)| *block).collect()
    }

    /// What a new VPC may not overlap: the VPCs' blocks and the exclusions.
    pub fn taken(&self) -> Vec<Ipv4Net> {
        self.vpcs.iter().chain(&self.exclusions).copied().collect()
    }
}

/// The address space of the hub `hub`.
pub(super) fn space(db: &Db<'_>, hub: &str) -> ApiResult<Space> {
    let block = |record: &Value| text(record, "Cidr").parse::<Ipv4Net>().ok();
    let held =
        |kind: &Kind| -> ApiResult<Vec<Value>> { live_with(db, kind, ("NetworkingHubId", hub)) };
    Ok(Space {
        ranges: held(CIDR_RANGE)?
            .iter()
            .filter_map(|r| Some((text(r, "Id").to_owned(), block(r)?)))
            .collect(),
        exclusions: held(CIDR_EXCLUSION)?.iter().filter_map(block).collect(),
        vpcs: held(VPC)?.iter().filter_map(block).collect(),
    })
}

/// The transit VPC of the hub `hub`, while it has one.
pub(super) fn transit_vpc(db: &Db<'_>, hub: &str) -> ApiResult<Option<Value>> {
    let query = Query::of(VPC.name)
        .filter(Filter::eq("NetworkingHubId", hub))
        .filter(Filter::eq("Type", "TRANSIT"))
        .filter(Filter::not_in("Status", &["DELETED"]));
    Ok(db.select(&query)?.items.into_iter().next())
}

/// The live hub a body names by id as `field` (400 otherwise).
pub(super) fn live_hub(db: &Db<'_>, (field, id): (&str, &str)) -> ApiResult<Value> {
    let found = if crate::util::is_uuid(id) {
        db.get(HUB, &id.to_ascii_lowercase())?
    } else {
        None
    };
    found
        .filter(|hub| !HUB.ended.contains(&status(hub)))
        .ok_or_else(|| {
            ApiError::bad_request(format!("{field}: networking hub {id} does not exist"))
        })
}

/// A new hub, as `CreateHub`'s body asks for it, with the id `id`, made at `at`: its
/// fields, and its default range, exclusions and transit VPC. Refuses (400) a block that is not a private
/// `/8` to `/22`, exclusions outside it or overlapping each other, exclusions that leave no
/// room for the transit VPC, a region the organisation has not enabled; an unknown account
/// is a 404, as the document says.
pub(super) fn hub_blueprint(db: &Db<'_>, id: &str, body: &Value, at: &str) -> ApiResult<Blueprint> {
    let cidr = parse_private_block("Cidr", text(body, "Cidr"), PrefixBounds::HUB).map_err(bad)?;
    let region = text(body, "Region");
    require_enabled_region(db, "Region", region)?;
    let account = account(
        db,
        ("AccountId", text(body, "AccountId")),
        StatusCode::NOT_FOUND,
    )?;
    let account_id = text(&account, "Id");
    check_vgw_asn(body.get("VirtualPrivateGatewayAsn"))?;
    let range_name = match body.get("CidrRangeName").and_then(Value::as_str) {
        None | Some("") => "default",
        Some(name) if name.chars().count() < 2 => {
            return Err(ApiError::bad_request(format!(
                "CidrRangeName '{name}' is too short: a CIDR range's name has 2 to 128 characters"
            )));
        }
        Some(name) => name,
    };
    let mut exclusions: Vec<(&Value, Ipv4Net)> = Vec::new();
    for (i, exclusion) in body["CidrExclusions"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        let field = format!("CidrExclusions[{i}]");
        let block = parse_block(
            &format!("{field}.Cidr"),
            text(exclusion, "Cidr"),
            PrefixBounds::ANY,
        )
        .map_err(bad)?;
        let held: Vec<Ipv4Net> = exclusions.iter().map(|(_, b)| *b).collect();
        check_new_exclusion(&block, &[cidr], &held, &[])
            .map_err(|err| bad(format!("{field}: {err}")))?;
        exclusions.push((exclusion, block));
    }
    let held: Vec<Ipv4Net> = exclusions.iter().map(|(_, b)| *b).collect();
    let transit = allocate(&[cidr], &held, TRANSIT_VPC_PREFIX).map_err(|err| {
        bad(format!(
            "Cidr {cidr} has no room for the hub's transit VPC: {err}"
        ))
    })?;

    let suffix = body
        .get("PhzSuffix")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty());
    let mut fields = Map::new();
    for (key, value) in [
        ("Name", json!(text(body, "Name"))),
        ("AccountId", json!(account_id)),
        ("Region", json!(region)),
        ("Asn", or(body, "AmazonSideAsn", json!(DEFAULT_ASN))),
        ("Description", or(body, "Description", Value::Null)),
        (
            "InterfaceEndpoints",
            or(body, "InterfaceEndpoints", json!([])),
        ),
        ("PhzSuffix", json!(suffix)),
        (
            "RedundantEndpoints",
            or(body, "RedundantEndpoints", json!(false)),
        ),
        ("VpnEcmpSupport", or(body, "VpnEcmpSupport", json!(true))),
        ("Tags", or(body, "Tags", Value::Null)),
    ] {
        fields.insert(key.into(), value);
    }

    let range_id = uuid();
    let mut range = range_fields(NewRange {
        hub: id,
        name: range_name,
        cidr: &cidr,
        description: Value::Null,
        tags: Value::Null,
        default: true,
    });
    range.insert("LastAllocationTS".into(), json!(at));
    let mut with = vec![Part {
        kind: CIDR_RANGE,
        id: range_id.clone(),
        fields: range,
        status: "ACTIVE",
        done: Map::new(),
        failed: status_only("DELETED"),
    }];
    for (exclusion, block) in &exclusions {
        with.push(Part {
            kind: CIDR_EXCLUSION,
            id: uuid(),
            fields: exclusion_fields(NewRange {
                hub: id,
                name: text(exclusion, "Name"),
                cidr: block,
                description: or(exclusion, "Description", Value::Null),
                tags: or(exclusion, "Tags", Value::Null),
                default: false,
            }),
            status: "ACTIVE",
            done: Map::new(),
            failed: status_only("DELETED"),
        });
    }
    let transit_id = uuid();
    let mut settings = Map::new();
    for (from, to) in TRANSIT_SETTINGS {
        if let Some(value) = body.get(from) {
            settings.insert(to.into(), value.clone());
        }
    }
    let name = format!("{} transit", text(body, "Name"));
    let vpc = vpc_fields(NewVpc {
        hub: id,
        name: &name,
        account: account_id,
        region,
        range: &range_id,
        cidr: &transit,
        size: "SMALL",
        kind: "TRANSIT",
        settings,
    });
    let mut done = status_only("ACTIVE");
    done.insert("AwsVpcId".into(), json!(wire::aws_id("vpc-", &transit_id)));
    with.push(Part {
        kind: VPC,
        id: transit_id,
        fields: vpc,
        status: "CREATE_IN_PROGRESS",
        done,
        failed: status_only("CREATE_FAILED"),
    });
    Ok(Blueprint {
        fields,
        done: Map::new(),
        with,
    })
}

/// The rules of hubs.
pub(super) struct Hubs;

impl Resource for Hubs {
    const KIND: &'static Kind = HUB;

    fn create(change: &mut Change<'_>) -> ApiResult<()> {
        let at = crate::util::now_iso();
        let blueprint = hub_blueprint(change.db, &change.id, change.body, &at)?;
        blueprint.build(HUB, change)?;
        Ok(())
    }

    fn update(change: &mut Change<'_>) -> ApiResult<()> {
        let id = change.id.clone();
        if status(&change.record) != "ACTIVE" {
            return Err(ApiError::not_found(format!(
                "Networking hub {id} is {}: only an ACTIVE hub can be updated",
                status(&change.record)
            )));
        }
        let body = change.body;
        if let Some(suffix) = body.get("PhzSuffix").and_then(Value::as_str) {
            match change.record.get("PhzSuffix").and_then(Value::as_str) {
                Some(set) if set != suffix => {
                    return Err(ApiError::bad_request(format!(
                        "PhzSuffix: networking hub {id} has the suffix {set}, which cannot be changed once set"
                    )));
                }
                Some(_) => {}
                None if suffix.is_empty() => {}
                None => {
                    change.fields.insert("PhzSuffix".into(), json!(suffix));
                }
            }
        }
        change.take(&[
            "Name",
            "Description",
            "Tags",
            "InterfaceEndpoints",
            "RedundantEndpoints",
        ]);
        check_vgw_asn(body.get("VirtualPrivateGatewayAsn"))?;
        let mut settings = Map::new();
        for (from, to) in TRANSIT_SETTINGS {
            if let Some(value) = body.get(from) {
                settings.insert(to.into(), value.clone());
            }
        }
        if !settings.is_empty()
            && let Some(transit) = transit_vpc(change.db, &id)?
        {
            let vpc_id = text(&transit, "Id").to_owned();
            let effect = std::mem::take(&mut change.effect);
            change.effect = effect.merge(VPC, &vpc_id, Value::Object(settings));
        }
        Ok(())
    }

    fn delete(change: &mut Change<'_>) -> ApiResult<()> {
        let id = change.id.clone();
        let vpcs = live_with(change.db, VPC, ("NetworkingHubId", &id))?;
        let spokes = vpcs.iter().filter(|v| text(v, "Type") != "TRANSIT").count();
        if spokes > 0 {
            return Err(ApiError::bad_request(format!(
                "Networking hub {id} still has {spokes} VPC(s) besides its transit VPC: delete them first"
            )));
        }
        // What goes with the hub: its transit VPC (being deleted with it), ranges and
        // exclusions.
        let mut effect = std::mem::take(&mut change.effect);
        for mut vpc in vpcs {
            let vpc_id = text(&vpc, "Id").to_owned();
            let was = status(&vpc).to_owned();
            vpc["Status"] = json!("DELETE_IN_PROGRESS");
            change.db.put(VPC, &vpc_id, &vpc)?;
            effect = effect
                .merge(VPC, &vpc_id, json!({"Status": "DELETED"}))
                .merge_on_fail(VPC, &vpc_id, json!({ "Status": was }));
        }
        for kind in [CIDR_RANGE, CIDR_EXCLUSION] {
            for record in live_with(change.db, kind, ("NetworkingHubId", &id))? {
                effect = effect.merge(kind, text(&record, "Id"), json!({"Status": "DELETED"}));
            }
        }
        change.effect = effect;
        Ok(())
    }

    fn answer(done: &Done<'_>) -> ApiResult<Value> {
        Ok(wire::event(done, "NetworkingHub"))
    }
}

/// `POST /networking/hubs`: the hub and what it is made with; the transit VPC is stamped with
/// the task that makes it.
fn create_hub(call: &Call<'_>) -> ApiResult<Value> {
    let body = call.json_body()?;
    call.write(|db| {
        let done = resource::create_record::<Hubs>(call, db, &body)?;
        if let (Some(task), Some(mut transit)) = (&done.task, transit_vpc(db, done.id())?) {
            transit["UserTaskId"] = json!(task);
            db.put(VPC, text(&transit, "Id"), &transit.clone())?;
        }
        Hubs::answer(&done)
    })
}

fn operations() -> Vec<Operation> {
    let hub = || path_param("hub_id", "The hub's id.");
    Vec::from([
        Operation::new(
            "networking.ReadHubs",
            "get",
            "/20190206/networking/hubs",
            Allowed::READ,
            wire::read::<Hubs>,
        )
        .summary("List the organisation's networking hubs")
        .params(vec![d::status_param(SHOWN)])
        .response("networking.ReadHubs")
        .errors(&[404]),
        Operation::new(
            "networking.ReadHubs",
            "get",
            "/20190206/networking/hubs/{hub_id}",
            Allowed::READ,
            wire::read::<Hubs>,
        )
        .summary("One networking hub, as a list of one")
        .params(vec![hub(), d::status_param(SHOWN)])
        .response("networking.ReadHubs")
        .errors(&[404]),
        Operation::new(
            "networking.CreateHub",
            "post",
            "/20190206/networking/hubs",
            Allowed::ADMIN,
            create_hub,
        )
        .summary("Make a hub with its default CIDR range, exclusions and transit VPC")
        .body("networking.CreateHub")
        .response("networking.CreateHubEvent")
        .errors(&[400, 403, 404]),
        Operation::new(
            "networking.UpdateHub",
            "put",
            "/20190206/networking/hubs/{hub_id}",
            Allowed::ADMIN,
            wire::update::<Hubs>,
        )
        .summary("Change a hub and its transit VPC's settings")
        .params(vec![hub()])
        .body("networking.UpdateHub")
        .response("networking.UpdateHubEvent")
        .errors(&[400, 404]),
        Operation::new(
            "networking.DeleteHub",
            "delete",
            "/20190206/networking/hubs/{hub_id}",
            Allowed::ADMIN,
            wire::delete::<Hubs>,
        )
        .summary("Delete a hub that holds nothing but its ranges and transit VPC")
        .params(vec![hub()])
        .response("networking.DeleteHubEvent")
        .errors(&[400, 404]),
    ])
}

/// The transit VPC's settings, as `CreateHub` and `UpdateHub` take them.
fn transit_settings() -> Value {
    json!({
        "CreateInternetGateway": d::flag("Whether the transit VPC has an internet gateway."),
        "CreateNatGateway": d::flag("Whether the transit VPC has NAT gateways."),
        "CreateVirtualPrivateGateway": d::flag("Whether the transit VPC has a virtual private gateway."),
        "CreateCloudwatchVpcFlowlogs": d::flag("Whether the transit VPC's flow logs go to CloudWatch."),
        "RedundantNat": d::flag("Whether there is a NAT gateway in every zone."),
        "GatewayEndpoints": {"type": "array", "items": r("gateway-endpoint")},
        "VirtualPrivateGatewayAsn": {"type": "integer", "description": "The ASN of the virtual private gateway."},
        "Description": d::description(false),
        "InterfaceEndpoints": {"type": "array", "items": r("interface-endpoint")},
        "PhzSuffix": {"type": "string", "minLength": 0, "maxLength": 255,
                      "description": "The domain private hosted zones of the hub's VPCs end in; set once.",
                      "pattern": "^(([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9\\-]*[a-zA-Z0-9])\\.)*([A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9\\-]*[A-Za-z0-9])$"},
        "RedundantEndpoints": d::flag("Whether interface endpoints are in every zone."),
        "Name": d::name(2, 238),
        "Tags": r("NetworkingTags"),
    })
}

fn schemas(s: &mut Map<String, Value>) {
    s.insert(
        "NetworkingHub".into(),
        d::record(
            "A hub: a transit gateway in a region, deployed into an account.",
            &["Id", "Name", "AccountId", "Region"],
            json!({
                "Name": {"type": "string", "minLength": 2, "maxLength": 238},
                "AccountId": r("uuidv4"),
                "Region": r("AwsRegion"),
                "Asn": {"type": "integer", "description": "The Amazon side ASN of its transit gateway."},
                "Description": d::description(true),
                "InterfaceEndpoints": {"type": "array", "items": r("interface-endpoint")},
                "PhzSuffix": {"type": "string", "minLength": 2, "maxLength": 255, "nullable": true},
                "RedundantEndpoints": d::flag("Whether interface endpoints are in every zone."),
                "VpnEcmpSupport": d::flag("Whether VPN connections share traffic over equal-cost paths."),
            }),
            (true, true),
        ),
    );
    s.insert(
        "networking.ReadHubs".into(),
        d::read("Hubs", "NetworkingHub"),
    );
    let mut create = transit_settings();
    for (key, value) in [
        ("AccountId", r("uuidv4")),
        ("Region", r("AwsRegion")),
        (
            "Cidr",
            json!({"type": "string", "description": "A private /8 to /22 block: the hub's default CIDR range, its transit VPC taken from it."}),
        ),
        ("CidrRangeName", d::name(0, 128)),
        (
            "CidrExclusions",
            json!({"type": "array", "items": r("CidrExclusion")}),
        ),
        (
            "AmazonSideAsn",
            json!({"type": "integer", "minimum": 64512, "maximum": 65534}),
        ),
        (
            "VpnEcmpSupport",
            d::flag("Whether VPN connections share traffic over equal-cost paths."),
        ),
    ] {
        create[key] = value;
    }
    s.insert(
        "networking.CreateHub".into(),
        d::object(
            "A new hub.",
            &[
                "Name",
                "AccountId",
                "Region",
                "Cidr",
                "CreateNatGateway",
                "CreateInternetGateway",
            ],
            create,
        ),
    );
    s.insert(
        "networking.UpdateHub".into(),
        d::object(
            "What to change of a hub; only what is given changes.",
            &[],
            transit_settings(),
        ),
    );
    s.insert(
        "networking.CreateHubEvent".into(),
        d::event(Some("NetworkingHub")),
    );
    s.insert("networking.UpdateHubEvent".into(), d::event(None));
    s.insert("networking.DeleteHubEvent".into(), d::event(None));
}
