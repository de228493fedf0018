//! VPN customer gateways (a device on the customer's side, in one account and region) and
//! the site-to-site VPN connections joining one to a hub or to a VPC.
//!
//! See `handlers.rs` for the rules.

use serde_json::{Map, Value, json};

use super::common::{
    self, change_op, event_schema, list_schema, made_id, name_schema, read_op, status_schema,
};
use super::standin::{HUB, VPC};
use crate::areas::doc::r;
use crate::areas::resource;
use crate::areas::{Area, Operation};
use crate::store::kinds::{Kind, OnDelete, Ref, Stamps};

mod handlers;

use handlers::{Connections, CustomerGateways};
pub(crate) use handlers::{connection_fields, customer_gateway_fields};

/// Customer gateways: the organisation's, each deployed into one of its accounts.
pub(crate) const CUSTOMER_GATEWAY: &Kind = &Kind {
    name: "vpn_customer_gateway",
    what: "VPN customer gateway",
    plural: "VpnCustomerGateways",
    param: "vpn_customer_gateway_id",
    stamps: Stamps::STANDARD,
    ..common::KIND
};

/// Connections of a customer gateway, to a hub or a VPC.
pub(crate) const CONNECTION: &Kind = &Kind {
    name: "vpn_connection",
    what: "VPN connection",
    plural: "VpnConnections",
    param: "vpn_connection_id",
    parent: Some(Ref {
        field: "VpnCustomerGatewayId",
        kind: CUSTOMER_GATEWAY,
        on_delete: OnDelete::Refuse,
    }),
    refs: &[
        Ref {
            field: "NetworkingHubId",
            kind: HUB,
            on_delete: OnDelete::Refuse,
        },
        Ref {
            field: "VpcId",
            kind: VPC,
            on_delete: OnDelete::Refuse,
        },
    ],
    ..common::KIND
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
            common::read::<CustomerGateways>,
            GATEWAYS,
            "The customer gateways with a live VPN connection to a hub",
        ),
        read_op(
            "networking.ReadVpnCustomerGateways",
            "/20190206/networking/vpncustomergateways",
            common::read::<CustomerGateways>,
            GATEWAYS,
            "List VPN customer gateways",
        ),
        read_op(
            "networking.ReadVpnCustomerGateways",
            "/20190206/networking/vpncustomergateways/{vpn_customer_gateway_id}",
            common::read::<CustomerGateways>,
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
            common::update::<CustomerGateways>,
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
            common::delete::<CustomerGateways>,
            (None, "networking.DeleteVpnCustomerGatewayEvent"),
            "Delete a VPN customer gateway that has no connections left",
        ),
        read_op(
            "networking.ReadVpnConnections",
            "/20190206/networking/hubs/{hub_id}/vpnconnections",
            common::read::<Connections>,
            CONNECTIONS,
            "The VPN connections of a hub and of its VPCs",
        ),
        read_op(
            "networking.ReadVpnConnections",
            "/20190206/networking/vpnconnections",
            common::read::<Connections>,
            CONNECTIONS,
            "List VPN connections",
        ),
        read_op(
            "networking.ReadVpnConnections",
            "/20190206/networking/vpnconnections/{vpn_connection_id}",
            common::read::<Connections>,
            CONNECTIONS,
            "One VPN connection, as a list of one",
        ),
        read_op(
            "networking.ReadVpnConnections",
            "/20190206/networking/vpncustomergateways/{vpn_customer_gateway_id}/vpnconnections",
            common::read::<Connections>,
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
            common::update::<Connections>,
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
            common::delete::<Connections>,
            (None, "networking.DeleteVpnConnectionEvent"),
            "Delete a VPN connection",
        ),
        Operation::new(
            "networking.ReadVpnConnectionStatus",
            "get",
            "/20190206/networking/vpnconnections/{vpn_connection_id}/status",
            crate::roles::Allowed::READ,
            handlers::read_status,
        )
        .summary("The state of a VPN connection's two tunnels")
        .params(common::path_params(
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
    s.insert(
        "networking.CreateVpnCustomerGateway".into(),
        json!({"type": "object", "additionalProperties": false,
               "required": ["Name", "Asn", "IpAddress", "AccountId", "Region"],
               "properties": {
                   "Name": name_schema(251, true),
                   "Asn": {"type": "integer", "minimum": 64512, "maximum": 65534,
                           "description": "The device's private BGP ASN."},
                   "IpAddress": {"type": "string", "description": "The static, internet-routable IPv4 address of the device's outside interface."},
                   "AccountId": r("uuidv4"), "Region": r("AwsRegion"), "Tags": tags}}),
    );
    s.insert(
        "networking.UpdateVpnCustomerGateway".into(),
        json!({"type": "object", "additionalProperties": false,
               "properties": {"Name": name_schema(251, true), "Tags": tags}}),
    );
    s.insert(
        "HubConnection".into(),
        json!({"type": "object", "additionalProperties": false,
               "description": "A VPN to a hub's transit gateway.",
               "required": ["Name", "NetworkingHubId", "ImprovedAcceleration"],
               "properties": {"Name": name_schema(251, true), "NetworkingHubId": r("uuidv4"),
                              "ImprovedAcceleration": {"type": "boolean"},
                              "RoutingType": {"type": "string", "enum": ["DYNAMIC", "STATIC"]},
                              "Tags": tags}}),
    );
    s.insert(
        "VpcConnection".into(),
        json!({"type": "object", "additionalProperties": false,
               "description": "A VPN to a VPC's virtual private gateway.",
               "required": ["Name", "VpcId"],
               "properties": {"Name": name_schema(251, true), "VpcId": r("uuidv4"), "Tags": tags}}),
    );
    s.insert(
        "networking.CreateVpnConnection".into(),
        json!({"oneOf": [r("HubConnection"), r("VpcConnection")]}),
    );
    s.insert(
        "networking.UpdateVpnConnection".into(),
        json!({"type": "object", "additionalProperties": false,
               "properties": {"Name": name_schema(251, true), "Tags": tags}}),
    );
    s.insert(
        "VpnCustomerGateway".into(),
        json!({
            "type": "object", "additionalProperties": false,
            "description": "A customer's VPN device, as AWS knows it in one account and region.",
            "required": ["Name", "Asn", "AccountId"],
            "properties": {
                "Id": r("ro-uuidv4"), "Name": name_schema(95, false), "Asn": {"type": "integer"},
                "IpAddress": {"type": "string"}, "AccountId": r("uuidv4"),
                "Region": r("AwsRegion"), "OrganisationId": r("ro-uuidv4"),
                "AwsVpnCustomerGatewayId": aws_id,
                "Status": status_schema(), "Tags": tags, "UserTaskId": r("nullable-uuidv4"),
                "CreatedBy": r("nullable-uuidv4"),
                "CreatedTS": common::timestamp(), "ModifiedTS": common::timestamp()
            }
        }),
    );
    s.insert(
        "VpnConnection".into(),
        json!({
            "type": "object", "additionalProperties": false,
            "description": "A site-to-site VPN from a customer gateway to a hub or a VPC.",
            "required": ["Name", "VpnCustomerGatewayId"],
            "properties": {
                "Id": r("ro-uuidv4"), "Name": name_schema(95, false),
                "VpnCustomerGatewayId": r("uuidv4"),
                "VpnConnectionType": {"type": "string", "enum": ["HUB", "VPC"], "readOnly": true},
                "NetworkingHubId": r("uuidv4"), "VpcId": r("nullable-uuidv4"),
                "ImprovedAcceleration": {"type": "boolean"},
                "RoutingType": {"type": "string", "enum": ["DYNAMIC", "STATIC"]},
                "AwsVpnConnectionId": aws_id,
                "Status": status_schema(), "Tags": tags, "UserTaskId": r("nullable-uuidv4"),
                "CreatedBy": r("nullable-uuidv4"),
                "CreatedTS": common::timestamp(), "ModifiedTS": common::timestamp()
            }
        }),
    );
    s.insert(
        "networking.ReadVpnCustomerGateways".into(),
        list_schema("VpnCustomerGateways", "VpnCustomerGateway"),
    );
    s.insert(
        "networking.ReadVpnConnections".into(),
        list_schema("VpnConnections", "VpnConnection"),
    );
    s.insert(
        "networking.ReadVpnConnectionStatus".into(),
        json!({"type": "object", "additionalProperties": false,
               "properties": {"VpnConnectionStatus": {"type": "array", "items": {
                   "type": "object", "additionalProperties": false,
                   "properties": {"TunnelName": {"type": "string"},
                                  "TunnelStatus": {"type": "string", "enum": ["up", "down"], "readOnly": true}}}}}}),
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
        s.insert(
            name.into(),
            event_schema(created.map(|key| (key, made_id()))),
        );
    }
}
