//! Properties over generated inputs: every parser of outside input returns
//! a value or an error and never panics, and the state file round-trips.

use std::collections::BTreeMap;

use harden::state::{ItemRecord, OperatorStatus, State, Waiver, store};
use proptest::prelude::*;

fn status() -> impl Strategy<Value = OperatorStatus> {
    prop_oneof![
        Just(OperatorStatus::Open),
        Just(OperatorStatus::Done),
        Just(OperatorStatus::NotDone),
        Just(OperatorStatus::NotApplicable),
        Just(OperatorStatus::Waived),
    ]
}

fn record() -> impl Strategy<Value = ItemRecord> {
    (
        status(),
        proptest::option::of(".{0,80}"),
        proptest::option::of("[a-z ]{1,20}"),
        proptest::option::of((
            "[^\\u{0}]{1,40}",
            "[a-z@.]{1,20}",
            proptest::option::of(0i32..3000),
        )),
        0i64..4_000_000_000,
    )
        .prop_map(|(status, note, by, waiver, secs)| ItemRecord {
            status,
            note,
            by,
            at: time::OffsetDateTime::from_unix_timestamp(secs).ok(),
            waiver: waiver.map(|(reason, owner, days)| Waiver {
                reason,
                owner,
                expires: days.map(|d| {
                    time::macros::date!(2026 - 01 - 01) + time::Duration::days(i64::from(d))
                }),
            }),
            overrides: None,
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn state_save_and_load_round_trip(
        items in proptest::collection::btree_map("[a-z_]{1,12}\\.[a-z_]{1,12}", record(), 0..40),
        operator in proptest::option::of("[^\\u{0}]{1,30}"),
        urls in proptest::collection::vec("https://[a-z]{1,10}\\.example\\.com", 0..4),
    ) {
        let c = harden::checklist::load_embedded().unwrap();
        let mut s = State::new(&c, time::macros::datetime!(2026-11-27 10:00 UTC));
        s.operator = operator;
        s.items = items;
        s.urls = urls;
        s.fingerprints = BTreeMap::from([("SECRET_KEY".to_string(), "3f2a".to_string())]);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.toml");
        store::save(&path, &s).unwrap();
        prop_assert_eq!(store::load(&path).unwrap().unwrap(), s);
    }

    #[test]
    fn the_env_reader_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let f = harden::detect::envfile::parse(&bytes);
        let lines = bytes.split(|&b| b == b'\n').count();
        for e in &f.entries {
            prop_assert!(e.line >= 1 && e.line <= lines);
        }
    }

    /// No judgement of an env file quotes a secret's value: the secret keys
    /// and the database password, whatever their values, reach evidence
    /// and fixes only as masks and fingerprints.
    #[test]
    fn the_env_judge_never_quotes_a_secret(
        values in proptest::collection::vec("[A-Za-z0-9+/_-]{12,40}", 5),
        junk in "([A-Z_]{1,8}(=|= )[\"'$# a-z0-9\\\\]{0,20}\r?\n){0,10}",
    ) {
        let text = format!(
            "{junk}SECRET_KEY={}\nJWT_SECRET_KEY={}\nTWILIO_AUTH_TOKEN={}\nAWS_SECRET_ACCESS_KEY={}\nDATABASE_URL=postgresql://app:{}@db.internal/app\n",
            values[0], values[1], values[2], values[3], values[4]
        );
        let f = harden::detect::envfile::parse(text.as_bytes());
        let found = harden::detect::env::judge(&f, ".env", &harden::detect::code::CodeIndex::default());
        for finding in &found {
            for v in &values {
                prop_assert!(
                    !finding.evidence.contains(v.as_str()) && !finding.remediation.contains(v.as_str()),
                    "{} quotes a secret: {}", finding.item, finding.evidence
                );
            }
        }
    }

    #[test]
    fn the_state_parser_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = store::parse(&bytes, "state.toml");
    }

    #[test]
    fn the_checklist_parser_never_panics(text in ".{0,2048}") {
        let _ = harden::checklist::parse(&text, "c.toml");
    }

    #[test]
    fn the_answers_parser_never_panics(text in ".{0,2048}") {
        let _ = harden::answers::parse(&text, "a.toml");
    }

    #[test]
    fn the_pip_audit_reader_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = harden::detect::pip_audit::judge_report(&bytes, "r.json", std::path::Path::new("/nonexistent"));
    }

    #[test]
    fn probe_reply_parsers_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = harden::detect::probe::redis::parse(&bytes);
        let _ = harden::detect::probe::http::parse_head(&bytes);
        let _ = harden::detect::probe::http::dechunk(&bytes);
        let _ = harden::detect::probe::postgres::judge_answer(&bytes, "db:5432");
        let _ = harden::detect::probe::ports::listeners(&String::from_utf8_lossy(&bytes));
    }
}
