//! Direct Connect: gateways (one per use: `TRANSIT` toward hubs, `PRIVATE` toward VPCs),
//! the virtual interfaces (VIFs) that bring a connection's traffic to a gateway, the
//! associations that join a gateway to a hub or a VPC, and the AWS-side connections of an
//! account that VIFs ride on (read-only).
//!
//! See `handlers.rs` for the rules, `create.rs` for `CreateDxResource` (a gateway, a VIF, or
//! both by one task) and `connections.rs` for the connections.

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

mod connections;
mod create;
mod handlers;

pub(super) use connections::connections;
use handlers::{Associations, Gateways, Vifs};
pub(super) use handlers::{association_blueprint, gateway_blueprint, vif_blueprint};

/// Direct Connect gateways: the organisation's, each deployed into one of its accounts.
pub(crate) const GATEWAY: &Kind = &Kind {
    stamps: Stamps::STANDARD,
    ..task_kind(
        ["dx_gateway", "DX gateway", "DxGateways", "dx_gateway_id"],
        None,
    )
};

/// Virtual interfaces of a gateway.
pub(crate) const VIF: &Kind = &task_kind(
    ["dx_vif", "DX VIF", "DxVifs", "dx_vif_id"],
    Some(held("DxGatewayId", GATEWAY)),
);

/// Associations of a gateway with a hub (transit) or a VPC (private).
pub(crate) const ASSOCIATION: &Kind = &Kind {
    refs: HUB_OR_VPC,
    ..task_kind(
        [
            "dx_association",
            "DX association",
            "DxAssociations",
            "dx_association_id",
        ],
        Some(held("DxGatewayId", GATEWAY)),
    )
};

const CONNECTIONS_PATH: &str = "/20190206/networking/{account_id}/dxconnections";
const VIF_STATUS_PATH: &str = "/20190206/networking/dxvifs/{dx_vif_id}/status";

/// The group: its operations, components and kinds.
pub(crate) const GROUP: Area = Area {
    operations,
    schemas,
    kinds: &[GATEWAY, VIF, ASSOCIATION],
};

