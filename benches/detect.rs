//! Detector benchmark: every local detector (env file, code reads, git,
//! dependencies; pip-audit skipped as offline) over the fresh-from-template
//! fixture project, in a real git repository with `.env` in its history.
//!
//! Run with `cargo bench --bench detect`. Prints figures; asserts nothing.
//! Target (issue 3): under 50 ms wall.

use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::Instant;

use harden::detect::{self, Inputs};

#[path = "support/mod.rs"]
mod support;
use support::{copy_tree, percentile, wait_with_rusage};

const RUNS: usize = 30;

fn git(dir: &Path, args: &[&str]) {
    let ok = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "user.name=Bench",
            "-c",
            "user.email=bench@example.invalid",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .output()
        .expect("git")
        .status
        .success();
    assert!(ok, "git {args:?}");
}

fn main() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/projects/fresh");
    let dir = tempfile::tempdir().expect("tempdir");
    copy_tree(&fixture, dir.path());
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "import"]);
    git(dir.path(), &["rm", "-q", "--cached", ".env"]);
    std::fs::write(dir.path().join(".gitignore"), ".env\n").expect("gitignore");
    git(dir.path(), &["add", ".gitignore"]);
    git(dir.path(), &["commit", "-q", "-m", "ignore .env"]);

    // `HARDEN_BIN` (another build of harden, such as the shipped static
    // binary) measures only that binary's whole process.
    if let Some(other) = std::env::var_os("HARDEN_BIN") {
        println!("{}:", other.to_string_lossy());
        whole_processes(&other.to_string_lossy(), dir.path());
        return;
    }
    let mut inputs = Inputs::new(dir.path());
    inputs.offline = true;
    let inputs = Arc::new(inputs);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(detect::run_all(inputs.clone())); // warm the page cache
    let mut wall = Vec::new();
    let mut per: std::collections::BTreeMap<&str, Vec<f64>> = Default::default();
    let mut findings = 0;
    for _ in 0..RUNS {
        let t = Instant::now();
        let reports = rt.block_on(detect::run_all(inputs.clone()));
        wall.push(t.elapsed().as_secs_f64() * 1000.0);
        findings = reports.iter().map(|r| r.findings.len()).sum();
        for r in reports {
            per.entry(r.detector.name())
                .or_default()
                .push(r.elapsed.as_secs_f64() * 1000.0);
        }
    }
    wall.sort_by(f64::total_cmp);
    println!(
        "harden detectors, {RUNS} runs over the fresh-from-template fixture ({findings} findings, pip-audit offline)"
    );
    println!(
        "  wall, all detectors concurrently: min {:.1} ms, median {:.1} ms, p95 {:.1} ms (target < 50 ms)",
        wall[0],
        percentile(&wall, 0.5),
        percentile(&wall, 0.95)
    );
    for (name, mut v) in per {
        v.sort_by(f64::total_cmp);
        println!("  {name:<14} median {:.1} ms", percentile(&v, 0.5));
    }

    let bin = env!("CARGO_BIN_EXE_harden");
    whole_processes(bin, dir.path());
    big_env_file(bin);
    shapes(bin);
}

