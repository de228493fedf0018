//! What the emulator implements, as OpenAPI: operations and component schemas.

use serde_json::{Map, Value, json};

mod organisations;
mod policies;
mod users;
mod workloads;

/// One operation of the document.
pub(crate) struct Operation {
    /// `service.Operation`.
    pub id: &'static str,
    pub method: &'static str,
    /// Full path, `/20190206/...`.
    pub path: &'static str,
    pub summary: &'static str,
    pub params: Vec<Value>,
    /// Request body component, for PUT and POST.
    pub body: Option<&'static str>,
    /// Component of the 200 answer.
    pub response: &'static str,
    /// Error statuses it may answer.
    pub errors: &'static [u16],
}

fn query(name: &str, kind: &str, text: &str) -> Value {
    json!({"name": name, "in": "query", "required": false, "description": text, "schema": {"type": kind}})
}

fn path_param(name: &str, text: &str) -> Value {
    json!({"name": name, "in": "path", "required": true, "description": text, "schema": {"type": "string"}})
}

fn paging() -> Vec<Value> {
    vec![
        query(
            "offset",
            "integer",
            "Index of the first item to return (with limit).",
        ),
        query("limit", "integer", "Most items to return in one page."),
    ]
}

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
    params.push(json!({
        "name": "sort_order", "in": "query", "required": false,
        "description": "Ordering direction when sort is given.",
        "schema": {"type": "string", "enum": ["ASC", "DESC"], "default": "DESC"}
    }));
    params.push(json!({
        "name": "include_tags", "in": "query", "required": false,
        "description": "Whether accounts carry their Tags.",
        "schema": {"type": "boolean", "default": true}
    }));
    params
}

