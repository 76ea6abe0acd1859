//! The final status of every item, combining what was detected with what
//! the operator said, and the summary and exit code built from them. Every
//! report format renders these results.

pub mod json;
pub mod junit;
pub mod markdown;
pub mod sarif;
pub mod text;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::checklist::{Checklist, Item, Section, Severity};
use crate::detect::{Location, Outcome};
use crate::state::{Detection, ItemRecord, OperatorStatus};

/// The final status of an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Hash, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Warn,
    Fail,
    Unknown,
    Skipped,
    Open,
    Na,
    Waived,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Warn => "warn",
            Status::Fail => "fail",
            Status::Unknown => "unknown",
            Status::Skipped => "skipped",
            Status::Open => "open",
            Status::Na => "na",
            Status::Waived => "waived",
        }
    }
}

fn from_outcome(o: Outcome) -> Status {
    match o {
        Outcome::Pass => Status::Pass,
        Outcome::Warn => Status::Warn,
        Outcome::Fail => Status::Fail,
        Outcome::Unknown => Status::Unknown,
        Outcome::Skipped => Status::Skipped,
    }
}

fn from_operator(o: OperatorStatus) -> Status {
    match o {
        OperatorStatus::Open => Status::Open,
        OperatorStatus::Done => Status::Pass,
        OperatorStatus::NotDone => Status::Fail,
        OperatorStatus::NotApplicable => Status::Na,
        OperatorStatus::Waived => Status::Waived,
    }
}

/// The combination rule: n/a and waived stand; an override stands while
/// the detection it overrode is still what is detected; otherwise the
/// detection speaks; without one, the operator's answer does.
pub fn combine(detected: Option<Outcome>, record: Option<&ItemRecord>) -> Status {
    let op = record.map(|r| r.status).unwrap_or_default();
    if matches!(op, OperatorStatus::NotApplicable | OperatorStatus::Waived) {
        return from_operator(op);
    }
    match detected {
        Some(d) if record.and_then(|r| r.overrides) == Some(d) => from_operator(op),
        Some(Outcome::Skipped) if op != OperatorStatus::Open => from_operator(op),
        Some(d) => from_outcome(d),
        None => from_operator(op),
    }
}

/// One item's result.
#[derive(Debug, Clone)]
pub struct ItemResult<'a> {
    pub item: &'a Item,
    pub section: &'a Section,
    pub status: Status,
    pub detected: Option<Outcome>,
    pub operator: Option<OperatorStatus>,
    pub evidence: String,
    pub remediation: String,
    pub location: Option<Location>,
    pub note: Option<String>,
    /// A waiver whose date has passed: the item fails, whatever its severity.
    pub waiver_expired: bool,
}

/// Results of every item of the checklist, in checklist order.
pub fn evaluate<'a>(
    checklist: &'a Checklist,
    records: &'a BTreeMap<String, ItemRecord>,
    detections: &'a BTreeMap<String, Detection>,
    today: time::Date,
) -> Vec<ItemResult<'a>> {
    let mut out = Vec::with_capacity(checklist.len());
    for section in &checklist.sections {
        for item in &section.items {
            let rec = records.get(&item.id);
            let det = detections.get(&item.id);
            let expired = rec
                .filter(|r| r.status == OperatorStatus::Waived)
                .and_then(|r| r.waiver.as_ref())
                .and_then(|w| w.expires)
                .filter(|d| *d < today);
            let mut evidence = det.map(|d| d.evidence.clone()).unwrap_or_default();
            let status = match expired {
                Some(d) => {
                    evidence = format!(
                        "the waiver expired on {}{}",
                        crate::app::format_date(d),
                        if evidence.is_empty() {
                            String::new()
                        } else {
                            format!("; {evidence}")
                        }
                    );
                    Status::Fail
                }
                None => combine(det.map(|d| d.outcome), rec),
            };
            out.push(ItemResult {
                item,
                section,
                status,
                detected: det.map(|d| d.outcome),
                operator: rec.map(|r| r.status).filter(|s| *s != OperatorStatus::Open),
                evidence,
                remediation: det.map(|d| d.remediation.clone()).unwrap_or_default(),
                location: det.and_then(|d| d.location.clone()),
                note: rec.and_then(|r| r.note.clone()),
                waiver_expired: expired.is_some(),
            });
        }
    }
    out
}

