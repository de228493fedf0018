//! Stax networking through the SDK against the emulator (real sign-in, real SigV4, routing
//! from the served document): for each kind (hubs, CIDR ranges and exclusions, VPCs, hub
//! peerings, prefix lists and their associations) a creation, reads by id and lists, an
//! update and a deletion, each change seen; and each rule of overlap, exhaustion and
//! dependency with the 400 the document gives. Every answer and every refusal is checked
//! against Stax's reference document (`$STAX_SHARED_DIR`) for its status.

mod common;
mod net;

use ipnet::Ipv4Net;
use net::{Net, REGION, ids};
use serde_json::{Value, json};
use staxapp::StaxClient;

/// Hubs: made with their default range, exclusions and transit VPC (the lowest /22 of the
/// block free of the exclusions), read by id and listed, changed (the transit VPC's settings
/// with them), deleted with what they hold, and then gone from the default lists.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hub_is_made_read_listed_changed_and_deleted() {
    let net = Net::start("net-hubs").await;
    let (account, _) = net.account().await;
    let answer = net
        .ok(
            "CreateHub",
            json!({
                "Name": "core", "AccountId": account, "Region": REGION, "Cidr": "10.40.0.0/16",
                "CidrRangeName": "core-default", "Description": "the core hub",
                "CidrExclusions": [{"Name": "datacentre", "Cidr": "10.40.0.0/22"}],
                "CreateNatGateway": false, "CreateInternetGateway": true,
                "InterfaceEndpoints": ["ec2", "sts"], "Tags": {"CostCode": "1200"},
            }),
        )
        .await;
    assert_eq!(answer["Detail"]["Operation"], "networking:CreateHub");
    assert_eq!(answer["Detail"]["OperationStatus"], "STARTED");
    let hub = answer["Detail"]["NetworkingHub"]["Id"]
        .as_str()
        .unwrap()
        .to_owned();
    let made = net
        .during(
            &answer,
            ("ReadHubs", json!({"hub_id": hub}), "Hubs"),
            "CREATE_IN_PROGRESS",
        )
        .await;
    assert_eq!(
        made["UserTaskId"].as_str(),
        staxapp::tasks::task_id_of(&answer),
        "the hub names the task that makes it"
    );

    let read = net.one("ReadHubs", json!({"hub_id": hub}), "Hubs").await;
    assert_eq!(read["Status"], "ACTIVE");
    assert_eq!(read["Name"], "core");
    assert_eq!(read["Region"], REGION);
    assert_eq!(read["AccountId"], account.as_str());
    assert_eq!(read["Asn"], 64512);
    assert_eq!(read["InterfaceEndpoints"], json!(["ec2", "sts"]));
    assert_eq!(read["Tags"], json!({"CostCode": "1200"}));
    let all = net.list("ReadHubs", json!({}), "Hubs").await;
    assert!(ids(&all).contains(&hub.as_str()), "{all:?}");

    // What it was made with.
    let ranges = net
        .list("ReadCidrRanges", json!({"hub_id": hub}), "Ranges")
        .await;
    assert_eq!(ranges.len(), 1);
    assert_eq!(ranges[0]["Cidr"], "10.40.0.0/16");
    assert_eq!(ranges[0]["Name"], "core-default");
    assert_eq!(ranges[0]["DefaultCidrRange"], true);
    let exclusions = net
        .list("ReadCidrExclusions", json!({"hub_id": hub}), "Exclusions")
        .await;
    assert_eq!(exclusions.len(), 1);
    assert_eq!(exclusions[0]["Cidr"], "10.40.0.0/22");
    let transit = net
        .one(
            "ReadVpcs",
            json!({"hub_id": hub, "type": "TRANSIT"}),
            "Vpcs",
        )
        .await;
    assert_eq!(transit["Status"], "ACTIVE");
    assert_eq!(
        transit["Cidr"], "10.40.4.0/22",
        "the lowest /22 outside the exclusion"
    );
    assert_eq!(transit["CidrRangeId"], ranges[0]["Id"]);
    assert_eq!(transit["CreateIgw"], true);
    assert_eq!(transit["CreateNat"], false);
    assert!(transit["AwsVpcId"].as_str().unwrap().starts_with("vpc-"));

    // A change, under way then done; the transit VPC's settings change with the hub.
    let change = (
        "UpdateHub",
        json!({"hub_id": hub, "Name": "core-2", "CreateNatGateway": true, "PhzSuffix": "core.example"}),
    );
    let reading = ("ReadHubs", json!({"hub_id": hub}), "Hubs");
    let (_, read) = net.walk(change, reading, "UPDATE_IN_PROGRESS").await;
    assert_eq!(
        (&read["Name"], &read["Status"]),
        (&json!("core-2"), &json!("ACTIVE"))
    );
    assert_eq!(read["PhzSuffix"], "core.example");
    assert_eq!(
        read["Description"], "the core hub",
        "what is not given stays"
    );
    let transit = net
        .one("ReadVpcs", json!({"vpc_id": transit["Id"]}), "Vpcs")
        .await;
    assert_eq!(transit["CreateNat"], true);
    // A suffix is set once.
    let error = net
        .refused(
            "UpdateHub",
            json!({"hub_id": hub, "PhzSuffix": "other.example"}),
            400,
        )
        .await;
    assert!(error.contains("PhzSuffix"), "{error}");

    // Deleted with its range, exclusion and transit VPC.
    net.delete(("DeleteHub", "hub_id", &hub), ("ReadHubs", "Hubs"))
        .await;
    let gone = net
        .one(
            "ReadHubs",
            json!({"hub_id": hub, "status": "DELETED"}),
            "Hubs",
        )
        .await;
    assert_eq!(gone["Status"], "DELETED");
    assert!(!ids(&net.list("ReadHubs", json!({}), "Hubs").await).contains(&hub.as_str()));
    for (operation, key) in [
        ("ReadCidrRanges", "Ranges"),
        ("ReadCidrExclusions", "Exclusions"),
        ("ReadVpcs", "Vpcs"),
    ] {
        let left = net.list(operation, json!({"hub_id": hub}), key).await;
        assert!(left.is_empty(), "{operation}: {left:?}");
        let deleted = net
            .list(operation, json!({"hub_id": hub, "status": "DELETED"}), key)
            .await;
        assert!(!deleted.is_empty(), "{operation}");
    }
    net.refused("DeleteHub", json!({"hub_id": hub}), 404).await;
    net.covered(&["ReadHubs", "CreateHub", "UpdateHub", "DeleteHub"]);
    net.emu.shutdown().await;
}

