//! Loading and saving the state file.
//!
//! Save protocol, so that a crash at any instant leaves a loadable file:
//! write the new text to a temp file in the same folder, fsync it, move the
//! current file to `state.toml.bak` by hard link + rename (the current name
//! never disappears), rename the temp file over the state, fsync the folder.
//! A state that does not load is never written over.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::{SCHEMA, State};
use crate::util::fsio;
use crate::util::text::line_col;

/// A state file that cannot be used. The file is left untouched.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("cannot read state file {file}: {source}")]
    Io {
        file: String,
        #[source]
        source: io::Error,
    },
    #[error("state file {file}:{line}:{column}: {message}")]
    Corrupt {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error(
        "state file {file} has schema {found}, newer than this harden reads ({SCHEMA}); it was written by a newer harden"
    )]
    Newer { file: String, found: i64 },
}

impl StateError {
    /// What the operator can do about it; the file itself is never changed.
    pub fn hint(&self) -> String {
        let file = match self {
            StateError::Io { file, .. }
            | StateError::Corrupt { file, .. }
            | StateError::Newer { file, .. } => file,
        };
        match self {
            StateError::Newer { .. } => format!(
                "harden left {file} unchanged. Upgrade harden, or start a separate review with --state OTHER_FILE."
            ),
            // A link, FIFO, device or oversized file: not a state to repair.
            StateError::Io { source, .. } if source.kind() == io::ErrorKind::InvalidInput => {
                format!(
                    "harden left {file} unchanged. Give a state file that is a regular file (--state FILE)."
                )
            }
            _ => format!(
                "harden left {file} unchanged. Fix it by hand, restore the previous version \
                 (cp {file}.bak {file}), or start fresh by moving it aside (mv {file} {file}.broken)."
            ),
        }
    }
}

/// Reads a state file. `Ok(None)` when it does not exist yet.
///
/// # Errors
/// [`StateError`] when it exists but cannot be read, parsed or understood.
pub fn load(path: &Path) -> Result<Option<State>, StateError> {
    let file = path.display().to_string();
    // Never through a link, never a FIFO or device, never more than 64 MiB.
    let bytes = match fsio::read_input(path, fsio::STATE_CAP, false) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(StateError::Io { file, source }),
    };
    parse(&bytes, &file).map(Some)
}

/// Parses state TOML; `file` names it in errors.
///
/// # Errors
/// [`StateError::Corrupt`] with line and column, or [`StateError::Newer`].
pub fn parse(bytes: &[u8], file: &str) -> Result<State, StateError> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let valid = String::from_utf8_lossy(&bytes[..e.valid_up_to()]).into_owned();
        let (line, column) = line_col(&valid, e.valid_up_to());
        StateError::Corrupt {
            file: file.to_string(),
            line,
            column,
            message: "the file is not valid UTF-8".into(),
        }
    })?;
    let corrupt = |span: Option<std::ops::Range<usize>>, message: String| {
        let (line, column) = line_col(text, span.map_or(0, |s| s.start));
        StateError::Corrupt {
            file: file.to_string(),
            line,
            column,
            message,
        }
    };
    // Read the schema first, loosely, so a newer file says "newer" rather
    // than complaining about fields this build does not know.
    let table: toml::Table =
        toml::from_str(text).map_err(|e| corrupt(e.span(), e.message().trim_end().to_string()))?;
    match table.get("schema") {
        Some(toml::Value::Integer(n)) if *n > i64::from(SCHEMA) => {
            return Err(StateError::Newer {
                file: file.to_string(),
                found: *n,
            });
        }
        Some(toml::Value::Integer(n)) if *n < 1 => {
            return Err(corrupt(None, format!("unknown schema {n}")));
        }
        Some(toml::Value::Integer(1)) => {
            let mut table = table;
            migrate_1_to_2(&mut table);
            // A file that does not fit once migrated is reported from its
            // own text, so the error keeps its line and column.
            if let Ok(Ok(state)) = toml::to_string(&table).map(|t| toml::from_str::<State>(&t)) {
                return Ok(state);
            }
        }
        _ => {}
    }
    toml::from_str::<State>(text).map_err(|e| corrupt(e.span(), e.message().trim_end().to_string()))
}

/// Schema 2 added `answers.app.nginx_version` (which `listen … http2` or
/// `http2 on;` the nginx site uses) and the optional OCSP answers. A
/// schema-1 state's answers get the version of the nginx installed here,
/// or 1.22.1 (Debian 12's), which keeps the form those answers produced;
/// the answers form shows it for review.
fn migrate_1_to_2(table: &mut toml::Table) {
    table.insert("schema".into(), toml::Value::Integer(2));
    if let Some(toml::Value::Table(answers)) = table.get_mut("answers")
        && let Some(toml::Value::Table(app)) = answers.get_mut("app")
        && !app.contains_key("nginx_version")
    {
        let v = crate::answers::installed_nginx().unwrap_or_else(|| "1.22.1".into());
        app.insert("nginx_version".into(), toml::Value::String(v));
    }
}

