//! The SDK's on-disk document cache revalidates a stale entry through the emulator: the
//! served document carries an `ETag` (and `Last-Modified`), the SDK sends `If-None-Match`, and
//! the emulator answers `304 Not Modified` without the body (counted in its stats).

mod common;

use std::time::{Duration, SystemTime};

use common::{config, emulator, stat};
use stax_emulator::EmulatorOptions;
use staxapp::cache::{CacheEntry, DEFAULT_TTL, DocumentCache};
use staxapp::{StaxClient, args};

#[tokio::test]
async fn a_stale_cached_document_is_revalidated_with_304() {
    let emu = emulator(EmulatorOptions::default()).await;
    let config = config(&emu, "doc-revalidate");
    StaxClient::new(config.clone())
        .unwrap()
        .document()
        .await
        .unwrap();
    assert_eq!(stat(&emu, "/document/sent"), 1);

    let cache = DocumentCache::new(&config.cache_dir().unwrap(), config.base_url());
    let entry = cache.load().expect("the document is cached");
    let validators = entry.revalidation_headers();
    let value = |name: &str| {
        validators
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
    };
    let etag = value("If-None-Match").expect("the emulator sent an ETag");
    let modified = value("If-Modified-Since").expect("the emulator sent Last-Modified");
    // The entry grows older than the SDK's TTL.
    let long_ago = SystemTime::now() - DEFAULT_TTL - Duration::from_secs(60);
    cache
        .store(&CacheEntry::new(
            entry.body().to_vec(),
            Some(etag),
            Some(modified),
            long_ago,
        ))
        .unwrap();

    let client = StaxClient::new(config.clone()).unwrap();
    let accounts = client
        .call("accounts", "ReadAccounts", args! {})
        .await
        .unwrap();
    assert!(accounts["Accounts"].is_array(), "{accounts}");
    assert_eq!(stat(&emu, "/document/not_modified"), 1, "revalidated");
    assert_eq!(
        stat(&emu, "/document/sent"),
        1,
        "the body was not sent again"
    );
    let refreshed = cache.load().expect("still cached");
    assert_eq!(refreshed.body(), entry.body());
    assert!(
        refreshed.is_fresh(SystemTime::now(), DEFAULT_TTL),
        "a 304 makes the entry fresh again"
    );
    emu.shutdown().await;
}
