//! Permission sets and their assignments over the store: what they look like, the rules a
//! change must keep, how an assignment's status moves, and the roles deployed assignments
//! make.
//!
//! An assignment gives the members of a group a role, named after the permission set, in
//! every account of an account type. Its deployment takes the task delay: the stored status
//! is the request (`CREATE_REQUESTED`, `UPDATE_REQUESTED`, `DELETE_REQUESTED`) and a task row
//! times it; past half the delay the request shows as `*_IN_PROGRESS`, and when the task ends
//! its effect writes the final status (`DEPLOYMENT_COMPLETE`, `DELETE_COMPLETE`, or
//! `DEPLOYMENT_FAILED` when the role could not be made).

use serde_json::{Map, Value, json};

use crate::areas::rules::{find, pending_operation, taken, text};
use crate::protocol::{ApiError, ApiResult};
use crate::store::kinds::{
    ACCOUNT, ACCOUNT_TYPE, By, GROUP, Kind, Listing, OnDelete, Paging, Ref, Shows, Stamps, Walk,
};
use crate::store::query::{Filter, Query};
use crate::store::tasks::{Effect, Outcome, status_at};
use crate::store::{Db, StoreResult};
use crate::util::{now_ms, uuid};

/// What permission sets and their assignments carry beside their own fields: who made and
/// who last changed them, when.
const STAMPS: Stamps = Stamps {
    organisation: false,
    created_by: By::CallerOrEmpty,
    modified_by: true,
    task: false,
};

/// Permission sets (no other area reads them): changed at once; lists page by token, in the
/// order they were made, `ACTIVE` ones unless `status` asks.
pub(crate) const SET: &Kind = &Kind {
    name: "permission_set",
    what: "Permission set",
    plural: "PermissionSets",
    param: "permission_set_id",
    stamps: STAMPS,
    walk: Walk::AT_ONCE,
    listing: Listing {
        status: Some("status"),
        statuses: &["ACTIVE", "DELETED"],
        shows: Shows::Only(&["ACTIVE"]),
        ids: None,
        paging: Paging::Token,
        order: &["CreatedTS", "Id"],
    },
    ..Kind::DEFAULT
};

/// Assignments of permission sets to a group and an account type. Their status is the
/// area's own (see the module's notes): the walk is not theirs.
pub(crate) const ASSIGNMENT: &Kind = &Kind {
    name: "permission_set_assignment",
    what: "Assignment",
    plural: "Assignments",
    param: "assignment_id",
    parent: Some(Ref {
        field: "PermissionSetId",
        kind: SET,
        on_delete: OnDelete::Ignore,
    }),
    // A group or account type a live assignment names cannot go: their deletions (handlers
    // of their own) refuse it, naming the assignments (`refuse_while_assigned`).
    refs: &[
        Ref {
            field: "GroupId",
            kind: GROUP,
            on_delete: OnDelete::Refuse,
        },
        Ref {
            field: "AccountTypeId",
            kind: ACCOUNT_TYPE,
            on_delete: OnDelete::Refuse,
        },
    ],
    stamps: STAMPS,
    // Its statuses follow its deployments (the area's own), not a generic walk.
    walk: Walk::AT_ONCE,
    ended: &["DELETE_COMPLETE"],
    gone: &[],
    ..Kind::DEFAULT
};

/// Name prefixes Stax keeps for its own roles.
pub(super) const RESERVED_PREFIXES: [&str; 2] = ["stax", "idam"];

/// IAM's quota on the inline policies of one role, in characters.
pub(super) const INLINE_POLICY_QUOTA: usize = 10_240;

/// The default and the bounds of `MaxSessionDuration`, in seconds.
pub(super) const SESSION_SECONDS: (u64, u64, u64) = (3600, 3600, 43_200);

/// Fields kept for the emulator's own use, never shown.
const PRIVATE: [&str; 3] = ["TimerTaskId", "Deployed", "DeploymentId"];

/// A new permission set's own fields.
pub(crate) struct NewSet<'a> {
    pub name: &'a str,
    pub description: Option<&'a str>,
    /// `[{"PolicyArn"}]`.
    pub managed: Value,
    /// `[{"Name", "Policy"}]`.
    pub inline: Value,
    pub max_session: u64,
    pub tags: Option<Value>,
}

