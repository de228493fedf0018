//! [`Document`]: a loaded OAS3 document with its operation map and validators.

use std::path::Path;
use std::sync::Arc;

use serde_json::{Map, Value};
use stax_openapi::Spec;

use super::describe::{self, FieldInfo};
use super::routing::{self, PreparedRequest};
use super::validate;
use crate::apis::folded_eq;
use crate::error::{Error, ValidationError};
use stax_openapi::operations::{self, Layout, Operation, OperationKey, OperationMap};

/// How similar (Jaro-Winkler, on lowercased names without `-` and `_`) a name must be to be
/// suggested.
const SUGGESTION_THRESHOLD: f64 = 0.8;

/// A loaded OpenAPI 3 document: the operation map, routing and body validation.
///
/// Cheap to clone (the contents are shared) and `Send + Sync`. Validators are compiled on
/// first use, once per component, and shared by all clones.
#[derive(Clone)]
pub struct Document {
    inner: Arc<Inner>,
}

struct Inner {
    /// The document as loaded, with its validators.
    spec: Spec,
    /// How the document was read.
    layout: Layout,
    key: OperationKey,
    services: OperationMap,
}

impl std::fmt::Debug for Document {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Document")
            .field("operation_key", &self.inner.key)
            .field("services", &self.services())
            .field("operations", &self.operation_count())
            .field("validators", &self.inner.spec)
            .finish()
    }
}

impl Document {
    /// Builds the document from its JSON value.
    ///
    /// Loading is lenient: anything that is not a recognisable operation (unknown fields, path
    /// items or operations that are not objects, ids that do not split into `service.Operation`)
    /// is skipped. Only a value that is not an object, or has no `paths` object, is refused,
    /// with [`Error::Schema`].
    pub fn from_value(doc: Value) -> Result<Document, Error> {
        Document::from_value_with(doc, &Layout::default())
    }

