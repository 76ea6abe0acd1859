//! The env file detector: every setting the checklist names, judged from
//! the file as written, then checked against the code (a key that nothing
//! reads is a `warn`, whatever its value). Secrets appear only as
//! [`secrets::describe`] masks and fingerprints.

use std::collections::BTreeMap;

use url::Url;

use super::code::{self, CodeIndex};
use super::envfile::{self, EnvFile};
use super::secrets::{self, describe, placeholder_reason, strength};
use super::{Detector, Finding, Inputs, Outcome, Report};

/// Items this detector fills.
pub const ITEMS: &[&str] = &[
    "env.secret_key_set",
    "env.secret_key_not_default",
    "env.secret_key_strong",
    "env.jwt_secret_set",
    "env.jwt_algorithm",
    "env.access_token_expiry",
    "env.refresh_token_expiry",
    "cors.allowed_hosts",
    "cors.no_dev_origins",
    "rate_limit.enable_redis",
    "rate_limit.redis_url",
    "database.url_tls",
    "database.sslmode_require",
    "database.password_strong",
    "auth.mfa_settings",
    "auth.mfa_issuer_name",
    "auth.mfa_backup_codes_count",
    "auth.mfa_rate_limit_attempts",
    "auth.mfa_rate_limit_window",
    "auth.twilio",
    "auth.twilio_account_sid",
    "auth.twilio_auth_token",
    "auth.twilio_phone_number",
    "auth.session_timeout",
    "auth.max_concurrent_sessions",
    "auth.trusted_device_days",
    "logging.audit_enabled",
    "logging.audit_encrypted",
    "logging.audit_retention",
    "logging.log_level",
    "compliance.gdpr_mode",
    "compliance.soc2_mode",
    "compliance.audit_log_encryption",
    "backup.retention_days",
    "backup.cross_region",
    "backup.aws_credentials",
    "backup.aws_access_key_id",
    "backup.aws_secret_access_key",
    "backup.aws_region",
    "backup.s3_bucket",
    "backup.s3_replication_bucket",
    "backup.role_arn",
    "backup.dr_rto",
    "backup.dr_rpo",
    "external.key_storage",
    "verify.env_reviewed",
    "verify.no_default_credentials",
    "verify.debug_off",
];

/// The env key each item judges, for the "does the code read it" check.
const KEY_OF: &[(&str, &str)] = &[
    ("env.secret_key_set", "SECRET_KEY"),
    ("env.secret_key_not_default", "SECRET_KEY"),
    ("env.secret_key_strong", "SECRET_KEY"),
    ("env.jwt_secret_set", "JWT_SECRET_KEY"),
    ("env.jwt_algorithm", "JWT_ALGORITHM"),
    ("env.access_token_expiry", "ACCESS_TOKEN_EXPIRE_MINUTES"),
    ("env.refresh_token_expiry", "REFRESH_TOKEN_EXPIRE_DAYS"),
    ("cors.allowed_hosts", "ALLOWED_HOSTS"),
    ("cors.no_dev_origins", "ALLOWED_HOSTS"),
    ("rate_limit.enable_redis", "ENABLE_REDIS"),
    ("rate_limit.redis_url", "REDIS_URL"),
    ("database.url_tls", "DATABASE_URL"),
    ("database.sslmode_require", "DATABASE_URL"),
    ("database.password_strong", "DATABASE_URL"),
    ("auth.mfa_issuer_name", "MFA_ISSUER_NAME"),
    ("auth.mfa_backup_codes_count", "MFA_BACKUP_CODES_COUNT"),
    ("auth.mfa_rate_limit_attempts", "MFA_RATE_LIMIT_ATTEMPTS"),
    (
        "auth.mfa_rate_limit_window",
        "MFA_RATE_LIMIT_WINDOW_MINUTES",
    ),
    ("auth.twilio_account_sid", "TWILIO_ACCOUNT_SID"),
    ("auth.twilio_auth_token", "TWILIO_AUTH_TOKEN"),
    ("auth.twilio_phone_number", "TWILIO_PHONE_NUMBER"),
    ("auth.session_timeout", "SESSION_TIMEOUT_MINUTES"),
    ("auth.max_concurrent_sessions", "MAX_CONCURRENT_SESSIONS"),
    ("auth.trusted_device_days", "TRUSTED_DEVICE_DAYS"),
    ("logging.audit_enabled", "AUDIT_LOG_ENABLED"),
    ("logging.audit_encrypted", "AUDIT_LOG_ENCRYPTED"),
    ("logging.audit_retention", "AUDIT_LOG_RETENTION_DAYS"),
    ("logging.log_level", "LOG_LEVEL"),
    ("compliance.gdpr_mode", "GDPR_COMPLIANCE"),
    ("compliance.soc2_mode", "SOC2_COMPLIANCE"),
    ("compliance.audit_log_encryption", "AUDIT_LOG_ENCRYPTED"),
    ("backup.retention_days", "BACKUP_RETENTION_DAYS"),
    ("backup.cross_region", "CROSS_REGION_REPLICATION"),
    ("backup.aws_access_key_id", "AWS_ACCESS_KEY_ID"),
    ("backup.aws_secret_access_key", "AWS_SECRET_ACCESS_KEY"),
    ("backup.aws_region", "AWS_REGION"),
    ("backup.s3_bucket", "S3_BACKUP_BUCKET"),
    (
        "backup.s3_replication_bucket",
        "S3_BACKUP_REPLICATION_BUCKET",
    ),
    ("backup.role_arn", "AWS_BACKUP_ROLE_ARN"),
    ("backup.dr_rto", "DR_RTO_MINUTES"),
    ("backup.dr_rpo", "DR_RPO_MINUTES"),
    ("verify.debug_off", "DEBUG"),
];

/// Keys whose values are secrets wherever they appear.
pub fn is_secret_key(key: &str) -> bool {
    // The masking path's rule (one list of what names a secret), plus the
    // database URL, whose password makes a placeholder there matter.
    crate::util::redact::is_secret_key(key)
        || (key
            .get(key.len().saturating_sub(4)..)
            .is_some_and(|t| t.eq_ignore_ascii_case("_URL"))
            && key.to_ascii_uppercase().contains("DATABASE"))
}

/// Runs the detector.
pub fn detect(inputs: &Inputs) -> Report {
    let shown = inputs.show(&inputs.env_file);
    let file = match envfile::read(&inputs.env_file) {
        Ok(f) => f,
        Err(e) => {
            let why = if e.kind() == std::io::ErrorKind::NotFound {
                format!(
                    "no env file at {shown}; pass --env-file FILE if the settings live elsewhere"
                )
            } else {
                format!("cannot read {shown}: {e}")
            };
            return Report::new(
                Detector::Env,
                ITEMS
                    .iter()
                    .map(|id| Finding::new(id, Outcome::Unknown, why.clone()))
                    .collect(),
            );
        }
    };
    let index = code::scan(&inputs.project);
    let mut report = Report::new(Detector::Env, judge(&file, &shown, &index));
    report.findings.extend(file_mode(&inputs.env_file, &shown));
    for key in [
        "SECRET_KEY",
        "JWT_SECRET_KEY",
        "TWILIO_AUTH_TOKEN",
        "AWS_SECRET_ACCESS_KEY",
    ] {
        if let Some(v) = file.value(key).filter(|v| !v.is_empty()) {
            report
                .fingerprints
                .insert(key.into(), secrets::fingerprint(v));
        }
    }
    for key in ["DATABASE_URL", "REDIS_URL"] {
        if let Some(p) = file
            .value(key)
            .and_then(|v| Url::parse(v).ok())
            .and_then(|u| u.password().map(crate::util::redact::percent_decode))
        {
            report
                .fingerprints
                .insert(format!("{key} password"), secrets::fingerprint(&p));
        }
    }
    report
}

