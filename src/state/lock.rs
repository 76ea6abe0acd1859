//! The lock that keeps two wizards from writing the same state file.
//!
//! `state.toml.lock` holds an advisory `flock` for the wizard's lifetime and
//! names its holder (pid, user, host, start time). The kernel drops the
//! lock when the holder dies, so a lock file left by a killed process never
//! blocks: the next wizard takes it over and says so.

use std::fs::{self, File, TryLockError};
use std::io::{self, Read, Seek, Write};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// A held lock; released (and its file removed) on drop.
#[derive(Debug)]
pub struct StateLock {
    file: File,
    path: PathBuf,
}

/// Why the lock could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error(
        "state file {state} is in use by another harden (pid {holder}); lock file {lock}. \
         Finish or quit that session first, or use --state OTHER_FILE for a separate review"
    )]
    Held {
        state: String,
        lock: String,
        holder: String,
    },
    #[error(
        "cannot write in the state folder {dir}: {source}. harden saves after every answer; \
         use --state FILE in a writable folder"
    )]
    NotWritable {
        dir: String,
        #[source]
        source: io::Error,
    },
    /// The lock path is a link, a FIFO, a device or a folder.
    #[error("{0}")]
    NotRegular(String),
    /// The lock file was removed during a session and another harden took
    /// the state.
    #[error(
        "the lock file {lock} was removed and another harden (pid {holder}) now holds the state; this session no longer saves"
    )]
    TakenOver { lock: String, holder: String },
}

/// What happened to a lock file found on arrival.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Acquired {
    Fresh,
    /// A lock file left by a process that no longer runs (its description).
    TookOver(String),
}

/// The lock file path of a state file.
pub fn lock_path(state: &Path) -> PathBuf {
    let mut name = state.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    state.with_file_name(name)
}

impl StateLock {
    /// Takes the lock for `state`, creating its folder when needed.
    ///
    /// # Errors
    /// [`LockError::Held`] naming the holder's pid, or
    /// [`LockError::NotWritable`] when the folder cannot be written.
    pub fn acquire(state: &Path, holder: &str) -> Result<(Self, Acquired), LockError> {
        let path = lock_path(state);
        let dir = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf();
        let not_writable = |source: io::Error| LockError::NotWritable {
            dir: dir.display().to_string(),
            source,
        };
        crate::util::fsio::refuse_linked_dir(&dir)
            .map_err(|e| LockError::NotRegular(e.to_string()))?;
        fs::create_dir_all(&dir).map_err(not_writable)?;
        // Retry when the file we locked was unlinked by its previous holder
        // between our open and our lock.
        for _ in 0..16 {
            let mut file = match crate::util::fsio::open_lock(&path) {
                Ok(f) => f,
                Err(e) if e.kind() == io::ErrorKind::InvalidInput => {
                    return Err(LockError::NotRegular(e.to_string()));
                }
                Err(e) => return Err(not_writable(e)),
            };
            match file.try_lock() {
                Ok(()) => {}
                Err(TryLockError::WouldBlock) => {
                    let mut text = String::new();
                    let _ = file.read_to_string(&mut text);
                    return Err(LockError::Held {
                        state: state.display().to_string(),
                        lock: path.display().to_string(),
                        holder: describe(&text),
                    });
                }
                Err(TryLockError::Error(e)) => return Err(not_writable(e)),
            }
            let same = match (file.metadata(), fs::metadata(&path)) {
                (Ok(a), Ok(b)) => a.ino() == b.ino() && a.dev() == b.dev(),
                _ => false,
            };
            if !same {
                continue;
            }
            let mut previous = String::new();
            let _ = file.read_to_string(&mut previous);
            let acquired = if previous.trim().is_empty() {
                Acquired::Fresh
            } else {
                Acquired::TookOver(describe(&previous))
            };
            file.set_len(0).map_err(not_writable)?;
            file.rewind().map_err(not_writable)?;
            file.write_all(holder.as_bytes())
                .and_then(|()| file.sync_all())
                .map_err(not_writable)?;
            return Ok((StateLock { file, path }, acquired));
        }
        Err(not_writable(io::Error::other(
            "the lock file keeps being replaced by another process",
        )))
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Makes sure the lock file on disk is still the one this process
    /// holds; if it (or its folder) was deleted, locks a new one. Call
    /// before every save.
    ///
    /// # Errors
    /// When another harden holds the new lock file: this one must not write.
    pub fn ensure(&mut self, holder: &str) -> Result<(), LockError> {
        let ours = self.file.metadata().ok().map(|m| (m.dev(), m.ino()));
        let on_disk = fs::metadata(&self.path).ok().map(|m| (m.dev(), m.ino()));
        if ours.is_some() && ours == on_disk {
            return Ok(());
        }
        let state = self.path.with_extension("");
        match StateLock::acquire(&state, holder) {
            Ok((fresh, _)) => {
                // The old handle locked a deleted file. Its Drop would remove
                // the new lock file (same path), so it is only forgotten.
                let old = std::mem::replace(self, fresh);
                std::mem::forget(old);
                Ok(())
            }
            Err(LockError::Held { holder, .. }) => Err(LockError::TakenOver {
                lock: self.path.display().to_string(),
                holder,
            }),
            Err(e) => Err(e),
        }
    }
}

impl Drop for StateLock {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
        let _ = self.file.unlock();
    }
}

