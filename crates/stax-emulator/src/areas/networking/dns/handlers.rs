//! The rules of DNS resolvers and DNS rules, as hooks of the kinds' generic operations.
//!
//! - A hub has at most one live resolver; it is made in an `ACTIVE` hub with 2 to 6
//!   interfaces, each with an inbound and an outbound address inside the hub's transit VPC
//!   (the lowest free host addresses past the ones AWS keeps). Changing the number of
//!   interfaces keeps the addresses in use and adds or drops from the end.
//! - A rule is made under an `ACTIVE` resolver; it forwards one domain (once per resolver) to
//!   one or more distinct IPv4 addresses. A resolver with live rules cannot be deleted (its
//!   kind's parent reference).

use std::net::Ipv4Addr;

use ipnet::Ipv4Net;
use serde_json::{Map, Value, json};

use super::{RESOLVER, RULE};
use crate::areas::networking::addresses::{interface_addresses, parse_addresses};
use crate::areas::networking::blueprint::Blueprint;
use crate::areas::networking::hubs::{HUB, transit_vpc};
use crate::areas::networking::wire::{self, aws_id, bad, ensure_active, live_with};
use crate::areas::resource::{Change, Done, Resource};
use crate::areas::rules::text;
use crate::protocol::{ApiError, ApiResult};
use crate::store::Db;
use crate::store::kinds::Kind;

/// The fewest and most interfaces a resolver has (Route 53 Resolver endpoints need two
/// addresses; six is AWS's limit per endpoint).
pub(crate) const INTERFACES: std::ops::RangeInclusive<i64> = 2..=6;

/// DNS resolvers.
pub(crate) struct Resolvers;

impl Resource for Resolvers {
    const KIND: &'static Kind = RESOLVER;

    fn create(change: &mut Change<'_>) -> ApiResult<()> {
        let hub = change.parent.clone().unwrap_or_default();
        ensure_active(HUB, &hub)?;
        let hub_id = text(&hub, "Id");
        if let Some(other) = live_with(change.db, RESOLVER, ("NetworkingHubId", hub_id))?.first() {
            return Err(ApiError::bad_request(format!(
                "Hub {hub_id} already has DNS resolver {}: a hub has one resolver; change it \
                 (UpdateDnsResolver) or delete it first",
                text(other, "Id")
            )));
        }
        let count = interfaces(change.body)?.unwrap_or(0);
        let block = transit_block(change.db, hub_id)?;
        let (inbound, outbound) = interface_plan(&block, count, (&[], &[]))?;
        change.fields = resolver_fields(text(change.body, "Name"), count, (&inbound, &outbound));
        change.take(&["Tags"]);
        Ok(())
    }

    fn update(change: &mut Change<'_>) -> ApiResult<()> {
        ensure_active(RESOLVER, &change.record)?;
        change.take(&["Name", "Tags"]);
        let Some(count) = interfaces(change.body)? else {
            return Ok(());
        };
        let held = |field: &str| -> Vec<Ipv4Addr> {
            change.record[field]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|a| a.as_str()?.parse().ok())
                .collect()
        };
        let (inbound, outbound) = (held("InboundIpAddresses"), held("OutboundIpAddresses"));
        let block = transit_block(change.db, text(&change.record, "NetworkingHubId"))?;
        let (inbound, outbound) = interface_plan(&block, count, (&inbound, &outbound))?;
        change.fields.insert("Interfaces".into(), json!(count));
        change
            .fields
            .insert("InboundIpAddresses".into(), json!(inbound));
        change
            .fields
            .insert("OutboundIpAddresses".into(), json!(outbound));
        Ok(())
    }

    fn answer(done: &Done<'_>) -> ApiResult<Value> {
        Ok(wire::event(done, "DnsResolver"))
    }
}

/// DNS rules.
pub(crate) struct Rules;

impl Resource for Rules {
    const KIND: &'static Kind = RULE;

    fn create(change: &mut Change<'_>) -> ApiResult<()> {
        let resolver = change.parent.clone().unwrap_or_default();
        ensure_active(RESOLVER, &resolver)?;
        let domain = text(change.body, "DomainName");
        unique_domain(change.db, text(&resolver, "Id"), domain)?;
        let forwarders = forwarders(change.body)?.unwrap_or_default();
        rule_blueprint(&change.id, text(change.body, "Name"), domain, &forwarders)
            .build(RULE, change)?;
        change.take(&["Tags"]);
        Ok(())
    }

    fn update(change: &mut Change<'_>) -> ApiResult<()> {
        ensure_active(RULE, &change.record)?;
        change.take(&["Name", "Tags"]);
        if let Some(forwarders) = forwarders(change.body)? {
            change
                .fields
                .insert("ForwarderIpAddresses".into(), json!(forwarders));
        }
        Ok(())
    }

    fn answer(done: &Done<'_>) -> ApiResult<Value> {
        Ok(wire::event(done, "DnsRule"))
    }
}

/// The fields of a new resolver.
pub(crate) fn resolver_fields(
    name: &str,
    interfaces: i64,
    (inbound, outbound): (&[String], &[String]),
) -> Map<String, Value> {
    let mut fields = Map::new();
    fields.insert("Name".into(), json!(name));
    fields.insert("Interfaces".into(), json!(interfaces));
    fields.insert("InboundIpAddresses".into(), json!(inbound));
    fields.insert("OutboundIpAddresses".into(), json!(outbound));
    fields
}

