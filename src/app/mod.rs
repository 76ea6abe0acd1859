//! The wizard's logic: a [`Model`], the [`Action`]s that change it and one
//! pure [`update`] that returns the [`Effect`]s (save, quit) for the edge
//! to carry out. No IO happens here; time comes in as an argument, and the
//! clock is read only by the edge.
//!
//! One file per screen or form: [`browse`] (the main screen, the overview
//! and the scrolling views), [`note`], [`waiver`], [`signoff`],
//! [`answers`], [`generate`], [`urls`], [`rereview`] and [`prompts`]; each
//! screen's keys are a table of [`keymap`], which also draws its footer.

pub mod action;
pub mod answers;
pub mod browse;
pub mod generate;
pub mod keymap;
pub mod lists;
pub mod mapping;
pub mod model;
pub mod note;
pub mod prompts;
pub mod search;
pub mod signoff;
pub mod undo;
pub mod update;
pub mod urls;
pub mod waiver;

pub use action::{Action, Effect, Ending, Signal};
pub use answers::AnswersForm;
pub use generate::{GenerateView, Generated, PlannedFile};
pub use model::{Context, Focus, Message, MessageKind, Mode, Model, Tally};
pub use note::NotePurpose;
pub use signoff::{SIGNOFF_LABELS, SignOffForm};
pub use update::update;
pub use urls::parse_urls;
pub use waiver::{WaiverField, WaiverForm};

#[cfg(test)]
mod tests;
