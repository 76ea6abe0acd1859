//! Reading an env file as an auditor must: every line judged as written.
//!
//! The file is split into logical lines here (so every entry and problem
//! has its line number, and quoted values may span lines); each logical
//! line is then decoded by dotenvy, the same grammar the application's
//! loader follows. Lines that refer to other variables (`$VAR`) are not
//! handed to dotenvy, which would expand them from the auditor's own
//! environment; their text is judged as written. Broken lines, duplicate
//! keys, CRLF endings, a byte-order mark and non-UTF-8 bytes are reported,
//! never fatal, and never quote a value.

use std::path::Path;

/// How a value was quoted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quote {
    None,
    Single,
    Double,
}

/// One `KEY=value` of the file.
#[derive(Clone, PartialEq, Eq)]
pub struct Entry {
    pub key: String,
    /// The decoded value. Secret: never print it.
    pub value: String,
    /// 1-based line where the entry starts; 0 for a value that is not in
    /// the file (a code default the effective view supplies).
    pub line: usize,
    pub quote: Quote,
    pub exported: bool,
    /// The value refers to another variable and was kept as written.
    pub reference: bool,
}

impl std::fmt::Debug for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Entry")
            .field("key", &self.key)
            .field("value", &"<redacted>")
            .field("line", &self.line)
            .field("quote", &self.quote)
            .field("exported", &self.exported)
            .field("reference", &self.reference)
            .finish()
    }
}

/// Something odd about the file, by line where it has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    pub line: Option<usize>,
    pub message: String,
}

/// A parsed env file.
#[derive(Debug, Default)]
pub struct EnvFile {
    /// Every entry in file order, duplicates included.
    pub entries: Vec<Entry>,
    pub issues: Vec<Issue>,
    /// Key -> index of its winning entry, built on first use, so that
    /// judging every key of a 100k-line file stays linear.
    index: std::sync::OnceLock<std::collections::HashMap<String, usize>>,
    /// The same, by upper-cased key (pydantic reads names in any case).
    folded: std::sync::OnceLock<std::collections::HashMap<String, usize>>,
}

/// A copy's lookups are built afresh: entries are often edited after
/// cloning (the effective view), and a copied index would be stale.
impl Clone for EnvFile {
    fn clone(&self) -> Self {
        EnvFile {
            entries: self.entries.clone(),
            issues: self.issues.clone(),
            ..EnvFile::default()
        }
    }
}

impl EnvFile {
    /// The entry that wins for a key: the last one, as python-dotenv reads it.
    pub fn get(&self, key: &str) -> Option<&Entry> {
        let index = self.index.get_or_init(|| {
            self.entries
                .iter()
                .enumerate()
                .map(|(i, e)| (e.key.clone(), i))
                .collect()
        });
        match index.get(key).map(|&i| self.entries.get(i)) {
            None => None,
            Some(Some(e)) if e.key == key => Some(e),
            // Entries changed after the index was built: scan.
            _ => self.entries.iter().rev().find(|e| e.key == key),
        }
    }

    /// The entry that wins for a key in any case (`app_debug` for
    /// `APP_DEBUG`): the last one, as pydantic-settings reads a
    /// case-insensitive name.
    pub fn get_any_case(&self, key: &str) -> Option<&Entry> {
        let folded = self.folded.get_or_init(|| {
            self.entries
                .iter()
                .enumerate()
                .map(|(i, e)| (e.key.to_ascii_uppercase(), i))
                .collect()
        });
        match folded
            .get(&key.to_ascii_uppercase())
            .map(|&i| self.entries.get(i))
        {
            None => None,
            Some(Some(e)) if e.key.eq_ignore_ascii_case(key) => Some(e),
            _ => self
                .entries
                .iter()
                .rev()
                .find(|e| e.key.eq_ignore_ascii_case(key)),
        }
    }

    /// The winning value of a key, trimmed.
    pub fn value(&self, key: &str) -> Option<&str> {
        self.get(key).map(|e| e.value.trim())
    }

    /// Keys in file order, each once.
    pub fn keys(&self) -> Vec<&str> {
        let mut seen = std::collections::HashSet::new();
        self.entries
            .iter()
            .filter(|e| seen.insert(e.key.as_str()))
            .map(|e| e.key.as_str())
            .collect()
    }
}

