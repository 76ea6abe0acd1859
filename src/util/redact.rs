//! The one masking path. Everything harden prints or stores (evidence, the
//! state file, the screen, every report format, generate's diffs, error
//! messages) goes through [`redact`], which
//! - replaces every secret value harden has seen in this process (env file
//!   values of secret-bearing keys, URL passwords, generated secrets) with
//!   [`MASK`],
//! - masks URL credentials whatever their shape (everything between `://`
//!   and the last `@` of the URL, except a user name before a `:`) and the
//!   values of query parameters that carry secrets,
//! - and escapes terminal control characters (ESC, CSI, OSC, C1), so a
//!   certificate subject or a note cannot drive the operator's terminal.
//!
//! Secrets are remembered in a process-wide set: the detectors, the wizard
//! and `generate` all feed it, and every output edge reads it.

use std::collections::BTreeSet;
use std::sync::RwLock;

/// What a secret is replaced with.
pub const MASK: &str = "‹secret›";

/// Shortest value remembered as a secret: shorter ones would mask honest
/// words, and are flagged as weak by the detectors anyway. (Generated
/// files are also masked line by line, by key, whatever the length: see
/// [`mask_secret_lines`].)
pub const MIN_SECRET: usize = 6;

/// Shortest known secret that refuses a note: shorter ones would refuse
/// honest text.
pub const MIN_REFUSED: usize = MIN_SECRET;

static KNOWN: RwLock<BTreeSet<String>> = RwLock::new(BTreeSet::new());

/// Remembers a secret value, so that no output ever shows it.
pub fn remember(value: &str) {
    let v = value.trim();
    // Short numbers (ports, dates, counts) are not secrets worth masking.
    if v.chars().count() < MIN_SECRET || (v.len() < 16 && v.chars().all(|c| c.is_ascii_digit())) {
        return;
    }
    if let Ok(mut k) = KNOWN.write() {
        k.insert(v.to_string());
    }
}

/// Words of a key name (split on `_`, `-`, `.`) that make it a secret
/// wherever they stand, when a word starts with them.
const SECRET_ANYWHERE: &[&str] = &["PASSWORD", "PASSPHRASE", "SECRET", "CREDENTIAL"];

/// Words that make a key a secret only as its last word (`API_KEY`,
/// `GITHUB_TOKEN`, `BASIC_AUTH`), not in `CACHE_KEY_PREFIX`, `TOKEN_TYPE`
/// or `AUTH_USER_MODEL`.
const SECRET_LAST: &[&str] = &[
    "KEY",
    "KEYS",
    "TOKEN",
    "TOKENS",
    "AUTH",
    "PWD",
    "PASSWD",
    "PASS",
    "SALT",
    "APIKEY",
    "DSN",
    "PSK",
    "SK",
    "SIGNATURE",
];

/// Words before the last that, with a secret last word, still name a
/// secret (`PRIVATE_KEY_PEM`, `SIGNING_KEY_B64`).
const SECRET_ENCODINGS: &[&str] = &["PEM", "B64", "BASE64", "HEX", "JSON", "DER"];

/// Last words of key names that name a setting about a secret, not the
/// secret (`ACCESS_TOKEN_EXPIRE_MINUTES`, `AWS_ACCESS_KEY_ID`,
/// `PASSWORD_MIN_LENGTH`).
const NOT_SECRET_LAST: &[&str] = &[
    "EXPIRE",
    "EXPIRES",
    "MINUTES",
    "DAYS",
    "HOURS",
    "SECONDS",
    "TTL",
    "ALGORITHM",
    "ALG",
    "ID",
    "ENABLED",
    "PATH",
    "FILE",
    "LENGTH",
    "LEN",
    "MIN",
    "MAX",
    "PREFIX",
    "TYPE",
    "MODEL",
    "NAME",
    "HOST",
    "PORT",
    "LEVEL",
    "MODE",
    "BACKEND",
    "CLASS",
    "HEADER",
    "SCHEME",
    "ISSUER",
    "AUDIENCE",
    "URL",
    "URI",
    "ENDPOINT",
    "REGION",
    "USER",
    "USERNAME",
    "FIELD",
    "SIZE",
    "COUNT",
    "LIMIT",
    "VERSION",
    "FORMAT",
    "PROVIDER",
    "METHOD",
    "INTERVAL",
    "TIMEOUT",
    "WINDOW",
    "ATTEMPTS",
    "ROTATION",
    "REQUIRED",
    "POLICY",
    "RESET",
];

