//! Guidance for every item: why it matters, how to check it by hand, how to
//! fix it. It lives in its own file (`assets/guidance.toml`), outside the
//! checklist and its sha256: the sha256 names the checklist a sign-off was
//! made against, and better wording must not look like a new checklist.
//! Items are matched by id, so a `--checklist FILE` that keeps the seed's
//! ids keeps its guidance, and items it adds have none.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;

const EMBEDDED: &str = include_str!("../../assets/guidance.toml");

/// What an operator needs to act on one item.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Guidance {
    pub id: String,
    /// What goes wrong in production without it.
    pub why: String,
    /// The command or look that checks it by hand.
    pub verify: String,
    /// The configuration line or command that fixes it.
    pub fix: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    item: Vec<Guidance>,
}

/// Parses guidance TOML; the error names the line and column.
///
/// # Errors
/// When the text is not guidance TOML, or an id comes twice.
pub fn parse(text: &str) -> Result<Vec<Guidance>, String> {
    let file: File = toml::from_str(text).map_err(|e| {
        let (line, col) = crate::util::text::line_col(text, e.span().map_or(0, |s| s.start));
        format!("{line}:{col}: {}", e.message().trim_end())
    })?;
    let mut seen = std::collections::HashSet::new();
    for g in &file.item {
        if !seen.insert(g.id.as_str()) {
            return Err(format!("{} has guidance twice", g.id));
        }
    }
    Ok(file.item)
}

fn table() -> &'static HashMap<String, Guidance> {
    static TABLE: OnceLock<HashMap<String, Guidance>> = OnceLock::new();
    TABLE.get_or_init(|| {
        // Checked by the tests; a broken embedded file would be a build bug.
        parse(EMBEDDED)
            .unwrap_or_default()
            .into_iter()
            .map(|g| (g.id.clone(), g))
            .collect()
    })
}

/// The guidance for an item id, if there is any.
pub fn for_item(id: &str) -> Option<&'static Guidance> {
    table().get(id)
}

/// Every id with guidance.
pub fn ids() -> impl Iterator<Item = &'static str> {
    table().keys().map(String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_item_of_the_embedded_checklist_has_why_verify_and_fix() {
        let c = crate::checklist::load_embedded().unwrap();
        parse(EMBEDDED).expect("the embedded guidance parses");
        let mut missing = Vec::new();
        for item in c.items() {
            match for_item(&item.id) {
                None => missing.push(format!("{}: no guidance", item.id)),
                Some(g) => {
                    for (field, text) in [("why", &g.why), ("verify", &g.verify), ("fix", &g.fix)] {
                        if text.trim().len() < 40 {
                            missing.push(format!("{}: {field} is empty or a stub", item.id));
                        }
                    }
                    // "How to verify by hand" gives the command to run.
                    if !g.verify.contains('`') {
                        missing.push(format!("{}: verify names no command", item.id));
                    }
                }
            }
        }
        assert!(missing.is_empty(), "{missing:#?}");
        // No stale ids: every entry is an item of the checklist.
        let stale: Vec<&str> = ids().filter(|id| c.item(id).is_none()).collect();
        assert!(stale.is_empty(), "guidance for unknown items: {stale:?}");
    }

    #[test]
    fn guidance_is_outside_the_checklist_s_sha256() {
        let c = crate::checklist::load_embedded().unwrap();
        let checklist = include_str!("../../assets/checklist.toml");
        assert_eq!(
            c.sha256,
            crate::checklist::load::sha256_hex(checklist.as_bytes())
        );
        assert!(
            !checklist.contains("verify ="),
            "guidance leaked into the checklist"
        );
    }

    #[test]
    fn broken_guidance_names_the_line_and_a_repeated_id() {
        let e = parse("[[item]]\nid = 'a.b'\nwhy = 'x'\nverify = 1\nfix = 'y'\n").unwrap_err();
        assert!(e.starts_with("4:"), "{e}");
        let twice = "[[item]]\nid = 'a.b'\nwhy = 'x'\nverify = 'v'\nfix = 'y'\n";
        let e = parse(&format!("{twice}{twice}")).unwrap_err();
        assert_eq!(e, "a.b has guidance twice");
    }
}
