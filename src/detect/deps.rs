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

/// A package name as pip compares them (PEP 503: case and `-_.` folded).
fn normalized(name: &str) -> String {
    name.trim().to_ascii_lowercase().replace(['_', '.'], "-")
}

/// The version of `package` the project installs, and the file that says
/// so: a `==` pin in requirements*.txt, or a lock (uv.lock, poetry.lock,
/// pdm.lock, Pipfile.lock).
pub fn locked_version(project: &Path, package: &str) -> Option<(String, String)> {
    let want = normalized(package);
    for f in requirement_files(project) {
        let Ok(t) = crate::util::fsio::read_input_text(&f, crate::util::fsio::ENV_CAP) else {
            continue;
        };
        for line in t.lines() {
            let line = line.split('#').next().unwrap_or("").trim();
            if let Some((name, v)) = line.split_once("==") {
                let name = name.split('[').next().unwrap_or(name);
                if normalized(name) == want {
                    let v = v.trim_start().split([';', ' ']).next().unwrap_or("").trim();
                    let shown = f.strip_prefix(project).unwrap_or(&f).display().to_string();
                    return Some((v.to_string(), shown));
                }
            }
        }
    }
    for lock in ["uv.lock", "poetry.lock", "pdm.lock"] {
        let Ok(t) =
            crate::util::fsio::read_input_text(&project.join(lock), crate::util::fsio::STATE_CAP)
        else {
            continue;
        };
        let Ok(doc) = t.parse::<toml::Table>() else {
            continue;
        };
        let found = doc
            .get("package")
            .and_then(|p| p.as_array())
            .into_iter()
            .flatten()
            .find(|p| p.get("name").and_then(|n| n.as_str()).map(normalized) == Some(want.clone()))
            .and_then(|p| p.get("version").and_then(|v| v.as_str()));
        if let Some(v) = found {
            return Some((v.to_string(), lock.to_string()));
        }
    }
    let t = crate::util::fsio::read_input_text(
        &project.join("Pipfile.lock"),
        crate::util::fsio::STATE_CAP,
    )
    .ok()?;
    let doc: serde_json::Value = serde_json::from_str(&t).ok()?;
    doc.get("default")?
        .as_object()?
        .iter()
        .find(|(k, _)| normalized(k) == want)
        .and_then(|(_, v)| v.get("version")?.as_str())
        .map(|v| {
            (
                v.trim_start_matches("==").to_string(),
                "Pipfile.lock".to_string(),
            )
        })
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
        // pip-tools' input without its compiled output: ranges, not pins.
        let inputs_only: Vec<String> = std::fs::read_dir(project)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("requirements") && n.ends_with(".in"))
            .collect();
        if let Some(first) = inputs_only.iter().min() {
            return Finding::new(
                id,
                Outcome::Fail,
                format!(
                    "{first} lists the dependencies, but no compiled requirements*.txt pins them (pip-compile writes it)"
                ),
            )
            .fix(format!(
                "Compile it (pip-compile {first}), commit the .txt, and install from that in production."
            ));
        }
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
    for (dir, _, _) in places(project) {
        if let Ok(entries) = std::fs::read_dir(dir.join(".github/workflows")) {
            builds.extend(entries.flatten().map(|e| e.path()));
        }
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

/// One `updates` entry of a dependabot.yml: its ecosystem and the
/// folders it watches (`directory`, or the `directories` list).
#[derive(Debug, Default, PartialEq)]
struct Update {
    ecosystem: String,
    directories: Vec<String>,
}

/// The `updates` entries of a dependabot.yml, read line by line (the
/// file's shape is fixed: a list of mappings).
fn updates(text: &str) -> Vec<Update> {
    let unquote = |v: &str| v.trim().trim_matches(|c| c == '"' || c == '\'').to_string();
    let mut out: Vec<Update> = Vec::new();
    let mut in_list = false;
    for line in text.lines() {
        let l = line.trim();
        if l.starts_with('#') || l.is_empty() {
            continue;
        }
        let item = l.strip_prefix("- ");
        let body = item.unwrap_or(l);
        if let Some(v) = body.strip_prefix("package-ecosystem:") {
            out.push(Update {
                ecosystem: unquote(v),
                ..Update::default()
            });
            in_list = false;
            continue;
        }
        let Some(u) = out.last_mut() else { continue };
        if let Some(v) = body.strip_prefix("directory:") {
            u.directories.push(unquote(v));
            in_list = false;
        } else if let Some(v) = body.strip_prefix("directories:") {
            let v = v.trim();
            if let Some(inline) = v.strip_prefix('[') {
                u.directories
                    .extend(inline.trim_end_matches(']').split(',').map(unquote));
                in_list = false;
            } else {
                in_list = true;
            }
        } else if in_list && let Some(d) = item {
            u.directories.push(unquote(d));
        } else if body.contains(':') {
            in_list = false;
        }
    }
    out
}

/// The `package-ecosystem` values of a dependabot.yml.
#[cfg(test)]
fn ecosystems(text: &str) -> Vec<String> {
    updates(text).into_iter().map(|u| u.ecosystem).collect()
}

/// Whether a Dependabot folder (`/`, `/backend`, `/services/*`, `/**`)
/// covers the project at `prefix` (`backend/`) of the repository.
fn covers(directory: &str, prefix: &str) -> bool {
    let d = directory.trim_matches('/');
    let p = prefix.trim_matches('/');
    if d == p || d == "**" || d.ends_with("/**") && p.starts_with(d.trim_end_matches("**")) {
        return true;
    }
    // One `*` per segment.
    let (ds, ps): (Vec<&str>, Vec<&str>) = (d.split('/').collect(), p.split('/').collect());
    ds.len() == ps.len()
        && ds.iter().zip(&ps).all(|(a, b)| {
            *a == *b || *a == "*" || a.strip_suffix('*').is_some_and(|pre| b.starts_with(pre))
        })
}

/// Where configuration of the repository lives: the project, then the
/// repository root when the project is a folder below it. Each with the
/// label evidence gives its files and the project's path from there.
fn places(project: &Path) -> Vec<(PathBuf, &'static str, String)> {
    let mut out = vec![(project.to_path_buf(), "", String::new())];
    if let Some(root) = super::git::find_root(project)
        && let Ok(me) = std::fs::canonicalize(project)
        && me != root
        && let Ok(rel) = me.strip_prefix(&root)
    {
        out.push((
            root.clone(),
            " at the repository root",
            format!("{}/", rel.display()),
        ));
    }
    out
}

fn scanning(project: &Path) -> Finding {
    let mut found = Vec::new();
    for (dir, label, prefix) in places(project) {
        for f in [".github/dependabot.yml", ".github/dependabot.yaml"] {
            let Ok(t) =
                crate::util::fsio::read_input_text(&dir.join(f), crate::util::fsio::ENV_CAP)
            else {
                continue;
            };
            // Dependabot's pip ecosystem covers pip, pip-compile, Pipenv and
            // Poetry; uv has its own.
            let python: Vec<Update> = updates(&t)
                .into_iter()
                .filter(|u| matches!(u.ecosystem.as_str(), "pip" | "uv" | "poetry" | "pipenv"))
                .collect();
            let names = || {
                python
                    .iter()
                    .map(|u| u.ecosystem.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            if python.is_empty() {
                found.push(format!(
                    "Dependabot without a Python ecosystem ({f}{label})"
                ));
            } else if prefix.is_empty()
                || python
                    .iter()
                    .any(|u| u.directories.iter().any(|d| covers(d, &prefix)))
            {
                found.push(format!("Dependabot for {} ({f}{label})", names()));
            } else {
                let dirs: Vec<&str> = python
                    .iter()
                    .flat_map(|u| u.directories.iter().map(String::as_str))
                    .collect();
                found.push(format!(
                    "Dependabot for {} watches {} ({f}{label}), without the project's folder /{}",
                    names(),
                    dirs.join(", "),
                    prefix.trim_end_matches('/')
                ));
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
            if dir.join(f).is_file() {
                found.push(format!("Renovate ({f}{label})"));
            }
        }
        let mut ci_files: Vec<PathBuf> = Vec::new();
        if let Ok(entries) = std::fs::read_dir(dir.join(".github/workflows")) {
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
            ci_files.push(dir.join(f));
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
                let rel = f.strip_prefix(&dir).unwrap_or(&f).display().to_string();
                found.push(format!(
                    "a CI step running pip-audit or safety ({rel}{label})"
                ));
            }
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
            .fix("Add the pip (or uv) ecosystem to dependabot.yml, with the project's folder as its directory.")
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
    fn dependabot_entries_and_the_folders_they_watch() {
        let t = "version: 2\nupdates:\n  - package-ecosystem: pip\n    directory: \"/backend\"\n    schedule:\n      interval: weekly\n  - package-ecosystem: \"uv\"\n    directories:\n      - \"/services/*\"\n      - /tools\n  - package-ecosystem: npm\n    directories: [\"/web\", \"/docs\"]\n";
        let u = updates(t);
        assert_eq!(u.len(), 3);
        assert_eq!(u[0].directories, ["/backend"]);
        assert_eq!(u[1].directories, ["/services/*", "/tools"]);
        assert_eq!(u[2].directories, ["/web", "/docs"]);
        assert!(covers("/backend", "backend/"));
        assert!(covers("/services/*", "services/api/"));
        assert!(covers("/**", "services/api/"));
        assert!(
            !covers("/", "backend/"),
            "the root's manifest is not the app's"
        );
        assert!(!covers("/services/*", "backend/"));
    }

    #[test]
    fn versions_from_pins_and_locks() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(
            d.path().join("requirements.txt"),
            "fastapi==0.118.0\nPydantic_Settings[yaml]==2.1.0 ; python_version>'3.9'\n",
        )
        .unwrap();
        assert_eq!(
            locked_version(d.path(), "pydantic-settings"),
            Some(("2.1.0".into(), "requirements.txt".into()))
        );
        let d = tempfile::tempdir().unwrap();
        std::fs::write(
            d.path().join("uv.lock"),
            "version = 1\n[[package]]\nname = \"pydantic-settings\"\nversion = \"2.11.0\"\n",
        )
        .unwrap();
        assert_eq!(
            locked_version(d.path(), "pydantic_settings"),
            Some(("2.11.0".into(), "uv.lock".into()))
        );
        std::fs::remove_file(d.path().join("uv.lock")).unwrap();
        std::fs::write(
            d.path().join("Pipfile.lock"),
            r#"{"default": {"pydantic-settings": {"version": "==2.2.1"}}}"#,
        )
        .unwrap();
        assert_eq!(
            locked_version(d.path(), "pydantic-settings"),
            Some(("2.2.1".into(), "Pipfile.lock".into()))
        );
        std::fs::write(d.path().join("Pipfile.lock"), "{ broken").unwrap();
        assert_eq!(locked_version(d.path(), "pydantic-settings"), None);
    }

    #[test]
    fn a_pip_tools_input_without_its_output_is_not_pinned() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("requirements.in"), "fastapi>=0.110\n").unwrap();
        let f = locked(&Inputs::new(d.path()));
        assert_eq!(f.outcome, Outcome::Fail, "{}", f.evidence);
        assert!(
            f.evidence
                .contains("requirements.in lists the dependencies"),
            "{}",
            f.evidence
        );
        std::fs::write(d.path().join("requirements.txt"), "fastapi==0.118.0\n").unwrap();
        let found = detect(&Inputs::new(d.path()));
        let f = found.iter().find(|f| f.item == "deps.pinned").unwrap();
        assert_eq!(f.outcome, Outcome::Pass, "{}", f.evidence);
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
