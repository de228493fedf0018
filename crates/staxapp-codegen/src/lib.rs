//! # staxapp-codegen
//!
//! A typed Rust API for the Stax APIs, generated from the OpenAPI documents of *your*
//! installation (each installation publishes its own, and they change with Stax releases),
//! into your build directory. Use it from a build script:
//!
//! ```no_run
//! // build.rs
//! fn main() -> Result<(), staxapp_codegen::Error> {
//!     staxapp_codegen::generate(&["stax-core.json", "stax-permission-sets.json"], "stax.rs")
//! }
//! ```
//!
//! and include the module where you use it:
//!
//! ```ignore
//! mod stax {
//!     include!(concat!(env!("OUT_DIR"), "/stax.rs"));
//! }
//!
//! # async fn demo() -> staxapp::Result<()> {
//! let client = stax::Client::new(staxapp::StaxClient::from_env()?);
//! let active = client.accounts().read_accounts().filter("ACTIVE").send().await?;
//! for account in &active.accounts {
//!     println!("{} {:?}", account.name, account.status);
//! }
//! # Ok(()) }
//! ```
//!
//! The `stax` CLI writes the same module for the live documents of an installation:
//! `stax codegen rust --output src/stax.rs`.
//!
//! The guide (the build script, `stax codegen rust`, the generated names, how documents are
//! read): [docs/typed.md](https://github.com/staxapp-rs/staxapp-rs/blob/main/docs/typed.md).
//!
//! ## What is generated
//!
//! - `Client::new(staxapp::StaxClient)`; `client.<service>()` per service (`accounts()`,
//!   `permission_sets()`); `.<operation>()` per operation in snake_case (`read_accounts()`,
//!   `list_aws_managed_policies()`), a builder with one setter per path parameter, query
//!   parameter and top-level body field (each taking `impl Into<T>`), `.body(...)` for a body
//!   that is not an object of fields, and `.send().await` returning the operation's answer
//!   type or a `staxapp::Error`. Each `send` is one call of the SDK (routing, validation,
//!   signing, retries and credentials are `staxapp`'s) and a `serde` decode.
//! - `types`: a struct per object schema, an enum per string enum (with `Unknown(String)` for
//!   values newer than the code, and `From<&str>`), all `Serialize`, `Deserialize`, `Debug`,
//!   `Clone` and `PartialEq`. Serializing a decoded answer gives back the JSON received:
//!   absent fields stay absent, `null` stays `null`, unknown fields are kept in `extra`.
//! - List operations: `.into_pages()` and `.into_items()` streams. Answers with a `TaskId`:
//!   `.wait(&client, options)`; answers holding permission set assignments likewise.
//! - With `staxapp`'s `blocking` feature: `send_blocking()`, `into_pages_blocking()`,
//!   `into_items_blocking()` and `wait_blocking(..)` for a client made from a
//!   `staxapp::blocking::StaxClient`.
//!
//! Documents are read as the SDK reads them (`stax-openapi`): OpenAPI 3.0 `nullable`, dotted
//! schema names (`accounts.ReadAccounts` becomes `types::accounts::ReadAccounts`), `allOf`
//! merged, `anyOf`/`oneOf` of one kind merged, other mixtures as `serde_json::Value`. A part
//! that cannot be expressed is an [`Error`] naming the document and its JSON pointer.

#![warn(missing_docs)]

mod emit;
mod error;
mod input;
mod model;
mod names;

use std::path::{Path, PathBuf};

pub use error::Error;
use input::Input;

