//! Generated configuration: answers → rendered files (minijinja templates
//! in `templates/`) → a plan with a diff per file → a safe write.
//!
//! Safety rules: nothing is written outside the output folder or through a
//! symbolic link; an existing file is copied to a backup before it is
//! replaced; every write is a temp file, fsync and rename; files that hold
//! secrets are 0600; secrets appear in the files only (diffs and messages
//! mask them). The same answers give the same files: existing secrets are
//! kept unless rotation is asked, and the stamp's date alone is no change.

pub mod escape;
mod secrets;
mod write;

pub use secrets::{Secrets, random_hex32};
use write::refuse_out;
pub use write::{GenerateLock, INTERRUPTED, JOURNAL, LOCK_FILE, recover, write};

use std::fs;
use std::io;
use std::path::{Component, Path};

use minijinja::{Environment, UndefinedBehavior, Value, context};

use crate::answers::{Answers, DbTls, Driver};

use crate::detect::envfile;

/// Where the env file goes in the output folder.
pub const ENV_FILE: &str = ".env.production";

/// One file to generate.
struct Spec {
    path: &'static str,
    template: &'static str,
    source: &'static str,
    secret: bool,
    /// What the stamp says the file follows.
    follows: &'static str,
}

const SPECS: &[Spec] = &[
    Spec {
        path: ENV_FILE,
        template: "env.production",
        source: include_str!("../../templates/env.production.j2"),
        secret: true,
        follows: "the production security checklist, sections 1-11",
    },
    Spec {
        path: "nginx/site.conf",
        template: "nginx",
        source: include_str!("../../templates/nginx.conf.j2"),
        secret: false,
        follows: "Mozilla Server Side TLS 6.0 (intermediate) and checklist sections 3-5",
    },
    Spec {
        path: "redis/redis.conf",
        template: "redis",
        source: include_str!("../../templates/redis.conf.j2"),
        secret: true,
        follows: "Redis ACL guidance and checklist section 4",
    },
    Spec {
        path: "app/security_middleware.py",
        template: "middleware",
        source: include_str!("../../templates/middleware.py.j2"),
        secret: false,
        follows: "OWASP Secure Headers and checklist sections 2 and 5",
    },
    Spec {
        path: ".github/workflows/dependency-scan.yml",
        template: "ci",
        source: include_str!("../../templates/dependency-scan.yml.j2"),
        secret: false,
        follows: "checklist section 14",
    },
    Spec {
        path: "logrotate/app",
        template: "logrotate",
        source: include_str!("../../templates/logrotate.j2"),
        secret: false,
        follows: "checklist section 9",
    },
    Spec {
        path: "docs/security-architecture.md",
        template: "architecture",
        source: include_str!("../../templates/security-architecture.md.j2"),
        secret: false,
        follows: "checklist section 16",
    },
    Spec {
        path: "docs/rate-limits.md",
        template: "rate-limits",
        source: include_str!("../../templates/rate-limits.md.j2"),
        secret: false,
        follows: "checklist sections 4 and 16",
    },
    Spec {
        path: "docs/incident-response.md",
        template: "incident",
        source: include_str!("../../templates/incident-response.md.j2"),
        secret: false,
        follows: "checklist sections 16 and 17",
    },
    Spec {
        path: "docs/disaster-recovery.md",
        template: "dr",
        source: include_str!("../../templates/disaster-recovery.md.j2"),
        secret: false,
        follows: "checklist section 11",
    },
    Spec {
        path: "docs/deployment-and-rollback.md",
        template: "deployment",
        source: include_str!("../../templates/deployment.md.j2"),
        secret: false,
        follows: "checklist section 16",
    },
];

