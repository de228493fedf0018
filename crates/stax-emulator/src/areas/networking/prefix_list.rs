//! Prefix lists: how many entries a list may hold, which entries it may hold, and what a hub
//! prefix list routes its entries to.
//!
//! The reference document bounds none of this (`MaxEntries` is any integer, `Entries` any
//! list of strings). The emulator keeps AWS's rules for customer-managed prefix lists, on
//! which Stax builds its own: room for 1 to 1000 entries, never more entries than that room,
//! each entry a distinct IPv4 block, and the room never shrunk below the entries a list holds.

use ipnet::Ipv4Net;

use super::cidr::{CidrError, PrefixBounds, parse_blocks};

/// The most entries a prefix list may make room for (AWS's limit for a customer-managed
/// prefix list).
pub(crate) const MAX_ENTRIES_LIMIT: u32 = 1000;

/// The two kinds of prefix list (`PrefixListType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ListType {
    /// Routes its entries in the hub's transit gateway route tables (`CreateHubPrefixList`).
    Hub,
    /// Routes its entries in the route tables of VPCs (`CreateVpcPrefixList`).
    Vpc,
}

impl ListType {
    /// The name on the wire.
    pub fn name(self) -> &'static str {
        match self {
            ListType::Hub => "HUB",
            ListType::Vpc => "VPC",
        }
    }
}

/// Where a hub prefix list sends traffic for its entries (`TargetType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Target {
    /// Drops it; names no target.
    Blackhole,
    /// A VPC of the hub (`TargetId` is the VPC's id).
    Vpc,
    /// A VPN connection of the hub (`TargetId` is the VPN connection's id).
    Vpn,
    /// A Direct Connect gateway associated with the hub (`TargetId` is the gateway's id).
    DirectConnectGateway,
    /// A peering of the hub (`TargetId` is the hub peering's id).
    HubPeering,
}

impl Target {
    /// Every target, in the document's order.
    pub const ALL: [Target; 5] = [
        Target::Blackhole,
        Target::Vpc,
        Target::Vpn,
        Target::DirectConnectGateway,
        Target::HubPeering,
    ];

    /// The target named on the wire, if any.
    pub fn parse(name: &str) -> Option<Target> {
        Target::ALL.into_iter().find(|t| t.name() == name)
    }

    /// The name on the wire.
    pub fn name(self) -> &'static str {
        match self {
            Target::Blackhole => "BLACKHOLE",
            Target::Vpc => "VPC",
            Target::Vpn => "VPN",
            Target::DirectConnectGateway => "DIRECT_CONNECT_GATEWAY",
            Target::HubPeering => "HUB_PEERING",
        }
    }

    /// What a `TargetId` names for this target (`None` for `BLACKHOLE`, which takes none).
    pub fn resource(self) -> Option<&'static str> {
        match self {
            Target::Blackhole => None,
            Target::Vpc => Some("VPC"),
            Target::Vpn => Some("VPN connection"),
            Target::DirectConnectGateway => Some("Direct Connect gateway"),
            Target::HubPeering => Some("hub peering"),
        }
    }
}

/// Why a prefix list's entries, room or target were refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum PrefixListError {
    /// An entry that is not a canonical IPv4 block, or the same block twice.
    #[error(transparent)]
    Entry(#[from] CidrError),
    /// Room for no entries, or for more than the limit.
    #[error("MaxEntries is {max_entries}; it must be between 1 and {MAX_ENTRIES_LIMIT}")]
    MaxEntries { max_entries: i64 },
    /// More entries than the list has room for.
    #[error(
        "the prefix list has {count} entries but room for {max_entries} (MaxEntries): remove \
         entries or raise MaxEntries"
    )]
    TooManyEntries { count: usize, max_entries: u32 },
    /// A target type no prefix list knows.
    #[error(
        "TargetType '{target_type}' is not one of BLACKHOLE, VPC, VPN, DIRECT_CONNECT_GATEWAY \
         or HUB_PEERING"
    )]
    UnknownTarget { target_type: String },
    /// A target that names a resource, without its id.
    #[error("TargetType {target} needs a TargetId: give the id of the {what} to route to")]
    MissingTargetId {
        target: &'static str,
        what: &'static str,
    },
    /// A blackhole with an id.
    #[error("TargetType BLACKHOLE drops traffic and takes no TargetId: leave TargetId out")]
    BlackholeWithId,
    /// A hub prefix list without a target.
    #[error(
        "a HUB prefix list needs a TargetType: BLACKHOLE, VPC, VPN, DIRECT_CONNECT_GATEWAY or HUB_PEERING"
    )]
    MissingTarget,
    /// A target on a VPC prefix list, which routes inside VPCs and has none.
    #[error(
        "a VPC prefix list has no target: leave TargetType and TargetId out (only HUB prefix \
         lists route to a target)"
    )]
    TargetOnVpcList,
}

