//! Unit tests of [`super`].

use super::*;

#[test]
fn url_credentials_in_every_shape() {
    for (input, want) in [
        ("redis://:s3cr3tpw@h:6379/0", "redis://****@h:6379/0"),
        ("redis://TOKENONLYx1@h", "redis://****@h"),
        (
            "postgresql://app:p/a@ss@db:5432/x",
            "postgresql://app:****@db:5432/x",
        ),
        (
            "see https://u:pw@x.test/a?b=1 now",
            "see https://u:****@x.test/a?b=1 now",
        ),
        (
            "https://h.test/cb?Token=abc&x=1&API_KEY=zz#f",
            "https://h.test/cb?Token=****&x=1&API_KEY=****#f",
        ),
        // The last `@` wins, even in a path: masking too much is the safe side.
        ("https://h.test/path@v2", "https://****@v2"),
        ("no url", "no url"),
    ] {
        assert_eq!(redact(input), want, "{input}");
    }
}

#[test]
fn known_secrets_are_masked_and_found() {
    remember("zq8Lk2PwVx9RtYb4");
    remember("short");
    let t = "the key zq8Lk2PwVx9RtYb4 and short";
    assert_eq!(redact(t), format!("the key {MASK} and short"));
    assert!(holds_known_secret("…zq8Lk2PwVx9RtYb4…"));
    assert!(!holds_known_secret("short"));
}

#[test]
fn url_parts_are_remembered() {
    remember_url_parts("x redis://:Pw%2Fwith%2Fslash99@h/0 y");
    assert!(holds_known_secret("Pw/with/slash99"));
    remember_url_parts("https://h/x?access_token=AbCdEfGh1234&n=2");
    assert!(holds_known_secret("AbCdEfGh1234"));
}

#[test]
fn control_characters_are_escaped() {
    assert_eq!(
        redact("a\u{1b}]0;pwn\u{7}b\nc\u{9b}d"),
        "a\\e]0;pwn\\u{7}b\nc\\u{9b}d"
    );
}

#[test]
fn secret_keys_by_name() {
    for k in [
        "SECRET_KEY",
        "JWT_SECRET_KEY",
        "SMTP_PASSWORD",
        "TWILIO_AUTH_TOKEN",
        "STRIPE_API_KEY",
        "AWS_SECRET_ACCESS_KEY",
        "FERNET_KEYS",
        "STRIPE_SK",
        "SLACK_WEBHOOK_URL",
        "REDIS_PASS",
        "GPG_PASSPHRASE",
        "PRIVATE_KEY_PEM",
        "MY-PASSWORD",
        "'QUOTED_PASSWORD'",
    ] {
        assert!(is_secret_key(k), "{k}");
    }
    for k in [
        "ACCESS_TOKEN_EXPIRE_MINUTES",
        "JWT_ALGORITHM",
        "AWS_ACCESS_KEY_ID",
        "LOG_LEVEL",
        "CACHE_KEY_PREFIX",
        "AUTH_USER_MODEL",
        "TOKEN_TYPE",
        "PASSWORD_MIN_LEN",
        "PASSWORD_MIN_LENGTH",
        "TOKEN_EXPIRE_SECONDS",
        "MONKEY",
    ] {
        assert!(!is_secret_key(k), "{k}");
    }
}

#[test]
fn passwords_with_url_punctuation_are_known_and_notes_with_them_refused() {
    remember_setting(
        "DATABASE_URL",
        "postgresql://app:Db4DDDD)paren99@db.internal:5432/x",
    );
    remember_setting("REDIS_URL", "rediss://:Rd5EEEE|pipe999@127.0.0.1:6379/0");
    remember_setting("OTHER_URL", "postgresql://app:Db3CCCC,comma99@db/x");
    for note in [
        "db Db4DDDD)paren99",
        "redis Rd5EEEE|pipe999",
        "x Db3CCCC,comma99",
    ] {
        assert!(refuse_secret("note", note).is_err(), "{note}");
        assert!(
            !redact(note).contains("paren99") && !redact(note).contains("pipe999"),
            "{note}"
        );
    }
    // Credentials nobody told harden about, in running text.
    assert!(refuse_secret("note", "see https://ops:Nw1AAAA,commapw@vault.test/x").is_err());
    assert!(refuse_secret("note", "rotated on 2026-11-30, see OPS-12").is_ok());
}

