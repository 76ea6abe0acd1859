//! Review: the final verdict of every item, combining what was detected
//! with what the operator said; the score and grade; the exit code of a
//! run; waivers; sign-off and what changed since one. Everything that
//! judges the review lives here, below the formats that print it.

pub mod signoff;
pub mod waivers;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::checklist::{Checklist, Item, Section, Severity, Verdict};
use crate::detect::{Location, Outcome};
use crate::state::{Detection, ItemRecord, OperatorStatus};
use crate::util::exit::Exit;

fn from_operator(o: OperatorStatus) -> Verdict {
    match o {
        OperatorStatus::Open => Verdict::Open,
        OperatorStatus::Done => Verdict::Pass,
        OperatorStatus::NotDone => Verdict::Fail,
        OperatorStatus::NotApplicable => Verdict::Na,
        OperatorStatus::Waived => Verdict::Waived,
    }
}

/// The combination rule: n/a and waived stand; an override stands while
/// the detection it overrode is still what is detected; otherwise the
/// detection speaks; without one, the operator's answer does.
pub fn combine(detected: Option<Outcome>, record: Option<&ItemRecord>) -> Verdict {
    let op = record.map(|r| r.status).unwrap_or_default();
    if matches!(op, OperatorStatus::NotApplicable | OperatorStatus::Waived) {
        return from_operator(op);
    }
    match detected {
        Some(d) if record.and_then(|r| r.overrides) == Some(d) => from_operator(op),
        // A check not made, or a feature the code shows no sign of: the
        // operator's answer, when there is one, knows better.
        Some(Outcome::Skipped | Outcome::Absent) if op != OperatorStatus::Open => from_operator(op),
        Some(d) => d.verdict(),
        None => from_operator(op),
    }
}

/// One item's result.
#[derive(Debug, Clone)]
pub struct ItemResult<'a> {
    pub item: &'a Item,
    pub section: &'a Section,
    pub status: Verdict,
    pub detected: Option<Outcome>,
    pub operator: Option<OperatorStatus>,
    pub evidence: String,
    pub remediation: String,
    pub location: Option<Location>,
    pub note: Option<String>,
    /// A waiver whose date has passed: the item fails, whatever its severity.
    pub waiver_expired: bool,
}

impl ItemResult<'_> {
    /// The severity the result counts with: the item's, raised to
    /// critical when active verification found a protected route open or
    /// a forged token accepted (the checklist's verification section has
    /// no severity mark; the evidence says so).
    pub fn severity(&self) -> Severity {
        if self.status == Verdict::Fail
            && self.detected == Some(Outcome::Fail)
            && crate::detect::probe::active::CRITICAL_WHEN_FAILED.contains(&self.item.id.as_str())
        {
            Severity::Critical
        } else {
            self.item.severity
        }
    }
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
                        crate::util::dates::format_date(d),
                        if evidence.is_empty() {
                            String::new()
                        } else {
                            format!("; {evidence}")
                        }
                    );
                    Verdict::Fail
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
    /// Features the project does not have (never a reason to fail).
    pub absent: usize,
    pub open: usize,
    pub na: usize,
    pub waived: usize,
    /// Severity-weighted share of passing items, 0 to 100.
    pub score: u32,
    /// A to F; a failing critical item caps it at D.
    pub grade: char,
    /// Critical items that fail (they cap the grade).
    pub critical_failures: usize,
    /// Items that left the denominator (n/a, waived, skipped).
    pub excluded: Vec<String>,
    /// Each section's score, in checklist order.
    pub sections: Vec<(String, u32)>,
}

/// Version of the scoring rule below, printed with every score.
pub const SCORE_RULE: u32 = 1;

fn weight(s: Severity) -> f64 {
    match s {
        Severity::Critical => 3.0,
        Severity::Important => 2.0,
        Severity::Normal => 1.0,
    }
}

