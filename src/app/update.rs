//! The one pure [`update`]: an [`Action`] in, the [`Effect`]s out. Keys go
//! to the handler of the screen that is up; Ctrl-C is handled here, once.
//! Answering an item (status, override, accept) lives here too, as every
//! screen that answers goes through it.

use ratatui::crossterm::event::{KeyEvent, KeyEventKind};
use time::OffsetDateTime;
use tui_input::Input;

use super::note::NotePurpose;
use super::waiver::WaiverField;
use super::{
    Action, Effect, Ending, Focus, Message, MessageKind, Mode, Model, answers, browse, generate,
    keymap, note, prompts, signoff, urls, waiver,
};
use crate::detect::{Outcome, Report};
use crate::state::{Detection, OperatorStatus, Waiver};

/// Applies one action. Pure: the returned effects are the only way out.
pub fn update(model: &mut Model, action: Action, now: OffsetDateTime) -> Vec<Effect> {
    model.today = now.date();
    match action {
        Action::Key(key) if key.kind == KeyEventKind::Release => vec![],
        Action::Key(key) => {
            let before = model.state.items.clone();
            let undoing = matches!(model.mode, Mode::Browse)
                && super::keymap::command_for(&key) == Some(super::keymap::Command::Undo);
            let effects = on_key(model, key, now);
            if !undoing {
                super::undo::record(model, &before, now);
            }
            effects
        }
        Action::Paste(text) => {
            paste(model, &text);
            vec![]
        }
        Action::Resize => vec![],
        Action::Signal(sig) => vec![Effect::Save, Effect::Quit(Ending::Signal(sig))],
        Action::Saved => {
            if model.unsaved {
                model.unsaved = false;
                model.quit_armed = false;
                model.info(format!("Saved to {}.", model.context.state_path));
            }
            vec![]
        }
        Action::Tick => {
            model.spinner = model.spinner.wrapping_add(1);
            vec![]
        }
        Action::Detected(report) => detected(model, report, now),
        Action::ActivePlan(Ok(lines)) => {
            model.mode = Mode::Active { lines, scroll: 0 };
            vec![]
        }
        Action::ActivePlan(Err(why)) => {
            model.error(format!("Active verification: {why}"));
            vec![]
        }
        Action::AnswersDraft(a) => {
            let (a, sources) = *a;
            super::answers::open_draft(model, a, sources);
            vec![]
        }
        Action::Planned(Ok(view)) => {
            model.mode = Mode::Generate(view);
            vec![]
        }
        Action::Planned(Err(e)) | Action::Generated(Err(e)) => {
            model.error(format!("generate: {e}"));
            vec![]
        }
        Action::Generated(Ok(g)) => super::generate::written(model, g),
        Action::Mapping(rows) => {
            super::mapping::show(model, rows);
            Vec::new()
        }
        Action::MappingSaved(Ok(what)) => {
            model.info(what);
            vec![Effect::LoadMapping, Effect::RunDetectors]
        }
        Action::MappingSaved(Err(why)) => {
            model.running.clear();
            model.error(format!("Not saved: {why}"));
            Vec::new()
        }
        Action::Problem(why) => {
            model.error(why);
            Vec::new()
        }
        Action::SaveFailed(why) => {
            model.unsaved = true;
            if model.quit_armed {
                model.error(format!(
                    "NOT SAVED, q again quits and loses the unsaved answers: {why}"
                ));
            } else {
                model.error(format!(
                    "NOT SAVED: {why}. Answers are kept in memory; harden retries on the next change."
                ));
            }
            vec![]
        }
    }
}

