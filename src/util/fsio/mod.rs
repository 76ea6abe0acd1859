//! The one way harden touches files: inputs are read only when they are
//! regular files under a size cap (a FIFO or `/dev/zero` never hangs or
//! floods a command), outputs are never written through a symbolic link or
//! renamed over anything that is not a regular file, and files harden
//! creates are created exclusively (`O_EXCL | O_NOFOLLOW`).
//!
//! Errors are [`io::Error`]s whose message says what was wrong with which
//! path, so callers can show them as they are.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{FileTypeExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use rustix::fs::OFlags;

/// One mebibyte.
pub const MIB: u64 = 1 << 20;
/// Largest env file harden reads.
pub const ENV_CAP: u64 = 16 * MIB;
/// Largest state file or pip-audit report harden reads.
pub const STATE_CAP: u64 = 64 * MIB;
/// Largest answers, waivers or checklist file harden reads.
pub const SMALL_CAP: u64 = 4 * MIB;

fn flag(f: OFlags) -> i32 {
    // The flag bits of open(2) all fit in the positive range of an int.
    i32::try_from(f.bits()).unwrap_or(0)
}

/// What a path is, in words, for messages.
pub fn kind_of(m: &fs::Metadata) -> &'static str {
    let t = m.file_type();
    if t.is_symlink() {
        "a symbolic link"
    } else if t.is_dir() {
        "a folder"
    } else if t.is_fifo() {
        "a FIFO"
    } else if t.is_char_device() {
        "a character device"
    } else if t.is_block_device() {
        "a block device"
    } else if t.is_socket() {
        "a socket"
    } else {
        "a regular file"
    }
}

fn invalid(path: &Path, what: String) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("{}: {what}", path.display()),
    )
}

/// Reads an input file: a regular file of at most `cap` bytes. A FIFO, a
/// device, a socket or a folder is refused without blocking on it; with
/// `follow == false` a symbolic link is refused too.
///
/// # Errors
/// `NotFound` when the file does not exist (callers may treat it as
/// absent); otherwise an error that names the path and the reason.
pub fn read_input(path: &Path, cap: u64, follow: bool) -> io::Result<Vec<u8>> {
    let mut flags = OFlags::NONBLOCK | OFlags::NOCTTY;
    if !follow {
        flags |= OFlags::NOFOLLOW;
    }
    let mut f = match OpenOptions::new()
        .read(true)
        .custom_flags(flag(flags))
        .open(path)
    {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(e),
        Err(e) if e.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error()) => {
            return Err(invalid(
                path,
                "is a symbolic link; harden does not follow links for this file".into(),
            ));
        }
        Err(e) => return Err(io::Error::new(e.kind(), format!("{}: {e}", path.display()))),
    };
    let m = f.metadata()?;
    if !m.file_type().is_file() {
        return Err(invalid(
            path,
            format!(
                "is {}, not a regular file; harden reads only regular files",
                kind_of(&m)
            ),
        ));
    }
    if m.len() > cap {
        return Err(too_large(path, cap));
    }
    // Regular files ignore O_NONBLOCK; read at most one byte past the cap
    // in case the file grows while it is read.
    let mut buf = Vec::with_capacity(usize::try_from(m.len()).unwrap_or(0));
    (&mut f).take(cap + 1).read_to_end(&mut buf)?;
    if buf.len() as u64 > cap {
        return Err(too_large(path, cap));
    }
    Ok(buf)
}

fn too_large(path: &Path, cap: u64) -> io::Error {
    invalid(
        path,
        format!(
            "is larger than {} MiB, the most harden reads for this kind of file",
            cap / MIB
        ),
    )
}

/// Why harden refuses a path, or could not use it. The text names the path
/// and what is wrong; the kind says which promise refused it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FsError {
    /// A link, a folder, a device, a FIFO or a socket where a regular file
    /// belongs (or a device or FIFO that changed while opened).
    #[error("{0}")]
    NotRegular(String),
    /// An input over the most harden reads for it.
    #[error("{0}")]
    TooLarge(String),
    /// An output that is one of harden's own inputs, an env file, or
    /// inside harden's folder.
    #[error("{0}")]
    OwnInput(String),
    /// A regular file this user may not write: it would be replaced.
    #[error("{0}")]
    NotWritable(String),
    /// A FIFO nothing reads (writing would hang).
    #[error("{0}")]
    NoReader(String),
    /// What the system said, with the path.
    #[error("{0}")]
    Io(String),
}

impl From<FsError> for String {
    fn from(e: FsError) -> String {
        e.to_string()
    }
}

