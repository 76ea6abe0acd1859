//! Active verification, sent only with the operator's consent (`check
//! --active`, or the wizard's confirmation that lists every request):
//! the post-deployment checks of the checklist that need the running
//! application to answer. A bounded burst at the login route must meet a
//! 429; a protected route must refuse a request without a token, with a
//! malformed token, with a token signed with the checklist's published
//! default SECRET_KEY and with an `alg: none` token; HTTPS and CORS are
//! shown with the requests that prove them. Only the URLs the operator
//! gave are dialled, and only over a connection whose certificate
//! verified.

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use time::OffsetDateTime;
use tokio::time::Instant;
use url::Url;

use super::http::{Response, exchange, exchange_with_body};
use super::net::{Net, ProbeError};
use super::web::{judge_cors, unknown_origin};
use crate::detect::appcode::routes::{ActiveRoutes, Route};
use crate::detect::{Finding, Outcome};

/// Items active verification fills.
pub const ITEMS: &[&str] = &[
    "verify.https",
    "verify.cors",
    "verify.rate_limiting",
    "verify.authentication",
    "verify.authorization",
];

/// Items whose failure harden counts as critical although the checklist's
/// verification section carries no severity: a protected route that
/// answers without a token, or takes a forged one, gives the API away.
pub const CRITICAL_WHEN_FAILED: &[&str] = &["verify.authentication", "verify.authorization"];

/// At most this many requests in the rate-limit burst…
pub const BURST: usize = 30;
/// …sent within this long.
pub const BURST_WINDOW: Duration = Duration::from_secs(5);

/// Production origins the CORS check sends preflights from, at most.
const MAX_ORIGINS: usize = 4;

/// The placeholder SECRET_KEY the checklist names (section 1).
const DEFAULT_SECRET_KEY: &str = "your-secret-key-here-change-in-production";

/// What the evidence adds to a critical failure.
const CRITICAL_NOTE: &str = "critical: the checklist's verification section carries no severity, but harden counts this as critical, so check exits 1 under the default --fail-on critical";

/// Where active verification aims on one production URL.
#[derive(Debug, Clone)]
pub struct Plan {
    pub url: Url,
    pub login: Result<Route, String>,
    pub protected: Result<Route, String>,
    /// The production origins the CORS preflights come from.
    pub origins: Vec<String>,
}

/// The plans for the URLs the operator gave: the routes from the code,
/// unless `--login-path` / `--protected-path` give them.
pub fn plans(
    urls: &[Url],
    found: &ActiveRoutes,
    login_path: Option<&str>,
    protected_path: Option<&str>,
) -> Vec<Plan> {
    let given = |p: Option<&str>, method: &str, flag: &str| {
        p.map(|p| Route {
            method: method.into(),
            path: p.into(),
            from: flag.into(),
            form: false,
        })
    };
    let note = found
        .note
        .as_ref()
        .map(|n| format!(" ({n}: its routes were passed over)"))
        .unwrap_or_default();
    let login = given(login_path, "POST", "--login-path")
        .or_else(|| found.login.clone())
        .ok_or_else(|| format!("no login route found in the code (a POST whose path or handler says login, token or sign-in){note}; give one with --login-path"));
    let protected = given(protected_path, "GET", "--protected-path")
        .or_else(|| found.protected.clone())
        .ok_or_else(|| format!("no protected route found in the code (a GET without path parameters whose handler depends on the current user or a token){note}; give one with --protected-path"));
    urls.iter()
        .map(|u| Plan {
            url: u.clone(),
            login: login.clone(),
            protected: protected.clone(),
            origins: Vec::new(),
        })
        .collect()
}

fn base(u: &Url) -> String {
    let host = u.host_str().unwrap_or("");
    match u.port() {
        Some(p) => format!("https://{host}:{p}"),
        None => format!("https://{host}"),
    }
}

fn url_path(u: &Url) -> &str {
    if u.path().is_empty() { "/" } else { u.path() }
}