/// Hub creations refused: a public block, a block too small, exclusions that overlap or lie
/// outside it, exclusions that leave no room for the transit VPC (400), an unknown account
/// (404, as the document says); a change while another runs (400: the document gives
/// networking no 409); reads of malformed or unknown ids (404).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hub_creations_and_changes_are_refused_as_the_document_says() {
    let net = Net::start("net-hub-rules").await;
    let (account, _) = net.account().await;
    let hub = |cidr: &str, exclusions: Value| {
        json!({
            "Name": "refused", "AccountId": account, "Region": REGION, "Cidr": cidr,
            "CidrExclusions": exclusions, "CreateNatGateway": false, "CreateInternetGateway": false,
        })
    };
    for (cidr, exclusions, words) in [
        ("8.8.0.0/16", json!([]), "private"),
        ("10.0.0.0/23", json!([]), "/23"),
        ("10.0.0.1/16", json!([]), "10.0.0.0/16"),
        (
            "10.0.0.0/16",
            json!([{"Name": "ex-a", "Cidr": "10.0.0.0/20"}, {"Name": "ex-b", "Cidr": "10.0.8.0/22"}]),
            "overlaps",
        ),
        (
            "10.0.0.0/16",
            json!([{"Name": "ex-a", "Cidr": "10.9.0.0/20"}]),
            "outside",
        ),
        (
            "10.0.0.0/22",
            json!([{"Name": "ex-a", "Cidr": "10.0.1.0/24"}]),
            "transit VPC",
        ),
    ] {
        let error = net.refused("CreateHub", hub(cidr, exclusions), 400).await;
        assert!(error.contains(words), "{cidr}: {error}");
    }
    let mut unknown = hub("10.0.0.0/16", json!([]));
    unknown["AccountId"] = json!("00000000-0000-4000-8000-000000000000");
    net.refused("CreateHub", unknown, 404).await;
    let mut disabled = hub("10.0.0.0/16", json!([]));
    disabled["Region"] = json!("ap-northeast-3");
    net.refused("CreateHub", disabled, 400).await;

    // A change of a hub whose creation runs.
    let answer = net.ok("CreateHub", hub("10.1.0.0/16", json!([]))).await;
    let id = answer["Detail"]["NetworkingHub"]["Id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, body) = net
        .send("UpdateHub", json!({"hub_id": id, "Name": "busy"}))
        .await;
    if status != 200 {
        assert_eq!(status, 400, "{body}");
        assert!(
            body["Error"].as_str().unwrap().contains("in progress"),
            "{body}"
        );
    }
    net.finish(&answer).await;

    for missing in ["00000000-0000-4000-8000-000000000000", "not-an-id"] {
        net.refused("ReadHubs", json!({"hub_id": missing}), 404)
            .await;
        net.refused("ReadVpcs", json!({"hub_id": missing}), 404)
            .await;
    }
    net.emu.shutdown().await;
}

/// CIDR ranges and exclusions change at once: a creation answers the record, an update its
/// new name, description and tags, a deletion the record as deleted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ranges_and_exclusions_change_at_once() {
    let net = Net::start("net-ranges").await;
    let hub = net.hub("ranges", "10.50.0.0/16").await;

    let made = net
        .ok(
            "CreateCidrRange",
            json!({"hub_id": hub, "Name": "apps", "Cidr": "10.51.0.0/20", "Tags": {"Team": "apps"}}),
        )
        .await;
    let range = &made["Ranges"][0];
    assert_eq!(range["Status"], "ACTIVE");
    assert_eq!(range["DefaultCidrRange"], false);
    assert_eq!(range["NetworkingHubId"], hub.as_str());
    let id = range["Id"].as_str().unwrap().to_owned();
    let read = net
        .one("ReadCidrRanges", json!({"range_id": id}), "Ranges")
        .await;
    assert_eq!(read["Cidr"], "10.51.0.0/20");
    let all = net.list("ReadCidrRanges", json!({}), "Ranges").await;
    assert!(ids(&all).contains(&id.as_str()));
    let filtered = net
        .list(
            "ReadCidrRanges",
            json!({"hub_id": hub, "id_filter": id}),
            "Ranges",
        )
        .await;
    assert_eq!(ids(&filtered), [id.as_str()]);
    let updated = net
        .ok(
            "UpdateCidrRange",
            json!({"range_id": id, "Name": "apps-2", "Description": "for apps"}),
        )
        .await;
    assert_eq!(
        updated,
        json!({"Name": "apps-2", "Description": "for apps", "Tags": {"Team": "apps"}})
    );
    let read = net
        .one("ReadCidrRanges", json!({"range_id": id}), "Ranges")
        .await;
    assert_eq!(
        (&read["Name"], &read["Description"]),
        (&json!("apps-2"), &json!("for apps"))
    );

    let made = net
        .ok(
            "CreateCidrExclusion",
            json!({"hub_id": hub, "Name": "lab", "Cidr": "10.51.8.0/24"}),
        )
        .await;
    let exclusion = made["Exclusions"][0]["Id"].as_str().unwrap().to_owned();
    let read = net
        .one(
            "ReadCidrExclusions",
            json!({"exclusion_id": exclusion}),
            "Exclusions",
        )
        .await;
    assert_eq!(
        (&read["Cidr"], &read["Status"]),
        (&json!("10.51.8.0/24"), &json!("ACTIVE"))
    );
    assert_eq!(
        net.list("ReadCidrExclusions", json!({"hub_id": hub}), "Exclusions")
            .await
            .len(),
        1
    );
    assert!(
        ids(&net
            .list("ReadCidrExclusions", json!({}), "Exclusions")
            .await)
        .contains(&exclusion.as_str())
    );
    let updated = net
        .ok(
            "UpdateCidrExclusion",
            json!({"exclusion_id": exclusion, "Name": "lab-2"}),
        )
        .await;
    assert_eq!(updated["Name"], "lab-2");
    let deleted = net
        .ok("DeleteCidrExclusion", json!({"exclusion_id": exclusion}))
        .await;
    assert_eq!(deleted["Exclusions"][0]["Status"], "DELETED");
    net.refused(
        "ReadCidrExclusions",
        json!({"exclusion_id": exclusion}),
        404,
    )
    .await;

    // A range goes with the exclusions inside it.
    let inside = net
        .ok(
            "CreateCidrExclusion",
            json!({"hub_id": hub, "Name": "lab", "Cidr": "10.51.12.0/22"}),
        )
        .await;
    let inside = inside["Exclusions"][0]["Id"].as_str().unwrap().to_owned();
    let deleted = net.ok("DeleteCidrRange", json!({"range_id": id})).await;
    assert_eq!(deleted["Ranges"][0]["Status"], "DELETED");
    let gone = net
        .one(
            "ReadCidrExclusions",
            json!({"exclusion_id": inside, "status": "DELETED"}),
            "Exclusions",
        )
        .await;
    assert_eq!(gone["Status"], "DELETED");
    net.refused("ReadCidrRanges", json!({"range_id": id}), 404)
        .await;
    net.refused("DeleteCidrRange", json!({"range_id": id}), 404)
        .await;
    net.covered(&[
        "ReadCidrRanges",
        "CreateCidrRange",
        "UpdateCidrRange",
        "DeleteCidrRange",
        "ReadCidrExclusions",
        "CreateCidrExclusion",
        "UpdateCidrExclusion",
        "DeleteCidrExclusion",
    ]);
    net.emu.shutdown().await;
}

