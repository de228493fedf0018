//! `organisations.*`: the organisation itself and its organisational units (OUs).
//!
//! See `handlers.rs` for the wire side and `model.rs` for the rules over the store.

use serde_json::{Map, Value, json};

use super::doc::*;
use super::resource;
use super::{Area, Operation};
use crate::roles::Allowed;
use crate::store::kinds::{ORGANISATION, OU};

mod handlers;
pub(crate) mod model;

pub(crate) const AREA: Area = Area {
    operations,
    schemas,
    kinds: &[ORGANISATION, OU],
};

const OU_PATH: &str = "/20190206/organisations/organisational-units/{organisational_unit_id}";

fn operations() -> Vec<Operation> {
    let ou_id = || Vec::from([path_param("organisational_unit_id", "Id of the unit.")]);
    vec![
        Operation::new(
            "organisations.ReadOrganisations",
            "get",
            "/20190206/organisations",
            Allowed::READ,
            handlers::read_organisations,
        )
        .summary("The organisation the caller belongs to, as a list")
        .response("organisations.ReadOrganisations"),
        Operation::new(
            "organisations.ReadOrganisation",
            "get",
            "/20190206/organisations/current",
            Allowed::READ,
            handlers::read_organisation,
        )
        .summary("The caller's organisation, as a list of one")
        .response("organisations.ReadOrganisations"),
        Operation::new(
            "organisations.ReadOrganizationFeatures",
            "get",
            "/20190206/organisations/current/features",
            Allowed::READ,
            handlers::read_features,
        )
        .summary("Which optional parts of Stax the organisation uses")
        .response("organisations.ReadOrganizationFeatures"),
        Operation::new(
            "organisations.ReadOrganisationalUnits",
            "get",
            "/20190206/organisations/organisational-units",
            Allowed::READ,
            resource::read::<handlers::Units>,
        )
        .summary("List organisational units")
        .params(vec![query(
            "status",
            "string",
            "Comma-separated unit statuses to keep; all when left out.",
        )])
        .response("organisations.ReadOrganisationalUnits"),
        Operation::new(
            "organisations.CreateOrganisationalUnit",
            "post",
            "/20190206/organisations/organisational-units",
            Allowed::OPERATIONS,
            resource::create::<handlers::Units>,
        )
        .summary("Add an organisational unit under another (asynchronous)")
        .body("organisations.CreateOrganisationalUnit")
        .response("organisations.OrganisationalUnitEvent")
        .errors(&[400]),
        Operation::new(
            "organisations.ReadOrganisationalUnit",
            "get",
            OU_PATH,
            Allowed::READ,
            resource::read::<handlers::Units>,
        )
        .summary("One organisational unit, as a list of one")
        .params(ou_id())
        .response("organisations.ReadOrganisationalUnits")
        .errors(&[400, 404]),
        Operation::new(
            "organisations.UpdateOrganisationalUnit",
            "put",
            OU_PATH,
            Allowed::OPERATIONS,
            resource::update::<handlers::Units>,
        )
        .summary("Rename or retag an organisational unit (asynchronous)")
        .params(ou_id())
        .body("organisations.UpdateOrganisationalUnit")
        .response("organisations.OrganisationalUnitEvent")
        .errors(&[400, 404, 409]),
        Operation::new(
            "organisations.DeleteOrganisationalUnit",
            "delete",
            OU_PATH,
            Allowed::OPERATIONS,
            resource::delete::<handlers::Units>,
        )
        .summary("Remove an empty organisational unit (asynchronous)")
        .params(ou_id())
        .response("organisations.OrganisationalUnitEvent")
        .errors(&[400, 404, 409]),
        Operation::new(
            "organisations.ReadOrganisationalUnitAccounts",
            "get",
            "/20190206/organisations/organisational-units/{organisational_unit_id}/accounts",
            Allowed::READ,
            resource::read::<super::accounts::Accounts>,
        )
        .summary("The accounts placed in one organisational unit")
        .params(ou_id())
        .response("accounts.ReadAccounts")
        .errors(&[400, 404]),
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
