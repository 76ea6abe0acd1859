//! Masking a configuration file line by line: env keys that name a
//! secret (quoted, commented, multi-line), and the password directives of
//! Redis configurations.

use super::{MASK, is_secret_key};

/// Masks configuration text line by line, whatever the secrets' length or
/// quoting: the value of every `KEY=value` (or `export KEY=value`) whose
/// key holds secrets, with the continuation lines of a quoted multi-line
/// value; every `>password` of a Redis `user` line; the argument of
/// `requirepass` and `masterauth`. Used on both sides of `generate`'s
/// diffs, before [`redact`].
pub fn mask_secret_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut open_quote: Option<char> = None;
    for line in text.split_inclusive('\n') {
        let (body, nl) = match line.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (line, ""),
        };
        if let Some(q) = open_quote {
            // Inside a masked multi-line value: hide it up to its close.
            if let Some(i) = find_close(body, q) {
                out.push_str(MASK);
                out.push_str(&body[i..]);
                open_quote = None;
            } else {
                out.push_str(MASK);
            }
            out.push_str(nl);
            continue;
        }
        let trimmed = body.trim_start();
        // A commented-out old value is still a secret.
        let uncommented = trimmed.trim_start_matches('#').trim_start();
        let assignment = match uncommented.strip_prefix("export") {
            Some(rest) if rest.starts_with(char::is_whitespace) => rest.trim_start(),
            _ => uncommented,
        };
        // Keys as loaders accept them: quoted, with dashes, any case.
        let key_of = |k: &str| {
            k.trim()
                .trim_matches(|c| c == '"' || c == '\'')
                .replace('-', "_")
        };
        if let Some((key, value)) = assignment.split_once('=')
            && !key.trim().is_empty()
            && !key.trim().contains(char::is_whitespace)
            && is_secret_key(&key_of(key))
        {
            let start = body.len() - value.len();
            out.push_str(&body[..start]);
            let v = value.trim_start();
            if let Some(q) = v.chars().next().filter(|c| *c == '"' || *c == '\'') {
                let inner = &v[1..];
                out.push(q);
                out.push_str(MASK);
                if let Some(close) = find_close(inner, q) {
                    // Loaders join text after the closing quote into the
                    // value; only a comment after it is shown.
                    let after = &inner[close + q.len_utf8()..];
                    out.push(q);
                    if after.trim_start().starts_with('#') || after.trim().is_empty() {
                        out.push_str(after);
                    } else {
                        out.push_str(MASK);
                    }
                } else {
                    open_quote = Some(q);
                }
            } else if !v.is_empty() {
                out.push_str(MASK);
            }
            out.push_str(nl);
            continue;
        }
        let words = config_words(trimmed);
        let bare = |w: &str| {
            w.trim_matches(|c| c == '"' || c == '\'')
                .to_ascii_lowercase()
        };
        let directive = words.first().map(|w| bare(w)).unwrap_or_default();
        // A word naming a secret (`requirepass`, `auth-pass`,
        // `tls-key-file-pass`, `masterauth`): what follows it is the secret.
        let secret_word = |w: &str| {
            let w = bare(w);
            matches!(w.as_str(), "requirepass" | "masterauth")
                || w.ends_with("pass")
                || w.contains("password")
                || w.contains("secret")
        };
        if directive == "user" {
            // ACL rules: >pw and <pw add and remove passwords, #hash and
            // !hash their hashes; quoted or not.
            let masked: Vec<String> = words
                .iter()
                .map(|w| {
                    let bare = w.trim_matches(|c| c == '"' || c == '\'');
                    match bare.chars().next() {
                        Some(c @ ('>' | '<' | '#' | '!')) => format!("{c}{MASK}"),
                        _ => (*w).to_string(),
                    }
                })
                .collect();
            out.push_str(&masked.join(" "));
        } else if directive == "rename-command" && words.len() > 2 {
            // The new name of a command is a password of sorts.
            out.push_str(&words[..2].join(" "));
            out.push(' ');
            out.push_str(MASK);
        } else if !directive.contains('=')
            && let Some(i) = words.iter().position(|w| secret_word(w))
            && i + 1 < words.len()
            // In a comment, only a commented-out directive (`# requirepass
            // old`), not prose that mentions a password.
            && (!trimmed.starts_with('#') || words[..i].iter().all(|w| w.trim_start_matches('#').is_empty()))
        {
            out.push_str(&words[..=i].join(" "));
            out.push(' ');
            out.push_str(MASK);
        } else {
            out.push_str(body);
        }
        out.push_str(nl);
    }
    out
}

/// The words of a configuration line as Redis splits them: spaces
/// separate, and a quoted word (single or double, with backslash escapes)
/// is one word, quotes included.
fn config_words(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let b = line.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        if b[i] == b'"' || b[i] == b'\'' {
            let q = b[i];
            i += 1;
            while i < b.len() && b[i] != q {
                if b[i] == b'\\' {
                    i += 1;
                }
                i += 1;
            }
            i = (i + 1).min(b.len());
        } else {
            while i < b.len() && !b[i].is_ascii_whitespace() {
                i += 1;
            }
        }
        out.push(line.get(start..i).unwrap_or(""));
    }
    out
}

/// The byte index of the quote `q` that closes a value, skipping quotes
/// escaped with a backslash.
fn find_close(text: &str, q: char) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == q {
            return Some(i);
        }
    }
    None
}