/// Judges a parsed env file. `shown` names it in evidence.
pub fn judge(file: &EnvFile, shown: &str, index: &CodeIndex) -> Vec<Finding> {
    let mut j = Judge {
        file,
        shown,
        index,
        out: Vec::new(),
    };
    j.secret_key();
    j.jwt();
    j.cors();
    j.redis();
    j.database();
    j.mfa();
    j.twilio();
    j.sessions();
    j.logging();
    j.compliance();
    j.backup();
    j.aws();
    j.verify();
    let mut out = j.out;
    apply_code_reads(&mut out, file, index);
    refresh_aggregates(&mut out);
    out
}

/// Parent items and the children they summarise.
const AGGREGATES: &[(&str, &str, &[&str])] = &[
    (
        "auth.mfa_settings",
        "MFA settings",
        &[
            "auth.mfa_issuer_name",
            "auth.mfa_backup_codes_count",
            "auth.mfa_rate_limit_attempts",
            "auth.mfa_rate_limit_window",
        ],
    ),
    (
        "auth.twilio",
        "Twilio settings",
        &[
            "auth.twilio_account_sid",
            "auth.twilio_auth_token",
            "auth.twilio_phone_number",
        ],
    ),
    (
        "backup.aws_credentials",
        "AWS credentials",
        &[
            "backup.aws_access_key_id",
            "backup.aws_secret_access_key",
            "backup.aws_region",
        ],
    ),
];

/// A parent is never better than its children once the code-read check
/// has had its say.
fn refresh_aggregates(out: &mut [Finding]) {
    for (parent, what, children) in AGGREGATES {
        let kids: Vec<Finding> = out
            .iter()
            .filter(|f| children.contains(&f.item.as_str()))
            .cloned()
            .collect();
        let fresh = aggregate(parent, what, &kids);
        if let Some(p) = out.iter_mut().find(|f| f.item == *parent)
            && p.outcome != Outcome::Skipped
            && fresh.outcome.verdict().regressed_from(p.outcome.verdict())
        {
            p.outcome = fresh.outcome;
            p.evidence = fresh.evidence;
        }
    }
}

/// A key that is set but that no code reads turns a pass into a warn.
fn apply_code_reads(out: &mut [Finding], file: &EnvFile, index: &CodeIndex) {
    if index.files == 0 {
        return;
    }
    let key_of: BTreeMap<&str, &str> = KEY_OF.iter().copied().collect();
    for f in out.iter_mut() {
        let Some(key) = key_of.get(f.item.as_str()) else {
            continue;
        };
        if file.get(key).is_none() || index.reads(key) {
            continue;
        }
        if matches!(f.outcome, Outcome::Pass | Outcome::Warn) {
            f.outcome = Outcome::Warn;
            f.evidence = format!(
                "set, but nothing in the code reads {key}: setting it has no effect ({} Python files searched). {}",
                index.files, f.evidence
            );
            f.remediation = format!(
                "Make the application read {key} (os.getenv or a settings field that is used), or remove it."
            );
        }
    }
}

struct Judge<'a> {
    file: &'a EnvFile,
    shown: &'a str,
    index: &'a CodeIndex,
    out: Vec<Finding>,
}

