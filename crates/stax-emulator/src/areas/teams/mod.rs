//! `teams.*` for programs: API tokens.
//!
//! See `handlers.rs` for the wire side and `model.rs` for the rules over the store.

use serde_json::{Map, Value, json};

use super::doc::*;
use super::resource;
use super::{Area, Operation};
use crate::roles::{Allowed, Role};
use crate::store::kinds::API_TOKEN;

mod handlers;
pub(crate) mod model;

pub(crate) const AREA: Area = Area {
    operations,
    schemas,
    kinds: &[API_TOKEN],
};

fn operations() -> Vec<Operation> {
    Vec::from([
        Operation::new(
            "teams.ReadApiTokens",
            "get",
            "/20190206/api-tokens",
            Allowed::READ,
            resource::read::<handlers::Tokens>,
        )
        .summary("List API tokens")
        .params(vec![
            query(
                "id_filter",
                "string",
                "Comma-separated access keys to keep.",
            ),
            json!({"name": "status", "in": "query", "required": false,
                       "description": "Token status to list.",
                       "schema": {"type": "string", "default": "ACTIVE"}}),
        ])
        .response("teams.ReadApiTokens"),
        Operation::new(
            "teams.ReadApiTokens",
            "get",
            "/20190206/api-tokens/{access_key}",
            Allowed::READ,
            resource::read::<handlers::Tokens>,
        )
        .summary("One API token, as a list of one")
        .params(vec![path_param("access_key", "Access key of the token.")])
        .response("teams.ReadApiTokens")
        .errors(&[400, 404]),
        Operation::new(
            "teams.CreateApiToken",
            "post",
            "/20190206/api-tokens",
            Allowed::ADMIN,
            handlers::create_api_token,
        )
        .summary("Make an API token; the answer shows its secret once")
        .body("teams.CreateApiToken")
        .response("teams.ReadApiTokens")
        .errors(&[400]),
        Operation::new(
            "teams.UpdateApiToken",
            "put",
            "/20190206/api-tokens/{access_key}",
            Allowed::ADMIN,
            resource::update::<handlers::Tokens>,
        )
        .summary("Change an API token's description, role or tags")
        .params(vec![path_param("access_key", "Access key of the token.")])
        .body("teams.UpdateApiToken")
        .response("teams.ReadApiTokens")
        .errors(&[400, 404]),
        Operation::new(
            "teams.DeleteApiToken",
            "delete",
            "/20190206/api-tokens/{access_key}",
            Allowed::ADMIN,
            resource::delete::<handlers::Tokens>,
        )
        .summary("Revoke an API token: it can no longer sign in")
        .params(vec![path_param("access_key", "Access key of the token.")])
        .response("teams.ReadApiTokens")
        .errors(&[400, 404]),
    ])
}

fn schemas(s: &mut Map<String, Value>) {
    let api_roles: Vec<&str> = Role::ALL
        .iter()
        .map(|r| r.name())
        .filter(|r| r.starts_with("api_"))
        .collect();
    s.insert(
        "ApiRole".into(),
        json!({"type": "string", "description": "What an API token may do.",
               "enum": api_roles}),
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
}
