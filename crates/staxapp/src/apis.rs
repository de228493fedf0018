//! The Stax APIs a client talks to, as a table: one [`ApiSpec`] entry per API.
//!
//! Each entry says everything that differs between APIs: the service name(s), the version
//! segment every path starts with, the host label before the installation, where the API
//! serves its own OpenAPI document, the environment variable naming a local copy of it, how
//! its lists page and how its errors look. [`Config`](crate::Config) and
//! [`Session`](crate::Session) keep their per-API values (base URL, host, document source,
//! loaded document) indexed by [`Api`], so adding an API is one entry (and its tests).
//!
//! | API | base URL | document | services | pages by | errors |
//! |---|---|---|---|---|---|
//! | [`Api::CORE`] | `https://api.<installation>/20190206` | `GET /public/oas3-document` (`STAX_SCHEMA`) | the document's `x-stax-sdk-operation-id` = `service.Operation` | `offset` / `Paging.NextOffset` | `{"Error": "..."}` |
//! | [`Api::PERMISSION_SETS`] | `https://api.idam.<installation>/20210321` | `GET /public/api-document` (`STAX_PERMISSION_SETS_SCHEMA`) | one, `permission-sets`; operations are the `operationId`s | `page_token` / `Paging.NextToken` | `{"Error": {"Code", "Message"}}` |
//!
//! With an endpoint override (`STAX_ENDPOINT`, the emulator) every API lives under that one
//! endpoint, each at its version prefix. Sign-in and signing are shared: one API token, one
//! set of temporary credentials, the installation's signing region.
//!
//! A program (or a test) may add an API of its own to a configuration with
//! [`ConfigBuilder::api`](crate::ConfigBuilder::api): a `static` entry is all it takes.
//!
//! ```
//! use staxapp::apis::{Api, ApiSpec, ErrorShape, PagingKind, Services};
//!
//! static WIDGETS: ApiSpec = ApiSpec {
//!     name: "widgets",
//!     services: Services::One("widgets"),
//!     version: "20991231",
//!     host_prefix: "api.widgets.",
//!     document_path: "/public/api-document",
//!     schema_env: "STAX_WIDGETS_SCHEMA",
//!     paging: PagingKind::Token,
//!     errors: ErrorShape::Coded,
//! };
//! let widgets = Api::new(&WIDGETS);
//! assert_eq!(widgets.version(), "20991231");
//! assert_eq!(Api::find(&[Api::CORE, widgets], "Widgets"), widgets);
//! assert_eq!(Api::find(&[Api::CORE, widgets], "accounts"), Api::CORE);
//! assert_eq!(Api::find(&Api::BUILT_IN, "permission_sets"), Api::PERMISSION_SETS);
//! ```

use std::cmp::Ordering;
use std::hash::{Hash, Hasher};

use stax_openapi::operations::Layout;

/// The service name of the Permission Sets API.
pub const PERMISSION_SETS_SERVICE: &str = "permission-sets";

/// Which services an API's operations belong to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Services {
    /// The document names them: `x-stax-sdk-operation-id` = `service.Operation` (or
    /// `operationId` in older documents); paths are written from the host.
    FromDocument,
    /// Every operation belongs to this one service and is named by its `operationId`; paths
    /// are relative to the API's `/<version>` server.
    One(&'static str),
}

/// How an API's list operations page when they do not declare a `page_token` parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PagingKind {
    /// `offset` and `limit` in, `Paging.NextOffset` out (the core API).
    Offset,
    /// `page_token` (and `limit`) in, `Paging.NextToken` out; an operation without
    /// `page_token` answers in one page (the Permission Sets API).
    Token,
}

/// How an API writes the words of an error body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorShape {
    /// `{"Error": "...", "Cause"?: "..."}` (the core API).
    Text,
    /// `{"Error": {"Code": <status>, "Message": "..."}}` (the Permission Sets API).
    Coded,
}

impl ErrorShape {
    /// The server's words in an error body of this shape, if they are where the shape puts
    /// them.
    ///
    /// ```
    /// use serde_json::json;
    /// use staxapp::apis::ErrorShape;
    ///
    /// assert_eq!(ErrorShape::Text.words(&json!({"Error": "Account not found"})), Some("Account not found"));
    /// assert_eq!(ErrorShape::Coded.words(&json!({"Error": {"Code": 404, "Message": "No set"}})), Some("No set"));
    /// assert_eq!(ErrorShape::Coded.words(&json!({"Error": "flat"})), None);
    /// ```
    pub fn words(self, body: &serde_json::Value) -> Option<&str> {
        match self {
            ErrorShape::Text => body.get("Error")?.as_str(),
            ErrorShape::Coded => body.get("Error")?.get("Message")?.as_str(),
        }
    }
}

/// One entry of the table of APIs: everything that differs between two Stax APIs.
#[derive(Debug, PartialEq, Eq)]
pub struct ApiSpec {
    /// A short, unique name for messages and settings, e.g. `core` or `permission-sets`.
    pub name: &'static str,
    /// Which services its operations belong to.
    pub services: Services,
    /// The version segment every path of the API starts with, e.g. `20190206`.
    pub version: &'static str,
    /// The first label(s) of its host before the installation: `api.` or `api.idam.`.
    pub host_prefix: &'static str,
    /// The path, after the base URL, of the unauthenticated operation that serves the API's
    /// own OpenAPI document.
    pub document_path: &'static str,
    /// The environment variable naming its document: `live` (default) or a file.
    pub schema_env: &'static str,
    /// How its lists page.
    pub paging: PagingKind,
    /// How its errors look.
    pub errors: ErrorShape,
}

