//! `teams.*` for people: users (invited, changed, disabled, deleted) and groups of users.
//!
//! See `handlers.rs` for the wire side and `model.rs` for the rules over the store.

use serde_json::{Map, Value, json};

use super::doc::*;
use super::{Area, Operation};
use crate::roles::{Allowed, Role};

mod handlers;
pub(crate) mod model;

pub(crate) const AREA: Area = Area {
    operations,
    schemas,
};

const USER_PATH: &str = "/20190206/users/{user_id}";
const GROUP_PATH: &str = "/20190206/groups/{group_id}";

fn operations() -> Vec<Operation> {
    let user_id = || vec![path_param("user_id", "Id of the user.")];
    let group_id = || vec![path_param("group_id", "Id of the group.")];
    vec![
        Operation {
            id: "teams.ReadUsers",
            method: "get",
            path: "/20190206/users",
            roles: Allowed::READ,
            handler: handlers::read_users,
            summary: "List the organisation's users",
            params: vec![
                query("id_filter", "string", "Comma-separated user ids to keep."),
                query(
                    "status_filter",
                    "string",
                    "Comma-separated statuses to keep; without it, all but DELETED.",
                ),
                query("filter", "string", "Accepted for compatibility; ignored."),
            ],
            body: None,
            response: "teams.ReadUsers",
            errors: &[400],
            event_errors: &[],
            success: 200,
        },
        Operation {
            id: "teams.FetchCurrentUser",
            method: "get",
            path: "/20190206/users/me",
            roles: Allowed::READ,
            handler: handlers::fetch_current_user,
            summary: "The API token making the call, shown as a user",
            params: vec![],
            body: None,
            response: "teams.ReadUsers",
            errors: &[404],
            event_errors: &[],
            success: 200,
        },
        Operation {
            id: "teams.ReadUsers",
            method: "get",
            path: USER_PATH,
            roles: Allowed::READ,
            handler: handlers::read_user,
            summary: "One user, as a list of one",
            params: user_id(),
            body: None,
            response: "teams.ReadUsers",
            errors: &[400, 404],
            event_errors: &[],
            success: 200,
        },
        Operation {
            id: "teams.DeleteUser",
            method: "delete",
            path: USER_PATH,
            roles: Allowed::ADMIN,
            handler: handlers::delete_user,
            summary: "Remove a user at once (it also leaves its groups)",
            params: user_id(),
            body: None,
            response: "teams.ReadUsers",
            errors: &[400, 404, 409],
            event_errors: &[],
            success: 200,
        },
        Operation {
            id: "teams.CreateUser",
            method: "post",
            path: "/20190206/idam/user",
            roles: Allowed::ADMIN,
            handler: handlers::create_user,
            summary: "Invite a person to the organisation (asynchronous)",
            params: vec![],
            body: Some("teams.CreateUser"),
            response: "teams.UserEvent",
            errors: &[400],
            event_errors: &[],
            success: 200,
        },
        Operation {
            id: "teams.UpdateUser",
            method: "put",
            path: "/20190206/idam/user/{user_id}",
            roles: Allowed::ADMIN,
            handler: handlers::update_user,
            summary: "Change a user's names, email, role or status (asynchronous)",
            params: user_id(),
            body: Some("teams.UpdateUser"),
            response: "teams.UserEvent",
            errors: &[400, 404, 409],
            event_errors: &[],
            success: 200,
        },
        Operation {
            id: "teams.UpdateUserInvite",
            method: "put",
            path: "/20190206/idam/user/resend-invite/{user_id}",
            roles: Allowed::ADMIN,
            handler: handlers::resend_invite,
            summary: "Send a pending user's invitation again",
            params: user_id(),
            body: None,
            response: "teams.MessageEvent",
            errors: &[400, 404],
            event_errors: &[],
            success: 200,
        },
        Operation {
            id: "teams.UpdateUserPassword",
            method: "put",
            path: "/20190206/idam/user/reset-password/{user_id}",
            roles: Allowed::ADMIN,
            handler: handlers::reset_password,
            summary: "Start a password reset for an active user",
            params: user_id(),
            body: None,
            response: "teams.MessageEvent",
            errors: &[400, 404],
            event_errors: &[],
            success: 200,
        },
        Operation {
            id: "teams.ReadGroups",
            method: "get",
            path: "/20190206/groups",
            roles: Allowed::READ,
            handler: handlers::read_groups,
            summary: "List groups of users",
            params: vec![query(
                "id_filter",
                "string",
                "Comma-separated group ids to keep.",
            )],
            body: None,
            response: "teams.ReadGroups",
            errors: &[],
            event_errors: &[],
            success: 200,
        },
        Operation {
            id: "teams.CreateGroup",
            method: "post",
            path: "/20190206/groups",
            roles: Allowed::ADMIN,
            handler: handlers::create_group,
            summary: "Add a group (asynchronous)",
            params: vec![],
            body: Some("teams.CreateGroup"),
            response: "teams.CreateGroupEvent",
            errors: &[400, 409],
            event_errors: &[409],
            success: 200,
        },
        Operation {
            id: "teams.UpdateGroupMembers",
            method: "put",
            path: "/20190206/groups/members",
            roles: Allowed::ADMIN,
            handler: handlers::update_group_members,
            summary: "Add users to groups and take them out (asynchronous)",
            params: vec![],
            body: Some("teams.UpdateGroupMembers"),
            response: "TaskEvent",
            errors: &[400, 404],
            event_errors: &[404],
            success: 200,
        },
        Operation {
            id: "teams.ReadGroups",
            method: "get",
            path: GROUP_PATH,
            roles: Allowed::READ,
            handler: handlers::read_group,
            summary: "One group, as a list of one",
            params: group_id(),
            body: None,
            response: "teams.ReadGroups",
            errors: &[400, 404],
            event_errors: &[],
            success: 200,
        },
        Operation {
            id: "teams.UpdateGroup",
            method: "put",
            path: GROUP_PATH,
            roles: Allowed::ADMIN,
            handler: handlers::update_group,
            summary: "Rename a group (asynchronous)",
            params: group_id(),
            body: Some("teams.UpdateGroup"),
            response: "TaskEvent",
            errors: &[400, 404, 409],
            event_errors: &[404, 409],
            success: 200,
        },
        Operation {
            id: "teams.DeleteGroup",
            method: "delete",
            path: GROUP_PATH,
            roles: Allowed::ADMIN,
            handler: handlers::delete_group,
            summary: "Remove a group and its roles on account types (asynchronous)",
            params: group_id(),
            body: None,
            response: "TaskEvent",
            errors: &[400, 404, 409],
            event_errors: &[400, 404],
            success: 200,
        },
    ]
}


