//! The typed API generated from Stax's reference documents, for the tests in `tests/` (and
//! the typed-vs-dynamic benchmark of `staxapp`). Nothing here is generated into the
//! repository: the build script writes it to `OUT_DIR` from `$STAX_SHARED_DIR/reference/`.
//!
//! The generated modules are compiled with every warning denied, clippy's too (`cargo
//! clippy -- -D warnings` in CI).
//!
//! The typed API's guide: [docs/typed.md](https://github.com/staxapp-rs/staxapp-rs/blob/main/docs/typed.md); the repository's tests and
//! checks: [CONTRIBUTING.md](https://github.com/staxapp-rs/staxapp-rs/blob/main/CONTRIBUTING.md).

use std::future::Future;

use futures::future::BoxFuture;
use serde_json::Value;
use staxapp::typed::Request;

/// The typed API of this repository's own document of the generator's edge cases
/// (`documents/edges.oas3.json`).
#[deny(warnings)]
pub mod edges {
    include!(concat!(env!("OUT_DIR"), "/edges.rs"));
}

/// The typed API of the core (20190206) and Permission Sets (20210321) reference documents.
#[cfg(not(reference_missing))]
#[deny(warnings)]
pub mod stax {
    include!(concat!(env!("OUT_DIR"), "/stax.rs"));
}

/// The typed API of the legacy core document (keyed by `operationId`), compiled to show that
/// an older installation's document generates too.
#[cfg(not(reference_missing))]
#[deny(warnings)]
pub mod legacy {
    include!(concat!(env!("OUT_DIR"), "/legacy.rs"));
}

/// Every operation of [`stax`], built from JSON arguments through its typed setters.
#[cfg(not(reference_missing))]
pub mod operations {
    #[allow(unused_imports)]
    use crate::stax::*;

    include!(concat!(env!("OUT_DIR"), "/operations.rs"));
}

/// Whether the reference documents were found (else the tests skip, outside CI).
pub const REFERENCE_PRESENT: bool = cfg!(not(reference_missing));

/// A typed call to measure: the answer's item count, from the typed output.
pub type TypedCall = Box<dyn Fn() -> BoxFuture<'static, staxapp::Result<usize>> + Send + Sync>;

/// `accounts.ReadAccounts` through the typed API of the reference documents, for the
/// typed-vs-dynamic benchmark of `staxapp` (`None` when the documents were missing at build
/// time).
pub fn typed_read_accounts(client: &staxapp::StaxClient) -> Option<TypedCall> {
    #[cfg(not(reference_missing))]
    {
        let typed = stax::Client::new(client.clone());
        Some(Box::new(move || {
            let request = typed.accounts().read_accounts();
            Box::pin(async move { Ok(request.send().await?.accounts.len()) })
        }))
    }
    #[cfg(reference_missing)]
    {
        let _ = client;
        None
    }
}

/// Decodes an `accounts.ReadAccounts` answer into its typed output (for the benchmark's
/// decode-only measurement); `None` without the reference documents.
pub fn decode_read_accounts(answer: Value) -> Option<usize> {
    #[cfg(not(reference_missing))]
    {
        let typed: stax::types::accounts::ReadAccounts =
            staxapp::typed::decode("accounts", "ReadAccounts", answer).ok()?;
        Some(typed.accounts.len())
    }
    #[cfg(reference_missing)]
    {
        let _ = answer;
        None
    }
}

/// A typed request, ready: the arguments it sends, how its answer type reads and writes JSON,
/// and the typed call itself.
pub struct Prepared {
    /// The arguments the typed request sends, as the dynamic API takes them.
    pub args: staxapp::Args,
    /// Decodes JSON into the operation's typed output and serializes it back.
    pub round_trip: fn(Value) -> Result<Value, String>,
    /// `send().await` of the typed request; its output serialized.
    pub send: BoxFuture<'static, staxapp::Result<Value>>,
}

/// Reads argument `name` into the type its setter takes.
pub fn arg<T: serde::de::DeserializeOwned>(name: &str, value: &Value) -> Result<T, String> {
    T::deserialize(value).map_err(|e| format!("argument {name} ({value}) does not fit: {e}"))
}

/// The error for an argument the operation has no setter for.
pub fn no_setter(service: &str, operation: &str, name: &str) -> String {
    format!("{service}.{operation} has no setter for {name}")
}

/// Decodes into `T` and serializes back.
fn round_trip<T: serde::Serialize + serde::de::DeserializeOwned>(
    value: Value,
) -> Result<Value, String> {
    let typed: T = serde_json::from_value(value).map_err(|e| e.to_string())?;
    serde_json::to_value(typed).map_err(|e| e.to_string())
}

/// A [`Prepared`] from a typed request and its `send()`.
pub fn prepared<R, F>(request: R, send: F) -> Result<Prepared, String>
where
    R: Request + Clone,
    R::Output: serde::Serialize,
    F: Future<Output = staxapp::Result<R::Output>> + Send + 'static,
{
    let args = request
        .clone()
        .into_arguments()
        .args()
        .map_err(|e| e.to_string())?;
    Ok(Prepared {
        args,
        round_trip: round_trip::<R::Output>,
        send: Box::pin(async move { to_json(&send.await?) }),
    })
}

fn to_json<T: serde::Serialize>(output: &T) -> staxapp::Result<Value> {
    serde_json::to_value(output).map_err(|e| staxapp::Error::Decode {
        operation: "typed output".into(),
        type_name: std::any::type_name::<T>().into(),
        message: e.to_string(),
    })
}