/// A boolean as env files write it.
fn boolean(v: &str) -> Option<bool> {
    match v.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Some(true),
        "false" | "0" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// A URL with its password replaced by `****`.
pub fn mask_url(u: &Url) -> String {
    let mut m = u.clone();
    if m.password().is_some() {
        let _ = m.set_password(Some("****"));
    }
    m.to_string()
}

impl Judge<'_> {
    fn push(&mut self, f: Finding) {
        self.out.push(f);
    }

    /// A finding located at the key's line.
    fn at(&self, key: &str, item: &str, outcome: Outcome, evidence: impl Into<String>) -> Finding {
        let f = Finding::new(item, outcome, evidence);
        match self.file.get(key) {
            Some(e) => f.at(self.shown, e.line),
            None => f,
        }
    }

    fn missing(&self, key: &str, item: &str, outcome: Outcome, fix: &str) -> Finding {
        Finding::new(item, outcome, format!("{key} is not set in {}", self.shown)).fix(fix)
    }

    fn secret_key(&mut self) {
        const K: &str = "SECRET_KEY";
        let fix_gen = "Generate one with `openssl rand -hex 32` and set SECRET_KEY to it.";
        match self.file.value(K) {
            None => {
                for id in [
                    "env.secret_key_set",
                    "env.secret_key_not_default",
                    "env.secret_key_strong",
                ] {
                    let f = self.missing(K, id, Outcome::Fail, fix_gen);
                    self.push(f);
                }
            }
            Some(v) => {
                let d = describe(v);
                let set = if v.is_empty() {
                    self.at(
                        K,
                        "env.secret_key_set",
                        Outcome::Fail,
                        "SECRET_KEY is empty",
                    )
                    .fix(fix_gen)
                } else {
                    self.at(
                        K,
                        "env.secret_key_set",
                        Outcome::Pass,
                        format!("SECRET_KEY {d}"),
                    )
                };
                self.push(set);
                let nd = match placeholder_reason(v) {
                    Some(why) => self
                        .at(
                            K,
                            "env.secret_key_not_default",
                            Outcome::Fail,
                            format!("SECRET_KEY is {why} ({d})"),
                        )
                        .fix(fix_gen),
                    None => self.at(
                        K,
                        "env.secret_key_not_default",
                        Outcome::Pass,
                        format!("SECRET_KEY is not a known placeholder ({d})"),
                    ),
                };
                self.push(nd);
                let f = self.strength_finding(K, "env.secret_key_strong", v, fix_gen);
                self.push(f);
            }
        }
    }

    /// Pass from 256 bits, warn from 128, fail below; placeholders and
    /// readable phrases fail whatever their length.
    fn strength_finding(&self, key: &str, item: &str, v: &str, fix: &str) -> Finding {
        let d = describe(v);
        if let Some(why) = placeholder_reason(v) {
            return self
                .at(key, item, Outcome::Fail, format!("{key} is {why} ({d})"))
                .fix(fix);
        }
        let s = strength(v);
        let outcome = if s.readable || s.repetitive || s.bits < 128.0 {
            Outcome::Fail
        } else if s.bits < 256.0 {
            Outcome::Warn
        } else {
            Outcome::Pass
        };
        let mut f = self.at(key, item, outcome, format!("{key} {d}; {}", s.summary()));
        if outcome != Outcome::Pass {
            f = f.fix(format!("HS256 needs at least 256 random bits: {fix}"));
        }
        f
    }

    fn jwt(&mut self) {
        const K: &str = "JWT_SECRET_KEY";
        let fix = "Set JWT_SECRET_KEY explicitly to its own `openssl rand -hex 32` value.";
        let secret = self.file.value("SECRET_KEY");
        let secret_changed = secret.is_some_and(|s| placeholder_reason(s).is_none());
        let f = match self.file.value(K) {
            None => Finding::new(
                "env.jwt_secret_set",
                Outcome::Fail,
                format!(
                    "JWT_SECRET_KEY is not set in {}. Settings that default it to SECRET_KEY evaluate that default in the code, so tokens are signed with the code's default key, not the SECRET_KEY of this file",
                    self.shown
                ),
            )
            .fix(fix),
            Some(v) => {
                let d = describe(v);
                match placeholder_reason(v) {
                    Some(why) if secret_changed => self
                        .at(
                            K,
                            "env.jwt_secret_set",
                            Outcome::Fail,
                            format!("JWT_SECRET_KEY is still {why} ({d}) while SECRET_KEY was changed"),
                        )
                        .fix(fix),
                    Some(why) => self
                        .at(K, "env.jwt_secret_set", Outcome::Fail, format!("JWT_SECRET_KEY is {why} ({d})"))
                        .fix(fix),
                    None if Some(v) == secret => self
                        .at(
                            K,
                            "env.jwt_secret_set",
                            Outcome::Warn,
                            format!("JWT_SECRET_KEY {d} is the same value as SECRET_KEY"),
                        )
                        .fix("Give JWT signing its own key, so rotating one does not break the other."),
                    None => {
                        let mut f = self.strength_finding(K, "env.jwt_secret_set", v, fix);
                        if f.outcome == Outcome::Pass {
                            f.evidence = format!("JWT_SECRET_KEY is set on its own: {}", f.evidence);
                        }
                        f
                    }
                }
            }
        };
        self.push(f);

        let f = match self.file.value("JWT_ALGORITHM") {
            None => self.missing(
                "JWT_ALGORITHM",
                "env.jwt_algorithm",
                Outcome::Warn,
                "Set JWT_ALGORITHM=HS256 so the code default cannot change it.",
            ),
            Some("HS256") => self.at(
                "JWT_ALGORITHM",
                "env.jwt_algorithm",
                Outcome::Pass,
                "JWT_ALGORITHM=HS256",
            ),
            Some(v) if v.eq_ignore_ascii_case("none") || v.is_empty() => self
                .at(
                    "JWT_ALGORITHM",
                    "env.jwt_algorithm",
                    Outcome::Fail,
                    format!("JWT_ALGORITHM={v:?}: unsigned tokens"),
                )
                .fix("Set JWT_ALGORITHM=HS256."),
            Some(v) => self
                .at(
                    "JWT_ALGORITHM",
                    "env.jwt_algorithm",
                    Outcome::Warn,
                    format!("JWT_ALGORITHM={v}; the checklist asks for HS256"),
                )
                .fix("Use HS256, or record why another algorithm is used."),
        };
        self.push(f);

        let f = self.number(
            "ACCESS_TOKEN_EXPIRE_MINUTES",
            "env.access_token_expiry",
            "minutes",
            |n| match n {
                0 => (
                    Outcome::Fail,
                    "0 minutes: tokens expire at once or never, depending on the code",
                ),
                1..=30 => (Outcome::Pass, "within the checklist's default of 30"),
                31..=1440 => (Outcome::Warn, "longer than the checklist's default of 30"),
                _ => (
                    Outcome::Fail,
                    "over a day: a stolen access token stays valid too long",
                ),
            },
            Some("30"),
        );
        self.push(f);
        let f = self.number(
            "REFRESH_TOKEN_EXPIRE_DAYS",
            "env.refresh_token_expiry",
            "days",
            |n| match n {
                0 => (Outcome::Fail, "0 days"),
                1..=7 => (Outcome::Pass, "within the checklist's default of 7"),
                8..=30 => (Outcome::Warn, "longer than the checklist's default of 7"),
                _ => (Outcome::Fail, "over 30 days"),
            },
            Some("7"),
        );
        self.push(f);
    }

    /// An integer setting judged by `rule`; `default` is what applies when unset.
    fn number(
        &self,
        key: &str,
        item: &str,
        unit: &str,
        rule: impl Fn(u64) -> (Outcome, &'static str),
        default: Option<&str>,
    ) -> Finding {
        match self.file.value(key) {
            None => {
                let (outcome, why) = match default {
                    Some(d) => (
                        Outcome::Warn,
                        format!("the code default ({d} {unit}) applies"),
                    ),
                    None => (Outcome::Fail, "nothing sets it".to_string()),
                };
                Finding::new(
                    item,
                    outcome,
                    format!("{key} is not set in {}: {why}", self.shown),
                )
                .fix(format!("Set {key} explicitly."))
            }
            Some(v) => match v.parse::<u64>() {
                Ok(n) => {
                    let (outcome, why) = rule(n);
                    let mut f = self.at(key, item, outcome, format!("{key}={n} {unit}: {why}"));
                    if outcome != Outcome::Pass {
                        f = f.fix(format!("Review {key}."));
                    }
                    f
                }
                Err(_) => self
                    .at(
                        key,
                        item,
                        Outcome::Fail,
                        format!("{key} is not a whole number of {unit}: {v:?}"),
                    )
                    .fix(format!("Set {key} to a whole number of {unit}.")),
            },
        }
    }

    /// A boolean setting that must be true.
    fn must_be_true(&self, key: &str, item: &str, missing: Outcome, why: &str) -> Finding {
        match self.file.value(key) {
            None => self
                .missing(key, item, missing, &format!("Set {key}=true."))
                .with_evidence_suffix(why),
            Some(v) => match boolean(v) {
                Some(true) => self.at(key, item, Outcome::Pass, format!("{key}={v}")),
                Some(false) => self
                    .at(
                        key,
                        item,
                        missing.worst(Outcome::Warn),
                        format!("{key}={v}: {why}"),
                    )
                    .fix(format!("Set {key}=true.")),
                None => self
                    .at(
                        key,
                        item,
                        Outcome::Fail,
                        format!("{key}={v:?} is not a boolean"),
                    )
                    .fix(format!("Set {key}=true.")),
            },
        }
    }

    fn cors(&mut self) {
        const K: &str = "ALLOWED_HOSTS";
        let Some(v) = self.file.value(K) else {
            let fix = "Set ALLOWED_HOSTS to the production origins, e.g. https://app.example.com.";
            let a = self.missing(K, "cors.allowed_hosts", Outcome::Fail, fix);
            let b = self.missing(K, "cors.no_dev_origins", Outcome::Unknown, fix);
            self.push(a);
            self.push(b);
            return;
        };
        let entries: Vec<&str> = v
            .trim_matches(|c| c == '[' || c == ']')
            .split(',')
            .map(|e| e.trim().trim_matches(|c| c == '"' || c == '\''))
            .filter(|e| !e.is_empty())
            .collect();
        let dev: Vec<&str> = entries
            .iter()
            .copied()
            .filter(|e| is_dev_origin(e))
            .collect();
        let with_scheme = entries.iter().filter(|e| e.contains("://")).count();
        let bare = entries.len() - with_scheme;
        let mut problems = Vec::new();
        for e in &entries {
            if let Some(rest) = e.split_once("://").map(|x| x.1) {
                if rest.contains('/') {
                    problems.push(format!(
                        "{e} has a path; a CORS origin is scheme://host[:port] only"
                    ));
                }
                if e.starts_with("http://") && !is_dev_origin(e) {
                    problems.push(format!("{e} is plain http"));
                }
            }
        }
        let form = format!(
            "{} entries: {with_scheme} with a scheme (CORS form), {bare} bare hosts (TrustedHost form)",
            entries.len()
        );
        let production = entries.len() - dev.len();
        let with_credentials = entries
            .iter()
            .filter(|e| e.split_once("://").is_some_and(|(_, r)| r.contains('@')))
            .count();
        let (outcome, mut evidence) = if entries.is_empty() {
            (Outcome::Fail, "ALLOWED_HOSTS is empty".to_string())
        } else if with_credentials > 0 {
            (
                Outcome::Fail,
                format!(
                    "{form}; {with_credentials} carry credentials (user:password@): a browser's Origin never does, so they match nothing, and the password now sits in a plain list"
                ),
            )
        } else if production == 0 {
            (
                Outcome::Fail,
                format!("{form}; none is a production domain"),
            )
        } else if !problems.is_empty() {
            (Outcome::Warn, format!("{form}; {}", problems.join("; ")))
        } else {
            (Outcome::Pass, format!("{form}: {}", entries.join(", ")))
        };
        let (cors, trusted) = (
            self.index.mentions("CORSMiddleware"),
            self.index.mentions("TrustedHostMiddleware"),
        );
        let mut outcome = outcome;
        if outcome == Outcome::Pass && !entries.is_empty() {
            let uniform = bare == 0 || with_scheme == 0;
            if cors && with_scheme == 0 {
                outcome = Outcome::Warn;
                evidence.push_str(". The code uses CORSMiddleware, and a bare host never matches a browser's Origin (scheme://host)");
            } else if trusted && bare == 0 {
                outcome = Outcome::Warn;
                evidence.push_str(". The code uses TrustedHostMiddleware, which needs bare host names: every request would be rejected");
            } else if cors && trusted && uniform {
                outcome = Outcome::Warn;
                evidence.push_str(". The code uses both CORSMiddleware (scheme://host) and TrustedHostMiddleware (bare hosts): one uniform list cannot satisfy both");
            } else if !cors && !trusted {
                evidence.push_str(". No CORSMiddleware or TrustedHostMiddleware found in the code to tell which form it needs");
            }
        }
        let f = self
            .at(K, "cors.allowed_hosts", outcome, evidence)
            .fix("List each production origin as https://host, and nothing else.");
        self.push(f);
        let f = if dev.is_empty() {
            self.at(
                K,
                "cors.no_dev_origins",
                Outcome::Pass,
                format!("no development origin among {} entries", entries.len()),
            )
        } else {
            self.at(
                K,
                "cors.no_dev_origins",
                Outcome::Fail,
                format!("development origins in ALLOWED_HOSTS: {}", dev.join(", ")),
            )
            .fix("Remove localhost, 127.0.0.1, 0.0.0.0, [::1] and * from ALLOWED_HOSTS in production.")
        };
        self.push(f);
    }

    fn redis(&mut self) {
        let f = self.must_be_true(
            "ENABLE_REDIS",
            "rate_limit.enable_redis",
            Outcome::Fail,
            "rate limits stay in memory, per process",
        );
        self.push(f);
        const K: &str = "REDIS_URL";
        let f = match self.file.value(K) {
            None => self.missing(
                K,
                "rate_limit.redis_url",
                Outcome::Fail,
                "Set REDIS_URL=rediss://:PASSWORD@host:6380/0.",
            ),
            Some(v) => match Url::parse(v) {
                Err(e) => self
                    .at(
                        K,
                        "rate_limit.redis_url",
                        Outcome::Fail,
                        format!("REDIS_URL is not a URL ({e})"),
                    )
                    .fix("Set REDIS_URL=rediss://:PASSWORD@host:6380/0."),
                Ok(u) if self.file.get(K).is_some_and(|e| e.reference) => self
                    .at(
                        K,
                        "rate_limit.redis_url",
                        Outcome::Warn,
                        format!(
                            "{}: part of it comes from a variable reference ($…); harden judges the file as written, so that part is not checked",
                            mask_url(&u)
                        ),
                    )
                    .fix("Check the referenced variable where it is defined."),
                Ok(u) => {
                    let masked = mask_url(&u);
                    let pw = u.password().map(crate::util::redact::percent_decode);
                    match (u.scheme(), pw.as_deref()) {
                        ("redis" | "rediss", None) => self
                            .at(K, "rate_limit.redis_url", Outcome::Fail, format!("{masked}: no password"))
                            .fix("Require a password (requirepass or an ACL user) and put it in REDIS_URL."),
                        ("redis" | "rediss", Some(p)) if placeholder_reason(p).is_some() => self
                            .at(
                                K,
                                "rate_limit.redis_url",
                                Outcome::Fail,
                                format!("{masked}: the password is {}", placeholder_reason(p).unwrap_or("a default")),
                            )
                            .fix("Use a generated password: openssl rand -hex 32."),
                        ("redis", Some(p)) if u.host_str().is_some_and(super::probe::net::is_loopback) => self.at(
                            K,
                            "rate_limit.redis_url",
                            Outcome::Pass,
                            format!("{masked}: password {} on loopback, where TLS adds nothing", describe(p)),
                        ),
                        ("redis", Some(p)) => self
                            .at(
                                K,
                                "rate_limit.redis_url",
                                Outcome::Warn,
                                format!("{masked}: password {}, but no TLS (redis://)", describe(p)),
                            )
                            .fix("Use rediss:// unless Redis is only reachable on a private network."),
                        ("rediss", Some(p)) => self.at(
                            K,
                            "rate_limit.redis_url",
                            Outcome::Pass,
                            format!("{masked}: TLS, password {}", describe(p)),
                        ),
                        (other, _) => self
                            .at(K, "rate_limit.redis_url", Outcome::Fail, format!("REDIS_URL has scheme {other}://, not redis:// or rediss://"))
                            .fix("Set REDIS_URL=rediss://:PASSWORD@host:6380/0."),
                    }
                }
            },
        };
        self.push(f);
    }

    fn database(&mut self) {
        const K: &str = "DATABASE_URL";
        let fix = "Set DATABASE_URL with a password and the TLS parameter of its driver.";
        let Some(v) = self.file.value(K) else {
            for id in [
                "database.url_tls",
                "database.sslmode_require",
                "database.password_strong",
            ] {
                let f = self.missing(K, id, Outcome::Fail, fix);
                self.push(f);
            }
            return;
        };
        let u = match Url::parse(v) {
            Ok(u) => u,
            Err(e) => {
                for id in [
                    "database.url_tls",
                    "database.sslmode_require",
                    "database.password_strong",
                ] {
                    let f = self
                        .at(
                            K,
                            id,
                            Outcome::Fail,
                            format!("DATABASE_URL is not a URL ({e})"),
                        )
                        .fix(fix);
                    self.push(f);
                }
                return;
            }
        };
        let masked = mask_url(&u);
        let (tls, tls_fix) = db_tls(&u);
        let mut f = self.at(K, "database.url_tls", tls.0, format!("{masked}: {}", tls.1));
        if !tls_fix.is_empty() {
            f = f.fix(tls_fix.clone());
        }
        let mut g = f.clone();
        g.item = "database.sslmode_require".into();
        self.push(f);
        self.push(g);

        let user = u.username().to_string();
        let f = match u.password().map(crate::util::redact::percent_decode) {
            None => self
                .at(
                    K,
                    "database.password_strong",
                    Outcome::Warn,
                    format!(
                        "{masked}: no password in the URL (peer, .pgpass or IAM authentication?)"
                    ),
                )
                .fix("Confirm how the application authenticates to the database."),
            Some(p) => {
                let d = describe(&p);
                if let Some(why) = placeholder_reason(&p) {
                    self.at(
                        K,
                        "database.password_strong",
                        Outcome::Fail,
                        format!("{masked}: the password is {why} ({d})"),
                    )
                    .fix("Use a generated password: openssl rand -hex 32.")
                } else if p == user {
                    self.at(
                        K,
                        "database.password_strong",
                        Outcome::Fail,
                        format!("{masked}: the password equals the user name"),
                    )
                    .fix("Use a generated password: openssl rand -hex 32.")
                } else {
                    let s = strength(&p);
                    let outcome = if s.readable || s.bits < 64.0 {
                        Outcome::Fail
                    } else if s.bits < 128.0 {
                        Outcome::Warn
                    } else {
                        Outcome::Pass
                    };
                    let mut f = self.at(
                        K,
                        "database.password_strong",
                        outcome,
                        format!("{masked}: password {d}; {}", s.summary()),
                    );
                    if outcome != Outcome::Pass {
                        f = f.fix("Use a generated password: openssl rand -hex 32.");
                    }
                    f
                }
            }
        };
        self.push(f);
    }

    fn mfa(&mut self) {
        let issuer = match self.file.value("MFA_ISSUER_NAME") {
            None => self.missing(
                "MFA_ISSUER_NAME",
                "auth.mfa_issuer_name",
                Outcome::Fail,
                "Set MFA_ISSUER_NAME to the name users see in their authenticator app.",
            ),
            Some(v) if placeholder_reason(v).is_some() => self
                .at(
                    "MFA_ISSUER_NAME",
                    "auth.mfa_issuer_name",
                    Outcome::Fail,
                    format!(
                        "MFA_ISSUER_NAME is {}",
                        placeholder_reason(v).unwrap_or("a placeholder")
                    ),
                )
                .fix("Set MFA_ISSUER_NAME to the product name."),
            Some(v) => self.at(
                "MFA_ISSUER_NAME",
                "auth.mfa_issuer_name",
                Outcome::Pass,
                format!("MFA_ISSUER_NAME={v}"),
            ),
        };
        let codes = self.number(
            "MFA_BACKUP_CODES_COUNT",
            "auth.mfa_backup_codes_count",
            "codes",
            |n| match n {
                0 => (
                    Outcome::Fail,
                    "no backup codes: a lost phone locks the user out",
                ),
                1..=4 => (Outcome::Warn, "few backup codes"),
                5..=20 => (Outcome::Pass, "a usual number"),
                _ => (Outcome::Warn, "many backup codes widen the target"),
            },
            None,
        );
        let attempts = self.number(
            "MFA_RATE_LIMIT_ATTEMPTS",
            "auth.mfa_rate_limit_attempts",
            "attempts",
            |n| match n {
                0 => (Outcome::Fail, "0 attempts"),
                1..=10 => (Outcome::Pass, "limits guessing of 6-digit codes"),
                _ => (
                    Outcome::Warn,
                    "more than 10 attempts per window helps code guessing",
                ),
            },
            None,
        );
        let window = self.number(
            "MFA_RATE_LIMIT_WINDOW_MINUTES",
            "auth.mfa_rate_limit_window",
            "minutes",
            |n| match n {
                0 => (Outcome::Fail, "a 0-minute window limits nothing"),
                _ => (Outcome::Pass, "set"),
            },
            None,
        );
        let parts = [issuer, codes, attempts, window];
        let parent = aggregate("auth.mfa_settings", "MFA settings", &parts);
        self.push(parent);
        for p in parts {
            self.push(p);
        }
    }

    fn twilio(&mut self) {
        let keys = [
            "TWILIO_ACCOUNT_SID",
            "TWILIO_AUTH_TOKEN",
            "TWILIO_PHONE_NUMBER",
        ];
        let ids = [
            "auth.twilio_account_sid",
            "auth.twilio_auth_token",
            "auth.twilio_phone_number",
        ];
        if keys.iter().all(|k| self.file.get(k).is_none()) {
            let why = format!(
                "no TWILIO_* setting in {}: SMS MFA through Twilio is not configured",
                self.shown
            );
            self.push(Finding::new("auth.twilio", Outcome::Skipped, why.clone()));
            for id in ids {
                self.push(Finding::new(id, Outcome::Skipped, why.clone()));
            }
            return;
        }
        let sid = match self.file.value(keys[0]) {
            None => self.missing(
                keys[0],
                ids[0],
                Outcome::Fail,
                "Set TWILIO_ACCOUNT_SID (AC followed by 32 hex digits).",
            ),
            Some(v)
                if v.len() == 34
                    && v.starts_with("AC")
                    && v[2..].chars().all(|c| c.is_ascii_hexdigit()) =>
            {
                self.at(
                    keys[0],
                    ids[0],
                    Outcome::Pass,
                    format!(
                        "TWILIO_ACCOUNT_SID is a well-formed account SID (AC…{})",
                        &v[30..]
                    ),
                )
            }
            Some(_) => self
                .at(
                    keys[0],
                    ids[0],
                    Outcome::Fail,
                    "TWILIO_ACCOUNT_SID is not AC followed by 32 hex digits",
                )
                .fix("Copy the Account SID from the Twilio console."),
        };
        let token = match self.file.value(keys[1]) {
            None => self.missing(keys[1], ids[1], Outcome::Fail, "Set TWILIO_AUTH_TOKEN."),
            Some(v) => {
                let d = describe(v);
                if let Some(why) = placeholder_reason(v) {
                    self.at(
                        keys[1],
                        ids[1],
                        Outcome::Fail,
                        format!("TWILIO_AUTH_TOKEN is {why} ({d})"),
                    )
                    .fix("Copy the auth token from the Twilio console (or use an API key).")
                } else if v.len() == 32 && v.chars().all(|c| c.is_ascii_hexdigit()) {
                    self.at(
                        keys[1],
                        ids[1],
                        Outcome::Pass,
                        format!("TWILIO_AUTH_TOKEN {d}"),
                    )
                } else {
                    self.at(
                        keys[1],
                        ids[1],
                        Outcome::Warn,
                        format!("TWILIO_AUTH_TOKEN {d}; Twilio auth tokens are 32 hex digits"),
                    )
                    .fix("Check the token against the Twilio console.")
                }
            }
        };
        let phone = match self.file.value(keys[2]) {
            None => self.missing(
                keys[2],
                ids[2],
                Outcome::Fail,
                "Set TWILIO_PHONE_NUMBER in E.164 form (+15551234567).",
            ),
            Some(v)
                if v.starts_with('+')
                    && (9..=16).contains(&v.len())
                    && v[1..].chars().all(|c| c.is_ascii_digit()) =>
            {
                self.at(
                    keys[2],
                    ids[2],
                    Outcome::Pass,
                    format!("TWILIO_PHONE_NUMBER={v} (E.164)"),
                )
            }
            Some(v) => self
                .at(
                    keys[2],
                    ids[2],
                    Outcome::Fail,
                    format!("TWILIO_PHONE_NUMBER={v:?} is not E.164 (+ and 8 to 15 digits)"),
                )
                .fix("Write the number as +<country><number>."),
        };
        let parts = [sid, token, phone];
        let parent = aggregate("auth.twilio", "Twilio settings", &parts);
        self.push(parent);
        for p in parts {
            self.push(p);
        }
    }

    fn sessions(&mut self) {
        let f = self.number(
            "SESSION_TIMEOUT_MINUTES",
            "auth.session_timeout",
            "minutes",
            |n| match n {
                0 => (Outcome::Fail, "0 minutes"),
                1..=60 => (Outcome::Pass, "an hour or less"),
                61..=480 => (Outcome::Warn, "longer than an hour"),
                _ => (Outcome::Fail, "longer than a working day"),
            },
            None,
        );
        self.push(f);
        let f = self.number(
            "MAX_CONCURRENT_SESSIONS",
            "auth.max_concurrent_sessions",
            "sessions",
            |n| match n {
                0 => (
                    Outcome::Fail,
                    "0 sessions: nobody can log in, or no limit, depending on the code",
                ),
                1..=10 => (Outcome::Pass, "limited"),
                _ => (Outcome::Warn, "more than 10 concurrent sessions per user"),
            },
            None,
        );
        self.push(f);
        let f = self.number(
            "TRUSTED_DEVICE_DAYS",
            "auth.trusted_device_days",
            "days",
            |n| match n {
                0..=30 => (Outcome::Pass, "30 days or less"),
                31..=90 => (Outcome::Warn, "longer than 30 days"),
                _ => (Outcome::Fail, "longer than 90 days"),
            },
            None,
        );
        self.push(f);
    }

    fn logging(&mut self) {
        let f = self.must_be_true(
            "AUDIT_LOG_ENABLED",
            "logging.audit_enabled",
            Outcome::Fail,
            "no audit trail",
        );
        self.push(f);
        let f = self.must_be_true(
            "AUDIT_LOG_ENCRYPTED",
            "logging.audit_encrypted",
            Outcome::Fail,
            "audit logs are stored in clear",
        );
        let mut g = f.clone();
        g.item = "compliance.audit_log_encryption".into();
        self.push(f);
        self.push(g);
        let f = self.number(
            "AUDIT_LOG_RETENTION_DAYS",
            "logging.audit_retention",
            "days",
            |n| {
                if n >= 2555 {
                    (Outcome::Pass, "at least 7 years (2555 days)")
                } else {
                    (
                        Outcome::Fail,
                        "less than the 7 years (2555 days) the checklist asks",
                    )
                }
            },
            None,
        );
        self.push(f);
        const K: &str = "LOG_LEVEL";
        let f = match self.file.value(K) {
            None => self.missing(K, "logging.log_level", Outcome::Warn, "Set LOG_LEVEL=INFO."),
            Some(v) => match v.to_ascii_uppercase().as_str() {
                "INFO" | "WARNING" | "WARN" => self.at(
                    K,
                    "logging.log_level",
                    Outcome::Pass,
                    format!("LOG_LEVEL={v}"),
                ),
                "DEBUG" | "TRACE" | "NOTSET" => self
                    .at(
                        K,
                        "logging.log_level",
                        Outcome::Fail,
                        format!("LOG_LEVEL={v}: debug logs leak request data"),
                    )
                    .fix("Set LOG_LEVEL=INFO or WARNING."),
                "ERROR" | "CRITICAL" | "FATAL" => self
                    .at(
                        K,
                        "logging.log_level",
                        Outcome::Warn,
                        format!("LOG_LEVEL={v}: security events at INFO/WARNING are dropped"),
                    )
                    .fix("Set LOG_LEVEL=INFO or WARNING."),
                _ => self
                    .at(
                        K,
                        "logging.log_level",
                        Outcome::Fail,
                        format!("LOG_LEVEL={v:?} is not a log level"),
                    )
                    .fix("Set LOG_LEVEL=INFO or WARNING."),
            },
        };
        self.push(f);
    }

    fn compliance(&mut self) {
        let f = self.must_be_true(
            "GDPR_COMPLIANCE",
            "compliance.gdpr_mode",
            Outcome::Warn,
            "GDPR mode is off (required if the platform processes EU personal data)",
        );
        self.push(f);
        let f = self.must_be_true(
            "SOC2_COMPLIANCE",
            "compliance.soc2_mode",
            Outcome::Warn,
            "SOC2 mode is off (required if SOC2 applies)",
        );
        self.push(f);
    }

    fn backup(&mut self) {
        let f = self.number(
            "BACKUP_RETENTION_DAYS",
            "backup.retention_days",
            "days",
            |n| match n {
                0..=6 => (Outcome::Fail, "less than a week of backups"),
                7..=29 => (Outcome::Warn, "less than 30 days of backups"),
                _ => (Outcome::Pass, "30 days or more"),
            },
            None,
        );
        self.push(f);
        let f = self.must_be_true(
            "CROSS_REGION_REPLICATION",
            "backup.cross_region",
            Outcome::Fail,
            "a regional outage takes the backups with it",
        );
        self.push(f);
        let f = self.number(
            "DR_RTO_MINUTES",
            "backup.dr_rto",
            "minutes",
            |n| match n {
                0 => (Outcome::Fail, "an RTO of 0 is not a plan"),
                1..=120 => (Outcome::Pass, "within the checklist's 120"),
                _ => (Outcome::Warn, "longer than the checklist's 120"),
            },
            Some("120"),
        );
        self.push(f);
        let f = self.number(
            "DR_RPO_MINUTES",
            "backup.dr_rpo",
            "minutes",
            |n| match n {
                0 => (Outcome::Warn, "an RPO of 0 needs synchronous replication"),
                1..=60 => (Outcome::Pass, "within the checklist's 60"),
                _ => (Outcome::Warn, "longer than the checklist's 60"),
            },
            Some("60"),
        );
        self.push(f);
    }

    fn aws(&mut self) {
        let keys = [
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_REGION",
            "S3_BACKUP_BUCKET",
            "S3_BACKUP_REPLICATION_BUCKET",
            "AWS_BACKUP_ROLE_ARN",
        ];
        let ids = [
            "backup.aws_credentials",
            "backup.aws_access_key_id",
            "backup.aws_secret_access_key",
            "backup.aws_region",
            "backup.s3_bucket",
            "backup.s3_replication_bucket",
            "backup.role_arn",
        ];
        if keys.iter().all(|k| self.file.get(k).is_none()) {
            let why = format!(
                "no AWS_* or S3_* setting in {}: AWS backup is not configured",
                self.shown
            );
            for id in ids {
                self.push(Finding::new(id, Outcome::Skipped, why.clone()));
            }
            return;
        }
        let role = self.file.value(keys[5]).is_some_and(is_role_arn);
        let no_static = |key: &str, id: &str| {
            if role {
                Finding::new(
                    id,
                    Outcome::Pass,
                    format!(
                        "{key} is not in {}: credentials come from the role in AWS_BACKUP_ROLE_ARN",
                        self.shown
                    ),
                )
            } else {
                Finding::new(
                    id,
                    Outcome::Warn,
                    format!("{key} is not set in {} and no AWS_BACKUP_ROLE_ARN names a role: where do credentials come from?", self.shown),
                )
                .fix("Use an IAM role for backups and set AWS_BACKUP_ROLE_ARN.")
            }
        };
        let key_id = match self.file.value(keys[0]) {
            None => no_static(keys[0], ids[1]),
            Some(v)
                if (v.starts_with("AKIA") || v.starts_with("ASIA"))
                    && v.len() == 20
                    && v.chars()
                        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()) =>
            {
                self.at(
                    keys[0],
                    ids[1],
                    Outcome::Pass,
                    format!(
                        "AWS_ACCESS_KEY_ID is a well-formed {} key id ({}…)",
                        if v.starts_with("AKIA") {
                            "long-term"
                        } else {
                            "temporary"
                        },
                        &v[..4]
                    ),
                )
            }
            Some(v) => self
                .at(
                    keys[0],
                    ids[1],
                    Outcome::Fail,
                    format!(
                        "AWS_ACCESS_KEY_ID is not an access key id (AKIA/ASIA + 16 characters); {}",
                        describe(v)
                    ),
                )
                .fix("Copy the key id from IAM, or use an instance role instead."),
        };
        let secret = match self.file.value(keys[1]) {
            None => no_static(keys[1], ids[2]),
            Some(v) => {
                let d = describe(v);
                if let Some(why) = placeholder_reason(v) {
                    self.at(
                        keys[1],
                        ids[2],
                        Outcome::Fail,
                        format!("AWS_SECRET_ACCESS_KEY is {why} ({d})"),
                    )
                    .fix("Use an instance role, or a real key from IAM.")
                } else if v.len() == 40
                    && v.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '/' || c == '+')
                {
                    self.at(
                        keys[1],
                        ids[2],
                        Outcome::Pass,
                        format!("AWS_SECRET_ACCESS_KEY {d}"),
                    )
                } else {
                    self.at(
                        keys[1],
                        ids[2],
                        Outcome::Fail,
                        format!(
                            "AWS_SECRET_ACCESS_KEY {d}; AWS secret keys are 40 base64 characters"
                        ),
                    )
                    .fix("Copy the secret key from IAM, or use an instance role instead.")
                }
            }
        };
        let region = match self.file.value(keys[2]) {
            None => self.missing(
                keys[2],
                ids[3],
                Outcome::Fail,
                "Set AWS_REGION, e.g. eu-west-1.",
            ),
            Some(v) if is_aws_region(v) => {
                self.at(keys[2], ids[3], Outcome::Pass, format!("AWS_REGION={v}"))
            }
            Some(v) => self
                .at(
                    keys[2],
                    ids[3],
                    Outcome::Fail,
                    format!("AWS_REGION={v:?} is not a region name like eu-west-1"),
                )
                .fix("Set AWS_REGION to a region name."),
        };
        let mut creds = aggregate(
            "backup.aws_credentials",
            "AWS credentials",
            &[key_id.clone(), secret.clone(), region.clone()],
        );
        if creds.outcome == Outcome::Pass && self.file.get(keys[0]).is_some() {
            creds.outcome = Outcome::Warn;
            creds.evidence.push_str("; static keys in an env file: an instance role or short-lived credentials are safer");
            creds.remediation = "Prefer an IAM role for the backup job over static keys.".into();
        }
        self.push(creds);
        self.push(key_id);
        self.push(secret);
        self.push(region);
        let primary = self.file.value(keys[3]).map(str::to_string);
        let bucket = |j: &Self, key: &str, id: &str| match j.file.value(key) {
            None => j.missing(
                key,
                id,
                Outcome::Fail,
                &format!("Set {key} to the bucket name."),
            ),
            Some(v) if is_bucket_name(v) => j.at(key, id, Outcome::Pass, format!("{key}={v}")),
            Some(v) => j
                .at(
                    key,
                    id,
                    Outcome::Fail,
                    format!("{key}={v:?} is not a valid S3 bucket name"),
                )
                .fix("Bucket names are 3-63 lowercase letters, digits, dots and hyphens."),
        };
        let b = bucket(self, keys[3], ids[4]);
        self.push(b);
        let mut r = bucket(self, keys[4], ids[5]);
        if r.outcome == Outcome::Pass && self.file.value(keys[4]).map(str::to_string) == primary {
            r.outcome = Outcome::Fail;
            r.evidence = format!(
                "{} is the same bucket as S3_BACKUP_BUCKET: no replication",
                keys[4]
            );
            r.remediation = "Replicate to a bucket in another region.".into();
        }
        self.push(r);
        let f = match self.file.value(keys[5]) {
            None => self.missing(
                keys[5],
                ids[6],
                Outcome::Fail,
                "Set AWS_BACKUP_ROLE_ARN=arn:aws:iam::123456789012:role/backup.",
            ),
            Some(v) if is_role_arn(v) => self.at(
                keys[5],
                ids[6],
                Outcome::Pass,
                format!("AWS_BACKUP_ROLE_ARN={v}"),
            ),
            Some(v) => self
                .at(
                    keys[5],
                    ids[6],
                    Outcome::Fail,
                    format!(
                        "AWS_BACKUP_ROLE_ARN={v:?} is not arn:aws:iam::<12 digits>:role/<name>"
                    ),
                )
                .fix("Copy the role ARN from IAM."),
        };
        self.push(f);
    }

    fn verify(&mut self) {
        let mut defaults = Vec::new();
        for key in self.file.keys() {
            let Some(e) = self.file.get(key) else {
                continue;
            };
            let v = e.value.trim();
            let secretish = is_secret_key(key);
            if let Some(why) = placeholder_reason(v)
                && (secretish || !v.is_empty())
                && (secretish || why != "a well-known default" || v.len() > 3)
            {
                if !secretish && (why == "a development value" || why == "a well-known default") {
                    continue;
                }
                defaults.push(format!("{key} (line {}): {why}", e.line));
                continue;
            }
            if let Ok(u) = Url::parse(v)
                && let Some(p) = u.password().map(crate::util::redact::percent_decode)
                && (placeholder_reason(&p).is_some() || p == u.username())
            {
                defaults.push(format!(
                    "{key} (line {}): the URL's password is a default",
                    e.line
                ));
            }
        }
        let f = if defaults.is_empty() {
            Finding::new(
                "verify.no_default_credentials",
                Outcome::Pass,
                format!(
                    "no placeholder or well-known default among {} keys of {}",
                    self.file.keys().len(),
                    self.shown
                ),
            )
        } else {
            Finding::new(
                "verify.no_default_credentials",
                Outcome::Fail,
                format!(
                    "{} defaults in {}: {}",
                    defaults.len(),
                    self.shown,
                    defaults.join("; ")
                ),
            )
            .fix("Replace every placeholder with a generated value before going live.")
        };
        self.push(f);

        const K: &str = "DEBUG";
        let f = match self.file.value(K) {
            None => self.missing(
                K,
                "verify.debug_off",
                Outcome::Warn,
                "Set DEBUG=false explicitly.",
            ),
            Some(v) => match boolean(v) {
                Some(false) => self.at(K, "verify.debug_off", Outcome::Pass, format!("DEBUG={v}")),
                Some(true) => self
                    .at(
                        K,
                        "verify.debug_off",
                        Outcome::Fail,
                        format!("DEBUG={v}: tracebacks and internals are shown to clients"),
                    )
                    .fix("Set DEBUG=false."),
                None => self
                    .at(
                        K,
                        "verify.debug_off",
                        Outcome::Fail,
                        format!("DEBUG={v:?} is not a boolean"),
                    )
                    .fix("Set DEBUG=false."),
            },
        };
        self.push(f);

        let f = if self.file.issues.is_empty() {
            Finding::new(
                "verify.env_reviewed",
                Outcome::Pass,
                format!(
                    "{} parses cleanly: {} keys, no duplicates",
                    self.shown,
                    self.file.keys().len()
                ),
            )
        } else {
            let list: Vec<String> = self
                .file
                .issues
                .iter()
                .map(|i| match i.line {
                    Some(l) => format!("line {l}: {}", i.message),
                    None => i.message.clone(),
                })
                .collect();
            let mut f = Finding::new(
                "verify.env_reviewed",
                Outcome::Warn,
                format!(
                    "{} problems in {}: {}",
                    list.len(),
                    self.shown,
                    list.join("; ")
                ),
            )
            .fix("Clean up the env file so every loader reads the same values.");
            if let Some(l) = self.file.issues.iter().find_map(|i| i.line) {
                f = f.at(self.shown, l);
            }
            f
        };
        self.push(f);
    }
}

