//! `teams.*`: API tokens (users and groups come later).

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use serde_json::{Value, json};

use super::{AppRef, check_uuid, ok, parse_body};
use crate::error::{ApiError, ApiResult};
use crate::seed::{API_TOKEN, new_api_token};
use crate::store::Db;
use crate::util::{comma_list, now_iso, parse_query};

/// Fields a token shows when read (never its secret).
fn present_token(mut token: Value) -> Value {
    if let Some(map) = token.as_object_mut() {
        map.remove("SecretKey");
        if map.get("CreatedBy").is_some_and(Value::is_null) {
            map.remove("CreatedBy");
        }
        map.entry("Description").or_insert(json!(""));
    }
    token
}

fn load_token(db: &Db<'_>, access_key: &str) -> Result<Value, ApiError> {
    check_uuid("access_key", access_key)?;
    db.get(API_TOKEN, &access_key.to_ascii_lowercase())?
        .filter(|t| t["Status"] != "DELETED")
        .ok_or_else(|| ApiError::not_found(format!("API token {access_key} does not exist")))
}

/// `GET /20190206/api-tokens`: `status` (default ACTIVE) and `id_filter` narrow the list.
pub(crate) async fn read_api_tokens(State(state): AppRef, RawQuery(raw): RawQuery) -> ApiResult {
    state.stats.operation("teams.ReadApiTokens");
    let q = parse_query(raw.as_deref());
    let status = q
        .get("status")
        .map(|s| s.to_ascii_uppercase())
        .unwrap_or_else(|| "ACTIVE".to_owned());
    let ids = q.get("id_filter").map(|v| {
        comma_list(v)
            .into_iter()
            .map(|s| s.to_ascii_lowercase())
            .collect::<Vec<_>>()
    });
    let tokens: Vec<Value> = state
        .store
        .read(|db| db.list(API_TOKEN))?
        .into_iter()
        .filter(|t| t["Status"] == status.as_str())
        .filter(|t| {
            ids.as_ref().is_none_or(|i| {
                i.contains(&t["AccessKey"].as_str().unwrap_or("").to_ascii_lowercase())
            })
        })
        .map(present_token)
        .collect();
    ok(json!({"ApiTokens": tokens}))
}

/// `GET /20190206/api-tokens/{access_key}`.
pub(crate) async fn read_api_token(
    State(state): AppRef,
    Path(access_key): Path<String>,
) -> ApiResult {
    state.stats.operation("teams.ReadApiTokens");
    let token = state.store.read(|db| Ok(load_token(db, &access_key)))??;
    ok(json!({"ApiTokens": [present_token(token)]}))
}

/// `POST /20190206/api-tokens`: the answer carries the secret, once; the keys sign in at once.
pub(crate) async fn create_api_token(State(state): AppRef, body: Bytes) -> ApiResult {
    state.stats.operation("teams.CreateApiToken");
    let body = parse_body(&state, "teams.CreateApiToken", &body)?;
    let text = |k: &str| body.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
    let (name, role, description) = (text("Name"), text("Role"), text("Description"));
    let tags = body.get("Tags").cloned();
    let install = state.install.clone();
    // Making the SRP verifier is big-number work: keep it off the async workers.
    let worker = state.clone();
    let (_, secret, token) = tokio::task::spawn_blocking(move || {
        worker
            .store
            .write(|db| new_api_token(db, &install, &name, &description, &role, tags, None))
    })
    .await
    .map_err(|e| {
        tracing::error!(error = %e, "token worker failed");
        ApiError::new(
            axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            "Internal server error",
        )
    })??;
    let mut shown = present_token(token);
    shown["SecretKey"] = json!(secret);
    ok(json!({"ApiTokens": [shown]}))
}

/// `PUT /20190206/api-tokens/{access_key}`.
pub(crate) async fn update_api_token(
    State(state): AppRef,
    Path(access_key): Path<String>,
    body: Bytes,
) -> ApiResult {
    state.stats.operation("teams.UpdateApiToken");
    let body = parse_body(&state, "teams.UpdateApiToken", &body)?;
    let token = state.store.write(|db| {
        let mut token = load_token(db, &access_key)?;
        for key in ["Description", "Role", "Tags"] {
            if let Some(v) = body.get(key) {
                token[key] = v.clone();
            }
        }
        token["ModifiedTS"] = json!(now_iso());
        db.put(API_TOKEN, &access_key.to_ascii_lowercase(), &token)?;
        Ok::<_, ApiError>(token)
    })?;
    ok(json!({"ApiTokens": [present_token(token)]}))
}

/// `DELETE /20190206/api-tokens/{access_key}`: the token can no longer sign in.
pub(crate) async fn delete_api_token(
    State(state): AppRef,
    Path(access_key): Path<String>,
) -> ApiResult {
    state.stats.operation("teams.DeleteApiToken");
    let token = state.store.write(|db| {
        let mut token = load_token(db, &access_key)?;
        let key = access_key.to_ascii_lowercase();
        token["Status"] = json!("DELETED");
        token["ModifiedTS"] = json!(now_iso());
        db.put(API_TOKEN, &key, &token)?;
        db.remove_pool_user(&key)?;
        Ok::<_, ApiError>(token)
    })?;
    ok(json!({"ApiTokens": [present_token(token)]}))
}
