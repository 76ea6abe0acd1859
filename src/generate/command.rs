//! `harden generate`: render, show the plan and the diffs, and write only
//! with `--yes`. Then close the loop: the env detectors judge the generated
//! `.env.production`.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

/// Prints a line; a closed stdout (`| head`) is not an error worth a panic.
macro_rules! say {
    ($($t:tt)*) => {{
        let _ = writeln!(std::io::stdout(), $($t)*);
    }};
}

use super::{Change, ENV_FILE, Secrets, answers, plan, render, write};
use crate::cli::GenerateArgs;
use crate::detect::code::CodeIndex;
use crate::detect::{Outcome, env, envfile};

/// Runs `generate`; returns the exit code.
pub fn run(args: &GenerateArgs) -> ExitCode {
    match run_inner(args) {
        Ok(code) => ExitCode::from(code),
        Err(msg) => {
            eprintln!("harden generate: {msg}");
            ExitCode::from(2)
        }
    }
}

fn run_inner(args: &GenerateArgs) -> Result<u8, String> {
    let a = answers::load(&args.answers).map_err(|e| e.to_string())?;
    let out = &args.out;
    if std::fs::symlink_metadata(out).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(format!(
            "{} is a symbolic link; harden does not write through links",
            out.display()
        ));
    }
    let (secrets, kept) = if args.rotate_secrets {
        (Secrets::generate(), false)
    } else {
        Secrets::kept_or_new(out)
    };
    let now = time::OffsetDateTime::now_utc();
    let date = crate::app::format_date(now.date());
    let files = render(&a, &secrets, &date)?;
    let planned = plan(out, &files, &secrets)?;
    let count = |c: Change| planned.iter().filter(|p| p.change == c).count();
    say!(
        "{} into {}: {} new, {} changed, {} unchanged; secrets {}.",
        files.len(),
        out.display(),
        count(Change::New),
        count(Change::Changed),
        count(Change::Unchanged),
        if args.rotate_secrets {
            "rotated"
        } else if kept {
            "kept from the existing .env.production"
        } else {
            "generated"
        }
    );
    for (f, p) in files.iter().zip(&planned) {
        let word = match p.change {
            Change::New => "new",
            Change::Changed => "changed",
            Change::Unchanged => "unchanged",
        };
        say!(
            "  {word:<9} {}{}",
            f.path,
            if f.secret {
                "  (0600, holds secrets)"
            } else {
                ""
            }
        );
    }
    let to_write = planned
        .iter()
        .filter(|p| p.change != Change::Unchanged)
        .count();
    if !args.yes {
        for p in &planned {
            if !p.diff.is_empty() {
                say!("\n{}", p.diff.trim_end());
            }
        }
        say!(
            "\nNothing written. Generated secrets are shown as ‹generated secret›. Re-run with --yes to write {to_write} files."
        );
        return Ok(0);
    }
    let stamp = now
        .format(time::macros::format_description!(
            "[year][month][day]T[hour][minute][second]"
        ))
        .unwrap_or_default();
    let backups = write(out, &files, &planned, &stamp)?;
    say!("Wrote {to_write} files.");
    for b in &backups {
        say!("  backup  {}", b.display());
    }
    Ok(close_the_loop(&out.join(ENV_FILE)))
}

/// The env detectors on a generated env file: (pass, fail); None when unreadable.
pub fn check_env(env_file: &Path) -> Option<(usize, usize)> {
    let file = envfile::read(env_file).ok()?;
    let found = env::judge(&file, ENV_FILE, &CodeIndex::default());
    Some((
        found.iter().filter(|f| f.outcome == Outcome::Pass).count(),
        found.iter().filter(|f| f.outcome == Outcome::Fail).count(),
    ))
}

/// Judges the generated env file with the env detectors; 0 when nothing fails.
fn close_the_loop(env_file: &Path) -> u8 {
    let Ok(file) = envfile::read(env_file) else {
        say!("Cannot read {} back.", env_file.display());
        return 1;
    };
    let found = env::judge(&file, ENV_FILE, &CodeIndex::default());
    let fail: Vec<&str> = found
        .iter()
        .filter(|f| f.outcome == Outcome::Fail)
        .map(|f| f.item.as_str())
        .collect();
    let pass = found.iter().filter(|f| f.outcome == Outcome::Pass).count();
    let skipped = found
        .iter()
        .filter(|f| f.outcome == Outcome::Skipped)
        .count();
    say!(
        "Checked {ENV_FILE} with the env detectors: {pass} of {} items pass, {skipped} skipped (not configured){}.",
        found.len(),
        if fail.is_empty() {
            String::new()
        } else {
            format!(", failing: {}", fail.join(", "))
        }
    );
    u8::from(!fail.is_empty())
}
