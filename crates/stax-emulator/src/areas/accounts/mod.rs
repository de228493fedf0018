//! `accounts.*`: AWS accounts and account types.
//!
//! See `handlers.rs` for the wire side and `model.rs` for the rules over the store.

use serde_json::{Map, Value, json};

use super::doc::*;
use super::resource;
use super::{Area, Operation};
use crate::roles::Allowed;
use crate::store::kinds::{ACCOUNT, ACCOUNT_TYPE};

mod discovery;
mod handlers;
pub(crate) mod model;

pub(crate) use discovery::{AWS_MEMBER, member_fields};
pub(crate) use handlers::Accounts;

pub(crate) const AREA: Area = Area {
    operations,
    schemas,
    kinds: &[ACCOUNT, ACCOUNT_TYPE, AWS_MEMBER],
};

fn account_filters() -> Vec<Value> {
    let mut params = vec![
        query(
            "account_names",
            "string",
            "Comma-separated account names to keep.",
        ),
        query(
            "filter",
            "string",
            "Comma-separated account statuses to keep, such as ACTIVE,SUSPENDED.",
        ),
        query(
            "id_filter",
            "string",
            "Comma-separated account ids to keep.",
        ),
        query(
            "name_filter",
            "string",
            "Keep accounts whose name contains this text (any case).",
        ),
        query(
            "aws_account_id_filter",
            "string",
            "Comma-separated 12-digit AWS account ids to keep.",
        ),
        query(
            "account_type_filter",
            "string",
            "Comma-separated account type ids to keep.",
        ),
    ];
    params.extend(paging());
    params.push(query(
        "sort",
        "string",
        "Field to order by (Name, Status, CreatedTS, ...).",
    ));
    params.push(sort_order());
    params.push(json!({
        "name": "include_tags", "in": "query", "required": false,
        "description": "Whether accounts carry their Tags.",
        "schema": {"type": "boolean", "default": true}
    }));
    params
}

