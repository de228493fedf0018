//! The whole router: Cognito at `/`, the served documents (with `ETag` and `Last-Modified`),
//! the admin routes under `/_emulator/`, and every other path to the Stax APIs' request path
//! ([`super::api`]); fault injection, the request counter and the request id in front of all.

use std::sync::Arc;
use std::time::SystemTime;

use axum::Json;
use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use serde_json::Value;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use time::macros::format_description;

use super::api::{self, Api};
use crate::areas::Context;
use crate::cognito::Cognito;
use crate::gate::faults::{FaultGate, inject};
use crate::protocol::{ApiError, gateway_error};
use crate::stats::Stats;

/// The served document, with its validators for conditional requests.
pub(crate) struct Served {
    pub text: String,
    /// A strong validator: a hash of the text, in quotes.
    pub etag: String,
    /// When this process started serving it (HTTP date).
    pub last_modified: String,
    modified_at: OffsetDateTime,
}

const HTTP_DATE: &[time::format_description::BorrowedFormatItem<'static>] = format_description!(
    "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
);

impl Served {
    pub fn new(text: String, at: SystemTime) -> Served {
        let digest = Sha256::digest(text.as_bytes());
        let etag = format!(
            "\"{}\"",
            digest[..12]
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        );
        let seconds = at
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        let modified_at =
            OffsetDateTime::from_unix_timestamp(seconds).unwrap_or(OffsetDateTime::UNIX_EPOCH);
        let last_modified = modified_at.format(HTTP_DATE).unwrap_or_default();
        Served {
            text,
            etag,
            last_modified,
            modified_at,
        }
    }

    /// Whether the client's copy is current: `If-None-Match` names this document's `ETag`
    /// (or `*`), or, without `If-None-Match`, `If-Modified-Since` is not before
    /// `Last-Modified`.
    pub fn not_modified(&self, headers: &HeaderMap) -> bool {
        let text = |name: header::HeaderName| {
            headers
                .get_all(name)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .collect::<Vec<_>>()
                .join(",")
        };
        if headers.contains_key(header::IF_NONE_MATCH) {
            let ours = self.etag.as_str();
            return text(header::IF_NONE_MATCH)
                .split(',')
                .map(|tag| tag.trim().trim_start_matches("W/"))
                .any(|tag| tag == "*" || tag == ours);
        }
        let since = text(header::IF_MODIFIED_SINCE);
        time::PrimitiveDateTime::parse(since.trim(), HTTP_DATE)
            .is_ok_and(|at| at.assume_utc() >= self.modified_at)
    }
}

/// Everything the router serves.
pub(crate) struct Handlers {
    pub api: Arc<Api>,
    pub cognito: Arc<Cognito>,
    /// The served documents by API version.
    pub served: Vec<(String, Arc<Served>)>,
    pub stats: Arc<Stats>,
    pub faults: Option<Arc<FaultGate>>,
}

/// The whole router.
pub(crate) fn router(handlers: Handlers) -> Router {
    let Handlers {
        api,
        cognito,
        served,
        stats,
        faults,
    } = handlers;
    let admin = Router::new()
        .route("/_emulator/stats", get(read_stats))
        .route("/_emulator/reset-stats", post(reset_stats))
        .with_state(stats.clone());
    let manifests = Router::new()
        .route(
            "/_emulator/workload-manifests/{version_id}",
            get(manifest_text),
        )
        .with_state(api.ctx.clone());
    let mut router = Router::new()
        .route("/", any(crate::cognito::handle).with_state(cognito.clone()))
        .route(
            "/{pool_id}/.well-known/jwks.json",
            get(jwks).with_state(cognito.clone()),
        )
        .route(
            "/_emulator/expire-credentials",
            post(expire_credentials).with_state(cognito),
        )
        .merge(admin)
        .merge(manifests)
        .merge(document_routes(served, &stats))
        .fallback_service(api::router(api));
    if let Some(faults) = faults {
        router = router.layer(from_fn_with_state(faults, inject));
    }
    router
        .layer(from_fn_with_state(stats, count))
        .layer(axum::middleware::from_fn(request_id))
}

/// Every answer names itself as API Gateway's and Cognito's do: `x-amzn-RequestId`, a fresh
/// UUID (clients quote it to support; the SDK keeps it on its errors).
async fn request_id(req: Request, next: Next) -> Response {
    let mut response = next.run(req).await;
    if let Ok(value) = HeaderValue::from_str(&uuid::Uuid::new_v4().to_string()) {
        response
            .headers_mut()
            .entry("x-amzn-requestid")
            .or_insert(value);
    }
    response
}

