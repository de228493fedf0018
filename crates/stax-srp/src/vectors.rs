//! Fixed-vector tests of the SRP arithmetic (client and server) against the published Python
//! SDK.
//!
//! (Moved here from the `staxapp` crate, where they were first computed; unchanged.)
//!
//! The constants below were computed once, by hand, with `staxapp==1.4.1`'s own SRP helper
//! (`staxapp.aws_srp`: `AWSSRP` with its random `a` replaced by a fixed value, `calculate_u`,
//! `get_password_authentication_key` for the derived key `K`, `process_challenge` with its
//! clock pinned for the claim signature), running this script with
//! `/tmp/pyvenv/bin/python vec.py` (Python 3.11). `B` and `S` are plain modular arithmetic in
//! the script (the package has no server side); `K` comes from the package's own
//! `get_password_authentication_key`, which computes `S` internally, so a wrong `S` in Rust
//! shows up as a wrong `K`.
//!
//! ```python
//! import base64, hashlib, hmac
//! from staxapp import aws_srp
//! from staxapp.aws_srp import AWSSRP, pad_hex, hex_hash, hex_to_long, calculate_u, compute_hkdf, hash_sha256, long_to_hex
//!
//! class Fixed(AWSSRP):
//!     def generate_random_small_a(self):
//!         return int("1f" * 128, 16) % self.big_n
//!
//! pool_id = "ap-southeast-2_AbC123xyz"
//! user_id = "user-id-for-srp-0001"
//! password = "s3cret-Key/with+chars"
//! salt_hex = "7b5e0c7d3a9f41c2b6e8d1f0a4c3b2e1"
//! b = int("2c" * 128, 16)
//! secret_block_b64 = base64.standard_b64encode(bytes(range(48))).decode()
//! timestamp = "Tue Nov 3 01:02:03 UTC 2026"
//!
//! srp = Fixed(username="AK", password=password, pool_id=pool_id, client_id="cid", client=object())
//! N, g, k = srp.big_n, srp.g, srp.k
//! A = srp.large_a_value
//! # server side B from verifier v = g^x
//! up = hash_sha256(("AbC123xyz" + user_id + ":" + password).encode())
//! x = hex_to_long(hex_hash(pad_hex(salt_hex) + up))
//! v = pow(g, x, N)
//! B = (k * v + pow(g, b, N)) % N
//! u = calculate_u(A, B)
//! S = pow(B - k * pow(g, x, N), srp.small_a_value + u * x, N)
//! key = srp.get_password_authentication_key(user_id, password, B, salt_hex)
//! # the package's own challenge answer, its clock pinned to the TIMESTAMP above
//! import datetime as real_datetime
//! class FixedDatetime(real_datetime.datetime):
//!     @classmethod
//!     def utcnow(cls):
//!         return cls(2026, 11, 3, 1, 2, 3)
//! aws_srp.datetime = type("m", (), {"datetime": FixedDatetime})
//! answer = srp.process_challenge({"USER_ID_FOR_SRP": user_id, "SALT": salt_hex,
//!     "SRP_B": "%x" % B, "SECRET_BLOCK": secret_block_b64})
//! assert answer["TIMESTAMP"] == timestamp, answer["TIMESTAMP"]
//! sig = answer["PASSWORD_CLAIM_SIGNATURE"]
//! print("A", "%x" % A); print("B", "%x" % B); print("u", "%x" % u); print("x", "%x" % x)
//! print("S", "%x" % S); print("K", key.hex()); print("SIG", sig); print("k", "%x" % k)
//! ```
//!
//! Its output, pasted below: `A`, `B`, `u`, `x`, `S` (hex), `K` (hex), `SIG` (base64), `k` (hex).

use crate::client::{Challenge, Client};
use crate::group::{self, Uint};
use crate::proof;
use crate::server::{ServerSession, Verifier};

const POOL_ID: &str = "ap-southeast-2_AbC123xyz";
const USER_ID: &str = "user-id-for-srp-0001";
const PASSWORD: &str = "s3cret-Key/with+chars";
const SALT: &str = "7b5e0c7d3a9f41c2b6e8d1f0a4c3b2e1";
const TIMESTAMP: &str = "Tue Nov 3 01:02:03 UTC 2026";

