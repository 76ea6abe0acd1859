//! What a committed file gives away, judged by its content: the secrets of
//! an env-like file that look real (by the strength judge), AWS access key
//! ids in a context that makes them keys, and test-data folders, whose
//! samples are reported apart. Nothing here returns a value: only key
//! names, positions and how strong a value looks.

use std::sync::LazyLock;

use regex::Regex;

use crate::detect::envfile;
use crate::detect::secrets::{placeholder_reason, publicly_known, strength_with};

/// An env-like file name: `.env`, `.env.*`, `*.env`, examples included
/// (an example with a real key pasted into it is a leak too).
pub fn is_env_like(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    name == ".env" || name.starts_with(".env.") || name.ends_with(".env")
}

/// Folders whose files are test data or samples, not configuration.
const TEST_DATA_DIRS: &[&str] = &[
    "tests",
    "test",
    "testing",
    "fixtures",
    "__fixtures__",
    "testdata",
    "test_data",
    "test-data",
    "sample_data",
    "sample-data",
    "samples",
    "examples",
    "e2e",
    "cypress",
    "spec",
    "specs",
    "mocks",
    "__mocks__",
];

/// True for a path inside a test-data folder.
pub fn is_test_data(path: &str) -> bool {
    let mut parts: Vec<&str> = path.split('/').collect();
    parts.pop();
    parts
        .iter()
        .any(|p| TEST_DATA_DIRS.contains(&p.to_ascii_lowercase().as_str()))
}

/// A value of an env-like file that looks like a real secret.
#[derive(Debug, Clone, PartialEq)]
pub struct RealSecret {
    /// The key it is set under (names are not secret).
    pub key: String,
    /// How strong it looks, never the value.
    pub strength: String,
}

/// Fewest bits a value needs to count as real: below this a value is a
/// sample whatever its shape (`test`, `secret123`).
const REAL_BITS: f64 = 48.0;

/// Whether `value`, set under `key`, looks like a real secret: not a
/// placeholder or a known key, not made of words, and at least
/// [`REAL_BITS`] strong.
fn looks_real(value: &str, context: &[&str]) -> Option<String> {
    if value.len() < 8 || placeholder_reason(value).is_some() || publicly_known(value).is_some() {
        return None;
    }
    let s = strength_with(value, context);
    (!s.structured() && s.bits >= REAL_BITS).then(|| s.summary())
}

/// The secrets of an env-like file's text that look real: values of
/// secret-named keys, and passwords inside URLs under any key.
pub fn real_secrets(text: &[u8]) -> Vec<RealSecret> {
    let file = envfile::parse(text);
    let mut out = Vec::new();
    for key in file.keys() {
        let Some(value) = file.value(key) else {
            continue;
        };
        if let Ok(u) = url::Url::parse(value)
            && let Some(p) = u.password()
        {
            let password = crate::util::redact::percent_decode(p);
            let user = crate::util::redact::percent_decode(u.username());
            if let Some(strength) = looks_real(&password, &[&user]) {
                out.push(RealSecret {
                    key: format!("the password in {key}"),
                    strength,
                });
            }
            continue;
        }
        if crate::util::redact::is_secret_key(key)
            && let Some(strength) = looks_real(value, &[])
        {
            out.push(RealSecret {
                key: key.to_string(),
                strength,
            });
        }
    }
    out
}

/// The secret values of an env file, as (key, value): secret-named keys
/// and URL passwords, placeholders left out.
pub fn secret_values(text: &[u8]) -> Vec<(String, String)> {
    let file = envfile::parse(text);
    let mut out = Vec::new();
    for key in file.keys() {
        let Some(value) = file.value(key) else {
            continue;
        };
        if let Ok(u) = url::Url::parse(value)
            && let Some(p) = u.password()
        {
            out.push((
                format!("the password in {key}"),
                crate::util::redact::percent_decode(p),
            ));
        } else if crate::util::redact::is_secret_key(key) {
            out.push((key.to_string(), value.to_string()));
        }
    }
    out.retain(|(_, v)| v.len() >= 6 && placeholder_reason(v).is_none());
    out
}

/// Keys of `text` whose secret value is one of `current` (what the env
/// file holds now): committed once, known to whoever has the repository,
/// however strong it is.
pub fn reused(text: &[u8], current: &[(String, String)]) -> Vec<RealSecret> {
    secret_values(text)
        .into_iter()
        .filter_map(|(key, v)| {
            let (now, _) = current.iter().find(|(_, c)| *c == v)?;
            Some(RealSecret {
                key,
                strength: format!("the value {now} has now"),
            })
        })
        .collect()
}

static AWS_KEY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b").expect("static regex"));
/// The shape of an AWS secret access key: 40 characters of base64.
static AWS_SECRET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?:[^A-Za-z0-9/+=]|$)").expect("static regex")
});

