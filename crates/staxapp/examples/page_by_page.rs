//! Reads every account one call per page, `offset` and `limit` set by hand and
//! `Paging.NextOffset` followed, as a program that does not use `items()` would; prints how
//! many accounts and pages it read, and in how long (after signing in and reading the API's
//! document). `crates/stax-cli/benches/large_org.sh` times it (one process, one call a page)
//! against `stax accounts ReadAccounts --all-pages`.
//!
//! ```text
//! export STAX_ENDPOINT=... AWS_ENDPOINT_URL=... STAX_ACCESS_KEY=... STAX_SECRET_KEY=...
//! cargo run -p staxapp --example page_by_page -- 100     # the page size (default 100)
//! ```

use staxapp::{StaxClient, args};

async fn run(page_size: u64) -> staxapp::Result<()> {
    let client = StaxClient::from_env()?;
    // Signed in and the document read: what is timed below is the walk.
    client
        .call("accounts", "ReadAccounts", args! {"limit" => 1})
        .await?;
    let started = std::time::Instant::now();
    let (mut accounts, mut pages) = (0, 0);
    let mut offset = Some(0);
    while let Some(at) = offset {
        let page = client
            .call(
                "accounts",
                "ReadAccounts",
                args! {"offset" => at, "limit" => page_size},
            )
            .await?;
        accounts += page["Accounts"].as_array().map_or(0, Vec::len);
        pages += 1;
        offset = page["Paging"]["NextOffset"].as_u64();
    }
    println!(
        "{accounts} accounts in {pages} pages in {:.1} ms",
        started.elapsed().as_secs_f64() * 1e3
    );
    Ok(())
}

#[tokio::main]
async fn main() {
    let page_size = std::env::args()
        .nth(1)
        .map_or(Ok(100), |n| n.parse::<u64>());
    let outcome = match page_size {
        Ok(size) if size > 0 => run(size).await.map_err(|e| e.to_string()),
        _ => Err("the page size is a whole number above 0".to_owned()),
    };
    if let Err(e) = outcome {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
