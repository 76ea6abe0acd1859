//! The cookies the application sets, read from its code: Starlette's
//! `response.set_cookie(...)` and `SessionMiddleware`, which send a cookie
//! without `Secure` and `HttpOnly` unless told (`set_cookie` defaults to
//! `secure=False, httponly=False`; `SessionMiddleware` to
//! `https_only=False` and a 14-day lifetime). `headers.cookies` belongs
//! to the live web probe, which judges the real responses; this decides
//! it only when the probe did not run.

use super::Call;
use crate::detect::python::{Index, last_name};
use crate::detect::{Finding, Outcome};

const ITEM: &str = "headers.cookies";

/// What one cookie-setting call lacks, what it sets, and whether its
/// flags are expressions the code decides at run time (`secure=settings.X`,
/// `**options`), which this cannot judge.
fn judge(c: &Call) -> (Vec<String>, String, bool) {
    let flag = |k: &str| c.kwarg(k).map(|v| c.text(v).to_string());
    let literal = |v: &Option<String>| {
        v.as_deref()
            .is_none_or(|t| matches!(t, "True" | "False" | "None") || t.starts_with(['"', '\'']))
    };
    let splat = c.args().is_some_and(|a| {
        let mut w = a.walk();
        a.named_children(&mut w)
            .any(|n| n.kind() == "dictionary_splat")
    });
    let lower = |v: Option<String>| v.map(|s| s.trim_matches(['"', '\'']).to_ascii_lowercase());
    let mut missing = Vec::new();
    let is_session = c.name() != "set_cookie";
    if is_session {
        if flag("https_only").as_deref() != Some("True") {
            missing.push("https_only=True (the session cookie is not Secure)".to_string());
        }
        if lower(flag("same_site")).as_deref() == Some("none") {
            missing.push("same_site other than \"none\"".to_string());
        }
        let age = match flag("max_age") {
            Some(v) if v == "None" => "lasts the browser session".to_string(),
            // Numbers, names and arithmetic only: no literal text shown.
            Some(v)
                if v.len() <= 80
                    && v.chars()
                        .all(|ch| ch.is_ascii_alphanumeric() || " *+_.()".contains(ch)) =>
            {
                format!("max_age={v}")
            }
            Some(_) => "max_age set in code".to_string(),
            None => "lasts 14 days (Starlette's default max_age)".to_string(),
        };
        let unsure = splat || !literal(&flag("https_only"));
        return (missing, format!("SessionMiddleware {age}"), unsure);
    }
    // The name only when it is a plain string: never the text of an
    // expression, which may hold the value.
    let name = c
        .kwarg("key")
        .or_else(|| c.positional().first().copied())
        .and_then(|k| super::string_value(c.src, k))
        .filter(|n| {
            n.len() <= 64
                && n.chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || "_-.".contains(ch))
        });
    // A CSRF double-submit cookie is read by the page's script on purpose.
    let csrf = name.as_deref().is_some_and(|n| {
        n.to_ascii_lowercase().contains("csrf") || n.to_ascii_lowercase().contains("xsrf")
    });
    if flag("secure").as_deref() != Some("True") {
        missing.push("secure=True".to_string());
    }
    if !csrf && flag("httponly").as_deref() != Some("True") {
        missing.push("httponly=True".to_string());
    }
    if lower(flag("samesite")).as_deref() == Some("none") {
        missing.push("samesite other than \"none\"".to_string());
    }
    let unsure = splat || !literal(&flag("secure")) || !literal(&flag("httponly"));
    let shown = name.map_or("a cookie".to_string(), |n| format!("\"{n}\""));
    (missing, format!("set_cookie({shown})"), unsure)
}

/// True when a missing flag is written out (or left out), not computed.
fn literal_missing(c: &Call, missing: &str) -> bool {
    let key = missing.split(['=', ' ']).next().unwrap_or("");
    c.kwarg(key)
        .is_none_or(|v| matches!(c.text(v), "False" | "None"))
        && !c.args().is_some_and(|a| {
            let mut w = a.walk();
            a.named_children(&mut w)
                .any(|n| n.kind() == "dictionary_splat")
        })
}

/// True for a call that sets a cookie or installs the session middleware.
fn sets_cookie(c: &Call) -> bool {
    match c.name() {
        // A client's cookie jar (requests, httpx: `session.cookies.set_cookie`)
        // is not a response cookie.
        "set_cookie" => !c.callee().ends_with("cookies.set_cookie"),
        "SessionMiddleware" => true,
        "add_middleware" | "Middleware" => c
            .positional()
            .first()
            .copied()
            .or_else(|| c.kwarg("middleware_class"))
            .or_else(|| c.kwarg("cls"))
            .is_some_and(|m| last_name(c.src, m).ends_with("SessionMiddleware")),
        _ => false,
    }
}

