//! The answers form: the facts `generate` needs, reviewed one field at a
//! time before any file is rendered.

use ratatui::crossterm::event::{Event, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::to_input_request;

use super::keymap::{self, Command};
use super::{Effect, Mode, Model};

/// The answers form.
#[derive(Debug, Clone)]
pub struct AnswersForm {
    pub base: crate::answers::Answers,
    pub fields: Vec<(String, String)>,
    pub selected: usize,
    pub editing: Option<Input>,
    pub error: Option<String>,
}

/// Opens the form on `a`.
pub fn open(model: &mut Model, a: crate::answers::Answers) {
    model.mode = Mode::Answers(Box::new(AnswersForm {
        fields: crate::answers::fields(&a),
        base: a,
        selected: 0,
        editing: None,
        error: None,
    }));
}

/// The answers form: a list of fields, one edited at a time.
pub fn key(model: &mut Model, key: KeyEvent, mut form: AnswersForm) -> Vec<Effect> {
    if let Some(mut input) = form.editing.take() {
        match keymap::lookup(keymap::ANSWER_EDIT, &key) {
            Some(Command::Save) => {
                if let Some(f) = form.fields.get_mut(form.selected) {
                    f.1 = input.value().to_string();
                }
                form.error = None;
            }
            Some(_) => {}
            None => {
                if let Some(req) = to_input_request(&Event::Key(key)) {
                    input.handle(req);
                }
                form.editing = Some(input);
            }
        }
        model.mode = Mode::Answers(Box::new(form));
        return vec![];
    }
    let last = form.fields.len().saturating_sub(1);
    match keymap::lookup(keymap::ANSWERS, &key) {
        Some(Command::Cancel) => {
            model.info("Answers not saved.");
            return vec![];
        }
        Some(Command::Up) => form.selected = form.selected.saturating_sub(1),
        Some(Command::Down) => form.selected = (form.selected + 1).min(last),
        Some(Command::PageUp) => form.selected = form.selected.saturating_sub(10),
        Some(Command::PageDown) => form.selected = (form.selected + 10).min(last),
        Some(Command::Edit) => {
            let value = form
                .fields
                .get(form.selected)
                .map(|f| f.1.clone())
                .unwrap_or_default();
            form.editing = Some(Input::new(value));
        }
        Some(Command::Render) => match crate::answers::from_fields(&form.base, &form.fields) {
            Ok(a) => {
                model.state.answers = Some(a);
                model.info("Answers saved; rendering the files…");
                return vec![Effect::Save, Effect::PlanGenerate];
            }
            Err(e) => form.error = Some(e.to_string()),
        },
        _ => {}
    }
    model.mode = Mode::Answers(Box::new(form));
    vec![]
}
