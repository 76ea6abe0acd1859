//! Pure rendering of a [`Model`]: no IO, no mutation. Three size tiers:
//! the full layout from 80x24, a compact one down to 60x18, and a "terminal
//! too small" screen below that.

mod answers;
mod chrome;
mod generate;
mod help;
mod item;
mod lists;
mod log;
mod mapping;
mod marks;
mod note;
mod panes;
mod progress;
mod prompts;
mod search;
mod signoff;
pub mod theme;
mod waiver;
mod widgets;

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::text::{Line, Text};
use ratatui::widgets::{Paragraph, Wrap};

use crate::app::lists::Kind;
use crate::app::{Mode, Model};
use answers::answers_form;
use chrome::{render_footer, render_header, render_status};
use generate::generate_view;
use help::help;
use item::item_view;
pub use marks::{badge, glyph, outcome_word, severity_mark};
use note::note_editor;
use panes::main_panes;
use prompts::{env_choice, notice, prompt};
use signoff::signoff;
pub use theme::Theme;
use waiver::waiver;
pub use widgets::{code_spans, fit_spans};

/// Smallest size of the full layout.
pub const FULL: (u16, u16) = (80, 24);
/// Smallest size of the compact layout; below it, "terminal too small".
pub const MIN: (u16, u16) = (60, 18);

/// Which layout a terminal size gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tier {
    Full,
    Compact,
    TooSmall,
}

impl Tier {
    /// The tier for an area.
    pub fn of(area: Rect) -> Tier {
        if area.width >= FULL.0 && area.height >= FULL.1 {
            Tier::Full
        } else if area.width >= MIN.0 && area.height >= MIN.1 {
            Tier::Compact
        } else {
            Tier::TooSmall
        }
    }
}

/// Draws the whole screen for the model.
pub fn render(frame: &mut Frame, model: &Model, theme: &Theme) {
    let area = frame.area();
    let tier = Tier::of(area);
    if tier == Tier::TooSmall {
        too_small(frame, area, theme);
        return;
    }
    let [header, body, status, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    render_header(frame, header, model, theme);
    main_panes(frame, body, model, tier, theme);
    render_status(frame, status, model, theme);
    render_footer(frame, footer, model, theme);
    match &model.mode {
        Mode::Help { scroll } => help(frame, body, model, *scroll, theme),
        Mode::Log { scroll } => log::log(frame, body, model, *scroll, theme),
        Mode::Item { scroll } => item_view(frame, body, model, *scroll, theme),
        Mode::Note { input, purpose } => note_editor(frame, body, model, input, *purpose, theme),
        Mode::Waiver(form) => waiver(frame, body, model, form, theme),
        Mode::Operator { input, error, .. } => prompt(
            frame,
            body,
            64,
            " Who is answering? ",
            "Your name is recorded with each answer.",
            input,
            error.as_deref(),
            theme,
        ),
        Mode::Notice(lines) => notice(frame, body, lines, theme),
        Mode::Active { lines, scroll } => {
            prompts::active(frame, body, model, lines, *scroll, theme);
        }
        Mode::Urls { input, error } => prompt(
            frame,
            body,
            72,
            " Production URLs to probe ",
            "https:// URLs, separated by commas; kept in the state file.",
            input,
            error.as_deref(),
            theme,
        ),
        Mode::EnvChoice => env_choice(frame, body, theme),
        Mode::Answers(form) => answers_form(frame, body, form, theme),
        Mode::SignOff(form) => signoff(frame, body, model, form, theme),
        Mode::Overview { selected } => {
            lists::list_screen(frame, body, model, Kind::Overview, *selected, theme)
        }
        Mode::Blockers { selected } => {
            lists::list_screen(frame, body, model, Kind::Blockers, *selected, theme)
        }
        Mode::Rereview { selected } => {
            lists::list_screen(frame, body, model, Kind::Rereview, *selected, theme)
        }
        Mode::Generate(view) => generate_view(frame, body, view, theme),
        Mode::Mapping(view) => mapping::mapping(frame, body, view, theme),
        Mode::Search(view) => search::search(frame, body, model, view, theme),
        Mode::Browse => {}
    }
}

const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

fn too_small(frame: &mut Frame, area: Rect, theme: &Theme) {
    let text = Text::from(vec![
        Line::styled("Terminal too small", theme.heading),
        Line::raw(format!("{}x{}", area.width, area.height)),
        Line::raw(format!("harden needs at least {}x{}.", MIN.0, MIN.1)),
        Line::raw("Enlarge the window, or press q to quit."),
    ]);
    let h = (text.height() as u16).min(area.height);
    let y = area.y + area.height.saturating_sub(h) / 2;
    let r = Rect::new(area.x, y, area.width, h);
    frame.render_widget(
        Paragraph::new(text)
            .alignment(Alignment::Center)
            .wrap(Wrap { trim: true }),
        r,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiers() {
        assert_eq!(Tier::of(Rect::new(0, 0, 80, 24)), Tier::Full);
        assert_eq!(Tier::of(Rect::new(0, 0, 79, 24)), Tier::Compact);
        assert_eq!(Tier::of(Rect::new(0, 0, 60, 18)), Tier::Compact);
        assert_eq!(Tier::of(Rect::new(0, 0, 59, 18)), Tier::TooSmall);
        assert_eq!(Tier::of(Rect::new(0, 0, 200, 17)), Tier::TooSmall);
    }
}
