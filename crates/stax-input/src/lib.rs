//! One bounded reader for everything the Stax tools read from a path, a command or standard
//! input: OpenAPI documents (`--schema`, `STAX_SCHEMA`, `STAX_PERMISSION_SETS_SCHEMA`, the
//! emulator's `--openapi`), `@file` and `@-` arguments, profiles, the credential cache, CA
//! bundles and the output of `secret_key_command`.
//!
//! The caps of each kind, as users meet them: [docs/cli.md](https://github.com/staxapp-rs/staxapp-rs/blob/main/docs/cli.md#what-is-read-and-how-much).
//!
//! - **Regular files only.** A directory, a device, a pipe or a socket is refused from its
//!   metadata, before it is opened. The file is then opened without blocking (`O_NONBLOCK`)
//!   and checked again through the descriptor, so a path swapped for a FIFO in between cannot
//!   hang the reader either.
//! - **A cap per [`Kind`].** A file larger than its kind's cap is refused before a byte is
//!   read; a stream (standard input, a command's output, a file that grows while it is read)
//!   is read up to the cap and one byte more, never further.
//! - **A timeout for commands** ([`run`]): a command is stopped when it outlasts it, or as
//!   soon as its output passes the cap.
//! - **One-line errors** ([`InputError`]) naming the kind, the path (or the stream) and the
//!   limit.
//! - **Trust** ([`check_trusted`]): whether a file or directory that should be the user's own
//!   (the credential cache) is owned by this process's effective user and closed to others'
//!   writes.
//!
//! ```
//! use std::io::Write as _;
//! use stax_input::Kind;
//!
//! let path = std::env::temp_dir().join(format!("stax-input-doc-{}.json", std::process::id()));
//! std::fs::File::create(&path)?.write_all(br#"{"openapi": "3.0.0"}"#)?;
//! assert_eq!(stax_input::read_to_string(&path, Kind::DOCUMENT)?, r#"{"openapi": "3.0.0"}"#);
//!
//! // A device is refused before it is opened, naming the kind and the limit.
//! let err = stax_input::read(std::path::Path::new("/dev/zero"), Kind::DOCUMENT).unwrap_err();
//! assert_eq!(
//!     err.to_string(),
//!     "OpenAPI document /dev/zero: is not a regular file (a device, a pipe or a socket); \
//!      the limit: a regular file of at most 32 MiB"
//! );
//!
//! // Streams are read up to the cap, never to their end.
//! let err = stax_input::read_stream(&mut std::io::repeat(b'x'), "standard input", Kind::ARGUMENT)
//!     .unwrap_err();
//! assert!(err.to_string().contains("holds more than 10 MiB"), "{err}");
//! # std::fs::remove_file(&path)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod command;
mod error;
mod file;
mod kind;
mod owner;

pub use command::{CommandOutput, run};
pub use error::{InputError, Origin, Problem};
pub use file::{Opened, open, read, read_stream, read_to_string};
pub use kind::{Kind, human_size};
pub use owner::{Untrusted, check_trusted};
