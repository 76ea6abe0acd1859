//! The JSON report of `harden check`, in the shape DESIGN.md fixes
//! (`"schema": 2`: version 1 had no `absent` status and count). Evidence is
//! masked before it gets here.

use serde_json::{Value, json};

use crate::checklist::Checklist;
use crate::review::{ItemResult, SCORE_RULE, summarize};
use crate::state::OperatorStatus;

/// The report schema version.
pub const SCHEMA: u32 = 2;

fn operator_word(o: OperatorStatus) -> &'static str {
    match o {
        OperatorStatus::Open => "open",
        OperatorStatus::Done => "done",
        OperatorStatus::NotDone => "not_done",
        OperatorStatus::NotApplicable => "n/a",
        OperatorStatus::Waived => "waived",
    }
}

/// Where and when a report was made, so reports from many hosts merge
/// without guessing (`harden fleet`).
#[derive(Debug, Clone)]
pub struct Origin<'a> {
    pub host: &'a str,
    pub role: Option<&'a str>,
    pub generated: time::OffsetDateTime,
    /// Keyed fingerprints of the env file's secrets, with a fleet key only.
    pub fingerprints: Option<&'a crate::detect::fingerprint::Fingerprints>,
}

/// Builds the report.
pub fn render(
    checklist: &Checklist,
    results: &[ItemResult],
    project: &str,
    duration_ms: u128,
    origin: &Origin<'_>,
) -> Value {
    let summary = summarize(results);
    let items: Vec<Value> = results
        .iter()
        .map(|r| {
            let mut v = json!({
                "id": r.item.id,
                "section": r.section.slug,
                "severity": r.severity().as_str(),
                "title": r.item.text,
                "status": r.status.as_str(),
                "detected": r.detected.map(|d| d.as_str()),
                "operator": r.operator.map(operator_word),
                "evidence": r.evidence,
                "remediation": r.remediation,
            });
            if let Some(l) = &r.location {
                v["location"] = json!({"file": l.file, "line": l.line});
            }
            if let Some(n) = &r.note {
                v["note"] = json!(n);
            }
            v
        })
        .collect();
    let generated = origin
        .generated
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    let mut v = json!({
        "schema": SCHEMA,
        "tool": crate::version::json(),
        "host": {"name": origin.host, "role": origin.role},
        "generated": generated,
        "checklist": {"id": checklist.meta.id, "sha256": checklist.sha256},
        "project": project,
        "duration_ms": duration_ms as u64,
        "summary": {
            "pass": summary.pass,
            "fail": summary.fail,
            "warn": summary.warn,
            "unknown": summary.unknown,
            "skipped": summary.skipped,
            "absent": summary.absent,
            "open": summary.open,
            "na": summary.na,
            "waived": summary.waived,
            "score": summary.score,
            "score_rule": SCORE_RULE,
            "grade": summary.grade.to_string(),
            "critical_failures": summary.critical_failures,
            "excluded": summary.excluded,
            "sections": summary.sections.iter().map(|(k, v)| json!({"section": k, "score": v})).collect::<Vec<_>>(),
        },
        "items": items,
    });
    if let Some(f) = origin.fingerprints {
        v["fingerprints"] = json!(f);
    }
    v
}
