//! Keeping temporary credentials beyond one process: the [`CredentialStore`] seam and its
//! on-disk implementation, [`FileCredentialStore`] (PARITY.md B10).
//!
//! A session asks its store before it signs in, and hands it every credential it gets from a
//! sign-in, so the next process with the same installation and API token reuses them until
//! they expire (minus the token expiry threshold) instead of making four Cognito calls. What
//! is kept is the temporary AWS credentials of the identity pool and the installation's
//! public `ApiAuth` block, **never the API token's secret key**. Entries are looked up by a
//! [`CredentialKey`], a SHA-256 of the base URL, the access key and the secret key: a changed
//! or wrong secret key never finds the credentials of the right one.
//!
//! Processes that find no fresh entry take the key's lock ([`CredentialStore::lock`]) before
//! signing in and read the store again once they hold it, so processes started together sign
//! in once. An entry records the `ApiAuth` block (the Cognito pools) it was signed in with;
//! it signs that entry's calls only, and is not used when it differs from the installation's.
//!
//! When the API refuses stored credentials ("security token ... expired" or "... invalid"),
//! the session drops the entry, signs in once more, retries the call once and stores the
//! replacement. Whatever a store does wrong (an unreadable or corrupt entry, a failed write)
//! is logged at debug level and costs a sign-in, never a failed call.
//!
//! The store is off by default in the library ([`Session::with_credential_store`] turns it
//! on) and on by default in the `stax` CLI. It belongs to the session, beside the in-memory
//! cache, not to the [`Config`](crate::Config), which stays a plain value. Programs that run
//! many short processes (CI jobs, serverless functions) may plug their own store (a secrets
//! manager, a shared cache) by implementing the trait:
//!
//! ```
//! use std::collections::HashMap;
//! use std::sync::{Arc, Mutex};
//! use futures::future::BoxFuture;
//! use staxapp::{Config, Session, StaxClient};
//! use staxapp::auth::store::{CredentialKey, CredentialStore, StoreResult, StoredCredentials};
//!
//! /// Keeps entries in memory (a real one would talk to a shared service).
//! #[derive(Debug, Default)]
//! struct InMemory(Mutex<HashMap<String, Vec<u8>>>);
//!
//! impl CredentialStore for InMemory {
//!     fn load<'a>(&'a self, key: &'a CredentialKey) -> BoxFuture<'a, StoreResult<Option<StoredCredentials>>> {
//!         let bytes = self.0.lock().unwrap().get(key.as_str()).cloned();
//!         Box::pin(async move { Ok(bytes.and_then(|b| StoredCredentials::from_bytes(&b, key))) })
//!     }
//!     fn store<'a>(&'a self, key: &'a CredentialKey, entry: &'a StoredCredentials) -> BoxFuture<'a, StoreResult<()>> {
//!         self.0.lock().unwrap().insert(key.as_str().to_owned(), entry.to_bytes(key));
//!         Box::pin(async { Ok(()) })
//!     }
//!     fn remove<'a>(&'a self, key: &'a CredentialKey) -> BoxFuture<'a, StoreResult<()>> {
//!         self.0.lock().unwrap().remove(key.as_str());
//!         Box::pin(async { Ok(()) })
//!     }
//! }
//!
//! let config = Config::builder_without_env().access_key("AK").secret_key("SK").build()?;
//! let session = Session::with_credential_store(config, Arc::new(InMemory::default()))?;
//! let client = StaxClient::with_session(session);
//! assert!(client.session().credential_store().is_some());
//! # Ok::<(), staxapp::Error>(())
//! ```
//!
//! [`Session::with_credential_store`]: crate::Session::with_credential_store

use std::fmt;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime};

use futures::future::BoxFuture;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use stax_input::Kind;

use super::ApiAuth;
use super::credentials::Credentials;

/// What a store's operations fail with: any error, logged at debug level by the session and
/// otherwise ignored.
pub type StoreError = Box<dyn std::error::Error + Send + Sync>;

/// The result of a store operation.
pub type StoreResult<T> = std::result::Result<T, StoreError>;

