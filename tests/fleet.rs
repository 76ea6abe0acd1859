//! `harden fleet` (issue 18) on reports made by the real `harden check`:
//! three hosts of one role, one of them with a placeholder SECRET_KEY and
//! a Redis password of its own; the formats' golden files; the refusals
//! (another checklist, another report schema, a host named twice, broken
//! files, FIFOs); a rolling upgrade; regressions; the fleet key's rules.
//! Every output is searched for the planted secrets.

mod common;

use std::path::{Path, PathBuf};

use common::projects;

const KEY: &str = "fleet-key-0123456789abcdef0123456789abcdef";
const PLACEHOLDER: &str = "change-me-in-production";
const ODD_REDIS: &str = "Odd0RedisSecretValue7777";

/// The hardened fixture, and its env file's secret values.
fn secrets(env: &str) -> Vec<String> {
    env.lines()
        .filter_map(|l| l.split_once('='))
        .filter(|(k, _)| k.contains("SECRET") || k.ends_with("_URL") || k.contains("TOKEN"))
        .map(|(_, v)| v.to_string())
        .filter(|v| v.len() >= 12)
        .collect()
}

struct Host {
    _dir: tempfile::TempDir,
    project: PathBuf,
}

/// A host's project: the hardened fixture, or that with the odd secrets.
fn host(odd: bool) -> Host {
    let dir = projects::hardened();
    let project = dir.path().to_path_buf();
    if odd {
        let redis = format!("rediss://:{ODD_REDIS}@redis.internal:6380/0");
        projects::set_env(
            &project,
            &[("SECRET_KEY", PLACEHOLDER), ("REDIS_URL", &redis)],
        );
    }
    Host { _dir: dir, project }
}

/// `harden check` for one host into `out/NAME/report.json`.
fn check(h: &Host, name: &str, role: &str, key: Option<&str>, out: &Path) -> common::Run {
    let dir = out.join(name);
    std::fs::create_dir_all(&dir).unwrap();
    let mut c = common::harden();
    c.args(["check", "--offline", "--format", "json", "--output"])
        .arg(dir.join("report.json"))
        .arg("--project")
        .arg(&h.project)
        .args(["--host-name", name, "--host-role", role]);
    c.env_remove("HARDEN_FINGERPRINT_KEY");
    if let Some(k) = key {
        c.env("HARDEN_FINGERPRINT_KEY", k);
    }
    let o = common::run(&mut c);
    assert!(
        matches!(o.code, 0 | 1 | 3),
        "{name}: exit {}: {}",
        o.code,
        o.stderr
    );
    o
}

/// The item of a fleet JSON with this id.
fn item<'a>(v: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == id)
        .unwrap_or_else(|| panic!("no item {id}"))
}