/// Every operation the emulator answers from its own state.
pub(crate) fn operations() -> Vec<Operation> {
    let mut ops = vec![
        Operation {
            id: "public.ReadConfig",
            method: "get",
            path: "/20190206/public/config",
            summary: "Sign-in settings of this installation (no signature needed)",
            params: vec![],
            body: None,
            response: "public.ReadConfig",
            errors: &[],
        },
        Operation {
            id: "accounts.ReadAccounts",
            method: "get",
            path: "/20190206/accounts",
            summary: "List the organisation's AWS accounts",
            params: account_filters(),
            body: None,
            response: "accounts.ReadAccounts",
            errors: &[400],
        },
        Operation {
            id: "accounts.ReadAccounts",
            method: "get",
            path: "/20190206/accounts/{account_id}",
            summary: "One AWS account, as a list of one",
            params: {
                let mut p = vec![path_param("account_id", "Id of the account.")];
                p.push(json!({
                    "name": "include_tags", "in": "query", "required": false,
                    "description": "Whether the account carries its Tags.",
                    "schema": {"type": "boolean", "default": true}
                }));
                p
            },
            body: None,
            response: "accounts.ReadAccounts",
            errors: &[400, 404],
        },
        Operation {
            id: "accounts.CreateAccount",
            method: "post",
            path: "/20190206/accounts",
            summary: "Open a new AWS account (asynchronous)",
            params: vec![],
            body: Some("accounts.CreateAccount"),
            response: "accounts.CreateAccountResponse",
            errors: &[400, 409],
        },
        Operation {
            id: "accounts.UpdateAccount",
            method: "put",
            path: "/20190206/accounts/{account_id}",
            summary: "Change an account's name, type, alias, unit or tags (asynchronous)",
            params: vec![path_param("account_id", "Id of the account.")],
            body: Some("accounts.UpdateAccount"),
            response: "accounts.UpdateAccountResponse",
            errors: &[400, 404, 409],
        },
        Operation {
            id: "accounts.CloseAccount",
            method: "post",
            path: "/20190206/accounts/close",
            summary: "Close an AWS account and end its policy attachments (asynchronous)",
            params: vec![],
            body: Some("accounts.CloseAccount"),
            response: "accounts.CloseAccountResponse",
            errors: &[400, 404, 409],
        },
        Operation {
            id: "accounts.ReadAccountTypes",
            method: "get",
            path: "/20190206/accounts/types",
            summary: "List account types",
            params: vec![query(
                "id_filter",
                "string",
                "Comma-separated account type ids to keep.",
            )],
            body: None,
            response: "accounts.ReadAccountTypes",
            errors: &[],
        },
        Operation {
            id: "accounts.ReadAccountTypes",
            method: "get",
            path: "/20190206/accounts/types/{account_type_id}",
            summary: "One account type, as a list of one",
            params: vec![path_param("account_type_id", "Id of the account type.")],
            body: None,
            response: "accounts.ReadAccountTypes",
            errors: &[400, 404],
        },
        Operation {
            id: "accounts.CreateAccountType",
            method: "post",
            path: "/20190206/accounts/types",
            summary: "Add an account type",
            params: vec![],
            body: Some("accounts.CreateAccountType"),
            response: "accounts.CreateAccountTypeResponse",
            errors: &[400],
        },
        Operation {
            id: "accounts.UpdateAccountType",
            method: "put",
            path: "/20190206/accounts/types/{account_type_id}",
            summary: "Rename an account type",
            params: vec![path_param("account_type_id", "Id of the account type.")],
            body: Some("accounts.UpdateAccountType"),
            response: "accounts.AccountTypeResponse",
            errors: &[400, 404],
        },
        Operation {
            id: "accounts.DeleteAccountType",
            method: "delete",
            path: "/20190206/accounts/types/{account_type_id}",
            summary: "Remove an account type that no open account uses",
            params: vec![path_param("account_type_id", "Id of the account type.")],
            body: None,
            response: "accounts.AccountTypeResponse",
            errors: &[400, 404],
        },
        Operation {
            id: "accounts.UpdateAccountTypeMembers",
            method: "put",
            path: "/20190206/account-types/members",
            summary: "Move accounts to other account types (asynchronous)",
            params: vec![],
            body: Some("accounts.UpdateAccountTypeMembers"),
            response: "TaskEvent",
            errors: &[400, 404],
        },
        Operation {
            id: "accounts.UpdateAccountTypeAccess",
            method: "put",
            path: "/20190206/accounts/types/access",
            summary: "Grant or revoke roles of existing groups on account types (asynchronous)",
            params: vec![],
            body: Some("accounts.UpdateAccountTypeAccess"),
            response: "TaskEvent",
            errors: &[400],
        },
        Operation {
            id: "teams.ReadApiTokens",
            method: "get",
            path: "/20190206/api-tokens",
            summary: "List API tokens",
            params: vec![
                query(
                    "id_filter",
                    "string",
                    "Comma-separated access keys to keep.",
                ),
                json!({"name": "status", "in": "query", "required": false,
                       "description": "Token status to list.",
                       "schema": {"type": "string", "default": "ACTIVE"}}),
            ],
            body: None,
            response: "teams.ReadApiTokens",
            errors: &[],
        },
        Operation {
            id: "teams.ReadApiTokens",
            method: "get",
            path: "/20190206/api-tokens/{access_key}",
            summary: "One API token, as a list of one",
            params: vec![path_param("access_key", "Access key of the token.")],
            body: None,
            response: "teams.ReadApiTokens",
            errors: &[400, 404],
        },
        Operation {
            id: "teams.CreateApiToken",
            method: "post",
            path: "/20190206/api-tokens",
            summary: "Make an API token; the answer shows its secret once",
            params: vec![],
            body: Some("teams.CreateApiToken"),
            response: "teams.ReadApiTokens",
            errors: &[400],
        },
        Operation {
            id: "teams.UpdateApiToken",
            method: "put",
            path: "/20190206/api-tokens/{access_key}",
            summary: "Change an API token's description, role or tags",
            params: vec![path_param("access_key", "Access key of the token.")],
            body: Some("teams.UpdateApiToken"),
            response: "teams.ReadApiTokens",
            errors: &[400, 404],
        },
        Operation {
            id: "teams.DeleteApiToken",
            method: "delete",
            path: "/20190206/api-tokens/{access_key}",
            summary: "Revoke an API token: it can no longer sign in",
            params: vec![path_param("access_key", "Access key of the token.")],
            body: None,
            response: "teams.ReadApiTokens",
            errors: &[400, 404],
        },
        Operation {
            id: "tasks.ReadTask",
            method: "get",
            path: "/20190206/task/{task_id}",
            summary: "Progress of an asynchronous change",
            params: vec![path_param(
                "task_id",
                "Id of the task, as returned by a change.",
            )],
            body: None,
            response: "tasks.ReadTask",
            errors: &[404],
        },
    ];
    ops.extend(organisations::operations());
    ops.extend(policies::operations());
    ops.extend(users::operations());
    ops.extend(workloads::operations());
    ops
}

fn uuid_schema() -> Value {
    json!({"type": "string", "pattern": "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"})
}