/// Where a session keeps temporary credentials between processes.
///
/// The methods return boxed futures so that the trait can be used as `Arc<dyn
/// CredentialStore>` and implemented over async services; a store that does small local I/O
/// (as [`FileCredentialStore`]) may do it inline and return a ready future. A session calls
/// [`load`](Self::load) before its first sign-in, [`lock`](Self::lock) when it found nothing
/// fresh (then `load` again), [`store`](Self::store) after each successful sign-in, and
/// [`remove`](Self::remove) when the API refused the credentials. Errors
/// never fail a call: the session logs them at debug level and goes on as if the store were
/// empty.
pub trait CredentialStore: fmt::Debug + Send + Sync {
    /// The entry of `key`, if there is one. Freshness is the session's business: return what
    /// was stored, expired or not.
    fn load<'a>(
        &'a self,
        key: &'a CredentialKey,
    ) -> BoxFuture<'a, StoreResult<Option<StoredCredentials>>>;

    /// Stores `entry` under `key`, replacing any previous one. Concurrent writers of one key
    /// may both succeed; a reader must then see one entry whole, never a mix.
    fn store<'a>(
        &'a self,
        key: &'a CredentialKey,
        entry: &'a StoredCredentials,
    ) -> BoxFuture<'a, StoreResult<()>>;

    /// Forgets the entry of `key` (no error when there is none).
    fn remove<'a>(&'a self, key: &'a CredentialKey) -> BoxFuture<'a, StoreResult<()>>;

    /// Takes `key`'s lock, shared by every process (and session) that uses the store, waiting
    /// a bounded time for it: a session that found no fresh entry holds it while it signs
    /// in, and reads the store again once it has it, so processes started together sign in
    /// once. The lock is released when the returned value is dropped. `Ok(None)` when there
    /// is no lock to take (the default: each session then signs in by itself) or it could not
    /// be had in time.
    fn lock<'a>(&'a self, key: &'a CredentialKey) -> BoxFuture<'a, StoreResult<Option<StoreLock>>> {
        let _ = key;
        Box::pin(std::future::ready(Ok(None)))
    }
}

/// A held [`CredentialStore::lock`]: released when dropped.
pub type StoreLock = Box<dyn Send + Sync>;

/// How long [`FileCredentialStore::lock_now`] waits for another process's sign-in before
/// signing in itself. A lock whose process died is released at once by the system.
pub const LOCK_WAIT: Duration = Duration::from_secs(10);

/// How often a waiting process tries the lock again.
const LOCK_POLL: Duration = Duration::from_millis(20);

/// The key of one installation and API token: the hex SHA-256 of the API base URL, the
/// access key and the secret key. It shows nothing of the secret key and changes with it.
///
/// ```
/// use staxapp::auth::store::CredentialKey;
///
/// let key = CredentialKey::new("https://api.au1.staxapp.cloud/20190206", "AK", "secret");
/// assert_eq!(key.as_str().len(), 64);
/// assert_ne!(key, CredentialKey::new("https://api.au1.staxapp.cloud/20190206", "AK", "other"));
/// assert!(!key.as_str().contains("secret"));
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct CredentialKey(String);

impl CredentialKey {
    /// The key of the API token (`access_key`, `secret_key`) at the installation of
    /// `base_url` (a trailing `/` is ignored).
    pub fn new(base_url: &str, access_key: &str, secret_key: &str) -> CredentialKey {
        let mut hash = Sha256::new();
        hash.update(b"staxapp-credentials-v1");
        // Each part with its length, so that no two different triples hash the same input.
        for part in [base_url.trim_end_matches('/'), access_key, secret_key] {
            hash.update((part.len() as u64).to_be_bytes());
            hash.update(part.as_bytes());
        }
        CredentialKey(hex(&hash.finalize()))
    }

    /// The key as 64 lowercase hex digits (fit for a file name).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for CredentialKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CredentialKey({})", &self.0[..12])
    }
}

fn hex(bytes: &[u8]) -> String {
    use fmt::Write as _;
    bytes.iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// One stored entry: the temporary credentials and, when known, the installation's public
/// `ApiAuth` block (so a process that reuses the credentials does not fetch it either).
///
/// `Debug` shows no secret. [`to_bytes`](Self::to_bytes) does: it is what a store keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct StoredCredentials {
    /// The temporary AWS credentials.
    pub credentials: Credentials,
    /// The public `ApiAuth` block they were obtained with.
    pub api_auth: Option<ApiAuth>,
}

/// The version of [`StoredCredentials::to_bytes`]'s format.
const FORMAT_VERSION: u64 = 1;

impl StoredCredentials {
    /// An entry of `credentials`, obtained through the pools of `api_auth`.
    pub fn new(credentials: Credentials, api_auth: Option<ApiAuth>) -> StoredCredentials {
        StoredCredentials {
            credentials,
            api_auth,
        }
    }

    /// The entry as JSON bytes, stamped with `key` (so an entry found under another key is
    /// refused by [`from_bytes`](Self::from_bytes)). **Holds the temporary secret key and
    /// session token**: keep it where only the user can read it.
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    /// use staxapp::auth::Credentials;
    /// use staxapp::auth::store::{CredentialKey, StoredCredentials};
    ///
    /// let key = CredentialKey::new("http://127.0.0.1:8080/20190206", "AK", "SK");
    /// let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    /// let entry = StoredCredentials::new(Credentials::new("ASIA1", "s", "t", at), None);
    /// let bytes = entry.to_bytes(&key);
    /// assert_eq!(StoredCredentials::from_bytes(&bytes, &key), Some(entry));
    /// let other = CredentialKey::new("http://127.0.0.1:8080/20190206", "AK", "wrong");
    /// assert_eq!(StoredCredentials::from_bytes(&bytes, &other), None);
    /// assert_eq!(StoredCredentials::from_bytes(b"{\"version\": 1", &key), None);
    /// ```
    pub fn to_bytes(&self, key: &CredentialKey) -> Vec<u8> {
        let expiration = self
            .credentials
            .expiration()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or_default();
        let api_auth = self.api_auth.as_ref().map(|a| {
            json!({
                "region": a.region,
                "userPoolId": a.user_pool_id,
                "userPoolWebClientId": a.client_id,
                "identityPoolId": a.identity_pool_id,
            })
        });
        let value = json!({
            "version": FORMAT_VERSION,
            "key": key.as_str(),
            "access_key_id": self.credentials.access_key_id(),
            "secret_access_key": self.credentials.secret_access_key().expose(),
            "session_token": self.credentials.session_token().expose(),
            "expiration": expiration.as_secs(),
            "expiration_nanos": expiration.subsec_nanos(),
            "api_auth": api_auth,
        });
        serde_json::to_vec(&value).unwrap_or_default()
    }

