//! `harden report`: the checklist document with every answer (Markdown,
//! HTML) or the state as JSON, from the state file alone.

use std::path::Path;
use std::process::ExitCode;

use super::{finish, load_checklist, own_inputs, prime_secrets, write_report};
use crate::cmd::cli::{Inputs, ReportArgs, ReportFormat, resolve_env_file};
use crate::report;
use crate::state::store;
use crate::util::exit::Exit;
use crate::util::fsio;

/// Runs `report`; returns the exit code.
pub fn run(inputs: &Inputs, args: &ReportArgs) -> ExitCode {
    let run = || -> Result<Exit, String> {
        let checklist = load_checklist(inputs)?;
        let path = inputs.state_path();
        let state = store::load(&path)
            .map_err(|e| format!("{e}\n{}", e.hint()))?
            .ok_or_else(|| {
                format!(
                    "no state file at {}: the wizard writes one as you answer",
                    path.display()
                )
            })?;
        prime_secrets(inputs, state.env_file.as_deref());
        if let Some(p) = &args.output {
            fsio::sink(p)?;
            let (env, _) = resolve_env_file(
                &inputs.project,
                inputs.env_file.as_deref(),
                state.env_file.as_deref(),
            );
            let own = own_inputs(inputs, &env, None);
            let own: Vec<(&str, &Path)> = own.iter().map(|(w, p)| (*w, p.as_path())).collect();
            fsio::refuse_inputs(p, &own)?;
        }
        let body = match args.format {
            ReportFormat::Markdown => report::document::markdown(&checklist, &state),
            ReportFormat::Html => report::document::html(&checklist, &state),
            ReportFormat::Json => {
                let mut s = serde_json::to_string_pretty(&state).map_err(|e| e.to_string())?;
                s.push('\n');
                s
            }
        };
        write_report(args.output.as_deref(), &body)?;
        Ok(Exit::Ok)
    };
    finish("report", run())
}