fn operations() -> Vec<Operation> {
    Vec::from([
        Operation::text(
            "accounts.ReadAccounts",
            "get",
            "/20190206/accounts",
            Allowed::READ,
            resource::read_text::<handlers::Accounts>,
        )
        .summary("List the organisation's AWS accounts")
        .params(account_filters())
        .response("accounts.ReadAccounts")
        .errors(&[400]),
        Operation::new(
            "accounts.ReadAccounts",
            "get",
            "/20190206/accounts/{account_id}",
            Allowed::READ,
            resource::read::<handlers::Accounts>,
        )
        .summary("One AWS account, as a list of one")
        .params({
            let mut p = vec![path_param("account_id", "Id of the account.")];
            p.push(json!({
                "name": "include_tags", "in": "query", "required": false,
                "description": "Whether the account carries its Tags.",
                "schema": {"type": "boolean", "default": true}
            }));
            p
        })
        .response("accounts.ReadAccounts")
        .errors(&[400, 404]),
        Operation::new(
            "accounts.CreateAccount",
            "post",
            "/20190206/accounts",
            Allowed::OPERATIONS,
            resource::create::<handlers::Accounts>,
        )
        .summary("Open a new AWS account (asynchronous)")
        .body("accounts.CreateAccount")
        .response("accounts.CreateAccountResponse")
        .errors(&[400, 409]),
        Operation::new(
            "accounts.UpdateAccount",
            "put",
            "/20190206/accounts/{account_id}",
            Allowed::OPERATIONS,
            resource::update::<handlers::Accounts>,
        )
        .summary("Change an account's name, type, alias, unit or tags (asynchronous)")
        .params(vec![path_param("account_id", "Id of the account.")])
        .body("accounts.UpdateAccount")
        .response("accounts.UpdateAccountResponse")
        .errors(&[400, 404, 409]),
        Operation::new(
            "accounts.CloseAccount",
            "post",
            "/20190206/accounts/close",
            Allowed::OPERATIONS,
            handlers::close_account,
        )
        .summary("Close an AWS account and end its policy attachments (asynchronous)")
        .body("accounts.CloseAccount")
        .response("accounts.CloseAccountResponse")
        .errors(&[400, 404, 409]),
        Operation::new(
            "accounts.DiscoverAccounts",
            "post",
            "/20190206/accounts/discover",
            Allowed::OPERATIONS,
            discovery::discover_accounts,
        )
        .summary("Find the AWS organisation's accounts Stax does not govern yet: each becomes a DISCOVERED account (asynchronous)")
        .response("accounts.DiscoverAccountsResponse")
        .errors(&[400, 404, 409]),
        Operation::new(
            "accounts.DiscoverAccounts",
            "post",
            "/20190206/accounts/discover/{aws_account_id}",
            Allowed::OPERATIONS,
            discovery::discover_accounts,
        )
        .summary("Find one AWS account of the organisation Stax does not govern yet (asynchronous)")
        .params(vec![path_param("aws_account_id", "The 12-digit id of the AWS account.")])
        .response("accounts.DiscoverAccountsResponse")
        .errors(&[400, 403, 404, 409]),
        Operation::new(
            "accounts.OnboardAccount",
            "post",
            "/20190206/accounts/onboard",
            Allowed::OPERATIONS,
            discovery::onboard_account,
        )
        .summary("Bring a DISCOVERED account under Stax with a type, and a name, unit and tags (asynchronous)")
        .body("accounts.OnboardAccount")
        .response("accounts.UpdateAccountResponse")
        .errors(&[400, 404, 409]),
        Operation::text(
            "accounts.ReadAccountTypes",
            "get",
            "/20190206/accounts/types",
            Allowed::READ,
            handlers::read_account_types,
        )
        .summary("List account types")
        .params(vec![query(
            "id_filter",
            "string",
            "Comma-separated account type ids to keep.",
        )])
        .response("accounts.ReadAccountTypes"),
        Operation::text(
            "accounts.ReadAccountTypes",
            "get",
            "/20190206/accounts/types/{account_type_id}",
            Allowed::READ,
            handlers::read_account_types,
        )
        .summary("One account type, as a list of one")
        .params(vec![path_param(
            "account_type_id",
            "Id of the account type.",
        )])
        .response("accounts.ReadAccountTypes")
        .errors(&[400, 404]),
        Operation::new(
            "accounts.CreateAccountType",
            "post",
            "/20190206/accounts/types",
            Allowed::OPERATIONS,
            resource::create::<handlers::AccountTypes>,
        )
        .summary("Add an account type")
        .body("accounts.CreateAccountType")
        .response("accounts.CreateAccountTypeResponse")
        .errors(&[400]),
        Operation::new(
            "accounts.UpdateAccountType",
            "put",
            "/20190206/accounts/types/{account_type_id}",
            Allowed::OPERATIONS,
            resource::update::<handlers::AccountTypes>,
        )
        .summary("Rename an account type")
        .params(vec![path_param(
            "account_type_id",
            "Id of the account type.",
        )])
        .body("accounts.UpdateAccountType")
        .response("accounts.AccountTypeResponse")
        .errors(&[400, 404]),
        Operation::new(
            "accounts.DeleteAccountType",
            "delete",
            "/20190206/accounts/types/{account_type_id}",
            Allowed::OPERATIONS,
            handlers::delete_account_type,
        )
        .summary("Remove an account type that no open account uses")
        .params(vec![path_param(
            "account_type_id",
            "Id of the account type.",
        )])
        .response("accounts.AccountTypeResponse")
        .errors(&[400, 404]),
        Operation::new(
            "accounts.UpdateAccountTypeMembers",
            "put",
            "/20190206/account-types/members",
            Allowed::OPERATIONS,
            handlers::update_account_type_members,
        )
        .summary("Move accounts to other account types (asynchronous)")
        .body("accounts.UpdateAccountTypeMembers")
        .response("TaskEvent")
        .errors(&[400, 404]),
        Operation::new(
            "accounts.UpdateAccountTypeAccess",
            "put",
            "/20190206/accounts/types/access",
            Allowed::ADMIN,
            handlers::update_account_type_access,
        )
        .summary("Grant or revoke roles of existing groups on account types (asynchronous)")
        .body("accounts.UpdateAccountTypeAccess")
        .response("TaskEvent")
        .errors(&[400]),
    ])
}

