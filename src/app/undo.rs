//! Undo (`U`) and the operator's place: every change to an item's record
//! (status, note, waiver) is logged with the record before and after, the
//! last [`UNDO_KEPT`] per operator, in the session file beside the state,
//! so an answer given by mistake can be taken back after a restart too.
//! The same file remembers where the operator was.

use std::collections::BTreeMap;

use time::OffsetDateTime;

use super::{Effect, Focus, Mode, Model};
use crate::state::ItemRecord;
use crate::state::session::{Change, Place, Session, UNDO_KEPT};

impl Model {
    /// The (section, item) indices of an item id.
    pub fn locate(&self, id: &str) -> Option<(usize, usize)> {
        self.checklist
            .sections
            .iter()
            .enumerate()
            .find_map(|(si, s)| s.items.iter().position(|i| i.id == id).map(|ii| (si, ii)))
    }

    /// Puts the cursor on an item, in the items pane.
    pub fn jump_to(&mut self, id: &str) -> bool {
        match self.locate(id) {
            Some((si, ii)) => {
                self.section = si;
                self.item = ii;
                self.focus = Focus::Items;
                true
            }
            None => false,
        }
    }

    /// This operator's place and changes, as last loaded or recorded.
    pub fn place(&self) -> Option<&Place> {
        self.session.operators.get(&self.operator())
    }

    /// The session to write: the loaded one with this operator's place set
    /// to where the cursor is now.
    pub fn session_to_save(&self) -> Session {
        let mut session = self.session.clone();
        let operator = self.operator();
        if operator.is_empty() {
            return session;
        }
        let place = session.operators.entry(operator).or_default();
        place.section = Some(self.current_section().slug.clone());
        place.item = Some(self.current_item().id.clone());
        place.on_sections = self.focus == Focus::Sections;
        place.item_view = match self.mode {
            Mode::Item { scroll } => Some(scroll),
            _ => None,
        };
        session
    }

    /// Takes a loaded session and returns to this operator's place in it
    /// (when its section and item still exist).
    pub fn restore(&mut self, session: Session) {
        self.session = session;
        let Some(place) = self.place().cloned() else {
            return;
        };
        let at = place
            .item
            .as_deref()
            .and_then(|id| self.locate(id))
            .or_else(|| {
                let slug = place.section.as_deref()?;
                let si = self
                    .checklist
                    .sections
                    .iter()
                    .position(|s| s.slug == slug)?;
                Some((si, 0))
            });
        let Some((si, ii)) = at else { return };
        self.section = si;
        self.item = ii;
        self.focus = if place.on_sections {
            Focus::Sections
        } else {
            Focus::Items
        };
        if let (Some(scroll), Mode::Browse) = (place.item_view, &self.mode) {
            self.mode = Mode::Item { scroll };
        }
    }
}

/// Logs every item whose record differs from `before` as a change by this
/// operator.
pub(super) fn record(
    model: &mut Model,
    before: &BTreeMap<String, ItemRecord>,
    now: OffsetDateTime,
) {
    let operator = model.operator();
    if operator.is_empty() || *before == model.state.items {
        return;
    }
    let mut ids: Vec<&String> = before.keys().chain(model.state.items.keys()).collect();
    ids.sort();
    ids.dedup();
    let changes: Vec<Change> = ids
        .into_iter()
        .filter(|id| before.get(*id) != model.state.items.get(*id))
        .map(|id| Change {
            item: id.clone(),
            at: now,
            before: before.get(id).cloned(),
            after: model.state.items.get(id).cloned(),
        })
        .collect();
    let place = model.session.operators.entry(operator).or_default();
    for c in changes {
        place.push(c);
    }
}

/// Why a logged change may not be restored: an item this checklist lacks,
/// or a record holding a known secret.
fn restorable(model: &Model, change: &Change) -> Result<(), String> {
    if model.checklist.item(&change.item).is_none() {
        return Err(format!(
            "{} is not an item of this checklist",
            crate::util::redact::redact(&change.item)
        ));
    }
    if let Some(rec) = &change.before {
        let texts = [
            rec.note.as_deref(),
            rec.by.as_deref(),
            rec.waiver.as_ref().map(|w| w.reason.as_str()),
            rec.waiver.as_ref().map(|w| w.owner.as_str()),
        ];
        for t in texts.into_iter().flatten() {
            crate::util::redact::refuse_secret("the record", t).map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

/// The record as it goes back into the state: text made inert as typed
/// text is.
fn inert(mut rec: ItemRecord) -> ItemRecord {
    let clean = crate::util::redact::escape_controls;
    rec.note = rec.note.map(|n| clean(&n));
    rec.by = rec.by.map(|b| clean(&b));
    if let Some(w) = rec.waiver.as_mut() {
        w.reason = clean(&w.reason);
        w.owner = clean(&w.owner);
    }
    rec
}

/// `U`: restores the record the last change replaced, and shows the item.
pub(super) fn undo(model: &mut Model) -> Vec<Effect> {
    let operator = model.operator();
    let session_path = model.context.session_path.clone();
    let Some(change) = model
        .session
        .operators
        .get_mut(&operator)
        .and_then(|p| p.changes.pop())
    else {
        if model.context.session_unread {
            model.info(format!(
                "Nothing to undo: {session_path} could not be read at start (see the notice), so this run keeps only its own changes."
            ));
        } else {
            model.info(format!(
                "Nothing to undo: the last {UNDO_KEPT} changes of {operator} on this machine are kept in {session_path}."
            ));
        }
        return vec![];
    };
    let id = change.item.clone();
    // The session file is only as trustworthy as the folder it sits in:
    // what it would restore passes the same checks as a typed answer.
    if let Err(why) = restorable(model, &change) {
        model.error(format!("That change was not undone: {why}."));
        return vec![];
    }
    let now = model.state.items.get(&id);
    if now != change.after.as_ref() {
        let status = model.state.status(&id);
        model.jump_to(&id);
        model.error(format!(
            "{id} changed since (it is now {}): that change was not undone.",
            status.as_str()
        ));
        return vec![];
    }
    match change.before {
        Some(rec) => {
            model.state.items.insert(id.clone(), inert(rec));
        }
        None => {
            model.state.items.remove(&id);
        }
    }
    let left = model.place().map_or(0, |p| p.changes.len());
    let shown = model.jump_to(&id);
    let status = model.state.status(&id).as_str();
    let more = match left {
        0 => "nothing more to undo".to_string(),
        1 => "1 more change can be undone".to_string(),
        n => format!("{n} more changes can be undone"),
    };
    let gone = if shown {
        ""
    } else {
        " (the checklist no longer has this item)"
    };
    model.info(format!("Undone: {id} is {status} again{gone}; {more}."));
    vec![Effect::Save]
}