    /// Builds the document from its JSON value, read by `layout` (see [`Layout`]): the
    /// Permission Sets API's document is read with
    /// [`Api::PERMISSION_SETS.layout()`](crate::Api::layout), which puts every operation in
    /// the service `permission-sets` and its paths under `/20210321`.
    ///
    /// ```
    /// use serde_json::json;
    /// use staxapp::Api;
    /// use staxapp::schema::Document;
    ///
    /// let doc = Document::from_value_with(json!({"paths": {
    ///     "/permission-sets/{permission_set_id}": {"get": {"operationId": "GetPermissionSet"}}
    /// }}), &Api::PERMISSION_SETS.layout())?;
    /// let args = json!({"permission_set_id": "p-1"});
    /// let request = doc.route("permission-sets", "GetPermissionSet", args.as_object().unwrap().clone())?;
    /// assert_eq!(request.path, "/20210321/permission-sets/p-1");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_value_with(doc: Value, layout: &Layout) -> Result<Document, Error> {
        let (key, services) =
            operations::build_map(&doc, layout).map_err(|e| Error::Schema(e.to_string()))?;
        Ok(Document {
            inner: Arc::new(Inner {
                spec: Spec::new(doc, validate::DIALECT),
                layout: layout.clone(),
                key,
                services,
            }),
        })
    }

    /// Parses JSON bytes and builds the document (see [`Document::from_value`]).
    pub fn from_slice(bytes: &[u8]) -> Result<Document, Error> {
        Document::from_slice_with(bytes, &Layout::default())
    }

    /// Parses JSON bytes and builds the document read by `layout`.
    pub fn from_slice_with(bytes: &[u8], layout: &Layout) -> Result<Document, Error> {
        let doc: Value = serde_json::from_slice(bytes)
            .map_err(|e| Error::Schema(format!("the OpenAPI document is not valid JSON: {e}")))?;
        Document::from_value_with(doc, layout)
    }

    /// Reads, parses and builds the document at `path`; errors name the path.
    pub fn from_file(path: &Path) -> Result<Document, Error> {
        Document::from_file_with(path, &Layout::default())
    }

    /// Reads, parses and builds the document at `path` read by `layout`; errors name the path.
    pub fn from_file_with(path: &Path, layout: &Layout) -> Result<Document, Error> {
        // At most 32 MiB from a regular file: a device or a FIFO is refused, never read.
        let bytes = stax_input::read(path, stax_input::Kind::DOCUMENT)
            .map_err(|e| Error::Schema(e.to_string()))?;
        Document::from_slice_with(&bytes, layout).map_err(|e| match e {
            Error::Schema(message) => Error::Schema(format!("{}: {message}", path.display())),
            other => other,
        })
    }

    /// The document as loaded.
    pub fn raw(&self) -> &Value {
        self.inner.spec.raw()
    }

    /// Which field names operations in this document.
    pub fn operation_key(&self) -> OperationKey {
        self.inner.key
    }

    /// The services (staxapp's "classes"), sorted.
    pub fn services(&self) -> Vec<&str> {
        self.inner.services.keys().map(String::as_str).collect()
    }

    /// How many operations the document offers across all services.
    pub fn operation_count(&self) -> usize {
        self.inner.services.values().map(|ops| ops.len()).sum()
    }

    /// The operations of `service`, sorted by name. The service name is matched exactly, else
    /// case-insensitively.
    pub fn operations(&self, service: &str) -> Result<Vec<&Operation>, ValidationError> {
        let (_, operations) = self.find_service(service)?;
        Ok(operations.values().collect())
    }

    /// Every operation of every service, by service then name.
    pub fn all_operations(&self) -> impl Iterator<Item = &Operation> {
        self.inner.services.values().flat_map(|ops| ops.values())
    }

    /// The operation `name` of `service`.
    ///
    /// Names are matched exactly first; as fallbacks, the service case-insensitively and the
    /// operation ignoring case, `-` and `_` (so `read-accounts` finds `ReadAccounts`). Unknown
    /// names give [`ValidationError::NoSuchService`] or [`ValidationError::NoSuchOperation`],
    /// listing the valid names and suggesting the closest one.
    ///
    /// ```
    /// # use serde_json::json;
    /// # use staxapp::schema::Document;
    /// # use staxapp::ValidationError;
    /// let doc = Document::from_value(json!({"paths": {
    ///     "/20190206/accounts": {"get": {"x-stax-sdk-operation-id": "accounts.ReadAccounts"}}
    /// }}))?;
    /// assert_eq!(doc.operation("Accounts", "read-accounts")?.name, "ReadAccounts");
    /// let err = doc.operation("accounts", "ReadAcounts").unwrap_err();
    /// assert!(matches!(err, ValidationError::NoSuchOperation { suggestion: Some(ref s), .. } if s == "ReadAccounts"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn operation(&self, service: &str, name: &str) -> Result<&Operation, ValidationError> {
        let (service_name, operations) = self.find_service(service)?;
        if let Some(op) = operations.get(name) {
            return Ok(op);
        }
        let mut matches = operations.values().filter(|op| folded_eq(&op.name, name));
        if let (Some(op), None) = (matches.next(), matches.next()) {
            return Ok(op);
        }
        let valid: Vec<String> = operations.keys().cloned().collect();
        Err(ValidationError::NoSuchOperation {
            service: service_name.to_owned(),
            name: name.to_owned(),
            suggestion: suggest(name, &valid),
            valid,
        })
    }

    /// Routes a call (PARITY.md O4, O5) without validating it: picks the path variant,
    /// substitutes and percent-encodes path parameters, and puts the remaining arguments in the
    /// query (methods without a body) or the JSON body (`PUT`, `POST`, `PATCH`).
    ///
    /// Fails with [`ValidationError::MissingParameters`] when no variant has all its path
    /// parameters among the arguments, and [`ValidationError::InvalidArgument`] when a path
    /// value is not a string, number or boolean, or is empty, `.` or `..`.
    pub fn route(
        &self,
        service: &str,
        name: &str,
        args: Map<String, Value>,
    ) -> Result<PreparedRequest, ValidationError> {
        routing::route(self.operation(service, name)?, args)
    }

    /// Validates the body of a routed request (PARITY.md O6). Only requests with a body
    /// (`PUT`, `POST`, `PATCH`) are checked, against
    /// [`PreparedRequest::validates_against`] (or, when unset, `service.Operation` in a
    /// document that names its services; nothing in a one-service [`Layout`]); others pass.
    pub fn validate(&self, request: &PreparedRequest) -> Result<(), ValidationError> {
        if !operations::method_has_body(&request.method)
            || (request.validates_against.is_none() && self.inner.layout.service.is_some())
        {
            return Ok(());
        }
        let component = request
            .validates_against
            .clone()
            .unwrap_or_else(|| format!("{}.{}", request.service, request.operation));
        let empty = Value::Object(Map::new());
        self.validate_component(&component, request.body.as_ref().unwrap_or(&empty))
    }

    /// Routes and validates a call: [`Document::route`] then [`Document::validate`].
    ///
    /// ```
    /// # use serde_json::json;
    /// # use staxapp::schema::Document;
    /// let doc = Document::from_value(json!({
    ///     "paths": {"/20190206/accounts": {"post": {"x-stax-sdk-operation-id": "accounts.CreateAccount"}}},
    ///     "components": {"schemas": {"accounts.CreateAccount": {
    ///         "type": "object", "required": ["Name"],
    ///         "properties": {"Name": {"type": "string", "pattern": "^[a-z]+$"}}
    ///     }}}
    /// }))?;
    /// let ok = doc.prepare("accounts", "CreateAccount", json!({"Name": "bakery"}).as_object().unwrap().clone())?;
    /// assert_eq!(ok.body, Some(json!({"Name": "bakery"})));
    /// let err = doc.prepare("accounts", "CreateAccount", json!({}).as_object().unwrap().clone()).unwrap_err();
    /// assert_eq!(err.to_string(), "\"Name\" is a required property (validating against accounts.CreateAccount)");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn prepare(
        &self,
        service: &str,
        name: &str,
        args: Map<String, Value>,
    ) -> Result<PreparedRequest, ValidationError> {
        self.prepare_operation(self.operation(service, name)?, args, None, true)
    }

    /// The one composition of routing and validation (the request pipeline's): routes `args`
    /// for `operation` (found with [`operation`](Self::operation)), makes `whole_body` the
    /// body when given ([`PreparedRequest::set_body`]), then validates the body unless
    /// `validate` is false.
    pub fn prepare_operation(
        &self,
        operation: &Operation,
        args: Map<String, Value>,
        whole_body: Option<Value>,
        validate: bool,
    ) -> Result<PreparedRequest, ValidationError> {
        let mut request = routing::route(operation, args)?;
        if let Some(body) = whole_body {
            request.set_body(body)?;
        }
        if validate {
            self.validate(&request)?;
        }
        Ok(request)
    }

    /// Validates `body` against `components.schemas[component]`, resolving `$ref`s against the
    /// document. [`ValidationError::MissingComponent`] when there is no such component,
    /// [`ValidationError::Body`] naming the offending field and rule when the body does not
    /// fit, [`ValidationError::UnusableSchema`] when the document's schema cannot be compiled.
    pub fn validate_component(&self, component: &str, body: &Value) -> Result<(), ValidationError> {
        validate::validate(&self.inner.spec, component, body)
    }

    /// The fields of the body `operation` sends: those of the component its first body-carrying
    /// variant validates against (see [`Operation::validates_against`]), resolving `$ref` and
    /// `allOf`. Empty when the operation sends no body or the component does not exist.
    pub fn body_fields(&self, operation: &Operation) -> Vec<FieldInfo> {
        operation
            .validates_against()
            .and_then(|component| self.component_fields(&component).ok())
            .unwrap_or_default()
    }

    /// Whether `operation`'s success answer may hold a value at `path` (property names from
    /// the top; an answer that is an array is looked through to its items), as the document
    /// states it: `Some(true)` when some path variant's answer schema declares it,
    /// `Some(false)` when every variant states its answer's properties and none declares it,
    /// `None` when the document does not say (no answer schema, or one open to any property).
    ///
    /// ```
    /// use serde_json::json;
    /// use staxapp::schema::Document;
    ///
    /// let doc = Document::from_value(json!({"paths": {
    ///     "/accounts": {"post": {"operationId": "accounts.CreateAccount", "responses": {"200":
    ///         {"content": {"application/json": {"schema": {"properties": {"TaskId": {}}}}}}}}},
    ///     "/types": {"post": {"operationId": "accounts.CreateAccountType", "responses": {"200":
    ///         {"content": {"application/json": {"schema": {"properties": {"AccountType": {}}}}}}}}},
    ///     "/other": {"post": {"operationId": "accounts.Other"}}
    /// }}))?;
    /// let holds = |op| doc.answer_declares(doc.operation("accounts", op).unwrap(), &["TaskId"]);
    /// assert_eq!(holds("CreateAccount"), Some(true));
    /// assert_eq!(holds("CreateAccountType"), Some(false));
    /// assert_eq!(holds("Other"), None);
    /// # Ok::<(), staxapp::Error>(())
    /// ```
    pub fn answer_declares(&self, operation: &Operation, path: &[&str]) -> Option<bool> {
        let doc = self.raw();
        let mut all_stated = true;
        for variant in &operation.variants {
            let answer = doc
                .pointer(&variant.pointer)
                .and_then(|op| stax_openapi::describe::answer_schema(doc, op));
            match answer.and_then(|schema| stax_openapi::describe::may_hold(doc, schema, path)) {
                Some(true) => return Some(true),
                Some(false) => {}
                None => all_stated = false,
            }
        }
        all_stated.then_some(false)
    }

    /// The raw schema `components.schemas[component]`, if the document has it.
    pub fn component(&self, component: &str) -> Option<&Value> {
        self.raw()
            .get("components")
            .and_then(|c| c.get("schemas"))
            .and_then(|s| s.get(component))
    }

    /// The fields of `components.schemas[component]`, resolving `$ref` and `allOf`.
    pub fn component_fields(&self, component: &str) -> Result<Vec<FieldInfo>, ValidationError> {
        let schema =
            self.component(component)
                .ok_or_else(|| ValidationError::MissingComponent {
                    component: component.to_owned(),
                })?;
        Ok(describe::body_fields(self.raw(), schema))
    }

    fn find_service(
        &self,
        service: &str,
    ) -> Result<(&str, &std::collections::BTreeMap<String, Operation>), ValidationError> {
        let services = &self.inner.services;
        if let Some((name, ops)) = services.get_key_value(service) {
            return Ok((name, ops));
        }
        let mut matches = services
            .iter()
            .filter(|(name, _)| name.eq_ignore_ascii_case(service));
        if let (Some((name, ops)), None) = (matches.next(), matches.next()) {
            return Ok((name, ops));
        }
        // `permission_sets` and `PermissionSets` find `permission-sets`.
        let mut matches = services.iter().filter(|(name, _)| folded_eq(name, service));
        if let (Some((name, ops)), None) = (matches.next(), matches.next()) {
            return Ok((name, ops));
        }
        let valid: Vec<String> = services.keys().cloned().collect();
        Err(ValidationError::NoSuchService {
            name: service.to_owned(),
            suggestion: suggest(service, &valid),
            valid,
        })
    }
}

