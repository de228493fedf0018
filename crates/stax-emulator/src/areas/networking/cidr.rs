//! CIDR blocks as Stax's networking takes them: parsed strictly, checked against the prefix
//! lengths a kind allows and, where Stax wants it, against private address space.
//!
//! Stax writes blocks in dotted-quad notation with a prefix length (`10.0.0.0/16`). A block is
//! accepted only in its canonical form: the network address itself (no host bits set), no
//! leading zeros, no spaces. The refusals say what to write instead.

use std::fmt;
use std::net::Ipv4Addr;

use ipnet::Ipv4Net;

/// The private address spaces of RFC 1918, where every range, VPC and exclusion of a hub lives.
pub(crate) const PRIVATE_SPACES: [Ipv4Net; 3] = [
    Ipv4Net::new_assert(Ipv4Addr::new(10, 0, 0, 0), 8),
    Ipv4Net::new_assert(Ipv4Addr::new(172, 16, 0, 0), 12),
    Ipv4Net::new_assert(Ipv4Addr::new(192, 168, 0, 0), 16),
];

/// The prefix lengths a block may have: from `largest` (the shortest prefix, the biggest
/// block) to `smallest` (the longest prefix), both included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct PrefixBounds {
    /// The shortest prefix length allowed (`8` for a `/8`).
    pub largest: u8,
    /// The longest prefix length allowed (`23` for a `/23`).
    pub smallest: u8,
}

impl PrefixBounds {
    /// A hub's CIDR range (`CreateCidrRange`): a `/8` to a `/23`.
    pub const CIDR_RANGE: PrefixBounds = PrefixBounds {
        largest: 8,
        smallest: 23,
    };
    /// The block given to `CreateHub`, which becomes the hub's default range and holds its
    /// transit VPC: a `/8` to a `/22`.
    pub const HUB: PrefixBounds = PrefixBounds {
        largest: 8,
        smallest: 22,
    };
    /// Any IPv4 block (`/0` to `/32`): exclusions, prefix-list entries, advertised prefixes.
    pub const ANY: PrefixBounds = PrefixBounds {
        largest: 0,
        smallest: 32,
    };

    /// Whether `prefix_len` lies within the bounds.
    pub fn admits(self, prefix_len: u8) -> bool {
        (self.largest..=self.smallest).contains(&prefix_len)
    }
}

impl fmt::Display for PrefixBounds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "/{} to /{}", self.largest, self.smallest)
    }
}

/// Why a CIDR block was refused. Each message names the field, the value and the fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum CidrError {
    /// Not an IPv4 block in dotted-quad notation with a prefix length.
    #[error(
        "{field} '{value}' is not an IPv4 CIDR block: write it as four decimal numbers and a \
         prefix length, e.g. 10.0.0.0/16"
    )]
    Malformed { field: String, value: String },
    /// A valid block written in another form than Stax's (leading zeros).
    #[error("{field} '{value}' is not written canonically: write it as {canonical}")]
    NotCanonical {
        field: String,
        value: String,
        canonical: Ipv4Net,
    },
    /// An address inside a block rather than the block's network address.
    #[error(
        "{field} '{value}' has host bits set: the block's network address is {network}, \
         write that instead"
    )]
    HostBits {
        field: String,
        value: String,
        network: Ipv4Net,
    },
    /// A prefix length outside what the kind allows.
    #[error("{field} '{value}' is a /{prefix_len}; it must be a {bounds} block")]
    PrefixLength {
        field: String,
        value: String,
        prefix_len: u8,
        bounds: PrefixBounds,
    },
    /// A block outside the private address spaces.
    #[error(
        "{field} '{value}' is not private address space: use a block inside 10.0.0.0/8, \
         172.16.0.0/12 or 192.168.0.0/16 (RFC 1918)"
    )]
    NotPrivate { field: String, value: String },
    /// The same block twice in one list.
    #[error("{field} lists {block} more than once: give each block once")]
    Duplicate { field: String, block: Ipv4Net },
}