/// The fields of a new permission set (beside the stamps its kind declares).
pub(crate) fn set_fields(s: NewSet<'_>) -> Map<String, Value> {
    let mut fields = Map::new();
    fields.insert("Name".into(), json!(s.name));
    if let Some(description) = s.description {
        fields.insert("Description".into(), json!(description));
    }
    fields.insert("AWSManagedPolicies".into(), s.managed);
    fields.insert("InlinePolicies".into(), s.inline);
    fields.insert("MaxSessionDuration".into(), json!(s.max_session));
    if let Some(tags) = s.tags {
        fields.insert("Tags".into(), tags);
    }
    fields
}

/// The fields of a new assignment (beside its set, its stamps and its status); `deployed`
/// makes one already deployed (for data made at first run).
pub(crate) fn assignment_fields(
    group_id: &str,
    account_type_id: &str,
    deployed: bool,
) -> Map<String, Value> {
    let mut fields = Map::new();
    fields.insert("GroupId".into(), json!(group_id));
    fields.insert("AccountTypeId".into(), json!(account_type_id));
    if deployed {
        fields.insert("Deployed".into(), json!(true));
        fields.insert("DeploymentId".into(), json!(uuid()));
    }
    fields
}

/// The resource without the emulator's own fields.
fn public(mut resource: Value) -> Value {
    if let Some(map) = resource.as_object_mut() {
        for key in PRIVATE {
            map.remove(key);
        }
    }
    resource
}

/// A permission set as answered.
pub(super) fn present_set(set: Value) -> Value {
    public(set)
}

/// Refuses a name Stax keeps (prefix `stax` or `idam`, any case) or one a live permission
/// set has (names become role names, which IAM compares without case).
pub(super) fn check_name(db: &Db<'_>, name: &str) -> ApiResult<()> {
    let lower = name.to_ascii_lowercase();
    if let Some(prefix) = RESERVED_PREFIXES.iter().find(|p| lower.starts_with(**p)) {
        return Err(ApiError::bad_request(format!(
            "Name: '{name}' starts with '{prefix}', which Stax keeps for its own roles"
        )));
    }
    if taken(db, SET, ("Name", name), None)? {
        return Err(ApiError::conflict(format!(
            "Name: a permission set named {name} already exists"
        )));
    }
    Ok(())
}

/// Refuses what IAM would refuse of a role's policies: a managed policy that is not an
/// attachable AWS managed policy, the same policy twice, inline policies of one name, or an
/// inline policy that is not a JSON policy document.
pub(super) fn check_policies(body: &Value) -> ApiResult<()> {
    let list = |key: &str| body.get(key).and_then(Value::as_array).cloned();
    if let Some(managed) = list("AWSManagedPolicies") {
        let mut seen = Vec::new();
        for policy in &managed {
            let arn = text(policy, "PolicyArn");
            if !super::catalogue::attachable(arn) {
                return Err(ApiError::bad_request(format!(
                    "AWSManagedPolicies: {arn} is not an AWS managed policy a role may attach (ListAWSManagedPolicies lists them)"
                )));
            }
            if seen.contains(&arn) {
                return Err(ApiError::bad_request(format!(
                    "AWSManagedPolicies: {arn} is given twice"
                )));
            }
            seen.push(arn);
        }
    }
    if let Some(inline) = list("InlinePolicies") {
        let mut seen = Vec::new();
        for policy in &inline {
            let name = text(policy, "Name");
            if seen.iter().any(|n: &&str| n.eq_ignore_ascii_case(name)) {
                return Err(ApiError::bad_request(format!(
                    "InlinePolicies: two policies are named {name}"
                )));
            }
            seen.push(name);
            let document: Value = serde_json::from_str(text(policy, "Policy")).map_err(|e| {
                ApiError::bad_request(format!(
                    "InlinePolicies: the Policy of {name} is not JSON: {e}"
                ))
            })?;
            if document.get("Statement").is_none() {
                return Err(ApiError::bad_request(format!(
                    "InlinePolicies: the Policy of {name} has no Statement"
                )));
            }
        }
    }
    Ok(())
}

