//! Sign-off: the blockers that refuse one, taking one (with a snapshot of
//! every item's verdict), and what changed since one, so a later review
//! starts from the changes. Earlier sign-offs stay in the state as history.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};
use time::{Date, OffsetDateTime};

use super::evaluate;
use crate::checklist::{Checklist, Severity, Verdict};
use crate::state::signoff::Signoff;
use crate::state::{OperatorStatus, State};

/// An item that blocks a sign-off, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blocker {
    pub id: String,
    /// "open", "not done", "fail", "unknown", or "important, unanswered".
    pub why: String,
}

impl std::fmt::Display for Blocker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.id, self.why)
    }
}

/// The items that block a sign-off, as the checklist's own sign-off lines
/// ask: a critical item not confirmed by the operator (open or not done),
/// or failing or unknown by detection (waived and n/a critical items never
/// block unless detection fails them); an important item never answered.
/// The sign-off section's own boxes do not block: signing ticks them.
pub fn blockers(c: &Checklist, s: &State, today: Date) -> Vec<Blocker> {
    evaluate(c, &s.items, &s.detections, today)
        .iter()
        .filter(|r| !r.item.id.starts_with("signoff."))
        .filter_map(|r| {
            let op = s
                .items
                .get(&r.item.id)
                .map(|x| x.status)
                .unwrap_or_default();
            let why = match r.severity() {
                Severity::Critical => {
                    if matches!(op, OperatorStatus::Waived | OperatorStatus::NotApplicable)
                        && r.status != Verdict::Fail
                    {
                        return None;
                    }
                    if matches!(r.status, Verdict::Fail | Verdict::Unknown) {
                        r.status.as_str().to_string()
                    } else {
                        match op {
                            OperatorStatus::Done => return None,
                            OperatorStatus::NotDone => "not done".into(),
                            _ => "open".into(),
                        }
                    }
                }
                Severity::Important if op == OperatorStatus::Open => "important, unanswered".into(),
                _ => return None,
            };
            Some(Blocker {
                id: r.item.id.clone(),
                why,
            })
        })
        .collect()
}

/// Why a sign-off is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignoffError {
    /// Items that block it, each with why.
    #[error(
        "{} items block the sign-off (critical items open or failing, important items unanswered): {}",
        .0.len(),
        .0.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
    )]
    Blocked(Vec<Blocker>),
    #[error("a sign-off needs a reviewer and an approver")]
    Unnamed,
}

/// The sign-off section's boxes that facts decide, ticked when a sign-off
/// is taken: the review is complete, and (the sign-off requires both)
/// every critical item is addressed and every important item answered.
/// "Security documentation complete" is ticked when every documentation
/// item is settled; "team trained" stays the operator's word.
fn tick_signoff_boxes(c: &Checklist, s: &mut State, by: &str, now: OffsetDateTime) {
    let docs_settled = c
        .sections
        .iter()
        .filter(|sec| sec.slug == "docs")
        .flat_map(|sec| &sec.items)
        .all(|i| s.status(&i.id).is_settled());
    let mut ids = vec![
        "signoff.review_completed",
        "signoff.critical_addressed",
        "signoff.important_addressed",
    ];
    if docs_settled {
        ids.push("signoff.documentation_complete");
    }
    for id in ids {
        if c.item(id).is_none() || s.status(id) == OperatorStatus::Done {
            continue;
        }
        let rec = s.items.entry(id.to_string()).or_default();
        rec.status = OperatorStatus::Done;
        rec.by = Some(by.to_string());
        rec.at = Some(now);
    }
}

/// Records a sign-off on the state: refuses with the blockers named.
///
/// # Errors
/// The blocking critical items, or empty names.
pub fn sign(
    c: &Checklist,
    s: &mut State,
    reviewed_by: &str,
    reviewed_date: Date,
    approved_by: &str,
    approved_date: Date,
    now: OffsetDateTime,
) -> Result<(), SignoffError> {
    let b = blockers(c, s, now.date());
    if !b.is_empty() {
        return Err(SignoffError::Blocked(b));
    }
    if reviewed_by.trim().is_empty() || approved_by.trim().is_empty() {
        return Err(SignoffError::Unnamed);
    }
    tick_signoff_boxes(c, s, reviewed_by.trim(), now);
    let statuses: BTreeMap<String, Verdict> = evaluate(c, &s.items, &s.detections, now.date())
        .iter()
        .map(|r| (r.item.id.clone(), r.status))
        .collect();
    let mut h = Sha256::new();
    for (k, v) in &statuses {
        h.update(format!("{k}={v}\n"));
    }
    let digest = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
    s.signoffs.push(Signoff {
        reviewed_by: reviewed_by.trim().to_string(),
        reviewed_date,
        approved_by: approved_by.trim().to_string(),
        approved_date,
        at: now,
        checklist_sha256: c.sha256.clone(),
        digest,
        statuses,
        detected: s
            .detections
            .iter()
            .map(|(k, d)| (k.clone(), d.outcome))
            .collect(),
        fingerprints: s.fingerprints.clone(),
    });
    Ok(())
}

