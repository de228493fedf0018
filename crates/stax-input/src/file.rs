//! Files and streams: [`open`], [`read`], [`read_to_string`], [`read_stream`].

use std::fs::{File, Metadata};
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::error::{InputError, Origin, Problem};
use crate::kind::Kind;

/// A regular file of at most its kind's cap, opened and not yet read: its metadata (from
/// the open descriptor) can be inspected first, e.g. by [`check_trusted`](crate::check_trusted).
#[derive(Debug)]
pub struct Opened {
    file: File,
    meta: Metadata,
    path: PathBuf,
    kind: Kind,
}

impl Opened {
    /// The metadata of the open file.
    pub fn metadata(&self) -> &Metadata {
        &self.meta
    }

    /// Reads the file, at most its kind's cap (a file that grew past it is refused).
    pub fn read(self) -> Result<Vec<u8>, InputError> {
        let capacity = self.meta.len().min(self.kind.cap()) as usize + 1;
        read_capped(&self.file, self.kind.cap(), capacity)
            .map_err(|problem| InputError::file(self.kind, &self.path, problem))
    }
}

/// Opens `path` for reading as an input of `kind`: refuses a directory, a device, a pipe or a
/// socket without opening it for a blocking read, and a file above the kind's cap.
pub fn open(path: &Path, kind: Kind) -> Result<Opened, InputError> {
    let fail = |problem| InputError::file(kind, path, problem);
    let meta = std::fs::metadata(path).map_err(|e| fail(Problem::Io(e)))?;
    check(&meta, kind).map_err(fail)?;
    let file = open_without_blocking(path).map_err(|e| fail(Problem::Io(e)))?;
    // What was opened, which is not necessarily what was looked at a moment ago.
    let meta = file.metadata().map_err(|e| fail(Problem::Io(e)))?;
    check(&meta, kind).map_err(fail)?;
    Ok(Opened {
        file,
        meta,
        path: path.to_owned(),
        kind,
    })
}

/// Reads the regular file at `path`, an input of `kind` (see [`open`]).
pub fn read(path: &Path, kind: Kind) -> Result<Vec<u8>, InputError> {
    open(path, kind)?.read()
}

/// [`read`], as UTF-8 text.
pub fn read_to_string(path: &Path, kind: Kind) -> Result<String, InputError> {
    String::from_utf8(read(path, kind)?).map_err(|_| InputError::file(kind, path, Problem::NotUtf8))
}

/// Reads a stream (standard input, a pipe) named `name` in errors, to its end or to the
/// kind's cap: more is refused, and never read.
pub fn read_stream(input: &mut dyn Read, name: &str, kind: Kind) -> Result<Vec<u8>, InputError> {
    read_capped(input, kind.cap(), 8 * 1024)
        .map_err(|problem| InputError::new(kind, Origin::Stream(name.to_owned()), problem))
}

/// Reads at most `cap` bytes, and one more to tell whether there was more.
pub(crate) fn read_capped(input: impl Read, cap: u64, capacity: usize) -> Result<Vec<u8>, Problem> {
    let mut bytes = Vec::with_capacity(capacity);
    input
        .take(cap.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(Problem::Io)?;
    if bytes.len() as u64 > cap {
        return Err(Problem::TooLarge { size: None });
    }
    Ok(bytes)
}

/// A regular file within the cap.
fn check(meta: &Metadata, kind: Kind) -> Result<(), Problem> {
    if meta.is_dir() {
        Err(Problem::Directory)
    } else if !meta.is_file() {
        Err(Problem::NotRegular)
    } else if meta.len() > kind.cap() {
        Err(Problem::TooLarge {
            size: Some(meta.len()),
        })
    } else {
        Ok(())
    }
}

/// Opens for reading without waiting for a writer (a FIFO put in place of the file after it
/// was checked) and without making a terminal the controlling one.
fn open_without_blocking(path: &Path) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(
        &mut options,
        libc::O_NONBLOCK | libc::O_NOCTTY,
    );
    options.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write as _;

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "stax-input-test-{}-{:x}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        dir.join(name)
    }

    #[test]
    fn regular_files_within_the_cap_are_read() {
        let path = temp("small.json");
        std::fs::write(&path, b"{}").unwrap();
        assert_eq!(read(&path, Kind::DOCUMENT).unwrap(), b"{}");
        assert_eq!(read_to_string(&path, Kind::DOCUMENT).unwrap(), "{}");
        std::fs::write(&path, [0xff, 0xfe]).unwrap();
        let err = read_to_string(&path, Kind::DOCUMENT).unwrap_err();
        assert!(matches!(err.problem(), Problem::NotUtf8), "{err}");
    }

    #[test]
    fn files_above_the_cap_are_refused_before_reading() {
        let path = temp("big");
        let file = File::create(&path).unwrap();
        // Sparse: 4 GiB of nothing on disk.
        file.set_len(4 << 30).unwrap();
        let err = read(&path, Kind::CREDENTIAL_ENTRY).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "credential cache entry {}: holds 4 GiB, more than 64 KiB; the limit: a regular file of at most 64 KiB",
                path.display()
            )
        );
        let tiny = Kind::new("fixture", 3);
        std::fs::write(&path, b"1234").unwrap();
        assert!(matches!(
            read(&path, tiny).unwrap_err().problem(),
            Problem::TooLarge { size: Some(4) }
        ));
        std::fs::write(&path, b"123").unwrap();
        assert_eq!(read(&path, tiny).unwrap(), b"123");
    }

    #[test]
    fn directories_devices_and_missing_files_are_refused() {
        let dir = temp("x");
        let dir = dir.parent().unwrap();
        let err = read(dir, Kind::DOCUMENT).unwrap_err();
        assert!(matches!(err.problem(), Problem::Directory), "{err}");
        let err = read(Path::new("/dev/zero"), Kind::DOCUMENT).unwrap_err();
        assert!(matches!(err.problem(), Problem::NotRegular), "{err}");
        let err = read(&dir.join("absent"), Kind::DOCUMENT).unwrap_err();
        assert!(err.is_not_found(), "{err}");
        assert!(!err.to_string().contains("limit"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_without_waiting_for_a_writer() {
        let path = temp("fifo");
        let made = std::process::Command::new("mkfifo")
            .arg(&path)
            .status()
            .unwrap();
        assert!(made.success());
        let err = read(&path, Kind::CREDENTIAL_ENTRY).unwrap_err();
        assert!(matches!(err.problem(), Problem::NotRegular), "{err}");
        // Opened without blocking even when the check before it was passed.
        let file = open_without_blocking(&path).unwrap();
        assert!(!file.metadata().unwrap().is_file());
    }

    #[test]
    fn streams_stop_at_the_cap() {
        let tiny = Kind::new("fixture", 4);
        assert_eq!(
            read_stream(&mut &b"1234"[..], "input", tiny).unwrap(),
            b"1234"
        );
        let err = read_stream(&mut std::io::repeat(b'x'), "standard input", tiny).unwrap_err();
        assert_eq!(
            err.to_string(),
            "fixture standard input: holds more than 4 bytes; the limit: at most 4 bytes"
        );
    }

    #[test]
    fn a_file_that_grows_past_the_cap_while_open_is_refused() {
        let path = temp("growing");
        std::fs::write(&path, b"12").unwrap();
        let opened = open(&path, Kind::new("fixture", 4)).unwrap();
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap()
            .write_all(b"345")
            .unwrap();
        assert!(matches!(
            opened.read().unwrap_err().problem(),
            Problem::TooLarge { size: None }
        ));
    }
}
