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
    let n = BigUint::parse_bytes(
        concat!(
            "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD",
            "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED",
            "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F",
            "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B",
            "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510",
            "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7",
            "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C",
            "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF",
        )
        .as_bytes(),
        16,
    )
    .unwrap();
    let g = BigUint::from(2u32);
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
