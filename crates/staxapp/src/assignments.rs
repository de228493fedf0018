//! Waiting for permission set assignments (PARITY.md B7).
//!
//! The Permission Sets API has no tasks: an assignment carries its own `Status`, which moves
//! from `CREATE_REQUESTED` (or `UPDATE_REQUESTED` after a redeploy) through
//! `DEPLOYMENT_IN_PROGRESS` to `DEPLOYMENT_COMPLETE` or `DEPLOYMENT_FAILED`, and after a delete
//! from `DELETE_REQUESTED` through `DELETE_IN_PROGRESS` to `DELETE_COMPLETE` or
//! `DELETE_FAILED`. [`StaxClient::wait_for_assignment`] reads the permission set's
//! assignments (`ListPermissionSetAssignments`, every page) until the assignment reaches the
//! status of its [`AssignmentGoal`], fails on a `*_FAILED` status, and gives up after the
//! timeout. [`StaxClient::wait_for_assignments`] waits for every assignment of an answer
//! (`CreatePermissionSetAssignments`, `RedeployPermissionSetAssignment`,
//! `DeletePermissionSetAssignment`), each toward the goal its status points to.
//!
//! ```no_run
//! use std::time::Duration;
//! use serde_json::json;
//! use staxapp::assignments::AssignmentWaitOptions;
//! use staxapp::{StaxClient, args};
//!
//! # async fn demo(set: &str, group: &str, account_type: &str) -> staxapp::Result<()> {
//! let client = StaxClient::from_env()?;
//! let created = client
//!     .call(
//!         "permission-sets",
//!         "CreatePermissionSetAssignments",
//!         args! {"permission_set_id" => set}
//!             .body(json!([{"GroupId": group, "AccountTypeId": account_type}])),
//!     )
//!     .await?;
//! let options = AssignmentWaitOptions::default()
//!     .timeout(Duration::from_secs(600))
//!     .on_progress(|p| eprintln!("assignment {} is {} after {:?}", p.assignment_id, p.status, p.elapsed));
//! let deployed = client.wait_for_assignments(&created, options).await?;
//! println!("{}", deployed[0]["Status"]); // DEPLOYMENT_COMPLETE
//! # Ok(()) }
//! ```

use std::time::Duration;

use futures::TryStreamExt as _;
use serde_json::Value;

use crate::apis::PERMISSION_SETS_SERVICE;
use crate::args::Args;
use crate::client::StaxClient;
use crate::error::{Result, TaskError};
use crate::tasks::WaitOptions;

/// Every status an assignment may have (the document's `AssignmentRecordStatus`).
pub const STATUSES: [&str; 9] = [
    "CREATE_REQUESTED",
    "UPDATE_REQUESTED",
    "DEPLOYMENT_IN_PROGRESS",
    "DEPLOYMENT_FAILED",
    "DEPLOYMENT_COMPLETE",
    "DELETE_REQUESTED",
    "DELETE_IN_PROGRESS",
    "DELETE_FAILED",
    "DELETE_COMPLETE",
];

/// How many assignments one read of the listing asks for.
const PAGE_SIZE: u64 = 100;

/// Where an assignment is going.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AssignmentGoal {
    /// Deployed: `DEPLOYMENT_COMPLETE` (`DEPLOYMENT_FAILED` fails).
    Deployed,
    /// Deleted: `DELETE_COMPLETE` (`DELETE_FAILED` fails). An assignment that is no longer
    /// listed counts as deleted.
    Deleted,
}

impl AssignmentGoal {
    /// The status that ends the wait.
    pub fn status(self) -> &'static str {
        match self {
            AssignmentGoal::Deployed => "DEPLOYMENT_COMPLETE",
            AssignmentGoal::Deleted => "DELETE_COMPLETE",
        }
    }

    /// The status that fails the wait.
    pub fn failed_status(self) -> &'static str {
        match self {
            AssignmentGoal::Deployed => "DEPLOYMENT_FAILED",
            AssignmentGoal::Deleted => "DELETE_FAILED",
        }
    }

    /// The goal a status belongs to: `DELETE_*` toward [`Deleted`](Self::Deleted), every other
    /// status of [`STATUSES`] toward [`Deployed`](Self::Deployed); `None` for anything else.
    ///
    /// ```
    /// use staxapp::assignments::AssignmentGoal;
    ///
    /// assert_eq!(AssignmentGoal::for_status("UPDATE_REQUESTED"), Some(AssignmentGoal::Deployed));
    /// assert_eq!(AssignmentGoal::for_status("DELETE_IN_PROGRESS"), Some(AssignmentGoal::Deleted));
    /// assert_eq!(AssignmentGoal::for_status("SUCCEEDED"), None);
    /// ```
    pub fn for_status(status: &str) -> Option<AssignmentGoal> {
        if !STATUSES.contains(&status) {
            None
        } else if status.starts_with("DELETE_") {
            Some(AssignmentGoal::Deleted)
        } else {
            Some(AssignmentGoal::Deployed)
        }
    }
}

