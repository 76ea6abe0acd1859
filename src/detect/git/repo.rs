//! Reading the repository through `git`: its root above the project, the
//! tracked files with their blobs, every env-like file in the history of
//! every ref, the blobs themselves, and whether a path is ignored.
//!
//! Every command runs with the repository's own programs switched off
//! (fsmonitor, pager, external diff, any transport) and with small pack
//! windows, so that a large history costs time, not memory. The history is
//! read in two halves at once: the work is one tree diff per commit, and
//! two cores halve it.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use super::GitError;
use crate::detect::proc;

/// Env-like names in history: `.env`, `.env.production`, `prod.env`,
/// `app.env.example`, in any folder and any case (git's pathspec `*`
/// crosses folders).
const HISTORY_PATHSPEC: &str = ":(icase)*.env*";
/// Most env-like blobs read from history and the index.
pub const MAX_BLOBS: usize = 5000;
/// Largest env-like blob read; a bigger one is named, not read.
pub const MAX_BLOB_BYTES: u64 = 4 * 1024 * 1024;
/// Most bytes of env-like blobs read in all.
const MAX_BLOB_TOTAL: u64 = 48 * 1024 * 1024;

/// A tracked file: its path from the repository root (as shown, and as
/// the bytes git holds, which need not be UTF-8) and its blob.
#[derive(Debug, Clone)]
pub struct Tracked {
    pub path: String,
    pub raw: Vec<u8>,
    pub blob: String,
}

/// Where an env-like blob was seen in history.
#[derive(Debug, Clone, Default)]
pub struct Seen {
    /// Commits that wrote this blob at this path, newest first.
    pub commits: Vec<String>,
}

/// What the detector needs from the repository.
pub struct Repo {
    /// The work tree's top folder.
    pub root: PathBuf,
    /// The project's folder relative to `root` (`""` at the root,
    /// `backend/` below it).
    pub prefix: String,
    pub tracked: Vec<Tracked>,
    /// (path, blob) of every env-like file any commit wrote.
    pub history: BTreeMap<(String, String), Seen>,
    /// Commits reachable from any ref.
    pub commits: usize,
}

/// The repository's top folder above `project`, found on the file system
/// (a `.git` folder, or the `.git` file of a worktree or submodule).
pub fn find_root(project: &Path) -> Option<PathBuf> {
    let start = std::fs::canonicalize(project).ok()?;
    start
        .ancestors()
        .take(64)
        .find(|d| std::fs::symlink_metadata(d.join(".git")).is_ok())
        .map(Path::to_path_buf)
}

/// A git command on `root` that runs none of the repository's programs.
fn command(root: &Path, args: &[&str]) -> Command {
    command_in(root, &root.display().to_string(), args)
}

/// As [`command`], in `dir`, trusting the repository at `safe`.
fn command_in(dir: &Path, safe: &str, args: &[&str]) -> Command {
    let mut c = Command::new("git");
    c.arg("-C").arg(dir).arg("--no-pager");
    // The fleet key is harden's alone: no child sees it.
    c.env_remove(crate::detect::fingerprint::KEY_ENV)
        .env_remove(crate::detect::fingerprint::KEY_FILE_ENV);
    // safe.directory: harden runs as root on a checkout a deploy user owns;
    // git would refuse it ("dubious ownership"). The protection is against
    // the repository's config running programs, and every such setting a
    // read of history could reach is switched off here.
    let safe = format!("safe.directory={safe}");
    for (k, v) in [
        ("core.fsmonitor", "false"),
        ("diff.external", ""),
        ("protocol.allow", "never"),
        ("core.packedGitWindowSize", "1m"),
        ("core.packedGitLimit", "16m"),
        ("core.deltaBaseCacheLimit", "4m"),
        ("diff.renames", "false"),
        // Signature checks run gpg.program or gpg.ssh.program, which the
        // repository's config names.
        ("log.showSignature", "false"),
        ("gpg.program", "false"),
        ("gpg.ssh.program", "false"),
        ("gpg.x509.program", "false"),
        ("core.askPass", ""),
        ("core.sshCommand", "false"),
        ("credential.helper", ""),
    ] {
        c.arg("-c").arg(format!("{k}={v}"));
    }
    c.arg("-c").arg(safe);
    c.args(args)
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_OPTIONAL_LOCKS", "0")
        .env("LC_ALL", "C")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE");
    c
}

