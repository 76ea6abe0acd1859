//! The wizard's logic: a [`Model`], the [`Action`]s that change it and one
//! pure [`update`] that returns the [`Effect`]s (save, quit) for the edge
//! to carry out. No IO happens here; time comes in as an argument.

pub mod keymap;

use std::sync::Arc;

use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use time::{Date, OffsetDateTime};
use tui_input::Input;
use tui_input::backend::crossterm::to_input_request;

use std::collections::BTreeSet;

use crate::checklist::{Checklist, Item, Section, Severity};
use crate::detect::{Detector, Outcome, Report};
use crate::state::{Detection, ItemRecord, OperatorStatus, State, Waiver};
use crate::util::dates::{format_date, parse_date};
use keymap::{Command, command_for};

/// Which pane has the keyboard on the main screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Sections,
    Items,
}

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

/// What occupies the screen.
#[derive(Debug, Clone)]
pub enum Mode {
    Browse,
    Overview {
        selected: usize,
    },
    Help {
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
        scroll: u16,
    },
    /// The generated files with their diffs, before writing.
    Generate(GenerateView),
}

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

/// The answers form.
#[derive(Debug, Clone)]
pub struct AnswersForm {
    pub base: crate::answers::Answers,
    pub fields: Vec<(String, String)>,
    pub selected: usize,
    pub editing: Option<Input>,
    pub error: Option<String>,
}

/// One generated file as the wizard shows it (secrets masked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedFile {
    pub path: String,
    pub change: crate::generate::Change,
    pub diff: String,
    pub secret: bool,
}

/// The plan of generated files.
#[derive(Debug, Clone)]
pub struct GenerateView {
    pub out: String,
    pub files: Vec<PlannedFile>,
    pub selected: usize,
    pub scroll: u16,
    pub confirm: bool,
}

/// What writing the generated files did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    pub out: String,
    pub written: Vec<String>,
    pub unchanged: Vec<String>,
    pub backups: Vec<String>,
    /// The env detectors on the generated env file: (pass, fail).
    pub env_check: (usize, usize),
}

/// Why the note editor is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotePurpose {
    Edit,
    /// Setting `status` against a detected `outcome`: a note must say why.
    Override {
        status: OperatorStatus,
        outcome: Outcome,
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

/// A signal that ends the wizard after saving.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    Hangup,
    Terminate,
}

impl Signal {
    /// The conventional exit, 128 + the signal number.
    pub fn exit(self) -> crate::util::exit::Exit {
        crate::util::exit::Exit::Signal(match self {
            Signal::Hangup => 1,
            Signal::Terminate => 15,
        })
    }
}

/// Everything that can happen to the wizard.
#[derive(Debug, Clone)]
pub enum Action {
    Key(KeyEvent),
    Paste(String),
    Resize,
    Signal(Signal),
    /// The edge saved the state.
    Saved,
    /// The edge could not save; the text says why.
    SaveFailed(String),
    /// A detector finished.
    Detected(Report),
    /// Answers drafted from the project, to review.
    AnswersDraft(Box<crate::answers::Answers>),
    /// The plan of generated files, or why there is none.
    Planned(Result<GenerateView, String>),
    /// The generated files were written, or why not.
    Generated(Result<Generated, String>),
    /// Time passed while detectors run (moves the spinner).
    Tick,
}

/// How the wizard ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    Normal,
    Signal(Signal),
}

/// Work for the edge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Write `model.state` to the state file.
    Save,
    Quit(Ending),
    /// (Re)start every detector on `model.state.env_file`.
    RunDetectors,
    /// Draft answers from the env file (delivered as `AnswersDraft`).
    DraftAnswers,
    /// Render and plan the files for `model.state.answers`.
    PlanGenerate,
    /// Write the planned files.
    WriteGenerated,
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
    /// Detectors still running.
    pub running: BTreeSet<Detector>,
    /// Frames of the running spinner.
    pub spinner: usize,
    /// Today, as the last action saw it (for waiver expiry and re-reviews).
    pub today: Date,
}

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
}

