//! Small helpers shared by the modules: clocks, identifiers, query strings.

use std::time::{SystemTime, UNIX_EPOCH};

use rand::Rng;
use rand::distributions::Alphanumeric;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Milliseconds since the Unix epoch.
pub(crate) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Seconds since the Unix epoch.
pub(crate) fn now_secs() -> i64 {
    now_ms() / 1000
}

/// Stax's timestamp form: `2024-01-02T03:04:05.000Z`.
pub(crate) fn iso_ms(epoch_ms: i64) -> String {
    let at = OffsetDateTime::from_unix_timestamp_nanos(epoch_ms as i128 * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let text = at.format(&Rfc3339).unwrap_or_default();
    // Rfc3339 prints as many fraction digits as needed; Stax always shows milliseconds.
    let (base, _) = text
        .split_once('.')
        .unwrap_or((text.trim_end_matches('Z'), ""));
    let base = base.trim_end_matches('Z');
    format!("{base}.{:03}Z", epoch_ms.rem_euclid(1000))
}

/// Current time in Stax's timestamp form.
pub(crate) fn now_iso() -> String {
    iso_ms(now_ms())
}

/// A random v4 UUID as text.
pub(crate) fn uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// `len` random characters from `alphabet`.
pub(crate) fn random_from(alphabet: &[u8], len: usize) -> String {
    let mut rng = rand::thread_rng();
    (0..len)
        .map(|_| alphabet[rng.gen_range(0..alphabet.len())] as char)
        .collect()
}

/// `len` random ASCII letters and digits.
pub(crate) fn random_alnum(len: usize) -> String {
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}

/// Whether `text` is a UUID in its canonical hyphenated form.
pub(crate) fn is_uuid(text: &str) -> bool {
    text.len() == 36 && uuid::Uuid::parse_str(text).is_ok()
}

/// Every `name=value` pair of a query string, decoded as browsers and `requests` encode it
/// (`+` is a space), in order (a repeated name, as an array is sent, keeps all its values).
pub(crate) fn query_pairs(query: Option<&str>) -> Vec<(String, String)> {
    query
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (form_decode(key), form_decode(value))
        })
        .collect()
}

/// Decodes one `application/x-www-form-urlencoded` component.
pub(crate) fn form_decode(text: &str) -> String {
    let spaced = text.replace('+', " ");
    percent_encoding::percent_decode_str(&spaced)
        .decode_utf8_lossy()
        .into_owned()
}

/// Splits a comma-delimited query value into its trimmed, non-empty items.
pub(crate) fn comma_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    #[test]
    fn iso_has_milliseconds() {
        assert_eq!(iso_ms(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso_ms(1_700_000_000_123), "2023-11-14T22:13:20.123Z");
    }

    #[test]
    fn query_decodes_plus_and_percent() {
        let q: BTreeMap<String, String> = query_pairs(Some("a=x+y&b=1%2B1&c=100%25&d"))
            .into_iter()
            .collect();
        assert_eq!(q["a"], "x y");
        assert_eq!(q["b"], "1+1");
        assert_eq!(q["c"], "100%");
        assert_eq!(q["d"], "");
        let pairs = query_pairs(Some("s=A&t=1&s=B"));
        assert_eq!(pairs.len(), 3);
    }
}
