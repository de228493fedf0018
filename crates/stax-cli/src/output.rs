//! Output: JMESPath queries, then pretty JSON, YAML, aligned tables or tab-separated text
//! ([`text`](crate::text)) on stdout.

use std::io::Write;

use serde_json::{Map, Value};

use crate::failure::Failure;
use crate::query::Query;

/// The `--output` formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum Format {
    /// Pretty-printed JSON (default).
    #[default]
    Json,
    /// YAML.
    Yaml,
    /// Aligned columns for lists of objects; key/value rows for one object.
    Table,
    /// Tab-separated values, a line per object of a list (the aws CLI's text form).
    Text,
}

/// Renders `value` in `format`, ending with a newline.
pub fn render(format: Format, value: &Value) -> String {
    match format {
        Format::Json => {
            let mut s = serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string());
            s.push('\n');
            s
        }
        Format::Yaml => serde_norway::to_string(value).unwrap_or_else(|e| format!("# {e}\n")),
        Format::Table => table(value),
        Format::Text => crate::text::render(value),
    }
}

/// Applies the `--query` expression (if any), renders in `format`, writes to stdout. The
/// query was checked before the call; one that fails on the answer itself (a function given
/// a value of the wrong type) fails the command (exit 1), not its usage: the call was made.
pub fn print_value(query: Option<&Query>, format: Format, value: &Value) -> Result<(), Failure> {
    let rendered = match query {
        Some(query) => render(format, &query.apply(value).map_err(Failure::Call)?),
        // The whole answer: in text, a cut walk's token is a line of its own.
        None if format == Format::Text => crate::text::render_answer(value),
        None => render(format, value),
    };
    write_stdout(rendered.as_bytes())
}

/// Writes `bytes` to stdout; a closed pipe (`stax ... | head`) is no error.
pub fn write_stdout(bytes: &[u8]) -> Result<(), Failure> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Ok(()) => Ok(()),
        // A closed pipe (`stax ... | head`) is not an error worth a message.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure::Call(format!("cannot write the output: {e}"))),
    }
}

/// Widest a cell may be before it is shortened with an ellipsis.
const MAX_CELL: usize = 48;
/// Most columns shown for a list; the rest are left out (use `--output json` to see them).
const MAX_COLUMNS: usize = 8;

fn table(value: &Value) -> String {
    match value {
        Value::Array(items) => list_table(items),
        Value::Object(map) => match single_list(map) {
            Some((key, items)) => {
                let mut out = list_table(items);
                let rest: Vec<String> = map
                    .iter()
                    .filter(|(k, v)| *k != key && !v.is_null())
                    .map(|(k, v)| format!("{k}: {}", cell(v)))
                    .collect();
                if !rest.is_empty() {
                    out.push_str(&format!("\n{}\n", rest.join("  ")));
                }
                out
            }
            None => object_table(map),
        },
        other => format!("{}\n", cell(other)),
    }
}

/// The one array-of-objects field of a response such as `{"Accounts": [...], "Paging": {...}}`.
fn single_list(map: &Map<String, Value>) -> Option<(&String, &Vec<Value>)> {
    let mut lists = map
        .iter()
        .filter_map(|(k, v)| v.as_array().map(|a| (k, a)))
        .filter(|(_, a)| a.iter().all(Value::is_object));
    let first = lists.next()?;
    lists.next().is_none().then_some(first)
}

fn object_table(map: &Map<String, Value>) -> String {
    let width = map.keys().map(|k| k.chars().count()).max().unwrap_or(0);
    map.iter()
        .map(|(k, v)| format!("{k:<width$}  {}\n", cell(v)))
        .collect()
}

fn list_table(items: &[Value]) -> String {
    if items.is_empty() {
        return "(no items)\n".to_owned();
    }
    if !items.iter().all(Value::is_object) {
        return items.iter().map(|v| format!("{}\n", cell(v))).collect();
    }
    let columns = choose_columns(items);
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|item| {
            columns
                .iter()
                .map(|c| item.get(c).map(cell).unwrap_or_default())
                .collect()
        })
        .collect();
    let widths: Vec<usize> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            rows.iter()
                .map(|r| r[i].chars().count())
                .chain([c.chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: &[String]| {
        let mut s: String = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}  "))
            .collect();
        s.truncate(s.trim_end().len());
        s.push('\n');
        s
    };
    let mut out = line(&columns);
    for row in &rows {
        out.push_str(&line(row));
    }
    out
}

