//! `services.*`: the organisation-wide configuration of Stax's services (account settings,
//! GuardDuty, guardrails, the organisation, regions, Security Hub, single sign-on).
//!
//! Every organisation has one configuration per service, made with it
//! ([`model::insert_defaults`]). Reads answer at once; a `Configure*` is a task that walks
//! the configuration's status `CONFIGURING` to `ACTIVE` (or `INACTIVE` when the service is
//! off), or `ERROR` when it fails. The rules of each service are in `rules.rs`; the wire side
//! in `handlers.rs`.

use serde_json::{Map, Value, json};

use super::doc::*;
use super::regions;
use super::resource;
use super::{Area, Operation};
use crate::roles::Allowed;

mod handlers;
pub(crate) mod model;
mod rules;

use model::{SERVICE_CONFIGURATION, Service};

pub(crate) const AREA: Area = Area {
    operations,
    schemas,
    kinds: &[SERVICE_CONFIGURATION],
};

/// The configuration component of each service.
fn component(service: Service) -> &'static str {
    match service {
        Service::SecurityHub => "SecurityHubConfiguration",
        Service::GuardDuty => "GuardDutyConfiguration",
        Service::Regions => "RegionsConfiguration",
        Service::Account => "AccountConfiguration",
        Service::Guardrails => "GuardrailsConfiguration",
        Service::Organization => "OrganizationConfiguration",
        Service::Sso => "SsoConfiguration",
    }
}

/// A service's operations: its path, the ids of its read and of its change (SSO has none),
/// which are also the names of their answer and body components.
struct ServiceOps {
    service: Service,
    path: &'static str,
    read: &'static str,
    configure: Option<&'static str>,
}

const SERVICE_OPS: [ServiceOps; 7] = [
    ServiceOps {
        service: Service::Account,
        path: "/20190206/services/account/configuration",
        read: "services.ReadAccountConfiguration",
        configure: Some("services.ConfigureAccount"),
    },
    ServiceOps {
        service: Service::GuardDuty,
        path: "/20190206/services/guardduty/configuration",
        read: "services.ReadGuardDutyConfiguration",
        configure: Some("services.ConfigureGuardDuty"),
    },
    ServiceOps {
        service: Service::Guardrails,
        path: "/20190206/services/guardrails/configuration",
        read: "services.ReadGuardrailsConfiguration",
        configure: Some("services.ConfigureGuardrails"),
    },
    ServiceOps {
        service: Service::Organization,
        path: "/20190206/services/organization/configuration",
        read: "services.ReadOrganizationConfiguration",
        configure: Some("services.ConfigureOrganization"),
    },
    ServiceOps {
        service: Service::Regions,
        path: "/20190206/services/regions/configuration",
        read: "services.ReadRegionsConfiguration",
        configure: Some("services.ConfigureRegions"),
    },
    ServiceOps {
        service: Service::SecurityHub,
        path: "/20190206/services/securityhub/configuration",
        read: "services.ReadSecurityHubConfiguration",
        configure: Some("services.ConfigureSecurityHub"),
    },
    ServiceOps {
        service: Service::Sso,
        path: "/20190206/services/sso/configuration",
        read: "services.ReadSsoConfiguration",
        configure: None,
    },
];

/// The services' operations: all configurations, then each service's read and change.
fn operations() -> Vec<Operation> {
    let mut ops = vec![
        Operation::new(
            "services.ReadConfigurations",
            "get",
            "/20190206/services/configuration",
            Allowed::READ,
            resource::read::<handlers::Configurations>,
        )
        .summary("Every service configuration of the organisation")
        .response("services.ReadConfigurations"),
    ];
    for ServiceOps {
        service,
        path,
        read,
        configure,
    } in SERVICE_OPS
    {
        ops.push(
            Operation::new(
                read,
                "get",
                path,
                Allowed::READ,
                handlers::read_configuration,
            )
            .summary(read_summary(service))
            .response(read)
            .errors(&[404]),
        );
        let Some(configure) = configure else {
            continue;
        };
        // A change of a service that may not be switched off again can be refused (400).
        let errors: &'static [u16] = if service == Service::Regions
            || service == Service::Account
            || service.stays_enabled()
        {
            &[400, 404, 409]
        } else {
            &[404, 409]
        };
        ops.push(
            Operation::new(configure, "put", path, Allowed::ADMIN, handlers::configure)
                .summary(configure_summary(service))
                .body(configure)
                .response("services.ConfigureEvent")
                .errors(errors),
        );
    }
    ops
}

