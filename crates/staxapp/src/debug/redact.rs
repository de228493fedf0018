//! Masking secrets out of what goes over the wire, before it is shown. Pure.
//!
//! - Headers: the `Signature=` of an `Authorization` header (the rest of it, the signing key's
//!   scope and the signed headers, stays), and the whole value of `X-Amz-Security-Token`,
//!   `Cookie`, `Set-Cookie` and `X-Api-Key`.
//! - URLs: the values of query parameters named like a secret (`X-Amz-Signature`,
//!   `X-Amz-Security-Token`, ...).
//! - JSON bodies: the value of every field named like a secret, at any depth: names holding
//!   `secret`, `password` or `signature`, ending in `token` (but not the paging cursors
//!   `NextToken` and `page_token`), the SRP values `SRP_A`, `SRP_B` and `SALT`, and the ID
//!   tokens under `Logins`.
//!
//! Every value masked is also a [`Secrets`] entry, so that it is masked wherever it shows
//! up again, in any text.

use std::collections::BTreeSet;

use http::HeaderMap;
use serde_json::Value;

/// What a masked value is shown as.
pub const MASK: &str = "***";

/// Shortest value remembered as a secret (shorter ones would mask ordinary words).
const MIN_SECRET_LEN: usize = 8;

/// Whether a field, header or query parameter named `name` holds a secret.
///
/// ```
/// use staxapp::debug::redact::is_secret_name;
///
/// for name in ["SecretKey", "SessionToken", "PASSWORD_CLAIM_SIGNATURE", "SRP_A", "IdToken", "x-amz-security-token"] {
///     assert!(is_secret_name(name), "{name}");
/// }
/// for name in ["AccessKey", "NextToken", "page_token", "Name", "USERNAME", "ApiTokens"] {
///     assert!(!is_secret_name(name), "{name}");
/// }
/// ```
pub fn is_secret_name(name: &str) -> bool {
    let folded: String = name
        .chars()
        .filter(|c| !matches!(c, '_' | '-' | '.'))
        .flat_map(char::to_lowercase)
        .collect();
    let paging = ["nexttoken", "pagetoken", "prevtoken", "continuationtoken"];
    folded.contains("secret")
        || folded.contains("password")
        || folded.contains("signature")
        || folded == "cookie"
        || folded == "setcookie"
        || folded == "xapikey"
        || matches!(folded.as_str(), "srpa" | "srpb" | "salt")
        || (folded.ends_with("token") && !paging.contains(&folded.as_str()))
}

/// Secret values seen so far: each one is masked wherever it appears in a text.
#[derive(Debug, Default, Clone)]
pub struct Secrets {
    // Longest first, so that a secret containing another is masked whole.
    known: BTreeSet<(std::cmp::Reverse<usize>, String)>,
}

impl Secrets {
    /// Remembers `value` (values shorter than 8 characters are not: they would mask
    /// ordinary words).
    pub fn add(&mut self, value: &str) {
        let value = value.trim();
        if value.len() >= MIN_SECRET_LEN && value != MASK {
            self.known
                .insert((std::cmp::Reverse(value.len()), value.to_owned()));
        }
    }

    /// `text` with every known secret replaced by `***`.
    pub fn mask(&self, text: &str) -> String {
        let mut text = text.to_owned();
        for (_, secret) in &self.known {
            if text.contains(secret.as_str()) {
                text = text.replace(secret.as_str(), MASK);
            }
        }
        text
    }
}

/// Masks the secret fields of `value` in place (see the [module](self)), remembering each
/// value masked in `secrets`.
///
/// ```
/// use serde_json::json;
/// use staxapp::debug::redact::{Secrets, redact_json};
///
/// let mut body = json!({"Credentials": {"AccessKeyId": "ASIA1", "SecretKey": "s3cr3t-value",
///                      "SessionToken": "very-long-token"}, "Paging": {"NextToken": "abc"}});
/// let mut secrets = Secrets::default();
/// redact_json(&mut body, &mut secrets);
/// assert_eq!(body, json!({"Credentials": {"AccessKeyId": "ASIA1", "SecretKey": "***",
///                         "SessionToken": "***"}, "Paging": {"NextToken": "abc"}}));
/// assert_eq!(secrets.mask("echo s3cr3t-value"), "echo ***");
/// ```
pub fn redact_json(value: &mut Value, secrets: &mut Secrets) {
    match value {
        Value::Object(map) => {
            for (key, field) in map.iter_mut() {
                if key == "Logins" {
                    if let Value::Object(logins) = field {
                        for token in logins.values_mut() {
                            mask_value(token, secrets);
                        }
                    }
                } else if is_secret_name(key) && !field.is_null() {
                    mask_value(field, secrets);
                } else {
                    redact_json(field, secrets);
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                redact_json(item, secrets);
            }
        }
        _ => {}
    }
}

/// Replaces `value` with `***`, remembering every string in it.
fn mask_value(value: &mut Value, secrets: &mut Secrets) {
    fn remember(value: &Value, secrets: &mut Secrets) {
        match value {
            Value::String(s) => secrets.add(s),
            Value::Array(items) => items.iter().for_each(|v| remember(v, secrets)),
            Value::Object(map) => map.values().for_each(|v| remember(v, secrets)),
            _ => {}
        }
    }
    remember(value, secrets);
    *value = Value::String(MASK.to_owned());
}

/// One header's value as it may be shown: an `Authorization` header keeps its scheme,
/// credential scope and signed headers, its signature masked; other secret headers are
/// masked whole.
pub fn redact_header(name: &str, value: &str, secrets: &mut Secrets) -> String {
    if name.eq_ignore_ascii_case("authorization") {
        return match value.find("Signature=") {
            Some(at) => {
                let start = at + "Signature=".len();
                let end = value[start..]
                    .find([',', ' '])
                    .map_or(value.len(), |e| start + e);
                secrets.add(&value[start..end]);
                format!("{}{MASK}{}", &value[..start], &value[end..])
            }
            None => {
                secrets.add(value);
                MASK.to_owned()
            }
        };
    }
    if is_secret_name(name) {
        secrets.add(value);
        return MASK.to_owned();
    }
    secrets.mask(value)
}

/// Every header as `name: value` lines, secrets masked.
pub fn redact_headers(headers: &HeaderMap, secrets: &mut Secrets) -> Vec<String> {
    headers
        .iter()
        .map(|(name, value)| {
            let value = String::from_utf8_lossy(value.as_bytes());
            format!("{name}: {}", redact_header(name.as_str(), &value, secrets))
        })
        .collect()
}

/// `url` with the values of secret query parameters masked.
///
/// ```
/// use staxapp::debug::redact::{Secrets, redact_url};
///
/// let url = "https://x/y?a=1&X-Amz-Signature=abcdef0123&X-Amz-Security-Token=tok";
/// assert_eq!(redact_url(url, &mut Secrets::default()), "https://x/y?a=1&X-Amz-Signature=***&X-Amz-Security-Token=***");
/// ```
pub fn redact_url(url: &str, secrets: &mut Secrets) -> String {
    let Some((base, query)) = url.split_once('?') else {
        return secrets.mask(url);
    };
    let pairs: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((name, value)) if is_secret_name(name) => {
                secrets.add(value);
                format!("{name}={MASK}")
            }
            _ => pair.to_owned(),
        })
        .collect();
    secrets.mask(&format!("{base}?{}", pairs.join("&")))
}

