//! Reading an `--openapi` document into operations: each with its method, the template it is
//! routed by, its id (`x-stax-sdk-operation-id`, else `operationId`), who may call it, its
//! parameters, its documented statuses and its request and success schemas.

use std::sync::{Arc, OnceLock};

use serde_json::{Map, Value, json};
use stax_openapi::{Dialect, Direction as Wire, Spec, Target, Validator};

use super::schema;
use crate::roles::Allowed;

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "patch", "head", "options", "trace",
];

/// One operation of a document.
pub(crate) struct Operation {
    /// The whole document, read as OpenAPI 3.0, with its compiled validators (shared by the
    /// document's operations).
    pub(super) spec: Arc<Spec>,
    /// Upper case.
    pub method: String,
    /// The path template it is routed by (under the document's server path).
    pub template: String,
    pub id: String,
    /// Public (`security: []`, or under `/public/`) operations need no signature; reads are
    /// open to every role, changes need the user level.
    pub roles: Allowed,
    /// Parameter objects (`$ref`s resolved), path-level ones included.
    pub(super) parameters: Vec<Value>,
    /// Documented statuses (`default` as 0).
    pub(super) statuses: Vec<u16>,
    pub(super) success: u16,
    pub(super) response_schema: Option<Value>,
    pub(super) request_schema: Option<Value>,
    request_validator: OnceLock<Option<Arc<Validator>>>,
}

/// The operations of a document whose paths are relative to the server path `prefix`
/// (`/20210321` for the Permission Sets API): each path that does not start with the prefix
/// is routed under it. Odd entries are skipped with a warning.
pub(crate) fn operations(doc: &Value, prefix: &str) -> Vec<Arc<Operation>> {
    let spec = Arc::new(Spec::new(doc.clone(), Dialect::openapi30()));
    let default_public = doc.get("security").is_some_and(|s| s == &json!([]));
    let empty = Map::new();
    let paths = doc
        .get("paths")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let mut out = Vec::new();
    for (template, item) in paths {
        let Some(item) = schema::resolve(doc, item).and_then(Value::as_object) else {
            tracing::warn!(template, "path item is not an object; skipped");
            continue;
        };
        let routed = if prefix.is_empty()
            || template == prefix
            || template.starts_with(&format!("{prefix}/"))
        {
            template.clone()
        } else {
            format!("{prefix}{template}")
        };
        let shared: Vec<Value> = params_of(doc, item.get("parameters"));
        for method in METHODS {
            let Some(op) = item.get(method).filter(|o| o.is_object()) else {
                continue;
            };
            let context = Context {
                spec: &spec,
                template: &routed,
                shared: &shared,
                default_public,
            };
            out.push(Arc::new(Operation::new(&context, method, op)));
        }
    }
    out
}

/// What every operation of a path item shares.
struct Context<'a> {
    spec: &'a Arc<Spec>,
    template: &'a str,
    shared: &'a [Value],
    default_public: bool,
}

impl Operation {
    fn new(context: &Context<'_>, method: &str, op: &Value) -> Operation {
        let doc = context.spec.raw();
        let template = context.template;
        let id = op
            .get("x-stax-sdk-operation-id")
            .or_else(|| op.get("operationId"))
            .and_then(Value::as_str)
            .map(str::to_owned)
            .unwrap_or_else(|| format!("{} {template}", method.to_ascii_uppercase()));
        let public = match op.get("security") {
            Some(s) => s == &json!([]),
            None => context.default_public || template.contains("/public/"),
        };
        let roles = if public {
            Allowed::Public
        } else if matches!(method, "get" | "head") {
            Allowed::READ
        } else {
            Allowed::USER
        };
        let mut parameters = params_of(doc, op.get("parameters"));
        for p in context.shared {
            let same = |q: &Value| q.get("name") == p.get("name") && q.get("in") == p.get("in");
            if !parameters.iter().any(same) {
                parameters.push(p.clone());
            }
        }
        let responses = op
            .get("responses")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let statuses: Vec<u16> = responses
            .keys()
            .filter_map(|k| {
                if k == "default" {
                    Some(0)
                } else {
                    k.parse().ok()
                }
            })
            .collect();
        let success_key = responses
            .keys()
            .filter_map(|k| k.parse::<u16>().ok().map(|s| (s, k)))
            .filter(|(s, _)| (200..300).contains(s))
            .min()
            .map(|(_, k)| k.clone())
            .or_else(|| responses.contains_key("default").then(|| "default".into()));
        let success = success_key
            .as_deref()
            .and_then(|k| k.parse().ok())
            .unwrap_or(200);
        let response_schema = success_key.and_then(|k| {
            let response = schema::resolve(doc, responses.get(&k)?)?;
            media_schema(response)
        });
        let request_schema = op
            .get("requestBody")
            .and_then(|b| schema::resolve(doc, b))
            .and_then(media_schema);
        Operation {
            spec: context.spec.clone(),
            method: method.to_ascii_uppercase(),
            template: template.to_owned(),
            id,
            roles,
            parameters,
            statuses,
            success,
            response_schema,
            request_schema,
            request_validator: OnceLock::new(),
        }
    }

