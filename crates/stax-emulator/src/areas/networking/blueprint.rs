//! What a networking creation makes, worked out before anything is written: the new record's
//! fields, what it takes when the task creating it succeeds (its AWS ids, ...), and the
//! records made with it (a hub's default range, exclusions and transit VPC).
//!
//! The API's creations ([`Blueprint::build`]) and the demo seed ([`Blueprint::seed`]) write
//! the same blueprints: the API at once what exists at once and the rest when the task ends,
//! the seed everything as it is once the task has succeeded.

use serde_json::{Map, Value, json};

use crate::areas::resource::Change;
use crate::store::kinds::{Kind, Stamp};
use crate::store::{Db, StoreResult};

/// A new record and the records made with it.
#[derive(Debug, Default)]
pub(super) struct Blueprint {
    /// The new record's own fields.
    pub fields: Map<String, Value>,
    /// The fields it takes when its creation succeeds.
    pub done: Map<String, Value>,
    /// The records made with it.
    pub with: Vec<Part>,
}

/// A record made with another.
#[derive(Debug)]
pub(super) struct Part {
    pub kind: &'static Kind,
    pub id: String,
    /// Its own fields (its parent's id among them).
    pub fields: Map<String, Value>,
    /// Its status while the creation runs.
    pub status: &'static str,
    /// The fields it takes when the creation succeeds, and when it fails.
    pub done: Map<String, Value>,
    pub failed: Map<String, Value>,
}

impl Blueprint {
    /// A blueprint of a record with these fields and nothing more.
    pub fn of(fields: Map<String, Value>) -> Blueprint {
        Blueprint {
            fields,
            ..Blueprint::default()
        }
    }

    /// Writes the blueprint for the creation of a record of `kind` under way: the record's
    /// fields into `change`, its parts now in their first status, and what the task's end
    /// does to both in the change's effect.
    pub fn build(self, kind: &Kind, change: &mut Change<'_>) -> StoreResult<()> {
        change.fields.extend(self.fields);
        let mut effect = std::mem::take(&mut change.effect);
        if !self.done.is_empty() {
            effect = effect.merge(kind, &change.id, Value::Object(self.done));
        }
        let at = crate::util::now_iso();
        let by = change.call.caller_key();
        for part in self.with {
            let stamp = Stamp {
                at: &at,
                by: by.as_deref(),
                status: Some(part.status),
                ..Stamp::default()
            };
            part.kind.insert(change.db, &part.id, part.fields, &stamp)?;
            if !part.done.is_empty() {
                effect = effect.merge(part.kind, &part.id, Value::Object(part.done));
            }
            if !part.failed.is_empty() {
                effect = effect.merge_on_fail(part.kind, &part.id, Value::Object(part.failed));
            }
        }
        change.effect = effect;
        Ok(())
    }

    /// Writes the blueprint as it is once its creation has succeeded (for the seed): the
    /// record of `kind` as `id`, and its parts, `ACTIVE` unless what they take when done says
    /// otherwise; `stamp` says when, by whom and by which (ended) task.
    pub fn seed(self, db: &Db<'_>, kind: &Kind, id: &str, stamp: &Stamp<'_>) -> StoreResult<Value> {
        let record = finished(db, kind, id, (self.fields, self.done), stamp)?;
        for part in self.with {
            let task = if part.kind.stamps.task {
                stamp.task
            } else {
                None
            };
            let stamp = Stamp {
                task,
                parent: None,
                ..*stamp
            };
            finished(db, part.kind, &part.id, (part.fields, part.done), &stamp)?;
        }
        Ok(record)
    }
}

/// Writes a record with the fields it has once made.
fn finished(
    db: &Db<'_>,
    kind: &Kind,
    id: &str,
    (mut fields, done): (Map<String, Value>, Map<String, Value>),
    stamp: &Stamp<'_>,
) -> StoreResult<Value> {
    fields.extend(done);
    let status = fields
        .remove("Status")
        .and_then(|s| s.as_str().map(str::to_owned));
    let stamp = Stamp {
        status: Some(status.as_deref().unwrap_or("ACTIVE")),
        ..*stamp
    };
    kind.insert(db, id, fields, &stamp)
}

/// `{"Status": status}`, as a part's fields when done or failed.
pub(super) fn status(status: &str) -> Map<String, Value> {
    let mut map = Map::new();
    map.insert("Status".into(), json!(status));
    map
}