/// The snapshot a sign-off would take of `s`, without the names.
pub fn snapshot(c: &Checklist, s: &State, today: Date) -> Signoff {
    Signoff {
        reviewed_by: String::new(),
        reviewed_date: today,
        approved_by: String::new(),
        approved_date: today,
        at: s.updated,
        checklist_sha256: s.checklist.sha256.clone(),
        digest: String::new(),
        statuses: evaluate(c, &s.items, &s.detections, today)
            .iter()
            .map(|r| (r.item.id.clone(), r.status))
            .collect(),
        detected: s
            .detections
            .iter()
            .map(|(k, d)| (k.clone(), d.outcome))
            .collect(),
        fingerprints: s.fingerprints.clone(),
    }
}

/// One line of the changes: its kind, the item it is about (if any) and
/// the sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeLine {
    pub kind: &'static str,
    pub id: Option<String>,
    pub text: String,
}

/// The changes as lines, regressions first.
pub fn describe_rows(ch: &Changes) -> Vec<ChangeLine> {
    let mut out = Vec::new();
    let mut push = |kind: &'static str, id: Option<&str>, what: String| {
        out.push(ChangeLine {
            kind,
            id: id.map(str::to_string),
            text: format!("{kind:<10} {what}"),
        });
    };
    let date = crate::util::dates::format_date;
    for (id, a, b) in &ch.regressed {
        push("REGRESSED", Some(id), format!("{id}: {a} → {b}"));
    }
    for (id, d) in &ch.waivers_expired {
        push(
            "EXPIRED",
            Some(id),
            format!("{id}: the waiver ran out on {}", date(*d)),
        );
    }
    for k in &ch.rotated {
        push(
            "ROTATED",
            None,
            format!("{k}: its value changed since the sign-off (a new fingerprint)"),
        );
    }
    for (id, a, b) in &ch.detection {
        push("DETECTED", Some(id), format!("{id}: {a} → {b}"));
    }
    for (id, d) in &ch.waivers_expiring {
        push(
            "EXPIRING",
            Some(id),
            format!("{id}: the waiver runs out on {}", date(*d)),
        );
    }
    for (id, a, b) in &ch.improved {
        push("IMPROVED", Some(id), format!("{id}: {a} → {b}"));
    }
    for id in &ch.added {
        push("ADDED", Some(id), format!("{id} is new in the checklist"));
    }
    for id in &ch.removed {
        push(
            "REMOVED",
            None,
            format!("{id} is no longer in the checklist"),
        );
    }
    if ch.unconfirmed > 0 {
        push(
            "OPEN",
            None,
            format!("{} items were never answered", ch.unconfirmed),
        );
    }
    out
}

/// The changes as text lines, regressions first.
pub fn describe(ch: &Changes) -> Vec<String> {
    describe_rows(ch).into_iter().map(|l| l.text).collect()
}

/// What changed since a sign-off, regressions first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    /// Items whose verdict got worse (id, before, now).
    pub regressed: Vec<(String, Verdict, Verdict)>,
    /// Items whose verdict changed otherwise.
    pub improved: Vec<(String, Verdict, Verdict)>,
    /// Items whose detection changed (id, before, now).
    pub detection: Vec<(String, String, String)>,
    /// Secrets whose fingerprint changed (rotated).
    pub rotated: Vec<String>,
    /// Waivers expired (id, date) or expiring within 30 days.
    pub waivers_expired: Vec<(String, Date)>,
    pub waivers_expiring: Vec<(String, Date)>,
    /// Items never answered by the operator.
    pub unconfirmed: usize,
    /// Checklist items added and removed since.
    pub added: Vec<String>,
    pub removed: Vec<String>,
}

impl Changes {
    /// True when something got worse.
    pub fn regression(&self) -> bool {
        !self.regressed.is_empty() || !self.waivers_expired.is_empty()
    }
}

