//! `g^e` for a secret `e < 2^256` with a fixed-base comb (Lim and Lee, "More flexible
//! exponentiation with precomputation", CRYPTO '94): the build script precomputed, for each of
//! the `COMB_BLOCKS` blocks, the 16 products of `g^(2^(row*64 + block*16))` over the subsets
//! of the 4 rows. Evaluating then takes 15 squarings and 64 multiplications instead of 256
//! squarings: a quarter of the work of square-and-multiply.
//!
//! Constant-time: every step multiplies (by 1 when the bits are 0), and each table entry is
//! picked by scanning all 16 with masks, never by indexing with secret bits.

use crypto_bigint::{CtAssign as _, CtEq as _, U256};

use crate::group::{Element, Uint, params};
use crate::prime::{COMB_BLOCK_BITS, COMB_BLOCKS, COMB_ROW_BITS, COMB_ROWS};

/// The table, in Montgomery form: `[block][pattern of rows]`.
static TABLE: [[Uint; 1 << COMB_ROWS]; COMB_BLOCKS] =
    include!(concat!(env!("OUT_DIR"), "/comb_table.rs"));

/// Bit `index` of `e` (0 or 1); the index is public, the bit is not branched on.
fn bit(e: &U256, index: usize) -> u32 {
    let limb = e.as_limbs()[index / 64].0;
    u32::try_from((limb >> (index % 64)) & 1).unwrap_or(0)
}

/// `g^e`.
pub(crate) fn pow_g(e: &U256) -> Element {
    let mut r = Element::one(params());
    for k in (0..COMB_BLOCK_BITS).rev() {
        if k != COMB_BLOCK_BITS - 1 {
            r = r.square();
        }
        for (block, entries) in TABLE.iter().enumerate() {
            let mut pattern = 0u32;
            for row in 0..COMB_ROWS {
                pattern |= bit(e, row * COMB_ROW_BITS + block * COMB_BLOCK_BITS + k) << row;
            }
            let mut entry = entries[0];
            for (i, candidate) in entries.iter().enumerate().skip(1) {
                let i = u32::try_from(i).unwrap_or(0);
                entry.ct_assign(candidate, i.ct_eq(&pattern));
            }
            r = r.mul(&Element::from_montgomery(entry, params()));
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::group::g;

    #[test]
    fn the_comb_agrees_with_plain_exponentiation() {
        let samples = [
            U256::ZERO,
            U256::ONE,
            U256::from_u8(2),
            U256::MAX,
            U256::from_be_hex("d95ab47d753f6a73619c5c9c3200fdcae7e2644b059ad1591068dc9f2c989b30"),
            U256::from_be_hex("8000000000000000000000000000000000000000000000000000000000000001"),
        ];
        for e in samples {
            assert_eq!(
                pow_g(&e).retrieve(),
                g().pow_bounded_exp(&e, 256).retrieve(),
                "{e}"
            );
        }
    }
}
