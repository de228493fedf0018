//! Kinds of resources, each declared once ([`Kind`]): its name, its id, whom its records
//! belong to, the fields every record carries, its statuses and how changes walk them, what
//! it refers to, and how it is listed. The areas' rules and the generic operations
//! (`areas::resource`) read the declaration; the store files records under its name.
//!
//! The kinds other areas read live here, below every area (an account names its unit and
//! type, a workload its account, ...). An area whose kinds no other area reads keeps them to
//! itself (the Permission Sets API's).

use serde_json::{Map, Value, json};

use super::{Db, StoreResult};

/// A kind of resource.
#[derive(Debug)]
pub(crate) struct Kind {
    /// The name records are filed under in the store (`account`).
    pub name: &'static str,
    /// How messages name one (`Account type`).
    pub what: &'static str,
    /// The key a list of them is answered under (`AccountTypes`).
    pub plural: &'static str,
    /// The field holding a record's id (`Id`; `AccessKey` for API tokens). Ids are UUIDs,
    /// stored lower-case.
    pub id: &'static str,
    /// The path parameter naming one (`account_type_id`).
    pub param: &'static str,
    /// The record of another kind each record belongs to (a VPC's hub), beside the
    /// organisation every record belongs to; `None` when the organisation owns it directly.
    /// A creation needs a live parent (404 when named by the path, 400 by the body), and a
    /// list under the parent's path lists its children.
    pub parent: Option<Ref>,
    /// Other records each record names (a VPC's CIDR range, an account's unit).
    pub refs: &'static [Ref],
    /// The fields every record carries beside its own.
    pub stamps: Stamps,
    /// How creations, updates and deletions walk its statuses.
    pub walk: Walk,
    /// Statuses of records that have ended: they hold nothing (no dependency, no name).
    pub ended: &'static [&'static str],
    /// Statuses in which a record is gone: changes answer 404, and so do reads unless
    /// `reads_gone`.
    pub gone: &'static [&'static str],
    /// Whether a read by id shows a gone record.
    pub reads_gone: bool,
    /// How its lists filter and page.
    pub listing: Listing,
    /// The key a task lists the records it changes under (`Accounts`, `Users`, `Workloads`),
    /// for the kinds whose tasks name them.
    pub subjects: Option<&'static str>,
    /// What insights call a record of this kind when a task changes it (`ACCOUNT`, `POLICY`,
    /// `SERVICE_CONFIGURATION`, ...; `OTHER` for kinds Stax's insights have no word for).
    pub target_kind: &'static str,
}

impl Kind {
    /// What a kind is unless it says otherwise: records with an `Id`, owned by the
    /// organisation, stamped with `OrganisationId`, `CreatedTS`, `ModifiedTS`, `CreatedBy` and
    /// `UserTaskId`, walking [`Walk::LIFECYCLE`], gone when `DELETED`, listed in insertion
    /// order with a `status` filter. The names are to be given.
    pub const DEFAULT: Kind = Kind {
        name: "",
        what: "",
        plural: "",
        id: "Id",
        param: "",
        parent: None,
        refs: &[],
        stamps: Stamps::STANDARD,
        walk: Walk::LIFECYCLE,
        ended: &["DELETED"],
        gone: &["DELETED"],
        reads_gone: false,
        listing: Listing::DEFAULT,
        subjects: None,
        target_kind: "OTHER",
    };

    /// Whether a record of this kind is gone (404 to changes).
    pub fn is_gone(&self, record: &Value) -> bool {
        self.gone.contains(&status(record))
    }

