//! Dependencies without running anything: every requirements line pinned
//! with `==`, a `requirements-core.txt`, and automated scanning configured
//! (Dependabot, Renovate, or a CI step running pip-audit or safety).

use std::path::{Path, PathBuf};

use super::{Finding, Inputs, Outcome};

/// Items this detector fills.
pub const ITEMS: &[&str] = &[
    "deps.pinned",
    "deps.core_requirements",
    "deps.automated_scanning",
];

/// The requirements files of a project: `requirements*.txt` at the top and
/// every `.txt` in a `requirements/` folder, sorted.
pub fn requirement_files(project: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(project) {
        for e in entries.flatten() {
            let n = e.file_name().to_string_lossy().into_owned();
            if n.starts_with("requirements") && n.ends_with(".txt") && e.path().is_file() {
                out.push(e.path());
            }
        }
    }
    if let Ok(entries) = std::fs::read_dir(project.join("requirements")) {
        for e in entries.flatten() {
            if e.path().extension().is_some_and(|x| x == "txt") && e.path().is_file() {
                out.push(e.path());
            }
        }
    }
    out.sort();
    out
}

/// An unpinned requirement: where it is and what it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unpinned {
    pub line: usize,
    pub requirement: String,
}

/// The requirement lines of a file that are not pinned with `==`.
/// Returns (number of requirements, the unpinned ones).
pub fn unpinned(text: &str) -> (usize, Vec<Unpinned>) {
    let mut count = 0;
    let mut out = Vec::new();
    let mut continued = false;
    for (i, raw) in text.lines().enumerate() {
        let was_continued = continued;
        continued = raw.trim_end().ends_with('\\');
        if was_continued {
            continue;
        }
        let line = raw.split(" #").next().unwrap_or(raw).trim();
        let line = line.trim_end_matches('\\').trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with('-') {
            continue;
        }
        count += 1;
        let spec = line.split(';').next().unwrap_or(line).trim();
        let pinned = if spec.contains(" @ ") || spec.contains("://") {
            // A direct URL pins only with a commit or a hash; treat as unpinned.
            false
        } else if spec.contains("===") {
            true
        } else {
            match spec.split_once("==") {
                Some((_, v)) => {
                    let v = v.trim();
                    !v.is_empty() && !v.contains('*') && !v.contains(',') && !v.starts_with('=')
                }
                None => false,
            }
        };
        if !pinned {
            out.push(Unpinned {
                line: i + 1,
                requirement: spec.split_whitespace().collect::<Vec<_>>().join(" "),
            });
        }
    }
    (count, out)
}

/// Runs the file-only dependency checks.
pub fn detect(inputs: &Inputs) -> Vec<Finding> {
    let project = &inputs.project;
    let files = requirement_files(project);
    let mut out = Vec::new();
    if files.is_empty() {
        out.push(locked(inputs));
    } else {
        let mut total = 0;
        let mut bad = Vec::new();
        let mut first = None;
        let mut unreadable = Vec::new();
        for f in &files {
            let shown = inputs.show(f);
            match crate::util::fsio::read_input(f, crate::util::fsio::ENV_CAP, true) {
                Ok(bytes) => {
                    let (n, u) = unpinned(&String::from_utf8_lossy(&bytes));
                    total += n;
                    for x in u {
                        first.get_or_insert((shown.clone(), x.line));
                        bad.push(format!("{shown}:{} {}", x.line, x.requirement));
                    }
                }
                Err(e) => unreadable.push(format!("{shown}: {e}")),
            }
        }
        let names: Vec<String> = files.iter().map(|f| inputs.show(f)).collect();
        let f = if !unreadable.is_empty() {
            Finding::new(
                "deps.pinned",
                Outcome::Unknown,
                format!("cannot read {}", unreadable.join("; ")),
            )
        } else if bad.is_empty() {
            Finding::new(
                "deps.pinned",
                Outcome::Pass,
                format!(
                    "all {total} requirements pinned with == in {}",
                    names.join(", ")
                ),
            )
        } else {
            let shown: Vec<&String> = bad.iter().take(20).collect();
            let more = if bad.len() > 20 {
                format!(" and {} more", bad.len() - 20)
            } else {
                String::new()
            };
            let mut f = Finding::new(
                "deps.pinned",
                Outcome::Fail,
                format!(
                    "{} of {total} requirements not pinned with ==: {}{more}",
                    bad.len(),
                    shown.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
                ),
            )
            .fix("Pin every requirement as name==version (pip-compile or pip freeze can write them).");
            if let Some((file, line)) = first {
                f = f.at(file, line);
            }
            f
        };
        out.push(f);
    }

    let core = project.join("requirements-core.txt");
    out.push(if core.is_file() {
        Finding::new(
            "deps.core_requirements",
            Outcome::Pass,
            "requirements-core.txt is present",
        )
    } else {
        Finding::new(
            "deps.core_requirements",
            Outcome::Warn,
            "no requirements-core.txt",
        )
        .fix("Keep the minimal production set in requirements-core.txt.")
    });

    out.push(scanning(project));
    out
}

