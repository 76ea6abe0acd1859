//! `harden generate`: render, show the plan and the diffs, and write only
//! with `--yes`. Then close the loop: the env detectors judge the generated
//! `.env.production`.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

/// Prints a line; a closed stdout (`| head`) is not an error worth a
/// panic, but a failed write (a full disk, /dev/full) makes the run exit 2.
macro_rules! say {
    ($($t:tt)*) => {{
        if let Err(e) = writeln!(
            std::io::stdout(),
            "{}",
            crate::util::redact::redact(&format!($($t)*))
        ) && e.kind() != std::io::ErrorKind::BrokenPipe
        {
            STDOUT_FAILED.store(true, std::sync::atomic::Ordering::SeqCst);
        }
    }};
}

/// Set when a line of the plan could not be written.
static STDOUT_FAILED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

use crate::answers;
use crate::cmd::cli::GenerateArgs;
use crate::detect::code::CodeIndex;
use crate::detect::{Outcome, env, envfile};
use crate::generate::{
    Change, ENV_FILE, GenerateLock, JOURNAL, Secrets, plan, recover, render, write,
};
use crate::util::exit::Exit;

/// Runs `generate`; returns the exit code.
pub fn run(args: &GenerateArgs) -> ExitCode {
    // While writing, SIGINT, SIGTERM and SIGHUP stop the run at the next
    // safe point (temp files removed, nothing committed) instead of killing
    // it with temp files holding secrets left behind.
    let _watch = if args.yes { watch_signals() } else { None };
    let result = run_inner(args);
    let signal = crate::generate::INTERRUPTED.load(std::sync::atomic::Ordering::SeqCst);
    let result = match result {
        Ok(_) if STDOUT_FAILED.load(std::sync::atomic::Ordering::SeqCst) => {
            Err("cannot write the plan to stdout (a full disk or device?)".to_string())
        }
        other => other,
    };
    match result {
        _ if signal != 0 => {
            if let Err(msg) = result {
                eprintln!("harden generate: {}", crate::util::redact::redact(&msg));
            }
            Exit::Signal(signal).into()
        }
        other => super::finish("generate", other),
    }
}

/// Registers the signal handlers now (so no signal after this point kills
/// the run outright) and records the first signal in
/// [`crate::generate::INTERRUPTED`] from a thread of its own.
fn watch_signals() -> Option<std::thread::JoinHandle<()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
        .ok()?;
    let streams = {
        let _in = rt.enter();
        (
            signal(SignalKind::interrupt()).ok()?,
            signal(SignalKind::terminate()).ok()?,
            signal(SignalKind::hangup()).ok()?,
            signal(SignalKind::quit()).ok()?,
        )
    };
    Some(std::thread::spawn(move || {
        let (mut int, mut term, mut hup, mut quit) = streams;
        rt.block_on(async {
            let n = tokio::select! {
                _ = int.recv() => 2,
                _ = term.recv() => 15,
                _ = hup.recv() => 1,
                _ = quit.recv() => 3,
            };
            crate::generate::INTERRUPTED.store(n, std::sync::atomic::Ordering::SeqCst);
        });
    }))
}

fn run_inner(args: &GenerateArgs) -> Result<Exit, String> {
    // Every answer is checked against its grammar before anything renders.
    let a = answers::load(&args.answers).map_err(|e| e.to_string())?;
    let stand_ins = answers::origin::stand_ins(&a);
    if !stand_ins.is_empty() {
        eprintln!(
            "harden generate: warning: {} answers still hold the example's stand-in values ({}); the files will carry them",
            stand_ins.len(),
            stand_ins.join(", ")
        );
    }
    let out = &args.out;
    for rel in crate::generate::paths() {
        if crate::util::fsio::same_file(&out.join(rel), &args.answers) {
            return Err(format!(
                "--out {}: {rel} would overwrite the answers file; harden never writes over its own inputs",
                out.display()
            ));
        }
    }
    // Writing: one generate at a time, and an interrupted set completed
    // before anything else.
    let lock = if args.yes {
        let lock = GenerateLock::acquire(out)?;
        let done = recover(out, &lock)?;
        if !done.is_empty() {
            say!(
                "Completed an interrupted write from an earlier run: {}.",
                done.join(", ")
            );
        }
        Some(lock)
    } else {
        if out.join(JOURNAL).exists() {
            say!(
                "An earlier run was interrupted while writing; the next run with --yes completes its set first."
            );
        }
        None
    };
    let (secrets, kept) = if args.rotate_secrets {
        (Secrets::generate(), Vec::new())
    } else {
        Secrets::kept_or_new(out)
    };
    let now = time::OffsetDateTime::now_utc();
    let date = crate::util::dates::format_date(now.date());
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
            "rotated".to_string()
        } else if kept.is_empty() {
            "generated".to_string()
        } else if kept.len() == 4 {
            "kept from the existing .env.production".to_string()
        } else {
            format!(
                "kept from the existing .env.production ({}), the rest generated",
                kept.join(", ")
            )
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
    let Some(lock) = lock else {
        for p in &planned {
            if !p.diff.is_empty() {
                say!("\n{}", p.diff.trim_end());
            }
        }
        say!(
            "\nNothing written. Secrets are shown as {}. Re-run with --yes to write {to_write} files.",
            crate::util::redact::MASK
        );
        return Ok(Exit::Ok);
    };
    let stamp = now
        .format(time::macros::format_description!(
            "[year][month][day]T[hour][minute][second]"
        ))
        .unwrap_or_default();
    let backups = write(out, &files, &planned, &stamp, &lock)?;
    say!("Wrote {to_write} files.");
    for b in &backups {
        say!("  backup  {}", b.display());
    }
    warn_if_tracked(out, &files);
    Ok(close_the_loop(&out.join(ENV_FILE)))
}

/// Warns when git would track a generated file that holds secrets.
fn warn_if_tracked(out: &Path, files: &[crate::generate::Rendered]) {
    for f in files.iter().filter(|f| f.secret) {
        let path = out.join(f.path);
        let mut c = std::process::Command::new("git");
        c.env_remove(crate::detect::fingerprint::KEY_ENV)
            .env_remove(crate::detect::fingerprint::KEY_FILE_ENV);
        c.arg("-C")
            .arg(crate::util::fsio::parent(&path))
            .args([
                "-c",
                "core.fsmonitor=false",
                "check-ignore",
                "-q",
                "--no-index",
            ])
            .arg(&path)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        // 1 = inside a work tree and not ignored; 128 = not a repository.
        if let Ok(st) = c.status()
            && st.code() == Some(1)
        {
            say!(
                "Warning: git would track {} (it holds secrets): add it to .gitignore and never commit it.",
                path.display()
            );
        }
    }
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

/// Judges the generated env file with the env detectors; ok when nothing fails.
fn close_the_loop(env_file: &Path) -> Exit {
    let Ok(file) = envfile::read(env_file) else {
        say!("Cannot read {} back.", env_file.display());
        return Exit::Failing;
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
    if fail.is_empty() {
        Exit::Ok
    } else {
        Exit::Failing
    }
}
