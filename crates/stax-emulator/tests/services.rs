//! Service configurations over HTTP: what a new organisation has, changes as tasks that walk
//! `CONFIGURING` to `ACTIVE`/`INACTIVE` (409 while one runs), admins only, and each
//! service's rules with the 400 the document gives.

mod common;

use common::{Client, Creds, emulator, get, send, setup, token_of};
use serde_json::{Value, json};
use stax_emulator::Seed;

const ALL: &str = "/20190206/services/configuration";

fn path(service: &str) -> String {
    format!("/20190206/services/{service}/configuration")
}

/// Sends a configuration change that must start; waits for its task to succeed; returns the
/// configuration as it reads afterwards.
async fn configure(client: &Client, creds: &Creds, service: &str, body: Value) -> Value {
    let started = send(client, creds, "PUT", &path(service), Some(body)).await;
    assert_eq!(started["Detail"]["OperationStatus"], "STARTED", "{started}");
    let (task, _) = client
        .wait_task(creds, started["TaskId"].as_str().expect("a TaskId"))
        .await;
    assert_eq!(task["Status"], "SUCCEEDED", "{task}");
    get(client, creds, &path(service)).await
}

/// A change that must be refused with `status`, its error naming `words`.
async fn refused(
    client: &Client,
    creds: &Creds,
    (service, body): (&str, Value),
    status: u16,
    words: &str,
) {
    let (got, answer) = client.call(creds, "PUT", &path(service), Some(body)).await;
    assert_eq!(got, status, "{service}: {answer}");
    let error = answer["Error"].as_str().unwrap_or_default();
    assert!(
        error.contains(words),
        "{service}: '{error}' should say '{words}'"
    );
}

/// The regions configuration with `region` moved from one list to the other.
fn moved(regions: &Value, region: &str, to: &str) -> Value {
    let mut config = regions["Configuration"].clone();
    let from = if to == "Enabled" {
        "Disabled"
    } else {
        "Enabled"
    };
    let list = config[from].as_array_mut().unwrap();
    list.retain(|r| r != region);
    config[to].as_array_mut().unwrap().push(json!(region));
    json!({"Configuration": config})
}

#[tokio::test]
async fn a_new_organisation_has_every_service_configured() {
    let emu = emulator(|o| o.seed = Seed::Empty).await;
    let client = Client::new(emu.endpoint()).await;
    let creds = client.login(emu.access_key(), emu.secret_key()).await;
    let all = get(&client, &creds, ALL).await;
    let list = all["ServiceConfigurations"].as_array().unwrap();
    let services: Vec<&str> = list
        .iter()
        .map(|c| c["Service"].as_str().unwrap())
        .collect();
    assert_eq!(
        services,
        [
            "SECURITYHUB",
            "GUARDDUTY",
            "REGIONS",
            "ACCOUNT",
            "GUARDRAILS",
            "ORGANIZATION",
            "SSO"
        ]
    );
    for config in list {
        let service = config["Service"].as_str().unwrap().to_ascii_lowercase();
        let one = get(&client, &creds, &path(&service)).await;
        assert_eq!(&one, config, "one read answers what the list holds");
        let off = service == "securityhub" || service == "guardduty";
        assert_eq!(one["Enabled"], !off, "{one}");
        assert_eq!(one["Status"], if off { "INACTIVE" } else { "ACTIVE" });
        assert!(one["Exclusions"].is_null() && one["Configuration"].is_object());
    }
    let regions = get(&client, &creds, &path("regions")).await["Configuration"].clone();
    let enabled = regions["Enabled"].as_array().unwrap();
    assert_eq!(enabled.len(), 16);
    assert!(
        enabled.contains(&json!("ap-southeast-2")),
        "the home region"
    );
    assert_eq!(
        enabled.len() + regions["Disabled"].as_array().unwrap().len(),
        28
    );
    let duty = get(&client, &creds, &path("guardduty")).await;
    assert_eq!(
        duty["Configuration"]["FindingPublishingFrequency"],
        "SIX_HOURS"
    );
    let guardrails = get(&client, &creds, &path("guardrails")).await;
    assert_eq!(
        guardrails["Configuration"]["SCP"]["ORGANIZATIONS_BLOCK_LEAVING_AWS_ORGANISATION"],
        true
    );
    assert_eq!(guardrails["Configuration"]["RCP"], json!({}));
    emu.shutdown().await;
}

