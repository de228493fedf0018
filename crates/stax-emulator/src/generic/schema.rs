//! Values generated to be valid against an OpenAPI 3.0 schema.
//!
//! [`generate`] walks a schema of a document: `$ref`s are resolved in the document, `allOf`
//! parts are merged, `oneOf`/`anyOf` take the first alternative whose value the checker
//! accepts, `enum` gives its first value, and `example`/`default` are used when they validate.
//! Strings honour `format`, `pattern` (see the `pattern` module) and length bounds; numbers
//! their bounds; objects get their required properties plus, near the top, the optional ones;
//! arrays `max(minItems, 1)` items. `nullable` never makes a value null unless nothing else
//! fits. Hints (values by property name, e.g. the `Id` of the path) win when they validate.
//!
//! Whether a candidate fits is asked of the shared OpenAPI core (`stax_openapi::Spec`, the
//! document's compiled validators), the same reading that checks request bodies: there is no
//! second interpreter of the dialect here.
//!
//! Nothing here panics on odd documents: unresolvable references, cycles and contradictory
//! constraints end in a best effort, which callers can check with [`accepts`].

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::sync::LazyLock;

use serde_json::{Map, Number, Value, json};
use sha2::{Digest, Sha256};
use stax_openapi::Spec;
use stax_openapi::dialect::bounds;
use stax_openapi::pointer::lookup as pointer;
pub(crate) use stax_openapi::pointer::resolve;

use super::pattern::PatternGen;

/// How deep the generator and checker go before giving up on a branch.
const MAX_DEPTH: usize = 40;
/// Optional properties are emitted only this close to the top.
const OPTIONAL_DEPTH: usize = 10;

/// Which side of the wire a value is for: `readOnly` properties are left out of requests and
/// `writeOnly` ones out of responses (unless required).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Direction {
    /// An answer: required properties and, near the top, the optional ones.
    #[default]
    Response,
    /// A request body: required properties, and optional ones only when a valid hint names
    /// them.
    Request,
}

/// Knobs of [`generate_with`].
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Request or response.
    pub direction: Direction,
    /// Values to use for properties of these names, at any depth, when they validate.
    pub hints: Map<String, Value>,
    /// Varies generated identifiers (UUIDs) between calls; the same seed gives the same value.
    pub seed: u64,
}

/// A value valid against `schema`, whose `$ref`s point into the document of `doc`.
pub fn generate(schema: &Value, doc: &Spec) -> Value {
    generate_with(schema, doc, &Options::default())
}

/// [`generate`] with a direction, hints and a seed.
pub fn generate_with(schema: &Value, doc: &Spec, opts: &Options) -> Value {
    let mut g = Gen {
        doc,
        opts,
        refs: Vec::new(),
    };
    g.value(schema, "", None, 0).unwrap_or(Value::Null)
}

/// Whether `value` is valid against `schema` (OpenAPI 3.0 semantics, formats asserted), as
/// the document's compiled validators say. A schema that does not compile accepts.
pub fn accepts(schema: &Value, doc: &Spec, value: &Value) -> bool {
    doc.accepts(&checkable(schema), value)
}

/// A schema the generator merged (see `Gen::flatten`) keeps what could not be merged under
/// `x-merged-allOf`; checking it means checking all of those parts.
fn checkable(schema: &Value) -> Cow<'_, Value> {
    match schema.get("x-merged-allOf") {
        Some(parts @ Value::Array(_)) => Cow::Owned(json!({ "allOf": parts })),
        _ => Cow::Borrowed(schema),
    }
}

fn words(schema: &Value) -> &Map<String, Value> {
    static EMPTY: LazyLock<Map<String, Value>> = LazyLock::new(Map::new);
    schema.as_object().unwrap_or(&EMPTY)
}

fn number(schema: &Value, key: &str) -> Option<f64> {
    schema.get(key).and_then(Value::as_f64)
}

fn count(schema: &Value, key: &str) -> Option<usize> {
    schema
        .get(key)
        .and_then(Value::as_u64)
        .map(|n| usize::try_from(n).unwrap_or(usize::MAX))
}

/// The type a schema asks for: its `type` (the first non-null of a list), else one inferred
/// from the keywords it has.
fn type_of(schema: &Value) -> Option<&str> {
    match schema.get("type") {
        Some(Value::String(t)) => return Some(t),
        Some(Value::Array(ts)) => {
            if let Some(t) = ts.iter().filter_map(Value::as_str).find(|t| *t != "null") {
                return Some(t);
            }
        }
        _ => {}
    }
    let has = |k: &str| schema.get(k).is_some();
    if has("properties")
        || has("required")
        || has("additionalProperties")
        || has("minProperties")
        || has("maxProperties")
    {
        Some("object")
    } else if has("items") || has("minItems") || has("maxItems") {
        Some("array")
    } else if has("pattern") || has("minLength") || has("maxLength") || has("format") {
        Some("string")
    } else if has("minimum") || has("maximum") || has("multipleOf") {
        Some("number")
    } else {
        None
    }
}

