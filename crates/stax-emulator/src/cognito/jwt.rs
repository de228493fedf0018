//! The user pool's tokens: ES256 JWTs signed with a P-256 key kept in the database.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// The signing key and what verifiers need.
pub(crate) struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    kid: String,
    jwks: Value,
}

/// Claims of an ID token (and, with `token_use` = `access`, of an access token).
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Claims {
    pub sub: String,
    pub iss: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aud: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    pub token_use: String,
    pub iat: i64,
    pub exp: i64,
    pub auth_time: i64,
    #[serde(rename = "cognito:username", skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    pub jti: String,
}

impl JwtKeys {
    /// Loads the key from its PKCS#8 PEM, or makes a new one (returning its PEM to store).
    pub fn load_or_generate(pem: Option<&str>) -> Result<(JwtKeys, String), String> {
        let pair = match pem {
            Some(pem) => rcgen::KeyPair::from_pem(pem).map_err(|e| e.to_string())?,
            None => rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)
                .map_err(|e| e.to_string())?,
        };
        let private_pem = pair.serialize_pem();
        let encoding = EncodingKey::from_ec_der(&pair.serialize_der());
        // Uncompressed point: 0x04 || X (32 bytes) || Y (32 bytes).
        let raw = pair.public_key_raw();
        if raw.len() != 65 {
            return Err("unexpected public key form".to_owned());
        }
        let x = URL_SAFE_NO_PAD.encode(&raw[1..33]);
        let y = URL_SAFE_NO_PAD.encode(&raw[33..65]);
        let decoding = DecodingKey::from_ec_components(&x, &y).map_err(|e| e.to_string())?;
        let kid = URL_SAFE_NO_PAD.encode(&sha2_digest(raw)[..12]);
        let jwks = json!({"keys": [{
            "kty": "EC", "crv": "P-256", "alg": "ES256", "use": "sig", "kid": kid, "x": x, "y": y
        }]});
        Ok((
            JwtKeys {
                encoding,
                decoding,
                kid,
                jwks,
            },
            private_pem,
        ))
    }

    /// The public keys as a JWK set.
    pub fn jwks(&self) -> &Value {
        &self.jwks
    }

    pub fn sign(&self, claims: &Claims) -> Result<String, String> {
        let mut header = Header::new(Algorithm::ES256);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, claims, &self.encoding).map_err(|e| e.to_string())
    }

    /// Verifies signature, issuer, audience, expiry and `token_use = id`.
    pub fn verify_id_token(&self, token: &str, issuer: &str, audience: &str) -> Option<Claims> {
        let mut validation = Validation::new(Algorithm::ES256);
        validation.set_issuer(&[issuer]);
        validation.set_audience(&[audience]);
        validation.leeway = 0;
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation).ok()?;
        (data.claims.token_use == "id").then_some(data.claims)
    }
}

fn sha2_digest(bytes: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(token_use: &str, exp: i64) -> Claims {
        Claims {
            sub: "s".into(),
            iss: "https://issuer".into(),
            aud: Some("client".into()),
            client_id: None,
            token_use: token_use.into(),
            iat: 0,
            exp,
            auth_time: 0,
            username: Some("u".into()),
            jti: "j".into(),
        }
    }

    #[test]
    fn signs_and_verifies_and_reloads() {
        let (keys, pem) = JwtKeys::load_or_generate(None).unwrap();
        let far = crate::util::now_secs() + 600;
        let token = keys.sign(&claims("id", far)).unwrap();
        assert!(
            keys.verify_id_token(&token, "https://issuer", "client")
                .is_some()
        );
        assert!(
            keys.verify_id_token(&token, "https://other", "client")
                .is_none()
        );
        assert!(
            keys.verify_id_token(&token, "https://issuer", "other")
                .is_none()
        );
        let (reloaded, _) = JwtKeys::load_or_generate(Some(&pem)).unwrap();
        assert!(
            reloaded
                .verify_id_token(&token, "https://issuer", "client")
                .is_some()
        );
        let access = keys.sign(&claims("access", far)).unwrap();
        assert!(
            keys.verify_id_token(&access, "https://issuer", "client")
                .is_none()
        );
        let expired = keys.sign(&claims("id", 1)).unwrap();
        assert!(
            keys.verify_id_token(&expired, "https://issuer", "client")
                .is_none()
        );
        let (other, _) = JwtKeys::load_or_generate(None).unwrap();
        assert!(
            other
                .verify_id_token(&token, "https://issuer", "client")
                .is_none()
        );
    }
}
