//! Servers the probe tests start on loopback: a TLS + HTTP site with
//! configurable certificate and behaviour (tokio-rustls, rcgen), a plain
//! HTTP side, a PostgreSQL SSLRequest responder, a black hole and a
//! garbage speaker.
//!
//! Over 600 lines on purpose: every server the probe tests start (TLS
//! sites, Redis, PostgreSQL, nginx, a black hole) and their certificates,
//! in one place the tests share.

#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::Arc;

use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use time::{Duration, OffsetDateTime};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// The host name every test site claims.
pub const HOST: &str = "api.example.com";
/// The production front end named in ALLOWED_HOSTS, served by the same site.
pub const FRONT: &str = "app.example.com";

/// Which certificate the site presents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertKind {
    Valid,
    Expired,
    ExpiringSoon,
    WrongHost,
    SelfSigned,
    /// Issued by an intermediate CA under the test root; the server sends
    /// only the leaf.
    NoIntermediate,
    /// A CA certificate (basicConstraints CA:TRUE) served as the leaf.
    CaAsLeaf,
    /// The leaf demands OCSP stapling (TLS Feature status_request).
    MustStaple,
    /// As MustStaple, and the test server staples an OCSP response.
    MustStapleStapled,
    /// The leaf embeds one signed certificate timestamp.
    WithSct,
    /// Issued by an intermediate; the chain is sent leaf, root,
    /// intermediate (out of order).
    Misordered,
}

/// The TLS Feature extension listing status_request (RFC 7633).
fn must_staple() -> rcgen::CustomExtension {
    rcgen::CustomExtension::from_oid_content(
        &[1, 3, 6, 1, 5, 5, 7, 1, 24],
        vec![0x30, 0x03, 0x02, 0x01, 0x05],
    )
}

/// An embedded SCT list (RFC 6962 section 3.3) of one timestamp whose
/// signature is filler: harden counts SCTs, it does not verify them.
fn one_sct() -> rcgen::CustomExtension {
    let mut sct = vec![0u8];
    sct.extend_from_slice(&[0xA5; 32]);
    sct.extend_from_slice(&1_700_000_000_000u64.to_be_bytes());
    sct.extend_from_slice(&[0, 0, 4, 3, 0, 8]);
    sct.extend_from_slice(&[0x5A; 8]);
    let mut list = ((sct.len() + 2) as u16).to_be_bytes().to_vec();
    list.extend_from_slice(&(sct.len() as u16).to_be_bytes());
    list.extend_from_slice(&sct);
    let mut content = vec![0x04, list.len() as u8];
    content.extend_from_slice(&list);
    rcgen::CustomExtension::from_oid_content(&[1, 3, 6, 1, 4, 1, 11129, 2, 4, 2], content)
}

/// A test CA (written as PEM for --ca-file) and a leaf of the asked kind.
pub struct Certs {
    pub dir: tempfile::TempDir,
    pub ca_pem: PathBuf,
    pub chain: Vec<CertificateDer<'static>>,
    pub key: Vec<u8>,
    pub cert_pem: PathBuf,
    pub key_pem: PathBuf,
    /// The OCSP response the rustls test server staples (empty: none).
    pub ocsp: Vec<u8>,
}

