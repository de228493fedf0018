//! VPN customer gateways (a device on the customer's side, in one account and region) and
//! the site-to-site VPN connections joining one to a hub or to a VPC.
//!
//! See `handlers.rs` for the rules.

use serde_json::{Map, Value, json};

use super::doc as d;
use super::lookups::HUB_OR_VPC;
use super::table::{change_op, path_params, read_op};
use super::wire::{self, held, task_kind};
use crate::areas::doc::r;
use crate::areas::resource;
use crate::areas::{Area, Operation};
use crate::roles::Allowed;
use crate::store::kinds::{Kind, Stamps};

mod handlers;

use handlers::{Connections, CustomerGateways};
pub(super) use handlers::{connection_blueprint, customer_gateway_blueprint};

/// Customer gateways: the organisation's, each deployed into one of its accounts.
pub(crate) const CUSTOMER_GATEWAY: &Kind = &Kind {
    stamps: Stamps::STANDARD,
    ..task_kind(
        [
            "vpn_customer_gateway",
            "VPN customer gateway",
            "VpnCustomerGateways",
            "vpn_customer_gateway_id",
        ],
        None,
    )
};

/// Connections of a customer gateway, to a hub or a VPC.
pub(crate) const CONNECTION: &Kind = &Kind {
    refs: HUB_OR_VPC,
    ..task_kind(
        [
            "vpn_connection",
            "VPN connection",
            "VpnConnections",
            "vpn_connection_id",
        ],
        Some(held("VpnCustomerGatewayId", CUSTOMER_GATEWAY)),
    )
};

/// The group: its operations, components and kinds.
pub(crate) const GROUP: Area = Area {
    operations,
    schemas,
    kinds: &[CUSTOMER_GATEWAY, CONNECTION],
};

/// The group's operations.
fn operations() -> Vec<Operation> {
    const GATEWAYS: &str = "networking.ReadVpnCustomerGateways";
    const CONNECTIONS: &str = "networking.ReadVpnConnections";
    vec![
        read_op(
            "networking.ReadVpnCustomerGateways",
            "/20190206/networking/hubs/{hub_id}/vpncustomergateways",
            wire::read::<CustomerGateways>,
            GATEWAYS,
            "The customer gateways with a live VPN connection to a hub",
        ),
        read_op(
            "networking.ReadVpnCustomerGateways",
            "/20190206/networking/vpncustomergateways",
            wire::read::<CustomerGateways>,
            GATEWAYS,
            "List VPN customer gateways",
        ),
        read_op(
            "networking.ReadVpnCustomerGateways",
            "/20190206/networking/vpncustomergateways/{vpn_customer_gateway_id}",
            wire::read::<CustomerGateways>,
            GATEWAYS,
            "One VPN customer gateway, as a list of one",
        ),
        change_op(
            "networking.CreateVpnCustomerGateway",
            ("post", "/20190206/networking/vpncustomergateways"),
            resource::create::<CustomerGateways>,
            (
                Some("networking.CreateVpnCustomerGateway"),
                "networking.CreateVpnCustomerGatewayEvent",
            ),
            "Describe a customer's VPN device: its public address and BGP ASN",
        ),
        change_op(
            "networking.UpdateVpnCustomerGateway",
            (
                "put",
                "/20190206/networking/vpncustomergateways/{vpn_customer_gateway_id}",
            ),
            wire::update::<CustomerGateways>,
            (
                Some("networking.UpdateVpnCustomerGateway"),
                "networking.UpdateVpnCustomerGatewayEvent",
            ),
            "Rename or retag a VPN customer gateway",
        ),
        change_op(
            "networking.DeleteVpnCustomerGateway",
            (
                "delete",
                "/20190206/networking/vpncustomergateways/{vpn_customer_gateway_id}",
            ),
            wire::delete::<CustomerGateways>,
            (None, "networking.DeleteVpnCustomerGatewayEvent"),
            "Delete a VPN customer gateway that has no connections left",
        ),
        read_op(
            "networking.ReadVpnConnections",
            "/20190206/networking/hubs/{hub_id}/vpnconnections",
            wire::read::<Connections>,
            CONNECTIONS,
            "The VPN connections of a hub and of its VPCs",
        ),
        read_op(
            "networking.ReadVpnConnections",
            "/20190206/networking/vpnconnections",
            wire::read::<Connections>,
            CONNECTIONS,
            "List VPN connections",
        ),
        read_op(
            "networking.ReadVpnConnections",
            "/20190206/networking/vpnconnections/{vpn_connection_id}",
            wire::read::<Connections>,
            CONNECTIONS,
            "One VPN connection, as a list of one",
        ),
        read_op(
            "networking.ReadVpnConnections",
            "/20190206/networking/vpncustomergateways/{vpn_customer_gateway_id}/vpnconnections",
            wire::read::<Connections>,
            CONNECTIONS,
            "The VPN connections of a customer gateway",
        ),
        change_op(
            "networking.CreateVpnConnection",
            (
                "post",
                "/20190206/networking/vpncustomergateways/{vpn_customer_gateway_id}/vpnconnection",
            ),
            resource::create::<Connections>,
            (
                Some("networking.CreateVpnConnection"),
                "networking.CreateVpnConnectionEvent",
            ),
            "Connect a customer gateway to a hub or to a VPC with a virtual private gateway",
        ),
        change_op(
            "networking.UpdateVpnConnection",
            (
                "put",
                "/20190206/networking/vpnconnections/{vpn_connection_id}",
            ),
            wire::update::<Connections>,
            (
                Some("networking.UpdateVpnConnection"),
                "networking.UpdateVpnConnectionEvent",
            ),
            "Rename or retag a VPN connection",
        ),
        change_op(
            "networking.DeleteVpnConnection",
            (
                "delete",
                "/20190206/networking/vpnconnections/{vpn_connection_id}",
            ),
            wire::delete::<Connections>,
            (None, "networking.DeleteVpnConnectionEvent"),
            "Delete a VPN connection",
        ),
        Operation::new(
            "networking.ReadVpnConnectionStatus",
            "get",
            "/20190206/networking/vpnconnections/{vpn_connection_id}/status",
            Allowed::READ,
            handlers::read_status,
        )
        .summary("The state of a VPN connection's two tunnels")
        .params(path_params(
            "/20190206/networking/vpnconnections/{vpn_connection_id}/status",
        ))
        .response("networking.ReadVpnConnectionStatus")
        .errors(&[404]),
    ]
}

