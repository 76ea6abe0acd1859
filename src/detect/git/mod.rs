//! Git hygiene, judged from the repository's root whatever folder the
//! project is in: env-like files tracked or anywhere in history, judged by
//! what they hold (a file of samples is not a leak, a real-looking key is,
//! under any name); the env file's secrets, AWS keys and private keys in
//! tracked files, with test data reported apart; the env file covered by
//! `.gitignore` and `.dockerignore`; and a security contact. Evidence
//! names files, keys and lines, never a value.

mod leaks;
mod repo;

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::LazyLock;

use regex::Regex;

pub use leaks::{is_env_like, is_test_data};
pub use repo::find_root;

use super::{Detector, Finding, Inputs, Outcome, Report};

/// Items this detector fills.
pub const ITEMS: &[&str] = &[
    "env.secret_key_not_committed",
    "external.no_secrets_in_repo",
    "incident.security_contact",
];

const MAX_SCAN_BYTES: u64 = 1024 * 1024;
/// Most tracked files searched for keys.
const MAX_SCAN_FILES: usize = 20_000;

static PRIVATE_KEY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----")
        .expect("static regex")
});

/// Why the repository could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GitError {
    #[error("git is not installed")]
    NotInstalled,
    #[error("not a git repository, so history and tracked files cannot be checked")]
    NotARepository,
    /// git failed or ran out of time; the text says which command.
    #[error("git {command}: {why}")]
    Failed { command: String, why: String },
}

/// Runs the detector.
pub fn detect(inputs: &Inputs) -> Report {
    let mut findings = Vec::new();
    match repo::read(&inputs.project, inputs.deadline).and_then(|r| judge_repo(inputs, &r)) {
        Err(e) => {
            let why = e.to_string();
            for item in &ITEMS[..2] {
                findings.push(Finding::new(item, Outcome::Unknown, why.clone()));
            }
        }
        Ok(f) => findings.extend(f),
    }
    findings.push(security_contact(inputs));
    Report::new(Detector::Git, findings)
}

/// An env-like file in the index or in history that holds real-looking
/// secrets.
struct Leak {
    path: String,
    /// "tracked", or "history, commit abc1234".
    place: String,
    keys: Vec<leaks::RealSecret>,
}

impl Leak {
    fn describe(&self) -> String {
        let keys: Vec<String> = self
            .keys
            .iter()
            .map(|k| format!("{} ({})", k.key, k.strength))
            .collect();
        format!(
            "{} ({}) holds real-looking {}",
            self.path,
            self.place,
            keys.join(", ")
        )
    }
}

/// What the index and the history give away.
#[derive(Default)]
struct Findings {
    leaks: Vec<Leak>,
    test_leaks: Vec<Leak>,
    /// Env-like files holding no real-looking secret.
    samples: BTreeSet<String>,
    /// Env-like blobs too big to read.
    unread: BTreeSet<String>,
}

fn short(commit: &str) -> &str {
    commit.get(..9).unwrap_or(commit)
}

fn env_files(
    inputs: &Inputs,
    r: &repo::Repo,
    current: &[(String, String)],
) -> Result<Findings, GitError> {
    // (path, blob, place): the index first, then history not in the index.
    let mut files: Vec<(String, String, String)> = r
        .tracked
        .iter()
        .filter(|t| is_env_like(&t.path))
        .map(|t| (t.path.clone(), t.blob.clone(), "tracked".to_string()))
        .collect();
    for ((path, blob), seen) in &r.history {
        if files.iter().any(|(p, b, _)| p == path && b == blob) {
            continue;
        }
        let first = seen.commits.last().map(String::as_str).unwrap_or("");
        let place = if seen.commits.len() > 1 {
            format!(
                "in history, {} commits from {}",
                seen.commits.len(),
                short(first)
            )
        } else {
            format!("in history, commit {}", short(first))
        };
        files.push((path.clone(), blob.clone(), place));
    }
    let mut ids: Vec<String> = files.iter().map(|(_, b, _)| b.clone()).collect();
    ids.sort_unstable();
    ids.dedup();
    let id_refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    let repo::Blobs {
        texts,
        too_big: big,
    } = repo::blobs(&r.root, &id_refs, inputs.deadline)?;
    let mut out = Findings::default();
    for (path, blob, place) in files {
        let Some(text) = texts.get(&blob) else {
            if big.contains(&blob) || ids.len() > repo::MAX_BLOBS {
                out.unread.insert(path);
            }
            continue;
        };
        let mut keys = leaks::reused(text, current);
        // The value in use now is a leak wherever it sits, test data too.
        let live = !keys.is_empty();
        for k in leaks::real_secrets(text) {
            if !keys.iter().any(|r| r.key == k.key) {
                keys.push(k);
            }
        }
        if keys.is_empty() {
            out.samples.insert(format!("{path} ({place})"));
            continue;
        }
        let leak = Leak { path, place, keys };
        if is_test_data(&leak.path) && !live {
            out.test_leaks.push(leak);
        } else {
            out.leaks.push(leak);
        }
    }
    Ok(out)
}

