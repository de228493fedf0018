//! `GET /20190206/public/config` and `/public/check-alias/{alias}`.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::areas::Call;
use crate::protocol::{ApiError, ApiResult};
use crate::store::kinds::ORGANISATION;

/// What `CheckAlias` says of an alias no organisation has.
pub(super) const ALIAS_FREE: &str = "The company alias provided is available";
/// What `CheckAlias` says of an alias an organisation has.
pub(super) const ALIAS_TAKEN: &str =
    "The company alias provided is already in use by another customer and cannot be used";

/// Whether `alias` is one: lower-case letters, digits and hyphens, not starting or ending
/// with a hyphen, at most 63 characters.
fn is_alias(alias: &str) -> bool {
    (1..=63).contains(&alias.len())
        && alias
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !alias.starts_with('-')
        && !alias.ends_with('-')
}

/// `GET /20190206/public/check-alias/{alias}`: 200 when no organisation of the installation
/// has the alias, 409 (the same shape) when one has; 400 for what cannot be an alias.
pub(super) fn check_alias(call: &Call<'_>) -> ApiResult<Value> {
    let alias = call.param("alias");
    if !is_alias(alias) {
        return Err(ApiError::bad_request(format!(
            "alias '{alias}' is not one: use a-z, 0-9 and hyphens (not first or last), at most 63 characters"
        )));
    }
    let taken = call
        .ctx
        .store
        .read(|tx| tx.taken_anywhere(ORGANISATION, ("Alias", alias)))?;
    let install = &call.ctx.install;
    let answer = |status: &str| {
        json!({
            "Alias": {"Status": status},
            "AuthProvider": {"ClientId": install.client_id, "UserPoolId": install.user_pool_id}
        })
    };
    if taken {
        return Err(ApiError::answered(
            StatusCode::CONFLICT,
            ALIAS_TAKEN,
            answer(ALIAS_TAKEN),
        ));
    }
    Ok(answer(ALIAS_FREE))
}

/// `GET /20190206/public/config`.
pub(super) fn read_config(call: &Call<'_>) -> ApiResult<Value> {
    let i = &call.ctx.install;
    let endpoint = &call.ctx.endpoint;
    let auth = json!({
        "region": i.aws_region,
        "userPoolId": i.user_pool_id,
        "userPoolWebClientId": i.client_id,
        "identityPoolId": i.identity_pool_id,
        "mandatorySignIn": true,
    });
    let mut juma_auth = auth.clone();
    juma_auth["identityPoolIdV2"] = json!(i.identity_pool_id);
    let base = format!("{endpoint}/20190206");
    Ok(json!({
        "ApiAuth": auth,
        "Auth": auth,
        "JumaAuth": juma_auth,
        "Analytics": {"disable": true},
        "API": {"endpoints": [{"name": "api", "endpoint": base, "region": i.aws_region}]},
        "AppSync": {
            "region": i.aws_region,
            "graphqlEndpoint": format!("{endpoint}/graphql"),
            "core": {"region": i.aws_region, "endpoint": format!("{endpoint}/graphql")},
            "analytics": {"region": i.aws_region, "endpoint": format!("{endpoint}/graphql")},
        },
        "Juma": {
            "controlplaneRegion": i.aws_region,
            "domainName": "staxapp.local",
            "fullDomainName": format!("{}.staxapp.local", i.installation),
            "stage": "emulator",
            "masterAccountId": 100000000001u64,
        },
        "Sentry": {"dsn": "", "projectName": "stax-emulator"},
        "Features": [],
    }))
}
