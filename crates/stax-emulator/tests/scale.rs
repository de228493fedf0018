//! Organisation scale: `--seed-accounts`, and lists answered from the store's indexes giving
//! the same records as a plain filter of the whole list, on the demo seed and a large one.

mod common;

use std::collections::{BTreeSet, HashMap};

use common::{Client, Creds, emulator, get};
use serde_json::{Value, json};
use stax_emulator::{EmulatorOptions, RunningEmulator, Seed};

const ACCOUNTS: &str = "/20190206/accounts";

async fn seeded(extra: usize) -> (RunningEmulator, Client, Creds) {
    let emu = emulator(|o| o.seed_accounts = extra).await;
    let client = Client::new(emu.endpoint()).await;
    let creds = client.login(emu.access_key(), emu.secret_key()).await;
    (emu, client, creds)
}

/// The list under `key` (a JSON pointer when it starts with `/`).
fn list(answer: &Value, key: &str) -> Vec<Value> {
    let found = if key.starts_with('/') {
        answer.pointer(key)
    } else {
        answer.get(key)
    };
    found
        .and_then(Value::as_array)
        .unwrap_or_else(|| panic!("{key} in {answer}"))
        .clone()
}

fn text<'v>(record: &'v Value, field: &str) -> &'v str {
    record[field].as_str().unwrap_or("")
}

fn ids(records: &[Value]) -> Vec<&str> {
    records.iter().map(|r| text(r, "Id")).collect()
}

/// What a seeded account is, beside its UUIDs and dates.
fn what(account: &Value, units: &HashMap<String, String>) -> Value {
    json!({
        "Name": account["Name"],
        "AwsAccountId": account["AwsAccountId"],
        "AccountType": account["AccountType"],
        "Unit": units.get(text(account, "OrganisationalUnitId")),
        "Status": account["Status"],
        "Tags": account["Tags"],
    })
}

async fn unit_names(client: &Client, creds: &Creds) -> HashMap<String, String> {
    let units = get(
        client,
        creds,
        "/20190206/organisations/organisational-units",
    )
    .await;
    list(&units, "OrganisationalUnits")
        .iter()
        .map(|u| (text(u, "Id").to_owned(), text(u, "Name").to_owned()))
        .collect()
}

#[tokio::test]
async fn seeded_accounts_are_spread_over_the_demo_and_the_same_for_the_same_n() {
    let mut seen = Vec::new();
    for _ in 0..2 {
        let (emu, client, creds) = seeded(300).await;
        let accounts = list(&get(&client, &creds, ACCOUNTS).await, "Accounts");
        assert_eq!(accounts.len(), 9 + 300);
        let units = unit_names(&client, &creds).await;
        seen.push(
            accounts[9..]
                .iter()
                .map(|a| what(a, &units))
                .collect::<Vec<_>>(),
        );
        emu.shutdown().await;
    }
    assert_eq!(seen[0], seen[1]);
    let extra = &seen[0];
    let distinct =
        |field: &str| -> BTreeSet<String> { extra.iter().map(|a| a[field].to_string()).collect() };
    assert_eq!(
        distinct("AccountType").len(),
        4,
        "{:?}",
        distinct("AccountType")
    );
    assert_eq!(
        distinct("Unit"),
        BTreeSet::from(["\"Sandbox\"", "\"Security\"", "\"Workloads\""].map(String::from))
    );
    assert_eq!(
        distinct("Status"),
        BTreeSet::from(
            [
                "\"ACTIVE\"",
                "\"CLOSED\"",
                "\"INITIALIZING\"",
                "\"SUSPENDED\""
            ]
            .map(String::from)
        )
    );
    assert_eq!(distinct("Name").len(), 300);
    assert_eq!(distinct("AwsAccountId").len(), 300);
    assert!(extra.iter().all(|a| a["Tags"]["Team"].is_string()));
    assert!(extra.iter().any(|a| a["Tags"]["Owner"].is_string()));
    // Seeded accounts are like made ones: readable by id, with a type that lists them.
    let (emu, client, creds) = seeded(10_000).await;
    let page = get(&client, &creds, &format!("{ACCOUNTS}?offset=0&limit=1")).await;
    assert_eq!(page["Paging"]["Total"], 10_009);
    let first = &list(&page, "Accounts")[0];
    let one = get(
        &client,
        &creds,
        &format!("{ACCOUNTS}/{}", text(first, "Id")),
    )
    .await;
    assert_eq!(list(&one, "Accounts")[0]["Name"], first["Name"]);
    emu.shutdown().await;
}

