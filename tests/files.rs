//! Never write through a link or over something that is not a plain file,
//! never hang on a FIFO, never read without a cap, never write over one of
//! harden's own inputs. Devices are made with `mknod` in a temp folder;
//! the real `/dev/null` is never touched.
//!
//! Over 600 lines on purpose: one test per way a path can betray a write
//! (link, device, FIFO, folder, own input, cap), each with its own setup.

mod common;

use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

/// Runs harden (in `cwd` when given); returns (exit code, stdout, stderr).
fn harden(args: &[&str], cwd: Option<&Path>) -> (i32, String, String) {
    let mut c = common::harden();
    c.args(args);
    if let Some(d) = cwd {
        c.current_dir(d);
    }
    let r = common::run(&mut c);
    (r.code, r.stdout, r.stderr)
}

fn mkfifo(p: &Path) {
    assert!(Command::new("mkfifo").arg(p).status().unwrap().success());
}

/// A character device with the numbers of /dev/null (1, 3), made in a
/// temp folder.
fn mknod_null(p: &Path) -> bool {
    Command::new("mknod")
        .arg(p)
        .args(["c", "1", "3"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout == b"0\n")
}

fn project() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join(".env"), "DEBUG=false\n").unwrap();
    d
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn output_to_a_character_device_writes_in_place_and_keeps_the_device() {
    let d = project();
    let dev = d.path().join("null");
    if !mknod_null(&dev) {
        // Only an unprivileged run may skip; CI runs as root.
        assert!(!is_root(), "mknod failed as root");
        eprintln!("mknod needs root; skipped on this machine");
        return;
    }
    let (code, _, err) = harden(
        &[
            "check",
            "--offline",
            "--project",
            s(d.path()),
            "--format",
            "json",
            "--output",
            s(&dev),
        ],
        None,
    );
    assert_ne!(code, 2, "{err}");
    let m = std::fs::symlink_metadata(&dev).unwrap();
    assert!(m.file_type().is_char_device(), "the device was replaced");
    assert_eq!(m.rdev(), std::fs::metadata("/dev/null").unwrap().rdev());
    // report --output too.
    let state = d.path().join(".harden/state.toml");
    let c = harden::checklist::load_embedded().unwrap();
    let st = harden::state::State::new(&c, time::OffsetDateTime::now_utc());
    harden::state::store::save(&state, &st).unwrap();
    let (code, _, err) = harden(
        &["report", "--project", s(d.path()), "--output", s(&dev)],
        None,
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        std::fs::symlink_metadata(&dev)
            .unwrap()
            .file_type()
            .is_char_device()
    );
}

#[test]
fn dash_and_dev_stdout_mean_stdout() {
    let d = project();
    for out in ["-", "/dev/stdout"] {
        let (code, stdout, err) = harden(
            &[
                "check",
                "--offline",
                "--project",
                ".",
                "--format",
                "json",
                "--output",
                out,
            ],
            Some(d.path()),
        );
        assert_ne!(code, 2, "{out}: {err}");
        assert!(stdout.contains("\"schema\""), "{out}: {stdout}");
    }
    // Run in the project folder: no file named "-" appeared there.
    assert!(!d.path().join("-").exists());
}

#[test]
fn a_fifo_output_nobody_reads_is_an_error_not_a_hang() {
    let d = project();
    let fifo = d.path().join("report.fifo");
    mkfifo(&fifo);
    let (code, _, err) = harden(
        &[
            "check",
            "--offline",
            "--project",
            s(d.path()),
            "--output",
            s(&fifo),
        ],
        None,
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("FIFO that nothing reads"), "{err}");
    assert!(
        std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo()
    );
}

#[test]
fn a_fifo_output_with_a_reader_gets_the_report() {
    let d = project();
    let fifo = d.path().join("report.fifo");
    mkfifo(&fifo);
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    std::thread::sleep(Duration::from_millis(200));
    let (code, _, err) = harden(
        &[
            "check",
            "--offline",
            "--project",
            s(d.path()),
            "--format",
            "json",
            "--output",
            s(&fifo),
        ],
        None,
    );
    assert_ne!(code, 2, "{err}");
    assert!(reader.join().unwrap().contains("\"schema\""));
}

