//! What the repository holds besides the code: the documents the
//! checklist asks for, security tests, a security scanner in CI, and
//! configuration files (nginx, logrotate) other rules look into. A
//! document not found here is `absent`, never `fail`: it may live in a
//! wiki.

use std::path::{Path, PathBuf};

use super::Ctx;
use crate::detect::{Finding, Outcome};

/// Files looked at, at most.
const MAX_FILES: usize = 5000;
/// Bytes read of one file, at most.
const MAX_BYTES: u64 = 1024 * 1024;

/// The repository's files whose name ends with one of `exts` (or whose
/// name contains one of them, for extension-less files such as
/// `logrotate`), never through a link, skipping virtualenvs and build
/// output; relative paths in walk order.
pub(super) fn files(project: &Path, exts: &[&str]) -> Vec<PathBuf> {
    files_walked(project, exts).0
}

/// [`files`], and whether the walk stopped at its cap of entries before
/// seeing the whole repository.
pub(super) fn files_walked(project: &Path, exts: &[&str]) -> (Vec<PathBuf>, bool) {
    let mut out = Vec::new();
    let mut stack = vec![project.to_path_buf()];
    let mut seen = 0;
    while let Some(dir) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut entries: Vec<_> = rd.flatten().collect();
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            seen += 1;
            if seen > MAX_FILES {
                return (out, true);
            }
            let Ok(ft) = e.file_type() else { continue };
            let name = e.file_name().to_string_lossy().into_owned();
            if ft.is_dir() {
                if !crate::detect::python::walk::SKIP_DIRS.contains(&name.as_str()) {
                    stack.push(e.path());
                }
            } else if ft.is_file() {
                let lower = name.to_ascii_lowercase();
                if exts.iter().any(|x| {
                    lower.ends_with(&format!(".{x}")) || (x.len() > 4 && lower.contains(x))
                }) && let Ok(rel) = e.path().strip_prefix(project)
                {
                    out.push(rel.to_path_buf());
                }
            }
        }
    }
    (out, false)
}

