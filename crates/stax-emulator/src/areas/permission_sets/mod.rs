//! `permission-sets.*`: the Permission Sets API (version 20210321): permission sets (a role's
//! policies, by name), their assignments to a group in an account type, the roles those
//! deployments give, and the AWS managed policies a set may attach.
//!
//! Its own API: paths under `/20210321`, operations named by `operationId` in the served
//! document (at `/20210321/public/api-document`), errors `{"Error": {"Code", "Message"}}`,
//! lists paged by `page_token`. Reads are open to every role; changes need an admin role
//! (who may reach which account type is an administrator's matter).
//!
//! See `handlers.rs` for the wire side, `model.rs` for the rules over the store and
//! `catalogue.rs` for the AWS managed policies.

use serde_json::{Map, Value, json};

use super::doc::{list_of, r, timestamp};
use super::{Area, Operation, resource};
use crate::roles::Allowed;

mod catalogue;
mod handlers;
pub(crate) mod model;

pub(crate) const AREA: Area = Area {
    operations,
    schemas,
    kinds: &[model::SET, model::ASSIGNMENT],
};

/// Every status an assignment may show.
pub(super) const ASSIGNMENT_STATUSES: [&str; 9] = [
    "CREATE_REQUESTED",
    "UPDATE_REQUESTED",
    "DEPLOYMENT_IN_PROGRESS",
    "DEPLOYMENT_FAILED",
    "DEPLOYMENT_COMPLETE",
    "DELETE_REQUESTED",
    "DELETE_IN_PROGRESS",
    "DELETE_FAILED",
    "DELETE_COMPLETE",
];

const SETS: &str = "/20210321/permission-sets";
const SET: &str = "/20210321/permission-sets/{permission_set_id}";
const ASSIGNMENTS: &str = "/20210321/permission-sets/{permission_set_id}/assignments";
const ASSIGNMENT: &str =
    "/20210321/permission-sets/{permission_set_id}/assignments/{assignment_id}";

fn id_param(name: &str, text: &str) -> Value {
    json!({"name": name, "in": "path", "required": true, "description": text, "schema": r("ID")})
}

fn limit() -> Value {
    json!({"name": "limit", "in": "query", "required": false,
           "description": "Most items in one page.",
           "schema": {"type": "integer", "format": "int64", "minimum": 1, "maximum": 100, "default": 100}})
}

fn page_token() -> Value {
    json!({"name": "page_token", "in": "query", "required": false,
           "description": "Where the page starts: the Paging.NextToken of the page before.",
           "schema": {"type": "string", "minLength": 1}})
}

/// A filter that may be given several times (or comma-separated).
fn filter(name: &str, items: Value, text: &str) -> Value {
    json!({"name": name, "in": "query", "required": false, "description": text,
           "schema": {"type": "array", "items": items}})
}

fn created_by() -> Value {
    filter("created_by", r("ID"), "Keep what these callers made.")
}

