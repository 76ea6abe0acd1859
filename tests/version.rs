//! What the binary says it is (issue 17): `--version` with the commit,
//! build date, checklist digest and target; the JSON report carries the
//! same; completions and the man page come from the clap definitions, so
//! every flag is in them.

mod common;

use sha2::Digest;

fn out(args: &[&str]) -> String {
    let o = common::run(common::harden().args(args));
    // check exits 3 when items are unknown (an empty project): still a report.
    assert!(
        o.code == 0 || (args[0] == "check" && o.code == 3),
        "{args:?}: {}",
        o.stderr
    );
    o.stdout
}

#[test]
fn version_names_commit_date_checklist_and_target() {
    let v = out(&["--version"]);
    let lines: Vec<&str> = v.lines().collect();
    assert_eq!(lines[0], format!("harden {}", env!("CARGO_PKG_VERSION")));
    let commit = lines[1].strip_prefix("commit ").expect("a commit line");
    assert!(
        commit == "unknown"
            || (commit.trim_end_matches("-dirty").len() == 12
                && commit
                    .trim_end_matches("-dirty")
                    .chars()
                    .all(|c| c.is_ascii_hexdigit())),
        "{commit}"
    );
    let built = lines[2].strip_prefix("built ").expect("a build date");
    assert!(
        time::Date::parse(built, &time::format_description::well_known::Iso8601::DATE).is_ok(),
        "{built}"
    );
    let checklist = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/assets/checklist.toml"
    ))
    .unwrap();
    let digest: String = sha2::Sha256::digest(&checklist)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(lines[3], format!("checklist sha256 {digest}"));
    assert!(
        lines[4].starts_with("target x86_64-") || lines[4].starts_with("target "),
        "{v}"
    );

    // The JSON report says the same.
    let dir = tempfile::tempdir().unwrap();
    let r = out(&[
        "check",
        "--offline",
        "--format",
        "json",
        "--project",
        dir.path().to_str().unwrap(),
    ]);
    let j: serde_json::Value = serde_json::from_str(&r).unwrap();
    let tool = &j["tool"];
    assert_eq!(tool["commit"], commit);
    assert_eq!(tool["built"], built);
    assert_eq!(tool["checklist_sha256"], digest);
    assert_eq!(
        format!("target {}", tool["target"].as_str().unwrap()),
        lines[4]
    );
}

#[test]
fn completions_and_the_man_page_hold_every_flag() {
    let man = out(&["man"]);
    assert!(man.contains(".TH harden 1"), "{man}");
    for shell in ["bash", "zsh", "fish"] {
        let c = out(&["completions", shell]);
        for flag in [
            "--project",
            "--url",
            "--connect-to",
            "--login-path",
            "--offline",
        ] {
            // fish writes a long flag as `-l name`.
            let fish = format!("-l {}", &flag[2..]);
            assert!(
                c.contains(flag) || c.contains(&fish),
                "{shell} lacks {flag}"
            );
            assert!(man.contains(&flag.replace('-', "\\-")), "man lacks {flag}");
        }
        for sub in [
            "check",
            "generate",
            "report",
            "diff",
            "rules",
            "completions",
        ] {
            assert!(c.contains(sub), "{shell} lacks {sub}");
        }
    }
    let o = common::run(common::harden().args(["completions", "tcsh"]));
    assert_eq!(o.code, 2, "an unknown shell is a usage error");
}

/// Every page `man --list` names renders, and each holds every long flag
/// its command accepts (clap's own definitions, read here), so a flag
/// added to the code cannot be missing from the pages the .deb installs.
#[test]
fn every_man_page_holds_every_flag_of_its_command() {
    let list = out(&["man", "--list"]);
    let names: Vec<&str> = list.lines().collect();
    let pages = harden::cmd::cli::man_pages();
    assert_eq!(
        names,
        pages.iter().map(|p| p.get_name()).collect::<Vec<_>>(),
        "the listed pages are the commands"
    );
    assert!(names.contains(&"harden-check") && names.contains(&"harden-generate"));
    for cmd in &pages {
        let name = cmd.get_name();
        let sub = name.strip_prefix("harden-");
        let page = out(&["man"].into_iter().chain(sub).collect::<Vec<_>>());
        assert!(page.contains(&format!(".TH {name} 1")), "{name}: {page}");
        let mut flags = 0;
        for arg in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
            if let Some(long) = arg.get_long() {
                let roff = format!("\\-\\-{}", long.replace('-', "\\-"));
                assert!(page.contains(&roff), "{name}(1) lacks --{long}");
                flags += 1;
            }
        }
        assert!(flags > 0, "{name} has flags");
    }
    let check = out(&["man", "check"]);
    for flag in ["format", "active", "output"] {
        assert!(
            check.contains(&format!("\\-\\-{flag}")),
            "harden-check(1) lacks --{flag}"
        );
    }
    let o = common::run(common::harden().args(["man", "nosuch"]));
    assert_eq!(o.code, 2, "an unknown page is bad input");
    assert!(
        o.stderr.contains("no page for \"nosuch\"") && o.stderr.contains("check"),
        "{}",
        o.stderr
    );
}

/// A page is found by either name `man --list` prints it under, and a
/// write that fails (a full disk: a full device made here with mknod, not
/// the real /dev/full) is an error, not a silent empty page.
#[test]
fn man_pages_by_either_name_and_a_failed_write_is_an_error() {
    assert_eq!(out(&["man", "harden-check"]), out(&["man", "check"]));
    assert_eq!(out(&["man", "harden"]), out(&["man"]));
    assert!(
        !out(&["man"]).contains("harden\\-help"),
        "no page for clap's help"
    );
    let dir = tempfile::tempdir().unwrap();
    let full = dir.path().join("full");
    let made = std::process::Command::new("mknod")
        .arg(&full)
        .args(["c", "1", "7"])
        .status()
        .unwrap();
    if !made.success() {
        eprintln!("mknod refused (not root): the full-device case is not run");
        return;
    }
    for args in [&["man", "check"][..], &["completions", "bash"][..]] {
        let f = std::fs::OpenOptions::new().write(true).open(&full).unwrap();
        let o = common::harden().args(args).stdout(f).output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&o.stderr).contains("cannot write"),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
}
