//! Active verification (issue 16) against a FastAPI-like application the
//! test starts on loopback (`tests/fixtures/active/server.py`, standard
//! library Python over HTTPS with the test CA's certificate): with and
//! without a rate limit on its login, with a token check that takes the
//! checklist's default SECRET_KEY or `alg: none`, and a protected route
//! left open. The routes come from the fixture project's code. Nothing is
//! sent without consent: the server logs every request it gets.

mod common;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use common::servers::{self, CertKind, Certs, HOST};
use harden::detect::{Detector, Outcome};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/active")
}

/// The application, stopped when dropped.
struct App {
    child: Child,
    https: u16,
    http: u16,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl Drop for App {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl App {
    fn start(certs: &Certs, flags: &[&str]) -> App {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("requests.log");
        std::fs::write(&log, "").unwrap();
        let (https, http) = (servers::free_port(), servers::free_port());
        let mut child = Command::new("python3")
            .arg(fixture().join("server.py"))
            .args(["--https-port", &https.to_string()])
            .args(["--http-port", &http.to_string()])
            .arg("--cert")
            .arg(&certs.cert_pem)
            .arg("--key")
            .arg(&certs.key_pem)
            .arg("--log")
            .arg(&log)
            .args(flags)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 runs the test application");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert_eq!(line.trim(), "ready", "the test application did not start");
        App {
            child,
            https,
            http,
            log,
            _dir: dir,
        }
    }

    fn requests(&self) -> Vec<String> {
        std::fs::read_to_string(&self.log)
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect()
    }
}

async fn verify(app: &App, certs: &Certs) -> BTreeMap<String, (Outcome, String)> {
    let mut i = servers::web_inputs(
        &fixture().join("project"),
        app.https,
        app.http,
        &certs.ca_pem,
    );
    i.active = true;
    i.active_urls.clone_from(&i.urls);
    let r = harden::detect::run_one(Detector::Active, std::sync::Arc::new(i)).await;
    r.findings
        .into_iter()
        .map(|f| (f.item, (f.outcome, f.evidence)))
        .collect()
}

/// A careful application: a limit of 5 logins a minute with Retry-After,
/// and a token check with its own random key.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_careful_application_passes_every_active_check() {
    let certs = servers::certs(CertKind::Valid);
    let app = App::start(&certs, &["--limit", "5", "--retry-after"]);
    let f = verify(&app, &certs).await;
    for id in [
        "verify.https",
        "verify.cors",
        "verify.rate_limiting",
        "verify.authentication",
        "verify.authorization",
    ] {
        assert_eq!(f[id].0, Outcome::Pass, "{id}: {}", f[id].1);
    }
    let (_, e) = &f["verify.rate_limiting"];
    assert!(
        e.starts_with("POST /api/v1/auth/token (from app/auth.py:9): 429 at request 6 of at most 30, with Retry-After: 60; before it: 401 ×5"),
        "{e}"
    );
    let (_, e) = &f["verify.authorization"];
    assert!(
        e.starts_with("GET /api/v1/users/me → 401 with a token signed with a random key, GET /api/v1/users/me → 401 with a token for 1 signed with the default SECRET_KEY"),
        "{e}"
    );
    assert!(
        e.contains("GET /api/v1/users/me → 401 with an alg:none token for admin@example.com (route from app/users.py:9); a server that looks the subject up"),
        "{e}"
    );
    let (_, e) = &f["verify.https"];
    assert!(
        e.starts_with(&format!("GET https://{HOST}/ → 200 over TLS 1.3, certificate verified; GET http://{HOST}/ → 308 to https://{HOST}/")),
        "{e}"
    );
    // Six logins and no more: the burst stopped at the first 429.
    let logins = app
        .requests()
        .iter()
        .filter(|l| l.starts_with("POST /api/v1/auth/token"))
        .count();
    assert_eq!(logins, 6);
}

/// A careless application: no limit, tokens signed with the checklist's
/// placeholder key, and alg:none taken. Rate limiting fails after the
/// whole burst; authorization fails as critical, naming both tokens.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_careless_application_fails_for_the_right_reasons() {
    let certs = servers::certs(CertKind::Valid);
    let app = App::start(&certs, &["--default-key", "--accept-none"]);
    let f = verify(&app, &certs).await;
    let (o, e) = &f["verify.rate_limiting"];
    assert_eq!(*o, Outcome::Fail, "{e}");
    assert!(e.contains("30 requests in"), "{e}");
    assert!(e.ends_with("none answered 429 (401 ×30)"), "{e}");
    let (o, e) = &f["verify.authentication"];
    assert_eq!(*o, Outcome::Pass, "{e}");
    let (o, e) = &f["verify.authorization"];
    assert_eq!(*o, Outcome::Fail, "{e}");
    assert!(
        e.contains("the server accepts tokens signed with the checklist's default SECRET_KEY (for 1, admin, admin@example.com) and unsigned alg:none tokens (for 1, admin, admin@example.com)"),
        "{e}"
    );
    assert!(
        e.contains("critical: the checklist's verification section carries no severity"),
        "{e}"
    );
    assert!(
        !e.contains("your-secret-key-here"),
        "the key is named, never printed: {e}"
    );
    let logins = app
        .requests()
        .iter()
        .filter(|l| l.starts_with("POST "))
        .count();
    assert_eq!(logins, 30, "the burst is bounded");

