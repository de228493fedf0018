//! Several emulator processes on one `--db`: they agree on the installation, and concurrent
//! writes through both are all answered (no 5xx) and all kept.

mod common;

use std::sync::Arc;

use common::{Client, Creds, Process, get, temp_db};
use futures::future::join_all;
use serde_json::{Value, json};

const WRITERS: usize = 4;
const WRITES: usize = 15;

/// `WRITERS` tasks each making `WRITES` account types through `client`; every status.
async fn write_types(client: Arc<Client>, creds: Arc<Creds>, tag: &str) -> Vec<(String, u16)> {
    let mut writers = Vec::new();
    for w in 0..WRITERS {
        let (client, creds) = (client.clone(), creds.clone());
        let tag = tag.to_owned();
        writers.push(tokio::spawn(async move {
            let mut made = Vec::new();
            for i in 0..WRITES {
                let name = format!("{tag}-{w}-{i}");
                let (status, _) = client
                    .call(
                        &creds,
                        "POST",
                        "/20190206/accounts/types",
                        Some(json!({"Name": name})),
                    )
                    .await;
                made.push((name, status));
            }
            made
        }));
    }
    join_all(writers)
        .await
        .into_iter()
        .flat_map(|w| w.unwrap())
        .collect()
}

fn names(body: &Value) -> Vec<String> {
    body["AccountTypes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["Name"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn two_processes_on_one_database_lose_no_write() {
    let db = temp_db("shared");
    let db_arg = db.display().to_string();
    let mut first = Process::spawn(&["--db", &db_arg, "--task-delay-ms", "50"]);
    let mut second = Process::spawn(&["--db", &db_arg, "--task-delay-ms", "50"]);
    // One installation: the same ready token and pools.
    assert_eq!(first.ready("access_key"), second.ready("access_key"));
    let (a, b) = (
        Arc::new(Client::new(first.ready("endpoint")).await),
        Arc::new(Client::new(second.ready("endpoint")).await),
    );
    assert_eq!(a.config["ApiAuth"], b.config["ApiAuth"]);
    let creds_a = Arc::new(
        a.login(first.ready("access_key"), first.ready("secret_key"))
            .await,
    );
    let creds_b = Arc::new(
        b.login(second.ready("access_key"), second.ready("secret_key"))
            .await,
    );
    // Credentials issued by one process sign requests to the other.
    get(&b, &creds_a, "/20190206/accounts").await;
    let before = names(&get(&a, &creds_a, "/20190206/accounts/types").await).len();

    let (through_a, through_b) = tokio::join!(
        write_types(a.clone(), creds_a.clone(), "via-a"),
        write_types(b.clone(), creds_b.clone(), "via-b"),
    );
    let all: Vec<(String, u16)> = through_a.into_iter().chain(through_b).collect();
    let failed: Vec<&(String, u16)> = all.iter().filter(|(_, s)| *s != 200).collect();
    assert!(
        failed.is_empty(),
        "writes answered other than 200: {failed:?}"
    );
    assert_eq!(all.len(), 2 * WRITERS * WRITES);

    // Both processes see every write.
    for (client, creds) in [(&a, &creds_a), (&b, &creds_b)] {
        let stored = names(&get(client, creds, "/20190206/accounts/types").await);
        assert_eq!(stored.len(), before + all.len());
        for (name, _) in &all {
            assert!(stored.contains(name), "{name} was lost");
        }
    }
    // A task started through one process is followed through the other.
    let (status, answer) = a
        .call(
            &creds_a,
            "POST",
            "/20190206/accounts",
            Some(json!({"Name": "shared-account", "AccountType": "via-a-0-0"})),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    let (task, _) = b
        .wait_task(&creds_b, answer["TaskId"].as_str().unwrap())
        .await;
    assert_eq!(task["Status"], "SUCCEEDED");

    assert!(first.terminate().success());
    assert!(second.terminate().success());
    let _ = std::fs::remove_dir_all(db.parent().unwrap());
}
