//! Git hygiene and files in the repository: env files tracked or in
//! history, the SECRET_KEY value or AWS and private keys in tracked files,
//! `.env` covered by `.gitignore` and `.dockerignore`, and a security contact.
//! Evidence names files and lines, never the matched text.

use std::path::Path;
use std::process::Command;
use std::sync::LazyLock;
use std::time::Duration;

use regex::Regex;

use super::envfile;
use super::secrets::placeholder_reason;
use super::{Detector, Finding, Inputs, Outcome, Report, proc};

/// Items this detector fills.
pub const ITEMS: &[&str] = &[
    "env.secret_key_not_committed",
    "external.no_secrets_in_repo",
    "incident.security_contact",
];

const MAX_SCAN_BYTES: u64 = 1024 * 1024;

static AWS_KEY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b").expect("static regex"));
static PRIVATE_KEY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----")
        .expect("static regex")
});

/// An env file name that may hold real values (not an example or template).
pub fn is_real_env_name(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let env = name == ".env" || name.starts_with(".env.") || name.ends_with(".env");
    let example = ["example", "sample", "template", "dist", "defaults", "tmpl"]
        .iter()
        .any(|w| name.to_ascii_lowercase().contains(w));
    env && !example
}

struct Repo {
    tracked: Vec<String>,
    /// (short commit, path) of env files in any commit.
    history: Vec<(String, String)>,
    commits: usize,
}

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

fn git(
    project: &Path,
    args: &[&str],
    deadline: Duration,
) -> Result<std::process::Output, GitError> {
    let mut c = Command::new("git");
    // The audited repository's own config must not run a program: no
    // fsmonitor hook, no pager, no external diff, no fetch of any kind.
    c.arg("-C")
        .arg(project)
        .args([
            "--no-pager",
            "-c",
            "core.fsmonitor=false",
            "-c",
            "diff.external=",
            "-c",
            "protocol.allow=never",
        ])
        .args(args)
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("LC_ALL", "C");
    proc::run(c, deadline).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => GitError::NotInstalled,
        _ => GitError::Failed {
            command: args.first().unwrap_or(&"").to_string(),
            why: e.to_string(),
        },
    })
}

fn repo(project: &Path, deadline: Duration) -> Result<Repo, GitError> {
    let inside = git(project, &["rev-parse", "--is-inside-work-tree"], deadline)?;
    if !inside.status.success() {
        return Err(GitError::NotARepository);
    }
    let ls = git(project, &["ls-files", "-z"], deadline)?;
    let tracked: Vec<String> = ls
        .stdout
        .split(|&b| b == 0)
        .filter(|p| !p.is_empty())
        .map(|p| String::from_utf8_lossy(p).into_owned())
        .collect();
    let log = git(
        project,
        &[
            "log",
            "--all",
            "--format=commit %h",
            "--name-only",
            "--",
            ":(glob)**/.env",
            ":(glob)**/.env.*",
            ":(glob)**/*.env",
        ],
        deadline,
    )?;
    let mut history = Vec::new();
    let mut commit = String::new();
    for line in String::from_utf8_lossy(&log.stdout).lines() {
        if let Some(h) = line.strip_prefix("commit ") {
            commit = h.to_string();
        } else if !line.is_empty() && is_real_env_name(line) {
            history.push((commit.clone(), line.to_string()));
        }
    }
    let count = git(project, &["rev-list", "--all", "--count"], deadline)?;
    let commits = String::from_utf8_lossy(&count.stdout)
        .trim()
        .parse()
        .unwrap_or(0);
    Ok(Repo {
        tracked,
        history,
        commits,
    })
}

/// Matches a .gitignore-style pattern against a file name at the root.
fn ignore_matches(pattern: &str, name: &str) -> bool {
    let p = pattern.trim_start_matches('/').trim_start_matches("**/");
    glob(p.as_bytes(), name.as_bytes())
}

fn glob(p: &[u8], s: &[u8]) -> bool {
    match (p.first(), s.first()) {
        (None, None) => true,
        (Some(b'*'), _) => glob(&p[1..], s) || (!s.is_empty() && s[0] != b'/' && glob(p, &s[1..])),
        (Some(b'?'), Some(_)) => glob(&p[1..], &s[1..]),
        (Some(a), Some(b)) if a == b => glob(&p[1..], &s[1..]),
        _ => false,
    }
}