fn run(
    root: &Path,
    args: &[&str],
    input: Option<Vec<u8>>,
    deadline: Duration,
) -> Result<Output, GitError> {
    proc::run_fed(command(root, args), input, deadline).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => GitError::NotInstalled,
        _ => GitError::Failed {
            command: args.first().unwrap_or(&"").to_string(),
            why: e.to_string(),
        },
    })
}

/// Runs and requires success; the error keeps git's first line.
fn ok(
    root: &Path,
    args: &[&str],
    input: Option<Vec<u8>>,
    deadline: Duration,
) -> Result<Vec<u8>, GitError> {
    let o = run(root, args, input, deadline)?;
    if o.status.success() {
        Ok(o.stdout)
    } else {
        let why = String::from_utf8_lossy(&o.stderr);
        Err(GitError::Failed {
            command: args.first().unwrap_or(&"").to_string(),
            why: crate::util::redact::escape_controls(why.lines().next().unwrap_or("failed")),
        })
    }
}

/// A reading thread that panicked: said as the command it ran.
fn stopped(command: &str) -> GitError {
    GitError::Failed {
        command: command.into(),
        why: "the thread reading its output stopped".into(),
    }
}

/// Reads the repository that holds `project`.
///
/// # Errors
/// No git, not a repository, or a command that failed or ran out of time.
pub fn read(project: &Path, deadline: Duration) -> Result<Repo, GitError> {
    // Git's own answer (an empty `.git` folder is no repository to git),
    // for a checkout another user may own: this one command reads no
    // config that runs anything (see `command`).
    find_root(project).ok_or(GitError::NotARepository)?;
    let c = command_in(project, "*", &["rev-parse", "--show-toplevel"]);
    let top = proc::run(c, deadline).map_err(|e| GitError::Failed {
        command: "rev-parse".into(),
        why: e.to_string(),
    })?;
    if !top.status.success() {
        return Err(GitError::NotARepository);
    }
    let root = {
        use std::os::unix::ffi::OsStrExt;
        let out = top.stdout.strip_suffix(b"\n").unwrap_or(&top.stdout);
        PathBuf::from(std::ffi::OsStr::from_bytes(out))
    };
    let project = std::fs::canonicalize(project).unwrap_or_else(|_| project.to_path_buf());
    let prefix = match project.strip_prefix(&root) {
        Ok(p) if p.as_os_str().is_empty() => String::new(),
        Ok(p) => format!("{}/", p.display()),
        Err(_) => String::new(),
    };
    let revs = run(&root, &["rev-list", "--all"], None, deadline)?;
    if !revs.status.success() {
        // An empty repository has no commit to list: not an error.
        let head = run(&root, &["rev-parse", "--git-dir"], None, deadline)?;
        if !head.status.success() {
            return Err(GitError::NotARepository);
        }
    }
    let revs = revs.stdout;
    let commits = revs
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .count();
    let (tracked, history) = std::thread::scope(|s| {
        let index = s.spawn(|| ok(&root, &["ls-files", "-s", "-z"], None, deadline));
        let history = history(&root, &revs, deadline);
        let index = index.join().unwrap_or(Err(stopped("ls-files")));
        (index, history)
    });
    Ok(Repo {
        root,
        prefix,
        tracked: parse_index(&tracked?),
        history: history?,
        commits,
    })
}

/// `git ls-files -s -z`: `MODE BLOB STAGE\tPATH\0`, regular files only
/// (not links, not submodules).
fn parse_index(out: &[u8]) -> Vec<Tracked> {
    out.split(|&b| b == 0)
        .filter_map(|rec| {
            let tab = rec.iter().position(|&b| b == b'\t')?;
            let meta = std::str::from_utf8(&rec[..tab]).ok()?;
            let raw = rec[tab + 1..].to_vec();
            let mut m = meta.split(' ');
            let mode = m.next()?;
            let blob = m.next()?;
            (mode == "100644" || mode == "100755").then(|| Tracked {
                path: String::from_utf8_lossy(&raw).into_owned(),
                raw,
                blob: blob.to_string(),
            })
        })
        .collect()
}

