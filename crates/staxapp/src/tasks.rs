//! Waiting for asynchronous tasks (PARITY.md B3).
//!
//! Stax mutations answer at once with a `TaskId`; the work goes on in the background.
//! [`StaxClient::wait_for_task`] polls `tasks.ReadTask` with a growing interval until the task
//! is `SUCCEEDED` (its final JSON is returned) or `FAILED` ([`TaskError::Failed`] with its
//! logs), or until the timeout ([`TaskError::Timeout`]).
//!
//! ```no_run
//! use std::time::Duration;
//! use staxapp::{StaxClient, args};
//! use staxapp::tasks::WaitOptions;
//!
//! # async fn demo() -> staxapp::Result<()> {
//! let client = StaxClient::from_env()?;
//! let created = client
//!     .call("accounts", "CreateAccount", args! {"Name" => "dev-1", "AccountType" => "..."})
//!     .await?;
//! let options = WaitOptions::new()
//!     .timeout(Duration::from_secs(600))
//!     .on_progress(|p| eprintln!("task {} is {} after {:?}", p.task_id, p.status, p.elapsed));
//! let task = client.wait_for_response(&created, options).await?;
//! println!("{}", task["Status"]);
//! # Ok(()) }
//! ```

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::args::Args;
use crate::client::StaxClient;
use crate::error::{Result, TaskError};

/// The statuses after which a task does not change.
pub const FINAL_STATUSES: [&str; 2] = ["SUCCEEDED", "FAILED"];

/// One observation of a task, handed to the progress callback.
#[derive(Debug, Clone)]
pub struct TaskProgress {
    /// The task's id.
    pub task_id: String,
    /// Its status: `STARTED`, `PENDING`, `RUNNING`, `SUCCEEDED` or `FAILED`.
    pub status: String,
    /// Time since waiting started.
    pub elapsed: Duration,
    /// How many times the task has been read, this one included.
    pub polls: u32,
    /// The `ReadTask` answer.
    pub task: Value,
}

/// A progress callback.
type ProgressFn<P> = Arc<dyn Fn(&P) + Send + Sync>;

/// How to wait for a task (or, as `AssignmentWaitOptions` of the `assignments` module, for a
/// permission set assignment): the timeout, the pauses between reads, and a progress callback
/// called with a `P` after every read.
///
/// ```
/// use std::time::Duration;
/// use staxapp::tasks::WaitOptions;
///
/// let options = WaitOptions::new()
///     .timeout(Duration::from_secs(60))
///     .initial_interval(Duration::from_millis(200))
///     .max_interval(Duration::from_secs(5));
/// assert_eq!(options.next_interval(Duration::from_millis(200)), Duration::from_millis(300));
/// assert_eq!(options.next_interval(Duration::from_secs(4)), Duration::from_secs(5));
/// ```
pub struct WaitOptions<P = TaskProgress> {
    /// Give up after this long. Default 15 minutes.
    pub timeout: Duration,
    /// The first pause between two reads. Default 1 s.
    pub initial_interval: Duration,
    /// The longest pause between two reads (the pause grows by half each time). Default 10 s.
    pub max_interval: Duration,
    /// Called after every read of the task.
    pub on_progress: Option<ProgressFn<P>>,
}

impl<P> Clone for WaitOptions<P> {
    fn clone(&self) -> Self {
        WaitOptions {
            timeout: self.timeout,
            initial_interval: self.initial_interval,
            max_interval: self.max_interval,
            on_progress: self.on_progress.clone(),
        }
    }
}

impl<P> fmt::Debug for WaitOptions<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WaitOptions")
            .field("timeout", &self.timeout)
            .field("initial_interval", &self.initial_interval)
            .field("max_interval", &self.max_interval)
            .field("on_progress", &self.on_progress.is_some())
            .finish()
    }
}

impl<P> Default for WaitOptions<P> {
    fn default() -> Self {
        WaitOptions {
            timeout: Duration::from_secs(15 * 60),
            initial_interval: Duration::from_secs(1),
            max_interval: Duration::from_secs(10),
            on_progress: None,
        }
    }
}

