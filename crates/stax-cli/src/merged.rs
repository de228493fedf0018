//! The one answer `--all-pages` makes of a walk's pages: the first page with the lists of the
//! others appended and their other fields taken from the latest page; a walk cut at
//! `--max-items` ends with `"NextToken"` in place of `Paging`.
//!
//! In JSON without `--query` ([`Merged::printing`]) the answer is printed as the pages
//! arrive, holding one page at a time: the list's items written as each page comes, the
//! fields after the list (`Paging`) kept and written at the end. The text is byte for byte
//! what pretty-printing the merged tree gives. That needs the page's list to be its first
//! field (as every list operation of the Stax APIs answers); a page laid out otherwise is
//! merged into a tree like the other forms (YAML, tables and text size their columns over
//! every item, and a query reads the whole answer).

use std::io::{self, Write};

use serde_json::{Map, Value};

use crate::text::NEXT_TOKEN;

/// The field of a page that says where the next one starts, replaced by [`NEXT_TOKEN`] in a
/// cut walk's answer.
const PAGING: &str = "Paging";

/// The pages of a walk, merged into one answer.
pub struct Merged<W: Write> {
    state: State<W>,
}

enum State<W: Write> {
    /// No page yet; `Some(out)` prints as the pages arrive (when their layout allows).
    Empty(Option<W>),
    /// The pages merged into one tree.
    Tree(Value),
    /// The pages printed as they arrive.
    Printing(Printer<W>),
}

/// What a page did to a printed answer that it cannot hold: its list field is not a list.
#[derive(Debug)]
pub enum PageError {
    /// Writing failed.
    Io(io::Error),
    /// The page's list field (named) holds something other than a list.
    NotAList(String),
}

impl From<io::Error> for PageError {
    fn from(e: io::Error) -> Self {
        PageError::Io(e)
    }
}

impl<W: Write> Merged<W> {
    /// Pages merged into a tree, printed by the caller at the end.
    pub fn tree() -> Merged<W> {
        Merged {
            state: State::Empty(None),
        }
    }

    /// Pages printed to `out` as they arrive (JSON, pretty-printed).
    pub fn printing(out: W) -> Merged<W> {
        Merged {
            state: State::Empty(Some(out)),
        }
    }

    /// Whether the answer is being printed as the pages arrive.
    #[cfg(test)]
    fn started(&self) -> bool {
        matches!(self.state, State::Printing(_))
    }

    /// Ends an answer a failure cut short: when some of it was printed, a line break after
    /// it (for the terminal's sake; the answer stays unclosed, so no JSON reader takes it for
    /// the whole list). Whether some was printed.
    pub fn abandon(self) -> bool {
        let State::Printing(mut printer) = self.state else {
            return false;
        };
        // The failure is what the command reports; a failed write now adds nothing to it.
        let _ = printer
            .out
            .write_all(b"\n")
            .and_then(|()| printer.out.flush());
        true
    }

    /// Adds the next page.
    pub fn push(&mut self, page: Value) -> Result<(), PageError> {
        match &mut self.state {
            State::Tree(acc) => merge_page(acc, page),
            State::Printing(printer) => printer.push(page)?,
            State::Empty(out) => {
                self.state = match (out.take(), list_first(&page)) {
                    (Some(out), Some(key)) => State::Printing(Printer::start(out, key, page)?),
                    (_, _) => State::Tree(page),
                };
            }
        }
        Ok(())
    }

    /// Ends the answer: `next_token` (a cut walk's) replaces `Paging`. The tree when it was not
    /// printed; `None` once the printed answer is closed.
    pub fn finish(self, next_token: Option<String>) -> io::Result<Option<Value>> {
        match self.state {
            State::Empty(_) => Ok(Some(Value::Null)),
            State::Tree(mut tree) => {
                if let Value::Object(map) = &mut tree {
                    with_token(map, next_token);
                }
                Ok(Some(tree))
            }
            State::Printing(printer) => printer.finish(next_token).map(|()| None),
        }
    }
}

