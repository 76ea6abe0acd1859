//! The raw ClientHello prober (issue 16) against Debian's nginx, started
//! by the test on loopback ports: what each configuration accepts, read
//! from its ServerHello or alert, with no TLS library on our side.

mod common;

use std::time::Duration;

use common::servers::{self, CertKind, NginxConf};
use harden::detect::probe::hello::{self, Answer, CLASSES, Version};
use harden::detect::probe::net::Net;

fn net() -> Net {
    Net {
        connect_to: Vec::new(),
        deadline: Duration::from_secs(5),
        roots: std::sync::Arc::new(rustls::RootCertStore::empty()),
        loopback_only: true,
    }
}

fn class(name: &str) -> Vec<u16> {
    CLASSES
        .iter()
        .find(|c| c.name == name)
        .unwrap()
        .suites
        .iter()
        .map(|s| s.0)
        .collect()
}

/// Every suite a version's ClientHello may carry.
fn all_for(v: Version) -> Vec<u16> {
    CLASSES
        .iter()
        .filter(|c| c.since <= v)
        .flat_map(|c| c.suites.iter().map(|s| s.0))
        .collect()
}

async fn ask(port: u16, v: Version, suites: &[u16]) -> Answer {
    hello::offer(&net(), "127.0.0.1", port, v, suites, [5; 32])
        .await
        .unwrap()
}

/// A ServerHello record choosing `suite` at `version` (no session id, no
/// extensions), as the scripted responders send it.
fn server_hello(version: u16, suite: u16) -> Vec<u8> {
    let mut m = version.to_be_bytes().to_vec();
    m.extend_from_slice(&[1; 32]);
    m.push(0);
    m.extend_from_slice(&suite.to_be_bytes());
    m.push(0);
    let mut rec = vec![
        0x16,
        0x03,
        0x01,
        0,
        (m.len() + 4) as u8,
        2,
        0,
        0,
        m.len() as u8,
    ];
    rec.extend_from_slice(&m);
    rec
}

/// protocol_version (70) or handshake_failure (40): a refusal.
fn refused(a: &Answer) -> bool {
    matches!(
        a,
        Answer::Alert {
            description: 70 | 40
        }
    )
}

#[tokio::test]
async fn what_each_nginx_accepts() {
    let certs = servers::certs(CertKind::Valid);

    // TLS 1.0 and 1.1 only.
    let old = servers::nginx_with(&certs, NginxConf::OldProtocols);
    let a = ask(old.https, Version::Tls10, &all_for(Version::Tls10)).await;
    assert!(
        matches!(
            a,
            Answer::Accepted {
                version: 0x0301,
                ..
            }
        ),
        "{a:?}"
    );
    let a = ask(old.https, Version::Tls11, &all_for(Version::Tls11)).await;
    assert!(
        matches!(
            a,
            Answer::Accepted {
                version: 0x0302,
                ..
            }
        ),
        "{a:?}"
    );
    let a = ask(old.https, Version::Tls12, &class("Mozilla intermediate")).await;
    // A server whose best is 1.1 answers a 1.2 hello with 1.1, or refuses.
    assert!(
        refused(&a)
            || matches!(
                a,
                Answer::Accepted {
                    version: 0x0302 | 0x0301,
                    ..
                }
            ),
        "{a:?}"
    );

    // TLS 1.2 with only AES128-SHA (an RSA certificate: the suite
    // exchanges its key with RSA).
    let rsa = servers::rsa_certs();
    let legacy = servers::nginx_with(&rsa, NginxConf::LegacySuites);
    let a = ask(
        legacy.https,
        Version::Tls12,
        &class("static RSA key exchange (no forward secrecy)"),
    )
    .await;
    assert_eq!(
        a,
        Answer::Accepted {
            version: 0x0303,
            suite: 0x002F
        }
    );
    let a = ask(legacy.https, Version::Tls12, &class("Mozilla intermediate")).await;
    assert!(refused(&a), "{a:?}");
    let a = ask(legacy.https, Version::Tls10, &all_for(Version::Tls10)).await;
    assert!(refused(&a), "{a:?}");

    // As the checklist asks: TLS 1.2 and 1.3, modern suites.
    let good = servers::nginx(&certs);
    let a = ask(good.https, Version::Tls12, &class("Mozilla intermediate")).await;
    assert!(
        matches!(
            a,
            Answer::Accepted {
                version: 0x0303,
                ..
            }
        ),
        "{a:?}"
    );
    if let Answer::Accepted { suite, .. } = a {
        assert!(hello::suite_name(suite).is_some(), "{suite:#06x}");
    }
    for v in [Version::Ssl3, Version::Tls10, Version::Tls11] {
        let a = ask(good.https, v, &all_for(v)).await;
        assert!(refused(&a), "{} {a:?}", v.name());
    }
    for weak in ["NULL or anonymous", "EXPORT", "DES, RC4 or 3DES"] {
        let a = ask(good.https, Version::Tls12, &class(weak)).await;
        assert!(refused(&a), "{weak}: {a:?}");
    }
}

