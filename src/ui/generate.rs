//! The generated files with their diffs.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, List, ListItem, ListState, Paragraph};

use crate::app::GenerateView;

use super::{Theme, panes::pane_block, widgets::fit_spans};

pub(super) fn generate_view(frame: &mut Frame, body: Rect, view: &GenerateView, theme: &Theme) {
    use crate::generate::Change;
    frame.render_widget(Clear, body);
    let [left, right] =
        Layout::horizontal([Constraint::Length(36), Constraint::Fill(1)]).areas(body);
    let block = pane_block(" Generated files ".into(), true, theme);
    let inner = block.inner(left);
    frame.render_widget(block, left);
    let rows: Vec<ListItem> = view
        .files
        .iter()
        .map(|f| {
            let (tag, st) = match f.change {
                Change::New => ("new ", theme.done),
                Change::Changed => ("chg ", theme.important),
                Change::Unchanged => ("same", theme.dim),
            };
            let mut spans = vec![Span::styled(tag, st), Span::raw(" ")];
            spans.extend(fit_spans(
                vec![Span::raw(f.path.clone())],
                (inner.width as usize).saturating_sub(7),
                false,
            ));
            if f.secret {
                spans.push(Span::styled(" 🔒", theme.dim));
            }
            ListItem::new(Line::from(spans))
        })
        .collect();
    let mut st = ListState::default().with_selected(Some(view.selected));
    frame.render_stateful_widget(
        List::new(rows).highlight_style(theme.selected),
        inner,
        &mut st,
    );
    let Some(f) = view.files.get(view.selected) else {
        return;
    };
    let title = if f.secret {
        format!(" {} · 0600 · secrets masked ", f.path)
    } else {
        format!(" {} ", f.path)
    };
    let block = pane_block(title, false, theme);
    let inner = block.inner(right);
    frame.render_widget(block, right);
    let lines: Vec<Line> = if f.diff.is_empty() {
        vec![Line::styled(
            "Unchanged: the file on disk already says this.",
            theme.dim,
        )]
    } else {
        f.diff
            .lines()
            .map(|l| {
                let st = if l.starts_with('+') {
                    theme.done
                } else if l.starts_with('-') {
                    theme.not_done
                } else if l.starts_with("@@") {
                    theme.heading
                } else {
                    theme.base
                };
                Line::styled(l.to_string(), st)
            })
            .collect()
    };
    let max = (lines.len() as u16).saturating_sub(inner.height);
    frame.render_widget(
        Paragraph::new(lines).scroll((view.scroll.min(max), 0)),
        inner,
    );
}
