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

mod lines;
mod names;

pub use lines::mask_secret_lines;
pub use names::{is_secret_key, is_secret_param};

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

/// JSON text with every character [`escape_controls`] would rewrite
/// (DEL, C1 controls, bidirectional marks; serde_json already escapes the
/// C0 ones) written as a JSON `\uXXXX` escape instead: the same string to
/// a JSON reader, and nothing left for the masking path to turn into an
/// escape JSON does not have.
pub fn json_escape_invisible(json: &str) -> String {
    if !json.chars().any(is_control) {
        return json.to_string();
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if is_control(c) {
            let mut buf = [0u16; 2];
            for u in c.encode_utf16(&mut buf) {
                out.push_str(&format!("\\u{u:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A character that changes how text shows without showing itself:
/// controls (newline and tab included), zero-width and bidirectional
/// marks, the byte-order mark. A name (a host, a role) holds none.
pub fn is_invisible(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{206f}' | '\u{feff}')
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
mod tests;
