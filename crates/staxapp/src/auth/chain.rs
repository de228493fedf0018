//! Credentials as a chain of providers behind the single-flight cache: memory (the
//! [`CredentialCache`]), then the credential store ([`store`](super::store), when the session
//! has one), then a sign-in. The first provider that has fresh credentials wins; what a later
//! one got is handed back to the earlier ones (a sign-in's credentials are written to the
//! store). When the API refuses credentials, every provider hears it (the store drops its
//! entry) and the next call asks the chain again.
//!
//! **Across processes**: a provider that has nothing may hold a lock while the providers after
//! it are asked (the store's lock, [`CredentialStore::lock`](super::store::CredentialStore::lock)),
//! and is asked again once it holds it: of processes started together on an empty store, one
//! signs in and the others read what it stored.
//!
//! **Which pools**: the installation's `ApiAuth` has one cache, the process's cell of the base
//! URL ([`public_config_cell`](super::public_config_cell)), filled only from what the
//! installation serves. A stored entry's own block signs that entry's calls and nothing else:
//! an entry whose block differs from the installation's (when the process knows it) is not
//! used, and after a refusal the sign-in reads the installation's block, never the entry's. A
//! process that finds its credentials in the store makes no request at all before its call.

use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use futures::future::BoxFuture;

use super::store::{Persisted, StoreLock, StoredCredentials};
use super::{ApiAuth, CredentialCache, Credentials, PublicConfigCell, SignIn};
use crate::config::Config;
use crate::error::Result;
use crate::interceptor::Interceptors;
use crate::send::Link;

/// One source of credentials in the chain.
trait Provider: Send + Sync {
    /// Fresh credentials (with the installation's `ApiAuth` when known), or `None` to ask
    /// the next provider.
    fn provide(&self, now: SystemTime) -> BoxFuture<'_, Result<Option<StoredCredentials>>>;

    /// Credentials a later provider got: keep them if this provider keeps anything.
    fn keep<'a>(&'a self, entry: &'a StoredCredentials, now: SystemTime) -> BoxFuture<'a, ()> {
        let _ = (entry, now);
        Box::pin(std::future::ready(()))
    }

    /// Holds what keeps other processes from asking the providers after this one at the same
    /// time (a lock, released when dropped); the chain asks this provider again once held.
    /// `None`: nothing to hold.
    fn hold(&self) -> BoxFuture<'_, Option<StoreLock>> {
        Box::pin(std::future::ready(None))
    }

    /// The API refused the current credentials.
    fn refused(&self) {}
}

/// The `ApiAuth` block stored beside the credentials in use, when they came from the store.
type StoredAuth = Arc<Mutex<Option<Arc<ApiAuth>>>>;

/// The credential store of the session.
struct FromStore {
    persisted: Persisted,
    public_config: PublicConfigCell,
    stored_auth: StoredAuth,
}

impl Provider for FromStore {
    fn provide(&self, now: SystemTime) -> BoxFuture<'_, Result<Option<StoredCredentials>>> {
        Box::pin(async move {
            let Some(entry) = self.persisted.load_fresh(now).await else {
                return Ok(None);
            };
            // Made for other pools than the installation's (when this process knows them): a
            // stale entry of another installation at this base URL.
            if let (Some(known), Some(stored)) = (self.public_config.get(), &entry.api_auth)
                && **known != *stored
            {
                tracing::debug!("the stored credentials were made for other pools; signing in");
                return Ok(None);
            }
            *self.stored_auth.lock().unwrap_or_else(|e| e.into_inner()) =
                entry.api_auth.clone().map(Arc::new);
            Ok(Some(entry))
        })
    }

    fn keep<'a>(&'a self, entry: &'a StoredCredentials, now: SystemTime) -> BoxFuture<'a, ()> {
        Box::pin(self.persisted.save(entry, now))
    }

    fn hold(&self) -> BoxFuture<'_, Option<StoreLock>> {
        Box::pin(self.persisted.lock())
    }

    fn refused(&self) {
        self.persisted.refused();
    }
}

/// A sign-in with the API token: the public configuration, SRP, the identity pool.
struct BySignIn {
    config: Config,
    http: reqwest::Client,
    interceptors: Interceptors,
    public_config: PublicConfigCell,
    sign_in: tokio::sync::OnceCell<SignIn>,
}

impl BySignIn {
    fn link(&self) -> Link<'_> {
        Link {
            interceptors: &self.interceptors,
            ..Link::new(&self.http, &self.config, self.config.api_retry())
        }
    }
}