/// The checklist items each generated file addresses.
pub fn addressed(path: &str) -> &'static [&'static str] {
    match path {
        ENV_FILE => &[
            "env.secret_key_strong",
            "env.secret_key_set",
            "env.secret_key_not_default",
            "env.jwt_secret_set",
            "env.jwt_algorithm",
            "env.access_token_expiry",
            "env.refresh_token_expiry",
            "cors.allowed_hosts",
            "cors.no_dev_origins",
            "rate_limit.redis_url",
            "rate_limit.enable_redis",
            "database.url_tls",
            "database.sslmode_require",
            "database.password_strong",
            "auth.mfa_settings",
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
            "backup.s3_bucket",
            "backup.s3_replication_bucket",
            "backup.role_arn",
            "backup.dr_rto",
            "backup.dr_rpo",
            "verify.no_default_credentials",
            "verify.debug_off",
        ],
        "nginx/site.conf" => &[
            "tls.web_server",
            "tls.https_redirect",
            "tls.hsts",
            "tls.hsts_max_age",
            "tls.hsts_include_subdomains",
            "headers.present",
            "headers.nosniff",
            "headers.frame_options",
            "headers.xss_protection",
            "headers.hsts",
            "headers.csp",
            "rate_limit.per_endpoint",
            "rate_limit.auth_limit",
            "rate_limit.read_limit",
            "rate_limit.write_limit",
            "rate_limit.admin_limit",
            "api.request_size_limits",
        ],
        "redis/redis.conf" => &[
            "rate_limit.redis_deployed",
            "rate_limit.redis_auth",
            "rate_limit.redis_persistence",
            "network.redis_not_public",
        ],
        "app/security_middleware.py" => &[
            "headers.middleware",
            "cors.restrict_methods",
            "cors.restrict_headers",
        ],
        ".github/workflows/dependency-scan.yml" => &["deps.automated_scanning"],
        "logrotate/app" => &["logging.rotation"],
        "docs/security-architecture.md" => &["docs.security_architecture"],
        "docs/rate-limits.md" => &["docs.rate_limiting", "rate_limit.documented"],
        "docs/incident-response.md" => &[
            "docs.incident_response",
            "docs.security_contacts",
            "incident.categories",
            "incident.procedures",
            "incident.escalation",
        ],
        "docs/disaster-recovery.md" => &["backup.dr_documented", "backup.documented"],
        "docs/deployment-and-rollback.md" => &["docs.deployment_steps", "docs.rollback"],
        _ => &[],
    }
}

/// Every path `generate` writes.
pub fn paths() -> Vec<&'static str> {
    SPECS.iter().map(|s| s.path).collect()
}

/// A rendered file.
#[derive(Clone)]
pub struct Rendered {
    pub path: &'static str,
    pub content: String,
    pub secret: bool,
}

/// The stamp's fixed start; a line with it differs only by date.
pub const STAMP: &str = "Generated by harden";

/// An env-file value that python-dotenv, dotenvy and harden's own reader
/// all read back unchanged: plain when it can be; single-quoted (literal
/// everywhere, `$` included) when it has no `'` or `\`; double-quoted
/// when it has no `"`, `\`, `$` or backtick (which loaders escape or
/// expand differently). Anything else is refused rather than written in
/// a form some loader would read otherwise.
///
/// # Errors
/// A value no quoting represents the same for every loader.
fn env_quote(v: String) -> Result<String, minijinja::Error> {
    if !v.is_empty()
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.:/@,+=?%&~".contains(c))
    {
        return Ok(v);
    }
    if v.chars().any(char::is_control) {
        return Err(minijinja::Error::new(
            minijinja::ErrorKind::InvalidOperation,
            "a value with a control character cannot be written into the env file",
        ));
    }
    if !v.contains(['\'', '\\']) {
        return Ok(format!("'{v}'"));
    }
    if !v.contains(['"', '\\', '$', '`']) {
        return Ok(format!("\"{v}\""));
    }
    Err(minijinja::Error::new(
        minijinja::ErrorKind::InvalidOperation,
        "mixes ' (or \\) with one of \" \\ $ `, so no quoting makes every env loader read it the same",
    ))
}

fn database_url(a: &Answers, s: &Secrets) -> (String, &'static str) {
    let (scheme, param, note) = match (a.database.driver, a.database.tls) {
        (Driver::Asyncpg, DbTls::Require) => {
            ("postgresql+asyncpg", "ssl=require", "asyncpg takes ssl=")
        }
        (Driver::Asyncpg, DbTls::VerifyFull) => (
            "postgresql+asyncpg",
            "ssl=verify-full",
            "asyncpg takes ssl=",
        ),
        (Driver::Psycopg2, t) => ("postgresql+psycopg2", tls_mode(t), "libpq takes sslmode="),
        (Driver::Psycopg, t) => ("postgresql+psycopg", tls_mode(t), "libpq takes sslmode="),
    };
    let d = &a.database;
    (
        format!(
            "{scheme}://{}:{}@{}:{}/{}?{param}",
            d.user,
            userinfo_encode(&s.database_password),
            d.host,
            d.port,
            d.name
        ),
        note,
    )
}