    /// Whether the operation documents `status`.
    pub(super) fn documents(&self, status: u16) -> bool {
        self.statuses.contains(&status)
    }

    /// The compiled request body validator (a `readOnly` property is never required of a
    /// request), made on first use; `None` when it does not compile (then bodies are not
    /// checked).
    pub(super) fn request_validator(&self) -> Option<&Validator> {
        self.request_validator
            .get_or_init(|| {
                let schema = self.request_schema.as_ref()?;
                match self.spec.validator(Target::Schema(schema), Wire::Request) {
                    Ok(v) => Some(v),
                    Err(err) => {
                        tracing::warn!(operation = %self.id, error = %err, "request schema not compiled; bodies not checked");
                        None
                    }
                }
            })
            .as_deref()
    }
}

/// The JSON schema of a response or request body object.
fn media_schema(object: &Value) -> Option<Value> {
    let content = object.get("content")?.as_object()?;
    let media = content
        .get("application/json")
        .or_else(|| {
            content
                .iter()
                .find(|(k, _)| k.contains("json"))
                .map(|(_, v)| v)
        })
        .or_else(|| content.values().next())?;
    media.get("schema").cloned()
}

fn params_of(doc: &Value, list: Option<&Value>) -> Vec<Value> {
    list.and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|p| schema::resolve(doc, p))
                .filter(|p| p.is_object())
                .cloned()
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find<'a>(ops: &'a [Arc<Operation>], method: &str, template: &str) -> &'a Operation {
        ops.iter()
            .find(|o| o.method == method && o.template == template)
            .unwrap_or_else(|| panic!("no {method} {template}"))
    }

    #[test]
    fn operations_name_their_route_and_rules() {
        let ops = operations(
            &json!({
                "paths": {
                    "/20190206/accounts/discover": {"get": {"x-stax-sdk-operation-id": "accounts.DiscoverAccounts", "responses": {"200": {}}}},
                    "/20190206/files/{name}.json": {"post": {"responses": {"201": {}, "default": {}}}},
                    "/20190206/public/check": {"get": {"responses": {"200": {}}}},
                    "/20190206/odd": "not an object",
                }
            }),
            "",
        );
        assert_eq!(ops.len(), 3);
        let discover = find(&ops, "GET", "/20190206/accounts/discover");
        assert_eq!(discover.id, "accounts.DiscoverAccounts");
        assert_eq!(discover.roles, Allowed::READ);
        let file = find(&ops, "POST", "/20190206/files/{name}.json");
        assert_eq!(file.success, 201);
        assert_eq!(file.id, "POST /20190206/files/{name}.json");
        assert_eq!(file.roles, Allowed::USER);
        assert!(file.documents(0));
        assert_eq!(
            find(&ops, "GET", "/20190206/public/check").roles,
            Allowed::Public
        );
    }

    #[test]
    fn relative_documents_are_routed_under_their_server_path() {
        let ops = operations(
            &json!({"paths": {
                "/things/{thing_id}": {"get": {"operationId": "GetThing", "responses": {"200": {}}}},
                "/20210321/already": {"get": {"responses": {"200": {}}}}
            }}),
            "/20210321",
        );
        assert_eq!(
            find(&ops, "GET", "/20210321/things/{thing_id}").id,
            "GetThing"
        );
        find(&ops, "GET", "/20210321/already");
    }

    #[test]
    fn odd_documents_do_not_panic() {
        let ops = operations(
            &json!({
                "paths": {
                    "/a": {"get": {"responses": "nope", "parameters": 5, "requestBody": {"$ref": "#/nowhere"}}},
                    "/b": {"parameters": [{"$ref": "#/nowhere"}, 7], "post": {"responses": {"2XX": {}, "abc": 1}}},
                    "/c/{": {"put": {"responses": {"200": {"$ref": "#/loop"}}}},
                    "/d": {"get": 5, "x-ext": {}},
                    "": {"get": {}},
                },
                "loop": {"$ref": "#/loop"},
                "components": 5,
            }),
            "",
        );
        assert_eq!(ops.len(), 4);
        let c = find(&ops, "PUT", "/c/{");
        assert_eq!(c.success, 200);
        assert!(c.response_schema.is_none());
        assert!(operations(&json!(null), "").is_empty());
    }

    #[test]
    fn read_only_properties_are_not_required_in_requests() {
        let ops = operations(
            &json!({
                "paths": {"/things": {"post": {
                    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}},
                    "responses": {"200": {}}
                }}},
                "components": {"schemas": {
                    "Ro": {"type": "string", "readOnly": true},
                    "Thing": {"type": "object", "required": ["A", "B", "C"], "properties": {
                        "A": {"$ref": "#/components/schemas/Ro"},
                        "B": {"type": "string", "readOnly": true},
                        "C": {"type": "string"},
                    }}
                }}
            }),
            "",
        );
        let validator = find(&ops, "POST", "/things").request_validator().unwrap();
        assert!(validator.is_valid(&json!({"C": "c"})));
        assert!(!validator.is_valid(&json!({"A": "a", "B": "b"})));
    }
}