/// Refuses tags Stax would: keys of 1 to 100 characters and values of at most 256, both of
/// letters, digits, spaces and `_.:/=+-@`.
pub(super) fn check_tags(body: &Value) -> ApiResult<()> {
    let Some(tags) = body.get("Tags").and_then(Value::as_object) else {
        return Ok(());
    };
    let allowed = |s: &str| {
        s.chars()
            .all(|c| c.is_alphanumeric() || c.is_whitespace() || "_.:/=+-@".contains(c))
    };
    for (key, value) in tags {
        let value = value.as_str().unwrap_or("");
        if key.is_empty() || key.chars().count() > 100 || !allowed(key) {
            return Err(ApiError::bad_request(format!(
                "Tags: the key '{key}' must be 1 to 100 letters, digits, spaces or _.:/=+-@"
            )));
        }
        if value.chars().count() > 256 || !allowed(value) {
            return Err(ApiError::bad_request(format!(
                "Tags: the value of '{key}' must be at most 256 letters, digits, spaces or _.:/=+-@"
            )));
        }
    }
    Ok(())
}

/// A live group by id (400 when none: the operation documents no 404), and not on its way
/// out (its deletion started: the assignment would outlive it).
pub(super) fn require_group(db: &Db<'_>, id: &str) -> ApiResult<Value> {
    match find(db, GROUP, ("GroupId", id)) {
        Ok(group) if text(&group, "Status") != "DELETED" => {
            if pending_operation(db, &group)?.as_deref() == Some("teams.DeleteGroup") {
                return Err(ApiError::bad_request(format!(
                    "GroupId: group {id} is being deleted"
                )));
            }
            Ok(group)
        }
        _ => Err(ApiError::bad_request(format!("GroupId: no group {id}"))),
    }
}

/// Refuses to delete a group or an account type (`field` `GroupId` or `AccountTypeId`) that a
/// live assignment (anything but `DELETE_COMPLETE`) names: 400 listing them. Stax deletes
/// neither an assignment nor its roles behind its owner's back; delete the assignments first.
pub(crate) fn refuse_while_assigned(
    db: &Db<'_>,
    (field, id): (&str, &str),
    what: &str,
) -> ApiResult<()> {
    let query = Query::of(ASSIGNMENT.name)
        .filter(Filter::is_in_nocase(field, vec![id.to_owned()]))
        .filter(Filter::not_in("Status", ASSIGNMENT.ended))
        .order("CreatedTS", false)
        .order("Id", false);
    let live = db.select(&query)?.items;
    if live.is_empty() {
        return Ok(());
    }
    let named: Vec<String> = live
        .iter()
        .map(|a| {
            format!(
                "{} (permission set {})",
                text(a, "Id"),
                text(a, "PermissionSetId")
            )
        })
        .collect();
    Err(ApiError::bad_request(format!(
        "{what} {id} has {} live permission set assignment(s): {}; delete them (DeletePermissionSetAssignment) and wait for DELETE_COMPLETE first",
        live.len(),
        named.join(", ")
    )))
}

/// A live account type by id (400 when none).
pub(super) fn require_account_type(db: &Db<'_>, id: &str) -> ApiResult<Value> {
    match find(db, ACCOUNT_TYPE, ("AccountTypeId", id)) {
        Ok(t) if text(&t, "Status") != "DELETED" => Ok(t),
        _ => Err(ApiError::bad_request(format!(
            "AccountTypeId: no account type {id}"
        ))),
    }
}

/// Whether an assignment still gives (or is about to give) roles: anything but
/// `DELETE_COMPLETE`.
pub(super) fn is_live(assignment: &Value) -> bool {
    text(assignment, "Status") != "DELETE_COMPLETE"
}

/// The assignments of a permission set, oldest first.
pub(super) fn assignments_of(db: &Db<'_>, set_id: &str) -> StoreResult<Vec<Value>> {
    let query = Query::of(ASSIGNMENT.name)
        .filter(Filter::eq("PermissionSetId", &set_id.to_ascii_lowercase()))
        .order("CreatedTS", false)
        .order("Id", false);
    Ok(db.select(&query)?.items)
}

/// The status an assignment shows at `now`: a request past half its task's delay shows as
/// in progress.
pub(super) fn shown_status(db: &Db<'_>, assignment: &Value, now: i64) -> StoreResult<String> {
    let stored = text(assignment, "Status");
    let running = match assignment.get("TimerTaskId").and_then(Value::as_str) {
        Some(task_id) => db
            .task(task_id)?
            .is_some_and(|task| status_at(&task, now).0 == "RUNNING"),
        None => false,
    };
    Ok(match stored {
        "CREATE_REQUESTED" | "UPDATE_REQUESTED" if running => "DEPLOYMENT_IN_PROGRESS",
        "DELETE_REQUESTED" if running => "DELETE_IN_PROGRESS",
        other => other,
    }
    .to_owned())
}

