//! Hub peerings: a transit gateway peering from a hub to another hub of the organisation
//! (`STAX_RESOURCE`, refused when any range of one overlaps any range of the other), to a
//! transit gateway in one of the organisation's accounts (`STAX_ACCOUNT`), or to one outside
//! (`EXTERNAL`, which waits in `PENDING_ACCEPT` for its owner). Two hubs peer once.

use serde_json::{Map, Value, json};

use super::blueprint::{Blueprint, status as status_only};
use super::doc as d;
use super::hubs::{HUB, live_hub, space};
use super::space::check_peering;
use super::wire::{self, ENDED, WALK, bad, ensure_active, listing, or};
use crate::areas::api::Call;
use crate::areas::doc::{path_param, r};
use crate::areas::resource::{self, Change, Done, Resource};
use crate::areas::rules::{find, text};
use crate::areas::{Area, Operation};
use crate::protocol::{ApiError, ApiResult};
use crate::roles::Allowed;
use crate::store::Db;
use crate::store::kinds::{ACCOUNT, Failed, Kind, OnDelete, Ref, Shows, Step, Walk, status};
use crate::store::query::{Filter, Query};

/// Every status of a peering, all of which its lists show by default.
const STATUSES: [&str; 8] = [
    "ACTIVE",
    "CREATE_IN_PROGRESS",
    "CREATE_FAILED",
    "PENDING_ACCEPT",
    "DELETE_IN_PROGRESS",
    "DELETED",
    "DELETE_FAILED",
    "UPDATE_IN_PROGRESS",
];

/// Hub peerings.
pub(crate) const HUB_PEERING: &Kind = &Kind {
    name: "networking_hub_peering",
    what: "Hub peering",
    plural: "HubPeerings",
    param: "hub_peering_id",
    refs: &[
        Ref {
            field: "SourceNetworkingHubId",
            kind: HUB,
            on_delete: OnDelete::Refuse,
        },
        Ref {
            field: "DestinationNetworkingHubId",
            kind: HUB,
            on_delete: OnDelete::Refuse,
        },
    ],
    // A creation ends ACTIVE, or PENDING_ACCEPT for a transit gateway outside Stax: the
    // creation's rules say which.
    walk: Walk {
        create: Step {
            done: None,
            ..Step::task("CREATE_IN_PROGRESS", "ACTIVE", Failed::To("CREATE_FAILED"))
        },
        ..WALK
    },
    ended: ENDED,
    listing: listing(Shows::All),
    ..Kind::DEFAULT
};

pub(super) const GROUP: Area = Area {
    operations,
    schemas,
    kinds: &[HUB_PEERING],
};

/// The destination fields a peering to a transit gateway (rather than a hub) must give.
const DESTINATION: [&str; 3] = [
    "DestinationAwsAccountId",
    "DestinationAwsTgwId",
    "DestinationAwsRegion",
];

/// The AWS id of the transit gateway of the hub `hub`.
fn tgw_id(hub: &str) -> String {
    wire::aws_id("tgw-", hub)
}

/// The live peering between the hubs `a` and `b`, either way, if any.
fn peered(db: &Db<'_>, a: &str, b: &str) -> ApiResult<Option<String>> {
    for (source, destination) in [(a, b), (b, a)] {
        let query = Query::of(HUB_PEERING.name)
            .filter(Filter::eq("SourceNetworkingHubId", source))
            .filter(Filter::eq("DestinationNetworkingHubId", destination))
            .filter(Filter::not_in("Status", HUB_PEERING.ended));
        if let Some(id) = db.select_ids(&query)?.into_iter().next() {
            return Ok(Some(id));
        }
    }
    Ok(None)
}

/// The AWS account id of the organisation's account `id`.
fn aws_account_of(db: &Db<'_>, id: &str) -> ApiResult<Value> {
    Ok(db
        .get(ACCOUNT, id)?
        .map_or(Value::Null, |a| a["AwsAccountId"].clone()))
}

