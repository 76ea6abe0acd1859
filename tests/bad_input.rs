//! Broken inputs give a clear message and exit code 2, and leave every file
//! exactly as it was.

mod common;

use std::path::Path;

use common::{Pty, WAIT, bin, fixture, tree};

/// Runs harden without a terminal; returns (exit code, stderr).
fn run(args: &[&str]) -> (i32, String) {
    let r = common::run(common::harden().args(args).env_remove("NO_COLOR"));
    (r.code, r.stderr)
}

fn project_with_state(text: &[u8]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".harden")).unwrap();
    std::fs::write(dir.path().join(".harden/state.toml"), text).unwrap();
    dir
}

fn assert_refused(dir: &Path, args: &[&str], needles: &[&str]) -> String {
    let before = tree(dir);
    let (code, err) = run(args);
    assert_eq!(code, 2, "{err}");
    for n in needles {
        assert!(err.contains(n), "{n:?} missing from:\n{err}");
    }
    assert_eq!(tree(dir), before, "files changed");
    err
}

#[test]
fn corrupt_state_toml_is_reported_with_line_and_left_alone() {
    let dir = project_with_state(b"schema = 1\ntool_version = \"0.1.0\"\nitems = [oops\n");
    let p = dir.path().display().to_string();
    let err = assert_refused(
        dir.path(),
        &["--project", &p],
        &[".harden/state.toml:3:", "left", "unchanged", "mv ", ".bak"],
    );
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn a_state_with_a_bad_value_names_the_line() {
    let text = "schema = 1\ntool_version = \"0.1.0\"\ncreated = \"2026-11-27T10:00:00Z\"\n\
                updated = \"2026-11-27T10:00:00Z\"\n\n[checklist]\nid = \"x\"\nsha256 = \"y\"\n\
                source = \"embedded\"\n\n[items.\"env.secret_key_set\"]\nstatus = \"finished\"\n";
    let dir = project_with_state(text.as_bytes());
    let p = dir.path().display().to_string();
    assert_refused(
        dir.path(),
        &["--project", &p],
        &["state.toml:12:", "finished"],
    );
}

#[test]
fn a_state_from_a_newer_schema_is_refused() {
    let dir = project_with_state(b"schema = 3\nfuture_field = true\n");
    let p = dir.path().display().to_string();
    assert_refused(
        dir.path(),
        &["--project", &p],
        &["schema 3", "newer", "Upgrade harden"],
    );
}

#[test]
fn a_state_that_is_not_utf8_or_not_a_file_is_refused() {
    let dir = project_with_state(b"schema = 1\noperator = \"Jos\xe9\"\n");
    let p = dir.path().display().to_string();
    assert_refused(dir.path(), &["--project", &p], &["state.toml:2:", "UTF-8"]);

    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join(".harden/state.toml")).unwrap();
    let p = dir.path().display().to_string();
    assert_refused(dir.path(), &["--project", &p], &["cannot read state file"]);
}

#[test]
fn broken_checklists_are_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().display().to_string();
    for (name, needle) in [
        ("malformed.toml", "malformed.toml:3:16:"),
        (
            "duplicate_id.toml",
            "duplicate_id.toml:17:6: duplicate item id",
        ),
        ("bad_severity.toml", "bad_severity.toml:11:12:"),
        (
            "unknown_key.toml",
            "unknown_key.toml:15:1: unknown field `severty`",
        ),
    ] {
        let c = fixture(&format!("checklists/{name}"));
        let before = std::fs::read(&c).unwrap();
        assert_refused(
            dir.path(),
            &["--project", &p, "--checklist", &c.display().to_string()],
            &[needle, "nothing was written"],
        );
        assert_eq!(std::fs::read(&c).unwrap(), before);
    }
    assert!(!dir.path().join(".harden").exists());
}

#[test]
fn without_a_terminal_the_wizard_points_at_check() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().display().to_string();
    let err = assert_refused(dir.path(), &["--project", &p], &["harden check", "TTY"]);
    assert!(!err.contains("backtrace"), "{err}");
    assert!(!dir.path().join(".harden").exists());
}

#[test]
fn unknown_flags_are_usage_errors() {
    let (code, err) = run(&["--frobnicate"]);
    assert_eq!(code, 2);
    assert!(err.contains("--frobnicate"), "{err}");
}

/// Runs `harden` in a PTY as an unprivileged user when the tests run as
/// root (root ignores directory permissions), otherwise as ourselves.
fn spawn_unprivileged(args: &[&str]) -> Pty {
    let root = std::process::Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false);
    if root {
        let mut full = vec!["--reuid=65534", "--regid=65534", "--clear-groups", "--"];
        let b = bin().display().to_string();
        full.push(&b);
        full.extend_from_slice(args);
        Pty::spawn(Path::new("/usr/bin/setpriv"), &full, &[], 80, 24)
    } else {
        Pty::harden(args, 80, 24)
    }
}

#[test]
fn a_read_only_state_folder_is_refused_with_a_way_out() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    // The unprivileged user must reach the folder and the binary.
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let state_dir = dir.path().join(".harden");
    std::fs::create_dir(&state_dir).unwrap();
    std::fs::set_permissions(&state_dir, std::fs::Permissions::from_mode(0o555)).unwrap();
    let before = tree(dir.path());
    let p = dir.path().display().to_string();
    let mut pty = spawn_unprivileged(&["--project", &p]);
    let st = pty.wait_exit(WAIT);
    let out = String::from_utf8_lossy(&pty.output()).to_string();
    assert_eq!(st.exit_code(), 2, "{out}");
    assert!(out.contains("cannot write in the state folder"), "{out}");
    assert!(out.contains("--state FILE"), "{out}");
    assert_eq!(tree(dir.path()), before);
    std::fs::set_permissions(&state_dir, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn a_state_file_this_user_may_not_write_is_refused_not_replaced() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    let state_dir = dir.path().join(".harden");
    std::fs::create_dir(&state_dir).unwrap();
    // The folder is writable by everyone (a rename would succeed), the
    // state file only by its owner.
    std::fs::set_permissions(&state_dir, std::fs::Permissions::from_mode(0o777)).unwrap();
    let state = state_dir.join("state.toml");
    let c = harden::checklist::load_embedded().unwrap();
    harden::state::store::save(
        &state,
        &harden::state::State::new(&c, time::OffsetDateTime::now_utc()),
    )
    .unwrap();
    std::fs::set_permissions(&state, std::fs::Permissions::from_mode(0o444)).unwrap();
    let before = std::fs::read(&state).unwrap();
    let p = dir.path().display().to_string();
    let mut pty = spawn_unprivileged(&["--project", &p]);
    let st = pty.wait_exit(WAIT);
    let out = String::from_utf8_lossy(&pty.output()).to_string();
    // Root would be refused by nobody, so the test runs as nobody then.
    assert_eq!(st.exit_code(), 2, "{out}");
    assert!(out.contains("is not writable by this user"), "{out}");
    assert!(out.contains("--state OTHER_FILE"), "{out}");
    assert_eq!(std::fs::read(&state).unwrap(), before);
    assert_eq!(
        std::fs::metadata(&state).unwrap().permissions().mode() & 0o777,
        0o444
    );
}