/// A file's text (capped, never through a link); `None` when unreadable.
pub(super) fn read(project: &Path, rel: &Path) -> Option<String> {
    let bytes = crate::util::fsio::read_input(&project.join(rel), MAX_BYTES, false).ok()?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

/// The first line, over the files `exts` selects, that `hit` accepts.
pub(super) fn find_line(
    project: &Path,
    exts: &[&str],
    hit: impl Fn(&str) -> bool,
) -> Option<(String, usize)> {
    for rel in files(project, exts) {
        let Some(text) = read(project, &rel) else {
            continue;
        };
        if let Some(i) = text.lines().position(&hit) {
            return Some((rel.display().to_string(), i + 1));
        }
    }
    None
}

/// Each document item and the words a heading (or file name) of it has.
const DOCUMENTS: &[(&str, &str, &[&str])] = &[
    (
        "docs.security_architecture",
        "the security architecture",
        &["security architecture", "security overview", "threat model"],
    ),
    (
        "docs.authentication_flow",
        "the authentication flow",
        &[
            "authentication flow",
            "auth flow",
            "login flow",
            "authentication",
        ],
    ),
    (
        "docs.authorization_model",
        "the authorization model",
        &["authorization", "permissions", "roles", "rbac"],
    ),
    (
        "docs.rate_limiting",
        "the rate limiting configuration",
        &["rate limit", "rate-limit", "ratelimit", "throttling"],
    ),
    (
        "docs.incident_response",
        "the incident response procedure",
        &["incident response", "incident-response", "incident"],
    ),
    (
        "docs.security_contacts",
        "the security contacts",
        &[
            "security contact",
            "reporting a vulnerability",
            "security@",
            "security policy",
        ],
    ),
    (
        "docs.deployment_steps",
        "the production deployment steps",
        &["deployment", "deploying", "deploy"],
    ),
    (
        "docs.rollback",
        "the rollback procedure",
        &["rollback", "roll back", "rolling back"],
    ),
    (
        "docs.environment_variables",
        "the environment variables",
        &["environment variables", "configuration", "settings", ".env"],
    ),
    (
        "docs.service_dependencies",
        "the service dependencies",
        &["dependencies", "services", "architecture", "requirements"],
    ),
    (
        "docs.troubleshooting",
        "troubleshooting",
        &["troubleshooting", "faq", "common problems", "runbook"],
    ),
    (
        "incident.procedures",
        "the incident response procedures",
        &["incident response", "incident-response"],
    ),
    (
        "incident.escalation",
        "the escalation procedure",
        &["escalation"],
    ),
    (
        "incident.on_call",
        "the on-call procedure",
        &["on-call", "on call", "oncall"],
    ),
    (
        "incident.categories",
        "the security incident categories",
        &[
            "incident categories",
            "severity levels",
            "incident severity",
        ],
    ),
    (
        "incident.roles",
        "the incident response roles",
        &[
            "incident roles",
            "incident commander",
            "roles and responsibilities",
        ],
    ),
    (
        "compliance.retention_policies",
        "the data retention policy",
        &["data retention", "retention policy"],
    ),
    (
        "compliance.privacy_policy",
        "the privacy policy",
        &["privacy policy", "privacy"],
    ),
    (
        "compliance.security_controls",
        "the security controls",
        &["security controls"],
    ),
    (
        "compliance.key_management",
        "the encryption key management",
        &["key management", "encryption keys"],
    ),
    ("backup.documented", "the backup procedures", &["backup"]),
    (
        "backup.dr_documented",
        "the disaster recovery procedures",
        &["disaster recovery"],
    ),
    (
        "external.key_management_documented",
        "the external API key management",
        &[
            "api key management",
            "external services",
            "third-party keys",
        ],
    ),
    (
        "api.key_management_documented",
        "the API key management procedures",
        &["api key management", "api keys"],
    ),
    (
        "rate_limit.documented",
        "the rate limits in the API documentation",
        &["rate limit", "rate-limit", "ratelimit"],
    ),
];

/// Headings of a Markdown, reStructuredText or text document, with lines.
fn headings(text: &str) -> Vec<(usize, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        let t = l.trim();
        if t.starts_with('#') {
            out.push((i + 1, t.trim_start_matches('#').trim().to_ascii_lowercase()));
        } else if let Some(next) = lines.get(i + 1)
            && !t.is_empty()
            && next.len() >= 3
            && next.chars().all(|c| matches!(c, '=' | '-' | '~' | '^'))
        {
            out.push((i + 1, t.to_ascii_lowercase()));
        }
    }
    out
}

fn documents(ctx: &Ctx) -> Vec<Finding> {
    let docs = files(ctx.project, &["md", "rst", "adoc"]);
    let texts: Vec<(PathBuf, String)> = docs
        .iter()
        .filter_map(|p| read(ctx.project, p).map(|t| (p.clone(), t)))
        .collect();
    let looked = if docs.is_empty() {
        "no Markdown, reStructuredText or AsciiDoc file in the repository".to_string()
    } else {
        let mut names: Vec<String> = docs
            .iter()
            .take(6)
            .map(|p| p.display().to_string())
            .collect();
        if docs.len() > 6 {
            names.push(format!("{} more", docs.len() - 6));
        }
        format!("looked in {}", names.join(", "))
    };
    DOCUMENTS
        .iter()
        .map(|(item, what, words)| {
            // A file named for it first, then a heading.
            let by_name = texts.iter().find(|(p, _)| {
                let n = p.file_stem().map(|s| s.to_string_lossy().to_ascii_lowercase().replace(['-', '_'], " "));
                n.is_some_and(|n| words.iter().any(|w| n.contains(&w.replace(['-', '_'], " "))))
            });
            if let Some((p, _)) = by_name {
                return Finding::new(item, Outcome::Pass, format!("{what}: {}", p.display()))
                    .at(p.display().to_string(), 1);
            }
            let by_heading = texts.iter().find_map(|(p, t)| {
                headings(t)
                    .into_iter()
                    .find(|(_, h)| words.iter().any(|w| h.contains(w)))
                    .map(|(line, h)| (p, line, h))
            });
            match by_heading {
                Some((p, line, h)) => Finding::new(
                    item,
                    Outcome::Pass,
                    format!("{what}: {}:{line} (heading \"{h}\")", p.display()),
                )
                .at(p.display().to_string(), line),
                None => Finding::new(
                    item,
                    Outcome::Absent,
                    format!("{what}: not found in the repository ({looked}); it may be kept elsewhere: answer by hand"),
                ),
            }
        })
        .collect()
}

