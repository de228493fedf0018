//! `g^e` for a secret `e < 2^256` with a fixed-base comb (Lim and Lee, "More flexible
//! exponentiation with precomputation", CRYPTO '94).
//!
//! The exponent's bits are written as a table of `COMB_ROWS` rows of `COMB_ROW_BITS` bits (row
//! `r` holds bits `r * COMB_ROW_BITS ..`), and each row is cut into `COMB_BLOCKS` blocks of
//! `COMB_BLOCK_BITS`. Bit `k` of block `j` of every row forms a column: the `COMB_ROWS` bits
//! of the exponent at positions `r * COMB_ROW_BITS + j * COMB_BLOCK_BITS + k`. The build script
//! precomputed, for each block `j` and each pattern `p` of `COMB_ROWS` bits, the product of
//! `g^(2^(r * COMB_ROW_BITS + j * COMB_BLOCK_BITS))` over the rows `r` set in `p`. Then
//!
//! `g^e = prod over k (from COMB_BLOCK_BITS - 1 down to 0) of (prod over j of T[j][column(j, k)])^(2^k)`,
//!
//! evaluated Horner-style: one squaring per `k` and one multiplication per (`j`, `k`). With 6
//! rows and 4 blocks that is 10 squarings and 43 multiplications for a 256-bit exponent, where
//! square-and-multiply takes 255 squarings and a 4-bit fixed window another 64 multiplications.
//!
//! Constant-time: every step multiplies (by 1 when the column is 0), and each table entry is
//! picked by a masked scan of the whole block (`lookup`), never by indexing with secret bits.

use crypto_bigint::{MontyForm, MontyMultiplier as _, U256, Word};

use crate::group::{Element, Uint, params};
use crate::lookup;
use crate::prime::{COMB_BLOCK_BITS, COMB_BLOCKS, COMB_EXPONENT_BITS, COMB_ROW_BITS, COMB_ROWS};

/// The table, in Montgomery form: `[block][pattern of rows]`.
static TABLE: [[Uint; 1 << COMB_ROWS]; COMB_BLOCKS] =
    include!(concat!(env!("OUT_DIR"), "/comb_table.rs"));

/// Bit `index` of `e` (0 or 1; 0 past the exponent's width, in the last row's padding); the
/// index is public, the bit is not branched on.
fn bit(e: &U256, index: usize) -> u32 {
    if index >= COMB_EXPONENT_BITS {
        return 0;
    }
    let limb = e.as_limbs()[index / 64].0;
    u32::try_from((limb >> (index % 64)) & 1).unwrap_or(0)
}

/// The entry of `block` for the column of bit `k` (in Montgomery form): a masked scan of the
/// whole block.
fn column_entry(e: &U256, block: usize, k: usize) -> Uint {
    let mut pattern = 0u32;
    for row in 0..COMB_ROWS {
        pattern |= bit(e, row * COMB_ROW_BITS + block * COMB_BLOCK_BITS + k) << row;
    }
    lookup::select(&TABLE[block], Word::from(pattern))
}

/// `g^e`.
pub(crate) fn pow_g(e: &U256) -> Element {
    // The first product starts from the first entry rather than multiplying 1 by it.
    let mut r = Element::from_montgomery(column_entry(e, 0, COMB_BLOCK_BITS - 1), params());
    let mut factor = r;
    let mut multiplier = <Element as MontyForm>::Multiplier::from(params());
    for k in (0..COMB_BLOCK_BITS).rev() {
        if k != COMB_BLOCK_BITS - 1 {
            multiplier.square_assign(&mut r);
        }
        let first = usize::from(k == COMB_BLOCK_BITS - 1);
        for block in first..COMB_BLOCKS {
            *factor.as_montgomery_mut() = column_entry(e, block, k);
            multiplier.mul_assign(&mut r, &factor);
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
            U256::from_be_hex("00000000000000000000000000000000000000000000000000000000ffffffff"),
            U256::from_be_hex("5555555555555555555555555555555555555555555555555555555555555555"),
        ];
        for e in samples {
            assert_eq!(
                pow_g(&e).retrieve(),
                g().pow_bounded_exp(&e, 256).retrieve(),
                "{e}"
            );
        }
    }

    #[test]
    fn the_comb_covers_every_bit_once() {
        let mut seen = [0u32; COMB_EXPONENT_BITS];
        for row in 0..COMB_ROWS {
            for block in 0..COMB_BLOCKS {
                for k in 0..COMB_BLOCK_BITS {
                    let index = row * COMB_ROW_BITS + block * COMB_BLOCK_BITS + k;
                    if index < COMB_EXPONENT_BITS {
                        seen[index] += 1;
                    }
                }
            }
        }
        assert!(seen.iter().all(|&n| n == 1));
    }
}
