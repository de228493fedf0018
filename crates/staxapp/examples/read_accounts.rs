//! Lists the organisation's accounts, page by page, with their status.
//!
//! Against the emulator (one port serves Stax and Cognito):
//!
//! ```text
//! cargo run -p stax-emulator            # first line: {"endpoint": ..., "access_key": ..., "secret_key": ...}
//! export STAX_ENDPOINT=http://127.0.0.1:PORT AWS_ENDPOINT_URL=http://127.0.0.1:PORT
//! export STAX_ACCESS_KEY=... STAX_SECRET_KEY=...
//! cargo run -p staxapp --example read_accounts
//! ```
//!
//! Against Stax itself set `STAX_REGION` (au1, us1, eu1) and the API token instead.

use futures::TryStreamExt;
use staxapp::{StaxClient, args};

async fn run() -> staxapp::Result<()> {
    let client = StaxClient::from_env()?;

    // One call, as the Python SDK does it.
    let active = client
        .call("accounts", "ReadAccounts", args! {"filter" => "ACTIVE"})
        .await?;
    let count = active["Accounts"].as_array().map_or(0, Vec::len);
    println!("{count} active accounts");

    // Every account, following Paging.NextOffset 10 at a time.
    let mut accounts = client.items("accounts", "ReadAccounts", args! {}, 10, Some("Accounts"));
    while let Some(account) = accounts.try_next().await? {
        println!(
            "{:<40} {:<12} {}",
            account["Name"].as_str().unwrap_or("?"),
            account["Status"].as_str().unwrap_or("?"),
            account["Id"].as_str().unwrap_or("?"),
        );
    }
    Ok(())
}

#[tokio::main]
async fn main() {
    if let Err(e) = run().await {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
