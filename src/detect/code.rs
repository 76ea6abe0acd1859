//! Does the code read it? Finds, in the project's Python sources, the
//! places that read each environment key: `os.getenv("KEY")`,
//! `os.environ["KEY"]`, `config("KEY")`, or a pydantic-settings field named
//! after the key that is used somewhere other than its declaration.
//! Declaring a field only maps the key to an attribute; it is not a read.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;

/// Where each key is read, over the Python files of a project.
#[derive(Debug, Clone, Default)]
pub struct CodeIndex {
    /// Python files searched; 0 means the check cannot say anything.
    pub files: usize,
    /// Env keys read directly (upper-cased), with one place each.
    direct: BTreeMap<String, (PathBuf, usize)>,
    /// Settings fields (lower-cased) used outside their declaration.
    used_fields: BTreeSet<String>,
    /// Settings fields (lower-cased) declared, with the key an alias maps.
    declared: BTreeMap<String, BTreeSet<String>>,
    /// Which of [`WATCHED`] appear in code (outside comments).
    mentions: BTreeSet<&'static str>,
}

/// Names whose use changes what a setting must look like.
pub const WATCHED: &[&str] = &["CORSMiddleware", "TrustedHostMiddleware"];

impl CodeIndex {
    /// True when some code reads `key`.
    pub fn reads(&self, key: &str) -> bool {
        let upper = key.to_ascii_uppercase();
        if self.direct.contains_key(&upper) {
            return true;
        }
        let lower = key.to_ascii_lowercase();
        if self.used_fields.contains(&lower) {
            return true;
        }
        self.declared
            .iter()
            .any(|(field, aliases)| aliases.contains(&upper) && self.used_fields.contains(field))
    }

    /// True when the code mentions one of [`WATCHED`].
    pub fn mentions(&self, name: &str) -> bool {
        self.mentions.contains(name)
    }

    /// Where `key` is read directly, if it is.
    pub fn direct_read(&self, key: &str) -> Option<&(PathBuf, usize)> {
        self.direct.get(&key.to_ascii_uppercase())
    }
}

static DIRECT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?x)
        (?: \bgetenv \s* \( \s*
          | \benviron \s* (?: \. \s* get \s* \( | \[ ) \s*
          | \b(?:config|env) (?: \. \s* (?:str|int|bool|float|list|json|url) )? \s* \( \s*
        )
        ["']([A-Za-z_][A-Za-z0-9_]*)["']"#,
    )
    .expect("static regex")
});

static SETTINGS_CLASS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\s*)class\s+\w+\s*\(([^)]*Settings[^)]*)\)\s*:").expect("static regex")
});

static FIELD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\s+)([A-Za-z_][A-Za-z0-9_]*)\s*:\s*[^=]").expect("static regex")
});

static ALIAS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"\b(?:alias|validation_alias|env)\s*=\s*["']([A-Za-z_][A-Za-z0-9_]*)["']"#)
        .expect("static regex")
});

