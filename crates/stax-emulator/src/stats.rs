//! Counters served at `GET /_emulator/stats`.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::{Value, json};

/// The Cognito calls always listed, even at zero.
const COGNITO_CALLS: [&str; 4] = [
    "InitiateAuth",
    "RespondToAuthChallenge",
    "GetId",
    "GetCredentialsForIdentity",
];

#[derive(Default)]
pub(crate) struct Stats {
    cognito: Mutex<BTreeMap<String, u64>>,
    operations: Mutex<BTreeMap<String, u64>>,
    rejected_signatures: AtomicU64,
    faults_injected: AtomicU64,
    requests: AtomicU64,
}

fn bump(map: &Mutex<BTreeMap<String, u64>>, key: &str) {
    let mut map = map.lock().unwrap_or_else(|p| p.into_inner());
    *map.entry(key.to_owned()).or_insert(0) += 1;
}

impl Stats {
    /// Counts one Cognito call (`InitiateAuth`, ...), whatever its outcome.
    pub fn cognito(&self, operation: &str) {
        bump(&self.cognito, operation);
    }

    /// Counts one Stax operation (`accounts.ReadAccounts`) that passed the signature check.
    pub fn operation(&self, operation_id: &str) {
        bump(&self.operations, operation_id);
    }

    pub fn rejected_signature(&self) {
        self.rejected_signatures.fetch_add(1, Ordering::Relaxed);
    }

    pub fn fault_injected(&self) {
        self.faults_injected.fetch_add(1, Ordering::Relaxed);
    }

    pub fn request(&self) {
        self.requests.fetch_add(1, Ordering::Relaxed);
    }

    pub fn snapshot(&self) -> Value {
        let mut cognito: BTreeMap<String, u64> =
            COGNITO_CALLS.iter().map(|c| ((*c).to_owned(), 0)).collect();
        for (k, v) in self
            .cognito
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
        {
            cognito.insert(k.clone(), *v);
        }
        let operations = self
            .operations
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        json!({
            "cognito": cognito,
            "operations": operations,
            "rejected_signatures": self.rejected_signatures.load(Ordering::Relaxed),
            "faults_injected": self.faults_injected.load(Ordering::Relaxed),
            "requests": self.requests.load(Ordering::Relaxed),
        })
    }

    pub fn reset(&self) {
        self.cognito
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
        self.operations
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
        self.rejected_signatures.store(0, Ordering::Relaxed);
        self.faults_injected.store(0, Ordering::Relaxed);
        self.requests.store(0, Ordering::Relaxed);
    }
}