impl WaitOptions {
    /// The defaults, for a task.
    pub fn new() -> Self {
        WaitOptions::default()
    }
}

impl<P> WaitOptions<P> {
    /// Sets the timeout.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sets the first pause between reads.
    pub fn initial_interval(mut self, interval: Duration) -> Self {
        self.initial_interval = interval;
        self
    }

    /// Sets the longest pause between reads.
    pub fn max_interval(mut self, interval: Duration) -> Self {
        self.max_interval = interval;
        self
    }

    /// Sets the progress callback.
    pub fn on_progress(mut self, callback: impl Fn(&P) + Send + Sync + 'static) -> Self {
        self.on_progress = Some(Arc::new(callback));
        self
    }

    /// The pause after `current`: 1.5 times longer, at most `max_interval`.
    pub fn next_interval(&self, current: Duration) -> Duration {
        current
            .mul_f64(1.5)
            .min(self.max_interval.max(self.initial_interval))
    }

    /// The pacing of one wait: count the reads, hand each one's progress to the callback,
    /// pause between reads, stop at the timeout.
    pub(crate) fn pacer(&self) -> Pacer<'_, P> {
        Pacer {
            options: self,
            started: Instant::now(),
            interval: self.initial_interval,
            polls: 0,
        }
    }
}

/// The pacing of one wait by its [`WaitOptions`]: plain state the waiters' loops use, so
/// their futures stay `Send`.
pub(crate) struct Pacer<'a, P> {
    options: &'a WaitOptions<P>,
    started: Instant,
    interval: Duration,
    polls: u32,
}

impl<P> Pacer<'_, P> {
    /// Starts a read: how many reads there have been (this one included) and the time since
    /// waiting started.
    pub(crate) fn read(&mut self) -> (u32, Duration) {
        self.polls += 1;
        (self.polls, self.started.elapsed())
    }

    /// Hands a read's progress to the callback.
    pub(crate) fn report(&self, progress: &P) {
        if let Some(callback) = &self.options.on_progress {
            callback(progress);
        }
    }

    /// Pauses before the next read; `Err(waited)` once the timeout has passed.
    pub(crate) async fn pause(&mut self) -> std::result::Result<(), Duration> {
        let elapsed = self.started.elapsed();
        if elapsed >= self.options.timeout {
            return Err(elapsed);
        }
        tokio::time::sleep(self.interval.min(self.options.timeout - elapsed)).await;
        self.interval = self.options.next_interval(self.interval);
        Ok(())
    }
}

/// Where a mutation's answer names its task, in the order they are looked at: at the top
/// (accounts), under `Detail` (event-style answers: groups, account type access), under
/// `Detail.Message` (networking, organisations, services, workloads), as Stax's documents
/// describe the answers.
pub const TASK_ID_PATHS: [&[&str]; 3] = [
    &["TaskId"],
    &["Detail", "TaskId"],
    &["Detail", "Message", "TaskId"],
];

/// The `TaskId` of a mutation's answer, if it has one (at one of [`TASK_ID_PATHS`]).
///
/// ```
/// use serde_json::json;
/// assert_eq!(staxapp::tasks::task_id_of(&json!({"TaskId": "t-1"})), Some("t-1"));
/// assert_eq!(staxapp::tasks::task_id_of(&json!({"Detail": {"TaskId": "t-2"}})), Some("t-2"));
/// assert_eq!(
///     staxapp::tasks::task_id_of(&json!({"Detail": {"Message": {"TaskId": "t-3"}}})),
///     Some("t-3")
/// );
/// assert_eq!(staxapp::tasks::task_id_of(&json!({"Accounts": []})), None);
/// ```
pub fn task_id_of(response: &Value) -> Option<&str> {
    TASK_ID_PATHS.iter().find_map(|path| {
        path.iter()
            .try_fold(response, |value, key| value.get(key))
            .and_then(Value::as_str)
            .filter(|id| !id.is_empty())
    })
}