/// A new peering from the hub `source`, as `CreateHubPeering`'s body asks for it, with the
/// id `id`. Refuses (400) a source hub that is not active; for `STAX_RESOURCE` a missing,
/// unknown, inactive or same destination hub, hubs whose ranges overlap and hubs already
/// peered; for the others, a destination transit gateway not fully named, and for
/// `STAX_ACCOUNT` an AWS account that is none of the organisation's.
pub(super) fn peering_blueprint(
    db: &Db<'_>,
    source: &Value,
    id: &str,
    body: &Value,
) -> ApiResult<Blueprint> {
    ensure_active(HUB, source)?;
    let source_id = text(source, "Id");
    let target = text(body, "HubPeeringTarget");
    let given = |key: &str| body.get(key).filter(|v| !v.is_null());
    let mut fields = Map::new();
    let attachment = wire::aws_id("tgw-attach-", id);
    let mut done = status_only("ACTIVE");
    done.insert("SourceTgwPeeringAttachmentId".into(), json!(attachment));
    done.insert(
        "DestinationTgwPeeringAttachmentId".into(),
        json!(attachment),
    );
    if target == "STAX_RESOURCE" {
        if let Some(key) = DESTINATION.iter().find(|key| given(key).is_some()) {
            return Err(ApiError::bad_request(format!(
                "{key}: a STAX_RESOURCE peering takes its destination from DestinationNetworkingHubId; leave {key} out"
            )));
        }
        let Some(destination) = given("DestinationNetworkingHubId").and_then(Value::as_str) else {
            return Err(ApiError::bad_request(
                "DestinationNetworkingHubId: a STAX_RESOURCE peering names the hub it peers with",
            ));
        };
        let destination = live_hub(db, ("DestinationNetworkingHubId", destination))?;
        ensure_active(HUB, &destination)?;
        let destination_id = text(&destination, "Id");
        if destination_id == source_id {
            return Err(ApiError::bad_request(
                "DestinationNetworkingHubId: a hub cannot peer with itself",
            ));
        }
        if let Some(other) = peered(db, source_id, destination_id)? {
            return Err(ApiError::bad_request(format!(
                "networking hubs {source_id} and {destination_id} are already peered (hub peering {other})"
            )));
        }
        let ranges = |hub: &str| space(db, hub).map(|s| s.range_blocks());
        check_peering(&ranges(source_id)?, &ranges(destination_id)?).map_err(bad)?;
        for (key, value) in [
            ("DestinationNetworkingHubId", json!(destination_id)),
            (
                "DestinationAwsAccountId",
                aws_account_of(db, text(&destination, "AccountId"))?,
            ),
            ("DestinationAwsTgwId", json!(tgw_id(destination_id))),
            ("DestinationAwsRegion", destination["Region"].clone()),
        ] {
            fields.insert(key.into(), value);
        }
    } else {
        if given("DestinationNetworkingHubId").is_some() {
            return Err(ApiError::bad_request(format!(
                "DestinationNetworkingHubId: a {target} peering reaches a transit gateway by its AWS account, id and region; leave the hub out"
            )));
        }
        for key in DESTINATION {
            let value = given(key).ok_or_else(|| {
                ApiError::bad_request(format!(
                    "{key}: a {target} peering names the transit gateway it peers with ({})",
                    DESTINATION.join(", ")
                ))
            })?;
            fields.insert(key.into(), value.clone());
        }
        fields.insert("DestinationNetworkingHubId".into(), Value::Null);
        let account = text(body, "DestinationAwsAccountId");
        if target == "STAX_ACCOUNT" {
            let query = Query::of(ACCOUNT.name)
                .filter(Filter::eq("AwsAccountId", account))
                .filter(Filter::not_in("Status", &["CLOSED"]));
            if db.select_ids(&query)?.is_empty() {
                return Err(ApiError::bad_request(format!(
                    "DestinationAwsAccountId: {account} is none of the organisation's AWS accounts (use EXTERNAL for a transit gateway outside it)"
                )));
            }
        } else {
            // Its owner accepts it outside Stax; until then only Stax's side exists.
            done = status_only("PENDING_ACCEPT");
            done.insert("SourceTgwPeeringAttachmentId".into(), json!(attachment));
        }
    }
    for (key, value) in [
        ("Name", json!(text(body, "Name"))),
        ("HubPeeringTarget", json!(target)),
        ("ExternalResource", json!(false)),
        ("SourceNetworkingHubId", json!(source_id)),
        (
            "SourceAwsAccountId",
            aws_account_of(db, text(source, "AccountId"))?,
        ),
        ("SourceAwsTgwId", json!(tgw_id(source_id))),
        ("SourceAwsRegion", source["Region"].clone()),
        ("SourceTgwPeeringAttachmentId", Value::Null),
        ("DestinationTgwPeeringAttachmentId", Value::Null),
        ("Tags", or(body, "Tags", Value::Null)),
    ] {
        fields.insert(key.into(), value);
    }
    Ok(Blueprint {
        fields,
        done,
        with: Vec::new(),
    })
}

