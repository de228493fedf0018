//! DNS resolvers (one per hub, its interfaces inside the hub's transit VPC) and the rules
//! that forward a domain to other servers through it.
//!
//! See `handlers.rs` for the rules.

use serde_json::{Map, Value, json};

use super::doc as d;
use super::hubs::HUB;
use super::table::{change_op, read_op, update_and_delete};
use super::wire::{self, held, task_kind};
use crate::areas::doc::r;
use crate::areas::resource;
use crate::areas::{Area, Operation};
use crate::store::kinds::Kind;

mod handlers;

use handlers::{INTERFACES, Resolvers, Rules};
pub(super) use handlers::{interface_plan, resolver_fields, rule_blueprint};

/// DNS resolvers of a hub.
pub(crate) const RESOLVER: &Kind = &task_kind(
    [
        "dns_resolver",
        "DNS resolver",
        "DnsResolvers",
        "dns_resolver_id",
    ],
    Some(held("NetworkingHubId", HUB)),
);

/// Forwarding rules of a resolver.
pub(crate) const RULE: &Kind = &task_kind(
    ["dns_rule", "DNS rule", "DnsRules", "dns_rule_id"],
    Some(held("DnsResolverId", RESOLVER)),
);

/// The group: its operations, components and kinds.
pub(crate) const GROUP: Area = Area {
    operations,
    schemas,
    kinds: &[RESOLVER, RULE],
};

/// The group's operations.
fn operations() -> Vec<Operation> {
    const RESOLVERS: &str = "networking.ReadDnsResolvers";
    const RULES: &str = "networking.ReadDnsRules";
    let resolvers =
        |path, summary| read_op(RESOLVERS, path, wire::read::<Resolvers>, RESOLVERS, summary);
    let rules = |path, summary| read_op(RULES, path, wire::read::<Rules>, RULES, summary);
    let mut operations = vec![
        resolvers("/20190206/networking/dnsresolvers", "List DNS resolvers"),
        resolvers(
            "/20190206/networking/dnsresolvers/{dns_resolver_id}",
            "One DNS resolver, as a list of one",
        ),
        resolvers(
            "/20190206/networking/hubs/{hub_id}/dnsresolvers",
            "The DNS resolver of a hub",
        ),
        change_op(
            "networking.CreateDnsResolver",
            ("post", "/20190206/networking/hubs/{hub_id}/dnsresolvers"),
            resource::create::<Resolvers>,
            (
                Some("networking.CreateDnsResolver"),
                "networking.CreateDnsResolverEvent",
            ),
            "Give a hub its DNS resolver: interfaces with addresses in its transit VPC",
        ),
    ];
    operations.extend(update_and_delete!(
        "DnsResolver",
        "/20190206/networking/dnsresolvers/{dns_resolver_id}",
        Resolvers,
        [
            "Rename a DNS resolver, retag it or change how many interfaces it has",
            "Delete a DNS resolver that has no rules left"
        ],
    ));
    operations.extend([
        rules(
            "/20190206/networking/dnsresolvers/{dns_resolver_id}/dnsrules",
            "The rules of a DNS resolver",
        ),
        rules("/20190206/networking/dnsrules", "List DNS rules"),
        rules(
            "/20190206/networking/dnsrules/{dns_rule_id}",
            "One DNS rule, as a list of one",
        ),
        change_op(
            "networking.CreateDnsRule",
            (
                "post",
                "/20190206/networking/dnsresolvers/{dns_resolver_id}/dnsrules",
            ),
            resource::create::<Rules>,
            (
                Some("networking.CreateDnsRule"),
                "networking.CreateDnsRuleEvent",
            ),
            "Forward a domain to other DNS servers through a resolver",
        ),
    ]);
    operations.extend(update_and_delete!(
        "DnsRule",
        "/20190206/networking/dnsrules/{dns_rule_id}",
        Rules,
        [
            "Rename a DNS rule, retag it or change where it forwards",
            "Stop forwarding a domain"
        ],
    ));
    operations
}

/// The group's components of the served document.
fn schemas(s: &mut Map<String, Value>) {
    let tags = r("NetworkingTags");
    let domain = json!({"type": "string", "minLength": 2, "maxLength": 256,
        "pattern": "^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z0-9][a-z0-9-]{0,61}[a-z0-9]$",
        "description": "A domain name in lower case, such as corp.example.com."});
    let interfaces = json!({"type": "integer",
        "description": format!("How many interfaces (each an inbound and an outbound address): {} to {}.",
            INTERFACES.start(), INTERFACES.end())});
    let unchecked_name = |max: u32| json!({"type": "string", "minLength": 2, "maxLength": max});
    s.insert(
        "networking.CreateDnsResolver".into(),
        d::object(
            "A hub's DNS resolver to make.",
            &["Name", "NumberOfInterfaces"],
            json!({"Name": d::name(2, 50), "NumberOfInterfaces": interfaces, "Tags": tags}),
        ),
    );
    s.insert(
        "networking.UpdateDnsResolver".into(),
        d::object(
            "What changes of a DNS resolver.",
            &[],
            json!({"Name": unchecked_name(50), "NumberOfInterfaces": interfaces, "Tags": tags}),
        ),
    );
    s.insert(
        "networking.CreateDnsRule".into(),
        d::object(
            "A domain to forward, and where to.",
            &["Name", "DomainName", "ForwarderIpAddresses"],
            json!({"Name": d::name(2, 64), "DomainName": domain,
                   "ForwarderIpAddresses": d::strings(), "Tags": tags}),
        ),
    );
    s.insert(
        "networking.UpdateDnsRule".into(),
        d::object(
            "What changes of a DNS rule (its domain stays).",
            &[],
            json!({"Name": unchecked_name(64), "ForwarderIpAddresses": d::strings(), "Tags": tags}),
        ),
    );
    let addresses = json!({"type": "array", "nullable": true, "items": {"type": "string"}});
    s.insert(
        "DNSResolver".into(),
        d::record(
            "A hub's DNS resolver: its interfaces' addresses inside the hub's transit VPC.",
            &["Id", "Name", "NetworkingHubId", "Interfaces"],
            json!({"Name": unchecked_name(50), "NetworkingHubId": r("uuidv4"),
                   "Interfaces": {"type": "integer"},
                   "InboundIpAddresses": addresses, "OutboundIpAddresses": addresses}),
            (true, false),
        ),
    );
    s.insert(
        "DNSRule".into(),
        d::record(
            "A domain a resolver forwards to other DNS servers.",
            &[
                "Id",
                "Name",
                "DomainName",
                "DnsResolverId",
                "ForwarderIpAddresses",
            ],
            json!({"Name": unchecked_name(64), "DnsResolverId": r("ro-uuidv4"),
                   "DomainName": domain, "ForwarderIpAddresses": d::strings(),
                   "AwsRuleId": {"type": "string", "nullable": true, "readOnly": true}}),
            (true, false),
        ),
    );
    d::reads(
        s,
        &[
            ("networking.ReadDnsResolvers", "DnsResolvers", "DNSResolver"),
            ("networking.ReadDnsRules", "DnsRules", "DNSRule"),
        ],
    );
    d::events(
        s,
        &[
            ("networking.CreateDnsResolverEvent", Some("DnsResolver")),
            ("networking.UpdateDnsResolverEvent", None),
            ("networking.DeleteDnsResolverEvent", None),
            ("networking.CreateDnsRuleEvent", Some("DnsRule")),
            ("networking.UpdateDnsRuleEvent", None),
            ("networking.DeleteDnsRuleEvent", None),
        ],
    );
}
