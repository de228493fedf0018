//! `stax configure [--profile NAME]`: writes a profile of the profile file
//! (`~/.config/stax/config.toml`, `STAX_CONFIG_FILE`), then checks it with one signed call.
//!
//! On a terminal it asks for what the flags do not give: the installation, the access key and
//! the secret key (read without echo; `!command` stores a `secret_key_command` instead), Enter
//! keeping the value the profile has. Without a terminal (CI) it asks nothing: the flags
//! (`--region` / `--endpoint`, `--access-key`, `--secret-key-stdin` or
//! `--secret-key-command`) and what the profile already holds must say everything. The file
//! keeps its other profiles, comments and layout (`toml_edit`), and is written by atomic
//! rename as a file only its owner may read (0600), in a directory made 0700 when missing.
//! Without `--profile` the profile is `default`, which `stax` uses when no profile is named.

use std::io::{BufRead, IsTerminal, Read as _, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::Path;

use serde_json::Value;
use staxapp::StaxClient;

use crate::cli::{ConfigureArgs, GlobalOpts};
use crate::connect;
use crate::failure::{Failure, describe_error};
use crate::profile::{self, Profile};

/// How the secret key is kept in the profile.
#[derive(Debug, Clone, PartialEq)]
enum SecretSource {
    Key(String),
    Command(String),
}

/// The settings to write.
#[derive(Debug, Default)]
struct Settings {
    region: Option<String>,
    endpoint: Option<String>,
    cognito_endpoint: Option<String>,
    access_key: Option<String>,
    secret: Option<SecretSource>,
}

/// Runs `stax configure`.
pub fn run(global: GlobalOpts, args: ConfigureArgs) -> Result<(), Failure> {
    let name = global
        .profile
        .clone()
        .unwrap_or_else(|| profile::DEFAULT.to_owned());
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return Err(Failure::Usage(format!(
            "--profile {name:?}: a profile name is letters, digits, '-', '_' and '.'"
        )));
    }
    let path = profile::config_path().ok_or_else(|| {
        Failure::Usage("no configuration directory on this system; set STAX_CONFIG_FILE".into())
    })?;
    let existing = profile::find(&name).map_err(Failure::Usage)?;
    let mut settings = from_flags(&global, &args)?;
    let interactive = std::io::stdin().is_terminal() && !args.secret_key_stdin;
    if interactive {
        ask(&name, existing.as_ref(), &mut settings)?;
    }
    keep_existing(&mut settings, existing.as_ref());
    let secret = settings.secret.clone().ok_or_else(|| {
        Failure::Usage(format!(
            "profile {name:?} needs a secret key: give --secret-key-stdin (the key on standard input) or --secret-key-command COMMAND"
        ))
    })?;
    if settings.access_key.is_none() {
        return Err(Failure::Usage(format!(
            "profile {name:?} needs an access key: give --access-key KEY"
        )));
    }
    check_installation(&settings)?;
    write_profile(&path, &name, &settings, &secret)?;
    println!("stax: profile {name:?} written to {}", path.display());
    if args.no_check {
        return Ok(());
    }
    let organisation = connect::runtime()?.block_on(check(&global, &name))?;
    println!("stax: profile {name:?} works: signed in to {organisation}");
    Ok(())
}

/// What the flags say; `--secret-key-stdin` reads the key here.
fn from_flags(global: &GlobalOpts, args: &ConfigureArgs) -> Result<Settings, Failure> {
    let secret = if args.secret_key_stdin {
        let line = read_line().map_err(|e| Failure::Usage(format!("--secret-key-stdin: {e}")))?;
        let key = line.trim();
        if key.is_empty() || key.chars().any(char::is_whitespace) {
            return Err(Failure::Usage(
                "--secret-key-stdin: the first line of standard input must be the secret key alone"
                    .into(),
            ));
        }
        Some(SecretSource::Key(key.to_owned()))
    } else {
        args.secret_key_command.clone().map(SecretSource::Command)
    };
    Ok(Settings {
        region: global.region.clone(),
        endpoint: global.endpoint.clone(),
        cognito_endpoint: args.cognito_endpoint.clone(),
        access_key: args.access_key.clone(),
        secret,
    })
}

/// One line of standard input (at most 64 KiB).
fn read_line() -> Result<String, String> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .take(64 * 1024)
        .read_line(&mut line)
        .map_err(|e| format!("cannot read standard input: {e}"))?;
    Ok(line)
}

