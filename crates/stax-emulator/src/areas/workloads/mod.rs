//! `workloads.*`: the workload catalogue (items and their versions) and deployed workloads.
//!
//! See `handlers.rs` for the wire side and `model.rs` for the rules over the store.

use serde_json::{Map, Value, json};

use super::doc::*;
use super::resource;
use super::{Area, Operation};
use crate::roles::Allowed;
use crate::store::kinds::{CATALOGUE, VERSION, WORKLOAD};

mod handlers;
pub(crate) mod model;

pub(crate) use handlers::manifest_text;

pub(crate) const AREA: Area = Area {
    operations,
    schemas,
    kinds: &[CATALOGUE, VERSION, WORKLOAD],
};

const ITEM_PATH: &str = "/20190206/workload-catalogue/{catalogue_id}";
const VERSION_PATH: &str = "/20190206/workload-catalogue/{catalogue_id}/{version_id}";
const WORKLOAD_PATH: &str = "/20190206/workloads/{workload_id}";

fn listing(extra: &[(&str, &str)]) -> Vec<Value> {
    let mut params: Vec<Value> = extra
        .iter()
        .map(|(name, text)| query(name, "string", text))
        .collect();
    params.push(query(
        "offset",
        "integer",
        "Index of the first item to return (with limit).",
    ));
    params.push(query(
        "limit",
        "integer",
        "Most items to return in one page.",
    ));
    params.push(query("sort", "string", "Field to order by."));
    params.push(sort_order());
    params
}

fn catalogue_params() -> Vec<Value> {
    let mut p = listing(&[
        ("name", "Keep the item with exactly this name."),
        (
            "filter",
            "Comma-separated statuses to keep; without it, all but DELETED.",
        ),
        ("id_filter", "Comma-separated item ids to keep."),
    ]);
    p.push(flag(
        "include_versions",
        true,
        "Whether items list their versions.",
    ));
    p.push(flag(
        "include_parameters",
        true,
        "Whether versions list their parameters.",
    ));
    p.push(flag(
        "include_tags",
        false,
        "Whether items carry their Tags.",
    ));
    p
}

fn workload_params() -> Vec<Value> {
    let mut p = listing(&[
        ("name", "Keep workloads with exactly this name."),
        (
            "name_filter",
            "Keep workloads whose name contains this text.",
        ),
        (
            "filter",
            "Comma-separated statuses to keep; without it, all but DELETED.",
        ),
        ("account_names", "Comma-separated account names to keep."),
        (
            "account_types",
            "Comma-separated account type names to keep.",
        ),
        ("account_ids", "Comma-separated account ids to keep."),
        ("id_filter", "Comma-separated workload ids to keep."),
        (
            "catalogue_names",
            "Comma-separated catalogue item names to keep.",
        ),
        (
            "catalogue_ids",
            "Comma-separated catalogue item ids to keep.",
        ),
        (
            "catalogue_version",
            "Keep workloads running this version label.",
        ),
        (
            "catalogue_version_id",
            "Comma-separated version ids to keep.",
        ),
    ]);
    p.push(flag(
        "include_tags",
        false,
        "Whether workloads carry their Tags.",
    ));
    p
}

