//! The arithmetic of Cognito's Secure Remote Password flow (`USER_SRP_AUTH`).
//!
//! These are pure functions over big integers and bytes: no I/O, no clock. The SDK's sign-in
//! uses them as the client; the `stax-emulator` uses the same primitives on the server side.
//! Each one is checked against fixed vectors computed independently (see the tests).
//!
//! Notation follows RFC 5054: `N` is the 3072-bit prime of RFC 3526, `g = 2`, `H` is SHA-256,
//! and `PAD(x)` is Cognito's sign-safe hex encoding (see [`pad_hex`]).
//!
//! ```
//! use num_bigint::BigUint;
//! use staxapp::srp;
//!
//! // PAD(x) is lowercase hex, made even-length, with a 00 byte when the top bit is set.
//! assert_eq!(srp::pad_hex(&BigUint::from(0x0fu32)), "0f");
//! assert_eq!(srp::pad_hex(&BigUint::from(0x80u32)), "0080");
//! ```

use std::sync::OnceLock;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use hmac::{Hmac, Mac};
use num_bigint::BigUint;
use num_traits::Zero;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

type HmacSha256 = Hmac<Sha256>;

/// The 3072-bit MODP prime of RFC 3526, group 15, in hex.
const N_HEX: &str = concat!(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD",
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED",
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F",
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B",
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510",
    "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7",
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C",
    "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF",
);

/// Info string of Cognito's one-block HKDF expansion.
const DERIVED_KEY_INFO: &[u8] = b"Caldera Derived Key\x01";

/// The group prime `N`.
pub fn n() -> &'static BigUint {
    static N: OnceLock<BigUint> = OnceLock::new();
    N.get_or_init(|| BigUint::parse_bytes(N_HEX.as_bytes(), 16).expect("N_HEX is valid hex"))
}

/// The generator `g = 2`.
pub fn g() -> &'static BigUint {
    static G: OnceLock<BigUint> = OnceLock::new();
    G.get_or_init(|| BigUint::from(2u32))
}

/// The multiplier `k = H(PAD(N) || PAD(g))`.
pub fn k() -> &'static BigUint {
    static K: OnceLock<BigUint> = OnceLock::new();
    K.get_or_init(|| hash_hex_to_int(&[&pad_hex(n()), &pad_hex(g())]))
}

/// Cognito's `PAD(x)`: lowercase hex of `x`; an odd length gets one leading `0`, an even length
/// whose first digit is `8`-`f` gets a leading `00` (so the bytes read as a positive number).
pub fn pad_hex(x: &BigUint) -> String {
    pad_hex_str(&x.to_str_radix(16))
}

fn pad_hex_str(hex: &str) -> String {
    if hex.len() % 2 == 1 {
        format!("0{hex}")
    } else if matches!(
        hex.as_bytes().first(),
        Some(b'8'..=b'9' | b'a'..=b'f' | b'A'..=b'F')
    ) {
        format!("00{hex}")
    } else {
        hex.to_owned()
    }
}

/// Decodes an even-length hex string (as produced by [`pad_hex`]) into bytes.
fn hex_bytes(hex: &str) -> Vec<u8> {
    hex.as_bytes()
        .chunks(2)
        .map(|pair| {
            let digit = |c: u8| (c as char).to_digit(16).unwrap_or(0) as u8;
            (digit(pair[0]) << 4) | pair.get(1).copied().map(digit).unwrap_or(0)
        })
        .collect()
}

/// `H` over the bytes that the concatenated hex strings encode, as an integer.
fn hash_hex_to_int(hex_parts: &[&str]) -> BigUint {
    let mut hasher = Sha256::new();
    for part in hex_parts {
        hasher.update(hex_bytes(part));
    }
    BigUint::from_bytes_be(&hasher.finalize())
}

/// Parses a hex string as sent on the wire (`SRP_A`, `SRP_B`, `SALT`); `None` if it is not hex.
pub fn parse_hex(hex: &str) -> Option<BigUint> {
    if hex.is_empty() {
        return None;
    }
    BigUint::parse_bytes(hex.as_bytes(), 16)
}

/// The public value `A = g^a mod N` for the client's secret `a`.
pub fn client_public(a: &BigUint) -> BigUint {
    g().modpow(a, n())
}

/// The server's public value `B = (k*v + g^b) mod N` for verifier `v` and secret `b`.
pub fn server_public(v: &BigUint, b: &BigUint) -> BigUint {
    (k() * v + g().modpow(b, n())) % n()
}

/// The scrambler `u = H(PAD(A) || PAD(B))`.
pub fn scrambler(a_pub: &BigUint, b_pub: &BigUint) -> BigUint {
    hash_hex_to_int(&[&pad_hex(a_pub), &pad_hex(b_pub)])
}

/// The pool name: the part of a user pool id after the `_` (`ap-southeast-2_AbC` -> `AbC`).
pub fn pool_name(user_pool_id: &str) -> &str {
    user_pool_id
        .split_once('_')
        .map_or(user_pool_id, |(_, name)| name)
}

/// The private key `x = H(PAD(salt) || hex(H(poolName || userId || ":" || password)))`.
pub fn private_key(salt: &BigUint, pool_name: &str, user_id: &str, password: &str) -> BigUint {
    let inner = Sha256::new()
        .chain_update(pool_name.as_bytes())
        .chain_update(user_id.as_bytes())
        .chain_update(b":")
        .chain_update(password.as_bytes())
        .finalize();
    let inner_hex: String = inner.iter().map(|b| format!("{b:02x}")).collect();
    hash_hex_to_int(&[&pad_hex(salt), &inner_hex])
}

