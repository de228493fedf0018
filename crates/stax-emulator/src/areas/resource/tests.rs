//! The framework on kinds of its own, shaped like networking's: hubs, CIDR ranges under a
//! hub, and VPCs under a hub naming a range. Each test drives the generic handlers with
//! calls as the request path makes them, on a store in memory.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};

use super::*;
use crate::areas::api::{Context, Operation};
use crate::install::Installation;
use crate::roles::{Allowed, Caller, Role};
use crate::store::Store;
use crate::store::kinds::{Kind, Listing, OnDelete, Paging, Ref};
use crate::store::query::Filter;
use crate::store::tasks;

const HUB: &Kind = &Kind {
    name: "test_hub",
    what: "Hub",
    plural: "Hubs",
    param: "hub_id",
    ..Kind::DEFAULT
};

const RANGE: &Kind = &Kind {
    name: "test_range",
    what: "CIDR range",
    plural: "CidrRanges",
    param: "range_id",
    parent: Some(Ref {
        field: "NetworkingHubId",
        kind: HUB,
        on_delete: OnDelete::Refuse,
    }),
    ..Kind::DEFAULT
};

const VPC: &Kind = &Kind {
    name: "test_vpc",
    what: "VPC",
    plural: "Vpcs",
    param: "vpc_id",
    parent: Some(Ref {
        field: "NetworkingHubId",
        kind: HUB,
        on_delete: OnDelete::Refuse,
    }),
    refs: &[Ref {
        field: "CidrRangeId",
        kind: RANGE,
        on_delete: OnDelete::Fail,
    }],
    listing: Listing {
        paging: Paging::Offset,
        ..Listing::DEFAULT
    },
    ..Kind::DEFAULT
};

/// The kinds of these tests, in the registry of every kind while testing.
pub(crate) const KINDS: &[&Kind] = &[HUB, RANGE, VPC];

struct Hubs;

impl Resource for Hubs {
    const KIND: &'static Kind = HUB;
}

struct Ranges;

impl Resource for Ranges {
    const KIND: &'static Kind = RANGE;
}

struct Vpcs;

impl Resource for Vpcs {
    const KIND: &'static Kind = VPC;

    fn filters(call: &Call<'_>, _db: &Db<'_>, query: &mut Query<'_>) -> ApiResult<()> {
        if let Some(kind) = call.query.get("type") {
            query
                .filters
                .push(Filter::eq("Type", &kind.to_ascii_uppercase()));
        }
        Ok(())
    }

    fn create(change: &mut Change<'_>) -> ApiResult<()> {
        change.take(&["Name", "Type", "CidrRangeId"]);
        let hub = change.parent.as_ref().map(|h| text(h, "Id")).unwrap_or("");
        let range = change
            .db
            .get(RANGE, text(change.body, "CidrRangeId"))?
            .filter(|r| text(r, "NetworkingHubId") == hub);
        if range.is_none() {
            return Err(crate::protocol::ApiError::bad_request(
                "CidrRangeId: no such range in this hub",
            ));
        }
        Ok(())
    }

    fn answer(done: &Done<'_>) -> ApiResult<Value> {
        Ok(done.event(json!({"Vpc": {"Id": done.id()}})))
    }
}

const KEY: &str = "0b1d2c3e-0000-4000-8000-00000000000a";

fn context() -> Context {
    Context {
        store: Arc::new(Store::open(None).unwrap()),
        install: Installation {
            installation: "au1".into(),
            aws_region: "ap-southeast-2".into(),
            user_pool_id: "pool".into(),
            client_id: "client".into(),
            identity_pool_id: "identities".into(),
            organisation_id: "org-a".into(),
        },
        endpoint: "http://127.0.0.1".into(),
        task_delay: Duration::ZERO,
        documents: HashMap::new(),
    }
}

/// Name-value pairs, as a path's parameters or a query.
type Pairs<'a> = &'a [(&'a str, &'a str)];

/// A call of `op` by an admin token of `org`.
fn call<'a>(
    ctx: &'a Context,
    op: &'a Operation,
    org: &str,
    (params, query, body): (Pairs<'_>, Pairs<'_>, Value),
) -> Call<'a> {
    let pairs: Vec<(String, String)> = query
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    Call {
        ctx,
        op,
        params: params
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
        query: pairs.iter().cloned().collect(),
        pairs,
        body: body.to_string().into(),
        caller: Some(Caller {
            access_key: KEY.into(),
            role: Some(Role::ApiAdmin),
            organisation: org.into(),
        }),
    }
}

