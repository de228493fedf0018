//! Lists: what a call's path and query ask of a kind, answered by the store one page at a
//! time.

use std::cmp::Ordering;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as TOKEN;
use serde_json::{Value, json};

use super::Resource;
use crate::areas::api::Call;
use crate::areas::rules::find;
use crate::protocol::{ApiError, ApiResult};
use crate::store::Db;
use crate::store::kinds::{Kind, Paging, Shows};
use crate::store::query::{Filter, Order, Query};

/// The most a `page_token` list answers in one page, and its default.
const PAGE_SIZE: usize = 100;

/// The records of `R`'s kind a list call asks for, presented, and the answer's `Paging`.
/// A path that names one record of the kind (its `param`) lists that one, with the list's
/// filters (for APIs whose read by id filters as their lists do).
pub(crate) fn list<R: Resource>(
    call: &Call<'_>,
    db: &Db<'_>,
) -> ApiResult<(Vec<Value>, Option<Value>)> {
    let (mut records, paging) = list_stored::<R>(call, db)?;
    R::present(call, db, &mut records)?;
    Ok((records, paging))
}

/// [`list`] without [`Resource::present`]: the records as stored.
pub(crate) fn list_stored<R: Resource>(
    call: &Call<'_>,
    db: &Db<'_>,
) -> ApiResult<(Vec<Value>, Option<Value>)> {
    let (query, window) = asked::<R>(call, db)?;
    let page = db.select(&query)?;
    Ok((page.items, window.paging(page.total)))
}

/// The page a list call asks for as the records' stored JSON text, for kinds whose records
/// show as stored ([`Resource::as_stored`]): nothing is parsed or presented.
pub(crate) fn list_text<R: Resource>(
    call: &Call<'_>,
    db: &Db<'_>,
) -> ApiResult<(Vec<String>, Option<Value>)> {
    let (query, window) = asked::<R>(call, db)?;
    let (texts, total) = db.select_text(&query)?;
    Ok((texts, window.paging(total)))
}

/// What a list call asks of `R`'s kind: the query (path, status, ids, the kind's own
/// filters) and the window (order and page).
fn asked<R: Resource>(call: &Call<'_>, db: &Db<'_>) -> ApiResult<(Query<'static>, Window)> {
    let kind = R::KIND;
    let mut query = Query::of(kind.name);
    for (param, id) in &call.params {
        if param == kind.param {
            query.filters.push(Filter::Ids(vec![id.clone()]));
            continue;
        }
        let Some(field) = named_by(kind, param, call.params.len()) else {
            continue;
        };
        let owner = find(db, field.1, (param, id))?;
        query
            .filters
            .push(Filter::eq(field.0, field.1.id_of(&owner)));
    }
    query.filters.extend(status_filter(call, kind)?);
    if let Some(param) = kind.listing.ids {
        let ids: Vec<String> = call.query_values(param);
        if call.query.contains_key(param) {
            query.filters.push(Filter::Ids(ids));
        }
    }
    R::filters(call, db, &mut query)?;
    let window = Window::of(call, kind.listing.paging, kind.listing.order)?;
    window.apply(&mut query);
    Ok((query, window))
}

/// The field of `kind` naming a record of another kind that the path parameter `param`
/// names (`hub_id` for `NetworkingHubId`): the parent's or a reference's, by the other
/// kind's parameter; a path's only parameter names the parent.
pub(super) fn named_by(
    kind: &Kind,
    param: &str,
    params: usize,
) -> Option<(&'static str, &'static Kind)> {
    if param == kind.param {
        return None;
    }
    let refs = kind.parent.iter().chain(kind.refs);
    let mut named = refs.filter(|r| r.kind.param == param);
    named
        .next()
        .or_else(|| kind.parent.as_ref().filter(|_| params == 1))
        .map(|r| (r.field, r.kind))
}

