//! Who may call what: Stax's roles, ranked, and the rule each operation states.
//!
//! Stax names two families of roles: those of people (`customer_*`) and those of API tokens
//! (`api_*`). The emulator ranks both on one ladder:
//!
//! | level | roles |
//! |---|---|
//! | admin | `customer_root`, `customer_admin`, `api_admin` |
//! | operations | `customer_operations`, `api_operations` |
//! | user | `customer_user`, `api_user` |
//! | read-only | `customer_readonly`, `customer_costadmin`, `api_readonly` |
//!
//! Every operation states the lowest level allowed to call it ([`Allowed`]): reads are open to
//! every level, changes need at least `user`, `operations` or `admin` (managing API tokens, users
//! and groups). Nobody grants a role above their own ([`grantable`]).

use std::fmt;

/// A role of Stax.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Role {
    CustomerRoot,
    CustomerAdmin,
    CustomerOperations,
    CustomerUser,
    CustomerReadonly,
    CustomerCostadmin,
    ApiAdmin,
    ApiOperations,
    ApiUser,
    ApiReadonly,
}

/// The rungs of the ladder, lowest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Level {
    /// Reads only.
    ReadOnly,
    /// Workloads and the workload catalogue.
    User,
    /// Accounts, account types, organisational units and policies.
    Operations,
    /// API tokens, users, groups and who may reach which account type.
    Admin,
}

impl Level {
    /// The level's name as the served document and refusals say it.
    pub fn name(self) -> &'static str {
        match self {
            Level::ReadOnly => "read-only",
            Level::User => "user",
            Level::Operations => "operations",
            Level::Admin => "admin",
        }
    }
}

impl Role {
    /// Every role, people's first.
    pub const ALL: [Role; 10] = [
        Role::CustomerRoot,
        Role::CustomerAdmin,
        Role::CustomerOperations,
        Role::CustomerUser,
        Role::CustomerReadonly,
        Role::CustomerCostadmin,
        Role::ApiAdmin,
        Role::ApiOperations,
        Role::ApiUser,
        Role::ApiReadonly,
    ];