fn timestamp(text: &str) -> Value {
    json!({"type": "string", "format": "date-time", "description": text})
}

fn nullable_timestamp(text: &str) -> Value {
    json!({"type": "string", "format": "date-time", "nullable": true, "description": text})
}

const REGIONS: [&str; 16] = [
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-south-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "ca-central-1",
    "eu-central-1",
    "eu-north-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
];

fn auth_block(required: &[&str], extra: &[&str]) -> Value {
    let mut props = Map::new();
    props.insert("identityPoolId".into(), json!({"type": "string"}));
    props.insert("mandatorySignIn".into(), json!({"type": "boolean"}));
    props.insert(
        "region".into(),
        json!({"$ref": "#/components/schemas/DefaultAwsRegion"}),
    );
    props.insert("userPoolId".into(), json!({"type": "string"}));
    props.insert("userPoolWebClientId".into(), json!({"type": "string"}));
    for name in extra {
        props.insert((*name).into(), json!({"type": "string"}));
    }
    json!({"type": "object", "additionalProperties": false, "properties": props, "required": required})
}

fn endpoint_block() -> Value {
    json!({
        "type": "object", "additionalProperties": false,
        "required": ["region", "endpoint"],
        "properties": {
            "endpoint": {"type": "string"},
            "region": {"$ref": "#/components/schemas/DefaultAwsRegion"}
        }
    })
}