/// The overlap rules: a hub's ranges may not overlap each other (those of different hubs
/// may); an exclusion lies inside a range and overlaps neither another exclusion nor a VPC;
/// only hubs whose ranges are disjoint peer. Each refusal is the document's 400.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn overlapping_blocks_are_refused() {
    let net = Net::start("net-overlaps").await;
    let hub = net.hub("overlaps", "10.60.0.0/16").await;
    let other = net.hub("overlaps-2", "10.70.0.0/16").await;

    for cidr in ["10.60.128.0/20", "10.0.0.0/8", "10.60.0.0/16"] {
        let error = net
            .refused(
                "CreateCidrRange",
                json!({"hub_id": hub, "Name": "xx", "Cidr": cidr}),
                400,
            )
            .await;
        assert!(
            error.contains("overlaps CIDR range 10.60.0.0/16"),
            "{cidr}: {error}"
        );
    }
    for (cidr, words) in [("8.8.0.0/16", "private"), ("10.0.0.0/24", "/24")] {
        let error = net
            .refused(
                "CreateCidrRange",
                json!({"hub_id": hub, "Name": "xx", "Cidr": cidr}),
                400,
            )
            .await;
        assert!(error.contains(words), "{cidr}: {error}");
    }
    // Another hub's block is no overlap.
    net.range(&other, "shared", "10.61.0.0/20").await;
    net.range(&hub, "second", "10.61.0.0/20").await;

    // Exclusions.
    let transit = net
        .one(
            "ReadVpcs",
            json!({"hub_id": hub, "type": "TRANSIT"}),
            "Vpcs",
        )
        .await;
    assert_eq!(transit["Cidr"], "10.60.0.0/22");
    for (cidr, words) in [
        ("10.60.2.0/24", "overlaps VPC 10.60.0.0/22"),
        ("10.99.0.0/24", "outside every CIDR range"),
    ] {
        let error = net
            .refused(
                "CreateCidrExclusion",
                json!({"hub_id": hub, "Name": "xx", "Cidr": cidr}),
                400,
            )
            .await;
        assert!(error.contains(words), "{cidr}: {error}");
    }
    net.ok(
        "CreateCidrExclusion",
        json!({"hub_id": hub, "Name": "lab", "Cidr": "10.60.16.0/20"}),
    )
    .await;
    let error = net
        .refused(
            "CreateCidrExclusion",
            json!({"hub_id": hub, "Name": "xx", "Cidr": "10.60.20.0/22"}),
            400,
        )
        .await;
    assert!(
        error.contains("overlaps CIDR exclusion 10.60.16.0/20"),
        "{error}"
    );

    // Peerings: 10.61.0.0/20 is in both hubs.
    let peering = json!({
        "networking_hub_id": hub, "Name": "pp", "HubPeeringTarget": "STAX_RESOURCE",
        "DestinationNetworkingHubId": other,
    });
    let error = net.refused("CreateHubPeering", peering.clone(), 400).await;
    assert!(error.contains("cannot peer"), "{error}");
    assert!(error.contains("10.61.0.0/20"), "{error}");
    let disjoint = net.hub("overlaps-3", "172.16.0.0/16").await;
    let mut to_disjoint = peering;
    to_disjoint["DestinationNetworkingHubId"] = json!(disjoint);
    net.change("CreateHubPeering", to_disjoint).await;
    net.emu.shutdown().await;
}

