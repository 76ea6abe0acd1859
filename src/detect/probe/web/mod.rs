//! The web probe of one production URL, as an operator would do it with
//! openssl and curl: the TLS handshake and certificate, the plain-HTTP
//! redirect, HSTS and the security headers, a CORS preflight from a random
//! origin and from each production origin, rate-limit headers, and
//! `/.well-known/security.txt`.

use crate::detect::probe::hello;
use time::OffsetDateTime;
use url::Url;

mod cookies;
mod cors;
mod csp;
mod exposure;
mod headers;
mod ocsp;
mod tls;
mod wellknown;

pub use cookies::judge_cookies;
pub use cors::{judge_cors, lookalikes, unknown_origin};
pub use exposure::{DOCS_PATHS, cache_note, duplicates, hold_everywhere, judge_docs};
pub use headers::{judge_headers, judge_hsts, judge_rate_headers, judge_redirect};
pub use tls::{CertInfo, cert_info, judge_tls};
pub use wellknown::judge_security_txt;

use super::http::{Response, exchange};
use super::net::{Net, ProbeError};
use crate::detect::{Finding, Outcome};

/// Items this probe fills.
pub const ITEMS: &[&str] = &[
    "tls.cert_valid",
    "tls.cert_expiry",
    "tls.protocols",
    "tls.ciphers",
    "tls.https_redirect",
    "tls.hsts",
    "tls.hsts_max_age",
    "tls.hsts_include_subdomains",
    "tls.hsts_preload",
    "headers.present",
    "headers.nosniff",
    "headers.frame_options",
    "headers.xss_protection",
    "headers.hsts",
    "headers.csp",
    "headers.csp_reporting",
    "headers.cookies",
    "api.docs_hidden",
    "cors.preflight",
    "rate_limit.headers",
    "incident.security_txt",
];

async fn https_request(
    net: &Net,
    host: &str,
    port: u16,
    method: &str,
    path: &str,
    extra: &[(&str, &str)],
) -> Result<Response, ProbeError> {
    let (mut s, _) = net
        .tls(
            host,
            port,
            "HTTPS requests (CORS preflight, security.txt, /docs)",
        )
        .await?;
    let host_header = if port == 443 {
        host.to_string()
    } else {
        format!("{host}:{port}")
    };
    exchange(&mut s, method, &host_header, path, extra, net.deadline).await
}

