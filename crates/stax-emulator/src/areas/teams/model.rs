//! API tokens over the store: a token is a resource (what Stax shows) and a Cognito user
//! (what signs in, with the token's access key as user name and its secret as password).

use serde_json::{Map, Value, json};

use crate::cognito::make_pool_user;
use crate::install::Installation;
use crate::store::kinds::{API_TOKEN, Stamp};
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
/// verifier is big-number work). Returns `(access_key, secret_key, token)`; the secret is
/// not stored.
pub(crate) fn new_api_token(
    db: &Db<'_>,
    install: &Installation,
    t: &NewToken<'_>,
) -> StoreResult<(String, String, Value)> {
    let access_key = uuid();
    let secret_key = random_alnum(32);
    let mut fields = Map::new();
    fields.insert("Name".into(), json!(t.name));
    fields.insert("Description".into(), json!(t.description));
    fields.insert("Role".into(), json!(t.role));
    if let Some(tags) = &t.tags {
        fields.insert("Tags".into(), tags.clone());
    }
    let stamp = Stamp {
        at: &now_iso(),
        by: t.created_by,
        status: Some("ACTIVE"),
        ..Stamp::default()
    };
    let token = API_TOKEN.insert(db, &access_key, fields, &stamp)?;
    db.add_pool_user(&make_pool_user(
        &install.user_pool_id,
        &access_key,
        &secret_key,
    ))?;
    Ok((access_key, secret_key, token))
}

/// Fields a token shows when read (never its secret).
pub(super) fn present_token(token: &mut Value) {
    if let Some(map) = token.as_object_mut() {
        map.remove("SecretKey");
        if map.get("CreatedBy").is_some_and(Value::is_null) {
            map.remove("CreatedBy");
        }
        map.entry("Description").or_insert(json!(""));
    }
}
