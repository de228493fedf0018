//! The command line: global options, the operation call, and the built-in subcommands.

use clap::{Args, Parser, Subcommand};

use crate::output::Format;

/// Examples shown by `stax --help`; a test runs each against the emulator.
pub const EXAMPLES: &str = "\
Examples:
  stax accounts ReadAccounts filter=ACTIVE
  stax accounts create-account Name=dev AccountType=Production --wait
  stax --sandbox accounts ReadAccounts --output table
  stax accounts ReadAccounts --query 'Accounts[].Name' --output yaml
  stax permission-sets ListPermissionSets --query 'PermissionSets[].Name'
  stax accounts ReadAccounts --output text --query 'Accounts[].[Id, Name, Status]'
  stax accounts ReadAccounts --max-items 5 --query NextToken
  stax accounts CreateAccount --generate-skeleton
  stax describe accounts ReadAccounts";

/// Every Stax API operation from the shell.
///
/// Call any operation of the installation's OpenAPI documents by service and name; the service
/// permission-sets is the Permission Sets API, its operations named as in its document
/// (ListPermissionSets). Arguments are name=value (a string), name:=<json> (numbers, booleans, arrays, objects),
/// @file.json (an object merged in; an array is the whole body) or @- (the same from standard
/// input); files and standard input are capped at 10 MiB. Options may stand anywhere; `--`
/// ends them. Credentials come from STAX_ACCESS_KEY and STAX_SECRET_KEY, the installation from
/// STAX_REGION (au1, us1, eu1 or a DNS name), or from --profile.
#[derive(Debug, Parser)]
#[command(
    name = "stax",
    version,
    about,
    long_about,
    propagate_version = true,
    after_help = EXAMPLES
)]
#[command(
    args_conflicts_with_subcommands = false,
    subcommand_value_name = "SERVICE"
)]
pub struct Cli {
    /// Options that apply to every call.
    #[command(flatten)]
    pub global: GlobalOpts,

