//! `stax`: every Stax API operation from the shell and from CI pipelines.
//!
//! A thin binary over the `staxapp` library: it parses the command line, builds a
//! [`staxapp::Config`], and prints what the library returns. Exit codes: 0 success, 1 API,
//! validation, sign-in or task failure, 2 usage error, 130 interrupted.

// Doc comments here double as `--help` text, where `<json>` is a placeholder, not HTML.
#![allow(rustdoc::invalid_html_tags)]

mod args;
mod cli;
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
        eprintln!("stax: {}", message.trim_end());
        ExitCode::from(code)
    }
}

impl From<staxapp::Error> for Failure {
    fn from(e: staxapp::Error) -> Self {
        Failure::Call(run::describe_error(&e))
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version print to stdout and succeed; real errors exit 2.
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match dispatch(cli) {
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
        Some(Command::Describe { service, operation }) => {
            run::runtime()?.block_on(describe::run(global, service, operation))
        }
        Some(Command::Call(words)) => {
            let call =
                CallWords::try_parse_from(&words).map_err(|e| Failure::Usage(e.to_string()))?;
            let global = global.merge(call.global);
            let operation = call.operation.ok_or_else(|| {
                Failure::Usage(format!(
                    "name an operation of {0}, e.g. `stax {0} <Operation>`; `stax describe {0}` lists them",
                    call.service
                ))
            })?;
            let arguments =
                args::parse_args(&call.args).map_err(|e| Failure::Usage(e.to_string()))?;
            run::runtime()?.block_on(run::call(global, call.service, operation, arguments))
        }
    }
}
