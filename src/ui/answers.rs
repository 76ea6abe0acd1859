//! The answers form.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, List, ListItem, ListState, Paragraph};
use unicode_width::UnicodeWidthStr;

use crate::app::AnswersForm;

use super::{
    Theme,
    panes::pane_block,
    widgets::{fit, fit_spans},
};

pub(super) fn answers_form(frame: &mut Frame, body: Rect, form: &AnswersForm, theme: &Theme) {
    frame.render_widget(Clear, body);
    let block = pane_block(
        " Answers for generate (no secrets here) ".into(),
        true,
        theme,
    );
    let inner = block.inner(body);
    frame.render_widget(block, body);
    let [list, foot] = Layout::vertical([Constraint::Fill(1), Constraint::Length(1)]).areas(inner);
    let key_w = form
        .fields
        .iter()
        .map(|(k, _)| k.width())
        .max()
        .unwrap_or(10)
        .min(32);
    let rows: Vec<ListItem> = form
        .fields
        .iter()
        .enumerate()
        .map(|(i, (k, v))| {
            let shown = match (&form.editing, i == form.selected) {
                (Some(input), true) => format!("{}▏", crate::util::redact::veil(input.value())),
                _ => v.clone(),
            };
            let mut spans = fit_spans(vec![Span::styled(k.clone(), theme.dim)], key_w, true);
            spans.push(Span::raw("  "));
            spans.extend(fit_spans(
                vec![Span::raw(shown)],
                (list.width as usize).saturating_sub(key_w + 2),
                false,
            ));
            ListItem::new(Line::from(spans))
        })
        .collect();
    let mut st = ListState::default().with_selected(Some(form.selected));
    frame.render_stateful_widget(
        List::new(rows).highlight_style(theme.selected),
        list,
        &mut st,
    );
    let line = match &form.error {
        Some(e) => fit(e, foot.width, theme.error),
        None => fit(
            "Prefilled from the env file; check each value. g renders the files.",
            foot.width,
            theme.dim,
        ),
    };
    frame.render_widget(Paragraph::new(line), foot);
}
