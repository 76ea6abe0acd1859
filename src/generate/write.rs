//! Writing a generated set safely: one `generate` at a time behind a lock;
//! temp files, a journal, then renames; a set interrupted after its journal
//! is completed by the next run.

use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use super::{Change, GenerateError, Planned, Rendered, SPECS, refuse};

/// The signal (SIGINT, SIGTERM or SIGHUP) that asked a writing `generate`
/// to stop, or 0. [`write`] checks it before it commits a set: an
/// interrupted run removes its temp files and writes nothing.
pub static INTERRUPTED: std::sync::atomic::AtomicI32 = std::sync::atomic::AtomicI32::new(0);

fn interrupted() -> i32 {
    INTERRUPTED.load(std::sync::atomic::Ordering::SeqCst)
}

/// The lock that lets one `generate` at a time write into a folder.
pub struct GenerateLock {
    _file: fs::File,
}

/// Where the lock and the journal live in the output folder.
pub const LOCK_FILE: &str = ".harden-generate.lock";
/// The journal of a set being committed: `TEMP<TAB>TARGET` per line,
/// relative to the output folder.
pub const JOURNAL: &str = ".harden-generate.journal";

impl GenerateLock {
    /// Takes the lock of `out` (creating the folder), or says who has it.
    ///
    /// # Errors
    /// Another `generate` holds it; the lock is a link or not a file.
    pub fn acquire(out: &Path) -> Result<Self, GenerateError> {
        refuse_out(out)?;
        fs::create_dir_all(out)
            .map_err(|e| GenerateError::Io(format!("cannot create {}: {e}", out.display())))?;
        refuse_out(out)?;
        let path = out.join(LOCK_FILE);
        let file = crate::util::fsio::open_lock(&path)
            .map_err(|e| GenerateError::Refused(e.to_string()))?;
        match file.try_lock() {
            Ok(()) => Ok(GenerateLock { _file: file }),
            Err(fs::TryLockError::WouldBlock) => {
                Err(GenerateError::Locked(out.display().to_string()))
            }
            Err(fs::TryLockError::Error(e)) => Err(GenerateError::Io(format!(
                "cannot lock {}: {e}",
                path.display()
            ))),
        }
    }
}

/// Refuses an output folder that is a symbolic link or not a folder.
pub(super) fn refuse_out(out: &Path) -> Result<(), GenerateError> {
    use crate::util::fsio::{Folder, folder};
    match folder(out) {
        Folder::Link => Err(GenerateError::Refused(format!(
            "{} is a symbolic link; harden does not write through links",
            out.display()
        ))),
        Folder::Not(kind) => Err(GenerateError::Refused(format!(
            "{} is {kind}, not a folder",
            out.display()
        ))),
        Folder::Usable => Ok(()),
    }
}