/// Checks the room a prefix list asks for (`MaxEntries`): 1 to [`MAX_ENTRIES_LIMIT`].
pub(crate) fn check_max_entries(max_entries: i64) -> Result<u32, PrefixListError> {
    u32::try_from(max_entries)
        .ok()
        .filter(|m| (1..=MAX_ENTRIES_LIMIT).contains(m))
        .ok_or(PrefixListError::MaxEntries { max_entries })
}

/// Checks the entries of a new prefix list (`Entries`) against its room: each a canonical
/// IPv4 block of any size, none twice, no more than `max_entries`. Returns them in order.
pub(crate) fn check_entries(
    entries: &[&str],
    max_entries: u32,
) -> Result<Vec<Ipv4Net>, PrefixListError> {
    let blocks = parse_blocks("Entries", entries, PrefixBounds::ANY)?;
    fits(blocks.len(), max_entries)?;
    Ok(blocks)
}

/// Checks an `UpdatePrefixList`: the new entries (or the current ones when none are given)
/// must fit the new room (or the current room when none is given). Returns the entries and
/// room the list will have.
pub(crate) fn check_update(
    current_entries: &[Ipv4Net],
    current_max: u32,
    entries: Option<&[&str]>,
    max_entries: Option<i64>,
) -> Result<(Vec<Ipv4Net>, u32), PrefixListError> {
    let max = max_entries.map_or(Ok(current_max), check_max_entries)?;
    let blocks = match entries {
        Some(entries) => parse_blocks("Entries", entries, PrefixBounds::ANY)?,
        None => current_entries.to_vec(),
    };
    fits(blocks.len(), max)?;
    Ok((blocks, max))
}

/// Checks what a prefix list routes to: a HUB list names a target type, with a `TargetId`
/// unless it is `BLACKHOLE`; a VPC list names neither. Returns the target of a HUB list.
/// Whether the id names a live resource of the hub is for the caller to check.
pub(crate) fn check_target(
    list: ListType,
    target_type: Option<&str>,
    target_id: Option<&str>,
) -> Result<Option<Target>, PrefixListError> {
    if list == ListType::Vpc {
        return match (target_type, target_id) {
            (None, None) => Ok(None),
            _ => Err(PrefixListError::TargetOnVpcList),
        };
    }
    let name = target_type.ok_or(PrefixListError::MissingTarget)?;
    let target = Target::parse(name).ok_or_else(|| PrefixListError::UnknownTarget {
        target_type: name.to_owned(),
    })?;
    match (target.resource(), target_id) {
        (Some(what), None) => Err(PrefixListError::MissingTargetId {
            target: target.name(),
            what,
        }),
        (None, Some(_)) => Err(PrefixListError::BlackholeWithId),
        _ => Ok(Some(target)),
    }
}

