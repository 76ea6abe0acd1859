//! The answers `generate` needs: facts an operator gives once, none of
//! them secret. Read from TOML; a missing or malformed answer is an error
//! that names it, with file, line and column: never a silent default.

use std::path::Path;

use serde::{Deserialize, Serialize};

mod draft;
mod form;
pub mod grammar;
pub mod origin;

pub use draft::{draft, installed_nginx};
pub use form::{FieldError, fields, from_fields};

use crate::util::text::line_col;
use grammar::Refusal;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Answers {
    pub project: Project,
    pub domains: Domains,
    pub app: App,
    pub tls: Tls,
    pub redis: Redis,
    pub database: Database,
    pub logging: Logging,
    pub compliance: Compliance,
    pub mfa: Mfa,
    pub backup: Backup,
    pub dr: Dr,
    pub incident: Incident,
    pub ci: Ci,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Project {
    pub name: String,
    pub slug: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Domains {
    pub api: String,
    pub origins: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct App {
    pub upstream: String,
    pub listen_http: Listen,
    pub listen_https: Listen,
    pub max_body: String,
    /// The nginx version the server runs (`nginx -v`): 1.25.1 and later
    /// take `http2 on;` instead of the deprecated `listen … http2`.
    pub nginx_version: String,
}

/// What nginx `listen`s on: a port, or an address and port.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Listen {
    Port(u16),
    Address(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tls {
    pub certificate: String,
    pub key: String,
    pub ocsp_stapling: bool,
    /// With OCSP stapling: the resolvers nginx asks for the responder's
    /// address (IP addresses, space-separated).
    #[serde(default)]
    pub resolver: String,
    /// With OCSP stapling: the issuer chain nginx verifies the OCSP
    /// answer against (absolute path).
    #[serde(default)]
    pub trusted_certificate: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Redis {
    pub host: String,
    pub port: u16,
    pub user: String,
    /// Where Redis keeps its append-only file and snapshots.
    pub data_dir: String,
    /// Redis's TLS certificate, key and the CA that issued them: required
    /// when `host` is not loopback (clients then reach Redis over a
    /// network, and only TLS is spoken), optional on loopback.
    #[serde(default)]
    pub tls_certificate: String,
    #[serde(default)]
    pub tls_key: String,
    #[serde(default)]
    pub tls_ca: String,
}

impl Redis {
    /// True when Redis speaks only TLS: its host is not loopback, or its
    /// certificate was given.
    pub fn tls(&self) -> bool {
        !self.host.starts_with("127.") || !self.tls_certificate.is_empty()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Driver {
    Asyncpg,
    Psycopg2,
    Psycopg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DbTls {
    Require,
    VerifyFull,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Database {
    pub driver: Driver,
    pub host: String,
    pub port: u16,
    pub name: String,
    pub user: String,
    pub tls: DbTls,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Logging {
    pub level: String,
    pub directory: String,
    pub audit_retention_days: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Compliance {
    pub gdpr: bool,
    pub soc2: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mfa {
    pub issuer: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Backup {
    pub bucket: String,
    pub replication_bucket: String,
    pub region: String,
    pub role_arn: String,
    pub retention_days: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dr {
    pub rto_minutes: u32,
    pub rpo_minutes: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Incident {
    pub security_contact: String,
    pub on_call: String,
    pub escalation: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ci {
    pub requirements: String,
}

/// Why answers cannot be used: `file:line:column: what`, or `file: what`
/// when the file could not be read at all (line 0).
#[derive(Debug, thiserror::Error)]
#[error("{file}{}: {message}", if *line == 0 { String::new() } else { format!(":{line}:{column}") })]
pub struct AnswersError {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Reads and checks an answers file.
///
/// # Errors
/// [`AnswersError`] naming the missing or bad answer and where.
pub fn load(path: &Path) -> Result<Answers, AnswersError> {
    let file = path.display().to_string();
    let text =
        crate::util::fsio::read_input_text(path, crate::util::fsio::SMALL_CAP).map_err(|e| {
            AnswersError {
                file: file.clone(),
                line: 0,
                column: 0,
                message: format!("cannot read: {e}"),
            }
        })?;
    parse(&text, &file)
}

/// Parses and checks answers TOML.
///
/// # Errors
/// [`AnswersError`] naming the missing or bad answer and where.
pub fn parse(text: &str, file: &str) -> Result<Answers, AnswersError> {
    let err = |at: usize, message: String| {
        let (line, column) = line_col(text, at);
        AnswersError {
            file: file.to_string(),
            line,
            column,
            message,
        }
    };
    let a: Answers = toml::from_str(text).map_err(|e| {
        let msg = e.message().trim_end().to_string();
        let at = e.span().map_or(0, |s| s.start);
        let msg = match msg.strip_prefix("missing field `") {
            Some(rest) => format!("missing answer `{}`", rest.trim_end_matches('`')),
            None => match key_at(text, at) {
                Some(k) => format!("{k}: {msg}"),
                None => msg,
            },
        };
        err(at, msg)
    })?;
    let mut a = a;
    check(&mut a).map_err(|r| {
        let (section, key) = r.key.split_once('.').unwrap_or(("", &r.key));
        err(locate(text, section, key), r.message)
    })?;
    Ok(a)
}

/// The `section.key` written on the line that holds byte `at`.
fn key_at(text: &str, at: usize) -> Option<String> {
    let before = text.get(..at)?;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = text[line_start..].lines().next()?;
    let key = line.split_once('=')?.0.trim();
    if key.is_empty() || key.starts_with('[') || key.starts_with('#') {
        return None;
    }
    let section = before[..line_start]
        .lines()
        .rev()
        .find_map(|l| {
            let t = l.trim();
            t.strip_prefix('[')
                .and_then(|r| r.strip_suffix(']'))
                .map(|s| s.trim().to_string())
        })
        .unwrap_or_default();
    Some(if section.is_empty() || key.contains('.') {
        key.to_string()
    } else {
        format!("{section}.{key}")
    })
}

/// Where `key` of `[section]` is written (its line's first byte), or 0.
fn locate(text: &str, section: &str, key: &str) -> usize {
    let mut offset = 0;
    let mut inside = section.is_empty();
    let mut fallback = None;
    for line in text.split_inclusive('\n') {
        let t = line.trim();
        if t.starts_with('[') {
            inside = t.trim_start_matches('[').trim_end_matches(']').trim() == section;
        } else if let Some(rest) = t.strip_prefix(key)
            && rest.trim_start().starts_with('=')
        {
            if inside {
                return offset + (line.len() - line.trim_start().len());
            }
            fallback.get_or_insert(offset);
        } else if let Some(rest) = t.strip_prefix(&format!("{section}.{key}"))
            && rest.trim_start().starts_with('=')
        {
            return offset;
        }
        offset += line.len();
    }
    fallback.unwrap_or(0)
}

/// Checks every answer against its grammar (see [`grammar`]) and puts
/// host names and origins in their normal (ASCII) form.
///
/// # Errors
/// The first answer that does not fit, with its `section.key`.
pub fn check(a: &mut Answers) -> Result<(), Refusal> {
    use crate::detect::values::{is_aws_region, is_bucket_name, is_role_arn};
    // Answers hold no secret (they are kept in the state file): a value
    // that holds one of this review's secrets is refused, whatever the key.
    for (key, value) in fields(a) {
        if crate::util::redact::refuse_secret("answer", &value).is_err() {
            return Err(Refusal {
                message: format!(
                    "{key}: holds a secret of this review; answers are stored in the state file and must hold none"
                ),
                key,
            });
        }
    }
    a.project.name = grammar::text("project.name", &a.project.name)?;
    a.project.slug = grammar::slug("project.slug", &a.project.slug)?;
    a.domains.api = grammar::host("domains.api", &a.domains.api)?;
    if a.domains.origins.is_empty() {
        return Err(Refusal {
            key: "domains.origins".into(),
            message: "domains.origins needs at least one https:// origin".into(),
        });
    }
    for o in &mut a.domains.origins {
        *o = grammar::origin("domains.origins", o)?;
    }
    a.app.upstream = grammar::host_port("app.upstream", &a.app.upstream)?;
    for (key, l) in [
        ("app.listen_http", &mut a.app.listen_http),
        ("app.listen_https", &mut a.app.listen_https),
    ] {
        match l {
            Listen::Port(0) => {
                return Err(Refusal {
                    key: key.into(),
                    message: format!("{key}: port 0 is not a port nginx can listen on"),
                });
            }
            Listen::Port(_) => {}
            Listen::Address(s) => *s = grammar::listen(key, s)?,
        }
    }
    a.app.max_body = grammar::size("app.max_body", &a.app.max_body)?;
    a.tls.certificate = grammar::abs_path("tls.certificate", &a.tls.certificate)?;
    a.tls.key = grammar::abs_path("tls.key", &a.tls.key)?;
    a.app.nginx_version = grammar::nginx_version("app.nginx_version", &a.app.nginx_version)?;
    if a.tls.ocsp_stapling || !a.tls.resolver.is_empty() {
        a.tls.resolver = grammar::resolvers("tls.resolver", &a.tls.resolver)?;
    }
    if a.tls.ocsp_stapling || !a.tls.trusted_certificate.is_empty() {
        a.tls.trusted_certificate =
            grammar::abs_path("tls.trusted_certificate", &a.tls.trusted_certificate)?;
    }
    a.redis.host = grammar::private_ip("redis.host", &a.redis.host)?;
    a.redis.user = grammar::word("redis.user", &a.redis.user)?;
    a.redis.data_dir = grammar::abs_path("redis.data_dir", &a.redis.data_dir)?;
    if a.redis.tls() {
        for (key, v) in [
            ("redis.tls_certificate", &mut a.redis.tls_certificate),
            ("redis.tls_key", &mut a.redis.tls_key),
            ("redis.tls_ca", &mut a.redis.tls_ca),
        ] {
            if v.is_empty() {
                return Err(Refusal {
                    key: key.into(),
                    message: format!(
                        "{key}: Redis on {} is reached over a network, so it speaks only TLS: give its certificate, key and CA (absolute paths)",
                        a.redis.host
                    ),
                });
            }
            *v = grammar::abs_path(key, v)?;
        }
    }
    a.database.host = grammar::host("database.host", &a.database.host)?;
    a.database.name = grammar::db_ident("database.name", &a.database.name)?;
    a.database.user = grammar::db_ident("database.user", &a.database.user)?;
    for (key, port) in [
        ("redis.port", a.redis.port),
        ("database.port", a.database.port),
    ] {
        if port == 0 {
            return Err(Refusal {
                key: key.into(),
                message: format!("{key}: 0 is not a port"),
            });
        }
    }
    if !matches!(a.logging.level.as_str(), "INFO" | "WARNING") {
        return Err(Refusal {
            key: "logging.level".into(),
            message: format!(
                "logging.level {:?}: the checklist asks INFO or WARNING",
                crate::util::redact::escape_controls(&a.logging.level)
            ),
        });
    }
    a.logging.directory = grammar::abs_path("logging.directory", &a.logging.directory)?;
    if a.logging.audit_retention_days < crate::detect::values::AUDIT_RETENTION_DAYS {
        return Err(Refusal {
            key: "logging.audit_retention_days".into(),
            message: "logging.audit_retention_days: the checklist asks at least 2555 (7 years)"
                .into(),
        });
    }
    a.mfa.issuer = grammar::env_text("mfa.issuer", &a.mfa.issuer)?;
    let fact = |key: &str, v: &str, ok: fn(&str) -> bool, what: &str| {
        if ok(v) {
            Ok(())
        } else {
            Err(Refusal {
                key: key.to_string(),
                message: format!(
                    "{key} {} is not {what}",
                    crate::util::redact::escape_controls(&format!("{v:?}"))
                ),
            })
        }
    };
    fact(
        "backup.role_arn",
        &a.backup.role_arn,
        is_role_arn,
        "arn:aws:iam::<12 digits>:role/<name>",
    )?;
    fact(
        "backup.bucket",
        &a.backup.bucket,
        is_bucket_name,
        "a valid S3 bucket name",
    )?;
    fact(
        "backup.replication_bucket",
        &a.backup.replication_bucket,
        is_bucket_name,
        "a valid S3 bucket name",
    )?;
    if a.backup.bucket == a.backup.replication_bucket {
        return Err(Refusal {
            key: "backup.replication_bucket".into(),
            message: "backup.replication_bucket must differ from backup.bucket".into(),
        });
    }
    fact(
        "backup.region",
        &a.backup.region,
        is_aws_region,
        "a region like eu-west-1",
    )?;
    // The same floors the env detectors fail below: a value the generated
    // file would then fail is refused before anything is written.
    for (key, n, min, why) in [
        (
            "backup.retention_days",
            a.backup.retention_days,
            7,
            "less than a week of backups",
        ),
        (
            "dr.rto_minutes",
            a.dr.rto_minutes,
            1,
            "an RTO of 0 is not a plan",
        ),
    ] {
        if n < min {
            return Err(Refusal {
                key: key.into(),
                message: format!("{key} = {n}: {why} (at least {min})"),
            });
        }
    }
    a.incident.security_contact =
        grammar::contact("incident.security_contact", &a.incident.security_contact)?;
    a.incident.on_call = grammar::text("incident.on_call", &a.incident.on_call)?;
    if a.incident.escalation.is_empty() {
        return Err(Refusal {
            key: "incident.escalation".into(),
            message: "incident.escalation needs at least one step".into(),
        });
    }
    for e in &mut a.incident.escalation {
        *e = grammar::text("incident.escalation", e)?;
    }
    a.ci.requirements = grammar::rel_path("ci.requirements", &a.ci.requirements)?;
    Ok(())
}

/// The example answers, compiled in for drafts.
pub const EXAMPLE_TEXT: &str = include_str!("../../examples/answers.toml");

#[cfg(test)]
mod tests;