fn starts_ci(word: &str, prefix: &str) -> bool {
    word.get(..prefix.len())
        .is_some_and(|w| w.eq_ignore_ascii_case(prefix))
}

fn one_of(word: &str, list: &[&str]) -> bool {
    list.iter().any(|w| word.eq_ignore_ascii_case(w))
}

/// True when a setting named `key` holds a secret. Word by word and
/// without allocating: it runs for every line of every env file read.
pub fn is_secret_key(key: &str) -> bool {
    let key = key.trim().trim_matches(|c| c == '"' || c == '\'');
    let words = || key.split(['_', '-', '.']).filter(|w| !w.is_empty());
    // A webhook URL is a credential itself (its path is the token).
    if words().any(|w| starts_ci(w, "WEBHOOK")) {
        return true;
    }
    let mut rev = words().rev();
    let last = rev.next().unwrap_or("");
    if one_of(last, NOT_SECRET_LAST) {
        return false;
    }
    let ends = |suffix: &str| {
        key.len() >= suffix.len()
            && key
                .get(key.len() - suffix.len()..)
                .is_some_and(|t| t.eq_ignore_ascii_case(suffix))
    };
    // The word a secret would end on: the last, or the one before an
    // encoding suffix.
    let tail = if one_of(last, SECRET_ENCODINGS) {
        rev.next().unwrap_or("")
    } else {
        last
    };
    ends("PASSWORD")
        || ends("SECRET")
        || one_of(tail, SECRET_LAST)
        || words().any(|w| SECRET_ANYWHERE.iter().any(|p| starts_ci(w, p)))
}

/// Remembers what a `KEY=value` setting holds that is secret: the whole
/// value of a secret-bearing key, and the credentials of any URL in it.
pub fn remember_setting(key: &str, value: &str) {
    if is_secret_key(key) {
        remember(value);
    }
    // A setting's value is a URL (or a list of them) as a whole: its
    // password may hold characters that end a URL in running text.
    let v = value.trim();
    for part in std::iter::once(v).chain(v.split(',').map(str::trim)) {
        if let Some((info, _)) = userinfo(part) {
            remember_userinfo(info);
        }
        // A password may even hold an unencoded ? or #: take everything
        // up to the value's last @.
        if let Some(info) = whole_userinfo(part) {
            remember_userinfo(info);
        }
    }
    remember_url_parts(value);
}

fn remember_userinfo(info: &str) {
    if let Some((user, pw)) = info.split_once(':') {
        // A password equal to its user name is a published default,
        // not a secret; masking it would hide the user name too.
        if pw != user {
            remember(info);
            remember(pw);
            remember(&percent_decode(pw));
        }
    } else {
        remember(info);
        remember(&percent_decode(info));
    }
}

/// Query parameter names that carry secrets (case-insensitive).
const SECRET_PARAMS: &[&str] = &[
    "password",
    "pass",
    "passwd",
    "pwd",
    "secret",
    "token",
    "key",
    "api_key",
    "apikey",
    "access_token",
    "refresh_token",
    "auth",
    "sig",
    "signature",
    "client_secret",
    "x-amz-signature",
    "x-amz-credential",
    "code",
    "session",
    "sessionid",
    "jwt",
    "id_token",
    "x-api-key",
];

/// True when a query parameter of this name carries a secret.
pub fn is_secret_param(name: &str) -> bool {
    let n = name.to_ascii_lowercase().replace('-', "_");
    SECRET_PARAMS.contains(&n.as_str())
        || n.ends_with("_token")
        || n.ends_with("_secret")
        || n.ends_with("_key")
        || n.ends_with("password")
}

/// Remembers the credentials of every URL in `text`: the user-info part
/// (and the password alone) and secret query values.
pub fn remember_url_parts(text: &str) {
    for (start, end) in url_spans(text) {
        let url = &text[start..end];
        if let Some((info, _)) = userinfo(url) {
            remember_userinfo(info);
        }
        if let Some(q) = url.split_once('?').map(|(_, q)| q) {
            for pair in q.split(['&', ';']) {
                if let Some((k, v)) = pair.split_once('=')
                    && is_secret_param(&percent_decode(k))
                {
                    let v = v.split('#').next().unwrap_or(v);
                    remember(v);
                    remember(&percent_decode(v));
                }
            }
        }
    }
}

