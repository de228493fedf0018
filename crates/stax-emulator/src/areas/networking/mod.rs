//! `networking.*`: Stax's networking, kept as state with Stax's rules.
//!
//! The area is made of groups of kinds, one file each, every group an [`Area`] of its own
//! (its operation table, its components of the served document, its kinds); the area's table
//! is the groups' tables one after the other ([`GROUPS`]). Adding a group is a `mod` line and
//! one entry in [`GROUPS`].
//!
//! - `hubs`: hubs (a transit gateway in a region), with their default CIDR range, transit VPC
//!   and first exclusions, and the address space of a hub as the rules see it;
//! - `ranges`: CIDR ranges and CIDR exclusions of a hub (changed at once, not by tasks);
//! - `vpcs`: VPCs, each allocated a block of one of its hub's ranges by size;
//! - `peerings`: hub peerings, between hubs whose ranges do not overlap (or to transit
//!   gateways outside Stax);
//! - `prefix_lists`: prefix lists of a hub, their entries, targets and associations;
//! - `dns`: a hub's DNS resolver (its interfaces in the transit VPC) and its forwarding rules;
//! - `dx`: Direct Connect gateways, their VIFs and associations, and accounts' connections;
//! - `vpn`: VPN customer gateways and their connections to hubs and VPCs.
//!
//! What the groups share: `wire` (the request path networking answers on: reads filtered by
//! status, refusals as the document gives them, events naming the task in `Detail.Message`,
//! AWS ids), `doc` (the vocabulary of their components) and `table` (their operations'
//! entries). The demo seed makes networking through `model` (hubs, ranges, VPCs, peerings,
//! prefix lists) and `demo` (what joins its hub to the world), with the API's own rules and
//! blueprints. The pure rules, apart from any
//! store or wire: `cidr` (blocks parsed strictly), `space` (allocation and overlaps),
//! `prefix_list` (room, entries, targets), `addresses` (single addresses).

// The pure rules of address arithmetic.
mod addresses;
mod cidr;
mod prefix_list;
mod space;

mod blueprint;
pub(crate) mod demo;
mod doc;
mod lookups;
pub(crate) mod model;
mod table;
mod wire;

mod dns;
mod dx;
mod hubs;
mod peerings;
mod prefix_lists;
mod ranges;
mod vpcs;
mod vpn;

use serde_json::{Map, Value};

use super::{Area, Operation};
use crate::store::kinds::Kind;

/// The groups of the area, in the order their operations are listed.
const GROUPS: &[&Area] = &[
    &hubs::GROUP,
    &ranges::GROUP,
    &vpcs::GROUP,
    &peerings::GROUP,
    &prefix_lists::GROUP,
    &dns::GROUP,
    &dx::GROUP,
    &vpn::GROUP,
];

pub(crate) const AREA: Area = Area {
    operations,
    schemas,
    kinds: &KINDS,
};

/// The kinds of every group.
const KINDS: [&Kind; kind_count(GROUPS)] = all_kinds(GROUPS);

fn operations() -> Vec<Operation> {
    GROUPS
        .iter()
        .flat_map(|group| (group.operations)())
        .collect()
}

fn schemas(s: &mut Map<String, Value>) {
    doc::schemas(s);
    for group in GROUPS {
        (group.schemas)(s);
    }
}

/// How many kinds the groups declare.
const fn kind_count(groups: &[&Area]) -> usize {
    let (mut count, mut i) = (0, 0);
    while i < groups.len() {
        count += groups[i].kinds.len();
        i += 1;
    }
    count
}

/// The kinds the groups declare, group after group.
const fn all_kinds<const N: usize>(groups: &[&Area]) -> [&'static Kind; N] {
    let mut kinds: [&'static Kind; N] = [&Kind::DEFAULT; N];
    let (mut at, mut i) = (0, 0);
    while i < groups.len() {
        let mut j = 0;
        while j < groups[i].kinds.len() {
            kinds[at] = groups[i].kinds[j];
            at += 1;
            j += 1;
        }
        i += 1;
    }
    kinds
}
