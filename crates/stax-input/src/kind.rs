//! What is read, and how much of it may be: [`Kind`].

use std::fmt;

const KIB: u64 = 1024;
const MIB: u64 = 1024 * KIB;

/// A kind of input and its cap in bytes.
///
/// ```
/// use stax_input::Kind;
///
/// assert_eq!(Kind::DOCUMENT.cap(), 32 * 1024 * 1024);
/// assert_eq!(Kind::CREDENTIAL_ENTRY.to_string(), "credential cache entry");
/// let mine = Kind::new("fixture", 100);
/// assert_eq!(mine.cap(), 100);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kind {
    name: &'static str,
    cap: u64,
}

impl Kind {
    /// An OpenAPI document (`--schema`, `STAX_SCHEMA`, `STAX_PERMISSION_SETS_SCHEMA`, the
    /// on-disk document cache, the emulator's `--openapi`): 32 MiB. Stax's is about 0.6 MiB.
    pub const DOCUMENT: Kind = Kind::new("OpenAPI document", 32 * MIB);
    /// An `@file` or `@-` argument of the CLI: 10 MiB.
    pub const ARGUMENT: Kind = Kind::new("argument", 10 * MIB);
    /// The CLI's profile file (`config.toml`): 1 MiB.
    pub const PROFILES: Kind = Kind::new("profile file", MIB);
    /// One entry of the credential cache: 64 KiB (an entry is about 2 KiB).
    pub const CREDENTIAL_ENTRY: Kind = Kind::new("credential cache entry", 64 * KIB);
    /// A PEM bundle of certificates to trust (`SSL_CERT_FILE`, `AWS_CA_BUNDLE`): 4 MiB (the
    /// whole Mozilla list is about 0.2 MiB).
    pub const CA_BUNDLE: Kind = Kind::new("CA bundle", 4 * MIB);
    /// What a command prints (`secret_key_command`): 64 KiB.
    pub const COMMAND_OUTPUT: Kind = Kind::new("command output", 64 * KIB);
    /// A whole emulator state document (the emulator's state import): 256 MiB.
    pub const STATE: Kind = Kind::new("emulator state", 256 * MIB);

    /// A kind named `name` (a noun, as in "OpenAPI document") of at most `cap` bytes.
    pub const fn new(name: &'static str, cap: u64) -> Kind {
        Kind { name, cap }
    }

    /// The noun naming the kind in errors.
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// The most bytes one input of this kind may hold.
    pub const fn cap(&self) -> u64 {
        self.cap
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

/// A size as people read it: whole KiB, MiB or GiB when exact, one decimal otherwise.
///
/// ```
/// use stax_input::human_size;
///
/// assert_eq!(human_size(64 * 1024), "64 KiB");
/// assert_eq!(human_size(32 * 1024 * 1024), "32 MiB");
/// assert_eq!(human_size(4 * 1024 * 1024 * 1024 + 1), "4.0 GiB");
/// assert_eq!(human_size(1000), "1000 bytes");
/// ```
pub fn human_size(bytes: u64) -> String {
    const UNITS: [(u64, &str); 3] = [(1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")];
    for (unit, name) in UNITS {
        if bytes >= unit {
            return if bytes.is_multiple_of(unit) {
                format!("{} {name}", bytes / unit)
            } else {
                format!("{:.1} {name}", bytes as f64 / unit as f64)
            };
        }
    }
    format!("{bytes} bytes")
}
