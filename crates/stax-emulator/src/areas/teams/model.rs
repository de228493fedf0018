//! API tokens over the store: a token is a resource (what Stax shows) and a Cognito user
//! (what signs in, with the token's access key as user name and its secret as password).

use serde_json::{Value, json};

use crate::areas::rules::load_live;
use crate::cognito::make_pool_user;
use crate::install::Installation;
use crate::protocol::ApiResult;
use crate::store::kinds::API_TOKEN;
use crate::store::{Db, StoreResult};
use crate::util::{now_iso, random_alnum, uuid};

/// A new API token.
pub(crate) struct NewToken<'a> {
    pub name: &'a str,
    pub description: &'a str,
    pub role: &'a str,
    pub tags: Option<Value>,
    pub created_by: Option<&'a str>,
}

/// Stores a new API token and the Cognito user that signs in with it (making its SRP
/// verifier is big-number work). Returns `(access_key, secret_key, token)`.
pub(crate) fn new_api_token(
    db: &Db<'_>,
    install: &Installation,
    t: &NewToken<'_>,
) -> StoreResult<(String, String, Value)> {
    let access_key = uuid();
    let secret_key = random_alnum(32);
    let now = now_iso();
    let mut token = json!({
        "AccessKey": access_key,
        "Name": t.name,
        "Description": t.description,
        "Role": t.role,
        "Status": "ACTIVE",
        "CreatedTS": now,
        "ModifiedTS": now,
        "CreatedBy": t.created_by,
    });
    if let Some(tags) = &t.tags {
        token["Tags"] = tags.clone();
    }
    db.put(API_TOKEN, &access_key, &token)?;
    db.add_pool_user(&make_pool_user(
        &install.user_pool_id,
        &access_key,
        &secret_key,
    ))?;
    Ok((access_key, secret_key, token))
}

/// Fields a token shows when read (never its secret).
pub(super) fn present_token(mut token: Value) -> Value {
    if let Some(map) = token.as_object_mut() {
        map.remove("SecretKey");
        if map.get("CreatedBy").is_some_and(Value::is_null) {
            map.remove("CreatedBy");
        }
        map.entry("Description").or_insert(json!(""));
    }
    token
}

/// A token that is not deleted, by its access key.
pub(super) fn load_token(db: &Db<'_>, access_key: &str) -> ApiResult<Value> {
    load_live(db, API_TOKEN, ("access_key", access_key), "API token")
}
