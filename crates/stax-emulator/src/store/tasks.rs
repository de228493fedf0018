//! Tasks: rows that walk STARTED -> RUNNING -> SUCCEEDED (or FAILED) as time passes, or,
//! in manual transitions, as they are moved by hand.
//!
//! A change that Stax performs asynchronously writes a task row with the time it is due and
//! the change to apply then (its effect). Nothing sleeps: whenever a request arrives, tasks
//! that are due are ended and their effects applied, in one transaction.
//!
//! With [`Transitions::Manual`] (kept in the database, so every process on it agrees) a new
//! task is *held*: it shows its first state until [`Tx::move_task`] moves it one step
//! (`RUNNING`, then its end), to success, or to failure with a reason. Outcome rules
//! ([`Tx::add_outcome_rule`]) decide how the next tasks of an operation end, whatever the
//! transitions.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use serde_json::{Value, json};

use rusqlite::{OptionalExtension, params};

use super::kinds::{ACCOUNT, ACCOUNT_TYPE};
use super::{Db, Store, StoreResult, Tx, meta_of};
use crate::util::{now_ms, uuid};

/// How tasks (and permission set assignments, which tasks time) move.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Transitions {
    /// By time: each reaches its end one task delay after it started (half way, it runs).
    #[default]
    Auto,
    /// By hand: each waits in its first state until moved (`/_emulator/tasks/{id}/advance`,
    /// `complete`, `fail`).
    Manual,
}

impl FromStr for Transitions {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim().to_ascii_lowercase().as_str() {
            "auto" => Ok(Transitions::Auto),
            "manual" => Ok(Transitions::Manual),
            other => Err(format!("unknown transitions '{other}': use auto or manual")),
        }
    }
}

impl fmt::Display for Transitions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Transitions::Auto => "auto",
            Transitions::Manual => "manual",
        })
    }
}

/// The `meta` key of the transitions.
const TRANSITIONS_KEY: &str = "transitions";

/// How a task ends, as an outcome rule forces it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskOutcome {
    /// `SUCCEEDED`, its effect applied.
    Succeeded,
    /// `FAILED`, with the rule's reason in its logs.
    Failed,
}

impl FromStr for TaskOutcome {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim().to_ascii_uppercase().as_str() {
            "SUCCEEDED" => Ok(TaskOutcome::Succeeded),
            "FAILED" => Ok(TaskOutcome::Failed),
            other => Err(format!(
                "unknown outcome '{other}': use SUCCEEDED or FAILED"
            )),
        }
    }
}

impl fmt::Display for TaskOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TaskOutcome::Succeeded => "SUCCEEDED",
            TaskOutcome::Failed => "FAILED",
        })
    }
}

/// Why a task forced to fail by an outcome rule without a reason of its own failed.
pub(crate) const FORCED_REASON: &str = "failure forced by the emulator's outcome rule";

/// Where a held task waits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Held {
    /// In its first state (`STARTED`).
    First,
    /// In progress (`RUNNING`).
    Running,
}

impl Held {
    fn code(self) -> i64 {
        match self {
            Held::First => 0,
            Held::Running => 1,
        }
    }

    fn of(code: Option<i64>) -> Option<Held> {
        code.map(|c| if c == 0 { Held::First } else { Held::Running })
    }
}

/// A task row.
#[derive(Clone, Debug)]
pub(crate) struct TaskRow {
    pub id: String,
    pub operation: String,
    pub created_ms: i64,
    pub due_ms: i64,
    /// `SUCCEEDED` or `FAILED`: the final status.
    pub outcome: String,
    pub logs: Vec<String>,
    /// `Accounts`, `Users` or `Workloads`: the key the task's subjects are listed under.
    pub subject: Option<String>,
    pub subjects: Vec<String>,
    /// A change to apply when the task ends (see `tasks`).
    pub effect: Option<Value>,
    pub applied: bool,
    /// The organisation whose change it carries out.
    pub org: String,
    /// Who asked for it and what it changes.
    pub origin: Origin,
    /// Where it waits to be moved by hand, when it is (manual transitions).
    pub held: Option<Held>,
}

/// Who asked for a task and which record it changes: what insights report of it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Origin {
    /// The caller's id (the signing API token's access key); `None` for tasks the emulator
    /// made itself.
    pub caller: Option<String>,
    /// What insights call the kind of the record it changes (`ACCOUNT`, `POLICY`, ...;
    /// [`crate::store::kinds::Kind::target_kind`]).
    pub target_kind: Option<String>,
    /// The id of the record it changes, when it changes one.
    pub target_id: Option<String>,
}

/// The columns of a task row, in the order [`task_from_row`] reads them.
pub(super) const TASK_COLUMNS: &str = "id, operation, created_ms, due_ms, outcome, logs, subject, subjects, effect, applied, org, caller, target_kind, target_id, held";

