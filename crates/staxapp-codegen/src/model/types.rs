//! From JSON schemas (OpenAPI 3.0, as Stax writes them) to Rust types.
//!
//! Every component schema becomes a named type; a schema written inline that needs a name (an
//! object, a string enum) becomes one too, named after where it stands (`Account` +
//! `Status`). What a schema says, and what it becomes:
//!
//! | schema | Rust |
//! |---|---|
//! | `properties` (own, or merged from `allOf`; `anyOf`/`oneOf` objects add theirs as optional) | a struct, its unknown fields and `null`s kept in `extra` |
//! | `enum` of strings (also `anyOf`/`oneOf` of string enums, merged) | an enum with `Unknown(String)` |
//! | `type: array` | `Vec<T>` (a named array component: a newtype) |
//! | `type: object` with only `additionalProperties: <schema>` | `BTreeMap<String, T>` |
//! | `type: object` otherwise | `serde_json::Map<String, Value>` |
//! | `string`, `integer`, `number`, `boolean` | `String`, `i64`, `serde_json::Number` (exact), `bool` |
//! | `nullable: true`, a `null` alternative | `Option` |
//! | alternatives of different kinds, no type at all | `serde_json::Value` |
//!
//! `anyOf` alternatives that only list `required` names are constraints, not shapes: the
//! object's own properties give the struct.

use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value};
use stax_openapi::pointer;

use crate::error::Error;
use crate::input::Input;
use crate::names::{self, Scope};

/// How many `$ref` hops, and how deeply nested schemas, are followed.
const MAX_DEPTH: usize = 64;

/// Keywords that alone make a schema a constraint on an object, not a shape of its own.
const CONSTRAINT_WORDS: [&str; 6] = [
    "required",
    "description",
    "title",
    "minProperties",
    "maxProperties",
    "example",
];

/// The name of a struct's field that keeps what its other fields do not.
pub const EXTRA: &str = "extra";

/// A type's index in [`Types::defs`].
pub type TypeId = usize;

/// A Rust type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ty {
    /// `String`.
    String,
    /// `i64`.
    Integer,
    /// `serde_json::Number` (keeps `20` and `20.0` apart, as received).
    Number,
    /// `bool`.
    Boolean,
    /// `serde_json::Value`.
    Any,
    /// `serde_json::Map<String, Value>`.
    Object,
    /// `Vec<T>`.
    Array(Box<Ty>),
    /// `BTreeMap<String, T>`.
    Map(Box<Ty>),
    /// `Option<T>`: an array item or map value that may be `null`.
    Nullable(Box<Ty>),
    /// A generated type.
    Named(TypeId),
}

/// One field of a struct.
#[derive(Clone, Debug)]
pub struct Field {
    /// Its name in the JSON.
    pub wire: String,
    /// Its Rust name.
    pub ident: String,
    /// Its type (without the `Option` of an optional or nullable field).
    pub ty: Ty,
    /// Listed in `required`.
    pub required: bool,
    /// May be `null`.
    pub nullable: bool,
    /// Held in a `Box` (the type contains itself).
    pub boxed: bool,
    /// What the document says of it.
    pub description: Option<String>,
    /// Facts for its documentation: format, length, pattern, default, read-only.
    pub facts: Vec<String>,
}

impl Field {
    /// Whether the Rust field is an `Option`.
    pub fn optional(&self) -> bool {
        !self.required || self.nullable
    }
}

/// What a generated type is.
#[derive(Clone, Debug)]
pub enum Kind {
    /// Not defined yet (a component being read).
    Pending,
    /// A struct of fields, with `extra`.
    Struct(Vec<Field>),
    /// A string enum: its values, in document order.
    Enum(Vec<String>),
    /// A newtype over `Vec<T>` (a named array).
    Newtype(Ty),
    /// `pub type Name = T;`.
    Alias(Ty),
}

/// A generated type.
#[derive(Clone, Debug)]
pub struct TypeDef {
    /// Its module under `types` (`[]`, `["accounts"]`, `["permission_sets"]`).
    pub module: Vec<String>,
    /// Its Rust name.
    pub name: String,
    /// What it is.
    pub kind: Kind,
    /// A reference to it may be `null`.
    pub nullable: bool,
    /// The document's words about it.
    pub description: Option<String>,
    /// Where it comes from: `accounts.ReadAccounts` (a component) or a JSON pointer.
    pub origin: String,
    /// Whether `Default` can be derived (every required field has a default).
    pub default: bool,
}

