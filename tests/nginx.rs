//! One end-to-end probe of a real nginx (Debian's package), started by the
//! test on loopback ports with a certificate of the test CA: redirect,
//! HSTS, security headers, CORS and security.txt as an operator would
//! configure them.

mod common;

use std::sync::Arc;

use common::servers::{self, CertKind};
use harden::detect::{self, Detector, Finding, Outcome};

/// The web probe's findings against `nginx` (project empty, the test CA
/// trusted).
async fn web(nginx: &servers::Nginx, ca: &std::path::Path) -> Vec<Finding> {
    let project = tempfile::tempdir().unwrap();
    let i = servers::web_inputs(project.path(), nginx.https, nginx.http, ca);
    detect::run_one(Detector::Web, Arc::new(i)).await.findings
}

/// Findings by item: (outcome, evidence).
fn by_item(v: Vec<Finding>) -> std::collections::BTreeMap<String, (Outcome, String)> {
    v.into_iter()
        .map(|f| (f.item, (f.outcome, f.evidence)))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_nginx_configured_by_the_checklist() {
    let certs = servers::certs(CertKind::Valid);
    let nginx = servers::nginx(&certs);
    let findings = web(&nginx, &certs.ca_pem).await;
    let f = by_item(findings);
    use Outcome::*;
    let expected = [
        ("tls.cert_valid", Pass),
        ("tls.cert_expiry", Pass),
        ("tls.protocols", Pass),
        ("tls.ciphers", Pass),
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
    let findings = web(&nginx, &certs.ca_pem).await;
    let all = format!("{findings:?}");
    assert!(
        !all.contains(servers::PLANTED_COOKIE),
        "a cookie value reached the findings"
    );
    // One finding per item: with several URLs the first copy of an item
    // is the one merged, so a second, different copy would be lost.
    for id in detect::probe::web::ITEMS {
        let n = findings.iter().filter(|f| f.item == *id).count();
        assert_eq!(n, 1, "{id} reported {n} times");
    }
    let f = by_item(findings);
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
    // nginx's default suites (HIGH:!aNULL:!MD5) keep CBC with SHA-1.
    let (o, e) = &f["tls.ciphers"];
    assert_eq!(*o, Fail, "{e}");
    assert!(e.contains("CBC with SHA-1 (ECDHE-ECDSA-AES"), "{e}");
    assert!(e.contains("-SHA at TLS 1.2)"), "{e}");
}

/// TLS 1.0 and 1.1 still on beside 1.2: the modern handshake succeeds,
/// and the raw hellos fail tls.protocols naming each old version.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn old_versions_beside_tls12_fail_protocols() {
    let certs = servers::certs(CertKind::Valid);
    let nginx = servers::nginx_with(&certs, servers::NginxConf::OldBeside12);
    let f = by_item(web(&nginx, &certs.ca_pem).await);
    let (o, e) = &f["tls.protocols"];
    assert_eq!(*o, Outcome::Fail, "{e}");
    assert!(e.starts_with("HTTPS answers; negotiated TLS 1.2"), "{e}");
    assert!(e.contains("also accepts TLS 1.0 ("), "{e}");
    assert!(e.contains("TLS 1.1 ("), "{e}");
    assert_eq!(
        f["tls.cert_valid"].0,
        Outcome::Pass,
        "{:?}",
        f["tls.cert_valid"]
    );
}

/// The handshake failures a modern client meets, against a real nginx,
/// told apart by the raw hellos (issue 16): a server that speaks only TLS
/// 1.0 and 1.1 fails tls.protocols naming what it accepts; one whose only
/// suite is AES128-SHA (static RSA, with an RSA certificate) fails both
/// TLS items as accepting nothing modern; one whose only suite cannot
/// work with its ECDSA certificate accepts nothing and stays unknown with
/// the alert named; the other items point to tls.protocols.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn handshake_failures_name_the_alert() {
    let ecdsa = servers::certs(CertKind::Valid);
    let rsa = servers::rsa_certs();
    for (certs, conf, outcome, says, ciphers) in [
        (
            &ecdsa,
            servers::NginxConf::OldProtocols,
            Outcome::Fail,
            "the server offers no TLS 1.2 or 1.3",
            Outcome::Fail,
        ),
        (
            &rsa,
            servers::NginxConf::LegacySuites,
            Outcome::Fail,
            "accepts nothing modern, only static RSA key exchange (no forward secrecy) (AES128-SHA at TLS 1.2)",
            Outcome::Fail,
        ),
        (
            &ecdsa,
            servers::NginxConf::LegacySuites,
            Outcome::Unknown,
            "the server answered handshake_failure: no cipher suite",
            Outcome::Unknown,
        ),
    ] {
        let nginx = servers::nginx_with(certs, conf);
        for f in &web(&nginx, &certs.ca_pem).await {
            if f.item == "tls.protocols" {
                assert_eq!(f.outcome, outcome, "{conf:?}: {}", f.evidence);
                assert!(f.evidence.contains(says), "{conf:?}: {}", f.evidence);
            } else if f.item == "tls.ciphers" {
                assert_eq!(f.outcome, ciphers, "{conf:?}: {}", f.evidence);
            } else {
                assert_eq!(f.outcome, Outcome::Unknown, "{conf:?} {}", f.item);
                assert!(
                    f.evidence.ends_with("tls.protocols says why"),
                    "{conf:?} {}: {}",
                    f.item,
                    f.evidence
                );
            }
        }
    }
}

