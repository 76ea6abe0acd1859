//! The response headers: HSTS, the security headers, version leaks, rate-limit headers, and the plain-HTTP redirect to HTTPS.

use url::Url;

use crate::detect::probe::http::Response;
use crate::detect::probe::net::ProbeError;
use crate::detect::{Finding, Outcome};

/// max-age, includeSubDomains and preload of an HSTS value.
fn hsts_parts(v: &str) -> (Option<u64>, bool, bool) {
    let mut age = None;
    let (mut sub, mut pre) = (false, false);
    for d in v.split(';') {
        let d = d.trim();
        let l = d.to_ascii_lowercase();
        if let Some(a) = l.strip_prefix("max-age=") {
            age = a.trim_matches('"').parse().ok();
        } else if l == "includesubdomains" {
            sub = true;
        } else if l == "preload" {
            pre = true;
        }
    }
    (age, sub, pre)
}

/// HSTS items from the HTTPS response (and the plain one, where HSTS means nothing).
pub fn judge_hsts(https: &Response, plain: Option<&Response>) -> Vec<Finding> {
    let mut out = Vec::new();
    let Some(v) = https.header("strict-transport-security") else {
        let only_plain = plain
            .and_then(|p| p.header("strict-transport-security"))
            .is_some();
        let why = if only_plain {
            "Strict-Transport-Security is sent only over plain HTTP, where browsers ignore it"
        } else {
            "no Strict-Transport-Security header on the HTTPS response"
        };
        for id in [
            "tls.hsts",
            "headers.hsts",
            "tls.hsts_max_age",
            "tls.hsts_include_subdomains",
        ] {
            out.push(
                Finding::new(id, Outcome::Fail, why)
                    .fix("Send `Strict-Transport-Security: max-age=31536000; includeSubDomains` on every HTTPS response (nginx: add_header … always)."),
            );
        }
        out.push(Finding::new(
            "tls.hsts_preload",
            Outcome::Warn,
            "no HSTS, so no preload (optional)",
        ));
        return out;
    };
    let (age, sub, pre) = hsts_parts(v);
    let shown = format!("Strict-Transport-Security: {v}");
    let guidance = "the checklist asks max-age=31536000; includeSubDomains, Mozilla and OWASP now recommend max-age=63072000";
    let overall = match age {
        Some(a) if a >= 31_536_000 && sub => Outcome::Pass,
        Some(a) if a < 15_552_000 => Outcome::Fail,
        None => Outcome::Fail,
        _ => Outcome::Warn,
    };
    for id in ["tls.hsts", "headers.hsts"] {
        let mut f = Finding::new(id, overall, format!("{shown} ({guidance})"));
        if overall != Outcome::Pass {
            f = f.fix("Set max-age=31536000 or more, with includeSubDomains.");
        }
        out.push(f);
    }
    out.push(match age {
        Some(a) if a >= 31_536_000 => Finding::new(
            "tls.hsts_max_age",
            Outcome::Pass,
            format!("max-age={a} (at least one year)"),
        ),
        Some(a) if a >= 15_552_000 => Finding::new(
            "tls.hsts_max_age",
            Outcome::Warn,
            format!("max-age={a}: under the checklist's year"),
        )
        .fix("Raise max-age to 31536000 (or 63072000)."),
        Some(a) => Finding::new(
            "tls.hsts_max_age",
            Outcome::Fail,
            format!("max-age={a}: under six months"),
        )
        .fix("Raise max-age to 31536000 (or 63072000)."),
        None => Finding::new(
            "tls.hsts_max_age",
            Outcome::Fail,
            format!("{shown}: no valid max-age"),
        ),
    });
    out.push(if sub {
        Finding::new(
            "tls.hsts_include_subdomains",
            Outcome::Pass,
            "includeSubDomains is set",
        )
    } else {
        Finding::new(
            "tls.hsts_include_subdomains",
            Outcome::Fail,
            format!("{shown}: no includeSubDomains"),
        )
        .fix("Add includeSubDomains.")
    });
    out.push(if pre {
        Finding::new(
            "tls.hsts_preload",
            Outcome::Pass,
            "preload is set (submit the domain at hstspreload.org)",
        )
    } else {
        Finding::new(
            "tls.hsts_preload",
            Outcome::Warn,
            "no preload directive (optional)",
        )
    });
    out
}