fn op(id: &'static str, method: &'static str, path: &'static str) -> Operation {
    Operation::new(id, method, path, Allowed::ADMIN, read::<Hubs>)
}

fn status(err: ApiResult<Value>) -> u16 {
    err.expect_err("an error").status.as_u16()
}

/// Makes a hub, a range in it and a VPC in that range (their tasks ended); their ids.
fn estate(ctx: &Context) -> (String, String, String) {
    let create_hub = op("net.CreateHub", "post", "/v/hubs");
    let hub = create::<Hubs>(&call(
        ctx,
        &create_hub,
        "org-a",
        (&[], &[], json!({"Name": "hub"})),
    ))
    .unwrap();
    // A task's answer names the record by id under the kind's name.
    let hub_id = hub["Detail"]["Hub"]["Id"].as_str().unwrap().to_owned();
    let create_range = op("net.CreateCidrRange", "post", "/v/hubs/{hub_id}/ranges");
    let params = [("hub_id", hub_id.as_str())];
    let range = create::<Ranges>(&call(
        ctx,
        &create_range,
        "org-a",
        (&params, &[], json!({"Cidr": "10.0.0.0/16"})),
    ))
    .unwrap();
    let range_id = range["Detail"]["CIDRRange"]["Id"]
        .as_str()
        .unwrap()
        .to_owned();
    let create_vpc = op("net.CreateVpc", "post", "/v/hubs/{hub_id}/vpcs");
    let body = json!({"Name": "vpc", "Type": "ISOLATED", "CidrRangeId": range_id});
    let vpc = create::<Vpcs>(&call(ctx, &create_vpc, "org-a", (&params, &[], body))).unwrap();
    assert_eq!(vpc["Detail"]["OperationStatus"], "STARTED");
    assert_eq!(vpc["DetailType"], "net:CreateVpc");
    let vpc_id = vpc["Detail"]["Vpc"]["Id"].as_str().unwrap().to_owned();
    tasks::advance(&ctx.store).unwrap();
    (hub_id, range_id, vpc_id)
}

#[test]
fn creations_stamp_their_records_and_walk_to_their_final_status() {
    let ctx = context();
    let (hub_id, range_id, vpc_id) = estate(&ctx);
    let read_vpc = op("net.ReadVpcs", "get", "/v/vpcs/{vpc_id}");
    let params = [("vpc_id", vpc_id.as_str())];
    let answer = read::<Vpcs>(&call(&ctx, &read_vpc, "org-a", (&params, &[], json!({})))).unwrap();
    let vpc = &answer["Vpcs"][0];
    assert_eq!(vpc["Status"], "ACTIVE");
    assert_eq!(vpc["NetworkingHubId"], hub_id.as_str());
    assert_eq!(vpc["CidrRangeId"], range_id.as_str());
    assert_eq!(vpc["OrganisationId"], "org-a");
    assert_eq!(vpc["CreatedBy"], KEY);
    assert!(vpc["UserTaskId"].is_string() && vpc["CreatedTS"].is_string());

    // The parent is named by the path (404) or it must exist (400 from the rules).
    let create_vpc = op("net.CreateVpc", "post", "/v/hubs/{hub_id}/vpcs");
    let unknown = [("hub_id", "0b1d2c3e-0000-4000-8000-0000000000ff")];
    let body = json!({"Name": "x", "CidrRangeId": range_id});
    assert_eq!(
        status(create::<Vpcs>(&call(
            &ctx,
            &create_vpc,
            "org-a",
            (&unknown, &[], body)
        ))),
        404
    );
    let hub = [("hub_id", hub_id.as_str())];
    let body = json!({"Name": "x", "CidrRangeId": hub_id});
    assert_eq!(
        status(create::<Vpcs>(&call(
            &ctx,
            &create_vpc,
            "org-a",
            (&hub, &[], body)
        ))),
        400
    );
}