/// Checks, before a run, that an input which exists is a regular file
/// (links followed) within its cap: a FIFO, a device or a huge file is an
/// input error up front, not a hang or a flood later.
///
/// # Errors
/// Names the input, the path and what is wrong.
pub fn check_input(what: &str, path: &Path, cap: u64) -> Result<(), FsError> {
    match fs::metadata(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(FsError::Io(format!("{what} {}: {e}", path.display()))),
        Ok(m) if !m.is_file() => Err(FsError::NotRegular(format!(
            "{what} {} is {}, not a regular file; harden reads only regular files",
            path.display(),
            kind_of(&m)
        ))),
        Ok(m) if m.len() > cap => Err(FsError::TooLarge(format!(
            "{what} {} is larger than {} MiB, the most harden reads for it",
            path.display(),
            cap / MIB
        ))),
        Ok(_) => Ok(()),
    }
}

/// Reads an input as UTF-8 text (see [`read_input`]).
///
/// # Errors
/// As [`read_input`], and when the bytes are not UTF-8.
pub fn read_input_text(path: &Path, cap: u64) -> io::Result<String> {
    let bytes = read_input(path, cap, true)?;
    String::from_utf8(bytes).map_err(|e| {
        invalid(
            path,
            format!("is not valid UTF-8 (byte {})", e.utf8_error().valid_up_to()),
        )
    })
}

/// Where an output goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sink {
    /// `-` or `/dev/stdout`.
    Stdout,
    /// A character device or a FIFO: written in place, never replaced.
    InPlace(PathBuf),
    /// A regular file (or none yet): temp file, fsync, rename.
    File(PathBuf),
}

/// Decides where an output path goes, without writing anything.
///
/// # Errors
/// A symbolic link, a folder, a block device or a socket; a regular file
/// this user may not write (it would be silently replaced).
pub fn sink(path: &Path) -> Result<Sink, FsError> {
    if path.as_os_str() == "-" || path == Path::new("/dev/stdout") {
        return Ok(Sink::Stdout);
    }
    match fs::symlink_metadata(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Sink::File(path.to_path_buf())),
        Err(e) => Err(FsError::Io(format!("{}: {e}", path.display()))),
        Ok(m) => {
            let t = m.file_type();
            if t.is_char_device() || t.is_fifo() {
                Ok(Sink::InPlace(path.to_path_buf()))
            } else if t.is_file() {
                if rustix::fs::access(path, rustix::fs::Access::WRITE_OK).is_err() {
                    return Err(FsError::NotWritable(format!(
                        "{} is not writable by this user; harden does not replace it",
                        path.display()
                    )));
                }
                Ok(Sink::File(path.to_path_buf()))
            } else {
                Err(FsError::NotRegular(format!(
                    "{} is {}; harden writes only to regular files, character devices and FIFOs",
                    path.display(),
                    kind_of(&m)
                )))
            }
        }
    }
}

/// Writes `bytes` to an output: stdout, a device or FIFO in place (a FIFO
/// nobody reads is an error, not a hang), or a regular file through a
/// temp file and a rename.
///
/// # Errors
/// What [`sink`] refuses, and any write failure, naming the path.
pub fn write_output(path: &Path, bytes: &[u8]) -> Result<(), FsError> {
    match sink(path)? {
        Sink::Stdout => {
            let mut o = io::stdout().lock();
            o.write_all(bytes)
                .and_then(|()| o.flush())
                .map_err(|e| FsError::Io(format!("cannot write to stdout: {e}")))
        }
        Sink::InPlace(p) => write_in_place(&p, bytes),
        Sink::File(p) => replace_file(&p, bytes, None).map_err(|e| FsError::Io(e.to_string())),
    }
}

fn write_in_place(path: &Path, bytes: &[u8]) -> Result<(), FsError> {
    let f = OpenOptions::new()
        .write(true)
        .custom_flags(flag(OFlags::NONBLOCK | OFlags::NOFOLLOW | OFlags::NOCTTY))
        .open(path)
        .map_err(|e| {
            if e.raw_os_error() == Some(rustix::io::Errno::NXIO.raw_os_error()) {
                FsError::NoReader(format!(
                    "{} is a FIFO that nothing reads; start the reader first",
                    path.display()
                ))
            } else {
                FsError::Io(format!("cannot write to {}: {e}", path.display()))
            }
        })?;
    let m = f
        .metadata()
        .map_err(|e| FsError::Io(format!("{}: {e}", path.display())))?;
    if !(m.file_type().is_char_device() || m.file_type().is_fifo()) {
        return Err(FsError::NotRegular(format!(
            "{} changed while harden opened it; nothing written",
            path.display()
        )));
    }
    // Back to blocking writes now that a reader exists.
    let io = |e: &dyn std::fmt::Display| FsError::Io(format!("{}: {e}", path.display()));
    let flags = rustix::fs::fcntl_getfl(&f).map_err(|e| io(&e))?;
    rustix::fs::fcntl_setfl(&f, flags - OFlags::NONBLOCK).map_err(|e| io(&e))?;
    (&f).write_all(bytes)
        .map_err(|e| FsError::Io(format!("cannot write to {}: {e}", path.display())))
}

