//! `harden report`: the seed checklist in its own layout, filled in from a
//! state; the same as a self-contained HTML page; the state as JSON.

mod common;

use harden::checklist::load_embedded;
use harden::detect::{Finding, Outcome};
use harden::state::{Detection, ItemRecord, OperatorStatus, State, Waiver, store};
use time::macros::{date, datetime};

fn state() -> State {
    let c = load_embedded().unwrap();
    let at = datetime!(2026-11-27 10:00 UTC);
    let mut s = State::new(&c, at);
    s.operator = Some("alice".into());
    let rec = |status, note: Option<&str>| ItemRecord {
        status,
        note: note.map(str::to_string),
        by: Some("alice".into()),
        at: Some(at),
        ..ItemRecord::default()
    };
    s.items.insert(
        "env.secret_key_strong".into(),
        rec(
            OperatorStatus::Done,
            Some("openssl rand -hex 32 on the vault host"),
        ),
    );
    s.items.insert(
        "rate_limit.auth_limit".into(),
        rec(OperatorStatus::Done, None),
    );
    s.items.insert(
        "compliance.cookie_consent".into(),
        rec(
            OperatorStatus::NotApplicable,
            Some("no cookies beyond the session"),
        ),
    );
    let mut w = rec(OperatorStatus::Waived, None);
    w.waiver = Some(Waiver {
        reason: "preload after the www migration".into(),
        owner: "ops@example.com".into(),
        expires: Some(date!(2027 - 03 - 31)),
    });
    s.items.insert("tls.hsts_preload".into(), w);
    s.detections.insert(
        "env.secret_key_strong".into(),
        Detection::of(
            &Finding::new(
                "env.secret_key_strong",
                Outcome::Pass,
                "SECRET_KEY set, 64 hex chars, sha256 3f2a…",
            ),
            at,
        ),
    );
    s
}