    /// Reads what [`to_bytes`](Self::to_bytes) wrote for `key`; `None` for anything else
    /// (another format version, another key, a torn or corrupt text).
    pub fn from_bytes(bytes: &[u8], key: &CredentialKey) -> Option<StoredCredentials> {
        let value: Value = serde_json::from_slice(bytes).ok()?;
        if value.get("version")?.as_u64()? != FORMAT_VERSION
            || value.get("key")?.as_str()? != key.as_str()
        {
            return None;
        }
        let text = |name: &str| {
            value
                .get(name)
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
        };
        let seconds = value.get("expiration")?.as_u64()?;
        let nanos = value.get("expiration_nanos")?.as_u64()?;
        if seconds > 1 << 40 || nanos >= 1_000_000_000 {
            return None;
        }
        let credentials = Credentials::new(
            text("access_key_id")?,
            text("secret_access_key")?,
            text("session_token")?,
            SystemTime::UNIX_EPOCH + Duration::new(seconds, nanos as u32),
        );
        let api_auth = match value.get("api_auth") {
            None | Some(Value::Null) => None,
            Some(block) => Some(ApiAuth::from_public_config(&json!({ "ApiAuth": block })).ok()?),
        };
        Some(StoredCredentials {
            credentials,
            api_auth,
        })
    }
}

/// Keeps each entry in a file of its own, `<dir>/<key>.json`.
///
/// - The directory is made with mode 0700, entries with mode 0600. The directory and every
///   entry must be owned by the process's effective user (root included) and closed to
///   writes by anyone else; otherwise the store is not used (one warning, then a sign-in),
///   and nothing there is read or changed. An existing directory of the user's with other
///   read or search bits is set to 0700; an entry anyone else may read is ignored.
/// - Entries are read as regular files of at most 64 KiB (`stax_input::Kind::CREDENTIAL_ENTRY`):
///   a FIFO, a device or a huge file in place of one is refused unread.
/// - Writes go to a temporary file in the same directory, flushed to disk (`fsync`), then
///   renamed over the entry: a reader sees the old entry or the new one, never part of one,
///   however many processes write at once.
/// - An unreadable or corrupt entry is ignored (and replaced after the next sign-in).
/// - **One sign-in for many processes**: a key's lock is an advisory lock (`flock`) on
///   `<dir>/<key>.lock` ([`CredentialStore::lock`]). Processes that find no fresh entry take
///   it before signing in and read the entry again once they have it: the first signs in
///   and writes the entry, the others find it. A process waits at most [`LOCK_WAIT`] for
///   the lock, then signs in by itself; the system releases the lock of a process that ends,
///   however it ends, so a dead process never holds anyone up.
/// - Writing an entry also deletes entries, lock files and leftover temporary files untouched
///   for a day (credentials of the identity pool live one hour).
///
/// The file I/O is a few small reads and writes, done inline.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use staxapp::auth::Credentials;
/// use staxapp::auth::store::{CredentialKey, FileCredentialStore, StoredCredentials};
///
/// let dir = std::env::temp_dir().join(format!("staxapp-store-doc-{}", std::process::id()));
/// let store = FileCredentialStore::new(&dir);
/// let key = CredentialKey::new("http://127.0.0.1:8080/20190206", "AK", "SK");
/// let entry = StoredCredentials::new(
///     Credentials::new("ASIA1", "s", "t", SystemTime::now() + Duration::from_secs(3600)),
///     None,
/// );
/// store.store_now(&key, &entry)?;
/// assert_eq!(store.load_now(&key)?, Some(entry));
/// store.remove_now(&key)?;
/// assert_eq!(store.load_now(&key)?, None);
/// # std::fs::remove_dir_all(&dir).ok();
/// # Ok::<(), staxapp::auth::store::StoreError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileCredentialStore {
    dir: PathBuf,
}

/// Entries and temporary files older than this are deleted when an entry is written.
const STALE_AFTER: Duration = Duration::from_secs(24 * 3600);

impl FileCredentialStore {
    /// A store in `dir` (made when the first entry is written).
    pub fn new(dir: impl Into<PathBuf>) -> FileCredentialStore {
        FileCredentialStore { dir: dir.into() }
    }

