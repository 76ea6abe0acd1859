//! The judges of signing secrets: set, not a placeholder, and strong
//! enough for HS256.

use super::Judge;
use super::rules::Rule;
use crate::detect::secrets::{describe, placeholder_reason, strength};
use crate::detect::{Finding, Outcome};

/// SECRET_KEY: set, not a known placeholder, and strong (its three items).
pub fn secret_key(j: &Judge, r: &Rule) -> Vec<Finding> {
    let k = r.key();
    let mut out = Vec::new();
    let fix_gen = "Generate one with `openssl rand -hex 32` and set SECRET_KEY to it.";
    match j.file.value(k) {
        None => {
            for id in [r.items[0], r.items[1], r.items[2]] {
                let f = j.missing(k, id, Outcome::Fail, fix_gen);
                out.push(f);
            }
        }
        Some(v) => {
            let d = describe(v);
            let set = if v.is_empty() {
                j.at(k, r.items[0], Outcome::Fail, "SECRET_KEY is empty")
                    .fix(fix_gen)
            } else {
                j.at(k, r.items[0], Outcome::Pass, format!("SECRET_KEY {d}"))
            };
            out.push(set);
            let nd = match placeholder_reason(v) {
                Some(why) => j
                    .at(
                        k,
                        r.items[1],
                        Outcome::Fail,
                        format!("SECRET_KEY is {why} ({d})"),
                    )
                    .fix(fix_gen),
                None => j.at(
                    k,
                    r.items[1],
                    Outcome::Pass,
                    format!("SECRET_KEY is not a known placeholder ({d})"),
                ),
            };
            out.push(nd);
            let f = strength_finding(j, k, r.items[2], v, fix_gen);
            out.push(f);
        }
    }
    out
}

/// The JWT signing key: its own value, strong, not a leftover placeholder.
pub fn jwt_secret(j: &Judge, r: &Rule) -> Vec<Finding> {
    let k = r.key();
    let fix = "Set JWT_SECRET_KEY explicitly to its own `openssl rand -hex 32` value.";
    let secret = j.file.value("SECRET_KEY");
    let secret_changed = secret.is_some_and(|s| placeholder_reason(s).is_none());
    let f = match j.file.value(k) {
        None => Finding::new(
            r.items[0],
            Outcome::Fail,
            format!(
                "JWT_SECRET_KEY is not set in {}. Settings that default it to SECRET_KEY evaluate that default in the code, so tokens are signed with the code's default key, not the SECRET_KEY of this file",
                j.shown
            ),
        )
        .fix(fix),
        Some(v) => {
            let d = describe(v);
            match placeholder_reason(v) {
                Some(why) if secret_changed => j
                    .at(
                        k,
                        r.items[0],
                        Outcome::Fail,
                        format!("JWT_SECRET_KEY is still {why} ({d}) while SECRET_KEY was changed"),
                    )
                    .fix(fix),
                Some(why) => j
                    .at(k, r.items[0], Outcome::Fail, format!("JWT_SECRET_KEY is {why} ({d})"))
                    .fix(fix),
                None if Some(v) == secret => j
                    .at(
                        k,
                        r.items[0],
                        Outcome::Warn,
                        format!("JWT_SECRET_KEY {d} is the same value as SECRET_KEY"),
                    )
                    .fix("Give JWT signing its own key, so rotating one does not break the other."),
                None => {
                    let mut f = strength_finding(j, k, r.items[0], v, fix);
                    if f.outcome == Outcome::Pass {
                        f.evidence = format!("JWT_SECRET_KEY is set on its own: {}", f.evidence);
                    }
                    f
                }
            }
        }
    };
    vec![f]
}

/// Pass from 256 bits, warn from 128, fail below; placeholders and
/// readable phrases fail whatever their length.
pub fn strength_finding(j: &Judge, key: &str, item: &str, v: &str, fix: &str) -> Finding {
    let d = describe(v);
    if let Some(why) = placeholder_reason(v) {
        return j
            .at(key, item, Outcome::Fail, format!("{key} is {why} ({d})"))
            .fix(fix);
    }
    let s = strength(v);
    let outcome = if s.structured() || s.bits < 128.0 {
        Outcome::Fail
    } else if s.bits < 256.0 {
        Outcome::Warn
    } else {
        Outcome::Pass
    };
    let mut f = j.at(key, item, outcome, format!("{key} {d}; {}", s.summary()));
    if outcome != Outcome::Pass {
        f = f.fix(format!("HS256 needs at least 256 random bits: {fix}"));
    }
    f
}
