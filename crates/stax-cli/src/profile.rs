//! Named profiles in `~/.config/stax/config.toml`, for people who work with several installations.
//!
//! ```toml
//! [profiles.prod]
//! region = "au1"
//! access_key = "..."
//! secret_key_command = "pass show stax/prod | head -n 1"   # prints the secret key
//!
//! [profiles.local]
//! endpoint = "http://127.0.0.1:8080"
//! access_key = "..."
//! secret_key = "..."
//! ```
//!
//! `secret_key_command` runs under `sh -c` with no standard input, its standard error
//! discarded; what it prints is read as [`Kind::COMMAND_OUTPUT`] (64 KiB, within
//! `secret_key_command_timeout` seconds, default 60). The secret key is its first line,
//! trimmed; another non-empty line is an error (which shows neither line). The access key
//! never comes from the command: it is the profile's `access_key` or `STAX_ACCESS_KEY`.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use serde::Deserialize;
use stax_input::Kind;

/// How long `secret_key_command` may run unless the profile says otherwise.
pub const SECRET_COMMAND_TIMEOUT: Duration = Duration::from_secs(60);

/// The longest `secret_key_command_timeout` accepted, in seconds.
const MAX_SECRET_COMMAND_TIMEOUT: u64 = 3600;

/// One profile's settings; every field is optional.
#[derive(Debug, Default, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Installation: `au1`, `us1`, `eu1` or a domain.
    pub region: Option<String>,
    /// Base URL override (e.g. an emulator).
    pub endpoint: Option<String>,
    /// Cognito endpoint override for both pools.
    pub cognito_endpoint: Option<String>,
    /// Access key of the API token.
    pub access_key: Option<String>,
    /// Secret key of the API token (prefer `secret_key_command`).
    pub secret_key: Option<String>,
    /// A shell command that prints the secret key on its first line.
    pub secret_key_command: Option<String>,
    /// Seconds `secret_key_command` may take (default 60, 1 to 3600).
    pub secret_key_command_timeout: Option<u64>,
    /// `live` or a path to an OAS3 document.
    pub schema: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    profiles: BTreeMap<String, Profile>,
}

/// The profile file: `$STAX_CONFIG_FILE`, else `<config dir>/stax/config.toml`.
pub fn config_path() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("STAX_CONFIG_FILE") {
        return Some(PathBuf::from(path));
    }
    dirs::config_dir().map(|d| d.join("stax").join("config.toml"))
}

/// The profile used when none is named: `[profiles.default]`, under the environment.
pub const DEFAULT: &str = "default";

/// The profile file's path, or why there is none.
fn path() -> Result<PathBuf, String> {
    config_path()
        .ok_or_else(|| "no configuration directory on this system; set STAX_CONFIG_FILE".to_owned())
}

/// The profiles of the file at `path`; `None` when there is no such file.
fn read_file(path: &std::path::Path, name: &str) -> Result<Option<File>, String> {
    let text = match stax_input::read_to_string(path, Kind::PROFILES) {
        Ok(text) => text,
        Err(e) if e.is_not_found() => return Ok(None),
        Err(e) => return Err(format!("profile {name:?}: {e}")),
    };
    toml::from_str(&text)
        .map(Some)
        .map_err(|e| format!("{}: {}", path.display(), e.message()))
}

/// Profile `name` as written, its `secret_key_command` not run; `None` when the file or the
/// profile is absent.
pub fn find(name: &str) -> Result<Option<Profile>, String> {
    let path = path()?;
    Ok(read_file(&path, name)?.and_then(|mut file| file.profiles.remove(name)))
}

/// Loads profile `name`, with its secret resolved (running `secret_key_command` if set).
pub fn load(name: &str) -> Result<Profile, String> {
    let path = path()?;
    let file = read_file(&path, name)?.ok_or_else(|| {
        format!(
            "profile {name:?}: there is no {}; create it with `stax configure --profile {name}`",
            path.display()
        )
    })?;
    let profile = file.profiles.get(name).cloned().ok_or_else(|| {
        let known: Vec<&String> = file.profiles.keys().collect();
        format!(
            "no profile {name:?} in {}; profiles there: {known:?} (`stax configure --profile {name}` adds it)",
            path.display()
        )
    })?;
    resolve_secret(name, profile)
}

