//! Operation arguments from the command line: `name=value`, `name:=<json>`, `@file.json`
//! (`@file.yaml` for YAML), `@-`.

use std::io::Read;
use std::path::Path;

use serde_json::{Map, Value};
use stax_input::{Kind, Problem};

/// A command-line argument that cannot be used, with the reason and the expected form.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ArgError {
    /// Not one of the forms.
    #[error(
        "argument {0:?} is not name=value, name:=<json>, @file.json or @- (e.g. filter=ACTIVE, limit:=10, @body.json)"
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
    /// `@file` or `@-` that cannot be read or does not hold a JSON object or array.
    #[error("argument @{path}: {reason}")]
    File {
        /// The file named (`-` for standard input).
        path: String,
        /// What went wrong.
        reason: String,
    },
}

/// The parsed arguments of a call.
#[derive(Debug, Default, PartialEq)]
pub struct Arguments {
    /// Path, query and body arguments by name; later values of a name replace earlier ones.
    pub named: Map<String, Value>,
    /// A JSON array read from `@file` / `@-`: the whole request body, for operations whose
    /// body is an array.
    pub body: Option<Vec<Value>>,
}

/// Parses every argument, in order. `stdin` is read for `@-` (at most once).
pub fn parse_args<S: AsRef<str>>(raw: &[S], stdin: &mut dyn Read) -> Result<Arguments, ArgError> {
    let mut out = Arguments::default();
    let mut stdin_used = false;
    for arg in raw {
        let arg = arg.as_ref();
        let Some(source) = arg.strip_prefix('@') else {
            let (name, value) = parse_one(arg)?;
            out.named.insert(name, value);
            continue;
        };
        let file_err = |reason: String| ArgError::File {
            path: source.to_owned(),
            reason,
        };
        let (text, yaml) = if source == "-" {
            if stdin_used {
                return Err(file_err("standard input can be read only once".into()));
            }
            stdin_used = true;
            (read_bounded(stdin).map_err(file_err)?, None)
        } else if source.is_empty() {
            return Err(ArgError::Form(arg.to_owned()));
        } else {
            let path = Path::new(source);
            let yaml = path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"));
            (read_file(path).map_err(file_err)?, Some(yaml))
        };
        match parse_document(&text, yaml) {
            Ok(Value::Object(map)) => out.named.extend(map),
            Ok(Value::Array(items)) => {
                if out.body.is_some() {
                    return Err(file_err(
                        "a second JSON array: only one argument may give the whole body".into(),
                    ));
                }
                out.body = Some(items);
            }
            Ok(other) => {
                return Err(file_err(format!(
                    "holds a JSON {}, not an object of arguments or an array body",
                    kind(&other)
                )));
            }
            Err(e) => return Err(file_err(e)),
        }
    }
    Ok(out)
}

