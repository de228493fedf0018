//! The OpenAPI document: loading, the operation map, routing and body validation.
