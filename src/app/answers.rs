//! The answers form: the facts `generate` needs, reviewed one field at a
//! time before any file is rendered.

use ratatui::crossterm::event::{Event, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::to_input_request;

use std::collections::BTreeMap;

use super::keymap::{self, Command};
use super::{Effect, Mode, Model};
use crate::answers::origin::{Origin, Sources};

/// The answers form.
#[derive(Debug, Clone)]
pub struct AnswersForm {
    pub base: crate::answers::Answers,
    pub fields: Vec<(String, String)>,
    pub selected: usize,
    pub editing: Option<Input>,
    pub error: Option<String>,
    /// Where each field's value came from.
    pub origins: BTreeMap<String, Origin>,
    /// What the env file says, to show a field that differs from it.
    pub sources: Sources,
}

impl AnswersForm {
    /// The stand-in values still neither replaced nor confirmed.
    pub fn unconfirmed(&self) -> Vec<&str> {
        self.fields
            .iter()
            .filter(|(k, _)| self.origins.get(k) == Some(&Origin::Example))
            .map(|(k, _)| k.as_str())
            .collect()
    }

    /// What the env file says against a field, when it differs.
    pub fn contradiction(&self, field: &str, value: &str) -> Option<String> {
        crate::answers::origin::contradiction(&self.sources, field, value)
    }
}

/// Opens the form on saved answers: each from the state file; the
/// example's stand-ins still in them are marked (they were confirmed when
/// saved, or an older harden saved them without asking).
pub fn open(model: &mut Model, a: crate::answers::Answers) {
    let stand_ins = crate::answers::origin::stand_ins(&a);
    let origins = crate::answers::fields(&a)
        .into_iter()
        .map(|(k, _)| {
            let o = if stand_ins.contains(&k) {
                Origin::SavedStandIn
            } else {
                Origin::Saved
            };
            (k, o)
        })
        .collect();
    open_with(model, a, origins, Sources::default());
}

/// Opens the form on a fresh draft, each value with its origin.
pub fn open_draft(model: &mut Model, a: crate::answers::Answers, sources: Sources) {
    let origins = sources.origins.clone();
    open_with(model, a, origins, sources);
}

fn open_with(
    model: &mut Model,
    a: crate::answers::Answers,
    origins: BTreeMap<String, Origin>,
    sources: Sources,
) {
    model.mode = Mode::Answers(Box::new(AnswersForm {
        fields: crate::answers::fields(&a),
        base: a,
        selected: 0,
        editing: None,
        error: None,
        origins,
        sources,
    }));
}

/// The answers form: a list of fields, one edited at a time.
pub fn key(model: &mut Model, key: KeyEvent, mut form: AnswersForm) -> Vec<Effect> {
    if let Some(mut input) = form.editing.take() {
        match keymap::lookup(keymap::ANSWER_EDIT, &key) {
            Some(Command::Save) => {
                if let Some(f) = form.fields.get_mut(form.selected) {
                    if f.1 != input.value() {
                        form.origins.insert(f.0.clone(), Origin::Typed);
                    }
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
        Some(Command::Confirm) => {
            if let Some((k, _)) = form.fields.get(form.selected)
                && form.origins.get(k) == Some(&Origin::Example)
            {
                form.origins.insert(k.clone(), Origin::Confirmed);
                form.error = None;
                form.selected = (form.selected + 1).min(last);
            }
        }
        Some(Command::Render) if !form.unconfirmed().is_empty() => {
            let left: Vec<String> = form.unconfirmed().into_iter().map(String::from).collect();
            let why = format!(
                "{} example values are still in the answers: {}. Replace each (Enter) or confirm it as it is (c); g renders when none is left.",
                left.len(),
                left.join(", ")
            );
            // Whole in the message log (M), whatever the form line cuts.
            model.error(why.clone());
            form.error = Some(why);
            // The cursor goes to the first of them.
            if let Some(i) = form.fields.iter().position(|(k, _)| *k == left[0]) {
                form.selected = i;
            }
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