type RowParts = (TaskRow, String, String, Option<String>);

pub(super) fn task_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<RowParts> {
    Ok((
        TaskRow {
            id: row.get(0)?,
            operation: row.get(1)?,
            created_ms: row.get(2)?,
            due_ms: row.get(3)?,
            outcome: row.get(4)?,
            logs: Vec::new(),
            subject: row.get(6)?,
            subjects: Vec::new(),
            effect: None,
            applied: row.get(9)?,
            org: row.get(10)?,
            origin: Origin {
                caller: row.get(11)?,
                target_kind: row.get(12)?,
                target_id: row.get(13)?,
            },
            held: Held::of(row.get(14)?),
        },
        row.get(5)?,
        row.get(7)?,
        row.get(8)?,
    ))
}

pub(super) fn finish_task(parts: RowParts) -> StoreResult<TaskRow> {
    let (mut task, logs, subjects, effect) = parts;
    task.logs = serde_json::from_str(&logs)?;
    task.subjects = serde_json::from_str(&subjects)?;
    task.effect = effect.map(|e| serde_json::from_str(&e)).transpose()?;
    Ok(task)
}

impl Db<'_> {
    /// Writes a task of this organisation.
    pub fn add_task(&self, task: &TaskRow) -> StoreResult<()> {
        self.conn.execute(
            &format!(
                "INSERT INTO tasks ({TASK_COLUMNS})
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)"
            ),
            params![
                task.id,
                task.operation,
                task.created_ms,
                task.due_ms,
                task.outcome,
                serde_json::to_string(&task.logs)?,
                task.subject,
                serde_json::to_string(&task.subjects)?,
                task.effect
                    .as_ref()
                    .map(serde_json::to_string)
                    .transpose()?,
                task.applied,
                self.org(),
                task.origin.caller,
                task.origin.target_kind,
                task.origin.target_id,
                task.held.map(Held::code),
            ],
        )?;
        Ok(())
    }

    /// A task of this organisation.
    pub fn task(&self, id: &str) -> StoreResult<Option<TaskRow>> {
        let parts = self
            .conn
            .query_row(
                &format!("SELECT {TASK_COLUMNS} FROM tasks WHERE id = ?1 AND org = ?2"),
                params![id, self.org()],
                task_from_row,
            )
            .optional()?;
        parts.map(finish_task).transpose()
    }

    /// Whether new tasks wait to be moved by hand.
    fn transitions(&self) -> StoreResult<Transitions> {
        Ok(meta_of(self.conn, TRANSITIONS_KEY)?
            .and_then(|mode| mode.parse().ok())
            .unwrap_or_default())
    }

    /// The outcome the first outcome rule of `operation` with uses left forces (using one),
    /// if any.
    fn take_outcome(&self, operation: &str) -> StoreResult<Option<Outcome>> {
        let rule: Option<(i64, String, Option<String>)> = self
            .conn
            .query_row(
                "SELECT id, outcome, reason FROM outcome_rules
                 WHERE operation = ?1 AND remaining > 0 ORDER BY id LIMIT 1",
                [operation],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((id, outcome, reason)) = rule else {
            return Ok(None);
        };
        self.conn.execute(
            "UPDATE outcome_rules SET remaining = remaining - 1 WHERE id = ?1",
            [id],
        )?;
        Ok(Some(match outcome.parse() {
            Ok(TaskOutcome::Succeeded) => Outcome::Succeed,
            _ => Outcome::Fail(reason.unwrap_or_else(|| FORCED_REASON.to_owned())),
        }))
    }
}

/// How a task is moved by hand (`POST /_emulator/tasks/{id}/advance`, `complete`, `fail`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Advance {
    /// One step: from its first state to `RUNNING`, from `RUNNING` to its end (as planned).
    Next,
    /// To its end, `SUCCEEDED`, its effect applied.
    Complete,
    /// To its end, `FAILED`, with this reason in its logs.
    Fail(String),
}

/// Why a task could not be moved.
#[derive(Debug)]
pub(crate) enum MoveRefused {
    /// No task has that id.
    Unknown,
    /// It has ended, with this status.
    Ended(&'static str),
}

/// Where a task stands, as a query asks for it: waiting or running (not ended yet), or ended
/// one way or the other.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TaskState {
    Pending,
    Succeeded,
    Failed,
}

impl TaskState {
    /// The SQL condition on a task row.
    fn condition(self) -> &'static str {
        match self {
            TaskState::Pending => "applied = 0",
            TaskState::Succeeded => "(applied = 1 AND outcome <> 'FAILED')",
            TaskState::Failed => "(applied = 1 AND outcome = 'FAILED')",
        }
    }
}

