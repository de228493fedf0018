//! Single IPv4 addresses in networking requests: a VPN customer gateway's outside address,
//! the servers a DNS rule forwards to, the BGP peer addresses of a Direct Connect VIF, and
//! the addresses a DNS resolver's interfaces take inside the hub's transit VPC.

use std::net::Ipv4Addr;

use ipnet::Ipv4Net;

use super::cidr::PRIVATE_SPACES;

/// Blocks no internet-routable address lies in, besides the private spaces: "this network",
/// shared (carrier-grade NAT), loopback, link-local, IETF protocol assignments,
/// benchmarking, multicast and reserved (with the broadcast address).
const NOT_ROUTABLE: [Ipv4Net; 8] = [
    Ipv4Net::new_assert(Ipv4Addr::new(0, 0, 0, 0), 8),
    Ipv4Net::new_assert(Ipv4Addr::new(100, 64, 0, 0), 10),
    Ipv4Net::new_assert(Ipv4Addr::new(127, 0, 0, 0), 8),
    Ipv4Net::new_assert(Ipv4Addr::new(169, 254, 0, 0), 16),
    Ipv4Net::new_assert(Ipv4Addr::new(192, 0, 0, 0), 24),
    Ipv4Net::new_assert(Ipv4Addr::new(198, 18, 0, 0), 15),
    Ipv4Net::new_assert(Ipv4Addr::new(224, 0, 0, 0), 4),
    Ipv4Net::new_assert(Ipv4Addr::new(240, 0, 0, 0), 4),
];

/// How many addresses AWS keeps at the start of every subnet (network, router, DNS, future
/// use); the last (broadcast) is kept too.
const RESERVED_AT_START: u32 = 4;

/// Why an address was refused. Each message names the field, the value and the fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum AddressError {
    /// Not an IPv4 address in dotted-quad notation.
    #[error(
        "{field} '{value}' is not an IPv4 address: write four decimal numbers from 0 to 255, \
         e.g. 203.0.113.10"
    )]
    Malformed { field: String, value: String },
    /// An address that cannot be reached from the internet.
    #[error(
        "{field} '{value}' is not an internet-routable address ({why}): give the static public \
         address of the device's outside interface"
    )]
    NotRoutable {
        field: String,
        value: String,
        why: &'static str,
    },
    /// The same address twice in one list.
    #[error("{field} lists {address} more than once: give each address once")]
    Duplicate { field: String, address: Ipv4Addr },
    /// An empty list where at least one address is needed.
    #[error("{field} is empty: give at least one address")]
    Empty { field: String },
    /// A BGP peer address not written as an address with its prefix length.
    #[error(
        "{field} '{value}' is not an IPv4 address with a prefix length: write it as the \
         interface's address and its subnet's length, e.g. 169.254.10.1/30"
    )]
    MalformedPeer { field: String, value: String },
    /// Two BGP peer addresses that are not two hosts of one subnet.
    #[error(
        "RouterIp {router} and AwsRouterIp {aws_router} must be two different host addresses \
         of the same subnet ({why})"
    )]
    PeersApart {
        router: Ipv4Net,
        aws_router: Ipv4Net,
        why: &'static str,
    },
    /// A block without the room asked for.
    #[error(
        "{block} has no room for {count} more interface addresses: AWS keeps its first four \
         and its last address, and {taken} are in use"
    )]
    NoRoom {
        block: Ipv4Net,
        count: usize,
        taken: usize,
    },
}

/// Parses `value` (the field `field`) as an IPv4 address in canonical dotted-quad form.
pub(crate) fn parse_address(field: &str, value: &str) -> Result<Ipv4Addr, AddressError> {
    value
        .parse::<Ipv4Addr>()
        .ok()
        .filter(|addr| addr.to_string() == value)
        .ok_or_else(|| AddressError::Malformed {
            field: field.to_owned(),
            value: value.to_owned(),
        })
}

/// Parses the outside address of a VPN customer gateway (`IpAddress`): it must be reachable
/// from the internet. Documentation addresses (`203.0.113.0/24` and the like) are accepted,
/// so examples may use them.
pub(crate) fn parse_public_address(field: &str, value: &str) -> Result<Ipv4Addr, AddressError> {
    let addr = parse_address(field, value)?;
    let why = if PRIVATE_SPACES.iter().any(|space| space.contains(&addr)) {
        Some("it is private, RFC 1918")
    } else if NOT_ROUTABLE.iter().any(|block| block.contains(&addr)) {
        Some("it lies in a reserved block")
    } else {
        None
    };
    match why {
        Some(why) => Err(AddressError::NotRoutable {
            field: field.to_owned(),
            value: value.to_owned(),
            why,
        }),
        None => Ok(addr),
    }
}

