//! `--openapi PATH` answers every operation of that document.
//!
//! The acceptance test starts the emulator with Stax's published document (read at run time
//! from `$STAX_SHARED_DIR/reference/`; a relative path resolves against the workspace root;
//! set but missing fails; unset falls back to `../shared` beside the workspace, else skips
//! with a note) and calls each of its operations, signed, with well-formed arguments: ids of
//! existing resources where a collection lists them, else values generated from the
//! parameter's schema, and a body generated valid against the request schema. Each answer
//! must have a documented status, validate against the schema documented for it, and be no
//! 5xx and no "not implemented". The legacy document gets the same walk, leniently.
//!
//! A second test drives the generic layer with a small document of its own: the SigV4 gate,
//! 403/400 answers, tasks of mutations and the stats.

mod common;

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use common::{Client, Creds, emulator};
use serde_json::{Map, Value, json};
use stax_emulator::RunningEmulator;
use stax_emulator::generic::{self, Direction, Options};
use stax_openapi::{Dialect, Direction as Wire, Spec, Target, Validator, pointer};

/// The path of a reference document, or `None` (with a note) when there is none to read.
fn reference(name: &str) -> Option<PathBuf> {
    common::shared_file(&format!("reference/{name}"))
}

/// Follows `$ref`s; a reference that leads nowhere leaves the value holding it.
fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    pointer::resolve_lenient(doc, value)
}

