//! End-to-end tests of the real binary in a real PTY: answers survive a
//! SIGHUP, the terminal is restored on every way out, and the lock and TTY
//! rules hold.
//!
//! Over 600 lines on purpose: each test drives the real binary through a
//! whole session, keys and waits included.

mod common;

use std::time::Duration;

use common::{Pty, WAIT, bin, fixture, signal};
use harden::state::OperatorStatus;
use harden::state::store;

const GAP: Duration = Duration::from_millis(15);

fn state_arg(dir: &std::path::Path) -> String {
    dir.display().to_string()
}

/// A project folder with one Python file (so that it looks like an
/// application; an empty folder opens with a notice) and its path as an
/// argument.
fn temp_project() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.py"), "app = None\n").unwrap();
    let arg = state_arg(dir.path());
    (dir, arg)
}

/// Row index of the first screen row containing `needle`.
fn row_of(p: &Pty, needle: &str) -> Option<u16> {
    p.screen()
        .lines()
        .position(|l| l.contains(needle))
        .map(|r| r as u16)
}

/// True when the row holding `needle` is drawn in reverse video (the
/// selection in the focused pane).
fn is_selected(p: &Pty, needle: &str) -> bool {
    let Some(row) = row_of(p, needle) else {
        return false;
    };
    let line = p.screen().lines().nth(row as usize).unwrap().to_string();
    let col = line[..line.find(needle).unwrap()].chars().count() as u16;
    p.with_screen(|s| s.cell(row, col + 1).is_some_and(|c| c.inverse()))
}

/// Starts the wizard on a new project and answers the name prompt.
fn start_new(project: &str, cols: u16, rows: u16) -> Pty {
    let mut p = Pty::harden(&["--project", project], cols, rows);
    p.wait_for("Who is answering?", WAIT);
    p.send(b"\r");
    // The browse footer replaces the prompt's.
    p.wait_for("y accept", WAIT);
    p
}

fn assert_terminal_restored(p: &Pty) {
    p.with_screen(|s| {
        assert!(!s.alternate_screen(), "still on the alternate screen");
        assert!(!s.hide_cursor(), "cursor still hidden");
    });
    let out = p.output();
    let text = String::from_utf8_lossy(&out);
    // Bracketed paste was turned on, then off again.
    assert!(text.contains("\x1b[?2004h"));
    assert!(text.rfind("\x1b[?2004l") > text.rfind("\x1b[?2004h"));
}

#[test]
fn answers_survive_sighup_and_the_wizard_resumes_where_the_operator_was() {
    let (dir, project) = temp_project();
    let mut p = start_new(&project, 80, 24);
    p.keys("ddx", GAP);
    p.keys("]a", GAP);
    p.keys("e", GAP);
    p.wait_for("Note for cors.no_dev_origins", WAIT);
    p.keys("behind the VPN\r", GAP);
    p.wait_for("Note saved for cors.no_dev_origins", WAIT);
    signal(p.pid(), "HUP");
    let st = p.wait_exit(WAIT);
    assert_eq!(st.exit_code(), 129, "{st:?}");
    assert_terminal_restored(&p);

    let path = dir.path().join(".harden/state.toml");
    let s = store::load(&path).unwrap().unwrap();
    assert_eq!(s.operator.as_deref(), Some("tester"));
    assert_eq!(s.status("env.secret_key_strong"), OperatorStatus::Done);
    assert_eq!(s.status("env.secret_key_set"), OperatorStatus::Done);
    assert_eq!(
        s.status("env.secret_key_not_default"),
        OperatorStatus::NotDone
    );
    assert_eq!(
        s.status("cors.allowed_hosts"),
        OperatorStatus::NotApplicable
    );
    assert_eq!(
        s.items["cors.no_dev_origins"].note.as_deref(),
        Some("behind the VPN")
    );
    assert!(
        !dir.path().join(".harden/state.toml.lock").exists(),
        "lock file removed on the way out"
    );

    // Back where the hang-up left the operator: the CORS item with the note.
    let mut p = Pty::harden(&["--project", &project], 80, 24);
    let screen = p.wait_for("┌ cors.no_dev_origins ─", WAIT);
    assert!(is_selected(&p, "Remove development domains"), "{screen}");
    assert!(
        screen.contains("Remove development domains (localh… ✎"),
        "{screen}"
    );
    assert!(!screen.contains("Who is answering?"), "asked only once");
    assert!(screen.contains("[-] Update ALLOWED_HOSTS"), "{screen}");
    assert!(screen.contains("2. CORS Configuration · 1/8"), "{screen}");
    // The section before opens at its first unanswered item.
    p.keys("[", GAP);
    let screen = p.wait_for("env.secret_key_not_committed", WAIT);
    for g in [
        "[✓] Generate a strong",
        "[✓] Set SECRET_KEY",
        "[✗] Verify SECRET_KEY",
        "[ ] Ensure SECRET_KEY",
    ] {
        assert!(screen.contains(g), "{g} missing:\n{screen}");
    }
    assert!(is_selected(&p, "Ensure SECRET_KEY is never"), "{screen}");
    assert!(!is_selected(&p, "Generate a strong"));
    p.keys("q", GAP);
    assert_eq!(p.wait_exit(WAIT).exit_code(), 0);
    assert_terminal_restored(&p);
}

