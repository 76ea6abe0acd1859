//! The help overlay, drawn from the main screen's key table.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use unicode_width::UnicodeWidthStr;

use crate::app::Model;
use crate::app::keymap::BINDINGS;
use crate::detect::Outcome;
use crate::state::OperatorStatus;

use super::{
    Theme,
    marks::{glyph, outcome_style, outcome_word, status_style},
    widgets::{modal_block, popup},
};

pub(super) fn help(frame: &mut Frame, body: Rect, model: &Model, scroll: u16, theme: &Theme) {
    let area = popup(body, 76, body.height);
    frame.render_widget(Clear, area);
    let block = modal_block(" Keys ".into(), theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let mut lines: Vec<Line> = Vec::new();
    let mut group = "";
    for b in BINDINGS {
        if b.group != group {
            if !group.is_empty() {
                lines.push(Line::raw(""));
            }
            group = b.group;
            lines.push(Line::styled(group, theme.heading));
        }
        lines.push(Line::from(vec![
            Span::styled(format!("  {:<10}", b.label), theme.key),
            Span::raw(b.help),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled("Status", theme.heading));
    for st in [
        OperatorStatus::Open,
        OperatorStatus::Done,
        OperatorStatus::NotDone,
        OperatorStatus::NotApplicable,
        OperatorStatus::Waived,
    ] {
        lines.push(Line::from(vec![
            Span::styled(format!("  {:<10}", glyph(st)), status_style(theme, st)),
            Span::raw(st.as_str()),
        ]));
    }
    lines.push(Line::from(vec![
        Span::styled("  !!        ", theme.critical),
        Span::raw("critical    "),
        Span::styled("!  ", theme.important),
        Span::raw("important    "),
        Span::styled("✎ ", theme.dim),
        Span::raw("has a note"),
    ]));
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "Detection (what harden found, before your answer)",
        theme.heading,
    ));
    for (o, what) in [
        (Outcome::Pass, "the check ran and the item holds"),
        (Outcome::Warn, "it holds, with a weakness worth fixing"),
        (
            Outcome::Fail,
            "the check ran and the item does not hold; the detail has the fix",
        ),
        (
            Outcome::Unknown,
            "the check could not run or decide (the detail says why)",
        ),
        (
            Outcome::Skipped,
            "not run: offline, no URL given (u), or a feature turned off",
        ),
        (
            Outcome::Absent,
            "the project does not have this feature: y marks it n/a",
        ),
    ] {
        lines.push(Line::from(vec![
            Span::styled(
                format!("  {:<10}", outcome_word(o)),
                outcome_style(theme, o),
            ),
            Span::raw(what),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled("State file", theme.heading));
    lines.push(Line::raw(format!("  {}", model.context.state_path)));
    lines.push(Line::raw(
        "  saved after every answer; the previous version is kept as .bak",
    ));
    let max_scroll = (lines.len() as u16).saturating_sub(inner.height);
    model.scroll_limit.set(max_scroll);
    if max_scroll > 0 {
        let more = if scroll.min(max_scroll) < max_scroll {
            " ↓ more "
        } else {
            " end "
        };
        let w = more.width() as u16;
        if area.width > w + 2 {
            frame.render_widget(
                Paragraph::new(Line::styled(more, theme.heading)),
                Rect::new(area.x + area.width - w - 2, area.y + area.height - 1, w, 1),
            );
        }
    }
    frame.render_widget(
        Paragraph::new(lines).scroll((scroll.min(max_scroll), 0)),
        inner,
    );
}