/// The security-header items, with the checklist's value and current guidance.
pub fn judge_headers(r: &Response, docs_answer: bool) -> Vec<Finding> {
    let mut out = Vec::new();
    let h = |n: &str| r.header(n).map(str::to_string);
    out.push(match h("x-content-type-options") {
        Some(v) if v.eq_ignore_ascii_case("nosniff") => Finding::new(
            "headers.nosniff",
            Outcome::Pass,
            "X-Content-Type-Options: nosniff",
        ),
        Some(v) => Finding::new(
            "headers.nosniff",
            Outcome::Fail,
            format!("X-Content-Type-Options: {v} (not nosniff)"),
        ),
        None => Finding::new(
            "headers.nosniff",
            Outcome::Fail,
            "no X-Content-Type-Options header",
        )
        .fix("Send X-Content-Type-Options: nosniff."),
    });
    let csp = h("content-security-policy");
    let frame_ancestors = csp
        .as_deref()
        .is_some_and(|c| c.to_ascii_lowercase().contains("frame-ancestors"));
    out.push(match h("x-frame-options") {
        Some(v) if v.eq_ignore_ascii_case("deny") => Finding::new("headers.frame_options", Outcome::Pass, "X-Frame-Options: DENY"),
        Some(v) => Finding::new("headers.frame_options", Outcome::Warn, format!("X-Frame-Options: {v}; the checklist asks DENY")),
        None if frame_ancestors => Finding::new("headers.frame_options", Outcome::Warn, "no X-Frame-Options, but the CSP sets frame-ancestors; the checklist asks X-Frame-Options: DENY"),
        None => Finding::new("headers.frame_options", Outcome::Fail, "no X-Frame-Options header").fix("Send X-Frame-Options: DENY."),
    });
    out.push(match h("x-xss-protection") {
        Some(v) if v.replace(' ', "").eq_ignore_ascii_case("1;mode=block") => Finding::new(
            "headers.xss_protection",
            Outcome::Pass,
            format!("X-XSS-Protection: {v}, as the checklist asks (current OWASP guidance is 0: browsers removed the filter)"),
        ),
        Some(v) if v.trim() == "0" => Finding::new(
            "headers.xss_protection",
            Outcome::Pass,
            "X-XSS-Protection: 0, as OWASP advises (browsers removed the filter, and the filter itself enabled attacks); the checklist's 1; mode=block predates that",
        ),
        Some(v) => Finding::new(
            "headers.xss_protection",
            Outcome::Warn,
            format!("X-XSS-Protection: {v}; the checklist asks 1; mode=block, OWASP advises 0"),
        )
        .fix("Send X-XSS-Protection: 0 (OWASP) or 1; mode=block (the checklist)."),
        None => Finding::new(
            "headers.xss_protection",
            Outcome::Warn,
            "no X-XSS-Protection header: the checklist asks 1; mode=block, OWASP advises 0 (or none, now that browsers ignore it)",
        )
        .fix("Send X-XSS-Protection: 0 (OWASP) or 1; mode=block (the checklist), and record the choice."),
    });
    let report_only = h("content-security-policy-report-only");
    out.push(super::csp::judge(
        csp.as_deref(),
        report_only.as_deref(),
        docs_answer,
    ));
    out.push(match &csp {
        Some(v) if v.contains("report-uri") || v.contains("report-to") => Finding::new(
            "headers.csp_reporting",
            Outcome::Pass,
            "the CSP names a report-uri or report-to endpoint",
        ),
        Some(_) => Finding::new(
            "headers.csp_reporting",
            Outcome::Warn,
            "the CSP has no report-uri or report-to",
        )
        .fix("Add a report-to (or report-uri) endpoint to learn about violations."),
        None => Finding::new(
            "headers.csp_reporting",
            Outcome::Fail,
            "no Content-Security-Policy, so no reporting",
        ),
    });
    let mut leaks = Vec::new();
    for n in ["server", "x-powered-by", "x-aspnet-version"] {
        if let Some(v) = r.header(n)
            && (v.chars().any(|c| c.is_ascii_digit()) || n != "server")
        {
            leaks.push(format!("{n}: {v}"));
        }
    }
    let worst = Outcome::worst_of(out.iter().map(|f| f.outcome)).unwrap_or(Outcome::Pass);
    let missing: Vec<&str> = out
        .iter()
        .filter(|f| f.outcome != Outcome::Pass)
        .map(|f| f.item.as_str())
        .collect();
    let mut e = if missing.is_empty() {
        "every header the checklist names is present".to_string()
    } else {
        format!("needs attention: {}", missing.join(", "))
    };
    let mut outcome = worst;
    if !leaks.is_empty() {
        e.push_str(&format!("; version leaks: {}", leaks.join(", ")));
        outcome = outcome.worst(Outcome::Warn);
    }
    let mut present = Finding::new("headers.present", outcome, e);
    if !leaks.is_empty() {
        present = present.fix("Hide versions: server_tokens off; drop X-Powered-By.");
    }
    out.insert(0, present);
    out
}