#[test]
fn sigterm_saves_and_restores_the_terminal() {
    let (dir, project) = temp_project();
    let mut p = start_new(&project, 80, 24);
    p.keys("d", GAP);
    p.wait_for("[✓] Generate", WAIT);
    signal(p.pid(), "TERM");
    assert_eq!(p.wait_exit(WAIT).exit_code(), 143);
    assert_terminal_restored(&p);
    let s = store::load(&dir.path().join(".harden/state.toml"))
        .unwrap()
        .unwrap();
    assert_eq!(s.status("env.secret_key_strong"), OperatorStatus::Done);
}

/// Runs harden in `sh` so that `stty -a` reports the terminal modes left
/// behind after it exits.
fn run_and_stty(env: &[(&str, &str)], project: &str) -> (Pty, u32) {
    let script = format!(
        "'{}' --project '{}'; code=$?; stty -a | tr '\\n' ' ' ; echo; echo EXIT=$code",
        bin().display(),
        project
    );
    let mut p = Pty::spawn(
        std::path::Path::new("/bin/sh"),
        &["-c", &script],
        env,
        120,
        40,
    );
    p.wait_for("EXIT=", WAIT);
    let screen = p.screen();
    let code = screen
        .split("EXIT=")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .and_then(|s| s.parse().ok())
        .expect("exit code");
    p.wait_exit(WAIT);
    (p, code)
}

fn assert_cooked(screen: &str) {
    let flat = screen.replace('\n', " ");
    let words: Vec<&str> = flat.split_whitespace().collect();
    for mode in ["icanon", "echo", "isig"] {
        assert!(words.contains(&mode), "{mode} not restored:\n{screen}");
    }
}

#[test]
fn a_panic_in_a_background_task_restores_the_terminal() {
    let (_dir, project) = temp_project();
    let (p, code) = run_and_stty(&[("HARDEN_DEBUG_PANIC", "task")], &project);
    assert_eq!(code, 101);
    let screen = p.screen();
    let out = String::from_utf8_lossy(&p.output()).to_string();
    assert!(out.contains("a panic in a background task"), "{out}");
    assert_cooked(&screen);
    p.with_screen(|s| {
        assert!(!s.alternate_screen());
        assert!(!s.hide_cursor());
    });
}

#[test]
fn a_panic_in_the_event_loop_restores_the_terminal() {
    let (_dir, project) = temp_project();
    let (p, code) = run_and_stty(&[("HARDEN_DEBUG_PANIC", "main")], &project);
    assert_eq!(code, 101);
    let screen = p.screen();
    let out = String::from_utf8_lossy(&p.output()).to_string();
    assert!(out.contains("a panic in the event loop"), "{out}");
    assert_cooked(&screen);
}

#[test]
fn a_normal_quit_restores_cooked_mode() {
    let (_dir, project) = temp_project();
    let script = format!(
        "'{}' --project '{}'; code=$?; stty -a | tr '\\n' ' ' ; echo; echo EXIT=$code",
        bin().display(),
        project
    );
    let mut p = Pty::spawn(
        std::path::Path::new("/bin/sh"),
        &["-c", &script],
        &[],
        80,
        24,
    );
    p.wait_for("Who is answering?", WAIT);
    p.keys("\rq", GAP);
    let screen = p.wait_for("EXIT=0", WAIT);
    assert_cooked(&screen);
    p.wait_exit(WAIT);
}

#[test]
fn a_second_wizard_on_the_same_state_is_refused_with_the_holders_pid() {
    let (dir, project) = temp_project();
    let mut first = start_new(&project, 80, 24);
    first.keys("d", GAP);
    first.wait_for("[✓] Generate", WAIT);
    // Let the first wizard's detection saves settle before taking the snapshot.
    let path = dir.path().join(".harden/state.toml");
    let mut state = std::fs::read(&path).unwrap();
    loop {
        std::thread::sleep(Duration::from_millis(300));
        let now = std::fs::read(&path).unwrap();
        if now == state {
            break;
        }
        state = now;
    }

    let mut second = Pty::harden(&["--project", &project], 80, 24);
    let st = second.wait_exit(WAIT);
    assert_eq!(st.exit_code(), 2);
    let out = String::from_utf8_lossy(&second.output()).to_string();
    assert!(
        out.contains(&format!("in use by another harden (pid {}", first.pid())),
        "{out}"
    );
    assert!(out.contains("--state OTHER_FILE"), "{out}");
    assert_eq!(
        std::fs::read(dir.path().join(".harden/state.toml")).unwrap(),
        state,
        "the refused wizard wrote nothing"
    );
    // The first one is unaffected and still saves.
    first.keys("d", GAP);
    first.wait_for("[✓] Set SECRET_KEY", WAIT);
    first.keys("q", GAP);
    assert_eq!(first.wait_exit(WAIT).exit_code(), 0);
}

#[test]
fn a_lock_left_by_a_killed_wizard_is_taken_over_with_a_message() {
    let (dir, project) = temp_project();
    let mut p = start_new(&project, 80, 24);
    p.keys("d", GAP);
    p.wait_for("[✓] Generate", WAIT);
    let dead = p.pid();
    signal(dead, "KILL");
    p.wait_exit(WAIT);
    assert!(dir.path().join(".harden/state.toml.lock").exists());

    let mut p = Pty::harden(&["--project", &project], 100, 24);
    let screen = p.wait_for("Took over a lock", WAIT);
    assert!(screen.contains(&format!("pid {dead}")), "{screen}");
    // The first key only dismisses the notice.
    p.keys("q", GAP);
    p.wait_for(" d done", WAIT);
    p.keys("q", GAP);
    assert_eq!(p.wait_exit(WAIT).exit_code(), 0);
}

