//! The settings mapping: which of the project's settings plays each
//! checklist concept, how harden found it, and where its value comes from.
//! The operator corrects a row by typing the setting's name (or `none`);
//! the correction goes to `.harden/config.toml`, which `check` reads too.

use ratatui::crossterm::event::{Event, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::to_input_request;

use super::keymap::{self, Command};
use super::{Effect, Mode, Model};
use crate::detect::Detector;
use crate::detect::env::MapRow;

/// The view's state.
#[derive(Debug, Clone)]
pub struct MappingView {
    pub rows: Vec<MapRow>,
    pub selected: usize,
    /// The correction being typed for the selected row.
    pub edit: Option<Input>,
    pub error: Option<String>,
}

/// The rows arrived: show them (on the row last selected, after a save).
pub fn show(model: &mut Model, rows: Vec<MapRow>) {
    let selected = match &model.mode {
        Mode::Mapping(v) => v.selected.min(rows.len().saturating_sub(1)),
        _ => 0,
    };
    let corrected = rows.iter().filter(|r| r.config_line.is_some()).count();
    model.info(format!(
        "{} concepts; {corrected} corrected in .harden/config.toml (marked *).",
        rows.len()
    ));
    model.mode = Mode::Mapping(Box::new(MappingView {
        rows,
        selected,
        edit: None,
        error: None,
    }));
}

/// What the operator's text asks: a setting's name, `none`, or (empty)
/// to drop the correction.
///
/// # Errors
/// A text that is none of those, said in words.
pub fn parse(text: &str) -> Result<Option<String>, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if t.eq_ignore_ascii_case(crate::detect::config::NONE) || crate::detect::config::valid_name(t) {
        return Ok(Some(t.to_string()));
    }
    Err(format!(
        "{:?} is not a setting name: letters, digits and _ (as the code or env file spells it), or none",
        crate::util::redact::escape_controls(t)
    ))
}

/// A key in the view.
pub fn key(model: &mut Model, key: KeyEvent, mut view: Box<MappingView>) -> Vec<Effect> {
    if let Some(mut input) = view.edit.take() {
        match keymap::lookup(keymap::MAPPING_EDIT, &key) {
            Some(Command::Cancel) => view.error = None,
            Some(Command::Save) => match parse(input.value()) {
                Ok(setting) => {
                    let key = view.rows[view.selected].key.clone();
                    model.mode = Mode::Mapping(view);
                    model.running = Detector::ALL.iter().copied().collect();
                    return vec![Effect::SetMapping { key, setting }];
                }
                Err(e) => {
                    view.error = Some(e);
                    view.edit = Some(input);
                }
            },
            _ => {
                if let Some(req) = to_input_request(&Event::Key(key)) {
                    input.handle(req);
                }
                view.error = None;
                view.edit = Some(input);
            }
        }
        model.mode = Mode::Mapping(view);
        return vec![];
    }
    let last = view.rows.len().saturating_sub(1);
    match keymap::lookup(keymap::MAPPING, &key) {
        Some(Command::Up) => view.selected = view.selected.saturating_sub(1),
        Some(Command::Down) => view.selected = (view.selected + 1).min(last),
        Some(Command::PageUp) => view.selected = view.selected.saturating_sub(10),
        Some(Command::PageDown) => view.selected = (view.selected + 10).min(last),
        Some(Command::Edit) if !view.rows.is_empty() => {
            let row = &view.rows[view.selected];
            // Start from the correction in force, else from the name found.
            let start = if row.config_line.is_some() && row.setting.is_empty() {
                crate::detect::config::NONE.to_string()
            } else {
                row.setting.clone()
            };
            view.edit = Some(Input::new(start));
            view.error = None;
        }
        Some(Command::Back) => return vec![],
        _ => {}
    }
    model.mode = Mode::Mapping(view);
    vec![]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_a_correction_may_be() {
        assert_eq!(parse(" APP_SECRET "), Ok(Some("APP_SECRET".into())));
        assert_eq!(parse("None"), Ok(Some("None".into())));
        assert_eq!(parse(""), Ok(None));
        let e = parse("a b\u{1b}[2J").unwrap_err();
        assert!(
            e.contains("not a setting name") && !e.contains('\u{1b}'),
            "{e}"
        );
    }
}
