//! `harden diff OLD NEW`: what changed between two state files, as a
//! re-review shows it; exit 1 on a regression.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use super::{finish, load_checklist, prime_secrets};
use crate::cmd::cli::Inputs;
use crate::review::signoff;
use crate::state::store;
use crate::util::exit::Exit;
use crate::util::redact::redact;

/// Runs `diff OLD NEW`: 1 on a regression, 2 on bad input, else 0.
pub fn run(inputs: &Inputs, old: &Path, new: &Path) -> ExitCode {
    let run = || -> Result<Exit, String> {
        let checklist = load_checklist(inputs)?;
        let load = |p: &Path| {
            store::load(p)
                .map_err(|e| format!("{e}\n{}", e.hint()))?
                .ok_or_else(|| format!("no state file at {}", p.display()))
        };
        let (a, b) = (load(old)?, load(new)?);
        prime_secrets(inputs, b.env_file.as_deref());
        prime_secrets(inputs, a.env_file.as_deref());
        let today = time::OffsetDateTime::now_utc().date();
        let base = signoff::snapshot(&checklist, &a, today);
        let ch = signoff::changes(&checklist, &base, &b, today);
        let rows = signoff::describe_rows(&ch);
        let mut o = std::io::stdout().lock();
        let _ = writeln!(o, "{} → {}", old.display(), new.display());
        // The count of unanswered items is a fact about the newer state,
        // not a change between the two.
        if rows.iter().all(|r| r.kind == "OPEN") {
            let _ = writeln!(o, "no change");
        }
        let lines = rows.into_iter().map(|r| r.text);
        for l in lines {
            let _ = writeln!(o, "{}", redact(&l));
        }
        Ok(if ch.regression() {
            Exit::Failing
        } else {
            Exit::Ok
        })
    };
    finish("diff", run())
}