/// Parses a list of addresses (the servers a DNS rule forwards to): at least one, each
/// canonical, none twice. The field of an item is named `field[i]`.
pub(crate) fn parse_addresses(field: &str, values: &[&str]) -> Result<Vec<Ipv4Addr>, AddressError> {
    if values.is_empty() {
        return Err(AddressError::Empty {
            field: field.to_owned(),
        });
    }
    let mut addresses: Vec<Ipv4Addr> = Vec::with_capacity(values.len());
    for (i, value) in values.iter().enumerate() {
        let addr = parse_address(&format!("{field}[{i}]"), value)?;
        if addresses.contains(&addr) {
            return Err(AddressError::Duplicate {
                field: field.to_owned(),
                address: addr,
            });
        }
        addresses.push(addr);
    }
    Ok(addresses)
}

/// Checks the BGP peer addresses of a Direct Connect VIF (`RouterIp`, yours, and
/// `AwsRouterIp`, Amazon's), each an address with its prefix length: two different host
/// addresses of one subnet. Returns them parsed, yours first.
pub(crate) fn check_bgp_peers(
    router_ip: &str,
    aws_router_ip: &str,
) -> Result<(Ipv4Net, Ipv4Net), AddressError> {
    let router = parse_peer("RouterIp", router_ip)?;
    let aws_router = parse_peer("AwsRouterIp", aws_router_ip)?;
    let apart = |why| AddressError::PeersApart {
        router,
        aws_router,
        why,
    };
    if router.trunc() != aws_router.trunc() {
        return Err(apart("they lie in different subnets"));
    }
    if router.addr() == aws_router.addr() {
        return Err(apart("they are the same address"));
    }
    // In a /31 both addresses are hosts; in a larger subnet the first and last are not.
    if router.prefix_len() < 31 {
        let edges = [router.network(), router.broadcast()];
        if edges.contains(&router.addr()) || edges.contains(&aws_router.addr()) {
            return Err(apart("a subnet's first and last addresses are not hosts"));
        }
    }
    Ok((router, aws_router))
}

/// The `count` lowest addresses AWS lets an interface take in `block` (past the four it keeps
/// at the start and short of the last) that are not in `taken`: the addresses of a DNS
/// resolver's interfaces in the hub's transit VPC. Deterministic.
pub(crate) fn interface_addresses(
    block: &Ipv4Net,
    taken: &[Ipv4Addr],
    count: usize,
) -> Result<Vec<Ipv4Addr>, AddressError> {
    let first = u64::from(u32::from(block.network())) + u64::from(RESERVED_AT_START);
    let last = u64::from(u32::from(block.broadcast())).saturating_sub(1);
    let picked: Vec<Ipv4Addr> = (first..=last)
        .filter_map(|n| u32::try_from(n).ok().map(Ipv4Addr::from))
        .filter(|addr| !taken.contains(addr))
        .take(count)
        .collect();
    if picked.len() < count {
        return Err(AddressError::NoRoom {
            block: *block,
            count,
            taken: taken.iter().filter(|a| block.contains(*a)).count(),
        });
    }
    Ok(picked)
}

