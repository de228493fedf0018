//! `--output text`: the aws CLI's text form, for `cut`, `awk` and `while read` loops.
//!
//! - An object's scalar values make one line, tab-separated, in the order of their keys
//!   (sorted); its lists and objects follow on lines of their own, each line starting with
//!   its key in capitals (`ACCOUNTS`, `TAGS`).
//! - A list of objects is one line per object, with the same columns for every object: the
//!   sorted keys holding a scalar in any of them; a key an object lacks shows as `None`.
//! - A list of scalars is one line, tab-separated (a line per value, after the key, when it
//!   sits under a key); nested lists make lines of their own.
//! - `null` is `None`, booleans `True` / `False` (as the aws CLI prints them); tabs, line
//!   breaks and carriage returns inside a string are written `\t`, `\n`, `\r`, so that one
//!   value never spans two fields or two lines.
//!
//! - A whole answer cut at `--max-items` ends with the line `NEXTTOKEN<TAB><token>`, as the aws
//!   CLI prints it ([`render_answer`]).
//!
//! With `--query`, this applies to what the query selects: `--query 'Accounts[].[Id, Name]'`
//! gives one `Id<TAB>Name` line per account.

use serde_json::{Map, Value};

/// The key a walk cut at `--max-items` adds to its answer (the `pages` module), printed
/// here as the last line.
pub const NEXT_TOKEN: &str = "NextToken";

/// `value` in the text form, every line ending with a newline.
pub fn render(value: &Value) -> String {
    let mut out = String::new();
    write_value(value, None, None, &mut out);
    out
}

/// A whole answer (no `--query`) in the text form: the `NextToken` of a walk cut at
/// `--max-items` is not one of its columns but the last line, `NEXTTOKEN<TAB><token>`, where
/// `grep '^NEXTTOKEN' | cut -f2` finds it.
pub fn render_answer(value: &Value) -> String {
    let Value::Object(map) = value else {
        return render(value);
    };
    let Some(Value::String(token)) = map.get(NEXT_TOKEN) else {
        return render(value);
    };
    let mut rest = map.clone();
    rest.shift_remove(NEXT_TOKEN);
    let mut out = render(&Value::Object(rest));
    line(
        &mut out,
        Some(NEXT_TOKEN),
        [field(Some(&Value::String(token.clone())))],
    );
    out
}

fn is_scalar(value: &Value) -> bool {
    !(value.is_object() || value.is_array())
}

/// One scalar as a field: never a tab or a line break inside.
fn field(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => "None".to_owned(),
        Some(Value::Bool(true)) => "True".to_owned(),
        Some(Value::Bool(false)) => "False".to_owned(),
        Some(Value::String(s)) => s
            .replace('\t', "\\t")
            .replace('\n', "\\n")
            .replace('\r', "\\r"),
        // An object or a list in a scalar column (a key that is a scalar elsewhere).
        Some(other) => other.to_string(),
    }
}

fn line(out: &mut String, identifier: Option<&str>, fields: impl IntoIterator<Item = String>) {
    let mut parts: Vec<String> = identifier.map(str::to_uppercase).into_iter().collect();
    parts.extend(fields);
    out.push_str(&parts.join("\t"));
    out.push('\n');
}

fn write_value(
    value: &Value,
    identifier: Option<&str>,
    columns: Option<&[String]>,
    out: &mut String,
) {
    match value {
        Value::Object(map) => write_object(map, identifier, columns, out),
        Value::Array(items) => write_list(items, identifier, out),
        scalar => line(out, None, [field(Some(scalar))]),
    }
}

fn write_object(
    map: &Map<String, Value>,
    identifier: Option<&str>,
    columns: Option<&[String]>,
    out: &mut String,
) {
    let mut keys: Vec<&String> = map.keys().collect();
    keys.sort();
    let nested = |k: &&String| match columns {
        None => !is_scalar(&map[k.as_str()]),
        Some(columns) => !columns.contains(k),
    };
    let scalars: Vec<String> = match columns {
        None => keys
            .iter()
            .filter(|k| !nested(k))
            .map(|k| field(map.get(k.as_str())))
            .collect(),
        Some(columns) => columns.iter().map(|c| field(map.get(c))).collect(),
    };
    if !scalars.is_empty() {
        line(out, identifier, scalars);
    }
    for key in keys.iter().filter(|k| nested(k)) {
        write_value(&map[key.as_str()], Some(key), None, out);
    }
}

fn write_list(items: &[Value], identifier: Option<&str>, out: &mut String) {
    if items.iter().any(Value::is_object) {
        // The same columns for every object: every key that holds a scalar in any of them.
        let mut columns: Vec<String> = items
            .iter()
            .filter_map(Value::as_object)
            .flat_map(|m| {
                m.iter()
                    .filter(|(_, v)| is_scalar(v))
                    .map(|(k, _)| k.clone())
            })
            .collect();
        columns.sort();
        columns.dedup();
        for item in items {
            write_value(item, identifier, Some(&columns), out);
        }
        return;
    }
    let (scalars, lists): (Vec<&Value>, Vec<&Value>) = items.iter().partition(|v| is_scalar(v));
    if !scalars.is_empty() {
        match identifier {
            Some(_) => {
                for scalar in scalars {
                    line(out, identifier, [field(Some(scalar))]);
                }
            }
            None => line(out, None, scalars.into_iter().map(|v| field(Some(v)))),
        }
    }
    for list in lists {
        write_value(list, identifier, None, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_list_of_objects_is_a_line_each_with_the_same_columns() {
        let answer = json!({
            "Accounts": [
                {"Name": "alpha", "Id": "1", "Status": "ACTIVE", "Tags": {"env": "prod", "team": "a"}},
                {"Id": "2", "Name": "beta", "Closed": true, "Tags": {}}
            ],
            "Paging": {"NextOffset": null, "Total": 2}
        });
        assert_eq!(
            render(&answer),
            "ACCOUNTS\tNone\t1\talpha\tACTIVE\n\
             TAGS\tprod\ta\n\
             ACCOUNTS\tTrue\t2\tbeta\tNone\n\
             PAGING\tNone\t2\n"
        );
    }

    #[test]
    fn query_results_print_bare() {
        assert_eq!(
            render(&json!([["1", "alpha"], ["2", "beta"]])),
            "1\talpha\n2\tbeta\n"
        );
        assert_eq!(render(&json!(["a", "b", 3])), "a\tb\t3\n");
        assert_eq!(render(&json!("one")), "one\n");
        assert_eq!(render(&json!(null)), "None\n");
        assert_eq!(render(&json!([])), "");
        assert_eq!(render(&json!({"Ids": ["a", "b"]})), "IDS\ta\nIDS\tb\n");
        assert_eq!(render(&json!([1, [2, 3]])), "1\n2\t3\n");
    }

    #[test]
    fn a_cut_walk_ends_with_its_next_token() {
        let answer = json!({"Ids": ["a"], "NextToken": "eyJ2"});
        assert_eq!(render_answer(&answer), "IDS\ta\nNEXTTOKEN\teyJ2\n");
        // Without a token, or with a query's value, it is the plain text form.
        assert_eq!(render_answer(&json!({"Ids": ["a"]})), "IDS\ta\n");
        assert_eq!(render_answer(&json!("eyJ2")), "eyJ2\n");
    }

    #[test]
    fn a_value_never_spans_two_fields_or_lines() {
        assert_eq!(
            render(&json!({"A": "x\ty\nz\r", "B": false})),
            "x\\ty\\nz\\r\tFalse\n"
        );
    }
}
