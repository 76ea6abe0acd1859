//! Reading a checklist TOML file into a validated [`Checklist`].
//!
//! The raw serde shape mirrors the file (sections hold groups, groups hold
//! items); validation flattens it and checks what serde cannot: id syntax,
//! duplicate ids, ids outside their section, empty titles, dangling parents.
//! Every error carries the file, line and column of the offending value.

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;
use std::path::Path;

use serde::Deserialize;
use sha2::{Digest, Sha256};
use toml::Spanned;

use crate::util::text::line_col;

use super::{
    Checklist, Example, Group, Item, Meta, Notes, Section, Severity, Signoff, SignoffField,
};

/// The `source` of the checklist compiled into the binary.
pub const EMBEDDED_SOURCE: &str = "embedded";

const EMBEDDED: &str = include_str!("../../assets/checklist.toml");

/// A checklist that could not be read or does not validate.
#[derive(Debug, thiserror::Error)]
pub enum ChecklistError {
    /// The file could not be read at all.
    #[error("cannot read checklist {file}: {source}")]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },
    /// The file was read but is malformed or invalid at a known place.
    #[error("{file}:{line}:{column}: {message}")]
    Invalid {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    checklist: RawMeta,
    #[serde(default)]
    section: Vec<RawSection>,
    #[serde(default)]
    signoff: Option<RawSignoff>,
    #[serde(default)]
    notes: Option<RawNotes>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMeta {
    id: Spanned<String>,
    title: Spanned<String>,
    subtitle: Option<String>,
    intro: Option<String>,
    version: Option<String>,
    last_updated: Option<String>,
    next_review: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSection {
    slug: Spanned<String>,
    number: Option<u32>,
    title: Spanned<String>,
    severity: Option<Severity>,
    #[serde(default)]
    group: Vec<RawGroup>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGroup {
    title: Spanned<String>,
    severity: Option<Severity>,
    #[serde(default)]
    item: Vec<RawItem>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawItem {
    id: Spanned<String>,
    text: Spanned<String>,
    severity: Option<Severity>,
    parent: Option<Spanned<String>>,
    #[serde(default)]
    added: bool,
    help: Option<String>,
    example: Option<RawExample>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExample {
    #[serde(default)]
    lang: String,
    code: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSignoff {
    title: String,
    #[serde(default)]
    fields: Vec<RawSignoffField>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSignoffField {
    key: String,
    label: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNotes {
    title: String,
    #[serde(default)]
    prompt: String,
    #[serde(default)]
    placeholder: String,
}

/// Loads the checklist compiled into the binary.
///
/// # Errors
/// Only if the embedded file is invalid, which a test rules out.
/// The sha256 of the embedded checklist's text.
pub fn embedded_sha256() -> String {
    sha256_hex(EMBEDDED.as_bytes())
}

pub fn load_embedded() -> Result<Checklist, ChecklistError> {
    parse(EMBEDDED, EMBEDDED_SOURCE)
}

/// Loads and validates a checklist file.
///
/// # Errors
/// [`ChecklistError::Io`] when the file cannot be read (or is not UTF-8),
/// [`ChecklistError::Invalid`] with line and column for anything malformed.
pub fn load_file(path: &Path) -> Result<Checklist, ChecklistError> {
    let file = path.display().to_string();
    let bytes = crate::util::fsio::read_input(path, crate::util::fsio::SMALL_CAP, true).map_err(
        |source| ChecklistError::Io {
            file: file.clone(),
            source,
        },
    )?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let valid = String::from_utf8_lossy(&e.as_bytes()[..at]).into_owned();
        let (line, column) = line_col(&valid, at);
        ChecklistError::Invalid {
            file: file.clone(),
            line,
            column,
            message: "the file is not valid UTF-8".into(),
        }
    })?;
    parse(&text, &file)
}

/// Parses and validates checklist TOML; `file` names it in errors.
///
/// # Errors
/// [`ChecklistError::Invalid`] with line and column for anything malformed.
pub fn parse(text: &str, file: &str) -> Result<Checklist, ChecklistError> {
    let v = Validator { text, file };
    let raw: RawFile = toml::from_str(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        v.error(span, e.message().trim_end().to_string())
    })?;
    v.build(raw)
}

struct Validator<'a> {
    text: &'a str,
    file: &'a str,
}

impl Validator<'_> {
    fn error(&self, span: Range<usize>, message: impl fmt::Display) -> ChecklistError {
        let (line, column) = line_col(self.text, span.start);
        ChecklistError::Invalid {
            file: self.file.to_string(),
            line,
            column,
            message: message.to_string(),
        }
    }

    fn non_empty(&self, value: &Spanned<String>, what: &str) -> Result<String, ChecklistError> {
        let s = value.get_ref().trim();
        if s.is_empty() {
            return Err(self.error(value.span(), format!("{what} is empty")));
        }
        Ok(value.get_ref().clone())
    }

    fn build(&self, raw: RawFile) -> Result<Checklist, ChecklistError> {
        let meta = Meta {
            id: self.non_empty(&raw.checklist.id, "checklist id")?,
            title: self.non_empty(&raw.checklist.title, "checklist title")?,
            subtitle: raw.checklist.subtitle,
            intro: raw.checklist.intro,
            version: raw.checklist.version,
            last_updated: raw.checklist.last_updated,
            next_review: raw.checklist.next_review,
        };
        if raw.section.is_empty() {
            return Err(self.error(0..0, "the checklist has no [[section]]"));
        }
        let mut seen_ids: HashMap<String, Range<usize>> = HashMap::new();
        let mut seen_slugs: HashMap<String, Range<usize>> = HashMap::new();
        let mut sections = Vec::with_capacity(raw.section.len());
        for rs in raw.section {
            let slug = rs.slug.get_ref().clone();
            if !is_word(&slug) {
                return Err(self.error(
                    rs.slug.span(),
                    format!("section slug `{slug}` must be lowercase letters, digits and `_`"),
                ));
            }
            if let Some(first) = seen_slugs.get(&slug) {
                let (l, _) = line_col(self.text, first.start);
                return Err(self.error(
                    rs.slug.span(),
                    format!("duplicate section slug `{slug}` (first used on line {l})"),
                ));
            }
            seen_slugs.insert(slug.clone(), rs.slug.span());
            let title = self.non_empty(&rs.title, "section title")?;
            let mut groups = Vec::new();
            let mut items: Vec<Item> = Vec::new();
            for (gi, rg) in rs.group.into_iter().enumerate() {
                let gtitle = self.non_empty(&rg.title, "group title")?;
                let group_start = items.len();
                for ri in rg.item {
                    let id = ri.id.get_ref().clone();
                    let Some((prefix, rest)) = id.split_once('.') else {
                        return Err(self.error(
                            ri.id.span(),
                            format!("item id `{id}` must have the form `{slug}.name`"),
                        ));
                    };
                    if !is_word(prefix) || !is_word(rest) {
                        return Err(self.error(
                            ri.id.span(),
                            format!(
                                "item id `{id}` must be lowercase letters, digits and `_`, as `{slug}.name`"
                            ),
                        ));
                    }
                    if prefix != slug {
                        return Err(self.error(
                            ri.id.span(),
                            format!(
                                "item id `{id}` is in section `{slug}` but starts with `{prefix}.`"
                            ),
                        ));
                    }
                    if let Some(first) = seen_ids.get(&id) {
                        let (l, _) = line_col(self.text, first.start);
                        return Err(self.error(
                            ri.id.span(),
                            format!("duplicate item id `{id}` (first defined on line {l})"),
                        ));
                    }
                    seen_ids.insert(id.clone(), ri.id.span());
                    let text = self.non_empty(&ri.text, "item text")?;
                    let (parent, depth) = match &ri.parent {
                        None => (None, 0),
                        Some(p) => {
                            let pid = p.get_ref();
                            let Some(pitem) = items[group_start..].iter().find(|i| &i.id == pid)
                            else {
                                return Err(self.error(
                                    p.span(),
                                    format!(
                                        "parent `{pid}` of `{id}` is not an earlier item of the same group"
                                    ),
                                ));
                            };
                            (Some(pid.clone()), pitem.depth + 1)
                        }
                    };
                    let severity = ri
                        .severity
                        .or(rg.severity)
                        .or(rs.severity)
                        .unwrap_or(Severity::Normal);
                    items.push(Item {
                        id,
                        text,
                        severity,
                        group: gi,
                        parent,
                        depth,
                        added: ri.added,
                        help: ri.help,
                        example: ri.example.map(|e| Example {
                            lang: e.lang,
                            code: e.code,
                        }),
                    });
                }
                groups.push(Group {
                    title: gtitle,
                    severity: rg.severity,
                });
            }
            if items.is_empty() {
                return Err(self.error(rs.slug.span(), format!("section `{slug}` has no items")));
            }
            sections.push(Section {
                slug,
                number: rs.number,
                title,
                severity: rs.severity,
                groups,
                items,
            });
        }
        let signoff = raw
            .signoff
            .map(|s| Signoff {
                title: s.title,
                fields: s
                    .fields
                    .into_iter()
                    .map(|f| SignoffField {
                        key: f.key,
                        label: f.label,
                    })
                    .collect(),
            })
            .unwrap_or_default();
        let notes = raw
            .notes
            .map(|n| Notes {
                title: n.title,
                prompt: n.prompt,
                placeholder: n.placeholder,
            })
            .unwrap_or_default();
        Ok(Checklist {
            meta,
            sections,
            signoff,
            notes,
            sha256: sha256_hex(self.text.as_bytes()),
            source: self.file.to_string(),
        })
    }
}

fn is_word(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Hex sha256 of some bytes.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_is_inherited_from_group_then_section() {
        let c = load_embedded().unwrap();
        assert_eq!(
            c.item("env.secret_key_strong").unwrap().severity,
            Severity::Critical
        );
        assert_eq!(
            c.item("env.jwt_algorithm").unwrap().severity,
            Severity::Normal
        );
        assert_eq!(
            c.item("cors.documented").unwrap().severity,
            Severity::Critical
        );
        assert_eq!(
            c.item("rate_limit.admin_limit").unwrap().severity,
            Severity::Important
        );
    }

    #[test]
    fn nesting_is_resolved() {
        let c = load_embedded().unwrap();
        let child = c.item("rate_limit.auth_limit").unwrap();
        assert_eq!(child.parent.as_deref(), Some("rate_limit.per_endpoint"));
        assert_eq!(child.depth, 1);
        assert_eq!(c.item("rate_limit.per_endpoint").unwrap().depth, 0);
    }
}
