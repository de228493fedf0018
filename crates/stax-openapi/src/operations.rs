//! The operation map: which services and operations a Stax document offers, and on which
//! paths and methods each operation lives, read as the official Python SDK reads it (the
//! vendor extension `x-stax-sdk-operation-id` = `"service.Operation"`, else `operationId`;
//! ids that do not split into exactly two parts are skipped). The SDK routes by it, and the
//! typed API's generator names its services and operations by it.
//!
//! ```
//! use serde_json::json;
//! use stax_openapi::operations::{Layout, build_map};
//!
//! let doc = json!({"paths": {
//!     "/20190206/accounts": {"get": {"x-stax-sdk-operation-id": "accounts.ReadAccounts"}},
//!     "/20190206/accounts/{account_id}": {"get": {"x-stax-sdk-operation-id": "accounts.ReadAccounts"}}
//! }});
//! let (_, map) = build_map(&doc, &Layout::default())?;
//! let read = &map["accounts"]["ReadAccounts"];
//! assert_eq!(read.variants.len(), 2);
//! assert!(!read.path_parameters()[0].required); // on one path variant only
//! # Ok::<(), stax_openapi::operations::NotADocument>(())
//! ```

use std::collections::BTreeMap;

use serde_json::Value;

use crate::describe::{self, ParameterInfo, ParameterLocation};

/// The vendor extension naming an operation as `"service.Operation"`.
pub const STAX_OPERATION_ID: &str = "x-stax-sdk-operation-id";

/// A value that cannot be read as an OpenAPI document at all: not an object, or without a
/// `paths` object. (Anything else that is odd is skipped, not refused.)
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct NotADocument(pub String);

/// The HTTP methods an OAS3 path item may hold, in the spelling the document uses.
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Which field of an OAS3 operation names it as `"service.Operation"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OperationKey {
    /// The vendor extension `x-stax-sdk-operation-id` (current Stax documents).
    StaxSdkOperationId,
    /// The standard `operationId`, used when no operation carries the extension (older
    /// installations).
    OperationId,
}

impl OperationKey {
    /// The field's name in the document: `x-stax-sdk-operation-id` or `operationId`.
    pub fn as_str(self) -> &'static str {
        match self {
            OperationKey::StaxSdkOperationId => STAX_OPERATION_ID,
            OperationKey::OperationId => "operationId",
        }
    }
}

impl std::fmt::Display for OperationKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a document is read into services and paths: the core API's documents name their
/// services themselves (`x-stax-sdk-operation-id` = `service.Operation`, or `operationId`);
/// the Permission Sets API's document names its operations by `operationId` alone, and its
/// paths are relative to a server URL that ends in the version segment.
///
/// ```
/// use stax_openapi::operations::Layout;
///
/// let core = Layout::default();
/// assert_eq!(core.service, None);
/// let sets = Layout::one_service("permission-sets", "/20210321");
/// assert_eq!(sets.full_path("/permission-sets"), "/20210321/permission-sets");
/// assert_eq!(sets.full_path("/20210321/permission-sets"), "/20210321/permission-sets");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Layout {
    /// When set, every operation belongs to this one service and its `operationId` is its
    /// name (no `service.` part). When unset, services come from the ids (PARITY.md O2).
    pub service: Option<String>,
    /// Put before every path that does not already start with it (a `/`-led version
    /// segment such as `/20210321`), so that routed paths are full paths from the host.
    pub path_prefix: Option<String>,
}

impl Layout {
    /// Every operation in `service`, named by its `operationId`, paths under `path_prefix`.
    pub fn one_service(service: impl Into<String>, path_prefix: impl Into<String>) -> Layout {
        let prefix = path_prefix.into();
        Layout {
            service: Some(service.into()),
            path_prefix: Some(format!("/{}", prefix.trim_matches('/'))).filter(|p| p != "/"),
        }
    }

    /// The path of a document's path template as routed: the prefix, then the template,
    /// unless the template starts with the prefix already.
    pub fn full_path(&self, path: &str) -> String {
        match &self.path_prefix {
            Some(prefix)
                if !(path.starts_with(prefix.as_str())
                    && matches!(path.as_bytes().get(prefix.len()), None | Some(b'/'))) =>
            {
                format!("{prefix}{path}")
            }
            _ => path.to_owned(),
        }
    }
}

/// One operation of a service, e.g. `accounts.ReadAccounts`, with every path it lives on.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Operation {
    /// The service (staxapp's "class"), e.g. `accounts`.
    pub service: String,
    /// The operation's name, e.g. `ReadAccounts`.
    pub name: String,
    /// The `summary` of the first path variant, in document order, that has one.
    pub summary: Option<String>,
    /// The `description` of the first path variant, in document order, that has one.
    pub description: Option<String>,
    /// The paths and methods the operation lives on, in routing order: by number of path
    /// parameters, ties in document order (paths in document order, then methods in the order
    /// they appear under the path). Routing picks the last variant whose path parameters are
    /// all given.
    pub variants: Vec<PathVariant>,
}