/// The group's components of the served document.
fn schemas(s: &mut Map<String, Value>) {
    let tags = r("NetworkingTags");
    let aws_id = json!({"type": "string", "nullable": true, "readOnly": true,
                        "description": "AWS's id of it, once made."});
    let routing = d::one_of(&["DYNAMIC", "STATIC"]);
    let record_name = json!({"type": "string", "minLength": 2, "maxLength": 95});
    s.insert(
        "networking.CreateVpnCustomerGateway".into(),
        d::object(
            "A customer's VPN device to describe.",
            &["Name", "Asn", "IpAddress", "AccountId", "Region"],
            json!({
                "Name": d::name(2, 251),
                "Asn": {"type": "integer", "minimum": 64512, "maximum": 65534,
                        "description": "The device's private BGP ASN."},
                "IpAddress": {"type": "string", "description": "The static, internet-routable IPv4 address of the device's outside interface."},
                "AccountId": r("uuidv4"), "Region": r("AwsRegion"), "Tags": tags}),
        ),
    );
    s.insert(
        "networking.UpdateVpnCustomerGateway".into(),
        d::object(
            "What changes of a customer gateway.",
            &[],
            json!({"Name": d::name(2, 251), "Tags": tags}),
        ),
    );
    s.insert(
        "HubConnection".into(),
        d::object(
            "A VPN to a hub's transit gateway.",
            &["Name", "NetworkingHubId", "ImprovedAcceleration"],
            json!({"Name": d::name(2, 251), "NetworkingHubId": r("uuidv4"),
                   "ImprovedAcceleration": d::flag("Whether AWS's accelerated network carries it."),
                   "RoutingType": routing, "Tags": tags}),
        ),
    );
    s.insert(
        "VpcConnection".into(),
        d::object(
            "A VPN to a VPC's virtual private gateway.",
            &["Name", "VpcId"],
            json!({"Name": d::name(2, 251), "VpcId": r("uuidv4"), "Tags": tags}),
        ),
    );
    s.insert(
        "networking.CreateVpnConnection".into(),
        json!({"oneOf": [r("HubConnection"), r("VpcConnection")]}),
    );
    s.insert(
        "networking.UpdateVpnConnection".into(),
        d::object(
            "What changes of a VPN connection.",
            &[],
            json!({"Name": d::name(2, 251), "Tags": tags}),
        ),
    );
    s.insert(
        "VpnCustomerGateway".into(),
        d::record(
            "A customer's VPN device, as AWS knows it in one account and region.",
            &["Name", "Asn", "AccountId"],
            json!({"Name": record_name, "Asn": {"type": "integer"},
                   "IpAddress": {"type": "string"}, "AccountId": r("uuidv4"),
                   "Region": r("AwsRegion"), "AwsVpnCustomerGatewayId": aws_id}),
            (true, true),
        ),
    );
    s.insert(
        "VpnConnection".into(),
        d::record(
            "A site-to-site VPN from a customer gateway to a hub or a VPC.",
            &["Name", "VpnCustomerGatewayId"],
            json!({"Name": record_name, "VpnCustomerGatewayId": r("uuidv4"),
                   "VpnConnectionType": {"type": "string", "enum": ["HUB", "VPC"], "readOnly": true},
                   "NetworkingHubId": r("uuidv4"), "VpcId": r("nullable-uuidv4"),
                   "ImprovedAcceleration": {"type": "boolean"}, "RoutingType": routing,
                   "AwsVpnConnectionId": aws_id}),
            (true, false),
        ),
    );
    s.insert(
        "networking.ReadVpnCustomerGateways".into(),
        d::read("VpnCustomerGateways", "VpnCustomerGateway"),
    );
    s.insert(
        "networking.ReadVpnConnections".into(),
        d::read("VpnConnections", "VpnConnection"),
    );
    let tunnel = d::object(
        "One of the connection's two tunnels.",
        &[],
        json!({"TunnelName": {"type": "string"},
               "TunnelStatus": {"type": "string", "enum": ["up", "down"], "readOnly": true}}),
    );
    s.insert(
        "networking.ReadVpnConnectionStatus".into(),
        d::object(
            "The state of a VPN connection's tunnels.",
            &[],
            json!({"VpnConnectionStatus": {"type": "array", "items": tunnel}}),
        ),
    );
    for (name, created) in [
        (
            "networking.CreateVpnCustomerGatewayEvent",
            Some("VpnCustomerGateway"),
        ),
        ("networking.UpdateVpnCustomerGatewayEvent", None),
        ("networking.DeleteVpnCustomerGatewayEvent", None),
        ("networking.CreateVpnConnectionEvent", Some("VpnConnection")),
        ("networking.UpdateVpnConnectionEvent", None),
        ("networking.DeleteVpnConnectionEvent", None),
    ] {
        s.insert(name.into(), d::event(created));
    }
}
