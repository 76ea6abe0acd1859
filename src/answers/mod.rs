//! The answers `generate` needs: facts an operator gives once, none of
//! them secret. Read from TOML; a missing or malformed answer is an error
//! that names it, with file, line and column: never a silent default.

use std::path::Path;

use serde::{Deserialize, Serialize};

pub mod grammar;

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
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Redis {
    pub host: String,
    pub port: u16,
    pub user: String,
    /// Where Redis keeps its append-only file and snapshots.
    pub data_dir: String,
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
    a.redis.host = grammar::private_ip("redis.host", &a.redis.host)?;
    a.redis.user = grammar::word("redis.user", &a.redis.user)?;
    a.redis.data_dir = grammar::abs_path("redis.data_dir", &a.redis.data_dir)?;
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
    if a.logging.audit_retention_days < 2555 {
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

/// Answers prefilled from what the project already says: the env file's
/// origins, database, Redis, logging, backup and DR settings, and the URLs
/// the operator gave. Everything else is the example's value, to review.
pub fn draft(env: &crate::detect::envfile::EnvFile, urls: &[String]) -> Answers {
    let mut a =
        parse(EXAMPLE_TEXT, "examples/answers.toml").unwrap_or_else(|_| unreachable_example());
    let v = |k: &str| env.value(k).map(str::to_string).filter(|s| !s.is_empty());
    if let Some(h) = v("ALLOWED_HOSTS") {
        let origins = crate::detect::values::production_origins(&h);
        if !origins.is_empty() {
            a.domains.origins = origins;
        }
    }
    if let Some(host) = urls
        .first()
        .and_then(|u| url::Url::parse(u).ok())
        .and_then(|u| u.host_str().map(str::to_string))
    {
        a.domains.api = host;
    }
    if let Some(u) = v("DATABASE_URL").and_then(|d| url::Url::parse(&d).ok()) {
        if let Some(h) = u.host_str() {
            a.database.host = h.to_string();
        }
        if let Some(p) = u.port() {
            a.database.port = p;
        }
        if !u.username().is_empty() {
            a.database.user = u.username().to_string();
        }
        let name = u.path().trim_start_matches('/');
        if !name.is_empty() {
            a.database.name = name.to_string();
        }
        a.database.driver = match u.scheme() {
            s if s.contains("asyncpg") => Driver::Asyncpg,
            s if s.contains("psycopg2") => Driver::Psycopg2,
            s if s.contains("psycopg") => Driver::Psycopg,
            _ => a.database.driver,
        };
    }
    if let Some(u) = v("REDIS_URL").and_then(|r| url::Url::parse(&r).ok()) {
        if let Some(h) = u.host_str() {
            a.redis.host = h.to_string();
        }
        if let Some(p) = u.port() {
            a.redis.port = p;
        }
    }
    if let Some(l) = v("LOG_LEVEL")
        .map(|l| l.to_ascii_uppercase())
        .filter(|l| l == "INFO" || l == "WARNING")
    {
        a.logging.level = l;
    }
    let num = |k: &str| v(k).and_then(|x| x.parse::<u32>().ok());
    if let Some(n) = num("AUDIT_LOG_RETENTION_DAYS").filter(|n| *n >= 2555) {
        a.logging.audit_retention_days = n;
    }
    if let Some(n) = num("BACKUP_RETENTION_DAYS") {
        a.backup.retention_days = n;
    }
    if let Some(n) = num("DR_RTO_MINUTES") {
        a.dr.rto_minutes = n;
    }
    if let Some(n) = num("DR_RPO_MINUTES") {
        a.dr.rpo_minutes = n;
    }
    use crate::detect::values::{is_aws_region, is_bucket_name, is_role_arn};
    let valid = |k: &str, ok: fn(&str) -> bool| {
        v(k).filter(|x| ok(x) && crate::detect::secrets::placeholder_reason(x).is_none())
    };
    if let Some(x) = valid("S3_BACKUP_BUCKET", is_bucket_name) {
        a.backup.bucket = x;
    }
    if let Some(x) = valid("S3_BACKUP_REPLICATION_BUCKET", is_bucket_name) {
        a.backup.replication_bucket = x;
    }
    if let Some(x) = valid("AWS_REGION", is_aws_region) {
        a.backup.region = x;
    }
    if let Some(x) = valid("AWS_BACKUP_ROLE_ARN", is_role_arn) {
        a.backup.role_arn = x;
    }
    if let Some(x) = valid("MFA_ISSUER_NAME", |x| !x.contains(['"', '\n'])) {
        a.mfa.issuer = x;
    }
    settle(a)
}

/// A draft every answer of which passes its grammar: a value taken from
/// the project that does not (a Redis host name, a 3-day retention) is put
/// back to the example's, for the operator to review.
fn settle(mut a: Answers) -> Answers {
    let example =
        parse(EXAMPLE_TEXT, "examples/answers.toml").unwrap_or_else(|_| unreachable_example());
    for _ in 0..64 {
        let mut c = a.clone();
        let Err(r) = check(&mut c) else {
            return c;
        };
        let (Ok(toml::Value::Table(mut t)), Ok(toml::Value::Table(e))) =
            (toml::Value::try_from(&a), toml::Value::try_from(&example))
        else {
            break;
        };
        let (section, key) = r.key.split_once('.').unwrap_or(("", &r.key));
        let Some(old) = e.get(section).and_then(|s| s.get(key)).cloned() else {
            break;
        };
        if let Some(toml::Value::Table(st)) = t.get_mut(section) {
            st.insert(key.to_string(), old);
        }
        match toml::Value::Table(t).try_into() {
            Ok(next) => a = next,
            Err(_) => break,
        }
    }
    example
}

/// The example answers, compiled in for drafts.
pub const EXAMPLE_TEXT: &str = include_str!("../../examples/answers.toml");

fn unreachable_example() -> Answers {
    // The example is parsed by a test; reaching this is a build defect.
    panic!("examples/answers.toml does not parse")
}

/// The answers as editable fields: `section.key` and the value as text
/// (strings bare, lists comma-separated).
pub fn fields(a: &Answers) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let Ok(toml::Value::Table(t)) = toml::Value::try_from(a) else {
        return out;
    };
    for (section, v) in &t {
        if let toml::Value::Table(inner) = v {
            for (k, val) in inner {
                let text = match val {
                    toml::Value::String(s) => s.clone(),
                    toml::Value::Array(xs) => xs
                        .iter()
                        .map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_string))
                        .collect::<Vec<_>>()
                        .join(", "),
                    other => other.to_string(),
                };
                out.push((format!("{section}.{k}"), text));
            }
        }
    }
    // The order of the answers file, not the alphabet.
    const ORDER: [&str; 13] = [
        "project",
        "domains",
        "app",
        "tls",
        "redis",
        "database",
        "logging",
        "compliance",
        "mfa",
        "backup",
        "dr",
        "incident",
        "ci",
    ];
    out.sort_by_key(|(k, _)| {
        ORDER
            .iter()
            .position(|s| k.split('.').next() == Some(s))
            .unwrap_or(99)
    });
    out
}