/// Asks on the terminal for what the flags left open; Enter keeps what is shown.
fn ask(name: &str, existing: Option<&Profile>, settings: &mut Settings) -> Result<(), Failure> {
    let read = |prompt: &str, current: Option<&str>| -> Result<Option<String>, Failure> {
        match current {
            Some(current) => eprint!("{prompt} [{current}]: "),
            None => eprint!("{prompt}: "),
        }
        let _ = std::io::stderr().flush();
        let line = read_line().map_err(Failure::Usage)?;
        let answer = line.trim();
        Ok((!answer.is_empty()).then(|| answer.to_owned()))
    };
    eprintln!("Configuring profile {name:?} (Enter keeps the value in brackets).");
    if settings.region.is_none() && settings.endpoint.is_none() {
        let current = existing
            .and_then(|p| p.endpoint.clone().or_else(|| p.region.clone()))
            .unwrap_or_else(|| "au1".to_owned());
        let answer = read(
            "Installation (au1, us1, eu1, a DNS name, or an http(s):// endpoint)",
            Some(&current),
        )?
        .unwrap_or(current);
        if answer.starts_with("http://") || answer.starts_with("https://") {
            settings.endpoint = Some(answer);
        } else {
            settings.region = Some(answer);
        }
    }
    if settings.access_key.is_none() {
        let current = existing.and_then(|p| p.access_key.clone());
        settings.access_key = read("Access key", current.as_deref())?.or(current);
    }
    if settings.secret.is_none() {
        let kept = match existing {
            Some(p) if p.secret_key_command.is_some() => " (Enter keeps its secret_key_command)",
            Some(p) if p.secret_key.is_some() => " (Enter keeps the current one)",
            _ => "",
        };
        let prompt = format!("Secret key, not shown; or !command that prints it{kept}: ");
        let answer = rpassword::prompt_password(prompt)
            .map_err(|e| Failure::Usage(format!("cannot read the secret key: {e}")))?;
        let answer = answer.trim();
        settings.secret = match answer.strip_prefix('!') {
            Some(command) if !command.trim().is_empty() => {
                Some(SecretSource::Command(command.trim().to_owned()))
            }
            _ if answer.is_empty() => None,
            _ => Some(SecretSource::Key(answer.to_owned())),
        };
    }
    Ok(())
}

/// Fills what is still open from the profile as it is.
fn keep_existing(settings: &mut Settings, existing: Option<&Profile>) {
    let Some(p) = existing else {
        return;
    };
    if settings.region.is_none() && settings.endpoint.is_none() {
        settings.region = p.region.clone();
        settings.endpoint = p.endpoint.clone();
    }
    if settings.cognito_endpoint.is_none() {
        settings.cognito_endpoint = p.cognito_endpoint.clone();
    }
    if settings.access_key.is_none() {
        settings.access_key = p.access_key.clone();
    }
    if settings.secret.is_none() {
        settings.secret = p
            .secret_key_command
            .clone()
            .map(SecretSource::Command)
            .or_else(|| p.secret_key.clone().map(SecretSource::Key));
    }
}

/// An installation or endpoint the SDK would refuse is refused before anything is written.
fn check_installation(settings: &Settings) -> Result<(), Failure> {
    let mut builder = staxapp::Config::builder_without_env();
    if let Some(region) = &settings.region {
        builder = builder.region(region.clone());
    }
    if let Some(endpoint) = &settings.endpoint {
        builder = builder.endpoint(endpoint.clone());
    }
    if let Some(cognito) = &settings.cognito_endpoint {
        builder = builder
            .cognito_idp_endpoint(cognito.clone())
            .cognito_identity_endpoint(cognito.clone());
    }
    builder
        .build()
        .map(|_| ())
        .map_err(|e| Failure::Usage(describe_error(&e, false)))
}

