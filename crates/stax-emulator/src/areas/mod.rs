//! The Stax API, one folder per area.
//!
//! Each area (`accounts/`, `organisations/`, ...) holds:
//! - `mod.rs`: its operation table ([`Operation`]: id, method, path, roles allowed, handler,
//!   and how the document describes it), its components of the served document and the kinds
//!   of resources it declares ([`Area::kinds`]);
//! - `handlers.rs`: the wire side: its kinds' rules as [`resource::Resource`] hooks (their
//!   reads, creations, changes and deletions are [`resource`]'s generic operations), and the
//!   handlers of its own, from a [`Call`] to an answer;
//! - `model.rs`: its rules over the store (a new record's own fields, lookups, checks).
//!
//! The tables of all areas ([`table`]) build the router, the served documents' paths
//! ([`document`], one per API version, where each operation is tagged with its area) and the
//! names the stats count; a test checks that the three agree. Adding an area is one folder
//! a `mod` line and one line in the `areas!` list below, also for another API version (the first segment
//! of its paths, e.g. `/20210321/...`): its document is served where that API serves it
//! (`protocol::API_VERSIONS`: `/20190206/public/oas3-document`,
//! `/20210321/public/api-document`), naming operations and answering errors as that API does.

pub(crate) mod api;
pub(crate) mod doc;
pub(crate) mod regions;
pub(crate) mod resource;
pub(crate) mod rules;
pub(crate) mod wire;

use std::sync::LazyLock;

use serde_json::{Map, Value};

use crate::store::kinds::Kind;

pub(crate) use api::{Call, Context, Handler, Operation, Plan};

/// An area of the API: its operation table, its components of the served document and the
/// kinds of resources it keeps.
pub(crate) struct Area {
    /// Its operations.
    pub operations: fn() -> Vec<Operation>,
    /// Adds its components to the document's `components.schemas`.
    pub schemas: fn(&mut Map<String, Value>),
    /// The kinds it declares (each kind in one area).
    pub kinds: &'static [&'static Kind],
}

pub(crate) mod accounts;
pub(crate) mod insights;
pub(crate) mod networking;
pub(crate) mod organisations;
pub(crate) mod permission_sets;
pub(crate) mod policies;
pub(crate) mod public;
pub(crate) mod services;
pub(crate) mod tasks;
pub(crate) mod teams;
pub(crate) mod users;
pub(crate) mod workloads;

/// Lists the areas (each a folder above with an `AREA`), in the order their operations are
/// listed. The folders are declared as plain modules so that `cargo fmt` visits them.
macro_rules! areas {
    ($($name:ident,)*) => {
        /// Every area by name, in the order their operations are listed.
        pub(crate) const AREAS: &[(&str, &Area)] = &[$((stringify!($name), &$name::AREA),)*];
    };
}

areas! {
    public,
    accounts,
    networking,
    teams,
    tasks,
    organisations,
    policies,
    users,
    workloads,
    services,
    insights,
    permission_sets,
}

/// An operation of the table and the area it belongs to.
pub(crate) struct Entry {
    pub area: &'static str,
    pub op: Operation,
}

static TABLE: LazyLock<Vec<Entry>> = LazyLock::new(|| {
    AREAS
        .iter()
        .flat_map(|(area, a)| (a.operations)().into_iter().map(|op| Entry { area, op }))
        .collect()
});

/// Every operation of every area.
pub(crate) fn table() -> &'static [Entry] {
    &TABLE
}

/// Every kind of resource of every area (which records name which, for deletions).
pub(crate) fn kinds() -> impl Iterator<Item = &'static Kind> {
    let kinds = AREAS
        .iter()
        .flat_map(|(_, area)| area.kinds.iter().copied());
    // The framework's own tests declare kinds of their own.
    #[cfg(test)]
    let kinds = kinds.chain(resource::tests::KINDS.iter().copied());
    kinds
}

/// The API version of a path: its first segment (`20190206`).
pub(crate) fn version_of(path: &str) -> &str {
    path.trim_start_matches('/').split('/').next().unwrap_or("")
}

/// The API versions the table serves, in the order their areas are listed.
pub(crate) fn versions() -> Vec<&'static str> {
    let mut versions: Vec<&'static str> = Vec::new();
    for entry in table() {
        let version = version_of(entry.op.path);
        if !versions.contains(&version) {
            versions.push(version);
        }
    }
    versions
}

