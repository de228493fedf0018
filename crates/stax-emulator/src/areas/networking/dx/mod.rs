//! Direct Connect: gateways (one per use: `TRANSIT` toward hubs, `PRIVATE` toward VPCs),
//! the virtual interfaces (VIFs) that bring a connection's traffic to a gateway, the
//! associations that join a gateway to a hub or a VPC, and the AWS-side connections of an
//! account that VIFs ride on (read-only).
//!
//! See `handlers.rs` for the rules, `create.rs` for `CreateDxResource` (a gateway, a VIF, or
//! both by one task) and `connections.rs` for the connections.

use serde_json::{Map, Value, json};

use super::common::{
    self, change_op, event_schema, list_schema, made_id, name_schema, path_params, read_op,
    status_schema,
};
use super::standin::{HUB, VPC};
use crate::areas::doc::r;
use crate::areas::resource;
use crate::areas::{Area, Operation};
use crate::roles::Allowed;
use crate::store::kinds::{Kind, OnDelete, Ref, Stamps};

mod connections;
mod create;
mod handlers;

pub(crate) use connections::connections;
use handlers::{Associations, Gateways, Vifs};
pub(crate) use handlers::{association_fields, gateway_fields, vif_fields};

/// Direct Connect gateways: the organisation's, each deployed into one of its accounts.
pub(crate) const GATEWAY: &Kind = &Kind {
    name: "dx_gateway",
    what: "DX gateway",
    plural: "DxGateways",
    param: "dx_gateway_id",
    stamps: Stamps::STANDARD,
    ..common::KIND
};

/// Virtual interfaces of a gateway.
pub(crate) const VIF: &Kind = &Kind {
    name: "dx_vif",
    what: "DX VIF",
    plural: "DxVifs",
    param: "dx_vif_id",
    parent: Some(Ref {
        field: "DxGatewayId",
        kind: GATEWAY,
        on_delete: OnDelete::Refuse,
    }),
    ..common::KIND
};