/// One read of an assignment, handed to the progress callback.
#[derive(Debug, Clone)]
pub struct AssignmentProgress {
    /// The permission set's id.
    pub permission_set_id: String,
    /// The assignment's id.
    pub assignment_id: String,
    /// Its status, e.g. `DEPLOYMENT_IN_PROGRESS`; `NOT_LISTED` when the listing no longer
    /// holds it.
    pub status: String,
    /// Time since waiting started.
    pub elapsed: Duration,
    /// How many times the assignments have been read, this one included.
    pub polls: u32,
    /// The assignment as listed (`null` when not listed).
    pub assignment: Value,
}

/// How to wait for an assignment: [`WaitOptions`] with an [`AssignmentProgress`] callback.
///
/// ```
/// use std::time::Duration;
/// use staxapp::assignments::AssignmentWaitOptions;
///
/// let options = AssignmentWaitOptions::default()
///     .timeout(Duration::from_secs(300))
///     .initial_interval(Duration::from_millis(500))
///     .on_progress(|p| println!("{} {}", p.assignment_id, p.status));
/// assert_eq!(options.timeout, Duration::from_secs(300));
/// ```
pub type AssignmentWaitOptions = WaitOptions<AssignmentProgress>;

/// An assignment named in an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AssignmentRef {
    /// The permission set's id (`PermissionSetId`).
    pub permission_set_id: String,
    /// The assignment's id (`Id`).
    pub assignment_id: String,
    /// Its status in the answer (`Status`).
    pub status: String,
}

/// The assignments of an answer: an assignment record (`Id`, `PermissionSetId` and a
/// `Status` of [`STATUSES`]), or an array of them; empty for anything else (a task, a list
/// page, a permission set).
///
/// ```
/// use serde_json::json;
/// use staxapp::assignments::assignments_in;
///
/// let one = json!({"Id": "a-1", "PermissionSetId": "p-1", "Status": "DELETE_REQUESTED"});
/// assert_eq!(assignments_in(&one)[0].assignment_id, "a-1");
/// assert_eq!(assignments_in(&json!([one, one])).len(), 2);
/// assert!(assignments_in(&json!({"TaskId": "t-1"})).is_empty());
/// assert!(assignments_in(&json!({"Id": "p-1", "Status": "ACTIVE"})).is_empty());
/// ```
pub fn assignments_in(response: &Value) -> Vec<AssignmentRef> {
    let one = |record: &Value| {
        let text = |key: &str| record.get(key)?.as_str().filter(|s| !s.is_empty());
        let status = text("Status").filter(|s| STATUSES.contains(s))?;
        Some(AssignmentRef {
            permission_set_id: text("PermissionSetId")?.to_owned(),
            assignment_id: text("Id")?.to_owned(),
            status: status.to_owned(),
        })
    };
    match response {
        Value::Array(records) => records.iter().filter_map(one).collect(),
        record => one(record).into_iter().collect(),
    }
}

impl StaxClient {
    /// Reads the assignments of `permission_set_id` (every page of
    /// `ListPermissionSetAssignments`) until `assignment_id` reaches `goal`'s status, and
    /// returns it as listed.
    ///
    /// Fails with [`TaskError::AssignmentFailed`] on `goal`'s failed status,
    /// [`TaskError::AssignmentTimeout`] after `options.timeout`, and
    /// [`TaskError::AssignmentGone`] when an assignment awaited to deploy is not listed. For
    /// [`AssignmentGoal::Deleted`], an assignment (or permission set) that is gone counts as
    /// deleted: the last record seen is returned (`null` if none was).
    pub async fn wait_for_assignment(
        &self,
        permission_set_id: &str,
        assignment_id: &str,
        goal: AssignmentGoal,
        options: AssignmentWaitOptions,
    ) -> Result<Value> {
        let mut pacer = options.pacer();
        let mut last_seen = Value::Null;
        loop {
            let (polls, elapsed) = pacer.read();
            let found = match (
                self.find_assignment(permission_set_id, assignment_id).await,
                goal,
            ) {
                (Ok(found), _) => found,
                // The permission set itself is gone: so is the assignment.
                (Err(e), AssignmentGoal::Deleted) if e.status() == Some(404) => None,
                (Err(e), _) => return Err(e),
            };
            let status = found
                .as_ref()
                .and_then(|a| a.get("Status"))
                .and_then(Value::as_str)
                .unwrap_or("NOT_LISTED")
                .to_owned();
            pacer.report(&AssignmentProgress {
                permission_set_id: permission_set_id.to_owned(),
                assignment_id: assignment_id.to_owned(),
                status: status.clone(),
                elapsed,
                polls,
                assignment: found.clone().unwrap_or(Value::Null),
            });
            match found {
                Some(assignment) if status == goal.status() => return Ok(assignment),
                Some(assignment) if status == goal.failed_status() => {
                    return Err(TaskError::AssignmentFailed {
                        permission_set_id: permission_set_id.to_owned(),
                        assignment_id: assignment_id.to_owned(),
                        status,
                        assignment,
                    }
                    .into());
                }
                Some(assignment) => last_seen = assignment,
                None if goal == AssignmentGoal::Deleted => return Ok(last_seen),
                None => {
                    return Err(TaskError::AssignmentGone {
                        permission_set_id: permission_set_id.to_owned(),
                        assignment_id: assignment_id.to_owned(),
                    }
                    .into());
                }
            }
            if let Err(waited) = pacer.pause().await {
                return Err(TaskError::AssignmentTimeout {
                    permission_set_id: permission_set_id.to_owned(),
                    assignment_id: assignment_id.to_owned(),
                    status,
                    waited,
                }
                .into());
            }
        }
    }

