//! The models: structs that read and write their JSON exactly, enums that take any string,
//! newtypes over named lists, aliases; and `wait` on the answers that can be waited for.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::{self, attrs};
use super::{ident, path_tokens, relative, type_tokens};
use crate::model::Model;
use crate::model::operations::Wait;
use crate::model::types::{EXTRA, Field, Kind, TypeDef, TypeId};
use crate::names::{self, Scope};

const SERDE: &str = "::staxapp::typed::serde";

/// The items of type `id`, written in module `from`.
pub fn definition(model: &Model<'_>, id: TypeId, from: &[String]) -> TokenStream {
    let def = &model.types.defs[id];
    let name = format_ident!("{}", def.name);
    let doc = attrs(&type_doc(def));
    let items = match &def.kind {
        Kind::Struct(fields) => structure(model, def, fields, from),
        Kind::Enum(values) => enumeration(&name, values),
        Kind::Newtype(list) => {
            let element = match list {
                crate::model::types::Ty::Array(item) => type_tokens(&model.types, item, from),
                other => type_tokens(&model.types, other, from),
            };
            newtype(&name, &element, def.default)
        }
        Kind::Alias(ty) => {
            let ty = type_tokens(&model.types, ty, from);
            quote! { pub type #name = #ty; }
        }
        Kind::Pending => unreachable!("every type is defined before it is written"),
    };
    let wait = model
        .waits
        .get(&id)
        .map(|wait| waiting(model, &name, wait, from))
        .unwrap_or_default();
    quote! {
        #doc
        #items
        #wait
    }
}

/// A type's documentation: the document's words, then where it comes from.
fn type_doc(def: &TypeDef) -> Vec<String> {
    let mut lines = def
        .description
        .as_deref()
        .map(docs::prose)
        .unwrap_or_default();
    if !lines.is_empty() {
        lines.push(String::new());
    }
    let origin = if def.origin.starts_with('/') {
        format!("A schema of the document, at {}.", docs::code(&def.origin))
    } else {
        format!("The document's schema {}.", docs::code(&def.origin))
    };
    lines.push(origin);
    lines
}

fn structure(model: &Model<'_>, def: &TypeDef, fields: &[Field], from: &[String]) -> TokenStream {
    let name = format_ident!("{}", def.name);
    let json = path_tokens("::staxapp::typed::serde_json");
    let serde = path_tokens(SERDE);
    let extra = format_ident!("{}", EXTRA);
    let declared = fields.iter().map(|f| {
        let field = ident(&f.ident);
        let mut ty = type_tokens(&model.types, &f.ty, from);
        if f.boxed {
            ty = quote! { ::std::boxed::Box<#ty> };
        }
        if f.optional() {
            ty = quote! { ::std::option::Option<#ty> };
        }
        let doc = attrs(&field_doc(f));
        quote! {
            #doc
            pub #field: #ty,
        }
    });
    let slots: Vec<proc_macro2::Ident> = (0..fields.len())
        .map(|i| format_ident!("field{}", i))
        .collect();
    let declare = slots.iter().map(|slot| {
        quote! { let mut #slot = ::std::option::Option::None; }
    });
    let arms = fields.iter().zip(&slots).map(|(f, slot)| {
        let wire = &f.wire;
        if f.required {
            quote! { #wire => ::staxapp::typed::de::required(&mut __map, #wire, &mut #slot)?, }
        } else {
            quote! {
                #wire => ::staxapp::typed::de::optional(&mut __map, #wire, &mut #slot, &mut __extra)?,
            }
        }
    });
    let build = fields.iter().zip(&slots).map(|(f, slot)| {
        let field = ident(&f.ident);
        let wire = &f.wire;
        if f.required {
            quote! { #field: ::staxapp::typed::de::present::<_, __A::Error>(#wire, #slot)?, }
        } else {
            quote! { #field: #slot, }
        }
    });
    let write = fields.iter().map(|f| {
        let field = ident(&f.ident);
        let wire = &f.wire;
        if f.required {
            quote! { object.required(#wire, &self.#field)?; }
        } else {
            quote! { object.optional(#wire, &self.#field)?; }
        }
    });
    let derive_default = def.default.then(|| quote! { Default, });
    let expecting = format!("a JSON object ({})", def.origin);
    quote! {
        #[derive(Clone, Debug, PartialEq, #derive_default)]
        pub struct #name {
            #(#declared)*
            /// What the JSON held besides the fields above: fields this code does not know (a
            /// newer installation's), and the `null` of an optional field that is `None`.
            /// Written back as it is.
            pub #extra: #json::Map<::std::string::String, #json::Value>,
        }

        impl<'de> #serde::Deserialize<'de> for #name {
            fn deserialize<D: #serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                struct __Fields;

                impl<'de> #serde::de::Visitor<'de> for __Fields {
                    type Value = #name;

                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(#expecting)
                    }

                    fn visit_map<__A: #serde::de::MapAccess<'de>>(
                        self,
                        mut __map: __A,
                    ) -> ::std::result::Result<#name, __A::Error> {
                        #(#declare)*
                        let mut __extra = #json::Map::new();
                        while let ::std::option::Option::Some(__key) =
                            __map.next_key::<::std::string::String>()?
                        {
                            match __key.as_str() {
                                #(#arms)*
                                _ => ::staxapp::typed::de::unknown(&mut __map, __key, &mut __extra)?,
                            }
                        }
                        ::std::result::Result::Ok(#name {
                            #(#build)*
                            #extra: __extra,
                        })
                    }
                }

                deserializer.deserialize_map(__Fields)
            }
        }

        impl #serde::Serialize for #name {
            fn serialize<S: #serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                let mut object = ::staxapp::typed::ser::Object::new(serializer)?;
                #(#write)*
                object.end(&self.#extra)
            }
        }
    }
}

/// A field's documentation: the document's words, then its name in the JSON and its facts.
fn field_doc(field: &Field) -> Vec<String> {
    let mut lines = field
        .description
        .as_deref()
        .map(docs::prose)
        .unwrap_or_default();
    if !lines.is_empty() {
        lines.push(String::new());
    }
    let presence = match (field.required, field.nullable) {
        (true, false) => "required",
        (true, true) => "required, may be `null` (`None`)",
        (false, false) => "optional",
        (false, true) => "optional, may be `null`",
    };
    let mut line = format!("{}: {presence}", docs::code(&field.wire));
    for fact in &field.facts {
        line.push_str("; ");
        line.push_str(&fact_text(fact));
    }
    line.push('.');
    lines.push(line);
    lines
}

/// A fact for documentation: its code spans kept, the rest escaped.
pub fn fact_text(fact: &str) -> String {
    // Facts are written as `text `code` text`; only the code parts come from the document.
    let mut out = String::new();
    for (i, part) in fact.split('`').enumerate() {
        if i % 2 == 1 {
            out.push_str(&docs::code(part));
        } else {
            out.push_str(&docs::escape(part));
        }
    }
    out
}

fn enumeration(name: &proc_macro2::Ident, values: &[String]) -> TokenStream {
    let serde = path_tokens(SERDE);
    let mut scope = Scope::with_reserved(&["Unknown"]);
    let variants: Vec<proc_macro2::Ident> = values
        .iter()
        .map(|v| format_ident!("{}", scope.claim(&names::pascal(v, "Value"), &["Value"])))
        .collect();
    let declared = values.iter().zip(&variants).map(|(value, variant)| {
        let doc = format!(" {}", docs::code(value));
        quote! {
            #[doc = #doc]
            #variant,
        }
    });
    let as_str = values.iter().zip(&variants).map(|(value, variant)| {
        quote! { Self::#variant => #value, }
    });
    let from = values.iter().zip(&variants).map(|(value, variant)| {
        quote! { #value => Self::#variant, }
    });
    let from_string = from.clone();
    quote! {
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub enum #name {
            #(#declared)*
            /// A value the document did not list (from an installation newer than this code).
            Unknown(::std::string::String),
        }

        impl #name {
            /// Every value the document lists.
            pub const VALUES: &'static [&'static str] = &[#(#values),*];

            /// The value as sent and received.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#as_str)*
                    Self::Unknown(value) => value,
                }
            }
        }

        impl ::std::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#from)*
                    other => Self::Unknown(::std::borrow::ToOwned::to_owned(other)),
                }
            }
        }

        impl ::std::convert::From<::std::string::String> for #name {
            fn from(value: ::std::string::String) -> Self {
                match value.as_str() {
                    #(#from_string)*
                    _ => Self::Unknown(value),
                }
            }
        }

        impl ::std::str::FromStr for #name {
            type Err = ::std::convert::Infallible;

            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                ::std::result::Result::Ok(Self::from(value))
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::convert::AsRef<str> for #name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl #serde::Serialize for #name {
            fn serialize<S: #serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> #serde::Deserialize<'de> for #name {
            fn deserialize<D: #serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                let value =
                    <::std::string::String as #serde::Deserialize>::deserialize(deserializer)?;
                ::std::result::Result::Ok(Self::from(value))
            }
        }
    }
}

