//! Generated configuration: answers → rendered files (minijinja templates
//! in `templates/`) → a plan with a diff per file → a safe write.
//!
//! Safety rules: nothing is written outside the output folder or through a
//! symbolic link; an existing file is copied to a backup before it is
//! replaced; every write is a temp file, fsync and rename; files that hold
//! secrets are 0600; secrets appear in the files only (diffs and messages
//! mask them). The same answers give the same files: existing secrets are
//! kept unless rotation is asked, and the stamp's date alone is no change.

pub mod answers;
pub mod command;

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Component, Path, PathBuf};

use minijinja::{Environment, UndefinedBehavior, Value, context};
use rand::RngExt;
use serde::Serialize;

pub use answers::Answers;
use answers::{DbTls, Driver};

use crate::detect::envfile;

/// Generated secrets. `Debug` never shows them.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct Secrets {
    pub secret_key: String,
    pub jwt_secret_key: String,
    pub redis_password: String,
    pub database_password: String,
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secrets(<redacted>)")
    }
}

/// 32 random bytes from the OS-seeded generator, as 64 hex characters
/// (what `openssl rand -hex 32` prints).
pub fn random_hex32() -> String {
    let bytes: [u8; 32] = rand::rng().random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Secrets {
    /// Fresh secrets.
    pub fn generate() -> Self {
        Secrets {
            secret_key: random_hex32(),
            jwt_secret_key: random_hex32(),
            redis_password: random_hex32(),
            database_password: random_hex32(),
        }
    }

    /// The secrets an earlier run wrote to `OUT/.env.production`, where
    /// all four are there and look generated; fresh ones otherwise.
    pub fn kept_or_new(out: &Path) -> (Self, bool) {
        let fresh = Secrets::generate();
        let Ok(file) = envfile::read(&out.join(ENV_FILE)) else {
            return (fresh, false);
        };
        let hex64 = |v: &str| v.len() == 64 && v.chars().all(|c| c.is_ascii_hexdigit());
        let pw = |k: &str| {
            file.value(k)
                .and_then(|v| url::Url::parse(v).ok())
                .and_then(|u| u.password().map(str::to_string))
        };
        match (
            file.value("SECRET_KEY"),
            file.value("JWT_SECRET_KEY"),
            pw("REDIS_URL"),
            pw("DATABASE_URL"),
        ) {
            (Some(a), Some(b), Some(c), Some(d))
                if [a, b, c.as_str(), d.as_str()].iter().all(|v| hex64(v)) =>
            {
                (
                    Secrets {
                        secret_key: a.to_string(),
                        jwt_secret_key: b.to_string(),
                        redis_password: c,
                        database_password: d,
                    },
                    true,
                )
            }
            _ => (fresh, false),
        }
    }

    fn all(&self) -> [&str; 4] {
        [
            &self.secret_key,
            &self.jwt_secret_key,
            &self.redis_password,
            &self.database_password,
        ]
    }

    /// Replaces every secret in `text` with a marker, for diffs and messages.
    pub fn mask(&self, text: &str) -> String {
        let mut t = text.to_string();
        for s in self.all() {
            if !s.is_empty() {
                t = t.replace(s, "‹generated secret›");
            }
        }
        t
    }
}

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

/// An env-file value as every loader reads it: plain when it can be,
/// double-quoted (with `\` and `"` escaped) when it has spaces, `#`,
/// quotes or `$`.
fn env_quote(v: String) -> String {
    if !v.is_empty()
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.:/@,+=".contains(c))
    {
        return v;
    }
    let escaped = v
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('$', "\\$");
    format!("\"{escaped}\"")
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
            d.user, s.database_password, d.host, d.port, d.name
        ),
        note,
    )
}

fn tls_mode(t: DbTls) -> &'static str {
    match t {
        DbTls::Require => "sslmode=require",
        DbTls::VerifyFull => "sslmode=verify-full",
    }
}

/// Renders every file.
///
/// # Errors
/// A template error (a bug, caught by the golden tests).
pub fn render(a: &Answers, s: &Secrets, date: &str) -> Result<Vec<Rendered>, String> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.add_filter("envq", env_quote);
    for spec in SPECS {
        env.add_template(spec.template, spec.source)
            .map_err(|e| format!("template {}: {e}", spec.template))?;
    }
    let (url, note) = database_url(a, s);
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
            db_tls_note => note,
        };
        let mut content = env
            .get_template(spec.template)
            .and_then(|t| t.render(ctx))
            .map_err(|e| format!("rendering {}: {e}", spec.path))?;
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
pub fn plan(out: &Path, files: &[Rendered], secrets: &Secrets) -> Result<Vec<Planned>, String> {
    let mut planned = Vec::new();
    for f in files {
        if let Some(why) = refuse(out, f.path) {
            return Err(why);
        }
        let target = out.join(f.path);
        let (change, diff) = match fs::read(&target) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => (
                Change::New,
                unified("/dev/null", f.path, "", &secrets.mask(&f.content)),
            ),
            Err(e) => return Err(format!("cannot read {}: {e}", target.display())),
            Ok(old) => {
                let old = String::from_utf8_lossy(&old).into_owned();
                if strip_stamps(&old) == strip_stamps(&f.content) {
                    (Change::Unchanged, String::new())
                } else {
                    (
                        Change::Changed,
                        unified(
                            f.path,
                            f.path,
                            &secrets.mask(&old),
                            &secrets.mask(&f.content),
                        ),
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

fn unified(old_name: &str, new_name: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(old_name, new_name)
        .to_string()
}

/// Writes the new and changed files: backup, temp file, fsync, rename;
/// 0600 for files that hold secrets. Returns the backups made.
///
/// # Errors
/// The first failure, naming the file; files written before it stay.
pub fn write(
    out: &Path,
    files: &[Rendered],
    plan: &[Planned],
    stamp: &str,
) -> Result<Vec<PathBuf>, String> {
    let mut backups = Vec::new();
    for (f, p) in files.iter().zip(plan) {
        if p.change == Change::Unchanged {
            continue;
        }
        if let Some(why) = refuse(out, f.path) {
            return Err(why);
        }
        let target = out.join(f.path);
        let dir = target.parent().unwrap_or(out);
        fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        if p.change == Change::Changed && target.exists() {
            let mut name = target.file_name().unwrap_or_default().to_os_string();
            name.push(format!(".bak-{stamp}"));
            let bak = target.with_file_name(name);
            fs::copy(&target, &bak)
                .map_err(|e| format!("cannot back up {}: {e}", target.display()))?;
            backups.push(bak);
        }
        let mode = if f.secret { 0o600 } else { 0o644 };
        let tmp = tempfile::Builder::new()
            .prefix(".harden-")
            .tempfile_in(dir)
            .map_err(|e| format!("cannot write in {}: {e}", dir.display()))?;
        let mut opts = OpenOptions::new();
        opts.write(true).truncate(true).mode(mode);
        let mut fh = opts
            .open(tmp.path())
            .map_err(|e| format!("cannot write {}: {e}", target.display()))?;
        use std::os::unix::fs::PermissionsExt;
        fh.set_permissions(fs::Permissions::from_mode(mode))
            .and_then(|()| fh.write_all(f.content.as_bytes()))
            .and_then(|()| fh.sync_all())
            .map_err(|e| format!("cannot write {}: {e}", target.display()))?;
        tmp.persist(&target)
            .map_err(|e| format!("cannot write {}: {}", target.display(), e.error))?;
    }
    Ok(backups)
}