/// Decodes `%XX` escapes (invalid ones stay as they are).
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2]))
        {
            out.push(h * 16 + l);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(c: u8) -> Option<u8> {
    (c as char).to_digit(16).and_then(|d| u8::try_from(d).ok())
}

/// True when `text` holds a secret value harden knows of (of at least
/// [`MIN_REFUSED`] characters).
pub fn holds_known_secret(text: &str) -> bool {
    secret_spans(text).next().is_some()
}

/// How many characters of a secret count as the secret.
const WINDOW: usize = 12;

/// Byte ranges of `text` that hold a known secret (of at least
/// [`MIN_REFUSED`] characters): the whole secret in any ASCII case, or
/// any [`WINDOW`] consecutive characters of a longer one.
fn secret_spans(text: &str) -> impl Iterator<Item = std::ops::Range<usize>> {
    // ASCII lowering keeps every byte where it is.
    let lower = text.to_ascii_lowercase();
    let mut spans = Vec::new();
    if let Ok(k) = KNOWN.read() {
        for s in k.iter().filter(|s| s.chars().count() >= MIN_REFUSED) {
            let s = s.to_ascii_lowercase();
            let mut needles = vec![s.as_str()];
            let bounds: Vec<usize> = s.char_indices().map(|(i, _)| i).chain([s.len()]).collect();
            for w in bounds.windows(WINDOW + 1) {
                needles.push(&s[w[0]..w[WINDOW]]);
            }
            for n in needles {
                let mut from = 0;
                while let Some(i) = lower.get(from..).and_then(|l| l.find(n)) {
                    spans.push(from + i..from + i + n.len());
                    from += i + 1;
                    while !lower.is_char_boundary(from) {
                        from += 1;
                    }
                }
            }
        }
    }
    spans.into_iter()
}

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

/// Text refused because it holds a secret of this review; the message
/// names what was refused, never the secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what} refused: it holds a secret of this review.")]
pub struct HoldsSecret {
    /// What was refused, capitalised (`Note`, `Waiver reason`).
    pub what: String,
}

impl From<HoldsSecret> for String {
    fn from(e: HoldsSecret) -> String {
        e.to_string()
    }
}

/// Refuses text an operator wants stored (a note, a waiver reason) when it
/// holds a secret value harden knows of in this review, or URL
/// credentials. Fingerprints are never matched: they are too short.
///
/// # Errors
/// A message that says why, without the secret.
pub fn refuse_secret(what: &str, text: &str) -> Result<(), HoldsSecret> {
    let creds = url_spans(text)
        .into_iter()
        .any(|(s, e)| userinfo(&text[s..e]).is_some_and(|(i, _)| i.contains(':')));
    if holds_known_secret(text) || creds {
        // Short enough for the wizard's prompt at 80 columns.
        let mut w = what.to_string();
        if let Some(f) = w.get_mut(..1) {
            f.make_ascii_uppercase();
        }
        return Err(HoldsSecret { what: w });
    }
    Ok(())
}

/// Characters that end a URL in running text. Punctuation such as `,`,
/// `)` or `|` may be part of a password, so it does not end one; a URL's
/// trailing punctuation is trimmed instead (see [`url_spans`]).
fn url_end(c: char) -> bool {
    c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>' | '`')
}

/// Byte spans of URL-like tokens (`scheme://…`).
fn url_spans(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find("://") {
        let at = from + i;
        // The scheme: letters, digits, + - . before `://`.
        let start = text[..at]
            .char_indices()
            .rev()
            .take_while(|(_, c)| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
            .last()
            .map_or(at, |(j, _)| j);
        let rest = &text[at + 3..];
        let len = rest.find(url_end).unwrap_or(rest.len());
        // Sentence punctuation after a URL is not part of it.
        let len = rest[..len]
            .trim_end_matches(['.', ',', ';', ':', ')', ']', '}', '!', '?'])
            .len();
        let end = at + 3 + len;
        out.push((start, end));
        from = end.max(at + 3);
    }
    out
}

/// The user-info of a URL (between `://` and its last `@` before the
/// path's first `?`/`#`), with its byte range in `url`.
fn userinfo(url: &str) -> Option<(&str, std::ops::Range<usize>)> {
    let s = url.find("://")? + 3;
    let tail = &url[s..];
    let stop = tail.find(['?', '#']).unwrap_or(tail.len());
    let at = tail[..stop].rfind('@')?;
    (at > 0).then(|| (&tail[..at], s..s + at))
}

/// The user-info of a value that is one URL: between `://` and the last
/// `@` of the whole value.
fn whole_userinfo(v: &str) -> Option<&str> {
    let s = v.find("://")? + 3;
    let at = v.rfind('@')?;
    (at > s).then(|| &v[s..at])
}

/// Masks a value that is one URL (an argument, a setting), whatever its
/// password holds: everything between `://` and its last `@`, then as
/// [`redact`].
pub fn redact_url_value(v: &str) -> String {
    match (v.find("://"), v.rfind('@')) {
        (Some(s), Some(at)) if at > s + 3 => {
            let info = &v[s + 3..at];
            let shown = match info.split_once(':') {
                Some((user, _)) if !user.is_empty() => format!("{user}:****"),
                _ => "****".to_string(),
            };
            redact(&format!("{}{shown}{}", &v[..s + 3], &v[at..]))
        }
        _ => redact(v),
    }
}

/// Masks one URL: its credentials and secret query values.
fn mask_url(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    let mut rest_from = 0;
    if let Some((info, range)) = userinfo(url) {
        out.push_str(&url[..range.start]);
        match info.split_once(':') {
            Some((user, _)) if !user.is_empty() => {
                out.push_str(user);
                out.push_str(":****");
            }
            _ => out.push_str("****"),
        }
        rest_from = range.end;
    }
    let rest = &url[rest_from..];
    // The path, then the query and the fragment: both may carry secret
    // parameters (an OAuth implicit flow puts the token in the fragment).
    let (before_frag, frag) = match rest.split_once('#') {
        Some((r, f)) => (r, Some(f)),
        None => (rest, None),
    };
    match before_frag.split_once('?') {
        None => out.push_str(before_frag),
        Some((path, query)) => {
            out.push_str(path);
            out.push('?');
            out.push_str(&mask_params(query));
        }
    }
    if let Some(f) = frag {
        out.push('#');
        out.push_str(&mask_params(f));
    }
    out
}

/// `k=v` pairs (separated by `&` or `;`) with the values of secret
/// parameters masked; anything else as it is.
fn mask_params(q: &str) -> String {
    let mut out = String::with_capacity(q.len());
    let mut rest = q;
    while !rest.is_empty() {
        let (pair, sep, tail) = match rest.find(['&', ';']) {
            Some(i) => (&rest[..i], &rest[i..=i], &rest[i + 1..]),
            None => (rest, "", ""),
        };
        match pair.split_once('=') {
            Some((k, _)) if is_secret_param(&percent_decode(k)) => {
                out.push_str(k);
                out.push_str("=****");
            }
            _ => out.push_str(pair),
        }
        out.push_str(sep);
        rest = tail;
    }
    out
}

/// An input field's text as the screen may show it: every known secret
/// typed or pasted into it becomes `•` of the same length (so the cursor
/// stays where it is), and control characters become `?`.
pub fn veil(text: &str) -> String {
    let mut hidden = vec![false; text.len()];
    for r in secret_spans(text) {
        for h in &mut hidden[r] {
            *h = true;
        }
    }
    text.char_indices()
        .map(|(i, c)| {
            if hidden[i] {
                '•'
            } else if c.is_control() {
                '?'
            } else {
                c
            }
        })
        .collect()
}

/// Escapes control characters (keeps newline and tab): ESC becomes `\e`,
/// others `\u{..}`; C1 controls and DEL too.
pub fn escape_controls(text: &str) -> String {
    if !text.chars().any(is_control) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_control(c) {
            if c == '\u{1b}' {
                out.push_str("\\e");
            } else {
                out.push_str(&format!("\\u{{{:x}}}", c as u32));
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn is_control(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// The one masking function: known secrets, URL credentials and secret
/// query values masked, control characters escaped.
pub fn redact(text: &str) -> String {
    let mut t = text.to_string();
    if let Ok(k) = KNOWN.read() {
        // Longest first, so a secret containing another is masked whole;
        // before escaping, so a secret holding a control character matches.
        let mut list: Vec<&String> = k.iter().filter(|s| t.contains(s.as_str())).collect();
        list.sort_by_key(|s| std::cmp::Reverse(s.len()));
        for s in list {
            t = t.replace(s.as_str(), MASK);
        }
    }
    let t = escape_controls(&t);
    if !t.contains("://") {
        return t;
    }
    let spans = url_spans(&t);
    let mut out = String::with_capacity(t.len());
    let mut last = 0;
    for (s, e) in spans {
        out.push_str(&t[last..s]);
        out.push_str(&mask_url(&t[s..e]));
        last = e;
    }
    out.push_str(&t[last..]);
    out
}

#[cfg(test)]
mod tests {
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
}
