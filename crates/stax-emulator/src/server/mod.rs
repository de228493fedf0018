//! The listener: one port (optionally TLS) for the Stax API, Cognito and the admin routes,
//! with timeouts on every connection. The router ([`routes`]) sends the Stax APIs through one
//! request path ([`api`]: layers in front of one router, [`routing`], built once from the
//! areas' operation table and the `--openapi` documents' operations).

use std::convert::Infallible;
use std::future::Future;
use std::net::{SocketAddr, TcpListener};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll};
use std::time::{Duration, SystemTime};

use axum::Router;
use axum::response::Response;
use axum_server::accept::NoDelayAcceptor;
use serde_json::Value;

use crate::areas::Context;
use crate::cognito::Cognito;
use crate::cognito::jwt::JwtKeys;
use crate::document::Document;
use crate::error::EmulatorError;
use crate::gate::faults::{DropConnection, FaultGate, Faults};
use crate::gate::sigv4::Verifier;
use crate::install::Installation;
use crate::stats::Stats;
use crate::store::Store;
use crate::util;

mod api;
mod routes;
mod routing;
mod unparsed;

use api::Api;
use routes::{Handlers, Served};
use unparsed::UnparsedAsJsonAcceptor;

/// The running server task and its handle.
pub(crate) struct ServerHandle {
    handle: axum_server::Handle<SocketAddr>,
    task: tokio::task::JoinHandle<()>,
    ca_file: Option<std::path::PathBuf>,
}

impl ServerHandle {
    /// The PEM file of the self-signed certificate, when serving TLS.
    pub fn ca_file(&self) -> Option<&std::path::Path> {
        self.ca_file.as_deref()
    }

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

/// What the server is made of: everything the crate root prepared from the options and the
/// database.
pub(crate) struct Parts {
    pub listen: SocketAddr,
    pub tls: bool,
    pub install: Installation,
    pub store: Arc<Store>,
    pub jwt: JwtKeys,
    pub stats: Arc<Stats>,
    /// The documents to serve, by API version, and the generic answers of the `--openapi`
    /// ones.
    pub documents: Vec<(String, Value)>,
    pub generic: Vec<Arc<crate::generic::Operation>>,
    pub faults: Option<Faults>,
    pub task_delay: Duration,
    pub credential_ttl: Duration,
    pub read_timeout: Duration,
}

/// Writes a self-signed certificate for 127.0.0.1 and localhost; returns (cert PEM, key PEM).
fn self_signed() -> Result<(String, String), EmulatorError> {
    let names = vec!["localhost".to_owned(), "127.0.0.1".to_owned()];
    let certified =
        rcgen::generate_simple_self_signed(names).map_err(|e| EmulatorError::Tls(e.to_string()))?;
    Ok((certified.cert.pem(), certified.signing_key.serialize_pem()))
}

/// Timeouts on every connection: a request's headers must arrive within `read_timeout` (also
/// the longest a kept-alive connection waits for its next request, and the first request of
/// a new one); bodies are bounded by the routes themselves.
fn set_timeouts<A: axum_server::Address, Acc>(
    server: &mut axum_server::Server<A, Acc>,
    read_timeout: Duration,
) {
    let builder = server.http_builder();
    builder.http1().header_read_timeout(read_timeout);
    builder
        .http2()
        .keep_alive_interval(Some(read_timeout))
        .keep_alive_timeout(read_timeout);
}

/// Binds the listener and serves until stopped.
pub(crate) async fn start(parts: Parts) -> Result<(ServerHandle, String), EmulatorError> {
    let listener = TcpListener::bind(parts.listen).map_err(|source| EmulatorError::Bind {
        addr: parts.listen,
        source,
    })?;
    let bind_error = |source| EmulatorError::Bind {
        addr: parts.listen,
        source,
    };
    listener.set_nonblocking(true).map_err(bind_error)?;
    let local = listener.local_addr().map_err(bind_error)?;
    let scheme = if parts.tls { "https" } else { "http" };
    let endpoint = format!("{scheme}://{local}");

    let verifier = Arc::new(Verifier {
        store: parts.store.clone(),
        region: parts.install.aws_region.clone(),
    });
    let ctx = Arc::new(Context {
        store: parts.store.clone(),
        install: parts.install.clone(),
        endpoint: endpoint.clone(),
        task_delay: parts.task_delay,
        documents: parts
            .documents
            .iter()
            .map(|(version, json)| (version.clone(), Arc::new(Document::new(json.clone()))))
            .collect(),
    });
    let cognito = Arc::new(Cognito::new(
        parts.install,
        parts.store.clone(),
        parts.jwt,
        parts.stats.clone(),
        parts.credential_ttl,
        parts.read_timeout,
    ));
    let routes = api::routes(crate::areas::table(), &parts.generic);
    tracing::debug!(endpoints = routes.len(), "routes built");
    let handlers = Handlers {
        api: Arc::new(Api {
            ctx,
            routes,
            verifier,
            stats: parts.stats.clone(),
            body_timeout: parts.read_timeout,
        }),
        cognito,
        served: parts
            .documents
            .iter()
            .map(|(version, json)| {
                let served = Served::new(json.to_string(), SystemTime::now());
                (version.clone(), Arc::new(served))
            })
            .collect(),
        stats: parts.stats.clone(),
        faults: parts.faults.map(|faults| {
            Arc::new(FaultGate {
                faults,
                stats: parts.stats.clone(),
            })
        }),
    };
    let app = DroppingService(routes::router(handlers));
    let make = MakeShared(app);
    let handle = axum_server::Handle::new();

    // TCP_NODELAY on every accepted connection, as API Gateway's front ends answer: without
    // it, an answer written in two segments (headers, then body) waits for the client's
    // delayed ACK, about 40 ms on Linux, and every short-lived client pays it once per call.
    let mut server = axum_server::from_tcp(listener)
        .map_err(bind_error)?
        .handle(handle.clone())
        .first_request_timeout(parts.read_timeout);
    set_timeouts(&mut server, parts.read_timeout);
    let (task, ca_file) = if parts.tls {
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
        let tls = axum_server::tls_rustls::RustlsAcceptor::new(config).acceptor(NoDelayAcceptor);
        let server = server.acceptor(UnparsedAsJsonAcceptor(tls));
        let task = tokio::spawn(async move {
            if let Err(err) = server.serve(make).await {
                tracing::error!(error = %err, "server failed");
            }
        });
        (task, Some(ca_path))
    } else {
        let server = server.acceptor(UnparsedAsJsonAcceptor(NoDelayAcceptor));
        let task = tokio::spawn(async move {
            if let Err(err) = server.serve(make).await {
                tracing::error!(error = %err, "server failed");
            }
        });
        (task, None)
    };
    // Wait until the accept loop runs, so the ready line is true when printed.
    handle.listening().await;
    Ok((
        ServerHandle {
            handle,
            task,
            ca_file,
        },
        endpoint,
    ))
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

    fn poll_ready(&mut self, _cx: &mut TaskContext<'_>) -> Poll<Result<(), Self::Error>> {
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

    fn poll_ready(&mut self, _cx: &mut TaskContext<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _target: T) -> Self::Future {
        std::future::ready(Ok(self.0.clone()))
    }
}
