//! The sign-off form.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph};

use crate::app::SignOffForm;

use super::{
    Theme,
    widgets::{fit, input_line, modal_block, popup},
};

/// The sign-off form.
pub(super) fn signoff(frame: &mut Frame, body: Rect, form: &SignOffForm, theme: &Theme) {
    let area = popup(body, 66, 11);
    frame.render_widget(Clear, area);
    let block = modal_block(" Security review sign-off ".into(), theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let rows = Layout::vertical([Constraint::Length(1); 9]).split(inner);
    for (i, label) in crate::app::SIGNOFF_LABELS.iter().enumerate() {
        let [l, r] =
            Layout::horizontal([Constraint::Length(15), Constraint::Fill(1)]).areas(rows[i * 2]);
        frame.render_widget(
            Paragraph::new(Line::styled(format!("{label}:"), theme.heading)),
            l,
        );
        input_line(frame, r, &form.inputs[i], form.field == i, theme);
    }
    let msg = match &form.error {
        Some(e) => fit(e, rows[8].width, theme.error),
        None => fit(
            "Records the checklist sha256 and a digest of every status.",
            rows[8].width,
            theme.dim,
        ),
    };
    frame.render_widget(Paragraph::new(msg), rows[8]);
}