impl EnvFile {
    /// The file with `${NAME}` and `${NAME:-default}` expanded as
    /// python-dotenv expands them when pydantic-settings reads it: from
    /// entries on earlier lines of the same file only (never from harden's
    /// own environment), not in single-quoted values, `$NAME` left as is.
    /// A value whose every reference was found stops being a reference and
    /// is judged as expanded; one that names a variable the file does not
    /// define stays a reference (its value comes from the process
    /// environment, which harden does not read).
    pub fn interpolated(self) -> EnvFile {
        if !self.entries.iter().any(|e| e.reference) {
            return self;
        }
        let mut out = EnvFile {
            entries: Vec::with_capacity(self.entries.len()),
            issues: self.issues.clone(),
            ..EnvFile::default()
        };
        let mut known: std::collections::HashMap<String, String> = Default::default();
        for mut e in self.entries {
            if e.reference
                && let Some(v) = expand(&e.value, &known)
            {
                e.value = v;
                e.reference = false;
            }
            known.insert(e.key.clone(), e.value.clone());
            out.entries.push(e);
        }
        out
    }
}

/// `value` with each `${NAME}` / `${NAME:-default}` taken from `known`;
/// `None` when a name is unknown and has no default. At most 64
/// references are expanded, and the result is capped at 64 KiB.
fn expand(value: &str, known: &std::collections::HashMap<String, String>) -> Option<String> {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    let mut n = 0;
    while let Some(i) = rest.find("${") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let end = after.find('}')?;
        let inner = &after[..end];
        let (name, default) = match inner.split_once(":-") {
            Some((n, d)) => (n, Some(d)),
            None => (inner, None),
        };
        // As python-dotenv: a variable set to "" is "", the default is
        // for an unset one.
        match known.get(name).map(String::as_str).or(default) {
            Some(v) => out.push_str(v),
            None => return None,
        }
        rest = &after[end + 1..];
        n += 1;
        if n > 64 || out.len() > 64 * 1024 {
            return None;
        }
    }
    out.push_str(rest);
    Some(out)
}

/// Reads and parses an env file.
///
/// # Errors
/// Only when the file cannot be read at all; content problems are issues.
pub fn read(path: &Path) -> std::io::Result<EnvFile> {
    let file = parse(&crate::util::fsio::read_input(
        path,
        crate::util::fsio::ENV_CAP,
        true,
    )?);
    // Every secret of the file reaches the masking path before any output;
    // published placeholders are not secrets (and are named in evidence).
    for e in &file.entries {
        if super::secrets::placeholder_reason(e.value.trim()).is_none() {
            crate::util::redact::remember_setting(&e.key, &e.value);
        }
    }
    Ok(file)
}

