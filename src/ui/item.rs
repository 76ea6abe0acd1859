//! One item in full: its text, detection, answer, note and waiver.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use crate::app::Model;
use crate::util::dates::format_date;

use super::{
    Theme,
    marks::{glyph, outcome_style, outcome_word, severity_style, status_style},
    panes::pane_block,
    widgets::code_spans,
};

/// The whole item, scrollable, over the panes.
pub(super) fn item_view(frame: &mut Frame, body: Rect, model: &Model, scroll: u16, theme: &Theme) {
    let item = model.current_item();
    frame.render_widget(Clear, body);
    let block = pane_block(format!(" {} ", item.id), true, theme);
    let inner = block.inner(body);
    frame.render_widget(block, body);
    let lines = detail_lines(model, theme);
    // Word wrapping can take a few more rows than the estimate: allow them.
    let max = (wrapped_height(&lines, inner.width) as u16 + 3).saturating_sub(inner.height);
    model.scroll_limit.set(max);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll.min(max), 0)),
        inner,
    );
}

/// About how many rows `lines` take when wrapped at `width`.
pub(super) fn wrapped_height(lines: &[Line], width: u16) -> usize {
    let w = width.max(1) as usize;
    lines.iter().map(|l| l.width().div_ceil(w).max(1)).sum()
}

/// Everything known about the current item, as lines.
pub(super) fn detail_lines(model: &Model, theme: &Theme) -> Vec<Line<'static>> {
    let item = model.current_item();
    let s = model.current_section();
    let status = model.status(&item.id);
    let rec = model.record(&item.id);
    let mut lines = vec![Line::from(code_spans(
        &item.text,
        theme.base.add_modifier(Modifier::BOLD),
        theme.code.add_modifier(Modifier::BOLD),
    ))];
    let mut meta = vec![
        Span::styled(item.severity.as_str(), severity_style(theme, item.severity)),
        Span::styled(format!(" · {}", s.groups[item.group].title), theme.dim),
    ];
    if item.added {
        meta.push(Span::styled(" · added by harden", theme.dim));
    }
    lines.push(Line::from(meta));
    let mut st = vec![
        Span::styled(glyph(status), status_style(theme, status)),
        Span::styled(format!(" {}", status.as_str()), status_style(theme, status)),
    ];
    if let Some(r) = rec {
        if let Some(by) = &r.by {
            st.push(Span::styled(
                format!(" · {}", crate::util::redact::redact(by)),
                theme.dim,
            ));
        }
        if let Some(at) = r.at {
            st.push(Span::styled(
                format!(
                    " · {} {:02}:{:02} UTC",
                    format_date(at.date()),
                    at.hour(),
                    at.minute()
                ),
                theme.dim,
            ));
        }
    }
    lines.push(Line::from(st));
    if let Some(w) = rec.and_then(|r| r.waiver.as_ref()) {
        let until = w
            .expires
            .map(|d| format!("until {}", format_date(d)))
            .unwrap_or_else(|| "no expiry".into());
        lines.push(Line::from(vec![
            Span::styled("Waiver: ", theme.waived),
            Span::raw(crate::util::redact::redact(&format!(
                "{} · owner {} · {until}",
                w.reason, w.owner
            ))),
        ]));
    }
    if let Some(n) = rec.and_then(|r| r.note.as_ref()) {
        lines.push(Line::from(vec![
            Span::styled("Note: ", theme.heading),
            Span::raw(crate::util::redact::redact(n)),
        ]));
    }
    if let Some(file) = model.state.generated.get(&item.id) {
        lines.push(Line::from(vec![
            Span::styled("Generated: ", theme.heading),
            Span::raw(format!("{file} addresses this item")),
        ]));
    }
    if model.detecting(&item.id) {
        lines.push(Line::styled("Detecting…", theme.dim));
    } else if let Some(d) = model.detection(&item.id) {
        let mut head = vec![
            Span::styled("Detected ", theme.heading),
            Span::styled(outcome_word(d.outcome), outcome_style(theme, d.outcome)),
        ];
        if d.outcome == crate::checklist::Outcome::Absent {
            head.push(Span::styled(
                " · absent from this project (y marks it n/a)",
                theme.dim,
            ));
        }
        if let Some(l) = &d.location {
            head.push(Span::styled(format!(" · {}:{}", l.file, l.line), theme.dim));
        }
        if rec.and_then(|r| r.overrides) == Some(d.outcome) {
            head.push(Span::styled(" · overridden by the operator", theme.waived));
        }
        lines.push(Line::from(head));
        lines.push(Line::raw(crate::util::redact::redact(&d.evidence)));
        if !d.remediation.is_empty() {
            lines.push(Line::from(vec![
                Span::styled("Fix: ", theme.heading),
                Span::raw(crate::util::redact::redact(&d.remediation)),
            ]));
        }
    }
    if let Some(h) = &item.help {
        lines.push(Line::raw(""));
        lines.push(Line::raw(h.clone()));
    }
    if let Some(ex) = &item.example {
        lines.push(Line::styled(
            if ex.lang.is_empty() {
                "Example:".to_string()
            } else {
                format!("Example ({}):", ex.lang)
            },
            theme.heading,
        ));
        for l in ex.code.lines() {
            lines.push(Line::styled(format!("  {l}"), theme.code));
        }
    }
    if let Some(g) = crate::checklist::guidance::for_item(&item.id) {
        lines.push(Line::raw(""));
        for (label, text) in [
            ("Why it matters: ", &g.why),
            ("Verify by hand: ", &g.verify),
            ("How to fix: ", &g.fix),
        ] {
            let mut spans = vec![Span::styled(label, theme.heading)];
            spans.extend(code_spans(text, theme.base, theme.code));
            lines.push(Line::from(spans));
        }
    }
    lines
}
