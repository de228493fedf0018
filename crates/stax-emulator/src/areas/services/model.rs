//! Service configurations over the store: one record per service and organisation, the
//! settings a new organisation starts with, and how a configuration is found and written.

use serde_json::{Map, Value, json};

use crate::areas::regions;
use crate::areas::rules::text;
use crate::protocol::{ApiError, ApiResult};
use crate::store::kinds::{Failed, Kind, Listing, ORGANISATION, Stamp, Step, Walk};
use crate::store::query::{Filter, Query};
use crate::store::{Db, StoreResult};

/// The configuration of one service of an organisation. Made with the organisation (never
/// through the API); changed by a task (`CONFIGURING` while it runs, then `ACTIVE` or
/// `INACTIVE` as the configuration is enabled or not, `ERROR` when it fails, keeping the
/// configuration it had); never deleted.
pub(crate) const SERVICE_CONFIGURATION: &Kind = &Kind {
    name: "service_configuration",
    what: "Service configuration",
    plural: "ServiceConfigurations",
    param: "service",
    walk: Walk {
        create: Step::at_once(None),
        update: Step {
            task: true,
            during: Some("CONFIGURING"),
            done: None,
            failed: Failed::To("ERROR"),
        },
        delete: Step::at_once(None),
    },
    ended: &[],
    gone: &[],
    listing: Listing {
        status: None,
        ..Listing::DEFAULT
    },
    target_kind: "SERVICE_CONFIGURATION",
    ..Kind::DEFAULT
};

/// A service an organisation configures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Service {
    SecurityHub,
    GuardDuty,
    Regions,
    Account,
    Guardrails,
    Organization,
    Sso,
}

impl Service {
    /// Every service, in the order an organisation's configurations are listed.
    pub const ALL: [Service; 7] = [
        Service::SecurityHub,
        Service::GuardDuty,
        Service::Regions,
        Service::Account,
        Service::Guardrails,
        Service::Organization,
        Service::Sso,
    ];

    /// The record's `Service` (`SECURITYHUB`).
    pub fn name(self) -> &'static str {
        match self {
            Service::SecurityHub => "SECURITYHUB",
            Service::GuardDuty => "GUARDDUTY",
            Service::Regions => "REGIONS",
            Service::Account => "ACCOUNT",
            Service::Guardrails => "GUARDRAILS",
            Service::Organization => "ORGANIZATION",
            Service::Sso => "SSO",
        }
    }

    /// Its segment of the path `/services/<segment>/configuration`.
    pub fn segment(self) -> &'static str {
        match self {
            Service::SecurityHub => "securityhub",
            Service::GuardDuty => "guardduty",
            Service::Regions => "regions",
            Service::Account => "account",
            Service::Guardrails => "guardrails",
            Service::Organization => "organization",
            Service::Sso => "sso",
        }
    }

    /// How messages name it.
    pub fn what(self) -> &'static str {
        match self {
            Service::SecurityHub => "Security Hub",
            Service::GuardDuty => "GuardDuty",
            Service::Regions => "Regions",
            Service::Account => "Account",
            Service::Guardrails => "Guardrails",
            Service::Organization => "Organization",
            Service::Sso => "SSO",
        }
    }

    /// The service whose record's `Service` is `name`.
    pub fn named(name: &str) -> Option<Service> {
        Service::ALL.into_iter().find(|s| s.name() == name)
    }

    /// The service of a path `/<version>/services/<segment>/configuration`.
    pub fn of_path(path: &str) -> Option<Service> {
        let segment = path.split('/').nth(3)?;
        Service::ALL.into_iter().find(|s| s.segment() == segment)
    }

    /// Whether it may be switched off once on (Stax refuses for GuardDuty and Security Hub).
    pub fn stays_enabled(self) -> bool {
        matches!(self, Service::GuardDuty | Service::SecurityHub)
    }
}

