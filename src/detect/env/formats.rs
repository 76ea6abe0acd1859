//! The judges of settings with a fixed form: the JWT algorithm, the MFA
//! issuer, Twilio's account SID, auth token and phone number, the log
//! level.

use super::Judge;
use super::rules::Rule;
use crate::detect::Finding;
use crate::detect::Outcome::{Fail, Pass, Warn};
use crate::detect::secrets::{describe, placeholder_reason};

/// JWT_ALGORITHM: HS256, as the checklist asks; `none` fails.
pub fn jwt_algorithm(j: &Judge, r: &Rule) -> Vec<Finding> {
    let fix = "Set JWT_ALGORITHM=HS256 so the code default cannot change it.";
    j.value_of(r, Warn, fix, |v| match v {
        "HS256" => j.on(r, Pass, "JWT_ALGORITHM=HS256"),
        v if super::secret::asymmetric(v) => j.on(
            r,
            Pass,
            format!("JWT_ALGORITHM={v}: signed with a private key, checked with the public one (stronger than the checklist's HS256)"),
        ),
        v if v.eq_ignore_ascii_case("HS384") || v.eq_ignore_ascii_case("HS512") => j.on(
            r,
            Pass,
            format!("JWT_ALGORITHM={v}: an HMAC like the checklist's HS256, needing a longer key (RFC 7518 3.2)"),
        ),
        v if v.eq_ignore_ascii_case("none") || v.is_empty() => j
            .on(r, Fail, format!("JWT_ALGORITHM={v:?}: unsigned tokens"))
            .fix("Set JWT_ALGORITHM=HS256."),
        v => j
            .on(
                r,
                Warn,
                format!("JWT_ALGORITHM={v}; the checklist asks for HS256"),
            )
            .fix("Use HS256, or record why another algorithm is used."),
    })
}

/// The issuer name users see in their authenticator app.
pub fn mfa_issuer(j: &Judge, r: &Rule) -> Vec<Finding> {
    let fix = "Set MFA_ISSUER_NAME to the name users see in their authenticator app.";
    j.value_of(r, Fail, fix, |v| match placeholder_reason(v) {
        Some(why) => j
            .on(r, Fail, format!("MFA_ISSUER_NAME is {why}"))
            .fix("Set MFA_ISSUER_NAME to the product name."),
        None => j.on(r, Pass, format!("MFA_ISSUER_NAME={v}")),
    })
}

/// `AC` and 32 hex digits.
pub fn twilio_account_sid(j: &Judge, r: &Rule) -> Vec<Finding> {
    let fix = "Set TWILIO_ACCOUNT_SID (AC followed by 32 hex digits).";
    j.value_of(r, Fail, fix, |v| {
        if v.len() == 34 && v.starts_with("AC") && v[2..].chars().all(|c| c.is_ascii_hexdigit()) {
            let tail = &v[30..];
            j.on(
                r,
                Pass,
                format!("TWILIO_ACCOUNT_SID is a well-formed account SID (AC…{tail})"),
            )
        } else {
            j.on(
                r,
                Fail,
                "TWILIO_ACCOUNT_SID is not AC followed by 32 hex digits",
            )
            .fix("Copy the Account SID from the Twilio console.")
        }
    })
}

/// 32 hex digits, not a placeholder.
pub fn twilio_auth_token(j: &Judge, r: &Rule) -> Vec<Finding> {
    j.value_of(r, Fail, "Set TWILIO_AUTH_TOKEN.", |v| {
        let d = describe(v);
        if let Some(why) = placeholder_reason(v) {
            j.on(r, Fail, format!("TWILIO_AUTH_TOKEN is {why} ({d})"))
                .fix("Copy the auth token from the Twilio console (or use an API key).")
        } else if v.len() == 32 && v.chars().all(|c| c.is_ascii_hexdigit()) {
            j.on(r, Pass, format!("TWILIO_AUTH_TOKEN {d}"))
        } else {
            j.on(
                r,
                Warn,
                format!("TWILIO_AUTH_TOKEN {d}; Twilio auth tokens are 32 hex digits"),
            )
            .fix("Check the token against the Twilio console.")
        }
    })
}

/// E.164: `+` and 8 to 15 digits.
pub fn twilio_phone_number(j: &Judge, r: &Rule) -> Vec<Finding> {
    let fix = "Set TWILIO_PHONE_NUMBER in E.164 form (+15551234567).";
    j.value_of(r, Fail, fix, |v| {
        if v.starts_with('+')
            && (9..=16).contains(&v.len())
            && v[1..].chars().all(|c| c.is_ascii_digit())
        {
            j.on(r, Pass, format!("TWILIO_PHONE_NUMBER={v} (E.164)"))
        } else {
            j.on(
                r,
                Fail,
                format!("TWILIO_PHONE_NUMBER={v:?} is not E.164 (+ and 8 to 15 digits)"),
            )
            .fix("Write the number as +<country><number>.")
        }
    })
}

/// INFO or WARNING; DEBUG leaks request data.
pub fn log_level(j: &Judge, r: &Rule) -> Vec<Finding> {
    j.value_of(r, Warn, "Set LOG_LEVEL=INFO.", |v| {
        let (outcome, why) = match v.to_ascii_uppercase().as_str() {
            "INFO" | "WARNING" | "WARN" => return j.on(r, Pass, format!("LOG_LEVEL={v}")),
            "DEBUG" | "TRACE" | "NOTSET" => {
                (Fail, format!("LOG_LEVEL={v}: debug logs leak request data"))
            }
            "ERROR" | "CRITICAL" | "FATAL" => (
                Warn,
                format!("LOG_LEVEL={v}: security events at INFO/WARNING are dropped"),
            ),
            _ => (Fail, format!("LOG_LEVEL={v:?} is not a log level")),
        };
        j.on(r, outcome, why).fix("Set LOG_LEVEL=INFO or WARNING.")
    })
}
