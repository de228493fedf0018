//! `networking.*`: hubs and what hangs off them. Each group of kinds is a module with its own
//! operation table, served components and kinds, concatenated here:
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

pub(crate) const AREA: Area = Area {
    operations,
    schemas,
    kinds: &[
        standin::HUB,
        standin::VPC,
        dns::RESOLVER,
        dns::RULE,
        dx::GATEWAY,
        dx::VIF,
        dx::ASSOCIATION,
        vpn::CUSTOMER_GATEWAY,
        vpn::CONNECTION,
    ],
};

fn operations() -> Vec<Operation> {
    [dns::operations(), dx::operations(), vpn::operations()]
        .into_iter()
        .flatten()
        .collect()
}

fn schemas(s: &mut Map<String, Value>) {
    common::schemas(s);
    dns::schemas(s);
    dx::schemas(s);
    vpn::schemas(s);
}
