//! Startup benchmark: time from exec to the first complete frame in a real
//! PTY, and peak resident memory, for the release binary.
//!
//! Run with `cargo bench --bench startup`. Prints figures; asserts nothing.
//! Targets (issue 2): first frame under 30 ms, RSS under 15 MiB.

use std::io::Read;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use harden::checklist::load_embedded;
use harden::state::{ItemRecord, OperatorStatus, State, store};
use portable_pty::{CommandBuilder, PtySize, native_pty_system};

const RUNS: usize = 40;

type Child = Box<dyn portable_pty::Child + Send + Sync>;

/// The wizard on `project` in a fresh 80x24 PTY: the child, the master's
/// reader and writer.
fn spawn(bin: &Path, project: &Path) -> (Child, Box<dyn Read + Send>, Box<dyn Write + Send>) {
    let pair = native_pty_system()
        .openpty(PtySize {
            rows: 24,
            cols: 80,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("openpty");
    let mut cmd = CommandBuilder::new(bin);
    cmd.args(["--project", &project.display().to_string()]);
    cmd.env("TERM", "xterm-256color");
    cmd.env("USER", "bench");
    let reader = pair.master.try_clone_reader().expect("reader");
    let writer = pair.master.take_writer().expect("writer");
    let child = pair.slave.spawn_command(cmd).expect("spawn");
    (child, reader, writer)
}

/// Milliseconds to first frame and peak RSS (KiB) of one run.
fn one_run(bin: &Path, project: &Path) -> (f64, u64) {
    let (tx, rx) = mpsc::channel();
    let start = Instant::now();
    let (mut child, mut reader, mut writer) = spawn(bin, project);
    std::thread::spawn(move || {
        let mut seen = Vec::new();
        let mut buf = [0u8; 16384];
        let mut sent = false;
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            seen.extend_from_slice(&buf[..n]);
            // The footer is the last row ratatui writes in a frame.
            if !sent && seen.windows(4).any(|w| w == b"quit") {
                let _ = tx.send(start.elapsed());
                sent = true;
            }
        }
    });
    let first_frame = rx
        .recv_timeout(Duration::from_secs(10))
        .expect("no first frame");
    let pid = child.process_id().expect("pid");
    // Use it a little, then read the high-water mark before quitting.
    writer.write_all(b"jjjvj?").expect("keys");
    std::thread::sleep(Duration::from_millis(50));
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let hwm = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    // Esc closes help; a pause keeps Esc and q from reading as Alt+q.
    writer.write_all(b"\x1b").expect("esc");
    std::thread::sleep(Duration::from_millis(30));
    writer.write_all(b"q").expect("quit");
    child.wait().expect("wait");
    (first_frame.as_secs_f64() * 1000.0, hwm)
}

use std::io::Write;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn main() {
    // `HARDEN_BIN` measures another build (the shipped static binary, or
    // one built with an earlier profile) instead of this one.
    let other = std::env::var_os("HARDEN_BIN");
    let bin = other
        .as_deref()
        .map_or(Path::new(env!("CARGO_BIN_EXE_harden")), Path::new);
    if let Some(other) = &other {
        println!("{}:", other.to_string_lossy());
    }
    let dir = tempfile::tempdir().expect("tempdir");
    // A realistic state: an operator and half the checklist answered.
    let c = load_embedded().expect("checklist");
    let mut s = State::new(&c, time::OffsetDateTime::now_utc());
    s.operator = Some("bench".into());
    for (i, item) in c.items().enumerate() {
        if i % 2 == 0 {
            s.items.insert(
                item.id.clone(),
                ItemRecord {
                    status: OperatorStatus::Done,
                    note: Some(format!("checked on the staging host, ticket OPS-{i}")),
                    by: Some("bench".into()),
                    at: Some(time::OffsetDateTime::now_utc()),
                    waiver: None,
                    overrides: None,
                },
            );
        }
    }
    store::save(&dir.path().join(".harden/state.toml"), &s).expect("state");
    // An application (an empty folder opens with a notice instead).
    std::fs::write(dir.path().join("main.py"), "app = None\n").expect("main.py");

    one_run(bin, dir.path()); // warm the page cache
    let mut times = Vec::new();
    let mut peak = 0;
    for _ in 0..RUNS {
        let (ms, kib) = one_run(bin, dir.path());
        times.push(ms);
        peak = peak.max(kib);
    }
    times.sort_by(f64::total_cmp);
    // The key session starts where a new reviewer does, at the first
    // unanswered item, not where the timing runs left the cursor.
    let _ = std::fs::remove_file(dir.path().join(".harden/session.toml"));
    let mut per_key = key_bytes(bin, dir.path());
    println!("harden startup, {RUNS} runs, 80x24 PTY, state with 113 answers");
    println!(
        "  exec to first frame: min {:.1} ms, median {:.1} ms, p95 {:.1} ms, max {:.1} ms (target < 30 ms)",
        times[0],
        percentile(&times, 0.5),
        percentile(&times, 0.95),
        times[times.len() - 1]
    );
    println!(
        "  peak RSS (VmHWM):    {:.1} MiB (target < 15 MiB)",
        peak as f64 / 1024.0
    );
    let mut moves: Vec<usize> = NAV_KEYS
        .iter()
        .zip(&per_key)
        .filter(|(k, _)| matches!(**k, b"j" | b"k" | b"\x1b[A" | b"\x1b[B"))
        .map(|(_, n)| *n)
        .collect();
    moves.sort_unstable();
    let median_of = |r: std::ops::Range<usize>| {
        let mut v = per_key[r].to_vec();
        v.sort_unstable();
        (v[v.len() / 2], v[v.len() - 1], v.len())
    };
    let shown: Vec<String> = NAV_KEYS
        .iter()
        .zip(&per_key)
        .map(|(k, n)| {
            format!(
                "{}={n}",
                String::from_utf8_lossy(k)
                    .replace('\x1b', "^[")
                    .replace('\r', "^M")
                    .replace('\t', "^I")
            )
        })
        .collect();
    let jumps = median_of(JUMPS);
    let search = median_of(SEARCH);
    per_key.sort_unstable();
    println!(
        "  bytes to the terminal per navigation key, {} keys: median {}, max {} (target: median ≤ 600)",
        per_key.len(),
        per_key[per_key.len() / 2],
        per_key[per_key.len() - 1]
    );
    println!(
        "    of which one-line moves (j, k, arrows), {} keys: median {}, max {}",
        moves.len(),
        moves[moves.len() / 2],
        moves[moves.len() - 1]
    );
    println!("    each key, in order: {}", shown.join(" "));
    println!(
        "    of which section jumps (] and [), {} keys: median {}, max {}",
        jumps.2, jumps.0, jumps.1
    );
    println!(
        "    of which the search (/, a query, arrows, Enter), {} keys: median {}, max {}",
        search.2, search.0, search.1
    );
}

/// The navigation keys measured: down and up through the list, a page,
/// section jumps, the next open item, the pane switch and back, and a
/// search typed, moved in and left (issue 14).
const NAV_KEYS: &[&[u8]] = &[
    b"j", b"j", b"j", b"j", b"j", b"j", b"j", b"j", b"k", b"k", b"k", b"k", b"\x1b[B", b"\x1b[B",
    b"\x1b[A", b"\x1b[6~", b"\x1b[5~", b"]", b"]", b"]", b"]", b"[", b"[", b"n", b"n", b"\t",
    b"\t", b"G", b"g", b"/", b"r", b"e", b"d", b"i", b"\x1b[B", b"\x1b[B", b"\r",
];

/// Which of [`NAV_KEYS`] are section jumps and which are in the search.
const JUMPS: std::ops::Range<usize> = 17..23;
const SEARCH: std::ops::Range<usize> = 29..37;

/// Bytes the wizard writes to the PTY master for each navigation key, in
/// one 80x24 session: send a key, wait until the output has been quiet for
/// 60 ms, count what arrived.
fn key_bytes(bin: &Path, project: &Path) -> Vec<usize> {
    let (mut child, mut reader, mut writer) = spawn(bin, project);
    let total = Arc::new(AtomicUsize::new(0));
    let counter = total.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 16384];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            counter.fetch_add(n, Ordering::SeqCst);
        }
    });
    let settle = |total: &AtomicUsize| {
        let mut last = total.load(Ordering::SeqCst);
        loop {
            std::thread::sleep(Duration::from_millis(60));
            let now = total.load(Ordering::SeqCst);
            if now == last {
                return now;
            }
            last = now;
        }
    };
    // First frame and detector results first, so they are not counted.
    std::thread::sleep(Duration::from_millis(300));
    let mut before = settle(&total);
    let mut out = Vec::new();
    for key in NAV_KEYS {
        writer.write_all(key).expect("key");
        let after = settle(&total);
        out.push(after - before);
        before = after;
    }
    writer.write_all(b"q").expect("quit");
    child.wait().expect("wait");
    out
}