/// Parses env file bytes. Never fails: problems become [`Issue`]s.
pub fn parse(bytes: &[u8]) -> EnvFile {
    let mut out = EnvFile::default();
    let mut bytes = bytes;
    if let Some(rest) = bytes.strip_prefix(b"\xef\xbb\xbf") {
        bytes = rest;
        out.issues.push(Issue {
            line: Some(1),
            message: "starts with a UTF-8 byte-order mark; some loaders then read the first key with an invisible prefix".into(),
        });
    }
    let physical: Vec<&[u8]> = bytes.split(|&b| b == b'\n').collect();
    let crlf = physical.iter().filter(|l| l.ends_with(b"\r")).count();
    if crlf > 0 {
        out.issues.push(Issue {
            line: None,
            message: format!(
                "{crlf} lines end in CRLF (Windows line endings); a loader that keeps the \\r puts it in the value"
            ),
        });
    }
    // Borrowed where the bytes are UTF-8: no copy per line.
    let mut lines: Vec<std::borrow::Cow<'_, str>> = Vec::with_capacity(physical.len());
    for (i, raw) in physical.iter().enumerate() {
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        match std::str::from_utf8(raw) {
            Ok(s) => lines.push(std::borrow::Cow::Borrowed(s)),
            Err(e) => {
                out.issues.push(Issue {
                    line: Some(i + 1),
                    message: format!(
                        "not valid UTF-8 (byte 0x{:02X} at column {}); read with a replacement character",
                        raw[e.valid_up_to()],
                        e.valid_up_to() + 1
                    ),
                });
                lines.push(String::from_utf8_lossy(raw));
            }
        }
        if raw.len() > 64 * 1024 {
            out.issues.push(Issue {
                line: Some(i + 1),
                message: format!("is {} bytes long", raw.len()),
            });
        }
    }
    if lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }

    let mut i = 0;
    while i < lines.len() {
        let start = i;
        let first = lines[i].trim_start();
        i += 1;
        if first.is_empty() || first.starts_with('#') {
            continue;
        }
        let mut logical: std::borrow::Cow<'_, str> = std::borrow::Cow::Borrowed(&lines[start]);
        // A quoted value may continue on the following lines.
        if let Some(q) = open_quote(&logical) {
            while !closes(&logical, q) && i < lines.len() && i - start < 1000 {
                let l = logical.to_mut();
                l.push('\n');
                l.push_str(&lines[i]);
                i += 1;
            }
            if !closes(&logical, q) {
                out.issues.push(Issue {
                    line: Some(start + 1),
                    message: "a quoted value is never closed; the rest of the file was read as part of it".into(),
                });
                continue;
            }
        }
        match entry(&logical, start + 1) {
            Some(e) => {
                if e.value.contains('\0') {
                    out.issues.push(Issue {
                        line: Some(start + 1),
                        message: format!(
                            "{}'s value holds a NUL byte: the process environment cannot carry it (Python raises \"embedded null byte\", other loaders cut the value there); remove it",
                            e.key
                        ),
                    });
                }
                out.entries.push(e)
            }
            None => out.issues.push(Issue {
                line: Some(start + 1),
                message: "cannot be parsed as KEY=value".into(),
            }),
        }
    }

    // A hash map: a sorted one spends most of a 100k-line file's time
    // comparing keys that share a prefix. Issues are sorted by line below.
    let mut lines_by_key: std::collections::HashMap<&str, Vec<usize>> =
        std::collections::HashMap::with_capacity(out.entries.len());
    for e in &out.entries {
        lines_by_key.entry(&e.key).or_default().push(e.line);
    }
    for (key, at) in lines_by_key {
        if at.len() > 1 {
            let list: Vec<String> = at.iter().map(|l| l.to_string()).collect();
            out.issues.push(Issue {
                line: at.last().copied(),
                message: format!(
                    "{key} is set {} times (lines {}); the last one wins",
                    at.len(),
                    list.join(", ")
                ),
            });
        }
    }
    out.issues.sort_by_key(|i| i.line.unwrap_or(0));
    out
}

/// The quote character a value opens with, if any.
fn open_quote(line: &str) -> Option<char> {
    let (_, v) = line.split_once('=')?;
    let c = v.trim_start().chars().next()?;
    matches!(c, '"' | '\'').then_some(c)
}

/// Whether the value's opening quote is closed.
fn closes(logical: &str, q: char) -> bool {
    let Some((_, v)) = logical.split_once('=') else {
        return true;
    };
    let v = v.trim_start();
    let mut escaped = false;
    for c in v.chars().skip(1) {
        if escaped {
            escaped = false;
            continue;
        }
        if c == '\\' && q == '"' {
            escaped = true;
        } else if c == q {
            return true;
        }
    }
    false
}

