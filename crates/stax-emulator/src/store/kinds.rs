//! The kinds of stored resources: the names rows of the `resources` table are filed under.
//!
//! They live here, below every area, because areas read each other's resources (an account
//! names its organisational unit and type, a workload its account, ...). An area whose
//! resources no other area reads may keep its kinds to itself.

/// The organisation (one).
pub(crate) const ORGANISATION: &str = "organisation";
/// Organisational units.
pub(crate) const OU: &str = "organisational_unit";
/// AWS accounts.
pub(crate) const ACCOUNT: &str = "account";
/// Account types.
pub(crate) const ACCOUNT_TYPE: &str = "account_type";
/// People.
pub(crate) const USER: &str = "user";
/// Groups of people.
pub(crate) const GROUP: &str = "group";
/// API tokens (their Cognito users are in the `pool_users` table).
pub(crate) const API_TOKEN: &str = "api_token";
/// Service control policies.
pub(crate) const POLICY: &str = "policy";
/// Attachments of policies to the organisation, units and accounts.
pub(crate) const ATTACHMENT: &str = "policy_attachment";
/// Workload catalogue items.
pub(crate) const CATALOGUE: &str = "workload_catalogue";
/// Versions of catalogue items.
pub(crate) const VERSION: &str = "workload_catalogue_version";
/// Deployed workloads.
pub(crate) const WORKLOAD: &str = "workload";