/// The text a lock file holds: `pid=…` and friends, one per line.
pub fn holder_text(pid: u32, user: &str, host: &str, since: &str) -> String {
    format!("pid={pid}\nuser={user}\nhost={host}\nsince={since}\n")
}

fn describe(text: &str) -> String {
    let field = |k: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(k).and_then(|r| r.strip_prefix('=')))
            .map(str::trim)
            .filter(|v| !v.is_empty())
    };
    let mut s = field("pid").unwrap_or("unknown").to_string();
    let mut extra = Vec::new();
    if let Some(u) = field("user") {
        extra.push(format!("user {u}"));
    }
    if let Some(h) = field("host") {
        extra.push(format!("host {h}"));
    }
    if let Some(t) = field("since") {
        extra.push(format!("since {t}"));
    }
    if !extra.is_empty() {
        s.push_str(", ");
        s.push_str(&extra.join(", "));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_lock_names_the_holder() {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join("state.toml");
        let (lock, how) =
            StateLock::acquire(&state, &holder_text(4242, "alice", "h1", "t")).unwrap();
        assert_eq!(how, Acquired::Fresh);
        let err = StateLock::acquire(&state, "pid=1\n").unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("pid 4242, user alice, host h1"), "{msg}");
        drop(lock);
        assert!(!lock_path(&state).exists());
        let (_again, how) = StateLock::acquire(&state, "pid=2\n").unwrap();
        assert_eq!(how, Acquired::Fresh);
    }

    #[test]
    fn a_deleted_lock_is_locked_again_unless_someone_else_took_it() {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join("sub/state.toml");
        let (mut lock, _) = StateLock::acquire(&state, "pid=1\n").unwrap();
        lock.ensure("pid=1\n").unwrap();
        fs::remove_dir_all(dir.path().join("sub")).unwrap();
        lock.ensure("pid=1\n").unwrap();
        assert!(lock_path(&state).exists(), "locked again");
        assert!(StateLock::acquire(&state, "pid=2\n").is_err(), "and held");
        fs::remove_file(lock_path(&state)).unwrap();
        let (_other, _) = StateLock::acquire(&state, "pid=3\n").unwrap();
        let e = lock.ensure("pid=1\n").unwrap_err();
        assert!(matches!(&e, LockError::TakenOver { .. }), "{e}");
        assert!(e.to_string().contains("pid 3"), "{e}");
    }

    #[test]
    fn a_leftover_lock_file_is_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join("state.toml");
        fs::write(lock_path(&state), holder_text(99999, "bob", "h2", "t")).unwrap();
        let (lock, how) = StateLock::acquire(&state, "pid=3\n").unwrap();
        assert_eq!(
            how,
            Acquired::TookOver("99999, user bob, host h2, since t".into())
        );
        assert_eq!(fs::read_to_string(lock.path()).unwrap(), "pid=3\n");
    }
}