/// The group's operations.
fn operations() -> Vec<Operation> {
    const GATEWAYS: &str = "networking.ReadDxGateways";
    const VIFS: &str = "networking.ReadDxVifs";
    const ASSOCIATIONS: &str = "networking.ReadDxAssociations";
    let mut connection_params = path_params(CONNECTIONS_PATH);
    connection_params.push(json!({"name": "state", "in": "query", "required": false,
        "description": "Comma-separated connection states to list.",
        "schema": {"type": "string", "default": "pending,available"}}));
    vec![
        read_op(
            "networking.ReadDxGateways",
            "/20190206/networking/dxgateways",
            wire::read::<Gateways>,
            GATEWAYS,
            "List Direct Connect gateways",
        ),
        read_op(
            "networking.ReadDxGateways",
            "/20190206/networking/dxgateways/{dx_gateway_id}",
            wire::read::<Gateways>,
            GATEWAYS,
            "One Direct Connect gateway, as a list of one",
        ),
        read_op(
            "networking.ReadDxGateways",
            "/20190206/networking/hubs/{hub_id}/dxgateways",
            wire::read::<Gateways>,
            GATEWAYS,
            "The Direct Connect gateways associated with a hub or its VPCs",
        ),
        change_op(
            "networking.DeleteDxGateway",
            ("delete", "/20190206/networking/dxgateways/{dx_gateway_id}"),
            wire::delete::<Gateways>,
            (None, "networking.DeleteDxGatewayEvent"),
            "Delete a Direct Connect gateway that has no VIFs or associations left",
        ),
        change_op(
            "networking.CreateDxResource",
            ("post", "/20190206/networking/dxresources"),
            create::create_dx_resource,
            (
                Some("networking.CreateDxResource"),
                "networking.CreateDxResourceEvent",
            ),
            "Make a Direct Connect gateway, a VIF, or a gateway with a VIF on it",
        ),
        read_op(
            "networking.ReadDxVifs",
            "/20190206/networking/dxgateways/{dx_gateway_id}/dxvifs",
            wire::read::<Vifs>,
            VIFS,
            "The VIFs of a Direct Connect gateway",
        ),
        read_op(
            "networking.ReadDxVifs",
            "/20190206/networking/dxvifs",
            wire::read::<Vifs>,
            VIFS,
            "List Direct Connect VIFs",
        ),
        read_op(
            "networking.ReadDxVifs",
            "/20190206/networking/dxvifs/{dx_vif_id}",
            wire::read::<Vifs>,
            VIFS,
            "One Direct Connect VIF, as a list of one",
        ),
        change_op(
            "networking.UpdateDxVif",
            ("put", "/20190206/networking/dxvifs/{dx_vif_id}"),
            wire::update::<Vifs>,
            (
                Some("networking.UpdateDxVif"),
                "networking.UpdateDxVifEvent",
            ),
            "Turn jumbo frames on or off for a VIF, or retag it",
        ),
        change_op(
            "networking.DeleteDxVif",
            ("delete", "/20190206/networking/dxvifs/{dx_vif_id}"),
            wire::delete::<Vifs>,
            (None, "networking.DeleteDxVifEvent"),
            "Delete a Direct Connect VIF",
        ),
        Operation::new(
            "networking.ReadDxVifStatus",
            "get",
            VIF_STATUS_PATH,
            Allowed::READ,
            handlers::read_vif_status,
        )
        .summary("The BGP state of a VIF's peering")
        .params(path_params(VIF_STATUS_PATH))
        .response("networking.ReadDxVifStatus")
        .errors(&[404]),
        read_op(
            "networking.ReadDxAssociations",
            "/20190206/networking/dxassociations",
            wire::read::<Associations>,
            ASSOCIATIONS,
            "List Direct Connect gateway associations",
        ),
        read_op(
            "networking.ReadDxAssociations",
            "/20190206/networking/dxassociations/{dx_association_id}",
            wire::read::<Associations>,
            ASSOCIATIONS,
            "One Direct Connect gateway association, as a list of one",
        ),
        read_op(
            "networking.ReadDxAssociations",
            "/20190206/networking/dxgateways/{dx_gateway_id}/dxassociations",
            wire::read::<Associations>,
            ASSOCIATIONS,
            "The associations of a Direct Connect gateway",
        ),
        read_op(
            "networking.ReadDxAssociations",
            "/20190206/networking/hubs/{hub_id}/dxassociations",
            wire::read::<Associations>,
            ASSOCIATIONS,
            "The Direct Connect associations of a hub and of its VPCs",
        ),
        change_op(
            "networking.CreateDxAssociation",
            (
                "post",
                "/20190206/networking/dxgateways/{dx_gateway_id}/dxassociations",
            ),
            resource::create::<Associations>,
            (
                Some("networking.CreateDxAssociation"),
                "networking.CreateDxAssociationEvent",
            ),
            "Associate a transit gateway with a hub, or a private one with a VPC",
        ),
        change_op(
            "networking.UpdateDxAssociation",
            (
                "put",
                "/20190206/networking/dxassociations/{dx_association_id}",
            ),
            wire::update::<Associations>,
            (
                Some("networking.UpdateDxAssociation"),
                "networking.UpdateDxAssociationEvent",
            ),
            "Change the prefixes an association advertises",
        ),
        change_op(
            "networking.DeleteDxAssociation",
            (
                "delete",
                "/20190206/networking/dxassociations/{dx_association_id}",
            ),
            wire::delete::<Associations>,
            (None, "networking.DeleteDxAssociationEvent"),
            "Delete a Direct Connect gateway association",
        ),
        Operation::new(
            "networking.ReadDxConnections",
            "get",
            CONNECTIONS_PATH,
            Allowed::READ,
            connections::read,
        )
        .summary("The Direct Connect connections of an account (AWS's, read-only)")
        .params(connection_params)
        .response("networking.ReadDxConnections")
        .errors(&[404]),
    ]
}

/// An AWS id of the short kind Direct Connect uses (`dxvif-` and 8 hex digits), derived from
/// a Stax id.
pub(super) fn short_aws_id(prefix: &str, id: &str) -> String {
    let long = wire::aws_id(prefix, id);
    long[..prefix.len() + 8].to_owned()
}

