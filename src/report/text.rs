//! The compact table `harden check` prints: one row per item that was
//! detected or answered, then the totals.

use std::fmt::Write;

use super::{counts_line, score_line};
use crate::checklist::Verdict;
use crate::review::{ItemResult, summarize};

fn cut(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// What the STATUS column says: the operator's answer when there is one
/// (an item marked done is `done`, not a detected `pass`), else the
/// verdict.
fn status_word(r: &ItemResult) -> &'static str {
    match r.operator {
        Some(op) if op != crate::state::OperatorStatus::Open => op.as_str(),
        _ => r.status.as_str(),
    }
}

/// Renders the table; `width` bounds the evidence column on a terminal,
/// `None` (a file, a pipe) keeps every evidence whole.
pub fn render(results: &[ItemResult], width: Option<usize>) -> String {
    let shown: Vec<&ItemResult> = results
        .iter()
        .filter(|r| r.status != Verdict::Open || r.detected.is_some())
        .collect();
    let id_w = shown
        .iter()
        .map(|r| r.item.id.len())
        .max()
        .unwrap_or(2)
        .max(4);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<10} {:<id_w$} {:<8} EVIDENCE",
        "SECTION", "ITEM", "STATUS"
    );
    let ev_w = width.map(|w| w.saturating_sub(10 + 1 + id_w + 1 + 8 + 1).max(20));
    for r in &shown {
        let ev = if r.evidence.is_empty() {
            r.note.clone().unwrap_or_default()
        } else {
            r.evidence.clone()
        };
        let _ = writeln!(
            out,
            "{:<10} {:<id_w$} {:<8} {}",
            r.section.slug,
            r.item.id,
            status_word(r),
            match ev_w {
                Some(w) => cut(&ev.replace('\n', " "), w),
                None => ev.replace('\n', " "),
            }
        );
    }
    let s = summarize(results);
    let _ = writeln!(
        out,
        "
{}. {}.",
        counts_line(&s),
        score_line(&s)
    );
    out.push_str(&decided_line(results));
    out
}

/// How many items detection decided (pass, fail or warn; absent, unknown
/// and skipped decide nothing), in all and per section.
pub fn decided<'a>(results: &[ItemResult<'a>]) -> (usize, Vec<(&'a str, usize, usize)>) {
    let mut per: Vec<(&str, usize, usize)> = Vec::new();
    for r in results {
        let yes = matches!(
            r.detected,
            Some(
                crate::detect::Outcome::Pass
                    | crate::detect::Outcome::Fail
                    | crate::detect::Outcome::Warn
            )
        );
        match per.last_mut() {
            Some((slug, d, t)) if *slug == r.section.slug.as_str() => {
                *d += usize::from(yes);
                *t += 1;
            }
            _ => per.push((r.section.slug.as_str(), usize::from(yes), 1)),
        }
    }
    (per.iter().map(|p| p.1).sum(), per)
}

fn decided_line(results: &[ItemResult]) -> String {
    let (n, per) = decided(results);
    let parts: Vec<String> = per.iter().map(|(s, d, t)| format!("{s} {d}/{t}")).collect();
    format!(
        "Decided by detection (pass, fail or warn): {n} of {}; by section: {}.\n",
        results.len(),
        parts.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::detect::Outcome;
    use crate::state::{Detection, ItemRecord, OperatorStatus};

    #[test]
    fn an_answer_is_said_as_such_and_a_file_keeps_the_evidence_whole() {
        let c = crate::checklist::load_embedded().unwrap();
        let at = time::macros::datetime!(2026-11-30 12:00 UTC);
        let long = format!("{} end-of-evidence", "x".repeat(300));
        let mut detections = BTreeMap::new();
        detections.insert(
            "env.secret_key_strong".to_string(),
            Detection {
                outcome: Outcome::Pass,
                evidence: long.clone(),
                remediation: String::new(),
                location: None,
                at,
            },
        );
        let mut records = BTreeMap::new();
        records.insert(
            "env.secret_key_strong".to_string(),
            ItemRecord {
                status: OperatorStatus::Done,
                ..ItemRecord::default()
            },
        );
        let results = crate::review::evaluate(&c, &records, &detections, at.date());
        let whole = render(&results, None);
        let row = whole
            .lines()
            .find(|l| l.contains("env.secret_key_strong"))
            .unwrap();
        assert!(row.contains(" done "), "{row}");
        assert!(row.ends_with("end-of-evidence"), "{row}");
        let cut = render(&results, Some(100));
        let row = cut
            .lines()
            .find(|l| l.contains("env.secret_key_strong"))
            .unwrap();
        assert!(row.ends_with('…') && row.chars().count() <= 100, "{row}");
    }
}