/// A new rule `id`: its fields, and its AWS id once its task succeeds.
pub(crate) fn rule_blueprint(
    id: &str,
    name: &str,
    domain: &str,
    forwarders: &[String],
) -> Blueprint {
    let mut blueprint = Blueprint::default();
    let fields = &mut blueprint.fields;
    fields.insert("Name".into(), json!(name));
    fields.insert("DomainName".into(), json!(domain));
    fields.insert("ForwarderIpAddresses".into(), json!(forwarders));
    fields.insert("AwsRuleId".into(), Value::Null);
    blueprint
        .done
        .insert("AwsRuleId".into(), json!(aws_id("rslvr-rr-", id)));
    blueprint
}

/// `NumberOfInterfaces` of the body, when given: 2 to 6.
fn interfaces(body: &Value) -> ApiResult<Option<i64>> {
    let Some(value) = body.get("NumberOfInterfaces") else {
        return Ok(None);
    };
    match value.as_i64() {
        Some(n) if INTERFACES.contains(&n) => Ok(Some(n)),
        _ => Err(ApiError::bad_request(format!(
            "NumberOfInterfaces is {value}: a resolver has from {} to {} interfaces",
            INTERFACES.start(),
            INTERFACES.end()
        ))),
    }
}

/// The block of the hub's transit VPC, where a resolver's interfaces take their addresses.
pub(crate) fn transit_block(db: &Db<'_>, hub_id: &str) -> ApiResult<Ipv4Net> {
    transit_vpc(db, hub_id)?
        .and_then(|vpc| text(&vpc, "Cidr").parse().ok())
        .ok_or_else(|| {
            ApiError::bad_request(format!(
                "Hub {hub_id} has no transit VPC to place the resolver's interfaces in"
            ))
        })
}

/// The inbound and outbound addresses of `count` interfaces in `block`: those held (in
/// order) as far as they go, then the lowest free ones.
pub(crate) fn interface_plan(
    block: &Ipv4Net,
    count: i64,
    (inbound, outbound): (&[Ipv4Addr], &[Ipv4Addr]),
) -> ApiResult<(Vec<String>, Vec<String>)> {
    let count = usize::try_from(count).unwrap_or(0);
    let mut taken: Vec<Ipv4Addr> = inbound.iter().chain(outbound).copied().collect();
    let mut side = |held: &[Ipv4Addr]| -> ApiResult<Vec<String>> {
        let mut kept: Vec<Ipv4Addr> = held.iter().take(count).copied().collect();
        let more = interface_addresses(block, &taken, count - kept.len()).map_err(bad)?;
        taken.extend(&more);
        kept.extend(more);
        Ok(kept.iter().map(Ipv4Addr::to_string).collect())
    };
    let inbound = side(inbound)?;
    let outbound = side(outbound)?;
    Ok((inbound, outbound))
}

/// `ForwarderIpAddresses` of the body, when given: one or more distinct IPv4 addresses.
fn forwarders(body: &Value) -> ApiResult<Option<Vec<String>>> {
    let Some(list) = body.get("ForwarderIpAddresses").and_then(Value::as_array) else {
        return Ok(None);
    };
    let texts: Vec<&str> = list.iter().filter_map(Value::as_str).collect();
    let parsed = parse_addresses("ForwarderIpAddresses", &texts).map_err(bad)?;
    Ok(Some(parsed.iter().map(Ipv4Addr::to_string).collect()))
}

/// Refuses (400) a domain another live rule of the resolver already forwards.
fn unique_domain(db: &Db<'_>, resolver: &str, domain: &str) -> ApiResult<()> {
    let rules = live_with(db, RULE, ("DnsResolverId", resolver))?;
    if let Some(other) = rules
        .iter()
        .find(|rule| text(rule, "DomainName").eq_ignore_ascii_case(domain))
    {
        return Err(ApiError::bad_request(format!(
            "DomainName {domain} is already forwarded by DNS rule {} of this resolver: change \
             that rule (UpdateDnsRule) or delete it first",
            text(other, "Id")
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addrs(texts: &[String]) -> Vec<Ipv4Addr> {
        texts.iter().map(|t| t.parse().unwrap()).collect()
    }

    #[test]
    fn interfaces_take_the_lowest_free_addresses_and_keep_theirs() {
        let block: Ipv4Net = "10.0.0.0/22".parse().unwrap();
        let (inbound, outbound) = interface_plan(&block, 2, (&[], &[])).unwrap();
        assert_eq!(inbound, ["10.0.0.4", "10.0.0.5"]);
        assert_eq!(outbound, ["10.0.0.6", "10.0.0.7"]);
        // More interfaces: the addresses in use stay, new ones are free ones.
        let (more_in, more_out) =
            interface_plan(&block, 3, (&addrs(&inbound), &addrs(&outbound))).unwrap();
        assert_eq!(more_in, ["10.0.0.4", "10.0.0.5", "10.0.0.8"]);
        assert_eq!(more_out, ["10.0.0.6", "10.0.0.7", "10.0.0.9"]);
        // Fewer: the first ones stay.
        let (less_in, less_out) =
            interface_plan(&block, 1, (&addrs(&more_in), &addrs(&more_out))).unwrap();
        assert_eq!(
            (less_in, less_out),
            (vec!["10.0.0.4".to_owned()], vec!["10.0.0.6".to_owned()])
        );
        // A block without room is refused with a sentence.
        let tiny: Ipv4Net = "10.0.0.0/29".parse().unwrap();
        let err = interface_plan(&tiny, 2, (&[], &[])).unwrap_err();
        assert_eq!(err.status.as_u16(), 400);
        assert!(err.error.contains("no room"), "{}", err.error);
    }
}
