//! A real SSH session that drops: sshd (Debian's openssh-server) on a
//! loopback port with a throwaway host key and an authorized test key, all
//! in a temp folder made by the test; `ssh -tt` runs harden in a PTY; the
//! session's sshd child is killed from the server side, as a dropped Wi-Fi
//! would; a new session finds every confirmed answer, a valid state, no lock
//! in its way, and a clean terminal.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::sshd::{Sshd, start_sshd, user};
use common::{Pty, WAIT, bin};
use harden::state::{OperatorStatus, store};

/// `ssh -tt` to the test sshd, running harden on `project`, in a local PTY.
fn ssh_harden(s: &Sshd, project: &Path) -> Pty {
    let remote = format!(
        "env TERM=xterm-256color USER=tester HARDEN_LOOPBACK_ONLY=1 '{}' --project '{}' --offline",
        bin().display(),
        project.display()
    );
    let key = s.dir.path().join("client_key").display().to_string();
    let port = s.port.to_string();
    let target = format!("{}@127.0.0.1", user());
    Pty::spawn(
        Path::new("ssh"),
        &[
            "-tt",
            "-p",
            &port,
            "-i",
            &key,
            "-o",
            "StrictHostKeyChecking=no",
            "-o",
            "UserKnownHostsFile=/dev/null",
            "-o",
            "LogLevel=ERROR",
            "-o",
            "BatchMode=yes",
            &target,
            &remote,
        ],
        &[],
        100,
        30,
    )
}

/// Every process below `pid`.
fn descendants(pid: u32) -> Vec<u32> {
    let mut out = Vec::new();
    let mut stack = vec![pid];
    while let Some(p) = stack.pop() {
        let o = Command::new("pgrep")
            .arg("-P")
            .arg(p.to_string())
            .output()
            .unwrap();
        for c in String::from_utf8_lossy(&o.stdout).split_whitespace() {
            if let Ok(c) = c.parse() {
                out.push(c);
                stack.push(c);
            }
        }
    }
    out
}

#[test]
fn an_ssh_session_that_drops_loses_no_confirmed_answer() {
    let sshd = start_sshd();
    // One Python file: an empty folder opens with a "not an application"
    // notice, which is not what this test is about.
    let project = tempfile::tempdir().unwrap();
    std::fs::write(project.path().join("main.py"), "app = None\n").unwrap();
    let gap = Duration::from_millis(40);

    let mut p = ssh_harden(&sshd, project.path());
    p.wait_for("Who is answering?", WAIT);
    p.send(b"\r");
    p.wait_for("y accept", WAIT);
    p.keys("dd", gap);
    p.keys("]a", gap);
    p.wait_for("[-] Update ALLOWED_HOSTS", WAIT);
    // Half a note, never confirmed with Enter.
    p.keys("e", gap);
    p.wait_for("Note for cors.no_dev_origins", WAIT);
    p.keys("half a no", gap);
    std::thread::sleep(Duration::from_millis(200));

    // The connection dies on the server side: kill the session's sshd.
    let sessions = Command::new("pgrep")
        .arg("-P")
        .arg(sshd.child.id().to_string())
        .output()
        .unwrap();
    let session: u32 = String::from_utf8_lossy(&sessions.stdout)
        .split_whitespace()
        .next()
        .expect("a session sshd")
        .parse()
        .unwrap();
    let below = descendants(session);
    common::signal(session, "KILL");
    p.wait_exit(WAIT);
    // harden, below the session, notices the hang-up, saves and exits.
    let t = Instant::now();
    while below.iter().any(|pid| {
        std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .ok()
            .and_then(|s| {
                s.rsplit(')')
                    .next()
                    .map(|r| !r.trim_start().starts_with('Z'))
            })
            .unwrap_or(false)
    }) {
        assert!(
            t.elapsed() < Duration::from_secs(10),
            "harden did not end after the drop"
        );
        std::thread::sleep(Duration::from_millis(50));
    }

    let state = store::load(&project.path().join(".harden/state.toml"))
        .expect("the state file is valid")
        .expect("the state file exists");
    assert_eq!(state.status("env.secret_key_strong"), OperatorStatus::Done);
    assert_eq!(state.status("env.secret_key_set"), OperatorStatus::Done);
    assert_eq!(
        state.status("cors.allowed_hosts"),
        OperatorStatus::NotApplicable
    );
    assert!(
        state
            .items
            .get("cors.no_dev_origins")
            .is_none_or(|r| r.note.is_none()),
        "an unconfirmed note is not an answer"
    );

    // A new session: no lock in the way, every answer back, a clean exit.
    // It opens where the dropped one was (the CORS section), and the
    // section before holds the first answers.
    let mut p = ssh_harden(&sshd, project.path());
    let screen = p.wait_for("y accept", WAIT);
    assert!(!screen.contains("in use by another harden"), "{screen}");
    p.wait_for("[-] Update ALLOWED_HOSTS", WAIT);
    p.keys("[", gap);
    let screen = p.wait_for("Generate a strong", WAIT);
    assert!(
        screen.contains("[✓] Generate a strong") || screen.contains("[✓] ???? Generate a strong"),
        "{screen}"
    );
    assert!(
        common::without_badges(&screen).contains("[✓] Set SECRET_KEY"),
        "{screen}"
    );
    p.keys("q", gap);
    let st = p.wait_exit(WAIT);
    assert!(st.success(), "{st:?}");
    p.with_screen(|s| {
        assert!(
            !s.alternate_screen(),
            "the terminal of the new session is clean"
        );
        assert!(!s.hide_cursor());
    });
}
