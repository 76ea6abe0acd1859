//! The web probe of one production URL, as an operator would do it with
//! openssl and curl: the TLS handshake and certificate, the plain-HTTP
//! redirect, HSTS and the security headers, a CORS preflight from a random
//! origin and from each production origin, rate-limit headers, and
//! `/.well-known/security.txt`.

use std::hash::{BuildHasher, Hasher};

use time::OffsetDateTime;
use url::Url;

use super::http::{Response, exchange};
use super::net::{Handshake, Net, ProbeError};
use crate::detect::{Finding, Outcome};

/// Items this probe fills.
pub const ITEMS: &[&str] = &[
    "tls.cert_valid",
    "tls.cert_expiry",
    "tls.protocols",
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
    "cors.preflight",
    "rate_limit.headers",
    "incident.security_txt",
];

/// What a certificate says, for evidence.
#[derive(Debug, Clone)]
pub struct CertInfo {
    pub subject: String,
    pub issuer: String,
    pub sans: Vec<String>,
    pub not_before: OffsetDateTime,
    pub not_after: OffsetDateTime,
    pub self_signed: bool,
}

/// Reads the facts of a DER certificate.
pub fn cert_info(der: &[u8]) -> Option<CertInfo> {
    let (_, c) = x509_parser::parse_x509_certificate(der).ok()?;
    let mut sans = Vec::new();
    if let Ok(Some(ext)) = c.subject_alternative_name() {
        for n in &ext.value.general_names {
            match n {
                x509_parser::extensions::GeneralName::DNSName(d) => sans.push(d.to_string()),
                x509_parser::extensions::GeneralName::IPAddress(b) => sans.push(match b.len() {
                    4 => format!("{}.{}.{}.{}", b[0], b[1], b[2], b[3]),
                    _ => format!(
                        "IP {}",
                        b.iter().map(|x| format!("{x:02x}")).collect::<String>()
                    ),
                }),
                _ => {}
            }
        }
    }
    let ts = |t: i64| OffsetDateTime::from_unix_timestamp(t).ok();
    Some(CertInfo {
        subject: c.subject().to_string(),
        issuer: c.issuer().to_string(),
        sans,
        not_before: ts(c.validity().not_before.timestamp())?,
        not_after: ts(c.validity().not_after.timestamp())?,
        self_signed: c.subject().as_raw() == c.issuer().as_raw(),
    })
}

fn ymd(t: OffsetDateTime) -> String {
    crate::util::dates::format_date(t.date())
}

/// The TLS items from a handshake.
pub fn judge_tls(h: &Handshake, now: OffsetDateTime) -> Vec<Finding> {
    let mut out = Vec::new();
    let info = h.chain.first().and_then(|c| cert_info(c));
    let facts = info.as_ref().map_or_else(
        || "no readable certificate".to_string(),
        |i| {
            format!(
                "subject {}, issuer {}, SANs {}, expires {}; chain of {}",
                i.subject,
                i.issuer,
                if i.sans.is_empty() {
                    "none".into()
                } else {
                    i.sans.join(", ")
                },
                ymd(i.not_after),
                h.chain.len()
            )
        },
    );
    out.push(match &h.verdict {
        Ok(()) => Finding::new("tls.cert_valid", Outcome::Pass, format!("trusted, and a SAN matches the host: {facts}")),
        Err(why) => {
            let why = if info.as_ref().is_some_and(|i| i.self_signed) {
                format!("self-signed ({why})")
            } else {
                why.clone()
            };
            Finding::new("tls.cert_valid", Outcome::Fail, format!("{why}: {facts}"))
                .fix("Serve a certificate from a trusted CA (e.g. Let's Encrypt) for every production name, with its full chain.")
        }
    });
    out.push(match &info {
        None => Finding::new(
            "tls.cert_expiry",
            Outcome::Unknown,
            "no readable certificate",
        ),
        Some(i) if i.not_before > now => Finding::new(
            "tls.cert_expiry",
            Outcome::Fail,
            format!("not valid before {}: {facts}", ymd(i.not_before)),
        ),
        Some(i) => {
            let days = (i.not_after - now).whole_days();
            if i.not_after <= now {
                Finding::new(
                    "tls.cert_expiry",
                    Outcome::Fail,
                    format!("expired on {}", ymd(i.not_after)),
                )
                .fix("Renew the certificate now, and automate renewal.")
            } else if days < 30 {
                Finding::new(
                    "tls.cert_expiry",
                    Outcome::Warn,
                    format!("expires {} ({days} days left, under 30)", ymd(i.not_after)),
                )
                .fix("Renew soon, and automate renewal.")
            } else {
                Finding::new(
                    "tls.cert_expiry",
                    Outcome::Pass,
                    format!("expires {} ({days} days left)", ymd(i.not_after)),
                )
            }
        }
    });
    out.push(match h.version.as_deref() {
        Some(v @ ("TLS 1.3" | "TLS 1.2")) => Finding::new(
            "tls.protocols",
            Outcome::Pass,
            format!("HTTPS answers; negotiated {v} (TLS 1.0/1.1 not tried: this client does not speak them)"),
        ),
        Some(v) => Finding::new("tls.protocols", Outcome::Fail, format!("negotiated {v}")),
        None => Finding::new("tls.protocols", Outcome::Unknown, "no protocol version negotiated"),
    });
    out
}

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
        Some(v) => Finding::new(
            "headers.xss_protection",
            Outcome::Warn,
            format!("X-XSS-Protection: {v}; the checklist asks 1; mode=block (OWASP now recommends 0): record the choice"),
        ),
        None => Finding::new("headers.xss_protection", Outcome::Fail, "no X-XSS-Protection header")
            .fix("Send the value your policy chooses: the checklist's 1; mode=block, or OWASP's 0."),
    });
    out.push(match &csp {
        None => Finding::new("headers.csp", Outcome::Fail, "no Content-Security-Policy header")
            .fix("Send Content-Security-Policy: default-src 'self' (and adjust for what the front end loads)."),
        Some(v) => {
            let strict = v.to_ascii_lowercase().contains("default-src 'self'");
            let mut e = format!("Content-Security-Policy: {v}");
            if strict && docs_answer {
                e.push_str(". /docs answers: Swagger UI loads from a CDN, which default-src 'self' blocks");
            }
            Finding::new("headers.csp", if strict { Outcome::Pass } else { Outcome::Warn }, e)
        }
    });
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