#[test]
fn outputs_that_are_harden_s_own_inputs_are_refused() {
    let d = project();
    let env = d.path().join(".env");
    let before = std::fs::read(&env).unwrap();
    // report reads the env files too (to mask their secrets): the same rule.
    let c = harden::checklist::load_embedded().unwrap();
    let st = harden::state::State::new(&c, time::OffsetDateTime::now_utc());
    harden::state::store::save(&d.path().join(".harden/state.toml"), &st).unwrap();
    for out in [
        ".env",
        ".env.production",
        ".env.local",
        ".harden/.gitignore",
        ".harden/generated/redis/redis.conf",
    ] {
        std::fs::create_dir_all(d.path().join(".harden/generated/redis")).unwrap();
        let before_out = std::fs::read(d.path().join(out)).ok();
        let (code, _, err) = harden(
            &[
                "report",
                "--project",
                s(d.path()),
                "--output",
                s(&d.path().join(out)),
            ],
            None,
        );
        assert_eq!(code, 2, "report --output {out}: {err}");
        assert!(
            err.contains("env file") || err.contains("harden's own folder"),
            "{err}"
        );
        assert_eq!(
            std::fs::read(d.path().join(out)).ok(),
            before_out,
            "{out} was written"
        );
    }
    assert_eq!(std::fs::read(&env).unwrap(), before);
    assert!(!d.path().join(".env.production").exists());
    std::fs::remove_dir_all(d.path().join(".harden")).unwrap();
    let (code, _, err) = harden(
        &[
            "check",
            "--offline",
            "--project",
            s(d.path()),
            "--output",
            s(&env),
        ],
        None,
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("is the env file"), "{err}");
    assert_eq!(std::fs::read(&env).unwrap(), before);
    // The state (even before it exists), its lock and a relative spelling.
    for (out, what) in [
        (".harden/state.toml", "the state file"),
        ("./.harden/state.toml.lock", "the state's lock"),
        ("sub/../.env", "the env file"),
    ] {
        std::fs::create_dir_all(d.path().join(".harden")).unwrap();
        std::fs::create_dir_all(d.path().join("sub")).unwrap();
        let (code, _, err) = harden(
            &["check", "--offline", "--project", ".", "--output", out],
            Some(d.path()),
        );
        assert_eq!(code, 2, "{out}: {err}");
        assert!(err.contains(what), "{out}: {err}");
    }
    assert!(!d.path().join(".harden/state.toml").exists());
    let w = d.path().join("waivers.toml");
    std::fs::write(&w, "").unwrap();
    let (code, _, err) = harden(
        &[
            "check",
            "--offline",
            "--project",
            s(d.path()),
            "--waivers",
            s(&w),
            "--output",
            s(&w),
        ],
        None,
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("the waivers file"), "{err}");
}

#[test]
fn the_same_output_for_two_formats_is_a_usage_error() {
    let d = project();
    let out = d.path().join("r");
    let (code, _, err) = harden(
        &[
            "check",
            "--offline",
            "--project",
            s(d.path()),
            "--format",
            "json",
            "--output",
            s(&out),
            "--format",
            "sarif",
            "--output",
            &format!("{}/./r", d.path().display()),
        ],
        None,
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("given for two formats"), "{err}");
    assert!(!out.exists());
}

#[test]
fn a_planted_lock_link_never_writes_its_target() {
    let d = project();
    let outside = tempfile::tempdir().unwrap();
    let victim = outside.path().join("root-only");
    std::fs::write(&victim, "precious\n").unwrap();
    std::fs::set_permissions(&victim, std::fs::Permissions::from_mode(0o600)).unwrap();
    let created = outside.path().join("created");
    std::fs::create_dir_all(d.path().join(".harden")).unwrap();
    let lock = d.path().join(".harden/state.toml.lock");
    for target in [&victim, &created] {
        let _ = std::fs::remove_file(&lock);
        std::os::unix::fs::symlink(target, &lock).unwrap();
        // The wizard refuses before it needs a terminal.
        let state = d.path().join(".harden/state.toml");
        let st = harden::state::lock::StateLock::acquire(&state, "pid=1\n");
        let e = st.expect_err("a linked lock must be refused").to_string();
        assert!(e.contains("symbolic link"), "{e}");
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious\n");
        assert!(!created.exists(), "a file was created outside the project");
    }
}