/// Lock files of Python package managers, with the install commands that
/// install exactly what they lock.
const LOCKS: &[(&str, &str, &[&str])] = &[
    (
        "uv.lock",
        "uv",
        &[
            "uv sync --frozen",
            "uv sync --locked",
            "--frozen",
            "--locked",
        ],
    ),
    ("poetry.lock", "Poetry", &["poetry install", "poetry sync"]),
    (
        "Pipfile.lock",
        "Pipenv",
        &["pipenv install --deploy", "pipenv sync", "--deploy"],
    ),
    (
        "pdm.lock",
        "PDM",
        &["pdm sync", "pdm install --frozen", "--frozen-lockfile"],
    ),
];

/// Pinning without requirements files: a lock file, and a frozen install
/// of it where production is built (a Dockerfile or a CI workflow).
fn locked(inputs: &Inputs) -> Finding {
    let project = &inputs.project;
    let id = "deps.pinned";
    let Some((lock, tool, frozen)) = LOCKS.iter().find(|(f, _, _)| project.join(f).is_file())
    else {
        let pyproject = project.join("pyproject.toml");
        return if pyproject.is_file() {
            Finding::new(
                id,
                Outcome::Fail,
                "pyproject.toml lists the dependencies, but no lock file (uv.lock, poetry.lock, Pipfile.lock, pdm.lock) or pinned requirements*.txt fixes their versions",
            )
            .fix("Lock them (uv lock, poetry lock) and install from the lock in production.")
        } else {
            Finding::new(
                id,
                Outcome::Unknown,
                "no requirements*.txt, pyproject.toml or lock file in the project",
            )
            .fix("Pin dependencies in requirements.txt with name==version, or lock them.")
        };
    };
    let mut builds: Vec<PathBuf> = ["Dockerfile", "Containerfile", "docker/Dockerfile"]
        .iter()
        .map(|f| project.join(f))
        .collect();
    if let Ok(entries) = std::fs::read_dir(project.join(".github/workflows")) {
        builds.extend(entries.flatten().map(|e| e.path()));
    }
    builds.sort();
    let mut installs = Vec::new();
    for f in &builds {
        let Ok(t) = crate::util::fsio::read_input_text(f, crate::util::fsio::ENV_CAP) else {
            continue;
        };
        if let Some((n, _)) = t.lines().enumerate().find(|(_, l)| {
            let l = l.trim_start();
            !l.starts_with('#') && frozen.iter().any(|c| l.contains(c))
        }) {
            installs.push(format!("{}:{}", inputs.show(f), n + 1));
        }
    }
    if installs.is_empty() {
        Finding::new(
            id,
            Outcome::Warn,
            format!(
                "{lock} locks the dependencies, but no Dockerfile or CI workflow installs from it frozen ({}): production may resolve other versions",
                frozen[0]
            ),
        )
        .fix(format!("Install with `{}` where production is built.", frozen[0]))
    } else {
        Finding::new(
            id,
            Outcome::Pass,
            format!(
                "{lock} locks the dependencies ({tool}), installed from it at {}",
                installs.join(", ")
            ),
        )
    }
}

