//! Building blocks: modal blocks, input lines, popups, and text fitted to a width.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Paragraph};
use tui_input::Input;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::Theme;

pub(super) fn modal_block(title: String, theme: &Theme) -> Block<'static> {
    Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Double)
        .border_style(theme.border_focused)
        .title(Span::styled(title, theme.heading))
}

/// One line of text input, scrolled so the cursor shows; places the
/// terminal cursor when focused.
pub(super) fn input_line(
    frame: &mut Frame,
    area: Rect,
    input: &Input,
    focused: bool,
    theme: &Theme,
) {
    let width = area.width.max(1) as usize;
    let scroll = input.visual_scroll(width.saturating_sub(1));
    let style = if focused { theme.input } else { theme.base };
    frame.render_widget(
        Paragraph::new(crate::util::redact::veil(input.value()))
            .style(style)
            .scroll((0, scroll as u16)),
        area,
    );
    if focused {
        let x = input.visual_cursor().saturating_sub(scroll) as u16;
        frame.set_cursor_position((area.x + x.min(area.width.saturating_sub(1)), area.y));
    }
}

pub(super) fn popup(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width.saturating_sub(2));
    let h = height.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// Splits Markdown code spans out of checklist text: `` `KEY` `` is styled as code.
pub fn code_spans(text: &str, base: Style, code: Style) -> Vec<Span<'static>> {
    text.split('`')
        .enumerate()
        .filter(|(_, part)| !part.is_empty())
        .map(|(i, part)| Span::styled(part.to_string(), if i % 2 == 1 { code } else { base }))
        .collect()
}

/// One line cut to `width` cells, with `…` when cut.
pub(super) fn fit(text: &str, width: u16, style: Style) -> Line<'static> {
    Line::from(fit_spans(
        vec![Span::styled(text.to_string(), style)],
        width as usize,
        false,
    ))
}

/// Cuts spans to `width` cells, ending with `…` when anything was cut;
/// with `pad`, fills up to `width` with spaces.
pub fn fit_spans(spans: Vec<Span<'static>>, width: usize, pad: bool) -> Vec<Span<'static>> {
    let total: usize = spans.iter().map(|s| s.content.width()).sum();
    if total <= width {
        let mut out = spans;
        if pad && total < width {
            out.push(Span::raw(" ".repeat(width - total)));
        }
        return out;
    }
    if width == 0 {
        return vec![];
    }
    let mut left = width - 1;
    let mut out = Vec::new();
    for s in spans {
        if left == 0 {
            break;
        }
        let mut cut = String::new();
        for c in s.content.chars() {
            let cw = c.width().unwrap_or(0);
            if cw > left {
                left = 0;
                break;
            }
            left -= cw;
            cut.push(c);
        }
        out.push(Span::styled(cut, s.style));
    }
    let pad_w = width - 1 - out.iter().map(|s| s.content.width()).sum::<usize>();
    out.push(Span::raw(format!("{}…", " ".repeat(pad_w))));
    out
}

#[cfg(test)]
mod tests {
    use ratatui::style::Modifier;

    use super::*;

    #[test]
    fn fit_cuts_with_ellipsis_and_pads() {
        let s = |t: &str| vec![Span::raw(t.to_string())];
        let joined = |v: Vec<Span>| v.iter().map(|s| s.content.to_string()).collect::<String>();
        assert_eq!(joined(fit_spans(s("abcdef"), 4, false)), "abc…");
        assert_eq!(joined(fit_spans(s("ab"), 4, true)), "ab  ");
        assert_eq!(joined(fit_spans(s("日本語"), 4, false)), "日 …");
        assert_eq!(joined(fit_spans(s("abc"), 0, false)), "");
    }

    #[test]
    fn code_spans_alternate() {
        let v = code_spans("Set `KEY` now", Style::new(), Style::new().bold());
        assert_eq!(v.len(), 3);
        assert_eq!(v[1].content, "KEY");
        assert!(v[1].style.add_modifier.contains(Modifier::BOLD));
    }
}
