//! Code rules benchmark (issue 15): every application-code rule over a
//! project the benchmark writes itself, 2,000 Python files of about 150
//! lines each (routes, models, SQL with bound parameters, logger calls,
//! hashing), parsed with tree-sitter and judged; then `check --offline` of
//! the release binary, as a whole process, on the hardened fixture (a full
//! application), with the items detection decides there, per section.
//!
//! Run with `cargo bench --bench code`. Prints figures; asserts only that
//! the rules saw what the project holds. Targets: the rules under 1 s on
//! 2 cores, `check --offline` on a fixture under 100 ms.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use harden::detect::{Inputs, Outcome, appcode};

const FILES: usize = 2000;
const RUNS: usize = 7;

/// One generated module of about 150 lines.
fn module(i: usize) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "\"\"\"Module {i}: orders, bids and their routes.\"\"\"");
    s.push_str("import logging\n\nfrom fastapi import APIRouter, Depends\nfrom pydantic import BaseModel\nfrom sqlalchemy import text\n\n");
    let _ = writeln!(
        s,
        "router = APIRouter()\nlogger = logging.getLogger(__name__)\n"
    );
    for k in 0..6 {
        let _ = writeln!(
            s,
            "class Bid{i}x{k}(BaseModel):\n    market: str\n    volume_mwh: float\n    price_eur: float\n    note: str | None = None\n"
        );
        let _ = writeln!(
            s,
            "@router.post(\"/markets/{i}/bids/{k}\")\nasync def place_{i}_{k}(bid: Bid{i}x{k}, db=Depends(get_db)):\n    logger.info(\"bid on %s for %s MWh\", bid.market, bid.volume_mwh)\n    row = await db.execute(\n        text(\"INSERT INTO bids (market, volume, price) VALUES (:m, :v, :p)\"),\n        {{\"m\": bid.market, \"v\": bid.volume_mwh, \"p\": bid.price_eur}},\n    )\n    if row is None:\n        logger.warning(\"bid refused\")\n        return {{\"ok\": False}}\n    return {{\"ok\": True, \"id\": row}}\n"
        );
        let _ = writeln!(
            s,
            "def score_{i}_{k}(values):\n    total = 0\n    for v in values:\n        if v > 0:\n            total += v * 2\n        else:\n            total -= v\n    return total\n"
        );
    }
    s.push_str("async def get_db():\n    yield None\n");
    s
}

fn write_project(root: &Path) -> usize {
    let mut lines = 0;
    for i in 0..FILES {
        let dir = root.join(format!("app/pkg{}", i / 100));
        std::fs::create_dir_all(&dir).expect("mkdir");
        let m = module(i);
        lines += m.lines().count();
        std::fs::write(dir.join(format!("mod{i}.py")), m).expect("write");
    }
    let main = "from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\nfrom app.config import settings\napp = FastAPI()\napp.add_middleware(CORSMiddleware, allow_origins=settings.ALLOWED_HOSTS.split(','), allow_credentials=True, allow_methods=['GET', 'POST'], allow_headers=['Authorization'])\n";
    std::fs::write(root.join("app/main.py"), main).expect("main");
    std::fs::write(root.join(".env"), "ALLOWED_HOSTS=https://app.example.com\n").expect("env");
    lines + main.lines().count()
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Copies a fixture project as the tests do (`env` becomes `.env`).
fn copy_fixture(from: &Path, to: &Path) {
    for e in walk(from) {
        let rel = e.strip_prefix(from).expect("rel");
        let name = rel
            .to_string_lossy()
            .replace("gitignore", ".gitignore")
            .replace("dockerignore", ".dockerignore");
        let name = if name == "env" {
            ".env".to_string()
        } else {
            name
        };
        let dest = to.join(name);
        std::fs::create_dir_all(dest.parent().expect("parent")).expect("mkdir");
        std::fs::copy(&e, &dest).expect("copy");
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).expect("read_dir").flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

fn main() {
    let dir = tempfile::tempdir().expect("tempdir");
    let lines = write_project(dir.path());
    let inputs = Inputs::new(dir.path());
    let r = appcode::detect(&inputs); // warm the page cache
    let find = |id: &str| r.findings.iter().find(|f| f.item == id).map(|f| f.outcome);
    assert_eq!(find("api.input_validation"), Some(Outcome::Pass));
    assert_eq!(find("api.sql_injection_tested"), Some(Outcome::Pass));
    assert_eq!(find("cors.credentials_required"), Some(Outcome::Pass));
    let mut times = Vec::new();
    for _ in 0..RUNS {
        // detect() hands the syntax trees to a thread that frees them
        // after it returns (a command exits without waiting for that):
        // the runs are spaced so that one run's freeing does not slow
        // the next run's parsing.
        std::thread::sleep(std::time::Duration::from_millis(400));
        let t = Instant::now();
        let r = appcode::detect(&inputs);
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        assert!(!r.findings.is_empty());
    }
    let mut loads = Vec::new();
    for _ in 0..3 {
        std::thread::sleep(std::time::Duration::from_millis(400));
        let t = Instant::now();
        let s = harden::detect::python::Sources::load(dir.path());
        loads.push(t.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(s.files.len(), FILES + 1);
    }
    let min = times.iter().copied().fold(f64::MAX, f64::min);
    let max = times.iter().copied().fold(0.0, f64::max);
    println!(
        "code rules (parse every file with tree-sitter, then every rule), {FILES} files, {lines} lines, {RUNS} runs: median {:.0} ms, min {min:.0} ms, max {max:.0} ms (target < 1000 ms)",
        median(&mut times)
    );
    println!(
        "  of which reading and parsing the files (Sources::load, every core): median {:.0} ms",
        median(&mut loads)
    );

    // check --offline of the release binary on the full-application fixture.
    let bin = Path::new(env!("CARGO_BIN_EXE_harden"));
    let fx = tempfile::tempdir().expect("tempdir");
    copy_fixture(Path::new("tests/fixtures/projects/hardened"), fx.path());
    let run = || {
        Command::new(bin)
            .args(["check", "--offline", "--format", "text", "--project"])
            .arg(fx.path())
            .env("HARDEN_LOOPBACK_ONLY", "1")
            .output()
            .expect("check")
    };
    let out = run();
    let mut times = Vec::new();
    for _ in 0..15 {
        let t = Instant::now();
        let _ = run();
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    println!(
        "check --offline on the hardened fixture (a full application), 15 runs: median {:.0} ms (target < 100 ms)",
        median(&mut times)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    if let Some(line) = text.lines().find(|l| l.starts_with("Decided by detection")) {
        println!("  {line}");
    }
}
