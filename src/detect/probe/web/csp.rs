//! Content-Security-Policy, parsed into directives and judged on what it
//! lets scripts do: `default-src 'none'` or `'self'` with no unsafe script
//! source passes; `'unsafe-inline'`, `'unsafe-eval'`, `*` or a scheme
//! source for scripts (directly or through `default-src`) warns; a
//! Report-Only policy alone is not enforced.

use crate::detect::{Finding, Outcome};

/// One directive: its name (lower case) and its sources.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    pub name: String,
    pub sources: Vec<String>,
}

/// The directives of a policy, in order; a repeated directive counts once
/// (the first, as browsers do).
pub fn parse(policy: &str) -> Vec<Directive> {
    let mut out: Vec<Directive> = Vec::new();
    for part in policy.split(';') {
        let mut words = part.split_ascii_whitespace();
        let Some(name) = words.next() else { continue };
        let name = name.to_ascii_lowercase();
        if out.iter().any(|d| d.name == name) {
            continue;
        }
        out.push(Directive {
            name,
            sources: words.map(str::to_string).collect(),
        });
    }
    out
}

/// Script sources that let injected script run.
fn unsafe_script_sources(sources: &[String]) -> Vec<String> {
    // A nonce or hash makes browsers ignore 'unsafe-inline' (CSP level 2).
    let keyed = sources.iter().any(|s| {
        let l = s.to_ascii_lowercase();
        l.starts_with("'nonce-")
            || l.starts_with("'sha256-")
            || l.starts_with("'sha384-")
            || l.starts_with("'sha512-")
    });
    sources
        .iter()
        .filter(|s| {
            let l = s.to_ascii_lowercase();
            (l == "'unsafe-inline'" && !keyed)
                || l == "'unsafe-eval'"
                || l == "*"
                || matches!(l.as_str(), "http:" | "https:" | "data:" | "blob:")
        })
        .cloned()
        .collect()
}

/// The `headers.csp` item from the enforced policy and the Report-Only one.
/// `docs_answer`: `/docs` answers (Swagger UI loads from a CDN).
pub fn judge(enforced: Option<&str>, report_only: Option<&str>, docs_answer: bool) -> Finding {
    const ID: &str = "headers.csp";
    let Some(v) = enforced else {
        return match report_only {
            Some(r) => Finding::new(
                ID,
                Outcome::Fail,
                format!("only Content-Security-Policy-Report-Only: {r}: violations are reported, not blocked (the policy is not enforced)"),
            )
            .fix("Send the policy as Content-Security-Policy once its reports are clean."),
            None => Finding::new(ID, Outcome::Fail, "no Content-Security-Policy header")
                .fix("Send Content-Security-Policy: default-src 'self' (and adjust for what the front end loads)."),
        };
    };
    let d = parse(v);
    let get = |n: &str| d.iter().find(|x| x.name == n);
    let default = get("default-src");
    let scripts = get("script-src").or(default);
    let mut notes = Vec::new();
    let mut outcome = Outcome::Pass;
    match scripts {
        None => {
            outcome = Outcome::Warn;
            notes.push("no default-src or script-src: scripts may load from anywhere".to_string());
        }
        Some(s) => {
            let bad = unsafe_script_sources(&s.sources);
            if !bad.is_empty() {
                outcome = Outcome::Warn;
                notes.push(format!(
                    "scripts allow {} (through {})",
                    bad.join(" "),
                    s.name
                ));
            }
        }
    }
    if default.is_none() && scripts.is_some() {
        notes.push("no default-src: what other directives leave out is allowed".into());
        outcome = outcome.worst(Outcome::Warn);
    }
    if get("frame-ancestors").is_none() {
        notes.push("no frame-ancestors (X-Frame-Options covers framing in the meantime)".into());
    }
    let self_only = default.is_some_and(|x| {
        x.sources
            .iter()
            .any(|s| s.eq_ignore_ascii_case("'self'") || s.eq_ignore_ascii_case("'none'"))
    });
    if self_only && docs_answer {
        notes.push(
            "/docs answers: Swagger UI loads from a CDN, which default-src 'self' blocks".into(),
        );
    }
    let mut e = format!("Content-Security-Policy: {v}");
    if !notes.is_empty() {
        e.push_str(". ");
        e.push_str(&notes.join("; "));
    }
    let f = Finding::new(ID, outcome, e);
    if outcome == Outcome::Pass {
        f
    } else {
        f.fix("Restrict scripts: default-src 'self' (or 'none') without 'unsafe-inline', 'unsafe-eval' or wildcards; use nonces or hashes for inline code.")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn o(policy: &str) -> Outcome {
        judge(Some(policy), None, false).outcome
    }

    #[test]
    fn strict_policies_pass_and_unsafe_scripts_warn() {
        assert_eq!(o("default-src 'self'"), Outcome::Pass);
        assert_eq!(
            o("default-src 'none'; frame-ancestors 'none'"),
            Outcome::Pass
        );
        assert_eq!(
            o("default-src 'self'; script-src 'self' 'unsafe-inline'"),
            Outcome::Warn
        );
        assert_eq!(o("default-src 'self' 'unsafe-eval'"), Outcome::Warn);
        assert_eq!(o("default-src 'self'; script-src *"), Outcome::Warn);
        assert_eq!(
            o("default-src 'self'; script-src 'self' https:"),
            Outcome::Warn
        );
        // A nonce makes browsers ignore 'unsafe-inline'.
        assert_eq!(
            o("default-src 'self'; script-src 'nonce-r4nd0m' 'unsafe-inline'"),
            Outcome::Pass
        );
        assert_eq!(o("img-src 'self'"), Outcome::Warn, "scripts unrestricted");
    }

    #[test]
    fn report_only_alone_is_not_enforced() {
        let f = judge(None, Some("default-src 'self'"), false);
        assert_eq!(f.outcome, Outcome::Fail);
        assert!(f.evidence.contains("not enforced"), "{}", f.evidence);
    }

    #[test]
    fn a_missing_frame_ancestors_is_noted() {
        let f = judge(Some("default-src 'self'"), None, false);
        assert!(f.evidence.contains("no frame-ancestors"), "{}", f.evidence);
        let f = judge(
            Some("default-src 'self'; frame-ancestors 'none'"),
            None,
            false,
        );
        assert!(!f.evidence.contains("frame-ancestors ("), "{}", f.evidence);
    }
}