/// Whether a new organisation has the service on, and its configuration: Security Hub and
/// GuardDuty off (nothing is billed until asked for), the others on with AWS's and Stax's
/// usual settings; the organisation's regions are AWS's default ones, with `home` among them.
pub(crate) fn default_settings(service: Service, home: &str) -> (bool, Value) {
    match service {
        Service::SecurityHub => (
            false,
            json!({"Standards": {
                "AWS_FOUNDATIONAL_SECURITY_BEST_PRACTICES_1_0_0": true,
                "AWS_REGIONS": [],
                "CIS_AWS_FOUNDATIONS_BENCHMARK_1_2_0": false,
                "CIS_AWS_FOUNDATIONS_BENCHMARK_1_4_0": false,
                "PCI_DSS_3_2_1": false
            }}),
        ),
        Service::GuardDuty => (
            false,
            json!({
                "FindingPublishingFrequency": "SIX_HOURS",
                "Features": {
                    "S3_DATA_EVENTS": {"Enable": false},
                    "EKS_AUDIT_LOGS": {"Enable": false},
                    "EBS_MALWARE_PROTECTION": {
                        "Enable": false,
                        "EbsSnapshotPreservation": "NO_RETENTION",
                        "ScanResourceCriteria": {"Exclude": {"EC2_INSTANCE_TAG": []}}
                    },
                    "RDS_LOGIN_EVENTS": {"Enable": false},
                    "EKS_RUNTIME_MONITORING": {"Enable": false, "EKS_ADDON_MANAGEMENT": false},
                    "LAMBDA_NETWORK_LOGS": {"Enable": false}
                }
            }),
        ),
        Service::Regions => {
            let mut enabled: Vec<&str> = regions::DEFAULT.to_vec();
            let mut disabled: Vec<&str> = regions::OPT_IN
                .into_iter()
                .chain(regions::DISABLED)
                .collect();
            if !enabled.contains(&home) && regions::is_known(home) {
                enabled.push(home);
                disabled.retain(|r| *r != home);
            }
            (true, json!({"Enabled": enabled, "Disabled": disabled}))
        }
        Service::Account => (
            true,
            json!({
                "EC2": {
                    "EBSEncryptionByDefault": true,
                    "ImageBlockPublicAccess": true,
                    "InstanceRequireIMDSv2": false,
                    "SnapshotBlockPublicAccess": true
                },
                "S3": {"BlockPublicAccess": true},
                "SSM": {"DocumentBlockPublicSharing": true}
            }),
        ),
        Service::Guardrails => (
            true,
            json!({
                "SCP": {
                    "AWSCONFIG_BLOCK_CHANGES_TO_SERVICE": true,
                    "GUARDDUTY_BLOCK_CHANGES_TO_SERVICE": true,
                    "ORGANIZATIONS_BLOCK_LEAVING_AWS_ORGANISATION": true,
                    "SECURITYHUB_BLOCK_CHANGES_TO_SERVICE": true
                },
                "RCP": {}
            }),
        ),
        Service::Organization => (true, json!({"BEDROCK_ALLOW_CROSS_REGIONAL_ACCESS": false})),
        Service::Sso => (
            true,
            json!({
                "LOCAL": {"ENABLED": true},
                "SAML": {"ENABLED": false, "METADATA_URL": null},
                "IAM_IDENTITY_CENTRE": {
                    "ENABLED": false,
                    "AWS_ACCOUNT_ID": null,
                    "AWS_REGION": null,
                    "AWS_INSTANCE_ID": null,
                    "AWS_IDENTITY_STORE_ID": null
                },
                "MFA": {"REQUIRED": false}
            }),
        ),
    }
}

/// The fields a configuration has once `enabled` and `configuration` are applied: its
/// status follows whether it is enabled.
pub(crate) fn configured(enabled: bool, configuration: Value) -> Map<String, Value> {
    let mut fields = Map::new();
    fields.insert("Enabled".into(), json!(enabled));
    fields.insert("Configuration".into(), configuration);
    fields.insert(
        "Status".into(),
        json!(if enabled { "ACTIVE" } else { "INACTIVE" }),
    );
    fields
}

/// Gives the organisation of `db` the configuration of every service it lacks, with the
/// settings a new organisation has ([`default_settings`]; `home` is its home region), made
/// at `at`: all seven for a new organisation, none when it has them. The one call an
/// organisation's creation makes for its services.
pub(crate) fn insert_defaults(db: &Db<'_>, home: &str, at: &str) -> StoreResult<()> {
    let existing: Vec<String> = db
        .select(&Query::of(SERVICE_CONFIGURATION.name))?
        .items
        .iter()
        .map(|c| text(c, "Service").to_owned())
        .collect();
    for service in Service::ALL {
        if existing.iter().any(|name| name == service.name()) {
            continue;
        }
        let (enabled, configuration) = default_settings(service, home);
        let mut fields = configured(enabled, configuration);
        let status = fields.remove("Status");
        fields.insert("Service".into(), json!(service.name()));
        fields.insert("Exclusions".into(), Value::Null);
        let stamp = Stamp {
            at,
            status: status.as_ref().and_then(Value::as_str),
            ..Stamp::default()
        };
        SERVICE_CONFIGURATION.insert(db, &crate::util::uuid(), fields, &stamp)?;
    }
    Ok(())
}