/// Creates a new file exclusively: fails when anything (a file, a link, a
/// FIFO) is already at `path`.
///
/// # Errors
/// `AlreadyExists` when something is there; other open errors.
pub fn create_new(path: &Path, mode: u32) -> io::Result<File> {
    let f = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .custom_flags(flag(OFlags::NOFOLLOW | OFlags::CLOEXEC))
        .open(path)?;
    // The umask may have taken bits away; the mode asked is the mode given.
    f.set_permissions(fs::Permissions::from_mode(mode))?;
    Ok(f)
}

/// The error when something at `path` is not a regular file (a link, a
/// device, a FIFO, a folder), or `None` when it is a regular file or absent.
pub fn not_regular(path: &Path) -> Option<io::Error> {
    match fs::symlink_metadata(path) {
        Ok(m) if !m.file_type().is_file() => Some(invalid(
            path,
            format!(
                "is {}; harden only replaces regular files, and never writes through links",
                kind_of(&m)
            ),
        )),
        _ => None,
    }
}

/// What is at a path harden wants to write into as a folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Folder {
    /// Nothing (it may be created), or a folder.
    Usable,
    /// A symbolic link: a `.harden` committed as a link to `/etc` must not
    /// receive the state, its lock or its backups, nor an `--out` the
    /// generated files.
    Link,
    /// Something else, by [`kind_of`].
    Not(&'static str),
}

/// What is at `dir`, without following a link.
pub fn folder(dir: &Path) -> Folder {
    match fs::symlink_metadata(dir) {
        Ok(m) if m.file_type().is_symlink() => Folder::Link,
        Ok(m) if !m.is_dir() => Folder::Not(kind_of(&m)),
        _ => Folder::Usable,
    }
}

/// Refuses a state folder that is a symbolic link.
///
/// # Errors
/// Names the folder.
pub fn refuse_linked_dir(dir: &Path) -> io::Result<()> {
    match folder(dir) {
        Folder::Link => Err(invalid(
            dir,
            "is a symbolic link; harden does not write its state through links (replace it with a folder, or use --state)"
                .into(),
        )),
        _ => Ok(()),
    }
}

/// A temp file name beside `path`, unique to this process and call.
pub fn temp_beside(path: &Path, tag: &str) -> PathBuf {
    use rand::RngExt;
    let n: u32 = rand::rng().random();
    let mut name = std::ffi::OsString::from(".");
    name.push(path.file_name().unwrap_or_default());
    name.push(format!(".{tag}-{}-{n:08x}", std::process::id()));
    path.with_file_name(name)
}

/// Writes a temp file beside `path` (exclusively created, fsynced), for a
/// later rename over `path`. The caller removes it on failure.
///
/// # Errors
/// Creating or writing the temp file.
pub fn write_temp(path: &Path, bytes: &[u8], mode: u32) -> io::Result<PathBuf> {
    let tmp = temp_beside(path, "tmp");
    let written = create_new(&tmp, mode).and_then(|mut f| {
        f.write_all(bytes)?;
        f.sync_all()
    });
    match written {
        Ok(()) => Ok(tmp),
        Err(e) => {
            let _ = fs::remove_file(&tmp);
            Err(io::Error::new(
                e.kind(),
                format!(
                    "cannot write a temp file in {}: {e}",
                    parent(path).display()
                ),
            ))
        }
    }
}

/// The folder a path is in (`.` for a bare name).
pub fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

/// Replaces (or creates) a regular file atomically: temp file, fsync,
/// rename, folder fsync. Refuses when `path` is a link or not a regular
/// file. The new file gets `mode`, or keeps the old file's mode, or 0644.
///
/// # Errors
/// A refusal or a write failure, naming the path; `path` is unchanged.
pub fn replace_file(path: &Path, bytes: &[u8], mode: Option<u32>) -> io::Result<()> {
    if let Some(e) = not_regular(path) {
        return Err(e);
    }
    let mode = mode
        .or_else(|| {
            fs::symlink_metadata(path)
                .ok()
                .map(|m| m.permissions().mode() & 0o7777)
        })
        .unwrap_or(0o644);
    let tmp = write_temp(path, bytes, mode)?;
    // The same check again just before the rename narrows the window in
    // which something else could be planted at `path`.
    if let Some(e) = not_regular(path) {
        let _ = fs::remove_file(&tmp);
        return Err(e);
    }
    if let Err(e) = fs::rename(&tmp, path) {
        let _ = fs::remove_file(&tmp);
        return Err(io::Error::new(
            e.kind(),
            format!("cannot replace {}: {e}", path.display()),
        ));
    }
    sync_dir(parent(path));
    Ok(())
}

