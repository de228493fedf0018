//! `--all-pages`: every page of a list, read with the SDK's paging (the request built once,
//! only its paging parameters changed), merged into one answer.

use std::io::IsTerminal;

use futures::StreamExt as _;
use serde_json::Value;
use staxapp::paging::PageOptions;
use staxapp::{Request, StaxClient};

/// Walks the pages of `request`, `page_size` items each, merging every page into the first
/// (progress on stderr).
pub async fn all_pages(
    client: &StaxClient,
    request: &Request,
    page_size: u32,
) -> staxapp::Result<Value> {
    let show = std::io::stderr().is_terminal();
    let mut pages = client.paginate(request.clone(), PageOptions::new(u64::from(page_size)));
    let mut merged: Option<Value> = None;
    let mut count = 0u32;
    while let Some(page) = pages.next().await {
        let page = page?;
        count += 1;
        if show {
            eprint!("\rpage {count}");
        } else {
            eprintln!("page {count}");
        }
        match &mut merged {
            None => merged = Some(page.value),
            Some(acc) => merge_page(acc, page.value),
        }
    }
    if show {
        eprintln!();
    }
    Ok(merged.unwrap_or(Value::Null))
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