pub fn certs(kind: CertKind) -> Certs {
    let dir = tempfile::tempdir().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "harden test CA");
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().unwrap()).unwrap();
    let name = if kind == CertKind::WrongHost {
        "other.example.org"
    } else {
        HOST
    };
    let mut sans = vec![name.to_string()];
    if kind != CertKind::WrongHost {
        sans.push(FRONT.to_string());
    }
    let mut p = CertificateParams::new(sans).unwrap();
    p.distinguished_name.push(DnType::CommonName, name);
    let now = OffsetDateTime::now_utc();
    match kind {
        CertKind::Expired => {
            p.not_before = now - Duration::days(400);
            p.not_after = now - Duration::days(3);
        }
        CertKind::ExpiringSoon => {
            p.not_before = now - Duration::days(80);
            p.not_after = now + Duration::days(10);
        }
        _ => {
            p.not_before = now - Duration::days(1);
            p.not_after = now + Duration::days(200);
        }
    }
    if kind == CertKind::CaAsLeaf {
        p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    }
    if matches!(kind, CertKind::MustStaple | CertKind::MustStapleStapled) {
        p.custom_extensions.push(must_staple());
    }
    if kind == CertKind::WithSct {
        p.custom_extensions.push(one_sct());
    }
    let mut misordered_tail = Vec::new();
    let key = KeyPair::generate().unwrap();
    let (leaf, chain_pem) = if kind == CertKind::SelfSigned {
        let c = p.self_signed(&key).unwrap();
        let pem = c.pem();
        (c, pem)
    } else if matches!(kind, CertKind::Misordered | CertKind::NoIntermediate) {
        let mut ip = CertificateParams::new(Vec::<String>::new()).unwrap();
        ip.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ip.distinguished_name
            .push(DnType::CommonName, "harden test intermediate");
        let intermediate =
            CertifiedIssuer::signed_by(ip, KeyPair::generate().unwrap(), &ca).unwrap();
        let c = p.signed_by(&key, &intermediate).unwrap();
        let pem = if kind == CertKind::Misordered {
            misordered_tail.push(ca.der().clone());
            misordered_tail.push(intermediate.der().clone());
            format!("{}{}{}", c.pem(), ca.pem(), intermediate.pem())
        } else {
            c.pem()
        };
        (c, pem)
    } else {
        let c = p.signed_by(&key, &ca).unwrap();
        let pem = format!("{}{}", c.pem(), ca.pem());
        (c, pem)
    };
    let ca_pem = dir.path().join("ca.pem");
    std::fs::write(&ca_pem, ca.pem()).unwrap();
    let cert_pem = dir.path().join("cert.pem");
    std::fs::write(&cert_pem, chain_pem).unwrap();
    let key_pem = dir.path().join("key.pem");
    std::fs::write(&key_pem, key.serialize_pem()).unwrap();
    let mut chain = vec![leaf.der().clone()];
    if kind == CertKind::Misordered {
        chain.extend(misordered_tail);
    } else if ![CertKind::SelfSigned, CertKind::NoIntermediate].contains(&kind) {
        chain.push(ca.der().clone());
    }
    Certs {
        dir,
        ca_pem,
        chain,
        key: key.serialize_der(),
        cert_pem,
        key_pem,
        // Bytes in the place of a response: harden reports the staple
        // and does not verify it (that needs the responder's chain).
        ocsp: if kind == CertKind::MustStapleStapled {
            b"0\x82 an OCSP response stapled by the test server".to_vec()
        } else {
            Vec::new()
        },
    }
}

/// How the site answers CORS preflights.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cors {
    /// No Access-Control-Allow-Origin, except for these origins.
    Allow(Vec<String>),
    Star,
    Reflect,
    ReflectWithCredentials,
    /// An unanchored origin check (`allow_origin_regex` without `^…$`):
    /// any origin containing this text is echoed, with credentials.
    Containing(String),
    /// Preflights are not handled: OPTIONS answers this status.
    NoPreflight(u16),
}

/// How plain HTTP answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plain {
    /// A redirect with this code to https://$host$request_uri.
    Redirect(u16),
    Ok,
}

/// What the site sends.
#[derive(Debug, Clone)]
pub struct Site {
    pub headers: Vec<(String, String)>,
    pub cors: Cors,
    pub plain: Plain,
    pub security_txt: Option<String>,
    pub docs: bool,
}

impl Site {
    /// A site that does everything the checklist asks.
    pub fn good() -> Site {
        let expires = OffsetDateTime::now_utc() + Duration::days(300);
        let expires = expires
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap();
        Site {
            headers: vec![
                (
                    "Strict-Transport-Security".into(),
                    "max-age=31536000; includeSubDomains; preload".into(),
                ),
                ("X-Content-Type-Options".into(), "nosniff".into()),
                ("X-Frame-Options".into(), "DENY".into()),
                ("X-XSS-Protection".into(), "1; mode=block".into()),
                (
                    "Content-Security-Policy".into(),
                    "default-src 'self'; report-to csp".into(),
                ),
                ("X-RateLimit-Limit".into(), "100".into()),
                ("X-RateLimit-Remaining".into(), "99".into()),
                (
                    "Set-Cookie".into(),
                    "session=opaque; Path=/; Secure; HttpOnly; SameSite=Lax".into(),
                ),
                ("Cache-Control".into(), "no-store".into()),
            ],
            cors: Cors::Allow(vec!["https://app.example.com".into()]),
            plain: Plain::Redirect(308),
            security_txt: Some(format!(
                "Contact: mailto:security@example.com\nExpires: {expires}\n"
            )),
            docs: false,
        }
    }