/// The value of an `@file` / `@-` text: YAML for a `.yaml` / `.yml` file (`Some(true)`),
/// JSON for another file (`Some(false)`), and for standard input (`None`) JSON, or YAML
/// when it is not JSON but reads as a YAML mapping or list (a skeleton printed with
/// `--output yaml`, filled in).
fn parse_document(text: &str, yaml: Option<bool>) -> Result<Value, String> {
    let from_yaml = |text: &str| {
        serde_norway::from_str::<Value>(text).map_err(|e| format!("not valid YAML: {e}"))
    };
    match yaml {
        Some(true) => from_yaml(text),
        Some(false) => serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}")),
        None => serde_json::from_str(text).or_else(|json| match from_yaml(text) {
            Ok(value @ (Value::Object(_) | Value::Array(_))) => Ok(value),
            _ => Err(format!(
                "not valid JSON (nor a YAML mapping or list): {json}"
            )),
        }),
    }
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
    if name.is_empty() || name.starts_with('-') || name.chars().any(char::is_whitespace) {
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

/// Reads a regular file of at most 10 MiB ([`Kind::ARGUMENT`]) (devices, pipes and directories are
/// refused before they are opened: opening a FIFO would block; `/dev/zero` never ends).
fn read_file(path: &Path) -> Result<String, String> {
    stax_input::read_to_string(path, Kind::ARGUMENT).map_err(|e| match e.problem() {
        Problem::Directory | Problem::NotRegular => format!(
            "{}; name a JSON file, or use @- to read standard input",
            e.reason()
        ),
        _ => e.reason(),
    })
}

/// Reads standard input, at most 10 MiB ([`Kind::ARGUMENT`]), as UTF-8.
fn read_bounded(input: &mut dyn Read) -> Result<String, String> {
    let bytes =
        stax_input::read_stream(input, "standard input", Kind::ARGUMENT).map_err(|e| e.reason())?;
    String::from_utf8(bytes).map_err(|_| "is not UTF-8 text".to_owned())
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

    fn parse(raw: &[&str]) -> Result<Arguments, ArgError> {
        parse_args(raw, &mut std::io::empty())
    }

    fn temp(name: &str, text: &[u8]) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("stax-args-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join(name);
        std::fs::write(&file, text).unwrap();
        file
    }

    #[test]
    fn every_form() {
        let file = temp("body.json", br#"{"Name": "from-file", "Tags": {"a": "b"}}"#);
        let parsed = parse_args(
            &[
                "filter=ACTIVE".to_owned(),
                "limit:=10".to_owned(),
                "flag:=true".to_owned(),
                "expr=a=b".to_owned(),
                format!("@{}", file.display()),
                "Name=override".to_owned(),
                "@-".to_owned(),
            ],
            &mut &br#"{"FromStdin": 1}"#[..],
        )
        .unwrap();
        assert_eq!(
            Value::Object(parsed.named),
            json!({"filter": "ACTIVE", "limit": 10, "flag": true, "expr": "a=b",
                   "Name": "override", "Tags": {"a": "b"}, "FromStdin": 1})
        );
        assert_eq!(parsed.body, None);
    }

    #[test]
    fn yaml_files_and_yaml_on_standard_input() {
        let file = temp("body.yaml", b"Name: from-yaml\nTags:\n  team: a\n");
        let parsed = parse(&[&format!("@{}", file.display())]).unwrap();
        assert_eq!(
            Value::Object(parsed.named),
            json!({"Name": "from-yaml", "Tags": {"team": "a"}})
        );
        let parsed = parse_args(&["@-"], &mut &b"- GroupId: g\n"[..]).unwrap();
        assert_eq!(parsed.body, Some(vec![json!({"GroupId": "g"})]));
        let err = parse_args(&["@-"], &mut &b"just words"[..]).unwrap_err();
        assert!(err.to_string().contains("not valid JSON"), "{err}");
        let json_named_yaml = temp("bad.yml", b"{\"a\": [}");
        let err = parse(&[&format!("@{}", json_named_yaml.display())]).unwrap_err();
        assert!(err.to_string().contains("not valid YAML"), "{err}");
    }

    #[test]
    fn an_array_is_the_whole_body() {
        let file = temp("array.json", br#"[{"Id": "a"}, {"Id": "b"}]"#);
        let parsed = parse(&[&format!("@{}", file.display()), "id=1"]).unwrap();
        assert_eq!(
            parsed.body,
            Some(vec![json!({"Id": "a"}), json!({"Id": "b"})])
        );
        assert_eq!(Value::Object(parsed.named), json!({"id": "1"}));
        let from_stdin = parse_args(&["@-"], &mut &b"[1, 2]"[..]).unwrap();
        assert_eq!(from_stdin.body, Some(vec![json!(1), json!(2)]));
        let err = parse(&[
            &format!("@{}", file.display()),
            &format!("@{}", file.display()),
        ])
        .unwrap_err();
        assert!(err.to_string().contains("only one"), "{err}");
    }

    #[test]
    fn bad_forms_say_what_is_expected() {
        assert!(matches!(parse(&["nonsense"]), Err(ArgError::Form(_))));
        assert!(matches!(parse(&["=x"]), Err(ArgError::Form(_))));
        assert!(matches!(parse(&["--x=1"]), Err(ArgError::Form(_))));
        assert!(matches!(parse(&["@"]), Err(ArgError::Form(_))));
        let err = parse(&["n:={bad"]).unwrap_err();
        assert!(err.to_string().contains("not JSON"), "{err}");
        let err = parse(&["@/nonexistent/file.json"]).unwrap_err();
        assert!(err.to_string().contains("@/nonexistent/file.json"), "{err}");
        let scalar = temp("scalar.json", b"42");
        let err = parse(&[&format!("@{}", scalar.display())]).unwrap_err();
        assert!(err.to_string().contains("JSON number"), "{err}");
    }

    #[test]
    fn input_is_bounded_and_devices_are_refused() {
        let err = parse(&["@/dev/zero"]).unwrap_err();
        assert!(err.to_string().contains("not a regular file"), "{err}");
        let dir = std::env::temp_dir();
        let err = parse(&[&format!("@{}", dir.display())]).unwrap_err();
        assert!(err.to_string().contains("a directory"), "{err}");
        let big = temp("big.json", &vec![b' '; Kind::ARGUMENT.cap() as usize + 1]);
        let err = parse(&[&format!("@{}", big.display())]).unwrap_err();
        assert!(err.to_string().contains("10 MiB"), "{err}");
        // Standard input is capped too: an endless stream stops at the cap.
        let err = parse_args(&["@-"], &mut std::io::repeat(b' ')).unwrap_err();
        assert!(err.to_string().contains("10 MiB"), "{err}");
        let err = parse_args(&["@-", "@-"], &mut &b"{}"[..]).unwrap_err();
        assert!(err.to_string().contains("only once"), "{err}");
    }
}
