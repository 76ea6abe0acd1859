//! What changed since the last sign-off, shown first on a re-review.

use ratatui::crossterm::event::KeyEvent;

use super::keymap::{self, Command};
use super::{Effect, Mode, Model};

/// Arrows scroll; any other key continues to the checklist.
pub fn key(model: &mut Model, key: KeyEvent, scroll: u16) -> Vec<Effect> {
    match keymap::lookup_plain(keymap::REREVIEW, &key) {
        Some(Command::Up) => {
            model.mode = Mode::Rereview {
                scroll: scroll.saturating_sub(1),
            }
        }
        Some(Command::Down) => {
            model.mode = Mode::Rereview {
                scroll: scroll.saturating_add(1),
            }
        }
        _ => model.info("R shows what changed since the sign-off again; S signs off again."),
    }
    vec![]
}
