//! The settings mapping: one row per concept, the selected row's full
//! story below, and the correction being typed.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use super::Theme;
use super::widgets::{fit, fit_spans, input_line, modal_block, popup};
use crate::app::mapping::MappingView;

/// Width of a column: its widest cell, within `most`.
fn column(cells: impl Iterator<Item = usize>, least: usize, most: usize) -> usize {
    cells.max().unwrap_or(least).clamp(least, most)
}

pub(super) fn mapping(frame: &mut Frame, body: Rect, view: &MappingView, theme: &Theme) {
    let area = popup(body, 120, body.height);
    frame.render_widget(Clear, area);
    let block = modal_block(
        " Settings: which of the project's settings plays each concept ".into(),
        theme,
    );
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [explain, head, list, detail] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(4),
    ])
    .areas(inner);
    frame.render_widget(
        Paragraph::new(fit(
            "Enter corrects a row; corrections go to .harden/config.toml, which check reads too (commit it).",
            explain.width,
            theme.dim,
        )),
        explain,
    );
    let w = inner.width as usize;
    let kw = column(view.rows.iter().map(|r| r.key.len()), 8, 30.min(w / 3));
    let sw = column(view.rows.iter().map(|r| r.setting.len()), 8, 28.min(w / 4));
    let cell = |text: &str, width: usize, style| {
        fit_spans(vec![Span::styled(text.to_string(), style)], width, true)
    };
    let mut h = cell("Concept", kw, theme.heading);
    h.push(Span::raw(" "));
    h.extend(cell("Setting", sw, theme.heading));
    h.push(Span::raw(" "));
    h.extend(cell(
        "Found by; value",
        w.saturating_sub(kw + sw + 2),
        theme.heading,
    ));
    frame.render_widget(Paragraph::new(Line::from(h)), head);
    let rows = list.height as usize;
    let first = view.selected.saturating_sub(rows.saturating_sub(1));
    let lines: Vec<Line> = view
        .rows
        .iter()
        .enumerate()
        .skip(first)
        .take(rows)
        .map(|(i, r)| {
            let style = if i == view.selected {
                theme.selected
            } else {
                theme.base
            };
            let setting = if r.setting.is_empty() {
                if r.how.starts_with("none") {
                    "none"
                } else {
                    "—"
                }
            } else {
                r.setting.as_str()
            };
            let mark = if r.config_line.is_some() { "*" } else { " " };
            let mut spans = cell(&format!("{mark}{}", r.key), kw, style);
            spans.push(Span::styled(" ", style));
            spans.extend(cell(setting, sw, style));
            spans.push(Span::styled(" ", style));
            let rest = if r.value.is_empty() {
                r.how.clone()
            } else {
                format!("{}; {}", r.how, r.value)
            };
            spans.extend(cell(&rest, w.saturating_sub(kw + sw + 2), style));
            Line::from(spans)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), list);
    let Some(row) = view.rows.get(view.selected) else {
        return;
    };
    let [d0, d1, d2, d3] = Layout::vertical([Constraint::Length(1); 4]).areas(detail);
    if let Some(input) = &view.edit {
        frame.render_widget(
            Paragraph::new(fit(
                &format!("{}: the setting's name as the code or env file spells it, none if the project has none, empty to drop the correction", row.key),
                d0.width,
                theme.base,
            )),
            d0,
        );
        input_line(frame, d1, input, true, theme);
        if let Some(e) = &view.error {
            frame.render_widget(Paragraph::new(fit(e, d2.width, theme.error)), d2);
        }
        return;
    }
    let story = format!(
        "{}{}: {}{}",
        if row.config_line.is_some() {
            "* corrected in .harden/config.toml; "
        } else {
            ""
        },
        row.key,
        row.how,
        if row.value.is_empty() {
            String::new()
        } else {
            format!("; {}", row.value)
        }
    );
    frame.render_widget(
        Paragraph::new(story)
            .style(theme.base)
            .wrap(Wrap { trim: true }),
        Rect { height: 3, ..d0 },
    );
    let _ = (d1, d2);
    frame.render_widget(
        Paragraph::new(fit(
            &format!("{} of {}", view.selected + 1, view.rows.len()),
            d3.width,
            theme.dim,
        )),
        d3,
    );
}
