//! CIDR ranges and CIDR exclusions of a hub: Stax-side data, changed at once (no task).
//!
//! A hub's ranges are private blocks (`/8` to `/23`) that may not overlap each other; its
//! VPCs are allocated from them. An exclusion carves a block out of one of the hub's ranges:
//! it may overlap neither another exclusion nor a block a VPC holds. A range cannot go while a
//! VPC is allocated from it (the default range, which holds the transit VPC, goes only with
//! its hub); the exclusions inside it go with it. Updates change names, descriptions and
//! tags, never blocks.

use ipnet::Ipv4Net;
use serde_json::{Map, Value, json};

use super::blueprint::Blueprint;
use super::cidr::{PrefixBounds, parse_block, parse_private_block};
use super::doc as d;
use super::hubs::{HUB, space};
use super::space::{check_new_exclusion, check_new_range};
use super::wire::{self, bad, ensure_active, listing, live_with, or};
use crate::areas::doc::{path_param, query, r, timestamp};
use crate::areas::resource::{self, Change, Done, Resource, Verb};
use crate::areas::rules::text;
use crate::areas::{Area, Operation};
use crate::protocol::{ApiError, ApiResult};
use crate::roles::Allowed;
use crate::store::Db;
use crate::store::kinds::{By, Kind, Listing, OnDelete, Ref, Shows, Stamps, Walk};

/// Ranges and exclusions are listed `ACTIVE` unless asked otherwise.
const SHOWN: &[&str] = &["ACTIVE"];

/// The stamps of ranges and exclusions: no organisation field, no task.
const STAMPS: Stamps = Stamps {
    organisation: false,
    created_by: By::CallerOrNull,
    modified_by: false,
    task: false,
};

/// CIDR ranges of hubs.
pub(crate) const CIDR_RANGE: &Kind = &Kind {
    name: "networking_cidr_range",
    what: "CIDR range",
    plural: "Ranges",
    param: "range_id",
    // The hub's deletion takes its ranges with it.
    parent: Some(Ref {
        field: "NetworkingHubId",
        kind: HUB,
        on_delete: OnDelete::Ignore,
    }),
    stamps: STAMPS,
    walk: Walk::AT_ONCE,
    listing: Listing {
        ids: Some("id_filter"),
        ..listing(Shows::Only(SHOWN))
    },
    ..Kind::DEFAULT
};

/// CIDR exclusions of hubs.
pub(crate) const CIDR_EXCLUSION: &Kind = &Kind {
    name: "networking_cidr_exclusion",
    what: "CIDR exclusion",
    plural: "Exclusions",
    param: "exclusion_id",
    parent: Some(Ref {
        field: "NetworkingHubId",
        kind: HUB,
        on_delete: OnDelete::Ignore,
    }),
    stamps: STAMPS,
    walk: Walk::AT_ONCE,
    listing: listing(Shows::Only(SHOWN)),
    ..Kind::DEFAULT
};

pub(super) const GROUP: Area = Area {
    operations,
    schemas,
    kinds: &[CIDR_RANGE, CIDR_EXCLUSION],
};

/// A new range or exclusion of the hub `hub`.
pub(super) struct NewRange<'a> {
    pub hub: &'a str,
    pub name: &'a str,
    pub cidr: &'a Ipv4Net,
    pub description: Value,
    pub tags: Value,
    /// Whether it is the hub's default range (the block given to `CreateHub`).
    pub default: bool,
}

/// The fields of a new exclusion.
pub(super) fn exclusion_fields(new: NewRange<'_>) -> Map<String, Value> {
    let mut fields = Map::new();
    fields.insert("Name".into(), json!(new.name));
    fields.insert("Cidr".into(), json!(new.cidr.to_string()));
    fields.insert("Description".into(), new.description);
    fields.insert("Tags".into(), new.tags);
    fields.insert("NetworkingHubId".into(), json!(new.hub));
    fields
}

/// The fields of a new range.
pub(super) fn range_fields(new: NewRange<'_>) -> Map<String, Value> {
    let default = new.default;
    let mut fields = exclusion_fields(new);
    fields.insert("DefaultCidrRange".into(), json!(default));
    fields
}

