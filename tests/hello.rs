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
