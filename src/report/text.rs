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

/// Renders the table; `width` bounds the evidence column.
pub fn render(results: &[ItemResult], width: usize) -> String {
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
        "{:<10} {:<id_w$} {:<7} EVIDENCE",
        "SECTION", "ITEM", "STATUS"
    );
    let ev_w = width.saturating_sub(10 + 1 + id_w + 1 + 7 + 1).max(20);
    for r in &shown {
        let ev = if r.evidence.is_empty() {
            r.note.clone().unwrap_or_default()
        } else {
            r.evidence.clone()
        };
        let _ = writeln!(
            out,
            "{:<10} {:<id_w$} {:<7} {}",
            r.section.slug,
            r.item.id,
            r.status.as_str(),
            cut(&ev.replace('\n', " "), ev_w)
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
    out
}
