//! Judging secret values without ever showing them: placeholder families,
//! a strength estimate that looks for randomness rather than length, and
//! the masked description (`set, 64 hex chars, sha256 3f2a…`) that is all
//! any screen, report or state file gets to see.

use std::sync::LazyLock;

use serde::Deserialize;
use sha2::{Digest, Sha256};

/// Secrets published in documentation and templates
/// (`assets/known-secrets.toml`).
#[derive(Deserialize)]
struct Known {
    #[serde(default)]
    known: Vec<Entry>,
    #[serde(default)]
    prefix: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    value: String,
    source: String,
}

/// Values (lower case), each with the reason it is refused.
type Reasons = Vec<(String, String)>;

/// The known values and the known prefixes.
static KNOWN: LazyLock<(Reasons, Reasons)> = LazyLock::new(|| {
    let k: Known =
        toml::from_str(include_str!("../../assets/known-secrets.toml")).unwrap_or(Known {
            known: Vec::new(),
            prefix: Vec::new(),
        });
    let reason = |e: Entry| {
        (
            e.value.to_lowercase(),
            format!("publicly known: {}", e.source),
        )
    };
    (
        k.known.into_iter().map(reason).collect(),
        k.prefix.into_iter().map(reason).collect(),
    )
});

/// Why a value is publicly known, if it is.
pub fn publicly_known(value: &str) -> Option<&'static str> {
    let l = value.trim().to_lowercase();
    let (exact, prefixes) = &*KNOWN;
    exact
        .iter()
        .find(|(v, _)| *v == l)
        // A known key with a character added or a prefix is still known.
        .or_else(|| {
            exact
                .iter()
                .find(|(v, _)| v.len() >= 16 && l.contains(v.as_str()))
        })
        .or_else(|| prefixes.iter().find(|(p, _)| l.starts_with(p.as_str())))
        .map(|(_, why)| why.as_str())
}

/// Why a value counts as a placeholder or well-known default.
pub fn placeholder_reason(value: &str) -> Option<&'static str> {
    let v = value.trim().trim_matches(|c| c == '"' || c == '\'');
    let l = v.to_ascii_lowercase();
    if l.is_empty() {
        return Some("empty");
    }
    if let Some(why) = publicly_known(v) {
        return Some(why);
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
    // Mostly x, * or dots: `xxxx-xxxx`, `****`, `xxxxxxxx1234` (a random
    // key that merely starts with "xxx" is no placeholder).
    let masked = l
        .chars()
        .filter(|c| matches!(c, 'x' | '*' | '-' | '.'))
        .count();
    if (l.starts_with("xxx") && masked * 2 >= l.chars().count())
        || l.chars()
            .all(|c| c == 'x' || c == '*' || c == '-' || c == '.')
    {
        return Some("a masked placeholder");
    }
    // A prefix marks a development value when what follows is chosen too;
    // a long random tail (`dev-` by chance at the start of a random key,
    // about 1 base64url key in a million) is no such mark.
    let chosen_after = |prefix: usize| {
        let tail = &v[prefix.min(v.len())..];
        tail.chars().count() < 24 || strength(tail).structured()
    };
    if ["dev-", "dev_", "test-", "test_"]
        .iter()
        .any(|p| l.starts_with(p) && chosen_after(p.len()))
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
    /// Estimated bits a guesser needs.
    pub bits: f64,
    /// What makes the value guessable, when structure explains it better
    /// than randomness does ("reads like words", "a keyboard walk", …).
    pub pattern: Option<&'static str>,
}

impl Strength {
    /// True when the value is made of guessable parts, not drawn at random.
    pub fn structured(&self) -> bool {
        self.pattern.is_some()
    }

    /// A short verdict for evidence, never quoting the value.
    pub fn summary(&self) -> String {
        match self.pattern {
            Some(p) => format!("~{:.0} bits: {p}", self.bits),
            None => format!("~{:.0} bits of randomness", self.bits),
        }
    }
}

/// Structure must explain a value this much better than randomness does
/// before the value counts as chosen rather than drawn: a random key's
/// chance words and runs save a few bits, a chosen one's most of them.
const STRUCTURED_BELOW: f64 = 0.8;