/// What a creation of a range or exclusion takes from its body, with its block `cidr`
/// (checked), under the hub `hub`.
fn new_range<'a>(hub: &'a Value, body: &'a Value, cidr: &'a Ipv4Net) -> NewRange<'a> {
    NewRange {
        hub: text(hub, "Id"),
        name: text(body, "Name"),
        cidr,
        description: or(body, "Description", Value::Null),
        tags: or(body, "Tags", Value::Null),
        default: false,
    }
}

/// A new range of `hub`, as `CreateCidrRange`'s body asks for it. Refuses (400) a hub that
/// is not active, a block that is not a private `/8` to `/23`, and one that overlaps a live
/// range of the hub.
pub(super) fn range_blueprint(db: &Db<'_>, hub: &Value, body: &Value) -> ApiResult<Blueprint> {
    ensure_active(HUB, hub)?;
    let block =
        parse_private_block("Cidr", text(body, "Cidr"), PrefixBounds::CIDR_RANGE).map_err(bad)?;
    let space = space(db, text(hub, "Id"))?;
    check_new_range(&block, &space.range_blocks()).map_err(bad)?;
    Ok(Blueprint::of(range_fields(new_range(hub, body, &block))))
}

/// A new exclusion of `hub`, as `CreateCidrExclusion`'s body asks for it. Refuses (400) a
/// hub that is not active, a block outside the hub's live ranges, and one that overlaps
/// another exclusion or a VPC of the hub.
pub(super) fn exclusion_blueprint(db: &Db<'_>, hub: &Value, body: &Value) -> ApiResult<Blueprint> {
    ensure_active(HUB, hub)?;
    let block = parse_block("Cidr", text(body, "Cidr"), PrefixBounds::ANY).map_err(bad)?;
    let space = space(db, text(hub, "Id"))?;
    check_new_exclusion(
        &block,
        &space.range_blocks(),
        &space.exclusions,
        &space.vpcs,
    )
    .map_err(bad)?;
    Ok(Blueprint::of(exclusion_fields(new_range(
        hub, body, &block,
    ))))
}

/// The answer to an update of a range or exclusion: what the request could change, as it is
/// now (the document answers the request's own component).
fn updated(done: &Done<'_>) -> Value {
    let mut answer = json!({ "Name": done.record["Name"] });
    if let Some(description) = done.record.get("Description").filter(|v| v.is_string()) {
        answer["Description"] = description.clone();
    }
    if let Some(tags) = done.record.get("Tags") {
        answer["Tags"] = tags.clone();
    }
    answer
}

/// The rules of CIDR ranges.
pub(super) struct Ranges;

impl Resource for Ranges {
    const KIND: &'static Kind = CIDR_RANGE;

    fn create(change: &mut Change<'_>) -> ApiResult<()> {
        let hub = change.parent.clone().unwrap_or_default();
        range_blueprint(change.db, &hub, change.body)?.build(CIDR_RANGE, change)?;
        Ok(())
    }

    fn update(change: &mut Change<'_>) -> ApiResult<()> {
        change.take(&["Name", "Description", "Tags"]);
        Ok(())
    }

    fn delete(change: &mut Change<'_>) -> ApiResult<()> {
        if change.record["DefaultCidrRange"] == json!(true) {
            return Err(ApiError::bad_request(format!(
                "CIDR range {} is its hub's default range, which holds the transit VPC: it goes only with its hub (DeleteHub)",
                change.id
            )));
        }
        // The exclusions inside it exclude nothing once it is gone.
        let Ok(block) = text(&change.record, "Cidr").parse::<Ipv4Net>() else {
            return Ok(());
        };
        let hub = text(&change.record, "NetworkingHubId");
        for mut exclusion in live_with(change.db, CIDR_EXCLUSION, ("NetworkingHubId", hub))? {
            let inside = text(&exclusion, "Cidr")
                .parse::<Ipv4Net>()
                .is_ok_and(|e| block.contains(&e));
            if inside {
                exclusion["Status"] = json!("DELETED");
                exclusion["ModifiedTS"] = json!(crate::util::now_iso());
                change
                    .db
                    .put(CIDR_EXCLUSION, text(&exclusion, "Id"), &exclusion.clone())?;
            }
        }
        Ok(())
    }

