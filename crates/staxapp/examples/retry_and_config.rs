//! Builds configurations by hand: retry settings, two installations in one process, and a
//! dry run that shows the request a call would send without sending it.
//!
//! ```text
//! cargo run -p stax-emulator -- --faults status=502:0.3,throttle:0.1 --fault-seed 7
//! export STAX_ENDPOINT=http://127.0.0.1:PORT AWS_ENDPOINT_URL=http://127.0.0.1:PORT
//! export STAX_ACCESS_KEY=... STAX_SECRET_KEY=...
//! cargo run -p staxapp --example retry_and_config
//! ```

use std::time::Duration;

use staxapp::{Config, StaxClient, args};

async fn run() -> staxapp::Result<()> {
    // `Config::builder()` starts from the environment (STAX_REGION, STAX_ENDPOINT, the keys,
    // AWS_ENDPOINT_URL, ...); each setter changes one value and keeps the others.
    let base = Config::builder().build()?;
    // Derive a variant: configs are immutable values.
    let patient = base
        .to_builder()
        .api_max_attempts(8) // retries after the first request, as staxapp's max_attempts
        .api_backoff_factor(0.2)
        .api_max_backoff(Duration::from_secs(2))
        .auth_max_attempts(3)
        .token_expiry_threshold(Duration::from_secs(300))
        .timeout(Duration::from_secs(20))
        .build()?;
    println!("retry policy: {:?}", patient.api_retry());
    println!(
        "delays before retries 1 to 4: {:?}",
        (1..=4)
            .map(|n| patient.api_retry().backoff(n))
            .collect::<Vec<_>>()
    );

    // A second installation in the same process, configured by hand, ignoring the environment.
    let other = Config::builder_without_env().region("eu1").build()?;
    println!("another installation: {}", other.base_url());

    let client = StaxClient::new(patient)?;
    // A dry run: routed and validated, nothing sent, no credentials needed.
    let prepared = client
        .prepare(
            "accounts",
            "ReadAccounts",
            args! {"filter" => "ACTIVE", "include_tags" => true},
        )
        .await?;
    println!("would send: {} {}", prepared.method(), prepared.url());

    // The real call: 429 and 5xx answers are retried for GET with backoff and jitter.
    let accounts: serde_json::Value = client.send(&prepared).await?.json()?;
    println!(
        "{} accounts",
        accounts["Accounts"].as_array().map_or(0, Vec::len)
    );
    Ok(())
}

#[tokio::main]
async fn main() {
    if let Err(e) = run().await {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
