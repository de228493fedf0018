//! The hashes both sides compute: `x`, `u`, the session key `K` and the claim signature, and
//! Cognito's `TIMESTAMP`.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use crypto_bigint::U256;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::group::{Uint, from_digest, pad};

type HmacSha256 = Hmac<Sha256>;

/// Info string of Cognito's one-block HKDF expansion.
const DERIVED_KEY_INFO: &[u8] = b"Caldera Derived Key\x01";

/// The pool name: the part of a user pool id after the `_` (`ap-southeast-2_AbC` -> `AbC`).
///
/// ```
/// assert_eq!(stax_srp::pool_name("ap-southeast-2_AbC123"), "AbC123");
/// assert_eq!(stax_srp::pool_name("plain"), "plain");
/// ```
pub fn pool_name(user_pool_id: &str) -> &str {
    user_pool_id
        .split_once('_')
        .map_or(user_pool_id, |(_, name)| name)
}

/// The private key `x = H(PAD(salt) || hex(H(poolName || userId || ":" || password)))`, where
/// `salt_pad` is `PAD(salt)` as bytes.
pub(crate) fn private_key(salt_pad: &[u8], pool_name: &str, user_id: &str, password: &str) -> U256 {
    let inner = Sha256::new()
        .chain_update(pool_name.as_bytes())
        .chain_update(user_id.as_bytes())
        .chain_update(b":")
        .chain_update(password.as_bytes())
        .finalize();
    let digest = Sha256::new()
        .chain_update(salt_pad)
        .chain_update(inner)
        .finalize();
    from_digest(&digest.into())
}

/// The scrambler `u = H(PAD(A) || PAD(B))`.
pub(crate) fn scrambler(a_pub: &Uint, b_pub: &Uint) -> U256 {
    let digest = Sha256::new()
        .chain_update(pad(a_pub))
        .chain_update(pad(b_pub))
        .finalize();
    from_digest(&digest.into())
}

/// The 16-byte session key: `HMAC(HMAC(PAD(u), PAD(S)), "Caldera Derived Key" || 1)[..16]`.
pub(crate) fn session_key(u: &U256, s: &Uint) -> [u8; 16] {
    let prk = hmac_sha256(&pad(&u.resize()), &[&pad(s)]);
    let okm = hmac_sha256(&prk, &[DERIVED_KEY_INFO]);
    let mut key = [0u8; 16];
    key.copy_from_slice(&okm[..16]);
    key
}

/// `PASSWORD_CLAIM_SIGNATURE`: base64 of
/// `HMAC(K, poolName || userId || secretBlock || timestamp)`, where `secret_block` is the decoded
/// `SECRET_BLOCK`.
pub(crate) fn claim_signature(
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
///
/// ```
/// let at = time::macros::datetime!(2026-11-03 01:02:03 UTC);
/// assert_eq!(stax_srp::timestamp(at), "Tue Nov 3 01:02:03 UTC 2026");
/// ```
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

/// The hex of a 256-bit hash value, for the tests' vectors.
#[cfg(test)]
pub(crate) fn hex256(x: &U256) -> String {
    crate::group::to_hex(&x.resize())
}

fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes keys of any length");
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

/// Hex of the session key, for the tests' vectors.
#[cfg(test)]
pub(crate) fn key_hex(key: &[u8; 16]) -> String {
    crate::group::hex_of(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamp_day_is_not_padded() {
        let at = time::macros::datetime!(2026-11-03 01:02:03 UTC);
        assert_eq!(timestamp(at), "Tue Nov 3 01:02:03 UTC 2026");
        assert_eq!(parse_timestamp("Tue Nov 3 01:02:03 UTC 2026"), Some(at));
        let at = time::macros::datetime!(2026-11-30 23:59:09 UTC);
        assert_eq!(timestamp(at), "Mon Nov 30 23:59:09 UTC 2026");
        let offset = time::macros::datetime!(2026-11-30 23:59:09 +02:00);
        assert_eq!(timestamp(offset), "Mon Nov 30 21:59:09 UTC 2026");
        assert_eq!(parse_timestamp("Mon Nov 30 21:59:09 2026"), None);
    }
}
