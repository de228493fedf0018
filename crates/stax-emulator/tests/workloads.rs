//! The workload catalogue and workloads: validation and deployment tasks, 400s and 404s.

mod common;

use common::{Client, Creds, change, get, setup};
use serde_json::{Value, json};

const MANIFEST: &str = "resources:\n  - bucket.yaml\n";

/// A catalogue item with one valid version: `(catalogue_id, version_id)`.
async fn new_item(client: &Client, creds: &Creds, name: &str) -> (String, String) {
    let (answer, task) = change(
        client,
        creds,
        "POST",
        "/20190206/workload-catalogue",
        Some(json!({"Name": name, "Version": "1.0.0", "Description": "a bucket", "ManifestBody": MANIFEST, "Parameters": {"BucketName": "logs"}})),
    )
    .await;
    assert_eq!(task["Status"], "SUCCEEDED");
    (
        answer["CatalogueId"].as_str().unwrap().to_owned(),
        answer["CatalogueVersionId"].as_str().unwrap().to_owned(),
    )
}

async fn account(client: &Client, creds: &Creds, status: &str) -> String {
    get(
        client,
        creds,
        &format!("/20190206/accounts?filter={status}"),
    )
    .await["Accounts"][0]["Id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn catalogue_items_and_versions_are_validated_through_tasks() {
    let (emu, client, creds) = setup(60).await;
    let (item, v1) = new_item(&client, &creds, "s3-bucket").await;
    // The demo seed has catalogue items of its own: look at the new one.
    let list = get(
        &client,
        &creds,
        &format!("/20190206/workload-catalogue?id_filter={item}"),
    )
    .await;
    let items = &list["WorkloadCatalogues"][0]["WorkloadCatalogueItems"];
    assert_eq!(items[0]["Id"], item.as_str());
    assert_eq!(items[0]["Status"], "ACTIVE");
    assert_eq!(items[0]["CatalogueVersionId"], v1.as_str());
    assert_eq!(items[0]["Versions"][0]["WorkloadVersion"], "1.0.0");
    assert_eq!(
        items[0]["Versions"][0]["Parameters"],
        json!([{"Key": "BucketName", "Default": "logs"}])
    );
    assert!(items[0].get("Tags").is_none());
    let bare = get(
        &client,
        &creds,
        &format!("/20190206/workload-catalogue/{item}?include_versions=false&include_tags=true"),
    )
    .await;
    let one = &bare["WorkloadCatalogues"][0]["WorkloadCatalogueItems"][0];
    assert!(one.get("Versions").is_none());
    assert!(one.get("Tags").is_some());

    // The manifest can be read back.
    let url = get(
        &client,
        &creds,
        &format!("/20190206/workload-catalogue/manifest/{v1}"),
    )
    .await["url"]
        .as_str()
        .unwrap()
        .to_owned();
    let text = client
        .http
        .get(&url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(text, MANIFEST);
    let template = get(
        &client,
        &creds,
        &format!("/20190206/workload-catalogue/template/{v1}/bucket.yaml"),
    )
    .await;
    assert!(template["url"].as_str().unwrap().contains(&v1));

    // A second version becomes current; the same label again is refused.
    let (answer, task) = change(
        &client,
        &creds,
        "PUT",
        &format!("/20190206/workload-catalogue/{item}"),
        Some(json!({"Version": "1.1.0", "Description": "a better bucket", "ManifestURL": "https://example.com/m.yaml"})),
    )
    .await;
    assert_eq!(task["Status"], "SUCCEEDED");
    let v2 = answer["CatalogueVersionId"].as_str().unwrap().to_owned();
    let (status, body) = client
        .call(
            &creds,
            "PUT",
            &format!("/20190206/workload-catalogue/{item}"),
            Some(json!({"Version": "1.1.0", "Description": "again", "ManifestBody": MANIFEST})),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(body["Error"].as_str().unwrap().contains("Version"));
    let version = get(
        &client,
        &creds,
        &format!("/20190206/workload-catalogue/{item}/{v2}"),
    )
    .await;
    assert_eq!(
        version["Versions"][0]["ManifestURL"],
        "https://example.com/m.yaml"
    );
    assert_eq!(version["Versions"][0]["Status"], "ACTIVE");

    // A manifest that cannot be fetched fails validation and leaves the item as it was.
    let (answer, task) = change(
        &client,
        &creds,
        "PUT",
        &format!("/20190206/workload-catalogue/{item}"),
        Some(json!({"Version": "2.0.0", "Description": "broken", "ManifestURL": "ftp://example.com/m"})),
    )
    .await;
    assert_eq!(task["Status"], "FAILED");
    let v3 = answer["CatalogueVersionId"].as_str().unwrap();
    let version = get(
        &client,
        &creds,
        &format!("/20190206/workload-catalogue/{item}/{v3}"),
    )
    .await;
    assert_eq!(version["Versions"][0]["Status"], "FAILED");
    let read = get(
        &client,
        &creds,
        &format!("/20190206/workload-catalogue/{item}"),
    )
    .await;
    let read = &read["WorkloadCatalogues"][0]["WorkloadCatalogueItems"][0];
    assert_eq!(read["Status"], "ACTIVE");
    assert_eq!(read["CatalogueVersionId"], v2.as_str());

    // Versions go until one is left; then the item must go as a whole.
    let (_, task) = change(
        &client,
        &creds,
        "DELETE",
        &format!("/20190206/workload-catalogue/{item}/{v1}"),
        None,
    )
    .await;
    assert_eq!(task["Status"], "SUCCEEDED");
    let (_, task) = change(
        &client,
        &creds,
        "DELETE",
        &format!("/20190206/workload-catalogue/{item}/{v2}"),
        None,
    )
    .await;
    assert_eq!(task["Status"], "FAILED");
    assert!(task["Logs"].to_string().contains("last"), "{task}");
    let (_, task) = change(
        &client,
        &creds,
        "DELETE",
        &format!("/20190206/workload-catalogue/{item}"),
        None,
    )
    .await;
    assert_eq!(task["Status"], "SUCCEEDED");
    let list = get(&client, &creds, "/20190206/workload-catalogue").await;
    let items = list["WorkloadCatalogues"][0]["WorkloadCatalogueItems"]
        .as_array()
        .unwrap();
    assert!(items.iter().all(|i| i["Id"] != item.as_str()), "{items:?}");
    let deleted = get(
        &client,
        &creds,
        "/20190206/workload-catalogue?filter=DELETED",
    )
    .await;
    assert_eq!(
        deleted["WorkloadCatalogues"][0]["WorkloadCatalogueItems"][0]["Id"],
        item.as_str()
    );

    // An empty manifest fails the new item.
    let (answer, task) = change(
        &client,
        &creds,
        "POST",
        "/20190206/workload-catalogue",
        Some(json!({"Name": "empty", "Version": "0.1", "Description": "nothing", "ManifestBody": "  "})),
    )
    .await;
    assert_eq!(task["Status"], "FAILED");
    let failed = get(
        &client,
        &creds,
        &format!(
            "/20190206/workload-catalogue/{}",
            answer["CatalogueId"].as_str().unwrap()
        ),
    )
    .await;
    assert_eq!(
        failed["WorkloadCatalogues"][0]["WorkloadCatalogueItems"][0]["Status"],
        "FAILED"
    );
    assert_eq!(
        emu.stats()["operations"]["workloads.CreateCatalogueVersion"],
        3
    );
    emu.shutdown().await;
}

#[tokio::test]
async fn workloads_deploy_update_and_delete_through_tasks() {
    let (emu, client, creds) = setup(60).await;
    let (item, v1) = new_item(&client, &creds, "bucket").await;
    let (v2_answer, _) = change(
        &client,
        &creds,
        "PUT",
        &format!("/20190206/workload-catalogue/{item}"),
        Some(json!({"Version": "2", "Description": "v2", "ManifestBody": MANIFEST})),
    )
    .await;
    let v2 = v2_answer["CatalogueVersionId"].as_str().unwrap().to_owned();
    let active = account(&client, &creds, "ACTIVE").await;

    let (answer, task) = change(
        &client,
        &creds,
        "POST",
        "/20190206/workloads",
        Some(json!({
            "Name": "logs-bucket", "CatalogueId": item, "CatalogueVersionId": v1,
            "AccountId": active, "Region": "ap-southeast-2",
            "Parameters": [{"Key": "BucketName", "Value": "my-logs"}], "Tags": {"Team": "ops"},
        })),
    )
    .await;
    assert_eq!(task["Status"], "SUCCEEDED");
    let id = answer["WorkloadId"].as_str().unwrap().to_owned();
    assert_eq!(task["Workloads"], json!([id]));
    assert_eq!(answer["Detail"]["Workload"]["Name"], "logs-bucket");
    let one = get(
        &client,
        &creds,
        &format!("/20190206/workloads/{id}?include_tags=true"),
    )
    .await;
    let workload = &one["Workloads"][0];
    assert_eq!(workload["Status"], "ACTIVE");
    assert_eq!(workload["Parameters"], json!({"BucketName": "my-logs"}));
    assert_eq!(workload["CatalogueVersion"]["WorkloadVersion"], "1.0.0");
    assert_eq!(workload["Tags"], json!({"Team": "ops"}));

    // The same name in the same account and region is refused.
    let (status, body) = client
        .call(
            &creds,
            "POST",
            "/20190206/workloads",
            Some(json!({"Name": "logs-bucket", "CatalogueId": item, "AccountId": active, "Region": "ap-southeast-2"})),
        )
        .await;
    assert_eq!(status, 400, "{body}");

    for query in [
        "name=logs-bucket".to_owned(),
        "name_filter=LOGS".to_owned(),
        format!("account_ids={active}"),
        "catalogue_names=bucket".to_owned(),
        "catalogue_version=1.0.0".to_owned(),
        format!("catalogue_version_id={v1}"),
        "filter=ACTIVE&offset=0&limit=1".to_owned(),
    ] {
        let found = get(&client, &creds, &format!("/20190206/workloads?{query}")).await;
        assert_eq!(found["Workloads"].as_array().unwrap().len(), 1, "{query}");
    }
    let none = get(&client, &creds, "/20190206/workloads?catalogue_version=9").await;
    assert_eq!(none["Workloads"], json!([]));

    // Move to version 2 and protect it: deleting then fails, as does deleting the catalogue.
    let (_, task) = change(
        &client,
        &creds,
        "PUT",
        &format!("/20190206/workloads/{id}"),
        Some(json!({"CatalogueVersionId": v2, "Protection": true})),
    )
    .await;
    assert_eq!(task["Status"], "SUCCEEDED");
    let workload =
        get(&client, &creds, &format!("/20190206/workloads/{id}")).await["Workloads"][0].clone();
    assert_eq!(workload["CatalogueVersionId"], v2.as_str());
    assert_eq!(workload["Protection"], true);
    let (_, task) = change(
        &client,
        &creds,
        "DELETE",
        &format!("/20190206/workloads/{id}"),
        None,
    )
    .await;
    assert_eq!(task["Status"], "FAILED");
    assert!(task["Logs"].to_string().contains("protected"), "{task}");
    let workload = get(&client, &creds, &format!("/20190206/workloads/{id}")).await;
    assert_eq!(workload["Workloads"][0]["Status"], "DELETE_FAILED");
    let (_, task) = change(
        &client,
        &creds,
        "DELETE",
        &format!("/20190206/workload-catalogue/{item}"),
        None,
    )
    .await;
    assert_eq!(task["Status"], "FAILED");

    let (_, task) = change(
        &client,
        &creds,
        "PUT",
        &format!("/20190206/workloads/{id}"),
        Some(json!({"Protection": false})),
    )
    .await;
    assert_eq!(task["Status"], "SUCCEEDED");
    let (_, task) = change(
        &client,
        &creds,
        "DELETE",
        &format!("/20190206/workloads/{id}"),
        None,
    )
    .await;
    assert_eq!(task["Status"], "SUCCEEDED");
    let list = get(&client, &creds, "/20190206/workloads").await;
    let live = list["Workloads"].as_array().unwrap();
    assert!(live.iter().all(|w| w["Id"] != id.as_str()), "{live:?}");
    let gone = get(&client, &creds, "/20190206/workloads?filter=DELETED").await;
    assert_eq!(gone["Workloads"][0]["Id"], id.as_str());

    // An account that is not ACTIVE cannot take a workload.
    let suspended = account(&client, &creds, "SUSPENDED").await;
    let (answer, task) = change(
        &client,
        &creds,
        "POST",
        "/20190206/workloads",
        Some(json!({"Name": "nope", "CatalogueId": item, "AccountId": suspended, "Region": "us-east-1"})),
    )
    .await;
    assert_eq!(task["Status"], "FAILED");
    let failed = get(
        &client,
        &creds,
        &format!(
            "/20190206/workloads/{}",
            answer["WorkloadId"].as_str().unwrap()
        ),
    )
    .await;
    assert_eq!(failed["Workloads"][0]["Status"], "CREATE_FAILED");
    assert_eq!(failed["Workloads"][0]["CatalogueVersionId"], v2.as_str());
    emu.shutdown().await;
}

#[tokio::test]
async fn workload_bodies_are_validated_and_unknown_ids_are_404() {
    let (emu, client, creds) = setup(60).await;
    let (item, _) = new_item(&client, &creds, "validated").await;
    let active = account(&client, &creds, "ACTIVE").await;
    let missing = uuid::Uuid::new_v4().to_string();
    let ok_workload =
        json!({"Name": "w1", "CatalogueId": item, "AccountId": active, "Region": "us-east-1"});
    let with = |key: &str, value: Value| {
        let mut body = ok_workload.clone();
        body[key] = value;
        body
    };
    for (path, body, field) in [
        (
            "/20190206/workload-catalogue",
            json!({"Version": "1", "Description": "d", "ManifestBody": "x"}),
            "Name",
        ),
        (
            "/20190206/workload-catalogue",
            json!({"Name": "n1", "Version": "1", "Description": "d"}),
            "ManifestBody",
        ),
        (
            "/20190206/workload-catalogue",
            json!({"Name": "n1", "Version": 1, "Description": "d", "ManifestBody": "x"}),
            "Version",
        ),
        ("/20190206/workloads", with("Name", json!("1bad")), "Name"),
        (
            "/20190206/workloads",
            with("Region", json!("mars-1")),
            "Region",
        ),
        (
            "/20190206/workloads",
            with("AccountId", json!(missing)),
            "AccountId",
        ),
        (
            "/20190206/workloads",
            with("CatalogueId", json!(missing)),
            "CatalogueId",
        ),
        (
            "/20190206/workloads",
            with("CatalogueVersionId", json!(missing)),
            "CatalogueVersionId",
        ),
        (
            "/20190206/workloads",
            with("Parameters", json!([{"Key": "a"}])),
            "Value",
        ),
    ] {
        let (status, answer) = client.call(&creds, "POST", path, Some(body.clone())).await;
        assert_eq!(status, 400, "{body} -> {answer}");
        let error = answer["Error"].as_str().unwrap();
        assert!(error.contains(field), "{error} names {field}");
    }
    for (method, path, body) in [
        (
            "GET",
            format!("/20190206/workload-catalogue/{missing}"),
            None,
        ),
        (
            "PUT",
            format!("/20190206/workload-catalogue/{missing}"),
            Some(json!({"Version": "1", "Description": "d", "ManifestBody": "x"})),
        ),
        (
            "DELETE",
            format!("/20190206/workload-catalogue/{missing}"),
            None,
        ),
        (
            "GET",
            format!("/20190206/workload-catalogue/{item}/{missing}"),
            None,
        ),
        (
            "DELETE",
            format!("/20190206/workload-catalogue/{item}/{missing}"),
            None,
        ),
        (
            "GET",
            format!("/20190206/workload-catalogue/manifest/{missing}"),
            None,
        ),
        (
            "GET",
            format!("/20190206/workload-catalogue/template/{missing}/main.yaml"),
            None,
        ),
        ("GET", format!("/20190206/workloads/{missing}"), None),
        (
            "PUT",
            format!("/20190206/workloads/{missing}"),
            Some(json!({"Protection": true})),
        ),
        ("DELETE", format!("/20190206/workloads/{missing}"), None),
    ] {
        let (status, answer) = client.call(&creds, method, &path, body).await;
        assert_eq!(status, 404, "{method} {path}: {answer}");
        assert!(answer["Error"].as_str().unwrap().contains(&missing));
    }
    let (status, _) = client
        .call(&creds, "GET", "/20190206/workloads/not-a-uuid", None)
        .await;
    assert_eq!(status, 400);
    emu.shutdown().await;
}