/// The finding the code gives `headers.cookies`, when the code sets any
/// cookie; `why_not_probed` says why the live probe did not decide it.
pub fn in_code(index: &Index, why_not_probed: &str) -> Option<Finding> {
    let mut seen = Vec::new();
    let mut unsure = Vec::new();
    for f in &index.files {
        for call in &f.calls {
            let c = Call::new(f.src, call);
            if !sets_cookie(&c) {
                continue;
            }
            let (missing, what, decided_at_run_time) = judge(&c);
            // A flag written False (or left out) fails whatever the others are.
            if decided_at_run_time && missing.iter().all(|m| !literal_missing(&c, m)) {
                unsure.push(format!("{} {what}", c.at()));
                continue;
            }
            if !missing.is_empty() {
                let loc = c.location();
                return Some(
                    Finding::new(
                        ITEM,
                        Outcome::Fail,
                        format!(
                            "{}: {what} without {} (from the code; not probed: {why_not_probed})",
                            c.at(),
                            missing.join(", ")
                        ),
                    )
                    .fix("response.set_cookie(key, value, secure=True, httponly=True, samesite=\"lax\"); app.add_middleware(SessionMiddleware, secret_key=..., https_only=True, same_site=\"lax\", max_age=8 * 3600).")
                    .at(loc.file, loc.line),
                );
            }
            seen.push(format!("{} {what}", c.at()));
        }
    }
    if !unsure.is_empty() {
        return Some(Finding::new(
            ITEM,
            Outcome::Unknown,
            format!(
                "the cookie flags are set from the configuration at run time: {} (from the code; not probed: {why_not_probed}); the live probe reads the real Set-Cookie headers",
                unsure.join("; ")
            ),
        ));
    }
    (!seen.is_empty()).then(|| {
        Finding::new(
            ITEM,
            Outcome::Pass,
            format!(
                "every cookie the code sets is Secure and HttpOnly: {} (from the code; not probed: {why_not_probed})",
                seen.join("; ")
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(code: &str) -> Option<Finding> {
        let s = crate::detect::python::Sources::from_texts(&[
            ("app/main.py", code),
            ("app/other.py", "x = 1\n"),
        ]);
        in_code(&Index::new(&s), "offline")
    }

    #[test]
    fn cookies_without_their_flags_fail_and_with_them_pass() {
        for (code, why) in [
            (
                "def f(r):\n    r.set_cookie('session', v)\n",
                "secure=True, httponly=True",
            ),
            (
                "def f(r):\n    r.set_cookie('session', v, secure=True)\n",
                "httponly=True",
            ),
            (
                "def f(r):\n    r.set_cookie(key='t', value=v, secure=True, httponly=True, samesite='none')\n",
                "samesite",
            ),
            (
                "app.add_middleware(SessionMiddleware, secret_key=k)\n",
                "https_only=True",
            ),
            (
                "m = [Middleware(SessionMiddleware, secret_key=k)]\n",
                "https_only=True",
            ),
        ] {
            let f = finding(code).unwrap();
            assert_eq!(f.outcome, Outcome::Fail, "{code}");
            assert!(f.evidence.contains(why), "{code}: {}", f.evidence);
            assert!(f.evidence.contains("not probed: offline"), "{}", f.evidence);
        }
        let f = finding(
            "def f(r):\n    r.set_cookie('session', v, secure=True, httponly=True, samesite='lax')\napp.add_middleware(SessionMiddleware, secret_key=k, https_only=True, max_age=3600)\n",
        )
        .unwrap();
        assert_eq!(f.outcome, Outcome::Pass, "{}", f.evidence);
        assert!(f.evidence.contains("max_age=3600"), "{}", f.evidence);
        assert!(finding("x = request.cookies.get('a')\n").is_none());
        // A client's cookie jar is not a response cookie, and the text of
        // an expression (which may hold the value) is never shown.
        assert!(finding("s.cookies.set_cookie(create_cookie('sid', 'PLANTED'))\n").is_none());
        let f = finding("def f(r):\n    r.set_cookie(make('PLANTED'), v)\n").unwrap();
        assert!(!f.evidence.contains("PLANTED"), "{}", f.evidence);
        assert!(
            f.evidence.contains("set_cookie(a cookie)"),
            "{}",
            f.evidence
        );
        // Flags from the configuration are decided at run time.
        let f = finding(
            "def f(r):\n    r.set_cookie('sid', v, secure=settings.SECURE, httponly=True)\n",
        )
        .unwrap();
        assert_eq!(f.outcome, Outcome::Unknown, "{}", f.evidence);
        let f = finding("def f(r):\n    r.set_cookie('sid', v, **OPTS)\n").unwrap();
        assert_eq!(f.outcome, Outcome::Unknown, "{}", f.evidence);
        // A CSRF double-submit cookie is meant to be read by the page.
        let f = finding(
            "def f(r):\n    r.set_cookie('csrftoken', t, secure=True, samesite='strict')\n",
        )
        .unwrap();
        assert_eq!(f.outcome, Outcome::Pass, "{}", f.evidence);
        let f = finding("app.add_middleware(middleware_class=SessionMiddleware, secret_key=k)\n")
            .unwrap();
        assert_eq!(f.outcome, Outcome::Fail, "{}", f.evidence);
    }
}
