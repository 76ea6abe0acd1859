//! The embedded checklist holds the whole seed, and broken checklist files
//! are refused with file, line and column.

use std::path::{Path, PathBuf};

use harden::checklist::{ChecklistError, Severity, load_embedded, load_file, parse};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// One checkbox of the seed Markdown: its depth, text and the code example
/// that follows it, if any.
#[derive(Debug, PartialEq)]
struct SeedBox {
    depth: usize,
    text: String,
    section: String,
    group: String,
    example: Option<String>,
}

fn seed_boxes() -> (Vec<SeedBox>, Vec<(String, Option<Severity>)>) {
    let md = std::fs::read_to_string(fixture("seed/PRODUCTION_SECURITY_CHECKLIST.md")).unwrap();
    let mut boxes: Vec<SeedBox> = Vec::new();
    let mut sections = Vec::new();
    let mut section = String::new();
    let mut group = String::new();
    let mut lines = md.lines();
    let mark = |t: &str| -> (String, Option<Severity>) {
        for (m, s) in [
            ("⚠ CRITICAL", Severity::Critical),
            ("⚠ IMPORTANT", Severity::Important),
        ] {
            if let Some(rest) = t.strip_suffix(m) {
                return (rest.trim().to_string(), Some(s));
            }
        }
        (t.trim().to_string(), None)
    };
    while let Some(line) = lines.next() {
        if let Some(h) = line.strip_prefix("## ") {
            if h.starts_with("Notes") {
                break;
            }
            if !h.starts_with(|c: char| c.is_ascii_digit()) && !h.starts_with("Sign-Off") {
                continue;
            }
            let (t, s) = mark(h);
            section = t.clone();
            sections.push((t, s));
        } else if let Some(h) = line.strip_prefix("### ") {
            group = h.to_string();
        } else if let Some(pos) = line.find("- [ ] ") {
            boxes.push(SeedBox {
                depth: pos / 2,
                text: line[pos + 6..].to_string(),
                section: section.clone(),
                group: group.clone(),
                example: None,
            });
        } else if line.trim_start().starts_with("```") && !boxes.is_empty() {
            let indent = line.len() - line.trim_start().len();
            let mut code = String::new();
            for l in lines.by_ref() {
                if l.trim_start().starts_with("```") {
                    break;
                }
                code.push_str(l.get(indent..).unwrap_or(l.trim_start()));
                code.push('\n');
            }
            boxes.last_mut().unwrap().example = Some(code);
        }
    }
    (boxes, sections)
}

#[test]
fn embedded_checklist_holds_every_seed_checkbox_in_order() {
    let (seed, _) = seed_boxes();
    assert_eq!(seed.len(), 224, "the seed has 224 checkboxes");
    let c = load_embedded().unwrap();
    let items: Vec<_> = c
        .sections
        .iter()
        .flat_map(|s| s.items.iter().map(move |i| (s, i)))
        .filter(|(_, i)| !i.added)
        .collect();
    assert_eq!(items.len(), 224);
    for (b, (s, i)) in seed.iter().zip(&items) {
        assert_eq!(i.text, b.text, "{}", i.id);
        assert_eq!(i.depth, b.depth, "{}", i.id);
        let label = match s.number {
            Some(n) => format!("{n}. {}", s.title),
            None => s.title.clone(),
        };
        assert_eq!(label, b.section, "{}", i.id);
        let g = &s.groups[i.group];
        let group_heading = match g.severity {
            Some(Severity::Critical) => format!("{} ⚠ CRITICAL", g.title),
            Some(Severity::Important) => format!("{} ⚠ IMPORTANT", g.title),
            _ => g.title.clone(),
        };
        assert_eq!(group_heading, b.group, "{}", i.id);
        assert_eq!(
            i.example.as_ref().map(|e| e.code.clone()),
            b.example,
            "{}",
            i.id
        );
    }
}

