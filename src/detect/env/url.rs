//! The judges of service URLs: REDIS_URL (a password, TLS off loopback)
//! and DATABASE_URL (the TLS parameter of its driver, a strong password).

use std::collections::BTreeMap;

use url::Url;

use super::Judge;
use super::rules::Rule;
use crate::detect::secrets::{describe, placeholder_reason, strength_with};
use crate::detect::{Finding, Outcome};

/// REDIS_URL: a password that is not a default, and TLS unless on loopback.
pub fn redis_url(j: &Judge, r: &Rule) -> Vec<Finding> {
    let k = r.key();
    let f = match j.file.value(k) {
        None => j.missing(
            k,
            r.items[0],
            Outcome::Fail,
            "Set REDIS_URL=rediss://:PASSWORD@host:6380/0.",
        ),
        Some(v) => match Url::parse(v) {
            Err(e) => j
                .at(
                    k,
                    r.items[0],
                    Outcome::Fail,
                    format!("REDIS_URL is not a URL ({e})"),
                )
                .fix("Set REDIS_URL=rediss://:PASSWORD@host:6380/0."),
            Ok(u) if j.file.get(k).is_some_and(|e| e.reference) => j
                .at(
                    k,
                    r.items[0],
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
                    ("redis" | "rediss", None) => j
                        .at(k, r.items[0], Outcome::Fail, format!("{masked}: no password"))
                        .fix("Require a password (requirepass or an ACL user) and put it in REDIS_URL."),
                    ("redis" | "rediss", Some(p)) if placeholder_reason(p).is_some() => j
                        .at(
                            k,
                            r.items[0],
                            Outcome::Fail,
                            format!("{masked}: the password is {}", placeholder_reason(p).unwrap_or("a default")),
                        )
                        .fix("Use a generated password: openssl rand -hex 32."),
                    ("redis", Some(p)) if u.host_str().is_some_and(crate::detect::probe::net::is_loopback) => j.at(
                        k,
                        r.items[0],
                        Outcome::Pass,
                        format!("{masked}: password {} on loopback, where TLS adds nothing", describe(p)),
                    ),
                    ("redis", Some(p)) => j
                        .at(
                            k,
                            r.items[0],
                            Outcome::Warn,
                            format!("{masked}: password {}, but no TLS (redis://)", describe(p)),
                        )
                        .fix("Use rediss:// unless Redis is only reachable on a private network."),
                    ("rediss", Some(p)) => j.at(
                        k,
                        r.items[0],
                        Outcome::Pass,
                        format!("{masked}: TLS, password {}", describe(p)),
                    ),
                    (other, _) => j
                        .at(k, r.items[0], Outcome::Fail, format!("REDIS_URL has scheme {other}://, not redis:// or rediss://"))
                        .fix("Set REDIS_URL=rediss://:PASSWORD@host:6380/0."),
                }
            }
        },
    };
    vec![f]
}

