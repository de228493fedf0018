//! DNS resolvers (one per hub, its interfaces inside the hub's transit VPC) and the rules
//! that forward a domain to other servers through it.
//!
//! See `handlers.rs` for the rules.

use serde_json::{Map, Value, json};

use super::doc as d;
use super::hubs::HUB;
use super::table::{change_op, read_op};
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
    vec![
        read_op(
            "networking.ReadDnsResolvers",
            "/20190206/networking/dnsresolvers",
            wire::read::<Resolvers>,
            RESOLVERS,
            "List DNS resolvers",
        ),
        read_op(
            "networking.ReadDnsResolvers",
            "/20190206/networking/dnsresolvers/{dns_resolver_id}",
            wire::read::<Resolvers>,
            RESOLVERS,
            "One DNS resolver, as a list of one",
        ),
        read_op(
            "networking.ReadDnsResolvers",
            "/20190206/networking/hubs/{hub_id}/dnsresolvers",
            wire::read::<Resolvers>,
            RESOLVERS,
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
        change_op(
            "networking.UpdateDnsResolver",
            ("put", "/20190206/networking/dnsresolvers/{dns_resolver_id}"),
            wire::update::<Resolvers>,
            (
                Some("networking.UpdateDnsResolver"),
                "networking.UpdateDnsResolverEvent",
            ),
            "Rename a DNS resolver, retag it or change how many interfaces it has",
        ),
        change_op(
            "networking.DeleteDnsResolver",
            (
                "delete",
                "/20190206/networking/dnsresolvers/{dns_resolver_id}",
            ),
            wire::delete::<Resolvers>,
            (None, "networking.DeleteDnsResolverEvent"),
            "Delete a DNS resolver that has no rules left",
        ),
        read_op(
            "networking.ReadDnsRules",
            "/20190206/networking/dnsresolvers/{dns_resolver_id}/dnsrules",
            wire::read::<Rules>,
            RULES,
            "The rules of a DNS resolver",
        ),
        read_op(
            "networking.ReadDnsRules",
            "/20190206/networking/dnsrules",
            wire::read::<Rules>,
            RULES,
            "List DNS rules",
        ),
        read_op(
            "networking.ReadDnsRules",
            "/20190206/networking/dnsrules/{dns_rule_id}",
            wire::read::<Rules>,
            RULES,
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
        change_op(
            "networking.UpdateDnsRule",
            ("put", "/20190206/networking/dnsrules/{dns_rule_id}"),
            wire::update::<Rules>,
            (
                Some("networking.UpdateDnsRule"),
                "networking.UpdateDnsRuleEvent",
            ),
            "Rename a DNS rule, retag it or change where it forwards",
        ),
        change_op(
            "networking.DeleteDnsRule",
            ("delete", "/20190206/networking/dnsrules/{dns_rule_id}"),
            wire::delete::<Rules>,
            (None, "networking.DeleteDnsRuleEvent"),
            "Stop forwarding a domain",
        ),
    ]
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
    s.insert(
        "networking.ReadDnsResolvers".into(),
        d::read("DnsResolvers", "DNSResolver"),
    );
    s.insert(
        "networking.ReadDnsRules".into(),
        d::read("DnsRules", "DNSRule"),
    );
    for (name, created) in [
        ("networking.CreateDnsResolverEvent", Some("DnsResolver")),
        ("networking.UpdateDnsResolverEvent", None),
        ("networking.DeleteDnsResolverEvent", None),
        ("networking.CreateDnsRuleEvent", Some("DnsRule")),
        ("networking.UpdateDnsRuleEvent", None),
        ("networking.DeleteDnsRuleEvent", None),
    ] {
        s.insert(name.into(), d::event(created));
    }
}
