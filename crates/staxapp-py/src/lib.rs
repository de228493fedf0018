//! `staxapp_rs._core`: the native half of the Python package `staxapp_rs`, which offers the
//! API of Stax's Python SDK (`staxapp`) on the Rust SDK [`staxapp`].
//!
//! The Python modules (`staxapp_rs.config`, `.openapi`, `.exceptions`) keep staxapp's names
//! and class-attribute semantics; this module does the work: one `client::Client` per
//! frozen configuration, calls run on one tokio runtime with the GIL released (`runtime`),
//! arguments and answers converted (`convert`), SDK errors raised as staxapp's exceptions
//! (`errors`), and `tracing` records handed to Python's `logging` (`logging`). For tests, the
//! emulator runs in the process too (`emulator`, behind `staxapp_rs.testing`; the cargo feature
//! `emulator`, on by default).
//!
//! Python users' guide (the one-import swap, what differs from staxapp, the test fixture):
//! [docs/python.md](https://github.com/staxapp-rs/staxapp-rs/blob/main/docs/python.md).

use pyo3::prelude::*;

mod client;
mod convert;
#[cfg(feature = "emulator")]
mod emulator;
mod errors;
mod interceptors;
mod logging;
mod runtime;

/// The module `staxapp_rs._core`.
#[pymodule]
fn _core(module: &Bound<'_, PyModule>) -> PyResult<()> {
    logging::install();
    logging::refresh_level(module.py())?;
    module.add("__version__", env!("CARGO_PKG_VERSION"))?;
    module.add("USER_AGENT", staxapp::Config::user_agent())?;
    module.add_class::<client::Client>()?;
    module.add_class::<client::Pages>()?;
    #[cfg(feature = "emulator")]
    module.add_class::<emulator::Emulator>()?;
    module.add_function(wrap_pyfunction!(task_id_of, module)?)?;
    Ok(())
}

/// The task id a change's answer names, wherever the SDK finds it (at the top, in `Detail`,
/// or in networking's `Detail.Message`); `None` when it names none.
#[pyfunction]
fn task_id_of(response: &Bound<'_, PyAny>) -> Option<String> {
    let response = convert::to_json(response, 0)?;
    staxapp::tasks::task_id_of(&response).map(str::to_owned)
}