fn redis_url(a: &Answers, s: &Secrets) -> String {
    let base = format!(
        "{}://{}:{}@{}:{}/0",
        if a.redis.tls() { "rediss" } else { "redis" },
        a.redis.user,
        userinfo_encode(&s.redis_password),
        a.redis.host,
        a.redis.port
    );
    if a.redis.tls() {
        // redis-py reads these from the URL: check the server's certificate
        // against the CA that issued it.
        format!(
            "{base}?ssl_cert_reqs=required&ssl_ca_certs={}",
            userinfo_encode(&a.redis.tls_ca).replace("%2F", "/")
        )
    } else {
        base
    }
}

/// Percent-encodes a password for the user-info part of a URL (a kept
/// password of any format stays one password).
fn userinfo_encode(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for b in v.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn tls_mode(t: DbTls) -> &'static str {
    match t {
        DbTls::Require => "sslmode=require",
        DbTls::VerifyFull => "sslmode=verify-full",
    }
}

/// The pinned actions and tools of the generated workflow, kept as dated
/// data in one place.
const PINS: &str = include_str!("../../assets/actions.toml");

/// [`PINS`] as a table.
fn pins() -> Result<toml::Table, GenerateError> {
    toml::from_str(PINS).map_err(|e| GenerateError::Render(format!("assets/actions.toml: {e}")))
}

/// Renders every file.
///
/// # Errors
/// A template error (a bug, caught by the golden tests).
pub fn render(a: &Answers, s: &Secrets, date: &str) -> Result<Vec<Rendered>, GenerateError> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.add_filter("envq", env_quote);
    escape::install(&mut env);
    for spec in SPECS {
        env.add_template(spec.template, spec.source)
            .map_err(|e| GenerateError::Render(format!("template {}: {e}", spec.template)))?;
    }
    let (url, note) = database_url(a, s);
    let pins = pins()?;
    // app.upstream is host:port (or [v6]:port), checked by its grammar.
    let (upstream_host, upstream_port) = a
        .app
        .upstream
        .rsplit_once(':')
        .map(|(h, p)| {
            (
                h.trim_matches(|c| c == '[' || c == ']').to_string(),
                p.to_string(),
            )
        })
        .unwrap_or_else(|| (a.app.upstream.clone(), String::new()));
    let mut out = Vec::new();
    for spec in SPECS {
        let stamp = format!(
            "{STAMP} {} on {date}; follows {}.",
            env!("CARGO_PKG_VERSION"),
            spec.follows
        );
        let ctx = context! {
            a => Value::from(minijinja::value::Serde(a)),
            s => Value::from(minijinja::value::Serde(s)),
            stamp => stamp,
            database_url => url.clone(),
            redis_url => redis_url(a, s),
            redis_acl_hash => s.redis_acl_hash(),
            redis_tls => a.redis.tls(),
            db_tls_note => note,
            pins => Value::from(minijinja::value::Serde(&pins)),
            http2_directive => crate::answers::grammar::nginx_has_http2_directive(&a.app.nginx_version),
            resolvers => a.tls.resolver.split_whitespace().map(str::to_string).collect::<Vec<_>>(),
            upstream_host => upstream_host.clone(),
            upstream_port => upstream_port.clone(),
            upstream_loopback => upstream_host == "localhost"
                || upstream_host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback()),
        };
        let mut content = env
            .get_template(spec.template)
            .and_then(|t| t.render(ctx))
            .map_err(|e| {
                let detail = e.detail().unwrap_or_default().to_string();
                GenerateError::Render(if spec.path == ENV_FILE && !detail.is_empty() {
                    format!(
                        "a value for {ENV_FILE} (a secret kept from the existing file, or an answer) {detail}; \
                         edit that value, or replace the kept secrets with --rotate-secrets"
                    )
                } else {
                    format!("rendering {}: {e}", spec.path)
                })
            })?;
        if !content.ends_with('\n') {
            content.push('\n');
        }
        out.push(Rendered {
            path: spec.path,
            content,
            secret: spec.secret,
        });
    }
    Ok(out)
}

/// What writing a file would do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    New,
    Changed,
    Unchanged,
}

/// One file of the plan.
#[derive(Debug, Clone)]
pub struct Planned {
    pub path: &'static str,
    pub change: Change,
    /// A unified diff with secrets masked (empty when unchanged).
    pub diff: String,
}