    /// A record's id.
    pub fn id_of<'v>(&self, record: &'v Value) -> &'v str {
        record.get(self.id).and_then(Value::as_str).unwrap_or("")
    }

    /// Writes a new record: its own `fields`, its id, its parent's id (when it has a parent,
    /// under the parent's field) and the stamps the kind declares; returns it.
    pub fn insert(
        &self,
        db: &Db<'_>,
        id: &str,
        fields: Map<String, Value>,
        stamp: &Stamp<'_>,
    ) -> StoreResult<Value> {
        let mut record = Map::new();
        record.insert(self.id.into(), json!(id));
        record.extend(fields);
        if let (Some(parent), Some(parent_id)) = (&self.parent, stamp.parent) {
            record.insert(parent.field.into(), json!(parent_id));
        }
        if let Some(status) = stamp.status {
            record.insert("Status".into(), json!(status));
        }
        let stamps = &self.stamps;
        if stamps.organisation {
            record.insert("OrganisationId".into(), json!(db.org()));
        }
        let by = match (stamp.by, stamps.created_by) {
            (_, By::Nobody) => None,
            (Some(by), _) => Some(json!(by)),
            (None, By::CallerOrNull) => Some(Value::Null),
            (None, By::CallerOrOrganisation) => Some(json!(db.org())),
            (None, By::CallerOrEmpty) => Some(json!("")),
        };
        if let Some(by) = by {
            record.insert("CreatedBy".into(), by.clone());
            if stamps.modified_by {
                record.insert("ModifiedBy".into(), by);
            }
        }
        record.insert("CreatedTS".into(), json!(stamp.at));
        record.insert("ModifiedTS".into(), json!(stamp.at));
        if stamps.task
            && let Some(task) = stamp.task
        {
            record.insert("UserTaskId".into(), json!(task));
        }
        let record = Value::Object(record);
        db.put(self, id, &record)?;
        Ok(record)
    }
}

impl AsRef<str> for Kind {
    fn as_ref(&self) -> &str {
        self.name
    }
}

/// A record's `Status`, or `""`.
pub(crate) fn status(record: &Value) -> &str {
    record.get("Status").and_then(Value::as_str).unwrap_or("")
}

/// A field of a record naming a record of another kind.
#[derive(Debug)]
pub(crate) struct Ref {
    /// The field holding the other record's id (`NetworkingHubId`).
    pub field: &'static str,
    /// The other record's kind.
    pub kind: &'static Kind,
    /// What deleting the other record meets while a record that has not ended names it.
    pub on_delete: OnDelete,
}

/// What deleting a record meets while live records name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OnDelete {
    /// Refused at once: 400, naming how many records of which kind still use it.
    Refuse,
    /// Accepted, and its task fails with that reason.
    Fail,
    /// Nothing (the rules of the area decide).
    Ignore,
}

/// Who made a record, as `CreatedBy` (and `ModifiedBy`) say it when no caller is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum By {
    /// No `CreatedBy` field.
    Nobody,
    /// The caller's access key, else null.
    CallerOrNull,
    /// The caller's access key, else the organisation's id (where the document wants a UUID).
    CallerOrOrganisation,
    /// The caller's access key, else an empty string.
    CallerOrEmpty,
}

/// The fields every record of a kind carries beside its own: always its id, `CreatedTS` and
/// `ModifiedTS` (and `Status`, from the walk), and these.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Stamps {
    /// `OrganisationId`.
    pub organisation: bool,
    /// `CreatedBy`.
    pub created_by: By,
    /// `ModifiedBy` (the creator, then whoever changed it last).
    pub modified_by: bool,
    /// `UserTaskId`: the task of its last asynchronous change.
    pub task: bool,
}

impl Stamps {
    /// None of them: only the id, `CreatedTS` and `ModifiedTS` (and the walk's `Status`).
    pub const NONE: Stamps = Stamps {
        organisation: false,
        created_by: By::Nobody,
        modified_by: false,
        task: false,
    };

    /// `OrganisationId`, `CreatedBy` (or null) and `UserTaskId`.
    pub const STANDARD: Stamps = Stamps {
        organisation: true,
        created_by: By::CallerOrNull,
        modified_by: false,
        task: true,
    };
}

/// One step of a walk: what a creation, update or deletion does to the status.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Step {
    /// Whether the change is a task that ends after the task delay (else it is done at once).
    pub task: bool,
    /// The status while the task runs (a creation's first status); `None` leaves it.
    pub during: Option<&'static str>,
    /// The status once done; `None` leaves it.
    pub done: Option<&'static str>,
    /// The status when the task fails.
    pub failed: Failed,
}

/// The status a record takes when the task of its change fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failed {
    /// This one (`CREATE_FAILED`).
    To(&'static str),
    /// The one it had before the change.
    Back,
    /// The one it took for the change.
    Stay,
}

