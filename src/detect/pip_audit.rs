//! pip-audit: run it in the background under a deadline (killed when the
//! wizard quits), or read a report given with `--pip-audit-json`. Both JSON
//! shapes are read (2.x `{"dependencies": …}` and the older bare list).
//! A skipped dependency was not audited, so it makes the result `unknown`,
//! never clean; a run that wrote no report failed, whatever it printed.

use std::path::{Path, PathBuf};
use std::process::Stdio;

use serde::Deserialize;

use super::deps::requirement_files;
use super::{Detector, Finding, Inputs, Outcome, Report};

const ITEM: &str = "deps.pip_audit";

#[derive(Debug, Deserialize)]
struct Dep {
    name: String,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    vulns: Vec<Vuln>,
    #[serde(default)]
    skip_reason: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Vuln {
    id: String,
    #[serde(default)]
    fix_versions: Vec<String>,
    #[serde(default)]
    aliases: Vec<String>,
}

/// Why a report could not be read: what and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportError(pub String);

/// Reads a pip-audit JSON report into a finding. `source` names it in
/// evidence; `project` is searched for the requirement lines.
///
/// # Errors
/// [`ReportError`] naming the line and column of malformed JSON, or the
/// dependency that does not have the expected shape.
pub fn judge_report(bytes: &[u8], source: &str, project: &Path) -> Result<Finding, ReportError> {
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| {
        ReportError(format!(
            "{source}:{}:{}: not valid JSON: {}",
            e.line(),
            e.column(),
            strip_position(&e.to_string())
        ))
    })?;
    let list = match &value {
        serde_json::Value::Object(o) => match o.get("dependencies") {
            Some(serde_json::Value::Array(a)) => a.clone(),
            _ => {
                return Err(ReportError(format!(
                    "{source}: a pip-audit report object needs a \"dependencies\" array"
                )));
            }
        },
        serde_json::Value::Array(a) => a.clone(),
        _ => {
            return Err(ReportError(format!(
                "{source}: not a pip-audit report (expected an object or a list)"
            )));
        }
    };
    let mut deps = Vec::with_capacity(list.len());
    for (i, v) in list.into_iter().enumerate() {
        let d: Dep = serde_json::from_value(v).map_err(|e| {
            ReportError(format!("{source}: dependency #{} is malformed: {e}", i + 1))
        })?;
        deps.push(d);
    }
    Ok(judge(&deps, source, project))
}

fn strip_position(msg: &str) -> String {
    msg.split(" at line ").next().unwrap_or(msg).to_string()
}