#[test]
fn a_state_or_backup_that_is_a_link_or_fifo_is_never_replaced() {
    let d = tempfile::tempdir().unwrap();
    let state = d.path().join("state.toml");
    let outside = d.path().join("outside.toml");
    std::fs::write(&outside, "keep\n").unwrap();
    std::os::unix::fs::symlink(&outside, &state).unwrap();
    let c = harden::checklist::load_embedded().unwrap();
    let st = harden::state::State::new(&c, time::OffsetDateTime::now_utc());
    let e = harden::state::store::save(&state, &st)
        .unwrap_err()
        .to_string();
    assert!(e.contains("symbolic link"), "{e}");
    assert_eq!(std::fs::read_to_string(&outside).unwrap(), "keep\n");
    assert!(
        std::fs::symlink_metadata(&state)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    // Loading through the link is refused too (O_NOFOLLOW).
    let e = harden::state::store::load(&state).unwrap_err().to_string();
    assert!(e.contains("symbolic link"), "{e}");
    std::fs::remove_file(&state).unwrap();
    // A FIFO at the backup's place.
    harden::state::store::save(&state, &st).unwrap();
    let bak = harden::state::store::backup_path(&state);
    mkfifo(&bak);
    let e = harden::state::store::save(&state, &st)
        .unwrap_err()
        .to_string();
    assert!(e.contains("FIFO"), "{e}");
    assert!(
        std::fs::symlink_metadata(&bak)
            .unwrap()
            .file_type()
            .is_fifo()
    );
}

#[test]
fn fifo_inputs_are_refused_with_exit_2_instead_of_hanging() {
    // .env, the state, the lock, a diff argument, the answers, waivers,
    // the checklist and a pip-audit report, each a FIFO.
    // (the FIFO's name, the command; "@" is the FIFO's path)
    let cases: &[(&str, &[&str])] = &[
        (".env", &["check", "--offline"]),
        (".harden/state.toml", &["check", "--offline"]),
        (".harden/state.toml", &["report"]),
        ("old.toml", &["diff", "@", "@"]),
        (
            "answers.toml",
            &["generate", "--answers", "@", "--out", "out"],
        ),
        ("w.toml", &["check", "--offline", "--waivers", "@"]),
        ("c.toml", &["check", "--offline", "--checklist", "@"]),
        ("pa.json", &["check", "--offline", "--pip-audit-json", "@"]),
        ("ca.pem", &["check", "--ca-file", "@"]),
    ];
    for (name, args) in cases {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(d.path().join(".harden")).unwrap();
        if *name != ".env" {
            std::fs::write(d.path().join(".env"), "DEBUG=false\n").unwrap();
        }
        let fifo = d.path().join(name);
        mkfifo(&fifo);
        let mut a: Vec<String> = args
            .iter()
            .map(|x| {
                if *x == "@" {
                    fifo.display().to_string()
                } else {
                    x.to_string()
                }
            })
            .collect();
        if a[0] == "generate" {
            a[4] = d.path().join("out").display().to_string();
        } else {
            a.extend(["--project".into(), d.path().display().to_string()]);
        }
        let refs: Vec<&str> = a.iter().map(String::as_str).collect();
        let (code, out, err) = harden(&refs, None);
        assert_eq!(code, 2, "{name}: {out}{err}");
        assert!(err.contains("FIFO"), "{name}: {err}");
    }
}

#[test]
fn an_env_file_linked_to_an_endless_device_is_refused_at_once() {
    let d = tempfile::tempdir().unwrap();
    let zero = d.path().join("zero");
    if !Command::new("mknod")
        .arg(&zero)
        .args(["c", "1", "5"])
        .status()
        .unwrap()
        .success()
    {
        assert!(!is_root(), "mknod failed as root");
        return;
    }
    std::os::unix::fs::symlink(&zero, d.path().join(".env")).unwrap();
    let (code, _, err) = harden(&["check", "--offline", "--project", s(d.path())], None);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("a character device, not a regular file"),
        "{err}"
    );
}

