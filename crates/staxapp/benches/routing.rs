//! Routing and validation against Stax's reference document, and document load time.
//!
//! The document is read from `$STAX_SHARED_DIR/reference/stax-core-20190206.oas3.json` (a
//! relative `STAX_SHARED_DIR` is taken from the workspace root), else from `../shared` next to
//! the workspace root; without it the benchmarks are skipped with a note.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use serde_json::{Map, Value, json};
use staxapp::schema::Document;

const CORE: &str = "reference/stax-core-20190206.oas3.json";

fn document_path() -> Option<PathBuf> {
    let root = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."));
    let shared = match std::env::var_os("STAX_SHARED_DIR") {
        Some(dir) if PathBuf::from(&dir).is_relative() => root.join(dir),
        Some(dir) => PathBuf::from(dir),
        None => root.join("../shared"),
    };
    let path = shared.join(CORE);
    if path.is_file() {
        Some(path)
    } else {
        eprintln!(
            "skipping the routing benchmarks: {} is absent",
            path.display()
        );
        None
    }
}

fn args(value: Value) -> Map<String, Value> {
    value.as_object().cloned().unwrap_or_default()
}

fn benches(c: &mut Criterion) {
    let Some(path) = document_path() else { return };
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) => {
            eprintln!("skipping the routing benchmarks: {}: {e}", path.display());
            return;
        }
    };
    let value: Value = match serde_json::from_slice(&bytes) {
        Ok(value) => value,
        Err(e) => {
            eprintln!("skipping the routing benchmarks: {}: {e}", path.display());
            return;
        }
    };
    let doc = match Document::from_value(value.clone()) {
        Ok(doc) => doc,
        Err(e) => {
            eprintln!("skipping the routing benchmarks: {e}");
            return;
        }
    };

    let create = args(json!({
        "Name": "bakery",
        "AccountType": "development",
        "Tags": {"CostCode": "12345"}
    }));
    let read =
        args(json!({"account_id": "e893d7e0-9306-11e9-bc42-526af7764f64", "filter": "ACTIVE"}));
    // Warm the CreateAccount validator so the steady-state numbers exclude compilation.
    if let Err(e) = doc.prepare("accounts", "CreateAccount", create.clone()) {
        eprintln!("skipping the routing benchmarks: CreateAccount does not validate: {e}");
        return;
    }

    let mut load = c.benchmark_group("load");
    load.sample_size(20);
    load.bench_function("from_slice core document", |b| {
        b.iter(|| Document::from_slice(black_box(&bytes)))
    });
    load.bench_function("from_value core document", |b| {
        b.iter_batched(
            || value.clone(),
            |value| Document::from_value(black_box(value)),
            BatchSize::LargeInput,
        )
    });
    load.bench_function("first CreateAccount validation (registry + compile)", |b| {
        b.iter_batched(
            || Document::from_value(value.clone()).ok(),
            |fresh| {
                fresh.map(|d| d.validate_component("accounts.CreateAccount", &json!({"Name": "x"})))
            },
            BatchSize::LargeInput,
        )
    });
    load.finish();

    let mut group = c.benchmark_group("call");
    group.bench_function("route ReadAccounts", |b| {
        b.iter_batched(
            || read.clone(),
            |args| doc.route("accounts", "ReadAccounts", black_box(args)),
            BatchSize::SmallInput,
        )
    });
    group.bench_function("prepare ReadAccounts", |b| {
        b.iter_batched(
            || read.clone(),
            |args| doc.prepare("accounts", "ReadAccounts", black_box(args)),
            BatchSize::SmallInput,
        )
    });
    group.bench_function("route CreateAccount", |b| {
        b.iter_batched(
            || create.clone(),
            |args| doc.route("accounts", "CreateAccount", black_box(args)),
            BatchSize::SmallInput,
        )
    });
    group.bench_function("prepare CreateAccount (route + validate)", |b| {
        b.iter_batched(
            || create.clone(),
            |args| doc.prepare("accounts", "CreateAccount", black_box(args)),
            BatchSize::SmallInput,
        )
    });
    group.bench_function("lookup with kebab-case fallback", |b| {
        b.iter(|| {
            doc.operation(black_box("accounts"), black_box("read-accounts"))
                .is_ok()
        })
    });
    group.finish();
}

criterion_group!(routing, benches);
criterion_main!(routing);
