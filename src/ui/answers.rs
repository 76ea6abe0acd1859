//! The answers form.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, List, ListItem, ListState, Paragraph};
use unicode_width::UnicodeWidthStr;

use crate::answers::origin::Origin;
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
    let [list, about, foot] = Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(inner);
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
                // Masked like every other screen: a known secret typed or
                // loaded here shows as ‹secret›, controls escaped.
                _ => crate::util::redact::redact(v),
            };
            // A mark of 8 columns: a stand-in to replace, one confirmed, or
            // a value the env file says otherwise about.
            let (mark, mark_style) = if form.contradiction(k, v).is_some() {
                ("≠ env", theme.not_done)
            } else {
                match form.origins.get(k) {
                    Some(Origin::Example) => ("EXAMPLE", theme.important),
                    Some(Origin::SavedStandIn) => ("example?", theme.important),
                    Some(Origin::Confirmed) => ("ok", theme.done),
                    Some(Origin::Typed) => ("typed", theme.dim),
                    _ => ("", theme.dim),
                }
            };
            let mut spans = fit_spans(vec![Span::styled(k.clone(), theme.dim)], key_w, true);
            spans.push(Span::raw("  "));
            spans.extend(fit_spans(
                vec![Span::raw(shown)],
                (list.width as usize).saturating_sub(key_w + 2 + 9),
                true,
            ));
            spans.push(Span::raw(" "));
            spans.push(Span::styled(format!("{mark:<8}"), mark_style));
            ListItem::new(Line::from(spans))
        })
        .collect();
    let mut st = ListState::default().with_selected(Some(form.selected));
    frame.render_stateful_widget(
        List::new(rows).highlight_style(theme.selected),
        list,
        &mut st,
    );
    // Where the selected value came from, and what the env file says.
    if let Some((k, v)) = form.fields.get(form.selected) {
        let from = form
            .origins
            .get(k)
            .map_or_else(|| Origin::Default.about(), Origin::about);
        let mut spans = vec![Span::styled(format!("{k}: {from}"), theme.dim)];
        if let Some(c) = form.contradiction(k, v) {
            spans.push(Span::styled(format!("; {c}"), theme.not_done));
        }
        frame.render_widget(
            Paragraph::new(Line::from(fit_spans(spans, about.width as usize, false))),
            about,
        );
    }
    let left = form.unconfirmed().len();
    let saved_stand_ins = form
        .origins
        .values()
        .filter(|o| **o == Origin::SavedStandIn)
        .count();
    let line = match &form.error {
        Some(e) => fit(e, foot.width, theme.error),
        None if left > 0 => fit(
            &format!("{left} example values to replace or confirm; then g renders."),
            foot.width,
            theme.important,
        ),
        None if saved_stand_ins > 0 => fit(
            &format!(
                "{saved_stand_ins} saved answers are still the example's values (example?): check them. g renders."
            ),
            foot.width,
            theme.important,
        ),
        None => fit(
            "Each value says where it came from; check them. g renders the files.",
            foot.width,
            theme.dim,
        ),
    };
    frame.render_widget(Paragraph::new(line), foot);
}