#[test]
fn no_color_gives_a_screen_without_colour_and_no_mouse_capture() {
    let (_dir, project) = temp_project();
    for (flag, env) in [(true, vec![]), (false, vec![("NO_COLOR", "1")])] {
        let fresh_dir = tempfile::tempdir().unwrap();
        let fresh = state_arg(fresh_dir.path());
        let mut args = vec!["--project", fresh.as_str()];
        if flag {
            args.push("--no-color");
        }
        let mut p = Pty::spawn(&bin(), &args, &env, 80, 24);
        p.wait_for("Who is answering?", WAIT);
        p.keys("\r", GAP);
        p.wait_for("Sections", WAIT);
        let out = String::from_utf8_lossy(&p.output()).to_string();
        // SGR colour codes: 3x/4x/9x/10x foreground/background, or 38;/48; extended.
        let coloured = out.split("\x1b[").skip(1).any(|seq| {
            let params: String = seq
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == ';')
                .collect();
            seq[params.len()..].starts_with('m')
                && params.split(';').any(|n| {
                    matches!(
                        n.parse::<u32>(),
                        Ok(30..=37 | 40..=47 | 90..=97 | 100..=107 | 38 | 48)
                    )
                })
        });
        assert!(!coloured, "colour escape in monochrome output");
        assert!(
            !out.contains("\x1b[?1000h") && !out.contains("\x1b[?1006h"),
            "mouse captured"
        );
        p.keys("q", GAP);
        p.wait_exit(WAIT);
    }
    // And the colour theme does emit colour, so the check above can fail.
    let mut p = Pty::harden(&["--project", &project], 80, 24);
    p.wait_for("Sections", WAIT);
    // The frame may still be arriving (a loaded machine splits it across
    // reads): look until colour shows, up to the deadline.
    let start = std::time::Instant::now();
    let mut out = String::from_utf8_lossy(&p.output()).to_string();
    while !(out.contains("\x1b[38;5;") || out.contains("\x1b[3")) && start.elapsed() < WAIT {
        std::thread::sleep(std::time::Duration::from_millis(20));
        out = String::from_utf8_lossy(&p.output()).to_string();
    }
    assert!(
        out.contains("\x1b[38;5;") || out.contains("\x1b[3"),
        "no colour at all?"
    );
    p.keys("\rq", GAP);
    p.wait_exit(WAIT);
}

#[test]
fn resize_at_any_time_switches_layouts_and_shows_too_small() {
    let (_dir, project) = temp_project();
    let mut p = start_new(&project, 80, 24);
    p.wait_for("Sections", WAIT);
    p.resize(50, 15);
    let s = p.wait_for("Terminal too small", WAIT);
    assert!(s.contains("50x15"), "{s}");
    p.resize(60, 18);
    let s = p.wait_for("1. Environment Configuration", WAIT);
    assert!(
        !s.contains("Sections"),
        "compact layout has no section pane:\n{s}"
    );
    assert!(!s.contains("too small"), "{s}");
    // Keys work in every layout: mark an item while compact.
    p.keys("d", GAP);
    p.wait_for("[✓] Generate", WAIT);
    p.resize(100, 30);
    let s = p.wait_for("Sections", WAIT);
    assert!(common::without_badges(&s).contains("[✓] Generate"), "{s}");
    p.keys("q", GAP);
    assert_eq!(p.wait_exit(WAIT).exit_code(), 0);
}

#[test]
fn a_changed_checklist_keeps_answers_for_items_it_lacks() {
    let (dir, project) = temp_project();
    let mut p = start_new(&project, 80, 24);
    p.keys("dd", GAP);
    p.wait_for("[✓] Set SECRET_KEY", WAIT);
    p.keys("q", GAP);
    p.wait_exit(WAIT);

    let small = fixture("checklists/small.toml");
    let small = small.display().to_string();
    let mut p = Pty::harden(&["--project", &project, "--checklist", &small], 120, 30);
    let screen = p.wait_for("answers are for items this checklist lacks", WAIT);
    assert!(screen.contains("The checklist changed"), "{screen}");
    assert!(screen.contains("env.secret_key_strong"), "{screen}");
    p.keys("x", GAP);
    let screen = p.wait_for(" d done", WAIT);
    assert!(!screen.contains("Notice"), "{screen}");
    assert!(
        screen.contains("[✓] Set SECRET_KEY"),
        "the dismissing key did nothing else:\n{screen}"
    );
    assert!(screen.contains("[ ] An item the embedded"), "{screen}");
    p.keys("v", GAP);
    p.wait_for("env.secret_key_strong", WAIT);
    p.keys("\x1bjd", GAP);
    p.wait_for("[✓] An item the embedded", WAIT);
    p.keys("q", GAP);
    p.wait_exit(WAIT);
    let s = store::load(&dir.path().join(".harden/state.toml"))
        .unwrap()
        .unwrap();
    assert_eq!(s.checklist.id, "small");
    assert_eq!(
        s.status("env.secret_key_strong"),
        OperatorStatus::Done,
        "the orphan is kept"
    );
    assert_eq!(s.status("env.new_item"), OperatorStatus::Done);
}

