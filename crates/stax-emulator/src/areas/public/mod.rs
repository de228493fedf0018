//! `public.*`: what a client reads before it can sign in (no signature needed).

use serde_json::{Map, Value, json};

use super::doc::{path_param, r};
use super::{Area, Operation};
use crate::roles::Allowed;

mod handlers;

pub(crate) const AREA: Area = Area {
    operations,
    schemas,
    kinds: &[],
};

fn operations() -> Vec<Operation> {
    Vec::from([
        Operation::new(
            "public.ReadConfig",
            "get",
            "/20190206/public/config",
            Allowed::Public,
            handlers::read_config,
        )
        .summary("Sign-in settings of this installation (no signature needed)")
        .response("public.ReadConfig"),
        Operation::new(
            "public.CheckAlias",
            "get",
            "/20190206/public/check-alias/{alias}",
            Allowed::Public,
            handlers::check_alias,
        )
        .summary("Whether an organisation alias is free (200) or taken (409, the same answer) (no signature needed)")
        .params(vec![path_param(
            "alias",
            "The alias: a-z, 0-9 and hyphens, not first or last.",
        )])
        .response("public.CheckAlias")
        .errors(&[400, 409])
        .answered_errors(&[409]),
    ])
}

fn auth_block(required: &[&str], extra: &[&str]) -> Value {
    let mut props = Map::new();
    props.insert("identityPoolId".into(), json!({"type": "string"}));
    props.insert("mandatorySignIn".into(), json!({"type": "boolean"}));
    props.insert("region".into(), r("DefaultAwsRegion"));
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

fn schemas(s: &mut Map<String, Value>) {
    s.insert(
        "public.CheckAlias".into(),
        json!({
            "type": "object",
            "additionalProperties": false,
            "description": "Whether the alias is free, and the user pool new organisations sign in with.",
            "required": ["Alias", "AuthProvider"],
            "properties": {
                "Alias": {
                    "type": "object", "additionalProperties": false, "required": ["Status"],
                    "properties": {"Status": {"type": "string", "enum": [handlers::ALIAS_FREE, handlers::ALIAS_TAKEN]}}
                },
                "AuthProvider": {
                    "type": "object", "additionalProperties": false, "required": ["ClientId", "UserPoolId"],
                    "properties": {"ClientId": {"type": "string"}, "UserPoolId": {"type": "string"}}
                }
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
}
