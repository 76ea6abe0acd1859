//! The wizard's whole state: which screen is up ([`Mode`]), where the
//! cursor is, the state file's contents, and the message line.

use std::collections::BTreeSet;
use std::sync::Arc;

use time::Date;
use tui_input::Input;

use super::Effect;
use super::answers::AnswersForm;
use super::generate::GenerateView;
use super::note::NotePurpose;
use super::signoff::SignOffForm;
use super::waiver::WaiverForm;
use crate::checklist::{Checklist, Item, Section, Severity};
use crate::detect::Detector;
use crate::state::session::Session;
use crate::state::{Detection, ItemRecord, OperatorStatus, State};

/// Which pane has the keyboard on the main screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Sections,
    Items,
}

/// What occupies the screen.
#[derive(Debug, Clone)]
pub enum Mode {
    Browse,
    /// Every section with its bar, then the critical items still open.
    Overview {
        selected: usize,
    },
    /// The items that refused a sign-off.
    Blockers {
        selected: usize,
    },
    Help {
        scroll: u16,
    },
    /// Every message of this run, in full.
    Log {
        scroll: u16,
    },
    /// The current item in full, scrollable.
    Item {
        scroll: u16,
    },
    Note {
        input: Input,
        purpose: NotePurpose,
    },
    Waiver(WaiverForm),
    /// Asked once per state file: who is answering.
    Operator {
        input: Input,
        error: Option<String>,
        /// The input still holds the suggested name: typing replaces it.
        suggested: bool,
    },
    /// Something found at start that the operator must see (a lock taken
    /// over, a changed checklist); any key dismisses it.
    Notice(Vec<String>),
    /// The project has both `.env` and `.env.production`: which to judge.
    EnvChoice,
    /// The production URLs to probe, comma-separated.
    Urls {
        input: Input,
        error: Option<String>,
    },
    /// The answers `generate` needs, one field at a time.
    Answers(Box<AnswersForm>),
    /// Reviewer, approver and their dates.
    SignOff(Box<SignOffForm>),
    /// What changed since the last sign-off (shown first on a re-review).
    Rereview {
        selected: usize,
    },
    /// The generated files with their diffs, before writing.
    Generate(GenerateView),
    /// Which of the project's settings plays each concept.
    Mapping(Box<super::mapping::MappingView>),
    /// The search over ids, titles, evidence and notes.
    Search(Box<super::search::SearchView>),
    /// Every request active verification would send, before any is:
    /// arrows scroll, `y` sends them, any other key sends nothing.
    Active {
        lines: Vec<String>,
        scroll: u16,
    },
}

/// How serious a status-line message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageKind {
    Info,
    Error,
}

/// The one-line message under the panes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub kind: MessageKind,
    pub text: String,
}

/// Where the state lives and what loading it found, for display.
#[derive(Debug, Clone, Default)]
pub struct Context {
    pub state_path: String,
    /// Answers for ids the checklist no longer has (kept in the file).
    pub orphans: Vec<String>,
    /// Set when the state was written for another checklist version.
    pub checklist_changed: bool,
    /// Notices to show first (a lock taken over, a changed checklist).
    pub notices: Vec<String>,
    /// Both `.env` and `.env.production` exist and nothing chose yet.
    pub env_choice: bool,
    /// The session file (position and undo log), for messages.
    pub session_path: String,
    /// The session file was there but could not be read at start.
    pub session_unread: bool,
}

/// The wizard's whole state.
#[derive(Debug, Clone)]
pub struct Model {
    pub checklist: Arc<Checklist>,
    pub state: State,
    pub context: Context,
    pub focus: Focus,
    pub section: usize,
    pub item: usize,
    pub mode: Mode,
    pub message: Option<Message>,
    /// The last save failed; answers live only in memory.
    pub unsaved: bool,
    /// `q` was pressed once while unsaved.
    pub quit_armed: bool,
    /// Ctrl-C was pressed once while a note draft was open.
    pub draft_armed: bool,
    /// Detectors still running.
    pub running: BTreeSet<Detector>,
    /// Frames of the running spinner.
    pub spinner: usize,
    /// Today, as the last action saw it (for waiver expiry and re-reviews).
    pub today: Date,
    /// The furthest a scrolling view (help, an item in full) can scroll,
    /// as its last frame measured it: the keys stop there instead of
    /// counting on past the end.
    pub scroll_limit: std::cell::Cell<u16>,
    /// Every message of this run, oldest first (the last [`LOG_KEPT`]).
    pub log: Vec<Message>,
    /// Each operator's place and undo log (the session file's contents).
    pub session: Session,
}

/// Messages kept in the log.
pub const LOG_KEPT: usize = 200;

/// Counts of operator statuses over a set of items.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub done: usize,
    pub not_done: usize,
    pub na: usize,
    pub waived: usize,
    pub open: usize,
    pub total: usize,
}

impl Tally {
    /// Done, n/a and waived together.
    pub fn settled(&self) -> usize {
        self.done + self.na + self.waived
    }

    /// Every answer, "not done" included: how far the review has come, as
    /// against how much of it is good ([`Tally::done`]).
    pub fn answered(&self) -> usize {
        self.total - self.open
    }
}