fn operations() -> Vec<Operation> {
    let item_id = || Vec::from([path_param("catalogue_id", "Id of the catalogue item.")]);
    let version_ids = || {
        vec![
            path_param("catalogue_id", "Id of the catalogue item."),
            path_param("version_id", "Id of the version."),
        ]
    };
    let workload_id = || vec![path_param("workload_id", "Id of the workload.")];
    vec![
        Operation::new("workloads.ReadCatalogueItems", "get", "/20190206/workload-catalogue", Allowed::READ, resource::read::<handlers::CatalogueItems>)
            .summary("List the workload catalogue")
            .params(catalogue_params())
            .response("workloads.ReadCatalogueItems")
            .errors(&[400]),
        Operation::new("workloads.CreateCatalogueItem", "post", "/20190206/workload-catalogue", Allowed::USER, handlers::create_catalogue_item)
            .summary("Add a catalogue item with its first version (asynchronous)")
            .body("workloads.CreateCatalogueItem")
            .response("workloads.Event")
            .errors(&[400]),
        Operation::new("workloads.ReadCatalogueManifest", "get", "/20190206/workload-catalogue/manifest/{version_id}", Allowed::READ, handlers::read_manifest)
            .summary("Where a version's manifest can be downloaded")
            .params(vec![path_param("version_id", "Id of the version.")])
            .response("workloads.Location")
            .errors(&[400, 404]),
        Operation::new("workloads.ReadCatalogueTemplate", "get", "/20190206/workload-catalogue/template/{version_id}/{name}", Allowed::READ, handlers::read_template)
            .summary("Where one template of a version can be downloaded")
            .params(vec![
                path_param("version_id", "Id of the version."),
                path_param("name", "Name of the template."),
            ])
            .response("workloads.Location")
            .errors(&[400, 404]),
        Operation::new("workloads.ReadCatalogueItems", "get", ITEM_PATH, Allowed::READ, resource::read::<handlers::CatalogueItems>)
            .summary("One catalogue item, in a catalogue of one")
            .params({
                let mut p = item_id();
                p.extend(catalogue_params());
                p
            })
            .response("workloads.ReadCatalogueItems")
            .errors(&[400, 404]),
        Operation::new("workloads.CreateCatalogueVersion", "put", ITEM_PATH, Allowed::USER, handlers::create_catalogue_version)
            .summary("Add a version to a catalogue item; it becomes current once valid (asynchronous)")
            .params(item_id())
            .body("workloads.CreateCatalogueVersion")
            .response("workloads.Event")
            .errors(&[400, 404, 409]),
        Operation::new("workloads.DeleteCatalogueItem", "delete", ITEM_PATH, Allowed::USER, resource::delete::<handlers::CatalogueItems>)
            .summary("Remove a catalogue item no workload uses (asynchronous)")
            .params(item_id())
            .response("workloads.Event")
            .errors(&[400, 404, 409]),
        Operation::new("workloads.ReadCatalogueVersion", "get", VERSION_PATH, Allowed::READ, handlers::read_catalogue_version)
            .summary("One version of a catalogue item")
            .params({
                let mut p = version_ids();
                p.push(flag(
                    "include_parameters",
                    true,
                    "Whether the version lists its parameters.",
                ));
                p
            })
            .response("workloads.ReadCatalogueVersion")
            .errors(&[400, 404]),
        Operation::new("workloads.DeleteCatalogueVersion", "delete", VERSION_PATH, Allowed::USER, handlers::delete_catalogue_version)
            .summary("Remove a version no workload uses (asynchronous)")
            .params(version_ids())
            .response("workloads.Event")
            .errors(&[400, 404, 409]),
        Operation::new("workloads.ReadWorkloads", "get", "/20190206/workloads", Allowed::READ, resource::read::<handlers::Workloads>)
            .summary("List deployed workloads")
            .params(workload_params())
            .response("workloads.ReadWorkloads")
            .errors(&[400]),
        Operation::new("workloads.CreateWorkload", "post", "/20190206/workloads", Allowed::USER, resource::create::<handlers::Workloads>)
            .summary("Deploy a catalogue version to an account and region (asynchronous)")
            .body("workloads.CreateWorkload")
            .response("workloads.Event")
            .errors(&[400])
            .event_errors(&[400]),
        Operation::new("workloads.ReadWorkloads", "get", WORKLOAD_PATH, Allowed::READ, resource::read::<handlers::Workloads>)
            .summary("One workload, as a list of one")
            .params({
                let mut p = workload_id();
                p.push(flag(
                    "include_tags",
                    false,
                    "Whether the workload carries its Tags.",
                ));
                p
            })
            .response("workloads.ReadWorkloads")
            .errors(&[400, 404]),
        Operation::new("workloads.UpdateWorkload", "put", WORKLOAD_PATH, Allowed::USER, resource::update::<handlers::Workloads>)
            .summary("Move a workload to another version, or change its parameters, protection or tags (asynchronous)")
            .params(workload_id())
            .body("workloads.UpdateWorkload")
            .response("workloads.Event")
            .errors(&[400, 404, 409])
            .event_errors(&[400]),
        Operation::new("workloads.DeleteWorkload", "delete", WORKLOAD_PATH, Allowed::USER, resource::delete::<handlers::Workloads>)
            .summary("Remove a workload that is not protected (asynchronous)")
            .params(workload_id())
            .response("workloads.Event")
            .errors(&[400, 404, 409])
            .event_errors(&[400, 403]),
    ]
}

