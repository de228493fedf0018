//! What `--seed demo` joins its hub to (the hub itself is `model`'s), through the same
//! blueprints as the API makes it, as it is once each creation's task has succeeded
//! (`ACTIVE`, AWS ids set, the task ended):
//! - on the hub, a DNS resolver (two interfaces) forwarding `corp.example.com` to two servers;
//! - a transit Direct Connect gateway with a VIF on the hub account's connection and an
//!   association with the hub;
//! - a VPN customer gateway (`203.0.113.10`) with a connection to the hub.

use serde_json::{Value, json};

use super::dns::{self, RESOLVER, RULE};
use super::dx::{self, ASSOCIATION, GATEWAY, VIF};
use super::hubs::transit_vpc;
use super::vpn::{self, CONNECTION, CUSTOMER_GATEWAY};
use crate::areas::networking::blueprint::Blueprint;
use crate::areas::rules::text;
use crate::protocol::ApiResult;
use crate::store::Db;
use crate::store::kinds::{Kind, Stamp};
use crate::store::tasks::{Origin, finished_by};
use crate::util::{iso_ms, uuid};

/// When and by whom the demo's networking is made.
pub(crate) struct When<'a> {
    /// Epoch ms of its making.
    pub at_ms: i64,
    /// Who made it.
    pub by: &'a str,
    /// The installation's region: the hub's, and where accounts' Direct Connect connections
    /// are.
    pub region: &'a str,
}

/// What joins the demo's hub `hub_id` to the world, deployed into `account` (its record): a
/// DNS resolver with a rule, Direct Connect and VPN.
pub(crate) fn seed(db: &Db<'_>, made: &When<'_>, account: &Value, hub_id: &str) -> ApiResult<()> {
    let account_id = text(account, "Id");
    let hub_id = hub_id.to_owned();
    let region = made.region;

    if let Some(block) = transit_vpc(db, &hub_id)?.and_then(|vpc| text(&vpc, "Cidr").parse().ok()) {
        let (inbound, outbound) = dns::interface_plan(&block, 2, (&[], &[]))?;
        let resolver = uuid();
        let mut blueprint = Blueprint {
            fields: dns::resolver_fields("demo-resolver", 2, (&inbound, &outbound)),
            ..Blueprint::default()
        };
        blueprint
            .fields
            .insert("Tags".into(), json!({"Team": "platform"}));
        let at = ("networking.CreateDnsResolver", RESOLVER);
        record(db, made, at, (&resolver, blueprint), Some(&hub_id))?;
        let rule = uuid();
        let forwarders = ["192.168.10.10".to_owned(), "192.168.10.11".to_owned()];
        let blueprint = dns::rule_blueprint(&rule, "corp", "corp.example.com", &forwarders);
        let at = ("networking.CreateDnsRule", RULE);
        record(db, made, at, (&rule, blueprint), Some(&resolver))?;
    }

    let gateway = uuid();
    let blueprint = dx::gateway_blueprint("demo-dx", 64600, account_id, "TRANSIT");
    let at = ("networking.CreateDxResource", GATEWAY);
    record(db, made, at, (&gateway, blueprint), None)?;
    if let Some(connection) = dx::connections(region, account).first() {
        let vif = uuid();
        let mut blueprint = dx::vif_blueprint(
            &vif,
            "demo-vif",
            ("TRANSIT", text(connection, "ConnectionId"), region),
            (101, 65010, false),
            ("169.254.10.1/30", "169.254.10.2/30"),
        );
        let key = format!("demo-{}", &vif[..8]);
        blueprint.fields.insert("BgpAuthKey".into(), json!(key));
        let at = ("networking.CreateDxResource", VIF);
        record(db, made, at, (&vif, blueprint), Some(&gateway))?;
    }
    let blueprint = dx::association_blueprint(&hub_id, None, &["10.0.0.0/16".to_owned()]);
    let at = ("networking.CreateDxAssociation", ASSOCIATION);
    record(db, made, at, (&uuid(), blueprint), Some(&gateway))?;

    let customer = uuid();
    let blueprint = vpn::customer_gateway_blueprint(
        &customer,
        "office",
        json!(65000),
        ("203.0.113.10", account_id, region),
    );
    let at = ("networking.CreateVpnCustomerGateway", CUSTOMER_GATEWAY);
    record(db, made, at, (&customer, blueprint), None)?;
    let connection = uuid();
    let blueprint = vpn::connection_blueprint(
        &connection,
        "office-vpn",
        ("HUB", &hub_id, None),
        (false, "DYNAMIC"),
    );
    let at = ("networking.CreateVpnConnection", CONNECTION);
    record(db, made, at, (&connection, blueprint), Some(&customer))?;
    Ok(())
}

/// Stores the record of `kind` a blueprint describes as it is once the task of `operation`
/// (ended) has made it.
fn record(
    db: &Db<'_>,
    made: &When<'_>,
    (operation, kind): (&str, &Kind),
    (id, blueprint): (&str, Blueprint),
    parent: Option<&str>,
) -> ApiResult<()> {
    let origin = Origin {
        caller: Some(made.by.to_owned()),
        target_kind: Some(kind.target_kind.to_owned()),
        target_id: Some(id.to_owned()),
    };
    let task = finished_by(db, operation, None, made.at_ms, origin)?;
    let at = iso_ms(made.at_ms);
    let stamp = Stamp {
        at: &at,
        by: Some(made.by),
        task: Some(&task),
        parent,
        ..Stamp::default()
    };
    blueprint.seed(db, kind, id, &stamp)?;
    Ok(())
}
