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
