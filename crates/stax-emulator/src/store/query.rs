//! Queries over one kind of resource, answered by SQLite: filters on the records' fields,
//! an order, and one page, so that a list reads and parses only the page it answers (the
//! filters and the order run inside SQLite over the stored JSON, `json_extract`).
//!
//! Fields are top-level fields of the records' JSON. Text compares exactly, or without ASCII
//! case (`nocase`); an order compares numbers as numbers and text in lower case (any
//! alphabet: the `lower_text` function registered on every connection), a missing or null
//! field first; records equal in the order keep their insertion order.

use rusqlite::functions::FunctionFlags;
use rusqlite::types::{Value as Sql, ValueRef};
use rusqlite::{Connection, params_from_iter};
use serde_json::Value;

use super::StoreResult;

/// A condition on a field of the records.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Filter {
    /// The field's text is one of `values` (a missing field's text is empty).
    In {
        field: String,
        values: Vec<String>,
        nocase: bool,
    },
    /// The field's text is none of `values`.
    NotIn {
        field: String,
        values: Vec<String>,
        nocase: bool,
    },
    /// The field's text contains `text`, in any letter case.
    Contains { field: String, text: String },
    /// The record's id is one of these (ids are stored lower-case; compared without case).
    Ids(Vec<String>),
}

impl Filter {
    /// The field's text is one of `values`, exactly.
    pub fn is_in(field: &str, values: Vec<String>) -> Filter {
        Filter::In {
            field: field.to_owned(),
            values,
            nocase: false,
        }
    }

    /// The field's text is one of `values`, in any ASCII case.
    pub fn is_in_nocase(field: &str, values: Vec<String>) -> Filter {
        Filter::In {
            field: field.to_owned(),
            values,
            nocase: true,
        }
    }

    /// The field's text is `value`, exactly.
    pub fn eq(field: &str, value: &str) -> Filter {
        Filter::is_in(field, vec![value.to_owned()])
    }

    /// The field's text is none of `values`, exactly.
    pub fn not_in(field: &str, values: &[&str]) -> Filter {
        Filter::NotIn {
            field: field.to_owned(),
            values: values.iter().map(|v| (*v).to_owned()).collect(),
            nocase: false,
        }
    }
}

/// An order by a field.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Order {
    pub field: String,
    pub descending: bool,
}

/// Which records of a kind, in which order, which page.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Query<'a> {
    pub kind: &'a str,
    /// All must hold.
    pub filters: Vec<Filter>,
    /// Before the insertion order.
    pub order: Vec<Order>,
    /// How many of the selected records the page skips.
    pub offset: usize,
    /// The most the page holds (`None`: all the rest).
    pub limit: Option<usize>,
}

/// One page of a query's records, and how many records it selects in all.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Page {
    pub items: Vec<Value>,
    pub total: usize,
}

