//! `Client`, the service handles and the operation builders.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::{self, attrs};
use super::types::fact_text;
use super::{ident, is_enum, type_tokens};
use crate::input::Input;
use crate::model::Model;
use crate::model::operations::{OperationDef, ServiceDef, Setter};

/// `Client` and its method per service.
pub fn client(model: &Model<'_>) -> TokenStream {
    let services = model.services.iter().map(|(_, service)| {
        let module = ident(&service.module);
        let handle = format_ident!("{}", service.handle);
        let doc = format!(
            " The `{}` service: {} operation{}.",
            service.wire,
            service.operations.len(),
            if service.operations.len() == 1 {
                ""
            } else {
                "s"
            }
        );
        quote! {
            #[doc = #doc]
            pub fn #module(&self) -> #module::#handle {
                #module::#handle {
                    handle: ::std::clone::Clone::clone(&self.handle),
                }
            }
        }
    });
    quote! {
        /// A typed client of the Stax APIs these types were generated for: one method per
        /// service, one builder per operation, answers decoded into the documents' models.
        ///
        /// Every call goes through the `staxapp` client it is made from (routing, validation,
        /// signing, retries and credentials are the SDK's). Cheap to clone.
        #[derive(Clone, Debug)]
        #[allow(dead_code)]
        pub struct Client {
            handle: ::staxapp::typed::Handle,
        }

        #[allow(dead_code)]
        impl Client {
            /// A typed client over a `staxapp::StaxClient` (or, with staxapp's `blocking`
            /// feature, a `staxapp::blocking::StaxClient`, for the `*_blocking` methods).
            pub fn new(client: impl ::std::convert::Into<::staxapp::typed::Handle>) -> Self {
                Self {
                    handle: client.into(),
                }
            }

            /// The SDK client underneath.
            pub fn handle(&self) -> &::staxapp::typed::Handle {
                &self.handle
            }

            #(#services)*
        }
    }
}

/// The module of one service: its handle and its builders.
pub fn service(model: &Model<'_>, input: &Input, service: &ServiceDef) -> TokenStream {
    let module = ident(&service.module);
    let handle = format_ident!("{}", service.handle);
    let from = vec![service.module.clone()];
    let starts = service.operations.iter().map(|op| {
        let method = ident(&op.method);
        let builder = format_ident!("{}", op.builder);
        let doc = attrs(&operation_doc(service, op));
        quote! {
            #doc
            pub fn #method(&self) -> #builder {
                #builder {
                    arguments: ::staxapp::typed::Arguments::new(&self.handle),
                }
            }
        }
    });
    let builders = service
        .operations
        .iter()
        .map(|op| builder(model, service, op, &from));
    let module_doc = format!(
        " The `{}` service of the {} API: `{}` and one builder per operation.",
        service.wire,
        input.api.label(),
        service.handle
    );
    let handle_doc = format!(
        " The operations of `{}`, from `Client::{}`.",
        service.wire, service.module
    );
    quote! {
        #[doc = #module_doc]
        #[allow(dead_code)]
        pub mod #module {
            #[doc = #handle_doc]
            #[derive(Clone, Debug)]
            pub struct #handle {
                pub(super) handle: ::staxapp::typed::Handle,
            }

            impl #handle {
                #(#starts)*
            }

            #(#builders)*
        }
    }
}