impl Model {
    /// A model positioned where the operator left off: the first open item
    /// of the first unfinished section.
    pub fn new(
        checklist: Arc<Checklist>,
        state: State,
        context: Context,
        default_operator: &str,
    ) -> Self {
        let (mode, message) = if state.operator.is_none() {
            // A new state: the name prompt comes first, a notice goes below.
            let message = (!context.notices.is_empty()).then(|| Message {
                kind: MessageKind::Info,
                text: context.notices.join(" "),
            });
            let input = Input::new(default_operator.to_string());
            (Mode::Operator { input, error: None }, message)
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
            running: BTreeSet::new(),
            spinner: 0,
            today: OffsetDateTime::now_utc().date(),
        };
        m.resume();
        if !m.state.signoffs.is_empty() && matches!(m.mode, Mode::Browse) {
            m.mode = Mode::Rereview { scroll: 0 };
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

    fn resume(&mut self) {
        let found = self
            .checklist
            .sections
            .iter()
            .enumerate()
            .find(|(_, s)| s.items.iter().any(|i| !self.status(&i.id).is_settled()));
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

    fn first_open_in(&self, s: &Section) -> Option<usize> {
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

    fn operator(&self) -> String {
        self.state.operator.clone().unwrap_or_default()
    }

    fn info(&mut self, text: impl Into<String>) {
        self.message = Some(Message {
            kind: MessageKind::Info,
            text: crate::util::redact::redact(&text.into()),
        });
    }

    fn error(&mut self, text: impl Into<String>) {
        self.message = Some(Message {
            kind: MessageKind::Error,
            text: crate::util::redact::redact(&text.into()),
        });
    }
}

/// Applies one action. Pure: the returned effects are the only way out.
pub fn update(model: &mut Model, action: Action, now: OffsetDateTime) -> Vec<Effect> {
    model.today = now.date();
    match action {
        Action::Key(key) if key.kind == KeyEventKind::Release => vec![],
        Action::Key(key) => on_key(model, key, now),
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
        Action::AnswersDraft(a) => {
            open_answers(model, *a);
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
        Action::Generated(Ok(g)) => {
            for p in g.written.iter().chain(&g.unchanged) {
                for id in crate::generate::addressed(p) {
                    model
                        .state
                        .generated
                        .insert((*id).to_string(), format!("{}/{p}", g.out));
                }
            }
            model.mode = Mode::Browse;
            let (pass, fail) = g.env_check;
            let backups = if g.backups.is_empty() {
                String::new()
            } else {
                format!(", {} backed up", g.backups.len())
            };
            model.info(format!(
                "Wrote {} files; its .env.production: {pass} env items pass, {fail} fail; in {}{backups}.",
                g.written.len(),
                g.out
            ));
            vec![Effect::Save]
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
    let ctrl_c = key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL);
    match std::mem::replace(&mut model.mode, Mode::Browse) {
        Mode::Browse => browse_key(model, key, now),
        Mode::Notice(_) if ctrl_c => quit(model),
        Mode::Notice(_) => {
            if model.context.env_choice {
                model.mode = Mode::EnvChoice;
            }
            vec![]
        }
        Mode::EnvChoice => {
            let choice = match key.code {
                KeyCode::Char('p') | KeyCode::Char('P') => Some(".env.production"),
                KeyCode::Char('e') | KeyCode::Char('E') => Some(".env"),
                _ if ctrl_c => return quit(model),
                _ => None,
            };
            match choice {
                Some(f) => {
                    model.state.env_file = Some(f.to_string());
                    model.context.env_choice = false;
                    model.info(format!(
                        "Judging {f}; the choice is kept in the state file."
                    ));
                    let mut effects = vec![Effect::Save];
                    effects.extend(model.start());
                    effects
                }
                None => {
                    model.mode = Mode::EnvChoice;
                    vec![]
                }
            }
        }
        Mode::Overview { selected } => overview_key(model, key, selected),
        mode @ (Mode::Help { .. } | Mode::Item { .. }) => {
            let (scroll, rebuild): (u16, fn(u16) -> Mode) = match mode {
                Mode::Help { scroll } => (scroll, |s| Mode::Help { scroll: s }),
                Mode::Item { scroll } => (scroll, |s| Mode::Item { scroll: s }),
                _ => (0, |s| Mode::Help { scroll: s }),
            };
            match command_for(&key) {
                Some(Command::Up) => model.mode = rebuild(scroll.saturating_sub(1)),
                Some(Command::Down) => model.mode = rebuild(scroll.saturating_add(1)),
                Some(Command::PageUp) => model.mode = rebuild(scroll.saturating_sub(10)),
                Some(Command::PageDown) => model.mode = rebuild(scroll.saturating_add(10)),
                Some(Command::Quit) if ctrl_c => return quit(model),
                _ => {}
            }
            vec![]
        }
        Mode::Note { mut input, purpose } => match key.code {
            _ if ctrl_c => {
                model.mode = Mode::Note { input, purpose };
                quit(model)
            }
            KeyCode::Esc => {
                model.info(match purpose {
                    NotePurpose::Edit => "Note not changed.",
                    NotePurpose::Override { .. } => "Override cancelled; nothing changed.",
                });
                vec![]
            }
            KeyCode::Enter => {
                let text = crate::util::redact::escape_controls(input.value().trim());
                if let Err(why) = crate::util::redact::refuse_secret("note", &text) {
                    model.error(why);
                    model.mode = Mode::Note { input, purpose };
                    return vec![];
                }
                match purpose {
                    NotePurpose::Override { status, outcome } => {
                        if text.is_empty() {
                            model.error(
                                "An override needs a note saying why the detection is wrong.",
                            );
                            model.mode = Mode::Note { input, purpose };
                            return vec![];
                        }
                        let id = model.current_item().id.clone();
                        let rec = model.state.items.entry(id).or_default();
                        // The reason joins any earlier note; nothing is lost.
                        rec.note = Some(match rec.note.take() {
                            Some(old) if !old.is_empty() => format!("{old} | {text}"),
                            _ => text,
                        });
                        apply_status(model, status, None, Some(outcome), now)
                    }
                    NotePurpose::Edit => {
                        let operator = model.operator();
                        let id = model.current_item().id.clone();
                        let rec = model.state.items.entry(id.clone()).or_default();
                        rec.note = (!text.is_empty()).then_some(text);
                        rec.by = Some(operator);
                        rec.at = Some(now);
                        if rec.is_blank() {
                            model.state.items.remove(&id);
                        }
                        model.info(format!("Note saved for {id}."));
                        vec![Effect::Save]
                    }
                }
            }
            _ => {
                if let Some(req) = to_input_request(&Event::Key(key)) {
                    input.handle(req);
                }
                model.mode = Mode::Note { input, purpose };
                vec![]
            }
        },
        Mode::Waiver(form) => waiver_key(model, key, form, now),
        Mode::Answers(form) => answers_key(model, key, *form),
        Mode::SignOff(form) => signoff_key(model, key, *form, now),
        Mode::Rereview { scroll } => {
            match command_for(&key) {
                Some(Command::Up) => {
                    model.mode = Mode::Rereview {
                        scroll: scroll.saturating_sub(1),
                    }
                }
                Some(Command::Down) => {
                    model.mode = Mode::Rereview {
                        scroll: scroll.saturating_add(1),
                    }
                }
                Some(Command::Quit) if ctrl_c => return quit(model),
                _ => {
                    model.info("R shows what changed since the sign-off again; S signs off again.")
                }
            }
            vec![]
        }
        Mode::Generate(view) => generate_key(model, key, view),
        Mode::Urls { mut input, .. } => match key.code {
            _ if ctrl_c => quit(model),
            KeyCode::Esc => {
                model.info("URLs not changed.");
                vec![]
            }
            KeyCode::Enter => match parse_urls(input.value()) {
                Ok(urls) => {
                    let n = urls.len();
                    model.state.urls = urls;
                    model.running = Detector::ALL.iter().copied().collect();
                    model.info(format!("{n} production URLs; probing again…"));
                    vec![Effect::Save, Effect::RunDetectors]
                }
                Err(e) => {
                    model.mode = Mode::Urls {
                        input,
                        error: Some(e),
                    };
                    vec![]
                }
            },
            _ => {
                if let Some(req) = to_input_request(&Event::Key(key)) {
                    input.handle(req);
                }
                model.mode = Mode::Urls { input, error: None };
                vec![]
            }
        },
        Mode::Operator { mut input, .. } => match key.code {
            KeyCode::Enter => {
                let name = crate::util::redact::escape_controls(input.value().trim());
                if name.is_empty() {
                    model.mode = Mode::Operator {
                        input,
                        error: Some("A name is needed: it is recorded with every answer.".into()),
                    };
                    return vec![];
                }
                if let Err(why) = crate::util::redact::refuse_secret("name", &name) {
                    model.mode = Mode::Operator {
                        input,
                        error: Some(why),
                    };
                    return vec![];
                }
                model.state.operator = Some(name.clone());
                model.info(format!("Answers are recorded as {name}. ? shows the keys."));
                vec![Effect::Save]
            }
            _ if ctrl_c => {
                model.mode = Mode::Operator { input, error: None };
                quit(model)
            }
            _ => {
                if let Some(req) = to_input_request(&Event::Key(key)) {
                    input.handle(req);
                }
                model.mode = Mode::Operator { input, error: None };
                vec![]
            }
        },
    }
}

fn quit(model: &mut Model) -> Vec<Effect> {
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

fn browse_key(model: &mut Model, key: KeyEvent, now: OffsetDateTime) -> Vec<Effect> {
    let Some(cmd) = command_for(&key) else {
        return vec![];
    };
    let sections = model.checklist.sections.len();
    let items = model.current_section().items.len();
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
        Command::MarkDone => return set_status(model, OperatorStatus::Done, None, now),
        Command::MarkNotDone => return set_status(model, OperatorStatus::NotDone, None, now),
        Command::MarkNotApplicable => {
            return set_status(model, OperatorStatus::NotApplicable, None, now);
        }
        Command::Reopen => return set_status(model, OperatorStatus::Open, None, now),
        Command::Waive => {
            model.focus = Focus::Items;
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
        Command::EditNote => {
            model.focus = Focus::Items;
            let note = model
                .record(&model.current_item().id)
                .and_then(|r| r.note.clone())
                .unwrap_or_default();
            model.mode = Mode::Note {
                input: Input::new(note),
                purpose: NotePurpose::Edit,
            };
        }
        Command::NextOpen => next_open(model),
        Command::Accept => return accept(model, now),
        Command::SignOff => {
            let blockers =
                crate::review::signoff::blockers(&model.checklist, &model.state, now.date());
            if !blockers.is_empty() {
                let shown: Vec<&str> = blockers.iter().take(4).map(String::as_str).collect();
                model.error(format!(
                    "Sign-off refused: {} critical items are open or failing: {}{} (v lists them)",
                    blockers.len(),
                    shown.join(", "),
                    if blockers.len() > 4 { ", …" } else { "" }
                ));
                return vec![];
            }
            let today = format_date(now.date());
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
        Command::Rereview => model.mode = Mode::Rereview { scroll: 0 },
        Command::Generate => {
            return match model.state.answers.clone() {
                Some(a) => {
                    open_answers(model, a);
                    vec![]
                }
                None => vec![Effect::DraftAnswers],
            };
        }
        Command::Urls => {
            model.mode = Mode::Urls {
                input: Input::new(model.state.urls.join(", ")),
                error: None,
            }
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
        Command::Overview => {
            model.mode = Mode::Overview {
                selected: model.section,
            }
        }
        Command::Help => model.mode = Mode::Help { scroll: 0 },
        Command::Quit => return quit(model),
    }
    vec![]
}

fn step(pos: usize, len: usize, cmd: Command) -> usize {
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

fn select_section(model: &mut Model, index: usize) {
    model.section = index;
    let s = &model.checklist.sections[index];
    model.item = model.first_open_in(s).unwrap_or(0);
}

fn set_status(
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
fn apply_status(
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
fn accept(model: &mut Model, now: OffsetDateTime) -> Vec<Effect> {
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
            model
                .state
                .detections
                .insert(f.item.clone(), Detection::of(f, now));
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
        let mut counts = [0usize; 5];
        for d in model.state.detections.values() {
            counts[d.outcome as usize] += 1;
        }
        model.info(format!(
            "Detection done: {} pass, {} warn, {} fail, {} unknown, {} skipped. y accepts a result.",
            counts[0], counts[1], counts[2], counts[3], counts[4]
        ));
    }
    vec![Effect::Save]
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

fn overview_key(model: &mut Model, key: KeyEvent, selected: usize) -> Vec<Effect> {
    let len = model.checklist.sections.len();
    match command_for(&key) {
        Some(
            cmd @ (Command::Up
            | Command::Down
            | Command::PageUp
            | Command::PageDown
            | Command::Top
            | Command::Bottom),
        ) => {
            model.mode = Mode::Overview {
                selected: step(selected, len, cmd),
            }
        }
        Some(Command::Open) => {
            select_section(model, selected);
            model.focus = Focus::Items;
        }
        Some(Command::Quit) => {
            model.mode = Mode::Overview { selected };
            return quit(model);
        }
        Some(Command::Back | Command::Overview) => {}
        Some(Command::Help) => model.mode = Mode::Help { scroll: 0 },
        _ => model.mode = Mode::Overview { selected },
    }
    vec![]
}

fn waiver_key(
    model: &mut Model,
    key: KeyEvent,
    mut form: WaiverForm,
    now: OffsetDateTime,
) -> Vec<Effect> {
    if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
        model.mode = Mode::Waiver(form);
        return quit(model);
    }
    match key.code {
        KeyCode::Esc => {
            model.info("Waiver cancelled.");
            vec![]
        }
        KeyCode::Tab | KeyCode::BackTab | KeyCode::Up | KeyCode::Down => {
            form.field = match form.field {
                WaiverField::Reason => WaiverField::Expires,
                WaiverField::Expires => WaiverField::Reason,
            };
            model.mode = Mode::Waiver(form);
            vec![]
        }
        KeyCode::Enter => match validate_waiver(&form, &model.operator(), now.date()) {
            Ok(w) => set_status(model, OperatorStatus::Waived, Some(w), now),
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
        .map_err(|why| (WaiverField::Reason, why))?;
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

fn paste(model: &mut Model, text: &str) {
    let clean: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let input = match &mut model.mode {
        Mode::Note { input, .. } | Mode::Operator { input, .. } | Mode::Urls { input, .. } => input,
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

fn signoff_key(
    model: &mut Model,
    key: KeyEvent,
    mut form: SignOffForm,
    now: OffsetDateTime,
) -> Vec<Effect> {
    if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
        model.mode = Mode::SignOff(Box::new(form));
        return quit(model);
    }
    match key.code {
        KeyCode::Esc => {
            model.info("Not signed off.");
            return vec![];
        }
        KeyCode::Tab | KeyCode::Down => form.field = (form.field + 1) % 4,
        KeyCode::BackTab | KeyCode::Up => form.field = (form.field + 3) % 4,
        KeyCode::Enter => {
            let v = |i: usize| crate::util::redact::escape_controls(form.inputs[i].value().trim());
            if let Some(why) = [0, 2]
                .iter()
                .find_map(|&i| crate::util::redact::refuse_secret("name", &v(i)).err())
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
                        Err(e) => form.error = Some(e),
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

fn open_answers(model: &mut Model, a: crate::answers::Answers) {
    model.mode = Mode::Answers(Box::new(AnswersForm {
        fields: crate::answers::fields(&a),
        base: a,
        selected: 0,
        editing: None,
        error: None,
    }));
}

fn answers_key(model: &mut Model, key: KeyEvent, mut form: AnswersForm) -> Vec<Effect> {
    if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
        model.mode = Mode::Answers(Box::new(form));
        return quit(model);
    }
    if let Some(mut input) = form.editing.take() {
        match key.code {
            KeyCode::Enter => {
                if let Some(f) = form.fields.get_mut(form.selected) {
                    f.1 = input.value().to_string();
                }
                form.error = None;
            }
            KeyCode::Esc => {}
            _ => {
                if let Some(req) = to_input_request(&Event::Key(key)) {
                    input.handle(req);
                }
                form.editing = Some(input);
            }
        }
        model.mode = Mode::Answers(Box::new(form));
        return vec![];
    }
    let last = form.fields.len().saturating_sub(1);
    match key.code {
        KeyCode::Esc => {
            model.info("Answers not saved.");
            return vec![];
        }
        KeyCode::Up | KeyCode::Char('k') => form.selected = form.selected.saturating_sub(1),
        KeyCode::Down | KeyCode::Char('j') => form.selected = (form.selected + 1).min(last),
        KeyCode::PageUp => form.selected = form.selected.saturating_sub(10),
        KeyCode::PageDown => form.selected = (form.selected + 10).min(last),
        KeyCode::Enter => {
            let value = form
                .fields
                .get(form.selected)
                .map(|f| f.1.clone())
                .unwrap_or_default();
            form.editing = Some(Input::new(value));
        }
        KeyCode::Char('g') => match crate::answers::from_fields(&form.base, &form.fields) {
            Ok(a) => {
                model.state.answers = Some(a);
                model.info("Answers saved; rendering the files…");
                return vec![Effect::Save, Effect::PlanGenerate];
            }
            Err(e) => form.error = Some(e),
        },
        _ => {}
    }
    model.mode = Mode::Answers(Box::new(form));
    vec![]
}

fn generate_key(model: &mut Model, key: KeyEvent, mut view: GenerateView) -> Vec<Effect> {
    if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
        model.mode = Mode::Generate(view);
        return quit(model);
    }
    let to_write = view
        .files
        .iter()
        .filter(|f| f.change != crate::generate::Change::Unchanged)
        .count();
    if view.confirm {
        match key.code {
            KeyCode::Char('y') => {
                model.mode = Mode::Generate(view);
                return vec![Effect::WriteGenerated];
            }
            _ => view.confirm = false,
        }
        model.mode = Mode::Generate(view);
        return vec![];
    }
    let last = view.files.len().saturating_sub(1);
    match key.code {
        KeyCode::Esc | KeyCode::Char('q') => {
            model.info("Nothing written.");
            return vec![];
        }
        KeyCode::Up | KeyCode::Char('k') => {
            view.selected = view.selected.saturating_sub(1);
            view.scroll = 0;
        }
        KeyCode::Down | KeyCode::Char('j') => {
            view.selected = (view.selected + 1).min(last);
            view.scroll = 0;
        }
        KeyCode::PageDown | KeyCode::Char(' ') => view.scroll = view.scroll.saturating_add(10),
        KeyCode::PageUp => view.scroll = view.scroll.saturating_sub(10),
        KeyCode::Char('a') => {
            if let Some(a) = model.state.answers.clone() {
                open_answers(model, a);
                return vec![];
            }
        }
        KeyCode::Char('w') if to_write > 0 => {
            view.confirm = true;
            model.info(format!(
                "Write {to_write} files to {}? Existing ones are backed up first. y writes, any other key cancels.",
                view.out
            ));
        }
        KeyCode::Char('w') => model.info("Every file is already up to date."),
        _ => {}
    }
    model.mode = Mode::Generate(view);
    vec![]
}

/// Parses a comma- or space-separated list of https URLs.
///
/// # Errors
/// Names the first entry that is not an https URL with a host.
pub fn parse_urls(text: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for part in text
        .split([',', ' '])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        if let Err(why) = crate::detect::probe::check_url(part) {
            return Err(why.replacen("--url ", "", 1));
        }
        match url::Url::parse(part) {
            Ok(u) => out.push(u.to_string().trim_end_matches('/').to_string()),
            Err(e) => return Err(format!("{}: {e}", crate::util::redact::redact(part))),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