#[tokio::test]
async fn a_change_is_a_task_configuring_then_active_and_admins_only() {
    let (emu, client, admin) = setup(600).await;
    let before = get(&client, &admin, &path("organization")).await;
    assert_eq!(
        before["Configuration"]["BEDROCK_ALLOW_CROSS_REGIONAL_ACCESS"],
        false
    );
    let body = json!({"Configuration": {"BEDROCK_ALLOW_CROSS_REGIONAL_ACCESS": true}});
    let started = send(
        &client,
        &admin,
        "PUT",
        &path("organization"),
        Some(body.clone()),
    )
    .await;
    assert_eq!(
        started["Detail"]["Operation"],
        "services:ConfigureOrganization"
    );
    let task = started["TaskId"].as_str().unwrap().to_owned();
    let during = get(&client, &admin, &path("organization")).await;
    assert_eq!(during["Status"], "CONFIGURING");
    assert_eq!(during["UserTaskId"], task.as_str());
    assert_eq!(
        during["Configuration"], before["Configuration"],
        "not yet applied"
    );
    let (status, answer) = client
        .call(&admin, "PUT", &path("organization"), Some(body))
        .await;
    assert_eq!(status, 409, "one change of a service at a time: {answer}");
    // Another service is not held up.
    let guardrails = get(&client, &admin, &path("guardrails")).await;
    let (status, answer) = client
        .call(
            &admin,
            "PUT",
            &path("guardrails"),
            Some(json!({"Configuration": guardrails["Configuration"]})),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    let (ended, seen) = client.wait_task(&admin, &task).await;
    assert_eq!(ended["Status"], "SUCCEEDED");
    assert!(seen.len() >= 2, "the task was seen under way: {seen:?}");
    let after = get(&client, &admin, &path("organization")).await;
    assert_eq!(after["Status"], "ACTIVE");
    assert_eq!(
        after["Configuration"]["BEDROCK_ALLOW_CROSS_REGIONAL_ACCESS"],
        true
    );
    assert_ne!(after["ModifiedTS"], before["ModifiedTS"]);

    // Reads are open to every role; changes need an admin.
    for role in ["api_readonly", "api_user", "api_operations"] {
        let (_, creds) = token_of(&client, &admin, role).await;
        assert_eq!(
            get(&client, &creds, ALL).await["ServiceConfigurations"]
                .as_array()
                .unwrap()
                .len(),
            7
        );
        let (status, answer) = client
            .call(
                &creds,
                "PUT",
                &path("organization"),
                Some(json!({"Configuration": {}})),
            )
            .await;
        assert_eq!(status, 403, "{role}: {answer}");
    }
    // SSO is read here, never changed: API Gateway knows no such method.
    let (status, answer) = client
        .call(
            &admin,
            "PUT",
            &path("sso"),
            Some(json!({"Configuration": {}})),
        )
        .await;
    assert_eq!(status, 403, "{answer}");
    assert_eq!(answer["message"], "Missing Authentication Token");
    emu.shutdown().await;
}

#[tokio::test]
async fn guardduty_and_security_hub_stay_on_once_on() {
    let (emu, client, admin) = setup(20).await;
    let mut duty = get(&client, &admin, &path("guardduty")).await["Configuration"].clone();
    duty["Features"]["S3_DATA_EVENTS"]["Enable"] = json!(true);
    let on = configure(
        &client,
        &admin,
        "guardduty",
        json!({"Enabled": true, "Configuration": duty}),
    )
    .await;
    assert_eq!(
        (on["Enabled"].clone(), on["Status"].clone()),
        (json!(true), json!("ACTIVE"))
    );
    assert_eq!(
        on["Configuration"]["Features"]["S3_DATA_EVENTS"]["Enable"],
        true
    );
    refused(
        &client,
        &admin,
        (
            "guardduty",
            json!({"Enabled": false, "Configuration": duty}),
        ),
        400,
        "GuardDuty cannot be disabled once enabled",
    )
    .await;
    let mut addon = duty.clone();
    addon["Features"]["EKS_RUNTIME_MONITORING"] =
        json!({"Enable": false, "EKS_ADDON_MANAGEMENT": true});
    refused(
        &client,
        &admin,
        (
            "guardduty",
            json!({"Enabled": true, "Configuration": addon}),
        ),
        400,
        "EKS_ADDON_MANAGEMENT",
    )
    .await;
    // A body the document does not allow (a scan criterion of both kinds) is a 400 too.
    let mut both = duty.clone();
    both["Features"]["EBS_MALWARE_PROTECTION"]["ScanResourceCriteria"] =
        json!({"Include": {"EC2_INSTANCE_TAG": []}, "Exclude": {"EC2_INSTANCE_TAG": []}});
    refused(
        &client,
        &admin,
        ("guardduty", json!({"Enabled": true, "Configuration": both})),
        400,
        "Invalid request body",
    )
    .await;

    let hub = |regions: &[&str]| {
        json!({"Standards": {
            "AWS_FOUNDATIONAL_SECURITY_BEST_PRACTICES_1_0_0": true,
            "AWS_REGIONS": regions,
            "CIS_AWS_FOUNDATIONS_BENCHMARK_1_2_0": false,
            "CIS_AWS_FOUNDATIONS_BENCHMARK_1_4_0": true,
            "PCI_DSS_3_2_1": false
        }})
    };
    refused(
        &client,
        &admin,
        (
            "securityhub",
            json!({"Enabled": true, "Configuration": hub(&[])}),
        ),
        400,
        "at least one region",
    )
    .await;
    refused(
        &client,
        &admin,
        (
            "securityhub",
            json!({"Enabled": true, "Configuration": hub(&["af-south-1"])}),
        ),
        400,
        "af-south-1 is not enabled",
    )
    .await;
    let regions = get(&client, &admin, &path("regions")).await;
    let regions = configure(
        &client,
        &admin,
        "regions",
        moved(&regions, "af-south-1", "Enabled"),
    )
    .await;
    assert!(
        regions["Configuration"]["Enabled"]
            .as_array()
            .unwrap()
            .contains(&json!("af-south-1"))
    );
    let on = configure(
        &client,
        &admin,
        "securityhub",
        json!({"Enabled": true, "Configuration": hub(&["ap-southeast-2", "af-south-1"])}),
    )
    .await;
    assert_eq!(on["Status"], "ACTIVE");
    refused(
        &client,
        &admin,
        (
            "securityhub",
            json!({"Enabled": false, "Configuration": hub(&["ap-southeast-2"])}),
        ),
        400,
        "Security Hub cannot be disabled once enabled",
    )
    .await;
    refused(
        &client,
        &admin,
        ("regions", moved(&regions, "af-south-1", "Disabled")),
        400,
        "remove it from Security Hub's AWS_REGIONS first",
    )
    .await;
    emu.shutdown().await;
}

#[tokio::test]
async fn regions_list_every_region_once_keep_the_home_and_what_runs_there() {
    let (emu, client, admin) = setup(20).await;
    let regions = get(&client, &admin, &path("regions")).await;
    let config = &regions["Configuration"];
    let edited = |list: &str, edit: &dyn Fn(&mut Vec<Value>)| {
        let mut config = config.clone();
        edit(config[list].as_array_mut().unwrap());
        json!({"Configuration": config})
    };
    let cases = [
        (edited("Disabled", &|l| drop(l.pop())), "missing"),
        (
            edited("Disabled", &|l| l.push(json!("eu-west-1"))),
            "eu-west-1 is listed more than once",
        ),
        (
            edited("Disabled", &|l| l.push(json!("mars-north-1"))),
            "Invalid request body",
        ),
        (moved(&regions, "ap-southeast-2", "Disabled"), "home region"),
        (
            moved(&regions, "ap-northeast-3", "Enabled"),
            "ap-northeast-3",
        ),
    ];
    for (body, words) in cases {
        refused(&client, &admin, ("regions", body), 400, words).await;
    }
    // The demo's workloads run in the home region only; one more runs in eu-west-1.
    let catalogue = get(&client, &admin, "/20190206/workload-catalogue").await;
    let item = catalogue["WorkloadCatalogues"][0]["WorkloadCatalogueItems"][0]["Id"].clone();
    let accounts = get(&client, &admin, "/20190206/accounts?filter=ACTIVE").await;
    let account = accounts["Accounts"][0]["Id"].clone();
    let deployed = send(
        &client,
        &admin,
        "POST",
        "/20190206/workloads",
        Some(json!({"Name": "regional", "CatalogueId": item, "AccountId": account, "Region": "eu-west-1"})),
    )
    .await;
    common::settle(&client, &admin, &deployed).await;
    refused(
        &client,
        &admin,
        ("regions", moved(&regions, "eu-west-1", "Disabled")),
        400,
        "eu-west-1 still holds 1 workload(s)",
    )
    .await;
    // Disabling a region nothing runs in succeeds; nothing is deployed there afterwards.
    let after = configure(
        &client,
        &admin,
        "regions",
        moved(&regions, "us-west-1", "Disabled"),
    )
    .await;
    assert!(
        after["Configuration"]["Disabled"]
            .as_array()
            .unwrap()
            .contains(&json!("us-west-1"))
    );
    let (status, answer) = client
        .call(
            &admin,
            "POST",
            "/20190206/workloads",
            Some(json!({"Name": "west", "CatalogueId": item, "AccountId": account, "Region": "us-west-1"})),
        )
        .await;
    assert_eq!(status, 400, "{answer}");
    assert!(
        answer["Error"]
            .as_str()
            .unwrap()
            .contains("us-west-1 is not enabled"),
        "{answer}"
    );
    emu.shutdown().await;
}

#[tokio::test]
async fn accounts_keep_one_alternate_contact_of_each_type() {
    let (emu, client, admin) = setup(20).await;
    let contact = |kind: &str| {
        json!({"AlternateContactType": kind, "EmailAddress": "ops@example.com", "Name": "Ops",
               "PhoneNumber": "+61 400 000 000", "Title": "Operations"})
    };
    let mut config = get(&client, &admin, &path("account")).await["Configuration"].clone();
    config["AlternateContacts"] = json!([contact("OPERATIONS"), contact("OPERATIONS")]);
    refused(
        &client,
        &admin,
        ("account", json!({"Configuration": config.clone()})),
        400,
        "more than one OPERATIONS contact",
    )
    .await;
    config["AlternateContacts"] = json!([contact("OPERATIONS"), contact("BILLING")]);
    config["EC2"]["InstanceRequireIMDSv2"] = json!(true);
    let after = configure(&client, &admin, "account", json!({"Configuration": config})).await;
    assert_eq!(
        after["Configuration"]["AlternateContacts"][1]["AlternateContactType"],
        "BILLING"
    );
    assert_eq!(after["Configuration"]["EC2"]["InstanceRequireIMDSv2"], true);
    let mut bad = after["Configuration"].clone();
    bad["AlternateContacts"][0]["EmailAddress"] = json!("not an address");
    refused(
        &client,
        &admin,
        ("account", json!({"Configuration": bad})),
        400,
        "Invalid request body",
    )
    .await;
    emu.shutdown().await;
}

#[tokio::test]
async fn the_demo_has_guardduty_and_security_hub_on() {
    let (emu, client, admin) = setup(20).await;
    let duty = get(&client, &admin, &path("guardduty")).await;
    assert_eq!(
        (duty["Enabled"].clone(), duty["Status"].clone()),
        (json!(true), json!("ACTIVE"))
    );
    let task = duty["UserTaskId"].as_str().expect("made by a task");
    let (task, _) = client.wait_task(&admin, task).await;
    assert_eq!(task["Status"], "SUCCEEDED");
    let hub = get(&client, &admin, &path("securityhub")).await;
    assert_eq!(
        hub["Configuration"]["Standards"]["AWS_REGIONS"],
        json!(["ap-southeast-2"])
    );
    let account = get(&client, &admin, &path("account")).await;
    assert_eq!(
        account["Configuration"]["AlternateContacts"][0]["AlternateContactType"],
        "SECURITY"
    );
    emu.shutdown().await;
}