/// VPCs: allocated by size from a range of their hub, read by id and listed (by hub, by
/// type), changed, deleted; once deleted their block is free again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vpc_is_made_read_listed_changed_and_deleted() {
    let net = Net::start("net-vpcs").await;
    let hub = net.hub("vpcs", "10.80.0.0/16").await;
    let range = net.default_range(&hub).await;
    let mut args = net.vpc_args(&hub, &range, "web", "MEDIUM").await;
    args["Zone"] = json!("apps");
    args["Tags"] = json!({"Team": "web"});
    let answer = net.ok("CreateVpc", args).await;
    assert_eq!(answer["Detail"]["Operation"], "networking:CreateVpc");
    let id = answer["Detail"]["VPC"]["Id"].as_str().unwrap().to_owned();
    let read = ("ReadVpcs", json!({"vpc_id": id}), "Vpcs");
    let made = net.during(&answer, read, "CREATE_IN_PROGRESS").await;
    assert_eq!(
        made["Cidr"], "10.80.8.0/21",
        "after the transit /22, the next aligned /21"
    );
    if made["Status"] == "CREATE_IN_PROGRESS" {
        assert!(made["AwsVpcId"].is_null(), "no AWS VPC before it is made");
    }
    let read = net.one("ReadVpcs", json!({"vpc_id": id}), "Vpcs").await;
    assert_eq!(read["Status"], "ACTIVE");
    assert_eq!(
        (&read["Size"], &read["Type"], &read["Zone"]),
        (&json!("MEDIUM"), &json!("FLAT"), &json!("apps"))
    );
    assert_eq!(read["NetworkingHubId"], hub.as_str());
    assert_eq!(read["CidrRangeId"], range.as_str());
    assert!(read["AwsVpcId"].as_str().unwrap().starts_with("vpc-"));

    let of_hub = net.list("ReadVpcs", json!({"hub_id": hub}), "Vpcs").await;
    assert_eq!(of_hub.len(), 2, "the transit VPC is listed too");
    let flat = net
        .list("ReadVpcs", json!({"hub_id": hub, "type": "flat"}), "Vpcs")
        .await;
    assert_eq!(ids(&flat), [id.as_str()]);
    let all = net.list("ReadVpcs", json!({}), "Vpcs").await;
    assert!(ids(&all).contains(&id.as_str()));

    // A private hosted zone needs the hub's suffix.
    let error = net
        .refused("UpdateVpc", json!({"vpc_id": id, "PhzPrefix": "web"}), 400)
        .await;
    assert!(error.contains("PhzSuffix"), "{error}");
    net.change(
        "UpdateHub",
        json!({"hub_id": hub, "PhzSuffix": "vpcs.example"}),
    )
    .await;
    let change = (
        "UpdateVpc",
        json!({"vpc_id": id, "Name": "web-2", "CreateVirtualPrivateGateway": true, "PhzPrefix": "web"}),
    );
    let reading = ("ReadVpcs", json!({"vpc_id": id}), "Vpcs");
    let (_, read) = net.walk(change, reading, "UPDATE_IN_PROGRESS").await;
    assert_eq!(
        (&read["Name"], &read["CreateVgw"], &read["VgwAsn"]),
        (&json!("web-2"), &json!(true), &json!(64512))
    );
    assert_eq!(read["PhzPrefix"], "web");
    assert!(read["PhzId"].is_string());
    assert_eq!(read["Cidr"], "10.80.8.0/21", "a VPC's block never changes");
    net.refused(
        "UpdateVpc",
        json!({"vpc_id": id, "PhzPrefix": "other"}),
        400,
    )
    .await;
    let transit = net
        .one(
            "ReadVpcs",
            json!({"hub_id": hub, "type": "TRANSIT"}),
            "Vpcs",
        )
        .await;
    let error = net
        .refused(
            "UpdateVpc",
            json!({"vpc_id": transit["Id"], "Name": "xx"}),
            400,
        )
        .await;
    assert!(error.contains("UpdateHub"), "{error}");
    let error = net
        .refused("DeleteVpc", json!({"vpc_id": transit["Id"]}), 400)
        .await;
    assert!(error.contains("DeleteHub"), "{error}");

    // Deleted: hidden by default, its block free again.
    net.delete(("DeleteVpc", "vpc_id", &id), ("ReadVpcs", "Vpcs"))
        .await;
    let (_, again) = net.vpc(&hub, &range, "web-again", "MEDIUM").await;
    assert_eq!(again.to_string(), "10.80.8.0/21");
    net.covered(&["ReadVpcs", "CreateVpc", "UpdateVpc", "DeleteVpc"]);
    net.emu.shutdown().await;
}

/// `CreateVpc` until the range is exhausted: every block lies in the range, aligned on its
/// size, overlaps no other nor the exclusions; the next creation is refused (400), as is a
/// size no range of the hub can hold.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vpcs_fill_a_range_with_distinct_blocks_until_none_is_left() {
    let net = Net::start("net-exhaust").await;
    let hub = net.hub("exhaust", "10.90.0.0/16").await;
    let range = net.range(&hub, "small", "10.91.0.0/19").await;
    let range_block: Ipv4Net = "10.91.0.0/19".parse().unwrap();
    let exclusion: Ipv4Net = "10.91.12.0/23".parse().unwrap();
    net.ok(
        "CreateCidrExclusion",
        json!({"hub_id": hub, "Name": "kept", "Cidr": exclusion.to_string()}),
    )
    .await;
    let mut blocks: Vec<Ipv4Net> = Vec::new();
    // A /19 holds eight /22s: one is the exclusion's, four go to the LARGE VPC.
    let sizes = ["SMALL", "LARGE", "SMALL", "SMALL"];
    for (i, size) in sizes.iter().enumerate() {
        let (_, block) = net.vpc(&hub, &range, &format!("vpc-{i}"), size).await;
        let expected = match *size {
            "SMALL" => 22,
            "MEDIUM" => 21,
            _ => 20,
        };
        assert_eq!(block.prefix_len(), expected, "{size}: {block}");
        assert!(
            range_block.contains(&block),
            "{block} outside {range_block}"
        );
        assert_eq!(
            block.network(),
            block.trunc().network(),
            "{block} is aligned"
        );
        assert!(
            !block.contains(&exclusion) && !exclusion.contains(&block),
            "{block} overlaps the exclusion"
        );
        blocks.push(block);
    }
    for (i, a) in blocks.iter().enumerate() {
        for b in &blocks[i + 1..] {
            assert!(!a.contains(b) && !b.contains(a), "{a} and {b} overlap");
        }
    }
    let error = net
        .refused(
            "CreateVpc",
            net.vpc_args(&hub, &range, "one-more", "SMALL").await,
            400,
        )
        .await;
    assert!(error.contains("no free /22 block"), "{error}");
    let error = net
        .refused(
            "CreateVpc",
            net.vpc_args(&hub, &range, "too-big", "LARGE").await,
            400,
        )
        .await;
    assert!(error.contains("no free /20 block"), "{error}");
    let tiny = net.range(&hub, "tiny", "10.92.0.0/22").await;
    let error = net
        .refused(
            "CreateVpc",
            net.vpc_args(&hub, &tiny, "too-big", "MEDIUM").await,
            400,
        )
        .await;
    assert!(error.contains("does not fit"), "{error}");
    // Another hub's range, a range gone, the wrong region: refused too.
    let other = net.hub("exhaust-2", "10.93.0.0/16").await;
    let foreign = net.default_range(&other).await;
    let error = net
        .refused(
            "CreateVpc",
            net.vpc_args(&hub, &foreign, "xx", "SMALL").await,
            400,
        )
        .await;
    assert!(error.contains("CidrRangeId"), "{error}");
    let mut elsewhere = net.vpc_args(&hub, &range, "xx", "SMALL").await;
    elsewhere["Region"] = json!("us-east-1");
    net.refused("CreateVpc", elsewhere, 400).await;
    net.refused(
        "CreateVpc",
        net.vpc_args(
            "00000000-0000-4000-8000-000000000000",
            &range,
            "xx",
            "SMALL",
        )
        .await,
        404,
    )
    .await;
    net.emu.shutdown().await;
}

