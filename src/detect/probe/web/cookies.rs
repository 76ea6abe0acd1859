//! The cookies the production URL sets: `Secure`, `HttpOnly` and
//! `SameSite` on each, judged strictest for cookies that carry a session
//! or a token. Only names and attributes are read; a cookie's value is a
//! credential and never leaves this module.

use crate::detect::probe::http::Response;
use crate::detect::{Finding, Outcome};

/// One `Set-Cookie` header, without its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cookie {
    pub name: String,
    pub secure: bool,
    pub http_only: bool,
    /// The `SameSite` attribute as sent (`Strict`, `Lax`, `None`), if any.
    pub same_site: Option<String>,
}

/// Parses one `Set-Cookie` value (RFC 6265 section 5.2): the name before
/// the first `=`, then the attributes after each `;`. The value is skipped.
pub fn parse(header: &str) -> Option<Cookie> {
    let mut parts = header.split(';');
    let pair = parts.next()?;
    let (name, _) = pair.split_once('=')?;
    let name = name.trim();
    if name.is_empty() {
        return None;
    }
    let mut c = Cookie {
        name: shown_name(name),
        secure: false,
        http_only: false,
        same_site: None,
    };
    for attr in parts {
        let (k, v) = match attr.split_once('=') {
            Some((k, v)) => (k.trim(), Some(v.trim())),
            None => (attr.trim(), None),
        };
        if k.eq_ignore_ascii_case("secure") {
            c.secure = true;
        } else if k.eq_ignore_ascii_case("httponly") {
            c.http_only = true;
        } else if k.eq_ignore_ascii_case("samesite") {
            c.same_site = v.map(shown_name);
        }
    }
    Some(c)
}

/// A name as evidence may show it: printable ASCII, at most 40 characters.
fn shown_name(s: &str) -> String {
    let clean: String = s
        .chars()
        .filter(|c| c.is_ascii_graphic())
        .take(40)
        .collect();
    if clean.is_empty() { "?".into() } else { clean }
}

/// True for a cookie that, by its name, carries a session or a token.
pub fn session_like(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    [
        "session", "sess", "sid", "token", "auth", "jwt", "login", "remember", "refresh", "access",
        "csrf", "xsrf", "identity",
    ]
    .iter()
    .any(|w| n.contains(w))
}

/// A CSRF token cookie is read by the page's script (double-submit), so it
/// may lack HttpOnly.
fn csrf(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.contains("csrf") || n.contains("xsrf")
}

/// What is wrong with one cookie, and how bad.
fn problems(c: &Cookie) -> (Outcome, Vec<&'static str>) {
    let session = session_like(&c.name);
    let mut worst = Outcome::Pass;
    let mut what = Vec::new();
    let mut flag = |o: Outcome, w: &'static str| {
        worst = worst.worst(o);
        what.push(w);
    };
    if !c.secure {
        flag(
            if session {
                Outcome::Fail
            } else {
                Outcome::Warn
            },
            "no Secure",
        );
    }
    if !c.http_only && session && !csrf(&c.name) {
        flag(Outcome::Fail, "no HttpOnly");
    }
    match c
        .same_site
        .as_deref()
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        None => flag(Outcome::Warn, "no SameSite"),
        Some("none") if !c.secure => flag(
            Outcome::Fail,
            "SameSite=None without Secure (browsers drop it)",
        ),
        Some("none") if session => {
            flag(Outcome::Warn, "SameSite=None (sent on cross-site requests)")
        }
        Some("strict" | "lax" | "none") => {}
        Some(_) => flag(Outcome::Warn, "SameSite with an unknown value"),
    }
    (worst, what)
}

/// `headers.cookies` from every response the probe fetched (`where`, response).
pub fn judge_cookies(responses: &[(&str, &Response)]) -> Finding {
    let id = "headers.cookies";
    let mut seen: Vec<(String, Cookie)> = Vec::new();
    for (at, r) in responses {
        for (n, v) in &r.headers {
            if n.eq_ignore_ascii_case("set-cookie")
                && let Some(c) = parse(v)
                && !seen.iter().any(|(_, s)| s.name == c.name)
            {
                seen.push((at.to_string(), c));
            }
        }
    }
    if seen.is_empty() {
        let places: Vec<&str> = responses.iter().map(|(w, _)| *w).collect();
        return Finding::new(
            id,
            Outcome::Unknown,
            format!(
                "no Set-Cookie on the probed responses ({}); a login response may still set one: check its attributes there",
                places.join(", ")
            ),
        );
    }
    let mut worst = Outcome::Pass;
    let mut bad = Vec::new();
    let mut good = Vec::new();
    for (at, c) in &seen {
        let (o, what) = problems(c);
        worst = worst.worst(o);
        if what.is_empty() {
            good.push(c.name.clone());
        } else {
            bad.push(format!("{} (on {at}): {}", c.name, what.join(", ")));
        }
    }
    if bad.is_empty() {
        Finding::new(
            id,
            Outcome::Pass,
            format!("Secure, HttpOnly and SameSite on {}", good.join(", ")),
        )
    } else {
        Finding::new(id, worst, format!("cookies {}", bad.join("; ")))
            .fix("Set session and token cookies with Secure; HttpOnly; SameSite=Lax (or Strict), e.g. response.set_cookie(..., secure=True, httponly=True, samesite=\"lax\").")
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::resp;
    use super::*;

    fn one(v: &str) -> Finding {
        let r = resp(200, &[("Set-Cookie", v)]);
        judge_cookies(&[("GET /", &r)])
    }

    #[test]
    fn a_session_cookie_needs_all_three() {
        assert_eq!(
            one("session=abc; Path=/; Secure; HttpOnly; SameSite=Lax").outcome,
            Outcome::Pass
        );
        let f = one("session=abc; Path=/; HttpOnly; SameSite=Lax");
        assert_eq!(f.outcome, Outcome::Fail);
        assert!(f.evidence.contains("no Secure"), "{}", f.evidence);
        let f = one("access_token=abc; Secure; SameSite=Strict");
        assert_eq!(f.outcome, Outcome::Fail);
        assert!(f.evidence.contains("no HttpOnly"), "{}", f.evidence);
        let f = one("sid=abc; Secure; HttpOnly");
        assert_eq!(f.outcome, Outcome::Warn);
        assert!(f.evidence.contains("no SameSite"), "{}", f.evidence);
    }

    #[test]
    fn same_site_none_needs_secure() {
        let f = one("prefs=dark; SameSite=None");
        assert_eq!(f.outcome, Outcome::Fail);
        assert!(f.evidence.contains("SameSite=None without Secure"));
    }

    #[test]
    fn a_csrf_cookie_may_be_read_by_script_and_plain_cookies_only_warn() {
        assert_eq!(
            one("csrftoken=abc; Secure; SameSite=Strict").outcome,
            Outcome::Pass
        );
        assert_eq!(one("theme=dark; SameSite=Lax").outcome, Outcome::Warn);
    }

    #[test]
    fn values_never_reach_the_evidence_and_no_cookie_is_unknown() {
        let f = one("session=s3cr3t-t0ken-value; SameSite=Lax");
        assert!(!f.evidence.contains("s3cr3t"), "{}", f.evidence);
        assert!(!f.remediation.contains("s3cr3t"));
        let r = resp(200, &[]);
        assert_eq!(judge_cookies(&[("GET /", &r)]).outcome, Outcome::Unknown);
        assert_eq!(parse("=x; Secure"), None);
        assert_eq!(parse("no-equals-sign"), None);
    }
}
