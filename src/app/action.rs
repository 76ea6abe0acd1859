//! What can happen to the wizard ([`Action`]) and what it asks the edge
//! to do ([`Effect`]).

use ratatui::crossterm::event::KeyEvent;

use super::generate::{GenerateView, Generated};
use crate::detect::Report;

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
    /// The settings mapping, computed by the edge.
    Mapping(Vec<crate::detect::env::MapRow>),
    /// A correction was written to `.harden/config.toml`, or why not.
    MappingSaved(Result<String, String>),
    /// Something the operator must read, that changes nothing (a broken
    /// `.harden/config.toml` at a re-run).
    Problem(String),
    /// Answers drafted from the project, to review.
    AnswersDraft(Box<(crate::answers::Answers, crate::answers::origin::Sources)>),
    /// The plan of generated files, or why there is none.
    Planned(Result<GenerateView, String>),
    /// The generated files were written, or why not.
    Generated(Result<Generated, String>),
    /// Time passed while detectors run (moves the spinner).
    Tick,
    /// The requests active verification would send (one line each), or
    /// why it cannot run.
    ActivePlan(Result<Vec<String>, String>),
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
    /// List the requests of active verification (delivered as `ActivePlan`).
    PlanActive,
    /// Send them: the operator confirmed the list.
    RunActive,
    /// Draft answers from the env file (delivered as `AnswersDraft`).
    DraftAnswers,
    /// Render and plan the files for `model.state.answers`.
    PlanGenerate,
    /// Write the planned files.
    WriteGenerated,
    /// Compute the settings mapping (delivered as `Mapping`).
    LoadMapping,
    /// Write one correction to `.harden/config.toml` (`None` drops it),
    /// then detect again.
    SetMapping {
        key: String,
        setting: Option<String>,
    },
}
