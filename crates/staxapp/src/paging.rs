//! Pagination (PARITY.md B4): list operations take `offset` and `limit` and answer with
//! `"Paging": {"Total", "NextOffset", "PrevOffset"}`; `NextOffset` null is the last page.
//!
//! [`StaxClient::pages`] streams whole pages; [`StaxClient::items`] streams the elements of
//! the pages' list field.
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

use crate::client::{Args, StaxClient};
use crate::error::{Result, ValidationError};

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

struct PageState {
    client: StaxClient,
    service: String,
    operation: String,
    args: Args,
    page_size: u64,
    offset: Option<u64>,
}

impl StaxClient {
    /// Streams the pages of a list operation, `page_size` items each, starting at the
    /// `offset` in `args` (default 0) and following `Paging.NextOffset`.
    pub fn pages(
        &self,
        service: &str,
        operation: &str,
        args: impl Into<Args>,
        page_size: u64,
    ) -> BoxStream<'static, Result<Value>> {
        let args = args.into();
        let start = args
            .as_map()
            .get("offset")
            .and_then(|v| match v {
                Value::Number(n) => n.as_u64(),
                Value::String(s) => s.parse().ok(),
                _ => None,
            })
            .unwrap_or(0);
        let state = PageState {
            client: self.clone(),
            service: service.to_owned(),
            operation: operation.to_owned(),
            args,
            page_size: page_size.max(1),
            offset: Some(start),
        };
        stream::try_unfold(state, |mut state| async move {
            let Some(offset) = state.offset else {
                return Ok(None);
            };
            let args = state
                .args
                .clone()
                .set("offset", offset.to_string())
                .set("limit", state.page_size.to_string());
            let page = state
                .client
                .call(&state.service, &state.operation, args)
                .await?;
            state.offset = next_offset(&page, offset);
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