#[test]
fn lists_follow_the_path_the_filters_and_the_page() {
    let ctx = context();
    let (hub_id, range_id, _) = estate(&ctx);
    let create_vpc = op("net.CreateVpc", "post", "/v/hubs/{hub_id}/vpcs");
    let hub = [("hub_id", hub_id.as_str())];
    for (name, kind) in [("b", "FLAT"), ("a", "FLAT")] {
        let body = json!({"Name": name, "Type": kind, "CidrRangeId": range_id});
        create::<Vpcs>(&call(&ctx, &create_vpc, "org-a", (&hub, &[], body))).unwrap();
    }
    let under_hub = op("net.ReadVpcs", "get", "/v/hubs/{hub_id}/vpcs");
    let list = |params: &[(&str, &str)], query: &[(&str, &str)]| {
        read::<Vpcs>(&call(&ctx, &under_hub, "org-a", (params, query, json!({}))))
    };
    let all = list(&hub, &[]).unwrap();
    assert_eq!(all["Vpcs"].as_array().unwrap().len(), 3);
    assert!(all.get("Paging").is_none());
    let flat = list(
        &hub,
        &[("type", "flat"), ("sort", "Name"), ("sort_order", "ASC")],
    )
    .unwrap();
    let names: Vec<&str> = flat["Vpcs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["Name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["a", "b"]);
    let page = list(&hub, &[("offset", "1"), ("limit", "1")]).unwrap();
    assert_eq!(page["Vpcs"].as_array().unwrap().len(), 1);
    assert_eq!(
        page["Paging"],
        json!({"Total": 3, "NextOffset": 2, "PrevOffset": 0})
    );
    let running = list(&hub, &[("status", "CREATE_IN_PROGRESS")]).unwrap();
    assert_eq!(running["Vpcs"].as_array().unwrap().len(), 2);
    let unknown = [("hub_id", "0b1d2c3e-0000-4000-8000-0000000000ff")];
    assert_eq!(status(list(&unknown, &[])), 404);
    assert_eq!(status(list(&[("hub_id", "not-a-uuid")], &[])), 400);
}

#[test]
fn changes_are_tasks_that_land_when_they_end() {
    let ctx = context();
    let (hub_id, _, vpc_id) = estate(&ctx);
    let update_vpc = op("net.UpdateVpc", "put", "/v/vpcs/{vpc_id}");
    let params = [("vpc_id", vpc_id.as_str())];
    let body = json!({"Name": "renamed"});
    update::<Vpcs>(&call(
        &ctx,
        &update_vpc,
        "org-a",
        (&params, &[], body.clone()),
    ))
    .unwrap();
    let read_vpc = op("net.ReadVpcs", "get", "/v/vpcs/{vpc_id}");
    let current = || {
        read::<Vpcs>(&call(&ctx, &read_vpc, "org-a", (&params, &[], json!({})))).unwrap()["Vpcs"][0]
            .clone()
    };
    assert_eq!(current()["Status"], "UPDATE_IN_PROGRESS");
    assert_eq!(current()["Name"], "vpc");
    // Another change waits for this one's task (409).
    assert_eq!(
        status(update::<Vpcs>(&call(
            &ctx,
            &update_vpc,
            "org-a",
            (&params, &[], body)
        ))),
        409
    );
    tasks::advance(&ctx.store).unwrap();
    assert_eq!(current()["Status"], "ACTIVE");
    assert_eq!(current()["Name"], "renamed");

    // Read under the wrong hub: 404.
    let under = op("net.ReadVpc", "get", "/v/hubs/{hub_id}/vpcs/{vpc_id}");
    let other = [
        ("hub_id", "0b1d2c3e-0000-4000-8000-0000000000ff"),
        ("vpc_id", vpc_id.as_str()),
    ];
    assert_eq!(
        status(read::<Vpcs>(&call(
            &ctx,
            &under,
            "org-a",
            (&other, &[], json!({}))
        ))),
        404
    );
    let right = [("hub_id", hub_id.as_str()), ("vpc_id", vpc_id.as_str())];
    read::<Vpcs>(&call(&ctx, &under, "org-a", (&right, &[], json!({})))).unwrap();
}

