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

use std::sync::Arc;

use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use serde_json::Value;

use crate::apis::{Api, PagingKind};
use crate::args::Args;
use crate::client::StaxClient;
use crate::error::{Result, ValidationError};
use crate::pipeline::{Call, Request};
use crate::schema::{Operation, ParameterLocation};

mod paged;
mod token;

pub use paged::Paged;
pub use token::{ResumeToken, arguments_digest};

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
    /// The answer (its list without the items a starting token had given already, and cut
    /// at [`PageOptions::max_items`]).
    pub value: Value,
    /// Where this page started.
    pub at: PageCursor,
    /// Where the server's next page starts; `None` on the last page.
    pub next: Option<PageCursor>,
    /// Where to resume after this page's last item, as a [`ResumeToken`]'s text (for
    /// [`PageOptions::starting_token`], the CLI's `--starting-token`); `None` when nothing
    /// follows.
    pub next_token: Option<String>,
    origin: Origin,
}

/// What a page needs to make a token for a point inside it.
#[derive(Debug, Clone, PartialEq)]
struct Origin {
    operation: Arc<str>,
    arguments: Arc<str>,
    /// Items of the server's page dropped before `value`'s first (a starting token's).
    dropped: u64,
    list_key: Option<String>,
}

impl Page {
    /// Where to resume after the first `n` items of this page's list (as it is in
    /// [`value`](Self::value)): a token's text, [`next_token`](Self::next_token) once `n`
    /// reaches the list's end.
    pub fn token_after(&self, n: u64) -> Option<String> {
        let len = self
            .origin
            .list_key
            .clone()
            .or_else(|| list_key(&self.value).ok())
            .and_then(|key| self.value.get(&key)?.as_array().map(Vec::len))
            .unwrap_or(0) as u64;
        if n >= len {
            self.next_token.clone()
        } else {
            Some(self.position_token(n))
        }
    }

    /// The token of the point after `n` items of the list, wherever the list ends.
    pub(crate) fn position_token(&self, n: u64) -> String {
        ResumeToken::new(
            &*self.origin.operation,
            &*self.origin.arguments,
            self.at.clone(),
            self.origin.dropped + n,
        )
        .to_string()
    }

    /// The name of the page's list field: the one given, else the one found.
    pub(crate) fn list_key(&self) -> Result<String> {
        match &self.origin.list_key {
            Some(key) => Ok(key.clone()),
            None => list_key(&self.value),
        }
    }
}

/// How to walk a list: the page size, where to start, and how many items to give at most.
///
/// ```
/// use staxapp::paging::PageOptions;
///
/// let options = PageOptions::new(50).max_items(120);
/// assert_eq!(options.page_size, 50);
/// assert_eq!(PageOptions::from(20).page_size, 20);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageOptions {
    /// Items per page (`limit`), at least 1.
    pub page_size: u64,
    /// Where to start (a cursor a former walk's [`Page::next`] gave, to resume it).
    pub start: PageCursor,
    /// Give at most this many items (at least 1), then stop: the last page's list is cut
    /// there and its [`Page::next_token`] says where the rest starts.
    pub max_items: Option<u64>,
    /// Resume where a former walk's [`Page::next_token`] (the CLI's `NextToken`) says; it
    /// must belong to the same operation and arguments. Wins over `start`.
    pub starting_token: Option<String>,
    /// The list field of the pages (found when `None`: the one top-level array besides
    /// `Paging`); needed to resume inside a page and to stop at `max_items`.
    pub list_key: Option<String>,
}

impl PageOptions {
    /// Pages of `page_size` items from the start.
    pub fn new(page_size: u64) -> PageOptions {
        PageOptions {
            page_size: page_size.max(1),
            start: PageCursor::Start,
            max_items: None,
            starting_token: None,
            list_key: None,
        }
    }

    /// Starting at `cursor`.
    pub fn start_at(mut self, cursor: PageCursor) -> PageOptions {
        self.start = cursor;
        self
    }

    /// At most `max_items` items (at least 1).
    pub fn max_items(mut self, max_items: u64) -> PageOptions {
        self.max_items = Some(max_items.max(1));
        self
    }

