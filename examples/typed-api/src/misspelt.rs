//! Built only with `--features misspelt`: a setter spelt wrong does not compile.

#[allow(dead_code)]
async fn misspelt(client: &super::stax::Client) -> staxapp::Result<()> {
    client
        .accounts()
        .read_accounts()
        .filtr("ACTIVE")
        .send()
        .await?;
    Ok(())
}