/// Whether an ignore file's patterns exclude `name` (last match wins).
fn ignored_by(text: &str, name: &str) -> bool {
    let mut ignored = false;
    for line in text.lines() {
        let l = line.trim();
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        let (neg, pat) = match l.strip_prefix('!') {
            Some(p) => (true, p),
            None => (false, l),
        };
        if ignore_matches(pat.trim_end_matches('/'), name) {
            ignored = !neg;
        }
    }
    ignored
}

/// Runs the detector.
pub fn detect(inputs: &Inputs) -> Report {
    let project = &inputs.project;
    let env_name = inputs.show(&inputs.env_file);
    let secret = envfile::read(&inputs.env_file)
        .ok()
        .and_then(|f| f.value("SECRET_KEY").map(str::to_string))
        .filter(|v| v.len() >= 12 && placeholder_reason(v).is_none());
    let mut findings = Vec::new();
    match repo(project, inputs.deadline) {
        Err(e) => {
            let why = e.to_string();
            findings.push(Finding::new(
                "env.secret_key_not_committed",
                Outcome::Unknown,
                why.clone(),
            ));
            findings.push(Finding::new(
                "external.no_secrets_in_repo",
                Outcome::Unknown,
                why,
            ));
        }
        Ok(r) => findings.extend(judge_repo(project, &r, &env_name, secret.as_deref())),
    }
    findings.push(security_contact(project));
    Report::new(Detector::Git, findings)
}