/// Generates the typed module for `documents` (one per API: the core API's, version
/// 20190206, and/or the Permission Sets API's, version 20210321, recognised by their
/// contents) into the file `out`.
///
/// From a build script (`OUT_DIR` and `TARGET` set), a relative `out` is put in `OUT_DIR`,
/// and cargo is told to run the script again when a document changes. The file is written
/// only when its contents change, so an unchanged document does not rebuild the crate.
///
/// ```no_run
/// let out = std::env::temp_dir().join("stax.rs");
/// staxapp_codegen::generate(&["stax-core.json"], &out)?;
/// # Ok::<(), staxapp_codegen::Error>(())
/// ```
pub fn generate<P: AsRef<Path>>(documents: &[P], out: impl AsRef<Path>) -> Result<(), Error> {
    let mut generator = Generator::new();
    for document in documents {
        if in_build_script() {
            println!("cargo:rerun-if-changed={}", document.as_ref().display());
        }
        generator = generator.document(document)?;
    }
    generator.write(out)
}

/// [`generate`] from the documents named by the environment variable `variable` (paths
/// separated as in `PATH`); from a build script, cargo is told to run it again when the
/// variable changes. Made for three-line build scripts:
///
/// ```no_run
/// fn main() -> Result<(), staxapp_codegen::Error> {
///     staxapp_codegen::generate_from_env("STAX_DOCUMENTS", "stax.rs")
/// }
/// ```
pub fn generate_from_env(variable: &str, out: impl AsRef<Path>) -> Result<(), Error> {
    if in_build_script() {
        println!("cargo:rerun-if-env-changed={variable}");
    }
    let value = std::env::var_os(variable)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| Error::MissingVariable {
            variable: variable.to_owned(),
        })?;
    let documents: Vec<PathBuf> = std::env::split_paths(&value).collect();
    generate(&documents, out)
}

/// Whether this process is a cargo build script.
fn in_build_script() -> bool {
    std::env::var_os("OUT_DIR").is_some() && std::env::var_os("TARGET").is_some()
}

/// The generator, for more than [`generate`] does: documents already in memory (as the
/// `stax` CLI has them), the source as a string, and what was generated
/// ([`Generator::operations`]).
///
/// ```
/// use serde_json::json;
///
/// let document = json!({
///     "openapi": "3.0.0",
///     "info": {"title": "Stax", "version": "20190206"},
///     "paths": {"/20190206/accounts": {"get": {
///         "x-stax-sdk-operation-id": "accounts.ReadAccounts",
///         "parameters": [{"name": "filter", "in": "query", "schema": {"type": "string"}}],
///         "responses": {"200": {"description": "ok", "content": {"application/json": {
///             "schema": {"$ref": "#/components/schemas/accounts.ReadAccounts"}}}}}
///     }}},
///     "components": {"schemas": {"accounts.ReadAccounts": {
///         "type": "object",
///         "properties": {"Accounts": {"type": "array", "items": {"type": "object"}}}
///     }}}
/// });
/// let generator = staxapp_codegen::Generator::new().document_value("core.json", document)?;
/// let source = generator.generate()?;
/// assert!(source.contains("pub fn read_accounts(&self) -> ReadAccountsRequest"));
/// let operations = generator.operations()?;
/// assert_eq!(operations[0].builder, "accounts::ReadAccountsRequest");
/// assert_eq!(operations[0].output, "types::accounts::ReadAccounts");
/// assert_eq!(operations[0].setters[0].rust_type, "::std::string::String");
/// # Ok::<(), staxapp_codegen::Error>(())
/// ```
#[derive(Debug, Default)]
pub struct Generator {
    inputs: Vec<Input>,
}

impl Generator {
    /// No documents yet.
    pub fn new() -> Generator {
        Generator::default()
    }

    /// Adds the document at `path`.
    pub fn document(self, path: impl AsRef<Path>) -> Result<Generator, Error> {
        self.add(Input::from_file(path.as_ref())?)
    }

    /// Adds a document already parsed; `name` is what errors call it.
    pub fn document_value(
        self,
        name: impl Into<String>,
        document: serde_json::Value,
    ) -> Result<Generator, Error> {
        self.add(Input::from_value(name.into(), document)?)
    }

    /// Adds a document, one per API, keeping the core API's first.
    fn add(mut self, input: Input) -> Result<Generator, Error> {
        if let Some(first) = self.inputs.iter().find(|i| i.api == input.api) {
            return Err(Error::SameApi {
                first: first.name.clone(),
                second: input.name,
                api: input.api.label(),
            });
        }
        self.inputs.push(input);
        self.inputs.sort_by_key(|i| i.api);
        Ok(self)
    }