/// A value for a `format`, when the emulator knows one.
fn format_value(format: &str, uuid: impl FnOnce() -> String) -> Option<String> {
    Some(match format {
        "date-time" => "2024-01-01T00:00:00Z".to_owned(),
        "date" => "2024-01-01".to_owned(),
        "time" => "00:00:00Z".to_owned(),
        "email" | "idn-email" => "user@example.com".to_owned(),
        "uri" | "url" | "iri" | "uri-reference" | "iri-reference" => {
            "https://example.com/".to_owned()
        }
        "hostname" | "idn-hostname" => "example.com".to_owned(),
        "ipv4" => "192.0.2.1".to_owned(),
        "ipv6" => "2001:db8::1".to_owned(),
        "uuid" => uuid(),
        "byte" => "c3RheA==".to_owned(),
        "password" => "Password1!".to_owned(),
        "json-pointer" => "/".to_owned(),
        "regex" => ".*".to_owned(),
        _ => return None,
    })
}

/// `AwsAccountAlias` -> `aws-account-alias`.
fn kebab(name: &str) -> String {
    let mut out = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            if prev_lower {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
            prev_lower = false;
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
            prev_lower = true;
        } else {
            if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
            prev_lower = false;
        }
    }
    out.trim_matches('-').to_owned()
}

struct Gen<'a, 'o> {
    doc: &'a Spec,
    opts: &'o Options,
    /// `$ref`s being expanded, to stop cycles.
    refs: Vec<String>,
}