/// Points earned and possible for one result; None when it leaves the denominator.
fn points(r: &ItemResult) -> Option<(f64, f64)> {
    let w = weight(r.item.severity);
    match r.status {
        Verdict::Na | Verdict::Waived | Verdict::Skipped | Verdict::Absent => None,
        Verdict::Pass => Some((w, w)),
        Verdict::Warn => Some((w / 2.0, w)),
        _ => Some((0.0, w)),
    }
}

fn percent(got: f64, total: f64) -> u32 {
    if total > 0.0 {
        (100.0 * got / total).round() as u32
    } else {
        0
    }
}

/// The letter of a score: A from 90, B from 75, C from 60, D from 40, else F.
pub fn grade(score: u32) -> char {
    match score {
        90.. => 'A',
        75..=89 => 'B',
        60..=74 => 'C',
        40..=59 => 'D',
        _ => 'F',
    }
}

/// Summarises results. Score rule 1: weights critical 3, important 2,
/// normal 1; pass earns the weight, warn half of it, fail, unknown and
/// open nothing; n/a, waived and skipped items leave the denominator (and
/// are listed); per section and overall; any failing critical item caps
/// the overall grade at D.
pub fn summarize(results: &[ItemResult]) -> Summary {
    let mut s = Summary::default();
    let (mut got, mut total) = (0.0f64, 0.0f64);
    let mut per: Vec<(String, f64, f64)> = Vec::new();
    for r in results {
        match r.status {
            Verdict::Pass => s.pass += 1,
            Verdict::Fail => s.fail += 1,
            Verdict::Warn => s.warn += 1,
            Verdict::Unknown => s.unknown += 1,
            Verdict::Skipped => s.skipped += 1,
            Verdict::Absent => s.absent += 1,
            Verdict::Open => s.open += 1,
            Verdict::Na => s.na += 1,
            Verdict::Waived => s.waived += 1,
        }
        if r.status == Verdict::Fail && r.severity() == Severity::Critical {
            s.critical_failures += 1;
        }
        if per
            .last()
            .is_none_or(|(slug, _, _)| *slug != r.section.slug)
        {
            per.push((r.section.slug.clone(), 0.0, 0.0));
        }
        match points(r) {
            Some((g, t)) => {
                got += g;
                total += t;
                if let Some(last) = per.last_mut() {
                    last.1 += g;
                    last.2 += t;
                }
            }
            None => s.excluded.push(r.item.id.clone()),
        }
    }
    s.score = percent(got, total);
    s.grade = grade(s.score);
    if s.critical_failures > 0 && s.grade < 'D' {
        s.grade = 'D';
    }
    s.sections = per
        .into_iter()
        .map(|(slug, g, t)| (slug, percent(g, t)))
        .collect();
    s
}

/// The severity threshold of `--fail-on`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    Critical,
    Important,
    Any,
}

impl FailOn {
    pub fn includes(self, s: Severity) -> bool {
        match self {
            FailOn::Critical => s == Severity::Critical,
            FailOn::Important => s >= Severity::Important,
            FailOn::Any => true,
        }
    }
}

