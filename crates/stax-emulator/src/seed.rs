//! First-run data: the organisation, its API token and (with `--seed demo`) a small estate.

use serde_json::{Value, json};

use crate::Seed;
use crate::app::Installation;
use crate::cognito::make_pool_user;
use crate::resources::policies::{ATTACHMENT, POLICY};
use crate::resources::workloads::{CATALOGUE, VERSION, WORKLOAD};
use crate::store::{Db, StoreResult, TaskRow};
use crate::util::{iso_ms, now_ms, random_alnum, random_from, uuid};

pub(crate) const ORGANISATION: &str = "organisation";
pub(crate) const OU: &str = "organisational_unit";
pub(crate) const USER: &str = "user";
pub(crate) const GROUP: &str = "group";
pub(crate) const API_TOKEN: &str = "api_token";

use crate::resources::accounts::{ACCOUNT, ACCOUNT_TYPE};

/// A new API token: its resource and the Cognito user that signs in with it.
/// Returns `(access_key, secret_key)`.
pub(crate) fn new_api_token(
    db: &Db<'_>,
    install: &Installation,
    name: &str,
    description: &str,
    role: &str,
    tags: Option<Value>,
    created_by: Option<&str>,
) -> StoreResult<(String, String, Value)> {
    let access_key = uuid();
    let secret_key = random_alnum(32);
    let now = crate::util::now_iso();
    let mut token = json!({
        "AccessKey": access_key,
        "Name": name,
        "Description": description,
        "Role": role,
        "Status": "ACTIVE",
        "CreatedTS": now,
        "ModifiedTS": now,
        "CreatedBy": created_by,
    });
    if let Some(tags) = tags {
        token["Tags"] = tags;
    }
    db.put(API_TOKEN, &access_key, &token)?;
    db.add_pool_user(&make_pool_user(
        &install.user_pool_id,
        &access_key,
        &secret_key,
    ))?;
    Ok((access_key, secret_key, token))
}

fn aws_account_id() -> String {
    format!("1{}", random_from(b"0123456789", 11))
}

