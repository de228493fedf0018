//! The rules of VPN customer gateways and VPN connections, as hooks of the kinds' generic
//! operations, and the tunnels' status.
//!
//! - A customer gateway is deployed into an `ACTIVE` account of the organisation; its
//!   `IpAddress` is the static, internet-routable address of the device's outside interface
//!   (private, shared, loopback, link-local, multicast and reserved blocks are refused), and
//!   no other live gateway of the same account and region has it.
//! - A connection joins an `ACTIVE` customer gateway to an `ACTIVE` hub (`HUB`: through its
//!   transit gateway) or to an `ACTIVE` VPC with a virtual private gateway (`VPC`), in the
//!   customer gateway's region, once per pair. Its record names the hub either way (a VPC's
//!   own hub), so a hub lists, and is held by, the connections of its VPCs too.
//! - A customer gateway with live connections cannot be deleted (its kind's parent reference);
//!   nor can a hub or a VPC with live connections (the connections' references).

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::{CONNECTION, CUSTOMER_GATEWAY};
use crate::areas::Call;
use crate::areas::networking::addresses::parse_public_address;
use crate::areas::networking::blueprint::Blueprint;
use crate::areas::networking::hubs::HUB;
use crate::areas::networking::lookups::{
    ids_or_404, joined_to_hub, live_where, named_active, short_name,
};
use crate::areas::networking::vpcs::VPC;
use crate::areas::networking::wire::{self, account, aws_id, bad, ensure_active};
use crate::areas::resource::{Change, Done, Resource, load};
use crate::areas::rules::text;
use crate::areas::services::model::require_enabled_region;
use crate::protocol::{ApiError, ApiResult};
use crate::store::Db;
use crate::store::kinds::{Kind, status};
use crate::store::query::Query;

/// The longest name a customer gateway's or a connection's record holds (requests take
/// longer ones, which are refused rather than cut).
const NAME_MOST: usize = 95;

/// VPN customer gateways.
pub(crate) struct CustomerGateways;

impl Resource for CustomerGateways {
    const KIND: &'static Kind = CUSTOMER_GATEWAY;

    /// Under a hub's path: the customer gateways with a live connection to that hub.
    fn filters(call: &Call<'_>, db: &Db<'_>, query: &mut Query<'_>) -> ApiResult<()> {
        joined_to_hub(call, db, query, (CONNECTION, "VpnCustomerGatewayId"))
    }

    fn create(change: &mut Change<'_>) -> ApiResult<()> {
        let body = change.body;
        short_name(body, CUSTOMER_GATEWAY, NAME_MOST)?;
        let account = account(
            change.db,
            ("AccountId", text(body, "AccountId")),
            StatusCode::NOT_FOUND,
        )?;
        let address = parse_public_address("IpAddress", text(body, "IpAddress"))
            .map_err(bad)?
            .to_string();
        let region = text(body, "Region");
        require_enabled_region(change.db, "Region", region)?;
        let same = [
            ("AccountId", text(&account, "Id")),
            ("Region", region),
            ("IpAddress", address.as_str()),
        ];
        if let Some(other) = live_where(change.db, CUSTOMER_GATEWAY, &same)?.first() {
            return Err(ApiError::bad_request(format!(
                "IpAddress {address}: customer gateway {} already stands for that device in \
                 this account and region; connect through it instead",
                text(other, "Id")
            )));
        }
        customer_gateway_blueprint(
            &change.id,
            text(body, "Name"),
            body.get("Asn").cloned().unwrap_or(Value::Null),
            (&address, text(&account, "Id"), region),
        )
        .build(CUSTOMER_GATEWAY, change)?;
        change.take(&["Tags"]);
        Ok(())
    }

    fn update(change: &mut Change<'_>) -> ApiResult<()> {
        ensure_active(CUSTOMER_GATEWAY, &change.record)?;
        short_name(change.body, CUSTOMER_GATEWAY, NAME_MOST)?;
        change.take(&["Name", "Tags"]);
        Ok(())
    }

    fn answer(done: &Done<'_>) -> ApiResult<Value> {
        Ok(wire::event(done, "VpnCustomerGateway"))
    }
}

/// VPN connections.
pub(crate) struct Connections;

impl Resource for Connections {
    const KIND: &'static Kind = CONNECTION;