/// Where a schema stands: the document, its JSON pointer, and how a type made for it is
/// named and placed.
#[derive(Clone, Debug)]
pub struct Place {
    /// The document's index.
    pub doc: usize,
    /// The schema's JSON pointer.
    pub pointer: String,
    /// The module a type made for it goes in.
    pub module: Vec<String>,
    /// The names to try for such a type, best first.
    pub names: Vec<String>,
    depth: usize,
}

impl Place {
    /// A place at `pointer` of document `doc`, whose types go in `module` named `names`.
    pub fn new(doc: usize, pointer: String, module: Vec<String>, names: Vec<String>) -> Place {
        Place {
            doc,
            pointer,
            module,
            names,
            depth: 0,
        }
    }

    fn deeper(&self, token: &str, names: Vec<String>) -> Result<Place, String> {
        if self.depth >= MAX_DEPTH {
            return Err(format!("schemas nest deeper than {MAX_DEPTH} levels"));
        }
        Ok(Place {
            doc: self.doc,
            pointer: format!("{}/{}", self.pointer, pointer::escape(token)),
            module: self.module.clone(),
            names,
            depth: self.depth + 1,
        })
    }

    fn at(&self, pointer: String) -> Result<Place, String> {
        if self.depth >= MAX_DEPTH {
            return Err(format!("references chain deeper than {MAX_DEPTH} hops"));
        }
        Ok(Place {
            pointer,
            depth: self.depth + 1,
            ..self.clone()
        })
    }
}

/// The properties of an object schema, gathered through `$ref`, `allOf` and the object
/// alternatives of `anyOf`/`oneOf`.
#[derive(Debug, Default)]
struct Parts {
    /// Name, schema, pointer, in document order (the first definition of a name wins).
    properties: Vec<(String, Value, String)>,
    required: Vec<String>,
    additional: Option<(Value, String)>,
    description: Option<String>,
}

/// What a schema is, before types are made for it.
enum Shape {
    Struct(Parts),
    Enum(Vec<String>),
    Array(Value, String),
    Map(Value, String),
    Plain(Ty),
}

/// Every generated type.
#[derive(Debug)]
pub struct Types<'a> {
    /// The documents.
    pub inputs: &'a [Input],
    /// The types, by [`TypeId`].
    pub defs: Vec<TypeDef>,
    scopes: BTreeMap<Vec<String>, Scope>,
    components: HashMap<(usize, String), TypeId>,
}