trait EvidenceSuffix {
    fn with_evidence_suffix(self, why: &str) -> Self;
}

impl EvidenceSuffix for Finding {
    fn with_evidence_suffix(mut self, why: &str) -> Self {
        self.evidence = format!("{}: {why}", self.evidence);
        self
    }
}

/// The parent item of a group of settings: the worst of its children.
fn aggregate(id: &str, what: &str, parts: &[Finding]) -> Finding {
    let worst = Outcome::worst_of(
        parts
            .iter()
            .map(|p| p.outcome)
            .filter(|o| matches!(o, Outcome::Pass | Outcome::Warn | Outcome::Fail)),
    )
    .unwrap_or(Outcome::Unknown);
    let failing: Vec<&str> = parts
        .iter()
        .filter(|p| p.outcome != Outcome::Pass)
        .map(|p| p.item.as_str())
        .collect();
    let evidence = if failing.is_empty() {
        format!("{what}: all {} pass", parts.len())
    } else {
        format!(
            "{what}: {} of {} need attention ({})",
            failing.len(),
            parts.len(),
            failing.join(", ")
        )
    };
    Finding::new(id, worst, evidence)
}

/// localhost, 127.0.0.1, 0.0.0.0, [::1] (any port, any scheme), or `*`.
pub fn is_dev_origin(entry: &str) -> bool {
    let e = entry.trim();
    if e == "*" || e.contains("*") && !e.contains("*.") {
        return true;
    }
    let host_port = e.split_once("://").map_or(e, |(_, r)| r);
    let host_port = host_port.split('/').next().unwrap_or(host_port);
    let host = if let Some(rest) = host_port.strip_prefix('[') {
        rest.split(']').next().unwrap_or(rest)
    } else {
        host_port.split(':').next().unwrap_or(host_port)
    };
    let h = host.to_ascii_lowercase();
    h == "localhost"
        || h.ends_with(".localhost")
        || h.starts_with("127.")
        || h == "0.0.0.0"
        || h == "::1"
        || h == "::"
}

