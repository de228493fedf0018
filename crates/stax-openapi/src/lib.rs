//! One reading of OpenAPI 3.0 documents for the SDK, the emulator and the tests.
//!
//! Where it sits among the crates: [docs/design.md](https://github.com/staxapp-rs/staxapp-rs/blob/main/docs/design.md#architecture).
//!
//! Pure: no I/O, no clock. It takes a parsed document (`serde_json::Value`) and answers:
//!
//! * [`mod@pointer`]: JSON pointers and local `$ref`s (`~0`/`~1` escapes, percent-encoded
//!   fragments, chains and cycles);
//! * [`mod@dialect`]: OpenAPI 3.0's Schema Object rewritten as JSON Schema 2020-12 (`nullable`,
//!   boolean exclusive bounds, `$ref` siblings, `readOnly`/`writeOnly` by [`Direction`]), with
//!   the mistakes of documents in the wild dropped instead of spoiling a whole component;
//! * [`Spec`]: the document with validators compiled on first use and cached, one JSON Schema
//!   draft ([`DRAFT`], 2020-12) for everything;
//! * [`mod@operations`]: the operation map of a Stax document (services, operations, their path
//!   variants and [`describe`]d parameters), as the SDK routes it and the typed API's
//!   generator names it.
//!
//! Two readings exist, and both are named: [`Dialect::openapi30`] (the specification: what the
//! emulator serves and the tests check answers against) and [`Dialect::staxapp`] (what the
//! official Python SDK checks before sending a body, which the Rust SDK mirrors).
//!
//! ```
//! use serde_json::json;
//! use stax_openapi::{Dialect, Direction, Spec, Target};
//!
//! let spec = Spec::new(json!({
//!     "paths": {},
//!     "components": {"schemas": {"accounts.CreateAccount": {
//!         "type": "object",
//!         "required": ["Name"],
//!         "properties": {"Name": {"type": "string", "minLength": 1}}
//!     }}}
//! }), Dialect::openapi30());
//! let create = spec.validator(Target::Component("accounts.CreateAccount"), Direction::Request)?;
//! assert!(create.is_valid(&json!({"Name": "dev-1"})));
//! let problem = create.best_violation(&json!({})).unwrap();
//! assert_eq!(problem.message, "\"Name\" is a required property");
//! # Ok::<(), stax_openapi::SchemaError>(())
//! ```

pub mod describe;
pub mod dialect;
pub mod operations;
pub mod pointer;
mod spec;

pub use dialect::{
    Dialect, Direction, Nullable, document_to_json_schema, to_json_schema, to_json_schema_for,
};
pub use spec::{DRAFT, SchemaError, Spec, Target, Validator, Violation};
