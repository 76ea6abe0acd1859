//! The Ansible role end to end (issue 18): three hosts simulated by sshd
//! on loopback ports (throwaway keys, as the dropped-SSH test makes them),
//! each with a project folder of its own; ansible-core from PyPI in the
//! virtualenv `scripts/test.sh` makes (`target/ansible-venv`); the
//! collection's playbook run against them in check mode. The fleet report
//! lists the three hosts, and the one given a placeholder SECRET_KEY and a
//! Redis password of its own is the failure and the drift. Check mode
//! leaves every project as it was and no audit folder behind; no secret
//! and not the fleet key reaches the play's output. Then ansible-lint,
//! offline, on the collection.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::sshd::{Sshd, start_sshd, user};

const KEY: &str = "ansible-fleet-key-0123456789abcdef0123456789";
const PLACEHOLDER: &str = "change-me-in-production";
const ODD_REDIS: &str = "Odd0RedisSecretValue5555";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The virtualenv's bin folder, which scripts/test.sh fills.
fn venv() -> PathBuf {
    let v = root().join("target/ansible-venv/bin");
    assert!(
        v.join("ansible-playbook").exists(),
        "ansible-core is missing: scripts/test.sh installs it into target/ansible-venv"
    );
    v
}

fn sshd_available() -> bool {
    which::which("sshd").is_ok() || Path::new("/usr/sbin/sshd").exists()
}

/// Every file under `dir` with its bytes, to prove nothing changed.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut m = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            let t = e.file_type().unwrap();
            if t.is_dir() {
                stack.push(p);
            } else if t.is_file() {
                m.insert(p.clone(), std::fs::read(&p).unwrap());
            }
        }
    }
    m
}

fn audit_folders() -> Vec<PathBuf> {
    std::fs::read_dir(std::env::temp_dir())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("harden."))
        })
        .collect()
}

fn odd(project: &Path) {
    let redis = format!("rediss://:{ODD_REDIS}@redis.internal:6380/0");
    common::projects::set_env(
        project,
        &[("SECRET_KEY", PLACEHOLDER), ("REDIS_URL", &redis)],
    );
}