/// Parses `value` (the field `field` of a request) as a canonical IPv4 block whose prefix
/// length lies within `bounds`.
pub(crate) fn parse_block(
    field: &str,
    value: &str,
    bounds: PrefixBounds,
) -> Result<Ipv4Net, CidrError> {
    let refuse_malformed = || CidrError::Malformed {
        field: field.to_owned(),
        value: value.to_owned(),
    };
    // The `/` is required: a bare address is not a block.
    if !value.contains('/') {
        return Err(refuse_malformed());
    }
    let net: Ipv4Net = value.parse().map_err(|_| refuse_malformed())?;
    let network = net.trunc();
    if network != net {
        return Err(CidrError::HostBits {
            field: field.to_owned(),
            value: value.to_owned(),
            network,
        });
    }
    if net.to_string() != value {
        return Err(CidrError::NotCanonical {
            field: field.to_owned(),
            value: value.to_owned(),
            canonical: net,
        });
    }
    if !bounds.admits(net.prefix_len()) {
        return Err(CidrError::PrefixLength {
            field: field.to_owned(),
            value: value.to_owned(),
            prefix_len: net.prefix_len(),
            bounds,
        });
    }
    Ok(net)
}

/// Parses `value` as [`parse_block`] does, and also requires it to lie inside private address
/// space (RFC 1918), as Stax requires of a hub's block and its CIDR ranges.
pub(crate) fn parse_private_block(
    field: &str,
    value: &str,
    bounds: PrefixBounds,
) -> Result<Ipv4Net, CidrError> {
    let net = parse_block(field, value, bounds)?;
    if !is_private(&net) {
        return Err(CidrError::NotPrivate {
            field: field.to_owned(),
            value: value.to_owned(),
        });
    }
    Ok(net)
}

/// Parses a list of blocks (prefix-list entries, the prefixes a Direct Connect association
/// advertises), each as [`parse_block`] does with `bounds`; the same block twice is refused.
/// The blocks keep their order. The field of an item is named `field[i]`.
pub(crate) fn parse_blocks(
    field: &str,
    values: &[&str],
    bounds: PrefixBounds,
) -> Result<Vec<Ipv4Net>, CidrError> {
    let mut blocks: Vec<Ipv4Net> = Vec::with_capacity(values.len());
    for (i, value) in values.iter().enumerate() {
        let block = parse_block(&format!("{field}[{i}]"), value, bounds)?;
        if blocks.contains(&block) {
            return Err(CidrError::Duplicate {
                field: field.to_owned(),
                block,
            });
        }
        blocks.push(block);
    }
    Ok(blocks)
}

