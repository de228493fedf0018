//! `teams.*` API tokens on the wire: reads, changes and deletions are the kind's generic
//! operations ([`Tokens`]); a creation is the area's own, as its answer shows the secret once.

use serde_json::{Value, json};

use super::model::{NewToken, new_api_token, present_token};
use crate::areas::Call;
use crate::areas::resource::{Change, Done, Resource};
use crate::areas::rules::text;
use crate::protocol::ApiResult;
use crate::store::Db;
use crate::store::kinds::{API_TOKEN, Kind};

/// The rules of API tokens: nobody gives a token a role above their own, a deleted token
/// can no longer sign in, and no answer shows a secret but the creation's.
pub(crate) struct Tokens;

impl Resource for Tokens {
    const KIND: &'static Kind = API_TOKEN;

    fn present(_call: &Call<'_>, _db: &Db<'_>, records: &mut [Value]) -> ApiResult<()> {
        records.iter_mut().for_each(present_token);
        Ok(())
    }

    fn update(change: &mut Change<'_>) -> ApiResult<()> {
        if let Some(role) = change.body.get("Role").and_then(Value::as_str) {
            change.call.may_grant(role)?;
        }
        change.take(&["Description", "Role", "Tags"]);
        Ok(())
    }

    fn delete(change: &mut Change<'_>) -> ApiResult<()> {
        change.db.remove_pool_user(&change.id)?;
        Ok(())
    }

    fn answer(done: &Done<'_>) -> ApiResult<Value> {
        let mut token = done.record.clone();
        present_token(&mut token);
        Ok(json!({"ApiTokens": [token]}))
    }
}

/// `POST /20190206/api-tokens`: the answer carries the secret, once; the keys sign in at once.
/// Nobody makes a token with a role above their own.
pub(super) fn create_api_token(call: &Call<'_>) -> ApiResult<Value> {
    let body = call.json_body()?;
    let field = |k: &str| text(&body, k);
    call.may_grant(field("Role"))?;
    let created_by = call.caller_key();
    let (_, secret, mut token) = call.write(|db| {
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
    present_token(&mut token);
    token["SecretKey"] = json!(secret);
    Ok(json!({"ApiTokens": [token]}))
}