/// The rate-limit header item.
pub fn judge_rate_headers(r: &Response) -> Finding {
    let names = [
        "x-ratelimit-limit",
        "x-ratelimit-remaining",
        "x-ratelimit-reset",
        "ratelimit-policy",
        "ratelimit",
        "ratelimit-limit",
        "retry-after",
    ];
    let seen: Vec<String> = r
        .headers
        .iter()
        .filter(|(n, _)| names.contains(&n.to_ascii_lowercase().as_str()))
        .map(|(n, v)| format!("{n}: {v}"))
        .collect();
    if seen.is_empty() {
        Finding::new("rate_limit.headers", Outcome::Fail, format!("no rate-limit header on GET / ({})", r.status))
            .fix("Send X-RateLimit-Limit/-Remaining/-Reset (or the IETF RateLimit-Policy and RateLimit) and Retry-After on 429.")
    } else {
        Finding::new("rate_limit.headers", Outcome::Pass, seen.join(", "))
    }
}

/// The plain-HTTP redirect item.
pub fn judge_redirect(host: &str, plain: &Result<Response, ProbeError>) -> Finding {
    let f = redirect_target(host, plain);
    match plain {
        Ok(r) => plain_extras(f, r),
        Err(_) => f,
    }
}

/// The redirect by its status and target alone.
fn redirect_target(host: &str, plain: &Result<Response, ProbeError>) -> Finding {
    let id = "tls.https_redirect";
    match plain {
        Err(e) if e.refused() => Finding::new(
            id,
            Outcome::Warn,
            format!("nothing answers plain HTTP ({e}): users who type http:// get no redirect"),
        )
        .fix("Answer port 80 with `return 308 https://$host$request_uri;`."),
        Err(e) => Finding::new(id, Outcome::Unknown, format!("plain HTTP: {e}")),
        Ok(r) => {
            let loc = r.header("location").unwrap_or("");
            let to_https = Url::parse(loc).ok().filter(|u| u.scheme() == "https");
            let same_host = to_https
                .as_ref()
                .and_then(|u| u.host_str().map(|h| h.eq_ignore_ascii_case(host)))
                .unwrap_or(false);
            match (r.status, to_https.is_some(), same_host) {
                (301 | 308, true, true) => Finding::new(
                    id,
                    Outcome::Pass,
                    format!("http:// answers {} → {loc}", r.status),
                ),
                (301 | 308, true, false) => Finding::new(
                    id,
                    Outcome::Warn,
                    format!("http:// answers {} → {loc}: another host", r.status),
                ),
                (302 | 303 | 307, true, same) => Finding::new(
                    id,
                    Outcome::Warn,
                    format!(
                        "http:// answers a temporary {} → {loc}{}",
                        r.status,
                        if same { "" } else { ", and to another host" }
                    ),
                )
                .fix(if same {
                    "Use a permanent 301 or 308."
                } else {
                    "Use a permanent 301 or 308 to https:// on the same host."
                }),
                (s, _, _) => Finding::new(
                    id,
                    Outcome::Fail,
                    format!(
                        "http:// answers {s}{}",
                        if loc.is_empty() {
                            String::new()
                        } else {
                            format!(" → {loc}")
                        }
                    ),
                )
                .fix("Answer port 80 with `return 308 https://$host$request_uri;`."),
            }
        }
    }
}