/// Why an edited field of the wizard's answers form is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FieldError {
    #[error("{field}: {text:?} is not a whole number")]
    NotANumber { field: String, text: String },
    #[error("{field}: write true or false")]
    NotABoolean { field: String },
    /// The answers' grammar or floors refused the value; the text says why.
    #[error("{0}")]
    Refused(String),
}

/// Rebuilds answers from edited fields, typed like `like`, then checks them.
///
/// # Errors
/// The first field that does not fit, named.
pub fn from_fields(like: &Answers, edited: &[(String, String)]) -> Result<Answers, FieldError> {
    let Ok(toml::Value::Table(mut t)) = toml::Value::try_from(like) else {
        return Err(FieldError::Refused("cannot serialise the answers".into()));
    };
    for (name, text) in edited {
        let Some((section, key)) = name.split_once('.') else {
            continue;
        };
        let Some(toml::Value::Table(inner)) = t.get_mut(section) else {
            continue;
        };
        let Some(old) = inner.get(key) else { continue };
        let new = match old {
            toml::Value::String(_) => toml::Value::String(text.trim().to_string()),
            toml::Value::Array(_) => toml::Value::Array(
                text.split(',')
                    .map(|x| x.trim())
                    .filter(|x| !x.is_empty())
                    .map(|x| toml::Value::String(x.to_string()))
                    .collect(),
            ),
            toml::Value::Integer(_) => {
                toml::Value::Integer(text.trim().parse().map_err(|_| FieldError::NotANumber {
                    field: name.clone(),
                    text: text.clone(),
                })?)
            }
            toml::Value::Boolean(_) => toml::Value::Boolean(match text.trim() {
                "true" | "yes" => true,
                "false" | "no" => false,
                _ => {
                    return Err(FieldError::NotABoolean {
                        field: name.clone(),
                    });
                }
            }),
            other => other.clone(),
        };
        inner.insert(key.to_string(), new);
    }
    let text = toml::to_string(&t).map_err(|e| FieldError::Refused(e.to_string()))?;
    parse(&text, "the answers").map_err(|e| FieldError::Refused(e.message))
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = EXAMPLE_TEXT;

    #[test]
    fn the_example_parses() {
        let a = parse(EXAMPLE, "answers.toml").unwrap();
        assert_eq!(a.domains.api, "api.example.com");
        assert_eq!(a.database.driver, Driver::Asyncpg);
    }

    #[test]
    fn drafts_take_what_the_env_file_says() {
        let env = crate::detect::envfile::parse(
            b"ALLOWED_HOSTS=https://shop.acme.test,http://localhost:3000\nDATABASE_URL=postgresql+psycopg2://u:p@db.acme.test:6432/shop?sslmode=require\nREDIS_URL=redis://:x@10.0.0.5:6380/0\nDR_RTO_MINUTES=90\nMFA_ISSUER_NAME=your-issuer-here\nAWS_BACKUP_ROLE_ARN=arn:aws:iam::ACCOUNT_ID:role/x\n",
        );
        let a = draft(&env, &["https://api.acme.test".to_string()]);
        assert_eq!(a.domains.origins, vec!["https://shop.acme.test"]);
        assert_eq!(a.domains.api, "api.acme.test");
        assert_eq!(
            (a.database.host.as_str(), a.database.port, a.database.driver),
            ("db.acme.test", 6432, Driver::Psycopg2)
        );
        assert_eq!((a.redis.host.as_str(), a.redis.port), ("10.0.0.5", 6380));
        assert_eq!(a.dr.rto_minutes, 90);
        assert_eq!(a.mfa.issuer, "OptiBid Energy", "placeholders are not taken");
        assert_eq!(
            a.backup.role_arn, "arn:aws:iam::123456789012:role/optibid-backup",
            "malformed values are not taken"
        );
        let text = toml::to_string(&a).unwrap();
        assert!(parse(&text, "draft").is_ok(), "a draft always validates");
    }

    #[test]
    fn a_draft_puts_back_what_fails_the_grammar() {
        let env = crate::detect::envfile::parse(
            b"REDIS_URL=redis://redis.internal:6379/0\nBACKUP_RETENTION_DAYS=3\nDR_RTO_MINUTES=45\n",
        );
        let a = draft(&env, &[]);
        assert_eq!(
            a.redis.host, "127.0.0.1",
            "bind takes an address, not a name"
        );
        assert_eq!(a.backup.retention_days, 35, "3 days is below the floor");
        assert_eq!(a.dr.rto_minutes, 45, "a good value is kept");
        assert!(parse(&toml::to_string(&a).unwrap(), "draft").is_ok());
    }

    #[test]
    fn an_answer_holding_a_secret_of_the_review_is_refused() {
        crate::util::redact::remember("Zq8vN3kLp0xR7tYw2mJd5sHf9gBc4aEu");
        let text = EXAMPLE.replace(
            "issuer = \"OptiBid Energy\"",
            "issuer = \"Zq8vN3kLp0xR7tYw2mJd5sHf9gBc4aEu\"",
        );
        let e = parse(&text, "a.toml").unwrap_err();
        assert!(
            e.message.contains("mfa.issuer") && e.message.contains("holds a secret"),
            "{e}"
        );
        assert!(!e.to_string().contains("Zq8vN3kL"), "{e}");
    }

    #[test]
    fn fields_round_trip_and_check() {
        let a = parse(EXAMPLE, "x").unwrap();
        let mut f = fields(&a);
        assert!(f.iter().any(|(k, v)| k == "domains.origins"
            && v == "https://app.example.com, https://www.example.com"));
        assert_eq!(from_fields(&a, &f).unwrap(), a);
        for (k, v) in f.iter_mut() {
            if k == "dr.rto_minutes" {
                *v = "soon".into();
            }
        }
        assert!(
            from_fields(&a, &f)
                .unwrap_err()
                .to_string()
                .contains("dr.rto_minutes")
        );
        let mut f = fields(&a);
        for (k, v) in f.iter_mut() {
            if k == "logging.level" {
                *v = "DEBUG".into();
            }
        }
        assert!(
            from_fields(&a, &f)
                .unwrap_err()
                .to_string()
                .contains("INFO or WARNING")
        );
    }

    #[test]
    fn a_missing_answer_is_named() {
        let text = EXAMPLE.replace("rto_minutes = 120\n", "");
        let e = parse(&text, "a.toml").unwrap_err();
        assert!(
            e.to_string().contains("missing answer `rto_minutes`"),
            "{e}"
        );
        assert!(e.line > 0);
    }

    #[test]
    fn bad_answers_say_what_and_where() {
        for (from, to, needle) in [
            (
                "\"https://app.example.com\", ",
                "\"http://localhost:3000\", ",
                "not a production",
            ),
            ("level = \"INFO\"", "level = \"DEBUG\"", "INFO or WARNING"),
            (
                "audit_retention_days = 2555",
                "audit_retention_days = 90",
                "2555",
            ),
            (
                "upstream = \"127.0.0.1:8000\"",
                "upstream = \"somewhere\"",
                "host:port",
            ),
            (
                "driver = \"asyncpg\"",
                "driver = \"mysql\"",
                "unknown variant `mysql`",
            ),
            ("[ci]", "[ci]\nextra = 1", "unknown field `extra`"),
            ("role/optibid-backup", "role/", "not arn:aws:iam"),
            (
                "region = \"eu-west-1\"",
                "region = \"Europe\"",
                "not a region",
            ),
        ] {
            let text = EXAMPLE.replace(from, to);
            assert_ne!(text, EXAMPLE, "{from}");
            let e = parse(&text, "a.toml").unwrap_err();
            assert!(e.message.contains(needle), "{from}: {e}");
            assert!(e.line > 1, "{from}: {e}");
        }
    }
}
