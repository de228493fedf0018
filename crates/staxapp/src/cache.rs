//! The on-disk cache of the live OpenAPI document (PARITY.md O1).
//!
//! One entry per API base URL, in `<cache_dir>/oas3-<hash of the base URL>.json`: the body, its
//! `ETag` / `Last-Modified` and when it was fetched. An entry younger than the TTL is used
//! without any request; an older one is revalidated (`If-None-Match` / `If-Modified-Since`,
//! 304 keeps it). A corrupt entry is ignored and replaced. Writes go to a temporary file that
//! is renamed over the entry, so readers never see half a file.
//!
//! The decisions are pure functions of the entry and the time ([`CacheEntry::is_fresh`],
//! [`CacheEntry::revalidation_headers`]); only [`DocumentCache::load`] and
//! [`DocumentCache::store`] touch the disk.
//!
//! ```
//! use std::time::{Duration, SystemTime};
//! use staxapp::cache::{CacheEntry, DocumentCache};
//!
//! let dir = std::env::temp_dir().join(format!("staxapp-doc-{}", std::process::id()));
//! let cache = DocumentCache::new(&dir, "http://127.0.0.1:8080/20190206");
//! let entry = CacheEntry::new(b"{}".to_vec(), Some("\"v1\"".into()), None, SystemTime::now());
//! cache.store(&entry)?;
//! let loaded = cache.load().expect("just stored");
//! assert_eq!(loaded.body(), b"{}");
//! assert!(loaded.is_fresh(SystemTime::now(), Duration::from_secs(300)));
//! # std::fs::remove_dir_all(&dir).ok();
//! # Ok::<(), staxapp::Error>(())
//! ```

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// How long a cached document is used without asking the server.
pub const DEFAULT_TTL: Duration = Duration::from_secs(300);

/// A cached document with its validators.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheEntry {
    body: Vec<u8>,
    etag: Option<String>,
    last_modified: Option<String>,
    fetched_at: SystemTime,
}

impl CacheEntry {
    /// An entry for `body` fetched at `fetched_at`, with the response's validators.
    pub fn new(
        body: Vec<u8>,
        etag: Option<String>,
        last_modified: Option<String>,
        fetched_at: SystemTime,
    ) -> Self {
        CacheEntry {
            body,
            etag,
            last_modified,
            fetched_at,
        }
    }

    /// The document's bytes.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// When it was fetched or last revalidated.
    pub fn fetched_at(&self) -> SystemTime {
        self.fetched_at
    }

    /// True while the entry may be used without asking the server. An entry "from the
    /// future" (clock moved back) is not fresh.
    pub fn is_fresh(&self, now: SystemTime, ttl: Duration) -> bool {
        now.duration_since(self.fetched_at)
            .is_ok_and(|age| age < ttl)
    }

    /// The conditional request headers that revalidate this entry.
    pub fn revalidation_headers(&self) -> Vec<(&'static str, String)> {
        let mut headers = Vec::new();
        if let Some(etag) = &self.etag {
            headers.push(("If-None-Match", etag.clone()));
        }
        if let Some(modified) = &self.last_modified {
            headers.push(("If-Modified-Since", modified.clone()));
        }
        headers
    }

    /// The same entry, revalidated at `now` (after a 304).
    pub fn revalidated(mut self, now: SystemTime) -> Self {
        self.fetched_at = now;
        self
    }

    fn to_json(&self) -> Value {
        let fetched = self
            .fetched_at
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or_default();
        json!({
            "version": 1,
            "fetched_at": fetched.as_secs(),
            "fetched_at_nanos": fetched.subsec_nanos(),
            "etag": self.etag,
            "last_modified": self.last_modified,
            "sha256": hex(&Sha256::digest(&self.body)),
            "body": B64.encode(&self.body),
        })
    }

    fn from_json(value: &Value) -> Option<CacheEntry> {
        if value.get("version")?.as_u64()? != 1 {
            return None;
        }
        let body = B64.decode(value.get("body")?.as_str()?).ok()?;
        if value.get("sha256")?.as_str()? != hex(&Sha256::digest(&body)) {
            return None;
        }
        let seconds = value.get("fetched_at")?.as_u64()?;
        let nanos = value.get("fetched_at_nanos")?.as_u64()?;
        if seconds > 1 << 40 || nanos >= 1_000_000_000 {
            return None;
        }
        let text = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_owned);
        Some(CacheEntry {
            body,
            etag: text("etag"),
            last_modified: text("last_modified"),
            fetched_at: SystemTime::UNIX_EPOCH + Duration::new(seconds, nanos as u32),
        })
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The cache file of one API base URL.
#[derive(Debug, Clone)]
pub struct DocumentCache {
    path: PathBuf,
}

impl DocumentCache {
    /// The cache of `base_url`'s document under `dir`.
    pub fn new(dir: &Path, base_url: &str) -> Self {
        let key = hex(&Sha256::digest(base_url.trim_end_matches('/').as_bytes()));
        DocumentCache {
            path: dir.join(format!("oas3-{}.json", &key[..32])),
        }
    }