fn operations() -> Vec<Operation> {
    let set_id = || id_param("permission_set_id", "The permission set's id.");
    let assignment_id = || id_param("assignment_id", "The assignment's id.");
    Vec::from([
        Operation::new("permission-sets.ListPermissionSets", "get", SETS, Allowed::READ, resource::read::<handlers::Sets>)
            .summary("List the organisation's permission sets (ACTIVE ones unless status says otherwise)")
            .params(vec![
                limit(),
                page_token(),
                filter("status", r("PermissionSetStatus"), "Keep sets in these statuses."),
                created_by(),
            ])
            .response("ListPermissionSets")
            .errors(&[400]),
        Operation::new("permission-sets.CreatePermissionSet", "post", SETS, Allowed::ADMIN, resource::create::<handlers::Sets>)
            .summary("Make a permission set: the policies of a role named after it")
            .body("CreatePermissionSetRecord")
            .response("PermissionSetRecord")
            .errors(&[400, 409])
            .success(201),
        Operation::new("permission-sets.ListAWSManagedPolicies", "get", "/20210321/permission-sets/aws-managed-policies", Allowed::READ, handlers::list_aws_managed_policies)
            .summary("List the AWS managed policies a permission set may attach")
            .response("ListAWSManagedPolicies"),
        Operation::new("permission-sets.ListRoles", "get", "/20210321/permission-sets/roles", Allowed::READ, handlers::list_roles)
            .summary("List the roles deployed assignments give, in every account or one")
            .params(vec![
                page_token(),
                json!({"name": "account_id", "in": "query", "required": false,
                       "description": "Keep the roles in this Stax account.", "schema": r("ID")}),
            ])
            .response("ListRoles")
            .errors(&[400]),
        Operation::new("permission-sets.ListMyRoles", "get", "/20210321/permission-sets/roles/me", Allowed::READ, handlers::list_my_roles)
            .summary("List the roles of the user calling (API tokens have none: refused)")
            .params(vec![page_token(), limit()])
            .response("ListRoles"),
        Operation::new("permission-sets.GetPermissionSet", "get", SET, Allowed::READ, resource::read::<handlers::Sets>)
            .summary("Read one permission set")
            .params(vec![set_id()])
            .response("PermissionSetRecord")
            .errors(&[400, 404]),
        Operation::new("permission-sets.UpdatePermissionSet", "put", SET, Allowed::ADMIN, resource::update::<handlers::Sets>)
            .summary("Change a permission set's policies, session length, description or tags; its deployed assignments are redeployed")
            .params(vec![set_id()])
            .body("UpdatePermissionSetRecord")
            .response("PermissionSetRecord")
            .errors(&[400, 404]),
        Operation::new("permission-sets.DeletePermissionSet", "delete", SET, Allowed::ADMIN, resource::delete::<handlers::Sets>)
            .summary("Delete a permission set that has no live assignment")
            .params(vec![set_id()])
            .response("PermissionSetRecord")
            .errors(&[400, 404]),
        Operation::new("permission-sets.ListPermissionSetAssignments", "get", ASSIGNMENTS, Allowed::READ, handlers::list_assignments)
            .summary("List a permission set's assignments, with their status now")
            .params(vec![
                set_id(),
                limit(),
                page_token(),
                filter("status", r("AssignmentRecordStatus"), "Keep assignments in these statuses."),
                created_by(),
                filter("group", r("ID"), "Keep the assignments of these groups."),
                filter("account_type", r("ID"), "Keep the assignments in these account types."),
            ])
            .response("ListAssignmentRecords")
            .errors(&[400]),
        Operation::new("permission-sets.CreatePermissionSetAssignments", "post", ASSIGNMENTS, Allowed::ADMIN, handlers::create_assignments)
            .summary("Assign a permission set to a group in an account type; it deploys over the next moments")
            .params(vec![set_id()])
            .body("CreateAssignmentsRequest")
            .response("AssignmentRecords")
            .errors(&[400]),
        Operation::new("permission-sets.DeletePermissionSetAssignment", "delete", ASSIGNMENT, Allowed::ADMIN, handlers::delete_assignment)
            .summary("Delete an assignment; its roles go when DELETE_COMPLETE is reached")
            .params(vec![set_id(), assignment_id()])
            .response("AssignmentRecord")
            .errors(&[400]),
        Operation::new("permission-sets.RedeployPermissionSetAssignment", "put", ASSIGNMENT, Allowed::ADMIN, handlers::redeploy_assignment)
            .summary("Deploy an assignment again with the set's current policies")
            .params(vec![set_id(), assignment_id()])
            .response("AssignmentRecord")
            .errors(&[400, 404]),
    ])
}

