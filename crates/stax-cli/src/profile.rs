//! Named profiles in `~/.config/stax/config.toml`, for people who work with several installations.
//!
//! ```toml
//! [profiles.prod]
//! region = "au1"
//! access_key = "..."
//! secret_key_command = "pass show stax/prod"   # prints the secret key (or "ACCESS SECRET")
//!
//! [profiles.local]
//! endpoint = "http://127.0.0.1:8080"
//! access_key = "..."
//! secret_key = "..."
//! ```

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

use serde::Deserialize;

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
    /// A shell command that prints the secret key, or `ACCESS_KEY SECRET_KEY` on one line.
    pub secret_key_command: Option<String>,
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

/// Loads profile `name`, with its secret resolved (running `secret_key_command` if set).
pub fn load(name: &str) -> Result<Profile, String> {
    let path =
        config_path().ok_or("no configuration directory on this system; set STAX_CONFIG_FILE")?;
    let text = std::fs::read_to_string(&path).map_err(|e| {
        format!(
            "profile {name:?}: cannot read {} ({e}); create it with a [profiles.{name}] table",
            path.display()
        )
    })?;
    let file: File =
        toml::from_str(&text).map_err(|e| format!("{}: {}", path.display(), e.message()))?;
    let mut profile = file.profiles.get(name).cloned().ok_or_else(|| {
        let known: Vec<&String> = file.profiles.keys().collect();
        format!(
            "no profile {name:?} in {}; profiles there: {known:?}",
            path.display()
        )
    })?;
    if let Some(command) = profile.secret_key_command.take() {
        let (access, secret) = run_secret_command(name, &command)?;
        if access.is_some() {
            profile.access_key = access;
        }
        profile.secret_key = Some(secret);
    }
    Ok(profile)
}

fn run_secret_command(name: &str, command: &str) -> Result<(Option<String>, String), String> {
    let output = Command::new("sh")
        .arg("-c")
        .arg(command)
        .output()
        .map_err(|e| format!("profile {name:?}: cannot run secret_key_command: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "profile {name:?}: secret_key_command exited with {} (its output is not shown, it may hold secrets)",
            output.status
        ));
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let words: Vec<&str> = text.split_whitespace().collect();
    match words.as_slice() {
        [secret] => Ok((None, (*secret).to_owned())),
        [access, secret] => Ok((Some((*access).to_owned()), (*secret).to_owned())),
        _ => Err(format!(
            "profile {name:?}: secret_key_command must print the secret key, or the access key and the secret key, on one line"
        )),
    }
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

    #[test]
    fn secret_command_output_forms() {
        assert_eq!(
            run_secret_command("p", "echo s3cret").unwrap(),
            (None, "s3cret".to_owned())
        );
        assert_eq!(
            run_secret_command("p", "echo AK s3cret").unwrap(),
            (Some("AK".to_owned()), "s3cret".to_owned())
        );
        let err = run_secret_command("p", "echo leaked; exit 3").unwrap_err();
        assert!(!err.contains("leaked"), "{err}");
    }
}