/// Probes one https URL; `origins` are the production origins that must pass CORS.
pub async fn probe(
    net: &Net,
    url: &Url,
    origins: &[String],
    now: OffsetDateTime,
    nonce: u64,
) -> Vec<Finding> {
    let host = url.host_str().unwrap_or("").to_string();
    let port = url.port_or_known_default().unwrap_or(443);
    let path = if url.path().is_empty() {
        "/"
    } else {
        url.path()
    };
    let (mut s, hs) = match net
        .tls(&host, port, "TLS handshake and GET of the URL")
        .await
    {
        Ok(x) => x,
        Err(e) => return no_session(net, &host, port, &e, nonce).await,
    };
    let mut out = judge_tls(&hs, now);
    let host_header = if port == 443 {
        host.clone()
    } else {
        format!("{host}:{port}")
    };
    let main = exchange(&mut s, "GET", &host_header, path, &[], net.deadline).await;
    let origin = unknown_origin(nonce);
    let preflight_headers = |o: &str| {
        vec![
            ("Origin".to_string(), o.to_string()),
            (
                "Access-Control-Request-Method".to_string(),
                "GET".to_string(),
            ),
        ]
    };
    let random_h = preflight_headers(&origin);
    let random_refs: Vec<(&str, &str)> = random_h
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let plain_net = net.clone();
    let plain_host = host.clone();
    let plain = async move {
        let mut t = plain_net
            .tcp(&plain_host, 80, "plain HTTP, to see the redirect to HTTPS")
            .await?;
        exchange(&mut t, "GET", &plain_host, "/", &[], plain_net.deadline).await
    };
    // A path no application serves, to see the headers on an error answer.
    let missing = format!("/harden-probe-{nonce:016x}");
    let [docs_path, redoc_path, schema_path] = DOCS_PATHS;
    let (random, security, docs, redoc, schema, not_found, plain, legacy) = tokio::join!(
        https_request(net, &host, port, "OPTIONS", path, &random_refs),
        https_request(net, &host, port, "GET", "/.well-known/security.txt", &[]),
        https_request(net, &host, port, "GET", docs_path, &[]),
        https_request(net, &host, port, "GET", redoc_path, &[]),
        https_request(net, &host, port, "GET", schema_path, &[]),
        https_request(net, &host, port, "GET", &missing, &[]),
        plain,
        hello::survey(net, &host, port, nonce),
    );
    // What the raw hellos found: old versions fail tls.protocols,
    // weak suites tls.ciphers.
    if let Some(f) = out.iter_mut().find(|f| f.item == "tls.protocols") {
        protocols_from(f, &legacy);
    }
    out.push(hello::judge_ciphers(&legacy, hs.version.as_deref()));
    // The preflights from production origins and their lookalikes, all at
    // once: each is its own connection, so they share the deadline.
    let preflight = |o: String| {
        let h = preflight_headers(&o);
        let (host, path) = (host.clone(), path.to_string());
        async move {
            let refs: Vec<(&str, &str)> = h.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
            let r = https_request(net, &host, port, "OPTIONS", &path, &refs).await;
            (o, r)
        }
    };
    let (production, lookalike) = tokio::join!(
        futures_util::future::join_all(origins.iter().cloned().map(preflight)),
        futures_util::future::join_all(lookalikes(origins).into_iter().map(preflight)),
    );
    match &main {
        Ok(r) => {
            let mut headers = judge_headers(r, docs.as_ref().is_ok_and(|d| d.status == 200));
            let error_page = format!("the {} for {missing}", status_of(&not_found));
            let security_page = format!("{} /.well-known/security.txt", status_of(&security));
            let docs_page = format!("{} {docs_path}", status_of(&docs));
            let others: Vec<(&str, &Response)> = [
                (error_page.as_str(), &not_found),
                (security_page.as_str(), &security),
                (docs_page.as_str(), &docs),
            ]
            .into_iter()
            .filter_map(|(w, r)| r.as_ref().ok().map(|r| (w, r)))
            .collect();
            let mut hsts = judge_hsts(r, plain.as_ref().ok());
            hold_everywhere(&mut hsts, r, &others);
            hold_everywhere(&mut headers, r, &others);
            let twice = duplicates(r);
            if !twice.is_empty() {
                for f in headers.iter_mut().filter(|f| f.item == "headers.present") {
                    f.outcome = f.outcome.worst(Outcome::Warn);
                    if f.remediation.is_empty() {
                        f.remediation = "Set each security header in one layer: nginx add_header … always, with proxy_hide_header for the application's copy.".into();
                    }
                    f.evidence.push_str(&format!(
                        "; set in two layers: {} (hide the application's copy: nginx proxy_hide_header)",
                        twice.join("; ")
                    ));
                }
            }
            if let Some(note) = cache_note(r) {
                for f in headers.iter_mut().filter(|f| f.item == "headers.present") {
                    f.evidence.push_str(&format!("; {note}"));
                }
            }
            out.extend(hsts);
            out.extend(headers);
            let main_page = format!("GET {path}");
            let mut all = vec![(main_page.as_str(), r)];
            all.extend(others.iter().copied());
            out.push(judge_cookies(&all));
            out.push(judge_rate_headers(r));
        }
        Err(e) => {
            for id in ITEMS.iter().filter(|id| {
                !id.starts_with("tls.cert")
                    && **id != "tls.protocols"
                    && **id != "tls.ciphers"
                    && **id != "tls.https_redirect"
                    && **id != "cors.preflight"
                    && **id != "incident.security_txt"
                    && **id != "api.docs_hidden"
            }) {
                out.push(Finding::new(
                    id,
                    Outcome::Unknown,
                    format!("GET {path}: {e}"),
                ));
            }
        }
    }
    out.push(judge_redirect(&host, &plain));
    out.push(judge_cors(&origin, &random, &production, &lookalike));
    out.push(judge_security_txt(&security, now));
    out.push(judge_docs(&[
        (docs_path, &docs),
        (redoc_path, &redoc),
        (schema_path, &schema),
    ]));
    out
}