/// Lowercase without `-` and `_`: `read-accounts`, `read_accounts` and `ReadAccounts` agree.
fn fold(name: &str) -> String {
    name.chars()
        .filter(|c| *c != '-' && *c != '_')
        .flat_map(char::to_lowercase)
        .collect()
}

/// The valid name closest to `name`, if it is close enough.
fn suggest(name: &str, valid: &[String]) -> Option<String> {
    let folded = fold(name);
    valid
        .iter()
        .map(|candidate| (strsim::jaro_winkler(&folded, &fold(candidate)), candidate))
        .filter(|(score, _)| *score >= SUGGESTION_THRESHOLD)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn args(value: Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap()
    }

    fn doc() -> Document {
        Document::from_value(json!({
            "openapi": "3.0.0",
            "paths": {
                "/20190206/accounts": {
                    "get": {"x-stax-sdk-operation-id": "accounts.ReadAccounts", "summary": "Read accounts",
                            "parameters": [{"name": "filter", "in": "query", "schema": {"type": "string", "enum": ["ACTIVE", "CLOSED"]}}]},
                    "post": {"x-stax-sdk-operation-id": "accounts.CreateAccount",
                             "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/accounts.CreateAccount"}}}}}
                },
                "/20190206/accounts/{account_id}": {
                    "get": {"x-stax-sdk-operation-id": "accounts.ReadAccounts",
                            "parameters": [{"name": "account_id", "in": "path", "required": true, "schema": {"type": "string"}}]},
                    "put": {"x-stax-sdk-operation-id": "accounts.UpdateAccount"},
                    "delete": {"x-stax-sdk-operation-id": "accounts.CloseAccount"}
                },
                "/20190206/accounts/{account_id}/tags/{tag}": {
                    "patch": {"x-stax-sdk-operation-id": "accounts.UpdateAccount"}
                },
                "/20190206/workloads": {
                    "post": {"x-stax-sdk-operation-id": "workloads.CreateWorkload",
                             "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Workload"}}}}}
                },
                "/20190206/tasks/{task_id}": {
                    "get": {"x-stax-sdk-operation-id": "tasks.ReadTask", "operationId": "ignored.Here"}
                },
                "/legacy": {"get": {"operationId": "legacy.Read"}}
            },
            "components": {"schemas": {
                "accounts.CreateAccount": {
                    "type": "object",
                    "properties": {"Name": {"type": "string", "minLength": 1, "pattern": "^[a-z]+$"}},
                    "required": ["Name"]
                },
                "accounts.UpdateAccount": {"type": "object", "properties": {"Name": {"type": "string"}}}
            }}
        }))
        .unwrap()
    }

    #[test]
    fn services_and_operations_are_sorted() {
        let doc = doc();
        assert_eq!(doc.operation_key(), OperationKey::StaxSdkOperationId);
        assert_eq!(doc.services(), ["accounts", "tasks", "workloads"]);
        let names: Vec<&str> = doc
            .operations("accounts")
            .unwrap()
            .iter()
            .map(|o| o.name.as_str())
            .collect();
        assert_eq!(
            names,
            [
                "CloseAccount",
                "CreateAccount",
                "ReadAccounts",
                "UpdateAccount"
            ]
        );
        assert_eq!(doc.operation_count(), 6);
        assert_eq!(doc.all_operations().count(), 6);
        let read = doc.operation("accounts", "ReadAccounts").unwrap();
        assert_eq!(read.summary.as_deref(), Some("Read accounts"));
        assert_eq!(read.id(), "accounts.ReadAccounts");
    }

    #[test]
    fn lookups_have_fallbacks_and_suggestions() {
        let doc = doc();
        assert_eq!(
            doc.operation("ACCOUNTS", "read-accounts").unwrap().name,
            "ReadAccounts"
        );
        assert_eq!(
            doc.operation("accounts", "read_accounts").unwrap().name,
            "ReadAccounts"
        );
        assert_eq!(
            doc.operation("accounts", "readaccounts").unwrap().name,
            "ReadAccounts"
        );
        let err = doc.operation("acounts", "ReadAccounts").unwrap_err();
        assert_eq!(
            err.to_string(),
            "No such class: acounts. Please use one of ['accounts', 'tasks', 'workloads']. Did you mean 'accounts'?"
        );
        let err = doc.operation("accounts", "ReadAcount").unwrap_err();
        assert_eq!(
            err.to_string(),
            "No such operation: ReadAcount for accounts. Please use one of ['CloseAccount', 'CreateAccount', 'ReadAccounts', 'UpdateAccount']. Did you mean 'ReadAccounts'?"
        );
        let err = doc.operation("accounts", "Zzz").unwrap_err();
        assert!(matches!(
            err,
            ValidationError::NoSuchOperation {
                suggestion: None,
                ..
            }
        ));
        let err = doc.operations("nothing-like-it").unwrap_err();
        assert!(matches!(
            err,
            ValidationError::NoSuchService {
                suggestion: None,
                ..
            }
        ));
    }

    #[test]
    fn routing_picks_the_most_specific_variant() {
        let doc = doc();
        let r = doc
            .route(
                "accounts",
                "ReadAccounts",
                args(json!({"filter": "ACTIVE", "account_id": "a b/c"})),
            )
            .unwrap();
        assert_eq!(r.method, http::Method::GET);
        assert_eq!(r.path, "/20190206/accounts/a%20b%2Fc");
        assert_eq!(r.query, vec![("filter".to_owned(), "ACTIVE".to_owned())]);
        assert_eq!(r.body, None);
        assert_eq!(r.validates_against, None);

        let r = doc.route("accounts", "ReadAccounts", Map::new()).unwrap();
        assert_eq!(r.path_and_query(), "/20190206/accounts");

        let err = doc
            .route("accounts", "UpdateAccount", args(json!({"tag": "x"})))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "Missing one or more parameters: ['account_id', 'tag']"
        );
        let r = doc
            .route(
                "accounts",
                "UpdateAccount",
                args(json!({"account_id": 7, "Name": "n"})),
            )
            .unwrap();
        assert_eq!(r.method, http::Method::PUT);
        assert_eq!(r.path, "/20190206/accounts/7");
        assert_eq!(r.body, Some(json!({"Name": "n"})));
        assert_eq!(
            r.validates_against.as_deref(),
            Some("accounts.UpdateAccount")
        );
        assert!(r.query.is_empty());
        let r = doc
            .route(
                "accounts",
                "UpdateAccount",
                args(json!({"account_id": "a", "tag": "t"})),
            )
            .unwrap();
        assert_eq!(r.method, http::Method::PATCH);
        assert_eq!(r.body, Some(json!({})));
    }

    #[test]
    fn validation_uses_the_ref_or_the_operation_name() {
        let doc = doc();
        let ok = doc
            .prepare("accounts", "CreateAccount", args(json!({"Name": "bakery"})))
            .unwrap();
        assert_eq!(
            ok.validates_against.as_deref(),
            Some("accounts.CreateAccount")
        );
        let err = doc
            .prepare(
                "accounts",
                "CreateAccount",
                args(json!({"Name": "Bad Name"})),
            )
            .unwrap_err();
        assert_eq!(
            err,
            ValidationError::Body {
                message: r#""Bad Name" does not match "^[a-z]+$" at /Name"#.into(),
                schema: "accounts.CreateAccount".into(),
                instance_path: "/Name".into(),
            }
        );
        let err = doc
            .prepare("workloads", "CreateWorkload", Map::new())
            .unwrap_err();
        assert_eq!(err.to_string(), "SCHEMA: Does not contain Workload");
        // Methods without a body are never validated.
        doc.prepare("accounts", "CloseAccount", args(json!({"account_id": "x"})))
            .unwrap();
        // `route` does not validate.
        doc.route("accounts", "CreateAccount", Map::new()).unwrap();
    }

    #[test]
    fn describe_data() {
        let doc = doc();
        let read = doc.operation("accounts", "ReadAccounts").unwrap();
        let params = read.parameters();
        assert_eq!(params.len(), 2);
        assert_eq!(params[0].name, "filter");
        assert_eq!(
            params[0].enum_values,
            vec![json!("ACTIVE"), json!("CLOSED")]
        );
        assert!(!params[0].required);
        assert_eq!(params[1].name, "account_id");
        assert!(!params[1].required, "only one of two variants has it");
        assert_eq!(read.path_parameters().len(), 1);
        assert_eq!(read.query_parameters().len(), 1);
        assert!(!read.has_body());
        assert!(doc.body_fields(read).is_empty());

        let create = doc.operation("accounts", "CreateAccount").unwrap();
        let fields = doc.body_fields(create);
        assert_eq!(fields.len(), 1);
        assert_eq!(fields[0].name, "Name");
        assert!(fields[0].required);
        assert_eq!(fields[0].pattern.as_deref(), Some("^[a-z]+$"));
        assert_eq!(fields[0].min_length, Some(1));
        assert!(matches!(
            doc.component_fields("Nope"),
            Err(ValidationError::MissingComponent { .. })
        ));
    }

    #[test]
    fn loading_errors_name_the_problem() {
        let err = Document::from_slice(b"{not json").unwrap_err();
        assert!(err.to_string().contains("not valid JSON"), "{err}");
        let path = std::path::Path::new("/nonexistent/dir/oas3.json");
        let err = Document::from_file(path).unwrap_err();
        assert!(
            err.to_string().contains("/nonexistent/dir/oas3.json"),
            "{err}"
        );
    }

    #[test]
    fn documents_are_shareable() {
        fn assert_send_sync<T: Send + Sync + Clone + 'static>() {}
        assert_send_sync::<Document>();
        let doc = doc();
        let copy = doc.clone();
        let handle = std::thread::spawn(move || {
            copy.prepare("accounts", "CreateAccount", args(json!({"Name": "x"})))
                .map(|_| ())
        });
        doc.prepare("accounts", "CreateAccount", args(json!({"Name": "y"})))
            .unwrap();
        assert!(handle.join().is_ok_and(|r| r.is_ok()));
    }

    #[test]
    fn odd_documents_and_arguments_never_panic() {
        let odd = json!({
            "paths": {
                "/a/{}/{x}/": {
                    "parameters": {"not": "a list"},
                    "get": {"x-stax-sdk-operation-id": "odd.Read", "parameters": [7, null, {"$ref": "#/nowhere"}, {"$ref": 3}]},
                    "post": {"x-stax-sdk-operation-id": "odd.Write",
                             "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/"}}}}}
                },
                "/b/{y}": {"put": {"x-stax-sdk-operation-id": "odd.Write",
                                   "requestBody": {"content": {"application/json": {"schema": {"$ref": 5}}}}}}
            },
            "components": {"schemas": {
                "odd.Write": {"allOf": [{"$ref": "#/components/schemas/odd.Write"}], "properties": {"p": {"items": 1}}},
                "odd.Read": [1, 2]
            }}
        });
        let doc = Document::from_value(odd).unwrap();
        let read = doc.operation("odd", "Read").unwrap();
        assert_eq!(read.variants[0].path_params, ["", "x"]);
        let _ = read.parameters();
        let _ = doc.body_fields(read);
        let write = doc.operation("odd", "Write").unwrap();
        let _ = doc.body_fields(write);
        let _ = doc.component_fields("odd.Read");
        for a in [
            json!({}),
            json!({"x": null, "": "v"}),
            json!({"x": "v", "": "w", "y": [1]}),
            json!({"y": {"deep": [null]}}),
        ] {
            for op in ["Read", "Write"] {
                let _ = doc.prepare("odd", op, args(a.clone()));
            }
        }
        let _ = doc.validate_component("odd.Read", &json!(null));
        let _ = doc.validate_component("odd.Write", &json!({"p": [1]}));
    }

    #[test]
    fn validators_are_compiled_once_and_shared_by_clones() {
        let doc = doc();
        let copy = doc.clone();
        let body = json!({"Name": "ok"});
        doc.validate_component("accounts.CreateAccount", &body)
            .unwrap();
        copy.validate_component("accounts.CreateAccount", &body)
            .unwrap();
        assert!(format!("{doc:?}").contains("compiled: 1"), "{doc:?}");
    }
}
