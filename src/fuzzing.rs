//! The entry points the fuzz targets (`fuzz/`) and the corpus regression
//! test call: each feeds outside input to one parser, which must return a
//! value or an error and never panic. Checks that would hold for any
//! input are asserted here, so the fuzzer finds their violations too.

/// Checklist TOML.
pub fn checklist_toml(data: &[u8]) {
    if let Ok(c) = crate::checklist::parse(&String::from_utf8_lossy(data), "fuzz.toml") {
        assert!(!c.is_empty(), "a valid checklist has items");
    }
}

/// State TOML.
pub fn state_toml(data: &[u8]) {
    if let Ok(s) = crate::state::store::parse(data, "state.toml") {
        // Whatever loads must save and load back the same.
        let text = toml::to_string_pretty(&s).expect("a loaded state serialises");
        let again =
            crate::state::store::parse(text.as_bytes(), "state.toml").expect("and loads again");
        assert_eq!(again, s);
    }
}

/// An env file, then every env detector on it.
pub fn env_file(data: &[u8]) {
    let f = crate::detect::envfile::parse(data);
    let lines = data.split(|&b| b == b'\n').count();
    for e in &f.entries {
        assert!(e.line >= 1 && e.line <= lines);
    }
    let _ = crate::detect::env::judge(&f, ".env", &crate::detect::code::CodeIndex::default());
}

/// A pip-audit JSON report.
pub fn pip_audit_json(data: &[u8]) {
    let _ = crate::detect::pip_audit::judge_report(
        data,
        "report.json",
        std::path::Path::new("/nonexistent"),
    );
}

/// Answers TOML.
pub fn answers_toml(data: &[u8]) {
    let _ = crate::answers::parse(&String::from_utf8_lossy(data), "answers.toml");
}

/// RESP replies.
pub fn resp(data: &[u8]) {
    if let Ok(Some((_, used))) = crate::detect::probe::redis::parse(data) {
        assert!(used <= data.len());
    }
}

/// HTTP response heads and chunked bodies.
pub fn http_head(data: &[u8]) {
    if let Ok(Some((len, _, _))) = crate::detect::probe::http::parse_head(data) {
        assert!(len <= data.len());
    }
    let body = crate::detect::probe::http::dechunk(data);
    assert!(body.len() <= data.len());
}

/// A server's answer to a raw ClientHello: the ServerHello or alert is
/// known from the bytes that carry it, so more bytes after it change
/// nothing.
pub fn tls_answer(data: &[u8]) {
    if let Ok(Some(a)) = crate::detect::probe::hello::read_answer(data) {
        let mut more = data.to_vec();
        more.extend_from_slice(&[0x17, 0x03, 0x03, 0xff, 0xff, 0]);
        assert_eq!(crate::detect::probe::hello::read_answer(&more), Ok(Some(a)));
    }
}

/// The PostgreSQL SSLRequest answer, and /proc/net tables.
pub fn postgres_answer(data: &[u8]) {
    let _ = crate::detect::probe::postgres::judge_answer(data, "db:5432");
    let _ = crate::detect::probe::ports::listeners(&String::from_utf8_lossy(data));
}

/// The answer keys the grammar fuzzer writes into, by the first input byte.
const ANSWER_KEYS: &[(&str, &str)] = &[
    ("project", "name"),
    ("project", "slug"),
    ("domains", "api"),
    ("domains", "origins"),
    ("app", "upstream"),
    ("app", "listen_http"),
    ("app", "listen_https"),
    ("app", "max_body"),
    ("tls", "certificate"),
    ("tls", "key"),
    ("redis", "host"),
    ("redis", "user"),
    ("redis", "data_dir"),
    ("database", "host"),
    ("database", "name"),
    ("database", "user"),
    ("logging", "level"),
    ("logging", "directory"),
    ("mfa", "issuer"),
    ("backup", "bucket"),
    ("backup", "replication_bucket"),
    ("backup", "role_arn"),
    ("backup", "region"),
    ("incident", "security_contact"),
    ("incident", "on_call"),
    ("incident", "escalation"),
    ("ci", "requirements"),
];