/// Why a save failed; the previous state file is intact.
#[derive(Debug, thiserror::Error)]
#[error("could not save {file} ({step}): {source}")]
pub struct SaveError {
    pub file: String,
    pub step: &'static str,
    #[source]
    pub source: io::Error,
}

/// The backup kept beside a state file.
pub fn backup_path(path: &Path) -> PathBuf {
    sibling(path, ".bak")
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    path.with_file_name(name)
}

fn temp_path(path: &Path, what: &str) -> PathBuf {
    let mut name = std::ffi::OsString::from(".");
    name.push(path.file_name().unwrap_or_default());
    name.push(format!(".{what}-{}", std::process::id()));
    path.with_file_name(name)
}

/// Writes the state atomically, keeping the previous version as `.bak`.
///
/// # Errors
/// [`SaveError`] naming the step that failed; the previous file is intact.
pub fn save(path: &Path, state: &State) -> Result<(), SaveError> {
    let text = toml::to_string_pretty(state).map_err(|e| SaveError {
        file: path.display().to_string(),
        step: "serialising",
        source: io::Error::other(e),
    })?;
    save_text(path, &text)
}

/// Writes already-serialised state text with the atomic protocol.
///
/// # Errors
/// [`SaveError`] naming the step that failed; the previous file is intact.
pub fn save_text(path: &Path, text: &str) -> Result<(), SaveError> {
    let err = |step: &'static str| {
        let file = path.display().to_string();
        move |source: io::Error| SaveError { file, step, source }
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fsio::refuse_linked_dir(&dir).map_err(err("checking the state folder"))?;
    fs::create_dir_all(&dir).map_err(err("creating the state folder"))?;
    // A state or backup that is a link, a FIFO or a device is never
    // replaced; a state this user may not write is never silently replaced.
    for p in [path.to_path_buf(), backup_path(path)] {
        if let Some(e) = fsio::not_regular(&p) {
            return Err(err("checking the state file")(e));
        }
    }
    if path.exists() && rustix::fs::access(path, rustix::fs::Access::WRITE_OK).is_err() {
        return Err(err("checking the state file")(io::Error::new(
            io::ErrorKind::PermissionDenied,
            "the state file is not writable by this user; harden does not replace it",
        )));
    }

    let tmp = temp_path(path, "tmp");
    let _ = fs::remove_file(&tmp);
    let written = (|| {
        let mut f = fsio::create_new(&tmp, 0o600).map_err(err("creating the temp file"))?;
        f.write_all(text.as_bytes())
            .map_err(err("writing the temp file"))?;
        f.sync_all().map_err(err("flushing the temp file to disk"))
    })();
    if let Err(e) = written {
        let _ = fs::remove_file(&tmp);
        return Err(e);
    }

    if fs::symlink_metadata(path).is_ok() {
        let bak_tmp = temp_path(path, "bak");
        let _ = fs::remove_file(&bak_tmp);
        // linkat without AT_SYMLINK_FOLLOW, so a link would be linked, not
        // followed (and links were refused above); no copy fallback.
        let kept =
            fs::hard_link(path, &bak_tmp).and_then(|()| fs::rename(&bak_tmp, backup_path(path)));
        if let Err(e) = kept {
            let _ = fs::remove_file(&bak_tmp);
            let _ = fs::remove_file(&tmp);
            return Err(err("keeping the previous version as .bak")(e));
        }
    }
    if let Err(e) = fs::rename(&tmp, path) {
        let _ = fs::remove_file(&tmp);
        return Err(err("replacing the state file")(e));
    }
    fsio::sync_dir(&dir);
    ignore_generated(&dir);
    Ok(())
}

/// What `.harden/.gitignore` keeps out of git: the generated files (they
/// hold live secrets), backups, temp files, the lock and each operator's
/// session (cursor and undo log).
pub const GITIGNORE: &str = "# Written by harden. The state file is safe to commit; these are not.\n\
generated/\n*.bak\n*.bak-*\n.*.tmp-*\n.*.bak-*\n*.lock\n\
session.toml\n*.session.toml\n";

/// The lines a `.gitignore` written by an older harden lacks.
const SESSION_IGNORE: &str = "session.toml\n*.session.toml\n";

/// Writes `.gitignore` into the state folder when it is harden's own
/// `.harden` folder and has none (created exclusively, never through a link).
fn ignore_generated(dir: &Path) {
    if dir.file_name().is_some_and(|n| n == ".harden")
        && let Ok(mut f) = fsio::create_new(&dir.join(".gitignore"), 0o644)
    {
        let _ = f.write_all(GITIGNORE.as_bytes());
    }
}

