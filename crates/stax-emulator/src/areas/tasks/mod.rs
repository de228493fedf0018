//! `tasks.ReadTask`: how an asynchronous change is getting on.

use serde_json::{Map, Value, json};

use super::doc::path_param;
use super::{Area, Operation};
use crate::roles::Allowed;

mod handlers;

pub(crate) const AREA: Area = Area {
    operations,
    schemas,
    kinds: &[],
};

fn operations() -> Vec<Operation> {
    Vec::from([Operation::new(
        "tasks.ReadTask",
        "get",
        "/20190206/task/{task_id}",
        Allowed::READ,
        handlers::read_task,
    )
    .summary("Progress of an asynchronous change")
    .params(vec![path_param(
        "task_id",
        "Id of the task, as returned by a change.",
    )])
    .response("tasks.ReadTask")
    .errors(&[404])])
}

fn schemas(s: &mut Map<String, Value>) {
    s.insert(
        "tasks.ReadTask".into(),
        json!({
            "type": "object",
            "additionalProperties": false,
            "required": ["Status", "Logs"],
            "properties": {
                "Status": {"$ref": "#/components/schemas/OperationStatus"},
                "Logs": {"type": "array", "items": {"type": "string"}},
                "Accounts": {"type": "array", "items": {"$ref": "#/components/schemas/ro-uuidv4"}},
                "Users": {"type": "array", "items": {"$ref": "#/components/schemas/ro-uuidv4"}},
                "Workloads": {"type": "array", "items": {"$ref": "#/components/schemas/ro-uuidv4"}}
            }
        }),
    );
}