    // Only one of the two forged tokens taken: named alone.
    let app = App::start(&certs, &["--limit", "3", "--accept-none"]);
    let f = verify(&app, &certs).await;
    let (o, e) = &f["verify.authorization"];
    assert_eq!(*o, Outcome::Fail, "{e}");
    assert!(
        e.contains(
            "the server accepts unsigned alg:none tokens (for 1, admin, admin@example.com):"
        ),
        "{e}"
    );
    let (o, e) = &f["verify.rate_limiting"];
    assert_eq!(*o, Outcome::Pass, "{e}");
    assert!(e.contains("without Retry-After"), "{e}");
}

/// A protected route served without a token fails authentication as
/// critical, and authorization is unknown (forged tokens prove nothing).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_open_route_fails_authentication() {
    let certs = servers::certs(CertKind::Valid);
    let app = App::start(&certs, &["--open", "--limit", "5"]);
    let f = verify(&app, &certs).await;
    let (o, e) = &f["verify.authentication"];
    assert_eq!(*o, Outcome::Fail, "{e}");
    assert!(
        e.starts_with("GET /api/v1/users/me → 200 without a token"),
        "{e}"
    );
    assert_eq!(f["verify.authorization"].0, Outcome::Unknown);
}

fn check(app: &App, certs: &Certs, extra: &[&str]) -> common::Run {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("pip-audit.json");
    std::fs::write(&report, r#"{"dependencies": []}"#).unwrap();
    common::run(
        common::harden()
            .args(["check", "--project"])
            .arg(fixture().join("project"))
            .args(["--state"])
            .arg(dir.path().join("state.toml"))
            .args(["--url", &format!("https://{HOST}/")])
            .args([
                "--connect-to",
                &format!("{HOST}:443:127.0.0.1:{}", app.https),
                "--connect-to",
                &format!("{HOST}:80:127.0.0.1:{}", app.http),
            ])
            .arg("--ca-file")
            .arg(&certs.ca_pem)
            .arg("--pip-audit-json")
            .arg(&report)
            .args(["--timeout", "3", "--only", "verify"])
            .args(extra),
    )
}

/// Without --active, `check` sends the application nothing of the
/// active set (no login, no token); --list-probes --active lists every
/// request and sends none; with --active, an accepted forged token makes
/// `check` exit 1 under the default --fail-on critical.
#[test]
fn nothing_active_is_sent_without_consent_and_a_forged_token_fails_check() {
    let certs = servers::certs(CertKind::Valid);
    let app = App::start(&certs, &["--default-key"]);

    let o = check(&app, &certs, &[]);
    let active: Vec<String> = app
        .requests()
        .into_iter()
        .filter(|l| l.contains("/api/v1/") || l.ends_with(" token"))
        .collect();
    assert!(active.is_empty(), "sent without consent: {active:?}");
    assert!(
        o.stdout.contains("Connections harden made:"),
        "{}",
        o.stdout
    );
    assert!(
        !o.stdout.contains("active verification"),
        "an active connection without consent: {}",
        o.stdout
    );

    let o = check(&app, &certs, &["--active", "--list-probes"]);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    for want in [
        "--active would send to https://api.example.com/ (nothing was sent):",
        "verify.rate_limiting: up to 30 × POST https://api.example.com/api/v1/auth/token (from app/auth.py:9), a made-up user and password as a form, within 5 s, stopping at the first 429",
        "verify.authorization: GET https://api.example.com/api/v1/users/me with a token signed with a random key, with tokens for 1, admin, admin@example.com signed with the checklist's default SECRET_KEY (HS256), and with alg:none tokens for the same",
    ] {
        assert!(o.stdout.contains(want), "{want}\n{}", o.stdout);
    }
    let before = app.requests().len();
    assert_eq!(
        app.requests()
            .iter()
            .filter(|l| l.contains("/api/v1/"))
            .count(),
        0,
        "--list-probes sent a request"
    );

    let o = check(&app, &certs, &["--active", "--format", "json"]);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    let item = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "verify.authorization")
        .unwrap();
    assert_eq!(item["status"], "fail");
    assert_eq!(item["severity"], "critical");
    assert!(app.requests().len() > before);
    assert!(!o.stdout.contains("your-secret-key-here"));
}

