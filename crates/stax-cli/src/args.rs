//! Operation arguments from the command line: `name=value`, `name:=<json>`, `@file.json`.

use std::path::Path;

use serde_json::{Map, Value};

/// A command-line argument that cannot be used, with the reason and the expected form.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ArgError {
    /// Not one of the three forms.
    #[error(
        "argument {0:?} is not name=value, name:=<json> or @file.json (e.g. filter=ACTIVE, limit:=10, @body.json)"
    )]
    Form(String),
    /// `name:=` followed by text that is not JSON.
    #[error(
        "argument {name}: {value:?} is not JSON ({reason}); quote strings as name=value instead"
    )]
    Json {
        /// The argument's name.
        name: String,
        /// The text after `:=`.
        value: String,
        /// The parser's complaint.
        reason: String,
    },
    /// `@file` that cannot be read or is not a JSON object.
    #[error("argument @{path}: {reason}")]
    File {
        /// The file named.
        path: String,
        /// What went wrong.
        reason: String,
    },
}

/// Parses every argument, in order; later values of a name replace earlier ones.
pub fn parse_args<S: AsRef<str>>(raw: &[S]) -> Result<Map<String, Value>, ArgError> {
    let mut out = Map::new();
    for arg in raw {
        let arg = arg.as_ref();
        if let Some(path) = arg.strip_prefix('@') {
            for (k, v) in read_object_file(Path::new(path))? {
                out.insert(k, v);
            }
            continue;
        }
        let (name, value) = parse_one(arg)?;
        out.insert(name, value);
    }
    Ok(out)
}

fn parse_one(arg: &str) -> Result<(String, Value), ArgError> {
    let eq = arg
        .find('=')
        .ok_or_else(|| ArgError::Form(arg.to_owned()))?;
    let (name, json) = if eq > 0 && arg.as_bytes()[eq - 1] == b':' {
        (&arg[..eq - 1], true)
    } else {
        (&arg[..eq], false)
    };
    if name.is_empty() || name.chars().any(char::is_whitespace) {
        return Err(ArgError::Form(arg.to_owned()));
    }
    let text = &arg[eq + 1..];
    let value = if json {
        serde_json::from_str(text).map_err(|e| ArgError::Json {
            name: name.to_owned(),
            value: text.to_owned(),
            reason: e.to_string(),
        })?
    } else {
        Value::String(text.to_owned())
    };
    Ok((name.to_owned(), value))
}

fn read_object_file(path: &Path) -> Result<Map<String, Value>, ArgError> {
    let file_err = |reason: String| ArgError::File {
        path: path.display().to_string(),
        reason,
    };
    let text = std::fs::read_to_string(path).map_err(|e| file_err(e.to_string()))?;
    match serde_json::from_str(&text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(other) => Err(file_err(format!(
            "holds a JSON {}, not an object of arguments",
            kind(&other)
        ))),
        Err(e) => Err(file_err(format!("not valid JSON: {e}"))),
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn three_forms() {
        let dir = std::env::temp_dir().join(format!("stax-args-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("body.json");
        std::fs::write(&file, r#"{"Name": "from-file", "Tags": {"a": "b"}}"#).unwrap();
        let parsed = parse_args(&[
            "filter=ACTIVE".to_owned(),
            "limit:=10".to_owned(),
            "flag:=true".to_owned(),
            "expr=a=b".to_owned(),
            format!("@{}", file.display()),
            "Name=override".to_owned(),
        ])
        .unwrap();
        assert_eq!(
            Value::Object(parsed),
            json!({"filter": "ACTIVE", "limit": 10, "flag": true, "expr": "a=b",
                   "Name": "override", "Tags": {"a": "b"}})
        );
    }

    #[test]
    fn bad_forms_say_what_is_expected() {
        assert!(matches!(parse_args(&["nonsense"]), Err(ArgError::Form(_))));
        assert!(matches!(parse_args(&["=x"]), Err(ArgError::Form(_))));
        let err = parse_args(&["n:={bad"]).unwrap_err();
        assert!(err.to_string().contains("not JSON"), "{err}");
        let err = parse_args(&["@/nonexistent/file.json"]).unwrap_err();
        assert!(err.to_string().contains("@/nonexistent/file.json"), "{err}");
    }
}