static ATTR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?:\.\s*([A-Za-z_][A-Za-z0-9_]*)\b\s*(\()?|getattr\s*\(\s*[\w.]+\s*,\s*["']([A-Za-z_][A-Za-z0-9_]*)["'])"#)
        .expect("static regex")
});

/// Indexes the Python files under `project`.
pub fn scan(project: &Path) -> CodeIndex {
    index(&super::python::Sources::load(project))
}

/// Indexes sources already read (and parsed) for the settings table, so
/// that the project's Python is read once per run.
pub fn index(sources: &super::python::Sources) -> CodeIndex {
    let mut index = CodeIndex {
        files: sources.files.len(),
        ..CodeIndex::default()
    };
    // (field, file, line) of every declaration, to tell a use from it.
    let mut declarations: HashSet<(String, usize, usize)> = HashSet::new();
    let mut texts = Vec::with_capacity(sources.files.len());
    for (fi, src) in sources.files.iter().enumerate() {
        let (path, text) = (&src.path, src.text.as_str());
        for (li, line) in text.lines().enumerate() {
            if line.trim_start().starts_with('#') {
                continue;
            }
            for w in WATCHED {
                if line.contains(w) {
                    index.mentions.insert(w);
                }
            }
            for c in DIRECT.captures_iter(line) {
                index
                    .direct
                    .entry(c[1].to_ascii_uppercase())
                    .or_insert_with(|| (path.to_path_buf(), li + 1));
            }
        }
        let mut class_indent: Option<usize> = None;
        for (li, line) in text.lines().enumerate() {
            if let Some(c) = SETTINGS_CLASS.captures(line) {
                class_indent = Some(c[1].len());
                continue;
            }
            let Some(ci) = class_indent else { continue };
            if line.trim().is_empty() {
                continue;
            }
            let indent = line.len() - line.trim_start().len();
            if indent <= ci {
                class_indent = None;
                continue;
            }
            if let Some(c) = FIELD.captures(line)
                && !line.trim_start().starts_with("def ")
            {
                let field = c[2].to_ascii_lowercase();
                if field == "model_config" || field == "class" {
                    continue;
                }
                let aliases = index.declared.entry(field.clone()).or_default();
                aliases.insert(field.to_ascii_uppercase());
                for a in ALIAS.captures_iter(line) {
                    aliases.insert(a[1].to_ascii_uppercase());
                }
                declarations.insert((field, fi, li));
            }
        }
        texts.push((fi, text));
    }
    for (fi, text) in &texts {
        for (li, line) in text.lines().enumerate() {
            if line.trim_start().starts_with('#') {
                continue;
            }
            for c in ATTR.captures_iter(line) {
                let (name, call) = match (c.get(1), c.get(3)) {
                    (Some(n), _) => (n.as_str(), c.get(2).is_some()),
                    (None, Some(n)) => (n.as_str(), false),
                    _ => continue,
                };
                // `logger.debug(...)` is a call, not a read of a `debug` field.
                if call {
                    continue;
                }
                let field = name.to_ascii_lowercase();
                if index.declared.contains_key(&field)
                    && !declarations.contains(&(field.clone(), *fi, li))
                {
                    index.used_fields.insert(field);
                }
            }
        }
    }
    index
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(files: &[(&str, &str)]) -> CodeIndex {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            let p = dir.path().join(name);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        scan(dir.path())
    }

    #[test]
    fn direct_reads_are_found() {
        let i = index(&[(
            "app/main.py",
            "import os\nA = os.getenv('ALPHA')\nB = os.environ[\"BETA\"]\nC = os.environ.get('GAMMA', 1)\nD = config(\"DELTA\")\nE = env.int('EPS')\n# os.getenv('COMMENTED')\n",
        )]);
        for k in ["ALPHA", "BETA", "GAMMA", "DELTA", "EPS"] {
            assert!(i.reads(k), "{k}");
        }
        assert!(!i.reads("COMMENTED"));
        assert_eq!(i.direct_read("BETA").unwrap().1, 3);
    }

    #[test]
    fn a_declared_settings_field_is_not_a_read_until_used() {
        let settings = "from pydantic_settings import BaseSettings\n\nclass Settings(BaseSettings):\n    SECRET_KEY: str = 'x'\n    debug: bool = False\n    audit_log_encrypted: bool = Field(False, alias='AUDIT_ENC')\n    def helper(self) -> str:\n        return 'x'\n\nsettings = Settings()\n";
        let i = index(&[
            ("app/config.py", settings),
            ("app/log.py", "logger.debug('x')\n"),
        ]);
        assert_eq!(i.files, 2);
        assert!(!i.reads("SECRET_KEY"));
        assert!(!i.reads("DEBUG"), "logger.debug( is a call, not a read");
        let i = index(&[
            ("app/config.py", settings),
            (
                "app/auth.py",
                "from .config import settings\nkey = settings.SECRET_KEY\nx = getattr(settings, 'debug')\nif settings.audit_log_encrypted:\n    pass\n",
            ),
        ]);
        assert!(i.reads("SECRET_KEY"));
        assert!(i.reads("secret_key"));
        assert!(i.reads("DEBUG"));
        assert!(
            i.reads("AUDIT_ENC"),
            "an alias maps the key to the used field"
        );
    }

    #[test]
    fn virtualenvs_and_vendor_folders_are_skipped() {
        let i = index(&[
            (".venv/lib/x.py", "os.getenv('FROM_VENV')\n"),
            ("myenv/pyvenv.cfg", "home = /usr\n"),
            ("myenv/lib/y.py", "os.getenv('FROM_MYENV')\n"),
            ("node_modules/z.py", "os.getenv('FROM_NODE')\n"),
            ("src/app.py", "os.getenv('REAL')\n"),
        ]);
        assert_eq!(i.files, 1);
        assert!(i.reads("REAL"));
        assert!(!i.reads("FROM_VENV") && !i.reads("FROM_MYENV") && !i.reads("FROM_NODE"));
    }
}
