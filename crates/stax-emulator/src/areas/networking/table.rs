//! Entries of the groups' operation tables, for the shapes networking operations share: a
//! read open to every role answering a list (404 for an unknown id), and an administrator's
//! change answering an event (400 when a rule refuses it, 404 when what it names is unknown).
//! Path parameters are the path's own, each a UUID.

use serde_json::{Value, json};

use super::doc as d;
use super::wire::SHOWN;
use crate::areas::api::{Operation, ValueHandler};
use crate::areas::doc::r;
use crate::roles::Allowed;

/// A read at `path` answering the list component `response`, filtered by `status`.
pub(super) fn read_op(
    id: &'static str,
    path: &'static str,
    handler: ValueHandler,
    response: &'static str,
    summary: &'static str,
) -> Operation {
    let mut params = path_params(path);
    params.push(d::status_param(SHOWN));
    list_op(id, path, handler, response, params).summary(summary)
}

/// A read at `path` with the parameters `params`, answering the list component `response`.
pub(super) fn list_op(
    id: &'static str,
    path: &'static str,
    handler: ValueHandler,
    response: &'static str,
    params: Vec<Value>,
) -> Operation {
    Operation::new(id, "get", path, Allowed::READ, handler)
        .params(params)
        .response(response)
        .errors(&[404])
}

/// A change (`method` at `path`) taking `body` and answering the event `response`.
pub(super) fn change_op(
    id: &'static str,
    (method, path): (&'static str, &'static str),
    handler: ValueHandler,
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

/// The update and deletion of the task kind `$name` at its record's `$path` (parameters
/// `$params`, by default the path's own), for its rules `$rules`: `networking.Update<name>` takes the component of its
/// own name and answers `networking.Update<name>Event`; `networking.Delete<name>` answers
/// `networking.Delete<name>Event`. The summaries are the update's and the deletion's.
macro_rules! update_and_delete {
    ($name:literal, $path:expr, $rules:ty, [$updated:expr, $deleted:expr $(,)?] $(,)?) => {
        $crate::areas::networking::table::update_and_delete!(
            $name,
            $path,
            $rules,
            $crate::areas::networking::table::path_params($path),
            [$updated, $deleted]
        )
    };
    ($name:literal, $path:expr, $rules:ty, $params:expr, [$updated:expr, $deleted:expr $(,)?] $(,)?) => {
        [
            $crate::areas::networking::table::change_op(
                concat!("networking.Update", $name),
                ("put", $path),
                $crate::areas::networking::wire::update::<$rules>,
                (
                    Some(concat!("networking.Update", $name)),
                    concat!("networking.Update", $name, "Event"),
                ),
                $updated,
            )
            .params($params),
            $crate::areas::networking::table::change_op(
                concat!("networking.Delete", $name),
                ("delete", $path),
                $crate::areas::networking::wire::delete::<$rules>,
                (None, concat!("networking.Delete", $name, "Event")),
                $deleted,
            )
            .params($params),
        ]
    };
}
pub(super) use update_and_delete;

/// The `hub_id` path parameter, as the hub-level operations name it (a string).
pub(super) fn hub_param() -> Value {
    crate::areas::doc::path_param("hub_id", "The hub's id.")
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
