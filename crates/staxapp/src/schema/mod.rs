//! The OpenAPI document: loading, the operation map, routing and body validation.
//!
//! A [`Document`] is built once from an installation's OAS3 document and then answers, without
//! any I/O:
//!
//! * which services (staxapp's "classes") and operations exist ([`Document::services`],
//!   [`Document::operations`], [`Document::operation`]), keyed by the vendor extension
//!   `x-stax-sdk-operation-id` = `"service.Operation"`, or by `operationId` for documents that
//!   carry no such extension (PARITY.md O2);
//! * which path variant, method, path, query string and body a call becomes
//!   ([`Document::route`], PARITY.md O4 and O5);
//! * whether a `PUT`/`POST` body is acceptable ([`Document::validate`], PARITY.md O6), with
//!   JSON Schema validators compiled once per component and cached in the document;
//! * what an operation takes, for `describe`-style help ([`Operation::parameters`],
//!   [`Document::body_fields`]), and skeletons of its input and output to fill in
//!   ([`Document::skeleton`]).
//!
//! ```
//! use serde_json::json;
//! use staxapp::schema::Document;
//!
//! let doc = Document::from_value(json!({
//!     "openapi": "3.0.0",
//!     "paths": {
//!         "/20190206/accounts": {
//!             "get": {"x-stax-sdk-operation-id": "accounts.ReadAccounts"}
//!         },
//!         "/20190206/accounts/{account_id}": {
//!             "get": {"x-stax-sdk-operation-id": "accounts.ReadAccounts"}
//!         }
//!     }
//! }))?;
//! let args = json!({"account_id": "a/b", "filter": "ACTIVE"});
//! let request = doc.route("accounts", "ReadAccounts", args.as_object().unwrap().clone())?;
//! assert_eq!(request.method, http::Method::GET);
//! assert_eq!(request.path_and_query(), "/20190206/accounts/a%2Fb?filter=ACTIVE");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod describe;
mod document;
mod routing;
pub mod skeleton;
mod validate;

pub use describe::{FieldInfo, ParameterInfo, ParameterLocation};
pub use document::Document;
// The operation map is stax-openapi's, the one reading the SDK and the typed API's generator
// share.
pub use routing::PreparedRequest;
pub use stax_openapi::operations::{Layout, Operation, OperationKey, PathVariant};
