//! The search: the query, the filter and the count, then the matches.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::Theme;
use super::marks::{outcome_style, outcome_word};
use super::widgets::{fit, fit_spans, input_line, modal_block, popup};
use crate::app::Model;
use crate::app::search::SearchView;

pub(super) fn search(
    frame: &mut Frame,
    body: Rect,
    model: &Model,
    view: &SearchView,
    theme: &Theme,
) {
    let area = popup(body, 100, body.height);
    frame.render_widget(Clear, area);
    let block = modal_block(" Search ".into(), theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [query, about, list] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(1),
    ])
    .areas(inner);
    input_line(frame, query, &view.input, true, theme);
    let n = view.hits.len();
    frame.render_widget(
        Paragraph::new(fit(
            &format!(
                "{} · {n} {}{} · Tab: all, failing, unanswered, critical, changed",
                view.filter.word(),
                if n == 1 { "match" } else { "matches" },
                if view.filter == crate::app::search::Filter::Changed
                    && model.state.signoffs.is_empty()
                {
                    " (no sign-off yet)"
                } else {
                    ""
                }
            ),
            about.width,
            theme.dim,
        )),
        about,
    );
    let rows = list.height as usize;
    let first = view.selected.saturating_sub(rows.saturating_sub(1));
    let w = list.width as usize;
    let lines: Vec<Line> = view
        .hits
        .iter()
        .enumerate()
        .skip(first)
        .take(rows)
        .map(|(i, &(si, ii))| {
            let item = &model.checklist.sections[si].items[ii];
            let style = if i == view.selected {
                theme.selected
            } else {
                theme.base
            };
            let mut spans = Vec::new();
            match model.detection(&item.id) {
                Some(d) => spans.push(Span::styled(
                    format!("{} ", outcome_word(d.outcome)),
                    outcome_style(theme, d.outcome).patch(style),
                )),
                None => spans.push(Span::styled("     ", style)),
            }
            spans.push(Span::styled(format!("{:<32} ", item.id), style));
            spans.push(Span::styled(item.text.replace('`', ""), style));
            Line::from(fit_spans(spans, w, true))
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), list);
}