    /// The user's cache directory's `stax/credentials`: `$XDG_CACHE_HOME/stax/credentials`,
    /// else `~/.cache/stax/credentials` on Linux (the platform's cache directory elsewhere);
    /// `None` when there is no home directory.
    pub fn default_dir() -> Option<PathBuf> {
        dirs::cache_dir().map(|d| d.join("stax").join("credentials"))
    }

    /// A store in [`default_dir`](Self::default_dir).
    pub fn in_default_dir() -> Option<FileCredentialStore> {
        Self::default_dir().map(FileCredentialStore::new)
    }

    /// The directory of the entries.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file of `key`'s entry.
    pub fn path_of(&self, key: &CredentialKey) -> PathBuf {
        self.dir.join(format!("{}.json", key.as_str()))
    }

    /// [`CredentialStore::load`], synchronously.
    pub fn load_now(&self, key: &CredentialKey) -> StoreResult<Option<StoredCredentials>> {
        let path = self.path_of(key);
        if !self.dir.exists() {
            return Ok(None);
        }
        self.check_dir()?;
        let opened = match stax_input::open(&path, Kind::CREDENTIAL_ENTRY) {
            Ok(opened) => opened,
            Err(e) if e.is_not_found() => return Ok(None),
            // A FIFO, a device or a huge file in its place: refused unread.
            Err(e) => return Err(e.into()),
        };
        if let Err(why) = stax_input::check_trusted(opened.metadata()) {
            warn_untrusted("credential cache entry", &path, &why);
            return Ok(None);
        }
        if !private(opened.metadata()) {
            tracing::debug!(path = %path.display(), "ignoring a credential entry others may read");
            return Ok(None);
        }
        let bytes = opened.read()?;
        let entry = StoredCredentials::from_bytes(&bytes, key);
        if entry.is_none() {
            tracing::debug!(path = %path.display(), "ignoring a corrupt credential entry");
        }
        Ok(entry)
    }

    /// [`CredentialStore::store`], synchronously.
    pub fn store_now(&self, key: &CredentialKey, entry: &StoredCredentials) -> StoreResult<()> {
        self.make_dir()?;
        self.sweep();
        let path = self.path_of(key);
        let tmp = self.dir.join(format!(
            ".{}.{}.{:08x}.tmp",
            key.as_str(),
            std::process::id(),
            rand::random::<u32>()
        ));
        let written =
            write_private(&tmp, &entry.to_bytes(key)).and_then(|()| std::fs::rename(&tmp, &path));
        if let Err(e) = written {
            let _ = std::fs::remove_file(&tmp);
            return Err(io_error("write", &path, e));
        }
        Ok(())
    }

    /// [`CredentialStore::remove`], synchronously.
    pub fn remove_now(&self, key: &CredentialKey) -> StoreResult<()> {
        let path = self.path_of(key);
        if !self.dir.exists() {
            return Ok(());
        }
        self.check_dir()?;
        match std::fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(io_error("remove", &path, e)),
        }
    }

    /// The lock file of `key`'s entry.
    fn lock_path(&self, key: &CredentialKey) -> PathBuf {
        self.dir.join(format!("{}.lock", key.as_str()))
    }

    /// [`CredentialStore::lock`]: waits up to `wait` for `key`'s lock; `Ok(None)` when it
    /// could not be had in that time, or the lock file is not a regular file of the user's.
    pub async fn lock_now(
        &self,
        key: &CredentialKey,
        wait: Duration,
    ) -> StoreResult<Option<StoreLock>> {
        self.make_dir()?;
        let path = self.lock_path(key);
        let deadline = std::time::Instant::now() + wait;
        loop {
            if let Ok(meta) = std::fs::symlink_metadata(&path)
                && (!meta.is_file() || stax_input::check_trusted(&meta).is_err())
            {
                tracing::debug!(path = %path.display(), "the lock file is not a private file; signing in without it");
                return Ok(None);
            }
            let file = open_private(&path).map_err(|e| io_error("open", &path, e))?;
            match file.try_lock() {
                Ok(()) => {
                    // Still the file at the path (not one a sweep unlinked meanwhile)?
                    if same_file(&file, &path) {
                        // In use: never stale for the sweep.
                        let _ = file.set_modified(SystemTime::now());
                        return Ok(Some(Box::new(file)));
                    }
                }
                Err(std::fs::TryLockError::WouldBlock) => {}
                Err(std::fs::TryLockError::Error(e)) => return Err(io_error("lock", &path, e)),
            }
            if std::time::Instant::now() >= deadline {
                tracing::debug!(path = %path.display(), ?wait, "another process is still signing in; signing in too");
                return Ok(None);
            }
            tokio::time::sleep(LOCK_POLL).await;
        }
    }

    /// Makes the directory (0700), or sets an existing one to 0700.
    fn make_dir(&self) -> StoreResult<()> {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder
            .create(&self.dir)
            .map_err(|e| io_error("create", &self.dir, e))?;
        self.check_dir()
    }

    /// The directory is a directory (not a link to one) that this process's effective user
    /// owns and nobody else may write, with mode 0700 (made so when it allows others to read
    /// it). Otherwise the store is not used: entries someone else may have put there are
    /// never read, and nothing of the directory is changed.
    fn check_dir(&self) -> StoreResult<()> {
        let meta =
            std::fs::symlink_metadata(&self.dir).map_err(|e| io_error("inspect", &self.dir, e))?;
        if !meta.is_dir() {
            return Err(format!("{} is not a directory", self.dir.display()).into());
        }
        if let Err(why) = stax_input::check_trusted(&meta) {
            warn_untrusted("credential cache", &self.dir, &why);
            return Err(format!("the credential cache {} {why}", self.dir.display()).into());
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            if meta.permissions().mode() & 0o777 != 0o700 {
                std::fs::set_permissions(&self.dir, std::fs::Permissions::from_mode(0o700))
                    .map_err(|e| io_error("set mode 0700 on", &self.dir, e))?;
                tracing::debug!(dir = %self.dir.display(), "set the credential directory to mode 0700");
            }
        }
        Ok(())
    }

    /// Deletes entries and temporary files untouched for [`STALE_AFTER`]. Best effort.
    fn sweep(&self) {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        let now = SystemTime::now();
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if !(name.ends_with(".json") || name.ends_with(".tmp") || name.ends_with(".lock")) {
                continue;
            }
            let stale = entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|modified| now.duration_since(modified).ok())
                .is_some_and(|age| age > STALE_AFTER);
            if stale {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}

