//! `.harden/config.toml`: what the team tells harden about its project,
//! committed beside the code. Its `[settings]` table corrects the mapping
//! of checklist concepts to the project's settings, one line per concept:
//!
//! ```toml
//! [settings]
//! SECRET_KEY = "APP_SIGNING_KEY"   # this setting signs the tokens
//! REDIS_URL = "none"               # the project has no Redis
//! ```
//!
//! The wizard writes it (keeping the file's comments and other tables,
//! through `toml_edit`), and the wizard and `check` both read it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::util::fsio;

/// The file, inside the project.
pub const FILE: &str = ".harden/config.toml";
/// Largest config file read.
const CAP: u64 = 1024 * 1024;
/// The value that says the project has no setting for a concept.
pub const NONE: &str = "none";

/// What the table says about one concept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    /// The project's setting (a field or env name); `None`: it has none.
    pub setting: Option<String>,
    /// The line of the file it is on (1-based).
    pub line: usize,
}

/// The `[settings]` table: checklist key → the project's setting.
pub type SettingsMap = BTreeMap<String, Named>;

/// A config file that cannot be used, with where (line 0: the file as a
/// whole).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub path: String,
    pub line: usize,
    pub what: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.path, self.what)
        } else {
            write!(f, "{}:{}: {}", self.path, self.line, self.what)
        }
    }
}

impl std::error::Error for ConfigError {}

/// A name as an error shows it: control characters escaped, at most 64
/// characters.
fn shown_name(name: &str) -> String {
    let cut: String = name.chars().take(64).collect();
    let more = if name.chars().count() > 64 { "…" } else { "" };
    format!("{:?}{more}", crate::util::redact::escape_controls(&cut))
}

/// An I/O error's text without the path in front (the error says it).
fn without_path(e: &std::io::Error, p: &Path) -> String {
    let t = e.to_string();
    let prefix = format!("{}: ", p.display());
    t.strip_prefix(&prefix).map_or(t.clone(), str::to_string)
}

/// The config file of `project`.
pub fn path(project: &Path) -> PathBuf {
    project.join(FILE)
}

/// The file's text: a regular file, not a link, UTF-8.
fn read(p: &Path) -> std::io::Result<String> {
    // The folder too: a linked .harden is refused as the writer refuses it.
    fsio::refuse_linked_dir(fsio::parent(p))?;
    let bytes = fsio::read_input(p, CAP, false)?;
    String::from_utf8(bytes).map_err(|e| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("is not valid UTF-8 (byte {})", e.utf8_error().valid_up_to()),
        )
    })
}

/// A setting name as Python and env files spell one.
pub fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name.len() <= 128
}

/// Reads the `[settings]` table; no file is an empty table. `concepts`
/// are the keys the table may name.
///
/// # Errors
/// A file that is not a regular file, not TOML, or names an unknown
/// concept or an impossible setting name: the error says where.
pub fn load(project: &Path, concepts: &[&str]) -> Result<SettingsMap, ConfigError> {
    let p = path(project);
    let shown = p.display().to_string();
    let err = |line: usize, what: String| ConfigError {
        path: shown.clone(),
        line,
        what,
    };
    let text = match read(&p) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(SettingsMap::new()),
        Err(e) => return Err(err(0, without_path(&e, &p))),
    };
    let line_of = |offset: usize| crate::util::text::line_col(&text, offset).0;
    let doc: toml_edit::Document<String> = text.parse().map_err(|e: toml_edit::TomlError| {
        let line = e.span().map_or(0, |s| line_of(s.start));
        let msg = e.message().to_string();
        err(line, format!("not valid TOML: {msg}"))
    })?;
    let mut out = SettingsMap::new();
    let Some(item) = doc.get("settings") else {
        return Ok(out);
    };
    let Some(table) = item.as_table_like() else {
        return Err(err(0, "[settings] must be a table".into()));
    };
    for (key, value) in table.iter() {
        let line = value
            .span()
            .or_else(|| table.key(key).and_then(|k| k.span()))
            .map_or(0, |s| line_of(s.start));
        if !concepts.contains(&key) {
            return Err(err(
                line,
                format!(
                    "[settings] names {}, which is not a checklist setting (one of {})",
                    shown_name(key),
                    concepts.join(", ")
                ),
            ));
        }
        let Some(v) = value.as_str() else {
            return Err(err(
                line,
                format!("{key} must be a setting's name in quotes, or \"none\""),
            ));
        };
        let setting = if v.eq_ignore_ascii_case(NONE) {
            None
        } else if valid_name(v) {
            Some(v.to_string())
        } else {
            return Err(err(
                line,
                format!(
                    "{key} = {} is not a setting name (letters, digits and _)",
                    shown_name(v)
                ),
            ));
        };
        out.insert(key.to_string(), Named { setting, line });
    }
    Ok(out)
}

