//! JUnit XML: one testcase per item, grouped in a testsuite per section;
//! fail and unknown are failures, skipped, open, n/a and waived are skips.

use std::fmt::Write;

use crate::checklist::Verdict;
use crate::review::ItemResult;

/// Escapes text for XML attributes and content.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\r' | '\t') => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Renders the results as JUnit XML.
pub fn render(results: &[ItemResult], seconds: f64) -> String {
    let mut sections: Vec<&str> = Vec::new();
    for r in results {
        if !sections.contains(&r.section.slug.as_str()) {
            sections.push(&r.section.slug);
        }
    }
    let count =
        |f: fn(Verdict) -> bool, of: &[&ItemResult]| of.iter().filter(|r| f(r.status)).count();
    let failed = |s: Verdict| matches!(s, Verdict::Fail | Verdict::Unknown);
    let skipped = |s: Verdict| {
        matches!(
            s,
            Verdict::Skipped | Verdict::Absent | Verdict::Open | Verdict::Na | Verdict::Waived
        )
    };
    let all: Vec<&ItemResult> = results.iter().collect();
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        x,
        "<testsuites name=\"harden\" tests=\"{}\" failures=\"{}\" skipped=\"{}\" time=\"{seconds:.3}\">",
        all.len(),
        count(failed, &all),
        count(skipped, &all)
    );
    for slug in sections {
        let of: Vec<&ItemResult> = results.iter().filter(|r| r.section.slug == slug).collect();
        let _ = writeln!(
            x,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" skipped=\"{}\">",
            escape(slug),
            of.len(),
            count(failed, &of),
            count(skipped, &of)
        );
        for r in of {
            let _ = write!(
                x,
                "    <testcase classname=\"harden.{}\" name=\"{}\">",
                escape(slug),
                escape(&r.item.id)
            );
            let text = if r.evidence.is_empty() {
                r.item.text.clone()
            } else {
                r.evidence.clone()
            };
            match r.status {
                s if failed(s) => {
                    let _ = write!(
                        x,
                        "<failure type=\"{}\" message=\"{}\">{}</failure>",
                        s.as_str(),
                        escape(&text),
                        escape(&r.remediation)
                    );
                }
                s if skipped(s) => {
                    let _ = write!(
                        x,
                        "<skipped message=\"{}: {}\"/>",
                        s.as_str(),
                        escape(&text)
                    );
                }
                _ => {
                    if !r.evidence.is_empty() {
                        let _ = write!(x, "<system-out>{}</system-out>", escape(&r.evidence));
                    }
                }
            }
            x.push_str("</testcase>\n");
        }
        x.push_str("  </testsuite>\n");
    }
    x.push_str("</testsuites>\n");
    x
}
