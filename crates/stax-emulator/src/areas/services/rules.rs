//! What a service configuration must keep, beyond its document's schema: pure checks over
//! the requested configuration and what the organisation has now. Each refusal names the
//! field, the value and the fix.

use std::collections::BTreeSet;

use serde_json::Value;

use super::model::strings;
use crate::areas::regions;

/// Why a configuration is refused (400).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum RuleError {
    #[error("Enabled: {service} cannot be disabled once enabled; send Enabled true")]
    CannotDisable { service: &'static str },
    #[error("{field}: {region} is listed more than once; list each region once")]
    Repeated { field: &'static str, region: String },
    #[error(
        "Configuration: every AWS region must be listed, in Enabled or Disabled; missing {missing}"
    )]
    Missing { missing: String },
    #[error("Enabled: Stax keeps {region} disabled and it cannot be enabled; list it in Disabled")]
    NeverEnabled { region: String },
    #[error(
        "Disabled: {region} is the organisation's home region and cannot be disabled; list it in Enabled"
    )]
    HomeRegion { region: String },
    #[error(
        "Disabled: Security Hub runs in {region}; remove it from Security Hub's AWS_REGIONS first (ConfigureSecurityHub)"
    )]
    UsedBySecurityHub { region: String },
    #[error("Disabled: {region} still holds {holders}; delete them first")]
    InUse { region: String, holders: String },
    #[error(
        "AWS_REGIONS: {region} is not enabled for the organisation; enable it first (ConfigureRegions)"
    )]
    RegionNotEnabled { region: String },
    #[error("AWS_REGIONS: name at least one region while Security Hub is enabled")]
    NoRegions,
    #[error(
        "EKS_RUNTIME_MONITORING: EKS_ADDON_MANAGEMENT needs the feature itself on; set Enable true or EKS_ADDON_MANAGEMENT false"
    )]
    AddonWithoutMonitoring,
    #[error(
        "AlternateContacts: more than one {kind} contact; give one contact per AlternateContactType"
    )]
    RepeatedContact { kind: String },
}

type Checked = Result<(), RuleError>;

/// GuardDuty and Security Hub stay on once on.
pub(crate) fn keep_enabled(service: &'static str, was: bool, wanted: bool) -> Checked {
    if was && !wanted {
        return Err(RuleError::CannotDisable { service });
    }
    Ok(())
}

/// The first value `list` holds twice.
fn repeated(list: &[String]) -> Option<&String> {
    let mut seen = BTreeSet::new();
    list.iter().find(|r| !seen.insert(r.as_str()))
}

/// A regions configuration lists every known region once, in `Enabled` or `Disabled`; never
/// enables a region Stax keeps disabled; never disables the home region.
pub(crate) fn check_regions(configuration: &Value, home: &str) -> Checked {
    let enabled = strings(&configuration["Enabled"]);
    let disabled = strings(&configuration["Disabled"]);
    let both: Vec<String> = enabled.iter().chain(&disabled).cloned().collect();
    if let Some(region) = repeated(&both) {
        return Err(RuleError::Repeated {
            field: "Configuration",
            region: region.clone(),
        });
    }
    let missing: Vec<&str> = regions::all()
        .filter(|r| !both.iter().any(|b| b == r))
        .collect();
    if !missing.is_empty() {
        return Err(RuleError::Missing {
            missing: missing.join(", "),
        });
    }
    if let Some(region) = enabled
        .iter()
        .find(|r| regions::DISABLED.contains(&r.as_str()))
    {
        return Err(RuleError::NeverEnabled {
            region: region.clone(),
        });
    }
    if disabled.iter().any(|r| r == home) {
        return Err(RuleError::HomeRegion {
            region: home.to_owned(),
        });
    }
    Ok(())
}

/// The regions `after` disables that `before` had enabled.
pub(crate) fn newly_disabled(before: &Value, after: &Value) -> Vec<String> {
    let was = strings(&before["Enabled"]);
    strings(&after["Disabled"])
        .into_iter()
        .filter(|r| was.contains(r))
        .collect()
}

/// Security Hub runs in enabled regions only, each named once, and in at least one while
/// it is on.
pub(crate) fn check_security_hub(
    enabled: bool,
    configuration: &Value,
    allowed: &[String],
) -> Checked {
    let wanted = strings(&configuration["Standards"]["AWS_REGIONS"]);
    if let Some(region) = repeated(&wanted) {
        return Err(RuleError::Repeated {
            field: "AWS_REGIONS",
            region: region.clone(),
        });
    }
    if let Some(region) = wanted.iter().find(|r| !allowed.contains(r)) {
        return Err(RuleError::RegionNotEnabled {
            region: region.clone(),
        });
    }
    if enabled && wanted.is_empty() {
        return Err(RuleError::NoRegions);
    }
    Ok(())
}

/// GuardDuty manages the EKS runtime agent only where runtime monitoring is on.
pub(crate) fn check_guardduty(configuration: &Value) -> Checked {
    let eks = &configuration["Features"]["EKS_RUNTIME_MONITORING"];
    if eks["EKS_ADDON_MANAGEMENT"] == Value::Bool(true) && eks["Enable"] != Value::Bool(true) {
        return Err(RuleError::AddonWithoutMonitoring);
    }
    Ok(())
}

