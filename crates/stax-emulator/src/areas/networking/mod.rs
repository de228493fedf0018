//! Stax networking: the pure rules of its address space, apart from any store or wire.
//!
//! - `cidr`: CIDR blocks parsed strictly, within a kind's prefix lengths, in private space;
//! - `space`: VPC blocks allocated from a hub's ranges, and the overlap rules between ranges,
//!   exclusions, VPCs and peered hubs;
//! - `prefix_list`: a prefix list's room, entries and target;
//! - `addresses`: single addresses (gateways, DNS forwarders, BGP peers, interfaces).
//!
//! Plain values in, values (or a typed refusal whose message names the fix) out.

// The handlers that use these rules come with the networking area; until then only the tests
// call them.
#[cfg_attr(not(test), allow(dead_code))]
mod addresses;
#[cfg_attr(not(test), allow(dead_code))]
mod cidr;
#[cfg_attr(not(test), allow(dead_code))]
mod prefix_list;
#[cfg_attr(not(test), allow(dead_code))]
mod space;
