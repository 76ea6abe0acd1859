//! The answers as the wizard's form shows them: one text field per
//! answer, and back.

use super::{Answers, parse};

/// The answers as editable fields: `section.key` and the value as text
/// (strings bare, lists comma-separated).
pub fn fields(a: &Answers) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let Ok(toml::Value::Table(t)) = toml::Value::try_from(a) else {
        return out;
    };
    for (section, v) in &t {
        if let toml::Value::Table(inner) = v {
            for (k, val) in inner {
                let text = match val {
                    toml::Value::String(s) => s.clone(),
                    toml::Value::Array(xs) => xs
                        .iter()
                        .map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_string))
                        .collect::<Vec<_>>()
                        .join(", "),
                    other => other.to_string(),
                };
                out.push((format!("{section}.{k}"), text));
            }
        }
    }
    // The order of the answers file, not the alphabet.
    const ORDER: [&str; 13] = [
        "project",
        "domains",
        "app",
        "tls",
        "redis",
        "database",
        "logging",
        "compliance",
        "mfa",
        "backup",
        "dr",
        "incident",
        "ci",
    ];
    out.sort_by_key(|(k, _)| {
        ORDER
            .iter()
            .position(|s| k.split('.').next() == Some(s))
            .unwrap_or(99)
    });
    out
}

/// Why an edited field of the wizard's answers form is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FieldError {
    #[error("{field}: {text:?} is not a whole number")]
    NotANumber { field: String, text: String },
    #[error("{field}: write true or false")]
    NotABoolean { field: String },
    /// The answers' grammar or floors refused the value; the text says why.
    #[error("{0}")]
    Refused(String),
}

/// Rebuilds answers from edited fields, typed like `like`, then checks them.
///
/// # Errors
/// The first field that does not fit, named.
pub fn from_fields(like: &Answers, edited: &[(String, String)]) -> Result<Answers, FieldError> {
    let Ok(toml::Value::Table(mut t)) = toml::Value::try_from(like) else {
        return Err(FieldError::Refused("cannot serialise the answers".into()));
    };
    for (name, text) in edited {
        let Some((section, key)) = name.split_once('.') else {
            continue;
        };
        let Some(toml::Value::Table(inner)) = t.get_mut(section) else {
            continue;
        };
        let Some(old) = inner.get(key) else { continue };
        let new = match old {
            toml::Value::String(_) => toml::Value::String(text.trim().to_string()),
            toml::Value::Array(_) => toml::Value::Array(
                text.split(',')
                    .map(|x| x.trim())
                    .filter(|x| !x.is_empty())
                    .map(|x| toml::Value::String(x.to_string()))
                    .collect(),
            ),
            toml::Value::Integer(_) => {
                toml::Value::Integer(text.trim().parse().map_err(|_| FieldError::NotANumber {
                    field: name.clone(),
                    text: text.clone(),
                })?)
            }
            toml::Value::Boolean(_) => toml::Value::Boolean(match text.trim() {
                "true" | "yes" => true,
                "false" | "no" => false,
                _ => {
                    return Err(FieldError::NotABoolean {
                        field: name.clone(),
                    });
                }
            }),
            other => other.clone(),
        };
        inner.insert(key.to_string(), new);
    }
    let text = toml::to_string(&t).map_err(|e| FieldError::Refused(e.to_string()))?;
    parse(&text, "the answers").map_err(|e| FieldError::Refused(e.message))
}
