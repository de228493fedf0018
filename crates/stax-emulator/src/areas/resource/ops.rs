//! The generic operations of a kind, and the steps they are made of (for handlers of an
//! area's own).

use serde_json::{Map, Value, json};

use super::{Change, Done, Resource, Verb, list, list_text};
use crate::areas::api::{Call, Plan};
use crate::areas::rules::{self, ensure_idle, find, load_live, missing};
use crate::protocol::{ApiError, ApiResult};
use crate::store::Db;
use crate::store::kinds::{Failed, Kind, OnDelete, Stamp, status};
use crate::store::query::{Filter, Query};
use crate::store::tasks::{Effect, Outcome};
use crate::util::now_iso;

/// `GET` of a kind: one record by the id in the path (its `param`), else a list (under the
/// record the path names, if any).
pub(crate) fn read<R: Resource>(call: &Call<'_>) -> ApiResult<Value> {
    let kind = R::KIND;
    if call.params.iter().any(|(name, _)| name == kind.param) {
        return call.read(|db| {
            let record = load(call, db, kind, kind.reads_gone)?;
            let mut records = [record];
            R::present(call, db, &mut records)?;
            let [record] = records;
            Ok(R::one(call, record))
        });
    }
    call.read(|db| {
        let (records, paging) = list::<R>(call, db)?;
        Ok(R::listed(call, records, paging))
    })
}

/// [`read`] answered as JSON text: a list whose records show as stored
/// ([`Resource::as_stored`]) is their stored text joined into the default answer
/// (`{"<Plural>": [...], "Paging": ...}`), nothing parsed; anything else is [`read`]'s answer.
pub(crate) fn read_text<R: Resource>(call: &Call<'_>) -> ApiResult<String> {
    let one = call.params.iter().any(|(name, _)| name == R::KIND.param);
    if one || !R::as_stored(call)? {
        return Ok(read::<R>(call)?.to_string());
    }
    call.read(|db| {
        let (texts, paging) = list_text::<R>(call, db)?;
        let mut answer = format!("{{{}:[", Value::from(R::KIND.plural));
        for (i, text) in texts.iter().enumerate() {
            if i > 0 {
                answer.push(',');
            }
            answer.push_str(text);
        }
        answer.push(']');
        if let Some(paging) = paging {
            answer.push_str(&format!(",\"Paging\":{paging}"));
        }
        answer.push('}');
        Ok(answer)
    })
}

/// `POST` of a kind: a new record.
pub(crate) fn create<R: Resource>(call: &Call<'_>) -> ApiResult<Value> {
    let body = call.json_body()?;
    call.write(|db| {
        let done = create_record::<R>(call, db, &body)?;
        R::answer(&done)
    })
}

/// `PUT` of a kind: a change of the record the path names.
pub(crate) fn update<R: Resource>(call: &Call<'_>) -> ApiResult<Value> {
    let body = call.json_body()?;
    call.write(|db| {
        let record = load(call, db, R::KIND, false)?;
        let done = change_record::<R>(call, db, Verb::Update, record, &body)?;
        R::answer(&done)
    })
}

/// `DELETE` of a kind: the record the path names goes.
pub(crate) fn delete<R: Resource>(call: &Call<'_>) -> ApiResult<Value> {
    let body = json!({});
    call.write(|db| {
        let record = load(call, db, R::KIND, false)?;
        let done = change_record::<R>(call, db, Verb::Delete, record, &body)?;
        R::answer(&done)
    })
}

/// The record of `kind` the path names by the kind's parameter: 400 unless a UUID, 404 when
/// unknown, when gone unless `gone_too`, and when the path also names a record it should
/// belong to (`/hubs/{hub_id}/vpcs/{vpc_id}`) and it does not.
pub(crate) fn load(call: &Call<'_>, db: &Db<'_>, kind: &Kind, gone_too: bool) -> ApiResult<Value> {
    let id = call.param(kind.param);
    let named = (kind.param, id);
    let record = if gone_too {
        find(db, kind, named)?
    } else {
        load_live(db, kind, named)?
    };
    for (param, value) in &call.params {
        if let Some((field, _)) = super::list::named_by(kind, param, call.params.len())
            && !rules::text(&record, field).eq_ignore_ascii_case(value)
        {
            return Err(missing(kind, id));
        }
    }
    Ok(record)
}