fn entry(logical: &str, line: usize) -> Option<Entry> {
    let trimmed = logical.trim_start();
    let (exported, body) = match trimmed.strip_prefix("export ") {
        Some(rest) => (true, rest.trim_start()),
        None => (false, trimmed),
    };
    let (key, raw_value) = body.split_once('=')?;
    let key = key.trim_end();
    if key.is_empty()
        || !key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
        || key.starts_with(|c: char| c.is_ascii_digit())
    {
        return None;
    }
    let value_text = raw_value.trim_start();
    let quote = match value_text.chars().next() {
        Some('\'') => Quote::Single,
        Some('"') => Quote::Double,
        _ => Quote::None,
    };
    let reference = quote != Quote::Single && value_text.contains('$');
    if reference {
        // Judged as written: strip quotes and an inline comment, expand nothing.
        let v = match quote {
            Quote::Double => value_text
                .trim_start_matches('"')
                .rsplit_once('"')
                .map_or(value_text, |(v, _)| v),
            _ => strip_inline_comment(value_text).trim_end(),
        };
        return Some(Entry {
            key: key.to_string(),
            value: v.to_string(),
            line,
            quote,
            exported,
            reference,
        });
    }
    // The common case, a bare value of plain characters, reads the same in
    // every loader: no need to hand it to dotenvy (whose reader costs an
    // 8 KiB buffer per line, the bulk of a 100k-line file's time).
    let bare = value_text.trim_end();
    if quote == Quote::None
        && !bare.is_empty()
        && !bare
            .bytes()
            .any(|b| b.is_ascii_whitespace() || matches!(b, b'\\' | b'#' | b'\'' | b'"' | b'`'))
    {
        return Some(Entry {
            key: key.to_string(),
            value: bare.to_string(),
            line,
            quote,
            exported,
            reference,
        });
    }
    let text = format!("{key}={raw_value}");
    let mut it = dotenvy::from_read_iter(text.as_bytes());
    match it.next() {
        Some(Ok((k, v))) if k == key => Some(Entry {
            key: k,
            value: v,
            line,
            quote,
            exported,
            reference,
        }),
        // dotenvy refuses unquoted values with spaces, which python-dotenv
        // (what the application reads with) takes as the rest of the line.
        _ if quote == Quote::None => Some(Entry {
            key: key.to_string(),
            value: strip_inline_comment(value_text).trim().to_string(),
            line,
            quote,
            exported,
            reference,
        }),
        _ => None,
    }
}

/// An unquoted value without its ` # comment`.
fn strip_inline_comment(v: &str) -> &str {
    let b = v.as_bytes();
    for i in 1..b.len() {
        if b[i] == b'#' && (b[i - 1] == b' ' || b[i - 1] == b'\t') {
            return &v[..i - 1];
        }
    }
    v
}

#[cfg(test)]
mod tests {

    #[test]
    fn bare_values_read_as_dotenvy_reads_them() {
        for v in [
            "plain",
            "a=b",
            "https://x.test/p?q=1&r=2",
            "v-1.2_3:4/5@6,7+8%9~",
            "é-unicode",
            "x;y",
            "{braces}",
        ] {
            let line = format!("K={v}");
            let ours = parse(line.as_bytes());
            let theirs: Vec<(String, String)> = dotenvy::from_read_iter(line.as_bytes())
                .map(|r| r.unwrap())
                .collect();
            assert_eq!(ours.value("K"), Some(theirs[0].1.as_str()), "{v}");
        }
    }

    #[test]
    fn a_nul_byte_in_a_value_is_named_with_its_line() {
        let f = parse(b"DEBUG=false\nSECRET_KEY=abc\0def\n");
        assert!(
            f.issues
                .iter()
                .any(|i| i.line == Some(2)
                    && i.message.contains("SECRET_KEY's value holds a NUL byte")),
            "{:?}",
            f.issues
        );
    }

    #[test]
    fn lookups_are_indexed_and_the_last_entry_wins() {
        let mut text = String::new();
        for i in 0..20_000 {
            text.push_str(&format!("K{i}=v{i}\n"));
        }
        text.push_str("K7=last\n");
        let f = parse(text.as_bytes());
        assert_eq!(f.value("K7"), Some("last"));
        assert_eq!(f.value("K19999"), Some("v19999"));
        assert_eq!(f.value("NOPE"), None);
    }

    use super::*;

    #[test]
    fn plain_quoted_exported_and_commented_values() {
        let f = parse(
            b"# comment\nA=1\nexport B=two\nC=\"three # not a comment\"\nD='four $X'\nE=five # comment\nF=\n",
        );
        assert!(f.issues.is_empty(), "{:?}", f.issues);
        assert_eq!(f.value("A"), Some("1"));
        assert_eq!(f.value("B"), Some("two"));
        assert!(f.get("B").unwrap().exported);
        assert_eq!(f.value("C"), Some("three # not a comment"));
        assert_eq!(f.value("D"), Some("four $X"));
        assert!(!f.get("D").unwrap().reference);
        assert_eq!(f.value("E"), Some("five"));
        assert_eq!(f.value("F"), Some(""));
        assert_eq!(f.get("E").unwrap().line, 6);
        let f = parse(b"NAME=OptiBid Energy Platform  # the brand\nHOSTS= a.io, b.io \n");
        assert!(f.issues.is_empty(), "{:?}", f.issues);
        assert_eq!(f.value("NAME"), Some("OptiBid Energy Platform"));
        assert_eq!(f.value("HOSTS"), Some("a.io, b.io"));
    }