/// The component schemas.
fn schemas() -> Map<String, Value> {
    let mut s = Map::new();
    s.insert(
        "Error".into(),
        json!({
            "type": "object",
            "description": "What went wrong.",
            "properties": {"Error": {"type": "string"}, "Cause": {"type": "string"}}
        }),
    );
    s.insert("uuidv4".into(), uuid_schema());
    s.insert("ro-uuidv4".into(), {
        let mut u = uuid_schema();
        u["readOnly"] = json!(true);
        u
    });
    s.insert("nullable-uuidv4".into(), {
        let mut u = uuid_schema();
        u["nullable"] = json!(true);
        u
    });
    s.insert(
        "DefaultAwsRegion".into(),
        json!({"type": "string", "description": "An AWS region Stax runs in.", "enum": REGIONS}),
    );
    s.insert(
        "OperationStatus".into(),
        json!({
            "type": "string",
            "description": "Where an asynchronous change is: STARTED and PENDING wait, RUNNING works, SUCCEEDED and FAILED are final.",
            "enum": ["STARTED", "PENDING", "RUNNING", "SUCCEEDED", "FAILED"]
        }),
    );
    s.insert(
        "StaxTags".into(),
        json!({
            "type": "object",
            "nullable": true,
            "description": "Free-form key and value labels.",
            "maxProperties": 100,
            "additionalProperties": {"type": "string", "minLength": 1, "maxLength": 256, "pattern": "^[a-zA-Z0-9+\\-=._:/@ ]*$"}
        }),
    );
    s.insert(
        "Pagination".into(),
        json!({
            "type": "object",
            "description": "Where this page sits, given when offset and limit are.",
            "required": ["Total", "NextOffset", "PrevOffset"],
            "properties": {
                "Total": {"type": "number", "description": "Items matching the filters."},
                "NextOffset": {"type": "number", "nullable": true, "description": "Offset of the following page; null on the last one."},
                "PrevOffset": {"type": "number", "nullable": true, "description": "Offset of the preceding page; null on the first one."}
            }
        }),
    );
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
    let detail = |extra: Value| {
        let mut props = json!({
            "Message": {"type": "string"},
            "Operation": {"type": "string"},
            "OperationStatus": {"$ref": "#/components/schemas/OperationStatus"},
            "Severity": {"type": "string"},
            "TaskId": {"$ref": "#/components/schemas/nullable-uuidv4"}
        });
        if let (Some(p), Some(e)) = (props.as_object_mut(), extra.as_object()) {
            for (k, v) in e {
                p.insert(k.clone(), v.clone());
            }
        }
        json!({
            "type": "object",
            "description": "The outcome of a change, and the task that carries it out when it is asynchronous.",
            "required": ["Detail", "DetailType"],
            "properties": {
                "Detail": {"type": "object", "required": ["Operation", "OperationStatus"], "properties": props},
                "DetailType": {"type": "string"},
                "TaskId": {"$ref": "#/components/schemas/ro-uuidv4"}
            }
        })
    };
    s.insert("TaskEvent".into(), detail(json!({})));
    s.insert("accounts.CloseAccountResponse".into(), detail(json!({})));
    s.insert(
        "accounts.CreateAccountResponse".into(),
        detail(json!({"Account": {"type": "object", "properties": {
            "Name": {"type": "string"},
            "AccountType": {"type": "string"},
            "OrganisationId": {"$ref": "#/components/schemas/ro-uuidv4"},
            "Tags": {"$ref": "#/components/schemas/StaxTags"},
            "Operation": {"type": "string"}
        }}})),
    );
    s.insert(
        "accounts.UpdateAccountResponse".into(),
        detail(json!({"Account": {"type": "object", "properties": {
            "AccountId": {"$ref": "#/components/schemas/ro-uuidv4"},
            "AccountName": {"type": "string"},
            "Name": {"type": "string"},
            "OrganisationId": {"$ref": "#/components/schemas/ro-uuidv4"},
            "Operation": {"type": "string"}
        }}})),
    );
    s.insert(
        "accounts.CreateAccountTypeResponse".into(),
        detail(json!({"AccountType": {"$ref": "#/components/schemas/AccountType"}})),
    );
    s.insert(
        "ApiRole".into(),
        json!({"type": "string", "description": "What an API token may do.",
               "enum": ["api_admin", "api_operations", "api_user", "api_readonly"]}),
    );
    s.insert(
        "Tags".into(),
        json!({"type": "object", "nullable": true, "maxProperties": 100,
               "additionalProperties": {"type": "string"}}),
    );
    let token_name = json!({"type": "string", "minLength": 2, "maxLength": 64, "pattern": "^([0-9a-zA-Z_.-]+)$"});
    s.insert(
        "teams.CreateApiToken".into(),
        json!({
            "type": "object",
            "additionalProperties": false,
            "required": ["Name", "Role"],
            "properties": {
                "Name": token_name,
                "Role": {"$ref": "#/components/schemas/ApiRole"},
                "Description": {"type": "string", "minLength": 0, "maxLength": 1024},
                "StoreToken": {"type": "boolean"},
                "Tags": {"$ref": "#/components/schemas/Tags"}
            }
        }),
    );
    s.insert(
        "teams.UpdateApiToken".into(),
        json!({
            "type": "object",
            "additionalProperties": false,
            "properties": {
                "Description": {"type": "string", "minLength": 2, "maxLength": 1024},
                "Role": {"$ref": "#/components/schemas/ApiRole"},
                "Tags": {"$ref": "#/components/schemas/Tags"}
            }
        }),
    );
    s.insert(
        "ApiToken".into(),
        json!({
            "type": "object",
            "description": "Keys a program signs in with. SecretKey is only ever shown when the token is made.",
            "required": ["AccessKey"],
            "properties": {
                "AccessKey": {"$ref": "#/components/schemas/ro-uuidv4"},
                "SecretKey": {"type": "string", "minLength": 32, "maxLength": 32},
                "Name": token_name,
                "Description": {"type": "string"},
                "Role": {"$ref": "#/components/schemas/ApiRole"},
                "Status": {"type": "string", "enum": ["ACTIVE", "DELETED"]},
                "Tags": {"$ref": "#/components/schemas/Tags"},
                "CreatedBy": {"$ref": "#/components/schemas/nullable-uuidv4"},
                "CreatedTS": timestamp("When the token was made."),
                "ModifiedTS": timestamp("When the token last changed.")
            }
        }),
    );
    s.insert(
        "teams.ReadApiTokens".into(),
        json!({
            "type": "object",
            "required": ["ApiTokens"],
            "properties": {"ApiTokens": {"type": "array", "items": {"$ref": "#/components/schemas/ApiToken"}}}
        }),
    );
    s.insert(
        "tasks.ReadTask".into(),
        json!({
            "type": "object",
            "additionalProperties": false,
            "required": ["Status", "Logs"],
            "properties": {
                "Status": {"$ref": "#/components/schemas/OperationStatus"},
                "Logs": {"type": "array", "items": {"type": "string"}},
                "Accounts": {"type": "array", "items": {"$ref": "#/components/schemas/ro-uuidv4"}},
                "Users": {"type": "array", "items": {"$ref": "#/components/schemas/ro-uuidv4"}},
                "Workloads": {"type": "array", "items": {"$ref": "#/components/schemas/ro-uuidv4"}}
            }
        }),
    );
    s.insert(
        "public.ReadConfig".into(),
        json!({
            "type": "object",
            "additionalProperties": false,
            "description": "Settings a client needs before it can sign in.",
            "required": ["Auth", "JumaAuth", "ApiAuth", "Analytics", "API", "AppSync", "Juma", "Sentry", "Features"],
            "properties": {
                "API": {
                    "type": "object", "additionalProperties": false, "required": ["endpoints"],
                    "properties": {"endpoints": {"type": "array", "items": {
                        "type": "object", "additionalProperties": false,
                        "required": ["name", "endpoint", "region"],
                        "properties": {
                            "name": {"type": "string"},
                            "endpoint": {"type": "string"},
                            "region": {"$ref": "#/components/schemas/DefaultAwsRegion"}
                        }
                    }}}
                },
                "Analytics": {
                    "type": "object", "additionalProperties": false, "required": ["disable"],
                    "properties": {"disable": {"type": "boolean"}}
                },
                "ApiAuth": auth_block(&["identityPoolId", "region", "userPoolId", "userPoolWebClientId", "mandatorySignIn"], &[]),
                "Auth": auth_block(&["identityPoolId", "region", "mandatorySignIn"], &[]),
                "JumaAuth": auth_block(&["identityPoolId", "identityPoolIdV2", "region", "userPoolId", "userPoolWebClientId", "mandatorySignIn"], &["identityPoolIdV2"]),
                "AppSync": {
                    "type": "object", "additionalProperties": false,
                    "required": ["core", "analytics", "region", "graphqlEndpoint"],
                    "properties": {
                        "analytics": endpoint_block(),
                        "core": endpoint_block(),
                        "graphqlEndpoint": {"type": "string"},
                        "region": {"$ref": "#/components/schemas/DefaultAwsRegion"}
                    }
                },
                "Features": {"type": "array", "items": {"type": "string"}},
                "Juma": {
                    "type": "object", "additionalProperties": false,
                    "required": ["fullDomainName", "domainName", "stage", "controlplaneRegion", "masterAccountId"],
                    "properties": {
                        "controlplaneRegion": {"$ref": "#/components/schemas/DefaultAwsRegion"},
                        "domainName": {"type": "string"},
                        "fullDomainName": {"type": "string"},
                        "masterAccountId": {"type": "integer"},
                        "stage": {"type": "string"}
                    }
                },
                "Sentry": {
                    "type": "object", "additionalProperties": false, "required": ["dsn", "projectName"],
                    "properties": {"dsn": {"type": "string"}, "projectName": {"type": "string"}}
                }
            }
        }),
    );
    organisations::schemas(&mut s);
    policies::schemas(&mut s);
    users::schemas(&mut s);
    workloads::schemas(&mut s);
    s
}

