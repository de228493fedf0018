//! The AWS managed policies a permission set may attach: a catalogue of the common ones, by
//! their real names, paths and ARNs (`arn:aws:iam::aws:policy<path><name>`). Their ids, versions
//! and dates are the emulator's own.

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// `(name, path, year created)` of each policy, by path then name.
const POLICIES: [(&str, &str, u16); 62] = [
    ("AWSBillingReadOnlyAccess", "/", 2019),
    ("AWSCloudFormationFullAccess", "/", 2019),
    ("AWSCloudFormationReadOnlyAccess", "/", 2015),
    ("AWSCloudTrail_FullAccess", "/", 2021),
    ("AWSCloudTrail_ReadOnlyAccess", "/", 2021),
    ("AWSCodeCommitPowerUser", "/", 2015),
    ("AWSCodePipeline_FullAccess", "/", 2020),
    ("AWSConfigUserAccess", "/", 2015),
    ("AWSKeyManagementServicePowerUser", "/", 2015),
    ("AWSLambda_FullAccess", "/", 2020),
    ("AWSLambda_ReadOnlyAccess", "/", 2020),
    ("AWSOrganizationsReadOnlyAccess", "/", 2016),
    ("AWSSecurityHubReadOnlyAccess", "/", 2018),
    ("AWSSupportAccess", "/", 2015),
    ("AdministratorAccess", "/", 2015),
    ("AmazonAthenaFullAccess", "/", 2016),
    ("AmazonDynamoDBFullAccess", "/", 2015),
    ("AmazonDynamoDBReadOnlyAccess", "/", 2015),
    ("AmazonEC2ContainerRegistryPowerUser", "/", 2015),
    ("AmazonEC2ContainerRegistryReadOnly", "/", 2015),
    ("AmazonEC2FullAccess", "/", 2015),
    ("AmazonEC2ReadOnlyAccess", "/", 2015),
    ("AmazonECS_FullAccess", "/", 2019),
    ("AmazonEKSClusterPolicy", "/", 2018),
    ("AmazonElastiCacheReadOnlyAccess", "/", 2015),
    ("AmazonGuardDutyReadOnlyAccess", "/", 2017),
    ("AmazonRDSFullAccess", "/", 2015),
    ("AmazonRDSReadOnlyAccess", "/", 2015),
    ("AmazonRedshiftReadOnlyAccess", "/", 2015),
    ("AmazonRoute53FullAccess", "/", 2015),
    ("AmazonRoute53ReadOnlyAccess", "/", 2015),
    ("AmazonS3FullAccess", "/", 2015),
    ("AmazonS3ReadOnlyAccess", "/", 2015),
    ("AmazonSNSFullAccess", "/", 2015),
    ("AmazonSNSReadOnlyAccess", "/", 2015),
    ("AmazonSQSFullAccess", "/", 2015),
    ("AmazonSQSReadOnlyAccess", "/", 2015),
    ("AmazonSSMFullAccess", "/", 2015),
    ("AmazonSSMReadOnlyAccess", "/", 2015),
    ("AmazonVPCFullAccess", "/", 2015),
    ("AmazonVPCReadOnlyAccess", "/", 2015),
    ("CloudWatchFullAccess", "/", 2015),
    ("CloudWatchLogsReadOnlyAccess", "/", 2015),
    ("CloudWatchReadOnlyAccess", "/", 2015),
    ("IAMFullAccess", "/", 2015),
    ("IAMReadOnlyAccess", "/", 2015),
    ("IAMUserChangePassword", "/", 2016),
    ("PowerUserAccess", "/", 2015),
    ("ReadOnlyAccess", "/", 2015),
    ("SecretsManagerReadWrite", "/", 2018),
    ("SecurityAudit", "/", 2015),
    ("AWSSupportServiceRolePolicy", "/aws-service-role/", 2018),
    ("Billing", "/job-function/", 2016),
    ("DataScientist", "/job-function/", 2016),
    ("DatabaseAdministrator", "/job-function/", 2016),
    ("NetworkAdministrator", "/job-function/", 2016),
    ("SupportUser", "/job-function/", 2016),
    ("SystemAdministrator", "/job-function/", 2016),
    ("ViewOnlyAccess", "/job-function/", 2016),
    ("AWSLambdaBasicExecutionRole", "/service-role/", 2015),
    ("AWS_ConfigRole", "/service-role/", 2020),
    ("AmazonEC2RoleforSSM", "/service-role/", 2015),
];

/// The ARN of an AWS managed policy.
fn arn(name: &str, path: &str) -> String {
    format!("arn:aws:iam::aws:policy{path}{name}")
}

/// Whether `policy_arn` is one of the catalogue's policies that may be attached to a role
/// (service-linked role policies may not).
pub(super) fn attachable(policy_arn: &str) -> bool {
    POLICIES
        .iter()
        .any(|(name, path, _)| arn(name, path) == policy_arn && *path != "/aws-service-role/")
}

/// An id in IAM's form for policies (`ANPA` and 17 letters or digits), the same for a name
/// every time.
fn policy_id(name: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let digest = Sha256::digest(name.as_bytes());
    let tail: String = digest
        .iter()
        .take(17)
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect();
    format!("ANPA{tail}")
}

/// Every policy as listed, with how many permission sets attach it (`count(arn)`).
pub(super) fn records(count: impl Fn(&str) -> usize) -> Vec<Value> {
    POLICIES
        .iter()
        .map(|(name, path, year)| {
            let arn = arn(name, path);
            let digest = Sha256::digest(name.as_bytes());
            let versions = 1 + digest[0] % 12;
            json!({
                "PolicyName": name,
                "PolicyId": policy_id(name),
                "Arn": arn,
                "Path": path,
                "DefaultVersionId": format!("v{versions}"),
                "AttachmentCount": count(&arn),
                "PermissionsBoundaryUsageCount": 0,
                "IsAttachable": *path != "/aws-service-role/",
                "CreateDate": format!("{year}-0{}-1{}T09:30:00Z", 1 + digest[1] % 9, digest[2] % 9),
                "UpdateDate": format!("2024-0{}-2{}T03:15:00Z", 1 + digest[3] % 9, digest[4] % 9),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalogue_holds_the_usual_policies() {
        assert!(attachable("arn:aws:iam::aws:policy/ReadOnlyAccess"));
        assert!(attachable(
            "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"
        ));
        assert!(!attachable("arn:aws:iam::aws:policy/ViewOnlyAccess"));
        assert!(!attachable(
            "arn:aws:iam::aws:policy/aws-service-role/AWSSupportServiceRolePolicy"
        ));
        let records = records(|_| 0);
        assert_eq!(records.len(), POLICIES.len());
        let mut names: Vec<&str> = POLICIES.iter().map(|(n, _, _)| *n).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), POLICIES.len(), "no policy twice");
        for r in &records {
            let id = r["PolicyId"].as_str().unwrap();
            assert_eq!(id.len(), 21, "{id}");
            assert!(r["CreateDate"].as_str().unwrap().ends_with('Z'));
        }
    }
}
