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

use staxapp::{ApiRetryConfig, Config, StaxClient, args};

async fn run() -> staxapp::Result<()> {
    // Start from the environment, then derive a variant: configs are immutable values.
    let base = Config::from_env()?;
    let patient = base
        .to_builder()
        .api_retry(ApiRetryConfig {
            max_attempts: 8,
            backoff_factor: 0.2,
            max_backoff: Duration::from_secs(2),
            ..ApiRetryConfig::default()
        })
        .timeout(Duration::from_secs(20))
        .build()?;
    println!("retry policy: {:?}", patient.api_retry());
    println!(
        "delays: {:?}",
        (1..=4)
            .map(|n| patient.api_retry().backoff(n))
            .collect::<Vec<_>>()
    );

    // A second installation in the same process, with its own settings and credentials.
    let other = Config::builder().region("eu1").build()?;
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
    println!(
        "would send: {} {}",
        prepared.method,
        client.url_of(&prepared)
    );

    // The real call: 429/500/502/504 are retried for GET with backoff and jitter.
    let accounts = client.send_prepared(&prepared).await?;
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