/// The `package-ecosystem` values of a dependabot.yml.
fn ecosystems(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| {
            let l = l.trim_start().trim_start_matches("- ").trim();
            let v = l.strip_prefix("package-ecosystem:")?;
            Some(v.trim().trim_matches(|c| c == '"' || c == '\'').to_string())
        })
        .collect()
}

fn scanning(project: &Path) -> Finding {
    let mut found = Vec::new();
    for f in [".github/dependabot.yml", ".github/dependabot.yaml"] {
        if let Ok(t) =
            crate::util::fsio::read_input_text(&project.join(f), crate::util::fsio::ENV_CAP)
        {
            // Dependabot's pip ecosystem covers pip, pip-compile, Pipenv and
            // Poetry; uv has its own.
            let python: Vec<String> = ecosystems(&t)
                .into_iter()
                .filter(|e| matches!(e.as_str(), "pip" | "uv" | "poetry" | "pipenv"))
                .collect();
            if python.is_empty() {
                found.push(format!("Dependabot without a Python ecosystem ({f})"));
            } else {
                found.push(format!("Dependabot for {} ({f})", python.join(", ")));
            }
        }
    }
    for f in [
        "renovate.json",
        "renovate.json5",
        ".renovaterc",
        ".renovaterc.json",
        ".github/renovate.json",
        ".github/renovate.json5",
    ] {
        if project.join(f).is_file() {
            found.push(format!("Renovate ({f})"));
        }
    }
    let mut ci_files: Vec<PathBuf> = Vec::new();
    if let Ok(entries) = std::fs::read_dir(project.join(".github/workflows")) {
        ci_files.extend(entries.flatten().map(|e| e.path()));
    }
    for f in [
        ".gitlab-ci.yml",
        ".circleci/config.yml",
        "Jenkinsfile",
        "azure-pipelines.yml",
        "bitbucket-pipelines.yml",
        ".travis.yml",
    ] {
        ci_files.push(project.join(f));
    }
    ci_files.sort();
    for f in ci_files {
        let Ok(t) = crate::util::fsio::read_input_text(&f, crate::util::fsio::ENV_CAP) else {
            continue;
        };
        let runs = t.lines().any(|l| {
            let l = l.trim_start();
            !l.starts_with('#')
                && (l.contains("pip-audit")
                    || l.contains("safety check")
                    || l.contains("safety scan"))
        });
        if runs {
            let rel = f.strip_prefix(project).unwrap_or(&f).display().to_string();
            found.push(format!("a CI step running pip-audit or safety ({rel})"));
        }
    }
    let real: Vec<&String> = found.iter().filter(|f| !f.contains("without")).collect();
    if !real.is_empty() {
        Finding::new(
            "deps.automated_scanning",
            Outcome::Pass,
            real.iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join("; "),
        )
    } else if !found.is_empty() {
        Finding::new("deps.automated_scanning", Outcome::Warn, found.join("; "))
            .fix("Add the pip (or uv) ecosystem to dependabot.yml.")
    } else {
        Finding::new(
            "deps.automated_scanning",
            Outcome::Fail,
            "no Dependabot or Renovate configuration and no CI step running pip-audit or safety",
        )
        .fix("Add .github/dependabot.yml for pip, or a CI job that runs pip-audit.")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dependabot_ecosystems_are_read() {
        let t = "version: 2\nupdates:\n  - package-ecosystem: \"uv\"\n    directory: \"/\"\n  - package-ecosystem: npm\n";
        assert_eq!(ecosystems(t), ["uv", "npm"]);
    }

    #[test]
    fn pinning_rules() {
        let text = "# comment\nfastapi==0.115.0\nuvicorn[standard]==0.30.1 ; python_version >= '3.9'\n\
                    pydantic>=2\nrequests\nsqlalchemy~=2.0\n-r requirements-core.txt\n--index-url https://x\n\
                    httpx==0.27.* \ncryptography==43.0.0 \\\n    --hash=sha256:abc\nmylib @ git+https://example.invalid/x.git\nexact===1.0\n";
        let (n, u) = unpinned(text);
        let lines: Vec<usize> = u.iter().map(|x| x.line).collect();
        assert_eq!(n, 9);
        assert_eq!(lines, vec![4, 5, 6, 9, 12]);
        assert_eq!(u[0].requirement, "pydantic>=2");
    }
}
