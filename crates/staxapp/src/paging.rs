//! Pagination (PARITY.md B4). Each API pages its own way ([`PagingStyle`]):
//!
//! - the core API's list operations take `offset` and `limit` and answer with
//!   `"Paging": {"Total", "NextOffset", "PrevOffset"}`; `NextOffset` null is the last page;
//! - the Permission Sets API's take `limit` and `page_token` and answer with
//!   `"Paging": {"NextToken"}`; no `NextToken` is the last page. An operation without
//!   `page_token` (`ListAWSManagedPolicies`) answers in one page.
//!
//! [`StaxClient::pages`] streams whole pages; [`StaxClient::items`] streams the elements of
//! the pages' list field. Both read the operation's parameters in its document to know which
//! style it pages in.
//!
//! ```no_run
//! use futures::TryStreamExt;
//! use staxapp::{StaxClient, args};
//!
//! # async fn demo() -> staxapp::Result<()> {
//! let client = StaxClient::from_env()?;
//! let accounts: Vec<serde_json::Value> = client
//!     .items("accounts", "ReadAccounts", args! {"filter" => "ACTIVE"}, 50, None)
//!     .try_collect()
//!     .await?;
//! println!("{} active accounts", accounts.len());
//! # Ok(()) }
//! ```

use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use serde_json::Value;

use crate::apis::Api;
use crate::client::{Args, StaxClient};
use crate::error::{Result, ValidationError};
use crate::schema::{Operation, ParameterLocation};

/// The query parameter of the Permission Sets API's page cursor.
pub const PAGE_TOKEN: &str = "page_token";

/// How a list operation pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PagingStyle {
    /// `offset` and `limit` in, `Paging.NextOffset` out (the core API).
    Offset,
    /// `page_token` in (and `limit` when `limit` is true), `Paging.NextToken` out (the
    /// Permission Sets API).
    Token {
        /// Whether the operation takes a page size (`limit`).
        limit: bool,
    },
    /// One answer holds everything: no paging parameters are sent.
    Single,
}

impl PagingStyle {
    /// The style of `operation` of `api`: token paging when the operation declares a
    /// `page_token` query parameter; otherwise offset paging for the core API (its documents
    /// do not always declare `offset`), one page for the other APIs.
    ///
    /// ```
    /// use serde_json::json;
    /// use staxapp::Api;
    /// use staxapp::paging::PagingStyle;
    /// use staxapp::schema::Document;
    ///
    /// let doc = Document::from_value_with(json!({"paths": {
    ///     "/things": {"get": {"operationId": "ListThings", "parameters": [
    ///         {"name": "page_token", "in": "query"}, {"name": "limit", "in": "query"}]}},
    ///     "/all": {"get": {"operationId": "ListAll"}}
    /// }}), &Api::PermissionSets.layout())?;
    /// let style = |op| PagingStyle::of(Api::PermissionSets, doc.operation("permission-sets", op).unwrap());
    /// assert_eq!(style("ListThings"), PagingStyle::Token { limit: true });
    /// assert_eq!(style("ListAll"), PagingStyle::Single);
    /// # Ok::<(), staxapp::Error>(())
    /// ```
    pub fn of(api: Api, operation: &Operation) -> PagingStyle {
        let query = operation.query_parameters();
        let takes = |name: &str| {
            query
                .iter()
                .any(|p| p.name == name && p.location == ParameterLocation::Query)
        };
        if takes(PAGE_TOKEN) {
            PagingStyle::Token {
                limit: takes("limit"),
            }
        } else if api == Api::Core {
            PagingStyle::Offset
        } else {
            PagingStyle::Single
        }
    }
}

