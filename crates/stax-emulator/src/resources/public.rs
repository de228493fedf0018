//! `public.*`: the unauthenticated configuration and the OpenAPI document.

use axum::extract::State;
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::AppRef;
use crate::error::ApiResult;

/// `GET /20190206/public/config`.
pub(crate) async fn read_config(State(state): AppRef) -> ApiResult {
    state.stats.operation("public.ReadConfig");
    let i = &state.install;
    let auth = json!({
        "region": i.aws_region,
        "userPoolId": i.user_pool_id,
        "userPoolWebClientId": i.client_id,
        "identityPoolId": i.identity_pool_id,
        "mandatorySignIn": true,
    });
    let mut juma_auth = auth.clone();
    juma_auth["identityPoolIdV2"] = json!(i.identity_pool_id);
    let base = format!("{}/20190206", state.endpoint);
    super::ok(json!({
        "ApiAuth": auth,
        "Auth": auth,
        "JumaAuth": juma_auth,
        "Analytics": {"disable": true},
        "API": {"endpoints": [{"name": "api", "endpoint": base, "region": i.aws_region}]},
        "AppSync": {
            "region": i.aws_region,
            "graphqlEndpoint": format!("{}/graphql", state.endpoint),
            "core": {"region": i.aws_region, "endpoint": format!("{}/graphql", state.endpoint)},
            "analytics": {"region": i.aws_region, "endpoint": format!("{}/graphql", state.endpoint)},
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

/// `GET /20190206/public/oas3-document`.
pub(crate) async fn read_document(State(state): AppRef) -> Response {
    let mut response = state.document.text.clone().into_response();
    response
        .headers_mut()
        .insert("content-type", HeaderValue::from_static("application/json"));
    response
}
