//! Where each operator was and what they changed, on this machine:
//! `.harden/session.toml` beside the state, git-ignored. The state file is
//! the review everyone shares (and may commit); the cursor and the undo log
//! belong to one operator at one terminal, so they live here instead.
//!
//! Like the state it never holds a secret: an undo entry is an item record
//! (status, note, waiver), and notes that look like secrets are refused
//! before they reach either file.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::ItemRecord;
use crate::util::fsio;

/// The session schema this build reads and writes.
pub const SCHEMA: u32 = 1;

/// Changes kept per operator for `U`.
pub const UNDO_KEPT: usize = 50;

/// A session file is small; anything bigger is not one.
const CAP: u64 = 4 * 1024 * 1024;

/// The whole session file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Session {
    pub schema: u32,
    /// By operator name (the state's `operator`).
    #[serde(default, rename = "operator")]
    pub operators: BTreeMap<String, Place>,
}

impl Default for Session {
    fn default() -> Self {
        Session {
            schema: SCHEMA,
            operators: BTreeMap::new(),
        }
    }
}

/// One operator's place in the review and their recent changes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Place {
    /// Slug of the section the cursor was in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
    /// Id of the item under the cursor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
    /// True when the section list had the focus.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub on_sections: bool,
    /// The scroll of the item view when it was open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_view: Option<u16>,
    /// The last changes, oldest first (at most [`UNDO_KEPT`]).
    #[serde(default, rename = "change", skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<Change>,
}

/// One change to an item's record, as undo needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Change {
    pub item: String,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// The record before; absent when the item had none (open, no note).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<ItemRecord>,
    /// The record after; absent when the change cleared it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<ItemRecord>,
}

impl Place {
    /// Keeps a change, dropping the oldest past [`UNDO_KEPT`].
    pub fn push(&mut self, change: Change) {
        self.changes.push(change);
        if self.changes.len() > UNDO_KEPT {
            let extra = self.changes.len() - UNDO_KEPT;
            self.changes.drain(..extra);
        }
    }
}

/// Why a session file could not be used. The file is left as it is.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("{}", io_text(file, source))]
    Io {
        file: String,
        #[source]
        source: io::Error,
    },
    #[error("{file}:{line}:{column}: {message}")]
    Corrupt {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error(
        "{file} was written by a newer harden (session schema {found}, this one reads {SCHEMA})"
    )]
    Newer { file: String, found: i64 },
}

/// An IO error with its file named once (the reads that refuse a link or a
/// FIFO name the path themselves).
fn io_text(file: &str, source: &io::Error) -> String {
    let s = source.to_string();
    if s.contains(file) {
        s
    } else {
        format!("{file}: {s}")
    }
}

/// The session file that goes with a state file: `session.toml` beside
/// the default `state.toml`, else `NAME.session.toml` beside `NAME.toml`.
pub fn path_for(state: &Path) -> PathBuf {
    let name = state.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if name == "state.toml" || name.is_empty() {
        return state.with_file_name("session.toml");
    }
    let stem = name.strip_suffix(".toml").unwrap_or(name);
    state.with_file_name(format!("{stem}.session.toml"))
}

/// Reads a session file; a missing one is an empty session.
///
/// # Errors
/// [`SessionError`] when it exists but is a link, not a regular file, too
/// big, or not a session this build reads (with line and column).
pub fn load(path: &Path) -> Result<Session, SessionError> {
    let file = path.display().to_string();
    let bytes = match fsio::read_input(path, CAP, false) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Session::default()),
        Err(source) => return Err(SessionError::Io { file, source }),
    };
    parse(&bytes, &file)
}

