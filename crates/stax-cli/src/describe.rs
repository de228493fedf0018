//! `stax describe`: services, operations, and one operation's parameters and body.

use std::fmt::Write as _;

use staxapp::Api;
use staxapp::schema::{Document, Operation};

use crate::cli::GlobalOpts;
use crate::connect;
use crate::failure::Failure;

/// `stax describe [<service> [<Operation>]]`.
pub async fn run(
    global: GlobalOpts,
    service: Option<String>,
    operation: Option<String>,
) -> Result<(), Failure> {
    connect::init_logging(global.verbose)?;
    let target = connect::connect(&global).await?;
    let client = &target.client;
    let text = describe(client, service, operation).await;
    target.close(global.verbose > 0).await;
    print!("{}", text?);
    Ok(())
}

async fn describe(
    client: &staxapp::StaxClient,
    service: Option<String>,
    operation: Option<String>,
) -> Result<String, Failure> {
    let Some(service) = service else {
        // Every API's services: the core document's, then the other APIs' (one that cannot
        // be loaded is listed with the reason).
        let mut text = services(&*client.document().await?);
        for api in client.config().apis().filter(|api| *api != Api::CORE) {
            match client.document_of(api).await {
                Ok(doc) => text.push_str(&services(&doc)),
                Err(e) => {
                    let name = api.service().unwrap_or(api.name());
                    let _ = writeln!(text, "{name:<24} ({api} document unavailable: {e})");
                }
            }
        }
        return Ok(text);
    };
    Ok(match operation {
        None => operations(&*client.document_for(&service).await?, &service)?,
        Some(operation) => {
            let resolved = client.resolve(&service, &operation).await?;
            operation_detail(resolved.document(), resolved.operation())
        }
    })
}

fn services(document: &Document) -> String {
    let mut out = String::new();
    for service in document.services() {
        let count = document.operations(service).map(|o| o.len()).unwrap_or(0);
        let _ = writeln!(out, "{service:<24} {count} operations");
    }
    out
}

fn operations(document: &Document, service: &str) -> Result<String, Failure> {
    let ops = document.operations(service).map_err(staxapp::Error::from)?;
    let width = ops.iter().map(|o| o.name.len()).max().unwrap_or(0);
    let mut out = String::new();
    for op in ops {
        let summary = op
            .summary
            .as_deref()
            .unwrap_or("")
            .lines()
            .next()
            .unwrap_or("");
        let _ = writeln!(out, "{:<width$}  {summary}", op.name);
    }
    Ok(out)
}

fn operation_detail(document: &Document, op: &Operation) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}.{}", op.service, op.name);
    if let Some(summary) = &op.summary {
        let _ = writeln!(out, "  {}", summary.trim());
    }
    let _ = writeln!(
        out,
        "\nPaths (the last one whose parameters are all given is used):"
    );
    for variant in &op.variants {
        let _ = writeln!(out, "  {:<7}{}", variant.method.as_str(), variant.path);
    }
    let params = op.parameters();
    if !params.is_empty() {
        let _ = writeln!(out, "\nParameters:");
        for p in params {
            let mut facts = vec![
                p.location.to_string(),
                p.type_name.clone().unwrap_or_else(|| "any".into()),
            ];
            if p.required {
                facts.push("required".into());
            }
            if !p.enum_values.is_empty() {
                facts.push(format!("one of {}", enum_list(&p.enum_values)));
            }
            let _ = writeln!(out, "  {:<28} {}", p.name, facts.join(", "));
            if let Some(d) = p.description.as_deref().filter(|d| !d.is_empty()) {
                let _ = writeln!(out, "  {:<28} {}", "", first_line(d));
            }
        }
    }
    let fields = document.body_fields(op);
    if !fields.is_empty() {
        let schema = op
            .variants
            .iter()
            .find_map(|v| v.body_schema.clone())
            .unwrap_or_else(|| format!("{}.{}", op.service, op.name));
        let _ = writeln!(out, "\nBody fields ({schema}):");
        for f in fields {
            let mut facts = vec![f.type_name.clone().unwrap_or_else(|| "any".into())];
            if f.required {
                facts.push("required".into());
            }
            if let Some(p) = &f.pattern {
                facts.push(format!("pattern {p}"));
            }
            match (f.min_length, f.max_length) {
                (Some(a), Some(b)) => facts.push(format!("length {a}..{b}")),
                (Some(a), None) => facts.push(format!("length >= {a}")),
                (None, Some(b)) => facts.push(format!("length <= {b}")),
                (None, None) => {}
            }
            if !f.enum_values.is_empty() {
                facts.push(format!("one of {}", enum_list(&f.enum_values)));
            }
            let _ = writeln!(out, "  {:<28} {}", f.name, facts.join(", "));
        }
    }
    let _ = writeln!(
        out,
        "\nExample: stax {} {} name=value name:=<json> @body.json",
        op.service, op.name
    );
    out
}

fn enum_list(values: &[serde_json::Value]) -> String {
    values
        .iter()
        .map(|v| {
            v.as_str()
                .map(str::to_owned)
                .unwrap_or_else(|| v.to_string())
        })
        .collect::<Vec<_>>()
        .join("|")
}

fn first_line(text: &str) -> &str {
    text.trim().lines().next().unwrap_or("")
}

/// Names a user may pass to an operation: path and query parameters, then body fields.
pub fn argument_names(document: &Document, op: &Operation) -> Vec<String> {
    let mut names: Vec<String> = op.parameters().into_iter().map(|p| p.name).collect();
    names.extend(document.body_fields(op).into_iter().map(|f| f.name));
    names
}

/// The document that holds `service`, without any network ([`staxapp::documents::offline`]:
/// its file, else the on-disk cache).
pub fn cached_document(config: &staxapp::Config, service: &str) -> Option<Document> {
    staxapp::documents::offline(config, config.api_for(service))
}
