//! The formats a review is printed in: text, Markdown, JSON, SARIF,
//! JUnit, and the checklist document. Formatters only: every verdict,
//! score and exit code comes from [`crate::review`].

pub mod document;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod sarif;
pub mod text;

use crate::review::{SCORE_RULE, Summary};

/// `5 pass, 1 fail, …, 0 waived`.
pub fn counts_line(s: &Summary) -> String {
    format!(
        "{} pass, {} fail, {} warn, {} unknown, {} skipped, {} absent, {} open, {} n/a, {} waived",
        s.pass, s.fail, s.warn, s.unknown, s.skipped, s.absent, s.open, s.na, s.waived
    )
}

/// `Score 72/100, grade D (capped: 3 critical items fail), rule 1`.
pub fn score_line(s: &Summary) -> String {
    let cap = if s.critical_failures > 0 {
        format!(" (capped: {} critical items fail)", s.critical_failures)
    } else {
        String::new()
    };
    format!(
        "Score {}/100, grade {}{cap}, scoring rule {SCORE_RULE}; {} items excluded (n/a, waived, skipped, absent)",
        s.score,
        s.grade,
        s.excluded.len()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn score_line_names_the_cap_and_the_rule() {
        let s = Summary {
            score: 98,
            grade: 'D',
            critical_failures: 1,
            excluded: vec!["docs.rollback".into()],
            ..Summary::default()
        };
        assert_eq!(
            score_line(&s),
            "Score 98/100, grade D (capped: 1 critical items fail), scoring rule 1; 1 items excluded (n/a, waived, skipped, absent)"
        );
        assert!(counts_line(&s).starts_with("0 pass, 0 fail"));
    }
}
