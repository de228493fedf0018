//! [`Paged`]: the pages or the items of a walk through a list, as a stream that also says
//! where to resume after what it gave.

use std::pin::Pin;
use std::task::{Context, Poll};

use futures::stream::{BoxStream, Stream, StreamExt};
use serde_json::Value;

use super::Page;
use crate::error::Result;

/// The pages ([`StaxClient::pages`](crate::StaxClient::pages)) or the items
/// ([`StaxClient::items`](crate::StaxClient::items)) of a list, fetched as they are read: a
/// [`Stream`] of answers or items, and [`next_token`](Paged::next_token), where to resume
/// after the last one given.
pub struct Paged {
    pages: BoxStream<'static, Result<Page>>,
    items: bool,
    /// The page being given item by item, and how many of its items were given.
    current: Option<(Page, Vec<Value>, usize)>,
    /// Where to resume after the last page or item given.
    next_token: Option<String>,
}

impl std::fmt::Debug for Paged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Paged")
            .field("items", &self.items)
            .field("next_token", &self.next_token)
            .finish_non_exhaustive()
    }
}

impl Paged {
    /// Every page of `pages`.
    pub(crate) fn pages(pages: BoxStream<'static, Result<Page>>) -> Paged {
        Paged {
            pages,
            items: false,
            current: None,
            next_token: None,
        }
    }

    /// Every item of the list field of `pages`.
    pub(crate) fn items(pages: BoxStream<'static, Result<Page>>) -> Paged {
        Paged {
            items: true,
            ..Paged::pages(pages)
        }
    }

    /// Where to resume after the last page or item given so far, as a token for
    /// [`PageOptions::starting_token`](super::PageOptions::starting_token) (the CLI's
    /// `--starting-token`); `None` before the first and after the list's last item. After a
    /// walk cut at [`PageOptions::max_items`](super::PageOptions::max_items), it is where the
    /// rest of the list starts.
    pub fn next_token(&self) -> Option<&str> {
        self.next_token.as_deref()
    }
}

impl Stream for Paged {
    type Item = Result<Value>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some((page, list, given)) = &mut this.current {
                if *given < list.len() {
                    let item = std::mem::take(&mut list[*given]);
                    *given += 1;
                    this.next_token = if *given < list.len() {
                        Some(page.position_token(*given as u64))
                    } else {
                        page.next_token.clone()
                    };
                    return Poll::Ready(Some(Ok(item)));
                }
                this.current = None;
            }
            let page = match this.pages.poll_next_unpin(cx) {
                Poll::Ready(Some(Ok(page))) => page,
                other => return other.map(|p| p.map(|r| r.map(|page| page.value))),
            };
            if !this.items {
                this.next_token = page.next_token.clone();
                return Poll::Ready(Some(Ok(page.value)));
            }
            let mut page = page;
            let key = match page.list_key() {
                Ok(key) => key,
                Err(e) => return Poll::Ready(Some(Err(e))),
            };
            let list = match page.value.get_mut(&key).map(Value::take) {
                Some(Value::Array(items)) => items,
                _ => Vec::new(),
            };
            if list.is_empty() {
                this.next_token = page.next_token.clone();
            }
            this.current = Some((page, list, 0));
        }
    }
}
