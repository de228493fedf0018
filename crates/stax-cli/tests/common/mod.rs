//! Shared helpers of the CLI tests: the reference documents and a running emulator.
#![allow(dead_code)]

#[path = "../../../../testsupport/shared_dir.rs"]
mod shared_dir;
#[allow(unused_imports)]
pub use shared_dir::shared_file;

pub mod measure;

/// `out` (a command's stdout) read as JSON; a panic showing it when it is not.
pub fn json_of(out: &[u8]) -> serde_json::Value {
    serde_json::from_slice(out)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", String::from_utf8_lossy(out)))
}

/// A path in the temporary directory no other test (of this run or another) uses:
/// `stax-<name>-<pid>-<nanoseconds>`.
pub fn unique_temp(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!(
        "stax-{name}-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ))
}

/// A directory of a test's own under the temporary directory, removed at its end. Given as
/// `XDG_CACHE_HOME`, it holds the credential cache.
pub struct TempDir(pub std::path::PathBuf);

impl TempDir {
    /// A new, empty directory named after `name`.
    pub fn new(name: &str) -> TempDir {
        let dir = unique_temp(name);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    /// `name` in the directory.
    pub fn path(&self, name: &str) -> std::path::PathBuf {
        self.0.join(name)
    }

    /// A FIFO named `name` that nobody writes to.
    pub fn fifo(&self, name: &str) -> std::path::PathBuf {
        let path = self.path(name);
        mkfifo(&path);
        path
    }

    /// A sparse file of 4 GiB named `name`.
    pub fn huge(&self, name: &str) -> std::path::PathBuf {
        let path = self.path(name);
        std::fs::File::create(&path)
            .unwrap()
            .set_len(4 << 30)
            .unwrap();
        path
    }

    /// `$XDG_CACHE_HOME/stax/credentials` when this directory is the cache home.
    pub fn credentials_dir(&self) -> std::path::PathBuf {
        self.0.join("stax").join("credentials")
    }

    /// The one entry of the credential cache (beside it, its lock file).
    pub fn entry(&self) -> std::path::PathBuf {
        let entries: Vec<std::path::PathBuf> = std::fs::read_dir(self.credentials_dir())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_none_or(|e| e != "lock"))
            .collect();
        assert_eq!(entries.len(), 1, "{entries:?}");
        entries.into_iter().next().unwrap()
    }

    /// The one entry of the credential cache, as JSON.
    pub fn entry_json(&self) -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(self.entry()).unwrap()).unwrap()
    }
}

/// Checks that the emulator's `stats` count one whole sign-in: each of the four Cognito
/// calls once.
pub fn assert_signed_in_once(stats: &serde_json::Value) {
    for call in [
        "InitiateAuth",
        "RespondToAuthChallenge",
        "GetId",
        "GetCredentialsForIdentity",
    ] {
        assert_eq!(stats["cognito"][call], 1, "{call}: {stats}");
    }
}

/// Replaces a file's content, keeping its mode.
pub fn write_over(path: &std::path::Path, bytes: &[u8]) {
    use std::io::Write as _;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(path)
        .unwrap();
    file.write_all(bytes).unwrap();
}