fn pascal(name: &str) -> String {
    name.split(['_', '-'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn text_of(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(text_of).collect::<Vec<_>>().join(","),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn encode(text: &str) -> String {
    const SET: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~');
    percent_encoding::utf8_percent_encode(text, SET).to_string()
}

struct Op {
    method: String,
    template: String,
    id: String,
    op: Value,
}

struct Answer {
    status: u16,
    body: Value,
    generic: bool,
}

struct Walk<'a> {
    /// The document, read as the emulator reads it.
    spec: &'a Spec,
    doc: &'a Value,
    lenient: bool,
    client: Client,
    creds: Creds,
    own_key: String,
    /// Answers of collection reads, by concrete path.
    lists: HashMap<String, Option<Value>>,
    /// Ids seen in answers, by field name (`TaskId`, `AccountId`, ...).
    seen: BTreeMap<String, String>,
    /// The same, from answers of creations only (the latest wins).
    created: BTreeMap<String, String>,
}

#[derive(Default)]
struct Tally {
    total: usize,
    stateful: usize,
    generic: usize,
    success: usize,
    passing: usize,
    failures: Vec<String>,
    notes: Vec<String>,
    statuses: BTreeMap<u16, usize>,
}

impl Walk<'_> {
    fn operations(&self) -> Vec<Op> {
        let mut ops = Vec::new();
        for (template, item) in self.doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                if !matches!(method.as_str(), "get" | "put" | "post" | "delete" | "patch") {
                    continue;
                }
                let id = op["x-stax-sdk-operation-id"]
                    .as_str()
                    .or_else(|| op["operationId"].as_str())
                    .unwrap_or("?")
                    .to_owned();
                ops.push(Op {
                    method: method.to_ascii_uppercase(),
                    template: template.clone(),
                    id,
                    op: op.clone(),
                });
            }
        }
        // Reads first (they list the ids the rest need), then changes, then reads of their
        // tasks, then deletions.
        let phase = |o: &Op| match o.method.as_str() {
            "GET" if o.template.contains("{task_id}") => 2,
            "GET" if !o.template.contains('{') => 0,
            "GET" => 1,
            "DELETE" => 4,
            _ => 3,
        };
        ops.sort_by_key(|o| match phase(o) {
            2 => 5,
            p => p,
        });
        ops
    }

    /// The validator of `schema` for values travelling as `wire`; `None` (allowed only for a
    /// lenient walk) when it does not compile.
    fn validator(&self, label: &str, schema: &Value, wire: Wire) -> Option<Arc<Validator>> {
        match self.spec.validator(Target::Schema(schema), wire) {
            Ok(v) => Some(v),
            Err(err) => {
                assert!(self.lenient, "{label}: schema does not compile: {err}");
                None
            }
        }
    }

    async fn send(&self, method: &str, path_and_query: &str, body: Option<Value>) -> Answer {
        let request =
            self.client
                .signed(&self.creds, method, path_and_query, body, SystemTime::now());
        let response = self
            .client
            .http
            .execute(request)
            .await
            .expect("api reachable");
        let status = response.status().as_u16();
        let generic = response
            .headers()
            .get(generic::HANDLER_HEADER)
            .is_some_and(|v| v == "generic");
        let text = response.text().await.unwrap();
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Answer {
            status,
            body,
            generic,
        }
    }

    /// Records ids and names an answer shows: `TaskId`s, `AccessKey`s, and for an item under
    /// `Accounts` (or `Account`) its `Id` as `AccountId` and its `Name` as `AccountName` and
    /// `Account`. Answers of creations also go to `created`.
    fn harvest(&mut self, value: &Value, under: Option<&str>, created: bool) {
        match value {
            Value::Object(map) => {
                let mut found: Vec<(String, String)> = Vec::new();
                for (k, v) in map {
                    let Some(s) = v.as_str().filter(|s| !s.is_empty() && *s != self.own_key) else {
                        continue;
                    };
                    if k == "TaskId" || k == "AccessKey" {
                        found.push((k.clone(), s.to_owned()));
                    }
                    if let Some(kind) = under {
                        let kind = kind.strip_suffix('s').unwrap_or(kind);
                        if k == "Id" {
                            found.push((format!("{kind}Id"), s.to_owned()));
                            // Bodies name a catalogue item `CatalogueId`.
                            if kind.ends_with("CatalogueItem") {
                                found.push(("CatalogueId".to_owned(), s.to_owned()));
                            }
                        }
                        if k == "Name" {
                            found.push((format!("{kind}Name"), s.to_owned()));
                            found.push((kind.to_owned(), s.to_owned()));
                        }
                    }
                }
                for (k, v) in found {
                    if created {
                        self.created.insert(k.clone(), v.clone());
                    }
                    self.seen.entry(k).or_insert(v);
                }
                for (k, v) in map {
                    self.harvest(v, Some(k), created);
                }
            }
            Value::Array(items) => items.iter().for_each(|v| self.harvest(v, under, created)),
            _ => {}
        }
    }

    /// A value for path parameter `name` at segment `index` of `segments`: an id listed by
    /// the collection the segments before it name, else one from the parameter's schema.
    async fn path_value(
        &mut self,
        op: &Op,
        segments: &[String],
        index: usize,
        name: &str,
    ) -> String {
        if name == "task_id"
            && let Some(id) = self.seen.get("TaskId")
        {
            return id.clone();
        }
        // Changes go to what this walk created, when it created one of the kind.
        if op.method != "GET"
            && let Some(id) = self.created.get(&pascal(name))
        {
            return id.clone();
        }
        let parent = segments[..index].join("/");
        let parent_template: String = op
            .template
            .split('/')
            .take(index)
            .collect::<Vec<_>>()
            .join("/");
        let listed = self.doc["paths"]
            .get(&parent_template)
            .and_then(|item| item.get("get"))
            .is_some();
        if listed && !self.lists.contains_key(&parent) {
            let answer = self.send("GET", &parent, None).await;
            let body = (answer.status == 200).then_some(answer.body);
            self.lists.insert(parent.clone(), body);
        }
        if let Some(Some(list)) = self.lists.get(&parent) {
            let field = pascal(name);
            let mut found = Vec::new();
            for value in list.as_object().into_iter().flat_map(|m| m.values()) {
                for item in value.as_array().into_iter().flatten() {
                    // Changes leave alone the administrators the organisation cannot lose.
                    if op.method != "GET" && item["Role"] == "customer_admin" {
                        continue;
                    }
                    if let Some(s) = [field.as_str(), "Id"]
                        .iter()
                        .find_map(|k| item.get(*k).and_then(Value::as_str))
                    {
                        found.push(s.to_owned());
                    }
                }
            }
            // Not the key the walk signs with, unless only reading it.
            if let Some(other) = found.iter().find(|s| **s != self.own_key) {
                return other.clone();
            }
            if op.method == "GET"
                && let Some(own) = found.first()
            {
                return own.clone();
            }
        }
        // No collection above the path: an id of that kind seen in an earlier answer.
        if let Some(id) = self.seen.get(&pascal(name)) {
            return id.clone();
        }
        let schema = self
            .parameter(op, name, "path")
            .and_then(|p| p.get("schema").cloned())
            .unwrap_or_else(|| json!({"type": "string"}));
        let value = text_of(&generic::generate(&schema, self.spec));
        if value.is_empty() { "x".into() } else { value }
    }

    /// The first item id of the longest collection (a GET without parameters) the template
    /// starts with, from the collections read so far.
    fn nearest_item(&self, template: &str) -> Option<String> {
        let parts: Vec<&str> = template.split('/').collect();
        for end in (1..=parts.len()).rev() {
            let prefix = parts[..end].join("/");
            if let Some(Some(list)) = self.lists.get(&prefix) {
                let id = list
                    .as_object()?
                    .values()
                    .filter_map(Value::as_array)
                    .flatten()
                    .find_map(|item| item.get("Id").and_then(Value::as_str));
                if let Some(id) = id {
                    return Some(id.to_owned());
                }
            }
        }
        None
    }

    fn parameter(&self, op: &Op, name: &str, place: &str) -> Option<Value> {
        let mut all: Vec<Value> = op.op["parameters"].as_array().cloned().unwrap_or_default();
        if let Some(shared) = self.doc["paths"][&op.template]["parameters"].as_array() {
            all.extend(shared.iter().cloned());
        }
        all.iter()
            .map(|p| resolve(self.doc, p).clone())
            .find(|p| p["name"] == name && p["in"] == place)
    }

    async fn call(&mut self, op: &Op, tally: &mut Tally) {
        tally.total += 1;
        let label = format!("{} ({} {})", op.id, op.method, op.template);
        // Path.
        let mut segments: Vec<String> = op.template.split('/').map(str::to_owned).collect();
        for i in 0..segments.len() {
            let segment = segments[i].clone();
            if let (Some(open), Some(close)) = (segment.find('{'), segment.rfind('}')) {
                let name = &segment[open + 1..close];
                let value = self.path_value(op, &segments, i, name).await;
                segments[i] = format!(
                    "{}{}{}",
                    &segment[..open],
                    encode(&value),
                    &segment[close + 1..]
                );
            }
        }
        let mut path = segments.join("/");
        // Required query parameters.
        let mut query = Vec::new();
        let mut all: Vec<Value> = op.op["parameters"].as_array().cloned().unwrap_or_default();
        if let Some(shared) = self.doc["paths"][&op.template]["parameters"].as_array() {
            all.extend(shared.iter().cloned());
        }
        for p in all.iter().map(|p| resolve(self.doc, p)) {
            if p["in"] == "query" && p["required"] == true {
                let schema = p
                    .get("schema")
                    .cloned()
                    .unwrap_or_else(|| json!({"type": "string"}));
                let value = text_of(&generic::generate(&schema, self.spec));
                query.push(format!(
                    "{}={}",
                    encode(p["name"].as_str().unwrap_or("")),
                    encode(&value)
                ));
            }
        }
        if !query.is_empty() {
            path = format!("{path}?{}", query.join("&"));
        }
        // Body.
        let mut body = None;
        let request_schema = op
            .op
            .get("requestBody")
            .map(|b| resolve(self.doc, b))
            .and_then(|b| b.pointer("/content/application~1json/schema"))
            .cloned();
        if let Some(schema) = &request_schema {
            let mut hints = Map::new();
            for (k, v) in &self.seen {
                if k != "TaskId" {
                    hints.insert(k.clone(), json!(v));
                }
            }
            // New names, so creations do not collide with what exists.
            hints.insert("Name".into(), json!(format!("walk{}", tally.total)));
            // An `Id` in a body names an item of the nearest collection above the path.
            if let Some(id) = self.nearest_item(&op.template) {
                hints.insert("Id".into(), json!(id));
            }
            let value = generic::generate_with(
                schema,
                self.spec,
                &Options {
                    direction: Direction::Request,
                    hints,
                    seed: tally.total as u64,
                },
            );
            let key = format!("{label} request");
            if let Some(v) = self.validator(&key, schema, Wire::Request)
                && let Some(err) = v.violations(&value).next()
            {
                tally.failures.push(format!(
                    "{label}: the generated request body is invalid ({err}): {value}"
                ));
                return;
            }
            body = Some(value);
        }
        let answer = self.send(&op.method, &path, body).await;
        if answer.generic {
            tally.generic += 1;
        } else {
            tally.stateful += 1;
        }
        *tally.statuses.entry(answer.status).or_insert(0) += 1;
        let responses = op.op["responses"].as_object().cloned().unwrap_or_default();
        let documented = responses
            .get(&answer.status.to_string())
            .or_else(|| responses.get("default"));
        let mut problems = Vec::new();
        if answer.status >= 500 {
            problems.push(format!("status {}", answer.status));
        }
        if answer
            .body
            .to_string()
            .to_ascii_lowercase()
            .contains("not implemented")
        {
            problems.push("answers 'not implemented'".to_owned());
        }
        match documented {
            None => problems.push(format!(
                "status {} is not documented ({:?})",
                answer.status,
                responses.keys().collect::<Vec<_>>()
            )),
            Some(response) => {
                let response = resolve(self.doc, response).clone();
                if let Some(schema) = response.pointer("/content/application~1json/schema") {
                    let key = format!("{label} {}", answer.status);
                    if let Some(v) = self.validator(&key, schema, Wire::Response) {
                        let errors: Vec<String> = v
                            .violations(&answer.body)
                            .take(3)
                            .map(|e| e.to_string())
                            .collect();
                        if !errors.is_empty() {
                            problems.push(format!("answer breaks its schema: {errors:?}"));
                        }
                    }
                }
            }
        }
        if (200..300).contains(&answer.status) {
            tally.success += 1;
            // Only what the stateful handlers hold is worth naming in later calls.
            if !answer.generic {
                let created = op.method == "POST";
                self.harvest(&answer.body, None, created);
                // `CreateUser` answering `{"Id": ...}` created a `UserId`; later changes and
                // deletions of users go to it rather than to one the organisation needs.
                let noun = op
                    .id
                    .split('.')
                    .nth(1)
                    .and_then(|n| n.strip_prefix("Create"));
                if let (true, Some(noun), Some(id)) =
                    (created, noun, answer.body.get("Id").and_then(Value::as_str))
                {
                    self.created.insert(format!("{noun}Id"), id.to_owned());
                }
            }
            if op.method == "GET" && !op.template.contains('{') {
                self.lists.insert(path.clone(), Some(answer.body.clone()));
            }
        }
        let handler = if answer.generic {
            "generic"
        } else {
            "stateful"
        };
        if problems.is_empty() {
            tally.passing += 1;
        } else if self.lenient && !answer.generic && answer.status < 500 {
            // Stateful handlers follow the current document, not the legacy one.
            tally.notes.push(format!(
                "{label} [{handler}] -> {}: {}",
                answer.status,
                problems.join("; ")
            ));
            tally.passing += 1;
        } else {
            tally.failures.push(format!(
                "{label} [{handler}] {path} -> {}: {}\n    {}",
                answer.status,
                problems.join("; "),
                answer.body
            ));
        }
        if (200..300).contains(&answer.status) {
            println!("{:>3} {handler:<8} {label}", answer.status);
        } else {
            println!("{:>3} {handler:<8} {label}: {}", answer.status, answer.body);
        }
    }
}