/// The path flags are checked before anything is sent: a request line
/// cannot be split by a crafted path.
#[test]
fn a_crafted_path_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    for (flag, bad, says) in [
        (
            "--login-path",
            "/login HTTP/1.1\r\nX: y",
            "only printable ASCII",
        ),
        ("--protected-path", "me", "must start with /"),
        ("--login-path", "/a b", "only printable ASCII"),
    ] {
        let o = common::run(
            common::harden()
                .args(["check", "--offline", "--project"])
                .arg(dir.path())
                .args([flag, bad]),
        );
        assert_eq!(o.code, 2, "{flag} {bad:?}: {}", o.stderr);
        assert!(
            o.stderr.contains(flag) && o.stderr.contains(says),
            "{}",
            o.stderr
        );
    }
}

/// The wizard: V lists every request and sends none; a key other than y
/// cancels (still nothing sent); V then y sends them, and section 18
/// shows the verdicts.
#[test]
fn the_wizard_lists_the_requests_and_sends_only_after_y() {
    use common::Pty;
    use std::time::Duration;
    let wait = Duration::from_secs(20);
    let certs = servers::certs(CertKind::Valid);
    let app = App::start(&certs, &["--default-key"]);
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("pip-audit.json");
    std::fs::write(&report, r#"{"dependencies": []}"#).unwrap();
    let project = fixture().join("project");
    let state = dir.path().join("state.toml");
    let (https, http) = (
        format!("{HOST}:443:127.0.0.1:{}", app.https),
        format!("{HOST}:80:127.0.0.1:{}", app.http),
    );
    let url = format!("https://{HOST}/");
    let args = [
        "--project",
        project.to_str().unwrap(),
        "--state",
        state.to_str().unwrap(),
        "--url",
        &url,
        "--connect-to",
        &https,
        "--connect-to",
        &http,
        "--ca-file",
        certs.ca_pem.to_str().unwrap(),
        "--pip-audit-json",
        report.to_str().unwrap(),
        "--timeout",
        "3",
    ];
    let mut p = Pty::harden(&args, 140, 45);
    p.wait_for("Who is answering?", wait);
    p.send(b"\r");
    p.wait_for("Detection done", wait);
    p.send(b"V");
    let screen = p.wait_for("send these requests?", wait);
    assert!(
        screen.contains("POST https://api.example.com/api/v1/auth/token"),
        "{screen}"
    );
    assert!(screen.contains("alg:none token"), "{screen}");
    let sent = |app: &App| {
        app.requests()
            .iter()
            .filter(|l| l.contains("/api/v1/"))
            .count()
    };
    assert_eq!(sent(&app), 0, "sent before the operator said yes");
    p.send(b"n");
    p.wait_for("Active verification cancelled: nothing was sent.", wait);
    assert_eq!(sent(&app), 0, "sent after a cancel");
    p.send(b"V");
    p.wait_for("send these requests?", wait);
    p.send(b"y");
    p.wait_for("Sending the active requests", wait);
    // The burst (30 logins) and the nine token requests.
    let deadline = std::time::Instant::now() + wait;
    while sent(&app) < 39 && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(sent(&app), 39, "{:?}", app.requests());
    let saved = (0..100)
        .map(|_| {
            std::thread::sleep(Duration::from_millis(100));
            std::fs::read_to_string(&state).unwrap_or_default()
        })
        .find(|s| s.contains("verify.authorization"))
        .expect("the verdicts reach the state file");
    assert!(!saved.contains("your-secret-key-here"), "{saved}");
    p.send(b"q");
}

/// What the first review found: a redirect to the same path with a slash
/// is no refusal (unknown, not a pass); nginx's 503 limit is a limit, said
/// as a warning; a state file's URL gets no active request from `check`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redirects_503_limits_and_state_urls() {
    let certs = servers::certs(CertKind::Valid);
    let app = App::start(
        &certs,
        &["--redirect-slash", "--limit", "4", "--limit-status", "503"],
    );
    let f = verify(&app, &certs).await;
    let (o, e) = &f["verify.authentication"];
    assert_eq!(*o, Outcome::Unknown, "{e}");
    assert!(
        e.starts_with(
            "GET /api/v1/users/me → 307 to https://api.example.com/api/v1/users/me/ without a token"
        ),
        "{e}"
    );
    assert_eq!(f["verify.authorization"].0, Outcome::Unknown);
    let (o, e) = &f["verify.rate_limiting"];
    assert_eq!(*o, Outcome::Warn, "{e}");
    assert!(
        e.contains("503 at request 5 of at most 30 after 401 ×4"),
        "{e}"
    );

    // A web app's redirects: to /login?next=… is a refusal; a forged
    // token sent elsewhere (not where a random-key token goes) is no pass.
    let app = App::start(
        &certs,
        &["--redirect-login", "--default-key", "--limit", "5"],
    );
    let f = verify(&app, &certs).await;
    let (o, e) = &f["verify.authentication"];
    assert_eq!(*o, Outcome::Pass, "{e}");
    let (o, e) = &f["verify.authorization"];
    assert_eq!(*o, Outcome::Unknown, "{e}");
    assert!(
        e.contains("→ 303 to /account/sessions/current with a token for 1 signed with the default SECRET_KEY"),
        "{e}"
    );
    assert!(
        e.contains("answered otherwise than a token signed with a random key"),
        "{e}"
    );

    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.toml");
    let v1 = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/states/v1-with-answers.toml"),
    )
    .unwrap();
    std::fs::write(
        &state,
        v1.replacen(
            "schema = 1\n",
            "schema = 1\nurls = [\"https://victim.example.org:9443/\"]\n",
            1,
        ),
    )
    .unwrap();
    let o = common::run(
        common::harden()
            .args(["check", "--list-probes", "--active", "--project"])
            .arg(fixture().join("project"))
            .arg("--state")
            .arg(&state)
            .args(["--url", &format!("https://{HOST}/")]),
    );
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout.contains("victim.example.org"),
        "the state's URL is probed passively: {}",
        o.stdout
    );
    let active = &o.stdout[o
        .stdout
        .find("--active would send")
        .expect("the active list")..];
    assert!(!active.contains("victim"), "{active}");
}