impl Model {
    /// A model positioned where the operator left off: the first open item
    /// of the first unfinished section. `today` comes from the edge, which
    /// owns the clock.
    pub fn new(
        checklist: Arc<Checklist>,
        state: State,
        context: Context,
        default_operator: &str,
        today: Date,
    ) -> Self {
        let (mode, message) = if state.operator.is_none() {
            // A new state: the name prompt comes first, a notice goes below.
            let message = (!context.notices.is_empty()).then(|| Message {
                kind: MessageKind::Info,
                text: context.notices.join(" "),
            });
            let input = Input::new(default_operator.to_string());
            (
                Mode::Operator {
                    input,
                    error: None,
                    suggested: true,
                },
                message,
            )
        } else if !context.notices.is_empty() {
            (Mode::Notice(context.notices.clone()), None)
        } else {
            (Mode::Browse, None)
        };
        let mut m = Model {
            checklist,
            state,
            context,
            focus: Focus::Items,
            section: 0,
            item: 0,
            mode,
            message,
            unsaved: false,
            quit_armed: false,
            draft_armed: false,
            running: BTreeSet::new(),
            spinner: 0,
            today,
            scroll_limit: std::cell::Cell::new(u16::MAX),
            log: Vec::new(),
            session: Session::default(),
        };
        m.resume();
        if !m.state.signoffs.is_empty() && matches!(m.mode, Mode::Browse) {
            m.mode = Mode::Rereview { selected: 0 };
        }
        m
    }

    /// What to do once the wizard is on screen: ask which env file, or
    /// start the detectors.
    pub fn start(&mut self) -> Vec<Effect> {
        if self.context.env_choice {
            if matches!(self.mode, Mode::Browse) {
                self.mode = Mode::EnvChoice;
            }
            return vec![];
        }
        self.running = Detector::ALL.iter().copied().collect();
        vec![Effect::RunDetectors]
    }

    /// The stored detection of an item.
    pub fn detection(&self, id: &str) -> Option<&Detection> {
        self.state.detections.get(id)
    }

    /// True while a detector that fills this item runs.
    pub fn detecting(&self, id: &str) -> bool {
        self.running.iter().any(|d| d.items().contains(&id))
    }

    /// Without a remembered place: the first unanswered item, else the
    /// first one marked not done (a "not done" early on must not pin the
    /// start to it while later sections wait for answers).
    pub(super) fn resume(&mut self) {
        let sections = &self.checklist.sections;
        let found = sections
            .iter()
            .enumerate()
            .find(|(_, s)| {
                s.items
                    .iter()
                    .any(|i| self.status(&i.id) == OperatorStatus::Open)
            })
            .or_else(|| {
                sections
                    .iter()
                    .enumerate()
                    .find(|(_, s)| s.items.iter().any(|i| !self.status(&i.id).is_settled()))
            });
        match found {
            Some((si, s)) => {
                self.section = si;
                self.item = self.first_open_in(s).unwrap_or(0);
            }
            None => {
                self.section = 0;
                self.item = 0;
                if self.message.is_none() && matches!(self.mode, Mode::Browse) {
                    self.info("Every item is settled. v shows the overview.");
                }
            }
        }
    }

    pub(super) fn first_open_in(&self, s: &Section) -> Option<usize> {
        s.items
            .iter()
            .position(|i| self.status(&i.id) == OperatorStatus::Open)
            .or_else(|| {
                s.items
                    .iter()
                    .position(|i| !self.status(&i.id).is_settled())
            })
    }

    /// The operator's status of an item.
    pub fn status(&self, id: &str) -> OperatorStatus {
        self.state.status(id)
    }

    /// The record of an item, if any was stored.
    pub fn record(&self, id: &str) -> Option<&ItemRecord> {
        self.state.items.get(id)
    }

    /// The section under the cursor.
    pub fn current_section(&self) -> &Section {
        &self.checklist.sections[self.section]
    }

    /// The item under the cursor.
    pub fn current_item(&self) -> &Item {
        &self.current_section().items[self.item]
    }

    /// Status counts of one section.
    pub fn tally(&self, section: &Section) -> Tally {
        let mut t = Tally::default();
        for i in &section.items {
            t.total += 1;
            match self.status(&i.id) {
                OperatorStatus::Open => t.open += 1,
                OperatorStatus::Done => t.done += 1,
                OperatorStatus::NotDone => t.not_done += 1,
                OperatorStatus::NotApplicable => t.na += 1,
                OperatorStatus::Waived => t.waived += 1,
            }
        }
        t
    }

    /// Status counts of the whole checklist.
    pub fn total_tally(&self) -> Tally {
        self.checklist
            .sections
            .iter()
            .map(|s| self.tally(s))
            .fold(Tally::default(), |a, b| Tally {
                done: a.done + b.done,
                not_done: a.not_done + b.not_done,
                na: a.na + b.na,
                waived: a.waived + b.waived,
                open: a.open + b.open,
                total: a.total + b.total,
            })
    }

    /// Critical items not yet done, n/a or waived, in checklist order.
    pub fn critical_unsettled(&self) -> Vec<&Item> {
        self.checklist
            .items()
            .filter(|i| i.severity == Severity::Critical && !self.status(&i.id).is_settled())
            .collect()
    }

    pub(super) fn operator(&self) -> String {
        self.state.operator.clone().unwrap_or_default()
    }

    pub(super) fn info(&mut self, text: impl Into<String>) {
        self.say(MessageKind::Info, text.into());
    }

    pub(super) fn error(&mut self, text: impl Into<String>) {
        self.say(MessageKind::Error, text.into());
    }

    /// Shows a message and keeps it, whole, in the log (`M`).
    fn say(&mut self, kind: MessageKind, text: String) {
        let m = Message {
            kind,
            text: crate::util::redact::redact(&text),
        };
        if self.log.len() >= LOG_KEPT {
            self.log.remove(0);
        }
        self.log.push(m.clone());
        self.message = Some(m);
    }
}
