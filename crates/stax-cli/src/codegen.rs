//! `stax codegen rust`: the typed Rust API (`staxapp-codegen`) for the documents of the
//! configured installation, or for document files.
//!
//! Its own command line (as `stax emulator` has): `--output FILE` names the file to write,
//! where every other command's `--output` is a format.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use staxapp::Api;

use crate::cli::GlobalOpts;
use crate::connect;
use crate::failure::{Failure, parse_error};

/// Examples shown by `stax codegen --help`; a test runs each against the emulator.
const EXAMPLES: &str = "\
Examples:
  stax codegen rust --output stax.rs
  stax codegen rust --sandbox --output sandbox-stax.rs";

/// Source code for the installation's own documents.
#[derive(Debug, Parser)]
#[command(
    name = "codegen",
    bin_name = "stax codegen",
    no_binary_name = true,
    disable_help_subcommand = true,
    after_help = EXAMPLES
)]
struct Cli {
    #[command(subcommand)]
    target: Target,
}

#[derive(Debug, Subcommand)]
enum Target {
    /// A typed Rust module for crates that depend on staxapp: one method per service and
    /// operation, a struct per schema (the same module staxapp-codegen writes from a build
    /// script). Include it with `mod stax { include!("stax.rs"); }`.
    #[command(after_help = EXAMPLES)]
    Rust(RustOpts),
}

#[derive(Debug, Args)]
struct RustOpts {
    /// Write the module to FILE (default: standard output).
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,

    /// A document file to generate from, one per API (the core API's, 20190206; the
    /// Permission Sets API's, 20210321); default: both APIs' documents of the installation
    /// (live, or STAX_SCHEMA / STAX_PERMISSION_SETS_SCHEMA).
    #[arg(long, value_name = "PATH")]
    schema: Vec<PathBuf>,

    /// Base URL of the APIs, e.g. http://127.0.0.1:8080.
    #[arg(long, value_name = "URL")]
    endpoint: Option<String>,

    /// Installation: au1, us1, eu1 or a DNS name such as au1.staxapp.cloud.
    #[arg(long, value_name = "R")]
    region: Option<String>,

    /// A profile of ~/.config/stax/config.toml.
    #[arg(long, value_name = "NAME", env = "STAX_PROFILE")]
    profile: Option<String>,

    /// Generate for an in-process emulator's documents (no credentials or network).
    #[arg(long)]
    sandbox: bool,

    /// Show request lines and timings on stderr.
    #[arg(long, short = 'v', action = clap::ArgAction::Count)]
    verbose: u8,
}

/// `stax codegen ...`: `words` after `codegen`; `global`, options given before it.
pub fn main(global: GlobalOpts, words: Vec<String>) -> Result<(), Failure> {
    let cli = Cli::try_parse_from(&words).map_err(parse_error)?;
    let Target::Rust(opts) = cli.target;
    let global = GlobalOpts {
        endpoint: opts.endpoint.clone().or(global.endpoint),
        region: opts.region.clone().or(global.region),
        profile: opts.profile.clone().or(global.profile),
        sandbox: opts.sandbox || global.sandbox,
        verbose: opts.verbose + global.verbose,
        ..global
    };
    connect::runtime()?.block_on(rust(global, opts))
}

async fn rust(global: GlobalOpts, opts: RustOpts) -> Result<(), Failure> {
    connect::init_logging(global.verbose)?;
    let generator = if opts.schema.is_empty() {
        live(&global).await?
    } else {
        opts.schema
            .iter()
            .try_fold(staxapp_codegen::Generator::new(), |g, path| {
                g.document(path)
            })
            .map_err(codegen_failure)?
    };
    match &opts.output {
        Some(path) => {
            generator.write(path).map_err(codegen_failure)?;
            let count = generator.operations().map_err(codegen_failure)?.len();
            eprintln!("stax: wrote {} ({count} operations)", path.display());
        }
        None => print!("{}", generator.generate().map_err(codegen_failure)?),
    }
    Ok(())
}

/// The generator over the documents of every API of the configured installation.
async fn live(global: &GlobalOpts) -> Result<staxapp_codegen::Generator, Failure> {
    let target = connect::connect(global).await?;
    let mut documents = Vec::new();
    let mut failure = None;
    // The APIs the generator knows: the built-in ones.
    for api in Api::BUILT_IN {
        match target.client.document_of(api).await {
            Ok(document) => documents.push((api, document)),
            Err(e) => {
                failure = Some(e);
                break;
            }
        }
    }
    target.close(global.verbose > 0).await;
    if let Some(e) = failure {
        return Err(e.into());
    }
    documents
        .into_iter()
        .try_fold(staxapp_codegen::Generator::new(), |g, (api, document)| {
            g.document_value(format!("the {api}'s document"), document.raw().clone())
        })
        .map_err(codegen_failure)
}

fn codegen_failure(e: staxapp_codegen::Error) -> Failure {
    match e {
        staxapp_codegen::Error::Read { .. } | staxapp_codegen::Error::NoDocuments => {
            Failure::Usage(e.to_string())
        }
        other => Failure::Call(other.to_string()),
    }
}
