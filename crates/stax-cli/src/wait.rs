//! `--wait`: following what an answer started (a task, permission set assignments) until it
//! ends, with progress on stderr.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use serde_json::Value;
use staxapp::{Error, StaxClient};

use crate::failure::Failure;
use crate::output::{self, Format};

/// `--wait`: polls what a response started until it ends, with progress on stderr: the task
/// of a `TaskId` (the core API), or the assignments of a Permission Sets API answer until
/// `DEPLOYMENT_COMPLETE` / `DELETE_COMPLETE`.
pub async fn wait(
    client: &StaxClient,
    response: &Value,
    timeout: Duration,
) -> Result<Value, Failure> {
    if let Some(task_id) = staxapp::tasks::task_id_of(response) {
        return wait_for_task(client, task_id, timeout).await;
    }
    if !staxapp::assignments::assignments_in(response).is_empty() {
        return wait_for_assignments(client, response, timeout).await;
    }
    tracing::warn!(
        "--wait: the response has no TaskId and no permission set assignment; nothing to wait for"
    );
    Ok(response.clone())
}

/// Shows the progress of a wait on stderr: a spinner on a terminal, else one line per status.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    started: Instant,
    last: std::sync::Mutex<String>,
}

impl Progress {
    fn start() -> std::sync::Arc<Progress> {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new_spinner();
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        std::sync::Arc::new(Progress {
            bar,
            started: Instant::now(),
            last: Default::default(),
        })
    }

    fn report(&self, what: &str, status: &str) {
        let line = format!("{what}: {status} ({}s)", self.started.elapsed().as_secs());
        match &self.bar {
            Some(bar) => bar.set_message(line),
            None => {
                let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
                if *last != status {
                    eprintln!("{line}");
                    *last = status.to_owned();
                }
            }
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// Runs `waiting` until it ends or Ctrl-C, which stops waiting with `interrupted`'s message.
async fn until_interrupted<T>(
    progress: &Progress,
    waiting: impl std::future::Future<Output = staxapp::Result<T>>,
    interrupted: impl FnOnce() -> String,
) -> Result<staxapp::Result<T>, Failure> {
    let outcome = tokio::select! {
        outcome = waiting => outcome,
        _ = tokio::signal::ctrl_c() => {
            progress.finish();
            return Err(Failure::Interrupted(interrupted()));
        }
    };
    progress.finish();
    Ok(outcome)
}

/// The failure of a wait: the last state of what failed on stdout, the reason on stderr.
fn wait_failed(e: Error) -> Failure {
    match e {
        Error::Task(task_error) => {
            let last = match task_error.as_ref() {
                staxapp::TaskError::Failed { task, .. } => Some(task),
                staxapp::TaskError::AssignmentFailed { assignment, .. } => Some(assignment),
                _ => None,
            };
            if let Some(last) = last {
                let _ = std::io::stdout().write_all(output::render(Format::Json, last).as_bytes());
            }
            Failure::Call(task_error.to_string())
        }
        e => e.into(),
    }
}

async fn wait_for_task(
    client: &StaxClient,
    task_id: &str,
    timeout: Duration,
) -> Result<Value, Failure> {
    let progress = Progress::start();
    let shown = progress.clone();
    let label = format!("task {task_id}");
    let options = staxapp::tasks::WaitOptions::new()
        .timeout(timeout)
        .on_progress(move |p| shown.report(&label, &p.status));
    until_interrupted(&progress, client.wait_for_task(task_id, options), || {
        format!(
            "stopped waiting; task {task_id} goes on in Stax (follow it with `stax tasks ReadTask task_id={task_id}`)"
        )
    })
    .await?
    .map_err(wait_failed)
}

async fn wait_for_assignments(
    client: &StaxClient,
    response: &Value,
    timeout: Duration,
) -> Result<Value, Failure> {
    let progress = Progress::start();
    let shown = progress.clone();
    let options = staxapp::assignments::AssignmentWaitOptions::default()
        .timeout(timeout)
        .on_progress(move |p| shown.report(&format!("assignment {}", p.assignment_id), &p.status));
    let done = until_interrupted(
        &progress,
        client.wait_for_assignments(response, options),
        || {
            "stopped waiting; the assignment goes on in Stax (follow it with `stax permission-sets ListPermissionSetAssignments permission_set_id=...`)".to_owned()
        },
    )
    .await?
    .map_err(wait_failed)?;
    // The answer's shape: an array stays an array, one assignment stays one.
    Ok(match response {
        Value::Array(_) => Value::Array(done),
        _ => done.into_iter().next().unwrap_or(Value::Null),
    })
}
