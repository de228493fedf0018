//! The listener: one port (optionally TLS) for the Stax API, Cognito and the admin routes.

use std::collections::HashMap;
use std::convert::Infallible;
use std::future::Future;
use std::net::{SocketAddr, TcpListener};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Json;
use axum::Router;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use serde_json::Value;

use crate::app::{AppState, Installation, aws_region_of};
use crate::document::Document;
use crate::faults::{DropConnection, FaultSpec, Faults};
use crate::jwt::JwtKeys;
use crate::resources::{
    accounts, organisations as orgs, policies, public, tasks as task_routes, teams, users,
    workloads as wl,
};
use crate::sigv4::{self, Rejection};
use crate::stats::Stats;
use crate::store::{Store, StoreError};
use crate::{EmulatorError, EmulatorOptions, RunningEmulator, seed, tasks, util};

/// The running server task and its handle.
pub(crate) struct ServerHandle {
    handle: axum_server::Handle<SocketAddr>,
    task: tokio::task::JoinHandle<()>,
    ca_file: Option<std::path::PathBuf>,
}

impl ServerHandle {
    /// Graceful stop: no new connections, in-flight requests finish (10 s at most).
    pub async fn shutdown(mut self) {
        self.handle.graceful_shutdown(Some(Duration::from_secs(10)));
        if let Err(err) = (&mut self.task).await {
            tracing::warn!(error = %err, "server task ended abnormally");
        }
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        self.handle.shutdown();
        if let Some(path) = self.ca_file.take() {
            let _ = std::fs::remove_file(path);
        }
    }
}

fn random_pool_suffix() -> String {
    util::random_from(
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
        9,
    )
}

/// Loads the installation's ids from the database, or makes and stores them.
fn installation(
    store: &Store,
    installation: &str,
    aws_region: &str,
) -> Result<Installation, StoreError> {
    store.write(|db| {
        let get = |key: &str, make: &dyn Fn() -> String| -> Result<String, StoreError> {
            if let Some(v) = db.meta(key)? {
                return Ok(v);
            }
            let v = make();
            db.set_meta(key, &v)?;
            Ok(v)
        };
        let user_pool_id = get("user_pool_id", &|| {
            format!("{aws_region}_{}", random_pool_suffix())
        })?;
        let client_id = get("client_id", &|| {
            util::random_from(b"abcdefghijklmnopqrstuvwxyz0123456789", 26)
        })?;
        let identity_pool_id = get("identity_pool_id", &|| {
            format!("{aws_region}:{}", util::uuid())
        })?;
        let organisation_id = get("organisation_id", &util::uuid)?;
        Ok(Installation {
            installation: installation.to_owned(),
            aws_region: aws_region.to_owned(),
            user_pool_id,
            client_id,
            identity_pool_id,
            organisation_id,
        })
    })
}

fn db_error(err: impl std::fmt::Display) -> EmulatorError {
    EmulatorError::Database(err.to_string())
}

/// Writes a self-signed certificate for 127.0.0.1 and localhost; returns (cert PEM, key PEM).
fn self_signed() -> Result<(String, String), EmulatorError> {
    let names = vec!["localhost".to_owned(), "127.0.0.1".to_owned()];
    let certified =
        rcgen::generate_simple_self_signed(names).map_err(|e| EmulatorError::Tls(e.to_string()))?;
    Ok((certified.cert.pem(), certified.signing_key.serialize_pem()))
}

