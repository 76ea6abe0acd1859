//! The waiver prompt.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph};

use crate::app::{Model, WaiverField, WaiverForm};

use super::{
    Theme,
    widgets::{fit, input_line, modal_block, popup},
};

/// The waiver prompt over the panes.
pub(super) fn waiver(
    frame: &mut Frame,
    body: Rect,
    model: &Model,
    form: &WaiverForm,
    theme: &Theme,
) {
    let item = model.current_item();
    let area = popup(body, 72, 9);
    frame.render_widget(Clear, area);
    let block = modal_block(format!(" Waive {} ", item.id), theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let rows = Layout::vertical([Constraint::Length(1); 7]).split(inner);
    frame.render_widget(
        Paragraph::new(Line::styled("Reason (required):", theme.heading)),
        rows[0],
    );
    input_line(
        frame,
        rows[1],
        &form.reason,
        form.field == WaiverField::Reason,
        theme,
    );
    frame.render_widget(
        Paragraph::new(Line::styled(
            "Expires (YYYY-MM-DD, empty for none):",
            theme.heading,
        )),
        rows[3],
    );
    input_line(
        frame,
        rows[4],
        &form.expires,
        form.field == WaiverField::Expires,
        theme,
    );
    if let Some(e) = &form.error {
        frame.render_widget(Paragraph::new(fit(e, rows[6].width, theme.error)), rows[6]);
    } else {
        frame.render_widget(
            Paragraph::new(fit(
                &format!(
                    "Owner: {}",
                    crate::util::redact::redact(model.state.operator.as_deref().unwrap_or(""))
                ),
                rows[6].width,
                theme.dim,
            )),
            rows[6],
        );
    }
}
