//! Direct Connect connections: AWS-side objects (ordered from AWS or a partner, never made
//! through Stax) that VIFs ride on. The emulator gives every `ACTIVE` account one dedicated,
//! `available` 1 Gbps connection in the installation's region, its id derived from the
//! account's, so the same account always shows the same connection; other accounts have none.

use serde_json::{Value, json};

use super::short_aws_id;
use crate::areas::Call;
use crate::areas::networking::lookups::ids_or_404;
use crate::areas::rules::{find, text};
use crate::protocol::ApiResult;
use crate::store::kinds::{ACCOUNT, status};

/// The states a list shows without `state`.
const SHOWN: [&str; 2] = ["pending", "available"];

/// The connections of `account` (a stored account record), in `region`.
pub(crate) fn connections(region: &str, account: &Value) -> Vec<Value> {
    if status(account) != "ACTIVE" {
        return Vec::new();
    }
    let name = format!("{} dedicated", text(account, "Name"));
    vec![json!({
        "ConnectionId": short_aws_id("dxcon-", text(account, "Id")),
        "ConnectionName": name,
        "ConnectionState": "available",
        "Region": region,
        "Bandwidth": "1Gbps",
        "Vlan": null,
    })]
}

/// `GET /networking/{account_id}/dxconnections`: the account's connections in the states
/// asked for (`state`, comma-separated, any case; `pending,available` without it). 404 when
/// the organisation has no such account.
pub(super) fn read(call: &Call<'_>) -> ApiResult<Value> {
    ids_or_404(call)?;
    let asked: Vec<String> = call
        .query_values("state")
        .iter()
        .map(|s| s.to_ascii_lowercase())
        .collect();
    call.read(|db| {
        let account = find(db, ACCOUNT, ("account_id", call.param("account_id")))?;
        let shown: Vec<Value> = connections(&call.ctx.install.aws_region, &account)
            .into_iter()
            .filter(|c| {
                let state = text(c, "ConnectionState");
                if asked.is_empty() {
                    SHOWN.contains(&state)
                } else {
                    asked.iter().any(|a| a == state)
                }
            })
            .collect();
        Ok(json!({ "DxConnections": shown }))
    })
}