    #[test]
    fn references_expand_from_earlier_lines_as_python_dotenv_does() {
        let f = parse(
            b"DB_USER=app\nDB_PASS=s3cr3t-Value\nDATABASE_URL=postgresql://${DB_USER}:${DB_PASS}@db/app\nA=${LATER}\nLATER=x\nB='${DB_USER}'\nC=${MISSING:-fallback}\nD=$DB_USER\n",
        )
        .interpolated();
        assert_eq!(
            f.value("DATABASE_URL"),
            Some("postgresql://app:s3cr3t-Value@db/app")
        );
        assert!(!f.get("DATABASE_URL").unwrap().reference);
        // A name defined only later, or never, is not guessed.
        assert!(f.get("A").unwrap().reference);
        assert_eq!(
            f.value("B"),
            Some("${DB_USER}"),
            "single quotes are literal"
        );
        assert_eq!(f.value("C"), Some("fallback"));
        assert_eq!(
            f.value("D"),
            Some("$DB_USER"),
            "python-dotenv expands only the braced form"
        );
    }

    #[test]
    fn references_are_not_expanded_from_the_auditors_environment() {
        // HOME is set in any test process, so an expansion would show.
        let f = parse(b"A=$HOME/x\nB=\"${HOME}\"\n");
        assert_eq!(f.value("A"), Some("$HOME/x"));
        assert_eq!(f.value("B"), Some("${HOME}"));
        assert!(f.get("A").unwrap().reference);
    }

    #[test]
    fn quirks_are_reported_with_lines_and_never_fatal() {
        let f = parse(b"\xef\xbb\xbfA=1\r\nB=caf\xe9\r\nnot a line\r\nA=2\r\n");
        assert_eq!(f.value("A"), Some("2"));
        assert!(f.value("B").is_some());
        let msgs: Vec<String> = f
            .issues
            .iter()
            .map(|i| format!("{:?}: {}", i.line, i.message))
            .collect();
        let all = msgs.join("\n");
        assert!(
            all.contains("Some(1): starts with a UTF-8 byte-order mark"),
            "{all}"
        );
        assert!(all.contains("4 lines end in CRLF"), "{all}");
        assert!(
            all.contains("Some(2): not valid UTF-8 (byte 0xE9 at column 6)"),
            "{all}"
        );
        assert!(all.contains("Some(3): cannot be parsed"), "{all}");
        assert!(all.contains("A is set 2 times (lines 1, 4)"), "{all}");
    }

    #[test]
    fn multi_line_and_unterminated_quotes() {
        let f = parse(b"K=\"line one\nline two\"\nN=after\n");
        assert_eq!(f.value("K"), Some("line one\nline two"));
        assert_eq!(f.get("N").unwrap().line, 3);
        let f = parse(b"A=1\nK=\"never closed\nB=2\n");
        assert_eq!(f.value("A"), Some("1"));
        assert!(f.get("K").is_none());
        assert_eq!(f.issues[0].line, Some(2));
        assert!(f.issues[0].message.contains("never closed"));
    }

    #[test]
    fn issues_never_quote_values() {
        let f = parse(
            b"SECRET=hunter2hunter2 broken \"\nSECRET=hunter2hunter2\nSECRET=hunter2hunter2\n",
        );
        for i in &f.issues {
            assert!(!i.message.contains("hunter2"), "{}", i.message);
        }
        assert!(!format!("{:?}", f.entries).contains("hunter2"));
    }

    #[test]
    fn a_five_megabyte_line_is_read() {
        let mut b = b"A=1\nBIG=".to_vec();
        b.extend(std::iter::repeat_n(b'x', 5 * 1024 * 1024));
        b.extend_from_slice(b"\nC=3\n");
        let f = parse(&b);
        assert_eq!(f.value("C"), Some("3"));
        assert_eq!(f.get("BIG").unwrap().value.len(), 5 * 1024 * 1024);
        assert!(
            f.issues
                .iter()
                .any(|i| i.line == Some(2) && i.message == "is 5242884 bytes long")
        );
    }
}
