//! The judges of settings with a fixed form: the JWT algorithm, the MFA
//! issuer, Twilio's account SID, auth token and phone number, the log
//! level.

use super::Judge;
use super::rules::Rule;
use crate::detect::secrets::{describe, placeholder_reason};
use crate::detect::{Finding, Outcome};

/// JWT_ALGORITHM: HS256, as the checklist asks; `none` fails.
pub fn jwt_algorithm(j: &Judge, r: &Rule) -> Vec<Finding> {
    let k = r.key();
    let f = match j.file.value(k) {
        None => j.missing(
            k,
            r.items[0],
            Outcome::Warn,
            "Set JWT_ALGORITHM=HS256 so the code default cannot change it.",
        ),
        Some("HS256") => j.at(k, r.items[0], Outcome::Pass, "JWT_ALGORITHM=HS256"),
        Some(v) if v.eq_ignore_ascii_case("none") || v.is_empty() => j
            .at(
                k,
                r.items[0],
                Outcome::Fail,
                format!("JWT_ALGORITHM={v:?}: unsigned tokens"),
            )
            .fix("Set JWT_ALGORITHM=HS256."),
        Some(v) => j
            .at(
                k,
                r.items[0],
                Outcome::Warn,
                format!("JWT_ALGORITHM={v}; the checklist asks for HS256"),
            )
            .fix("Use HS256, or record why another algorithm is used."),
    };
    vec![f]
}

/// The issuer name users see in their authenticator app.
pub fn mfa_issuer(j: &Judge, r: &Rule) -> Vec<Finding> {
    let k = r.key();
    let f = match j.file.value(k) {
        None => j.missing(
            k,
            r.items[0],
            Outcome::Fail,
            "Set MFA_ISSUER_NAME to the name users see in their authenticator app.",
        ),
        Some(v) if placeholder_reason(v).is_some() => j
            .at(
                k,
                r.items[0],
                Outcome::Fail,
                format!(
                    "MFA_ISSUER_NAME is {}",
                    placeholder_reason(v).unwrap_or("a placeholder")
                ),
            )
            .fix("Set MFA_ISSUER_NAME to the product name."),
        Some(v) => j.at(k, r.items[0], Outcome::Pass, format!("MFA_ISSUER_NAME={v}")),
    };
    vec![f]
}

/// `AC` and 32 hex digits.
pub fn twilio_account_sid(j: &Judge, r: &Rule) -> Vec<Finding> {
    let k = r.key();
    let f = match j.file.value(k) {
        None => j.missing(
            k,
            r.items[0],
            Outcome::Fail,
            "Set TWILIO_ACCOUNT_SID (AC followed by 32 hex digits).",
        ),
        Some(v)
            if v.len() == 34
                && v.starts_with("AC")
                && v[2..].chars().all(|c| c.is_ascii_hexdigit()) =>
        {
            j.at(
                k,
                r.items[0],
                Outcome::Pass,
                format!(
                    "TWILIO_ACCOUNT_SID is a well-formed account SID (AC…{})",
                    &v[30..]
                ),
            )
        }
        Some(_) => j
            .at(
                k,
                r.items[0],
                Outcome::Fail,
                "TWILIO_ACCOUNT_SID is not AC followed by 32 hex digits",
            )
            .fix("Copy the Account SID from the Twilio console."),
    };
    vec![f]
}

/// 32 hex digits, not a placeholder.
pub fn twilio_auth_token(j: &Judge, r: &Rule) -> Vec<Finding> {
    let k = r.key();
    let f = match j.file.value(k) {
        None => j.missing(k, r.items[0], Outcome::Fail, "Set TWILIO_AUTH_TOKEN."),
        Some(v) => {
            let d = describe(v);
            if let Some(why) = placeholder_reason(v) {
                j.at(
                    k,
                    r.items[0],
                    Outcome::Fail,
                    format!("TWILIO_AUTH_TOKEN is {why} ({d})"),
                )
                .fix("Copy the auth token from the Twilio console (or use an API key).")
            } else if v.len() == 32 && v.chars().all(|c| c.is_ascii_hexdigit()) {
                j.at(
                    k,
                    r.items[0],
                    Outcome::Pass,
                    format!("TWILIO_AUTH_TOKEN {d}"),
                )
            } else {
                j.at(
                    k,
                    r.items[0],
                    Outcome::Warn,
                    format!("TWILIO_AUTH_TOKEN {d}; Twilio auth tokens are 32 hex digits"),
                )
                .fix("Check the token against the Twilio console.")
            }
        }
    };
    vec![f]
}

/// E.164: `+` and 8 to 15 digits.
pub fn twilio_phone_number(j: &Judge, r: &Rule) -> Vec<Finding> {
    let k = r.key();
    let f = match j.file.value(k) {
        None => j.missing(
            k,
            r.items[0],
            Outcome::Fail,
            "Set TWILIO_PHONE_NUMBER in E.164 form (+15551234567).",
        ),
        Some(v)
            if v.starts_with('+')
                && (9..=16).contains(&v.len())
                && v[1..].chars().all(|c| c.is_ascii_digit()) =>
        {
            j.at(
                k,
                r.items[0],
                Outcome::Pass,
                format!("TWILIO_PHONE_NUMBER={v} (E.164)"),
            )
        }
        Some(v) => j
            .at(
                k,
                r.items[0],
                Outcome::Fail,
                format!("TWILIO_PHONE_NUMBER={v:?} is not E.164 (+ and 8 to 15 digits)"),
            )
            .fix("Write the number as +<country><number>."),
    };
    vec![f]
}

/// INFO or WARNING; DEBUG leaks request data.
pub fn log_level(j: &Judge, r: &Rule) -> Vec<Finding> {
    let k = r.key();
    let f = match j.file.value(k) {
        None => j.missing(k, r.items[0], Outcome::Warn, "Set LOG_LEVEL=INFO."),
        Some(v) => match v.to_ascii_uppercase().as_str() {
            "INFO" | "WARNING" | "WARN" => {
                j.at(k, r.items[0], Outcome::Pass, format!("LOG_LEVEL={v}"))
            }
            "DEBUG" | "TRACE" | "NOTSET" => j
                .at(
                    k,
                    r.items[0],
                    Outcome::Fail,
                    format!("LOG_LEVEL={v}: debug logs leak request data"),
                )
                .fix("Set LOG_LEVEL=INFO or WARNING."),
            "ERROR" | "CRITICAL" | "FATAL" => j
                .at(
                    k,
                    r.items[0],
                    Outcome::Warn,
                    format!("LOG_LEVEL={v}: security events at INFO/WARNING are dropped"),
                )
                .fix("Set LOG_LEVEL=INFO or WARNING."),
            _ => j
                .at(
                    k,
                    r.items[0],
                    Outcome::Fail,
                    format!("LOG_LEVEL={v:?} is not a log level"),
                )
                .fix("Set LOG_LEVEL=INFO or WARNING."),
        },
    };
    vec![f]
}