/// Each security test item and what a test of it contains.
const TESTS: &[(&str, &str, &[&str])] = &[
    (
        "testing.authn_bypass",
        "a test that expects 401 without valid credentials",
        &["401", "http_401", "unauthorized"],
    ),
    (
        "testing.authz_bypass",
        "a test that expects 403 for a forbidden action",
        &["403", "http_403", "forbidden"],
    ),
    (
        "testing.rate_limiting",
        "a test that expects 429 past the limit",
        &["429", "http_429", "too_many_requests"],
    ),
    (
        "testing.cors",
        "a test of the CORS headers",
        &["access-control-allow-origin", "access_control_allow_origin"],
    ),
    (
        "testing.input_validation",
        "a test that expects 422 for invalid input",
        &["422", "http_422", "unprocessable"],
    ),
    ("api.csrf_tested", "a CSRF test", &["csrf"]),
    (
        "api.xss_tested",
        "an XSS test (a script payload)",
        &["<script", "xss"],
    ),
    (
        "auth.password_reset",
        "a test of the password reset flow",
        &[
            "password_reset",
            "reset_password",
            "reset-password",
            "password-reset",
        ],
    ),
    (
        "auth.session_expiry_tested",
        "a test of token expiry",
        &["expired", "expiry"],
    ),
    (
        "auth.mfa_flows_tested",
        "a test of the MFA flows",
        &["totp", "mfa"],
    ),
];

fn tests(ctx: &Ctx) -> Vec<Finding> {
    let test_files: Vec<&crate::detect::python::Source> =
        ctx.sources.files.iter().filter(|s| s.test).collect();
    TESTS
        .iter()
        .map(|(item, what, marks)| {
            let hit = test_files.iter().find_map(|s| {
                let lower = s.text.to_ascii_lowercase();
                marks
                    .iter()
                    .find_map(|m| lower.find(m))
                    .map(|at| (s, lower[..at].matches('\n').count() + 1))
            });
            match hit {
                Some((s, line)) => Finding::new(
                    item,
                    Outcome::Pass,
                    format!("{what}: {}:{line}", s.path.display()),
                )
                .at(s.path.display().to_string(), line),
                None => Finding::new(
                    item,
                    Outcome::Absent,
                    format!("{what}: none found in the {} test files", test_files.len()),
                ),
            }
        })
        .collect()
}

fn scanner(ctx: &Ctx) -> Finding {
    let item = "testing.security_scan";
    let ci: Vec<PathBuf> = files(ctx.project, &["yml", "yaml"])
        .into_iter()
        .filter(|p| {
            let s = p.display().to_string();
            s.starts_with(".github/workflows")
                || s.contains("gitlab-ci")
                || s.starts_with(".circleci")
        })
        .collect();
    for p in &ci {
        let Some(text) = read(ctx.project, p) else {
            continue;
        };
        let lower = text.to_ascii_lowercase();
        for (i, l) in lower.lines().enumerate() {
            if let Some(tool) = ["bandit", "semgrep", "codeql", "zap", "owasp"]
                .iter()
                .find(|t| l.contains(*t))
            {
                return Finding::new(
                    item,
                    Outcome::Pass,
                    format!(
                        "{}:{}: CI runs a security scanner ({tool})",
                        p.display(),
                        i + 1
                    ),
                )
                .at(p.display().to_string(), i + 1);
            }
        }
    }
    Finding::new(
        item,
        Outcome::Absent,
        format!(
            "no security scanner (Bandit, Semgrep, CodeQL, OWASP ZAP) in CI ({} workflow files looked at); a scan run by hand is answered by hand",
            ci.len()
        ),
    )
}