#[test]
fn detection_results_stream_into_the_wizard_without_secrets() {
    let d = common::projects::hardened();
    let project = d.path().display().to_string();
    let pip = fixture("pip-audit/clean-2x.json").display().to_string();
    let mut p = Pty::harden(&["--project", &project, "--pip-audit-json", &pip], 100, 30);
    p.wait_for("Who is answering?", WAIT);
    p.send(b"\r");
    let screen = p.wait_for("PASS Generate a strong", WAIT);
    assert!(screen.contains("Detected PASS"), "{screen}");
    // Accept three results, walking forward.
    p.keys("yyy", GAP);
    p.wait_for("[✓] PASS Verify SECRET_KEY is NOT", WAIT);
    p.keys("q", GAP);
    assert_eq!(p.wait_exit(WAIT).exit_code(), 0);
    let state = std::fs::read_to_string(d.path().join(".harden/state.toml")).unwrap();
    assert!(
        state.contains("[detections.\"env.secret_key_strong\"]"),
        "{state}"
    );
    assert!(state.contains("[fingerprints]"), "{state}");
    let out = String::from_utf8_lossy(&p.output()).to_string();
    for s in common::projects::SECRETS {
        assert!(!out.contains(s), "{s} reached the terminal");
        assert!(!state.contains(s), "{s} reached the state file");
    }
}

#[test]
fn keys_are_answered_while_probes_wait_on_a_black_hole() {
    // A loopback listener that accepts and never speaks.
    let hole = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = hole.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for s in hole.incoming().flatten() {
            held.push(s);
        }
    });
    let (_dir, project) = temp_project();
    let connect = format!("api.example.com:443:127.0.0.1:{port}");
    let mut p = Pty::harden(
        &[
            "--project",
            &project,
            "--url",
            "https://api.example.com",
            "--connect-to",
            &connect,
            "--timeout",
            "6",
        ],
        80,
        24,
    );
    p.wait_for("Who is answering?", WAIT);
    p.send(b"\r");
    p.wait_for("y accept", WAIT);
    let started = std::time::Instant::now();
    p.keys("]]", GAP);
    let spinning = p.wait_for("3. HTTPS/TLS Configuration", WAIT);
    let raw = p.screen();
    assert!(
        raw.chars().any(|c| ('⠀'..='⣿').contains(&c)),
        "a spinner on the TLS items while the probe waits:\n{raw}"
    );
    p.keys("d", GAP);
    p.wait_for("[✓] Obtain SSL/TLS", WAIT);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(4),
        "keys were answered while the probe still waited ({:?})",
        started.elapsed()
    );
    assert!(spinning.contains("Obtain SSL/TLS"));
    // When the deadline passes, the probe ends as unknown, never pass.
    let s = p.wait_for("????", std::time::Duration::from_secs(20));
    assert!(!s.contains("PASS Obtain"), "{s}");
    p.keys("q", GAP);
    assert_eq!(p.wait_exit(WAIT).exit_code(), 0);
}

#[test]
fn the_wizard_generates_the_files_and_keeps_secrets_off_screen_and_out_of_state() {
    let d = common::projects::fresh();
    let project = d.path().display().to_string();
    let mut p = Pty::harden(&["--project", &project, "--offline"], 100, 30);
    p.wait_for("Who is answering?", WAIT);
    p.send(b"\r");
    p.wait_for("y accept", WAIT);
    p.keys("c", GAP);
    p.wait_for("Answers for generate", WAIT);
    // Values the example only stands in for are marked and must be
    // replaced or confirmed before anything renders (issue 14).
    let s = p.wait_for("example values to replace or confirm", WAIT);
    assert!(s.contains("project.name"), "{s}");
    assert!(s.contains("EXAMPLE"), "{s}");
    let line = s
        .lines()
        .find(|l| l.contains("example values to replace or confirm"))
        .unwrap();
    let before = &line[..line.find(" example values").unwrap()];
    let digits: String = before
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let n: usize = digits.parse().unwrap();
    p.keys("g", GAP);
    p.wait_for("example values are still in the answers", WAIT);
    for _ in 0..n {
        p.keys("gc", GAP);
    }
    p.wait_for("Each value says where it came from", WAIT);
    p.keys("g", GAP);
    let s = p.wait_for("Generated files", WAIT);
    assert!(s.contains("new  .env.production"), "{s}");
    // The frame may still be arriving: wait for the masked line itself.
    p.wait_for("SECRET_KEY=‹secret›", WAIT);
    p.keys("w", GAP);
    p.wait_for("y writes", WAIT);
    p.keys("y", GAP);
    let s = p.wait_for("Wrote 11 files", WAIT);
    assert!(s.contains("env items pass, 0 fail"), "{s}");
    p.keys("q", GAP);
    assert_eq!(p.wait_exit(WAIT).exit_code(), 0);

    let out = d.path().join(".harden/generated");
    use std::os::unix::fs::PermissionsExt;
    let env_mode = std::fs::metadata(out.join(".env.production"))
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(env_mode, 0o600);
    let env = harden::detect::envfile::read(&out.join(".env.production")).unwrap();
    let secret = env.value("SECRET_KEY").unwrap().to_string();
    assert_eq!(secret.len(), 64);
    let state = std::fs::read_to_string(d.path().join(".harden/state.toml")).unwrap();
    assert!(state.contains("[answers.domains]"), "the answers are kept");
    assert!(
        state.contains("[generated]"),
        "the addressed items are marked"
    );
    assert!(
        !state.contains(&secret),
        "a generated secret reached the state file"
    );
    let screen = String::from_utf8_lossy(&p.output()).to_string();
    assert!(
        !screen.contains(&secret),
        "a generated secret reached the screen"
    );
}

