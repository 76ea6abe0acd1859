//! The Markdown summary `check --format markdown` writes: totals, then a
//! table per section of every item that was detected or answered.

use std::fmt::Write;

use super::{counts_line, score_line};
use crate::checklist::Verdict;
use crate::review::{ItemResult, summarize};

fn cell(s: &str) -> String {
    crate::util::text::markdown_inert(s)
}

/// Renders the summary.
pub fn render(results: &[ItemResult], project: &str) -> String {
    let s = summarize(results);
    let mut m = String::new();
    let _ = writeln!(m, "# harden check: {}\n", cell(project));
    let _ = writeln!(
        m,
        "**{}.** {}.
",
        counts_line(&s),
        score_line(&s)
    );
    let _ = writeln!(m, "| section | score |\n|---|---|");
    for (slug, score) in &s.sections {
        let _ = writeln!(m, "| {slug} | {score} |");
    }
    let mut section = "";
    for r in results
        .iter()
        .filter(|r| r.status != Verdict::Open || r.detected.is_some())
    {
        if r.section.slug != section {
            section = &r.section.slug;
            let _ = writeln!(m, "\n## {}\n", cell(&r.section.label()));
            let _ = writeln!(
                m,
                "| item | severity | status | evidence |\n|---|---|---|---|"
            );
        }
        let ev = if r.evidence.is_empty() {
            r.note.clone().unwrap_or_default()
        } else {
            r.evidence.clone()
        };
        let _ = writeln!(
            m,
            "| `{}` | {} | **{}** | {} |",
            r.item.id,
            r.severity().as_str(),
            r.status.as_str(),
            cell(&ev)
        );
    }
    m
}