/// What depends on something blocks its deletion with the document's 400: a hub with VPCs,
/// prefix lists or peerings; a range VPCs are allocated from (and the default range); a VPC a
/// prefix list routes to or names; a peering a prefix list routes to.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_is_used_cannot_be_deleted() {
    let net = Net::start("net-dependencies").await;
    let hub = net.hub("deps", "10.100.0.0/16").await;
    let range = net.range(&hub, "apps", "10.101.0.0/20").await;
    let (vpc, _) = net.vpc(&hub, &range, "app", "SMALL").await;

    let error = net.refused("DeleteHub", json!({"hub_id": hub}), 400).await;
    assert!(error.contains("1 VPC(s)"), "{error}");
    let error = net
        .refused("DeleteCidrRange", json!({"range_id": range}), 400)
        .await;
    assert!(error.contains("still has 1 VPC(s)"), "{error}");
    let default = net.default_range(&hub).await;
    net.refused("DeleteCidrRange", json!({"range_id": default}), 400)
        .await;

    let routed = net
        .change(
            "CreateHubPrefixList",
            json!({"hub_id": hub, "Name": "to-app", "Entries": ["192.168.0.0/24"], "MaxEntries": 5,
                   "TargetType": "VPC", "TargetId": vpc}),
        )
        .await;
    let routed = routed["Detail"]["PrefixList"]["Id"]
        .as_str()
        .unwrap()
        .to_owned();
    let error = net.refused("DeleteVpc", json!({"vpc_id": vpc}), 400).await;
    assert!(error.contains("1 prefix list(s)"), "{error}");
    net.change("DeletePrefixList", json!({"prefix_list_id": routed}))
        .await;

    let naming = net
        .change(
            "CreateVpcPrefixList",
            json!({"hub_id": hub, "Name": "in-app", "Entries": ["192.168.1.0/24"], "MaxEntries": 5, "VpcIds": [vpc]}),
        )
        .await;
    let naming = naming["Detail"]["PrefixList"]["Id"]
        .as_str()
        .unwrap()
        .to_owned();
    let error = net.refused("DeleteVpc", json!({"vpc_id": vpc}), 400).await;
    assert!(error.contains("VpcIds"), "{error}");
    net.change(
        "UpdateVpcPrefixListAssociation",
        json!({"prefix_list_id": naming, "VpcIds": []}),
    )
    .await;
    net.change("DeleteVpc", json!({"vpc_id": vpc})).await;
    net.ok("DeleteCidrRange", json!({"range_id": range})).await;

    let error = net.refused("DeleteHub", json!({"hub_id": hub}), 400).await;
    assert!(error.contains("1 prefix list(s)"), "{error}");
    net.change("DeletePrefixList", json!({"prefix_list_id": naming}))
        .await;

    let other = net.hub("deps-2", "10.110.0.0/16").await;
    let peering = net
        .change(
            "CreateHubPeering",
            json!({"networking_hub_id": other, "Name": "pp", "HubPeeringTarget": "STAX_RESOURCE",
                   "DestinationNetworkingHubId": hub}),
        )
        .await;
    let peering = peering["Detail"]["HubPeering"]["Id"]
        .as_str()
        .unwrap()
        .to_owned();
    for side in [&hub, &other] {
        let error = net.refused("DeleteHub", json!({"hub_id": side}), 400).await;
        assert!(error.contains("1 hub peering(s)"), "{error}");
    }
    let routed = net
        .change(
            "CreateHubPrefixList",
            json!({"hub_id": hub, "Name": "to-peer", "Entries": ["10.110.0.0/16"], "MaxEntries": 1,
                   "TargetType": "HUB_PEERING", "TargetId": peering}),
        )
        .await;
    let routed = routed["Detail"]["PrefixList"]["Id"]
        .as_str()
        .unwrap()
        .to_owned();
    let error = net
        .refused("DeleteHubPeering", json!({"hub_peering_id": peering}), 400)
        .await;
    assert!(error.contains("1 prefix list(s)"), "{error}");
    net.change("DeletePrefixList", json!({"prefix_list_id": routed}))
        .await;
    net.change("DeleteHubPeering", json!({"hub_peering_id": peering}))
        .await;
    net.change("DeleteHub", json!({"hub_id": hub})).await;
    net.change("DeleteHub", json!({"hub_id": other})).await;
    net.emu.shutdown().await;
}