/// The status filter of a list: the statuses asked for (validated when the listing names
/// the allowed ones), else what the listing shows without one.
fn status_filter(call: &Call<'_>, kind: &Kind) -> ApiResult<Option<Filter>> {
    let listing = &kind.listing;
    let asked: Vec<String> = match listing.status {
        Some(param) => call
            .query_values(param)
            .into_iter()
            .map(|s| s.to_ascii_uppercase())
            .collect(),
        None => Vec::new(),
    };
    if let (Some(param), false) = (listing.status, listing.statuses.is_empty())
        && let Some(bad) = asked
            .iter()
            .find(|s| !listing.statuses.contains(&s.as_str()))
    {
        return Err(ApiError::bad_request(format!(
            "{param}: '{bad}' is not one of {}",
            listing.statuses.join(", ")
        )));
    }
    Ok(if !asked.is_empty() {
        Some(Filter::is_in("Status", asked))
    } else {
        match listing.shows {
            Shows::All => None,
            Shows::AllBut(hidden) => Some(Filter::not_in("Status", hidden)),
            Shows::Only(shown) => Some(Filter::is_in(
                "Status",
                shown.iter().map(|s| (*s).to_owned()).collect(),
            )),
        }
    })
}

/// A page asked for: its order, where it starts, how long it is, and how its `Paging` is
/// answered.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Window {
    paging: Paging,
    order: Vec<Order>,
    offset: usize,
    limit: Option<usize>,
    /// Whether the call gave both `offset` and `limit` (then the core API answers `Paging`).
    both: bool,
}

impl Window {
    /// The window a call asks for, as `paging` reads it (`order`: the fields ordering the
    /// list when the call asks for no order); 400 for a value that is not one.
    pub fn of(call: &Call<'_>, paging: Paging, order: &[&str]) -> ApiResult<Window> {
        let mut window = Window {
            paging,
            order: order
                .iter()
                .map(|field| Order {
                    field: (*field).to_owned(),
                    descending: false,
                })
                .collect(),
            offset: 0,
            limit: None,
            both: false,
        };
        match paging {
            Paging::None => {}
            Paging::Offset => {
                if let Some(field) = call.query.get("sort").filter(|f| !f.is_empty()) {
                    let descending =
                        match call.query.get("sort_order").map(|o| o.to_ascii_uppercase()) {
                            None => true,
                            Some(o) if o == "DESC" => true,
                            Some(o) if o == "ASC" => false,
                            Some(o) => {
                                return Err(ApiError::bad_request(format!(
                                    "Query parameter sort_order must be ASC or DESC, not '{o}'"
                                )));
                            }
                        };
                    window.order = vec![Order {
                        field: field.clone(),
                        descending,
                    }];
                }
                let offset = index(call, "offset")?;
                let limit = index(call, "limit")?;
                if limit == Some(0) {
                    return Err(ApiError::bad_request(
                        "Query parameter limit must be at least 1",
                    ));
                }
                window.both = offset.is_some() && limit.is_some();
                window.offset = offset.unwrap_or(0);
                window.limit = limit;
            }
            Paging::Token => {
                let limit = match call.query.get("limit") {
                    None => PAGE_SIZE,
                    Some(text) => text
                        .trim()
                        .parse::<usize>()
                        .ok()
                        .filter(|l| (1..=PAGE_SIZE).contains(l))
                        .ok_or_else(|| {
                            ApiError::bad_request(format!(
                                "limit must be a whole number from 1 to {PAGE_SIZE}, not '{text}'"
                            ))
                        })?,
                };
                window.offset = match call.query.get("page_token") {
                    Some(token) => offset_of(token)?,
                    None => 0,
                };
                window.limit = Some(limit);
            }
        }
        Ok(window)
    }

    /// Asks the query for this window's order and page.
    pub fn apply(&self, query: &mut Query<'_>) {
        query.order.extend(self.order.iter().cloned());
        query.offset = self.offset;
        query.limit = self.limit;
    }

    /// The answer's `Paging`, given how many records the list selects in all.
    pub fn paging(&self, total: usize) -> Option<Value> {
        let end = self
            .limit
            .map_or(total, |l| self.offset.saturating_add(l).min(total));
        match self.paging {
            Paging::None => None,
            Paging::Offset if !self.both => None,
            Paging::Offset => {
                let limit = self.limit.unwrap_or(0);
                Some(json!({
                    "Total": total,
                    "NextOffset": if end < total { Some(end) } else { None },
                    "PrevOffset": if self.offset > 0 { Some(self.offset.saturating_sub(limit)) } else { None },
                }))
            }
            Paging::Token if end < total => Some(json!({"NextToken": token_at(end)})),
            Paging::Token => Some(json!({})),
        }
    }

