//! The group: `N` (RFC 3526 group 15, 3072 bits), `g = 2`, `k`, and numbers of the group in
//! Montgomery form, with Cognito's hex encodings.
//!
//! Arithmetic on secrets is constant-time (`crypto-bigint`): exponentiation by a secret
//! exponent runs the same number of steps, with table look-ups by masking, whatever the bits.

use std::sync::OnceLock;

use crypto_bigint::modular::{FixedMontyForm, FixedMontyParams};
use crypto_bigint::{Odd, U256, U3072, U4096};
use sha2::{Digest, Sha256};

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

/// Bytes of a group element.
pub(crate) const BYTES: usize = 384;

/// An integer below `2^3072`.
pub(crate) type Uint = U3072;
/// An element of the group in Montgomery form.
pub(crate) type Element = FixedMontyForm<{ U3072::LIMBS }>;
/// An exponent: a secret plus `u * x` can exceed 3072 bits.
pub(crate) type Exponent = U4096;

/// `N` as an integer.
pub(crate) fn n() -> &'static Uint {
    static N: OnceLock<Uint> = OnceLock::new();
    N.get_or_init(|| Uint::from_be_hex(N_HEX))
}

/// Montgomery parameters of `N`.
pub(crate) fn params() -> &'static FixedMontyParams<{ U3072::LIMBS }> {
    static PARAMS: OnceLock<FixedMontyParams<{ U3072::LIMBS }>> = OnceLock::new();
    PARAMS.get_or_init(|| {
        let odd = Odd::new(*n()).expect("N is odd");
        FixedMontyParams::new_vartime(odd)
    })
}

/// `g = 2` in Montgomery form.
pub(crate) fn g() -> Element {
    Element::new(&Uint::from_u8(2), params())
}

/// The multiplier `k = H(PAD(N) || PAD(g))` in Montgomery form.
pub(crate) fn k() -> &'static Element {
    static K: OnceLock<Element> = OnceLock::new();
    K.get_or_init(|| {
        let digest = Sha256::new()
            .chain_update(pad(n()))
            .chain_update(pad(&Uint::from_u8(2)))
            .finalize();
        Element::new(&from_digest(&digest.into()).resize(), params())
    })
}

/// An integer from a SHA-256 digest.
pub(crate) fn from_digest(digest: &[u8; 32]) -> U256 {
    U256::from_be_slice(digest)
}

/// The integer `bytes` encode (big-endian); `None` when it does not fit in 3072 bits.
pub(crate) fn from_be_bytes(bytes: &[u8]) -> Option<Uint> {
    let start = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    let bytes = &bytes[start..];
    if bytes.len() > BYTES {
        return None;
    }
    let mut full = [0u8; BYTES];
    full[BYTES - bytes.len()..].copy_from_slice(bytes);
    Some(Uint::from_be_slice(&full))
}

/// Parses hex as sent on the wire (`SRP_A`, `SRP_B`, a stored verifier): any case, any number of
/// leading zeros; `None` when it is empty, not hex, or over 3072 bits.
pub(crate) fn parse_hex(hex: &str) -> Option<Uint> {
    let digits = hex.trim_start_matches('0');
    if hex.is_empty() || digits.len() > BYTES * 2 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let padded = format!("{}{digits}", "0".repeat(BYTES * 2 - digits.len()));
    Some(Uint::from_be_hex(&padded))
}

/// The minimal big-endian bytes of `x` (one `0` byte for zero).
fn minimal_bytes(x: &Uint) -> Vec<u8> {
    let bytes = x.to_be_bytes();
    let bytes: &[u8] = bytes.as_ref();
    let start = bytes
        .iter()
        .position(|b| *b != 0)
        .unwrap_or(bytes.len() - 1);
    bytes[start..].to_vec()
}

/// Lowercase hex of `x` without leading zeros (`SRP_A`, `SRP_B` as sent).
pub(crate) fn to_hex(x: &Uint) -> String {
    let hex = hex_of(&minimal_bytes(x));
    match hex.strip_prefix('0') {
        Some(rest) if !rest.is_empty() => rest.to_owned(),
        _ => hex,
    }
}

