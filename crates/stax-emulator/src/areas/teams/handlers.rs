//! `teams.*` API tokens on the wire.

use serde_json::{Value, json};

use super::model::{NewToken, load_token, new_api_token, present_token};
use crate::areas::Call;
use crate::areas::rules::text;
use crate::areas::wire::lower_list;
use crate::protocol::{ApiError, ApiResult};
use crate::store::kinds::API_TOKEN;
use crate::util::now_iso;

/// `GET /20190206/api-tokens`: `status` (default ACTIVE) and `id_filter` narrow the list.
pub(super) fn read_api_tokens(call: &Call<'_>) -> ApiResult<Value> {
    let status = call
        .query
        .get("status")
        .map(|s| s.to_ascii_uppercase())
        .unwrap_or_else(|| "ACTIVE".to_owned());
    let ids = lower_list(&call.query, "id_filter");
    let tokens: Vec<Value> = call.read(|db| Ok(db.list(API_TOKEN)?))?
        .into_iter()
        .filter(|t| t["Status"] == status.as_str())
        .filter(|t| {
            ids.as_ref()
                .is_none_or(|i| i.contains(&text(t, "AccessKey").to_ascii_lowercase()))
        })
        .map(present_token)
        .collect();
    Ok(json!({"ApiTokens": tokens}))
}

/// `GET /20190206/api-tokens/{access_key}`.
pub(super) fn read_api_token(call: &Call<'_>) -> ApiResult<Value> {
    let access_key = call.param("access_key");
    let token = call.read(|db| Ok(load_token(db, access_key)))??;
    Ok(json!({"ApiTokens": [present_token(token)]}))
}

/// `POST /20190206/api-tokens`: the answer carries the secret, once; the keys sign in at once.
/// Nobody makes a token with a role above their own.
pub(super) fn create_api_token(call: &Call<'_>) -> ApiResult<Value> {
    let body = call.json_body()?;
    let field = |k: &str| text(&body, k);
    call.may_grant(field("Role"))?;
    let created_by = call.caller_key();
    let (_, secret, token) = call.write(|db| {
        Ok(new_api_token(
            db,
            &call.ctx.install,
            &NewToken {
                name: field("Name"),
                description: field("Description"),
                role: field("Role"),
                tags: body.get("Tags").cloned(),
                created_by: created_by.as_deref(),
            },
        )?)
    })?;
    let mut shown = present_token(token);
    shown["SecretKey"] = json!(secret);
    Ok(json!({"ApiTokens": [shown]}))
}

/// `PUT /20190206/api-tokens/{access_key}`: nobody raises a token above their own role.
pub(super) fn update_api_token(call: &Call<'_>) -> ApiResult<Value> {
    let body = call.json_body()?;
    if let Some(role) = body.get("Role").and_then(Value::as_str) {
        call.may_grant(role)?;
    }
    let access_key = call.param("access_key");
    let token = call.write(|db| {
        let mut token = load_token(db, access_key)?;
        for key in ["Description", "Role", "Tags"] {
            if let Some(v) = body.get(key) {
                token[key] = v.clone();
            }
        }
        token["ModifiedTS"] = json!(now_iso());
        db.put(API_TOKEN, &access_key.to_ascii_lowercase(), &token)?;
        Ok::<_, ApiError>(token)
    })?;
    Ok(json!({"ApiTokens": [present_token(token)]}))
}

/// `DELETE /20190206/api-tokens/{access_key}`: the token can no longer sign in.
pub(super) fn delete_api_token(call: &Call<'_>) -> ApiResult<Value> {
    let access_key = call.param("access_key");
    let token = call.write(|db| {
        let mut token = load_token(db, access_key)?;
        let key = access_key.to_ascii_lowercase();
        token["Status"] = json!("DELETED");
        token["ModifiedTS"] = json!(now_iso());
        db.put(API_TOKEN, &key, &token)?;
        db.remove_pool_user(&key)?;
        Ok::<_, ApiError>(token)
    })?;
    Ok(json!({"ApiTokens": [present_token(token)]}))
}
