//! Running a process and measuring it: its peak memory, and a guard that kills it when it
//! hangs. The guard is no assertion on speed: it only turns a process that would never end
//! into a failure.
//!
//! The peak is GNU time's (`/usr/bin/time -f %M`), the kernel's count for the process and
//! its children. It is not taken from `wait4` here: a child started from this (large,
//! multi-threaded) test process inherits the test process's high-water mark when it calls
//! `exec`, so its `ru_maxrss` would be this process's size. GNU time is small and starts
//! the command itself.

use std::io::Read;
use std::os::unix::process::CommandExt as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const GNU_TIME: &str = "/usr/bin/time";

/// How a measured process ended.
#[derive(Debug)]
pub struct Measured {
    /// Its exit code (`None` when a signal ended it).
    pub code: Option<i32>,
    /// What it printed on standard error.
    pub stderr: String,
    /// Its peak resident memory (its children's included), in KiB.
    pub peak_rss_kib: u64,
    /// Whether the guard had to kill it.
    pub hung: bool,
}

impl Measured {
    /// Its peak resident memory in MiB.
    pub fn peak_mib(&self) -> f64 {
        self.peak_rss_kib as f64 / 1024.0
    }
}

/// Whether the measure can be taken here; when it cannot, a test says so and skips, except
/// under CI, where it fails.
pub fn available() -> bool {
    let here = Path::new(GNU_TIME).exists();
    assert!(
        here || std::env::var_os("CI").is_none(),
        "{GNU_TIME} (GNU time) is needed to measure peak memory"
    );
    if !here {
        println!("note: no {GNU_TIME}: the measured tests are skipped");
    }
    here
}

/// Runs `command` (standard input empty) to its end under GNU time, killing it and its
/// children after `guard`.
pub fn run(command: &Command, guard: Duration) -> Measured {
    let report = super::unique_temp("measure");
    let mut timed = Command::new(GNU_TIME);
    timed
        .args(["--format=%M", "--output"])
        .arg(&report)
        .arg(command.get_program())
        .args(command.get_args());
    for (name, value) in command.get_envs() {
        match value {
            Some(value) => timed.env(name, value),
            None => timed.env_remove(name),
        };
    }
    if let Some(dir) = command.get_current_dir() {
        timed.current_dir(dir);
    }
    // A process group of its own, so that the guard stops the command and its children.
    let mut child = timed
        .process_group(0)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("GNU time starts");
    let group = child.id() as libc::pid_t;
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    // Drained, not kept: nothing of these tests reads it.
    let out = std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
    let err = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let (ended, ended_rx) = mpsc::channel::<()>();
    let killer = std::thread::spawn(move || {
        if ended_rx.recv_timeout(guard).is_err() {
            // SAFETY: kill(2) of the process group this test started (GNU time leads it and
            // is not reaped yet: the waiting thread tells when it is).
            unsafe { libc::kill(-group, libc::SIGKILL) };
            return true;
        }
        false
    });
    let status = child.wait().expect("GNU time is waited for");
    let _ = ended.send(());
    let hung = killer.join().unwrap();
    let _ = out.join();
    let measured = std::fs::read_to_string(&report).unwrap_or_default();
    let _ = std::fs::remove_file(&report);
    // GNU time writes "Command exited with non-zero status N" before the figure.
    let peak_rss_kib = measured
        .lines()
        .filter_map(|l| l.trim().parse::<u64>().ok())
        .next_back()
        .unwrap_or_else(|| {
            // Killed by the guard, GNU time wrote nothing.
            assert!(hung, "no measure from GNU time: {measured:?}");
            0
        });
    Measured {
        code: status.code(),
        stderr: err.join().unwrap(),
        peak_rss_kib,
        hung,
    }
}
