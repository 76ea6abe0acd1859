//! What a committed file gives away, judged by its content: the secrets of
//! an env-like file that look real (by the strength judge), AWS access key
//! ids in a context that makes them keys, and test-data folders, whose
//! samples are reported apart. Nothing here returns a value: only key
//! names, positions and how strong a value looks.

use std::sync::LazyLock;

use regex::Regex;

use crate::detect::envfile;
use crate::detect::secrets::{placeholder_reason, publicly_known, strength_with};

/// An env-like file name: `.env`, `.env.*`, `*.env`, `*.env.*` (a copy
/// such as `prod.env.bak`), examples included (an example with a real key
/// pasted into it is a leak too).
pub fn is_env_like(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    name == ".env" || name.starts_with(".env.") || name.ends_with(".env") || name.contains(".env.")
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
/// sample whatever its shape (`test`, `secret123`); eight random letters
/// and digits pass.
const REAL_BITS: f64 = 40.0;

/// Prefixes of tokens whose shape says what they are, whatever the key.
const TOKEN_PREFIXES: &[&str] = &[
    "ghp_",
    "gho_",
    "ghs_",
    "ghu_",
    "github_pat_",
    "glpat-",
    "xoxb-",
    "xoxp-",
    "xapp-",
    "sk_live_",
    "rk_live_",
    "sk-",
    "AIza",
    "SG.",
    "npm_",
    "pypi-",
];

/// A value written as an explanation, not a value: `e.g. 4f3c…`,
/// `<your key>`, `... (run: openssl rand -hex 32)`.
fn explained(value: &str) -> bool {
    let v = value.trim();
    v.contains("...")
        || v.contains('…')
        || v.contains(' ')
        || v.starts_with('<')
        || v.to_ascii_lowercase().starts_with("e.g")
        || v.ends_with("EXAMPLE")
        || v.ends_with("EXAMPLEKEY")
}

/// Whether `value`, set under `key`, looks like a real secret: not a
/// placeholder or a known key, not made of words, and at least
/// [`REAL_BITS`] strong.
fn looks_real(value: &str, context: &[&str]) -> Option<String> {
    if value.len() < 8
        || explained(value)
        || placeholder_reason(value).is_some()
        || publicly_known(value).is_some()
    {
        return None;
    }
    let s = strength_with(value, context);
    (!s.structured() && s.bits >= REAL_BITS).then(|| s.summary())
}

/// The user and password of a URL value, read as a driver reads them:
/// between `://` and the last `@` (a password may hold `/`, `#` or `?`,
/// which a URL parser refuses).
fn url_credentials(value: &str) -> Option<(String, String)> {
    let s = value.find("://")? + 3;
    let at = value.rfind('@')?;
    let info = value.get(s..at)?;
    let (user, password) = info.split_once(':')?;
    Some((
        crate::util::redact::percent_decode(user),
        crate::util::redact::percent_decode(password),
    ))
}

/// A key whose name says it holds a secret: the masking path's list, and
/// the short forms it leaves out (`_PW`, `_PAT`).
fn secret_named(key: &str) -> bool {
    let k = key.to_ascii_uppercase();
    crate::util::redact::is_secret_key(key) || k.ends_with("_PW") || k.ends_with("_PAT")
}

/// The secrets of an env-like file's text that look real: values of
/// secret-named keys (for a URL, its longest path or query part, where a
/// webhook keeps its token), tokens whose prefix says what they are under
/// any key, and passwords inside URLs under any key.
pub fn real_secrets(text: &[u8]) -> Vec<RealSecret> {
    let file = envfile::parse(text);
    let mut out = Vec::new();
    for key in file.keys() {
        let Some(value) = file.value(key) else {
            continue;
        };
        if let Some((user, password)) = url_credentials(value) {
            if let Some(strength) = looks_real(&password, &[&user]) {
                out.push(RealSecret {
                    key: format!("the password in {key}"),
                    strength,
                });
            }
            continue;
        }
        let token = TOKEN_PREFIXES.iter().any(|p| value.starts_with(p)) && value.len() >= 20;
        let judged = if value.contains("://") {
            // The token of a webhook or signed URL: its longest part.
            value
                .split(['/', '?', '&', '='])
                .max_by_key(|p| p.len())
                .unwrap_or("")
        } else {
            value
        };
        if (secret_named(key) || token)
            && let Some(strength) = looks_real(judged, &[])
        {
            out.push(RealSecret {
                key: key.to_string(),
                strength,
            });
        }
    }
    out
}

/// Values of an env file that look like real secrets whatever their key
/// is called (a setting named `APP_SIGNING` by the config): random enough,
/// not a URL or a list.
pub fn real_values(text: &[u8]) -> Vec<(String, String)> {
    let file = envfile::parse(text);
    file.keys()
        .into_iter()
        .filter_map(|k| {
            let v = file.value(k)?;
            (v.len() >= 12
                && !v.contains("://")
                && !v.contains(',')
                && looks_real(v, &[]).is_some())
            .then(|| (k.to_string(), v.to_string()))
        })
        .collect()
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
        if let Some((_, p)) = url_credentials(value) {
            out.push((format!("the password in {key}"), p));
        } else if secret_named(key) {
            out.push((key.to_string(), value.to_string()));
        }
    }
    for (k, v) in real_values(text) {
        if !out.iter().any(|(_, x)| *x == v) {
            out.push((k, v));
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
            "x.env.bak",
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
    fn real_secrets_under_any_name_or_shape() {
        let keys = |t: &str| -> Vec<String> {
            real_secrets(t.as_bytes())
                .into_iter()
                .map(|s| s.key)
                .collect()
        };
        // A password a URL parser refuses (# and / in it) is still read.
        assert_eq!(
            keys("DATABASE_URL=postgresql://app:Zq8#vN3pL6x/R2tY9@db/app\n"),
            ["the password in DATABASE_URL"]
        );
        assert_eq!(
            keys("MYSQL_ROOT_PW=Vq3uV7hT0pZ9xK2mR8sW4yB6nC1dF5gJ\n"),
            ["MYSQL_ROOT_PW"]
        );
        assert_eq!(
            keys("GH=ghp_Vq3uV7hT0pZ9xK2mR8sW4yB6nC1dF5gJ2kLa\n"),
            ["GH"]
        );
        assert_eq!(
            keys(
                "SLACK_WEBHOOK_URL=https://hooks.slack.com/services/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\n"
            ),
            ["SLACK_WEBHOOK_URL"]
        );
        assert_eq!(keys("DB_PASSWORD=h7Kq2xPz\n"), ["DB_PASSWORD"]);
        // Samples and explanations are not.
        assert!(
            keys("AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n").is_empty()
        );
        assert!(keys("SECRET_KEY=\"e.g. 4f3c2b1a... (run: openssl rand -hex 32)\"\n").is_empty());
    }

    #[test]
    fn the_live_value_is_found_under_a_name_that_does_not_say_secret() {
        let now = secret_values(b"APP_SIGNING=Hn4Rt7Wq2Zx9Lp3Vb6Mk8Jd1\nLOG_LEVEL=INFO\n");
        assert_eq!(now.len(), 1, "{now:?}");
        let r = reused(b"APP_SIGNING=Hn4Rt7Wq2Zx9Lp3Vb6Mk8Jd1\n", &now);
        assert_eq!(r.len(), 1);
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
