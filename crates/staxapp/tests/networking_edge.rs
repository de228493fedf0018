//! What joins a hub to the world, through the SDK against the emulator (real sign-in, SRP,
//! SigV4): DNS resolvers and rules, Direct Connect gateways, VIFs, associations and
//! connections, VPN customer gateways and connections. Each kind is made, read back, listed,
//! changed and deleted, and each change is seen as its task walks the statuses; each
//! dependency and address rule has its refusal. Every answer and every error is checked
//! against Stax's reference document for its status (`$STAX_SHARED_DIR`).

mod common;

use std::net::Ipv4Addr;
use std::time::Duration;

use serde_json::{Value, json};
use stax_emulator::{EmulatorOptions, RunningEmulator};
use stax_openapi::{Dialect, Direction, Spec, Target, pointer};
use staxapp::tasks::WaitOptions;
use staxapp::{Args, Error, Service, StaxClient, args};

/// How long the emulator's tasks take: long enough to see a change under way.
const TASK_DELAY: Duration = Duration::from_millis(700);

/// Stax's reference document, read as OpenAPI 3.0.
struct Reference(Spec);

impl Reference {
    fn load() -> Option<Reference> {
        let path = common::reference_document()?;
        let text = std::fs::read_to_string(&path).expect("the reference document is readable");
        let doc: Value = serde_json::from_str(&text).expect("the reference document is JSON");
        Some(Reference(Spec::new(doc, Dialect::openapi30())))
    }

    /// Panics unless the reference gives `operation` (on one of its paths) a `status` answer
    /// whose schema accepts `body`.
    fn check(&self, operation: &str, status: u16, body: &Value) {
        let errors = self.violations(operation, status, body);
        assert!(
            errors.is_empty(),
            "networking.{operation} {status} breaks the reference: {errors:?}\n{body}"
        );
    }

    /// What the reference's schema of `operation`'s `status` answer finds wrong in `body`
    /// (panics when it documents no such answer).
    fn violations(&self, operation: &str, status: u16, body: &Value) -> Vec<String> {
        let id = format!("networking.{operation}");
        let key = status.to_string();
        let raw = self.0.raw();
        let mut documented = None;
        for (path, item) in raw["paths"].as_object().expect("paths") {
            for (method, op) in item.as_object().expect("path item") {
                if op["x-stax-sdk-operation-id"] == id.as_str() && op["responses"][&key].is_object()
                {
                    documented = Some((path.clone(), method.clone()));
                }
            }
        }
        let (path, method) =
            documented.unwrap_or_else(|| panic!("the reference documents no {status} for {id}"));
        let at = pointer::from_tokens([
            "paths",
            &path,
            &method,
            "responses",
            &key,
            "content",
            "application/json",
            "schema",
        ]);
        let validator = self
            .0
            .validator(Target::Pointer(&at), Direction::Response)
            .unwrap_or_else(|e| panic!("{id}: the schema does not compile: {e}"));
        validator.violations(body).map(|v| v.to_string()).collect()
    }
}

/// An emulator, the SDK's `networking` service signed in to it, and the reference.
struct Net {
    api: Service,
    client: StaxClient,
    reference: Option<Reference>,
    emu: RunningEmulator,
}

impl Net {
    async fn start(name: &str) -> Net {
        let emu = common::emulator(EmulatorOptions {
            task_delay: TASK_DELAY,
            ..Default::default()
        })
        .await;
        let client = StaxClient::new(common::config(&emu, name)).unwrap();
        Net {
            api: client.service("networking"),
            client,
            reference: Reference::load(),
            emu,
        }
    }

    /// Calls `operation`, which must answer 200 with what the reference documents.
    async fn ok(&self, operation: &str, args: Args) -> Value {
        let answer = self
            .api
            .call(operation, args)
            .await
            .unwrap_or_else(|e| panic!("{operation}: {e}"));
        if let Some(reference) = &self.reference {
            reference.check(operation, 200, &answer);
        }
        answer
    }

    /// Calls `operation`, which must be refused by the emulator with an error the reference
    /// documents; the status and the error's sentence.
    async fn refused(&self, operation: &str, args: Args) -> (u16, String) {
        let err = match self.api.call(operation, args).await {
            Ok(answer) => panic!("{operation} was accepted: {answer}"),
            Err(Error::Api(err)) => err,
            Err(other) => panic!("{operation} failed otherwise: {other}"),
        };
        if let Some(reference) = &self.reference {
            reference.check(operation, err.status, &err.body);
        }
        let text = err.body["Error"].as_str().unwrap_or_default().to_owned();
        (err.status, text)
    }

    /// Waits for the task a change's answer names in `Detail.Message.TaskId`; the task.
    async fn settle(&self, answer: &Value) -> Value {
        assert_eq!(answer["Detail"]["OperationStatus"], "STARTED", "{answer}");
        assert!(
            answer["Detail"]["Message"]["TaskId"].is_string(),
            "{answer}"
        );
        self.client
            .wait_for_response(
                answer,
                WaitOptions {
                    timeout: Duration::from_secs(30),
                    initial_interval: Duration::from_millis(100),
                    max_interval: Duration::from_millis(300),
                    on_progress: None,
                },
            )
            .await
            .unwrap_or_else(|e| panic!("the task of {answer} failed: {e}"))
    }

    /// Makes a change and waits for its task; its answer.
    async fn change(&self, operation: &str, args: Args) -> Value {
        let answer = self.ok(operation, args).await;
        self.settle(&answer).await;
        answer
    }

    /// One record read by its id (`param`), with `status` when given; `None` on a 404.
    async fn one(&self, (operation, key): (&str, &str), param: &str, id: &str) -> Option<Value> {
        self.one_with(operation, key, Args::new().set(param, id))
            .await
    }