/// One answer set to any value (the first byte picks the key, the rest is
/// the value): whatever the grammar accepts must render files with the
/// same shape as the example's: the same lines, nginx's directive
/// structure, redis.conf's arguments per line, an env file that reads
/// back cleanly with the same keys and the free text intact, the same
/// Python string delimiters. An answer can fill a value, never add one.
pub fn answers_grammar(data: &[u8]) {
    use crate::answers;
    use crate::generate::{Secrets, render};
    let Some((&sel, rest)) = data.split_first() else {
        return;
    };
    let (section, key) = ANSWER_KEYS[usize::from(sel) % ANSWER_KEYS.len()];
    let value = String::from_utf8_lossy(rest).into_owned();
    let mut fuzzed: toml::Table =
        toml::from_str(answers::EXAMPLE_TEXT).expect("the example parses");
    let mut base = fuzzed.clone();
    let list = matches!(key, "origins" | "escalation");
    let first = base[section][key]
        .as_array()
        .and_then(|a| a.first().cloned())
        .unwrap_or(toml::Value::Boolean(false));
    if list {
        base[section]
            .as_table_mut()
            .expect("a section")
            .insert(key.into(), toml::Value::Array(vec![first]));
    }
    let new = if list {
        toml::Value::Array(vec![toml::Value::String(value)])
    } else if let Ok(n) = value.parse::<i64>() {
        toml::Value::Integer(n)
    } else {
        toml::Value::String(value)
    };
    fuzzed[section]
        .as_table_mut()
        .expect("a section")
        .insert(key.into(), new);
    let Ok(text) = toml::to_string(&fuzzed) else {
        return;
    };
    let Ok(a) = answers::parse(&text, "fuzz.toml") else {
        return;
    };
    let b = answers::parse(&toml::to_string(&base).expect("base"), "base.toml").expect("base");
    let s = Secrets {
        secret_key: "1".repeat(64),
        jwt_secret_key: "2".repeat(64),
        redis_password: "3".repeat(64),
        database_password: "4".repeat(64),
    };
    // A filter may still refuse a value: then nothing would be written.
    let Ok(fa) = render(&a, &s, "2026-01-01") else {
        return;
    };
    let fb = render(&b, &s, "2026-01-01").expect("the example renders");
    for (x, y) in fa.iter().zip(&fb) {
        assert_eq!(
            x.content.lines().count(),
            y.content.lines().count(),
            "{section}.{key} changed the lines of {}",
            x.path
        );
        match x.path {
            "nginx/site.conf" => assert_eq!(
                nginx_shape(&x.content),
                nginx_shape(&y.content),
                "{section}.{key} changed nginx's structure"
            ),
            "redis/redis.conf" => assert_eq!(
                redis_shape(&x.content),
                redis_shape(&y.content),
                "{section}.{key} changed redis.conf's arguments"
            ),
            ".env.production" => {
                let e = crate::detect::envfile::parse(x.content.as_bytes());
                let base = crate::detect::envfile::parse(y.content.as_bytes());
                assert!(e.issues.is_empty(), "{:?}", e.issues);
                assert_eq!(e.keys(), base.keys());
                assert_eq!(e.value("MFA_ISSUER_NAME"), Some(a.mfa.issuer.as_str()));
            }
            "app/security_middleware.py" => {
                assert_eq!(
                    x.content.matches("\"\"\"").count(),
                    y.content.matches("\"\"\"").count(),
                    "{section}.{key} opened or closed a Python string"
                );
                assert_eq!(
                    indents(&x.content),
                    indents(&y.content),
                    "{section}.{key} moved Python code"
                );
            }
            ".github/workflows/dependency-scan.yml" => assert_eq!(
                yaml_shape(&x.content),
                yaml_shape(&y.content),
                "{section}.{key} changed the workflow's structure"
            ),
            "logrotate/app" => assert_eq!(
                logrotate_shape(&x.content),
                logrotate_shape(&y.content),
                "{section}.{key} changed logrotate's structure"
            ),
            _ => {}
        }
    }
}

/// Each line's indentation.
fn indents(text: &str) -> Vec<usize> {
    text.lines()
        .map(|l| l.len() - l.trim_start().len())
        .collect()
}

/// A YAML file's structure, line by line: indentation, and the mapping key
/// (or `-` for a list item) that starts the line; comments as `#`.
fn yaml_shape(text: &str) -> Vec<(usize, String)> {
    text.lines()
        .map(|l| {
            let t = l.trim_start();
            let head = if t.starts_with('#') {
                "#".to_string()
            } else if let Some(rest) = t.strip_prefix("- ") {
                format!("- {}", rest.split(':').next().unwrap_or(""))
            } else {
                t.split(':').next().unwrap_or("").to_string()
            };
            (l.len() - t.len(), head)
        })
        .collect()
}

/// logrotate's structure: each line's indentation, its braces, and the
/// directive of every line inside a block.
fn logrotate_shape(text: &str) -> Vec<(usize, usize, usize, String)> {
    text.lines()
        .map(|l| {
            let t = l.trim_start();
            if t.starts_with('#') {
                // A comment line; logrotate reads nothing in it.
                return (l.len() - t.len(), 0, 0, "#".to_string());
            }
            let directive = if l.starts_with(char::is_whitespace) {
                t.split_whitespace().next().unwrap_or("").to_string()
            } else {
                String::new()
            };
            (
                l.len() - t.len(),
                l.matches('{').count(),
                l.matches('}').count(),
                directive,
            )
        })
        .collect()
}

/// nginx's token structure: directive names, `;`, `{`, `}`, and `w` for
/// every other word or quoted string; comments dropped.
fn nginx_shape(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    let mut at_start = true;
    while let Some(c) = chars.next() {
        match c {
            '#' => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            ';' | '{' | '}' => {
                out.push(c.to_string());
                at_start = true;
            }
            c if c.is_whitespace() => {}
            q @ ('"' | '\'') => {
                while let Some(c) = chars.next() {
                    if c == '\\' {
                        chars.next();
                    } else if c == q {
                        break;
                    }
                }
                out.push("w".into());
                at_start = false;
            }
            c => {
                let mut w = c.to_string();
                while let Some(&n) = chars.peek() {
                    if n.is_whitespace() || matches!(n, ';' | '{' | '}' | '"' | '\'') {
                        break;
                    }
                    w.push(n);
                    chars.next();
                }
                out.push(if at_start { w } else { "w".into() });
                at_start = false;
            }
        }
    }
    out
}

/// redis.conf's lines as (first argument, number of arguments), split as
/// Redis splits them (quotes with escapes).
fn redis_shape(text: &str) -> Vec<(String, usize)> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let mut args: Vec<String> = Vec::new();
            let mut chars = l.chars().peekable();
            while let Some(c) = chars.next() {
                if c.is_whitespace() {
                    continue;
                }
                let mut w = String::new();
                if c == '"' || c == '\'' {
                    while let Some(c) = chars.next() {
                        if c == '\\' {
                            chars.next();
                        } else if c == '"' || c == '\'' {
                            break;
                        } else {
                            w.push(c);
                        }
                    }
                } else {
                    w.push(c);
                    while let Some(&n) = chars.peek() {
                        if n.is_whitespace() {
                            break;
                        }
                        w.push(n);
                        chars.next();
                    }
                }
                args.push(w);
            }
            (args.first().cloned().unwrap_or_default(), args.len())
        })
        .collect()
}