/// A scripted server for what Debian's OpenSSL 3 no longer has at all
/// (SSLv3, EXPORT, RC4, single DES, 3DES): it reads each ClientHello,
/// and answers with a ServerHello choosing `pick` at the hello's version
/// when the hello offers it, else a handshake_failure alert. The web
/// probe's modern handshake fails against it, and the raw hellos say
/// why: both TLS items fail naming the suite.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_accepts_only_a_broken_suite_fails_both_items() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    for (pick, version, class) in [
        (
            0x0005u16,
            0x0301u16,
            "DES, RC4 or 3DES (RC4-SHA at TLS 1.0)",
        ),
        (0x0003, 0x0300, "EXPORT (EXP-RC4-MD5 at SSLv3)"),
        (0x0009, 0x0302, "DES, RC4 or 3DES (DES-CBC-SHA at TLS 1.1)"),
        (0x000A, 0x0303, "DES, RC4 or 3DES (DES-CBC3-SHA at TLS 1.2)"),
        (
            0x0032,
            0x0303,
            "obsolete (DSS, static ECDH, IDEA, SEED, anonymous GCM) (DHE-DSS-AES128-SHA at TLS 1.2)",
        ),
        (
            0xC027,
            0x0303,
            "CBC with SHA-2 (outside Mozilla intermediate) (ECDHE-RSA-AES128-SHA256 at TLS 1.2)",
        ),
    ] {
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = l.local_addr().unwrap().port();
        let server = tokio::spawn(async move {
            loop {
                let Ok((mut s, _)) = l.accept().await else {
                    return;
                };
                tokio::spawn(async move {
                    let mut b = vec![0u8; 8192];
                    let Ok(n) = s.read(&mut b).await else { return };
                    let b = &b[..n];
                    // record(5) type(1) len(3) version(2) random(32) sid(1+0)
                    if b.len() < 46 || b[0] != 0x16 || b[5] != 1 {
                        return;
                    }
                    let offered = u16::from_be_bytes([b[9], b[10]]);
                    let n_suites = usize::from(u16::from_be_bytes([b[44], b[45]])) / 2;
                    let suites: Vec<u16> = (0..n_suites)
                        .filter_map(|i| b.get(46 + 2 * i..48 + 2 * i))
                        .map(|x| u16::from_be_bytes([x[0], x[1]]))
                        .collect();
                    let answer = if suites.contains(&pick) && offered >= version {
                        server_hello(version, pick)
                    } else {
                        vec![0x15, 0x03, 0x01, 0, 2, 2, 40]
                    };
                    let _ = s.write_all(&answer).await;
                });
            }
        });
        let project = tempfile::tempdir().unwrap();
        let certs = servers::certs(CertKind::Valid);
        let i = servers::web_inputs(project.path(), port, servers::free_port(), &certs.ca_pem);
        let r =
            harden::detect::run_one(harden::detect::Detector::Web, std::sync::Arc::new(i)).await;
        let get = |id: &str| r.findings.iter().find(|f| f.item == id).unwrap().clone();
        let p = get("tls.protocols");
        let c = get("tls.ciphers");
        assert_eq!(
            p.outcome,
            harden::detect::Outcome::Fail,
            "{pick:#06x}: {}",
            p.evidence
        );
        assert_eq!(
            c.outcome,
            harden::detect::Outcome::Fail,
            "{pick:#06x}: {}",
            c.evidence
        );
        assert!(c.evidence.contains(class), "{pick:#06x}: {}", c.evidence);
        server.abort();
    }
}

/// A server that takes the connection and the hello, then says nothing:
/// the whole exchange ends at one deadline, reported as a handshake that
/// did not finish (not as a slow reply to some request).
#[tokio::test]
async fn a_silent_server_ends_the_hello_at_its_deadline() {
    use tokio::io::AsyncReadExt;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = tokio::spawn(async move {
        let mut held = Vec::new();
        loop {
            let (mut s, _) = listener.accept().await.unwrap();
            let mut b = [0u8; 512];
            let _ = s.read(&mut b).await;
            held.push(s);
        }
    });
    let mut n = net();
    n.deadline = Duration::from_millis(300);
    let r = hello::offer(
        &n,
        "127.0.0.1",
        port,
        Version::Tls12,
        &class("Mozilla intermediate"),
        [1; 32],
    )
    .await;
    match r {
        Err(harden::detect::probe::net::ProbeError::HandshakeTimeout { target, secs }) => {
            assert_eq!(target, format!("127.0.0.1:{port}"));
            assert!((secs - 0.3).abs() < 0.01, "{secs}");
        }
        other => panic!("{other:?}"),
    }
    server.abort();
}

/// A server this client cannot finish a handshake with, that takes the
/// modern raw hello but never answers the TLS 1.0 one: tls.protocols is
/// unknown (the stalled hello proves nothing), not a pass.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unanswered_old_hello_leaves_protocols_unknown() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = l.local_addr().unwrap().port();
    let server = tokio::spawn(async move {
        let mut held = Vec::new();
        loop {
            let Ok((mut s, _)) = l.accept().await else {
                return;
            };
            let mut b = vec![0u8; 8192];
            let Ok(n) = s.read(&mut b).await else {
                continue;
            };
            let b = &b[..n];
            if b.len() < 11 || b[0] != 0x16 {
                continue;
            }
            // The hello's own version: TLS 1.0 is held unanswered.
            if u16::from_be_bytes([b[9], b[10]]) == 0x0301 {
                held.push(s);
                continue;
            }
            let _ = s.write_all(&server_hello(0x0303, 0xC02F)).await;
        }
    });
    let project = tempfile::tempdir().unwrap();
    let certs = servers::certs(CertKind::Valid);
    let mut i = servers::web_inputs(project.path(), port, servers::free_port(), &certs.ca_pem);
    i.probe_deadline = Duration::from_millis(800);
    let r = harden::detect::run_one(harden::detect::Detector::Web, std::sync::Arc::new(i)).await;
    let p = r
        .findings
        .iter()
        .find(|f| f.item == "tls.protocols")
        .unwrap();
    assert_eq!(
        p.outcome,
        harden::detect::Outcome::Unknown,
        "{}",
        p.evidence
    );
    assert!(
        p.evidence.contains("yet the raw hellos find"),
        "{}",
        p.evidence
    );
    assert!(p.evidence.contains("TLS 1.0:"), "{}", p.evidence);
    server.abort();
}