/// Associations of a gateway with a hub (transit) or a VPC (private).
pub(crate) const ASSOCIATION: &Kind = &Kind {
    name: "dx_association",
    what: "DX association",
    plural: "DxAssociations",
    param: "dx_association_id",
    parent: Some(Ref {
        field: "DxGatewayId",
        kind: GATEWAY,
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
            common::read::<Gateways>,
            GATEWAYS,
            "List Direct Connect gateways",
        ),
        read_op(
            "networking.ReadDxGateways",
            "/20190206/networking/dxgateways/{dx_gateway_id}",
            common::read::<Gateways>,
            GATEWAYS,
            "One Direct Connect gateway, as a list of one",
        ),
        read_op(
            "networking.ReadDxGateways",
            "/20190206/networking/hubs/{hub_id}/dxgateways",
            common::read::<Gateways>,
            GATEWAYS,
            "The Direct Connect gateways associated with a hub or its VPCs",
        ),
        change_op(
            "networking.DeleteDxGateway",
            ("delete", "/20190206/networking/dxgateways/{dx_gateway_id}"),
            common::delete::<Gateways>,
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
            common::read::<Vifs>,
            VIFS,
            "The VIFs of a Direct Connect gateway",
        ),
        read_op(
            "networking.ReadDxVifs",
            "/20190206/networking/dxvifs",
            common::read::<Vifs>,
            VIFS,
            "List Direct Connect VIFs",
        ),
        read_op(
            "networking.ReadDxVifs",
            "/20190206/networking/dxvifs/{dx_vif_id}",
            common::read::<Vifs>,
            VIFS,
            "One Direct Connect VIF, as a list of one",
        ),
        change_op(
            "networking.UpdateDxVif",
            ("put", "/20190206/networking/dxvifs/{dx_vif_id}"),
            common::update::<Vifs>,
            (
                Some("networking.UpdateDxVif"),
                "networking.UpdateDxVifEvent",
            ),
            "Turn jumbo frames on or off for a VIF, or retag it",
        ),
        change_op(
            "networking.DeleteDxVif",
            ("delete", "/20190206/networking/dxvifs/{dx_vif_id}"),
            common::delete::<Vifs>,
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
            common::read::<Associations>,
            ASSOCIATIONS,
            "List Direct Connect gateway associations",
        ),
        read_op(
            "networking.ReadDxAssociations",
            "/20190206/networking/dxassociations/{dx_association_id}",
            common::read::<Associations>,
            ASSOCIATIONS,
            "One Direct Connect gateway association, as a list of one",
        ),
        read_op(
            "networking.ReadDxAssociations",
            "/20190206/networking/dxgateways/{dx_gateway_id}/dxassociations",
            common::read::<Associations>,
            ASSOCIATIONS,
            "The associations of a Direct Connect gateway",
        ),
        read_op(
            "networking.ReadDxAssociations",
            "/20190206/networking/hubs/{hub_id}/dxassociations",
            common::read::<Associations>,
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
            common::update::<Associations>,
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
            common::delete::<Associations>,
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

/// The group's components of the served document.
fn schemas(s: &mut Map<String, Value>) {
    let tags = r("NetworkingTags");
    let prefixes = json!({"type": "array", "items": {"type": "string"},
                          "description": "CIDR blocks advertised over the association."});
    let kind =
        |text: &str| json!({"type": "string", "enum": ["TRANSIT", "PRIVATE"], "description": text});
    let aws_id = json!({"type": "string", "nullable": true, "readOnly": true,
                        "description": "AWS's id of it, once made."});
    s.insert(
        "GatewayMap".into(),
        json!({"type": "object", "additionalProperties": false,
               "required": ["Name", "Asn", "AccountId", "GatewayType"],
               "properties": {"Name": name_schema(95, true),
                              "Asn": {"type": "integer", "description": "The Amazon side's private ASN."},
                              "AccountId": r("uuidv4"),
                              "GatewayType": kind("TRANSIT to associate with hubs, PRIVATE with VPCs.")}}),
    );
    s.insert(
        "VifMap".into(),
        json!({"type": "object", "additionalProperties": false,
               "required": ["Name", "AwsConnectionId", "Vlan", "Asn", "RouterIp", "AwsRouterIp", "BgpAuthKey", "JumboMtu"],
               "properties": {
                   "Name": name_schema(95, true),
                   "AwsConnectionId": {"type": "string", "minLength": 2, "maxLength": 128},
                   "Vlan": {"type": "integer"},
                   "Asn": {"type": "integer", "description": "The customer side's BGP ASN."},
                   "RouterIp": {"type": "string", "description": "The customer side's peer address with its prefix length."},
                   "AwsRouterIp": {"type": "string", "description": "Amazon's peer address with its prefix length."},
                   "BgpAuthKey": {"type": "string", "writeOnly": true, "description": "The BGP session's key; kept, never shown."},
                   "JumboMtu": {"type": "boolean"},
                   "DxGatewayId": r("uuidv4"),
                   "Tags": tags}}),
    );
    s.insert(
        "networking.CreateDxResource".into(),
        json!({"type": "object", "additionalProperties": false,
               "properties": {"Gateway": r("GatewayMap"), "Vif": r("VifMap")}}),
    );
    s.insert(
        "networking.UpdateDxVif".into(),
        json!({"type": "object", "additionalProperties": false,
               "properties": {"JumboMtu": {"type": "boolean"}, "Tags": tags}}),
    );
    s.insert(
        "TransitAssociation".into(),
        json!({"type": "object", "additionalProperties": false,
               "required": ["NetworkingHubId", "Prefixes"],
               "properties": {"NetworkingHubId": r("uuidv4"), "Prefixes": prefixes}}),
    );
    s.insert(
        "PrivateAssociation".into(),
        json!({"type": "object", "additionalProperties": false,
               "required": ["VpcId", "Prefixes"],
               "properties": {"VpcId": r("uuidv4"), "Prefixes": prefixes}}),
    );
    s.insert(
        "networking.CreateDxAssociation".into(),
        json!({"oneOf": [r("TransitAssociation"), r("PrivateAssociation")]}),
    );
    s.insert(
        "networking.UpdateDxAssociation".into(),
        json!({"type": "object", "additionalProperties": false,
               "properties": {"Prefixes": prefixes}}),
    );
    let stamps = |mut properties: Value| {
        for (key, value) in [
            ("Id", r("ro-uuidv4")),
            ("Status", status_schema()),
            ("UserTaskId", r("nullable-uuidv4")),
            ("CreatedBy", r("nullable-uuidv4")),
            ("CreatedTS", common::timestamp()),
            ("ModifiedTS", common::timestamp()),
        ] {
            properties[key] = value;
        }
        properties
    };
    s.insert(
        "DxGateway".into(),
        json!({"type": "object", "additionalProperties": false,
               "description": "A Direct Connect gateway.",
               "required": ["Id", "Name", "Asn", "AccountId", "OrganisationId"],
               "properties": stamps(json!({
                   "Name": name_schema(95, false), "Asn": {"type": "integer"},
                   "AccountId": r("uuidv4"), "OrganisationId": r("ro-uuidv4"),
                   "GatewayType": kind("What it associates with."), "ExternalResource": {"type": "boolean"},
                   "AwsGatewayId": aws_id}))}),
    );
    s.insert(
        "DxVif".into(),
        json!({"type": "object", "additionalProperties": false,
               "description": "A virtual interface of a Direct Connect gateway (its BGP key is never shown).",
               "required": ["Id", "Name", "VifType", "AwsConnectionId", "DxGatewayId", "Vlan", "Asn", "RouterIp", "AwsRouterIp", "JumboMtu", "Region"],
               "properties": stamps(json!({
                   "Name": name_schema(95, false), "VifType": kind("Its gateway's type."),
                   "AwsConnectionId": {"type": "string", "minLength": 2, "maxLength": 128},
                   "DxGatewayId": r("uuidv4"), "Vlan": {"type": "integer"}, "Asn": {"type": "integer"},
                   "RouterIp": {"type": "string"}, "AwsRouterIp": {"type": "string"},
                   "JumboMtu": {"type": "boolean"}, "Region": r("AwsRegion"),
                   "ExternalResource": {"type": "boolean"}, "Tags": tags, "AwsVifId": aws_id}))}),
    );
    s.insert(
        "DxAssociation".into(),
        json!({"type": "object", "additionalProperties": false,
               "description": "A Direct Connect gateway joined to a hub (VpcId null) or to a VPC.",
               "required": ["Id", "DxGatewayId", "NetworkingHubId", "Prefixes"],
               "properties": stamps(json!({
                   "DxGatewayId": r("uuidv4"), "NetworkingHubId": r("uuidv4"),
                   "VpcId": r("nullable-uuidv4"), "Prefixes": prefixes,
                   "AwsAssociationId": aws_id}))}),
    );
    s.insert(
        "DxConnection".into(),
        json!({"type": "object", "additionalProperties": false,
               "description": "A Direct Connect connection, as AWS reports it.",
               "required": ["ConnectionId", "ConnectionName", "ConnectionState", "Region", "Bandwidth", "Vlan"],
               "properties": {
                   "ConnectionId": {"type": "string", "minLength": 2, "maxLength": 100},
                   "ConnectionName": {"type": "string", "minLength": 2, "maxLength": 100},
                   "ConnectionState": {"type": "string", "readOnly": true,
                       "enum": ["ordering", "requested", "pending", "available", "down", "deleting", "deleted", "rejected", "unknown"]},
                   "Region": r("AwsRegion"),
                   "Bandwidth": {"type": "string", "minLength": 2, "maxLength": 100},
                   "Vlan": {"type": "integer", "nullable": true}}}),
    );
    s.insert(
        "networking.ReadDxGateways".into(),
        list_schema("DxGateways", "DxGateway"),
    );
    s.insert(
        "networking.ReadDxVifs".into(),
        list_schema("DxVifs", "DxVif"),
    );
    s.insert(
        "networking.ReadDxAssociations".into(),
        list_schema("DxAssociations", "DxAssociation"),
    );
    s.insert(
        "networking.ReadDxConnections".into(),
        list_schema("DxConnections", "DxConnection"),
    );
    s.insert(
        "networking.ReadDxVifStatus".into(),
        json!({"type": "object", "additionalProperties": false,
               "properties": {"DxVifStatus": {"type": "array", "items": {
                   "type": "object", "additionalProperties": false,
                   "properties": {"BgpPeerId": {"type": "string"},
                                  "BgpStatus": {"type": "string", "enum": ["up", "down", "unknown"], "readOnly": true}}}}}}),
    );
    let optional_id = json!({"type": "object", "additionalProperties": false,
                             "properties": {"Id": r("ro-uuidv4")}});
    let resource = json!({"type": "object", "additionalProperties": false,
                          "properties": {"Gateway": optional_id, "Vif": optional_id}});
    for (name, created) in [
        ("networking.DeleteDxGatewayEvent", None),
        (
            "networking.CreateDxResourceEvent",
            Some(("DxResource", resource)),
        ),
        ("networking.UpdateDxVifEvent", None),
        ("networking.DeleteDxVifEvent", None),
        (
            "networking.CreateDxAssociationEvent",
            Some(("DxAssociation", made_id())),
        ),
        ("networking.UpdateDxAssociationEvent", None),
        ("networking.DeleteDxAssociationEvent", None),
    ] {
        s.insert(name.into(), event_schema(created));
    }
}
