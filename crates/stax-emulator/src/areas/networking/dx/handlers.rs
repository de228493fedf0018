//! The rules of Direct Connect gateways, virtual interfaces (VIFs) and associations, as hooks
//! of the kinds' generic operations.
//!
//! - A gateway is deployed into an `ACTIVE` account, `TRANSIT` (its associations reach hubs'
//!   transit gateways) or `PRIVATE` (they reach VPCs' virtual private gateways); its Amazon-side
//!   ASN is private: 64512 to 65534 or 4200000000 to 4294967294. Gateways are not updated.
//! - A VIF is of its gateway's type, on a connection of the gateway's account that is
//!   `available` (its region is the connection's), with a VLAN (1 to 4094) no other live VIF
//!   of that connection uses, BGP peer addresses (`RouterIp`, `AwsRouterIp`) that are two
//!   hosts of one subnet overlapping no other live VIF's on that connection, the customer's
//!   ASN (1 to 4294967294) and a BGP key (6 to 80 characters, no spaces). The key is kept but
//!   never shown.
//! - An association joins an `ACTIVE` gateway to an `ACTIVE` hub (transit gateways only; the
//!   hub's ASN must differ from the gateway's) or to an `ACTIVE` VPC with a virtual private
//!   gateway (private gateways only), once per pair, advertising one or more distinct CIDR
//!   blocks. Its record names the hub either way (a VPC's own hub).
//! - A gateway with live VIFs or associations cannot be deleted (their parent reference), nor
//!   can a hub or VPC with live associations (the associations' references).

use axum::http::StatusCode;
use ipnet::Ipv4Net;
use serde_json::{Value, json};

use super::connections::connections;
use super::{ASSOCIATION, GATEWAY, VIF, short_aws_id};
use crate::areas::Call;
use crate::areas::networking::addresses::check_bgp_peers;
use crate::areas::networking::blueprint::Blueprint;
use crate::areas::networking::cidr::{PrefixBounds, parse_blocks};
use crate::areas::networking::hubs::HUB;
use crate::areas::networking::lookups::{ids_or_404, joined_to_hub, live_where, named_active};
use crate::areas::networking::space::overlaps;
use crate::areas::networking::vpcs::VPC;
use crate::areas::networking::wire::{self, account, bad, ensure_active, live_with};
use crate::areas::resource::{Change, Done, Resource, load};
use crate::areas::rules::{find, text};
use crate::protocol::{ApiError, ApiResult};
use crate::store::Db;
use crate::store::kinds::{ACCOUNT, Kind, status};
use crate::store::query::Query;
use crate::util::uuid;

/// The private ASNs a gateway's Amazon side may have.
const GATEWAY_ASNS: [std::ops::RangeInclusive<i64>; 2] =
    [64512..=65534, 4_200_000_000..=4_294_967_294];

/// The ASNs a VIF's customer side may have.
const CUSTOMER_ASNS: std::ops::RangeInclusive<i64> = 1..=4_294_967_294;

/// The VLANs a VIF may use.
const VLANS: std::ops::RangeInclusive<i64> = 1..=4094;

/// The lengths a BGP key may have.
const KEY_LENGTHS: std::ops::RangeInclusive<usize> = 6..=80;

/// Direct Connect gateways.
pub(crate) struct Gateways;

impl Resource for Gateways {
    const KIND: &'static Kind = GATEWAY;

    /// Under a hub's path: the gateways with a live association to that hub (directly, or
    /// through one of its VPCs).
    fn filters(call: &Call<'_>, db: &Db<'_>, query: &mut Query<'_>) -> ApiResult<()> {
        joined_to_hub(call, db, query, (ASSOCIATION, "DxGatewayId"))
    }

    /// A gateway of `CreateDxResource` (its `Gateway`).
    fn create(change: &mut Change<'_>) -> ApiResult<()> {
        let body = change.body;
        let account = account(
            change.db,
            ("AccountId", text(body, "AccountId")),
            StatusCode::NOT_FOUND,
        )?;
        let asn = body.get("Asn").and_then(Value::as_i64).unwrap_or(0);
        if !GATEWAY_ASNS.iter().any(|range| range.contains(&asn)) {
            return Err(ApiError::bad_request(format!(
                "Asn {asn} is not a private ASN for the Amazon side: use 64512 to 65534 \
                 or 4200000000 to 4294967294"
            )));
        }
        gateway_blueprint(
            text(body, "Name"),
            asn,
            text(&account, "Id"),
            text(body, "GatewayType"),
        )
        .build(GATEWAY, change)?;
        Ok(())
    }

