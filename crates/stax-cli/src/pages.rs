//! `--all-pages`, `--max-items N`, `--starting-token T`: the pages of a list, read with the
//! SDK's paging (the request built once, only its paging parameters changed), merged into
//! one answer ([`merged`](crate::merged)), in JSON printed as the pages arrive. A walk cut at `--max-items` ends its answer with `"NextToken"`, which
//! `--starting-token` takes to go on where it stopped (to the item, without a gap or a
//! repeat); the token is the SDK's opaque resume token and belongs to one operation and its
//! arguments.

use std::io::IsTerminal;

use futures::StreamExt as _;
use serde_json::Value;
use staxapp::paging::{PageOptions, ResumeToken};
use staxapp::{Request, StaxClient};

use crate::cli::GlobalOpts;
use crate::failure::Failure;
use crate::merged::{Merged, PageError};

/// Whether the call walks pages: `--all-pages`, or one of the options that imply it.
pub fn wanted(global: &GlobalOpts) -> bool {
    global.all_pages || global.max_items.is_some() || global.starting_token.is_some()
}

/// Checks `--starting-token` against the request built (the same operation and arguments):
/// a usage error otherwise, before the first page is asked for.
pub fn check(global: &GlobalOpts, request: &Request) -> Result<(), Failure> {
    let Some(text) = &global.starting_token else {
        return Ok(());
    };
    ResumeToken::parse(text)
        .and_then(|token| token.check(request))
        .map_err(|e| match e {
            staxapp::ValidationError::InvalidArgument { reason, .. } => {
                Failure::Usage(format!("--starting-token: {reason}"))
            }
            other => Failure::Usage(other.to_string()),
        })
}

/// Walks the pages of `request` as the options say (progress on stderr) into one answer
/// ([`Merged`]): printed on stdout as the pages arrive when `print` (and the pages' layout
/// allows it), the answer to print otherwise. A walk cut at `--max-items` with more to come
/// ends with `"NextToken"` in place of the last page's `Paging`.
///
/// A page that fails after others were printed leaves the printed answer unclosed (so no
/// JSON reader takes it for the whole list) and fails the command with the page's error and
/// the `--starting-token` that goes on from where it stopped. A closed stdout (`| head`)
/// ends the walk quietly.
pub async fn all_pages(
    client: &StaxClient,
    request: &Request,
    global: &GlobalOpts,
    print: bool,
) -> Result<Option<Value>, Failure> {
    let mut options = PageOptions::new(u64::from(global.page_size));
    if let Some(n) = global.max_items {
        options = options.max_items(n);
    }
    if let Some(token) = &global.starting_token {
        options = options.starting_token(token.clone());
    }
    // `\r` progress on a terminal, unless the answer is printed on the same terminal.
    let overwrite = std::io::stderr().is_terminal() && !(print && std::io::stdout().is_terminal());
    let mut merged = if print {
        Merged::printing(std::io::BufWriter::with_capacity(
            1 << 16,
            std::io::stdout(),
        ))
    } else {
        Merged::tree()
    };
    let mut pages = client.paginate(request.clone(), options);
    let mut next_token = None;
    let mut count = 0u32;
    while let Some(page) = pages.next().await {
        count += 1;
        let page = match page {
            Ok(page) => page,
            Err(e) => {
                let failure = Failure::of_call(e, Some(request), global.verbose > 0);
                return Err(stopped(merged, failure, count, next_token.as_deref()));
            }
        };
        if overwrite {
            eprint!("\rpage {count}");
        } else if !print || !std::io::stderr().is_terminal() {
            eprintln!("page {count}");
        }
        match merged.push(page.value) {
            Ok(()) => next_token = page.next_token,
            // Whoever read the answer stopped reading: so does the walk.
            Err(PageError::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                return Ok(None);
            }
            Err(PageError::Io(e)) => return Err(write_failed(e)),
            Err(PageError::NotAList(key)) => {
                let failure = Failure::Call(format!(
                    "page {count} of {} answered {key:?} that is not a list",
                    request.operation_id()
                ));
                return Err(stopped(merged, failure, count, next_token.as_deref()));
            }
        }
    }
    if overwrite {
        eprintln!();
    }
    match merged.finish(next_token) {
        Ok(tree) => Ok(tree),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(None),
        Err(e) => Err(write_failed(e)),
    }
}

fn write_failed(e: std::io::Error) -> Failure {
    Failure::Call(format!("cannot write the output: {e}"))
}

/// The failure of page `page`: once part of the answer was printed, it is left unclosed (a
/// line break ends it, for the terminal's sake) and the failure says so and where to go on.
fn stopped<W: std::io::Write>(
    merged: Merged<W>,
    failure: Failure,
    page: u32,
    resume: Option<&str>,
) -> Failure {
    if !merged.abandon() {
        return failure;
    }
    let Failure::Call(line) = failure else {
        return failure;
    };
    let resume = resume.map_or(String::new(), |token| {
        format!("; the same command with --starting-token {token} goes on from there")
    });
    Failure::Call(format!(
        "{line}; --all-pages stopped at page {page}: the pages before it were printed, and the answer is left unclosed (not a whole JSON document){resume}"
    ))
}
