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
    /// The fields are checked; `y` signs, any other key goes back to them.
    pub confirm: bool,
}

/// What the sign-off form shows before anyone signs: where the review
/// stands, by answer and by severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SignOffCounts {
    pub tally: super::Tally,
    /// Unanswered items by severity: critical, important, normal.
    pub unanswered: [usize; 3],
    /// Items marked not done by severity.
    pub not_done: [usize; 3],
    /// Items answered done against a failing or warning detection (each
    /// with its note), by severity.
    pub overridden: [usize; 3],
}

/// The counts of the whole checklist for the sign-off form.
pub fn counts(model: &Model) -> SignOffCounts {
    use crate::checklist::Severity;
    use crate::state::OperatorStatus;
    let mut c = SignOffCounts {
        tally: model.total_tally(),
        ..SignOffCounts::default()
    };
    for item in model.checklist.items() {
        let at = match item.severity {
            Severity::Critical => 0,
            Severity::Important => 1,
            Severity::Normal => 2,
        };
        match model.status(&item.id) {
            OperatorStatus::Open => c.unanswered[at] += 1,
            OperatorStatus::NotDone => c.not_done[at] += 1,
            _ => {}
        }
        if model.record(&item.id).is_some_and(|r| {
            r.status == OperatorStatus::Done
                && matches!(
                    r.overrides,
                    Some(crate::detect::Outcome::Fail | crate::detect::Outcome::Warn)
                )
        }) {
            c.overridden[at] += 1;
        }
    }
    c
}

/// The labels of the sign-off form's fields.
pub const SIGNOFF_LABELS: [&str; 4] =
    ["Reviewed by", "Review date", "Approved by", "Approval date"];

/// Opens the form, unless items block a sign-off: then the list of them,
/// from which Enter goes to each.
pub fn open(model: &mut Model, today: Date) {
    let blockers = crate::review::signoff::blockers(&model.checklist, &model.state, today);
    if !blockers.is_empty() {
        let shown: Vec<String> = blockers.iter().take(4).map(ToString::to_string).collect();
        model.error(format!(
            "Sign-off refused: {} items block it: {}{}. The list shows them all; Enter goes to one.",
            blockers.len(),
            shown.join(", "),
            if blockers.len() > 4 {
                format!(" and {} more", blockers.len() - 4)
            } else {
                String::new()
            }
        ));
        model.mode = Mode::Blockers { selected: 0 };
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
        confirm: false,
    }));
}

/// The sign-off form.
pub fn key(
    model: &mut Model,
    key: KeyEvent,
    mut form: SignOffForm,
    now: OffsetDateTime,
) -> Vec<Effect> {
    if form.confirm {
        form.confirm = false;
        if keymap::lookup(keymap::SIGNOFF_CONFIRM, &key) == Some(Command::Confirm) {
            return sign(model, form, now);
        }
        form.error =
            Some("Not signed yet: check the names and dates, Enter to confirm again.".into());
        model.mode = Mode::SignOff(Box::new(form));
        return vec![];
    }
    match keymap::lookup(keymap::SIGNOFF, &key) {
        Some(Command::Cancel) => {
            model.info("Not signed off.");
            return vec![];
        }
        Some(Command::NextField) => form.field = (form.field + 1) % 4,
        Some(Command::PrevField) => form.field = (form.field + 3) % 4,
        Some(Command::Save) => match check(&form) {
            Ok(()) => form.confirm = true,
            Err(why) => form.error = Some(why),
        },
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

/// The trimmed value of a field, controls escaped.
fn value(form: &SignOffForm, i: usize) -> String {
    crate::util::redact::escape_controls(form.inputs[i].value().trim())
}

/// Checks the fields before the confirmation: both names, no secret in
/// them, real dates.
fn check(form: &SignOffForm) -> Result<(), String> {
    for (i, what) in [(0, "reviewer"), (2, "approver")] {
        let v = value(form, i);
        if v.is_empty() {
            return Err(format!("the {what} name is required"));
        }
        crate::util::redact::refuse_secret("name", &v).map_err(String::from)?;
    }
    if parse_date(&value(form, 1)).is_none() || parse_date(&value(form, 3)).is_none() {
        return Err("dates are YYYY-MM-DD".into());
    }
    Ok(())
}

/// Signs as confirmed: reviewer and approver exactly as typed.
fn sign(model: &mut Model, mut form: SignOffForm, now: OffsetDateTime) -> Vec<Effect> {
    let v = |i: usize| value(&form, i);
    let (Some(rd), Some(ad)) = (parse_date(&v(1)), parse_date(&v(3))) else {
        form.error = Some("dates are YYYY-MM-DD".into());
        model.mode = Mode::SignOff(Box::new(form));
        return vec![];
    };
    let c = model.checklist.clone();
    match crate::review::signoff::sign(&c, &mut model.state, &v(0), rd, &v(2), ad, now) {
        Ok(()) => {
            let digest = model
                .state
                .signoffs
                .last()
                .map(|s| s.digest[..12].to_string())
                .unwrap_or_default();
            model.info(format!(
                "Signed off: reviewed by {}, approved by {} (digest {digest}…); the sign-off boxes the facts decide are ticked.",
                v(0),
                v(2)
            ));
            vec![Effect::Save]
        }
        Err(e) => {
            form.error = Some(e.to_string());
            model.mode = Mode::SignOff(Box::new(form));
            vec![]
        }
    }
}