/// Every env-like blob any commit wrote, from two `git log` runs over the
/// two halves of the commit list, at the same time.
fn history(
    root: &Path,
    revs: &[u8],
    deadline: Duration,
) -> Result<BTreeMap<(String, String), Seen>, GitError> {
    let lines: Vec<&[u8]> = revs
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .collect();
    let half = lines.len().div_ceil(2);
    let chunks: Vec<Vec<u8>> = lines.chunks(half.max(1)).map(|c| c.join(&b'\n')).collect();
    // --full-history: the default simplification would drop a side branch
    // that added an env file and removed it again before its merge.
    let args = [
        "log",
        "--no-walk=unsorted",
        "--stdin",
        "--full-history",
        "--no-renames",
        "--no-show-signature",
        // A merge's own changes (a conflict resolved with a new file, a
        // stash's work tree) show against its first parent.
        "--diff-merges=first-parent",
        "--no-abbrev",
        "--raw",
        "-z",
        "--format=C%H",
        "--",
        HISTORY_PATHSPEC,
    ];
    let outs: Vec<Result<Vec<u8>, GitError>> = std::thread::scope(|s| {
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|mut c| {
                c.push(b'\n');
                s.spawn(move || ok(root, &args, Some(c), deadline))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or(Err(stopped("log"))))
            .collect()
    });
    let mut seen: BTreeMap<(String, String), Seen> = BTreeMap::new();
    for out in outs {
        parse_log(&out?, &mut seen);
    }
    Ok(seen)
}

/// `git log --raw -z --format=C%H`: a commit line, then for each change
/// `:MODE MODE BLOB BLOB STATUS\0PATH\0`. Deletions write no blob.
fn parse_log(out: &[u8], seen: &mut BTreeMap<(String, String), Seen>) {
    let mut commit = String::new();
    let mut tokens = out.split(|&b| b == 0);
    while let Some(tok) = tokens.next() {
        let tok = String::from_utf8_lossy(tok);
        let tok = tok.trim_start_matches('\n');
        if let Some(h) = tok.strip_prefix('C')
            && h.len() >= 40
            && h.bytes().all(|b| b.is_ascii_hexdigit())
        {
            commit = h.to_string();
        } else if let Some(meta) = tok.strip_prefix(':') {
            let Some(path) = tokens.next() else { break };
            let f: Vec<&str> = meta.split(' ').collect();
            let (Some(mode), Some(blob)) = (f.get(1), f.get(3)) else {
                continue;
            };
            if blob.bytes().all(|b| b == b'0') || !mode.starts_with("100") {
                continue;
            }
            let path = String::from_utf8_lossy(path).into_owned();
            seen.entry((path, blob.to_string()))
                .or_default()
                .commits
                .push(commit.clone());
        }
    }
}

/// Blobs read by id.
#[derive(Debug, Default)]
pub struct Blobs {
    pub texts: HashMap<String, Vec<u8>>,
    /// Ids of blobs over [`MAX_BLOB_BYTES`], not read.
    pub too_big: Vec<String>,
}

/// Reads blobs by id, at most [`MAX_BLOBS`] of at most [`MAX_BLOB_BYTES`]
/// each and 48 MiB in all; the ones not read are returned apart (a caller
/// must not call a repository clean with blobs unread).
///
/// # Errors
/// As [`read`].
pub fn blobs(root: &Path, ids: &[&str], deadline: Duration) -> Result<Blobs, GitError> {
    let ids: Vec<&str> = ids.iter().copied().take(MAX_BLOBS).collect();
    let sizes_input = ids.join("\n") + "\n";
    if ids.is_empty() {
        return Ok(Blobs::default());
    }
    let sizes = ok(
        root,
        &["cat-file", "--batch-check=%(objectname) %(objectsize)"],
        Some(sizes_input.into_bytes()),
        deadline,
    )?;
    let mut small = Vec::new();
    let mut big = Vec::new();
    let mut total = 0;
    for line in String::from_utf8_lossy(&sizes).lines() {
        let mut f = line.split(' ');
        let (Some(id), Some(size)) = (f.next(), f.next()) else {
            continue;
        };
        match size.parse::<u64>() {
            Ok(n) if n <= MAX_BLOB_BYTES && total + n <= MAX_BLOB_TOTAL => {
                total += n;
                small.push(id.to_string());
            }
            Ok(_) => big.push(id.to_string()),
            Err(_) => {}
        }
    }
    if small.is_empty() {
        return Ok(Blobs {
            too_big: big,
            ..Blobs::default()
        });
    }
    let list = small.join("\n") + "\n";
    let out = ok(
        root,
        &["cat-file", "--batch"],
        Some(list.into_bytes()),
        deadline,
    )?;
    Ok(Blobs {
        texts: parse_batch(&out),
        too_big: big,
    })
}

