//! Marks and styles shared by every screen: status glyphs, severity marks, detection badges.

use ratatui::style::Style;
use ratatui::text::Span;

use crate::app::Model;
use crate::checklist::Severity;
use crate::detect::Outcome;
use crate::state::OperatorStatus;

use super::{SPINNER, Theme};

/// The glyph that shows an operator status, in every theme.
pub fn glyph(status: OperatorStatus) -> &'static str {
    match status {
        OperatorStatus::Open => "[ ]",
        OperatorStatus::Done => "[✓]",
        OperatorStatus::NotDone => "[✗]",
        OperatorStatus::NotApplicable => "[-]",
        OperatorStatus::Waived => "[w]",
    }
}

pub(super) fn status_style(theme: &Theme, status: OperatorStatus) -> Style {
    match status {
        OperatorStatus::Open => theme.base,
        OperatorStatus::Done => theme.done,
        OperatorStatus::NotDone => theme.not_done,
        OperatorStatus::NotApplicable => theme.na,
        OperatorStatus::Waived => theme.waived,
    }
}

/// Two-cell mark of a severity: `!!` critical, `! ` important.
pub fn severity_mark(sev: Severity) -> &'static str {
    match sev {
        Severity::Critical => "!!",
        Severity::Important => "! ",
        Severity::Normal => "  ",
    }
}

pub(super) fn severity_style(theme: &Theme, sev: Severity) -> Style {
    match sev {
        Severity::Critical => theme.critical,
        Severity::Important => theme.important,
        Severity::Normal => theme.base,
    }
}

/// The 4-cell detection badge of an item: PASS, FAIL, WARN, ????, skip, a
/// spinner while detecting, or blank for items nothing detects.
pub fn badge(model: &Model, id: &str, theme: &Theme) -> Span<'static> {
    if model.detecting(id) {
        return Span::styled(
            format!("{}   ", SPINNER[model.spinner % SPINNER.len()]),
            theme.dim,
        );
    }
    match model.detection(id).map(|d| d.outcome) {
        Some(o) => Span::styled(outcome_word(o), outcome_style(theme, o)),
        None => Span::raw("    "),
    }
}

/// Four letters for an outcome.
pub fn outcome_word(o: Outcome) -> &'static str {
    match o {
        Outcome::Pass => "PASS",
        Outcome::Warn => "WARN",
        Outcome::Fail => "FAIL",
        Outcome::Unknown => "????",
        Outcome::Skipped => "skip",
        Outcome::Absent => "none",
    }
}

pub(super) fn outcome_style(theme: &Theme, o: Outcome) -> Style {
    match o {
        Outcome::Pass => theme.done,
        Outcome::Warn => theme.important,
        Outcome::Fail => theme.critical,
        Outcome::Unknown | Outcome::Skipped | Outcome::Absent => theme.dim,
    }
}
