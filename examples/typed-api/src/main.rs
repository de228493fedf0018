//! Reads the accounts, creates an account type and an account of that type, and waits for
//! the account's task: through the typed API generated from the installation's documents.
//!
//! Configured from the environment as any staxapp program (`STAX_REGION` or
//! `STAX_ENDPOINT`, `STAX_ACCESS_KEY`, `STAX_SECRET_KEY`).

use std::time::Duration;

use staxapp::tasks::WaitOptions;

mod stax {
    include!(concat!(env!("OUT_DIR"), "/stax.rs"));
}

#[cfg(feature = "misspelt")]
mod misspelt;

#[tokio::main]
async fn main() -> staxapp::Result<()> {
    let client = stax::Client::new(staxapp::StaxClient::from_env()?);

    let active = client
        .accounts()
        .read_accounts()
        .filter("ACTIVE")
        .send()
        .await?;
    for account in &active.accounts {
        println!("account {} {:?}", account.name, account.status);
    }

    let created = client
        .accounts()
        .create_account_type()
        .name("typed-example")
        .send()
        .await?;
    let account_type = created.detail.account_type;
    println!(
        "account type {} {}",
        account_type.name, created.detail.operation_status
    );

    let account = client
        .accounts()
        .create_account()
        .name("typed-example-1")
        .account_type(account_type.id)
        .send()
        .await?;
    let options = WaitOptions::new().timeout(Duration::from_secs(60));
    let task = account.wait(&client, options).await?;
    println!("task {}", task.status);
    Ok(())
}