    /// What to do.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands; anything else is `<service> <Operation> [ARG...]`.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List services; the operations of one; or one operation's parameters and body.
    Describe {
        /// A service, e.g. accounts.
        service: Option<String>,
        /// An operation of that service, e.g. ReadAccounts.
        operation: Option<String>,
    },
    /// Print a shell completion script (completes services and operations too).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Run a local Stax emulator (same as the stax-emulator binary; its options: `stax emulator --help`).
    Emulator {
        /// The emulator's own options.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Generate source for the installation's documents: `stax codegen rust` writes the typed
    /// Rust API (its options: `stax codegen --help`).
    Codegen {
        /// `rust` and its options.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Write a profile of ~/.config/stax/config.toml and check it with one signed call.
    ///
    /// The profile is --profile NAME, else default (used when no profile is named, under the
    /// environment). On a terminal it asks for the installation, the access key and the secret
    /// key (not echoed; !command stores a secret_key_command); without one the flags give them:
    /// --region or --endpoint, --access-key, --secret-key-stdin or --secret-key-command. The
    /// file keeps its other profiles and comments and is written 0600.
    Configure(ConfigureArgs),
    /// Print stax's manual page (roff), e.g. into ~/.local/share/man/man1/stax.1.
    Man,
    /// Internal: names for shell completion, read from the cached document.
    #[command(name = "__complete", hide = true)]
    Complete {
        /// `services`, or `operations` followed by a service.
        words: Vec<String>,
    },
    /// `<service> <Operation> [ARG...]`: call an operation.
    #[command(external_subcommand)]
    Call(Vec<String>),
}

/// Options accepted before the service and after the operation alike.
#[derive(Debug, Clone, Default, Args)]
pub struct GlobalOpts {
    /// Start an in-process emulator seeded with demo data and use it (no credentials or network).
    #[arg(long, global = true)]
    pub sandbox: bool,

    /// Base URL of the APIs, e.g. http://127.0.0.1:8080 (/20190206 is appended, /20210321 for permission-sets).
    #[arg(long, global = true, value_name = "URL")]
    pub endpoint: Option<String>,

    /// Installation: au1, us1, eu1 or a DNS name such as au1.staxapp.cloud.
    #[arg(long, global = true, value_name = "R")]
    pub region: Option<String>,

    /// Where the OpenAPI document comes from: live or a path to a file.
    #[arg(long, global = true, value_name = "live|PATH")]
    pub schema: Option<String>,

    /// A profile of ~/.config/stax/config.toml.
    #[arg(long, global = true, value_name = "NAME", env = "STAX_PROFILE")]
    pub profile: Option<String>,

    /// Output format.
    #[arg(long, short = 'o', global = true, value_enum)]
    pub output: Option<Format>,

    /// JMESPath expression applied to the result before output.
    #[arg(long, global = true, value_name = "JMESPATH")]
    pub query: Option<String>,

    /// When the response has a TaskId, wait for the task to end (exit 1 if it FAILED); when it
    /// holds permission set assignments, wait until DEPLOYMENT_COMPLETE or DELETE_COMPLETE
    /// (exit 1 on *_FAILED).
    #[arg(long, global = true)]
    pub wait: bool,

    /// Longest time to wait with --wait, in seconds.
    #[arg(long, global = true, value_name = "SECS", default_value_t = 1800, value_parser = clap::value_parser!(u64).range(1..))]
    pub wait_timeout: u64,

    /// Follow Paging.NextOffset (Paging.NextToken for permission-sets) and merge every page
    /// into one answer; in JSON (without --query) it is printed as the pages arrive.
    #[arg(long, global = true)]
    pub all_pages: bool,

    /// Page size with --all-pages.
    #[arg(long, global = true, value_name = "N", default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..))]
    pub page_size: u32,

    /// Stop after N items of the list (implies --all-pages); when more remain the output
    /// gains "NextToken", to give to --starting-token.
    #[arg(long, global = true, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub max_items: Option<u64>,

    /// Resume a list where the run that printed this NextToken stopped (implies
    /// --all-pages); same operation and arguments.
    #[arg(long, global = true, value_name = "TOKEN", value_parser = parse_token)]
    pub starting_token: Option<String>,

    /// Print a skeleton of the operation's input (default: parameters and body fields with a
    /// placeholder of each type, required ones marked; fill it in and give it as @file) or
    /// output, as JSON (YAML with --output yaml). Put it after the operation.
    #[arg(
        long,
        global = true,
        value_enum,
        value_name = "input|output",
        num_args = 0..=1,
        default_missing_value = "input"
    )]
    pub generate_skeleton: Option<Side>,

    /// Print the request that would be sent, as JSON, and send nothing.
    #[arg(long, global = true)]
    pub dry_run: bool,

    /// Skip client-side validation of the request body.
    #[arg(long, global = true)]
    pub no_validate: bool,

    /// Longest time one attempt of a request may take, in seconds (fractions allowed; also
    /// STAX_ATTEMPT_TIMEOUT); an attempt cut short is retried where a read timeout would be.
    #[arg(long, global = true, value_name = "SECS", value_parser = seconds)]
    pub attempt_timeout: Option<f64>,

    /// Longest time the whole call may take, retries included, in seconds (also
    /// STAX_OPERATION_TIMEOUT).
    #[arg(long, global = true, value_name = "SECS", value_parser = seconds)]
    pub operation_timeout: Option<f64>,

    /// Sign in afresh: read nothing from and write nothing to the credential cache
    /// (also STAX_CREDENTIAL_CACHE=0).
    #[arg(long, global = true)]
    pub no_credential_cache: bool,

    /// Show every request and answer in full on stderr (method, URL, headers, body; the
    /// sign-in's Cognito calls too), secrets replaced by ***.
    #[arg(long, global = true)]
    pub debug: bool,