    fn answer(done: &Done<'_>) -> ApiResult<Value> {
        Ok(wire::event(done, "DxGateway"))
    }
}

/// Direct Connect virtual interfaces.
pub(crate) struct Vifs;

impl Resource for Vifs {
    const KIND: &'static Kind = VIF;

    /// The BGP key is kept, never shown.
    fn present(_call: &Call<'_>, _db: &Db<'_>, records: &mut [Value]) -> ApiResult<()> {
        for record in records {
            hide_key(record);
        }
        Ok(())
    }

    /// A VIF of `CreateDxResource` (its `Vif`) on the gateway in `change.parent` (made by the
    /// same call, or named by `Vif.DxGatewayId`).
    fn create(change: &mut Change<'_>) -> ApiResult<()> {
        let body = change.body;
        let gateway = change.parent.clone().unwrap_or_default();
        let account = find(
            change.db,
            ACCOUNT,
            ("AccountId", text(&gateway, "AccountId")),
        )?;
        let wanted = text(body, "AwsConnectionId");
        let region = &change.call.ctx.install.aws_region;
        let connection = connections(region, &account)
            .into_iter()
            .find(|c| c["ConnectionId"] == wanted)
            .ok_or_else(|| {
                ApiError::bad_request(format!(
                    "AwsConnectionId {wanted} is no Direct Connect connection of account {} \
                     (ReadDxConnections lists them)",
                    text(&account, "Id")
                ))
            })?;
        let state = text(&connection, "ConnectionState");
        if state != "available" {
            return Err(ApiError::bad_request(format!(
                "AwsConnectionId {wanted} is {state}: a VIF needs an available \
                 connection"
            )));
        }
        let vlan = body.get("Vlan").and_then(Value::as_i64).unwrap_or(0);
        if !VLANS.contains(&vlan) {
            return Err(ApiError::bad_request(format!(
                "Vlan {vlan} is no VLAN: use {} to {}",
                VLANS.start(),
                VLANS.end()
            )));
        }
        let (router, aws_router) =
            check_bgp_peers(text(body, "RouterIp"), text(body, "AwsRouterIp")).map_err(bad)?;
        for other in live_with(change.db, VIF, ("AwsConnectionId", wanted))? {
            let id = text(&other, "Id");
            if other.get("Vlan").and_then(Value::as_i64) == Some(vlan) {
                return Err(ApiError::bad_request(format!(
                    "Vlan {vlan} is taken on connection {wanted} by VIF {id}: pick another"
                )));
            }
            let theirs: Option<Ipv4Net> = text(&other, "RouterIp").parse().ok();
            if let Some(theirs) = theirs
                && overlaps(&theirs.trunc(), &router.trunc())
            {
                return Err(ApiError::bad_request(format!(
                    "RouterIp {router} shares subnet {} with VIF {id} on connection \
                     {wanted}: give each VIF its own peering subnet",
                    theirs.trunc()
                )));
            }
        }
        let asn = body.get("Asn").and_then(Value::as_i64).unwrap_or(0);
        if !CUSTOMER_ASNS.contains(&asn) {
            return Err(ApiError::bad_request(format!(
                "Asn {asn} is no BGP ASN: use {} to {}",
                CUSTOMER_ASNS.start(),
                CUSTOMER_ASNS.end()
            )));
        }
        let key = text(body, "BgpAuthKey");
        if !KEY_LENGTHS.contains(&key.chars().count()) || key.chars().any(char::is_whitespace) {
            return Err(ApiError::bad_request(format!(
                "BgpAuthKey must be {} to {} characters without spaces (it is not shown here)",
                KEY_LENGTHS.start(),
                KEY_LENGTHS.end()
            )));
        }
        let mut blueprint = vif_blueprint(
            &change.id,
            text(body, "Name"),
            (
                text(&gateway, "GatewayType"),
                wanted,
                text(&connection, "Region"),
            ),
            (vlan, asn, body.get("JumboMtu") == Some(&json!(true))),
            (&router.to_string(), &aws_router.to_string()),
        );
        blueprint.fields.insert("BgpAuthKey".into(), json!(key));
        blueprint.build(VIF, change)?;
        change.take(&["Tags"]);
        Ok(())
    }

