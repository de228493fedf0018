//! Queries over one kind of resource, answered by SQLite: filters on the records' fields,
//! an order, and one page, so that a list reads and parses only the page it answers (the
//! filters and the order run inside SQLite over the stored JSON, `json_extract`).
//!
//! The store keeps indexes over what lists ask most ([`INDEXED`]): every record in insertion
//! order with its status and id, and the fields that name other records or that lists filter
//! by exactly, so a page in insertion order reads only the records it answers, a status
//! filter is checked from the index, and the records naming one other record are found
//! without reading the rest of the kind ([`index_sql`]; the query's expressions are written
//! exactly as the indexes', field paths inline).
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

    /// The statement of [`Query::ids`] and its arguments.
    fn ids_statement(&self, org: &str) -> (String, Vec<Sql>) {
        let (sql, args) = self.selection(org);
        (format!("SELECT id{sql} ORDER BY seq"), args)
    }

    /// The ids of the records the query selects in `org`, in insertion order (no JSON read
    /// back; order and page are not applied).
    pub(super) fn ids(&self, conn: &Connection, org: &str) -> StoreResult<Vec<String>> {
        let (sql, args) = self.ids_statement(org);
        let mut stmt = conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params_from_iter(args.iter()), |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The statements of the query in `org`: how many records it selects, and its page
    /// (bodies), each with its arguments.
    fn statements(&self, org: &str) -> [(String, Vec<Sql>); 2] {
        let (sql, mut args) = self.selection(org);
        let count = (format!("SELECT COUNT(*){sql}"), args.clone());
        let mut page = format!("SELECT body{sql} ORDER BY ");
        for order in &self.order {
            page.push_str(&format!(
                "{}{}, ",
                lowered(&order.field),
                if order.descending { " DESC" } else { "" }
            ));
        }
        page.push_str("seq LIMIT ? OFFSET ?");
        args.push(Sql::Integer(
            self.limit
                .map_or(-1, |l| i64::try_from(l).unwrap_or(i64::MAX)),
        ));
        args.push(Sql::Integer(i64::try_from(self.offset).unwrap_or(i64::MAX)));
        [count, (page, args)]
    }

    /// Runs the query in `org`: its page read into values.
    pub(super) fn run(&self, conn: &Connection, org: &str) -> StoreResult<Page> {
        let (texts, total) = self.run_text(conn, org)?;
        let items = texts
            .iter()
            .map(|text| serde_json::from_str(text))
            .collect::<Result<_, _>>()?;
        Ok(Page { items, total })
    }

    /// Runs the query in `org`: its page as the records' stored JSON text (nothing parsed),
    /// and how many records it selects in all.
    pub(super) fn run_text(
        &self,
        conn: &Connection,
        org: &str,
    ) -> StoreResult<(Vec<String>, usize)> {
        let [(count, count_args), (page, page_args)] = self.statements(org);
        let total: i64 = conn
            .prepare_cached(&count)?
            .query_row(params_from_iter(count_args.iter()), |r| r.get(0))?;
        let mut stmt = conn.prepare_cached(&page)?;
        let rows = stmt.query_map(params_from_iter(page_args.iter()), |r| {
            r.get::<_, String>(0)
        })?;
        Ok((
            rows.collect::<Result<_, _>>()?,
            usize::try_from(total).unwrap_or(0),
        ))
    }

    /// The ids of the records the query selects in `org` (its filters only), in insertion
    /// order, as the text of a JSON array, written straight from the index's rows (no record
    /// read, no string made per id).
    pub(super) fn ids_json(&self, conn: &Connection, org: &str) -> StoreResult<String> {
        let (sql, args) = self.ids_statement(org);
        let mut stmt = conn.prepare_cached(&sql)?;
        let mut rows = stmt.query(params_from_iter(args.iter()))?;
        let mut json = Vec::from(*b"[");
        while let Some(row) = rows.next()? {
            if json.len() > 1 {
                json.push(b',');
            }
            let id = row.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
            serde_json::to_writer(&mut json, id)?;
        }
        json.push(b']');
        Ok(String::from_utf8(json).unwrap_or_default())
    }

    /// SQLite's plan of each statement of the query in `org` (count, page, ids): one line
    /// per step, for tests to check which indexes a list uses.
    #[cfg(test)]
    pub(super) fn plans(&self, conn: &Connection, org: &str) -> StoreResult<[String; 3]> {
        let [count, page] = self.statements(org);
        let (ids, ids_args) = self.ids_statement(org);
        let plan = |(sql, args): (String, Vec<Sql>)| -> StoreResult<String> {
            let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?;
            let rows = stmt.query_map(params_from_iter(args.iter()), |r| r.get::<_, String>(3))?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?.join("\n"))
        };
        Ok([plan(count)?, plan(page)?, plan((ids, ids_args))?])
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

/// The SQL of a top-level field's value in a record (`json_extract(body, '$."Name"')`), the
/// path inline so that it is the expression the field's index keeps ([`path`] lets no quote
/// through).
fn extract(field: &str) -> String {
    format!("json_extract(body, '{}')", path(field))
}

/// The fields naming other records (UUIDs, and the access keys or ids of `CreatedBy`), each
/// indexed: lists under a record, the rules that look for what names a record, and filters
/// by reference find them without reading the rest of the kind. They are compared in any
/// ASCII case (ids are case-insensitive; stored ids are lower case, but a caller may name one
/// in capitals), so their indexes are `COLLATE NOCASE`; each index holds only the records
/// that have the field (partial), so the kinds without it cost nothing.
pub(crate) const REFERENCES: [&str; 19] = [
    "AccountTypeId",
    "OrganisationalUnitId",
    "ParentOrganisationalUnitId",
    "AccountId",
    "NetworkingHubId",
    "SourceNetworkingHubId",
    "DestinationNetworkingHubId",
    "CidrRangeId",
    "VpcId",
    "DnsResolverId",
    "DxGatewayId",
    "VpnCustomerGatewayId",
    "PolicyId",
    "CatalogueId",
    "CatalogueVersionId",
    "GroupId",
    "PermissionSetId",
    "TargetId",
    "CreatedBy",
];

/// Text fields lists and rules select by value: `Name` exactly (an account named so) and in
/// any case (names unique without case), AWS account ids exactly. Indexed both ways.
const VALUES: [&str; 2] = ["Name", "AwsAccountId"];

/// The fields `sort=` orders by from an index (in both directions, ties in insertion
/// order); another field is sorted by SQLite over the whole selection.
pub(crate) const SORTED: [&str; 5] = ["Name", "Status", "CreatedTS", "ModifiedTS", "AwsAccountId"];

/// Whether `field` is compared without case whatever the filter says ([`REFERENCES`]).
fn reference(field: &str) -> bool {
    REFERENCES.contains(&field)
}

/// The statements making the indexes of lists (after dropping those of earlier versions),
/// each ending with the record's insertion order, status and id, so that a page in an
/// index's order, a status filter and a list of ids read nothing else:
/// - every kind in insertion order, with its name in lower case (a `name_filter` substring
///   is checked from this index, no record parsed);
/// - one per [`REFERENCES`] field (without case, partial), per [`VALUES`] field (exact, and
///   without case);
/// - two per [`SORTED`] field: its value as orders compare it (`lower_text`), ascending and
///   descending, insertion order after it.
///
/// The sort and name indexes use the `lower_text` function, which every connection of the
/// store registers ([`register_functions`]): a tool opening the file without it can read
/// the database but not change its resources.
pub(super) fn index_sql() -> String {
    let (status, name) = (extract("Status"), lowered("Name"));
    let mut sql = String::new();
    // Earlier versions' indexes (exact references; insertion order without the name).
    for old in [
        "resources_by_org",
        "resources_in_order",
        "resources_by_accounttypeid",
        "resources_by_organisationalunitid",
        "resources_by_accountid",
    ] {
        sql.push_str(&format!("DROP INDEX IF EXISTS {old};\n"));
    }
    let tail = format!("seq, {status}, id");
    let mut index = |name: String, columns: String, only: Option<String>| {
        sql.push_str(&format!(
            "CREATE INDEX IF NOT EXISTS resources_{name} ON resources (org, kind, {columns}){};\n",
            only.map(|w| format!(" WHERE {w}")).unwrap_or_default()
        ));
    };
    index("ordered".into(), format!("seq, {status}, id, {name}"), None);
    for field in REFERENCES {
        let value = extract(field);
        index(
            format!("ref_{}", field.to_ascii_lowercase()),
            format!("{value} COLLATE NOCASE, {tail}"),
            Some(format!("{value} IS NOT NULL")),
        );
    }
    for field in VALUES {
        let value = extract(field);
        let lower = field.to_ascii_lowercase();
        index(format!("by_{lower}"), format!("{value}, {tail}"), None);
        index(
            format!("nocase_{lower}"),
            format!("{value} COLLATE NOCASE, {tail}"),
            None,
        );
    }
    for field in SORTED {
        let key = lowered(field);
        let lower = field.to_ascii_lowercase();
        index(format!("up_{lower}"), format!("{key}, {tail}"), None);
        index(format!("down_{lower}"), format!("{key} DESC, {tail}"), None);
    }
    sql
}

/// The SQL of a field's value as orders and substring filters compare it: text in lower
/// case.
fn lowered(field: &str) -> String {
    format!("lower_text({})", extract(field))
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
                let field_name = field.as_str();
                let field = extract(field);
                let not = if matches!(self, Filter::NotIn { .. }) {
                    "NOT "
                } else {
                    ""
                };
                // A missing field's text is empty: only a list naming "" needs the coalesce
                // (without it, `IN` can search the field's index).
                let value = if values.iter().any(String::is_empty) {
                    format!("coalesce({field}, '')")
                } else {
                    field
                };
                let values = bind_all(args, values);
                let collate = if *nocase || reference(field_name) {
                    " COLLATE NOCASE"
                } else {
                    ""
                };
                sql.push_str(&format!("{value}{collate} {not}IN ({values})"));
            }
            // Every text contains the empty one (a missing field's text is empty).
            Filter::Contains { text, .. } if text.is_empty() => sql.push('1'),
            // The lowered field, as the indexes keep it (a missing field contains nothing).
            Filter::Contains { field, text } => {
                let text = bind(args, Sql::Text(text.to_lowercase()));
                sql.push_str(&format!("instr({}, {text}) > 0", lowered(field)));
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
        // Innocuous: indexes use it, also where the schema is not trusted.
        FunctionFlags::SQLITE_UTF8
            | FunctionFlags::SQLITE_DETERMINISTIC
            | FunctionFlags::SQLITE_INNOCUOUS,
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

    /// A kind of many records, for the plans: `n` accounts of two types and statuses.
    fn large(n: usize) -> Store {
        let store = Store::open(None).unwrap();
        store
            .write(|tx| {
                let db = tx.org("o1");
                for i in 0..n {
                    let id = format!("a{i:05}");
                    let status = if i % 10 == 0 { "CLOSED" } else { "ACTIVE" };
                    db.put(
                        "account",
                        &id,
                        &json!({"Id": id, "Name": format!("n{i}"), "Status": status,
                                "AccountTypeId": format!("t{}", i % 2), "Pad": "x".repeat(200)}),
                    )?;
                }
                db.put("account_type", "t0", &json!({"Id": "t0", "Name": "zero"}))?;
                Ok::<_, StoreError>(())
            })
            .unwrap();
        store
    }

    fn plans(store: &Store, query: &Query<'_>) -> [String; 3] {
        store
            .read(|tx| query.plans(tx.org("o1").conn, "o1"))
            .unwrap()
    }

    #[test]
    fn pages_in_insertion_order_read_the_index_not_the_kind() {
        let store = large(2000);
        let mut page = Query::of("account");
        (page.offset, page.limit) = (1000, Some(100));
        let mut live = page.clone().filter(Filter::not_in("Status", &["CLOSED"]));
        for query in [&mut page, &mut live] {
            let [count, rows, ids] = plans(&store, query);
            for plan in [&count, &rows, &ids] {
                assert!(!plan.contains("SCAN"), "{plan}");
                assert!(!plan.contains("TEMP B-TREE"), "{plan}");
            }
            // Counted (and the status checked) from an index alone.
            assert!(count.contains("COVERING INDEX"), "{count}");
            assert!(rows.contains("USING INDEX resources_ordered"), "{rows}");
        }
        let (ids, total) = ids(&store, &live);
        assert_eq!(total, 1800);
        assert_eq!(ids.first().map(String::as_str), Some("a01112"));
    }

    #[test]
    fn records_naming_another_are_found_by_its_index() {
        let store = large(2000);
        let of_type = Query::of("account").filter(Filter::eq("AccountTypeId", "t1"));
        let [count, rows, ids] = plans(&store, &of_type);
        for plan in [&count, &rows, &ids] {
            assert!(
                plan.contains("resources_ref_accounttypeid (org=? AND kind=? AND <expr>=?)"),
                "{plan}"
            );
            assert!(!plan.contains("TEMP B-TREE"), "{plan}");
        }
        assert!(ids.contains("COVERING INDEX"), "{ids}");
        let named = Query::of("account")
            .filter(Filter::eq("Name", "n77"))
            .filter(Filter::not_in("Status", &["CLOSED"]));
        let [_, rows, _] = plans(&store, &named);
        assert!(
            rows.contains("resources_by_name (org=? AND kind=? AND <expr>=?)"),
            "{rows}"
        );
        assert_eq!(ids_of(&store, &named), ["a00077"]);
        let found = store.read(|tx| tx.org("o1").select_ids(&of_type)).unwrap();
        assert_eq!(found.len(), 1000);
        assert_eq!(found[0], "a00001");
    }

    /// Whether no step of `plans` reads the whole kind or sorts.
    fn no_scan_no_sort(plans: &[String]) {
        for plan in plans {
            assert!(!plan.contains("SCAN"), "{plan}");
            assert!(!plan.contains("TEMP B-TREE"), "{plan}");
        }
    }

    #[test]
    fn sorted_pages_read_the_sort_fields_index_in_either_direction() {
        let store = large(2000);
        for field in SORTED {
            for descending in [false, true] {
                let mut page = Query::of("account").order(field, descending);
                (page.offset, page.limit) = (1000, Some(100));
                let live = page.clone().filter(Filter::not_in("Status", &["CLOSED"]));
                for query in [&page, &live] {
                    let [count, rows, _] = plans(&store, query);
                    no_scan_no_sort(&[count, rows.clone()]);
                    let index = if descending { "down" } else { "up" };
                    let index = format!("resources_{index}_{}", field.to_ascii_lowercase());
                    assert!(rows.contains(&index), "{field} {descending}: {rows}");
                }
            }
        }
        // Ties keep insertion order in both directions; the page is the sorted list's.
        let mut by_status = Query::of("account").order("Status", true);
        let all = ids_of(&store, &by_status);
        assert_eq!(&all[..2], ["a00000", "a00010"]);
        assert_eq!(&all[200..202], ["a00001", "a00002"]);
        (by_status.offset, by_status.limit) = (199, Some(3));
        assert_eq!(ids_of(&store, &by_status), ["a01990", "a00001", "a00002"]);
    }

    #[test]
    fn references_and_names_in_any_case_are_found_by_their_indexes() {
        let store = large(2000);
        for (query, index) in [
            (
                Query::of("account")
                    .filter(Filter::is_in_nocase("AccountTypeId", vec!["T1".into()])),
                "resources_ref_accounttypeid",
            ),
            // References compare without case even when the filter is exact.
            (
                Query::of("account").filter(Filter::eq("AccountTypeId", "T1")),
                "resources_ref_accounttypeid",
            ),
            (
                Query::of("vpc").filter(Filter::eq("NetworkingHubId", "h1")),
                "resources_ref_networkinghubid",
            ),
            (
                Query::of("account")
                    .filter(Filter::is_in_nocase("Name", vec!["N77".into()]))
                    .filter(Filter::not_in("Status", &["CLOSED"])),
                "resources_nocase_name",
            ),
            (
                Query::of("account").filter(Filter::is_in("AwsAccountId", vec!["1".into()])),
                "resources_by_awsaccountid",
            ),
        ] {
            let [count, rows, ids] = plans(&store, &query);
            no_scan_no_sort(&[count, rows.clone(), ids.clone()]);
            for plan in [&rows, &ids] {
                assert!(plan.contains(index), "{plan}");
            }
        }
        let of_type = Query::of("account").filter(Filter::eq("AccountTypeId", "T1"));
        assert_eq!(
            store
                .read(|tx| tx.org("o1").select_ids(&of_type))
                .unwrap()
                .len(),
            1000
        );
        let named = Query::of("account").filter(Filter::is_in_nocase("Name", vec!["N77".into()]));
        assert_eq!(ids_of(&store, &named), ["a00077"]);
    }

    #[test]
    fn substring_filters_read_names_from_the_index_not_the_records() {
        let store = large(2000);
        let mut page = Query::of("account").filter(Filter::Contains {
            field: "Name".into(),
            text: "N19".into(),
        });
        (page.offset, page.limit) = (5, Some(10));
        let [count, rows, id_plan] = plans(&store, &page);
        no_scan_no_sort(&[count.clone(), rows.clone(), id_plan]);
        // Counted from the index alone: no record read to check its name.
        assert!(count.contains("COVERING INDEX"), "{count}");
        assert!(rows.contains("INDEX resources_ordered"), "{rows}");
        let expected = [
            "a00194", "a00195", "a00196", "a00197", "a00198", "a00199", "a01900", "a01901",
            "a01902", "a01903",
        ];
        assert_eq!(
            ids(&store, &page),
            (expected.map(String::from).to_vec(), 111)
        );
    }

    fn ids_of(store: &Store, query: &Query<'_>) -> Vec<String> {
        ids(store, query).0
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