#[tokio::test]
async fn seed_accounts_needs_the_demo_seed_and_a_bound() {
    let refused = stax_emulator::start(EmulatorOptions {
        seed: Seed::Empty,
        seed_accounts: 5,
        ..EmulatorOptions::default()
    })
    .await
    .unwrap_err();
    assert!(refused.to_string().contains("--seed demo"), "{refused}");
    let refused = stax_emulator::start(EmulatorOptions {
        seed_accounts: stax_emulator::MAX_SEED_ACCOUNTS + 1,
        ..EmulatorOptions::default()
    })
    .await
    .unwrap_err();
    assert!(refused.to_string().contains("--seed-accounts"), "{refused}");
}

/// The order the store gives a field: null (or missing) first, then numbers, then text in
/// lower case; equal ones in the list's order.
fn sorted(mut records: Vec<Value>, field: &str, descending: bool) -> Vec<Value> {
    let key = |r: &Value| match &r[field] {
        Value::Null => (0, 0.0, String::new()),
        Value::Number(n) => (1, n.as_f64().unwrap_or(0.0), String::new()),
        Value::String(s) => (2, 0.0, s.to_lowercase()),
        other => (3, 0.0, other.to_string()),
    };
    records.sort_by(|a, b| {
        let order = key(a)
            .partial_cmp(&key(b))
            .unwrap_or(std::cmp::Ordering::Equal);
        if descending { order.reverse() } else { order }
    });
    records
}

/// Every page of `path` (which has a query already) of `limit` records, walked by
/// `Paging.NextOffset`, joined; checks each page's `Total`.
async fn walked(client: &Client, creds: &Creds, path: &str, limit: usize, key: &str) -> Vec<Value> {
    let (mut all, mut offset) = (Vec::new(), Some(0));
    let mut total = None;
    while let Some(at) = offset {
        let page = get(client, creds, &format!("{path}&offset={at}&limit={limit}")).await;
        let items = list(&page, key);
        assert!(items.len() <= limit);
        // Beside the list (a catalogue's is inside its catalogue).
        let paging = match key.rsplit_once('/') {
            Some((parent, _)) => &page.pointer(parent).unwrap()["Paging"],
            None => &page["Paging"],
        };
        assert_eq!(
            *total.get_or_insert(paging["Total"].clone()),
            paging["Total"]
        );
        all.extend(items);
        offset = paging["NextOffset"].as_u64();
        assert!(all.len() <= 20_000, "paging does not end");
    }
    assert_eq!(total, Some(json!(all.len())), "{path}");
    all
}