fn fits(count: usize, max_entries: u32) -> Result<(), PrefixListError> {
    if u32::try_from(count).map_or(true, |c| c > max_entries) {
        return Err(PrefixListError::TooManyEntries { count, max_entries });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(s: &str) -> Ipv4Net {
        s.parse().unwrap()
    }

    #[test]
    fn room_is_one_to_a_thousand() {
        assert_eq!(check_max_entries(1), Ok(1));
        assert_eq!(check_max_entries(1000), Ok(1000));
        for bad in [0, -1, 1001, i64::MAX, i64::MIN] {
            let err = check_max_entries(bad).unwrap_err();
            assert_eq!(
                err.to_string(),
                format!("MaxEntries is {bad}; it must be between 1 and 1000")
            );
        }
    }

    #[test]
    fn entries_fit_the_room_once_each() {
        assert_eq!(
            check_entries(&["10.0.0.0/8", "203.0.113.0/24"], 2),
            Ok(vec![net("10.0.0.0/8"), net("203.0.113.0/24")])
        );
        assert_eq!(check_entries(&[], 1), Ok(vec![]));
        let err = check_entries(&["10.0.0.0/8", "10.1.0.0/16", "10.2.0.0/16"], 2).unwrap_err();
        assert_eq!(
            err,
            PrefixListError::TooManyEntries {
                count: 3,
                max_entries: 2
            }
        );
        assert!(err.to_string().contains("raise MaxEntries"));
        let err = check_entries(&["10.0.0.0/8", "10.0.0.0/8"], 5).unwrap_err();
        assert!(
            matches!(err, PrefixListError::Entry(CidrError::Duplicate { .. })),
            "{err:?}"
        );
        assert_eq!(
            err.to_string(),
            "Entries lists 10.0.0.0/8 more than once: give each block once"
        );
        let err = check_entries(&["10.0.0.1/8"], 5).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("Entries[0] '10.0.0.1/8' has host bits set")
        );
    }

    #[test]
    fn updates_keep_what_they_do_not_give_and_never_overflow() {
        let current = vec![net("10.0.0.0/16"), net("10.1.0.0/16")];
        // Only the room changes: the current entries must still fit.
        assert_eq!(
            check_update(&current, 5, None, Some(2)),
            Ok((current.clone(), 2))
        );
        let err = check_update(&current, 5, None, Some(1)).unwrap_err();
        assert_eq!(
            err,
            PrefixListError::TooManyEntries {
                count: 2,
                max_entries: 1
            }
        );
        // Only the entries change: they must fit the current room.
        assert_eq!(
            check_update(&current, 2, Some(&["192.168.0.0/24"]), None),
            Ok((vec![net("192.168.0.0/24")], 2))
        );
        assert!(
            check_update(
                &current,
                2,
                Some(&["10.0.0.0/16", "10.1.0.0/16", "10.2.0.0/16"]),
                None
            )
            .is_err()
        );
        // Both change together.
        assert_eq!(
            check_update(
                &current,
                2,
                Some(&["10.0.0.0/16", "10.1.0.0/16", "10.2.0.0/16"]),
                Some(3)
            )
            .map(|(entries, max)| (entries.len(), max)),
            Ok((3, 3))
        );
        assert!(matches!(
            check_update(&current, 2, None, Some(0)),
            Err(PrefixListError::MaxEntries { max_entries: 0 })
        ));
        assert!(matches!(
            check_update(&current, 2, Some(&["nope"]), None),
            Err(PrefixListError::Entry(_))
        ));
    }

    #[test]
    fn hub_lists_route_to_a_named_target() {
        let id = Some("6f1c2b1e-3c4d-4e5f-8a9b-0c1d2e3f4a5b");
        assert_eq!(
            check_target(ListType::Hub, Some("BLACKHOLE"), None),
            Ok(Some(Target::Blackhole))
        );
        for target in Target::ALL.into_iter().filter(|t| t.resource().is_some()) {
            assert_eq!(
                check_target(ListType::Hub, Some(target.name()), id),
                Ok(Some(target))
            );
            let err = check_target(ListType::Hub, Some(target.name()), None).unwrap_err();
            assert!(matches!(err, PrefixListError::MissingTargetId { .. }));
            assert!(err.to_string().contains("needs a TargetId"), "{err}");
        }
        assert_eq!(
            check_target(ListType::Hub, Some("VPN"), None)
                .unwrap_err()
                .to_string(),
            "TargetType VPN needs a TargetId: give the id of the VPN connection to route to"
        );
        assert_eq!(
            check_target(ListType::Hub, Some("BLACKHOLE"), id),
            Err(PrefixListError::BlackholeWithId)
        );
        assert_eq!(
            check_target(ListType::Hub, None, id),
            Err(PrefixListError::MissingTarget)
        );
        assert!(matches!(
            check_target(ListType::Hub, Some("blackhole"), None),
            Err(PrefixListError::UnknownTarget { .. })
        ));
    }

    #[test]
    fn vpc_lists_have_no_target() {
        assert_eq!(check_target(ListType::Vpc, None, None), Ok(None));
        assert_eq!(
            check_target(ListType::Vpc, Some("VPC"), None),
            Err(PrefixListError::TargetOnVpcList)
        );
        assert_eq!(
            check_target(ListType::Vpc, None, Some("x")),
            Err(PrefixListError::TargetOnVpcList)
        );
        assert_eq!(ListType::Vpc.name(), "VPC");
        assert_eq!(ListType::Hub.name(), "HUB");
    }
}