/// Says once per process, at warning level, that the credential cache (or one entry) is not
/// used because someone else may have written it.
fn warn_untrusted(what: &str, path: &Path, why: &stax_input::Untrusted) {
    static WARNED: AtomicBool = AtomicBool::new(false);
    if !WARNED.swap(true, Ordering::Relaxed) {
        tracing::warn!(
            "the {what} {} {why}: not used, signing in instead (remove it, or make it this user's with mode 0700 for the directory and 0600 for entries)",
            path.display()
        );
    }
}

/// Writes `bytes` to a new file at `path` that only the user may read (0600), and flushes
/// it to disk.
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Opens (or makes, mode 0600) a lock file.
fn open_private(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// Whether `file` is the file `path` names now.
fn same_file(file: &std::fs::File, path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        match (file.metadata(), std::fs::metadata(path)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (file, path);
        true
    }
}

/// True when nobody but the owner may read or write the file.
fn private(meta: &std::fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        meta.is_file() && meta.permissions().mode() & 0o077 == 0
    }
    #[cfg(not(unix))]
    {
        meta.is_file()
    }
}

fn io_error(what: &str, path: &Path, e: std::io::Error) -> StoreError {
    format!("could not {what} {}: {e}", path.display()).into()
}

impl CredentialStore for FileCredentialStore {
    fn load<'a>(
        &'a self,
        key: &'a CredentialKey,
    ) -> BoxFuture<'a, StoreResult<Option<StoredCredentials>>> {
        Box::pin(std::future::ready(self.load_now(key)))
    }

    fn store<'a>(
        &'a self,
        key: &'a CredentialKey,
        entry: &'a StoredCredentials,
    ) -> BoxFuture<'a, StoreResult<()>> {
        Box::pin(std::future::ready(self.store_now(key, entry)))
    }

    fn remove<'a>(&'a self, key: &'a CredentialKey) -> BoxFuture<'a, StoreResult<()>> {
        Box::pin(std::future::ready(self.remove_now(key)))
    }

    fn lock<'a>(&'a self, key: &'a CredentialKey) -> BoxFuture<'a, StoreResult<Option<StoreLock>>> {
        Box::pin(self.lock_now(key, LOCK_WAIT))
    }
}

/// A session's use of its store: one key, the freshness threshold, and whether the API has
/// refused what was loaded (then the next sign-in skips the store and replaces the entry).
pub(crate) struct Persisted {
    store: Arc<dyn CredentialStore>,
    key: CredentialKey,
    threshold: Duration,
    refused: AtomicBool,
}

impl fmt::Debug for Persisted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Persisted")
            .field("store", &self.store)
            .field("key", &self.key)
            .finish()
    }
}

impl Persisted {
    pub(crate) fn new(
        store: Arc<dyn CredentialStore>,
        key: CredentialKey,
        threshold: Duration,
    ) -> Persisted {
        Persisted {
            store,
            key,
            threshold,
            refused: AtomicBool::new(false),
        }
    }

    /// The use of `store` by a session of `config`: keyed by its base URL and API token;
    /// `None` when the token is incomplete (the sign-in then fails as it would without a store).
    pub(crate) fn for_config(
        config: &crate::config::Config,
        store: Arc<dyn CredentialStore>,
    ) -> Option<Persisted> {
        let (access_key, secret_key) = super::api_token(config).ok()?;
        let key = CredentialKey::new(config.base_url(), access_key, secret_key);
        Some(Persisted::new(
            store,
            key,
            config.auth_retry().token_expiry_threshold,
        ))
    }