/// Lists of accounts, each against the same filter (and order, and page) applied in the
/// test to the whole list.
async fn accounts_agree(client: &Client, creds: &Creds) {
    let all = list(&get(client, creds, ACCOUNTS).await, "Accounts");
    let pick = |keep: &dyn Fn(&Value) -> bool| -> Vec<Value> {
        all.iter().filter(|a| keep(a)).cloned().collect()
    };
    let n = all.len();
    let (a, b, c) = (&all[1], &all[n / 2], &all[n - 1]);
    let type_of = text(b, "AccountTypeId");
    let names = format!("{},{}", text(a, "Name"), text(c, "Name"));
    let aws = format!("{},{}", text(b, "AwsAccountId"), text(c, "AwsAccountId"));
    let id_list = format!("{},{}", text(a, "Id"), text(b, "Id"));
    let cases: Vec<(String, Vec<Value>)> = vec![
        ("filter=ACTIVE".into(), pick(&|r| r["Status"] == "ACTIVE")),
        (
            "filter=suspended,CLOSED".into(),
            pick(&|r| r["Status"] == "SUSPENDED" || r["Status"] == "CLOSED"),
        ),
        (
            format!("account_type_filter={}", type_of.to_uppercase()),
            pick(&|r| text(r, "AccountTypeId") == type_of),
        ),
        (
            format!("account_names={names}"),
            pick(&|r| r["Name"] == a["Name"] || r["Name"] == c["Name"]),
        ),
        (
            format!("aws_account_id_filter={aws}"),
            pick(&|r| {
                r["AwsAccountId"] == b["AwsAccountId"] || r["AwsAccountId"] == c["AwsAccountId"]
            }),
        ),
        (
            "name_filter=PROD".into(),
            pick(&|r| text(r, "Name").to_lowercase().contains("prod")),
        ),
        (
            format!("id_filter={id_list}"),
            pick(&|r| r["Id"] == a["Id"] || r["Id"] == b["Id"]),
        ),
        (
            format!("filter=ACTIVE&account_type_filter={type_of}&name_filter=-"),
            pick(&|r| {
                r["Status"] == "ACTIVE"
                    && text(r, "AccountTypeId") == type_of
                    && text(r, "Name").contains('-')
            }),
        ),
    ];
    for (query, expected) in &cases {
        let answer = get(client, creds, &format!("{ACCOUNTS}?{query}")).await;
        assert_eq!(ids(&list(&answer, "Accounts")), ids(expected), "?{query}");
    }
    for (field, order) in [
        ("Name", "ASC"),
        ("Name", "DESC"),
        ("AwsAccountId", "ASC"),
        ("Status", "DESC"),
    ] {
        let query = format!("sort={field}&sort_order={order}");
        let answer = get(client, creds, &format!("{ACCOUNTS}?{query}")).await;
        let expected = sorted(all.clone(), field, order == "DESC");
        assert_eq!(ids(&list(&answer, "Accounts")), ids(&expected), "?{query}");
    }
    // Pages joined are the list, filtered and sorted or not.
    let limit = (n / 7).max(2);
    let paged = walked(
        client,
        creds,
        &format!("{ACCOUNTS}?include_tags=true"),
        limit,
        "Accounts",
    )
    .await;
    assert_eq!(paged, all);
    let (query, expected) = &cases[0];
    let paged = walked(
        client,
        creds,
        &format!("{ACCOUNTS}?{query}&sort=Name"),
        limit,
        "Accounts",
    )
    .await;
    assert_eq!(ids(&paged), ids(&sorted(expected.clone(), "Name", true)));
    // A type lists its accounts, in the list's order.
    let types = list(
        &get(client, creds, "/20190206/accounts/types").await,
        "AccountTypes",
    );
    assert_eq!(types.len(), 4);
    for t in &types {
        let of_type = pick(&|r| r["AccountTypeId"] == t["Id"]);
        assert_eq!(t["Accounts"], json!(ids(&of_type)), "{}", t["Name"]);
    }
}

#[tokio::test]
async fn account_lists_answer_what_a_filter_of_the_whole_list_answers_on_the_demo_seed() {
    let (emu, client, creds) = seeded(0).await;
    accounts_agree(&client, &creds).await;
    emu.shutdown().await;
}

#[tokio::test]
async fn account_lists_answer_what_a_filter_of_the_whole_list_answers_on_a_large_seed() {
    let (emu, client, creds) = seeded(2_500).await;
    accounts_agree(&client, &creds).await;
    emu.shutdown().await;
}