fn schemas(s: &mut Map<String, Value>) {
    s.insert(
        "ID".into(),
        json!({"type": "string", "format": "uuid", "minLength": 36, "maxLength": 36,
               "pattern": "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"}),
    );
    s.insert(
        "PermissionSetStatus".into(),
        json!({"type": "string", "enum": ["ACTIVE", "DELETED"]}),
    );
    s.insert(
        "AssignmentRecordStatus".into(),
        json!({"type": "string", "description": "Where an assignment's deployment is: *_REQUESTED, then *_IN_PROGRESS, then *_COMPLETE or *_FAILED.",
               "enum": ASSIGNMENT_STATUSES}),
    );
    s.insert(
        "Tags".into(),
        json!({"type": "object", "maxProperties": 45,
               "description": "Labels: keys of 1 to 100 characters, values of at most 256, of letters, digits, spaces and _.:/=+-@.",
               "additionalProperties": {"type": "string"}}),
    );
    let name = json!({"type": "string", "minLength": 1, "maxLength": 64, "pattern": "^[\\w+=,.@-]+$",
                      "description": "The role's name in each account (case matters). Names starting with stax or idam are kept for Stax."});
    let description =
        json!({"type": "string", "maxLength": 1000, "pattern": "^[\\w\\s\\/+=,.@-]+$"});
    let session = json!({"type": "integer", "minimum": 3600, "maximum": 43200, "default": 3600,
                         "description": "Longest session of the role, in seconds."});
    s.insert(
        "PermissionSetAWSManagedPolicy".into(),
        json!({"type": "object", "required": ["PolicyArn"],
               "properties": {"PolicyArn": {"type": "string", "minLength": 1}}}),
    );
    s.insert(
        "PermissionSetInlinePolicy".into(),
        json!({"type": "object", "required": ["Name", "Policy"],
               "properties": {
                   "Name": {"type": "string", "minLength": 1, "maxLength": 128, "pattern": "^[\\w+=,.@-]+$"},
                   "Policy": {"type": "string", "minLength": 1, "description": "An IAM policy document, as JSON text."}
               }}),
    );
    let policies = |item: &str| json!({"type": "array", "maxItems": 10, "items": r(item)});
    // What a set's owner may set; a change takes all but the name.
    let changeable = json!({
        "Description": description,
        "AWSManagedPolicies": policies("PermissionSetAWSManagedPolicy"),
        "InlinePolicies": policies("PermissionSetInlinePolicy"),
        "MaxSessionDuration": session,
        "Tags": r("Tags")
    });
    let with = |extra: Value| {
        let mut fields = changeable.clone();
        if let (Some(fields), Some(extra)) = (fields.as_object_mut(), extra.as_object()) {
            fields.extend(extra.clone());
        }
        fields
    };
    s.insert(
        "CreatePermissionSetRecord".into(),
        json!({"type": "object", "required": ["Name"], "properties": with(json!({"Name": name}))}),
    );
    s.insert(
        "UpdatePermissionSetRecord".into(),
        json!({"type": "object", "properties": changeable}),
    );
    s.insert(
        "PermissionSetRecord".into(),
        json!({"type": "object", "required": ["Id", "Name", "Status", "CreatedBy", "CreatedTS"],
        "properties": with(json!({
            "Id": r("ID"),
            "Name": name,
            "Status": r("PermissionSetStatus"),
            "CreatedBy": {"type": "string", "description": "Who made it."},
            "CreatedTS": timestamp("When it was made."),
            "ModifiedBy": {"type": "string", "description": "Who changed it last."},
            "ModifiedTS": timestamp("When it last changed.")
        }))}),
    );
    s.insert(
        "Paging".into(),
        json!({"type": "object", "description": "NextToken, when given, fetches the next page.",
               "properties": {"NextToken": {"type": "string", "minLength": 1, "nullable": true}}}),
    );
    s.insert(
        "ListPermissionSets".into(),
        json!({"type": "object", "required": ["PermissionSets"], "properties": {
            "PermissionSets": list_of(r("PermissionSetRecord")),
            "Paging": r("Paging")
        }}),
    );
    s.insert(
        "AWSManagedPolicyRecord".into(),
        json!({"type": "object", "required": ["PolicyName"], "properties": {
            "PolicyName": {"type": "string"},
            "PolicyId": {"type": "string"},
            "Arn": {"type": "string"},
            "Path": {"type": "string"},
            "DefaultVersionId": {"type": "string"},
            "AttachmentCount": {"type": "integer", "format": "int64", "description": "Permission sets that attach it."},
            "PermissionsBoundaryUsageCount": {"type": "integer", "format": "int64"},
            "IsAttachable": {"type": "boolean"},
            "CreateDate": timestamp("When AWS made it."),
            "UpdateDate": timestamp("When AWS last changed it.")
        }}),
    );
    s.insert(
        "ListAWSManagedPolicies".into(),
        json!({"type": "object", "required": ["AWSManagedPolicies"], "properties": {
            "AWSManagedPolicies": list_of(r("AWSManagedPolicyRecord"))
        }}),
    );
    s.insert(
        "RoleRecord".into(),
        json!({"type": "object",
               "required": ["PermissionSetId", "DeploymentId", "AssignmentId", "AWSAccountId", "RoleName", "RoleArn", "Status"],
               "properties": {
                   "PermissionSetId": r("ID"),
                   "AssignmentId": r("ID"),
                   "DeploymentId": r("ID"),
                   "AWSAccountId": {"type": "string"},
                   "RoleName": {"type": "string", "pattern": "^[\\w+=,.@-]+$"},
                   "RoleArn": {"type": "string"},
                   "Status": {"type": "string", "enum": ["ACTIVE", "UPDATE_IN_PROGRESS"]}
               }}),
    );
    s.insert(
        "ListRoles".into(),
        json!({"type": "object", "required": ["Roles"], "properties": {
            "Roles": list_of(r("RoleRecord")),
            "Paging": r("Paging")
        }}),
    );
    s.insert(
        "AssignmentRecord".into(),
        json!({"type": "object",
               "required": ["Id", "PermissionSetId", "GroupId", "AccountTypeId", "Status", "CreatedBy", "CreatedTS"],
               "properties": {
                   "Id": r("ID"),
                   "PermissionSetId": r("ID"),
                   "GroupId": r("ID"),
                   "AccountTypeId": r("ID"),
                   "Status": r("AssignmentRecordStatus"),
                   "CreatedBy": r("ID"),
                   "CreatedTS": timestamp("When it was made."),
                   "ModifiedBy": {"type": "string", "description": "Who changed it last."},
                   "ModifiedTS": timestamp("When it last changed.")
               }}),
    );
    s.insert("AssignmentRecords".into(), list_of(r("AssignmentRecord")));
    s.insert(
        "ListAssignmentRecords".into(),
        json!({"type": "object", "required": ["Assignments"], "properties": {
            "Assignments": r("AssignmentRecords"),
            "Paging": r("Paging")
        }}),
    );
    s.insert(
        "CreateAssignmentsRequest".into(),
        json!({"type": "array", "minItems": 1, "maxItems": 1,
        "description": "The assignment to make (one per call).",
        "items": {"type": "object", "required": ["GroupId", "AccountTypeId"], "properties": {
            "GroupId": r("ID"),
            "AccountTypeId": r("ID")
        }}}),
    );
}