const A_HEX: &str = concat!(
    "3714ef8f70efe61f13883ff4e72a78800cd35f06408cf73ea95be7aaa2d5433358ee2a183671056eb0e7df43cfbf1708",
    "22c0de6b25419c0be60eb73c523591ce833eeb26553ea8fc54ce0603e12449559add504fed167258450f91786fc2298b",
    "4b1f40e64c621fb2b5e31717a3bb09e6c3cc3d9ef02df6874188342e3f287aadff35c9206fc59bb09497191c28985547",
    "660ac59f65c27640c30c9cc2ae9db1498138f7d7e3c37924d59b1154946239486b64a3306e3d6689267b64a9f1fd46cd",
    "c3fbc8b49330ff298c60d482ce580f9d363c6d87ed25ed8dd13fcba66b3cb6fcb61b39fcccd5de0760a60f68017a26db",
    "78c24c6fc01b974d980ed841aa6713dbce8d62d4e66ef59d26033d19235f54376a7614211660d57071cc499ff0c42a64",
    "4ce66e5b16581c42218313c1e697ec72aa611b28638cd129f43783c083954d714da2c13c97b788dffc67262b2aca005e",
    "e083e07099521488a13ced637217ffa693b191cad920332295afb3fed00da11b20a3fcf01733da18e51719796cbaba9c",
);
const B_HEX: &str = concat!(
    "2a904785fc77e7671d899453ae9fb047ceeb81c168f2971e02c368d7c9fd3505ac9c8b6af23eaba18a86c444359f912c",
    "490c671773553a75bc674bfe314b326eeb293253a36bf36d5d040213197715ac1fb5390f83742ab9d20cf3e10ec054c6",
    "4c32e69a12de4cc6a11d03045c97e5a4af5631f441ba65a1e95e2f5dfef5ab620b4b0a27f0feb2ddddf4770221c98e1e",
    "0fed243bc16a9ae94c7beb5631b556d4c92b3d5580a789332e3b5fdbafb527891a51d983985d1ded49ce395b8812911f",
    "1a3869d9a8c1684067e114128ec8870bf0d338900243753982a0f9bd87f4b4852a374d5eda98eb6340533e6e8df4963e",
    "e0cfe68d0771e77811a1f00b598b1b1a9c6a69534a4a324589abb6af7aafb014861823413224a8ff8a1a56aa9e0361be",
    "9984ff47e0cfb9f515a774cd8b9683c09213ad7f04dccd11ff797a2fdd9d8c2921a9adddcfc6c1a70ed3edade73e5c1d",
    "cadaad67019a2cf1230d108e1f770ad8e244056ed4ee4d090e5d841e385934561637e289caba86d3562a5e2d1194cabb",
);
const U_HEX: &str = "d2937e60a3541ab0a24d4a1fe606aa9394b29323e39ad08ba9d222ffc2a06d6a";
const X_HEX: &str = "d95ab47d753f6a73619c5c9c3200fdcae7e2644b059ad1591068dc9f2c989b30";
const S_HEX: &str = concat!(
    "eb38b3a35bc5f4e48f4111cf4627f202e875cca827da3133baa382dc2abeee166a7fd161adbe5527c76d0e0caa56be06",
    "a9159d734b87a2bbd0510894aa61b709716548315ca2ac1ad715a937c5602e34727aa0264cd0d0746d03f54ff977ef8b",
    "4d1210be71b7d2c686638eaac667549d3c7d4366c378e9db807c944b452150ff9227910f192782468172b145ae216a92",
    "79d4edb4f295d0cffcdcb23a6936a801f744ea9d3e8bf056e20ae96fa6e41f27c2c0b63d2eb2ffbebc1bacce4117e0c1",
    "ced1077f90f2d6e9d643983de0f52e3b834f78a9e8e474b201b3371704d93f2229b1dd26dbb1558bb84366a1b068e492",
    "255504c4faef8371a7bea93aa35734f6059825ca6c919e6af54c5b5db4bdd4a2212e8bc3346afb6b5097a51ad5e42313",
    "1cf02e023b85cbf628e79164ec416e82203d6adb1cb21c91399630331967c3e1339859be9bf6cc50285c90721625fe76",
    "de6168d6d808e70f75d2744ed630af10a5c33ccbf8d65efdcc49e4db630fe9f7239bf948fc23f7710e9d53579f286193",
);
const K_HEX: &str = "b509cb05b9358eb4471a6a6e7100b06e";
const SIGNATURE: &str = "UMaY41Ot+BW/mzgcZ/VztmtcQwvO0ujGzKg9CRWy/Co=";
const K_MULTIPLIER_HEX: &str = "538282c4354742d7cbbde2359fcf67f9f5b3a6b08791e5011b43b8a5b66d9ee6";

fn fixed_a() -> Vec<u8> {
    vec![0x1f; 128]
}

fn fixed_b() -> Vec<u8> {
    vec![0x2c; 128]
}

fn secret_block() -> Vec<u8> {
    (0u8..48).collect()
}

fn hex(x: &Uint) -> String {
    group::to_hex(x)
}