/// Seeds a new database; returns the API token `(access_key, secret_key)` for the ready line.
pub(crate) fn seed(
    db: &Db<'_>,
    install: &Installation,
    kind: Seed,
) -> StoreResult<(String, String)> {
    let org = &install.organisation_id;
    // Seeded things look a few weeks old, a day apart.
    let day = 86_400_000i64;
    let base = now_ms() - 30 * day;
    let ts = |n: i64| iso_ms(base + n * day);
    let root_ou = uuid();
    db.put(
        ORGANISATION,
        org,
        &json!({
            "Id": org,
            "Name": "Emulated Organisation",
            "Alias": "emulated",
            "Status": "ACTIVE",
            "Region": install.aws_region,
            "Regions": [install.aws_region],
            "AwsSupportType": "BUSINESS",
            "AwsPartnerSupport": false,
            "AuthProvider": "V2",
            "LandingZoneType": "STAX",
            "AllowedDomains": ["example.com"],
            "AttachedPolicies": [],
            "CreatedTS": ts(0),
            "ModifiedTS": ts(0),
        }),
    )?;
    db.put(
        OU,
        &root_ou,
        &json!({
            "Id": root_ou,
            "Name": "Root",
            "OrganisationId": org,
            "Status": "ACTIVE",
            "OrganisationalUnitType": "ROOT",
            "ParentOrganisationalUnitId": null,
            "AwsId": format!("r-{}", random_from(b"abcdefghijklmnopqrstuvwxyz0123456789", 4)),
            "CreatedTS": ts(0),
            "CreatedBy": null,
            "ModifiedTS": ts(0),
        }),
    )?;
    let admin_user = uuid();
    db.put(
        USER,
        &admin_user,
        &json!({
            "Id": admin_user,
            "Name": "Ada Admin",
            "FirstName": "Ada",
            "LastName": "Admin",
            "Email": "ada.admin@example.com",
            "OrganisationId": org,
            "Role": "customer_admin",
            "Status": "ACTIVE",
            "AuthOrigin": "stax",
            "MFAEnabled": true,
            "CreatedTS": ts(0),
            "ModifiedTS": ts(0),
        }),
    )?;
    let (access_key, secret_key, _) = new_api_token(
        db,
        install,
        "emulator-admin",
        "API token of the emulator's ready line",
        "api_admin",
        None,
        Some(&admin_user),
    )?;
    if kind == Seed::Empty {
        return Ok((access_key, secret_key));
    }

    let mut ous = Vec::new();
    for (i, name) in ["Workloads", "Sandbox", "Security"].iter().enumerate() {
        let id = uuid();
        db.put(
            OU,
            &id,
            &json!({
                "Id": id,
                "Name": name,
                "OrganisationId": org,
                "Status": "ACTIVE",
                "OrganisationalUnitType": "CHILD",
                "ParentOrganisationalUnitId": root_ou,
                "AwsId": format!("ou-{}", random_from(b"abcdefghijklmnopqrstuvwxyz0123456789", 8)),
                "CreatedTS": ts(1 + i as i64),
                "CreatedBy": admin_user,
                "ModifiedTS": ts(1 + i as i64),
            }),
        )?;
        ous.push(id);
    }

    let mut types = Vec::new();
    for (i, (name, stax)) in [
        ("production", false),
        ("development", false),
        ("sandbox", false),
        ("security", true),
    ]
    .iter()
    .enumerate()
    {
        let id = uuid();
        db.put(
            ACCOUNT_TYPE,
            &id,
            &json!({
                "Id": id,
                "Name": name,
                "OrganisationId": org,
                "Status": "ACTIVE",
                "Accounts": [],
                "Policies": [],
                "Roles": [],
                "StaxCreated": stax,
                "CreatedBy": admin_user,
                "CreatedTS": ts(2 + i as i64),
                "ModifiedTS": ts(2 + i as i64),
            }),
        )?;
        types.push(id);
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
    let mut account_ids = Vec::new();
    for (i, (name, type_index, ou_index, status, role, tags)) in accounts.into_iter().enumerate() {
        let id = uuid();
        account_ids.push((name, id.clone()));
        let aws_id = aws_account_id();
        let type_id = &types[type_index];
        db.put(
            ACCOUNT,
            &id,
            &json!({
                "Id": id,
                "Name": name,
                "OrganisationId": org,
                "OrganisationalUnitId": ous[ou_index],
                "AccountTypeId": type_id,
                "AccountType": null,
                "AccountRole": role,
                "AwsAccountId": aws_id,
                "AwsAccountAlias": format!("emu-{name}"),
                "AwsAccountName": name,
                "AwsLoginURL": format!("https://{aws_id}.signin.aws.amazon.com/console"),
                "AssuranceState": if status == "ACTIVE" { "ACTIVE" } else { "NONE" },
                "Email": format!("aws+{name}@example.com"),
                "Origin": "STAX",
                "Status": status,
                "StaxCreated": true,
                "Tags": tags,
                "CreatedBy": admin_user,
                "CreatedTS": ts(5 + i as i64),
                "ModifiedTS": ts(5 + i as i64),
            }),
        )?;
        if let Some(mut t) = db.get(ACCOUNT_TYPE, type_id)? {
            if let Some(list) = t["Accounts"].as_array_mut() {
                list.push(json!(id));
            }
            db.put(ACCOUNT_TYPE, type_id, &t)?;
        }
    }

    let mut users = vec![admin_user.clone()];
    for (i, (first, last, role)) in [
        ("Alice", "Builder", "customer_user"),
        ("Bob", "Reader", "customer_readonly"),
    ]
    .iter()
    .enumerate()
    {
        let id = uuid();
        db.put(
            USER,
            &id,
            &json!({
                "Id": id,
                "Name": format!("{first} {last}"),
                "FirstName": first,
                "LastName": last,
                "Email": format!("{}.{}@example.com", first.to_lowercase(), last.to_lowercase()),
                "OrganisationId": org,
                "Role": role,
                "Status": "ACTIVE",
                "AuthOrigin": "stax",
                "MFAEnabled": false,
                "CreatedTS": ts(15 + i as i64),
                "ModifiedTS": ts(15 + i as i64),
            }),
        )?;
        users.push(id);
    }
    for (i, (name, members)) in [("Administrators", vec![0usize]), ("Developers", vec![1, 2])]
        .iter()
        .enumerate()
    {
        let id = uuid();
        db.put(
            GROUP,
            &id,
            &json!({
                "Id": id,
                "Name": name,
                "OrganisationId": org,
                "Status": "ACTIVE",
                "GroupType": "LOCAL",
                "Users": members.iter().map(|m| users[*m].clone()).collect::<Vec<_>>(),
                "CreatedBy": admin_user,
                "CreatedTS": ts(20 + i as i64),
                "ModifiedTS": ts(20 + i as i64),
            }),
        )?;
    }
    let account = |name: &str| {
        account_ids
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, id)| id.clone())
            .unwrap_or_default()
    };
    let estate = Estate {
        org,
        region: &install.aws_region,
        admin: &admin_user,
        base,
    };
    estate.policies(db, &ous, &account("bakery-prod"))?;
    estate.workloads(db, &[account("bakery-prod"), account("bakery-dev")])?;
    Ok((access_key, secret_key))
}

/// What the demo's later resources (policies, catalogue, workloads) share.
struct Estate<'a> {
    org: &'a str,
    region: &'a str,
    admin: &'a str,
    /// Epoch ms of seed day 0.
    base: i64,
}