    /// The cache file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The stored entry; `None` when there is none or it is unreadable or corrupt.
    pub fn load(&self) -> Option<CacheEntry> {
        let bytes = match stax_input::read(&self.path, stax_input::Kind::DOCUMENT) {
            Ok(bytes) => bytes,
            Err(e) if e.is_not_found() => return None,
            Err(e) => {
                tracing::debug!(error = %e, "ignoring the document cache entry");
                return None;
            }
        };
        let value: Value = serde_json::from_slice(&bytes).ok()?;
        let entry = CacheEntry::from_json(&value);
        if entry.is_none() {
            tracing::debug!(path = %self.path.display(), "ignoring a corrupt document cache entry");
        }
        entry
    }

    /// Stores `entry`, atomically (temporary file + rename).
    pub fn store(&self, entry: &CacheEntry) -> Result<()> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        let io_error = |what: &str, e: std::io::Error| Error::Transport {
            message: format!(
                "could not {what} the document cache {}: {e}",
                self.path.display()
            ),
            source: None,
        };
        std::fs::create_dir_all(dir).map_err(|e| io_error("create the folder of", e))?;
        let tmp = dir.join(format!(
            ".{}.{}.{}.tmp",
            self.path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            std::process::id(),
            rand::random::<u32>()
        ));
        let bytes = serde_json::to_vec(&entry.to_json()).map_err(|e| Error::Transport {
            message: format!("could not encode the document cache entry: {e}"),
            source: None,
        })?;
        std::fs::write(&tmp, bytes).map_err(|e| io_error("write", e))?;
        std::fs::rename(&tmp, &self.path).map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            io_error("replace", e)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "staxapp-cache-test-{name}-{}-{}",
            std::process::id(),
            rand::random::<u32>()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn entries_round_trip_and_keys_differ_per_base_url() {
        let dir = temp_dir("roundtrip");
        let at = SystemTime::UNIX_EPOCH + Duration::from_millis(1_700_000_000_250);
        let a = DocumentCache::new(&dir, "http://127.0.0.1:1/20190206");
        let b = DocumentCache::new(&dir, "http://127.0.0.1:2/20190206");
        assert_ne!(a.path(), b.path());
        let entry = CacheEntry::new(
            b"{\"openapi\":\"3.0.0\"}".to_vec(),
            Some("W/\"abc\"".into()),
            Some("Tue, 14 Nov 2023 22:13:20 GMT".into()),
            at,
        );
        a.store(&entry).unwrap();
        assert_eq!(a.load(), Some(entry.clone()));
        assert_eq!(b.load(), None);
        assert_eq!(
            entry.revalidation_headers(),
            vec![
                ("If-None-Match", "W/\"abc\"".to_owned()),
                (
                    "If-Modified-Since",
                    "Tue, 14 Nov 2023 22:13:20 GMT".to_owned()
                )
            ]
        );
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn corrupt_entries_are_ignored() {
        let dir = temp_dir("corrupt");
        let cache = DocumentCache::new(&dir, "http://x/20190206");
        for junk in [
            &b"not json"[..],
            b"{\"version\":1}",
            b"{\"version\":1,\"body\":\"e30=\",\"sha256\":\"00\",\"fetched_at\":1}",
            b"{\"version\":2,\"body\":\"e30=\"}",
        ] {
            std::fs::write(cache.path(), junk).unwrap();
            assert_eq!(cache.load(), None);
        }
        // A good write replaces the junk.
        let entry = CacheEntry::new(b"{}".to_vec(), None, None, SystemTime::now());
        cache.store(&entry).unwrap();
        assert_eq!(cache.load(), Some(entry));
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn freshness_is_a_ttl_from_the_fetch() {
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000);
        let entry = CacheEntry::new(Vec::new(), None, None, at);
        let ttl = Duration::from_secs(300);
        assert!(entry.is_fresh(at + Duration::from_secs(299), ttl));
        assert!(!entry.is_fresh(at + Duration::from_secs(300), ttl));
        assert!(!entry.is_fresh(at - Duration::from_secs(1), ttl));
        let later = at + Duration::from_secs(1_000);
        assert!(entry.revalidated(later).is_fresh(later, ttl));
    }
}