#[test]
fn srp_arithmetic_matches_the_python_sdk() {
    let pool = proof::pool_name(POOL_ID);
    assert_eq!(pool, "AbC123xyz");
    assert_eq!(hex(&group::k().retrieve()), K_MULTIPLIER_HEX);
    let client = Client::with_secret(&fixed_a()).expect("A is not degenerate");
    assert_eq!(client.public_hex(), A_HEX);
    let salt = group::pad_hex_text(SALT).unwrap();
    let x = proof::private_key(&salt, pool, USER_ID, PASSWORD);
    assert_eq!(proof::hex256(&x), X_HEX);
    let verifier = Verifier::with_salt(SALT, POOL_ID, USER_ID, PASSWORD).unwrap();
    let server = ServerSession::with_secret(&verifier, A_HEX, &fixed_b()).unwrap();
    assert_eq!(server.public_hex(), B_HEX);
    let a_pub = group::parse_hex(A_HEX).unwrap();
    let b_pub = group::parse_hex(B_HEX).unwrap();
    let u = proof::scrambler(&a_pub, &b_pub);
    assert_eq!(proof::hex256(&u), U_HEX);
    let s = group::parse_hex(S_HEX).unwrap();
    let key = proof::session_key(&u, &s);
    assert_eq!(proof::key_hex(&key), K_HEX);
    let signature = proof::claim_signature(&key, pool, USER_ID, &secret_block(), TIMESTAMP);
    assert_eq!(signature, SIGNATURE);
    // The server's own S (through its signature) agrees with the Python SDK's.
    assert_eq!(
        server
            .expected_signature(POOL_ID, USER_ID, &secret_block(), TIMESTAMP)
            .unwrap(),
        SIGNATURE
    );
    assert!(server.verify(POOL_ID, USER_ID, &secret_block(), TIMESTAMP, SIGNATURE));
}

#[test]
fn srp_client_answers_the_challenge_like_the_python_sdk() {
    let client = Client::with_secret(&fixed_a()).expect("A is not degenerate");
    let block = secret_block();
    let challenge = Challenge {
        salt: SALT,
        srp_b: B_HEX,
        secret_block: &block,
        user_id: USER_ID,
    };
    let now = time::macros::datetime!(2026-11-03 01:02:03 UTC);
    let answer = client.answer(&challenge, POOL_ID, PASSWORD, now).unwrap();
    assert_eq!(answer.timestamp, TIMESTAMP);
    assert_eq!(answer.signature, SIGNATURE);
    // Upper-case and zero-padded hex reads the same.
    let padded_b = format!("000{}", B_HEX.to_ascii_uppercase());
    let challenge = Challenge {
        srp_b: &padded_b,
        ..challenge
    };
    assert_eq!(
        client.answer(&challenge, POOL_ID, PASSWORD, now).unwrap(),
        answer
    );
}

#[test]
fn client_and_server_agree_and_refuse_wrong_passwords() {
    let verifier = Verifier::new(POOL_ID, "user-1", "pw");
    let client = Client::new();
    let server = ServerSession::start(&verifier, &client.public_hex()).unwrap();
    let stored = Verifier::from_stored(verifier.salt_hex(), &verifier.verifier_hex()).unwrap();
    assert_eq!(stored, verifier);
    let b_hex = server.public_hex();
    let challenge = Challenge {
        salt: verifier.salt_hex(),
        srp_b: &b_hex,
        secret_block: b"block",
        user_id: "user-1",
    };
    let now = time::OffsetDateTime::now_utc();
    let good = client.answer(&challenge, POOL_ID, "pw", now).unwrap();
    assert!(server.verify(
        POOL_ID,
        "user-1",
        b"block",
        &good.timestamp,
        &good.signature
    ));
    assert!(!server.verify(
        POOL_ID,
        "user-2",
        b"block",
        &good.timestamp,
        &good.signature
    ));
    assert!(!server.verify(
        POOL_ID,
        "user-1",
        b"other",
        &good.timestamp,
        &good.signature
    ));
    let bad = client.answer(&challenge, POOL_ID, "wrong", now).unwrap();
    assert!(!server.verify(POOL_ID, "user-1", b"block", &bad.timestamp, &bad.signature));
}

#[test]
fn degenerate_and_malformed_values_are_refused() {
    let n_hex = group::to_hex(group::n());
    let client = Client::with_secret(&fixed_a()).unwrap();
    let challenge = |srp_b: &'static str, salt: &'static str| Challenge {
        salt,
        srp_b,
        secret_block: b"",
        user_id: "u",
    };
    let now = time::OffsetDateTime::UNIX_EPOCH;
    let answer = |c: Challenge<'_>| client.answer(&c, POOL_ID, "pw", now).unwrap_err();
    assert_eq!(
        answer(challenge("0", "01")),
        crate::error::SrpError::DegenerateB
    );
    let n_static: &'static str = Box::leak(n_hex.clone().into_boxed_str());
    assert_eq!(
        answer(challenge(n_static, "01")),
        crate::error::SrpError::DegenerateB
    );
    assert_eq!(
        answer(challenge("xyz", "01")),
        crate::error::SrpError::PublicB
    );
    assert_eq!(
        answer(challenge("02", "salt?")),
        crate::error::SrpError::Salt
    );
    let verifier = Verifier::with_salt("01", POOL_ID, "u", "pw").unwrap();
    assert_eq!(
        ServerSession::start(&verifier, &n_hex).unwrap_err(),
        crate::error::SrpError::DegenerateA
    );
    assert_eq!(
        ServerSession::start(&verifier, "").unwrap_err(),
        crate::error::SrpError::PublicA
    );
    assert!(Verifier::from_stored("01", "nothex").is_err());
    assert!(Client::with_secret(&[1; 385]).is_none());
    assert!(format!("{client:?}").contains("redacted"));
}