/// Exit code of `check`: 1 when a waiver expired or an item at or above
/// the threshold fails, else 3 when one could not be checked, else 0.
pub fn exit_code(results: &[ItemResult], fail_on: FailOn) -> Exit {
    if results.iter().any(|r| r.waiver_expired) {
        return Exit::Failing;
    }
    let counted = results.iter().filter(|r| fail_on.includes(r.severity()));
    let mut unknown = false;
    for r in counted {
        match r.status {
            Verdict::Fail => return Exit::Failing,
            Verdict::Unknown => unknown = true,
            _ => {}
        }
    }
    if unknown { Exit::Unknown } else { Exit::Ok }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_absent_feature_never_sets_the_exit_code() {
        let c = crate::checklist::load_embedded().unwrap();
        let detections: BTreeMap<String, Detection> = c
            .items()
            .map(|i| {
                (
                    i.id.clone(),
                    Detection {
                        outcome: Outcome::Absent,
                        evidence: "no code reads it".into(),
                        remediation: String::new(),
                        location: None,
                        at: time::OffsetDateTime::UNIX_EPOCH,
                    },
                )
            })
            .collect();
        let records = BTreeMap::new();
        let results = evaluate(
            &c,
            &records,
            &detections,
            time::OffsetDateTime::UNIX_EPOCH.date(),
        );
        assert!(results.iter().all(|r| r.status == Verdict::Absent));
        assert_eq!(exit_code(&results, FailOn::Any), Exit::Ok);
        let s = summarize(&results);
        assert_eq!(s.absent, results.len());
        assert_eq!(s.excluded.len(), results.len(), "absent leaves the score");
    }

    fn rec(status: OperatorStatus, overrides: Option<Outcome>) -> ItemRecord {
        ItemRecord {
            status,
            overrides,
            ..ItemRecord::default()
        }
    }

    #[test]
    fn score_rule_1_weights_excludes_and_caps() {
        let c = crate::checklist::load_embedded().unwrap();
        let mut records = BTreeMap::new();
        for i in c.items() {
            records.insert(i.id.clone(), rec(OperatorStatus::Done, None));
        }
        let none = BTreeMap::new();
        let today = time::macros::date!(2026 - 11 - 27);
        let s = summarize(&evaluate(&c, &records, &none, today));
        assert_eq!((s.score, s.grade, s.critical_failures), (100, 'A', 0));
        assert!(s.sections.iter().all(|(_, v)| *v == 100));
        records.insert(
            "docs.rollback".into(),
            rec(OperatorStatus::NotApplicable, None),
        );
        records.insert(
            "env.secret_key_strong".into(),
            rec(OperatorStatus::NotDone, None),
        );
        let s = summarize(&evaluate(&c, &records, &none, today));
        assert_eq!(s.excluded, vec!["docs.rollback".to_string()]);
        assert_eq!(s.critical_failures, 1);
        assert!(s.score >= 98, "{}", s.score);
        assert_eq!(s.grade, 'D', "a failing critical item caps the grade");
        let env = s.sections.iter().find(|(k, _)| k == "env").unwrap().1;
        assert!(env < 100 && env > 50, "{env}");
        assert_eq!(
            [grade(95), grade(80), grade(65), grade(45), grade(10)],
            ['A', 'B', 'C', 'D', 'F']
        );
    }

    #[test]
    fn combination_rule() {
        use OperatorStatus as O;
        use Outcome as D;
        assert_eq!(combine(None, None), Verdict::Open);
        assert_eq!(combine(None, Some(&rec(O::Done, None))), Verdict::Pass);
        assert_eq!(
            combine(Some(D::Fail), Some(&rec(O::Done, None))),
            Verdict::Fail
        );
        assert_eq!(
            combine(Some(D::Fail), Some(&rec(O::Done, Some(D::Fail)))),
            Verdict::Pass
        );
        assert_eq!(
            combine(Some(D::Warn), Some(&rec(O::Done, Some(D::Fail)))),
            Verdict::Warn,
            "a stale override no longer applies"
        );
        assert_eq!(
            combine(Some(D::Fail), Some(&rec(O::Waived, None))),
            Verdict::Waived
        );
        assert_eq!(
            combine(Some(D::Pass), Some(&rec(O::NotApplicable, None))),
            Verdict::Na
        );
        assert_eq!(combine(Some(D::Skipped), None), Verdict::Skipped);
        assert_eq!(combine(Some(D::Absent), None), Verdict::Absent);
        assert_eq!(
            combine(Some(D::Absent), Some(&rec(O::Done, None))),
            Verdict::Pass
        );
        assert_eq!(
            combine(Some(D::Skipped), Some(&rec(O::Done, None))),
            Verdict::Pass
        );
        assert_eq!(
            combine(Some(D::Unknown), Some(&rec(O::Done, None))),
            Verdict::Unknown
        );
    }
}
