//! What the command line asks of an operation, checked against its document before the first
//! request is sent: `--wait` on an operation whose answer can name no task and no permission
//! set assignment, `--all-pages` on one that does not page, a `--page-size` its page size
//! parameter does not take. Each is a usage error (exit 2) found before anything was sent,
//! so a script that retries on exit 2 never repeats a write. Where the document does not say
//! (no answer schema, an open one), nothing is refused.

use staxapp::paging::PagingStyle;
use staxapp::schema::{Document, Operation};
use staxapp::{Api, Request, StaxClient};

use crate::cli::GlobalOpts;
use crate::failure::Failure;

/// Refuses what `global` asks of `request`'s operation when its document rules it out.
pub async fn before_sending(
    global: &GlobalOpts,
    client: &StaxClient,
    request: &Request,
) -> Result<(), Failure> {
    let all_pages = crate::pages::wanted(global);
    if !(global.wait || all_pages) {
        return Ok(());
    }
    let resolved = client
        .resolve(request.service(), request.operation())
        .await
        .map_err(Failure::from)?;
    let (api, document, operation) = (resolved.api(), resolved.document(), resolved.operation());
    let id = request.operation_id();
    if global.wait && can_wait(document, operation) == Some(false) {
        return Err(Failure::Usage(format!(
            "--wait: {id} answers with neither a TaskId nor permission set assignments (its document says so), so there is nothing to wait for; leave --wait out"
        )));
    }
    if all_pages {
        if pages(api, document, operation) == Some(false) {
            return Err(Failure::Usage(format!(
                "--all-pages: {id} does not page (it takes no offset, limit or page_token and its answer has no Paging); leave --all-pages out"
            )));
        }
        page_size(operation, global.page_size).map_err(|range| {
            Failure::Usage(format!(
                "--page-size {}: {id} takes a page size (limit) {range}",
                global.page_size
            ))
        })?;
    }
    Ok(())
}

/// Whether an answer of `operation` may name something to wait for: a task (a `TaskId`
/// where `--wait` looks for one, [`staxapp::tasks::TASK_ID_PATHS`]) or permission set
/// assignments (records with a `PermissionSetId` and a `Status`); `None` when the document
/// does not say.
pub fn can_wait(document: &Document, operation: &Operation) -> Option<bool> {
    let says = |path: &[&str]| document.answer_declares(operation, path);
    let assignment = match (says(&["PermissionSetId"]), says(&["Status"])) {
        (Some(true), Some(true)) => Some(true),
        (Some(false), _) | (_, Some(false)) => Some(false),
        _ => None,
    };
    let tasks = staxapp::tasks::TASK_ID_PATHS.map(says);
    any(tasks.into_iter().chain([assignment]))
}

/// Whether `operation` pages: a `GET` that takes a page cursor (`offset`, `limit` or
/// `page_token`) or whose answer has `Paging`; `None` when the document does not say.
pub fn pages(api: Api, document: &Document, operation: &Operation) -> Option<bool> {
    if operation
        .variants
        .iter()
        .any(|v| v.method.as_str() != "GET")
    {
        return Some(false);
    }
    match PagingStyle::of(api, operation) {
        PagingStyle::Token { .. } => Some(true),
        PagingStyle::Single => Some(false),
        _ => {
            let takes = operation
                .query_parameters()
                .iter()
                .any(|p| p.name == "offset" || p.name == "limit");
            if takes {
                Some(true)
            } else {
                document.answer_declares(operation, &["Paging"])
            }
        }
    }
}

/// Checks `size` against the bounds the document gives the operation's `limit`; the error
/// says the range.
pub fn page_size(operation: &Operation, size: u32) -> Result<(), String> {
    let Some(limit) = operation
        .query_parameters()
        .into_iter()
        .find(|p| p.name == "limit")
    else {
        return Ok(());
    };
    let size = f64::from(size);
    let low = limit.minimum.filter(|min| size < *min);
    let high = limit.maximum.filter(|max| size > *max);
    if low.is_none() && high.is_none() {
        return Ok(());
    }
    Err(match (limit.minimum, limit.maximum) {
        (Some(min), Some(max)) => format!("from {min} to {max}"),
        (Some(min), None) => format!("of at least {min}"),
        (None, Some(max)) => format!("of at most {max}"),
        (None, None) => unreachable!("a bound was broken"),
    })
}

/// `Some(true)` when any is, else `None` when any does not say, else `Some(false)`.
fn any(answers: impl IntoIterator<Item = Option<bool>>) -> Option<bool> {
    let mut unknown = false;
    for answer in answers {
        match answer {
            Some(true) => return Some(true),
            None => unknown = true,
            Some(false) => {}
        }
    }
    (!unknown).then_some(false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn document() -> Document {
        let answer = |schema| json!({"200": {"content": {"application/json": {"schema": schema}}}});
        Document::from_value(json!({"paths": {
            "/accounts": {
                "get": {"operationId": "accounts.ReadAccounts", "parameters": [
                    {"name": "offset", "in": "query"},
                    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}}],
                    "responses": answer(json!({"properties": {"Accounts": {}, "Paging": {}}}))},
                "post": {"operationId": "accounts.CreateAccount",
                    "responses": answer(json!({"properties": {"TaskId": {}}}))}
            },
            "/types": {
                "get": {"operationId": "accounts.ReadAccountTypes",
                    "responses": answer(json!({"properties": {"AccountTypes": {}}}))},
                "post": {"operationId": "accounts.CreateAccountType",
                    "responses": answer(json!({"properties": {"AccountType": {}}}))}
            },
            "/event": {"put": {"operationId": "accounts.Update",
                "responses": answer(json!({"allOf": [{"properties": {"Detail": {"properties": {"TaskId": {}}}}}]}))}},
            "/assign": {"post": {"operationId": "accounts.Assign",
                "responses": answer(json!({"type": "array", "items": {"properties": {
                    "Id": {}, "PermissionSetId": {}, "Status": {}}}}))}},
            "/loose": {"get": {"operationId": "accounts.Loose",
                "responses": answer(json!({"type": "object"}))}}
        }}))
        .unwrap()
    }

    #[test]
    fn wait_needs_a_task_or_an_assignment_in_the_answer() {
        let doc = document();
        let op = |name| doc.operation("accounts", name).unwrap();
        assert_eq!(can_wait(&doc, op("CreateAccount")), Some(true));
        assert_eq!(can_wait(&doc, op("Update")), Some(true));
        assert_eq!(can_wait(&doc, op("Assign")), Some(true));
        assert_eq!(can_wait(&doc, op("CreateAccountType")), Some(false));
        assert_eq!(can_wait(&doc, op("ReadAccounts")), Some(false));
        assert_eq!(can_wait(&doc, op("Loose")), None);
    }

    #[test]
    fn all_pages_needs_a_get_that_pages() {
        let doc = document();
        let op = |name| doc.operation("accounts", name).unwrap();
        assert_eq!(pages(Api::CORE, &doc, op("ReadAccounts")), Some(true));
        assert_eq!(pages(Api::CORE, &doc, op("ReadAccountTypes")), Some(false));
        assert_eq!(pages(Api::CORE, &doc, op("CreateAccount")), Some(false));
        assert_eq!(pages(Api::CORE, &doc, op("Loose")), None);
        assert_eq!(page_size(op("ReadAccounts"), 100), Ok(()));
        assert_eq!(
            page_size(op("ReadAccounts"), 101),
            Err("from 1 to 100".to_owned())
        );
        assert_eq!(page_size(op("ReadAccountTypes"), 100_000), Ok(()));
    }
}
