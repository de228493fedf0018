//! Shared helpers of the CLI tests: the reference documents and a running emulator.
#![allow(dead_code)]

#[path = "../../../../testsupport/shared_dir.rs"]
mod shared_dir;
pub use shared_dir::shared_file;

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
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let emulator = runtime
            .block_on(stax_emulator::start(stax_emulator::EmulatorOptions {
                task_delay: std::time::Duration::from_millis(task_delay_ms),
                ..Default::default()
            }))
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
    pub fn stax(&self) -> assert_cmd::Command {
        let mut cmd = assert_cmd::Command::cargo_bin("stax").unwrap();
        let cache =
            std::env::temp_dir().join(format!("stax-cli-test-cache-{}", std::process::id()));
        cmd.env("STAX_ENDPOINT", &self.endpoint)
            .env("AWS_ENDPOINT_URL", &self.endpoint)
            .env("STAX_ACCESS_KEY", &self.access_key)
            .env("STAX_SECRET_KEY", &self.secret_key)
            .env("XDG_CACHE_HOME", cache)
            .env_remove("STAX_SCHEMA")
            .env_remove("STAX_PROFILE")
            .env_remove("LOG_LEVEL");
        cmd
    }

    /// The emulator's stats.
    pub fn stats(&self) -> serde_json::Value {
        self._emulator.stats()
    }
}
