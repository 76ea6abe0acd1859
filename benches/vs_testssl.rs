//! harden against Debian's testssl.sh on the same loopback matrix: 19
//! nginx servers, each configured to be right or wrong in one way
//! (protocols, suites, certificates). For each, both tools are asked, and
//! their verdicts compared on three questions: an old protocol accepted
//! (tls.protocols), a weak suite accepted (tls.ciphers), a certificate a
//! client should refuse or warn about (tls.cert_valid, tls.cert_expiry).
//! Prints one line per target, the agreement and the time ratio.
//!
//! testssl.sh runs with NXCONNECT=127.0.0.1:0 (its start-up check would
//! otherwise resolve a name through the system resolver) and --nodns none,
//! against --ip 127.0.0.1; `scripts/vs-testssl` runs this inside a network
//! namespace with only loopback where it can.
//!
//! Run with `scripts/vs-testssl` (or `cargo bench --bench vs_testssl`).
//! Needs nginx and testssl.sh (Debian packages). Asserts nothing.

#[path = "../tests/common/servers.rs"]
mod servers;

use std::collections::BTreeMap;
use std::process::Command;
use std::sync::Arc;
use std::time::Instant;

use harden::detect::{Detector, Outcome};
use servers::{CertKind, Certs, HOST, NginxConf};

/// What one tool said about the three questions: bad or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Verdict {
    protocols: bool,
    ciphers: bool,
    certificate: bool,
}

fn show(v: Option<Verdict>) -> String {
    match v {
        None => "  ?  ".into(),
        Some(v) => format!(
            "{}{}{}",
            if v.protocols { " P" } else { " ." },
            if v.ciphers { " C" } else { " ." },
            if v.certificate { " X" } else { " ." }
        ),
    }
}

fn harden(certs: &Certs, port: u16, project: &std::path::Path) -> (Verdict, f64, String) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let mut i = servers::web_inputs(project, port, servers::free_port(), &certs.ca_pem);
    i.probe_deadline = std::time::Duration::from_secs(5);
    let started = Instant::now();
    let r = rt.block_on(harden::detect::run_one(Detector::Web, Arc::new(i)));
    let secs = started.elapsed().as_secs_f64();
    let by: BTreeMap<String, Outcome> = r
        .findings
        .iter()
        .map(|f| (f.item.clone(), f.outcome))
        .collect();
    let bad = |id: &str| matches!(by.get(id), Some(Outcome::Fail | Outcome::Warn));
    let evidence = r
        .findings
        .iter()
        .filter(|f| {
            matches!(
                f.item.as_str(),
                "tls.protocols" | "tls.ciphers" | "tls.cert_valid"
            ) && f.outcome != Outcome::Pass
        })
        .map(|f| format!("{} {}: {}", f.item, f.outcome.as_str(), cut(&f.evidence)))
        .collect::<Vec<_>>()
        .join(" | ");
    (
        Verdict {
            protocols: bad("tls.protocols"),
            ciphers: bad("tls.ciphers"),
            certificate: bad("tls.cert_valid") || bad("tls.cert_expiry"),
        },
        secs,
        evidence,
    )
}

fn cut(s: &str) -> String {
    s.chars().take(110).collect()
}

