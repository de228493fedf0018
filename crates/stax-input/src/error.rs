//! What went wrong reading an input: [`InputError`], one line naming the kind, where it came
//! from and the limit.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::kind::{Kind, human_size};

/// Where an input came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A path.
    File(PathBuf),
    /// A stream, by a name such as `standard input`.
    Stream(String),
    /// A command, by a name that shows nothing of its text (which may hold secrets), and its
    /// timeout.
    Command {
        /// How the command is named in errors, e.g. `secret_key_command of profile "prod"`.
        label: String,
        /// How long it may run.
        timeout: Duration,
    },
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::File(path) => write!(f, "{}", path.display()),
            Origin::Stream(name) => f.write_str(name),
            Origin::Command { label, .. } => f.write_str(label),
        }
    }
}

/// What was wrong with an input.
#[derive(Debug)]
#[non_exhaustive]
pub enum Problem {
    /// The operating system's error (no such file, permission denied, ...).
    Io(std::io::Error),
    /// A directory where a file was expected.
    Directory,
    /// A device, a pipe or a socket where a regular file was expected.
    NotRegular,
    /// More bytes than the kind's cap; the size when it was known before reading.
    TooLarge {
        /// The file's size, when its metadata told.
        size: Option<u64>,
    },
    /// Text was expected and the bytes are not UTF-8.
    NotUtf8,
    /// A command did not finish within its timeout.
    TimedOut,
    /// A command could not be started.
    Spawn(std::io::Error),
}

/// An input that could not be read, or was refused. Its `Display` is one line:
/// `<kind> <path or stream>: <problem>`, followed by the limit when the input broke it.
///
/// ```
/// use std::path::Path;
/// use stax_input::{Kind, Problem};
///
/// let err = stax_input::read(Path::new("/no/such/file.json"), Kind::DOCUMENT).unwrap_err();
/// assert!(err.is_not_found());
/// assert!(matches!(err.problem(), Problem::Io(_)));
/// assert!(err.to_string().starts_with("OpenAPI document /no/such/file.json: cannot be read: "));
/// ```
#[derive(Debug)]
pub struct InputError {
    kind: Kind,
    origin: Origin,
    problem: Problem,
}

impl InputError {
    /// An error of `kind`, read from `origin`.
    pub fn new(kind: Kind, origin: Origin, problem: Problem) -> InputError {
        InputError {
            kind,
            origin,
            problem,
        }
    }

    pub(crate) fn file(kind: Kind, path: &Path, problem: Problem) -> InputError {
        InputError::new(kind, Origin::File(path.to_owned()), problem)
    }

    /// The kind of input.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// Where it came from.
    pub fn origin(&self) -> &Origin {
        &self.origin
    }

    /// What was wrong.
    pub fn problem(&self) -> &Problem {
        &self.problem
    }

    /// True when the path names nothing (a missing optional file is often no error).
    pub fn is_not_found(&self) -> bool {
        matches!(&self.problem, Problem::Io(e) if e.kind() == std::io::ErrorKind::NotFound)
    }

    /// The problem and the limit, without the kind and the origin: for callers that name
    /// those their own way (`argument @body.json: <reason>`).
    pub fn reason(&self) -> String {
        let cap = human_size(self.kind.cap());
        let problem = match &self.problem {
            Problem::Io(e) => return format!("cannot be read: {e}"),
            Problem::Spawn(e) => return format!("cannot be run: {e}"),
            Problem::NotUtf8 => return "is not UTF-8 text".to_owned(),
            Problem::Directory => "is a directory".to_owned(),
            Problem::NotRegular => {
                "is not a regular file (a device, a pipe or a socket)".to_owned()
            }
            Problem::TooLarge { size: Some(size) } => {
                format!("holds {}, more than {cap}", human_size(*size))
            }
            Problem::TooLarge { size: None } => format!("holds more than {cap}"),
            Problem::TimedOut => "did not finish in time".to_owned(),
        };
        let limit = match &self.origin {
            Origin::File(_) => format!("a regular file of at most {cap}"),
            Origin::Stream(_) => format!("at most {cap}"),
            Origin::Command { timeout, .. } => {
                format!("at most {cap} of output within {}", seconds(*timeout))
            }
        };
        format!("{problem}; the limit: {limit}")
    }
}

fn seconds(d: Duration) -> String {
    if d.subsec_nanos() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.kind, self.origin, self.reason())
    }
}

impl std::error::Error for InputError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.problem {
            Problem::Io(e) | Problem::Spawn(e) => Some(e),
            _ => None,
        }
    }
}
