//! Judging secret values without ever showing them: placeholder families,
//! a strength estimate that looks for randomness rather than length, and
//! the masked description (`set, 64 hex chars, sha256 3f2a…`) that is all
//! any screen, report or state file gets to see.

use sha2::{Digest, Sha256};

/// Why a value counts as a placeholder or well-known default.
pub fn placeholder_reason(value: &str) -> Option<&'static str> {
    let v = value.trim().trim_matches(|c| c == '"' || c == '\'');
    let l = v.to_ascii_lowercase();
    if l.is_empty() {
        return Some("empty");
    }
    let exact = [
        "secret",
        "password",
        "passwd",
        "changeme",
        "change-me",
        "change_me",
        "changethis",
        "change-this",
        "example",
        "default",
        "admin",
        "root",
        "postgres",
        "redis",
        "test",
        "dev",
        "none",
        "null",
        "todo",
        "fixme",
        "---",
        "__unset__",
        "123456",
        "12345678",
        "qwerty",
        "letmein",
        "key",
        "token",
        "mysecret",
        "supersecret",
    ];
    if exact.contains(&l.as_str()) {
        return Some("a well-known default");
    }
    if l.starts_with("your-") || l.starts_with("your_") || l.starts_with("<your") {
        return Some("a `your-…-here` placeholder");
    }
    if l.contains("change-this")
        || l.contains("change_this")
        || l.contains("changethis")
        || l.contains("change-me")
        || l.contains("change_me")
        || l.contains("changeme")
        || l.contains("change-in-production")
        || l.contains("change_in_production")
    {
        return Some("a `change-…` placeholder");
    }
    if (l.starts_with("!!!") && l.ends_with("!!!")) || l.contains("__unset__") {
        return Some("an unset marker");
    }
    if l.contains("replace") && (l.contains("***") || l.contains("<") || l.contains("_me")) {
        return Some("a `REPLACE` placeholder");
    }
    if l.starts_with("xxx")
        || l.chars()
            .all(|c| c == 'x' || c == '*' || c == '-' || c == '.')
    {
        return Some("a masked placeholder");
    }
    if l.starts_with("dev-")
        || l.starts_with("dev_")
        || l.starts_with("test-")
        || l.starts_with("test_")
    {
        return Some("a development value");
    }
    if l.starts_with("example")
        || l.ends_with("-here")
        || l.ends_with("_here")
        || l.contains("placeholder")
    {
        return Some("a placeholder");
    }
    None
}

/// The first hex digits of the value's sha256: enough to notice rotation,
/// too few to confirm a guess.
pub fn fingerprint(value: &str) -> String {
    let d = Sha256::digest(value.as_bytes());
    format!("{:02x}{:02x}", d[0], d[1])
}

/// What kind of characters a value is made of, for the masked description.
fn shape(value: &str) -> &'static str {
    let all = |f: fn(char) -> bool| value.chars().all(f);
    if all(|c| c.is_ascii_hexdigit()) {
        "hex chars"
    } else if all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=' | '-' | '_')) {
        "base64-like chars"
    } else if value.is_ascii() {
        "chars"
    } else {
        "chars, some non-ASCII"
    }
}

/// `set, 64 hex chars, sha256 3f2a…`: the only way a secret is described.
pub fn describe(value: &str) -> String {
    if value.is_empty() {
        return "set but empty".into();
    }
    format!(
        "set, {} {}, sha256 {}…",
        value.chars().count(),
        shape(value),
        fingerprint(value)
    )
}

/// How strong a secret looks.
#[derive(Debug, Clone, PartialEq)]
pub struct Strength {
    /// Estimated bits of randomness.
    pub bits: f64,
    /// Set when the value reads like words (a passphrase a person chose).
    pub readable: bool,
    /// Set when the value repeats a shorter pattern.
    pub repetitive: bool,
}

impl Strength {
    /// A short verdict for evidence, never quoting the value.
    pub fn summary(&self) -> String {
        let mut s = format!("~{:.0} bits of randomness", self.bits);
        if self.readable {
            s.push_str(", reads like words");
        }
        if self.repetitive {
            s.push_str(", repeats a pattern");
        }
        s
    }
}

/// Estimates the randomness of a secret: the alphabet it draws from,
/// checked against the spread of characters actually used, with readable
/// words and repeated patterns counted for what they are.
pub fn strength(value: &str) -> Strength {
    let chars: Vec<char> = value.chars().collect();
    let n = chars.len();
    if n == 0 {
        return Strength {
            bits: 0.0,
            readable: false,
            repetitive: false,
        };
    }
    let period =
        (1..=n / 2).find(|&p| n.is_multiple_of(p) && chars.chunks(p).all(|c| c == &chars[..p]));
    let repetitive = period.is_some();
    let alphabet = alphabet_size(value);
    // Shannon entropy of the characters used, per character.
    let mut counts = std::collections::HashMap::new();
    for c in &chars {
        *counts.entry(*c).or_insert(0usize) += 1;
    }
    let shannon: f64 = counts
        .values()
        .map(|&k| {
            let p = k as f64 / n as f64;
            -p * p.log2()
        })
        .sum();
    let ideal = (alphabet as f64).log2();
    // A random string of n characters shows about min(ideal, log2 n) bits
    // of spread; far less means a skewed, guessable choice.
    let expected = ideal.min((n as f64).log2());
    let per_char = if shannon >= 0.8 * expected {
        ideal
    } else {
        shannon
    };
    let (readable, word_bits, word_chars) = words(value);
    let mut bits = if readable {
        // Each word is one pick from a large dictionary; the rest counts as random.
        word_bits + (n - word_chars) as f64 * per_char.min(3.3)
    } else {
        n as f64 * per_char
    };
    if let Some(p) = period {
        bits = bits * p as f64 / n as f64;
    }
    Strength {
        bits,
        readable,
        repetitive,
    }
}