/// What a list of tasks is ordered by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TaskOrder {
    /// When it was asked for.
    Created,
    /// Its operation's id.
    Operation,
    /// Its state: failed, then pending, then succeeded (the alphabetical order of the words
    /// insights use).
    State,
    /// Its target's kind ([`Origin::target_kind`]; none sorts as `OTHER`).
    TargetKind,
    /// Its caller (none sorts as the organisation's id).
    Caller,
}

impl TaskOrder {
    fn expression(self) -> &'static str {
        match self {
            TaskOrder::Created => "created_ms",
            TaskOrder::Operation => "operation",
            TaskOrder::State => {
                "CASE WHEN applied = 0 THEN 1 WHEN outcome = 'FAILED' THEN 0 ELSE 2 END"
            }
            TaskOrder::TargetKind => "coalesce(target_kind, 'OTHER')",
            TaskOrder::Caller => "coalesce(caller, org)",
        }
    }
}

/// Which tasks of an organisation, in which order, which page. Each `Some` list keeps the
/// tasks matching one of its values (an empty list keeps none).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct TaskQuery {
    /// Operation ids (`accounts.CreateAccount`).
    pub operations: Option<Vec<String>>,
    /// Task ids.
    pub ids: Option<Vec<String>>,
    /// Callers' ids (a task without one counts as the organisation's).
    pub callers: Option<Vec<String>>,
    pub states: Option<Vec<TaskState>>,
    /// Targets' kinds (a task without one counts as `OTHER`).
    pub target_kinds: Option<Vec<String>>,
    pub order: TaskOrder,
    pub descending: bool,
    pub offset: usize,
    /// The most the page holds (`None`: all the rest).
    pub limit: Option<usize>,
}

impl Default for TaskQuery {
    fn default() -> Self {
        TaskQuery {
            operations: None,
            ids: None,
            callers: None,
            states: None,
            target_kinds: None,
            order: TaskOrder::Created,
            descending: false,
            offset: 0,
            limit: None,
        }
    }
}

/// Appends `column IN (values)`, binding the values.
fn within(sql: &mut String, args: &mut Vec<String>, column: &str, values: &[String]) {
    let start = args.len() + 2;
    let marks: Vec<String> = (start..start + values.len())
        .map(|n| format!("?{n}"))
        .collect();
    args.extend(values.iter().cloned());
    sql.push_str(&format!(" AND {column} IN ({})", marks.join(", ")));
}

impl Db<'_> {
    /// One page of the organisation's tasks a query selects, in its order (ties by creation,
    /// in the same direction), and how many it selects in all; filters and order run inside
    /// SQLite.
    pub fn select_tasks(&self, query: &TaskQuery) -> StoreResult<(Vec<TaskRow>, usize)> {
        // ?1 is the organisation; the lists' values follow.
        let mut sql = String::from(" FROM tasks WHERE org = ?1");
        let mut args: Vec<String> = Vec::new();
        if let Some(values) = &query.operations {
            within(&mut sql, &mut args, "operation", values);
        }
        if let Some(values) = &query.ids {
            let lower: Vec<String> = values.iter().map(|v| v.to_ascii_lowercase()).collect();
            within(&mut sql, &mut args, "id", &lower);
        }
        if let Some(values) = &query.callers {
            let lower: Vec<String> = values.iter().map(|v| v.to_ascii_lowercase()).collect();
            within(&mut sql, &mut args, "lower(coalesce(caller, org))", &lower);
        }
        if let Some(values) = &query.target_kinds {
            within(
                &mut sql,
                &mut args,
                TaskOrder::TargetKind.expression(),
                values,
            );
        }
        if let Some(states) = &query.states {
            let any: Vec<&str> = states.iter().map(|s| s.condition()).collect();
            let any = if any.is_empty() {
                "0".to_owned()
            } else {
                any.join(" OR ")
            };
            sql.push_str(&format!(" AND ({any})"));
        }
        let bound = || {
            std::iter::once(self.org().to_owned())
                .chain(args.iter().cloned())
                .collect::<Vec<_>>()
        };
        let total: i64 = self.conn.query_row(
            &format!("SELECT COUNT(*){sql}"),
            rusqlite::params_from_iter(bound()),
            |r| r.get(0),
        )?;
        let direction = if query.descending { " DESC" } else { "" };
        let limit = query
            .limit
            .map_or(-1, |l| i64::try_from(l).unwrap_or(i64::MAX));
        let offset = i64::try_from(query.offset).unwrap_or(i64::MAX);
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {TASK_COLUMNS}{sql} ORDER BY {}{direction}, created_ms{direction}, rowid{direction} LIMIT {limit} OFFSET {offset}",
            query.order.expression()
        ))?;
        let rows = stmt.query_map(rusqlite::params_from_iter(bound()), task_from_row)?;
        let mut tasks = Vec::new();
        for row in rows {
            tasks.push(finish_task(row?)?);
        }
        Ok((tasks, usize::try_from(total).unwrap_or(0)))
    }
}