impl<'a> Types<'a> {
    /// No types yet.
    pub fn new(inputs: &'a [Input]) -> Types<'a> {
        Types {
            inputs,
            defs: Vec::new(),
            scopes: BTreeMap::new(),
            components: HashMap::new(),
        }
    }

    /// Makes a type for every component schema of every document.
    pub fn all_components(&mut self) -> Result<(), Error> {
        for doc in 0..self.inputs.len() {
            let names: Vec<String> = self.inputs[doc]
                .doc
                .pointer("/components/schemas")
                .and_then(Value::as_object)
                .map(|schemas| schemas.keys().cloned().collect())
                .unwrap_or_default();
            for name in names {
                self.component(doc, &name, "/components/schemas")?;
            }
        }
        Ok(())
    }

    /// The Rust type of `schema`, at `place`, and whether it may be `null`.
    pub fn ty(&mut self, schema: &Value, place: &Place) -> Result<(Ty, bool), Error> {
        let (shape, nullable) = self.shape(schema, place)?;
        let ty = match shape {
            Shape::Plain(ty) => ty,
            Shape::Array(items, at) => {
                Ty::Array(Box::new(self.element(&items, place, at, "Item")?))
            }
            Shape::Map(values, at) => Ty::Map(Box::new(self.element(&values, place, at, "Value")?)),
            Shape::Enum(values) => Ty::Named(self.define_enum(place, values)),
            Shape::Struct(parts) => {
                let id = self.claim(place, Kind::Pending, false, parts.description.clone());
                self.fill_struct(id, parts, place)?;
                Ty::Named(id)
            }
        };
        Ok((ty, nullable))
    }

    /// The type of an array item or map value: `Option<T>` when it may be `null`.
    fn element(
        &mut self,
        schema: &Value,
        place: &Place,
        pointer: String,
        suffix: &str,
    ) -> Result<Ty, Error> {
        let mut inner = place.at(pointer).map_err(|e| self.err(place, e))?;
        inner.names = place.names.iter().map(|n| format!("{n}{suffix}")).collect();
        let (ty, nullable) = self.ty(schema, &inner)?;
        Ok(if nullable {
            Ty::Nullable(Box::new(ty))
        } else {
            ty
        })
    }

    /// The type of component `name` of document `doc`, made on first use.
    fn component(&mut self, doc: usize, name: &str, base: &str) -> Result<TypeId, Error> {
        if let Some(id) = self.components.get(&(doc, name.to_owned())) {
            return Ok(*id);
        }
        let pointer = format!("{base}/{}", pointer::escape(name));
        let input = &self.inputs[doc];
        let Some(schema) = input.doc.pointer(&pointer).cloned() else {
            return Err(Error::unsupported(
                &input.name,
                &pointer,
                "the document has no such component schema",
            ));
        };
        // `accounts.ReadAccounts` lives in module `accounts` as `ReadAccounts`.
        let mut module = input.api.types_module();
        let mut words: Vec<&str> = name.split('.').collect();
        let last = words.pop().unwrap_or(name);
        module.extend(words.iter().map(|w| names::snake(w, "models")));
        let place = Place::new(
            doc,
            pointer.clone(),
            module,
            vec![names::pascal(last, "Schema")],
        );
        let nullable = self.nullable_of(&schema, doc, 0);
        let description = text(&schema, "description");
        let id = self.claim(&place, Kind::Pending, nullable, description);
        self.defs[id].origin = name.to_owned();
        self.components.insert((doc, name.to_owned()), id);
        let (shape, shape_nullable) = self.shape(&schema, &place)?;
        self.defs[id].nullable |= shape_nullable;
        let place = Place {
            names: vec![self.defs[id].name.clone()],
            ..place
        };
        match shape {
            Shape::Struct(parts) => {
                if self.defs[id].description.is_none() {
                    self.defs[id].description = parts.description.clone();
                }
                self.fill_struct(id, parts, &place)?;
            }
            Shape::Enum(values) => self.defs[id].kind = Kind::Enum(values),
            Shape::Array(items, at) => {
                let item = self.element(&items, &place, at, "Item")?;
                self.defs[id].kind = Kind::Newtype(Ty::Array(Box::new(item)));
            }
            Shape::Map(values, at) => {
                let value = self.element(&values, &place, at, "Value")?;
                self.defs[id].kind = Kind::Alias(Ty::Map(Box::new(value)));
            }
            Shape::Plain(ty) => self.defs[id].kind = Kind::Alias(ty),
        }
        Ok(id)
    }

    /// Registers a type named by the first free name of `place`.
    fn claim(
        &mut self,
        place: &Place,
        kind: Kind,
        nullable: bool,
        description: Option<String>,
    ) -> TypeId {
        let scope = self.scopes.entry(place.module.clone()).or_default();
        let first = place
            .names
            .first()
            .cloned()
            .unwrap_or_else(|| "Value".into());
        let rest: Vec<&str> = place.names.iter().skip(1).map(String::as_str).collect();
        let name = if rest.is_empty() {
            scope.claim(&first, &[])
        } else {
            // Try the other names whole before numbering the first.
            match std::iter::once(&first)
                .chain(place.names.iter().skip(1))
                .find(|n| !scope.contains(n))
            {
                Some(free) => scope.claim(free, &[]),
                None => scope.claim(&first, &[]),
            }
        };
        self.defs.push(TypeDef {
            module: place.module.clone(),
            name,
            kind,
            nullable,
            description,
            origin: place.pointer.clone(),
            default: false,
        });
        self.defs.len() - 1
    }

    /// An enum of `values` at `place`; an identical enum of the same first name in the same
    /// module is reused.
    fn define_enum(&mut self, place: &Place, values: Vec<String>) -> TypeId {
        for name in &place.names {
            if let Some(id) = self.defs.iter().position(|d| {
                d.module == place.module
                    && &d.name == name
                    && matches!(&d.kind, Kind::Enum(v) if *v == values)
            }) {
                return id;
            }
        }
        self.claim(place, Kind::Enum(values), false, None)
    }

    /// Types the fields of struct `id`.
    fn fill_struct(&mut self, id: TypeId, parts: Parts, place: &Place) -> Result<(), Error> {
        let struct_name = self.defs[id].name.clone();
        let mut scope = Scope::with_reserved(&[EXTRA]);
        let mut fields = Vec::with_capacity(parts.properties.len());
        for (wire, schema, at) in &parts.properties {
            let mut inner = place.at(at.clone()).map_err(|e| self.err(place, e))?;
            inner.names = vec![format!("{struct_name}{}", names::pascal(wire, "Field"))];
            let (ty, nullable) = self.ty(schema, &inner)?;
            let resolved = self.resolve_lenient(place.doc, schema);
            // A named type documents itself; an inline one lends its words to the field.
            let by_reference = schema.get("$ref").is_some();
            let description = text(schema, "description").or_else(|| {
                (!by_reference)
                    .then(|| text(resolved, "description"))
                    .flatten()
            });
            let ident = scope.claim(&names::snake(wire, "field"), &["field"]);
            let own_nullable = schema.get("nullable") == Some(&Value::Bool(true));
            fields.push(Field {
                wire: wire.clone(),
                ident,
                ty,
                required: parts.required.contains(wire),
                nullable: nullable || own_nullable,
                boxed: false,
                description,
                facts: facts(resolved),
            });
        }
        self.defs[id].kind = Kind::Struct(fields);
        Ok(())
    }

    /// What `schema` is, and whether it may be `null`.
    fn shape(&mut self, schema: &Value, place: &Place) -> Result<(Shape, bool), Error> {
        let object = match schema {
            Value::Bool(_) => return Ok((Shape::Plain(Ty::Any), false)),
            Value::Object(object) => object,
            other => {
                return Err(self.err(place, format!("a schema must be an object, found {other}")));
            }
        };
        let own_nullable = object.get("nullable") == Some(&Value::Bool(true));
        if let Some(reference) = object.get("$ref") {
            let Some(reference) = reference.as_str() else {
                return Err(self.err(place, "`$ref` must be a string"));
            };
            let at = self.reference_pointer(place, reference)?;
            if let Some(name) = at
                .strip_prefix("/components/schemas/")
                .filter(|n| !n.contains('/'))
            {
                let name = pointer::unescape(name).unwrap_or_default().into_owned();
                let id = self.component(place.doc, &name, "/components/schemas")?;
                let nullable = self.defs[id].nullable || own_nullable;
                return Ok((Shape::Plain(Ty::Named(id)), nullable));
            }
            let target = self.lookup(place, &at)?;
            let inner = place.at(at).map_err(|e| self.err(place, e))?;
            let (shape, nullable) = self.shape(&target, &inner)?;
            return Ok((shape, nullable || own_nullable));
        }
        let (alternatives, null_alternative) = self.alternatives(object, place)?;
        let has_own_shape = ["type", "properties", "items", "enum", "allOf"]
            .iter()
            .any(|k| object.contains_key(*k));
        let nullable = own_nullable || null_alternative || self.type_admits_null(object);
        if !alternatives.is_empty() && !has_own_shape {
            return self.alternatives_shape(alternatives, place, nullable);
        }
        // `allOf` of one part and nothing else is that part.
        if let Some(Value::Array(members)) = object.get("allOf")
            && members.len() == 1
            && ![
                "type",
                "properties",
                "items",
                "enum",
                "additionalProperties",
            ]
            .iter()
            .any(|k| object.contains_key(*k))
        {
            let inner = place
                .deeper("allOf", place.names.clone())
                .map_err(|e| self.err(place, e))?;
            let inner = inner
                .deeper("0", place.names.clone())
                .map_err(|e| self.err(place, e))?;
            let (shape, member_nullable) = self.shape(&members[0], &inner)?;
            return Ok((shape, nullable || member_nullable));
        }
        if let Some(values) = self.string_enum(object) {
            return Ok((Shape::Enum(values), nullable));
        }
        let declared = self.declared_type(object);
        if object.contains_key("properties")
            || object.contains_key("allOf")
            || declared.as_deref() == Some("object")
        {
            let mut parts = Parts::default();
            self.gather(schema, place, &mut parts, true, 0)?;
            if !parts.properties.is_empty() {
                return Ok((Shape::Struct(parts), nullable));
            }
            if let Some((values, at)) = parts.additional {
                return Ok((Shape::Map(values, at), nullable));
            }
            if declared.as_deref() == Some("object") || object.contains_key("properties") {
                return Ok((Shape::Plain(Ty::Object), nullable));
            }
            // An `allOf` of parts without properties: the first part's shape.
            if let Some(Value::Array(members)) = object.get("allOf")
                && let Some(first) = members.first()
            {
                let inner = place
                    .deeper("allOf", place.names.clone())
                    .map_err(|e| self.err(place, e))?;
                let (shape, member_nullable) = self.shape(first, &inner)?;
                return Ok((shape, nullable || member_nullable));
            }
        }
        let shape = match declared.as_deref() {
            Some("string") => Shape::Plain(Ty::String),
            Some("integer") => Shape::Plain(Ty::Integer),
            Some("number") => Shape::Plain(Ty::Number),
            Some("boolean") => Shape::Plain(Ty::Boolean),
            Some("array") | None if object.contains_key("items") || declared.is_some() => {
                let at = format!("{}/items", place.pointer);
                match object.get("items") {
                    Some(items) if items.is_object() => Shape::Array(items.clone(), at),
                    _ => Shape::Plain(Ty::Array(Box::new(Ty::Any))),
                }
            }
            _ => Shape::Plain(Ty::Any),
        };
        Ok((shape, nullable))
    }

    /// The shape of alternatives (`anyOf`/`oneOf`) that are shapes, not constraints.
    fn alternatives_shape(
        &mut self,
        alternatives: Vec<(Value, String)>,
        place: &Place,
        nullable: bool,
    ) -> Result<(Shape, bool), Error> {
        if let [(only, at)] = alternatives.as_slice() {
            let inner = place.at(at.clone()).map_err(|e| self.err(place, e))?;
            let inner = Place {
                names: place.names.clone(),
                ..inner
            };
            let (shape, alt_nullable) = self.shape(only, &inner)?;
            return Ok((shape, nullable || alt_nullable));
        }
        let kinds: Vec<Alt> = alternatives
            .iter()
            .map(|(schema, _)| self.alt_kind(place.doc, schema, 0))
            .collect();
        if kinds.iter().all(|k| matches!(k, Alt::String(_))) {
            let mut values: Vec<String> = Vec::new();
            let mut all_enums = true;
            for kind in &kinds {
                match kind {
                    Alt::String(Some(vals)) => {
                        for v in vals {
                            if !values.contains(v) {
                                values.push(v.clone());
                            }
                        }
                    }
                    _ => all_enums = false,
                }
            }
            return Ok((
                if all_enums {
                    Shape::Enum(values)
                } else {
                    Shape::Plain(Ty::String)
                },
                nullable,
            ));
        }
        if kinds.iter().all(|k| matches!(k, Alt::Object)) {
            let mut parts = Parts::default();
            for (schema, at) in &alternatives {
                let inner = place.at(at.clone()).map_err(|e| self.err(place, e))?;
                self.gather(schema, &inner, &mut parts, false, 0)?;
            }
            if !parts.properties.is_empty() {
                return Ok((Shape::Struct(parts), nullable));
            }
            return Ok((Shape::Plain(Ty::Object), nullable));
        }
        if kinds
            .iter()
            .all(|k| matches!(k, Alt::Integer | Alt::Number))
        {
            return Ok((Shape::Plain(Ty::Number), nullable));
        }
        Ok((Shape::Plain(Ty::Any), nullable))
    }

    /// The `anyOf`/`oneOf` alternatives of `object` that are shapes (with their pointers),
    /// and whether one of them is `null`.
    fn alternatives(
        &self,
        object: &Map<String, Value>,
        place: &Place,
    ) -> Result<(Vec<(Value, String)>, bool), Error> {
        let mut out = Vec::new();
        let mut null = false;
        for keyword in ["anyOf", "oneOf"] {
            let Some(members) = object.get(keyword) else {
                continue;
            };
            let Some(members) = members.as_array() else {
                return Err(self.err(place, format!("`{keyword}` must be a list of schemas")));
            };
            for (i, member) in members.iter().enumerate() {
                let resolved = self.resolve_lenient(place.doc, member);
                if is_null_schema(resolved) {
                    null = true;
                    continue;
                }
                let constraint = member.as_object().is_some_and(|m| {
                    !m.is_empty() && m.keys().all(|k| CONSTRAINT_WORDS.contains(&k.as_str()))
                });
                if constraint {
                    continue;
                }
                out.push((member.clone(), format!("{}/{keyword}/{i}", place.pointer)));
            }
        }
        Ok((out, null))
    }

    /// Gathers the properties of an object schema into `parts` (`binding`: its `required`
    /// counts).
    fn gather(
        &self,
        schema: &Value,
        place: &Place,
        parts: &mut Parts,
        binding: bool,
        depth: usize,
    ) -> Result<(), Error> {
        if depth > MAX_DEPTH {
            return Err(self.err(place, "`allOf` or `$ref` nest too deeply (a cycle?)"));
        }
        let (schema, pointer) = match schema.get("$ref").and_then(Value::as_str) {
            Some(reference) => {
                let at = self.reference_pointer(place, reference)?;
                (self.lookup(place, &at)?, at)
            }
            None => (schema.clone(), place.pointer.clone()),
        };
        if schema.get("$ref").is_some() {
            let inner = place.at(pointer).map_err(|e| self.err(place, e))?;
            return self.gather(&schema, &inner, parts, binding, depth + 1);
        }
        let Some(object) = schema.as_object() else {
            return Ok(());
        };
        if parts.description.is_none() {
            parts.description = text(&schema, "description");
        }
        if binding && let Some(required) = object.get("required").and_then(Value::as_array) {
            parts
                .required
                .extend(required.iter().filter_map(Value::as_str).map(str::to_owned));
        }
        if let Some(members) = object.get("allOf").and_then(Value::as_array) {
            for (i, member) in members.iter().enumerate() {
                let inner = place
                    .at(format!("{pointer}/allOf/{i}"))
                    .map_err(|e| self.err(place, e))?;
                self.gather(member, &inner, parts, binding, depth + 1)?;
            }
        }
        if let Some(properties) = object.get("properties").and_then(Value::as_object) {
            for (name, property) in properties {
                if !parts.properties.iter().any(|(n, _, _)| n == name) {
                    parts.properties.push((
                        name.clone(),
                        property.clone(),
                        format!("{pointer}/properties/{}", pointer::escape(name)),
                    ));
                }
            }
        }
        if parts.additional.is_none()
            && let Some(additional) = object.get("additionalProperties")
            && additional.as_object().is_some_and(|a| !a.is_empty())
        {
            parts.additional = Some((
                additional.clone(),
                format!("{pointer}/additionalProperties"),
            ));
        }
        // Object alternatives add their properties, optional.
        let (alternatives, _) = self.alternatives(
            object,
            &place.at(pointer.clone()).map_err(|e| self.err(place, e))?,
        )?;
        for (member, at) in alternatives {
            if matches!(self.alt_kind(place.doc, &member, 0), Alt::Object) {
                let inner = place.at(at).map_err(|e| self.err(place, e))?;
                self.gather(&member, &inner, parts, false, depth + 1)?;
            }
        }
        Ok(())
    }

    /// The pointer a local reference names; an error for any other reference.
    fn reference_pointer(&self, place: &Place, reference: &str) -> Result<String, Error> {
        match pointer::target(reference) {
            Some(at) => Ok(at.into_owned()),
            None => Err(self.err(
                place,
                format!(
                    "the reference {reference:?} points outside the document; only local references (#/...) can be followed"
                ),
            )),
        }
    }

    /// The value at `at` of the place's document.
    fn lookup(&self, place: &Place, at: &str) -> Result<Value, Error> {
        self.inputs[place.doc]
            .doc
            .pointer(at)
            .cloned()
            .ok_or_else(|| self.err(place, format!("the reference to {at:?} leads nowhere")))
    }

    /// `value` with its `$ref`s followed as far as they lead.
    fn resolve_lenient<'v>(&'v self, doc: usize, value: &'v Value) -> &'v Value {
        pointer::resolve_lenient(&self.inputs[doc].doc, value)
    }

    /// Whether a schema (following `$ref`s) admits `null`.
    fn nullable_of(&self, schema: &Value, doc: usize, depth: usize) -> bool {
        if depth > MAX_DEPTH {
            return false;
        }
        let Some(object) = schema.as_object() else {
            return false;
        };
        if object.get("nullable") == Some(&Value::Bool(true)) || self.type_admits_null(object) {
            return true;
        }
        if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
            return pointer::lookup(&self.inputs[doc].doc, reference)
                .is_some_and(|target| self.nullable_of(target, doc, depth + 1));
        }
        ["anyOf", "oneOf"].iter().any(|k| {
            object.get(*k).and_then(Value::as_array).is_some_and(|m| {
                m.iter()
                    .any(|m| is_null_schema(self.resolve_lenient(doc, m)))
            })
        })
    }

