//! Where each prefilled answer came from, so that the answers form can say
//! it: an env file line, the URL list, the nginx installed here, a layout
//! harden derived, harden's default, or an example value that looks real
//! but is not (`api.example.com`, the account `123456789012`), which must be
//! replaced or confirmed before anything is rendered. Values that differ
//! from what the env file says are found here too.

use std::collections::BTreeMap;

use super::Answers;
use crate::detect::envfile::EnvFile;

/// Where an answer came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// An env file entry (key and line).
    Env { key: String, line: usize },
    /// The production URLs the operator gave.
    Urls,
    /// `nginx -v` on this machine.
    Installed,
    /// Derived by harden from other answers (the reason).
    Derived(&'static str),
    /// harden's default: sensible as it is, still to review.
    Default,
    /// The example's stand-in: replace it, or confirm it (`c`).
    Example,
    /// From the state file (answers saved by an earlier run).
    Saved,
    /// From the state file, and still the example's stand-in value
    /// (confirmed when it was saved, or saved by an older harden).
    SavedStandIn,
    /// Typed in the form.
    Typed,
    /// An example value the operator confirmed as it is.
    Confirmed,
}

impl Origin {
    /// A sentence on where the value came from, for the selected field.
    pub fn about(&self) -> String {
        match self {
            Origin::Example => "an example, not yours: replace (Enter) or confirm (c)".into(),
            Origin::Typed => "typed by you".into(),
            Origin::Confirmed => "the example's value, confirmed by you".into(),
            Origin::Default => "harden's default, fine for most; check it".into(),
            other => format!("from {}", other.tag()),
        }
    }

    /// The short tag the form shows.
    pub fn tag(&self) -> String {
        match self {
            Origin::Env { key, line } => format!("env {key}, line {line}"),
            Origin::Urls => "the URL list".into(),
            Origin::Installed => "nginx -v here".into(),
            Origin::Derived(why) => (*why).into(),
            Origin::Default => "harden's default".into(),
            Origin::Example => "EXAMPLE: replace or confirm (c)".into(),
            Origin::Saved => "saved answers".into(),
            Origin::SavedStandIn => "saved answers, still the example's value".into(),
            Origin::Typed => "typed".into(),
            Origin::Confirmed => "example, confirmed".into(),
        }
    }
}

/// Answers taken from one env key as they are (the grammar may still put
/// a bad value back to the example's, which is then a contradiction).
const SCALAR: [(&str, &str); 12] = [
    ("logging.level", "LOG_LEVEL"),
    ("logging.audit_retention_days", "AUDIT_LOG_RETENTION_DAYS"),
    ("backup.retention_days", "BACKUP_RETENTION_DAYS"),
    ("dr.rto_minutes", "DR_RTO_MINUTES"),
    ("dr.rpo_minutes", "DR_RPO_MINUTES"),
    ("backup.bucket", "S3_BACKUP_BUCKET"),
    ("backup.replication_bucket", "S3_BACKUP_REPLICATION_BUCKET"),
    ("backup.region", "AWS_REGION"),
    ("backup.role_arn", "AWS_BACKUP_ROLE_ARN"),
    ("mfa.issuer", "MFA_ISSUER_NAME"),
    ("compliance.gdpr", "GDPR_COMPLIANCE"),
    ("compliance.soc2", "SOC2_COMPLIANCE"),
];

/// Answers taken from a part of a URL in the env file.
const FROM_URL: [(&str, &str); 7] = [
    ("database.host", "DATABASE_URL"),
    ("database.port", "DATABASE_URL"),
    ("database.user", "DATABASE_URL"),
    ("database.name", "DATABASE_URL"),
    ("database.driver", "DATABASE_URL"),
    ("redis.host", "REDIS_URL"),
    ("redis.port", "REDIS_URL"),
];

/// Answers whose example value stands in for the operator's own.
const STAND_INS: [&str; 12] = [
    "project.name",
    "domains.api",
    "domains.origins",
    "tls.certificate",
    "tls.key",
    "mfa.issuer",
    "backup.bucket",
    "backup.replication_bucket",
    "backup.role_arn",
    "incident.security_contact",
    "incident.on_call",
    "ci.requirements",
];