impl Step {
    /// A change done at once, ending in `done` (or leaving the status).
    pub const fn at_once(done: Option<&'static str>) -> Step {
        Step {
            task: false,
            during: None,
            done,
            failed: Failed::Stay,
        }
    }

    /// A task: `during` while it runs, `done` when it succeeds, `failed` when it fails.
    pub const fn task(during: &'static str, done: &'static str, failed: Failed) -> Step {
        Step {
            task: true,
            during: Some(during),
            done: Some(done),
            failed,
        }
    }

    /// A task that shows no status of its own while it runs and ends in `done` (or leaves
    /// the status); a failure leaves the status as it is.
    pub const fn quiet(done: Option<&'static str>) -> Step {
        Step {
            task: true,
            during: None,
            done,
            failed: Failed::Stay,
        }
    }
}

/// How a kind's changes walk its statuses.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Walk {
    pub create: Step,
    pub update: Step,
    pub delete: Step,
}

impl Walk {
    /// Stax's asynchronous life: `CREATE_IN_PROGRESS` to `ACTIVE` or `CREATE_FAILED`,
    /// `UPDATE_IN_PROGRESS` to `ACTIVE` or `UPDATE_FAILED`, `DELETE_IN_PROGRESS` to `DELETED`
    /// or `DELETE_FAILED`.
    pub const LIFECYCLE: Walk = Walk {
        create: Step::task("CREATE_IN_PROGRESS", "ACTIVE", Failed::To("CREATE_FAILED")),
        update: Step::task("UPDATE_IN_PROGRESS", "ACTIVE", Failed::To("UPDATE_FAILED")),
        delete: Step::task("DELETE_IN_PROGRESS", "DELETED", Failed::To("DELETE_FAILED")),
    };

    /// Every change at once: created `ACTIVE`, updated as it is, deleted `DELETED`.
    pub const AT_ONCE: Walk = Walk {
        create: Step::at_once(Some("ACTIVE")),
        update: Step::at_once(None),
        delete: Step::at_once(Some("DELETED")),
    };
}

/// How a kind's lists filter, order and page.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Listing {
    /// The query parameter filtering by status (repeated or comma-separated, any case).
    pub status: Option<&'static str>,
    /// Statuses a status filter may name (400 for another); empty: any.
    pub statuses: &'static [&'static str],
    /// What a list shows when no status filter is given.
    pub shows: Shows,
    /// The query parameter filtering by id (comma-separated).
    pub ids: Option<&'static str>,
    /// How it pages.
    pub paging: Paging,
    /// The order when the caller asks none: these fields, ascending, then insertion order.
    pub order: &'static [&'static str],
}

impl Listing {
    /// A `status` filter; without it, every status; no paging.
    pub const DEFAULT: Listing = Listing {
        status: Some("status"),
        statuses: &[],
        shows: Shows::All,
        ids: None,
        paging: Paging::None,
        order: &[],
    };
}

impl Listing {
    /// No status filter; all but `DELETED`; an `id_filter`; no paging.
    pub const LIVE: Listing = Listing {
        status: None,
        shows: Shows::AllBut(&["DELETED"]),
        ids: Some("id_filter"),
        ..Listing::DEFAULT
    };

    /// A status filter named `filter`, all but `DELETED` without it; an `id_filter`;
    /// `offset`/`limit` paging and sorting.
    pub const LIVE_PAGED: Listing = Listing {
        status: Some("filter"),
        paging: Paging::Offset,
        ..Listing::LIVE
    };
}

/// What a list shows when no status filter is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shows {
    All,
    /// All but these statuses.
    AllBut(&'static [&'static str]),
    /// Only these statuses.
    Only(&'static [&'static str]),
}

/// How a list pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Paging {
    /// It does not: every record is answered.
    None,
    /// `offset` and `limit`, with `sort` and `sort_order`; `Paging {Total, NextOffset,
    /// PrevOffset}` when both `offset` and `limit` are given (the core API's style).
    Offset,
    /// `limit` (1 to 100, default 100) and `page_token`; `Paging {NextToken}` always (the
    /// Permission Sets API's style).
    Token,
}

