//! Resources declared once: the generic operations of a kind, and the hooks an area writes
//! its rules in.
//!
//! A kind is declared in the store ([`Kind`]: name, id field and path parameter, parent,
//! references, stamps, status walk, listing). An area makes it an API by implementing
//! [`Resource`] for a unit type: `KIND` names the declaration, and every hook has a default,
//! so an area overrides only what its kind does differently. The generic handlers
//! ([`read`], [`create`], [`update`], [`delete`]) go into the operation table as they are
//! (`handler: resource::read::<Hubs>`); a handler of the area's own can use the same steps
//! ([`load`], [`list`], [`change_record`], [`create_record`]).
//!
//! What the declaration gives every kind:
//! - **read**: one handler answers a kind's three paths of `Read*` — all records
//!   (`/hubs`), those under a record they name (`/hubs/{hub_id}/vpcs`: the path parameter of
//!   the parent's or a referenced kind, 404 when no such record), and one by its id
//!   (`/vpcs/{vpc_id}`: 400 unless a UUID, 404 when unknown or, unless `reads_gone`, gone).
//!   Lists filter by status (`Listing::status`, what they show without it), by id
//!   (`Listing::ids`) and by [`Resource::filters`], order by `sort`/`sort_order` or the
//!   listing's order, and page (`offset`/`limit` or `limit`/`page_token`), all inside the
//!   store: a page reads only its records.
//! - **create**: the body checked against the operation's component; the parent loaded (from
//!   the path, 404, or the body's parent field, 400); [`Resource::create`] fills the new
//!   record's fields (and may refuse, or plan the task's failure); the record is stored with
//!   its id, parent, stamps (`OrganisationId`, `CreatedTS`, `ModifiedTS`, `CreatedBy`,
//!   `UserTaskId`, as declared) and first status; when the walk makes creations tasks, the task
//!   is written first and its end sets the final status (or the failed one).
//! - **update** and **delete**: the record loaded (404 when gone), idle (409 while its last
//!   task runs); for a deletion, the records that still name it (declared [`Ref`]s of every
//!   kind) refuse it (400) or fail its task; then [`Resource::update`] / [`Resource::delete`];
//!   then the walk: at once (fields and status written now) or as a task (the status while it
//!   runs, the fields and the final status when it succeeds, the failed status when not).
//! - **answers**: [`Resource::answer`] for changes (by default a `StaxEvent` naming the
//!   task), [`Resource::listed`] and [`Resource::one`] for reads (by default
//!   `{"<Plural>": [...]}` with `Paging`), [`Resource::present`] for how records show.
//!
//! # Example: a kind under another, with its rules
//!
//! ```ignore
//! // In the store (or the area, when no other area reads it):
//! pub(crate) const VPC: &Kind = &Kind {
//!     name: "vpc",
//!     what: "VPC",
//!     plural: "Vpcs",
//!     param: "vpc_id",
//!     parent: Some(Ref { field: "NetworkingHubId", kind: HUB, on_delete: OnDelete::Refuse }),
//!     refs: &[Ref { field: "CidrRangeId", kind: CIDR_RANGE, on_delete: OnDelete::Refuse }],
//!     listing: Listing { status: Some("status"), ..Listing::DEFAULT },
//!     ..Kind::DEFAULT // Walk::LIFECYCLE: every change a task; stamps: the standard five
//! };
//!
//! // In the area: the rules.
//! pub(super) struct Vpcs;
//!
//! impl Resource for Vpcs {
//!     const KIND: &'static Kind = VPC;
//!
//!     fn filters(call: &Call<'_>, _db: &Db<'_>, query: &mut Query<'_>) -> ApiResult<()> {
//!         if let Some(kind) = call.query.get("type") {
//!             query.filters.push(Filter::eq("Type", &kind.to_ascii_uppercase()));
//!         }
//!         Ok(())
//!     }
//!
//!     fn create(change: &mut Change<'_>) -> ApiResult<()> {
//!         change.take(&["Name", "Region", "Size", "Type", "AccountId", "CidrRangeId"]);
//!         let hub = change.parent.as_ref().expect("VPCs have a hub");
//!         let cidr = allocate(change.db, hub, change.body)?; // the area's address arithmetic
//!         change.fields.insert("Cidr".into(), json!(cidr));
//!         Ok(())
//!     }
//!
//!     fn answer(done: &Done<'_>) -> ApiResult<Value> {
//!         Ok(done.event(json!({"Vpc": {"Id": done.id()}})))
//!     }
//! }
//!
//! // In the operation table:
//! //   GET /20190206/networking/vpcs, /hubs/{hub_id}/vpcs, /vpcs/{vpc_id}: resource::read::<Vpcs>
//! //   POST /20190206/networking/hubs/{hub_id}/vpcs: resource::create::<Vpcs>
//! //   PUT /20190206/networking/vpcs/{vpc_id}: resource::update::<Vpcs>
//! //   DELETE /20190206/networking/vpcs/{vpc_id}: resource::delete::<Vpcs>
//! ```