pub(crate) async fn start(opts: EmulatorOptions) -> Result<RunningEmulator, EmulatorError> {
    let aws_region = aws_region_of(&opts.region).ok_or_else(|| {
        EmulatorError::Config(format!(
            "unknown region '{}': use au1, us1 or eu1",
            opts.region
        ))
    })?;
    let faults = match opts
        .faults
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(spec) => Some(Faults::new(
            spec.parse::<FaultSpec>().map_err(EmulatorError::Config)?,
            opts.fault_seed,
        )),
        None => None,
    };
    let (document, generic) = match &opts.openapi {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| EmulatorError::Document(format!("{}: {e}", path.display())))?;
            let json: Value = serde_json::from_str(&text)
                .map_err(|e| EmulatorError::Document(format!("{}: {e}", path.display())))?;
            if !json.get("paths").is_some_and(Value::is_object) {
                return Err(EmulatorError::Document(format!(
                    "{}: not an OpenAPI document (no paths)",
                    path.display()
                )));
            }
            let api = crate::generic::Api::new(&json);
            tracing::info!(
                operations = api.operation_count(),
                "answering the document's operations"
            );
            (Document::external(json), Some(api))
        }
        None => (Document::own(), None),
    };

    let store = Store::open(opts.db.as_deref()).map_err(db_error)?;
    let install = installation(&store, &opts.region, aws_region).map_err(db_error)?;
    let stored_key = store.read(|db| db.meta("jwt_key")).map_err(db_error)?;
    let (jwt, key_pem) =
        JwtKeys::load_or_generate(stored_key.as_deref()).map_err(EmulatorError::Database)?;
    let (access_key, secret_key) = store
        .write(|db| {
            if stored_key.is_none() {
                db.set_meta("jwt_key", &key_pem)?;
            }
            if let (Some(a), Some(s)) = (db.meta("ready_access_key")?, db.meta("ready_secret_key")?)
            {
                return Ok::<_, StoreError>((a, s));
            }
            let (a, s) = seed::seed(db, &install, opts.seed)?;
            db.set_meta("ready_access_key", &a)?;
            db.set_meta("ready_secret_key", &s)?;
            Ok((a, s))
        })
        .map_err(db_error)?;

    let listener = TcpListener::bind(opts.listen).map_err(|source| EmulatorError::Bind {
        addr: opts.listen,
        source,
    })?;
    listener
        .set_nonblocking(true)
        .map_err(|source| EmulatorError::Bind {
            addr: opts.listen,
            source,
        })?;
    let local = listener
        .local_addr()
        .map_err(|source| EmulatorError::Bind {
            addr: opts.listen,
            source,
        })?;
    let scheme = if opts.tls { "https" } else { "http" };
    let endpoint = format!("{scheme}://{local}");

    let state = Arc::new(AppState {
        install,
        endpoint: endpoint.clone(),
        store,
        jwt,
        stats: Stats::default(),
        faults,
        document,
        generic,
        task_delay: opts.task_delay,
        credential_ttl: opts.credential_ttl,
        challenges: Mutex::new(HashMap::new()),
    });
    let app = DroppingService(router(state.clone()));
    let make = MakeShared(app);
    let handle = axum_server::Handle::new();

    let (task, ca_file) = if opts.tls {
        let (cert_pem, key_pem) = self_signed()?;
        let ca_path = std::env::temp_dir().join(format!(
            "stax-emulator-{}-{}.pem",
            local.port(),
            util::random_alnum(8)
        ));
        std::fs::write(&ca_path, &cert_pem)
            .map_err(|e| EmulatorError::Tls(format!("{}: {e}", ca_path.display())))?;
        let config = axum_server::tls_rustls::RustlsConfig::from_pem(
            cert_pem.into_bytes(),
            key_pem.into_bytes(),
        )
        .await
        .map_err(|e| EmulatorError::Tls(e.to_string()))?;
        let server = axum_server::tls_rustls::from_tcp_rustls(listener, config)
            .map_err(|source| EmulatorError::Bind {
                addr: opts.listen,
                source,
            })?
            .handle(handle.clone());
        let task = tokio::spawn(async move {
            if let Err(err) = server.serve(make).await {
                tracing::error!(error = %err, "server failed");
            }
        });
        (task, Some(ca_path))
    } else {
        let server = axum_server::from_tcp(listener)
            .map_err(|source| EmulatorError::Bind {
                addr: opts.listen,
                source,
            })?
            .handle(handle.clone());
        let task = tokio::spawn(async move {
            if let Err(err) = server.serve(make).await {
                tracing::error!(error = %err, "server failed");
            }
        });
        (task, None)
    };
    // Wait until the accept loop runs, so the ready line is true when printed.
    handle.listening().await;

    Ok(RunningEmulator {
        endpoint,
        access_key,
        secret_key,
        ca_cert: ca_file.clone(),
        state,
        server: ServerHandle {
            handle,
            task,
            ca_file,
        },
    })
}