#[test]
fn section_marks_and_slugs_follow_the_seed_and_design() {
    let (_, seed_sections) = seed_boxes();
    let c = load_embedded().unwrap();
    let slugs: Vec<_> = c.sections.iter().map(|s| s.slug.as_str()).collect();
    assert_eq!(
        slugs,
        [
            "env",
            "cors",
            "tls",
            "rate_limit",
            "headers",
            "database",
            "auth",
            "api",
            "logging",
            "compliance",
            "backup",
            "external",
            "network",
            "deps",
            "testing",
            "docs",
            "incident",
            "verify",
            "signoff"
        ]
    );
    assert_eq!(seed_sections.len(), 19);
    for (s, (label, sev)) in c.sections.iter().zip(&seed_sections) {
        assert_eq!(&s.label(), label);
        assert_eq!(&s.severity, sev, "{label}");
    }
    for item in c.items() {
        let (section, _) = item.id.split_once('.').unwrap();
        assert!(
            c.sections
                .iter()
                .any(|s| s.slug == section && s.items.contains(item))
        );
    }
}

#[test]
fn ids_named_by_the_issues_exist() {
    let c = load_embedded().unwrap();
    for id in [
        "env.secret_key_set",
        "env.secret_key_not_default",
        "env.secret_key_strong",
        "env.secret_key_not_committed",
        "env.jwt_secret_set",
        "env.jwt_algorithm",
        "env.access_token_expiry",
        "env.refresh_token_expiry",
        "cors.no_dev_origins",
        "cors.preflight",
        "tls.cert_valid",
        "tls.cert_expiry",
        "tls.protocols",
        "tls.https_redirect",
        "tls.hsts",
        "rate_limit.enable_redis",
        "rate_limit.redis_url",
        "rate_limit.redis_reachable",
        "rate_limit.redis_auth",
        "rate_limit.redis_persistence",
        "rate_limit.headers",
        "database.url_tls",
        "database.password_strong",
        "database.server_tls",
        "network.redis_not_public",
        "network.database_not_public",
        "deps.pinned",
        "deps.core_requirements",
        "deps.automated_scanning",
        "deps.pip_audit",
        "external.no_secrets_in_repo",
        "incident.security_contact",
        "incident.security_txt",
        "verify.no_default_credentials",
        "verify.debug_off",
    ] {
        assert!(c.item(id).is_some(), "{id} missing");
    }
    let added: Vec<_> = c
        .items()
        .filter(|i| i.added)
        .map(|i| i.id.as_str())
        .collect();
    assert_eq!(
        added,
        [
            "env.secrets_not_in_image",
            "tls.ciphers",
            "rate_limit.redis_auth",
            "headers.cookies",
            "auth.token_verification",
            "api.docs_hidden",
            "api.production_server",
            "network.container_ports",
        ]
    );
}

#[test]
fn sign_off_and_notes_are_data() {
    let c = load_embedded().unwrap();
    let labels: Vec<_> = c.signoff.fields.iter().map(|f| f.label.as_str()).collect();
    assert_eq!(labels, ["Reviewed By", "Date", "Approved By", "Date"]);
    let signoff = c.sections.last().unwrap();
    assert_eq!(signoff.slug, "signoff");
    assert_eq!(signoff.items.len(), 5);
    assert_eq!(c.notes.title, "Notes");
    assert_eq!(c.notes.placeholder, "[Add notes here]");
    assert_eq!(c.meta.version.as_deref(), Some("1.0"));
    assert_eq!(c.meta.last_updated.as_deref(), Some("2025-11-23"));
}

#[test]
fn sha256_identifies_the_bytes() {
    let a = load_embedded().unwrap();
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/checklist.toml"),
    )
    .unwrap();
    let b = parse(&format!("{text}\n# changed\n"), "x.toml").unwrap();
    assert_eq!(a.sha256.len(), 64);
    assert_ne!(a.sha256, b.sha256);
    assert_eq!(a.sections, b.sections);
}