    fn answer(done: &Done<'_>) -> ApiResult<Value> {
        Ok(match done.verb {
            Verb::Update => updated(done),
            _ => json!({ "Ranges": [done.record] }),
        })
    }
}

/// The rules of CIDR exclusions.
pub(super) struct Exclusions;

impl Resource for Exclusions {
    const KIND: &'static Kind = CIDR_EXCLUSION;

    fn create(change: &mut Change<'_>) -> ApiResult<()> {
        let hub = change.parent.clone().unwrap_or_default();
        exclusion_blueprint(change.db, &hub, change.body)?.build(CIDR_EXCLUSION, change)?;
        Ok(())
    }

    fn update(change: &mut Change<'_>) -> ApiResult<()> {
        change.take(&["Name", "Description", "Tags"]);
        Ok(())
    }

    fn answer(done: &Done<'_>) -> ApiResult<Value> {
        Ok(match done.verb {
            Verb::Update => updated(done),
            _ => json!({ "Exclusions": [done.record] }),
        })
    }
}

fn operations() -> Vec<Operation> {
    let hub = || path_param("hub_id", "The hub's id.");
    let range = || path_param("range_id", "The CIDR range's id.");
    let exclusion = || path_param("exclusion_id", "The CIDR exclusion's id.");
    let status = || d::status_param(SHOWN);
    let ids = || {
        query(
            "id_filter",
            "string",
            "Comma-separated ids of CIDR ranges to keep.",
        )
    };
    let read_ranges = |path, params| {
        Operation::new(
            "networking.ReadCidrRanges",
            "get",
            path,
            Allowed::READ,
            wire::read::<Ranges>,
        )
        .params(params)
        .response("networking.ReadCidrRanges")
        .errors(&[404])
    };
    let read_exclusions = |path, params| {
        Operation::new(
            "networking.ReadCidrExclusions",
            "get",
            path,
            Allowed::READ,
            wire::read::<Exclusions>,
        )
        .params(params)
        .response("networking.ReadCidrExclusions")
        .errors(&[404])
    };
    Vec::from([
        read_ranges(
            "/20190206/networking/hubs/{hub_id}/ranges",
            vec![hub(), status(), ids()],
        )
        .summary("List a hub's CIDR ranges"),
        read_ranges("/20190206/networking/ranges", vec![status(), ids()])
            .summary("List the CIDR ranges of every hub"),
        read_ranges(
            "/20190206/networking/ranges/{range_id}",
            vec![range(), status(), ids()],
        )
        .summary("One CIDR range, as a list of one"),
        Operation::new(
            "networking.CreateCidrRange",
            "post",
            "/20190206/networking/hubs/{hub_id}/ranges",
            Allowed::ADMIN,
            resource::create::<Ranges>,
        )
        .summary("Add a private block to a hub, overlapping none of its ranges")
        .params(vec![hub()])
        .body("networking.CreateCidrRange")
        .response("networking.ReadCidrRanges")
        .errors(&[400, 404]),
        Operation::new(
            "networking.UpdateCidrRange",
            "put",
            "/20190206/networking/ranges/{range_id}",
            Allowed::ADMIN,
            resource::update::<Ranges>,
        )
        .summary("Rename, describe or tag a CIDR range")
        .params(vec![range()])
        .body("networking.UpdateCidrRange")
        .response("networking.UpdateCidrRange")
        .errors(&[400, 404]),
        Operation::new(
            "networking.DeleteCidrRange",
            "delete",
            "/20190206/networking/ranges/{range_id}",
            Allowed::ADMIN,
            resource::delete::<Ranges>,
        )
        .summary("Delete a CIDR range no VPC is allocated from, with its exclusions")
        .params(vec![range()])
        .response("networking.ReadCidrRanges")
        .errors(&[400, 404]),
        read_exclusions("/20190206/networking/exclusions", vec![status()])
            .summary("List the CIDR exclusions of every hub"),
        read_exclusions(
            "/20190206/networking/exclusions/{exclusion_id}",
            vec![exclusion(), status()],
        )
        .summary("One CIDR exclusion, as a list of one"),
        read_exclusions(
            "/20190206/networking/hubs/{hub_id}/exclusions",
            vec![hub(), status()],
        )
        .summary("List a hub's CIDR exclusions"),
        Operation::new(
            "networking.CreateCidrExclusion",
            "post",
            "/20190206/networking/hubs/{hub_id}/exclusions",
            Allowed::ADMIN,
            resource::create::<Exclusions>,
        )
        .summary("Keep a block of a hub's ranges from VPCs")
        .params(vec![hub()])
        .body("networking.CreateCidrExclusion")
        .response("networking.ReadCidrExclusions")
        .errors(&[400, 404]),
        Operation::new(
            "networking.UpdateCidrExclusion",
            "put",
            "/20190206/networking/exclusions/{exclusion_id}",
            Allowed::ADMIN,
            resource::update::<Exclusions>,
        )
        .summary("Rename, describe or tag a CIDR exclusion")
        .params(vec![exclusion()])
        .body("networking.UpdateCidrExclusion")
        .response("networking.UpdateCidrExclusion")
        .errors(&[400, 404]),
        Operation::new(
            "networking.DeleteCidrExclusion",
            "delete",
            "/20190206/networking/exclusions/{exclusion_id}",
            Allowed::ADMIN,
            resource::delete::<Exclusions>,
        )
        .summary("Delete a CIDR exclusion: its block may be allocated again")
        .params(vec![exclusion()])
        .response("networking.ReadCidrExclusions")
        .errors(&[400, 404]),
    ])
}