async fn walk(path: PathBuf, lenient: bool) -> (Tally, RunningEmulator) {
    let text = std::fs::read_to_string(&path).unwrap();
    let doc: Value = serde_json::from_str(&text).expect("document is JSON");
    let emu = emulator(|o| {
        o.openapi = vec![path.clone()];
        o.task_delay = Duration::from_millis(20);
    })
    .await;
    let client = Client::new(emu.endpoint()).await;
    let creds = client.login(emu.access_key(), emu.secret_key()).await;
    let spec = Spec::new(doc.clone(), Dialect::openapi30());
    let mut w = Walk {
        spec: &spec,
        doc: &doc,
        lenient,
        client,
        creds,
        own_key: emu.access_key().to_owned(),
        lists: HashMap::new(),
        seen: BTreeMap::new(),
        created: BTreeMap::new(),
    };
    let mut tally = Tally::default();
    let mut deleting = false;
    for op in w.operations() {
        if op.method == "DELETE" && !deleting {
            // Collections changed since they were first read.
            deleting = true;
            w.lists.clear();
        }
        w.call(&op, &mut tally).await;
    }
    (tally, emu)
}

fn report(name: &str, tally: &Tally) {
    for note in &tally.notes {
        println!("note: {note}");
    }
    println!(
        "{name}: {} operations: {} stateful, {} generic; {} answered 2xx; {} passing; statuses {:?}",
        tally.total, tally.stateful, tally.generic, tally.success, tally.passing, tally.statuses
    );
}