/// Hub peerings: between two hubs of the organisation (ACTIVE once made), to a transit gateway
/// of one of its accounts (ACTIVE) or outside it (PENDING_ACCEPT); read by id, listed for all
/// and for either hub, renamed, deleted (shown deleted by default, as the document's filter
/// says). Two hubs peer once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hub_peering_is_made_read_listed_changed_and_deleted() {
    let net = Net::start("net-peerings").await;
    let source = net.hub("source", "10.120.0.0/16").await;
    let destination = net.hub("destination", "10.130.0.0/16").await;
    let answer = net
        .ok(
            "CreateHubPeering",
            json!({"networking_hub_id": source, "Name": "west-east", "HubPeeringTarget": "STAX_RESOURCE",
                   "DestinationNetworkingHubId": destination, "Tags": {"Env": "prod"}}),
        )
        .await;
    let id = answer["Detail"]["HubPeering"]["Id"]
        .as_str()
        .unwrap()
        .to_owned();
    net.during(
        &answer,
        (
            "ReadHubPeering",
            json!({"hub_peering_id": id}),
            "HubPeerings",
        ),
        "CREATE_IN_PROGRESS",
    )
    .await;
    let read = net
        .one(
            "ReadHubPeering",
            json!({"hub_peering_id": id}),
            "HubPeerings",
        )
        .await;
    assert_eq!(read["Status"], "ACTIVE");
    assert_eq!(read["SourceNetworkingHubId"], source.as_str());
    assert_eq!(read["DestinationNetworkingHubId"], destination.as_str());
    assert_eq!(read["SourceAwsRegion"], REGION);
    assert!(
        read["DestinationAwsTgwId"]
            .as_str()
            .unwrap()
            .starts_with("tgw-")
    );
    assert!(read["SourceTgwPeeringAttachmentId"].is_string());
    for hub in [&source, &destination] {
        let of_hub = net
            .list(
                "ReadHubHubPeerings",
                json!({"networking_hub_id": hub}),
                "HubPeerings",
            )
            .await;
        assert_eq!(ids(&of_hub), [id.as_str()], "either side lists it");
    }
    let all = net.list("ReadHubPeerings", json!({}), "HubPeerings").await;
    assert!(ids(&all).contains(&id.as_str()));
    let error = net
        .refused(
            "CreateHubPeering",
            json!({"networking_hub_id": destination, "Name": "again", "HubPeeringTarget": "STAX_RESOURCE",
                   "DestinationNetworkingHubId": source}),
            400,
        )
        .await;
    assert!(error.contains("already peered"), "{error}");
    net.refused(
        "CreateHubPeering",
        json!({"networking_hub_id": source, "Name": "self", "HubPeeringTarget": "STAX_RESOURCE",
               "DestinationNetworkingHubId": source}),
        400,
    )
    .await;

    let change = (
        "UpdateHubPeering",
        json!({"hub_peering_id": id, "Name": "west-east-2"}),
    );
    let reading = (
        "ReadHubPeering",
        json!({"hub_peering_id": id}),
        "HubPeerings",
    );
    let (_, read) = net.walk(change, reading, "UPDATE_IN_PROGRESS").await;
    assert_eq!(
        (&read["Name"], &read["Status"]),
        (&json!("west-east-2"), &json!("ACTIVE"))
    );

    // Transit gateways by account: one of the organisation's, or outside it.
    let (_, aws_account) = net.account().await;
    let tgw = json!({"DestinationAwsTgwId": "tgw-0123456789abcdef0", "DestinationAwsRegion": "us-east-1"});
    let to = |target: &str, account: &str| {
        let mut body = json!({"networking_hub_id": source, "Name": target, "HubPeeringTarget": target,
                              "DestinationAwsAccountId": account});
        body.as_object_mut()
            .unwrap()
            .extend(tgw.as_object().unwrap().clone());
        body
    };
    let inside = net
        .change("CreateHubPeering", to("STAX_ACCOUNT", &aws_account))
        .await;
    let inside = inside["Detail"]["HubPeering"]["Id"]
        .as_str()
        .unwrap()
        .to_owned();
    let read = net
        .one(
            "ReadHubPeering",
            json!({"hub_peering_id": inside}),
            "HubPeerings",
        )
        .await;
    assert_eq!(read["Status"], "ACTIVE");
    let error = net
        .refused("CreateHubPeering", to("STAX_ACCOUNT", "999999999999"), 400)
        .await;
    assert!(error.contains("EXTERNAL"), "{error}");
    let outside = net
        .change("CreateHubPeering", to("EXTERNAL", "999999999999"))
        .await;
    let outside = outside["Detail"]["HubPeering"]["Id"]
        .as_str()
        .unwrap()
        .to_owned();
    let read = net
        .one(
            "ReadHubPeering",
            json!({"hub_peering_id": outside}),
            "HubPeerings",
        )
        .await;
    assert_eq!(read["Status"], "PENDING_ACCEPT");
    assert!(read["DestinationTgwPeeringAttachmentId"].is_null());
    let mut partial = to("EXTERNAL", "999999999999");
    partial
        .as_object_mut()
        .unwrap()
        .remove("DestinationAwsTgwId");
    net.refused("CreateHubPeering", partial, 400).await;

    let change = ("DeleteHubPeering", json!({"hub_peering_id": id}));
    let reading = (
        "ReadHubPeering",
        json!({"hub_peering_id": id}),
        "HubPeerings",
    );
    let (_, gone) = net.walk(change, reading, "DELETE_IN_PROGRESS").await;
    assert_eq!(
        gone["Status"], "DELETED",
        "deleted peerings are listed by default"
    );
    net.change("DeleteHubPeering", json!({"hub_peering_id": outside}))
        .await;
    net.covered(&[
        "ReadHubPeerings",
        "ReadHubPeering",
        "ReadHubHubPeerings",
        "CreateHubPeering",
        "UpdateHubPeering",
        "DeleteHubPeering",
    ]);
    net.emu.shutdown().await;
}