/// Where each answer of a fresh draft came from, and, for answers an env
/// key speaks to, what the env file says (key, value, line) to compare.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sources {
    pub origins: BTreeMap<String, Origin>,
    pub env: BTreeMap<String, (String, String, usize)>,
}

/// The origins of a drafted `a` (from `env` and `urls`).
pub fn sources(a: &Answers, env: &EnvFile, urls: &[String]) -> Sources {
    let example = super::parse(super::EXAMPLE_TEXT, "examples/answers.toml")
        .map(|e| super::fields(&e))
        .unwrap_or_default();
    let example: BTreeMap<String, String> = example.into_iter().collect();
    let entry = |k: &str| env.get(k).filter(|e| !e.value.is_empty() && !e.reference);
    let mut out = Sources::default();
    for (field, value) in super::fields(a) {
        let scalar = SCALAR.iter().find(|(f, _)| *f == field).map(|(_, k)| *k);
        let from_url = FROM_URL.iter().find(|(f, _)| *f == field).map(|(_, k)| *k);
        if let Some(key) = scalar
            && let Some(e) = entry(key)
        {
            out.env
                .insert(field.clone(), (key.to_string(), e.value.clone(), e.line));
        }
        let same_as_example = example.get(&field) == Some(&value);
        // A scalar is the env file's when it agrees with it; one the
        // grammar put back (LOG_LEVEL=DEBUG) is harden's, contradicted.
        let taken = if scalar.is_some() {
            out.env.contains_key(&field) && contradiction(&out, &field, &value).is_none()
        } else {
            !same_as_example
        };
        let origin = match (scalar.or(from_url).and_then(entry), field.as_str()) {
            (Some(e), _) if taken => Origin::Env {
                key: e.key.clone(),
                line: e.line,
            },
            (_, "domains.api") if !urls.is_empty() && !same_as_example => Origin::Urls,
            (_, "domains.origins") if !same_as_example => match entry("ALLOWED_HOSTS") {
                Some(e) => Origin::Env {
                    key: e.key.clone(),
                    line: e.line,
                },
                None => Origin::Default,
            },
            (_, "app.nginx_version") if !same_as_example => Origin::Installed,
            (_, f) if f.starts_with("redis.tls_") && !value.is_empty() => {
                Origin::Derived("Debian's layout for a networked Redis")
            }
            (_, f) if same_as_example && stand_in(f, &value) => Origin::Example,
            _ if same_as_example => Origin::Default,
            _ => Origin::Derived("from the other answers"),
        };
        out.origins.insert(field, origin);
    }
    out
}

/// The fields of `a` that still hold the example's stand-in values
/// (`api.example.com`, the account `123456789012`), in the form's order.
pub fn stand_ins(a: &Answers) -> Vec<String> {
    let example: BTreeMap<String, String> =
        super::parse(super::EXAMPLE_TEXT, "examples/answers.toml")
            .map(|e| super::fields(&e))
            .unwrap_or_default()
            .into_iter()
            .collect();
    super::fields(a)
        .into_iter()
        .filter(|(f, v)| example.get(f) == Some(v) && stand_in(f, v))
        .map(|(f, _)| f)
        .collect()
}

/// True for an example value that only stands in for the operator's own.
fn stand_in(field: &str, value: &str) -> bool {
    STAND_INS.contains(&field)
        || ["example.", "123456789012", "optibid"]
            .iter()
            .any(|s| value.to_ascii_lowercase().contains(s))
}

/// What the env file says against a field's value, when they differ:
/// "the env file says GDPR_COMPLIANCE=false (line 7)". Values compare as
/// booleans, numbers or case-insensitive text.
pub fn contradiction(sources: &Sources, field: &str, value: &str) -> Option<String> {
    let (key, said, line) = sources.env.get(field)?;
    let norm = |s: &str| {
        let s = s.trim().trim_matches('"').to_ascii_lowercase();
        match s.as_str() {
            "1" | "yes" | "on" | "true" => "true".to_string(),
            "0" | "no" | "off" | "false" => "false".to_string(),
            _ => s,
        }
    };
    (norm(said) != norm(value)).then(|| {
        crate::util::redact::redact(&format!("the env file says {key}={said} (line {line})"))
    })
}
