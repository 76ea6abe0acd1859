//! Fixture projects copied into temp folders, with real git repositories
//! made by the test itself.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// Copies `tests/fixtures/projects/NAME` to a temp folder. Files named
/// `env`, `gitignore` and `dockerignore` become dotfiles (kept undotted in
/// this repository so they do not act on it).
pub fn copy(name: &str) -> tempfile::TempDir {
    let src = super::fixture(&format!("projects/{name}"));
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&src, dir.path());
    dir
}

fn copy_tree(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).unwrap();
    for e in std::fs::read_dir(src).unwrap().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let target = match name.as_str() {
            "env" => ".env".to_string(),
            "gitignore" => ".gitignore".to_string(),
            "dockerignore" => ".dockerignore".to_string(),
            _ => name,
        };
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &dst.join(target));
        } else {
            std::fs::copy(e.path(), dst.join(target)).unwrap();
        }
    }
}

/// Runs git in `dir`, with a fixed identity, and asserts success.
pub fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "user.name=Test",
            "-c",
            "user.email=test@example.invalid",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A copy of fixture `name` in a git repository of one commit (what the
/// fixture's `.gitignore` keeps out stays untracked).
pub fn repo(name: &str) -> tempfile::TempDir {
    let d = copy(name);
    git(d.path(), &["init", "-q", "-b", "main"]);
    git(d.path(), &["add", "-A"]);
    git(d.path(), &["commit", "-q", "-m", "import"]);
    d
}

/// The history fixture: its sample-data `.env` tracked, and a deploy
/// file with real-looking secrets committed once and removed by the next
/// commit, so it lives only in history. Returns the repository and the
/// values that must never reach an output.
pub fn history() -> (tempfile::TempDir, Vec<&'static str>) {
    let d = repo("history");
    let deploy = d.path().join("deploy");
    std::fs::create_dir_all(&deploy).unwrap();
    let jwt = "pX7mK2vR9tQ4wZ8nL3yB6cF1hJ5dG0sVa";
    let password = "Hq3Wz8Kp5Rt1Nv7X";
    std::fs::write(
        deploy.join("prod.env"),
        format!("JWT_SECRET={jwt}\nDATABASE_URL=postgresql://app:{password}@db.internal/app\n"),
    )
    .unwrap();
    git(d.path(), &["add", "deploy/prod.env"]);
    git(d.path(), &["commit", "-q", "-m", "deploy settings"]);
    git(d.path(), &["rm", "-q", "deploy/prod.env"]);
    git(d.path(), &["commit", "-q", "-m", "remove deploy settings"]);
    (d, vec![jwt, password])
}

/// The fresh-from-template project: `.env` committed once, then removed
/// from the index and ignored, so it lives on in history.
pub fn fresh() -> tempfile::TempDir {
    let d = copy("fresh");
    git(d.path(), &["init", "-q", "-b", "main"]);
    git(d.path(), &["add", "-A"]);
    git(d.path(), &["commit", "-q", "-m", "initial import"]);
    git(d.path(), &["rm", "-q", "--cached", ".env"]);
    std::fs::write(d.path().join(".gitignore"), ".env\n").unwrap();
    git(d.path(), &["add", ".gitignore"]);
    git(d.path(), &["commit", "-q", "-m", "stop tracking .env"]);
    chmod(&d.path().join(".env"), 0o644);
    d
}

/// The hardened project: `.env` ignored from the start, mode 0600.
pub fn hardened() -> tempfile::TempDir {
    let d = copy("hardened");
    git(d.path(), &["init", "-q", "-b", "main"]);
    git(d.path(), &["add", "-A"]);
    git(d.path(), &["commit", "-q", "-m", "initial import"]);
    chmod(&d.path().join(".env"), 0o600);
    d
}

/// The messy project: an env file with every quirk, written byte by byte.
pub fn messy() -> tempfile::TempDir {
    let d = copy("messy");
    let mut env: Vec<u8> = Vec::new();
    env.extend_from_slice(b"\xef\xbb\xbf# messy, edited on three machines\r\n");
    env.extend_from_slice(MESSY_HEAD);
    env.extend_from_slice(b"BIG=");
    env.extend(std::iter::repeat_n(b'A', 5 * 1024 * 1024));
    env.extend_from_slice(b"\r\nLOG_LEVEL=WARNING\r\nENABLE_REDIS=yes\r\n");
    std::fs::write(d.path().join(".env"), env).unwrap();
    chmod(&d.path().join(".env"), 0o640);
    d
}

/// The start of the messy env file (before the 5 MB line).
pub const MESSY_HEAD: &[u8] = b"export SECRET_KEY=\"c0ffee2bd1a4f7e95a1fd8e3b26c9e0d4a1f77c3b85e6d2f9a04be31c7d85f16\" # quoted, commented\r\n\
JWT_SECRET_KEY='optibid-jwt-secret-2025'\r\n\
DEBUG=False   # off in production\r\n\
LOG_LEVEL=info\r\n\
ALLOWED_HOSTS= app.optibid.io, api.optibid.io \r\n\
DATABASE_URL=postgresql://optibid:caf\xe9-s3cr3t-Qm9vQmFy@db.internal/optibid?sslmode=verify-full\r\n\
this line is not an assignment\r\n\
REDIS_URL=rediss://:${REDIS_PASSWORD}@redis.internal:6380/0\r\n\
SECRET_KEY=c0ffee2bd1a4f7e95a1fd8e3b26c9e0d4a1f77c3b85e6d2f9a04be31c7d85f16\r\n";

/// Every secret value the fixtures hold, to prove none leaks. (The
/// placeholders of the fresh project are published defaults, quoted by the
/// checklist itself, so they are not secrets.)
pub const SECRETS: &[&str] = &[
    "44d8fdeabfefda14af859517cea67333c10ad0f1edb52834774ee54f1d0a1a5f",
    "9054e7f259bed00e344176901b5e3ef6b876355b9f4b626efaea639e8b95eac5",
    "JScYPAWMBpy0P4YmX7ih",
    "9821dafe6827bc9a1e5be231f311dc05557e53d821b6718486e61a12b1f168a4",
    "f00db1dcce3d315bce8af496aa8f62be",
    "c0ffee2bd1a4f7e95a1fd8e3b26c9e0d4a1f77c3b85e6d2f9a04be31c7d85f16",
    "optibid-jwt-secret-2025",
    "s3cr3t-Qm9vQmFy",
];

pub fn chmod(p: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
}

pub fn path(d: &tempfile::TempDir) -> PathBuf {
    d.path().to_path_buf()
}

/// Sets variables in a project's `.env`: a line of the key is replaced,
/// a key the file lacks is appended.
pub fn set_env(project: &Path, values: &[(&str, &str)]) {
    let env = project.join(".env");
    let text = std::fs::read_to_string(&env).unwrap_or_default();
    let mut out = String::new();
    let mut done = Vec::new();
    for l in text.lines() {
        match values.iter().find(|(k, _)| l.starts_with(&format!("{k}="))) {
            Some((k, v)) => {
                out.push_str(&format!("{k}={v}\n"));
                done.push(*k);
            }
            None => out.push_str(&format!("{l}\n")),
        }
    }
    for (k, v) in values.iter().filter(|(k, _)| !done.contains(k)) {
        out.push_str(&format!("{k}={v}\n"));
    }
    std::fs::write(&env, out).unwrap();
}
