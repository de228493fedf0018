//! Temporary AWS credentials and the cache that hands them out one sign-in at a time.
//!
//! [`CredentialCache::get`] returns the cached credentials while they are fresh (valid until
//! `expiration - token_expiry_threshold`) and otherwise runs the sign-in it is given, **once**
//! however many callers arrive at the same time: the first caller runs it, the others wait
//! for its outcome and share it, success or failure (PARITY.md A8). The next call after a
//! failure tries again.

use std::fmt;
use std::future::Future;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, SystemTime};

use crate::config::Secret;
use crate::error::{Error, Result};

/// Temporary AWS credentials from the Cognito identity pool.
///
/// `Debug` never shows the secret access key or the session token.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use staxapp::auth::Credentials;
///
/// let creds = Credentials::new("ASIA123", "wJalrXUtnFEMI", "token-value", SystemTime::now() + Duration::from_secs(3600));
/// let shown = format!("{creds:?}");
/// assert!(!shown.contains("wJalrXUtnFEMI") && !shown.contains("token-value"));
/// assert_eq!(creds.access_key_id(), "ASIA123");
/// ```
#[derive(Clone)]
pub struct Credentials {
    access_key_id: String,
    secret_access_key: Secret,
    session_token: Secret,
    expiration: SystemTime,
    /// The same, as the signer takes them: made at the first signature, then shared (a
    /// reference count) by every later one.
    for_signing: OnceLock<aws_credential_types::Credentials>,
}

impl PartialEq for Credentials {
    fn eq(&self, other: &Self) -> bool {
        self.access_key_id == other.access_key_id
            && self.secret_access_key == other.secret_access_key
            && self.session_token == other.session_token
            && self.expiration == other.expiration
    }
}

impl Eq for Credentials {}

impl Credentials {
    /// Builds credentials from their parts.
    pub fn new(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<Secret>,
        session_token: impl Into<Secret>,
        expiration: SystemTime,
    ) -> Self {
        Credentials {
            access_key_id: access_key_id.into(),
            secret_access_key: secret_access_key.into(),
            session_token: session_token.into(),
            expiration,
            for_signing: OnceLock::new(),
        }
    }

    /// The credentials in the form `aws-sigv4` signs with, made once.
    pub(crate) fn for_signing(&self) -> &aws_credential_types::Credentials {
        self.for_signing.get_or_init(|| {
            aws_credential_types::Credentials::new(
                self.access_key_id.clone(),
                self.secret_access_key.expose(),
                Some(self.session_token.expose().to_owned()),
                Some(self.expiration),
                "staxapp",
            )
        })
    }

    /// The access key id (`ASIA...`): not a secret.
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The secret access key.
    pub fn secret_access_key(&self) -> &Secret {
        &self.secret_access_key
    }

    /// The session token, sent as `X-Amz-Security-Token`.
    pub fn session_token(&self) -> &Secret {
        &self.session_token
    }

    /// When the credentials stop working.
    pub fn expiration(&self) -> SystemTime {
        self.expiration
    }

    /// True when the credentials may still be used at `now`, refreshing `threshold` early.
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    /// use staxapp::auth::Credentials;
    ///
    /// let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000);
    /// let creds = Credentials::new("AK", "SK", "TOKEN", now + Duration::from_secs(120));
    /// assert!(creds.is_fresh(now, Duration::from_secs(60)));
    /// assert!(!creds.is_fresh(now, Duration::from_secs(120)));
    /// ```
    pub fn is_fresh(&self, now: SystemTime, threshold: Duration) -> bool {
        match self.expiration.checked_sub(threshold) {
            Some(refresh_at) => now < refresh_at,
            None => false,
        }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"<redacted>")
            .field("session_token", &"<redacted>")
            .field("expiration", &self.expiration)
            .finish()
    }
}

/// The state guarded by the cache's short, synchronous lock.
#[derive(Default)]
struct State {
    current: Option<Arc<Credentials>>,
    /// Number of sign-ins completed (successfully or not).
    generation: u64,
    /// The outcome of the last sign-in, when it failed.
    last_error: Option<Error>,
}

/// Caches [`Credentials`] and makes sure only one sign-in runs at a time.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use staxapp::auth::{CredentialCache, Credentials};
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let cache = CredentialCache::new(Duration::from_secs(60));
/// let now = SystemTime::now();
/// let creds = cache
///     .get(now, || async { Ok(Credentials::new("AK", "SK", "T", now + Duration::from_secs(3600))) })
///     .await?;
/// // Fresh credentials are reused: this sign-in is never run.
/// let again = cache.get(now, || async { unreachable!() }).await?;
/// assert_eq!(creds, again);
/// # Ok::<(), staxapp::Error>(())
/// # }).unwrap();
/// ```
pub struct CredentialCache {
    threshold: Duration,
    state: Mutex<State>,
    /// Held by the one caller that is signing in.
    gate: tokio::sync::Mutex<()>,
}