/// An absolute path for an active request: printable ASCII without
/// spaces (it goes into a request line), at most 512 bytes.
///
/// # Errors
/// What is wrong with it.
pub fn check_path(p: &str) -> Result<(), String> {
    if !p.starts_with('/') {
        return Err("must start with /: the path of a route on the --url host".into());
    }
    if p.len() > 512 {
        return Err(format!("is {} bytes long; 512 at most", p.len()));
    }
    if let Some(c) = p.chars().find(|c| !c.is_ascii_graphic()) {
        return Err(format!(
            "holds {}: only printable ASCII without spaces goes into a request line (percent-encode the rest)",
            c.escape_default()
        ));
    }
    Ok(())
}

/// Every request a plan sends, one line each, for the consent screen and
/// `--list-probes`.
pub fn describe(p: &Plan, nonce: u64) -> Vec<String> {
    let b = base(&p.url);
    let host = p.url.host_str().unwrap_or("");
    let mut v = vec![
        format!(
            "verify.https: GET {b}{} over verified TLS",
            url_path(&p.url)
        ),
        format!("verify.https: GET http://{host}/ (plain HTTP, to see the redirect)"),
        format!(
            "verify.cors: OPTIONS {b}{} with Origin: {}",
            url_path(&p.url),
            unknown_origin(nonce)
        ),
    ];
    for o in p.origins.iter().take(MAX_ORIGINS) {
        v.push(format!(
            "verify.cors: OPTIONS {b}{} with Origin: {o}",
            url_path(&p.url)
        ));
    }
    match &p.login {
        Ok(r) => v.push(format!(
            "verify.rate_limiting: up to {BURST} × POST {b}{} (from {}), a made-up user and password as {}, within {} s, stopping at the first 429",
            r.path,
            r.from,
            if r.form { "a form" } else { "JSON" },
            BURST_WINDOW.as_secs()
        )),
        Err(why) => v.push(format!("verify.rate_limiting: nothing sent: {why}")),
    }
    match &p.protected {
        Ok(r) => {
            v.push(format!(
                "verify.authentication: GET {b}{} (from {}) without a token, then with a malformed token",
                r.path, r.from
            ));
            v.push(format!(
                "verify.authorization: GET {b}{} with a token signed with a random key, with tokens for {} signed with the checklist's default SECRET_KEY (HS256), and with alg:none tokens for the same",
                r.path,
                SUBJECTS.join(", ")
            ));
        }
        Err(why) => v.push(format!(
            "verify.authentication, verify.authorization: nothing sent: {why}"
        )),
    }
    v
}

/// One request and how it ended, for evidence: `POST /login → 401`.
fn shown(method: &str, path: &str, r: &Result<Response, ProbeError>) -> String {
    match r {
        Ok(r) => format!("{method} {path} → {}", r.status),
        Err(e) => format!("{method} {path} → {e}"),
    }
}

/// A request over TLS, sent only when the certificate verified.
async fn send(
    net: &Net,
    u: &Url,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Result<Response, ProbeError> {
    let host = u.host_str().unwrap_or("");
    let port = u.port_or_known_default().unwrap_or(443);
    let (mut s, hs) = net
        .tls(
            host,
            port,
            "active verification (with the operator's consent)",
        )
        .await?;
    if let Err(why) = hs.verdict {
        return Err(ProbeError::Setup(format!(
            "not sent: the certificate of {host}:{port} did not verify ({why}); active requests go only over a verified connection"
        )));
    }
    let host_header = if port == 443 {
        host.to_string()
    } else {
        format!("{host}:{port}")
    };
    exchange_with_body(
        &mut s,
        method,
        &host_header,
        path,
        headers,
        body,
        net.deadline,
    )
    .await
}

/// A JWT for `sub`: header and claims as JSON, signed with HS256 under
/// `key`, or unsigned (`alg: none`) when `key` is `None`.
fn token(key: Option<&[u8]>, sub: &str, now: OffsetDateTime) -> String {
    let t = now.unix_timestamp();
    let alg = if key.is_some() { "HS256" } else { "none" };
    let header = format!(r#"{{"alg":"{alg}","typ":"JWT"}}"#);
    let claims = serde_json::json!({
        "sub": sub,
        "user_id": 1,
        "username": sub,
        "email": if sub.contains('@') { sub.to_string() } else { format!("{sub}@example.com") },
        "role": "admin",
        "is_admin": true,
        "scopes": ["admin"],
        "type": "access",
        "iat": t,
        "exp": t + 900,
    })
    .to_string();
    let signing = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header),
        URL_SAFE_NO_PAD.encode(claims)
    );
    let sig = match key {
        Some(k) => {
            let Ok(mut mac) = Hmac::<sha2::Sha256>::new_from_slice(k) else {
                return signing + ".";
            };
            mac.update(signing.as_bytes());
            URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
        }
        None => String::new(),
    };
    format!("{signing}.{sig}")
}