/// An assignment as answered at `now`.
pub(super) fn present_assignment(db: &Db<'_>, assignment: Value, now: i64) -> StoreResult<Value> {
    let status = shown_status(db, &assignment, now)?;
    let mut shown = public(assignment);
    shown["Status"] = json!(status);
    Ok(shown)
}

/// Whether an assignment is between a request and its outcome.
pub(super) fn in_flight(db: &Db<'_>, assignment: &Value) -> StoreResult<bool> {
    Ok(matches!(
        shown_status(db, assignment, now_ms())?.as_str(),
        "CREATE_REQUESTED"
            | "UPDATE_REQUESTED"
            | "DEPLOYMENT_IN_PROGRESS"
            | "DELETE_REQUESTED"
            | "DELETE_IN_PROGRESS"
    ))
}

/// How a (re)deployment of an assignment of `set` ends: it fails when the set's inline
/// policies exceed IAM's quota for one role, else it succeeds with a new deployment id.
pub(super) fn deployment(set: &Value, assignment_id: &str) -> (Effect, Outcome) {
    let inline_size: usize = set
        .get("InlinePolicies")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .map(|p| text(p, "Name").len() + text(p, "Policy").len())
                .sum()
        })
        .unwrap_or(0);
    let done = json!({"Status": "DEPLOYMENT_COMPLETE", "Deployed": true, "DeploymentId": uuid()});
    let failed = json!({"Status": "DEPLOYMENT_FAILED"});
    let effect = Effect::default()
        .merge(ASSIGNMENT, assignment_id, done)
        .merge_on_fail(ASSIGNMENT, assignment_id, failed);
    let outcome = if inline_size > INLINE_POLICY_QUOTA {
        Outcome::Fail(format!(
            "the role's inline policies hold {inline_size} characters, above IAM's quota of {INLINE_POLICY_QUOTA}"
        ))
    } else {
        Outcome::Succeed
    };
    (effect, outcome)
}

/// How a deletion of an assignment ends.
pub(super) fn removal(assignment_id: &str) -> Effect {
    Effect::default().merge(
        ASSIGNMENT,
        assignment_id,
        json!({"Status": "DELETE_COMPLETE"}),
    )
}