/// An account has at most one alternate contact of each type (billing, operations,
/// security), as AWS keeps them.
pub(crate) fn check_account(configuration: &Value) -> Checked {
    let kinds: Vec<String> = configuration["AlternateContacts"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| c["AlternateContactType"].as_str().unwrap_or("").to_owned())
        .collect();
    if let Some(kind) = repeated(&kinds) {
        return Err(RuleError::RepeatedContact { kind: kind.clone() });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::areas::services::model::{Service, default_settings};

    fn regions(enabled: &[&str], disabled: &[&str]) -> Value {
        json!({"Enabled": enabled, "Disabled": disabled})
    }

    #[test]
    fn defaults_keep_the_rules() {
        let (_, config) = default_settings(Service::Regions, "ap-southeast-2");
        assert_eq!(check_regions(&config, "ap-southeast-2"), Ok(()));
        // An installation whose home is an opt-in region has it enabled.
        let (_, config) = default_settings(Service::Regions, "ap-east-1");
        assert_eq!(check_regions(&config, "ap-east-1"), Ok(()));
        let (enabled, hub) = default_settings(Service::SecurityHub, "ap-southeast-2");
        assert_eq!(check_security_hub(enabled, &hub, &[]), Ok(()));
        let (_, duty) = default_settings(Service::GuardDuty, "ap-southeast-2");
        assert_eq!(check_guardduty(&duty), Ok(()));
    }

    #[test]
    fn regions_are_listed_once_each_and_the_home_stays() {
        let (_, config) = default_settings(Service::Regions, "ap-southeast-2");
        let mut enabled = strings(&config["Enabled"]);
        let mut disabled = strings(&config["Disabled"]);
        let check = |e: &[String], d: &[String]| {
            check_regions(&json!({"Enabled": e, "Disabled": d}), "ap-southeast-2")
        };
        let last = disabled.pop().unwrap();
        assert_eq!(
            check(&enabled, &disabled),
            Err(RuleError::Missing {
                missing: last.clone()
            })
        );
        disabled.push(last);
        disabled.push("eu-west-1".into());
        assert!(matches!(
            check(&enabled, &disabled),
            Err(RuleError::Repeated { region, .. }) if region == "eu-west-1"
        ));
        disabled.pop();
        let home = enabled.iter().position(|r| r == "ap-southeast-2").unwrap();
        disabled.push(enabled.remove(home));
        assert_eq!(
            check(&enabled, &disabled),
            Err(RuleError::HomeRegion {
                region: "ap-southeast-2".into()
            })
        );
        enabled.push(disabled.pop().unwrap());
        let never = disabled.iter().position(|r| r == "ap-northeast-3").unwrap();
        enabled.push(disabled.remove(never));
        assert_eq!(
            check(&enabled, &disabled),
            Err(RuleError::NeverEnabled {
                region: "ap-northeast-3".into()
            })
        );
    }

    #[test]
    fn newly_disabled_regions_are_those_enabled_before() {
        let before = regions(&["a", "b"], &["c"]);
        let after = regions(&["a"], &["b", "c"]);
        assert_eq!(newly_disabled(&before, &after), ["b"]);
    }

    #[test]
    fn services_stay_on_and_name_their_regions() {
        assert!(keep_enabled("GuardDuty", false, false).is_ok());
        assert!(keep_enabled("GuardDuty", true, true).is_ok());
        let err = keep_enabled("GuardDuty", true, false).unwrap_err();
        assert!(
            err.to_string().contains("GuardDuty cannot be disabled"),
            "{err}"
        );
        let hub = |regions: &[&str]| json!({"Standards": {"AWS_REGIONS": regions}});
        let allowed = vec!["ap-southeast-2".to_owned()];
        assert_eq!(
            check_security_hub(true, &hub(&["ap-southeast-2"]), &allowed),
            Ok(())
        );
        assert_eq!(
            check_security_hub(true, &hub(&[]), &allowed),
            Err(RuleError::NoRegions)
        );
        assert_eq!(check_security_hub(false, &hub(&[]), &allowed), Ok(()));
        assert_eq!(
            check_security_hub(true, &hub(&["ap-east-1"]), &allowed),
            Err(RuleError::RegionNotEnabled {
                region: "ap-east-1".into()
            })
        );
        assert!(matches!(
            check_security_hub(true, &hub(&["ap-southeast-2", "ap-southeast-2"]), &allowed),
            Err(RuleError::Repeated {
                field: "AWS_REGIONS",
                ..
            })
        ));
    }

    #[test]
    fn guardduty_and_account_checks() {
        let eks = |enable: bool, addon: bool| json!({"Features": {"EKS_RUNTIME_MONITORING": {"Enable": enable, "EKS_ADDON_MANAGEMENT": addon}}});
        assert_eq!(check_guardduty(&eks(true, true)), Ok(()));
        assert_eq!(check_guardduty(&eks(false, false)), Ok(()));
        assert_eq!(
            check_guardduty(&eks(false, true)),
            Err(RuleError::AddonWithoutMonitoring)
        );
        let contacts = |kinds: &[&str]| json!({"AlternateContacts": kinds.iter().map(|k| json!({"AlternateContactType": k})).collect::<Vec<_>>()});
        assert_eq!(check_account(&contacts(&["BILLING", "SECURITY"])), Ok(()));
        assert_eq!(check_account(&json!({})), Ok(()));
        assert_eq!(
            check_account(&contacts(&["BILLING", "BILLING"])),
            Err(RuleError::RepeatedContact {
                kind: "BILLING".into()
            })
        );
    }
}