#[tokio::test]
async fn every_operation_of_the_reference_document_is_answered() {
    let Some(path) = reference("stax-core-20190206.oas3.json") else {
        return;
    };
    let (tally, emu) = walk(path.clone(), false).await;
    report("reference", &tally);
    assert!(
        tally.failures.is_empty(),
        "{} of {} operations failed:\n{}",
        tally.failures.len(),
        tally.total,
        tally.failures.join("\n")
    );
    let doc: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let operations = doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|item| item.as_object().unwrap().keys())
        .filter(|key| ["get", "put", "post", "delete", "patch"].contains(&key.as_str()))
        .count();
    assert_eq!(
        tally.total, operations,
        "every operation of the reference document is walked"
    );
    assert_eq!(tally.stateful + tally.generic, tally.total);
    // Every operation of the reference has an area's handler, which wins over the document's
    // generic answer.
    assert_eq!(tally.generic, 0, "every operation is answered from state");
    // Operations count in the stats under their ids.
    let stats = emu.stats();
    assert!(
        stats["operations"]["networking.ReadHubs"].as_u64() >= Some(1),
        "{stats}"
    );
    emu.shutdown().await;
}

#[tokio::test]
async fn every_operation_of_the_legacy_document_is_answered() {
    let Some(path) = reference("stax-core-20190206-legacy.oas3.json") else {
        return;
    };
    let (tally, emu) = walk(path, true).await;
    report("legacy", &tally);
    assert!(
        tally.failures.is_empty(),
        "{} of {} operations failed:\n{}",
        tally.failures.len(),
        tally.total,
        tally.failures.join("\n")
    );
    emu.shutdown().await;
}

