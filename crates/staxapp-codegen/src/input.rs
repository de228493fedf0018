//! The documents to generate from: which Stax API each one describes, and its operation map
//! as the SDK reads it (`stax_openapi::operations`).

use std::path::Path;

use serde_json::Value;
use stax_openapi::operations::{Layout, OperationMap, build_map};

use crate::error::Error;

/// The Stax APIs the generator knows (the SDK's `staxapp::Api`; a test keeps the two alike).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ApiKind {
    /// The core API, version 20190206: the document names its services.
    Core,
    /// The Permission Sets API, version 20210321: one service, `permission-sets`.
    PermissionSets,
}

impl ApiKind {
    /// The version segment of the API's paths.
    pub fn version(self) -> &'static str {
        match self {
            ApiKind::Core => "20190206",
            ApiKind::PermissionSets => "20210321",
        }
    }

    /// The one service of the API, when it has one.
    pub fn service(self) -> Option<&'static str> {
        match self {
            ApiKind::Core => None,
            ApiKind::PermissionSets => Some("permission-sets"),
        }
    }

    /// How the SDK reads the API's document.
    pub fn layout(self) -> Layout {
        match self.service() {
            None => Layout::default(),
            Some(service) => Layout::one_service(service, format!("/{}", self.version())),
        }
    }

    /// The module, under `types`, that holds the document's models: the core API's at the
    /// top, the Permission Sets API's in `permission_sets`.
    pub fn types_module(self) -> Vec<String> {
        match self {
            ApiKind::Core => Vec::new(),
            ApiKind::PermissionSets => vec!["permission_sets".to_owned()],
        }
    }

    /// `core (20190206)`, for messages.
    pub fn label(self) -> String {
        match self {
            ApiKind::Core => format!("core ({})", self.version()),
            ApiKind::PermissionSets => format!("Permission Sets ({})", self.version()),
        }
    }

    /// The API a document describes: the Permission Sets API when its `info.version`, a
    /// server URL or its paths say 20210321; the core API otherwise.
    pub fn of(doc: &Value) -> ApiKind {
        let sets = ApiKind::PermissionSets.version();
        let by_version = doc.pointer("/info/version").and_then(Value::as_str) == Some(sets);
        let by_server = doc
            .get("servers")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|s| s.get("url").and_then(Value::as_str))
            .any(|url| url.trim_end_matches('/').ends_with(&format!("/{sets}")));
        let by_paths = doc
            .get("paths")
            .and_then(Value::as_object)
            .is_some_and(|paths| paths.keys().any(|p| p.starts_with(&format!("/{sets}/"))));
        if by_version || by_server || by_paths {
            ApiKind::PermissionSets
        } else {
            ApiKind::Core
        }
    }
}

/// One document, read.
#[derive(Debug)]
pub struct Input {
    /// What errors call it: its path, or the name it was given by.
    pub name: String,
    /// The document.
    pub doc: Value,
    /// The API it describes.
    pub api: ApiKind,
    /// Its services and operations, as the SDK routes them.
    pub operations: OperationMap,
}

impl Input {
    /// Reads the document at `path`.
    pub fn from_file(path: &Path) -> Result<Input, Error> {
        let bytes = std::fs::read(path).map_err(|source| Error::Read {
            path: path.to_owned(),
            source,
        })?;
        let name = path.display().to_string();
        let doc = serde_json::from_slice(&bytes).map_err(|e| Error::NotADocument {
            document: name.clone(),
            reason: format!("not JSON: {e}"),
        })?;
        Input::from_value(name, doc)
    }

    /// Reads a document already parsed, known as `name`.
    pub fn from_value(name: String, doc: Value) -> Result<Input, Error> {
        let api = ApiKind::of(&doc);
        let (_, operations) = build_map(&doc, &api.layout()).map_err(|e| Error::NotADocument {
            document: name.clone(),
            reason: e.to_string(),
        })?;
        Ok(Input {
            name,
            doc,
            api,
            operations,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn documents_say_which_api_they_describe() {
        assert_eq!(
            ApiKind::of(&json!({"info": {"version": "20210321"}, "paths": {}})),
            ApiKind::PermissionSets
        );
        assert_eq!(
            ApiKind::of(
                &json!({"servers": [{"url": "https://api.idam.au1.staxapp.cloud/20210321/"}], "paths": {}})
            ),
            ApiKind::PermissionSets
        );
        assert_eq!(
            ApiKind::of(&json!({"paths": {"/20210321/permission-sets": {}}})),
            ApiKind::PermissionSets
        );
        assert_eq!(
            ApiKind::of(
                &json!({"info": {"version": "20190206"}, "paths": {"/20190206/accounts": {}}})
            ),
            ApiKind::Core
        );
    }

    #[test]
    fn documents_without_paths_are_refused() {
        let err = Input::from_value("x.json".into(), json!({"openapi": "3.0.0"})).unwrap_err();
        assert!(err.to_string().starts_with("x.json is not"), "{err}");
    }

    /// The generator's table of APIs says what the SDK's says.
    #[test]
    fn the_apis_are_the_sdks() {
        for (kind, api) in [
            (ApiKind::Core, staxapp::Api::CORE),
            (ApiKind::PermissionSets, staxapp::Api::PERMISSION_SETS),
        ] {
            assert_eq!(kind.version(), api.version());
            assert_eq!(kind.service(), api.service());
            assert_eq!(kind.layout(), api.layout());
        }
        assert_eq!(
            staxapp::Api::BUILT_IN.len(),
            2,
            "a new built-in API needs a kind here"
        );
        // And the waiter looks for a task's id where the generator does.
        assert_eq!(
            crate::model::operations::TASK_ID_PATHS,
            staxapp::tasks::TASK_ID_PATHS
        );
    }
}
