//! Modular exponentiation in the group: constant-time in secret exponents.
//!
//! Exponents carry a public bound on their length (`bits`): the time taken depends on that
//! bound only, never on the exponent's bits.
//!
//! A variable base (`S = base^e`) uses a fixed window of `W` bits: the table `base^0 ..
//! base^(2^W - 1)` (`2^W - 2` multiplications), then, from the top window down, `W` squarings
//! and one multiplication by the table entry the window's value names. The entry is picked by a
//! masked scan of the whole table, so neither the memory touched nor the steps taken depend
//! on the exponent. `W` is chosen from the public length: 4 for a 256-bit secret, 5 for the
//! 513-bit exponent of the client's `S` (510 squarings and 132 multiplications, where
//! `crypto-bigint`'s own 4-bit window takes 512 and 143).

use crypto_bigint::{MontyForm, MontyMultiplier as _, U256, Word};

use crate::group::{Element, Exponent, g, params};
use crate::{comb, lookup};

/// `base^exponent`, looking at the low `bits` bits of `exponent`; constant-time in the
/// exponent's value.
pub(crate) fn pow(base: &Element, exponent: &Exponent, bits: u32) -> Element {
    let bits = bits.min(Exponent::BITS);
    match window_bits(bits) {
        4 => pow_window::<16>(base, exponent, bits),
        5 => pow_window::<32>(base, exponent, bits),
        _ => pow_window::<64>(base, exponent, bits),
    }
}

/// The window width (4, 5 or 6) taking the fewest multiplications for an exponent of `bits`
/// bits: `2^w - 2` for the table plus one per window after the first (the squarings are
/// about `bits` whatever the width).
fn window_bits(bits: u32) -> u32 {
    let cost = |w: u32| (1u32 << w) - 2 + bits.div_ceil(w).saturating_sub(1);
    (4..=6).min_by_key(|&w| cost(w)).unwrap_or(4)
}

/// Fixed-window exponentiation with `TABLE = 2^W` entries.
fn pow_window<const TABLE: usize>(base: &Element, exponent: &Exponent, bits: u32) -> Element {
    let w = TABLE.trailing_zeros();
    if bits == 0 {
        return Element::one(params());
    }
    let mut table = [*Element::one(params()).as_montgomery(); TABLE];
    table[1] = *base.as_montgomery();
    let mut power = *base;
    for entry in table.iter_mut().skip(2) {
        power = power.mul(base);
        *entry = *power.as_montgomery();
    }
    let windows = bits.div_ceil(w);
    // The top window holds the bits above (windows - 1) * w, up to `bits`: r starts as its
    // entry, without a multiplication.
    let top = windows - 1;
    let mut r = *base;
    *r.as_montgomery_mut() = lookup::select(&table, window(exponent, top * w, bits - top * w));
    let mut factor = *base;
    // Multiplying in place spares copying the parameters with every product.
    let mut multiplier = <Element as MontyForm>::Multiplier::from(params());
    for i in (0..top).rev() {
        for _ in 0..w {
            multiplier.square_assign(&mut r);
        }
        *factor.as_montgomery_mut() = lookup::select(&table, window(exponent, i * w, w));
        multiplier.mul_assign(&mut r, &factor);
    }
    r
}

/// The `width` bits of `e` from bit `start` (both public; the value is secret).
fn window(e: &Exponent, start: u32, width: u32) -> Word {
    let shifted = e.wrapping_shr_vartime(start);
    shifted.as_limbs()[0].0 & ((1 << width) - 1)
}

/// `g^exponent`, looking at the low `bits` bits of `exponent`; constant-time in the exponent's
/// value. Exponents of up to 256 bits (every fresh secret, every `x`) take the precomputed comb.
pub(crate) fn pow_g(exponent: &Exponent, bits: u32) -> Element {
    if bits <= 256 {
        comb::pow_g(&exponent.resize())
    } else {
        pow(&g(), exponent, bits)
    }
}

/// `base^exponent` for a public exponent (`u`): variable time.
pub(crate) fn pow_public(base: &Element, exponent: &U256) -> Element {
    base.pow_vartime(exponent)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::group::Uint;

    fn samples() -> Vec<Exponent> {
        vec![
            Exponent::ZERO,
            Exponent::ONE,
            Exponent::from_u8(31),
            Exponent::MAX.wrapping_shr_vartime(4096 - 513),
            Exponent::from_be_hex(&format!(
                "{:0>1024}",
                "1d95ab47d753f6a73619c5c9c3200fdcae7e2644b059ad1591068dc9f2c989b30a1b2c3d4e5f60718293a4b5c6d7e8f90123456789abcdef0fedcba9876543210"
            )),
            Exponent::MAX.wrapping_shr_vartime(4096 - 1025),
            Exponent::MAX,
        ]
    }

    #[test]
    fn the_window_agrees_with_crypto_bigint() {
        let base = Element::new(
            &Uint::from_be_hex(&format!("{:0>768}", "c0ffee1234567890abcdef")),
            params(),
        );
        for e in samples() {
            for bits in [1, 7, 256, 257, 513, 1025, 3072, 4096] {
                let masked = e
                    .wrapping_shl_vartime(4096 - bits)
                    .wrapping_shr_vartime(4096 - bits);
                assert_eq!(
                    pow(&base, &e, bits).retrieve(),
                    base.pow_bounded_exp(&masked, bits).retrieve(),
                    "{e} with {bits} bits"
                );
            }
        }
        assert_eq!(pow(&base, &Exponent::MAX, 0).retrieve(), Uint::ONE);
    }

    #[test]
    fn window_widths_follow_the_length() {
        assert_eq!(window_bits(256), 4);
        assert_eq!(window_bits(513), 5);
        assert_eq!(window_bits(4096), 6);
    }
}
