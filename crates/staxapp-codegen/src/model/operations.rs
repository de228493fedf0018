//! From the operation map to builders: per service a handle, per operation a builder with a
//! setter per path parameter, query parameter and top-level body field, its output type, and
//! whether it pages or its answer can be waited for.

use std::collections::BTreeMap;

use serde_json::Value;
use stax_openapi::describe::{self, ParameterLocation};
use stax_openapi::operations::Operation;
use stax_openapi::pointer;

use super::types::{Kind, Place, Ty, TypeId, Types};
use crate::error::Error;
use crate::input::ApiKind;
use crate::names::{self, Scope};

/// Method names every builder has; setters take others.
const BUILDER_METHODS: [&str; 8] = [
    "send",
    "body",
    "into_pages",
    "into_items",
    "send_blocking",
    "into_pages_blocking",
    "into_items_blocking",
    "into_arguments",
];

/// Where a setter's value goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Location {
    /// A path parameter.
    Path,
    /// A query parameter.
    Query,
    /// A top-level field of the JSON body.
    Body,
}

impl Location {
    /// `path`, `query` or `body`.
    pub fn as_str(self) -> &'static str {
        match self {
            Location::Path => "path",
            Location::Query => "query",
            Location::Body => "body",
        }
    }
}

/// One setter of a builder.
#[derive(Clone, Debug)]
pub struct Setter {
    /// The argument's name in the document.
    pub wire: String,
    /// The method's name.
    pub method: String,
    /// The value's type.
    pub ty: Ty,
    /// Where it goes.
    pub location: Location,
    /// Required by every path variant (or by the body schema).
    pub required: bool,
    /// The document's words about it.
    pub description: Option<String>,
    /// Facts for its documentation.
    pub facts: Vec<String>,
}

/// A list operation's paging: its items and the field holding them.
#[derive(Clone, Debug)]
pub struct Paging {
    /// One item.
    pub item: Ty,
    /// The page's list field, e.g. `Accounts`.
    pub field: String,
}

/// One operation.
#[derive(Clone, Debug)]
pub struct OperationDef {
    /// Its name in the document, e.g. `ReadAccounts`.
    pub wire: String,
    /// The service method that starts it, e.g. `read_accounts`.
    pub method: String,
    /// The builder's type, e.g. `ReadAccountsRequest`.
    pub builder: String,
    /// Its summary and description.
    pub summary: Option<String>,
    /// Its description.
    pub description: Option<String>,
    /// `GET /20190206/accounts`, one per path variant.
    pub routes: Vec<String>,
    /// The setters.
    pub setters: Vec<Setter>,
    /// The type of `.body(...)`, for a body that is not an object of fields.
    pub body: Option<Ty>,
    /// The success answer's type.
    pub output: Ty,
    /// Set for list operations.
    pub paging: Option<Paging>,
}

/// One service.
#[derive(Clone, Debug)]
pub struct ServiceDef {
    /// Its name in the document (`accounts`, `permission-sets`).
    pub wire: String,
    /// Its module and the `Client` method that returns its handle (`permission_sets`).
    pub module: String,
    /// The handle's type (`PermissionSets`).
    pub handle: String,
    /// Its operations, by name.
    pub operations: Vec<OperationDef>,
}

/// What waiting on an answer type means.
#[derive(Clone, Debug)]
pub enum Wait {
    /// It carries a `TaskId`: the final task has this type.
    Task(Ty),
    /// It holds permission set assignments of this record type.
    Assignments(Ty),
}

/// Builds the services of document `doc`.
pub fn services(
    types: &mut Types<'_>,
    doc: usize,
    modules: &mut Scope,
    waits: &mut BTreeMap<TypeId, Wait>,
) -> Result<Vec<ServiceDef>, Error> {
    let inputs = types.inputs;
    let api = inputs[doc].api;
    let map = &inputs[doc].operations;
    let mut out = Vec::new();
    let task_type = match map.get("tasks").and_then(|ops| ops.get("ReadTask")) {
        Some(read_task) if api == ApiKind::Core => Some(output(types, doc, read_task, &[])?),
        _ => None,
    };
    for (service, operations) in map {
        let module = modules.claim(&names::snake(service, "service"), &["service"]);
        let mut items = Scope::default();
        let handle = items.claim(&names::pascal(service, "Service"), &["Service"]);
        let mut type_module = api.types_module();
        if api.service().is_none() {
            type_module.push(names::snake(service, "service"));
        }
        let mut methods = Scope::default();
        let mut defs = Vec::new();
        for operation in operations.values() {
            let def = operation_def(
                types,
                doc,
                operation,
                &type_module,
                &mut items,
                &mut methods,
            )?;
            if let Some(id) = named(types, &def.output) {
                // An answer that declares a `TaskId` where the SDK's waiter looks can be waited
                // for; changes that finish at once (`CreateAccountType`) declare none.
                if let Some(task) = &task_type
                    && declares_task_id(&inputs[doc].doc, operation)
                {
                    waits.entry(id).or_insert_with(|| Wait::Task(task.clone()));
                }
                if api == ApiKind::PermissionSets
                    && let Some(record) = assignment_record(types, id)
                {
                    waits.entry(id).or_insert(Wait::Assignments(record));
                }
            }
            defs.push(def);
        }
        out.push(ServiceDef {
            wire: service.clone(),
            module,
            handle,
            operations: defs,
        });
    }
    Ok(out)
}