fn alphabet_size(value: &str) -> usize {
    if value.chars().all(|c| c.is_ascii_hexdigit()) {
        let lower = value.chars().any(|c| c.is_ascii_lowercase());
        let upper = value.chars().any(|c| c.is_ascii_uppercase());
        return if lower && upper { 22 } else { 16 };
    }
    let mut size = 0;
    if value.chars().any(|c| c.is_ascii_lowercase()) {
        size += 26;
    }
    if value.chars().any(|c| c.is_ascii_uppercase()) {
        size += 26;
    }
    if value.chars().any(|c| c.is_ascii_digit()) {
        size += 10;
    }
    if value.chars().any(|c| c.is_ascii_punctuation() || c == ' ') {
        size += 33;
    }
    if !value.is_ascii() {
        size += 100;
    }
    size.max(2)
}

/// Finds word-like runs: letters with a natural share of vowels. Returns
/// whether the value reads like words, the bits those words are worth
/// (about 11 each, a pick from ~2000 common words) and the characters they cover.
fn words(value: &str) -> (bool, f64, usize) {
    let mut count = 0;
    let mut covered = 0;
    for token in value.split(|c: char| !c.is_ascii_alphabetic()) {
        for word in split_camel(token) {
            if is_wordlike(word) {
                count += 1;
                covered += word.len();
            }
        }
    }
    // Digit runs of 4 or fewer (years, counters) are cheap too.
    let small_numbers: Vec<&str> = value
        .split(|c: char| !c.is_ascii_digit())
        .filter(|t| !t.is_empty() && t.len() <= 4)
        .collect();
    let readable = count >= 2 && covered * 2 >= value.len().saturating_sub(value.len() / 4)
        || (count >= 1 && covered * 10 >= value.len() * 7);
    let number_chars: usize = small_numbers.iter().map(|t| t.len()).sum();
    let bits = count as f64 * 11.0 + small_numbers.len() as f64 * 7.0;
    (
        readable,
        bits,
        covered + if readable { number_chars } else { 0 },
    )
}

fn split_camel(token: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let b = token.as_bytes();
    for i in 1..b.len() {
        if b[i].is_ascii_uppercase() && b[i - 1].is_ascii_lowercase() {
            out.push(&token[start..i]);
            start = i;
        }
    }
    if start < token.len() {
        out.push(&token[start..]);
    }
    out
}

fn is_wordlike(word: &str) -> bool {
    if word.len() < 3 {
        return false;
    }
    let l = word.to_ascii_lowercase();
    let vowels = l.chars().filter(|c| "aeiouy".contains(*c)).count();
    let ratio = vowels as f64 / l.len() as f64;
    let mut run = 0;
    let mut longest = 0;
    for c in l.chars() {
        if "aeiouy".contains(c) {
            run = 0;
        } else {
            run += 1;
            longest = longest.max(run);
        }
    }
    (0.2..=0.7).contains(&ratio) && longest <= 3 && word.len() <= 14
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholder_families() {
        for v in [
            "your-secret-key-here-change-in-production",
            "your_api_key_here",
            "change-this-please",
            "change-me",
            "changeme",
            "CHANGETHIS",
            "jwt-secret-change-in-production",
            "!!!SET ME!!!",
            "__UNSET__",
            "*** REPLACE ***",
            "xxxxxxxx",
            "---",
            "secret",
            "password",
            "dev-secret-key",
            "test-key-123",
            "example",
            "",
            "  ",
        ] {
            assert!(placeholder_reason(v).is_some(), "{v:?} not caught");
        }
        for v in [
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            "optibid-jwt-secret-2025",
            "Zr8#kQ2!vLx9",
            "developer",
            "testament-of-youth",
        ] {
            assert!(placeholder_reason(v).is_none(), "{v:?} wrongly caught");
        }
    }

    #[test]
    fn random_hex_of_32_bytes_is_256_bits() {
        let s = strength("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
        assert!((s.bits - 256.0).abs() < 1.0, "{s:?}");
        assert!(!s.readable && !s.repetitive);
    }

    #[test]
    fn random_base64_is_strong() {
        let s = strength("q3Vx9kLm2Pz7Rt5Wb8Nc4Hd6Jf1Gs0AeYuIoKlMnBvC=");
        assert!(s.bits > 256.0, "{s:?}");
    }

    #[test]
    fn readable_phrases_are_weak_even_when_long() {
        for v in [
            "optibid-jwt-secret-2025",
            "optibid-production-secret-key-2025-do-not-share",
            "CorrectHorseBatteryStaple",
            "my_super_secret_password_for_production",
        ] {
            let s = strength(v);
            assert!(s.readable, "{v}: {s:?}");
            assert!(s.bits < 128.0, "{v}: {s:?}");
        }
    }

    #[test]
    fn repetition_and_skew_are_caught() {
        let s = strength(&"ab12".repeat(16));
        assert!(s.repetitive && s.bits < 40.0, "{s:?}");
        let s = strength(&"a".repeat(64));
        assert!(s.bits < 10.0, "{s:?}");
        let s = strength("0000000000000000000000000000000000000000000000000000000000000001");
        assert!(s.bits < 64.0, "{s:?}");
    }

    #[test]
    fn description_never_contains_the_value() {
        let v = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
        let d = describe(v);
        assert!(d.starts_with("set, 64 hex chars, sha256 "), "{d}");
        assert!(!d.contains(&v[..8]));
        assert_eq!(fingerprint(v).len(), 4);
        assert_eq!(describe(""), "set but empty");
    }
}