/// `git cat-file --batch`: `ID TYPE SIZE\n`, SIZE bytes, `\n`, repeated.
fn parse_batch(mut out: &[u8]) -> HashMap<String, Vec<u8>> {
    let mut found = HashMap::new();
    while let Some(nl) = out.iter().position(|&b| b == b'\n') {
        let head = String::from_utf8_lossy(&out[..nl]).into_owned();
        out = &out[nl + 1..];
        let f: Vec<&str> = head.split(' ').collect();
        let (Some(id), Some(size)) = (f.first(), f.get(2).and_then(|s| s.parse::<usize>().ok()))
        else {
            continue;
        };
        if size > out.len() {
            break;
        }
        found.insert((*id).to_string(), out[..size].to_vec());
        out = out.get(size + 1..).unwrap_or_default();
    }
    found
}

/// Which of git's ignore sources excludes `path` (relative to the root):
/// `None` when nothing does, else the file the matching rule is in
/// (`.gitignore`, `backend/.gitignore`, `.git/info/exclude`, or the
/// operator's global excludes file).
///
/// # Errors
/// As [`read`].
pub fn ignored_by(root: &Path, path: &str, deadline: Duration) -> Result<Option<String>, GitError> {
    // --no-index: judged by the rules even when the file is tracked.
    let o = run(
        root,
        &["check-ignore", "--no-index", "-v", "-z", "--stdin"],
        Some(format!("{path}\0").into_bytes()),
        deadline,
    )?;
    // 0: ignored, 1: not ignored, anything else: an error.
    match o.status.code() {
        Some(0) => {
            let fields: Vec<&[u8]> = o.stdout.split(|&b| b == 0).collect();
            let source = fields
                .first()
                .map(|s| String::from_utf8_lossy(s).into_owned())
                .unwrap_or_default();
            let pattern = fields.get(2).map(|s| s.starts_with(b"!")).unwrap_or(false);
            // A matching negation (`!.env`) means "not ignored".
            Ok((!pattern).then_some(source))
        }
        Some(1) => Ok(None),
        _ => Err(GitError::Failed {
            command: "check-ignore".into(),
            why: crate::util::redact::escape_controls(
                String::from_utf8_lossy(&o.stderr)
                    .lines()
                    .next()
                    .unwrap_or("failed"),
            ),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_records_are_parsed() {
        let c1 = "a".repeat(40);
        let c2 = "b".repeat(40);
        let blob = "c".repeat(40);
        let zero = "0".repeat(40);
        let out = format!(
            "C{c1}\0\n:000000 100644 {zero} {blob} A\0backend/.env\0C{c2}\0\n:100644 000000 {blob} {zero} D\0backend/.env\0:000000 120000 {zero} {blob} A\0link.env\0"
        );
        let mut seen = BTreeMap::new();
        parse_log(out.as_bytes(), &mut seen);
        assert_eq!(seen.len(), 1, "a deletion and a link write no env blob");
        let s = &seen[&("backend/.env".to_string(), blob)];
        assert_eq!(s.commits, vec![c1]);
    }

    #[test]
    fn batch_output_is_split_by_size() {
        let out = b"aaa blob 5\nA=1\n\n\nbbb blob 3\nx\ny\nccc missing\n";
        let b = parse_batch(out);
        assert_eq!(b["aaa"], b"A=1\n\n");
        assert_eq!(b["bbb"], b"x\ny");
        assert_eq!(b.len(), 2);
    }

    #[test]
    fn index_keeps_regular_files() {
        let out = b"100644 1111 0\tapp/.env\x00120000 2222 0\tlink.env\x00160000 3333 0\tsub\x00";
        let t = parse_index(out);
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].path, "app/.env");
        assert_eq!(t[0].blob, "1111");
    }
}
