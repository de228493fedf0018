//! The server's side: a user's salt and verifier, then one exchange (`B`, and checking the
//! client's claim signature).

use std::fmt;

use rand::RngCore as _;
use subtle::ConstantTimeEq as _;

use crate::error::SrpError;
use crate::exp::{pow, pow_g, pow_public};
use crate::group::{self, Element, Uint, params};
use crate::proof::{self, pool_name};
use crate::secret::Secret;

/// What a server stores for a user: the salt and the verifier `v = g^x mod N`.
#[derive(Clone, PartialEq, Eq)]
pub struct Verifier {
    salt: String,
    v: Uint,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Verifier(<redacted>)")
    }
}

impl Verifier {
    /// Registers `user_id` with `password` in the pool `user_pool_id`, with a fresh random
    /// salt. The salt's hex has no leading zero and starts below `8`, so it reads the same
    /// whether a client pads it as text (the Python SDK) or as a number (the JavaScript SDK).
    ///
    /// ```
    /// use stax_srp::{Client, Challenge, ServerSession, Verifier};
    ///
    /// let pool = "eu-central-1_Pool";
    /// let verifier = Verifier::new(pool, "user", "pw");
    /// let client = Client::new();
    /// let server = ServerSession::start(&verifier, &client.public_hex())?;
    /// let block = [7u8; 16];
    /// let challenge = Challenge { salt: verifier.salt_hex(), srp_b: &server.public_hex(), secret_block: &block, user_id: "user" };
    /// let now = time::OffsetDateTime::now_utc();
    /// let answer = client.answer(&challenge, pool, "pw", now)?;
    /// assert!(server.verify(pool, "user", &block, &answer.timestamp, &answer.signature));
    /// let wrong = client.answer(&challenge, pool, "not pw", now)?;
    /// assert!(!server.verify(pool, "user", &block, &wrong.timestamp, &wrong.signature));
    /// # Ok::<(), stax_srp::SrpError>(())
    /// ```
    pub fn new(user_pool_id: &str, user_id: &str, password: &str) -> Verifier {
        let mut bytes = [0u8; 16];
        rand::thread_rng().fill_bytes(&mut bytes);
        bytes[0] = 0x10 + bytes[0] % 0x70;
        Verifier::with_salt(&group::hex_of(&bytes), user_pool_id, user_id, password)
            .expect("a salt made of hex digits")
    }

    /// Registers with the given salt (hex).
    pub fn with_salt(
        salt_hex: &str,
        user_pool_id: &str,
        user_id: &str,
        password: &str,
    ) -> Result<Verifier, SrpError> {
        let salt = group::pad_hex_text(salt_hex).ok_or(SrpError::Salt)?;
        let x = proof::private_key(&salt, pool_name(user_pool_id), user_id, password);
        let v = pow_g(&x.resize(), 256).retrieve();
        Ok(Verifier {
            salt: salt_hex.to_owned(),
            v,
        })
    }

    /// A verifier as stored ([`Verifier::salt_hex`], [`Verifier::verifier_hex`]).
    pub fn from_stored(salt_hex: &str, verifier_hex: &str) -> Result<Verifier, SrpError> {
        group::pad_hex_text(salt_hex).ok_or(SrpError::Salt)?;
        let v = group::parse_hex(verifier_hex).ok_or(SrpError::Verifier)?;
        Ok(Verifier {
            salt: salt_hex.to_owned(),
            v,
        })
    }

    /// The salt, hex, as sent in `SALT`.
    pub fn salt_hex(&self) -> &str {
        &self.salt
    }

    /// The verifier, hex, for storage.
    pub fn verifier_hex(&self) -> String {
        group::to_hex(&self.v)
    }
}

/// One exchange on the server: the client's `A`, the secret `b` and `B = (k*v + g^b) mod N`.
pub struct ServerSession {
    a_pub: Uint,
    b: Secret,
    b_pub: Uint,
    v: Uint,
}

impl fmt::Debug for ServerSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ServerSession(<redacted>)")
    }
}

impl ServerSession {
    /// Starts an exchange for `verifier` with the client's `SRP_A` (hex), with a fresh random
    /// secret `b`. `A mod N = 0` is refused.
    pub fn start(verifier: &Verifier, srp_a: &str) -> Result<ServerSession, SrpError> {
        loop {
            match ServerSession::from_secret(verifier, srp_a, Secret::random()) {
                Err(SrpError::DegenerateB) => continue,
                other => return other,
            }
        }
    }

    /// Starts an exchange with the secret `b = bytes mod N` (for tests and vectors).
    pub fn with_secret(
        verifier: &Verifier,
        srp_a: &str,
        b: &[u8],
    ) -> Result<ServerSession, SrpError> {
        let b = Secret::from_be_bytes(b).ok_or(SrpError::Secret)?;
        ServerSession::from_secret(verifier, srp_a, b)
    }

    fn from_secret(verifier: &Verifier, srp_a: &str, b: Secret) -> Result<ServerSession, SrpError> {
        let a_pub = group::parse_hex(srp_a).ok_or(SrpError::PublicA)?;
        if group::is_zero_mod_n(&a_pub) {
            return Err(SrpError::DegenerateA);
        }
        let v = Element::new(&verifier.v, params());
        let b_pub = group::k().mul(&v).add(&pow_g(&b.value, b.bits)).retrieve();
        // `retrieve` gives the reduced value, so `B mod N = 0` is `B = 0`.
        if b_pub.is_zero_vartime() {
            return Err(SrpError::DegenerateB);
        }
        Ok(ServerSession {
            a_pub,
            b,
            b_pub,
            v: verifier.v,
        })
    }

    /// `SRP_B` as sent: lowercase hex, without leading zeros.
    pub fn public_hex(&self) -> String {
        group::to_hex(&self.b_pub)
    }

    /// The claim signature a client that knows the password sends, for `TIMESTAMP`
    /// `timestamp` and the decoded `SECRET_BLOCK` `secret_block`. `S = (A * v^u)^b mod N`.
    pub fn expected_signature(
        &self,
        user_pool_id: &str,
        user_id: &str,
        secret_block: &[u8],
        timestamp: &str,
    ) -> Result<String, SrpError> {
        let u = proof::scrambler(&self.a_pub, &self.b_pub);
        if u == crypto_bigint::U256::ZERO {
            return Err(SrpError::DegenerateU);
        }
        let v_u = pow_public(&Element::new(&self.v, params()), &u);
        let base = Element::new(&self.a_pub, params()).mul(&v_u);
        let s = pow(&base, &self.b.value, self.b.bits).retrieve();
        let key = proof::session_key(&u, &s);
        Ok(proof::claim_signature(
            &key,
            pool_name(user_pool_id),
            user_id,
            secret_block,
            timestamp,
        ))
    }

    /// Whether `signature` is the one a client knowing the password sends; compared in
    /// constant time. (Checking the timestamp against the clock is the caller's part.)
    pub fn verify(
        &self,
        user_pool_id: &str,
        user_id: &str,
        secret_block: &[u8],
        timestamp: &str,
        signature: &str,
    ) -> bool {
        match self.expected_signature(user_pool_id, user_id, secret_block, timestamp) {
            Ok(expected) => bool::from(expected.as_bytes().ct_eq(signature.as_bytes())),
            Err(_) => false,
        }
    }
}
