//! Finding the project's Python files: sorted, bounded, never through a
//! symbolic link, skipping other people's code, build output and test data.

use std::path::{Component, Path, PathBuf};

use super::{Source, Sources};

/// Folders that hold other people's code or build output.
pub const SKIP_DIRS: &[&str] = &[
    ".git",
    ".hg",
    ".venv",
    "venv",
    "env",
    ".env",
    "virtualenv",
    "node_modules",
    "build",
    "dist",
    "__pycache__",
    "site-packages",
    ".tox",
    ".nox",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    ".eggs",
    ".harden",
];

/// Folders of test data: sample files, not the application.
const DATA_DIRS: &[&str] = &[
    "fixtures",
    "testdata",
    "test_data",
    "test-data",
    "sample_data",
    "sample-data",
];

/// Most Python files read.
pub const MAX_FILES: usize = 5000;
/// Largest Python file read.
pub const MAX_FILE_BYTES: u64 = 2 * 1024 * 1024;

/// The Python files under `dir`, in name order, at most [`MAX_FILES`];
/// true when there were more.
pub fn files(dir: &Path) -> (Vec<PathBuf>, bool) {
    let mut out = Vec::new();
    let mut more = false;
    collect(dir, &mut out, &mut more, 0);
    (out, more)
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>, more: &mut bool, depth: usize) {
    if depth > 20 {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        // file_type() does not follow links: a link is neither dir nor file.
        let Ok(ft) = e.file_type() else { continue };
        let name = e.file_name();
        let name = name.to_string_lossy();
        if ft.is_dir() {
            if SKIP_DIRS.contains(&name.as_ref())
                || DATA_DIRS.contains(&name.as_ref())
                || name.ends_with(".egg-info")
                // A virtualenv under any name.
                || e.path().join("pyvenv.cfg").exists()
            {
                continue;
            }
            collect(&e.path(), out, more, depth + 1);
        } else if ft.is_file() && name.ends_with(".py") {
            if out.len() >= MAX_FILES {
                *more = true;
                return;
            }
            out.push(e.path());
        }
    }
}

/// A test file: under a `tests`/`test` folder, or named `test_*.py`,
/// `*_test.py` or `conftest.py`.
pub fn is_test(path: &Path) -> bool {
    let in_tests = path
        .components()
        .any(|c| matches!(c, Component::Normal(n) if n == "tests" || n == "test"));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    in_tests || name.starts_with("test_") || name.ends_with("_test.py") || name == "conftest.py"
}

/// Reads and parses every Python file under `project`.
pub fn load(project: &Path) -> Sources {
    load_if(project, &|_| true)
}

/// Reads the Python files under `project` and parses those whose text
/// `keep` accepts (a detector that looks for one call need not parse
/// files that never name it); the others are left out.
pub fn load_if(project: &Path, keep: &(dyn Fn(&str) -> bool + Sync)) -> Sources {
    let (paths, truncated) = files(project);
    let mut s = Sources::default();
    s.truncated = truncated;
    // Parsing is most of the work: one chunk of the files per core, in
    // order, joined back in the walk's order.
    let read = |path: &PathBuf| -> Result<Option<Source>, (PathBuf, String)> {
        let rel = path.strip_prefix(project).unwrap_or(path).to_path_buf();
        let bytes = crate::util::fsio::read_input(path, MAX_FILE_BYTES, false)
            .map_err(|e| (rel.clone(), e.to_string()))?;
        let text = String::from_utf8_lossy(&bytes).into_owned();
        if !keep(&text) {
            return Ok(None);
        }
        Source::new(rel.clone(), text)
            .map(Some)
            .ok_or((rel, "could not be parsed".into()))
    };
    let cores = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    let chunk = paths.len().div_ceil(cores).max(64);
    let parsed: Vec<Result<Option<Source>, (PathBuf, String)>> = if paths.len() <= chunk {
        paths.iter().map(read).collect()
    } else {
        std::thread::scope(|scope| {
            let handles: Vec<_> = paths
                .chunks(chunk)
                .map(|part| scope.spawn(move || part.iter().map(read).collect::<Vec<_>>()))
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        })
    };
    for r in parsed {
        match r {
            Ok(Some(src)) => s.files.push(src),
            Ok(None) => {}
            Err(skip) => s.skipped.push(skip),
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn other_peoples_code_data_and_links_are_skipped() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path();
        for f in [
            "app/main.py",
            "app/core/config.py",
            ".venv/lib/x.py",
            "myenv/lib/y.py",
            "node_modules/z.py",
            "tests/fixtures/sample.py",
            "tests/test_main.py",
        ] {
            std::fs::create_dir_all(p.join(f).parent().unwrap()).unwrap();
            std::fs::write(p.join(f), "x = 1\n").unwrap();
        }
        std::fs::write(p.join("myenv/pyvenv.cfg"), "home = /usr\n").unwrap();
        std::os::unix::fs::symlink(p.join("app"), p.join("linked")).unwrap();
        std::os::unix::fs::symlink(p.join("app/main.py"), p.join("app/alias.py")).unwrap();
        let s = load(p);
        let names: Vec<String> = s
            .files
            .iter()
            .map(|f| f.path.display().to_string())
            .collect();
        assert_eq!(
            names,
            ["app/core/config.py", "app/main.py", "tests/test_main.py"]
        );
        assert!(s.files[2].test);
    }
}
