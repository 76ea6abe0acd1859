//! Colours live only here. The monochrome theme (for `NO_COLOR` and
//! `--no-color`) sets no colour at all and shows state by glyphs, bold and
//! reverse video.

use ratatui::style::{Color, Modifier, Style};

/// Every style the screens use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub base: Style,
    pub header: Style,
    pub dim: Style,
    pub heading: Style,
    pub border: Style,
    pub border_focused: Style,
    pub selected: Style,
    pub selected_unfocused: Style,
    pub critical: Style,
    pub important: Style,
    pub done: Style,
    pub not_done: Style,
    pub na: Style,
    pub waived: Style,
    pub code: Style,
    pub info: Style,
    pub error: Style,
    pub key: Style,
    pub input: Style,
}

impl Theme {
    /// The colour theme.
    pub fn color() -> Self {
        let plain = Style::new();
        // Never colour 8 ("bright black"): dark themes such as Solarized
        // make it the background colour, so `????` and counts vanished.
        // Faint text keeps the terminal's own foreground, half bright.
        let faint = plain.add_modifier(Modifier::DIM);
        Theme {
            base: plain,
            header: plain.fg(Color::Black).bg(Color::Cyan),
            dim: faint,
            heading: plain.fg(Color::Cyan).add_modifier(Modifier::BOLD),
            border: faint,
            border_focused: plain.fg(Color::Cyan),
            selected: plain.add_modifier(Modifier::REVERSED),
            selected_unfocused: plain.add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            critical: plain.fg(Color::Red).add_modifier(Modifier::BOLD),
            important: plain.fg(Color::Yellow).add_modifier(Modifier::BOLD),
            done: plain.fg(Color::Green),
            not_done: plain.fg(Color::Red),
            na: faint,
            waived: plain.fg(Color::Magenta),
            code: plain.fg(Color::Yellow),
            info: plain.fg(Color::Green),
            error: plain
                .fg(Color::White)
                .bg(Color::Red)
                .add_modifier(Modifier::BOLD),
            key: plain.fg(Color::Cyan).add_modifier(Modifier::BOLD),
            input: plain.add_modifier(Modifier::UNDERLINED),
        }
    }

    /// No colour anywhere: bold, reverse and underline only.
    pub fn mono() -> Self {
        let plain = Style::new();
        let bold = plain.add_modifier(Modifier::BOLD);
        Theme {
            base: plain,
            header: plain.add_modifier(Modifier::REVERSED),
            dim: plain,
            heading: bold,
            border: plain,
            border_focused: bold,
            selected: plain.add_modifier(Modifier::REVERSED),
            selected_unfocused: plain.add_modifier(Modifier::UNDERLINED),
            critical: bold,
            important: bold,
            done: plain,
            not_done: bold,
            na: plain,
            waived: plain,
            code: bold,
            info: plain,
            error: plain.add_modifier(Modifier::REVERSED | Modifier::BOLD),
            key: bold,
            input: plain.add_modifier(Modifier::UNDERLINED),
        }
    }

    /// True when no style of the theme sets a colour.
    pub fn is_monochrome(&self) -> bool {
        [
            self.base,
            self.header,
            self.dim,
            self.heading,
            self.border,
            self.border_focused,
            self.selected,
            self.selected_unfocused,
            self.critical,
            self.important,
            self.done,
            self.not_done,
            self.na,
            self.waived,
            self.code,
            self.info,
            self.error,
            self.key,
            self.input,
        ]
        .iter()
        .all(|s| s.fg.is_none_or(|c| c == Color::Reset) && s.bg.is_none_or(|c| c == Color::Reset))
    }
}

/// Picks the theme: monochrome for `--no-color` or a non-empty `NO_COLOR`.
pub fn choose(no_color_flag: bool, no_color_env: Option<&std::ffi::OsStr>) -> Theme {
    if no_color_flag || no_color_env.is_some_and(|v| !v.is_empty()) {
        Theme::mono()
    } else {
        Theme::color()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_style_uses_colour_8_which_dark_themes_hide() {
        let t = Theme::color();
        for s in [
            t.base,
            t.header,
            t.dim,
            t.heading,
            t.border,
            t.border_focused,
            t.selected,
            t.selected_unfocused,
            t.critical,
            t.important,
            t.done,
            t.not_done,
            t.na,
            t.waived,
            t.code,
            t.info,
            t.error,
            t.key,
            t.input,
        ] {
            for c in [s.fg, s.bg].into_iter().flatten() {
                assert!(
                    !matches!(c, Color::DarkGray | Color::Indexed(8)),
                    "{s:?} uses colour 8"
                );
            }
        }
    }

    #[test]
    fn mono_sets_no_colour_and_color_does() {
        assert!(Theme::mono().is_monochrome());
        assert!(!Theme::color().is_monochrome());
    }

    #[test]
    fn no_color_rules() {
        use std::ffi::OsStr;
        assert!(choose(true, None).is_monochrome());
        assert!(choose(false, Some(OsStr::new("1"))).is_monochrome());
        assert!(!choose(false, Some(OsStr::new(""))).is_monochrome());
        assert!(!choose(false, None).is_monochrome());
    }
}