fn on_key(model: &mut Model, key: KeyEvent, now: OffsetDateTime) -> Vec<Effect> {
    if !matches!(
        model.message,
        Some(Message {
            kind: MessageKind::Error,
            ..
        })
    ) {
        model.message = None;
    }
    // The one place Ctrl-C is handled: it quits from any screen, which stays
    // as it was if the quit is refused (answers not saved).
    if keymap::is_ctrl_c(&key) {
        // A note being written is not dropped by one stray Ctrl-C.
        if let Mode::Note { input, .. } = &model.mode
            && !input.value().trim().is_empty()
            && !model.draft_armed
        {
            model.draft_armed = true;
            model.error(
                "The note is not saved: Enter saves it, Esc drops it; Ctrl-C again quits without it.",
            );
            return vec![];
        }
        return quit(model);
    }
    model.draft_armed = false;
    match std::mem::replace(&mut model.mode, Mode::Browse) {
        Mode::Browse => browse::key(model, key, now),
        Mode::Overview { selected } => {
            super::lists::key(model, key, super::lists::Kind::Overview, selected)
        }
        Mode::Blockers { selected } => {
            super::lists::key(model, key, super::lists::Kind::Blockers, selected)
        }
        Mode::Log { scroll } => browse::scroll_key(model, key, scroll, |s| Mode::Log { scroll: s }),
        Mode::Help { scroll } => {
            browse::scroll_key(model, key, scroll, |s| Mode::Help { scroll: s })
        }
        Mode::Item { scroll } => {
            browse::scroll_key(model, key, scroll, |s| Mode::Item { scroll: s })
        }
        Mode::Rereview { selected } => {
            super::lists::key(model, key, super::lists::Kind::Rereview, selected)
        }
        Mode::Notice(_) => prompts::notice_key(model),
        Mode::Active { lines, scroll } => match keymap::lookup(keymap::ACTIVE_CONFIRM, &key) {
            Some(
                c @ (keymap::Command::Up
                | keymap::Command::Down
                | keymap::Command::PageUp
                | keymap::Command::PageDown),
            ) => {
                let limit = model.scroll_limit.get();
                let scroll = match c {
                    keymap::Command::Up => scroll.saturating_sub(1),
                    keymap::Command::Down => scroll.saturating_add(1),
                    keymap::Command::PageUp => scroll.saturating_sub(10),
                    _ => scroll.saturating_add(10),
                }
                .min(limit);
                model.mode = Mode::Active { lines, scroll };
                vec![]
            }
            Some(keymap::Command::Confirm) => {
                model.running.insert(crate::detect::Detector::Active);
                model.info("Sending the active requests…");
                vec![Effect::RunActive]
            }
            _ => {
                model.info("Active verification cancelled: nothing was sent.");
                vec![]
            }
        },
        Mode::EnvChoice => prompts::env_choice_key(model, key),
        Mode::Operator {
            input, suggested, ..
        } => prompts::operator_key(model, key, input, suggested),
        Mode::Urls { input, .. } => urls::key(model, key, input),
        Mode::Note { input, purpose } => note::key(model, key, input, purpose, now),
        Mode::Waiver(form) => waiver::key(model, key, form, now),
        Mode::Answers(form) => answers::key(model, key, *form),
        Mode::SignOff(form) => signoff::key(model, key, *form, now),
        Mode::Generate(view) => generate::key(model, key, view),
        Mode::Mapping(view) => super::mapping::key(model, key, view),
        Mode::Search(view) => super::search::key(model, key, view),
    }
}

pub(super) fn quit(model: &mut Model) -> Vec<Effect> {
    if model.unsaved && !model.quit_armed {
        model.quit_armed = true;
        model.error(
            "Answers are NOT saved (see the error above). Press q again to quit and lose them, \
             or free the disk and make any change to retry.",
        );
        return vec![Effect::Save];
    }
    vec![Effect::Quit(Ending::Normal)]
}

fn paste(model: &mut Model, text: &str) {
    let clean: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let input = match &mut model.mode {
        Mode::Note { input, .. } | Mode::Operator { input, .. } | Mode::Urls { input, .. } => input,
        Mode::Search(view) => &mut view.input,
        Mode::SignOff(form) => {
            let f = form.field;
            &mut form.inputs[f]
        }
        Mode::Answers(form) if form.editing.is_some() => match form.editing.as_mut() {
            Some(input) => input,
            None => return,
        },
        Mode::Waiver(f) => match f.field {
            WaiverField::Reason => &mut f.reason,
            WaiverField::Expires => &mut f.expires,
        },
        _ => return,
    };
    for c in clean.chars() {
        input.handle(tui_input::InputRequest::InsertChar(c));
    }
}

pub(super) fn set_status(
    model: &mut Model,
    status: OperatorStatus,
    waiver: Option<Waiver>,
    now: OffsetDateTime,
) -> Vec<Effect> {
    model.focus = Focus::Items;
    let detected = model.detection(&model.current_item().id).map(|d| d.outcome);
    let contradicts = matches!(
        (status, detected),
        (OperatorStatus::Done, Some(Outcome::Fail | Outcome::Warn))
            | (OperatorStatus::NotDone, Some(Outcome::Pass))
    );
    if let (true, Some(outcome)) = (contradicts, detected) {
        model.mode = Mode::Note {
            input: Input::default(),
            purpose: NotePurpose::Override { status, outcome },
        };
        return vec![];
    }
    apply_status(model, status, waiver, None, now)
}