/// Whether `net` lies wholly inside one of the private address spaces of RFC 1918.
pub(crate) fn is_private(net: &Ipv4Net) -> bool {
    PRIVATE_SPACES.iter().any(|space| space.contains(net))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(s: &str) -> Ipv4Net {
        s.parse().unwrap()
    }

    #[test]
    fn canonical_blocks_within_bounds_parse() {
        let ranges = PrefixBounds::CIDR_RANGE;
        assert_eq!(
            parse_block("Cidr", "10.0.0.0/16", ranges),
            Ok(net("10.0.0.0/16"))
        );
        assert_eq!(
            parse_block("Cidr", "10.0.0.0/8", ranges),
            Ok(net("10.0.0.0/8"))
        );
        assert_eq!(
            parse_block("Cidr", "192.168.4.0/23", ranges),
            Ok(net("192.168.4.0/23"))
        );
        assert_eq!(
            parse_block("Entries", "203.0.113.7/32", PrefixBounds::ANY),
            Ok(net("203.0.113.7/32"))
        );
        assert_eq!(
            parse_block("Entries", "0.0.0.0/0", PrefixBounds::ANY),
            Ok(net("0.0.0.0/0"))
        );
    }

    #[test]
    fn malformed_blocks_are_refused_with_an_example() {
        for bad in [
            "",
            "10.0.0.0",
            "10.0.0/16",
            "10.0.0.0/33",
            "10.0.0.256/24",
            "10.0.0.0/",
            "/16",
            " 10.0.0.0/16",
            "10.0.0.0/16 ",
            "fd00::/8",
            "ten/8",
        ] {
            let err = parse_block("Cidr", bad, PrefixBounds::ANY).unwrap_err();
            assert!(matches!(err, CidrError::Malformed { .. }), "{bad}: {err:?}");
            let text = err.to_string();
            assert!(text.contains(&format!("'{bad}'")), "{text}");
            assert!(text.contains("e.g. 10.0.0.0/16"), "{text}");
        }
    }

    #[test]
    fn leading_zeros_are_refused_naming_the_canonical_form() {
        let err = parse_block("Cidr", "010.000.0.0/16", PrefixBounds::ANY).unwrap_err();
        assert_eq!(
            err,
            CidrError::NotCanonical {
                field: "Cidr".into(),
                value: "010.000.0.0/16".into(),
                canonical: net("10.0.0.0/16"),
            }
        );
        assert!(err.to_string().contains("write it as 10.0.0.0/16"));
        assert!(matches!(
            parse_block("Cidr", "10.0.0.0/08", PrefixBounds::ANY),
            Err(CidrError::NotCanonical { .. })
        ));
    }

    #[test]
    fn host_bits_are_refused_naming_the_network() {
        let err = parse_block("Cidr", "10.1.2.3/16", PrefixBounds::ANY).unwrap_err();
        assert_eq!(
            err,
            CidrError::HostBits {
                field: "Cidr".into(),
                value: "10.1.2.3/16".into(),
                network: net("10.1.0.0/16"),
            }
        );
        assert!(err.to_string().contains("write that instead"));
        assert!(err.to_string().contains("10.1.0.0/16"));
    }

    #[test]
    fn prefix_lengths_outside_the_bounds_are_refused() {
        let err = parse_block("Cidr", "10.0.0.0/24", PrefixBounds::CIDR_RANGE).unwrap_err();
        assert!(matches!(
            err,
            CidrError::PrefixLength { prefix_len: 24, .. }
        ));
        assert_eq!(
            err.to_string(),
            "Cidr '10.0.0.0/24' is a /24; it must be a /8 to /23 block"
        );
        assert!(parse_block("Cidr", "10.0.0.0/7", PrefixBounds::CIDR_RANGE).is_err());
        assert!(parse_block("Cidr", "10.0.0.0/23", PrefixBounds::HUB).is_err());
        assert!(parse_block("Cidr", "10.0.0.0/22", PrefixBounds::HUB).is_ok());
        assert!(PrefixBounds::HUB.admits(8));
        assert!(!PrefixBounds::HUB.admits(7));
    }

    #[test]
    fn hub_space_must_be_private() {
        for ok in [
            "10.0.0.0/8",
            "172.16.0.0/12",
            "172.31.0.0/16",
            "192.168.0.0/16",
        ] {
            assert!(
                parse_private_block("Cidr", ok, PrefixBounds::CIDR_RANGE).is_ok(),
                "{ok}"
            );
        }
        for public in [
            "8.8.0.0/16",
            "172.32.0.0/16",
            "192.169.0.0/16",
            "11.0.0.0/8",
        ] {
            let err = parse_private_block("Cidr", public, PrefixBounds::CIDR_RANGE).unwrap_err();
            assert!(matches!(err, CidrError::NotPrivate { .. }), "{public}");
            assert!(err.to_string().contains("RFC 1918"));
        }
        // Straddling the edge of a private space is not inside it.
        assert!(!is_private(&net("172.0.0.0/8")));
        assert!(is_private(&net("10.255.255.0/24")));
    }

    #[test]
    fn lists_refuse_duplicates_and_name_the_item() {
        let blocks = parse_blocks(
            "Entries",
            &["10.0.0.0/16", "192.168.0.0/24"],
            PrefixBounds::ANY,
        )
        .unwrap();
        assert_eq!(blocks, [net("10.0.0.0/16"), net("192.168.0.0/24")]);
        assert_eq!(parse_blocks("Entries", &[], PrefixBounds::ANY), Ok(vec![]));
        let err = parse_blocks(
            "Entries",
            &["10.0.0.0/16", "10.1.0.0/16", "10.0.0.0/16"],
            PrefixBounds::ANY,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "Entries lists 10.0.0.0/16 more than once: give each block once"
        );
        let err = parse_blocks("Entries", &["10.0.0.0/16", "nope"], PrefixBounds::ANY).unwrap_err();
        assert!(err.to_string().starts_with("Entries[1] 'nope'"), "{err}");
    }
}