/// Estimates how many guesses a secret needs, in bits.
///
/// Two readings of the value are weighed. Drawn at random, it is worth its
/// length times the bits of the smallest standard alphabet holding it
/// (hex, base64, letters and digits, printable ASCII). Made of parts, it is
/// worth what a guesser that knows dictionaries, keyboard walks, repeats,
/// sequences and dates pays for each part (the zxcvbn matchers), plus the
/// position of each part, with the unmatched rest at random. When the parts
/// explain it much better, it is a chosen value and judged by them.
/// `context` holds values a guesser would try first (a user name).
pub fn strength_with(value: &str, context: &[&str]) -> Strength {
    let n = value.chars().count();
    if n == 0 {
        return Strength {
            bits: 0.0,
            pattern: None,
        };
    }
    let per_char = (alphabet(value) as f64).log2();
    let random = n as f64 * per_char;
    // A value that repeats one unit is worth its unit and the count.
    let chars: Vec<char> = value.chars().collect();
    if let Some(p) =
        (1..=n / 2).find(|&p| n.is_multiple_of(p) && chars.chunks(p).all(|c| c == &chars[..p]))
    {
        let unit: String = chars[..p].iter().collect();
        return Strength {
            bits: (p as f64 * per_char).min(strength_with(&unit, context).bits)
                + ((n / p) as f64).log2(),
            pattern: Some("repeats a pattern"),
        };
    }
    // Readable text dressed as a key: hex or base64 of a phrase.
    if let Some((text, how)) = decoded_text(value)
        && let s = strength_with(&text, context)
        && (s.structured() || s.bits < 128.0)
    {
        return Strength {
            bits: s.bits.min(random),
            pattern: Some(how),
        };
    }
    // Counting: each character (or byte) a fixed step from the one a few
    // places before (`a1b2c3…`, `000102…`).
    if let Some(bits) = progression(value) {
        return Strength {
            bits: bits.min(random),
            pattern: Some("a sequence"),
        };
    }
    // A long piece said twice (`Tr0ub4dor&3Tr0ub4dor&3x`): worth the piece
    // once, its place, and the rest at random.
    if let Some((unit, rest)) = repeated_piece(&chars)
        && let once = strength_with(&unit, context).bits
        && once + rest as f64 * per_char + 2.0 * ((n + 1) as f64).log2() < STRUCTURED_BELOW * random
    {
        return Strength {
            bits: once + rest as f64 * per_char + 2.0 * ((n + 1) as f64).log2(),
            pattern: Some("repeats a pattern"),
        };
    }
    let position = ((n + 1) as f64).log2();
    let mut parts = 0.0;
    let mut covered: Vec<(&'static str, usize)> = Vec::new();
    for chunk in chunks(value) {
        let found = zxcvbn::zxcvbn(&chunk, context);
        for m in found.sequence() {
            let len = m.j + 1 - m.i;
            let as_random = len as f64 * per_char;
            match kind(&m.pattern) {
                None => {
                    let (bits, found) = unmatched(&m.token, per_char, position);
                    parts += bits;
                    covered.extend(found);
                }
                Some(k) => {
                    let guesses = m.guesses.unwrap_or(u64::MAX).max(1) as f64;
                    parts += guesses.log2().min(as_random) + position;
                    covered.push((k, len));
                }
            }
        }
    }
    if parts < STRUCTURED_BELOW * random {
        let mut by_kind: Vec<(&'static str, usize)> = Vec::new();
        for (k, len) in covered {
            match by_kind.iter_mut().find(|(x, _)| *x == k) {
                Some(e) => e.1 += len,
                None => by_kind.push((k, len)),
            }
        }
        let main = by_kind.iter().max_by_key(|(_, l)| *l).map(|(k, _)| *k);
        Strength {
            bits: parts,
            pattern: Some(main.unwrap_or("made of guessable parts")),
        }
    } else {
        Strength {
            bits: random,
            pattern: None,
        }
    }
}

/// What a run zxcvbn left unmatched is worth: its characters at random,
/// except made-up words (five or more letters that read aloud: a product
/// or company name) and years, which a guesser tries first.
fn unmatched(token: &str, per_char: f64, position: f64) -> (f64, Vec<(&'static str, usize)>) {
    let chars: Vec<char> = token.chars().collect();
    let (mut bits, mut found) = (0.0, Vec::new());
    let mut i = 0;
    while i < chars.len() {
        let letters = chars[i..]
            .iter()
            .take_while(|c| c.is_ascii_alphabetic())
            .count();
        let digits = chars[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        if letters >= 5 && pronounceable(&chars[i..i + letters]) {
            // A pick from about a million names and made-up words.
            bits += 20.0f64.min(letters as f64 * per_char) + position;
            found.push(("reads like words", letters));
            i += letters;
        } else if digits == 4 && matches!(chars[i], '1' | '2') && matches!(chars[i + 1], '9' | '0')
        {
            // A year of 1900 to 2099.
            bits += 8.0 + position;
            found.push(("a date or year", 4));
            i += 4;
        } else {
            let run = letters.max(digits).max(1);
            bits += run as f64 * per_char;
            i += run;
        }
    }
    (bits, found)
}

/// Letters that read aloud: a natural share of vowels, no long consonant
/// clusters, one case or a capital first.
fn pronounceable(word: &[char]) -> bool {
    let lower = word.iter().skip(1).all(|c| c.is_ascii_lowercase());
    if !lower {
        return false;
    }
    let vowel = |c: &char| "aeiouyAEIOUY".contains(*c);
    let vowels = word.iter().filter(|c| vowel(c)).count();
    let ratio = vowels as f64 / word.len() as f64;
    let mut run = 0;
    let mut longest = 0;
    for c in word {
        if vowel(c) {
            run = 0;
        } else {
            run += 1;
            longest = longest.max(run);
        }
    }
    (0.25..=0.65).contains(&ratio) && longest <= 2
}

/// The value cut into pieces of at most 16 characters, at separators
/// where it has them. zxcvbn counts guesses in 64 bits, so longer pieces
/// saturate and it stops telling structure from noise.
fn chunks(value: &str) -> Vec<String> {
    const MAX: usize = 16;
    let mut tokens: Vec<String> = Vec::new();
    let mut cur = String::new();
    for c in value.chars() {
        cur.push(c);
        if !c.is_alphanumeric() {
            tokens.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        tokens.push(cur);
    }
    let mut out: Vec<String> = Vec::new();
    for t in tokens {
        let chars: Vec<char> = t.chars().collect();
        for piece in chars.chunks(MAX) {
            let piece: String = piece.iter().collect();
            match out.last_mut() {
                Some(last) if last.chars().count() + piece.chars().count() <= MAX => {
                    last.push_str(&piece);
                }
                _ => out.push(piece),
            }
        }
    }
    out
}

/// The text a hex or base64 value encodes, when it is text: at least 8
/// bytes, valid UTF-8, all printable. Random keys decode to random bytes,
/// which are almost never all printable.
fn decoded_text(value: &str) -> Option<(String, &'static str)> {
    let n = value.len();
    if n < 16 {
        return None;
    }
    let hex = n.is_multiple_of(2) && value.bytes().all(|b| b.is_ascii_hexdigit());
    let bytes: Vec<u8> = if hex {
        (0..n)
            .step_by(2)
            .map(|i| u8::from_str_radix(&value[i..i + 2], 16).unwrap_or(0))
            .collect()
    } else {
        base64_decode(value)?
    };
    let text = String::from_utf8(bytes).ok()?;
    let printable =
        text.chars().count() >= 8 && text.chars().all(|c| c.is_ascii_graphic() || c == ' ');
    printable.then_some((
        text,
        if hex {
            "encodes readable text (hex)"
        } else {
            "encodes readable text (base64)"
        },
    ))
}

/// Standard or URL-safe base64, padded or not; `None` when the value is
/// not base64.
fn base64_decode(value: &str) -> Option<Vec<u8>> {
    let body = value.trim_end_matches('=');
    if value.len() - body.len() > 2 {
        return None;
    }
    let mut bits: u32 = 0;
    let mut count = 0;
    let mut out = Vec::with_capacity(body.len() * 3 / 4);
    for b in body.bytes() {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        bits = (bits << 6) | u32::from(v);
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    Some(out)
}

/// Bits of a value in which each character, or each byte of its hex, is
/// a fixed step from the one `lag` places before it (most of the time);
/// `None` for anything else.
fn progression(value: &str) -> Option<f64> {
    let chars: Vec<u32> = value.chars().map(u32::from).collect();
    let mut series = vec![chars];
    if value.len().is_multiple_of(2) && value.bytes().all(|b| b.is_ascii_hexdigit()) {
        series.push(
            (0..value.len())
                .step_by(2)
                .map(|i| u32::from_str_radix(&value[i..i + 2], 16).unwrap_or(0))
                .collect(),
        );
    }
    for s in series {
        if s.len() < 8 {
            continue;
        }
        for lag in 1..=4 {
            let steps: Vec<i64> = s
                .windows(lag + 1)
                .map(|w| i64::from(w[lag]) - i64::from(w[0]))
                .collect();
            let mut counts: std::collections::HashMap<i64, usize> = Default::default();
            for d in &steps {
                *counts.entry(*d).or_default() += 1;
            }
            let most = counts.values().copied().max().unwrap_or(0);
            if most * 4 >= steps.len() * 3 {
                // The first `lag` characters, the step, and the stray ones.
                let stray = steps.len() - most;
                return Some(lag as f64 * 8.0 + 8.0 + stray as f64 * 8.0);
            }
        }
    }
    None
}

/// The longest piece (8 characters or more) said twice without overlap,
/// when the two copies make most of the value: the piece and how many
/// characters are left. Values over 128 characters are not searched.
fn repeated_piece(chars: &[char]) -> Option<(String, usize)> {
    let n = chars.len();
    if !(16..=128).contains(&n) {
        return None;
    }
    for len in (8..=n / 2).rev() {
        if 2 * len * 10 < n * 7 {
            return None;
        }
        for i in 0..=n - 2 * len {
            let piece = &chars[i..i + len];
            if (i + len..=n - len).any(|j| &chars[j..j + len] == piece) {
                return Some((piece.iter().collect(), n - 2 * len));
            }
        }
    }
    None
}

/// [`strength_with`] without context.
pub fn strength(value: &str) -> Strength {
    strength_with(value, &[])
}

/// What a zxcvbn match is, in words; `None` for a random run.
fn kind(p: &zxcvbn::matching::patterns::MatchPattern) -> Option<&'static str> {
    use zxcvbn::matching::patterns::MatchPattern as P;
    match p {
        P::Dictionary(_) => Some("reads like words"),
        P::Spatial(_) => Some("a keyboard walk"),
        P::Repeat(_) => Some("repeats a pattern"),
        P::Sequence(_) => Some("a sequence"),
        P::Regex(_) | P::Date(_) => Some("a date or year"),
        P::BruteForce => None,
    }
}

/// The size of the smallest generator alphabet that holds every
/// character: digits, hex, base36, base62, base64 (either variant) or
/// printable ASCII. Generators draw from these; a random string that
/// happens to miss a class (no digit in 43 base64 characters: 1 in 7,500)
/// is not judged on a smaller alphabet than its generator's, so letters
/// alone count as base36 (one case) or base62 (both).
fn alphabet(value: &str) -> usize {
    let all = |f: &dyn Fn(char) -> bool| value.chars().all(f);
    if all(&|c| c.is_ascii_digit()) {
        10
    } else if all(&|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
        || all(&|c| c.is_ascii_digit() || ('A'..='F').contains(&c))
    {
        16
    } else if all(&|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        || all(&|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    {
        36
    } else if all(&|c| c.is_ascii_alphanumeric()) {
        62
    } else if all(&|c| c.is_ascii_alphanumeric() || "-_".contains(c))
        || all(&|c| c.is_ascii_alphanumeric() || "+/=".contains(c))
    {
        64
    } else if value.is_ascii() {
        95
    } else {
        // Beyond ASCII a guesser's alphabet is unknown; count generously
        // but finitely.
        200
    }
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
        assert!(!s.structured());
    }

    #[test]
    fn chance_words_in_random_keys_do_not_make_them_chosen() {
        // Random base64url keys holding real words by chance ("Lemon",
        // "table", "2019"): their length and alphabet decide.
        for v in [
            "mQ7Lemonx_9Rv2kTb4Wc8Nd1Hs6Jf0Gz3Ae5YuIoPlZ",
            "Xk2table9Qw-8Rt5Wb1Nc4Hd6Jf0Gs3AeYuIoKlMnBv",
            "2019Kq3Vx9kLm2Pz7Rt5Wb8Nc4Hd6Jf1Gs0AeYuIoKZ",
        ] {
            let s = strength(v);
            assert!(!s.structured() && s.bits >= 256.0, "{v}: {s:?}");
        }
    }

    #[test]
    fn the_known_secrets_asset_parses() {
        // A broken asset would leave the lists empty, and every known key
        // would pass again.
        let (exact, prefixes) = &*KNOWN;
        assert!(exact.len() >= 10 && !prefixes.is_empty());
    }

    #[test]
    fn publicly_known_keys_are_placeholders() {
        for v in [
            "09d25e094faa6ca2556c818166b7a9563b93f7099f6f0f4caa6cf63b88e8d3e7",
            "django-insecure-5x@k!q9#z7w$p2r&m8n^v3b6c1t0y4u",
            "replace-me",
            "your-256-bit-secret",
        ] {
            let why = placeholder_reason(v).unwrap_or_default();
            assert!(why.starts_with("publicly known"), "{v}: {why}");
        }
    }

    #[test]
    fn a_password_made_of_its_user_is_weak() {
        let s = strength_with("optibid_app2024", &["optibid_app"]);
        assert!(s.structured(), "{s:?}");
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
            assert_eq!(s.pattern, Some("reads like words"), "{v}: {s:?}");
        }
    }

    #[test]
    fn repetition_and_skew_are_caught() {
        let s = strength(&"ab12".repeat(16));
        assert!(
            s.pattern == Some("repeats a pattern") && s.bits < 40.0,
            "{s:?}"
        );
        let s = strength(&"a".repeat(64));
        assert!(s.bits < 16.0, "{s:?}");
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