    async fn one_with(&self, operation: &str, key: &str, args: Args) -> Option<Value> {
        match self.api.call(operation, args).await {
            Ok(answer) => {
                if let Some(reference) = &self.reference {
                    reference.check(operation, 200, &answer);
                }
                let list = answer[key].as_array().expect("a list");
                assert_eq!(list.len(), 1, "{answer}");
                Some(list[0].clone())
            }
            Err(Error::Api(err)) if err.status == 404 => {
                if let Some(reference) = &self.reference {
                    reference.check(operation, 404, &err.body);
                }
                None
            }
            Err(other) => panic!("{operation}: {other}"),
        }
    }

    /// The ids a list answers under `key`.
    async fn ids(&self, operation: &str, key: &str, args: Args) -> Vec<String> {
        let answer = self.ok(operation, args).await;
        answer[key]
            .as_array()
            .expect("a list")
            .iter()
            .map(|r| r["Id"].as_str().unwrap().to_owned())
            .collect()
    }

    /// The demo hub and its account's id.
    async fn hub(&self) -> (Value, String) {
        let hubs = self.ok("ReadHubs", args! {}).await;
        let hub = hubs["Hubs"][0].clone();
        let account = hub["AccountId"].as_str().unwrap().to_owned();
        (hub, account)
    }

    /// An `ACTIVE` VPC of the hub: one with a virtual private gateway (`vgw`), or its transit
    /// VPC (which has none).
    async fn vpc(&self, hub: &str, vgw: bool) -> Value {
        let vpcs = self.ok("ReadVpcs", args! {"hub_id" => hub}).await;
        vpcs["Vpcs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| {
                if vgw {
                    v["CreateVgw"] == true
                } else {
                    v["Type"] == "TRANSIT"
                }
            })
            .cloned()
            .unwrap_or_else(|| panic!("the demo hub has such a VPC: {vpcs}"))
    }
}

