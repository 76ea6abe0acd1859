//! `harden report`: the seed checklist itself, in its own layout, filled in
//! from the state: `[x]` for done items, `[ ]` for the rest, n/a and waived
//! with their reason, detections and notes under their items, the Sign-Off
//! and Notes blocks. Markdown, or the same as one self-contained HTML page.

use std::fmt::Write;

use crate::checklist::{Checklist, Item, Severity};
use crate::state::{OperatorStatus, State};

fn mark(s: Option<Severity>) -> &'static str {
    match s {
        Some(Severity::Critical) => " ⚠ CRITICAL",
        Some(Severity::Important) => " ⚠ IMPORTANT",
        _ => "",
    }
}

/// The lines that follow an item's checkbox: its status reason, detection and note.
fn annotations(item: &Item, state: &State) -> Vec<String> {
    let mut out = Vec::new();
    let rec = state.items.get(&item.id);
    match rec.map(|r| r.status) {
        Some(OperatorStatus::NotApplicable) => out.push(format!(
            "n/a{}",
            rec.and_then(|r| r.note.as_deref())
                .map(|n| format!(": {n}"))
                .unwrap_or_default()
        )),
        Some(OperatorStatus::Waived) => {
            if let Some(w) = rec.and_then(|r| r.waiver.as_ref()) {
                out.push(format!(
                    "waived: {} (owner {}{})",
                    w.reason,
                    w.owner,
                    w.expires
                        .map(|d| format!(", until {}", crate::util::dates::format_date(d)))
                        .unwrap_or_default()
                ));
            }
        }
        Some(OperatorStatus::NotDone) => out.push("not done".into()),
        _ => {}
    }
    if let Some(d) = state.detections.get(&item.id) {
        out.push(format!("detected {}: {}", d.outcome.as_str(), d.evidence));
    }
    if let Some(n) = rec.and_then(|r| r.note.as_deref())
        && rec.map(|r| r.status) != Some(OperatorStatus::NotApplicable)
    {
        out.push(format!("note: {n}"));
    }
    out
}

