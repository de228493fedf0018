//! Service control policies (`organisations.*Policy*`, `policies.*`) and their attachments to the
//! organisation, organisational units and accounts.
//!
//! See `handlers.rs` for the wire side and `model.rs` for the rules over the store.

use serde_json::{Map, Value, json};

use super::doc::*;
use super::resource;
use super::{Area, Operation};
use crate::roles::Allowed;
use crate::store::kinds::{ATTACHMENT, POLICY};

mod handlers;
pub(crate) mod model;

pub(crate) const AREA: Area = Area {
    operations,
    schemas,
    kinds: &[POLICY, ATTACHMENT],
};

const POLICY_PATH: &str = "/20190206/policies/{policy_id}";
const ORG_PATH: &str = "/20190206/policies/organisation/{policy_id}";

fn operations() -> Vec<Operation> {
    let policy_id = || Vec::from([path_param("policy_id", "Id of the policy.")]);
    vec![
        Operation::new(
            "organisations.ReadPolicies",
            "get",
            "/20190206/policies",
            Allowed::READ,
            resource::read::<handlers::Policies>,
        )
        .summary("List the organisation's policies")
        .params(vec![query(
            "status",
            "string",
            "Comma-separated policy statuses to keep; all when left out.",
        )])
        .response("policies.ReadPolicies"),
        Operation::new(
            "organisations.CreatePolicy",
            "post",
            "/20190206/policies",
            Allowed::OPERATIONS,
            resource::create::<handlers::Policies>,
        )
        .summary("Add a service control policy (asynchronous)")
        .body("policies.CreatePolicy")
        .response("policies.PolicyEvent")
        .errors(&[400]),
        Operation::new(
            "organisations.ReadPolicies",
            "get",
            POLICY_PATH,
            Allowed::READ,
            resource::read::<handlers::Policies>,
        )
        .summary("One policy, as a list of one")
        .params(policy_id())
        .response("policies.ReadPolicies")
        .errors(&[400, 404]),
        Operation::new(
            "organisations.UpdatePolicy",
            "put",
            POLICY_PATH,
            Allowed::OPERATIONS,
            resource::update::<handlers::Policies>,
        )
        .summary("Change a policy's name, description, document or tags (asynchronous)")
        .params(policy_id())
        .body("policies.UpdatePolicy")
        .response("policies.PolicyEvent")
        .errors(&[400, 404, 409]),
        Operation::new(
            "organisations.DeletePolicy",
            "delete",
            POLICY_PATH,
            Allowed::OPERATIONS,
            resource::delete::<handlers::Policies>,
        )
        .summary("Remove a policy that is attached nowhere (asynchronous)")
        .params(policy_id())
        .response("policies.PolicyEvent")
        .errors(&[400, 404, 409]),
        Operation::new(
            "policies.ReadPolicyAttachments",
            "get",
            "/20190206/policies/{policy_id}/attachments",
            Allowed::READ,
            resource::read::<handlers::Attachments>,
        )
        .summary("Where one policy is attached")
        .params(policy_id())
        .response("policies.ReadPolicyAttachments")
        .errors(&[400, 404]),
        Operation::new(
            "policies.AttachPolicy",
            "post",
            "/20190206/policies/{policy_id}/attachments",
            Allowed::OPERATIONS,
            resource::create::<handlers::Attachments>,
        )
        .summary("Attach a policy to one unit or one account (asynchronous)")
        .params(policy_id())
        .body("policies.AttachPolicy")
        .response("policies.PolicyAttachmentEvent")
        .errors(&[400, 404]),
        Operation::new(
            "policies.DetachPolicy",
            "delete",
            "/20190206/policies/attachments/{policy_attachment_id}",
            Allowed::OPERATIONS,
            resource::delete::<handlers::Attachments>,
        )
        .summary("End one attachment of a policy (asynchronous)")
        .params(vec![path_param(
            "policy_attachment_id",
            "Id of the attachment.",
        )])
        .response("policies.PolicyAttachmentEvent")
        .errors(&[400, 404, 409]),
        Operation::new(
            "organisations.AttachPolicy",
            "put",
            ORG_PATH,
            Allowed::OPERATIONS,
            resource::create::<handlers::Attachments>,
        )
        .summary("Attach a policy to the whole organisation (asynchronous)")
        .params(policy_id())
        .body("organisations.AttachPolicy")
        .response("TaskEvent")
        .errors(&[400, 404]),
        Operation::new(
            "organisations.DetachPolicy",
            "delete",
            ORG_PATH,
            Allowed::OPERATIONS,
            handlers::detach_from_organisation,
        )
        .summary("Detach a policy from the whole organisation (asynchronous)")
        .params(policy_id())
        .response("TaskEvent")
        .errors(&[400, 404, 409]),
        Operation::new(
            "organisations.ReadOrganisationalUnitPolicyAttachments",
            "get",
            "/20190206/organisations/organisational-units/{organisational_unit_id}/policies",
            Allowed::READ,
            resource::read::<handlers::Attachments>,
        )
        .summary("The policies attached to one organisational unit")
        .params(vec![path_param(
            "organisational_unit_id",
            "Id of the unit.",
        )])
        .response("policies.ReadPolicyAttachments")
        .errors(&[400, 404]),
        Operation::new(
            "accounts.ReadAccountPolicyAttachments",
            "get",
            "/20190206/accounts/{account_id}/policies",
            Allowed::READ,
            resource::read::<handlers::Attachments>,
        )
        .summary("The policies attached to one account")
        .params(vec![path_param("account_id", "Id of the account.")])
        .response("policies.ReadPolicyAttachments")
        .errors(&[400, 404]),
    ]
}

