//! SigV4 signing of API requests (service `execute-api`, PARITY.md A7).
//!
//! [`sign`] is pure: it takes the request, the credentials, the region and the time, and adds
//! `Host`, `X-Amz-Date`, `X-Amz-Security-Token` and `Authorization`. No clock is read inside.
//!
//! ```
//! use std::time::{Duration, SystemTime};
//! use staxapp::auth::Credentials;
//!
//! let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
//! let creds = Credentials::new("ASIAEXAMPLE", "secret", "token", now + Duration::from_secs(3600));
//! let mut request = http::Request::get("http://127.0.0.1:8080/20190206/accounts")
//!     .body(Vec::new())
//!     .unwrap();
//! staxapp::sign::sign(&mut request, &creds, "ap-southeast-2", "127.0.0.1:8080", now)?;
//! let auth = request.headers()["authorization"].to_str().unwrap();
//! assert!(auth.starts_with("AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/20231114/ap-southeast-2/execute-api/aws4_request"));
//! # Ok::<(), staxapp::Error>(())
//! ```

use std::time::SystemTime;

use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use http::HeaderValue;

use crate::auth::Credentials;
use crate::error::{Error, Result};

/// The service name API Gateway checks.
pub const SERVICE: &str = "execute-api";

/// Signs `request` in place with `creds` for `region`, as of `now`.
///
/// `host` is the `host[:port]` the request goes to ([`Config::api_host`](crate::Config::api_host)):
/// it is set as the `Host` header and signed. The request's URI must be in its final,
/// percent-encoded form (path and query).
pub fn sign(
    request: &mut http::Request<Vec<u8>>,
    creds: &Credentials,
    region: &str,
    host: &str,
    now: SystemTime,
) -> Result<()> {
    let host_value =
        HeaderValue::from_str(host).map_err(|_| crate::error::ConfigError::InvalidValue {
            setting: "API host".into(),
            problem: format!("{host:?} is not a valid Host header"),
        })?;
    request.headers_mut().insert(http::header::HOST, host_value);
    let identity = creds.for_signing().clone().into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name(SERVICE)
        .time(now)
        .settings(SigningSettings::default())
        .build()
        .map_err(|e| signing_error(e.to_string()))?
        .into();
    let uri = request.uri().to_string();
    let mut headers = Vec::with_capacity(request.headers().len());
    for (name, value) in request.headers() {
        let value = value.to_str().map_err(|_| {
            signing_error(format!(
                "the header {name} is not visible ASCII and cannot be signed"
            ))
        })?;
        headers.push((name.as_str(), value));
    }
    let signable = SignableRequest::new(
        request.method().as_str(),
        uri,
        headers.into_iter(),
        SignableBody::Bytes(request.body()),
    )
    .map_err(|e| signing_error(e.to_string()))?;
    let (instructions, _signature) = aws_sigv4::http_request::sign(signable, &params)
        .map_err(|e| signing_error(e.to_string()))?
        .into_parts();
    instructions.apply_to_request_http1x(request);
    Ok(())
}

fn signing_error(message: String) -> Error {
    Error::Transport {
        message: format!("could not sign the request: {message}"),
        source: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// A known vector: the canonical request, string to sign and signing key of AWS's
    /// published SigV4 algorithm, written out by hand for a fixed request, time and key, must
    /// give the `Signature=` that the signer produces.
    #[test]
    fn signature_matches_a_hand_computed_vector() {
        use hmac::{Hmac, Mac};
        use sha2::{Digest, Sha256};
        let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
        let hmac = |key: &[u8], msg: &[u8]| {
            let mut m = Hmac::<Sha256>::new_from_slice(key).unwrap();
            m.update(msg);
            m.finalize().into_bytes().to_vec()
        };

        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000); // 2023-11-14T22:13:20Z
        let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI", "TOKEN", now);
        let mut request = http::Request::get("/20190206/accounts?filter=ACTIVE&limit=2")
            .body(Vec::new())
            .unwrap();
        sign(
            &mut request,
            &creds,
            "ap-southeast-2",
            "127.0.0.1:8080",
            now,
        )
        .unwrap();
        let h = request.headers();
        assert_eq!(h["host"], "127.0.0.1:8080");
        assert_eq!(h["x-amz-date"], "20231114T221320Z");
        assert_eq!(h["x-amz-security-token"], "TOKEN");

        let empty_hash = hex(&Sha256::digest(b""));
        let canonical = format!(
            "GET\n/20190206/accounts\nfilter=ACTIVE&limit=2\nhost:127.0.0.1:8080\nx-amz-date:20231114T221320Z\nx-amz-security-token:TOKEN\n\nhost;x-amz-date;x-amz-security-token\n{empty_hash}"
        );
        let scope = "20231114/ap-southeast-2/execute-api/aws4_request";
        let to_sign = format!(
            "AWS4-HMAC-SHA256\n20231114T221320Z\n{scope}\n{}",
            hex(&Sha256::digest(canonical.as_bytes()))
        );
        let k = hmac(b"AWS4wJalrXUtnFEMI", b"20231114");
        let k = hmac(&k, b"ap-southeast-2");
        let k = hmac(&k, b"execute-api");
        let k = hmac(&k, b"aws4_request");
        let expected = hex(&hmac(&k, to_sign.as_bytes()));
        assert_eq!(
            h["authorization"].to_str().unwrap(),
            format!(
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/{scope}, SignedHeaders=host;x-amz-date;x-amz-security-token, Signature={expected}"
            )
        );
    }

    #[test]
    fn bad_hosts_are_errors_not_panics() {
        let now = SystemTime::UNIX_EPOCH;
        let creds = Credentials::new("AK", "SK", "T", now);
        let mut request = http::Request::get("/x").body(Vec::new()).unwrap();
        assert!(sign(&mut request, &creds, "r", "bad\nhost", now).is_err());
    }
}
