//! The commands: each ties the layers below into one run (clap parsed the
//! command line, in [`cli`]); `main.rs` dispatches to them. What more than
//! one command needs (the checklist, the detector inputs, the secrets
//! primed, a report written, an error turned into an exit code) is here,
//! once.

pub mod check;
pub mod cli;
pub mod diff;
pub mod fleet;
pub mod generate;
pub mod report;
pub mod rules;
pub mod terminal;
pub mod wizard;

use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use crate::checklist::{self, Checklist};
use crate::cmd::cli::{Inputs, resolve_env_file};
use crate::detect;
use crate::state::store;
use crate::util::exit::Exit;
use crate::util::fsio;
use crate::util::redact::redact;

/// The checklist of this run: `--checklist FILE`, else the embedded one.
///
/// # Errors
/// The checklist error, with file, line and column.
pub fn load_checklist(inputs: &Inputs) -> Result<Checklist, String> {
    match &inputs.checklist {
        Some(p) => checklist::load_file(p),
        None => checklist::load_embedded(),
    }
    .map_err(|e| e.to_string())
}

/// A command's result as its exit code; an error is printed, masked,
/// and ends with exit 2.
pub fn finish(command: &str, result: Result<Exit, String>) -> ExitCode {
    match result {
        Ok(exit) => exit.into(),
        Err(msg) => {
            eprintln!("harden {command}: {}", redact(&msg));
            Exit::Error.into()
        }
    }
}

/// The `[settings]` table of the project's `.harden/config.toml`.
///
/// # Errors
/// The file's problem, with its line.
pub fn settings_map(inputs: &Inputs) -> Result<crate::detect::config::SettingsMap, String> {
    crate::detect::config::load(&inputs.project, &detect::env::concepts())
        .map_err(|e| e.to_string())
}

/// The detector inputs for a project, as `check` and the wizard build them
/// (the config's mapping is set by the caller, which reports its errors).
pub fn detector_inputs(inputs: &Inputs, env_file: &Path) -> detect::Inputs {
    let mut d = detect::Inputs::new(&inputs.project);
    d.env_file = env_file.to_path_buf();
    d.offline = inputs.offline;
    d.pip_audit_json = inputs.pip_audit_json.clone();
    d.deadline = Duration::from_secs(inputs.timeout.max(10));
    d.probe_deadline = Duration::from_secs(inputs.timeout.max(1));
    d.pip_audit_deadline = Duration::from_secs(inputs.pip_audit_timeout.max(1));
    d.urls = inputs.urls.clone();
    d.connect_to = inputs.connect_to.clone();
    d.ca_file = inputs.ca_file.clone();
    d.login_path = inputs.login_path.clone();
    d.protected_path = inputs.protected_path.clone();
    d
}

/// Hands the project's env file secrets to the masking path, so that a
/// state note or waiver holding one (edited by hand, or from an older
/// harden) is masked in `report` and `diff` too.
pub fn prime_secrets(inputs: &Inputs, recorded: Option<&str>) {
    let (env, _) = resolve_env_file(&inputs.project, inputs.env_file.as_deref(), recorded);
    for f in std::iter::once(env).chain(inputs.env_candidates()) {
        if fsio::check_input("the env file", &f, fsio::ENV_CAP).is_ok() {
            let _ = crate::detect::envfile::read(&f);
        }
    }
}

/// harden's own inputs for this run, which no `--output` may name.
pub fn own_inputs(
    inputs: &Inputs,
    env_file: &Path,
    waivers: Option<&Path>,
) -> Vec<(&'static str, std::path::PathBuf)> {
    let state = inputs.state_path();
    let mut v = vec![
        ("the env file", env_file.to_path_buf()),
        ("an env file", inputs.project.join(".env")),
        ("an env file", inputs.project.join(".env.production")),
        ("the state file", state.clone()),
        ("the state's backup", store::backup_path(&state)),
        ("the state's lock", crate::state::lock::lock_path(&state)),
    ];
    if let Some(c) = &inputs.checklist {
        v.push(("the checklist", c.clone()));
    }
    if let Some(w) = waivers {
        v.push(("the waivers file", w.to_path_buf()));
    }
    if let Some(j) = &inputs.pip_audit_json {
        v.push(("the pip-audit report", j.clone()));
    }
    v
}

/// Writes a report, masked by the one masking path: to stdout (`None`,
/// `-`, `/dev/stdout`), a device or FIFO in place, or a file through a
/// temp file and a rename.
pub fn write_report(path: Option<&Path>, body: &str) -> Result<(), String> {
    // A JSON report (every format's JSON starts so; no other format does)
    // gets its invisible characters as JSON escapes first, so the masking
    // path's own escapes cannot make it invalid JSON.
    let json = body.trim_start().starts_with(['{', '[']);
    let body = if json {
        redact(&crate::util::redact::json_escape_invisible(body))
    } else {
        redact(body)
    };
    fsio::write_output(path.unwrap_or(Path::new("-")), body.as_bytes()).map_err(String::from)
}
