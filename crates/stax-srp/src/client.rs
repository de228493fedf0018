//! The client's side: `A`, then the answer to Cognito's `PASSWORD_VERIFIER` challenge.

use std::fmt;

use crypto_bigint::U4096;
use time::OffsetDateTime;

use crate::error::SrpError;
use crate::exp::{pow, pow_g};
use crate::group::{self, Element, Uint, params};
use crate::proof::{self, pool_name};
use crate::secret::Secret;

/// One sign-in's client: the secret `a` and the public `A = g^a mod N`.
///
/// ```
/// let client = stax_srp::Client::new();
/// let srp_a = client.public_hex(); // sent as `SRP_A`
/// assert!(srp_a.len() > 700 && srp_a.chars().all(|c| c.is_ascii_hexdigit()));
/// ```
pub struct Client {
    a: Secret,
    a_pub: Uint,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Client(<redacted>)")
    }
}

impl Default for Client {
    fn default() -> Self {
        Client::new()
    }
}

/// The `PASSWORD_VERIFIER` challenge's parameters, as Cognito sends them.
#[derive(Clone, Copy, Debug)]
pub struct Challenge<'a> {
    /// `SALT` (hex).
    pub salt: &'a str,
    /// `SRP_B` (hex).
    pub srp_b: &'a str,
    /// `SECRET_BLOCK`, base64-decoded.
    pub secret_block: &'a [u8],
    /// `USER_ID_FOR_SRP`.
    pub user_id: &'a str,
}

/// What answers the challenge: `TIMESTAMP` and `PASSWORD_CLAIM_SIGNATURE`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    /// `TIMESTAMP`, as signed.
    pub timestamp: String,
    /// `PASSWORD_CLAIM_SIGNATURE` (base64).
    pub signature: String,
}

impl Client {
    /// A client with a fresh random secret (256 bits from the OS's generator).
    pub fn new() -> Client {
        loop {
            if let Some(client) = Client::from_secret(Secret::random()) {
                return client;
            }
        }
    }

    /// A client with the secret `a = bytes mod N` (big-endian, at most 384 bytes); `None`
    /// when there are more bytes or `A mod N` would be 0. For tests and vectors: a real
    /// sign-in uses [`Client::new`].
    pub fn with_secret(bytes: &[u8]) -> Option<Client> {
        Client::from_secret(Secret::from_be_bytes(bytes)?)
    }

    fn from_secret(a: Secret) -> Option<Client> {
        // `retrieve` gives the reduced value, so `A mod N = 0` is `A = 0`.
        let a_pub = pow_g(&a.value, a.bits).retrieve();
        (!a_pub.is_zero_vartime()).then_some(Client { a, a_pub })
    }

    /// `SRP_A` as sent: lowercase hex, without leading zeros.
    pub fn public_hex(&self) -> String {
        group::to_hex(&self.a_pub)
    }

    /// The answer to `challenge` for the user `user_pool_id`/`password`, signed at `now`.
    /// Pure: `now` is given, nothing is read or sent.
    ///
    /// `S = (B - k*g^x)^(a + u*x) mod N`, `K` from `u` and `S`, then the claim signature.
    pub fn answer(
        &self,
        challenge: &Challenge<'_>,
        user_pool_id: &str,
        password: &str,
        now: OffsetDateTime,
    ) -> Result<Answer, SrpError> {
        let salt = group::pad_hex_text(challenge.salt).ok_or(SrpError::Salt)?;
        let b_pub = group::parse_hex(challenge.srp_b).ok_or(SrpError::PublicB)?;
        // In Montgomery form `B mod N` is `B * R mod N`: zero exactly when `B mod N` is.
        let b_elem = Element::new(&b_pub, params());
        if b_elem.as_montgomery().is_zero_vartime() {
            return Err(SrpError::DegenerateB);
        }
        let u = proof::scrambler(&self.a_pub, &b_pub);
        if u == crypto_bigint::U256::ZERO {
            return Err(SrpError::DegenerateU);
        }
        let pool = pool_name(user_pool_id);
        let x = proof::private_key(&salt, pool, challenge.user_id, password);
        let gx = pow_g(&x.resize(), 256);
        // `u * x` has up to 512 bits, so S's exponent has up to 513 whatever `a`'s length.
        let base = b_elem.sub(&group::k().mul(&gx));
        let ux: U4096 = u.resize::<{ U4096::LIMBS }>().wrapping_mul(&x);
        let exponent = self.a.value.wrapping_add(&ux);
        let bits = self.a.bits.max(512) + 1;
        let s = pow(&base, &exponent, bits).retrieve();
        let key = proof::session_key(&u, &s);
        let timestamp = proof::timestamp(now);
        let signature = proof::claim_signature(
            &key,
            pool,
            challenge.user_id,
            challenge.secret_block,
            &timestamp,
        );
        Ok(Answer {
            timestamp,
            signature,
        })
    }
}
