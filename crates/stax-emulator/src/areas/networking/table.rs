//! Entries of the groups' operation tables, for the shapes networking operations share: a
//! read open to every role answering a list (404 for an unknown id), and an administrator's
//! change answering an event (400 when a rule refuses it, 404 when what it names is unknown).
//! Path parameters are the path's own, each a UUID.

use serde_json::{Value, json};

use super::doc as d;
use super::wire::SHOWN;
use crate::areas::api::{Handler, Operation};
use crate::areas::doc::r;
use crate::roles::Allowed;

/// A read at `path` answering the list component `response`, filtered by `status`.
pub(super) fn read_op(
    id: &'static str,
    path: &'static str,
    handler: Handler,
    response: &'static str,
    summary: &'static str,
) -> Operation {
    let mut params = path_params(path);
    params.push(d::status_param(SHOWN));
    Operation::new(id, "get", path, Allowed::READ, handler)
        .summary(summary)
        .params(params)
        .response(response)
        .errors(&[404])
}

/// A change (`method` at `path`) taking `body` and answering the event `response`.
pub(super) fn change_op(
    id: &'static str,
    (method, path): (&'static str, &'static str),
    handler: Handler,
    (body, response): (Option<&'static str>, &'static str),
    summary: &'static str,
) -> Operation {
    let mut op = Operation::new(id, method, path, Allowed::ADMIN, handler)
        .summary(summary)
        .params(path_params(path))
        .response(response)
        .errors(&[400, 404]);
    if let Some(body) = body {
        op = op.body(body);
    }
    op
}

/// The path parameters of `path` (`{dns_resolver_id}`), each a UUID.
pub(super) fn path_params(path: &str) -> Vec<Value> {
    path.split('/')
        .filter_map(|segment| segment.strip_prefix('{')?.strip_suffix('}'))
        .map(|name| {
            let what = name.trim_end_matches("_id").replace('_', " ");
            json!({"name": name, "in": "path", "required": true,
                   "description": format!("Id of the {what}."),
                   "schema": r("uuidv4")})
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_parameters_are_uuids_named_after_the_path() {
        let params = path_params("/20190206/networking/dnsresolvers/{dns_resolver_id}/dnsrules");
        assert_eq!(params.len(), 1);
        assert_eq!(params[0]["name"], "dns_resolver_id");
        assert_eq!(params[0]["description"], "Id of the dns resolver.");
        let read = read_op(
            "networking.ReadDnsRules",
            "/20190206/networking/dnsrules",
            |_| Ok(Value::Null),
            "networking.ReadDnsRules",
            "List",
        );
        assert_eq!(read.params.len(), 1, "status alone");
        assert_eq!(read.errors, &[404]);
    }
}
