//! Checks answers of the core API (`/20190206`) against Stax's reference document of it, for
//! the tests of every crate: an answer is found its operation by method and concrete path
//! (the document's template whose literal segments match), and must match the schema the
//! document gives its status.
//!
//! Included by path (`#[path = ".../testsupport/core_reference.rs"] mod core_reference;`) and
//! loaded with the crate's `shared_file` (of `shared_dir.rs`): the document is read at run
//! time from `$STAX_SHARED_DIR/reference/` and never copied.

use std::collections::BTreeSet;
use std::sync::Mutex;

use serde_json::Value;
use stax_openapi::{Dialect, Direction, Spec, Target, pointer};

/// The reference document, relative to the shared folder.
pub const DOCUMENT: &str = "reference/stax-core-20190206.oas3.json";

/// The reference document, read as OpenAPI 3.0, and the operations checked so far.
pub struct Reference {
    spec: Spec,
    checked: Mutex<BTreeSet<(String, String, u16)>>,
}

impl Reference {
    /// The document found by `shared_file` (`shared_dir.rs`'s), or `None` (after its note)
    /// when there is no shared folder.
    pub fn load(shared_file: impl Fn(&str) -> Option<std::path::PathBuf>) -> Option<Reference> {
        let path = shared_file(DOCUMENT)?;
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{} is unreadable: {e}", path.display()));
        let doc: Value = serde_json::from_str(&text).expect("the reference document is JSON");
        Some(Reference {
            spec: Spec::new(doc, Dialect::openapi30()),
            checked: Mutex::new(BTreeSet::new()),
        })
    }

    /// The document's path template of `method` that `path` (concrete, `/20190206/...`, no
    /// query) matches: literal segments equal, parameters anything; literal matches win.
    pub fn template(&self, method: &str, path: &str) -> Option<String> {
        let segments: Vec<&str> = path.split('/').collect();
        let mut best: Option<(usize, &String)> = None;
        for (template, item) in self.spec.raw()["paths"].as_object()? {
            if item.get(method).is_none() {
                continue;
            }
            let parts: Vec<&str> = template.split('/').collect();
            if parts.len() != segments.len() {
                continue;
            }
            let mut literal = 0;
            let fits = parts.iter().zip(&segments).all(|(part, segment)| {
                if part.starts_with('{') {
                    true
                } else {
                    literal += 1;
                    part == segment
                }
            });
            if fits && best.is_none_or(|(most, _)| literal > most) {
                best = Some((literal, template));
            }
        }
        best.map(|(_, template)| template.clone())
    }

    /// Panics unless the document gives the operation of `method` and `path` a `status`
    /// answer whose schema accepts `body`. Returns the operation's id.
    pub fn check(&self, method: &str, path: &str, status: u16, body: &Value) -> String {
        let method = method.to_ascii_lowercase();
        let template = self
            .template(&method, path)
            .unwrap_or_else(|| panic!("the reference has no {method} {path}"));
        let op = &self.spec.raw()["paths"][&template][&method];
        let id = op["x-stax-sdk-operation-id"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let key = status.to_string();
        assert!(
            op["responses"][&key].is_object(),
            "{id} ({method} {template}): the reference documents no {status}"
        );
        let at = pointer::from_tokens([
            "paths",
            &template,
            &method,
            "responses",
            &key,
            "content",
            "application/json",
            "schema",
        ]);
        if self.spec.raw().pointer(&at).is_some() {
            let validator = self
                .spec
                .validator(Target::Pointer(&at), Direction::Response)
                .unwrap_or_else(|e| panic!("{id}: the schema does not compile: {e}"));
            let errors: Vec<String> = validator.violations(body).map(|v| v.to_string()).collect();
            assert!(
                errors.is_empty(),
                "{id} ({method} {template}) {status} breaks the reference document: {errors:?}\n{body}"
            );
        }
        self.checked
            .lock()
            .unwrap()
            .insert((method, template, status));
        id
    }

    /// `(method, template, status)` of every answer checked so far.
    #[allow(dead_code)]
    pub fn checked(&self) -> BTreeSet<(String, String, u16)> {
        self.checked.lock().unwrap().clone()
    }

    /// `(method, template)` of every operation of the document whose id starts with `prefix`
    /// (`networking.`), the ones named in `only` if any.
    #[allow(dead_code)]
    pub fn operations(&self, prefix: &str, only: &[&str]) -> BTreeSet<(String, String)> {
        let mut out = BTreeSet::new();
        for (template, item) in self.spec.raw()["paths"].as_object().expect("paths") {
            for (method, op) in item.as_object().expect("path item") {
                let id = op["x-stax-sdk-operation-id"].as_str().unwrap_or_default();
                let name = id.strip_prefix(prefix).unwrap_or_default();
                if id.starts_with(prefix) && (only.is_empty() || only.contains(&name)) {
                    out.insert((method.clone(), template.clone()));
                }
            }
        }
        out
    }
}
