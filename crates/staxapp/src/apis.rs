//! The Stax APIs a client talks to: the core API (version 20190206) and the Permission Sets API
//! (version 20210321, PARITY.md B7).
//!
//! Each API has a base URL (its host and version segment), its own OpenAPI document (fetched
//! from its own public document operation, or read from a file) and its own way of naming
//! operations. Sign-in and signing are shared: one API token, one set of temporary
//! credentials, the installation's signing region.
//!
//! | API | base URL | document | services |
//! |---|---|---|---|
//! | [`Api::Core`] | `https://api.<installation>/20190206` | `GET /public/oas3-document` | `x-stax-sdk-operation-id` = `service.Operation` |
//! | [`Api::PermissionSets`] | `https://api.idam.<installation>/20210321` | `GET /public/api-document` | one service, `permission-sets`; operations are the `operationId`s |
//!
//! With an endpoint override (`STAX_ENDPOINT`, the emulator) both APIs live under that one
//! endpoint, each at its version prefix.
//!
//! ```
//! use staxapp::Api;
//!
//! assert_eq!(Api::for_service("accounts"), Api::Core);
//! assert_eq!(Api::for_service("permission-sets"), Api::PermissionSets);
//! assert_eq!(Api::for_service("PermissionSets"), Api::PermissionSets);
//! assert_eq!(Api::PermissionSets.version(), "20210321");
//! ```

use crate::schema::Layout;

/// The service name of the Permission Sets API.
pub const PERMISSION_SETS_SERVICE: &str = "permission-sets";

/// One of the Stax APIs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Api {
    /// The core Stax API, version 20190206: accounts, organisations, teams, workloads, ...
    Core,
    /// The Permission Sets API, version 20210321, on the installation's `api.idam.` host.
    PermissionSets,
}

impl Api {
    /// Every API, core first.
    pub const ALL: [Api; 2] = [Api::Core, Api::PermissionSets];

    /// The version segment every path of the API starts with, e.g. `20190206`.
    pub const fn version(self) -> &'static str {
        match self {
            Api::Core => "20190206",
            Api::PermissionSets => "20210321",
        }
    }

    /// The first label(s) of the API's host before the installation: `api.` or `api.idam.`.
    pub fn host_prefix(self) -> &'static str {
        match self {
            Api::Core => "api.",
            Api::PermissionSets => "api.idam.",
        }
    }

    /// The path, after the base URL, of the unauthenticated operation that serves the API's
    /// own OpenAPI document.
    pub fn document_path(self) -> &'static str {
        match self {
            Api::Core => "/public/oas3-document",
            Api::PermissionSets => "/public/api-document",
        }
    }

    /// The one service the API's operations belong to, when the API has a single one
    /// (`permission-sets`); `None` for the core API, whose document names its services.
    pub fn service(self) -> Option<&'static str> {
        match self {
            Api::Core => None,
            Api::PermissionSets => Some(PERMISSION_SETS_SERVICE),
        }
    }

    /// A short name for messages and settings, e.g. `core` or `permission-sets`.
    pub fn name(self) -> &'static str {
        match self {
            Api::Core => "core",
            Api::PermissionSets => PERMISSION_SETS_SERVICE,
        }
    }

    /// The API a service belongs to: `permission-sets` (any case, `-`/`_` or none between
    /// the words) is the Permission Sets API; every other name is looked up in the core
    /// document.
    pub fn for_service(service: &str) -> Api {
        let folded = service
            .chars()
            .filter(|c| *c != '-' && *c != '_')
            .flat_map(char::to_lowercase);
        if folded.eq("permissionsets".chars()) {
            Api::PermissionSets
        } else {
            Api::Core
        }
    }

    /// How the API's document is read: the core document names its services itself; the
    /// Permission Sets document's paths are relative to its `/20210321` server and every
    /// operation belongs to `permission-sets`.
    pub fn layout(self) -> Layout {
        match self {
            Api::Core => Layout::default(),
            Api::PermissionSets => {
                Layout::one_service(PERMISSION_SETS_SERVICE, format!("/{}", self.version()))
            }
        }
    }
}

impl std::fmt::Display for Api {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} API ({})", self.name(), self.version())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_names_fold() {
        for name in [
            "permission-sets",
            "permission_sets",
            "PERMISSION-SETS",
            "permissionsets",
        ] {
            assert_eq!(Api::for_service(name), Api::PermissionSets, "{name}");
        }
        for name in ["accounts", "permission", "permission-sets-x", ""] {
            assert_eq!(Api::for_service(name), Api::Core, "{name}");
        }
    }

    #[test]
    fn layouts() {
        assert_eq!(Api::Core.layout(), Layout::default());
        let layout = Api::PermissionSets.layout();
        assert_eq!(layout.service.as_deref(), Some("permission-sets"));
        assert_eq!(layout.path_prefix.as_deref(), Some("/20210321"));
    }
}
