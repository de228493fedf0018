//! The SDK's `tracing` records, handed to Python's `logging` (staxapp logs through `logging`
//! too, and its users configure it there).
//!
//! `tracing-subscriber`'s formatter writes each event, with the fields of the spans it
//! happened in (`stax_call{service=accounts operation=ReadAccounts attempt=1 status=200}`),
//! into a [`PyLogLine`], which hands the line to the logger `staxapp_rs.<target>` at the
//! event's level when it is dropped. A level threshold kept in an atomic spares the GIL for
//! records nobody would see: it follows the effective level of the `staxapp_rs` logger,
//! read at import and whenever a client is created ([`refresh_level`]).

use std::io;
use std::sync::atomic::{AtomicU8, Ordering};

use pyo3::prelude::*;
use tracing::{Level, Metadata};
use tracing_subscriber::filter::dynamic_filter_fn;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::prelude::*;

/// Python's numeric levels.
const TRACE: u8 = 5;
const DEBUG: u8 = 10;
const INFO: u8 = 20;
const WARNING: u8 = 30;
const ERROR: u8 = 40;

/// The lowest Python level that is forwarded (Python's default threshold until told more).
static THRESHOLD: AtomicU8 = AtomicU8::new(WARNING);

fn python_level(level: &Level) -> u8 {
    match *level {
        Level::TRACE => TRACE,
        Level::DEBUG => DEBUG,
        Level::INFO => INFO,
        Level::WARN => WARNING,
        Level::ERROR => ERROR,
    }
}

fn enabled(metadata: &Metadata<'_>) -> bool {
    python_level(metadata.level()) >= THRESHOLD.load(Ordering::Relaxed)
}

/// Installs the bridge (the filter is evaluated at each record, not once per callsite, since
/// the threshold moves) as this extension's global subscriber (the extension has its own copy
/// of `tracing`, so this touches no other library of the process).
pub fn install() {
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(PyLogWriter)
        .with_ansi(false)
        .with_level(false)
        .with_target(false)
        .without_time()
        .with_filter(dynamic_filter_fn(|metadata, _| enabled(metadata)));
    // Fails only when a subscriber is already set (a second import in one process).
    let _ = tracing_subscriber::registry().with(layer).try_init();
}

/// Reads the effective level of the `staxapp_rs` logger into the threshold. Imports nothing:
/// before `logging` is imported, `LOG_LEVEL` (or Python's default, WARNING) is the level.
pub fn refresh_level(py: Python<'_>) -> PyResult<()> {
    let modules = py.import("sys")?.getattr("modules")?;
    let level = if modules.contains("logging")? {
        py.import("logging")?
            .getattr("getLogger")?
            .call1(("staxapp_rs",))?
            .call_method0("getEffectiveLevel")?
            .extract::<i64>()?
    } else {
        match std::env::var("LOG_LEVEL").ok().as_deref().map(str::trim) {
            Some(name) => level_by_name(name).unwrap_or(i64::from(WARNING)),
            None => i64::from(WARNING),
        }
    };
    THRESHOLD.store(level.clamp(0, 255) as u8, Ordering::Relaxed);
    Ok(())
}

fn level_by_name(name: &str) -> Option<i64> {
    if let Ok(number) = name.parse() {
        return Some(number);
    }
    Some(i64::from(match name.to_ascii_uppercase().as_str() {
        "TRACE" => TRACE,
        "DEBUG" => DEBUG,
        "INFO" => INFO,
        "WARN" | "WARNING" => WARNING,
        "ERROR" => ERROR,
        "CRITICAL" | "FATAL" => 50,
        _ => return None,
    }))
}

/// Makes one [`PyLogLine`] per event.
struct PyLogWriter;

impl<'a> MakeWriter<'a> for PyLogWriter {
    type Writer = PyLogLine;

    fn make_writer(&'a self) -> PyLogLine {
        PyLogLine::new(INFO, "")
    }

    fn make_writer_for(&'a self, meta: &Metadata<'_>) -> PyLogLine {
        PyLogLine::new(python_level(meta.level()), meta.target())
    }
}

/// One formatted event, logged to Python when dropped.
struct PyLogLine {
    level: u8,
    logger: String,
    buffer: Vec<u8>,
}

impl PyLogLine {
    fn new(level: u8, target: &str) -> PyLogLine {
        let mut logger = String::from("staxapp_rs");
        for part in target.split("::").filter(|p| !p.is_empty()) {
            logger.push('.');
            logger.push_str(part);
        }
        PyLogLine {
            level,
            logger,
            buffer: Vec::new(),
        }
    }
}

impl io::Write for PyLogLine {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.buffer.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Drop for PyLogLine {
    fn drop(&mut self) {
        let text = String::from_utf8_lossy(&self.buffer);
        let text = text.trim_end();
        if text.is_empty() {
            return;
        }
        // During interpreter shutdown there is no Python to log to: the record is dropped.
        Python::try_attach(|py| {
            let logged = py.import("logging").and_then(|logging| {
                logging
                    .getattr("getLogger")?
                    .call1((self.logger.as_str(),))?
                    .call_method1("log", (self.level, text))
            });
            if let Err(e) = logged {
                // A failing handler must not take the call down; Python reports it.
                e.write_unraisable(py, None);
            }
        });
    }
}