#[test]
fn inputs_over_their_cap_are_refused_with_the_limit_named() {
    let d = tempfile::tempdir().unwrap();
    let big = d.path().join("answers.toml");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(5 * 1024 * 1024).unwrap();
    let (code, _, err) = harden(
        &[
            "generate",
            "--answers",
            s(&big),
            "--out",
            s(&d.path().join("o")),
        ],
        None,
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("larger than 4 MiB"), "{err}");
    let env = d.path().join(".env");
    std::fs::File::create(&env)
        .unwrap()
        .set_len(17 * 1024 * 1024)
        .unwrap();
    let (code, _, err) = harden(&["check", "--offline", "--project", s(d.path())], None);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("larger than 16 MiB"), "{err}");
}

#[test]
fn generate_refuses_an_output_folder_that_is_a_link_in_the_cli_and_the_wizard_path() {
    let d = tempfile::tempdir().unwrap();
    let elsewhere = d.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    let generated = d.path().join("generated");
    std::os::unix::fs::symlink(&elsewhere, &generated).unwrap();
    // The wizard's write path takes the same lock, which refuses links.
    let e = harden::generate::GenerateLock::acquire(&generated)
        .err()
        .unwrap();
    assert!(e.to_string().contains("symbolic link"), "{e}");
    let answers = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/answers.toml");
    let (code, _, err) = harden(
        &[
            "generate",
            "--yes",
            "--answers",
            s(&answers),
            "--out",
            s(&generated),
        ],
        None,
    );
    assert_eq!(code, 2, "{err}");
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
}

#[test]
fn generate_backups_never_follow_a_planted_link_and_never_overwrite_each_other() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("out");
    let answers = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/answers.toml");
    let (code, _, err) = harden(
        &[
            "generate",
            "--yes",
            "--answers",
            s(&answers),
            "--out",
            s(&out),
        ],
        None,
    );
    // 1 only when the env detectors judge a fresh key weak (issue 12).
    assert!(matches!(code, 0 | 1), "{err}");
    let victim = d.path().join("victim");
    std::fs::write(&victim, "not yours\n").unwrap();
    // Plant links at every backup name of the next minute.
    let now = time::OffsetDateTime::now_utc();
    for add in 0..90 {
        let t = now + time::Duration::seconds(add);
        let stamp = format!(
            "{:04}{:02}{:02}T{:02}{:02}{:02}",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        );
        let _ =
            std::os::unix::fs::symlink(&victim, out.join(format!("nginx/site.conf.bak-{stamp}")));
    }
    let mut edited = std::fs::read_to_string(out.join("nginx/site.conf")).unwrap();
    edited.push_str("# hand edit 1\n");
    std::fs::write(out.join("nginx/site.conf"), &edited).unwrap();
    let (code, o, err) = harden(
        &[
            "generate",
            "--yes",
            "--answers",
            s(&answers),
            "--out",
            s(&out),
        ],
        None,
    );
    assert!(matches!(code, 0 | 1), "{o}{err}");
    edited.push_str("# hand edit 2\n");
    std::fs::write(out.join("nginx/site.conf"), &edited).unwrap();
    let (code, _, err) = harden(
        &[
            "generate",
            "--yes",
            "--answers",
            s(&answers),
            "--out",
            s(&out),
        ],
        None,
    );
    assert!(matches!(code, 0 | 1), "{err}");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "not yours\n");
    let backups: Vec<PathBuf> = std::fs::read_dir(out.join("nginx"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.to_string_lossy().contains(".bak-")
                && !std::fs::symlink_metadata(p)
                    .unwrap()
                    .file_type()
                    .is_symlink()
        })
        .collect();
    assert_eq!(backups.len(), 2, "{backups:?}");
    let texts: Vec<String> = backups
        .iter()
        .map(|b| std::fs::read_to_string(b).unwrap())
        .collect();
    assert!(texts.iter().any(|t| t.ends_with("# hand edit 1\n")));
    assert!(texts.iter().any(|t| t.ends_with("# hand edit 2\n")));
}