impl<'a> Query<'a> {
    /// Every record of `kind`, in insertion order.
    pub fn of(kind: &'a str) -> Query<'a> {
        Query {
            kind,
            filters: Vec::new(),
            order: Vec::new(),
            offset: 0,
            limit: None,
        }
    }

    /// With one more condition.
    pub fn filter(mut self, filter: Filter) -> Self {
        self.filters.push(filter);
        self
    }

    /// Then ordered by `field` (after the orders given so far).
    pub fn order(mut self, field: &str, descending: bool) -> Self {
        self.order.push(Order {
            field: field.to_owned(),
            descending,
        });
        self
    }

    /// The `FROM ... WHERE ...` of the query in `org`, and its arguments.
    fn selection(&self, org: &str) -> (String, Vec<Sql>) {
        let mut args: Vec<Sql> = vec![Sql::Text(org.to_owned()), Sql::Text(self.kind.to_owned())];
        let mut sql = String::from(" FROM resources WHERE org = ?1 AND kind = ?2");
        for filter in &self.filters {
            sql.push_str(" AND ");
            filter.write(&mut sql, &mut args);
        }
        (sql, args)
    }

    /// The ids of the records the query selects in `org`, in insertion order (no JSON read
    /// back; order and page are not applied).
    pub(super) fn ids(&self, conn: &Connection, org: &str) -> StoreResult<Vec<String>> {
        let (sql, args) = self.selection(org);
        let mut stmt = conn.prepare_cached(&format!("SELECT id{sql} ORDER BY seq"))?;
        let rows = stmt.query_map(params_from_iter(args.iter()), |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Runs the query in `org`.
    pub(super) fn run(&self, conn: &Connection, org: &str) -> StoreResult<Page> {
        let (mut sql, mut args) = self.selection(org);
        let total: i64 = conn
            .prepare_cached(&format!("SELECT COUNT(*){sql}"))?
            .query_row(params_from_iter(args.iter()), |r| r.get(0))?;
        sql.push_str(" ORDER BY ");
        for order in &self.order {
            args.push(Sql::Text(path(&order.field)));
            sql.push_str(&format!(
                "lower_text(json_extract(body, ?{})){}, ",
                args.len(),
                if order.descending { " DESC" } else { "" }
            ));
        }
        sql.push_str("seq LIMIT ? OFFSET ?");
        args.push(Sql::Integer(
            self.limit
                .map_or(-1, |l| i64::try_from(l).unwrap_or(i64::MAX)),
        ));
        args.push(Sql::Integer(i64::try_from(self.offset).unwrap_or(i64::MAX)));
        let mut stmt = conn.prepare_cached(&format!("SELECT body{sql}"))?;
        let rows = stmt.query_map(params_from_iter(args.iter()), |r| r.get::<_, String>(0))?;
        let mut items = Vec::new();
        for row in rows {
            items.push(serde_json::from_str(&row?)?);
        }
        Ok(Page {
            items,
            total: usize::try_from(total).unwrap_or(0),
        })
    }
}

/// The JSON path of a top-level field; a name of other characters than letters, digits, `_`
/// and `-` names no field.
fn path(field: &str) -> String {
    let plain = field
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if plain {
        format!("$.\"{field}\"")
    } else {
        "$.\"\"".to_owned()
    }
}

/// Adds an argument; its placeholder.
fn bind(args: &mut Vec<Sql>, value: Sql) -> String {
    args.push(value);
    format!("?{}", args.len())
}

/// Adds text arguments; their placeholders, comma-separated.
fn bind_all(args: &mut Vec<Sql>, values: &[String]) -> String {
    values
        .iter()
        .map(|v| bind(args, Sql::Text(v.clone())))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Filter {
    /// Appends the condition, with its arguments numbered after `args`.
    fn write(&self, sql: &mut String, args: &mut Vec<Sql>) {
        match self {
            Filter::In {
                field,
                values,
                nocase,
            }
            | Filter::NotIn {
                field,
                values,
                nocase,
            } => {
                let field = bind(args, Sql::Text(path(field)));
                let values = bind_all(args, values);
                let not = if matches!(self, Filter::NotIn { .. }) {
                    "NOT "
                } else {
                    ""
                };
                let collate = if *nocase { " COLLATE NOCASE" } else { "" };
                sql.push_str(&format!(
                    "coalesce(json_extract(body, {field}), ''){collate} {not}IN ({values})"
                ));
            }
            Filter::Contains { field, text } => {
                let field = bind(args, Sql::Text(path(field)));
                let text = bind(args, Sql::Text(text.to_lowercase()));
                sql.push_str(&format!(
                    "instr(lower_text(coalesce(json_extract(body, {field}), '')), {text}) > 0"
                ));
            }
            Filter::Ids(ids) => {
                let ids: Vec<String> = ids.iter().map(|i| i.to_ascii_lowercase()).collect();
                let values = bind_all(args, &ids);
                sql.push_str(&format!("id IN ({values})"));
            }
        }
    }
}

/// Registers the functions queries use: `lower_text(x)`, `x` in lower case when it is text
/// (every alphabet, as Rust lower-cases it), else `x`.
pub(super) fn register_functions(conn: &Connection) -> rusqlite::Result<()> {
    conn.create_scalar_function(
        "lower_text",
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            Ok(match ctx.get_raw(0) {
                ValueRef::Text(text) => Sql::Text(String::from_utf8_lossy(text).to_lowercase()),
                ValueRef::Null => Sql::Null,
                ValueRef::Integer(n) => Sql::Integer(n),
                ValueRef::Real(x) => Sql::Real(x),
                ValueRef::Blob(bytes) => Sql::Blob(bytes.to_vec()),
            })
        },
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::store::{Store, StoreError};

    fn store() -> Store {
        let store = Store::open(None).unwrap();
        store
            .write(|tx| {
                let db = tx.org("o1");
                for (id, name, status, size) in [
                    ("a", "Émile", "ACTIVE", json!(3)),
                    ("b", "bob", "DELETED", json!(10)),
                    ("c", "alice", "ACTIVE", Value::Null),
                    ("d", "Dora", "active", json!(2)),
                ] {
                    db.put(
                        "thing",
                        id,
                        &json!({"Id": id, "Name": name, "Status": status, "Size": size}),
                    )?;
                }
                tx.org("o2")
                    .put("thing", "z", &json!({"Id": "z", "Name": "zed"}))?;
                Ok::<_, StoreError>(())
            })
            .unwrap();
        store
    }

    fn ids(store: &Store, query: &Query<'_>) -> (Vec<String>, usize) {
        let page = store.read(|tx| tx.org("o1").select(query)).unwrap();
        let ids = page
            .items
            .iter()
            .map(|v| v["Id"].as_str().unwrap().to_owned())
            .collect();
        (ids, page.total)
    }

    #[test]
    fn filters_pick_records_of_the_organisation() {
        let store = store();
        assert_eq!(ids(&store, &Query::of("thing")).0, ["a", "b", "c", "d"]);
        let active = Query::of("thing").filter(Filter::eq("Status", "ACTIVE"));
        assert_eq!(ids(&store, &active), (vec!["a".into(), "c".into()], 2));
        let any_case =
            Query::of("thing").filter(Filter::is_in_nocase("Status", vec!["active".into()]));
        assert_eq!(ids(&store, &any_case).0, ["a", "c", "d"]);
        let live = Query::of("thing").filter(Filter::not_in("Status", &["DELETED"]));
        assert_eq!(ids(&store, &live).0, ["a", "c", "d"]);
        let named = Query::of("thing").filter(Filter::Contains {
            field: "Name".into(),
            text: "ÉM".into(),
        });
        assert_eq!(ids(&store, &named).0, ["a"]);
        let by_id = Query::of("thing").filter(Filter::Ids(vec!["B".into(), "z".into()]));
        assert_eq!(ids(&store, &by_id).0, ["b"]);
    }

    #[test]
    fn orders_and_pages() {
        let store = store();
        let by_name = Query::of("thing").order("Name", false);
        assert_eq!(ids(&store, &by_name).0, ["c", "b", "d", "a"]);
        let by_size = Query::of("thing").order("Size", true);
        assert_eq!(ids(&store, &by_size).0, ["b", "a", "d", "c"]);
        let mut page = Query::of("thing").order("Size", false);
        page.offset = 1;
        page.limit = Some(2);
        assert_eq!(ids(&store, &page), (vec!["d".into(), "a".into()], 4));
        let odd = Query::of("thing").order("Na\"me", false);
        assert_eq!(ids(&store, &odd).0, ["a", "b", "c", "d"]);
    }
}
