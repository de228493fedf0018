//! What went wrong, the exit code it earns, and the one line on stderr that says so: the one
//! place that words errors and their hints (what to check, the request id, whether a failed
//! request may have been processed).

use std::process::ExitCode;

use staxapp::{Error, Request};

/// What went wrong, and which exit code it earns.
#[derive(Debug)]
pub enum Failure {
    /// Bad command line: exit 2.
    Usage(String),
    /// The call failed (API, validation, sign-in, task): exit 1.
    Call(String),
    /// Ctrl-C: exit 130.
    Interrupted(String),
    /// A nested command line (the emulator's) already reported; exit with its code.
    Exit(ExitCode),
}

impl Failure {
    /// Prints the failure's line (`stax: ...`) on stderr and returns its exit code.
    pub fn exit(self) -> ExitCode {
        let (code, message) = match self {
            Failure::Exit(code) => return code,
            Failure::Usage(m) => (2, m),
            Failure::Call(m) => (1, m),
            Failure::Interrupted(m) => (130, m),
        };
        eprintln!("stax: {}", one_line(&message));
        ExitCode::from(code)
    }

    /// The failure of a call: the error's line with its hints (see [`describe_error`]); a
    /// server error of a request that is not retried (a POST) adds that it may have been
    /// processed.
    pub fn of_call(e: Error, request: Option<&Request>, verbose: bool) -> Failure {
        if let Error::Config(_) = e {
            return Failure::from(e);
        }
        let mut line = describe_error(&e, verbose);
        if let (Error::Api(api), Some(request)) = (&e, request)
            && api.status >= 500
            && !request.retryable()
        {
            line.push_str(&format!(
                "; {} is not retried after a server error: it may have been processed, check before sending it again",
                request.method()
            ));
        }
        Failure::Call(line)
    }
}

impl From<Error> for Failure {
    /// A configuration error is a usage error (exit 2) wherever it is found: when the
    /// configuration is built, or when the session reads what it names (a CA bundle that
    /// holds no certificate).
    fn from(e: Error) -> Self {
        match e {
            Error::Config(_) => Failure::Usage(describe_error(&e, false)),
            _ => Failure::Call(describe_error(&e, false)),
        }
    }
}

/// A message on one line: its lines trimmed and joined (a server's multi-line words stay).
fn one_line(message: &str) -> String {
    message
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// One line naming the cause and what to check; an API error names its request id (to quote
/// to Stax support) for a 5xx, and for any status when `verbose`.
pub fn describe_error(e: &Error, verbose: bool) -> String {
    match e {
        Error::Api(api) => {
            let hint = match api.status {
                401 | 403 => {
                    "; check STAX_ACCESS_KEY/STAX_SECRET_KEY, STAX_REGION and the token's role"
                }
                404 => "; check the ids in the arguments",
                429 => "; Stax is throttling: retry later",
                s if s >= 500 => {
                    "; Stax had a problem: retry, or contact Stax support if it persists"
                }
                _ => "",
            };
            let id = match &api.request_id {
                Some(id) if verbose || api.status >= 500 => format!(" (request id {id})"),
                _ => String::new(),
            };
            format!("{}{id}{hint}", api.message)
        }
        Error::Validation(v) => match v.as_ref() {
            staxapp::ValidationError::NoSuchService { .. } => {
                format!("{v}; `stax describe` lists the services")
            }
            staxapp::ValidationError::NoSuchOperation { service, .. } => {
                format!("{v}; `stax describe {service}` lists its operations")
            }
            _ => format!(
                "{v}; `stax describe <service> <Operation>` shows what it takes, --no-validate skips body checks"
            ),
        },
        other => other.to_string(),
    }
}

/// What to do with a command-line parse error: `--help` and `--version` print their text and
/// succeed; anything else is a one-line usage error.
pub fn parse_error(e: clap::Error) -> Failure {
    use clap::error::ErrorKind;
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = e.print();
            Failure::Exit(ExitCode::SUCCESS)
        }
        _ => Failure::Usage(usage_line(&e)),
    }
}

/// clap's message on one line: the error and its tips, without the usage block, pointing at
/// the help of the command concerned.
fn usage_line(e: &clap::Error) -> String {
    let text = e.render().to_string();
    let mut parts: Vec<String> = Vec::new();
    let mut command = "stax".to_owned();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if let Some(usage) = line.strip_prefix("Usage:") {
            let words: Vec<&str> = usage
                .split_whitespace()
                .take_while(|w| !w.starts_with(['[', '<', '-']))
                .collect();
            if !words.is_empty() {
                command = words.join(" ");
            }
            continue;
        }
        if line.starts_with("For more information") {
            continue;
        }
        let line = line.strip_prefix("error: ").unwrap_or(line);
        let line = line.strip_prefix("tip: ").unwrap_or(line);
        parts.push(line.to_owned());
    }
    if parts.is_empty() {
        parts.push(e.kind().to_string());
    }
    format!("{}; see `{command} --help`", parts.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_show_for_server_errors_and_with_verbose() {
        let api = |status| {
            Error::from(staxapp::ApiError::from_answer(
                status,
                r#"{"Error": "boom"}"#,
                None,
                staxapp::apis::ErrorShape::Text,
                Some("req-123".into()),
            ))
        };
        assert!(describe_error(&api(500), false).contains("(request id req-123)"));
        assert!(!describe_error(&api(404), false).contains("req-123"));
        assert!(describe_error(&api(404), true).contains("(request id req-123)"));
        assert_eq!(one_line("a\n  b \n\nc"), "a b c");
    }
}
