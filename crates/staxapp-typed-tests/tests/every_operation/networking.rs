//! The networking operations in the order each kind needs the other (a hub before its ranges,
//! a range before the VPC carved from it, a gateway before its association, ...), with
//! arguments the emulator's rules accept, and their deletions children first: the order and
//! the bodies of the emulator's whole-API walk (`stax-emulator/tests/whole_api.rs`), through
//! the typed API.
//!
//! A `{name}` string in an argument is the id kept under `name` by an earlier step
//! (`account_id`, an `ACTIVE` account, is given by the walk).

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

/// One call: the operation, its arguments (path and query parameters and body fields), and
/// the ids its answer gives, kept as `(name, pointer)`.
pub struct Step {
    pub operation: &'static str,
    pub args: Value,
    pub keep: &'static [(&'static str, &'static str)],
}

fn step(operation: &'static str, args: Value) -> Step {
    keeping(operation, args, &[])
}

fn keeping(
    operation: &'static str,
    args: Value,
    keep: &'static [(&'static str, &'static str)],
) -> Step {
    Step {
        operation,
        args,
        keep,
    }
}

/// The region of the hubs and of what is made in them.
const REGION: &str = "ap-southeast-2";

/// Every networking operation, made, read, changed, then deleted in reverse.
pub fn plan() -> Vec<Step> {
    let hub = |name: &str, cidr: &str| {
        json!({"Name": name, "AccountId": "{account_id}", "Region": REGION, "Cidr": cidr,
               "CreateNatGateway": false, "CreateInternetGateway": false,
               "PhzSuffix": "typed.internal"})
    };
    vec![
        // Two hubs (the second to peer with), each ACTIVE once its task ends.
        keeping(
            "CreateHub",
            hub("typed-hub-2", "172.20.0.0/16"),
            &[("hub_2", "/Detail/NetworkingHub/Id")],
        ),
        keeping(
            "CreateHub",
            hub("typed-hub", "10.100.0.0/16"),
            &[("hub_id", "/Detail/NetworkingHub/Id")],
        ),
        step("ReadHubs", json!({})),
        step("ReadHubs", json!({"hub_id": "{hub_id}"})),
        step(
            "UpdateHub",
            json!({"hub_id": "{hub_id}", "Description": "typed"}),
        ),
        // A range, and an exclusion inside it.
        keeping(
            "CreateCidrRange",
            json!({"hub_id": "{hub_id}", "Name": "typed-range", "Cidr": "10.101.0.0/16"}),
            &[("range_id", "/Ranges/0/Id")],
        ),
        step("ReadCidrRanges", json!({"hub_id": "{hub_id}"})),
        step("ReadCidrRanges", json!({"range_id": "{range_id}"})),
        step(
            "UpdateCidrRange",
            json!({"range_id": "{range_id}", "Name": "typed-range-2"}),
        ),
        keeping(
            "CreateCidrExclusion",
            json!({"hub_id": "{hub_id}", "Name": "typed-exclusion", "Cidr": "10.101.255.0/24"}),
            &[("exclusion_id", "/Exclusions/0/Id")],
        ),
        step("ReadCidrExclusions", json!({"hub_id": "{hub_id}"})),
        step(
            "ReadCidrExclusions",
            json!({"exclusion_id": "{exclusion_id}"}),
        ),
        step(
            "UpdateCidrExclusion",
            json!({"exclusion_id": "{exclusion_id}", "Description": "kept free"}),
        ),
        // A VPC of the range (not the hub's transit VPC, which changes with its hub).
        keeping(
            "CreateVpc",
            json!({"hub_id": "{hub_id}", "Name": "typed-vpc", "CidrRangeId": "{range_id}",
                   "AccountId": "{account_id}", "Region": REGION, "Size": "SMALL",
                   "Type": "FLAT", "CreateInternetGateway": false,
                   "CreateVirtualPrivateGateway": true}),
            &[("vpc_id", "/Detail/VPC/Id")],
        ),
        step("ReadVpcs", json!({"hub_id": "{hub_id}"})),
        step("ReadVpcs", json!({"vpc_id": "{vpc_id}"})),
        step(
            "UpdateVpc",
            json!({"vpc_id": "{vpc_id}", "Description": "typed"}),
        ),
        // The new hub's one resolver, and a rule of it.
        keeping(
            "CreateDnsResolver",
            json!({"hub_id": "{hub_id}", "Name": "typed-resolver", "NumberOfInterfaces": 2}),
            &[("dns_resolver_id", "/Detail/DnsResolver/Id")],
        ),
        step("ReadDnsResolvers", json!({"hub_id": "{hub_id}"})),
        step(
            "ReadDnsResolvers",
            json!({"dns_resolver_id": "{dns_resolver_id}"}),
        ),
        step(
            "UpdateDnsResolver",
            json!({"dns_resolver_id": "{dns_resolver_id}", "Name": "typed-resolver-2"}),
        ),
        keeping(
            "CreateDnsRule",
            json!({"dns_resolver_id": "{dns_resolver_id}", "Name": "typed-rule",
                   "DomainName": "corp.example.com", "ForwarderIpAddresses": ["10.0.0.2"]}),
            &[("dns_rule_id", "/Detail/DnsRule/Id")],
        ),
        step(
            "ReadDnsRules",
            json!({"dns_resolver_id": "{dns_resolver_id}"}),
        ),
        step("ReadDnsRules", json!({"dns_rule_id": "{dns_rule_id}"})),
        step(
            "UpdateDnsRule",
            json!({"dns_rule_id": "{dns_rule_id}", "ForwarderIpAddresses": ["10.0.0.2", "10.0.0.3"]}),
        ),
        // Direct Connect: the account's connection, a gateway with a VIF on it, the gateway
        // associated with the hub.
        keeping(
            "ReadDxConnections",
            json!({"account_id": "{account_id}"}),
            &[("dx_connection", "/DxConnections/0/ConnectionId")],
        ),
        keeping(
            "CreateDxResource",
            json!({
                "Gateway": {"Name": "typed-dxgw", "Asn": 64600, "AccountId": "{account_id}",
                            "GatewayType": "TRANSIT"},
                "Vif": {"Name": "typed-vif", "AwsConnectionId": "{dx_connection}", "Vlan": 101,
                        "Asn": 65010, "RouterIp": "169.254.10.1/30",
                        "AwsRouterIp": "169.254.10.2/30", "BgpAuthKey": "typed-bgp-key",
                        "JumboMtu": false}
            }),
            &[
                ("dx_gateway_id", "/Detail/DxResource/Gateway/Id"),
                ("dx_vif_id", "/Detail/DxResource/Vif/Id"),
            ],
        ),
        step("ReadDxVifs", json!({"dx_gateway_id": "{dx_gateway_id}"})),
        step("ReadDxVifs", json!({"dx_vif_id": "{dx_vif_id}"})),
        step("ReadDxVifStatus", json!({"dx_vif_id": "{dx_vif_id}"})),
        step(
            "UpdateDxVif",
            json!({"dx_vif_id": "{dx_vif_id}", "JumboMtu": true}),
        ),
        keeping(
            "CreateDxAssociation",
            json!({"dx_gateway_id": "{dx_gateway_id}", "NetworkingHubId": "{hub_id}",
                   "Prefixes": ["10.100.0.0/16"]}),
            &[("dx_association_id", "/Detail/DxAssociation/Id")],
        ),
        step("ReadDxGateways", json!({"hub_id": "{hub_id}"})),
        step(
            "ReadDxGateways",
            json!({"dx_gateway_id": "{dx_gateway_id}"}),
        ),
        step("ReadDxAssociations", json!({"hub_id": "{hub_id}"})),
        step(
            "ReadDxAssociations",
            json!({"dx_association_id": "{dx_association_id}", "status": "ACTIVE"}),
        ),
        step(
            "UpdateDxAssociation",
            json!({"dx_association_id": "{dx_association_id}",
                   "Prefixes": ["10.100.0.0/16", "10.101.0.0/16"]}),
        ),
        // VPN: a customer gateway in the hub's region, and its connection to the hub.
        keeping(
            "CreateVpnCustomerGateway",
            json!({"Name": "typed-cgw", "Asn": 65000, "IpAddress": "203.0.113.10",
                   "AccountId": "{account_id}", "Region": REGION}),
            &[("vpn_customer_gateway_id", "/Detail/VpnCustomerGateway/Id")],
        ),
        step(
            "ReadVpnCustomerGateways",
            json!({"vpn_customer_gateway_id": "{vpn_customer_gateway_id}"}),
        ),
        step(
            "UpdateVpnCustomerGateway",
            json!({"vpn_customer_gateway_id": "{vpn_customer_gateway_id}", "Name": "typed-cgw-2"}),
        ),
        keeping(
            "CreateVpnConnection",
            json!({"vpn_customer_gateway_id": "{vpn_customer_gateway_id}", "Name": "typed-vpn",
                   "NetworkingHubId": "{hub_id}", "ImprovedAcceleration": false}),
            &[("vpn_connection_id", "/Detail/VpnConnection/Id")],
        ),
        step("ReadVpnCustomerGateways", json!({"hub_id": "{hub_id}"})),
        step("ReadVpnConnections", json!({"hub_id": "{hub_id}"})),
        step(
            "ReadVpnConnections",
            json!({"vpn_connection_id": "{vpn_connection_id}"}),
        ),
        step(
            "ReadVpnConnectionStatus",
            json!({"vpn_connection_id": "{vpn_connection_id}"}),
        ),
        step(
            "UpdateVpnConnection",
            json!({"vpn_connection_id": "{vpn_connection_id}", "Name": "typed-vpn-2"}),
        ),
        // The hub peered with the second one.
        keeping(
            "CreateHubPeering",
            json!({"networking_hub_id": "{hub_id}", "Name": "typed-peering",
                   "HubPeeringTarget": "STAX_RESOURCE", "DestinationNetworkingHubId": "{hub_2}"}),
            &[("hub_peering_id", "/Detail/HubPeering/Id")],
        ),
        step(
            "ReadHubHubPeerings",
            json!({"networking_hub_id": "{hub_id}"}),
        ),
        step("ReadHubPeerings", json!({})),
        step(
            "ReadHubPeering",
            json!({"hub_peering_id": "{hub_peering_id}"}),
        ),
        step(
            "UpdateHubPeering",
            json!({"hub_peering_id": "{hub_peering_id}", "Name": "typed-peering-2"}),
        ),
        // Prefix lists: one for the VPC, one routing the hub to the VPN.
        keeping(
            "CreateVpcPrefixList",
            json!({"hub_id": "{hub_id}", "Name": "typed-vpc-list", "MaxEntries": 5,
                   "Entries": ["192.168.1.0/24"], "VpcIds": ["{vpc_id}"]}),
            &[("vpc_list", "/Detail/PrefixList/Id")],
        ),
        keeping(
            "CreateHubPrefixList",
            json!({"hub_id": "{hub_id}", "Name": "typed-hub-list", "MaxEntries": 5,
                   "Entries": ["192.168.0.0/24"], "TargetType": "VPN",
                   "TargetId": "{vpn_connection_id}", "RouteTableTypes": ["FLAT"]}),
            &[("prefix_list_id", "/Detail/PrefixList/Id")],
        ),
        step("ReadHubPrefixLists", json!({"hub_id": "{hub_id}"})),
        step("ReadPrefixLists", json!({})),
        step(
            "ReadPrefixList",
            json!({"prefix_list_id": "{prefix_list_id}"}),
        ),
        step(
            "UpdatePrefixList",
            json!({"prefix_list_id": "{prefix_list_id}",
                   "Entries": ["192.168.0.0/24", "192.168.2.0/24"]}),
        ),
        step(
            "UpdateHubPrefixListAssociation",
            json!({"prefix_list_id": "{prefix_list_id}", "RouteTableTypes": ["FLAT", "ISOLATED"]}),
        ),
        step(
            "UpdateVpcPrefixListAssociation",
            json!({"prefix_list_id": "{vpc_list}", "SubnetTypes": ["PRIVATE"]}),
        ),
        // The lists of every kind, with everything made.
        step("ReadCidrRanges", json!({})),
        step("ReadCidrExclusions", json!({})),
        step("ReadVpcs", json!({})),
        step("ReadDnsResolvers", json!({})),
        step("ReadDnsRules", json!({})),
        step("ReadDxGateways", json!({})),
        step("ReadDxVifs", json!({})),
        step("ReadDxAssociations", json!({})),
        step("ReadVpnCustomerGateways", json!({})),
        step("ReadVpnConnections", json!({})),
        // Everything goes again, what lives under another thing first.
        step("DeletePrefixList", json!({"prefix_list_id": "{vpc_list}"})),
        step(
            "DeletePrefixList",
            json!({"prefix_list_id": "{prefix_list_id}"}),
        ),
        step(
            "DeleteHubPeering",
            json!({"hub_peering_id": "{hub_peering_id}"}),
        ),
        step(
            "DeleteVpnConnection",
            json!({"vpn_connection_id": "{vpn_connection_id}"}),
        ),
        step(
            "DeleteVpnCustomerGateway",
            json!({"vpn_customer_gateway_id": "{vpn_customer_gateway_id}"}),
        ),
        step(
            "DeleteDxAssociation",
            json!({"dx_association_id": "{dx_association_id}"}),
        ),
        step("DeleteDxVif", json!({"dx_vif_id": "{dx_vif_id}"})),
        step(
            "DeleteDxGateway",
            json!({"dx_gateway_id": "{dx_gateway_id}"}),
        ),
        step("DeleteDnsRule", json!({"dns_rule_id": "{dns_rule_id}"})),
        step(
            "DeleteDnsResolver",
            json!({"dns_resolver_id": "{dns_resolver_id}"}),
        ),
        step("DeleteVpc", json!({"vpc_id": "{vpc_id}"})),
        step(
            "DeleteCidrExclusion",
            json!({"exclusion_id": "{exclusion_id}"}),
        ),
        step("DeleteCidrRange", json!({"range_id": "{range_id}"})),
        step("DeleteHub", json!({"hub_id": "{hub_2}"})),
        step("DeleteHub", json!({"hub_id": "{hub_id}"})),
    ]
}