    /// A site that does nothing right.
    pub fn bad() -> Site {
        Site {
            headers: vec![
                ("Server".into(), "nginx/1.22.1".into()),
                ("X-Powered-By".into(), "FastAPI".into()),
                ("Set-Cookie".into(), "session=opaque; Path=/".into()),
            ],
            cors: Cors::ReflectWithCredentials,
            plain: Plain::Ok,
            security_txt: None,
            docs: true,
        }
    }
}

/// Ports of a running site.
pub struct Running {
    pub https: u16,
    pub http: u16,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Drop for Running {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

fn answer(site: &Site, req: &Req, tls: bool) -> Vec<u8> {
    let (method, path, origin) = (
        req.method.as_str(),
        req.path.as_str(),
        req.origin.as_deref(),
    );
    let (status, mut headers, body): (u16, Vec<(String, String)>, String) = if !tls {
        match &site.plain {
            Plain::Redirect(code) => (
                *code,
                vec![("Location".into(), format!("https://{}{path}", req.host))],
                String::new(),
            ),
            Plain::Ok => (200, site.headers.clone(), "plain".into()),
        }
    } else if path == "/.well-known/security.txt" {
        match &site.security_txt {
            Some(t) => {
                let mut h = site.headers.clone();
                h.push(("Content-Type".into(), "text/plain".into()));
                (200, h, t.clone())
            }
            None => (404, site.headers.clone(), "not found".into()),
        }
    } else if path.starts_with("/harden-probe-") {
        (404, site.headers.clone(), "not found".into())
    } else if ["/docs", "/redoc", "/openapi.json"].contains(&path) {
        (
            if site.docs { 200 } else { 404 },
            site.headers.clone(),
            "docs".into(),
        )
    } else {
        let mut h = site.headers.clone();
        if method == "OPTIONS"
            && let Some(o) = origin
        {
            match &site.cors {
                Cors::Allow(list) if list.iter().any(|a| a == o) => {
                    h.push(("Access-Control-Allow-Origin".into(), o.to_string()));
                }
                Cors::Allow(_) => {}
                Cors::Star => h.push(("Access-Control-Allow-Origin".into(), "*".into())),
                Cors::Reflect => h.push(("Access-Control-Allow-Origin".into(), o.to_string())),
                Cors::ReflectWithCredentials => {
                    h.push(("Access-Control-Allow-Origin".into(), o.to_string()));
                    h.push(("Access-Control-Allow-Credentials".into(), "true".into()));
                }
                Cors::Containing(text) if o.contains(text.as_str()) => {
                    h.push(("Access-Control-Allow-Origin".into(), o.to_string()));
                    h.push(("Access-Control-Allow-Credentials".into(), "true".into()));
                }
                Cors::Containing(_) | Cors::NoPreflight(_) => {}
            }
            return response(
                match &site.cors {
                    Cors::Allow(l) if !l.iter().any(|a| a == o) => 400,
                    Cors::NoPreflight(status) => *status,
                    _ => 200,
                },
                &h,
                "",
            );
        }
        h.push(("Content-Type".into(), "application/json".into()));
        (200, h, "{\"status\":\"ok\"}".into())
    };
    headers.retain(|(k, _)| !k.eq_ignore_ascii_case("content-length"));
    response(status, &headers, &body)
}

fn response(status: u16, headers: &[(String, String)], body: &str) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status} X\r\n");
    for (k, v) in headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    ));
    out.push_str(body);
    out.into_bytes()
}

struct Req {
    method: String,
    path: String,
    origin: Option<String>,
    host: String,
}