/// The plain-HTTP redirect item.
pub fn judge_redirect(host: &str, plain: &Result<Response, ProbeError>) -> Finding {
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
                (302 | 303 | 307, true, _) => Finding::new(
                    id,
                    Outcome::Warn,
                    format!("http:// answers a temporary {} → {loc}", r.status),
                )
                .fix("Use a permanent 301 or 308."),
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

/// The CORS item from the preflights.
pub fn judge_cors(
    random_origin: &str,
    random: &Result<Response, ProbeError>,
    production: &[(String, Result<Response, ProbeError>)],
) -> Finding {
    let id = "cors.preflight";
    let r = match random {
        Err(e) => return Finding::new(id, Outcome::Unknown, format!("preflight: {e}")),
        Ok(r) => r,
    };
    let acao = r.header("access-control-allow-origin").unwrap_or("");
    let creds = r
        .header("access-control-allow-credentials")
        .is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let mut f = if acao == random_origin && creds {
        Finding::new(id, Outcome::Fail, format!("a preflight from {random_origin} is answered with that origin and Allow-Credentials: true: any site can call the API with the user's cookies"))
            .fix("List the allowed origins explicitly; never echo the Origin with credentials.")
    } else if acao == random_origin {
        Finding::new(
            id,
            Outcome::Warn,
            format!("a preflight from {random_origin} is echoed back (without credentials)"),
        )
        .fix("List the allowed origins explicitly.")
    } else if acao == "*" {
        Finding::new(
            id,
            Outcome::Warn,
            format!("Access-Control-Allow-Origin: * for {random_origin}"),
        )
        .fix("List the allowed origins explicitly.")
    } else {
        Finding::new(
            id,
            Outcome::Pass,
            format!(
                "a preflight from {random_origin} gets {} and no Access-Control-Allow-Origin",
                r.status
            ),
        )
    };
    let mut refused = Vec::new();
    for (origin, resp) in production {
        let ok = resp.as_ref().is_ok_and(|r| {
            let a = r.header("access-control-allow-origin").unwrap_or("");
            a == origin || a == "*"
        });
        if !ok {
            refused.push(origin.as_str());
        }
    }
    if !refused.is_empty() {
        f.evidence.push_str(&format!(
            "; production origins not allowed: {}",
            refused.join(", ")
        ));
        if f.outcome != Outcome::Fail {
            f.outcome = Outcome::Fail;
            f.remediation = "Allow every production front-end origin.".into();
        }
    } else if !production.is_empty() {
        f.evidence.push_str(&format!(
            "; {} production origins allowed",
            production.len()
        ));
    }
    f
}

/// The security.txt item (RFC 9116: Contact and Expires).
pub fn judge_security_txt(r: &Result<Response, ProbeError>, now: OffsetDateTime) -> Finding {
    let id = "incident.security_txt";
    let r = match r {
        Err(e) => {
            return Finding::new(
                id,
                Outcome::Unknown,
                format!("/.well-known/security.txt: {e}"),
            );
        }
        Ok(r) => r,
    };
    if r.status != 200 {
        return Finding::new(
            id,
            Outcome::Fail,
            format!("/.well-known/security.txt answers {}", r.status),
        )
        .fix("Serve /.well-known/security.txt with Contact: and Expires: lines (RFC 9116).");
    }
    let text = String::from_utf8_lossy(&r.body);
    let field = |name: &str| {
        text.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_string())
        })
    };
    let contact = field("contact");
    let expires = field("expires");
    match (contact, expires) {
        (None, _) => Finding::new(id, Outcome::Fail, "security.txt has no Contact: line"),
        (Some(c), None) => Finding::new(
            id,
            Outcome::Warn,
            format!("Contact: {c}, but no Expires: line (required by RFC 9116)"),
        ),
        (Some(c), Some(e)) => {
            let parsed =
                OffsetDateTime::parse(&e, &time::format_description::well_known::Rfc3339).ok();
            match parsed {
                Some(t) if t <= now => {
                    Finding::new(id, Outcome::Fail, format!("Contact: {c}; expired on {e}"))
                }
                Some(_) => Finding::new(id, Outcome::Pass, format!("Contact: {c}; Expires: {e}")),
                None => Finding::new(
                    id,
                    Outcome::Warn,
                    format!("Contact: {c}; Expires: {e} is not an RFC 3339 date"),
                ),
            }
        }
    }
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