#[test]
fn a_bad_url_or_url_with_offline_or_a_project_file_exits_2_naming_it() {
    let d = project();
    for (args, needle) in [
        (vec!["--url", "htps://api.example.com"], "htps"),
        (vec!["--url", "api.example.com"], "api.example.com"),
        (vec!["--url", "ftp://api.example.com"], "ftp"),
        (vec!["--url", ""], "--url \"\""),
        (
            vec!["--url", "https://api.example.com", "--offline"],
            "--offline",
        ),
        (
            vec!["--url", "https://user:Url Secret000@127.0.0.1/"],
            "credentials",
        ),
        (
            vec![
                "--url",
                "https://127.0.0.1:1/cb#access_token=FragSecret000x",
            ],
            "fragment",
        ),
        (
            vec!["--url", "https://127.0.0.1:1/cb?code=CodeSecret000x"],
            "secret in its query",
        ),
    ] {
        let mut a = vec!["check", "--project", s(d.path())];
        a.extend(args.iter());
        let (code, _, err) = harden(&a, None);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
        assert!(!err.contains("Secret000"), "{err}");
        assert!(
            !err.contains("FragSecret") && !err.contains("CodeSecret"),
            "{err}"
        );
    }
    let f = d.path().join(".env");
    let (code, _, err) = harden(&["check", "--offline", "--project", s(&f)], None);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("is a file, not a folder"), "{err}");
}

#[test]
fn a_world_writable_state_folder_is_warned_about_and_harden_ignores_its_secrets_in_git() {
    let d = project();
    let dir = d.path().join(".harden");
    std::fs::create_dir(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).unwrap();
    let (_, _, err) = harden(&["check", "--offline", "--project", s(d.path())], None);
    assert!(err.contains("writable by every user"), "{err}");
    // The first save writes .harden/.gitignore with generated/ in it.
    let c = harden::checklist::load_embedded().unwrap();
    let st = harden::state::State::new(&c, time::OffsetDateTime::now_utc());
    harden::state::store::save(&dir.join("state.toml"), &st).unwrap();
    let gi = std::fs::read_to_string(dir.join(".gitignore")).unwrap();
    assert!(gi.lines().any(|l| l == "generated/"), "{gi}");
    // and git then ignores a generated secret file.
    common::projects::git(d.path(), &["init", "-q"]);
    std::fs::create_dir_all(dir.join("generated")).unwrap();
    std::fs::write(dir.join("generated/.env.production"), "SECRET_KEY=x\n").unwrap();
    let st = Command::new("git")
        .arg("-C")
        .arg(d.path())
        .args(["check-ignore", "-q", ".harden/generated/.env.production"])
        .status()
        .unwrap();
    assert!(st.success(), "git would track a generated secret");
}

#[test]
fn a_state_folder_that_is_a_link_receives_nothing() {
    let d = project();
    let elsewhere = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), d.path().join(".harden")).unwrap();
    let state = d.path().join(".harden/state.toml");
    let e = harden::state::lock::StateLock::acquire(&state, "pid=1\n")
        .expect_err("a linked state folder must be refused")
        .to_string();
    assert!(e.contains("symbolic link"), "{e}");
    let c = harden::checklist::load_embedded().unwrap();
    let st = harden::state::State::new(&c, time::OffsetDateTime::now_utc());
    let e = harden::state::store::save(&state, &st)
        .unwrap_err()
        .to_string();
    assert!(e.contains("symbolic link"), "{e}");
    assert_eq!(std::fs::read_dir(elsewhere.path()).unwrap().count(), 0);
}

#[test]
fn a_fifo_among_generate_s_targets_is_refused_not_waited_on() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("out");
    std::fs::create_dir_all(out.join("nginx")).unwrap();
    mkfifo(&out.join("nginx/site.conf"));
    let answers = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/answers.toml");
    for extra in [&[][..], &["--yes"][..]] {
        let mut a = vec!["generate", "--answers", s(&answers), "--out", s(&out)];
        a.extend(extra);
        let (code, _, err) = harden(&a, None);
        assert_eq!(code, 2, "{extra:?}: {err}");
        assert!(err.contains("FIFO"), "{err}");
    }
    assert!(
        std::fs::symlink_metadata(out.join("nginx/site.conf"))
            .unwrap()
            .file_type()
            .is_fifo()
    );
    assert!(
        !out.join(".env.production").exists(),
        "nothing of the set was written"
    );
}

