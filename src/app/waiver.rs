//! The waiver prompt: a reason and an optional expiry date.

use ratatui::crossterm::event::{Event, KeyEvent};
use time::{Date, OffsetDateTime};
use tui_input::Input;
use tui_input::backend::crossterm::to_input_request;

use super::keymap::{self, Command};
use super::{Effect, Mode, Model, update};
use crate::state::{OperatorStatus, Waiver};
use crate::util::dates::{format_date, parse_date};

/// Which field of the waiver prompt is being typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaiverField {
    Reason,
    Expires,
}

/// The waiver prompt: a reason and an optional expiry date.
#[derive(Debug, Clone)]
pub struct WaiverForm {
    pub reason: Input,
    pub expires: Input,
    pub field: WaiverField,
    pub error: Option<String>,
}

/// Opens the prompt on the current item, with its waiver if it has one.
pub fn open(model: &mut Model) {
    let existing = model
        .record(&model.current_item().id)
        .and_then(|r| r.waiver.clone());
    let (reason, expires) = match existing {
        Some(w) => (w.reason, w.expires.map(format_date).unwrap_or_default()),
        None => (String::new(), String::new()),
    };
    model.mode = Mode::Waiver(WaiverForm {
        reason: Input::new(reason),
        expires: Input::new(expires),
        field: WaiverField::Reason,
        error: None,
    });
}

/// The waiver prompt.
pub fn key(
    model: &mut Model,
    key: KeyEvent,
    mut form: WaiverForm,
    now: OffsetDateTime,
) -> Vec<Effect> {
    match keymap::lookup(keymap::WAIVER, &key) {
        Some(Command::Cancel) => {
            model.info("Waiver cancelled.");
            vec![]
        }
        Some(Command::NextField) => {
            form.field = match form.field {
                WaiverField::Reason => WaiverField::Expires,
                WaiverField::Expires => WaiverField::Reason,
            };
            model.mode = Mode::Waiver(form);
            vec![]
        }
        Some(Command::Save) => match validate_waiver(&form, &model.operator(), now.date()) {
            Ok(w) => update::set_status(model, OperatorStatus::Waived, Some(w), now),
            Err((field, e)) => {
                form.field = field;
                form.error = Some(e);
                model.mode = Mode::Waiver(form);
                vec![]
            }
        },
        _ => {
            let input = match form.field {
                WaiverField::Reason => &mut form.reason,
                WaiverField::Expires => &mut form.expires,
            };
            if let Some(req) = to_input_request(&Event::Key(key)) {
                input.handle(req);
            }
            form.error = None;
            model.mode = Mode::Waiver(form);
            vec![]
        }
    }
}

/// Checks the waiver prompt; on error, names the field to fix.
fn validate_waiver(
    form: &WaiverForm,
    owner: &str,
    today: Date,
) -> Result<Waiver, (WaiverField, String)> {
    let reason = form.reason.value().trim();
    if reason.is_empty() {
        return Err((WaiverField::Reason, "A waiver needs a reason.".into()));
    }
    crate::util::redact::refuse_secret("waiver reason", reason)
        .map_err(|why| (WaiverField::Reason, why.into()))?;
    let reason = &crate::util::redact::escape_controls(reason);
    let raw = form.expires.value().trim();
    let expires = if raw.is_empty() {
        None
    } else {
        let d = parse_date(raw).ok_or_else(|| {
            (
                WaiverField::Expires,
                format!("{raw} is not a date: write YYYY-MM-DD, or leave it empty."),
            )
        })?;
        if d < today {
            return Err((
                WaiverField::Expires,
                format!("{raw} is in the past; a waiver must expire today or later."),
            ));
        }
        Some(d)
    };
    Ok(Waiver {
        reason: reason.to_string(),
        owner: owner.to_string(),
        expires,
    })
}
