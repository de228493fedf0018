//! Counters served at `GET /_emulator/stats`.
//!
//! Keys are bounded: operations are counted under the ids of the operation table (or of the
//! `--openapi` document), Cognito calls under the names the emulator implements, requests by
//! `User-Agent` (the first [`MAX_AGENTS`], each cut at [`MAX_AGENT_LEN`] characters), and
//! anything else under [`OTHER`].

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

/// The key of calls the emulator does not know.
pub(crate) const OTHER: &str = "other";

/// Distinct `User-Agent`s counted under their own name.
const MAX_AGENTS: usize = 32;
/// Characters of a `User-Agent` kept.
const MAX_AGENT_LEN: usize = 128;

#[derive(Default)]
pub(crate) struct Stats {
    cognito: Mutex<BTreeMap<String, u64>>,
    operations: Mutex<BTreeMap<String, u64>>,
    rejected_signatures: AtomicU64,
    faults_injected: AtomicU64,
    requests: AtomicU64,
    user_agents: Mutex<BTreeMap<String, u64>>,
    document_sent: AtomicU64,
    document_not_modified: AtomicU64,
}

fn bump(map: &Mutex<BTreeMap<String, u64>>, key: &str) {
    let mut map = map.lock().unwrap_or_else(|p| p.into_inner());
    *map.entry(key.to_owned()).or_insert(0) += 1;
}

impl Stats {
    /// Counts one Cognito call (`InitiateAuth`, ...), whatever its outcome; `known` names the
    /// calls counted under their own name, the others count under [`OTHER`].
    pub fn cognito(&self, operation: &str, known: &[&str]) {
        let key = if known.contains(&operation) {
            operation
        } else {
            OTHER
        };
        bump(&self.cognito, key);
    }

    /// Counts one Stax operation (`accounts.ReadAccounts`, an id of the operation table) that
    /// passed the signature check.
    pub fn operation(&self, operation_id: &str) {
        bump(&self.operations, operation_id);
    }

    /// Counts one answer of the served document: whole, or `304 Not Modified`.
    pub fn document(&self, not_modified: bool) {
        let counter = if not_modified {
            &self.document_not_modified
        } else {
            &self.document_sent
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    pub fn rejected_signature(&self) {
        self.rejected_signatures.fetch_add(1, Ordering::Relaxed);
    }

    pub fn fault_injected(&self) {
        self.faults_injected.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts one request, and its `User-Agent` (`-` when it has none).
    pub fn request(&self, user_agent: Option<&str>) {
        self.requests.fetch_add(1, Ordering::Relaxed);
        let agent: String = user_agent
            .unwrap_or("-")
            .chars()
            .take(MAX_AGENT_LEN)
            .collect();
        let mut agents = self.user_agents.lock().unwrap_or_else(|p| p.into_inner());
        let key = if agents.contains_key(&agent) || agents.len() < MAX_AGENTS {
            agent
        } else {
            OTHER.to_owned()
        };
        *agents.entry(key).or_insert(0) += 1;
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
            "user_agents": self.user_agents.lock().unwrap_or_else(|p| p.into_inner()).clone(),
            "document": {
                "sent": self.document_sent.load(Ordering::Relaxed),
                "not_modified": self.document_not_modified.load(Ordering::Relaxed),
            },
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
        self.user_agents
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
        self.document_sent.store(0, Ordering::Relaxed);
        self.document_not_modified.store(0, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_cognito_calls_share_one_key() {
        let stats = Stats::default();
        for name in ["GetId", "Made-Up-1", "Made-Up-2"] {
            stats.cognito(name, &["GetId"]);
        }
        let snapshot = stats.snapshot();
        assert_eq!(snapshot["cognito"]["GetId"], 1);
        assert_eq!(snapshot["cognito"][OTHER], 2);
        assert_eq!(snapshot["cognito"].as_object().unwrap().len(), 5);
    }

    #[test]
    fn user_agents_are_bounded() {
        let stats = Stats::default();
        for i in 0..100 {
            stats.request(Some(&format!("agent-{i}")));
        }
        stats.request(Some("agent-0"));
        stats.request(Some(&"x".repeat(1000)));
        stats.request(None);
        let agents = stats.snapshot()["user_agents"].clone();
        let agents = agents.as_object().unwrap();
        assert_eq!(agents.len(), MAX_AGENTS + 1);
        assert_eq!(agents["agent-0"], 2);
        assert_eq!(agents[OTHER], 100 - MAX_AGENTS as u64 + 2);
    }
}
