//! Resume tokens: where a walk through a list stopped, to the item, as one opaque word (the
//! CLI's `NextToken` and `--starting-token`, the SDK's [`PageOptions::starting_token`]).
//!
//! A token holds the operation it belongs to (`accounts.ReadAccounts`), a digest of the
//! request's other arguments (path, query without its paging parameters, body), and the
//! position: an offset for offset paging, or the page's own token (none for the first
//! page) and how many of that page's items were already given for token paging. It is
//! base64url text: opaque to its users, who pass it back as it was printed.
//!
//! [`PageOptions::starting_token`]: super::PageOptions::starting_token

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use super::{PAGE_TOKEN, PageCursor};
use crate::error::ValidationError;
use crate::pipeline::Request;

/// The format's version, written into every token.
const VERSION: u64 = 1;
/// The longest token text accepted (a Permission Sets token is a few hundred bytes).
const MAX_LEN: usize = 16 * 1024;
/// The query parameters that move through a list; the digest leaves them out.
const PAGING_PARAMETERS: [&str; 3] = ["offset", "limit", PAGE_TOKEN];

/// Where a walk resumes: the page's cursor and how many of its items were given already.
///
/// ```
/// use staxapp::paging::{PageCursor, ResumeToken};
///
/// let token = ResumeToken::new("accounts.ReadAccounts", "digest", PageCursor::Offset(30), 0);
/// let text = token.to_string();
/// let back = ResumeToken::parse(&text)?;
/// assert_eq!(back, token);
/// assert_eq!(back.operation(), "accounts.ReadAccounts");
/// assert!(ResumeToken::parse("not a token").is_err());
/// # Ok::<(), staxapp::error::ValidationError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResumeToken {
    operation: String,
    arguments: String,
    at: PageCursor,
    skip: u64,
}

impl ResumeToken {
    /// A token for `operation` (`service.Operation`) with the arguments' digest `arguments`
    /// ([`arguments_digest`]), resuming at `at` after `skip` of that page's items. An
    /// offset cursor takes the skipped items into its offset.
    pub fn new(
        operation: impl Into<String>,
        arguments: impl Into<String>,
        at: PageCursor,
        skip: u64,
    ) -> ResumeToken {
        let (at, skip) = match at {
            PageCursor::Offset(offset) => (PageCursor::Offset(offset.saturating_add(skip)), 0),
            other => (other, skip),
        };
        ResumeToken {
            operation: operation.into(),
            arguments: arguments.into(),
            at,
            skip,
        }
    }

    /// Reads a token's text; an error names what is wrong with it (never a panic).
    pub fn parse(text: &str) -> Result<ResumeToken, ValidationError> {
        let bad = |why: &str| ValidationError::InvalidArgument {
            name: "starting_token".into(),
            reason: format!("{why}: pass the NextToken a former run printed, as it was printed"),
        };
        let text = text.trim();
        if text.is_empty() || text.len() > MAX_LEN {
            return Err(bad(if text.is_empty() {
                "it is empty"
            } else {
                "it is too long to be a token"
            }));
        }
        let bytes = URL_SAFE_NO_PAD
            .decode(text)
            .map_err(|_| bad("it is not a token this SDK gave"))?;
        let value: Value =
            serde_json::from_slice(&bytes).map_err(|_| bad("it is not a token this SDK gave"))?;
        let field = |name: &str| value.get(name);
        if field("v").and_then(Value::as_u64) != Some(VERSION) {
            return Err(bad("it is not a token this version of the SDK reads"));
        }
        let text_of = |name: &str| field(name).and_then(Value::as_str).map(str::to_owned);
        let (Some(operation), Some(arguments)) = (text_of("op"), text_of("args")) else {
            return Err(bad("it is not a token this SDK gave"));
        };
        let skip = match field("skip") {
            None => 0,
            Some(n) => n.as_u64().ok_or_else(|| bad("its position is broken"))?,
        };
        let at = match (field("offset"), text_of("token")) {
            (Some(offset), None) => {
                PageCursor::Offset(offset.as_u64().ok_or_else(|| bad("its offset is broken"))?)
            }
            (None, Some(token)) => PageCursor::Token(token),
            (None, None) => PageCursor::Start,
            (Some(_), Some(_)) => return Err(bad("its position is broken")),
        };
        Ok(ResumeToken::new(operation, arguments, at, skip))
    }