/// The emulator's own document of one API version: every operation of [`table`] under that
/// version, and the components of the areas that have them.
pub(crate) fn document(version: &str) -> Value {
    doc::document(AREAS, table(), version)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// Lists under a record and the rules looking for what names a record read the field
    /// from an index: every parent and reference field of every kind has one.
    #[test]
    fn every_reference_field_is_indexed() {
        let unindexed: BTreeSet<String> = kinds()
            .flat_map(|kind| {
                let fields = kind.parent.iter().chain(kind.refs).map(|r| r.field);
                fields
                    .filter(|field| !crate::store::query::REFERENCES.contains(field))
                    .map(|field| format!("{}.{field}", kind.name))
            })
            .collect();
        assert!(unindexed.is_empty(), "no index: {unindexed:?}");
    }

    #[test]
    fn table_and_document_agree() {
        let mut in_doc = BTreeSet::new();
        for version in versions() {
            check_document(&document(version), &mut in_doc);
        }
        let in_table: BTreeSet<_> = table()
            .iter()
            .map(|e| {
                (
                    e.op.method.to_owned(),
                    e.op.path.to_owned(),
                    e.op.id.to_owned(),
                )
            })
            .collect();
        assert_eq!(in_doc, in_table);
        assert_eq!(in_table.len(), table().len(), "one entry per route");
        assert_eq!(versions(), ["20190206", "20210321"]);
    }

    /// Adds the document's operations to `in_doc`, checking what each says: with its full
    /// path (the server's path, then the document's) and its `service.Operation` id.
    fn check_document(doc: &Value, in_doc: &mut BTreeSet<(String, String, String)>) {
        let server = doc["servers"][0]["url"]
            .as_str()
            .unwrap()
            .trim_end_matches('/');
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                let id = match op.get("x-stax-sdk-operation-id") {
                    Some(id) => id.as_str().unwrap().to_owned(),
                    None => format!("permission-sets.{}", op["operationId"].as_str().unwrap()),
                };
                let id = id.as_str();
                let path = format!("{server}{path}");
                assert!(op["x-stax-emulator-roles"].is_array(), "{id}");
                assert_eq!(op["tags"].as_array().map(Vec::len), Some(1), "{id}");
                assert!(
                    op["description"].as_str().unwrap().contains("call it"),
                    "{id}: the description says who may call it"
                );
                in_doc.insert((method.clone(), path.clone(), id.to_owned()));
            }
        }
        // Every component referenced is defined.
        let text = doc.to_string();
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        for reference in text.split("#/components/schemas/").skip(1) {
            let name = reference.split('"').next().unwrap();
            assert!(
                schemas.contains_key(name),
                "{name} is referenced but not defined"
            );
        }
    }

    #[test]
    fn operations_are_well_formed() {
        for op in table().iter().map(|e| &e.op) {
            assert!(
                ["get", "put", "post", "delete"].contains(&op.method),
                "{}",
                op.id
            );
            let version = op.path.split('/').nth(1).unwrap_or("");
            assert!(
                version.len() == 8 && version.bytes().all(|b| b.is_ascii_digit()),
                "{}: the path starts with the API version",
                op.id
            );
            let (service, name) = op.id.split_once('.').unwrap();
            assert!(!service.is_empty() && !name.is_empty(), "{}", op.id);
            for status in op.event_errors {
                assert!(op.errors.contains(status) || *status == 403, "{}", op.id);
            }
            if op.method != "get" {
                assert!(
                    op.roles != crate::roles::Allowed::READ && !op.roles.is_public(),
                    "{}: read-only roles change nothing",
                    op.id
                );
            }
        }
    }

    #[test]
    fn kinds_are_declared_once_and_whole() {
        let all: Vec<_> = kinds().collect();
        let mut names = BTreeSet::new();
        for kind in &all {
            assert!(names.insert(kind.name), "{} is declared twice", kind.name);
            for field in [kind.what, kind.plural, kind.param, kind.id] {
                assert!(!field.is_empty(), "{}: a name is missing", kind.name);
            }
            for named in kind.parent.iter().chain(kind.refs) {
                assert!(
                    all.iter().any(|k| k.name == named.kind.name),
                    "{} names {}, which no area declares",
                    kind.name,
                    named.kind.name
                );
            }
            let walk = &kind.walk;
            if [walk.create, walk.update, walk.delete]
                .iter()
                .any(|s| s.task)
            {
                assert!(kind.stamps.task, "{}: tasks need UserTaskId", kind.name);
            }
        }
    }

    #[test]
    fn served_document_validates_bodies() {
        let doc = crate::document::Document::new(document("20190206"));
        assert!(
            doc.validate(
                "accounts.CreateAccountType",
                &serde_json::json!({"Name": 5})
            )
            .is_err()
        );
        assert!(
            doc.validate(
                "accounts.CreateAccountType",
                &serde_json::json!({"Name": "ok"})
            )
            .is_ok()
        );
        assert!(doc.validate("no.Such", &serde_json::json!(1)).is_ok());
    }
}
