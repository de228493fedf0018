//! The AWS regions Stax knows, in the three groups its API names: regions every account has
//! (`DefaultAwsRegion`), regions an account opts in to (`OptInAwsRegion`) and the one Stax
//! keeps disabled (`DisabledAwsRegion`). Facts, shared by the areas that take a region
//! (services' region and Security Hub configurations, networking, the served documents).

/// Regions enabled in every AWS account.
pub(crate) const DEFAULT: [&str; 16] = [
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-south-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "ca-central-1",
    "eu-central-1",
    "eu-north-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
];

/// Regions an account must opt in to.
pub(crate) const OPT_IN: [&str; 11] = [
    "af-south-1",
    "ap-east-1",
    "ap-south-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "eu-central-2",
    "eu-south-1",
    "eu-south-2",
    "il-central-1",
    "me-central-1",
    "me-south-1",
];

/// Regions Stax keeps disabled: they may be listed, never enabled.
pub(crate) const DISABLED: [&str; 1] = ["ap-northeast-3"];

/// Every region Stax knows: default, opt-in, then disabled ones.
pub(crate) fn all() -> impl Iterator<Item = &'static str> {
    DEFAULT.into_iter().chain(OPT_IN).chain(DISABLED)
}

/// Whether Stax knows `region` (exactly, in lower case).
pub(crate) fn is_known(region: &str) -> bool {
    all().any(|r| r == region)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_are_disjoint_and_complete() {
        let every: Vec<&str> = all().collect();
        assert_eq!(every.len(), 28);
        let mut unique = every.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), every.len(), "a region is in two groups");
        assert!(is_known("ap-southeast-2") && is_known("ap-northeast-3"));
        assert!(!is_known("AP-SOUTHEAST-2") && !is_known("mars-north-1"));
    }
}