impl Estate<'_> {
    fn ts(&self, day: i64) -> String {
        iso_ms(self.base + day * 86_400_000)
    }

    /// A task that ended successfully on seed day `day`, for the `UserTaskId` of a seeded
    /// resource.
    fn finished_task(
        &self,
        db: &Db<'_>,
        operation: &str,
        subject: Option<(&str, &str)>,
        day: i64,
    ) -> StoreResult<String> {
        let id = uuid();
        let at = self.base + day * 86_400_000;
        db.add_task(&TaskRow {
            id: id.clone(),
            operation: operation.to_owned(),
            created_ms: at,
            due_ms: at + 1000,
            outcome: "SUCCEEDED".to_owned(),
            logs: vec![
                format!("{operation}: request accepted"),
                format!("{operation}: completed"),
            ],
            subject: subject.map(|(key, _)| key.to_owned()),
            subjects: subject.map(|(_, id)| id.to_owned()).into_iter().collect(),
            effect: None,
            applied: true,
        })?;
        Ok(id)
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
        // (name, description, document, (attachment type, key, target))
        let policies = [
            (
                "region-guard",
                "Keeps workloads in the organisation's home region",
                region_guard,
                Some((
                    "ORGANISATIONAL_UNIT",
                    "OrganisationalUnitId",
                    ous[0].as_str(),
                )),
            ),
            (
                "protect-cloudtrail",
                "Nobody stops or deletes the CloudTrail trails",
                deny("cloudtrail:StopLogging"),
                Some(("ACCOUNT", "AccountId", account)),
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
            let task = self.finished_task(db, "organisations.CreatePolicy", None, day)?;
            db.put(
                POLICY,
                &id,
                &json!({
                    "Id": id,
                    "OrganisationId": self.org,
                    "Status": "ACTIVE",
                    "Name": name,
                    "Description": description,
                    "PolicyType": "SCP",
                    "Content": content,
                    "PolicyOwner": "ORGANISATION",
                    "AwsId": format!("p-{}", random_from(b"abcdefghijklmnopqrstuvwxyz0123456789", 8)),
                    "ExternalResource": false,
                    "Tags": {"Owner": "security"},
                    "CreatedTS": self.ts(day),
                    "CreatedBy": self.admin,
                    "ModifiedTS": self.ts(day),
                    "UserTaskId": task,
                }),
            )?;
            let Some((kind, key, target)) = target else {
                continue;
            };
            let attachment = uuid();
            let task = self.finished_task(db, "policies.AttachPolicy", None, day)?;
            let mut body = json!({
                "Id": attachment,
                "OrganisationId": self.org,
                "Status": "ACTIVE",
                "PolicyId": id,
                "OrganisationalUnitId": null,
                "AccountId": null,
                "PolicyAttachmentType": kind,
                "CreatedTS": self.ts(day),
                "CreatedBy": self.admin,
                "ModifiedTS": self.ts(day),
                "UserTaskId": task,
            });
            body[key] = json!(target);
            db.put(ATTACHMENT, &attachment, &body)?;
        }
        Ok(())
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
                task = self.finished_task(db, operation, None, day)?;
                let parameters: Vec<Value> = parameters
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(k, v)| json!({"Key": k, "Default": v}))
                    .collect();
                db.put(
                    VERSION,
                    &vid,
                    &json!({
                        "Id": vid,
                        "CatalogueId": item,
                        "Description": format!("{description} ({label})"),
                        "WorkloadVersion": label,
                        "ManifestURL": null,
                        "ManifestBody": manifest,
                        "Parameters": parameters,
                        "Outputs": [],
                        "Public": false,
                        "Status": "ACTIVE",
                        "CreatedBy": self.admin,
                        "CreatedTS": self.ts(day),
                        "ModifiedTS": self.ts(day),
                        "UserTaskId": task,
                    }),
                )?;
                versions.push((item.clone(), vid.clone()));
                current = json!(vid);
            }
            db.put(
                CATALOGUE,
                &item,
                &json!({
                    "Id": item,
                    "Name": name,
                    "Description": description,
                    "OrganisationId": self.org,
                    "Status": "ACTIVE",
                    "Public": false,
                    "Protection": false,
                    "CatalogueVersionId": current,
                    "Tags": {"Owner": "platform"},
                    "CreatedBy": self.admin,
                    "CreatedTS": self.ts(day),
                    "ModifiedTS": self.ts(day),
                    "UserTaskId": task,
                }),
            )?;
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
            let task = self.finished_task(
                db,
                "workloads.CreateWorkload",
                Some(("Workloads", &id)),
                day,
            )?;
            db.put(
                WORKLOAD,
                &id,
                &json!({
                    "Id": id,
                    "Name": name,
                    "AccountId": accounts[account],
                    "CatalogueId": item,
                    "CatalogueVersionId": vid,
                    "OrganisationId": self.org,
                    "Parameters": parameters,
                    "Protection": protection,
                    "Region": self.region,
                    "Status": "ACTIVE",
                    "Tags": {"Team": "bakery"},
                    "CreatedBy": self.admin,
                    "CreatedTS": self.ts(day),
                    "ModifiedTS": self.ts(day),
                    "UserTaskId": task,
                }),
            )?;
        }
        Ok(())
    }
}