/// Parses session TOML; `file` names it in errors.
///
/// # Errors
/// As [`load`].
pub fn parse(bytes: &[u8], file: &str) -> Result<Session, SessionError> {
    let corrupt = |text: &str, at: usize, message: String| {
        let (line, column) = crate::util::text::line_col(text, at);
        SessionError::Corrupt {
            file: file.to_string(),
            line,
            column,
            message,
        }
    };
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let valid = String::from_utf8_lossy(&bytes[..e.valid_up_to()]).into_owned();
        corrupt(
            &valid,
            e.valid_up_to(),
            "the file is not valid UTF-8".into(),
        )
    })?;
    let table: toml::Table = toml::from_str(text).map_err(|e| {
        corrupt(
            text,
            e.span().map_or(0, |s| s.start),
            e.message().trim_end().into(),
        )
    })?;
    if let Some(toml::Value::Integer(n)) = table.get("schema")
        && *n > i64::from(SCHEMA)
    {
        return Err(SessionError::Newer {
            file: file.to_string(),
            found: *n,
        });
    }
    toml::from_str::<Session>(text).map_err(|e| {
        corrupt(
            text,
            e.span().map_or(0, |s| s.start),
            e.message().trim_end().into(),
        )
    })
}

/// The session as TOML, within what [`load`] reads: past [`CAP`] (notes
/// can be long) the oldest changes go first, so the file never grows into
/// one the next start refuses.
fn fitting(session: &Session) -> io::Result<String> {
    let mut s = session.clone();
    loop {
        let text = toml::to_string_pretty(&s).map_err(io::Error::other)?;
        if text.len() as u64 <= CAP {
            return Ok(text);
        }
        // The operator with the longest log loses their oldest change.
        let Some(place) = s
            .operators
            .values_mut()
            .filter(|p| !p.changes.is_empty())
            .max_by_key(|p| p.changes.len())
        else {
            return Err(io::Error::other(
                "the session would be larger than 4 MiB without any change in it",
            ));
        };
        let drop = place.changes.len().div_ceil(4);
        place.changes.drain(..drop);
    }
}

