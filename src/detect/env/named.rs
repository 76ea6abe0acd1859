//! The team's corrections (`[settings]` of `.harden/config.toml`) applied
//! to what the code showed: a concept named to a setting is judged on that
//! setting whatever the code's uses suggested; a concept named `"none"` is
//! absent from the project.

use std::path::PathBuf;

use super::rules::RULES;
use super::{Finding, Outcome};
use crate::detect::config::{FILE, SettingsMap};
use crate::detect::python::concepts::Use;
use crate::detect::python::settings::{Origin, Setting, Settings};

/// A concept the config says the project does not have, and its line.
pub struct NamedNone {
    pub key: &'static str,
    pub line: usize,
}

/// The checklist key as the rules spell it (a `'static` name).
fn rule_key(key: &str) -> Option<&'static str> {
    RULES.iter().filter_map(|r| r.setting).find(|k| *k == key)
}

/// Puts the config's mapping before the code's: each named concept gets
/// one use, of the setting named (found by field or env name; a name the
/// code does not show is read from the env file as it is). Returns the
/// concepts named `"none"`.
pub fn apply(map: &SettingsMap, settings: &mut Settings, uses: &mut Vec<Use>) -> Vec<NamedNone> {
    let mut none = Vec::new();
    for (key, named) in map {
        let Some(key) = rule_key(key) else { continue };
        let at = format!("{FILE}:{}", named.line);
        let Some(name) = &named.setting else {
            none.push(NamedNone {
                key,
                line: named.line,
            });
            uses.retain(|u| u.key != key);
            continue;
        };
        let found = settings
            .settings
            .iter()
            .find(|s| s.name == *name)
            .or_else(|| settings.settings.iter().find(|s| s.reads(name)))
            .map(|s| s.name.clone());
        let field = match found {
            Some(f) => f,
            None => {
                settings.settings.push(Setting {
                    name: name.clone(),
                    env: vec![name.clone()],
                    case_sensitive: false,
                    ty: None,
                    default: None,
                    origin: Origin::Config,
                    file: PathBuf::from(FILE),
                    line: named.line,
                    // The team says the application uses it.
                    used: vec![(PathBuf::from(FILE), named.line)],
                });
                name.clone()
            }
        };
        uses.retain(|u| u.key != key);
        uses.insert(
            0,
            Use {
                key,
                field,
                at,
                how: "is named for this part by the project's config",
                parts: Vec::new(),
                scheme: None,
            },
        );
    }
    none
}

/// Items of concepts the config says the project lacks become absent,
/// whatever was found: the team's word, with its line in the evidence.
pub fn mark_none(findings: &mut [Finding], none: &[NamedNone]) {
    for n in none {
        for rule in RULES.iter().filter(|r| r.setting == Some(n.key)) {
            for f in findings
                .iter_mut()
                .filter(|f| rule.items.contains(&f.item.as_str()))
            {
                f.outcome = Outcome::Absent;
                f.evidence = format!(
                    "{FILE}:{} says this project has no {} setting: mark the item n/a if the platform has none",
                    n.line, n.key
                );
                f.remediation = String::new();
                f.location = None;
            }
        }
    }
}