/// A body as it may be shown: JSON with its secret fields masked (compact, on one line),
/// else the text with known secrets masked.
pub fn redact_body(body: &[u8], secrets: &mut Secrets) -> String {
    if body.is_empty() {
        return String::new();
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(mut value) => {
            redact_json(&mut value, secrets);
            secrets.mask(&value.to_string())
        }
        Err(_) => secrets.mask(&String::from_utf8_lossy(body)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sign_in_values_are_masked() {
        let mut secrets = Secrets::default();
        let mut secrets_seen = |body: Value| {
            let text = redact_body(body.to_string().as_bytes(), &mut secrets);
            serde_json::from_str::<Value>(&text).unwrap()
        };
        let initiate = secrets_seen(
            json!({"AuthFlow": "USER_SRP_AUTH", "AuthParameters": {"USERNAME": "ak", "SRP_A": "abcdef0123456789"}}),
        );
        assert_eq!(
            initiate["AuthParameters"],
            json!({"USERNAME": "ak", "SRP_A": "***"})
        );
        let challenge = secrets_seen(
            json!({"ChallengeParameters": {"SALT": "5a17", "SECRET_BLOCK": "blockblockblock", "SRP_B": "0123456789abcdef", "USER_ID_FOR_SRP": "ak"}}),
        );
        assert_eq!(
            challenge["ChallengeParameters"],
            json!({"SALT": "***", "SECRET_BLOCK": "***", "SRP_B": "***", "USER_ID_FOR_SRP": "ak"})
        );
        let answer = secrets_seen(
            json!({"ChallengeResponses": {"PASSWORD_CLAIM_SIGNATURE": "sig-sig-sig", "PASSWORD_CLAIM_SECRET_BLOCK": "blockblockblock", "TIMESTAMP": "now", "USERNAME": "ak"}}),
        );
        assert_eq!(answer["ChallengeResponses"]["TIMESTAMP"], "now");
        assert_eq!(
            answer["ChallengeResponses"]["PASSWORD_CLAIM_SIGNATURE"],
            "***"
        );
        let tokens = secrets_seen(
            json!({"AuthenticationResult": {"IdToken": "eyJ.id.token", "AccessToken": "eyJ.access", "RefreshToken": "refresh-refresh", "ExpiresIn": 3600}}),
        );
        assert_eq!(tokens["AuthenticationResult"]["ExpiresIn"], 3600);
        assert_eq!(tokens["AuthenticationResult"]["IdToken"], "***");
        let get_id = secrets_seen(
            json!({"IdentityPoolId": "pool", "Logins": {"cognito-idp.x/pool": "eyJ.id.token"}}),
        );
        assert_eq!(get_id["Logins"], json!({"cognito-idp.x/pool": "***"}));
        // A value seen once is masked in any text later.
        assert_eq!(
            secrets.mask("an error quoting eyJ.id.token"),
            "an error quoting ***"
        );
    }

    #[test]
    fn headers_keep_what_is_not_secret() {
        let mut secrets = Secrets::default();
        let auth = "AWS4-HMAC-SHA256 Credential=ASIA/20240101/ap-southeast-2/execute-api/aws4_request, SignedHeaders=host;x-amz-date, Signature=0123456789abcdef";
        assert_eq!(
            redact_header("Authorization", auth, &mut secrets),
            "AWS4-HMAC-SHA256 Credential=ASIA/20240101/ap-southeast-2/execute-api/aws4_request, SignedHeaders=host;x-amz-date, Signature=***"
        );
        assert_eq!(
            redact_header("authorization", "Bearer abcdefgh", &mut secrets),
            "***"
        );
        assert_eq!(
            redact_header("x-amz-security-token", "FwoG-long-token", &mut secrets),
            "***"
        );
        assert_eq!(
            redact_header("content-type", "application/json", &mut secrets),
            "application/json"
        );
        assert_eq!(
            secrets.mask("FwoG-long-token and 0123456789abcdef"),
            "*** and ***"
        );
        assert_eq!(
            redact_body(b"not json FwoG-long-token", &mut secrets),
            "not json ***"
        );
    }
}