/// A new record of `R`'s kind from `body`: its parent loaded (named by the path, else by the
/// body's parent field), `R::create`'s rules, then the record stored with its stamps and its
/// first status, after the task of its creation when the walk makes creations tasks.
pub(crate) fn create_record<'a, R: Resource>(
    call: &'a Call<'a>,
    db: &'a Db<'a>,
    body: &'a Value,
) -> ApiResult<Done<'a>> {
    let kind = R::KIND;
    let parent = parent_of(call, db, kind, body)?;
    let mut change = Change::creation(call, db, body, parent);
    R::create(&mut change)?;
    let Change {
        id,
        parent,
        mut fields,
        interim,
        outcome,
        effect,
        ..
    } = change;
    let parent_id = match (&kind.parent, &parent) {
        (Some(r), Some(p)) => Some(r.kind.id_of(p).to_owned()),
        _ => None,
    };
    let at = now_iso();
    let by = call.caller_key();
    let step = kind.walk.create;
    let stamp = Stamp {
        at: &at,
        by: by.as_deref(),
        status: if step.task { step.during } else { step.done },
        task: None,
        parent: parent_id.as_deref(),
    };
    if !step.task {
        let record = kind.insert(db, &id, fields, &stamp)?;
        return Ok(done(
            call,
            db,
            (kind, Verb::Create, body),
            (json!({}), record),
            None,
        ));
    }
    let mut effect = effect;
    if let Some(status) = step.done {
        effect = effect.merge(kind, &id, json!({ "Status": status }));
    }
    if let Failed::To(status) = step.failed {
        effect = effect.merge_on_fail(kind, &id, json!({ "Status": status }));
    }
    let mut plan = Plan::new(effect).outcome(outcome).target(kind, &id);
    if let Some(key) = kind.subjects {
        plan = plan.subjects(key, vec![id.clone()]);
    }
    fields.extend(interim);
    let (task, record) = rules::create(call, db, plan, |task| {
        kind.insert(
            db,
            &id,
            fields,
            &Stamp {
                task: Some(task),
                ..stamp
            },
        )
    })?;
    Ok(done(
        call,
        db,
        (kind, Verb::Create, body),
        (json!({}), record),
        Some(task),
    ))
}

/// The parent of a new record of `kind`: named by the path (its kind's parameter, else the
/// path's only one; 404 when no live such record) or by the body's parent field (400).
fn parent_of(call: &Call<'_>, db: &Db<'_>, kind: &Kind, body: &Value) -> ApiResult<Option<Value>> {
    let Some(parent) = &kind.parent else {
        return Ok(None);
    };
    let from_path = call
        .params
        .iter()
        .find(|(name, _)| name == parent.kind.param)
        .or_else(|| call.params.first().filter(|_| call.params.len() == 1));
    if let Some((name, id)) = from_path {
        return load_live(db, parent.kind, (name, id)).map(Some);
    }
    match body.get(parent.field).and_then(Value::as_str) {
        Some(id) => load_live(db, parent.kind, (parent.field, id))
            .map(Some)
            .map_err(|err| ApiError::bad_request(format!("{}: {}", parent.field, err.error))),
        None => Ok(None),
    }
}

