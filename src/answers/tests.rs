//! Unit tests of [`super`].

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
    assert_eq!(
        a.redis.tls_ca, "/etc/redis/tls/ca.crt",
        "a networked Redis speaks TLS"
    );
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
    assert!(
        f.iter().any(|(k, v)| k == "domains.origins"
            && v == "https://app.example.com, https://www.example.com")
    );
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
