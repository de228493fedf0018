//! The extension's one tokio runtime, and running a future on it with the GIL released.
//!
//! Every client of the process drives its requests on this runtime, so the connection pools
//! and the single-flight sign-in of [`staxapp::Session`] are shared by all Python threads:
//! while one thread waits for the network, it holds no GIL and the others run (Python code,
//! or their own calls). Long waits stay interruptible: the waiting thread looks for pending
//! signals (Ctrl-C) every [`SIGNAL_CHECK`].

use std::future::Future;
use std::sync::OnceLock;
use std::time::Duration;

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;

/// How often a thread waiting for the network checks for Python signals.
const SIGNAL_CHECK: Duration = Duration::from_millis(100);

/// The runtime, started at the first call (two worker threads drive the connections; the
/// futures of `block_on` run on the calling threads themselves).
fn runtime() -> PyResult<&'static tokio::runtime::Runtime> {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    if let Some(runtime) = RUNTIME.get() {
        return Ok(runtime);
    }
    // Built while the caller holds the GIL, so two threads never race to build it.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("staxapp-rs")
        .enable_all()
        .build()
        .map_err(|e| PyRuntimeError::new_err(format!("could not start the I/O runtime: {e}")))?;
    Ok(RUNTIME.get_or_init(|| runtime))
}

/// Runs `future` to completion on the runtime with the GIL released; a signal handler that
/// raises (Ctrl-C's `KeyboardInterrupt`) cancels it.
///
/// Refuses, with `RuntimeError`, to run from inside the runtime itself (a progress callback
/// that makes a Stax call), where blocking would deadlock.
pub fn block_on<F, T>(py: Python<'_>, future: F) -> PyResult<T>
where
    F: Future<Output = T> + Send,
    T: Send,
{
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(PyRuntimeError::new_err(
            "a Stax call cannot be made from inside a progress callback; make it after the wait returns",
        ));
    }
    let runtime = runtime()?;
    py.detach(|| {
        runtime.block_on(async {
            let mut future = std::pin::pin!(future);
            let start = tokio::time::Instant::now() + SIGNAL_CHECK;
            let mut ticks = tokio::time::interval_at(start, SIGNAL_CHECK);
            loop {
                tokio::select! {
                    out = &mut future => return Ok(out),
                    _ = ticks.tick() => {
                        if let Some(Err(e)) = Python::try_attach(|py| py.check_signals()) {
                            return Err(e);
                        }
                    }
                }
            }
        })
    })
}
