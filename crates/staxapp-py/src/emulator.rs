//! `staxapp_rs._core.Emulator`: the emulator (the `stax_emulator` library) running inside
//! this process, on the extension's runtime, under the control of Python tests
//! (`staxapp_rs.testing.StaxEmulator` wraps it).
//!
//! Every method releases the GIL while the emulator works: its server threads never need
//! Python, and a test's client calls (staxapp's, on `requests`, or staxapp_rs's) reach it
//! from Python threads meanwhile.

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use pyo3::exceptions::{PyLookupError, PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use serde_json::{Value, json};
use stax_emulator::{
    Advance, EmulatorError, EmulatorOptions, FaultConfig, FaultKind, FaultSpec, OperationFault,
    RunningEmulator, Seed, TaskOutcome, Transitions,
};

use crate::convert;
use crate::runtime::block_on;

/// The Python exception for an emulator error: `ValueError` for what cannot be done as
/// asked, `LookupError` for an id nothing has, `RuntimeError` otherwise.
fn to_py(error: EmulatorError) -> PyErr {
    match error {
        EmulatorError::Invalid(why) | EmulatorError::Config(why) => PyValueError::new_err(why),
        EmulatorError::NotFound(why) => PyLookupError::new_err(why),
        other => PyRuntimeError::new_err(other.to_string()),
    }
}

fn invalid(what: String) -> PyErr {
    PyValueError::new_err(what)
}

/// A running emulator of this process.
#[pyclass(frozen, module = "staxapp_rs._core")]
pub struct Emulator {
    /// `None` once closed.
    running: Mutex<Option<RunningEmulator>>,
}

impl Emulator {
    /// Runs `f` on the running emulator with the GIL released.
    fn with<T: Send>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&RunningEmulator) -> Result<T, EmulatorError> + Send,
    ) -> PyResult<T> {
        py.detach(|| {
            let running = self.running.lock().unwrap_or_else(|p| p.into_inner());
            match running.as_ref() {
                Some(emulator) => f(emulator).map_err(to_py),
                None => Err(PyRuntimeError::new_err(
                    "the emulator has stopped: make a new StaxEmulator",
                )),
            }
        })
    }
}

/// The ready line's keys, as a dict.
fn ready(py: Python<'_>, emulator: &RunningEmulator) -> PyResult<Py<PyAny>> {
    let ready: Value = serde_json::from_str(&emulator.ready_line())
        .map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
    convert::to_python(py, &ready)
}