    /// The stored entry when it is fresh at `now` and the API has not refused stored
    /// credentials in this session; after a refusal, removes the entry instead.
    pub(crate) async fn load_fresh(&self, now: SystemTime) -> Option<StoredCredentials> {
        if self.refused.swap(false, Ordering::AcqRel) {
            if let Err(e) = self.store.remove(&self.key).await {
                tracing::debug!(error = %e, "could not remove refused credentials from the store");
            }
            return None;
        }
        match self.store.load(&self.key).await {
            Ok(Some(entry)) if entry.credentials.is_fresh(now, self.threshold) => {
                tracing::debug!("using stored credentials");
                Some(entry)
            }
            Ok(_) => None,
            Err(e) => {
                tracing::debug!(error = %e, "credential store unusable; signing in");
                None
            }
        }
    }

    /// The store's lock of this session's key, when it has one and it could be had in time.
    pub(crate) async fn lock(&self) -> Option<StoreLock> {
        match self.store.lock(&self.key).await {
            Ok(lock) => lock,
            Err(e) => {
                tracing::debug!(error = %e, "could not lock the credential store; signing in");
                None
            }
        }
    }

    /// Keeps `entry` for later processes, when it is fresh at `now`.
    pub(crate) async fn save(&self, entry: &StoredCredentials, now: SystemTime) {
        if !entry.credentials.is_fresh(now, self.threshold) {
            return;
        }
        if let Err(e) = self.store.store(&self.key, entry).await {
            tracing::debug!(error = %e, "could not store the credentials");
        }
    }

    /// The API refused credentials: the next [`load_fresh`](Self::load_fresh) removes the
    /// entry instead of reading it.
    pub(crate) fn refused(&self) {
        self.refused.store(true, Ordering::Release);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        std::env::temp_dir().join(format!(
            "staxapp-store-test-{name}-{}-{:08x}",
            std::process::id(),
            rand::random::<u32>()
        ))
    }

    fn entry(id: &str, api_auth: bool) -> StoredCredentials {
        StoredCredentials::new(
            Credentials::new(
                id,
                format!("secret-of-{id}"),
                format!("token-of-{id}-").repeat(40),
                SystemTime::UNIX_EPOCH + Duration::new(4_000_000_000, 250),
            ),
            api_auth.then(|| ApiAuth {
                region: "ap-southeast-2".into(),
                user_pool_id: "ap-southeast-2_Pool".into(),
                client_id: "client".into(),
                identity_pool_id: "ap-southeast-2:pool".into(),
            }),
        )
    }

    fn key() -> CredentialKey {
        CredentialKey::new("http://127.0.0.1:1/20190206", "AK", "SK")
    }

    #[test]
    fn keys_change_with_every_part_and_not_with_a_trailing_slash() {
        let base = CredentialKey::new("http://a/20190206", "AK", "SK");
        assert_eq!(base, CredentialKey::new("http://a/20190206/", "AK", "SK"));
        for other in [
            CredentialKey::new("http://b/20190206", "AK", "SK"),
            CredentialKey::new("http://a/20190206", "AK2", "SK"),
            CredentialKey::new("http://a/20190206", "AK", "SK2"),
            // Length prefixes: moving a character between parts changes the key.
            CredentialKey::new("http://a/20190206", "AKS", "K"),
        ] {
            assert_ne!(base, other);
        }
        assert!(!format!("{base:?}").contains(&base.as_str()[20..]));
    }

    #[test]
    fn entries_round_trip_with_and_without_api_auth() {
        let dir = temp_dir("roundtrip");
        let store = FileCredentialStore::new(&dir);
        for with_auth in [true, false] {
            let e = entry("ASIA1", with_auth);
            store.store_now(&key(), &e).unwrap();
            assert_eq!(store.load_now(&key()).unwrap(), Some(e));
        }
        // Another key finds nothing; a file copied under another key's name is refused.
        let other = CredentialKey::new("http://127.0.0.1:1/20190206", "AK", "wrong");
        assert_eq!(store.load_now(&other).unwrap(), None);
        std::fs::copy(store.path_of(&key()), store.path_of(&other)).unwrap();
        assert_eq!(store.load_now(&other).unwrap(), None);
        std::fs::remove_dir_all(dir).ok();
    }