/// What else a plain-HTTP answer must not carry: HSTS (RFC 6797 section
/// 7.2: a host sends it over secure transport only) and a version.
fn plain_extras(mut f: Finding, r: &Response) -> Finding {
    if r.header("strict-transport-security").is_some() {
        f.outcome = f.outcome.worst(Outcome::Warn);
        f.evidence.push_str("; it sends Strict-Transport-Security over plain HTTP, which RFC 6797 (7.2) forbids and browsers ignore");
        f.remediation = "Send Strict-Transport-Security on HTTPS responses only.".into();
    }
    if let Some(v) = r
        .header("server")
        .filter(|v| v.chars().any(|c| c.is_ascii_digit()))
    {
        f.outcome = f.outcome.worst(Outcome::Warn);
        f.evidence
            .push_str(&format!("; Server: {v} tells the version"));
        if f.remediation.is_empty() {
            f.remediation = "Hide the version (nginx: server_tokens off;).".into();
        }
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::probe::web::tests::{by_id, resp};

    #[test]
    fn hsts_bands() {
        let o = |v: &str| {
            by_id(judge_hsts(
                &resp(200, &[("Strict-Transport-Security", v)]),
                None,
            ))
        };
        assert_eq!(
            o("max-age=31536000; includeSubDomains")["tls.hsts"],
            Outcome::Pass
        );
        assert_eq!(
            o("max-age=63072000; includeSubDomains; preload")["tls.hsts_preload"],
            Outcome::Pass
        );
        assert_eq!(o("max-age=31536000")["tls.hsts"], Outcome::Warn);
        assert_eq!(
            o("max-age=20000000; includeSubDomains")["tls.hsts"],
            Outcome::Warn
        );
        assert_eq!(
            o("max-age=20000000; includeSubDomains")["tls.hsts_max_age"],
            Outcome::Warn
        );
        assert_eq!(
            o("max-age=86400; includeSubDomains")["tls.hsts"],
            Outcome::Fail
        );
        assert_eq!(o("includeSubDomains")["tls.hsts_max_age"], Outcome::Fail);
        let only_plain = judge_hsts(
            &resp(200, &[]),
            Some(&resp(
                200,
                &[("Strict-Transport-Security", "max-age=31536000")],
            )),
        );
        assert!(only_plain[0].evidence.contains("only over plain HTTP"));
    }

    #[test]
    fn redirect_rules() {
        let r = |s, loc: &str| {
            judge_redirect("api.example.com", &Ok(resp(s, &[("Location", loc)]))).outcome
        };
        assert_eq!(r(308, "https://api.example.com/"), Outcome::Pass);
        assert_eq!(r(301, "https://api.example.com/x"), Outcome::Pass);
        assert_eq!(r(302, "https://api.example.com/"), Outcome::Warn);
        assert_eq!(r(301, "https://evil.example/"), Outcome::Warn);
        assert_eq!(r(200, ""), Outcome::Fail);
        assert_eq!(r(301, "http://api.example.com/"), Outcome::Fail);
    }

    #[test]
    fn xss_protection_follows_owasp_and_notes_the_checklist() {
        let o = |h: &[(&str, &str)]| {
            judge_headers(&resp(200, h), false)
                .into_iter()
                .find(|f| f.item == "headers.xss_protection")
                .unwrap()
        };
        assert_eq!(o(&[("X-XSS-Protection", "0")]).outcome, Outcome::Pass);
        let f = o(&[("X-XSS-Protection", "1; mode=block")]);
        assert_eq!(f.outcome, Outcome::Pass);
        assert!(f.evidence.contains("OWASP guidance is 0"), "{}", f.evidence);
        let f = o(&[]);
        assert_eq!(f.outcome, Outcome::Warn, "absent is a warn naming both");
        assert!(f.evidence.contains("checklist") && f.evidence.contains("OWASP"));
        assert_eq!(o(&[("X-XSS-Protection", "1")]).outcome, Outcome::Warn);
    }

    #[test]
    fn a_temporary_redirect_to_another_host_says_so() {
        let r = |status, loc: &str| -> Result<Response, ProbeError> {
            Ok(resp(status, &[("Location", loc)]))
        };
        let f = judge_redirect("api.acme.test", &r(302, "https://login.other.test/"));
        assert_eq!(f.outcome, Outcome::Warn);
        assert!(f.evidence.contains("another host"), "{}", f.evidence);
        let f = judge_redirect("api.acme.test", &r(302, "https://api.acme.test/"));
        assert!(!f.evidence.contains("another host"), "{}", f.evidence);
    }

    #[test]
    fn the_plain_redirect_carries_no_hsts_and_no_version() {
        let plain = |h: &[(&str, &str)]| -> Result<Response, ProbeError> { Ok(resp(308, h)) };
        let loc = ("Location", "https://api.acme.test/");
        assert_eq!(
            judge_redirect("api.acme.test", &plain(&[loc])).outcome,
            Outcome::Pass
        );
        let f = judge_redirect(
            "api.acme.test",
            &plain(&[loc, ("Strict-Transport-Security", "max-age=31536000")]),
        );
        assert_eq!(f.outcome, Outcome::Warn);
        assert!(f.evidence.contains("RFC 6797"), "{}", f.evidence);
        let f = judge_redirect("api.acme.test", &plain(&[loc, ("Server", "nginx/1.22.1")]));
        assert_eq!(f.outcome, Outcome::Warn);
        assert!(f.evidence.contains("nginx/1.22.1"), "{}", f.evidence);
    }
}
