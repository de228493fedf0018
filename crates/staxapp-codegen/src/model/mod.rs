//! What will be generated, before any Rust is written: the types of the documents' schemas
//! ([`types`]) and the services, operations and setters ([`operations`]).

pub mod operations;
pub mod types;

use std::collections::BTreeMap;

use crate::error::Error;
use crate::input::Input;
use crate::names::Scope;
use operations::{ServiceDef, Wait};
use types::{TypeId, Types};

/// Names at the top of the generated module that services may not take.
pub const ROOT_ITEMS: [&str; 4] = ["types", "Client", "new", "handle"];

/// Everything to generate.
#[derive(Debug)]
pub struct Model<'a> {
    /// Every type.
    pub types: Types<'a>,
    /// Every service, with the index of its document.
    pub services: Vec<(usize, ServiceDef)>,
    /// The answer types that can be waited for.
    pub waits: BTreeMap<TypeId, Wait>,
}

/// Reads the documents into a model.
pub fn build(inputs: &[Input]) -> Result<Model<'_>, Error> {
    let mut types = Types::new(inputs);
    types.all_components()?;
    let mut modules = Scope::with_reserved(&ROOT_ITEMS);
    let mut waits = BTreeMap::new();
    let mut services = Vec::new();
    for doc in 0..inputs.len() {
        for service in operations::services(&mut types, doc, &mut modules, &mut waits)? {
            services.push((doc, service));
        }
    }
    types.finish();
    Ok(Model {
        types,
        services,
        waits,
    })
}
