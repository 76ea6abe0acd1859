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

/// Text broken into lines of at most `width` cells at spaces (a word
/// longer than a line is cut into pieces); never loses a character.
pub fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let mut word = word.to_string();
        loop {
            let sep = usize::from(!line.is_empty());
            if line.width() + sep + word.width() <= width {
                if sep == 1 {
                    line.push(' ');
                }
                line.push_str(&word);
                break;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
                continue;
            }
            // A word wider than a line: as much as fits, then the rest.
            let mut cut = 0;
            let mut used = 0;
            for (i, c) in word.char_indices() {
                let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
                if used + cw > width {
                    break;
                }
                used += cw;
                cut = i + c.len_utf8();
            }
            let cut = cut.max(word.chars().next().map_or(0, char::len_utf8));
            lines.push(word[..cut].to_string());
            word = word[cut..].to_string();
            if word.is_empty() {
                break;
            }
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
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
    fn wrap_keeps_every_character_within_the_width() {
        let t =
            "REGRESSED  env.secret_key_strong: pass → fail, and a verylongwordthatdoesnotfit here";
        for w in [1, 5, 12, 30, 200] {
            let lines = wrap_words(t, w);
            assert!(lines.iter().all(|l| l.width() <= w), "{w}: {lines:?}");
            let joined: String = lines.concat();
            assert_eq!(joined.replace(' ', ""), t.replace(' ', ""), "{w}");
        }
        assert_eq!(wrap_words("a b c", 3), ["a b", "c"]);
        assert_eq!(wrap_words("", 10), [""]);
    }

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
