//! `--waivers FILE`: waivers kept beside the code (reason, owner, expiry)
//! for `check`, on top of the ones recorded in the wizard.
//!
//! ```toml
//! [[waiver]]
//! item = "tls.hsts_preload"
//! reason = "preload after the www migration"
//! owner = "ops@example.com"
//! expires = "2027-06-30"
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::checklist::Checklist;
use crate::state::{ItemRecord, OperatorStatus, Waiver};
use crate::util::text::line_col;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    waiver: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    item: toml::Spanned<String>,
    reason: String,
    owner: String,
    expires: toml::Spanned<toml::Value>,
}

/// Why a waivers file is refused: `file:line:column: what`, or why it
/// could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WaiverError {
    #[error("cannot read the waivers file: {0}")]
    Unreadable(String),
    /// Malformed TOML, an unknown item, an empty reason or owner, a date
    /// that is not a day, a secret in the text.
    #[error("{file}:{line}:{column}: {message}")]
    Invalid {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },
}

impl From<WaiverError> for String {
    fn from(e: WaiverError) -> String {
        e.to_string()
    }
}

/// Reads a waivers file into records by item id.
///
/// # Errors
/// `file:line:column: what` for unreadable or malformed files, unknown
/// items, empty reasons or owners, and dates that are not YYYY-MM-DD.
pub fn load(
    path: &Path,
    checklist: &Checklist,
) -> Result<BTreeMap<String, ItemRecord>, WaiverError> {
    let name = path.display().to_string();
    let text = crate::util::fsio::read_input_text(path, crate::util::fsio::SMALL_CAP)
        .map_err(|e| WaiverError::Unreadable(e.to_string()))?;
    let at = |pos: usize, message: String| {
        let (line, column) = line_col(&text, pos);
        WaiverError::Invalid {
            file: name.clone(),
            line,
            column,
            message,
        }
    };
    let f: File = toml::from_str(&text).map_err(|e| {
        at(
            e.span().map_or(0, |s| s.start),
            e.message().trim().to_string(),
        )
    })?;
    let mut out = BTreeMap::new();
    for w in f.waiver {
        let id = w.item.get_ref();
        if checklist.item(id).is_none() {
            return Err(at(
                w.item.span().start,
                format!("no item {id} in the checklist"),
            ));
        }
        if w.reason.trim().is_empty() || w.owner.trim().is_empty() {
            return Err(at(
                w.item.span().start,
                format!("the waiver of {id} needs a reason and an owner"),
            ));
        }
        // A quoted "2027-01-31" or a bare TOML date 2027-01-31: both mean the day.
        let raw = match w.expires.get_ref() {
            toml::Value::String(s) => s.clone(),
            toml::Value::Datetime(d) if d.time.is_none() && d.offset.is_none() => d.to_string(),
            other => {
                return Err(at(
                    w.expires.span().start,
                    format!(
                        "expires of {id} is a {}; write a day, expires = \"YYYY-MM-DD\"",
                        other.type_str()
                    ),
                ));
            }
        };
        let expires = crate::util::dates::parse_date(&raw).ok_or_else(|| {
            at(
                w.expires.span().start,
                format!("{raw:?} is not a YYYY-MM-DD date"),
            )
        })?;
        for (what, text) in [("waiver reason", &w.reason), ("waiver owner", &w.owner)] {
            crate::util::redact::refuse_secret(what, text)
                .map_err(|why| at(w.item.span().start, format!("the waiver of {id}: {why}")))?;
        }
        out.insert(
            id.clone(),
            ItemRecord {
                status: OperatorStatus::Waived,
                waiver: Some(Waiver {
                    reason: crate::util::redact::escape_controls(&w.reason),
                    owner: crate::util::redact::escape_controls(&w.owner),
                    expires: Some(expires),
                }),
                ..ItemRecord::default()
            },
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_text(text: &str) -> Result<BTreeMap<String, ItemRecord>, String> {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("w.toml");
        std::fs::write(&p, text).unwrap();
        load(&p, &crate::checklist::load_embedded().unwrap()).map_err(String::from)
    }

    const HEAD: &str =
        "[[waiver]]\nitem = \"tls.hsts_preload\"\nreason = \"later\"\nowner = \"ops\"\n";

    #[test]
    fn a_bare_toml_date_is_a_day_and_a_datetime_is_named() {
        let w = load_text(&format!("{HEAD}expires = 2027-01-31\n")).unwrap();
        let exp = w["tls.hsts_preload"].waiver.as_ref().unwrap().expires;
        assert_eq!(
            exp.map(crate::util::dates::format_date).as_deref(),
            Some("2027-01-31")
        );
        let e = load_text(&format!("{HEAD}expires = 2027-01-31T10:00:00Z\n")).unwrap_err();
        assert!(
            e.contains("w.toml:5:11") && e.contains("is a datetime"),
            "{e}"
        );
        let e = load_text(&format!("{HEAD}expires = 20270131\n")).unwrap_err();
        assert!(
            e.contains("is a integer") || e.contains("is an integer"),
            "{e}"
        );
    }

    #[test]
    fn a_reason_holding_a_known_secret_is_refused_without_showing_it() {
        crate::util::redact::remember("W4iverS3cretValue99");
        let text = HEAD.replace("later", "the key W4iverS3cretValue99 leaked");
        let e = load_text(&format!("{text}expires = \"2099-01-01\"\n")).unwrap_err();
        assert!(e.contains("holds a secret of this review"), "{e}");
        assert!(!e.contains("W4iverS3cret"), "{e}");
    }
}
