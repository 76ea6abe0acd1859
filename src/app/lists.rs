//! The list screens that lead to items: the overview (sections with their
//! bars, then the critical items still open), the sign-off refusal (the
//! items that block it) and the re-review (what changed since the last
//! sign-off). Each is rebuilt from the model on every frame, so it never
//! goes stale; the cursor moves over the rows that lead somewhere, and
//! Enter goes there.

use ratatui::crossterm::event::KeyEvent;

use super::keymap::{self, Command};
use super::{Effect, Focus, Mode, Model, browse, update};
use crate::checklist::Severity;

/// How a row reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Plain,
    Bad,
    Warn,
    Good,
    Faint,
    Heading,
}

/// One row of a list screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Row {
    /// A heading or a line of explanation; not selectable.
    Text(String, Tone),
    /// A section of the checklist, drawn with its bar and counts.
    Section(usize),
    /// The whole checklist's bar and counts; not selectable.
    Total,
    /// A line about an item: Enter goes to it.
    Item {
        id: String,
        text: String,
        tone: Tone,
    },
}

impl Row {
    /// Rows the cursor stops on.
    pub fn selectable(&self) -> bool {
        matches!(self, Row::Section(_) | Row::Item { .. })
    }
}

/// Which list a screen shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Overview,
    Blockers,
    Rereview,
}

/// The rows of a list screen, as the model is now.
pub fn rows(model: &Model, kind: Kind) -> Vec<Row> {
    match kind {
        Kind::Overview => overview(model),
        Kind::Blockers => blockers(model),
        Kind::Rereview => rereview(model),
    }
}

fn item_text(model: &Model, id: &str) -> String {
    model
        .checklist
        .item(id)
        .map(|i| i.text.replace('`', ""))
        .unwrap_or_default()
}

fn overview(model: &Model) -> Vec<Row> {
    let mut rows: Vec<Row> = (0..model.checklist.sections.len())
        .map(Row::Section)
        .collect();
    rows.push(Row::Total);
    if !model.context.orphans.is_empty() {
        rows.push(Row::Text(
            format!(
                "{} answers belong to items not in this checklist (kept in the state file): {}",
                model.context.orphans.len(),
                model.context.orphans.join(", ")
            ),
            Tone::Bad,
        ));
    }
    let crit = model.critical_unsettled();
    rows.push(Row::Text(String::new(), Tone::Plain));
    rows.push(Row::Text(
        format!("Critical items still open: {}", crit.len()),
        Tone::Heading,
    ));
    if crit.is_empty() {
        rows.push(Row::Text(
            "None: every critical item is done, n/a or waived.".into(),
            Tone::Good,
        ));
    }
    for item in crit {
        rows.push(Row::Item {
            id: item.id.clone(),
            text: format!(
                "{} {}",
                model.status(&item.id).as_str(),
                item.text.replace('`', "")
            ),
            tone: Tone::Plain,
        });
    }
    rows
}

fn blockers(model: &Model) -> Vec<Row> {
    let blockers = crate::review::signoff::blockers(&model.checklist, &model.state, model.today);
    let mut rows = vec![
        Row::Text(
            format!(
                "Sign-off refused: {} items must be settled first.",
                blockers.len()
            ),
            Tone::Heading,
        ),
        Row::Text(
            "The checklist's own sign-off lines: every critical item done, n/a or waived and \
             not failing by detection (unless answered done over it, with a note), and every \
             important item answered."
                .into(),
            Tone::Faint,
        ),
    ];
    for b in blockers {
        let sev = model.checklist.item(&b.id).map(|i| i.severity);
        rows.push(Row::Item {
            text: format!("{}  {}", b.why, item_text(model, &b.id)),
            id: b.id,
            tone: if sev == Some(Severity::Critical) {
                Tone::Bad
            } else {
                Tone::Warn
            },
        });
    }
    rows
}

