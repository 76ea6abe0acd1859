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
    let alg = j.file.value("JWT_ALGORITHM").unwrap_or("HS256");
    if asymmetric(alg) && j.file.value(k).is_none() {
        // A key pair signs: the shared secret is not used.
        let private = j
            .file
            .keys()
            .into_iter()
            .find(|key| key.to_ascii_uppercase().contains("PRIVATE_KEY"));
        let f = match private {
            Some(p) => Finding::new(
                r.items[0],
                Outcome::Pass,
                format!("JWT_ALGORITHM={alg} signs with a key pair ({p} is set): JWT_SECRET_KEY is not used"),
            ),
            None => Finding::new(
                r.items[0],
                Outcome::Warn,
                format!(
                    "JWT_ALGORITHM={alg} signs with a key pair, and no *_PRIVATE_KEY setting in {} names it",
                    j.shown
                ),
            )
            .fix("Keep the private key out of the repository and point a setting (JWT_PRIVATE_KEY_PATH) at it."),
        };
        return vec![f];
    }
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
                    let mut f = strength_finding_for(j, k, r.items[0], v, fix, hmac_bits(alg));
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

/// JWT algorithms that sign with a key pair (RFC 7518 section 3.1, RFC 8037).
pub fn asymmetric(alg: &str) -> bool {
    matches!(
        alg.to_ascii_uppercase().as_str(),
        "RS256" | "RS384" | "RS512" | "ES256" | "ES384" | "ES512" | "PS256" | "PS384" | "PS512"
    ) || alg.eq_ignore_ascii_case("EdDSA")
}

/// The key an HMAC algorithm needs, in bits: at least its hash size
/// (RFC 7518 section 3.2): 256 for HS256, 384 for HS384, 512 for HS512.
fn hmac_bits(alg: &str) -> f64 {
    match alg.to_ascii_uppercase().as_str() {
        "HS384" => 384.0,
        "HS512" => 512.0,
        _ => 256.0,
    }
}

/// Pass from 256 bits, warn from 128, fail below; placeholders and
/// readable phrases fail whatever their length.
pub fn strength_finding(j: &Judge, key: &str, item: &str, v: &str, fix: &str) -> Finding {
    strength_finding_for(j, key, item, v, fix, 256.0)
}

/// As [`strength_finding`], passing from `needed` bits (a longer HMAC).
fn strength_finding_for(
    j: &Judge,
    key: &str,
    item: &str,
    v: &str,
    fix: &str,
    needed: f64,
) -> Finding {
    let d = describe(v);
    if let Some(why) = placeholder_reason(v) {
        return j
            .at(key, item, Outcome::Fail, format!("{key} is {why} ({d})"))
            .fix(fix);
    }
    let s = strength(v);
    let outcome = if s.structured() || s.bits < 128.0 {
        Outcome::Fail
    } else if s.bits < needed {
        Outcome::Warn
    } else {
        Outcome::Pass
    };
    let mut f = j.at(key, item, outcome, format!("{key} {d}; {}", s.summary()));
    if outcome != Outcome::Pass {
        let alg = match needed as u32 {
            384 => "HS384",
            512 => "HS512",
            _ => "HS256",
        };
        f = f.fix(format!(
            "{alg} needs at least {needed:.0} random bits: {fix}"
        ));
    }
    f
}

#[cfg(test)]
mod tests {
    use super::super::tests::run;
    use crate::detect::Outcome::{Fail, Pass, Warn};

    const KEY_256: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    #[test]
    fn asymmetric_algorithms_need_a_key_pair_not_a_secret() {
        let r = run("SECRET_KEY=x\nJWT_ALGORITHM=RS256\nJWT_PRIVATE_KEY_PATH=/etc/app/jwt.pem\n");
        assert_eq!(r["env.jwt_algorithm"].outcome, Pass);
        assert_eq!(
            r["env.jwt_secret_set"].outcome, Pass,
            "{}",
            r["env.jwt_secret_set"].evidence
        );
        let r = run("SECRET_KEY=x\nJWT_ALGORITHM=EdDSA\n");
        assert_eq!(r["env.jwt_secret_set"].outcome, Warn);
        // HS256 still needs its secret.
        let r = run("SECRET_KEY=x\nJWT_ALGORITHM=HS256\n");
        assert_eq!(r["env.jwt_secret_set"].outcome, Fail);
    }

    #[test]
    fn longer_hmacs_need_longer_keys() {
        let with = |alg: &str| {
            run(&format!(
                "SECRET_KEY=x\nJWT_ALGORITHM={alg}\nJWT_SECRET_KEY={KEY_256}\n"
            ))["env.jwt_secret_set"]
                .clone()
        };
        assert_eq!(with("HS256").outcome, Pass);
        let f = with("HS512");
        assert_eq!(f.outcome, Warn, "{}", f.evidence);
        assert!(
            f.remediation.contains("HS512 needs at least 512"),
            "{}",
            f.remediation
        );
        // 128 random hex digits: 512 bits.
        let long = format!(
            "{KEY_256}{}",
            "3b4f0a9c1d2e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a"
        );
        let f = run(&format!(
            "SECRET_KEY=x\nJWT_ALGORITHM=HS512\nJWT_SECRET_KEY={long}\n"
        ))["env.jwt_secret_set"]
            .clone();
        assert_eq!(f.outcome, Pass, "{}", f.evidence);
    }
}
