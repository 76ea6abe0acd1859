//! A sign-off as the state stores it: who reviewed and approved, when, and
//! a snapshot of what they signed (checklist sha256, every item's verdict
//! and detection, a digest of them, the secret fingerprints). Taking one
//! and comparing with one is [`crate::review::signoff`]'s.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use crate::checklist::{Outcome, Verdict};

use super::ymd;

/// One sign-off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signoff {
    pub reviewed_by: String,
    #[serde(with = "ymd")]
    pub reviewed_date: Date,
    pub approved_by: String,
    #[serde(with = "ymd")]
    pub approved_date: Date,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub checklist_sha256: String,
    /// sha256 of `id=status` lines, sorted.
    pub digest: String,
    /// Each item's final status when signed.
    pub statuses: BTreeMap<String, Verdict>,
    /// Each detected item's outcome when signed.
    #[serde(default)]
    pub detected: BTreeMap<String, Outcome>,
    #[serde(default)]
    pub fingerprints: BTreeMap<String, String>,
}
