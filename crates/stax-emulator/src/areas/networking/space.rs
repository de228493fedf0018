//! A hub's address space: allocating VPC blocks from its CIDR ranges, and the overlap rules
//! between ranges, exclusions, VPCs and peered hubs.
//!
//! Everything here is plain IP arithmetic over values the caller gathers from the store (the
//! hub's live ranges, the blocks its live VPCs hold, its exclusions): nothing is read or
//! written here, so the rules are the same whatever keeps the records.

use std::fmt;
use std::net::Ipv4Addr;

use ipnet::Ipv4Net;

/// The size of a VPC, as `CreateVpc` names it, and the block each size takes.
///
/// The reference document names the sizes without their prefix lengths; the emulator gives a
/// `SMALL` VPC a `/22`, a `MEDIUM` one a `/21` and a `LARGE` one a `/20` (the smallest is the
/// size of a hub's transit VPC, and Stax's own pages draw a VPC as a `/22`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum VpcSize {
    Small,
    Medium,
    Large,
}

impl VpcSize {
    /// Every size, smallest first.
    pub const ALL: [VpcSize; 3] = [VpcSize::Small, VpcSize::Medium, VpcSize::Large];

    /// The size named on the wire (`SMALL`, `MEDIUM`, `LARGE`), if any.
    pub fn parse(name: &str) -> Option<VpcSize> {
        VpcSize::ALL.into_iter().find(|size| size.name() == name)
    }

    /// The name on the wire.
    pub fn name(self) -> &'static str {
        match self {
            VpcSize::Small => "SMALL",
            VpcSize::Medium => "MEDIUM",
            VpcSize::Large => "LARGE",
        }
    }

    /// The prefix length of the block a VPC of this size takes.
    pub fn prefix_len(self) -> u8 {
        match self {
            VpcSize::Small => 22,
            VpcSize::Medium => 21,
            VpcSize::Large => 20,
        }
    }
}

/// The prefix length of a hub's transit VPC, allocated first from the block given to
/// `CreateHub` (which is why that block may be no smaller than a `/22`).
pub(crate) const TRANSIT_VPC_PREFIX: u8 = 22;

/// What a block of a hub's space is, in refusals.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Holder {
    /// A CIDR range of the hub.
    Range,
    /// A CIDR exclusion of the hub.
    Exclusion,
    /// The block a VPC of the hub holds.
    Vpc,
}

impl fmt::Display for Holder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Holder::Range => "CIDR range",
            Holder::Exclusion => "CIDR exclusion",
            Holder::Vpc => "VPC",
        })
    }
}

/// Why a block could not be allocated or placed. Each message says what to do instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum SpaceError {
    /// A prefix length no IPv4 block has.
    #[error("/{prefix_len} is not an IPv4 prefix length (0 to 32)")]
    PrefixLength { prefix_len: u8 },
    /// Every range is smaller than the block asked for.
    #[error(
        "a /{prefix_len} block does not fit in {ranges}: choose a smaller size or add a larger \
         CIDR range to the hub"
    )]
    DoesNotFit { prefix_len: u8, ranges: Blocks },
    /// The ranges could hold such a block, but every one overlaps a VPC or an exclusion.
    #[error(
        "no free /{prefix_len} block is left in {ranges}: every one overlaps a VPC or a CIDR \
         exclusion; delete a VPC, choose a smaller size or add a CIDR range to the hub"
    )]
    Exhausted { prefix_len: u8, ranges: Blocks },
    /// A new block overlaps one the hub already has.
    #[error("{block} overlaps {holder} {other} of the hub: choose a block outside it")]
    Overlap {
        block: Ipv4Net,
        holder: Holder,
        other: Ipv4Net,
    },
    /// An exclusion outside every range of the hub, which would exclude nothing.
    #[error(
        "CIDR exclusion {block} lies outside every CIDR range of the hub ({ranges}): an \
         exclusion carves space out of one of the hub's ranges"
    )]
    OutsideRanges { block: Ipv4Net, ranges: Blocks },
    /// Two hubs whose address spaces overlap.
    #[error(
        "the hubs cannot peer: range {source_range} of the source hub overlaps range \
         {destination_range} of the destination hub; peer hubs whose ranges are disjoint"
    )]
    PeeringOverlap {
        source_range: Ipv4Net,
        destination_range: Ipv4Net,
    },
}