fn random_origin() -> String {
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(OffsetDateTime::now_utc().unix_timestamp_nanos() as u128);
    format!("https://harden-{:016x}.invalid", h.finish())
}

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
pub async fn probe(net: &Net, url: &Url, origins: &[String], now: OffsetDateTime) -> Vec<Finding> {
    let host = url.host_str().unwrap_or("").to_string();
    let port = url.port_or_known_default().unwrap_or(443);
    let path = if url.path().is_empty() {
        "/"
    } else {
        url.path()
    };
    let unknown_all = |why: String| -> Vec<Finding> {
        ITEMS
            .iter()
            .map(|id| Finding::new(id, Outcome::Unknown, why.clone()))
            .collect()
    };
    let (mut s, hs) = match net
        .tls(&host, port, "TLS handshake and GET of the URL")
        .await
    {
        Ok(x) => x,
        Err(e) if e.refused() => {
            let mut v = unknown_all(format!("HTTPS: {e}"));
            for f in v.iter_mut().filter(|f| f.item == "tls.protocols") {
                f.outcome = Outcome::Fail;
            }
            return v;
        }
        Err(e) => return unknown_all(format!("HTTPS: {e}")),
    };
    let mut out = judge_tls(&hs, now);
    let host_header = if port == 443 {
        host.clone()
    } else {
        format!("{host}:{port}")
    };
    let main = exchange(&mut s, "GET", &host_header, path, &[], net.deadline).await;
    let origin = random_origin();
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
    let (random, security, docs, plain) = tokio::join!(
        https_request(net, &host, port, "OPTIONS", path, &random_refs),
        https_request(net, &host, port, "GET", "/.well-known/security.txt", &[]),
        https_request(net, &host, port, "GET", "/docs", &[]),
        plain,
    );
    let mut production = Vec::new();
    for o in origins {
        let h = preflight_headers(o);
        let refs: Vec<(&str, &str)> = h.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        production.push((
            o.clone(),
            https_request(net, &host, port, "OPTIONS", path, &refs).await,
        ));
    }
    match &main {
        Ok(r) => {
            out.extend(judge_hsts(r, plain.as_ref().ok()));
            out.extend(judge_headers(
                r,
                docs.as_ref().is_ok_and(|d| d.status == 200),
            ));
            out.push(judge_rate_headers(r));
        }
        Err(e) => {
            for id in ITEMS.iter().filter(|id| {
                !id.starts_with("tls.cert")
                    && **id != "tls.protocols"
                    && **id != "tls.https_redirect"
                    && **id != "cors.preflight"
                    && **id != "incident.security_txt"
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
    out.push(judge_cors(&origin, &random, &production));
    out.push(judge_security_txt(&security, now));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(status: u16, headers: &[(&str, &str)]) -> Response {
        Response {
            status,
            headers: headers
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
            body: Vec::new(),
        }
    }

    fn by_id(v: Vec<Finding>) -> std::collections::BTreeMap<String, Outcome> {
        v.into_iter().map(|f| (f.item, f.outcome)).collect()
    }

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
    fn cors_rules() {
        let o = "https://harden-1.invalid";
        let f = |h: &[(&str, &str)]| judge_cors(o, &Ok(resp(200, h)), &[]).outcome;
        assert_eq!(
            f(&[
                ("Access-Control-Allow-Origin", o),
                ("Access-Control-Allow-Credentials", "true")
            ]),
            Outcome::Fail
        );
        assert_eq!(f(&[("Access-Control-Allow-Origin", "*")]), Outcome::Warn);
        assert_eq!(f(&[]), Outcome::Pass);
        let prod = vec![("https://app.example.com".to_string(), Ok(resp(200, &[])))];
        assert_eq!(
            judge_cors(o, &Ok(resp(400, &[])), &prod).outcome,
            Outcome::Fail
        );
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
}