/// `tls.protocols` with what the raw hellos found: any of SSLv3, TLS 1.0
/// or 1.1 accepted fails it.
fn protocols_from(f: &mut Finding, s: &hello::Survey) {
    let old = s.old_accepted();
    if !old.is_empty() {
        *f = Finding::new(
            "tls.protocols",
            Outcome::Fail,
            format!(
                "{}; but the server also accepts {}",
                f.evidence,
                old.join(", ")
            ),
        )
        .fix("Turn off everything older than TLS 1.2 (nginx: ssl_protocols TLSv1.2 TLSv1.3;).");
        return;
    }
    let unanswered = s
        .versions
        .iter()
        .find_map(|(v, a)| a.as_ref().err().map(|e| format!("{} hello: {e}", v.name())));
    // Refusals prove something only if the modern hello was answered.
    let trusted = s.modern().is_some() || s.modern_alert() == Some(70);
    match unanswered {
        Some(why) if f.outcome == Outcome::Pass => {
            f.outcome = Outcome::Unknown;
            f.evidence
                .push_str(&format!("; older versions not known: {why}"));
        }
        Some(_) => {}
        None if !trusted && f.outcome == Outcome::Pass => {
            f.outcome = Outcome::Unknown;
            f.evidence.push_str("; the raw TLS 1.2 hello of modern suites was refused too, so the refusals of SSLv3, TLS 1.0 and 1.1 prove nothing");
        }
        None => f
            .evidence
            .push_str(&format!("; raw ClientHello: {}", s.refusals())),
    }
}

/// Every item when no TLS session was made: `tls.protocols` says why in
/// full, the others point to it. Nothing listening, or a server that
/// speaks only TLS versions under 1.2, fails `tls.protocols`; after a
/// failed handshake the raw hellos tell what the server does accept:
/// only old versions or only weak suites fail both TLS items.
async fn no_session(net: &Net, host: &str, port: u16, e: &ProbeError, nonce: u64) -> Vec<Finding> {
    let in_handshake = matches!(
        e,
        ProbeError::Handshake { .. } | ProbeError::Alert { .. } | ProbeError::OldProtocol { .. }
    );
    let legacy = if in_handshake {
        Some(hello::survey(net, host, port, nonce).await)
    } else {
        None
    };
    let short = if in_handshake {
        format!("no HTTPS session with {host}:{port}; tls.protocols says why")
    } else {
        format!("HTTPS: {e}")
    };
    ITEMS
        .iter()
        .map(|id| {
            if *id == "tls.ciphers"
                && let Some(s) = &legacy
            {
                return hello::judge_ciphers(s, None);
            }
            if *id != "tls.protocols" {
                return Finding::new(id, Outcome::Unknown, short.clone());
            }
            if let Some(s) = &legacy {
                let old = s.old_accepted();
                let weak = s.weak_accepted();
                let fix = "Enable TLS 1.2 with forward-secret AEAD suites and TLS 1.3, and turn off everything older (nginx: ssl_protocols TLSv1.2 TLSv1.3;).";
                match s.modern() {
                    None if !old.is_empty() || !weak.is_empty() => {
                        let what = if old.is_empty() { weak } else { old };
                        return Finding::new(
                            id,
                            Outcome::Fail,
                            format!("{e}; the server accepts nothing modern, only {}", what.join(", ")),
                        )
                        .fix(fix);
                    }
                    Some(m) if !old.is_empty() => {
                        return Finding::new(
                            id,
                            Outcome::Fail,
                            format!("{e}; the raw hellos find {m}, but also {}", old.join(", ")),
                        )
                        .fix(fix);
                    }
                    // This client's handshake failed (a DHE-only server,
                    // say), but the server speaks TLS 1.2 with a modern suite.
                    Some(m) => {
                        // Only if every old version's hello was answered:
                        // one that went unanswered proves nothing.
                        let unanswered = s.versions.iter().any(|(_, a)| a.is_err());
                        return Finding::new(
                            id,
                            if unanswered {
                                Outcome::Unknown
                            } else {
                                Outcome::Pass
                            },
                            format!("{e}; yet the raw hellos find {m}; {}", s.refusals()),
                        );
                    }
                    None => {}
                }
            }
            if e.old_protocol() {
                Finding::new(id, Outcome::Fail, e.to_string())
                    .fix("Enable TLS 1.2 and 1.3 and turn off everything older (nginx: ssl_protocols TLSv1.2 TLSv1.3;).")
            } else if e.refused() {
                Finding::new(id, Outcome::Fail, format!("HTTPS: {e}"))
            } else {
                Finding::new(id, Outcome::Unknown, e.to_string())
            }
        })
        .collect()
}

/// The status of an answer, for naming it in evidence ("404").
fn status_of(r: &Result<Response, ProbeError>) -> String {
    r.as_ref()
        .map(|r| r.status.to_string())
        .unwrap_or_else(|_| "failed request".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn resp(status: u16, headers: &[(&str, &str)]) -> Response {
        Response {
            status,
            headers: headers
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
            body: Vec::new(),
        }
    }

    pub(super) fn by_id(v: Vec<Finding>) -> std::collections::BTreeMap<String, Outcome> {
        v.into_iter().map(|f| (f.item, f.outcome)).collect()
    }
}