fn judge(deps: &[Dep], source: &str, project: &Path) -> Finding {
    if deps.is_empty() {
        return Finding::new(
            ITEM,
            Outcome::Unknown,
            format!("{source} lists no dependencies: nothing was audited"),
        );
    }
    let skipped: Vec<&Dep> = deps.iter().filter(|d| d.skip_reason.is_some()).collect();
    let vulnerable: Vec<&Dep> = deps.iter().filter(|d| !d.vulns.is_empty()).collect();
    let mut reasons: Vec<&str> = skipped
        .iter()
        .filter_map(|d| d.skip_reason.as_deref())
        .collect();
    reasons.sort_unstable();
    reasons.dedup();
    let skipped_text = if skipped.is_empty() {
        String::new()
    } else {
        let names: Vec<&str> = skipped.iter().take(10).map(|d| d.name.as_str()).collect();
        format!(
            "{} of {} dependencies were not audited ({}{}): {}",
            skipped.len(),
            deps.len(),
            names.join(", "),
            if skipped.len() > 10 { ", …" } else { "" },
            reasons.first().copied().unwrap_or("skipped")
        )
    };
    if !vulnerable.is_empty() {
        let n_vulns: usize = vulnerable.iter().map(|d| d.vulns.len()).sum();
        let list: Vec<String> = vulnerable
            .iter()
            .map(|d| {
                let ids: Vec<String> = d
                    .vulns
                    .iter()
                    .map(|v| {
                        let mut aliases = v.aliases.clone();
                        aliases.sort();
                        let mut fixes = v.fix_versions.clone();
                        fixes.sort();
                        let mut s = v.id.clone();
                        if !aliases.is_empty() {
                            s.push_str(&format!(" ({})", aliases.join(", ")));
                        }
                        s.push_str(&if fixes.is_empty() {
                            ", no fix yet".to_string()
                        } else {
                            format!(", fixed in {}", fixes.join(", "))
                        });
                        s
                    })
                    .collect();
                format!(
                    "{} {}: {}",
                    d.name,
                    d.version.as_deref().unwrap_or("?"),
                    ids.join("; ")
                )
            })
            .collect();
        let mut evidence = format!(
            "{n_vulns} known vulnerabilities in {} packages: {}",
            vulnerable.len(),
            list.join(" | ")
        );
        if !skipped_text.is_empty() {
            evidence.push_str(&format!(". Also: {skipped_text}"));
        }
        let mut f = Finding::new(ITEM, Outcome::Fail, evidence)
            .fix("Upgrade each package to a fixed version and pin it; re-run pip-audit.");
        if let Some((file, line)) = requirement_line(project, &vulnerable[0].name) {
            f = f.at(file, line);
        }
        return f;
    }
    if skipped.len() == deps.len() {
        return Finding::new(
            ITEM,
            Outcome::Unknown,
            format!(
                "pip-audit audited nothing: all {} dependencies were skipped ({}). Its \"No known vulnerabilities found\" means nothing here",
                deps.len(),
                reasons.join("; ")
            ),
        )
        .fix("Run pip-audit where it can reach the vulnerability service, or give a report with --pip-audit-json.");
    }
    if !skipped.is_empty() {
        return Finding::new(
            ITEM,
            Outcome::Unknown,
            format!(
                "no known vulnerabilities in {} audited dependencies, but {skipped_text}",
                deps.len() - skipped.len()
            ),
        );
    }
    Finding::new(
        ITEM,
        Outcome::Pass,
        format!(
            "{} dependencies audited by pip-audit ({source}): no known vulnerabilities",
            deps.len()
        ),
    )
}

/// The requirements line that names `package`, for locations.
fn requirement_line(project: &Path, package: &str) -> Option<(String, usize)> {
    let norm = |s: &str| s.to_ascii_lowercase().replace(['_', '.'], "-");
    let want = norm(package);
    let mut files = requirement_files(project);
    // The main file first: that is where an operator pins.
    files.sort_by_key(|f| f.file_name().is_none_or(|n| n != "requirements.txt"));
    for f in files {
        let text = crate::util::fsio::read_input_text(&f, crate::util::fsio::ENV_CAP).ok()?;
        for (i, line) in text.lines().enumerate() {
            let name: String = line
                .trim()
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
                .collect();
            if !name.is_empty() && norm(&name) == want {
                let rel = f.strip_prefix(project).unwrap_or(&f).display().to_string();
                return Some((rel, i + 1));
            }
        }
    }
    None
}

/// Hides `user:password@` in URLs of tool output.
pub fn mask_credentials(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("://") {
        out.push_str(&rest[..i + 3]);
        rest = &rest[i + 3..];
        let end = rest
            .find(|c: char| c.is_whitespace() || c == '/' || c == '"' || c == '\'')
            .unwrap_or(rest.len());
        if let Some(at) = rest[..end].rfind('@') {
            out.push_str("****@");
            rest = &rest[at + 1..];
        }
    }
    out.push_str(rest);
    out
}

