//! Pagination (PARITY.md B4). Each API pages its own way ([`PagingStyle`]):
//!
//! - the core API's list operations take `offset` and `limit` and answer with
//!   `"Paging": {"Total", "NextOffset", "PrevOffset"}`; `NextOffset` null is the last page;
//! - the Permission Sets API's take `limit` and `page_token` and answer with
//!   `"Paging": {"NextToken"}`; no `NextToken` is the last page. An operation without
//!   `page_token` (`ListAWSManagedPolicies`) answers in one page.
//!
//! [`StaxClient::pages`] streams whole pages; [`StaxClient::items`] streams the elements of
//! the pages' list field. Both build the request once through the
//! [`pipeline`](crate::pipeline) (routed and validated once) and change only its paging
//! parameters from page to page ([`StaxClient::paginate`], which also says where each page
//! starts and where the next one would: a [`PageCursor`] to resume a walk later). The style
//! comes from the API's entry in the table ([`PagingKind`]) and the operation's parameters.
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

use crate::apis::{Api, PagingKind};
use crate::args::Args;
use crate::client::StaxClient;
use crate::error::{Result, ValidationError};
use crate::pipeline::{Call, Request};
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
    /// `page_token` query parameter; otherwise offset paging for an API that pages by offset
    /// (the core API: its documents do not always declare `offset`), one page for the others.
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
    /// }}), &Api::PERMISSION_SETS.layout())?;
    /// let style = |op| PagingStyle::of(Api::PERMISSION_SETS, doc.operation("permission-sets", op).unwrap());
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
        } else if api.paging() == PagingKind::Offset {
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

/// Where a page starts: a point to resume a walk through a list from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PageCursor {
    /// Where the request's own `offset` or `page_token` argument says (the first page when
    /// it has none).
    Start,
    /// At this offset (offset paging).
    Offset(u64),
    /// With this token (token paging).
    Token(String),
}

/// One page of a list, where it started and where the next one starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// The answer.
    pub value: Value,
    /// Where this page started.
    pub at: PageCursor,
    /// Where the next page starts; `None` on the last page.
    pub next: Option<PageCursor>,
}

/// How to walk a list: the page size and where to start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageOptions {
    /// Items per page (`limit`), at least 1.
    pub page_size: u64,
    /// Where to start (a cursor a former walk's [`Page::next`] gave, to resume it).
    pub start: PageCursor,
}

impl PageOptions {
    /// Pages of `page_size` items from the start.
    pub fn new(page_size: u64) -> PageOptions {
        PageOptions {
            page_size: page_size.max(1),
            start: PageCursor::Start,
        }
    }

    /// Starting at `cursor`.
    pub fn start_at(mut self, cursor: PageCursor) -> PageOptions {
        self.start = cursor;
        self
    }
}

/// The walk's state between two pages.
struct Walk {
    client: StaxClient,
    request: Request,
    page_size: u64,
    /// `None` before the first page (the style is not known yet).
    style: Option<PagingStyle>,
    /// The next page's start; `None` after the last page.
    cursor: Option<PageCursor>,
}

impl Walk {
    /// The style of the request's operation (from its document) and the first cursor: the
    /// start asked for, else the request's own `offset` or `page_token`.
    async fn start(&mut self, asked: PageCursor) -> PageCursor {
        let api = self.request.api();
        // An operation the document lost since the request was built pages as its API does.
        let style = match self.client.document_of(api).await {
            Ok(doc) => doc
                .operation(self.request.service(), self.request.operation())
                .map_or(PagingStyle::Offset, |op| PagingStyle::of(api, op)),
            Err(_) => PagingStyle::Offset,
        };
        self.style = Some(style);
        if asked != PageCursor::Start {
            return asked;
        }
        let given = |name: &str| {
            self.request
                .query()
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        match style {
            PagingStyle::Offset => {
                PageCursor::Offset(given("offset").and_then(|v| v.parse().ok()).unwrap_or(0))
            }
            PagingStyle::Token { .. } => {
                given(PAGE_TOKEN).map_or(PageCursor::Start, |t| PageCursor::Token(t.to_owned()))
            }
            PagingStyle::Single => PageCursor::Start,
        }
    }

    /// The request of the page at `cursor`: only the paging parameters change.
    fn request_at(&self, cursor: &PageCursor) -> Request {
        let size = self.page_size.to_string();
        match (self.style, cursor) {
            (Some(PagingStyle::Offset), PageCursor::Offset(offset)) => self
                .request
                .with_query("offset", offset.to_string())
                .with_query("limit", size),
            (Some(PagingStyle::Token { limit }), cursor) => {
                let request = match cursor {
                    PageCursor::Token(token) => self.request.with_query(PAGE_TOKEN, token.clone()),
                    _ => self.request.clone(),
                };
                if limit {
                    request.with_query("limit", size)
                } else {
                    request
                }
            }
            _ => self.request.clone(),
        }
    }

    /// Where the page after `page` (read at `at`) starts.
    fn next(&self, page: &Value, at: &PageCursor) -> Option<PageCursor> {
        match (self.style, at) {
            (Some(PagingStyle::Offset), PageCursor::Offset(offset)) => {
                next_offset(page, *offset).map(PageCursor::Offset)
            }
            (Some(PagingStyle::Token { .. }), at) => {
                let current = match at {
                    PageCursor::Token(token) => Some(token.as_str()),
                    _ => None,
                };
                next_token(page, current).map(PageCursor::Token)
            }
            _ => None,
        }
    }
}

impl StaxClient {
    /// Walks the list `request` reads (built once by [`request`](Self::request)), page by
    /// page, changing only its paging parameters: from `options.start` (or the request's own
    /// `offset` / `page_token`), `options.page_size` items a page, in the operation's
    /// [`PagingStyle`]. Each [`Page`] says where it started and where the next one starts.
    pub fn paginate(
        &self,
        request: Request,
        options: PageOptions,
    ) -> BoxStream<'static, Result<Page>> {
        let walk = Walk {
            client: self.clone(),
            request,
            page_size: options.page_size.max(1),
            style: None,
            cursor: None,
        };
        let asked = options.start;
        stream::try_unfold((walk, Some(asked)), |(mut walk, asked)| async move {
            if let Some(asked) = asked {
                walk.cursor = Some(walk.start(asked).await);
            }
            let Some(at) = walk.cursor.take() else {
                return Ok(None);
            };
            let value = walk.client.send_for_value(&walk.request_at(&at)).await?;
            let next = walk.next(&value, &at);
            walk.cursor = next.clone();
            Ok(Some((Page { value, at, next }, (walk, None))))
        })
        .boxed()
    }

    /// Streams the pages of a list operation, `page_size` items each, in the operation's
    /// [`PagingStyle`]: from the `offset` in `args` (default 0) following `Paging.NextOffset`,
    /// or from the `page_token` in `args` (default none) following `Paging.NextToken`. The
    /// request is built (routed, validated) once.
    pub fn pages(
        &self,
        service: &str,
        operation: &str,
        args: impl Into<Args>,
        page_size: u64,
    ) -> BoxStream<'static, Result<Value>> {
        let client = self.clone();
        let call = Call::new(service, operation).args(args);
        stream::once(async move { client.request(call).await.map(|request| (client, request)) })
            .map_ok(move |(client, request)| {
                client
                    .paginate(request, PageOptions::new(page_size))
                    .map_ok(|page| page.value)
            })
            .try_flatten()
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
                Ok::<_, crate::error::Error>(stream::iter(items.into_iter().map(Ok)))
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