/// Positions of keys in tracked files, and of the env file's secrets.
#[derive(Default)]
struct Keys {
    aws: Vec<String>,
    private: Vec<String>,
    test_aws: Vec<String>,
    test_private: Vec<String>,
    /// (key of the env file, where its value appears).
    env_values: Vec<(String, String)>,
    scanned: usize,
    more: bool,
}

fn tracked_keys(r: &repo::Repo, current: &[(String, String)], env_rel: Option<&str>) -> Keys {
    let mut k = Keys::default();
    // Copies of the env file's secrets; short ones would match by chance.
    let values: Vec<&(String, String)> = current.iter().filter(|(_, v)| v.len() >= 12).collect();
    for t in &r.tracked {
        if k.scanned >= MAX_SCAN_FILES {
            k.more = true;
            break;
        }
        if Some(t.path.as_str()) == env_rel {
            continue;
        }
        // The bytes git holds: a file name need not be UTF-8.
        let path = r
            .root
            .join(<std::ffi::OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(&t.raw));
        // Never through a link: a tracked link may point anywhere.
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        if !meta.is_file() || meta.len() > MAX_SCAN_BYTES {
            continue;
        }
        let Ok(bytes) = crate::util::fsio::read_input(&path, MAX_SCAN_BYTES, false) else {
            continue;
        };
        if bytes[..bytes.len().min(8192)].contains(&0) {
            continue;
        }
        k.scanned += 1;
        let text = String::from_utf8_lossy(&bytes);
        let test = is_test_data(&t.path);
        for n in leaks::aws_key_lines(&text) {
            let at = format!("{}:{n}", t.path);
            if test {
                k.test_aws.push(at);
            } else {
                k.aws.push(at);
            }
        }
        for (i, line) in text.lines().enumerate() {
            if PRIVATE_KEY.is_match(line) {
                let at = format!("{}:{}", t.path, i + 1);
                if test {
                    k.test_private.push(at);
                } else {
                    k.private.push(at);
                }
            }
            for (key, v) in &values {
                if line.contains(v.as_str()) {
                    k.env_values
                        .push((key.clone(), format!("{}:{}", t.path, i + 1)));
                }
            }
        }
    }
    k
}

/// Whether the env file is kept out of git and out of the image.
struct Ignored {
    gaps: Vec<String>,
    covered: Vec<String>,
}

