//! The judges of the checklist's final verification over the whole env
//! file: no placeholder or default credential anywhere, DEBUG off, and a
//! file every loader reads the same way.

use url::Url;

use super::rules::Rule;
use super::{Judge, is_secret_key};
use crate::detect::secrets::placeholder_reason;
use crate::detect::values::boolean;
use crate::detect::{Finding, Outcome};

/// No key of the file holds a placeholder or a well-known default.
pub fn no_default_credentials(j: &Judge, r: &Rule) -> Vec<Finding> {
    let mut defaults = Vec::new();
    for key in j.file.keys() {
        let Some(e) = j.file.get(key) else {
            continue;
        };
        let v = e.value.trim();
        let secretish = is_secret_key(key);
        if let Some(why) = placeholder_reason(v)
            && (secretish || !v.is_empty())
            && (secretish || why != "a well-known default" || v.len() > 3)
        {
            if !secretish && (why == "a development value" || why == "a well-known default") {
                continue;
            }
            defaults.push(format!("{key} (line {}): {why}", e.line));
            continue;
        }
        if let Ok(u) = Url::parse(v)
            && let Some(p) = u.password().map(crate::util::redact::percent_decode)
            && (placeholder_reason(&p).is_some() || p == u.username())
        {
            defaults.push(format!(
                "{key} (line {}): the URL's password is a default",
                e.line
            ));
        }
    }
    let f = if defaults.is_empty() {
        Finding::new(
            r.items[0],
            Outcome::Pass,
            format!(
                "no placeholder or well-known default among {} keys of {}",
                j.file.keys().len(),
                j.shown
            ),
        )
    } else {
        Finding::new(
            r.items[0],
            Outcome::Fail,
            format!(
                "{} defaults in {}: {}",
                defaults.len(),
                j.shown,
                defaults.join("; ")
            ),
        )
        .fix("Replace every placeholder with a generated value before going live.")
    };
    vec![f]
}

/// DEBUG is explicitly false.
pub fn debug_off(j: &Judge, r: &Rule) -> Vec<Finding> {
    j.value_of(
        r,
        Outcome::Warn,
        "Set DEBUG=false explicitly.",
        |v| match boolean(v) {
            Some(false) => j.on(r, Outcome::Pass, format!("DEBUG={v}")),
            Some(true) => j
                .on(
                    r,
                    Outcome::Fail,
                    format!("DEBUG={v}: tracebacks and internals are shown to clients"),
                )
                .fix("Set DEBUG=false."),
            None => j
                .on(r, Outcome::Fail, format!("DEBUG={v:?} is not a boolean"))
                .fix("Set DEBUG=false."),
        },
    )
}

/// The file parses cleanly: no duplicates, no lines loaders disagree on.
pub fn env_reviewed(j: &Judge, r: &Rule) -> Vec<Finding> {
    let f = if j.file.issues.is_empty() {
        Finding::new(
            r.items[0],
            Outcome::Pass,
            format!(
                "{} parses cleanly: {} keys, no duplicates",
                j.shown,
                j.file.keys().len()
            ),
        )
    } else {
        let list: Vec<String> = j
            .file
            .issues
            .iter()
            .map(|i| match i.line {
                Some(l) => format!("line {l}: {}", i.message),
                None => i.message.clone(),
            })
            .collect();
        let mut f = Finding::new(
            r.items[0],
            Outcome::Warn,
            format!(
                "{} problems in {}: {}",
                list.len(),
                j.shown,
                list.join("; ")
            ),
        )
        .fix("Clean up the env file so every loader reads the same values.");
        if let Some(l) = j.file.issues.iter().find_map(|i| i.line) {
            f = f.at(j.shown, l);
        }
        f
    };
    vec![f]
}