fn schemas(s: &mut Map<String, Value>) {
    let own = |text: &str| {
        json!({
            "Name": {"type": "string", "minLength": 2, "maxLength": 128},
            "Cidr": {"type": "string", "description": text},
            "Description": d::description(true),
            "NetworkingHubId": r("uuidv4"),
        })
    };
    let mut range = own("The block, as a.b.c.d/n.");
    range["DefaultCidrRange"] = d::flag("Whether it is the block its hub was made with.");
    range["LastAllocationTS"] = timestamp("When a VPC was last allocated from it.");
    s.insert(
        "CidrRange".into(),
        d::record(
            "A private block of a hub's address space.",
            &["Id", "Name", "Cidr"],
            range,
            (false, false),
        ),
    );
    s.insert(
        "CidrExclusion".into(),
        d::record(
            "A block of a hub's ranges kept from VPCs.",
            &["Name", "Cidr"],
            own("The block kept from VPCs, as a.b.c.d/n."),
            (false, false),
        ),
    );
    s.insert(
        "networking.ReadCidrRanges".into(),
        d::read("Ranges", "CidrRange"),
    );
    s.insert(
        "networking.ReadCidrExclusions".into(),
        d::read("Exclusions", "CidrExclusion"),
    );
    let body = |required: &[&str], cidr: bool| {
        let mut properties = json!({
            "Name": {"type": "string", "minLength": 2, "maxLength": 128},
            "Description": d::description(false),
            "Tags": r("NetworkingTags"),
        });
        if cidr {
            properties["Cidr"] =
                json!({"type": "string", "description": "The block, as a.b.c.d/n."});
        }
        d::object("A CIDR range or exclusion's fields.", required, properties)
    };
    s.insert(
        "networking.CreateCidrRange".into(),
        body(&["Name", "Cidr"], true),
    );
    s.insert("networking.UpdateCidrRange".into(), body(&[], false));
    s.insert(
        "networking.CreateCidrExclusion".into(),
        body(&["Name", "Cidr"], true),
    );
    s.insert("networking.UpdateCidrExclusion".into(), body(&[], false));
}