fn ignores(inputs: &Inputs, r: &repo::Repo, env_rel: &str) -> Result<Ignored, GitError> {
    let mut gaps = Vec::new();
    let mut covered = Vec::new();
    // Only a committed .gitignore keeps the file out of another clone.
    let committed = |src: &str| r.tracked.iter().any(|t| t.path == src);
    match repo::ignored_by(&r.root, env_rel, inputs.deadline)? {
        None => gaps.push(format!("{env_rel} is not in .gitignore")),
        Some(src) if src.ends_with(".gitignore") && committed(&src) => {
            covered.push(format!("{env_rel} is ignored by {src}"));
        }
        Some(src)
            if src.ends_with(".gitignore")
                && !src.starts_with(".git/")
                && !src.starts_with('/') =>
        {
            gaps.push(format!(
                "{env_rel} is ignored by {src}, which is not committed: another clone would commit the env file"
            ));
        }
        Some(src) => {
            let which = if src.contains("info/exclude") {
                ".git/info/exclude".to_string()
            } else {
                "a global excludes file of this machine".to_string()
            };
            gaps.push(format!(
                "{env_rel} is ignored only by {which}, not by a .gitignore in the repository: another clone would commit it"
            ));
        }
    }
    // The build context is the Dockerfile's folder: the project's, or the
    // repository root's with the env file below it.
    let has_docker = |dir: &Path| {
        [
            "Dockerfile",
            "docker-compose.yml",
            "compose.yaml",
            "docker-compose.yaml",
        ]
        .iter()
        .any(|f| dir.join(f).is_file())
    };
    let project = std::fs::canonicalize(&inputs.project).unwrap_or_else(|_| inputs.project.clone());
    let context = if has_docker(&project) {
        Some((project.clone(), ".env".to_string()))
    } else if has_docker(&r.root) {
        Some((r.root.clone(), env_rel.to_string()))
    } else {
        None
    };
    if let Some((dir, rel)) = context {
        let text = crate::util::fsio::read_input_text(
            &dir.join(".dockerignore"),
            crate::util::fsio::ENV_CAP,
        )
        .ok();
        let shown = if dir == r.root && !r.prefix.is_empty() {
            ".dockerignore at the repository root".to_string()
        } else {
            ".dockerignore".to_string()
        };
        if text.as_deref().is_some_and(|t| docker_excludes(t, &rel)) {
            covered.push(format!("{shown} excludes {rel}"));
        } else {
            gaps.push(format!(
                "a Dockerfile is present but {shown} does not exclude {rel} (it ends up in the image)"
            ));
        }
    }
    Ok(Ignored { gaps, covered })
}

