//! The note editor: a free-text note on an item, or the reason an
//! operator's answer overrides a detection.

use ratatui::crossterm::event::{Event, KeyEvent};
use time::OffsetDateTime;
use tui_input::Input;
use tui_input::backend::crossterm::to_input_request;

use super::keymap::{self, Command};
use super::{Effect, Mode, Model, update};
use crate::detect::Outcome;
use crate::state::OperatorStatus;

/// Why the note editor is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotePurpose {
    Edit,
    /// Setting `status` against a detected `outcome`: a note must say why.
    Override {
        status: OperatorStatus,
        outcome: Outcome,
    },
}

/// Opens the editor on the current item's note.
pub fn open(model: &mut Model) {
    let note = model
        .record(&model.current_item().id)
        .and_then(|r| r.note.clone())
        .unwrap_or_default();
    model.mode = Mode::Note {
        input: Input::new(note),
        purpose: NotePurpose::Edit,
    };
}

/// The key table of the editor for this purpose.
pub fn keys(purpose: NotePurpose) -> &'static [keymap::Row] {
    match purpose {
        NotePurpose::Edit => keymap::NOTE,
        NotePurpose::Override { .. } => keymap::OVERRIDE,
    }
}

/// The editor.
pub fn key(
    model: &mut Model,
    key: KeyEvent,
    mut input: Input,
    purpose: NotePurpose,
    now: OffsetDateTime,
) -> Vec<Effect> {
    match keymap::lookup(keys(purpose), &key) {
        Some(Command::Cancel) => {
            model.info(match purpose {
                NotePurpose::Edit => "Note not changed.",
                NotePurpose::Override { .. } => "Override cancelled; nothing changed.",
            });
            vec![]
        }
        Some(Command::Save) => {
            let text = crate::util::redact::escape_controls(input.value().trim());
            if let Err(why) = crate::util::redact::refuse_secret("note", &text) {
                model.error(why);
                model.mode = Mode::Note { input, purpose };
                return vec![];
            }
            match purpose {
                NotePurpose::Override { status, outcome } => {
                    if text.is_empty() {
                        model.error("An override needs a note saying why the detection is wrong.");
                        model.mode = Mode::Note { input, purpose };
                        return vec![];
                    }
                    let id = model.current_item().id.clone();
                    let rec = model.state.items.entry(id).or_default();
                    // The reason joins any earlier note; nothing is lost.
                    rec.note = Some(match rec.note.take() {
                        Some(old) if !old.is_empty() => format!("{old} | {text}"),
                        _ => text,
                    });
                    update::apply_status(model, status, None, Some(outcome), now)
                }
                NotePurpose::Edit => {
                    let operator = model.operator();
                    let id = model.current_item().id.clone();
                    let rec = model.state.items.entry(id.clone()).or_default();
                    rec.note = (!text.is_empty()).then_some(text);
                    rec.by = Some(operator);
                    rec.at = Some(now);
                    if rec.is_blank() {
                        model.state.items.remove(&id);
                    }
                    model.info(format!("Note saved for {id}."));
                    vec![Effect::Save]
                }
            }
        }
        _ => {
            if let Some(req) = to_input_request(&Event::Key(key)) {
                input.handle(req);
            }
            model.mode = Mode::Note { input, purpose };
            vec![]
        }
    }
}