/// Finishes a set an earlier, interrupted run committed (its journal is
/// there: every temp file it names is renamed into place), then removes
/// temp files that no journal names. Returns what it completed.
///
/// # Errors
/// A journal that cannot be read or an entry that escapes `out`.
pub fn recover(out: &Path, _lock: &GenerateLock) -> Result<Vec<String>, GenerateError> {
    let mut done = Vec::new();
    let journal = out.join(JOURNAL);
    match crate::util::fsio::read_input_text(&journal, crate::util::fsio::MIB) {
        Ok(text) => {
            for line in text.lines().filter(|l| !l.is_empty()) {
                let (tmp, target) = line.split_once('\t').ok_or_else(|| {
                    GenerateError::Journal(format!("{}: a line without a tab", journal.display()))
                })?;
                for rel in [tmp, target] {
                    if Path::new(rel)
                        .components()
                        .any(|c| !matches!(c, Component::Normal(_)))
                    {
                        return Err(GenerateError::Journal(format!(
                            "{}: {rel} escapes the folder",
                            journal.display()
                        )));
                    }
                }
                let (tmp, target_path) = (out.join(tmp), out.join(target));
                if fs::symlink_metadata(&tmp).is_ok() {
                    if let Some(why) = refuse(out, target) {
                        return Err(GenerateError::Refused(why));
                    }
                    if let Some(e) = crate::util::fsio::not_regular(&target_path) {
                        return Err(GenerateError::Refused(e.to_string()));
                    }
                    fs::rename(&tmp, &target_path).map_err(|e| {
                        GenerateError::Io(format!("cannot complete {}: {e}", target_path.display()))
                    })?;
                    done.push(target.to_string());
                }
            }
            for spec in SPECS {
                crate::util::fsio::sync_dir(crate::util::fsio::parent(&out.join(spec.path)));
            }
            fs::remove_file(&journal).map_err(|e| {
                GenerateError::Io(format!("cannot remove {}: {e}", journal.display()))
            })?;
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(GenerateError::Journal(e.to_string())),
    }
    remove_temps(out);
    Ok(done)
}

/// Removes the temp files of generated files (and of the journal).
fn remove_temps(out: &Path) {
    let names = SPECS.iter().map(|s| s.path).chain([JOURNAL]);
    for rel in names {
        let target = out.join(rel);
        let dir = crate::util::fsio::parent(&target);
        let prefix = format!(
            ".{}.tmp-",
            target.file_name().unwrap_or_default().to_string_lossy()
        );
        let Ok(entries) = fs::read_dir(dir) else {
            continue;
        };
        for e in entries.flatten() {
            if e.file_name().to_string_lossy().starts_with(&prefix) {
                let _ = fs::remove_file(e.path());
            }
        }
    }
}

/// Writes the new and changed files as one set: every file that changes is
/// backed up (a new, uniquely named copy), written to a temp file and
/// fsynced; the set is recorded in a journal; then each temp file is
/// renamed into place and the journal removed. A run killed before the
/// journal leaves the old set; after it, [`recover`] completes the new
/// one. Files that hold secrets are 0600. Returns the backups made.
///
/// # Errors
/// The first failure, naming the file; nothing of the set is in place and
/// its temp files are removed.
pub fn write(
    out: &Path,
    files: &[Rendered],
    plan: &[Planned],
    stamp: &str,
    _lock: &GenerateLock,
) -> Result<Vec<PathBuf>, GenerateError> {
    use crate::util::fsio;
    refuse_out(out)?;
    let mut temps: Vec<(PathBuf, &str)> = Vec::new();
    let cleanup = |temps: &[(PathBuf, &str)]| {
        for (t, _) in temps {
            let _ = fs::remove_file(t);
        }
    };
    let mut backups = Vec::new();
    for (f, p) in files.iter().zip(plan) {
        if p.change == Change::Unchanged {
            continue;
        }
        let staged = (|| -> Result<PathBuf, GenerateError> {
            if let Some(why) = refuse(out, f.path) {
                return Err(GenerateError::Refused(why));
            }
            let target = out.join(f.path);
            let dir = fsio::parent(&target);
            fs::create_dir_all(dir)
                .map_err(|e| GenerateError::Io(format!("cannot create {}: {e}", dir.display())))?;
            if let Some(why) = refuse(out, f.path) {
                return Err(GenerateError::Refused(why));
            }
            if let Some(e) = fsio::not_regular(&target) {
                return Err(GenerateError::Refused(e.to_string()));
            }
            if fs::symlink_metadata(&target).is_ok() {
                let bak = fsio::backup(&target, stamp).map_err(|e| {
                    GenerateError::Io(format!("cannot back up {}: {e}", target.display()))
                })?;
                backups.push(bak);
            }
            let mode = if f.secret { 0o600 } else { 0o644 };
            fsio::write_temp(&target, f.content.as_bytes(), mode)
                .map_err(|e| GenerateError::Io(e.to_string()))
        })();
        match staged {
            Ok(t) => temps.push((t, f.path)),
            Err(e) => {
                cleanup(&temps);
                return Err(e);
            }
        }
        if interrupted() != 0 {
            break;
        }
    }
    if interrupted() != 0 {
        cleanup(&temps);
        return Err(GenerateError::Interrupted(interrupted()));
    }
    let mut journal = String::new();
    for (t, rel) in &temps {
        let t_rel = t.strip_prefix(out).unwrap_or(t);
        journal.push_str(&format!("{}\t{rel}\n", t_rel.display()));
    }
    if let Err(e) = fsio::replace_file(&out.join(JOURNAL), journal.as_bytes(), Some(0o600)) {
        cleanup(&temps);
        return Err(GenerateError::Io(e.to_string()));
    }
    // From here the set is committed: a failure leaves the journal, and
    // the next run completes it.
    for (t, rel) in &temps {
        let target = out.join(rel);
        if let Some(e) = fsio::not_regular(&target) {
            return Err(GenerateError::Refused(format!(
                "{e}; the rest of the set is completed by the next run"
            )));
        }
        fs::rename(t, &target).map_err(|e| {
            GenerateError::Io(format!(
                "cannot write {}: {e}; the next harden generate completes the set",
                target.display()
            ))
        })?;
    }
    for (_, rel) in &temps {
        fsio::sync_dir(fsio::parent(&out.join(rel)));
    }
    fs::remove_file(out.join(JOURNAL))
        .map_err(|e| GenerateError::Io(format!("cannot remove the journal: {e}")))?;
    fsio::sync_dir(out);
    Ok(backups)
}