/// Compares the state now with its last sign-off (or with `base`).
pub fn changes(c: &Checklist, base: &Signoff, s: &State, today: Date) -> Changes {
    let mut ch = Changes::default();
    // A probe that did not run (an offline run) changes nothing.
    let not_run = |id: &str| s.detections.get(id).is_some_and(|d| d.not_run());
    let now: BTreeMap<String, Verdict> = evaluate(c, &s.items, &s.detections, today)
        .iter()
        .map(|r| (r.item.id.clone(), r.status))
        .collect();
    for (id, was) in &base.statuses {
        if not_run(id) {
            continue;
        }
        match now.get(id) {
            None => ch.removed.push(id.clone()),
            Some(is) if is != was => {
                let t = (id.clone(), *was, *is);
                if is.regressed_from(*was) {
                    ch.regressed.push(t);
                } else {
                    ch.improved.push(t);
                }
            }
            _ => {}
        }
    }
    for id in now.keys() {
        if !base.statuses.contains_key(id) {
            ch.added.push(id.clone());
        }
    }
    for (id, d) in &s.detections {
        if d.not_run() {
            continue;
        }
        let before = base.detected.get(id).copied();
        if before != Some(d.outcome) {
            ch.detection.push((
                id.clone(),
                before.map_or("none", |o| o.as_str()).to_string(),
                d.outcome.as_str().to_string(),
            ));
        }
    }
    for (k, fp) in &s.fingerprints {
        if base.fingerprints.get(k).is_some_and(|old| old != fp) {
            ch.rotated.push(k.clone());
        }
    }
    for (id, r) in &s.items {
        if let Some(d) = r.waiver.as_ref().and_then(|w| w.expires) {
            if d < today {
                ch.waivers_expired.push((id.clone(), d));
            } else if d <= today + time::Duration::days(30) {
                ch.waivers_expiring.push((id.clone(), d));
            }
        }
    }
    ch.unconfirmed = c
        .items()
        .filter(|i| {
            s.items
                .get(&i.id)
                .is_none_or(|r| r.status == OperatorStatus::Open)
        })
        .count();
    ch
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checklist::load_embedded;
    use crate::detect::Outcome;
    use crate::state::{Detection, ItemRecord, OperatorStatus, Waiver};
    use time::macros::{date, datetime};

    const NOW: OffsetDateTime = datetime!(2026-11-27 12:00 UTC);

    fn all_critical_done(c: &Checklist) -> State {
        let mut s = State::new(c, NOW);
        for i in c.items().filter(|i| i.severity == Severity::Critical) {
            s.items.insert(
                i.id.clone(),
                ItemRecord {
                    status: OperatorStatus::Done,
                    ..ItemRecord::default()
                },
            );
        }
        // Important items need an answer, not a good one.
        for i in c.items().filter(|i| i.severity == Severity::Important) {
            s.items.insert(
                i.id.clone(),
                ItemRecord {
                    status: OperatorStatus::NotDone,
                    ..ItemRecord::default()
                },
            );
        }
        s
    }

    #[test]
    fn an_unanswered_important_item_blocks_and_signing_ticks_the_sign_off_boxes() {
        let c = load_embedded().unwrap();
        let d = date!(2026 - 11 - 27);
        let mut s = all_critical_done(&c);
        let important = c
            .items()
            .find(|i| i.severity == Severity::Important)
            .unwrap()
            .id
            .clone();
        s.items.remove(&important);
        let b = blockers(&c, &s, d);
        assert_eq!(
            b,
            vec![Blocker {
                id: important.clone(),
                why: "important, unanswered".into()
            }]
        );
        assert!(sign(&c, &mut s, "Ada", d, "Grace", d, NOW).is_err());
        s.items.insert(
            important,
            ItemRecord {
                status: OperatorStatus::NotApplicable,
                ..ItemRecord::default()
            },
        );
        sign(&c, &mut s, "Ada", d, "Grace", d, NOW).unwrap();
        for id in [
            "signoff.review_completed",
            "signoff.critical_addressed",
            "signoff.important_addressed",
        ] {
            assert_eq!(s.status(id), OperatorStatus::Done, "{id}");
            assert_eq!(s.items[id].by.as_deref(), Some("Ada"));
            assert_eq!(
                s.signoffs[0].statuses[id],
                Verdict::Pass,
                "{id} in the snapshot"
            );
        }
        // Facts decide: documentation is not all settled, training is the
        // operator's word.
        assert_eq!(
            s.status("signoff.documentation_complete"),
            OperatorStatus::Open
        );
        assert_eq!(s.status("signoff.team_trained"), OperatorStatus::Open);
    }

    #[test]
    fn sign_off_is_refused_while_critical_items_are_open() {
        let c = load_embedded().unwrap();
        let mut s = State::new(&c, NOW);
        let d = date!(2026 - 11 - 27);
        let e = sign(&c, &mut s, "Ada", d, "Grace", d, NOW).unwrap_err();
        assert!(matches!(&e, SignoffError::Blocked(b) if b.len() > 1));
        assert!(
            e.to_string()
                .contains("important items unanswered): env.secret_key_strong (open)"),
            "{e}"
        );
        assert!(s.signoffs.is_empty());
        let mut s = all_critical_done(&c);
        assert!(
            sign(&c, &mut s, " ", d, "Grace", d, NOW).is_err(),
            "names are required"
        );
        sign(&c, &mut s, "Ada", d, "Grace", d, NOW).unwrap();
        let so = &s.signoffs[0];
        assert_eq!(so.digest.len(), 64);
        assert_eq!(so.checklist_sha256, c.sha256);
        assert_eq!(so.statuses["env.secret_key_strong"], Verdict::Pass);
        // A second sign-off keeps the first as history.
        sign(&c, &mut s, "Ada", d, "Grace", d, NOW).unwrap();
        assert_eq!(s.signoffs.len(), 2);
    }

    #[test]
    fn changes_since_a_sign_off_put_regressions_first() {
        let c = load_embedded().unwrap();
        let d = date!(2026 - 11 - 27);
        let mut s = all_critical_done(&c);
        s.fingerprints.insert("SECRET_KEY".into(), "aaaa".into());
        sign(&c, &mut s, "Ada", d, "Grace", d, NOW).unwrap();
        let base = s.signoffs[0].clone();
        assert!(!changes(&c, &base, &s, d).regression());
        s.items.get_mut("tls.cert_valid").unwrap().status = OperatorStatus::NotDone;
        s.items.insert(
            "docs.rollback".into(),
            ItemRecord {
                status: OperatorStatus::Done,
                ..ItemRecord::default()
            },
        );
        s.fingerprints.insert("SECRET_KEY".into(), "bbbb".into());
        s.items.insert(
            "tls.hsts_preload".into(),
            ItemRecord {
                status: OperatorStatus::Waived,
                waiver: Some(Waiver {
                    reason: "r".into(),
                    owner: "o".into(),
                    expires: Some(d + time::Duration::days(10)),
                }),
                ..ItemRecord::default()
            },
        );
        let ch = changes(&c, &base, &s, d);
        assert!(ch.regression());
        assert_eq!(
            ch.regressed,
            vec![("tls.cert_valid".into(), Verdict::Pass, Verdict::Fail)]
        );
        assert!(ch.improved.iter().any(|(id, _, _)| id == "docs.rollback"));
        assert_eq!(ch.rotated, vec!["SECRET_KEY".to_string()]);
        assert_eq!(ch.waivers_expiring.len(), 1);
        let later = changes(&c, &base, &s, d + time::Duration::days(20));
        assert_eq!(later.waivers_expired.len(), 1);
    }

    #[test]
    fn a_probe_that_did_not_run_is_no_change() {
        let c = load_embedded().unwrap();
        let mut a = State::new(&c, NOW);
        let live =
            crate::detect::Finding::new("rate_limit.redis_auth", Outcome::Pass, "refuses PING");
        a.detections
            .insert(live.item.clone(), Detection::of(&live, NOW));
        let base = snapshot(&c, &a, NOW.date());
        let mut b = a.clone();
        let skipped = crate::detect::Finding::new(
            "rate_limit.redis_auth",
            Outcome::Skipped,
            "offline: live probes were not run",
        );
        let old = b.detections["rate_limit.redis_auth"].clone();
        b.detections.insert(
            skipped.item.clone(),
            Detection::offline_over(&skipped, &old, NOW),
        );
        let ch = changes(&c, &base, &b, NOW.date());
        assert!(
            ch.regressed.is_empty() && ch.improved.is_empty(),
            "{:?}",
            ch.regressed
        );
        assert!(ch.detection.is_empty(), "{:?}", ch.detection);
        // A live run that changes the result is reported.
        let failed = crate::detect::Finding::new("rate_limit.redis_auth", Outcome::Fail, "PONG");
        b.detections
            .insert(failed.item.clone(), Detection::of(&failed, NOW));
        let ch = changes(&c, &base, &b, NOW.date());
        assert_eq!(ch.detection.len(), 1);
    }
}
