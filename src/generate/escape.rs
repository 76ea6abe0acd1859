//! The escaping filters, one per target format: the second of two walls
//! that keep an answer from changing what a generated file means (the
//! first is [`crate::answers::grammar`]). Every value is escaped by the
//! template for the format it lands in: [`nginx`], [`redis`], [`py`] (a
//! Python string literal body), [`yaml`] (a double-quoted scalar), [`sh`]
//! (one shell word), [`md`] and the env file's own `envq`. A filter that
//! meets a value it cannot make safe fails the render rather than write it.

use minijinja::{Error, ErrorKind};

use crate::answers::grammar::{path_char, shown};

fn unsafe_value(target: &str, v: &str) -> Error {
    Error::new(
        ErrorKind::InvalidOperation,
        format!("{} cannot be written safely into {target}", shown(v)),
    )
}

fn has_control(v: &str) -> bool {
    v.chars().any(char::is_control)
}

/// nginx: bare when made of plain characters, else double-quoted; `$`
/// (variable expansion) and control characters are refused.
///
/// # Errors
/// A value nginx would read differently.
pub fn nginx(v: String) -> Result<String, Error> {
    if v.is_empty() || has_control(&v) || v.contains('$') {
        return Err(unsafe_value("nginx", &v));
    }
    if v.chars()
        .all(|c| c.is_ascii_alphanumeric() || "._/:@[]-+=,~%".contains(c))
    {
        return Ok(v);
    }
    Ok(format!(
        "\"{}\"",
        v.replace('\\', "\\\\").replace('"', "\\\"")
    ))
}

/// A comment line in a configuration file (nginx, redis.conf, logrotate,
/// YAML, Python): control characters, a newline included, are refused.
///
/// # Errors
/// A value that would end the comment.
pub fn comment(v: String) -> Result<String, Error> {
    if has_control(&v) || v.contains(['\u{2028}', '\u{2029}']) {
        return Err(unsafe_value("a comment", &v));
    }
    Ok(v)
}

/// redis.conf: bare when plain, else a double-quoted string with escapes.
///
/// # Errors
/// An empty value.
pub fn redis(v: String) -> Result<String, Error> {
    if v.is_empty() {
        return Err(unsafe_value("redis.conf", &v));
    }
    if v.chars()
        .all(|c| c.is_ascii_alphanumeric() || "._/:@-+=,~%>".contains(c))
    {
        return Ok(v);
    }
    let mut out = String::from("\"");
    for c in v.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || !c.is_ascii() => {
                let mut b = [0u8; 4];
                for byte in c.encode_utf8(&mut b).bytes() {
                    out.push_str(&format!("\\x{byte:02x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    Ok(out)
}

/// The body of a Python string literal (between `"` or `"""`): every
/// backslash, quote and non-printable character escaped.
pub fn py(v: String) -> String {
    let mut out = String::with_capacity(v.len());
    for c in v.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || (c as u32) > 0x7e => {
                if (c as u32) <= 0xffff {
                    out.push_str(&format!("\\u{:04x}", c as u32));
                } else {
                    out.push_str(&format!("\\U{:08x}", c as u32));
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// A YAML scalar: plain when it cannot be read as anything but a string
/// (letters, digits, spaces and `._/+=,-` inside), else double-quoted.
pub fn yaml(v: String) -> String {
    let plain = v.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && !v.ends_with(' ')
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || " ._/+=,-".contains(c))
        && !["true", "false", "yes", "no", "on", "off", "null"]
            .contains(&v.to_ascii_lowercase().as_str());
    if plain {
        return v;
    }
    let mut out = String::from("\"");
    for c in v.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// One POSIX shell word: bare when plain, else single-quoted.
///
/// # Errors
/// Control characters (a newline would end the command).
pub fn sh(v: String) -> Result<String, Error> {
    if v.is_empty() || has_control(&v) {
        return Err(unsafe_value("a shell command", &v));
    }
    if v.chars()
        .all(|c| c.is_ascii_alphanumeric() || "._/-+=,@%:".contains(c))
        && !v.starts_with('-')
    {
        return Ok(v);
    }
    Ok(format!("'{}'", v.replace('\'', "'\\''")))
}

/// Markdown text: the characters that start markup or HTML escaped.
pub fn md(v: String) -> String {
    crate::util::text::markdown_inert(&v)
}

/// A logrotate path: plain characters only (it has no quoting worth trusting).
///
/// # Errors
/// Anything but plain path characters.
pub fn logrotate(v: String) -> Result<String, Error> {
    if v.starts_with('/') && v.chars().all(path_char) {
        Ok(v)
    } else {
        Err(unsafe_value("logrotate", &v))
    }
}

/// Registers every filter on a template environment.
pub fn install(env: &mut minijinja::Environment<'_>) {
    env.add_filter("nginx", nginx);
    env.add_filter("comment", comment);
    env.add_filter("redis", redis);
    env.add_filter("py", py);
    env.add_filter("yaml", yaml);
    env.add_filter("sh", sh);
    env.add_filter("md", md);
    env.add_filter("logrotate", logrotate);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_escape_for_their_format() {
        assert_eq!(py("a\"\"\"b\\".into()), "a\\\"\\\"\\\"b\\\\");
        assert_eq!(yaml("x: y\n".into()), "\"x: y\\n\"");
        assert_eq!(sh("a; b".into()).unwrap(), "'a; b'");
        assert_eq!(sh("it's".into()).unwrap(), "'it'\\''s'");
        assert_eq!(sh("-r".into()).unwrap(), "'-r'");
        assert_eq!(redis("a b\n".into()).unwrap(), "\"a b\\n\"");
        assert_eq!(nginx("a;b".into()).unwrap(), "\"a;b\"");
        assert!(nginx("$host".into()).is_err());
        assert!(comment("x\nuser evil on".into()).is_err());
        assert_eq!(md("<b>*x*</b>".into()), "&lt;b&gt;\\*x\\*&lt;/b&gt;");
    }
}
