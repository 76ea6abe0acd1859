//! The note editor.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph};
use tui_input::Input;

use crate::app::{Model, NotePurpose};

use super::{
    Theme,
    marks::outcome_word,
    widgets::{code_spans, fit, fit_spans, input_line, modal_block, popup},
};

pub(super) fn note_editor(
    frame: &mut Frame,
    body: Rect,
    model: &Model,
    input: &Input,
    purpose: NotePurpose,
    theme: &Theme,
) {
    let item = model.current_item();
    let area = popup(body, 72, 6);
    frame.render_widget(Clear, area);
    let title = match purpose {
        NotePurpose::Edit => format!(" Note for {} ", item.id),
        NotePurpose::Override { .. } => format!(" Override {} ", item.id),
    };
    let block = modal_block(title, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let rows = Layout::vertical([Constraint::Length(1); 4]).split(inner);
    let first = match purpose {
        NotePurpose::Edit => Line::from(fit_spans(
            code_spans(&item.text, theme.dim, theme.code),
            rows[0].width as usize,
            false,
        )),
        NotePurpose::Override { status, outcome } => fit(
            &format!(
                "Detected {}, you say {}: write why (required).",
                outcome_word(outcome),
                status.as_str()
            ),
            rows[0].width,
            theme.important,
        ),
    };
    frame.render_widget(Paragraph::new(first), rows[0]);
    input_line(frame, rows[2], input, true, theme);
}