/// Only a cut walk has a token: one that reached the end has none.
fn with_token(map: &mut Map<String, Value>, next_token: Option<String>) {
    if let Some(token) = next_token {
        map.shift_remove(PAGING);
        map.insert(NEXT_TOKEN.to_owned(), Value::String(token));
    }
}

/// Appends the arrays of `page` to those of `acc`; other fields take the latest page's value.
fn merge_page(acc: &mut Value, page: Value) {
    let (Value::Object(acc), Value::Object(page)) = (acc, page) else {
        return;
    };
    merge_fields(acc, page);
}

fn merge_fields(acc: &mut Map<String, Value>, page: Map<String, Value>) {
    for (key, value) in page {
        match (acc.get_mut(&key), value) {
            (Some(Value::Array(existing)), Value::Array(more)) => existing.extend(more),
            (_, value) => {
                acc.insert(key, value);
            }
        }
    }
}

/// The page's list field when the page can be printed as it arrives: an object whose first
/// field is its one list (`Paging` aside).
fn list_first(page: &Value) -> Option<String> {
    let map = page.as_object()?;
    let (first, value) = map.iter().next()?;
    let lists = map
        .iter()
        .filter(|(k, v)| k.as_str() != PAGING && v.is_array())
        .count();
    (value.is_array() && first != PAGING && lists == 1).then(|| first.clone())
}

/// An answer printed as its pages arrive.
struct Printer<W: Write> {
    out: W,
    /// The list field, the answer's first.
    key: String,
    /// Items written so far.
    items: u64,
    /// The fields after the list, merged over the pages so far.
    tail: Map<String, Value>,
}

impl<W: Write> Printer<W> {
    /// Opens the answer and the list of the first `page` (whose first field is `key`).
    fn start(mut out: W, key: String, page: Value) -> Result<Printer<W>, PageError> {
        out.write_all(b"{\n  ")?;
        serde_json::to_writer(&mut out, &key).map_err(io::Error::from)?;
        out.write_all(b": ")?;
        let mut printer = Printer {
            out,
            key,
            items: 0,
            tail: Map::new(),
        };
        printer.push(page)?;
        Ok(printer)
    }

    /// Writes the items of `page`'s list and keeps its other fields; flushes.
    fn push(&mut self, page: Value) -> Result<(), PageError> {
        let Value::Object(mut page) = page else {
            return Err(PageError::NotAList(self.key.clone()));
        };
        match page.shift_remove(&self.key) {
            // A page without the list adds nothing to it (as the tree's merge).
            None => {}
            Some(Value::Array(items)) => {
                for item in items {
                    self.out.write_all(if self.items == 0 {
                        b"[\n    "
                    } else {
                        b",\n    "
                    })?;
                    write_indented(&mut self.out, &item, b"    ")?;
                    self.items += 1;
                }
            }
            Some(_) => return Err(PageError::NotAList(self.key.clone())),
        }
        merge_fields(&mut self.tail, page);
        self.out.flush()?;
        Ok(())
    }

    /// Closes the list, writes the fields after it (`next_token` in place of `Paging`) and
    /// closes the answer.
    fn finish(mut self, next_token: Option<String>) -> io::Result<()> {
        self.out
            .write_all(if self.items == 0 { b"[]" } else { b"\n  ]" })?;
        with_token(&mut self.tail, next_token);
        for (key, value) in &self.tail {
            self.out.write_all(b",\n  ")?;
            serde_json::to_writer(&mut self.out, key)?;
            self.out.write_all(b": ")?;
            write_indented(&mut self.out, value, b"  ")?;
        }
        self.out.write_all(b"\n}\n")?;
        self.out.flush()
    }
}

/// Writes `value` pretty-printed as it sits `pad` deep: every line after the first indented
/// by `pad` (a JSON string never holds a raw line break, so every `\n` is a line's end).
fn write_indented<W: Write>(out: &mut W, value: &Value, pad: &[u8]) -> io::Result<()> {
    serde_json::to_writer_pretty(Indented { out, pad }, value).map_err(io::Error::from)
}

/// A writer that indents each line after the first by `pad`.
struct Indented<'a, W: Write> {
    out: &'a mut W,
    pad: &'a [u8],
}