fn judge_repo(inputs: &Inputs, r: &repo::Repo) -> Result<Vec<Finding>, GitError> {
    // A folder inside someone's repository that git does not track (a new
    // project under a home folder kept in git): that history is not its.
    if !r.prefix.is_empty()
        && !r.tracked.iter().any(|t| t.path.starts_with(&r.prefix))
        && !r.history.keys().any(|(p, _)| p.starts_with(&r.prefix))
    {
        let why = format!(
            "the project is inside the git repository at {}, but git tracks none of its files: its history and tracked files cannot be judged",
            r.root.display()
        );
        return Ok(ITEMS[..2]
            .iter()
            .map(|item| {
                Finding::new(item, Outcome::Unknown, why.clone())
                    .fix("Commit the project (or run harden on its own repository).")
            })
            .collect());
    }
    // The env file as the repository sees it (the project's .env when the
    // env file lives elsewhere, as on a server's /etc).
    let env_rel = inputs
        .env_file
        .canonicalize()
        .ok()
        .and_then(|p| {
            p.strip_prefix(&r.root)
                .ok()
                .map(|p| p.display().to_string())
        })
        .unwrap_or_else(|| format!("{}.env", r.prefix));
    // What the env file holds now (the working copy, not git's).
    let current = crate::util::fsio::read_input(&inputs.env_file, crate::util::fsio::ENV_CAP, true)
        .map(|b| leaks::secret_values(&b))
        .unwrap_or_default();
    let env = env_files(inputs, r, &current)?;
    let keys = tracked_keys(r, &current, Some(&env_rel));
    let ignored = ignores(inputs, r, &env_rel)?;
    let env_tracked = r.tracked.iter().any(|t| t.path == env_rel);
    let searched = format!(
        "{} of history{}, {} searched for keys{}",
        plural(r.commits, "commit"),
        if r.prefix.is_empty() {
            String::new()
        } else {
            format!(" (the whole repository, project in {})", r.prefix)
        },
        plural(keys.scanned, "tracked file"),
        if keys.more { " (the first ones)" } else { "" }
    );

    let mut fail = Vec::new();
    for l in &env.leaks {
        fail.push(l.describe());
    }
    let mut values: Vec<String> = keys
        .env_values
        .iter()
        .map(|(k, at)| {
            let what = if k.starts_with("the ") {
                k.clone()
            } else {
                format!("the {k}")
            };
            format!(
                "{what} of {} appears at {at}",
                inputs.show(&inputs.env_file)
            )
        })
        .collect();
    values.dedup();
    let mut warn = Vec::new();
    if env_tracked && !env.leaks.iter().any(|l| l.path == env_rel) {
        warn.push(format!(
            "{env_rel} is tracked: it holds no real-looking secret now, but production values written into it would be committed"
        ));
    }
    for l in &env.test_leaks {
        warn.push(format!("in test data, {}: check it is fake", l.describe()));
    }
    if !env.unread.is_empty() {
        warn.push(format!(
            "env-like files not read (over {} MiB, or past the reading budget), so not judged: {}{}",
            repo::MAX_BLOB_BYTES / (1024 * 1024),
            env.unread.iter().take(20).cloned().collect::<Vec<_>>().join(", "),
            if env.unread.len() > 20 {
                format!(" and {} more", env.unread.len() - 20)
            } else {
                String::new()
            }
        ));
    }
    let apart = if env.samples.is_empty() {
        String::new()
    } else {
        format!(
            "; env-like files with no real-looking secret (samples, URLs, flags): {}",
            env.samples.iter().cloned().collect::<Vec<_>>().join(", ")
        )
    };

    let rewrite = if env.leaks.iter().any(|l| l.place == "tracked") {
        "Remove the file from the index (git rm --cached), rotate every secret it held, and purge history (git filter-repo) if the repository is shared."
    } else {
        "Rotate every secret named (whoever has a clone has them), then purge the file from history (git filter-repo) if the repository is shared."
    };
    let mut out = Vec::new();
    let key_fail: Vec<String> = fail.iter().chain(&values).cloned().collect();
    let mut key_warn = warn.clone();
    key_warn.extend(ignored.gaps.iter().cloned());
    out.push(if !key_fail.is_empty() {
        Finding::new(
            "env.secret_key_not_committed",
            Outcome::Fail,
            format!("{}{apart}", key_fail.join("; ")),
        )
        .fix(rewrite)
    } else if !key_warn.is_empty() {
        Finding::new(
            "env.secret_key_not_committed",
            Outcome::Warn,
            format!("no real-looking secret committed ({searched}), but {}{apart}", key_warn.join("; ")),
        )
        .fix(if ignored.gaps.is_empty() {
            "Check the files named and keep real values out of git (git rm --cached)."
        } else {
            "Add the env file to the repository's .gitignore and to .dockerignore."
        })
    } else {
        Finding::new(
            "env.secret_key_not_committed",
            Outcome::Pass,
            format!(
                "no real-looking secret in a tracked or historical env file ({searched}); {}{apart}",
                ignored.covered.join(", ")
            ),
        )
    });

    let mut repo_fail = key_fail;
    if !keys.aws.is_empty() {
        repo_fail.push(format!("AWS access key ids at {}", keys.aws.join(", ")));
    }
    if !keys.private.is_empty() {
        repo_fail.push(format!("private keys at {}", keys.private.join(", ")));
    }
    let mut repo_warn: Vec<String> = env
        .test_leaks
        .iter()
        .map(|l| format!("in test data, {}: check it is fake", l.describe()))
        .collect();
    if !keys.test_aws.is_empty() {
        repo_warn.push(format!(
            "in test data, AWS access key ids at {}: check they are fake",
            keys.test_aws.join(", ")
        ));
    }
    if !env.unread.is_empty() {
        repo_warn.push(format!(
            "env-like files not read (over {} MiB, or past the reading budget), so not judged: {}",
            repo::MAX_BLOB_BYTES / (1024 * 1024),
            env.unread
                .iter()
                .take(20)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if !keys.test_private.is_empty() {
        repo_warn.push(format!(
            "in test data, private keys at {}: check they are test keys",
            keys.test_private.join(", ")
        ));
    }
    out.push(if !repo_fail.is_empty() {
        let mut e = repo_fail.join("; ");
        if !repo_warn.is_empty() {
            e.push_str(&format!("; apart: {}", repo_warn.join("; ")));
        }
        Finding::new("external.no_secrets_in_repo", Outcome::Fail, e).fix(
            "Remove the secrets from the repository, rotate them, and keep them in a secrets manager.",
        )
    } else if !repo_warn.is_empty() {
        Finding::new(
            "external.no_secrets_in_repo",
            Outcome::Warn,
            format!("{} ({searched})", repo_warn.join("; ")),
        )
        .fix("Make sure test data holds only fake keys, and say so in a comment beside them.")
    } else {
        Finding::new(
            "external.no_secrets_in_repo",
            Outcome::Pass,
            format!(
                "no real-looking secret in env files (tracked or in history), and no AWS access key in a key's context or private key in the working copy of tracked files ({searched}){apart}"
            ),
        )
    });
    Ok(out)
}

/// Whether a `.dockerignore` excludes `path` (relative to the build
/// context): Docker matches each pattern against the whole path from the
/// context root (`.env` is only the top one, `**/.env` any), and a match
/// of a parent folder excludes what is inside; the last match wins.
fn docker_excludes(text: &str, path: &str) -> bool {
    let mut excluded = false;
    let parts: Vec<&str> = path.split('/').collect();
    for line in text.lines() {
        let l = line.trim();
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        let (neg, pat) = match l.strip_prefix('!') {
            Some(p) => (true, p),
            None => (false, l),
        };
        let pat: Vec<&str> = pat
            .trim_start_matches("./")
            .trim_matches('/')
            .split('/')
            .filter(|s| !s.is_empty() && *s != ".")
            .collect();
        if (1..=parts.len()).any(|n| segments(&pat, &parts[..n])) {
            excluded = !neg;
        }
    }
    excluded
}

/// Matches path segments against pattern segments; `**` spans any number
/// of segments.
fn segments(pat: &[&str], path: &[&str]) -> bool {
    match (pat.first(), path.first()) {
        (None, None) => true,
        (Some(&"**"), _) => {
            segments(&pat[1..], path) || (!path.is_empty() && segments(pat, &path[1..]))
        }
        (Some(p), Some(s)) => glob(p.as_bytes(), s.as_bytes()) && segments(&pat[1..], &path[1..]),
        _ => false,
    }
}

/// `*` and `?` within one segment.
fn glob(p: &[u8], s: &[u8]) -> bool {
    match (p.first(), s.first()) {
        (None, None) => true,
        (Some(b'*'), _) => glob(&p[1..], s) || (!s.is_empty() && glob(p, &s[1..])),
        (Some(b'?'), Some(_)) => glob(&p[1..], &s[1..]),
        (Some(a), Some(b)) if a == b => glob(&p[1..], &s[1..]),
        _ => false,
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Looks in the project, then at the repository root above it: in a
/// monorepo the policy and `.github/` sit at the top.
fn security_contact(inputs: &Inputs) -> Finding {
    let candidates = [
        "SECURITY.md",
        ".github/SECURITY.md",
        "docs/SECURITY.md",
        ".well-known/security.txt",
        "static/.well-known/security.txt",
        "public/.well-known/security.txt",
    ];
    let mut places = vec![(inputs.project.clone(), String::new())];
    if let Some(root) = find_root(&inputs.project)
        && std::fs::canonicalize(&inputs.project).ok().as_ref() != Some(&root)
    {
        places.push((root, " (repository root)".to_string()));
    }
    let mut found: Vec<(String, String)> = Vec::new();
    for (dir, label) in &places {
        for c in candidates {
            if let Ok(t) =
                crate::util::fsio::read_input_text(&dir.join(c), crate::util::fsio::ENV_CAP)
            {
                found.push((format!("{c}{label}"), t));
            }
        }
    }
    let found: Vec<(&str, String)> = found.iter().map(|(n, t)| (n.as_str(), t.clone())).collect();
    if found.is_empty() {
        return Finding::new(
            "incident.security_contact",
            Outcome::Fail,
            if places.len() > 1 {
                "no SECURITY.md or security.txt in the project or at the repository root"
            } else {
                "no SECURITY.md or security.txt in the repository"
            },
        )
        .fix("Add SECURITY.md with the security contact (and serve /.well-known/security.txt).");
    }
    let with_contact: Vec<&str> = found
        .iter()
        .filter(|(name, t)| {
            if name.contains("security.txt") {
                t.lines()
                    .any(|l| l.trim_start().to_ascii_lowercase().starts_with("contact:"))
            } else {
                t.contains("mailto:")
                    || t.contains("https://")
                    || t.split_whitespace().any(|w| {
                        let w = w.trim_matches(|c: char| {
                            !c.is_ascii_alphanumeric() && c != '@' && c != '.'
                        });
                        w.contains('@') && w.rsplit('@').next().is_some_and(|d| d.contains('.'))
                    })
            }
        })
        .map(|(n, _)| *n)
        .collect();
    let names: Vec<&str> = found.iter().map(|(n, _)| *n).collect();
    if with_contact.is_empty() {
        Finding::new(
            "incident.security_contact",
            Outcome::Warn,
            format!(
                "{} found, but it names no contact (email, URL or Contact: line)",
                names.join(", ")
            ),
        )
        .fix("Name the security contact in it.")
    } else {
        Finding::new(
            "incident.security_contact",
            Outcome::Pass,
            format!("security contact in {}", with_contact.join(", ")),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn git(dir: &Path, args: &[&str]) {
        let ok = std::process::Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(["-c", "user.name=T", "-c", "user.email=t@example.invalid"])
            .args(args)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", dir)
            .status()
            .unwrap()
            .success();
        assert!(ok, "git {args:?}");
    }

    fn finding(dir: &Path, item: &str) -> Finding {
        let mut inputs = Inputs::new(dir);
        inputs.offline = true;
        detect(&inputs)
            .findings
            .into_iter()
            .find(|f| f.item == item)
            .unwrap()
    }

    #[test]
    fn ignore_rules_come_from_the_repository_not_this_machine() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path();
        git(p, &["init", "-q"]);
        std::fs::write(p.join(".env"), "DEBUG=false\n").unwrap();
        std::fs::write(p.join("app.py"), "x = 1\n").unwrap();
        git(p, &["add", "app.py"]);
        git(p, &["commit", "-q", "-m", "i"]);
        std::fs::write(p.join(".git/info/exclude"), ".env\n").unwrap();
        let f = finding(p, "env.secret_key_not_committed");
        assert_eq!(f.outcome, Outcome::Warn, "{}", f.evidence);
        assert!(
            f.evidence.contains("ignored only by .git/info/exclude"),
            "{}",
            f.evidence
        );
        // A negation in .gitignore wins over an earlier rule.
        std::fs::write(p.join(".git/info/exclude"), "").unwrap();
        std::fs::write(p.join(".gitignore"), ".env\n!.env\n").unwrap();
        let f = finding(p, "env.secret_key_not_committed");
        assert!(
            f.evidence.contains(".env is not in .gitignore"),
            "{}",
            f.evidence
        );
        std::fs::write(p.join(".gitignore"), "*.env\n").unwrap();
        // Not committed yet: another clone has no such rule.
        let f = finding(p, "env.secret_key_not_committed");
        assert_eq!(f.outcome, Outcome::Warn, "{}", f.evidence);
        assert!(
            f.evidence.contains("which is not committed"),
            "{}",
            f.evidence
        );
        git(p, &["add", ".gitignore"]);
        git(p, &["commit", "-q", "-m", "ignore"]);
        let f = finding(p, "env.secret_key_not_committed");
        assert_eq!(f.outcome, Outcome::Pass, "{}", f.evidence);
        assert!(
            f.evidence.contains(".env is ignored by .gitignore"),
            "{}",
            f.evidence
        );
    }

    #[test]
    fn a_tracked_link_is_not_followed() {
        let d = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let target = outside.path().join("creds");
        std::fs::write(&target, "aws_access_key_id = AKIAJ7QX2MDRZ4VNBL3Q\n").unwrap();
        let p = d.path();
        git(p, &["init", "-q"]);
        std::os::unix::fs::symlink(&target, p.join("notes.txt")).unwrap();
        std::fs::write(
            p.join("keys.ini"),
            "aws_access_key_id = AKIAJ7QX2MDRZ4VNBL3Q\n",
        )
        .unwrap();
        git(p, &["add", "-A"]);
        git(p, &["commit", "-q", "-m", "i"]);
        let f = finding(p, "external.no_secrets_in_repo");
        assert_eq!(f.outcome, Outcome::Fail);
        assert!(f.evidence.contains("keys.ini:1"), "{}", f.evidence);
        assert!(!f.evidence.contains("notes.txt"), "{}", f.evidence);
    }

    #[test]
    fn the_value_in_use_found_in_an_old_env_file() {
        // A weak key is no "real-looking" secret, but the one in use now,
        // found in history, is known to every clone.
        let d = tempfile::tempdir().unwrap();
        let p = d.path();
        git(p, &["init", "-q"]);
        std::fs::write(p.join(".gitignore"), ".env\n").unwrap();
        std::fs::create_dir(p.join("old")).unwrap();
        std::fs::write(p.join("old/.env"), "JWT_SECRET=mysecretkey123\n").unwrap();
        git(p, &["add", "-A"]);
        git(p, &["add", "-f", "old/.env"]);
        git(p, &["commit", "-q", "-m", "i"]);
        git(p, &["rm", "-q", "old/.env"]);
        git(p, &["commit", "-q", "-m", "rm"]);
        std::fs::write(p.join(".env"), "SECRET_KEY=mysecretkey123\n").unwrap();
        let f = finding(p, "env.secret_key_not_committed");
        assert_eq!(f.outcome, Outcome::Fail, "{}", f.evidence);
        assert!(
            f.evidence.contains("old/.env (in history, commit "),
            "{}",
            f.evidence
        );
        assert!(
            f.evidence
                .contains("JWT_SECRET (the value SECRET_KEY has now)"),
            "{}",
            f.evidence
        );
        assert!(!f.evidence.contains("mysecret"));
    }

    const REAL: &str = "SECRET_KEY=Vq3uV7hT0pZ9xK2mR8sW4yB6nC1dF5gJ\n";

    fn repo_with_commit() -> tempfile::TempDir {
        let d = tempfile::tempdir().unwrap();
        let p = d.path();
        git(p, &["init", "-q", "-b", "main"]);
        std::fs::write(p.join(".gitignore"), ".env\n").unwrap();
        git(p, &["add", "-A"]);
        git(p, &["commit", "-q", "-m", "i"]);
        d
    }

    #[test]
    fn the_repositorys_config_runs_no_signature_program() {
        let d = repo_with_commit();
        let p = d.path();
        let marker = p.join("ran");
        let evil = p.join("evil.sh");
        std::fs::write(&evil, format!("#!/bin/sh\ntouch {}\n", marker.display())).unwrap();
        std::fs::set_permissions(&evil, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .unwrap();
        // A commit carrying a signature header, written by hand.
        std::fs::write(p.join("x.env"), "A=1\n").unwrap();
        git(p, &["add", "-f", "x.env"]);
        git(p, &["commit", "-q", "-m", "env"]);
        let body = std::process::Command::new("git")
            .arg("-C")
            .arg(p)
            .args(["cat-file", "commit", "HEAD"])
            .output()
            .unwrap()
            .stdout;
        let body = String::from_utf8(body).unwrap().replacen(
            "\n\n",
            "\ngpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEE\n -----END PGP SIGNATURE-----\n\n",
            1,
        );
        std::fs::write(p.join("signed"), body).unwrap();
        let id = std::process::Command::new("git")
            .arg("-C")
            .arg(p)
            .args(["hash-object", "-t", "commit", "-w", "signed"])
            .output()
            .unwrap()
            .stdout;
        let id = String::from_utf8(id).unwrap().trim().to_string();
        git(p, &["update-ref", "refs/heads/main", &id]);
        git(p, &["config", "log.showSignature", "true"]);
        git(p, &["config", "gpg.program", &evil.display().to_string()]);
        git(
            p,
            &["config", "core.fsmonitor", &evil.display().to_string()],
        );
        git(p, &["config", "core.pager", &evil.display().to_string()]);
        let f = finding(p, "env.secret_key_not_committed");
        assert!(f.evidence.contains("x.env"), "{}", f.evidence);
        assert!(!marker.exists(), "the repository's program ran");
    }

    #[test]
    fn a_file_only_a_merge_or_a_stash_wrote_is_read() {
        let d = repo_with_commit();
        let p = d.path();
        git(p, &["checkout", "-q", "-b", "side"]);
        std::fs::write(p.join("a.txt"), "side\n").unwrap();
        git(p, &["add", "a.txt"]);
        git(p, &["commit", "-q", "-m", "side"]);
        git(p, &["checkout", "-q", "main"]);
        git(p, &["merge", "-q", "--no-ff", "--no-commit", "side"]);
        std::fs::write(p.join("deploy.env"), REAL).unwrap();
        git(p, &["add", "-f", "deploy.env"]);
        git(p, &["commit", "-q", "-m", "merge"]);
        git(p, &["rm", "-q", "deploy.env"]);
        git(p, &["commit", "-q", "-m", "rm"]);
        // A tracked sample whose work-tree change was stashed.
        std::fs::write(p.join("app.env.sample"), "SECRET_KEY=changeme\n").unwrap();
        git(p, &["add", "-f", "app.env.sample"]);
        git(p, &["commit", "-q", "-m", "sample"]);
        std::fs::write(
            p.join("app.env.sample"),
            "API_TOKEN=Hn4Rt7Wq2Zx9Lp3Vb6Mk8Jd1\n",
        )
        .unwrap();
        git(p, &["stash", "-q"]);
        let f = finding(p, "external.no_secrets_in_repo");
        assert_eq!(f.outcome, Outcome::Fail, "{}", f.evidence);
        assert!(
            f.evidence.contains("deploy.env (in history"),
            "{}",
            f.evidence
        );
        assert!(
            f.evidence.contains("app.env.sample (in history"),
            "{}",
            f.evidence
        );
    }

    #[test]
    fn many_env_files_are_all_read() {
        let d = repo_with_commit();
        let p = d.path();
        std::fs::create_dir(p.join("cfg")).unwrap();
        for i in 0..600 {
            std::fs::write(p.join(format!("cfg/f{i}.env")), format!("N={i}\n")).unwrap();
        }
        std::fs::write(p.join("cfg/zz.env"), REAL).unwrap();
        git(p, &["add", "-f", "cfg"]);
        git(p, &["commit", "-q", "-m", "cfg"]);
        let f = finding(p, "external.no_secrets_in_repo");
        assert_eq!(
            f.outcome,
            Outcome::Fail,
            "{}",
            &f.evidence[..200.min(f.evidence.len())]
        );
        assert!(f.evidence.contains("cfg/zz.env (tracked)"));
    }

    #[test]
    fn a_file_name_that_is_not_utf8_is_searched() {
        use std::os::unix::ffi::OsStrExt;
        let d = repo_with_commit();
        let p = d.path();
        let name = std::ffi::OsStr::from_bytes(b"cr\xffeds.ini");
        std::fs::write(p.join(name), "aws_access_key_id = AKIAJ7QX2MDRZ4VNBL3Q\n").unwrap();
        git(p, &["add", "-A"]);
        git(p, &["commit", "-q", "-m", "creds"]);
        let f = finding(p, "external.no_secrets_in_repo");
        assert_eq!(f.outcome, Outcome::Fail, "{}", f.evidence);
        assert!(
            f.evidence.contains("AWS access key ids at cr"),
            "{}",
            f.evidence
        );
    }

    #[test]
    fn an_untracked_folder_inside_another_repository_is_not_judged_by_it() {
        let d = repo_with_commit();
        let p = d.path();
        std::fs::create_dir(p.join("newapp")).unwrap();
        std::fs::write(p.join("newapp/main.py"), "x = 1\n").unwrap();
        let f = finding(&p.join("newapp"), "external.no_secrets_in_repo");
        assert_eq!(f.outcome, Outcome::Unknown, "{}", f.evidence);
        assert!(
            f.evidence.contains("git tracks none of its files"),
            "{}",
            f.evidence
        );
    }

    #[test]
    fn dockerignore_matches_from_the_context_root() {
        assert!(docker_excludes(".env\n", ".env"));
        assert!(docker_excludes("*.env\n", ".env"));
        assert!(docker_excludes(".env*\n", ".env"));
        assert!(docker_excludes("**/.env\n", "backend/.env"));
        assert!(docker_excludes("/backend/.env\n", "backend/.env"));
        assert!(
            docker_excludes("backend\n", "backend/.env"),
            "a parent folder"
        );
        assert!(
            !docker_excludes(".env\n", "backend/.env"),
            "Docker's .env is the context's top file only"
        );
        assert!(!docker_excludes(".env.*\n", ".env"));
        assert!(!docker_excludes(".env\n!.env\n", ".env"));
        assert!(!docker_excludes("# .env\nnode_modules/\n", ".env"));
    }
}