/// The TLS verdict of a database URL for its driver, and the fix.
fn db_tls(u: &Url) -> ((Outcome, String), String) {
    let scheme = u.scheme().to_ascii_lowercase();
    let params: BTreeMap<String, String> = u
        .query_pairs()
        .map(|(k, v)| (k.to_ascii_lowercase(), v.to_string()))
        .collect();
    let (family, driver) = scheme.split_once('+').unwrap_or((scheme.as_str(), ""));
    if !matches!(family, "postgresql" | "postgres") {
        return (
            (
                Outcome::Unknown,
                format!("a {family} URL: the checklist's TLS parameters are PostgreSQL's"),
            ),
            String::new(),
        );
    }
    let sslmode = params.get("sslmode").map(String::as_str);
    let ssl = params.get("ssl").map(String::as_str);
    if driver == "asyncpg" {
        if let Some(m) = sslmode {
            return (
                (
                    Outcome::Fail,
                    format!(
                        "asyncpg does not take sslmode= (sslmode={m}); the first connect fails"
                    ),
                ),
                "For postgresql+asyncpg:// use ssl=require (or ssl=verify-full).".into(),
            );
        }
        return match ssl {
            Some("require" | "verify-ca" | "verify-full" | "true") => (
                (
                    Outcome::Pass,
                    format!("asyncpg with ssl={}", ssl.unwrap_or("")),
                ),
                String::new(),
            ),
            Some(m) => (
                (
                    Outcome::Fail,
                    format!("asyncpg with ssl={m}: TLS is not enforced"),
                ),
                "Use ssl=require or ssl=verify-full.".into(),
            ),
            None => (
                (
                    Outcome::Fail,
                    "asyncpg without ssl=: connections may be plain text".into(),
                ),
                "Add ?ssl=require (or verify-full) to DATABASE_URL.".into(),
            ),
        };
    }
    if let Some(m) = ssl
        && sslmode.is_none()
    {
        return (
            (
                Outcome::Fail,
                format!(
                    "ssl={m} is asyncpg's parameter; the {} driver (libpq) takes sslmode=",
                    if driver.is_empty() { "default" } else { driver }
                ),
            ),
            "Use sslmode=require or sslmode=verify-full.".into(),
        );
    }
    match sslmode {
        Some("verify-full") => (
            (
                Outcome::Pass,
                "libpq with sslmode=verify-full: encrypted, server verified".into(),
            ),
            String::new(),
        ),
        Some(m @ ("require" | "verify-ca")) => (
            (
                Outcome::Pass,
                format!(
                    "libpq with sslmode={m}: encrypted (verify-full also checks the host name)"
                ),
            ),
            String::new(),
        ),
        Some(m) => (
            (
                Outcome::Fail,
                format!("libpq with sslmode={m}: TLS is not guaranteed"),
            ),
            "Use sslmode=require or sslmode=verify-full.".into(),
        ),
        None => (
            (
                Outcome::Fail,
                "no sslmode: libpq's default (prefer) falls back to plain text".into(),
            ),
            "Add ?sslmode=require (or verify-full) to DATABASE_URL.".into(),
        ),
    }
}

