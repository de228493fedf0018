//! `stax`: every Stax API operation from the shell and from CI pipelines.
//!
//! A thin binary over the `staxapp` library: it parses the command line, builds a
//! [`staxapp::Config`], and prints what the library returns. Exit codes: 0 success, 1 API,
//! validation, sign-in or task failure, 2 usage or configuration error, 130 interrupted.
//!
//! The users' guide (every option, the environment, profiles, output forms, paging, waiting,
//! errors and exit codes): [docs/cli.md](https://github.com/staxapp-rs/staxapp-rs/blob/main/docs/cli.md).

// Doc comments here double as `--help` text, where `<json>` is a placeholder, not HTML.
#![allow(rustdoc::invalid_html_tags)]

mod args;
mod call;
mod checks;
mod cli;
mod codegen;
mod completions;
mod configure;
mod connect;
mod describe;
mod failure;
mod output;
mod pages;
mod profile;
mod query;
mod sandbox;
mod skeleton;
mod text;
mod wait;

use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use crate::cli::{CallWords, Cli, Command};
use crate::failure::{Failure, parse_error};

fn main() -> ExitCode {
    // `stax emulator ...` hands every word to the emulator's own command line, `--help` and
    // options that share a name with stax's (`--region`) included.
    // `stax codegen ...` has its own command line too (its `--output` names a file).
    let mut words = std::env::args_os().skip(1);
    let first = words.next();
    let rest = || words.map(|w| w.to_string_lossy().into_owned()).collect();
    let nested = match first.as_deref().and_then(|w| w.to_str()) {
        Some("emulator") => Some(sandbox::emulator(rest())),
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
        Some(Command::Emulator { args }) => sandbox::emulator(args),
        Some(Command::Codegen { args }) => codegen::main(global, args),
        Some(Command::Configure(args)) => configure::run(global, args),
        Some(Command::Man) => man(),
        Some(Command::Describe { service, operation }) => {
            connect::runtime()?.block_on(describe::run(global, service, operation))
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
            if let Some(side) = global.generate_skeleton {
                if !call.args.is_empty() {
                    return Err(Failure::Usage(
                        "--generate-skeleton takes no arguments: it prints what the operation takes".into(),
                    ));
                }
                return connect::runtime()?.block_on(skeleton::run(
                    global,
                    side,
                    call.service,
                    operation,
                ));
            }
            let arguments = args::parse_args(&call.args, &mut std::io::stdin().lock())
                .map_err(|e| Failure::Usage(e.to_string()))?;
            if !global.no_validate {
                skeleton::check_filled(&arguments)?;
            }
            connect::runtime()?.block_on(call::call(global, call.service, operation, arguments))
        }
    }
}

/// `stax man`: the manual page of `stax` (roff, from the command line's own definition).
fn man() -> Result<(), Failure> {
    let mut page = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut page)
        .map_err(|e| Failure::Call(format!("cannot render the manual page: {e}")))?;
    output::write_stdout(&page)
}
