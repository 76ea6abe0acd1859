//! `harden` walks an operator through a production security checklist in a
//! terminal wizard and keeps every answer in a TOML state file.
#![forbid(unsafe_code)]

pub mod app;
pub mod check;
pub mod checklist;
pub mod cli;
pub mod detect;
pub mod fuzzing;
pub mod generate;
pub mod report;
pub mod state;
pub mod tui;
pub mod ui;
pub mod util;
pub mod wizard;