/// Runs the detector.
pub async fn detect(inputs: &Inputs) -> Report {
    let finding = if let Some(p) = &inputs.pip_audit_json {
        let shown = inputs.show(p);
        match crate::util::fsio::read_input(p, crate::util::fsio::STATE_CAP, true) {
            Ok(b) => judge_report(&b, &shown, &inputs.project).unwrap_or_else(|e| {
                Finding::new(
                    ITEM,
                    Outcome::Unknown,
                    format!("cannot use the pip-audit report: {}", e.0),
                )
                .fix("Give the JSON that `pip-audit -f json -o FILE` writes.")
            }),
            Err(e) => Finding::new(
                ITEM,
                Outcome::Unknown,
                format!("cannot read the pip-audit report {shown}: {e}"),
            ),
        }
    } else if inputs.offline {
        Finding::new(
            ITEM,
            Outcome::Skipped,
            "offline: pip-audit asks a vulnerability service over the network, so it was not run",
        )
        .fix("Run pip-audit where the network allows and pass its JSON with --pip-audit-json.")
    } else {
        run(inputs).await
    };
    Report::new(Detector::PipAudit, vec![finding])
}

/// What pip-audit is asked to audit, without ever running the project's
/// code: an existing virtualenv's site-packages read as files (`--path`;
/// its interpreter is never started, so no `.pth` file runs), or fully
/// pinned requirements with `--no-deps --disable-pip` (nothing resolved,
/// nothing built).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    Venv(PathBuf),
    Requirements(Vec<PathBuf>),
    /// Why pip-audit cannot run safely, and the command to run by hand.
    NotSafe(String),
}

/// The site-packages of a virtualenv in the project (`.venv`, `venv`, `env`).
fn site_packages(project: &Path) -> Option<PathBuf> {
    for v in [".venv", "venv", "env"] {
        let lib = project.join(v).join("lib");
        let Ok(entries) = std::fs::read_dir(&lib) else {
            continue;
        };
        let mut found: Vec<PathBuf> = entries
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().starts_with("python"))
            .map(|e| e.path().join("site-packages"))
            .filter(|p| p.is_dir())
            .collect();
        found.sort();
        if let Some(p) = found.pop() {
            return Some(p);
        }
    }
    None
}

/// Decides how pip-audit may run on this project.
pub fn plan(project: &Path) -> Plan {
    if let Some(sp) = site_packages(project) {
        return Plan::Venv(sp);
    }
    let files = requirement_files(project);
    if files.is_empty() {
        return Plan::NotSafe(
            "no virtualenv and no requirements*.txt for pip-audit to audit".into(),
        );
    }
    for f in &files {
        let shown = f.strip_prefix(project).unwrap_or(f).display().to_string();
        let text = match crate::util::fsio::read_input_text(f, crate::util::fsio::ENV_CAP) {
            Ok(t) => t,
            Err(e) => return Plan::NotSafe(format!("cannot read {shown}: {e}")),
        };
        let (_, loose) = crate::detect::deps::unpinned(&text);
        let editable = text.lines().position(|l| {
            let l = l.trim_start();
            l.starts_with("-e")
                || l.starts_with("--editable")
                || l.starts_with('.')
                || l.starts_with('/')
        });
        let why = match (loose.first(), editable) {
            (Some(u), _) => format!(
                "{shown}:{} `{}` is not pinned with ==",
                u.line, u.requirement
            ),
            (None, Some(i)) => format!("{shown}:{} installs a local or editable package", i + 1),
            (None, None) => continue,
        };
        return Plan::NotSafe(format!(
            "{why}, and auditing it would make pip resolve and build packages, which runs their code on this server. \
             Pin every requirement with ==, or run `pip-audit -r {shown}` by hand in a throwaway container and pass its JSON with --pip-audit-json"
        ));
    }
    Plan::Requirements(files)
}

