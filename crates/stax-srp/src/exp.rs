//! Modular exponentiation in the group: constant-time in secret exponents.
//!
//! Exponents carry a public bound on their length (`bits`): the time taken depends on that
//! bound only, never on the exponent's bits.

use crypto_bigint::U256;

use crate::group::{Element, Exponent, g};

/// `base^exponent`, looking at the low `bits` bits of `exponent`; constant-time in the
/// exponent's value.
pub(crate) fn pow(base: &Element, exponent: &Exponent, bits: u32) -> Element {
    base.pow_bounded_exp(exponent, bits)
}

/// `g^exponent`, looking at the low `bits` bits of `exponent`; constant-time in the exponent's
/// value.
pub(crate) fn pow_g(exponent: &Exponent, bits: u32) -> Element {
    pow(&g(), exponent, bits)
}

/// `base^exponent` for a public exponent (`u`): variable time.
pub(crate) fn pow_public(base: &Element, exponent: &U256) -> Element {
    base.pow_vartime(exponent)
}
