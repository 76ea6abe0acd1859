//! The checklist as data: sections, sub-heading groups and items with stable
//! ids, loaded from TOML (the embedded seed checklist or `--checklist FILE`)
//! and validated so that every problem is reported with file, line and column.

pub mod guidance;
mod load;
pub mod verdict;

use std::fmt;

pub use load::{ChecklistError, EMBEDDED_SOURCE, embedded_sha256, load_embedded, load_file, parse};
pub use verdict::{Outcome, Verdict};

/// How much an item matters, from the checklist's `⚠ CRITICAL` / `⚠ IMPORTANT`
/// marks. Ordered so that `Critical` is the greatest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Normal,
    Important,
    Critical,
}

impl Severity {
    /// The word used in the checklist and in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::Important => "important",
            Severity::Normal => "normal",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Header facts of the checklist document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meta {
    pub id: String,
    pub title: String,
    pub subtitle: Option<String>,
    pub intro: Option<String>,
    pub version: Option<String>,
    pub last_updated: Option<String>,
    pub next_review: Option<String>,
}

/// A code or command example shown as help under an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Example {
    pub lang: String,
    pub code: String,
}

/// One checkbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// Stable id `section.item`; waivers, reports and CI scripts refer to it.
    pub id: String,
    /// The checkbox text exactly as the checklist writes it (Markdown code spans kept).
    pub text: String,
    /// Resolved severity: the item's own, else its group's, else its section's.
    pub severity: Severity,
    /// Index of the sub-heading group within the section.
    pub group: usize,
    /// Id of the item this one is nested under.
    pub parent: Option<String>,
    /// Nesting depth: 0 for top-level checkboxes.
    pub depth: usize,
    /// True for checks harden adds beyond the seed checklist.
    pub added: bool,
    pub help: Option<String>,
    pub example: Option<Example>,
}

/// A sub-heading (`### ...`) of a section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub title: String,
    pub severity: Option<Severity>,
}

/// A numbered section (`## 1. ...`) or the Sign-Off section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub slug: String,
    pub number: Option<u32>,
    pub title: String,
    pub severity: Option<Severity>,
    pub groups: Vec<Group>,
    /// Every item of the section in checklist order, groups flattened.
    pub items: Vec<Item>,
}

impl Section {
    /// The highest severity of any item, used for the section's mark.
    pub fn max_severity(&self) -> Severity {
        self.items
            .iter()
            .map(|i| i.severity)
            .max()
            .unwrap_or(Severity::Normal)
    }

    /// `"1. Environment Configuration"`, or the bare title when unnumbered.
    pub fn label(&self) -> String {
        match self.number {
            Some(n) => format!("{n}. {}", self.title),
            None => self.title.clone(),
        }
    }
}

/// A named field of the sign-off block (reviewer, approver, dates).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignoffField {
    pub key: String,
    pub label: String,
}

/// The Sign-Off block below the checkboxes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Signoff {
    pub title: String,
    pub fields: Vec<SignoffField>,
}

/// The free-form Notes section.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Notes {
    pub title: String,
    pub prompt: String,
    pub placeholder: String,
}

/// A validated checklist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checklist {
    pub meta: Meta,
    pub sections: Vec<Section>,
    pub signoff: Signoff,
    pub notes: Notes,
    /// Hex sha256 of the source bytes; the state file records it.
    pub sha256: String,
    /// Where it came from: a path, or [`EMBEDDED_SOURCE`].
    pub source: String,
}

impl Checklist {
    /// Every item, section by section.
    pub fn items(&self) -> impl Iterator<Item = &Item> {
        self.sections.iter().flat_map(|s| s.items.iter())
    }

    /// Looks an item up by id.
    pub fn item(&self, id: &str) -> Option<&Item> {
        self.items().find(|i| i.id == id)
    }

    /// Number of items, including those harden adds.
    pub fn len(&self) -> usize {
        self.sections.iter().map(|s| s.items.len()).sum()
    }

    /// True when the checklist has no items (never for a validated one).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