/// Prefix lists: a HUB list routed to a VPC of its hub and a VPC list in its hub's VPCs, read
/// by id and listed (all, by hub), their entries, room, target and associations changed (each
/// association operation only for its type), deleted and then still listed as deleted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prefix_lists_and_their_associations_are_made_changed_and_deleted() {
    let net = Net::start("net-lists").await;
    let hub = net.hub("lists", "10.140.0.0/16").await;
    let range = net.default_range(&hub).await;
    let (vpc, _) = net.vpc(&hub, &range, "target", "SMALL").await;
    let answer = net
        .ok(
            "CreateHubPrefixList",
            json!({"hub_id": hub, "Name": "on-prem", "Entries": ["192.168.0.0/24", "192.168.8.0/21"],
                   "MaxEntries": 3, "TargetType": "VPC", "TargetId": vpc,
                   "RouteTableTypes": ["FLAT"], "Zones": ["apps"]}),
        )
        .await;
    assert_eq!(
        answer["Detail"]["Operation"],
        "networking:CreateHubPrefixList"
    );
    let id = answer["Detail"]["PrefixList"]["Id"]
        .as_str()
        .unwrap()
        .to_owned();
    net.during(
        &answer,
        (
            "ReadPrefixList",
            json!({"prefix_list_id": id}),
            "PrefixLists",
        ),
        "CREATE_IN_PROGRESS",
    )
    .await;
    let read = net
        .one(
            "ReadPrefixList",
            json!({"prefix_list_id": id}),
            "PrefixLists",
        )
        .await;
    assert_eq!(read["Status"], "ACTIVE");
    assert_eq!(read["PrefixListType"], "HUB");
    assert_eq!(read["Entries"], json!(["192.168.0.0/24", "192.168.8.0/21"]));
    assert_eq!(
        (&read["TargetType"], &read["TargetId"]),
        (&json!("VPC"), &json!(vpc))
    );
    assert!(read["AwsPrefixListId"].as_str().unwrap().starts_with("pl-"));
    assert!(read["AwsTargetId"].as_str().unwrap().starts_with("vpc-"));
    let of_hub = net
        .list("ReadHubPrefixLists", json!({"hub_id": hub}), "PrefixLists")
        .await;
    assert_eq!(ids(&of_hub), [id.as_str()]);
    let all = net.list("ReadPrefixLists", json!({}), "PrefixLists").await;
    assert!(ids(&all).contains(&id.as_str()));

    // Entries and room: what is not given is kept; the room never drops below the entries.
    let error = net
        .refused(
            "UpdatePrefixList",
            json!({"prefix_list_id": id, "Entries": ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"]}),
            400,
        )
        .await;
    assert!(error.contains("MaxEntries"), "{error}");
    net.refused(
        "UpdatePrefixList",
        json!({"prefix_list_id": id, "MaxEntries": 1}),
        400,
    )
    .await;
    net.refused(
        "UpdatePrefixList",
        json!({"prefix_list_id": id, "Entries": ["192.168.0.1/24"]}),
        400,
    )
    .await;
    let change = (
        "UpdatePrefixList",
        json!({"prefix_list_id": id, "Name": "on-prem-2", "MaxEntries": 10, "TargetType": "BLACKHOLE"}),
    );
    let reading = (
        "ReadPrefixList",
        json!({"prefix_list_id": id}),
        "PrefixLists",
    );
    let (_, read) = net.walk(change, reading, "UPDATE_IN_PROGRESS").await;
    assert_eq!(
        (&read["Name"], &read["MaxEntries"]),
        (&json!("on-prem-2"), &json!(10))
    );
    assert_eq!(read["Entries"].as_array().unwrap().len(), 2);
    assert_eq!(
        (&read["TargetType"], &read["TargetId"]),
        (&json!("BLACKHOLE"), &Value::Null)
    );
    net.refused(
        "UpdatePrefixList",
        json!({"prefix_list_id": id, "TargetType": "VPC", "TargetId": "00000000-0000-4000-8000-000000000000"}),
        400,
    )
    .await;

    // Associations, each for its own type.
    net.change(
        "UpdateHubPrefixListAssociation",
        json!({"prefix_list_id": id, "RouteTableTypes": ["FLAT", "ISOLATED"], "Zones": ["apps", "data"]}),
    )
    .await;
    let read = net
        .one(
            "ReadPrefixList",
            json!({"prefix_list_id": id}),
            "PrefixLists",
        )
        .await;
    assert_eq!(read["RouteTableTypes"], json!(["FLAT", "ISOLATED"]));
    assert_eq!(read["Zones"], json!(["apps", "data"]));
    let error = net
        .refused(
            "UpdateVpcPrefixListAssociation",
            json!({"prefix_list_id": id, "Zones": ["x"]}),
            400,
        )
        .await;
    assert!(error.contains("UpdateHubPrefixListAssociation"), "{error}");

    let vpc_list = net
        .change(
            "CreateVpcPrefixList",
            json!({"hub_id": hub, "Name": "shared", "Entries": ["172.16.0.0/12"], "MaxEntries": 2,
                   "VpcIds": [vpc], "SubnetTypes": ["PRIVATE"]}),
        )
        .await;
    let vpc_list = vpc_list["Detail"]["PrefixList"]["Id"]
        .as_str()
        .unwrap()
        .to_owned();
    let read = net
        .one(
            "ReadPrefixList",
            json!({"prefix_list_id": vpc_list}),
            "PrefixLists",
        )
        .await;
    assert_eq!(
        (&read["PrefixListType"], &read["VpcIds"]),
        (&json!("VPC"), &json!([vpc]))
    );
    assert!(read["TargetType"].is_null());
    net.change(
        "UpdateVpcPrefixListAssociation",
        json!({"prefix_list_id": vpc_list, "VpcTypes": ["FLAT"], "SubnetTypes": ["PRIVATE", "PUBLIC"]}),
    )
    .await;
    let read = net
        .one(
            "ReadPrefixList",
            json!({"prefix_list_id": vpc_list}),
            "PrefixLists",
        )
        .await;
    assert_eq!(read["SubnetTypes"], json!(["PRIVATE", "PUBLIC"]));
    assert_eq!(read["VpcIds"], json!([vpc]), "what is not given stays");
    net.refused(
        "UpdateHubPrefixListAssociation",
        json!({"prefix_list_id": vpc_list, "Zones": ["x"]}),
        400,
    )
    .await;
    net.refused(
        "UpdatePrefixList",
        json!({"prefix_list_id": vpc_list, "TargetType": "BLACKHOLE"}),
        400,
    )
    .await;
    net.refused(
        "CreateVpcPrefixList",
        json!({"hub_id": hub, "Name": "xx", "Entries": [], "MaxEntries": 1,
               "VpcIds": ["00000000-0000-4000-8000-000000000000"]}),
        400,
    )
    .await;
    net.refused(
        "CreateHubPrefixList",
        json!({"hub_id": hub, "Name": "xx", "Entries": [], "MaxEntries": 1001, "TargetType": "BLACKHOLE"}),
        400,
    )
    .await;
    net.refused(
        "CreateHubPrefixList",
        json!({"hub_id": hub, "Name": "xx", "Entries": [], "MaxEntries": 1, "TargetType": "VPN"}),
        400,
    )
    .await;

    let change = ("DeletePrefixList", json!({"prefix_list_id": id}));
    let reading = (
        "ReadPrefixList",
        json!({"prefix_list_id": id}),
        "PrefixLists",
    );
    let (_, gone) = net.walk(change, reading, "DELETE_IN_PROGRESS").await;
    assert_eq!(
        gone["Status"], "DELETED",
        "deleted lists are listed by default"
    );
    net.refused(
        "UpdatePrefixList",
        json!({"prefix_list_id": id, "Name": "xx"}),
        404,
    )
    .await;
    net.covered(&[
        "ReadPrefixLists",
        "ReadPrefixList",
        "ReadHubPrefixLists",
        "CreateHubPrefixList",
        "CreateVpcPrefixList",
        "UpdatePrefixList",
        "UpdateHubPrefixListAssociation",
        "UpdateVpcPrefixListAssociation",
        "DeletePrefixList",
    ]);
    net.emu.shutdown().await;
}

/// Networking changes need an admin role; reads are open to every role.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_need_an_admin_and_reads_do_not() {
    let net = Net::start("net-roles").await;
    let token = net
        .client
        .call(
            "teams",
            "CreateApiToken",
            json!({"Name": "net-reader", "Role": "api_readonly"}),
        )
        .await
        .unwrap();
    let token = &token["ApiTokens"][0];
    let reader = StaxClient::new(
        common::builder(&net.emu, "net-roles-reader")
            .access_key(token["AccessKey"].as_str().unwrap())
            .secret_key(token["SecretKey"].as_str().unwrap())
            .build()
            .unwrap(),
    )
    .unwrap();
    let (status, _) = net
        .send_as(&reader, "networking", "ReadHubs", json!({}))
        .await;
    assert_eq!(status, 200);
    let (account, _) = net.account().await;
    let (status, body) = net
        .send_as(
            &reader,
            "networking",
            "CreateHub",
            json!({"Name": "no", "AccountId": account, "Region": REGION, "Cidr": "10.0.0.0/16",
                   "CreateNatGateway": false, "CreateInternetGateway": false}),
        )
        .await;
    assert_eq!(status, 403, "{body}");
    net.emu.shutdown().await;
}