fn judge_repo(project: &Path, r: &Repo, env_name: &str, secret: Option<&str>) -> Vec<Finding> {
    let tracked_env: Vec<&String> = r.tracked.iter().filter(|p| is_real_env_name(p)).collect();
    let mut aws = Vec::new();
    let mut private = Vec::new();
    let mut secret_at = Vec::new();
    let mut scanned = 0;
    for rel in &r.tracked {
        let path = project.join(rel);
        let Ok(meta) = std::fs::metadata(&path) else {
            continue;
        };
        if !meta.is_file() || meta.len() > MAX_SCAN_BYTES {
            continue;
        }
        let Ok(bytes) = crate::util::fsio::read_input(&path, crate::util::fsio::ENV_CAP, true)
        else {
            continue;
        };
        if bytes[..bytes.len().min(8192)].contains(&0) {
            continue;
        }
        scanned += 1;
        let text = String::from_utf8_lossy(&bytes);
        for (i, line) in text.lines().enumerate() {
            if AWS_KEY
                .find_iter(line)
                .any(|m| !m.as_str().ends_with("EXAMPLE"))
            {
                aws.push(format!("{rel}:{}", i + 1));
            }
            if PRIVATE_KEY.is_match(line) {
                private.push(format!("{rel}:{}", i + 1));
            }
            if let Some(s) = secret
                && line.contains(s)
            {
                secret_at.push(format!("{rel}:{}", i + 1));
            }
        }
    }
    let mut history_commits: Vec<&str> = r.history.iter().map(|(c, _)| c.as_str()).collect();
    history_commits.dedup();
    let mut history_files: Vec<&str> = r.history.iter().map(|(_, p)| p.as_str()).collect();
    history_files.sort_unstable();
    history_files.dedup();

    let gitignore =
        crate::util::fsio::read_input_text(&project.join(".gitignore"), crate::util::fsio::ENV_CAP)
            .unwrap_or_default();
    let env_ignored = ignored_by(&gitignore, ".env");
    let has_docker = [
        "Dockerfile",
        "docker-compose.yml",
        "compose.yaml",
        "docker-compose.yaml",
    ]
    .iter()
    .any(|f| project.join(f).exists());
    let dockerignore = crate::util::fsio::read_input_text(
        &project.join(".dockerignore"),
        crate::util::fsio::ENV_CAP,
    )
    .ok();
    let docker_ok = !has_docker
        || dockerignore
            .as_deref()
            .is_some_and(|t| ignored_by(t, ".env"));

    let mut bad = Vec::new();
    if !tracked_env.is_empty() {
        let list: Vec<&str> = tracked_env.iter().map(|s| s.as_str()).collect();
        bad.push(format!("tracked env files: {}", list.join(", ")));
    }
    if !history_commits.is_empty() {
        bad.push(format!(
            "{} in git history ({}, first {})",
            history_files.join(", "),
            plural(history_commits.len(), "commit"),
            history_commits.last().unwrap_or(&"")
        ));
    }
    let mut key_bad = bad.clone();
    if !secret_at.is_empty() {
        key_bad.push(format!(
            "the SECRET_KEY of {env_name} appears in tracked files at {}",
            secret_at.join(", ")
        ));
    }
    let mut out = Vec::new();
    let rewrite = "Remove the file from the index (git rm --cached), rotate every secret it held, and purge history (git filter-repo) if the repository is shared.";
    let f = if !key_bad.is_empty() {
        Finding::new(
            "env.secret_key_not_committed",
            Outcome::Fail,
            key_bad.join("; "),
        )
        .fix(rewrite)
    } else if !env_ignored || !docker_ok {
        let mut gaps = Vec::new();
        if !env_ignored {
            gaps.push(".env is not in .gitignore".to_string());
        }
        if !docker_ok {
            gaps.push("a Dockerfile is present but .dockerignore does not exclude .env (it ends up in the image)".to_string());
        }
        Finding::new(
            "env.secret_key_not_committed",
            Outcome::Warn,
            format!(
                "never committed ({} searched), but {}",
                plural(r.commits, "commit"),
                gaps.join(" and ")
            ),
        )
        .fix("Add .env to .gitignore and .dockerignore.")
    } else {
        Finding::new(
            "env.secret_key_not_committed",
            Outcome::Pass,
            format!(
                "no env file tracked or in history ({}, {scanned} tracked files searched); .env is ignored by .gitignore{}",
                plural(r.commits, "commit"),
                if has_docker { " and .dockerignore" } else { "" }
            ),
        )
    };
    out.push(f);

    let mut repo_bad = bad;
    if !aws.is_empty() {
        repo_bad.push(format!("AWS access key ids at {}", aws.join(", ")));
    }
    if !private.is_empty() {
        repo_bad.push(format!("private keys at {}", private.join(", ")));
    }
    let f = if repo_bad.is_empty() {
        Finding::new(
            "external.no_secrets_in_repo",
            Outcome::Pass,
            format!(
                "{scanned} tracked files scanned: no env file, AWS access key or private key; no env file in {} commits of history",
                r.commits
            ),
        )
    } else {
        Finding::new("external.no_secrets_in_repo", Outcome::Fail, repo_bad.join("; ")).fix(
            "Remove the secrets from the repository, rotate them, and keep them in a secrets manager.",
        )
    };
    out.push(f);
    out
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn security_contact(project: &Path) -> Finding {
    let candidates = [
        "SECURITY.md",
        ".github/SECURITY.md",
        "docs/SECURITY.md",
        ".well-known/security.txt",
        "static/.well-known/security.txt",
        "public/.well-known/security.txt",
    ];
    let found: Vec<(&str, String)> = candidates
        .iter()
        .filter_map(|c| {
            crate::util::fsio::read_input_text(&project.join(c), crate::util::fsio::ENV_CAP)
                .ok()
                .map(|t| (*c, t))
        })
        .collect();
    if found.is_empty() {
        return Finding::new(
            "incident.security_contact",
            Outcome::Fail,
            "no SECURITY.md or security.txt in the repository",
        )
        .fix("Add SECURITY.md with the security contact (and serve /.well-known/security.txt).");
    }
    let with_contact: Vec<&str> = found
        .iter()
        .filter(|(name, t)| {
            if name.ends_with("security.txt") {
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

    #[test]
    fn env_names() {
        for n in [".env", ".env.production", "config/.env", "prod.env"] {
            assert!(is_real_env_name(n), "{n}");
        }
        for n in [
            ".env.example",
            ".env.sample",
            "env.py",
            ".envrc",
            "environment.yml",
        ] {
            assert!(!is_real_env_name(n), "{n}");
        }
    }

    #[test]
    fn ignore_patterns() {
        assert!(ignored_by(".env\n", ".env"));
        assert!(ignored_by("*.env\n", ".env"));
        assert!(ignored_by(".env*\n", ".env"));
        assert!(ignored_by("**/.env\n", ".env"));
        assert!(ignored_by("/.env\n", ".env"));
        assert!(!ignored_by(".env.*\n", ".env"));
        assert!(!ignored_by(".env\n!.env\n", ".env"));
        assert!(!ignored_by("# .env\nnode_modules/\n", ".env"));
    }
}
