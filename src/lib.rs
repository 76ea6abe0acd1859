//! `harden` walks an operator through a production security checklist in a
//! terminal wizard and keeps every answer in a TOML state file.
//!
//! The modules are layers, bottom to top: `util`, `checklist`, `detect`,
//! `answers`, `state`, `review`, `generate` and `report`, `app`, `ui`,
//! `cmd` (and `fuzzing`, the fuzz targets' entry points). Each imports
//! only from the layers below it; `tests/layers.rs` fails on an upward
//! import. ARCHITECTURE.md has the picture.
#![forbid(unsafe_code)]

pub mod answers;
pub mod app;
pub mod checklist;
pub mod cmd;
pub mod detect;
pub mod fleet;
pub mod fuzzing;
pub mod generate;
pub mod report;
pub mod review;
pub mod state;
pub mod ui;
pub mod util;
pub mod version;