fn fleet(args: &[&str]) -> common::Run {
    common::run(common::harden().arg("fleet").args(args))
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn three_hosts_the_odd_one_fails_and_drifts() {
    let hosts = [host(false), host(false), host(true)];
    let out = tempfile::tempdir().unwrap();
    let mut outputs = Vec::new();
    for (i, h) in hosts.iter().enumerate() {
        let o = check(h, &format!("api{}", i + 1), "api", Some(KEY), out.path());
        outputs.push(o.stdout + &o.stderr);
    }
    let j = fleet(&[s(out.path()), "--format", "json"]);
    assert_eq!(j.code, 1, "{}", j.stderr);
    let v: serde_json::Value = serde_json::from_str(&j.stdout).unwrap();
    let names: Vec<&str> = v["hosts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["api1", "api2", "api3"]);
    assert_eq!(v["worst_host"], "api3");
    // The placeholder key fails on api3 only.
    let strong = item(&v, "env.secret_key_strong");
    assert_eq!(
        strong["hosts"]["fail"],
        serde_json::json!(["api3"]),
        "{strong}"
    );
    assert_eq!(strong["drift"], true);
    // The secrets that differ: SECRET_KEY and the Redis password, api3 alone.
    let drift = v["secrets"]["drift"].as_array().unwrap();
    for name in ["SECRET_KEY", "REDIS_URL#password"] {
        let d = drift
            .iter()
            .find(|d| d["name"] == name)
            .unwrap_or_else(|| panic!("{name}: {drift:?}"));
        assert_eq!(d["kind"], "differs");
        assert_eq!(
            d["groups"],
            serde_json::json!([["api1", "api2"], ["api3"]]),
            "{d}"
        );
    }
    assert!(
        !drift.iter().any(|d| d["name"] == "DATABASE_URL#password"),
        "{drift:?}"
    );
    assert!(v["secrets"]["not_judged"].as_array().unwrap().is_empty());
    // Every format, and every output, holds no secret and not the key.
    for f in ["text", "markdown", "html"] {
        let o = fleet(&[s(out.path()), "--format", f]);
        assert_eq!(o.code, 1, "{f}: {}", o.stderr);
        assert!(o.stdout.contains("api3"), "{f}");
        outputs.push(o.stdout);
    }
    let t = &outputs[outputs.len() - 3];
    assert!(
        t.contains("SECRET_KEY differs between hosts of role api"),
        "{t}"
    );
    outputs.push(j.stdout.clone());
    for h in &hosts {
        let env = std::fs::read_to_string(h.project.join(".env")).unwrap();
        for secret in secrets(&env)
            .iter()
            .map(String::as_str)
            .chain([KEY, ODD_REDIS])
        {
            for o in &outputs {
                assert!(!o.contains(secret), "a secret reached an output: {o}");
            }
            for r in ["api1", "api2", "api3"] {
                let rep = std::fs::read_to_string(out.path().join(r).join("report.json")).unwrap();
                assert!(!rep.contains(secret), "a secret reached {r}'s report");
            }
        }
    }
}

#[test]
fn without_the_key_secret_drift_is_not_judged_and_said() {
    let hosts = [host(false), host(true)];
    let out = tempfile::tempdir().unwrap();
    check(&hosts[0], "api1", "api", None, out.path());
    check(&hosts[1], "api2", "api", Some(KEY), out.path());
    let o = fleet(&[s(out.path())]);
    assert_eq!(o.code, 1, "api2 fails its SECRET_KEY: {}", o.stderr);
    assert!(
        o.stdout.contains("secret drift not judged for api1"),
        "{}",
        o.stdout
    );
    // Two keys: nothing compared.
    check(
        &hosts[0],
        "api1",
        "api",
        Some("another-fleet-key-fedcba9876543210"),
        out.path(),
    );
    let o = fleet(&[s(out.path()), "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    assert_eq!(v["secrets"]["not_judged"][0]["why"], "keys_differ", "{v}");
    assert!(v["secrets"]["drift"].as_array().unwrap().is_empty());
    // A short key is refused, and not shown.
    let mut c = common::harden();
    c.args(["check", "--offline", "--format", "json", "--project"])
        .arg(&hosts[0].project)
        .env("HARDEN_FINGERPRINT_KEY", "Short0Key");
    let o = common::run(&mut c);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(
        o.stderr.contains("9 bytes") && o.stderr.contains("at least 16"),
        "{}",
        o.stderr
    );
    assert!(!o.stderr.contains("Short0Key") && !o.stdout.contains("Short0Key"));
    // From a file, as the Ansible role hands it over: the same fingerprints.
    let kf = out.path().join("fleet.key");
    std::fs::write(&kf, format!("{KEY}\n")).unwrap();
    let a = tempfile::tempdir().unwrap();
    check(&hosts[1], "x", "api", Some(KEY), a.path());
    let mut c = common::harden();
    c.args([
        "check",
        "--offline",
        "--format",
        "json",
        "--host-name",
        "x",
        "--project",
    ])
    .arg(&hosts[1].project)
    .env("HARDEN_FINGERPRINT_KEY_FILE", &kf);
    let o = common::run(&mut c);
    let from_file: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    let from_env: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(a.path().join("x/report.json")).unwrap())
            .unwrap();
    assert_eq!(from_file["fingerprints"], from_env["fingerprints"]);
    assert!(
        from_env["fingerprints"]["secrets"]["SECRET_KEY"]
            .as_str()
            .unwrap()
            .len()
            == 32
    );
}

/// Edits a report's JSON.
fn edit(path: &Path, f: impl FnOnce(&mut serde_json::Value)) {
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    f(&mut v);
    std::fs::write(path, serde_json::to_string_pretty(&v).unwrap()).unwrap();
}

#[test]
fn broken_or_foreign_reports_are_refused_naming_the_file() {
    let h = host(false);
    let out = tempfile::tempdir().unwrap();
    check(&h, "api1", "api", Some(KEY), out.path());
    check(&h, "api2", "api", Some(KEY), out.path());
    let r2 = out.path().join("api2/report.json");
    let good = std::fs::read_to_string(&r2).unwrap();
    type Breaker = Box<dyn Fn(&Path)>;
    let cases: Vec<(Breaker, &str)> = vec![
        (
            Box::new(|p| edit(p, |v| v["checklist"]["id"] = "other-checklist".into())),
            "checklist \"other-checklist\"",
        ),
        (
            Box::new(|p| edit(p, |v| v["schema"] = 1.into())),
            "report schema 1",
        ),
        (
            Box::new(|p| edit(p, |v| v["schema"] = 3.into())),
            "report schema 3",
        ),
        (
            Box::new(|p| {
                edit(p, |v| {
                    v.as_object_mut().unwrap().remove("host");
                })
            }),
            "does not name its host",
        ),
        (
            Box::new(|p| edit(p, |v| v["host"]["name"] = "api1".into())),
            "host \"api1\" has two reports",
        ),
        (
            Box::new(|p| std::fs::write(p, "{\"schema\": 2,\n  \"items\": [").unwrap()),
            "not JSON (line 2",
        ),
        (
            Box::new(|p| std::fs::write(p, "[1, 2]").unwrap()),
            "not a harden check report",
        ),
        (
            Box::new(|p| std::fs::write(p, vec![b'{'; 17 << 20]).unwrap()),
            "cannot read",
        ),
    ];
    for (break_it, needle) in cases {
        std::fs::write(&r2, &good).unwrap();
        break_it(&r2);
        let o = fleet(&[s(out.path())]);
        assert_eq!(o.code, 2, "{needle}: {}", o.stderr);
        assert!(o.stderr.contains(needle), "{needle}: {}", o.stderr);
        assert!(
            o.stderr.contains("report.json"),
            "names the file: {}",
            o.stderr
        );
    }
    std::fs::write(&r2, &good).unwrap();
    // A FIFO given directly is refused without blocking; one inside the
    // folder is not a report file and is passed over.
    let fifo = out.path().join("api2/pipe.json");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let o = fleet(&[s(&fifo)]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(
        o.stderr.contains("FIFO") || o.stderr.contains("fifo"),
        "{}",
        o.stderr
    );
    let o = fleet(&[s(out.path())]);
    assert_ne!(o.code, 2, "{}", o.stderr);
    std::fs::remove_file(&fifo).unwrap();
    // The fleet's own JSON, written into the folder, is not read as a host.
    let o = fleet(&[
        s(out.path()),
        "--format",
        "json",
        "--output",
        s(&out.path().join("fleet.json")),
    ]);
    assert_ne!(o.code, 2, "{}", o.stderr);
    let o = fleet(&[s(out.path()), "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    assert_eq!(v["hosts"].as_array().unwrap().len(), 2, "{}", o.stderr);
    // An output over one of the reports is refused, the report intact.
    let o = fleet(&[s(out.path()), "--output", s(&r2)]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert_eq!(std::fs::read_to_string(&r2).unwrap(), good);
    // Through a symlink: refused, nothing written.
    let link = out.path().join("link.txt");
    std::os::unix::fs::symlink(out.path().join("target.txt"), &link).unwrap();
    let o = fleet(&[s(out.path()), "--output", s(&link)]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(!out.path().join("target.txt").exists());
}

#[test]
fn a_rolling_upgrade_merges_by_item_and_names_what_hosts_lack() {
    let h = host(false);
    let out = tempfile::tempdir().unwrap();
    check(&h, "api1", "api", Some(KEY), out.path());
    check(&h, "api2", "api", Some(KEY), out.path());
    edit(&out.path().join("api2/report.json"), |v| {
        v["checklist"]["sha256"] = "0".repeat(64).into();
        let items = v["items"].as_array_mut().unwrap();
        items.retain(|i| i["id"] != "env.jwt_algorithm");
    });
    let o = fleet(&[s(out.path()), "--format", "json"]);
    assert_ne!(o.code, 2, "{}", o.stderr);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    let item = item(&v, "env.jwt_algorithm");
    assert_eq!(item["missing_on"], serde_json::json!(["api2"]), "{item}");
    let t = fleet(&[s(out.path())]);
    assert!(
        t.stdout.contains("env.jwt_algorithm: missing on api2"),
        "{}",
        t.stdout
    );
}

#[test]
fn regressions_since_an_earlier_run_fail_the_fleet() {
    let h = host(false);
    let before = tempfile::tempdir().unwrap();
    check(&h, "api1", "api", Some(KEY), before.path());
    check(&h, "api2", "api", Some(KEY), before.path());
    let now = tempfile::tempdir().unwrap();
    check(&h, "api1", "api", Some(KEY), now.path());
    // An item that passed before fails now on api1; api2 is gone.
    let passed = {
        let v: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(before.path().join("api1/report.json")).unwrap(),
        )
        .unwrap();
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["status"] == "pass" && i["severity"] == "important")
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    edit(&now.path().join("api1/report.json"), |v| {
        for i in v["items"].as_array_mut().unwrap() {
            if i["id"] == passed.as_str() {
                i["status"] = "fail".into();
            }
        }
    });
    let o = fleet(&[
        s(now.path()),
        "--since",
        s(before.path()),
        "--format",
        "json",
    ]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    assert_eq!(v["regressions"]["items"][0]["host"], "api1", "{v}");
    assert_eq!(v["regressions"]["items"][0]["item"], passed.as_str());
    assert_eq!(v["regressions"]["gone"], serde_json::json!(["api2"]));
    // Without --since the same fleet passes the important item's threshold.
    let o = fleet(&[s(now.path()), "--fail-on", "critical", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    assert!(v["regressions"].is_null());
}

/// A small report as `check` writes it, for the golden files.
fn small_report(
    host: &str,
    role: &str,
    statuses: &[(&str, &str, &str, &str)],
    fp: &[(&str, &str)],
) -> serde_json::Value {
    let items: Vec<serde_json::Value> = statuses
        .iter()
        .map(|(id, section, severity, status)| {
            serde_json::json!({"id": id, "section": section, "severity": severity,
                "title": format!("The {id} item"), "status": status, "detected": status,
                "operator": null, "evidence": "", "remediation": ""})
        })
        .collect();
    let fails = statuses.iter().filter(|s| s.3 == "fail").count();
    let mut v = serde_json::json!({
        "schema": 2,
        "tool": {"name": "harden", "version": "0.1.0"},
        "host": {"name": host, "role": role},
        "generated": "2026-12-01T09:00:00Z",
        "checklist": {"id": "optibid-production-security", "sha256": "ab".repeat(32)},
        "project": "/srv/optibid",
        "summary": {"pass": statuses.len() - fails, "fail": fails, "warn": 0, "unknown": 0,
            "skipped": 0, "absent": 0, "score": 100.0 - 20.0 * fails as f64, "grade": if fails > 0 { "C" } else { "A" }},
        "items": items,
    });
    if !fp.is_empty() {
        let secrets: serde_json::Map<String, serde_json::Value> = fp
            .iter()
            .map(|(k, v)| ((*k).to_string(), v.repeat(16).into()))
            .collect();
        v["fingerprints"] = serde_json::json!({"key_id": "1f".repeat(16), "secrets": secrets});
    }
    v
}

/// The four formats on a fixed fleet, one host with hostile names and a
/// state file: golden files, reviewed like code.
#[test]
fn golden_fleet_reports_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let evil = "web<b>&\"3\"|*x*\u{1b}[31m";
    let items = |strong: &str, tls: &str| {
        vec![
            (
                "env.secret_key_strong",
                "env",
                "critical",
                strong.to_string(),
            ),
            ("env.jwt_algorithm", "env", "important", "pass".to_string()),
            ("tls.hsts", "tls", "important", tls.to_string()),
            ("tls.protocols", "tls", "critical", "pass".to_string()),
        ]
    };
    let hosts = [
        (
            "web1",
            "api",
            items("pass", "pass"),
            vec![("SECRET_KEY", "aa"), ("REDIS_URL#password", "bb")],
        ),
        (
            "web2",
            "api",
            items("pass", "warn"),
            vec![("SECRET_KEY", "aa"), ("REDIS_URL#password", "bb")],
        ),
        (
            evil,
            "api",
            items("fail", "pass"),
            vec![("SECRET_KEY", "cc"), ("DATABASE_URL#password", "aa")],
        ),
    ];
    for (i, (name, role, its, fp)) in hosts.iter().enumerate() {
        let its: Vec<(&str, &str, &str, &str)> = its
            .iter()
            .map(|(a, b, c, d)| (*a, *b, *c, d.as_str()))
            .collect();
        let d = dir.path().join(format!("h{i}"));
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(
            d.join("report.json"),
            small_report(name, role, &its, fp).to_string(),
        )
        .unwrap();
    }
    // web1's review: one item answered and signed off.
    let c = harden::checklist::load_embedded().unwrap();
    let at = time::macros::datetime!(2026-11-30 10:00 UTC);
    let mut st = harden::state::State::new(&c, at);
    st.items.insert(
        "tls.hsts".into(),
        harden::state::ItemRecord {
            status: harden::state::OperatorStatus::Done,
            note: None,
            by: Some("alice".into()),
            at: Some(at),
            waiver: None,
            overrides: None,
        },
    );
    harden::state::store::save(&dir.path().join("h0/state.toml"), &st).unwrap();
    let tool =
        regex::Regex::new(r#""(commit|built|target|version|checklist_sha256)": "[^"]+""#).unwrap();
    for (format, ext) in [
        ("text", "txt"),
        ("markdown", "md"),
        ("html", "html"),
        ("json", "json"),
    ] {
        let o = fleet(&[s(dir.path()), "--format", format]);
        assert_eq!(o.code, 1, "{format}: {}", o.stderr);
        let mut out = o.stdout.replace(s(dir.path()), "[fleet]");
        out = tool.replace_all(&out, "\"$1\": \"[$1]\"").into_owned();
        assert!(
            !out.contains('\u{1b}'),
            "{format}: a control character reached the output"
        );
        match format {
            "html" => {
                assert!(out.contains("web&lt;b&gt;&amp;&quot;3&quot;|*x*"), "{out}");
                assert!(!out.contains("<b>&"), "{out}");
            }
            "markdown" => assert!(out.contains("web\\<b\\>&\"3\"\\|\\*x\\*"), "{out}"),
            _ => {}
        }
        insta::assert_snapshot!(format!("fleet_{ext}"), out);
    }
}

/// What the attack on the fleet found (issue 18 review): outputs over any
/// input refused, crafted ids and statuses refused, items left out of a
/// report of the same version named, a secret absent on one host of a
/// role, reuse named per host, JSON valid with bidirectional characters,
/// and the fleet key kept from child processes.
#[test]
fn crafted_reports_and_outputs_over_inputs_are_refused() {
    let h = host(false);
    let before = tempfile::tempdir().unwrap();
    check(&h, "api1", "api", Some(KEY), before.path());
    let now = tempfile::tempdir().unwrap();
    check(&h, "api1", "api", Some(KEY), now.path());
    check(&h, "api2", "api", Some(KEY), now.path());
    // Outputs over the earlier run's report or a host's state file.
    let old = before.path().join("api1/report.json");
    let old_text = std::fs::read_to_string(&old).unwrap();
    let o = fleet(&[
        s(now.path()),
        "--since",
        s(before.path()),
        "--output",
        s(&old),
    ]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert_eq!(std::fs::read_to_string(&old).unwrap(), old_text);
    let c = harden::checklist::load_embedded().unwrap();
    let st = harden::state::State::new(&c, time::OffsetDateTime::now_utc());
    let state = now.path().join("api1/state.toml");
    harden::state::store::save(&state, &st).unwrap();
    let st_text = std::fs::read_to_string(&state).unwrap();
    let o = fleet(&[s(now.path()), "--output", s(&state)]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert_eq!(std::fs::read_to_string(&state).unwrap(), st_text);
    // The fleet's own output, written twice into the folder it reads.
    for run in 0..2 {
        let out = now.path().join("fleet.json");
        let o = fleet(&[s(now.path()), "--format", "json", "--output", s(&out)]);
        assert_ne!(o.code, 2, "{}", o.stderr);
        assert!(
            run == 0 || o.stderr.contains("a fleet report, not a host's"),
            "{}",
            o.stderr
        );
    }
    std::fs::remove_file(now.path().join("fleet.json")).unwrap();
    // An item left out on api2 (same checklist version), and api2 without
    // a SECRET_KEY fingerprint.
    edit(&now.path().join("api2/report.json"), |v| {
        v["items"]
            .as_array_mut()
            .unwrap()
            .retain(|i| i["id"] != "env.jwt_algorithm");
        v["fingerprints"]["secrets"]
            .as_object_mut()
            .unwrap()
            .remove("SECRET_KEY");
    });
    let o = fleet(&[s(now.path()), "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    let item = item(&v, "env.jwt_algorithm");
    assert_eq!(item["left_out_on"], serde_json::json!(["api2"]), "{item}");
    assert!(item["missing_on"].is_null(), "{item}");
    let d = v["secrets"]["drift"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "SECRET_KEY")
        .unwrap();
    assert_eq!(d["absent"], serde_json::json!(["api2"]), "{d}");
    // Reuse is named per use: api2's JWT key is api1's SECRET_KEY.
    let fp1: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(now.path().join("api1/report.json")).unwrap(),
    )
    .unwrap();
    let sk = fp1["fingerprints"]["secrets"]["SECRET_KEY"].clone();
    edit(&now.path().join("api2/report.json"), |v| {
        v["fingerprints"]["secrets"]["DATABASE_URL#password"] = sk.clone();
    });
    let o = fleet(&[s(now.path())]);
    assert!(
        o.stdout
            .contains("DATABASE_URL#password (on api2) and SECRET_KEY (on api1)"),
        "{}",
        o.stdout
    );
    // Crafted ids, statuses and names.
    let r2 = now.path().join("api2/report.json");
    let good = std::fs::read_to_string(&r2).unwrap();
    for (field, value, needle) in [
        ("id", "x`\n# forged", "not a checklist id"),
        ("status", "maybe", "has status"),
        ("section", "<script>", "not a checklist id"),
    ] {
        std::fs::write(&r2, &good).unwrap();
        edit(&r2, |v| v["items"][0][field] = value.into());
        let o = fleet(&[s(now.path())]);
        assert_eq!(o.code, 2, "{field}: {}", o.stderr);
        assert!(o.stderr.contains(needle), "{field}: {}", o.stderr);
    }
    std::fs::write(&r2, &good).unwrap();
    // A report in api2's folder that names another host is pointed out.
    edit(&r2, |v| v["host"]["name"] = "api9".into());
    let o = fleet(&[s(now.path())]);
    assert!(
        o.stderr
            .contains("names host \"api9\", not its folder's \"api2\""),
        "{}",
        o.stderr
    );
    std::fs::write(&r2, &good).unwrap();
    edit(&r2, |v| v["host"]["name"] = "api\u{202e}2\u{85}".into());
    for f in ["json", "text", "html", "markdown"] {
        let o = fleet(&[s(now.path()), "--format", f]);
        assert!(
            !o.stdout.contains('\u{202e}') && !o.stdout.contains('\u{85}'),
            "{f}"
        );
        if f == "json" {
            let v: serde_json::Value = serde_json::from_str(&o.stdout).expect("valid JSON");
            assert!(v["hosts"][1]["name"].as_str().unwrap().contains('\u{fffd}'));
        }
    }
    // check's own JSON stays valid with a bidirectional mark in a value,
    // and refuses one in a host name.
    let mut c = common::harden();
    c.args([
        "check",
        "--offline",
        "--format",
        "json",
        "--host-name",
        "web\u{202e}1",
        "--project",
    ])
    .arg(&h.project);
    let o = common::run(&mut c);
    assert_eq!(o.code, 2, "{}", o.stderr);
}

/// The fleet key is harden's alone: git, run for the repository checks,
/// does not see it in its environment.
#[test]
fn the_fleet_key_reaches_no_child_process() {
    let h = host(false);
    let bin = tempfile::tempdir().unwrap();
    let seen = bin.path().join("seen");
    let real = which::which("git").unwrap();
    let wrapper = bin.path().join("git");
    std::fs::write(
        &wrapper,
        format!(
            "#!/bin/sh\nenv >> '{}'\nexec '{}' \"$@\"\n",
            seen.display(),
            real.display()
        ),
    )
    .unwrap();
    projects::chmod(&wrapper, 0o755);
    let path = format!(
        "{}:{}",
        bin.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut c = common::harden();
    c.args(["check", "--offline", "--format", "json", "--project"])
        .arg(&h.project)
        .env("PATH", path)
        .env("HARDEN_FINGERPRINT_KEY", KEY);
    let o = common::run(&mut c);
    assert!(matches!(o.code, 0 | 1 | 3), "{}", o.stderr);
    let env = std::fs::read_to_string(&seen).expect("harden ran git");
    assert!(
        !env.contains(KEY) && !env.contains("HARDEN_FINGERPRINT_KEY"),
        "git saw the key"
    );
}

/// Reuse is judged by purpose, and a URL's purpose by its scheme: a
/// Celery broker on Redis sharing the Redis password is one purpose; the
/// same password as the database's is reuse.
#[test]
fn a_urls_purpose_comes_from_its_scheme() {
    let h = host(false);
    let env = h.project.join(".env");
    let text = std::fs::read_to_string(&env).unwrap();
    let redis = text
        .lines()
        .find_map(|l| l.strip_prefix("REDIS_URL=rediss://:"))
        .and_then(|r| r.split('@').next())
        .unwrap()
        .to_string();
    let broker = format!("rediss://:{redis}@redis.internal:6380/1");
    projects::set_env(&h.project, &[("CELERY_BROKER_URL", &broker)]);
    let out = tempfile::tempdir().unwrap();
    check(&h, "api1", "api", Some(KEY), out.path());
    let o = fleet(&[s(out.path()), "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    assert!(v["secrets"]["drift"].as_array().unwrap().is_empty(), "{v}");
    // The same password behind the database URL is reuse.
    let db = format!("postgresql://app:{redis}@db.internal:5432/app");
    projects::set_env(&h.project, &[("DATABASE_URL", &db)]);
    check(&h, "api1", "api", Some(KEY), out.path());
    let o = fleet(&[s(out.path()), "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    let reused = v["secrets"]["drift"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["kind"] == "reused");
    assert!(reused.is_some(), "{v}");
    assert!(!o.stdout.contains(&redis));
}
