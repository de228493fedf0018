//! What joins a hub to the world, through the SDK against the emulator (real sign-in, SRP,
//! SigV4): DNS resolvers and rules, Direct Connect gateways, VIFs, associations and
//! connections, VPN customer gateways and connections. Each kind is made, read back, listed,
//! changed and deleted, and each change is seen as its task walks the statuses; each
//! dependency and address rule has its refusal. Every answer and every refusal is checked
//! against Stax's reference document for its status (`$STAX_SHARED_DIR`).

mod common;
mod net;

use std::net::Ipv4Addr;

use ipnet::Ipv4Net;
use net::Net;
use serde_json::{Value, json};
use staxapp::{Error, StaxClient};

/// The one record a read by id finds, or `None` when the read answers 404.
async fn found(net: &Net, (operation, key): (&str, &str), args: Value) -> Option<Value> {
    let (status, body) = net.send(operation, args).await;
    match status {
        200 => {
            let records = body[key].as_array().expect("a list");
            assert_eq!(records.len(), 1, "{operation}: {body}");
            Some(records[0].clone())
        }
        404 => None,
        other => panic!("{operation} answered {other}: {body}"),
    }
}

/// The ids a read lists.
async fn listed(net: &Net, (operation, key): (&str, &str), args: Value) -> Vec<String> {
    net.list(operation, args, key)
        .await
        .iter()
        .map(|r| text(r, "Id"))
        .collect()
}

/// The demo seed's hub (its resolver, Direct Connect gateway and customer gateway hang off
/// it).
async fn demo_hub(net: &Net) -> Value {
    let hubs = net.list("ReadHubs", json!({}), "Hubs").await;
    hubs.into_iter()
        .find(|h| h["Name"] == "core")
        .expect("the demo seed has its hub")
}

/// The hub's transit VPC.
async fn transit_vpc(net: &Net, hub: &str) -> Value {
    net.one(
        "ReadVpcs",
        json!({"hub_id": hub, "type": "TRANSIT"}),
        "Vpcs",
    )
    .await
}

/// A VPC of the hub with a virtual private gateway, made and waited for.
async fn vgw_vpc(net: &Net, hub: &str) -> Value {
    let range = net.default_range(hub).await;
    let mut args = net.vpc_args(hub, &range, "with-vgw", "SMALL").await;
    args["CreateVirtualPrivateGateway"] = json!(true);
    let answer = net.change("CreateVpc", args).await;
    let id = text(&answer["Detail"]["VPC"], "Id");
    net.one("ReadVpcs", json!({"vpc_id": id}), "Vpcs").await
}

/// Checks that a change of a record whose task (`running`'s) has not ended is refused with
/// the 400 networking answers for it; when the task has ended by then (a slow machine), the
/// change is accepted and waited for instead.
async fn busy(net: &Net, (operation, args): (&str, Value), running: &Value) {
    let (status, body) = net.send(operation, args).await;
    if status == 200 {
        let task = net.finish(running).await;
        assert_eq!(task["Status"], "SUCCEEDED");
        net.finish(&body).await;
        return;
    }
    assert_eq!(status, 400, "networking answers no 409: {body}");
    let error = body["Error"].as_str().unwrap_or_default();
    assert!(error.contains("in progress"), "{error}");
}

/// The check every answer goes through is not vacuous: a status the document does not give
/// an operation, and a field its closed record does not name, each fail it.
#[test]
fn the_reference_check_refuses_what_the_document_does_not_allow() {
    let Some(reference) = net::core_reference::Reference::load(common::shared_file) else {
        return;
    };
    let rules = "/20190206/networking/dnsrules";
    reference.check("GET", rules, 404, &json!({"Error": "no such rule"}));
    let fails = |status: u16, body: Value| {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            reference.check("GET", rules, status, &body)
        }))
        .is_err()
    };
    assert!(
        fails(409, json!({"Error": "a conflict"})),
        "no 409 is documented"
    );
    // Networking records are closed: a field the document does not name breaks them.
    let rule = json!({"Id": "0b1d2c3e-0000-4000-8000-00000000000a", "Name": "r1",
        "DomainName": "a.example.com", "DnsResolverId": "0b1d2c3e-0000-4000-8000-00000000000b",
        "ForwarderIpAddresses": ["192.0.2.1"], "Status": "ACTIVE"});
    reference.check("GET", rules, 200, &json!({"DnsRules": [rule]}));
    let mut extra = rule.clone();
    extra["OrganisationId"] = json!("0b1d2c3e-0000-4000-8000-00000000000c");
    assert!(fails(200, json!({"DnsRules": [extra]})));
}

fn text(v: &Value, key: &str) -> String {
    v[key].as_str().unwrap_or_default().to_owned()
}

