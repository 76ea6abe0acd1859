//! The secret-strength judge's two error rates (issue 12), measured through
//! the real items: a value is "judged weak" when `env.secret_key_strong`
//! (or, for a `user:password` line, `database.password_strong`) is not a
//! pass.
//!
//! - False alarms: 10,000 keys each of Python's `secrets.token_urlsafe(32)`
//!   and `secrets.token_hex(32)`, and of `openssl rand -base64 32` and
//!   `openssl rand -hex 32`, generated at run time. Target: 0 judged weak.
//! - Misses: every value of `bench/weak-secrets.txt` (placeholders, words,
//!   keyboard walks, years, names with digits, publicly known keys,
//!   repeats, user = password). Target: at least 99% judged weak.
//!
//! Run with `cargo bench --bench strength` (needs python3 and openssl).
//! Prints figures and the misses; asserts nothing.

use std::process::Command;
use std::time::Instant;

use harden::detect::code::CodeIndex;
use harden::detect::{Outcome, env, envfile};

const SAMPLES: usize = 10_000;

/// The outcome of `item` for an env file, and its evidence.
fn finding(text: &str, item: &str) -> (Outcome, String) {
    let f = envfile::parse(text.as_bytes());
    env::judge(&f, ".env", &CodeIndex::default())
        .into_iter()
        .find(|x| x.item == item)
        .map_or((Outcome::Unknown, String::new()), |x| {
            (x.outcome, x.evidence)
        })
}

fn outcome(text: &str, item: &str) -> Outcome {
    finding(text, item).0
}

fn key_is_weak(v: &str) -> bool {
    outcome(&format!("SECRET_KEY='{v}'\n"), "env.secret_key_strong") != Outcome::Pass
}

fn password_is_weak(user: &str, password: &str) -> bool {
    let url =
        format!("DATABASE_URL=postgresql://{user}:{password}@db.internal/app?sslmode=require\n");
    outcome(&url, "database.password_strong") != Outcome::Pass
}

fn python(expr: &str) -> Vec<String> {
    let script = format!("import secrets\nfor _ in range({SAMPLES}):\n    print({expr})\n");
    let out = Command::new("python3")
        .args(["-c", &script])
        .output()
        .expect("python3 runs");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

fn openssl(args: &[&str]) -> Vec<String> {
    (0..SAMPLES)
        .map(|_| {
            let out = Command::new("openssl")
                .arg("rand")
                .args(args)
                .output()
                .expect("openssl runs");
            String::from_utf8_lossy(&out.stdout).trim().to_string()
        })
        .collect()
}

fn main() {
    println!("Random keys (false alarms: a random 32-byte key judged weak):");
    let mut alarms = 0;
    for (name, keys) in [
        (
            "secrets.token_urlsafe(32)",
            python("secrets.token_urlsafe(32)"),
        ),
        ("secrets.token_hex(32)", python("secrets.token_hex(32)")),
        ("openssl rand -base64 32", openssl(&["-base64", "32"])),
        ("openssl rand -hex 32", openssl(&["-hex", "32"])),
    ] {
        assert_eq!(keys.len(), SAMPLES, "{name}: generated {}", keys.len());
        let started = Instant::now();
        let weak: Vec<&String> = keys.iter().filter(|k| key_is_weak(k)).collect();
        let per = started.elapsed().as_secs_f64() * 1e6 / SAMPLES as f64;
        alarms += weak.len();
        println!(
            "  {name:<27} {} of {SAMPLES} judged weak ({per:.0} µs per key)",
            weak.len()
        );
        for w in weak.iter().take(3) {
            let (o, why) = finding(&format!("SECRET_KEY='{w}'\n"), "env.secret_key_strong");
            println!("      {o:?}: {why}");
        }
    }
    println!(
        "  total: {alarms} of {} judged weak (target 0)",
        4 * SAMPLES
    );

    let corpus = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/weak-secrets.txt"),
    )
    .expect("the weak corpus");
    let mut total = 0;
    let mut missed = Vec::new();
    let mut section = String::new();
    for line in corpus.lines() {
        if let Some(s) = line.strip_prefix("# ") {
            section = s.to_string();
            continue;
        }
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        total += 1;
        let weak = match section.strip_prefix("user=password") {
            Some(_) => {
                let (u, p) = line.split_once(':').expect("user:password");
                password_is_weak(u, p)
            }
            None => key_is_weak(line),
        };
        if !weak {
            missed.push(format!("{section}: {line}"));
        }
    }
    let caught = total - missed.len();
    println!("Weak values (misses: a weak value judged strong):");
    println!(
        "  {caught} of {total} judged weak: {:.1}% (target at least 99%)",
        100.0 * caught as f64 / total as f64
    );
    for m in &missed {
        println!("  missed: {m}");
    }
}
