//! The TOML state file: what the operator answered, item by item, so that a
//! dropped SSH session or a re-review months later starts where the last
//! one ended. Saved atomically after every change (see [`store`]) and
//! guarded by a lock (see [`lock`]). It never holds a secret value.

pub mod lock;
pub mod session;
pub mod signoff;
pub mod store;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use crate::checklist::Checklist;
use crate::detect::{Finding, Location, Outcome};

/// The state schema this build reads and writes.
pub const SCHEMA: u32 = 2;

/// The operator's word on an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum OperatorStatus {
    /// Not answered yet (or opened again).
    #[default]
    #[serde(rename = "open")]
    Open,
    #[serde(rename = "done")]
    Done,
    #[serde(rename = "not_done")]
    NotDone,
    #[serde(rename = "n/a")]
    NotApplicable,
    /// Accepted as open for a reason, by an owner, maybe until a date.
    #[serde(rename = "waived")]
    Waived,
}

impl OperatorStatus {
    /// Done, n/a or waived: nothing more to do for this review.
    pub fn is_settled(self) -> bool {
        matches!(
            self,
            OperatorStatus::Done | OperatorStatus::NotApplicable | OperatorStatus::Waived
        )
    }

    /// The word used in the state file and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            OperatorStatus::Open => "open",
            OperatorStatus::Done => "done",
            OperatorStatus::NotDone => "not done",
            OperatorStatus::NotApplicable => "n/a",
            OperatorStatus::Waived => "waived",
        }
    }
}

time::serde::format_description!(ymd, Date, "[year]-[month]-[day]");

/// Why an item is accepted while open, who owns that, and until when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Waiver {
    pub reason: String,
    pub owner: String,
    #[serde(default, with = "ymd::option", skip_serializing_if = "Option::is_none")]
    pub expires: Option<Date>,
}

/// Everything recorded about one item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ItemRecord {
    #[serde(default)]
    pub status: OperatorStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Operator who last changed the status or note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub at: Option<OffsetDateTime>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiver: Option<Waiver>,
    /// The detected outcome the operator overrode with this status (a note
    /// says why). A different detection later makes the override stale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overrides: Option<Outcome>,
}

impl ItemRecord {
    /// True when the record says nothing (open, no note): it need not be stored.
    pub fn is_blank(&self) -> bool {
        self.status == OperatorStatus::Open && self.note.is_none() && self.waiver.is_none()
    }
}

/// The last detection of an item, as stored: masked evidence only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Detection {
    pub outcome: Outcome,
    pub evidence: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub remediation: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

impl Detection {
    /// A stored detection of a finding.
    pub fn of(f: &Finding, at: OffsetDateTime) -> Self {
        Detection {
            outcome: f.outcome,
            evidence: f.evidence.clone(),
            remediation: f.remediation.clone(),
            location: f.location.clone(),
            at,
        }
    }

    /// A probe that did not run because the run was offline: it says
    /// nothing new about the item.
    pub fn not_run(&self) -> bool {
        self.outcome == Outcome::Skipped && self.evidence.starts_with("offline")
    }

    /// What an offline run stores over `previous`: skipped (a probe that
    /// did not run is never a pass), with the last live result beside it
    /// as evidence, dated. A previous offline record keeps its last live
    /// result as it was.
    pub fn offline_over(f: &Finding, previous: &Detection, at: OffsetDateTime) -> Self {
        if previous.not_run() {
            return previous.clone();
        }
        let mut d = Detection::of(f, at);
        d.evidence = format!(
            "{}; last live result ({}): {}: {}",
            f.evidence,
            previous.at.date(),
            previous.outcome,
            previous.evidence
        );
        d
    }
}

/// Which checklist a state was written for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChecklistRef {
    pub id: String,
    pub sha256: String,
    /// `embedded` or the path given with `--checklist`.
    pub source: String,
}

/// The whole state file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct State {
    pub schema: u32,
    pub tool_version: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated: OffsetDateTime,
    pub checklist: ChecklistRef,
    /// The env file the review judges, relative to the project when inside it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub env_file: Option<String>,
    /// Production URLs the operator asked to probe.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub urls: Vec<String>,
    /// Answers by item id. Ids the current checklist lacks are kept, not dropped.
    #[serde(default)]
    pub items: BTreeMap<String, ItemRecord>,
    /// The last detection of each item.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub detections: BTreeMap<String, Detection>,
    /// Short hash prefixes of secrets by key, to notice rotation.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fingerprints: BTreeMap<String, String>,
    /// The answers `generate` uses (none of them secret).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answers: Option<crate::answers::Answers>,
    /// Items a generated file addresses, with the file.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub generated: BTreeMap<String, String>,
    /// Every sign-off, oldest first; the last one is the current.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub signoffs: Vec<signoff::Signoff>,
}

impl State {
    /// A fresh state for a checklist.
    pub fn new(checklist: &Checklist, now: OffsetDateTime) -> Self {
        State {
            schema: SCHEMA,
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
            operator: None,
            created: now,
            updated: now,
            checklist: ChecklistRef {
                id: checklist.meta.id.clone(),
                sha256: checklist.sha256.clone(),
                source: checklist.source.clone(),
            },
            env_file: None,
            urls: Vec::new(),
            items: BTreeMap::new(),
            detections: BTreeMap::new(),
            fingerprints: BTreeMap::new(),
            answers: None,
            generated: BTreeMap::new(),
            signoffs: Vec::new(),
        }
    }

    /// The operator's status of an item (open when never answered).
    pub fn status(&self, id: &str) -> OperatorStatus {
        self.items.get(id).map(|r| r.status).unwrap_or_default()
    }

    /// Ids with answers that the checklist does not contain.
    pub fn orphans(&self, checklist: &Checklist) -> Vec<String> {
        self.items
            .keys()
            .filter(|id| checklist.item(id).is_none())
            .cloned()
            .collect()
    }

    /// Points the state at the checklist in use (ids are kept as they are).
    pub fn rebind(&mut self, checklist: &Checklist) {
        self.checklist = ChecklistRef {
            id: checklist.meta.id.clone(),
            sha256: checklist.sha256.clone(),
            source: checklist.source.clone(),
        };
    }
}
