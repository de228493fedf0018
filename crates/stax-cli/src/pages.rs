//! `--all-pages`, `--max-items N`, `--starting-token T`: the pages of a list, read with the
//! SDK's paging (the request built once, only its paging parameters changed), merged into
//! one answer. A walk cut at `--max-items` ends its answer with `"NextToken"`, which
//! `--starting-token` takes to go on where it stopped (to the item, without a gap or a
//! repeat); the token is the SDK's opaque resume token and belongs to one operation and its
//! arguments.

use std::io::IsTerminal;

use futures::StreamExt as _;
use serde_json::Value;
use staxapp::paging::{PageOptions, ResumeToken};
use staxapp::{Request, StaxClient};

use crate::cli::GlobalOpts;
use crate::failure::Failure;
use crate::text::NEXT_TOKEN;

/// Whether the call walks pages: `--all-pages`, or one of the options that imply it.
pub fn wanted(global: &GlobalOpts) -> bool {
    global.all_pages || global.max_items.is_some() || global.starting_token.is_some()
}

/// Checks `--starting-token` against the request built (the same operation and arguments):
/// a usage error otherwise, before the first page is asked for.
pub fn check(global: &GlobalOpts, request: &Request) -> Result<(), Failure> {
    let Some(text) = &global.starting_token else {
        return Ok(());
    };
    ResumeToken::parse(text)
        .and_then(|token| token.check(request))
        .map_err(|e| match e {
            staxapp::ValidationError::InvalidArgument { reason, .. } => {
                Failure::Usage(format!("--starting-token: {reason}"))
            }
            other => Failure::Usage(other.to_string()),
        })
}

/// Walks the pages of `request` as the options say, merging every page into the first
/// (progress on stderr); a walk cut at `--max-items` with more to come ends with
/// `"NextToken"` in place of the last page's `Paging`.
pub async fn all_pages(
    client: &StaxClient,
    request: &Request,
    global: &GlobalOpts,
) -> staxapp::Result<Value> {
    let mut options = PageOptions::new(u64::from(global.page_size));
    if let Some(n) = global.max_items {
        options = options.max_items(n);
    }
    if let Some(token) = &global.starting_token {
        options = options.starting_token(token.clone());
    }
    let show = std::io::stderr().is_terminal();
    let mut pages = client.paginate(request.clone(), options);
    let mut merged: Option<Value> = None;
    let mut next_token = None;
    let mut count = 0u32;
    while let Some(page) = pages.next().await {
        let page = page?;
        count += 1;
        if show {
            eprint!("\rpage {count}");
        } else {
            eprintln!("page {count}");
        }
        next_token = page.next_token;
        match &mut merged {
            None => merged = Some(page.value),
            Some(acc) => merge_page(acc, page.value),
        }
    }
    if show {
        eprintln!();
    }
    let mut merged = merged.unwrap_or(Value::Null);
    // Only a cut walk has a token: one that reached the end has none.
    if let (Some(token), Value::Object(map)) = (next_token, &mut merged) {
        map.shift_remove("Paging");
        map.insert(NEXT_TOKEN.to_owned(), Value::String(token));
    }
    Ok(merged)
}

/// Appends the arrays of `page` to those of `acc`; other fields take the latest page's value.
fn merge_page(acc: &mut Value, page: Value) {
    let (Value::Object(acc), Value::Object(page)) = (acc, page) else {
        return;
    };
    for (key, value) in page {
        match (acc.get_mut(&key), value) {
            (Some(Value::Array(existing)), Value::Array(more)) => existing.extend(more),
            (_, value) => {
                acc.insert(key, value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn pages_merge_lists_and_keep_the_last_paging() {
        let mut acc = json!({"Accounts": [{"Id": "1"}], "Paging": {"NextOffset": 1}});
        merge_page(
            &mut acc,
            json!({"Accounts": [{"Id": "2"}], "Paging": {"NextOffset": null}}),
        );
        assert_eq!(
            acc,
            json!({"Accounts": [{"Id": "1"}, {"Id": "2"}], "Paging": {"NextOffset": null}})
        );
    }
}