    fn create(change: &mut Change<'_>) -> ApiResult<()> {
        let body = change.body;
        short_name(body, CONNECTION, NAME_MOST)?;
        let gateway = change.parent.clone().unwrap_or_default();
        ensure_active(CUSTOMER_GATEWAY, &gateway)?;
        let (kind, target, field) = match body.get("VpcId").and_then(Value::as_str) {
            Some(vpc) => (VPC, named_active(change.db, VPC, ("VpcId", vpc))?, "VpcId"),
            None => {
                let hub = text(body, "NetworkingHubId");
                let hub = named_active(change.db, HUB, ("NetworkingHubId", hub))?;
                (HUB, hub, "NetworkingHubId")
            }
        };
        let target_id = text(&target, "Id");
        if kind.name == VPC.name && target.get("CreateVgw") != Some(&json!(true)) {
            return Err(ApiError::bad_request(format!(
                "VpcId: VPC {target_id} has no virtual private gateway for a VPN to end at: \
                 turn CreateVirtualPrivateGateway on (UpdateVpc), or connect to its hub"
            )));
        }
        let (theirs, ours) = (text(&target, "Region"), text(&gateway, "Region"));
        if theirs != ours {
            return Err(ApiError::bad_request(format!(
                "{field}: {} {target_id} is in {theirs} and customer gateway {} in {ours}: a VPN \
                 connection joins the two in one region",
                kind.what,
                text(&gateway, "Id")
            )));
        }
        let pair = [
            ("VpnCustomerGatewayId", text(&gateway, "Id")),
            (field, target_id),
        ];
        if let Some(other) = live_where(change.db, CONNECTION, &pair)?.first() {
            return Err(ApiError::bad_request(format!(
                "VPN connection {} already joins customer gateway {} to {} {target_id}",
                text(other, "Id"),
                text(&gateway, "Id"),
                kind.what
            )));
        }
        let blueprint = if kind.name == VPC.name {
            connection_blueprint(
                &change.id,
                text(body, "Name"),
                ("VPC", text(&target, "NetworkingHubId"), Some(target_id)),
                (false, "DYNAMIC"),
            )
        } else {
            let accelerated = body.get("ImprovedAcceleration") == Some(&json!(true));
            let routing = body
                .get("RoutingType")
                .and_then(Value::as_str)
                .unwrap_or("DYNAMIC");
            connection_blueprint(
                &change.id,
                text(body, "Name"),
                ("HUB", target_id, None),
                (accelerated, routing),
            )
        };
        blueprint.build(CONNECTION, change)?;
        change.take(&["Tags"]);
        Ok(())
    }

    fn update(change: &mut Change<'_>) -> ApiResult<()> {
        ensure_active(CONNECTION, &change.record)?;
        short_name(change.body, CONNECTION, NAME_MOST)?;
        change.take(&["Name", "Tags"]);
        Ok(())
    }

    fn answer(done: &Done<'_>) -> ApiResult<Value> {
        Ok(wire::event(done, "VpnConnection"))
    }
}

/// `GET .../vpnconnections/{vpn_connection_id}/status`: the connection's two tunnels, `up`
/// while it is `ACTIVE` (the emulator plays a healthy device at the far end), else `down`.
pub(super) fn read_status(call: &Call<'_>) -> ApiResult<Value> {
    ids_or_404(call)?;
    call.read(|db| {
        let connection = load(call, db, CONNECTION, true)?;
        let up = if status(&connection) == "ACTIVE" {
            "up"
        } else {
            "down"
        };
        let tunnels: Vec<Value> = ["Tunnel1", "Tunnel2"]
            .iter()
            .map(|name| json!({"TunnelName": name, "TunnelStatus": up}))
            .collect();
        Ok(json!({ "VpnConnectionStatus": tunnels }))
    })
}

/// A new customer gateway `id`: its fields, and its AWS id once its task succeeds.
pub(crate) fn customer_gateway_blueprint(
    id: &str,
    name: &str,
    asn: Value,
    (address, account, region): (&str, &str, &str),
) -> Blueprint {
    let mut blueprint = Blueprint::default();
    let fields = &mut blueprint.fields;
    fields.insert("Name".into(), json!(name));
    fields.insert("Asn".into(), asn);
    fields.insert("IpAddress".into(), json!(address));
    fields.insert("AccountId".into(), json!(account));
    fields.insert("Region".into(), json!(region));
    fields.insert("AwsVpnCustomerGatewayId".into(), Value::Null);
    blueprint
        .done
        .insert("AwsVpnCustomerGatewayId".into(), json!(aws_id("cgw-", id)));
    blueprint
}

/// A new connection `id`: its type (`HUB` or `VPC`), hub and VPC, acceleration and routing,
/// and its AWS id once its task succeeds.
pub(crate) fn connection_blueprint(
    id: &str,
    name: &str,
    (kind, hub, vpc): (&str, &str, Option<&str>),
    (accelerated, routing): (bool, &str),
) -> Blueprint {
    let mut blueprint = Blueprint::default();
    let fields = &mut blueprint.fields;
    fields.insert("Name".into(), json!(name));
    fields.insert("VpnConnectionType".into(), json!(kind));
    fields.insert("NetworkingHubId".into(), json!(hub));
    fields.insert("VpcId".into(), json!(vpc));
    fields.insert("ImprovedAcceleration".into(), json!(accelerated));
    fields.insert("RoutingType".into(), json!(routing));
    fields.insert("AwsVpnConnectionId".into(), Value::Null);
    blueprint
        .done
        .insert("AwsVpnConnectionId".into(), json!(aws_id("vpn-", id)));
    blueprint
}
