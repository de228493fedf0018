//! A large organisation through the CLI (`seed_accounts`): one big answer printed as it
//! streams is the text the tree printed, a query reads it once, `--all-pages` answers the
//! same accounts as the one big answer, printed as the pages arrive byte for byte as the
//! merged pages print, and a walk that fails part way leaves no answer that looks whole.

mod common;

use serde_json::Value;

use common::{Emu, json_of};

#[test]
fn a_large_answer_prints_as_the_tree_did_and_pages_merge_into_it() {
    let e = Emu::start_with(stax_emulator::EmulatorOptions {
        seed_accounts: 1_500,
        ..Default::default()
    });
    let big = e.stdout(&["accounts", "ReadAccounts"]);
    let tree = json_of(&big);
    // Streamed: byte for byte what pretty-printing the (order-keeping) tree gives.
    let printed = format!("{}\n", serde_json::to_string_pretty(&tree).unwrap());
    assert!(
        big == printed.as_bytes(),
        "the streamed answer differs from the tree's print"
    );
    let accounts = tree["Accounts"].as_array().unwrap();
    assert_eq!(accounts.len(), 1_509);
    let counted = e.stdout(&["accounts", "ReadAccounts", "--query", "length(Accounts)"]);
    assert_eq!(String::from_utf8_lossy(&counted), "1509\n");
    let names = e.stdout(&[
        "accounts",
        "ReadAccounts",
        "--query",
        "Accounts[?Status=='CLOSED'].Name",
    ]);
    let expected: Vec<&Value> = accounts
        .iter()
        .filter(|a| a["Status"] == "CLOSED")
        .map(|a| &a["Name"])
        .collect();
    assert_eq!(json_of(&names), serde_json::json!(expected));
    // Pages of 100 merged: the same accounts, the last page's Paging.
    let every = json_of(&e.stdout(&["accounts", "ReadAccounts", "--all-pages"]));
    assert_eq!(every["Accounts"], tree["Accounts"]);
    assert_eq!(every["Paging"]["Total"], 1_509);
    assert_eq!(every["Paging"]["NextOffset"], Value::Null);
    // Other formats still get the tree they render.
    let yaml = e.stdout(&["accounts", "ReadAccountTypes", "--output", "yaml"]);
    assert!(String::from_utf8_lossy(&yaml).starts_with("AccountTypes:\n"));

    // Printed as the pages arrive: byte for byte the pages read one call each, merged (lists
    // appended, the last page's other fields) and pretty-printed; the other forms render the
    // same merged tree.
    let pages: Vec<Value> = (0..4)
        .map(|n| {
            let offset = format!("offset={}", n * 500);
            json_of(&e.stdout(&["accounts", "ReadAccounts", &offset, "limit=500"]))
        })
        .collect();
    let merged = merge(&pages);
    let walk = |more: &[&str]| {
        let mut args = vec![
            "accounts",
            "ReadAccounts",
            "--all-pages",
            "--page-size",
            "500",
        ];
        args.extend(more);
        e.stdout(&args)
    };
    assert!(
        walk(&[]) == pretty(&merged).as_bytes(),
        "--all-pages printed other text than the merged pages"
    );
    let yaml = walk(&["--output", "yaml"]);
    assert_eq!(
        String::from_utf8(yaml).unwrap(),
        serde_norway::to_string(&merged).unwrap()
    );
}

/// The pages merged as `--all-pages` merges them: lists appended, the other fields the last
/// page's.
fn merge(pages: &[Value]) -> Value {
    let mut merged = pages[0].clone();
    for page in &pages[1..] {
        for (key, value) in page.as_object().unwrap() {
            match (merged.get_mut(key), value) {
                (Some(Value::Array(list)), Value::Array(more)) => list.extend(more.clone()),
                _ => {
                    merged[key] = value.clone();
                }
            }
        }
    }
    merged
}

/// `value` as the CLI prints JSON.
fn pretty(value: &Value) -> String {
    format!("{}\n", serde_json::to_string_pretty(value).unwrap())
}