/// The organisation's configuration of `service`, if it has one.
pub(crate) fn stored(db: &Db<'_>, service: Service) -> StoreResult<Option<Value>> {
    let query = Query::of(SERVICE_CONFIGURATION.name).filter(Filter::eq("Service", service.name()));
    Ok(db.select(&query)?.items.into_iter().next())
}

/// The organisation's configuration of `service` (404 when it has none).
pub(crate) fn find(db: &Db<'_>, service: Service) -> ApiResult<Value> {
    stored(db, service)?.ok_or_else(|| {
        ApiError::not_found(format!(
            "The organisation has no {} configuration",
            service.what()
        ))
    })
}

/// Writes `record` as configured by the ended task `task` at `at`: enabled or not, with
/// `configuration` (for data made at first run; the API changes it through its kind's walk).
pub(crate) fn set_configuration(
    db: &Db<'_>,
    record: &Value,
    (enabled, configuration): (bool, Value),
    (task, at): (&str, &str),
) -> StoreResult<()> {
    let mut record = record.clone();
    if let Some(map) = record.as_object_mut() {
        map.extend(configured(enabled, configuration));
        map.insert("UserTaskId".into(), json!(task));
        map.insert("ModifiedTS".into(), json!(at));
    }
    db.put(SERVICE_CONFIGURATION, text(&record, "Id"), &record)
}

/// The organisation's home region (where Stax runs for it): its record's `Region`, else
/// `fallback`.
pub(crate) fn home_region(db: &Db<'_>, fallback: &str) -> StoreResult<String> {
    Ok(db
        .get(ORGANISATION, db.org())?
        .map(|org| text(&org, "Region").to_owned())
        .filter(|r| !r.is_empty())
        .unwrap_or_else(|| fallback.to_owned()))
}

/// The regions the organisation has enabled (its regions configuration's `Enabled`; AWS's
/// default regions for an organisation that has no configuration yet).
pub(crate) fn enabled_regions(db: &Db<'_>) -> ApiResult<Vec<String>> {
    Ok(match stored(db, Service::Regions)? {
        Some(regions) => strings(&regions["Configuration"]["Enabled"]),
        None => regions::DEFAULT.map(str::to_owned).to_vec(),
    })
}

/// Refuses a region the organisation has not enabled (400), naming the field that gave it:
/// for the areas that place something in a region (workloads, networking).
pub(crate) fn require_enabled_region(db: &Db<'_>, field: &str, region: &str) -> ApiResult<()> {
    if enabled_regions(db)?.iter().any(|r| r == region) {
        return Ok(());
    }
    Err(ApiError::bad_request(format!(
        "{field}: {region} is not enabled for the organisation; enable it first (ConfigureRegions)"
    )))
}

/// The strings of a JSON array (nothing for anything else).
pub(crate) fn strings(list: &Value) -> Vec<String> {
    list.as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Store, StoreError};

    #[test]
    fn every_organisation_gets_its_own_configurations_once() {
        let store = Store::open(None).unwrap();
        let ids = |org: &str| -> Vec<String> {
            store
                .read(|tx| tx.org(org).select(&Query::of(SERVICE_CONFIGURATION.name)))
                .unwrap()
                .items
                .iter()
                .map(|c| text(c, "Id").to_owned())
                .collect()
        };
        store
            .write(|tx| {
                insert_defaults(&tx.org("o1"), "ap-southeast-2", "2024-01-01T00:00:00.000Z")?;
                insert_defaults(&tx.org("o2"), "us-east-1", "2024-01-01T00:00:00.000Z")?;
                Ok::<_, StoreError>(())
            })
            .unwrap();
        let (first, second) = (ids("o1"), ids("o2"));
        assert_eq!((first.len(), second.len()), (7, 7));
        assert!(first.iter().all(|id| !second.contains(id)));
        // Again: nothing new; a missing one comes back.
        store
            .write(|tx| {
                let db = tx.org("o1");
                let sso = stored(&db, Service::Sso)?.unwrap();
                db.delete(SERVICE_CONFIGURATION, text(&sso, "Id"))?;
                insert_defaults(&db, "ap-southeast-2", "2024-01-02T00:00:00.000Z")?;
                Ok::<_, StoreError>(())
            })
            .unwrap();
        let again = ids("o1");
        assert_eq!(again.len(), 7);
        assert_eq!(again[..6], first[..6]);
        let home = store
            .read(|tx| stored(&tx.org("o2"), Service::Regions))
            .unwrap()
            .unwrap();
        assert!(strings(&home["Configuration"]["Enabled"]).contains(&"us-east-1".to_owned()));
        assert_eq!(home["OrganisationId"], "o2");
    }
}