#[test]
fn what_still_names_a_record_refuses_or_fails_its_deletion() {
    let ctx = context();
    let (hub_id, range_id, vpc_id) = estate(&ctx);
    let delete_hub = op("net.DeleteHub", "delete", "/v/hubs/{hub_id}");
    let hub = [("hub_id", hub_id.as_str())];
    let refused = delete::<Hubs>(&call(&ctx, &delete_hub, "org-a", (&hub, &[], json!({}))));
    let err = refused.expect_err("a hub with a VPC stays");
    assert_eq!(err.status, 400);
    assert!(
        err.error.contains("still has 1 CIDR range(s) and 1 VPC(s)"),
        "{}",
        err.error
    );

    // A range still named by a VPC: its deletion's task fails.
    let delete_range = op("net.DeleteCidrRange", "delete", "/v/ranges/{range_id}");
    let range = [("range_id", range_id.as_str())];
    let answer = delete::<Ranges>(&call(
        &ctx,
        &delete_range,
        "org-a",
        (&range, &[], json!({})),
    ))
    .unwrap();
    let task_id = answer["Detail"]["TaskId"].as_str().unwrap().to_owned();
    tasks::advance(&ctx.store).unwrap();
    let task = ctx
        .store
        .read(|tx| tx.org("org-a").task(&task_id))
        .unwrap()
        .unwrap();
    assert_eq!(task.outcome, "FAILED");
    let logs = task.logs.join(" ");
    assert!(
        logs.contains("CIDR range") && logs.contains("still holds 1 VPC(s)"),
        "{logs}"
    );
    let read_range = op("net.ReadCidrRanges", "get", "/v/ranges/{range_id}");
    let shown =
        read::<Ranges>(&call(&ctx, &read_range, "org-a", (&range, &[], json!({})))).unwrap();
    assert_eq!(shown["CidrRanges"][0]["Status"], "DELETE_FAILED");

    // Once the VPC is gone, the range goes, and then the hub.
    let delete_vpc = op("net.DeleteVpc", "delete", "/v/vpcs/{vpc_id}");
    let vpc = [("vpc_id", vpc_id.as_str())];
    delete::<Vpcs>(&call(&ctx, &delete_vpc, "org-a", (&vpc, &[], json!({})))).unwrap();
    tasks::advance(&ctx.store).unwrap();
    delete::<Ranges>(&call(
        &ctx,
        &delete_range,
        "org-a",
        (&range, &[], json!({})),
    ))
    .unwrap();
    tasks::advance(&ctx.store).unwrap();
    delete::<Hubs>(&call(&ctx, &delete_hub, "org-a", (&hub, &[], json!({})))).unwrap();
    tasks::advance(&ctx.store).unwrap();
    let read_hub = op("net.ReadHubs", "get", "/v/hubs/{hub_id}");
    assert_eq!(
        status(read::<Hubs>(&call(
            &ctx,
            &read_hub,
            "org-a",
            (&hub, &[], json!({}))
        ))),
        404,
        "a deleted hub is gone"
    );
}

#[test]
fn another_organisations_records_are_not_found() {
    let ctx = context();
    let (hub_id, _, vpc_id) = estate(&ctx);
    let read_vpc = op("net.ReadVpcs", "get", "/v/vpcs/{vpc_id}");
    let params = [("vpc_id", vpc_id.as_str())];
    let theirs = read::<Vpcs>(&call(&ctx, &read_vpc, "org-b", (&params, &[], json!({}))));
    assert_eq!(status(theirs), 404);
    let all = op("net.ReadVpcs", "get", "/v/vpcs");
    let listed = read::<Vpcs>(&call(&ctx, &all, "org-b", (&[], &[], json!({})))).unwrap();
    assert_eq!(listed, json!({"Vpcs": []}));
    let delete_hub = op("net.DeleteHub", "delete", "/v/hubs/{hub_id}");
    let hub = [("hub_id", hub_id.as_str())];
    assert_eq!(
        status(delete::<Hubs>(&call(
            &ctx,
            &delete_hub,
            "org-b",
            (&hub, &[], json!({}))
        ))),
        404
    );
    let create_vpc = op("net.CreateVpc", "post", "/v/hubs/{hub_id}/vpcs");
    let body = json!({"Name": "x"});
    assert_eq!(
        status(create::<Vpcs>(&call(
            &ctx,
            &create_vpc,
            "org-b",
            (&hub, &[], body)
        ))),
        404,
        "a parent of another organisation is unknown"
    );
}