/// One path and method an operation lives on.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct PathVariant {
    /// The path template as routed, e.g. `/20190206/accounts/{account_id}`: as written in the
    /// document, after the [`Layout`]'s prefix when it has one.
    pub path: String,
    /// The HTTP method.
    pub method: http::Method,
    /// The names of the template's `{...}` segments, in order.
    pub path_params: Vec<String>,
    /// The component named by the last segment of the request body's
    /// `content."application/json".schema.$ref`, if there is one.
    pub body_schema: Option<String>,
    /// Whether a body with no `$ref` component is validated against `service.Operation`
    /// (staxapp's rule, for the core API's documents); when false (a one-service [`Layout`],
    /// whose operations without a request body take none), it is not validated.
    pub body_fallback: bool,
    /// The declared parameters: the path item's, then the operation's (an operation-level one
    /// replaces a path-level one of the same name and location), then any template parameter
    /// that is not declared.
    pub parameters: Vec<ParameterInfo>,
    /// JSON pointer to the operation object in the document, e.g.
    /// `/paths/~120190206~1accounts/get`.
    pub pointer: String,
}

impl PathVariant {
    /// Whether the method carries a JSON body (`PUT`, `POST`, and `PATCH`, which staxapp cannot
    /// send at all and is treated like `PUT`).
    pub fn has_body(&self) -> bool {
        method_has_body(&self.method)
    }

    /// The component a body sent on this variant is validated against: the request body's
    /// `$ref` component, else `service.Operation` (when [`body_fallback`](Self::body_fallback)).
    /// `None` for methods without a body.
    pub fn validates_against(&self, service: &str, operation: &str) -> Option<String> {
        if !self.has_body() {
            return None;
        }
        match &self.body_schema {
            Some(component) => Some(component.clone()),
            None => self.body_fallback.then(|| format!("{service}.{operation}")),
        }
    }
}

/// Whether requests of `method` carry a JSON body: `PUT`, `POST` and `PATCH`.
pub fn method_has_body(method: &http::Method) -> bool {
    *method == http::Method::PUT || *method == http::Method::POST || *method == http::Method::PATCH
}

impl Operation {
    /// `service.Operation`, e.g. `accounts.ReadAccounts`.
    pub fn id(&self) -> String {
        format!("{}.{}", self.service, self.name)
    }

    /// Every parameter of the operation across its variants, deduplicated by name and location
    /// (the first declaration wins). A parameter counts as `required` only when every variant
    /// requires it: `account_id` of `ReadAccounts` lives on one variant only, so it is optional
    /// for the operation as a whole.
    pub fn parameters(&self) -> Vec<ParameterInfo> {
        let mut merged: Vec<ParameterInfo> = Vec::new();
        for variant in &self.variants {
            for param in &variant.parameters {
                if merged
                    .iter()
                    .any(|p| p.name == param.name && p.location == param.location)
                {
                    continue;
                }
                let mut param = param.clone();
                param.required = self.variants.iter().all(|v| {
                    v.parameters
                        .iter()
                        .any(|p| p.name == param.name && p.location == param.location && p.required)
                });
                merged.push(param);
            }
        }
        merged
    }

    /// The parameters of [`Operation::parameters`] that live in the path.
    pub fn path_parameters(&self) -> Vec<ParameterInfo> {
        self.parameters()
            .into_iter()
            .filter(|p| p.location == ParameterLocation::Path)
            .collect()
    }

    /// The parameters of [`Operation::parameters`] that live in the query string.
    pub fn query_parameters(&self) -> Vec<ParameterInfo> {
        self.parameters()
            .into_iter()
            .filter(|p| p.location == ParameterLocation::Query)
            .collect()
    }

    /// Whether some variant sends a JSON body.
    pub fn has_body(&self) -> bool {
        self.variants.iter().any(PathVariant::has_body)
    }

    /// The component the body of the first body-carrying variant is validated against (see
    /// [`PathVariant::validates_against`]).
    pub fn validates_against(&self) -> Option<String> {
        self.variants
            .iter()
            .find_map(|v| v.validates_against(&self.service, &self.name))
    }
}

/// The services of a document, each with its operations by name.
pub type OperationMap = BTreeMap<String, BTreeMap<String, Operation>>;

