//! Replays the routing conformance cases (checked against staxapp 1.4.1 itself) and checks the
//! reference documents load, validate and describe as expected.
//!
//! The documents are read at run time from the shared folder (see `testsupport/shared_dir.rs`:
//! a missing one fails under CI and skips with a note otherwise).

use std::path::Path;

use serde_json::{Map, Value, json};
use staxapp::ValidationError;
use staxapp::schema::{Document, ParameterLocation, PreparedRequest};

const CORE: &str = "reference/stax-core-20190206.oas3.json";
const LEGACY: &str = "reference/stax-core-20190206-legacy.oas3.json";
const PERMISSION_SETS: &str = "reference/stax-permission-sets-20210321.oas3.json";

mod common;

use common::shared_file;

fn load(relative: &str) -> Option<Document> {
    let path = shared_file(relative)?;
    Some(Document::from_file(&path).unwrap_or_else(|e| panic!("{e}")))
}

fn read_json(path: &Path) -> Value {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn args(value: Value) -> Map<String, Value> {
    value.as_object().cloned().expect("arguments are an object")
}

/// The query in the conformance files' form: an object, a repeated key becoming an array.
fn query_object(request: &PreparedRequest) -> Value {
    let mut object = Map::new();
    for (key, value) in &request.query {
        match object.get_mut(key) {
            None => {
                object.insert(key.clone(), json!(value));
            }
            Some(Value::Array(values)) => values.push(json!(value)),
            Some(single) => *single = json!([single.clone(), value]),
        }
    }
    Value::Object(object)
}

/// Replays every case of the conformance file; returns how many operations of the document
/// they covered (every one the file lists must have a case).
fn replay(conformance: &str) -> Option<usize> {
    let spec = read_json(&shared_file(conformance)?);
    let document = spec["document"].as_str().expect("`document` names a file");
    let doc = load(&format!("reference/{document}"))?;

    assert_eq!(
        doc.operation_key().as_str(),
        spec["operation_key"].as_str().expect("`operation_key`"),
        "{conformance}: operation key"
    );
    let expected_services: Vec<&str> = spec["services"]
        .as_object()
        .expect("`services`")
        .keys()
        .map(String::as_str)
        .collect();
    let mut sorted = expected_services.clone();
    sorted.sort_unstable();
    assert_eq!(doc.services(), sorted, "{conformance}: services");
    for (service, names) in spec["services"].as_object().unwrap() {
        let mut expected: Vec<&str> = names
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .collect();
        expected.sort_unstable();
        let actual: Vec<&str> = doc
            .operations(service)
            .unwrap()
            .iter()
            .map(|op| op.name.as_str())
            .collect();
        assert_eq!(actual, expected, "{conformance}: operations of {service}");
    }

    let cases = spec["cases"].as_array().expect("`cases`");
    let mut failures = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let service = case["service"].as_str().unwrap();
        let operation = case["operation"].as_str().unwrap();
        let expect = &case["expect"];
        let label = format!("case {i}: {service}.{operation}({})", case["args"]);
        let result = doc.route(service, operation, args(case["args"].clone()));
        match (expect.get("error"), result) {
            (Some(error), Err(err)) => {
                let ok = error == "missing_parameters"
                    && matches!(&err, ValidationError::MissingParameters { parameters }
                        if err.to_string() == format!(
                            "Missing one or more parameters: [{}]",
                            parameters.iter().map(|p| format!("'{p}'")).collect::<Vec<_>>().join(", ")
                        ) && !parameters.is_empty());
                if !ok {
                    failures.push(format!("{label}: expected {error}, got {err:?}"));
                }
            }
            (Some(error), Ok(request)) => {
                failures.push(format!("{label}: expected {error}, got {request:?}"));
            }
            (None, Err(err)) => failures.push(format!("{label}: unexpected error {err}")),
            (None, Ok(request)) => {
                let actual = json!({
                    "method": request.method.as_str(),
                    "path": request.path,
                    "query": query_object(&request),
                    "body": request.body,
                    "validates_against": request.validates_against,
                });
                let wanted = json!({
                    "method": expect["method"],
                    "path": expect["path"],
                    "query": expect["query"],
                    "body": expect["body"],
                    "validates_against": expect.get("validates_against"),
                });
                if actual != wanted {
                    failures.push(format!(
                        "{label}:\n  expected {wanted}\n  got      {actual}"
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{conformance}: {} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    let covered: std::collections::BTreeSet<(&str, &str)> = cases
        .iter()
        .filter_map(|c| Some((c["service"].as_str()?, c["operation"].as_str()?)))
        .collect();
    let uncovered: Vec<String> = doc
        .services()
        .into_iter()
        .flat_map(|service| {
            doc.operations(service)
                .unwrap_or_default()
                .iter()
                .map(|op| (service.to_owned(), op.name.clone()))
                .collect::<Vec<_>>()
        })
        .filter(|(service, name)| !covered.contains(&(service.as_str(), name.as_str())))
        .map(|(service, name)| format!("{service}.{name}"))
        .collect();
    assert!(
        uncovered.is_empty(),
        "{conformance}: operations of the document without a case: {uncovered:?}"
    );
    Some(covered.len())
}

#[test]
fn routing_matches_staxapp_for_the_current_document() {
    if let Some(covered) = replay("conformance/routing-core-20190206.json") {
        assert!(covered > 0);
    }
}

#[test]
fn routing_matches_staxapp_for_the_legacy_document() {
    if let Some(covered) = replay("conformance/routing-core-20190206-legacy.json") {
        assert!(covered > 0);
    }
}

#[test]
fn a_valid_create_account_body_passes() {
    let Some(doc) = load(CORE) else { return };
    let request = doc
        .prepare(
            "accounts",
            "CreateAccount",
            args(json!({
                "Name": "bakery",
                "AccountType": "development",
                "Tags": {"CostCode": "12345"}
            })),
        )
        .unwrap();
    assert_eq!(request.method, http::Method::POST);
    assert_eq!(request.path, "/20190206/accounts");
    assert_eq!(
        request.validates_against.as_deref(),
        Some("accounts.CreateAccount")
    );
    assert_eq!(
        request.body.as_ref().and_then(|b| b.get("Name")),
        Some(&json!("bakery"))
    );
}

#[test]
fn a_bad_name_is_refused_naming_the_field() {
    let Some(doc) = load(CORE) else { return };
    let err = doc
        .prepare(
            "accounts",
            "CreateAccount",
            args(json!({"Name": "bad<name>", "AccountType": "development"})),
        )
        .unwrap_err();
    let ValidationError::Body {
        message,
        schema,
        instance_path,
    } = &err
    else {
        panic!("not a body error: {err:?}");
    };
    assert_eq!(schema, "accounts.CreateAccount");
    assert_eq!(instance_path, "/Name");
    assert!(
        message.contains("\"bad<name>\" does not match"),
        "{message}"
    );
    assert!(message.contains("/Name"), "{message}");
    assert!(err.to_string().contains("accounts.CreateAccount"), "{err}");
}

#[test]
fn a_missing_required_field_is_refused_naming_the_field() {
    let Some(doc) = load(CORE) else { return };
    let err = doc
        .prepare("accounts", "CreateAccount", args(json!({"Name": "bakery"})))
        .unwrap_err();
    assert!(
        matches!(&err, ValidationError::Body { message, instance_path, .. }
            if message == "\"AccountType\" is a required property" && instance_path.is_empty()),
        "{err:?}"
    );
}

#[test]
fn unknown_fields_and_nested_values_are_checked() {
    let Some(doc) = load(CORE) else { return };
    let err = doc
        .prepare(
            "accounts",
            "CreateAccount",
            args(json!({"Name": "bakery", "AccountType": "development", "Tags": {"CostCode": "bad{}"}})),
        )
        .unwrap_err();
    assert!(
        matches!(&err, ValidationError::Body { instance_path, .. } if instance_path == "/Tags/CostCode"),
        "{err:?}"
    );
}

#[test]
fn path_values_are_percent_encoded() {
    let Some(doc) = load(CORE) else { return };
    let request = doc
        .route(
            "accounts",
            "ReadAccounts",
            args(json!({"account_id": "a/b c?d#e%f", "filter": "ACTIVE,CLOSED"})),
        )
        .unwrap();
    assert_eq!(request.path, "/20190206/accounts/a%2Fb%20c%3Fd%23e%25f");
    assert_eq!(
        request.path_and_query(),
        "/20190206/accounts/a%2Fb%20c%3Fd%23e%25f?filter=ACTIVE%2CCLOSED"
    );
}

#[test]
fn kebab_case_and_did_you_mean() {
    let Some(doc) = load(CORE) else { return };
    assert_eq!(
        doc.operation("accounts", "read-accounts").unwrap().name,
        "ReadAccounts"
    );
    assert_eq!(
        doc.operation("Accounts", "create-account").unwrap().name,
        "CreateAccount"
    );
    match doc.operation("accounts", "ReadAcounts").unwrap_err() {
        ValidationError::NoSuchOperation {
            suggestion, valid, ..
        } => {
            assert_eq!(suggestion.as_deref(), Some("ReadAccounts"));
            assert!(valid.iter().any(|v| v == "CreateAccount"));
        }
        other => panic!("{other:?}"),
    }
    let err = doc.operation("acounts", "ReadAccounts").unwrap_err();
    assert!(
        err.to_string()
            .starts_with("No such class: acounts. Please use one of ['accounts', "),
        "{err}"
    );
    assert!(
        err.to_string().ends_with("Did you mean 'accounts'?"),
        "{err}"
    );
}

#[test]
fn every_component_of_every_reference_document_compiles() {
    for relative in [CORE, LEGACY, PERMISSION_SETS] {
        let Some(doc) = load(relative) else { return };
        let names: Vec<String> = doc.raw()["components"]["schemas"]
            .as_object()
            .map(|schemas| schemas.keys().cloned().collect())
            .unwrap_or_default();
        assert!(!names.is_empty(), "{relative} has component schemas");
        for name in names {
            // Any outcome but an unusable schema is fine: `{}` is not valid for most.
            if let Err(err @ ValidationError::UnusableSchema { .. }) =
                doc.validate_component(&name, &json!({}))
            {
                panic!("{relative}: {err}");
            }
        }
    }
}

#[test]
fn the_other_reference_documents_load_leniently() {
    let Some(legacy) = load(LEGACY) else { return };
    assert_eq!(legacy.operation_key().as_str(), "operationId");
    // `services:ConfigureAccount` and friends do not split into two parts on '.'.
    assert!(legacy.operation("services", "ConfigureAccount").is_err());
    let Some(permission_sets) = load(PERMISSION_SETS) else {
        return;
    };
    // Its operationIds (`ListPermissionSets`, ...) name no service: staxapp offers nothing.
    assert_eq!(permission_sets.operation_count(), 0);
}

#[test]
fn describe_data_for_the_reference_document() {
    let Some(doc) = load(CORE) else { return };
    let read = doc.operation("accounts", "ReadAccounts").unwrap();
    assert_eq!(read.variants.len(), 2);
    assert_eq!(read.variants[1].path, "/20190206/accounts/{account_id}");
    assert_eq!(read.variants[1].path_params, ["account_id"]);
    let params = read.parameters();
    let account_id = params.iter().find(|p| p.name == "account_id").unwrap();
    assert_eq!(account_id.location, ParameterLocation::Path);
    assert_eq!(account_id.type_name.as_deref(), Some("string"));
    let filter = params.iter().find(|p| p.name == "filter").unwrap();
    assert_eq!(filter.location, ParameterLocation::Query);
    assert!(!filter.required);
    assert!(filter.description.is_some());

    let create = doc.operation("accounts", "CreateAccount").unwrap();
    let fields = doc.body_fields(create);
    let name = fields.iter().find(|f| f.name == "Name").unwrap();
    assert!(name.required);
    assert_eq!(name.type_name.as_deref(), Some("string"));
    assert_eq!(name.pattern.as_deref(), Some("^[ -;=?-~]+$"));
    assert_eq!((name.min_length, name.max_length), (Some(1), Some(50)));
    let tags = fields.iter().find(|f| f.name == "Tags").unwrap();
    assert!(!tags.required);
    assert_eq!(tags.type_name.as_deref(), Some("object"));
    let account_type = fields.iter().find(|f| f.name == "AccountType").unwrap();
    assert!(account_type.required);
    assert_eq!(account_type.type_name.as_deref(), Some("string"));
}

#[test]
fn every_operation_has_a_usable_validator_target_or_none() {
    let Some(doc) = load(CORE) else { return };
    for op in doc.all_operations() {
        for variant in &op.variants {
            if let Some(component) = variant.validates_against(&op.service, &op.name) {
                match doc.validate_component(&component, &json!({})) {
                    Ok(()) | Err(ValidationError::Body { .. }) => {}
                    Err(ValidationError::MissingComponent { .. }) => {}
                    Err(other) => panic!("{}: {other}", op.id()),
                }
            }
        }
    }
}