    /// Waits for every assignment of an answer ([`assignments_in`]), one after the other,
    /// each toward the goal of its status in the answer ([`AssignmentGoal::for_status`]);
    /// returns them as last listed. [`TaskError::NoAssignment`] when the answer holds none.
    pub async fn wait_for_assignments(
        &self,
        response: &Value,
        options: AssignmentWaitOptions,
    ) -> Result<Vec<Value>> {
        let assignments = assignments_in(response);
        if assignments.is_empty() {
            return Err(TaskError::NoAssignment.into());
        }
        let mut done = Vec::with_capacity(assignments.len());
        for a in assignments {
            let goal = AssignmentGoal::for_status(&a.status).unwrap_or(AssignmentGoal::Deployed);
            done.push(
                self.wait_for_assignment(
                    &a.permission_set_id,
                    &a.assignment_id,
                    goal,
                    options.clone(),
                )
                .await?,
            );
        }
        Ok(done)
    }

    /// The assignment `assignment_id` of `permission_set_id` as listed, if it is.
    async fn find_assignment(
        &self,
        permission_set_id: &str,
        assignment_id: &str,
    ) -> Result<Option<Value>> {
        let mut items = self.items(
            PERMISSION_SETS_SERVICE,
            "ListPermissionSetAssignments",
            Args::new().set("permission_set_id", permission_set_id),
            PAGE_SIZE,
            Some("Assignments"),
        );
        while let Some(item) = items.try_next().await? {
            if item.get("Id").and_then(Value::as_str) == Some(assignment_id) {
                return Ok(Some(item));
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_waiters_futures_are_send() {
        fn send<T: Send>(_: T) {}
        let client = StaxClient::new(crate::config::Config::default()).unwrap();
        let response = json!([]);
        send(client.wait_for_task("t", WaitOptions::new()));
        send(client.wait_for_assignment(
            "p",
            "a",
            AssignmentGoal::Deployed,
            AssignmentWaitOptions::default(),
        ));
        send(client.wait_for_assignments(&response, AssignmentWaitOptions::default()));
    }

    #[test]
    fn every_status_has_a_goal() {
        for status in STATUSES {
            let goal = AssignmentGoal::for_status(status).unwrap();
            assert_eq!(
                goal == AssignmentGoal::Deleted,
                status.starts_with("DELETE"),
                "{status}"
            );
        }
        assert_eq!(
            AssignmentGoal::Deployed.failed_status(),
            "DEPLOYMENT_FAILED"
        );
        assert_eq!(AssignmentGoal::Deleted.status(), "DELETE_COMPLETE");
    }

    #[test]
    fn only_assignment_records_are_found() {
        let record = json!({"Id": "a", "PermissionSetId": "p", "Status": "CREATE_REQUESTED"});
        assert_eq!(
            assignments_in(&json!([record, {"Id": "x"}, 5])),
            vec![AssignmentRef {
                permission_set_id: "p".into(),
                assignment_id: "a".into(),
                status: "CREATE_REQUESTED".into(),
            }]
        );
        for other in [
            json!(null),
            json!({"Id": "a", "PermissionSetId": "p", "Status": "SUCCEEDED"}),
            json!({"Id": "", "PermissionSetId": "p", "Status": "CREATE_REQUESTED"}),
            json!({"Assignments": [record]}),
        ] {
            assert!(assignments_in(&other).is_empty(), "{other}");
        }
    }
}
