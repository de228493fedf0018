//! Wire shapes every area shares: query values, paging and sorting, path ids, event answers.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::protocol::ApiError;
use crate::util::comma_list;

/// The comma-separated values of a query parameter, lower-cased (ids, names).
pub(crate) fn lower_list(q: &BTreeMap<String, String>, name: &str) -> Option<Vec<String>> {
    q.get(name).map(|v| {
        comma_list(v)
            .into_iter()
            .map(|s| s.to_ascii_lowercase())
            .collect()
    })
}

/// The comma-separated values of a query parameter, upper-cased (statuses).
pub(crate) fn upper_list(q: &BTreeMap<String, String>, name: &str) -> Option<Vec<String>> {
    q.get(name).map(|v| {
        comma_list(v)
            .into_iter()
            .map(|s| s.to_ascii_uppercase())
            .collect()
    })
}

/// Parses a boolean query value, in any letter case.
pub(crate) fn query_bool(
    query: &BTreeMap<String, String>,
    name: &str,
    default: bool,
) -> Result<bool, ApiError> {
    match query.get(name) {
        None => Ok(default),
        Some(v) if v.eq_ignore_ascii_case("true") => Ok(true),
        Some(v) if v.eq_ignore_ascii_case("false") => Ok(false),
        Some(v) => Err(ApiError::bad_request(format!(
            "Query parameter {name} must be true or false, not '{v}'"
        ))),
    }
}

fn query_index(query: &BTreeMap<String, String>, name: &str) -> Result<Option<usize>, ApiError> {
    query
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

/// Applies `offset`/`limit` to `items`; `Paging` is given when both are.
pub(crate) fn page(
    items: Vec<Value>,
    query: &BTreeMap<String, String>,
) -> Result<(Vec<Value>, Option<Value>), ApiError> {
    let offset = query_index(query, "offset")?;
    let limit = query_index(query, "limit")?;
    if limit == Some(0) {
        return Err(ApiError::bad_request(
            "Query parameter limit must be at least 1",
        ));
    }
    let total = items.len();
    let start = offset.unwrap_or(0).min(total);
    let end = limit.map_or(total, |l| start.saturating_add(l).min(total));
    let paging = match (offset, limit) {
        (Some(offset), Some(limit)) => Some(json!({
            "Total": total,
            "NextOffset": if end < total { Some(end) } else { None },
            "PrevOffset": if offset > 0 { Some(offset.saturating_sub(limit)) } else { None },
        })),
        _ => None,
    };
    let items = items.into_iter().skip(start).take(end - start).collect();
    Ok((items, paging))
}

/// Sorts by `sort` (a top-level field) and `sort_order` (`ASC`/`DESC`, default `DESC`).
pub(crate) fn sort_items(
    items: &mut [Value],
    query: &BTreeMap<String, String>,
) -> Result<(), ApiError> {
    let Some(field) = query.get("sort").filter(|f| !f.is_empty()) else {
        return Ok(());
    };
    let descending = match query.get("sort_order").map(|o| o.to_ascii_uppercase()) {
        None => true,
        Some(o) if o == "DESC" => true,
        Some(o) if o == "ASC" => false,
        Some(o) => {
            return Err(ApiError::bad_request(format!(
                "Query parameter sort_order must be ASC or DESC, not '{o}'"
            )));
        }
    };
    items.sort_by(|a, b| {
        let ord = compare(&a[field.as_str()], &b[field.as_str()]);
        if descending { ord.reverse() } else { ord }
    });
    Ok(())
}

fn compare(a: &Value, b: &Value) -> std::cmp::Ordering {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x
            .as_f64()
            .partial_cmp(&y.as_f64())
            .unwrap_or(std::cmp::Ordering::Equal),
        (Value::String(x), Value::String(y)) => x.to_lowercase().cmp(&y.to_lowercase()),
        (Value::Null, Value::Null) => std::cmp::Ordering::Equal,
        (Value::Null, _) => std::cmp::Ordering::Less,
        (_, Value::Null) => std::cmp::Ordering::Greater,
        _ => a.to_string().cmp(&b.to_string()),
    }
}

/// Refuses a path id that is not a UUID.
pub(crate) fn check_uuid(name: &str, value: &str) -> Result<(), ApiError> {
    if crate::util::is_uuid(value) {
        Ok(())
    } else {
        Err(ApiError::bad_request(format!(
            "{name} must be a UUID, not '{value}'"
        )))
    }
}

/// The `Detail` of an asynchronous (or event-style) answer.
pub(crate) fn event(
    operation: &str,
    status: &str,
    message: &str,
    task_id: Option<&str>,
    extra: Value,
) -> Value {
    let mut detail = json!({
        "Message": message,
        "Operation": operation,
        "OperationStatus": status,
        "Severity": "INFO",
    });
    if let Some(task_id) = task_id {
        detail["TaskId"] = json!(task_id);
    }
    if let (Some(d), Some(e)) = (detail.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            d.insert(k.clone(), v.clone());
        }
    }
    json!({"Detail": detail, "DetailType": operation})
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn paging_reports_neighbours() {
        let items: Vec<Value> = (0..5).map(|i| json!(i)).collect();
        let (page1, paging) = page(items.clone(), &q(&[("offset", "0"), ("limit", "2")])).unwrap();
        assert_eq!(page1, vec![json!(0), json!(1)]);
        assert_eq!(
            paging.unwrap(),
            json!({"Total": 5, "NextOffset": 2, "PrevOffset": null})
        );
        let (last, paging) = page(items.clone(), &q(&[("offset", "4"), ("limit", "2")])).unwrap();
        assert_eq!(last, vec![json!(4)]);
        assert_eq!(
            paging.unwrap(),
            json!({"Total": 5, "NextOffset": null, "PrevOffset": 2})
        );
        let (all, paging) = page(items.clone(), &q(&[])).unwrap();
        assert_eq!(all.len(), 5);
        assert!(paging.is_none());
        assert!(page(items, &q(&[("offset", "-1"), ("limit", "2")])).is_err());
    }
}