pub(super) fn check(ctx: &Ctx) -> Vec<Finding> {
    let mut out = documents(ctx);
    out.extend(tests(ctx));
    out.push(scanner(ctx));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::python::Sources;

    fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
        let d = tempfile::tempdir().unwrap();
        for (p, t) in files {
            let path = d.path().join(p);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, t).unwrap();
        }
        d
    }

    fn run(d: &Path, sources: &Sources) -> std::collections::BTreeMap<String, Finding> {
        let index = crate::detect::python::Index::new(sources);
        let ctx = Ctx::new(&index, None, d);
        check(&ctx)
            .into_iter()
            .map(|f| (f.item.clone(), f))
            .collect()
    }

    #[test]
    fn documents_are_found_by_name_or_heading_and_absent_otherwise() {
        let d = project(&[
            ("docs/incident-response.md", "# What to do\n"),
            (
                "README.md",
                "# Shop API\n\n## Deployment\n\nsteps\n\nRollback\n--------\n",
            ),
        ]);
        let f = run(d.path(), &Sources::default());
        assert_eq!(f["docs.incident_response"].outcome, Outcome::Pass);
        assert!(
            f["docs.incident_response"]
                .evidence
                .contains("docs/incident-response.md")
        );
        assert_eq!(f["docs.deployment_steps"].outcome, Outcome::Pass);
        assert!(
            f["docs.deployment_steps"].evidence.contains("README.md:3"),
            "{}",
            f["docs.deployment_steps"].evidence
        );
        assert_eq!(
            f["docs.rollback"].outcome,
            Outcome::Pass,
            "an underlined heading"
        );
        assert_eq!(f["docs.troubleshooting"].outcome, Outcome::Absent);
        assert!(f["docs.troubleshooting"].evidence.contains("looked in"));
        // Never a failure: a document may live in a wiki.
        assert!(f.values().all(|x| x.outcome != Outcome::Fail));
    }

    #[test]
    fn security_tests_and_a_ci_scanner_pass_with_their_path() {
        let d = project(&[(
            ".github/workflows/ci.yml",
            "jobs:\n  scan:\n    steps:\n      - run: bandit -r app\n",
        )]);
        let sources = Sources::from_texts(&[(
            "tests/test_auth.py",
            "def test_no_token(client):\n    assert client.get('/me').status_code == 401\n",
        )]);
        let f = run(d.path(), &sources);
        assert_eq!(f["testing.authn_bypass"].outcome, Outcome::Pass);
        assert!(
            f["testing.authn_bypass"]
                .evidence
                .contains("tests/test_auth.py:2")
        );
        assert_eq!(f["testing.rate_limiting"].outcome, Outcome::Absent);
        assert_eq!(f["testing.security_scan"].outcome, Outcome::Pass);
        assert!(
            f["testing.security_scan"]
                .evidence
                .contains(".github/workflows/ci.yml:4")
        );
        let f = run(project(&[]).path(), &Sources::default());
        assert_eq!(f["testing.security_scan"].outcome, Outcome::Absent);
    }

    #[test]
    fn the_walk_never_follows_a_link() {
        let outside = project(&[("SECRET.md", "# Incident response\n")]);
        let d = project(&[("README.md", "# App\n")]);
        std::os::unix::fs::symlink(outside.path(), d.path().join("docs")).unwrap();
        std::os::unix::fs::symlink(
            outside.path().join("SECRET.md"),
            d.path().join("incident.md"),
        )
        .unwrap();
        let f = run(d.path(), &Sources::default());
        assert_eq!(
            f["docs.incident_response"].outcome,
            Outcome::Absent,
            "{:?}",
            f["docs.incident_response"]
        );
    }
}