fn parse_peer(field: &str, value: &str) -> Result<Ipv4Net, AddressError> {
    value
        .parse::<Ipv4Net>()
        .ok()
        .filter(|net| net.to_string() == value && value.contains('/'))
        .ok_or_else(|| AddressError::MalformedPeer {
            field: field.to_owned(),
            value: value.to_owned(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(s: &str) -> Ipv4Addr {
        s.parse().unwrap()
    }

    #[test]
    fn addresses_parse_only_in_canonical_form() {
        assert_eq!(parse_address("IpAddress", "10.1.2.3"), Ok(addr("10.1.2.3")));
        for bad in [
            "",
            "10.1.2",
            "10.1.2.256",
            "010.1.2.3",
            " 10.1.2.3",
            "10.1.2.3/32",
            "::1",
        ] {
            let err = parse_address("IpAddress", bad).unwrap_err();
            assert!(matches!(err, AddressError::Malformed { .. }), "{bad}");
            assert!(err.to_string().contains("e.g. 203.0.113.10"));
        }
    }

    #[test]
    fn customer_gateways_need_a_routable_address() {
        for ok in ["203.0.113.10", "52.95.110.1", "8.8.8.8", "198.51.100.7"] {
            assert_eq!(parse_public_address("IpAddress", ok), Ok(addr(ok)), "{ok}");
        }
        let err = parse_public_address("IpAddress", "192.168.1.1").unwrap_err();
        assert_eq!(
            err.to_string(),
            "IpAddress '192.168.1.1' is not an internet-routable address (it is private, RFC \
             1918): give the static public address of the device's outside interface"
        );
        for reserved in [
            "0.0.0.0",
            "100.64.0.1",
            "127.0.0.1",
            "169.254.1.1",
            "192.0.0.8",
            "198.18.0.1",
            "224.0.0.1",
            "240.0.0.1",
            "255.255.255.255",
        ] {
            let err = parse_public_address("IpAddress", reserved).unwrap_err();
            assert!(
                err.to_string().contains("reserved block"),
                "{reserved}: {err}"
            );
        }
    }

    #[test]
    fn forwarders_are_at_least_one_and_distinct() {
        assert_eq!(
            parse_addresses("ForwarderIpAddresses", &["10.0.0.2", "10.0.0.3"]),
            Ok(vec![addr("10.0.0.2"), addr("10.0.0.3")])
        );
        assert_eq!(
            parse_addresses("ForwarderIpAddresses", &[]),
            Err(AddressError::Empty {
                field: "ForwarderIpAddresses".into()
            })
        );
        let err = parse_addresses("ForwarderIpAddresses", &["10.0.0.2", "10.0.0.2"]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "ForwarderIpAddresses lists 10.0.0.2 more than once: give each address once"
        );
        let err = parse_addresses("ForwarderIpAddresses", &["10.0.0.2", "x"]).unwrap_err();
        assert!(err.to_string().starts_with("ForwarderIpAddresses[1] 'x'"));
    }

    #[test]
    fn bgp_peers_are_two_hosts_of_one_subnet() {
        let peers = check_bgp_peers("169.254.10.1/30", "169.254.10.2/30").unwrap();
        assert_eq!(peers.0.addr(), addr("169.254.10.1"));
        assert_eq!(peers.1.addr(), addr("169.254.10.2"));
        assert!(
            check_bgp_peers("10.0.0.0/31", "10.0.0.1/31").is_ok(),
            "a /31 has two hosts"
        );
        let err = check_bgp_peers("169.254.10.1/30", "169.254.10.5/30").unwrap_err();
        assert!(err.to_string().contains("different subnets"), "{err}");
        let err = check_bgp_peers("169.254.10.1/30", "169.254.10.1/30").unwrap_err();
        assert!(err.to_string().contains("same address"), "{err}");
        let err = check_bgp_peers("169.254.10.1/30", "169.254.10.3/30").unwrap_err();
        assert!(err.to_string().contains("not hosts"), "{err}");
        let err = check_bgp_peers("169.254.10.1/30", "169.254.10.2/29").unwrap_err();
        assert!(err.to_string().contains("different subnets"), "{err}");
        for bad in ["169.254.10.1", "169.254.10.1/33", "peer"] {
            let err = check_bgp_peers(bad, "169.254.10.2/30").unwrap_err();
            assert!(matches!(err, AddressError::MalformedPeer { .. }), "{bad}");
        }
    }

    #[test]
    fn interfaces_take_the_lowest_usable_free_addresses() {
        let transit: Ipv4Net = "10.0.0.0/22".parse().unwrap();
        let inbound = interface_addresses(&transit, &[], 2).unwrap();
        assert_eq!(inbound, [addr("10.0.0.4"), addr("10.0.0.5")]);
        let outbound = interface_addresses(&transit, &inbound, 2).unwrap();
        assert_eq!(outbound, [addr("10.0.0.6"), addr("10.0.0.7")]);
        let tiny: Ipv4Net = "10.0.0.0/29".parse().unwrap();
        // A /29: .4, .5 and .6 are usable; .7 is the broadcast address.
        assert_eq!(
            interface_addresses(&tiny, &[], 3).unwrap(),
            [addr("10.0.0.4"), addr("10.0.0.5"), addr("10.0.0.6")]
        );
        let err = interface_addresses(&tiny, &[addr("10.0.0.5")], 3).unwrap_err();
        assert_eq!(
            err.to_string(),
            "10.0.0.0/29 has no room for 3 more interface addresses: AWS keeps its first four \
             and its last address, and 1 are in use"
        );
        assert!(interface_addresses(&"10.0.0.0/31".parse().unwrap(), &[], 1).is_err());
    }
}
