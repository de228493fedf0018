//! The demo estate's edge (`--seed demo`): what joins the demo hub to the world, made through
//! the same field functions as the API makes it, `ACTIVE`, each through a task that has ended.
//! - a DNS resolver (two interfaces) forwarding `corp.example.com` to two servers;
//! - a transit Direct Connect gateway with a VIF on the hub account's connection and an
//!   association with the hub;
//! - a VPN customer gateway (`203.0.113.10`) with a connection to the hub.

use serde_json::{Map, Value, json};

use super::common::aws_id;
use super::dns::{self, RESOLVER, RULE};
use super::dx::{self, ASSOCIATION, GATEWAY, VIF};
use super::vpn::{self, CONNECTION, CUSTOMER_GATEWAY};
use crate::areas::rules::text;
use crate::store::kinds::{Kind, Stamp};
use crate::store::tasks::finished;
use crate::store::{Db, StoreResult};
use crate::util::{iso_ms, uuid};

/// When and by whom the demo's networking is made.
pub(crate) struct Made<'a> {
    /// Epoch ms of its making.
    pub at_ms: i64,
    /// Who made it.
    pub by: &'a str,
    /// The installation's region (where accounts' Direct Connect connections are).
    pub region: &'a str,
}

/// The demo's DNS, Direct Connect and VPN on `hub` (its record), whose account is `account`
/// (its record), with the hub's transit VPC at `transit` (its block).
pub(crate) fn edge(
    db: &Db<'_>,
    made: &Made<'_>,
    (hub, account): (&Value, &Value),
    transit: &str,
) -> StoreResult<()> {
    let hub_id = text(hub, "Id");
    let region = text(hub, "Region");
    let account_id = text(account, "Id");

    if let Some(block) = transit.parse().ok()
        && let Ok((inbound, outbound)) = dns::interface_plan(&block, 2, (&[], &[]))
    {
        let resolver = uuid();
        let fields = dns::resolver_fields("demo-resolver", 2, (&inbound, &outbound));
        let fields = tagged(fields, json!({"Team": "platform"}));
        record(
            db,
            made,
            ("networking.CreateDnsResolver", RESOLVER),
            (&resolver, fields),
            Some(hub_id),
        )?;
        let rule = uuid();
        let forwarders = ["192.168.10.10".to_owned(), "192.168.10.11".to_owned()];
        let mut fields = dns::rule_fields("corp", "corp.example.com", &forwarders);
        fields.insert("AwsRuleId".into(), json!(aws_id("rslvr-rr-", &rule, 17)));
        record(
            db,
            made,
            ("networking.CreateDnsRule", RULE),
            (&rule, fields),
            Some(&resolver),
        )?;
    }

    let gateway = uuid();
    let mut fields = dx::gateway_fields("demo-dx", 64600, account_id, "TRANSIT");
    fields.insert("AwsGatewayId".into(), json!(uuid()));
    record(
        db,
        made,
        ("networking.CreateDxResource", GATEWAY),
        (&gateway, fields),
        None,
    )?;
    if let Some(connection) = dx::connections(made.region, account).first() {
        let vif = uuid();
        let mut fields = dx::vif_fields(
            "demo-vif",
            ("TRANSIT", text(connection, "ConnectionId"), made.region),
            (101, 65010, false),
            ("169.254.10.1/30", "169.254.10.2/30"),
        );
        fields.insert("AwsVifId".into(), json!(aws_id("dxvif-", &vif, 8)));
        fields.insert("BgpAuthKey".into(), json!(format!("demo-{}", &vif[..8])));
        record(
            db,
            made,
            ("networking.CreateDxResource", VIF),
            (&vif, fields),
            Some(&gateway),
        )?;
    }
    let mut fields = dx::association_fields(hub_id, None, &["10.0.0.0/16".to_owned()]);
    fields.insert("AwsAssociationId".into(), json!(uuid()));
    record(
        db,
        made,
        ("networking.CreateDxAssociation", ASSOCIATION),
        (&uuid(), fields),
        Some(&gateway),
    )?;

    let customer = uuid();
    let mut fields =
        vpn::customer_gateway_fields("office", json!(65000), ("203.0.113.10", account_id, region));
    fields.insert(
        "AwsVpnCustomerGatewayId".into(),
        json!(aws_id("cgw-", &customer, 17)),
    );
    record(
        db,
        made,
        ("networking.CreateVpnCustomerGateway", CUSTOMER_GATEWAY),
        (&customer, fields),
        None,
    )?;
    let connection = uuid();
    let mut fields =
        vpn::connection_fields("office-vpn", ("HUB", hub_id, None), (false, "DYNAMIC"));
    fields.insert(
        "AwsVpnConnectionId".into(),
        json!(aws_id("vpn-", &connection, 17)),
    );
    record(
        db,
        made,
        ("networking.CreateVpnConnection", CONNECTION),
        (&connection, fields),
        Some(&customer),
    )?;
    Ok(())
}

/// Stores an `ACTIVE` record of `kind` made by a task of `operation` that has ended.
fn record(
    db: &Db<'_>,
    made: &Made<'_>,
    (operation, kind): (&str, &Kind),
    (id, fields): (&str, Map<String, Value>),
    parent: Option<&str>,
) -> StoreResult<()> {
    let task = finished(db, operation, None, made.at_ms)?;
    let at = iso_ms(made.at_ms);
    let stamp = Stamp {
        at: &at,
        by: Some(made.by),
        status: Some("ACTIVE"),
        task: Some(&task),
        parent,
    };
    kind.insert(db, id, fields, &stamp)?;
    Ok(())
}

fn tagged(mut fields: Map<String, Value>, tags: Value) -> Map<String, Value> {
    fields.insert("Tags".into(), tags);
    fields
}
