//! One end-to-end probe of a real nginx (Debian's package), started by the
//! test on loopback ports with a certificate of the test CA: redirect,
//! HSTS, security headers, CORS and security.txt as an operator would
//! configure them.

mod common;

use std::sync::Arc;

use common::servers::{self, CertKind};
use harden::detect::{self, Detector, Outcome};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_nginx_configured_by_the_checklist() {
    let certs = servers::certs(CertKind::Valid);
    let nginx = servers::nginx(&certs);
    let (https, http) = (nginx.https, nginx.http);
    let project = tempfile::tempdir().unwrap();
    let i = servers::web_inputs(project.path(), https, http, &certs.ca_pem);
    let r = detect::run_one(Detector::Web, Arc::new(i)).await;
    let f: std::collections::BTreeMap<String, (Outcome, String)> = r
        .findings
        .into_iter()
        .map(|f| (f.item, (f.outcome, f.evidence)))
        .collect();
    use Outcome::*;
    let expected = [
        ("tls.cert_valid", Pass),
        ("tls.cert_expiry", Pass),
        ("tls.protocols", Pass),
        ("tls.https_redirect", Pass),
        ("tls.hsts", Pass),
        ("tls.hsts_max_age", Pass),
        ("tls.hsts_include_subdomains", Pass),
        ("tls.hsts_preload", Warn),
        ("headers.present", Warn),
        ("headers.nosniff", Pass),
        ("headers.frame_options", Pass),
        ("headers.xss_protection", Pass),
        ("headers.hsts", Pass),
        ("headers.csp", Pass),
        ("headers.csp_reporting", Warn),
        ("headers.cookies", Pass),
        ("api.docs_hidden", Pass),
        ("cors.preflight", Pass),
        ("rate_limit.headers", Fail),
        ("incident.security_txt", Pass),
    ];
    let wrong: Vec<String> = expected
        .iter()
        .filter(|(id, o)| f.get(*id).map(|x| x.0) != Some(*o))
        .map(|(id, o)| format!("{id}: want {o:?}, got {:?}", f.get(*id)))
        .collect();
    assert!(wrong.is_empty(), "{wrong:#?}");
    assert_eq!(f.len(), expected.len());
    assert!(
        f["tls.https_redirect"]
            .1
            .contains("308 → https://api.example.com/")
    );
    assert!(f["tls.hsts"].1.contains("max-age=63072000"));
}

/// The same nginx configured as is often found: headers without `always`,
/// a location with an `add_header` of its own, a session cookie without
/// Secure or SameSite, and the OpenAPI schema served. Each header that
/// holds on the page but not on the 404 or the security.txt location is
/// a warning naming where it is missing; the cookie fails without its
/// value shown; the schema is reported.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_careless_nginx_is_caught_on_its_error_pages_cookies_and_schema() {
    let certs = servers::certs(CertKind::Valid);
    let nginx = servers::nginx_with(&certs, servers::NginxConf::Careless);
    let project = tempfile::tempdir().unwrap();
    let i = servers::web_inputs(project.path(), nginx.https, nginx.http, &certs.ca_pem);
    let r = detect::run_one(Detector::Web, Arc::new(i)).await;
    let all = format!("{:?}", r.findings);
    assert!(
        !all.contains(servers::PLANTED_COOKIE),
        "a cookie value reached the findings"
    );
    let f: std::collections::BTreeMap<String, (Outcome, String)> = r
        .findings
        .into_iter()
        .map(|f| (f.item, (f.outcome, f.evidence)))
        .collect();
    use Outcome::*;
    for id in [
        "headers.nosniff",
        "headers.frame_options",
        "headers.hsts",
        "tls.hsts",
        "headers.csp",
    ] {
        let (o, e) = &f[id];
        assert_eq!(*o, Warn, "{id}: {e}");
        assert!(e.contains("not on the 404 for /harden-probe-"), "{id}: {e}");
        assert!(e.contains("200 /.well-known/security.txt"), "{id}: {e}");
    }
    let (o, e) = &f["headers.cookies"];
    assert_eq!(*o, Fail, "{e}");
    assert!(
        e.contains("session (on GET /): no Secure, no SameSite"),
        "{e}"
    );
    let (o, e) = &f["api.docs_hidden"];
    assert_eq!(*o, Warn, "{e}");
    assert!(e.starts_with("/openapi.json answer 200"), "{e}");
}
