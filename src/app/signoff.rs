//! The sign-off form: reviewer, review date, approver, approval date.

use ratatui::crossterm::event::{Event, KeyEvent};
use time::{Date, OffsetDateTime};
use tui_input::Input;
use tui_input::backend::crossterm::to_input_request;

use super::keymap::{self, Command};
use super::{Effect, Mode, Model};
use crate::util::dates::{format_date, parse_date};

/// The sign-off form: reviewer, date, approver, date.
#[derive(Debug, Clone)]
pub struct SignOffForm {
    pub inputs: [Input; 4],
    pub field: usize,
    pub error: Option<String>,
}

/// The labels of the sign-off form's fields.
pub const SIGNOFF_LABELS: [&str; 4] =
    ["Reviewed by", "Review date", "Approved by", "Approval date"];

/// Opens the form, unless critical items block a sign-off (then says which).
pub fn open(model: &mut Model, today: Date) {
    let blockers = crate::review::signoff::blockers(&model.checklist, &model.state, today);
    if !blockers.is_empty() {
        let shown: Vec<&str> = blockers.iter().take(4).map(String::as_str).collect();
        model.error(format!(
            "Sign-off refused: {} critical items are open or failing: {}{} (v lists them)",
            blockers.len(),
            shown.join(", "),
            if blockers.len() > 4 { ", …" } else { "" }
        ));
        return;
    }
    let today = format_date(today);
    model.mode = Mode::SignOff(Box::new(SignOffForm {
        inputs: [
            Input::new(model.operator()),
            Input::new(today.clone()),
            Input::default(),
            Input::new(today),
        ],
        field: 0,
        error: None,
    }));
}

/// The sign-off form.
pub fn key(
    model: &mut Model,
    key: KeyEvent,
    mut form: SignOffForm,
    now: OffsetDateTime,
) -> Vec<Effect> {
    match keymap::lookup(keymap::SIGNOFF, &key) {
        Some(Command::Cancel) => {
            model.info("Not signed off.");
            return vec![];
        }
        Some(Command::NextField) => form.field = (form.field + 1) % 4,
        Some(Command::PrevField) => form.field = (form.field + 3) % 4,
        Some(Command::Save) => {
            let v = |i: usize| crate::util::redact::escape_controls(form.inputs[i].value().trim());
            if let Some(why) = [0, 2]
                .iter()
                .find_map(|&i| crate::util::redact::refuse_secret("name", &v(i)).err())
                .map(String::from)
            {
                form.error = Some(why);
                model.mode = Mode::SignOff(Box::new(form));
                return vec![];
            }
            let dates = (parse_date(&v(1)), parse_date(&v(3)));
            match dates {
                (Some(rd), Some(ad)) => {
                    let c = model.checklist.clone();
                    match crate::review::signoff::sign(
                        &c,
                        &mut model.state,
                        &v(0),
                        rd,
                        &v(2),
                        ad,
                        now,
                    ) {
                        Ok(()) => {
                            let digest = model
                                .state
                                .signoffs
                                .last()
                                .map(|s| s.digest[..12].to_string())
                                .unwrap_or_default();
                            model.info(format!(
                                "Signed off: reviewed by {}, approved by {} (digest {digest}…).",
                                v(0),
                                v(2)
                            ));
                            return vec![Effect::Save];
                        }
                        Err(e) => form.error = Some(e.to_string()),
                    }
                }
                _ => form.error = Some("dates are YYYY-MM-DD".into()),
            }
        }
        _ => {
            if let Some(req) = to_input_request(&Event::Key(key)) {
                form.inputs[form.field].handle(req);
            }
            form.error = None;
        }
    }
    model.mode = Mode::SignOff(Box::new(form));
    vec![]
}
