//! The small prompts: who is answering, which env file is production,
//! and notices to read before starting.

use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use tui_input::Input;
use tui_input::backend::crossterm::to_input_request;

use super::keymap::{self, Command};
use super::{Effect, Mode, Model};

/// A notice: any key dismisses it.
pub fn notice_key(model: &mut Model) -> Vec<Effect> {
    if model.context.env_choice {
        model.mode = Mode::EnvChoice;
    }
    vec![]
}

/// `.env` or `.env.production`: the choice is kept in the state file.
pub fn env_choice_key(model: &mut Model, key: KeyEvent) -> Vec<Effect> {
    let choice = match keymap::lookup(keymap::ENV_CHOICE, &key) {
        Some(Command::ChooseProduction) => ".env.production",
        Some(Command::ChooseDotEnv) => ".env",
        _ => {
            model.mode = Mode::EnvChoice;
            return vec![];
        }
    };
    model.state.env_file = Some(choice.to_string());
    model.context.env_choice = false;
    model.info(format!(
        "Judging {choice}; the choice is kept in the state file."
    ));
    let mut effects = vec![Effect::Save];
    effects.extend(model.start());
    effects
}

/// The operator's name, asked once per state file.
pub fn operator_key(
    model: &mut Model,
    key: KeyEvent,
    mut input: Input,
    suggested: bool,
) -> Vec<Effect> {
    match keymap::lookup(keymap::OPERATOR, &key) {
        Some(Command::Save) => {
            let name = crate::util::redact::escape_controls(input.value().trim());
            if name.is_empty() {
                model.mode = Mode::Operator {
                    input,
                    error: Some("A name is needed: it is recorded with every answer.".into()),
                    suggested: false,
                };
                return vec![];
            }
            if let Err(why) = crate::util::redact::refuse_secret("name", &name) {
                model.mode = Mode::Operator {
                    input,
                    error: Some(why.into()),
                    suggested: false,
                };
                return vec![];
            }
            model.state.operator = Some(name.clone());
            model.info(format!("Answers are recorded as {name}. ? shows the keys."));
            vec![Effect::Save]
        }
        _ => {
            // The suggested name is replaced by what is typed, as a
            // selected text is (typing `ceo` gave `operatorceo`).
            if suggested
                && matches!(
                    key.code,
                    KeyCode::Char(_) | KeyCode::Backspace | KeyCode::Delete
                )
                && !key.modifiers.contains(KeyModifiers::CONTROL)
            {
                input = Input::default();
                if !matches!(key.code, KeyCode::Char(_)) {
                    model.mode = Mode::Operator {
                        input,
                        error: None,
                        suggested: false,
                    };
                    return vec![];
                }
            }
            if let Some(req) = to_input_request(&Event::Key(key)) {
                input.handle(req);
            }
            model.mode = Mode::Operator {
                input,
                error: None,
                suggested: false,
            };
            vec![]
        }
    }
}