/// Cognito's `PAD(x)` as bytes: the minimal big-endian bytes of `x`, with a leading `0` byte
/// when the top bit is set (so they read as a positive number).
pub(crate) fn pad(x: &Uint) -> Vec<u8> {
    let mut bytes = minimal_bytes(x);
    if bytes[0] & 0x80 != 0 {
        bytes.insert(0, 0);
    }
    bytes
}

/// `PAD` of a number given in hex (a salt): read as the integer it spells, so leading zeros do
/// not count, whatever its size. `None` when it is empty or not hex.
pub(crate) fn pad_hex_text(hex: &str) -> Option<Vec<u8>> {
    if hex.is_empty() || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let digits = hex.trim_start_matches('0');
    let digits = if digits.is_empty() { "0" } else { digits };
    let even = if digits.len() % 2 == 1 {
        format!("0{digits}")
    } else {
        digits.to_owned()
    };
    let mut bytes: Vec<u8> = even
        .as_bytes()
        .chunks(2)
        .map(|pair| (nibble(pair[0]) << 4) | nibble(pair[1]))
        .collect();
    if bytes[0] & 0x80 != 0 {
        bytes.insert(0, 0);
    }
    Some(bytes)
}

fn nibble(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        b'A'..=b'F' => c - b'A' + 10,
        _ => 0,
    }
}

/// Lowercase hex of bytes.
pub(crate) fn hex_of(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 0x0f)] as char);
    }
    out
}

/// `x mod N` (constant-time in `x`).
pub(crate) fn reduce(x: &Uint) -> Uint {
    Element::new(x, params()).retrieve()
}

/// Whether `x mod N` is zero: such an `A`, `B` or `u` must be refused.
pub(crate) fn is_zero_mod_n(x: &Uint) -> bool {
    reduce(x).is_zero_vartime()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pad_follows_cognito_rules() {
        let hex = |x: u8| hex_of(&pad(&Uint::from_u8(x)));
        assert_eq!(hex(0x1), "01");
        assert_eq!(hex(0x7f), "7f");
        assert_eq!(hex(0x80), "0080");
        assert_eq!(hex(0), "00");
        assert_eq!(hex_of(&pad(&Uint::from_u16(0xabc))), "0abc");
        assert!(hex_of(&pad(n())).starts_with("00ffff"));
        assert_eq!(pad_hex_text("abc").unwrap(), [0x0a, 0xbc]);
        assert_eq!(pad_hex_text("00ab").unwrap(), [0x00, 0xab]);
        assert_eq!(pad_hex_text("000f").unwrap(), [0x0f]);
        assert_eq!(pad_hex_text("0").unwrap(), [0x00]);
        assert_eq!(pad_hex_text(""), None);
        assert_eq!(pad_hex_text("xy"), None);
    }

    #[test]
    fn hex_round_trips() {
        assert_eq!(to_hex(&Uint::from_u8(0)), "0");
        assert_eq!(to_hex(&Uint::from_u16(0x0abc)), "abc");
        assert_eq!(parse_hex("0ABC"), Some(Uint::from_u16(0xabc)));
        assert_eq!(parse_hex(&to_hex(n())), Some(*n()));
        assert_eq!(parse_hex(""), None);
        assert_eq!(parse_hex("12g"), None);
        assert_eq!(parse_hex(&"f".repeat(769)), None);
        assert_eq!(
            parse_hex(&format!("000{}", "f".repeat(768))),
            Some(Uint::MAX)
        );
        assert_eq!(from_be_bytes(&[0, 0, 1]), Some(Uint::from_u8(1)));
        assert_eq!(from_be_bytes(&[1; 385]), None);
    }

    #[test]
    fn reduction_and_degenerate_values() {
        assert!(is_zero_mod_n(n()));
        assert!(is_zero_mod_n(&Uint::ZERO));
        assert!(!is_zero_mod_n(&Uint::ONE));
        assert_eq!(
            reduce(&n().wrapping_add(&Uint::from_u8(5))),
            Uint::from_u8(5)
        );
    }
}