/// The token of the page after `page`, or `None` on the last page (`Paging.NextToken` null,
/// empty or absent). A token equal to the one `page` was read with ends the paging too (no
/// endless loop on a misbehaving server).
///
/// ```
/// use serde_json::json;
/// use staxapp::paging::next_token;
///
/// assert_eq!(next_token(&json!({"Paging": {"NextToken": "abc"}}), None), Some("abc".to_owned()));
/// assert_eq!(next_token(&json!({"Paging": {"NextToken": null}}), None), None);
/// assert_eq!(next_token(&json!({"Paging": {"NextToken": "abc"}}), Some("abc")), None);
/// assert_eq!(next_token(&json!({"PermissionSets": []}), None), None);
/// ```
pub fn next_token(page: &Value, current: Option<&str>) -> Option<String> {
    let next = page.pointer("/Paging/NextToken")?.as_str()?;
    (!next.is_empty() && Some(next) != current).then(|| next.to_owned())
}

/// The offset of the page after `page` (which was read at `offset`), or `None` on the last
/// page. A `NextOffset` that does not move forward ends the paging too (no endless loop on a
/// misbehaving server).
///
/// ```
/// use serde_json::json;
/// use staxapp::paging::next_offset;
///
/// assert_eq!(next_offset(&json!({"Paging": {"NextOffset": 20}}), 10), Some(20));
/// assert_eq!(next_offset(&json!({"Paging": {"NextOffset": null}}), 10), None);
/// assert_eq!(next_offset(&json!({"Accounts": []}), 0), None);
/// ```
pub fn next_offset(page: &Value, offset: u64) -> Option<u64> {
    let next = page.pointer("/Paging/NextOffset")?;
    let next = match next {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }?;
    (next > offset).then_some(next)
}