/// `profile` with its `secret_key_command` run into `secret_key`.
pub fn resolve_secret(name: &str, mut profile: Profile) -> Result<Profile, String> {
    if let Some(command) = profile.secret_key_command.take() {
        let timeout = match profile.secret_key_command_timeout {
            None => SECRET_COMMAND_TIMEOUT,
            Some(secs @ 1..=MAX_SECRET_COMMAND_TIMEOUT) => Duration::from_secs(secs),
            Some(other) => {
                return Err(format!(
                    "profile {name:?}: secret_key_command_timeout {other} is not 1 to {MAX_SECRET_COMMAND_TIMEOUT} seconds"
                ));
            }
        };
        profile.secret_key = Some(run_secret_command(name, &command, timeout)?);
    }
    Ok(profile)
}

/// Runs `secret_key_command`: its first line, trimmed, is the secret key. Errors never show
/// what it printed.
fn run_secret_command(name: &str, command: &str, timeout: Duration) -> Result<String, String> {
    let mut shell = Command::new("sh");
    shell
        .arg("-c")
        .arg(command)
        .stdin(Stdio::null())
        .stderr(Stdio::null());
    let label = format!("secret_key_command of profile {name:?}");
    let output = stax_input::run(&mut shell, &label, Kind::COMMAND_OUTPUT, timeout)
        .map_err(|e| e.to_string())?;
    let fail = |problem: &str| {
        format!(
            "profile {name:?}: secret_key_command {problem} (its output is not shown, it may hold secrets)"
        )
    };
    if !output.status.success() {
        return Err(fail(&format!("exited with {}", output.status)));
    }
    let text =
        String::from_utf8(output.stdout).map_err(|_| fail("printed text that is not UTF-8"))?;
    let mut lines = text.lines();
    let secret = lines.next().unwrap_or("").trim();
    if secret.is_empty() {
        return Err(fail(
            "printed nothing on its first line; it must print the secret key",
        ));
    }
    if lines.any(|line| !line.trim().is_empty()) {
        return Err(fail(
            "printed more than one line; it must print the secret key alone on its first line (e.g. end it with `| head -n 1`)",
        ));
    }
    if secret.chars().any(char::is_whitespace) {
        return Err(fail(
            "printed a first line with a space in it; it must print the secret key alone (the access key comes from the profile's access_key or STAX_ACCESS_KEY)",
        ));
    }
    Ok(secret.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_parse_and_unknown_fields_are_refused() {
        let f: File = toml::from_str(
            "[profiles.a]\nregion = \"us1\"\naccess_key = \"AK\"\n[profiles.b]\nendpoint = \"http://x\"\n",
        )
        .unwrap();
        assert_eq!(f.profiles["a"].region.as_deref(), Some("us1"));
        assert!(toml::from_str::<File>("[profiles.a]\nregoin = \"x\"\n").is_err());
    }

    fn secret(command: &str) -> Result<String, String> {
        run_secret_command("p", command, Duration::from_secs(30))
    }

    #[test]
    fn the_secret_is_the_first_line_trimmed() {
        assert_eq!(secret("echo s3cret").unwrap(), "s3cret");
        assert_eq!(
            secret("printf '  s3cret \\r\\n\\n  \\n'").unwrap(),
            "s3cret"
        );
    }

    #[test]
    fn other_output_is_an_error_that_shows_none_of_it() {
        for (command, says) in [
            ("printf 'MY-REAL-SECRET\\nalice\\n'", "more than one line"),
            ("echo AK-leaked MY-REAL-SECRET", "a space"),
            ("echo", "nothing"),
            ("printf '\\nMY-REAL-SECRET\\n'", "nothing"),
            ("echo MY-REAL-SECRET; exit 3", "exited with"),
            ("printf 'MY-REAL-SECRET\\377\\n'", "not UTF-8"),
        ] {
            let err = secret(command).unwrap_err();
            assert!(err.contains(says), "{command}: {err}");
            for word in ["MY-REAL-SECRET", "alice", "leaked"] {
                assert!(!err.contains(word), "{command}: {err}");
            }
        }
    }

    #[test]
    fn endless_or_slow_commands_are_stopped() {
        let err = secret("yes MY-REAL-SECRET").unwrap_err();
        assert!(err.contains("64 KiB"), "{err}");
        assert!(!err.contains("MY-REAL-SECRET"), "{err}");
        let err = run_secret_command("p", "exec sleep 30", Duration::from_millis(300)).unwrap_err();
        assert!(err.contains("did not finish"), "{err}");
    }
}