/// Builds the operation map of `doc` read by `layout`, leniently: path items, methods and
/// operations that are not objects, and ids that do not split into exactly two non-empty parts
/// on `.` (or, for a one-service layout, empty ids), are skipped.
pub fn build_map(
    doc: &Value,
    layout: &Layout,
) -> Result<(OperationKey, OperationMap), NotADocument> {
    let Some(root) = doc.as_object() else {
        return Err(NotADocument(format!(
            "the OpenAPI document must be a JSON object, found {}",
            describe::json_kind(doc)
        )));
    };
    let paths = match root.get("paths") {
        Some(Value::Object(paths)) => paths,
        Some(other) => {
            return Err(NotADocument(format!(
                "`paths` of the OpenAPI document must be an object, found {}",
                describe::json_kind(other)
            )));
        }
        None => {
            return Err(NotADocument(
                "the OpenAPI document has no `paths` object".to_owned(),
            ));
        }
    };

    let key = if layout.service.is_some() {
        OperationKey::OperationId
    } else if paths
        .values()
        .filter_map(Value::as_object)
        .flat_map(|item| item.values())
        .any(|op| op.get(STAX_OPERATION_ID).is_some_and(Value::is_string))
    {
        OperationKey::StaxSdkOperationId
    } else {
        OperationKey::OperationId
    };

    let mut map = OperationMap::new();
    for (path, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        let path_params = template_params(path);
        let path_level = item.get("parameters");
        for (method_key, op) in item {
            let Some(method) = parse_method(method_key) else {
                continue;
            };
            let Some(op_obj) = op.as_object() else {
                continue;
            };
            let id = op_obj.get(key.as_str()).and_then(Value::as_str);
            let named = match &layout.service {
                Some(service) => id
                    .filter(|id| !id.trim().is_empty())
                    .map(|id| (service.as_str(), id)),
                None => id.and_then(split_id),
            };
            let Some((service, name)) = named else {
                continue;
            };
            let body_schema = op
                .pointer("/requestBody/content/application~1json/schema/$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.rsplit('/').next())
                .filter(|s| !s.is_empty())
                .map(str::to_owned);
            let parameters = describe::declared_parameters(
                doc,
                path_level,
                op_obj.get("parameters"),
                &path_params,
            );
            let variant = PathVariant {
                path: layout.full_path(path),
                method,
                path_params: path_params.clone(),
                body_schema,
                body_fallback: layout.service.is_none(),
                parameters,
                pointer: crate::pointer::from_tokens(["paths", path, method_key]),
            };
            let text = |field: &str| {
                op_obj
                    .get(field)
                    .and_then(Value::as_str)
                    .filter(|s| !s.trim().is_empty())
                    .map(str::to_owned)
            };
            let operation = map
                .entry(service.to_owned())
                .or_default()
                .entry(name.to_owned())
                .or_insert_with(|| Operation {
                    service: service.to_owned(),
                    name: name.to_owned(),
                    summary: None,
                    description: None,
                    variants: Vec::new(),
                });
            if operation.summary.is_none() {
                operation.summary = text("summary");
            }
            if operation.description.is_none() {
                operation.description = text("description");
            }
            operation.variants.push(variant);
        }
    }
    for operations in map.values_mut() {
        for operation in operations.values_mut() {
            // `sort_by_key` is stable: ties keep document order.
            operation.variants.sort_by_key(|v| v.path_params.len());
        }
    }
    Ok((key, map))
}

/// The parameters of a path template as staxapp sees them: every `/`-separated segment that
/// contains `{`, with all braces removed.
pub fn template_params(path: &str) -> Vec<String> {
    path.split('/')
        .filter(|segment| segment.contains('{'))
        .map(|segment| segment.replace(['{', '}'], ""))
        .collect()
}

fn parse_method(key: &str) -> Option<http::Method> {
    let lower = key.to_ascii_lowercase();
    METHODS
        .contains(&lower.as_str())
        .then(|| http::Method::from_bytes(lower.to_ascii_uppercase().as_bytes()).ok())
        .flatten()
}

fn split_id(id: &str) -> Option<(&str, &str)> {
    let mut parts = id.split('.');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(service), Some(name), None) if !service.is_empty() && !name.is_empty() => {
            Some((service, name))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn template_params_follow_staxapp() {
        assert_eq!(
            template_params("/a/{x}/b/{y_z}"),
            vec!["x".to_owned(), "y_z".to_owned()]
        );
        assert!(template_params("/a/b").is_empty());
        assert_eq!(template_params("/a/{x}.json"), vec!["x.json".to_owned()]);
    }

    #[test]
    fn ids_must_have_exactly_two_parts() {
        assert_eq!(split_id("a.B"), Some(("a", "B")));
        assert_eq!(split_id("a.B.c"), None);
        assert_eq!(split_id("aB"), None);
        assert_eq!(split_id("services:Configure"), None);
        assert_eq!(split_id(".B"), None);
    }

    #[test]
    fn methods_are_the_oas3_ones() {
        assert_eq!(parse_method("get"), Some(http::Method::GET));
        assert_eq!(parse_method("PATCH"), Some(http::Method::PATCH));
        assert_eq!(parse_method("parameters"), None);
        assert_eq!(parse_method("x-amazon-apigateway-any-method"), None);
    }

    #[test]
    fn variants_sort_stably_by_parameter_count() {
        let doc = json!({"paths": {
            "/b/{x}/{y}": {"get": {"operationId": "s.Op"}},
            "/a/{x}": {"get": {"operationId": "s.Op"}, "delete": {"operationId": "s.Op"}},
            "/c": {"get": {"operationId": "s.Op"}},
            "/d/{z}": {"get": {"operationId": "s.Op"}}
        }});
        let (key, map) = build_map(&doc, &Layout::default()).unwrap();
        assert_eq!(key, OperationKey::OperationId);
        let order: Vec<(String, http::Method)> = map["s"]["Op"]
            .variants
            .iter()
            .map(|v| (v.path.clone(), v.method.clone()))
            .collect();
        assert_eq!(
            order,
            vec![
                ("/c".to_owned(), http::Method::GET),
                ("/a/{x}".to_owned(), http::Method::GET),
                ("/a/{x}".to_owned(), http::Method::DELETE),
                ("/d/{z}".to_owned(), http::Method::GET),
                ("/b/{x}/{y}".to_owned(), http::Method::GET),
            ]
        );
    }

    #[test]
    fn the_extension_wins_when_any_operation_has_it() {
        let doc = json!({"paths": {
            "/a": {"get": {"operationId": "legacy.Read", "x-stax-sdk-operation-id": "a.Read"}},
            "/b": {"get": {"operationId": "b.Read"}}
        }});
        let (key, map) = build_map(&doc, &Layout::default()).unwrap();
        assert_eq!(key, OperationKey::StaxSdkOperationId);
        assert_eq!(map.keys().collect::<Vec<_>>(), vec!["a"]);
    }

    #[test]
    fn odd_entries_are_skipped() {
        let doc = json!({"paths": {
            "/a": {
                "parameters": [],
                "summary": "not an operation",
                "x-thing": {"operationId": "x.Y"},
                "get": {"operationId": "a.Read", "requestBody": 7},
                "put": "nonsense",
                "post": {"operationId": 42},
                "delete": {"operationId": "a.b.c"}
            },
            "/b": null,
            "/c": [1, 2]
        }});
        let (_, map) = build_map(&doc, &Layout::default()).unwrap();
        assert_eq!(map.len(), 1);
        assert_eq!(map["a"].keys().collect::<Vec<_>>(), vec!["Read"]);
        assert_eq!(map["a"]["Read"].variants[0].body_schema, None);
        assert_eq!(map["a"]["Read"].variants[0].pointer, "/paths/~1a/get");
    }

    #[test]
    fn one_service_layouts_name_operations_by_operation_id() {
        let doc = json!({"paths": {
            "/things": {"get": {"operationId": "ListThings"}, "post": {"operationId": "a.B"}},
            "/things/{thing_id}": {"delete": {"operationId": "DeleteThing", "x-stax-sdk-operation-id": "x.Y"}},
            "/v1/other": {"get": {"operationId": " "}},
            "/v1": {"get": {"operationId": "Root"}}
        }});
        let (key, map) = build_map(&doc, &Layout::one_service("things", "v1")).unwrap();
        assert_eq!(key, OperationKey::OperationId);
        assert_eq!(map.keys().collect::<Vec<_>>(), vec!["things"]);
        let names: Vec<&String> = map["things"].keys().collect();
        assert_eq!(names, ["DeleteThing", "ListThings", "Root", "a.B"]);
        assert_eq!(map["things"]["ListThings"].variants[0].path, "/v1/things");
        assert_eq!(map["things"]["Root"].variants[0].path, "/v1");
        let delete = &map["things"]["DeleteThing"].variants[0];
        assert_eq!(delete.path, "/v1/things/{thing_id}");
        assert_eq!(delete.path_params, ["thing_id"]);
        assert_eq!(delete.pointer, "/paths/~1things~1{thing_id}/delete");
        assert_eq!(Layout::one_service("s", "/").path_prefix, None);
        assert_eq!(
            Layout::one_service("s", "/v1").full_path("/v10/x"),
            "/v1/v10/x"
        );
    }

    #[test]
    fn documents_without_paths_are_refused() {
        let err = build_map(&json!({"openapi": "3.0.0"}), &Layout::default()).unwrap_err();
        assert!(err.to_string().contains("`paths`"), "{err}");
        let err = build_map(&json!([1]), &Layout::default()).unwrap_err();
        assert!(err.to_string().contains("JSON object"), "{err}");
        let err = build_map(&json!({"paths": []}), &Layout::default()).unwrap_err();
        assert!(err.to_string().contains("found an array"), "{err}");
    }
}
