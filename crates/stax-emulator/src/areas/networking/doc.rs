//! The vocabulary of networking's components in the served document: tags, regions,
//! endpoints, statuses, the fields every record carries, events, and the `status` filter.
//! Field names and values are Stax's; the words are the emulator's.

use serde_json::{Map, Value, json};

use crate::areas::doc::{LIFECYCLE, r, timestamp};
use crate::areas::regions;

const GATEWAY_ENDPOINTS: [&str; 2] = ["dynamodb", "s3"];

const INTERFACE_ENDPOINTS: [&str; 70] = [
    "access-analyzer",
    "application-autoscaling",
    "appmesh-envoy-management",
    "appstream.api",
    "appstream.streaming",
    "athena",
    "autoscaling",
    "autoscaling-plans",
    "awsconnector",
    "backup",
    "clouddirectory",
    "cloudformation",
    "cloudtrail",
    "codeartifact.api",
    "codeartifact.repositories",
    "codebuild",
    "codecommit",
    "codedeploy",
    "codedeploy-commands-secure",
    "codepipeline",
    "config",
    "datasync",
    "dms",
    "ebs",
    "ec2",
    "ec2messages",
    "ecr.api",
    "ecr.dkr",
    "ecs",
    "ecs-agent",
    "ecs-telemetry",
    "elasticfilesystem",
    "elasticfilesystem-fips",
    "elasticloadbalancing",
    "email-smtp",
    "events",
    "execute-api",
    "fsx",
    "git-codecommit",
    "glue",
    "imagebuilder",
    "kinesis-firehose",
    "kinesis-streams",
    "kms",
    "lambda",
    "logs",
    "mgn",
    "monitoring",
    "notebook",
    "qldb.session",
    "rds",
    "rds-data",
    "rekognition",
    "s3interface",
    "sagemaker.api",
    "sagemaker.runtime",
    "secretsmanager",
    "securityhub",
    "servicecatalog",
    "sms",
    "sns",
    "sqs",
    "ssm",
    "ssmmessages",
    "storagegateway",
    "sts",
    "transfer",
    "transfer.server",
    "workspaces",
    "xray",
];

/// A name as networking requests take it: letters, digits, `-`, `_` and spaces.
pub(super) fn name(min: u32, max: u32) -> Value {
    json!({"type": "string", "minLength": min, "maxLength": max, "pattern": "^[a-zA-Z0-9-_ ]*$"})
}

/// A description of up to 2048 characters (`nullable` in records).
pub(super) fn description(nullable: bool) -> Value {
    json!({"type": "string", "minLength": 0, "maxLength": 2048, "nullable": nullable,
           "description": "What it is for, in a few words."})
}

/// A list of strings.
pub(super) fn strings() -> Value {
    json!({"type": "array", "items": {"type": "string"}})
}

/// A list of values out of `values`.
pub(super) fn enum_list(values: &[&str], nullable: bool) -> Value {
    json!({"type": "array", "nullable": nullable, "items": {"type": "string", "enum": values}})
}

/// A string out of `values`.
pub(super) fn one_of(values: &[&str]) -> Value {
    json!({"type": "string", "enum": values})
}

/// A boolean, described.
pub(super) fn flag(text: &str) -> Value {
    json!({"type": "boolean", "description": text})
}

/// A closed object of `properties`, `required` among them (OpenAPI 3.0 wants no empty
/// `required`).
pub(super) fn object(text: &str, required: &[&str], properties: Value) -> Value {
    let mut object = json!({
        "type": "object",
        "description": text,
        "additionalProperties": false,
        "properties": properties
    });
    if !required.is_empty() {
        object["required"] = json!(required);
    }
    object
}

