//! CORS: a preflight from an origin nobody allowed, and from each production origin.

use crate::detect::probe::http::Response;
use crate::detect::probe::net::ProbeError;
use crate::detect::{Finding, Outcome};

/// The CORS item from the preflights.
pub fn judge_cors(
    random_origin: &str,
    random: &Result<Response, ProbeError>,
    production: &[(String, Result<Response, ProbeError>)],
    lookalike: &[(String, Result<Response, ProbeError>)],
) -> Finding {
    let id = "cors.preflight";
    let r = match random {
        Err(e) => return Finding::new(id, Outcome::Unknown, format!("preflight: {e}")),
        Ok(r) => r,
    };
    if matches!(r.status, 405 | 501) {
        return Finding::new(
            id,
            Outcome::Warn,
            format!("a preflight (OPTIONS) gets {}: the server does not handle preflights, so browsers refuse cross-origin calls that need one", r.status),
        )
        .fix("Handle OPTIONS with the CORS middleware (FastAPI's CORSMiddleware does).");
    }
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
    // Origins that only look like production ones (a suffix, a prefix,
    // http://, null): echoing one means the check is not an exact match.
    let checked = if f.outcome == Outcome::Pass {
        lookalike
    } else {
        &[]
    };
    for (origin, resp) in checked {
        let Ok(l) = resp else { continue };
        if l.header("access-control-allow-origin") != Some(origin.as_str()) {
            continue;
        }
        let creds = l
            .header("access-control-allow-credentials")
            .is_some_and(|v| v.eq_ignore_ascii_case("true"));
        f = if creds {
            Finding::new(id, Outcome::Fail, format!("a preflight from the lookalike origin {origin} is allowed with Allow-Credentials: true: the origin check is not exact (an unanchored allow_origin_regex?), so that site can call the API with the user's cookies"))
                .fix("Match origins exactly: a list, or a regex anchored with ^ and $ and escaped dots.")
        } else {
            Finding::new(id, Outcome::Warn, format!("a preflight from the lookalike origin {origin} is allowed: the origin check is not exact"))
                .fix("Match origins exactly: a list, or a regex anchored with ^ and $ and escaped dots.")
        };
        break;
    }
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

/// Origins that only look like the production ones: `null`, and for each
/// (the first three) the same host with a suffix, with a prefix, and over
/// http://. `.invalid` is reserved: these are only header values, never
/// dialled.
pub fn lookalikes(origins: &[String]) -> Vec<String> {
    let mut out = vec!["null".to_string()];
    for o in origins.iter().take(3) {
        if let Some(host) = o.strip_prefix("https://") {
            out.push(format!("{o}.harden-probe.invalid"));
            out.push(format!("https://harden-probe{host}"));
            out.push(format!("http://{host}"));
        }
    }
    out
}

/// An origin no server can have allowed on purpose (`.invalid` is reserved,
/// RFC 2606), from a random `nonce` the caller draws.
pub fn unknown_origin(nonce: u64) -> String {
    format!("https://harden-{nonce:016x}.invalid")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::probe::web::tests::resp;

    #[test]
    fn cors_rules() {
        let o = "https://harden-1.invalid";
        let f = |h: &[(&str, &str)]| judge_cors(o, &Ok(resp(200, h)), &[], &[]).outcome;
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
            judge_cors(o, &Ok(resp(400, &[])), &prod, &[]).outcome,
            Outcome::Fail
        );
    }

    #[test]
    fn the_unknown_origin_is_reserved_and_follows_the_nonce() {
        let a = unknown_origin(1);
        assert!(
            a.starts_with("https://harden-") && a.ends_with(".invalid"),
            "{a}"
        );
        assert_ne!(a, unknown_origin(2));
        assert_eq!(a, unknown_origin(1));
    }
}