/// Lines (1-based) of `text` with an AWS access key id in the context of a
/// key: assigned to a name that says so (`aws_access_key_id = …`,
/// `"AccessKeyId": …`), or within three lines of a secret access key
/// next to a name with "secret" in it. An id in a URL's query, an HTML
/// attribute or prose is not a leaked key. AWS's documentation ids
/// (ending in `EXAMPLE`) never count.
pub fn aws_key_lines(text: &str) -> Vec<usize> {
    let lines: Vec<&str> = text.lines().collect();
    let secret_near = |i: usize| {
        let lo = i.saturating_sub(3);
        let hi = (i + 3).min(lines.len().saturating_sub(1));
        lines[lo..=hi].iter().any(|l| {
            l.to_ascii_lowercase().contains("secret")
                && AWS_SECRET.find_iter(l).any(|m| {
                    mixed(
                        m.as_str()
                            .trim_matches(|c: char| !c.is_ascii_alphanumeric()),
                    )
                })
        })
    };
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let hit = AWS_KEY.find_iter(line).any(|m| {
            !m.as_str().ends_with("EXAMPLE")
                && (assigned_as_key(&line[..m.start()]) || secret_near(i))
        });
        if hit {
            out.push(i + 1);
        }
    }
    out
}

/// Upper case, lower case and a digit: a random key, not a word or path.
fn mixed(s: &str) -> bool {
    s.bytes().any(|b| b.is_ascii_uppercase())
        && s.bytes().any(|b| b.is_ascii_lowercase())
        && s.bytes().any(|b| b.is_ascii_digit())
}

/// The text before an id ends in `NAME =` or `NAME:` (quotes allowed)
/// and NAME speaks of AWS or access keys, and is not a query parameter.
fn assigned_as_key(before: &str) -> bool {
    let t = before.trim_end_matches([' ', '\t', '"', '\'']);
    let Some(t) = t.strip_suffix(['=', ':']) else {
        return false;
    };
    let t = t.trim_end_matches([' ', '\t', '"', '\'']);
    let start = t
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')))
        .map_or(0, |p| p + 1);
    let name = t[start..].to_ascii_lowercase();
    let query = t[..start].ends_with(['?', '&']);
    let keyish = name.contains("aws")
        || name.contains("access")
        || name.contains("key")
        || name.contains("akid");
    !name.is_empty() && keyish && !query
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_like_names_include_examples() {
        for n in [
            ".env",
            "backend/.env.production",
            "prod.env",
            ".env.example",
        ] {
            assert!(is_env_like(n), "{n}");
        }
        for n in ["env.py", ".envrc", "environment.yml", "README.md"] {
            assert!(!is_env_like(n), "{n}");
        }
    }

    #[test]
    fn test_data_folders() {
        assert!(is_test_data("backend/tests/fixtures/.env"));
        assert!(is_test_data("sample-data/.env"));
        assert!(!is_test_data("backend/.env"));
        assert!(!is_test_data("tests.env"), "a file name is not a folder");
    }

    #[test]
    fn only_real_looking_values_are_secrets() {
        let text = b"SECRET_KEY=changethis\nAPI_TOKEN=test-token\nDB_PASSWORD=postgres\n\
            DATABASE_URL=postgresql://app:app@db/app\nVITE_API_URL=http://localhost:8000\n\
            DEBUG=true\n";
        assert_eq!(
            real_secrets(text),
            vec![],
            "samples and URLs are not secrets"
        );
        let text = b"SECRET_KEY=Vq3uV7hT0pZ9xK2mR8sW4yB6nC1dF5gJ\n\
            DATABASE_URL=postgresql://app:nX8%24qL2wZr7Kp4Vt@db/app\nPUBLIC_ID=Vq3uV7hT0pZ9xK2mR8sW4yB6nC1dF5gJ\n";
        let found = real_secrets(text);
        let keys: Vec<&str> = found.iter().map(|s| s.key.as_str()).collect();
        assert_eq!(keys, ["SECRET_KEY", "the password in DATABASE_URL"]);
        for s in &found {
            assert!(!s.strength.contains("Vq3u") && !s.strength.contains("nX8"));
        }
    }

    #[test]
    fn a_value_in_use_now_is_found_whatever_its_strength() {
        let now = secret_values(b"SECRET_KEY=mysecretkey123\nDEBUG=false\nAPI_TOKEN=changeme\n");
        assert_eq!(
            now,
            [("SECRET_KEY".to_string(), "mysecretkey123".to_string())]
        );
        let old = b"JWT_SECRET=mysecretkey123\nOTHER_SECRET=unrelated-value\n";
        let r = reused(old, &now);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].key, "JWT_SECRET");
        assert!(r[0].strength.contains("SECRET_KEY"));
        assert!(!r[0].strength.contains("mysecret"));
        assert!(reused(b"SECRET_KEY=different-one\n", &now).is_empty());
    }

    #[test]
    fn aws_ids_need_the_context_of_a_key() {
        let html = r#"<a href="https://shop.example/item?tag=AKIAIOSFODNN7ABCDEFG&x=1">buy</a>
<div data-id="AKIAIOSFODNN7ABCDEFG">x</div>
The id AKIAIOSFODNN7ABCDEFG is shown in prose."#;
        assert_eq!(aws_key_lines(html), Vec::<usize>::new());
        let conf = "[default]\naws_access_key_id = AKIAIOSFODNN7ABCDEFG\n";
        assert_eq!(aws_key_lines(conf), vec![2]);
        let json = r#"{"AccessKeyId": "ASIAIOSFODNN7ABCDEFG"}"#;
        assert_eq!(aws_key_lines(json), vec![1]);
        let pair = "id AKIAIOSFODNN7ABCDEFG\nsecret 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\n";
        assert_eq!(aws_key_lines(pair), vec![1]);
        assert_eq!(
            aws_key_lines("aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"),
            Vec::<usize>::new(),
            "AWS's documentation id"
        );
    }
}
