//! Service configurations and insights through the SDK against the emulator (real HTTP, SRP,
//! SigV4): every configuration read; each one that can change changed by a task the SDK
//! follows, read back (alone and among all) with the change, and found among the insights
//! under the task; a second change while one runs and a rule's refusal as the SDK's API
//! errors with their statuses.

mod common;

use std::time::Duration;

use serde_json::{Value, json};
use stax_emulator::EmulatorOptions;
use staxapp::StaxClient;
use staxapp::tasks::WaitOptions;

/// How the SDK follows a change's task here: often, for at most half a minute.
fn following() -> WaitOptions {
    WaitOptions::new()
        .timeout(Duration::from_secs(30))
        .initial_interval(Duration::from_millis(20))
}

/// A change of one service: the operation that reads it, the one that changes it, and the
/// change made to what it reads (`Configuration`, and `Enabled` where the service has it).
struct Change {
    read: &'static str,
    configure: &'static str,
    edit: fn(&mut Value),
}

fn changes() -> [Change; 6] {
    [
        Change {
            read: "ReadAccountConfiguration",
            configure: "ConfigureAccount",
            edit: |c| c["Configuration"]["EC2"]["InstanceRequireIMDSv2"] = json!(true),
        },
        Change {
            read: "ReadGuardDutyConfiguration",
            configure: "ConfigureGuardDuty",
            edit: |c| c["Configuration"]["FindingPublishingFrequency"] = json!("ONE_HOUR"),
        },
        Change {
            read: "ReadGuardrailsConfiguration",
            configure: "ConfigureGuardrails",
            edit: |c| c["Configuration"]["SCP"]["MACIE_BLOCK_SERVICE"] = json!(true),
        },
        Change {
            read: "ReadOrganizationConfiguration",
            configure: "ConfigureOrganization",
            edit: |c| c["Configuration"]["BEDROCK_ALLOW_CROSS_REGIONAL_ACCESS"] = json!(true),
        },
        Change {
            read: "ReadRegionsConfiguration",
            configure: "ConfigureRegions",
            edit: |c| {
                let regions = &mut c["Configuration"];
                if let Some(disabled) = regions["Disabled"].as_array_mut() {
                    disabled.retain(|r| r != "af-south-1");
                }
                if let Some(enabled) = regions["Enabled"].as_array_mut() {
                    enabled.push(json!("af-south-1"));
                }
            },
        },
        Change {
            read: "ReadSecurityHubConfiguration",
            configure: "ConfigureSecurityHub",
            edit: |c| c["Configuration"]["Standards"]["PCI_DSS_3_2_1"] = json!(true),
        },
    ]
}

/// The body of a change by `configure` to what was read: its `Configuration`, and its
/// `Enabled` for the two services that can be switched on (GuardDuty and Security Hub).
fn body_of(configure: &str, read: &Value) -> Value {
    let mut body = json!({"Configuration": read["Configuration"]});
    if ["ConfigureGuardDuty", "ConfigureSecurityHub"].contains(&configure) {
        body["Enabled"] = read["Enabled"].clone();
    }
    body
}