    /// The operation it belongs to, `service.Operation`.
    pub fn operation(&self) -> &str {
        &self.operation
    }

    /// The page to fetch first.
    pub fn cursor(&self) -> &PageCursor {
        &self.at
    }

    /// How many items of that page were given already.
    pub fn skip(&self) -> u64 {
        self.skip
    }

    /// Checks that the token belongs to `request`: the same operation, with the same
    /// arguments apart from the paging parameters.
    pub fn check(&self, request: &Request) -> Result<(), ValidationError> {
        let reason = if self.operation != request.operation_id() {
            format!(
                "it belongs to {}, not to {}: give it to the operation that printed it",
                self.operation,
                request.operation_id()
            )
        } else if self.arguments != arguments_digest(request) {
            format!(
                "it belongs to {} with other arguments: give the arguments of the run that printed it",
                self.operation
            )
        } else {
            return Ok(());
        };
        Err(ValidationError::InvalidArgument {
            name: "starting_token".into(),
            reason,
        })
    }
}

impl std::fmt::Display for ResumeToken {
    /// The token's text.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut object = Map::new();
        object.insert("v".into(), json!(VERSION));
        object.insert("op".into(), json!(self.operation));
        object.insert("args".into(), json!(self.arguments));
        match &self.at {
            PageCursor::Offset(offset) => {
                object.insert("offset".into(), json!(offset));
            }
            PageCursor::Token(token) => {
                object.insert("token".into(), json!(token));
            }
            PageCursor::Start => {}
        }
        if self.skip > 0 {
            object.insert("skip".into(), json!(self.skip));
        }
        f.write_str(&URL_SAFE_NO_PAD.encode(Value::Object(object).to_string()))
    }
}

/// A short digest of what `request` asks for apart from where in the list: its path, its
/// query without `offset`, `limit` and `page_token`, and its body.
pub fn arguments_digest(request: &Request) -> String {
    let mut hash = Sha256::new();
    hash.update(request.path().as_bytes());
    for (name, value) in request.query() {
        if PAGING_PARAMETERS.contains(&name.as_str()) {
            continue;
        }
        hash.update([0]);
        hash.update(name.as_bytes());
        hash.update([1]);
        hash.update(value.as_bytes());
    }
    hash.update([2]);
    if let Some(body) = request.body() {
        hash.update(body.to_string().as_bytes());
    }
    hash.finalize()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_offsets_take_the_skip() {
        for (at, skip) in [
            (PageCursor::Start, 0),
            (PageCursor::Start, 3),
            (PageCursor::Token("a/b+c==".into()), 2),
            (PageCursor::Offset(10), 0),
        ] {
            let token = ResumeToken::new("s.Op", "d", at, skip);
            assert_eq!(ResumeToken::parse(&token.to_string()).unwrap(), token);
        }
        let token = ResumeToken::new("s.Op", "d", PageCursor::Offset(10), 3);
        assert_eq!((token.cursor(), token.skip()), (&PageCursor::Offset(13), 0));
    }

    #[test]
    fn broken_tokens_are_errors_that_say_so() {
        let encode = |v: Value| URL_SAFE_NO_PAD.encode(v.to_string());
        for (text, says) in [
            ("".to_owned(), "empty"),
            ("!!!".to_owned(), "not a token"),
            (URL_SAFE_NO_PAD.encode("[1]"), "version"),
            (encode(json!({"v": 2, "op": "a.B", "args": "d"})), "version"),
            (encode(json!({"v": 1, "args": "d"})), "not a token"),
            (
                encode(json!({"v": 1, "op": "a.B", "args": "d", "offset": -1})),
                "offset",
            ),
            (
                encode(json!({"v": 1, "op": "a.B", "args": "d", "offset": 1, "token": "t"})),
                "position",
            ),
            ("a".repeat(MAX_LEN + 1), "too long"),
        ] {
            let err = ResumeToken::parse(&text).unwrap_err().to_string();
            assert!(err.contains(says), "{text}: {err}");
            assert!(err.contains("starting_token"), "{err}");
        }
    }
}