/// Makes renames in a folder durable; some filesystems refuse, harmlessly.
pub fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Copies a regular file to a new backup beside it, `NAME.bak-STAMP` (or
/// `NAME.bak-STAMP-2`, `-3`, … when that exists): created exclusively,
/// never through a link, with the original's mode. Returns the backup.
///
/// # Errors
/// The original is not a regular file, or the copy fails.
pub fn backup(path: &Path, stamp: &str) -> io::Result<PathBuf> {
    let mut src = OpenOptions::new()
        .read(true)
        .custom_flags(flag(OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::NOCTTY))
        .open(path)?;
    let m = src.metadata()?;
    if !m.file_type().is_file() {
        return Err(invalid(
            path,
            format!("is {}; not backed up or replaced", kind_of(&m)),
        ));
    }
    let mode = m.permissions().mode() & 0o777;
    let name = path.file_name().unwrap_or_default().to_os_string();
    for n in 1..1000 {
        let mut bak = name.clone();
        bak.push(format!(".bak-{stamp}"));
        if n > 1 {
            bak.push(format!("-{n}"));
        }
        let bak = path.with_file_name(bak);
        match create_new(&bak, mode) {
            Ok(mut out) => {
                let copied = io::copy(&mut src, &mut out).and_then(|_| out.sync_all());
                if let Err(e) = copied {
                    let _ = fs::remove_file(&bak);
                    return Err(e);
                }
                return Ok(bak);
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(invalid(
        path,
        "too many backups with the same time stamp".into(),
    ))
}

/// Opens (creating when needed) a lock file: never through a link, never
/// something that is not a regular file, mode 0600.
///
/// # Errors
/// A link, a non-regular file, or the open failing.
pub fn open_lock(path: &Path) -> io::Result<File> {
    let f = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .custom_flags(flag(
            OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC | OFlags::NOCTTY,
        ))
        .open(path)
        .map_err(|e| {
            if e.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error()) {
                invalid(
                    path,
                    "is a symbolic link; harden does not lock or write through links (remove it)"
                        .into(),
                )
            } else {
                e
            }
        })?;
    let m = f.metadata()?;
    if !m.file_type().is_file() {
        return Err(invalid(
            path,
            format!("is {}, not a regular lock file (remove it)", kind_of(&m)),
        ));
    }
    Ok(f)
}

/// True when two paths name the same file: the same inode when both
/// exist, else the same absolute path (the folder resolved, the name not).
pub fn same_file(a: &Path, b: &Path) -> bool {
    if let (Ok(x), Ok(y)) = (fs::metadata(a), fs::metadata(b)) {
        return x.dev() == y.dev() && x.ino() == y.ino();
    }
    let abs = |p: &Path| -> Option<PathBuf> {
        let dir = fs::canonicalize(parent(p)).ok()?;
        Some(dir.join(p.file_name()?))
    };
    matches!((abs(a), abs(b)), (Some(x), Some(y)) if x == y)
}

/// Refuses an output that is one of harden's own inputs.
///
/// # Errors
/// Names the output and which input it is.
pub fn refuse_inputs(output: &Path, inputs: &[(&str, &Path)]) -> Result<(), FsError> {
    if matches!(sink(output), Ok(Sink::Stdout | Sink::InPlace(_))) {
        return Ok(());
    }
    for (what, p) in inputs {
        if same_file(output, p) {
            return Err(FsError::OwnInput(format!(
                "--output {} is {what}; harden never writes over its own inputs",
                output.display()
            )));
        }
    }
    // Any env file, and anything in harden's own folder (the state, the
    // generated files with live secrets, .gitignore), whatever the flags.
    if output
        .file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with(".env"))
    {
        return Err(FsError::OwnInput(format!(
            "--output {} is an env file; harden never writes a report over one",
            output.display()
        )));
    }
    let abs = |p: &Path| fs::canonicalize(parent(p)).ok();
    if let Some(dir) = abs(output) {
        for (_, p) in inputs {
            if let Some(harden_dir) =
                abs(p).filter(|d| d.file_name().is_some_and(|n| n == ".harden"))
                && dir.starts_with(&harden_dir)
            {
                return Err(FsError::OwnInput(format!(
                    "--output {} is inside harden's own folder {}; write reports elsewhere",
                    output.display(),
                    harden_dir.display()
                )));
            }
        }
    }
    Ok(())
}

/// Warns (returns the warning) when a folder is writable by everyone.
pub fn world_writable_warning(dir: &Path) -> Option<String> {
    let m = fs::symlink_metadata(dir).ok()?;
    (m.is_dir() && m.permissions().mode() & 0o002 != 0 && m.permissions().mode() & 0o1000 == 0)
        .then(|| {
            format!(
                "{} is writable by every user: anyone on this host can plant files harden reads (chmod o-w {})",
                dir.display(),
                dir.display()
            )
        })
}

#[cfg(test)]
mod tests;