/// The other lists of the demo seed: statuses, ids and pages against the whole list.
#[tokio::test]
async fn other_lists_answer_what_a_filter_of_the_whole_list_answers() {
    let (emu, client, creds) = seeded(1_000).await;
    for (path, key) in [
        ("/20190206/workloads", "Workloads"),
        (
            "/20190206/workload-catalogue",
            "/WorkloadCatalogues/0/WorkloadCatalogueItems",
        ),
    ] {
        let all = list(&get(&client, &creds, path).await, key);
        assert!(!all.is_empty(), "{path}");
        assert_eq!(
            walked(&client, &creds, &format!("{path}?"), 1, key).await,
            all
        );
        let first = text(&all[0], "Id");
        let one = get(&client, &creds, &format!("{path}?id_filter={first}")).await;
        assert_eq!(ids(&list(&one, key)), [first]);
        let sorted_answer = get(&client, &creds, &format!("{path}?sort=Name&sort_order=ASC")).await;
        assert_eq!(
            ids(&list(&sorted_answer, key)),
            ids(&sorted(all.clone(), "Name", false))
        );
    }
    let users = list(&get(&client, &creds, "/20190206/users").await, "Users");
    let invited = get(&client, &creds, "/20190206/users?status_filter=active").await;
    let expected: Vec<Value> = users
        .iter()
        .filter(|u| u["Status"] == "ACTIVE")
        .cloned()
        .collect();
    assert_eq!(ids(&list(&invited, "Users")), ids(&expected));
    for (path, key) in [
        ("/20190206/groups", "Groups"),
        (
            "/20190206/organisations/organisational-units",
            "OrganisationalUnits",
        ),
        ("/20190206/policies", "Policies"),
    ] {
        let all = list(&get(&client, &creds, path).await, key);
        assert!(all.iter().all(|r| r["Status"] != "DELETED"), "{path}");
        let chosen = &all[all.len() - 1];
        let by_status = get(
            &client,
            &creds,
            &format!("{path}?status={}", text(chosen, "Status")),
        )
        .await;
        let expected: Vec<Value> = all
            .iter()
            .filter(|r| r["Status"] == chosen["Status"])
            .cloned()
            .collect();
        assert_eq!(ids(&list(&by_status, key)), ids(&expected), "{path}");
    }
    // The Permission Sets API's tokens walk the same records as one big page.
    let sets = "/20210321/permission-sets";
    let all = list(&get(&client, &creds, sets).await, "PermissionSets");
    let (mut walked_sets, mut token) = (Vec::new(), None::<String>);
    loop {
        let path = match &token {
            Some(t) => format!("{sets}?limit=1&page_token={t}"),
            None => format!("{sets}?limit=1"),
        };
        let page = get(&client, &creds, &path).await;
        walked_sets.extend(list(&page, "PermissionSets"));
        match page["Paging"]["NextToken"].as_str() {
            Some(t) => token = Some(t.to_owned()),
            None => break,
        }
    }
    assert_eq!(walked_sets, all);
    emu.shutdown().await;
}

/// A list operation of a served document: its path (parameters filled in), the key of its
/// records, and the query parameters it documents.
struct ListOp {
    path: String,
    key: String,
    params: BTreeSet<String>,
    /// The field `sort` orders by in the test: `Name`, or the first the operation allows.
    sort: String,
    /// Whether the path names one record (a read by id, a list of one).
    one: bool,
}

/// The id of a record, whatever its kind names it.
fn id_of(record: &Value) -> &str {
    ["Id", "AccessKey"]
        .iter()
        .find_map(|k| record[*k].as_str())
        .unwrap_or("")
}

/// The key of the records in a list answer: its one array of objects (`None` when the
/// answer is not a list of records).
fn records_key(answer: &Value) -> Option<String> {
    let map = answer.as_object()?;
    let mut arrays = map
        .iter()
        .filter(|(_, v)| v.as_array().is_some_and(|a| a.iter().all(Value::is_object)));
    let (key, value) = arrays.next()?;
    if arrays.next().is_some() {
        return None;
    }
    // The catalogue answers its items inside a catalogue.
    if key == "WorkloadCatalogues" {
        return value[0]
            .get("WorkloadCatalogueItems")
            .map(|_| "/WorkloadCatalogues/0/WorkloadCatalogueItems".to_owned());
    }
    Some(key.clone())
}

