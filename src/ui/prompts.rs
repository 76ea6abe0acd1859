//! The small prompts: one line of input, a notice, the env file choice.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};
use tui_input::Input;
use unicode_width::UnicodeWidthStr;

use super::{
    Theme,
    widgets::{fit, input_line, modal_block, popup},
};

/// A one-field dialog: a title, a line of explanation, the input, an error.
#[allow(clippy::too_many_arguments)]
pub(super) fn prompt(
    frame: &mut Frame,
    body: Rect,
    width: u16,
    title: &str,
    explain: &str,
    input: &Input,
    error: Option<&str>,
    theme: &Theme,
) {
    let area = popup(body, width, 7);
    frame.render_widget(Clear, area);
    let block = modal_block(title.to_string(), theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let rows = Layout::vertical([Constraint::Length(1); 5]).split(inner);
    frame.render_widget(
        Paragraph::new(fit(explain, rows[0].width, theme.base)),
        rows[0],
    );
    input_line(frame, rows[2], input, true, theme);
    if let Some(e) = error {
        frame.render_widget(Paragraph::new(fit(e, rows[4].width, theme.error)), rows[4]);
    }
}

/// A notice to read before starting.
pub(super) fn notice(frame: &mut Frame, body: Rect, lines: &[String], theme: &Theme) {
    let width = 72.min(body.width.saturating_sub(2));
    let inner_w = width.saturating_sub(2).max(1) as usize;
    let text: Vec<Line> = lines
        .iter()
        .flat_map(|l| [Line::raw(l.clone()), Line::raw("")])
        .collect();
    let rows: usize = lines
        .iter()
        .map(|l| l.width().div_ceil(inner_w).max(1) + 1)
        .sum();
    let area = popup(body, width, rows as u16 + 2);
    frame.render_widget(Clear, area);
    let block = modal_block(" Notice ".into(), theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), inner);
}

/// The requests of active verification, before any is sent: the list
/// scrolls; the question stays on its last row, always in sight.
pub(super) fn active(
    frame: &mut Frame,
    body: Rect,
    model: &crate::app::Model,
    lines: &[String],
    scroll: u16,
    theme: &Theme,
) {
    let width = 100.min(body.width.saturating_sub(2));
    let inner_w = width.saturating_sub(2).max(1) as usize;
    // Cut here, by display width, so that the rows counted are the rows
    // drawn (a word-wrapping paragraph would hide the last ones).
    let mut text: Vec<Line> = Vec::new();
    for l in lines {
        let mut row = String::new();
        let mut used = 0;
        for c in format!("• {l}").chars() {
            let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
            if used + w > inner_w {
                text.push(Line::raw(std::mem::take(&mut row)));
                used = 0;
            }
            row.push(c);
            used += w;
        }
        text.push(Line::raw(row));
    }
    let rows = text.len();
    let area = popup(body, width, (rows as u16 + 6).min(body.height));
    frame.render_widget(Clear, area);
    let list_h = area.height.saturating_sub(6);
    let max = (rows as u16).saturating_sub(list_h);
    model.scroll_limit.set(max);
    let scroll = scroll.min(max);
    let title = if max > 0 {
        format!(
            " Send these requests? rows {}-{} of {rows}{} ",
            scroll + 1,
            (scroll + list_h).min(rows as u16),
            if scroll < max { ", ↓ more" } else { "" }
        )
    } else {
        " Active verification: send these requests? ".to_string()
    };
    let block = modal_block(title, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [head, list, _, foot] = ratatui::layout::Layout::vertical([
        ratatui::layout::Constraint::Length(2),
        ratatui::layout::Constraint::Min(1),
        ratatui::layout::Constraint::Length(1),
        ratatui::layout::Constraint::Length(1),
    ])
    .areas(inner);
    frame.render_widget(
        Paragraph::new("These requests go to the production URLs you gave, and nowhere else:"),
        head,
    );
    frame.render_widget(Paragraph::new(text).scroll((scroll, 0)), list);
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(" y ", theme.key),
            Span::raw("send them all   "),
            Span::styled(" ↑↓ ", theme.key),
            Span::raw("scroll   "),
            Span::styled(" any other key ", theme.key),
            Span::raw("cancel: nothing is sent"),
        ])),
        foot,
    );
}

/// `.env` or `.env.production`.
pub(super) fn env_choice(frame: &mut Frame, body: Rect, theme: &Theme) {
    let area = popup(body, 64, 8);
    frame.render_widget(Clear, area);
    let block = modal_block(" Which env file is production? ".into(), theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let text = vec![
        Line::raw("This project has both .env and .env.production."),
        Line::raw("harden judges one of them; the choice is remembered."),
        Line::raw(""),
        Line::from(vec![
            Span::styled("  p ", theme.key),
            Span::raw(".env.production"),
        ]),
        Line::from(vec![Span::styled("  e ", theme.key), Span::raw(".env")]),
    ];
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }), inner);
}
