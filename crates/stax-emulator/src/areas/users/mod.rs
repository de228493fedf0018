//! `teams.*` for people: users (invited, changed, disabled, deleted) and groups of users.
//!
//! See `handlers.rs` for the wire side and `model.rs` for the rules over the store.

use serde_json::{Map, Value, json};

use super::doc::*;
use super::resource;
use super::{Area, Operation};
use crate::roles::{Allowed, Role};
use crate::store::kinds::{GROUP, USER};

mod handlers;
pub(crate) mod model;

pub(crate) const AREA: Area = Area {
    operations,
    schemas,
    kinds: &[USER, GROUP],
};

const USER_PATH: &str = "/20190206/users/{user_id}";
const GROUP_PATH: &str = "/20190206/groups/{group_id}";

fn operations() -> Vec<Operation> {
    let user_id = || Vec::from([path_param("user_id", "Id of the user.")]);
    let group_id = || vec![path_param("group_id", "Id of the group.")];
    vec![
        Operation::new(
            "teams.ReadUsers",
            "get",
            "/20190206/users",
            Allowed::READ,
            resource::read::<handlers::Users>,
        )
        .summary("List the organisation's users")
        .params(vec![
            query("id_filter", "string", "Comma-separated user ids to keep."),
            query(
                "status_filter",
                "string",
                "Comma-separated statuses to keep; without it, all but DELETED.",
            ),
            query("filter", "string", "Accepted for compatibility; ignored."),
        ])
        .response("teams.ReadUsers")
        .errors(&[400]),
        Operation::new(
            "teams.FetchCurrentUser",
            "get",
            "/20190206/users/me",
            Allowed::READ,
            handlers::fetch_current_user,
        )
        .summary("The API token making the call, shown as a user")
        .response("teams.ReadUsers")
        .errors(&[404]),
        Operation::new(
            "teams.ReadUsers",
            "get",
            USER_PATH,
            Allowed::READ,
            resource::read::<handlers::Users>,
        )
        .summary("One user, as a list of one")
        .params(user_id())
        .response("teams.ReadUsers")
        .errors(&[400, 404]),
        Operation::new(
            "teams.DeleteUser",
            "delete",
            USER_PATH,
            Allowed::ADMIN,
            resource::delete::<handlers::Users>,
        )
        .summary("Remove a user at once (it also leaves its groups)")
        .params(user_id())
        .response("teams.ReadUsers")
        .errors(&[400, 404, 409]),
        Operation::new(
            "teams.CreateUser",
            "post",
            "/20190206/idam/user",
            Allowed::ADMIN,
            resource::create::<handlers::Users>,
        )
        .summary("Invite a person to the organisation (asynchronous)")
        .body("teams.CreateUser")
        .response("teams.UserEvent")
        .errors(&[400]),
        Operation::new(
            "teams.UpdateUser",
            "put",
            "/20190206/idam/user/{user_id}",
            Allowed::ADMIN,
            resource::update::<handlers::Users>,
        )
        .summary("Change a user's names, email, role or status (asynchronous)")
        .params(user_id())
        .body("teams.UpdateUser")
        .response("teams.UserEvent")
        .errors(&[400, 404, 409]),
        Operation::new(
            "teams.UpdateUserInvite",
            "put",
            "/20190206/idam/user/resend-invite/{user_id}",
            Allowed::ADMIN,
            handlers::resend_invite,
        )
        .summary("Send a pending user's invitation again")
        .params(user_id())
        .response("teams.MessageEvent")
        .errors(&[400, 404]),
        Operation::new(
            "teams.UpdateUserPassword",
            "put",
            "/20190206/idam/user/reset-password/{user_id}",
            Allowed::ADMIN,
            handlers::reset_password,
        )
        .summary("Start a password reset for an active user")
        .params(user_id())
        .response("teams.MessageEvent")
        .errors(&[400, 404]),
        Operation::new(
            "teams.ReadGroups",
            "get",
            "/20190206/groups",
            Allowed::READ,
            resource::read::<handlers::Groups>,
        )
        .summary("List groups of users")
        .params(vec![query(
            "id_filter",
            "string",
            "Comma-separated group ids to keep.",
        )])
        .response("teams.ReadGroups"),
        Operation::new(
            "teams.CreateGroup",
            "post",
            "/20190206/groups",
            Allowed::ADMIN,
            resource::create::<handlers::Groups>,
        )
        .summary("Add a group (asynchronous)")
        .body("teams.CreateGroup")
        .response("teams.CreateGroupEvent")
        .errors(&[400, 409])
        .event_errors(&[409]),
        Operation::new(
            "teams.UpdateGroupMembers",
            "put",
            "/20190206/groups/members",
            Allowed::ADMIN,
            handlers::update_group_members,
        )
        .summary("Add users to groups and take them out (asynchronous)")
        .body("teams.UpdateGroupMembers")
        .response("TaskEvent")
        .errors(&[400, 404])
        .event_errors(&[404]),
        Operation::new(
            "teams.ReadGroups",
            "get",
            GROUP_PATH,
            Allowed::READ,
            resource::read::<handlers::Groups>,
        )
        .summary("One group, as a list of one")
        .params(group_id())
        .response("teams.ReadGroups")
        .errors(&[400, 404]),
        Operation::new(
            "teams.UpdateGroup",
            "put",
            GROUP_PATH,
            Allowed::ADMIN,
            resource::update::<handlers::Groups>,
        )
        .summary("Rename a group (asynchronous)")
        .params(group_id())
        .body("teams.UpdateGroup")
        .response("TaskEvent")
        .errors(&[400, 404, 409])
        .event_errors(&[404, 409]),
        Operation::new(
            "teams.DeleteGroup",
            "delete",
            GROUP_PATH,
            Allowed::ADMIN,
            handlers::delete_group,
        )
        .summary("Remove a group and its roles on account types (asynchronous)")
        .params(group_id())
        .response("TaskEvent")
        .errors(&[400, 404, 409])
        .event_errors(&[400, 404]),
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