/// DATABASE_URL: its three items (TLS, sslmode, password).
pub fn database_url(j: &Judge, r: &Rule) -> Vec<Finding> {
    let k = r.key();
    let mut out = Vec::new();
    let fix = "Set DATABASE_URL with a password and the TLS parameter of its driver.";
    let Some(v) = j.file.value(k) else {
        for id in r.items {
            let f = j.missing(k, id, Outcome::Fail, fix);
            out.push(f);
        }
        return out;
    };
    let u = match Url::parse(v) {
        Ok(u) => u,
        Err(e) => {
            for id in r.items {
                let f = j
                    .at(
                        k,
                        id,
                        Outcome::Fail,
                        format!("DATABASE_URL is not a URL ({e})"),
                    )
                    .fix(fix);
                out.push(f);
            }
            return out;
        }
    };
    let masked = mask_url(&u);
    let (tls, tls_fix) = db_tls(&u);
    let mut f = j.at(k, r.items[0], tls.0, format!("{masked}: {}", tls.1));
    if !tls_fix.is_empty() {
        f = f.fix(tls_fix.clone());
    }
    let mut g = f.clone();
    g.item = r.items[1].into();
    out.push(f);
    out.push(g);

    let user = crate::util::redact::percent_decode(u.username());
    let f = match u.password().map(crate::util::redact::percent_decode) {
        None => j
            .at(
                k,
                r.items[2],
                Outcome::Warn,
                format!("{masked}: no password in the URL (peer, .pgpass or IAM authentication?)"),
            )
            .fix("Confirm how the application authenticates to the database."),
        Some(p) => {
            let d = describe(&p);
            if let Some(why) = placeholder_reason(&p) {
                j.at(
                    k,
                    r.items[2],
                    Outcome::Fail,
                    format!("{masked}: the password is {why} ({d})"),
                )
                .fix("Use a generated password: openssl rand -hex 32.")
            } else if p == user {
                j.at(
                    k,
                    r.items[2],
                    Outcome::Fail,
                    format!("{masked}: the password equals the user name"),
                )
                .fix("Use a generated password: openssl rand -hex 32.")
            } else if j.names.iter().any(|n| {
                let fold = |s: &str| s.to_ascii_lowercase().replace(['-', '_', ' '], "");
                fold(n) == fold(&p)
            }) {
                j.at(
                    k,
                    r.items[2],
                    Outcome::Fail,
                    // Never `n` itself: it is the password.
                    format!("{masked}: the password is the project's name"),
                )
                .fix("Use a generated password: openssl rand -hex 32.")
            } else {
                let mut context: Vec<&str> = vec![&user];
                context.extend(j.names.iter().map(String::as_str));
                let s = strength_with(&p, &context);
                let outcome = if s.structured() || s.bits < 64.0 {
                    Outcome::Fail
                } else if s.bits < 128.0 {
                    Outcome::Warn
                } else {
                    Outcome::Pass
                };
                let mut f = j.at(
                    k,
                    r.items[2],
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
    out.push(f);
    out
}

/// A URL with its password replaced by `****`.
pub fn mask_url(u: &Url) -> String {
    let mut m = u.clone();
    if m.password().is_some() {
        let _ = m.set_password(Some("****"));
    }
    m.to_string()
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
            Some(m @ ("require" | "verify-ca")) => (
                (Outcome::Pass, format!("asyncpg with ssl={m}")),
                String::new(),
            ),
            Some("verify-full") => (
                (
                    Outcome::Pass,
                    "asyncpg with ssl=verify-full: the app also needs the root certificate \
                     (PGSSLROOTCERT or ~/.postgresql/root.crt) and a server certificate that \
                     matches the host"
                        .into(),
                ),
                String::new(),
            ),
            Some(m) if !matches!(m, "disable" | "allow" | "prefer") => (
                (
                    Outcome::Fail,
                    format!(
                        "asyncpg does not take ssl={m} (it takes disable, allow, prefer, require, \
                         verify-ca or verify-full): the first connect fails"
                    ),
                ),
                "Use ssl=require (or ssl=verify-full).".into(),
            ),
            Some(m) => (
                (
                    Outcome::Fail,
                    format!("asyncpg with ssl={m}: TLS is not enforced (plain text is accepted)"),
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
        && m.eq_ignore_ascii_case("true")
    {
        return (
            (
                Outcome::Pass,
                format!(
                    "libpq reads ssl={m} as sslmode=require: encrypted, the server not verified \
                     (write sslmode=require, or verify-full, to say so)"
                ),
            ),
            String::new(),
        );
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

#[cfg(test)]
mod tests {
    use super::super::tests::run;
    use crate::detect::Outcome;

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
        // asyncpg refuses ssl=true at the first connect; libpq reads it
        // as sslmode=require.
        assert_eq!(o("postgresql+asyncpg://u:p@h/db?ssl=true"), Outcome::Fail);
        assert_eq!(o("postgresql://u:p@h/db?ssl=true"), Outcome::Pass);
        assert_eq!(o("postgresql+psycopg2://u:p@h/db?ssl=TRUE"), Outcome::Pass);
        let f = |url: &str| {
            run(&format!("DATABASE_URL={url}"))["database.url_tls"]
                .evidence
                .clone()
        };
        assert!(f("postgresql+asyncpg://u:p@h/db?ssl=verify-full").contains("root certificate"));
        assert!(f("postgresql://u:p@h/db?ssl=true").contains("sslmode=require"));
        // asyncpg's modes are case-sensitive words: anything else is refused.
        for bad in ["REQUIRE", "1", "on"] {
            let e = f(&format!("postgresql+asyncpg://u:p@h/db?ssl={bad}"));
            assert!(e.contains("the first connect fails"), "{bad}: {e}");
        }
        assert!(f("postgresql+asyncpg://u:p@h/db?ssl=prefer").contains("TLS is not enforced"));
    }
}