/// Sets (or, with `None` for `setting`, removes) one concept's line,
/// keeping the rest of the file as written. `Some("none")` records that
/// the project has no such setting.
///
/// # Errors
/// As [`load`], and any refusal to write (a link, a folder, a device).
pub fn set(project: &Path, key: &str, setting: Option<&str>) -> Result<(), ConfigError> {
    let p = path(project);
    let err = |what: String| ConfigError {
        path: p.display().to_string(),
        line: 0,
        what,
    };
    if let Some(s) = setting
        && !s.eq_ignore_ascii_case(NONE)
        && !valid_name(s)
    {
        return Err(err(format!(
            "{} is not a setting name (letters, digits and _)",
            shown_name(s)
        )));
    }
    let text = match read(&p) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(err(without_path(&e, &p))),
    };
    let mut doc: toml_edit::DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| err(format!("not valid TOML: {}", e.message())))?;
    if !doc.contains_key("settings") {
        let mut t = toml_edit::Table::new();
        t.decor_mut().set_prefix(if text.is_empty() {
            "# Which of the project's settings plays each checklist concept (harden).\n"
        } else {
            "\n"
        });
        doc.insert("settings", toml_edit::Item::Table(t));
    }
    let Some(table) = doc["settings"].as_table_like_mut() else {
        return Err(err("[settings] must be a table".into()));
    };
    match setting {
        Some(s) => {
            let v = if s.eq_ignore_ascii_case(NONE) {
                NONE
            } else {
                s
            };
            table.insert(key, toml_edit::value(v));
        }
        None => {
            table.remove(key);
        }
    }
    let dir = fsio::parent(&p);
    fsio::refuse_linked_dir(dir).map_err(|e| err(e.to_string()))?;
    std::fs::create_dir_all(dir).map_err(|e| err(e.to_string()))?;
    fsio::replace_file(&p, doc.to_string().as_bytes(), None).map_err(|e| err(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONCEPTS: &[&str] = &["SECRET_KEY", "REDIS_URL"];

    #[test]
    fn the_table_is_read_with_its_lines() {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir(d.path().join(".harden")).unwrap();
        std::fs::write(
            path(d.path()),
            "# ours\n[settings]\nSECRET_KEY = \"APP_SECRET\"\nREDIS_URL = \"none\"\n\n[other]\nx = 1\n",
        )
        .unwrap();
        let m = load(d.path(), CONCEPTS).unwrap();
        assert_eq!(
            m["SECRET_KEY"],
            Named {
                setting: Some("APP_SECRET".into()),
                line: 3
            }
        );
        assert_eq!(m["REDIS_URL"].setting, None);
    }

    #[test]
    fn broken_files_say_where() {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir(d.path().join(".harden")).unwrap();
        for (text, line, says) in [
            ("[settings]\nSECRET_KEY = \n", 2, "not valid TOML"),
            (
                "[settings]\n\nSECRTE_KEY = \"X\"\n",
                3,
                "not a checklist setting",
            ),
            (
                "[settings]\nSECRET_KEY = \"a b; rm\"\n",
                2,
                "not a setting name",
            ),
            ("[settings]\nSECRET_KEY = 3\n", 2, "in quotes"),
            ("settings = 1\n", 0, "must be a table"),
        ] {
            std::fs::write(path(d.path()), text).unwrap();
            let e = load(d.path(), CONCEPTS).unwrap_err();
            assert_eq!(e.line, line, "{text:?}: {e}");
            assert!(e.to_string().contains(says), "{e}");
            assert!(e.to_string().contains(".harden/config.toml:"), "{e}");
        }
        std::fs::write(path(d.path()), b"[settings]\n\xff\n").unwrap();
        let e = load(d.path(), CONCEPTS).unwrap_err().to_string();
        assert!(
            e.ends_with(".harden/config.toml: is not valid UTF-8 (byte 11)"),
            "{e}"
        );
        assert_eq!(e.matches("config.toml").count(), 1, "{e}");
        let long = format!("[settings]\n{} = \"X\"\n", "K".repeat(200_000));
        std::fs::write(path(d.path()), long).unwrap();
        let e = load(d.path(), CONCEPTS).unwrap_err().to_string();
        assert!(e.len() < 500, "the unknown key is cut: {} bytes", e.len());
    }

    #[test]
    fn set_keeps_comments_and_other_tables() {
        let d = tempfile::tempdir().unwrap();
        set(d.path(), "SECRET_KEY", Some("APP_SECRET")).unwrap();
        let first = std::fs::read_to_string(path(d.path())).unwrap();
        assert!(
            first.contains("[settings]\nSECRET_KEY = \"APP_SECRET\""),
            "{first}"
        );
        std::fs::write(
            path(d.path()),
            format!("# kept\n[other]\nx = 1  # also kept\n\n{first}"),
        )
        .unwrap();
        set(d.path(), "REDIS_URL", Some("NONE")).unwrap();
        set(d.path(), "SECRET_KEY", None).unwrap();
        let t = std::fs::read_to_string(path(d.path())).unwrap();
        assert!(
            t.starts_with("# kept\n[other]\nx = 1  # also kept\n"),
            "{t}"
        );
        assert!(t.contains("REDIS_URL = \"none\""), "{t}");
        assert!(!t.contains("SECRET_KEY"), "{t}");
        assert!(set(d.path(), "SECRET_KEY", Some("x\"\n[evil]")).is_err());
        assert_eq!(load(d.path(), CONCEPTS).unwrap().len(), 1);
    }

    #[test]
    fn never_through_a_link() {
        let d = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        let target = elsewhere.path().join("victim");
        std::fs::write(&target, "precious\n").unwrap();
        std::fs::create_dir(d.path().join(".harden")).unwrap();
        std::os::unix::fs::symlink(&target, path(d.path())).unwrap();
        assert!(set(d.path(), "SECRET_KEY", Some("X")).is_err());
        assert!(
            load(d.path(), CONCEPTS).is_err(),
            "a link is refused on read too"
        );
        let d3 = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(d.path().join(".harden"), d3.path().join(".harden")).unwrap();
        assert!(load(d3.path(), CONCEPTS).is_err(), "a linked folder too");
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "precious\n");
        // A linked .harden folder is refused too.
        let d2 = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(elsewhere.path(), d2.path().join(".harden")).unwrap();
        assert!(set(d2.path(), "SECRET_KEY", Some("X")).is_err());
        assert!(!elsewhere.path().join("config.toml").exists());
    }
}