/// Counts by status and the score.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Summary {
    pub pass: usize,
    pub fail: usize,
    pub warn: usize,
    pub unknown: usize,
    pub skipped: usize,
    pub open: usize,
    pub na: usize,
    pub waived: usize,
    /// Severity-weighted share of passing items, 0 to 100.
    pub score: u32,
}

/// Version of the scoring rule below, printed with every score.
pub const SCORE_RULE: u32 = 0;

/// Summarises results. Score (rule 0): weights critical 3, important 2,
/// normal 1; pass counts fully, warn half; n/a, waived and skipped items
/// leave the denominator.
pub fn summarize(results: &[ItemResult]) -> Summary {
    let mut s = Summary::default();
    let (mut got, mut total) = (0.0f64, 0.0f64);
    for r in results {
        match r.status {
            Status::Pass => s.pass += 1,
            Status::Fail => s.fail += 1,
            Status::Warn => s.warn += 1,
            Status::Unknown => s.unknown += 1,
            Status::Skipped => s.skipped += 1,
            Status::Open => s.open += 1,
            Status::Na => s.na += 1,
            Status::Waived => s.waived += 1,
        }
        let w = match r.item.severity {
            Severity::Critical => 3.0,
            Severity::Important => 2.0,
            Severity::Normal => 1.0,
        };
        match r.status {
            Status::Na | Status::Waived | Status::Skipped => {}
            Status::Pass => {
                got += w;
                total += w;
            }
            Status::Warn => {
                got += w / 2.0;
                total += w;
            }
            _ => total += w,
        }
    }
    s.score = if total > 0.0 {
        (100.0 * got / total).round() as u32
    } else {
        0
    };
    s
}

/// The severity threshold of `--fail-on`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    Critical,
    Important,
    Any,
}

impl FailOn {
    fn includes(self, s: Severity) -> bool {
        match self {
            FailOn::Critical => s == Severity::Critical,
            FailOn::Important => s >= Severity::Important,
            FailOn::Any => true,
        }
    }
}

/// Exit code of `check`: 1 when a waiver expired or an item at or above
/// the threshold fails, else 3 when one could not be checked, else 0.
pub fn exit_code(results: &[ItemResult], fail_on: FailOn) -> u8 {
    if results.iter().any(|r| r.waiver_expired) {
        return 1;
    }
    let counted = results.iter().filter(|r| fail_on.includes(r.item.severity));
    let mut unknown = false;
    for r in counted {
        match r.status {
            Status::Fail => return 1,
            Status::Unknown => unknown = true,
            _ => {}
        }
    }
    if unknown { 3 } else { 0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(status: OperatorStatus, overrides: Option<Outcome>) -> ItemRecord {
        ItemRecord {
            status,
            overrides,
            ..ItemRecord::default()
        }
    }

    #[test]
    fn combination_rule() {
        use OperatorStatus as O;
        use Outcome as D;
        assert_eq!(combine(None, None), Status::Open);
        assert_eq!(combine(None, Some(&rec(O::Done, None))), Status::Pass);
        assert_eq!(
            combine(Some(D::Fail), Some(&rec(O::Done, None))),
            Status::Fail
        );
        assert_eq!(
            combine(Some(D::Fail), Some(&rec(O::Done, Some(D::Fail)))),
            Status::Pass
        );
        assert_eq!(
            combine(Some(D::Warn), Some(&rec(O::Done, Some(D::Fail)))),
            Status::Warn,
            "a stale override no longer applies"
        );
        assert_eq!(
            combine(Some(D::Fail), Some(&rec(O::Waived, None))),
            Status::Waived
        );
        assert_eq!(
            combine(Some(D::Pass), Some(&rec(O::NotApplicable, None))),
            Status::Na
        );
        assert_eq!(combine(Some(D::Skipped), None), Status::Skipped);
        assert_eq!(
            combine(Some(D::Skipped), Some(&rec(O::Done, None))),
            Status::Pass
        );
        assert_eq!(
            combine(Some(D::Unknown), Some(&rec(O::Done, None))),
            Status::Unknown
        );
    }
}
