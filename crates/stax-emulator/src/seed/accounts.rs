//! `--seed-accounts N`: N more accounts on top of the demo estate, for organisation-scale
//! tests and benchmarks.
//!
//! The accounts are spread over the demo's account types and organisational units (not the
//! root), mostly `ACTIVE`, some `SUSPENDED`, `CLOSED` or `INITIALIZING`, each with tags. What
//! they are is a function of N alone (a fixed random sequence): the same N gives the same
//! names, AWS account ids, types, units, statuses, tags and order; only their UUIDs (random,
//! as every id the emulator makes) and dates (relative to now) differ between databases.
//! They are made in the seed's one transaction, with the store's cached statements, so ten
//! thousand take a fraction of a second.

use rand::rngs::StdRng;
use rand::{Rng as _, SeedableRng as _};
use serde_json::json;

use crate::areas::accounts::model::{NewAccount, account_fields};
use crate::areas::rules::text;
use crate::store::kinds::{ACCOUNT, ACCOUNT_TYPE, OU, Stamp, USER};
use crate::store::{Db, StoreResult};
use crate::util::{iso_ms, now_ms, uuid};

/// The seed of the accounts' random sequence (any constant: it only has to stay the same).
const SEQUENCE: u64 = 0x5eed_acc0_0000_0023;

/// Teams the accounts belong to (their `Team` tag and name) and their cost codes.
const TEAMS: [(&str, &str); 8] = [
    ("bakery", "1200"),
    ("payments", "1300"),
    ("data", "1400"),
    ("search", "1500"),
    ("mobile", "1600"),
    ("identity", "1700"),
    ("billing", "1800"),
    ("platform", "0001"),
];

/// Owners some accounts name in an `Owner` tag.
const OWNERS: [&str; 4] = ["alice", "bob", "carol", "dmitri"];

/// Adds `n` accounts to the demo estate of `db` (which must hold its account types, units
/// and administrator).
pub(crate) fn seed_accounts(db: &Db<'_>, n: usize) -> StoreResult<()> {
    if n == 0 {
        return Ok(());
    }
    let types: Vec<(String, String)> = db
        .list(ACCOUNT_TYPE)?
        .iter()
        .map(|t| (text(t, "Id").to_owned(), text(t, "Name").to_owned()))
        .collect();
    let units: Vec<String> = db
        .list(OU)?
        .iter()
        .filter(|u| !u["ParentOrganisationalUnitId"].is_null())
        .map(|u| text(u, "Id").to_owned())
        .collect();
    let admin = db.list(USER)?.first().map(|u| text(u, "Id").to_owned());
    if types.is_empty() || units.is_empty() {
        return Ok(());
    }
    let mut rng = StdRng::seed_from_u64(SEQUENCE);
    // After the demo's accounts (made on days 5 to 13), a minute apart.
    let start = now_ms() - 16 * 86_400_000;
    for i in 0..n {
        // A type's stored record is not changed: answers list its accounts from the
        // accounts themselves (as for accounts made through the API).
        let (type_id, type_name) = &types[rng.gen_range(0..types.len())];
        let unit = &units[rng.gen_range(0..units.len())];
        let (team, cost_code) = TEAMS[rng.gen_range(0..TEAMS.len())];
        let status = match rng.gen_range(0..100) {
            0..=84 => "ACTIVE",
            85..=89 => "SUSPENDED",
            90..=96 => "CLOSED",
            _ => "INITIALIZING",
        };
        let mut tags = json!({"CostCode": cost_code, "Team": team, "Environment": type_name});
        if rng.gen_range(0..3) == 0 {
            tags["Owner"] = json!(OWNERS[rng.gen_range(0..OWNERS.len())]);
        }
        let name = format!("{team}-{type_name}-{:05}", i + 1);
        // 12 digits, distinct for every i below 10^11 (7919 is prime to 10^11).
        let aws_id = format!("3{:011}", (i as u64 * 7_919 + 104_729) % 100_000_000_000);
        let fields = account_fields(NewAccount {
            name: &name,
            ou_id: json!(unit),
            account_type: (&json!(type_id), &json!(type_name)),
            role: "MEMBER",
            aws_account_id: &aws_id,
            alias: json!(format!("emu-{name}")),
            assurance: if status == "ACTIVE" { "ACTIVE" } else { "NONE" },
            email: format!("aws+{name}@example.com"),
            tags,
        });
        let at = iso_ms(start + i as i64 * 60_000);
        let stamp = Stamp {
            at: &at,
            by: admin.as_deref(),
            status: Some(status),
            ..Stamp::default()
        };
        ACCOUNT.insert(db, &uuid(), fields, &stamp)?;
    }
    Ok(())
}