static CORE: ApiSpec = ApiSpec {
    name: "core",
    services: Services::FromDocument,
    version: "20190206",
    host_prefix: "api.",
    document_path: "/public/oas3-document",
    schema_env: "STAX_SCHEMA",
    paging: PagingKind::Offset,
    errors: ErrorShape::Text,
};

static PERMISSION_SETS: ApiSpec = ApiSpec {
    name: PERMISSION_SETS_SERVICE,
    services: Services::One(PERMISSION_SETS_SERVICE),
    version: "20210321",
    host_prefix: "api.idam.",
    document_path: "/public/api-document",
    schema_env: "STAX_PERMISSION_SETS_SCHEMA",
    paging: PagingKind::Token,
    errors: ErrorShape::Coded,
};

/// One of the Stax APIs: a cheap handle on its [`ApiSpec`] entry, compared by name.
#[derive(Clone, Copy)]
pub struct Api(&'static ApiSpec);

impl Api {
    /// The core Stax API, version 20190206: accounts, organisations, teams, workloads, ...
    pub const CORE: Api = Api(&CORE);
    /// The Permission Sets API, version 20210321, on the installation's `api.idam.` host.
    pub const PERMISSION_SETS: Api = Api(&PERMISSION_SETS);
    /// The APIs every configuration has, core first.
    pub const BUILT_IN: [Api; 2] = [Api::CORE, Api::PERMISSION_SETS];

    /// The API of a table entry (an API of your own: see the module's example).
    pub const fn new(spec: &'static ApiSpec) -> Api {
        Api(spec)
    }

    /// Its entry in the table.
    pub const fn spec(self) -> &'static ApiSpec {
        self.0
    }

    /// The version segment every path of the API starts with, e.g. `20190206`.
    pub const fn version(self) -> &'static str {
        self.0.version
    }

    /// The first label(s) of the API's host before the installation: `api.` or `api.idam.`.
    pub const fn host_prefix(self) -> &'static str {
        self.0.host_prefix
    }

    /// The path, after the base URL, of the operation that serves the API's own document.
    pub const fn document_path(self) -> &'static str {
        self.0.document_path
    }

    /// The one service the API's operations belong to, when the API has a single one
    /// (`permission-sets`); `None` for the core API, whose document names its services.
    pub const fn service(self) -> Option<&'static str> {
        match self.0.services {
            Services::One(name) => Some(name),
            Services::FromDocument => None,
        }
    }

    /// A short name for messages and settings, e.g. `core` or `permission-sets`.
    pub const fn name(self) -> &'static str {
        self.0.name
    }

    /// The environment variable naming the API's document (`STAX_SCHEMA`, ...).
    pub const fn schema_env(self) -> &'static str {
        self.0.schema_env
    }

    /// How its lists page.
    pub const fn paging(self) -> PagingKind {
        self.0.paging
    }

    /// How its errors look.
    pub const fn errors(self) -> ErrorShape {
        self.0.errors
    }

    /// True when `service` names this API's one service (any case, `-`/`_` or none between
    /// the words: `permission_sets`, `PermissionSets`).
    pub fn owns_service(self, service: &str) -> bool {
        self.service().is_some_and(|own| folded_eq(own, service))
    }

    /// How the API's document is read: the core document names its services itself; a
    /// one-service API's paths are relative to its `/<version>` server and every operation
    /// belongs to its service. (The [`Layout`] is `stax-openapi`'s, whose operation map the
    /// SDK and the typed API's generator share.)
    ///
    /// ```
    /// use staxapp::Api;
    /// use staxapp::schema::Layout;
    ///
    /// assert_eq!(Api::CORE.layout(), Layout::default());
    /// let layout = Api::PERMISSION_SETS.layout();
    /// assert_eq!(layout.service.as_deref(), Some("permission-sets"));
    /// assert_eq!(layout.path_prefix.as_deref(), Some("/20210321"));
    /// ```
    pub fn layout(self) -> Layout {
        match self.0.services {
            Services::FromDocument => Layout::default(),
            Services::One(service) => Layout::one_service(service, format!("/{}", self.version())),
        }
    }

    /// The API of `apis` that a service belongs to: the one whose single service it names,
    /// else the first whose document names its services (the core API), else the first.
    pub fn find(apis: &[Api], service: &str) -> Api {
        apis.iter()
            .copied()
            .find(|api| api.owns_service(service))
            .or_else(|| apis.iter().copied().find(|api| api.service().is_none()))
            .or_else(|| apis.first().copied())
            .unwrap_or(Api::CORE)
    }
}

/// Whether `a` and `b` are equal after dropping `-` and `_` and lowering the case
/// (`read-accounts`, `read_accounts` and `ReadAccounts` agree), without allocating.
pub(crate) fn folded_eq(a: &str, b: &str) -> bool {
    fn folded(s: &str) -> impl Iterator<Item = char> + '_ {
        s.chars()
            .filter(|c| *c != '-' && *c != '_')
            .flat_map(char::to_lowercase)
    }
    folded(a).eq(folded(b))
}

impl PartialEq for Api {
    fn eq(&self, other: &Self) -> bool {
        self.0.name == other.0.name
    }
}

impl Eq for Api {}

impl Hash for Api {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.name.hash(state);
    }
}

impl PartialOrd for Api {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Api {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.name.cmp(other.0.name)
    }
}

impl std::fmt::Debug for Api {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Api({})", self.0.name)
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
            assert_eq!(
                Api::find(&Api::BUILT_IN, name),
                Api::PERMISSION_SETS,
                "{name}"
            );
        }
        for name in ["accounts", "permission", "permission-sets-x", ""] {
            assert_eq!(Api::find(&Api::BUILT_IN, name), Api::CORE, "{name}");
        }
    }
}