    /// Show request lines and timings on stderr (never secrets). Twice for more.
    #[arg(long, short = 'v', global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

/// The words after the global options of a call: service, operation, arguments.
#[derive(Debug, Parser)]
#[command(
    name = "stax",
    no_binary_name = true,
    disable_help_subcommand = true,
    about = "Calls SERVICE's OPERATION with ARGS; `stax describe SERVICE OPERATION` lists its parameters",
    after_help = EXAMPLES
)]
pub struct CallWords {
    /// Options may follow the operation too.
    #[command(flatten)]
    pub global: GlobalOpts,
    /// The service, e.g. accounts.
    pub service: String,
    /// The operation, e.g. ReadAccounts or read-accounts.
    pub operation: Option<String>,
    /// name=value, name:=<json>, @file.json or @-. Options may stand among them; `--` ends
    /// the options.
    pub args: Vec<String>,
}

impl GlobalOpts {
    /// Combines options given before the service (`self`) with those after it (`later`).
    pub fn merge(mut self, later: GlobalOpts) -> GlobalOpts {
        self.sandbox |= later.sandbox;
        self.wait |= later.wait;
        self.all_pages |= later.all_pages;
        self.dry_run |= later.dry_run;
        self.no_validate |= later.no_validate;
        self.no_credential_cache |= later.no_credential_cache;
        self.debug |= later.debug;
        self.verbose += later.verbose;
        macro_rules! take {
            ($($f:ident),*) => { $( if later.$f.is_some() { self.$f = later.$f; } )* };
        }
        take!(
            endpoint,
            region,
            schema,
            profile,
            output,
            query,
            max_items,
            starting_token,
            generate_skeleton,
            attempt_timeout,
            operation_timeout
        );
        if later.wait_timeout != 1800 {
            self.wait_timeout = later.wait_timeout;
        }
        if later.page_size != 100 {
            self.page_size = later.page_size;
        }
        self
    }
}

/// A number of seconds above 0 (fractions allowed).
fn seconds(text: &str) -> Result<f64, String> {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s > 0.0 && *s <= 1e9)
        .ok_or_else(|| format!("{text:?} is not a number of seconds above 0, such as 2.5"))
}

/// Which skeleton `--generate-skeleton` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Side {
    /// What the operation takes: its parameters and body fields, to fill in for `@file`.
    Input,
    /// What it answers.
    Output,
}

/// `stax configure`'s own options (the installation comes from the global `--region` or
/// `--endpoint`, the name from `--profile`).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ConfigureArgs {
    /// The API token's access key.
    #[arg(long, value_name = "KEY")]
    pub access_key: Option<String>,

    /// Read the secret key from the first line of standard input (so that it never shows on
    /// a command line).
    #[arg(long, conflicts_with = "secret_key_command")]
    pub secret_key_stdin: bool,

    /// Store a command that prints the secret key instead of the key itself.
    #[arg(long, value_name = "COMMAND")]
    pub secret_key_command: Option<String>,

    /// Cognito's endpoint for both pools (an emulator's); usually unset.
    #[arg(long, value_name = "URL")]
    pub cognito_endpoint: Option<String>,

    /// Write the profile without checking it with a signed call.
    #[arg(long)]
    pub no_check: bool,
}

/// `--starting-token`'s value parser: a token's form is checked before anything is sent.
fn parse_token(text: &str) -> Result<String, String> {
    staxapp::paging::ResumeToken::parse(text)
        .map(|_| text.trim().to_owned())
        .map_err(|e| match e {
            staxapp::ValidationError::InvalidArgument { reason, .. } => reason,
            other => other.to_string(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use staxapp::paging::ResumeToken;

    #[test]
    fn token_forms_are_checked_when_parsed() {
        let err = parse_token("not-a-token").unwrap_err();
        assert!(err.contains("NextToken"), "{err}");
        let token = ResumeToken::new(
            "accounts.ReadAccounts",
            "d",
            staxapp::paging::PageCursor::Offset(3),
            0,
        )
        .to_string();
        assert_eq!(parse_token(&format!(" {token}\n")).unwrap(), token);
    }
}