mod list;
mod ops;
#[cfg(test)]
pub(crate) mod tests;

use serde_json::{Map, Value, json};

pub(crate) use list::{Window, list, list_stored, list_text};
pub(crate) use ops::{change_record, create, create_record, delete, load, read, read_text, update};

use super::api::Call;
use super::rules::text;
use super::wire::event;
use crate::protocol::ApiResult;
use crate::store::Db;
use crate::store::kinds::Kind;
use crate::store::query::Query;
use crate::store::tasks::{Effect, Outcome};

/// What a change does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Verb {
    Create,
    Update,
    Delete,
}

impl Verb {
    /// `Creating`, `Updating`, `Deleting`.
    fn doing(self) -> &'static str {
        match self {
            Verb::Create => "Creating",
            Verb::Update => "Updating",
            Verb::Delete => "Deleting",
        }
    }
}

/// A change being decided: the area's rules read the request and the record, and say what
/// the change writes, whether its task will fail, and what else changes with it.
pub(crate) struct Change<'a> {
    pub call: &'a Call<'a>,
    /// The caller's organisation, in the change's write transaction.
    pub db: &'a Db<'a>,
    pub verb: Verb,
    /// The request's body (`{}` when it has none).
    pub body: &'a Value,
    /// The record's id (a new record's is made before the rules run).
    pub id: String,
    /// The record as it is (`{}` for a creation).
    pub record: Value,
    /// The record it belongs to, for kinds with a parent.
    pub parent: Option<Value>,
    /// What the change writes: a new record's own fields; an update's changed fields
    /// (written at once, or when the task succeeds).
    pub fields: Map<String, Value>,
    /// Fields the record takes at once while its task runs (besides the walk's status and
    /// `UserTaskId`).
    pub interim: Map<String, Value>,
    /// How the task ends, when the change is a task.
    pub outcome: Outcome,
    /// What else the task changes when it ends (other records). A change made at once writes
    /// other records itself, through `db`.
    pub effect: Effect,
}

impl<'a> Change<'a> {
    /// A creation of a new record (its id made now) from `body`, on `parent`.
    pub fn creation(
        call: &'a Call<'a>,
        db: &'a Db<'a>,
        body: &'a Value,
        parent: Option<Value>,
    ) -> Change<'a> {
        Change {
            call,
            db,
            verb: Verb::Create,
            body,
            id: crate::util::uuid(),
            record: Value::Object(Map::new()),
            parent,
            fields: Map::new(),
            interim: Map::new(),
            outcome: Outcome::Succeed,
            effect: Effect::default(),
        }
    }

    /// Copies the body's fields named `keys` (those it has) into the fields written.
    pub fn take(&mut self, keys: &[&str]) {
        for key in keys {
            if let Some(value) = self.body.get(*key) {
                self.fields.insert((*key).to_owned(), value.clone());
            }
        }
    }

    /// Copies every field of the body into the fields written.
    pub fn take_all(&mut self) {
        if let Some(body) = self.body.as_object() {
            self.fields
                .extend(body.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
    }

    /// Makes the task fail with `reason` (joined to the reasons given before).
    pub fn fail(&mut self, reason: impl Into<String>) {
        let reason = reason.into();
        self.outcome = match std::mem::replace(&mut self.outcome, Outcome::Succeed) {
            Outcome::Succeed => Outcome::Fail(reason),
            Outcome::Fail(before) => Outcome::Fail(format!("{before}; {reason}")),
        };
    }

    /// The record's field `name` as it will be: changed by this change, or as it is.
    pub fn value(&self, name: &str) -> &Value {
        self.fields
            .get(name)
            .or_else(|| self.record.get(name))
            .unwrap_or(&Value::Null)
    }
}

/// A change made: what the answer to it may say.
pub(crate) struct Done<'a> {
    pub call: &'a Call<'a>,
    /// The caller's organisation, in the change's write transaction.
    pub db: &'a Db<'a>,
    pub kind: &'static Kind,
    pub verb: Verb,
    /// The request's body.
    pub body: &'a Value,
    /// The record as it is now (with its interim status and `UserTaskId` while its task
    /// runs).
    pub record: Value,
    /// The record before the change (`{}` for a creation).
    pub before: Value,
    /// The task carrying the change out, when it is one.
    pub task: Option<String>,
}