/// `check --offline` as a pipeline runs it: process start, every detector
/// (no network), the JSON report. Once as the template leaves it (a
/// placeholder SECRET_KEY, which the judge settles without its
/// dictionaries) and once with a freshly drawn key, which the strength
/// judge reads through zxcvbn's dictionaries.
fn whole_processes(bin: &str, dir: &Path) {
    whole_process(bin, dir, "placeholder SECRET_KEY");
    let env = dir.join(".env");
    let text = std::fs::read_to_string(&env).expect("env");
    let key = harden::generate::random_hex32();
    let text: String = text
        .lines()
        .map(|l| {
            if l.starts_with("SECRET_KEY=") {
                format!("SECRET_KEY={key}\n")
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    std::fs::write(&env, text).expect("env");
    whole_process(bin, dir, "random SECRET_KEY");
}

/// `check --offline` on each real-shape fixture of tests/shapes.rs (its
/// Python parsed with tree-sitter, its settings resolved, its git
/// repository read), 30 runs each.
fn shapes(bin: &str) {
    println!("harden check --offline on the shape fixtures, {RUNS} runs each (whole process):");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/projects");
    for (name, sub) in [
        ("prefixed", ""),
        ("renamed", ""),
        ("template", "backend"),
        ("getenv", ""),
        ("starlette", ""),
        ("uvlock", ""),
        ("poetry", ""),
        ("history", ""),
    ] {
        // As the tests make them: a git repository of one commit.
        let dir = tempfile::tempdir().expect("tempdir");
        copy_tree(&root.join(name), dir.path());
        git(dir.path(), &["init", "-q"]);
        git(dir.path(), &["add", "-A"]);
        git(dir.path(), &["commit", "-q", "-m", "import"]);
        let project = dir.path().join(sub);
        let mut times = Vec::new();
        for _ in 0..RUNS {
            let t = Instant::now();
            let st = Command::new(bin)
                .args([
                    "check",
                    "--offline",
                    "--format",
                    "json",
                    "--output",
                    "/dev/null",
                    "--project",
                ])
                .arg(&project)
                .env("HARDEN_LOOPBACK_ONLY", "1")
                .status()
                .expect("harden check");
            assert!(matches!(st.code(), Some(0 | 1 | 3)), "{name}: {st}");
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(f64::total_cmp);
        println!(
            "  {name:<10} median {:.1} ms, p95 {:.1} ms",
            percentile(&times, 0.5),
            percentile(&times, 0.95)
        );
    }
}

/// `check --offline --format json` on `project` as a whole process, 30
/// times: its wall time and peak RSS.
fn whole_process(bin: &str, project: &Path, what: &str) {
    let out = project.join("report.json");
    let mut whole = Vec::new();
    let mut peak_kib = 0;
    for _ in 0..RUNS {
        let t = Instant::now();
        // Reaped by wait4 below, which std's Child cannot do with rusage.
        #[allow(clippy::zombie_processes)]
        let child = Command::new(bin)
            .args(["check", "--offline", "--format", "json", "--output"])
            .arg(&out)
            .arg("--project")
            .arg(project)
            .env("HARDEN_LOOPBACK_ONLY", "1")
            .spawn()
            .expect("harden check");
        let (code, maxrss) = wait_with_rusage(child.id());
        assert_eq!(code, 1, "the fresh fixture fails its critical items");
        whole.push(t.elapsed().as_secs_f64() * 1000.0);
        peak_kib = peak_kib.max(maxrss);
    }
    whole.sort_by(f64::total_cmp);
    println!(
        "  harden check --offline --format json, {what}: median {:.1} ms, p95 {:.1} ms (target < 100 ms), peak RSS (ru_maxrss) {:.1} MiB (target < 15 MiB, as the wizard)",
        percentile(&whole, 0.5),
        percentile(&whole, 0.95),
        peak_kib as f64 / 1024.0
    );
}

/// A 100,000-line env file: the reader and every env detector (target
/// under 200 ms, issue 10: lookups used to scan every entry, 33 s), then
/// `check --offline` on it as a whole process.
fn big_env_file(bin: &str) {
    let mut text = String::with_capacity(3 << 20);
    for i in 0..100_000 {
        text.push_str(&format!("SETTING_{i}=value-{i}\n"));
    }
    text.push_str("SECRET_KEY=3f9a0c1e5b7d2f4a6c8e0b1d3f5a7c9e1b3d5f7a9c0e2b4d6f8a1c3e5b7d9f0a\n");
    let mut times = Vec::new();
    for _ in 0..30 {
        let t = Instant::now();
        let f = harden::detect::envfile::parse(text.as_bytes());
        let found =
            harden::detect::env::judge(&f, ".env", &harden::detect::code::CodeIndex::default());
        assert!(!found.is_empty());
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "  env file of 100,000 lines, read and judged, 30 runs: min {:.1} ms, median {:.1} ms, p90 {:.1} ms (target < 200 ms)",
        times[0],
        percentile(&times, 0.5),
        percentile(&times, 0.9)
    );
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join(".env"), &text).expect("write");
    let mut whole = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let o = Command::new(bin)
            .args([
                "check",
                "--offline",
                "--format",
                "json",
                "--output",
                "-",
                "--project",
            ])
            .arg(dir.path())
            .env("HARDEN_LOOPBACK_ONLY", "1")
            .output()
            .expect("harden check");
        assert!(!o.stdout.is_empty());
        whole.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    whole.sort_by(f64::total_cmp);
    println!(
        "  harden check --offline on that project, whole process: median {:.1} ms",
        percentile(&whole, 0.5)
    );
}