/// Sets the profile's keys in the file at `path` (its other content kept) and writes it.
fn write_profile(
    path: &Path,
    name: &str,
    settings: &Settings,
    secret: &SecretSource,
) -> Result<(), Failure> {
    let text = match stax_input::read_to_string(path, stax_input::Kind::PROFILES) {
        Ok(text) => text,
        Err(e) if e.is_not_found() => String::new(),
        Err(e) => return Err(Failure::Usage(e.to_string())),
    };
    let mut document: toml_edit::DocumentMut = text
        .parse()
        .map_err(|e| Failure::Usage(format!("{}: {e}", path.display())))?;
    let profiles = document
        .entry("profiles")
        .or_insert_with(toml_edit::table)
        .as_table_mut()
        .ok_or_else(|| Failure::Usage(format!("{}: `profiles` is not a table", path.display())))?;
    profiles.set_implicit(true);
    let table = profiles
        .entry(name)
        .or_insert_with(toml_edit::table)
        .as_table_mut()
        .ok_or_else(|| {
            Failure::Usage(format!(
                "{}: `profiles.{name}` is not a table",
                path.display()
            ))
        })?;
    let (secret_key, secret_command) = match secret {
        SecretSource::Key(key) => (Some(key.clone()), None),
        SecretSource::Command(command) => (None, Some(command.clone())),
    };
    for (key, value) in [
        ("region", settings.region.clone()),
        ("endpoint", settings.endpoint.clone()),
        ("cognito_endpoint", settings.cognito_endpoint.clone()),
        ("access_key", settings.access_key.clone()),
        ("secret_key", secret_key),
        ("secret_key_command", secret_command.clone()),
    ] {
        match value {
            Some(value) => {
                table.insert(key, toml_edit::value(value));
            }
            None => {
                table.remove(key);
            }
        }
    }
    if secret_command.is_none() {
        table.remove("secret_key_command_timeout");
    }
    write_private(path, document.to_string().as_bytes())
        .map_err(|e| Failure::Call(format!("cannot write {}: {e}", path.display())))
}

/// Writes `bytes` to `path` as a file only its owner may read or write (0600), by atomic
/// rename; the directory is made (0700) when missing.
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)?;
    let file_name = path.file_name().map_or_else(
        || "config.toml".into(),
        |n| n.to_string_lossy().into_owned(),
    );
    let temporary = dir.join(format!(".{file_name}.{}.tmp", std::process::id()));
    let written = (|| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&temporary)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temporary, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written
}

/// One signed call with the profile as written (a fresh sign-in, no credential cache): the
/// caller's organisation, `ReadOrganisation`, which every role may read.
async fn check(global: &GlobalOpts, name: &str) -> Result<String, Failure> {
    let only_the_profile = GlobalOpts {
        profile: Some(name.to_owned()),
        attempt_timeout: global.attempt_timeout,
        operation_timeout: global.operation_timeout,
        ..GlobalOpts::default()
    };
    let config = connect::config(&only_the_profile)?;
    let client = StaxClient::new(config).map_err(Failure::from)?;
    let answer = client
        .call("organisations", "ReadOrganisation", ())
        .await
        .map_err(|e| {
            Failure::Call(format!(
                "profile {name:?} was written, but its check failed: {}",
                describe_error(&e, global.verbose > 0)
            ))
        })?;
    let organisation = answer
        .pointer("/Organisations/0")
        .unwrap_or(&answer)
        .clone();
    let field = |key: &str| organisation.get(key).and_then(Value::as_str);
    Ok(match (field("Name"), field("Id")) {
        (Some(n), Some(id)) => format!("the organisation {n:?} ({id})"),
        _ => "the installation".to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_are_written_keeping_the_rest_of_the_file() {
        let dir = std::env::temp_dir().join(format!("stax-configure-{}", std::process::id()));
        let path = dir.join("new").join("config.toml");
        std::fs::create_dir_all(&dir).unwrap();
        let settings = Settings {
            region: Some("us1".into()),
            access_key: Some("AK".into()),
            ..Settings::default()
        };
        write_profile(&path, "a", &settings, &SecretSource::Key("SK".into())).unwrap();
        let mut text = std::fs::read_to_string(&path).unwrap();
        text.insert_str(0, "# my profiles\n");
        text.push_str(
            "\n[profiles.b]\nendpoint = \"http://x\"  # an emulator\nsecret_key_command = \"pass x\"\n",
        );
        std::fs::write(&path, &text).unwrap();
        let settings = Settings {
            endpoint: Some("http://y".into()),
            access_key: Some("AK2".into()),
            ..Settings::default()
        };
        write_profile(
            &path,
            "a",
            &settings,
            &SecretSource::Command("echo s".into()),
        )
        .unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("# my profiles\n"), "{text}");
        assert!(
            text.contains("endpoint = \"http://x\"  # an emulator"),
            "{text}"
        );
        let file: toml::Value = toml::from_str(&text).unwrap();
        let a = &file["profiles"]["a"];
        assert_eq!(a["endpoint"].as_str(), Some("http://y"));
        assert!(
            a.get("region").is_none() && a.get("secret_key").is_none(),
            "{text}"
        );
        assert_eq!(a["secret_key_command"].as_str(), Some("echo s"));
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let dir_mode = std::fs::metadata(path.parent().unwrap())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(dir_mode & 0o777, 0o700);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