#[test]
fn the_role_audits_three_hosts_in_check_mode_and_the_fleet_names_the_odd_one() {
    if !sshd_available() {
        eprintln!("SKIPPED: no sshd on this machine (openssh-server), so no host can be simulated");
        return;
    }
    let venv = venv();
    let hosts: Vec<Sshd> = (0..3).map(|_| start_sshd()).collect();
    let projects: Vec<tempfile::TempDir> = (0..3).map(|_| common::projects::hardened()).collect();
    odd(projects[2].path());
    let work = tempfile::tempdir().unwrap();
    let w = work.path();
    let fleet = w.join("fleet");
    let mut inv = String::from("harden_fleet:\n  hosts:\n");
    for (i, (h, p)) in hosts.iter().zip(&projects).enumerate() {
        inv.push_str(&format!(
            "    api{n}:\n      ansible_host: 127.0.0.1\n      ansible_port: {port}\n      \
             ansible_user: {user}\n      ansible_ssh_private_key_file: {key}\n      \
             harden_project: {project}\n",
            n = i + 1,
            port = h.port,
            user = user(),
            key = h.dir.path().join("client_key").display(),
            project = p.path().display(),
        ));
    }
    inv.push_str(&format!(
        "  vars:\n    ansible_python_interpreter: /usr/bin/python3\n    \
         ansible_ssh_common_args: -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null\n    \
         harden_binary: {bin}\n    harden_controller_path: {bin}\n    harden_role: api\n    \
         harden_offline: true\n    harden_fingerprint_key: {KEY}\n    harden_fleet_dir: {fleet}\n",
        bin = common::bin().display(),
        fleet = fleet.display(),
    ));
    std::fs::write(w.join("inventory.yml"), &inv).unwrap();
    let before: Vec<_> = projects.iter().map(|p| snapshot(p.path())).collect();
    let folders_before = audit_folders();
    let playbook =
        root().join("contrib/ansible/ansible_collections/harden/fleet/playbooks/audit.yml");
    // Twice: the second run finds the first one's reports and fleet
    // files in the fleet folder and must judge afresh.
    let mut play = String::new();
    for _ in 0..2 {
        let o = Command::new(venv.join("ansible-playbook"))
            .arg("-i")
            .arg(w.join("inventory.yml"))
            .arg(&playbook)
            .arg("--check")
            .env(
                "PATH",
                format!("{}:/usr/bin:/bin:/usr/sbin:/sbin", venv.display()),
            )
            .env("ANSIBLE_COLLECTIONS_PATH", root().join("contrib/ansible"))
            .env("ANSIBLE_HOME", w.join("ansible-home"))
            .env("ANSIBLE_LOCAL_TEMP", w.join("ansible-tmp"))
            .env("ANSIBLE_HOST_KEY_CHECKING", "False")
            .env("ANSIBLE_NOCOLOR", "1")
            .env("HOME", w)
            .env("HARDEN_LOOPBACK_ONLY", "1")
            .output()
            .unwrap();
        play =
            String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr);
        assert!(o.status.success(), "{play}");
    }
    // Check mode changed nothing on the hosts and left no audit folder.
    for (p, b) in projects.iter().zip(&before) {
        assert_eq!(&snapshot(p.path()), b, "a project changed");
    }
    assert_eq!(
        audit_folders(),
        folders_before,
        "an audit folder was left behind"
    );
    // The fleet, as the controller judged it.
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fleet.join("fleet.json")).unwrap()).unwrap();
    let names: Vec<&str> = v["hosts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["api1", "api2", "api3"], "{v}");
    assert_eq!(v["worst_host"], "api3");
    assert_eq!(v["exit"], 1);
    let strong = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "env.secret_key_strong")
        .unwrap();
    assert_eq!(
        strong["hosts"]["fail"],
        serde_json::json!(["api3"]),
        "{strong}"
    );
    let drift = v["secrets"]["drift"].as_array().unwrap();
    for name in ["SECRET_KEY", "REDIS_URL#password"] {
        let d = drift
            .iter()
            .find(|d| d["name"] == name)
            .unwrap_or_else(|| panic!("{name}: {drift:?}"));
        assert_eq!(
            d["groups"],
            serde_json::json!([["api1", "api2"], ["api3"]]),
            "{d}"
        );
    }
    assert!(
        play.contains("SECRET_KEY differs between hosts of role api"),
        "{play}"
    );
    assert!(fleet.join("fleet.html").exists() && fleet.join("api1/report.json").exists());
    // No secret, and not the key, in the play's output or the fleet's files.
    let env = std::fs::read_to_string(projects[0].path().join(".env")).unwrap();
    let mut secrets: Vec<String> = env
        .lines()
        .filter_map(|l| l.split_once('='))
        .filter(|(k, v)| {
            (k.contains("SECRET") || k.contains("TOKEN") || k.ends_with("_URL")) && v.len() >= 12
        })
        .map(|(_, v)| v.to_string())
        .collect();
    secrets.extend([KEY.to_string(), ODD_REDIS.to_string()]);
    let mut outputs = vec![play];
    for f in [
        "fleet.json",
        "fleet.html",
        "fleet.text",
        "api1/report.json",
        "api3/report.json",
    ] {
        outputs.push(std::fs::read_to_string(fleet.join(f)).unwrap());
    }
    for s in &secrets {
        for o in &outputs {
            assert!(!o.contains(s.as_str()), "a secret reached the output");
        }
    }
}

#[test]
fn the_collection_is_lint_clean_offline() {
    let venv = venv();
    let home = tempfile::tempdir().unwrap();
    let o = Command::new(venv.join("ansible-lint"))
        .arg("--nocolor")
        .current_dir(root().join("contrib/ansible"))
        .env("PATH", format!("{}:/usr/bin:/bin", venv.display()))
        .env("HOME", home.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{text}");
    assert!(
        text.contains("Profile 'production' was required, and it passed"),
        "{text}"
    );
}
