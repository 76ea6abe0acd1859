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
        let private = j.file.keys().into_iter().find(|key| {
            // The signing key, not a payment provider's (STRIPE_PRIVATE_KEY).
            let k = key.to_ascii_uppercase();
            k.contains("PRIVATE_KEY")
                && ["JWT", "SIGN", "TOKEN", "AUTH"]
                    .iter()
                    .any(|w| k.contains(w))
        });
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
                    let mut f = strength_finding_for(j, k, r.items[0], v, fix, hmac_bytes(alg));
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
/// The smallest HMAC key for an algorithm, in bytes: the size of its
/// hash output (RFC 7518 section 3.2).
fn hmac_bytes(alg: &str) -> usize {
    match alg.to_ascii_uppercase().as_str() {
        "HS384" => 48,
        "HS512" => 64,
        _ => 32,
    }
}

/// Pass from 256 bits, warn from 128, fail below; placeholders and
/// readable phrases fail whatever their length.
pub fn strength_finding(j: &Judge, key: &str, item: &str, v: &str, fix: &str) -> Finding {
    strength_finding_for(j, key, item, v, fix, 32)
}

/// As [`strength_finding`], for an HMAC key that must also be at least
/// `min_bytes` long (48 for HS384, 64 for HS512).
fn strength_finding_for(
    j: &Judge,
    key: &str,
    item: &str,
    v: &str,
    fix: &str,
    min_bytes: usize,
) -> Finding {
    let d = describe(v);
    if let Some(why) = placeholder_reason(v) {
        return j
            .at(key, item, Outcome::Fail, format!("{key} is {why} ({d})"))
            .fix(fix);
    }
    let s = strength(v);
    let short = v.len() < min_bytes;
    let outcome = if s.structured() || s.bits < 128.0 {
        Outcome::Fail
    } else if s.bits < 256.0 || short {
        Outcome::Warn
    } else {
        Outcome::Pass
    };
    let mut evidence = format!("{key} {d}; {}", s.summary());
    if short && min_bytes > 32 {
        let alg = if min_bytes == 48 { "HS384" } else { "HS512" };
        evidence.push_str(&format!(
            "; {alg} needs a key of at least {min_bytes} bytes (RFC 7518 3.2), this one has {}",
            v.len()
        ));
        return j.at(key, item, outcome, evidence).fix(format!(
            "Set {key} to its own `openssl rand -hex {min_bytes}` value ({} characters).",
            2 * min_bytes
        ));
    }
    let mut f = j.at(key, item, outcome, evidence);
    if outcome != Outcome::Pass {
        f = f.fix(format!(
            "A signing key needs at least 256 random bits: {fix}"
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
        let r = run("SECRET_KEY=x\nJWT_ALGORITHM=RS256\nSTRIPE_PRIVATE_KEY=/etc/app/stripe.pem\n");
        assert_eq!(
            r["env.jwt_secret_set"].outcome, Warn,
            "a payment provider's key does not sign tokens"
        );
        let r = run("SECRET_KEY=x\nJWT_ALGORITHM=EdDSA\n");
        assert_eq!(r["env.jwt_secret_set"].outcome, Warn);
        // HS256 still needs its secret.
        let r = run("SECRET_KEY=x\nJWT_ALGORITHM=HS256\n");
        assert_eq!(r["env.jwt_secret_set"].outcome, Fail);
    }

    #[test]
    fn longer_hmacs_need_longer_keys() {
        // RFC 7518 3.2 counts the key's bytes: 48 for HS384, 64 for HS512.
        let with = |alg: &str, key: &str| {
            run(&format!(
                "SECRET_KEY=x\nJWT_ALGORITHM={alg}\nJWT_SECRET_KEY={key}\n"
            ))["env.jwt_secret_set"]
                .clone()
        };
        // 43 characters of token_urlsafe(32): 256 random bits, 43 bytes.
        let urlsafe = "pQ7vK2mXr9sT4wYz1bN6cD8fG3hJ5kL0aE2iO7uR9tW";
        assert_eq!(with("HS256", urlsafe).outcome, Pass);
        let f = with("HS384", urlsafe);
        assert_eq!(f.outcome, Warn, "{}", f.evidence);
        assert!(
            f.evidence
                .contains("HS384 needs a key of at least 48 bytes (RFC 7518 3.2), this one has 43"),
            "{}",
            f.evidence
        );
        assert!(
            f.remediation.contains("openssl rand -hex 48"),
            "{}",
            f.remediation
        );
        // 64 hex characters are 64 bytes with 256 random bits: enough.
        assert_eq!(with("HS512", KEY_256).outcome, Pass);
        assert_eq!(with("HS512", urlsafe).outcome, Warn);
    }
}