fn router(state: Arc<AppState>) -> Router {
    let protected = Router::new()
        .route(
            "/20190206/accounts",
            get(accounts::read_accounts).post(accounts::create_account),
        )
        .route(
            "/20190206/accounts/{account_id}",
            get(accounts::read_account).put(accounts::update_account),
        )
        .route("/20190206/accounts/close", post(accounts::close_account))
        .route(
            "/20190206/accounts/types",
            get(accounts::read_account_types).post(accounts::create_account_type),
        )
        .route(
            "/20190206/accounts/types/{account_type_id}",
            get(accounts::read_account_type)
                .put(accounts::update_account_type)
                .delete(accounts::delete_account_type),
        )
        .route(
            "/20190206/accounts/types/access",
            put(accounts::update_account_type_access),
        )
        .route(
            "/20190206/account-types/members",
            put(accounts::update_account_type_members),
        )
        .route(
            "/20190206/api-tokens",
            get(teams::read_api_tokens).post(teams::create_api_token),
        )
        .route(
            "/20190206/api-tokens/{access_key}",
            get(teams::read_api_token)
                .put(teams::update_api_token)
                .delete(teams::delete_api_token),
        )
        .route("/20190206/organisations", get(orgs::read_organisations))
        .route(
            "/20190206/organisations/current",
            get(orgs::read_organisation),
        )
        .route(
            "/20190206/organisations/current/features",
            get(orgs::read_features),
        )
        .route(
            "/20190206/organisations/organisational-units",
            get(orgs::read_ous).post(orgs::create_ou),
        )
        .route(
            "/20190206/organisations/organisational-units/{organisational_unit_id}",
            get(orgs::read_ou)
                .put(orgs::update_ou)
                .delete(orgs::delete_ou),
        )
        .route(
            "/20190206/organisations/organisational-units/{organisational_unit_id}/accounts",
            get(orgs::read_ou_accounts),
        )
        .route(
            "/20190206/organisations/organisational-units/{organisational_unit_id}/policies",
            get(policies::read_ou_attachments),
        )
        .route(
            "/20190206/accounts/{account_id}/policies",
            get(policies::read_account_attachments),
        )
        .route(
            "/20190206/policies",
            get(policies::read_policies).post(policies::create_policy),
        )
        .route(
            "/20190206/policies/{policy_id}",
            get(policies::read_policy)
                .put(policies::update_policy)
                .delete(policies::delete_policy),
        )
        .route(
            "/20190206/policies/{policy_id}/attachments",
            get(policies::read_policy_attachments).post(policies::attach_policy),
        )
        .route(
            "/20190206/policies/attachments/{policy_attachment_id}",
            axum::routing::delete(policies::detach_policy),
        )
        .route(
            "/20190206/policies/organisation/{policy_id}",
            put(policies::attach_to_organisation).delete(policies::detach_from_organisation),
        )
        .route("/20190206/users", get(users::read_users))
        .route("/20190206/users/me", get(users::fetch_current_user))
        .route(
            "/20190206/users/{user_id}",
            get(users::read_user).delete(users::delete_user),
        )
        .route("/20190206/idam/user", post(users::create_user))
        .route("/20190206/idam/user/{user_id}", put(users::update_user))
        .route(
            "/20190206/idam/user/resend-invite/{user_id}",
            put(users::resend_invite),
        )
        .route(
            "/20190206/idam/user/reset-password/{user_id}",
            put(users::reset_password),
        )
        .route(
            "/20190206/groups",
            get(users::read_groups).post(users::create_group),
        )
        .route("/20190206/groups/members", put(users::update_group_members))
        .route(
            "/20190206/groups/{group_id}",
            get(users::read_group)
                .put(users::update_group)
                .delete(users::delete_group),
        )
        .route(
            "/20190206/workload-catalogue",
            get(wl::read_catalogue_items).post(wl::create_catalogue_item),
        )
        .route(
            "/20190206/workload-catalogue/manifest/{version_id}",
            get(wl::read_manifest),
        )
        .route(
            "/20190206/workload-catalogue/template/{version_id}/{name}",
            get(wl::read_template),
        )
        .route(
            "/20190206/workload-catalogue/{catalogue_id}",
            get(wl::read_catalogue_item)
                .put(wl::create_catalogue_version)
                .delete(wl::delete_catalogue_item),
        )
        .route(
            "/20190206/workload-catalogue/{catalogue_id}/{version_id}",
            get(wl::read_catalogue_version).delete(wl::delete_catalogue_version),
        )
        .route(
            "/20190206/workloads",
            get(wl::read_workloads).post(wl::create_workload),
        )
        .route(
            "/20190206/workloads/{workload_id}",
            get(wl::read_workload)
                .put(wl::update_workload)
                .delete(wl::delete_workload),
        )
        .route("/20190206/task/{task_id}", get(task_routes::read_task))
        .route_layer(from_fn_with_state(state.clone(), sigv4::gate))
        .route_layer(from_fn_with_state(state.clone(), crate::generic::divert));
    Router::new()
        .route("/", post(crate::cognito::handle))
        .route("/_emulator/stats", get(read_stats))
        .route("/_emulator/reset-stats", post(reset_stats))
        .route("/_emulator/expire-credentials", post(expire_credentials))
        .route(
            "/_emulator/workload-manifests/{version_id}",
            get(crate::resources::workloads::manifest_text),
        )
        .route("/{pool_id}/.well-known/jwks.json", get(jwks))
        .route("/20190206/public/config", get(public::read_config))
        .route("/20190206/public/oas3-document", get(public::read_document))
        .merge(protected)
        .fallback(fallback)
        .method_not_allowed_fallback(fallback)
        .layer(from_fn_with_state(state.clone(), crate::faults::inject))
        .layer(from_fn_with_state(state.clone(), housekeeping))
        .with_state(state)
}

