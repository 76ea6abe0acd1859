//! What the production URL shows that it should not, and where its
//! headers stop holding: FastAPI's interactive docs and schema, and the
//! security headers on responses other than the probed page (a 404, a
//! location of its own).

use crate::detect::probe::http::Response;
use crate::detect::probe::net::ProbeError;
use crate::detect::{Finding, Outcome};

/// FastAPI's default documentation paths.
pub const DOCS_PATHS: [&str; 3] = ["/docs", "/redoc", "/openapi.json"];

/// `api.docs_hidden` from the answers to [`DOCS_PATHS`].
pub fn judge_docs(answers: &[(&str, &Result<Response, ProbeError>)]) -> Finding {
    let id = "api.docs_hidden";
    let open: Vec<&str> = answers
        .iter()
        .filter(|(_, r)| r.as_ref().is_ok_and(|r| r.status == 200))
        .map(|(p, _)| *p)
        .collect();
    if !open.is_empty() {
        return Finding::new(
            id,
            Outcome::Warn,
            format!(
                "{} answer 200 on the production URL: the API's endpoints and models are public",
                open.join(", ")
            ),
        )
        .fix("Turn them off in production: FastAPI(docs_url=None, redoc_url=None, openapi_url=None), or put them behind authentication (or waive this item if the API is public by design).");
    }
    if let Some((p, Err(e))) = answers.iter().find(|(_, r)| r.is_err()) {
        return Finding::new(id, Outcome::Unknown, format!("GET {p}: {e}"));
    }
    let shown: Vec<String> = answers
        .iter()
        .filter_map(|(p, r)| r.as_ref().ok().map(|r| format!("{p} {}", r.status)))
        .collect();
    Finding::new(
        id,
        Outcome::Pass,
        format!("not served: {}", shown.join(", ")),
    )
}

/// The security headers each header item judges, by the items they fill.
const HELD: [(&str, &[&str]); 4] = [
    ("strict-transport-security", &["tls.hsts", "headers.hsts"]),
    ("x-content-type-options", &["headers.nosniff"]),
    ("x-frame-options", &["headers.frame_options"]),
    ("content-security-policy", &["headers.csp"]),
];

/// Turns a passing header item into a warning when the header, present on
/// the probed page, is missing from another response: nginx sends
/// `add_header` only on 2xx and 3xx answers unless it says `always`, and a
/// location with an `add_header` of its own drops every inherited one.
/// `others` are (what was requested, its response).
pub fn hold_everywhere(out: &mut [Finding], main: &Response, others: &[(&str, &Response)]) {
    for (header, items) in HELD {
        if main.header(header).is_none() {
            continue;
        }
        let lost: Vec<&str> = others
            .iter()
            .filter(|(_, r)| r.header(header).is_none())
            .map(|(w, _)| *w)
            .collect();
        if lost.is_empty() {
            continue;
        }
        let why = format!(
            "; but not on {} (nginx: add_header without `always` skips error answers, and a location with its own add_header drops the inherited ones)",
            lost.join(", ")
        );
        for f in out.iter_mut().filter(|f| items.contains(&f.item.as_str())) {
            if f.outcome == Outcome::Pass {
                f.outcome = Outcome::Warn;
                f.remediation = "Send the header on every response: `add_header … always;` in nginx, repeated in (or moved out of) every location that has an add_header of its own.".into();
            }
            f.evidence.push_str(&why);
        }
    }
}

/// Security headers the response carries more than once (nginx and the
/// application both setting them), with their values: browsers then use
/// the first, the strictest, or none, depending on the header.
pub fn duplicates(main: &Response) -> Vec<String> {
    let mut out = Vec::new();
    for name in [
        "strict-transport-security",
        "x-content-type-options",
        "x-frame-options",
        "x-xss-protection",
        "content-security-policy",
        "referrer-policy",
        "permissions-policy",
        "cross-origin-opener-policy",
        "cache-control",
    ] {
        let values: Vec<&str> = main
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect();
        if values.len() > 1 {
            out.push(format!(
                "{name} sent {} times ({})",
                values.len(),
                values.join(" | ")
            ));
        }
    }
    out
}

/// A note for `headers.present` when an API answer may be cached by the
/// browser or a proxy (no `Cache-Control: no-store`).
pub fn cache_note(main: &Response) -> Option<String> {
    let json = main
        .header("content-type")
        .is_some_and(|t| t.to_ascii_lowercase().contains("json"));
    let cc = main
        .header("cache-control")
        .unwrap_or("")
        .to_ascii_lowercase();
    (json && !cc.contains("no-store")).then(|| {
        format!(
            "note: the JSON answer has {} (an API answer with personal data should send Cache-Control: no-store)",
            if cc.is_empty() {
                "no Cache-Control".to_string()
            } else {
                "Cache-Control without no-store".to_string()
            }
        )
    })
}

#[cfg(test)]
mod tests {
    use super::super::tests::resp;
    use super::*;

    #[test]
    fn docs_that_answer_are_reported_by_path() {
        let ok = Ok(resp(200, &[]));
        let gone = Ok(resp(404, &[]));
        let f = judge_docs(&[("/docs", &gone), ("/redoc", &gone), ("/openapi.json", &ok)]);
        assert_eq!(f.outcome, Outcome::Warn);
        assert!(
            f.evidence.starts_with("/openapi.json answer 200"),
            "{}",
            f.evidence
        );
        let f = judge_docs(&[
            ("/docs", &gone),
            ("/redoc", &gone),
            ("/openapi.json", &gone),
        ]);
        assert_eq!(f.outcome, Outcome::Pass);
    }

    #[test]
    fn a_header_missing_on_the_404_turns_its_pass_into_a_warning() {
        let main = resp(
            200,
            &[
                ("X-Frame-Options", "DENY"),
                ("X-Content-Type-Options", "nosniff"),
            ],
        );
        let not_found = resp(404, &[("X-Content-Type-Options", "nosniff")]);
        let mut out = vec![
            Finding::new(
                "headers.frame_options",
                Outcome::Pass,
                "X-Frame-Options: DENY",
            ),
            Finding::new("headers.nosniff", Outcome::Pass, "nosniff"),
        ];
        hold_everywhere(&mut out, &main, &[("the 404 for /x", &not_found)]);
        assert_eq!(out[0].outcome, Outcome::Warn);
        assert!(out[0].evidence.contains("not on the 404 for /x"));
        assert_eq!(out[1].outcome, Outcome::Pass);
    }

    #[test]
    fn a_header_set_twice_is_named_with_both_values() {
        let r = resp(
            200,
            &[
                ("X-Frame-Options", "DENY"),
                ("x-frame-options", "SAMEORIGIN"),
                ("X-Content-Type-Options", "nosniff"),
            ],
        );
        assert_eq!(
            duplicates(&r),
            ["x-frame-options sent 2 times (DENY | SAMEORIGIN)"]
        );
        assert!(duplicates(&resp(200, &[("X-Frame-Options", "DENY")])).is_empty());
    }

    #[test]
    fn json_without_no_store_is_noted() {
        let r = resp(200, &[("Content-Type", "application/json")]);
        assert!(cache_note(&r).unwrap().contains("no Cache-Control"));
        let r = resp(
            200,
            &[
                ("Content-Type", "application/json"),
                ("Cache-Control", "no-store"),
            ],
        );
        assert_eq!(cache_note(&r), None);
        assert_eq!(
            cache_note(&resp(200, &[("Content-Type", "text/html")])),
            None
        );
    }
}
