//! Commands whose output is read: [`run`], with a timeout and a cap.

use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::error::{InputError, Origin, Problem};
use crate::file::read_capped;
use crate::kind::Kind;

/// What a finished command printed on its standard output, and how it ended.
#[derive(Debug)]
pub struct CommandOutput {
    /// How it ended (the caller decides whether a failure is an error).
    pub status: ExitStatus,
    /// Its standard output, at most the kind's cap.
    pub stdout: Vec<u8>,
}

/// Runs `command` and reads its standard output as an input of `kind`. The command is
/// stopped (killed) when its output passes the cap or when it has not finished after
/// `timeout`; both are errors naming `label` (never the command's text, which may hold
/// secrets), the cap and the timeout. Standard input and standard error are as the caller set
/// them on `command`.
///
/// ```
/// use std::process::Command;
/// use std::time::Duration;
/// use stax_input::{Kind, Problem};
///
/// let mut echo = Command::new("sh");
/// echo.args(["-c", "echo hello"]);
/// let out = stax_input::run(&mut echo, "greeting", Kind::COMMAND_OUTPUT, Duration::from_secs(10))?;
/// assert!(out.status.success());
/// assert_eq!(out.stdout, b"hello\n");
///
/// // An endless output stops at the cap; the command is killed.
/// let mut yes = Command::new("yes");
/// let err = stax_input::run(&mut yes, "yes", Kind::COMMAND_OUTPUT, Duration::from_secs(10)).unwrap_err();
/// assert!(matches!(err.problem(), Problem::TooLarge { .. }), "{err}");
/// # Ok::<(), stax_input::InputError>(())
/// ```
pub fn run(
    command: &mut Command,
    label: &str,
    kind: Kind,
    timeout: Duration,
) -> Result<CommandOutput, InputError> {
    let origin = Origin::Command {
        label: label.to_owned(),
        timeout,
    };
    let fail = |problem| InputError::new(kind, origin.clone(), problem);
    let started = Instant::now();
    let mut child = command
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| fail(Problem::Spawn(e)))?;
    let Some(stdout) = child.stdout.take() else {
        stop(&mut child);
        return Err(fail(Problem::Spawn(std::io::Error::other(
            "no standard output to read",
        ))));
    };
    // The reading thread ends with the output (or at the cap); if the command hangs with its
    // output open, the thread is left blocked and the command killed.
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = sender.send(read_capped(stdout, kind.cap(), 4 * 1024));
    });
    let stdout = match receiver.recv_timeout(timeout) {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(problem)) => {
            stop(&mut child);
            return Err(fail(problem));
        }
        Err(_) => {
            stop(&mut child);
            return Err(fail(Problem::TimedOut));
        }
    };
    // The output is closed; the command has what is left of the timeout to exit.
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Ok(CommandOutput { status, stdout }),
            Ok(None) if started.elapsed() < timeout => {
                std::thread::sleep(Duration::from_millis(5));
            }
            Ok(None) => {
                stop(&mut child);
                return Err(fail(Problem::TimedOut));
            }
            Err(e) => {
                stop(&mut child);
                return Err(fail(Problem::Io(e)));
            }
        }
    }
}

fn stop(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn sh(script: &str) -> Command {
        let mut command = Command::new("sh");
        command.args(["-c", script]);
        command
    }

    #[test]
    fn a_command_that_outlasts_its_timeout_is_stopped() {
        let started = Instant::now();
        let err = run(
            &mut sh("exec sleep 30"),
            "the sleeper",
            Kind::COMMAND_OUTPUT,
            Duration::from_millis(200),
        )
        .unwrap_err();
        assert!(matches!(err.problem(), Problem::TimedOut), "{err}");
        assert_eq!(
            err.to_string(),
            "command output the sleeper: did not finish in time; the limit: at most 64 KiB of output within 0.2 s"
        );
        // A guard against a hang, not a measure of speed.
        assert!(started.elapsed() < Duration::from_secs(25));
    }

    #[test]
    fn a_command_that_closes_its_output_and_lingers_is_stopped_too() {
        let err = run(
            &mut sh("exec >&-; exec sleep 30"),
            "lingerer",
            Kind::COMMAND_OUTPUT,
            Duration::from_millis(200),
        )
        .unwrap_err();
        assert!(matches!(err.problem(), Problem::TimedOut), "{err}");
    }

    #[test]
    fn failures_are_the_callers_to_judge_and_missing_programs_are_errors() {
        let out = run(
            &mut sh("echo partial; exit 3"),
            "x",
            Kind::COMMAND_OUTPUT,
            Duration::from_secs(10),
        )
        .unwrap();
        assert_eq!(out.status.code(), Some(3));
        assert_eq!(out.stdout, b"partial\n");
        let err = run(
            &mut Command::new("/no/such/program"),
            "x",
            Kind::COMMAND_OUTPUT,
            Duration::from_secs(10),
        )
        .unwrap_err();
        assert!(matches!(err.problem(), Problem::Spawn(_)), "{err}");
    }
}