async fn serve_conn<S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin>(
    mut s: S,
    site: &Site,
    tls: bool,
) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") && buf.len() < 65536 {
        match s.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    let mut hs = [httparse::EMPTY_HEADER; 32];
    let mut req = httparse::Request::new(&mut hs);
    if req.parse(&buf).is_err() {
        return;
    }
    let header = |n: &str| {
        req.headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(n))
            .map(|h| String::from_utf8_lossy(h.value).into_owned())
    };
    let r = Req {
        method: req.method.unwrap_or("GET").to_string(),
        path: req.path.unwrap_or("/").to_string(),
        origin: header("origin"),
        host: header("host").unwrap_or_default(),
    };
    let out = answer(site, &r, tls);
    let _ = s.write_all(&out).await;
    let _ = s.shutdown().await;
}

/// A TLS acceptor presenting the certificate chain of `c`.
fn acceptor(c: &Certs) -> tokio_rustls::TlsAcceptor {
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(c.key.clone()));
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert_with_ocsp(c.chain.clone(), key, c.ocsp.clone())
    .unwrap();
    tokio_rustls::TlsAcceptor::from(Arc::new(config))
}

/// Starts the site on two loopback ports (HTTPS and plain HTTP).
pub async fn serve(c: &Certs, site: Site) -> Running {
    let acceptor = acceptor(c);
    let https = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let http = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let (hp, p) = (
        https.local_addr().unwrap().port(),
        http.local_addr().unwrap().port(),
    );
    let site = Arc::new(site);
    let s1 = site.clone();
    let t1 = tokio::spawn(async move {
        while let Ok((tcp, _)) = https.accept().await {
            let (acc, site) = (acceptor.clone(), s1.clone());
            tokio::spawn(async move {
                if let Ok(t) = acc.accept(tcp).await {
                    serve_conn(t, &site, true).await;
                }
            });
        }
    });
    let t2 = tokio::spawn(async move {
        while let Ok((tcp, _)) = http.accept().await {
            let site = site.clone();
            tokio::spawn(async move { serve_conn(tcp, &site, false).await });
        }
    });
    Running {
        https: hp,
        http: p,
        tasks: vec![t1, t2],
    }
}

/// A listener that accepts and never says a word; returns its port.
pub async fn black_hole() -> (u16, tokio::task::JoinHandle<()>) {
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = l.local_addr().unwrap().port();
    let t = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((s, _)) = l.accept().await {
            held.push(s);
        }
    });
    (port, t)
}

/// A listener that answers anything with `reply` and closes.
pub async fn speaker(reply: &'static [u8]) -> (u16, tokio::task::JoinHandle<()>) {
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = l.local_addr().unwrap().port();
    let t = tokio::spawn(async move {
        while let Ok((mut s, _)) = l.accept().await {
            tokio::spawn(async move {
                let mut b = [0u8; 1024];
                let _ = tokio::time::timeout(std::time::Duration::from_millis(200), s.read(&mut b))
                    .await;
                let _ = s.write_all(reply).await;
                let _ = s.shutdown().await;
            });
        }
    });
    (port, t)
}

/// A free loopback port (bound and released).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Probe inputs for https://HOST on a loopback site: its HTTPS and plain
/// ports mapped with --connect-to, the test CA trusted, loopback only.
pub fn web_inputs(
    project: &std::path::Path,
    https: u16,
    http: u16,
    ca: &std::path::Path,
) -> harden::detect::Inputs {
    use harden::detect::probe::net::ConnectTo;
    let mut i = harden::detect::Inputs::new(project);
    i.loopback_only = true;
    i.probe_deadline = std::time::Duration::from_secs(3);
    i.urls = vec![format!("https://{HOST}")];
    i.ca_file = Some(ca.to_path_buf());
    i.connect_to = [(443, https), (80, http)]
        .iter()
        .map(|(p, to)| ConnectTo {
            host: HOST.into(),
            port: *p,
            addr: "127.0.0.1".into(),
            port2: *to,
        })
        .collect();
    i
}