/// An emulator whose tasks take `delay_ms`, and a client of it with its own document cache.
async fn start(delay_ms: u64, cache: &str) -> (stax_emulator::RunningEmulator, StaxClient) {
    let emu = common::emulator(EmulatorOptions {
        task_delay: Duration::from_millis(delay_ms),
        ..Default::default()
    })
    .await;
    let client = StaxClient::new(common::config(&emu, cache)).unwrap();
    (emu, client)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_configuration_reads_changes_by_a_task_and_shows_among_the_insights() {
    let (emu, client) = start(50, "services").await;
    let all = client
        .call("services", "ReadConfigurations", json!({}))
        .await
        .unwrap();
    let mut services: Vec<&str> = all["ServiceConfigurations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["Service"].as_str().unwrap())
        .collect();
    services.sort_unstable();
    assert_eq!(
        services,
        [
            "ACCOUNT",
            "GUARDDUTY",
            "GUARDRAILS",
            "ORGANIZATION",
            "REGIONS",
            "SECURITYHUB",
            "SSO"
        ]
    );
    let sso = client
        .call("services", "ReadSsoConfiguration", json!({}))
        .await
        .unwrap();
    assert_eq!(sso["Service"], "SSO");
    assert_eq!(sso["Configuration"]["LOCAL"]["ENABLED"], true, "{sso}");

    for change in changes() {
        let before = client
            .call("services", change.read, json!({}))
            .await
            .unwrap();
        assert_eq!(before["Status"], "ACTIVE", "{before}");
        let mut body = body_of(change.configure, &before);
        (change.edit)(&mut body);
        let started = client
            .call("services", change.configure, body.clone())
            .await
            .unwrap();
        assert_eq!(
            started["Detail"]["Operation"],
            format!("services:{}", change.configure),
            "{started}"
        );
        let task = client
            .wait_for_response(&started, following())
            .await
            .unwrap();
        assert_eq!(task["Status"], "SUCCEEDED", "{task}");

        let after = client
            .call("services", change.read, json!({}))
            .await
            .unwrap();
        assert_eq!(after["Status"], "ACTIVE", "{after}");
        assert_eq!(after["Configuration"], body["Configuration"], "{after}");
        assert_eq!(after["Id"], before["Id"], "the same configuration, changed");
        let listed = client
            .call("services", "ReadConfigurations", json!({}))
            .await
            .unwrap();
        let same = listed["ServiceConfigurations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["Id"] == after["Id"])
            .cloned();
        assert_eq!(same.as_ref(), Some(&after), "ReadConfigurations shows it");

        let insights = client
            .call(
                "insights",
                "ReadInsights",
                json!({"source_id": started["TaskId"]}),
            )
            .await
            .unwrap();
        let insight = &insights["Insights"][0];
        assert_eq!(
            insight["Action"],
            format!("services:{}", change.configure),
            "{insights}"
        );
        assert_eq!(insight["TargetKind"], "SERVICE_CONFIGURATION");
        assert_eq!(insight["TargetId"], after["Id"]);
        assert_eq!(insight["Status"], "SUCCESS");
        assert_eq!(insight["UserId"], emu.access_key());
    }
    let regions = client
        .call("services", "ReadRegionsConfiguration", json!({}))
        .await
        .unwrap();
    let enabled = regions["Configuration"]["Enabled"].as_array().unwrap();
    assert!(enabled.contains(&json!("af-south-1")), "{regions}");
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_while_one_runs_and_switching_guardduty_off_are_refused() {
    let (emu, client) = start(400, "services-refused").await;
    let read = client
        .call("services", "ReadOrganizationConfiguration", json!({}))
        .await
        .unwrap();
    let body = body_of("ConfigureOrganization", &read);
    let started = client
        .call("services", "ConfigureOrganization", body.clone())
        .await
        .unwrap();
    let busy = client
        .call("services", "ConfigureOrganization", body)
        .await
        .unwrap_err();
    assert_eq!(busy.status(), Some(409), "{busy}");
    let configuring = client
        .call("services", "ReadOrganizationConfiguration", json!({}))
        .await
        .unwrap();
    assert_eq!(configuring["Status"], "CONFIGURING", "{configuring}");
    assert_eq!(configuring["UserTaskId"], started["TaskId"]);
    client
        .wait_for_response(&started, following())
        .await
        .unwrap();

    // The demo has GuardDuty on; once on, it stays on.
    let duty = client
        .call("services", "ReadGuardDutyConfiguration", json!({}))
        .await
        .unwrap();
    assert_eq!(duty["Enabled"], true, "{duty}");
    let mut off = body_of("ConfigureGuardDuty", &duty);
    off["Enabled"] = json!(false);
    let refused = client
        .call("services", "ConfigureGuardDuty", off)
        .await
        .unwrap_err();
    assert_eq!(refused.status(), Some(400), "{refused}");
    assert!(refused.to_string().contains("GuardDuty"), "{refused}");
    let still = client
        .call("services", "ReadGuardDutyConfiguration", json!({}))
        .await
        .unwrap();
    assert_eq!(still["Enabled"], true);
    assert_eq!(still["Configuration"], duty["Configuration"]);
    emu.shutdown().await;
}