/// testssl.sh's JSON findings: id → (severity, finding).
fn testssl(certs: &Certs, port: u16) -> Option<(Verdict, f64, String)> {
    let dir = tempfile::tempdir().ok()?;
    let json = dir.path().join("out.json");
    let started = Instant::now();
    let status = Command::new("testssl")
        .env("NXCONNECT", "127.0.0.1:0")
        .args([
            "--quiet",
            "--color",
            "0",
            "--warnings",
            "batch",
            "--nodns",
            "none",
            "--ip",
            "127.0.0.1",
            "-p",
            "-s",
            "-S",
            "--add-ca",
        ])
        .arg(&certs.ca_pem)
        .arg("--jsonfile")
        .arg(&json)
        .arg(format!("https://{HOST}:{port}/"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .ok()?;
    let secs = started.elapsed().as_secs_f64();
    let text = std::fs::read_to_string(&json).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    let mut found: BTreeMap<String, (String, String)> = BTreeMap::new();
    for f in v.as_array()? {
        let id = f["id"].as_str().unwrap_or("").to_string();
        // A certificate's findings carry " <cert#1>" when several are sent.
        let id = id.split(' ').next().unwrap_or("").to_string();
        found.entry(id).or_insert((
            f["severity"].as_str().unwrap_or("").to_string(),
            f["finding"].as_str().unwrap_or("").to_string(),
        ));
    }
    let offered = |id: &str| found.get(id).is_some_and(|(_, f)| f.starts_with("offered"));
    let protocols = ["SSLv2", "SSLv3", "TLS1", "TLS1_1"]
        .iter()
        .any(|p| offered(p))
        || (!offered("TLS1_2") && !offered("TLS1_3"));
    let ciphers = [
        "cipherlist_NULL",
        "cipherlist_aNULL",
        "cipherlist_EXPORT",
        "cipherlist_LOW",
        "cipherlist_3DES_IDEA",
        // testssl.sh 3.0's "obsoleted" CBC suites; it has no class of its
        // own for AEAD suites without forward secrecy.
        "cipherlist_AVERAGE",
    ]
    .iter()
    .any(|c| offered(c));
    let serious = |id: &str| {
        found
            .get(id)
            .is_some_and(|(s, _)| matches!(s.as_str(), "MEDIUM" | "HIGH" | "CRITICAL"))
    };
    let cert_ids: Vec<String> = found
        .keys()
        .filter(|k| k.starts_with("cert_") || k.starts_with("intermediate_cert"))
        // The test certificates name no CRL or OCSP URI, which testssl.sh
        // rates HIGH; harden fetches neither, by design.
        .filter(|k| *k != "cert_revocation")
        .filter(|k| serious(k))
        .cloned()
        .collect();
    let _ = status;
    Some((
        Verdict {
            protocols,
            ciphers,
            certificate: !cert_ids.is_empty(),
        },
        secs,
        cert_ids
            .iter()
            .map(|k| format!("{k}: {}", cut(&found[k].1)))
            .collect::<Vec<_>>()
            .join(" | "),
    ))
}

fn main() {
    if Command::new("testssl").arg("--version").output().is_err() {
        println!("testssl.sh is not installed (apt-get install testssl.sh): nothing compared");
        return;
    }
    let rsa = || servers::rsa_certs();
    let ecdsa = servers::certs;
    let targets: Vec<(&str, Certs, NginxConf)> = vec![
        (
            "good (Mozilla intermediate)",
            ecdsa(CertKind::Valid),
            NginxConf::Checklist,
        ),
        ("TLS 1.3 only", ecdsa(CertKind::Valid), NginxConf::Tls13Only),
        (
            "TLS 1.0/1.1 only",
            ecdsa(CertKind::Valid),
            NginxConf::OldProtocols,
        ),
        (
            "TLS 1.0/1.1 beside 1.2",
            ecdsa(CertKind::Valid),
            NginxConf::OldBeside12,
        ),
        ("TLS 1.2, AES128-SHA only", rsa(), NginxConf::LegacySuites),
        (
            "nginx default suites",
            ecdsa(CertKind::Valid),
            NginxConf::Careless,
        ),
        (
            "modern + CBC-SHA1",
            rsa(),
            NginxConf::Suites("ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-SHA"),
        ),
        (
            "modern + static RSA GCM",
            rsa(),
            NginxConf::Suites("ECDHE-RSA-AES128-GCM-SHA256:AES128-GCM-SHA256"),
        ),
        (
            "modern + CBC-SHA256",
            rsa(),
            NginxConf::Suites("ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-SHA256"),
        ),
        (
            "modern + CAMELLIA128-SHA",
            rsa(),
            NginxConf::Suites("ECDHE-RSA-AES128-GCM-SHA256:CAMELLIA128-SHA"),
        ),
        (
            "modern + AES256-SHA256",
            rsa(),
            NginxConf::Suites("ECDHE-RSA-AES128-GCM-SHA256:AES256-SHA256"),
        ),
        (
            "expired certificate",
            ecdsa(CertKind::Expired),
            NginxConf::Checklist,
        ),
        (
            "expires in 10 days",
            ecdsa(CertKind::ExpiringSoon),
            NginxConf::Checklist,
        ),
        (
            "self-signed",
            ecdsa(CertKind::SelfSigned),
            NginxConf::Checklist,
        ),
        (
            "wrong host name",
            ecdsa(CertKind::WrongHost),
            NginxConf::Checklist,
        ),
        (
            "intermediate not sent",
            ecdsa(CertKind::NoIntermediate),
            NginxConf::Checklist,
        ),
        (
            "RSA 1024, SHA-1 signature",
            servers::weak_certs(),
            NginxConf::AnyCertificate,
        ),
        (
            "must-staple, not stapled",
            ecdsa(CertKind::MustStaple),
            NginxConf::Checklist,
        ),
        (
            "chain out of order",
            ecdsa(CertKind::Misordered),
            NginxConf::Checklist,
        ),
    ];
    let project = tempfile::tempdir().expect("tempdir");
    println!(
        "{:<28} {:>6} {:>7} {:>7} {:>9} {:>9}  agree",
        "target", "harden", "testssl", "", "harden s", "testssl s"
    );
    let (mut agree, mut compared, mut h_total, mut t_total) = (0, 0, 0.0, 0.0);
    let mut notes = Vec::new();
    for (name, certs, conf) in &targets {
        let nginx = servers::nginx_with(certs, *conf);
        let (h, hs, he) = harden(certs, nginx.https, project.path());
        let t = testssl(certs, nginx.https);
        let same = t.as_ref().map(|(tv, _, _)| *tv == h);
        if let Some((_, ts, te)) = &t {
            compared += 1;
            h_total += hs;
            t_total += ts;
            if same == Some(true) {
                agree += 1;
            } else {
                notes.push(format!("{name}:\n    harden: {he}\n    testssl: {te}"));
            }
        }
        println!(
            "{:<28} {:>6} {:>7} {:>7} {:>9.3} {:>9}  {}",
            name,
            show(Some(h)),
            show(t.as_ref().map(|x| x.0)),
            "",
            hs,
            t.as_ref().map_or("-".into(), |x| format!("{:.1}", x.1)),
            match same {
                Some(true) => "yes",
                Some(false) => "NO",
                None => "testssl gave no JSON",
            }
        );
    }
    println!(
        "\nP old protocol accepted, C weak suite accepted, X certificate refused or warned.\nagreement: {agree} of {compared} targets on all three; time: harden {h_total:.2} s, testssl.sh {t_total:.1} s in all, {:.0} times faster",
        if h_total > 0.0 {
            t_total / h_total
        } else {
            0.0
        }
    );
    for n in notes {
        println!("{n}");
    }
}
