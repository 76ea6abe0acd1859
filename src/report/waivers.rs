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

use crate::checklist::{Checklist, line_col};
use crate::state::{ItemRecord, OperatorStatus, Waiver};

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
    expires: toml::Spanned<String>,
}

/// Reads a waivers file into records by item id.
///
/// # Errors
/// `file:line:column: what` for unreadable or malformed files, unknown
/// items, empty reasons or owners, and dates that are not YYYY-MM-DD.
pub fn load(path: &Path, checklist: &Checklist) -> Result<BTreeMap<String, ItemRecord>, String> {
    let name = path.display().to_string();
    let text = crate::util::fsio::read_input_text(path, crate::util::fsio::SMALL_CAP)
        .map_err(|e| format!("cannot read the waivers file: {e}"))?;
    let at = |pos: usize, msg: String| {
        let (l, c) = line_col(&text, pos);
        format!("{name}:{l}:{c}: {msg}")
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
        let expires = crate::app::parse_date(w.expires.get_ref()).ok_or_else(|| {
            at(
                w.expires.span().start,
                format!("{:?} is not a YYYY-MM-DD date", w.expires.get_ref()),
            )
        })?;
        out.insert(
            id.clone(),
            ItemRecord {
                status: OperatorStatus::Waived,
                waiver: Some(Waiver {
                    reason: w.reason,
                    owner: w.owner,
                    expires: Some(expires),
                }),
                ..ItemRecord::default()
            },
        );
    }
    Ok(out)
}