/// `--max-items` and `--starting-token` printed as the pages arrive: the first items and a
/// `NextToken` in place of `Paging` (byte for byte the merged tree's print), then the rest from
/// the token; in text the token is the last line. The Permission Sets API's token paging
/// prints as its merged pages too.
#[test]
fn cut_walks_and_token_paging_print_as_they_arrive() {
    let e = Emu::start_with(stax_emulator::EmulatorOptions {
        seed_accounts: 300,
        ..Default::default()
    });
    let all = json_of(&e.stdout(&["accounts", "ReadAccounts"]));
    let accounts = all["Accounts"].as_array().unwrap();
    let cut = e.stdout(&[
        "accounts",
        "ReadAccounts",
        "--max-items",
        "150",
        "--page-size",
        "100",
    ]);
    let first = json_of(&cut);
    let token = first["NextToken"]
        .as_str()
        .expect("a cut walk's token")
        .to_owned();
    let expected = serde_json::json!({"Accounts": accounts[..150], "NextToken": token});
    assert!(
        cut == pretty(&expected).as_bytes(),
        "{}",
        String::from_utf8_lossy(&cut)
    );
    let rest = json_of(&e.stdout(&[
        "accounts",
        "ReadAccounts",
        "--starting-token",
        &token,
        "--page-size",
        "70",
    ]));
    assert_eq!(rest["Accounts"].as_array().unwrap()[..], accounts[150..]);
    assert!(rest.get("NextToken").is_none(), "{}", rest["Paging"]);
    let text = e.stdout(&[
        "accounts",
        "ReadAccounts",
        "--max-items",
        "3",
        "--output",
        "text",
    ]);
    let text = String::from_utf8(text).unwrap();
    assert!(
        text.lines().last().unwrap().starts_with("NEXTTOKEN\t"),
        "{text}"
    );

    // Token paging: pages of one, read one call each with page_token, merged.
    let sets = "permission-sets";
    let mut pages = Vec::new();
    let mut page_token: Option<String> = None;
    loop {
        let mut args = vec![
            sets.to_owned(),
            "ListPermissionSets".into(),
            "limit=1".into(),
        ];
        args.extend(page_token.iter().map(|t| format!("page_token={t}")));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let page = json_of(&e.stdout(&args));
        page_token = page["Paging"]["NextToken"].as_str().map(str::to_owned);
        pages.push(page);
        if page_token.is_none() {
            break;
        }
    }
    assert!(
        pages.len() >= 2,
        "the demo's permission sets span pages of one"
    );
    let walked = e.stdout(&[
        sets,
        "ListPermissionSets",
        "--all-pages",
        "--page-size",
        "1",
    ]);
    assert!(
        walked == pretty(&merge(&pages)).as_bytes(),
        "{}",
        String::from_utf8_lossy(&walked)
    );
}

/// A page that fails after others were printed: the printed part is the start of the whole
/// answer, left unclosed (not JSON), the command fails (exit 1) naming the page and the
/// `--starting-token` that goes on from there, and that token reads the rest.
#[test]
fn a_walk_failing_part_way_leaves_an_unclosed_answer_and_says_where_to_go_on() {
    use std::io::Read as _;
    use std::process::Stdio;
    let e = Emu::start_with(stax_emulator::EmulatorOptions {
        seed_accounts: 1_500,
        ..Default::default()
    });
    let whole = e.stdout(&["accounts", "ReadAccounts", "--all-pages"]);
    let everything = json_of(&whole);
    let mut child = e
        .stax_std()
        .args(["accounts", "ReadAccounts", "--all-pages"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    // The answer has started; its output (about 1 KiB an account) fills the pipe within two
    // pages of 100, so the walk waits there until this test reads on, and the failure below
    // meets a page in the middle of the walk.
    let mut printed = vec![0u8; 1];
    stdout.read_exact(&mut printed).unwrap();
    e.emulator()
        .set_faults(stax_emulator::FaultConfig {
            spec: None,
            seed: 0,
            rules: vec![stax_emulator::OperationFault {
                operation: "accounts.ReadAccounts".into(),
                fault: stax_emulator::FaultKind::Status(400),
                times: 1_000,
            }],
        })
        .unwrap();
    stdout.read_to_end(&mut printed).unwrap();
    let out = child.wait_with_output().unwrap();
    e.emulator().clear_faults();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("--all-pages stopped at page "), "{stderr}");
    assert!(stderr.contains("left unclosed"), "{stderr}");
    // What was printed is the start of the whole answer, then a line break; not JSON.
    assert!(
        printed.len() > 1 && printed.len() < whole.len() / 2,
        "{}",
        printed.len()
    );
    assert_eq!(printed.last(), Some(&b'\n'));
    let head = &printed[..printed.len() - 1];
    assert!(
        whole.starts_with(head),
        "the printed part is not the answer's start"
    );
    assert!(serde_json::from_slice::<Value>(&printed).is_err());
    // The token the failure names goes on after the last page printed.
    let token = stderr
        .split("--starting-token ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .expect("the failure names a token");
    let rest = json_of(&e.stdout(&["accounts", "ReadAccounts", "--starting-token", token]));
    let all = everything["Accounts"].as_array().unwrap();
    let rest = rest["Accounts"].as_array().unwrap();
    assert_eq!(rest[..], all[all.len() - rest.len()..]);
    // Each account printed opens with its first field six spaces deep.
    let shown = String::from_utf8_lossy(head)
        .matches("    {\n      \"")
        .count();
    assert_eq!(shown + rest.len(), all.len(), "no gap, no repeat");
}
