//! A large organisation through the CLI (`seed_accounts`): one big answer printed as it
//! streams is the text the tree printed, a query reads it once, `--all-pages` answers the
//! same accounts as the one big answer.

mod common;

use serde_json::Value;

use common::Emu;

fn json_of(out: &[u8]) -> Value {
    serde_json::from_slice(out)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", String::from_utf8_lossy(out)))
}

fn run(e: &Emu, args: &[&str]) -> Vec<u8> {
    e.stax()
        .args(args)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone()
}

#[test]
fn a_large_answer_prints_as_the_tree_did_and_pages_merge_into_it() {
    let e = Emu::start_with(stax_emulator::EmulatorOptions {
        seed_accounts: 1_500,
        ..Default::default()
    });
    let big = run(&e, &["accounts", "ReadAccounts"]);
    let tree = json_of(&big);
    // Streamed: byte for byte what pretty-printing the (order-keeping) tree gives.
    let printed = format!("{}\n", serde_json::to_string_pretty(&tree).unwrap());
    assert!(
        big == printed.as_bytes(),
        "the streamed answer differs from the tree's print"
    );
    let accounts = tree["Accounts"].as_array().unwrap();
    assert_eq!(accounts.len(), 1_509);
    let counted = run(
        &e,
        &["accounts", "ReadAccounts", "--query", "length(Accounts)"],
    );
    assert_eq!(String::from_utf8_lossy(&counted), "1509\n");
    let names = run(
        &e,
        &[
            "accounts",
            "ReadAccounts",
            "--query",
            "Accounts[?Status=='CLOSED'].Name",
        ],
    );
    let expected: Vec<&Value> = accounts
        .iter()
        .filter(|a| a["Status"] == "CLOSED")
        .map(|a| &a["Name"])
        .collect();
    assert_eq!(json_of(&names), serde_json::json!(expected));
    // Pages of 100 merged: the same accounts, the last page's Paging.
    let every = json_of(&run(&e, &["accounts", "ReadAccounts", "--all-pages"]));
    assert_eq!(every["Accounts"], tree["Accounts"]);
    assert_eq!(every["Paging"]["Total"], 1_509);
    assert_eq!(every["Paging"]["NextOffset"], Value::Null);
    // Other formats still get the tree they render.
    let yaml = run(&e, &["accounts", "ReadAccountTypes", "--output", "yaml"]);
    assert!(String::from_utf8_lossy(&yaml).starts_with("AccountTypes:\n"));
}