/// The log lines of a task, as strings.
fn logs_of(task: &Value) -> Vec<String> {
    match task.get("Logs") {
        Some(Value::Array(lines)) => lines
            .iter()
            .map(|l| match l {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect(),
        Some(Value::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    }
}

impl StaxClient {
    /// Polls `tasks.ReadTask` for `task_id` until the task ends or `options.timeout` passes.
    pub async fn wait_for_task(&self, task_id: &str, options: WaitOptions) -> Result<Value> {
        let mut pacer = options.pacer();
        // Built once, sent at every poll.
        let read = self
            .prepare("tasks", "ReadTask", Args::new().set("task_id", task_id))
            .await?;
        loop {
            let (polls, elapsed) = pacer.read();
            let task = self.send_for_value(&read).await?;
            let status = task
                .get("Status")
                .and_then(Value::as_str)
                .unwrap_or("UNKNOWN")
                .to_owned();
            pacer.report(&TaskProgress {
                task_id: task_id.to_owned(),
                status: status.clone(),
                elapsed,
                polls,
                task: task.clone(),
            });
            match status.as_str() {
                "SUCCEEDED" => return Ok(task),
                "FAILED" => {
                    return Err(TaskError::Failed {
                        task_id: task_id.to_owned(),
                        logs: logs_of(&task),
                        task,
                    }
                    .into());
                }
                _ => {}
            }
            if let Err(waited) = pacer.pause().await {
                return Err(TaskError::Timeout {
                    task_id: task_id.to_owned(),
                    status,
                    waited,
                }
                .into());
            }
        }
    }

    /// Waits for the task of a mutation's answer (its `TaskId`); [`TaskError::NoTaskId`] when
    /// the answer has none.
    pub async fn wait_for_response(&self, response: &Value, options: WaitOptions) -> Result<Value> {
        let task_id = task_id_of(response).ok_or(TaskError::NoTaskId)?;
        self.wait_for_task(task_id, options).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn task_ids_are_found_where_each_api_puts_them() {
        let id = |v: Value| task_id_of(&v).map(str::to_owned);
        assert_eq!(id(json!({"TaskId": "a"})), Some("a".into()));
        assert_eq!(id(json!({"Detail": {"TaskId": "b"}})), Some("b".into()));
        assert_eq!(
            id(json!({"Detail": {"Message": {"TaskId": "c", "TraceId": "x"}}})),
            Some("c".into())
        );
        // Empty or null ids, and a message that is only text, name no task.
        assert_eq!(
            id(json!({"TaskId": null, "Detail": {"Message": {"TaskId": "d"}}})),
            Some("d".into())
        );
        assert_eq!(
            id(json!({"TaskId": "", "Detail": {"TaskId": "e"}})),
            Some("e".into())
        );
        assert_eq!(id(json!({"Detail": {"Message": "Creating hub"}})), None);
        // The top wins over Detail, Detail over its Message.
        assert_eq!(
            id(json!({"TaskId": "f", "Detail": {"TaskId": "g", "Message": {"TaskId": "h"}}})),
            Some("f".into())
        );
    }

    #[test]
    fn logs_are_strings() {
        assert_eq!(
            logs_of(&json!({"Logs": ["a", {"b": 1}]})),
            vec!["a".to_owned(), "{\"b\":1}".to_owned()]
        );
        assert!(logs_of(&json!({})).is_empty());
    }

    #[test]
    fn intervals_grow_to_the_cap() {
        let o = WaitOptions::new()
            .initial_interval(Duration::from_secs(1))
            .max_interval(Duration::from_secs(2));
        assert_eq!(
            o.next_interval(Duration::from_secs(1)),
            Duration::from_millis(1500)
        );
        assert_eq!(
            o.next_interval(Duration::from_millis(1500)),
            Duration::from_secs(2)
        );
        // A cap below the first interval never shrinks the pause below it.
        let o = WaitOptions::new()
            .initial_interval(Duration::from_secs(3))
            .max_interval(Duration::from_secs(1));
        assert_eq!(
            o.next_interval(Duration::from_secs(3)),
            Duration::from_secs(3)
        );
    }
}