/// A networking record: `own` properties and the fields every record carries (its id, who
/// made it and when, when it last changed, its status, its tags), with `UserTaskId` when it
/// changes through tasks and `OrganisationId` when it names its organisation.
pub(super) fn record(
    text: &str,
    required: &[&str],
    own: Value,
    (tasks, organisation): (bool, bool),
) -> Value {
    let mut properties = json!({
        "Id": r("ro-uuidv4"),
        "CreatedBy": r("nullable-uuidv4"),
        "CreatedTS": timestamp("When it was made."),
        "ModifiedTS": timestamp("When it last changed."),
        "Status": {"type": "string", "readOnly": true, "enum": LIFECYCLE},
        "Tags": r("NetworkingTags"),
    });
    if tasks {
        properties["UserTaskId"] = r("nullable-uuidv4");
    }
    if organisation {
        properties["OrganisationId"] = r("ro-uuidv4");
    }
    if let (Some(all), Some(own)) = (properties.as_object_mut(), own.as_object()) {
        all.extend(own.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    object(text, required, properties)
}

/// The answer to a networking change made by a task; `key` names the new record on a
/// creation.
pub(super) fn event(key: Option<&str>) -> Value {
    let mut detail = json!({
        "Operation": {"type": "string", "description": "The change, as `networking:CreateHub`."},
        "OperationStatus": r("OperationStatus"),
        "Severity": {"type": "string"},
        "TraceId": {"type": "string"},
        "Message": {
            "description": "The task carrying the change out (`TaskId`), or a sentence.",
            "oneOf": [
                {"type": "object", "properties": {
                    "TaskId": r("uuidv4"),
                    "CustomerId": r("uuidv4"),
                    "TraceId": {"type": "string"}
                }},
                {"type": "string"}
            ]
        }
    });
    let mut required = vec!["Operation", "OperationStatus"];
    if let Some(key) = key {
        detail[key] = object("The new record.", &["Id"], json!({"Id": r("ro-uuidv4")}));
        required.push(key);
    }
    object(
        "A change under way: its task is named in Detail.Message.TaskId.",
        &["DetailType", "Detail"],
        json!({
            "DetailType": {"type": "string"},
            "Detail": object("What was asked.", &required, detail)
        }),
    )
}

/// `{"<key>": [<component>]}`, closed: the answer of a networking read.
pub(super) fn read(key: &str, component: &str) -> Value {
    object(
        "The records found, with no paging.",
        &[key],
        json!({ key: {"type": "array", "items": r(component)} }),
    )
}

/// The `status` query parameter of a read, with what it shows by default.
pub(super) fn status_param(shown: &[&str]) -> Value {
    json!({
        "name": "status", "in": "query", "required": false,
        "description": "Statuses to list, comma-separated (an unknown one matches nothing).",
        "schema": {"type": "string", "default": shown.join(",")}
    })
}

/// The components every networking group uses.
pub(super) fn schemas(s: &mut Map<String, Value>) {
    s.insert(
        "NetworkingTags".into(),
        json!({
            "type": "object",
            "nullable": true,
            "description": "Up to 50 labels, each a key and a value.",
            "maxProperties": 50,
            "additionalProperties": {"type": "string", "minLength": 1, "maxLength": 256, "pattern": "^[a-zA-Z0-9+\\-=._:/@ ]*$"}
        }),
    );
    s.insert(
        "AwsRegion".into(),
        json!({"type": "string", "description": "An AWS region.", "enum": regions::all().collect::<Vec<_>>()}),
    );
    s.insert(
        "nullable-AwsRegion".into(),
        json!({"type": "string", "nullable": true, "description": "An AWS region, or null.", "enum": regions::all().collect::<Vec<_>>()}),
    );
    s.insert(
        "gateway-endpoint".into(),
        json!({"type": "string", "description": "A gateway endpoint of a VPC.", "enum": GATEWAY_ENDPOINTS}),
    );
    s.insert(
        "interface-endpoint".into(),
        json!({"type": "string", "description": "An interface endpoint of a hub.", "enum": &INTERFACE_ENDPOINTS[..]}),
    );
}