impl Done<'_> {
    /// The record's id.
    pub fn id(&self) -> &str {
        self.kind.id_of(&self.record)
    }

    /// A `StaxEvent` of the operation: `STARTED` with the task's id in `Detail.TaskId` for a
    /// task, `SUCCEEDED` for a change made at once; `detail` adds fields to `Detail`.
    pub fn event(&self, detail: Value) -> Value {
        let name = text(&self.record, "Name");
        let name = if name.is_empty() { self.id() } else { name };
        let message = format!(
            "{} {} {name}",
            self.verb.doing(),
            self.kind.what.to_lowercase()
        );
        let status = if self.task.is_some() {
            "STARTED"
        } else {
            "SUCCEEDED"
        };
        let operation = self.call.op.id.replacen('.', ":", 1);
        event(&operation, status, &message, self.task.as_deref(), detail)
    }
}

/// The rules of one kind: every hook has a default, so an area writes only what differs.
pub(crate) trait Resource: 'static {
    /// The kind's declaration.
    const KIND: &'static Kind;

    /// Narrows a list beyond its status, ids and path (with the query's own parameters);
    /// may refuse a bad parameter (400).
    fn filters(_call: &Call<'_>, _db: &Db<'_>, _query: &mut Query<'_>) -> ApiResult<()> {
        Ok(())
    }

    /// Whether the list `call` asks for shows records exactly as stored ([`Resource::present`]
    /// changing nothing) in the default answer ([`Resource::listed`]): then a list handled by
    /// [`read_text`] sends their stored text without parsing it. By default, no.
    fn as_stored(_call: &Call<'_>) -> ApiResult<bool> {
        Ok(false)
    }

    /// How records show in answers (fields worked out, fields left out); given the records of
    /// one answer at once, so that what they share is read once.
    fn present(_call: &Call<'_>, _db: &Db<'_>, _records: &mut [Value]) -> ApiResult<()> {
        Ok(())
    }

    /// The rules of a creation: fills `change.fields` with the new record's own fields (by
    /// default, the whole body), may refuse it (4xx), or plan its task's failure.
    fn create(change: &mut Change<'_>) -> ApiResult<()> {
        change.take_all();
        Ok(())
    }

    /// The rules of an update: the fields it changes (by default, the whole body).
    fn update(change: &mut Change<'_>) -> ApiResult<()> {
        change.take_all();
        Ok(())
    }

    /// The rules of a deletion (beyond the declared references).
    fn delete(_change: &mut Change<'_>) -> ApiResult<()> {
        Ok(())
    }

    /// The answer to a change: by default [`Done::event`], naming the record by id under the
    /// kind's name in one word (`{"Detail": {"CIDRRange": {"Id": ...}}}` for a `CIDR range`)
    /// when it is a task, and the record itself in a list of one when it was made at once.
    fn answer(done: &Done<'_>) -> ApiResult<Value> {
        if done.task.is_none() {
            return Ok(json!({ done.kind.plural: [done.record] }));
        }
        let key: String = done
            .kind
            .what
            .split_whitespace()
            .map(|word| {
                let mut chars = word.chars();
                chars.next().map_or_else(String::new, |first| {
                    first.to_uppercase().chain(chars).collect::<String>()
                })
            })
            .collect();
        Ok(done.event(json!({ key: {"Id": done.id()} })))
    }

    /// The answer to a list: `{"<Plural>": [...]}`, with `Paging` when the list paged.
    fn listed(_call: &Call<'_>, records: Vec<Value>, paging: Option<Value>) -> Value {
        let mut answer = json!({ Self::KIND.plural: records });
        if let Some(paging) = paging {
            answer["Paging"] = paging;
        }
        answer
    }

    /// The answer to a read of one record by its id: a list of one.
    fn one(_call: &Call<'_>, record: Value) -> Value {
        json!({ Self::KIND.plural: [record] })
    }
}