/// Who and when stamps a new record.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Stamp<'a> {
    /// `CreatedTS` and `ModifiedTS`.
    pub at: &'a str,
    /// The creator's access key, when known.
    pub by: Option<&'a str>,
    /// Its first status.
    pub status: Option<&'a str>,
    /// The task creating it.
    pub task: Option<&'a str>,
    /// Its parent's id, for kinds with a parent.
    pub parent: Option<&'a str>,
}

/// The organisation (one record, its own id).
pub(crate) const ORGANISATION: &Kind = &Kind {
    name: "organisation",
    what: "Organisation",
    plural: "Organisations",
    param: "organisation_id",
    stamps: Stamps::NONE,
    walk: Walk::AT_ONCE,
    target_kind: "ORGANISATION",
    ..Kind::DEFAULT
};

/// Organisational units.
pub(crate) const OU: &Kind = &Kind {
    name: "organisational_unit",
    what: "Organisational unit",
    plural: "OrganisationalUnits",
    param: "organisational_unit_id",
    walk: Walk {
        update: Step::task("UPDATE_IN_PROGRESS", "ACTIVE", Failed::Back),
        ..Walk::LIFECYCLE
    },
    reads_gone: true,
    target_kind: "ORGANISATIONAL_UNIT",
    ..Kind::DEFAULT
};

/// Account types.
pub(crate) const ACCOUNT_TYPE: &Kind = &Kind {
    name: "account_type",
    what: "Account type",
    plural: "AccountTypes",
    param: "account_type_id",
    stamps: Stamps {
        task: false,
        ..Stamps::STANDARD
    },
    walk: Walk::AT_ONCE,
    listing: Listing::LIVE,
    ..Kind::DEFAULT
};

/// AWS accounts. Closing one is its deletion: it ends `CLOSED` and stays readable and
/// changeable (a change of a closed account fails in its task).
pub(crate) const ACCOUNT: &Kind = &Kind {
    name: "account",
    what: "Account",
    plural: "Accounts",
    param: "account_id",
    refs: &[
        // Refused by the account type's deletion, a handler of its own.
        Ref {
            field: "AccountTypeId",
            kind: ACCOUNT_TYPE,
            on_delete: OnDelete::Refuse,
        },
        Ref {
            field: "OrganisationalUnitId",
            kind: OU,
            on_delete: OnDelete::Fail,
        },
    ],
    walk: Walk {
        create: Step::task("INITIALIZING", "ACTIVE", Failed::Stay),
        update: Step::quiet(None),
        delete: Step::quiet(Some("CLOSED")),
    },
    ended: &["CLOSED"],
    gone: &[],
    reads_gone: true,
    listing: Listing {
        status: Some("filter"),
        ids: Some("id_filter"),
        paging: Paging::Offset,
        ..Listing::DEFAULT
    },
    subjects: Some("Accounts"),
    target_kind: "ACCOUNT",
    ..Kind::DEFAULT
};

/// People.
pub(crate) const USER: &Kind = &Kind {
    name: "user",
    what: "User",
    plural: "Users",
    param: "user_id",
    walk: Walk {
        create: Step::task("NEW", "INVITED", Failed::Stay),
        update: Step::quiet(None),
        delete: Step::at_once(Some("DELETED")),
    },
    reads_gone: true,
    listing: Listing {
        status: Some("status_filter"),
        shows: Shows::AllBut(&["DELETED"]),
        ids: Some("id_filter"),
        ..Listing::DEFAULT
    },
    subjects: Some("Users"),
    ..Kind::DEFAULT
};

/// Groups of people.
pub(crate) const GROUP: &Kind = &Kind {
    name: "group",
    what: "Group",
    plural: "Groups",
    param: "group_id",
    walk: Walk {
        create: Step::task("NEW", "ACTIVE", Failed::Stay),
        update: Step::quiet(None),
        delete: Step::quiet(Some("DELETED")),
    },
    reads_gone: true,
    listing: Listing::LIVE,
    ..Kind::DEFAULT
};

/// API tokens (their Cognito users are in the `pool_users` table).
pub(crate) const API_TOKEN: &Kind = &Kind {
    name: "api_token",
    what: "API token",
    plural: "ApiTokens",
    id: "AccessKey",
    param: "access_key",
    stamps: Stamps {
        organisation: false,
        created_by: By::CallerOrNull,
        modified_by: false,
        task: false,
    },
    walk: Walk::AT_ONCE,
    listing: Listing {
        shows: Shows::Only(&["ACTIVE"]),
        ids: Some("id_filter"),
        ..Listing::DEFAULT
    },
    ..Kind::DEFAULT
};