#[test]
fn a_small_checklist_of_the_same_schema_loads() {
    let c = load_file(&fixture("checklists/small.toml")).unwrap();
    assert_eq!(c.meta.id, "small");
    assert_eq!(c.len(), 4);
    assert_eq!(c.item("env.new_item").unwrap().severity, Severity::Normal);
    assert_eq!(
        c.item("env.secret_key_set").unwrap().severity,
        Severity::Critical
    );
    assert_eq!(
        c.item("tls.cert_expiry").unwrap().severity,
        Severity::Important
    );
    assert_eq!(c.item("tls.cert_expiry").unwrap().depth, 1);
}

fn invalid(name: &str) -> (usize, usize, String) {
    match load_file(&fixture(&format!("checklists/{name}"))) {
        Err(ChecklistError::Invalid {
            file,
            line,
            column,
            message,
        }) => {
            assert!(file.ends_with(name), "{file}");
            (line, column, message)
        }
        other => panic!("{name}: expected an invalid-file error, got {other:?}"),
    }
}

#[test]
fn broken_checklists_say_what_and_where() {
    let cases: &[(&str, usize, usize, &str)] = &[
        ("malformed.toml", 3, 16, "invalid literal string"),
        (
            "duplicate_id.toml",
            17,
            6,
            "duplicate item id `env.secret_key_set` (first defined on line 13)",
        ),
        ("unknown_key.toml", 15, 1, "unknown field `severty`"),
        ("missing_title.toml", 5, 1, "missing field `title`"),
        ("empty_text.toml", 14, 8, "item text is empty"),
        ("bad_severity.toml", 11, 12, "unknown variant `urgent`"),
        (
            "wrong_prefix.toml",
            13,
            6,
            "is in section `env` but starts with `tls.`",
        ),
        (
            "bad_parent.toml",
            15,
            10,
            "parent `env.parent` of `env.child` is not an earlier item",
        ),
    ];
    let mut wrong = Vec::new();
    for (name, line, column, needle) in cases {
        let (l, c, m) = invalid(name);
        if !m.contains(needle) || (l, c) != (*line, *column) {
            wrong.push(format!("{name}: got {l}:{c}: {m}"));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn unreadable_and_non_utf8_checklists() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.toml");
    let err = load_file(&missing).unwrap_err();
    assert!(matches!(err, ChecklistError::Io { .. }));
    assert!(err.to_string().contains("nope.toml"), "{err}");

    let bad = dir.path().join("latin1.toml");
    std::fs::write(&bad, b"[checklist]\nid = 'caf\xe9'\n").unwrap();
    match load_file(&bad).unwrap_err() {
        ChecklistError::Invalid {
            line,
            column,
            message,
            ..
        } => {
            assert_eq!((line, column), (2, 10));
            assert!(message.contains("UTF-8"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_empty_file_and_a_file_without_sections_are_refused() {
    let err = parse("", "empty.toml").unwrap_err().to_string();
    assert!(err.starts_with("empty.toml:1:1:"), "{err}");
    assert!(err.contains("checklist"), "{err}");
    let err = parse("[checklist]\nid='x'\ntitle='y'\n", "nosec.toml")
        .unwrap_err()
        .to_string();
    assert!(err.contains("no [[section]]"), "{err}");
}

#[test]
fn the_readme_documents_every_key() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    for b in harden::app::keymap::BINDINGS {
        assert!(
            readme.contains(&format!("`{}`", b.label)),
            "README lacks the key {}",
            b.label
        );
    }
}

#[test]
fn every_item_a_generated_file_addresses_exists() {
    let c = load_embedded().unwrap();
    for p in harden::generate::paths() {
        let ids = harden::generate::addressed(p);
        assert!(!ids.is_empty(), "{p} addresses nothing");
        for id in ids {
            assert!(c.item(id).is_some(), "{p}: no item {id}");
        }
    }
}
