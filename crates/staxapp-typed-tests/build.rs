//! Generates the typed API from `documents/edges.oas3.json` (this repository's own document
//! of the generator's edge cases) and from Stax's reference documents
//! (`$STAX_SHARED_DIR/reference/`) into `OUT_DIR`, never into the repository: `stax.rs` (the core and Permission Sets
//! documents), `legacy.rs` (the older core document, compiled to show it generates too) and
//! `operations.rs` (a table that builds each operation's typed request from JSON arguments,
//! through its setters, for the every-operation test).
//!
//! The documents are found as every test finds them: `$STAX_SHARED_DIR` (relative to the
//! workspace root), else `../shared` beside the workspace. When they are missing the build
//! fails if `CI` or `STAX_SHARED_DIR` is set; otherwise the modules are left empty and the
//! tests say they skipped.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

const CORE: &str = "stax-core-20190206.oas3.json";
const PERMISSION_SETS: &str = "stax-permission-sets-20210321.oas3.json";
const LEGACY: &str = "stax-core-20190206-legacy.oas3.json";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // This repository's own document of the generator's edge cases: always there.
    let edges =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?).join("documents/edges.oas3.json");
    staxapp_codegen::generate(&[&edges], "edges.rs")?;
    println!("cargo::rerun-if-env-changed=STAX_SHARED_DIR");
    println!("cargo::rerun-if-env-changed=CI");
    println!("cargo::rustc-check-cfg=cfg(reference_missing)");
    let out = PathBuf::from(std::env::var("OUT_DIR")?);
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?).join("../..");
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
    let shared = std::env::var_os("STAX_SHARED_DIR")
        .filter(|v| !v.is_empty())
        .map_or_else(|| root.join("../shared"), |dir| root.join(dir));
    let reference = shared.join("reference");
    let paths: Vec<PathBuf> = [CORE, PERMISSION_SETS, LEGACY]
        .iter()
        .map(|name| reference.join(name))
        .collect();
    if let Some(missing) = paths.iter().find(|p| !p.is_file()) {
        if set("CI") || set("STAX_SHARED_DIR") {
            return Err(format!(
                "{} is missing (CI or STAX_SHARED_DIR is set, so this fails): set STAX_SHARED_DIR to the shared folder",
                missing.display()
            )
            .into());
        }
        println!(
            "cargo::warning=the typed API tests skip: {} is missing; set STAX_SHARED_DIR to the shared folder",
            missing.display()
        );
        println!("cargo::rustc-cfg=reference_missing");
        for file in ["stax.rs", "legacy.rs", "operations.rs"] {
            std::fs::write(out.join(file), "")?;
        }
        return Ok(());
    }
    staxapp_codegen::generate(&paths[..2], out.join("stax.rs"))?;
    staxapp_codegen::generate(&paths[2..], out.join("legacy.rs"))?;
    let operations = staxapp_codegen::Generator::new()
        .document(&paths[0])?
        .document(&paths[1])?
        .operations()?;
    write_if_changed(&out.join("operations.rs"), &dispatch(&operations))?;
    Ok(())
}

/// `prepare`: for each operation, its builder with every argument given set through its
/// typed setter (each value read into the setter's type first), and `OPERATIONS`.
fn dispatch(operations: &[staxapp_codegen::OperationInfo]) -> String {
    let mut out = String::from(
        "/// Builds the typed request of `service.operation` from JSON arguments (by their names\n\
         /// in the document), each through its setter; `body` through `.body(..)`.\n\
         pub fn prepare(\n    client: &Client,\n    service: &str,\n    operation: &str,\n    \
         args: &serde_json::Map<String, serde_json::Value>,\n    body: Option<&serde_json::Value>,\n\
         ) -> Result<crate::Prepared, String> {\n    match (service, operation) {\n",
    );
    for op in operations {
        let _ = writeln!(
            out,
            "        ({:?}, {:?}) => {{\n            #[allow(unused_mut)]\n            let mut request = client.{}().{}();",
            op.service, op.operation, op.service_method, op.method
        );
        if op.setters.is_empty() {
            let _ = writeln!(
                out,
                "            if let Some((name, _)) = args.iter().next() {{\n                return Err(crate::no_setter({:?}, {:?}, name));\n            }}",
                op.service, op.operation
            );
        } else {
            out.push_str("            for (name, value) in args {\n                request = match name.as_str() {\n");
            for setter in &op.setters {
                let _ = writeln!(
                    out,
                    "                    {:?} => request.{}(crate::arg::<{}>(name, value)?),",
                    setter.name, setter.method, setter.rust_type
                );
            }
            let _ = writeln!(
                out,
                "                    _ => return Err(crate::no_setter({:?}, {:?}, name)),\n                }};\n            }}",
                op.service, op.operation
            );
        }
        match &op.body {
            Some(ty) => {
                let _ = writeln!(
                    out,
                    "            if let Some(body) = body {{\n                request = request.body(crate::arg::<{ty}>(\"<body>\", body)?);\n            }}"
                );
            }
            None => {
                let _ = writeln!(
                    out,
                    "            if body.is_some() {{\n                return Err(crate::no_setter({:?}, {:?}, \"<body>\"));\n            }}",
                    op.service, op.operation
                );
            }
        }
        let _ = writeln!(
            out,
            "            crate::prepared(request.clone(), async move {{ request.send().await }})\n        }}"
        );
    }
    out.push_str(
        "        _ => Err(format!(\"no typed operation {service}.{operation}\")),\n    }\n}\n\n",
    );
    out.push_str("/// Every operation, as `(service, operation)`.\npub const OPERATIONS: &[(&str, &str)] = &[\n");
    for op in operations {
        let _ = writeln!(out, "    ({:?}, {:?}),", op.service, op.operation);
    }
    out.push_str("];\n");
    out
}

fn write_if_changed(path: &Path, text: &str) -> std::io::Result<()> {
    if std::fs::read(path).is_ok_and(|old| old == text.as_bytes()) {
        return Ok(());
    }
    std::fs::write(path, text)
}
