//! `organisations.*`: the organisation itself and its organisational units (OUs).
//!
//! See `handlers.rs` for the wire side and `model.rs` for the rules over the store.

use serde_json::{Map, Value, json};

use super::doc::*;
use super::{Area, Operation};
use crate::roles::Allowed;

mod handlers;
pub(crate) mod model;

pub(crate) const AREA: Area = Area {
    operations,
    schemas,
};

const OU_PATH: &str = "/20190206/organisations/organisational-units/{organisational_unit_id}";

fn operations() -> Vec<Operation> {
    let ou_id = || vec![path_param("organisational_unit_id", "Id of the unit.")];
    vec![
        Operation {
            id: "organisations.ReadOrganisations",
            method: "get",
            path: "/20190206/organisations",
            roles: Allowed::READ,
            handler: handlers::read_organisations,
            summary: "The organisation the caller belongs to, as a list",
            params: vec![],
            body: None,
            response: "organisations.ReadOrganisations",
            errors: &[],
            event_errors: &[],
            success: 200,
        },
        Operation {
            id: "organisations.ReadOrganisation",
            method: "get",
            path: "/20190206/organisations/current",
            roles: Allowed::READ,
            handler: handlers::read_organisation,
            summary: "The caller's organisation, as a list of one",
            params: vec![],
            body: None,
            response: "organisations.ReadOrganisations",
            errors: &[],
            event_errors: &[],
            success: 200,
        },
        Operation {
            id: "organisations.ReadOrganizationFeatures",
            method: "get",
            path: "/20190206/organisations/current/features",
            roles: Allowed::READ,
            handler: handlers::read_features,
            summary: "Which optional parts of Stax the organisation uses",
            params: vec![],
            body: None,
            response: "organisations.ReadOrganizationFeatures",
            errors: &[],
            event_errors: &[],
            success: 200,
        },
        Operation {
            id: "organisations.ReadOrganisationalUnits",
            method: "get",
            path: "/20190206/organisations/organisational-units",
            roles: Allowed::READ,
            handler: handlers::read_ous,
            summary: "List organisational units",
            params: vec![query(
                "status",
                "string",
                "Comma-separated unit statuses to keep; all when left out.",
            )],
            body: None,
            response: "organisations.ReadOrganisationalUnits",
            errors: &[],
            event_errors: &[],
            success: 200,
        },
        Operation {
            id: "organisations.CreateOrganisationalUnit",
            method: "post",
            path: "/20190206/organisations/organisational-units",
            roles: Allowed::OPERATIONS,
            handler: handlers::create_ou,
            summary: "Add an organisational unit under another (asynchronous)",
            params: vec![],
            body: Some("organisations.CreateOrganisationalUnit"),
            response: "organisations.OrganisationalUnitEvent",
            errors: &[400],
            event_errors: &[],
            success: 200,
        },
        Operation {
            id: "organisations.ReadOrganisationalUnit",
            method: "get",
            path: OU_PATH,
            roles: Allowed::READ,
            handler: handlers::read_ou,
            summary: "One organisational unit, as a list of one",
            params: ou_id(),
            body: None,
            response: "organisations.ReadOrganisationalUnits",
            errors: &[400, 404],
            event_errors: &[],
            success: 200,
        },
        Operation {
            id: "organisations.UpdateOrganisationalUnit",
            method: "put",
            path: OU_PATH,
            roles: Allowed::OPERATIONS,
            handler: handlers::update_ou,
            summary: "Rename or retag an organisational unit (asynchronous)",
            params: ou_id(),
            body: Some("organisations.UpdateOrganisationalUnit"),
            response: "organisations.OrganisationalUnitEvent",
            errors: &[400, 404, 409],
            event_errors: &[],
            success: 200,
        },
        Operation {
            id: "organisations.DeleteOrganisationalUnit",
            method: "delete",
            path: OU_PATH,
            roles: Allowed::OPERATIONS,
            handler: handlers::delete_ou,
            summary: "Remove an empty organisational unit (asynchronous)",
            params: ou_id(),
            body: None,
            response: "organisations.OrganisationalUnitEvent",
            errors: &[400, 404, 409],
            event_errors: &[],
            success: 200,
        },
        Operation {
            id: "organisations.ReadOrganisationalUnitAccounts",
            method: "get",
            path: "/20190206/organisations/organisational-units/{organisational_unit_id}/accounts",
            roles: Allowed::READ,
            handler: handlers::read_ou_accounts,
            summary: "The accounts placed in one organisational unit",
            params: ou_id(),
            body: None,
            response: "accounts.ReadAccounts",
            errors: &[400, 404],
            event_errors: &[],
            success: 200,
        },
    ]
}