#[pymethods]
impl Emulator {
    /// Starts an emulator listening on a free loopback port (see
    /// `staxapp_rs.testing.StaxEmulator` for the arguments).
    #[new]
    #[pyo3(signature = (seed="demo", tls=true, task_delay_ms=0, transitions="auto", faults=None, fault_seed=0, db=None, state=None, region="au1"))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        seed: &str,
        tls: bool,
        task_delay_ms: u64,
        transitions: &str,
        faults: Option<String>,
        fault_seed: u64,
        db: Option<PathBuf>,
        state: Option<PathBuf>,
        region: &str,
    ) -> PyResult<Emulator> {
        let options = EmulatorOptions {
            tls,
            db,
            seed: seed.parse::<Seed>().map_err(to_py)?,
            task_delay: Duration::from_millis(task_delay_ms),
            transitions: transitions.parse::<Transitions>().map_err(invalid)?,
            faults,
            fault_seed,
            state,
            region: region.to_owned(),
            ..EmulatorOptions::default()
        };
        let running = block_on(py, stax_emulator::start(options))?.map_err(to_py)?;
        Ok(Emulator {
            running: Mutex::new(Some(running)),
        })
    }

    /// `{"endpoint", "access_key", "secret_key", "ca_cert"}` of the ready line.
    fn ready(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let running = self.running.lock().unwrap_or_else(|p| p.into_inner());
        match running.as_ref() {
            Some(emulator) => ready(py, emulator),
            None => Err(PyRuntimeError::new_err("the emulator has stopped")),
        }
    }

    /// Back to the start.
    fn reset(&self, py: Python<'_>) -> PyResult<()> {
        self.with(py, RunningEmulator::reset)
    }

    /// The whole state, as a dict.
    fn state(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let state = self.with(py, RunningEmulator::state)?;
        convert::to_python(py, &state)
    }

    /// Replaces the whole state with `state` (a dict `state()` gave); the ready token it
    /// names, `{"access_key", "secret_key"}`, or `None`.
    fn load_state(&self, py: Python<'_>, state: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        let state = convert::json(state)
            .ok_or_else(|| invalid("a state is a dict of JSON values, as state() gives".into()))?;
        let token = self.with(py, |emulator| emulator.load_state(&state))?;
        let token = token.map(|t| json!({"access_key": t.access_key, "secret_key": t.secret_key}));
        convert::to_python(py, &token.unwrap_or(Value::Null))
    }

    /// The counters of `GET /_emulator/stats`.
    fn stats(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let stats = self.with(py, |emulator| Ok(emulator.stats()))?;
        convert::to_python(py, &stats)
    }

    /// Moves a task (or the record waiting on one): `to` is `next`, `complete` or `fail`.
    #[pyo3(signature = (id, to="next", reason=None))]
    fn advance(
        &self,
        py: Python<'_>,
        id: &str,
        to: &str,
        reason: Option<String>,
    ) -> PyResult<Py<PyAny>> {
        let how = match to {
            "next" => Advance::Next,
            "complete" => Advance::Complete,
            "fail" => Advance::Fail(
                reason.unwrap_or_else(|| "failed by the emulator's control".to_owned()),
            ),
            other => {
                return Err(invalid(format!(
                    "to={other:?}: a task moves to \"next\", \"complete\" or \"fail\""
                )));
            }
        };
        let moved = self.with(py, |emulator| emulator.advance(id, how))?;
        convert::to_python(py, &moved)
    }

    /// Makes the next `times` tasks of `operation` end with `outcome`.
    #[pyo3(signature = (operation, outcome="FAILED", times=1, reason=None))]
    fn force_outcome(
        &self,
        py: Python<'_>,
        operation: &str,
        outcome: &str,
        times: u32,
        reason: Option<String>,
    ) -> PyResult<()> {
        let outcome: TaskOutcome = outcome.parse().map_err(invalid)?;
        self.with(py, |emulator| {
            emulator.force_outcome(operation, outcome, times, reason.as_deref())
        })
    }

    /// Injects faults from now on: a spec in the `--faults` grammar with its seed, and rules
    /// (`[{"operation", "fault", "times"}]`); nothing at all clears them.
    #[pyo3(signature = (spec=None, seed=0, rules=None))]
    fn set_faults(
        &self,
        py: Python<'_>,
        spec: Option<&str>,
        seed: u64,
        rules: Option<&Bound<'_, PyList>>,
    ) -> PyResult<()> {
        let spec = match spec.map(str::trim).filter(|s| !s.is_empty()) {
            Some(text) => Some(text.parse::<FaultSpec>().map_err(invalid)?),
            None => None,
        };
        let mut aimed = Vec::new();
        for rule in rules.into_iter().flatten() {
            let rule = rule.cast::<PyDict>().map_err(|_| {
                invalid("a fault rule is a dict: {\"operation\", \"fault\", \"times\"}".into())
            })?;
            let text = |key: &str| -> PyResult<String> {
                rule.get_item(key)?
                    .ok_or_else(|| invalid(format!("a fault rule needs \"{key}\"")))?
                    .extract::<String>()
            };
            let times = match rule.get_item("times")? {
                Some(times) => times.extract::<u32>()?,
                None => 1,
            };
            aimed.push(OperationFault {
                operation: text("operation")?,
                fault: text("fault")?.parse::<FaultKind>().map_err(invalid)?,
                times,
            });
        }
        let config = FaultConfig {
            spec,
            seed,
            rules: aimed,
        };
        self.with(py, |emulator| emulator.set_faults(config))
    }

    /// How tasks move: `"auto"` or `"manual"`.
    fn set_transitions(&self, py: Python<'_>, mode: &str) -> PyResult<()> {
        let mode: Transitions = mode.parse().map_err(invalid)?;
        self.with(py, |emulator| emulator.set_transitions(mode))
    }

    /// Another organisation, seeded `demo` or `empty`: `{"organisation_id", "access_key",
    /// "secret_key", "endpoint", "ca_cert"}`.
    #[pyo3(signature = (seed="demo"))]
    fn add_organisation(&self, py: Python<'_>, seed: &str) -> PyResult<Py<PyAny>> {
        let seed: Seed = seed.parse().map_err(to_py)?;
        let added = self.with(py, |emulator| emulator.add_organisation(seed))?;
        let added =
            serde_json::to_value(added).map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
        convert::to_python(py, &added)
    }

    /// Stops the emulator (in-flight requests finish); later calls raise `RuntimeError`.
    fn close(&self, py: Python<'_>) -> PyResult<()> {
        let running = self
            .running
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        if let Some(emulator) = running {
            block_on(py, emulator.shutdown())?;
        }
        Ok(())
    }
}
