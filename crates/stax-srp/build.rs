//! Precomputes the fixed-base comb table for `g = 2` modulo the group's prime, so a sign-in
//! computes `g^a` and `g^x` with about a quarter of the multiplications (see `src/comb.rs`).
//! The table is data derived from public constants only.

use std::fmt::Write as _;

use crypto_bigint::modular::{FixedMontyForm, FixedMontyParams};
use crypto_bigint::{Odd, U3072};

include!("src/prime.rs");

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=src/prime.rs");
    let n = U3072::from_be_hex(N_HEX);
    let params = FixedMontyParams::new_vartime(Odd::new(n).expect("N is odd"));
    // g^(2^e) for every bit position e of the (padded) exponent.
    let mut powers = Vec::with_capacity(COMB_ROWS * COMB_ROW_BITS);
    let mut power = FixedMontyForm::new(&U3072::from_u8(2), &params);
    for _ in 0..COMB_ROWS * COMB_ROW_BITS {
        powers.push(power);
        power = power.square();
    }
    // Entry `pattern` of a block: the product over the rows whose bit is set in `pattern`,
    // built from the entry without its highest row (one multiplication each).
    let mut table = Vec::with_capacity(COMB_BLOCKS);
    for block in 0..COMB_BLOCKS {
        let mut entries = vec![FixedMontyForm::one(&params)];
        for pattern in 1..1usize << COMB_ROWS {
            let row = pattern.ilog2() as usize;
            let rest = pattern ^ (1 << row);
            entries.push(entries[rest].mul(&powers[row * COMB_ROW_BITS + block * COMB_BLOCK_BITS]));
        }
        table.push(entries);
    }
    let mut out = String::new();
    out.push_str("[\n");
    for entries in &table {
        out.push_str("    [\n");
        for entry in entries {
            let bytes = entry.as_montgomery().to_be_bytes();
            let hex: String = bytes.as_ref().iter().map(|b| format!("{b:02X}")).collect();
            writeln!(out, "        Uint::from_be_hex(\"{hex}\"),").unwrap();
        }
        out.push_str("    ],\n");
    }
    out.push_str("]\n");
    let path = std::path::Path::new(&std::env::var("OUT_DIR").unwrap()).join("comb_table.rs");
    std::fs::write(path, out).unwrap();
}