impl<'a> Gen<'a, '_> {
    fn accepts(&self, schema: &Value, value: &Value) -> bool {
        accepts(schema, self.doc, value)
    }

    /// Whether a fixed value (an example) has a field a hint names: then it is built instead,
    /// so the hint lands.
    fn mentions_hint(&self, value: &Value) -> bool {
        match value {
            Value::Object(map) => map
                .iter()
                .any(|(k, v)| self.opts.hints.contains_key(k) || self.mentions_hint(v)),
            Value::Array(items) => items.iter().any(|v| self.mentions_hint(v)),
            _ => false,
        }
    }

    /// A UUID derived from the seed and where the value sits.
    fn uuid(&self, path: &str) -> String {
        let digest = Sha256::new()
            .chain_update(self.opts.seed.to_le_bytes())
            .chain_update(path.as_bytes())
            .finalize();
        let mut b = [0u8; 16];
        b.copy_from_slice(&digest[..16]);
        b[6] = (b[6] & 0x0f) | 0x40;
        b[8] = (b[8] & 0x3f) | 0x80;
        uuid::Uuid::from_bytes(b).to_string()
    }

    fn value(
        &mut self,
        schema: &Value,
        path: &str,
        name: Option<&str>,
        depth: usize,
    ) -> Option<Value> {
        if depth > MAX_DEPTH {
            return None;
        }
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            if self.refs.iter().filter(|r| *r == reference).count() >= 1 {
                return None;
            }
            let Some(target) = pointer(self.doc.raw(), reference) else {
                tracing::warn!(reference, "unresolvable $ref; generating a string");
                return Some(json!("value"));
            };
            self.refs.push(reference.to_owned());
            let out = self.value(target, path, name, depth + 1);
            self.refs.pop();
            return out;
        }
        let Some(map) = schema.as_object() else {
            // `true`/`false` schemas and garbage: anything goes.
            return Some(json!("value"));
        };
        if map.get("allOf").is_some_and(Value::is_array) {
            let merged = self.flatten(schema, depth);
            if merged.get("allOf").is_none() {
                return self.value(&merged, path, name, depth + 1);
            }
        }
        // Hints, enum, example, default: fixed values, used when they validate.
        if let Some(hint) = name.and_then(|n| self.opts.hints.get(n))
            && self.accepts(schema, hint)
        {
            return Some(hint.clone());
        }
        if let Some(Value::Array(values)) = map.get("enum") {
            if let Some(v) = values
                .iter()
                .find(|v| !v.is_null() && self.accepts(schema, v))
            {
                return Some(v.clone());
            }
            if let Some(v) = values.first() {
                return Some(v.clone());
            }
        }
        for key in ["example", "default"] {
            if let Some(v) = map.get(key)
                && !v.is_null()
                && !self.mentions_hint(v)
                && self.accepts(schema, v)
            {
                return Some(v.clone());
            }
        }
        if let Some(alternatives) = ["oneOf", "anyOf"]
            .iter()
            .find_map(|k| map.get(*k).and_then(Value::as_array))
        {
            return self.alternative(schema, alternatives, path, name, depth);
        }
        match type_of(schema) {
            Some("object") => Some(self.object(schema, path, depth)),
            Some("array") => Some(self.array(schema, path, depth)),
            Some("string") => Some(Value::String(self.string(schema, path, name))),
            Some("integer") => Some(self.number(schema, true)),
            Some("number") => Some(self.number(schema, false)),
            Some("boolean") => Some(Value::Bool(false)),
            Some("null") => Some(Value::Null),
            _ if map.get("nullable") == Some(&Value::Bool(true))
                && map.keys().all(|k| k == "nullable" || k == "description") =>
            {
                Some(Value::Null)
            }
            _ => Some(Value::String(self.string(schema, path, name))),
        }
    }

    /// `oneOf`/`anyOf`: the first alternative (merged with the schema's other keywords) whose
    /// value the whole schema accepts.
    fn alternative(
        &mut self,
        schema: &Value,
        alternatives: &[Value],
        path: &str,
        name: Option<&str>,
        depth: usize,
    ) -> Option<Value> {
        let mut base = words(schema).clone();
        for k in ["oneOf", "anyOf", "example", "default", "enum"] {
            base.remove(k);
        }
        let base_has_words = base
            .keys()
            .any(|k| !matches!(k.as_str(), "description" | "nullable" | "title"));
        let mut first = None;
        for alternative in alternatives {
            let candidate_schema = if base_has_words {
                json!({"allOf": [Value::Object(base.clone()), alternative]})
            } else {
                alternative.clone()
            };
            let Some(v) = self.value(&candidate_schema, path, name, depth + 1) else {
                continue;
            };
            if self.accepts(schema, &v) {
                return Some(v);
            }
            // An enum alternative may have other values that only it allows.
            if let Some(Value::Array(values)) =
                resolve(self.doc.raw(), alternative).and_then(|a| a.get("enum"))
                && let Some(other) = values.iter().find(|e| self.accepts(schema, e))
            {
                return Some(other.clone());
            }
            first.get_or_insert(v);
        }
        first
    }

    /// Merges `allOf` parts (and the schema's own keywords) into one schema.
    fn flatten(&self, schema: &Value, depth: usize) -> Value {
        let mut parts: Vec<Value> = Vec::new();
        self.collect_parts(schema, depth, &mut parts);
        let mut merged = Map::new();
        let mut closed: Vec<BTreeSet<String>> = Vec::new();
        let mut leftover: Vec<Value> = Vec::new();
        for part in parts {
            let Value::Object(part) = part else { continue };
            if part.get("additionalProperties") == Some(&Value::Bool(false)) {
                closed.push(
                    part.get("properties")
                        .and_then(Value::as_object)
                        .map(|p| p.keys().cloned().collect())
                        .unwrap_or_default(),
                );
            }
            for (key, value) in part {
                merge_word(&mut merged, &key, value, &mut leftover);
            }
        }
        if !closed.is_empty() {
            merged.insert("additionalProperties".into(), Value::Bool(false));
            if let Some(Value::Object(props)) = merged.get_mut("properties") {
                props.retain(|k, _| closed.iter().all(|set| set.contains(k)));
            }
        }
        if !leftover.is_empty() {
            // Constraints that could not be merged are still checked, via `allOf`.
            let mut rest = leftover;
            rest.insert(0, Value::Object(merged.clone()));
            merged.insert("x-merged-allOf".into(), Value::Array(rest));
        }
        Value::Object(merged)
    }

    fn collect_parts(&self, schema: &Value, depth: usize, parts: &mut Vec<Value>) {
        if depth > MAX_DEPTH {
            return;
        }
        let Some(resolved) = resolve(self.doc.raw(), schema) else {
            return;
        };
        let Some(map) = resolved.as_object() else {
            return;
        };
        let mut own = map.clone();
        let all_of = own.remove("allOf");
        parts.push(Value::Object(own));
        if let Some(Value::Array(items)) = all_of {
            for item in &items {
                self.collect_parts(item, depth + 1, parts);
            }
        }
    }

    fn object(&mut self, schema: &Value, path: &str, depth: usize) -> Value {
        let empty = Map::new();
        let props = schema
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let additional = schema.get("additionalProperties");
        let mut out = Map::new();
        let mut optional_keys = Vec::new();
        for (key, sub) in props {
            let is_required = required.contains(&key.as_str());
            if !is_required {
                let resolved = resolve(self.doc.raw(), sub).unwrap_or(sub);
                let flag = |k: &str| resolved.get(k) == Some(&Value::Bool(true));
                let include = match self.opts.direction {
                    Direction::Response => depth <= OPTIONAL_DEPTH && !flag("writeOnly"),
                    Direction::Request => {
                        !flag("readOnly")
                            && self
                                .opts
                                .hints
                                .get(key)
                                .is_some_and(|hint| self.accepts(sub, hint))
                    }
                };
                if !include {
                    continue;
                }
            }
            let sub_path = format!("{path}/{key}");
            match self.value(sub, &sub_path, Some(key), depth + 1) {
                Some(v) => {
                    if !is_required {
                        optional_keys.push(key.clone());
                    }
                    out.insert(key.clone(), v);
                }
                None if is_required => {
                    tracing::debug!(path = %sub_path, "required property not generated");
                }
                None => {}
            }
        }
        for key in &required {
            if out.contains_key(*key) {
                continue;
            }
            let sub = match additional {
                Some(s @ Value::Object(_)) => s.clone(),
                _ => json!({}),
            };
            let sub_path = format!("{path}/{key}");
            if let Some(v) = self.value(&sub, &sub_path, Some(key), depth + 1) {
                out.insert((*key).to_owned(), v);
            }
        }
        if let Some(max) = count(schema, "maxProperties") {
            while out.len() > max {
                let Some(key) = optional_keys.pop() else {
                    break;
                };
                out.remove(&key);
            }
        }
        if let Some(min) = count(schema, "minProperties")
            && additional != Some(&Value::Bool(false))
        {
            let sub = match additional {
                Some(s @ Value::Object(_)) => s.clone(),
                _ => json!({"type": "string"}),
            };
            let mut i = 1;
            while out.len() < min && i <= min + 1 {
                let key = format!("key{i}");
                i += 1;
                if out.contains_key(&key) {
                    continue;
                }
                if let Some(v) = self.value(&sub, &format!("{path}/{key}"), None, depth + 1) {
                    out.insert(key, v);
                }
            }
        }
        Value::Object(out)
    }

    fn array(&mut self, schema: &Value, path: &str, depth: usize) -> Value {
        let min = count(schema, "minItems").unwrap_or(0);
        let max = count(schema, "maxItems").unwrap_or(usize::MAX);
        let wanted = if depth <= OPTIONAL_DEPTH {
            min.max(1)
        } else {
            min
        };
        let n = wanted.min(max).min(64);
        let items = schema.get("items").cloned().unwrap_or_else(|| json!({}));
        let mut out = Vec::with_capacity(n);
        for i in 0..n {
            let item_schema = match &items {
                // Tuple form: the i-th schema, else `additionalItems`.
                Value::Array(list) => list
                    .get(i)
                    .cloned()
                    .or_else(|| schema.get("additionalItems").cloned())
                    .unwrap_or_else(|| json!({})),
                one => one.clone(),
            };
            match self.value(&item_schema, &format!("{path}/{i}"), None, depth + 1) {
                Some(v) => out.push(v),
                None => break,
            }
        }
        if out.len() < min {
            tracing::debug!(path, "fewer items than minItems");
        }
        Value::Array(out)
    }

    fn number(&self, schema: &Value, integer: bool) -> Value {
        // Draft 4 writes exclusive bounds as booleans, later drafts as numbers: `bounds`
        // reads both.
        let (lower, upper) = bounds(schema);
        let lower = lower.map(|b| (b.value, b.exclusive));
        let upper = upper.map(|b| (b.value, b.exclusive));
        let step = if integer { 1.0 } else { 0.5 };
        let mut v = match (lower, upper) {
            (Some((lo, ex)), _) => {
                if ex {
                    if integer { lo.floor() + 1.0 } else { lo + step }
                } else if integer {
                    lo.ceil()
                } else {
                    lo
                }
            }
            (None, Some((hi, ex))) if hi < 1.0 || (ex && hi <= 1.0) => {
                if ex {
                    if integer { hi.ceil() - 1.0 } else { hi - step }
                } else if integer {
                    hi.floor()
                } else {
                    hi
                }
            }
            _ => 1.0,
        };
        if let Some(m) = number(schema, "multipleOf").filter(|m| *m > 0.0) {
            v = (v / m).ceil() * m;
        }
        if integer || v.fract() == 0.0 && v.abs() < 9.0e15 {
            Value::Number(Number::from(v as i64))
        } else {
            Number::from_f64(v).map_or(json!(1), Value::Number)
        }
    }

    fn string(&self, schema: &Value, path: &str, name: Option<&str>) -> String {
        let min = count(schema, "minLength").unwrap_or(0);
        let max = count(schema, "maxLength").unwrap_or(usize::MAX);
        let fits = |s: &str| {
            let n = s.chars().count();
            n >= min && n <= max
        };
        let ok = |s: &str| fits(s) && self.accepts(schema, &Value::String(s.to_owned()));
        let mut candidates: Vec<String> = Vec::new();
        let format = schema.get("format").and_then(Value::as_str);
        if let Some(f) = format.and_then(|f| format_value(f, || self.uuid(path))) {
            candidates.push(f);
        }
        let lower_name = name.unwrap_or("").to_ascii_lowercase();
        if lower_name.ends_with("id") {
            candidates.push(self.uuid(path));
        }
        if lower_name.contains("email") {
            candidates.push("user@example.com".to_owned());
        }
        if let Some(n) = name.filter(|n| !n.is_empty()) {
            let k = kebab(n);
            if !k.is_empty() {
                candidates.push(k.replace('-', ""));
                candidates.push(k);
            }
        }
        if schema.get("pattern").is_some() {
            candidates.push(self.uuid(path));
        }
        for c in &candidates {
            if ok(c) {
                return c.clone();
            }
        }
        let mut fallbacks: Vec<String> = Vec::new();
        if let Some(pattern) = schema.get("pattern").and_then(Value::as_str) {
            match PatternGen::new(pattern) {
                Some(generator) => {
                    for s in generator.samples() {
                        if ok(&s) {
                            return s;
                        }
                        fallbacks.push(s);
                    }
                }
                None => tracing::warn!(pattern, "pattern not understood; guessing"),
            }
        }
        // Pad or trim the name, then plain letters and digits.
        let base = candidates
            .last()
            .cloned()
            .unwrap_or_else(|| "string".into());
        let mut padded: String = base.chars().take(max.min(4096)).collect();
        while padded.chars().count() < min.min(4096) {
            padded.push('x');
        }
        for s in [
            padded,
            "a".repeat(min.clamp(1, 4096)),
            "0".repeat(min.clamp(1, 4096)),
            "a".repeat(min.min(4096)),
        ] {
            if ok(&s) {
                return s;
            }
            fallbacks.push(s);
        }
        tracing::debug!(path, "no string satisfies the schema; using a best guess");
        fallbacks
            .into_iter()
            .find(|s| fits(s))
            .unwrap_or_else(|| "a".repeat(min.min(4096)))
    }
}

