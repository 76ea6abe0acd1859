//! The message log (`M`): every message of this run, whole, newest last.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use super::Theme;
use super::widgets::{modal_block, popup};
use crate::app::{MessageKind, Model};

pub(super) fn log(frame: &mut Frame, body: Rect, model: &Model, scroll: u16, theme: &Theme) {
    let area = popup(body, 100, body.height);
    frame.render_widget(Clear, area);
    let block = modal_block(
        format!(
            " Messages: {} (newest last; any other key closes) ",
            model.log.len()
        ),
        theme,
    );
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let lines: Vec<Line> = if model.log.is_empty() {
        vec![Line::styled("No message yet.", theme.dim)]
    } else {
        model
            .log
            .iter()
            .map(|m| {
                let st = match m.kind {
                    MessageKind::Info => theme.base,
                    MessageKind::Error => theme.error,
                };
                Line::from(vec![
                    Span::styled("• ", theme.dim),
                    Span::styled(m.text.clone(), st),
                ])
            })
            .collect()
    };
    // Wrapped rows, estimated by width (each message starts a row).
    let width = inner.width.max(1) as usize;
    let rows: usize = lines.iter().map(|l| l.width().div_ceil(width).max(1)).sum();
    let max = (rows as u16).saturating_sub(inner.height);
    model.scroll_limit.set(max);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll.min(max), 0)),
        inner,
    );
}
