//! The main screen (sections, items, detail), the overview and the
//! scrolling views: moving around the checklist.

use ratatui::crossterm::event::KeyEvent;
use time::OffsetDateTime;

use super::keymap::{self, Command, command_for};
use super::{Effect, Focus, Mode, Model, answers, note, signoff, update, urls, waiver};
use crate::detect::Detector;
use crate::state::OperatorStatus;

/// The main screen.
pub fn key(model: &mut Model, key: KeyEvent, now: OffsetDateTime) -> Vec<Effect> {
    let Some(cmd) = command_for(&key) else {
        return vec![];
    };
    let sections = model.checklist.sections.len();
    let items = model.current_section().items.len();
    // An answer is given to an item the operator is looking at: with the
    // section list focused, no item is, so the key only says so.
    let answers = matches!(
        cmd,
        Command::MarkDone
            | Command::MarkNotDone
            | Command::MarkNotApplicable
            | Command::Reopen
            | Command::Accept
            | Command::Waive
            | Command::EditNote
    );
    if answers && model.focus == Focus::Sections {
        model.info(
            "Answers go to the item in the items pane: press Enter or → to move there first.",
        );
        return vec![];
    }
    match cmd {
        Command::Up
        | Command::Down
        | Command::PageUp
        | Command::PageDown
        | Command::Top
        | Command::Bottom => {
            let (pos, len) = match model.focus {
                Focus::Sections => (model.section, sections),
                Focus::Items => (model.item, items),
            };
            let to = step(pos, len, cmd);
            match model.focus {
                Focus::Sections => select_section(model, to),
                Focus::Items => model.item = to,
            }
        }
        Command::SwitchPane => {
            model.focus = match model.focus {
                Focus::Sections => Focus::Items,
                Focus::Items => Focus::Sections,
            }
        }
        Command::Open if model.focus == Focus::Items => model.mode = Mode::Item { scroll: 0 },
        Command::Open => model.focus = Focus::Items,
        Command::Back => model.focus = Focus::Sections,
        Command::MarkDone => return update::set_status(model, OperatorStatus::Done, None, now),
        Command::MarkNotDone => {
            return update::set_status(model, OperatorStatus::NotDone, None, now);
        }
        Command::MarkNotApplicable => {
            return update::set_status(model, OperatorStatus::NotApplicable, None, now);
        }
        Command::Reopen => return update::set_status(model, OperatorStatus::Open, None, now),
        Command::Waive => {
            model.focus = Focus::Items;
            waiver::open(model);
        }
        Command::EditNote => {
            model.focus = Focus::Items;
            note::open(model);
        }
        Command::NextOpen => next_open(model),
        Command::Accept => return update::accept(model, now),
        Command::SignOff => signoff::open(model, now.date()),
        Command::Rereview => model.mode = Mode::Rereview { selected: 0 },
        Command::Undo => return super::undo::undo(model),
        Command::Generate => {
            return match model.state.answers.clone() {
                Some(a) => {
                    answers::open(model, a);
                    vec![]
                }
                None => vec![Effect::DraftAnswers],
            };
        }
        Command::Urls => urls::open(model),
        Command::Verify => {
            model.info("Listing the requests of active verification…");
            return vec![Effect::PlanActive];
        }
        Command::Search => super::search::open(model),
        // Opens at the newest message (the view clamps to its end).
        Command::Log => model.mode = Mode::Log { scroll: u16::MAX },
        Command::Mapping => {
            model.info("Reading the project's settings…");
            return vec![Effect::LoadMapping];
        }
        Command::Rerun => {
            model.running = Detector::ALL.iter().copied().collect();
            model.info("Detecting again…");
            return vec![Effect::RunDetectors];
        }
        Command::NextSection => {
            if model.section + 1 < sections {
                select_section(model, model.section + 1);
                model.focus = Focus::Items;
            } else {
                model.info("This is the last section.");
            }
        }
        Command::PrevSection => {
            if model.section > 0 {
                select_section(model, model.section - 1);
                model.focus = Focus::Items;
            }
        }
        // The overview opens on the section the cursor is in.
        Command::Overview => {
            model.mode = Mode::Overview {
                selected: model.section,
            }
        }
        Command::Help => model.mode = Mode::Help { scroll: 0 },
        Command::Quit => return update::quit(model),
        // The commands of forms and other screens are not in the main
        // screen's table.
        Command::Save
        | Command::Cancel
        | Command::NextField
        | Command::PrevField
        | Command::Edit
        | Command::Render
        | Command::Write
        | Command::EditAnswers
        | Command::Confirm
        | Command::Continue
        | Command::ChooseProduction
        | Command::ChooseDotEnv => {}
    }
    vec![]
}

pub(super) fn step(pos: usize, len: usize, cmd: Command) -> usize {
    let last = len.saturating_sub(1);
    match cmd {
        Command::Up => pos.saturating_sub(1),
        Command::Down => (pos + 1).min(last),
        Command::PageUp => pos.saturating_sub(10),
        Command::PageDown => (pos + 10).min(last),
        Command::Top => 0,
        Command::Bottom => last,
        _ => pos,
    }
}

pub(super) fn select_section(model: &mut Model, index: usize) {
    model.section = index;
    let s = &model.checklist.sections[index];
    model.item = model.first_open_in(s).unwrap_or(0);
}

fn next_open(model: &mut Model) {
    let flat: Vec<(usize, usize)> = model
        .checklist
        .sections
        .iter()
        .enumerate()
        .flat_map(|(si, s)| (0..s.items.len()).map(move |ii| (si, ii)))
        .collect();
    let here = flat
        .iter()
        .position(|&p| p == (model.section, model.item))
        .unwrap_or(0);
    let order = flat[here + 1..].iter().chain(flat[..=here].iter());
    let mut fallback = None;
    for &(si, ii) in order {
        let st = model.status(&model.checklist.sections[si].items[ii].id);
        if st == OperatorStatus::Open {
            model.section = si;
            model.item = ii;
            model.focus = Focus::Items;
            return;
        }
        if !st.is_settled() && fallback.is_none() {
            fallback = Some((si, ii));
        }
    }
    match fallback {
        Some((si, ii)) => {
            model.section = si;
            model.item = ii;
            model.focus = Focus::Items;
            model.info("No unanswered items left; this one is marked not done.");
        }
        None => model.info("Every item is settled. v shows the overview."),
    }
}

/// A scrolling view (help, one item in full): arrows scroll, any other
/// key closes it.
pub fn scroll_key(
    model: &mut Model,
    key: KeyEvent,
    scroll: u16,
    rebuild: fn(u16) -> Mode,
) -> Vec<Effect> {
    // Never past the end the last frame measured (the help scrolled on
    // past it, so Up seemed dead until it came back).
    let limit = model.scroll_limit.get();
    let scroll = scroll.min(limit);
    match keymap::lookup_plain(keymap::SCROLL, &key) {
        Some(Command::Up) => model.mode = rebuild(scroll.saturating_sub(1)),
        Some(Command::Down) => model.mode = rebuild(scroll.saturating_add(1).min(limit)),
        Some(Command::PageUp) => model.mode = rebuild(scroll.saturating_sub(10)),
        Some(Command::PageDown) => model.mode = rebuild(scroll.saturating_add(10).min(limit)),
        _ => {}
    }
    vec![]
}
