//! Live probes against real servers on loopback, started by the tests: an
//! in-process TLS site (valid, expired, soon-expiring, wrong-host and
//! self-signed certificates; good and bad behaviour), redis-server with and
//! without a password and with AOF, a PostgreSQL SSLRequest responder, a
//! black hole and a garbage speaker. Each asserts the exact outcome of
//! every item.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use Outcome::*;
use common::servers::{self, CertKind, Cors, HOST, Plain, Site};
use harden::detect::probe::net::ConnectTo;
use harden::detect::{self, Detector, Inputs, Outcome};

fn inputs(project: &Path) -> Inputs {
    let mut i = Inputs::new(project);
    i.loopback_only = true;
    i.probe_deadline = Duration::from_secs(2);
    i
}

fn map(host_port: u16, to: u16) -> ConnectTo {
    map_host(HOST, host_port, to)
}

fn map_host(host: &str, host_port: u16, to: u16) -> ConnectTo {
    ConnectTo {
        host: host.into(),
        port: host_port,
        addr: "127.0.0.1".into(),
        port2: to,
    }
}

async fn web(site: Site, kind: CertKind, env: &str) -> BTreeMap<String, (Outcome, String)> {
    web_trusting(site, kind, env, false).await
}

/// As [`web`]; with `trust_leaf`, `--ca-file` names the served leaf itself
/// instead of the test CA.
async fn web_trusting(
    site: Site,
    kind: CertKind,
    env: &str,
    trust_leaf: bool,
) -> BTreeMap<String, (Outcome, String)> {
    let certs = servers::certs(kind);
    let running = servers::serve(&certs, site).await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".env"), env).unwrap();
    let mut i = inputs(dir.path());
    i.urls = vec![format!("https://{HOST}")];
    i.connect_to = vec![
        map(443, running.https),
        map(80, running.http),
        map_host(servers::FRONT, 443, running.https),
        map_host(servers::FRONT, 80, running.http),
    ];
    i.ca_file = Some(if trust_leaf {
        certs.cert_pem.clone()
    } else {
        certs.ca_pem.clone()
    });
    let r = detect::run_one(Detector::Web, Arc::new(i)).await;
    r.findings
        .into_iter()
        .map(|f| (f.item, (f.outcome, f.evidence)))
        .collect()
}

fn check(found: &BTreeMap<String, (Outcome, String)>, expected: &[(&str, Outcome)]) {
    let wrong: Vec<String> = expected
        .iter()
        .filter(|(id, o)| found.get(*id).map(|f| f.0) != Some(*o))
        .map(|(id, o)| format!("{id}: want {o:?}, got {:?}", found.get(*id)))
        .collect();
    assert!(wrong.is_empty(), "{wrong:#?}");
    assert_eq!(found.len(), expected.len(), "{found:#?}");
}

