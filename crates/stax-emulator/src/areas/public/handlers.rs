//! `GET /20190206/public/config`.

use serde_json::{Value, json};

use crate::areas::Call;
use crate::protocol::ApiResult;

/// `GET /20190206/public/config`.
pub(super) fn read_config(call: &Call<'_>) -> ApiResult<Value> {
    let i = &call.ctx.install;
    let pools = i.pools();
    let endpoint = &call.ctx.endpoint;
    let auth = json!({
        "region": i.aws_region,
        "userPoolId": pools.user_pool_id,
        "userPoolWebClientId": pools.client_id,
        "identityPoolId": pools.identity_pool_id,
        "mandatorySignIn": true,
    });
    let mut juma_auth = auth.clone();
    juma_auth["identityPoolIdV2"] = json!(pools.identity_pool_id);
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
