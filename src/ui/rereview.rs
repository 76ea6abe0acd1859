//! What changed since the last sign-off.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph, Wrap};

use crate::app::Model;
use crate::util::dates::format_date;

use super::{Theme, panes::pane_block};

pub(super) fn rereview(frame: &mut Frame, body: Rect, model: &Model, scroll: u16, theme: &Theme) {
    frame.render_widget(Clear, body);
    let Some(last) = model.state.signoffs.last() else {
        frame.render_widget(
            Paragraph::new("No sign-off yet: S signs off once every critical item is settled."),
            body,
        );
        return;
    };
    let title = format!(
        " Since the sign-off of {} (reviewed by {}, approved by {}) ",
        format_date(last.approved_date),
        last.reviewed_by,
        last.approved_by
    );
    let block = pane_block(title, true, theme);
    let inner = block.inner(body);
    frame.render_widget(block, body);
    let ch = crate::review::signoff::changes(&model.checklist, last, &model.state, model.today);
    let mut lines: Vec<Line> = crate::review::signoff::describe(&ch)
        .into_iter()
        .map(|l| {
            let st = if l.starts_with("REGRESSED") || l.starts_with("EXPIRED") {
                theme.critical
            } else if l.starts_with("IMPROVED") {
                theme.done
            } else if l.starts_with("ROTATED")
                || l.starts_with("EXPIRING")
                || l.starts_with("DETECTED")
            {
                theme.important
            } else {
                theme.base
            };
            Line::styled(l, st)
        })
        .collect();
    if model.checklist.sha256 != last.checklist_sha256 {
        lines.insert(
            0,
            Line::styled(
                "The checklist itself changed since the sign-off.",
                theme.important,
            ),
        );
    }
    if lines.is_empty() {
        lines.push(Line::styled(
            "Nothing changed since the sign-off.",
            theme.done,
        ));
    }
    if !model.running.is_empty() {
        lines.push(Line::styled(
            "Detection is still running; this list updates as results arrive.",
            theme.dim,
        ));
    }
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0)),
        inner,
    );
}