/// An update or deletion of `record` of `R`'s kind: it must be idle (409 otherwise); a
/// deletion meets the records that name it; `R::update` or `R::delete` decide; then the walk:
/// written at once, or a task (the interim status now, the fields and final status when it
/// succeeds, the failed one when not).
pub(crate) fn change_record<'a, R: Resource>(
    call: &'a Call<'a>,
    db: &'a Db<'a>,
    verb: Verb,
    record: Value,
    body: &'a Value,
) -> ApiResult<Done<'a>> {
    let kind = R::KIND;
    if kind.stamps.task {
        ensure_idle(db, &record, kind.what)?;
    }
    let id = kind.id_of(&record).to_owned();
    let parent = match &kind.parent {
        Some(r) => db.get(r.kind, rules::text(&record, r.field))?,
        None => None,
    };
    let mut change = Change {
        call,
        db,
        verb,
        body,
        id: id.clone(),
        record: record.clone(),
        parent,
        fields: Map::new(),
        interim: Map::new(),
        outcome: Outcome::Succeed,
        effect: Effect::default(),
    };
    match verb {
        Verb::Create => unreachable!("creations go through create_record"),
        Verb::Update => R::update(&mut change)?,
        Verb::Delete => {
            dependents(&mut change, kind)?;
            R::delete(&mut change)?;
        }
    }
    let step = match verb {
        Verb::Delete => kind.walk.delete,
        _ => kind.walk.update,
    };
    let Change {
        mut fields,
        interim,
        outcome,
        effect,
        ..
    } = change;
    if let Some(status) = step.done {
        fields.insert("Status".into(), json!(status));
    }
    if !step.task {
        let mut now = record.clone();
        if let Some(map) = now.as_object_mut() {
            map.extend(fields);
            map.insert("ModifiedTS".into(), json!(now_iso()));
            if kind.stamps.modified_by {
                map.insert(
                    "ModifiedBy".into(),
                    json!(call.caller_key().unwrap_or_default()),
                );
            }
        }
        db.put(kind, &id, &now)?;
        return Ok(done(call, db, (kind, verb, body), (record, now), None));
    }
    let mut effect = effect.merge(kind, &id, Value::Object(fields));
    match step.failed {
        Failed::To(failed) => effect = effect.merge_on_fail(kind, &id, json!({ "Status": failed })),
        Failed::Back => {
            effect = effect.merge_on_fail(kind, &id, json!({ "Status": status(&record) }));
        }
        Failed::Stay => {}
    }
    let mut plan = Plan::new(effect).outcome(outcome);
    plan.interim = interim;
    if let Some(during) = step.during {
        plan = plan.interim("Status", json!(during));
    }
    if let Some(key) = kind.subjects {
        plan = plan.subjects(key, vec![id.clone()]);
    }
    let (task, before) = rules::change(call, db, kind, (record, kind.what), |_| Ok(plan))?;
    let now = db.get(kind, &id)?.ok_or_else(|| missing(kind, &id))?;
    Ok(done(
        call,
        db,
        (kind, verb, body),
        (before, now),
        Some(task),
    ))
}

fn done<'a>(
    call: &'a Call<'a>,
    db: &'a Db<'a>,
    (kind, verb, body): (&'static Kind, Verb, &'a Value),
    (before, record): (Value, Value),
    task: Option<String>,
) -> Done<'a> {
    Done {
        call,
        db,
        kind,
        verb,
        body,
        record,
        before,
        task,
    }
}

/// Meets, for the deletion of a record of `kind`, the live records of every kind that name
/// it: references that refuse make it a 400, references that fail make its task fail, each
/// naming how many records of which kinds still hold it.
fn dependents(change: &mut Change<'_>, kind: &Kind) -> ApiResult<()> {
    let (mut refusing, mut failing) = (Vec::new(), Vec::new());
    for other in crate::areas::kinds() {
        let named = other
            .parent
            .iter()
            .chain(other.refs)
            .filter(|r| r.kind.name == kind.name && r.on_delete != OnDelete::Ignore);
        for reference in named {
            let mut query = Query::of(other.name)
                .filter(Filter::eq(reference.field, &change.id))
                .filter(Filter::not_in("Status", other.ended));
            query.limit = Some(0);
            let count = change.db.select(&query)?.total;
            let holds = format!("{count} {}(s)", in_a_sentence(other.what));
            match reference.on_delete {
                _ if count == 0 => {}
                OnDelete::Refuse => refusing.push(holds),
                OnDelete::Fail => failing.push(holds),
                OnDelete::Ignore => {}
            }
        }
    }
    if !refusing.is_empty() {
        return Err(ApiError::bad_request(format!(
            "{} {} still has {}: delete or move them first",
            kind.what,
            change.id,
            refusing.join(" and ")
        )));
    }
    if !failing.is_empty() {
        change.fail(format!(
            "{} {} still holds {}",
            in_a_sentence(kind.what),
            change.id,
            failing.join(" and ")
        ));
    }
    Ok(())
}

/// How a kind's name reads within a sentence: `Account type` as `account type`, `VPC` and
/// `CIDR range` as they are.
fn in_a_sentence(what: &str) -> String {
    let first = what.split_whitespace().next().unwrap_or("");
    if first.len() > 1 && first.chars().all(|c| c.is_ascii_uppercase()) {
        return what.to_owned();
    }
    let mut chars = what.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_lowercase().chain(chars).collect())
}