async fn run(inputs: &Inputs) -> Finding {
    let Ok(exe) = which::which("pip-audit") else {
        return Finding::new(
            ITEM,
            Outcome::Unknown,
            "pip-audit is not installed (not on PATH)",
        )
        .fix("pip install pip-audit, or pass a report with --pip-audit-json.");
    };
    let runs: Vec<(Vec<std::ffi::OsString>, String)> = match plan(&inputs.project) {
        Plan::NotSafe(why) => {
            return Finding::new(ITEM, Outcome::Unknown, format!("pip-audit was not run: {why}"))
                .fix("Pin every requirement (pip-compile or pip freeze), or pass a pip-audit JSON report with --pip-audit-json.");
        }
        Plan::Venv(sp) => vec![(
            vec!["--path".into(), sp.clone().into_os_string()],
            format!("pip-audit --path {}", inputs.show(&sp)),
        )],
        Plan::Requirements(files) => files
            .iter()
            .map(|f| {
                (
                    vec![
                        "-r".into(),
                        f.clone().into_os_string(),
                        "--no-deps".into(),
                        "--disable-pip".into(),
                    ],
                    format!("pip-audit -r {} --no-deps --disable-pip", inputs.show(f)),
                )
            })
            .collect(),
    };
    let mut findings = Vec::new();
    for (args, shown) in &runs {
        findings.push(audit_once(&exe, args, shown, inputs).await);
    }
    combine(findings)
}

/// One finding from the audits of several files: the worst outcome, and
/// each audit's evidence.
fn combine(mut findings: Vec<Finding>) -> Finding {
    if findings.len() == 1 {
        return findings.remove(0);
    }
    // The last of the worst, whose fix the combined finding takes.
    let worst = Outcome::worst_of(findings.iter().map(|f| f.outcome))
        .and_then(|o| findings.iter().rev().find(|f| f.outcome == o))
        .cloned()
        .unwrap_or_else(|| Finding::new(ITEM, Outcome::Unknown, "nothing audited"));
    let evidence: Vec<String> = findings.iter().map(|f| f.evidence.clone()).collect();
    let mut f = Finding::new(ITEM, worst.outcome, evidence.join("; "));
    f.remediation = worst.remediation;
    f.location = worst.location;
    f
}

