//! `harden fleet`: many hosts' `check` reports, and their state files, as
//! one fleet (issue 18). Exit codes as `check`: 1 when a host fails at the
//! threshold, a secret drifted or an item regressed; 3 when nothing fails
//! but something could not be judged; 2 on bad input.

use std::path::Path;
use std::process::ExitCode;

use super::{finish, write_report};
use crate::cmd::cli::{FailOn, FleetArgs, FleetFormat, pair_outputs};
use crate::fleet::{self, render};
use crate::util::exit::Exit;
use crate::util::fsio;

/// Runs `fleet`; returns the exit code.
pub fn run(args: &FleetArgs) -> ExitCode {
    let run = || -> Result<Exit, String> {
        let pairs = pair_outputs(&args.format, FleetFormat::Text, &args.output)?;
        for p in pairs.iter().filter_map(|(_, o)| o.as_ref()) {
            fsio::sink(p)?;
        }
        let f = fleet::load(&args.paths, args.since.as_deref()).map_err(|e| e.to_string())?;
        // No destination may be a file read: a host's report or state
        // file, or one of the earlier run's reports. Checked before any
        // output is written.
        let inputs: Vec<(&str, &Path)> = f
            .inputs
            .iter()
            .map(|p| ("an input of this run", p.as_path()))
            .collect();
        for p in pairs.iter().filter_map(|(_, o)| o.as_ref()) {
            fsio::refuse_inputs(p, &inputs)?;
        }
        for n in &f.notices {
            eprintln!("harden fleet: {}", crate::util::redact::redact(n));
        }
        let threshold = match args.fail_on {
            FailOn::Critical => "critical",
            FailOn::Important => "important",
            FailOn::Any => "any",
        };
        for (format, out) in pairs {
            let body = match format {
                FleetFormat::Text => render::text(&f),
                FleetFormat::Markdown => render::markdown(&f),
                FleetFormat::Html => render::html(&f),
                FleetFormat::Json => {
                    let mut s = serde_json::to_string_pretty(&render::json(&f, threshold))
                        .map_err(|e| e.to_string())?;
                    s.push('\n');
                    s
                }
            };
            write_report(out.as_deref(), &body)?;
        }
        Ok(f.exit(threshold))
    };
    finish("fleet", run())
}
