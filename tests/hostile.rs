//! Hostile servers on loopback: a slow drip, a 10 MB header line, a server
//! that closes in the middle of the TLS handshake, an endless RESP bulk
//! string, and a chain of 50 certificates. Every probe ends within its
//! deadline with `unknown` and a reason (or reads what it can), and its
//! memory stays bounded.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::servers::{self, CertKind};
use harden::detect::{self, Detector, Inputs, Outcome};

fn web_inputs(port443: u16, port80: u16, ca: Option<&std::path::Path>) -> Inputs {
    // A project folder of its own: the probes read the project's Python
    // to find their targets, and the system's temp folder holds anything.
    let dir = tempfile::tempdir().unwrap().keep();
    let mut i = servers::web_inputs(
        &dir,
        port443,
        port80,
        ca.unwrap_or(std::path::Path::new("/nonexistent")),
    );
    i.env_file = dir.join("harden-no-such-env-file");
    i.probe_deadline = Duration::from_secs(2);
    i.ca_file = ca.map(|p| p.to_path_buf());
    i
}

/// Peak RSS of this test process, in KiB.
fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_drip_ends_unknown_at_the_deadline() {
    let (drip, _t) =
        servers::dripper(b"HTTP/1.1 200 OK\r\nX-Slow: ", Duration::from_millis(300)).await;
    let t = Instant::now();
    let r = detect::run_one(Detector::Web, Arc::new(web_inputs(drip, drip, None))).await;
    let took = t.elapsed();
    assert!(took < Duration::from_secs(4), "{took:?}");
    assert!(
        r.findings.iter().all(|f| f.outcome == Outcome::Unknown),
        "{:?}",
        r.findings
    );
    let mut i = web_inputs(drip, drip, None);
    i.urls.clear();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(".env"),
        format!("REDIS_URL=redis://127.0.0.1:{drip}/0\n"),
    )
    .unwrap();
    i.env_file = dir.path().join(".env");
    let t = Instant::now();
    let r = detect::run_one(Detector::Redis, Arc::new(i)).await;
    assert!(t.elapsed() < Duration::from_secs(8));
    assert!(
        r.findings.iter().all(|f| f.outcome == Outcome::Unknown),
        "{:?}",
        r.findings
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ten_megabyte_header_line_is_refused_and_memory_stays_bounded() {
    let certs = servers::certs(CertKind::Valid);
    let mut reply = b"HTTP/1.1 200 OK\r\nX-Huge: ".to_vec();
    reply.extend(std::iter::repeat_n(b'A', 10 * 1024 * 1024));
    reply.extend_from_slice(b"\r\n\r\n");
    let (port, _t) = servers::tls_speaker(&certs, reply).await;
    let before = rss_kib();
    let r = detect::run_one(
        Detector::Web,
        Arc::new(web_inputs(port, servers::free_port(), Some(&certs.ca_pem))),
    )
    .await;
    let grew = rss_kib().saturating_sub(before);
    let hsts = r.findings.iter().find(|f| f.item == "tls.hsts").unwrap();
    assert_eq!(hsts.outcome, Outcome::Unknown);
    assert!(
        hsts.evidence.contains("larger than 64 KiB"),
        "{}",
        hsts.evidence
    );
    assert_eq!(
        r.findings
            .iter()
            .find(|f| f.item == "tls.cert_valid")
            .unwrap()
            .outcome,
        Outcome::Pass
    );
    assert!(
        grew < 8 * 1024,
        "RSS grew by {grew} KiB reading a 10 MB header"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_closes_mid_handshake_is_unknown() {
    let (port, _t) = servers::speaker(b"\x16\x03\x03\x00\x2a\x02\x00\x00").await;
    let r = detect::run_one(Detector::Web, Arc::new(web_inputs(port, port, None))).await;
    for f in &r.findings {
        assert_eq!(f.outcome, Outcome::Unknown, "{}: {}", f.item, f.evidence);
    }
    let protocols = r
        .findings
        .iter()
        .find(|f| f.item == "tls.protocols")
        .unwrap();
    assert!(
        protocols.evidence.contains("TLS handshake"),
        "{}",
        protocols.evidence
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chain_of_fifty_certificates_is_read_and_judged() {
    let certs = servers::long_chain(50);
    assert_eq!(certs.chain.len(), 50);
    let running = servers::serve(&certs, servers::Site::good()).await;
    let t = Instant::now();
    let r = detect::run_one(
        Detector::Web,
        Arc::new(web_inputs(running.https, running.http, Some(&certs.ca_pem))),
    )
    .await;
    assert!(t.elapsed() < Duration::from_secs(5));
    let valid = r
        .findings
        .iter()
        .find(|f| f.item == "tls.cert_valid")
        .unwrap();
    assert!(valid.evidence.contains("chain of 50"), "{}", valid.evidence);
    assert_ne!(valid.outcome, Outcome::Unknown, "{}", valid.evidence);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endless_bulk_string_is_cut_off() {
    let (port, _t) = servers::dripper(
        b"$99999999\r\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        Duration::from_micros(1),
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(".env"),
        format!("REDIS_URL=redis://127.0.0.1:{port}/0\n"),
    )
    .unwrap();
    let mut i = Inputs::new(dir.path());
    i.loopback_only = true;
    i.probe_deadline = Duration::from_secs(2);
    let t = Instant::now();
    let r = detect::run_one(Detector::Redis, Arc::new(i)).await;
    assert!(t.elapsed() < Duration::from_secs(8));
    let f = r
        .findings
        .iter()
        .find(|f| f.item == "rate_limit.redis_reachable")
        .unwrap();
    assert_eq!(f.outcome, Outcome::Unknown);
    assert!(
        f.evidence.contains("limit") || f.evidence.contains("within"),
        "{}",
        f.evidence
    );
}