async fn audit_once(
    exe: &Path,
    args: &[std::ffi::OsString],
    shown: &str,
    inputs: &Inputs,
) -> Finding {
    let dir = match tempfile::Builder::new()
        .prefix("harden-pip-audit")
        .tempdir()
    {
        Ok(d) => d,
        Err(e) => {
            return Finding::new(
                ITEM,
                Outcome::Unknown,
                format!("cannot make a temp folder: {e}"),
            );
        }
    };
    let out = dir.path().join("report.json");
    let child = tokio::process::Command::new(exe)
        .env_remove(crate::detect::fingerprint::KEY_ENV)
        .env_remove(crate::detect::fingerprint::KEY_FILE_ENV)
        .args(args)
        .args(["-f", "json", "-o"])
        .arg(&out)
        .args(["--progress-spinner", "off"])
        .current_dir(&inputs.project)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn();
    let child = match child {
        Ok(c) => c,
        Err(e) => {
            return Finding::new(
                ITEM,
                Outcome::Unknown,
                format!("cannot start pip-audit: {e}"),
            );
        }
    };
    let secs = inputs.pip_audit_deadline.as_secs();
    // Dropping the child at the deadline kills it (kill_on_drop).
    let output =
        match tokio::time::timeout(inputs.pip_audit_deadline, child.wait_with_output()).await {
            Ok(Ok(o)) => o,
            Ok(Err(e)) => {
                return Finding::new(ITEM, Outcome::Unknown, format!("pip-audit failed: {e}"));
            }
            Err(_) => {
                return Finding::new(
                    ITEM,
                    Outcome::Unknown,
                    format!("pip-audit did not finish within {secs} s and was stopped"),
                )
                .fix("Run it by hand and pass the report with --pip-audit-json.");
            }
        };
    match crate::util::fsio::read_input(&out, crate::util::fsio::STATE_CAP, false) {
        Ok(b) => match judge_report(&b, shown, &inputs.project) {
            Ok(f) => f,
            Err(e) => Finding::new(
                ITEM,
                Outcome::Unknown,
                format!("pip-audit wrote an unreadable report: {}", e.0),
            ),
        },
        Err(_) => {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let last = stderr
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .map(|l| mask_credentials(l.trim()))
                .unwrap_or_else(|| "no message".into());
            let last: String = last.chars().take(300).collect();
            Finding::new(
                ITEM,
                Outcome::Unknown,
                format!(
                    "{shown} exited with {} and wrote no report, so the audit did not complete: {last}",
                    output
                        .status
                        .code()
                        .map_or("a signal".to_string(), |c| format!("code {c}"))
                ),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judge_str(s: &str) -> Result<Finding, ReportError> {
        judge_report(s.as_bytes(), "r.json", Path::new("/nonexistent"))
    }

    #[test]
    fn both_shapes_and_clean() {
        let modern =
            r#"{"dependencies":[{"name":"fastapi","version":"0.115.0","vulns":[]}],"fixes":[]}"#;
        let legacy = r#"[{"name":"fastapi","version":"0.115.0","vulns":[]}]"#;
        for s in [modern, legacy] {
            let f = judge_str(s).unwrap();
            assert_eq!(f.outcome, Outcome::Pass, "{}", f.evidence);
        }
    }

    #[test]
    fn vulnerabilities_list_ids_sorted_aliases_and_fixes() {
        let s = r#"{"dependencies":[{"name":"jinja2","version":"3.1.2","vulns":[{"id":"GHSA-h5c8","fix_versions":["3.1.3"],"aliases":["PYSEC-2","CVE-2024-22195"],"description":"x"}]},{"name":"ok","version":"1","vulns":[]}]}"#;
        let f = judge_str(s).unwrap();
        assert_eq!(f.outcome, Outcome::Fail);
        assert!(
            f.evidence
                .contains("jinja2 3.1.2: GHSA-h5c8 (CVE-2024-22195, PYSEC-2), fixed in 3.1.3"),
            "{}",
            f.evidence
        );
    }

    #[test]
    fn skipped_dependencies_are_not_clean() {
        let some = r#"{"dependencies":[{"name":"a","version":"1","vulns":[]},{"name":"b","skip_reason":"Dependency not found on PyPI"}]}"#;
        let f = judge_str(some).unwrap();
        assert_eq!(f.outcome, Outcome::Unknown);
        assert!(
            f.evidence.contains("1 of 2 dependencies were not audited"),
            "{}",
            f.evidence
        );
        let all = r#"{"dependencies":[{"name":"a","skip_reason":"network"},{"name":"b","skip_reason":"network"}]}"#;
        let f = judge_str(all).unwrap();
        assert_eq!(f.outcome, Outcome::Unknown);
        assert!(f.evidence.contains("audited nothing"), "{}", f.evidence);
    }

    #[test]
    fn malformed_reports_say_where() {
        let e = judge_str("{\n  \"dependencies\": [\n    {\"name\": }\n]}").unwrap_err();
        assert!(e.0.starts_with("r.json:3:14: not valid JSON"), "{}", e.0);
        let e = judge_str(r#"{"deps": []}"#).unwrap_err();
        assert!(e.0.contains("\"dependencies\" array"), "{}", e.0);
        let e = judge_str(r#"[{"version": "1"}]"#).unwrap_err();
        assert!(
            e.0.contains("dependency #1 is malformed: missing field `name`"),
            "{}",
            e.0
        );
        let e = judge_str("42").unwrap_err();
        assert!(e.0.contains("not a pip-audit report"), "{}", e.0);
    }

    #[test]
    fn credentials_in_tool_output_are_masked() {
        assert_eq!(
            mask_credentials("ERROR fetching https://user:hunter2@pypi.internal/simple/x"),
            "ERROR fetching https://****@pypi.internal/simple/x"
        );
        assert_eq!(mask_credentials("no url here"), "no url here");
    }
}
