//! `stax`: every Stax API operation from the shell and from CI pipelines.
//!
//! A thin binary over the `staxapp` library: it parses the command line, builds a
//! [`staxapp::Config`], and prints what the library returns. Exit codes: 0 success, 1 API,
//! validation, sign-in or task failure, 2 usage error, 130 interrupted.

// Doc comments here double as `--help` text, where `<json>` is a placeholder, not HTML.
#![allow(rustdoc::invalid_html_tags)]

mod args;
mod cli;
mod codegen;
mod completions;
mod describe;
mod output;
mod profile;
mod run;

use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use crate::cli::{CallWords, Cli, Command};

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
    fn exit(self) -> ExitCode {
        let (code, message) = match self {
            Failure::Exit(code) => return code,
            Failure::Usage(m) => (2, m),
            Failure::Call(m) => (1, m),
            Failure::Interrupted(m) => (130, m),
        };
        eprintln!("stax: {}", one_line(&message));
        ExitCode::from(code)
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

/// What to do with a command-line parse error: `--help` and `--version` print their text and
/// succeed; anything else is a one-line usage error.
pub(crate) fn parse_error(e: clap::Error) -> Failure {
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

impl From<staxapp::Error> for Failure {
    fn from(e: staxapp::Error) -> Self {
        Failure::Call(run::describe_error(&e))
    }
}

fn main() -> ExitCode {
    // `stax emulator ...` hands every word to the emulator's own command line, `--help` and
    // options that share a name with stax's (`--region`) included.
    // `stax codegen ...` has its own command line too (its `--output` names a file).
    let mut words = std::env::args_os().skip(1);
    let first = words.next();
    let rest = || words.map(|w| w.to_string_lossy().into_owned()).collect();
    let nested = match first.as_deref().and_then(|w| w.to_str()) {
        Some("emulator") => Some(run::emulator(rest())),
        Some("codegen") => Some(codegen::main(cli::GlobalOpts::default(), rest())),
        _ => None,
    };
    if let Some(outcome) = nested {
        return match outcome {
            Ok(()) => ExitCode::SUCCESS,
            Err(failure) => failure.exit(),
        };
    }
    let outcome = Cli::try_parse().map_err(parse_error).and_then(dispatch);
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => failure.exit(),
    }
}

fn dispatch(cli: Cli) -> Result<(), Failure> {
    let Cli { global, command } = cli;
    match command {
        None => {
            let _ = Cli::command().print_help();
            Err(Failure::Usage(
                "name a service and an operation, e.g. `stax accounts ReadAccounts`; `stax describe` lists them".into(),
            ))
        }
        Some(Command::Completions { shell }) => {
            completions::print(shell);
            Ok(())
        }
        Some(Command::Complete { words }) => {
            completions::complete(&global, &words);
            Ok(())
        }
        Some(Command::Emulator { args }) => run::emulator(args),
        Some(Command::Codegen { args }) => codegen::main(global, args),
        Some(Command::Describe { service, operation }) => {
            run::runtime()?.block_on(describe::run(global, service, operation))
        }
        Some(Command::Call(words)) => {
            let call = CallWords::try_parse_from(&words).map_err(parse_error)?;
            let global = global.merge(call.global);
            let operation = call.operation.ok_or_else(|| {
                Failure::Usage(format!(
                    "name an operation of {0}, e.g. `stax {0} <Operation>`; `stax describe {0}` lists them",
                    call.service
                ))
            })?;
            let arguments = args::parse_args(&call.args, &mut std::io::stdin().lock())
                .map_err(|e| Failure::Usage(e.to_string()))?;
            run::runtime()?.block_on(run::call(global, call.service, operation, arguments))
        }
    }
}
