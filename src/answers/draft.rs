//! Answers drafted from what the project already says, every value that
//! does not fit its grammar settled back to the example.

use super::{Answers, Driver, EXAMPLE_TEXT, check, parse};
use crate::detect::values::AUDIT_RETENTION_DAYS;

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
        // The certificate follows the host, in certbot's layout.
        a.tls.certificate = format!("/etc/letsencrypt/live/{host}/fullchain.pem");
        a.tls.key = format!("/etc/letsencrypt/live/{host}/privkey.pem");
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
    if let Some(n) = num("AUDIT_LOG_RETENTION_DAYS").filter(|n| *n >= AUDIT_RETENTION_DAYS) {
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
    // What the project says about its compliance scope wins over the
    // example's "true" (the answers form shows where each value came from).
    let flag = |k: &str| match v(k)?.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Some(true),
        "false" | "0" | "no" | "off" => Some(false),
        _ => None,
    };
    if let Some(b) = flag("GDPR_COMPLIANCE") {
        a.compliance.gdpr = b;
    }
    if let Some(b) = flag("SOC2_COMPLIANCE") {
        a.compliance.soc2 = b;
    }
    if a.redis.tls() && a.redis.tls_certificate.is_empty() {
        // A networked Redis speaks TLS: Debian's layout, to review.
        a.redis.tls_certificate = "/etc/redis/tls/redis.crt".into();
        a.redis.tls_key = "/etc/redis/tls/redis.key".into();
        a.redis.tls_ca = "/etc/redis/tls/ca.crt".into();
    }
    if let Some(v) = installed_nginx() {
        a.app.nginx_version = v;
    }
    settle(a)
}

/// The version of the nginx installed here, from `nginx -v`
/// ("nginx version: nginx/1.22.1" on stderr), if there is one.
pub fn installed_nginx() -> Option<String> {
    let exe = which::which("nginx")
        .ok()
        .or_else(|| Some(std::path::PathBuf::from("/usr/sbin/nginx")).filter(|p| p.is_file()))?;
    let out = std::process::Command::new(exe)
        .env_remove(crate::detect::fingerprint::KEY_ENV)
        .env_remove(crate::detect::fingerprint::KEY_FILE_ENV)
        .arg("-v")
        .stdin(std::process::Stdio::null())
        .output()
        .ok()?;
    let text =
        String::from_utf8_lossy(&out.stderr).to_string() + &String::from_utf8_lossy(&out.stdout);
    let v = text.split("nginx/").nth(1)?.split_whitespace().next()?;
    super::grammar::nginx_version("app.nginx_version", v).ok()
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
        match toml::to_string(&t).map(|text| toml::from_str(&text)) {
            Ok(Ok(next)) => a = next,
            _ => break,
        }
    }
    example
}

fn unreachable_example() -> Answers {
    // The example is parsed by a test; reaching this is a build defect.
    panic!("examples/answers.toml does not parse")
}
