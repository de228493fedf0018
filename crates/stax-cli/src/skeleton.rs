//! `stax <service> <Operation> --generate-skeleton [input|output]`: the operation's input
//! (parameters and body fields) or output as JSON (YAML with `--output yaml`), a placeholder
//! for every value ([`staxapp::schema::skeleton`]). Filled in, an input skeleton is an
//! `@file` argument; a placeholder left in it is refused before anything is sent.

use serde_json::Value;
use staxapp::schema::skeleton::{self, Direction};

use crate::args::Arguments;
use crate::cli::{GlobalOpts, Side};
use crate::connect;
use crate::failure::Failure;
use crate::output::{self, Format};

/// Prints the skeleton of `service`'s `operation`.
pub async fn run(
    global: GlobalOpts,
    side: Side,
    service: String,
    operation: String,
) -> Result<(), Failure> {
    let format = match global.output.unwrap_or_default() {
        format @ (Format::Json | Format::Yaml) => format,
        other => {
            return Err(Failure::Usage(format!(
                "--generate-skeleton prints JSON or YAML, not {}: use --output json or --output yaml",
                format!("{other:?}").to_lowercase()
            )));
        }
    };
    connect::init_logging(global.verbose)?;
    let target = connect::connect(&global).await?;
    let resolved = target.client.resolve(&service, &operation).await;
    target.close(global.verbose > 0).await;
    let resolved = resolved.map_err(|e| Failure::of_call(e, None, global.verbose > 0))?;
    let direction = match side {
        Side::Input => Direction::Input,
        Side::Output => Direction::Output,
    };
    let value = resolved
        .document()
        .skeleton(resolved.operation(), direction);
    if side == Side::Input && value.is_array() {
        let path: Vec<String> = resolved
            .operation()
            .path_parameters()
            .into_iter()
            .map(|p| format!("{}=...", p.name))
            .collect();
        if !path.is_empty() {
            eprintln!(
                "stax: the body is a list; give the path parameters beside @file: {}",
                path.join(" ")
            );
        }
    }
    output::print_value(None, format, &value)
}

/// Refuses arguments that still hold a skeleton's placeholder (`"<string, required>"`),
/// naming where: a usage error, before anything is sent.
pub fn check_filled(arguments: &Arguments) -> Result<(), Failure> {
    let named = Value::Object(arguments.named.clone());
    let body = arguments.body.clone().map(Value::Array);
    for value in std::iter::once(&named).chain(body.as_ref()) {
        if let Some(path) = skeleton::placeholder_in(value) {
            let path = if path.is_empty() { "the body" } else { &path };
            return Err(Failure::Usage(format!(
                "{path} still holds the skeleton's placeholder: fill it in or remove it (--no-validate sends it as it is)"
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn placeholders_left_in_are_refused_by_name() {
        let mut arguments = Arguments::default();
        arguments.named.insert("Name".into(), json!("dev"));
        assert!(check_filled(&arguments).is_ok());
        arguments
            .named
            .insert("Tags".into(), json!({"<key>": "<string>"}));
        let Err(Failure::Usage(message)) = check_filled(&arguments) else {
            panic!("not refused");
        };
        assert!(message.starts_with("Tags.<key> still holds"), "{message}");
        arguments.named.remove("Tags");
        arguments.body = Some(vec![json!({"GroupId": "<string, required>"})]);
        let Err(Failure::Usage(message)) = check_filled(&arguments) else {
            panic!("not refused");
        };
        assert!(message.starts_with("[0].GroupId"), "{message}");
    }
}
