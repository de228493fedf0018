//! `networking.*`: hubs and what hangs off them. Each group of kinds is a module whose
//! `GROUP` is an [`Area`] of its own (operation table, served components, kinds); the area's
//! table is the groups' tables one after the other ([`GROUPS`]):
//! - `standin`: the hub and VPC kinds (their reads only), until their group lands;
//! - `dns`: DNS resolvers and rules;
//! - `dx`: Direct Connect gateways, VIFs, associations and connections;
//! - `vpn`: VPN customer gateways and connections;
//!
//! What the groups share on the wire is `common`; the pure rules of the address space, apart
//! from any store or wire, are:
//! - `cidr`: CIDR blocks parsed strictly, within a kind's prefix lengths, in private space;
//! - `space`: VPC blocks allocated from a hub's ranges, and the overlap rules between ranges,
//!   exclusions, VPCs and peered hubs;
//! - `prefix_list`: a prefix list's room, entries and target;
//! - `addresses`: single addresses (gateways, DNS forwarders, BGP peers, interfaces).
//!
//! Plain values in, values (or a typed refusal whose message names the fix) out.

use serde_json::{Map, Value};

use super::{Area, Operation};
use crate::store::kinds::Kind;

mod addresses;
#[cfg_attr(not(test), allow(dead_code))]
mod cidr;
mod common;
pub(crate) mod demo;
mod dns;
mod dx;
#[cfg_attr(not(test), allow(dead_code))]
mod prefix_list;
#[cfg_attr(not(test), allow(dead_code))]
mod space;
pub(crate) mod standin;
mod vpn;

/// The groups of the area, in the order their operations are listed.
const GROUPS: &[&Area] = &[&standin::GROUP, &dns::GROUP, &dx::GROUP, &vpn::GROUP];

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
    common::schemas(s);
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
