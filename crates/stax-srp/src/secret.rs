//! Secret exponents (`a`, `b`): drawn from the OS's generator, never printed.

use std::fmt;

use rand::RngCore as _;

use crate::group::{self, Exponent, Uint};

/// How many random bytes a fresh secret has: 256 bits, what NIST SP 800-56A asks of a private
/// key in a 3072-bit safe-prime group (twice its 128-bit strength) and RFC 5054 asks of SRP's
/// `a` and `b`. The Python SDK draws 128 bytes; the server cannot tell the difference, and the
/// shorter exponent makes a sign-in's arithmetic about twice as fast.
pub(crate) const SECRET_BYTES: usize = 32;

/// A secret exponent below `N`, with a public bound on its length in bits.
#[derive(Clone)]
pub(crate) struct Secret {
    pub value: Exponent,
    pub bits: u32,
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl Secret {
    /// [`SECRET_BYTES`] random bytes (far below `N`).
    pub fn random() -> Secret {
        let mut bytes = [0u8; SECRET_BYTES];
        rand::thread_rng().fill_bytes(&mut bytes);
        Secret::from_be_bytes(&bytes).expect("32 bytes fit")
    }

    /// The secret `bytes mod N`; `None` for more than 384 bytes. Its length bound is that of
    /// the bytes given, so a secret of 128 bytes costs what one of 128 bytes costs.
    pub fn from_be_bytes(bytes: &[u8]) -> Option<Secret> {
        let value = if bytes.len() <= group::BYTES {
            // Copied into place whatever the bytes' values (`group::from_be_bytes` skips
            // leading zero bytes, which would show how many the secret has).
            let mut full = [0u8; group::BYTES];
            full[group::BYTES - bytes.len()..].copy_from_slice(bytes);
            Uint::from_be_slice(&full)
        } else {
            group::from_be_bytes(bytes)?
        };
        // Fewer than 384 bytes make a number below `N` (whose top byte is 0xFF): only a
        // 384-byte secret needs reducing. The length is public.
        let value = if bytes.len() < group::BYTES {
            value
        } else {
            group::reduce(&value)
        };
        let bits = u32::try_from(bytes.len().max(1) * 8).unwrap_or(u32::MAX);
        Some(Secret {
            value: value.resize(),
            bits: bits.min(3072),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::group::{BYTES, n};

    #[test]
    fn only_a_full_width_secret_is_reduced() {
        let short = Secret::from_be_bytes(&[0xff; BYTES - 1]).unwrap();
        assert_eq!(short.value, Uint::MAX.wrapping_shr_vartime(8).resize());
        assert_eq!(short.bits, 8 * 383);
        let full = Secret::from_be_bytes(&[0xff; BYTES]).unwrap();
        assert_eq!(full.value, Uint::MAX.wrapping_sub(n()).resize());
        assert_eq!(full.bits, 3072);
        let padded = [vec![0; 10], n().to_be_bytes().as_ref().to_vec()].concat();
        assert_eq!(
            Secret::from_be_bytes(&padded).unwrap().value,
            Exponent::ZERO
        );
        assert!(Secret::from_be_bytes(&[1; BYTES + 1]).is_none());
    }
}
