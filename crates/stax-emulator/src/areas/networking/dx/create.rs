//! `CreateDxResource`: a gateway, a VIF, or a gateway and a VIF on it, made by one task.

use serde_json::{Map, Value, json};

use super::handlers::{Gateways, Vifs};
use super::{GATEWAY, VIF};
use crate::areas::api::{Call, Plan};
use crate::areas::networking::lookups::named_active;
use crate::areas::resource::{Change, Resource};
use crate::areas::rules;
use crate::protocol::{ApiError, ApiResult};
use crate::store::kinds::{Failed, Kind, Stamp};
use crate::store::tasks::{Effect, Outcome};
use crate::util::now_iso;

/// `POST /networking/dxresources`: `Gateway`, `Vif`, or both (the VIF then goes on the new
/// gateway and names none). A VIF alone names an `ACTIVE` gateway in `Vif.DxGatewayId` (404
/// when there is none). The answer names what is made under `Detail.DxResource`.
pub(super) fn create_dx_resource(call: &Call<'_>) -> ApiResult<Value> {
    let body = call.json_body()?;
    let (gateway, vif) = (body.get("Gateway"), body.get("Vif"));
    if gateway.is_none() && vif.is_none() {
        return Err(ApiError::bad_request(
            "Give a Gateway to make, a Vif to make on an existing gateway, or both",
        ));
    }
    call.write(|db| {
        let mut made: Vec<(&'static Kind, &'static str, Change<'_>)> = Vec::new();
        let mut new_gateway = None;
        if let Some(body) = gateway {
            let mut change = Change::creation(call, db, body, None);
            Gateways::create(&mut change).map_err(|err| within("Gateway", err))?;
            let mut record = Value::Object(change.fields.clone());
            record["Id"] = json!(change.id);
            new_gateway = Some(record);
            made.push((GATEWAY, "Gateway", change));
        }
        if let Some(body) = vif {
            let named = body.get("DxGatewayId").and_then(Value::as_str);
            let on = match (new_gateway, named) {
                (Some(_), Some(_)) => {
                    return Err(ApiError::bad_request(
                        "Vif.DxGatewayId: leave it out when a Gateway is given: the VIF goes on \
                         the new gateway",
                    ));
                }
                (Some(new), None) => new,
                (None, Some(id)) => named_active(db, GATEWAY, ("Vif.DxGatewayId", id))?,
                (None, None) => {
                    return Err(ApiError::bad_request(
                        "Vif.DxGatewayId: name the gateway the VIF goes on, or give a Gateway \
                         to make with it",
                    ));
                }
            };
            let mut change = Change::creation(call, db, body, Some(on));
            Vifs::create(&mut change).map_err(|err| within("Vif", err))?;
            made.push((VIF, "Vif", change));
        }
        let mut effect = Effect::default();
        let mut outcome = Outcome::Succeed;
        for (kind, _, change) in made.iter_mut() {
            let kind: &Kind = kind;
            let step = kind.walk.create;
            effect = effect.then(std::mem::take(&mut change.effect));
            if let Some(done) = step.done {
                effect = effect.merge(kind, &change.id, json!({ "Status": done }));
            }
            if let Failed::To(failed) = step.failed {
                effect = effect.merge_on_fail(kind, &change.id, json!({ "Status": failed }));
            }
            if let Outcome::Fail(reason) = std::mem::replace(&mut change.outcome, Outcome::Succeed)
            {
                outcome = Outcome::Fail(reason);
            }
        }
        let at = now_iso();
        let by = call.caller_key();
        let (task, named) = rules::create(call, db, Plan::new(effect).outcome(outcome), |task| {
            let mut named = Map::new();
            for (kind, key, change) in made {
                let parent = change
                    .parent
                    .as_ref()
                    .and_then(|p| p.get("Id"))
                    .and_then(Value::as_str);
                let stamp = Stamp {
                    at: &at,
                    by: by.as_deref(),
                    status: kind.walk.create.during,
                    task: Some(task),
                    parent,
                };
                kind.insert(db, &change.id, change.fields, &stamp)?;
                named.insert(key.into(), json!({ "Id": change.id }));
            }
            Ok(named)
        })?;
        Ok(event(call, &task, named))
    })
}

/// The answer: the task's event naming what it makes under `Detail.DxResource` (as
/// `wire::event` answers a creation of one record).
fn event(call: &Call<'_>, task: &str, made: Map<String, Value>) -> Value {
    let operation = call.op.id.replacen('.', ":", 1);
    json!({
        "DetailType": operation,
        "Detail": {
            "Operation": operation,
            "OperationStatus": "STARTED",
            "Severity": "INFO",
            "Message": {"TaskId": task},
            "DxResource": made,
        }
    })
}

/// An error about a field of the request's `part` (`Gateway`, `Vif`), named as `Vif.Vlan`.
fn within(part: &str, err: ApiError) -> ApiError {
    ApiError::new(err.status, format!("{part}.{}", err.error))
}
