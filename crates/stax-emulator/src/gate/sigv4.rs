//! The SigV4 gate in front of the Stax API, as API Gateway checks it.
//!
//! A request passes when its `Authorization` header names temporary credentials the identity
//! pool issued, its session token matches them, they have not expired, its `X-Amz-Date` is
//! within 5 minutes of the clock, and its signature matches one recomputed here over exactly
//! the headers it names in `SignedHeaders`. Two canonical forms are accepted, because the two
//! signers that reach the emulator build the query string differently:
//! - AWS's (the `aws-sigv4` crate, boto): query pairs decoded, re-encoded (`%20` for space)
//!   and sorted; the signature is recomputed with `aws-sigv4` itself;
//! - as sent (the `aws_requests_auth` package used by the Python SDK): the raw `k=v` pairs in
//!   the order of their sorted text.
//!
//! Both encode the path once more (`%` becomes `%25`), as AWS does for every service but S3.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use time::OffsetDateTime;
use time::macros::format_description;

use crate::protocol::gateway_error;
use crate::roles::{Caller, Role};
use crate::store::{Store, kinds};
use crate::util;

/// The largest request body the API accepts.
pub(crate) const MAX_BODY: usize = 10 * 1024 * 1024;
/// The largest distance between `X-Amz-Date` and the clock.
const MAX_SKEW: i64 = 5 * 60;
const ALGORITHM: &str = "AWS4-HMAC-SHA256";
const SERVICE: &str = "execute-api";

/// Why a request was refused, with API Gateway's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Rejection {
    /// No `Authorization` header.
    Missing,
    /// The header is there but incomplete or malformed.
    Incomplete(String),
    /// The scope names another region or service.
    Scope(String),
    /// Unknown access key, or a session token that is missing or does not match.
    InvalidToken,
    /// The credentials have expired.
    ExpiredToken,
    /// `X-Amz-Date` is more than 5 minutes from the clock.
    Skew(String),
    /// The signature does not match.
    BadSignature,
}

impl Rejection {
    pub fn message(&self) -> String {
        match self {
            Rejection::Missing => "Missing Authentication Token".to_owned(),
            Rejection::Incomplete(m) | Rejection::Scope(m) | Rejection::Skew(m) => m.clone(),
            Rejection::InvalidToken => {
                "The security token included in the request is invalid.".to_owned()
            }
            Rejection::ExpiredToken => {
                "The security token included in the request is expired".to_owned()
            }
            Rejection::BadSignature => "The request signature we calculated does not match the \
                signature you provided. Check your AWS Secret Access Key and signing method. \
                Consult the service documentation for details."
                .to_owned(),
        }
    }

    fn error_type(&self) -> &'static str {
        match self {
            Rejection::Missing => "MissingAuthenticationTokenException",
            Rejection::Incomplete(_) => "IncompleteSignatureException",
            Rejection::Scope(_) | Rejection::BadSignature | Rejection::Skew(_) => {
                "InvalidSignatureException"
            }
            Rejection::InvalidToken => "UnrecognizedClientException",
            Rejection::ExpiredToken => "ExpiredTokenException",
        }
    }

    pub fn response(&self) -> Response {
        gateway_error(
            StatusCode::FORBIDDEN,
            Some(self.error_type()),
            &self.message(),
        )
    }
}

/// The parsed `Authorization` header.
#[derive(Debug, Clone)]
pub(crate) struct Authorization {
    pub access_key: String,
    pub date: String,
    pub region: String,
    pub service: String,
    pub signed_headers: Vec<String>,
    pub signature: String,
}

