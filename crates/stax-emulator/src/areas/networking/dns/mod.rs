//! DNS resolvers (one per hub, its interfaces inside the hub's transit VPC) and the rules
//! that forward a domain to other servers through it.
//!
//! See `handlers.rs` for the rules.

use serde_json::{Map, Value, json};

use super::common::{
    self, change_op, event_schema, list_schema, made_id, name_schema, read_op, status_schema,
};
use super::standin::HUB;
use crate::areas::doc::r;
use crate::areas::resource;
use crate::areas::{Area, Operation};
use crate::store::kinds::{Kind, OnDelete, Ref};

mod handlers;

pub(crate) use handlers::{INTERFACES, interface_plan, resolver_fields, rule_fields};
use handlers::{Resolvers, Rules};

/// DNS resolvers of a hub.
pub(crate) const RESOLVER: &Kind = &Kind {
    name: "dns_resolver",
    what: "DNS resolver",
    plural: "DnsResolvers",
    param: "dns_resolver_id",
    parent: Some(Ref {
        field: "NetworkingHubId",
        kind: HUB,
        on_delete: OnDelete::Refuse,
    }),
    ..common::KIND
};

/// Forwarding rules of a resolver.
pub(crate) const RULE: &Kind = &Kind {
    name: "dns_rule",
    what: "DNS rule",
    plural: "DnsRules",
    param: "dns_rule_id",
    parent: Some(Ref {
        field: "DnsResolverId",
        kind: RESOLVER,
        on_delete: OnDelete::Refuse,
    }),
    ..common::KIND
};

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
            common::read::<Resolvers>,
            RESOLVERS,
            "List DNS resolvers",
        ),
        read_op(
            "networking.ReadDnsResolvers",
            "/20190206/networking/dnsresolvers/{dns_resolver_id}",
            common::read::<Resolvers>,
            RESOLVERS,
            "One DNS resolver, as a list of one",
        ),
        read_op(
            "networking.ReadDnsResolvers",
            "/20190206/networking/hubs/{hub_id}/dnsresolvers",
            common::read::<Resolvers>,
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
            common::update::<Resolvers>,
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
            common::delete::<Resolvers>,
            (None, "networking.DeleteDnsResolverEvent"),
            "Delete a DNS resolver that has no rules left",
        ),
        read_op(
            "networking.ReadDnsRules",
            "/20190206/networking/dnsresolvers/{dns_resolver_id}/dnsrules",
            common::read::<Rules>,
            RULES,
            "The rules of a DNS resolver",
        ),
        read_op(
            "networking.ReadDnsRules",
            "/20190206/networking/dnsrules",
            common::read::<Rules>,
            RULES,
            "List DNS rules",
        ),
        read_op(
            "networking.ReadDnsRules",
            "/20190206/networking/dnsrules/{dns_rule_id}",
            common::read::<Rules>,
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
            common::update::<Rules>,
            (
                Some("networking.UpdateDnsRule"),
                "networking.UpdateDnsRuleEvent",
            ),
            "Rename a DNS rule, retag it or change where it forwards",
        ),
        change_op(
            "networking.DeleteDnsRule",
            ("delete", "/20190206/networking/dnsrules/{dns_rule_id}"),
            common::delete::<Rules>,
            (None, "networking.DeleteDnsRuleEvent"),
            "Stop forwarding a domain",
        ),
    ]
}

/// The group's components of the served document.
fn schemas(s: &mut Map<String, Value>) {
    let tags = r("NetworkingTags");
    let addresses = json!({"type": "array", "items": {"type": "string"}});
    let domain = json!({"type": "string", "minLength": 2, "maxLength": 256,
        "pattern": "^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z0-9][a-z0-9-]{0,61}[a-z0-9]$",
        "description": "A domain name in lower case, such as corp.example.com."});
    let interfaces = json!({"type": "integer",
        "description": format!("How many interfaces (each an inbound and an outbound address): {} to {}.",
            INTERFACES.start(), INTERFACES.end())});
    s.insert(
        "networking.CreateDnsResolver".into(),
        json!({"type": "object", "additionalProperties": false,
               "required": ["Name", "NumberOfInterfaces"],
               "properties": {"Name": name_schema(50, true), "NumberOfInterfaces": interfaces, "Tags": tags}}),
    );
    s.insert(
        "networking.UpdateDnsResolver".into(),
        json!({"type": "object", "additionalProperties": false,
               "properties": {"Name": name_schema(50, false), "NumberOfInterfaces": interfaces, "Tags": tags}}),
    );
    s.insert(
        "networking.CreateDnsRule".into(),
        json!({"type": "object", "additionalProperties": false,
               "required": ["Name", "DomainName", "ForwarderIpAddresses"],
               "properties": {"Name": name_schema(64, true), "DomainName": domain,
                              "ForwarderIpAddresses": addresses, "Tags": tags}}),
    );
    s.insert(
        "networking.UpdateDnsRule".into(),
        json!({"type": "object", "additionalProperties": false,
               "properties": {"Name": name_schema(64, false), "ForwarderIpAddresses": addresses, "Tags": tags}}),
    );
    let nullable_addresses =
        json!({"type": "array", "nullable": true, "items": {"type": "string"}});
    s.insert(
        "DNSResolver".into(),
        json!({
            "type": "object", "additionalProperties": false,
            "description": "A hub's DNS resolver: its interfaces' addresses inside the hub's transit VPC.",
            "required": ["Id", "Name", "NetworkingHubId", "Interfaces"],
            "properties": {
                "Id": r("ro-uuidv4"), "Name": name_schema(50, false),
                "NetworkingHubId": r("uuidv4"), "Interfaces": {"type": "integer"},
                "InboundIpAddresses": nullable_addresses, "OutboundIpAddresses": nullable_addresses,
                "Status": status_schema(), "Tags": tags, "UserTaskId": r("nullable-uuidv4"),
                "CreatedBy": r("nullable-uuidv4"),
                "CreatedTS": common::timestamp(), "ModifiedTS": common::timestamp()
            }
        }),
    );
    s.insert(
        "DNSRule".into(),
        json!({
            "type": "object", "additionalProperties": false,
            "description": "A domain a resolver forwards to other DNS servers.",
            "required": ["Id", "Name", "DomainName", "DnsResolverId", "ForwarderIpAddresses"],
            "properties": {
                "Id": r("ro-uuidv4"), "Name": name_schema(64, false),
                "DnsResolverId": r("ro-uuidv4"), "DomainName": domain,
                "ForwarderIpAddresses": addresses,
                "AwsRuleId": {"type": "string", "nullable": true, "readOnly": true},
                "Status": status_schema(), "Tags": tags, "UserTaskId": r("nullable-uuidv4"),
                "CreatedBy": r("nullable-uuidv4"),
                "CreatedTS": common::timestamp(), "ModifiedTS": common::timestamp()
            }
        }),
    );
    s.insert(
        "networking.ReadDnsResolvers".into(),
        list_schema("DnsResolvers", "DNSResolver"),
    );
    s.insert(
        "networking.ReadDnsRules".into(),
        list_schema("DnsRules", "DNSRule"),
    );
    for (name, created) in [
        ("networking.CreateDnsResolverEvent", Some("DnsResolver")),
        ("networking.UpdateDnsResolverEvent", None),
        ("networking.DeleteDnsResolverEvent", None),
        ("networking.CreateDnsRuleEvent", Some("DnsRule")),
        ("networking.UpdateDnsRuleEvent", None),
        ("networking.DeleteDnsRuleEvent", None),
    ] {
        s.insert(
            name.into(),
            event_schema(created.map(|key| (key, made_id()))),
        );
    }
}