/// The demo seed's networking: a hub with its exclusion, a second range and two VPCs, a second
/// hub peered with it, and a prefix list of each type, all ACTIVE, made by the API's rules.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_has_a_hub_with_vpcs_a_peering_and_prefix_lists() {
    let net = Net::start("net-demo").await;
    let hubs = net.list("ReadHubs", json!({}), "Hubs").await;
    let names: Vec<&str> = hubs.iter().map(|h| h["Name"].as_str().unwrap()).collect();
    assert_eq!(names, ["core", "edge"]);
    assert!(hubs.iter().all(|h| h["Status"] == "ACTIVE"));
    let core = hubs[0]["Id"].as_str().unwrap();
    let ranges = net
        .list("ReadCidrRanges", json!({"hub_id": core}), "Ranges")
        .await;
    let blocks: Vec<&str> = ranges.iter().map(|r| r["Cidr"].as_str().unwrap()).collect();
    assert_eq!(blocks, ["10.0.0.0/16", "10.1.0.0/16"]);
    let exclusions = net
        .list("ReadCidrExclusions", json!({"hub_id": core}), "Exclusions")
        .await;
    assert_eq!(exclusions[0]["Cidr"], "10.0.128.0/17");
    let vpcs = net.list("ReadVpcs", json!({"hub_id": core}), "Vpcs").await;
    let vpcs: Vec<(&str, &str, &str)> = vpcs
        .iter()
        .map(|v| {
            (
                v["Name"].as_str().unwrap(),
                v["Type"].as_str().unwrap(),
                v["Cidr"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        vpcs,
        [
            ("core transit", "TRANSIT", "10.0.0.0/22"),
            ("bakery-prod", "FLAT", "10.1.0.0/22"),
            ("shared-services", "SHAREDSERVICES", "10.1.8.0/21"),
        ]
    );
    let peerings = net.list("ReadHubPeerings", json!({}), "HubPeerings").await;
    assert_eq!(peerings.len(), 1);
    assert_eq!(peerings[0]["Status"], "ACTIVE");
    let lists = net
        .list("ReadHubPrefixLists", json!({"hub_id": core}), "PrefixLists")
        .await;
    let types: Vec<&str> = lists
        .iter()
        .map(|l| l["PrefixListType"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["HUB", "VPC"]);
    assert_eq!(lists[0]["TargetId"], peerings[0]["Id"]);
    // What joins the core hub to the world: one of each, ACTIVE.
    for (operation, key) in [
        ("ReadDnsResolvers", "DnsResolvers"),
        ("ReadDxGateways", "DxGateways"),
        ("ReadDxAssociations", "DxAssociations"),
        ("ReadVpnCustomerGateways", "VpnCustomerGateways"),
        ("ReadVpnConnections", "VpnConnections"),
    ] {
        let records = net.list(operation, json!({"hub_id": core}), key).await;
        assert_eq!(records.len(), 1, "{operation}: {records:?}");
        assert_eq!(records[0]["Status"], "ACTIVE", "{operation}");
    }
    let resolver = net
        .one("ReadDnsResolvers", json!({"hub_id": core}), "DnsResolvers")
        .await;
    let rules = net
        .list(
            "ReadDnsRules",
            json!({"dns_resolver_id": resolver["Id"]}),
            "DnsRules",
        )
        .await;
    assert_eq!(rules[0]["DomainName"], "corp.example.com");
    assert_eq!(net.list("ReadDxVifs", json!({}), "DxVifs").await.len(), 1);
    // The demo's changes are finished tasks.
    let task = net
        .client
        .call(
            "tasks",
            "ReadTask",
            json!({"task_id": hubs[0]["UserTaskId"]}),
        )
        .await
        .unwrap();
    assert_eq!(task["Status"], "SUCCEEDED");
    net.emu.shutdown().await;
}