fn schemas(s: &mut Map<String, Value>) {
    let all_roles: Vec<&str> = Role::ALL.iter().map(|r| r.name()).collect();
    // People's roles, but root: nobody makes another root.
    let user_roles: Vec<&str> = all_roles
        .iter()
        .copied()
        .filter(|r| r.starts_with("customer_") && *r != "customer_root")
        .collect();
    s.insert(
        "User".into(),
        json!({
            "type": "object",
            "description": "A person (or, for users/me, an API token) in the organisation.",
            "required": ["Id", "Email", "Name", "OrganisationId"],
            "properties": {
                "Id": r("ro-uuidv4"),
                "Name": {"type": "string"},
                "FirstName": {"type": "string", "nullable": true},
                "LastName": {"type": "string", "nullable": true},
                "Email": {"type": "string", "format": "email"},
                "OrganisationId": r("nullable-uuidv4"),
                "Role": {"type": "string", "enum": all_roles},
                "Status": status(&["ACTIVE", "DISABLED", "DELETED", "INVITED", "NEW"], "NEW until the invitation is sent, then INVITED."),
                "AuthOrigin": {"type": "string", "nullable": true},
                "MFAEnabled": {"type": "boolean", "nullable": true},
                "CreatedBy": r("nullable-uuidv4"),
                "CreatedTS": timestamp("When the user was added."),
                "ModifiedTS": timestamp("When the user last changed."),
                "UserTaskId": r("nullable-uuidv4")
            }
        }),
    );
    s.insert("teams.ReadUsers".into(), wrapper("Users", "User"));
    let person_name = json!({"type": "string", "minLength": 1, "maxLength": 128,
        "pattern": "^[^<>&\"$%!#?;*~/\\\\|^=\\[\\]{}()\\u0000-\\u001F\\u007F]+$",
        "description": "A name without markup or shell characters."});
    let email = json!({"type": "string", "format": "email", "minLength": 6, "maxLength": 128});
    let role = json!({"type": "string", "enum": user_roles});
    s.insert(
        "teams.CreateUser".into(),
        json!({
            "type": "object",
            "required": ["Email", "FirstName", "LastName"],
            "properties": {"Email": email, "FirstName": person_name, "LastName": person_name, "Role": role}
        }),
    );
    s.insert(
        "teams.UpdateUser".into(),
        json!({
            "type": "object",
            "properties": {
                "Email": email, "FirstName": person_name, "LastName": person_name, "Role": role,
                "Status": {"type": "string", "enum": ["ACTIVE", "DISABLED"]}
            }
        }),
    );
    let plain_detail = json!({
        "type": "object",
        "required": ["Operation", "OperationStatus"],
        "properties": {
            "Message": {"type": "string"},
            "Operation": {"type": "string"},
            "OperationStatus": r("OperationStatus"),
            "Severity": {"type": "string"}
        }
    });
    s.insert(
        "teams.UserEvent".into(),
        json!({
            "type": "object",
            "description": "A user change under way: follow TaskId.",
            "required": ["TaskId", "DetailType", "Detail"],
            "properties": {
                "TaskId": r("ro-uuidv4"),
                "CustomerId": r("ro-uuidv4"),
                "DetailType": {"type": "string"},
                "Detail": plain_detail
            }
        }),
    );
    s.insert(
        "teams.MessageEvent".into(),
        json!({
            "type": "object",
            "description": "A change done at once, with a message saying what happened.",
            "required": ["DetailType", "Detail"],
            "properties": {"DetailType": {"type": "string"}, "Detail": plain_detail}
        }),
    );
    s.insert(
        "Group".into(),
        json!({
            "type": "object",
            "description": "A named set of users, granted roles on account types.",
            "required": ["Id", "Name", "Status", "GroupType"],
            "properties": {
                "Id": r("ro-uuidv4"),
                "Name": {"type": "string"},
                "OrganisationId": r("ro-uuidv4"),
                "Status": status(&["NEW", "ACTIVE", "DELETED"], "NEW until its task ends."),
                "GroupType": {"type": "string", "enum": ["LOCAL", "SCIM"], "description": "SCIM groups are managed by an identity provider."},
                "Users": list_of(r("ro-uuidv4")),
                "CreatedBy": r("nullable-uuidv4"),
                "CreatedTS": timestamp("When the group was made."),
                "ModifiedTS": timestamp("When the group last changed."),
                "UserTaskId": r("nullable-uuidv4")
            }
        }),
    );
    s.insert("teams.ReadGroups".into(), wrapper("Groups", "Group"));
    let group_name = json!({"type": "object", "required": ["Name"], "properties": {
        "Name": {"type": "string", "minLength": 2, "maxLength": 64, "description": "Name, unique in the organisation."}
    }});
    s.insert("teams.CreateGroup".into(), group_name.clone());
    s.insert("teams.UpdateGroup".into(), group_name);
    s.insert(
        "teams.CreateGroupEvent".into(),
        json!({"allOf": [r("TaskEvent"), {"type": "object", "required": ["GroupId"], "properties": {"GroupId": r("ro-uuidv4")}}]}),
    );
    s.insert(
        "UserGroupMemberMap".into(),
        json!({
            "type": "object",
            "additionalProperties": false,
            "description": "One user in one group.",
            "required": ["UserId", "GroupId"],
            "properties": {"UserId": r("uuidv4"), "GroupId": r("uuidv4")}
        }),
    );
    s.insert(
        "teams.UpdateGroupMembers".into(),
        json!({
            "type": "object",
            "properties": {
                "AddMembers": list_of(r("UserGroupMemberMap")),
                "RemoveMembers": list_of(r("UserGroupMemberMap"))
            }
        }),
    );
}
