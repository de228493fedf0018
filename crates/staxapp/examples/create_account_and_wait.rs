//! Creates an account and waits for its task to finish, printing progress.
//!
//! ```text
//! cargo run -p stax-emulator -- --task-delay-ms 2000
//! export STAX_ENDPOINT=http://127.0.0.1:PORT AWS_ENDPOINT_URL=http://127.0.0.1:PORT
//! export STAX_ACCESS_KEY=... STAX_SECRET_KEY=...
//! cargo run -p staxapp --example create_account_and_wait -- my-new-account development
//! ```
//!
//! The second argument is the account type's name or id (see `accounts ReadAccountTypes`).

use std::time::Duration;

use staxapp::tasks::WaitOptions;
use staxapp::{StaxClient, TaskError, args};

async fn run(name: &str, account_type: &str) -> staxapp::Result<()> {
    let client = StaxClient::from_env()?;
    // The body is validated against the document's accounts.CreateAccount schema before
    // anything is sent.
    let created = client
        .call(
            "accounts",
            "CreateAccount",
            args! {"Name" => name, "AccountType" => account_type},
        )
        .await?;
    println!(
        "{}",
        serde_json::to_string_pretty(&created).unwrap_or_default()
    );

    let options = WaitOptions::new()
        .timeout(Duration::from_secs(30 * 60))
        .initial_interval(Duration::from_millis(500))
        .on_progress(|p| eprintln!("task {}: {} ({:.0?})", p.task_id, p.status, p.elapsed));
    match client.wait_for_response(&created, options).await {
        Ok(task) => {
            println!("done: {}", task["Accounts"]);
            Ok(())
        }
        Err(staxapp::Error::Task(e)) if matches!(*e, TaskError::Failed { .. }) => {
            eprintln!("the task failed: {e}");
            std::process::exit(1);
        }
        Err(e) => Err(e),
    }
}

#[tokio::main]
async fn main() {
    let mut argv = std::env::args().skip(1);
    let (Some(name), Some(account_type)) = (argv.next(), argv.next()) else {
        eprintln!("usage: create_account_and_wait <name> <account type>");
        std::process::exit(2);
    };
    if let Err(e) = run(&name, &account_type).await {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