/// Each served document where its API serves it: `/20190206/public/oas3-document`,
/// `/20210321/public/api-document`.
fn document_routes<S>(served: Vec<(String, Arc<Served>)>, stats: &Arc<Stats>) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    served
        .into_iter()
        .fold(Router::new(), |router, (version, document)| {
            let path = crate::protocol::api_version(&version).document_path;
            router.route(
                &format!("/{version}{path}"),
                get(read_document).with_state((document, stats.clone())),
            )
        })
}

/// Counts every request.
async fn count(State(stats): State<Arc<Stats>>, req: Request, next: Next) -> Response {
    stats.request(
        req.headers()
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok()),
    );
    next.run(req).await
}

/// `GET /<version>/public/oas3-document` (or `api-document`): the document, or `304` when the
/// client's copy is current.
async fn read_document(
    State((served, stats)): State<(Arc<Served>, Arc<Stats>)>,
    headers: HeaderMap,
) -> Response {
    let not_modified = served.not_modified(&headers);
    stats.document(not_modified);
    let mut response = if not_modified {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut response = Body::from(served.text.clone()).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        response
    };
    let headers = response.headers_mut();
    if let Ok(etag) = HeaderValue::from_str(&served.etag) {
        headers.insert(header::ETAG, etag);
    }
    if let Ok(modified) = HeaderValue::from_str(&served.last_modified) {
        headers.insert(header::LAST_MODIFIED, modified);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

async fn read_stats(State(stats): State<Arc<Stats>>) -> Json<Value> {
    Json(stats.snapshot())
}

async fn reset_stats(State(stats): State<Arc<Stats>>) -> Json<Value> {
    stats.reset();
    Json(stats.snapshot())
}

/// `POST /_emulator/expire-credentials`: every temporary credential issued so far expires
/// now (API calls signed with them get API Gateway's "security token ... expired").
async fn expire_credentials(State(cognito): State<Arc<Cognito>>) -> Response {
    match crate::cognito::expire_credentials(&cognito.store) {
        Ok(n) => Json(serde_json::json!({ "expired": n })).into_response(),
        Err(err) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            Json(serde_json::json!({ "message": err.to_string() })),
        )
            .into_response(),
    }
}

/// The last segment of a path that `template` matched, percent-decoded.
fn path_param(req: &Request, index_from_end: usize) -> String {
    let path = req.uri().path();
    let raw = path.rsplit('/').nth(index_from_end).unwrap_or("");
    percent_encoding::percent_decode_str(raw)
        .decode_utf8_lossy()
        .into_owned()
}

/// `GET /_emulator/workload-manifests/{version_id}`: a manifest's text.
async fn manifest_text(State(ctx): State<Arc<Context>>, req: Request) -> Response {
    let version_id = path_param(&req, 0);
    let found = tokio::task::spawn_blocking(move || {
        crate::areas::workloads::manifest_text(&ctx, &version_id)
    })
    .await;
    match found {
        Ok(Ok(text)) => ([("content-type", "text/yaml")], text).into_response(),
        Ok(Err(err)) => err.into_response(),
        Err(_) => ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error")
            .into_response(),
    }
}

/// `GET /{pool_id}/.well-known/jwks.json`: the user pool's public keys.
async fn jwks(State(cognito): State<Arc<Cognito>>, req: Request) -> Response {
    let pool_id = path_param(&req, 2);
    if pool_id == cognito.install.user_pool_id {
        Json(cognito.jwt.jwks().clone()).into_response()
    } else {
        gateway_error(StatusCode::NOT_FOUND, None, "Not Found")
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn conditional_requests_match_the_etag_or_the_date() {
        let served = Served::new("{}".into(), SystemTime::UNIX_EPOCH + Duration::from_secs(1));
        assert_eq!(served.last_modified, "Thu, 01 Jan 1970 00:00:01 GMT");
        let mut headers = HeaderMap::new();
        assert!(!served.not_modified(&headers));
        headers.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_str(&format!("\"x\", W/{}", served.etag)).unwrap(),
        );
        assert!(served.not_modified(&headers));
        headers.insert(header::IF_NONE_MATCH, HeaderValue::from_static("\"x\""));
        assert!(!served.not_modified(&headers));
        let mut headers = HeaderMap::new();
        headers.insert(
            header::IF_MODIFIED_SINCE,
            HeaderValue::from_static("Thu, 01 Jan 1970 00:00:05 GMT"),
        );
        assert!(served.not_modified(&headers));
        headers.insert(
            header::IF_MODIFIED_SINCE,
            HeaderValue::from_static("Thu, 01 Jan 1970 00:00:00 GMT"),
        );
        assert!(!served.not_modified(&headers));
    }
}
