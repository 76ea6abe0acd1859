//! `harden fleet` over 500 host reports (issue 18): the release binary
//! reads a folder of reports as `harden check` writes them (the full
//! checklist, fingerprints included), judges the fleet and writes each
//! format; time and peak RSS from wait4(2).
//!
//! Run with `cargo bench --bench fleet`. Prints figures; asserts nothing
//! about them.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

#[path = "support/mod.rs"]
mod support;
use support::{copy_tree, percentile, wait_with_rusage};

const HOSTS: usize = 500;
const RUNS: usize = 10;

fn main() {
    let bin = env!("CARGO_BIN_EXE_harden");
    let project = tempfile::tempdir().expect("tempdir");
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/projects/hardened");
    copy_tree(&fixture, project.path());
    // One real report, then 500 hosts made from it: names, roles, a few
    // statuses and one secret varied per host.
    let one = Command::new(bin)
        .args([
            "check",
            "--offline",
            "--format",
            "json",
            "--host-name",
            "template",
            "--project",
        ])
        .arg(project.path())
        .env("HARDEN_FINGERPRINT_KEY", "bench-fleet-key-0123456789abcdef")
        .env("HARDEN_NO_HOST_FACTS", "1")
        .output()
        .expect("harden check");
    let report: serde_json::Value = serde_json::from_slice(&one.stdout).expect("a JSON report");
    let items = report["items"].as_array().map_or(0, Vec::len);
    let dir = tempfile::tempdir().expect("tempdir");
    let mut bytes = 0;
    for i in 0..HOSTS {
        let mut r = report.clone();
        r["host"]["name"] = format!("host{i:03}").into();
        r["host"]["role"] = (if i % 5 == 0 { "worker" } else { "api" }).into();
        if i % 7 == 0 {
            r["items"][i % items]["status"] = "fail".into();
        }
        if i % 50 == 0 {
            r["fingerprints"]["secrets"]["SECRET_KEY"] = format!("{i:032x}").into();
        }
        let d = dir.path().join(format!("host{i:03}"));
        std::fs::create_dir_all(&d).expect("mkdir");
        let text = serde_json::to_vec_pretty(&r).expect("json");
        bytes += text.len();
        std::fs::write(d.join("report.json"), text).expect("write");
    }
    println!(
        "harden fleet over {HOSTS} host reports ({items} items each, {:.1} MB in all), {RUNS} runs per format:",
        bytes as f64 / 1e6
    );
    for format in ["text", "json", "html", "markdown"] {
        let mut times = Vec::new();
        let mut peak = 0;
        for _ in 0..RUNS {
            let t = Instant::now();
            #[allow(clippy::zombie_processes)]
            let child = Command::new(bin)
                .args(["fleet", "--format", format, "--output", "/dev/null"])
                .arg(dir.path())
                .spawn()
                .expect("harden fleet");
            let (code, kib) = wait_with_rusage(child.id());
            assert!(matches!(code, 0 | 1 | 3), "harden fleet exited {code}");
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            peak = peak.max(kib);
        }
        times.sort_by(f64::total_cmp);
        println!(
            "  {format:<8} median {:.0} ms, p95 {:.0} ms, peak RSS {:.1} MiB",
            percentile(&times, 0.5),
            percentile(&times, 0.95),
            peak as f64 / 1024.0
        );
    }
}