fn schemas(s: &mut Map<String, Value>) {
    let org_attachment = json!({
        "type": "object",
        "nullable": true,
        "description": "The policy's attachment to the whole organisation, if any.",
        "properties": {
            "Id": r("ro-uuidv4"),
            "OrganisationId": r("ro-uuidv4"),
            "PolicyId": r("ro-uuidv4"),
            "Status": status(&LIFECYCLE, "Lifecycle state of the attachment."),
            "CreatedBy": r("nullable-uuidv4"),
            "CreatedTS": timestamp("When it was attached."),
            "ModifiedTS": timestamp("When it last changed."),
            "UserTaskId": r("nullable-uuidv4")
        }
    });
    s.insert(
        "Policy".into(),
        json!({
            "type": "object",
            "description": "A service control policy: an IAM policy document that limits what accounts may do.",
            "required": ["Id", "OrganisationId", "Status", "Name", "PolicyType", "Content", "PolicyOwner"],
            "properties": {
                "Id": r("ro-uuidv4"),
                "OrganisationId": r("ro-uuidv4"),
                "Status": status(&LIFECYCLE, "Lifecycle state; *_IN_PROGRESS while a task runs."),
                "Name": {"type": "string"},
                "Description": {"type": "string", "nullable": true},
                "PolicyType": {"type": "string", "enum": ["SCP"]},
                "Content": {"type": "object", "description": "The policy document."},
                "PolicyOwner": {"type": "string", "enum": ["AWS", "STAX", "ORGANISATION"]},
                "AwsId": {"type": "string", "nullable": true, "description": "The policy's id in AWS Organizations."},
                "ExternalResource": {"type": "boolean"},
                "OrganisationAttachment": org_attachment,
                "Tags": r("StaxTags"),
                "CreatedBy": r("nullable-uuidv4"),
                "CreatedTS": timestamp("When the policy was made."),
                "ModifiedTS": timestamp("When the policy last changed."),
                "UserTaskId": r("nullable-uuidv4")
            }
        }),
    );
    s.insert(
        "policies.ReadPolicies".into(),
        wrapper("Policies", "Policy"),
    );
    let name = json!({"type": "string", "minLength": 3, "maxLength": 128, "description": "Name, unique in the organisation."});
    let description = json!({"type": "string", "minLength": 3, "maxLength": 1024});
    let document = json!({"type": "string", "description": "The policy document as JSON text, at most 5120 characters."});
    s.insert(
        "policies.CreatePolicy".into(),
        json!({
            "type": "object",
            "required": ["Name", "Description", "Policy"],
            "properties": {"Name": name, "Description": description, "Policy": document, "Tags": r("StaxTags")}
        }),
    );
    s.insert(
        "policies.UpdatePolicy".into(),
        json!({
            "type": "object",
            "properties": {"Name": name, "Description": description, "Policy": document, "Tags": r("StaxTags")}
        }),
    );
    s.insert(
        "policies.PolicyEvent".into(),
        event_with(json!({"Policy": {
            "type": "object", "required": ["PolicyId"], "properties": {"PolicyId": r("ro-uuidv4")}
        }})),
    );
    s.insert(
        "PolicyAttachment".into(),
        json!({
            "type": "object",
            "description": "A policy in force on the organisation, a unit or an account.",
            "required": ["Id", "OrganisationId", "Status", "PolicyId", "OrganisationalUnitId", "AccountId", "PolicyAttachmentType"],
            "properties": {
                "Id": r("ro-uuidv4"),
                "OrganisationId": r("ro-uuidv4"),
                "Status": status(&LIFECYCLE, "Lifecycle state of the attachment."),
                "PolicyId": r("uuidv4"),
                "OrganisationalUnitId": r("nullable-uuidv4"),
                "AccountId": r("nullable-uuidv4"),
                "PolicyAttachmentType": {"type": "string", "enum": ["STAX_MANDATORY", "STAX_ORGANISATION", "ORGANISATIONAL_UNIT", "ACCOUNT"]},
                "CreatedBy": r("nullable-uuidv4"),
                "CreatedTS": timestamp("When it was attached."),
                "ModifiedTS": timestamp("When it last changed."),
                "UserTaskId": r("nullable-uuidv4")
            }
        }),
    );
    s.insert(
        "policies.ReadPolicyAttachments".into(),
        wrapper("PolicyAttachments", "PolicyAttachment"),
    );
    s.insert(
        "policies.AttachPolicy".into(),
        json!({
            "type": "object",
            "additionalProperties": false,
            "description": "The one unit or account to attach to: give exactly one of the two.",
            "properties": {"OrganisationalUnitId": r("nullable-uuidv4"), "AccountId": r("nullable-uuidv4")}
        }),
    );
    s.insert(
        "policies.PolicyAttachmentEvent".into(),
        event_with(json!({"PolicyAttachment": {
            "type": "object",
            "required": ["PolicyAttachmentId"],
            "properties": {"PolicyAttachmentId": r("ro-uuidv4")}
        }})),
    );
    s.insert(
        "organisations.AttachPolicy".into(),
        json!({
            "type": "object",
            "additionalProperties": false,
            "properties": {"OrganisationId": r("uuidv4")}
        }),
    );
}
