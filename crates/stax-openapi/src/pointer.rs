//! JSON pointers (RFC 6901) and local `$ref`s (`#/...`, RFC 3986 fragments).
//!
//! A reference's fragment is first percent-decoded, then read as a JSON pointer whose tokens
//! escape `~` as `~0` and `/` as `~1`. Only references into the same document (starting with
//! `#`) are followed: an OpenAPI document here is one self-contained file.
//!
//! ```
//! use serde_json::json;
//! use stax_openapi::pointer;
//!
//! let doc = json!({"components": {"schemas": {
//!     "a/b c": {"type": "string"},
//!     "Alias": {"$ref": "#/components/schemas/a~1b%20c"},
//! }}});
//! assert_eq!(pointer::component_ref("a/b c"), "#/components/schemas/a~1b%20c");
//! let alias = &doc["components"]["schemas"]["Alias"];
//! assert_eq!(pointer::resolve(&doc, alias), Some(&json!({"type": "string"})));
//! ```

use std::borrow::Cow;

use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};
use serde_json::Value;

/// How many `$ref` hops [`resolve`] follows before taking the chain for a cycle.
pub const MAX_HOPS: usize = 64;

/// Characters percent-encoded when a pointer is written as a URI fragment: what RFC 3986
/// does not allow in a fragment, and `%` itself.
const FRAGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// Escapes one reference token: `~` becomes `~0`, `/` becomes `~1`.
///
/// ```
/// assert_eq!(stax_openapi::pointer::escape("/20190206/a~b"), "~120190206~1a~0b");
/// ```
pub fn escape(token: &str) -> Cow<'_, str> {
    if token.contains(['~', '/']) {
        Cow::Owned(token.replace('~', "~0").replace('/', "~1"))
    } else {
        Cow::Borrowed(token)
    }
}

/// Undoes [`escape`]; `None` when a `~` is followed by anything but `0` or `1`.
///
/// ```
/// use stax_openapi::pointer::unescape;
/// assert_eq!(unescape("~01~1x").as_deref(), Some("~1/x"));
/// assert_eq!(unescape("~2"), None);
/// ```
pub fn unescape(token: &str) -> Option<Cow<'_, str>> {
    if !token.contains('~') {
        return Some(Cow::Borrowed(token));
    }
    let mut out = String::with_capacity(token.len());
    let mut chars = token.chars();
    while let Some(c) = chars.next() {
        if c == '~' {
            match chars.next() {
                Some('0') => out.push('~'),
                Some('1') => out.push('/'),
                _ => return None,
            }
        } else {
            out.push(c);
        }
    }
    Some(Cow::Owned(out))
}

/// A JSON pointer made of `tokens`, each escaped.
///
/// ```
/// use stax_openapi::pointer::from_tokens;
/// assert_eq!(from_tokens(["paths", "/20190206/accounts", "get"]), "/paths/~120190206~1accounts/get");
/// assert_eq!(from_tokens::<[&str; 0]>([]), "");
/// ```
pub fn from_tokens<I>(tokens: I) -> String
where
    I: IntoIterator,
    I::Item: AsRef<str>,
{
    let mut out = String::new();
    for token in tokens {
        out.push('/');
        out.push_str(&escape(token.as_ref()));
    }
    out
}

/// The pointer a local reference names: `#/a%20b/c` gives `/a b/c`. `None` for a reference
/// into another document, or a fragment that is not valid percent-encoded UTF-8.
///
/// ```
/// use stax_openapi::pointer::target;
/// assert_eq!(target("#/components/schemas/a%7Eb").as_deref(), Some("/components/schemas/a~b"));
/// assert_eq!(target("#").as_deref(), Some(""));
/// assert_eq!(target("other.json#/x"), None);
/// ```
pub fn target(reference: &str) -> Option<Cow<'_, str>> {
    let fragment = reference.strip_prefix('#')?;
    percent_decode_str(fragment).decode_utf8().ok()
}

/// The local reference (`#` and a percent-encoded pointer) for `pointer`.
///
/// ```
/// assert_eq!(stax_openapi::pointer::to_ref("/components/schemas/a b"), "#/components/schemas/a%20b");
/// ```
pub fn to_ref(pointer: &str) -> String {
    format!("#{}", utf8_percent_encode(pointer, FRAGMENT))
}