    /// Resuming at a token a former walk gave ([`Page::next_token`]).
    pub fn starting_token(mut self, token: impl Into<String>) -> PageOptions {
        self.starting_token = Some(token.into());
        self
    }

    /// The pages' list field.
    pub fn list_key(mut self, key: impl Into<String>) -> PageOptions {
        self.list_key = Some(key.into());
        self
    }
}

impl From<u64> for PageOptions {
    /// Pages of that many items from the start.
    fn from(page_size: u64) -> PageOptions {
        PageOptions::new(page_size)
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
    /// Items of the next page to drop (given already, says the starting token).
    skip: u64,
    /// Items still to give, with `max_items`.
    left: Option<u64>,
    list_key: Option<String>,
    operation: Arc<str>,
    arguments: Arc<str>,
}

impl Walk {
    /// The style of the request's operation (from its document) and the first cursor: the
    /// starting token's, else the start asked for, else the request's own `offset` or
    /// `page_token`.
    async fn start(&mut self, options: &PageOptions) -> Result<PageCursor> {
        let api = self.request.api();
        // An operation the document lost since the request was built pages as its API does.
        let style = match self.client.document_of(api).await {
            Ok(doc) => doc
                .operation(self.request.service(), self.request.operation())
                .map_or(PagingStyle::Offset, |op| PagingStyle::of(api, op)),
            Err(_) => PagingStyle::Offset,
        };
        self.style = Some(style);
        if let Some(text) = &options.starting_token {
            let token = ResumeToken::parse(text)?;
            token.check(&self.request)?;
            self.skip = token.skip();
            return Ok(token.cursor().clone());
        }
        if options.start != PageCursor::Start {
            return Ok(options.start.clone());
        }
        let given = |name: &str| {
            self.request
                .query()
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        Ok(match style {
            PagingStyle::Offset => {
                PageCursor::Offset(given("offset").and_then(|v| v.parse().ok()).unwrap_or(0))
            }
            PagingStyle::Token { .. } => {
                given(PAGE_TOKEN).map_or(PageCursor::Start, |t| PageCursor::Token(t.to_owned()))
            }
            PagingStyle::Single => PageCursor::Start,
        })
    }

    /// The request of the page at `cursor`: only the paging parameters change. An offset
    /// page asks for no more items than are still to give.
    fn request_at(&self, cursor: &PageCursor) -> Request {
        let size = self.page_size.to_string();
        match (self.style, cursor) {
            (Some(PagingStyle::Offset), PageCursor::Offset(offset)) => {
                let size = self
                    .left
                    .map_or(self.page_size, |left| left.min(self.page_size));
                self.request
                    .with_query("offset", offset.to_string())
                    .with_query("limit", size.to_string())
            }
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

    /// Reads the page at `at`: drops the items a starting token gave already, cuts the list
    /// at `max_items`, and says where the walk goes on.
    async fn page(&mut self, at: PageCursor) -> Result<Page> {
        let mut value = self.client.send_for_value(&self.request_at(&at)).await?;
        let next = self.next(&value, &at);
        let dropped = std::mem::take(&mut self.skip);
        let mut cut = None;
        if dropped > 0 || self.left.is_some() {
            let key = match &self.list_key {
                Some(key) => key.clone(),
                None => list_key(&value)?,
            };
            if let Some(Value::Array(items)) = value.get_mut(&key) {
                items.drain(..(dropped as usize).min(items.len()));
                if let Some(left) = self.left {
                    if items.len() as u64 > left {
                        items.truncate(left as usize);
                        cut = Some(left);
                    }
                    self.left = Some(left - items.len() as u64);
                }
            }
            self.list_key = Some(key);
        }
        let resume = |at: PageCursor, skip: u64| {
            ResumeToken::new(&*self.operation, &*self.arguments, at, skip).to_string()
        };
        let next_token = match cut {
            Some(kept) => Some(resume(at.clone(), dropped + kept)),
            None => next.clone().map(|next| resume(next, 0)),
        };
        self.cursor = match (cut, self.left) {
            (Some(_), _) | (_, Some(0)) => None,
            _ => next.clone(),
        };
        Ok(Page {
            value,
            origin: Origin {
                operation: self.operation.clone(),
                arguments: self.arguments.clone(),
                dropped,
                list_key: self.list_key.clone(),
            },
            at,
            next,
            next_token,
        })
    }
}

impl StaxClient {
    /// Walks the list `request` reads (built once by [`request`](Self::request)), page by
    /// page, changing only its paging parameters: from `options.starting_token` (to the
    /// item), else `options.start` (or the request's own `offset` / `page_token`),
    /// `options.page_size` items a page, in the operation's [`PagingStyle`], giving at most
    /// `options.max_items` items. Each [`Page`] says where it started, where the next one
    /// starts, and where to resume after its last item ([`Page::next_token`]).
    ///
    /// A starting token that does not belong to the request's operation and arguments is a
    /// [`ValidationError::InvalidArgument`] named `starting_token`, before anything is sent.
    pub fn paginate(
        &self,
        request: Request,
        options: impl Into<PageOptions>,
    ) -> BoxStream<'static, Result<Page>> {
        let options = options.into();
        let walk = Walk {
            client: self.clone(),
            operation: request.operation_id().into(),
            arguments: token::arguments_digest(&request).into(),
            request,
            page_size: options.page_size.max(1),
            style: None,
            cursor: None,
            skip: 0,
            left: options.max_items.map(|n| n.max(1)),
            list_key: options.list_key.clone(),
        };
        stream::try_unfold((walk, Some(options)), |(mut walk, options)| async move {
            if let Some(options) = options {
                walk.cursor = Some(walk.start(&options).await?);
            }
            let Some(at) = walk.cursor.take() else {
                return Ok(None);
            };
            let page = walk.page(at).await?;
            Ok(Some((page, (walk, None))))
        })
        .boxed()
    }

    /// Streams the pages of a list operation (`options`: a page size, or [`PageOptions`]
    /// with a starting token and at most so many items) in the operation's
    /// [`PagingStyle`]: from the `offset` in `args` (default 0) following
    /// `Paging.NextOffset`, or from the `page_token` in `args` (default none) following
    /// `Paging.NextToken`. The request is built (routed, validated) once.
    /// [`Paged::next_token`] says where to resume.
    pub fn pages(
        &self,
        service: &str,
        operation: &str,
        args: impl Into<Args>,
        options: impl Into<PageOptions>,
    ) -> Paged {
        Paged::pages(self.walk(service, operation, args, options.into()))
    }

    /// Streams the items of a list operation across pages: the elements of `list_key`, or of
    /// the page's one list field when `list_key` is `None` (and `options` does not name
    /// one). [`Paged::next_token`] says where to resume after the last item given.
    ///
    /// ```no_run
    /// use futures::TryStreamExt;
    /// use staxapp::paging::PageOptions;
    /// use staxapp::{StaxClient, args};
    ///
    /// # async fn demo() -> staxapp::Result<()> {
    /// let client = StaxClient::from_env()?;
    /// // Three accounts, then the next three where the first run stopped.
    /// let mut first = client.items("accounts", "ReadAccounts", args! {}, PageOptions::new(50).max_items(3), None);
    /// while let Some(account) = first.try_next().await? {
    ///     println!("{}", account["Name"]);
    /// }
    /// if let Some(token) = first.next_token() {
    ///     let options = PageOptions::new(50).max_items(3).starting_token(token);
    ///     let more: Vec<_> = client.items("accounts", "ReadAccounts", args! {}, options, None).try_collect().await?;
    ///     println!("{} more", more.len());
    /// }
    /// # Ok(()) }
    /// ```
    pub fn items(
        &self,
        service: &str,
        operation: &str,
        args: impl Into<Args>,
        options: impl Into<PageOptions>,
        list_key: Option<&str>,
    ) -> Paged {
        let mut options = options.into();
        if let Some(key) = list_key {
            options.list_key = Some(key.to_owned());
        }
        Paged::items(self.walk(service, operation, args, options))
    }

    /// The pages of `service.operation` with `args`: the request built once, then walked.
    fn walk(
        &self,
        service: &str,
        operation: &str,
        args: impl Into<Args>,
        options: PageOptions,
    ) -> BoxStream<'static, Result<Page>> {
        let client = self.clone();
        let call = Call::new(service, operation).args(args);
        stream::once(async move { client.request(call).await.map(|request| (client, request)) })
            .map_ok(move |(client, request)| client.paginate(request, options.clone()))
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