    fn update(change: &mut Change<'_>) -> ApiResult<()> {
        ensure_active(VIF, &change.record)?;
        change.take(&["JumboMtu", "Tags"]);
        Ok(())
    }

    fn answer(done: &Done<'_>) -> ApiResult<Value> {
        Ok(wire::event(done, "DxVif"))
    }
}

/// Direct Connect gateway associations.
pub(crate) struct Associations;

impl Resource for Associations {
    const KIND: &'static Kind = ASSOCIATION;

    fn create(change: &mut Change<'_>) -> ApiResult<()> {
        let body = change.body;
        let gateway = change.parent.clone().unwrap_or_default();
        ensure_active(GATEWAY, &gateway)?;
        let gateway_id = text(&gateway, "Id");
        let gateway_type = text(&gateway, "GatewayType");
        let prefixes = prefixes(body)?.unwrap_or_default();
        let (hub, vpc) = match body.get("VpcId").and_then(Value::as_str) {
            Some(vpc) => {
                need_type(&gateway, "PRIVATE", "a VPC (VpcId)")?;
                let vpc = named_active(change.db, VPC, ("VpcId", vpc))?;
                if vpc.get("CreateVgw") != Some(&json!(true)) {
                    return Err(ApiError::bad_request(format!(
                        "VpcId: VPC {} has no virtual private gateway to associate: turn \
                         CreateVirtualPrivateGateway on (UpdateVpc)",
                        text(&vpc, "Id")
                    )));
                }
                let pair = [("DxGatewayId", gateway_id), ("VpcId", text(&vpc, "Id"))];
                once(change.db, &pair, "VPC")?;
                (
                    text(&vpc, "NetworkingHubId").to_owned(),
                    Some(text(&vpc, "Id").to_owned()),
                )
            }
            None => {
                need_type(&gateway, "TRANSIT", "a hub (NetworkingHubId)")?;
                let hub = text(body, "NetworkingHubId");
                let hub = named_active(change.db, HUB, ("NetworkingHubId", hub))?;
                if hub.get("Asn").is_some() && hub.get("Asn") == gateway.get("Asn") {
                    return Err(ApiError::bad_request(format!(
                        "NetworkingHubId: hub {} and {gateway_type} gateway {gateway_id} both \
                         have ASN {}: BGP needs them to differ (make a gateway with another Asn)",
                        text(&hub, "Id"),
                        hub["Asn"]
                    )));
                }
                let pair = [
                    ("DxGatewayId", gateway_id),
                    ("NetworkingHubId", text(&hub, "Id")),
                    ("VpcId", ""),
                ];
                once(change.db, &pair, "hub")?;
                (text(&hub, "Id").to_owned(), None)
            }
        };
        association_blueprint(&hub, vpc.as_deref(), &prefixes).build(ASSOCIATION, change)?;
        Ok(())
    }

    fn update(change: &mut Change<'_>) -> ApiResult<()> {
        ensure_active(ASSOCIATION, &change.record)?;
        if let Some(prefixes) = prefixes(change.body)? {
            change.fields.insert("Prefixes".into(), json!(prefixes));
        }
        Ok(())
    }

    fn answer(done: &Done<'_>) -> ApiResult<Value> {
        Ok(wire::event(done, "DxAssociation"))
    }
}

/// `GET .../dxvifs/{dx_vif_id}/status`: the VIF's BGP peer, `up` while it is `ACTIVE`,
/// `unknown` while a change is under way, `down` otherwise.
pub(super) fn read_vif_status(call: &Call<'_>) -> ApiResult<Value> {
    ids_or_404(call)?;
    call.read(|db| {
        let vif = load(call, db, VIF, true)?;
        let bgp = match status(&vif) {
            "ACTIVE" => "up",
            s if s.ends_with("_IN_PROGRESS") => "unknown",
            _ => "down",
        };
        let peer = short_aws_id("dxpeer-", text(&vif, "Id"));
        Ok(json!({"DxVifStatus": [{"BgpPeerId": peer, "BgpStatus": bgp}]}))
    })
}