/// `verify.https`: the URL over verified TLS, and plain HTTP redirected.
async fn https(net: &Net, u: &Url) -> Finding {
    let id = "verify.https";
    let path = url_path(u);
    let host = u.host_str().unwrap_or("").to_string();
    let port = u.port_or_known_default().unwrap_or(443);
    let secure = async {
        let (mut s, hs) = net
            .tls(
                &host,
                port,
                "active verification (with the operator's consent)",
            )
            .await?;
        if let Err(why) = &hs.verdict {
            return Err(ProbeError::Setup(format!(
                "the certificate did not verify ({why}), so nothing was sent"
            )));
        }
        let host_header = if port == 443 {
            host.clone()
        } else {
            format!("{host}:{port}")
        };
        let r = exchange(&mut s, "GET", &host_header, path, &[], net.deadline).await?;
        Ok::<_, ProbeError>((hs, r))
    };
    let plain = async {
        let mut t = net
            .tcp(&host, 80, "active verification: plain HTTP redirect")
            .await?;
        exchange(&mut t, "GET", &host, "/", &[], net.deadline).await
    };
    let (secure, plain) = tokio::join!(secure, plain);
    let (hs, r) = match secure {
        Ok(x) => x,
        Err(e) => {
            return Finding::new(id, Outcome::Fail, format!("GET {} over TLS → {e}", base(u)));
        }
    };
    let version = hs.version.clone().unwrap_or_else(|| "?".into());
    let tls = format!("GET {}{path} → {} over {version}", base(u), r.status);
    if let Err(why) = &hs.verdict {
        return Finding::new(
            id,
            Outcome::Fail,
            format!("{tls}, but the certificate did not verify: {why}"),
        );
    }
    if !matches!(version.as_str(), "TLS 1.2" | "TLS 1.3") {
        return Finding::new(id, Outcome::Fail, format!("{tls}: older than TLS 1.2"));
    }
    let plain_shown = match &plain {
        Ok(p) => format!(
            "GET http://{host}/ → {}{}",
            p.status,
            p.header("location")
                .map(|l| format!(" to {}", crate::util::redact::redact(l)))
                .unwrap_or_default()
        ),
        Err(e) => format!("GET http://{host}/ → {e}"),
    };
    match &plain {
        Ok(p)
            if (300..400).contains(&p.status)
                && p.header("location").is_some_and(|l| l.starts_with("https://")) =>
        {
            Finding::new(
                id,
                Outcome::Pass,
                format!("{tls}, certificate verified; {plain_shown}"),
            )
        }
        Ok(p) if (200..300).contains(&p.status) => Finding::new(
            id,
            Outcome::Fail,
            format!("{tls}, certificate verified; but {plain_shown}: the site is served without TLS"),
        )
        .fix("Answer plain HTTP only with a redirect to https:// (nginx: return 308 https://$host$request_uri;)."),
        Ok(_) => Finding::new(
            id,
            Outcome::Warn,
            format!("{tls}, certificate verified; {plain_shown}: no redirect to https://"),
        ),
        Err(e) if e.refused() => Finding::new(
            id,
            Outcome::Pass,
            format!("{tls}, certificate verified; {plain_shown} (nothing listens on port 80: only HTTPS answers)"),
        ),
        Err(_) => Finding::new(
            id,
            Outcome::Warn,
            format!("{tls}, certificate verified; {plain_shown}"),
        ),
    }
}