/// Parses `AWS4-HMAC-SHA256 Credential=AK/DATE/REGION/SERVICE/aws4_request,
/// SignedHeaders=a;b, Signature=hex`.
pub(crate) fn parse_authorization(value: &str) -> Result<Authorization, Rejection> {
    let rest = value
        .trim()
        .strip_prefix(ALGORITHM)
        .filter(|r| r.starts_with(' '))
        .ok_or_else(|| {
            Rejection::Incomplete(format!(
                "Authorization header must use the {ALGORITHM} algorithm."
            ))
        })?;
    let (mut credential, mut signed, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        let (key, value) = part.split_once('=').ok_or_else(|| {
            Rejection::Incomplete(
                "Invalid key=value pair (missing equal-sign) in Authorization header.".to_owned(),
            )
        })?;
        match key.trim() {
            "Credential" => credential = Some(value.trim()),
            "SignedHeaders" => signed = Some(value.trim()),
            "Signature" => signature = Some(value.trim()),
            _ => {}
        }
    }
    let mut missing = Vec::new();
    if credential.is_none() {
        missing.push("Authorization header requires 'Credential' parameter.");
    }
    if signature.is_none() {
        missing.push("Authorization header requires 'Signature' parameter.");
    }
    if signed.is_none() {
        missing.push("Authorization header requires 'SignedHeaders' parameter.");
    }
    if !missing.is_empty() {
        return Err(Rejection::Incomplete(missing.join(" ")));
    }
    let (credential, signed, signature) = (
        credential.unwrap_or_default(),
        signed.unwrap_or_default(),
        signature.unwrap_or_default(),
    );
    let scope: Vec<&str> = credential.split('/').collect();
    if scope.len() != 5 || scope[4] != "aws4_request" || scope[0].is_empty() {
        return Err(Rejection::Incomplete(format!(
            "Credential should be scoped to a valid region, not '{}'. ",
            scope.get(2).copied().unwrap_or("")
        )));
    }
    if signature.len() != 64 || !signature.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Rejection::BadSignature);
    }
    Ok(Authorization {
        access_key: scope[0].to_owned(),
        date: scope[1].to_owned(),
        region: scope[2].to_owned(),
        service: scope[3].to_owned(),
        signed_headers: signed
            .split(';')
            .map(|h| h.trim().to_ascii_lowercase())
            .filter(|h| !h.is_empty())
            .collect(),
        signature: signature.to_ascii_lowercase(),
    })
}

/// Parses `X-Amz-Date` (`20240102T030405Z`).
pub(crate) fn parse_amz_date(text: &str) -> Option<OffsetDateTime> {
    let format = format_description!("[year][month][day]T[hour][minute][second]Z");
    time::PrimitiveDateTime::parse(text, &format)
        .ok()
        .map(|t| t.assume_utc())
}

fn amz_date(at: OffsetDateTime) -> String {
    let format = format_description!("[year][month][day]T[hour][minute][second]Z");
    at.format(&format).unwrap_or_default()
}

/// Refuses a request time more than 5 minutes away from `now`.
pub(crate) fn check_skew(at: OffsetDateTime, now: OffsetDateTime) -> Result<(), Rejection> {
    let delta = (at - now).whole_seconds();
    if delta < -MAX_SKEW {
        let limit = now - time::Duration::seconds(MAX_SKEW);
        return Err(Rejection::Skew(format!(
            "Signature expired: {} is now earlier than {} ({} - 5 min.)",
            amz_date(at),
            amz_date(limit),
            amz_date(now)
        )));
    }
    if delta > MAX_SKEW {
        let limit = now + time::Duration::seconds(MAX_SKEW);
        return Err(Rejection::Skew(format!(
            "Signature expired: {} is now later than {} ({} + 5 min.)",
            amz_date(at),
            amz_date(limit),
            amz_date(now)
        )));
    }
    Ok(())
}

/// What the signature covers.
pub(crate) struct SignedRequest<'a> {
    pub method: &'a str,
    /// The path as received (still percent-encoded).
    pub path: &'a str,
    /// The query as received, without `?`.
    pub query: Option<&'a str>,
    pub headers: &'a HeaderMap,
    /// The request target's authority: HTTP/2 carries the host there instead of `Host`.
    pub authority: Option<&'a str>,
    pub body: &'a [u8],
}

impl SignedRequest<'_> {
    /// A header's canonical value; `host` falls back to the authority.
    fn value(&self, name: &str) -> String {
        let value = header_value(self.headers, name);
        if value.is_empty() && name == "host" {
            return self.authority.unwrap_or_default().to_owned();
        }
        value
    }
}

/// The values of a header, joined with commas, as canonical requests hold them.
fn header_value(headers: &HeaderMap, name: &str) -> String {
    headers
        .get_all(name)
        .iter()
        .map(|v| trim_all(&String::from_utf8_lossy(v.as_bytes())))
        .collect::<Vec<_>>()
        .join(",")
}

