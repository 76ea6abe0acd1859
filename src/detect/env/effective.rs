//! The configuration the application will run with, as the env rules
//! judge it. The rules name the checklist's keys (`ALLOWED_HOSTS`,
//! `ACCESS_TOKEN_EXPIRE_MINUTES`); the application may read them under a
//! prefix or an alias (`SVC_ALLOWED_HOSTS`), or not set them at all and
//! fall back to its code default. This builds the env file the rules see:
//! each checklist key holds the value the application reads for it, and
//! each judged finding is then told which setting, and which source, its
//! value really came from.

use std::path::{Path, PathBuf};

use crate::detect::envfile::{Entry, EnvFile, Quote};
use crate::detect::python::concepts::Use;
use crate::detect::python::settings::{Setting, Settings};
use crate::detect::python::value::Value;
use crate::detect::{Finding, Location, Outcome};

/// Where a checklist key's value comes from in this project.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// The env file, under the name the application reads (`name`), at `line`.
    EnvFile { name: String, line: usize },
    /// Not in the env file: the code's default applies.
    CodeDefault { value: Value },
    /// Not in the env file, and the code has no default: the application
    /// does not start without it.
    Required,
    /// Built by the code from several settings (host, user, password, …):
    /// each part's name and where its value came from.
    Assembled { parts: Vec<(String, String)> },
}

/// How a checklist key maps to the project's setting.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// The checklist's key.
    pub key: String,
    /// The env names the application reads it from.
    pub reads: Vec<String>,
    pub source: Source,
    /// The declaration (`file`, line).
    pub file: PathBuf,
    pub line: usize,
    /// The checklist key is in the env file, but the application reads
    /// another name: that line has no effect.
    pub unread_line: Option<usize>,
    /// How the setting was tied to the key when its name differs: the use
    /// that shows its part ("signs and checks tokens (jwt) at app/main.py:20").
    pub why: Option<String>,
    /// Where the application uses the setting; empty when nothing does.
    pub used: bool,
}

impl Resolved {
    /// The name evidence should use: the one the application reads.
    pub fn name(&self) -> &str {
        match &self.source {
            Source::EnvFile { name, .. } => name,
            _ => self.reads.first().map_or(&self.key, String::as_str),
        }
    }