impl Tx<'_> {
    /// Tasks whose end is due by `now_ms` and whose effect is not applied yet, oldest first
    /// (held tasks are never due).
    pub fn due_tasks(&self, now_ms: i64) -> StoreResult<Vec<TaskRow>> {
        let mut stmt = self.0.prepare_cached(&format!(
            "SELECT {TASK_COLUMNS} FROM tasks
             WHERE applied = 0 AND held IS NULL AND due_ms <= ?1 ORDER BY due_ms, created_ms"
        ))?;
        let rows = stmt.query_map([now_ms], task_from_row)?;
        let mut out = Vec::new();
        for row in rows {
            out.push(finish_task(row?)?);
        }
        Ok(out)
    }

    /// A task of any organisation (for the control routes, which name none).
    pub fn task_anywhere(&self, id: &str) -> StoreResult<Option<TaskRow>> {
        let parts = self
            .0
            .query_row(
                &format!("SELECT {TASK_COLUMNS} FROM tasks WHERE id = ?1"),
                [id],
                task_from_row,
            )
            .optional()?;
        parts.map(finish_task).transpose()
    }

    /// Records a task as ended, with its final outcome and logs.
    pub fn end_task(&self, id: &str, outcome: &str, logs: &[String]) -> StoreResult<()> {
        self.0.execute(
            "UPDATE tasks SET applied = 1, held = NULL, outcome = ?2, logs = ?3 WHERE id = ?1",
            params![id, outcome, serde_json::to_string(logs)?],
        )?;
        Ok(())
    }

    /// Whether any task is waiting to end (so readers know whether to advance).
    pub fn has_pending_tasks(&self) -> StoreResult<bool> {
        Ok(self.0.query_row(
            "SELECT EXISTS (SELECT 1 FROM tasks WHERE applied = 0 AND held IS NULL)",
            [],
            |r| r.get(0),
        )?)
    }

    /// How tasks move now.
    pub fn transitions(&self) -> StoreResult<Transitions> {
        Ok(meta_of(self.0, TRANSITIONS_KEY)?
            .and_then(|mode| mode.parse().ok())
            .unwrap_or_default())
    }

    /// Sets how new tasks move. Going back to [`Transitions::Auto`] releases the held tasks:
    /// each ends `delay` later, a running one half of it later.
    pub fn set_transitions(&self, mode: Transitions, delay: Duration, now: i64) -> StoreResult<()> {
        self.set_meta(TRANSITIONS_KEY, &mode.to_string())?;
        if mode == Transitions::Auto {
            let delay = i64::try_from(delay.as_millis()).unwrap_or(i64::MAX);
            let half = delay / 2;
            self.0.execute(
                "UPDATE tasks SET
                     created_ms = ?1 - CASE held WHEN 0 THEN 0 ELSE ?3 END,
                     due_ms = ?1 + CASE held WHEN 0 THEN ?2 ELSE ?2 - ?3 END,
                     held = NULL
                 WHERE held IS NOT NULL AND applied = 0",
                params![now, delay, half],
            )?;
        }
        Ok(())
    }

    /// Makes the next `times` tasks of `operation` end with `outcome` (a failure with
    /// `reason`, or [`FORCED_REASON`]), after the rules given before it are used up.
    pub fn add_outcome_rule(
        &self,
        operation: &str,
        outcome: TaskOutcome,
        reason: Option<&str>,
        times: u32,
    ) -> StoreResult<()> {
        self.0.execute(
            "INSERT INTO outcome_rules (operation, outcome, reason, remaining) VALUES (?1, ?2, ?3, ?4)",
            params![operation, outcome.to_string(), reason, times],
        )?;
        Ok(())
    }

    /// The outcome rules with uses left, oldest first: `{"operation", "outcome", "reason",
    /// "remaining"}`.
    pub fn outcome_rules(&self) -> StoreResult<Vec<Value>> {
        let mut stmt = self.0.prepare_cached(
            "SELECT operation, outcome, reason, remaining FROM outcome_rules
             WHERE remaining > 0 ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(json!({
                "operation": r.get::<_, String>(0)?,
                "outcome": r.get::<_, String>(1)?,
                "reason": r.get::<_, Option<String>>(2)?,
                "remaining": r.get::<_, i64>(3)?,
            }))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Forgets every outcome rule.
    pub fn clear_outcome_rules(&self) -> StoreResult<()> {
        self.0.execute("DELETE FROM outcome_rules", [])?;
        Ok(())
    }

    /// Moves the task `id` (of any organisation) by hand, at `now`, and ends the tasks that
    /// are then due (this one, when moved to its end). The task as it is afterwards.
    pub fn move_task(
        &self,
        id: &str,
        how: &Advance,
        now: i64,
    ) -> StoreResult<Result<TaskRow, MoveRefused>> {
        let Some(task) = self.task_anywhere(id)? else {
            return Ok(Err(MoveRefused::Unknown));
        };
        if task.applied {
            return Ok(Err(MoveRefused::Ended(status_at(&task, now).0)));
        }
        let (outcome, logs) = match how {
            Advance::Next if status_at(&task, now).0 == "STARTED" => {
                self.0.execute(
                    "UPDATE tasks SET held = ?2 WHERE id = ?1",
                    params![id, Held::Running.code()],
                )?;
                return Ok(Ok(self.task_anywhere(id)?.unwrap_or(task)));
            }
            Advance::Next => (task.outcome.clone(), task.logs.clone()),
            Advance::Complete => logs(&task.operation, &Outcome::Succeed),
            Advance::Fail(reason) => logs(&task.operation, &Outcome::Fail(reason.clone())),
        };
        self.0.execute(
            "UPDATE tasks SET held = NULL, due_ms = ?2, outcome = ?3, logs = ?4 WHERE id = ?1",
            params![id, now, outcome, serde_json::to_string(&logs)?],
        )?;
        end_due(self, now)?;
        Ok(Ok(self.task_anywhere(id)?.unwrap_or(task)))
    }
}

/// How a new task will end.
pub(crate) enum Outcome {
    /// Succeeds and applies its effect.
    Succeed,
    /// Fails with this reason; its effect is not applied.
    Fail(String),
}

/// A change applied when a task succeeds: a list of steps over the store.
#[derive(Default)]
pub(crate) struct Effect {
    steps: Vec<Value>,
}

impl Effect {
    /// Merges `fields` into the resource (and stamps `ModifiedTS`).
    pub fn merge(mut self, kind: impl AsRef<str>, id: &str, fields: Value) -> Self {
        self.steps
            .push(json!({"op": "merge", "kind": kind.as_ref(), "id": id, "fields": fields}));
        self
    }

    /// Stores `record` as the resource `id` of `kind` unless there is one, stamped
    /// `CreatedTS` and `ModifiedTS` when the task ends (what a task finds or makes).
    pub fn insert(mut self, kind: impl AsRef<str>, id: &str, record: Value) -> Self {
        self.steps
            .push(json!({"op": "insert", "kind": kind.as_ref(), "id": id, "record": record}));
        self
    }

    /// Merges `fields` into the resource only when the task fails (e.g. `DELETE_FAILED`).
    pub fn merge_on_fail(mut self, kind: impl AsRef<str>, id: &str, fields: Value) -> Self {
        self.steps.push(
            json!({"op": "merge", "kind": kind.as_ref(), "id": id, "fields": fields, "when": "FAILED"}),
        );
        self
    }

    /// Removes from the list `field` the entries that agree with every key of `matching`, on
    /// the resource `id`, or on every resource of `kind` when `id` is `None`. Worked out when
    /// the task ends, so changes made meanwhile by other tasks are kept.
    pub fn pull(
        mut self,
        kind: impl AsRef<str>,
        id: Option<&str>,
        field: &str,
        matching: Value,
    ) -> Self {
        self.steps
            .push(json!({"op": "pull", "kind": kind.as_ref(), "id": id, "field": field, "match": matching}));
        self
    }

    /// Appends `entry` to the list `field` of a resource, unless an equal entry is there.
    pub fn push(mut self, kind: impl AsRef<str>, id: &str, field: &str, entry: Value) -> Self {
        self.steps.push(
            json!({"op": "push", "kind": kind.as_ref(), "id": id, "field": field, "entry": entry}),
        );
        self
    }

    /// These steps, then `other`'s (one task carrying out the changes of several records).
    pub fn then(mut self, other: Effect) -> Self {
        self.steps.extend(other.steps);
        self
    }

    fn into_value(self) -> Option<Value> {
        (!self.steps.is_empty()).then(|| Value::Array(self.steps))
    }
}

/// A task to write.
pub(crate) struct NewTask<'a> {
    /// The operation it carries out (`accounts.CreateAccount`).
    pub operation: &'a str,
    /// How long until it ends.
    pub delay: Duration,
    /// The key its subjects are listed under (`Accounts`, `Users`, `Workloads`), and their ids.
    pub subjects: Option<(&'static str, Vec<String>)>,
    /// How it will end (unless an outcome rule of its operation says otherwise).
    pub outcome: Outcome,
    /// What it changes when it ends.
    pub effect: Effect,
}

fn logs(operation: &str, outcome: &Outcome) -> (String, Vec<String>) {
    match outcome {
        Outcome::Succeed => (
            "SUCCEEDED".to_owned(),
            vec![
                format!("{operation}: request accepted"),
                format!("{operation}: completed"),
            ],
        ),
        Outcome::Fail(reason) => (
            "FAILED".to_owned(),
            vec![
                format!("{operation}: request accepted"),
                format!("{operation}: failed: {reason}"),
            ],
        ),
    }
}

/// Writes a new task asked for by `origin`'s caller, changing `origin`'s target (both may be
/// unknown: `Origin::default()`); returns its id. An outcome rule of its operation decides how
/// it ends; in manual transitions it is held in its first state.
pub(crate) fn create_for(db: &Db<'_>, task: NewTask<'_>, origin: Origin) -> StoreResult<String> {
    let id = uuid();
    let created = now_ms();
    let outcome = db.take_outcome(task.operation)?.unwrap_or(task.outcome);
    let (outcome, logs) = logs(task.operation, &outcome);
    let delay = i64::try_from(task.delay.as_millis()).unwrap_or(i64::MAX);
    let (subject, subjects) = match task.subjects {
        Some((key, ids)) => (Some(key.to_owned()), ids),
        None => (None, Vec::new()),
    };
    let held = (db.transitions()? == Transitions::Manual).then_some(Held::First);
    db.add_task(&TaskRow {
        id: id.clone(),
        operation: task.operation.to_owned(),
        created_ms: created,
        due_ms: created.saturating_add(delay),
        outcome,
        logs,
        subject,
        subjects,
        effect: task.effect.into_value(),
        applied: false,
        org: db.org().to_owned(),
        origin,
        held,
    })?;
    Ok(id)
}

/// Writes a task that already ended successfully at `at_ms` (for data made at first run),
/// asked for by `origin`'s caller and changing its target.
pub(crate) fn finished_by(
    db: &Db<'_>,
    operation: &str,
    subject: Option<(&str, &str)>,
    at_ms: i64,
    origin: Origin,
) -> StoreResult<String> {
    let id = uuid();
    let (outcome, logs) = logs(operation, &Outcome::Succeed);
    db.add_task(&TaskRow {
        id: id.clone(),
        operation: operation.to_owned(),
        created_ms: at_ms,
        due_ms: at_ms + 1000,
        outcome,
        logs,
        subject: subject.map(|(key, _)| key.to_owned()),
        subjects: subject.map(|(_, id)| id.to_owned()).into_iter().collect(),
        effect: None,
        applied: true,
        org: db.org().to_owned(),
        origin,
        held: None,
    })?;
    Ok(id)
}

/// The status and logs of a task at `now`.
pub(crate) fn status_at(task: &TaskRow, now: i64) -> (&'static str, Vec<String>) {
    let first = task.logs.first().cloned().into_iter().collect::<Vec<_>>();
    let running = |mut logs: Vec<String>| {
        logs.push(format!("{}: in progress", task.operation));
        ("RUNNING", logs)
    };
    match task.held {
        _ if task.applied => {}
        Some(Held::First) => return ("STARTED", first),
        Some(Held::Running) => return running(first),
        None if now >= task.due_ms => {}
        None => {
            let halfway = task.created_ms + (task.due_ms - task.created_ms) / 2;
            return if now < halfway {
                ("STARTED", first)
            } else {
                running(first)
            };
        }
    }
    let status = if task.outcome == "FAILED" {
        "FAILED"
    } else {
        "SUCCEEDED"
    };
    (status, task.logs.clone())
}

/// Ends every due task, applying the effects of those that succeed.
pub(crate) fn advance(store: &Store) -> StoreResult<()> {
    if !store.read(|db| db.has_pending_tasks())? {
        return Ok(());
    }
    let now = now_ms();
    store.write(|tx| end_due(tx, now))
}

/// Ends, within `tx`, every task due by `now`, applying the effects of those that succeed.
fn end_due(tx: &Tx<'_>, now: i64) -> StoreResult<()> {
    for task in tx.due_tasks(now)? {
        let db = tx.org(&task.org);
        if let Some(Value::Array(steps)) = &task.effect {
            // Steps without `when` run on success; the others when the outcome matches.
            let wanted = |s: &&Value| {
                s.get("when").and_then(Value::as_str).unwrap_or("SUCCEEDED") == task.outcome
            };
            for step in steps.iter().filter(wanted) {
                apply(&db, step)?;
            }
        }
        tx.end_task(&task.id, &task.outcome, &task.logs)?;
    }
    Ok(())
}

/// Gives an account the name its type has now: an account keeps its type's current name
/// (renaming a type renames it in its accounts at once), so a change planned before a
/// rename does not bring the old name back when its task ends. Accounts are answered as
/// stored.
fn current_type_name(db: &Db<'_>, account: &mut Value) -> StoreResult<()> {
    let Some(type_id) = account.get("AccountTypeId").and_then(Value::as_str) else {
        return Ok(());
    };
    if let Some(name) = db
        .get(ACCOUNT_TYPE, type_id)?
        .and_then(|t| t.get("Name").cloned())
    {
        account["AccountType"] = name;
    }
    Ok(())
}

fn apply(db: &Db<'_>, step: &Value) -> StoreResult<()> {
    let text = |k: &str| step.get(k).and_then(Value::as_str).unwrap_or("");
    let (kind, id) = (text("kind"), text("id"));
    match text("op") {
        "merge" => {
            if let Some(mut current) = db.get(kind, id)? {
                if let (Some(target), Some(fields)) = (
                    current.as_object_mut(),
                    step.get("fields").and_then(Value::as_object),
                ) {
                    for (k, v) in fields {
                        target.insert(k.clone(), v.clone());
                    }
                    target.insert("ModifiedTS".into(), json!(crate::util::now_iso()));
                }
                if kind == ACCOUNT.name {
                    current_type_name(db, &mut current)?;
                }
                db.put(kind, id, &current)?;
            }
        }
        "delete" => {
            db.delete(kind, id)?;
        }
        "insert" => {
            if db.get(kind, id)?.is_none() {
                let mut record = step.get("record").cloned().unwrap_or(Value::Null);
                if let Some(map) = record.as_object_mut() {
                    let now = json!(crate::util::now_iso());
                    map.insert("CreatedTS".into(), now.clone());
                    map.insert("ModifiedTS".into(), now);
                }
                db.put(kind, id, &record)?;
            }
        }
        "pull" => {
            let matching = step.get("match").and_then(Value::as_object);
            let agrees = |entry: &Value| {
                matching.is_some_and(|m| m.iter().all(|(k, v)| entry.get(k) == Some(v)))
            };
            let targets = if step.get("id").is_some_and(Value::is_string) {
                db.get(kind, id)?.into_iter().collect()
            } else {
                db.list(kind)?
            };
            for mut current in targets {
                let Some(list) = current.get_mut(text("field")).and_then(Value::as_array_mut)
                else {
                    continue;
                };
                let before = list.len();
                list.retain(|entry| !agrees(entry));
                if list.len() != before {
                    current["ModifiedTS"] = json!(crate::util::now_iso());
                    let key = current["Id"].as_str().unwrap_or(id).to_owned();
                    db.put(kind, &key, &current)?;
                }
            }
        }
        "push" => {
            if let Some(mut current) = db.get(kind, id)?
                && current.is_object()
            {
                let entry = step.get("entry").cloned().unwrap_or(Value::Null);
                let field = text("field");
                if !current[field].is_array() {
                    current[field] = json!([]);
                }
                if let Some(list) = current[field].as_array_mut()
                    && !list.contains(&entry)
                {
                    list.push(entry);
                    current["ModifiedTS"] = json!(crate::util::now_iso());
                    db.put(kind, id, &current)?;
                }
            }
        }
        other => tracing::warn!(op = other, "unknown task step"),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pull_push_and_insert_when_applied() {
        let store = Store::open(None).unwrap();
        store
            .write(|tx| {
                let db = tx.org("o1");
                db.put(
                    "t",
                    "a",
                    &json!({"Id": "a", "Roles": [{"G": "x", "R": 1}, {"G": "y", "R": 1}]}),
                )?;
                db.put("t", "b", &json!({"Id": "b", "Roles": [{"G": "x", "R": 2}]}))?;
                db.put("t", "c", &json!({"Id": "c"}))?;
                let effect = Effect::default()
                    .pull("t", None, "Roles", json!({"G": "x"}))
                    .push("t", "c", "Roles", json!({"G": "z"}))
                    .push("t", "c", "Roles", json!({"G": "z"}))
                    .insert("t", "d", json!({"Id": "d", "Roles": []}))
                    .insert("t", "c", json!({"Id": "c", "Roles": "replaced?"}));
                for step in effect.into_value().unwrap().as_array().unwrap() {
                    apply(&db, step)?;
                }
                Ok::<_, super::super::StoreError>(())
            })
            .unwrap();
        let roles = |id: &str| {
            store.read(|tx| tx.org("o1").get("t", id)).unwrap().unwrap()["Roles"].clone()
        };
        assert_eq!(roles("a"), json!([{"G": "y", "R": 1}]));
        assert_eq!(roles("b"), json!([]));
        assert_eq!(
            roles("c"),
            json!([{"G": "z"}]),
            "an insert keeps what is there"
        );
        assert_eq!(roles("d"), json!([]));
        let made = store
            .read(|tx| tx.org("o1").get("t", "d"))
            .unwrap()
            .unwrap();
        assert!(made["CreatedTS"].is_string() && made["ModifiedTS"] == made["CreatedTS"]);
    }

    #[test]
    fn tasks_walk_through_their_states() {
        let store = Store::open(None).unwrap();
        let id = store
            .write(|tx| {
                create_for(
                    &tx.org("o1"),
                    NewTask {
                        operation: "accounts.CreateAccount",
                        delay: Duration::from_millis(1000),
                        subjects: Some(("Accounts", vec![])),
                        outcome: Outcome::Succeed,
                        effect: Effect::default(),
                    },
                    Origin::default(),
                )
            })
            .unwrap();
        let task = store.read(|tx| tx.org("o1").task(&id)).unwrap().unwrap();
        assert!(store.read(|tx| tx.org("o2").task(&id)).unwrap().is_none());
        let t0 = task.created_ms;
        assert_eq!(status_at(&task, t0).0, "STARTED");
        assert_eq!(status_at(&task, t0 + 600).0, "RUNNING");
        assert_eq!(status_at(&task, t0 + 1000).0, "SUCCEEDED");
    }

    #[test]
    fn task_queries_filter_order_and_page_inside_the_store() {
        let store = Store::open(None).unwrap();
        let origin = |caller: Option<&str>, kind: Option<&str>| Origin {
            caller: caller.map(str::to_owned),
            target_kind: kind.map(str::to_owned),
            target_id: None,
        };
        let ids = store
            .write(|tx| {
                let db = tx.org("o1");
                let mut ids = Vec::new();
                for (i, (operation, caller, kind)) in [
                    ("accounts.CreateAccount", Some("u1"), Some("ACCOUNT")),
                    ("policies.AttachPolicy", Some("u2"), Some("POLICY")),
                    ("teams.CreateGroup", None, None),
                ]
                .into_iter()
                .enumerate()
                {
                    ids.push(finished_by(
                        &db,
                        operation,
                        None,
                        1000 + i as i64,
                        origin(caller, kind),
                    )?);
                }
                let pending = NewTask {
                    operation: "accounts.CreateAccount",
                    delay: Duration::from_secs(60),
                    subjects: None,
                    outcome: Outcome::Fail("no".into()),
                    effect: Effect::default(),
                };
                ids.push(create_for(
                    &db,
                    pending,
                    origin(Some("u1"), Some("ACCOUNT")),
                )?);
                tx.org("o2").add_task(
                    &db.task(&ids[0])?
                        .map(|t| TaskRow {
                            id: "other".into(),
                            ..t
                        })
                        .unwrap(),
                )?;
                Ok::<_, super::super::StoreError>(ids)
            })
            .unwrap();
        let run = |query: TaskQuery| {
            let (tasks, total) = store.read(|tx| tx.org("o1").select_tasks(&query)).unwrap();
            let found: Vec<usize> = tasks
                .iter()
                .map(|t| ids.iter().position(|id| *id == t.id).unwrap())
                .collect();
            (found, total)
        };
        assert_eq!(
            run(TaskQuery::default()),
            (vec![0, 1, 2, 3], 4),
            "this organisation's, oldest first"
        );
        let newest = TaskQuery {
            descending: true,
            ..TaskQuery::default()
        };
        assert_eq!(run(newest).0, [3, 2, 1, 0]);
        let mine = TaskQuery {
            callers: Some(vec!["U1".into()]),
            ..TaskQuery::default()
        };
        assert_eq!(run(mine).0, [0, 3]);
        let nobody = TaskQuery {
            callers: Some(vec!["o1".into()]),
            ..TaskQuery::default()
        };
        assert_eq!(
            run(nobody).0,
            [2],
            "a task without a caller is the organisation's"
        );
        let other = TaskQuery {
            target_kinds: Some(vec!["OTHER".into()]),
            ..TaskQuery::default()
        };
        assert_eq!(run(other).0, [2]);
        let pending = TaskQuery {
            states: Some(vec![TaskState::Pending]),
            ..TaskQuery::default()
        };
        assert_eq!(run(pending).0, [3]);
        let none = TaskQuery {
            states: Some(vec![]),
            ..TaskQuery::default()
        };
        assert_eq!(run(none), (vec![], 0));
        let creations = TaskQuery {
            operations: Some(vec!["accounts.CreateAccount".into()]),
            ids: Some(vec![ids[3].to_uppercase()]),
            ..TaskQuery::default()
        };
        assert_eq!(run(creations).0, [3]);
        let by_state = TaskQuery {
            order: TaskOrder::State,
            ..TaskQuery::default()
        };
        assert_eq!(run(by_state).0, [3, 0, 1, 2], "pending before succeeded");
        let by_kind = TaskQuery {
            order: TaskOrder::TargetKind,
            offset: 1,
            limit: Some(2),
            ..TaskQuery::default()
        };
        assert_eq!(
            run(by_kind),
            (vec![3, 2], 4),
            "ACCOUNT, ACCOUNT, OTHER, POLICY: the second page of two"
        );
    }
}
