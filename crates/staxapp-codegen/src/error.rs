//! What can stop generation; every error names the document and, for what cannot be
//! expressed in Rust, the JSON pointer in it.

use std::fmt;
use std::path::PathBuf;

/// Why the typed API could not be generated.
///
/// `Debug` prints the same one line as `Display`, so that a build script returning it from
/// `main` shows a readable message.
#[derive(thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A document could not be read.
    #[error("cannot read the Stax document {}: {source}", path.display())]
    Read {
        /// The file named.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// A document is not JSON, or not an OpenAPI document (no `paths` object).
    #[error("{document} is not a Stax OpenAPI document: {reason}")]
    NotADocument {
        /// The document (its path, or the name it was given by).
        document: String,
        /// What is wrong.
        reason: String,
    },
    /// Two documents of the same API were given.
    #[error("{first} and {second} are both documents of the {api} API; give one document per API")]
    SameApi {
        /// The first document of that API.
        first: String,
        /// The second one.
        second: String,
        /// The API, e.g. `core (20190206)`.
        api: String,
    },
    /// No document was given.
    #[error(
        "no Stax document was given: name the core API's document (20190206), the Permission Sets API's (20210321), or both"
    )]
    NoDocuments,
    /// A part of a document cannot be expressed in Rust.
    #[error("{document}: {pointer}: {reason}")]
    Unsupported {
        /// The document.
        document: String,
        /// The JSON pointer of the part, e.g. `/components/schemas/Account/properties/Tags`.
        pointer: String,
        /// Why, and what would do.
        reason: String,
    },
    /// The environment variable that names the documents is not set.
    #[error(
        "{variable} is not set: set it to the Stax documents to generate from, separated as in PATH (e.g. stax-core.json:stax-permission-sets.json)"
    )]
    MissingVariable {
        /// The variable.
        variable: String,
    },
    /// The generated file could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl Error {
    /// A part of `document` at `pointer` that cannot be expressed.
    pub(crate) fn unsupported(document: &str, pointer: &str, reason: impl Into<String>) -> Error {
        Error::Unsupported {
            document: document.to_owned(),
            pointer: pointer.to_owned(),
            reason: reason.into(),
        }
    }
}
