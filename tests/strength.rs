//! The secret-strength judge through the real items: random keys of the
//! alphabets generators use are never judged weak, and the weak corpus of
//! `bench/weak-secrets.txt` is (the full-size measurement, 40,000 keys from
//! Python and openssl, is `cargo bench --bench strength`).

mod common;

use harden::detect::code::CodeIndex;
use harden::detect::{Outcome, env, envfile};

fn outcome(text: &str, item: &str) -> Outcome {
    let f = envfile::parse(text.as_bytes());
    env::judge(&f, ".env", &CodeIndex::default())
        .into_iter()
        .find(|x| x.item == item)
        .map_or(Outcome::Unknown, |x| x.outcome)
}

fn key_outcome(v: &str) -> Outcome {
    outcome(&format!("SECRET_KEY='{v}'\n"), "env.secret_key_strong")
}

#[test]
fn random_keys_of_every_generator_alphabet_pass() {
    const URLSAFE: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const HEX: &[u8] = b"0123456789abcdef";
    let mut rng = common::Lcg::seeded("HARDEN_STRENGTH_SEED");
    let mut key = |alphabet: &[u8], len: usize| -> String {
        (0..len)
            .map(|_| alphabet[rng.next(alphabet.len() as u64) as usize] as char)
            .collect()
    };
    let mut weak = Vec::new();
    for _ in 0..150 {
        // secrets.token_urlsafe(32) and token_hex(32) shapes: 256 bits each.
        for k in [key(URLSAFE, 43), key(HEX, 64)] {
            if key_outcome(&k) != Outcome::Pass {
                weak.push(k);
            }
        }
    }
    assert!(weak.is_empty(), "random keys judged weak: {weak:?}");
}

#[test]
fn the_weak_corpus_is_judged_weak() {
    let corpus = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/weak-secrets.txt"),
    )
    .unwrap();
    let (mut total, mut missed, mut section) = (0, Vec::new(), "");
    for line in corpus.lines() {
        if let Some(s) = line.strip_prefix("# ") {
            section = s;
            continue;
        }
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        total += 1;
        let o = if section.starts_with("user=password") {
            let (u, p) = line.split_once(':').unwrap();
            outcome(
                &format!("DATABASE_URL=postgresql://{u}:{p}@db.internal/app?sslmode=require\n"),
                "database.password_strong",
            )
        } else {
            key_outcome(line)
        };
        if o == Outcome::Pass {
            missed.push(format!("{section}: {line}"));
        }
    }
    assert!(total >= 300, "the corpus holds {total} values");
    assert!(
        missed.len() * 100 <= total,
        "{} of {total} weak values pass: {missed:?}",
        missed.len()
    );
}

#[test]
fn the_fastapi_tutorial_key_is_refused_as_public() {
    let key = "09d25e094faa6ca2556c818166b7a9563b93f7099f6f0f4caa6cf63b88e8d3e7";
    assert_eq!(key_outcome(key), Outcome::Fail);
    assert_eq!(
        outcome(&format!("SECRET_KEY={key}\n"), "env.secret_key_not_default"),
        Outcome::Fail
    );
}