/// A small document of the test's own: widgets answered generically next to a stateful read.
fn widgets_document() -> Value {
    let error = json!({"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}, "description": "error"});
    let ok = |schema: Value| json!({"content": {"application/json": {"schema": schema}}, "description": "ok"});
    let id_param = json!({"in": "path", "name": "widget_id", "required": true, "schema": {"$ref": "#/components/schemas/uuid"}});
    json!({
        "openapi": "3.0.0",
        "info": {"title": "widgets", "version": "1"},
        "components": {"schemas": {
            "Error": {"type": "object", "properties": {"Error": {"type": "string"}}},
            "uuid": {"type": "string", "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"},
            "Widget": {"type": "object", "additionalProperties": false, "required": ["Id", "Name", "Status"], "properties": {
                "Id": {"$ref": "#/components/schemas/uuid"},
                "Name": {"type": "string", "pattern": "^[a-z0-9-]+$", "maxLength": 10},
                "Status": {"enum": ["ACTIVE", "DELETED"], "type": "string"},
                "CreatedTS": {"type": "string", "format": "date-time"},
            }},
        }},
        "paths": {
            "/20190206/accounts": {"get": {"x-stax-sdk-operation-id": "accounts.ReadAccounts", "responses": {"200": ok(json!({"type": "object"}))}}},
            "/20190206/accounts/discover": {"get": {"x-stax-sdk-operation-id": "accounts.DiscoverAccounts", "responses": {"200": ok(json!({"type": "object", "required": ["Accounts"], "properties": {"Accounts": {"type": "array", "items": {"type": "string"}}}}))}}},
            "/20190206/widgets": {
                "get": {"x-stax-sdk-operation-id": "widgets.ReadWidgets", "parameters": [{"in": "query", "name": "limit", "schema": {"type": "integer", "minimum": 1}}],
                        "responses": {"200": ok(json!({"type": "object", "required": ["Widgets"], "properties": {"Widgets": {"type": "array", "items": {"$ref": "#/components/schemas/Widget"}}}})), "400": error}},
                "post": {"x-stax-sdk-operation-id": "widgets.CreateWidget",
                         "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "additionalProperties": false, "required": ["Name"], "properties": {"Name": {"type": "string", "maxLength": 10}}}}}},
                         "responses": {"200": ok(json!({"type": "object", "required": ["TaskId", "Widget"], "properties": {"TaskId": {"$ref": "#/components/schemas/uuid"}, "Widget": {"$ref": "#/components/schemas/Widget"}}})), "400": error}},
            },
            "/20190206/widgets/{widget_id}": {
                "parameters": [id_param],
                "get": {"x-stax-sdk-operation-id": "widgets.ReadWidget", "responses": {"200": ok(json!({"$ref": "#/components/schemas/Widget"})), "404": error}},
                "delete": {"operationId": "widgets.DeleteWidget", "responses": {"default": ok(json!({"type": "object"})), "202": ok(json!({"type": "object", "properties": {"Detail": {"type": "object", "required": ["TaskId"], "properties": {"TaskId": {"type": "string"}}}}}))}},
            },
            "/20190206/public/check/{alias}": {"get": {"x-stax-sdk-operation-id": "public.Check", "parameters": [{"in": "path", "name": "alias", "required": true, "schema": {"type": "string"}}],
                "responses": {"200": ok(json!({"type": "object", "required": ["Alias"], "properties": {"Alias": {"type": "string"}}}))}}},
        }
    })
}

#[tokio::test]
async fn generic_answers_follow_the_document() {
    let doc = widgets_document();
    let dir = std::env::temp_dir().join(format!("stax-generic-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("widgets.oas3.json");
    std::fs::write(&path, doc.to_string()).unwrap();
    let emu = emulator(|o| {
        o.openapi = vec![path.clone()];
        o.task_delay = Duration::from_millis(20);
    })
    .await;
    let client = Client::new(emu.endpoint()).await;
    let creds = client.login(emu.access_key(), emu.secret_key()).await;
    let spec = Spec::new(doc.clone(), Dialect::openapi30());
    let w = Walk {
        spec: &spec,
        doc: &doc,
        lenient: false,
        client,
        creds,
        own_key: emu.access_key().to_owned(),
        lists: HashMap::new(),
        seen: BTreeMap::new(),
        created: BTreeMap::new(),
    };
    let http = reqwest::Client::new();
    let base = emu.endpoint().to_owned();

    // The SigV4 gate applies to generic operations.
    let unsigned = http
        .get(format!("{base}/20190206/widgets"))
        .send()
        .await
        .unwrap();
    assert_eq!(unsigned.status(), 403);
    assert_eq!(
        unsigned.headers()["x-amzn-errortype"],
        "MissingAuthenticationTokenException"
    );
    let forged = http
        .get(format!("{base}/20190206/widgets"))
        .header("authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/ap-southeast-2/execute-api/aws4_request, SignedHeaders=host;x-amz-date, Signature=00")
        .header("x-amz-date", "20240101T000000Z")
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);

    // Reads answer generated bodies; the path's id fills `Id`.
    let list = w.send("GET", "/20190206/widgets?limit=2", None).await;
    assert!(list.generic);
    assert_eq!(list.status, 200, "{}", list.body);
    assert_eq!(list.body["Widgets"][0]["Status"], "ACTIVE");
    let bad_limit = w.send("GET", "/20190206/widgets?limit=0", None).await;
    assert_eq!(bad_limit.status, 400, "{}", bad_limit.body);
    let id = "0b1d2c3e-0000-4000-8000-000000000001";
    let one = w
        .send("GET", &format!("/20190206/widgets/{id}"), None)
        .await;
    assert_eq!(one.status, 200);
    assert_eq!(one.body["Id"], id);
    let missing = w.send("GET", "/20190206/widgets/not-a-uuid", None).await;
    assert_eq!(
        missing.status, 404,
        "only 404 is documented: {}",
        missing.body
    );
    assert!(
        missing.body["Error"]
            .as_str()
            .unwrap()
            .contains("widget_id")
    );

    // Bodies are checked; the error names the field.
    let wrong = w
        .send("POST", "/20190206/widgets", Some(json!({"Name": 5})))
        .await;
    assert_eq!(wrong.status, 400);
    assert!(
        wrong.body["Error"].as_str().unwrap().contains("/Name"),
        "{}",
        wrong.body
    );
    let empty = w.send("POST", "/20190206/widgets", None).await;
    assert_eq!(empty.status, 400);
    assert!(
        empty.body["Error"].as_str().unwrap().contains("Name"),
        "{}",
        empty.body
    );
    let host = base.split("://").nth(1).unwrap().to_owned();
    let headers = common::python_style_headers(
        &w.creds,
        &w.client.auth("region"),
        &host,
        "POST",
        "/20190206/widgets",
        "",
        b"{not json",
    );
    let mut junk = http
        .post(format!("{base}/20190206/widgets"))
        .body("{not json");
    for (k, v) in headers {
        junk = junk.header(k, v);
    }
    let junk = junk.send().await.unwrap();
    assert_eq!(junk.status(), 400);
    let junk: Value = junk.json().await.unwrap();
    assert!(
        junk["Error"].as_str().unwrap().contains("not valid JSON"),
        "{junk}"
    );

    // Mutations start a task that tasks.ReadTask follows; body fields fill the answer.
    let created = w
        .send("POST", "/20190206/widgets", Some(json!({"Name": "w1"})))
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    assert_eq!(created.body["Widget"]["Name"], "w1");
    let task_id = created.body["TaskId"].as_str().unwrap().to_owned();
    let (task, _) = w.client.wait_task(&w.creds, &task_id).await;
    assert_eq!(task["Status"], "SUCCEEDED");
    let deleted = w
        .send("DELETE", &format!("/20190206/widgets/{id}"), None)
        .await;
    assert_eq!(deleted.status, 202, "the lowest 2xx wins over default");
    let task_id = deleted.body["Detail"]["TaskId"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_ne!(task_id, created.body["TaskId"].as_str().unwrap());
    w.client.wait_task(&w.creds, &task_id).await;

    // Unknown methods and paths.
    let patch = w.send("PATCH", "/20190206/widgets", None).await;
    assert_eq!(
        patch.status, 403,
        "API Gateway's answer for an undocumented method"
    );
    assert_eq!(patch.body["message"], "Missing Authentication Token");
    let nowhere = w.send("GET", "/20190206/nowhere", None).await;
    assert_eq!(nowhere.status, 403);
    assert_eq!(nowhere.body["message"], "Missing Authentication Token");

    // Public operations need no signature.
    let public = http
        .get(format!("{base}/20190206/public/check/my-org"))
        .send()
        .await
        .unwrap();
    assert_eq!(public.status(), 200);
    assert_eq!(public.json::<Value>().await.unwrap()["Alias"], "my-org");

    // Stateful handlers keep their operations; a literal segment the stateful router would
    // take for a parameter goes to the document's operation.
    let accounts = w.send("GET", "/20190206/accounts", None).await;
    assert!(!accounts.generic);
    assert_eq!(accounts.status, 200);
    assert!(accounts.body["Accounts"].as_array().unwrap().len() > 1);
    let discover = w.send("GET", "/20190206/accounts/discover", None).await;
    assert!(discover.generic, "{}", discover.body);
    assert_eq!(discover.status, 200);

    let stats = emu.stats();
    assert_eq!(stats["operations"]["widgets.ReadWidgets"], 2, "{stats}");
    assert_eq!(stats["operations"]["widgets.CreateWidget"], 4, "{stats}");
    assert_eq!(stats["operations"]["widgets.DeleteWidget"], 1, "{stats}");
    assert_eq!(
        stats["operations"]["accounts.DiscoverAccounts"], 1,
        "{stats}"
    );
    emu.shutdown().await;
    let _ = std::fs::remove_dir_all(dir);
}
