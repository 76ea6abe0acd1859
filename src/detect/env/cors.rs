//! The judge of ALLOWED_HOSTS: production origins only, in the form the
//! code's middleware needs (CORS wants scheme://host, TrustedHost wants
//! bare hosts), no development origin.

use super::Judge;
use super::rules::Rule;
use crate::detect::values::{allowed_hosts, is_dev_origin};
use crate::detect::{Finding, Outcome};

/// ALLOWED_HOSTS: its two items (the list, and no development origin).
pub fn judge(j: &Judge, r: &Rule) -> Vec<Finding> {
    let k = r.key();
    let mut out = Vec::new();
    let Some(v) = j.file.value(k) else {
        let fix = "Set ALLOWED_HOSTS to the production origins, e.g. https://app.example.com.";
        let a = j.missing(k, r.items[0], Outcome::Fail, fix);
        let b = j.missing(k, r.items[1], Outcome::Unknown, fix);
        return vec![a, b];
    };
    let entries = allowed_hosts(v);
    let dev: Vec<&str> = entries
        .iter()
        .copied()
        .filter(|e| is_dev_origin(e))
        .collect();
    let with_scheme = entries.iter().filter(|e| e.contains("://")).count();
    let bare = entries.len() - with_scheme;
    let mut problems = Vec::new();
    for e in &entries {
        if let Some(rest) = e.split_once("://").map(|x| x.1) {
            if rest.contains('/') {
                problems.push(format!(
                    "{e} has a path; a CORS origin is scheme://host[:port] only"
                ));
            }
            if e.starts_with("http://") && !is_dev_origin(e) {
                problems.push(format!("{e} is plain http"));
            }
        }
    }
    let form = format!(
        "{} entries: {with_scheme} with a scheme (CORS form), {bare} bare hosts (TrustedHost form)",
        entries.len()
    );
    let production = entries.len() - dev.len();
    let with_credentials = entries
        .iter()
        .filter(|e| e.split_once("://").is_some_and(|(_, r)| r.contains('@')))
        .count();
    let (outcome, mut evidence) = if entries.is_empty() {
        (Outcome::Fail, "ALLOWED_HOSTS is empty".to_string())
    } else if with_credentials > 0 {
        (
            Outcome::Fail,
            format!(
                "{form}; {with_credentials} carry credentials (user:password@): a browser's Origin never does, so they match nothing, and the password now sits in a plain list"
            ),
        )
    } else if production == 0 {
        (
            Outcome::Fail,
            format!("{form}; none is a production domain"),
        )
    } else if !problems.is_empty() {
        (Outcome::Warn, format!("{form}; {}", problems.join("; ")))
    } else {
        (Outcome::Pass, format!("{form}: {}", entries.join(", ")))
    };
    let (cors, trusted) = (
        j.index.mentions("CORSMiddleware"),
        j.index.mentions("TrustedHostMiddleware"),
    );
    let mut outcome = outcome;
    if outcome == Outcome::Pass && !entries.is_empty() {
        let uniform = bare == 0 || with_scheme == 0;
        if cors && with_scheme == 0 {
            outcome = Outcome::Warn;
            evidence.push_str(". The code uses CORSMiddleware, and a bare host never matches a browser's Origin (scheme://host)");
        } else if trusted && bare == 0 {
            outcome = Outcome::Warn;
            evidence.push_str(". The code uses TrustedHostMiddleware, which needs bare host names: every request would be rejected");
        } else if cors && trusted && uniform {
            outcome = Outcome::Warn;
            evidence.push_str(". The code uses both CORSMiddleware (scheme://host) and TrustedHostMiddleware (bare hosts): one uniform list cannot satisfy both");
        } else if !cors && !trusted {
            evidence.push_str(". No CORSMiddleware or TrustedHostMiddleware found in the code to tell which form it needs");
        }
    }
    let f = j
        .at(k, r.items[0], outcome, evidence)
        .fix("List each production origin as https://host, and nothing else.");
    out.push(f);
    let f = if dev.is_empty() {
        j.at(
            k,
            r.items[1],
            Outcome::Pass,
            format!("no development origin among {} entries", entries.len()),
        )
    } else {
        j.at(
            k,
            r.items[1],
            Outcome::Fail,
            format!("development origins in ALLOWED_HOSTS: {}", dev.join(", ")),
        )
        .fix("Remove localhost, 127.0.0.1, 0.0.0.0, [::1] and * from ALLOWED_HOSTS in production.")
    };
    out.push(f);
    out
}