/// `eu-west-1` and the like.
pub fn is_aws_region(v: &str) -> bool {
    let parts: Vec<&str> = v.split('-').collect();
    parts.len() >= 3
        && parts[0].len() == 2
        && parts[0].chars().all(|c| c.is_ascii_lowercase())
        && parts[1..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase()))
        && parts[parts.len() - 1].chars().all(|c| c.is_ascii_digit())
        && !parts[parts.len() - 1].is_empty()
}

/// A valid S3 bucket name.
pub fn is_bucket_name(v: &str) -> bool {
    (3..=63).contains(&v.len())
        && v.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-')
        && v.starts_with(|c: char| c.is_ascii_alphanumeric())
        && v.ends_with(|c: char| c.is_ascii_alphanumeric())
        && !v.contains("..")
}

/// `arn:aws:iam::<12 digits>:role/<name>`.
pub fn is_role_arn(v: &str) -> bool {
    let Some(rest) = v
        .strip_prefix("arn:aws:iam::")
        .or_else(|| v.strip_prefix("arn:aws-cn:iam::"))
        .or_else(|| v.strip_prefix("arn:aws-us-gov:iam::"))
    else {
        return false;
    };
    let Some((account, role)) = rest.split_once(":role/") else {
        return false;
    };
    account.len() == 12
        && account.chars().all(|c| c.is_ascii_digit())
        && !role.is_empty()
        && role
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-/".contains(c))
}