/// The group's components of the served document.
fn schemas(s: &mut Map<String, Value>) {
    let tags = r("NetworkingTags");
    let prefixes = json!({"type": "array", "items": {"type": "string"},
                          "description": "CIDR blocks advertised over the association."});
    let kind =
        |text: &str| json!({"type": "string", "enum": ["TRANSIT", "PRIVATE"], "description": text});
    let aws_id = json!({"type": "string", "nullable": true, "readOnly": true,
                        "description": "AWS's id of it, once made."});
    let record_name = json!({"type": "string", "minLength": 2, "maxLength": 95});
    s.insert(
        "GatewayMap".into(),
        d::object(
            "A Direct Connect gateway to make.",
            &["Name", "Asn", "AccountId", "GatewayType"],
            json!({"Name": d::name(2, 95),
                   "Asn": {"type": "integer", "description": "The Amazon side's private ASN."},
                   "AccountId": r("uuidv4"),
                   "GatewayType": kind("TRANSIT to associate with hubs, PRIVATE with VPCs.")}),
        ),
    );
    s.insert(
        "VifMap".into(),
        d::object(
            "A virtual interface to make.",
            &["Name", "AwsConnectionId", "Vlan", "Asn", "RouterIp", "AwsRouterIp", "BgpAuthKey", "JumboMtu"],
            json!({
                "Name": d::name(2, 95),
                "AwsConnectionId": {"type": "string", "minLength": 2, "maxLength": 128},
                "Vlan": {"type": "integer"},
                "Asn": {"type": "integer", "description": "The customer side's BGP ASN."},
                "RouterIp": {"type": "string", "description": "The customer side's peer address with its prefix length."},
                "AwsRouterIp": {"type": "string", "description": "Amazon's peer address with its prefix length."},
                "BgpAuthKey": {"type": "string", "writeOnly": true, "description": "The BGP session's key; kept, never shown."},
                "JumboMtu": {"type": "boolean"},
                "DxGatewayId": r("uuidv4"),
                "Tags": tags}),
        ),
    );
    s.insert(
        "networking.CreateDxResource".into(),
        d::object(
            "A gateway, a VIF, or both (the VIF then goes on the new gateway).",
            &[],
            json!({"Gateway": r("GatewayMap"), "Vif": r("VifMap")}),
        ),
    );
    s.insert(
        "networking.UpdateDxVif".into(),
        d::object(
            "What changes of a VIF.",
            &[],
            json!({"JumboMtu": {"type": "boolean"}, "Tags": tags}),
        ),
    );
    s.insert(
        "TransitAssociation".into(),
        d::object(
            "A transit gateway joined to a hub.",
            &["NetworkingHubId", "Prefixes"],
            json!({"NetworkingHubId": r("uuidv4"), "Prefixes": prefixes}),
        ),
    );
    s.insert(
        "PrivateAssociation".into(),
        d::object(
            "A private gateway joined to a VPC's virtual private gateway.",
            &["VpcId", "Prefixes"],
            json!({"VpcId": r("uuidv4"), "Prefixes": prefixes}),
        ),
    );
    s.insert(
        "networking.CreateDxAssociation".into(),
        json!({"oneOf": [r("TransitAssociation"), r("PrivateAssociation")]}),
    );
    s.insert(
        "networking.UpdateDxAssociation".into(),
        d::object(
            "The prefixes to advertise instead.",
            &[],
            json!({"Prefixes": prefixes}),
        ),
    );
    let mut gateway = d::record(
        "A Direct Connect gateway.",
        &["Id", "Name", "Asn", "AccountId", "OrganisationId"],
        json!({"Name": record_name, "Asn": {"type": "integer"}, "AccountId": r("uuidv4"),
               "GatewayType": kind("What it associates with."),
               "ExternalResource": {"type": "boolean"}, "AwsGatewayId": aws_id}),
        (true, true),
    );
    untagged(&mut gateway);
    s.insert("DxGateway".into(), gateway);
    s.insert(
        "DxVif".into(),
        d::record(
            "A virtual interface of a Direct Connect gateway (its BGP key is never shown).",
            &["Id", "Name", "VifType", "AwsConnectionId", "DxGatewayId", "Vlan", "Asn", "RouterIp", "AwsRouterIp", "JumboMtu", "Region"],
            json!({"Name": record_name, "VifType": kind("Its gateway's type."),
                   "AwsConnectionId": {"type": "string", "minLength": 2, "maxLength": 128},
                   "DxGatewayId": r("uuidv4"), "Vlan": {"type": "integer"}, "Asn": {"type": "integer"},
                   "RouterIp": {"type": "string"}, "AwsRouterIp": {"type": "string"},
                   "JumboMtu": {"type": "boolean"}, "Region": r("AwsRegion"),
                   "ExternalResource": {"type": "boolean"}, "AwsVifId": aws_id}),
            (true, false),
        ),
    );
    let mut association = d::record(
        "A Direct Connect gateway joined to a hub (VpcId null) or to a VPC.",
        &["Id", "DxGatewayId", "NetworkingHubId", "Prefixes"],
        json!({"DxGatewayId": r("uuidv4"), "NetworkingHubId": r("uuidv4"),
               "VpcId": r("nullable-uuidv4"), "Prefixes": prefixes,
               "AwsAssociationId": aws_id}),
        (true, false),
    );
    untagged(&mut association);
    s.insert("DxAssociation".into(), association);
    s.insert(
        "DxConnection".into(),
        d::object(
            "A Direct Connect connection, as AWS reports it.",
            &["ConnectionId", "ConnectionName", "ConnectionState", "Region", "Bandwidth", "Vlan"],
            json!({
                "ConnectionId": {"type": "string", "minLength": 2, "maxLength": 100},
                "ConnectionName": {"type": "string", "minLength": 2, "maxLength": 100},
                "ConnectionState": {"type": "string", "readOnly": true,
                    "enum": ["ordering", "requested", "pending", "available", "down", "deleting", "deleted", "rejected", "unknown"]},
                "Region": r("AwsRegion"),
                "Bandwidth": {"type": "string", "minLength": 2, "maxLength": 100},
                "Vlan": {"type": "integer", "nullable": true}}),
        ),
    );
    s.insert(
        "networking.ReadDxGateways".into(),
        d::read("DxGateways", "DxGateway"),
    );
    s.insert("networking.ReadDxVifs".into(), d::read("DxVifs", "DxVif"));
    s.insert(
        "networking.ReadDxAssociations".into(),
        d::read("DxAssociations", "DxAssociation"),
    );
    s.insert(
        "networking.ReadDxConnections".into(),
        d::read("DxConnections", "DxConnection"),
    );
    let peer = d::object(
        "The BGP peer of a VIF.",
        &[],
        json!({"BgpPeerId": {"type": "string"},
               "BgpStatus": {"type": "string", "enum": ["up", "down", "unknown"], "readOnly": true}}),
    );
    s.insert(
        "networking.ReadDxVifStatus".into(),
        d::object(
            "The BGP state of a VIF's peering.",
            &[],
            json!({"DxVifStatus": {"type": "array", "items": peer}}),
        ),
    );
    let optional_id = d::object("What was made.", &[], json!({"Id": r("ro-uuidv4")}));
    let mut made = d::event(Some("DxResource"));
    made["properties"]["Detail"]["properties"]["DxResource"] = d::object(
        "The gateway and the VIF made, as asked.",
        &[],
        json!({"Gateway": optional_id, "Vif": optional_id}),
    );
    s.insert("networking.CreateDxResourceEvent".into(), made);
    for (name, created) in [
        ("networking.DeleteDxGatewayEvent", None),
        ("networking.UpdateDxVifEvent", None),
        ("networking.DeleteDxVifEvent", None),
        ("networking.CreateDxAssociationEvent", Some("DxAssociation")),
        ("networking.UpdateDxAssociationEvent", None),
        ("networking.DeleteDxAssociationEvent", None),
    ] {
        s.insert(name.into(), d::event(created));
    }
}

/// Leaves `Tags` out of a record's component (kinds whose records have none).
fn untagged(record: &mut Value) {
    if let Some(properties) = record["properties"].as_object_mut() {
        properties.remove("Tags");
    }
}
