//! Checks answers of the Permission Sets API against Stax's reference document of it, for the
//! tests of every crate.
//!
//! Included by path (`#[path = ".../testsupport/permission_sets_reference.rs"] mod reference;`)
//! and loaded with the crate's `shared_file` (of `shared_dir.rs`): the document is read at run
//! time from `$STAX_SHARED_DIR/reference/` and never copied.

use serde_json::Value;
use stax_openapi::{Dialect, Direction, Spec, Target, pointer};

/// The reference document, relative to the shared folder.
pub const DOCUMENT: &str = "reference/stax-permission-sets-20210321.oas3.json";

/// The reference document, read as OpenAPI 3.0.
pub struct Reference {
    spec: Spec,
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
        })
    }

    /// `(path, method, operationId)` of every operation.
    #[allow(dead_code)]
    pub fn operations(&self) -> Vec<(String, String, String)> {
        let mut out = Vec::new();
        for (path, item) in self.spec.raw()["paths"].as_object().expect("paths") {
            for (method, op) in item.as_object().expect("path item") {
                if let Some(id) = op.get("operationId").and_then(Value::as_str) {
                    out.push((path.clone(), method.clone(), id.to_owned()));
                }
            }
        }
        out
    }

    /// Panics unless the document gives `operation` a `status` answer whose schema accepts
    /// `body` (an answer without a schema accepts any body).
    pub fn check(&self, operation: &str, status: u16, body: &Value) {
        let (path, method, _) = self
            .operations()
            .into_iter()
            .find(|(_, _, id)| id == operation)
            .unwrap_or_else(|| panic!("the reference has no operation {operation}"));
        let key = status.to_string();
        let op = &self.spec.raw()["paths"][&path][&method];
        assert!(
            op["responses"][&key].is_object(),
            "{operation}: the reference documents no {status} (it documents {:?})",
            op["responses"]
                .as_object()
                .map(|r| r.keys().cloned().collect::<Vec<_>>())
        );
        let at = pointer::from_tokens([
            "paths",
            &path,
            &method,
            "responses",
            &key,
            "content",
            "application/json",
            "schema",
        ]);
        if self.spec.raw().pointer(&at).is_none() {
            return;
        }
        let validator = self
            .spec
            .validator(Target::Pointer(&at), Direction::Response)
            .unwrap_or_else(|e| panic!("{operation}: the schema does not compile: {e}"));
        let errors: Vec<String> = validator.violations(body).map(|v| v.to_string()).collect();
        assert!(
            errors.is_empty(),
            "{operation} {status} breaks the reference document: {errors:?}\n{body}"
        );
    }
}