/// Writes the session atomically, readable by this user only. Never
/// through a link, never over something that is not a regular file.
///
/// # Errors
/// The refusal or the write failure, naming the file; the old file stays.
pub fn save(path: &Path, session: &Session) -> io::Result<()> {
    let text = fitting(session)?;
    let dir = fsio::parent(path);
    fsio::refuse_linked_dir(dir)?;
    std::fs::create_dir_all(dir)?;
    fsio::replace_file(path, text.as_bytes(), Some(0o600))?;
    super::store::ignore_session(dir);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::OperatorStatus;
    use std::os::unix::fs::symlink;
    use time::macros::datetime;

    fn change(n: usize) -> Change {
        Change {
            item: format!("env.item_{n}"),
            at: datetime!(2026-11-30 10:00 UTC),
            before: None,
            after: Some(ItemRecord {
                status: OperatorStatus::Done,
                ..ItemRecord::default()
            }),
        }
    }

    fn sample() -> Session {
        let mut s = Session::default();
        let place = s.operators.entry("ana".into()).or_default();
        place.section = Some("tls".into());
        place.item = Some("tls.protocols".into());
        place.item_view = Some(3);
        place.push(change(1));
        s
    }

    #[test]
    fn the_session_goes_beside_the_state() {
        assert_eq!(
            path_for(Path::new("/p/.harden/state.toml")),
            Path::new("/p/.harden/session.toml")
        );
        assert_eq!(
            path_for(Path::new("/x/review.toml")),
            Path::new("/x/review.session.toml")
        );
    }

    #[test]
    fn only_the_last_fifty_changes_are_kept_oldest_dropped_first() {
        let mut p = Place::default();
        for n in 0..(UNDO_KEPT + 7) {
            p.push(change(n));
        }
        assert_eq!(p.changes.len(), UNDO_KEPT);
        assert_eq!(p.changes[0].item, "env.item_7");
        assert_eq!(
            p.changes.last().unwrap().item,
            format!("env.item_{}", UNDO_KEPT + 6)
        );
    }

    #[test]
    fn a_saved_session_reads_back_the_same_and_only_its_owner_reads_it() {
        let d = tempfile::tempdir().unwrap();
        let path = d.path().join(".harden/session.toml");
        save(&path, &sample()).unwrap();
        assert_eq!(load(&path).unwrap(), sample());
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let ignore = std::fs::read_to_string(d.path().join(".harden/.gitignore")).unwrap();
        assert!(ignore.lines().any(|l| l == "session.toml"), "{ignore}");
    }

    #[test]
    fn an_older_harden_s_gitignore_gets_the_session_lines_and_a_project_s_own_does_not() {
        let d = tempfile::tempdir().unwrap();
        let dir = d.path().join(".harden");
        std::fs::create_dir(&dir).unwrap();
        let old = "# Written by harden. The state file is safe to commit; these are not.\ngenerated/\n*.lock\n";
        std::fs::write(dir.join(".gitignore"), old).unwrap();
        save(&dir.join("session.toml"), &sample()).unwrap();
        let now = std::fs::read_to_string(dir.join(".gitignore")).unwrap();
        assert!(now.starts_with(old), "{now}");
        assert!(now.ends_with("session.toml\n*.session.toml\n"), "{now}");
        // Saved again: not added twice.
        save(&dir.join("session.toml"), &sample()).unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.join(".gitignore")).unwrap(),
            now
        );

        let mine = "# ours\n*\n";
        std::fs::write(dir.join(".gitignore"), mine).unwrap();
        save(&dir.join("session.toml"), &sample()).unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.join(".gitignore")).unwrap(),
            mine
        );
    }

    #[test]
    fn a_broken_session_names_file_line_and_column() {
        let text = b"schema = 1\n[operator.ana]\nsection = 3\n";
        let e = parse(text, ".harden/session.toml").unwrap_err().to_string();
        assert!(e.starts_with(".harden/session.toml:3:"), "{e}");
        let e = parse(b"schema = 1\n[operator.ana\n", "s.toml")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("s.toml:2:"), "{e}");
        let e = parse(b"schema = 1\nx = \"\xff\"\n", "s.toml")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("s.toml:2:") && e.contains("UTF-8"), "{e}");
        let e = parse(b"schema = 9\nfuture = true\n", "s.toml")
            .unwrap_err()
            .to_string();
        assert!(e.contains("newer harden") && e.contains("schema 9"), "{e}");
    }

    #[test]
    fn a_session_that_is_a_link_or_fifo_is_neither_read_nor_replaced() {
        let d = tempfile::tempdir().unwrap();
        let target = d.path().join("target");
        std::fs::write(&target, "keep").unwrap();
        let link = d.path().join("session.toml");
        symlink(&target, &link).unwrap();
        let e = load(&link).unwrap_err().to_string();
        assert_eq!(e.matches("session.toml").count(), 1, "named once: {e}");
        assert!(save(&link, &sample()).is_err());
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep");
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );

        let fifo = d.path().join("fifo.session.toml");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        // Refused at once, not a read that waits for a writer.
        assert!(load(&fifo).is_err());
        assert!(save(&fifo, &sample()).is_err());
        use std::os::unix::fs::FileTypeExt;
        assert!(
            std::fs::symlink_metadata(&fifo)
                .unwrap()
                .file_type()
                .is_fifo()
        );
    }
}

#[cfg(test)]
mod size_tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn a_session_with_huge_notes_is_trimmed_to_what_the_next_start_reads() {
        let d = tempfile::tempdir().unwrap();
        let path = d.path().join("session.toml");
        let mut s = Session::default();
        let place = s.operators.entry("ana".into()).or_default();
        for n in 0..UNDO_KEPT {
            place.push(Change {
                item: format!("env.item_{n}"),
                at: datetime!(2026-11-30 10:00 UTC),
                before: Some(ItemRecord {
                    note: Some("x".repeat(200_000)),
                    ..ItemRecord::default()
                }),
                after: None,
            });
        }
        save(&path, &s).unwrap();
        assert!(std::fs::metadata(&path).unwrap().len() <= CAP);
        let back = load(&path).expect("the next start reads it");
        let kept = &back.operators["ana"].changes;
        assert!(!kept.is_empty() && kept.len() < UNDO_KEPT, "{}", kept.len());
        // The newest changes are the ones kept.
        assert_eq!(
            kept.last().unwrap().item,
            format!("env.item_{}", UNDO_KEPT - 1)
        );
    }
}