    fn type_admits_null(&self, object: &Map<String, Value>) -> bool {
        let by_type = match object.get("type") {
            Some(Value::String(t)) => t == "null",
            Some(Value::Array(types)) => types.iter().any(|t| t == "null"),
            _ => false,
        };
        by_type
            || object
                .get("enum")
                .and_then(Value::as_array)
                .is_some_and(|values| values.iter().any(Value::is_null))
    }

    /// The one non-null type a schema declares, if it declares one.
    fn declared_type(&self, object: &Map<String, Value>) -> Option<String> {
        match object.get("type") {
            Some(Value::String(t)) => Some(t.clone()),
            Some(Value::Array(types)) => {
                let named: Vec<&str> = types
                    .iter()
                    .filter_map(Value::as_str)
                    .filter(|t| *t != "null")
                    .collect();
                match named.as_slice() {
                    [one] => Some((*one).to_owned()),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// The values of a string enum (`null` left out), if `object` is one.
    fn string_enum(&self, object: &Map<String, Value>) -> Option<Vec<String>> {
        let values = object.get("enum")?.as_array()?;
        if !matches!(self.declared_type(object).as_deref(), None | Some("string")) {
            return None;
        }
        let mut out: Vec<String> = Vec::new();
        for value in values {
            match value {
                Value::String(s) if !out.contains(s) => out.push(s.clone()),
                Value::String(_) | Value::Null => {}
                _ => return None,
            }
        }
        (!out.is_empty()).then_some(out)
    }

    /// What kind of value an alternative is.
    fn alt_kind(&self, doc: usize, schema: &Value, depth: usize) -> Alt {
        let schema = self.resolve_lenient(doc, schema);
        let Some(object) = schema.as_object() else {
            return Alt::Other;
        };
        if let Some(values) = self.string_enum(object) {
            return Alt::String(Some(values));
        }
        match self.declared_type(object).as_deref() {
            Some("string") => Alt::String(None),
            Some("integer") => Alt::Integer,
            Some("number") => Alt::Number,
            Some("object") => Alt::Object,
            Some(_) => Alt::Other,
            None if object.contains_key("properties") => Alt::Object,
            None if depth < MAX_DEPTH => {
                // An alternative that is itself alternatives of one kind.
                let members: Vec<&Value> = ["anyOf", "oneOf", "allOf"]
                    .iter()
                    .filter_map(|k| object.get(*k).and_then(Value::as_array))
                    .flatten()
                    .filter(|m| !is_null_schema(self.resolve_lenient(doc, m)))
                    .collect();
                let kinds: Vec<Alt> = members
                    .iter()
                    .map(|m| self.alt_kind(doc, m, depth + 1))
                    .collect();
                match kinds.first() {
                    Some(Alt::Object) if kinds.iter().all(|k| matches!(k, Alt::Object)) => {
                        Alt::Object
                    }
                    Some(Alt::String(_)) if kinds.iter().all(|k| matches!(k, Alt::String(_))) => {
                        let mut values = Vec::new();
                        for kind in &kinds {
                            match kind {
                                Alt::String(Some(v)) => values.extend(v.iter().cloned()),
                                _ => return Alt::String(None),
                            }
                        }
                        Alt::String(Some(values))
                    }
                    _ => Alt::Other,
                }
            }
            None => Alt::Other,
        }
    }

    fn err(&self, place: &Place, reason: impl Into<String>) -> Error {
        Error::unsupported(&self.inputs[place.doc].name, &place.pointer, reason)
    }

    /// Finishes the types: a field whose type contains its own struct is boxed, and structs
    /// whose required fields all have defaults implement `Default`.
    pub fn finish(&mut self) {
        // Boxes: a field leading back to its own struct without a Vec or map between.
        let mut boxes = Vec::new();
        for (id, def) in self.defs.iter().enumerate() {
            if let Kind::Struct(fields) = &def.kind {
                for (i, field) in fields.iter().enumerate() {
                    if let Some(target) = self.direct(&field.ty)
                        && self.reaches(target, id, &mut Vec::new())
                    {
                        boxes.push((id, i));
                    }
                }
            }
        }
        for (id, i) in boxes {
            if let Kind::Struct(fields) = &mut self.defs[id].kind {
                fields[i].boxed = true;
            }
        }
        // Defaults, to a fixed point.
        loop {
            let mut changed = false;
            for id in 0..self.defs.len() {
                if self.defs[id].default {
                    continue;
                }
                let default = match &self.defs[id].kind {
                    Kind::Struct(fields) => fields
                        .iter()
                        .all(|f| f.optional() || self.has_default(&f.ty)),
                    Kind::Newtype(_) => true,
                    Kind::Alias(ty) => self.has_default(ty),
                    Kind::Enum(_) | Kind::Pending => false,
                };
                if default {
                    self.defs[id].default = true;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
    }

    /// The struct a field type holds directly (not behind a Vec or map), through aliases.
    fn direct(&self, ty: &Ty) -> Option<TypeId> {
        match ty {
            Ty::Named(id) => match &self.defs[*id].kind {
                Kind::Struct(_) => Some(*id),
                Kind::Alias(inner) => self.direct(inner),
                _ => None,
            },
            Ty::Nullable(inner) => self.direct(inner),
            _ => None,
        }
    }

    /// Whether struct `from` holds `to` directly, through any chain of fields.
    fn reaches(&self, from: TypeId, to: TypeId, seen: &mut Vec<TypeId>) -> bool {
        if from == to {
            return true;
        }
        if seen.contains(&from) {
            return false;
        }
        seen.push(from);
        match &self.defs[from].kind {
            Kind::Struct(fields) => fields.iter().any(|f| {
                !f.boxed
                    && self
                        .direct(&f.ty)
                        .is_some_and(|next| self.reaches(next, to, seen))
            }),
            _ => false,
        }
    }

    fn has_default(&self, ty: &Ty) -> bool {
        match ty {
            Ty::Number => false,
            Ty::Named(id) => self.defs[*id].default,
            _ => true,
        }
    }
}

/// The kind of an `anyOf`/`oneOf` alternative.
enum Alt {
    String(Option<Vec<String>>),
    Integer,
    Number,
    Object,
    Other,
}

/// Whether a (resolved) schema is only `null`.
fn is_null_schema(schema: &Value) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("null")
        || schema
            .get("enum")
            .and_then(Value::as_array)
            .is_some_and(|values| !values.is_empty() && values.iter().all(Value::is_null))
}

/// The non-blank string `key` of a schema.
pub fn text(schema: &Value, key: &str) -> Option<String> {
    schema
        .get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// Facts about a value for its documentation: format, lengths, pattern, bounds, default,
/// read-only.
pub fn facts(schema: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let get = |key: &str| schema.get(key);
    if let Some(format) = get("format").and_then(Value::as_str) {
        out.push(format!("format `{format}`"));
    }
    match (
        get("minLength").and_then(Value::as_u64),
        get("maxLength").and_then(Value::as_u64),
    ) {
        (Some(a), Some(b)) => out.push(format!("{a} to {b} characters")),
        (Some(a), None) => out.push(format!("at least {a} characters")),
        (None, Some(b)) => out.push(format!("at most {b} characters")),
        (None, None) => {}
    }
    if let Some(pattern) = get("pattern").and_then(Value::as_str) {
        out.push(format!("matches `{pattern}`"));
    }
    match (get("minimum"), get("maximum")) {
        (Some(a), Some(b)) => out.push(format!("from {a} to {b}")),
        (Some(a), None) => out.push(format!("at least {a}")),
        (None, Some(b)) => out.push(format!("at most {b}")),
        (None, None) => {}
    }
    if let Some(default) = get("default") {
        out.push(format!("default `{default}`"));
    }
    if get("readOnly") == Some(&Value::Bool(true)) {
        out.push("read-only: set by Stax".to_owned());
    }
    out
}