/// The issue's case: 198 items never answered. The sign-off is refused
/// with the list of the 9 that block it (a critical item open, important
/// items unanswered); the operator goes to each from the list and answers
/// it, then the form shows the counts, asks to confirm, and signs.
#[test]
fn sign_off_is_refused_then_accepted_and_the_re_review_shows_a_rotated_secret() {
    use harden::checklist::Severity;
    use harden::state::{ItemRecord, State, store};
    let d = common::projects::hardened();
    let project = d.path().display().to_string();
    let c = harden::checklist::load_embedded().unwrap();
    let mut s = State::new(&c, time::OffsetDateTime::now_utc());
    s.operator = Some("tester".into());
    let critical = c.items().filter(|i| i.severity == Severity::Critical);
    let important = c.items().filter(|i| i.severity == Severity::Important);
    for i in critical
        .filter(|i| i.id != "env.secret_key_strong")
        .chain(important.take(9))
    {
        s.items.insert(
            i.id.clone(),
            ItemRecord {
                status: OperatorStatus::Done,
                ..ItemRecord::default()
            },
        );
    }
    assert_eq!(c.len() - s.items.len(), 198, "198 items never answered");
    store::save(&d.path().join(".harden/state.toml"), &s).unwrap();

    let mut p = Pty::harden(&["--project", &project, "--offline"], 100, 30);
    p.wait_for("PASS Generate a strong", WAIT);
    for left in (1..=9).rev() {
        p.keys("S", GAP);
        let screen = p.wait_for(&format!("Sign-off refused: {left} items must"), WAIT);
        if left == 9 {
            assert!(screen.contains("env.secret_key_strong  open"), "{screen}");
            assert!(screen.contains("important, unanswered"), "{screen}");
        }
        // Enter goes to the first blocker; the critical one is confirmed
        // done, the important ones answered n/a (an answer is enough).
        p.keys("\r", GAP);
        p.wait_for("y accept", WAIT);
        p.keys(if left == 9 { "d" } else { "a" }, GAP);
        p.wait_for(": ", WAIT);
    }
    p.keys("S", GAP);
    let screen = p.wait_for("Security review sign-off", WAIT);
    assert!(
        screen.contains("232 items: 35 done, 0 not done, 8 n/a"),
        "{screen}"
    );
    assert!(
        screen.contains("Unanswered: 0 critical, 0 important, 189 normal"),
        "{screen}"
    );
    p.keys("\t\tGrace\r", GAP);
    let screen = p.wait_for("y signs", WAIT);
    assert!(
        screen.contains("reviewed by tester") && screen.contains("approved by Grace"),
        "{screen}"
    );
    p.keys("y", GAP);
    p.wait_for("Signed off: reviewed by tester, approved by Grace", WAIT);
    p.keys("q", GAP);
    assert_eq!(p.wait_exit(WAIT).exit_code(), 0);
    let saved = store::load(&d.path().join(".harden/state.toml"))
        .unwrap()
        .unwrap();
    assert_eq!(saved.signoffs.len(), 1);
    assert_eq!(saved.signoffs[0].approved_by, "Grace");
    assert_eq!(
        saved.status("signoff.important_addressed"),
        OperatorStatus::Done
    );

    // Rotate SECRET_KEY; the next session opens on what changed.
    let env = std::fs::read_to_string(d.path().join(".env"))
        .unwrap()
        .replace(
            "44d8fdeabfefda14af859517cea67333c10ad0f1edb52834774ee54f1d0a1a5f",
            "5b2f0c7e9a1d4e6f8a0b2c4d6e8f0a1b3c5d7e9f1a2b4c6d8e0f1a3b5c7d9e1f",
        );
    std::fs::write(d.path().join(".env"), env).unwrap();
    let mut p = Pty::harden(&["--project", &project, "--offline"], 100, 30);
    let screen = p.wait_for(
        "ROTATED    SECRET_KEY: its value changed since the sign-off",
        WAIT,
    );
    assert!(screen.contains("Since the sign-off of"), "{screen}");
    assert!(screen.contains("approved by Grace"), "{screen}");
    p.keys(" q", GAP);
    assert_eq!(p.wait_exit(WAIT).exit_code(), 0);
}

#[test]
fn a_save_that_fails_half_way_keeps_the_previous_state_and_the_wizard_running() {
    use harden::state::{State, store};
    let (dir, project) = temp_project();
    let c = harden::checklist::load_embedded().unwrap();
    let mut s = State::new(&c, time::OffsetDateTime::now_utc());
    s.operator = Some("tester".into());
    let path = dir.path().join(".harden/state.toml");
    store::save(&path, &s).unwrap();
    let before = std::fs::read(&path).unwrap();
    // A file-size limit just above the current state: the next save with
    // detections and answers fails half way, as on a full disk.
    let limit = format!("--fsize={}", before.len() + 200);
    let bin = bin().display().to_string();
    let mut p = Pty::spawn(
        std::path::Path::new("/usr/bin/prlimit"),
        &[&limit, "--", &bin, "--project", &project, "--offline"],
        &[],
        100,
        30,
    );
    p.wait_for("NOT SAVED", WAIT);
    // The whole error is in the message log (the status line may cut it).
    p.keys("M", GAP);
    let log = p.wait_for("Messages:", WAIT);
    let flat: String = log
        .lines()
        .map(|l| l.trim_matches(|c: char| "║│┃┏┗┌└ ".contains(c)))
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        flat.contains("(writing the temp file): File too large"),
        "{log}"
    );
    p.keys("\x1b", GAP);
    // Still running: keys are answered, and the error stays visible.
    p.keys("v", GAP);
    p.wait_for("Overview", WAIT);
    p.keys("\x1b", GAP);
    // The file on disk is the previous version, whole.
    let after = std::fs::read(&path).unwrap();
    assert_eq!(after, before, "the failed save left the previous state");
    assert!(store::load(&path).unwrap().is_some());
    // q asks twice while answers are unsaved.
    p.keys("q", GAP);
    p.wait_for("q again", WAIT);
    p.keys("q", GAP);
    assert_eq!(p.wait_exit(WAIT).exit_code(), 0);
}