/// Records the operator's status (and the detection it overrides, if any),
/// then walks forward.
pub(super) fn apply_status(
    model: &mut Model,
    status: OperatorStatus,
    waiver: Option<Waiver>,
    overrides: Option<Outcome>,
    now: OffsetDateTime,
) -> Vec<Effect> {
    model.focus = Focus::Items;
    let operator = model.operator();
    let id = model.current_item().id.clone();
    let rec = model.state.items.entry(id.clone()).or_default();
    rec.status = status;
    rec.waiver = waiver;
    rec.overrides = overrides;
    rec.by = Some(operator);
    rec.at = Some(now);
    if rec.is_blank() {
        model.state.items.remove(&id);
    }
    if status == OperatorStatus::Open {
        model.info(format!("{id} is open again."));
        return vec![Effect::Save];
    }
    let items = model.current_section().items.len();
    if model.item + 1 < items {
        model.item += 1;
    }
    let t = model.tally(model.current_section());
    if t.settled() == t.total {
        model.info(format!(
            "{} is complete. ] goes to the next section.",
            model.current_section().label()
        ));
    } else if let Some(o) = overrides {
        model.info(format!(
            "{id}: {} (overrides the detected {}).",
            status.as_str(),
            o.as_str()
        ));
    } else {
        model.info(format!("{id}: {}.", status.as_str()));
    }
    vec![Effect::Save]
}

/// Takes the detected result as the operator's answer.
pub(super) fn accept(model: &mut Model, now: OffsetDateTime) -> Vec<Effect> {
    let id = model.current_item().id.clone();
    if model.detecting(&id) {
        model.info("Still detecting; accept when the result is in.");
        return vec![];
    }
    match model.detection(&id).map(|d| d.outcome) {
        Some(Outcome::Pass) => apply_status(model, OperatorStatus::Done, None, None, now),
        Some(Outcome::Fail | Outcome::Warn) => {
            apply_status(model, OperatorStatus::NotDone, None, None, now)
        }
        // This project has no such feature: accepting says n/a.
        Some(Outcome::Absent) => {
            apply_status(model, OperatorStatus::NotApplicable, None, None, now)
        }
        Some(o @ (Outcome::Unknown | Outcome::Skipped)) => {
            model.info(format!(
                "Detection is {}: nothing to accept; answer it yourself.",
                o.as_str()
            ));
            vec![]
        }
        None => {
            model.info("Nothing detected for this item; answer it yourself.");
            vec![]
        }
    }
}

/// Stores a detector's findings and notices rotated secrets.
fn detected(model: &mut Model, report: Report, now: OffsetDateTime) -> Vec<Effect> {
    model.running.remove(&report.detector);
    for f in &report.findings {
        if model.checklist.item(&f.item).is_some() {
            let d = match model.state.detections.get(&f.item) {
                // Offline: keep the last live result beside the skip.
                Some(old) if Detection::of(f, now).not_run() => {
                    Detection::offline_over(f, old, now)
                }
                _ => Detection::of(f, now),
            };
            model.state.detections.insert(f.item.clone(), d);
        }
    }
    let mut changed = Vec::new();
    for (key, fp) in &report.fingerprints {
        if let Some(old) = model.state.fingerprints.get(key)
            && old != fp
        {
            changed.push(key.clone());
        }
        model.state.fingerprints.insert(key.clone(), fp.clone());
    }
    if !changed.is_empty() {
        model.info(format!(
            "{} changed since the last review.",
            changed.join(", ")
        ));
    } else if model.running.is_empty()
        && !matches!(
            model.message,
            Some(Message {
                kind: MessageKind::Error,
                ..
            })
        )
    {
        let mut counts = [0usize; 6];
        for d in model.state.detections.values() {
            let i = match d.outcome {
                Outcome::Pass => 0,
                Outcome::Warn => 1,
                Outcome::Fail => 2,
                Outcome::Unknown => 3,
                Outcome::Skipped => 4,
                Outcome::Absent => 5,
            };
            counts[i] += 1;
        }
        let absent = if counts[5] > 0 {
            format!(", {} absent (y marks one n/a)", counts[5])
        } else {
            String::new()
        };
        model.info(format!(
            "Detection done: {} pass, {} warn, {} fail, {} unknown, {} skipped{absent}. y accepts a result.",
            counts[0], counts[1], counts[2], counts[3], counts[4]
        ));
    }
    vec![Effect::Save]
}