/// A list of blocks, written `a, b and c` in refusals (`no CIDR range` when empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Blocks(pub Vec<Ipv4Net>);

impl fmt::Display for Blocks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.as_slice() {
            [] => f.write_str("no CIDR range"),
            [only] => write!(f, "{only}"),
            [init @ .., last] => {
                for (i, block) in init.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{block}")?;
                }
                write!(f, " and {last}")
            }
        }
    }
}

/// Whether two blocks share at least one address (one contains the other, as blocks are
/// aligned).
pub(crate) fn overlaps(a: &Ipv4Net, b: &Ipv4Net) -> bool {
    a.contains(b) || b.contains(a)
}

/// The first block of `others` that overlaps `block`, if any.
pub(crate) fn first_overlap<'a>(
    block: &Ipv4Net,
    others: impl IntoIterator<Item = &'a Ipv4Net>,
) -> Option<&'a Ipv4Net> {
    others.into_iter().find(|other| overlaps(block, other))
}

/// The lowest free block of `prefix_len` inside `ranges`: aligned on its size, wholly inside
/// one range, overlapping none of `taken` (the blocks the hub's VPCs hold and its exclusions).
///
/// Deterministic: the candidate with the lowest address wins, whatever the order of the
/// inputs. Runs in time linear in the inputs (after sorting), not in the size of the space.
pub(crate) fn allocate(
    ranges: &[Ipv4Net],
    taken: &[Ipv4Net],
    prefix_len: u8,
) -> Result<Ipv4Net, SpaceError> {
    if prefix_len > 32 {
        return Err(SpaceError::PrefixLength { prefix_len });
    }
    let mut sorted_ranges: Vec<Ipv4Net> = ranges.iter().map(Ipv4Net::trunc).collect();
    sorted_ranges.sort();
    sorted_ranges.dedup();
    let blocks = Blocks(sorted_ranges.clone());
    if !sorted_ranges.iter().any(|r| r.prefix_len() <= prefix_len) {
        return Err(SpaceError::DoesNotFit {
            prefix_len,
            ranges: blocks,
        });
    }
    let mut held: Vec<(u64, u64)> = taken.iter().map(bounds).collect();
    held.sort_unstable();
    let size = 1u64 << (32 - u32::from(prefix_len));
    for range in sorted_ranges
        .iter()
        .filter(|r| r.prefix_len() <= prefix_len)
    {
        let (start, end) = bounds(range);
        // A range is aligned on its own size, which is a multiple of `size`.
        let mut candidate = start;
        // `held` is sorted by start: skip past every block that ends before the candidate,
        // and jump the candidate past every block it meets.
        let mut next = 0;
        loop {
            let last = candidate + size - 1;
            if last > end {
                break;
            }
            while next < held.len() && held[next].1 < candidate {
                next += 1;
            }
            let clash = held[next..]
                .iter()
                .take_while(|(s, _)| *s <= last)
                .find(|(_, e)| *e >= candidate);
            match clash {
                None => return Ok(block_at(candidate, prefix_len)),
                Some(&(_, clash_end)) => candidate = align_up(clash_end + 1, size),
            }
        }
    }
    Err(SpaceError::Exhausted {
        prefix_len,
        ranges: blocks,
    })
}

/// Checks a new CIDR range against the hub's live ranges: they may not overlap.
pub(crate) fn check_new_range(range: &Ipv4Net, hub_ranges: &[Ipv4Net]) -> Result<(), SpaceError> {
    match first_overlap(range, hub_ranges) {
        Some(other) => Err(SpaceError::Overlap {
            block: *range,
            holder: Holder::Range,
            other: *other,
        }),
        None => Ok(()),
    }
}

