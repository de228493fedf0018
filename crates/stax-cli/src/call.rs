//! `stax <service> <Operation> [ARG...]`: the call, through the SDK's request pipeline. Every
//! check comes before the first request: the `--query` compiled, the configuration built,
//! the request built (routed, validated unless `--no-validate`, its URL) and what the options
//! ask of the operation checked against its document ([`checks`]). Then `--dry-run` prints
//! that request; otherwise it is sent, its pages walked with `--all-pages`, what it started
//! followed with `--wait`, and the answer printed.

use std::time::{Duration, Instant};

use serde_json::Value;
use staxapp::{Args, Call, Error, StaxClient, ValidationError};

use crate::args::Arguments;
use crate::checks;
use crate::cli::GlobalOpts;
use crate::connect;
use crate::failure::Failure;
use crate::output::{self, Format};
use crate::pages;
use crate::query::Query;
use crate::wait;

/// Runs the call and prints its answer.
pub async fn call(
    global: GlobalOpts,
    service: String,
    operation: String,
    args: Arguments,
) -> Result<(), Failure> {
    let query = global
        .query
        .as_deref()
        .map(Query::compile)
        .transpose()
        .map_err(Failure::Usage)?;
    connect::init_logging(global.verbose)?;
    let target = connect::connect(&global).await?;
    let result = call_with(&global, &target.client, service, operation, args).await;
    target.close(global.verbose > 0).await;
    let format = global.output.unwrap_or_default();
    match result? {
        Answer::Tree(value) => output::print_value(query.as_ref(), format, &value),
        Answer::Json(body) => output::print_json(query.as_ref(), format, &body),
        Answer::Printed => Ok(()),
    }
}

/// What a call answered: the JSON text of one answer as received (checked to be JSON),
/// printed without a second copy; or a tree (pages merged, a task waited for, a dry run); or
/// nothing more to print (pages printed as they arrived).
enum Answer {
    Json(Vec<u8>),
    Tree(Value),
    Printed,
}

async fn call_with(
    global: &GlobalOpts,
    client: &StaxClient,
    service: String,
    operation: String,
    args: Arguments,
) -> Result<Answer, Failure> {
    let verbose = global.verbose > 0;
    let mut arguments = Args::from(args.named);
    if let Some(items) = args.body {
        // A JSON array (`@file.json`, `@-`) is the whole body; the other arguments may only
        // be path parameters.
        arguments = arguments.body(Value::Array(items));
    }
    if !global.dry_run {
        // A missing key fails the sign-in; say so before the document is even fetched.
        staxapp::auth::check_api_token(client.config()).map_err(Failure::from)?;
    }
    let call = Call::new(service, operation)
        .args(arguments)
        .validate(!global.no_validate);
    let request = client.request(call).await.map_err(|e| match &e {
        // A whole body (`@file` holding an array) beside body fields, or for a method without
        // a body: the command line's mistake.
        Error::Validation(v)
            if matches!(v.as_ref(), ValidationError::InvalidArgument { name, .. } if name == "<body>") =>
        {
            Failure::Usage(e.to_string())
        }
        _ => Failure::of_call(e, None, verbose),
    })?;
    pages::check(global, &request)?;
    checks::before_sending(global, client, &request).await?;
    if global.dry_run {
        return Ok(Answer::Tree(request.dry_run()));
    }
    let started = Instant::now();
    let failed = |e| Failure::of_call(e, Some(&request), verbose);
    if !pages::wanted(global) && !global.wait {
        let response = client.send(&request).await.map_err(failed)?;
        // The SDK's own check (and error) of the answer's JSON, without keeping a tree.
        staxapp::transport::decode::<serde::de::IgnoredAny>(
            &response,
            Some(request.operation_id()),
            request.api().errors(),
        )
        .map_err(failed)?;
        log_done(&request, started);
        return Ok(Answer::Json(response.body));
    }
    let response = if pages::wanted(global) {
        // Printed as the pages arrive when nothing after the walk needs the whole answer.
        let print = global.output.unwrap_or_default() == Format::Json
            && global.query.is_none()
            && !global.wait;
        let merged = pages::all_pages(client, &request, global, print).await?;
        log_done(&request, started);
        match merged {
            Some(tree) => tree,
            None => return Ok(Answer::Printed),
        }
    } else {
        let value = client.send_for_value(&request).await.map_err(failed)?;
        log_done(&request, started);
        value
    };
    if global.wait {
        return wait::wait(client, &response, Duration::from_secs(global.wait_timeout))
            .await
            .map(Answer::Tree);
    }
    Ok(Answer::Tree(response))
}

fn log_done(request: &staxapp::Request, started: Instant) {
    tracing::info!(
        "{} {} -> done in {:.0?}",
        request.method(),
        request.path(),
        started.elapsed()
    );
}