fn newtype(name: &proc_macro2::Ident, element: &TokenStream, default: bool) -> TokenStream {
    let serde = path_tokens(SERDE);
    let derive_default = default.then(|| quote! { Default, });
    quote! {
        #[derive(Clone, Debug, PartialEq, #derive_default)]
        pub struct #name(pub ::std::vec::Vec<#element>);

        impl ::std::ops::Deref for #name {
            type Target = ::std::vec::Vec<#element>;

            fn deref(&self) -> &Self::Target {
                &self.0
            }
        }

        impl ::std::ops::DerefMut for #name {
            fn deref_mut(&mut self) -> &mut Self::Target {
                &mut self.0
            }
        }

        impl ::std::convert::From<::std::vec::Vec<#element>> for #name {
            fn from(items: ::std::vec::Vec<#element>) -> Self {
                Self(items)
            }
        }

        impl ::std::iter::FromIterator<#element> for #name {
            fn from_iter<I: ::std::iter::IntoIterator<Item = #element>>(items: I) -> Self {
                Self(::std::iter::FromIterator::from_iter(items))
            }
        }

        impl ::std::iter::IntoIterator for #name {
            type Item = #element;
            type IntoIter = ::std::vec::IntoIter<#element>;

            fn into_iter(self) -> Self::IntoIter {
                self.0.into_iter()
            }
        }

        impl<'a> ::std::iter::IntoIterator for &'a #name {
            type Item = &'a #element;
            type IntoIter = ::std::slice::Iter<'a, #element>;

            fn into_iter(self) -> Self::IntoIter {
                self.0.iter()
            }
        }

        impl #serde::Serialize for #name {
            fn serialize<S: #serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                #serde::Serialize::serialize(&self.0, serializer)
            }
        }

        impl<'de> #serde::Deserialize<'de> for #name {
            fn deserialize<D: #serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                ::std::result::Result::Ok(Self(#serde::Deserialize::deserialize(deserializer)?))
            }
        }
    }
}