/// `verify.cors`: a preflight from an origin no one allows, and from each
/// production origin.
async fn cors(net: &Net, u: &Url, origins: &[String], nonce: u64) -> Finding {
    let path = url_path(u);
    let origin = unknown_origin(nonce);
    let ask = |o: String| async move {
        let h = [
            ("Origin", o.as_str()),
            ("Access-Control-Request-Method", "GET"),
        ];
        let r = send(net, u, "OPTIONS", path, &h, &[]).await;
        (o, r)
    };
    let (random, production) = tokio::join!(
        ask(origin.clone()),
        futures_util::future::join_all(origins.iter().take(MAX_ORIGINS).cloned().map(ask)),
    );
    let mut f = judge_cors(&origin, &random.1, &production, &[]);
    f.item = "verify.cors".into();
    let mut asked = vec![format!(
        "{} (Origin {origin}, ACAO {})",
        shown("OPTIONS", path, &random.1),
        random
            .1
            .as_ref()
            .ok()
            .and_then(|r| r.header("access-control-allow-origin"))
            .unwrap_or("none")
    )];
    for (o, r) in &production {
        asked.push(format!("{} (Origin {o})", shown("OPTIONS", path, r)));
    }
    f.evidence = format!("{}; requests: {}", f.evidence, asked.join(", "));
    f
}