/// Service control policies.
pub(crate) const POLICY: &Kind = &Kind {
    name: "policy",
    what: "Policy",
    plural: "Policies",
    param: "policy_id",
    reads_gone: true,
    target_kind: "POLICY",
    ..Kind::DEFAULT
};

/// Attachments of policies to the organisation, units and accounts. A policy still attached
/// fails to go, and a unit or account that goes ends its attachments (their rules say so).
pub(crate) const ATTACHMENT: &Kind = &Kind {
    name: "policy_attachment",
    what: "Policy attachment",
    plural: "PolicyAttachments",
    param: "policy_attachment_id",
    parent: Some(Ref {
        field: "PolicyId",
        kind: POLICY,
        on_delete: OnDelete::Ignore,
    }),
    refs: &[
        Ref {
            field: "OrganisationalUnitId",
            kind: OU,
            on_delete: OnDelete::Ignore,
        },
        Ref {
            field: "AccountId",
            kind: ACCOUNT,
            on_delete: OnDelete::Ignore,
        },
    ],
    walk: Walk {
        delete: Step::task("DELETE_IN_PROGRESS", "DELETED", Failed::Back),
        ..Walk::LIFECYCLE
    },
    ended: &["DELETED", "CREATE_FAILED"],
    listing: Listing {
        status: None,
        shows: Shows::AllBut(&["DELETED"]),
        ..Listing::DEFAULT
    },
    target_kind: "POLICY",
    ..Kind::DEFAULT
};

/// The walk of catalogue items and versions: `VALIDATING` until the task validating the
/// manifest ends `ACTIVE` (or `FAILED`); changed and deleted by quiet tasks.
const VALIDATED: Walk = Walk {
    create: Step::task("VALIDATING", "ACTIVE", Failed::To("FAILED")),
    update: Step::quiet(None),
    delete: Step::quiet(Some("DELETED")),
};

/// Workload catalogue items.
pub(crate) const CATALOGUE: &Kind = &Kind {
    name: "workload_catalogue",
    what: "Catalogue item",
    plural: "WorkloadCatalogueItems",
    param: "catalogue_id",
    stamps: Stamps {
        created_by: By::CallerOrOrganisation,
        ..Stamps::STANDARD
    },
    walk: VALIDATED,
    reads_gone: true,
    listing: Listing::LIVE_PAGED,
    ..Kind::DEFAULT
};

/// Versions of catalogue items.
pub(crate) const VERSION: &Kind = &Kind {
    name: "workload_catalogue_version",
    what: "Version",
    plural: "Versions",
    param: "version_id",
    parent: Some(Ref {
        field: "CatalogueId",
        kind: CATALOGUE,
        on_delete: OnDelete::Ignore,
    }),
    stamps: Stamps {
        organisation: false,
        created_by: By::CallerOrOrganisation,
        ..Stamps::STANDARD
    },
    walk: VALIDATED,
    reads_gone: true,
    ..Kind::DEFAULT
};

/// Deployed workloads.
pub(crate) const WORKLOAD: &Kind = &Kind {
    name: "workload",
    what: "Workload",
    plural: "Workloads",
    param: "workload_id",
    refs: &[
        Ref {
            field: "CatalogueId",
            kind: CATALOGUE,
            on_delete: OnDelete::Fail,
        },
        Ref {
            field: "CatalogueVersionId",
            kind: VERSION,
            on_delete: OnDelete::Fail,
        },
        Ref {
            field: "AccountId",
            kind: ACCOUNT,
            on_delete: OnDelete::Ignore,
        },
    ],
    stamps: Stamps {
        created_by: By::CallerOrOrganisation,
        ..Stamps::STANDARD
    },
    walk: Walk {
        create: Step::task("INITIALIZING", "ACTIVE", Failed::To("CREATE_FAILED")),
        ..Walk::LIFECYCLE
    },
    reads_gone: true,
    listing: Listing::LIVE_PAGED,
    subjects: Some("Workloads"),
    ..Kind::DEFAULT
};