const PRODUCTION_ENV: &str = "ALLOWED_HOSTS=https://app.example.com\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_well_configured_site_passes_every_web_item() {
    let f = web(Site::good(), CertKind::Valid, PRODUCTION_ENV).await;
    let all: Vec<(&str, Outcome)> = detect::probe::web::ITEMS
        .iter()
        .map(|id| (*id, Pass))
        .collect();
    check(&f, &all);
    assert!(
        f["tls.cert_valid"].1.contains("issuer CN=harden test CA"),
        "{}",
        f["tls.cert_valid"].1
    );
    assert!(
        f["tls.cert_valid"]
            .1
            .contains("SANs api.example.com, app.example.com")
    );
    // ALLOWED_HOSTS names a front end (app.example.com, routed to the same
    // loopback server): it is a CORS origin, never a host harden dials.
    assert!(
        !f["tls.cert_valid"].1.contains("app.example.com: "),
        "{}",
        f["tls.cert_valid"].1
    );
    let dialled = harden::detect::probe::net::connections();
    assert!(
        dialled.iter().all(|c| c.host != servers::FRONT),
        "{dialled:#?}"
    );
    assert!(
        dialled
            .iter()
            .any(|c| c.host == HOST && c.transport == "TLS, certificate verified"),
        "{dialled:#?}"
    );
    assert!(f["tls.protocols"].1.contains("TLS 1.3"));
    assert!(
        f["tls.https_redirect"]
            .1
            .contains("308 → https://api.example.com/")
    );
    assert!(
        f["cors.preflight"]
            .1
            .contains("1 production origins allowed"),
        "{}",
        f["cors.preflight"].1
    );
    assert!(
        f["headers.xss_protection"]
            .1
            .contains("OWASP guidance is 0")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_badly_configured_site_fails_where_it_should() {
    let f = web(Site::bad(), CertKind::Expired, PRODUCTION_ENV).await;
    check(
        &f,
        &[
            ("tls.cert_valid", Fail),
            ("tls.cert_expiry", Fail),
            ("tls.protocols", Pass),
            ("tls.ciphers", Pass),
            ("tls.https_redirect", Fail),
            ("tls.hsts", Fail),
            ("tls.hsts_max_age", Fail),
            ("tls.hsts_include_subdomains", Fail),
            ("tls.hsts_preload", Warn),
            ("headers.present", Fail),
            ("headers.nosniff", Fail),
            ("headers.frame_options", Fail),
            ("headers.xss_protection", Warn),
            ("headers.hsts", Fail),
            ("headers.csp", Fail),
            ("headers.csp_reporting", Fail),
            ("headers.cookies", Fail),
            ("api.docs_hidden", Warn),
            ("cors.preflight", Fail),
            ("rate_limit.headers", Fail),
            ("incident.security_txt", Fail),
        ],
    );
    assert!(
        f["tls.cert_valid"].1.starts_with("expired: subject"),
        "{}",
        f["tls.cert_valid"].1
    );
    assert!(f["tls.cert_expiry"].1.contains("expired on"));
    assert!(
        f["headers.present"]
            .1
            .contains("version leaks: server: nginx/1.22.1, x-powered-by: FastAPI"),
        "{}",
        f["headers.present"].1
    );
    assert!(f["cors.preflight"].1.contains("Allow-Credentials: true"));
    assert!(f["cors.preflight"].1.contains(".invalid"));
    assert_eq!(
        f["headers.cookies"].1,
        "cookies session (on GET /): no Secure, no HttpOnly, no SameSite"
    );
    assert!(
        f["api.docs_hidden"]
            .1
            .starts_with("/docs, /redoc, /openapi.json answer 200")
    );
    assert!(
        f["headers.present"].1.contains("no Cache-Control"),
        "{}",
        f["headers.present"].1
    );
    assert!(
        f["tls.hsts"]
            .1
            .contains("no Strict-Transport-Security header"),
        "{}",
        f["tls.hsts"].1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn certificates_wrong_host_self_signed_and_expiring() {
    let f = web(Site::good(), CertKind::WrongHost, "").await;
    assert_eq!(f["tls.cert_valid"].0, Fail);
    assert!(
        f["tls.cert_valid"]
            .1
            .contains("no name in the certificate matches"),
        "{}",
        f["tls.cert_valid"].1
    );
    assert!(f["tls.cert_valid"].1.contains("SANs other.example.org"));
    assert_eq!(f["tls.cert_expiry"].0, Pass);

    let f = web(Site::good(), CertKind::SelfSigned, "").await;
    assert_eq!(f["tls.cert_valid"].0, Fail);
    assert!(
        f["tls.cert_valid"]
            .1
            .starts_with("self-signed: no CA vouches for it (untrusted"),
        "{}",
        f["tls.cert_valid"].1
    );

    let f = web(Site::good(), CertKind::ExpiringSoon, "").await;
    assert_eq!(f["tls.cert_valid"].0, Pass);
    assert_eq!(f["tls.cert_expiry"].0, Warn);
    assert!(
        f["tls.cert_expiry"].1.contains("days left, under 30"),
        "{}",
        f["tls.cert_expiry"].1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cors_star_reflection_and_temporary_redirects() {
    let mut s = Site::good();
    s.cors = Cors::Star;
    s.plain = Plain::Redirect(302);
    let f = web(s, CertKind::Valid, "").await;
    assert_eq!(f["cors.preflight"].0, Warn);
    assert_eq!(f["tls.https_redirect"].0, Warn);
    let mut s = Site::good();
    s.cors = Cors::Reflect;
    let f = web(s, CertKind::Valid, PRODUCTION_ENV).await;
    assert_eq!(f["cors.preflight"].0, Warn, "{}", f["cors.preflight"].1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn swagger_docs_with_a_strict_csp_are_called_out() {
    let mut s = Site::good();
    s.docs = true;
    let f = web(s, CertKind::Valid, "").await;
    assert_eq!(f["headers.csp"].0, Pass);
    assert!(
        f["headers.csp"].1.contains("Swagger UI"),
        "{}",
        f["headers.csp"].1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lookalike_origins_and_unhandled_preflights() {
    // An unanchored allow_origin_regex: anything holding the production
    // host is echoed with credentials; a random origin is not.
    let mut s = Site::good();
    s.cors = Cors::Containing("app.example.com".into());
    let f = web(s, CertKind::Valid, PRODUCTION_ENV).await;
    assert_eq!(f["cors.preflight"].0, Fail, "{}", f["cors.preflight"].1);
    assert!(
        f["cors.preflight"].1.contains("lookalike"),
        "{}",
        f["cors.preflight"].1
    );
    // A server that answers OPTIONS with 405 does not handle preflights.
    let mut s = Site::good();
    s.cors = Cors::NoPreflight(405);
    let f = web(s, CertKind::Valid, "").await;
    assert_eq!(f["cors.preflight"].0, Warn, "{}", f["cors.preflight"].1);
    // An exact list passes.
    let f = web(Site::good(), CertKind::Valid, PRODUCTION_ENV).await;
    assert_eq!(f["cors.preflight"].0, Pass, "{}", f["cors.preflight"].1);
}

/// Sets one response header of a site, replacing any of that name.
fn with_header(mut s: Site, name: &str, value: Option<&str>) -> Site {
    s.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
    if let Some(v) = value {
        s.headers.push((name.into(), v.into()));
    }
    s
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csp_and_xss_protection_are_judged_by_what_they_enforce() {
    // Report-Only alone: reported, not enforced.
    let s = with_header(Site::good(), "Content-Security-Policy", None);
    let s = with_header(
        s,
        "Content-Security-Policy-Report-Only",
        Some("default-src 'self'"),
    );
    let f = web(s, CertKind::Valid, "").await;
    assert_eq!(f["headers.csp"].0, Fail, "{}", f["headers.csp"].1);
    assert!(f["headers.csp"].1.contains("not enforced"));
    // 'self' beside unsafe script sources warns; 'none' passes.
    let s = with_header(
        Site::good(),
        "Content-Security-Policy",
        Some("default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'"),
    );
    let f = web(s, CertKind::Valid, "").await;
    assert_eq!(f["headers.csp"].0, Warn, "{}", f["headers.csp"].1);
    let s = with_header(
        Site::good(),
        "Content-Security-Policy",
        Some("default-src 'none'; frame-ancestors 'none'"),
    );
    let f = web(s, CertKind::Valid, "").await;
    assert_eq!(f["headers.csp"].0, Pass, "{}", f["headers.csp"].1);
    // X-XSS-Protection: 0 is OWASP's advice; absent warns.
    let s = with_header(Site::good(), "X-XSS-Protection", Some("0"));
    let f = web(s, CertKind::Valid, "").await;
    assert_eq!(f["headers.xss_protection"].0, Pass);
    let s = with_header(Site::good(), "X-XSS-Protection", None);
    let f = web(s, CertKind::Valid, "").await;
    assert_eq!(f["headers.xss_protection"].0, Warn);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_black_hole_and_a_garbage_server_end_unknown_within_the_deadline() {
    let (hole, _t) = servers::black_hole().await;
    let (junk, _t2) = servers::speaker(b"\x16\x03\x01garbage that is not TLS at all\r\n\r\n").await;
    for port in [hole, junk] {
        let dir = tempfile::tempdir().unwrap();
        let mut i = inputs(dir.path());
        i.urls = vec![format!("https://{HOST}")];
        i.connect_to = vec![map(443, port), map(80, port)];
        let t = Instant::now();
        let r = detect::run_one(Detector::Web, Arc::new(i)).await;
        assert!(
            t.elapsed() < Duration::from_secs(5),
            "took {:?}",
            t.elapsed()
        );
        for f in &r.findings {
            assert_eq!(f.outcome, Unknown, "{}: {}", f.item, f.evidence);
        }
        assert_eq!(r.findings.len(), detect::probe::web::ITEMS.len());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_to_probe_or_offline_is_skipped_never_pass() {
    let dir = tempfile::tempdir().unwrap();
    for d in [Detector::Web, Detector::Redis, Detector::Postgres] {
        let r = detect::run_one(d, Arc::new(inputs(dir.path()))).await;
        assert!(
            r.findings.iter().all(|f| f.outcome == Skipped),
            "{:?}",
            r.findings
        );
    }
    let mut i = inputs(dir.path());
    i.offline = true;
    i.urls = vec![format!("https://{HOST}")];
    for d in [Detector::Web, Detector::Ports] {
        let r = detect::run_one(d, Arc::new(i.clone())).await;
        assert!(
            r.findings
                .iter()
                .all(|f| f.outcome == Skipped && f.evidence.contains("offline"))
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn loopback_only_refuses_other_destinations() {
    let dir = tempfile::tempdir().unwrap();
    let mut i = inputs(dir.path());
    i.urls = vec!["https://api.example.com".into()];
    let r = detect::run_one(Detector::Web, Arc::new(i)).await;
    assert!(
        r.findings
            .iter()
            .all(|f| f.outcome == Unknown && f.evidence.contains("not loopback"))
    );
}

async fn postgres(reply: &'static [u8]) -> (Outcome, String) {
    let (port, _t) = servers::speaker(reply).await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(".env"),
        format!("DATABASE_URL=postgresql://app:pw@127.0.0.1:{port}/db\n"),
    )
    .unwrap();
    let r = detect::run_one(Detector::Postgres, Arc::new(inputs(dir.path()))).await;
    (r.findings[0].outcome, r.findings[0].evidence.clone())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_ssl_request_answers() {
    assert_eq!(postgres(b"S").await.0, Pass);
    let (o, e) = postgres(b"N").await;
    assert_eq!(o, Fail);
    assert!(e.contains("refuses TLS"), "{e}");
    assert_eq!(
        postgres(b"HTTP/1.1 400 Bad Request\r\n\r\n").await.0,
        Unknown
    );
    let (port, _t) = servers::black_hole().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(".env"),
        format!("DATABASE_URL=postgresql://127.0.0.1:{port}/db\n"),
    )
    .unwrap();
    let t = Instant::now();
    let r = detect::run_one(Detector::Postgres, Arc::new(inputs(dir.path()))).await;
    assert_eq!(r.findings[0].outcome, Unknown);
    assert!(t.elapsed() < Duration::from_secs(4));
}

/// Issue 14: "connection refused" showed FAIL with the raw error and no
/// fix. It says in words what it means and what to do, and every fail or
/// warn of a probe carries a fix line.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_postgres_is_explained_with_a_fix() {
    let port = servers::free_port();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(".env"),
        format!("DATABASE_URL=postgresql://app:pw@127.0.0.1:{port}/db\n"),
    )
    .unwrap();
    let r = detect::run_one(Detector::Postgres, Arc::new(inputs(dir.path()))).await;
    let f = &r.findings[0];
    assert_eq!(f.outcome, Fail);
    assert!(
        f.evidence.contains("PostgreSQL is not running there") && !f.evidence.contains("os error"),
        "{}",
        f.evidence
    );
    assert!(f.remediation.contains("DATABASE_URL"), "{}", f.remediation);
    let (port, _t) = servers::speaker(b"N").await;
    std::fs::write(
        dir.path().join(".env"),
        format!("DATABASE_URL=postgresql://app:pw@127.0.0.1:{port}/db\n"),
    )
    .unwrap();
    let r = detect::run_one(Detector::Postgres, Arc::new(inputs(dir.path()))).await;
    assert_eq!(r.findings[0].outcome, Fail);
    assert!(!r.findings[0].remediation.is_empty(), "{:?}", r.findings[0]);
}

use servers::redis;

async fn redis_probe(url: &str) -> BTreeMap<String, (Outcome, String)> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".env"), format!("REDIS_URL={url}\n")).unwrap();
    let r = detect::run_one(Detector::Redis, Arc::new(inputs(dir.path()))).await;
    r.findings
        .into_iter()
        .map(|f| (f.item, (f.outcome, f.evidence)))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_without_a_password() {
    let r = redis("");
    let f = redis_probe(&format!("redis://127.0.0.1:{}/0", r.port)).await;
    check(
        &f,
        &[
            ("rate_limit.redis_reachable", Pass),
            ("rate_limit.redis_auth", Fail),
            ("rate_limit.redis_persistence", Fail),
        ],
    );
    assert!(
        f["rate_limit.redis_auth"]
            .1
            .contains("PONG without a password")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_with_requirepass_and_aof() {
    let r = redis("requirepass Zq8vP2kLm4Xw9Rt6\nappendonly yes\n");
    let f = redis_probe(&format!("redis://:Zq8vP2kLm4Xw9Rt6@127.0.0.1:{}/0", r.port)).await;
    check(
        &f,
        &[
            ("rate_limit.redis_reachable", Pass),
            ("rate_limit.redis_auth", Pass),
            ("rate_limit.redis_persistence", Pass),
        ],
    );
    assert!(f["rate_limit.redis_persistence"].1.contains("AOF"));
    for (_, e) in f.values() {
        assert!(!e.contains("Zq8vP2kLm4Xw9Rt6"), "the password leaked: {e}");
    }
    // A wrong password, and no password at all.
    let f = redis_probe(&format!("redis://:wrong@127.0.0.1:{}/0", r.port)).await;
    assert_eq!(f["rate_limit.redis_reachable"].0, Fail);
    assert_eq!(f["rate_limit.redis_auth"].0, Pass);
    let f = redis_probe(&format!("redis://127.0.0.1:{}/0", r.port)).await;
    assert_eq!(f["rate_limit.redis_persistence"].0, Unknown);
    // The server requires a password the URL does not carry: the app
    // cannot authenticate, whatever "answers RESP" says.
    assert_eq!(
        f["rate_limit.redis_reachable"].0, Fail,
        "{}",
        f["rate_limit.redis_reachable"].1
    );
    assert!(f["rate_limit.redis_reachable"].1.contains("carries none"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_rdb_snapshots_and_an_acl_that_refuses() {
    let r =
        redis("save 3600 1\nuser default off\nuser app on >Ap9xQ2vL7mKw3Rz8 ~* +@all -config\n");
    let f = redis_probe(&format!(
        "redis://app:Ap9xQ2vL7mKw3Rz8@127.0.0.1:{}/0",
        r.port
    ))
    .await;
    assert_eq!(
        f["rate_limit.redis_auth"].0, Pass,
        "{:?}",
        f["rate_limit.redis_auth"]
    );
    assert_eq!(
        f["rate_limit.redis_reachable"].0, Pass,
        "{:?}",
        f["rate_limit.redis_reachable"]
    );
    assert_eq!(
        f["rate_limit.redis_persistence"].0, Unknown,
        "{:?}",
        f["rate_limit.redis_persistence"]
    );
    assert!(f["rate_limit.redis_persistence"].1.contains("refused"));
    let r = redis("save 3600 1\n");
    let f = redis_probe(&format!("redis://127.0.0.1:{}/0", r.port)).await;
    assert_eq!(f["rate_limit.redis_persistence"].0, Pass);
    assert!(
        f["rate_limit.redis_persistence"]
            .1
            .contains("RDB snapshots (save 3600 1")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_garbage_endless_bulk_and_silence_are_unknown() {
    let (junk, _a) = servers::speaker(b"HTTP/1.1 400 Bad Request\r\n\r\n").await;
    let (endless, _b) = servers::speaker(b"$999999999999\r\nAAAA").await;
    let (hole, _c) = servers::black_hole().await;
    let refused = servers::free_port();
    for (port, want) in [
        (junk, Unknown),
        (endless, Unknown),
        (hole, Unknown),
        (refused, Fail),
    ] {
        let t = Instant::now();
        let f = redis_probe(&format!("redis://127.0.0.1:{port}/0")).await;
        assert!(
            t.elapsed() < Duration::from_secs(8),
            "took {:?}",
            t.elapsed()
        );
        assert_eq!(f["rate_limit.redis_reachable"].0, want, "{port}: {:?}", f);
        assert_eq!(f["rate_limit.redis_persistence"].0, Unknown);
    }
}

/// The failed AUTH attempts a Redis saw (ACL LOG), read on its plain port.
fn failed_auths(port: u16, password: &str) -> String {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(3))).unwrap();
    write!(s, "AUTH {password}\r\nACL LOG\r\n").unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let mut buf = vec![0u8; 65536];
    let n = s.read(&mut buf).unwrap_or(0);
    String::from_utf8_lossy(&buf[..n]).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rediss_with_an_unverified_certificate_gets_no_credential() {
    let certs = servers::certs(CertKind::Valid);
    let tls_port = servers::free_port();
    let r = redis(&format!(
        "tls-port {tls_port}\ntls-cert-file {}\ntls-key-file {}\ntls-auth-clients no\nrequirepass right-password-123",
        certs.cert_pem.display(),
        certs.key_pem.display()
    ));
    let dir = tempfile::tempdir().unwrap();
    // A wrong password: if it were sent, the server's ACL LOG would show it.
    std::fs::write(
        dir.path().join(".env"),
        format!("REDIS_URL=rediss://:wrong-password-456@{HOST}:6380/0\n"),
    )
    .unwrap();
    let mut i = inputs(dir.path());
    i.connect_to = vec![map(6380, tls_port)];
    // Not trusted (no --ca-file): nothing is sent.
    let f: BTreeMap<String, (Outcome, String)> =
        detect::run_one(Detector::Redis, Arc::new(i.clone()))
            .await
            .findings
            .into_iter()
            .map(|f| (f.item, (f.outcome, f.evidence)))
            .collect();
    let reach = &f["rate_limit.redis_reachable"];
    assert_eq!(reach.0, Unknown, "{reach:?}");
    assert!(
        reach
            .1
            .contains("credentials were not sent because its TLS certificate is"),
        "{}",
        reach.1
    );
    let log = failed_auths(r.port, "right-password-123");
    assert!(
        !log.contains("wrong-password") && !log.contains("auth"),
        "AUTH was sent: {log}"
    );
    // Trusted (--ca-file): the credentials go, and the server saw them.
    i.ca_file = Some(certs.ca_pem.clone());
    let f = detect::run_one(Detector::Redis, Arc::new(i)).await;
    let reach = f
        .findings
        .iter()
        .find(|f| f.item == "rate_limit.redis_reachable")
        .unwrap();
    assert_eq!(reach.outcome, Fail, "{}", reach.evidence);
    assert!(
        reach.evidence.contains("refuses REDIS_URL's credentials"),
        "{}",
        reach.evidence
    );
    let log = failed_auths(r.port, "right-password-123");
    assert!(
        log.contains("auth"),
        "the control: a verified connection sends AUTH: {log}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_probes_names_every_target_and_dials_none() {
    use std::net::TcpListener;
    // Listeners that count every connection.
    let listeners: Vec<TcpListener> = (0..3)
        .map(|_| TcpListener::bind("127.0.0.1:0").unwrap())
        .collect();
    for l in &listeners {
        l.set_nonblocking(true).unwrap();
    }
    let ports: Vec<u16> = listeners
        .iter()
        .map(|l| l.local_addr().unwrap().port())
        .collect();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(".env"),
        format!(
            "REDIS_URL=redis://:pw-not-shown-789@127.0.0.1:{}/0\nDATABASE_URL=postgresql://u:pw-not-shown-789@127.0.0.1:{}/db\nALLOWED_HOSTS=https://front.example.com\n",
            ports[0], ports[1]
        ),
    )
    .unwrap();
    std::fs::write(dir.path().join("requirements.txt"), "fastapi>=0.100\n").unwrap();
    let o = common::run(
        common::harden()
            .args(["check", "--list-probes", "--project"])
            .arg(dir.path())
            .args(["--url", &format!("https://{HOST}:{}", ports[2])])
            .args([
                "--connect-to",
                &format!("{HOST}:{}:127.0.0.1:{}", ports[2], ports[2]),
            ])
            .env("HARDEN_LOOPBACK_ONLY", "1"),
    );
    let out = o.stdout.as_str();
    assert!((o.code == 0), "{out}{}", o.stderr.as_str());
    for needle in [
        format!("127.0.0.1:{} ", ports[0]),
        format!("127.0.0.1:{} ", ports[1]),
        format!("{HOST}:{} (dialled as 127.0.0.1:{})", ports[2], ports[2]),
        "Redis: PING".to_string(),
        "PostgreSQL: SSLRequest".to_string(),
        "pip-audit: not run: requirements.txt:1 `fastapi>=0.100` is not pinned".to_string(),
    ] {
        assert!(out.contains(&needle), "{needle}: {out}");
    }
    assert!(
        !out.contains("front.example.com"),
        "an origin is not a target: {out}"
    );
    assert!(!out.contains("pw-not-shown"), "{out}");
    for l in &listeners {
        assert!(
            l.accept().is_err(),
            "--list-probes dialled {:?}",
            l.local_addr()
        );
    }
}

/// rustls's reasons in plain words: a missing intermediate is named as
/// such, a CA certificate served as the leaf is called one, and a
/// self-signed leaf trusted only through --ca-file is a warning.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chain_problems_are_told_in_plain_words() {
    let f = web(Site::good(), CertKind::NoIntermediate, "").await;
    let (o, e) = &f["tls.cert_valid"];
    assert_eq!(*o, Fail, "{e}");
    assert!(
        e.starts_with("intermediate certificate not sent: the server sends 1 certificate(s) and none is the leaf's issuer (CN=harden test intermediate)"),
        "{e}"
    );
    let f = web(Site::good(), CertKind::CaAsLeaf, "").await;
    let (o, e) = &f["tls.cert_valid"];
    assert_eq!(*o, Fail, "{e}");
    assert!(
        e.starts_with("the server presents a CA certificate as its own"),
        "{e}"
    );
    assert!(!e.contains("OtherError"), "{e}");
    let f = web_trusting(Site::good(), CertKind::SelfSigned, "", true).await;
    let (o, e) = &f["tls.cert_valid"];
    assert_eq!(*o, Warn, "{e}");
    assert!(
        e.starts_with("self-signed, trusted here only because --ca-file names it"),
        "{e}"
    );
    assert!(e.contains("EC 256 bits key"), "{e}");
}

/// The ports check names a service by the process that holds the socket:
/// a real redis-server on a random loopback port (not 6379, and no
/// REDIS_URL names it) is found through /proc/PID/fd and passes, named
/// with its pid.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_listening_redis_is_found_by_its_process_not_its_port() {
    let redis = servers::redis("");
    let dir = tempfile::tempdir().unwrap();
    let r = detect::run_one(Detector::Ports, Arc::new(inputs(dir.path()))).await;
    let f = r
        .findings
        .iter()
        .find(|f| f.item == "network.redis_not_public")
        .unwrap();
    let me = format!(
        "127.0.0.1:{} (redis-server, pid {})",
        redis.port,
        redis.child.id()
    );
    assert!(f.evidence.contains(&me), "{}", f.evidence);
    assert_eq!(f.outcome, Pass, "{}", f.evidence);
}

/// What the rustls test server staples and the leaf embeds: a must-staple
/// leaf with a stapled response passes and names the response's size; an
/// embedded SCT is counted; a misordered chain warns although rustls
/// itself builds the path.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stapling_scts_and_chain_order_are_in_the_evidence() {
    // Bytes that are no OCSP response: said so, and a warning.
    let f = web(Site::good(), CertKind::MustStapleStapled, "").await;
    let (o, e) = &f["tls.cert_valid"];
    assert_eq!(*o, Warn, "{e}");
    assert!(
        e.contains(
            "; must-staple, and an OCSP response of 46 bytes stapled, which could not be read;"
        ),
        "{e}"
    );
    let f = web(Site::good(), CertKind::MustStaple, "").await;
    let (o, e) = &f["tls.cert_valid"];
    assert_eq!(*o, Fail, "{e}");
    assert!(
        e.contains("must-staple (TLS Feature status_request), but no OCSP response stapled"),
        "{e}"
    );
    let f = web(Site::good(), CertKind::WithSct, "").await;
    let (o, e) = &f["tls.cert_valid"];
    assert_eq!(*o, Pass, "{e}");
    assert!(
        e.contains("Certificate Transparency does not apply (1 SCT(s) in the certificate)"),
        "{e}"
    );
    let f = web(Site::good(), CertKind::Misordered, "").await;
    let (o, e) = &f["tls.cert_valid"];
    assert_eq!(*o, Warn, "{e}");
    assert!(
        e.contains("chain out of order: certificate 2 (CN=harden test CA)"),
        "{e}"
    );
}