    /// Orders and pages records held in memory (lists worked out rather than stored), as the
    /// store would; returns the page and its `Paging`.
    pub fn page(&self, mut records: Vec<Value>) -> (Vec<Value>, Option<Value>) {
        for order in self.order.iter().rev() {
            records.sort_by(|a, b| {
                let ord = compare(&a[order.field.as_str()], &b[order.field.as_str()]);
                if order.descending { ord.reverse() } else { ord }
            });
        }
        let total = records.len();
        let paging = self.paging(total);
        let page = records
            .into_iter()
            .skip(self.offset)
            .take(self.limit.unwrap_or(usize::MAX))
            .collect();
        (page, paging)
    }
}

/// A non-negative integer query parameter (400 otherwise).
fn index(call: &Call<'_>, name: &str) -> ApiResult<Option<usize>> {
    call.query
        .get(name)
        .map(|v| {
            v.trim().parse::<usize>().map_err(|_| {
                ApiError::bad_request(format!(
                    "Query parameter {name} must be a non-negative integer, not '{v}'"
                ))
            })
        })
        .transpose()
}

/// What `page_token` holds: where the page starts.
fn token_at(offset: usize) -> String {
    TOKEN.encode(format!("offset:{offset}"))
}

/// The offset a `page_token` names (400 for one this API did not give).
fn offset_of(token: &str) -> ApiResult<usize> {
    TOKEN
        .decode(token)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| text.strip_prefix("offset:")?.parse().ok())
        .ok_or_else(|| {
            ApiError::bad_request(format!(
                "page_token '{token}' is not a token this API gave (pass Paging.NextToken as it is)"
            ))
        })
}

/// The order of two field values, as the store orders them: null first, numbers by value,
/// text in lower case.
fn compare(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x
            .as_f64()
            .partial_cmp(&y.as_f64())
            .unwrap_or(Ordering::Equal),
        (Value::String(x), Value::String(y)) => x.to_lowercase().cmp(&y.to_lowercase()),
        (Value::Null, Value::Null) => Ordering::Equal,
        (Value::Null, _) => Ordering::Less,
        (_, Value::Null) => Ordering::Greater,
        _ => a.to_string().cmp(&b.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(paging: Paging, offset: usize, limit: Option<usize>, both: bool) -> Window {
        Window {
            paging,
            order: Vec::new(),
            offset,
            limit,
            both,
        }
    }

    #[test]
    fn offset_paging_reports_neighbours() {
        let items: Vec<Value> = (0..5).map(|i| json!({"n": i})).collect();
        let (page, paging) = window(Paging::Offset, 0, Some(2), true).page(items.clone());
        assert_eq!(page.len(), 2);
        assert_eq!(
            paging.unwrap(),
            json!({"Total": 5, "NextOffset": 2, "PrevOffset": null})
        );
        let (last, paging) = window(Paging::Offset, 4, Some(2), true).page(items.clone());
        assert_eq!(last, vec![json!({"n": 4})]);
        assert_eq!(
            paging.unwrap(),
            json!({"Total": 5, "NextOffset": null, "PrevOffset": 2})
        );
        let (all, paging) = window(Paging::Offset, 0, None, false).page(items);
        assert_eq!(all.len(), 5);
        assert!(paging.is_none());
    }

    #[test]
    fn tokens_name_where_the_next_page_starts() {
        let items: Vec<Value> = (0..3).map(|i| json!({"n": i})).collect();
        let (page, paging) = window(Paging::Token, 0, Some(2), false).page(items.clone());
        assert_eq!(page.len(), 2);
        let token = paging.unwrap()["NextToken"].as_str().unwrap().to_owned();
        assert_eq!(offset_of(&token).unwrap(), 2);
        let (_, paging) = window(Paging::Token, 2, Some(2), false).page(items);
        assert_eq!(paging.unwrap(), json!({}));
        assert!(offset_of("nonsense").is_err());
    }

    #[test]
    fn memory_orders_as_the_store_does() {
        let mut w = window(Paging::Offset, 0, None, false);
        w.order = vec![Order {
            field: "Name".into(),
            descending: false,
        }];
        let items = vec![json!({"Name": "b"}), json!({"Name": "A"}), json!({})];
        let (page, _) = w.page(items);
        assert_eq!(
            page,
            vec![json!({}), json!({"Name": "A"}), json!({"Name": "b"})]
        );
    }
}