/// The verifier `v = g^x mod N` a server stores for a user at registration.
pub fn verifier(salt: &BigUint, pool_name: &str, user_id: &str, password: &str) -> BigUint {
    g().modpow(&private_key(salt, pool_name, user_id, password), n())
}

/// The client's premaster secret `S = (B - k*g^x)^(a + u*x) mod N`.
pub fn client_secret(b_pub: &BigUint, a: &BigUint, u: &BigUint, x: &BigUint) -> BigUint {
    let n = n();
    let kgx = (k() * g().modpow(x, n)) % n;
    // (B - k*g^x) mod N, kept non-negative.
    let base = ((b_pub % n) + n - kgx) % n;
    base.modpow(&(a + u * x), n)
}

/// The server's premaster secret `S = (A * v^u)^b mod N`.
pub fn server_secret(a_pub: &BigUint, v: &BigUint, u: &BigUint, b: &BigUint) -> BigUint {
    let n = n();
    ((a_pub % n) * v.modpow(u, n) % n).modpow(b, n)
}

/// The 16-byte session key: `HMAC(HMAC(PAD(u), PAD(S)), "Caldera Derived Key" || 1)[..16]`.
pub fn session_key(u: &BigUint, s: &BigUint) -> [u8; 16] {
    let prk = hmac_sha256(&hex_bytes(&pad_hex(u)), &[&hex_bytes(&pad_hex(s))]);
    let okm = hmac_sha256(&prk, &[DERIVED_KEY_INFO]);
    let mut key = [0u8; 16];
    key.copy_from_slice(&okm[..16]);
    key
}

/// `PASSWORD_CLAIM_SIGNATURE`: base64 of
/// `HMAC(K, poolName || userId || secretBlock || timestamp)`, where `secret_block` is the decoded
/// `SECRET_BLOCK`.
pub fn claim_signature(
    key: &[u8; 16],
    pool_name: &str,
    user_id: &str,
    secret_block: &[u8],
    timestamp: &str,
) -> String {
    let mac = hmac_sha256(
        key,
        &[
            pool_name.as_bytes(),
            user_id.as_bytes(),
            secret_block,
            timestamp.as_bytes(),
        ],
    );
    B64.encode(mac)
}

/// Cognito's `TIMESTAMP`: `Www Mmm D HH:MM:SS UTC YYYY` in English, day not zero-padded.
pub fn timestamp(at: OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    let weekday = &at.weekday().to_string()[..3];
    let month = &at.month().to_string()[..3];
    format!(
        "{weekday} {month} {} {:02}:{:02}:{:02} UTC {}",
        at.day(),
        at.hour(),
        at.minute(),
        at.second(),
        at.year()
    )
}

/// Parses a [`timestamp`] back into a time; `None` when it is not of that form.
pub fn parse_timestamp(text: &str) -> Option<OffsetDateTime> {
    let format = time::macros::format_description!(
        "[weekday repr:short] [month repr:short] [day padding:none] [hour]:[minute]:[second] UTC [year]"
    );
    time::PrimitiveDateTime::parse(text, &format)
        .ok()
        .map(|t| t.assume_utc())
}

/// Draws a secret exponent: 128 random bytes reduced mod `N`, never zero.
pub fn random_secret() -> BigUint {
    use rand::RngCore;
    loop {
        let mut bytes = [0u8; 128];
        rand::thread_rng().fill_bytes(&mut bytes);
        let value = BigUint::from_bytes_be(&bytes) % n();
        if !value.is_zero() {
            return value;
        }
    }
}

/// Returns true when `value mod N` is zero: such an `A`, `B` or `u` must be refused.
pub fn is_degenerate(value: &BigUint) -> bool {
    (value % n()).is_zero()
}

fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes keys of any length");
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pad_follows_cognito_rules() {
        assert_eq!(pad_hex(&BigUint::from(0x1u32)), "01");
        assert_eq!(pad_hex(&BigUint::from(0x7fu32)), "7f");
        assert_eq!(pad_hex(&BigUint::from(0x80u32)), "0080");
        assert_eq!(pad_hex(&BigUint::from(0xabcu32)), "0abc");
        assert!(pad_hex(n()).starts_with("00ffff"));
    }

    #[test]
    fn timestamp_day_is_not_padded() {
        let at = time::macros::datetime!(2026-11-03 01:02:03 UTC);
        assert_eq!(timestamp(at), "Tue Nov 3 01:02:03 UTC 2026");
        assert_eq!(parse_timestamp("Tue Nov 3 01:02:03 UTC 2026"), Some(at));
        let at = time::macros::datetime!(2026-11-30 23:59:09 UTC);
        assert_eq!(timestamp(at), "Mon Nov 30 23:59:09 UTC 2026");
    }

    #[test]
    fn client_and_server_agree_on_the_secret() {
        let salt = BigUint::from(0xdead_beefu64);
        let v = verifier(&salt, "Pool", "user-1", "pw");
        let (a, b) = (random_secret(), random_secret());
        let a_pub = client_public(&a);
        let b_pub = server_public(&v, &b);
        let u = scrambler(&a_pub, &b_pub);
        let x = private_key(&salt, "Pool", "user-1", "pw");
        assert_eq!(
            client_secret(&b_pub, &a, &u, &x),
            server_secret(&a_pub, &v, &u, &b)
        );
    }
}