/// A server that speaks only TLS 1.3 passes both TLS items: it refuses
/// every older hello, and TLS 1.3 has no weak suite.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tls13_only_server_passes_protocols_and_ciphers() {
    let certs = servers::certs(CertKind::Valid);
    let nginx = servers::nginx_with(&certs, servers::NginxConf::Tls13Only);
    let f = by_item(web(&nginx, &certs.ca_pem).await);
    let (o, e) = &f["tls.protocols"];
    assert_eq!(*o, Outcome::Pass, "{e}");
    assert!(
        e.contains("negotiated TLS 1.3; raw ClientHello: SSLv3 refused (")
            && e.contains("TLS 1.1 refused (protocol_version)"),
        "{e}"
    );
    let (o, e) = &f["tls.ciphers"];
    assert_eq!(*o, Outcome::Pass, "{e}");
    assert!(e.starts_with("TLS 1.3 only"), "{e}");
}

/// A leaf with a 1024-bit RSA key signed with SHA-1 (served by nginx at
/// OpenSSL security level 0) fails tls.cert_valid naming both, instead of
/// every item unknown with "BadSignature".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_small_key_and_a_sha1_signature_are_named() {
    let certs = servers::weak_certs();
    let nginx = servers::nginx_with(&certs, servers::NginxConf::AnyCertificate);
    let findings = web(&nginx, &certs.ca_pem).await;
    let f = by_item(findings);
    let (o, e) = &f["tls.cert_valid"];
    assert_eq!(*o, Outcome::Fail, "{e}");
    assert!(
        e.starts_with(
            "an RSA key of 1024 bits (under 2048); a signature with SHA-1 (sha1WithRSAEncryption)"
        ),
        "{e}"
    );
    assert_eq!(
        f["tls.cert_expiry"].0,
        Outcome::Pass,
        "{:?}",
        f["tls.cert_expiry"]
    );
    assert_eq!(
        f["tls.protocols"].0,
        Outcome::Pass,
        "{:?}",
        f["tls.protocols"]
    );
}