impl<W: Write> Write for Indented<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.write_all(buf).map(|()| buf.len())
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        let mut lines = buf.split(|b| *b == b'\n');
        if let Some(first) = lines.next() {
            self.out.write_all(first)?;
        }
        for line in lines {
            self.out.write_all(b"\n")?;
            self.out.write_all(self.pad)?;
            self.out.write_all(line)?;
        }
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// What pretty-printing the merged tree gives, and what printing as the pages arrive
    /// gives, for `pages` (cut with `token`).
    fn both(pages: &[Value], token: Option<&str>) -> (String, String) {
        let mut tree = Merged::<Vec<u8>>::tree();
        let mut out = Vec::new();
        let mut printed = Merged::printing(&mut out);
        for page in pages {
            tree.push(page.clone()).unwrap();
            printed.push(page.clone()).unwrap();
        }
        assert!(printed.started());
        assert_eq!(printed.finish(token.map(str::to_owned)).unwrap(), None);
        let tree = tree.finish(token.map(str::to_owned)).unwrap().unwrap();
        (
            format!("{}\n", serde_json::to_string_pretty(&tree).unwrap()),
            String::from_utf8(out).unwrap(),
        )
    }

    #[test]
    fn pages_printed_as_they_arrive_are_the_merged_tree_printed() {
        let cases: [(Vec<Value>, Option<&str>); 5] = [
            (
                vec![
                    json!({"Accounts": [{"Id": "1", "Tags": {"a": "b\nc"}, "L": [1, []]}], "Paging": {"NextOffset": 1, "Total": 3}}),
                    json!({"Accounts": [], "Paging": {"NextOffset": 2, "Total": 3}}),
                    json!({"Accounts": [{"Id": "2", "Tags": {}}, "x"], "Paging": {"NextOffset": null, "Total": 3}, "Extra": [1]}),
                ],
                None,
            ),
            (vec![json!({"Accounts": []})], None),
            (
                vec![json!({"Accounts": [], "Paging": {"NextOffset": null}})],
                Some("eyJ"),
            ),
            (
                vec![
                    json!({"Sets": [{"Id": 1}], "Paging": {"NextToken": "t"}, "NextToken": "old"}),
                    json!({"Sets": [{"Id": 2}], "Paging": {"NextToken": "u"}}),
                ],
                Some("eyJ"),
            ),
            (vec![json!({"Ids": [1, 2]}), json!({"Other": true})], None),
        ];
        for (pages, token) in cases {
            let (tree, printed) = both(&pages, token);
            assert_eq!(printed, tree, "{pages:?}");
        }
    }

    #[test]
    fn pages_laid_out_otherwise_merge_into_a_tree() {
        for page in [
            json!({"Paging": {}, "Accounts": []}),
            json!({"A": [], "B": []}),
            json!({"Id": "1"}),
            json!([1, 2]),
        ] {
            let mut merged = Merged::printing(Vec::new());
            merged.push(page.clone()).unwrap();
            assert!(!merged.started());
            assert_eq!(merged.finish(None).unwrap(), Some(page));
        }
        let mut merged = Merged::<Vec<u8>>::tree();
        merged
            .push(json!({"Accounts": [{"Id": "1"}], "Paging": {"NextOffset": 1}}))
            .unwrap();
        merged
            .push(json!({"Accounts": [{"Id": "2"}], "Paging": {"NextOffset": null}}))
            .unwrap();
        assert_eq!(
            merged.finish(None).unwrap(),
            Some(json!({"Accounts": [{"Id": "1"}, {"Id": "2"}], "Paging": {"NextOffset": null}}))
        );
    }

    #[test]
    fn a_page_whose_list_is_not_a_list_is_refused() {
        let mut merged = Merged::printing(Vec::new());
        merged.push(json!({"Accounts": [1]})).unwrap();
        assert!(merged.started());
        let err = merged.push(json!({"Accounts": {"no": 1}})).unwrap_err();
        assert!(matches!(err, PageError::NotAList(key) if key == "Accounts"));
    }
}