#[test]
fn the_state_folder_deleted_while_the_wizard_runs_is_written_again_and_stays_locked() {
    let (dir, project) = temp_project();
    let mut p = start_new(&project, 80, 24);
    p.keys("d", GAP);
    p.wait_for("[✓] Generate", WAIT);
    std::thread::sleep(Duration::from_millis(300));
    std::fs::remove_dir_all(dir.path().join(".harden")).unwrap();
    p.keys("d", GAP);
    p.wait_for("[✓] Set SECRET_KEY", WAIT);
    let path = dir.path().join(".harden/state.toml");
    let t = std::time::Instant::now();
    while !path.exists() {
        assert!(t.elapsed() < WAIT, "the state was not written again");
        std::thread::sleep(Duration::from_millis(20));
    }
    let s = store::load(&path).unwrap().unwrap();
    assert_eq!(
        s.status("env.secret_key_strong"),
        OperatorStatus::Done,
        "the whole state, not just the last answer"
    );
    assert_eq!(s.status("env.secret_key_set"), OperatorStatus::Done);
    // The lock was taken again: a second wizard is still refused.
    let mut second = Pty::harden(&["--project", &project], 80, 24);
    assert_eq!(second.wait_exit(WAIT).exit_code(), 2);
    let out = String::from_utf8_lossy(&second.output()).to_string();
    assert!(out.contains(&format!("pid {}", p.pid())), "{out}");
    p.keys("q", GAP);
    assert_eq!(p.wait_exit(WAIT).exit_code(), 0);
}

/// The settings view shows how each concept was tied to the project's
/// settings; a correction typed there lands in `.harden/config.toml`
/// (comments kept), detection runs again with it, and `check` reads the
/// same file.
#[test]
fn a_mapping_corrected_in_the_wizard_is_what_check_judges() {
    let d = common::projects::repo("starlette");
    let project = d.path().display().to_string();
    std::fs::create_dir(d.path().join(".harden")).unwrap();
    std::fs::write(
        d.path().join(".harden/config.toml"),
        "# The team's corrections.\n[settings]\nREDIS_URL = \"none\"\n",
    )
    .unwrap();
    let mut env = std::fs::read_to_string(d.path().join(".env")).unwrap();
    env.push_str("TRUSTED_HOSTS=https://app.example.com\n");
    std::fs::write(d.path().join(".env"), env).unwrap();
    let mut p = start_new(&project, 100, 30);
    p.keys("m", GAP);
    let screen = p.wait_for("Found by; value", WAIT);
    assert!(
        screen.contains(
            "ALLOWED_HOSTS                ALLOWED_HOSTS declared at app/config.py:8; code default"
        ),
        "{screen}"
    );
    // ALLOWED_HOSTS is the second row (after ACCESS_TOKEN_EXPIRE_MINUTES).
    p.keys("j", GAP);
    p.send(b"\r");
    p.wait_for("the setting's name as the code or env file spells it", WAIT);
    // Clear the prefilled name, type a wrong one, then the right one.
    p.send(b"\x15");
    p.keys("two words", GAP);
    p.send(b"\r");
    p.wait_for("is not a setting name", WAIT);
    p.send(b"\x15");
    p.keys("TRUSTED_HOSTS", GAP);
    p.send(b"\r");
    let screen = p.wait_for("*ALLOWED_HOSTS", WAIT);
    assert!(
        screen.contains("TRUSTED_HOSTS is named for this part"),
        "{screen}"
    );
    p.send(b"\x1b");
    p.wait_for("y accept", WAIT);
    p.keys("q", GAP);
    assert_eq!(p.wait_exit(WAIT).exit_code(), 0);
    let config = std::fs::read_to_string(d.path().join(".harden/config.toml")).unwrap();
    assert_eq!(
        config,
        "# The team's corrections.\n[settings]\nREDIS_URL = \"none\"\nALLOWED_HOSTS = \"TRUSTED_HOSTS\"\n"
    );
    let out = tempfile::tempdir().unwrap();
    let report = out.path().join("r.json");
    let o = common::run(
        common::harden()
            .args(["check", "--offline", "--format", "json", "--output"])
            .arg(&report)
            .arg("--project")
            .arg(d.path()),
    );
    assert!(o.code <= 1, "{}", o.stderr);
    let r = std::fs::read_to_string(&report).unwrap();
    assert!(
        r.contains(
            "TRUSTED_HOSTS is named for this part by the project's config at .harden/config.toml:4"
        ),
        "{r}"
    );
}