fn addresses(v: &Value) -> Vec<Ipv4Addr> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap().parse().unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dns_resolvers_and_rules_walk_their_statuses() {
    let net = Net::start("net-dns").await;
    let hub = demo_hub(&net).await;
    let hub_id = text(&hub, "Id");
    const RESOLVERS: (&str, &str) = ("ReadDnsResolvers", "DnsResolvers");
    const RULES: (&str, &str) = ("ReadDnsRules", "DnsRules");

    // The demo hub's resolver holds a rule: it does not go, and a hub has one resolver.
    let demo = listed(&net, RESOLVERS, json!({"hub_id": hub_id})).await;
    assert_eq!(demo.len(), 1);
    let error = net
        .refused(
            "DeleteDnsResolver",
            json!({"dns_resolver_id": demo[0]}),
            400,
        )
        .await;
    assert!(error.contains("still has 1 DNS rule(s)"), "{error}");
    let error = net
        .refused(
            "CreateDnsResolver",
            json!({"hub_id": hub_id, "Name": "second", "NumberOfInterfaces": 2}),
            400,
        )
        .await;
    assert!(error.contains("already has DNS resolver"), "{error}");
    let rules = listed(&net, RULES, json!({"dns_resolver_id": demo[0]})).await;
    net.change("DeleteDnsRule", json!({"dns_rule_id": rules[0]}))
        .await;
    net.change("DeleteDnsResolver", json!({"dns_resolver_id": demo[0]}))
        .await;
    // Gone from lists and reads by id, readable when DELETED is asked for.
    assert!(
        found(&net, RESOLVERS, json!({"dns_resolver_id": demo[0]}))
            .await
            .is_none()
    );
    let gone = found(
        &net,
        RESOLVERS,
        json!({"dns_resolver_id": demo[0], "status": "DELETED"}),
    )
    .await
    .unwrap();
    assert_eq!(gone["Status"], "DELETED");
    assert!(listed(&net, RESOLVERS, json!({})).await.is_empty());

    // Made: in progress at once, ACTIVE when its task ends, its interfaces in the transit VPC.
    let made = net
        .ok(
            "CreateDnsResolver",
            json!({"hub_id": hub_id, "Name": "edge-dns", "NumberOfInterfaces": 3,
            "Tags": {"Team": "net"}}),
        )
        .await;
    let id = text(&made["Detail"]["DnsResolver"], "Id");
    let now = net
        .while_running(
            &made,
            (RESOLVERS.0, json!({"dns_resolver_id": id}), RESOLVERS.1),
            "CREATE_IN_PROGRESS",
        )
        .await;
    assert_eq!(now["NetworkingHubId"], hub_id.as_str());
    net.finish(&made).await;
    let resolver = found(&net, RESOLVERS, json!({"dns_resolver_id": id}))
        .await
        .unwrap();
    assert_eq!(resolver["Status"], "ACTIVE");
    assert_eq!(resolver["Interfaces"], 3);
    assert_eq!(resolver["Tags"], json!({"Team": "net"}));
    let transit = transit_vpc(&net, &hub_id).await;
    let block: Ipv4Net = text(&transit, "Cidr").parse().unwrap();
    let inbound = addresses(&resolver["InboundIpAddresses"]);
    let outbound = addresses(&resolver["OutboundIpAddresses"]);
    let mut all: Vec<Ipv4Addr> = inbound.iter().chain(&outbound).copied().collect();
    assert_eq!(all.len(), 6);
    for addr in &all {
        assert!(block.contains(addr), "{addr} outside {block}");
        // Past the four addresses AWS keeps at the start of a subnet.
        assert!(u32::from(*addr) - u32::from(block.network()) >= 4, "{addr}");
    }
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 6, "every interface address differs");
    // Listed: everywhere, under its hub.
    assert_eq!(listed(&net, RESOLVERS, json!({})).await, [id.as_str()]);
    assert_eq!(
        listed(&net, RESOLVERS, json!({"hub_id": hub_id})).await,
        [id.as_str()]
    );

    // Changed: under way at once with the old values; a second change meanwhile is refused;
    // the new values when the task ends, the addresses in use kept.
    let update = net
        .ok(
            "UpdateDnsResolver",
            json!({"dns_resolver_id": id, "Name": "edge-dns-2", "NumberOfInterfaces": 2}),
        )
        .await;
    let now = net
        .while_running(
            &update,
            (RESOLVERS.0, json!({"dns_resolver_id": id}), RESOLVERS.1),
            "UPDATE_IN_PROGRESS",
        )
        .await;
    if now["Status"] == "UPDATE_IN_PROGRESS" {
        assert_eq!(
            now["Name"], "edge-dns",
            "the old values until the task ends"
        );
    }
    let meanwhile = json!({"dns_resolver_id": id, "Tags": {"Team": "meanwhile"}});
    busy(&net, ("UpdateDnsResolver", meanwhile), &update).await;
    net.finish(&update).await;
    let now = found(&net, RESOLVERS, json!({"dns_resolver_id": id}))
        .await
        .unwrap();
    assert_eq!(now["Status"], "ACTIVE");
    assert_eq!(now["Name"], "edge-dns-2");
    assert_eq!(now["Interfaces"], 2);
    assert_eq!(addresses(&now["InboundIpAddresses"]), inbound[..2]);
    assert_eq!(addresses(&now["OutboundIpAddresses"]), outbound[..2]);

    // A rule under it: made, read, listed, changed, deleted.
    let made = net
        .change(
            "CreateDnsRule",
            json!({"dns_resolver_id": id, "Name": "corp", "DomainName": "corp.example.com",
            "ForwarderIpAddresses": ["192.168.1.10"]}),
        )
        .await;
    let rule_id = text(&made["Detail"]["DnsRule"], "Id");
    let rule = found(&net, RULES, json!({"dns_rule_id": rule_id}))
        .await
        .unwrap();
    assert_eq!(rule["Status"], "ACTIVE");
    assert_eq!(rule["DnsResolverId"], id.as_str());
    assert_eq!(rule["DomainName"], "corp.example.com");
    assert!(text(&rule, "AwsRuleId").starts_with("rslvr-rr-"), "{rule}");
    assert_eq!(
        listed(&net, RULES, json!({"dns_resolver_id": id})).await,
        [rule_id.as_str()]
    );
    assert_eq!(listed(&net, RULES, json!({})).await, [rule_id.as_str()]);
    net.change(
        "UpdateDnsRule",
        json!({"dns_rule_id": rule_id, "ForwarderIpAddresses": ["192.168.1.10", "192.168.1.11"],
        "Name": "corp-2"}),
    )
    .await;
    let rule = found(&net, RULES, json!({"dns_rule_id": rule_id}))
        .await
        .unwrap();
    assert_eq!(rule["Name"], "corp-2");
    assert_eq!(
        rule["ForwarderIpAddresses"],
        json!(["192.168.1.10", "192.168.1.11"])
    );
    let delete = net
        .ok("DeleteDnsRule", json!({"dns_rule_id": rule_id}))
        .await;
    let read = (
        RULES.0,
        json!({"dns_rule_id": rule_id, "status": "DELETE_IN_PROGRESS,DELETED"}),
        RULES.1,
    );
    net.during(&delete, read, "DELETE_IN_PROGRESS").await;
    assert!(
        found(&net, RULES, json!({"dns_rule_id": rule_id}))
            .await
            .is_none()
    );
    net.change("DeleteDnsResolver", json!({"dns_resolver_id": id}))
        .await;
    assert!(
        found(&net, RESOLVERS, json!({"dns_resolver_id": id}))
            .await
            .is_none()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dns_refuses_what_breaks_its_address_rules() {
    let net = Net::start("net-dns-rules").await;
    let hub = demo_hub(&net).await;
    let hub_id = text(&hub, "Id");
    let resolver = listed(
        &net,
        ("ReadDnsResolvers", "DnsResolvers"),
        json!({"hub_id": hub_id}),
    )
    .await
    .remove(0);
    // Interfaces: 2 to 6.
    for count in [1, 7] {
        let error = net
            .refused(
                "UpdateDnsResolver",
                json!({"dns_resolver_id": resolver, "NumberOfInterfaces": count}),
                400,
            )
            .await;
        assert!(error.contains("2 to 6 interfaces"), "{error}");
    }
    // Forwarders: IPv4 addresses, written canonically, once each, at least one.
    let rule = |forwarders: Value, domain: &str| {
        json!({"dns_resolver_id": resolver, "Name": "rule", "DomainName": domain,
        "ForwarderIpAddresses": forwarders})
    };
    for (forwarders, says) in [
        (json!(["10.0.0.256"]), "is not an IPv4 address"),
        (json!(["10.0.0.010"]), "is not an IPv4 address"),
        (json!(["10.0.0.1", "10.0.0.1"]), "more than once"),
        (json!([]), "is empty"),
    ] {
        let error = net
            .refused(
                "CreateDnsRule",
                rule(forwarders.clone(), "other.example.com"),
                400,
            )
            .await;
        assert!(error.contains(says), "{forwarders}: {error}");
    }
    // A domain is forwarded once per resolver (the demo's rule has corp.example.com).
    let error = net
        .refused(
            "CreateDnsRule",
            rule(json!(["10.9.9.9"]), "corp.example.com"),
            400,
        )
        .await;
    assert!(error.contains("already forwarded"), "{error}");
    // Reads answer 404 (never 400) for an id that is not one, and nothing for an unknown
    // status.
    net.refused("ReadDnsRules", json!({"dns_rule_id": "not-an-id"}), 404)
        .await;
    assert!(
        listed(
            &net,
            ("ReadDnsRules", "DnsRules"),
            json!({"status": "NOPE"})
        )
        .await
        .is_empty()
    );
    // A change needs an administrator; reads do not.
    let reader = read_only_client(&net).await;
    let networking = reader.service("networking");
    let err = networking
        .call("DeleteDnsRule", json!({"dns_rule_id": resolver}))
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::Api(e) if e.status == 403), "{err}");
    let read = networking.call("ReadDnsRules", json!({})).await.unwrap();
    assert_eq!(read["DnsRules"].as_array().unwrap().len(), 1);
}

