//! Probe benchmark. Starts, on loopback: a redis-server with a password and
//! AOF, Debian's nginx with TLS (rcgen certificate of a test CA), the
//! checklist's headers and redirect, and an SSLRequest
//! responder. Then, in one run, prints:
//!
//! 1. the wall time of harden's Redis, web and PostgreSQL probes, run
//!    concurrently, against the time of the same questions asked one after
//!    another with `openssl s_client`, `curl` and `redis-cli`
//!    (target: at most half the sequential time);
//! 2. the wall time of the web probe against ten black-holed targets with a
//!    2 s deadline (target: under 2.5 s in total).
//!
//! Run with `cargo bench --bench probes`. Prints figures; asserts nothing.

#[path = "../tests/common/servers.rs"]
mod servers;

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use harden::detect::probe::net::ConnectTo;
use harden::detect::{self, Detector, Inputs};
use servers::{CertKind, HOST};

const RUNS: usize = 10;

fn map(host: &str, port: u16, to: u16) -> ConnectTo {
    ConnectTo {
        host: host.into(),
        port,
        addr: "127.0.0.1".into(),
        port2: to,
    }
}

fn run(cmd: &mut Command) {
    let ok = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    assert!(ok.is_ok(), "{cmd:?}");
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let dir = tempfile::tempdir().expect("tempdir");
    let redis_port = servers::free_port();
    let password = "Bm4xQ9vL2pKw7Rt3Zc8N";
    std::fs::write(
        dir.path().join("redis.conf"),
        format!(
            "port {redis_port}\nbind 127.0.0.1\nrequirepass {password}\nappendonly yes\nsave \"\"\ndir {}\nlogfile \"\"\n",
            dir.path().display()
        ),
    )
    .expect("redis.conf");
    let mut redis = Command::new("redis-server")
        .arg(dir.path().join("redis.conf"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("redis-server (apt-get install redis-server)");
    while std::net::TcpStream::connect(("127.0.0.1", redis_port)).is_err() {
        std::thread::sleep(Duration::from_millis(10));
    }
    let certs = servers::certs(CertKind::Valid);
    let site = servers::nginx(&certs);
    let (pg, hole) = rt.block_on(async {
        let (pg, _) = servers::speaker(b"S").await;
        let (hole, _) = servers::black_hole().await;
        (pg, hole)
    });
    let project = tempfile::tempdir().expect("project");
    std::fs::write(
        project.path().join(".env"),
        format!(
            "REDIS_URL=redis://:{password}@127.0.0.1:{redis_port}/0\nDATABASE_URL=postgresql://app:pw@127.0.0.1:{pg}/db\n"
        ),
    )
    .expect(".env");
    let mut inputs = Inputs::new(project.path());
    inputs.loopback_only = true;
    inputs.urls = vec![format!("https://{HOST}")];
    inputs.ca_file = Some(certs.ca_pem.clone());
    inputs.connect_to = vec![map(HOST, 443, site.https), map(HOST, 80, site.http)];
    let inputs = Arc::new(inputs);

    let mut ours = Vec::new();
    for _ in 0..RUNS {
        let t = Instant::now();
        rt.block_on(async {
            tokio::join!(
                detect::run_one(Detector::Redis, inputs.clone()),
                detect::run_one(Detector::Web, inputs.clone()),
                detect::run_one(Detector::Postgres, inputs.clone()),
            )
        });
        ours.push(t.elapsed().as_secs_f64() * 1000.0);
    }

    let ca = certs.ca_pem.display().to_string();
    let https = format!("{HOST}:443:127.0.0.1:{}", site.https);
    let http = format!("{HOST}:80:127.0.0.1:{}", site.http);
    let mut theirs = Vec::new();
    for _ in 0..RUNS {
        let t = Instant::now();
        // Certificate, chain, protocol.
        run(Command::new("openssl").args([
            "s_client",
            "-connect",
            &format!("127.0.0.1:{}", site.https),
            "-servername",
            HOST,
            "-CAfile",
            &ca,
        ]));
        // Headers, redirect, CORS preflight, security.txt, /docs.
        run(Command::new("curl").args([
            "-s",
            "-o",
            "/dev/null",
            "-D",
            "-",
            "--connect-to",
            &https,
            "--cacert",
            &ca,
            &format!("https://{HOST}/"),
        ]));
        run(Command::new("curl").args([
            "-s",
            "-o",
            "/dev/null",
            "-D",
            "-",
            "--connect-to",
            &http,
            &format!("http://{HOST}/"),
        ]));
        run(Command::new("curl").args([
            "-s",
            "-o",
            "/dev/null",
            "-D",
            "-",
            "-X",
            "OPTIONS",
            "-H",
            "Origin: https://x.invalid",
            "-H",
            "Access-Control-Request-Method: GET",
            "--connect-to",
            &https,
            "--cacert",
            &ca,
            &format!("https://{HOST}/"),
        ]));
        run(Command::new("curl").args([
            "-s",
            "--connect-to",
            &https,
            "--cacert",
            &ca,
            &format!("https://{HOST}/.well-known/security.txt"),
        ]));
        run(Command::new("curl").args([
            "-s",
            "-o",
            "/dev/null",
            "--connect-to",
            &https,
            "--cacert",
            &ca,
            &format!("https://{HOST}/docs"),
        ]));
        // Redis: unauthenticated PING, then AUTH + INFO persistence.
        run(Command::new("redis-cli").args(["-p", &redis_port.to_string(), "PING"]));
        run(Command::new("redis-cli").args([
            "-p",
            &redis_port.to_string(),
            "--no-auth-warning",
            "-a",
            password,
            "INFO",
            "persistence",
        ]));
        // PostgreSQL TLS support.
        run(Command::new("openssl").args([
            "s_client",
            "-starttls",
            "postgres",
            "-connect",
            &format!("127.0.0.1:{pg}"),
        ]));
        theirs.push(t.elapsed().as_secs_f64() * 1000.0);
    }

    let mut black = Inputs::new(project.path());
    black.loopback_only = true;
    black.probe_deadline = Duration::from_secs(2);
    black.urls = (1..=10)
        .map(|i| format!("https://host{i}.example.com"))
        .collect();
    black.connect_to = (1..=10)
        .flat_map(|i| {
            let h = format!("host{i}.example.com");
            [map(&h, 443, hole), map(&h, 80, hole)]
        })
        .collect();
    let black = Arc::new(black);
    let t = Instant::now();
    let r = rt.block_on(detect::run_one(Detector::Web, black));
    let hole_wall = t.elapsed().as_secs_f64();
    let unknown = r
        .findings
        .iter()
        .filter(|f| f.outcome == detect::Outcome::Unknown)
        .count();

    let (o, s) = (median(ours), median(theirs));
    println!(
        "harden live probes, {RUNS} runs each, loopback servers (redis-server with requirepass+AOF, nginx with TLS, SSLRequest responder)"
    );
    println!("  harden, Redis + web + PostgreSQL probes concurrently: median {o:.1} ms");
    println!(
        "  openssl s_client, curl x5, redis-cli x2, openssl -starttls postgres, one after another: median {s:.1} ms"
    );
    println!(
        "  ratio: {:.2} of the sequential time (target <= 0.50)",
        o / s
    );
    println!(
        "  ten black-holed targets, 2 s deadline: {hole_wall:.2} s wall, {unknown} findings unknown (target < 2.5 s)"
    );
    let _ = redis.kill();
    let _ = redis.wait();
    drop(site);
}
