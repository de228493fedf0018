//! The `stax-emulator` binary: ready line first, graceful exit on SIGTERM, no acknowledged
//! write lost.

mod common;

use std::process::Command;
use std::sync::Arc;

use common::{Client, Process, temp_db};
use serde_json::{Value, json};

fn spawn(args: &[&str]) -> (Process, Value) {
    let process = Process::spawn(args);
    let ready = process.ready.clone();
    (process, ready)
}

fn terminate(process: &mut Process) -> std::process::ExitStatus {
    process.terminate()
}

#[tokio::test]
async fn ready_line_then_clean_exit_on_sigterm() {
    let (mut child, ready) = spawn(&["--seed", "empty", "--region", "us1"]);
    let endpoint = ready["endpoint"].as_str().unwrap();
    assert!(endpoint.starts_with("http://127.0.0.1:"));
    assert_eq!(ready["ca_cert"], Value::Null);
    let client = Client::new(endpoint).await;
    assert_eq!(client.config["ApiAuth"]["region"], "us-east-1");
    let creds = client
        .login(
            ready["access_key"].as_str().unwrap(),
            ready["secret_key"].as_str().unwrap(),
        )
        .await;
    let (status, body) = client.call(&creds, "GET", "/20190206/accounts", None).await;
    assert_eq!(status, 200);
    assert_eq!(body["Accounts"], json!([]), "an empty seed has no accounts");
    assert!(terminate(&mut child).success());
}

#[test]
fn bad_flags_fail_with_a_message() {
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_stax-emulator"))
            .args(args)
            .output()
            .unwrap()
    };
    let out = run(&["--faults", "nonsense"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("fault"));
    assert!(out.stdout.is_empty());
    // Values out of their documented bounds are refused, naming the flag and the range.
    for (args, names) in [
        (
            &["--credential-ttl", "18446744073709551615"][..],
            &["--credential-ttl", "43200"][..],
        ),
        (&["--credential-ttl", "0"], &["--credential-ttl"]),
        (
            &["--task-delay-ms", "3600001"],
            &["--task-delay-ms", "3600000"],
        ),
        (&["--read-timeout-ms", "5"], &["--read-timeout-ms", "100"]),
        (&["--faults", "latency=60001:0.5"], &["latency", "60000"]),
        (&["--faults", "throttle:1.5"], &["probability"]),
    ] {
        let out = run(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?} is refused");
        assert!(out.stdout.is_empty(), "{args:?}: no ready line");
        for name in names {
            assert!(stderr.contains(name), "{args:?}: {stderr}");
        }
    }
}

#[tokio::test]
async fn sigterm_during_load_loses_no_acknowledged_write() {
    let db = temp_db("sigterm");
    let db_arg = db.display().to_string();
    let (mut child, ready) = spawn(&["--db", &db_arg]);
    let endpoint = ready["endpoint"].as_str().unwrap().to_owned();
    let client = Arc::new(Client::new(&endpoint).await);
    let creds = Arc::new(
        client
            .login(
                ready["access_key"].as_str().unwrap(),
                ready["secret_key"].as_str().unwrap(),
            )
            .await,
    );
    let mut writers = Vec::new();
    for w in 0..4 {
        // Writers keep going through the signal, racing the shutdown, until refused.
        let (client, creds) = (client.clone(), creds.clone());
        writers.push(tokio::spawn(async move {
            let mut acknowledged = Vec::new();
            for i in 0..400 {
                let name = format!("load-{w}-{i}");
                let request = client.signed(
                    &creds,
                    "POST",
                    "/20190206/accounts/types",
                    Some(json!({"Name": name})),
                    std::time::SystemTime::now(),
                );
                match client.http.execute(request).await {
                    Ok(r) if r.status() == 200 => acknowledged.push(name),
                    _ => break,
                }
            }
            acknowledged
        }));
    }
    // Signal once some writes are acknowledged.
    loop {
        let (status, body) = client
            .call(&creds, "GET", "/20190206/accounts/types", None)
            .await;
        if status != 200 || body["AccountTypes"].as_array().unwrap().len() >= 30 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert!(terminate(&mut child).success(), "exit 0 after SIGTERM");
    let mut acknowledged = Vec::new();
    for w in writers {
        acknowledged.extend(w.await.unwrap());
    }
    assert!(
        acknowledged.len() >= 26,
        "{} writes acknowledged",
        acknowledged.len()
    );

    let (mut child, again) = spawn(&["--db", &db_arg]);
    assert_eq!(again["access_key"], ready["access_key"]);
    let client = Client::new(again["endpoint"].as_str().unwrap()).await;
    let (status, body) = client
        .call(&creds, "GET", "/20190206/accounts/types", None)
        .await;
    assert_eq!(
        status, 200,
        "credentials from before the restart still work"
    );
    let stored = body.to_string();
    for name in &acknowledged {
        assert!(
            stored.contains(&format!("\"{name}\"")),
            "acknowledged {name} was lost"
        );
    }
    assert!(terminate(&mut child).success());
    let _ = std::fs::remove_dir_all(db.parent().unwrap());
}