/// An operation's documentation: its summary and description, its routes.
fn operation_doc(service: &ServiceDef, op: &OperationDef) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(summary) = &op.summary {
        lines.extend(docs::prose(summary));
        lines.push(String::new());
    }
    if let Some(description) = &op.description
        && op.summary.as_deref() != Some(description.as_str())
    {
        lines.extend(docs::prose(description));
        lines.push(String::new());
    }
    lines.push(format!(
        "{} ({}).",
        docs::code(&format!("{}.{}", service.wire, op.wire)),
        op.routes
            .iter()
            .map(|r| docs::code(r))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    lines
}

fn builder(
    model: &Model<'_>,
    service: &ServiceDef,
    op: &OperationDef,
    from: &[String],
) -> TokenStream {
    let name = format_ident!("{}", op.builder);
    let output = type_tokens(&model.types, &op.output, from);
    let service_wire = &service.wire;
    let operation_wire = &op.wire;
    let setters = op.setters.iter().map(|s| setter(model, s, from));
    let body = op.body.as_ref().map(|ty| {
        let ty = type_tokens(&model.types, ty, from);
        quote! {
            /// The whole request body (this operation's body is not an object of fields).
            pub fn body(mut self, body: impl ::std::convert::Into<#ty>) -> Self {
                self.arguments.set_body(body.into());
                self
            }
        }
    });
    let doc = format!(
        " `{service_wire}.{operation_wire}`, to be sent: from `{}().{}()`; set its arguments, then `send().await`.",
        service.module, op.method
    );
    let send_doc = format!(
        " Sends `{service_wire}.{operation_wire}` through the SDK and decodes its answer. Arguments the document requires and that were not set, and bodies it refuses, fail before anything is sent."
    );
    let (paged_methods, paged_impl, paged_flag) = match &op.paging {
        Some(paging) => {
            let item = type_tokens(&model.types, &paging.item, from);
            let field = &paging.field;
            let pages_doc = format!(
                " Every page of the list, from the first (or the one the offset or page token set here names), `limit` items each (default {}).",
                100
            );
            let items_doc = format!(" Every item of `{field}` across the pages.");
            (
                quote! {
                    #[doc = #pages_doc]
                    pub fn into_pages(
                        self,
                    ) -> ::staxapp::typed::BoxStream<'static, ::staxapp::Result<#output>> {
                        ::staxapp::typed::pages(self)
                    }

                    #[doc = #items_doc]
                    pub fn into_items(
                        self,
                    ) -> ::staxapp::typed::BoxStream<'static, ::staxapp::Result<#item>> {
                        ::staxapp::typed::items(self)
                    }
                },
                quote! {
                    impl ::staxapp::typed::Paged for #name {
                        type Item = #item;
                        const LIST_FIELD: &'static str = #field;
                    }
                },
                quote! { , paged },
            )
        }
        None => (quote! {}, quote! {}, quote! {}),
    };
    quote! {
        #[doc = #doc]
        #[derive(Clone, Debug)]
        #[must_use = "a request does nothing until it is sent"]
        pub struct #name {
            arguments: ::staxapp::typed::Arguments,
        }

        impl #name {
            #(#setters)*
            #body

            #[doc = #send_doc]
            pub async fn send(self) -> ::staxapp::Result<#output> {
                ::staxapp::typed::send(self).await
            }

            #paged_methods
        }

        impl ::staxapp::typed::Request for #name {
            type Output = #output;
            const SERVICE: &'static str = #service_wire;
            const OPERATION: &'static str = #operation_wire;

            fn into_arguments(self) -> ::staxapp::typed::Arguments {
                self.arguments
            }
        }

        #paged_impl

        ::staxapp::__typed_blocking_request!(#name #paged_flag);
    }
}

fn setter(model: &Model<'_>, setter: &Setter, from: &[String]) -> TokenStream {
    let method = ident(&setter.method);
    let ty = type_tokens(&model.types, &setter.ty, from);
    let wire = &setter.wire;
    let mut lines = Vec::new();
    if let Some(description) = &setter.description {
        lines.extend(docs::prose(description));
        lines.push(String::new());
    }
    let mut line = format!(
        "{} ({}{})",
        docs::code(wire),
        setter.location.as_str(),
        if setter.required { ", required" } else { "" }
    );
    for fact in &setter.facts {
        line.push_str("; ");
        line.push_str(&fact_text(fact));
    }
    if is_enum(&model.types, &setter.ty) {
        line.push_str("; a `&str` converts");
    }
    line.push('.');
    lines.push(line);
    let doc = attrs(&lines);
    quote! {
        #doc
        pub fn #method(mut self, value: impl ::std::convert::Into<#ty>) -> Self {
            self.arguments.set(#wire, value.into());
            self
        }
    }
}
