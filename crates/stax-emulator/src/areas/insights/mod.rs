//! `insights.ReadInsights`: the organisation's activity, read from its tasks (each task one
//! insight: the operation, the caller, the record it changed and how it went).
//!
//! The wire side is in `handlers.rs`; the store records each task's caller and target
//! (`store::tasks::Origin`) and answers the filters, order and page.

use serde_json::{Map, Value, json};

use super::doc::*;
use super::{Area, Operation};
use crate::roles::Allowed;

mod handlers;

pub(crate) const AREA: Area = Area {
    operations,
    schemas,
    kinds: &[],
};

/// A query parameter holding a comma-separated list of `values`.
fn listed(name: &str, values: &[&str], text: &str) -> Value {
    json!({"name": name, "in": "query", "required": false, "description": text,
           "style": "form", "explode": false,
           "schema": {"type": "array", "items": {"type": "string", "enum": values}}})
}

const TARGET_KINDS: [&str; 7] = [
    "ACCOUNT",
    "CUSTOMER",
    "ORGANISATION",
    "ORGANISATIONAL_UNIT",
    "OTHER",
    "POLICY",
    "SERVICE_CONFIGURATION",
];

fn operations() -> Vec<Operation> {
    Vec::from([Operation::new(
        "insights.ReadInsights",
        "get",
        "/20190206/insights",
        Allowed::READ,
        handlers::read_insights,
    )
    .summary("What was asked of the organisation and how it went, newest first")
    .params(vec![
        query(
            "action",
            "string",
            "Comma-separated operations to keep, as service:Operation (accounts:CreateAccount).",
        ),
        listed("source_kind", &["TASKS"], "Where entries come from: tasks only."),
        query(
            "source_id",
            "string",
            "Comma-separated task ids to keep.",
        ),
        listed(
            "status",
            &["PENDING", "SUCCESS", "FAILED"],
            "Outcomes to keep: PENDING while the task runs; repeated or comma-separated.",
        ),
        query(
            "user_id",
            "string",
            "Comma-separated ids of the callers (API tokens) to keep.",
        ),
        listed(
            "target_kind",
            &TARGET_KINDS,
            "Kinds of the records changed to keep.",
        ),
        query("offset", "integer", "Index of the first entry to return."),
        json!({"name": "limit", "in": "query", "required": false,
               "description": format!("Most entries in one page: 1 to {}, the default.", handlers::MAX_LIMIT),
               "schema": {"type": "integer", "minimum": 1, "maximum": handlers::MAX_LIMIT}}),
        json!({"name": "sort", "in": "query", "required": false, "description": "Field to order by.",
               "schema": {"type": "string", "default": "CreatedTS",
                          "enum": ["Action", "CreatedTS", "Status", "TargetKind", "UserId"]}}),
        sort_order(),
    ])
    .response("insights.ReadInsights")
    .errors(&[400])])
}

fn schemas(s: &mut Map<String, Value>) {
    s.insert(
        "Insight".into(),
        json!({
            "type": "object",
            "additionalProperties": false,
            "description": "One thing asked of the organisation: which operation, by whom, on what, and how it went.",
            "required": ["Id", "OrganisationId", "CreatedTS", "Action", "Status", "EventSourceKind", "EventSourceId", "UserId", "TargetKind"],
            "properties": {
                "Id": r("ro-uuidv4"),
                "OrganisationId": r("ro-uuidv4"),
                "CreatedTS": {"type": "string", "format": "date-time", "readOnly": true, "description": "When it was asked."},
                "Action": {"type": "string", "description": "The operation, as service:Operation."},
                "Status": {"type": "string", "enum": ["PENDING", "SUCCESS", "FAILED"]},
                "EventSourceKind": {"type": "string", "description": "Where the entry comes from (TASKS)."},
                "EventSourceId": {"type": "string", "description": "The task's id."},
                "UserId": r("uuidv4"),
                "TargetKind": {"type": "string", "enum": TARGET_KINDS},
                "TargetId": r("nullable-uuidv4")
            }
        }),
    );
    s.insert(
        "insights.ReadInsights".into(),
        json!({
            "type": "object",
            "required": ["Insights", "Paging"],
            "properties": {
                "Insights": list_of(r("Insight")),
                "Paging": r("Pagination")
            }
        }),
    );
}