#[test]
fn generate_refuses_global_flags_it_would_ignore_and_check_refuses_missing_named_inputs() {
    let d = project();
    let answers = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/answers.toml");
    let out = d.path().join("out");
    for extra in [
        vec!["--url", "https://u:p@127.0.0.1"],
        vec!["--offline"],
        vec!["--state", "bad.toml"],
        vec!["--env-file", "/nonexistent"],
    ] {
        let mut a = vec!["generate", "--answers", s(&answers), "--out", s(&out)];
        a.extend(extra.iter());
        let (code, _, err) = harden(&a, None);
        assert_eq!(code, 2, "{extra:?}: {err}");
        assert!(err.contains("does not apply to generate"), "{err}");
        assert!(!err.contains("u:p@"), "{err}");
    }
    assert!(!out.exists());
    for (flag, value) in [
        ("--env-file", "/nonexistent/.env"),
        ("--pip-audit-json", "/nonexistent.json"),
    ] {
        let (code, _, err) = harden(
            &["check", "--offline", "--project", s(d.path()), flag, value],
            None,
        );
        assert_eq!(code, 2, "{flag}: {err}");
        assert!(
            err.contains(&format!("{flag} {value}: no such file")),
            "{err}"
        );
    }
}

#[test]
fn a_fifo_or_device_at_the_lock_is_refused_without_waiting() {
    let d = project();
    std::fs::create_dir_all(d.path().join(".harden")).unwrap();
    let lock = d.path().join(".harden/state.toml.lock");
    mkfifo(&lock);
    let e =
        harden::state::lock::StateLock::acquire(&d.path().join(".harden/state.toml"), "pid=1\n")
            .expect_err("a FIFO lock must be refused")
            .to_string();
    assert!(e.contains("a FIFO, not a regular lock file"), "{e}");
    assert!(
        std::fs::symlink_metadata(&lock)
            .unwrap()
            .file_type()
            .is_fifo()
    );
}

#[test]
fn generate_whose_plan_cannot_be_printed_exits_2() {
    let d = tempfile::tempdir().unwrap();
    let full = d.path().join("full");
    if !Command::new("mknod")
        .arg(&full)
        .args(["c", "1", "7"])
        .status()
        .unwrap()
        .success()
    {
        assert!(!is_root(), "mknod failed as root");
        return;
    }
    let answers = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/answers.toml");
    // Not common::run, which pipes stdout: here stdout is the full device.
    let o = common::harden()
        .args(["generate", "--answers"])
        .arg(&answers)
        .arg("--out")
        .arg(d.path().join("out"))
        .stdout(std::fs::OpenOptions::new().write(true).open(&full).unwrap())
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("cannot write the plan"));
}

/// A schema-1 state (the previous version, kept as a fixture) loads: its
/// answers get `app.nginx_version` (the installed nginx's, or Debian 12's
/// 1.22.1), everything else as it was, and saving writes schema 2.
#[test]
fn a_schema_1_state_with_answers_is_migrated() {
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/states/v1-with-answers.toml");
    let text = std::fs::read_to_string(&fixture).unwrap();
    assert!(text.starts_with("schema = 1\n"));
    assert!(!text.contains("nginx_version"));
    let s = harden::state::store::load(&fixture).unwrap().unwrap();
    let a = s.answers.as_ref().unwrap();
    let expected = harden::answers::installed_nginx().unwrap_or_else(|| "1.22.1".into());
    assert_eq!(a.app.nginx_version, expected);
    assert_eq!(a.project.slug, "optibid");
    assert_eq!(a.tls.resolver, "");
    assert_eq!(s.operator.as_deref(), Some("alice"));
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("state.toml");
    harden::state::store::save(&out, &s).unwrap();
    let saved = std::fs::read_to_string(&out).unwrap();
    assert!(saved.starts_with("schema = 2\n"), "{saved}");
    assert!(saved.contains(&format!("nginx_version = \"{expected}\"")));
    let again = harden::state::store::load(&out).unwrap().unwrap();
    assert_eq!(again.answers, s.answers);
}