fn read_summary(service: Service) -> &'static str {
    match service {
        Service::Account => "Settings every account of the organisation gets",
        Service::GuardDuty => "Whether GuardDuty watches the organisation, and how",
        Service::Guardrails => "Which pre-built guardrails the organisation enforces",
        Service::Organization => "Settings of the organisation as a whole",
        Service::Regions => "Which AWS regions the organisation may use",
        Service::SecurityHub => {
            "Whether Security Hub checks the organisation, where and against which standards"
        }
        Service::Sso => "How people sign in to the organisation (read-only here)",
    }
}

fn configure_summary(service: Service) -> &'static str {
    match service {
        Service::Account => "Change the settings every account gets (asynchronous)",
        Service::GuardDuty => {
            "Turn GuardDuty on or change its features; it cannot be turned off again (asynchronous)"
        }
        Service::Guardrails => "Choose the guardrails to enforce (asynchronous)",
        Service::Organization => "Change organisation-wide settings (asynchronous)",
        Service::Regions => "Enable and disable AWS regions; every region is listed (asynchronous)",
        Service::SecurityHub => {
            "Turn Security Hub on or change its standards and regions; it cannot be turned off again (asynchronous)"
        }
        Service::Sso => "",
    }
}

/// An object of optional booleans, nothing else.
fn switches(names: &[&str]) -> Value {
    let props: Map<String, Value> = names
        .iter()
        .map(|n| ((*n).to_owned(), json!({"type": "boolean"})))
        .collect();
    json!({"type": "object", "additionalProperties": false, "properties": props})
}

/// A feature of GuardDuty that is on or off.
fn feature(text: &str) -> Value {
    json!({"type": "object", "description": text, "required": ["Enable"],
           "properties": {"Enable": {"type": "boolean"}}})
}

/// EC2 instance tags that choose what malware scans cover: each entry one tag.
fn scan_tags(text: &str) -> Value {
    json!({
        "type": "object", "additionalProperties": false, "description": text,
        "required": ["EC2_INSTANCE_TAG"],
        "properties": {"EC2_INSTANCE_TAG": {"type": "array", "items": {
            "type": "object", "nullable": true, "minProperties": 1, "maxProperties": 1,
            "additionalProperties": {"type": "string", "maxLength": 256, "pattern": "^[a-zA-Z0-9+\\-=._:/@ ]*$"}
        }}}
    })
}

/// The guardrails Stax offers as service control policies.
const SCP_GUARDRAILS: [&str; 28] = [
    "ACCOUNT_BLOCK_CLOSING_ACCOUNT",
    "ACCOUNT_BLOCK_ENABLING_OR_DISABLING_REGIONS",
    "AWSCONFIG_BLOCK_CHANGES_TO_SERVICE",
    "EBS_BLOCK_DIRECT_API_CALLS",
    "EBS_BLOCK_DISABLING_DEFAULT_ENCRYPTION",
    "EBS_BLOCK_PUBLICLY_RESTORABLE_SNAPSHOTS",
    "EC2_BLOCK_MODIFYING_IMDS_DEFAULTS",
    "EC2_BLOCK_PUBLIC_ACCESS_ON_AMIS",
    "EC2_BLOCK_PUBLIC_ACCESS_ON_SNAPSHOTS",
    "EC2_REQUIRE_IMDSV2",
    "GUARDDUTY_BLOCK_CHANGES_TO_SERVICE",
    "IAM_BLOCK_CREATING_IAM_USER",
    "IAM_BLOCK_IAM_ACCESS_KEYS_AND_LOGIN_PROFILES",
    "IAM_BLOCK_MODIFYING_IAM_USER_PASSWORD_POLICIES",
    "IAM_BLOCK_ROOT_USER_ACCESS",
    "LAMBDA_REQUIRE_IAM_AUTH_FOR_LAMBDA_FUNCTION_URLS",
    "MACIE_BLOCK_SERVICE",
    "ORGANIZATIONS_BLOCK_LEAVING_AWS_ORGANISATION",
    "RAM_BLOCK_EXTERNAL_ACCESS_TO_RESOURCES",
    "ROUTE53_BLOCK_CHANGES_TO_DOMAIN",
    "S3_BLOCK_DELETING_GLACIER_VAULTS_AND_ARCHIVES",
    "S3_BLOCK_MODIFYING_ACCOUNT_WIDE_PUBLIC_ACCESS",
    "S3_REQUIRE_BUCKET_OWNERSHIP_FOR_OBJECTS_IN_NEW_BUCKETS",
    "SECURITYHUB_BLOCK_CHANGES_TO_SERVICE",
    "SSM_BLOCK_CHANGES_TO_PUBLIC_SHARING_SETTING",
    "SSM_BLOCK_MODIFYING_SESSION_MANAGER_DEFAULT_PREFERENCES",
    "VPC_BLOCK_CREATING_DEFAULT_VPC_AND_SUBNET",
    "VPC_BLOCK_DELETING_VPC_FLOW_LOGS",
];

