//! Search (`/`): incremental over item ids, titles, evidence and notes,
//! narrowed by a filter (failing, unanswered, critical); Enter jumps to
//! the item, Esc leaves everything as it was. Typing here never answers
//! an item: every key but the few below goes into the query.

use ratatui::crossterm::event::{Event, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::to_input_request;

use super::keymap::{self, Command};
use super::{Effect, Focus, Mode, Model};
use crate::checklist::Severity;
use crate::detect::Outcome;
use crate::state::OperatorStatus;

/// What the hits are narrowed to, besides the query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Filter {
    #[default]
    All,
    /// Detected fail or warn, or answered not done.
    Failing,
    /// Not answered yet.
    Unanswered,
    /// Critical items.
    Critical,
    /// Items whose verdict, detection or waiver changed since the last
    /// sign-off (none without one).
    Changed,
}

impl Filter {
    /// The next filter (Tab).
    pub fn next(self) -> Filter {
        match self {
            Filter::All => Filter::Failing,
            Filter::Failing => Filter::Unanswered,
            Filter::Unanswered => Filter::Critical,
            Filter::Critical => Filter::Changed,
            Filter::Changed => Filter::All,
        }
    }

    pub fn word(self) -> &'static str {
        match self {
            Filter::All => "all items",
            Filter::Failing => "failing",
            Filter::Unanswered => "unanswered",
            Filter::Critical => "critical",
            Filter::Changed => "changed since sign-off",
        }
    }
}

/// The search's state.
#[derive(Debug, Clone)]
pub struct SearchView {
    pub input: Input,
    pub filter: Filter,
    /// (section, item) of each match, in checklist order.
    pub hits: Vec<(usize, usize)>,
    pub selected: usize,
}

/// Opens the search over every item.
pub fn open(model: &mut Model) {
    let mut view = SearchView {
        input: Input::default(),
        filter: Filter::All,
        hits: Vec::new(),
        selected: 0,
    };
    view.hits = hits(model, "", view.filter);
    model.mode = Mode::Search(Box::new(view));
}

/// The items matching every word of `query` (case aside) in their id,
/// title, evidence or note, and the filter.
pub fn hits(model: &Model, query: &str, filter: Filter) -> Vec<(usize, usize)> {
    let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
    let changed = match filter {
        Filter::Changed => changed_since_signoff(model),
        _ => Default::default(),
    };
    let mut out = Vec::new();
    for (si, s) in model.checklist.sections.iter().enumerate() {
        for (ii, item) in s.items.iter().enumerate() {
            let status = model.status(&item.id);
            let detected = model.detection(&item.id).map(|d| d.outcome);
            let keep = match filter {
                Filter::All => true,
                Filter::Failing => {
                    status == OperatorStatus::NotDone
                        || (matches!(detected, Some(Outcome::Fail | Outcome::Warn))
                            && !status.is_settled())
                }
                Filter::Unanswered => status == OperatorStatus::Open,
                Filter::Critical => item.severity == Severity::Critical,
                Filter::Changed => changed.contains(item.id.as_str()),
            };
            if !keep {
                continue;
            }
            if !words.is_empty() {
                let mut hay = format!("{} {}", item.id, item.text).to_lowercase();
                if let Some(d) = model.detection(&item.id) {
                    hay.push(' ');
                    hay.push_str(&d.evidence.to_lowercase());
                }
                if let Some(n) = model.record(&item.id).and_then(|r| r.note.as_deref()) {
                    hay.push(' ');
                    hay.push_str(&n.to_lowercase());
                }
                if !words.iter().all(|w| hay.contains(w.as_str())) {
                    continue;
                }
            }
            out.push((si, ii));
        }
    }
    out
}

/// Ids of the items that changed since the last sign-off: verdict,
/// detection or waiver; empty without a sign-off.
pub fn changed_since_signoff(model: &Model) -> std::collections::BTreeSet<String> {
    let Some(last) = model.state.signoffs.last() else {
        return Default::default();
    };
    let ch = crate::review::signoff::changes(&model.checklist, last, &model.state, model.today);
    ch.regressed
        .iter()
        .chain(&ch.improved)
        .map(|(id, ..)| id.clone())
        .chain(ch.detection.iter().map(|(id, ..)| id.clone()))
        .chain(ch.waivers_expired.iter().map(|(id, _)| id.clone()))
        .chain(ch.waivers_expiring.iter().map(|(id, _)| id.clone()))
        .chain(ch.added.iter().cloned())
        .collect()
}

/// A key in the search.
pub fn key(model: &mut Model, key: KeyEvent, mut view: Box<SearchView>) -> Vec<Effect> {
    match keymap::lookup(keymap::SEARCH, &key) {
        Some(Command::Cancel) => {
            model.info("Search closed; nothing changed.");
            return vec![];
        }
        Some(Command::Save) => {
            if let Some(&(si, ii)) = view.hits.get(view.selected) {
                model.section = si;
                model.item = ii;
                model.focus = Focus::Items;
                let id = model.current_item().id.clone();
                model.info(format!("{id}: found. / searches again."));
                return vec![];
            }
            model.error("No item matches; Esc closes the search.");
        }
        Some(Command::Up) => view.selected = view.selected.saturating_sub(1),
        Some(Command::Down) => {
            view.selected = (view.selected + 1).min(view.hits.len().saturating_sub(1));
        }
        Some(Command::PageUp) => view.selected = view.selected.saturating_sub(10),
        Some(Command::PageDown) => {
            view.selected = (view.selected + 10).min(view.hits.len().saturating_sub(1));
        }
        Some(Command::NextField) => {
            view.filter = view.filter.next();
            view.hits = hits(model, view.input.value(), view.filter);
            view.selected = 0;
        }
        _ => {
            if let Some(req) = to_input_request(&Event::Key(key)) {
                view.input.handle(req);
            }
            view.hits = hits(model, view.input.value(), view.filter);
            view.selected = 0;
        }
    }
    model.mode = Mode::Search(view);
    vec![]
}