/// Leaves a VIF's BGP key out of what is shown.
pub(super) fn hide_key(record: &mut Value) {
    if let Some(map) = record.as_object_mut() {
        map.remove("BgpAuthKey");
    }
}

/// Refuses (400) an association of the wrong kind for the gateway's type.
fn need_type(gateway: &Value, wanted: &str, target: &str) -> ApiResult<()> {
    let is = text(gateway, "GatewayType");
    if is == wanted {
        return Ok(());
    }
    Err(ApiError::bad_request(format!(
        "Gateway {} is {is}: only a {wanted} gateway associates with {target}",
        text(gateway, "Id")
    )))
}

/// Refuses (400) a second live association of one pair.
fn once(db: &Db<'_>, pair: &[(&str, &str)], what: &str) -> ApiResult<()> {
    match live_where(db, ASSOCIATION, pair)?.first() {
        Some(other) => Err(ApiError::bad_request(format!(
            "Association {} already joins this gateway to that {what}: change its Prefixes \
             (UpdateDxAssociation) instead",
            text(other, "Id")
        ))),
        None => Ok(()),
    }
}

/// `Prefixes` of the body, when given: one or more distinct CIDR blocks.
fn prefixes(body: &Value) -> ApiResult<Option<Vec<String>>> {
    let Some(list) = body.get("Prefixes").and_then(Value::as_array) else {
        return Ok(None);
    };
    let texts: Vec<&str> = list.iter().filter_map(Value::as_str).collect();
    if texts.is_empty() {
        return Err(ApiError::bad_request(
            "Prefixes is empty: give the CIDR blocks the association advertises",
        ));
    }
    let blocks = parse_blocks("Prefixes", &texts, PrefixBounds::ANY).map_err(bad)?;
    Ok(Some(blocks.iter().map(Ipv4Net::to_string).collect()))
}

/// A new gateway: its fields, and its AWS id once its task succeeds.
pub(crate) fn gateway_blueprint(name: &str, asn: i64, account: &str, kind: &str) -> Blueprint {
    let mut blueprint = Blueprint::default();
    let fields = &mut blueprint.fields;
    fields.insert("Name".into(), json!(name));
    fields.insert("Asn".into(), json!(asn));
    fields.insert("AccountId".into(), json!(account));
    fields.insert("GatewayType".into(), json!(kind));
    fields.insert("ExternalResource".into(), json!(false));
    fields.insert("AwsGatewayId".into(), Value::Null);
    blueprint.done.insert("AwsGatewayId".into(), json!(uuid()));
    blueprint
}

/// A new VIF `id` but its BGP key: its fields, and its AWS id once its task succeeds.
pub(crate) fn vif_blueprint(
    id: &str,
    name: &str,
    (kind, connection, region): (&str, &str, &str),
    (vlan, asn, jumbo): (i64, i64, bool),
    (router, aws_router): (&str, &str),
) -> Blueprint {
    let mut blueprint = Blueprint::default();
    let fields = &mut blueprint.fields;
    fields.insert("Name".into(), json!(name));
    fields.insert("VifType".into(), json!(kind));
    fields.insert("AwsConnectionId".into(), json!(connection));
    fields.insert("Region".into(), json!(region));
    fields.insert("Vlan".into(), json!(vlan));
    fields.insert("Asn".into(), json!(asn));
    fields.insert("JumboMtu".into(), json!(jumbo));
    fields.insert("RouterIp".into(), json!(router));
    fields.insert("AwsRouterIp".into(), json!(aws_router));
    fields.insert("ExternalResource".into(), json!(false));
    fields.insert("AwsVifId".into(), Value::Null);
    blueprint
        .done
        .insert("AwsVifId".into(), json!(short_aws_id("dxvif-", id)));
    blueprint
}

/// A new association: its fields, and its AWS id once its task succeeds.
pub(crate) fn association_blueprint(
    hub: &str,
    vpc: Option<&str>,
    prefixes: &[String],
) -> Blueprint {
    let mut blueprint = Blueprint::default();
    let fields = &mut blueprint.fields;
    fields.insert("NetworkingHubId".into(), json!(hub));
    fields.insert("VpcId".into(), json!(vpc));
    fields.insert("Prefixes".into(), json!(prefixes));
    fields.insert("AwsAssociationId".into(), Value::Null);
    blueprint
        .done
        .insert("AwsAssociationId".into(), json!(uuid()));
    blueprint
}