/// Makes sure harden's own `.harden/.gitignore` keeps the session out of
/// git: writes it when missing, or adds the session lines to one an older
/// harden wrote (recognised by its first line; a file the project wrote
/// itself is left alone).
pub(super) fn ignore_session(dir: &Path) {
    if dir.file_name().is_none_or(|n| n != ".harden") {
        return;
    }
    ignore_generated(dir);
    let path = dir.join(".gitignore");
    let Some(text) = fsio::read_input(&path, 64 * 1024, false)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
    else {
        return;
    };
    if text.starts_with("# Written by harden.") && !text.lines().any(|l| l == "session.toml") {
        let mut new = text;
        if !new.ends_with('\n') {
            new.push('\n');
        }
        new.push_str(SESSION_IGNORE);
        let _ = fsio::replace_file(&path, new.as_bytes(), None);
    }
}

/// Removes temp files a killed process left beside the state. Call only
/// while holding the state lock.
pub fn remove_stale_temps(path: &Path) {
    let Some(dir) = path.parent() else { return };
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return;
    };
    let prefix = format!(".{name}.");
    let Ok(entries) = fs::read_dir(if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    }) else {
        return;
    };
    for e in entries.flatten() {
        if let Some(n) = e.file_name().to_str()
            && n.starts_with(&prefix)
            && (n.contains(".tmp-") || n.contains(".bak-"))
        {
            let _ = fs::remove_file(e.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checklist::load_embedded;
    use crate::state::{ItemRecord, OperatorStatus};
    use time::macros::datetime;

    fn sample() -> State {
        let c = load_embedded().unwrap();
        let mut s = State::new(&c, datetime!(2026-11-27 10:00 UTC));
        s.items.insert(
            "env.secret_key_set".into(),
            ItemRecord {
                status: OperatorStatus::Done,
                note: Some("in vault \"prod\"\nline two".into()),
                by: Some("alice".into()),
                at: Some(datetime!(2026-11-27 10:01 UTC)),
                waiver: None,
                overrides: None,
            },
        );
        s
    }

    #[test]
    fn save_then_load_round_trips_and_keeps_backup() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/state.toml");
        let mut s = sample();
        save(&path, &s).unwrap();
        assert!(!backup_path(&path).exists());
        assert_eq!(load(&path).unwrap().unwrap(), s);
        let first = fs::read_to_string(&path).unwrap();
        s.operator = Some("bob".into());
        save(&path, &s).unwrap();
        assert_eq!(load(&path).unwrap().unwrap(), s);
        assert_eq!(fs::read_to_string(backup_path(&path)).unwrap(), first);
        let leftovers: Vec<_> = fs::read_dir(path.parent().unwrap())
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(leftovers.len(), 2, "{leftovers:?}");
    }

    #[test]
    fn missing_file_is_none() {
        let dir = tempfile::tempdir().unwrap();
        assert!(load(&dir.path().join("nope.toml")).unwrap().is_none());
    }

    #[test]
    fn corrupt_file_reports_line_and_column() {
        let err = parse(b"schema = 1\ntool_version = \"x\"\noops = [\n", "s.toml").unwrap_err();
        let StateError::Corrupt { line, .. } = &err else {
            panic!("{err}")
        };
        assert_eq!(*line, 3);
        assert!(err.hint().contains("mv s.toml s.toml.broken"));
    }

    #[test]
    fn unknown_status_is_rejected_with_its_line() {
        let mut text = toml::to_string_pretty(&sample()).unwrap();
        text = text.replace("status = \"done\"", "status = \"finished\"");
        let line = text.lines().position(|l| l.contains("finished")).unwrap() + 1;
        let err = parse(text.as_bytes(), "s.toml").unwrap_err();
        match err {
            StateError::Corrupt {
                line: l, message, ..
            } => {
                assert_eq!(l, line);
                assert!(message.contains("finished"), "{message}");
            }
            other => panic!("{other}"),
        }
    }

    #[test]
    fn newer_schema_is_refused() {
        let err = parse(b"schema = 7\nwhatever = 1\n", "s.toml").unwrap_err();
        assert!(matches!(err, StateError::Newer { found: 7, .. }), "{err}");
    }

    #[test]
    fn stale_temps_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.toml");
        fs::write(dir.path().join(".state.toml.tmp-999"), "x").unwrap();
        fs::write(dir.path().join(".state.toml.bak-999"), "x").unwrap();
        fs::write(dir.path().join("other"), "x").unwrap();
        remove_stale_temps(&path);
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().into_string().unwrap())
            .collect();
        assert_eq!(names, vec!["other".to_string()]);
    }
}