fn schemas(s: &mut Map<String, Value>) {
    s.insert(
        "ServiceConfiguration".into(),
        json!({
            "type": "object",
            "description": "One service's configuration for the organisation.",
            "required": ["Id", "OrganisationId", "Service", "Enabled", "Exclusions", "Status"],
            "properties": {
                "Id": r("ro-uuidv4"),
                "OrganisationId": r("ro-uuidv4"),
                "Service": {"type": "string", "readOnly": true, "enum": Service::ALL.map(Service::name)},
                "Enabled": {"type": "boolean", "description": "Whether the service is on."},
                "Exclusions": {"type": "array", "nullable": true, "items": {"type": "string"}, "description": "What the service leaves out (always null here)."},
                "Status": status(&["ACTIVE", "INACTIVE", "CONFIGURING", "ERROR"], "ACTIVE when on, INACTIVE when off, CONFIGURING while a change runs, ERROR when the last change failed."),
                "CreatedBy": r("nullable-uuidv4"),
                "CreatedTS": timestamp("When the organisation got the configuration."),
                "ModifiedTS": timestamp("When it last changed."),
                "UserTaskId": r("nullable-uuidv4")
            }
        }),
    );
    for ops in &SERVICE_OPS {
        s.insert(
            ops.read.into(),
            json!({
                "allOf": [r("ServiceConfiguration")],
                "type": "object",
                "required": ["Configuration"],
                "properties": {"Configuration": r(component(ops.service))}
            }),
        );
    }
    let any_configuration: Vec<Value> = std::iter::once(json!({"nullable": true}))
        .chain(Service::ALL.map(|svc| r(component(svc))))
        .collect();
    s.insert(
        "services.ReadConfigurations".into(),
        json!({
            "type": "object",
            "additionalProperties": false,
            "required": ["ServiceConfigurations"],
            "properties": {"ServiceConfigurations": list_of(json!({
                "allOf": [r("ServiceConfiguration")],
                "type": "object",
                "required": ["Configuration"],
                "properties": {"Configuration": {"anyOf": any_configuration}}
            }))}
        }),
    );
    s.insert(
        "services.ConfigureEvent".into(),
        json!({
            "type": "object",
            "additionalProperties": false,
            "description": "A configuration change has started: the task that carries it out.",
            "required": ["DetailType", "Detail", "TaskId", "TraceId"],
            "properties": {
                "DetailType": {"type": "string"},
                "Detail": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["Message", "Operation", "OperationStatus", "Severity"],
                    "properties": {
                        "Message": {"type": "string"},
                        "Operation": {"type": "string"},
                        "OperationStatus": r("OperationStatus"),
                        "Severity": {"type": "string"}
                    }
                },
                "TaskId": r("ro-uuidv4"),
                "TraceId": {"type": "string"}
            }
        }),
    );
    let body = |configuration: &str, enabled: bool| {
        let mut props = json!({"Configuration": r(configuration)});
        let mut required = vec!["Configuration"];
        if enabled {
            props["Enabled"] = json!({"type": "boolean", "description": "Whether the service is to be on; once on, it stays on."});
            required.push("Enabled");
        }
        json!({"type": "object", "additionalProperties": false, "required": required, "properties": props})
    };
    s.insert(
        "services.ConfigureAccount".into(),
        body("AccountConfiguration", false),
    );
    s.insert(
        "services.ConfigureGuardDuty".into(),
        body("GuardDutyConfiguration", true),
    );
    s.insert(
        "services.ConfigureGuardrails".into(),
        body("GuardrailsConfiguration", false),
    );
    s.insert(
        "services.ConfigureOrganization".into(),
        body("OrganizationConfiguration", false),
    );
    s.insert(
        "services.ConfigureRegions".into(),
        body("RegionsConfiguration", false),
    );
    s.insert(
        "services.ConfigureSecurityHub".into(),
        body("SecurityHubConfiguration", true),
    );
    configuration_schemas(s);
}

