//! First-run data: the organisation, its API token and (with `--seed demo`) a small estate.
//!
//! Everything is made through the areas' model functions, as the API itself makes it; only
//! the dates (a few weeks old, a day apart) and finished tasks are the seed's own. Nothing
//! imports this module but the crate root, which calls [`seed`] once, on a new database, and
//! the control routes, which seed the organisations they add.

use serde_json::{Map, Value, json};

mod accounts;
pub(crate) use accounts::seed_accounts;

use crate::areas::accounts::model::{NewAccount, account_fields, account_type_fields};
use crate::areas::accounts::{AWS_MEMBER, member_fields};
use crate::areas::networking::demo;
use crate::areas::networking::model::{Made, make};
use crate::areas::organisations::model::{insert_organisation, ou_fields};
use crate::areas::permission_sets::model::{
    ASSIGNMENT, NewSet, SET, assignment_fields, set_fields,
};
use crate::areas::policies::model::{Target, attachment_fields, policy_fields};
use crate::areas::services::model::{
    SERVICE_CONFIGURATION, Service, default_settings, insert_defaults, set_configuration, stored,
};
use crate::areas::teams::model::{NewToken, new_api_token};
use crate::areas::users::model::{group_fields, user_fields};
use crate::areas::workloads::model::{
    NewVersion, NewWorkload, item_fields, version_fields, version_parameters, workload_fields,
};
use crate::error::EmulatorError;
use crate::install::Installation;
use crate::store::kinds::{
    ACCOUNT, ACCOUNT_TYPE, ATTACHMENT, CATALOGUE, GROUP, Kind, OU, POLICY, Stamp, USER, VERSION,
    WORKLOAD,
};
use crate::store::tasks::{Origin, finished_by};
use crate::store::{Db, StoreResult};
use crate::util::{iso_ms, now_ms, random_from, uuid};

/// What the emulator starts with when its database is new.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Seed {
    /// An organisation with account types, accounts, organisational units, users, groups,
    /// service control policies (attached to a unit and an account), a workload catalogue,
    /// workloads and an API token.
    #[default]
    Demo,
    /// An organisation and the API token only.
    Empty,
}

impl std::str::FromStr for Seed {
    type Err = EmulatorError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.to_ascii_lowercase().as_str() {
            "demo" => Ok(Seed::Demo),
            "empty" => Ok(Seed::Empty),
            other => Err(EmulatorError::Config(format!(
                "unknown seed '{other}': use demo or empty"
            ))),
        }
    }
}

const DAY_MS: i64 = 86_400_000;

/// The name and alias of the first organisation.
pub(crate) const FIRST_ORGANISATION: (&str, &str) = ("Emulated Organisation", "emulated");