/// The roles deployed assignments give at `now`: one per assignment and active account of
/// its account type, while the assignment is deployed (being redeployed shows
/// `UPDATE_IN_PROGRESS`), until its deletion completes. `account_id` keeps one account's.
pub(super) fn roles(db: &Db<'_>, account_id: Option<&str>, now: i64) -> StoreResult<Vec<Value>> {
    let accounts: Vec<Value> = db
        .list(ACCOUNT)?
        .into_iter()
        .filter(|a| text(a, "Status") == "ACTIVE")
        .filter(|a| account_id.is_none_or(|id| text(a, "Id").eq_ignore_ascii_case(id)))
        .collect();
    let sets: Map<String, Value> = db
        .list(SET)?
        .into_iter()
        .map(|s| (text(&s, "Id").to_owned(), s))
        .collect();
    let mut assignments = db.list(ASSIGNMENT)?;
    assignments.sort_by(|a, b| {
        (text(a, "CreatedTS"), text(a, "Id")).cmp(&(text(b, "CreatedTS"), text(b, "Id")))
    });
    let mut roles = Vec::new();
    for assignment in assignments {
        if assignment.get("Deployed") != Some(&Value::Bool(true)) || !is_live(&assignment) {
            continue;
        }
        let Some(set) = sets.get(text(&assignment, "PermissionSetId")) else {
            continue;
        };
        let status = match shown_status(db, &assignment, now)?.as_str() {
            "UPDATE_REQUESTED" | "DEPLOYMENT_IN_PROGRESS" => "UPDATE_IN_PROGRESS",
            _ => "ACTIVE",
        };
        let name = text(set, "Name");
        for account in accounts
            .iter()
            .filter(|a| text(a, "AccountTypeId") == text(&assignment, "AccountTypeId"))
        {
            let aws_id = text(account, "AwsAccountId");
            roles.push(json!({
                "PermissionSetId": set["Id"],
                "AssignmentId": assignment["Id"],
                "DeploymentId": assignment["DeploymentId"],
                "AWSAccountId": aws_id,
                "RoleName": name,
                "RoleArn": format!("arn:aws:iam::{aws_id}:role/staxid/{name}"),
                "Status": status,
            }));
        }
    }
    Ok(roles)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policies_are_checked_as_iam_would() {
        let ok = json!({
            "AWSManagedPolicies": [{"PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}],
            "InlinePolicies": [{"Name": "s3", "Policy": "{\"Version\":\"2012-10-17\",\"Statement\":[]}"}]
        });
        check_policies(&ok).unwrap();
        for bad in [
            json!({"AWSManagedPolicies": [{"PolicyArn": "arn:aws:iam::123:policy/Mine"}]}),
            json!({"AWSManagedPolicies": [
                {"PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"},
                {"PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}]}),
            json!({"InlinePolicies": [{"Name": "a", "Policy": "not json"}]}),
            json!({"InlinePolicies": [{"Name": "a", "Policy": "{}"}]}),
            json!({"InlinePolicies": [
                {"Name": "a", "Policy": "{\"Statement\":[]}"},
                {"Name": "A", "Policy": "{\"Statement\":[]}"}]}),
        ] {
            assert!(check_policies(&bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn tags_follow_stax_rules() {
        check_tags(&json!({"Tags": {"CostCode": "12345", "team:a/b": "x y"}})).unwrap();
        check_tags(&json!({})).unwrap();
        for bad in [
            json!({"Tags": {"": "x"}}),
            json!({"Tags": {"k": "a|b"}}),
            json!({"Tags": {"k".repeat(101): "x"}}),
        ] {
            assert!(check_tags(&bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn requests_show_in_progress_past_half_their_delay_and_redeploys_mark_roles() {
        use crate::store::Store;
        use crate::store::tasks::{NewTask, Origin, create_for};
        let store = Store::open(None).unwrap();
        store
            .write(|tx| {
                let db = &tx.org("o1");
                db.put(ACCOUNT, "acc", &json!({"Id": "acc", "Status": "ACTIVE",
                    "AccountTypeId": "type", "AwsAccountId": "123456789012"}))?;
                db.put(SET, "set", &json!({"Id": "set", "Name": "Readers", "Status": "ACTIVE"}))?;
                let task = create_for(
                    db,
                    NewTask {
                        operation: "permission-sets.RedeployPermissionSetAssignment",
                        delay: std::time::Duration::from_millis(1000),
                        subjects: None,
                        outcome: Outcome::Succeed,
                        effect: Effect::default(),
                    },
                    Origin::default(),
                )?;
                let assignment = json!({"Id": "a", "PermissionSetId": "set", "AccountTypeId": "type",
                    "Status": "UPDATE_REQUESTED", "Deployed": true, "DeploymentId": "d1",
                    "TimerTaskId": task});
                db.put(ASSIGNMENT, "a", &assignment)?;
                let t0 = db.task(&task)?.unwrap().created_ms;
                assert_eq!(shown_status(db, &assignment, t0)?, "UPDATE_REQUESTED");
                assert_eq!(shown_status(db, &assignment, t0 + 600)?, "DEPLOYMENT_IN_PROGRESS");
                assert!(in_flight(db, &assignment)?);
                let roles = roles(db, None, t0 + 600)?;
                assert_eq!(roles.len(), 1);
                assert_eq!(roles[0]["Status"], "UPDATE_IN_PROGRESS");
                assert_eq!(roles[0]["RoleArn"], "arn:aws:iam::123456789012:role/staxid/Readers");
                let shown = present_assignment(db, assignment, t0 + 600)?;
                assert!(shown.get("TimerTaskId").is_none() && shown.get("Deployed").is_none());
                Ok::<_, crate::store::StoreError>(())
            })
            .unwrap();
    }

    #[test]
    fn deployments_fail_above_the_inline_quota() {
        let big = "x".repeat(INLINE_POLICY_QUOTA);
        let set = json!({"InlinePolicies": [{"Name": "big", "Policy": big}]});
        assert!(matches!(deployment(&set, "a").1, Outcome::Fail(_)));
        assert!(matches!(deployment(&json!({}), "a").1, Outcome::Succeed));
    }
}