/// The rules of hub peerings.
pub(super) struct Peerings;

impl Resource for Peerings {
    const KIND: &'static Kind = HUB_PEERING;

    /// Under a hub's path: the peerings it is either side of.
    fn filters(call: &Call<'_>, db: &Db<'_>, query: &mut Query<'_>) -> ApiResult<()> {
        let hub = call.param("networking_hub_id");
        if hub.is_empty() {
            return Ok(());
        }
        let hub = find(db, HUB, ("networking_hub_id", hub))?;
        let hub = text(&hub, "Id");
        let mut ids = Vec::new();
        for field in ["SourceNetworkingHubId", "DestinationNetworkingHubId"] {
            ids.extend(db.select_ids(&Query::of(HUB_PEERING.name).filter(Filter::eq(field, hub)))?);
        }
        query.filters.push(Filter::Ids(ids));
        Ok(())
    }

    fn create(change: &mut Change<'_>) -> ApiResult<()> {
        let source = crate::areas::rules::load_live(
            change.db,
            HUB,
            ("networking_hub_id", change.call.param("networking_hub_id")),
        )?;
        let blueprint = peering_blueprint(change.db, &source, &change.id, change.body)?;
        blueprint.build(HUB_PEERING, change)?;
        Ok(())
    }

    fn update(change: &mut Change<'_>) -> ApiResult<()> {
        if !["ACTIVE", "PENDING_ACCEPT"].contains(&status(&change.record)) {
            ensure_active(HUB_PEERING, &change.record)?;
        }
        change.take(&["Name", "Tags"]);
        Ok(())
    }

    fn answer(done: &Done<'_>) -> ApiResult<Value> {
        Ok(wire::event(done, "HubPeering"))
    }
}

fn operations() -> Vec<Operation> {
    let peering = || path_param("hub_peering_id", "The hub peering's id.");
    let hub = || path_param("networking_hub_id", "The hub's id.");
    let read = |id, path, params| {
        Operation::new(id, "get", path, Allowed::READ, wire::read::<Peerings>)
            .params(params)
            .response("networking.ReadHubPeerings")
            .errors(&[404])
    };
    Vec::from([
        read(
            "networking.ReadHubPeerings",
            "/20190206/networking/hubpeerings",
            vec![d::status_param(&STATUSES)],
        )
        .summary("List the organisation's hub peerings"),
        read(
            "networking.ReadHubPeering",
            "/20190206/networking/hubpeerings/{hub_peering_id}",
            vec![peering(), d::status_param(&STATUSES)],
        )
        .summary("One hub peering, as a list of one"),
        read(
            "networking.ReadHubHubPeerings",
            "/20190206/networking/hubs/{networking_hub_id}/hubpeerings",
            vec![hub(), d::status_param(&STATUSES)],
        )
        .summary("List the peerings a hub is either side of"),
        Operation::new(
            "networking.CreateHubPeering",
            "post",
            "/20190206/networking/hubs/{networking_hub_id}/hubpeerings",
            Allowed::ADMIN,
            resource::create::<Peerings>,
        )
        .summary("Peer a hub with another hub whose ranges it does not overlap, or with a transit gateway")
        .params(vec![hub()])
        .body("networking.CreateHubPeering")
        .response("networking.CreateHubPeeringEvent")
        .errors(&[400, 404]),
        Operation::new(
            "networking.UpdateHubPeering",
            "put",
            "/20190206/networking/hubpeerings/{hub_peering_id}",
            Allowed::ADMIN,
            wire::update::<Peerings>,
        )
        .summary("Rename or tag a hub peering")
        .params(vec![peering()])
        .body("networking.UpdateHubPeering")
        .response("networking.UpdateHubPeeringEvent")
        .errors(&[400, 404]),
        Operation::new(
            "networking.DeleteHubPeering",
            "delete",
            "/20190206/networking/hubpeerings/{hub_peering_id}",
            Allowed::ADMIN,
            wire::delete::<Peerings>,
        )
        .summary("Delete a hub peering no prefix list routes to")
        .params(vec![peering()])
        .response("networking.DeleteHubPeeringEvent")
        .errors(&[400, 404]),
    ])
}