/// `wait` (and, with `blocking`, `wait_blocking`) on an answer type.
fn waiting(
    model: &Model<'_>,
    name: &proc_macro2::Ident,
    wait: &Wait,
    from: &[String],
) -> TokenStream {
    let client = path_tokens(&relative(from, &[], "Client"));
    match wait {
        Wait::Task(task) => {
            let task = type_tokens(&model.types, task, from);
            quote! {
                impl #name {
                    /// Waits for the task of this answer (its `TaskId`) to end: reads
                    /// `tasks.ReadTask` with a growing pause until the task is `SUCCEEDED` (its
                    /// last answer) or `FAILED` (an error carrying its logs), or until
                    /// `options.timeout`.
                    pub async fn wait(
                        &self,
                        client: &#client,
                        options: ::staxapp::tasks::WaitOptions,
                    ) -> ::staxapp::Result<#task> {
                        ::staxapp::typed::wait_for_task(client.handle(), self, options).await
                    }
                }

                ::staxapp::__typed_blocking_wait!(#name, #client, task, #task);
            }
        }
        Wait::Assignments(record) => {
            let record = type_tokens(&model.types, record, from);
            quote! {
                impl #name {
                    /// Waits for the permission set assignments of this answer to reach
                    /// `DEPLOYMENT_COMPLETE` (or `DELETE_COMPLETE` after a deletion), reading
                    /// `ListPermissionSetAssignments`; `*_FAILED` is an error. Each comes back as
                    /// last listed, `None` when it is no longer listed.
                    pub async fn wait(
                        &self,
                        client: &#client,
                        options: ::staxapp::assignments::AssignmentWaitOptions,
                    ) -> ::staxapp::Result<::std::vec::Vec<::std::option::Option<#record>>> {
                        ::staxapp::typed::wait_for_assignments(client.handle(), self, options).await
                    }
                }

                ::staxapp::__typed_blocking_wait!(#name, #client, assignments, #record);
            }
        }
    }
}
