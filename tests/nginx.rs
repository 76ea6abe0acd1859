//! One end-to-end probe of a real nginx (Debian's package), started by the
//! test on loopback ports with a certificate of the test CA: redirect,
//! HSTS, security headers, CORS and security.txt as an operator would
//! configure them.

mod common;

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::servers::{self, CertKind, HOST};
use harden::detect::{self, Detector, Outcome};

struct Nginx(Child);

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn nginx_binary() -> std::path::PathBuf {
    which::which("nginx")
        .ok()
        .or_else(|| Some(std::path::PathBuf::from("/usr/sbin/nginx")).filter(|p| p.exists()))
        .expect("nginx is installed by scripts/test.sh")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_nginx_configured_by_the_checklist() {
    let certs = servers::certs(CertKind::Valid);
    let dir = tempfile::tempdir().unwrap();
    let (https, http) = (servers::free_port(), servers::free_port());
    let d = dir.path().display();
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
        ssl_protocols TLSv1.2 TLSv1.3;
        add_header Strict-Transport-Security "max-age=63072000; includeSubDomains" always;
        add_header X-Content-Type-Options nosniff always;
        add_header X-Frame-Options DENY always;
        add_header X-XSS-Protection "1; mode=block" always;
        add_header Content-Security-Policy "default-src 'self'" always;
        location = /.well-known/security.txt {{
            default_type text/plain;
            return 200 "Contact: mailto:security@example.com\nExpires: 2099-01-01T00:00:00Z\n";
        }}
        location / {{ return 200 "ok\n"; }}
    }}
}}
"#,
        cert = certs.cert_pem.display(),
        key = certs.key_pem.display(),
    );
    std::fs::write(dir.path().join("nginx.conf"), conf).unwrap();
    let child = Command::new(nginx_binary())
        .arg("-p")
        .arg(dir.path())
        .arg("-c")
        .arg(dir.path().join("nginx.conf"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let _nginx = Nginx(child);
    let t = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", https)).is_err() {
        let log = std::fs::read_to_string(dir.path().join("error.log")).unwrap_or_default();
        assert!(
            t.elapsed() < Duration::from_secs(10),
            "nginx did not start: {log}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
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
