//! The answers `generate` needs: facts an operator gives once, none of
//! them secret. Read from TOML; a missing or malformed answer is an error
//! that names it, with file, line and column: never a silent default.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::checklist::line_col;

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

/// Why answers cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("{file}:{line}:{column}: {message}")]
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
    let text = std::fs::read_to_string(path).map_err(|e| AnswersError {
        file: file.clone(),
        line: 0,
        column: 0,
        message: format!("cannot read: {e}"),
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
        let msg = match msg.strip_prefix("missing field `") {
            Some(rest) => format!("missing answer `{}`", rest.trim_end_matches('`')),
            None => msg,
        };
        err(e.span().map_or(0, |s| s.start), msg)
    })?;
    let at = |needle: &str| text.find(needle).unwrap_or(0);
    let word = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
    };
    if !word(&a.project.slug) {
        return Err(err(
            at("slug"),
            "project.slug must be lowercase letters, digits, - and _".into(),
        ));
    }
    if a.domains.api.is_empty() || a.domains.api.contains('/') || a.domains.api.contains(':') {
        return Err(err(
            at("api"),
            format!("domains.api {:?} must be a bare host name", a.domains.api),
        ));
    }
    if a.domains.origins.is_empty() {
        return Err(err(
            at("origins"),
            "domains.origins needs at least one https:// origin".into(),
        ));
    }
    for o in &a.domains.origins {
        let ok = url::Url::parse(o)
            .is_ok_and(|u| u.scheme() == "https" && u.host_str().is_some() && u.path() == "/");
        if !ok || crate::detect::env::is_dev_origin(o) || o.ends_with('/') {
            return Err(err(
                at(o),
                format!("domains.origins: {o:?} is not a production https://host[:port] origin"),
            ));
        }
    }
    if a.app
        .upstream
        .rsplit_once(':')
        .is_none_or(|(h, p)| h.is_empty() || p.parse::<u16>().is_err())
    {
        return Err(err(
            at("upstream"),
            format!("app.upstream {:?} must be host:port", a.app.upstream),
        ));
    }
    if !matches!(a.logging.level.as_str(), "INFO" | "WARNING") {
        return Err(err(
            at("level"),
            format!(
                "logging.level {:?}: the checklist asks INFO or WARNING",
                a.logging.level
            ),
        ));
    }
    if a.logging.audit_retention_days < 2555 {
        return Err(err(
            at("audit_retention_days"),
            "logging.audit_retention_days: the checklist asks at least 2555 (7 years)".into(),
        ));
    }
    if a.redis.user.is_empty() || !word(&a.redis.user) {
        return Err(err(at("user"), "redis.user must be a plain name".into()));
    }
    Ok(a)
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = include_str!("../../examples/answers.toml");

    #[test]
    fn the_example_parses() {
        let a = parse(EXAMPLE, "answers.toml").unwrap();
        assert_eq!(a.domains.api, "api.example.com");
        assert_eq!(a.database.driver, Driver::Asyncpg);
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
        ] {
            let text = EXAMPLE.replace(from, to);
            assert_ne!(text, EXAMPLE, "{from}");
            let e = parse(&text, "a.toml").unwrap_err();
            assert!(e.message.contains(needle), "{from}: {e}");
            assert!(e.line > 1, "{from}: {e}");
        }
    }
}