    /// The role's name on the wire (`api_admin`).
    pub fn name(self) -> &'static str {
        match self {
            Role::CustomerRoot => "customer_root",
            Role::CustomerAdmin => "customer_admin",
            Role::CustomerOperations => "customer_operations",
            Role::CustomerUser => "customer_user",
            Role::CustomerReadonly => "customer_readonly",
            Role::CustomerCostadmin => "customer_costadmin",
            Role::ApiAdmin => "api_admin",
            Role::ApiOperations => "api_operations",
            Role::ApiUser => "api_user",
            Role::ApiReadonly => "api_readonly",
        }
    }

    /// The role named `name`, if Stax has one.
    pub fn parse(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.name() == name)
    }

    /// Where the role stands on the ladder.
    pub fn level(self) -> Level {
        match self {
            Role::CustomerRoot | Role::CustomerAdmin | Role::ApiAdmin => Level::Admin,
            Role::CustomerOperations | Role::ApiOperations => Level::Operations,
            Role::CustomerUser | Role::ApiUser => Level::User,
            Role::CustomerReadonly | Role::CustomerCostadmin | Role::ApiReadonly => Level::ReadOnly,
        }
    }

    /// Above the other role (`customer_root` stands above the admins).
    fn rank(self) -> u8 {
        match self {
            Role::CustomerRoot => 5,
            other => other.level() as u8 + 1,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Who may call an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Allowed {
    /// Anyone, without a signature.
    Public,
    /// A signed-in caller whose role stands at this level or above.
    AtLeast(Level),
}

impl Allowed {
    /// Every signed-in caller.
    pub const READ: Allowed = Allowed::AtLeast(Level::ReadOnly);
    /// Callers who may change workloads and the catalogue.
    pub const USER: Allowed = Allowed::AtLeast(Level::User);
    /// Callers who may change the organisation's structure.
    pub const OPERATIONS: Allowed = Allowed::AtLeast(Level::Operations);
    /// Administrators.
    pub const ADMIN: Allowed = Allowed::AtLeast(Level::Admin);

    /// Whether no signature is needed.
    pub fn is_public(self) -> bool {
        self == Allowed::Public
    }

    /// The roles allowed, by name (none for a public operation: no role is needed).
    pub fn role_names(self) -> Vec<&'static str> {
        match self {
            Allowed::Public => Vec::new(),
            Allowed::AtLeast(level) => Role::ALL
                .into_iter()
                .filter(|r| r.level() >= level)
                .map(Role::name)
                .collect(),
        }
    }

    /// Refuses a caller whose role is unknown or too low, with a sentence saying why.
    pub fn admits(self, operation: &str, caller: Option<&Caller>) -> Result<(), String> {
        let Allowed::AtLeast(level) = self else {
            return Ok(());
        };
        let Some(caller) = caller else {
            return Err(format!("{operation} needs a signed-in caller"));
        };
        match caller.role {
            Some(role) if role.level() >= level => Ok(()),
            Some(role) => Err(format!(
                "Role {role} may not call {operation}: it needs a role of {} level or above ({})",
                level.name(),
                self.role_names().join(", ")
            )),
            None if caller.access_key.is_empty() => {
                Err("The API token that signed this request no longer exists".to_owned())
            }
            None => Err(format!(
                "The API token {} that signed this request no longer exists",
                caller.access_key
            )),
        }
    }
}

/// Refuses granting `wanted` (to a new or changed token or user) unless it stands at or below
/// the granter's own role. A role name Stax does not have is left to the body's validation.
pub(crate) fn grantable(granter: Option<Role>, wanted: &str) -> Result<(), String> {
    let Some(wanted) = Role::parse(wanted) else {
        return Ok(());
    };
    match granter {
        Some(own) if wanted.rank() <= own.rank() => Ok(()),
        Some(own) => Err(format!(
            "Role {own} may not grant {wanted}, a role above its own"
        )),
        None => Err(format!(
            "Only a known caller may grant a role, and {wanted} is one"
        )),
    }
}

/// The API token that signed a request, as the SigV4 check found it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Caller {
    /// The token's access key (its id).
    pub access_key: String,
    /// The token's role; `None` when the token was deleted since it signed in.
    pub role: Option<Role>,
    /// The organisation the token belongs to: every read and write of the call is scoped to
    /// it.
    pub organisation: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller(role: &str) -> Caller {
        Caller {
            access_key: "k".into(),
            role: Role::parse(role),
            organisation: "o".into(),
        }
    }

    #[test]
    fn levels_admit_their_roles_and_above() {
        assert!(
            Allowed::READ
                .admits("x", Some(&caller("api_readonly")))
                .is_ok()
        );
        assert!(
            Allowed::USER
                .admits("x", Some(&caller("api_readonly")))
                .is_err()
        );
        assert!(Allowed::USER.admits("x", Some(&caller("api_user"))).is_ok());
        assert!(
            Allowed::OPERATIONS
                .admits("x", Some(&caller("api_user")))
                .is_err()
        );
        assert!(
            Allowed::ADMIN
                .admits("x", Some(&caller("api_admin")))
                .is_ok()
        );
        assert!(
            Allowed::ADMIN
                .admits("x", Some(&caller("customer_costadmin")))
                .is_err()
        );
        assert!(Allowed::READ.admits("x", None).is_err());
        assert!(Allowed::Public.admits("x", None).is_ok());
        let gone = Caller {
            access_key: "k".into(),
            role: None,
            organisation: "o".into(),
        };
        assert!(
            Allowed::READ
                .admits("x", Some(&gone))
                .unwrap_err()
                .contains("no longer exists")
        );
        assert_eq!(
            Allowed::ADMIN.role_names(),
            ["customer_root", "customer_admin", "api_admin"]
        );
        assert!(Allowed::Public.role_names().is_empty());
        assert_eq!(Allowed::READ.role_names().len(), Role::ALL.len());
    }

    #[test]
    fn nobody_grants_above_their_own_role() {
        let admin = Role::parse("api_admin");
        assert!(grantable(admin, "api_admin").is_ok());
        assert!(grantable(admin, "customer_admin").is_ok());
        assert!(grantable(admin, "customer_root").is_err());
        let ops = Role::parse("api_operations");
        assert!(grantable(ops, "api_user").is_ok());
        assert!(grantable(ops, "api_operations").is_ok());
        assert!(grantable(ops, "api_admin").is_err());
        assert!(grantable(Role::parse("api_readonly"), "customer_user").is_err());
        assert!(grantable(None, "api_user").is_err());
        assert!(grantable(ops, "no_such_role").is_ok());
        for role in Role::ALL {
            assert_eq!(Role::parse(role.name()), Some(role));
        }
    }
}
