//! Whether a file or directory may be trusted as the user's own: [`check_trusted`].

use std::fs::Metadata;

/// Why a file or directory is not trusted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Untrusted {
    /// Another user owns it (whoever this process runs as, root included).
    #[error("is owned by user {owner}, not by user {user} who runs this process")]
    Owner {
        /// The owner's user id.
        owner: u32,
        /// This process's effective user id.
        user: u32,
    },
    /// Its group or everybody may write it.
    #[error("may be written by its group or by others (mode {mode:o})")]
    Writable {
        /// Its permission bits.
        mode: u32,
    },
}

/// Refuses what this process's effective user does not own, and what its group or others
/// may write: a file there may have been put by someone else. Root gets no exception: a
/// file another user owns is theirs to change. Where there are no Unix owners, everything
/// passes.
///
/// ```
/// let dir = std::env::temp_dir().join(format!("stax-input-owner-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// let meta = std::fs::metadata(&dir)?;
/// #[cfg(unix)]
/// {
///     use std::os::unix::fs::PermissionsExt as _;
///     std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700))?;
///     assert_eq!(stax_input::check_trusted(&std::fs::metadata(&dir)?), Ok(()));
///     std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777))?;
///     assert!(stax_input::check_trusted(&std::fs::metadata(&dir)?).is_err());
/// }
/// # let _ = meta;
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn check_trusted(meta: &Metadata) -> Result<(), Untrusted> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        let user = effective_uid();
        if meta.uid() != user {
            return Err(Untrusted::Owner {
                owner: meta.uid(),
                user,
            });
        }
        let mode = meta.mode() & 0o7777;
        if mode & 0o022 != 0 {
            return Err(Untrusted::Writable { mode });
        }
    }
    #[cfg(not(unix))]
    let _ = meta;
    Ok(())
}

/// The effective user id of this process.
#[cfg(unix)]
fn effective_uid() -> u32 {
    // SAFETY: geteuid(2) takes no argument, touches no memory of ours and cannot fail.
    unsafe { libc::geteuid() }
}