/// A client signed in with a new `api_readonly` token of the emulator's organisation.
async fn read_only_client(net: &Net) -> StaxClient {
    let made = net
        .client
        .call(
            "teams",
            "CreateApiToken",
            json!({"Name": "reader", "Role": "api_readonly"}),
        )
        .await
        .unwrap();
    let token = &made["ApiTokens"][0];
    let config = common::builder(&net.emu, "net-reader")
        .access_key(token["AccessKey"].as_str().unwrap())
        .secret_key(token["SecretKey"].as_str().unwrap())
        .build()
        .unwrap();
    StaxClient::new(config).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn direct_connect_gateways_vifs_and_associations_walk_their_statuses() {
    let net = Net::start("net-dx").await;
    let hub = demo_hub(&net).await;
    let account = text(&hub, "AccountId");
    let hub_id = text(&hub, "Id");
    const GATEWAYS: (&str, &str) = ("ReadDxGateways", "DxGateways");
    const VIFS: (&str, &str) = ("ReadDxVifs", "DxVifs");
    const ASSOCIATIONS: (&str, &str) = ("ReadDxAssociations", "DxAssociations");

    // The account's connections (AWS's): one available; none in other states; 404 for an
    // account the organisation does not have.
    let connections = net
        .ok("ReadDxConnections", json!({"account_id": account}))
        .await;
    let connection = connections["DxConnections"][0].clone();
    assert_eq!(connection["ConnectionState"], "available");
    let connection_id = text(&connection, "ConnectionId");
    let down = net
        .ok(
            "ReadDxConnections",
            json!({"account_id": account, "state": "down,deleted"}),
        )
        .await;
    assert_eq!(down["DxConnections"], json!([]));
    net.refused(
        "ReadDxConnections",
        json!({"account_id": "0b1d2c3e-0000-4000-8000-00000000000a"}),
        404,
    )
    .await;

    // A private gateway with a VIF, by one task.
    let key = "s3cret-bgp-key";
    let made = net
        .ok(
            "CreateDxResource",
            json!({
                "Gateway": {"Name": "private-dx", "Asn": 64700, "AccountId": account,
                              "GatewayType": "PRIVATE"},
                "Vif": {"Name": "vif-a", "AwsConnectionId": connection_id, "Vlan": 200,
                          "Asn": 65020, "RouterIp": "169.254.20.1/30",
                          "AwsRouterIp": "169.254.20.2/30", "BgpAuthKey": key,
                          "JumboMtu": false, "Tags": {"Site": "syd"}}
            }),
        )
        .await;
    let gateway = text(&made["Detail"]["DxResource"]["Gateway"], "Id");
    let vif = text(&made["Detail"]["DxResource"]["Vif"], "Id");
    let state = net.ok("ReadDxVifStatus", json!({"dx_vif_id": vif})).await;
    let now = net
        .while_running(
            &made,
            (GATEWAYS.0, json!({"dx_gateway_id": gateway}), GATEWAYS.1),
            "CREATE_IN_PROGRESS",
        )
        .await;
    if now["Status"] == "CREATE_IN_PROGRESS" {
        // Both read while the task ran.
        assert_eq!(now["AwsGatewayId"], Value::Null);
        assert_eq!(state["DxVifStatus"][0]["BgpStatus"], "unknown");
    }
    net.finish(&made).await;
    let now = found(&net, GATEWAYS, json!({"dx_gateway_id": gateway}))
        .await
        .unwrap();
    assert_eq!(now["Status"], "ACTIVE");
    assert_eq!(now["GatewayType"], "PRIVATE");
    assert!(now["AwsGatewayId"].is_string());
    let read = found(&net, VIFS, json!({"dx_vif_id": vif})).await.unwrap();
    assert_eq!(read["Status"], "ACTIVE");
    assert_eq!(read["VifType"], "PRIVATE");
    assert_eq!(read["DxGatewayId"], gateway.as_str());
    assert_eq!(read["Region"], connection["Region"]);
    assert!(text(&read, "AwsVifId").starts_with("dxvif-"));
    let state = net.ok("ReadDxVifStatus", json!({"dx_vif_id": vif})).await;
    assert_eq!(state["DxVifStatus"][0]["BgpStatus"], "up");
    // A second VIF on the same gateway, named by it.
    let second = net
        .change(
            "CreateDxResource",
            json!({"Vif": {"Name": "vif-b", "AwsConnectionId": connection_id, "Vlan": 201,
            "Asn": 65020, "RouterIp": "169.254.21.1/30",
            "AwsRouterIp": "169.254.21.2/30", "BgpAuthKey": key,
            "JumboMtu": true, "DxGatewayId": gateway}}),
        )
        .await;
    assert!(
        second["Detail"]["DxResource"].get("Gateway").is_none(),
        "{second}"
    );
    let second = text(&second["Detail"]["DxResource"]["Vif"], "Id");
    let mut on_gateway = listed(&net, VIFS, json!({"dx_gateway_id": gateway})).await;
    on_gateway.sort();
    let mut both = vec![vif.clone(), second.clone()];
    both.sort();
    assert_eq!(on_gateway, both);
    assert!(listed(&net, VIFS, json!({})).await.contains(&second));
    // The BGP key is kept, never shown.
    let all = net.ok(VIFS.0, json!({})).await;
    assert!(!all.to_string().contains(key), "{all}");
    net.change(
        "UpdateDxVif",
        json!({"dx_vif_id": vif, "JumboMtu": true, "Tags": {"Site": "mel"}}),
    )
    .await;
    let read = found(&net, VIFS, json!({"dx_vif_id": vif})).await.unwrap();
    assert_eq!(read["JumboMtu"], true);
    assert_eq!(read["Tags"], json!({"Site": "mel"}));
    assert!(!read.to_string().contains(key));

    // An association with a VPC that has a virtual private gateway.
    let vpc = vgw_vpc(&net, &hub_id).await;
    let vpc_id = text(&vpc, "Id");
    let made = net
        .change(
            "CreateDxAssociation",
            json!({"dx_gateway_id": gateway, "VpcId": vpc_id, "Prefixes": [vpc["Cidr"]]}),
        )
        .await;
    let association = text(&made["Detail"]["DxAssociation"], "Id");
    let read = found(
        &net,
        ASSOCIATIONS,
        json!({"dx_association_id": association, "status": "ACTIVE"}),
    )
    .await
    .unwrap();
    assert_eq!(read["VpcId"], vpc_id.as_str());
    assert_eq!(read["NetworkingHubId"], hub_id.as_str());
    assert_eq!(read["Prefixes"], json!([vpc["Cidr"]]));
    assert!(read["AwsAssociationId"].is_string());
    assert!(
        listed(&net, ASSOCIATIONS, json!({}))
            .await
            .contains(&association)
    );
    assert!(
        listed(&net, ASSOCIATIONS, json!({"dx_gateway_id": gateway}))
            .await
            .contains(&association)
    );
    assert!(
        listed(&net, ASSOCIATIONS, json!({"hub_id": hub_id}))
            .await
            .contains(&association)
    );
    assert!(
        listed(&net, GATEWAYS, json!({"hub_id": hub_id}))
            .await
            .contains(&gateway)
    );
    net.change(
        "UpdateDxAssociation",
        json!({"dx_association_id": association, "Prefixes": ["10.0.8.0/23", "10.0.10.0/23"]}),
    )
    .await;
    let read = found(
        &net,
        ASSOCIATIONS,
        json!({"dx_association_id": association}),
    )
    .await
    .unwrap();
    assert_eq!(read["Prefixes"], json!(["10.0.8.0/23", "10.0.10.0/23"]));

    // The gateway goes once its VIFs and association have gone.
    let error = net
        .refused("DeleteDxGateway", json!({"dx_gateway_id": gateway}), 400)
        .await;
    assert!(error.contains("2 DX VIF(s)"), "{error}");
    assert!(error.contains("1 DX association(s)"), "{error}");
    net.change(
        "DeleteDxAssociation",
        json!({"dx_association_id": association}),
    )
    .await;
    for id in [&vif, &second] {
        net.change("DeleteDxVif", json!({"dx_vif_id": id})).await;
    }
    let state = net.ok("ReadDxVifStatus", json!({"dx_vif_id": vif})).await;
    assert_eq!(state["DxVifStatus"][0]["BgpStatus"], "down");
    net.change("DeleteDxGateway", json!({"dx_gateway_id": gateway}))
        .await;
    assert!(
        found(&net, GATEWAYS, json!({"dx_gateway_id": gateway}))
            .await
            .is_none()
    );
    assert!(
        !listed(&net, GATEWAYS, json!({"hub_id": hub_id}))
            .await
            .contains(&gateway)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn direct_connect_refuses_what_breaks_its_rules() {
    let net = Net::start("net-dx-rules").await;
    let hub = demo_hub(&net).await;
    let account = text(&hub, "AccountId");
    let hub_id = text(&hub, "Id");
    let connections = net
        .ok("ReadDxConnections", json!({"account_id": account}))
        .await;
    let connection = text(&connections["DxConnections"][0], "ConnectionId");
    let demo = net.ok("ReadDxGateways", json!({})).await["DxGateways"][0].clone();
    let demo_gateway = text(&demo, "Id");
    let vif = |vlan: i64, router: &str, aws: &str, key: &str| {
        json!({"Name": "vif", "AwsConnectionId": connection, "Vlan": vlan, "Asn": 65020,
               "RouterIp": router, "AwsRouterIp": aws, "BgpAuthKey": key, "JumboMtu": false,
               "DxGatewayId": demo_gateway})
    };
    let cases: Vec<(Value, u16, &str)> = vec![
        (json!({}), 400, "Give a Gateway"),
        (
            json!({"Gateway": {"Name": "gw", "Asn": 100, "AccountId": account, "GatewayType": "TRANSIT"}}),
            400,
            "Gateway.Asn 100 is not a private ASN",
        ),
        (
            json!({"Gateway": {"Name": "gw", "Asn": 64700, "AccountId": "0b1d2c3e-0000-4000-8000-00000000000a", "GatewayType": "TRANSIT"}}),
            404,
            "Gateway.AccountId",
        ),
        // The demo VIF has VLAN 101 and 169.254.10.0/30 on this connection.
        (
            json!({"Vif": vif(101, "169.254.30.1/30", "169.254.30.2/30", "long-enough")}),
            400,
            "Vif.Vlan 101 is taken",
        ),
        (
            json!({"Vif": vif(4095, "169.254.30.1/30", "169.254.30.2/30", "long-enough")}),
            400,
            "Vif.Vlan 4095 is no VLAN",
        ),
        (
            json!({"Vif": vif(300, "169.254.30.1/30", "169.254.31.2/30", "long-enough")}),
            400,
            "different subnets",
        ),
        (
            json!({"Vif": vif(300, "169.254.30.0/30", "169.254.30.1/30", "long-enough")}),
            400,
            "first and last addresses are not hosts",
        ),
        (
            json!({"Vif": vif(300, "169.254.30.1", "169.254.30.2/30", "long-enough")}),
            400,
            "with a prefix length",
        ),
        (
            json!({"Vif": vif(300, "169.254.10.5/29", "169.254.10.6/29", "long-enough")}),
            400,
            "shares subnet 169.254.10.0/30",
        ),
        (
            json!({"Vif": vif(300, "169.254.30.1/30", "169.254.30.2/30", "short")}),
            400,
            "Vif.BgpAuthKey must be 6 to 80 characters",
        ),
        (
            json!({"Vif": {"Name": "vif", "AwsConnectionId": "dxcon-ffffffff", "Vlan": 300, "Asn": 65020,
            "RouterIp": "169.254.30.1/30", "AwsRouterIp": "169.254.30.2/30",
            "BgpAuthKey": "long-enough", "JumboMtu": false, "DxGatewayId": demo_gateway}}),
            400,
            "is no Direct Connect connection",
        ),
        (
            json!({"Vif": {"Name": "vif", "AwsConnectionId": connection, "Vlan": 300, "Asn": 65020,
            "RouterIp": "169.254.30.1/30", "AwsRouterIp": "169.254.30.2/30",
            "BgpAuthKey": "long-enough", "JumboMtu": false}}),
            400,
            "Vif.DxGatewayId: name the gateway",
        ),
        (
            json!({"Vif": {"Name": "vif", "AwsConnectionId": connection, "Vlan": 300, "Asn": 65020,
            "RouterIp": "169.254.30.1/30", "AwsRouterIp": "169.254.30.2/30",
            "BgpAuthKey": "long-enough", "JumboMtu": false,
            "DxGatewayId": "0b1d2c3e-0000-4000-8000-00000000000a"}}),
            404,
            "Vif.DxGatewayId",
        ),
        (
            json!({"Gateway": {"Name": "gw", "Asn": 64700, "AccountId": account, "GatewayType": "TRANSIT"},
            "Vif": vif(300, "169.254.30.1/30", "169.254.30.2/30", "long-enough")}),
            400,
            "leave it out when a Gateway is given",
        ),
    ];
    for (body, status, says) in cases {
        let error = net.refused("CreateDxResource", body, status).await;
        assert!(error.contains(says), "{says}: {error}");
        assert!(!error.contains("short"), "a BGP key never shows: {error}");
    }

    // Associations: the gateway's type decides what it joins; BGP needs two ASNs; a pair
    // once; advertised blocks written canonically.
    let transit = transit_vpc(&net, &hub_id).await;
    let with_vgw = vgw_vpc(&net, &hub_id).await;
    let associate = |gateway: &str, mut body: Value, status: u16| {
        body["dx_gateway_id"] = json!(gateway);
        net.refused("CreateDxAssociation", body, status)
    };
    let error = associate(
        &demo_gateway,
        json!({"VpcId": with_vgw["Id"], "Prefixes": ["10.0.8.0/22"]}),
        400,
    )
    .await;
    assert!(error.contains("only a PRIVATE gateway"), "{error}");
    let error = associate(
        &demo_gateway,
        json!({"NetworkingHubId": hub_id, "Prefixes": ["10.0.0.0/16"]}),
        400,
    )
    .await;
    assert!(error.contains("already joins this gateway"), "{error}");
    let same_asn = net
        .change(
            "CreateDxResource",
            json!({"Gateway": {"Name": "same-asn", "Asn": hub["Asn"], "AccountId": account,
            "GatewayType": "TRANSIT"}}),
        )
        .await;
    let same_asn = text(&same_asn["Detail"]["DxResource"]["Gateway"], "Id");
    let error = associate(
        &same_asn,
        json!({"NetworkingHubId": hub_id, "Prefixes": ["10.0.0.0/16"]}),
        400,
    )
    .await;
    assert!(error.contains("BGP needs them to differ"), "{error}");
    let error = associate(
        &same_asn,
        json!({"NetworkingHubId": "0b1d2c3e-0000-4000-8000-00000000000a", "Prefixes": ["10.0.0.0/16"]}),
        404,
    )
    .await;
    assert!(error.contains("NetworkingHubId"), "{error}");
    let private = net
        .change(
            "CreateDxResource",
            json!({"Gateway": {"Name": "private", "Asn": 64701, "AccountId": account,
            "GatewayType": "PRIVATE"}}),
        )
        .await;
    let private = text(&private["Detail"]["DxResource"]["Gateway"], "Id");
    let error = associate(
        &private,
        json!({"VpcId": transit["Id"], "Prefixes": ["10.0.0.0/22"]}),
        400,
    )
    .await;
    assert!(error.contains("has no virtual private gateway"), "{error}");
    for (prefixes, says) in [
        (json!(["10.0.8.1/22"]), "host bits"),
        (json!(["10.0.8.0/22", "10.0.8.0/22"]), "more than once"),
        (json!([]), "Prefixes is empty"),
    ] {
        let error = associate(
            &private,
            json!({"VpcId": with_vgw["Id"], "Prefixes": prefixes}),
            400,
        )
        .await;
        assert!(error.contains(says), "{prefixes}: {error}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vpn_customer_gateways_and_connections_walk_their_statuses() {
    let net = Net::start("net-vpn").await;
    let hub = demo_hub(&net).await;
    let account = text(&hub, "AccountId");
    let hub_id = text(&hub, "Id");
    let region = text(&hub, "Region");
    const GATEWAYS: (&str, &str) = ("ReadVpnCustomerGateways", "VpnCustomerGateways");
    const CONNECTIONS: (&str, &str) = ("ReadVpnConnections", "VpnConnections");

    let made = net
        .ok(
            "CreateVpnCustomerGateway",
            json!({"Name": "branch", "Asn": 65001, "IpAddress": "198.51.100.7",
            "AccountId": account, "Region": region, "Tags": {"Site": "branch"}}),
        )
        .await;
    let gateway = text(&made["Detail"]["VpnCustomerGateway"], "Id");
    let now = net
        .while_running(
            &made,
            (
                GATEWAYS.0,
                json!({"vpn_customer_gateway_id": gateway}),
                GATEWAYS.1,
            ),
            "CREATE_IN_PROGRESS",
        )
        .await;
    if now["Status"] == "CREATE_IN_PROGRESS" {
        assert_eq!(now["AwsVpnCustomerGatewayId"], Value::Null);
    }
    net.finish(&made).await;
    let now = found(&net, GATEWAYS, json!({"vpn_customer_gateway_id": gateway}))
        .await
        .unwrap();
    assert_eq!(now["Status"], "ACTIVE");
    assert_eq!(now["IpAddress"], "198.51.100.7");
    assert!(text(&now, "AwsVpnCustomerGatewayId").starts_with("cgw-"));
    assert!(listed(&net, GATEWAYS, json!({})).await.contains(&gateway));
    // Not the hub's until a connection joins them.
    assert!(
        !listed(&net, GATEWAYS, json!({"hub_id": hub_id}))
            .await
            .contains(&gateway)
    );
    net.change(
        "UpdateVpnCustomerGateway",
        json!({"vpn_customer_gateway_id": gateway, "Name": "branch-2"}),
    )
    .await;
    let now = found(&net, GATEWAYS, json!({"vpn_customer_gateway_id": gateway}))
        .await
        .unwrap();
    assert_eq!(now["Name"], "branch-2");
    assert_eq!(
        now["Tags"],
        json!({"Site": "branch"}),
        "what is not given stays"
    );

    // A connection to the hub: its tunnels are down until it is ACTIVE.
    let made = net
        .ok(
            "CreateVpnConnection",
            json!({"vpn_customer_gateway_id": gateway, "Name": "branch-hub",
            "NetworkingHubId": hub_id, "ImprovedAcceleration": true}),
        )
        .await;
    let to_hub = text(&made["Detail"]["VpnConnection"], "Id");
    let tunnels = net
        .ok(
            "ReadVpnConnectionStatus",
            json!({"vpn_connection_id": to_hub}),
        )
        .await;
    let now = net
        .while_running(
            &made,
            (
                CONNECTIONS.0,
                json!({"vpn_connection_id": to_hub}),
                CONNECTIONS.1,
            ),
            "CREATE_IN_PROGRESS",
        )
        .await;
    if now["Status"] == "CREATE_IN_PROGRESS" {
        // Both read while the task ran.
        assert_eq!(tunnels["VpnConnectionStatus"][0]["TunnelStatus"], "down");
    }
    net.finish(&made).await;
    let tunnels = net
        .ok(
            "ReadVpnConnectionStatus",
            json!({"vpn_connection_id": to_hub}),
        )
        .await;
    assert_eq!(
        tunnels["VpnConnectionStatus"],
        json!([{"TunnelName": "Tunnel1", "TunnelStatus": "up"},
               {"TunnelName": "Tunnel2", "TunnelStatus": "up"}])
    );
    let read = found(&net, CONNECTIONS, json!({"vpn_connection_id": to_hub}))
        .await
        .unwrap();
    assert_eq!(read["VpnConnectionType"], "HUB");
    assert_eq!(read["RoutingType"], "DYNAMIC");
    assert_eq!(read["ImprovedAcceleration"], true);
    assert_eq!(read["VpcId"], Value::Null);
    assert!(text(&read, "AwsVpnConnectionId").starts_with("vpn-"));
    // A connection to a VPC with a virtual private gateway.
    let vpc = vgw_vpc(&net, &hub_id).await;
    let made = net
        .change(
            "CreateVpnConnection",
            json!({"vpn_customer_gateway_id": gateway, "Name": "branch-vpc",
            "VpcId": vpc["Id"]}),
        )
        .await;
    let to_vpc = text(&made["Detail"]["VpnConnection"], "Id");
    let read = found(&net, CONNECTIONS, json!({"vpn_connection_id": to_vpc}))
        .await
        .unwrap();
    assert_eq!(read["VpnConnectionType"], "VPC");
    assert_eq!(read["VpcId"], vpc["Id"]);
    assert_eq!(read["NetworkingHubId"], hub_id.as_str());
    assert_eq!(read["ImprovedAcceleration"], false);
    // Listed by customer gateway and by hub (its own and its VPCs').
    let mut mine = listed(
        &net,
        CONNECTIONS,
        json!({"vpn_customer_gateway_id": gateway}),
    )
    .await;
    mine.sort();
    let mut both = vec![to_hub.clone(), to_vpc.clone()];
    both.sort();
    assert_eq!(mine, both);
    let all = listed(&net, CONNECTIONS, json!({})).await;
    assert!(all.contains(&to_hub) && all.contains(&to_vpc));
    let of_hub = listed(&net, CONNECTIONS, json!({"hub_id": hub_id})).await;
    assert!(of_hub.contains(&to_hub) && of_hub.contains(&to_vpc));
    assert!(
        listed(&net, GATEWAYS, json!({"hub_id": hub_id}))
            .await
            .contains(&gateway)
    );
    net.change(
        "UpdateVpnConnection",
        json!({"vpn_connection_id": to_vpc, "Name": "branch-vpc-2", "Tags": {"A": "b"}}),
    )
    .await;
    let read = found(&net, CONNECTIONS, json!({"vpn_connection_id": to_vpc}))
        .await
        .unwrap();
    assert_eq!(read["Name"], "branch-vpc-2");
    assert_eq!(read["Tags"], json!({"A": "b"}));

    // The customer gateway goes once its connections have gone.
    let error = net
        .refused(
            "DeleteVpnCustomerGateway",
            json!({"vpn_customer_gateway_id": gateway}),
            400,
        )
        .await;
    assert!(error.contains("still has 2 VPN connection(s)"), "{error}");
    for id in [&to_hub, &to_vpc] {
        net.change("DeleteVpnConnection", json!({"vpn_connection_id": id}))
            .await;
        assert!(
            found(&net, CONNECTIONS, json!({"vpn_connection_id": id}))
                .await
                .is_none()
        );
    }
    let tunnels = net
        .ok(
            "ReadVpnConnectionStatus",
            json!({"vpn_connection_id": to_hub}),
        )
        .await;
    assert_eq!(tunnels["VpnConnectionStatus"][1]["TunnelStatus"], "down");
    net.change(
        "DeleteVpnCustomerGateway",
        json!({"vpn_customer_gateway_id": gateway}),
    )
    .await;
    let gone = found(
        &net,
        GATEWAYS,
        json!({"vpn_customer_gateway_id": gateway, "status": "DELETED"}),
    )
    .await
    .unwrap();
    assert_eq!(gone["Status"], "DELETED");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vpn_refuses_what_breaks_its_rules() {
    let net = Net::start("net-vpn-rules").await;
    let hub = demo_hub(&net).await;
    let account = text(&hub, "AccountId");
    let hub_id = text(&hub, "Id");
    let region = text(&hub, "Region");
    let gateway = |address: &str, region: &str, name: &str| {
        json!({"Name": name, "Asn": 65001, "IpAddress": address,
        "AccountId": account, "Region": region})
    };
    // The outside address: a static, internet-routable IPv4 address, once per account and
    // region (the demo's customer gateway has 203.0.113.10).
    for (address, says) in [
        ("10.1.2.3", "private"),
        ("192.168.0.1", "private"),
        ("127.0.0.1", "reserved"),
        ("169.254.1.1", "reserved"),
        ("100.64.0.1", "reserved"),
        ("224.0.0.1", "reserved"),
        ("203.0.113.300", "not an IPv4 address"),
        ("203.0.113.10", "already stands for that device"),
    ] {
        let error = net
            .refused(
                "CreateVpnCustomerGateway",
                gateway(address, &region, "gw"),
                400,
            )
            .await;
        assert!(error.contains(says), "{address}: {error}");
    }
    let long = "n".repeat(96);
    let error = net
        .refused(
            "CreateVpnCustomerGateway",
            gateway("198.51.100.9", &region, &long),
            400,
        )
        .await;
    assert!(error.contains("holds at most 95"), "{error}");
    net.refused(
        "CreateVpnCustomerGateway",
        json!({"Name": "gw", "Asn": 65001, "IpAddress": "198.51.100.9",
            "AccountId": "0b1d2c3e-0000-4000-8000-00000000000a", "Region": region}),
        404,
    )
    .await;

    // Connections: one region, a VPC with a virtual private gateway, a pair once.
    let elsewhere = net
        .change(
            "CreateVpnCustomerGateway",
            gateway("198.51.100.9", "us-east-1", "elsewhere"),
        )
        .await;
    let elsewhere = text(&elsewhere["Detail"]["VpnCustomerGateway"], "Id");
    let error = net
        .refused(
            "CreateVpnConnection",
            json!({"vpn_customer_gateway_id": elsewhere, "Name": "conn",
            "NetworkingHubId": hub_id, "ImprovedAcceleration": false}),
            400,
        )
        .await;
    assert!(error.contains("in one region"), "{error}");
    let demo = listed(
        &net,
        ("ReadVpnCustomerGateways", "VpnCustomerGateways"),
        json!({"hub_id": hub_id}),
    )
    .await
    .remove(0);
    let error = net
        .refused(
            "CreateVpnConnection",
            json!({"vpn_customer_gateway_id": demo, "Name": "conn",
            "NetworkingHubId": hub_id, "ImprovedAcceleration": false}),
            400,
        )
        .await;
    assert!(error.contains("already joins customer gateway"), "{error}");
    let transit = transit_vpc(&net, &hub_id).await;
    let error = net
        .refused(
            "CreateVpnConnection",
            json!({"vpn_customer_gateway_id": demo, "Name": "conn", "VpcId": transit["Id"]}),
            400,
        )
        .await;
    assert!(error.contains("no virtual private gateway"), "{error}");
    net.refused(
        "CreateVpnConnection",
        json!({"vpn_customer_gateway_id": demo, "Name": "conn",
            "NetworkingHubId": "0b1d2c3e-0000-4000-8000-00000000000a",
            "ImprovedAcceleration": false}),
        404,
    )
    .await;
    net.refused(
        "CreateVpnConnection",
        json!({"vpn_customer_gateway_id": "0b1d2c3e-0000-4000-8000-00000000000a",
            "Name": "conn", "NetworkingHubId": hub_id, "ImprovedAcceleration": false}),
        404,
    )
    .await;
    // A customer gateway being deleted takes no connection.
    let going = net
        .ok(
            "DeleteVpnCustomerGateway",
            json!({"vpn_customer_gateway_id": elsewhere}),
        )
        .await;
    let (status, body) = net
        .send(
            "CreateVpnConnection",
            json!({"vpn_customer_gateway_id": elsewhere, "Name": "conn",
            "NetworkingHubId": hub_id, "ImprovedAcceleration": false}),
        )
        .await;
    match status {
        400 => assert!(
            body["Error"]
                .as_str()
                .unwrap()
                .contains("is DELETE_IN_PROGRESS"),
            "{body}"
        ),
        // Deleted by then (a slow machine): gone.
        404 => {}
        other => panic!("{other}: {body}"),
    }
    net.finish(&going).await;
}

/// A hub prefix list routes to a VPN connection or a Direct Connect gateway of its hub: the
/// target's AWS id is answered once the list is made, a gateway not associated with the hub is
/// refused, and a connection a list routes to is not deleted until the list goes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prefix_lists_route_to_vpn_connections_and_direct_connect_gateways() {
    let net = Net::start("net-pl-targets").await;
    let hub = demo_hub(&net).await;
    let hub_id = text(&hub, "Id");
    let account = text(&hub, "AccountId");
    let vpn = net
        .list("ReadVpnConnections", json!({}), "VpnConnections")
        .await
        .into_iter()
        .find(|c| c["NetworkingHubId"] == hub_id.as_str())
        .expect("the demo hub has a VPN connection");
    let gateway = net
        .list("ReadDxGateways", json!({"hub_id": hub_id}), "DxGateways")
        .await
        .into_iter()
        .next()
        .expect("the demo hub has an associated Direct Connect gateway");
    let list = |name: &str, target: &str, id: &str| {
        json!({"hub_id": hub_id, "Name": name, "Entries": ["192.168.100.0/24"], "MaxEntries": 2,
               "TargetType": target, "TargetId": id})
    };

    let made = net
        .change(
            "CreateHubPrefixList",
            list("to-office", "VPN", &text(&vpn, "Id")),
        )
        .await;
    let to_vpn = text(&made["Detail"]["PrefixList"], "Id");
    let record = prefix_list(&net, &to_vpn).await;
    assert_eq!(record["TargetId"], vpn["Id"]);
    assert_eq!(record["AwsTargetId"], vpn["AwsVpnConnectionId"], "{record}");
    // An update that names no target keeps the list's.
    net.change(
        "UpdatePrefixList",
        json!({"prefix_list_id": to_vpn, "Entries": ["192.168.100.0/24", "192.168.101.0/24"]}),
    )
    .await;
    let record = prefix_list(&net, &to_vpn).await;
    assert_eq!(record["Entries"].as_array().map(Vec::len), Some(2));
    assert_eq!(
        (&record["TargetType"], &record["TargetId"]),
        (&json!("VPN"), &vpn["Id"])
    );
    let made = net
        .change(
            "CreateHubPrefixList",
            list("to-dx", "DIRECT_CONNECT_GATEWAY", &text(&gateway, "Id")),
        )
        .await;
    let record = prefix_list(&net, &text(&made["Detail"]["PrefixList"], "Id")).await;
    assert_eq!(record["AwsTargetId"], gateway["AwsGatewayId"], "{record}");

    // A gateway of the organisation that does not reach the hub is no target of its lists.
    let lone = net
        .change(
            "CreateDxResource",
            json!({"Gateway": {"Name": "lone", "Asn": 64702, "AccountId": account,
                   "GatewayType": "TRANSIT"}}),
        )
        .await;
    let lone = text(&lone["Detail"]["DxResource"]["Gateway"], "Id");
    let error = net
        .refused(
            "CreateHubPrefixList",
            list("to-lone", "DIRECT_CONNECT_GATEWAY", &lone),
            400,
        )
        .await;
    assert!(error.contains("TargetId"), "{error}");

    // The connection is held while the list routes to it.
    let error = net
        .refused(
            "DeleteVpnConnection",
            json!({"vpn_connection_id": vpn["Id"]}),
            400,
        )
        .await;
    assert!(error.contains("1 prefix list(s)"), "{error}");
    net.change("DeletePrefixList", json!({"prefix_list_id": to_vpn}))
        .await;
    net.change(
        "DeleteVpnConnection",
        json!({"vpn_connection_id": vpn["Id"]}),
    )
    .await;
}

async fn prefix_list(net: &Net, id: &str) -> Value {
    net.one(
        "ReadPrefixList",
        json!({"prefix_list_id": id}),
        "PrefixLists",
    )
    .await
}
