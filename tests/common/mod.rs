//! Test helpers: the real `harden` binary in a real PTY (portable-pty),
//! its screen read back through a vt100 parser.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, ExitStatus, MasterPty, PtySize, native_pty_system};

/// The binary under test.
pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_harden"))
}

/// `harden` as every test runs it without a terminal: the binary under
/// test, stdin empty, probes held to loopback. Add arguments, a folder or
/// an environment, then run it with [`run`] (or `output`/`spawn`).
pub fn harden() -> std::process::Command {
    let mut c = std::process::Command::new(bin());
    c.env("HARDEN_LOOPBACK_ONLY", "1")
        .env("HARDEN_NO_HOST_FACTS", "1")
        .stdin(std::process::Stdio::null());
    c
}

/// What a run of `harden` gave.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Both outputs, stdout first.
    pub fn both(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

/// Runs a command from [`harden`] to its end, draining both pipes while it
/// runs (a big report never blocks it); -1 when a signal ended it. A run
/// that outlives `RUN_DEADLINE` is killed and fails the test: a hang is a
/// failure, not a stuck suite.
pub fn run(c: &mut std::process::Command) -> Run {
    use std::process::Stdio;
    let mut child = c
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("harden starts");
    let drain = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut v = Vec::new();
            r.read_to_end(&mut v).ok();
            String::from_utf8_lossy(&v).into_owned()
        })
    };
    let out = drain(Box::new(child.stdout.take().expect("piped")));
    let err = drain(Box::new(child.stderr.take().expect("piped")));
    let start = Instant::now();
    loop {
        if let Some(st) = child.try_wait().expect("wait") {
            return Run {
                code: st.code().unwrap_or(-1),
                stdout: out.join().expect("stdout"),
                stderr: err.join().expect("stderr"),
            };
        }
        if start.elapsed() > RUN_DEADLINE {
            let _ = child.kill();
            panic!("{c:?} hung for {} s", RUN_DEADLINE.as_secs());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// How long a run of `harden` may take before [`run`] calls it hung.
pub const RUN_DEADLINE: Duration = Duration::from_secs(60);

/// A fixture file of `tests/fixtures`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A program running in a PTY.
pub struct Pty {
    pub child: Box<dyn Child + Send + Sync>,
    master: Box<dyn MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    parser: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
    reader: Option<JoinHandle<()>>,
}

impl Pty {
    /// Starts `program args` in a PTY of `cols`x`rows`, with a controlled
    /// environment (TERM, USER; NO_COLOR removed) plus `env`.
    pub fn spawn(program: &Path, args: &[&str], env: &[(&str, &str)], cols: u16, rows: u16) -> Pty {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("openpty");
        let mut cmd = CommandBuilder::new(program);
        cmd.args(args);
        cmd.env("TERM", "xterm-256color");
        cmd.env("USER", "tester");
        cmd.env_remove("NO_COLOR");
        cmd.env_remove("HARDEN_DEBUG_PANIC");
        cmd.env("HARDEN_LOOPBACK_ONLY", "1");
        cmd.env("HARDEN_NO_HOST_FACTS", "1");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = pair.slave.spawn_command(cmd).expect("spawn in pty");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("pty reader");
        let writer = pair.master.take_writer().expect("pty writer");
        let parser = Arc::new(Mutex::new(vt100::Parser::new(
            rows.try_into().expect("rows"),
            cols.try_into().expect("cols"),
            0,
        )));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let (p, r) = (parser.clone(), raw.clone());
        // Drain the PTY on its own thread so a full buffer never blocks
        // the program.
        let reader_thread = std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        p.lock().unwrap().process(&buf[..n]);
                        r.lock().unwrap().extend_from_slice(&buf[..n]);
                    }
                }
            }
        });
        Pty {
            child,
            master: pair.master,
            writer,
            parser,
            raw,
            reader: Some(reader_thread),
        }
    }

    /// Starts `harden` with `args`.
    pub fn harden(args: &[&str], cols: u16, rows: u16) -> Pty {
        Pty::spawn(&bin(), args, &[], cols, rows)
    }

    pub fn pid(&self) -> u32 {
        self.child.process_id().expect("pid")
    }

    /// Resizes the terminal (the program gets SIGWINCH) and the screen model.
    pub fn resize(&mut self, cols: u16, rows: u16) {
        self.parser.lock().unwrap().screen_mut().set_size(
            rows.try_into().expect("rows"),
            cols.try_into().expect("cols"),
        );
        self.master
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("resize pty");
    }

    /// Types bytes into the terminal.
    pub fn send(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).expect("write to pty");
        self.writer.flush().expect("flush pty");
    }

    /// Types keys one by one, waiting `gap` between them.
    pub fn keys(&mut self, keys: &str, gap: Duration) {
        for c in keys.chars() {
            let mut b = [0u8; 4];
            self.send(c.encode_utf8(&mut b).as_bytes());
            std::thread::sleep(gap);
        }
    }

    /// The screen as text, one line per row.
    pub fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    /// Runs `f` on the current vt100 screen.
    pub fn with_screen<T>(&self, f: impl FnOnce(&vt100::Screen) -> T) -> T {
        f(self.parser.lock().unwrap().screen())
    }

    /// Everything the program wrote, raw.
    pub fn output(&self) -> Vec<u8> {
        self.raw.lock().unwrap().clone()
    }

    /// Waits until the screen contains `needle` (as drawn, or with the
    /// detection badges taken out, see [`without_badges`]); returns the
    /// screen without badges. Panics with the screen after `timeout`.
    pub fn wait_for(&self, needle: &str, timeout: Duration) -> String {
        let start = Instant::now();
        loop {
            let raw = self.screen();
            let s = without_badges(&raw);
            if raw.contains(needle) || s.contains(needle) {
                return s;
            }
            if start.elapsed() > timeout {
                panic!("timed out waiting for {needle:?}; screen:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Waits for the program to end.
    pub fn wait_exit(&mut self, timeout: Duration) -> ExitStatus {
        let start = Instant::now();
        loop {
            if let Some(st) = self.child.try_wait().expect("try_wait") {
                if let Some(h) = self.reader.take() {
                    // The reader ends at EOF once the child is gone.
                    let _ = h.join();
                }
                return st;
            }
            if start.elapsed() > timeout {
                let _ = self.child.kill();
                panic!("program did not exit; screen:\n{}", self.screen());
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The screen with the 5-cell detection badge after each status glyph
/// removed, so `[✓] Generate` matches `[✓] ???? Generate` too.
pub fn without_badges(screen: &str) -> String {
    static BADGE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"\[(.)\] (?:PASS|FAIL|WARN|\?\?\?\?|skip|[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]   |    ) ")
            .expect("regex")
    });
    BADGE.replace_all(screen, "[$1] ").into_owned()
}

/// Sends a signal with kill(1).
pub fn signal(pid: u32, sig: &str) {
    let st = std::process::Command::new("kill")
        .arg(format!("-{sig}"))
        .arg(pid.to_string())
        .status()
        .expect("kill");
    assert!(st.success(), "kill -{sig} {pid}");
}

/// A snapshot of every file under `dir` (path and bytes), to prove that
/// nothing was written.
pub fn tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p.clone());
                out.push((p, Vec::new()));
            } else {
                out.push((p.clone(), std::fs::read(&p).unwrap_or_default()));
            }
        }
    }
    out.sort();
    out
}

pub const WAIT: Duration = Duration::from_secs(10);

/// A small deterministic generator for the kill loops; the seed is
/// printed so a failure can be replayed.
pub struct Lcg(pub u64);

impl Lcg {
    /// Seeded from the environment variable `var` when set, else the
    /// clock; the seed is printed so a failing round can be replayed.
    pub fn seeded(var: &str) -> Lcg {
        let seed = std::env::var(var)
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::SystemTime::UNIX_EPOCH)
                    .map_or(1, |d| d.as_nanos() as u64)
            });
        eprintln!("{var}={seed}");
        Lcg(seed)
    }

    pub fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

pub mod projects;
pub mod servers;
pub mod sshd;