fn schemas(s: &mut Map<String, Value>) {
    s.insert(
        "Account".into(),
        json!({
            "type": "object",
            "description": "An AWS account governed by Stax.",
            "required": ["Id", "OrganisationId", "Name"],
            "properties": {
                "Id": {"$ref": "#/components/schemas/ro-uuidv4"},
                "Name": {"type": "string"},
                "OrganisationId": {"$ref": "#/components/schemas/uuidv4"},
                "OrganisationalUnitId": {"$ref": "#/components/schemas/nullable-uuidv4"},
                "AccountType": {"type": "string", "nullable": true, "description": "Name of the account's type."},
                "AccountTypeId": {"$ref": "#/components/schemas/nullable-uuidv4"},
                "AccountRole": {"type": "string", "enum": ["MEMBER", "MANAGEMENT", "MANAGEMENT_RESELL", "SECURITY", "LOGGING"]},
                "AwsAccountId": {"type": "string", "minLength": 12, "maxLength": 12},
                "AwsAccountAlias": {"type": "string", "nullable": true, "minLength": 1, "maxLength": 48},
                "AwsAccountName": {"type": "string", "nullable": true, "minLength": 1, "maxLength": 50},
                "AwsLoginURL": {"type": "string"},
                "AssuranceState": {"type": "string", "enum": ["NONE", "UPDATING", "ACTIVE", "ERROR"]},
                "Email": {"type": "string", "format": "email"},
                "Origin": {"type": "string", "enum": ["STAX", "EXTERNAL"]},
                "Status": {"type": "string", "enum": ["ACTIVE", "AWSERROR", "CLOSED", "DISCOVERED", "ERROR", "INITIALIZING", "MAINTENANCE", "NEW", "NOAWS", "SUSPENDED", "OFFBOARDED", "ONBOARDING", "INACTIVE"]},
                "StaxCreated": {"type": "boolean"},
                "Tags": {"$ref": "#/components/schemas/StaxTags"},
                "CreatedBy": {"$ref": "#/components/schemas/nullable-uuidv4"},
                "CreatedTS": timestamp("When the account was created."),
                "ModifiedTS": timestamp("When the account last changed."),
                "AllocatedTS": nullable_timestamp("When the account was handed out."),
                "UserTaskId": {"$ref": "#/components/schemas/nullable-uuidv4"}
            }
        }),
    );
    s.insert(
        "accounts.ReadAccounts".into(),
        json!({
            "type": "object",
            "required": ["Accounts"],
            "properties": {
                "Accounts": {"type": "array", "items": {"$ref": "#/components/schemas/Account"}},
                "Paging": {"$ref": "#/components/schemas/Pagination"}
            }
        }),
    );
    let alias = json!({"type": "string", "nullable": true, "minLength": 1, "maxLength": 48,
        "pattern": "^[a-z0-9](([a-z0-9]|-(?!-))*[a-z0-9])?$",
        "description": "IAM alias of the AWS account."});
    let account_name = json!({"type": "string", "minLength": 1, "maxLength": 50,
        "pattern": "^[ -;=?-~]+$", "description": "Name of the account."});
    s.insert(
        "accounts.CreateAccount".into(),
        json!({
            "type": "object",
            "required": ["Name", "AccountType"],
            "properties": {
                "Name": account_name,
                "AccountType": {"type": "string", "description": "Name or id of the account type."},
                "AwsAccountAlias": alias,
                "OrganisationalUnitId": {"$ref": "#/components/schemas/nullable-uuidv4"},
                "Tags": {"$ref": "#/components/schemas/StaxTags"}
            }
        }),
    );
    s.insert(
        "accounts.UpdateAccount".into(),
        json!({
            "type": "object",
            "properties": {
                "Name": account_name,
                "AccountType": {"$ref": "#/components/schemas/uuidv4"},
                "AwsAccountAlias": alias,
                "AwsAccountName": account_name,
                "OrganisationalUnitId": {"$ref": "#/components/schemas/nullable-uuidv4"},
                "Tags": {"$ref": "#/components/schemas/StaxTags"}
            }
        }),
    );
    s.insert(
        "accounts.CloseAccount".into(),
        json!({
            "type": "object",
            "required": ["Id"],
            "properties": {"Id": {"$ref": "#/components/schemas/uuidv4"}}
        }),
    );
    let type_name = json!({"type": "string", "minLength": 2, "maxLength": 64,
        "pattern": "^[a-zA-Z0-9+\\-=._:/@ ]*$", "description": "Name of the account type."});
    for name in ["accounts.CreateAccountType", "accounts.UpdateAccountType"] {
        s.insert(
            name.into(),
            json!({
                "type": "object",
                "additionalProperties": false,
                "required": ["Name"],
                "properties": {"Name": type_name}
            }),
        );
    }
    s.insert(
        "AccountTypeMemberMap".into(),
        json!({
            "type": "object",
            "additionalProperties": false,
            "description": "An account and the type it should have, by id or by name.",
            "anyOf": [
                {"required": ["AccountTypeId", "AccountId"]},
                {"required": ["AccountTypeName", "AccountId"]}
            ],
            "properties": {
                "AccountId": {"$ref": "#/components/schemas/uuidv4"},
                "AccountTypeId": {"$ref": "#/components/schemas/uuidv4"},
                "AccountTypeName": {"type": "string"}
            }
        }),
    );
    s.insert(
        "accounts.UpdateAccountTypeMembers".into(),
        json!({
            "type": "object",
            "additionalProperties": false,
            "required": ["Members"],
            "properties": {"Members": {"type": "array", "items": {"$ref": "#/components/schemas/AccountTypeMemberMap"}}}
        }),
    );
    s.insert(
        "AccountTypeAccessMap".into(),
        json!({
            "type": "object",
            "additionalProperties": false,
            "description": "A group's role on an account type; each side by id or by name.",
            "anyOf": [
                {"required": ["AccountTypeId", "GroupId", "RoleName"]},
                {"required": ["AccountTypeName", "GroupId", "RoleName"]},
                {"required": ["AccountTypeId", "GroupName", "RoleName"]},
                {"required": ["AccountTypeName", "GroupName", "RoleName"]}
            ],
            "properties": {
                "AccountTypeId": {"$ref": "#/components/schemas/uuidv4"},
                "AccountTypeName": {"type": "string"},
                "GroupId": {"$ref": "#/components/schemas/uuidv4"},
                "GroupName": {"type": "string"},
                "RoleName": {"type": "string", "enum": ["admin", "developer", "readonly"]}
            }
        }),
    );
    s.insert(
        "accounts.UpdateAccountTypeAccess".into(),
        json!({
            "type": "object",
            "additionalProperties": false,
            "properties": {
                "AddRoles": {"type": "array", "items": {"$ref": "#/components/schemas/AccountTypeAccessMap"}},
                "RemoveRoles": {"type": "array", "items": {"$ref": "#/components/schemas/AccountTypeAccessMap"}}
            }
        }),
    );
    s.insert(
        "AccountType".into(),
        json!({
            "type": "object",
            "description": "A class of accounts sharing policies and access.",
            "required": ["Id", "OrganisationId", "Name", "Status", "Accounts", "Policies", "Roles"],
            "properties": {
                "Id": {"$ref": "#/components/schemas/ro-uuidv4"},
                "Name": {"type": "string"},
                "OrganisationId": {"$ref": "#/components/schemas/ro-uuidv4"},
                "Status": {"type": "string", "enum": ["ACTIVE", "DELETED"]},
                "Accounts": {"type": "array", "items": {"$ref": "#/components/schemas/ro-uuidv4"}},
                "Policies": {"type": "array", "items": {"$ref": "#/components/schemas/ro-uuidv4"}},
                "Roles": {"type": "array", "items": {
                    "type": "object",
                    "required": ["GroupId", "RoleName"],
                    "properties": {"GroupId": {"$ref": "#/components/schemas/ro-uuidv4"}, "RoleName": {"type": "string"}}
                }},
                "StaxCreated": {"type": "boolean", "nullable": true},
                "CreatedBy": {"$ref": "#/components/schemas/nullable-uuidv4"},
                "CreatedTS": nullable_timestamp("When the type was created."),
                "ModifiedTS": nullable_timestamp("When the type last changed.")
            }
        }),
    );
    s.insert(
        "accounts.ReadAccountTypes".into(),
        json!({
            "type": "object",
            "required": ["AccountTypes"],
            "properties": {"AccountTypes": {"type": "array", "items": {"$ref": "#/components/schemas/AccountType"}}}
        }),
    );
    s.insert(
        "accounts.AccountTypeResponse".into(),
        json!({
            "type": "object",
            "required": ["AccountTypes"],
            "properties": {"AccountTypes": {"$ref": "#/components/schemas/AccountType"}}
        }),
    );
    s.insert(
        "accounts.CloseAccountResponse".into(),
        event_schema(json!({})),
    );
    s.insert(
        "accounts.CreateAccountResponse".into(),
        event_schema(json!({"Account": {"type": "object", "properties": {
            "Name": {"type": "string"},
            "AccountType": {"type": "string"},
            "OrganisationId": {"$ref": "#/components/schemas/ro-uuidv4"},
            "Tags": {"$ref": "#/components/schemas/StaxTags"},
            "Operation": {"type": "string"}
        }}})),
    );
    s.insert(
        "accounts.UpdateAccountResponse".into(),
        event_schema(json!({"Account": {"type": "object", "properties": {
            "AccountId": {"$ref": "#/components/schemas/ro-uuidv4"},
            "AccountName": {"type": "string"},
            "Name": {"type": "string"},
            "OrganisationId": {"$ref": "#/components/schemas/ro-uuidv4"},
            "Operation": {"type": "string"}
        }}})),
    );
    s.insert(
        "accounts.OnboardAccount".into(),
        json!({
            "type": "object",
            "required": ["AwsAccountId", "AccountType"],
            "properties": {
                "AwsAccountId": {"type": "string", "minLength": 12, "maxLength": 12, "description": "The discovered AWS account."},
                "AccountType": {"type": "string", "description": "Name or id of the account type it joins."},
                "Name": {"type": "string", "minLength": 1, "maxLength": 50, "pattern": "^[ -;=?-~]+$"},
                "AwsAccountName": {"type": "string", "minLength": 1, "maxLength": 50, "pattern": "^[ -;=?-~]+$"},
                "OrganisationalUnitId": r("nullable-uuidv4"),
                "Tags": r("StaxTags")
            }
        }),
    );
    let mut discovery = event_schema(json!({"TraceId": {"type": "string"}}));
    discovery["description"] =
        json!("A discovery has started: the task that carries it out lists the accounts it finds.");
    discovery["required"] = json!(["DetailType", "Detail", "TaskId", "CustomerId", "TraceId"]);
    discovery["properties"]["CustomerId"] = r("ro-uuidv4");
    discovery["properties"]["TraceId"] = json!({"type": "string"});
    s.insert("accounts.DiscoverAccountsResponse".into(), discovery);
    s.insert(
        "accounts.CreateAccountTypeResponse".into(),
        event_schema(json!({"AccountType": {"$ref": "#/components/schemas/AccountType"}})),
    );
}
