//! The frame around every screen: the header, the message line and the footer (drawn from the screen's key table).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use crate::app::keymap::fitting_footer;
use crate::app::{MessageKind, Mode, Model};

use super::{
    Theme,
    widgets::{fit, fit_spans},
};

pub(super) fn render_header(frame: &mut Frame, area: Rect, model: &Model, theme: &Theme) {
    let meta = &model.checklist.meta;
    let t = model.total_tally();
    let mut right = format!(
        " {} · {} ",
        super::progress::counts(&t),
        // From the state file: masked and inert like any other text.
        crate::util::redact::redact(model.state.operator.as_deref().unwrap_or("-"))
    );
    if model.unsaved {
        right.insert_str(0, " UNSAVED ·");
    }
    let mut left = format!(" harden · {}", meta.title);
    if let Some(sub) = &meta.subtitle {
        left.push_str(" · ");
        left.push_str(sub);
    }
    // The overall bar sits before the counts when the title keeps 24 columns.
    let bar_w: u16 = if area.width >= 100 { 20 } else { 10 };
    let rw = (right.width() as u16).min(area.width);
    let bar_w = if area.width >= rw + bar_w + 1 + 24 {
        bar_w
    } else {
        0
    };
    let lw = area.width.saturating_sub(rw + bar_w + u16::from(bar_w > 0));
    frame.render_widget(
        Paragraph::new(fit(&left, lw, theme.header)).style(theme.header),
        Rect::new(area.x, area.y, lw, 1),
    );
    if bar_w > 0 {
        let mut spans = vec![Span::styled(" ", theme.header)];
        spans.extend(super::progress::bar(&t, bar_w as usize, theme));
        frame.render_widget(
            // On the terminal's own background: bar colours on the header's
            // cyan would be hard to tell apart.
            Paragraph::new(Line::from(spans)),
            Rect::new(area.x + lw, area.y, bar_w + 1, 1),
        );
    }
    frame.render_widget(
        Paragraph::new(fit(&right, rw, theme.header)).style(theme.header),
        Rect::new(area.x + area.width - rw, area.y, rw, 1),
    );
}

pub(super) fn render_status(frame: &mut Frame, area: Rect, model: &Model, theme: &Theme) {
    let line = match &model.message {
        Some(m) => {
            let st = match m.kind {
                MessageKind::Info => theme.info,
                MessageKind::Error => theme.error,
            };
            // Cut? The log (M) has it whole, and the line says so.
            let text = format!(" {}", m.text);
            // (The hint only where M works: the main screen.)
            if unicode_width::UnicodeWidthStr::width(text.as_str()) > area.width as usize
                && matches!(model.mode, crate::app::Mode::Browse)
            {
                let keep = area.width.saturating_sub(9);
                let mut line = fit(&text, keep, st);
                line.spans
                    .push(ratatui::text::Span::styled(" M: all ", theme.key));
                line
            } else {
                fit(&text, area.width, st)
            }
        }
        None => fit(
            &format!(
                " State: {} (saved after every answer)",
                model.context.state_path
            ),
            area.width,
            theme.dim,
        ),
    };
    frame.render_widget(Paragraph::new(line), area);
}

pub(super) fn render_footer(frame: &mut Frame, area: Rect, model: &Model, theme: &Theme) {
    let cost = |k: &str, h: &str| k.width() + 1 + h.width() + 2;
    let pairs: Vec<(&str, &str)> = match &model.mode {
        Mode::Browse => fitting_footer(area.width.saturating_sub(1) as usize, |b| {
            cost(first_label(b.label), b.hint)
        })
        .into_iter()
        .map(|b| (first_label(b.label), b.hint))
        .collect(),
        mode => crate::app::keymap::for_mode(mode)
            .map(crate::app::keymap::footer)
            .unwrap_or_default(),
    };
    let mut spans = vec![Span::raw(" ")];
    for (k, h) in pairs {
        spans.push(Span::styled(k.to_string(), theme.key));
        spans.push(Span::raw(" "));
        spans.push(Span::styled(h.to_string(), theme.dim));
        spans.push(Span::raw("  "));
    }
    frame.render_widget(
        Paragraph::new(Line::from(fit_spans(spans, area.width as usize, false))),
        area,
    );
}

/// `d/Space` shows as `d` in the footer.
pub(super) fn first_label(label: &str) -> &str {
    label.split('/').next().unwrap_or(label)
}