    /// Why the value is what it is, in words.
    pub fn note(&self, env_shown: &str) -> String {
        let decl = format!("{}:{}", self.file.display(), self.line);
        let mut s = match &self.source {
            Source::EnvFile { line, .. } if self.file == Path::new(crate::detect::config::FILE) => {
                format!("set at {env_shown}:{line}")
            }
            Source::EnvFile { name, line } if name != &self.key => {
                format!("the application reads {name} ({decl}), set at {env_shown}:{line}")
            }
            Source::EnvFile { .. } => return String::new(),
            Source::CodeDefault {
                value: Value::Expr(e),
            } if drawn_at_start(e) => format!(
                "the code default {} ({decl}) draws a new value at every start: tokens or sessions signed before a restart, or by another worker, are refused",
                shown_expr(&self.key, e)
            ),
            Source::CodeDefault {
                value: Value::Expr(e),
            } => {
                format!(
                    "the code default {} applies ({decl})",
                    shown_expr(&self.key, e)
                )
            }
            Source::CodeDefault { value } => format!(
                "{} is not set in {env_shown}: the code default {} applies ({decl})",
                self.name(),
                shown_default(&self.key, value)
            ),
            Source::Required if self.file == Path::new(crate::detect::config::FILE) => format!(
                "{} is not set in {env_shown} ({decl} names it for {})",
                self.name(),
                self.key
            ),
            Source::Required => format!(
                "{} is not set in {env_shown}, and {decl} has no default: the application does not start without it",
                self.name()
            ),
            Source::Assembled { parts } => format!(
                "assembled as the code builds it from {}",
                parts
                    .iter()
                    .map(|(n, from)| format!("{n} ({from})"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        if let Some(w) = &self.why {
            s = if s.is_empty() {
                w.clone()
            } else {
                format!("{w}; {s}")
            };
        }
        if let Some(l) = self.unread_line {
            s.push_str(&format!(
                "; {} at {env_shown}:{l} is not read (the application reads {})",
                self.key,
                self.reads.join(" or ")
            ));
        }
        s
    }
}

/// A default computed from randomness at start-up.
fn drawn_at_start(expr: &str) -> bool {
    [
        "token_urlsafe",
        "token_hex",
        "token_bytes",
        "urandom",
        "uuid4",
        "random",
    ]
    .iter()
    .any(|w| expr.contains(w))
}

/// A default as evidence may show it: a secret's only by its shape.
/// An expression in code, as evidence: for a secret, every string
/// literal in it is replaced (`os.getenv("SECRET_KEY", "b398…")` holds
/// the fallback secret itself).
fn shown_expr(key: &str, e: &str) -> String {
    if !crate::util::redact::is_secret_key(key) {
        return e.to_string();
    }
    let mut out = String::with_capacity(e.len());
    let mut quote: Option<char> = None;
    for ch in e.chars() {
        match quote {
            Some(q) if ch == q => {
                out.push('…');
                out.push(ch);
                quote = None;
            }
            Some(_) => {}
            None => {
                out.push(ch);
                if ch == '"' || ch == '\'' {
                    quote = Some(ch);
                }
            }
        }
    }
    out
}

fn shown_default(key: &str, v: &Value) -> String {
    let secret = crate::util::redact::is_secret_key(key);
    match v {
        Value::Expr(e) => shown_expr(key, e),
        _ if secret => v.as_env().map_or_else(
            || "?".into(),
            |s| {
                let d = crate::detect::secrets::describe(&s);
                format!("({})", d.strip_prefix("set, ").unwrap_or(&d))
            },
        ),
        _ => v.shown(),
    }
}

/// The setting the application reads a checklist key through: the one
/// its code uses for the key's part (see [`Use`]), else a read of the key
/// itself, else a field named like it (under a prefix or an alias).
fn setting_for<'a>(
    settings: &'a Settings,
    uses: &[Use],
    key: &str,
) -> Option<(&'a Setting, Option<String>)> {
    if let Some(u) = uses.iter().find(|u| u.key == key)
        && let Some(s) = settings.settings.iter().find(|s| s.name == u.field)
        && !s.name.eq_ignore_ascii_case(key)
    {
        return Some((s, Some(format!("{} {} at {}", u.field, u.how, u.at))));
    }
    settings
        .settings
        .iter()
        .find(|s| s.reads(key))
        .or_else(|| {
            settings
                .settings
                .iter()
                .find(|s| s.name.eq_ignore_ascii_case(key))
        })
        .map(|s| (s, None))
}

/// The entry a setting reads under `name`, in its case rule.
fn lookup<'a>(file: &'a EnvFile, s: &Setting, name: &str) -> Option<&'a Entry> {
    if s.case_sensitive {
        file.get(name)
    } else {
        file.get_any_case(name)
    }
}

/// One setting's value as the application gets it: from the env file
/// under a name it reads, else its code default; and where it came from.
fn value_of(file: &EnvFile, s: &Setting, env_shown: &str) -> Option<(String, String)> {
    for name in &s.env {
        if let Some(e) = lookup(file, s, name) {
            return Some((
                e.value.trim().to_string(),
                format!("{env_shown}:{}", e.line),
            ));
        }
    }
    let v = s.default.as_ref()?.as_env()?;
    Some((v, format!("code default, {}", s.at())))
}

/// The database URL built from its parts, as the code builds it: each
/// part found by its name (host or server, port, user, password, db or
/// name), the scheme the code writes.
fn assemble(
    file: &EnvFile,
    settings: &Settings,
    u: &Use,
    env_shown: &str,
) -> Option<(String, Vec<(String, String)>)> {
    let mut host = None;
    let (mut port, mut user, mut password, mut db) = (None, None, None, None);
    let mut parts = Vec::new();
    for field in &u.parts {
        let s = settings.settings.iter().find(|s| &s.name == field)?;
        let Some((v, from)) = value_of(file, s, env_shown) else {
            parts.push((s.env[0].clone(), "not set".into()));
            continue;
        };
        let f = field.to_ascii_uppercase();
        let slot = if f.ends_with("SERVER") || f.ends_with("HOST") || f.ends_with("HOSTNAME") {
            &mut host
        } else if f.ends_with("PORT") {
            &mut port
        } else if f.ends_with("USER") || f.ends_with("USERNAME") {
            &mut user
        } else if f.ends_with("PASSWORD") || f.ends_with("PASS") {
            &mut password
        } else if f.ends_with("DB") || f.ends_with("NAME") || f.ends_with("DATABASE") {
            &mut db
        } else {
            continue;
        };
        *slot = Some(v);
        parts.push((s.env[0].clone(), from));
    }
    let host = host?;
    let scheme = u.scheme.clone().unwrap_or_else(|| "postgresql".into());
    let enc = |v: &str| -> String {
        v.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                    char::from(b).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect()
    };
    let auth = match (&user, &password) {
        (Some(u), Some(p)) => format!("{}:{}@", enc(u), enc(p)),
        (Some(u), None) => format!("{}@", enc(u)),
        // Redis: a password without a user name (AUTH password).
        (None, Some(p)) => format!(":{}@", enc(p)),
        _ => String::new(),
    };
    let port = port.map(|p| format!(":{p}")).unwrap_or_default();
    let db = db.map(|d| format!("/{d}")).unwrap_or_default();
    Some((format!("{scheme}://{auth}{host}{port}{db}"), parts))
}

/// The env file as the application reads it, for `keys` (the checklist's
/// keys the rules judge), and how each key was resolved.
pub fn resolve(
    file: &EnvFile,
    settings: &Settings,
    uses: &[Use],
    keys: &[&str],
    env_shown: &str,
) -> (EnvFile, Vec<Resolved>) {
    let mut out = file.clone();
    let mut resolved = Vec::new();
    for key in keys {
        if let Some(u) = uses.iter().find(|u| u.key == *key && !u.parts.is_empty())
            && let Some((url, parts)) = assemble(file, settings, u, env_shown)
            && file.get(key).is_none()
        {
            out.entries.push(Entry {
                key: key.to_string(),
                value: url,
                line: 0,
                quote: Quote::None,
                exported: false,
                reference: false,
            });
            resolved.push(Resolved {
                key: key.to_string(),
                reads: Vec::new(),
                source: Source::Assembled { parts },
                file: PathBuf::from(u.at.rsplit_once(':').map_or(u.at.as_str(), |(f, _)| f)),
                line: u
                    .at
                    .rsplit_once(':')
                    .and_then(|(_, l)| l.parse().ok())
                    .unwrap_or(0),
                unread_line: None,
                why: Some(format!("the URL the application {} at {}", u.how, u.at)),
                used: true,
            });
            continue;
        }
        let Some((s, why)) = setting_for(settings, uses, key) else {
            continue;
        };
        let found = s.env.iter().find_map(|name| lookup(file, s, name).cloned());
        let reads_key = s.reads(key);
        let unread_line = if reads_key {
            None
        } else {
            file.get(key).map(|e| e.line)
        };
        let source = match (&found, &s.default) {
            (Some(e), _) => Source::EnvFile {
                name: e.key.clone(),
                line: e.line,
            },
            (None, Some(v)) => Source::CodeDefault { value: v.clone() },
            (None, None) => Source::Required,
        };
        let r = Resolved {
            key: key.to_string(),
            reads: s.env.clone(),
            source,
            file: s.file.clone(),
            line: s.line,
            unread_line,
            why,
            used: !s.used.is_empty(),
        };
        // What the rules see under the checklist's key.
        out.entries.retain(|e| e.key != *key);
        match (&found, &r.source) {
            (Some(e), _) => out.entries.push(Entry {
                key: key.to_string(),
                ..e.clone()
            }),
            (None, Source::CodeDefault { value }) => {
                // An empty default is "not set" to the rules; line 0
                // marks a value that is not in the file.
                if let Some(v) = value.as_env().filter(|v| !v.is_empty()) {
                    out.entries.push(Entry {
                        key: key.to_string(),
                        value: v,
                        line: 0,
                        quote: Quote::None,
                        exported: false,
                        reference: false,
                    });
                }
            }
            _ => {}
        }
        let unchanged = matches!(&r.source, Source::EnvFile { name, .. } if name == key);
        if !unchanged || r.unread_line.is_some() || !r.used {
            resolved.push(r);
        }
    }
    (out, resolved)
}

/// Tells each finding of a resolved key where its value came from: the
/// name the application reads replaces the checklist's in the evidence
/// and the fix (so the printed fix changes something), a note says the
/// source, and a code default points at its declaration.
pub fn explain(
    findings: &mut [Finding],
    items_of: &dyn Fn(&str) -> Vec<&'static str>,
    resolved: &[Resolved],
    env_shown: &str,
) {
    for r in resolved {
        let items = items_of(&r.key);
        let name = r.name().to_string();
        let note = r.note(env_shown);
        for f in findings
            .iter_mut()
            .filter(|f| items.contains(&f.item.as_str()))
        {
            if name != r.key {
                f.evidence = rename(&f.evidence, &r.key, &name);
                f.remediation = rename(&f.remediation, &r.key, &name);
            }
            if !note.is_empty() {
                f.evidence.push_str(&format!(" ({note})"));
            }
            if !matches!(r.source, Source::EnvFile { .. }) {
                f.location = Some(Location {
                    file: r.file.display().to_string(),
                    line: r.line,
                });
            }
        }
    }
}

/// When the key the code signs tokens with was found by its use (it is
/// judged under SECRET_KEY) and no other setting is the JWT key, the JWT
/// item is that same key: it takes the signing key's verdict instead of
/// asking for a JWT_SECRET_KEY the application never reads.
pub fn one_signing_key(
    findings: &mut [Finding],
    resolved: &[Resolved],
    uses: &[Use],
    settings: &Settings,
) {
    let Some(u) = uses.iter().find(|u| u.key == "SECRET_KEY") else {
        return;
    };
    let separate = settings
        .settings
        .iter()
        .any(|s| s.name.eq_ignore_ascii_case("JWT_SECRET_KEY") && !s.used.is_empty());
    if separate || resolved.iter().any(|r| r.key == "JWT_SECRET_KEY") {
        return;
    }
    let Some(decl) = settings.settings.iter().find(|s| s.name == u.field) else {
        return;
    };
    let signing = resolved
        .iter()
        .find(|r| r.key == "SECRET_KEY")
        .cloned()
        .unwrap_or_else(|| Resolved {
            key: "SECRET_KEY".into(),
            reads: decl.env.clone(),
            source: Source::EnvFile {
                name: decl.env[0].clone(),
                line: 0,
            },
            file: decl.file.clone(),
            line: decl.line,
            unread_line: None,
            why: None,
            used: true,
        });
    let signing = &Resolved {
        why: Some(format!("{} {} at {}", u.field, u.how, u.at)),
        ..signing
    };
    let worst = Outcome::worst_of(
        findings
            .iter()
            .filter(|f| f.item.starts_with("env.secret_key_"))
            .map(|f| f.outcome),
    )
    .unwrap_or(Outcome::Unknown);
    let name = signing.name().to_string();
    let why = signing.why.clone().unwrap_or_default();
    for f in findings
        .iter_mut()
        .filter(|f| f.item == "env.jwt_secret_set")
    {
        f.outcome = worst;
        f.evidence = format!(
            "tokens are signed with {name} ({why}), judged under env.secret_key_*: no separate JWT key is read"
        );
        f.remediation = if worst == Outcome::Pass {
            String::new()
        } else {
            format!("Set {name} to a fresh `openssl rand -hex 32` value.")
        };
        f.location = Some(Location {
            file: signing.file.display().to_string(),
            line: signing.line,
        });
    }
}

/// `text` with the whole word `from` replaced by `to`.
fn rename(text: &str, from: &str, to: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    while let Some(i) = rest.find(from) {
        let before = rest[..i].chars().next_back();
        let after = rest[i + from.len()..].chars().next();
        out.push_str(&rest[..i]);
        if before.is_some_and(word) || after.is_some_and(word) {
            out.push_str(from);
        } else {
            out.push_str(to);
        }
        rest = &rest[i + from.len()..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod shown_tests {
    #[test]
    fn string_literals_of_a_secret_default_are_not_shown() {
        let e = "os.getenv(\"SECRET_KEY\", \"b398a83be5cccd17f66591b25083ababd\")";
        let shown = super::shown_expr("SECRET_KEY", e);
        assert_eq!(shown, "os.getenv(\"…\", \"…\")");
        assert_eq!(
            super::shown_expr("LOG_LEVEL", "os.getenv('L', 'INFO')"),
            "os.getenv('L', 'INFO')"
        );
        assert_eq!(
            super::shown_expr("JWT_SECRET_KEY", "secrets.token_urlsafe(32)"),
            "secrets.token_urlsafe(32)"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::python::Sources;
    use crate::detect::python::settings::discover;

    #[test]
    fn whole_words_only() {
        assert_eq!(
            rename("Set DEBUG=false (DEBUG_MODE stays)", "DEBUG", "APP_DEBUG"),
            "Set APP_DEBUG=false (DEBUG_MODE stays)"
        );
    }

    #[test]
    fn prefixed_default_and_unread_keys() {
        let s = discover(&Sources::from_texts(&[(
            "app/config.py",
            "class S(BaseSettings):\n    model_config = SettingsConfigDict(env_prefix='APP_')\n    ALLOWED_HOSTS: str = 'localhost'\n    ACCESS_TOKEN_EXPIRE_MINUTES: int = 60 * 24 * 8\n    DEBUG: bool = False\n",
        )]));
        let env = crate::detect::envfile::parse(
            b"ALLOWED_HOSTS=https://app.example.com\nAPP_DEBUG=true\n",
        );
        let (eff, res) = resolve(
            &env,
            &s,
            &[],
            &[
                "ALLOWED_HOSTS",
                "ACCESS_TOKEN_EXPIRE_MINUTES",
                "DEBUG",
                "SECRET_KEY",
            ],
            ".env",
        );
        // The unprefixed key is not what the app reads: its default is.
        assert_eq!(eff.value("ALLOWED_HOSTS"), Some("localhost"));
        assert_eq!(eff.value("ACCESS_TOKEN_EXPIRE_MINUTES"), Some("11520"));
        assert_eq!(eff.value("DEBUG"), Some("true"));
        assert_eq!(eff.value("SECRET_KEY"), None);
        let hosts = res.iter().find(|r| r.key == "ALLOWED_HOSTS").unwrap();
        assert_eq!(hosts.unread_line, Some(1));
        let note = hosts.note(".env");
        assert!(
            note.contains("APP_ALLOWED_HOSTS is not set in .env: the code default \"localhost\" applies (app/config.py:3)")
                && note.contains("ALLOWED_HOSTS at .env:1 is not read (the application reads APP_ALLOWED_HOSTS)"),
            "{note}"
        );
        let debug = res.iter().find(|r| r.key == "DEBUG").unwrap();
        assert_eq!(debug.name(), "APP_DEBUG");
    }
}