#[test]
fn the_reference_check_refuses_what_the_document_does_not_allow() {
    let Some(reference) = Reference::load() else {
        return;
    };
    reference.check("ReadDnsRules", 404, &json!({"Error": "no such rule"}));
    // Networking records are closed: a field the document does not name breaks it.
    let bad = json!({"DnsRules": [{"Id": "0b1d2c3e-0000-4000-8000-00000000000a", "Name": "r1",
        "DomainName": "a.example.com", "DnsResolverId": "0b1d2c3e-0000-4000-8000-00000000000b",
        "ForwarderIpAddresses": [], "OrganisationId": "0b1d2c3e-0000-4000-8000-00000000000c"}]});
    let errors = reference.violations("ReadDnsRules", 200, &bad);
    assert!(
        errors.iter().any(|e| e.contains("OrganisationId")),
        "{errors:?}"
    );
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

/// Whether `addr` lies in `network/prefix`.
fn inside(addr: Ipv4Addr, (network, prefix): (Ipv4Addr, u32)) -> bool {
    let mask = u32::MAX.checked_shl(32 - prefix).unwrap_or(0);
    u32::from(addr) & mask == u32::from(network) & mask
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dns_resolvers_and_rules_walk_their_statuses() {
    let net = Net::start("net-dns").await;
    let (hub, _) = net.hub().await;
    let hub_id = text(&hub, "Id");
    const RESOLVERS: (&str, &str) = ("ReadDnsResolvers", "DnsResolvers");
    const RULES: (&str, &str) = ("ReadDnsRules", "DnsRules");

    // The demo hub's resolver holds a rule: it does not go, and a hub has one resolver.
    let demo = net
        .ids(RESOLVERS.0, RESOLVERS.1, args! {"hub_id" => hub_id})
        .await;
    assert_eq!(demo.len(), 1);
    let (status, error) = net
        .refused("DeleteDnsResolver", args! {"dns_resolver_id" => demo[0]})
        .await;
    assert_eq!(status, 400);
    assert!(error.contains("still has 1 DNS rule(s)"), "{error}");
    let (status, error) = net
        .refused(
            "CreateDnsResolver",
            args! {"hub_id" => hub_id, "Name" => "second", "NumberOfInterfaces" => 2},
        )
        .await;
    assert_eq!(status, 400);
    assert!(error.contains("already has DNS resolver"), "{error}");
    let rules = net
        .ids(RULES.0, RULES.1, args! {"dns_resolver_id" => demo[0]})
        .await;
    net.change("DeleteDnsRule", args! {"dns_rule_id" => rules[0]})
        .await;
    net.change("DeleteDnsResolver", args! {"dns_resolver_id" => demo[0]})
        .await;
    // Gone from lists and reads by id, readable when DELETED is asked for.
    assert!(
        net.one(RESOLVERS, "dns_resolver_id", &demo[0])
            .await
            .is_none()
    );
    let gone = net
        .one_with(
            RESOLVERS.0,
            RESOLVERS.1,
            args! {"dns_resolver_id" => demo[0], "status" => "DELETED"},
        )
        .await
        .unwrap();
    assert_eq!(gone["Status"], "DELETED");
    assert!(net.ids(RESOLVERS.0, RESOLVERS.1, args! {}).await.is_empty());

    // Made: in progress at once, ACTIVE when its task ends, its interfaces in the transit VPC.
    let made = net
        .ok(
            "CreateDnsResolver",
            args! {"hub_id" => hub_id, "Name" => "edge-dns", "NumberOfInterfaces" => 3,
            "Tags" => {"Team": "net"}},
        )
        .await;
    let id = text(&made["Detail"]["DnsResolver"], "Id");
    let task = text(&made["Detail"]["Message"], "TaskId");
    let now = net.one(RESOLVERS, "dns_resolver_id", &id).await.unwrap();
    assert_eq!(now["Status"], "CREATE_IN_PROGRESS");
    assert_eq!(now["UserTaskId"], task.as_str());
    assert_eq!(now["NetworkingHubId"], hub_id.as_str());
    net.settle(&made).await;
    let resolver = net.one(RESOLVERS, "dns_resolver_id", &id).await.unwrap();
    assert_eq!(resolver["Status"], "ACTIVE");
    assert_eq!(resolver["Interfaces"], 3);
    assert_eq!(resolver["Tags"], json!({"Team": "net"}));
    let transit = net.vpc(&hub_id, false).await;
    let (network, prefix) = text(&transit, "Cidr")
        .split_once('/')
        .map(|(a, p)| (a.parse::<Ipv4Addr>().unwrap(), p.parse::<u32>().unwrap()))
        .unwrap();
    let inbound = addresses(&resolver["InboundIpAddresses"]);
    let outbound = addresses(&resolver["OutboundIpAddresses"]);
    let mut all: Vec<Ipv4Addr> = inbound.iter().chain(&outbound).copied().collect();
    assert_eq!(all.len(), 6);
    for addr in &all {
        assert!(
            inside(*addr, (network, prefix)),
            "{addr} outside {network}/{prefix}"
        );
        // Past the four addresses AWS keeps at the start of a subnet.
        assert!(u32::from(*addr) - u32::from(network) >= 4, "{addr}");
    }
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 6, "every interface address differs");
    // Listed: everywhere, under its hub.
    assert_eq!(
        net.ids(RESOLVERS.0, RESOLVERS.1, args! {}).await,
        [id.as_str()]
    );
    assert_eq!(
        net.ids(RESOLVERS.0, RESOLVERS.1, args! {"hub_id" => hub_id})
            .await,
        [id.as_str()]
    );

    // Changed: under way at once with the old values; a second change meanwhile is refused;
    // the new values when the task ends, the addresses in use kept.
    let update = net
        .ok(
            "UpdateDnsResolver",
            args! {"dns_resolver_id" => id, "Name" => "edge-dns-2", "NumberOfInterfaces" => 2},
        )
        .await;
    let now = net.one(RESOLVERS, "dns_resolver_id", &id).await.unwrap();
    assert_eq!(now["Status"], "UPDATE_IN_PROGRESS");
    assert_eq!(now["Name"], "edge-dns");
    let (status, error) = net
        .refused(
            "UpdateDnsResolver",
            args! {"dns_resolver_id" => id, "Name" => "meanwhile"},
        )
        .await;
    assert_eq!(status, 400, "networking answers no 409");
    assert!(error.contains("in progress"), "{error}");
    net.settle(&update).await;
    let now = net.one(RESOLVERS, "dns_resolver_id", &id).await.unwrap();
    assert_eq!(now["Status"], "ACTIVE");
    assert_eq!(now["Name"], "edge-dns-2");
    assert_eq!(now["Interfaces"], 2);
    assert_eq!(addresses(&now["InboundIpAddresses"]), inbound[..2]);
    assert_eq!(addresses(&now["OutboundIpAddresses"]), outbound[..2]);

    // A rule under it: made, read, listed, changed, deleted.
    let made = net
        .change(
            "CreateDnsRule",
            args! {"dns_resolver_id" => id, "Name" => "corp", "DomainName" => "corp.example.com",
            "ForwarderIpAddresses" => ["192.168.1.10"]},
        )
        .await;
    let rule_id = text(&made["Detail"]["DnsRule"], "Id");
    let rule = net.one(RULES, "dns_rule_id", &rule_id).await.unwrap();
    assert_eq!(rule["Status"], "ACTIVE");
    assert_eq!(rule["DnsResolverId"], id.as_str());
    assert_eq!(rule["DomainName"], "corp.example.com");
    assert!(text(&rule, "AwsRuleId").starts_with("rslvr-rr-"), "{rule}");
    assert_eq!(
        net.ids(RULES.0, RULES.1, args! {"dns_resolver_id" => id})
            .await,
        [rule_id.as_str()]
    );
    assert_eq!(
        net.ids(RULES.0, RULES.1, args! {}).await,
        [rule_id.as_str()]
    );
    net.change(
        "UpdateDnsRule",
        args! {"dns_rule_id" => rule_id, "ForwarderIpAddresses" => ["192.168.1.10", "192.168.1.11"],
        "Name" => "corp-2"},
    )
    .await;
    let rule = net.one(RULES, "dns_rule_id", &rule_id).await.unwrap();
    assert_eq!(rule["Name"], "corp-2");
    assert_eq!(
        rule["ForwarderIpAddresses"],
        json!(["192.168.1.10", "192.168.1.11"])
    );
    let delete = net
        .ok("DeleteDnsRule", args! {"dns_rule_id" => rule_id})
        .await;
    let now = net
        .one_with(
            RULES.0,
            RULES.1,
            args! {"dns_rule_id" => rule_id, "status" => "DELETE_IN_PROGRESS"},
        )
        .await
        .unwrap();
    assert_eq!(now["Status"], "DELETE_IN_PROGRESS");
    net.settle(&delete).await;
    assert!(net.one(RULES, "dns_rule_id", &rule_id).await.is_none());
    net.change("DeleteDnsResolver", args! {"dns_resolver_id" => id})
        .await;
    assert!(net.one(RESOLVERS, "dns_resolver_id", &id).await.is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dns_refuses_what_breaks_its_address_rules() {
    let net = Net::start("net-dns-rules").await;
    let (hub, _) = net.hub().await;
    let hub_id = text(&hub, "Id");
    let resolver = net
        .ids(
            "ReadDnsResolvers",
            "DnsResolvers",
            args! {"hub_id" => hub_id},
        )
        .await
        .remove(0);
    // Interfaces: 2 to 6.
    for count in [1, 7] {
        let (status, error) = net
            .refused(
                "UpdateDnsResolver",
                args! {"dns_resolver_id" => resolver, "NumberOfInterfaces" => count},
            )
            .await;
        assert_eq!(status, 400);
        assert!(error.contains("2 to 6 interfaces"), "{error}");
    }
    // Forwarders: IPv4 addresses, written canonically, once each, at least one.
    let rule = |forwarders: Value, domain: &str| {
        args! {"dns_resolver_id" => resolver, "Name" => "rule", "DomainName" => domain,
        "ForwarderIpAddresses" => forwarders}
    };
    for (forwarders, says) in [
        (json!(["10.0.0.256"]), "is not an IPv4 address"),
        (json!(["10.0.0.010"]), "is not an IPv4 address"),
        (json!(["10.0.0.1", "10.0.0.1"]), "more than once"),
        (json!([]), "is empty"),
    ] {
        let (status, error) = net
            .refused(
                "CreateDnsRule",
                rule(forwarders.clone(), "other.example.com"),
            )
            .await;
        assert_eq!(status, 400, "{forwarders}");
        assert!(error.contains(says), "{forwarders}: {error}");
    }
    // A domain is forwarded once per resolver (the demo's rule has corp.example.com).
    let (status, error) = net
        .refused(
            "CreateDnsRule",
            rule(json!(["10.9.9.9"]), "corp.example.com"),
        )
        .await;
    assert_eq!(status, 400);
    assert!(error.contains("already forwarded"), "{error}");
    // Reads answer 404 (never 400) for an id that is not one, and nothing for an unknown
    // status.
    let (status, _) = net
        .refused("ReadDnsRules", args! {"dns_rule_id" => "not-an-id"})
        .await;
    assert_eq!(status, 404);
    assert!(
        net.ids("ReadDnsRules", "DnsRules", args! {"status" => "NOPE"})
            .await
            .is_empty()
    );
    // A change needs an administrator; reads do not.
    let reader = read_only_client(&net).await;
    let networking = reader.service("networking");
    let err = networking
        .call("DeleteDnsRule", args! {"dns_rule_id" => resolver})
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::Api(e) if e.status == 403), "{err}");
    let read = networking.call("ReadDnsRules", args! {}).await.unwrap();
    assert_eq!(read["DnsRules"].as_array().unwrap().len(), 1);
}

/// A client signed in with a new `api_readonly` token of the emulator's organisation.
async fn read_only_client(net: &Net) -> StaxClient {
    let made = net
        .client
        .call(
            "teams",
            "CreateApiToken",
            args! {"Name" => "reader", "Role" => "api_readonly"},
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
    let (hub, account) = net.hub().await;
    let hub_id = text(&hub, "Id");
    const GATEWAYS: (&str, &str) = ("ReadDxGateways", "DxGateways");
    const VIFS: (&str, &str) = ("ReadDxVifs", "DxVifs");
    const ASSOCIATIONS: (&str, &str) = ("ReadDxAssociations", "DxAssociations");

    // The account's connections (AWS's): one available; none in other states; 404 for an
    // account the organisation does not have.
    let connections = net
        .ok("ReadDxConnections", args! {"account_id" => account})
        .await;
    let connection = connections["DxConnections"][0].clone();
    assert_eq!(connection["ConnectionState"], "available");
    let connection_id = text(&connection, "ConnectionId");
    let down = net
        .ok(
            "ReadDxConnections",
            args! {"account_id" => account, "state" => "down,deleted"},
        )
        .await;
    assert_eq!(down["DxConnections"], json!([]));
    let (status, _) = net
        .refused(
            "ReadDxConnections",
            args! {"account_id" => "0b1d2c3e-0000-4000-8000-00000000000a"},
        )
        .await;
    assert_eq!(status, 404);

    // A private gateway with a VIF, by one task.
    let key = "s3cret-bgp-key";
    let made = net
        .ok(
            "CreateDxResource",
            args! {
                "Gateway" => {"Name": "private-dx", "Asn": 64700, "AccountId": account,
                              "GatewayType": "PRIVATE"},
                "Vif" => {"Name": "vif-a", "AwsConnectionId": connection_id, "Vlan": 200,
                          "Asn": 65020, "RouterIp": "169.254.20.1/30",
                          "AwsRouterIp": "169.254.20.2/30", "BgpAuthKey": key,
                          "JumboMtu": false, "Tags": {"Site": "syd"}}
            },
        )
        .await;
    let gateway = text(&made["Detail"]["DxResource"]["Gateway"], "Id");
    let vif = text(&made["Detail"]["DxResource"]["Vif"], "Id");
    let now = net.one(GATEWAYS, "dx_gateway_id", &gateway).await.unwrap();
    assert_eq!(now["Status"], "CREATE_IN_PROGRESS");
    assert_eq!(now["AwsGatewayId"], Value::Null);
    let state = net.ok("ReadDxVifStatus", args! {"dx_vif_id" => vif}).await;
    assert_eq!(state["DxVifStatus"][0]["BgpStatus"], "unknown");
    net.settle(&made).await;
    let now = net.one(GATEWAYS, "dx_gateway_id", &gateway).await.unwrap();
    assert_eq!(now["Status"], "ACTIVE");
    assert_eq!(now["GatewayType"], "PRIVATE");
    assert!(now["AwsGatewayId"].is_string());
    let read = net.one(VIFS, "dx_vif_id", &vif).await.unwrap();
    assert_eq!(read["Status"], "ACTIVE");
    assert_eq!(read["VifType"], "PRIVATE");
    assert_eq!(read["DxGatewayId"], gateway.as_str());
    assert_eq!(read["Region"], connection["Region"]);
    assert!(text(&read, "AwsVifId").starts_with("dxvif-"));
    let state = net.ok("ReadDxVifStatus", args! {"dx_vif_id" => vif}).await;
    assert_eq!(state["DxVifStatus"][0]["BgpStatus"], "up");
    // A second VIF on the same gateway, named by it.
    let second = net
        .change(
            "CreateDxResource",
            args! {"Vif" => {"Name": "vif-b", "AwsConnectionId": connection_id, "Vlan": 201,
            "Asn": 65020, "RouterIp": "169.254.21.1/30",
            "AwsRouterIp": "169.254.21.2/30", "BgpAuthKey": key,
            "JumboMtu": true, "DxGatewayId": gateway}},
        )
        .await;
    assert!(
        second["Detail"]["DxResource"].get("Gateway").is_none(),
        "{second}"
    );
    let second = text(&second["Detail"]["DxResource"]["Vif"], "Id");
    let mut listed = net
        .ids(VIFS.0, VIFS.1, args! {"dx_gateway_id" => gateway})
        .await;
    listed.sort();
    let mut both = vec![vif.clone(), second.clone()];
    both.sort();
    assert_eq!(listed, both);
    assert!(net.ids(VIFS.0, VIFS.1, args! {}).await.contains(&second));
    // The BGP key is kept, never shown.
    let all = net.ok(VIFS.0, args! {}).await;
    assert!(!all.to_string().contains(key), "{all}");
    net.change(
        "UpdateDxVif",
        args! {"dx_vif_id" => vif, "JumboMtu" => true, "Tags" => {"Site": "mel"}},
    )
    .await;
    let read = net.one(VIFS, "dx_vif_id", &vif).await.unwrap();
    assert_eq!(read["JumboMtu"], true);
    assert_eq!(read["Tags"], json!({"Site": "mel"}));
    assert!(!read.to_string().contains(key));

    // An association with a VPC that has a virtual private gateway.
    let vpc = net.vpc(&hub_id, true).await;
    let vpc_id = text(&vpc, "Id");
    let made = net
        .change(
            "CreateDxAssociation",
            args! {"dx_gateway_id" => gateway, "VpcId" => vpc_id, "Prefixes" => [vpc["Cidr"]]},
        )
        .await;
    let association = text(&made["Detail"]["DxAssociation"], "Id");
    let read = net
        .one_with(
            ASSOCIATIONS.0,
            ASSOCIATIONS.1,
            args! {"dx_association_id" => association, "status" => "ACTIVE"},
        )
        .await
        .unwrap();
    assert_eq!(read["VpcId"], vpc_id.as_str());
    assert_eq!(read["NetworkingHubId"], hub_id.as_str());
    assert_eq!(read["Prefixes"], json!([vpc["Cidr"]]));
    assert!(read["AwsAssociationId"].is_string());
    assert!(
        net.ids(ASSOCIATIONS.0, ASSOCIATIONS.1, args! {})
            .await
            .contains(&association)
    );
    assert!(
        net.ids(
            ASSOCIATIONS.0,
            ASSOCIATIONS.1,
            args! {"dx_gateway_id" => gateway}
        )
        .await
        .contains(&association)
    );
    assert!(
        net.ids(ASSOCIATIONS.0, ASSOCIATIONS.1, args! {"hub_id" => hub_id})
            .await
            .contains(&association)
    );
    assert!(
        net.ids(GATEWAYS.0, GATEWAYS.1, args! {"hub_id" => hub_id})
            .await
            .contains(&gateway)
    );
    net.change(
        "UpdateDxAssociation",
        args! {"dx_association_id" => association, "Prefixes" => ["10.0.8.0/23", "10.0.10.0/23"]},
    )
    .await;
    let read = net
        .one(ASSOCIATIONS, "dx_association_id", &association)
        .await
        .unwrap();
    assert_eq!(read["Prefixes"], json!(["10.0.8.0/23", "10.0.10.0/23"]));

    // The gateway goes once its VIFs and association have gone.
    let (status, error) = net
        .refused("DeleteDxGateway", args! {"dx_gateway_id" => gateway})
        .await;
    assert_eq!(status, 400);
    assert!(error.contains("2 DX VIF(s)"), "{error}");
    assert!(error.contains("1 DX association(s)"), "{error}");
    net.change(
        "DeleteDxAssociation",
        args! {"dx_association_id" => association},
    )
    .await;
    for id in [&vif, &second] {
        net.change("DeleteDxVif", args! {"dx_vif_id" => id}).await;
    }
    let state = net.ok("ReadDxVifStatus", args! {"dx_vif_id" => vif}).await;
    assert_eq!(state["DxVifStatus"][0]["BgpStatus"], "down");
    net.change("DeleteDxGateway", args! {"dx_gateway_id" => gateway})
        .await;
    assert!(net.one(GATEWAYS, "dx_gateway_id", &gateway).await.is_none());
    assert!(
        !net.ids(GATEWAYS.0, GATEWAYS.1, args! {"hub_id" => hub_id})
            .await
            .contains(&gateway)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn direct_connect_refuses_what_breaks_its_rules() {
    let net = Net::start("net-dx-rules").await;
    let (hub, account) = net.hub().await;
    let hub_id = text(&hub, "Id");
    let connections = net
        .ok("ReadDxConnections", args! {"account_id" => account})
        .await;
    let connection = text(&connections["DxConnections"][0], "ConnectionId");
    let demo = net.ok("ReadDxGateways", args! {}).await["DxGateways"][0].clone();
    let demo_gateway = text(&demo, "Id");
    let vif = |vlan: i64, router: &str, aws: &str, key: &str| {
        json!({"Name": "vif", "AwsConnectionId": connection, "Vlan": vlan, "Asn": 65020,
               "RouterIp": router, "AwsRouterIp": aws, "BgpAuthKey": key, "JumboMtu": false,
               "DxGatewayId": demo_gateway})
    };
    let refused = |body: Args| net.refused("CreateDxResource", body);
    let cases: Vec<(Args, u16, &str)> = vec![
        (args! {}, 400, "Give a Gateway"),
        (
            args! {"Gateway" => {"Name": "gw", "Asn": 100, "AccountId": account, "GatewayType": "TRANSIT"}},
            400,
            "Gateway.Asn 100 is not a private ASN",
        ),
        (
            args! {"Gateway" => {"Name": "gw", "Asn": 64700, "AccountId": "0b1d2c3e-0000-4000-8000-00000000000a", "GatewayType": "TRANSIT"}},
            404,
            "Gateway.AccountId",
        ),
        // The demo VIF has VLAN 101 and 169.254.10.0/30 on this connection.
        (
            args! {"Vif" => vif(101, "169.254.30.1/30", "169.254.30.2/30", "long-enough")},
            400,
            "Vif.Vlan 101 is taken",
        ),
        (
            args! {"Vif" => vif(4095, "169.254.30.1/30", "169.254.30.2/30", "long-enough")},
            400,
            "Vif.Vlan 4095 is no VLAN",
        ),
        (
            args! {"Vif" => vif(300, "169.254.30.1/30", "169.254.31.2/30", "long-enough")},
            400,
            "different subnets",
        ),
        (
            args! {"Vif" => vif(300, "169.254.30.0/30", "169.254.30.1/30", "long-enough")},
            400,
            "first and last addresses are not hosts",
        ),
        (
            args! {"Vif" => vif(300, "169.254.30.1", "169.254.30.2/30", "long-enough")},
            400,
            "with a prefix length",
        ),
        (
            args! {"Vif" => vif(300, "169.254.10.5/29", "169.254.10.6/29", "long-enough")},
            400,
            "shares subnet 169.254.10.0/30",
        ),
        (
            args! {"Vif" => vif(300, "169.254.30.1/30", "169.254.30.2/30", "short")},
            400,
            "Vif.BgpAuthKey must be 6 to 80 characters",
        ),
        (
            args! {"Vif" => {"Name": "vif", "AwsConnectionId": "dxcon-ffffffff", "Vlan": 300, "Asn": 65020,
            "RouterIp": "169.254.30.1/30", "AwsRouterIp": "169.254.30.2/30",
            "BgpAuthKey": "long-enough", "JumboMtu": false, "DxGatewayId": demo_gateway}},
            400,
            "is no Direct Connect connection",
        ),
        (
            args! {"Vif" => {"Name": "vif", "AwsConnectionId": connection, "Vlan": 300, "Asn": 65020,
            "RouterIp": "169.254.30.1/30", "AwsRouterIp": "169.254.30.2/30",
            "BgpAuthKey": "long-enough", "JumboMtu": false}},
            400,
            "Vif.DxGatewayId: name the gateway",
        ),
        (
            args! {"Vif" => {"Name": "vif", "AwsConnectionId": connection, "Vlan": 300, "Asn": 65020,
            "RouterIp": "169.254.30.1/30", "AwsRouterIp": "169.254.30.2/30",
            "BgpAuthKey": "long-enough", "JumboMtu": false,
            "DxGatewayId": "0b1d2c3e-0000-4000-8000-00000000000a"}},
            404,
            "Vif.DxGatewayId",
        ),
        (
            args! {"Gateway" => {"Name": "gw", "Asn": 64700, "AccountId": account, "GatewayType": "TRANSIT"},
            "Vif" => vif(300, "169.254.30.1/30", "169.254.30.2/30", "long-enough")},
            400,
            "leave it out when a Gateway is given",
        ),
    ];
    for (body, status, says) in cases {
        let (got, error) = refused(body).await;
        assert_eq!(got, status, "{says}: {error}");
        assert!(error.contains(says), "{says}: {error}");
        assert!(!error.contains("short"), "a BGP key never shows: {error}");
    }

    // Associations: the gateway's type decides what it joins; BGP needs two ASNs; a pair
    // once; advertised blocks written canonically.
    let transit_vpc = net.vpc(&hub_id, false).await;
    let vgw_vpc = net.vpc(&hub_id, true).await;
    let associate = |gateway: &str, body: Value| {
        let mut args = Args::from(body);
        args = args.set("dx_gateway_id", gateway);
        net.refused("CreateDxAssociation", args)
    };
    let (status, error) = associate(
        &demo_gateway,
        json!({"VpcId": vgw_vpc["Id"], "Prefixes": ["10.0.8.0/22"]}),
    )
    .await;
    assert_eq!(status, 400);
    assert!(error.contains("only a PRIVATE gateway"), "{error}");
    let (status, error) = associate(
        &demo_gateway,
        json!({"NetworkingHubId": hub_id, "Prefixes": ["10.0.0.0/16"]}),
    )
    .await;
    assert_eq!(status, 400);
    assert!(error.contains("already joins this gateway"), "{error}");
    let same_asn = net
        .change(
            "CreateDxResource",
            args! {"Gateway" => {"Name": "same-asn", "Asn": hub["Asn"], "AccountId": account,
            "GatewayType": "TRANSIT"}},
        )
        .await;
    let same_asn = text(&same_asn["Detail"]["DxResource"]["Gateway"], "Id");
    let (status, error) = associate(
        &same_asn,
        json!({"NetworkingHubId": hub_id, "Prefixes": ["10.0.0.0/16"]}),
    )
    .await;
    assert_eq!(status, 400);
    assert!(error.contains("BGP needs them to differ"), "{error}");
    let (status, error) = associate(
        &same_asn,
        json!({"NetworkingHubId": "0b1d2c3e-0000-4000-8000-00000000000a", "Prefixes": ["10.0.0.0/16"]}),
    )
    .await;
    assert_eq!(status, 404, "{error}");
    let private = net
        .change(
            "CreateDxResource",
            args! {"Gateway" => {"Name": "private", "Asn": 64701, "AccountId": account,
            "GatewayType": "PRIVATE"}},
        )
        .await;
    let private = text(&private["Detail"]["DxResource"]["Gateway"], "Id");
    let (status, error) = associate(
        &private,
        json!({"VpcId": transit_vpc["Id"], "Prefixes": ["10.0.0.0/22"]}),
    )
    .await;
    assert_eq!(status, 400);
    assert!(error.contains("has no virtual private gateway"), "{error}");
    for (prefixes, says) in [
        (json!(["10.0.8.1/22"]), "host bits"),
        (json!(["10.0.8.0/22", "10.0.8.0/22"]), "more than once"),
        (json!([]), "Prefixes is empty"),
    ] {
        let (status, error) = associate(
            &private,
            json!({"VpcId": vgw_vpc["Id"], "Prefixes": prefixes}),
        )
        .await;
        assert_eq!(status, 400, "{prefixes}");
        assert!(error.contains(says), "{prefixes}: {error}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vpn_customer_gateways_and_connections_walk_their_statuses() {
    let net = Net::start("net-vpn").await;
    let (hub, account) = net.hub().await;
    let hub_id = text(&hub, "Id");
    let region = text(&hub, "Region");
    const GATEWAYS: (&str, &str) = ("ReadVpnCustomerGateways", "VpnCustomerGateways");
    const CONNECTIONS: (&str, &str) = ("ReadVpnConnections", "VpnConnections");

    let made = net
        .ok(
            "CreateVpnCustomerGateway",
            args! {"Name" => "branch", "Asn" => 65001, "IpAddress" => "198.51.100.7",
            "AccountId" => account, "Region" => region, "Tags" => {"Site": "branch"}},
        )
        .await;
    let gateway = text(&made["Detail"]["VpnCustomerGateway"], "Id");
    let now = net
        .one(GATEWAYS, "vpn_customer_gateway_id", &gateway)
        .await
        .unwrap();
    assert_eq!(now["Status"], "CREATE_IN_PROGRESS");
    assert_eq!(now["AwsVpnCustomerGatewayId"], Value::Null);
    net.settle(&made).await;
    let now = net
        .one(GATEWAYS, "vpn_customer_gateway_id", &gateway)
        .await
        .unwrap();
    assert_eq!(now["Status"], "ACTIVE");
    assert_eq!(now["IpAddress"], "198.51.100.7");
    assert!(text(&now, "AwsVpnCustomerGatewayId").starts_with("cgw-"));
    assert!(
        net.ids(GATEWAYS.0, GATEWAYS.1, args! {})
            .await
            .contains(&gateway)
    );
    // Not the hub's until a connection joins them.
    assert!(
        !net.ids(GATEWAYS.0, GATEWAYS.1, args! {"hub_id" => hub_id})
            .await
            .contains(&gateway)
    );
    net.change(
        "UpdateVpnCustomerGateway",
        args! {"vpn_customer_gateway_id" => gateway, "Name" => "branch-2"},
    )
    .await;
    let now = net
        .one(GATEWAYS, "vpn_customer_gateway_id", &gateway)
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
            args! {"vpn_customer_gateway_id" => gateway, "Name" => "branch-hub",
            "NetworkingHubId" => hub_id, "ImprovedAcceleration" => true},
        )
        .await;
    let to_hub = text(&made["Detail"]["VpnConnection"], "Id");
    let tunnels = net
        .ok(
            "ReadVpnConnectionStatus",
            args! {"vpn_connection_id" => to_hub},
        )
        .await;
    assert_eq!(tunnels["VpnConnectionStatus"][0]["TunnelStatus"], "down");
    net.settle(&made).await;
    let tunnels = net
        .ok(
            "ReadVpnConnectionStatus",
            args! {"vpn_connection_id" => to_hub},
        )
        .await;
    assert_eq!(
        tunnels["VpnConnectionStatus"],
        json!([{"TunnelName": "Tunnel1", "TunnelStatus": "up"},
               {"TunnelName": "Tunnel2", "TunnelStatus": "up"}])
    );
    let read = net
        .one(CONNECTIONS, "vpn_connection_id", &to_hub)
        .await
        .unwrap();
    assert_eq!(read["VpnConnectionType"], "HUB");
    assert_eq!(read["RoutingType"], "DYNAMIC");
    assert_eq!(read["ImprovedAcceleration"], true);
    assert_eq!(read["VpcId"], Value::Null);
    assert!(text(&read, "AwsVpnConnectionId").starts_with("vpn-"));
    // A connection to a VPC with a virtual private gateway.
    let vpc = net.vpc(&hub_id, true).await;
    let made = net
        .change(
            "CreateVpnConnection",
            args! {"vpn_customer_gateway_id" => gateway, "Name" => "branch-vpc",
            "VpcId" => vpc["Id"]},
        )
        .await;
    let to_vpc = text(&made["Detail"]["VpnConnection"], "Id");
    let read = net
        .one(CONNECTIONS, "vpn_connection_id", &to_vpc)
        .await
        .unwrap();
    assert_eq!(read["VpnConnectionType"], "VPC");
    assert_eq!(read["VpcId"], vpc["Id"]);
    assert_eq!(read["NetworkingHubId"], hub_id.as_str());
    assert_eq!(read["ImprovedAcceleration"], false);
    // Listed by customer gateway and by hub (its own and its VPCs').
    let mut mine = net
        .ids(
            CONNECTIONS.0,
            CONNECTIONS.1,
            args! {"vpn_customer_gateway_id" => gateway},
        )
        .await;
    mine.sort();
    let mut both = vec![to_hub.clone(), to_vpc.clone()];
    both.sort();
    assert_eq!(mine, both);
    let all = net.ids(CONNECTIONS.0, CONNECTIONS.1, args! {}).await;
    assert!(all.contains(&to_hub) && all.contains(&to_vpc));
    let of_hub = net
        .ids(CONNECTIONS.0, CONNECTIONS.1, args! {"hub_id" => hub_id})
        .await;
    assert!(of_hub.contains(&to_hub) && of_hub.contains(&to_vpc));
    assert!(
        net.ids(GATEWAYS.0, GATEWAYS.1, args! {"hub_id" => hub_id})
            .await
            .contains(&gateway)
    );
    net.change(
        "UpdateVpnConnection",
        args! {"vpn_connection_id" => to_vpc, "Name" => "branch-vpc-2", "Tags" => {"A": "b"}},
    )
    .await;
    let read = net
        .one(CONNECTIONS, "vpn_connection_id", &to_vpc)
        .await
        .unwrap();
    assert_eq!(read["Name"], "branch-vpc-2");
    assert_eq!(read["Tags"], json!({"A": "b"}));

    // The customer gateway goes once its connections have gone.
    let (status, error) = net
        .refused(
            "DeleteVpnCustomerGateway",
            args! {"vpn_customer_gateway_id" => gateway},
        )
        .await;
    assert_eq!(status, 400);
    assert!(error.contains("still has 2 VPN connection(s)"), "{error}");
    for id in [&to_hub, &to_vpc] {
        net.change("DeleteVpnConnection", args! {"vpn_connection_id" => id})
            .await;
        assert!(
            net.one(CONNECTIONS, "vpn_connection_id", id)
                .await
                .is_none()
        );
    }
    let tunnels = net
        .ok(
            "ReadVpnConnectionStatus",
            args! {"vpn_connection_id" => to_hub},
        )
        .await;
    assert_eq!(tunnels["VpnConnectionStatus"][1]["TunnelStatus"], "down");
    net.change(
        "DeleteVpnCustomerGateway",
        args! {"vpn_customer_gateway_id" => gateway},
    )
    .await;
    let gone = net
        .one_with(
            GATEWAYS.0,
            GATEWAYS.1,
            args! {"vpn_customer_gateway_id" => gateway, "status" => "DELETED"},
        )
        .await
        .unwrap();
    assert_eq!(gone["Status"], "DELETED");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vpn_refuses_what_breaks_its_rules() {
    let net = Net::start("net-vpn-rules").await;
    let (hub, account) = net.hub().await;
    let hub_id = text(&hub, "Id");
    let region = text(&hub, "Region");
    let gateway = |address: &str, region: &str, name: &str| {
        args! {"Name" => name, "Asn" => 65001, "IpAddress" => address,
        "AccountId" => account, "Region" => region}
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
        let (status, error) = net
            .refused("CreateVpnCustomerGateway", gateway(address, &region, "gw"))
            .await;
        assert_eq!(status, 400, "{address}");
        assert!(error.contains(says), "{address}: {error}");
    }
    let long = "n".repeat(96);
    let (status, error) = net
        .refused(
            "CreateVpnCustomerGateway",
            gateway("198.51.100.9", &region, &long),
        )
        .await;
    assert_eq!(status, 400);
    assert!(error.contains("holds at most 95"), "{error}");
    let (status, _) = net
        .refused(
            "CreateVpnCustomerGateway",
            args! {"Name" => "gw", "Asn" => 65001, "IpAddress" => "198.51.100.9",
            "AccountId" => "0b1d2c3e-0000-4000-8000-00000000000a", "Region" => region},
        )
        .await;
    assert_eq!(status, 404);

    // Connections: one region, a VPC with a virtual private gateway, a pair once.
    let elsewhere = net
        .change(
            "CreateVpnCustomerGateway",
            gateway("198.51.100.9", "us-east-1", "elsewhere"),
        )
        .await;
    let elsewhere = text(&elsewhere["Detail"]["VpnCustomerGateway"], "Id");
    let (status, error) = net
        .refused(
            "CreateVpnConnection",
            args! {"vpn_customer_gateway_id" => elsewhere, "Name" => "conn",
            "NetworkingHubId" => hub_id, "ImprovedAcceleration" => false},
        )
        .await;
    assert_eq!(status, 400);
    assert!(error.contains("in one region"), "{error}");
    let demo = net
        .ids(
            "ReadVpnCustomerGateways",
            "VpnCustomerGateways",
            args! {"hub_id" => hub_id},
        )
        .await
        .remove(0);
    let (status, error) = net
        .refused(
            "CreateVpnConnection",
            args! {"vpn_customer_gateway_id" => demo, "Name" => "conn",
            "NetworkingHubId" => hub_id, "ImprovedAcceleration" => false},
        )
        .await;
    assert_eq!(status, 400);
    assert!(error.contains("already joins customer gateway"), "{error}");
    let transit = net.vpc(&hub_id, false).await;
    let (status, error) = net
        .refused(
            "CreateVpnConnection",
            args! {"vpn_customer_gateway_id" => demo, "Name" => "conn", "VpcId" => transit["Id"]},
        )
        .await;
    assert_eq!(status, 400);
    assert!(error.contains("no virtual private gateway"), "{error}");
    let (status, _) = net
        .refused(
            "CreateVpnConnection",
            args! {"vpn_customer_gateway_id" => demo, "Name" => "conn",
            "NetworkingHubId" => "0b1d2c3e-0000-4000-8000-00000000000a",
            "ImprovedAcceleration" => false},
        )
        .await;
    assert_eq!(status, 404);
    let (status, _) = net
        .refused(
            "CreateVpnConnection",
            args! {"vpn_customer_gateway_id" => "0b1d2c3e-0000-4000-8000-00000000000a",
            "Name" => "conn", "NetworkingHubId" => hub_id, "ImprovedAcceleration" => false},
        )
        .await;
    assert_eq!(status, 404);
    // A customer gateway being deleted takes no connection.
    let going = net
        .ok(
            "DeleteVpnCustomerGateway",
            args! {"vpn_customer_gateway_id" => elsewhere},
        )
        .await;
    let (status, error) = net
        .refused(
            "CreateVpnConnection",
            args! {"vpn_customer_gateway_id" => elsewhere, "Name" => "conn",
            "NetworkingHubId" => hub_id, "ImprovedAcceleration" => false},
        )
        .await;
    assert_eq!(status, 400);
    assert!(error.contains("is DELETE_IN_PROGRESS"), "{error}");
    net.settle(&going).await;
}