fn rereview(model: &Model) -> Vec<Row> {
    let Some(last) = model.state.signoffs.last() else {
        return vec![Row::Text(
            "No sign-off yet: S signs off once every critical item is settled.".into(),
            Tone::Plain,
        )];
    };
    let ch = crate::review::signoff::changes(&model.checklist, last, &model.state, model.today);
    let mut rows = Vec::new();
    if model.checklist.sha256 != last.checklist_sha256 {
        rows.push(Row::Text(
            "The checklist itself changed since the sign-off.".into(),
            Tone::Warn,
        ));
    }
    for line in crate::review::signoff::describe_rows(&ch) {
        let tone = match line.kind {
            "REGRESSED" | "EXPIRED" => Tone::Bad,
            "IMPROVED" => Tone::Good,
            "ROTATED" | "EXPIRING" | "DETECTED" => Tone::Warn,
            _ => Tone::Plain,
        };
        rows.push(match line.id {
            Some(id) => Row::Item {
                id,
                text: line.text,
                tone,
            },
            None => Row::Text(line.text, tone),
        });
    }
    if rows.is_empty() {
        rows.push(Row::Text(
            "Nothing changed since the sign-off.".into(),
            Tone::Good,
        ));
    }
    if !model.running.is_empty() {
        rows.push(Row::Text(
            "Detection is still running; this list updates as results arrive.".into(),
            Tone::Faint,
        ));
    }
    rows
}

/// The first selectable row at or after `from` (or before it, at the end).
pub fn settle(rows: &[Row], from: usize) -> usize {
    let from = from.min(rows.len().saturating_sub(1));
    (from..rows.len())
        .find(|&i| rows[i].selectable())
        .or_else(|| (0..from).rev().find(|&i| rows[i].selectable()))
        .unwrap_or(0)
}

/// Moves the cursor over the selectable rows.
fn step(rows: &[Row], at: usize, cmd: Command) -> usize {
    let picks: Vec<usize> = (0..rows.len()).filter(|&i| rows[i].selectable()).collect();
    if picks.is_empty() {
        return 0;
    }
    let here = picks
        .iter()
        .position(|&i| i >= at)
        .unwrap_or(picks.len() - 1);
    picks[browse::step(here, picks.len(), cmd)]
}

fn rebuild(kind: Kind, selected: usize) -> Mode {
    match kind {
        Kind::Overview => Mode::Overview { selected },
        Kind::Blockers => Mode::Blockers { selected },
        Kind::Rereview => Mode::Rereview { selected },
    }
}

/// A key on a list screen.
pub fn key(model: &mut Model, key: KeyEvent, kind: Kind, selected: usize) -> Vec<Effect> {
    let table = match kind {
        Kind::Overview => keymap::OVERVIEW,
        Kind::Blockers => keymap::BLOCKERS,
        Kind::Rereview => keymap::REREVIEW,
    };
    let rows = rows(model, kind);
    let selected = settle(&rows, selected);
    match keymap::lookup_plain(table, &key) {
        Some(
            cmd @ (Command::Up
            | Command::Down
            | Command::PageUp
            | Command::PageDown
            | Command::Top
            | Command::Bottom),
        ) => model.mode = rebuild(kind, step(&rows, selected, cmd)),
        Some(Command::Open) => match rows.get(selected) {
            Some(Row::Section(si)) => {
                browse::select_section(model, *si);
                model.focus = Focus::Items;
            }
            Some(Row::Item { id, .. }) => {
                if !model.jump_to(id) {
                    model.error(format!("{id} is not in this checklist."));
                    model.mode = rebuild(kind, selected);
                }
            }
            _ => model.mode = rebuild(kind, selected),
        },
        Some(Command::Quit) => {
            model.mode = rebuild(kind, selected);
            return update::quit(model);
        }
        Some(Command::Help) => model.mode = Mode::Help { scroll: 0 },
        Some(Command::Back) => {}
        // The re-review gives way to the checklist on any other key.
        Some(Command::Continue) => {
            model.info("R shows what changed since the sign-off again; S signs off again.");
        }
        _ => model.mode = rebuild(kind, selected),
    }
    vec![]
}