fn seed_lines() -> Vec<String> {
    std::fs::read_to_string(common::fixture("seed/PRODUCTION_SECURITY_CHECKLIST.md"))
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn markdown_keeps_the_seed_layout_and_fills_it_in() {
    let c = load_embedded().unwrap();
    let md = harden::report::document::markdown(&c, &state());
    insta::assert_snapshot!("report_markdown", md);
    // Every checkbox and heading of the seed is there, in order, with its indentation.
    let report: Vec<&str> = md.lines().collect();
    let mut at = 0;
    let mut boxes = 0;
    for line in seed_lines() {
        let wanted = if line.trim_start().starts_with("- [ ] ")
            || line.starts_with("## ")
            || line.starts_with("### ")
        {
            line.clone()
        } else {
            continue;
        };
        let alt = wanted.replacen("- [ ] ", "- [x] ", 1);
        let found = report[at..]
            .iter()
            .position(|l| **l == wanted || **l == alt);
        let Some(i) = found else {
            panic!("{wanted:?} missing (or out of order) in the report");
        };
        at += i + 1;
        boxes += usize::from(wanted.trim_start().starts_with("- [ ]"));
    }
    assert_eq!(boxes, 224);
    assert!(md.contains("- [x] Generate a strong, random SECRET_KEY"));
    assert!(
        md.contains("\n  - [x] Authentication: 5 requests/minute"),
        "nested items keep their indent"
    );
    assert!(md.contains("> n/a: no cookies beyond the session"));
    assert!(md.contains(
        "> waived: preload after the www migration (owner ops@example.com, until 2027-03-31)"
    ));
    assert!(md.contains("> detected pass: SECRET_KEY set, 64 hex chars"));
    assert!(
        md.contains("env.secret_key_strong: openssl rand -hex 32 on the vault host"),
        "notes block"
    );
    assert!(md.contains("**Reviewed By:**"));
}

/// A sign-off name is text in the Markdown report, never markup (the HTML
/// report escaped it already).
#[test]
fn markdown_sign_off_names_are_inert() {
    let c = load_embedded().unwrap();
    let mut s = state();
    let mut so = harden::review::signoff::snapshot(&c, &s, time::macros::date!(2026 - 11 - 27));
    so.reviewed_by = "Ada".into();
    so.approved_by = "<img src=https://x.test/p.png>".into();
    s.signoffs.push(so);
    let md = harden::report::document::markdown(&c, &s);
    assert!(!md.contains("<img"), "a live tag in the report");
    assert!(
        md.contains("**Approved By:** &lt;img src=https://x.test/p.png&gt;"),
        "{md}"
    );
}

#[test]
fn html_is_one_self_contained_page() {
    let c = load_embedded().unwrap();
    let h = harden::report::document::html(&c, &state());
    // No element that loads anything (text that names one, such as an
    // XSS probe in the guidance, is escaped and inert) ...
    for banned in ["<script", "<link", "<img", "<iframe", "<object", "<embed"] {
        assert!(!h.contains(banned), "external asset: {banned}");
    }
    // ... and no stylesheet import or fetched resource in the style.
    let style = h
        .split("<style>")
        .nth(1)
        .unwrap()
        .split("</style>")
        .next()
        .unwrap();
    for banned in ["@import", "url("] {
        assert!(
            !style.contains(banned),
            "external asset in the style: {banned}"
        );
    }
    assert!(h.starts_with("<!DOCTYPE html>"));
    assert_eq!(h.matches("type=\"checkbox\"").count(), 232);
    assert_eq!(h.matches(" checked>").count(), 2);
    assert!(h.contains("Set <code>SECRET_KEY</code> in production"));
    assert!(
        h.contains("&quot;your-secret-key-here-change-in-production&quot;"),
        "text is escaped"
    );
}

/// Every item carries its guidance in the HTML report (why, how to verify
/// by hand, how to fix), escaped, commands as code.
#[test]
fn html_shows_guidance_for_every_item() {
    let c = load_embedded().unwrap();
    let h = harden::report::document::html(&c, &state());
    assert_eq!(h.matches("<details class=\"guide\">").count(), c.len());
    for item in c.items() {
        let g = harden::checklist::guidance::for_item(&item.id).unwrap();
        // The text up to its first code span, escaped as the page has it.
        let head = g.verify.split('`').next().unwrap();
        let esc = head
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;");
        assert!(h.contains(&esc), "{}: verify missing", item.id);
    }
    let redis = h
        .split("<li ")
        .find(|li| li.contains("Redis password") || li.contains("requirepass"))
        .expect("a Redis item");
    assert!(redis.contains("<b>How to fix:</b>"), "{redis}");
    assert!(redis.contains("<code>"), "commands are code: {redis}");
}

#[test]
fn the_command_writes_each_format_and_refuses_without_a_state() {
    let d = tempfile::tempdir().unwrap();
    store::save(&d.path().join(".harden/state.toml"), &state()).unwrap();
    let out = d.path().join("r");
    for (fmt, needle) in [
        ("markdown", "# Production Security Checklist"),
        ("html", "<!DOCTYPE html>"),
        ("json", "\"schema\": 2"),
    ] {
        let o = common::run(
            common::harden()
                .args(["report", "--format", fmt, "--output"])
                .arg(&out)
                .arg("--project")
                .arg(d.path()),
        );
        assert!((o.code == 0), "{fmt}: {}", o.stderr.as_str());
        let t = std::fs::read_to_string(&out).unwrap();
        assert!(t.starts_with(needle) || t.contains(needle), "{fmt}");
    }
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(json["items"]["tls.hsts_preload"]["status"], "waived");
    let empty = tempfile::tempdir().unwrap();
    let o = common::run(
        common::harden()
            .args(["report", "--project"])
            .arg(empty.path()),
    );
    assert_eq!(Some(o.code), Some(2));
    assert!(o.stderr.as_str().contains("no state file"));
}

#[test]
fn diff_puts_regressions_first_and_exits_1_on_one() {
    let d = tempfile::tempdir().unwrap();
    let old = d.path().join("old.toml");
    let new = d.path().join("new.toml");
    let mut a = state();
    a.items.insert(
        "tls.cert_valid".into(),
        ItemRecord {
            status: OperatorStatus::Done,
            ..ItemRecord::default()
        },
    );
    a.fingerprints.insert("SECRET_KEY".into(), "aaaa".into());
    store::save(&old, &a).unwrap();
    let mut b = a.clone();
    b.items.get_mut("tls.cert_valid").unwrap().status = OperatorStatus::NotDone;
    b.items.insert(
        "docs.rollback".into(),
        ItemRecord {
            status: OperatorStatus::Done,
            ..ItemRecord::default()
        },
    );
    b.fingerprints.insert("SECRET_KEY".into(), "bbbb".into());
    store::save(&new, &b).unwrap();
    let run = |x: &std::path::Path, y: &std::path::Path| {
        let o = common::run(common::harden().arg("diff").arg(x).arg(y));
        (Some(o.code), o.stdout.clone())
    };
    let (code, out) = run(&old, &new);
    assert_eq!(code, Some(1), "{out}");
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[1].starts_with("REGRESSED  tls.cert_valid: pass → fail"),
        "{out}"
    );
    assert!(out.contains("ROTATED    SECRET_KEY"), "{out}");
    assert!(
        out.contains("IMPROVED   docs.rollback: open → pass"),
        "{out}"
    );
    let (code, out) = run(&new, &old);
    assert_eq!(
        code,
        Some(1),
        "an answer taken back is a regression too: {out}"
    );
    assert!(
        out.contains("REGRESSED  docs.rollback: pass → open"),
        "{out}"
    );
    let (code, out) = run(&old, &old);
    assert_eq!(code, Some(0));
    assert!(!out.contains("REGRESSED"));
    std::fs::write(d.path().join("bad.toml"), "schema = 1\nitems = [\n").unwrap();
    let o = common::run(
        common::harden()
            .arg("diff")
            .arg(&old)
            .arg(d.path().join("bad.toml")),
    );
    assert_eq!(Some(o.code), Some(2));
}