/// Columns in a sensible order: ids, names, status, then other scalars as first seen;
/// nested values only when there is room.
fn choose_columns(items: &[Value]) -> Vec<String> {
    let mut seen: Vec<(String, bool)> = Vec::new();
    for item in items {
        if let Value::Object(map) = item {
            for (k, v) in map {
                let scalar = !(v.is_object() || v.is_array());
                match seen.iter_mut().find(|(name, _)| name == k) {
                    Some(entry) => entry.1 &= scalar || v.is_null(),
                    None => seen.push((k.clone(), scalar)),
                }
            }
        }
    }
    let rank = |name: &str, scalar: bool| -> u8 {
        let lower = name.to_ascii_lowercase();
        match () {
            _ if lower == "id" => 0,
            _ if lower == "name" => 1,
            _ if lower == "status" => 2,
            _ if lower.ends_with("id") && scalar => 3,
            _ if lower.ends_with("name") && scalar => 4,
            _ if lower.contains("status") || lower.contains("state") => 5,
            _ if scalar => 6,
            _ => 9,
        }
    };
    let mut ranked: Vec<(u8, usize, String)> = seen
        .into_iter()
        .enumerate()
        .map(|(i, (name, scalar))| (rank(&name, scalar), i, name))
        .collect();
    ranked.sort();
    ranked
        .into_iter()
        .take(MAX_COLUMNS)
        .map(|(_, _, name)| name)
        .collect()
}

/// One value as a short single-line cell.
fn cell(v: &Value) -> String {
    let text = match v {
        Value::Null => String::new(),
        Value::String(s) => s.replace(['\n', '\r', '\t'], " "),
        Value::Array(a) if a.iter().all(|x| !x.is_object() && !x.is_array()) => a
            .iter()
            .map(|x| {
                x.as_str()
                    .map(str::to_owned)
                    .unwrap_or_else(|| x.to_string())
            })
            .collect::<Vec<_>>()
            .join(","),
        Value::Array(a) => format!("[{} items]", a.len()),
        Value::Object(m) if m.is_empty() => "{}".to_owned(),
        Value::Object(m) => {
            let inner: Vec<String> = m
                .iter()
                .map(|(k, v)| match v {
                    Value::Object(_) | Value::Array(_) => format!("{k}=…"),
                    other => format!("{k}={}", cell(other)),
                })
                .collect();
            inner.join(",")
        }
        other => other.to_string(),
    };
    shorten(&text)
}

fn shorten(text: &str) -> String {
    if text.chars().count() <= MAX_CELL {
        text.to_owned()
    } else {
        let mut s: String = text.chars().take(MAX_CELL - 1).collect();
        s.push('…');
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lists_become_aligned_columns_with_ids_first() {
        let v = json!({"Accounts": [
            {"Tags": {"env": "prod"}, "Status": "ACTIVE", "Name": "alpha", "Id": "1", "AwsAccountId": "111"},
            {"Status": "CLOSED", "Name": "beta-longer", "Id": "2", "AwsAccountId": "222", "Tags": null}
        ], "Paging": null});
        let out = render(Format::Table, &v);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[0], "Id  Name         Status  AwsAccountId  Tags");
        assert_eq!(lines[1], "1   alpha        ACTIVE  111           env=prod");
        assert_eq!(lines[2], "2   beta-longer  CLOSED  222");
    }

    #[test]
    fn objects_become_key_value_rows_and_long_cells_shorten() {
        let long = "x".repeat(100);
        let out = render(Format::Table, &json!({"Id": "1", "Description": long}));
        assert!(out.starts_with("Id           1\n"), "{out}");
        assert!(out.contains('…'));
    }

    #[test]
    fn yaml() {
        assert_eq!(render(Format::Yaml, &json!({"a": 1})), "a: 1\n");
    }
}