fn operation_def(
    types: &mut Types<'_>,
    doc: usize,
    operation: &Operation,
    type_module: &[String],
    items: &mut Scope,
    methods: &mut Scope,
) -> Result<OperationDef, Error> {
    let pascal = names::pascal(&operation.name, "Operation");
    let builder = items.claim(&format!("{pascal}Request"), &["Operation"]);
    let method = methods.claim(&names::snake(&operation.name, "operation"), &["operation"]);
    let mut setter_names = Scope::with_reserved(&BUILDER_METHODS);
    let mut setters = Vec::new();
    let first_pointer = operation
        .variants
        .first()
        .map(|v| v.pointer.clone())
        .unwrap_or_default();
    for param in operation.parameters() {
        let location = match param.location {
            ParameterLocation::Path => Location::Path,
            ParameterLocation::Query => Location::Query,
            // Headers and cookies are not arguments of the SDK's calls.
            _ => continue,
        };
        let place = Place::new(
            doc,
            format!("{first_pointer}/parameters"),
            type_module.to_vec(),
            vec![
                names::pascal(&param.name, "Parameter"),
                format!("{pascal}{}", names::pascal(&param.name, "Parameter")),
            ],
        );
        let ty = match &param.schema {
            Some(schema) => types.ty(schema, &place)?.0,
            None => Ty::String,
        };
        let inputs = types.inputs;
        let resolved = param
            .schema
            .as_ref()
            .map(|s| pointer::resolve_lenient(&inputs[doc].doc, s).clone())
            .unwrap_or(Value::Null);
        setters.push(Setter {
            method: setter_names.claim(&names::snake(&param.name, "parameter"), &["param"]),
            wire: param.name.clone(),
            ty,
            location,
            required: param.required,
            description: param.description.clone(),
            facts: super::types::facts(&resolved),
        });
    }
    let mut body = None;
    if let Some((schema, at)) = request_schema(types, doc, operation) {
        let place = Place::new(doc, at, type_module.to_vec(), vec![format!("{pascal}Body")]);
        let (ty, _) = types.ty(&schema, &place)?;
        match struct_fields(types, &ty) {
            Some(fields) => {
                for field in fields {
                    setters.push(Setter {
                        method: setter_names.claim(&field.ident, &["field"]),
                        wire: field.wire,
                        ty: field.ty,
                        location: Location::Body,
                        required: field.required,
                        description: field.description,
                        facts: field.facts,
                    });
                }
            }
            None => body = Some(ty),
        }
    }
    let output = output(types, doc, operation, type_module)?;
    let paging = paging(types, operation, &output);
    Ok(OperationDef {
        wire: operation.name.clone(),
        method,
        builder,
        summary: operation.summary.clone(),
        description: operation.description.clone(),
        routes: operation
            .variants
            .iter()
            .map(|v| format!("{} {}", v.method, v.path))
            .collect(),
        setters,
        body,
        output,
        paging,
    })
}

/// The request body schema of the first variant that sends one, and its pointer.
fn request_schema(types: &Types<'_>, doc: usize, operation: &Operation) -> Option<(Value, String)> {
    let document = &types.inputs[doc].doc;
    operation
        .variants
        .iter()
        .filter(|v| v.has_body())
        .find_map(|v| {
            let body = document.pointer(&format!("{}/requestBody", v.pointer))?;
            let body = pointer::resolve_lenient(document, body);
            let schema = body.pointer("/content/application~1json/schema")?;
            Some((
                schema.clone(),
                format!("{}/requestBody/content/application~1json/schema", v.pointer),
            ))
        })
}