/// A listener that sends `reply` one byte every `gap`.
pub async fn dripper(
    reply: &'static [u8],
    gap: std::time::Duration,
) -> (u16, tokio::task::JoinHandle<()>) {
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = l.local_addr().unwrap().port();
    let t = tokio::spawn(async move {
        while let Ok((mut s, _)) = l.accept().await {
            tokio::spawn(async move {
                for b in reply.iter().cycle() {
                    if s.write_all(&[*b]).await.is_err() {
                        return;
                    }
                    tokio::time::sleep(gap).await;
                }
            });
        }
    });
    (port, t)
}

/// A TLS listener (valid test-CA certificate) that answers every request
/// with `reply`, written as fast as the client reads.
pub async fn tls_speaker(c: &Certs, reply: Vec<u8>) -> (u16, tokio::task::JoinHandle<()>) {
    let acceptor = acceptor(c);
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = l.local_addr().unwrap().port();
    let reply = Arc::new(reply);
    let t = tokio::spawn(async move {
        while let Ok((tcp, _)) = l.accept().await {
            let (acc, reply) = (acceptor.clone(), reply.clone());
            tokio::spawn(async move {
                if let Ok(mut s) = acc.accept(tcp).await {
                    let mut b = [0u8; 4096];
                    let _ = s.read(&mut b).await;
                    let _ = s.write_all(&reply).await;
                    let _ = s.shutdown().await;
                }
            });
        }
    });
    (port, t)
}

/// A TLS site whose chain holds `n` certificates (a leaf, then n-1
/// intermediates that chain to nothing useful).
pub fn long_chain(n: usize) -> Certs {
    let mut c = certs(CertKind::Valid);
    let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let mut extra = Vec::new();
    for i in 0..n.saturating_sub(c.chain.len()) {
        p.distinguished_name = rcgen::DistinguishedName::new();
        p.distinguished_name
            .push(DnType::CommonName, format!("filler {i}"));
        extra.push(
            p.self_signed(&KeyPair::generate().unwrap())
                .unwrap()
                .der()
                .clone(),
        );
    }
    c.chain.extend(extra);
    c
}

/// A test CA (RSA 2048) and a leaf with a 1024-bit RSA key signed with
/// SHA-1, made by the openssl command line (rcgen and ring refuse both).
/// `chain` and `key` stay empty: only nginx serves these.
pub fn weak_certs() -> Certs {
    openssl_certs("rsa:1024", "-sha1")
}

/// A test CA and a leaf with a 2048-bit RSA key signed with SHA-256: the
/// key type suites with RSA authentication or RSA key exchange need (the
/// other test certificates are ECDSA).
pub fn rsa_certs() -> Certs {
    openssl_certs("rsa:2048", "-sha256")
}

fn openssl_certs(leaf_key: &str, digest: &str) -> Certs {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let out = std::process::Command::new("openssl")
            .args(args)
            .current_dir(dir.path())
            .output()
            .expect("openssl is installed by scripts/test.sh");
        assert!(
            out.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "30",
        "-subj",
        "/CN=harden weak test CA",
    ]);
    run(&[
        "req",
        "-newkey",
        leaf_key,
        "-nodes",
        "-keyout",
        "key.pem",
        "-out",
        "leaf.csr",
        "-subj",
        &format!("/CN={HOST}"),
    ]);
    std::fs::write(
        dir.path().join("ext"),
        format!("subjectAltName=DNS:{HOST}\n"),
    )
    .unwrap();
    run(&[
        "x509",
        "-req",
        "-in",
        "leaf.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "cert.pem",
        "-days",
        "200",
        digest,
        "-extfile",
        "ext",
    ]);
    Certs {
        ca_pem: dir.path().join("ca.pem"),
        chain: Vec::new(),
        key: Vec::new(),
        cert_pem: dir.path().join("cert.pem"),
        key_pem: dir.path().join("key.pem"),
        ocsp: Vec::new(),
        dir,
    }
}