fn schemas(s: &mut Map<String, Value>) {
    let account = json!({"type": "string", "minLength": 12, "maxLength": 12, "pattern": "^\\d{12,12}$", "nullable": true});
    let tgw = json!({"type": "string", "minLength": 21, "maxLength": 21, "pattern": "^tgw-[a-zA-Z0-9]*$", "nullable": true});
    let region = r("nullable-AwsRegion");
    let target = json!({"type": "string", "readOnly": true, "enum": ["STAX_RESOURCE", "STAX_ACCOUNT", "EXTERNAL"]});
    let mut peering = d::record(
        "A transit gateway peering from a hub.",
        &[
            "Id",
            "OrganisationId",
            "Status",
            "Name",
            "HubPeeringTarget",
            "SourceNetworkingHubId",
        ],
        json!({
            "Name": d::name(2, 128),
            "HubPeeringTarget": target,
            "ExternalResource": d::flag("Whether it was made outside Stax."),
            "SourceNetworkingHubId": r("uuidv4"),
            "SourceAwsAccountId": account,
            "SourceAwsTgwId": tgw,
            "SourceAwsRegion": region,
            "SourceTgwPeeringAttachmentId": {"type": "string", "nullable": true},
            "DestinationNetworkingHubId": r("nullable-uuidv4"),
            "DestinationAwsAccountId": account,
            "DestinationAwsTgwId": tgw,
            "DestinationAwsRegion": region,
            "DestinationTgwPeeringAttachmentId": {"type": "string", "nullable": true},
        }),
        (true, true),
    );
    peering["properties"]["Status"]["enum"] = json!(STATUSES);
    s.insert("HubPeering".into(), peering);
    s.insert(
        "networking.ReadHubPeerings".into(),
        d::read("HubPeerings", "HubPeering"),
    );
    s.insert(
        "networking.CreateHubPeering".into(),
        d::object(
            "A new peering: another hub (STAX_RESOURCE) or a transit gateway by account, id and region.",
            &["Name", "HubPeeringTarget"],
            json!({
                "Name": d::name(2, 128),
                "HubPeeringTarget": target,
                "DestinationNetworkingHubId": r("nullable-uuidv4"),
                "DestinationAwsAccountId": account,
                "DestinationAwsTgwId": tgw,
                "DestinationAwsRegion": region,
                "Tags": r("NetworkingTags"),
            }),
        ),
    );
    s.insert(
        "networking.UpdateHubPeering".into(),
        d::object(
            "What to change of a hub peering.",
            &[],
            json!({"Name": d::name(2, 128), "Tags": r("NetworkingTags")}),
        ),
    );
    s.insert(
        "networking.CreateHubPeeringEvent".into(),
        d::event(Some("HubPeering")),
    );
    s.insert("networking.UpdateHubPeeringEvent".into(), d::event(None));
    s.insert("networking.DeleteHubPeeringEvent".into(), d::event(None));
}
