//! Where each API's OpenAPI document comes from: a file ([`SchemaSource::File`]), or live from
//! the API's own document operation through the on-disk cache ([`cache`](crate::cache)):
//! fresh for [`DEFAULT_TTL`], then revalidated with its `ETag` / `Last-Modified`, a stale copy
//! used when the server cannot be reached.
//!
//! A session loads each document once, when first needed; tools that
//! must not touch the network (shell completion) read the same sources without it
//! ([`offline`]).

use std::sync::Arc;
use std::time::SystemTime;

use http::Method;

use crate::apis::Api;
use crate::cache::{CacheEntry, DEFAULT_TTL, DocumentCache};
use crate::config::{Config, SchemaSource};
use crate::error::{ConfigError, Error, Result};
use crate::interceptor::RequestKind;
use crate::schema::Document;
use crate::send::{self, Link, Outgoing, Unsigned};
use crate::transport;

/// The documents of a session, one cell per API of its configuration.
pub(crate) struct Documents {
    cells: Vec<(Api, tokio::sync::OnceCell<Arc<Document>>)>,
}

impl Documents {
    /// Empty cells for the APIs of `config`.
    pub(crate) fn new(config: &Config) -> Documents {
        Documents {
            cells: config.apis().map(|api| (api, Default::default())).collect(),
        }
    }

    fn cell(&self, api: Api) -> &tokio::sync::OnceCell<Arc<Document>> {
        // An API the configuration does not have reads as the core API (the first cell).
        self.cells
            .iter()
            .find(|(a, _)| *a == api)
            .map_or(&self.cells[0].1, |(_, cell)| cell)
    }

    /// Uses `document` for `api` instead of loading one; false when one was already loaded.
    pub(crate) fn preset(&self, api: Api, document: Arc<Document>) -> bool {
        self.cell(api).set(document).is_ok()
    }

    /// Whether `api`'s document is loaded.
    pub(crate) fn loaded(&self, api: Api) -> bool {
        self.cell(api).initialized()
    }

    /// The document of `api`, loaded once (concurrent callers wait for the one load).
    pub(crate) async fn get(
        &self,
        api: Api,
        link: Link<'_>,
        config: &Config,
    ) -> Result<Arc<Document>> {
        self.cell(api)
            .get_or_try_init(|| async { load(api, link, config).await.map(Arc::new) })
            .await
            .cloned()
    }
}

/// The document of `api` without any network: its file, else the copy in the disk cache
/// (however old); `None` when neither can be read.
pub fn offline(config: &Config, api: Api) -> Option<Document> {
    let layout = api.layout();
    match config.schema_of(api) {
        SchemaSource::File(path) => Document::from_file_with(path, &layout).ok(),
        SchemaSource::Live => {
            let cache = DocumentCache::new(&config.cache_dir()?, config.base_url_of(api));
            Document::from_slice_with(cache.load()?.body(), &layout).ok()
        }
    }
}

/// Loads the document of `api` from its source.
async fn load(api: Api, link: Link<'_>, config: &Config) -> Result<Document> {
    match config.schema_of(api) {
        SchemaSource::File(path) => {
            Document::from_file_with(path, &api.layout()).map_err(|e| named_document(api, path, e))
        }
        SchemaSource::Live => load_live(api, link, config).await,
    }
}

/// A document the user named by path that cannot be read or is no document: a configuration
/// error (the setting is at fault, as for a CA bundle), where a live document the
/// installation serves stays a schema error.
fn named_document(api: Api, path: &std::path::Path, e: Error) -> Error {
    match e {
        Error::Schema(problem) => {
            let setting = if api == Api::CORE {
                format!("{} or --schema", api.schema_env())
            } else {
                api.schema_env().to_owned()
            };
            ConfigError::Document {
                setting,
                path: path.to_owned(),
                problem,
            }
            .into()
        }
        other => other,
    }
}

/// The live document of `api` through the on-disk cache (fresh for [`DEFAULT_TTL`], then
/// revalidated; a stale copy is used when the server cannot be reached).
async fn load_live(api: Api, link: Link<'_>, config: &Config) -> Result<Document> {
    let layout = api.layout();
    let parse = |bytes: &[u8]| Document::from_slice_with(bytes, &layout);
    let offline = format!(
        "set {} to a local OAS3 file to work offline",
        api.schema_env()
    );
    let base_url = config.base_url_of(api);
    let url = format!("{base_url}{}", api.document_path());
    let cache = config
        .cache_dir()
        .map(|dir| DocumentCache::new(&dir, base_url));
    let mut entry = cache.as_ref().and_then(DocumentCache::load);
    if let Some(e) = &entry
        && e.is_fresh(SystemTime::now(), DEFAULT_TTL)
    {
        match parse(e.body()) {
            Ok(doc) => return Ok(doc),
            Err(err) => {
                tracing::debug!(error = %err, "cached document unusable; fetching it again");
                entry = None;
            }
        }
    }
    let headers = entry
        .as_ref()
        .map(CacheEntry::revalidation_headers)
        .unwrap_or_default();
    let operation = format!("{}.GetAPIDocument", api.name());
    let fetched = send::send(
        link,
        &Outgoing {
            method: Method::GET,
            url: &url,
            headers,
            body: None,
            content_type: "application/json",
            operation: &operation,
            kind: RequestKind::Document(api),
            idempotent: true,
            classify_first: None,
        },
        &Unsigned,
    )
    .await;
    let (response, entry) = match (fetched, entry) {
        (Ok(r), entry) => (r, entry),
        (Err(e), Some(stale)) => {
            tracing::warn!(error = %e, "could not revalidate the cached document; using it as is");
            return parse(stale.body());
        }
        // The fix for an untrusted certificate is not a local document.
        (Err(e @ Error::Certificate { .. }), None) => return Err(e),
        (Err(e), None) => {
            return Err(Error::Schema(format!(
                "could not fetch {url}: {e}; {offline}"
            )));
        }
    };
    let now = SystemTime::now();
    let (entry, document) = match (response.status, entry) {
        (304, Some(cached)) => {
            let doc = parse(cached.body());
            (cached.revalidated(now), doc)
        }
        (200..=299, _) => {
            let header = |name: http::header::HeaderName| {
                response
                    .headers
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned)
            };
            let entry = CacheEntry::new(
                response.body.clone(),
                header(http::header::ETAG),
                header(http::header::LAST_MODIFIED),
                now,
            );
            let doc = parse(&response.body);
            (entry, doc)
        }
        (status, _) => {
            return Err(Error::Schema(format!(
                "GET {url} answered {status}: {}; {offline}",
                transport::preview(&response.body)
            )));
        }
    };
    let document = document?;
    if let Some(cache) = &cache
        && let Err(e) = cache.store(&entry)
    {
        tracing::debug!(error = %e, "could not write the document cache");
    }
    Ok(document)
}