/// Trims and collapses runs of spaces, as SigV4's canonical headers require.
fn trim_all(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// RFC 3986 unreserved characters are kept, everything else is `%XX`.
const STRICT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');
/// As [`STRICT`], but keeping `/` (paths).
const PATH: &AsciiSet = &STRICT.remove(b'/');

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum QueryForm {
    /// Decoded, re-encoded strictly, sorted by name then value.
    Aws,
    /// The raw pairs as sent, sorted as text.
    AsSent,
}

fn canonical_query(query: Option<&str>, form: QueryForm) -> String {
    let raw = query.unwrap_or("");
    match form {
        QueryForm::AsSent => {
            let mut pairs: Vec<&str> = raw.split('&').collect();
            pairs.sort_unstable();
            pairs
                .into_iter()
                .filter_map(|pair| {
                    let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
                    (!key.is_empty()).then(|| format!("{key}={value}"))
                })
                .collect::<Vec<_>>()
                .join("&")
        }
        QueryForm::Aws => {
            let mut pairs: Vec<(String, String)> = raw
                .split('&')
                .filter(|p| !p.is_empty())
                .map(|pair| {
                    let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
                    (
                        utf8_percent_encode(&util::form_decode(key), STRICT).to_string(),
                        utf8_percent_encode(&util::form_decode(value), STRICT).to_string(),
                    )
                })
                .collect();
            pairs.sort();
            pairs
                .into_iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("&")
        }
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The canonical request over exactly `auth.signed_headers`.
fn canonical_request(req: &SignedRequest<'_>, auth: &Authorization, form: QueryForm) -> String {
    let path = if req.path.is_empty() { "/" } else { req.path };
    let mut out = String::new();
    out.push_str(req.method);
    out.push('\n');
    out.push_str(&utf8_percent_encode(path, PATH).to_string());
    out.push('\n');
    out.push_str(&canonical_query(req.query, form));
    out.push('\n');
    for name in &auth.signed_headers {
        out.push_str(name);
        out.push(':');
        out.push_str(&req.value(name));
        out.push('\n');
    }
    out.push('\n');
    out.push_str(&auth.signed_headers.join(";"));
    out.push('\n');
    out.push_str(&sha256_hex(req.body));
    out
}

/// The signature `aws-sigv4` computes for the request, given the secret.
fn aws_sigv4_signature(
    req: &SignedRequest<'_>,
    auth: &Authorization,
    secret: &str,
    session_token: &str,
    at: SystemTime,
) -> Option<String> {
    if !auth.signed_headers.iter().any(|h| h == "host") {
        return None;
    }
    let values: Vec<(String, String)> = auth
        .signed_headers
        .iter()
        .map(|name| (name.clone(), req.value(name)))
        .collect();
    let identity = aws_credential_types::Credentials::new(
        auth.access_key.clone(),
        secret.to_owned(),
        Some(session_token.to_owned()),
        None,
        "stax-emulator",
    )
    .into();
    let mut settings = SigningSettings::default();
    // Sign whatever the client named, even headers aws-sigv4 leaves out by default.
    settings.excluded_headers = None;
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(&auth.region)
        .name(&auth.service)
        .time(at)
        .settings(settings)
        .build()
        .ok()?
        .into();
    let uri = match req.query {
        Some(q) => format!("{}?{q}", req.path),
        None => req.path.to_owned(),
    };
    let signable = SignableRequest::new(
        req.method,
        uri,
        values.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        SignableBody::Bytes(req.body),
    )
    .ok()?;
    let output = aws_sigv4::http_request::sign(signable, &params).ok()?;
    Some(output.signature().to_owned())
}

/// A signature over our own canonical request, with aws-sigv4's key derivation.
fn canonical_signature(
    req: &SignedRequest<'_>,
    auth: &Authorization,
    secret: &str,
    amz_date: &str,
    at: SystemTime,
    form: QueryForm,
) -> String {
    let creq = canonical_request(req, auth, form);
    let scope = format!(
        "{}/{}/{}/aws4_request",
        auth.date, auth.region, auth.service
    );
    let string_to_sign = format!(
        "{ALGORITHM}\n{amz_date}\n{scope}\n{}",
        sha256_hex(creq.as_bytes())
    );
    let key = v4::generate_signing_key(secret, at, &auth.region, &auth.service);
    v4::calculate_signature(key, string_to_sign.as_bytes())
}

fn same(a: &str, b: &str) -> bool {
    bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// Whether the request's signature matches one of the accepted canonical forms.
pub(crate) fn signature_matches(
    req: &SignedRequest<'_>,
    auth: &Authorization,
    secret: &str,
    session_token: &str,
    amz_date: &str,
    at: OffsetDateTime,
) -> bool {
    let at: SystemTime = UNIX_EPOCH + Duration::from_secs(at.unix_timestamp().max(0) as u64);
    let mut matched = false;
    // Every candidate is computed, so timing does not tell which form nearly matched.
    if let Some(sig) = aws_sigv4_signature(req, auth, secret, session_token, at) {
        matched |= same(&sig, &auth.signature);
    }
    for form in [QueryForm::AsSent, QueryForm::Aws] {
        let sig = canonical_signature(req, auth, secret, amz_date, at, form);
        matched |= same(&sig, &auth.signature);
    }
    matched
}

/// What the check needs: the temporary credentials the identity pool issued (in the store)
/// and the region requests must be scoped to.
pub(crate) struct Verifier {
    pub store: Arc<Store>,
    pub region: String,
}

impl Verifier {
    /// Checks one request; on success, the API token that signed it and its role.
    pub fn verify(
        &self,
        req: &SignedRequest<'_>,
        now: OffsetDateTime,
    ) -> Result<Caller, Rejection> {
        let header = req
            .headers
            .get("authorization")
            .ok_or(Rejection::Missing)?
            .to_str()
            .map_err(|_| Rejection::Incomplete("Authorization header is not valid text.".into()))?;
        let auth = parse_authorization(header)?;
        let amz_date_text = req
            .headers
            .get("x-amz-date")
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .ok_or_else(|| {
                Rejection::Incomplete(
                    "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."
                        .to_owned(),
                )
            })?;
        let at = parse_amz_date(amz_date_text).ok_or_else(|| {
            Rejection::Incomplete(format!(
                "X-Amz-Date '{amz_date_text}' is not of the form YYYYMMDD'T'HHMMSS'Z'."
            ))
        })?;
        if !amz_date_text.starts_with(&auth.date) || auth.date.len() != 8 {
            return Err(Rejection::Scope(format!(
                "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{}' != '{}'",
                auth.date,
                &amz_date_text[..amz_date_text.len().min(8)]
            )));
        }
        if auth.region != self.region {
            return Err(Rejection::Scope(format!(
                "Credential should be scoped to a valid region, not '{}'. ",
                auth.region
            )));
        }
        if auth.service != SERVICE {
            return Err(Rejection::Scope(format!(
                "Credential should be scoped to correct service: '{SERVICE}'. "
            )));
        }
        let lookup = self.store.read(|tx| {
            let Some(creds) = tx.credentials(&auth.access_key)? else {
                return Ok(None);
            };
            let owner = tx.credentials_owner(&auth.access_key)?;
            let token = match &owner {
                Some((key, org)) => tx.org(org).get(kinds::API_TOKEN, key)?,
                None => None,
            };
            Ok::<_, crate::store::StoreError>(Some((creds, owner, token)))
        });
        let (creds, owner, token) = lookup
            .map_err(|err| {
                tracing::error!(error = %err, "credential lookup failed");
                Rejection::InvalidToken
            })?
            .ok_or(Rejection::InvalidToken)?;
        let token_header = req
            .headers
            .get("x-amz-security-token")
            .and_then(|v| v.to_str().ok())
            .ok_or(Rejection::InvalidToken)?;
        if !same(token_header, &creds.session_token) {
            return Err(Rejection::InvalidToken);
        }
        if now.unix_timestamp() >= creds.expires {
            return Err(Rejection::ExpiredToken);
        }
        check_skew(at, now)?;
        if !signature_matches(
            req,
            &auth,
            &creds.secret_key,
            token_header,
            amz_date_text,
            at,
        ) {
            return Err(Rejection::BadSignature);
        }
        // A token deleted since it signed in keeps its credentials until they expire, but no
        // longer has a role.
        let role = token
            .filter(|t| t["Status"] != "DELETED")
            .and_then(|t| t["Role"].as_str().and_then(Role::parse));
        let (access_key, organisation) = owner.unwrap_or_default();
        Ok(Caller {
            access_key,
            role,
            organisation,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_authorization() {
        let auth = parse_authorization(
            "AWS4-HMAC-SHA256 Credential=ASIAX/20240102/ap-southeast-2/execute-api/aws4_request, \
             SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=\
             0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        )
        .unwrap();
        assert_eq!(auth.access_key, "ASIAX");
        assert_eq!(auth.region, "ap-southeast-2");
        assert_eq!(
            auth.signed_headers,
            ["host", "x-amz-date", "x-amz-security-token"]
        );
        assert!(matches!(
            parse_authorization("AWS4-HMAC-SHA256 Credential=a/b/c/d/aws4_request"),
            Err(Rejection::Incomplete(_))
        ));
        assert!(matches!(
            parse_authorization("Bearer abc"),
            Err(Rejection::Incomplete(_))
        ));
    }

    #[test]
    fn query_forms() {
        let q = Some("b=x+y&a=1%2B1&c=100%25&a=0");
        assert_eq!(
            canonical_query(q, QueryForm::AsSent),
            "a=0&a=1%2B1&b=x+y&c=100%25"
        );
        assert_eq!(
            canonical_query(q, QueryForm::Aws),
            "a=0&a=1%2B1&b=x%20y&c=100%25"
        );
        assert_eq!(canonical_query(None, QueryForm::Aws), "");
    }

    #[test]
    fn skew_is_refused_both_ways() {
        let now = parse_amz_date("20240102T030405Z").unwrap();
        assert!(check_skew(now - time::Duration::minutes(4), now).is_ok());
        let err = check_skew(now - time::Duration::minutes(6), now).unwrap_err();
        assert!(
            err.message()
                .starts_with("Signature expired: 20240102T025805Z is now earlier than")
        );
        assert!(check_skew(now + time::Duration::minutes(6), now).is_err());
    }
}