/// The configuration of each service.
fn configuration_schemas(s: &mut Map<String, Value>) {
    s.insert(
        "AlternateContact".into(),
        json!({
            "type": "object",
            "additionalProperties": false,
            "description": "Someone AWS contacts about the account, besides its owner.",
            "required": ["AlternateContactType", "EmailAddress", "Name", "PhoneNumber", "Title"],
            "properties": {
                "AlternateContactType": {"type": "string", "enum": ["BILLING", "OPERATIONS", "SECURITY"]},
                "EmailAddress": {"type": "string", "minLength": 1, "maxLength": 254, "pattern": "^[\\s]*[\\w+=.#|!&-]+@[\\w.-]+\\.[\\w]+[\\s]*$"},
                "Name": {"type": "string", "minLength": 1, "maxLength": 64},
                "PhoneNumber": {"type": "string", "minLength": 1, "maxLength": 25, "pattern": "^[\\s0-9()+-]+$"},
                "Title": {"type": "string", "minLength": 1, "maxLength": 50}
            }
        }),
    );
    s.insert(
        "AccountConfiguration".into(),
        json!({
            "type": "object",
            "additionalProperties": false,
            "description": "Settings applied to every account of the organisation.",
            "properties": {
                "AlternateContacts": {"type": "array", "minItems": 1, "maxItems": 3, "items": r("AlternateContact")},
                "EC2": switches(&["EBSEncryptionByDefault", "ImageBlockPublicAccess", "InstanceRequireIMDSv2", "SnapshotBlockPublicAccess"]),
                "S3": switches(&["BlockPublicAccess"]),
                "SSM": switches(&["DocumentBlockPublicSharing"])
            }
        }),
    );
    s.insert(
        "GuardDutyConfiguration".into(),
        json!({
            "type": "object",
            "additionalProperties": false,
            "description": "How often GuardDuty publishes findings, and which of its features run.",
            "required": ["FindingPublishingFrequency", "Features"],
            "properties": {
                "FindingPublishingFrequency": {"type": "string", "enum": ["FIFTEEN_MINUTES", "ONE_HOUR", "SIX_HOURS"]},
                "Features": {
                    "type": "object",
                    "required": ["S3_DATA_EVENTS", "EKS_AUDIT_LOGS", "EBS_MALWARE_PROTECTION", "RDS_LOGIN_EVENTS", "EKS_RUNTIME_MONITORING", "LAMBDA_NETWORK_LOGS"],
                    "properties": {
                        "S3_DATA_EVENTS": feature("Findings from S3 data events."),
                        "EKS_AUDIT_LOGS": feature("Findings from Kubernetes audit logs."),
                        "RDS_LOGIN_EVENTS": feature("Findings from database logins."),
                        "LAMBDA_NETWORK_LOGS": feature("Findings from Lambda functions' network traffic."),
                        "EKS_RUNTIME_MONITORING": {
                            "type": "object",
                            "description": "Threat detection inside EKS nodes and containers; the agent can be managed by GuardDuty.",
                            "required": ["Enable", "EKS_ADDON_MANAGEMENT"],
                            "properties": {
                                "Enable": {"type": "boolean"},
                                "EKS_ADDON_MANAGEMENT": {"type": "boolean", "nullable": true}
                            }
                        },
                        "EBS_MALWARE_PROTECTION": {
                            "type": "object",
                            "description": "Malware scans of EBS volumes, chosen by instance tags.",
                            "required": ["Enable", "EbsSnapshotPreservation", "ScanResourceCriteria"],
                            "properties": {
                                "Enable": {"type": "boolean"},
                                "EbsSnapshotPreservation": {"type": "string", "nullable": true, "enum": ["NO_RETENTION", "RETENTION_WITH_FINDING"]},
                                "ScanResourceCriteria": {"oneOf": [
                                    {"type": "object", "additionalProperties": false, "required": ["Include"],
                                     "properties": {"Include": scan_tags("Scan only instances with one of these tags.")}},
                                    {"type": "object", "additionalProperties": false, "required": ["Exclude"],
                                     "properties": {"Exclude": scan_tags("Scan every instance but those with one of these tags.")}}
                                ]}
                            }
                        }
                    }
                }
            }
        }),
    );
    s.insert(
        "GuardrailsConfiguration".into(),
        json!({
            "type": "object",
            "additionalProperties": false,
            "description": "Pre-built guardrails, each on or off: as service control policies (SCP) and resource control policies (RCP, none offered yet).",
            "required": ["SCP", "RCP"],
            "properties": {
                "SCP": switches(&SCP_GUARDRAILS),
                "RCP": {"type": "object", "additionalProperties": false}
            }
        }),
    );
    s.insert(
        "OrganizationConfiguration".into(),
        json!({
            "type": "object",
            "additionalProperties": false,
            "description": "Settings of the organisation as a whole.",
            "properties": {"BEDROCK_ALLOW_CROSS_REGIONAL_ACCESS": {"type": "boolean"}}
        }),
    );
    s.insert(
        "RegionsConfiguration".into(),
        json!({
            "type": "object",
            "additionalProperties": false,
            "description": "Every AWS region, each either enabled or disabled for the organisation.",
            "required": ["Enabled", "Disabled"],
            "properties": {
                "Enabled": list_of(r("AwsRegion")),
                "Disabled": list_of(r("AwsRegion"))
            }
        }),
    );
    let mut standards = switches(&[
        "AWS_FOUNDATIONAL_SECURITY_BEST_PRACTICES_1_0_0",
        "AWS_RESOURCE_TAGGING_STANDARD_1_0_0",
        "CIS_AWS_FOUNDATIONS_BENCHMARK_1_2_0",
        "CIS_AWS_FOUNDATIONS_BENCHMARK_1_4_0",
        "CIS_AWS_FOUNDATIONS_BENCHMARK_3_0_0",
        "CIS_AWS_FOUNDATIONS_BENCHMARK_5_0_0",
        "NIST_SP_800_171_REVISION_2",
        "NIST_SP_800_53_REVISION_5",
        "PCI_DSS_3_2_1",
        "PCI_DSS_4_0_1",
    ]);
    standards["properties"]["AWS_REGIONS"] = json!({"type": "array", "items": r("AwsRegion"), "description": "Where Security Hub checks the standards."});
    standards["required"] = json!([
        "AWS_FOUNDATIONAL_SECURITY_BEST_PRACTICES_1_0_0",
        "AWS_REGIONS",
        "CIS_AWS_FOUNDATIONS_BENCHMARK_1_2_0",
        "CIS_AWS_FOUNDATIONS_BENCHMARK_1_4_0",
        "PCI_DSS_3_2_1"
    ]);
    s.insert(
        "SecurityHubConfiguration".into(),
        json!({
            "type": "object",
            "additionalProperties": false,
            "description": "The standards Security Hub checks, and the regions it checks them in.",
            "required": ["Standards"],
            "properties": {"Standards": standards}
        }),
    );
    // Where IAM Identity Center may run: any region but a disabled one (or none).
    let sso_regions: Vec<&str> = regions::DEFAULT
        .into_iter()
        .chain(regions::OPT_IN)
        .collect();
    let on = |extra: Value| {
        let mut props = json!({"ENABLED": {"type": "boolean"}});
        let mut required = vec![json!("ENABLED")];
        for (k, v) in extra.as_object().into_iter().flatten() {
            props[k] = v.clone();
            required.push(json!(k));
        }
        json!({"type": "object", "additionalProperties": false, "required": required, "properties": props})
    };
    s.insert(
        "SsoConfiguration".into(),
        json!({
            "type": "object",
            "additionalProperties": false,
            "description": "How people sign in: Stax's own logins, a SAML provider, IAM Identity Center, and whether MFA is required.",
            "required": ["IAM_IDENTITY_CENTRE", "LOCAL", "SAML", "MFA"],
            "properties": {
                "LOCAL": on(json!({})),
                "SAML": on(json!({"METADATA_URL": {"type": "string", "nullable": true}})),
                "IAM_IDENTITY_CENTRE": on(json!({
                    "AWS_ACCOUNT_ID": {"type": "string", "nullable": true, "minLength": 12, "maxLength": 12, "pattern": "^\\d{12,12}$"},
                    "AWS_IDENTITY_STORE_ID": {"type": "string", "nullable": true, "minLength": 1, "maxLength": 64, "pattern": "^[a-zA-Z0-9-]*"},
                    "AWS_INSTANCE_ID": {"type": "string", "nullable": true, "minLength": 16, "maxLength": 23, "pattern": "^(sso)?ins-[a-zA-Z0-9-.]{16}"},
                    "AWS_REGION": {"type": "string", "nullable": true, "enum": sso_regions}
                })),
                "MFA": {"type": "object", "additionalProperties": false, "required": ["REQUIRED"], "properties": {"REQUIRED": {"type": "boolean"}}}
            }
        }),
    );
}