/// Folds one keyword of an `allOf` part into the merged schema.
fn merge_word(merged: &mut Map<String, Value>, key: &str, value: Value, leftover: &mut Vec<Value>) {
    let Some(existing) = merged.get_mut(key) else {
        merged.insert(key.to_owned(), value);
        return;
    };
    match key {
        "properties" => {
            if let (Value::Object(into), Value::Object(from)) = (existing, value) {
                for (name, schema) in from {
                    match into.get_mut(&name) {
                        Some(current) if *current != schema => {
                            let both = json!({"allOf": [current.clone(), schema]});
                            *current = both;
                        }
                        Some(_) => {}
                        None => {
                            into.insert(name, schema);
                        }
                    }
                }
            }
        }
        "required" => {
            if let (Value::Array(into), Value::Array(from)) = (existing, value) {
                for r in from {
                    if !into.contains(&r) {
                        into.push(r);
                    }
                }
            }
        }
        "minLength" | "minItems" | "minProperties" | "minimum" => {
            if value.as_f64() > existing.as_f64() {
                *existing = value;
            }
        }
        "maxLength" | "maxItems" | "maxProperties" | "maximum" => {
            if value.as_f64() < existing.as_f64() {
                *existing = value;
            }
        }
        "enum" => {
            if let (Value::Array(into), Value::Array(from)) = (existing, value) {
                into.retain(|v| from.contains(v));
            }
        }
        "nullable" => {
            if value != Value::Bool(true) {
                *existing = Value::Bool(false);
            }
        }
        "description" | "title" | "example" | "default" | "readOnly" | "writeOnly" => {}
        "additionalProperties" if value == Value::Bool(false) => *existing = value,
        _ => {
            if *existing != value {
                leftover.push(json!({ key: value }));
            }
        }
    }
}

#[cfg(test)]
mod tests;