fn schemas(s: &mut Map<String, Value>) {
    s.insert(
        "Organisation".into(),
        json!({
            "type": "object",
            "description": "A Stax customer's AWS organisation and its settings.",
            "required": ["Id"],
            "properties": {
                "Id": r("ro-uuidv4"),
                "Name": {"type": "string"},
                "Alias": {"type": "string"},
                "Status": status(&["NEW", "INITIALIZING", "ACTIVE", "SUSPENDED"], "Lifecycle state."),
                "Region": r("DefaultAwsRegion"),
                "Regions": list_of(json!({"type": "string"})),
                "AwsSupportType": {"type": "string", "enum": ["BASIC", "DEVELOPER", "BUSINESS", "ENTERPRISE"]},
                "AwsPartnerSupport": {"type": "boolean"},
                "AuthProvider": {"type": "string", "enum": ["V1", "V2"]},
                "LandingZoneType": {"type": "string", "enum": ["STAX", "VLZAWS"]},
                "AllowedDomains": {"type": "array", "nullable": true, "items": {"type": "string"}},
                "AttachedPolicies": {"type": "array", "description": "Policies attached to the whole organisation.", "items": r("ro-uuidv4")},
                "CreatedTS": timestamp("When the organisation was set up."),
                "ModifiedTS": timestamp("When its settings last changed.")
            }
        }),
    );
    s.insert(
        "organisations.ReadOrganisations".into(),
        wrapper("Organisations", "Organisation"),
    );
    s.insert(
        "organisations.ReadOrganizationFeatures".into(),
        json!({
            "type": "object",
            "required": ["NetworksEnabled", "WorkloadsEnabled"],
            "properties": {"NetworksEnabled": {"type": "boolean"}, "WorkloadsEnabled": {"type": "boolean"}}
        }),
    );
    s.insert(
        "OrganisationalUnit".into(),
        json!({
            "type": "object",
            "description": "A folder of accounts in the AWS organisation; units nest under a root.",
            "required": ["Id", "OrganisationId", "Status", "Name", "ParentOrganisationalUnitId", "OrganisationalUnitType", "AwsId", "CreatedTS", "CreatedBy", "ModifiedTS"],
            "properties": {
                "Id": r("ro-uuidv4"),
                "Name": {"type": "string"},
                "OrganisationId": r("ro-uuidv4"),
                "Status": status(&LIFECYCLE[..7], "Lifecycle state; *_IN_PROGRESS while a task runs."),
                "OrganisationalUnitType": {"type": "string", "enum": ["ROOT", "STAX_DEFAULT", "STAX_SECURITY", "STAX_ACCOUNT_POOL", "ORGANISATION_ROOT", "CHILD"]},
                "ParentOrganisationalUnitId": r("nullable-uuidv4"),
                "AwsId": {"type": "string", "nullable": true, "description": "The unit's id in AWS Organizations."},
                "Tags": r("StaxTags"),
                "CreatedBy": r("nullable-uuidv4"),
                "CreatedTS": timestamp("When the unit was made."),
                "ModifiedTS": timestamp("When the unit last changed."),
                "UserTaskId": r("nullable-uuidv4")
            }
        }),
    );
    s.insert(
        "organisations.ReadOrganisationalUnits".into(),
        wrapper("OrganisationalUnits", "OrganisationalUnit"),
    );
    let ou_name = json!({"type": "string", "minLength": 1, "maxLength": 128, "description": "Name, unique among its siblings."});
    s.insert(
        "organisations.CreateOrganisationalUnit".into(),
        json!({
            "type": "object",
            "required": ["Name", "ParentOrganisationalUnitId"],
            "properties": {
                "Name": ou_name,
                "ParentOrganisationalUnitId": r("nullable-uuidv4"),
                "Tags": r("StaxTags")
            }
        }),
    );
    s.insert(
        "organisations.UpdateOrganisationalUnit".into(),
        json!({"type": "object", "properties": {"Name": ou_name, "Tags": r("StaxTags")}}),
    );
    s.insert(
        "organisations.OrganisationalUnitEvent".into(),
        event_with(json!({"OrganisationalUnit": {
            "type": "object",
            "required": ["OrganisationalUnitId"],
            "properties": {"OrganisationalUnitId": r("ro-uuidv4")}
        }})),
    );
}
