//! The generator's edge cases, from this repository's own document
//! (`documents/edges.oas3.json`): names that are keywords or taken, `nullable`, `allOf`
//! merged, alternatives merged or kept as JSON, a type that holds itself, exact numbers, and
//! documentation that stays text.

use serde_json::{Value, json};
use staxapp_typed_tests::edges::types::{self, Region, Status, Thing, ThingShape};

fn round_trip<T: serde::Serialize + serde::de::DeserializeOwned>(value: Value) -> T {
    let typed: T = serde_json::from_value(value.clone()).unwrap();
    assert_eq!(serde_json::to_value(&typed).unwrap(), value);
    typed
}

#[test]
fn a_thing_reads_and_writes_back_exactly() {
    let thing: Thing = round_trip(json!({
        "Id": "t-1",
        "Count": 20,
        "Note": null,
        "Maybe": null,
        "Labels": null,
        "Region": "ap-southeast-4",
        "Parent": {"Id": "t-0", "Count": 2.5, "Note": "root"},
        "Children": [{"Id": "t-2", "Count": 1, "Note": null, "Unknown field": [1]}],
        "type": "kind",
        "Self": true,
        "Extra": "a field named like the catch-all",
        "Either": 7,
        "Shape": {"Radius": 1.5},
        "Sizes": [1, null, 3],
        "Anything": {"any": ["thing"]},
        "Inline": {"Level": "HIGH"},
        "Later": {"added": "by a newer installation"}
    }));
    // allOf: the base's fields merged in.
    assert_eq!(thing.id, "t-1");
    // `number` keeps 20 and 2.5 as received.
    assert_eq!(thing.count, serde_json::Number::from(20));
    // Required and nullable: present as null.
    assert_eq!(thing.note, None);
    assert_eq!(thing.r#type.as_deref(), Some("kind"));
    assert_eq!(thing.self_, Some(true));
    assert_eq!(
        thing.extra_field.as_deref(),
        Some("a field named like the catch-all")
    );
    assert_eq!(thing.extra["Later"]["added"], "by a newer installation");
    // oneOf of string enums: one enum with every value.
    assert_eq!(thing.region, Some(Region::ApSoutheast4));
    assert_eq!(
        Region::VALUES,
        ["ap-southeast-2", "ap-southeast-4", "eu-west-1"]
    );
    // oneOf of objects: one struct with every field, optional.
    let shape: &ThingShape = thing.shape.as_ref().unwrap();
    assert_eq!(
        shape.radius,
        Some(serde_json::Number::from_f64(1.5).unwrap())
    );
    assert_eq!(shape.side, None);
    // anyOf of a string and an integer: JSON as it is.
    assert_eq!(thing.either, Some(json!(7)));
    assert_eq!(thing.sizes, Some(vec![Some(1), None, Some(3)]));
    // The type holds itself through a Box.
    let parent: &Thing = thing.parent.as_deref().unwrap();
    assert_eq!(parent.note.as_deref(), Some("root"));
    assert_eq!(
        thing.inline.as_ref().unwrap().level,
        Some(types::ThingInlineLevel::High)
    );

    // Absent stays absent: a minimal thing writes back only what it had.
    let minimal = json!({"Id": "t-3", "Count": 0, "Note": "n"});
    let thing: Thing = round_trip(minimal);
    assert_eq!(thing.maybe, None);
    // A required field that is missing is named.
    let err = serde_json::from_value::<Thing>(json!({"Id": "t-4", "Count": 1})).unwrap_err();
    assert!(err.to_string().contains("Note"), "{err}");
}

#[test]
fn enum_values_that_clash_with_unknown_keep_their_own_variants() {
    assert_eq!(Status::from("UNKNOWN"), Status::UnknownValue);
    assert_eq!(Status::from("UNKNOWN").as_str(), "UNKNOWN");
    assert_eq!(Status::from("unknown-value").as_str(), "unknown-value");
    assert_eq!(Status::from("NEWER"), Status::Unknown("NEWER".into()));
    let statuses: Vec<Status> = round_trip(json!(["STARTED", "UNKNOWN", "unknown-value", "NEWER"]));
    assert_eq!(statuses[3], Status::Unknown("NEWER".into()));
}

#[test]
fn named_lists_maps_and_aliases() {
    let names: types::Names = round_trip(json!(["a", "b"]));
    assert_eq!(names.len(), 2);
    assert_eq!(
        names.iter().map(String::as_str).collect::<Vec<_>>(),
        ["a", "b"]
    );
    let labels: types::Labels = round_trip(json!({"team": "data"}));
    assert_eq!(labels["team"], "data");
    let create: types::things::CreateThing = round_trip(json!({"Name": "x", "Kind": "FAILED"}));
    assert_eq!(create.kind, Some(Status::Failed));
    assert_eq!(create.alias, None);
}