/// The type of an operation's success answer: the JSON schema of its lowest 2xx response
/// (every variant's, when they agree; `serde_json::Value` when they do not).
fn output(
    types: &mut Types<'_>,
    doc: usize,
    operation: &Operation,
    type_module: &[String],
) -> Result<Ty, Error> {
    let inputs = types.inputs;
    let document = &inputs[doc].doc;
    let mut found: Vec<(Value, String)> = Vec::new();
    for variant in &operation.variants {
        let Some(responses) = document
            .pointer(&format!("{}/responses", variant.pointer))
            .and_then(Value::as_object)
        else {
            continue;
        };
        let mut codes: Vec<&String> = responses
            .keys()
            .filter(|c| c.len() == 3 && c.starts_with('2'))
            .collect();
        codes.sort();
        for code in codes {
            let response = pointer::resolve_lenient(document, &responses[code]);
            if let Some(schema) = response.pointer("/content/application~1json/schema") {
                found.push((
                    schema.clone(),
                    format!(
                        "{}/responses/{code}/content/application~1json/schema",
                        variant.pointer
                    ),
                ));
                break;
            }
        }
    }
    let Some((schema, at)) = found.first().cloned() else {
        return Ok(Ty::Any);
    };
    if found.iter().any(|(other, _)| *other != schema) {
        return Ok(Ty::Any);
    }
    let place = Place::new(
        doc,
        at,
        type_module.to_vec(),
        vec![format!(
            "{}Output",
            names::pascal(&operation.name, "Operation")
        )],
    );
    Ok(types.ty(&schema, &place)?.0)
}

/// The generated type a type names, through aliases.
fn named(types: &Types<'_>, ty: &Ty) -> Option<TypeId> {
    match ty {
        Ty::Named(id) => match &types.defs[*id].kind {
            Kind::Alias(inner) => named(types, inner).or(Some(*id)),
            _ => Some(*id),
        },
        _ => None,
    }
}

/// The fields of the struct a type names.
fn struct_fields(types: &Types<'_>, ty: &Ty) -> Option<Vec<super::types::Field>> {
    match &types.defs[named(types, ty)?].kind {
        Kind::Struct(fields) if !fields.is_empty() => Some(fields.clone()),
        _ => None,
    }
}

/// A list operation: a GET whose answer holds `Paging` and one list.
fn paging(types: &Types<'_>, operation: &Operation, output: &Ty) -> Option<Paging> {
    if operation
        .variants
        .iter()
        .any(|v| v.method.as_str() != "GET")
    {
        return None;
    }
    let fields = struct_fields(types, output)?;
    if !fields.iter().any(|f| f.wire == "Paging") {
        return None;
    }
    let lists: Vec<(String, Ty)> = fields
        .iter()
        .filter(|f| f.wire != "Paging")
        .filter_map(|f| element_of(types, &f.ty).map(|item| (f.wire.clone(), item)))
        .collect();
    match lists.as_slice() {
        [(field, item)] => Some(Paging {
            item: item.clone(),
            field: field.clone(),
        }),
        _ => None,
    }
}

/// The element type of a list type (a `Vec`, or a newtype or alias of one).
fn element_of(types: &Types<'_>, ty: &Ty) -> Option<Ty> {
    match ty {
        Ty::Array(item) => Some((**item).clone()),
        Ty::Named(id) => match &types.defs[*id].kind {
            Kind::Newtype(inner) | Kind::Alias(inner) => element_of(types, inner),
            _ => None,
        },
        _ => None,
    }
}

/// Where the SDK's waiter finds a task's id in an answer (`staxapp::tasks::TASK_ID_PATHS`; a
/// test keeps the two alike).
pub const TASK_ID_PATHS: [&[&str]; 3] = [
    &["TaskId"],
    &["Detail", "TaskId"],
    &["Detail", "Message", "TaskId"],
];

/// Whether the success answer of `operation` declares a `TaskId` at one of [`TASK_ID_PATHS`].
fn declares_task_id(doc: &Value, operation: &Operation) -> bool {
    operation.variants.iter().any(|variant| {
        doc.pointer(&variant.pointer)
            .and_then(|op| describe::answer_schema(doc, op))
            .is_some_and(|answer| {
                TASK_ID_PATHS
                    .iter()
                    .any(|path| describe::may_hold(doc, answer, path) == Some(true))
            })
    })
}

/// The assignment record type of an answer that is one (`Id`, `PermissionSetId`, `Status`)
/// or a list of them.
fn assignment_record(types: &Types<'_>, id: TypeId) -> Option<Ty> {
    let is_record = |ty: &Ty| {
        struct_fields(types, ty).is_some_and(|fields| {
            ["Id", "PermissionSetId", "Status"]
                .iter()
                .all(|w| fields.iter().any(|f| f.wire == *w))
        })
    };
    let own = Ty::Named(id);
    if is_record(&own) {
        return Some(own);
    }
    element_of(types, &own).filter(|item| is_record(item))
}