impl Provider for BySignIn {
    fn provide(&self, _now: SystemTime) -> BoxFuture<'_, Result<Option<StoredCredentials>>> {
        Box::pin(async move {
            let (access_key, secret_key) = super::api_token(&self.config)?;
            let api_auth =
                super::public_config(&self.public_config, self.link(), &self.config).await?;
            let sign_in = self
                .sign_in
                .get_or_init(|| async {
                    SignIn::with_interceptors(
                        &self.config,
                        &self.http,
                        &api_auth,
                        self.interceptors.clone(),
                    )
                })
                .await;
            tracing::debug!(base_url = self.config.base_url(), "signing in");
            let credentials = sign_in.sign_in(access_key, secret_key).await?;
            Ok(Some(StoredCredentials::new(
                credentials,
                Some((*api_auth).clone()),
            )))
        })
    }
}

/// The chain of a session (see the module).
pub(crate) struct CredentialChain {
    cache: CredentialCache,
    providers: Vec<Box<dyn Provider>>,
    config: Config,
    http: reqwest::Client,
    interceptors: Interceptors,
    public_config: PublicConfigCell,
    stored_auth: StoredAuth,
}

impl CredentialChain {
    /// The chain of a session of `config`: the store (when given), then sign-in.
    pub(crate) fn new(
        config: &Config,
        http: &reqwest::Client,
        persisted: Option<Persisted>,
        interceptors: &Interceptors,
    ) -> CredentialChain {
        let public_config = super::public_config_cell(config);
        let stored_auth = StoredAuth::default();
        let mut providers: Vec<Box<dyn Provider>> = Vec::with_capacity(2);
        if let Some(persisted) = persisted {
            providers.push(Box::new(FromStore {
                persisted,
                public_config: public_config.clone(),
                stored_auth: stored_auth.clone(),
            }));
        }
        providers.push(Box::new(BySignIn {
            config: config.clone(),
            http: http.clone(),
            interceptors: interceptors.clone(),
            public_config: public_config.clone(),
            sign_in: Default::default(),
        }));
        CredentialChain {
            cache: CredentialCache::new(config.auth_retry().token_expiry_threshold),
            providers,
            config: config.clone(),
            http: http.clone(),
            interceptors: interceptors.clone(),
            public_config,
            stored_auth,
        }
    }

    /// The memory cache in front of the providers.
    pub(crate) fn cache(&self) -> &CredentialCache {
        &self.cache
    }

    /// Fresh credentials: the cached ones, else the first provider's that has some, got by
    /// one caller while any others wait for it.
    pub(crate) async fn credentials(&self) -> Result<Arc<Credentials>> {
        let now = SystemTime::now();
        if let Some(creds) = self.cache.cached(now) {
            return Ok(creds);
        }
        self.cache
            .get(now, || async {
                let last = self.providers.len() - 1;
                // Locks held until the credentials got are handed back (stored).
                let mut held = Vec::new();
                for (i, provider) in self.providers.iter().enumerate() {
                    let mut found = provider.provide(now).await?;
                    if found.is_none()
                        && i < last
                        && let Some(lock) = provider.hold().await
                    {
                        held.push(lock);
                        // Another process may have stored fresh credentials meanwhile.
                        found = provider.provide(SystemTime::now()).await?;
                    }
                    match found {
                        Some(entry) => {
                            for earlier in &self.providers[..i] {
                                earlier.keep(&entry, SystemTime::now()).await;
                            }
                            return Ok(entry.credentials);
                        }
                        None if i == last => break,
                        None => {}
                    }
                }
                Err(crate::error::Error::Transport {
                    message: "no credential provider had credentials".into(),
                    source: None,
                })
            })
            .await
    }

    /// The `ApiAuth` of the credentials in use: the installation's, from the one cache; while
    /// the credentials are a stored entry's and the installation's block is not known, the
    /// block stored beside them (no request); else read from the installation.
    pub(crate) async fn api_auth(&self) -> Result<Arc<ApiAuth>> {
        if let Some(known) = self.public_config.get() {
            return Ok(known.clone());
        }
        let stored = self
            .stored_auth
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        if let Some(stored) = stored {
            return Ok(stored);
        }
        let link = Link {
            interceptors: &self.interceptors,
            ..Link::new(&self.http, &self.config, self.config.api_retry())
        };
        super::public_config(&self.public_config, link, &self.config).await
    }

    /// The API refused `creds`: drop them so the next call asks the chain again; true when
    /// they were the current ones.
    pub(crate) fn refused(&self, creds: &Arc<Credentials>) -> bool {
        if !self.cache.invalidate(creds) {
            return false;
        }
        // The entry's block goes with it: the next sign-in reads the installation's.
        *self.stored_auth.lock().unwrap_or_else(|e| e.into_inner()) = None;
        for provider in &self.providers {
            provider.refused();
        }
        true
    }
}