    /// The model of the documents.
    fn model(&self) -> Result<model::Model<'_>, Error> {
        if self.inputs.is_empty() {
            return Err(Error::NoDocuments);
        }
        model::build(&self.inputs)
    }

    /// The generated module's source.
    pub fn generate(&self) -> Result<String, Error> {
        Ok(emit::render(&self.model()?, &self.inputs))
    }

    /// Writes the module to `out` (see [`generate`] for a relative path in a build script),
    /// when its contents changed.
    pub fn write(&self, out: impl AsRef<Path>) -> Result<(), Error> {
        let source = self.generate()?;
        let mut out = out.as_ref().to_owned();
        if out.is_relative()
            && in_build_script()
            && let Some(dir) = std::env::var_os("OUT_DIR")
        {
            out = PathBuf::from(dir).join(out);
        }
        if std::fs::read(&out).is_ok_and(|old| old == source.as_bytes()) {
            return Ok(());
        }
        if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| Error::Write {
                path: out.clone(),
                source,
            })?;
        }
        std::fs::write(&out, source).map_err(|source| Error::Write { path: out, source })
    }

    /// What the module holds, operation by operation: the names a program writes to call
    /// each one (keywords as raw identifiers, `r#type`), and the Rust types of its arguments
    /// and answer (paths from the module's root). For tools that generate code over every
    /// operation (a test harness, a dispatcher).
    pub fn operations(&self) -> Result<Vec<OperationInfo>, Error> {
        let model = self.model()?;
        let types = &model.types;
        let path = |ty: &model::types::Ty| emit::type_path(types, ty, &[]);
        let written = |name: &str| emit::ident(name).to_string();
        let mut out = Vec::new();
        for (_, service) in &model.services {
            for op in &service.operations {
                out.push(OperationInfo {
                    service: service.wire.clone(),
                    operation: op.wire.clone(),
                    service_method: written(&service.module),
                    method: written(&op.method),
                    builder: format!("{}::{}", written(&service.module), op.builder),
                    output: path(&op.output),
                    body: op.body.as_ref().map(path),
                    items: op.paging.as_ref().map(|p| path(&p.item)),
                    setters: op
                        .setters
                        .iter()
                        .map(|s| SetterInfo {
                            name: s.wire.clone(),
                            method: written(&s.method),
                            rust_type: path(&s.ty),
                            location: s.location.as_str(),
                            required: s.required,
                        })
                        .collect(),
                });
            }
        }
        Ok(out)
    }
}

/// One operation of a generated module ([`Generator::operations`]).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct OperationInfo {
    /// The service, as the SDK names it (`accounts`, `permission-sets`).
    pub service: String,
    /// The operation, as the document names it (`ReadAccounts`).
    pub operation: String,
    /// The `Client` method of the service (`accounts`, `permission_sets`).
    pub service_method: String,
    /// The service method that starts the operation (`read_accounts`).
    pub method: String,
    /// The builder's path from the module's root (`accounts::ReadAccountsRequest`).
    pub builder: String,
    /// The answer's type (`types::accounts::ReadAccounts`).
    pub output: String,
    /// The type `.body(..)` takes, for an operation whose body is not an object of fields.
    pub body: Option<String>,
    /// The item type of `.into_items()`, for a list operation.
    pub items: Option<String>,
    /// The setters.
    pub setters: Vec<SetterInfo>,
}

/// One setter of an operation's builder.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SetterInfo {
    /// The argument's name in the document (`filter`, `Name`).
    pub name: String,
    /// The setter (`filter`, `name`).
    pub method: String,
    /// The type it takes `impl Into<..>` of, as a path from the module's root.
    pub rust_type: String,
    /// `path`, `query` or `body`.
    pub location: &'static str,
    /// Whether the document requires it.
    pub required: bool,
}