/// A folder that is not an application (no Python, no env file, no git)
/// opens with a notice saying what was looked for, not a silent screen of
/// unknowns; a folder that does not exist is exit 2 and is not created.
#[test]
fn a_folder_that_is_not_a_project_is_said_to_be_one() {
    let dir = tempfile::tempdir().unwrap();
    let project = state_arg(dir.path());
    let mut p = Pty::harden(&["--project", &project], 120, 30);
    let screen = p.wait_for("does not look like an application", WAIT);
    assert!(screen.contains("Who is answering?"), "{screen}");
    p.send(b"\r");
    p.wait_for("y accept", WAIT);
    p.keys("q", GAP);
    assert_eq!(p.wait_exit(WAIT).exit_code(), 0);
    // Next start, with a state: the notice is shown first.
    let mut p = Pty::harden(&["--project", &project], 120, 30);
    p.wait_for("does not look like an application", WAIT);
    p.send(b" ");
    p.wait_for("y accept", WAIT);
    p.keys("q", GAP);
    assert_eq!(p.wait_exit(WAIT).exit_code(), 0);
    let missing = dir.path().join("typo-dir");
    let o = common::run(common::harden().arg("--project").arg(&missing));
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(o.stderr.contains("does not exist"), "{}", o.stderr);
    assert!(!missing.exists());
}

/// Typing `/admin` as in less or k9s searches: no answer changes, the
/// item is found, and Enter puts the cursor on it.
/// An answer given by mistake is taken back with `U` after a restart, and
/// the restarted wizard opens where the operator left it; the session file
/// that carries both is git-ignored.
#[test]
fn undo_takes_back_an_answer_after_a_restart_at_the_remembered_place() {
    let (dir, project) = temp_project();
    let mut p = start_new(&project, 100, 30);
    p.keys("]]jj", GAP);
    p.keys("d", GAP);
    p.wait_for("tls.protocols: done", WAIT);
    p.keys("q", GAP);
    assert_eq!(p.wait_exit(WAIT).exit_code(), 0);
    let state_path = dir.path().join(".harden/state.toml");
    let s = store::load(&state_path).unwrap().unwrap();
    assert_eq!(s.status("tls.protocols"), OperatorStatus::Done);
    let ignore = std::fs::read_to_string(dir.path().join(".harden/.gitignore")).unwrap();
    assert!(ignore.lines().any(|l| l == "session.toml"), "{ignore}");

    let mut p = Pty::harden(&["--project", &project], 100, 30);
    let screen = p.wait_for("3. HTTPS/TLS Configuration", WAIT);
    assert!(
        is_selected(&p, "Offer only forward-secret AEAD cipher suites"),
        "not resumed at the item after the answer:\n{screen}"
    );
    p.keys("U", GAP);
    let screen = p.wait_for("Undone: tls.protocols is open again", WAIT);
    assert!(screen.contains("nothing more to undo"), "{screen}");
    assert!(is_selected(&p, "Enable HTTPS on all endpoints"), "{screen}");
    p.keys("U", GAP);
    p.wait_for("Nothing to undo", WAIT);
    p.keys("q", GAP);
    assert_eq!(p.wait_exit(WAIT).exit_code(), 0);
    let s = store::load(&state_path).unwrap().unwrap();
    assert_eq!(s.status("tls.protocols"), OperatorStatus::Open);
}

#[test]
fn a_typed_search_answers_nothing_and_finds_the_item() {
    let (dir, project) = temp_project();
    let mut p = start_new(&project, 100, 30);
    p.keys("/admin", GAP);
    // The query line, once every key has landed.
    let screen = p.wait_for("║admin ", WAIT);
    assert!(screen.contains("matches"), "{screen}");
    p.send(b"\r");
    let screen = p.wait_for("found. / searches again", WAIT);
    p.keys("q", GAP);
    assert_eq!(p.wait_exit(WAIT).exit_code(), 0);
    let state = store::load(&dir.path().join(".harden/state.toml"))
        .unwrap()
        .unwrap();
    assert!(
        state
            .items
            .values()
            .all(|r| r.status == OperatorStatus::Open),
        "a search answered an item"
    );
    let found = screen
        .lines()
        .find(|l| l.contains("found. / searches again"))
        .unwrap()
        .to_string();
    assert!(
        found.to_lowercase().contains("admin") || found.contains("api."),
        "{found}"
    );
}

/// TERM=dumb cannot draw the wizard: a clear refusal (exit 2) that points
/// at `harden check`, not a screen of escape codes.
#[test]
fn a_dumb_terminal_is_refused_with_the_way_out() {
    let (_dir, project) = temp_project();
    let mut p = Pty::spawn(
        &bin(),
        &["--project", &project],
        &[("TERM", "dumb")],
        80,
        24,
    );
    let screen = p.wait_for("TERM=dumb cannot show the wizard", WAIT);
    assert!(screen.contains("harden check"), "{screen}");
    assert_eq!(p.wait_exit(WAIT).exit_code(), 2);
    let out = String::from_utf8_lossy(&p.output()).to_string();
    assert!(
        !out.contains("\x1b[?1049h"),
        "the alternate screen was entered"
    );
}

