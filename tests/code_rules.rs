//! Every application-code rule over fixture projects written for it
//! (issue 15): `tests/fixtures/code/RULE/FORM/` is a small project with
//! the pattern in a bad form (`bad…`), a good one (`good…`) or left out
//! (`missing`), and `expect.toml` says what each item must be, with a
//! piece of its evidence. A good form must raise no failure or warning
//! on any code item (no false positive), and no value of the project's
//! secrets may reach any finding. The fixtures keep dot files without
//! their dot (`env`, `dockerignore`): they are copied back as `.env` and
//! `.dockerignore`.

use std::path::{Path, PathBuf};

use harden::detect::appcode::{self, rules::RULES};
use harden::detect::{Inputs, Outcome};

const CASES: &str = "tests/fixtures/code";

/// A secret planted in the fixtures (`.env` and one Dockerfile `ENV`).
const PLANTED: &[&str] = &[
    "4c1f0d5e9a7b3c2d8e6f1a0b9c8d7e6f",
    "5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d",
];

struct Case {
    dir: PathBuf,
    rule: String,
    form: String,
    items: Vec<(String, String, String)>,
}

fn cases() -> Vec<Case> {
    let mut out = Vec::new();
    let mut rules: Vec<PathBuf> = std::fs::read_dir(CASES)
        .expect("fixture folder")
        .flatten()
        .map(|e| e.path())
        .collect();
    rules.sort();
    for r in rules {
        let mut forms: Vec<PathBuf> = std::fs::read_dir(&r)
            .expect("rule folder")
            .flatten()
            .map(|e| e.path())
            .collect();
        forms.sort();
        for dir in forms {
            let text = std::fs::read_to_string(dir.join("expect.toml"))
                .unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
            let doc: toml::Table = text
                .parse()
                .unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
            let s = |t: &toml::Table, k: &str| t[k].as_str().expect(k).to_string();
            let items = doc["item"]
                .as_array()
                .expect("[[item]]")
                .iter()
                .map(|i| {
                    let t = i.as_table().expect("item table");
                    (s(t, "id"), s(t, "outcome"), s(t, "evidence"))
                })
                .collect();
            out.push(Case {
                rule: s(&doc, "rule"),
                form: s(&doc, "form"),
                items,
                dir,
            });
        }
    }
    out
}

/// Copies a case into a fresh folder, `env` becoming `.env`.
fn project(from: &Path) -> tempfile::TempDir {
    fn copy(from: &Path, to: &Path, top: bool) {
        for e in std::fs::read_dir(from).expect("read_dir").flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if top && name == "expect.toml" {
                continue;
            }
            // Dot files are kept without their dot (git would hide them).
            let dest = to.join(match name.as_str() {
                "env" | "dockerignore" | "gitignore" => format!(".{name}"),
                _ => name,
            });
            if e.path().is_dir() {
                std::fs::create_dir_all(&dest).expect("mkdir");
                copy(&e.path(), &dest, false);
            } else {
                std::fs::copy(e.path(), &dest).expect("copy");
            }
        }
    }
    let d = tempfile::tempdir().expect("tempdir");
    copy(from, d.path(), true);
    d
}

#[test]
fn every_code_rule_in_its_bad_and_good_forms() {
    let all = cases();
    let mut failures = Vec::new();
    for case in &all {
        let d = project(&case.dir);
        let mut report = appcode::detect(&Inputs::new(d.path()));
        // The cookie rule decides its item when no live probe ran.
        report.findings.extend(appcode::live_fallbacks(
            d.path(),
            &[
                ("headers.cookies", "offline"),
                ("api.docs_hidden", "offline"),
            ],
        ));
        let name = case.dir.strip_prefix(CASES).unwrap().display().to_string();
        for f in &report.findings {
            for secret in PLANTED {
                assert!(
                    !f.evidence.contains(secret) && !f.remediation.contains(secret),
                    "{name}: {} shows a planted secret: {}",
                    f.item,
                    f.evidence
                );
            }
        }
        for (id, outcome, evidence) in &case.items {
            let Some(f) = report.findings.iter().find(|f| &f.item == id) else {
                failures.push(format!("{name}: {id} has no finding"));
                continue;
            };
            if f.outcome.as_str() != outcome || !f.evidence.contains(evidence.as_str()) {
                failures.push(format!(
                    "{name}: {id} is {} ({}), expected {outcome} with {evidence:?}",
                    f.outcome.as_str(),
                    f.evidence
                ));
            }
        }
        if case.form == "good" {
            for f in &report.findings {
                if matches!(f.outcome, Outcome::Fail | Outcome::Warn) {
                    failures.push(format!(
                        "{name}: the good form raises {} on {}: {}",
                        f.outcome.as_str(),
                        f.item,
                        f.evidence
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_cases_cover_every_rule_with_a_bad_and_a_good_form() {
    let all = cases();
    assert!(all.len() >= 40, "{} cases", all.len());
    for rule in RULES {
        let of_rule: Vec<&Case> = all.iter().filter(|c| c.rule == rule.id).collect();
        assert!(!of_rule.is_empty(), "{} has no fixture case", rule.id);
        // Its items pass in some good form (its own or another rule's).
        let passes = all.iter().any(|c| {
            c.form == "good"
                && c.items
                    .iter()
                    .any(|(id, o, _)| o == "pass" && rule.items.contains(&id.as_str()))
        });
        assert!(passes, "{}: no good form shows its item passing", rule.id);
        // And something else without the good pattern.
        let not = all.iter().any(|c| {
            c.form != "good"
                && c.items
                    .iter()
                    .any(|(id, o, _)| o != "pass" && rule.items.contains(&id.as_str()))
        });
        assert!(not, "{}: no bad or missing form", rule.id);
    }
    for c in &all {
        assert!(
            RULES.iter().any(|r| r.id == c.rule),
            "{}: unknown rule {}",
            c.dir.display(),
            c.rule
        );
        assert!(!c.items.is_empty(), "{}: nothing asserted", c.dir.display());
    }
}