fn response_of(schema: &str, text: &str) -> Value {
    json!({
        "description": text,
        "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}
    })
}

fn error_text(status: u16) -> &'static str {
    match status {
        400 => "The request is malformed or breaks a rule.",
        403 => "The caller may not do this.",
        404 => "Nothing has that id.",
        409 => "Another change to the same thing is under way.",
        _ => "The request failed.",
    }
}

/// The whole document.
pub(crate) fn document() -> Value {
    let mut paths = Map::new();
    for op in operations() {
        let mut responses = Map::new();
        responses.insert(
            "200".into(),
            response_of(op.response, "The request succeeded."),
        );
        for status in op.errors {
            responses.insert(
                status.to_string(),
                response_of("Error", error_text(*status)),
            );
        }
        let mut item = json!({
            "summary": op.summary,
            "x-stax-sdk-operation-id": op.id,
            "responses": responses,
        });
        if !op.params.is_empty() {
            item["parameters"] = Value::Array(op.params.clone());
        }
        if !op.path.starts_with("/20190206/public/") {
            item["security"] = json!([{"sigv4": []}]);
        }
        if let Some(body) = op.body {
            item["requestBody"] = json!({
                "required": true,
                "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{body}")}}}
            });
        }
        let entry = paths
            .entry(op.path.to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
        entry[op.method] = item;
    }
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "Stax API (emulated)",
            "version": "20190206",
            "description": "The part of the Stax API that stax-emulator answers locally, over state kept in SQLite."
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "sigv4": {
                    "type": "apiKey",
                    "name": "Authorization",
                    "in": "header",
                    "x-amazon-apigateway-authtype": "awsSigv4"
                }
            },
            "schemas": schemas()
        }
    })
}
