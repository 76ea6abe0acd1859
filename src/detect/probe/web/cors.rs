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
    let acao = r.header("access-control-allow-origin").unwrap_or("");
    let creds = r
        .header("access-control-allow-credentials")
        .is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let no_preflight = matches!(r.status, 405 | 501);
    let mut f = if no_preflight {
        Finding::new(
            id,
            Outcome::Warn,
            format!("a preflight (OPTIONS) gets {}: the server does not handle preflights, so browsers refuse cross-origin calls that need one", r.status),
        )
        .fix("Handle OPTIONS with the CORS middleware (FastAPI's CORSMiddleware does).")
    } else if acao == random_origin && creds {
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
    // Judged whatever the random origin got: a server may echo only what
    // contains a production name, or add credentials only for those.
    for (origin, resp) in lookalike {
        let Ok(l) = resp else { continue };
        if l.header("access-control-allow-origin") != Some(origin.as_str()) {
            continue;
        }
        let creds = l
            .header("access-control-allow-credentials")
            .is_some_and(|v| v.eq_ignore_ascii_case("true"));
        if creds && f.outcome != Outcome::Fail {
            f = Finding::new(id, Outcome::Fail, format!("a preflight from the lookalike origin {origin} is allowed with Allow-Credentials: true: the origin check is not exact (an unanchored allow_origin_regex?), so that site can call the API with the user's cookies"))
                .fix("Match origins exactly: a list, or a regex anchored with ^ and $ and escaped dots.");
            break;
        }
        if !creds && f.outcome == Outcome::Pass {
            f = Finding::new(id, Outcome::Warn, format!("a preflight from the lookalike origin {origin} is allowed: the origin check is not exact"))
                .fix("Match origins exactly: a list, or a regex anchored with ^ and $ and escaped dots.");
        }
    }
    if no_preflight {
        // Production origins cannot preflight either: that is the warning.
        return f;
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

/// Most production origins given lookalikes (three preflights each).
const MAX_LOOKALIKE_ORIGINS: usize = 20;

/// Origins that only look like the production ones: `null`, and for each
/// (up to twenty) the same host with a suffix, with a prefix, and over
/// http://. `.invalid` is reserved: these are only header values, never
/// dialled.
pub fn lookalikes(origins: &[String]) -> Vec<String> {
    let mut out = vec!["null".to_string()];
    for o in origins.iter().take(MAX_LOOKALIKE_ORIGINS) {
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
    fn lookalikes_are_judged_whatever_the_random_origin_got() {
        let o = "https://harden-1.invalid";
        let look = "https://app.example.com.harden-probe.invalid";
        let with_creds = vec![(
            look.to_string(),
            Ok(resp(
                200,
                &[
                    ("Access-Control-Allow-Origin", look),
                    ("Access-Control-Allow-Credentials", "true"),
                ],
            )),
        )];
        // The random origin is echoed without credentials (a warning), but
        // a lookalike gets credentials: that is the failure.
        let echoed = Ok(resp(200, &[("Access-Control-Allow-Origin", o)]));
        let f = judge_cors(o, &echoed, &[], &with_creds);
        assert_eq!(f.outcome, Outcome::Fail, "{}", f.evidence);
        assert!(f.evidence.contains(look));
        // OPTIONS refused for the random origin, allowed for a lookalike.
        let f = judge_cors(o, &Ok(resp(405, &[])), &[], &with_creds);
        assert_eq!(f.outcome, Outcome::Fail, "{}", f.evidence);
        let f = judge_cors(o, &Ok(resp(405, &[])), &[], &[]);
        assert_eq!(f.outcome, Outcome::Warn, "{}", f.evidence);
    }

    #[test]
    fn every_production_origin_gets_lookalikes() {
        let origins: Vec<String> = (0..12)
            .map(|i| format!("https://app{i}.example.com"))
            .collect();
        let l = lookalikes(&origins);
        assert_eq!(l.len(), 1 + 3 * 12);
        assert!(l.contains(&"http://app11.example.com".to_string()));
        assert!(l.iter().all(|o| o == "null"
            || o.ends_with(".invalid")
            || o.starts_with("http://")
            || o.contains("harden-probe")));
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
