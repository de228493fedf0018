//! Generic answers for every operation of an `--openapi` document.
//!
//! With `--openapi PATH` the emulator answers every operation the document has, so a client of
//! the full API never meets a hole:
//! - operations a stateful handler implements are answered by it, as without the option;
//! - every other operation is answered here, after the same gate as every route (the SigV4
//!   check, none under `/public/`; the stats; the roles): path parameters and the JSON body
//!   are checked against the operation's schemas (a 400 `{"Error": ...}` naming the field, as
//!   the stateful handlers do), then the answer is the operation's lowest documented 2xx
//!   status (`default` as 200 when it documents none) with a body generated to be valid
//!   against that response's schema ([`schema::generate_with`]). Fields named like a path
//!   parameter (`account_id` fills `AccountId`, the last `*_id` also fills `Id`) or a
//!   top-level body field take the request's value when it validates. POST, PUT, PATCH and
//!   DELETE also start a task that succeeds after the task delay, and its id fills `TaskId`,
//!   so `tasks.ReadTask` follows it. Generic answers carry `x-stax-emulator-handler: generic`
//!   and count in the stats under their operation id.
//! - A method the document does not list for a path, and a path it does not have, get API
//!   Gateway's 403 `Missing Authentication Token`, as without the option.
//! - Roles: reads are open to every role, changes need the user level or above (a read-only
//!   role is refused every change, 403 `{"Error"}`), as on the stateful routes.
//!
//! Two halves: `matching` reads a document into operations, each with the template the
//! server's one router routes it by (next to the areas' table, which wins for a method and
//! path both have; a literal segment of the document wins over a parameter of the table, as
//! API Gateway routes), and `answering` answers one of them.

mod answering;
mod matching;
mod pattern;
pub mod schema;

pub(crate) use answering::Request;
pub(crate) use matching::{Operation, operations};
pub use schema::{Direction, Options, accepts, generate, generate_with};

/// The header that marks a generic answer.
pub const HANDLER_HEADER: &str = "x-stax-emulator-handler";