/// `verify.rate_limiting`: a burst at the login route until a 429.
async fn rate_limiting(net: &Net, u: &Url, login: &Result<Route, String>, nonce: u64) -> Finding {
    let id = "verify.rate_limiting";
    let r = match login {
        Ok(r) => r,
        Err(why) => return Finding::new(id, Outcome::Unknown, why.clone()),
    };
    let password = format!("harden-probe-{nonce:016x}");
    let (body, kind) = if r.form {
        (
            format!("username=harden-probe&password={password}"),
            "application/x-www-form-urlencoded",
        )
    } else {
        (
            format!(
                r#"{{"username":"harden-probe","email":"harden-probe@example.invalid","password":"{password}"}}"#
            ),
            "application/json",
        )
    };
    let headers = [("Content-Type", kind)];
    let started = Instant::now();
    let mut statuses: Vec<u16> = Vec::new();
    let counts = |s: &[u16]| {
        let mut seen: Vec<(u16, usize)> = Vec::new();
        for x in s {
            match seen.iter_mut().find(|(c, _)| c == x) {
                Some(e) => e.1 += 1,
                None => seen.push((*x, 1)),
            }
        }
        seen.iter()
            .map(|(c, n)| format!("{c} ×{n}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let what = format!("POST {} (from {})", r.path, r.from);
    while statuses.len() < BURST && started.elapsed() < BURST_WINDOW {
        match send(net, u, "POST", &r.path, &headers, body.as_bytes()).await {
            Ok(resp) if resp.status == 429 => {
                let n = statuses.len() + 1;
                let retry = match resp.header("retry-after") {
                    Some(v) => format!("with Retry-After: {}", crate::util::redact::redact(v)),
                    None => "without Retry-After (clients cannot tell when to try again)".into(),
                };
                let before = if statuses.is_empty() {
                    String::new()
                } else {
                    format!("; before it: {}", counts(&statuses))
                };
                return Finding::new(
                    id,
                    Outcome::Pass,
                    format!("{what}: 429 at request {n} of at most {BURST}, {retry}{before}"),
                );
            }
            // nginx's limit_req answers 503 unless limit_req_status says
            // otherwise: a limit, told to clients as an outage.
            Ok(resp) if resp.status == 503 && !statuses.is_empty() && !statuses.contains(&503) => {
                let n = statuses.len() + 1;
                return Finding::new(
                    id,
                    Outcome::Warn,
                    format!(
                        "{what}: 503 at request {n} of at most {BURST} after {}: limited, but answered as an outage (nginx limit_req's default); clients and monitors cannot tell it from a failure",
                        counts(&statuses)
                    ),
                )
                .fix("Answer the limit with 429 (nginx: limit_req_status 429;), with Retry-After.");
            }
            Ok(resp) if statuses.is_empty() && matches!(resp.status, 404 | 405) => {
                return Finding::new(
                    id,
                    Outcome::Unknown,
                    format!(
                        "{what} → {}: not the login route; give the right one with --login-path",
                        resp.status
                    ),
                );
            }
            Ok(resp) => statuses.push(resp.status),
            Err(e) => {
                return Finding::new(
                    id,
                    Outcome::Unknown,
                    format!(
                        "{what}: request {} → {e}{}",
                        statuses.len() + 1,
                        if statuses.is_empty() {
                            String::new()
                        } else {
                            format!(" (before it: {})", counts(&statuses))
                        }
                    ),
                );
            }
        }
    }
    let secs = started.elapsed().as_secs_f32();
    let n = statuses.len();
    if statuses.iter().all(|s| *s == 422) {
        return Finding::new(
            id,
            Outcome::Unknown,
            format!(
                "{what}: {n} requests in {secs:.1} s, each refused as invalid (422): a limit counted after validation was not reached; give the route with --login-path if this is not the login"
            ),
        );
    }
    if n < 10 {
        return Finding::new(
            id,
            Outcome::Unknown,
            format!(
                "{what}: only {n} requests fitted in {} s ({}), too few to judge",
                BURST_WINDOW.as_secs(),
                counts(&statuses)
            ),
        );
    }
    Finding::new(
        id,
        Outcome::Fail,
        format!(
            "{what}: {n} requests in {secs:.1} s, none answered 429 ({})",
            counts(&statuses)
        ),
    )
    .fix("Limit the login route per client (slowapi's @limiter.limit(\"5/minute\") with Redis storage, or nginx limit_req on the location).")
}

/// Subjects the forged tokens name, one token each: a server that looks
/// the subject up must know one of them for a forged token to get in.
const SUBJECTS: [&str; 3] = ["1", "admin", "admin@example.com"];

/// Words of a `Location` that lead to signing in.
const SIGN_IN: [&str; 8] = [
    "login",
    "signin",
    "sign-in",
    "sign_in",
    "auth",
    "sso",
    "oauth2",
    "authorize",
];

/// How the protected route answered one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Answer {
    /// 2xx: it served the route.
    Served,
    /// 401, 403, or a redirect to a sign-in page.
    Refused,
    /// Anything else (another redirect, 404, 5xx, no answer).
    Other,
}

fn answer(x: &Result<Response, ProbeError>, path: &str) -> Answer {
    let Ok(r) = x else { return Answer::Other };
    match r.status {
        200..=299 => Answer::Served,
        401 | 403 => Answer::Refused,
        300..=399 => {
            // The Location's path, without scheme, host or query.
            let l = r.header("location").unwrap_or("").to_ascii_lowercase();
            let l = l.split(['?', '#']).next().unwrap_or("");
            let l = match l.split_once("://") {
                Some((_, rest)) => rest.find('/').map_or("/", |i| &rest[i..]),
                None => l,
            };
            let same = l.trim_end_matches('/') == path.trim_end_matches('/').to_ascii_lowercase();
            // A sign-in page: a path segment that is one of the words,
            // or starts with login / signin.
            let sign_in = l.split('/').any(|seg| {
                SIGN_IN.contains(&seg) || seg.starts_with("login") || seg.starts_with("signin")
            });
            if !same && sign_in {
                Answer::Refused
            } else {
                Answer::Other
            }
        }
        _ => Answer::Other,
    }
}

/// `verify.authentication` and `verify.authorization` on the protected route.
async fn tokens(
    net: &Net,
    u: &Url,
    protected: &Result<Route, String>,
    now: OffsetDateTime,
    nonce: u64,
) -> Vec<Finding> {
    let (authn, authz) = ("verify.authentication", "verify.authorization");
    let r = match protected {
        Ok(r) => r,
        Err(why) => {
            return vec![
                Finding::new(authn, Outcome::Unknown, why.clone()),
                Finding::new(authz, Outcome::Unknown, why.clone()),
            ];
        }
    };
    let path = r.path.as_str();
    let bearer = |t: String| format!("Bearer {t}");
    // A key no server has: what a refused signature looks like here.
    let random_key = format!("harden-random-{nonce:016x}-{:016x}", nonce.rotate_left(17));
    let control = bearer(token(Some(random_key.as_bytes()), "1", now));
    let forged: Vec<String> = SUBJECTS
        .iter()
        .map(|s| bearer(token(Some(DEFAULT_SECRET_KEY.as_bytes()), s, now)))
        .collect();
    let unsigned: Vec<String> = SUBJECTS
        .iter()
        .map(|s| bearer(token(None, s, now)))
        .collect();
    let get = |auth: Option<String>| async move {
        let h: Vec<(&str, &str)> = auth
            .as_deref()
            .map(|a| vec![("Authorization", a)])
            .unwrap_or_default();
        send(net, u, "GET", path, &h, &[]).await
    };
    let (bare, malformed, control, forged, unsigned) = tokio::join!(
        get(None),
        get(Some("Bearer harden.not-a.token".into())),
        get(Some(control)),
        futures_util::future::join_all(forged.into_iter().map(|t| get(Some(t)))),
        futures_util::future::join_all(unsigned.into_iter().map(|t| get(Some(t)))),
    );
    let from = format!("(route from {})", r.from);
    let line = |x: &Result<Response, ProbeError>, what: &str| {
        let to = x
            .as_ref()
            .ok()
            .filter(|r| (300..400).contains(&r.status))
            .and_then(|r| r.header("location"))
            .map(|l| format!(" to {}", crate::util::redact::redact(l)))
            .unwrap_or_default();
        format!("{}{to} {what}", shown("GET", path, x))
    };
    let a_requests = [
        line(&bare, "without a token"),
        line(&malformed, "with a malformed token"),
    ]
    .join(", ");
    let mut z_lines = vec![line(&control, "with a token signed with a random key")];
    for (s, x) in SUBJECTS.iter().zip(&forged) {
        z_lines.push(line(
            x,
            &format!("with a token for {s} signed with the default SECRET_KEY"),
        ));
    }
    for (s, x) in SUBJECTS.iter().zip(&unsigned) {
        z_lines.push(line(x, &format!("with an alg:none token for {s}")));
    }
    let z_requests = z_lines.join(", ");
    let (a_bare, a_malformed) = (answer(&bare, path), answer(&malformed, path));
    let not_found = bare.as_ref().is_ok_and(|r| r.status == 404);
    let authentication = if not_found {
        Finding::new(
            authn,
            Outcome::Unknown,
            format!(
                "{a_requests} {from}: not the protected route; give the right one with --protected-path"
            ),
        )
    } else if a_bare == Answer::Served || a_malformed == Answer::Served {
        Finding::new(
            authn,
            Outcome::Fail,
            format!("{a_requests} {from}: the route answers without a valid token; {CRITICAL_NOTE}"),
        )
        .fix("Make the route depend on the token check (Depends(get_current_user)) and answer 401 without a valid token.")
    } else if a_bare == Answer::Refused && a_malformed == Answer::Refused {
        Finding::new(authn, Outcome::Pass, format!("{a_requests} {from}"))
    } else {
        Finding::new(
            authn,
            Outcome::Unknown,
            format!(
                "{a_requests} {from}: neither 401/403 nor a redirect to a sign-in page; harden follows no redirect, so give the final path with --protected-path"
            ),
        )
    };
    let served = |v: &[Result<Response, ProbeError>]| -> Vec<&str> {
        SUBJECTS
            .iter()
            .zip(v)
            .filter(|(_, x)| answer(x, path) == Answer::Served)
            .map(|(s, _)| *s)
            .collect()
    };
    let (by_key, by_none) = (served(&forged), served(&unsigned));
    // Status and Location of an answer: a forged token answered other
    // than the random-key one got somewhere the control did not.
    let shape = |x: &Result<Response, ProbeError>| {
        x.as_ref()
            .ok()
            .map(|r| (r.status, r.header("location").map(str::to_string)))
    };
    let like_control = forged
        .iter()
        .chain(&unsigned)
        .all(|x| shape(x) == shape(&control));
    let all_refused = answer(&control, path) == Answer::Refused
        && like_control
        && forged
            .iter()
            .chain(&unsigned)
            .all(|x| answer(x, path) == Answer::Refused);
    let authorization = if not_found || a_bare != Answer::Refused {
        Finding::new(
            authz,
            Outcome::Unknown,
            format!(
                "{z_requests} {from}: the route does not refuse a request without a token, so forged tokens prove nothing"
            ),
        )
    } else if answer(&control, path) == Answer::Served {
        Finding::new(
            authz,
            Outcome::Fail,
            format!("{z_requests} {from}: the server accepts a token signed with a random key: it does not check signatures; {CRITICAL_NOTE}"),
        )
        .fix("Decode tokens with the server's key and algorithms=[\"HS256\"]; never decode without verifying the signature.")
    } else if !by_key.is_empty() || !by_none.is_empty() {
        let mut which = Vec::new();
        if !by_key.is_empty() {
            which.push(format!(
                "tokens signed with the checklist's default SECRET_KEY (for {})",
                by_key.join(", ")
            ));
        }
        if !by_none.is_empty() {
            which.push(format!(
                "unsigned alg:none tokens (for {})",
                by_none.join(", ")
            ));
        }
        Finding::new(
            authz,
            Outcome::Fail,
            format!(
                "{z_requests} {from}: the server accepts {}: anyone can act as any user; {CRITICAL_NOTE}",
                which.join(" and ")
            ),
        )
        .fix("Set a random SECRET_KEY (and JWT_SECRET_KEY) of at least 32 bytes, restart, and decode tokens with algorithms=[\"HS256\"] only.")
    } else if all_refused {
        Finding::new(
            authz,
            Outcome::Pass,
            format!(
                "{z_requests} {from}; a server that looks the subject up and has none of these users refuses the same way, so env.secret_key_not_default judges the key itself"
            ),
        )
    } else if !like_control {
        Finding::new(
            authz,
            Outcome::Unknown,
            format!(
                "{z_requests} {from}: a forged token was answered otherwise than a token signed with a random key, so the server may take it; look at the route with one by hand"
            ),
        )
    } else {
        Finding::new(authz, Outcome::Unknown, format!("{z_requests} {from}"))
    };
    vec![authentication, authorization]
}

/// Every active check on one URL.
pub async fn verify(net: &Net, plan: &Plan, now: OffsetDateTime, nonce: u64) -> Vec<Finding> {
    let u = &plan.url;
    let (h, c, auth) = tokio::join!(
        https(net, u),
        cors(net, u, &plan.origins, nonce),
        tokens(net, u, &plan.protected, now, nonce),
    );
    // The burst goes last and alone, so the other requests do not count
    // toward the limit it looks for.
    let rl = rate_limiting(net, u, &plan.login, nonce).await;
    let mut out = vec![h, c, rl];
    out.extend(auth);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forged_tokens_are_well_formed() {
        let now = OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap();
        let t = token(Some(DEFAULT_SECRET_KEY.as_bytes()), "1", now);
        let parts: Vec<&str> = t.split('.').collect();
        assert_eq!(parts.len(), 3);
        let header = URL_SAFE_NO_PAD.decode(parts[0]).unwrap();
        assert_eq!(header, br#"{"alg":"HS256","typ":"JWT"}"#);
        let claims: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
        assert_eq!(claims["exp"], 1_700_000_900);
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(DEFAULT_SECRET_KEY.as_bytes()).unwrap();
        mac.update(format!("{}.{}", parts[0], parts[1]).as_bytes());
        mac.verify_slice(&URL_SAFE_NO_PAD.decode(parts[2]).unwrap())
            .unwrap();
        let none = token(None, "admin", now);
        assert!(none.ends_with('.'), "{none}");
        assert_eq!(
            URL_SAFE_NO_PAD
                .decode(none.split('.').next().unwrap())
                .unwrap(),
            br#"{"alg":"none","typ":"JWT"}"#
        );
    }

    #[test]
    fn a_plan_takes_the_flags_over_the_code() {
        let u = Url::parse("https://api.example.com/").unwrap();
        let found = ActiveRoutes {
            login: Some(Route {
                method: "POST".into(),
                path: "/auth/token".into(),
                from: "app/auth.py:3".into(),
                form: true,
            }),
            protected: None,
            note: None,
        };
        let p = &plans(std::slice::from_ref(&u), &found, None, Some("/me"))[0];
        assert_eq!(p.login.as_ref().unwrap().path, "/auth/token");
        assert_eq!(p.protected.as_ref().unwrap().from, "--protected-path");
        let lines = describe(p, 7);
        assert!(lines.iter().any(|l| l.starts_with("verify.rate_limiting: up to 30 × POST https://api.example.com/auth/token (from app/auth.py:3), a made-up user and password as a form")), "{lines:?}");
        let p = &plans(&[u], &ActiveRoutes::default(), None, None)[0];
        assert!(p.login.as_ref().unwrap_err().contains("--login-path"));
    }
}