/// Checks a new CIDR exclusion: it must lie inside one of the hub's live `ranges`, and may
/// overlap neither another exclusion nor a block a live VPC holds (space already allocated
/// cannot be excluded).
pub(crate) fn check_new_exclusion(
    exclusion: &Ipv4Net,
    ranges: &[Ipv4Net],
    exclusions: &[Ipv4Net],
    vpc_blocks: &[Ipv4Net],
) -> Result<(), SpaceError> {
    if !ranges.iter().any(|range| range.contains(exclusion)) {
        let mut sorted = ranges.to_vec();
        sorted.sort();
        return Err(SpaceError::OutsideRanges {
            block: *exclusion,
            ranges: Blocks(sorted),
        });
    }
    for (holder, others) in [(Holder::Exclusion, exclusions), (Holder::Vpc, vpc_blocks)] {
        if let Some(other) = first_overlap(exclusion, others) {
            return Err(SpaceError::Overlap {
                block: *exclusion,
                holder,
                other: *other,
            });
        }
    }
    Ok(())
}

/// Checks that two hubs may peer: no range of the source hub overlaps a range of the
/// destination hub. The first overlapping pair (lowest source range first) is named.
pub(crate) fn check_peering(
    source_ranges: &[Ipv4Net],
    destination_ranges: &[Ipv4Net],
) -> Result<(), SpaceError> {
    let mut sources = source_ranges.to_vec();
    sources.sort();
    let mut destinations = destination_ranges.to_vec();
    destinations.sort();
    for source in &sources {
        if let Some(destination) = first_overlap(source, &destinations) {
            return Err(SpaceError::PeeringOverlap {
                source_range: *source,
                destination_range: *destination,
            });
        }
    }
    Ok(())
}

/// The first and last address of a block, as numbers.
fn bounds(net: &Ipv4Net) -> (u64, u64) {
    (
        u64::from(u32::from(net.network())),
        u64::from(u32::from(net.broadcast())),
    )
}

/// The smallest multiple of `size` (a power of two) at or above `n`.
fn align_up(n: u64, size: u64) -> u64 {
    n.div_ceil(size) * size
}