/// Makes a FIFO at `path`.
pub fn mkfifo(path: &std::path::Path) {
    let made = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(made.success(), "mkfifo {}", path.display());
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// An emulator running on its own runtime thread for the duration of a test binary.
pub struct Emu {
    pub endpoint: String,
    pub access_key: String,
    pub secret_key: String,
    _runtime: tokio::runtime::Runtime,
    _emulator: stax_emulator::RunningEmulator,
}

impl Emu {
    /// Starts an emulator with demo data and the given task delay.
    pub fn start(task_delay_ms: u64) -> Emu {
        Emu::start_with(stax_emulator::EmulatorOptions {
            task_delay: std::time::Duration::from_millis(task_delay_ms),
            ..Default::default()
        })
    }

    /// Starts an emulator with these options.
    pub fn start_with(options: stax_emulator::EmulatorOptions) -> Emu {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let emulator = runtime
            .block_on(stax_emulator::start(options))
            .expect("emulator starts");
        Emu {
            endpoint: emulator.endpoint().to_owned(),
            access_key: emulator.access_key().to_owned(),
            secret_key: emulator.secret_key().to_owned(),
            _runtime: runtime,
            _emulator: emulator,
        }
    }

    /// The `stax` binary with the environment pointing at this emulator and a private cache.
    /// Runs `stax ARGS`, which must succeed; its stdout.
    pub fn stdout(&self, args: &[&str]) -> Vec<u8> {
        self.stax()
            .args(args)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone()
    }

    pub fn stax(&self) -> assert_cmd::Command {
        assert_cmd::Command::from_std(self.stax_std())
    }

    /// [`stax`](Self::stax) as a `std::process::Command` (to spawn several at once).
    pub fn stax_std(&self) -> std::process::Command {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("stax"));
        let cache =
            std::env::temp_dir().join(format!("stax-cli-test-cache-{}", std::process::id()));
        cmd.env("STAX_ENDPOINT", &self.endpoint)
            .env("AWS_ENDPOINT_URL", &self.endpoint)
            .env("STAX_ACCESS_KEY", &self.access_key)
            .env("STAX_SECRET_KEY", &self.secret_key)
            .env("XDG_CACHE_HOME", cache)
            .env_remove("STAX_SCHEMA")
            .env_remove("STAX_PERMISSION_SETS_SCHEMA")
            .env_remove("STAX_PROFILE")
            .env_remove("STAX_REGION")
            .env_remove("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER")
            .env_remove("AWS_ENDPOINT_URL_COGNITO_IDENTITY")
            .env_remove("SSL_CERT_FILE")
            .env_remove("AWS_CA_BUNDLE")
            .env_remove("TOKEN_EXPIRY_THRESHOLD_IN_MINS")
            .env_remove("STAX_CREDENTIAL_CACHE")
            .env_remove("LOG_LEVEL");
        cmd
    }

    /// `program` (bash, python3, ...) with the environment [`stax`](Self::stax) gets, and this
    /// build's `stax` first on the PATH.
    pub fn command(&self, program: &str) -> std::process::Command {
        let stax = assert_cmd::cargo::cargo_bin("stax");
        let path = format!(
            "{}:{}",
            stax.parent().unwrap().display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let probe = self.stax_std();
        let mut cmd = std::process::Command::new(program);
        for (name, value) in probe.get_envs() {
            match value {
                Some(value) => cmd.env(name, value),
                None => cmd.env_remove(name),
            };
        }
        cmd.env("PATH", path);
        cmd
    }

    /// The emulator's stats.
    pub fn stats(&self) -> serde_json::Value {
        self._emulator.stats()
    }

    /// A counter of the stats (`/operations/accounts.ReadAccounts`), 0 when absent.
    pub fn stat(&self, pointer: &str) -> u64 {
        self.stats()
            .pointer(pointer)
            .and_then(serde_json::Value::as_u64)
            .unwrap_or(0)
    }

    /// The PEM of the emulator's certificate, when started with TLS.
    pub fn ca_cert(&self) -> Option<&std::path::Path> {
        self._emulator.ca_cert()
    }

    /// The emulator itself.
    pub fn emulator(&self) -> &stax_emulator::RunningEmulator {
        &self._emulator
    }
}

/// Runs `stax emulator ARGS`, reads its ready line (the first stdout line, JSON), stops it.
pub fn emulator_ready_line<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> serde_json::Value {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("stax"))
        .arg("emulator")
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let _ = child.kill();
    let _ = child.wait();
    serde_json::from_str(&line).unwrap_or_else(|e| panic!("not a ready line ({e}): {line:?}"))
}
