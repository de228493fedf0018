//! Resources: one organisation's view of the `resources` table.

use rusqlite::{Connection, OptionalExtension, params};
use serde_json::Value;

use super::query::{Page, Query};
use super::{StoreResult, Tx};

/// One organisation's view of the database: its resources (JSON documents by kind and id, in
/// insertion order) and its tasks. Every read and write is scoped to the organisation, so
/// another organisation's ids are not found.
pub(crate) struct Db<'c> {
    pub(super) conn: &'c Connection,
    org: &'c str,
}

impl<'c> Db<'c> {
    pub(super) fn new(conn: &'c Connection, org: &'c str) -> Db<'c> {
        Db { conn, org }
    }

    /// The organisation this view is of.
    pub fn org(&self) -> &'c str {
        self.org
    }

    /// Inserts or replaces a resource; a new one goes last in its kind's order.
    pub fn put(&self, kind: impl AsRef<str>, id: &str, body: &Value) -> StoreResult<()> {
        let text = serde_json::to_string(body)?;
        let updated = self
            .conn
            .prepare_cached(
                "UPDATE resources SET body = ?4 WHERE kind = ?1 AND id = ?2 AND org = ?3",
            )?
            .execute(params![kind.as_ref(), id, self.org, text])?;
        if updated == 0 {
            self.conn
                .prepare_cached(
                    "INSERT INTO resources (kind, id, org, seq, body)
                     VALUES (?1, ?2, ?3, (SELECT COALESCE(MAX(seq), 0) + 1 FROM resources
                                           WHERE org = ?3 AND kind = ?1), ?4)",
                )?
                .execute(params![kind.as_ref(), id, self.org, text])?;
        }
        Ok(())
    }

    pub fn get(&self, kind: impl AsRef<str>, id: &str) -> StoreResult<Option<Value>> {
        let text: Option<String> = self
            .conn
            .query_row(
                "SELECT body FROM resources WHERE kind = ?1 AND id = ?2 AND org = ?3",
                params![kind.as_ref(), id, self.org],
                |r| r.get(0),
            )
            .optional()?;
        Ok(text.map(|t| serde_json::from_str(&t)).transpose()?)
    }

    /// Every resource of a kind, oldest first.
    pub fn list(&self, kind: impl AsRef<str>) -> StoreResult<Vec<Value>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT body FROM resources WHERE org = ?1 AND kind = ?2 ORDER BY seq",
        )?;
        let rows = stmt.query_map(params![self.org, kind.as_ref()], |r| r.get::<_, String>(0))?;
        let mut out = Vec::new();
        for row in rows {
            out.push(serde_json::from_str(&row?)?);
        }
        Ok(out)
    }

    /// The resources a query selects: one page of them, and how many there are in all.
    pub fn select(&self, query: &Query<'_>) -> StoreResult<Page> {
        query.run(self.conn, self.org)
    }

    /// The ids of the resources a query selects (its filters only), oldest first.
    pub fn select_ids(&self, query: &Query<'_>) -> StoreResult<Vec<String>> {
        query.ids(self.conn, self.org)
    }

    /// The page a query selects as the records' stored JSON text, unparsed (for answers that
    /// show records as stored), and how many records it selects in all.
    pub fn select_text(&self, query: &Query<'_>) -> StoreResult<(Vec<String>, usize)> {
        query.run_text(self.conn, self.org)
    }

    /// The ids of the resources a query selects, oldest first, as the text of a JSON array.
    pub fn select_ids_json(&self, query: &Query<'_>) -> StoreResult<String> {
        query.ids_json(self.conn, self.org)
    }

    pub fn delete(&self, kind: impl AsRef<str>, id: &str) -> StoreResult<bool> {
        Ok(self.conn.execute(
            "DELETE FROM resources WHERE kind = ?1 AND id = ?2 AND org = ?3",
            params![kind.as_ref(), id, self.org],
        )? > 0)
    }
}

impl Tx<'_> {
    /// The records of any kind and organisation with the id `id` (for the control routes,
    /// which name neither).
    pub fn records_anywhere(&self, id: &str) -> StoreResult<Vec<Value>> {
        let mut stmt = self
            .0
            .prepare_cached("SELECT body FROM resources WHERE id = ?1 ORDER BY kind")?;
        let rows = stmt.query_map([id], |r| r.get::<_, String>(0))?;
        let mut out = Vec::new();
        for row in rows {
            out.push(serde_json::from_str(&row?)?);
        }
        Ok(out)
    }

    /// A resource by kind and id, whichever organisation has it, with that organisation (for
    /// the unsigned admin routes, which name no organisation).
    pub fn find_anywhere(
        &self,
        kind: impl AsRef<str>,
        id: &str,
    ) -> StoreResult<Option<(String, Value)>> {
        let row: Option<(String, String)> = self
            .0
            .query_row(
                "SELECT org, body FROM resources WHERE kind = ?1 AND id = ?2",
                params![kind.as_ref(), id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        row.map(|(org, text)| Ok((org, serde_json::from_str(&text)?)))
            .transpose()
    }

    /// Whether a resource of `kind` of any organisation has `value` as its text field `field`,
    /// in any ASCII letter case (names unique across the installation, e.g. aliases).
    pub fn taken_anywhere(
        &self,
        kind: impl AsRef<str>,
        (field, value): (&str, &str),
    ) -> StoreResult<bool> {
        Ok(self.0.query_row(
            "SELECT EXISTS (SELECT 1 FROM resources WHERE kind = ?1
                 AND json_extract(body, '$.' || ?2) = ?3 COLLATE NOCASE)",
            params![kind.as_ref(), field, value],
            |r| r.get(0),
        )?)
    }
}