/// A real nginx (Debian's package) on two loopback ports, configured as the
/// checklist asks: redirect, HSTS, security headers, security.txt. Stopped
/// when dropped.
pub struct Nginx {
    child: std::process::Child,
    _dir: tempfile::TempDir,
    pub https: u16,
    pub http: u16,
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// How the test nginx's HTTPS server is configured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NginxConf {
    /// As the checklist asks: every header `always`, unknown paths 404,
    /// a session cookie with Secure, HttpOnly and SameSite.
    Checklist,
    /// As often found: headers without `always` (so a 404 has none), a
    /// security.txt location with an `add_header` of its own (which drops
    /// the inherited ones), a session cookie without Secure or SameSite,
    /// and FastAPI's schema and docs proxied through.
    Careless,
    /// As the checklist asks, but speaking only TLS 1.0 and 1.1.
    OldProtocols,
    /// TLS 1.2 with only a legacy suite (static RSA key exchange, CBC,
    /// SHA-1), which no modern client offers.
    LegacySuites,
    /// TLS 1.3 only: no TLS 1.2 suite at all.
    Tls13Only,
    /// TLS 1.0 and 1.1 still on beside TLS 1.2 (security level 0, which
    /// OpenSSL 3 needs for them).
    OldBeside12,
    /// As the checklist asks, at OpenSSL security level 0, so that a
    /// certificate with a 1024-bit key or a SHA-1 signature loads.
    AnyCertificate,
    /// TLS 1.2 and 1.3 with these TLS 1.2 suites (OpenSSL names, security
    /// level 0 so that legacy ones load).
    Suites(&'static str),
}

/// The session cookie the careless nginx sets; its value must never be shown.
pub const PLANTED_COOKIE: &str = "cookie-value-d41d8cd98f00b204";

/// Starts nginx, configured as the checklist asks, with the certificate of
/// `certs` and waits until it listens.
pub fn nginx(certs: &Certs) -> Nginx {
    nginx_with(certs, NginxConf::Checklist)
}

/// Starts nginx configured as `conf` says and waits until it listens.
pub fn nginx_with(certs: &Certs, conf: NginxConf) -> Nginx {
    let binary = which::which("nginx")
        .ok()
        .or_else(|| Some(PathBuf::from("/usr/sbin/nginx")).filter(|p| p.exists()))
        .expect("nginx is installed by scripts/test.sh");
    let dir = tempfile::tempdir().unwrap();
    let (https, http) = (free_port(), free_port());
    let d = dir.path().display();
    let site = match conf {
        NginxConf::Checklist => r#"
        add_header Strict-Transport-Security "max-age=63072000; includeSubDomains" always;
        add_header X-Content-Type-Options nosniff always;
        add_header X-Frame-Options DENY always;
        add_header X-XSS-Protection "1; mode=block" always;
        add_header Content-Security-Policy "default-src 'self'" always;
        location = /.well-known/security.txt {
            default_type text/plain;
            return 200 "Contact: mailto:security@example.com\nExpires: 2099-01-01T00:00:00Z\n";
        }
        location = / {
            add_header Strict-Transport-Security "max-age=63072000; includeSubDomains" always;
            add_header X-Content-Type-Options nosniff always;
            add_header X-Frame-Options DENY always;
            add_header X-XSS-Protection "1; mode=block" always;
            add_header Content-Security-Policy "default-src 'self'" always;
            add_header Set-Cookie "session=fixed; Path=/; Secure; HttpOnly; SameSite=Lax" always;
            return 200 "ok\n";
        }
        location / { return 404; }"#
            .to_string(),
        NginxConf::OldProtocols
        | NginxConf::LegacySuites
        | NginxConf::AnyCertificate
        | NginxConf::Tls13Only
        | NginxConf::Suites(_)
        | NginxConf::OldBeside12 => r#"
        location / { return 200 "ok\n"; }"#
            .to_string(),
        NginxConf::Careless => format!(
            r#"
        add_header Strict-Transport-Security "max-age=63072000; includeSubDomains";
        add_header X-Content-Type-Options nosniff;
        add_header X-Frame-Options DENY;
        add_header X-XSS-Protection "1; mode=block";
        add_header Content-Security-Policy "default-src 'self'";
        add_header Set-Cookie "session={PLANTED_COOKIE}; Path=/; HttpOnly";
        location = /.well-known/security.txt {{
            default_type text/plain;
            add_header Cache-Control "max-age=3600";
            return 200 "Contact: mailto:security@example.com\nExpires: 2099-01-01T00:00:00Z\n";
        }}
        location = /openapi.json {{
            default_type application/json;
            return 200 '{{"openapi":"3.1.0"}}';
        }}
        location = / {{ return 200 "ok\n"; }}
        location / {{ return 404; }}"#
        ),
    };
    let suites;
    let tls = match conf {
        NginxConf::Suites(s) => {
            suites =
                format!("ssl_protocols TLSv1.2 TLSv1.3;\n        ssl_ciphers {s}:@SECLEVEL=0;");
            suites.as_str()
        }
        NginxConf::OldProtocols => {
            "ssl_protocols TLSv1 TLSv1.1;\n        ssl_ciphers DEFAULT:@SECLEVEL=0;"
        }
        NginxConf::LegacySuites => "ssl_protocols TLSv1.2;\n        ssl_ciphers AES128-SHA;",
        NginxConf::Tls13Only => "ssl_protocols TLSv1.3;",
        NginxConf::OldBeside12 => {
            "ssl_protocols TLSv1 TLSv1.1 TLSv1.2;\n        ssl_ciphers DEFAULT:@SECLEVEL=0;"
        }
        NginxConf::AnyCertificate => {
            "ssl_protocols TLSv1.2 TLSv1.3;\n        ssl_ciphers DEFAULT:@SECLEVEL=0;"
        }
        // As the checklist asks: Mozilla's intermediate suites.
        NginxConf::Checklist => {
            "ssl_protocols TLSv1.2 TLSv1.3;\n        ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305;"
        }
        _ => "ssl_protocols TLSv1.2 TLSv1.3;",
    };
    let conf = format!(
        r#"
daemon off;
master_process off;
worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/error.log;
events {{ worker_connections 64; }}
http {{
    access_log off;
    server_tokens off;
    client_body_temp_path {d}/body;
    proxy_temp_path {d}/proxy;
    fastcgi_temp_path {d}/fastcgi;
    uwsgi_temp_path {d}/uwsgi;
    scgi_temp_path {d}/scgi;
    server {{
        listen 127.0.0.1:{http};
        server_name {HOST};
        return 308 https://$host$request_uri;
    }}
    server {{
        listen 127.0.0.1:{https} ssl;
        server_name {HOST};
        ssl_certificate {cert};
        ssl_certificate_key {key};
        {tls}
{site}
    }}
}}
"#,
        cert = certs.cert_pem.display(),
        key = certs.key_pem.display(),
    );
    std::fs::write(dir.path().join("nginx.conf"), conf).unwrap();
    let child = std::process::Command::new(binary)
        .arg("-p")
        .arg(dir.path())
        .arg("-c")
        .arg(dir.path().join("nginx.conf"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let n = Nginx {
        child,
        _dir: dir,
        https,
        http,
    };
    let t = std::time::Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", https)).is_err() {
        let log = std::fs::read_to_string(n._dir.path().join("error.log")).unwrap_or_default();
        assert!(
            t.elapsed() < std::time::Duration::from_secs(10),
            "nginx did not start: {log}"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    n
}

/// A redis-server of the test's own, on a free loopback port.
pub struct Redis {
    pub child: std::process::Child,
    pub port: u16,
    _dir: tempfile::TempDir,
}

impl Drop for Redis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn redis(extra_conf: &str) -> Redis {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let conf = dir.path().join("redis.conf");
    std::fs::write(
        &conf,
        format!(
            "port {port}\nbind 127.0.0.1\ndaemonize no\nprotected-mode no\ndir {}\nsave \"\"\nappendonly no\nlogfile \"\"\n{extra_conf}\n",
            dir.path().display()
        ),
    )
    .unwrap();
    let exe = which::which("redis-server").expect("redis-server is installed by scripts/test.sh");
    let child = std::process::Command::new(exe)
        .arg(&conf)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let t = std::time::Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            t.elapsed() < std::time::Duration::from_secs(10),
            "redis-server did not start"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    Redis {
        child,
        port,
        _dir: dir,
    }
}