/// The block of `prefix_len` starting at `start` (which fits in 32 bits when called).
fn block_at(start: u64, prefix_len: u8) -> Ipv4Net {
    let addr = Ipv4Addr::from(u32::try_from(start).unwrap_or(u32::MAX));
    Ipv4Net::new(addr, prefix_len)
        .map(|n| n.trunc())
        .unwrap_or_else(|_| Ipv4Net::default())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(s: &str) -> Ipv4Net {
        s.parse().unwrap()
    }

    fn nets(list: &[&str]) -> Vec<Ipv4Net> {
        list.iter().map(|s| net(s)).collect()
    }

    #[test]
    fn sizes_name_their_blocks() {
        assert_eq!(VpcSize::parse("SMALL"), Some(VpcSize::Small));
        assert_eq!(VpcSize::parse("MEDIUM").map(VpcSize::prefix_len), Some(21));
        assert_eq!(VpcSize::parse("LARGE").map(VpcSize::prefix_len), Some(20));
        assert_eq!(VpcSize::parse("small"), None);
        for size in VpcSize::ALL {
            assert_eq!(VpcSize::parse(size.name()), Some(size));
        }
        assert_eq!(TRANSIT_VPC_PREFIX, VpcSize::Small.prefix_len());
    }

    #[test]
    fn allocates_the_lowest_free_block_first() {
        let range = nets(&["10.0.0.0/16"]);
        assert_eq!(allocate(&range, &[], 22), Ok(net("10.0.0.0/22")));
        let taken = nets(&["10.0.0.0/22"]);
        assert_eq!(allocate(&range, &taken, 22), Ok(net("10.0.4.0/22")));
        // A hole left by a deleted VPC is reused before higher space.
        let taken = nets(&["10.0.4.0/22", "10.0.8.0/22"]);
        assert_eq!(allocate(&range, &taken, 22), Ok(net("10.0.0.0/22")));
        // A larger block skips to its own alignment.
        let taken = nets(&["10.0.0.0/22"]);
        assert_eq!(allocate(&range, &taken, 20), Ok(net("10.0.16.0/20")));
        // The order of the inputs does not matter.
        let a = allocate(
            &nets(&["10.1.0.0/16", "10.0.0.0/16"]),
            &nets(&["10.0.4.0/22", "10.0.0.0/22"]),
            22,
        );
        let b = allocate(
            &nets(&["10.0.0.0/16", "10.1.0.0/16"]),
            &nets(&["10.0.0.0/22", "10.0.4.0/22"]),
            22,
        );
        assert_eq!(a, Ok(net("10.0.8.0/22")));
        assert_eq!(a, b);
    }

    #[test]
    fn exclusions_and_small_holds_push_the_block_past_them() {
        let range = nets(&["10.0.0.0/20"]);
        // A /28 exclusion in the first /22 costs that whole /22.
        let taken = nets(&["10.0.1.16/28"]);
        assert_eq!(allocate(&range, &taken, 22), Ok(net("10.0.4.0/22")));
        // An exclusion larger than the block skips every block inside it.
        let taken = nets(&["10.0.0.0/21"]);
        assert_eq!(allocate(&range, &taken, 22), Ok(net("10.0.8.0/22")));
        // Held blocks outside the ranges change nothing.
        let taken = nets(&["192.168.0.0/16", "10.1.0.0/16"]);
        assert_eq!(allocate(&range, &taken, 22), Ok(net("10.0.0.0/22")));
    }

    #[test]
    fn moves_on_to_the_next_range_when_one_is_full() {
        let ranges = nets(&["10.0.0.0/22", "172.16.0.0/21"]);
        let taken = nets(&["10.0.0.0/22"]);
        assert_eq!(allocate(&ranges, &taken, 22), Ok(net("172.16.0.0/22")));
        // A range too small for the block is passed over.
        let ranges = nets(&["10.0.0.0/23", "10.8.0.0/16"]);
        assert_eq!(allocate(&ranges, &[], 22), Ok(net("10.8.0.0/22")));
    }

    #[test]
    fn refuses_when_nothing_fits_or_everything_is_taken() {
        let err = allocate(&nets(&["10.0.0.0/23"]), &[], 22).unwrap_err();
        assert_eq!(
            err,
            SpaceError::DoesNotFit {
                prefix_len: 22,
                ranges: Blocks(nets(&["10.0.0.0/23"])),
            }
        );
        assert!(err.to_string().contains("choose a smaller size"));
        assert!(matches!(
            allocate(&[], &[], 22),
            Err(SpaceError::DoesNotFit { .. })
        ));
        let ranges = nets(&["10.0.0.0/21"]);
        let taken = nets(&["10.0.0.0/22", "10.0.4.0/24"]);
        let err = allocate(&ranges, &taken, 22).unwrap_err();
        assert_eq!(
            err.to_string(),
            "no free /22 block is left in 10.0.0.0/21: every one overlaps a VPC or a CIDR \
             exclusion; delete a VPC, choose a smaller size or add a CIDR range to the hub"
        );
        assert_eq!(
            allocate(&ranges, &[], 33),
            Err(SpaceError::PrefixLength { prefix_len: 33 })
        );
    }

    #[test]
    fn allocating_until_exhausted_gives_disjoint_blocks_covering_the_free_space() {
        let ranges = nets(&["10.0.0.0/18", "192.168.0.0/20"]);
        let mut taken = nets(&["10.0.8.0/21", "192.168.3.0/24"]);
        let exclusions = taken.clone();
        let mut got = Vec::new();
        loop {
            match allocate(&ranges, &taken, 22) {
                Ok(block) => {
                    assert!(ranges.iter().any(|r| r.contains(&block)), "{block}");
                    assert!(first_overlap(&block, &taken).is_none(), "{block}");
                    assert!(got.last().is_none_or(|prev| *prev < block), "in order");
                    got.push(block);
                    taken.push(block);
                }
                Err(err) => {
                    assert!(matches!(err, SpaceError::Exhausted { .. }), "{err}");
                    break;
                }
            }
        }
        // A /18 holds 16 /22s, two of them inside the excluded /21; a /20 holds 4, one of
        // them holding the excluded /24.
        assert_eq!(got.len(), 14 + 3);
        for (i, a) in got.iter().enumerate() {
            for b in &got[i + 1..] {
                assert!(!overlaps(a, b), "{a} and {b}");
            }
            assert!(first_overlap(a, &exclusions).is_none());
        }
    }

    /// The lowest free block found by trying every aligned block of every range in order.
    fn brute_force(ranges: &[Ipv4Net], taken: &[Ipv4Net], prefix_len: u8) -> Option<Ipv4Net> {
        let mut sorted = ranges.to_vec();
        sorted.sort();
        sorted
            .iter()
            .filter_map(|r| r.subnets(prefix_len).ok())
            .flatten()
            .find(|candidate| first_overlap(candidate, taken).is_none())
    }

    #[test]
    fn agrees_with_a_brute_force_search() {
        // A fixed linear congruential sequence: the same cases on every run.
        let mut state: u64 = 0x5eed;
        let mut next = move |bound: u32| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            u32::try_from(state >> 33).unwrap() % bound
        };
        for _ in 0..300 {
            let ranges: Vec<Ipv4Net> = (0..1 + next(3))
                .map(|i| {
                    let len = 16 + u8::try_from(next(6)).unwrap();
                    Ipv4Net::new(Ipv4Addr::new(10, u8::try_from(i).unwrap() * 4, 0, 0), len)
                        .unwrap()
                        .trunc()
                })
                .collect();
            let taken: Vec<Ipv4Net> = (0..next(12))
                .map(|_| {
                    let len = 18 + u8::try_from(next(11)).unwrap();
                    let a = u8::try_from(next(12)).unwrap();
                    let b = u8::try_from(next(256)).unwrap();
                    Ipv4Net::new(Ipv4Addr::new(10, a, b, 0), len)
                        .unwrap()
                        .trunc()
                })
                .collect();
            let prefix_len = 18 + u8::try_from(next(6)).unwrap();
            let expected = brute_force(&ranges, &taken, prefix_len);
            let got = allocate(&ranges, &taken, prefix_len);
            assert_eq!(
                got.as_ref().ok(),
                expected.as_ref(),
                "{ranges:?} {taken:?} /{prefix_len}"
            );
        }
    }

    #[test]
    fn the_whole_space_and_its_edges_allocate() {
        assert_eq!(
            allocate(&nets(&["0.0.0.0/0"]), &[], 0),
            Ok(net("0.0.0.0/0"))
        );
        let top = nets(&["255.255.255.0/24"]);
        assert_eq!(
            allocate(&top, &nets(&["255.255.255.0/25"]), 25),
            Ok(net("255.255.255.128/25"))
        );
        assert!(matches!(
            allocate(&top, &nets(&["255.255.255.128/25", "255.255.255.0/25"]), 25),
            Err(SpaceError::Exhausted { .. })
        ));
        assert_eq!(
            allocate(&nets(&["10.0.0.0/8"]), &nets(&["10.0.0.0/9"]), 9),
            Ok(net("10.128.0.0/9"))
        );
    }

    #[test]
    fn overlap_is_containment_either_way() {
        assert!(overlaps(&net("10.0.0.0/16"), &net("10.0.4.0/22")));
        assert!(overlaps(&net("10.0.4.0/22"), &net("10.0.0.0/16")));
        assert!(overlaps(&net("10.0.0.0/16"), &net("10.0.0.0/16")));
        assert!(!overlaps(&net("10.0.0.0/16"), &net("10.1.0.0/16")));
        assert!(!overlaps(&net("10.0.0.0/23"), &net("10.0.2.0/23")));
    }

    #[test]
    fn ranges_of_a_hub_may_not_overlap() {
        let hub = nets(&["10.0.0.0/16", "172.16.0.0/16"]);
        assert_eq!(check_new_range(&net("10.1.0.0/16"), &hub), Ok(()));
        let err = check_new_range(&net("10.0.128.0/17"), &hub).unwrap_err();
        assert_eq!(
            err.to_string(),
            "10.0.128.0/17 overlaps CIDR range 10.0.0.0/16 of the hub: choose a block outside it"
        );
        assert!(check_new_range(&net("10.0.0.0/8"), &hub).is_err());
        assert!(check_new_range(&net("10.0.0.0/16"), &hub).is_err());
    }

    #[test]
    fn exclusions_lie_in_a_range_and_clash_with_nothing() {
        let ranges = nets(&["10.0.0.0/16"]);
        let exclusions = nets(&["10.0.200.0/24"]);
        let vpcs = nets(&["10.0.0.0/22"]);
        assert_eq!(
            check_new_exclusion(&net("10.0.100.0/24"), &ranges, &exclusions, &vpcs),
            Ok(())
        );
        let err =
            check_new_exclusion(&net("10.0.200.128/25"), &ranges, &exclusions, &vpcs).unwrap_err();
        assert_eq!(
            err,
            SpaceError::Overlap {
                block: net("10.0.200.128/25"),
                holder: Holder::Exclusion,
                other: net("10.0.200.0/24"),
            }
        );
        let err =
            check_new_exclusion(&net("10.0.2.0/24"), &ranges, &exclusions, &vpcs).unwrap_err();
        assert_eq!(
            err.to_string(),
            "10.0.2.0/24 overlaps VPC 10.0.0.0/22 of the hub: choose a block outside it"
        );
        let err =
            check_new_exclusion(&net("10.1.0.0/24"), &ranges, &exclusions, &vpcs).unwrap_err();
        assert!(matches!(err, SpaceError::OutsideRanges { .. }));
        assert!(err.to_string().contains("(10.0.0.0/16)"), "{err}");
        let err = check_new_exclusion(&net("10.0.0.0/8"), &ranges, &[], &[]).unwrap_err();
        assert!(matches!(err, SpaceError::OutsideRanges { .. }), "straddles");
        let err = check_new_exclusion(&net("10.0.0.0/24"), &[], &[], &[]).unwrap_err();
        assert!(err.to_string().contains("(no CIDR range)"), "{err}");
    }

    #[test]
    fn hubs_with_overlapping_ranges_cannot_peer() {
        let a = nets(&["10.0.0.0/16", "172.16.0.0/16"]);
        let b = nets(&["10.1.0.0/16", "192.168.0.0/16"]);
        assert_eq!(check_peering(&a, &b), Ok(()));
        assert_eq!(check_peering(&a, &[]), Ok(()));
        let c = nets(&["192.168.0.0/16", "172.16.128.0/17"]);
        let err = check_peering(&a, &c).unwrap_err();
        assert_eq!(
            err,
            SpaceError::PeeringOverlap {
                source_range: net("172.16.0.0/16"),
                destination_range: net("172.16.128.0/17"),
            }
        );
        assert!(err.to_string().starts_with("the hubs cannot peer"));
        assert!(check_peering(&c, &a).is_err(), "either direction");
    }

    #[test]
    fn block_lists_read_as_prose() {
        assert_eq!(Blocks(vec![]).to_string(), "no CIDR range");
        assert_eq!(Blocks(nets(&["10.0.0.0/8"])).to_string(), "10.0.0.0/8");
        assert_eq!(
            Blocks(nets(&["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"])).to_string(),
            "10.0.0.0/8, 172.16.0.0/12 and 192.168.0.0/16"
        );
    }
}
