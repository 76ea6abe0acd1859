//! Git history benchmark (issue 13): the git detector on a repository of
//! 20,000 commits that the benchmark writes itself with `git fast-import`:
//! a monorepo with the app in `backend/`, 300 source files changed two at a
//! time, a frontend `.env.development` tracked throughout, a sample-data
//! `.env` under `backend/tests/fixtures/` from commit 5,000, a real-looking
//! `backend/.env` added at commit 100 and removed at commit 101, three
//! branches and a tag.
//!
//! Run with `cargo bench --bench history`. Prints figures; asserts nothing
//! but that the detector found what the repository holds. Target: the scan
//! under 0.5 s and 60 MB (the largest process: harden or a git it ran).

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use harden::detect::{Inputs, git};

const COMMITS: usize = 20_000;
const FILES: usize = 300;
const RUNS: usize = 9;

/// A small deterministic generator (no RNG crate needed for a benchmark).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

fn data(out: &mut Vec<u8>, body: &[u8]) {
    writeln!(out, "data {}", body.len()).expect("write");
    out.extend_from_slice(body);
    out.push(b'\n');
}

fn file(out: &mut Vec<u8>, path: &str, body: &[u8]) {
    writeln!(out, "M 100644 inline {path}").expect("write");
    data(out, body);
}

/// The fast-import stream of the whole repository.
fn stream() -> Vec<u8> {
    let mut out = Vec::with_capacity(64 << 20);
    let mut rng = Lcg(7);
    let path = |i: usize| format!("backend/app/pkg{}/mod{}.py", i % 30, i / 30);
    for n in 0..COMMITS {
        let branch = match n {
            15_000..=15_999 => "refs/heads/feature-a",
            17_000..=17_499 => "refs/heads/feature-b",
            _ => "refs/heads/main",
        };
        writeln!(out, "commit {branch}").expect("write");
        writeln!(out, "mark :{}", n + 1).expect("write");
        writeln!(
            out,
            "committer Bench <bench@example.invalid> {} +0000",
            1_600_000_000 + n * 600
        )
        .expect("write");
        data(&mut out, format!("change {n}").as_bytes());
        if n > 0 {
            // Branches fork from commit 14,999 and 16,999; main goes on
            // from the same commits, so every commit stays reachable.
            let parent = match n {
                15_000 | 16_000 => 14_999,
                17_000 | 17_500 => 16_999,
                _ => n - 1,
            } + 1;
            writeln!(out, "from :{parent}").expect("write");
        }
        if n == 0 {
            for i in 0..FILES {
                file(&mut out, &path(i), format!("X = {i}\n").as_bytes());
            }
            file(
                &mut out,
                "frontend/.env.development",
                b"VITE_API_URL=http://localhost:8000\nVITE_SENTRY_ENV=development\n",
            );
            file(&mut out, ".gitignore", b".env\nnode_modules/\n");
            file(
                &mut out,
                "SECURITY.md",
                b"Report to security@example.invalid\n",
            );
        }
        if n == 100 {
            file(
                &mut out,
                "backend/.env",
                b"SECRET_KEY=Vq3uV7hT0pZ9xK2mR8sW4yB6nC1dF5gJ\nDEBUG=false\n",
            );
        }
        if n == 101 {
            writeln!(out, "D backend/.env").expect("write");
        }
        if n == 5_000 {
            file(
                &mut out,
                "backend/tests/fixtures/.env",
                b"SECRET_KEY=test-secret\nDATABASE_URL=postgresql://test:test@localhost/test\n",
            );
        }
        for _ in 0..2 {
            let i = (rng.next() as usize) % FILES;
            file(
                &mut out,
                &path(i),
                format!("X = {i}\nY = {}\n", rng.next()).as_bytes(),
            );
        }
    }
    writeln!(out, "reset refs/tags/v1.0\nfrom :10000").expect("write");
    out
}

fn make_repo(dir: &Path) {
    let ok = Command::new("git")
        .args(["init", "-q", "-b", "main"])
        .arg(dir)
        .status()
        .expect("git init")
        .success();
    assert!(ok, "git init");
    let mut child = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["fast-import", "--quiet"])
        .stdin(Stdio::piped())
        .spawn()
        .expect("git fast-import");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(&stream())
        .expect("stream");
    assert!(child.wait().expect("wait").success(), "fast-import");
    let ok = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["checkout", "-q", "main"])
        .status()
        .expect("checkout")
        .success();
    assert!(ok, "checkout");
}

/// Largest resident set, in KiB, of this process and of every child it
/// waited for.
fn max_rss_kib() -> (i64, i64) {
    let mut me: libc::rusage = unsafe { std::mem::zeroed() };
    let mut kids: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: getrusage writes into the struct it is given.
    unsafe {
        libc::getrusage(libc::RUSAGE_SELF, &mut me);
        libc::getrusage(libc::RUSAGE_CHILDREN, &mut kids);
    }
    (me.ru_maxrss, kids.ru_maxrss)
}

/// Runs the scan in this process (started again by `main` with the
/// repository's path), so that the resident-set figures hold the scan only
/// and not the repository's generation.
fn scan(repo: &Path) {
    let (me_before, _) = max_rss_kib();
    let mut inputs = Inputs::new(&repo.join("backend"));
    inputs.offline = true;
    inputs.deadline = std::time::Duration::from_secs(60);
    let mut wall = Vec::new();
    let mut report = None;
    for _ in 0..RUNS {
        let t = Instant::now();
        report = Some(git::detect(&inputs));
        wall.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let report = report.expect("ran");
    let key = report
        .findings
        .iter()
        .find(|f| f.item == "env.secret_key_not_committed")
        .expect("finding");
    assert!(
        key.evidence.contains("backend/.env"),
        "the history secret must be found: {}",
        key.evidence
    );
    wall.sort_by(f64::total_cmp);
    let (me, kids) = max_rss_kib();
    println!(
        "git detector on it (--project backend/), {RUNS} runs: median {:.0} ms, max {:.0} ms",
        wall[RUNS / 2],
        wall[RUNS - 1]
    );
    println!(
        "largest resident set: git {:.1} MiB; harden {:.1} MiB (before the scan {:.1} MiB)",
        kids as f64 / 1024.0,
        me as f64 / 1024.0,
        me_before as f64 / 1024.0
    );
    for f in &report.findings {
        println!("{}: {:?}: {}", f.item, f.outcome, f.evidence);
    }
}

fn main() {
    if let Some(repo) = std::env::var_os("HARDEN_BENCH_REPO") {
        scan(Path::new(&repo));
        return;
    }
    if let Some(keep) = std::env::var_os("HARDEN_BENCH_KEEP") {
        // Writes the repository where asked, for trying git by hand.
        make_repo(Path::new(&keep));
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let start = Instant::now();
    make_repo(dir.path());
    let made = start.elapsed().as_secs_f64();
    let commits = Command::new("git")
        .arg("-C")
        .arg(dir.path())
        .args(["rev-list", "--all", "--count"])
        .output()
        .expect("rev-list");
    let commits = String::from_utf8_lossy(&commits.stdout).trim().to_string();
    println!(
        "generated repository: {commits} commits, {FILES} source files, written in {made:.1} s"
    );
    let status = Command::new(std::env::current_exe().expect("own path"))
        .env("HARDEN_BENCH_REPO", dir.path())
        .status()
        .expect("scan");
    assert!(status.success(), "scan");
}
