//! Secret exponents (`a`, `b`): drawn from the OS's generator, never printed.

use std::fmt;

use rand::RngCore as _;

use crate::group::{self, Exponent};

/// How many random bytes a fresh secret has (as the Python SDK draws `a`).
pub(crate) const SECRET_BYTES: usize = 128;

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
    /// 128 random bytes (below `2^1024`, so already below `N`).
    pub fn random() -> Secret {
        let mut bytes = [0u8; SECRET_BYTES];
        rand::thread_rng().fill_bytes(&mut bytes);
        Secret::from_be_bytes(&bytes).expect("128 bytes fit")
    }

    /// The secret `bytes mod N`; `None` for more than 384 bytes. Its length bound is that of
    /// the bytes given, so a secret of 128 bytes costs what one of 128 bytes costs.
    pub fn from_be_bytes(bytes: &[u8]) -> Option<Secret> {
        let value = group::reduce(&group::from_be_bytes(bytes)?);
        let bits = u32::try_from(bytes.len().max(1) * 8).unwrap_or(u32::MAX);
        Some(Secret {
            value: value.resize(),
            bits: bits.min(3072),
        })
    }
}