    #[cfg(unix)]
    #[test]
    fn modes_are_private_and_a_wrong_dir_mode_is_fixed() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = temp_dir("modes");
        let store = FileCredentialStore::new(dir.join("stax").join("credentials"));
        store.store_now(&key(), &entry("ASIA1", true)).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(store.dir()), 0o700);
        assert_eq!(mode(&store.path_of(&key())), 0o600);
        std::fs::set_permissions(store.dir(), std::fs::Permissions::from_mode(0o755)).unwrap();
        assert!(store.load_now(&key()).unwrap().is_some());
        assert_eq!(mode(store.dir()), 0o700);
        // An entry others may read is not used.
        std::fs::set_permissions(
            store.path_of(&key()),
            std::fs::Permissions::from_mode(0o644),
        )
        .unwrap();
        assert_eq!(store.load_now(&key()).unwrap(), None);
        // The next write replaces it with a private one.
        store.store_now(&key(), &entry("ASIA2", true)).unwrap();
        assert_eq!(mode(&store.path_of(&key())), 0o600);
        std::fs::remove_dir_all(dir).ok();
    }

    /// Whether this process runs as root (which may give files to another user).
    #[cfg(unix)]
    fn is_root() -> bool {
        use std::os::unix::fs::MetadataExt as _;
        let probe = temp_dir("whoami");
        std::fs::write(&probe, b"").unwrap();
        let uid = std::fs::metadata(&probe).unwrap().uid();
        std::fs::remove_file(probe).ok();
        uid == 0
    }

    #[cfg(unix)]
    #[test]
    fn a_directory_others_may_write_is_not_used_nor_changed() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = temp_dir("writable");
        let store = FileCredentialStore::new(&dir);
        store.store_now(&key(), &entry("ASIA1", true)).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).unwrap();
        assert!(store.load_now(&key()).is_err());
        assert!(store.store_now(&key(), &entry("ASIA2", true)).is_err());
        assert!(store.remove_now(&key()).is_err());
        let mode = std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o777, "the directory was changed");
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
        assert_eq!(store.load_now(&key()).unwrap(), Some(entry("ASIA1", true)));
        // An entry its group may write is not read either.
        std::fs::set_permissions(
            store.path_of(&key()),
            std::fs::Permissions::from_mode(0o620),
        )
        .unwrap();
        assert_eq!(store.load_now(&key()).unwrap(), None);
        std::fs::remove_dir_all(dir).ok();
    }

    #[cfg(unix)]
    #[test]
    fn another_users_directory_or_entry_is_not_used_even_by_root() {
        use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
        if !is_root() {
            eprintln!("skipped: only root can give a file to another user");
            return;
        }
        const NOBODY: u32 = 65534;
        let dir = temp_dir("owner");
        let store = FileCredentialStore::new(&dir);
        store.store_now(&key(), &entry("ASIA1", true)).unwrap();
        std::os::unix::fs::chown(store.path_of(&key()), Some(NOBODY), None).unwrap();
        assert_eq!(
            store.load_now(&key()).unwrap(),
            None,
            "another user's entry"
        );
        std::os::unix::fs::chown(store.path_of(&key()), Some(0), None).unwrap();
        std::os::unix::fs::chown(&dir, Some(NOBODY), None).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        assert!(store.load_now(&key()).is_err(), "another user's directory");
        assert!(store.store_now(&key(), &entry("ASIA2", true)).is_err());
        let meta = std::fs::metadata(&dir).unwrap();
        assert_eq!(
            (meta.uid(), meta.permissions().mode() & 0o777),
            (NOBODY, 0o755)
        );
        std::fs::remove_dir_all(dir).ok();
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_or_a_huge_file_in_place_of_an_entry_is_refused_unread() {
        let dir = temp_dir("fifo");
        let store = FileCredentialStore::new(&dir);
        store.store_now(&key(), &entry("ASIA1", true)).unwrap();
        let path = store.path_of(&key());
        std::fs::remove_file(&path).unwrap();
        let made = std::process::Command::new("mkfifo")
            .arg(&path)
            .status()
            .unwrap();
        assert!(made.success());
        let err = store.load_now(&key()).unwrap_err();
        assert!(err.to_string().contains("not a regular file"), "{err}");
        std::fs::remove_file(&path).unwrap();
        store.store_now(&key(), &entry("ASIA1", true)).unwrap();
        std::fs::File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_len(4 << 30)
            .unwrap();
        let err = store.load_now(&key()).unwrap_err();
        assert!(err.to_string().contains("64 KiB"), "{err}");
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn corrupt_entries_are_ignored_and_replaced() {
        let dir = temp_dir("corrupt");
        let store = FileCredentialStore::new(&dir);
        store.store_now(&key(), &entry("ASIA1", true)).unwrap();
        let good = std::fs::read(store.path_of(&key())).unwrap();
        for junk in [
            &b""[..],
            b"not json",
            &good[..good.len() / 2],
            b"{\"version\":2}",
            b"{\"version\":1,\"key\":\"x\"}",
        ] {
            write_over(&store.path_of(&key()), junk);
            assert_eq!(store.load_now(&key()).unwrap(), None, "{junk:?}");
        }
        store.store_now(&key(), &entry("ASIA2", false)).unwrap();
        assert_eq!(store.load_now(&key()).unwrap(), Some(entry("ASIA2", false)));
        std::fs::remove_dir_all(dir).ok();
    }

    /// Replaces a file's content, keeping its mode.
    fn write_over(path: &Path, bytes: &[u8]) {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .truncate(true)
            .open(path)
            .unwrap();
        file.write_all(bytes).unwrap();
    }

    #[test]
    fn a_file_where_the_dir_should_be_is_an_error_not_a_panic() {
        let dir = temp_dir("notadir");
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("credentials");
        std::fs::write(&file, b"x").unwrap();
        let store = FileCredentialStore::new(&file);
        assert!(store.store_now(&key(), &entry("ASIA1", true)).is_err());
        assert!(store.load_now(&key()).is_err() || store.load_now(&key()).unwrap().is_none());
        std::fs::remove_dir_all(dir).ok();
    }

    /// Writers of one key in many threads at once: every read in between sees one whole
    /// entry, never a torn one.
    #[test]
    fn concurrent_writers_never_show_a_torn_entry() {
        let dir = temp_dir("concurrent");
        let store = Arc::new(FileCredentialStore::new(&dir));
        store.store_now(&key(), &entry("ASIA0", true)).unwrap();
        let writers: Vec<_> = (1..=4)
            .map(|w| {
                let store = store.clone();
                std::thread::spawn(move || {
                    for i in 0..25 {
                        store
                            .store_now(&key(), &entry(&format!("ASIA{w}x{i}"), true))
                            .unwrap();
                    }
                })
            })
            .collect();
        let mut reads = 0;
        while writers.iter().any(|w| !w.is_finished()) || reads < 50 {
            let loaded = store.load_now(&key()).unwrap().expect("a whole entry");
            assert!(loaded.credentials.access_key_id().starts_with("ASIA"));
            reads += 1;
        }
        for w in writers {
            w.join().unwrap();
        }
        // No temporary file is left behind.
        let names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, [format!("{}.json", key().as_str())]);
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn stale_files_are_swept_on_write() {
        let dir = temp_dir("sweep");
        let store = FileCredentialStore::new(&dir);
        store.store_now(&key(), &entry("ASIA1", true)).unwrap();
        let old = dir.join(format!("{}.json", "0".repeat(64)));
        let leftover = dir.join(".x.1.0.tmp");
        let unrelated = dir.join("notes.txt");
        for path in [&old, &leftover, &unrelated] {
            std::fs::write(path, b"{}").unwrap();
            let file = std::fs::File::options().write(true).open(path).unwrap();
            file.set_modified(SystemTime::now() - Duration::from_secs(2 * 24 * 3600))
                .unwrap();
        }
        let other = CredentialKey::new("http://127.0.0.1:2/20190206", "AK", "SK");
        store.store_now(&other, &entry("ASIA2", true)).unwrap();
        assert!(!old.exists() && !leftover.exists());
        assert!(unrelated.exists() && store.path_of(&key()).exists());
        std::fs::remove_dir_all(dir).ok();
    }

    #[tokio::test]
    async fn a_keys_lock_is_held_once_until_dropped() {
        let dir = temp_dir("lock");
        let store = FileCredentialStore::new(&dir);
        let first = store.lock_now(&key(), Duration::ZERO).await.unwrap();
        assert!(first.is_some());
        // Another session (its own open of the file) waits its bound, then goes without.
        let second = store
            .lock_now(&key(), Duration::from_millis(60))
            .await
            .unwrap();
        assert!(second.is_none());
        // Another key's lock is its own.
        let other = CredentialKey::new("http://127.0.0.1:2/20190206", "AK", "SK");
        assert!(
            store
                .lock_now(&other, Duration::ZERO)
                .await
                .unwrap()
                .is_some()
        );
        drop(first);
        assert!(
            store
                .lock_now(&key(), Duration::ZERO)
                .await
                .unwrap()
                .is_some()
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let lock = dir.join(format!("{}.lock", key().as_str()));
            let mode = std::fs::metadata(lock).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::remove_dir_all(dir).ok();
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn no_lock_is_taken_in_a_directory_others_may_write() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = temp_dir("lock-writable");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).unwrap();
        let store = FileCredentialStore::new(&dir);
        assert!(store.lock_now(&key(), Duration::ZERO).await.is_err());
        assert_eq!(
            std::fs::read_dir(&dir).unwrap().count(),
            0,
            "nothing made there"
        );
        std::fs::remove_dir_all(dir).ok();
    }

    #[tokio::test]
    async fn persisted_serves_fresh_entries_and_drops_refused_ones() {
        let dir = temp_dir("persisted");
        let store = Arc::new(FileCredentialStore::new(&dir));
        let persisted = Persisted::new(store.clone(), key(), Duration::from_secs(60));
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let until = |secs| {
            StoredCredentials::new(
                Credentials::new("ASIA1", "s", "t", now + Duration::from_secs(secs)),
                None,
            )
        };
        assert_eq!(persisted.load_fresh(now).await, None);
        // Inside the threshold: neither written nor served.
        persisted.save(&until(30), now).await;
        assert_eq!(store.load_now(&key()).unwrap(), None);
        persisted.save(&until(3600), now).await;
        assert_eq!(persisted.load_fresh(now).await, Some(until(3600)));
        assert_eq!(
            persisted
                .load_fresh(now + Duration::from_secs(3600 - 60))
                .await,
            None
        );
        // Refused by the API: removed, and the load after that finds nothing.
        persisted.refused();
        assert_eq!(persisted.load_fresh(now).await, None);
        assert_eq!(store.load_now(&key()).unwrap(), None);
        std::fs::remove_dir_all(dir).ok();
    }
}
