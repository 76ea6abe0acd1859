//! The plan of generated files with their diffs, the confirmation before
//! writing, and what writing did.

use ratatui::crossterm::event::KeyEvent;

use super::keymap::{self, Command};
use super::{Effect, Mode, Model, answers};

/// One generated file as the wizard shows it (secrets masked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedFile {
    pub path: String,
    pub change: crate::generate::Change,
    pub diff: String,
    pub secret: bool,
}

/// The plan of generated files.
#[derive(Debug, Clone)]
pub struct GenerateView {
    pub out: String,
    pub files: Vec<PlannedFile>,
    pub selected: usize,
    pub scroll: u16,
    pub confirm: bool,
}

/// What writing the generated files did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    pub out: String,
    pub written: Vec<String>,
    pub unchanged: Vec<String>,
    pub backups: Vec<String>,
    /// The env detectors on the generated env file: (pass, fail).
    pub env_check: (usize, usize),
}

/// The plan of generated files, and the confirmation before writing.
pub fn key(model: &mut Model, key: KeyEvent, mut view: GenerateView) -> Vec<Effect> {
    let to_write = view
        .files
        .iter()
        .filter(|f| f.change != crate::generate::Change::Unchanged)
        .count();
    if view.confirm {
        match keymap::lookup(keymap::GENERATE_CONFIRM, &key) {
            Some(Command::Confirm) => {
                model.mode = Mode::Generate(view);
                return vec![Effect::WriteGenerated];
            }
            _ => view.confirm = false,
        }
        model.mode = Mode::Generate(view);
        return vec![];
    }
    let last = view.files.len().saturating_sub(1);
    match keymap::lookup(keymap::GENERATE, &key) {
        Some(Command::Cancel) => {
            model.info("Nothing written.");
            return vec![];
        }
        Some(Command::Up) => {
            view.selected = view.selected.saturating_sub(1);
            view.scroll = 0;
        }
        Some(Command::Down) => {
            view.selected = (view.selected + 1).min(last);
            view.scroll = 0;
        }
        Some(Command::PageDown) => view.scroll = view.scroll.saturating_add(10),
        Some(Command::PageUp) => view.scroll = view.scroll.saturating_sub(10),
        Some(Command::EditAnswers) => {
            if let Some(a) = model.state.answers.clone() {
                answers::open(model, a);
                return vec![];
            }
        }
        Some(Command::Write) if to_write > 0 => {
            view.confirm = true;
            model.info(format!(
                "Write {to_write} files to {}? Existing ones are backed up first. y writes, any other key cancels.",
                view.out
            ));
        }
        Some(Command::Write) => model.info("Every file is already up to date."),
        _ => {}
    }
    model.mode = Mode::Generate(view);
    vec![]
}

/// The files were written: the items they address remember where.
pub fn written(model: &mut Model, g: Generated) -> Vec<Effect> {
    for p in g.written.iter().chain(&g.unchanged) {
        for id in crate::generate::addressed(p) {
            model
                .state
                .generated
                .insert((*id).to_string(), format!("{}/{p}", g.out));
        }
    }
    model.mode = Mode::Browse;
    let (pass, fail) = g.env_check;
    let backups = if g.backups.is_empty() {
        String::new()
    } else {
        format!(", {} backed up", g.backups.len())
    };
    model.info(format!(
        "Wrote {} files; its .env.production: {pass} env items pass, {fail} fail; in {}{backups}.",
        g.written.len(),
        g.out
    ));
    vec![Effect::Save]
}