/// Counts requests and ends due tasks before anything else runs.
async fn housekeeping(State(state): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    state.stats.request();
    if let Err(err) = tasks::advance(&state) {
        tracing::error!(error = %err, "advancing tasks failed");
    }
    next.run(req).await
}

/// API Gateway answers unknown resources and methods with a 403; with `--openapi`, the
/// document's other operations are answered generically.
async fn fallback(State(state): State<Arc<AppState>>, req: Request) -> Response {
    if req.uri().path().starts_with("/20190206/") {
        if state.generic.is_some() {
            return crate::generic::serve(state, req).await;
        }
        state.stats.rejected_signature();
        return Rejection::Missing.response();
    }
    (
        StatusCode::NOT_FOUND,
        Json(serde_json::json!({"message": "Not Found"})),
    )
        .into_response()
}

async fn read_stats(State(state): State<Arc<AppState>>) -> Json<Value> {
    Json(state.stats.snapshot())
}

async fn reset_stats(State(state): State<Arc<AppState>>) -> Json<Value> {
    state.stats.reset();
    Json(state.stats.snapshot())
}

/// `POST /_emulator/expire-credentials`: every temporary credential issued so far expires
/// now (API calls signed with them get API Gateway's "security token ... expired").
async fn expire_credentials(State(state): State<Arc<AppState>>) -> Response {
    match crate::cognito::expire_credentials(&state) {
        Ok(n) => Json(serde_json::json!({ "expired": n })).into_response(),
        Err(err) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            Json(serde_json::json!({ "message": err.to_string() })),
        )
            .into_response(),
    }
}

async fn jwks(
    State(state): State<Arc<AppState>>,
    axum::extract::Path(pool_id): axum::extract::Path<String>,
) -> Response {
    if pool_id == state.install.user_pool_id {
        Json(state.jwt.jwks().clone()).into_response()
    } else {
        (
            StatusCode::NOT_FOUND,
            Json(serde_json::json!({"message": "Not Found"})),
        )
            .into_response()
    }
}

/// The connection was closed on purpose (the `drop` fault).
#[derive(Debug)]
struct ConnectionDropped;

impl std::fmt::Display for ConnectionDropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by fault injection")
    }
}

impl std::error::Error for ConnectionDropped {}

/// The router, except that a response marked [`DropConnection`] becomes an error, which makes
/// hyper close the connection without answering.
#[derive(Clone)]
struct DroppingService(Router);

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

impl<B> tower_service::Service<axum::http::Request<B>> for DroppingService
where
    Router: tower_service::Service<axum::http::Request<B>, Response = Response, Error = Infallible>,
    <Router as tower_service::Service<axum::http::Request<B>>>::Future: Send + 'static,
{
    type Response = Response;
    type Error = ConnectionDropped;
    type Future = BoxFuture<Result<Response, ConnectionDropped>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: axum::http::Request<B>) -> Self::Future {
        let future = tower_service::Service::call(&mut self.0, req);
        Box::pin(async move {
            let response = match future.await {
                Ok(response) => response,
                Err(never) => match never {},
            };
            if response.extensions().get::<DropConnection>().is_some() {
                Err(ConnectionDropped)
            } else {
                Ok(response)
            }
        })
    }
}

/// Hands every connection a clone of the service.
#[derive(Clone)]
struct MakeShared(DroppingService);

impl<T> tower_service::Service<T> for MakeShared {
    type Response = DroppingService;
    type Error = Infallible;
    type Future = std::future::Ready<Result<DroppingService, Infallible>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _target: T) -> Self::Future {
        std::future::ready(Ok(self.0.clone()))
    }
}