/// Seeds the organisation of `db` (the first, or one added later), named `(name, alias)`;
/// returns its API token `(access_key, secret_key)` (the ready line's, for the first).
pub(crate) fn seed(
    db: &Db<'_>,
    install: &Installation,
    kind: Seed,
    (name, alias): (&str, &str),
) -> Result<(String, String), EmulatorError> {
    let estate = Estate {
        region: &install.aws_region,
        admin: uuid(),
        // Seeded things look a few weeks old, a day apart.
        base: now_ms() - 30 * DAY_MS,
    };
    insert_organisation(db, install, (name, alias), &estate.ts(0))?;
    insert_defaults(db, &install.aws_region, &estate.ts(0))?;
    let root_ou = uuid();
    let root = ou_fields("Root", None, None);
    estate.made(db, OU, (&root_ou, root), 0, Stamp::default())?;
    estate.user(
        db,
        ("Ada", "Admin"),
        "customer_admin",
        true,
        0,
        &estate.admin,
    )?;
    let (access_key, secret_key, _) = new_api_token(
        db,
        install,
        &NewToken {
            name: "emulator-admin",
            description: "API token of the emulator's ready line",
            role: "api_admin",
            tags: None,
            created_by: Some(&estate.admin),
        },
    )?;
    if kind == Seed::Empty {
        return Ok((access_key, secret_key));
    }

    let mut ous = Vec::new();
    for (i, name) in ["Workloads", "Sandbox", "Security"].iter().enumerate() {
        let id = uuid();
        let unit = ou_fields(name, Some(&root_ou), None);
        estate.made(db, OU, (&id, unit), 1 + i as i64, estate.by())?;
        ous.push(id);
    }
    let accounts = estate.accounts(db, &ous)?;
    let account = |name: &str| {
        accounts
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, id)| id.clone())
            .unwrap_or_default()
    };
    estate.people(db)?;
    estate.permission_sets(db)?;
    estate.policies(db, &ous, &account("bakery-prod"))?;
    estate.workloads(db, &[account("bakery-prod"), account("bakery-dev")])?;
    estate.networking(db, [&account("bakery-prod"), &account("bakery-dev")])?;
    estate.services(db)?;
    // Two accounts of the AWS organisation that Stax did not make, for DiscoverAccounts.
    for (aws_id, name) in [
        ("310000000001", "legacy-billing"),
        ("310000000002", "data-archive"),
    ] {
        estate.made(
            db,
            AWS_MEMBER,
            (&uuid(), member_fields(aws_id, name)),
            0,
            Stamp::default(),
        )?;
    }
    Ok((access_key, secret_key))
}

/// Brings the installation's organisation of a database seeded by an earlier version up to
/// what a new one has: the configuration of every service.
pub(crate) fn upgrade(db: &Db<'_>, install: &Installation) -> StoreResult<()> {
    insert_defaults(db, &install.aws_region, &crate::util::now_iso())
}

/// What the demo's resources share.
struct Estate<'a> {
    region: &'a str,
    /// Id of the seeded administrator, who made everything.
    admin: String,
    /// Epoch ms of seed day 0.
    base: i64,
}