/// Every list operation of the emulator's served documents that can be called with the
/// seed's records: each `GET` whose answer is a list of records, path parameters filled with
/// the first record of the list above them (`/hubs/{hub_id}/vpcs` from `/hubs`).
async fn list_operations(client: &Client, creds: &Creds) -> Vec<ListOp> {
    let mut ops = Vec::new();
    let mut firsts: HashMap<String, String> = HashMap::new();
    for document in [
        "/20190206/public/oas3-document",
        "/20210321/public/api-document",
    ] {
        let served = common::public(client, document).await;
        // Paths are under the API's version (given by the document's server when not).
        let version = &document[..9];
        let mut paths: Vec<(&String, &Value)> = served["paths"]
            .as_object()
            .expect("paths")
            .iter()
            .filter(|(_, item)| item.get("get").is_some())
            .collect();
        // Lists before the paths under them.
        paths.sort_by_key(|(path, _)| path.matches('/').count());
        for (template, item) in paths {
            if template.contains("/public/") || template.contains("/_") {
                continue;
            }
            // Fill each parameter from the list the path names before it.
            let mut path = String::new();
            let template = if template.starts_with(version) {
                template.clone()
            } else {
                format!("{version}{template}")
            };
            let mut filled = true;
            for segment in template.split('/').skip(1) {
                if segment.starts_with('{') {
                    match firsts.get(&path) {
                        Some(id) => path.push_str(&format!("/{id}")),
                        None => filled = false,
                    }
                } else {
                    path.push_str(&format!("/{segment}"));
                }
            }
            if !filled {
                continue;
            }
            let (status, answer) = client.call(creds, "GET", &path, None).await;
            let Some(key) = records_key(&answer).filter(|_| status == 200) else {
                continue;
            };
            let records = list(&answer, &key);
            if let Some(first) = records.first().map(id_of).filter(|id| !id.is_empty()) {
                firsts.insert(path.clone(), first.to_owned());
            }
            let query: Vec<&Value> = item["get"]["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|p| p["in"] == "query")
                .collect();
            let params = query
                .iter()
                .filter_map(|p| p["name"].as_str().map(str::to_owned))
                .collect();
            let sort = query
                .iter()
                .find(|p| p["name"] == "sort")
                .and_then(|p| p["schema"]["enum"].as_array())
                .and_then(|fields| {
                    let fields: Vec<&str> = fields.iter().filter_map(Value::as_str).collect();
                    ["Name", "CreatedTS"]
                        .into_iter()
                        .find(|f| fields.contains(f))
                        .or(fields.first().copied())
                })
                .unwrap_or("Name")
                .to_owned();
            ops.push(ListOp {
                path,
                key,
                params,
                sort,
                one: template.ends_with('}'),
            });
        }
    }
    ops
}

/// Every page of a `page_token` list of `limit` records, joined.
async fn by_tokens(
    client: &Client,
    creds: &Creds,
    path: &str,
    key: &str,
    limit: usize,
) -> Vec<Value> {
    let (mut pages, mut token) = (Vec::new(), None::<String>);
    loop {
        let query = match &token {
            Some(t) => format!("limit={limit}&page_token={t}"),
            None => format!("limit={limit}"),
        };
        let page = get(client, creds, &with(path, &query)).await;
        let items = list(&page, key);
        assert!(items.len() <= limit, "{path}");
        pages.extend(items);
        match page["Paging"]["NextToken"].as_str() {
            Some(t) => token = Some(t.to_owned()),
            None => break,
        }
        assert!(pages.len() <= 100_000, "{path}: tokens do not end");
    }
    pages
}

/// `path` with `query` added.
fn with(path: &str, query: &str) -> String {
    let sep = if path.contains('?') { '&' } else { '?' };
    format!("{path}{sep}{query}")
}

/// Every list operation's documented filters, orders and pages answer what the same filter,
/// order and page of its whole list answer: statuses, ids, substrings of names, `sort` both
/// ways, `offset`/`limit` pages and `page_token` pages.
async fn every_list_agrees(client: &Client, creds: &Creds) -> usize {
    let ops = list_operations(client, creds).await;
    let mut checked = 0;
    for op in &ops {
        let ListOp {
            path,
            key,
            params,
            sort,
            one,
        } = op;
        let all = list(&get(client, creds, path).await, key);
        let has = |name: &str| params.contains(name);
        let answer = |query: String| async move {
            let answer = get(client, creds, &with(path, &query)).await;
            list(&answer, key)
        };
        // Statuses: the status of the last record, as the list's status parameter.
        if let Some(last) = all.last().filter(|r| r["Status"].is_string()) {
            let status = text(last, "Status");
            for name in ["status", "filter", "status_filter"]
                .into_iter()
                .filter(|n| has(n))
            {
                let expected: Vec<Value> = all
                    .iter()
                    .filter(|r| r["Status"] == status)
                    .cloned()
                    .collect();
                let got = answer(format!("{name}={status}")).await;
                assert_eq!(ids(&got), ids(&expected), "{path}?{name}={status}");
                checked += 1;
            }
        }
        if has("id_filter") && !all.is_empty() {
            let (a, b) = (id_of(&all[0]), id_of(&all[all.len() - 1]));
            let expected: Vec<&str> = all
                .iter()
                .map(id_of)
                .filter(|i| *i == a || *i == b)
                .collect();
            let got = answer(format!("id_filter={a},{b}")).await;
            assert_eq!(
                got.iter().map(id_of).collect::<Vec<_>>(),
                expected,
                "{path} id_filter"
            );
            checked += 1;
        }
        if has("name_filter") {
            let expected: Vec<Value> = all
                .iter()
                .filter(|r| text(r, "Name").to_lowercase().contains("e"))
                .cloned()
                .collect();
            let got = answer("name_filter=E".into()).await;
            assert_eq!(
                got.iter().map(id_of).collect::<Vec<_>>(),
                expected.iter().map(id_of).collect::<Vec<_>>(),
                "{path} name_filter"
            );
            checked += 1;
        }
        if has("sort") {
            for (order, descending) in [("ASC", false), ("DESC", true)] {
                let got = answer(format!("sort={sort}&sort_order={order}")).await;
                // Insights come newest first (ties in the same direction): by time one
                // way is the list, the other way the list reversed.
                let expected = if path.ends_with("/insights") {
                    let mut expected = all.clone();
                    if !descending {
                        expected.reverse();
                    }
                    expected
                } else {
                    sorted(all.clone(), sort, descending)
                };
                assert_eq!(
                    got.iter().map(id_of).collect::<Vec<_>>(),
                    expected.iter().map(id_of).collect::<Vec<_>>(),
                    "{path} sort {order}"
                );
                checked += 1;
            }
        }
        if has("offset") && has("limit") && !all.is_empty() && !one {
            let limit = (all.len() / 3).max(1);
            assert_eq!(
                walked(client, creds, &with(path, "x=1"), limit, key).await,
                all,
                "{path} pages"
            );
            checked += 1;
        }
        if has("page_token") {
            // Without a token a list answers its first 100; walked by 100 it is the whole.
            let whole = by_tokens(client, creds, path, key, 100).await;
            assert_eq!(all, whole[..whole.len().min(100)], "{path} first page");
            let limit = (whole.len() / 5).clamp(1, 100);
            let walked = by_tokens(client, creds, path, key, limit).await;
            assert_eq!(walked, whole, "{path} tokens of {limit}");
            checked += 1;
        }
    }
    checked
}

#[tokio::test]
async fn every_list_operation_answers_what_a_filter_of_its_whole_list_answers() {
    for extra in [0, 2_000] {
        let (emu, client, creds) = seeded(extra).await;
        let ops = list_operations(&client, &creds).await;
        let paths: Vec<&str> = ops.iter().map(|o| o.path.as_str()).collect();
        // Lists of every area, networking's and the Permission Sets API's included.
        for expected in [
            "/20190206/accounts",
            "/20190206/api-tokens",
            "/20190206/insights",
            "/20190206/networking/hubs",
            "/20190206/networking/vpcs",
            "/20190206/networking/dnsrules",
            "/20210321/permission-sets",
        ] {
            assert!(paths.contains(&expected), "{expected} in {paths:?}");
        }
        assert!(
            paths
                .iter()
                .any(|p| p.ends_with("/vpcs") && p.contains("/hubs/")),
            "{paths:?}"
        );
        let checked = every_list_agrees(&client, &creds).await;
        eprintln!("{} lists, {checked} checks (+{extra} accounts)", ops.len());
        assert!(checked > 40, "{checked} checks over {} lists", ops.len());
        emu.shutdown().await;
    }
}
