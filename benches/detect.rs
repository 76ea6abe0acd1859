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

const RUNS: usize = 30;

fn copy_tree(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).expect("mkdir");
    for e in std::fs::read_dir(src).expect("read fixture").flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let target = if name == "env" {
            ".env".to_string()
        } else {
            name
        };
        if e.file_type().expect("type").is_dir() {
            copy_tree(&e.path(), &dst.join(target));
        } else {
            std::fs::copy(e.path(), dst.join(target)).expect("copy");
        }
    }
}

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

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
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

    // The whole command a pipeline runs: process start, every detector
    // (no network), the JSON report.
    let bin = env!("CARGO_BIN_EXE_harden");
    let out = dir.path().join("report.json");
    let mut whole = Vec::new();
    for _ in 0..RUNS {
        let t = Instant::now();
        let st = Command::new(bin)
            .args(["check", "--offline", "--format", "json", "--output"])
            .arg(&out)
            .arg("--project")
            .arg(dir.path())
            .env("HARDEN_LOOPBACK_ONLY", "1")
            .status()
            .expect("harden check");
        assert_eq!(
            st.code(),
            Some(1),
            "the fresh fixture fails its critical items"
        );
        whole.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    whole.sort_by(f64::total_cmp);
    println!(
        "  harden check --offline --format json, whole process: median {:.1} ms, p95 {:.1} ms (target < 100 ms)",
        percentile(&whole, 0.5),
        percentile(&whole, 0.95)
    );
}