/// Certificates as Debian's nginx serves them: a must-staple leaf without
/// `ssl_stapling` fails (Firefox refuses it); a chain in the order the CA
/// gives passes and says so; a chain sent leaf, root, intermediate warns
/// naming the certificate out of place; a certificate not publicly trusted
/// says Certificate Transparency does not apply.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn must_staple_and_chain_order_as_nginx_serves_them() {
    let certs = servers::certs(CertKind::MustStaple);
    let nginx = servers::nginx(&certs);
    let f = by_item(web(&nginx, &certs.ca_pem).await);
    let (o, e) = &f["tls.cert_valid"];
    assert_eq!(*o, Outcome::Fail, "{e}");
    assert!(
        e.starts_with("the certificate demands OCSP stapling (must-staple), but the server staples no OCSP response"),
        "{e}"
    );
    assert!(e.contains("; chain in order;"), "{e}");
    drop(nginx);

    let certs = servers::certs(CertKind::Valid);
    let nginx = servers::nginx(&certs);
    let f = by_item(web(&nginx, &certs.ca_pem).await);
    let (o, e) = &f["tls.cert_valid"];
    assert_eq!(*o, Outcome::Pass, "{e}");
    assert!(
        e.ends_with("; chain in order; no OCSP response stapled; not publicly trusted, so Certificate Transparency does not apply (0 SCT(s) in the certificate)"),
        "{e}"
    );
    drop(nginx);

    let certs = servers::certs(CertKind::Misordered);
    let nginx = servers::nginx(&certs);
    let f = by_item(web(&nginx, &certs.ca_pem).await);
    let (o, e) = &f["tls.cert_valid"];
    assert_eq!(*o, Outcome::Warn, "{e}");
    assert!(
        e.starts_with("the chain is sent out of order: certificate 2 (CN=harden test CA) does not issue certificate 1 (CN=api.example.com), whose issuer is CN=harden test intermediate"),
        "{e}"
    );
}

/// A stapled OCSP response made by `openssl ocsp` (the test CA as its own
/// responder) and stapled by `openssl s_server -status_file`: "good" is
/// read with its next update and passes; "revoked" fails tls.cert_valid.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stapled_ocsp_responses_are_read() {
    let certs = servers::rsa_certs();
    let dir = certs.dir.path();
    let run = |args: &[&str]| {
        let o = std::process::Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    let serial = run(&["x509", "-in", "cert.pem", "-noout", "-serial"]);
    let serial = serial.trim().trim_start_matches("serial=");
    for (entry, want, says) in [
        ("V\t351231000000Z\t\t", Outcome::Pass, "saying good until "),
        (
            "R\t351231000000Z\t200101000000Z\t",
            Outcome::Fail,
            "the stapled OCSP response says the certificate is revoked",
        ),
    ] {
        std::fs::write(
            dir.join("index.txt"),
            format!("{entry}{serial}\tunknown\t/CN={}\n", servers::HOST),
        )
        .unwrap();
        run(&[
            "ocsp",
            "-index",
            "index.txt",
            "-rsigner",
            "ca.pem",
            "-rkey",
            "ca.key",
            "-CA",
            "ca.pem",
            "-issuer",
            "ca.pem",
            "-cert",
            "cert.pem",
            "-respout",
            "resp.der",
            "-ndays",
            "1",
        ]);
        let port = servers::free_port();
        let mut server = std::process::Command::new("openssl")
            .args(["s_server", "-accept", &format!("127.0.0.1:{port}")])
            .args([
                "-cert",
                "cert.pem",
                "-key",
                "key.pem",
                "-status_file",
                "resp.der",
                "-www",
            ])
            .current_dir(dir)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let project = tempfile::tempdir().unwrap();
        let i = servers::web_inputs(project.path(), port, servers::free_port(), &certs.ca_pem);
        let f = by_item(detect::run_one(Detector::Web, Arc::new(i)).await.findings);
        let _ = server.kill();
        let _ = server.wait();
        let (o, e) = &f["tls.cert_valid"];
        assert_eq!(*o, want, "{e}");
        assert!(e.contains(says), "{e}");
    }
}