/// A session file that does not parse costs this run its position and undo
/// log, never the file: the notice names it with its line, and the file is
/// byte for byte what it was after answers are saved.
#[test]
fn a_broken_session_file_is_named_and_left_untouched() {
    let (dir, project) = temp_project();
    let mut p = start_new(&project, 100, 30);
    p.keys("d", GAP);
    // The header's count, not the status line: the line gives way to
    // "Detection done" when the detectors finish just after the key.
    p.wait_for("1 done", WAIT);
    p.keys("q", GAP);
    assert_eq!(p.wait_exit(WAIT).exit_code(), 0);
    let session = dir.path().join(".harden/session.toml");
    let broken = b"schema = 1\n[operator.tester]\nitem = [\n";
    std::fs::write(&session, broken).unwrap();

    let mut p = Pty::harden(&["--project", &project], 100, 30);
    let screen = p.wait_for("session.toml:", WAIT);
    assert!(screen.contains("session.toml:3:9:"), "{screen}");
    assert!(screen.contains("left as it is"), "{screen}");
    p.keys(" ", GAP);
    p.wait_for("y accept", WAIT);
    // Detection's own status message would cover the answer to U.
    p.wait_for("Detection done", WAIT);
    p.keys("U", GAP);
    p.wait_for("Nothing to undo", WAIT);
    p.keys("x", GAP);
    p.wait_for(": not done", WAIT);
    p.keys("q", GAP);
    assert_eq!(p.wait_exit(WAIT).exit_code(), 0);
    assert_eq!(std::fs::read(&session).unwrap(), broken);
}

/// With the section list focused no item is in view: an answer key answers
/// nothing and says where answers go.
#[test]
fn an_answer_key_on_the_section_list_answers_nothing_and_says_why() {
    let (dir, project) = temp_project();
    let mut p = start_new(&project, 100, 30);
    p.keys("\x1b", GAP);
    std::thread::sleep(std::time::Duration::from_millis(60));
    p.keys("jd", GAP);
    p.wait_for("Answers go to the item in the items pane", WAIT);
    p.keys("x", GAP);
    p.keys("q", GAP);
    assert_eq!(p.wait_exit(WAIT).exit_code(), 0);
    let s = store::load(&dir.path().join(".harden/state.toml"))
        .unwrap()
        .unwrap();
    assert!(
        s.items.is_empty(),
        "answered from the section list: {:?}",
        s.items
    );
}

/// The sign-off refusal is longer than the status line: the message log
/// (M) has it whole, to its last word.
#[test]
fn the_message_log_shows_a_long_refusal_in_full() {
    let (_dir, project) = temp_project();
    let mut p = start_new(&project, 80, 24);
    p.keys("S", GAP);
    p.wait_for("Sign-off refused:", WAIT);
    p.keys("\x1b", GAP);
    std::thread::sleep(std::time::Duration::from_millis(60));
    p.keys("M", GAP);
    let log = p.wait_for("Messages:", WAIT);
    let flat: String = log
        .lines()
        .map(|l| l.trim_matches(|c: char| "║│┃┏┗┌└╔╚ ".contains(c)))
        .collect::<Vec<_>>()
        .join(" ");
    assert!(flat.contains("Sign-off refused:"), "{log}");
    assert!(
        flat.contains("The list shows them all; Enter goes to one."),
        "the end of the refusal is not in the log:\n{log}"
    );
    p.keys("\x1b", GAP);
    std::thread::sleep(std::time::Duration::from_millis(60));
    p.keys("q", GAP);
    assert_eq!(p.wait_exit(WAIT).exit_code(), 0);
}

/// A review that probed live, then an `--offline` run: the probes that did
/// not run keep their last live result beside the skip, and `harden diff`
/// between the two states reports no change.
#[test]
fn an_offline_run_then_diff_reports_no_change() {
    use harden::checklist::Outcome;
    use harden::state::Detection;
    let (dir, project) = temp_project();
    let state = dir.path().join(".harden/state.toml");
    // A first run fills the local detections.
    let mut p = start_new(&project, 100, 30);
    p.wait_for("Detection done:", WAIT);
    p.keys("q", GAP);
    assert_eq!(p.wait_exit(WAIT).exit_code(), 0);
    // As a live run would have left them: two probes that passed.
    let mut s = store::load(&state).unwrap().unwrap();
    let then = time::macros::datetime!(2026-11-20 09:00 UTC);
    for (id, evidence) in [
        (
            "headers.hsts",
            "Strict-Transport-Security: max-age=63072000",
        ),
        ("tls.cert_valid", "api.shop.test: valid until 2027-02-01"),
    ] {
        s.detections.insert(
            id.into(),
            Detection {
                outcome: Outcome::Pass,
                evidence: evidence.into(),
                remediation: String::new(),
                location: None,
                at: then,
            },
        );
    }
    store::save(&state, &s).unwrap();
    let before = dir.path().join("before.toml");
    std::fs::copy(&state, &before).unwrap();

    let mut p = Pty::harden(&["--project", &project, "--offline"], 100, 30);
    p.wait_for("Detection done:", WAIT);
    p.keys("/headers.hsts", GAP);
    p.wait_for("║headers.hsts ", WAIT);
    p.keys("\r", GAP);
    let screen = p.wait_for("last live result", WAIT);
    assert!(screen.contains("pass"), "{screen}");
    p.keys("q", GAP);
    assert_eq!(p.wait_exit(WAIT).exit_code(), 0);

    let after = store::load(&state).unwrap().unwrap();
    let d = &after.detections["headers.hsts"];
    assert_eq!(
        d.outcome,
        Outcome::Skipped,
        "a probe that did not run is never a pass"
    );
    assert!(
        d.evidence.contains("last live result (2026-11-20): pass"),
        "{}",
        d.evidence
    );
    let r = common::run(common::harden().arg("diff").arg(&before).arg(&state));
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(r.stdout.contains("no change"), "{}", r.stdout);
}
