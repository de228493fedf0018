//! `services.*` on the wire: each service's configuration, read at once and changed by a
//! task ([`Configurations`]: its kind's update, with the rules of the service).

use serde_json::{Value, json};

use super::model::{
    SERVICE_CONFIGURATION, Service, configured, enabled_regions, find, home_region, strings,
};
use super::rules::{self, RuleError};
use crate::areas::Call;
use crate::areas::resource::{Change, Done, Resource, Verb, change_record};
use crate::areas::rules::text;
use crate::areas::wire::trace_id;
use crate::protocol::{ApiError, ApiResult};
use crate::store::Db;
use crate::store::kinds::{Kind, ORGANISATION};
use crate::store::query::{Filter, Query};

/// The rules of a configuration change: the body's `Configuration` (and `Enabled`, for the
/// services that take it) replace the service's when the task succeeds, after the service's
/// own checks ([`rules`]).
pub(crate) struct Configurations;

impl Resource for Configurations {
    const KIND: &'static Kind = SERVICE_CONFIGURATION;

    fn update(change: &mut Change<'_>) -> ApiResult<()> {
        let service = Service::named(text(&change.record, "Service")).ok_or_else(|| {
            ApiError::bad_request(format!("{} is not a service", change.record["Service"]))
        })?;
        let was_enabled = change.record["Enabled"].as_bool().unwrap_or(false);
        let enabled = change
            .body
            .get("Enabled")
            .and_then(Value::as_bool)
            .unwrap_or(was_enabled);
        let configuration = change
            .body
            .get("Configuration")
            .cloned()
            .unwrap_or(Value::Null);
        let db = change.db;
        let refused = |err: RuleError| ApiError::bad_request(err.to_string());
        if service.stays_enabled() {
            rules::keep_enabled(service.what(), was_enabled, enabled).map_err(refused)?;
        }
        match service {
            Service::GuardDuty => rules::check_guardduty(&configuration).map_err(refused)?,
            Service::SecurityHub => {
                let allowed = enabled_regions(db)?;
                rules::check_security_hub(enabled, &configuration, &allowed).map_err(refused)?;
            }
            Service::Regions => {
                let home = home_region(db, &change.call.ctx.install.aws_region)?;
                rules::check_regions(&configuration, &home).map_err(refused)?;
                let before = &change.record["Configuration"];
                for region in rules::newly_disabled(before, &configuration) {
                    keep_region(db, &region)?;
                }
            }
            Service::Account => rules::check_account(&configuration).map_err(refused)?,
            Service::Guardrails | Service::Organization | Service::Sso => {}
        }
        change.fields = configured(enabled, configuration);
        Ok(())
    }

    fn answer(done: &Done<'_>) -> ApiResult<Value> {
        let operation = done.call.op.id.replacen('.', ":", 1);
        let service = Service::named(text(&done.record, "Service")).map_or("", Service::what);
        Ok(json!({
            "DetailType": operation,
            "Detail": {
                "Message": format!("Configuring {service}"),
                "Operation": operation,
                "OperationStatus": "STARTED",
                "Severity": "INFO"
            },
            "TaskId": done.task,
            "TraceId": trace_id()
        }))
    }
}

/// Refuses to disable `region` while something of the organisation runs there: Security Hub
/// (its `AWS_REGIONS`), or a live record of any kind placed in it (its `Region`: workloads,
/// networking hubs, ...).
fn keep_region(db: &Db<'_>, region: &str) -> ApiResult<()> {
    let refused = |err: RuleError| Err(ApiError::bad_request(err.to_string()));
    let hub = find(db, Service::SecurityHub)?;
    if strings(&hub["Configuration"]["Standards"]["AWS_REGIONS"])
        .iter()
        .any(|r| r == region)
    {
        return refused(RuleError::UsedBySecurityHub {
            region: region.to_owned(),
        });
    }
    let mut holders = Vec::new();
    for kind in crate::areas::kinds() {
        if kind.name == ORGANISATION.name || kind.name == SERVICE_CONFIGURATION.name {
            continue;
        }
        let mut query = Query::of(kind.name)
            .filter(Filter::eq("Region", region))
            .filter(Filter::not_in("Status", kind.ended));
        query.limit = Some(0);
        let count = db.select(&query)?.total;
        if count > 0 {
            holders.push(format!("{count} {}(s)", kind.what.to_lowercase()));
        }
    }
    if holders.is_empty() {
        return Ok(());
    }
    refused(RuleError::InUse {
        region: region.to_owned(),
        holders: holders.join(" and "),
    })
}

/// The service a call's path names.
fn service_of(call: &Call<'_>) -> ApiResult<Service> {
    Service::of_path(call.op.path)
        .ok_or_else(|| ApiError::not_found(format!("{} names no service", call.op.path)))
}

/// `GET /20190206/services/<service>/configuration`: the service's configuration.
pub(super) fn read_configuration(call: &Call<'_>) -> ApiResult<Value> {
    let service = service_of(call)?;
    call.read(|db| find(db, service))
}

/// `PUT /20190206/services/<service>/configuration`: a task that applies the body's
/// configuration (409 while another change of the same service runs).
pub(super) fn configure(call: &Call<'_>) -> ApiResult<Value> {
    let service = service_of(call)?;
    let body = call.json_body()?;
    call.write(|db| {
        let record = find(db, service)?;
        let done = change_record::<Configurations>(call, db, Verb::Update, record, &body)?;
        Configurations::answer(&done)
    })
}