/// The name of the list field of a page: the one top-level array other than `Paging`.
///
/// ```
/// use serde_json::json;
/// use staxapp::paging::list_key;
///
/// assert_eq!(list_key(&json!({"Accounts": [], "Paging": {}})).unwrap(), "Accounts");
/// assert!(list_key(&json!({"Accounts": [], "Users": []})).is_err());
/// ```
pub fn list_key(page: &Value) -> Result<String> {
    let keys: Vec<&String> = page
        .as_object()
        .map(|o| {
            o.iter()
                .filter(|(k, v)| k.as_str() != "Paging" && v.is_array())
                .map(|(k, _)| k)
                .collect()
        })
        .unwrap_or_default();
    match keys.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(ValidationError::InvalidArgument {
            name: "list_key".into(),
            reason: "the answer has no list field to stream; pass its name".into(),
        }
        .into()),
        many => Err(ValidationError::InvalidArgument {
            name: "list_key".into(),
            reason: format!(
                "the answer has several list fields ({}); pass the one to stream",
                many.iter()
                    .map(|k| k.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
        .into()),
    }
}

/// Where the next page starts.
enum Cursor {
    /// Nothing read yet: the style is read from the document first.
    Start,
    /// At this offset (offset paging).
    Offset(u64),
    /// With this token, `None` for the first page (token paging), sending `limit` or not.
    Token { token: Option<String>, limit: bool },
    /// The one page of an operation that does not page.
    Single,
    /// After the last page.
    Done,
}

struct PageState {
    client: StaxClient,
    service: String,
    operation: String,
    args: Args,
    page_size: u64,
    cursor: Cursor,
}

impl PageState {
    /// The first cursor: the style of the operation (read from its document), starting at
    /// the `offset` or `page_token` of the arguments.
    async fn start(&self) -> Cursor {
        let api = Api::for_service(&self.service);
        // An unknown operation pages as the core API does; the call then names the error.
        let style = match self.client.document_of(api).await {
            Ok(doc) => doc
                .operation(&self.service, &self.operation)
                .map_or(PagingStyle::Offset, |op| PagingStyle::of(api, op)),
            Err(_) => PagingStyle::Offset,
        };
        let given = |name: &str| self.args.as_map().get(name);
        match style {
            PagingStyle::Offset => Cursor::Offset(
                given("offset")
                    .and_then(|v| match v {
                        Value::Number(n) => n.as_u64(),
                        Value::String(s) => s.parse().ok(),
                        _ => None,
                    })
                    .unwrap_or(0),
            ),
            PagingStyle::Token { limit } => Cursor::Token {
                token: given(PAGE_TOKEN).and_then(Value::as_str).map(str::to_owned),
                limit,
            },
            PagingStyle::Single => Cursor::Single,
        }
    }

    /// The arguments of the page at `cursor`.
    fn args_at(&self, cursor: &Cursor) -> Args {
        let args = self.args.clone();
        match cursor {
            Cursor::Offset(offset) => args
                .set("offset", offset.to_string())
                .set("limit", self.page_size.to_string()),
            Cursor::Token { token, limit } => {
                let args = match token {
                    Some(token) => args.set(PAGE_TOKEN, token.clone()),
                    None => args,
                };
                if *limit {
                    args.set("limit", self.page_size)
                } else {
                    args
                }
            }
            Cursor::Start | Cursor::Single | Cursor::Done => args,
        }
    }
}

impl StaxClient {
    /// Streams the pages of a list operation, `page_size` items each, in the operation's
    /// [`PagingStyle`]: from the `offset` in `args` (default 0) following `Paging.NextOffset`,
    /// or from the `page_token` in `args` (default none) following `Paging.NextToken`.
    pub fn pages(
        &self,
        service: &str,
        operation: &str,
        args: impl Into<Args>,
        page_size: u64,
    ) -> BoxStream<'static, Result<Value>> {
        let state = PageState {
            client: self.clone(),
            service: service.to_owned(),
            operation: operation.to_owned(),
            args: args.into(),
            page_size: page_size.max(1),
            cursor: Cursor::Start,
        };
        stream::try_unfold(state, |mut state| async move {
            if let Cursor::Start = state.cursor {
                state.cursor = state.start().await;
            }
            let cursor = std::mem::replace(&mut state.cursor, Cursor::Done);
            if let Cursor::Done | Cursor::Start = cursor {
                return Ok(None);
            }
            let page = state
                .client
                .call(&state.service, &state.operation, state.args_at(&cursor))
                .await?;
            state.cursor = match cursor {
                Cursor::Offset(offset) => {
                    next_offset(&page, offset).map_or(Cursor::Done, Cursor::Offset)
                }
                Cursor::Token { token, limit } => {
                    next_token(&page, token.as_deref()).map_or(Cursor::Done, |next| Cursor::Token {
                        token: Some(next),
                        limit,
                    })
                }
                Cursor::Start | Cursor::Single | Cursor::Done => Cursor::Done,
            };
            Ok(Some((page, state)))
        })
        .boxed()
    }

    /// Streams the items of a list operation across pages: the elements of `list_key`, or of
    /// the page's one list field when `list_key` is `None`.
    pub fn items(
        &self,
        service: &str,
        operation: &str,
        args: impl Into<Args>,
        page_size: u64,
        list_key: Option<&str>,
    ) -> BoxStream<'static, Result<Value>> {
        let list_key = list_key.map(str::to_owned);
        self.pages(service, operation, args, page_size)
            .map(move |page| {
                let page = page?;
                let key = match &list_key {
                    Some(k) => k.clone(),
                    None => self::list_key(&page)?,
                };
                let items = match page.get(&key) {
                    Some(Value::Array(items)) => items.clone(),
                    _ => Vec::new(),
                };
                Ok::<_, crate::Error>(stream::iter(items.into_iter().map(Ok)))
            })
            .try_flatten()
            .boxed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paging_stops_when_the_offset_does_not_advance() {
        assert_eq!(next_offset(&json!({"Paging": {"NextOffset": 5}}), 5), None);
        assert_eq!(
            next_offset(&json!({"Paging": {"NextOffset": "15"}}), 5),
            Some(15)
        );
        assert_eq!(next_offset(&json!({"Paging": {"NextOffset": -1}}), 5), None);
    }

    #[test]
    fn list_key_errors_name_the_fields() {
        let err = list_key(&json!({"A": [], "B": [], "Paging": {}})).unwrap_err();
        assert!(err.to_string().contains("A, B"), "{err}");
        let err = list_key(&json!({"Paging": {}})).unwrap_err();
        assert!(err.to_string().contains("no list field"), "{err}");
    }
}
