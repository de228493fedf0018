//! What one sign-in costs in SRP arithmetic, each side, next to the `num-bigint` code the SDK
//! used before (the same formulas, variable-time `BigUint::modpow`).
//!
//! Run: `cargo bench -p stax-srp` (HTML reports in `target/criterion/`). The client's cost of a
//! sign-in is `client/public_a` plus `client/answer`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use num_bigint::BigUint;
use stax_srp::{Challenge, Client, ServerSession, Verifier};

const POOL_ID: &str = "ap-southeast-2_AbC123xyz";
const USER: &str = "user-id-for-srp-0001";
const PASSWORD: &str = "s3cret-Key/with+chars";
const SALT: &str = "7b5e0c7d3a9f41c2b6e8d1f0a4c3b2e1";
const TIMESTAMP: &str = "Tue Nov 3 01:02:03 UTC 2026";

fn stax_srp(c: &mut Criterion) {
    let verifier = Verifier::with_salt(SALT, POOL_ID, USER, PASSWORD).unwrap();
    let client = Client::new();
    let server = ServerSession::start(&verifier, &client.public_hex()).unwrap();
    let srp_b = server.public_hex();
    let block: Vec<u8> = (0u8..=255).cycle().take(1024).collect();
    let challenge = Challenge {
        salt: SALT,
        srp_b: &srp_b,
        secret_block: &block,
        user_id: USER,
    };
    let now = time::macros::datetime!(2026-11-03 01:02:03 UTC);
    let answer = client.answer(&challenge, POOL_ID, PASSWORD, now).unwrap();

    let mut group = c.benchmark_group("client");
    group.sample_size(20);
    // A fresh secret and `A = g^a`.
    group.bench_function("public_a", |b| b.iter(Client::new));
    // Everything after the challenge arrives: u, x, S, K and the signature.
    group.bench_function("answer", |b| {
        b.iter(|| {
            client
                .answer(black_box(&challenge), POOL_ID, PASSWORD, now)
                .unwrap()
        })
    });
    group.finish();

    let mut group = c.benchmark_group("server");
    group.sample_size(20);
    // A fresh secret and `B = k*v + g^b`.
    group.bench_function("start", |b| {
        b.iter(|| ServerSession::start(&verifier, black_box(&client.public_hex())).unwrap())
    });
    // `S = (A * v^u)^b`, K, the expected signature and the comparison.
    group.bench_function("verify", |b| {
        b.iter(|| {
            assert!(server.verify(POOL_ID, USER, &block, TIMESTAMP, &answer.signature));
        })
    });
    group.finish();
}

/// The arithmetic of the SDK before this crate: `num-bigint`, variable time.
fn num_bigint(c: &mut Criterion) {
    let n = BigUint::parse_bytes(stax_srp::N_HEX.as_bytes(), 16).unwrap();
    let g = BigUint::from(2u32);
    // The SDK drew `a` as 128 random bytes.
    let a = BigUint::from_bytes_be(&[0x5a; 128]);
    let b_pub = (&n / 3u32) + 12345u32;
    // k, u and x are 256-bit hashes; their values do not change the cost.
    let k = BigUint::from_bytes_be(&[0x53; 32]);
    let u = BigUint::from_bytes_be(&[0xd2; 32]);
    let x = BigUint::from_bytes_be(&[0xd9; 32]);

    let mut group = c.benchmark_group("num_bigint_before");
    group.sample_size(20);
    group.bench_function("public_a", |b| b.iter(|| g.modpow(black_box(&a), &n)));
    group.bench_function("answer_s", |b| {
        b.iter(|| {
            let kgx = (&k * g.modpow(&x, &n)) % &n;
            let base = ((&b_pub % &n) + &n - kgx) % &n;
            base.modpow(&(&a + &u * &x), &n)
        })
    });
    group.finish();
}

criterion_group!(benches, stax_srp, num_bigint);
criterion_main!(benches);