/// The reference to `components.schemas[name]`.
///
/// ```
/// use stax_openapi::pointer::component_ref;
/// assert_eq!(component_ref("accounts.CreateAccount"), "#/components/schemas/accounts.CreateAccount");
/// assert_eq!(component_ref("a/b~c"), "#/components/schemas/a~1b~0c");
/// ```
pub fn component_ref(name: &str) -> String {
    to_ref(&component_pointer(name))
}

/// The pointer to `components.schemas[name]`.
pub fn component_pointer(name: &str) -> String {
    from_tokens(["components", "schemas", name])
}

/// The value a local reference names in `doc`, without following further references.
pub fn lookup<'a>(doc: &'a Value, reference: &str) -> Option<&'a Value> {
    doc.pointer(&target(reference)?)
}

/// Follows a chain of `$ref`s from `value` to the first value that is not a reference.
/// `None` when a reference is not a local one, leads nowhere, or the chain loops.
pub fn resolve<'a>(doc: &'a Value, value: &'a Value) -> Option<&'a Value> {
    let mut current = value;
    for _ in 0..=MAX_HOPS {
        match current.get("$ref") {
            None => return Some(current),
            Some(Value::String(reference)) => current = lookup(doc, reference)?,
            Some(_) => return None,
        }
    }
    None
}

/// Like [`resolve`], but never fails: a reference that cannot be followed leaves the last
/// value reached (the one holding it).
pub fn resolve_lenient<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    let mut current = value;
    for _ in 0..MAX_HOPS {
        match current
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| lookup(doc, r))
        {
            Some(next) => current = next,
            None => return current,
        }
    }
    current
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn escaping_round_trips() {
        for token in ["", "plain", "a/b", "a~b", "~1", "/~/", "ü/ß"] {
            assert_eq!(unescape(&escape(token)).unwrap(), token);
        }
        assert_eq!(escape("~/"), "~0~1");
        // `~01` is `~` then `1`, not `/`.
        assert_eq!(unescape("~01").unwrap(), "~1");
        assert_eq!(unescape("a~"), None);
    }

    #[test]
    fn references_are_percent_decoded_then_unescaped() {
        let doc = json!({"components": {"schemas": {
            "a b": {"type": "integer"},
            "c/d": {"type": "string"},
            "e~f": {"type": "boolean"},
            "%41": {"type": "null"},
        }}});
        let look = |r: &str| lookup(&doc, r).cloned();
        assert_eq!(
            look("#/components/schemas/a%20b"),
            Some(json!({"type": "integer"}))
        );
        assert_eq!(
            look("#/components/schemas/c~1d"),
            Some(json!({"type": "string"}))
        );
        assert_eq!(
            look("#/components/schemas/e~0f"),
            Some(json!({"type": "boolean"}))
        );
        // `%2541` decodes to `%41`, a name with a percent sign in it.
        assert_eq!(
            look("#/components/schemas/%2541"),
            Some(json!({"type": "null"}))
        );
        assert_eq!(look("#/components/schemas/%FF"), None);
        assert_eq!(look("https://example.com/doc.json#/x"), None);
        for name in ["a b", "c/d", "e~f", "%41"] {
            assert!(look(&component_ref(name)).is_some(), "{name}");
        }
    }

    #[test]
    fn chains_cycles_and_oddities() {
        let doc = json!({
            "a": {"$ref": "#/b"},
            "b": {"$ref": "#/c"},
            "c": {"type": "string"},
            "loop": {"$ref": "#/loop"},
            "dangling": {"$ref": "#/nowhere"},
            "number": {"$ref": 5},
        });
        assert_eq!(resolve(&doc, &doc["a"]), Some(&json!({"type": "string"})));
        assert_eq!(resolve(&doc, &doc["loop"]), None);
        assert_eq!(resolve(&doc, &doc["dangling"]), None);
        assert_eq!(resolve(&doc, &doc["number"]), None);
        assert_eq!(resolve(&doc, &json!(3)), Some(&json!(3)));
        assert_eq!(resolve_lenient(&doc, &doc["a"]), &json!({"type": "string"}));
        assert_eq!(resolve_lenient(&doc, &doc["dangling"]), &doc["dangling"]);
        assert_eq!(resolve_lenient(&doc, &doc["loop"]), &doc["loop"]);
    }
}
