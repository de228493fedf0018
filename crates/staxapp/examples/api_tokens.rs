//! Lists the organisation's API tokens through a service handle, and shows how API errors
//! carry the server's words.
//!
//! ```text
//! cargo run -p stax-emulator
//! export STAX_ENDPOINT=http://127.0.0.1:PORT AWS_ENDPOINT_URL=http://127.0.0.1:PORT
//! export STAX_ACCESS_KEY=... STAX_SECRET_KEY=...
//! cargo run -p staxapp --example api_tokens
//! ```

use staxapp::{Error, StaxClient, args};

async fn run() -> staxapp::Result<()> {
    let client = StaxClient::from_env()?;
    let teams = client.service("teams");

    let tokens = teams.call("ReadApiTokens", args! {}).await?;
    for token in tokens["ApiTokens"].as_array().into_iter().flatten() {
        println!(
            "{:<24} {:<12} {}",
            token["Name"].as_str().unwrap_or("?"),
            token["Role"].as_str().unwrap_or("?"),
            token["AccessKey"].as_str().unwrap_or("?"),
        );
    }

    // One token by access key: the {access_key} path variant is chosen from the arguments.
    let me = client.config().access_key().unwrap_or_default().to_owned();
    match teams
        .call("ReadApiTokens", args! {"access_key" => me})
        .await
    {
        Ok(token) => println!("this token: {}", token["ApiTokens"][0]["Name"]),
        Err(Error::Api(e)) => eprintln!("Stax said {} ({}): {}", e.status, e.message, e.body),
        Err(e) => return Err(e),
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