fn strip_stamps(t: &str) -> String {
    t.lines()
        .filter(|l| !l.contains(STAMP))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Why a path may not be written.
fn refuse(out: &Path, rel: &str) -> Option<String> {
    let p = Path::new(rel);
    if p.is_absolute() || p.components().any(|c| !matches!(c, Component::Normal(_))) {
        return Some(format!("{rel} escapes the output folder"));
    }
    let mut at = out.to_path_buf();
    for c in p.components() {
        at.push(c);
        if let Ok(m) = fs::symlink_metadata(&at)
            && m.file_type().is_symlink()
        {
            return Some(format!(
                "{} is a symbolic link; harden does not write through links",
                at.display()
            ));
        }
    }
    None
}

/// Compares the rendered files with what is in `out`.
///
/// # Errors
/// When a file would be written outside `out` or through a link, or an
/// existing file cannot be read.
pub fn plan(
    out: &Path,
    files: &[Rendered],
    secrets: &Secrets,
) -> Result<Vec<Planned>, GenerateError> {
    refuse_out(out)?;
    let mut planned = Vec::new();
    for f in files {
        if let Some(why) = refuse(out, f.path) {
            return Err(GenerateError::Refused(why));
        }
        let target = out.join(f.path);
        // Both sides of a secret file's diff are masked by key as well.
        let mask = |t: &str| {
            if f.secret {
                secrets.mask_file(t)
            } else {
                secrets.mask(t)
            }
        };
        let (change, diff) =
            match crate::util::fsio::read_input(&target, crate::util::fsio::ENV_CAP, false) {
                Err(e) if e.kind() == io::ErrorKind::NotFound => (
                    Change::New,
                    unified("/dev/null", f.path, "", &mask(&f.content)),
                ),
                Err(e) => {
                    return Err(GenerateError::Io(format!(
                        "cannot read {}: {e}",
                        target.display()
                    )));
                }
                Ok(old) => {
                    let old = String::from_utf8_lossy(&old).into_owned();
                    remember_secrets_in(f.path, &old);
                    if strip_stamps(&old) == strip_stamps(&f.content) {
                        (Change::Unchanged, String::new())
                    } else {
                        (
                            Change::Changed,
                            unified(f.path, f.path, &mask(&old), &mask(&f.content)),
                        )
                    }
                }
            };
        planned.push(Planned {
            path: f.path,
            change,
            diff,
        });
    }
    Ok(planned)
}

/// Hands the secrets a file on disk holds to the masking path, so that
/// the `-` side of a diff never shows them: every value of a secret-bearing
/// key of an env file, every password of a redis.conf, every URL's
/// credentials.
fn remember_secrets_in(path: &str, text: &str) {
    use crate::util::redact::{remember, remember_setting, remember_url_parts};
    if path == ENV_FILE || path.ends_with(".env") {
        for e in &envfile::parse(text.as_bytes()).entries {
            remember_setting(&e.key, &e.value);
        }
    }
    for line in text.lines() {
        remember_url_parts(line);
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.first().copied() {
            Some("user") => {
                for w in &words[1..] {
                    if let Some(pw) = w.trim_matches('"').strip_prefix('>') {
                        remember(pw);
                    }
                }
            }
            Some("requirepass" | "masterauth") => {
                if let Some(pw) = words.get(1) {
                    remember(pw.trim_matches('"'));
                }
            }
            _ => {}
        }
    }
}

fn unified(old_name: &str, new_name: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(old_name, new_name)
        .to_string()
}

/// Why `generate` did not render, plan or write a set. The text names the
/// file and what to do; the kind says which promise stopped it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GenerateError {
    /// A template failed, or a value cannot be written safely into its format.
    #[error("{0}")]
    Render(String),
    /// A target that escapes the output folder, is a link, or is not a
    /// regular file (or the folder is not one).
    #[error("{0}")]
    Refused(String),
    /// Another `generate` holds the folder's lock.
    #[error("another harden generate is writing into {0}; wait for it to finish")]
    Locked(String),
    /// The journal of an interrupted set is malformed.
    #[error("{0}")]
    Journal(String),
    /// A signal stopped the run before the set was committed.
    #[error(
        "stopped by signal {0} before the set was committed; nothing was written and no temp file is left"
    )]
    Interrupted(i32),
    /// What the system said, with the file.
    #[error("{0}")]
    Io(String),
}

impl From<GenerateError> for String {
    fn from(e: GenerateError) -> String {
        e.to_string()
    }
}