const CATALOGUE_STATUS: [&str; 6] = [
    "NEW",
    "UPLOADING",
    "VALIDATING",
    "ACTIVE",
    "DELETED",
    "FAILED",
];

fn schemas(s: &mut Map<String, Value>) {
    let free_object = json!({"type": "object", "additionalProperties": true});
    s.insert(
        "WorkloadCatalogueVersion".into(),
        json!({
            "type": "object",
            "description": "One uploaded manifest of a catalogue item.",
            "required": ["Id", "Status", "ManifestURL", "WorkloadVersion"],
            "properties": {
                "Id": r("ro-uuidv4"),
                "CatalogueId": r("ro-uuidv4"),
                "Description": {"type": "string"},
                "WorkloadVersion": {"type": "string", "description": "The version label given at upload."},
                "ManifestURL": {"type": "string"},
                "Parameters": list_of(free_object.clone()),
                "Outputs": {"type": "array", "nullable": true, "items": {"type": "string"}},
                "Public": {"type": "boolean"},
                "Status": status(&CATALOGUE_STATUS, "VALIDATING until its task ends."),
                "CreatedBy": r("ro-uuidv4"),
                "CreatedTS": timestamp("When it was uploaded."),
                "ModifiedTS": timestamp("When it last changed."),
                "UserTaskId": r("nullable-uuidv4")
            }
        }),
    );
    s.insert(
        "WorkloadCatalogueItem".into(),
        json!({
            "type": "object",
            "description": "A deployable workload definition and its versions.",
            "required": ["Id", "Name", "Status", "OrganisationId"],
            "properties": {
                "Id": r("ro-uuidv4"),
                "Name": {"type": "string"},
                "Description": {"type": "string"},
                "OrganisationId": r("uuidv4"),
                "Status": status(&CATALOGUE_STATUS, "VALIDATING until its first version is checked."),
                "CatalogueVersionId": r("nullable-uuidv4"),
                "Public": {"type": "boolean"},
                "Protection": {"type": "boolean"},
                "Tags": r("StaxTags"),
                "Versions": list_of(r("WorkloadCatalogueVersion")),
                "CreatedBy": r("ro-uuidv4"),
                "CreatedTS": timestamp("When it was added."),
                "ModifiedTS": timestamp("When it last changed."),
                "UserTaskId": r("nullable-uuidv4")
            }
        }),
    );
    s.insert(
        "workloads.ReadCatalogueItems".into(),
        json!({
            "type": "object",
            "required": ["WorkloadCatalogues"],
            "properties": {"WorkloadCatalogues": list_of(json!({
                "type": "object",
                "required": ["OrganisationId", "WorkloadCatalogueItems"],
                "properties": {
                    "OrganisationId": r("uuidv4"),
                    "WorkloadCatalogueItems": list_of(r("WorkloadCatalogueItem")),
                    "Paging": r("Pagination")
                }
            }))}
        }),
    );
    s.insert(
        "workloads.ReadCatalogueVersion".into(),
        wrapper("Versions", "WorkloadCatalogueVersion"),
    );
    s.insert(
        "workloads.Location".into(),
        json!({"type": "object", "required": ["url"], "properties": {"url": {"type": "string", "description": "Where to download it."}}}),
    );
    let upload = |required: &[&str], with_name: bool| {
        let mut props = json!({
            "Version": {"type": "string", "maxLength": 128, "description": "Label of the version."},
            "Description": {"type": "string", "maxLength": 1024},
            "ManifestBody": {"type": "string", "description": "The manifest itself (give this or ManifestURL)."},
            "ManifestURL": {"type": "string", "description": "An https:// or s3:// address of the manifest."},
            "Parameters": {"type": "object", "nullable": true, "additionalProperties": true},
            "Tags": r("StaxTags")
        });
        if with_name {
            props["Name"] = json!({"type": "string", "minLength": 2, "maxLength": 64});
        }
        json!({"type": "object", "required": required, "properties": props})
    };
    s.insert(
        "workloads.CreateCatalogueItem".into(),
        upload(&["Name", "Version", "Description"], true),
    );
    s.insert(
        "workloads.CreateCatalogueVersion".into(),
        upload(&["Version", "Description"], false),
    );
    s.insert(
        "Workload".into(),
        json!({
            "type": "object",
            "description": "A catalogue version deployed to one account and region.",
            "required": ["Id", "Name", "CatalogueId", "AccountId", "Region"],
            "properties": {
                "Id": r("ro-uuidv4"),
                "Name": {"type": "string"},
                "AccountId": r("uuidv4"),
                "CatalogueId": r("uuidv4"),
                "CatalogueVersionId": r("nullable-uuidv4"),
                "CatalogueVersion": {"type": "object", "nullable": true, "properties": {
                    "Id": r("uuidv4"), "WorkloadVersion": {"type": "string"}
                }},
                "OrganisationId": r("uuidv4"),
                "Parameters": {"type": "object", "nullable": true, "additionalProperties": true},
                "Protection": {"type": "boolean", "description": "A protected workload cannot be deleted."},
                "Region": {"type": "string"},
                "Status": status(&["NEW", "INITIALIZING", "ACTIVE", "CREATE_FAILED", "DELETE_IN_PROGRESS", "DELETED", "DELETE_FAILED", "UPDATE_IN_PROGRESS", "UPDATE_FAILED", "UPDATE_COMPLETE"], "INITIALIZING until deployed."),
                "Tags": r("StaxTags"),
                "CreatedBy": r("ro-uuidv4"),
                "CreatedTS": timestamp("When it was deployed."),
                "ModifiedTS": timestamp("When it last changed."),
                "UserTaskId": r("ro-uuidv4")
            }
        }),
    );
    s.insert(
        "workloads.ReadWorkloads".into(),
        json!({
            "type": "object",
            "required": ["Workloads"],
            "properties": {"Workloads": list_of(r("Workload")), "Paging": r("Pagination")}
        }),
    );
    let key_values = list_of(json!({
        "type": "object", "additionalProperties": false, "required": ["Key", "Value"],
        "properties": {"Key": {"type": "string"}, "Value": {"type": "string"}}
    }));
    s.insert(
        "workloads.CreateWorkload".into(),
        json!({
            "type": "object",
            "required": ["Name", "CatalogueId", "AccountId", "Region"],
            "properties": {
                "Name": {"type": "string", "minLength": 2, "maxLength": 64, "pattern": "^[a-zA-Z][-a-zA-Z0-9]*$"},
                "AccountId": r("uuidv4"),
                "CatalogueId": r("uuidv4"),
                "CatalogueVersionId": r("uuidv4"),
                "Region": r("DefaultAwsRegion"),
                "Parameters": key_values,
                "Tags": r("StaxTags")
            }
        }),
    );
    s.insert(
        "workloads.UpdateWorkload".into(),
        json!({
            "type": "object",
            "properties": {
                "CatalogueId": r("uuidv4"),
                "CatalogueVersionId": r("uuidv4"),
                "Parameters": key_values,
                "Protection": {"type": "boolean"},
                "Tags": r("StaxTags")
            }
        }),
    );
    s.insert(
        "workloads.Event".into(),
        json!({
            "type": "object",
            "description": "A catalogue or workload change under way: follow TaskId.",
            "required": ["DetailType", "Detail"],
            "properties": {
                "TaskId": r("ro-uuidv4"),
                "TraceId": {"type": "string"},
                "CustomerId": r("ro-uuidv4"),
                "CatalogueId": r("ro-uuidv4"),
                "CatalogueVersionId": r("ro-uuidv4"),
                "WorkloadId": r("ro-uuidv4"),
                "DetailType": {"type": "string"},
                "Detail": {
                    "type": "object",
                    "required": ["Operation", "OperationStatus"],
                    "properties": {
                        "Message": {"type": "string"},
                        "Operation": {"type": "string"},
                        "OperationStatus": r("OperationStatus"),
                        "Severity": {"type": "string"},
                        "TraceId": {"type": "string"},
                        "WorkloadCatalogueItem": free_object.clone(),
                        "WorkloadCatalogueVersion": free_object.clone(),
                        "Workload": free_object
                    }
                }
            }
        }),
    );
}
