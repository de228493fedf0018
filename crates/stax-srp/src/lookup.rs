//! Constant-time table look-up: the entry a secret index names, read by touching every entry.
//!
//! Every entry is ANDed with a mask (all ones for the wanted entry, zero for the others) and
//! ORed into the result, so the memory read and the instructions run are the same for every
//! index. The masks are words rather than branches or conditional moves, so the compiler can
//! process several limbs per instruction: `crypto-bigint`'s `ct_assign`, one conditional move
//! per limb, made the scans a tenth of a sign-in's arithmetic.

use core::hint::black_box;

use crypto_bigint::{CtEq as _, Uint, Word};

/// `table[index]`; all zeros when `index` is past the end. Constant-time in `index`.
pub(crate) fn select<const LIMBS: usize>(table: &[Uint<LIMBS>], index: Word) -> Uint<LIMBS> {
    let mut out = [Word::default(); LIMBS];
    for (i, entry) in table.iter().enumerate() {
        let i = Word::try_from(i).unwrap_or(Word::MAX);
        // 0 or all ones; `black_box` keeps the optimizer from reasoning about which.
        let mask = black_box(Word::from(i.ct_eq(&index).to_u8()).wrapping_neg());
        for (o, limb) in out.iter_mut().zip(entry.as_limbs()) {
            *o |= limb.0 & mask;
        }
    }
    Uint::from_words(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crypto_bigint::U256;

    #[test]
    fn selects_the_named_entry() {
        let table: Vec<U256> = (0..16u64)
            .map(|i| {
                U256::from_u64(i * 0x0101_0101)
                    .wrapping_shl_vartime(100)
                    .wrapping_add(&U256::from_u64(i))
            })
            .collect();
        for (i, entry) in table.iter().enumerate() {
            assert_eq!(&select(&table, Word::try_from(i).unwrap()), entry);
        }
        assert_eq!(select(&table, 16), U256::ZERO);
    }
}