impl Estate<'_> {
    fn at(&self, day: i64) -> i64 {
        self.base + day * DAY_MS
    }

    fn ts(&self, day: i64) -> String {
        iso_ms(self.at(day))
    }

    /// Made by the seeded administrator.
    fn by(&self) -> Stamp<'_> {
        Stamp {
            by: Some(&self.admin),
            ..Stamp::default()
        }
    }

    /// Made by the seeded administrator through the task `task` (ended).
    fn by_task<'t>(&'t self, task: &'t str) -> Stamp<'t> {
        Stamp {
            task: Some(task),
            ..self.by()
        }
    }

    /// A task of `operation` the seeded administrator asked for on seed day `day`, ended,
    /// changing the record `target` of its kind (and listing `subject` in its answer).
    fn task(
        &self,
        db: &Db<'_>,
        operation: &str,
        (kind, target): (&Kind, &str),
        subject: Option<&str>,
        day: i64,
    ) -> StoreResult<String> {
        let origin = Origin {
            caller: Some(self.admin.clone()),
            target_kind: Some(kind.target_kind.to_owned()),
            target_id: Some(target.to_owned()),
        };
        let subject = subject.zip(Some(target));
        finished_by(db, operation, subject, self.at(day), origin)
    }

    /// Stores a record of `kind` made on seed day `day`, `ACTIVE` unless `stamp` says
    /// otherwise.
    fn made(
        &self,
        db: &Db<'_>,
        kind: &Kind,
        (id, fields): (&str, Map<String, Value>),
        day: i64,
        stamp: Stamp<'_>,
    ) -> StoreResult<Value> {
        let at = self.ts(day);
        let stamp = Stamp {
            at: &at,
            status: stamp.status.or(Some("ACTIVE")),
            ..stamp
        };
        kind.insert(db, id, fields, &stamp)
    }

    /// A person, made on seed day `day`.
    fn user(
        &self,
        db: &Db<'_>,
        (first, last): (&str, &str),
        role: &str,
        mfa: bool,
        day: i64,
        id: &str,
    ) -> StoreResult<Value> {
        let email = format!(
            "{}.{}@example.com",
            first.to_lowercase(),
            last.to_lowercase()
        );
        let mut fields = user_fields((first, last), &email, json!(role));
        fields.insert("MFAEnabled".into(), json!(mfa));
        self.made(db, USER, (id, fields), day, Stamp::default())
    }

    /// Four account types and nine accounts in several statuses; returns `(name, id)`s.
    fn accounts(&self, db: &Db<'_>, ous: &[String]) -> StoreResult<Vec<(&'static str, String)>> {
        let mut types = Vec::new();
        for (i, (name, stax)) in [
            ("production", false),
            ("development", false),
            ("sandbox", false),
            ("security", true),
        ]
        .into_iter()
        .enumerate()
        {
            let id = uuid();
            let fields = account_type_fields(name, stax);
            self.made(db, ACCOUNT_TYPE, (&id, fields), 2 + i as i64, self.by())?;
            types.push((id, name));
        }
        // (name, type index, OU index, status, role, tags)
        let accounts: [(&str, usize, usize, &str, &str, Value); 9] = [
            (
                "management",
                3,
                2,
                "ACTIVE",
                "MANAGEMENT",
                json!({"CostCode": "0001", "Owner": "platform"}),
            ),
            (
                "security",
                3,
                2,
                "ACTIVE",
                "SECURITY",
                json!({"CostCode": "0001"}),
            ),
            (
                "logging",
                3,
                2,
                "ACTIVE",
                "LOGGING",
                json!({"CostCode": "0001"}),
            ),
            (
                "bakery-prod",
                0,
                0,
                "ACTIVE",
                "MEMBER",
                json!({"CostCode": "1200", "Environment": "production", "Team": "bakery"}),
            ),
            (
                "bakery-dev",
                1,
                0,
                "ACTIVE",
                "MEMBER",
                json!({"CostCode": "1200", "Environment": "development", "Team": "bakery"}),
            ),
            (
                "payments-prod",
                0,
                0,
                "SUSPENDED",
                "MEMBER",
                json!({"CostCode": "1300", "Environment": "production"}),
            ),
            (
                "sandbox-alice",
                2,
                1,
                "ACTIVE",
                "MEMBER",
                json!({"Owner": "alice"}),
            ),
            ("sandbox-old", 2, 1, "CLOSED", "MEMBER", json!({})),
            (
                "data-lake",
                1,
                0,
                "INITIALIZING",
                "MEMBER",
                json!({"Team": "data"}),
            ),
        ];
        let mut ids = Vec::new();
        for (i, (name, type_index, ou_index, status, role, tags)) in
            accounts.into_iter().enumerate()
        {
            let id = uuid();
            let aws_id = format!("1{}", random_from(b"0123456789", 11));
            let (type_id, type_name) = &types[type_index];
            let fields = account_fields(NewAccount {
                name,
                ou_id: json!(ous[ou_index]),
                account_type: (&json!(type_id), &json!(type_name)),
                role,
                aws_account_id: &aws_id,
                alias: json!(format!("emu-{name}")),
                assurance: if status == "ACTIVE" { "ACTIVE" } else { "NONE" },
                email: format!("aws+{name}@example.com"),
                tags,
            });
            let stamp = Stamp {
                status: Some(status),
                ..self.by()
            };
            self.made(db, ACCOUNT, (&id, fields), 5 + i as i64, stamp)?;
            ids.push((name, id));
        }
        Ok(ids)
    }

    /// Two more people and two groups.
    fn people(&self, db: &Db<'_>) -> StoreResult<()> {
        let mut users = vec![self.admin.clone()];
        for (i, (first, last, role)) in [
            ("Alice", "Builder", "customer_user"),
            ("Bob", "Reader", "customer_readonly"),
        ]
        .into_iter()
        .enumerate()
        {
            let id = uuid();
            self.user(db, (first, last), role, false, 15 + i as i64, &id)?;
            users.push(id);
        }
        for (i, (name, members)) in [("Administrators", vec![0usize]), ("Developers", vec![1, 2])]
            .into_iter()
            .enumerate()
        {
            let members = members.iter().map(|m| users[*m].clone()).collect();
            let fields = group_fields(name, members);
            self.made(db, GROUP, (&uuid(), fields), 20 + i as i64, self.by())?;
        }
        Ok(())
    }

    /// A permission set, `ReadOnlyAuditors`, deployed to the Developers in the production
    /// accounts (so `ListRoles` lists their roles), and one assigned nowhere.
    fn permission_sets(&self, db: &Db<'_>) -> StoreResult<()> {
        let id_of = |kind: &Kind, name: &str| -> StoreResult<String> {
            Ok(db
                .list(kind)?
                .iter()
                .find(|r| r["Name"] == name)
                .and_then(|r| r["Id"].as_str())
                .unwrap_or_default()
                .to_owned())
        };
        let auditors = uuid();
        let policy = |name: &str| json!({"PolicyArn": format!("arn:aws:iam::aws:policy/{name}")});
        let fields = set_fields(NewSet {
            name: "ReadOnlyAuditors",
            description: Some("Read-only access for auditors"),
            managed: json!([
                policy("job-function/ViewOnlyAccess"),
                policy("SecurityAudit")
            ]),
            inline: json!([]),
            max_session: 3600,
            tags: Some(json!({"CostCode": "0001"})),
        });
        self.made(db, SET, (&auditors, fields), 24, self.by())?;
        let fields = set_fields(NewSet {
            name: "BillingViewers",
            description: None,
            managed: json!([policy("AWSBillingReadOnlyAccess")]),
            inline: json!([{
                "Name": "cost-explorer",
                "Policy": json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ce:Get*", "Resource": "*"}]}).to_string()
            }]),
            max_session: 7200,
            tags: None,
        });
        self.made(db, SET, (&uuid(), fields), 25, self.by())?;
        let (group, account_type) = (
            id_of(GROUP, "Developers")?,
            id_of(ACCOUNT_TYPE, "production")?,
        );
        let fields = assignment_fields(&group, &account_type, true);
        let stamp = Stamp {
            status: Some("DEPLOYMENT_COMPLETE"),
            parent: Some(&auditors),
            ..self.by()
        };
        self.made(db, ASSIGNMENT, (&uuid(), fields), 26, stamp)?;
        Ok(())
    }

    /// Three service control policies: one on the Workloads unit, one on `account`, one
    /// attached nowhere.
    fn policies(&self, db: &Db<'_>, ous: &[String], account: &str) -> StoreResult<()> {
        let deny = |action: &str| {
            json!({
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Deny", "Action": action, "Resource": "*"}],
            })
        };
        let region_guard = json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Deny",
                "NotAction": ["iam:*", "organizations:*", "support:*"],
                "Resource": "*",
                "Condition": {"StringNotEquals": {"aws:RequestedRegion": [self.region]}},
            }],
        });
        let policies = [
            (
                "region-guard",
                "Keeps workloads in the organisation's home region",
                region_guard,
                Some(Target {
                    kind: "ORGANISATIONAL_UNIT",
                    ou: Some(ous[0].as_str()),
                    account: None,
                }),
            ),
            (
                "protect-cloudtrail",
                "Nobody stops or deletes the CloudTrail trails",
                deny("cloudtrail:StopLogging"),
                Some(Target {
                    kind: "ACCOUNT",
                    ou: None,
                    account: Some(account),
                }),
            ),
            (
                "deny-root-user",
                "Drafted for the sandboxes, not attached yet",
                deny("iam:CreateAccessKey"),
                None,
            ),
        ];
        for (i, (name, description, content, target)) in policies.into_iter().enumerate() {
            let day = 22 + i as i64;
            let id = uuid();
            let task = self.task(db, "organisations.CreatePolicy", (POLICY, &id), None, day)?;
            let fields = policy_fields(
                name,
                json!(description),
                content,
                json!({"Owner": "security"}),
            );
            self.made(db, POLICY, (&id, fields), day, self.by_task(&task))?;
            let Some(target) = target else {
                continue;
            };
            let attachment = uuid();
            let task = self.task(
                db,
                "policies.AttachPolicy",
                (ATTACHMENT, &attachment),
                None,
                day,
            )?;
            let stamp = Stamp {
                task: Some(&task),
                parent: Some(&id),
                ..self.by()
            };
            let fields = attachment_fields(&target);
            self.made(db, ATTACHMENT, (&attachment, fields), day, stamp)?;
        }
        Ok(())
    }

    /// A hub (`core`: 10.0.0.0/16 and 10.1.0.0/16, a block excluded for the bakery's own
    /// sites) with two VPCs, a second hub (`edge`: 172.16.0.0/16) peered with it, and a prefix
    /// list of each type, made by the API's own rules in the installation's region, in
    /// `accounts` (production, then development); the core hub with a DNS resolver and rule,
    /// a Direct Connect gateway, VIF and association, and a VPN connection (`demo`).
    fn networking(&self, db: &Db<'_>, [prod, dev]: [&str; 2]) -> Result<(), EmulatorError> {
        let region = self.region;
        // One a day, from day 21.
        let mut day = 20;
        let mut made = |what: Made, hub: Option<&str>, body: Value| {
            day += 1;
            let operation = match what {
                Made::Hub => Some("networking.CreateHub"),
                Made::Vpc => Some("networking.CreateVpc"),
                Made::Peering => Some("networking.CreateHubPeering"),
                Made::HubPrefixList => Some("networking.CreateHubPrefixList"),
                Made::VpcPrefixList => Some("networking.CreateVpcPrefixList"),
                Made::Range => None,
            };
            let task = operation
                .map(|operation| {
                    let origin = Origin {
                        caller: Some(self.admin.clone()),
                        ..Origin::default()
                    };
                    finished_by(db, operation, None, self.at(day), origin)
                })
                .transpose()?;
            let at = self.ts(day);
            let stamp = Stamp {
                at: &at,
                task: task.as_deref(),
                ..self.by()
            };
            make(db, what, hub, &body, &stamp).map_err(|err| {
                EmulatorError::Database(format!("the demo's networking: {}", err.error))
            })
        };
        let core = made(
            Made::Hub,
            None,
            json!({
                "Name": "core", "AccountId": prod, "Region": region, "Cidr": "10.0.0.0/16",
                "CidrRangeName": "core", "PhzSuffix": "bakery.internal",
                "CidrExclusions": [{"Name": "bakery-sites", "Cidr": "10.0.128.0/17",
                                    "Description": "Addresses of the bakery's own sites"}],
                "CreateNatGateway": true, "CreateInternetGateway": true,
                "InterfaceEndpoints": ["ec2", "ssm", "sts"], "Tags": {"CostCode": "0001"},
            }),
        )?;
        let apps = made(
            Made::Range,
            Some(&core),
            json!({"Name": "apps", "Cidr": "10.1.0.0/16", "Description": "Application VPCs"}),
        )?;
        let vpc = |name: &str, account: &str, size: &str, kind: &str| {
            json!({
                "Name": name, "AccountId": account, "Region": region, "CidrRangeId": apps,
                "Size": size, "Type": kind, "CreateInternetGateway": false,
            })
        };
        let mut prod_vpc = vpc("bakery-prod", prod, "SMALL", "FLAT");
        prod_vpc["Zone"] = json!("apps");
        prod_vpc["PhzPrefix"] = json!("prod");
        let prod_vpc = made(Made::Vpc, Some(&core), prod_vpc)?;
        let mut shared = vpc("shared-services", dev, "MEDIUM", "SHAREDSERVICES");
        shared["CreateVirtualPrivateGateway"] = json!(true);
        made(Made::Vpc, Some(&core), shared)?;
        let edge = made(
            Made::Hub,
            None,
            json!({
                "Name": "edge", "AccountId": dev, "Region": region, "Cidr": "172.16.0.0/16",
                "CreateNatGateway": false, "CreateInternetGateway": true,
            }),
        )?;
        let peering = made(
            Made::Peering,
            Some(&core),
            json!({"Name": "core-edge", "HubPeeringTarget": "STAX_RESOURCE",
                   "DestinationNetworkingHubId": edge}),
        )?;
        made(
            Made::HubPrefixList,
            Some(&core),
            json!({"Name": "to-edge", "Entries": ["172.16.0.0/16"], "MaxEntries": 5,
                   "TargetType": "HUB_PEERING", "TargetId": peering}),
        )?;
        made(
            Made::VpcPrefixList,
            Some(&core),
            json!({"Name": "bakery-sites", "Entries": ["10.0.128.0/17"], "MaxEntries": 10,
                   "VpcIds": [prod_vpc], "SubnetTypes": ["PRIVATE"]}),
        )?;
        // What joins the core hub to the world: DNS, Direct Connect, VPN.
        let Some(account) = db.get(ACCOUNT, prod)? else {
            return Ok(());
        };
        let when = demo::When {
            at_ms: self.at(day + 1),
            by: &self.admin,
            region,
        };
        demo::seed(db, &when, &account, &core)
            .map_err(|err| EmulatorError::Database(format!("the demo's networking: {}", err.error)))
    }

    /// Two catalogue items (one with two versions) and three workloads on `accounts`
    /// (ACTIVE ones: production first, then development).
    fn workloads(&self, db: &Db<'_>, accounts: &[String; 2]) -> StoreResult<()> {
        // (item, description, [(version, manifest, parameters)])
        type Versions = Vec<(&'static str, &'static str, Value)>;
        let catalogue: [(&str, &str, Versions); 2] = [
            (
                "static-website",
                "A bucket and a CDN distribution for a static site",
                vec![
                    (
                        "1.2.0",
                        "resources:\n  - bucket.yaml\n  - distribution.yaml\n",
                        json!({"SiteName": "example", "PriceClass": "PriceClass_100"}),
                    ),
                    (
                        "1.3.0",
                        "resources:\n  - bucket.yaml\n  - distribution.yaml\n  - waf.yaml\n",
                        json!({"SiteName": "example", "PriceClass": "PriceClass_100", "WafEnabled": "true"}),
                    ),
                ],
            ),
            (
                "vpc-baseline",
                "A VPC with private subnets in three availability zones",
                vec![(
                    "2.0.1",
                    "resources:\n  - vpc.yaml\n",
                    json!({"CidrBlock": "10.0.0.0/16"}),
                )],
            ),
        ];
        let mut versions: Vec<(String, String)> = Vec::new(); // (catalogue id, version id)
        for (i, (name, description, list)) in catalogue.into_iter().enumerate() {
            let day = 25 + i as i64;
            let item = uuid();
            let (mut current, mut task) = (Value::Null, String::new());
            for (label, manifest, parameters) in list {
                let vid = uuid();
                let operation = if current.is_null() {
                    "workloads.CreateCatalogueItem"
                } else {
                    "workloads.CreateCatalogueVersion"
                };
                task = self.task(db, operation, (CATALOGUE, &item), None, day)?;
                let fields = version_fields(NewVersion {
                    description: json!(format!("{description} ({label})")),
                    version: json!(label),
                    manifest_url: Value::Null,
                    manifest_body: json!(manifest),
                    parameters: version_parameters(Some(&parameters)),
                });
                let stamp = Stamp {
                    task: Some(&task),
                    parent: Some(&item),
                    ..self.by()
                };
                self.made(db, VERSION, (&vid, fields), day, stamp)?;
                versions.push((item.clone(), vid.clone()));
                current = json!(vid);
            }
            let fields = item_fields(
                name,
                json!(description),
                current,
                json!({"Owner": "platform"}),
            );
            self.made(db, CATALOGUE, (&item, fields), day, self.by_task(&task))?;
        }
        // (name, account index, version index, parameters, protected)
        let workloads = [
            (
                "bakery-site",
                0,
                1,
                json!({"SiteName": "bakery", "WafEnabled": "true"}),
                true,
            ),
            (
                "bakery-site",
                1,
                0,
                json!({"SiteName": "bakery-dev"}),
                false,
            ),
            (
                "bakery-network",
                0,
                2,
                json!({"CidrBlock": "10.20.0.0/16"}),
                false,
            ),
        ];
        for (i, (name, account, version, parameters, protection)) in
            workloads.into_iter().enumerate()
        {
            let day = 27 + i as i64;
            let id = uuid();
            let (item, vid) = &versions[version];
            let task = self.task(
                db,
                "workloads.CreateWorkload",
                (WORKLOAD, &id),
                Some("Workloads"),
                day,
            )?;
            let fields = workload_fields(NewWorkload {
                name,
                account_id: &accounts[account],
                catalogue_id: item,
                version_id: json!(vid),
                parameters,
                protection,
                region: self.region,
                tags: json!({"Team": "bakery"}),
            });
            self.made(db, WORKLOAD, (&id, fields), day, self.by_task(&task))?;
        }
        Ok(())
    }

    /// GuardDuty on (S3 and EKS audit log findings, published every fifteen minutes),
    /// Security Hub on in the home region (AWS's foundational practices and CIS 1.4), and a
    /// security contact for every account: each changed by a task of the administrator.
    fn services(&self, db: &Db<'_>) -> StoreResult<()> {
        let (_, mut guardduty) = default_settings(Service::GuardDuty, self.region);
        guardduty["FindingPublishingFrequency"] = json!("FIFTEEN_MINUTES");
        for feature in ["S3_DATA_EVENTS", "EKS_AUDIT_LOGS"] {
            guardduty["Features"][feature]["Enable"] = json!(true);
        }
        let security_hub = json!({"Standards": {
            "AWS_FOUNDATIONAL_SECURITY_BEST_PRACTICES_1_0_0": true,
            "AWS_REGIONS": [self.region],
            "CIS_AWS_FOUNDATIONS_BENCHMARK_1_2_0": false,
            "CIS_AWS_FOUNDATIONS_BENCHMARK_1_4_0": true,
            "PCI_DSS_3_2_1": false
        }});
        let (_, mut account) = default_settings(Service::Account, self.region);
        account["AlternateContacts"] = json!([{
            "AlternateContactType": "SECURITY",
            "EmailAddress": "security@example.com",
            "Name": "Sam Secure",
            "PhoneNumber": "+61 2 5550 0100",
            "Title": "Security lead"
        }]);
        let changes = [
            (Service::GuardDuty, "services.ConfigureGuardDuty", guardduty),
            (
                Service::SecurityHub,
                "services.ConfigureSecurityHub",
                security_hub,
            ),
            (Service::Account, "services.ConfigureAccount", account),
        ];
        for (i, (service, operation, configuration)) in changes.into_iter().enumerate() {
            let Some(record) = stored(db, service)? else {
                continue;
            };
            let day = 28 + i as i64;
            let id = record["Id"].as_str().unwrap_or_default().to_owned();
            let task = self.task(db, operation, (SERVICE_CONFIGURATION, &id), None, day)?;
            set_configuration(db, &record, (true, configuration), (&task, &self.ts(day)))?;
        }
        Ok(())
    }
}