#[test]
fn query_secrets_in_every_separator_and_spelling() {
    for (input, want) in [
        ("https://h.test/x)?sig=AAAA", "https://h.test/x)?sig=****"),
        (
            "https://h.test/?a=1;api_key=BBBB",
            "https://h.test/?a=1;api_key=****",
        ),
        (
            "https://h.test/?access-token=CCCC",
            "https://h.test/?access-token=****",
        ),
        (
            "https://127.0.0.1:1/a\\b?sig=DDDD",
            "https://127.0.0.1:1/a\\b?sig=****",
        ),
        (
            "(see https://h.test/?token=EEEE).",
            "(see https://h.test/?token=****).",
        ),
    ] {
        assert_eq!(redact(input), want, "{input}");
    }
}

#[test]
fn a_secret_with_a_control_character_is_masked_before_escaping() {
    remember("Ct14NN\u{1}NNcontrolled");
    assert_eq!(redact("x=Ct14NN\u{1}NNcontrolled"), format!("x={MASK}"));
}

#[test]
fn secret_lines_are_masked_by_key_whatever_the_quoting() {
    let text = "SECRET_KEY=abc\nexport API_TOKEN=\"a\\\"b\" # c\nPEM_KEY=\"-----BEGIN\nbody\n-----END\"\nLOG_LEVEL=INFO\nuser app on >pw1 #abc ~* +@all\nrequirepass pw2\nREDIS_PASS=x\n\
        # SECRET_KEY=oldcommented\nJWT_KEY=\"Ab12\"tailafterquote\n\"requirepass\" quotedpw\nrename-command CONFIG renamedcfg\nsentinel auth-pass mymaster sentpw\nDB_PASSWORD_ID=pwid\n";
    let m = mask_secret_lines(text);
    for gone in [
        "abc",
        "a\\\"b",
        "body",
        "BEGIN",
        "pw1",
        "pw2",
        "=x",
        "oldcommented",
        "tailafter",
        "quotedpw",
        "renamedcfg",
        "sentpw",
    ] {
        assert!(!m.contains(gone), "{gone} in {m}");
    }
    assert!(
        m.contains("LOG_LEVEL=INFO") && m.contains("user app on") && m.contains("# c"),
        "{m}"
    );
    assert_eq!(m.lines().count(), text.lines().count());
}

#[test]
fn a_note_with_part_of_a_secret_in_any_case_is_refused() {
    remember("fdd6a9c7f7f9ef87cbb246d7edd621d9a1b2c3d4e5f60718293a4b5c6d7e8f90");
    assert!(refuse_secret("note", "half fdd6a9c7f7f9ef87cbb2").is_err());
    assert!(refuse_secret("note", "up FDD6A9C7F7F9EF87CBB246D7").is_err());
    assert!(refuse_secret("note", "fingerprint fdd6 is fine").is_ok());
    remember("hunter7");
    assert!(refuse_secret("note", "pw hunter7").is_err());
}

#[test]
fn an_input_field_veils_a_typed_secret_in_place() {
    remember("Vl9Typed5ecretX");
    assert_eq!(
        veil("ops Vl9Typed5ecretX!"),
        format!("ops {}!", "•".repeat(15))
    );
    assert_eq!(veil("a\u{1b}b"), "a?b");
    // In another case, and in part while it is typed.
    assert_eq!(veil("VL9TYPED5ECRETX"), "•".repeat(15));
    assert_eq!(veil("x Vl9Typed5ecr"), format!("x {}", "•".repeat(12)));
}
