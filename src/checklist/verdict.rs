//! Verdicts: what a detector concluded ([`Outcome`]) and the final status
//! of an item once the operator's answer is counted ([`Verdict`]). Both
//! share one ordering, [`Verdict::concern`]: how much attention an item
//! needs. Regressions since a sign-off, the worst of several probe targets
//! and a parent of grouped settings are all judged by it.

use std::fmt;

use serde::{Deserialize, Serialize};

/// What a detector concluded about an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Pass,
    Warn,
    Fail,
    /// Could not tell; the evidence says why.
    Unknown,
    /// Deliberately not checked (offline, not applicable to this project).
    Skipped,
    /// The project has no such feature: no code reads any setting of the
    /// item's concept (no Redis client, no MFA code). Not a failure and
    /// never a reason for a non-zero exit; the operator marks it n/a.
    Absent,
}

impl Outcome {
    /// The word used in reports.
    pub fn as_str(self) -> &'static str {
        self.verdict().as_str()
    }

    /// The same conclusion as a final status.
    pub fn verdict(self) -> Verdict {
        match self {
            Outcome::Pass => Verdict::Pass,
            Outcome::Warn => Verdict::Warn,
            Outcome::Fail => Verdict::Fail,
            Outcome::Unknown => Verdict::Unknown,
            Outcome::Skipped => Verdict::Skipped,
            Outcome::Absent => Verdict::Absent,
        }
    }

    /// The one that needs more attention. A skipped check says nothing,
    /// so any decided outcome (even unknown) is worse than it.
    #[must_use]
    pub fn worst(self, other: Outcome) -> Outcome {
        match (self, other) {
            (Outcome::Skipped | Outcome::Absent, o) | (o, Outcome::Skipped | Outcome::Absent) => o,
            (a, b) if b.verdict().concern() > a.verdict().concern() => b,
            (a, _) => a,
        }
    }

    /// The worst of several outcomes ([`Outcome::worst`]), if any.
    pub fn worst_of(outcomes: impl IntoIterator<Item = Outcome>) -> Option<Outcome> {
        outcomes.into_iter().reduce(Outcome::worst)
    }
}

/// The final status of an item: a detection, or the operator's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Pass,
    Warn,
    Fail,
    Unknown,
    Skipped,
    /// The project has no such feature (see [`Outcome::Absent`]).
    Absent,
    Open,
    Na,
    Waived,
}

impl Verdict {
    /// The word used in reports and stored in sign-off snapshots.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Warn => "warn",
            Verdict::Fail => "fail",
            Verdict::Unknown => "unknown",
            Verdict::Skipped => "skipped",
            Verdict::Absent => "absent",
            Verdict::Open => "open",
            Verdict::Na => "na",
            Verdict::Waived => "waived",
        }
    }

    /// How much attention the item needs: 0 settled (pass, n/a, waived),
    /// 1 a warning or a check not made, 2 undecided (open, unknown),
    /// 3 failing. The one ordering of verdicts.
    pub fn concern(self) -> u8 {
        match self {
            Verdict::Pass | Verdict::Na | Verdict::Waived => 0,
            Verdict::Warn | Verdict::Skipped | Verdict::Absent => 1,
            Verdict::Open | Verdict::Unknown => 2,
            Verdict::Fail => 3,
        }
    }

    /// True when `self` needs more attention than `before` did.
    pub fn regressed_from(self, before: Verdict) -> bool {
        self.concern() > before.concern()
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_ordering_for_regressions_and_worst_of() {
        use Outcome::*;
        assert_eq!(Outcome::worst_of([Pass, Skipped, Warn]), Some(Warn));
        assert_eq!(Outcome::worst_of([Skipped, Pass]), Some(Pass));
        assert_eq!(Outcome::worst_of([Unknown, Fail, Warn]), Some(Fail));
        assert_eq!(Outcome::worst_of([Pass, Unknown]), Some(Unknown));
        assert_eq!(Outcome::worst_of([Skipped]), Some(Skipped));
        assert_eq!(Outcome::worst_of([]), None);
        assert!(Verdict::Fail.regressed_from(Verdict::Pass));
        assert!(Verdict::Open.regressed_from(Verdict::Warn));
        assert!(!Verdict::Na.regressed_from(Verdict::Pass));
        assert!(!Verdict::Skipped.regressed_from(Verdict::Warn));
        assert!(!Verdict::Pass.regressed_from(Verdict::Fail));
    }

    #[test]
    fn words_are_the_serde_names() {
        for v in [
            Verdict::Pass,
            Verdict::Warn,
            Verdict::Fail,
            Verdict::Unknown,
            Verdict::Skipped,
            Verdict::Open,
            Verdict::Na,
            Verdict::Waived,
        ] {
            let json = serde_json::to_string(&v).unwrap();
            assert_eq!(json, format!("\"{}\"", v.as_str()));
        }
    }
}