impl fmt::Debug for CredentialCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        f.debug_struct("CredentialCache")
            .field("threshold", &self.threshold)
            .field("current", &state.current)
            .field("generation", &state.generation)
            .finish()
    }
}

impl CredentialCache {
    /// An empty cache that refreshes credentials `threshold` before they expire.
    pub fn new(threshold: Duration) -> Self {
        CredentialCache {
            threshold,
            state: Mutex::new(State::default()),
            gate: tokio::sync::Mutex::new(()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // The state is always consistent between statements: a poisoned lock is still usable.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The cached credentials when they are fresh at `now`.
    pub fn cached(&self, now: SystemTime) -> Option<Arc<Credentials>> {
        self.lock()
            .current
            .as_ref()
            .filter(|c| c.is_fresh(now, self.threshold))
            .cloned()
    }

    /// How many times this cache has run the sign-in given to [`get`](Self::get) (successful
    /// or not).
    pub fn sign_ins(&self) -> u64 {
        self.lock().generation
    }

    /// Fresh credentials: the cached ones, or the outcome of `sign_in`, run by one caller
    /// while any others wait for it and share its outcome.
    pub async fn get<F, Fut>(&self, now: SystemTime, sign_in: F) -> Result<Arc<Credentials>>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Credentials>>,
    {
        let seen = {
            let state = self.lock();
            if let Some(c) = state
                .current
                .as_ref()
                .filter(|c| c.is_fresh(now, self.threshold))
            {
                return Ok(c.clone());
            }
            state.generation
        };
        let _turn = self.gate.lock().await;
        {
            let state = self.lock();
            if state.generation != seen {
                // Another caller signed in while this one waited: share its outcome, even when
                // its credentials are already inside the threshold (no sign-in storms).
                if let Some(e) = &state.last_error {
                    return Err(share_error(e));
                }
                if let Some(c) = &state.current {
                    return Ok(c.clone());
                }
            }
            if let Some(c) = state
                .current
                .as_ref()
                .filter(|c| c.is_fresh(now, self.threshold))
            {
                return Ok(c.clone());
            }
        }
        let outcome = sign_in().await;
        let mut state = self.lock();
        state.generation += 1;
        match outcome {
            Ok(creds) => {
                let creds = Arc::new(creds);
                state.current = Some(creds.clone());
                state.last_error = None;
                Ok(creds)
            }
            Err(e) => {
                state.last_error = Some(share_error(&e));
                Err(e)
            }
        }
    }

    /// Forgets `stale` (credentials the server called expired or invalid) so that the next
    /// [`get`](Self::get) signs in again; true when it did. Does nothing (false) when the
    /// cache already holds newer ones.
    pub fn invalidate(&self, stale: &Arc<Credentials>) -> bool {
        let mut state = self.lock();
        if state
            .current
            .as_ref()
            .is_some_and(|c| Arc::ptr_eq(c, stale))
        {
            state.current = None;
            return true;
        }
        false
    }

    /// Puts `credentials` in the cache, as if a sign-in had returned them.
    pub fn insert(&self, credentials: Credentials) -> Arc<Credentials> {
        let creds = Arc::new(credentials);
        let mut state = self.lock();
        state.current = Some(creds.clone());
        state.last_error = None;
        creds
    }
}

/// A copy of an error for the other waiters of a failed sign-in. Auth errors are copied
/// whole; others keep their message (their source cannot be cloned).
fn share_error(e: &Error) -> Error {
    match e {
        Error::Auth(a) => Error::Auth(a.clone()),
        Error::Config(c) => Error::Config(c.clone()),
        Error::Certificate { origin, problem } => Error::Certificate {
            origin: origin.clone(),
            problem: problem.clone(),
        },
        Error::Api(a) => Error::Api(a.clone()),
        other => Error::Transport {
            message: other.to_string(),
            source: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{AuthError, AuthErrorKind};
    use std::sync::atomic::{AtomicU32, Ordering};

    fn creds_until(at: SystemTime) -> Credentials {
        Credentials::new("AK", "very-secret", "session-token-value", at)
    }

    #[test]
    fn debug_hides_secrets() {
        let shown = format!("{:?}", creds_until(SystemTime::UNIX_EPOCH));
        assert!(!shown.contains("very-secret"), "{shown}");
        assert!(!shown.contains("session-token-value"), "{shown}");
    }

    #[test]
    fn freshness_honours_the_threshold() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(10_000);
        let c = creds_until(now + Duration::from_secs(61));
        assert!(c.is_fresh(now, Duration::from_secs(60)));
        assert!(!c.is_fresh(now + Duration::from_secs(1), Duration::from_secs(60)));
        assert!(!creds_until(SystemTime::UNIX_EPOCH).is_fresh(now, Duration::from_secs(1_000_000)));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_callers_share_one_sign_in() {
        let cache = Arc::new(CredentialCache::new(Duration::from_secs(60)));
        let runs = Arc::new(AtomicU32::new(0));
        let now = SystemTime::now();
        let mut tasks = Vec::new();
        for _ in 0..50 {
            let cache = cache.clone();
            let runs = runs.clone();
            tasks.push(tokio::spawn(async move {
                cache
                    .get(now, || async move {
                        runs.fetch_add(1, Ordering::SeqCst);
                        tokio::task::yield_now().await;
                        Ok(creds_until(now + Duration::from_secs(3600)))
                    })
                    .await
            }));
        }
        for t in tasks {
            t.await.unwrap().unwrap();
        }
        assert_eq!(runs.load(Ordering::SeqCst), 1);
        assert_eq!(cache.sign_ins(), 1);
    }

    /// Runs on the current-thread runtime, so the order of events is fixed: the followers all
    /// queue behind the leader before it fails.
    #[tokio::test]
    async fn a_failure_reaches_every_waiter_then_the_next_call_retries() {
        let cache = Arc::new(CredentialCache::new(Duration::from_secs(60)));
        let runs = Arc::new(AtomicU32::new(0));
        let now = SystemTime::now();
        let (release, hold) = tokio::sync::oneshot::channel::<()>();
        // The leader takes the gate and blocks until released.
        let leader = {
            let (cache, runs) = (cache.clone(), runs.clone());
            tokio::spawn(async move {
                cache
                    .get(now, || async move {
                        runs.fetch_add(1, Ordering::SeqCst);
                        let _ = hold.await;
                        Err(AuthError::new(AuthErrorKind::InvalidSecretKey, "no", "fix").into())
                    })
                    .await
            })
        };
        while runs.load(Ordering::SeqCst) == 0 {
            tokio::task::yield_now().await;
        }
        let followers: Vec<_> = (0..5)
            .map(|_| {
                let (cache, runs) = (cache.clone(), runs.clone());
                tokio::spawn(async move {
                    cache
                        .get(now, || async move {
                            runs.fetch_add(1, Ordering::SeqCst);
                            Ok(creds_until(now + Duration::from_secs(3600)))
                        })
                        .await
                })
            })
            .collect();
        // Let every follower run up to the gate before the leader finishes.
        for _ in 0..10 {
            tokio::task::yield_now().await;
        }
        release.send(()).unwrap();
        assert!(leader.await.unwrap().is_err());
        let mut failed = 0;
        for f in followers {
            if let Err(Error::Auth(e)) = f.await.unwrap() {
                assert_eq!(e.kind, AuthErrorKind::InvalidSecretKey);
                failed += 1;
            }
        }
        // Every follower got the error of the attempt it waited for and ran no sign-in itself.
        assert_eq!(failed, 5);
        assert_eq!(runs.load(Ordering::SeqCst), 1);
        // The next call tries again and succeeds.
        let ok = cache
            .get(now, || async {
                Ok(creds_until(now + Duration::from_secs(3600)))
            })
            .await;
        assert!(ok.is_ok());
    }

    #[tokio::test]
    async fn invalidate_forgets_only_the_stale_credentials() {
        let cache = CredentialCache::new(Duration::ZERO);
        let now = SystemTime::now();
        let first = cache
            .get(now, || async {
                Ok(creds_until(now + Duration::from_secs(3600)))
            })
            .await
            .unwrap();
        let newer = cache.insert(creds_until(now + Duration::from_secs(7200)));
        cache.invalidate(&first);
        assert_eq!(cache.cached(now), Some(newer.clone()));
        cache.invalidate(&newer);
        assert_eq!(cache.cached(now), None);
        let refreshed = cache
            .get(now, || async {
                Ok(creds_until(now + Duration::from_secs(10)))
            })
            .await
            .unwrap();
        assert_eq!(refreshed.expiration(), now + Duration::from_secs(10));
    }
}