/// The env file's permission check: wider than 0640 leaks secrets.
fn file_mode(path: &std::path::Path, shown: &str) -> Option<Finding> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o777;
    let f = if mode & 0o137 != 0 {
        Finding::new(
            "external.key_storage",
            Outcome::Fail,
            format!("{shown} has mode {mode:04o}: readable or writable beyond its owner and group"),
        )
        .fix(format!("chmod 600 {shown} (or 640 with a dedicated group)"))
    } else {
        Finding::new(
            "external.key_storage",
            Outcome::Pass,
            format!("{shown} has mode {mode:04o}"),
        )
    };
    Some(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> BTreeMap<String, Finding> {
        let f = envfile::parse(text.as_bytes());
        judge(&f, ".env", &CodeIndex::default())
            .into_iter()
            .map(|f| (f.item.clone(), f))
            .collect()
    }

    #[test]
    fn dev_origins() {
        for e in [
            "http://localhost:3000",
            "127.0.0.1",
            "http://0.0.0.0:8000",
            "http://[::1]:8000",
            "*",
            "localhost",
        ] {
            assert!(is_dev_origin(e), "{e}");
        }
        for e in [
            "https://app.optibid.io",
            "api.optibid.io",
            "https://*.optibid.io",
        ] {
            assert!(!is_dev_origin(e), "{e}");
        }
    }

    #[test]
    fn database_tls_follows_the_driver() {
        let o = |url: &str| run(&format!("DATABASE_URL={url}"))["database.url_tls"].outcome;
        assert_eq!(
            o("postgresql+asyncpg://u:p@h/db?sslmode=require"),
            Outcome::Fail
        );
        assert_eq!(
            o("postgresql+asyncpg://u:p@h/db?ssl=require"),
            Outcome::Pass
        );
        assert_eq!(o("postgresql+asyncpg://u:p@h/db"), Outcome::Fail);
        assert_eq!(
            o("postgresql://u:p@h/db?sslmode=verify-full"),
            Outcome::Pass
        );
        assert_eq!(
            o("postgresql+psycopg2://u:p@h/db?sslmode=require"),
            Outcome::Pass
        );
        assert_eq!(o("postgresql://u:p@h/db?sslmode=prefer"), Outcome::Fail);
        assert_eq!(o("postgresql://u:p@h/db?ssl=require"), Outcome::Fail);
        assert_eq!(o("postgresql://u:p@h/db"), Outcome::Fail);
        assert_eq!(o("sqlite:///app.db"), Outcome::Unknown);
    }

    #[test]
    fn urls_are_masked_in_evidence() {
        let r = run(
            "DATABASE_URL=postgresql://app:S3cr3tPassw0rdXyZ@db/x?sslmode=require\nREDIS_URL=redis://:R3disPassw0rdQq@r:6379/0\n",
        );
        for f in r.values() {
            assert!(!f.evidence.contains("S3cr3t"), "{}", f.evidence);
            assert!(!f.evidence.contains("R3dis"), "{}", f.evidence);
        }
        assert!(r["database.url_tls"].evidence.contains("app:****@db"));
        assert_eq!(r["rate_limit.redis_url"].outcome, Outcome::Warn);
    }

    #[test]
    fn small_validators() {
        assert!(is_aws_region("eu-west-1") && is_aws_region("us-gov-west-1"));
        assert!(!is_aws_region("europe") && !is_aws_region("eu-west"));
        assert!(is_bucket_name("optibid-backups.eu") && !is_bucket_name("Optibid_Backups"));
        assert!(is_role_arn("arn:aws:iam::123456789012:role/optibid-backup"));
        assert!(!is_role_arn("arn:aws:iam::1234:role/x") && !is_role_arn("arn:aws:s3:::bucket"));
        assert_eq!(crate::util::redact::percent_decode("p%40ss%2Fw"), "p@ss/w");
    }
}