/// The ids the steps have kept, by name.
#[derive(Default)]
pub struct Kept(pub BTreeMap<String, String>);

impl Kept {
    /// `args` with each `{name}` string replaced by the id kept as `name`; the first name
    /// nothing has kept is the error (the step that makes it failed).
    pub fn fill(&self, args: &Value) -> Result<Map<String, Value>, String> {
        match self.filled(args)? {
            Value::Object(map) => Ok(map),
            other => Err(format!("a step's arguments are not an object: {other}")),
        }
    }

    fn filled(&self, value: &Value) -> Result<Value, String> {
        Ok(match value {
            Value::String(s) => match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(name) => Value::String(
                    self.0
                        .get(name)
                        .cloned()
                        .ok_or_else(|| format!("no {name} (the step that makes it failed)"))?,
                ),
                None => value.clone(),
            },
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|v| self.filled(v))
                    .collect::<Result<_, _>>()?,
            ),
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, v)| Ok((k.clone(), self.filled(v)?)))
                    .collect::<Result<_, String>>()?,
            ),
            other => other.clone(),
        })
    }

    /// Keeps the ids `step` names from its `answer`; the first it does not find is the
    /// error.
    pub fn keep(&mut self, step: &Step, answer: &Value) -> Result<(), String> {
        for (name, pointer) in step.keep {
            let id = answer
                .pointer(pointer)
                .and_then(Value::as_str)
                .ok_or_else(|| format!("no {name} at {pointer} in {answer}"))?;
            self.0.insert((*name).to_owned(), id.to_owned());
        }
        Ok(())
    }
}