/// Operator text made inert for Markdown renderers that pass HTML through.
fn inert(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn done(item: &Item, state: &State) -> bool {
    state
        .items
        .get(&item.id)
        .is_some_and(|r| r.status == OperatorStatus::Done)
}

/// The report as Markdown, in the seed's layout.
pub fn markdown(c: &Checklist, state: &State) -> String {
    let mut m = String::new();
    let _ = writeln!(m, "# {}", c.meta.title);
    if let Some(s) = &c.meta.subtitle {
        let _ = writeln!(m, "## {s}");
    }
    if let Some(i) = &c.meta.intro {
        let _ = writeln!(m, "\n{i}");
    }
    for section in &c.sections {
        let _ = writeln!(
            m,
            "\n---\n\n## {}{}",
            section.label(),
            mark(section.severity)
        );
        let mut group = usize::MAX;
        for item in &section.items {
            if item.group != group {
                group = item.group;
                let g = &section.groups[group];
                let _ = writeln!(m, "\n### {}{}", g.title, mark(g.severity));
            }
            let indent = "  ".repeat(item.depth);
            let box_ = if done(item, state) { "[x]" } else { "[ ]" };
            let _ = writeln!(m, "{indent}- {box_} {}", item.text);
            if let Some(ex) = &item.example {
                let _ = writeln!(m, "{indent}  ```{}", ex.lang);
                for l in ex.code.lines() {
                    let _ = writeln!(m, "{indent}  {l}");
                }
                let _ = writeln!(m, "{indent}  ```");
            }
            for a in annotations(item, state) {
                // Operator text is text, not markup: a note's HTML stays inert
                // wherever the Markdown is rendered.
                let a = inert(&a).replace('\n', " ");
                let _ = writeln!(m, "{indent}  > {a}");
            }
        }
        if section.slug == "signoff" {
            let signed = |k: &str| state_field(state, k);
            let _ = writeln!(m);
            for f in &c.signoff.fields {
                // Names as typed are text, not markup.
                let _ = writeln!(m, "**{}:** {}  ", f.label, inert(&signed(&f.key)));
            }
        }
    }
    let _ = writeln!(
        m,
        "\n---\n\n## {}\n\n{}\n\n```",
        c.notes.title, c.notes.prompt
    );
    let notes: Vec<String> = c
        .items()
        .filter_map(|i| {
            state
                .items
                .get(&i.id)
                .and_then(|r| r.note.as_ref())
                // A note can neither close the code fence nor carry markup.
                .map(|n| format!("{}: {}", i.id, inert(n).replace("```", "'''")))
        })
        .collect();
    if notes.is_empty() {
        let _ = writeln!(m, "{}", c.notes.placeholder);
    } else {
        for n in notes {
            let _ = writeln!(m, "{n}");
        }
    }
    let _ = writeln!(m, "```\n\n---\n");
    if let Some(v) = &c.meta.last_updated {
        let _ = writeln!(m, "**Last Updated:** {v}  ");
    }
    if let Some(v) = &c.meta.version {
        let _ = writeln!(m, "**Version:** {v}  ");
    }
    if let Some(v) = &c.meta.next_review {
        let _ = writeln!(m, "**Next Review:** {v}");
    }
    m
}

/// A sign-off field's value from the last sign-off, or a blank line.
fn state_field(state: &State, key: &str) -> String {
    let Some(s) = state.signoffs.last() else {
        return "___________________________".into();
    };
    match key {
        "reviewed_by" => s.reviewed_by.clone(),
        "reviewed_date" => crate::util::dates::format_date(s.reviewed_date),
        "approved_by" => s.approved_by.clone(),
        "approved_date" => crate::util::dates::format_date(s.approved_date),
        _ => String::new(),
    }
}

fn esc(s: &str) -> String {
    super::junit::escape(s)
}

/// Inline code spans of checklist text as HTML.
fn inline(s: &str) -> String {
    s.split('`')
        .enumerate()
        .map(|(i, p)| {
            if i % 2 == 1 {
                format!("<code>{}</code>", esc(p))
            } else {
                esc(p)
            }
        })
        .collect()
}

/// The same report as one self-contained HTML page (no external asset).
pub fn html(c: &Checklist, state: &State) -> String {
    let mut h = String::from("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n");
    let _ = writeln!(h, "<title>{}</title>", esc(&c.meta.title));
    h.push_str(
        "<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}\
         ul{list-style:none;padding-left:1.2rem}li{margin:.2rem 0}code{background:#f3f3f3;padding:0 .2rem}\
         .crit{color:#b00020}.imp{color:#8a5a00}.ann{color:#555;font-size:90%;margin-left:1.6rem}\
         pre{background:#f6f6f6;padding:.5rem}</style></head><body>\n",
    );
    let _ = writeln!(h, "<h1>{}</h1>", esc(&c.meta.title));
    if let Some(s) = &c.meta.subtitle {
        let _ = writeln!(h, "<h2>{}</h2>", esc(s));
    }
    if let Some(i) = &c.meta.intro {
        let _ = writeln!(h, "<p>{}</p>", esc(i));
    }
    let badge = |s: Option<Severity>| match s {
        Some(Severity::Critical) => " <span class=\"crit\">⚠ CRITICAL</span>",
        Some(Severity::Important) => " <span class=\"imp\">⚠ IMPORTANT</span>",
        _ => "",
    };
    for section in &c.sections {
        let _ = writeln!(
            h,
            "<hr><h2>{}{}</h2>",
            esc(&section.label()),
            badge(section.severity)
        );
        let mut group = usize::MAX;
        for item in &section.items {
            if item.group != group {
                if group != usize::MAX {
                    h.push_str("</ul>\n");
                }
                group = item.group;
                let g = &section.groups[group];
                let _ = writeln!(h, "<h3>{}{}</h3><ul>", esc(&g.title), badge(g.severity));
            }
            let checked = if done(item, state) { " checked" } else { "" };
            let _ = write!(
                h,
                "<li style=\"margin-left:{}rem\"><input type=\"checkbox\" disabled{checked}> {}",
                item.depth * 2,
                inline(&item.text)
            );
            if let Some(ex) = &item.example {
                let _ = write!(h, "<pre><code>{}</code></pre>", esc(&ex.code));
            }
            if let Some(g) = crate::checklist::guidance::for_item(&item.id) {
                let _ = write!(
                    h,
                    "<details class=\"guide\"><summary>Why, verify, fix</summary>\
                     <p><b>Why it matters:</b> {}</p><p><b>Verify by hand:</b> {}</p>\
                     <p><b>How to fix:</b> {}</p></details>",
                    inline(&g.why),
                    inline(&g.verify),
                    inline(&g.fix)
                );
            }
            for a in annotations(item, state) {
                let _ = write!(h, "<div class=\"ann\">{}</div>", esc(&a));
            }
            h.push_str("</li>\n");
        }
        h.push_str("</ul>\n");
        if section.slug == "signoff" {
            for f in &c.signoff.fields {
                let _ = writeln!(
                    h,
                    "<p><b>{}:</b> {}</p>",
                    esc(&f.label),
                    esc(&state_field(state, &f.key))
                );
            }
        }
    }
    let _ = writeln!(
        h,
        "<hr><h2>{}</h2><p>{}</p>",
        esc(&c.notes.title),
        esc(&c.notes.prompt)
    );
    let _ = writeln!(h, "<pre>{}</pre>", esc(&c.notes.placeholder));
    h.push_str("</body></html>\n");
    h
}
